//! PostgreSQL: for production and for several instances sharing one database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};

use super::{AnySessionStore, DbError, CONNECT_TIMEOUT};

/// The PostgreSQL implementation of [`super::Database`].
#[derive(Clone, Debug)]
pub struct PostgresDb {
    pool: PgPool,
}

impl PostgresDb {
    /// Connects to `url`, failing within [`CONNECT_TIMEOUT`] when the server cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(CONNECT_TIMEOUT)
            .idle_timeout(Some(Duration::from_secs(600)))
            .connect(url)
            .await
            .map_err(|e| DbError::Unreachable(e.to_string()))?;
        Ok(PostgresDb { pool })
    }
}

/// The claim: the chosen connection row is locked with `FOR UPDATE SKIP LOCKED`, so concurrent
/// instances each take a different one, and the lease is re-checked when the row is written.
const CLAIM_DUE_CONNECTION: &str =
    "UPDATE business_connections SET sync_lease_owner = $1, sync_lease_until = $2 \
    WHERE id = (SELECT c.id FROM business_connections c JOIN sync_jobs j ON j.connection_id = c.id \
        WHERE c.status = 'active' AND j.next_run_at <= $3 \
          AND (c.sync_lease_until IS NULL OR c.sync_lease_until < $3) \
        ORDER BY j.next_run_at LIMIT 1 FOR UPDATE OF c SKIP LOCKED) \
      AND (sync_lease_until IS NULL OR sync_lease_until < $3) \
    RETURNING id";

super::queries::impl_database!(
    PostgresDb,
    PgRow,
    "../migrations/postgres",
    |pool| AnySessionStore::Postgres(tower_sessions_sqlx_store::PostgresStore::new(pool)),
    CLAIM_DUE_CONNECTION
);
