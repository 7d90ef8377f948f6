//! Webhooks as TikTok sends them: a JSON POST signed in the `Authorization` header
//! (`hex(HMAC-SHA256(app_secret, app_key + body))`), answered 200 (or 401) within 3 seconds;
//! anything else is retried 2 minutes, 30 minutes, 3 hours and 12 hours after each failure,
//! then given up (the configuration guide's schedule, scaled for tests).

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::Sandbox;
use crate::tiktok::webhook::webhook_signature;

/// TikTok's retry delays, each counted from the previous failure.
pub const RETRY_DELAYS: [Duration; 4] = [
    Duration::from_secs(120),
    Duration::from_secs(1800),
    Duration::from_secs(3 * 3600),
    Duration::from_secs(12 * 3600),
];

/// How a delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    /// Answered 200 or 401 on this attempt (1 = the first push).
    Accepted(u32),
    /// Every attempt failed.
    GaveUp,
    /// No webhook URL is configured.
    Nowhere,
}

impl Sandbox {
    /// Delivers `event` to the configured webhook URL in the background, retrying as TikTok does.
    pub fn send_webhook(self: &Arc<Self>, event: Value) -> tokio::task::JoinHandle<Delivered> {
        let sandbox = self.clone();
        tokio::spawn(async move { sandbox.deliver(event).await })
    }

    async fn deliver(&self, event: Value) -> Delivered {
        let Some(url) = self.config.webhook_url.clone() else {
            return Delivered::Nowhere;
        };
        let body = event.to_string();
        let signature = webhook_signature(
            &self.config.app_key,
            &self.config.app_secret,
            body.as_bytes(),
        );
        for attempt in 0..=RETRY_DELAYS.len() {
            if attempt > 0 {
                let wait =
                    RETRY_DELAYS[attempt - 1].mul_f64(self.config.webhook_retry_scale.max(0.0));
                tokio::time::sleep(wait).await;
            }
            let answer = self
                .http
                .post(url.clone())
                .header("authorization", &signature)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await;
            match answer {
                Ok(r) if matches!(r.status().as_u16(), 200 | 401) => {
                    return Delivered::Accepted(attempt as u32 + 1)
                }
                Ok(r) => {
                    tracing::info!(
                        status = r.status().as_u16(),
                        attempt,
                        "sandbox webhook not accepted; TikTok would retry"
                    )
                }
                Err(e) => {
                    tracing::info!(error = %e.without_url(), attempt, "sandbox webhook failed; TikTok would retry")
                }
            }
        }
        Delivered::GaveUp
    }
}
