//! The measured value and points (0–100) of every signal, from the income report alone.
//! `None` points mean *missing*: the signal applies but could not be measured.

use crate::income::IncomeReport;
use crate::money::Money;
use crate::records::SourceKind;

/// A measured signal before weighting.
pub(crate) struct Measure {
    pub value: Option<f64>,
    pub display: String,
    pub points: Option<f64>,
}

impl Measure {
    pub(crate) fn missing() -> Measure {
        Measure::missing_because("not available")
    }

    pub(crate) fn missing_because(why: &str) -> Measure {
        Measure {
            value: None,
            display: why.to_string(),
            points: None,
        }
    }

    pub(crate) fn of(value: f64, display: String, points: f64) -> Measure {
        if !value.is_finite() {
            return Measure::missing();
        }
        Measure {
            value: Some(value),
            display,
            points: Some(clamp_points(points)),
        }
    }
}

/// 0–100, with NaN read as 0: no input can push a point outside the range.
pub(crate) fn clamp_points(points: f64) -> f64 {
    if points.is_nan() {
        0.0
    } else {
        points.clamp(0.0, 100.0)
    }
}

fn unit(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
}

/// The revenue curve: continuous, non-decreasing, 100 from $20,000/month. An active shop or
/// account starts at 10 points with no income (credit for existing).
pub fn revenue_points(monthly_usd: f64, active: bool) -> f64 {
    let base = if active { 10.0 } else { 0.0 };
    let m = if monthly_usd.is_nan() {
        0.0
    } else {
        monthly_usd.max(0.0)
    };
    let points = if m < 1_000.0 {
        base + (35.0 - base) * m / 1_000.0
    } else if m < 5_000.0 {
        35.0 + 30.0 * (m - 1_000.0) / 4_000.0
    } else if m < 20_000.0 {
        65.0 + 35.0 * (m - 5_000.0) / 15_000.0
    } else {
        100.0
    };
    clamp_points(points)
}

/// Points of a concentration share: 100 up to 40%, falling linearly to 0 at 100%.
pub(crate) fn concentration_points(share: f64) -> f64 {
    100.0 * (1.0 - unit((share - 0.40) / 0.60))
}

fn dollars(money: Money) -> f64 {
    money.minor as f64 / 100.0
}

pub(crate) fn format_usd(amount: f64) -> String {
    let cents = (amount * 100.0).round() as i64;
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Coefficient of variation (σ/μ) of non-negative values; `None` when the mean is not positive.
fn variation(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if !mean.is_finite() || mean <= 0.0 {
        return None;
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let cv = var.sqrt() / mean;
    cv.is_finite().then_some(cv)
}

/// Relative change → points: flat is 50, doubling or more is 100, falling to zero is 0. An
/// earlier level of zero is *missing*: growth from nothing is timing, not a trend.
fn trend(recent: f64, earlier: f64) -> Option<(f64, f64)> {
    if earlier > 0.0 {
        let change = (recent - earlier) / earlier;
        change
            .is_finite()
            .then(|| (change, clamp_points(50.0 + 50.0 * change)))
    } else {
        None
    }
}

fn share_measure(share: Option<f64>, what: &str) -> Measure {
    match share {
        Some(s) => Measure::of(
            s,
            format!("{} of {what}", percent(s)),
            concentration_points(s),
        ),
        None => Measure::missing(),
    }
}

pub(crate) fn revenue(income: &IncomeReport) -> Vec<Measure> {
    let monthly = dollars(income.usd.monthly_income);
    let active = income.sources.iter().any(|s| s.source.active);
    vec![Measure::of(
        monthly,
        format!("{} / month", format_usd(monthly)),
        revenue_points(monthly, active),
    )]
}

/// The monthly series trends and stability read, from the first complete bucket.
fn usable(series: &[Money], start: u32) -> Vec<f64> {
    series
        .iter()
        .skip(start as usize)
        .map(|m| dollars(*m).max(0.0))
        .collect()
}

pub(crate) fn consistency(income: &IncomeReport) -> Vec<Measure> {
    let weeks = &income.weekly_order_counts;
    let total: u64 = weeks.iter().sum();
    let active = weeks.iter().filter(|c| **c > 0).count();
    let weeks_with_sales = if weeks.is_empty() {
        Measure::missing()
    } else {
        let share = active as f64 / weeks.len() as f64;
        Measure::of(
            share,
            format!("{active} of {} weeks", weeks.len()),
            100.0 * share,
        )
    };
    let counts: Vec<f64> = weeks.iter().map(|c| *c as f64).collect();
    let weekly_variation = match variation(&counts) {
        Some(cv) if total > 0 => Measure::of(
            cv,
            format!("{cv:.2} (σ/mean)"),
            100.0 * (1.0 - unit(cv / 1.5)),
        ),
        _ => Measure::missing_because("no countable orders"),
    };
    let months = usable(&income.usd.monthly_series, income.trend_month_start);
    let stability = match variation(&months) {
        Some(cv) if months.len() >= 2 => Measure::of(
            cv,
            format!("{cv:.2} (σ/mean over {} months)", months.len()),
            100.0 * (1.0 - unit(cv)),
        ),
        _ => Measure::missing_because("fewer than two complete months"),
    };
    let age = match income.earliest_earning {
        Some(first) => {
            let days = ((income.window.end - first) as f64 / 86_400.0).max(0.0);
            Measure::of(
                days,
                format!(
                    "{} days (history fetched: {} days)",
                    days.floor(),
                    income.window.history_days
                ),
                20.0 + 80.0 * unit(days / 730.0),
            )
        }
        None => Measure::missing_because("no verified earnings"),
    };
    let c = &income.concentration;
    vec![
        weeks_with_sales,
        weekly_variation,
        stability,
        age,
        share_measure(c.top_product_share, "product revenue"),
        share_measure(c.top_shop_share, "settled commission"),
        share_measure(c.top_content_share, "settled commission"),
    ]
}

/// Session-weighted mean of a customer-service percentage over the shops that report it.
fn service_percent(
    income: &IncomeReport,
    pick: impl Fn(&crate::records::CustomerService) -> Option<f64>,
) -> Option<f64> {
    let mut weighted = 0.0;
    let mut sessions = 0.0;
    for source in &income.sources {
        if source.source.kind != SourceKind::Shop {
            continue;
        }
        let Some(cs) = &source.source.customer_service else {
            continue;
        };
        let Some(pct) = pick(cs).filter(|p| p.is_finite()) else {
            continue;
        };
        let weight = (cs.sessions as f64).max(1.0);
        weighted += pct.clamp(0.0, 100.0) * weight;
        sessions += weight;
    }
    (sessions > 0.0).then(|| weighted / sessions)
}

pub(crate) fn reliability(income: &IncomeReport) -> Vec<Measure> {
    let delivered = income.usd.delivered_gmv.minor;
    let refunds = income
        .usd
        .refunds
        .minor
        .saturating_add(income.usd.refunds_in_progress.minor);
    let returns = match income.return_rate {
        Some(rate) => Measure::of(rate, percent(rate), 100.0 * (1.0 - unit(rate / 0.20))),
        None if delivered <= 0 && refunds > 0 => Measure {
            value: None,
            display: "refunds with no delivered sales".to_string(),
            points: Some(0.0),
        },
        None => Measure::missing_because("no delivered sales"),
    };
    let on_time = match income.on_time_shipping {
        Some(rate) => Measure::of(rate, percent(rate), 100.0 * unit((rate - 0.80) / 0.20)),
        None => Measure::missing_because("no shipments with a TikTok deadline"),
    };
    let c = &income.counts;
    let decided = c.cancelled_orders + c.countable_orders;
    let cancellations = if decided > 0 {
        let rate = c.cancelled_orders as f64 / decided as f64;
        Measure::of(rate, percent(rate), 100.0 * (1.0 - unit(rate / 0.20)))
    } else {
        Measure::missing_because("no delivered or cancelled orders")
    };
    let satisfaction = match service_percent(income, |cs| cs.satisfaction_percent) {
        Some(p) => Measure::of(p, format!("{p:.1}%"), 100.0 * unit((p - 60.0) / 40.0)),
        None => Measure::missing(),
    };
    let response = match service_percent(income, |cs| cs.response_percent) {
        Some(p) => Measure::of(p, format!("{p:.1}%"), 100.0 * unit((p - 50.0) / 50.0)),
        None => Measure::missing(),
    };
    let own: u64 = income.sources.iter().map(|s| s.self_dealing.orders).sum();
    let settled = c.affiliate_settled_orders.saturating_sub(own);
    let reversed = c.affiliate_reversed_orders + c.affiliate_deducted_orders;
    let settlement = if settled + reversed > 0 {
        let share = reversed as f64 / (settled + reversed) as f64;
        Measure::of(
            1.0 - share,
            format!("{} settled", percent(1.0 - share)),
            100.0 * (1.0 - unit(share / 0.30)),
        )
    } else {
        Measure::missing_because("no decided affiliate orders")
    };
    vec![
        returns,
        on_time,
        cancellations,
        satisfaction,
        response,
        settlement,
    ]
}

pub(crate) fn growth(income: &IncomeReport) -> Vec<Measure> {
    let months = usable(&income.trend_series, income.trend_month_start);
    let income_trend = match months.split_last() {
        Some((last, earlier)) if !earlier.is_empty() => {
            let before = earlier.iter().sum::<f64>() / earlier.len() as f64;
            match trend(*last, before) {
                Some((change, points)) => {
                    Measure::of(change, format!("{:+.1}%", change * 100.0), points)
                }
                None => Measure::missing_because("no earlier verified income to compare with"),
            }
        }
        _ => Measure::missing_because("fewer than two complete months"),
    };
    // The newest week is left out: its orders are mostly still on their way.
    let weeks = &income.weekly_order_counts;
    let usable_weeks: &[u64] = weeks
        .get(income.trend_week_start as usize..weeks.len().saturating_sub(1))
        .unwrap_or(&[]);
    let half = usable_weeks.len() / 2;
    let order_trend = if half < 2 {
        Measure::missing_because("fewer than four complete weeks")
    } else {
        let n = usable_weeks.len();
        let earlier: u64 = usable_weeks[n - 2 * half..n - half].iter().sum();
        let recent: u64 = usable_weeks[n - half..].iter().sum();
        match trend(recent as f64, earlier as f64) {
            Some((change, points)) => Measure::of(
                change,
                format!("{recent} vs {earlier} orders ({:+.1}%)", change * 100.0),
                points,
            ),
            None => Measure::missing_because("no earlier orders to compare with"),
        }
    };
    let c = &income.counts;
    let products = if c.products > 0 {
        let sold = c.products_launched_sold as f64;
        Measure::of(
            sold,
            format!("{sold} launched and sold"),
            40.0 + 15.0 * sold,
        )
    } else {
        Measure::missing_because("no product data")
    };
    let network = if c.affiliate_lines > 0 {
        let shops = income.affiliate_network as f64;
        Measure::of(shops, format!("{shops} shops settled"), 20.0 * shops)
    } else {
        Measure::missing_because("no affiliate orders")
    };
    vec![income_trend, order_trend, products, network]
}
