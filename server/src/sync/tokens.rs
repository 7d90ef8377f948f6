//! A run's access token: opened from the vault, refreshed before it expires (by the
//! configured margin) and once when TikTok answers 105002. A refresh stores the rotated
//! refresh token with the new access token in one statement; a refresh that fails for good
//! (105001, revoked, expired) means the seller must reconnect.

use std::sync::Mutex;

use super::{SyncEngine, SyncError};
use crate::config::Secret;
use crate::db::{now_unix, ConnectionRow};
use crate::tiktok::{AccessToken, RefreshToken};
use crate::vault::TokenKind;

pub(super) struct Tokens {
    connection_id: String,
    access: Mutex<AccessToken>,
    gate: tokio::sync::Mutex<()>,
}

impl Tokens {
    /// Opens the stored access token, refreshing it first when it expires within the margin.
    pub(super) async fn open(
        engine: &SyncEngine,
        row: &ConnectionRow,
    ) -> Result<Tokens, SyncError> {
        let sealed = row.access_token.as_ref().ok_or(SyncError::NeedsReconnect)?;
        let access = engine.vault.open(&row.id, TokenKind::Access, sealed)?;
        let tokens = Tokens {
            connection_id: row.id.clone(),
            access: Mutex::new(AccessToken::new(access.expose())),
            gate: tokio::sync::Mutex::new(()),
        };
        let margin = engine.settings.refresh_margin.as_secs() as i64;
        let expires = row.access_expires_at.unwrap_or(0);
        if expires - now_unix() <= margin {
            tracing::info!(connection.id = %row.id, "the access token expires within the margin; refreshing it");
            let fresh = refresh(engine, &row.id).await?;
            tokens.set(fresh);
        }
        Ok(tokens)
    }

    pub(super) fn current(&self) -> AccessToken {
        match self.access.lock() {
            Ok(token) => token.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set(&self, token: AccessToken) {
        match self.access.lock() {
            Ok(mut slot) => *slot = token,
            Err(poisoned) => *poisoned.into_inner() = token,
        }
    }

    /// Refreshes after `stale` was refused, unless another slice already did.
    pub(super) async fn refresh_after(
        &self,
        engine: &SyncEngine,
        stale: &AccessToken,
    ) -> Result<(), SyncError> {
        let _one_at_a_time = self.gate.lock().await;
        if &self.current() != stale {
            return Ok(());
        }
        tracing::info!(connection.id = %self.connection_id, "TikTok Shop says the access token expired; refreshing it once");
        let fresh = refresh(engine, &self.connection_id).await?;
        self.set(fresh);
        Ok(())
    }
}

/// Trades the stored refresh token for new tokens and stores both at once.
pub(super) async fn refresh(engine: &SyncEngine, id: &str) -> Result<AccessToken, SyncError> {
    let row = engine
        .db
        .load_connection(id)
        .await?
        .ok_or(SyncError::NeedsReconnect)?;
    let sealed = row
        .refresh_token
        .as_ref()
        .ok_or(SyncError::NeedsReconnect)?;
    let previous = sealed.clone();
    let refresh_token = engine.vault.open(id, TokenKind::Refresh, sealed)?;
    let (db, vault, client) = (
        engine.db.clone(),
        engine.vault.clone(),
        engine.client.clone(),
    );
    let connection_id = id.to_string();
    // TikTok retires the old refresh token as soon as it answers, so the exchange and the
    // write of the rotated token run as one task: cancelling the run (a lost lease, shutdown)
    // cannot drop the new token between the two.
    let exchange = tokio::spawn(async move {
        let id = connection_id.as_str();
        let grant = match client
            .refresh_token(&RefreshToken::new(refresh_token.expose()))
            .await
        {
            Ok(grant) => grant,
            // An answer with an error code is TikTok refusing this refresh token: for good.
            Err(e) if e.code().is_some() && !e.is_transient() => {
                tracing::warn!(connection.id = %id, kind = ?e.kind(), error = %e, "the token refresh was refused");
                return Err(SyncError::NeedsReconnect);
            }
            Err(e) => return Err(SyncError::TikTok(e)),
        };
        let access = vault.seal(
            id,
            TokenKind::Access,
            &Secret::new(grant.access_token.expose()),
        )?;
        let refresh = vault.seal(
            id,
            TokenKind::Refresh,
            &Secret::new(grant.refresh_token.expose()),
        )?;
        let mut attempt = 0;
        let saved = loop {
            match db
                .save_tokens(
                    id,
                    &previous,
                    &access,
                    grant.access_token_expire_in,
                    &refresh,
                    grant.refresh_token_expire_in,
                )
                .await
            {
                Ok(saved) => break saved,
                Err(e) if attempt < 3 => {
                    attempt += 1;
                    tracing::warn!(connection.id = %id, error = %e, attempt, "storing refreshed tokens failed; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
                }
                Err(e) => return Err(SyncError::Db(e)),
            }
        };
        if !saved {
            // Reconnected or revoked while refreshing: the newer state wins.
            return Err(SyncError::Superseded(id.to_string()));
        }
        Ok(grant)
    });
    let grant = exchange
        .await
        .map_err(|e| SyncError::Superseded(format!("{id} (refresh task: {e})")))??;
    tracing::info!(connection.id = %id, access_expires_at = grant.access_token_expire_in, "tokens refreshed and the rotated refresh token stored");
    Ok(grant.access_token)
}
