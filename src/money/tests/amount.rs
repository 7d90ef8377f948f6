//! Tests of the locale-aware parser: TikTok's own samples, every convention, signs, foreign
//! symbols, malformed input, and a round-trip property over every convention.

use proptest::prelude::*;

use super::super::*;

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
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
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
