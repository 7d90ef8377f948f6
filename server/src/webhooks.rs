//! `POST /api/webhooks/tiktokshop`: verifies the `Authorization` HMAC in constant time, refuses
//! stale or malformed deliveries, drops duplicates by `tts_notification_id`, and turns each
//! event into queued work: an incremental sync for order, return and cancellation changes, a
//! revoked connection without tokens on deauthorization, a warning on upcoming expiry. It
//! answers at once; the job queue does the fetching.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::db::now_unix;
use crate::sync::{Resource, SyncEngine};
use crate::tiktok::webhook::{verify_webhook, EventData, WebhookEvent};
use crate::tiktok::AppSecret;

/// The largest delivery read.
pub const MAX_BODY: usize = 64 * 1024;
/// How far in the future a delivery's timestamp may be (clock skew).
pub const MAX_SKEW_SECS: i64 = 60;

/// What the receiver needs: the app credentials that sign deliveries and the engine.
pub struct WebhookReceiver {
    app_key: String,
    app_secret: AppSecret,
    max_age_secs: i64,
    engine: Arc<SyncEngine>,
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Missing or wrong signature.
    Signature,
    /// Not a delivery we can read.
    Malformed(&'static str),
    /// Older than the window, or from the future.
    Stale,
    /// Too large.
    TooLarge,
}

impl WebhookReceiver {
    /// Wires the receiver.
    pub fn new(
        app_key: String,
        app_secret: AppSecret,
        max_age_secs: i64,
        engine: Arc<SyncEngine>,
    ) -> Self {
        WebhookReceiver {
            app_key,
            app_secret,
            max_age_secs,
            engine,
        }
    }

    /// Checks a delivery and parses it (the time passed in).
    pub fn check(
        &self,
        authorization: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<WebhookEvent, Refused> {
        if body.len() > MAX_BODY {
            return Err(Refused::TooLarge);
        }
        let authorization = authorization.ok_or(Refused::Signature)?;
        if !verify_webhook(&self.app_key, &self.app_secret, body, authorization) {
            return Err(Refused::Signature);
        }
        let event: WebhookEvent =
            serde_json::from_slice(body).map_err(|_| Refused::Malformed("not a delivery"))?;
        if event.shop_id.is_empty() {
            return Err(Refused::Malformed("no shop_id"));
        }
        let sent = event.timestamp.ok_or(Refused::Malformed("no timestamp"))?;
        if now - sent > self.max_age_secs || sent - now > MAX_SKEW_SECS {
            return Err(Refused::Stale);
        }
        event
            .data()
            .map_err(|_| Refused::Malformed("unreadable data"))?;
        Ok(event)
    }

    /// Acts on a verified delivery; false when it was a duplicate.
    pub async fn handle(
        &self,
        event: &WebhookEvent,
        body: &[u8],
    ) -> Result<bool, crate::db::DbError> {
        let db = self.engine.db();
        let now = now_unix();
        let key = match event
            .tts_notification_id
            .as_deref()
            .filter(|s| !s.is_empty())
        {
            Some(id) => id.to_string(),
            None => format!("sha256:{}", hex::encode(Sha256::digest(body))),
        };
        if !db
            .record_webhook(&key, &event.shop_id, event.kind, now)
            .await?
        {
            tracing::info!(notification.id = %key, "a duplicate webhook delivery was dropped");
            return Ok(false);
        }
        match self.act(event, now).await {
            Ok(()) => Ok(true),
            Err(e) => {
                // Not handled: forget the delivery so TikTok's retry is not dropped as a duplicate.
                if let Err(forget) = db.forget_webhook(&key).await {
                    tracing::error!(error = %forget, notification.id = %key, "cannot forget a failed webhook delivery");
                }
                Err(e)
            }
        }
    }

    /// What a delivery does: queue syncs, revoke, or warn.
    async fn act(&self, event: &WebhookEvent, now: i64) -> Result<(), crate::db::DbError> {
        let db = self.engine.db();
        let connections = db.connections_for_account(&event.shop_id).await?;
        if connections.is_empty() {
            tracing::info!(shop.id = %event.shop_id, kind = event.kind, "a webhook names no connected shop");
            return Ok(());
        }
        let data = event.data().unwrap_or(EventData::Other(event.kind));
        for c in &connections {
            match &data {
                EventData::OrderStatusChange { .. } => {
                    db.request_sync(&c.id, &[Resource::Orders.name()], now)
                        .await?;
                }
                EventData::ReturnStatusChange { .. }
                | EventData::CancellationStatusChange { .. } => {
                    db.request_sync(
                        &c.id,
                        &[Resource::Orders.name(), Resource::Returns.name()],
                        now,
                    )
                    .await?;
                }
                EventData::SellerDeauthorization { .. } => {
                    db.set_connection_status(&c.id, "revoked", true).await?;
                    let _ = db
                        .record_event(
                            "tiktok_deauthorized",
                            Some(&c.wallet),
                            &format!("connection {}; tokens deleted", c.id),
                        )
                        .await;
                    tracing::warn!(connection.id = %c.id, "the seller deauthorized shopscore; the connection is revoked and its tokens deleted");
                    // The wallet's score no longer counts this shop. The revocation is done;
                    // a failed recompute only leaves the score stale until the next sync.
                    if let Err(e) = self.engine.recompute_wallet(&c.wallet, now).await {
                        tracing::error!(error = %e, connection.id = %c.id, "recomputing the score after a deauthorization failed");
                    }
                }
                EventData::UpcomingAuthorizationExpiration { expiration_time } => {
                    let _ = db
                        .record_event(
                            "tiktok_authorization_expiring",
                            Some(&c.wallet),
                            &format!(
                                "connection {}; expires at {}",
                                c.id,
                                expiration_time.unwrap_or(0)
                            ),
                        )
                        .await;
                    tracing::warn!(connection.id = %c.id, expires_at = expiration_time.unwrap_or(0), "the TikTok Shop authorization expires soon; the seller should reauthorize");
                }
                EventData::Other(kind) => {
                    tracing::debug!(kind, "a webhook type the product does not act on");
                }
            }
        }
        if matches!(
            data,
            EventData::OrderStatusChange { .. }
                | EventData::ReturnStatusChange { .. }
                | EventData::CancellationStatusChange { .. }
        ) {
            self.engine.wake();
        }
        Ok(())
    }
}

/// The axum handler.
pub async fn receive(
    State(receiver): State<Arc<WebhookReceiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorization = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let event = match receiver.check(authorization, &body, now_unix()) {
        Ok(event) => event,
        Err(refused) => {
            tracing::info!(reason = ?refused, "a webhook delivery was refused");
            let (status, message) = match refused {
                Refused::Signature => (StatusCode::UNAUTHORIZED, "invalid signature"),
                Refused::Malformed(why) => (StatusCode::BAD_REQUEST, why),
                Refused::Stale => (StatusCode::BAD_REQUEST, "stale delivery"),
                Refused::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too large"),
            };
            return (status, Json(json!({ "code": 1, "message": message }))).into_response();
        }
    };
    match receiver.handle(&event, &body).await {
        Ok(fresh) => (
            StatusCode::OK,
            Json(json!({ "code": 0, "message": if fresh { "accepted" } else { "duplicate" } })),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot record a webhook delivery");
            // TikTok retries a delivery that was not acknowledged.
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "code": 1, "message": "try again" })),
            )
                .into_response()
        }
    }
}
