//! Sign-In with Ethereum (EIP-4361): nonces bound to the session, strict checks of the message,
//! signer recovery with the `siwe` crate (k256), and the wallet bound to a fresh session id.

use std::sync::Arc;

use app::error::AppError;
use app::siwe::CHAIN_ID;
use rand::distributions::{Alphanumeric, DistString};
use tower_sessions::Session;

use crate::clock::Clock;
use crate::db::{Database, Redeemed};

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionLifetimes {
    /// A signed-in session unused this long ends.
    pub idle: std::time::Duration,
    /// A signed-in session ends this long after sign-in, used or not.
    pub max: std::time::Duration,
    /// A session without a wallet lasts this long.
    pub anonymous: std::time::Duration,
}

/// Session key holding when the wallet signed in (unix seconds).
const SIGNED_IN_AT: &str = "signed_in_at";

fn expiry(d: std::time::Duration) -> tower_sessions::Expiry {
    tower_sessions::Expiry::OnInactivity(time::Duration::seconds(d.as_secs() as i64))
}

/// Session key holding the signed-in wallet (EIP-55 checksummed).
pub const WALLET_KEY: &str = "wallet";
/// How long a nonce may wait for its signature.
pub const NONCE_TTL_SECS: i64 = 600;
/// Live nonces one session may hold (older ones are dropped): a script asking for nonces in
/// a loop cannot fill the table.
pub const NONCES_PER_SESSION: i64 = 5;
/// How far in the past an `Issued At` may be.
const MAX_MESSAGE_AGE_SECS: i64 = 600;
/// Clock skew tolerated for an `Issued At` in the future.
const MAX_FUTURE_SKEW_SECS: i64 = 60;
/// Longest message accepted.
const MAX_MESSAGE_BYTES: usize = 4096;

/// Wallet sign-in for one site (`domain` and `origin` come from `APP_URL`).
pub struct WalletAuth {
    db: Arc<dyn Database>,
    clock: Clock,
    sessions: crate::db::AnySessionStore,
    lifetimes: SessionLifetimes,
    domain: String,
    origin: String,
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

fn internal(context: &str, error: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %error, "{context}");
    AppError::Internal
}

/// Session key of this browser's own random key (kept across sign-ins, which renew the
/// session id): what an App Store install held for the browser is bound to.
pub const BROWSER_KEY: &str = "browser";

/// This browser's key, created on first use.
pub async fn browser_key(session: &Session) -> Result<String, AppError> {
    if let Some(key) = session
        .get::<String>(BROWSER_KEY)
        .await
        .map_err(|e| internal("cannot read the session", e))?
    {
        return Ok(key);
    }
    let key = Alphanumeric.sample_string(&mut rand::rngs::OsRng, 32);
    session
        .insert(BROWSER_KEY, &key)
        .await
        .map_err(|e| internal("cannot write the session", e))?;
    Ok(key)
}

/// This browser's key, if it has one.
pub async fn existing_browser_key(session: &Session) -> Option<String> {
    session.get::<String>(BROWSER_KEY).await.ok().flatten()
}

/// The id of the session, saving it first if it is new.
pub async fn session_id(session: &Session) -> Result<String, AppError> {
    if session.id().is_none() {
        session
            .save()
            .await
            .map_err(|e| internal("cannot save the session", e))?;
    }
    session
        .id()
        .map(|id| id.to_string())
        .ok_or(AppError::Internal)
}

impl WalletAuth {
    /// Sign-in for the site at `app_url`.
    pub fn new(
        db: Arc<dyn Database>,
        app_url: &url::Url,
        clock: Clock,
        lifetimes: SessionLifetimes,
    ) -> Self {
        let sessions = db.session_store();
        let domain = match (app_url.host_str(), app_url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            _ => String::new(),
        };
        let origin = app_url.origin().ascii_serialization();
        WalletAuth {
            db,
            clock,
            sessions,
            lifetimes,
            domain,
            origin,
        }
    }

    /// Issues a nonce for this session: random, single use, expires in ten minutes.
    pub async fn issue_nonce(&self, session: &Session) -> Result<String, AppError> {
        // A session must exist to bind the nonce to; mark it so it is saved. Until a wallet
        // signs in it lives only minutes.
        session
            .insert("siwe", true)
            .await
            .map_err(|e| internal("cannot write the session", e))?;
        if self.current(session).await?.is_none() {
            session.set_expiry(Some(expiry(self.lifetimes.anonymous)));
        }
        let sid = session_id(session).await?;
        let nonce = Alphanumeric.sample_string(&mut rand::rngs::OsRng, 24);
        let now = self.clock.now();
        self.db
            .create_wallet_nonce(&nonce, &sid, now, now + NONCE_TTL_SECS, NONCES_PER_SESSION)
            .await
            .map_err(|e| internal("cannot store a sign-in nonce", e))?;
        Ok(nonce)
    }

    /// Verifies a signed EIP-4361 message and signs the wallet in on a new session id.
    pub async fn verify(
        &self,
        session: &Session,
        message: &str,
        signature: &str,
    ) -> Result<String, AppError> {
        let address = self
            .check(session, message, signature, self.clock.now())
            .await?;
        session
            .cycle_id()
            .await
            .map_err(|e| internal("cannot renew the session id", e))?;
        session
            .insert(WALLET_KEY, &address)
            .await
            .map_err(|e| internal("cannot write the session", e))?;
        let now = self.clock.now();
        session
            .insert(SIGNED_IN_AT, now)
            .await
            .map_err(|e| internal("cannot write the session", e))?;
        session.set_expiry(Some(expiry(self.lifetimes.idle)));
        let sid = session_id(session).await?;
        self.db
            .remember_session(&address, &sid, now)
            .await
            .map_err(|e| internal("cannot remember a session", e))?;
        if let Err(e) = self
            .db
            .record_event("wallet_sign_in", Some(&address), "", self.clock.now())
            .await
        {
            tracing::warn!(error = %e, "could not record the sign-in audit event");
        }
        tracing::info!(wallet = %address, "wallet signed in");
        Ok(address)
    }

    /// Every check of a sign-in, in order; returns the checksummed address.
    async fn check(
        &self,
        session: &Session,
        message: &str,
        signature: &str,
        now: i64,
    ) -> Result<String, AppError> {
        let parsed = check_message(message, &self.domain, &self.origin, now)?;
        let signature = parse_signature(signature)?;

        // The nonce is spent by this attempt whatever the outcome, so it can never be replayed.
        let sid = session.id().map(|id| id.to_string()).unwrap_or_default();
        match self
            .db
            .redeem_wallet_nonce(&parsed.nonce, &sid, now)
            .await
            .map_err(|e| internal("cannot redeem a sign-in nonce", e))?
        {
            Redeemed::Fresh(()) => {}
            Redeemed::Unknown => {
                return Err(bad(
                    "The sign-in nonce was not issued to this browser. Request a new one.",
                ))
            }
            Redeemed::Reused => {
                return Err(bad("This sign-in message was already used. Sign in again."))
            }
            Redeemed::Expired => return Err(bad("The sign-in nonce has expired. Sign in again.")),
        }

        let address = siwe::eip55(&parsed.address);
        parsed
            .verify_eip191(&signature)
            .map_err(|_| bad(format!("The signature was not made by {address}.")))?;
        Ok(address)
    }

    /// The signed-in wallet, while the session is within its absolute lifetime.
    pub async fn current(&self, session: &Session) -> Result<Option<String>, AppError> {
        let wallet = session
            .get::<String>(WALLET_KEY)
            .await
            .map_err(|e| internal("cannot read the session", e))?;
        if wallet.is_none() {
            return Ok(None);
        }
        let since = session
            .get::<i64>(SIGNED_IN_AT)
            .await
            .map_err(|e| internal("cannot read the session", e))?
            .unwrap_or(0);
        if self.clock.now() - since > self.lifetimes.max.as_secs() as i64 {
            session
                .flush()
                .await
                .map_err(|e| internal("cannot end the session", e))?;
            return Ok(None);
        }
        Ok(wallet)
    }

    /// Ends every session the wallet signed in on, this one included.
    pub async fn logout_everywhere(&self, session: &Session) -> Result<u64, AppError> {
        use tower_sessions::session_store::SessionStore;
        let wallet = self.current(session).await?.ok_or(AppError::Unauthorized)?;
        let ids = self
            .db
            .take_wallet_sessions(&wallet)
            .await
            .map_err(|e| internal("cannot list a wallet's sessions", e))?;
        let mut ended = 0;
        for id in &ids {
            if let Ok(id) = id.parse::<tower_sessions::session::Id>() {
                match self.sessions.delete(&id).await {
                    Ok(()) => ended += 1,
                    Err(e) => tracing::warn!(error = %e, "cannot end a session"),
                }
            }
        }
        session
            .flush()
            .await
            .map_err(|e| internal("cannot end the session", e))?;
        if let Err(e) = self
            .db
            .record_event(
                "wallet_sign_out_everywhere",
                Some(&wallet),
                &format!("{ended} sessions ended"),
                self.clock.now(),
            )
            .await
        {
            tracing::warn!(error = %e, "could not record the sign-out audit event");
        }
        Ok(ended)
    }

    /// Ends the session.
    pub async fn logout(&self, session: &Session) -> Result<(), AppError> {
        let wallet = self.current(session).await?;
        session
            .flush()
            .await
            .map_err(|e| internal("cannot end the session", e))?;
        if let Some(wallet) = wallet {
            if let Err(e) = self
                .db
                .record_event("wallet_sign_out", Some(&wallet), "", self.clock.now())
                .await
            {
                tracing::warn!(error = %e, "could not record the sign-out audit event");
            }
        }
        Ok(())
    }
}

/// A `personal_sign` signature: `0x` + 130 hex digits.
/// Every check of a sign-in message that needs neither the session nor the signature: its
/// size, the EIP-4361 grammar in its standard form, this site's domain and origin, the chain,
/// and its times at `now`. Pure: never panics, whatever the text.
pub fn check_message(
    message: &str,
    domain: &str,
    origin: &str,
    now: i64,
) -> Result<siwe::Message, AppError> {
    if message.len() > MAX_MESSAGE_BYTES {
        return Err(bad("The sign-in message is too long."));
    }
    let parsed: siwe::Message = message.parse().map_err(|e| {
        bad(format!(
            "The sign-in message is not a valid EIP-4361 message: {e}."
        ))
    })?;
    if parsed.to_string() != message.trim_end_matches(['\n', '\r']) {
        return Err(bad(
            "The sign-in message is not in the standard EIP-4361 format.",
        ));
    }
    if parsed.domain.as_str() != domain {
        return Err(bad(format!(
            "The sign-in message was made for {}, not for this site ({}).",
            parsed.domain, domain
        )));
    }
    let uri = parsed.uri.as_str();
    if uri != origin && !uri.starts_with(&format!("{}/", origin)) {
        return Err(bad(format!(
            "The sign-in message names another address ({uri})."
        )));
    }
    if parsed.chain_id != CHAIN_ID {
        return Err(bad(format!(
            "The sign-in message names chain {}; sign in on Ethereum mainnet (chain {CHAIN_ID}).",
            parsed.chain_id
        )));
    }
    let issued_at = parsed.issued_at.as_ref().unix_timestamp();
    if issued_at > now + MAX_FUTURE_SKEW_SECS {
        return Err(bad(
            "The sign-in message is dated in the future. Check your clock.",
        ));
    }
    if issued_at < now - MAX_MESSAGE_AGE_SECS {
        return Err(bad("The sign-in message has expired. Sign in again."));
    }
    if let Some(expiry) = &parsed.expiration_time {
        if expiry.as_ref().unix_timestamp() <= now {
            return Err(bad("The sign-in message has expired. Sign in again."));
        }
    }
    if let Some(not_before) = &parsed.not_before {
        if not_before.as_ref().unix_timestamp() > now {
            return Err(bad("The sign-in message is not valid yet."));
        }
    }
    Ok(parsed)
}

/// A 65-byte signature from `0x`-prefixed (or bare) hex.
pub fn parse_signature(text: &str) -> Result<[u8; 65], AppError> {
    let hex_text = text.trim().strip_prefix("0x").unwrap_or(text.trim());
    let bytes = hex::decode(hex_text).map_err(|_| bad("The signature is not hexadecimal."))?;
    bytes
        .try_into()
        .map_err(|_| bad("The signature must be 65 bytes (0x followed by 130 hex digits)."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_must_be_65_bytes_of_hex() {
        assert!(parse_signature(&format!("0x{}", "ab".repeat(65))).is_ok());
        assert!(parse_signature("0x1234").is_err());
        assert!(parse_signature("not hex").is_err());
    }
}
