//! The fuzz targets' bodies: each takes arbitrary bytes, runs one of the product's parsers of
//! untrusted input exactly as the server does, and checks what must hold whatever the bytes.
//! A panic is the finding. `server/fuzz/` wraps each in a libFuzzer target (`cargo fuzz`,
//! README "Fuzzing"); the test suite runs each over its committed seed corpus and a few
//! thousand deterministic mutations of it (`tests/it/fuzz_smoke.rs`).

use std::hint::black_box;

use shopscore::money::{Currency, Money};

use crate::services::connect::{read_callback, CallbackStep, MAX_CODE_LEN, MAX_STATE_LEN};
use crate::services::wallet::{check_message, parse_signature};
use crate::tiktok::api;
use crate::tiktok::normalize;
use crate::tiktok::webhook::{verify_webhook, webhook_signature};
use crate::tiktok::{decode_envelope, decode_token_response, AppSecret};
use crate::webhooks::{read_delivery, MAX_BODY, MAX_SKEW_SECS};
use app::api::ConnectOutcome;
use app::ports::CallbackParams;

/// A target's body.
pub type Target = fn(&[u8]);

/// The targets, by the name of their corpus directory and libFuzzer binary.
pub const TARGETS: [(&str, Target); 5] = [
    ("webhook", webhook),
    ("callback", callback),
    ("decoders", decoders),
    ("money", money),
    ("siwe", siwe),
];

/// A fixed clock for the targets (2026-06-01T00:00:00Z): results depend on the bytes only.
const NOW: i64 = 1_780_272_000;

/// The webhook receiver: the signature check over the raw body, then reading the delivery.
/// The right signature verifies, any other does not, and a delivery that reads names an
/// account and lies inside the replay window.
pub fn webhook(data: &[u8]) {
    let key = "fuzz-app-key";
    let secret = AppSecret::new("fuzz-app-secret");
    let (header, body) = split_at_byte(data, b'\n');
    let header = String::from_utf8_lossy(header);
    let right = webhook_signature(key, &secret, body);
    assert!(verify_webhook(key, &secret, body, &right));
    if header.trim() != right {
        assert!(!verify_webhook(key, &secret, body, &header));
    }
    let max_age = 2 * 24 * 3600;
    if let Ok(delivery) = read_delivery(body, NOW, max_age) {
        assert!(body.len() <= MAX_BODY);
        assert!(!delivery.account.is_empty());
        assert!(!delivery.key.is_empty());
        assert!(NOW - delivery.sent <= max_age);
        assert!(delivery.sent - NOW <= MAX_SKEW_SECS);
    }
}

/// The OAuth redirect: its query string, read as the server function reads it, then what the
/// redirect asks for; and the dashboard's outcome query, which must read back what it wrote.
pub fn callback(data: &[u8]) {
    #[derive(serde::Deserialize)]
    struct Query {
        code: Option<String>,
        auth_code: Option<String>,
        state: Option<String>,
        error: Option<String>,
    }
    if let Ok(query) = serde_urlencoded::from_bytes::<Query>(data) {
        let params = CallbackParams {
            code: query.code.or(query.auth_code),
            state: query.state,
            error: query.error,
        };
        match read_callback(params) {
            Ok(CallbackStep::Install { code }) => {
                assert!(!code.is_empty() && code != "null" && code.len() <= MAX_CODE_LEN);
            }
            Ok(CallbackStep::Redeem { state, code, .. }) => {
                assert!(!state.is_empty() && state.len() <= MAX_STATE_LEN);
                // Judged after the state is spent (the exchange refuses an overlong code).
                assert!(code.is_none_or(|c| !c.is_empty() && c != "null"));
            }
            Err(_) => {}
        }
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(data).unwrap_or_default();
    let get = |pairs: &[(String, String)], name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if let Some(outcome) = ConnectOutcome::from_query(|name| get(&pairs, name)) {
        let redirect = outcome.redirect();
        let query = redirect.split_once('?').map(|(_, q)| q).unwrap_or("");
        let again: Vec<(String, String)> =
            serde_urlencoded::from_str(query).expect("our own redirect reads back");
        assert_eq!(
            ConnectOutcome::from_query(|name| get(&again, name)),
            Some(outcome),
            "the dashboard reads back the outcome it was sent"
        );
    }
}

/// Every TikTok response decoder, chosen by the first byte, and the normalisation of what
/// decodes into records (which must not panic either).
pub fn decoders(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let status = if which & 0x80 == 0 { 200 } else { 500 };
    fn page<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Option<T> {
        decode_envelope::<T>("/fuzz", status, None, body).ok()
    }
    let source = "fuzz";
    match which % 17 {
        0 => {
            if let Some(p) = page::<api::OrderSearchPage>(status, body) {
                p.orders
                    .ok
                    .iter()
                    .for_each(|o| keep(normalize::order(source, o)));
            }
        }
        1 => {
            if let Some(p) = page::<api::OrderDetail>(status, body) {
                p.orders
                    .ok
                    .iter()
                    .for_each(|o| keep(normalize::order(source, o)));
            }
        }
        2 => {
            if let Some(p) = page::<api::ReturnSearchPage>(status, body) {
                p.return_orders
                    .ok
                    .iter()
                    .for_each(|r| keep(normalize::return_order(source, r)));
            }
        }
        3 => keep(page::<api::CancellationSearchPage>(status, body)),
        4 => {
            if let Some(p) = page::<api::StatementsPage>(status, body) {
                p.statements
                    .ok
                    .iter()
                    .for_each(|s| keep(normalize::statement(source, s)));
            }
        }
        5 => {
            if let Some(p) = page::<api::PaymentsPage>(status, body) {
                p.payments
                    .ok
                    .iter()
                    .for_each(|s| keep(normalize::payment(source, s)));
            }
        }
        6 => keep(page::<api::WithdrawalsPage>(status, body)),
        7 => keep(page::<api::StatementTransactionsPage>(status, body)),
        8 => keep(page::<api::OrderStatementTransactions>(status, body)),
        9 => {
            if let Some(p) = page::<api::UnsettledPage>(status, body) {
                p.transactions
                    .ok
                    .iter()
                    .for_each(|t| keep(normalize::unsettled(source, t)));
            }
        }
        10 => {
            if let Some(p) = page::<api::ProductSearchPage>(status, body) {
                p.products
                    .ok
                    .iter()
                    .for_each(|t| keep(normalize::product(source, t)));
            }
        }
        11 => keep(page::<api::AuthorizedShops>(status, body)),
        12 => {
            if let Some(p) = page::<api::CreatorAffiliateOrderPage>(status, body) {
                p.orders
                    .ok
                    .iter()
                    .for_each(|o| keep(normalize::creator_affiliate_order(source, o)));
            }
        }
        13 => {
            if let Some(p) = page::<api::SellerAffiliateOrderPage>(status, body) {
                p.orders
                    .ok
                    .iter()
                    .for_each(|o| keep(normalize::seller_affiliate_order(source, o)));
            }
        }
        14 => keep(page::<api::CreatorProfile>(status, body)),
        15 => {
            if let Some(p) = page::<api::ShopPerformanceData>(status, body) {
                keep(normalize::shop_analytics(&p));
            }
            if let Some(p) = page::<api::CustomerServiceData>(status, body) {
                keep(normalize::customer_service(&p));
            }
        }
        _ => keep(decode_token_response(status, body)),
    }
}

/// The money parser under every currency (chosen by the first byte): an amount it reads is
/// exact, and its plain form reads back to the same amount.
pub fn money(data: &[u8]) {
    let Some((&which, text)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let currency = Currency::ALL[usize::from(which) % Currency::ALL.len()];
    if let Ok(amount) = Money::parse_amount(text, currency) {
        assert_eq!(amount.currency, currency);
        let plain = amount.to_string();
        let plain = plain.split(' ').next().expect("an amount and its currency");
        assert_eq!(
            Money::parse(plain, currency),
            Ok(amount),
            "{text:?} → {plain}"
        );
    }
    if let Ok(amount) = Money::parse(text, currency) {
        assert_eq!(Money::parse_amount(text, currency), Ok(amount), "{text:?}");
    }
}

/// The EIP-4361 sign-in message and its signature's hex, as the sign-in reads them.
pub fn siwe(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (message, signature) = text.rsplit_once("\n\n").unwrap_or((text, ""));
    if let Ok(parsed) = check_message(message, "127.0.0.1:3000", "http://127.0.0.1:3000", NOW) {
        assert_eq!(parsed.domain.as_str(), "127.0.0.1:3000");
        assert_eq!(parsed.chain_id, app::siwe::CHAIN_ID);
    }
    if let Ok(bytes) = parse_signature(signature) {
        let again = parse_signature(&format!("0x{}", hex::encode(bytes)));
        assert_eq!(
            again.ok(),
            Some(bytes),
            "a signature reads back from its hex"
        );
    }
}

/// `data` split at the first `byte` (the byte dropped), or all of it after an empty head.
fn split_at_byte(data: &[u8], byte: u8) -> (&[u8], &[u8]) {
    match data.iter().position(|b| *b == byte) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&[], data),
    }
}

/// Keeps a result alive so the work that made it is not optimised away.
fn keep<T>(value: T) {
    black_box(value);
}
