//! Money: integer minor units with an ISO 4217 currency, exact decimal parsing (strict for
//! configuration, locale-aware for TikTok's amounts), checked arithmetic and the dated FX table
//! that converts everything to USD for the score's tiers.

mod amount;
mod fx;
#[cfg(test)]
mod tests;

pub(crate) use fx::{convert_minor, days_from_civil};
pub use fx::{FxRate, FxTable};

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why an amount, a currency or a rate could not be read or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The amount string was empty.
    #[error("the amount is empty")]
    Empty,
    /// The amount carries a character that no reading allows (a letter, an unknown symbol; for
    /// the strict [`Money::parse`] also any separator or currency symbol).
    #[error("{input:?} is not a plain decimal amount (found {found:?})")]
    NotPlainDecimal {
        /// The rejected input.
        input: String,
        /// The first character that is not part of a plain decimal.
        found: char,
    },
    /// The amount is shaped wrongly (e.g. `"1."`, `".5"`, `"1.2.3"`, `"-"`).
    #[error("{input:?} is not a well-formed decimal amount")]
    Malformed {
        /// The rejected input.
        input: String,
    },
    /// More decimal places than the currency has: rejected, never rounded.
    #[error("{input:?} has {places} decimal places but {currency} has {exponent}")]
    TooManyDecimals {
        /// The rejected input.
        input: String,
        /// Decimal places found.
        places: usize,
        /// The currency.
        currency: Currency,
        /// The currency's exponent.
        exponent: u8,
    },
    /// The amount does not fit in 64-bit minor units.
    #[error("the amount overflows 64-bit minor units")]
    Overflow,
    /// Arithmetic across two currencies.
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(Currency, Currency),
    /// A currency code this product does not know.
    #[error("unknown currency code {0:?}")]
    UnknownCurrency(String),
    /// The FX table has no rate for the currency.
    #[error("no FX rate to USD for {0}")]
    NoRate(Currency),
    /// A rate that is zero, negative or not a plain decimal.
    #[error("invalid FX rate {0:?}: give a positive plain decimal with at most 6 decimal places")]
    InvalidRate(String),
    /// The amount reads as two or more different values under the conventions its currency
    /// allows (`"2.000"` IDR: 2 as a plain decimal, 2,000 with `.` grouping thousands): never
    /// guessed. The message starts with "ambiguous" so a record carrying it is counted as such.
    #[error("ambiguous amount {input:?}: it reads as {}", readings_text(readings))]
    Ambiguous {
        /// The rejected input.
        input: String,
        /// The distinct values it could mean, smallest first.
        readings: Vec<Money>,
    },
    /// The amount carries another currency's symbol or code (`"$5"` for an IDR amount).
    #[error("{input:?} carries the symbol {symbol:?}, which is not {currency}'s")]
    ForeignSymbol {
        /// The rejected input.
        input: String,
        /// The symbol found.
        symbol: String,
        /// The currency the amount was meant to be in.
        currency: Currency,
    },
    /// A date that is not a real calendar date written `YYYY-MM-DD`.
    #[error("{0:?} is not a calendar date written YYYY-MM-DD")]
    InvalidDate(String),
}

fn readings_text(readings: &[Money]) -> String {
    readings
        .iter()
        .map(Money::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// An ISO 4217 currency that TikTok Shop prices in (plus AUD and INR, which restricted regions
/// still need for display).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Currency {
    /// US dollar.
    USD,
    /// Canadian dollar.
    CAD,
    /// Pound sterling.
    GBP,
    /// Euro.
    EUR,
    /// Indonesian rupiah (whole units on TikTok Shop).
    IDR,
    /// Malaysian ringgit.
    MYR,
    /// Thai baht.
    THB,
    /// Vietnamese dong (whole units).
    VND,
    /// Philippine peso.
    PHP,
    /// Singapore dollar.
    SGD,
    /// Australian dollar (restricted region; display only).
    AUD,
    /// Indian rupee (restricted region; display only).
    INR,
}

impl Currency {
    /// Every currency the product knows, in a fixed order.
    pub const ALL: [Currency; 12] = [
        Currency::USD,
        Currency::CAD,
        Currency::GBP,
        Currency::EUR,
        Currency::IDR,
        Currency::MYR,
        Currency::THB,
        Currency::VND,
        Currency::PHP,
        Currency::SGD,
        Currency::AUD,
        Currency::INR,
    ];

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::USD => "USD",
            Currency::CAD => "CAD",
            Currency::GBP => "GBP",
            Currency::EUR => "EUR",
            Currency::IDR => "IDR",
            Currency::MYR => "MYR",
            Currency::THB => "THB",
            Currency::VND => "VND",
            Currency::PHP => "PHP",
            Currency::SGD => "SGD",
            Currency::AUD => "AUD",
            Currency::INR => "INR",
        }
    }

    /// Decimal places of the minor unit as TikTok Shop prices the currency. IDR and VND are
    /// priced in whole units, so their exponent is 0.
    pub fn exponent(self) -> u8 {
        match self {
            Currency::IDR | Currency::VND => 0,
            _ => 2,
        }
    }

    /// Reads an ISO code (case-insensitive, surrounding whitespace ignored).
    pub fn from_code(code: &str) -> Result<Currency, MoneyError> {
        let wanted = code.trim();
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))
    }

    pub(crate) fn scale(self) -> i128 {
        10i128.pow(u32::from(self.exponent()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::from_code(&code).map_err(serde::de::Error::custom)
    }
}

/// An exact amount: integer minor units of one currency (cents for USD, whole rupiah for IDR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    /// Amount in minor units (may be negative, e.g. for a refund delta).
    pub minor: i64,
    /// The currency the minor units belong to.
    pub currency: Currency,
}

impl Money {
    /// An amount in minor units.
    pub const fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Zero of a currency.
    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Parses a plain decimal string exactly: `"5000"`, `"21.3"`, `"0.01"`, `"-50"`.
    ///
    /// More decimal places than the currency's exponent are rejected (never rounded), and so
    /// are thousands separators, currency symbols and locale formats such as `"Rp9.900"`.
    pub fn parse(input: &str, currency: Currency) -> Result<Money, MoneyError> {
        if input.is_empty() {
            return Err(MoneyError::Empty);
        }
        if let Some(found) = input
            .chars()
            .find(|c| !(c.is_ascii_digit() || *c == '.' || *c == '-'))
        {
            return Err(MoneyError::NotPlainDecimal {
                input: input.to_string(),
                found,
            });
        }
        let malformed = || MoneyError::Malformed {
            input: input.to_string(),
        };
        let (negative, body) = match input.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let (whole, fraction) = match body.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (body, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) {
            return Err(malformed());
        }
        let fraction = match fraction {
            Some(f) if !all_digits(f) => return Err(malformed()),
            Some(f) => f,
            None => "",
        };
        let exponent = currency.exponent();
        if fraction.len() > usize::from(exponent) {
            return Err(MoneyError::TooManyDecimals {
                input: input.to_string(),
                places: fraction.len(),
                currency,
                exponent,
            });
        }
        let minor = minor_units(whole, fraction, exponent, negative)?;
        Ok(Money { minor, currency })
    }

    /// Checked addition; fails on different currencies or overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    /// Checked subtraction; fails on different currencies or overflow.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_sub(other.minor)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    /// Whether the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.minor < 0
    }

    /// The amount in major units as a float: for display and JSON charts only, never for math.
    pub fn to_major_f64(self) -> f64 {
        self.minor as f64 / 10f64.powi(i32::from(self.currency.exponent()))
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }
}

impl fmt::Display for Money {
    /// `4333.33 USD`, `-50.00 USD`, `9900 IDR`: exact, from the integer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exponent = u32::from(self.currency.exponent());
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exponent == 0 {
            return write!(f, "{sign}{abs} {}", self.currency);
        }
        let scale = 10u64.pow(exponent);
        write!(
            f,
            "{sign}{}.{:0width$} {}",
            abs / scale,
            abs % scale,
            self.currency,
            width = exponent as usize
        )
    }
}

/// Minor units of `whole.fraction` (ASCII digits, `fraction` at most `exponent` long), signed.
pub(crate) fn minor_units(
    whole: &str,
    fraction: &str,
    exponent: u8,
    negative: bool,
) -> Result<i64, MoneyError> {
    let padding = usize::from(exponent).saturating_sub(fraction.len());
    let mut minor: i128 = 0;
    for b in whole
        .bytes()
        .chain(fraction.bytes())
        .chain(std::iter::repeat_n(b'0', padding))
    {
        minor = minor
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(b.wrapping_sub(b'0'))))
            .filter(|m| *m <= i128::from(i64::MAX) + 1)
            .ok_or(MoneyError::Overflow)?;
    }
    let signed = if negative { -minor } else { minor };
    i64::try_from(signed).map_err(|_| MoneyError::Overflow)
}

/// Integer division rounding half to even; a non-positive `denominator` gives 0.
pub(crate) fn div_half_even(numerator: i128, denominator: i128) -> i128 {
    if denominator <= 0 {
        return 0;
    }
    let quotient = numerator.div_euclid(denominator);
    let remainder = numerator.rem_euclid(denominator);
    let twice = remainder.saturating_mul(2);
    if twice > denominator || (twice == denominator && quotient % 2 != 0) {
        quotient + 1
    } else {
        quotient
    }
}
