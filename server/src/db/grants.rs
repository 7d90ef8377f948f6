//! `tiktok_grants`: one row per authorization, holding the tokens its shops share. A refresh
//! is serialised across instances by a lock on the row (owner and expiry, so a dead instance's
//! lock lapses) and stores the rotated tokens only over the token version it read.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{from_json, DbError, Grant, GrantUser, Market, SealedToken, SealedTokens, SqlDb};

/// The grants table.
#[async_trait]
pub trait GrantStore {
    /// One grant.
    async fn load_grant(&self, id: &str) -> Result<Option<Grant>, DbError>;
    /// The grants of an open id (a creator's deauthorization names only that).
    async fn grants_for_open_id(&self, open_id: &str) -> Result<Vec<Grant>, DbError>;
    /// Takes the grant's refresh lock for `owner` until `until` if it is free, expired or
    /// already `owner`'s.
    async fn lock_refresh(
        &self,
        id: &str,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, DbError>;
    /// Gives the refresh lock up.
    async fn unlock_refresh(&self, id: &str, owner: &str) -> Result<(), DbError>;
    /// Stores rotated tokens only if the grant is still at `version` (no sibling refreshed
    /// meanwhile, no reconnect replaced them); false when nothing was written.
    async fn store_refreshed(
        &self,
        id: &str,
        version: i64,
        tokens: &SealedTokens,
    ) -> Result<bool, DbError>;
    /// Deletes the grant's tokens and revokes every connection of it (a deauthorization).
    /// Returns the wallets whose connections changed.
    async fn revoke_grant(&self, id: &str, now: i64) -> Result<Vec<String>, DbError>;
    /// Every grant with tokens, for key rotation: `(id, tokens)`.
    async fn sealed_grants(&self) -> Result<Vec<(String, i64, SealedTokens)>, DbError>;
}

const SELECT: &str = "SELECT id, wallet, open_id, user_type, market, scopes, access_token, access_key_id, \
    access_expires_at, refresh_token, refresh_key_id, refresh_expires_at, token_version FROM tiktok_grants";

fn sealed(blob: Option<Vec<u8>>, key_id: Option<String>) -> Option<SealedToken> {
    Some(SealedToken {
        key_id: key_id?,
        blob: blob?,
    })
}

fn tokens_of(r: &AnyRow) -> Result<Option<SealedTokens>, DbError> {
    let access = sealed(r.try_get("access_token")?, r.try_get("access_key_id")?);
    let refresh = sealed(r.try_get("refresh_token")?, r.try_get("refresh_key_id")?);
    Ok(match (access, refresh) {
        (Some(access), Some(refresh)) => Some(SealedTokens {
            access,
            access_expires_at: r
                .try_get::<Option<i64>, _>("access_expires_at")?
                .unwrap_or(0),
            refresh,
            refresh_expires_at: r
                .try_get::<Option<i64>, _>("refresh_expires_at")?
                .unwrap_or(0),
        }),
        _ => None,
    })
}

fn decode(r: &AnyRow) -> Result<Grant, DbError> {
    Ok(Grant {
        id: r.try_get("id")?,
        wallet: r.try_get("wallet")?,
        open_id: r.try_get("open_id")?,
        user: GrantUser::parse(&r.try_get::<String, _>("user_type")?)?,
        market: Market::parse(&r.try_get::<String, _>("market")?)?,
        scopes: from_json("scopes", &r.try_get::<String, _>("scopes")?)?,
        tokens: tokens_of(r)?,
        token_version: r.try_get("token_version")?,
    })
}

/// Deletes a grant's tokens when none of its connections is live any more.
pub(super) async fn drop_tokens_if_unused(
    tx: &mut super::WriteTx,
    grant: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE tiktok_grants SET access_token = NULL, access_key_id = NULL, refresh_token = NULL, \
           refresh_key_id = NULL, token_version = token_version + 1 \
         WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM business_connections c \
           WHERE c.grant_id = $1 AND c.status <> 'revoked')",
    )
    .bind(grant)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl GrantStore for SqlDb {
    async fn load_grant(&self, id: &str) -> Result<Option<Grant>, DbError> {
        let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    async fn grants_for_open_id(&self, open_id: &str) -> Result<Vec<Grant>, DbError> {
        let rows = sqlx::query(&format!("{SELECT} WHERE open_id = $1"))
            .bind(open_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(decode).collect()
    }

    async fn lock_refresh(
        &self,
        id: &str,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, DbError> {
        // One writing statement: atomic on SQLite (one writer), a row lock on PostgreSQL.
        let done = sqlx::query(
            "UPDATE tiktok_grants SET refresh_lock_owner = $1, refresh_lock_until = $2 \
             WHERE id = $3 AND (refresh_lock_owner IS NULL OR refresh_lock_until < $4 \
               OR refresh_lock_owner = $1)",
        )
        .bind(owner)
        .bind(until)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn unlock_refresh(&self, id: &str, owner: &str) -> Result<(), DbError> {
        sqlx::query(
            "UPDATE tiktok_grants SET refresh_lock_owner = NULL, refresh_lock_until = NULL \
             WHERE id = $1 AND refresh_lock_owner = $2",
        )
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn store_refreshed(
        &self,
        id: &str,
        version: i64,
        tokens: &SealedTokens,
    ) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE tiktok_grants SET access_token = $1, access_key_id = $2, access_expires_at = $3, \
               refresh_token = $4, refresh_key_id = $5, refresh_expires_at = $6, \
               token_version = token_version + 1 \
             WHERE id = $7 AND token_version = $8 AND refresh_token IS NOT NULL",
        )
        .bind(&tokens.access.blob)
        .bind(&tokens.access.key_id)
        .bind(tokens.access_expires_at)
        .bind(&tokens.refresh.blob)
        .bind(&tokens.refresh.key_id)
        .bind(tokens.refresh_expires_at)
        .bind(id)
        .bind(version)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_grant(&self, id: &str, now: i64) -> Result<Vec<String>, DbError> {
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(
            "UPDATE business_connections SET status = 'revoked', generation = generation + 1, \
               revoked_at = $1, sync_lease_token = NULL, sync_lease_until = NULL \
             WHERE grant_id = $2 AND status <> 'revoked' RETURNING wallet",
        )
        .bind(now)
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE tiktok_grants SET access_token = NULL, access_key_id = NULL, refresh_token = NULL, \
               refresh_key_id = NULL, token_version = token_version + 1 WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut wallets: Vec<String> = rows
            .iter()
            .map(|r| r.try_get("wallet"))
            .collect::<Result<_, _>>()?;
        wallets.sort();
        wallets.dedup();
        Ok(wallets)
    }

    async fn sealed_grants(&self) -> Result<Vec<(String, i64, SealedTokens)>, DbError> {
        let rows = sqlx::query(&format!("{SELECT} WHERE refresh_token IS NOT NULL"))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            if let Some(tokens) = tokens_of(r)? {
                out.push((r.try_get("id")?, r.try_get("token_version")?, tokens));
            }
        }
        Ok(out)
    }
}
