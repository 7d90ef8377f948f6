//! The ports: what the app needs from the server, implemented in the `server` crate and
//! provided in context. Server functions call these and nothing else.

use async_trait::async_trait;
use tower_sessions::Session;

use crate::api::{
    AttesterInfo, ConnectOutcome, ConnectionView, CreatedShare, DashboardData, InsightsView,
    ScoreView, ShareRequest, ShareView, SharedReport, VerifyOutcome,
};
use crate::error::AppError;

/// The dashboard's data, read by the server before it renders the page (the kept render is
/// keyed by what it read, see the server's `page_cache`); the page's server function serves it
/// instead of reading again.
#[derive(Debug, Clone)]
pub struct PrefetchedDashboard(pub std::sync::Arc<DashboardData>);

/// The signed-in wallet (or none), read by the server before it renders the landing page (the
/// kept render is keyed by it, as the dashboard's is by its data); the page's server function
/// serves it instead of reading the session again.
#[derive(Debug, Clone)]
pub struct PrefetchedWallet(pub Option<String>);

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

/// Which kind of TikTok account a connection link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectAccount {
    /// A seller's shops (the seller authorization page of a market).
    Seller,
    /// A creator's affiliate account (the creator authorization page).
    Creator,
}

/// Which Partner Center a seller's shop belongs to: they have different authorization pages
/// and service ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShopMarket {
    /// Everywhere but the United States.
    Global,
    /// The United States.
    Us,
}

impl ShopMarket {
    /// The name in URLs (`global`, `us`).
    pub fn as_str(self) -> &'static str {
        match self {
            ShopMarket::Global => "global",
            ShopMarket::Us => "us",
        }
    }

    /// The market of a name.
    pub fn parse(text: &str) -> Option<ShopMarket> {
        match text {
            "global" => Some(ShopMarket::Global),
            "us" => Some(ShopMarket::Us),
            _ => None,
        }
    }
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
    /// Ends every session of the signed-in wallet; returns how many.
    async fn wallet_logout_everywhere(&self, session: &Session) -> Result<u64, AppError>;
    /// Everything the dashboard shows this browser, read once: the signed-in wallet, its
    /// connections, score, insights and shares, and an App Store install the browser holds.
    async fn dashboard(&self, session: &Session) -> Result<DashboardData, AppError>;
    /// The signed-in wallet, if any.
    async fn current_wallet(&self, session: &Session) -> Result<Option<String>, AppError>;
    /// The TikTok Shop authorize URL for the signed-in wallet (`wallet` must be it): the
    /// seller page of a market (the only one configured when `None`), or the creator page.
    async fn tiktok_auth_url(
        &self,
        session: &Session,
        wallet: &str,
        account: ConnectAccount,
        market: Option<ShopMarket>,
    ) -> Result<String, AppError>;
    /// Handles TikTok's redirect.
    async fn tiktok_callback(&self, session: &Session, params: CallbackParams) -> ConnectOutcome;
    /// Binds this browser's App Store install to the signed-in wallet.
    async fn claim_install(
        &self,
        session: &Session,
        wallet: &str,
    ) -> Result<ConnectOutcome, AppError>;
    /// The wallet's connections.
    async fn connections(&self, wallet: &str) -> Result<Vec<ConnectionView>, AppError>;
    /// The wallet's score over all connections.
    async fn score(&self, wallet: &str) -> Result<Option<ScoreView>, AppError>;
    /// The wallet's insights (products, affiliate network, seasonality, today).
    async fn insights(&self, wallet: &str) -> Result<Option<InsightsView>, AppError>;
    /// Disconnects one of the wallet's connections.
    async fn disconnect(&self, wallet: &str, id: &str) -> Result<(), AppError>;
    /// Shares the wallet's score with a lender: a link and a signed credential.
    async fn create_share(
        &self,
        wallet: &str,
        request: ShareRequest,
    ) -> Result<CreatedShare, AppError>;
    /// The wallet's shares, with their access log.
    async fn list_shares(&self, wallet: &str) -> Result<Vec<ShareView>, AppError>;
    /// Revokes one of the wallet's shares (and its credential).
    async fn revoke_share(&self, wallet: &str, id: &str) -> Result<(), AppError>;
    /// What a lender's link shows (`Gone` once revoked or expired).
    async fn shared_report(&self, token: &str) -> Result<SharedReport, AppError>;
    /// The attester and the EAS deployment.
    fn attester(&self) -> AttesterInfo;
    /// Verifies an attestation JSON (for `recipient`, when given).
    async fn verify_attestation(
        &self,
        attestation: &serde_json::Value,
        recipient: Option<&str>,
    ) -> VerifyOutcome;
}
