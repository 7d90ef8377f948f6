//! Money: integer minor units with an ISO 4217 currency, exact decimal parsing, checked
//! arithmetic and the dated FX table that converts everything to USD for the score's tiers.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why an amount, a currency or a rate could not be read or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The amount string was empty.
    #[error("the amount is empty")]
    Empty,
    /// The amount carries letters, symbols or separators: a locale-formatted amount such as
    /// `"Rp9.900"` is rejected rather than guessed at.
    #[error("{input:?} is not a plain decimal amount (found {found:?}); locale-formatted amounts such as \"Rp9.900\" are rejected, send digits with an optional '-' and '.'")]
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

    fn scale(self) -> i128 {
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
        let mut minor: i128 = 0;
        let padding = usize::from(exponent) - fraction.len();
        for b in whole
            .bytes()
            .chain(fraction.bytes())
            .chain(std::iter::repeat_n(b'0', padding))
        {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(b - b'0')))
                .filter(|m| *m <= i128::from(i64::MAX) + 1)
                .ok_or(MoneyError::Overflow)?;
        }
        let signed = if negative { -minor } else { minor };
        let minor = i64::try_from(signed).map_err(|_| MoneyError::Overflow)?;
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
    /// configuration: `[("IDR", "16300"), ("EUR", "0.86")]`. USD is always 1.
    pub fn from_pairs<'a>(
        as_of: &str,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<FxTable, MoneyError> {
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

/// Integer division rounding half to even; `denominator` must be positive.
pub(crate) fn div_half_even(numerator: i128, denominator: i128) -> i128 {
    if denominator <= 0 {
        return 0;
    }
    let quotient = numerator.div_euclid(denominator);
    let remainder = numerator.rem_euclid(denominator);
    let twice = remainder * 2;
    if twice > denominator || (twice == denominator && quotient % 2 != 0) {
        quotient + 1
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Result<Money, MoneyError> {
        Money::parse(s, Currency::USD)
    }

    #[test]
    fn parse_reads_plain_decimals_exactly() {
        assert_eq!(usd("5000"), Ok(Money::new(500_000, Currency::USD)));
        assert_eq!(usd("21.3"), Ok(Money::new(2_130, Currency::USD)));
        assert_eq!(usd("0.01"), Ok(Money::new(1, Currency::USD)));
        assert_eq!(usd("-50"), Ok(Money::new(-5_000, Currency::USD)));
        assert_eq!(
            Money::parse("9900", Currency::IDR),
            Ok(Money::new(9_900, Currency::IDR))
        );
    }

    #[test]
    fn parse_rejects_more_decimals_than_the_currency_has_instead_of_rounding() {
        assert!(matches!(
            usd("1.005"),
            Err(MoneyError::TooManyDecimals { places: 3, .. })
        ));
        assert!(matches!(
            Money::parse("9.900", Currency::IDR),
            Err(MoneyError::TooManyDecimals { exponent: 0, .. })
        ));
    }

    #[test]
    fn parse_never_reads_rupiah_locale_format_as_nine_point_nine() {
        let err = Money::parse("Rp9.900", Currency::IDR).unwrap_err();
        assert!(matches!(
            err,
            MoneyError::NotPlainDecimal { found: 'R', .. }
        ));
        assert!(err.to_string().contains("locale-formatted"));
        assert!(usd("1,000.00").is_err());
        assert!(usd("$5").is_err());
        assert!(usd(" 5").is_err());
    }

    #[test]
    fn parse_rejects_malformed_and_empty_amounts() {
        for bad in ["", "-", "1.", ".5", "1.2.3", "--1", "1-2", "-.5"] {
            assert!(usd(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn parse_rejects_overflow_but_accepts_the_extremes() {
        assert_eq!(
            usd("92233720368547758.07"),
            Ok(Money::new(i64::MAX, Currency::USD))
        );
        assert_eq!(
            usd("-92233720368547758.08"),
            Ok(Money::new(i64::MIN, Currency::USD))
        );
        assert_eq!(usd("92233720368547758.08"), Err(MoneyError::Overflow));
        assert_eq!(
            usd("99999999999999999999999999999999"),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn arithmetic_is_checked_for_overflow_and_currency() {
        let max = Money::new(i64::MAX, Currency::USD);
        assert_eq!(
            max.checked_add(Money::new(1, Currency::USD)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            max.checked_add(Money::new(1, Currency::EUR)),
            Err(MoneyError::CurrencyMismatch(Currency::USD, Currency::EUR))
        );
        assert_eq!(
            Money::new(100, Currency::USD).checked_sub(Money::new(250, Currency::USD)),
            Ok(Money::new(-150, Currency::USD))
        );
    }

    #[test]
    fn currencies_know_their_codes_and_exponents() {
        assert_eq!(Currency::from_code("idr"), Ok(Currency::IDR));
        assert_eq!(Currency::IDR.exponent(), 0);
        assert_eq!(Currency::VND.exponent(), 0);
        assert_eq!(Currency::USD.exponent(), 2);
        assert!(matches!(
            Currency::from_code("XYZ"),
            Err(MoneyError::UnknownCurrency(_))
        ));
        for c in Currency::ALL {
            assert_eq!(Currency::from_code(c.code()), Ok(c));
        }
    }

    #[test]
    fn display_is_exact() {
        assert_eq!(
            Money::new(433_333, Currency::USD).to_string(),
            "4333.33 USD"
        );
        assert_eq!(Money::new(-5, Currency::USD).to_string(), "-0.05 USD");
        assert_eq!(Money::new(9_900, Currency::IDR).to_string(), "9900 IDR");
    }

    #[test]
    fn shipped_table_has_every_currency_and_converts_exactly() {
        let fx = FxTable::shipped();
        for c in Currency::ALL {
            assert!(fx.rate(c).is_some(), "{c} missing from the shipped table");
        }
        assert_eq!(
            fx.to_usd(Money::new(12_345, Currency::USD)),
            Ok(Money::new(12_345, Currency::USD))
        );
        // 16,235,000 IDR at 16,235 per USD is exactly $1,000.
        assert_eq!(
            fx.to_usd(Money::new(16_235_000, Currency::IDR)),
            Ok(Money::new(100_000, Currency::USD))
        );
    }

    #[test]
    fn conversion_rounds_half_to_even() {
        let fx = FxTable::from_pairs("2025-01-01", [("EUR", "2")]).unwrap();
        // 0.01 EUR at 2 per USD = 0.5 cent → 0; 0.03 EUR = 1.5 cents → 2.
        assert_eq!(fx.to_usd(Money::new(1, Currency::EUR)).unwrap().minor, 0);
        assert_eq!(fx.to_usd(Money::new(3, Currency::EUR)).unwrap().minor, 2);
        assert_eq!(fx.to_usd(Money::new(-3, Currency::EUR)).unwrap().minor, -2);
        assert_eq!(fx.to_usd(Money::new(5, Currency::EUR)).unwrap().minor, 2);
    }

    #[test]
    fn an_override_table_is_built_from_pairs_and_missing_rates_are_errors() {
        let fx = FxTable::from_pairs("2025-07-01", [("IDR", "16000")]).unwrap();
        assert_eq!(fx.as_of, "2025-07-01");
        assert_eq!(
            fx.to_usd(Money::new(16_000, Currency::IDR)),
            Ok(Money::new(100, Currency::USD))
        );
        assert_eq!(
            fx.to_usd(Money::new(1, Currency::THB)),
            Err(MoneyError::NoRate(Currency::THB))
        );
        assert!(FxTable::from_pairs("x", [("IDR", "0")]).is_err());
        assert!(FxTable::from_pairs("x", [("IDR", "-1")]).is_err());
        assert!(FxTable::from_pairs("x", [("XXX", "1")]).is_err());
    }

    #[test]
    fn money_serialises_with_a_currency_code() {
        let json = serde_json::to_string(&Money::new(2_130, Currency::USD)).unwrap();
        assert_eq!(json, r#"{"minor":2130,"currency":"USD"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Money::new(2_130, Currency::USD));
    }
}
