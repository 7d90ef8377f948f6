//! Request signing (API.md "Signing every Open API call"): a pure function of the request,
//! the app secret and the timestamp, pinned by known-answer vectors computed independently.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::secret::AppSecret;

type HmacSha256 = Hmac<Sha256>;

/// What a signature covers: the path (no host, no query), the query parameters and the body
/// bytes exactly as sent.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The request path, e.g. `/order/202309/orders/search`.
    pub path: &'a str,
    /// Query parameters (`app_key`, `shop_cipher`, endpoint parameters…). `timestamp` is
    /// taken from the argument of [`sign`]; `sign` and `access_token` are ignored.
    pub params: &'a [(&'a str, &'a str)],
    /// The raw body, when the request has one (never `multipart/form-data`).
    pub body: Option<&'a [u8]>,
}

/// A lowercase hex HMAC-SHA256 signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(String);

impl Signature {
    /// The 64 lowercase hex digits sent as `sign`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The string API.md steps 1–5 build (before the HMAC), for tests and diagnostics.
pub fn string_to_sign(
    request: &SignableRequest<'_>,
    app_secret: &AppSecret,
    timestamp: i64,
) -> Vec<u8> {
    let timestamp = timestamp.to_string();
    // Step 1: every query parameter but `sign` and `access_token`, empty values dropped;
    // the timestamp is the one passed in.
    let mut params: Vec<(&str, &str)> = request
        .params
        .iter()
        .copied()
        .filter(|(k, v)| !matches!(*k, "sign" | "access_token" | "timestamp") && !v.is_empty())
        .collect();
    params.push(("timestamp", &timestamp));
    // Step 2: sorted by key, byte order.
    params.sort_by(|a, b| {
        a.0.as_bytes()
            .cmp(b.0.as_bytes())
            .then(a.1.as_bytes().cmp(b.1.as_bytes()))
    });
    let secret = app_secret.expose().as_bytes();
    let mut out = Vec::with_capacity(256);
    // Step 5 (outer part): app_secret + … + app_secret.
    out.extend_from_slice(secret);
    // Step 3: the path first.
    out.extend_from_slice(request.path.as_bytes());
    for (k, v) in &params {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(v.as_bytes());
    }
    // Step 4: the body bytes exactly as sent.
    if let Some(body) = request.body {
        out.extend_from_slice(body);
    }
    out.extend_from_slice(secret);
    out
}

/// Step 6: `lowercase_hex(HMAC_SHA256(key = app_secret, message = wrapped))`.
pub fn sign(request: &SignableRequest<'_>, app_secret: &AppSecret, timestamp: i64) -> Signature {
    let message = string_to_sign(request, app_secret, timestamp);
    let mut mac = <HmacSha256 as Mac>::new_from_slice(app_secret.expose().as_bytes())
        .expect("HMAC-SHA256 accepts keys of any length");
    mac.update(&message);
    Signature(hex::encode(mac.finalize().into_bytes()))
}

/// Checks a received signature in constant time (the sandbox's side of [`sign`]).
pub fn verify(
    request: &SignableRequest<'_>,
    app_secret: &AppSecret,
    timestamp: i64,
    received: &str,
) -> bool {
    use subtle::ConstantTimeEq;
    let expected = sign(request, app_secret, timestamp);
    expected
        .as_str()
        .as_bytes()
        .ct_eq(received.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with Python 3:
    //   import hmac, hashlib
    //   def sign(secret, path, params, body=b""):
    //       p = {k: v for k, v in params.items() if k not in ("sign", "access_token") and v != ""}
    //       s = path + "".join(k + p[k] for k in sorted(p))
    //       msg = secret.encode() + s.encode() + body + secret.encode()
    //       return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()
    const SECRET: &str = "e59af819cc";
    const KAT_GET: &str = "425770526363e4b7399c52969942155b15f8785f5386246ccc2f618a67cb5f98";
    const KAT_POST: &str = "15dcf4c19ec89ca997d1ef42bffe1e7b4c76393da76553e5c03b4fa1ea243a15";
    const KAT_EMPTY: &str = "cff9eb2d257054826028146be25745d0cb9c29c6388db6adc1f904a62fbce873";

    fn secret() -> AppSecret {
        AppSecret::new(SECRET)
    }

    #[test]
    fn a_get_without_body_signs_path_and_sorted_parameters() {
        let params = [
            ("app_key", "29a39d"),
            ("shop_cipher", "GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3"),
        ];
        let request = SignableRequest {
            path: "/authorization/202309/shops",
            params: &params,
            body: None,
        };
        assert_eq!(
            String::from_utf8(string_to_sign(&request, &secret(), 1623812664)).unwrap(),
            "e59af819cc/authorization/202309/shopsapp_key29a39dshop_cipherGCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3timestamp1623812664e59af819cc"
        );
        assert_eq!(sign(&request, &secret(), 1623812664).as_str(), KAT_GET);
    }

    #[test]
    fn a_post_signs_the_json_body_exactly_as_sent() {
        let params = [
            ("app_key", "29a39d"),
            ("page_size", "50"),
            ("sort_order", "ASC"),
            ("shop_cipher", "C1"),
        ];
        let body = br#"{"create_time_ge":1690000000,"order_status":"DELIVERED"}"#;
        let request = SignableRequest {
            path: "/order/202309/orders/search",
            params: &params,
            body: Some(body),
        };
        assert_eq!(sign(&request, &secret(), 1700000000).as_str(), KAT_POST);
    }

    #[test]
    fn empty_values_are_left_out_of_the_signature() {
        let with_empty = [("app_key", "29a39d"), ("page_token", ""), ("ids", "1,2")];
        let without = [("app_key", "29a39d"), ("ids", "1,2")];
        let a = SignableRequest {
            path: "/order/202507/orders",
            params: &with_empty,
            body: None,
        };
        let b = SignableRequest {
            path: "/order/202507/orders",
            params: &without,
            body: None,
        };
        assert_eq!(sign(&a, &secret(), 1700000000).as_str(), KAT_EMPTY);
        assert_eq!(
            sign(&a, &secret(), 1700000000),
            sign(&b, &secret(), 1700000000)
        );
    }

    #[test]
    fn sign_and_access_token_in_the_input_are_excluded() {
        let params = [
            ("app_key", "29a39d"),
            ("sign", "deadbeef"),
            ("access_token", "TTP_abc"),
            ("ids", "1,2"),
        ];
        let request = SignableRequest {
            path: "/order/202507/orders",
            params: &params,
            body: None,
        };
        assert_eq!(sign(&request, &secret(), 1700000000).as_str(), KAT_EMPTY);
    }

    #[test]
    fn the_timestamp_passed_in_replaces_any_in_the_parameters() {
        let params = [("app_key", "29a39d"), ("timestamp", "1"), ("ids", "1,2")];
        let request = SignableRequest {
            path: "/order/202507/orders",
            params: &params,
            body: None,
        };
        assert_eq!(sign(&request, &secret(), 1700000000).as_str(), KAT_EMPTY);
    }

    #[test]
    fn verification_accepts_the_signature_and_rejects_a_forgery() {
        let params = [("app_key", "29a39d")];
        let request = SignableRequest {
            path: "/authorization/202309/shops",
            params: &params,
            body: None,
        };
        let good = sign(&request, &secret(), 1700000000);
        assert!(verify(&request, &secret(), 1700000000, good.as_str()));
        assert!(!verify(&request, &secret(), 1700000001, good.as_str()));
        assert!(!verify(
            &request,
            &AppSecret::new("other"),
            1700000000,
            good.as_str()
        ));
        assert!(!verify(&request, &secret(), 1700000000, "00"));
    }
}
