//! Reading one answer: the HTTP status, the envelope (`code != 0` is an error even on HTTP
//! 200, classified with its message), then `data` as the endpoint's type. Never panics,
//! whatever the bytes; errors keep a scrubbed excerpt of the body, never the body.

use std::time::Duration;

use serde::de::DeserializeOwned;

use super::api::{EnvelopeData, EnvelopeHead};
use super::error::{classify_message, codes, scrub_body, ErrorKind, TikTokError};

/// How many characters of a bad body an error keeps.
pub const BODY_EXCERPT: usize = 300;

/// Decodes one response of `endpoint`.
pub fn decode_envelope<T: DeserializeOwned>(
    endpoint: &'static str,
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T, TikTokError> {
    let decode_error = |reason: String| TikTokError::Decode {
        endpoint,
        status,
        reason,
        scrubbed_body_excerpt: scrub_body(body, BODY_EXCERPT),
    };
    let head = serde_json::from_slice::<EnvelopeHead>(body);
    if let Ok(EnvelopeHead {
        code: Some(code),
        message,
        request_id,
    }) = &head
    {
        if *code != codes::OK {
            return Err(TikTokError::Api {
                code: *code,
                kind: classify_message(*code, message),
                // TikTok's own words, scrubbed like a body: they reach logs and errors.
                message: scrub_body(message.as_bytes(), BODY_EXCERPT),
                request_id: request_id.clone(),
                endpoint,
                retry_after,
            });
        }
    }
    if status == 429 {
        return Err(TikTokError::Api {
            code: codes::RATE_LIMITED,
            kind: ErrorKind::RateLimited,
            message: "HTTP 429 Too Many Requests".into(),
            request_id: String::new(),
            endpoint,
            retry_after,
        });
    }
    if status >= 500 {
        return Err(TikTokError::Http5xx {
            status,
            endpoint,
            retry_after,
        });
    }
    match head {
        Err(_) if !(200..300).contains(&status) => Err(TikTokError::HttpStatus {
            status,
            endpoint,
            scrubbed_body_excerpt: scrub_body(body, BODY_EXCERPT),
        }),
        Err(e) => Err(decode_error(format!("not a JSON envelope: {e}"))),
        Ok(EnvelopeHead { code: None, .. }) => {
            Err(decode_error("JSON without an envelope `code`".into()))
        }
        Ok(_) => match serde_json::from_slice::<EnvelopeData<T>>(body) {
            Ok(EnvelopeData { data: Some(data) }) => Ok(data),
            Ok(EnvelopeData { data: None }) => Err(decode_error("success without `data`".into())),
            Err(e) => Err(decode_error(format!("unexpected `data`: {e}"))),
        },
    }
}
