//! Locale-formatted amounts as TikTok sends them (`"Rp9.900"`, `"$1,234.56"`, `"1 234,56 €"`):
//! every reading the currency allows is tried, and an amount is accepted only when the valid
//! readings agree. Two different values are [`MoneyError::Ambiguous`], never a guess.

use super::{minor_units, Currency, Money, MoneyError};

/// Characters read as a space: ASCII space, no-break space, narrow no-break space.
const SPACES: [char; 3] = [' ', '\u{a0}', '\u{202f}'];
/// Characters read as a minus sign: hyphen-minus and the minus sign U+2212.
const MINUS: [char; 2] = ['-', '\u{2212}'];

/// The symbols and codes an amount of `currency` may carry, as a prefix or a suffix.
fn symbols(currency: Currency) -> &'static [&'static str] {
    match currency {
        Currency::USD => &["US$", "USD", "$"],
        Currency::CAD => &["CA$", "CAD", "C$", "$"],
        Currency::GBP => &["GBP", "£"],
        Currency::EUR => &["EUR", "€"],
        Currency::IDR => &["IDR", "Rp"],
        Currency::MYR => &["MYR", "RM"],
        Currency::THB => &["THB", "฿"],
        Currency::VND => &["VND", "₫", "đ"],
        Currency::PHP => &["PHP", "₱"],
        Currency::SGD => &["SGD", "S$", "$"],
        Currency::AUD => &["AUD", "AU$", "A$", "$"],
        Currency::INR => &["INR", "Rs.", "Rs", "₹"],
    }
}

/// A way of writing numbers: which characters group thousands and which marks decimals.
struct Convention {
    grouping: &'static [char],
    decimal: char,
}

const ENGLISH: Convention = Convention {
    grouping: &[','],
    decimal: '.',
};
const CONTINENTAL: Convention = Convention {
    grouping: &['.'],
    decimal: ',',
};
const SPACED: Convention = Convention {
    grouping: &SPACES,
    decimal: ',',
};

/// The display conventions a currency's amounts may use.
fn conventions(currency: Currency) -> Vec<&'static Convention> {
    let mut out = vec![&ENGLISH];
    if matches!(currency, Currency::EUR | Currency::IDR | Currency::VND) {
        out.push(&CONTINENTAL);
    }
    if matches!(currency, Currency::EUR | Currency::CAD) {
        out.push(&SPACED);
    }
    out
}

/// Why one reading failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// The text does not have this convention's shape.
    Shape,
    /// Well formed, but with non-zero decimals beyond the currency's exponent (places found).
    Decimals(usize),
    /// The value does not fit in 64-bit minor units.
    Overflow,
}

fn is_space(c: char) -> bool {
    c.is_ascii_whitespace() || SPACES.contains(&c)
}

fn strip_minus(text: &str) -> (bool, &str) {
    match text.strip_prefix(MINUS) {
        Some(rest) => (true, rest.trim_start_matches(is_space)),
        None => (false, text),
    }
}

/// The longest symbol of any currency that `text` starts (or ends) with, and its owners.
fn find_symbol(text: &str, at_end: bool) -> Option<(&'static str, Vec<Currency>)> {
    let matches = |symbol: &str| {
        let part = if at_end {
            text.len()
                .checked_sub(symbol.len())
                .and_then(|start| text.get(start..))
        } else {
            text.get(..symbol.len())
        };
        part.is_some_and(|p| p.eq_ignore_ascii_case(symbol))
    };
    let mut best: Option<(&'static str, Vec<Currency>)> = None;
    for currency in Currency::ALL {
        for symbol in symbols(currency) {
            if !matches(symbol) {
                continue;
            }
            match &mut best {
                Some((found, owners)) if found.len() == symbol.len() => {
                    if found.eq_ignore_ascii_case(symbol) {
                        owners.push(currency);
                    }
                }
                Some((found, _)) if found.len() > symbol.len() => {}
                _ => best = Some((symbol, vec![currency])),
            }
        }
    }
    best
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Digits and at most one `.`; decimals beyond the exponent only as zero padding of the whole.
fn plain(body: &str, exponent: u8, negative: bool) -> Result<i64, Failure> {
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    if !all_digits(whole) || (body.contains('.') && !all_digits(fraction)) {
        return Err(Failure::Shape);
    }
    let fraction = if fraction.len() > usize::from(exponent) {
        if !fraction.bytes().all(|b| b == b'0') {
            return Err(Failure::Decimals(fraction.len()));
        }
        ""
    } else {
        fraction
    };
    minor_units(whole, fraction, exponent, negative).map_err(|_| Failure::Overflow)
}

/// Well-formed groups (1–3 digits, then exactly 3, one grouping character) and 1–2 decimals.
fn display(
    body: &str,
    convention: &Convention,
    exponent: u8,
    negative: bool,
) -> Result<i64, Failure> {
    let mut parts = body.split(convention.decimal);
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    if parts.next().is_some() {
        return Err(Failure::Shape);
    }
    let digits: String = match whole.chars().find(|c| convention.grouping.contains(c)) {
        Some(separator) => {
            let groups: Vec<&str> = whole.split(separator).collect();
            let well_formed = groups.iter().enumerate().all(|(i, group)| {
                all_digits(group)
                    && if i == 0 {
                        group.len() <= 3
                    } else {
                        group.len() == 3
                    }
            });
            if !well_formed {
                return Err(Failure::Shape);
            }
            groups.concat()
        }
        None if all_digits(whole) => whole.to_string(),
        None => return Err(Failure::Shape),
    };
    let fraction = match fraction {
        None => "",
        Some(f) if all_digits(f) && f.len() <= 2 => f,
        Some(_) => return Err(Failure::Shape),
    };
    let kept = fraction.len().min(usize::from(exponent));
    if !fraction.as_bytes()[kept..].iter().all(|b| *b == b'0') {
        return Err(Failure::Decimals(fraction.len()));
    }
    minor_units(&digits, &fraction[..kept], exponent, negative).map_err(|_| Failure::Overflow)
}

impl Money {
    /// Parses an amount as TikTok sends it: plain (`"250"`, `"15000.00"`) or locale-formatted
    /// with the currency's own symbol or code (`"Rp9.900"`, `"$1,234.56"`, `"1 234,56 €"`).
    ///
    /// Every reading the currency allows is tried: plain (only without a symbol), `,` grouping
    /// with a `.` decimal mark (every currency), `.` grouping with a `,` mark (EUR, IDR, VND)
    /// and space grouping with a `,` mark (EUR, CAD). One distinct value is the amount; two are
    /// [`MoneyError::Ambiguous`]; another currency's symbol is [`MoneyError::ForeignSymbol`].
    pub fn parse_amount(input: &str, currency: Currency) -> Result<Money, MoneyError> {
        let text = input.trim_matches(is_space);
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        let foreign = |symbol: &str| MoneyError::ForeignSymbol {
            input: input.to_string(),
            symbol: symbol.to_string(),
            currency,
        };
        let malformed = || MoneyError::Malformed {
            input: input.to_string(),
        };
        let (mut negative, mut body) = strip_minus(text);
        let mut has_symbol = false;
        if let Some((symbol, owners)) = find_symbol(body, false) {
            if !owners.contains(&currency) {
                return Err(foreign(symbol));
            }
            has_symbol = true;
            body = body[symbol.len()..].trim_start_matches(is_space);
            if !negative {
                (negative, body) = strip_minus(body);
            }
        } else if let Some((symbol, owners)) = find_symbol(body, true) {
            if !owners.contains(&currency) {
                return Err(foreign(symbol));
            }
            has_symbol = true;
            body = body[..body.len() - symbol.len()].trim_end_matches(is_space);
        }
        if body.is_empty() {
            return Err(malformed());
        }
        let known = |c: char| c.is_ascii_digit() || ".,".contains(c) || MINUS.contains(&c);
        if let Some(found) = body.chars().find(|c| !known(*c) && !SPACES.contains(c)) {
            return Err(MoneyError::NotPlainDecimal {
                input: input.to_string(),
                found,
            });
        }
        let exponent = currency.exponent();
        let mut readings = Vec::with_capacity(4);
        if !has_symbol {
            readings.push(plain(body, exponent, negative));
        }
        for convention in conventions(currency) {
            readings.push(display(body, convention, exponent, negative));
        }
        let mut values: Vec<i64> = readings.iter().filter_map(|r| r.ok()).collect();
        values.sort_unstable();
        values.dedup();
        let overflowed = readings.contains(&Err(Failure::Overflow));
        match values.as_slice() {
            _ if overflowed => Err(MoneyError::Overflow),
            [one] => Ok(Money::new(*one, currency)),
            [] => {
                let places = readings.iter().find_map(|r| match r {
                    Err(Failure::Decimals(places)) => Some(*places),
                    _ => None,
                });
                Err(match places {
                    Some(places) => MoneyError::TooManyDecimals {
                        input: input.to_string(),
                        places,
                        currency,
                        exponent,
                    },
                    None => malformed(),
                })
            }
            many => Err(MoneyError::Ambiguous {
                input: input.to_string(),
                readings: many.iter().map(|m| Money::new(*m, currency)).collect(),
            }),
        }
    }
}
