//! The server's implementation of the app's ports: wallet sign-in, the TikTok Shop connect
//! flow, and the views of connections and scores.

pub mod connect;
pub mod views;
pub mod wallet;

use std::sync::Arc;

use app::api::{ConnectionView, ScoreView};
use app::error::AppError;
use app::ports::{CallbackParams, Services};
use async_trait::async_trait;
use shopscore::income::IncomeReport;
use shopscore::score::ScoreReport;
use tower_sessions::Session;

use crate::db::{now_unix, Database};
use connect::ConnectService;
use wallet::WalletAuth;

/// Everything the server functions reach.
pub struct AppServices {
    db: Arc<dyn Database>,
    wallet: WalletAuth,
    connect: ConnectService,
}

impl AppServices {
    /// Wires the services.
    pub fn new(db: Arc<dyn Database>, wallet: WalletAuth, connect: ConnectService) -> Self {
        AppServices {
            db,
            wallet,
            connect,
        }
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

    async fn current_wallet(&self, session: &Session) -> Result<Option<String>, AppError> {
        self.wallet.current(session).await
    }

    async fn tiktok_auth_url(
        &self,
        session: &Session,
        wallet: &str,
        creator: bool,
    ) -> Result<String, AppError> {
        self.connect.auth_url(session, wallet, creator).await
    }

    async fn tiktok_callback(&self, session: &Session, params: CallbackParams) -> String {
        self.connect.callback(session, params).await
    }

    async fn connections(&self, wallet: &str) -> Result<Vec<ConnectionView>, AppError> {
        let rows = self.db.list_connections(wallet).await.map_err(db_error)?;
        Ok(rows.iter().map(views::connection_view).collect())
    }

    async fn score(&self, wallet: &str) -> Result<Option<ScoreView>, AppError> {
        let Some(row) = self.db.load_wallet_score(wallet).await.map_err(db_error)? else {
            return Ok(None);
        };
        let income: IncomeReport = serde_json::from_str(&row.income).map_err(|e| {
            tracing::error!(error = %e, "a stored income report is unreadable");
            AppError::Internal
        })?;
        let score: ScoreReport = serde_json::from_str(&row.score).map_err(|e| {
            tracing::error!(error = %e, "a stored score is unreadable");
            AppError::Internal
        })?;
        Ok(Some(views::score_view(&income, &score, row.computed_at)))
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
        let _ = self
            .db
            .record_event(
                "tiktok_disconnected",
                Some(wallet),
                &format!("connection {id}; tokens deleted"),
            )
            .await;
        // The disconnect itself is done; a failed recompute only leaves the stored score stale
        // until the next sync, so it is logged rather than reported as a failed disconnect.
        if let Err(e) = self.connect.recompute_wallet(wallet, now_unix()).await {
            tracing::error!(error = ?e, wallet = %wallet, "recomputing the score after a disconnect failed");
        }
        Ok(())
    }
}
