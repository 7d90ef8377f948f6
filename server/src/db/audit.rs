//! `audit_events`: who did what and when (never a secret, never a token). Kept longest.

use async_trait::async_trait;
use sqlx::Row;

use super::{DbError, SqlDb};

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// When.
    pub occurred_at: i64,
    /// What (`tiktok_connected`, `share_viewed`, …).
    pub kind: String,
    /// Whose.
    pub wallet: Option<String>,
    /// Details (ids, never secrets).
    pub detail: String,
}

/// The audit trail.
#[async_trait]
pub trait AuditStore {
    /// Records an event.
    async fn record_event(
        &self,
        kind: &str,
        wallet: Option<&str>,
        detail: &str,
        now: i64,
    ) -> Result<(), DbError>;
    /// The most recent events, newest first.
    async fn recent_events(&self, limit: i64) -> Result<Vec<AuditEvent>, DbError>;
    /// A wallet's events of the given kinds, newest first.
    async fn wallet_events(
        &self,
        wallet: &str,
        kinds: &[&str],
        limit: i64,
    ) -> Result<Vec<AuditEvent>, DbError>;
    /// Deletes events before `before`; returns how many.
    async fn purge_audit(&self, before: i64) -> Result<u64, DbError>;
}

fn decode(r: &sqlx::any::AnyRow) -> Result<AuditEvent, DbError> {
    Ok(AuditEvent {
        occurred_at: r.try_get("occurred_at")?,
        kind: r.try_get("kind")?,
        wallet: r.try_get("wallet")?,
        detail: r.try_get("detail")?,
    })
}

#[async_trait]
impl AuditStore for SqlDb {
    async fn record_event(
        &self,
        kind: &str,
        wallet: Option<&str>,
        detail: &str,
        now: i64,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO audit_events (occurred_at, kind, wallet, detail) VALUES ($1, $2, $3, $4)",
        )
        .bind(now)
        .bind(kind)
        .bind(wallet)
        .bind(detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn recent_events(&self, limit: i64) -> Result<Vec<AuditEvent>, DbError> {
        let rows = sqlx::query(
            "SELECT occurred_at, kind, wallet, detail FROM audit_events ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(decode).collect()
    }

    async fn wallet_events(
        &self,
        wallet: &str,
        kinds: &[&str],
        limit: i64,
    ) -> Result<Vec<AuditEvent>, DbError> {
        let rows = sqlx::query(
            "SELECT occurred_at, kind, wallet, detail FROM audit_events WHERE wallet = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(wallet)
        .bind(limit.saturating_mul(4))
        .fetch_all(&self.pool)
        .await?;
        let mut events: Vec<AuditEvent> = rows.iter().map(decode).collect::<Result<_, _>>()?;
        events.retain(|e| kinds.contains(&e.kind.as_str()));
        events.truncate(limit.max(0) as usize);
        Ok(events)
    }

    async fn purge_audit(&self, before: i64) -> Result<u64, DbError> {
        let done = sqlx::query("DELETE FROM audit_events WHERE occurred_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
