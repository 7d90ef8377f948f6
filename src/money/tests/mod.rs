//! Money's unit tests: strict and locale-aware parsing, arithmetic, conversion and the FX table.

mod amount;

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
fn the_strict_parser_rejects_locale_formats_instead_of_reading_nine_point_nine() {
    let err = Money::parse("Rp9.900", Currency::IDR).unwrap_err();
    assert!(matches!(
        err,
        MoneyError::NotPlainDecimal { found: 'R', .. }
    ));
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
    assert!(matches!(
        FxTable::from_pairs("2025-07-01", [("IDR", "0")]),
        Err(MoneyError::InvalidRate(_))
    ));
    assert!(matches!(
        FxTable::from_pairs("2025-07-01", [("IDR", "-1")]),
        Err(MoneyError::InvalidRate(_))
    ));
    assert!(matches!(
        FxTable::from_pairs("2025-07-01", [("XXX", "1")]),
        Err(MoneyError::UnknownCurrency(_))
    ));
}

#[test]
fn money_serialises_with_a_currency_code() {
    let json = serde_json::to_string(&Money::new(2_130, Currency::USD)).unwrap();
    assert_eq!(json, r#"{"minor":2130,"currency":"USD"}"#);
    let back: Money = serde_json::from_str(&json).unwrap();
    assert_eq!(back, Money::new(2_130, Currency::USD));
}

#[test]
fn the_fx_tables_date_is_validated_as_a_real_calendar_date() {
    for good in ["2025-06-30", "2024-02-29", "2000-02-29", "1999-12-31"] {
        assert!(FxTable::from_pairs(good, []).is_ok(), "{good} is a date");
    }
    for bad in [
        "x",
        "",
        "2025-6-30",
        "2025-13-01",
        "2025-00-10",
        "2025-02-29",
        "1900-02-29",
        "2025-04-31",
        "2025-06-30T00:00",
        "+025-06-30",
        "2025-06-3a",
    ] {
        assert_eq!(
            FxTable::from_pairs(bad, []),
            Err(MoneyError::InvalidDate(bad.to_string())),
            "{bad:?} is not a date"
        );
    }
    assert_eq!(fx::days_from_civil("1970-01-01"), Some(0));
    assert_eq!(fx::days_from_civil("2025-06-15"), Some(20_254));
}
