//! The database: one small store trait per table group, each with its SQL beside it, and
//! [`Database`] their sum. One implementation ([`SqlDb`]) runs the same SQL on SQLite and
//! PostgreSQL through sqlx's `Any` driver, branching only where the dialects differ (the claim
//! and the lock of a refresh); the backend is chosen by the URL's scheme; migrations per
//! backend; sessions in the same database.

mod audit;
mod auth;
mod connections;
mod grants;
mod jobs;
mod models;
mod records;
#[cfg(test)]
pub(crate) use records::decode as decode_record;
mod scores;
mod sessions;
mod shares;
mod webhooks;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use sqlx::Executor;

pub use audit::{AuditEvent, AuditStore};
pub use auth::{AuthStore, Redeemed, StateBinding};
pub use connections::{Connected, ConnectionStore, FirstRun, PLATFORM};
pub use grants::GrantStore;
pub use jobs::JobStore;
pub use models::*;
pub use records::RecordStore;
pub use scores::{NewScore, ScoreStore};
pub use sessions::AnySessionStore;
pub use shares::{NewShare, Share, ShareScope, ShareStore};
pub use webhooks::WebhookStore;

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
    /// A stored document could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The run no longer holds the connection's sync lease (another run took it, or a
    /// reconnect or revocation ended it).
    #[error("the sync lease of connection {0} is no longer held by this run")]
    LeaseLost(String),
    /// A TikTok account active on another wallet (the one-shop-one-wallet rule).
    #[error("the TikTok account {0} is already connected to another wallet")]
    AlreadyLinked(String),
    /// Tokens could not be sealed for storage.
    #[error("cannot seal tokens: {0}")]
    Seal(String),
}

/// Seals a grant's tokens once its id is known (the id is the ciphertexts' associated data).
pub type Sealer<'a> = &'a (dyn Fn(&str) -> Result<SealedTokens, String> + Send + Sync);

impl DbError {
    /// Whether the error is a unique-constraint violation (told by its kind, never its text).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Query(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// The SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite: one writer; a writing statement is atomic.
    Sqlite,
    /// PostgreSQL: row locks, `SKIP LOCKED`.
    Postgres,
}

/// Everything the server stores.
#[async_trait]
pub trait Database:
    ConnectionStore
    + GrantStore
    + JobStore
    + RecordStore
    + AuthStore
    + WebhookStore
    + AuditStore
    + ScoreStore
    + ShareStore
    + Send
    + Sync
    + 'static
{
    /// Applies the migrations of `migrations/<backend>` and the session table.
    async fn migrate(&self) -> Result<(), DbError>;
    /// A cheap round trip, for `/readyz`.
    async fn ping(&self) -> Result<(), DbError>;
    /// The tower-sessions store backed by this database.
    fn session_store(&self) -> AnySessionStore;
    /// Which dialect.
    fn backend(&self) -> Backend;
}

/// The SQL database: an `Any` pool for the stores, the session store beside it.
#[derive(Clone, Debug)]
pub struct SqlDb {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    sessions: AnySessionStore,
    /// This process's writers to SQLite, one at a time (see [`SqlDb::write_tx`]).
    writer: Arc<tokio::sync::Mutex<()>>,
}

/// The longest a write transaction waits at the SQLite writer gate.
const GATE_WAIT: Duration = Duration::from_secs(15);

/// A transaction that will write, holding this process's SQLite writer gate until it ends
/// (fields drop in order: the transaction, then the gate). Private to the store: code that held
/// one while calling another writing method would wait at the gate for itself.
struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// Commits, then lets the next writer in.
    async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Rolls back, then lets the next writer in.
    async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl SqlDb {
    /// A transaction that will write. On SQLite it takes the write lock at `BEGIN IMMEDIATE`:
    /// a deferred transaction that reads and then writes fails at once (`SQLITE_BUSY`, which
    /// the busy timeout cannot wait out) when another connection wrote in between.
    ///
    /// SQLite has one writer: a connection that finds the lock taken sleeps in SQLite's busy
    /// handler (1 ms, 2, 5, 10, … 100 ms between tries) while the lock may long be free, so
    /// this process's write transactions queue at an async gate first and reach SQLite one at
    /// a time. Single writing statements outside a transaction, the sessions' pool and other
    /// processes on the same file still wait in the busy handler. A transaction that cannot
    /// pass the gate within [`GATE_WAIT`] fails as a pool timeout.
    async fn write_tx(&self) -> Result<WriteTx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let gate = tokio::time::timeout(GATE_WAIT, self.writer.clone().lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?;
                Ok(WriteTx {
                    tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _gate: Some(gate),
                })
            }
            Backend::Postgres => Ok(WriteTx {
                tx: self.pool.begin().await?,
                _gate: None,
            }),
        }
    }
}

#[async_trait]
impl Database for SqlDb {
    async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("../migrations/postgres"),
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| DbError::Migration(e.to_string()))?;
        self.sessions
            .migrate()
            .await
            .map_err(|e| DbError::Migration(e.to_string()))
    }

    async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn session_store(&self) -> AnySessionStore {
        self.sessions.clone()
    }

    fn backend(&self) -> Backend {
        self.backend
    }
}

/// Connects to the database named by the URL and returns it behind the trait.
pub async fn connect(url: &DatabaseUrl) -> Result<Arc<dyn Database>, DbError> {
    sqlx::any::install_default_drivers();
    let unreachable = |e: sqlx::Error| DbError::Unreachable(e.to_string());
    match url {
        DatabaseUrl::Sqlite(text) => {
            use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
            let in_memory = text.contains(":memory:") || text.contains("mode=memory");
            let options = SqliteConnectOptions::from_str(text)
                .map_err(|e| DbError::Unreachable(format!("invalid SQLite URL: {e}")))?
                .create_if_missing(true)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            if in_memory {
                return Err(DbError::Unreachable(
                    "an in-memory SQLite database cannot be shared by the stores and the sessions; use a file".into(),
                ));
            }
            let path = options.get_filename().to_path_buf();
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    DbError::Unreachable(format!(
                        "cannot create the directory {}: {e}",
                        dir.display()
                    ))
                })?;
            }
            let options = options.journal_mode(SqliteJournalMode::Wal);
            // Neither pool tests a connection before lending it: a SQLite connection is a file
            // this process holds open, with nothing at the other end to have gone away, and the
            // test (sqlx's ping) is a round trip to the connection's worker thread, as costly
            // as the query itself.
            // The session store's own pool creates the file (and sets WAL) before the `Any`
            // pool opens it.
            let sessions_pool = SqlitePoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect_with(options)
                .await
                .map_err(unreachable)?;
            let pool = AnyPoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .acquire_timeout(CONNECT_TIMEOUT)
                .idle_timeout(Some(Duration::from_secs(600)))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // WAL with `synchronous = NORMAL` on the stores' pool (the sessions'
                        // pool keeps FULL): a commit no longer waits for an fsync. An OS crash
                        // or power cut (not a process crash) may lose the last commits, never
                        // the database's integrity: a lost sync page is fetched again from its
                        // checkpoint, but a lost token rotation means a reconnect and a lost
                        // revocation must be made again.
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                             PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect(&format!("sqlite://{}", path.display()))
                .await
                .map_err(unreachable)?;
            Ok(Arc::new(SqlDb {
                pool,
                backend: Backend::Sqlite,
                sessions: AnySessionStore::Sqlite(tower_sessions_sqlx_store::SqliteStore::new(
                    sessions_pool,
                )),
                writer: Arc::default(),
            }))
        }
        DatabaseUrl::Postgres(text) => {
            let sessions_pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect(text)
                .await
                .map_err(unreachable)?;
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(CONNECT_TIMEOUT)
                .idle_timeout(Some(Duration::from_secs(600)))
                .connect(text)
                .await
                .map_err(unreachable)?;
            Ok(Arc::new(SqlDb {
                pool,
                backend: Backend::Postgres,
                sessions: AnySessionStore::Postgres(tower_sessions_sqlx_store::PostgresStore::new(
                    sessions_pool,
                )),
                writer: Arc::default(),
            }))
        }
    }
}

/// Reads a JSON column into its type; a column that does not read is [`DbError::Corrupt`].
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, DbError> {
    serde_json::from_str(text).map_err(|e| DbError::Corrupt(format!("{what}: {e}")))
}

/// Writes a value as a JSON column.
pub(crate) fn to_json<T: serde::Serialize>(what: &str, value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError::Corrupt(format!("{what}: {e}")))
}
