//! Money's unit tests: strict and locale-aware parsing, arithmetic, conversion and the FX table.

use proptest::prelude::*;

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

fn amount(input: &str, currency: Currency) -> Result<i64, MoneyError> {
    Money::parse_amount(input, currency).map(|m| {
        assert_eq!(m.currency, currency);
        m.minor
    })
}

#[test]
fn rupiah_amounts_from_the_202410_creator_spec_read_as_whole_rupiah() {
    assert_eq!(amount("Rp9.900", Currency::IDR), Ok(9_900));
    assert_eq!(amount("Rp1.980", Currency::IDR), Ok(1_980));
    assert_eq!(amount("Rp2.000", Currency::IDR), Ok(2_000));
    assert_eq!(amount("Rp1.00", Currency::IDR), Ok(1));
    assert_eq!(amount("250", Currency::IDR), Ok(250));
    assert_eq!(amount("Rp9.900,00", Currency::IDR), Ok(9_900));
    assert_eq!(amount("15000.00", Currency::IDR), Ok(15_000));
    assert_eq!(amount("rp 9.900", Currency::IDR), Ok(9_900));
    assert_eq!(amount("IDR 1.234.567", Currency::IDR), Ok(1_234_567));
}

#[test]
fn no_rupiah_string_is_ever_read_as_nine_point_nine() {
    for text in ["Rp9.900", "9.900", "Rp 9.900", "9.900 IDR", "Rp9.900,00"] {
        assert_eq!(amount(text, Currency::IDR), Ok(9_900), "{text}");
    }
}

#[test]
fn a_rupiah_amount_without_a_symbol_is_grouped_only_when_the_plain_reading_is_not_whole() {
    // 9.9 is not whole rupiah, so only the grouped reading is valid.
    assert_eq!(amount("9.900", Currency::IDR), Ok(9_900));
    // 2.000 is 2 as a plain decimal and 2,000 grouped: both whole, so it is not guessed.
    let err = Money::parse_amount("2.000", Currency::IDR).unwrap_err();
    assert_eq!(
        err,
        MoneyError::Ambiguous {
            input: "2.000".into(),
            readings: vec![
                Money::new(2, Currency::IDR),
                Money::new(2_000, Currency::IDR)
            ],
        }
    );
    assert!(err.to_string().starts_with("ambiguous"));
}

#[test]
fn fractions_of_a_rupiah_are_rejected_not_rounded() {
    assert!(matches!(
        Money::parse_amount("Rp1,50", Currency::IDR),
        Err(MoneyError::TooManyDecimals { exponent: 0, .. })
    ));
    assert!(Money::parse_amount("Rp1,5", Currency::IDR).is_err());
}

#[test]
fn dollar_and_euro_formats_read_exactly() {
    assert_eq!(amount("$1,234.56", Currency::USD), Ok(123_456));
    assert_eq!(amount("US$ 1,234.56", Currency::USD), Ok(123_456));
    assert_eq!(amount("1,234.56 USD", Currency::USD), Ok(123_456));
    assert_eq!(amount("1.000", Currency::USD), Ok(100));
    assert_eq!(amount("1.234,56 €", Currency::EUR), Ok(123_456));
    assert_eq!(amount("1 234,56 €", Currency::EUR), Ok(123_456));
    assert_eq!(amount("1\u{a0}234,56\u{a0}€", Currency::EUR), Ok(123_456));
    assert_eq!(amount("1\u{202f}234,56 EUR", Currency::EUR), Ok(123_456));
    assert_eq!(amount("12.34", Currency::EUR), Ok(1_234));
    // The English reading of 1.500 has three decimals, the plain one non-zero padding.
    assert_eq!(amount("1.500", Currency::EUR), Ok(150_000));
    assert_eq!(amount("C$ 1 234,50", Currency::CAD), Ok(123_450));
    assert_eq!(amount("RM12.90", Currency::MYR), Ok(1_290));
    assert_eq!(amount("Rs. 1,499", Currency::INR), Ok(149_900));
    assert_eq!(amount("₱1,000.00", Currency::PHP), Ok(100_000));
}

#[test]
fn dong_takes_its_symbol_before_or_after_the_amount() {
    assert_eq!(amount("₫9.900", Currency::VND), Ok(9_900));
    assert_eq!(amount("9.900₫", Currency::VND), Ok(9_900));
    assert_eq!(amount("9.900 đ", Currency::VND), Ok(9_900));
}

#[test]
fn a_sign_may_come_first_or_right_after_a_leading_symbol() {
    assert_eq!(amount("-Rp9.900", Currency::IDR), Ok(-9_900));
    assert_eq!(amount("Rp-9.900", Currency::IDR), Ok(-9_900));
    assert_eq!(amount("\u{2212}$5.25", Currency::USD), Ok(-525));
    assert_eq!(amount("-1.234,56 €", Currency::EUR), Ok(-123_456));
    assert!(Money::parse_amount("--5", Currency::USD).is_err());
    assert!(Money::parse_amount("Rp--5", Currency::IDR).is_err());
}

#[test]
fn another_currencys_symbol_is_an_error_not_a_conversion() {
    for (text, currency) in [
        ("$5", Currency::IDR),
        ("Rp9.900", Currency::USD),
        ("US$5", Currency::CAD),
        ("5 €", Currency::GBP),
        ("C$5", Currency::USD),
    ] {
        assert!(
            matches!(
                Money::parse_amount(text, currency),
                Err(MoneyError::ForeignSymbol { .. })
            ),
            "{text} as {currency}"
        );
    }
    assert_eq!(amount("$5", Currency::SGD), Ok(500));
    assert_eq!(amount("A$5", Currency::AUD), Ok(500));
}

#[test]
fn malformed_groups_and_strangers_are_errors() {
    for bad in [
        "1,23,456",
        "12,3456.00",
        "1,234.567",
        "$",
        "1.2.3",
        ".5",
        "5.",
        "1,,234",
        "--",
    ] {
        assert!(
            Money::parse_amount(bad, Currency::USD).is_err(),
            "{bad:?} should be rejected"
        );
    }
    assert!(matches!(
        Money::parse_amount("12a", Currency::USD),
        Err(MoneyError::NotPlainDecimal { found: 'a', .. })
    ));
    assert_eq!(
        Money::parse_amount("  ", Currency::USD),
        Err(MoneyError::Empty)
    );
    // Mixed grouping characters in one amount are not one consistent convention.
    assert!(Money::parse_amount("1 234\u{a0}567,00 €", Currency::EUR).is_err());
    assert_eq!(
        Money::parse_amount("99999999999999999999", Currency::USD),
        Err(MoneyError::Overflow)
    );
}

/// Writes `minor` the way a convention would: grouping every three digits, `decimals` places.
fn format(minor: i64, exponent: u8, group: Option<char>, mark: char, decimals: bool) -> String {
    let scale = 10u64.pow(u32::from(exponent));
    let abs = minor.unsigned_abs();
    let whole = (abs / scale).to_string();
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if let Some(g) = group {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(g);
            }
        }
        out.push(c);
    }
    if exponent > 0 && decimals {
        out.push(mark);
        out.push_str(&format!("{:0w$}", abs % scale, w = usize::from(exponent)));
    }
    if minor < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn currency_strategy() -> impl Strategy<Value = Currency> {
    proptest::sample::select(Currency::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn formatting_in_any_allowed_convention_parses_back_to_the_amount_or_ambiguous(
        currency in currency_strategy(),
        minor in prop_oneof![0i64..10_000, 0i64..100_000_000, -1_000_000i64..0, any::<i64>()],
        style in 0u8..4,
        symbol in any::<bool>(),
        decimals in any::<bool>(),
    ) {
        let exponent = currency.exponent();
        // Only whole amounts can be written without decimals.
        let decimals = decimals || minor % 10i64.pow(u32::from(exponent)) != 0;
        let body = match style {
            0 => format(minor, exponent, None, '.', decimals),
            1 => format(minor, exponent, Some(','), '.', decimals),
            2 if matches!(currency, Currency::EUR | Currency::IDR | Currency::VND) => {
                format(minor, exponent, Some('.'), ',', decimals)
            }
            3 if matches!(currency, Currency::EUR | Currency::CAD) => {
                format(minor, exponent, Some('\u{a0}'), ',', decimals)
            }
            _ => format(minor, exponent, None, '.', decimals),
        };
        let text = if symbol {
            format!("{} {body}", currency.code())
        } else {
            body
        };
        match Money::parse_amount(&text, currency) {
            Ok(money) => prop_assert_eq!(money, Money::new(minor, currency), "{}", text),
            Err(MoneyError::Ambiguous { readings, .. }) => {
                prop_assert!(readings.contains(&Money::new(minor, currency)), "{}", text)
            }
            Err(e) => prop_assert!(false, "{} failed: {}", text, e),
        }
    }

    #[test]
    fn parse_amount_never_panics(text in "\\PC{0,24}", currency in currency_strategy()) {
        let _ = Money::parse_amount(&text, currency);
    }
}
