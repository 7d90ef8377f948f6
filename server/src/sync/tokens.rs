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

/// Trades the stored refresh token for new tokens and stores both at once, for this
/// connection and for the others of the same authorization (the shops of one grant share its
/// refresh token, which TikTok retires at its first use).
pub(super) async fn refresh(engine: &SyncEngine, id: &str) -> Result<AccessToken, SyncError> {
    let load = || async {
        engine
            .db
            .load_connection(id)
            .await?
            .ok_or(SyncError::NeedsReconnect)
    };
    let before = load().await?;
    let lock = engine.authorization_lock(&before.wallet, &before.open_id);
    let _one_at_a_time = lock.lock().await;
    let row = load().await?;
    let sealed = row
        .refresh_token
        .as_ref()
        .ok_or(SyncError::NeedsReconnect)?;
    if before.refresh_token.as_ref().map(|t| &t.blob) != Some(&sealed.blob) {
        // Another connection of the authorization refreshed it while this one waited.
        let access = row.access_token.as_ref().ok_or(SyncError::NeedsReconnect)?;
        let access = engine.vault.open(id, TokenKind::Access, access)?;
        return Ok(AccessToken::new(access.expose()));
    }
    let previous = sealed.clone();
    let refresh_token = engine.vault.open(id, TokenKind::Refresh, sealed)?;
    let wallet = row.wallet.clone();
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
        share_with_siblings(&db, &vault, id, &wallet, refresh_token.expose(), &grant).await;
        Ok(grant)
    });
    let grant = exchange
        .await
        .map_err(|e| SyncError::Superseded(format!("{id} (refresh task: {e})")))??;
    tracing::info!(connection.id = %id, access_expires_at = grant.access_token_expire_in, "tokens refreshed and the rotated refresh token stored");
    Ok(grant.access_token)
}

/// Stores a refreshed grant on the other active connections that held the same (now retired)
/// refresh token. A failure is logged: that connection then asks its seller to reconnect.
async fn share_with_siblings(
    db: &std::sync::Arc<dyn crate::db::Database>,
    vault: &crate::vault::TokenVault,
    id: &str,
    wallet: &str,
    retired: &str,
    grant: &crate::tiktok::TokenGrant,
) {
    let rows = match db.list_connections(wallet).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(connection.id = %id, error = %e, "cannot share refreshed tokens with the other connections of the authorization");
            return;
        }
    };
    for sibling in rows.iter().filter(|c| c.id != id && c.status == "active") {
        let Some(previous) = sibling.refresh_token.as_ref() else {
            continue;
        };
        let shared = vault
            .open(&sibling.id, TokenKind::Refresh, previous)
            .is_ok_and(|t| t.expose() == retired);
        if !shared {
            continue;
        }
        let sealed = vault
            .seal(
                &sibling.id,
                TokenKind::Access,
                &Secret::new(grant.access_token.expose()),
            )
            .and_then(|access| {
                let refresh = vault.seal(
                    &sibling.id,
                    TokenKind::Refresh,
                    &Secret::new(grant.refresh_token.expose()),
                )?;
                Ok((access, refresh))
            });
        let result = match sealed {
            Ok((access, refresh)) => db
                .save_tokens(
                    &sibling.id,
                    previous,
                    &access,
                    grant.access_token_expire_in,
                    &refresh,
                    grant.refresh_token_expire_in,
                )
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(_) => {
                tracing::info!(connection.id = %sibling.id, from = %id, "stored the authorization's refreshed tokens")
            }
            Err(e) => {
                tracing::warn!(connection.id = %sibling.id, error = %e, "cannot store the authorization's refreshed tokens")
            }
        }
    }
}
