//! Retrying as a value (after async-stripe's `request_strategy`): one policy decides, from the
//! error and the retries so far, whether a read is tried again and after how long. The client
//! is the only layer that retries transient failures; the sync engine retries only what the
//! client cannot judge (a malformed page), so one page is never tried twenty times.

use std::time::Duration;

use super::error::TikTokError;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Try again after this wait.
    Retry(Duration),
    /// Give the error to the caller.
    Stop,
}

/// Bounded exponential backoff with jitter for idempotent reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: try once).
    pub max_retries: u32,
    /// The first backoff step, doubled per retry.
    pub base: Duration,
    /// The longest backoff.
    pub cap: Duration,
    /// The longest `Retry-After` honoured.
    pub retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    /// Three retries: 200 ms, 400 ms, 800 ms (each between half and all of it), at most 8 s;
    /// a server's `Retry-After` up to a minute.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base: Duration::from_millis(200),
            cap: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub const NEVER: RetryPolicy = RetryPolicy {
        max_retries: 0,
        base: Duration::ZERO,
        cap: Duration::ZERO,
        retry_after_cap: Duration::ZERO,
    };

    /// The decision after an attempt of an idempotent read failed with `error`, `retries`
    /// retries having been made already. `jitter` in `[0, 1)` spreads concurrent retries
    /// (passed in, so the decision is a pure function).
    pub fn decide(&self, error: &TikTokError, retries: u32, jitter: f64) -> Outcome {
        if !error.is_transient() || retries >= self.max_retries {
            return Outcome::Stop;
        }
        Outcome::Retry(self.wait(retries, error.retry_after(), jitter))
    }

    /// The wait before retry number `retries` (0-based): the server's `Retry-After` (capped),
    /// else exponential with jitter in its upper half.
    pub fn wait(&self, retries: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.retry_after_cap);
        }
        let ceiling = self
            .base
            .saturating_mul(1u32 << retries.min(16))
            .min(self.cap);
        let half = ceiling / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiktok::error::{codes, ErrorKind};

    fn api(code: i64) -> TikTokError {
        TikTokError::Api {
            code,
            kind: crate::tiktok::error::classify(code),
            message: String::new(),
            request_id: String::new(),
            endpoint: "/x",
            retry_after: None,
        }
    }

    #[test]
    fn transient_failures_are_retried_a_bounded_number_of_times() {
        let policy = RetryPolicy::default();
        for error in [
            api(codes::RATE_LIMITED),
            api(codes::INTERNAL),
            api(codes::TIMEOUT),
            TikTokError::Http5xx {
                status: 503,
                endpoint: "/x",
                retry_after: None,
            },
            TikTokError::Timeout { endpoint: "/x" },
        ] {
            assert!(matches!(policy.decide(&error, 0, 0.5), Outcome::Retry(_)));
            assert!(matches!(policy.decide(&error, 2, 0.5), Outcome::Retry(_)));
            assert_eq!(policy.decide(&error, 3, 0.5), Outcome::Stop);
        }
    }

    #[test]
    fn bugs_tokens_scopes_and_malformed_pages_are_never_retried_here() {
        let policy = RetryPolicy::default();
        for code in [
            codes::INVALID_SIGNATURE,
            codes::INVALID_TOKEN,
            codes::TOKEN_EXPIRED,
            codes::MISSING_SCOPE,
            codes::REQUEST_ERROR,
            codes::IP_NOT_ALLOWED,
        ] {
            assert_eq!(policy.decide(&api(code), 0, 0.5), Outcome::Stop, "{code}");
        }
        let decode = TikTokError::Decode {
            endpoint: "/x",
            status: 200,
            reason: "cut".into(),
            scrubbed_body_excerpt: String::new(),
        };
        assert_eq!(decode.kind(), ErrorKind::Decode);
        assert_eq!(policy.decide(&decode, 0, 0.5), Outcome::Stop);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.wait(0, None, 0.0), Duration::from_millis(100));
        assert_eq!(policy.wait(0, None, 1.0), Duration::from_millis(200));
        assert_eq!(policy.wait(2, None, 1.0), Duration::from_millis(800));
        assert_eq!(policy.wait(20, None, 1.0), Duration::from_secs(8));
        assert_eq!(
            policy.wait(0, Some(Duration::from_secs(3)), 0.9),
            Duration::from_secs(3)
        );
        assert_eq!(
            policy.wait(0, Some(Duration::from_secs(600)), 0.9),
            Duration::from_secs(60)
        );
        assert_eq!(
            RetryPolicy::NEVER.decide(&api(codes::RATE_LIMITED), 0, 0.5),
            Outcome::Stop
        );
    }
}
