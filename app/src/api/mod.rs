//! Server functions, one area per file: thin public endpoints that authenticate, call the
//! server's services (the [`crate::ports::Services`] port) and map errors. The types here are
//! the JSON that browsers and lenders' scripts read.

pub mod connections;
pub mod outcome;
pub mod shares;
pub mod site;
pub mod tiktokshop;
pub mod types;
pub mod wallet;

pub use connections::*;
pub use outcome::*;
pub use shares::*;
pub use site::*;
pub use tiktokshop::*;
pub use types::*;
pub use wallet::*;

/// Server-side helpers shared by the server functions.
#[cfg(feature = "ssr")]
pub(crate) mod server {
    use std::sync::Arc;

    use leptos::prelude::*;
    use tower_sessions::Session;

    use crate::error::AppError;
    use crate::ports::Services;

    /// The services the server provided in context.
    pub fn services() -> Result<Arc<dyn Services>, AppError> {
        use_context::<Arc<dyn Services>>().ok_or_else(|| {
            leptos::logging::error!("server function called without the services in context");
            AppError::Internal
        })
    }

    /// This request's session.
    pub async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>().await.map_err(|e| {
            leptos::logging::error!("no session on a server function request: {e}");
            AppError::Internal
        })
    }

    /// What the server read for this page render before rendering it (`PrefetchedDashboard`,
    /// `PrefetchedWallet`), if it did: the server function serves it instead of reading again.
    pub fn prefetched<T: Clone + Send + Sync + 'static>() -> Option<T> {
        use_context::<http::request::Parts>()?
            .extensions
            .get::<T>()
            .cloned()
    }

    /// The signed-in wallet, or `Unauthorized`.
    pub async fn require_wallet(session: &Session) -> Result<String, AppError> {
        services()?
            .current_wallet(session)
            .await?
            .ok_or(AppError::Unauthorized)
    }
}
