//! The database: one trait, a SQLite and a PostgreSQL implementation chosen by the URL scheme,
//! migrations per backend, and the session store living in the same database.

mod postgres;
mod sessions;
mod sqlite;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

pub use self::postgres::PostgresDb;
pub use self::sessions::AnySessionStore;
pub use self::sqlite::SqliteDb;
use crate::config::DatabaseUrl;

/// How long to wait for a connection before calling the database unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A database failure. Callers decide what the user sees; the cause is logged where handled.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Could not connect or reach the server.
    #[error("cannot reach the database: {0}")]
    Unreachable(String),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// A query failed.
    #[error("query failed: {0}")]
    Query(#[from] sqlx::Error),
}

/// Which backend is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL, for production and several instances.
    Postgres,
}

/// Everything the server stores. One implementation per backend.
#[async_trait]
pub trait Database: Send + Sync + 'static {
    /// Which backend this is.
    fn backend(&self) -> Backend;
    /// Applies the migrations of `migrations/<backend>` and the session table.
    async fn migrate(&self) -> Result<(), DbError>;
    /// A cheap round trip, for `/readyz`.
    async fn ping(&self) -> Result<(), DbError>;
    /// The tower-sessions store backed by this database.
    fn session_store(&self) -> AnySessionStore;
    /// Records an audit event (who did what, never a secret).
    async fn record_event(
        &self,
        kind: &str,
        wallet: Option<&str>,
        detail: &str,
    ) -> Result<(), DbError>;
    /// The most recent audit events, newest first, as `(kind, wallet, detail)`.
    async fn recent_events(
        &self,
        limit: i64,
    ) -> Result<Vec<(String, Option<String>, String)>, DbError>;
}

/// Connects to the database named by the URL and returns it behind the trait.
pub async fn connect(url: &DatabaseUrl) -> Result<Arc<dyn Database>, DbError> {
    match url {
        DatabaseUrl::Sqlite(url) => Ok(Arc::new(SqliteDb::connect(url).await?)),
        DatabaseUrl::Postgres(url) => Ok(Arc::new(PostgresDb::connect(url).await?)),
    }
}

/// The current time in unix seconds.
pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
