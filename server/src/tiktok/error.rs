//! The client's one error enum and API.md's error-code table, kept in one place.

use std::time::Duration;

/// Error codes the Open API is known to answer (API.md's table). Shared by the client, which
/// classifies them, and the sandbox, which answers them.
pub mod codes {
    /// Success.
    pub const OK: i64 = 0;
    /// Invalid access token (reported).
    pub const INVALID_TOKEN: i64 = 105001;
    /// Access token expired (reported).
    pub const TOKEN_EXPIRED: i64 = 105002;
    /// Missing auth package / scope not granted (seed).
    pub const MISSING_SCOPE: i64 = 105005;
    /// Invalid signature (reported).
    pub const INVALID_SIGNATURE: i64 = 106001;
    /// `shop_cipher` missing or wrong for a shop-scoped call (reported).
    pub const SHOP_CIPHER: i64 = 106013;
    /// Rate limited (seed; also HTTP 429).
    pub const RATE_LIMITED: i64 = 36009002;
    /// Other request errors (reported). The sandbox also answers it for a timestamp outside
    /// the window, a reused or expired auth code and a bad page token: TikTok's own codes for
    /// those are not in the sources we could check.
    pub const REQUEST_ERROR: i64 = 36009004;
}

/// What an error means for the product (API.md's "what the product does" column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// 105001: mark the connection "needs reconnect"; never retry.
    InvalidToken,
    /// 105002: refresh once, retry once.
    TokenExpired,
    /// 105005: tell the user which permission is missing.
    MissingScope,
    /// 106001: a bug on our side; fail loudly, never retry.
    InvalidSignature,
    /// 106013: a bug on our side.
    ShopCipher,
    /// 36009002 or HTTP 429: back off.
    RateLimited,
    /// 36009004: surface the message; no retry.
    RequestError,
    /// HTTP 5xx: transient.
    ServerError,
    /// No answer in time.
    Timeout,
    /// Connection failures.
    Transport,
    /// An answer that is not the documented JSON.
    Decode,
    /// Bad input on our side (e.g. a request the client refuses to send).
    InvalidInput,
    /// A code not in the table.
    Unknown,
}

/// The table: code → kind. One place to correct when TikTok's documentation says otherwise.
pub const ERROR_CODES: &[(i64, ErrorKind)] = &[
    (codes::INVALID_TOKEN, ErrorKind::InvalidToken),
    (codes::TOKEN_EXPIRED, ErrorKind::TokenExpired),
    (codes::MISSING_SCOPE, ErrorKind::MissingScope),
    (codes::INVALID_SIGNATURE, ErrorKind::InvalidSignature),
    (codes::SHOP_CIPHER, ErrorKind::ShopCipher),
    (codes::RATE_LIMITED, ErrorKind::RateLimited),
    (codes::REQUEST_ERROR, ErrorKind::RequestError),
];

/// Classifies an envelope `code`.
pub fn classify(code: i64) -> ErrorKind {
    ERROR_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, kind)| *kind)
        .unwrap_or(ErrorKind::Unknown)
}

/// Everything that can go wrong talking to TikTok Shop. Messages never contain tokens,
/// secrets or raw bodies (only a scrubbed excerpt).
#[derive(Debug, thiserror::Error)]
pub enum TikTokError {
    /// The envelope carried `code != 0` (even with HTTP 200), or HTTP 429.
    #[error("TikTok Shop answered code {code} ({kind:?}) to {endpoint}: {message} (request_id {request_id})")]
    Api {
        /// The envelope code.
        code: i64,
        /// Its classification.
        kind: ErrorKind,
        /// TikTok's message.
        message: String,
        /// TikTok's request id, for support.
        request_id: String,
        /// The endpoint path.
        endpoint: &'static str,
        /// `Retry-After`, when the answer had one.
        retry_after: Option<Duration>,
    },
    /// HTTP 5xx.
    #[error("TikTok Shop answered HTTP {status} to {endpoint}")]
    Http5xx {
        /// The status.
        status: u16,
        /// The endpoint path.
        endpoint: &'static str,
        /// `Retry-After`, when present.
        retry_after: Option<Duration>,
    },
    /// An unexpected HTTP status without a readable envelope.
    #[error("TikTok Shop answered HTTP {status} to {endpoint}: {scrubbed_body_excerpt}")]
    HttpStatus {
        /// The status.
        status: u16,
        /// The endpoint path.
        endpoint: &'static str,
        /// The start of the body with anything secret-looking removed.
        scrubbed_body_excerpt: String,
    },
    /// No answer within the timeout.
    #[error("TikTok Shop did not answer {endpoint} in time")]
    Timeout {
        /// The endpoint path.
        endpoint: &'static str,
    },
    /// The connection failed (the message never includes the URL: token URLs carry the secret).
    #[error("cannot reach TikTok Shop for {endpoint}: {message}")]
    Transport {
        /// The endpoint path.
        endpoint: &'static str,
        /// What failed.
        message: String,
    },
    /// The answer was not the documented JSON.
    #[error("cannot read TikTok Shop's answer to {endpoint} (HTTP {status}): {reason}; body starts {scrubbed_body_excerpt:?}")]
    Decode {
        /// The endpoint path.
        endpoint: &'static str,
        /// The HTTP status.
        status: u16,
        /// The decoder's complaint.
        reason: String,
        /// The start of the body with anything secret-looking removed.
        scrubbed_body_excerpt: String,
    },
    /// The client refused to build the request.
    #[error("invalid TikTok Shop request: {0}")]
    InvalidInput(String),
}

impl TikTokError {
    /// What the error means for the product.
    pub fn kind(&self) -> ErrorKind {
        match self {
            TikTokError::Api { kind, .. } => *kind,
            TikTokError::Http5xx { .. } => ErrorKind::ServerError,
            TikTokError::HttpStatus { .. } | TikTokError::Decode { .. } => ErrorKind::Decode,
            TikTokError::Timeout { .. } => ErrorKind::Timeout,
            TikTokError::Transport { .. } => ErrorKind::Transport,
            TikTokError::InvalidInput(_) => ErrorKind::InvalidInput,
        }
    }

    /// The envelope code, when TikTok answered one.
    pub fn code(&self) -> Option<i64> {
        match self {
            TikTokError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Transient: worth retrying an idempotent read (429, 5xx, timeouts, connection failures).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::RateLimited
                | ErrorKind::ServerError
                | ErrorKind::Timeout
                | ErrorKind::Transport
        )
    }

    /// The server's `Retry-After`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            TikTokError::Api { retry_after, .. } | TikTokError::Http5xx { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }
}

/// Keeps at most `limit` characters of a body for an error message, with secret-looking
/// values removed: JSON values under sensitive keys, and any long token-like run of characters.
pub fn scrub_body(body: &[u8], limit: usize) -> String {
    const SENSITIVE: &[&str] = &[
        "access_token",
        "refresh_token",
        "app_secret",
        "auth_code",
        "code_verifier",
        "cipher",
        "sign",
        "buyer_email",
        "phone_number",
        "name",
        "first_name",
        "last_name",
        "full_address",
        "address_detail",
        "address_line1",
        "address_line2",
        "postal_code",
        "bank_account",
        "user_id",
    ];
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if SENSITIVE.contains(&key.as_str()) && !v.is_object() && !v.is_array() {
                        *v = serde_json::Value::String("[redacted]".into());
                    } else {
                        walk(v);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            walk(&mut value);
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    // Long runs of token alphabet are treated as secrets whatever key they sit under.
    let mut out = String::with_capacity(text.len().min(limit + 16));
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 24 {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=' | '.') {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    if out.chars().count() > limit {
        out = out.chars().take(limit).collect::<String>() + "…";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_has_its_kind() {
        assert_eq!(classify(105001), ErrorKind::InvalidToken);
        assert_eq!(classify(105002), ErrorKind::TokenExpired);
        assert_eq!(classify(105005), ErrorKind::MissingScope);
        assert_eq!(classify(106001), ErrorKind::InvalidSignature);
        assert_eq!(classify(106013), ErrorKind::ShopCipher);
        assert_eq!(classify(36009002), ErrorKind::RateLimited);
        assert_eq!(classify(36009004), ErrorKind::RequestError);
        assert_eq!(classify(1), ErrorKind::Unknown);
    }

    #[test]
    fn scrubbing_removes_tokens_and_personal_data_from_json() {
        let body = br#"{"code":0,"data":{"access_token":"ROW_abc","refresh_token":"x","buyer_email":"a@b.c","id":"1"}}"#;
        let scrubbed = scrub_body(body, 500);
        assert!(!scrubbed.contains("ROW_abc"), "{scrubbed}");
        assert!(!scrubbed.contains("a@b.c"), "{scrubbed}");
        assert!(scrubbed.contains("\"id\":\"1\""), "{scrubbed}");
    }

    #[test]
    fn scrubbing_removes_token_like_runs_from_non_json_and_truncates() {
        let body =
            b"<html>token ROW_Fw8rBwAAAAAkW03FYd09DG-9INtpw361hWthei8S3fHX8iPJ5AUv99f broke</html>";
        let scrubbed = scrub_body(body, 500);
        assert!(!scrubbed.contains("ROW_Fw8r"), "{scrubbed}");
        assert!(scrubbed.contains("broke"));
        assert_eq!(
            scrub_body(&[b'a', b' '].repeat(400), 20).chars().count(),
            21
        );
    }
}
