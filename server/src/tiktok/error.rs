//! The client's one error enum and API.md's error-code table, kept in one place.

use std::time::Duration;

/// Error codes from TikTok's reference (`tiktok-shop-api-concepts/common-errors`, the
/// authorization guides, the API-versioning page). Shared by the client, which classifies them,
/// and the sandbox, which answers them.
pub mod codes {
    /// Success.
    pub const OK: i64 = 0;
    /// "access token is invalid" (also "your token has been deauthorized").
    pub const INVALID_TOKEN: i64 = 105001;
    /// "Expired credentials. The `access_token` or `x-tts-access-token` header has expired."
    pub const TOKEN_EXPIRED: i64 = 105002;
    /// "Access denied" for a scope the token was not granted.
    pub const MISSING_SCOPE: i64 = 105005;
    /// "Invalid credentials. The `sign` query parameter is invalid."
    pub const INVALID_SIGNATURE: i64 = 106001;
    /// "Missing identifier. The `shop_cipher` query parameter is required."
    pub const SHOP_CIPHER: i64 = 106013;
    /// The token's `user_type` does not fit the endpoint, or its shop does not match.
    pub const WRONG_ACCOUNT: i64 = 101000;
    /// "Too many requests." (with HTTP 429).
    pub const RATE_LIMITED: i64 = 36009002;
    /// "Internal error. Please try again."
    pub const INTERNAL: i64 = 36009003;
    /// Overloaded: missing sign, invalid token header, invalid app_key, timestamp out of
    /// window, unexpected shop_cipher, invalid shop_id, invalid version: told apart by message.
    pub const REQUEST_ERROR: i64 = 36009004;
    /// "Request timeout. The request to the endpoint timed out."
    pub const TIMEOUT: i64 = 36009007;
    /// "Invalid path."
    pub const INVALID_PATH: i64 = 36009009;
    /// "Invalid method."
    pub const INVALID_METHOD: i64 = 36009010;
    /// "The version name is invalid": a retired API version.
    pub const VERSION_RETIRED: i64 = 36009014;
    /// "Your IP address is not in the IP allow list configured for this app."
    pub const IP_NOT_ALLOWED: i64 = 36009033;
    /// Get Creator Profile: "no sale region error; detail: creator has no sale region."
    pub const CREATOR_NO_SALE_REGION: i64 = 16015007;
    /// Token endpoint: "rt has expired" (observed; TikTok documents no refresh errors).
    pub const REFRESH_EXPIRED: i64 = 36004001;
    /// Token endpoint: "can not find related auth record" (observed).
    pub const AUTH_RECORD_MISSING: i64 = 36004005;
}

/// What an error means for the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The access token is not accepted (105001, or 36009004 naming the token header):
    /// refresh once; if that is refused, the seller must reconnect.
    InvalidToken,
    /// 105002: refresh once, retry once.
    TokenExpired,
    /// The token endpoint refused the refresh token (expired, retired or unknown): reconnect.
    RefreshRefused,
    /// 105005: tell the user which permission is missing.
    MissingScope,
    /// 101000: the token is for another kind of account or shop than the call.
    WrongAccount,
    /// 36009033: the server's IP is not on the app's allow list (operator alert).
    IpNotAllowed,
    /// 36009014 (or 36009004 "Invalid API version"): a retired version (operator alert).
    VersionRetired,
    /// A request we built wrongly (106001, 106013, 36009004's other meanings, 36009009,
    /// 36009010): a bug on our side; fail loudly, never retry.
    OurBug,
    /// 36009002 or HTTP 429: back off.
    RateLimited,
    /// HTTP 5xx or 36009003: transient.
    ServerError,
    /// 36009007 or no answer in time: transient.
    Timeout,
    /// Connection failures: transient.
    Transport,
    /// An answer that is not the documented JSON.
    Decode,
    /// An answer larger than the configured cap.
    TooLarge,
    /// Bad input on our side (a request the client refuses to send).
    InvalidInput,
    /// A code not in the table.
    Unknown,
}

/// The table: code → kind (36009004 is classified by message, see [`classify_message`]).
pub const ERROR_CODES: &[(i64, ErrorKind)] = &[
    (codes::INVALID_TOKEN, ErrorKind::InvalidToken),
    (codes::TOKEN_EXPIRED, ErrorKind::TokenExpired),
    (codes::MISSING_SCOPE, ErrorKind::MissingScope),
    (codes::INVALID_SIGNATURE, ErrorKind::OurBug),
    (codes::SHOP_CIPHER, ErrorKind::OurBug),
    (codes::WRONG_ACCOUNT, ErrorKind::WrongAccount),
    (codes::RATE_LIMITED, ErrorKind::RateLimited),
    (codes::INTERNAL, ErrorKind::ServerError),
    (codes::REQUEST_ERROR, ErrorKind::OurBug),
    (codes::TIMEOUT, ErrorKind::Timeout),
    (codes::INVALID_PATH, ErrorKind::OurBug),
    (codes::INVALID_METHOD, ErrorKind::OurBug),
    (codes::VERSION_RETIRED, ErrorKind::VersionRetired),
    (codes::IP_NOT_ALLOWED, ErrorKind::IpNotAllowed),
    (codes::REFRESH_EXPIRED, ErrorKind::RefreshRefused),
    (codes::AUTH_RECORD_MISSING, ErrorKind::RefreshRefused),
];

/// Classifies an envelope `code` without its message.
pub fn classify(code: i64) -> ErrorKind {
    ERROR_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, kind)| *kind)
        .unwrap_or(ErrorKind::Unknown)
}

/// Classifies a `code` with its `message`: 36009004 means many things and only its message
/// tells an invalid token header ("Invalid credentials. The `x-tts-access-token` header is
/// invalid.") and an invalid version from the requests we built wrongly.
pub fn classify_message(code: i64, message: &str) -> ErrorKind {
    if code != codes::REQUEST_ERROR {
        return classify(code);
    }
    let m = message.to_ascii_lowercase();
    if (m.contains("x-tts-access-token") || m.contains("access_token")) && m.contains("invalid") {
        ErrorKind::InvalidToken
    } else if m.contains("version") {
        ErrorKind::VersionRetired
    } else {
        ErrorKind::OurBug
    }
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
    /// The answer was larger than the configured cap; it was not read further.
    #[error("TikTok Shop's answer to {endpoint} exceeded {limit} bytes and was not read")]
    TooLarge {
        /// The endpoint path.
        endpoint: &'static str,
        /// The cap in bytes.
        limit: usize,
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
            TikTokError::TooLarge { .. } => ErrorKind::TooLarge,
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

    /// TikTok's own words, when it answered an envelope error.
    pub fn message(&self) -> Option<&str> {
        match self {
            TikTokError::Api { message, .. } => Some(message),
            _ => None,
        }
    }

    /// Transient: worth retrying an idempotent read (429, 5xx, 36009003, timeouts, connection
    /// failures).
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
        assert_eq!(classify(106001), ErrorKind::OurBug);
        assert_eq!(classify(106013), ErrorKind::OurBug);
        assert_eq!(classify(101000), ErrorKind::WrongAccount);
        assert_eq!(classify(36009002), ErrorKind::RateLimited);
        assert_eq!(classify(36009003), ErrorKind::ServerError);
        assert_eq!(classify(36009007), ErrorKind::Timeout);
        assert_eq!(classify(36009009), ErrorKind::OurBug);
        assert_eq!(classify(36009014), ErrorKind::VersionRetired);
        assert_eq!(classify(36009033), ErrorKind::IpNotAllowed);
        assert_eq!(classify(36004001), ErrorKind::RefreshRefused);
        assert_eq!(classify(1), ErrorKind::Unknown);
    }

    #[test]
    fn request_errors_are_told_apart_by_their_message() {
        let kind = |m: &str| classify_message(codes::REQUEST_ERROR, m);
        assert_eq!(
            kind("Invalid credentials. The `x-tts-access-token` header is invalid."),
            ErrorKind::InvalidToken
        );
        assert_eq!(
            kind("Invalid credentials. The `access_token` header is invalid."),
            ErrorKind::InvalidToken
        );
        assert_eq!(
            kind("Invalid API version. The `version` query parameter is invalid."),
            ErrorKind::VersionRetired
        );
        for ours in [
            "Missing credentials. The request does not include a required signature in the query.",
            "Invalid credentials. Invalid `app_key` query parameter.",
            "Invalid timestamp. The value of the `timestamp` query parameter must not be earlier than 5 minutes before the current time.",
            "Unexpected identifier. The `shop_cipher` query parameter is not required for this request.",
            "Invalid identifier. The `shop_id` query parameter is invalid.",
        ] {
            assert_eq!(kind(ours), ErrorKind::OurBug, "{ours}");
        }
        assert_eq!(
            classify_message(105002, "anything"),
            ErrorKind::TokenExpired
        );
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
