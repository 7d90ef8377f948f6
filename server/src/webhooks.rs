//! `POST /api/webhooks/tiktokshop`, as TikTok's configuration guide asks: **200** for a
//! delivery accepted (or one we choose not to act on), **401** for a signature that does not
//! verify, an empty body, within 3 seconds.
//!
//! - The `Authorization` HMAC is checked in constant time over the raw body.
//! - TikTok retries a delivery 2 minutes, 30 minutes, 3 hours and 12 hours after a failure, so
//!   a genuine delivery may arrive 15½ hours late and is still acted on once: replay safety
//!   comes from the signature and the notification id, remembered longer than any retry.
//! - A deauthorization (type 6 for a shop, type 20 for a creator, which has no `shop_id`)
//!   revokes the account's connections that were connected before it was sent, so a late
//!   retry never revokes a fresh reconnect; the wallet's score stops counting them at once.
//! - Order, return and cancellation changes queue an incremental sync (a job in backoff keeps
//!   its wait).
//! - When our side cannot record a delivery in time (the database is away), the answer is 503:
//!   TikTok takes 200 and 401 as answered and anything else as a failure it retries, so nothing
//!   is lost, and 200 is never given for a delivery we did not keep.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::db::{Connection, Database, DbError};
use crate::services::scoring::Scorer;
use crate::sync::{Resource, SyncEngine};
use crate::tiktok::webhook::{verify_webhook, EventData, WebhookEvent};
use crate::tiktok::AppSecret;

/// The largest delivery read.
pub const MAX_BODY: usize = 64 * 1024;
/// How far in the future a delivery's timestamp may be (clock skew).
pub const MAX_SKEW_SECS: i64 = 300;
/// The receiver's budget: TikTok wants an answer within 3 seconds.
pub const ANSWER_WITHIN: Duration = Duration::from_millis(2500);

/// What the receiver needs.
pub struct WebhookReceiver {
    app_key: String,
    app_secret: AppSecret,
    max_age_secs: i64,
    db: Arc<dyn Database>,
    engine: Arc<SyncEngine>,
    scorer: Arc<Scorer>,
    clock: Clock,
}

/// What became of a verified delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// Acted on.
    Accepted,
    /// Seen before.
    Duplicate,
    /// Kept aside without acting (unreadable, too old, from the future, nobody connected).
    Ignored(&'static str),
}

/// Why a delivery is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Missing or wrong signature.
    Signature,
    /// Larger than we read.
    TooLarge,
}

/// A verified delivery as read from its body, before anything is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The idempotency key: TikTok's `tts_notification_id`, or the body's SHA-256.
    pub key: String,
    /// The event type.
    pub kind: i64,
    /// The shop (shop events) or creator (type 20) it names.
    pub account: String,
    /// When TikTok sent it (unix seconds).
    pub sent: i64,
    /// The payload.
    pub data: EventData,
}

/// Reads a delivery's body at `now`: the event, its payload, the account it names and its age
/// (a replay window of `max_age_secs`, [`MAX_SKEW_SECS`] into the future). `Err` says why it is
/// ignored. Pure: never panics, whatever the bytes.
pub fn read_delivery(body: &[u8], now: i64, max_age_secs: i64) -> Result<Delivery, &'static str> {
    if body.len() > MAX_BODY {
        return Err("larger than a delivery");
    }
    let event = serde_json::from_slice::<WebhookEvent>(body).map_err(|_| "not a delivery")?;
    let data = event.data().map_err(|_| "unreadable data")?;
    let account = match &data {
        EventData::CreatorDeauthorization { .. } => event.creator_open_id.as_str(),
        _ => event.shop_id.as_str(),
    };
    if account.is_empty() {
        return Err("no account");
    }
    let sent = event.timestamp.ok_or("no timestamp")?;
    if now.saturating_sub(sent) > max_age_secs {
        return Err("older than the replay window");
    }
    if sent.saturating_sub(now) > MAX_SKEW_SECS {
        return Err("from the future");
    }
    let key = match event
        .tts_notification_id
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        Some(id) => id.to_string(),
        None => format!("sha256:{}", hex::encode(Sha256::digest(body))),
    };
    Ok(Delivery {
        key,
        kind: event.kind,
        account: account.to_string(),
        sent,
        data,
    })
}

impl WebhookReceiver {
    /// Wires the receiver.
    pub fn new(
        app_key: String,
        app_secret: AppSecret,
        max_age: Duration,
        engine: Arc<SyncEngine>,
        clock: Clock,
    ) -> Self {
        WebhookReceiver {
            app_key,
            app_secret,
            max_age_secs: max_age.as_secs() as i64,
            db: engine.db().clone(),
            scorer: engine.scorer().clone(),
            engine,
            clock,
        }
    }

    /// Verifies a delivery's signature.
    pub fn verify(&self, authorization: Option<&str>, body: &[u8]) -> Result<(), Refused> {
        if body.len() > MAX_BODY {
            return Err(Refused::TooLarge);
        }
        let authorization = authorization.ok_or(Refused::Signature)?;
        if verify_webhook(&self.app_key, &self.app_secret, body, authorization) {
            Ok(())
        } else {
            Err(Refused::Signature)
        }
    }

    /// Acts on a verified delivery.
    pub async fn handle(&self, body: &[u8]) -> Result<Handled, DbError> {
        let now = self.clock.now();
        let delivery = match read_delivery(body, now, self.max_age_secs) {
            Ok(delivery) => delivery,
            Err(reason) => return Ok(Handled::Ignored(reason)),
        };
        let Delivery {
            key,
            kind,
            account,
            sent,
            data,
        } = delivery;
        let account = account.as_str();
        if !self.db.record_webhook(&key, account, kind, now).await? {
            tracing::info!(notification.id = %key, "a duplicate webhook delivery was dropped");
            return Ok(Handled::Duplicate);
        }
        match self.act(account, sent, &data, now).await {
            Ok(()) => Ok(Handled::Accepted),
            Err(e) => {
                // Not handled: forget the delivery so TikTok's retry is not dropped as a duplicate.
                if let Err(forget) = self.db.forget_webhook(&key).await {
                    tracing::error!(error = %forget, notification.id = %key, "cannot forget a failed webhook delivery");
                }
                Err(e)
            }
        }
    }

    /// What a delivery does: queue syncs, revoke, or note an expiry.
    async fn act(
        &self,
        account: &str,
        sent: i64,
        data: &EventData,
        now: i64,
    ) -> Result<(), DbError> {
        let connections = self.db.connections_for_account(account).await?;
        if connections.is_empty() {
            tracing::info!(account, "a webhook names no connected account");
            return Ok(());
        }
        let mut wake = false;
        for c in &connections {
            match data {
                EventData::OrderStatusChange { .. } => {
                    self.db
                        .request_sync(&c.id, &[Resource::Orders.name()], now)
                        .await?;
                    wake = true;
                }
                EventData::ReturnStatusChange { .. }
                | EventData::CancellationStatusChange { .. } => {
                    self.db
                        .request_sync(
                            &c.id,
                            &[Resource::Orders.name(), Resource::Returns.name()],
                            now,
                        )
                        .await?;
                    wake = true;
                }
                EventData::SellerDeauthorization { .. }
                | EventData::CreatorDeauthorization { .. } => {
                    self.deauthorized(c, sent, now).await?;
                }
                EventData::UpcomingAuthorizationExpiration { expiration_time } => {
                    self.db
                        .record_event(
                            "tiktok_authorization_expiring",
                            Some(&c.wallet),
                            &format!(
                                "connection {}; expires at {}",
                                c.id,
                                expiration_time.unwrap_or(0)
                            ),
                            now,
                        )
                        .await?;
                    tracing::warn!(connection.id = %c.id, expires_at = expiration_time.unwrap_or(0), "the TikTok Shop authorization expires soon; the seller should reauthorize");
                }
                EventData::Other(kind) => {
                    tracing::debug!(kind, "a webhook type the product does not act on");
                }
            }
        }
        if wake {
            self.engine.wake();
        }
        Ok(())
    }

    async fn deauthorized(&self, c: &Connection, sent: i64, now: i64) -> Result<(), DbError> {
        if c.connected_at > sent {
            tracing::info!(connection.id = %c.id, "a deauthorization sent before the latest reconnect was ignored");
            return Ok(());
        }
        if !self.db.revoke_connection(&c.id, now).await? {
            return Ok(());
        }
        // The revoked account stops counting at once; the new score follows.
        self.db.clear_wallet_score(&c.wallet).await?;
        self.db
            .record_event(
                "tiktok_deauthorized",
                Some(&c.wallet),
                &format!("connection {}; tokens deleted", c.id),
                now,
            )
            .await?;
        tracing::warn!(connection.id = %c.id, "the account deauthorized shopscore; the connection is revoked and its tokens deleted");
        let (scorer, wallet) = (self.scorer.clone(), c.wallet.clone());
        tokio::spawn(async move {
            if let Err(e) = scorer.rescore(&wallet).await {
                tracing::error!(error = %e, wallet = %wallet, "rescoring after a deauthorization failed");
            }
        });
        Ok(())
    }
}

/// The axum handler: 200 or 401, empty, within the budget (503 only when we could not keep the
/// delivery, so that TikTok retries it).
pub async fn receive(
    State(receiver): State<Arc<WebhookReceiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorization = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if let Err(refused) = receiver.verify(authorization, &body) {
        tracing::info!(reason = ?refused, "a webhook delivery was refused");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    // The handling runs on its own task: an answer that times out does not cut it short (a
    // delivery recorded but not acted on would make TikTok's retry a "duplicate").
    let task = {
        let receiver = receiver.clone();
        tokio::spawn(async move { receiver.handle(&body).await })
    };
    match tokio::time::timeout(ANSWER_WITHIN, task).await {
        Ok(Ok(Ok(handled))) => {
            if let Handled::Ignored(why) = handled {
                tracing::info!(reason = why, "a verified webhook delivery was kept aside");
            }
            StatusCode::OK.into_response()
        }
        Ok(Ok(Err(e))) => {
            tracing::error!(alert = "webhook_not_recorded", error = %e, "cannot record a webhook delivery; answering 503 so that TikTok retries it");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Ok(Err(panicked)) => {
            tracing::error!(alert = "webhook_not_recorded", error = %panicked, "handling a webhook delivery failed; answering 503 so that TikTok retries it");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Err(_) => {
            // The task goes on: if it records the delivery, the retry is a duplicate; if it
            // fails, it forgets it and the retry is acted on.
            tracing::error!(alert = "webhook_not_recorded", "a webhook delivery took too long to record; answering 503 so that TikTok retries it");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
