//! Webhook deliveries (reference: `tiktok-shop-webhooks/configuration-guide` and the event
//! pages under `webhooks/`): the typed event and the constant-time signature check. Shop
//! events name the shop in `shop_id`; creator deauthorization (type 20) names the creator in
//! `creator_open_id` and has no `shop_id`. Replay protection (seen `tts_notification_id`s,
//! kept longer than TikTok's retry schedule) is the receiver's.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::de;
use super::secret::AppSecret;

/// A delivery: `{type, tts_notification_id, shop_id | creator_open_id, timestamp, data}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// The event type (1 = order status change, …).
    #[serde(rename = "type", deserialize_with = "de::i64_or_zero")]
    pub kind: i64,
    /// The idempotency key (absent in some samples).
    #[serde(default)]
    pub tts_notification_id: Option<String>,
    /// The shop (shop events).
    #[serde(default, deserialize_with = "de::string")]
    pub shop_id: String,
    /// The creator (type 20, creator deauthorization).
    #[serde(default, deserialize_with = "de::string")]
    pub creator_open_id: String,
    /// When TikTok sent it (unix seconds).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub timestamp: Option<i64>,
    /// The payload, read by [`WebhookEvent::data`].
    #[serde(default)]
    pub data: serde_json::Value,
}

/// The payloads the product acts on.
#[derive(Debug, Clone, PartialEq)]
pub enum EventData {
    /// Type 1.
    OrderStatusChange {
        order_id: String,
        order_status: String,
        update_time: Option<i64>,
    },
    /// Type 12.
    ReturnStatusChange {
        order_id: String,
        return_id: String,
        return_status: String,
        update_time: Option<i64>,
    },
    /// Type 11.
    CancellationStatusChange {
        order_id: String,
        cancel_id: String,
        cancel_status: String,
    },
    /// Type 6.
    SellerDeauthorization { message: String },
    /// Type 7.
    UpcomingAuthorizationExpiration { expiration_time: Option<i64> },
    /// Type 20: the creator removed the app's access (`cancel_time`, a string or a number).
    CreatorDeauthorization { cancel_time: Option<i64> },
    /// Any other type.
    Other(i64),
}

#[derive(Deserialize)]
struct Fields {
    #[serde(default, deserialize_with = "de::string")]
    order_id: String,
    #[serde(default, deserialize_with = "de::string")]
    order_status: String,
    #[serde(default, deserialize_with = "de::string")]
    return_id: String,
    #[serde(default, deserialize_with = "de::string")]
    return_status: String,
    #[serde(default, deserialize_with = "de::string")]
    cancel_id: String,
    #[serde(default, deserialize_with = "de::string")]
    cancel_status: String,
    #[serde(default, deserialize_with = "de::string")]
    message: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    update_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    expiration_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    cancel_time: Option<i64>,
}

impl WebhookEvent {
    /// The typed payload.
    pub fn data(&self) -> Result<EventData, serde_json::Error> {
        let f: Fields = if self.data.is_null() {
            serde_json::from_value(serde_json::json!({}))?
        } else {
            serde_json::from_value(self.data.clone())?
        };
        Ok(match self.kind {
            1 => EventData::OrderStatusChange {
                order_id: f.order_id,
                order_status: f.order_status,
                update_time: f.update_time,
            },
            12 => EventData::ReturnStatusChange {
                order_id: f.order_id,
                return_id: f.return_id,
                return_status: f.return_status,
                update_time: f.update_time,
            },
            11 => EventData::CancellationStatusChange {
                order_id: f.order_id,
                cancel_id: f.cancel_id,
                cancel_status: f.cancel_status,
            },
            6 => EventData::SellerDeauthorization { message: f.message },
            7 => EventData::UpcomingAuthorizationExpiration {
                expiration_time: f.expiration_time,
            },
            20 => EventData::CreatorDeauthorization {
                cancel_time: f.cancel_time,
            },
            other => EventData::Other(other),
        })
    }
}

/// `lowercase_hex(HMAC_SHA256(key = app_secret, message = app_key + raw_body))`.
pub fn webhook_signature(app_key: &str, app_secret: &AppSecret, raw_body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(app_secret.expose().as_bytes())
        .expect("HMAC-SHA256 accepts keys of any length");
    mac.update(app_key.as_bytes());
    mac.update(raw_body);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks the `Authorization` header of a delivery in constant time.
pub fn verify_webhook(
    app_key: &str,
    app_secret: &AppSecret,
    raw_body: &[u8],
    authorization: &str,
) -> bool {
    use subtle::ConstantTimeEq;
    let expected = webhook_signature(app_key, app_secret, raw_body);
    expected
        .as_bytes()
        .ct_eq(authorization.trim().as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    // python3: hmac.new(b"secret", b"key" + b'{"type":1}', hashlib.sha256).hexdigest()
    const KAT: &str = "cfaf01c9f68bb1dc102fb048b8ce09bc5dd19573fbbce648e675260f0f9f96d4";

    #[test]
    fn a_webhook_signature_matches_the_independent_vector_and_rejects_tampering() {
        let secret = AppSecret::new("secret");
        assert_eq!(webhook_signature("key", &secret, br#"{"type":1}"#), KAT);
        assert!(verify_webhook("key", &secret, br#"{"type":1}"#, KAT));
        assert!(!verify_webhook("key", &secret, br#"{"type":2}"#, KAT));
        assert!(!verify_webhook("key", &secret, br#"{"type":1}"#, "00"));
    }
}
