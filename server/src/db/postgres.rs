//! PostgreSQL: for production and for several instances sharing one database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};

use super::{AnySessionStore, Backend, DbError, CONNECT_TIMEOUT};

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

    /// The pool, for code in this crate that needs PostgreSQL specifically.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

super::queries::impl_database!(
    PostgresDb,
    PgRow,
    Backend::Postgres,
    "../migrations/postgres",
    |pool| AnySessionStore::Postgres(tower_sessions_sqlx_store::PostgresStore::new(pool))
);
