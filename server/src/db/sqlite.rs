//! SQLite: the embedded default. The file and its directory are created on first run.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
};

use super::{AnySessionStore, DbError, CONNECT_TIMEOUT};

/// The SQLite implementation of [`super::Database`].
#[derive(Clone, Debug)]
pub struct SqliteDb {
    pool: SqlitePool,
}

impl SqliteDb {
    /// Opens (creating if missing) the database at `url` (`sqlite://path` or `sqlite::memory:`).
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| DbError::Unreachable(format!("invalid SQLite URL: {e}")))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let options = if in_memory {
            options
        } else {
            options.journal_mode(SqliteJournalMode::Wal)
        };
        if !in_memory {
            let path = options.get_filename();
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    DbError::Unreachable(format!(
                        "cannot create the directory {}: {e}",
                        dir.display()
                    ))
                })?;
            }
        }
        // An in-memory database exists once per connection: keep exactly one.
        let max = if in_memory { 1 } else { 8 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .min_connections(if in_memory { 1 } else { 0 })
            .idle_timeout(if in_memory {
                None
            } else {
                Some(Duration::from_secs(600))
            })
            .max_lifetime(if in_memory {
                None
            } else {
                Some(Duration::from_secs(1800))
            })
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| DbError::Unreachable(e.to_string()))?;
        Ok(SqliteDb { pool })
    }
}

/// The claim: one UPDATE, which SQLite runs as its single writer, so the choice and the lease
/// are one atomic step.
const CLAIM_DUE_CONNECTION: &str =
    "UPDATE business_connections SET sync_lease_owner = $1, sync_lease_until = $2 \
    WHERE id = (SELECT c.id FROM business_connections c JOIN sync_jobs j ON j.connection_id = c.id \
        WHERE c.status = 'active' AND j.next_run_at <= $3 \
          AND (c.sync_lease_until IS NULL OR c.sync_lease_until < $3) \
        ORDER BY j.next_run_at LIMIT 1) \
      AND (sync_lease_until IS NULL OR sync_lease_until < $3) \
    RETURNING id";

super::queries::impl_database!(
    SqliteDb,
    SqliteRow,
    "../migrations/sqlite",
    |pool| AnySessionStore::Sqlite(tower_sessions_sqlx_store::SqliteStore::new(pool)),
    CLAIM_DUE_CONNECTION
);
