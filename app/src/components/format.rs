//! Display formatting for figures the server computed exactly.

/// A currency amount, `$14,250.00` for USD, `15,000.00 GBP` style otherwise; IDR and VND
/// without decimals.
pub fn money(amount: f64, currency: &str) -> String {
    let decimals = if matches!(currency, "IDR" | "VND") {
        0
    } else {
        2
    };
    let negative = amount < 0.0;
    let text = format!("{:.*}", decimals, amount.abs());
    let (whole, frac) = text
        .split_once('.')
        .map(|(w, f)| (w.to_string(), Some(f.to_string())))
        .unwrap_or((text, None));
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let number = match frac {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    };
    let sign = if negative { "−" } else { "" };
    match currency {
        "USD" => format!("{sign}${number}"),
        other => format!("{sign}{number} {other}"),
    }
}

/// A 0–1 ratio as a percentage: `5.0%`.
pub fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// An RFC 3339 time as `2026-11-25 14:53 UTC`.
pub fn when(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_names_the_currency() {
        assert_eq!(money(14250.0, "USD"), "$14,250.00");
        assert_eq!(money(4333.33, "USD"), "$4,333.33");
        assert_eq!(money(1500000.0, "IDR"), "1,500,000 IDR");
        assert_eq!(money(0.0, "USD"), "$0.00");
        assert_eq!(money(-12.5, "GBP"), "−12.50 GBP");
    }

    #[test]
    fn percent_and_time_read_naturally() {
        assert_eq!(percent(0.05), "5.0%");
        assert_eq!(when("2026-11-25T14:53:01Z"), "2026-11-25 14:53 UTC");
    }
}
