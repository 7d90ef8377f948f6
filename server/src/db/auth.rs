//! Single-use values: wallet sign-in nonces (capped per session), OAuth states (bound to a
//! session, a wallet, a market and an account kind) and grants held for a browser after an App
//! Store install. Each expires; the purge deletes them past their expiry.

use async_trait::async_trait;
use sqlx::Row;

use super::{
    from_json, to_json, DbError, HeldGrant, PendingGrant, PendingGrantInfo, SealedToken,
    SealedTokens, SqlDb,
};

/// What happened when a single-use value was redeemed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed<T> {
    /// Valid and now used up.
    Fresh(T),
    /// Never issued (or forged).
    Unknown,
    /// Issued and already used.
    Reused,
    /// Issued but past its expiry.
    Expired,
}

/// What an OAuth state was issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateBinding {
    /// The browser session.
    pub session_id: String,
    /// The signed-in wallet.
    pub wallet: String,
    /// `global` or `us`.
    pub market: String,
    /// `seller` or `creator`.
    pub account: String,
}

/// The single-use values.
#[async_trait]
pub trait AuthStore {
    /// Stores a sign-in nonce for a session; the session's oldest live nonces beyond `cap` are
    /// dropped, so a session can never hold more than `cap`.
    async fn create_wallet_nonce(
        &self,
        nonce: &str,
        session_id: &str,
        now: i64,
        expires_at: i64,
        cap: i64,
    ) -> Result<(), DbError>;
    /// Redeems a sign-in nonce for the session that asked for it.
    async fn redeem_wallet_nonce(
        &self,
        nonce: &str,
        session_id: &str,
        now: i64,
    ) -> Result<Redeemed<()>, DbError>;
    /// Stores an OAuth state (its hash) with what it was issued for.
    async fn create_oauth_state(
        &self,
        state_hash: &str,
        binding: &StateBinding,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError>;
    /// Redeems an OAuth state.
    async fn redeem_oauth_state(
        &self,
        state_hash: &str,
        now: i64,
    ) -> Result<Redeemed<StateBinding>, DbError>;
    /// Holds a grant for a browser session.
    async fn hold_grant(&self, grant: &PendingGrant, now: i64) -> Result<(), DbError>;
    /// Claims the held grant `id` for the session that holds it (single use, expiring).
    async fn claim_grant(
        &self,
        id: &str,
        session_id: &str,
        now: i64,
    ) -> Result<Redeemed<PendingGrant>, DbError>;
    /// The newest unexpired, unclaimed grant a session holds.
    async fn held_grant(&self, session_id: &str, now: i64) -> Result<Option<HeldGrant>, DbError>;
    /// Deletes nonces, states and held grants expired before `before`; returns how many.
    async fn purge_single_use(&self, before: i64) -> Result<u64, DbError>;
    /// Remembers that `wallet` signed in on a session.
    async fn remember_session(
        &self,
        wallet: &str,
        session_id: &str,
        now: i64,
    ) -> Result<(), DbError>;
    /// The sessions a wallet signed in on (and forgets them): "sign out everywhere".
    async fn take_wallet_sessions(&self, wallet: &str) -> Result<Vec<String>, DbError>;
    /// Forgets sign-ins older than `before` (their sessions have ended by then).
    async fn purge_wallet_sessions(&self, before: i64) -> Result<u64, DbError>;
}

fn redeemed_from(used_at: Option<Option<i64>>) -> Redeemed<()> {
    match used_at {
        None => Redeemed::Unknown,
        Some(Some(_)) => Redeemed::Reused,
        Some(None) => Redeemed::Expired,
    }
}

#[async_trait]
impl AuthStore for SqlDb {
    async fn create_wallet_nonce(
        &self,
        nonce: &str,
        session_id: &str,
        now: i64,
        expires_at: i64,
        cap: i64,
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO wallet_nonces (nonce, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(nonce)
        .bind(session_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM wallet_nonces WHERE session_id = $1 AND used_at IS NULL AND nonce NOT IN \
               (SELECT nonce FROM wallet_nonces WHERE session_id = $1 AND used_at IS NULL \
                ORDER BY created_at DESC, nonce DESC LIMIT $2)",
        )
        .bind(session_id)
        .bind(cap.max(1))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn redeem_wallet_nonce(
        &self,
        nonce: &str,
        session_id: &str,
        now: i64,
    ) -> Result<Redeemed<()>, DbError> {
        let used = sqlx::query(
            "UPDATE wallet_nonces SET used_at = $1 \
             WHERE nonce = $2 AND session_id = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(nonce)
        .bind(session_id)
        .execute(&self.pool)
        .await?;
        if used.rows_affected() == 1 {
            return Ok(Redeemed::Fresh(()));
        }
        let row =
            sqlx::query("SELECT used_at FROM wallet_nonces WHERE nonce = $1 AND session_id = $2")
                .bind(nonce)
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(redeemed_from(
            row.map(|r| r.try_get("used_at")).transpose()?,
        ))
    }

    async fn create_oauth_state(
        &self,
        state_hash: &str,
        b: &StateBinding,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO oauth_states (state_hash, session_id, wallet, market, account, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(state_hash)
        .bind(&b.session_id)
        .bind(&b.wallet)
        .bind(&b.market)
        .bind(&b.account)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn redeem_oauth_state(
        &self,
        state_hash: &str,
        now: i64,
    ) -> Result<Redeemed<StateBinding>, DbError> {
        let fresh = sqlx::query(
            "UPDATE oauth_states SET used_at = $1 \
             WHERE state_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING session_id, wallet, market, account",
        )
        .bind(now)
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(r) = fresh {
            return Ok(Redeemed::Fresh(StateBinding {
                session_id: r.try_get("session_id")?,
                wallet: r.try_get("wallet")?,
                market: r.try_get("market")?,
                account: r.try_get("account")?,
            }));
        }
        let row = sqlx::query("SELECT used_at FROM oauth_states WHERE state_hash = $1")
            .bind(state_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(
            match redeemed_from(row.map(|r| r.try_get("used_at")).transpose()?) {
                Redeemed::Reused => Redeemed::Reused,
                Redeemed::Expired => Redeemed::Expired,
                _ => Redeemed::Unknown,
            },
        )
    }

    async fn hold_grant(&self, g: &PendingGrant, now: i64) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO pending_grants (id, session_id, grant_info, access_token, access_key_id, \
               refresh_token, refresh_key_id, access_expires_at, refresh_expires_at, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&g.id)
        .bind(&g.session_id)
        .bind(to_json("grant_info", &g.info)?)
        .bind(&g.tokens.access.blob)
        .bind(&g.tokens.access.key_id)
        .bind(&g.tokens.refresh.blob)
        .bind(&g.tokens.refresh.key_id)
        .bind(g.tokens.access_expires_at)
        .bind(g.tokens.refresh_expires_at)
        .bind(now)
        .bind(g.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn claim_grant(
        &self,
        id: &str,
        session_id: &str,
        now: i64,
    ) -> Result<Redeemed<PendingGrant>, DbError> {
        let fresh = sqlx::query(
            "UPDATE pending_grants SET used_at = $1 \
             WHERE id = $2 AND session_id = $3 AND used_at IS NULL AND expires_at > $1 \
             RETURNING grant_info, access_token, access_key_id, refresh_token, refresh_key_id, \
               access_expires_at, refresh_expires_at, expires_at",
        )
        .bind(now)
        .bind(id)
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(r) = fresh {
            return Ok(Redeemed::Fresh(PendingGrant {
                id: id.to_string(),
                session_id: session_id.to_string(),
                info: from_json("grant_info", &r.try_get::<String, _>("grant_info")?)?,
                tokens: SealedTokens {
                    access: SealedToken {
                        key_id: r.try_get("access_key_id")?,
                        blob: r.try_get("access_token")?,
                    },
                    access_expires_at: r.try_get("access_expires_at")?,
                    refresh: SealedToken {
                        key_id: r.try_get("refresh_key_id")?,
                        blob: r.try_get("refresh_token")?,
                    },
                    refresh_expires_at: r.try_get("refresh_expires_at")?,
                },
                expires_at: r.try_get("expires_at")?,
            }));
        }
        // Another browser's grant is unknown to this one.
        let row =
            sqlx::query("SELECT used_at FROM pending_grants WHERE id = $1 AND session_id = $2")
                .bind(id)
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(
            match redeemed_from(row.map(|r| r.try_get("used_at")).transpose()?) {
                Redeemed::Reused => Redeemed::Reused,
                Redeemed::Expired => Redeemed::Expired,
                _ => Redeemed::Unknown,
            },
        )
    }

    async fn held_grant(&self, session_id: &str, now: i64) -> Result<Option<HeldGrant>, DbError> {
        let row = sqlx::query(
            "SELECT id, grant_info, expires_at FROM pending_grants \
             WHERE session_id = $1 AND used_at IS NULL AND expires_at > $2 \
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(session_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let info: PendingGrantInfo =
                from_json("grant_info", &r.try_get::<String, _>("grant_info")?)?;
            Ok(HeldGrant {
                id: r.try_get("id")?,
                seller_name: info.seller_name,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn remember_session(
        &self,
        wallet: &str,
        session_id: &str,
        now: i64,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO wallet_sessions (session_id, wallet, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (session_id) DO UPDATE SET wallet = excluded.wallet, created_at = excluded.created_at",
        )
        .bind(session_id)
        .bind(wallet)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_wallet_sessions(&self, wallet: &str) -> Result<Vec<String>, DbError> {
        let rows =
            sqlx::query("DELETE FROM wallet_sessions WHERE wallet = $1 RETURNING session_id")
                .bind(wallet)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| r.try_get("session_id").map_err(DbError::from))
            .collect()
    }

    async fn purge_wallet_sessions(&self, before: i64) -> Result<u64, DbError> {
        Ok(
            sqlx::query("DELETE FROM wallet_sessions WHERE created_at < $1")
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    async fn purge_single_use(&self, before: i64) -> Result<u64, DbError> {
        let mut gone = 0;
        for table in ["wallet_nonces", "oauth_states", "pending_grants"] {
            gone += sqlx::query(&format!("DELETE FROM {table} WHERE expires_at < $1"))
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(gone)
    }
}
