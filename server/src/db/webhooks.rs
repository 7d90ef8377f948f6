//! `webhook_deliveries`: the deliveries already handled, by `tts_notification_id`. Kept longer
//! than TikTok's retry schedule (about 16 hours), so a genuine late delivery is handled once and
//! a replay is recognised.

use async_trait::async_trait;

use super::{DbError, SqlDb};

/// The deliveries seen.
#[async_trait]
pub trait WebhookStore {
    /// Remembers a delivery; false when it was seen before.
    async fn record_webhook(
        &self,
        notification_id: &str,
        account: &str,
        kind: i64,
        now: i64,
    ) -> Result<bool, DbError>;
    /// Forgets a delivery that could not be handled, so its retry is not a duplicate.
    async fn forget_webhook(&self, notification_id: &str) -> Result<(), DbError>;
    /// Deletes deliveries received before `before`; returns how many.
    async fn purge_webhooks(&self, before: i64) -> Result<u64, DbError>;
}

#[async_trait]
impl WebhookStore for SqlDb {
    async fn record_webhook(
        &self,
        notification_id: &str,
        account: &str,
        kind: i64,
        now: i64,
    ) -> Result<bool, DbError> {
        let done = sqlx::query(
            "INSERT INTO webhook_deliveries (notification_id, shop_id, kind, received_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (notification_id) DO NOTHING",
        )
        .bind(notification_id)
        .bind(account)
        .bind(kind)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn forget_webhook(&self, notification_id: &str) -> Result<(), DbError> {
        sqlx::query("DELETE FROM webhook_deliveries WHERE notification_id = $1")
            .bind(notification_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn purge_webhooks(&self, before: i64) -> Result<u64, DbError> {
        let done = sqlx::query("DELETE FROM webhook_deliveries WHERE received_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
