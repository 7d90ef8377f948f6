//! The server's implementation of the app's ports: wallet sign-in, the TikTok Shop connect
//! flow, scoring, and the views of connections and scores.

pub mod accounts;
pub mod connect;
pub mod scoring;
pub mod shares;
pub mod views;
pub mod wallet;

use std::sync::Arc;

use app::api::{
    AttesterInfo, ConnectOutcome, ConnectionView, CreatedShare, DashboardData, InsightsView,
    ScoreView, ShareRequest, ShareView, SharedReport, VerifyOutcome,
};
use app::error::AppError;
use app::ports::{CallbackParams, ConnectAccount, Services, ShopMarket};
use async_trait::async_trait;
use tower_sessions::Session;

use crate::clock::Clock;
use crate::db::{Database, WalletScore};
use connect::ConnectService;
use scoring::Scorer;
use shares::ShareService;
use wallet::WalletAuth;

/// Everything the server functions reach.
pub struct AppServices {
    db: Arc<dyn Database>,
    wallet: WalletAuth,
    connect: ConnectService,
    scorer: Arc<Scorer>,
    shares: ShareService,
    clock: Clock,
}

impl AppServices {
    /// Wires the services.
    pub fn new(
        db: Arc<dyn Database>,
        wallet: WalletAuth,
        connect: ConnectService,
        scorer: Arc<Scorer>,
        shares: ShareService,
        clock: Clock,
    ) -> Self {
        AppServices {
            db,
            wallet,
            connect,
            scorer,
            shares,
            clock,
        }
    }
}

/// The dashboard's data as read, the score still as its kept text: a view whose render is kept
/// (see `page_cache`) is found by it and served without parsing the score.
pub struct DashboardRead {
    /// Everything but the score and insights (`None` here).
    pub data: DashboardData,
    /// The wallet's score, as kept.
    pub score: Option<WalletScore>,
}

impl DashboardRead {
    /// The data, the score and insights read from their text.
    pub fn into_data(self) -> Result<DashboardData, AppError> {
        let DashboardRead { mut data, score } = self;
        (data.score, data.insights) = match score {
            Some(score) => (
                Some(score.view().map_err(db_error)?),
                score.insights().map_err(db_error)?,
            ),
            None => (None, None),
        };
        Ok(data)
    }
}

impl AppServices {
    /// Reads the dashboard's data: the session once, a query per table.
    pub async fn read_dashboard(&self, session: &Session) -> Result<DashboardRead, AppError> {
        let pending_install = self.connect.pending_install(session).await?;
        let Some(wallet) = self.wallet.current(session).await? else {
            return Ok(DashboardRead {
                data: DashboardData {
                    pending_install,
                    ..Default::default()
                },
                score: None,
            });
        };
        let (connections, score, shares) = tokio::try_join!(
            self.connections(&wallet),
            async { self.db.load_wallet_score(&wallet).await.map_err(db_error) },
            self.shares.list(&wallet),
        )?;
        Ok(DashboardRead {
            data: DashboardData {
                wallet: Some(wallet),
                connections,
                score: None,
                pending_install,
                insights: None,
                shares,
            },
            score,
        })
    }
}

fn db_error(error: crate::db::DbError) -> AppError {
    tracing::error!(error = %error, "database error");
    AppError::Internal
}

#[async_trait]
impl Services for AppServices {
    async fn wallet_nonce(&self, session: &Session) -> Result<String, AppError> {
        self.wallet.issue_nonce(session).await
    }

    async fn wallet_verify(
        &self,
        session: &Session,
        message: &str,
        signature: &str,
    ) -> Result<String, AppError> {
        self.wallet.verify(session, message, signature).await
    }

    async fn wallet_logout(&self, session: &Session) -> Result<(), AppError> {
        self.wallet.logout(session).await
    }

    async fn wallet_logout_everywhere(&self, session: &Session) -> Result<u64, AppError> {
        self.wallet.logout_everywhere(session).await
    }

    async fn current_wallet(&self, session: &Session) -> Result<Option<String>, AppError> {
        self.wallet.current(session).await
    }

    async fn tiktok_auth_url(
        &self,
        session: &Session,
        wallet: &str,
        account: ConnectAccount,
        market: Option<ShopMarket>,
    ) -> Result<String, AppError> {
        self.connect
            .auth_url(session, wallet, account, market)
            .await
    }

    async fn tiktok_callback(&self, session: &Session, params: CallbackParams) -> ConnectOutcome {
        self.connect.callback(session, params).await
    }

    async fn claim_install(
        &self,
        session: &Session,
        wallet: &str,
    ) -> Result<ConnectOutcome, AppError> {
        self.connect.claim_install(session, wallet).await
    }

    async fn connections(&self, wallet: &str) -> Result<Vec<ConnectionView>, AppError> {
        let connections = self
            .db
            .list_connections_with_scopes(wallet)
            .await
            .map_err(db_error)?;
        let now = self.clock.now();
        Ok(connections
            .iter()
            .map(|(c, scopes)| views::connection_view(c, scopes, now))
            .collect())
    }

    async fn dashboard(&self, session: &Session) -> Result<DashboardData, AppError> {
        self.read_dashboard(session).await?.into_data()
    }

    async fn score(&self, wallet: &str) -> Result<Option<ScoreView>, AppError> {
        Ok(self
            .db
            .load_wallet_score(wallet)
            .await
            .map_err(db_error)?
            .map(|s| s.view())
            .transpose()
            .map_err(db_error)?)
    }

    async fn insights(&self, wallet: &str) -> Result<Option<InsightsView>, AppError> {
        Ok(self
            .db
            .load_wallet_score(wallet)
            .await
            .map_err(db_error)?
            .map(|s| s.insights())
            .transpose()
            .map_err(db_error)?
            .flatten())
    }

    async fn disconnect(&self, wallet: &str, id: &str) -> Result<(), AppError> {
        if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(AppError::BadRequest(
                "The connection id is malformed.".into(),
            ));
        }
        if !self
            .db
            .delete_connection(wallet, id)
            .await
            .map_err(db_error)?
        {
            return Err(AppError::NotFound);
        }
        if let Err(e) = self
            .db
            .record_event(
                "tiktok_disconnected",
                Some(wallet),
                &format!("connection {id}; tokens deleted"),
                self.clock.now(),
            )
            .await
        {
            tracing::warn!(error = %e, "cannot record an audit event");
        }
        // The disconnect itself is done; a failed rescore leaves the stored score stale until
        // the next change, so it is logged rather than reported as a failed disconnect.
        if let Err(e) = self.scorer.rescore(wallet).await {
            tracing::error!(error = %e, wallet = %wallet, "rescoring after a disconnect failed");
        }
        Ok(())
    }

    async fn create_share(
        &self,
        wallet: &str,
        request: ShareRequest,
    ) -> Result<CreatedShare, AppError> {
        self.shares.create(wallet, request).await
    }

    async fn list_shares(&self, wallet: &str) -> Result<Vec<ShareView>, AppError> {
        self.shares.list(wallet).await
    }

    async fn revoke_share(&self, wallet: &str, id: &str) -> Result<(), AppError> {
        self.shares.revoke(wallet, id).await
    }

    async fn shared_report(&self, token: &str) -> Result<SharedReport, AppError> {
        self.shares.open(token).await
    }

    fn attester(&self) -> AttesterInfo {
        self.shares.attester()
    }

    async fn verify_attestation(
        &self,
        attestation: &serde_json::Value,
        recipient: Option<&str>,
    ) -> VerifyOutcome {
        self.shares.verify(attestation, recipient).await
    }
}
