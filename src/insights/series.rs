//! Verified income over the history (weekly and 30-day buckets, per source and in total),
//! seasonality (year over year, the strongest calendar month) and today's orders.

use serde::{Deserialize, Serialize};

use super::{Amount, Converter};
use crate::income::{IncomeWindow, SourceDetail, DAY, MONTH_DAYS};
use crate::money::{Currency, FxTable, Money};
use crate::records::SourceInfo;

/// One verified-income series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesInsight {
    /// The source id, or `"total"` (USD only).
    pub source: String,
    /// Values in the source's currency, oldest first.
    pub original: Vec<Money>,
    /// Values in USD; `None` without an FX rate.
    pub usd: Option<Vec<Money>>,
}

/// Latest 30 days against the same 30 days a year earlier (USD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct YearOverYear {
    /// Verified income of the latest 30 days.
    pub latest: Money,
    /// Verified income of the same 30 days a year earlier (365 days before).
    pub year_earlier: Money,
    /// latest ÷ year earlier − 1.
    pub change: Option<f64>,
}

/// Seasonality, from a history of at least 13 months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seasonality {
    /// Days of history the figures rest on.
    pub history_days: u32,
    /// The comparison, when the history covers 13 months or more.
    pub year_over_year: Option<YearOverYear>,
    /// The calendar month with the highest mean daily income (1–12).
    pub strongest_month: Option<u32>,
    /// A sentence for the dashboard.
    pub note: String,
}

/// The last 24 hours of one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TodayInsight {
    /// The source id.
    pub source: String,
    /// Paid orders created in the last 24 hours.
    pub orders: u64,
    /// Their GMV.
    pub gmv: Amount,
}

/// Days of history seasonality needs (13 months of 30 days and a bit).
const SEASONAL_HISTORY_DAYS: u32 = 395;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn buckets(days: &[i128], count: usize, bucket_of: impl Fn(u32) -> Option<usize>) -> Vec<i128> {
    let mut out = vec![0i128; count];
    for (offset, value) in days.iter().enumerate() {
        if let Some(b) = bucket_of(offset as u32) {
            if let Some(slot) = out.get_mut(b) {
                *slot += value;
            }
        }
    }
    out
}

fn series(
    sources: &[SourceInfo],
    details: &[SourceDetail],
    fx: &FxTable,
    count: usize,
    bucket_of: impl Fn(u32) -> Option<usize> + Copy,
) -> Vec<SeriesInsight> {
    let mut out = Vec::new();
    let mut total = vec![0i128; count];
    for (source, detail) in sources.iter().zip(details) {
        let convert = Converter {
            currency: source.currency,
            fx,
        };
        let values = buckets(&detail.history_days, count, bucket_of);
        let usd: Option<Vec<Money>> = values.iter().map(|v| convert.usd(*v)).collect();
        if let Some(usd) = &usd {
            for (t, v) in total.iter_mut().zip(usd) {
                *t += i128::from(v.minor);
            }
        }
        out.push(SeriesInsight {
            source: source.id.clone(),
            original: values.iter().map(|v| convert.money(*v)).collect(),
            usd,
        });
    }
    let usd = Converter {
        currency: Currency::USD,
        fx,
    };
    let total: Vec<Money> = total.iter().map(|v| usd.money(*v)).collect();
    out.push(SeriesInsight {
        source: "total".to_string(),
        original: total.clone(),
        usd: Some(total),
    });
    out
}

/// Weekly verified income over the history.
pub(crate) fn weekly(
    window: IncomeWindow,
    sources: &[SourceInfo],
    details: &[SourceDetail],
    fx: &FxTable,
) -> Vec<SeriesInsight> {
    series(sources, details, fx, window.history_weeks(), |o| {
        window.history_week_of_offset(o)
    })
}

/// Verified income per 30-day bucket over the history.
pub(crate) fn monthly(
    window: IncomeWindow,
    sources: &[SourceInfo],
    details: &[SourceDetail],
    fx: &FxTable,
) -> Vec<SeriesInsight> {
    series(sources, details, fx, window.history_months(), |o| {
        Some(window.history_month_of_offset(o))
    })
}

/// The calendar month (1–12) of a unix day number (Howard Hinnant's civil_from_days).
fn month_of_day(day: i64) -> u32 {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    (if mp < 10 { mp + 3 } else { mp - 9 }) as u32
}

/// Year over year and the strongest month, over the total USD income per day.
pub(crate) fn seasonality(
    window: IncomeWindow,
    sources: &[SourceInfo],
    details: &[SourceDetail],
    fx: &FxTable,
) -> Seasonality {
    let days = window.history_days;
    if days < SEASONAL_HISTORY_DAYS {
        return Seasonality {
            history_days: days,
            year_over_year: None,
            strongest_month: None,
            note: format!(
                "Seasonality needs at least 13 months of history; {days} days were fetched."
            ),
        };
    }
    let mut daily = vec![0i128; days as usize];
    for (source, detail) in sources.iter().zip(details) {
        let convert = Converter {
            currency: source.currency,
            fx,
        };
        for (slot, value) in daily.iter_mut().zip(&detail.history_days) {
            *slot += convert.usd(*value).map_or(0, |m| i128::from(m.minor));
        }
    }
    let span = |from: usize| {
        daily
            .iter()
            .skip(from)
            .take(MONTH_DAYS as usize)
            .sum::<i128>()
    };
    let latest = span(0);
    let year_earlier = span(365);
    let mut by_month = [(0i128, 0i128); 12];
    for (offset, value) in daily.iter().enumerate() {
        let day = (window.end - offset as i64 * DAY).div_euclid(DAY);
        let m = month_of_day(day) as usize - 1;
        by_month[m].0 += value;
        by_month[m].1 += 1;
    }
    let total: i128 = daily.iter().sum();
    let mean = total as f64 / f64::from(days);
    let strongest = by_month
        .iter()
        .enumerate()
        .filter(|(_, (_, n))| *n > 0)
        .map(|(m, (sum, n))| (m, *sum as f64 / *n as f64))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    let usd = |v: i128| Money::new(i64::try_from(v).unwrap_or(i64::MAX), Currency::USD);
    let (strongest_month, note) = match strongest {
        Some((m, per_day)) if mean > 0.0 => (
            Some(m as u32 + 1),
            format!(
                "Sales peak in {}: {:.0}% of an average month.",
                MONTHS[m],
                per_day / mean * 100.0
            ),
        ),
        _ => (
            None,
            "No verified income in the history to compare months.".to_string(),
        ),
    };
    Seasonality {
        history_days: days,
        year_over_year: Some(YearOverYear {
            latest: usd(latest),
            year_earlier: usd(year_earlier),
            change: (year_earlier > 0).then(|| latest as f64 / year_earlier as f64 - 1.0),
        }),
        strongest_month,
        note,
    }
}

/// Orders and GMV of the last 24 hours.
pub(crate) fn today(
    sources: &[SourceInfo],
    details: &[SourceDetail],
    fx: &FxTable,
) -> Vec<TodayInsight> {
    sources
        .iter()
        .zip(details)
        .map(|(source, detail)| TodayInsight {
            source: source.id.clone(),
            orders: detail.today_orders,
            gmv: Converter {
                currency: source.currency,
                fx,
            }
            .amount(detail.today_gmv),
        })
        .collect()
}
