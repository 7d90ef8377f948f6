//! Renders a persona's generated data as the JSON TikTok's reference documents: field names,
//! types and shapes are taken from the reference's response samples (`tiktok/samples/`), not
//! from the client's wire types, so the sandbox cannot quietly agree with a client mistake.

pub mod affiliate;
pub mod finance;
pub mod orders;
pub mod shop;

use serde_json::{Map, Value};
use shopscore::money::Currency;

use super::personas::{amount, h, ShopSpec};

/// Shop id (per sandbox account: each browser's copy of a persona has shops of its own).
pub fn shop_id(shop: &ShopSpec, account: u32) -> String {
    format!("749404964{account:05}{:05}", shop.no)
}

/// The sandbox account a shop id belongs to.
pub fn account_of_shop(id: &str) -> Option<u32> {
    id.get(9..14)?.parse().ok()
}

/// Shop cipher, deterministic from the seed.
pub fn shop_cipher(seed: u64, shop: &ShopSpec, account: u32) -> String {
    format!(
        "GCP_SBX{:016x}",
        h(seed, &[shop.no, 0xC1, u64::from(account)])
    )
}

/// Open id of a persona's grant number `n` in a sandbox account.
pub fn open_id(n: u64, account: u32) -> String {
    format!("7010736{account:05}{n:07}")
}

/// Product `q` of a shop.
pub fn product_id(shop: &ShopSpec, q: u64) -> String {
    (1_729_500_000_000_000_000u64 + shop.no * 1_000_000_000 + q).to_string()
}

/// `{amount, currency}` with a plain decimal amount.
pub fn money(minor: i64, currency: Currency) -> Value {
    serde_json::json!({ "amount": amount(minor, currency), "currency": currency.code() })
}

/// A JSON object built field by field, leaving out the fields that are `None` (TikTok omits
/// times that have not happened).
#[derive(Default)]
pub struct Obj(Map<String, Value>);

impl Obj {
    /// An empty object.
    pub fn new() -> Obj {
        Obj(Map::new())
    }

    /// Sets a field.
    pub fn set(mut self, key: &str, value: impl Into<Value>) -> Obj {
        self.0.insert(key.to_string(), value.into());
        self
    }

    /// Sets a field when there is a value.
    pub fn opt(self, key: &str, value: Option<impl Into<Value>>) -> Obj {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    /// The object.
    pub fn done(self) -> Value {
        Value::Object(self.0)
    }
}
