//! A quick income estimator on the landing page: it applies the verified-income arithmetic of
//! the score model (net revenue = sales − refunds, monthly = 90-day total ÷ 3) to figures the
//! visitor types. It needs the wasm bundle, so it doubles as the page's proof of hydration.

use leptos::prelude::*;

/// Parses a dollar amount the visitor typed ("1,500.50") into cents; `None` when unreadable.
fn parse_cents(input: &str) -> Option<i64> {
    let cleaned: String = input.trim().trim_start_matches('$').replace(',', "");
    if cleaned.is_empty() {
        return Some(0);
    }
    let (whole, frac) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    if frac.len() > 2
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac_cents: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac_cents)
}

/// Formats cents as US dollars: `$4,333.33`.
pub fn format_usd(cents: i64) -> String {
    super::format::money(cents as f64 / 100.0, "USD")
}

/// Monthly verified income in cents from 90-day sales, refunds and settled commission, rounding
/// half away from zero exactly as the income model does.
fn monthly_cents(sales: i64, refunds: i64, commission: i64) -> i64 {
    let total = sales - refunds + commission;
    let (q, r) = (total / 3, total % 3);
    if r * 2 >= 3 {
        q + 1
    } else {
        q
    }
}

/// The estimator form.
/// An island: it hydrates on its own on the otherwise static landing page.
#[island]
pub fn IncomeEstimator() -> impl IntoView {
    let (sales, set_sales) = signal(String::from("15000"));
    let (refunds, set_refunds) = signal(String::from("750"));
    let (commission, set_commission) = signal(String::from("0"));
    // Once this is true the wasm bundle is live.
    let hydrated = super::hydrated();

    let result = move || match (
        parse_cents(&sales.get()),
        parse_cents(&refunds.get()),
        parse_cents(&commission.get()),
    ) {
        (Some(s), Some(r), Some(c)) if r <= s => Ok(monthly_cents(s, r, c)),
        (Some(_), Some(_), Some(_)) => Err("Refunds cannot exceed sales."),
        _ => Err("Enter amounts like 15000 or 1,250.50."),
    };

    view! {
        <section class="card estimator" aria-labelledby="estimator-title" data-hydrated=move || hydrated.get().to_string()>
            <h2 id="estimator-title">"Estimate your monthly verified income"</h2>
            <p class="muted">"Figures for the last 90 days, in US dollars."</p>
            <div class="estimator-grid">
                <label>
                    "Sales (GMV)"
                    <input type="text" inputmode="decimal" name="sales" prop:value=sales
                        on:input=move |ev| set_sales.set(event_target_value(&ev)) />
                </label>
                <label>
                    "Refunds"
                    <input type="text" inputmode="decimal" name="refunds" prop:value=refunds
                        on:input=move |ev| set_refunds.set(event_target_value(&ev)) />
                </label>
                <label>
                    "Settled affiliate commission"
                    <input type="text" inputmode="decimal" name="commission" prop:value=commission
                        on:input=move |ev| set_commission.set(event_target_value(&ev)) />
                </label>
            </div>
            <p class="estimator-result" aria-live="polite">
                {move || if hydrated.get() {
                    match result() {
                        Ok(cents) => view! { "Monthly verified income: " <output data-testid="estimate">{format_usd(cents)}</output> }.into_any(),
                        Err(message) => view! { <span class="error-text">{message}</span> }.into_any(),
                    }
                } else {
                    view! { <span class="muted">"The estimator needs JavaScript. Your real figures come from your connected shop."</span> }.into_any()
                }}
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_typed_amounts_into_cents() {
        assert_eq!(parse_cents("15000"), Some(1_500_000));
        assert_eq!(parse_cents("$1,250.5"), Some(125_050));
        assert_eq!(parse_cents(""), Some(0));
        assert_eq!(parse_cents("12.345"), None);
        assert_eq!(parse_cents("abc"), None);
    }

    #[test]
    fn hybrid_worked_example_is_4333_33_a_month() {
        assert_eq!(
            format_usd(monthly_cents(1_000_000, 0, 300_000)),
            "$4,333.33"
        );
    }

    #[test]
    fn seller_worked_example_is_4750_a_month() {
        assert_eq!(format_usd(monthly_cents(1_500_000, 75_000, 0)), "$4,750.00");
    }
}
