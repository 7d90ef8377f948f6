//! `lender_shares` and `revoked_attestations`: the links a borrower gives lenders, each with
//! its score snapshot and attestation; revoking one revokes its attestation for good.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{from_json, to_json, DbError, SealedToken, SqlDb};

/// What a share shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareScope {
    /// The whole report.
    Full,
    /// Only "monthly verified income ≥ threshold".
    Threshold,
}

impl ShareScope {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareScope::Full => "full",
            ShareScope::Threshold => "threshold",
        }
    }

    /// Reads a stored (or requested) value.
    pub fn parse(text: &str) -> Option<ShareScope> {
        match text {
            "full" => Some(ShareScope::Full),
            "threshold" => Some(ShareScope::Threshold),
            _ => None,
        }
    }
}

/// A share to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewShare {
    pub id: String,
    pub wallet: String,
    /// SHA-256 (hex) of the link's token.
    pub token_hash: String,
    /// The token, sealed.
    pub token: SealedToken,
    pub lender: String,
    pub scope: ShareScope,
    pub threshold_cents: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub attestation_uid: String,
    pub attestation: serde_json::Value,
    /// The report as shared.
    pub report: app::api::ScoreView,
}

/// A stored share.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub id: String,
    pub wallet: String,
    pub token: SealedToken,
    pub lender: String,
    pub scope: ShareScope,
    pub threshold_cents: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_access_at: Option<i64>,
    pub access_count: i64,
    pub attestation_uid: String,
    pub attestation: serde_json::Value,
    pub report: app::api::ScoreView,
}

/// The shares.
#[async_trait]
pub trait ShareStore {
    /// Stores a share.
    async fn create_share(&self, share: &NewShare) -> Result<(), DbError>;
    /// A wallet's shares, newest first.
    async fn list_shares(&self, wallet: &str) -> Result<Vec<Share>, DbError>;
    /// The share of a token hash.
    async fn share_by_token(&self, token_hash: &str) -> Result<Option<Share>, DbError>;
    /// Revokes a wallet's share and its attestation; false when it is not the wallet's or
    /// was revoked already.
    async fn revoke_share(&self, wallet: &str, id: &str, now: i64) -> Result<bool, DbError>;
    /// Counts a lender's visit.
    async fn touch_share(&self, id: &str, now: i64) -> Result<(), DbError>;
    /// Whether an attestation was revoked.
    async fn is_revoked(&self, uid: &str) -> Result<bool, DbError>;
    /// The wallet's newest attestation still standing (what a new one replaces).
    async fn latest_attestation(&self, wallet: &str, now: i64) -> Result<Option<String>, DbError>;
}

const SELECT: &str = "SELECT id, wallet, token, token_key_id, lender, scope, threshold_cents, \
    created_at, expires_at, revoked_at, last_access_at, access_count, attestation_uid, \
    attestation, report FROM lender_shares";

fn decode(r: &AnyRow) -> Result<Share, DbError> {
    let scope: String = r.try_get("scope")?;
    Ok(Share {
        id: r.try_get("id")?,
        wallet: r.try_get("wallet")?,
        token: SealedToken {
            key_id: r.try_get("token_key_id")?,
            blob: r.try_get("token")?,
        },
        lender: r.try_get("lender")?,
        scope: ShareScope::parse(&scope)
            .ok_or_else(|| DbError::Corrupt(format!("share scope {scope:?}")))?,
        threshold_cents: r.try_get("threshold_cents")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        last_access_at: r.try_get("last_access_at")?,
        access_count: r.try_get("access_count")?,
        attestation_uid: r.try_get("attestation_uid")?,
        attestation: from_json("attestation", &r.try_get::<String, _>("attestation")?)?,
        report: from_json("report", &r.try_get::<String, _>("report")?)?,
    })
}

#[async_trait]
impl ShareStore for SqlDb {
    async fn create_share(&self, s: &NewShare) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO lender_shares (id, wallet, token_hash, token, token_key_id, lender, scope, \
               threshold_cents, created_at, expires_at, access_count, attestation_uid, attestation, report) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13)",
        )
        .bind(&s.id)
        .bind(&s.wallet)
        .bind(&s.token_hash)
        .bind(&s.token.blob)
        .bind(&s.token.key_id)
        .bind(&s.lender)
        .bind(s.scope.as_str())
        .bind(s.threshold_cents)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(&s.attestation_uid)
        .bind(to_json("attestation", &s.attestation)?)
        .bind(to_json("report", &s.report)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_shares(&self, wallet: &str) -> Result<Vec<Share>, DbError> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE wallet = $1 ORDER BY created_at DESC, id"
        ))
        .bind(wallet)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(decode).collect()
    }

    async fn share_by_token(&self, token_hash: &str) -> Result<Option<Share>, DbError> {
        let row = sqlx::query(&format!("{SELECT} WHERE token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    async fn revoke_share(&self, wallet: &str, id: &str, now: i64) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let uid: Option<String> = sqlx::query(
            "UPDATE lender_shares SET revoked_at = $1 WHERE id = $2 AND wallet = $3 \
             AND revoked_at IS NULL RETURNING attestation_uid",
        )
        .bind(now)
        .bind(id)
        .bind(wallet)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get::<String, _>("attestation_uid"))
        .transpose()?;
        let Some(uid) = uid else {
            tx.rollback().await?;
            return Ok(false);
        };
        sqlx::query(
            "INSERT INTO revoked_attestations (uid, revoked_at) VALUES ($1, $2) \
             ON CONFLICT (uid) DO NOTHING",
        )
        .bind(&uid)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn touch_share(&self, id: &str, now: i64) -> Result<(), DbError> {
        sqlx::query(
            "UPDATE lender_shares SET access_count = access_count + 1, last_access_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn is_revoked(&self, uid: &str) -> Result<bool, DbError> {
        Ok(
            sqlx::query("SELECT 1 AS one FROM revoked_attestations WHERE uid = $1")
                .bind(uid)
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }

    async fn latest_attestation(&self, wallet: &str, now: i64) -> Result<Option<String>, DbError> {
        sqlx::query(
            "SELECT attestation_uid FROM lender_shares WHERE wallet = $1 AND revoked_at IS NULL \
             AND expires_at > $2 ORDER BY created_at DESC, id LIMIT 1",
        )
        .bind(wallet)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get("attestation_uid").map_err(DbError::from))
        .transpose()
    }
}
