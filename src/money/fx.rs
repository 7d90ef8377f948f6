//! The dated FX table: exact fixed-point rates to USD and the one rounding step (half to even,
//! to the USD cent) every conversion takes.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{div_half_even, Currency, Money, MoneyError};

/// Fixed-point scale of FX rates: rates are held in millionths.
const RATE_SCALE: i128 = 1_000_000;

/// How many units of a currency one US dollar buys, as an exact fixed-point number with six
/// decimal places (`16250.000000` IDR per USD is stored as `16_250_000_000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxRate {
    /// Units of the currency per USD, times 1,000,000.
    pub per_usd_micros: u64,
}

impl FxRate {
    /// Parses a positive plain decimal with at most six decimal places (`"16250"`, `"0.79"`).
    pub fn parse(input: &str) -> Result<FxRate, MoneyError> {
        let invalid = || MoneyError::InvalidRate(input.to_string());
        let (whole, fraction) = input.split_once('.').unwrap_or((input, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 6 {
            return Err(invalid());
        }
        if input.contains('.') && fraction.is_empty() {
            return Err(invalid());
        }
        let mut value: u64 = 0;
        for b in whole
            .bytes()
            .chain(fraction.bytes())
            .chain(std::iter::repeat_n(b'0', 6 - fraction.len()))
        {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
                .ok_or_else(invalid)?;
        }
        if value == 0 {
            return Err(invalid());
        }
        Ok(FxRate {
            per_usd_micros: value,
        })
    }
}

impl fmt::Display for FxRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{:06}",
            self.per_usd_micros / 1_000_000,
            self.per_usd_micros % 1_000_000
        )
    }
}

/// A dated table of rates to USD. The product ships one ([`FxTable::shipped`]); the server may
/// replace it with one built from configuration ([`FxTable::from_pairs`]).
///
/// Conversion is exact integer math with one rounding step, **half to even**, to the USD cent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxTable {
    /// The date the rates were taken (ISO 8601, e.g. `2025-06-30`).
    pub as_of: String,
    /// Units of each currency per USD. USD itself is always 1.
    pub rates: BTreeMap<Currency, FxRate>,
}

impl FxTable {
    /// The table shipped with this model version: indicative mid-market rates as of 2025-06-30.
    pub fn shipped() -> FxTable {
        const SHIPPED: [(Currency, &str); 11] = [
            (Currency::CAD, "1.365"),
            (Currency::GBP, "0.729"),
            (Currency::EUR, "0.851"),
            (Currency::IDR, "16235"),
            (Currency::MYR, "4.212"),
            (Currency::THB, "32.52"),
            (Currency::VND, "26100"),
            (Currency::PHP, "56.35"),
            (Currency::SGD, "1.273"),
            (Currency::AUD, "1.526"),
            (Currency::INR, "85.75"),
        ];
        let mut rates = BTreeMap::new();
        rates.insert(
            Currency::USD,
            FxRate {
                per_usd_micros: 1_000_000,
            },
        );
        for (currency, rate) in SHIPPED {
            // The literals above are valid; a bad edit would surface in the unit tests.
            if let Ok(rate) = FxRate::parse(rate) {
                rates.insert(currency, rate);
            }
        }
        FxTable {
            as_of: "2025-06-30".to_string(),
            rates,
        }
    }

    /// Builds a table from `(currency code, units per USD)` pairs, e.g. parsed from
    /// configuration: `[("IDR", "16300"), ("EUR", "0.86")]`. USD is always 1. The date must be
    /// a real calendar date written `YYYY-MM-DD` (it is shown to lenders beside every figure).
    pub fn from_pairs<'a>(
        as_of: &str,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<FxTable, MoneyError> {
        if !is_calendar_date(as_of) {
            return Err(MoneyError::InvalidDate(as_of.to_string()));
        }
        let mut rates = BTreeMap::new();
        rates.insert(
            Currency::USD,
            FxRate {
                per_usd_micros: 1_000_000,
            },
        );
        for (code, rate) in pairs {
            let currency = Currency::from_code(code)?;
            let rate = FxRate::parse(rate.trim())?;
            if currency != Currency::USD {
                rates.insert(currency, rate);
            }
        }
        Ok(FxTable {
            as_of: as_of.to_string(),
            rates,
        })
    }

    /// The rate for a currency, if the table has one.
    pub fn rate(&self, currency: Currency) -> Option<FxRate> {
        self.rates.get(&currency).copied()
    }

    /// Converts to USD cents, rounding half to even.
    pub fn to_usd(&self, money: Money) -> Result<Money, MoneyError> {
        let rate = self
            .rate(money.currency)
            .ok_or(MoneyError::NoRate(money.currency))?;
        let minor = convert_minor(i128::from(money.minor), money.currency, rate)?;
        Ok(Money::new(minor, Currency::USD))
    }
}

/// `minor / 10^exp / (rate / 1e6) * 100` cents, computed as one exact fraction.
pub(crate) fn convert_minor(
    minor: i128,
    currency: Currency,
    rate: FxRate,
) -> Result<i64, MoneyError> {
    let numerator = minor
        .checked_mul(100 * RATE_SCALE)
        .ok_or(MoneyError::Overflow)?;
    let denominator = currency
        .scale()
        .checked_mul(i128::from(rate.per_usd_micros))
        .ok_or(MoneyError::Overflow)?;
    let cents = div_half_even(numerator, denominator);
    i64::try_from(cents).map_err(|_| MoneyError::Overflow)
}

/// Whether `text` is a real calendar date written `YYYY-MM-DD` (proleptic Gregorian).
pub(crate) fn is_calendar_date(text: &str) -> bool {
    days_from_civil(text).is_some()
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date, or `None` when it is not a real date.
pub(crate) fn days_from_civil(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > month_days {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}
