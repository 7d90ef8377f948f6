//! A run's access token, from its grant: opened from the vault, refreshed when less than the
//! margin remains and once when TikTok says it is invalid or expired. Refreshes of one grant
//! are serialised across instances (a lock on the grant's row) and store the rotated tokens
//! only over the token version they read; a refusal first looks whether a sibling already
//! refreshed. Only TikTok's explicit refusal of the refresh token means "reconnect".

use std::sync::Mutex;
use std::time::Duration;

use super::{SyncEngine, SyncError};
use crate::db::Grant;
use crate::tiktok::{AccessToken, ErrorKind, RefreshToken};
use crate::vault::TokenKind;

/// How long one instance may hold a grant's refresh lock (well beyond a token call's timeout).
const LOCK_SECS: i64 = 60;
/// How long a run waits for a sibling's refresh before it gives up (and retries later).
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// A run's token.
pub(super) struct Tokens {
    grant_id: String,
    current: Mutex<(AccessToken, i64)>,
    gate: tokio::sync::Mutex<()>,
}

fn open_access(engine: &SyncEngine, grant: &Grant) -> Result<(AccessToken, i64), SyncError> {
    let tokens = grant.tokens.as_ref().ok_or(SyncError::NeedsReconnect)?;
    let access: AccessToken = engine
        .vault
        .open(&grant.id, TokenKind::Access, &tokens.access)?;
    Ok((access, grant.token_version))
}

impl Tokens {
    /// The grant's current access token, refreshed first when it expires within the margin.
    pub(super) async fn open(engine: &SyncEngine, grant: &Grant) -> Result<Tokens, SyncError> {
        let tokens = Tokens {
            grant_id: grant.id.clone(),
            current: Mutex::new(open_access(engine, grant)?),
            gate: tokio::sync::Mutex::new(()),
        };
        let expires = grant.tokens.as_ref().map_or(0, |t| t.access_expires_at);
        let margin = engine.settings.refresh_margin.as_secs() as i64;
        if expires - engine.clock.now() <= margin {
            tracing::info!(grant.id = %grant.id, "the access token expires within the margin; refreshing it");
            let fresh = refresh(engine, &grant.id, grant.token_version).await?;
            tokens.set(fresh);
        }
        Ok(tokens)
    }

    /// The token to send now.
    pub(super) fn current(&self) -> AccessToken {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .clone()
    }

    fn set(&self, token: (AccessToken, i64)) {
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = token;
    }

    /// TikTok refused `stale`: refresh once (whichever slice noticed first), unless the token
    /// already changed since.
    pub(super) async fn refresh_after(
        &self,
        engine: &SyncEngine,
        stale: &AccessToken,
    ) -> Result<(), SyncError> {
        let _one_at_a_time = self.gate.lock().await;
        let (current, version) = self
            .current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if &current != stale {
            return Ok(());
        }
        tracing::info!(grant.id = %self.grant_id, "TikTok Shop refused the access token; refreshing it once");
        let fresh = refresh(engine, &self.grant_id, version).await?;
        self.set(fresh);
        Ok(())
    }
}

/// Refreshes the grant's tokens if they are still at `version`; returns the access token to use
/// and its version (a sibling's when it refreshed meanwhile).
pub(super) async fn refresh(
    engine: &SyncEngine,
    grant_id: &str,
    version: i64,
) -> Result<(AccessToken, i64), SyncError> {
    // One owner per refresh, not per instance: two runs of this instance (two shops of one
    // grant) must not both hold the lock.
    let owner = format!(
        "{}:refresh-{}",
        engine.owner,
        hex::encode(rand::random::<[u8; 6]>())
    );
    let deadline = tokio::time::Instant::now() + LOCK_WAIT;
    loop {
        let now = engine.clock.now();
        if engine
            .db
            .lock_refresh(grant_id, &owner, now, now + LOCK_SECS)
            .await?
        {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(SyncError::Busy(format!("grant {grant_id} refresh")));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let result = refresh_locked(engine, grant_id, version).await;
    if let Err(e) = engine.db.unlock_refresh(grant_id, &owner).await {
        // The lock lapses by itself.
        tracing::warn!(grant.id = %grant_id, error = %e, "cannot release a refresh lock");
    }
    result
}

async fn load(engine: &SyncEngine, grant_id: &str) -> Result<Grant, SyncError> {
    engine
        .db
        .load_grant(grant_id)
        .await?
        .ok_or(SyncError::NeedsReconnect)
}

async fn refresh_locked(
    engine: &SyncEngine,
    grant_id: &str,
    version: i64,
) -> Result<(AccessToken, i64), SyncError> {
    let grant = load(engine, grant_id).await?;
    if grant.token_version != version {
        // A sibling (another shop of the grant, or another instance) refreshed meanwhile.
        return open_access(engine, &grant);
    }
    let sealed = grant.tokens.as_ref().ok_or(SyncError::NeedsReconnect)?;
    let refresh_token: RefreshToken =
        engine
            .vault
            .open(grant_id, TokenKind::Refresh, &sealed.refresh)?;
    let (db, vault, client) = (
        engine.db.clone(),
        engine.vault.clone(),
        engine.client.clone(),
    );
    let id = grant_id.to_string();
    // TikTok may retire the old refresh token as soon as it answers, so the exchange and the
    // write of the rotated tokens run as one task: cancelling the run (a lost lease, shutdown)
    // cannot drop the new tokens between the two.
    let exchange = tokio::spawn(async move {
        let grant = match client.refresh_token(&refresh_token).await {
            Ok(grant) => grant,
            Err(e) if e.kind() == ErrorKind::RefreshRefused => {
                tracing::warn!(grant.id = %id, error = %e, "TikTok Shop refused the refresh token");
                return Err(SyncError::RefreshRefused);
            }
            Err(e) => {
                tracing::error!(alert = "tiktok_refresh_failed", grant.id = %id, kind = ?e.kind(), error = %e, "a token refresh failed; the sync retries later (not a reason to reconnect)");
                return Err(SyncError::TikTok(e));
            }
        };
        let tokens = vault.seal_pair(
            &id,
            &grant.access_token,
            grant.access_token_expire_in,
            &grant.refresh_token,
            grant.refresh_token_expire_in,
        )?;
        let mut attempt = 0;
        loop {
            match db.store_refreshed(&id, version, &tokens).await {
                Ok(true) => return Ok((grant.access_token, version + 1)),
                Ok(false) => return Err(SyncError::Superseded(id)),
                Err(e) if attempt < 3 => {
                    attempt += 1;
                    tracing::warn!(grant.id = %id, error = %e, attempt, "storing refreshed tokens failed; retrying");
                    tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
                }
                Err(e) => return Err(SyncError::Db(e)),
            }
        }
    });
    match exchange.await {
        Ok(Ok(fresh)) => {
            tracing::info!(grant.id = %grant_id, "tokens refreshed and the rotated refresh token stored");
            Ok(fresh)
        }
        Ok(Err(SyncError::RefreshRefused)) => {
            // Refused: was it already used by a sibling that stored new tokens?
            let now = load(engine, grant_id).await?;
            if now.token_version != version {
                open_access(engine, &now)
            } else {
                Err(SyncError::NeedsReconnect)
            }
        }
        Ok(Err(e)) => Err(e),
        Err(e) => Err(SyncError::Superseded(format!(
            "{grant_id} (refresh task: {e})"
        ))),
    }
}
