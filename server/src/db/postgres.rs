//! PostgreSQL: for production and for several instances sharing one database.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Row;

use super::{now_unix, AnySessionStore, Backend, Database, DbError, CONNECT_TIMEOUT};

/// The PostgreSQL implementation of [`Database`].
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

#[async_trait]
impl Database for PostgresDb {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn migrate(&self) -> Result<(), DbError> {
        sqlx::migrate!("../migrations/postgres")
            .run(&self.pool)
            .await
            .map_err(|e| DbError::Migration(e.to_string()))?;
        self.session_store()
            .migrate()
            .await
            .map_err(|e| DbError::Migration(e.to_string()))
    }

    async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn session_store(&self) -> AnySessionStore {
        AnySessionStore::Postgres(tower_sessions_sqlx_store::PostgresStore::new(
            self.pool.clone(),
        ))
    }

    async fn record_event(
        &self,
        kind: &str,
        wallet: Option<&str>,
        detail: &str,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO audit_events (occurred_at, kind, wallet, detail) VALUES ($1, $2, $3, $4)",
        )
        .bind(now_unix())
        .bind(kind)
        .bind(wallet)
        .bind(detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn recent_events(
        &self,
        limit: i64,
    ) -> Result<Vec<(String, Option<String>, String)>, DbError> {
        let rows =
            sqlx::query("SELECT kind, wallet, detail FROM audit_events ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.get("kind"), r.get("wallet"), r.get("detail")))
            .collect())
    }
}
