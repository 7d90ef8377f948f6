//! The ports: what the app needs from the server, implemented in the `server` crate and
//! provided in context. Server functions call these and nothing else.

use async_trait::async_trait;
use tower_sessions::Session;

use crate::api::{ConnectionView, ScoreView};
use crate::error::AppError;

/// The query of TikTok's redirect back to us.
#[derive(Debug, Clone, Default)]
pub struct CallbackParams {
    /// The authorization code (`code`, some docs say `auth_code`).
    pub code: Option<String>,
    /// The state we sent.
    pub state: Option<String>,
    /// Set when the user denied consent.
    pub error: Option<String>,
}

/// Everything the server functions need from the server.
#[async_trait]
pub trait Services: Send + Sync + 'static {
    /// Issues a sign-in nonce bound to the session.
    async fn wallet_nonce(&self, session: &Session) -> Result<String, AppError>;
    /// Verifies a signed EIP-4361 message and signs the wallet in; returns the address.
    async fn wallet_verify(
        &self,
        session: &Session,
        message: &str,
        signature: &str,
    ) -> Result<String, AppError>;
    /// Ends the wallet session.
    async fn wallet_logout(&self, session: &Session) -> Result<(), AppError>;
    /// The signed-in wallet, if any.
    async fn current_wallet(&self, session: &Session) -> Result<Option<String>, AppError>;
    /// The TikTok Shop authorize URL for the signed-in wallet (`wallet` must be it): the
    /// seller page, or with `creator` the creator page.
    async fn tiktok_auth_url(
        &self,
        session: &Session,
        wallet: &str,
        creator: bool,
    ) -> Result<String, AppError>;
    /// Handles TikTok's redirect; returns where to send the browser.
    async fn tiktok_callback(&self, session: &Session, params: CallbackParams) -> String;
    /// The wallet's connections.
    async fn connections(&self, wallet: &str) -> Result<Vec<ConnectionView>, AppError>;
    /// The wallet's score over all connections.
    async fn score(&self, wallet: &str) -> Result<Option<ScoreView>, AppError>;
    /// Disconnects one of the wallet's connections.
    async fn disconnect(&self, wallet: &str, id: &str) -> Result<(), AppError>;
}
