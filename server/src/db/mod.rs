//! The database: one trait, a SQLite and a PostgreSQL implementation chosen by the URL scheme,
//! migrations per backend, and the session store living in the same database.
//!
//! Both backends run the same SQL text (`$1`-style parameters work on SQLite too); the
//! implementation is written once in `queries.rs` and instantiated per backend.

mod postgres;
mod queries;
mod sessions;
mod sqlite;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use shopscore::records::Record;

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
    /// A stored JSON document could not be read back.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// This instance no longer holds the sync lease of the connection it was writing for.
    #[error("the sync lease of connection {0} is held by another instance")]
    LeaseLost(String),
}

/// What happened when a single-use value (nonce, state) was redeemed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed<T> {
    /// Valid and now used up.
    Fresh(T),
    /// Never issued (or forged).
    Unknown,
    /// Issued and already used.
    Reused,
    /// Issued but past its expiry.
    Expired,
}

/// An encrypted token as stored: which key sealed it and `nonce || ciphertext`.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedToken {
    /// Id of the key that sealed it.
    pub key_id: String,
    /// 12-byte nonce followed by the AES-GCM ciphertext and tag.
    pub blob: Vec<u8>,
}

impl std::fmt::Debug for SealedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SealedToken(key {}, {} bytes)",
            self.key_id,
            self.blob.len()
        )
    }
}

/// A connection row (shop or creator account of a wallet).
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionRow {
    pub id: String,
    pub wallet: String,
    pub platform: String,
    pub platform_account_id: String,
    /// `shop` or `creator`.
    pub account_kind: String,
    pub open_id: String,
    pub shop_name: String,
    pub shop_cipher: Option<String>,
    pub region: String,
    pub currency: String,
    pub seller_type: Option<String>,
    /// `active`, `needs_reconnect`, `revoked`.
    pub status: String,
    pub scopes: Vec<String>,
    pub access_token: Option<SealedToken>,
    pub access_expires_at: Option<i64>,
    pub refresh_token: Option<SealedToken>,
    pub refresh_expires_at: Option<i64>,
    pub connected_at: i64,
    pub last_synced_at: Option<i64>,
    /// The domain `SourceInfo` as JSON.
    pub source_info: String,
    /// The connection's own `IncomeReport` as JSON.
    pub revenue_data: Option<String>,
    /// The connection's own `ScoreReport` as JSON.
    pub score: Option<String>,
    pub model_version: Option<String>,
    pub inputs_digest: Option<String>,
    /// What could not be fetched, as a JSON array.
    pub fetch_issues: String,
    /// Records fetched by the run in flight (0 when none runs).
    pub sync_fetched: i64,
    /// Records the run in flight expects, as TikTok counted them (0 when unknown).
    pub sync_total: i64,
    /// When the next sync of any resource is due.
    pub next_sync_at: Option<i64>,
}

/// A sync job: one connection and resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncJobRow {
    pub connection_id: String,
    pub resource: String,
    pub next_run_at: i64,
    /// Everything up to this time has been fetched; `None` until a first run completes.
    pub watermark: Option<i64>,
    pub last_run_at: Option<i64>,
    /// Failed runs in a row.
    pub attempts: i64,
    /// The current fetch issue (a `FetchIssue` as JSON), if the last run failed.
    pub issue: Option<String>,
}

/// One time slice of a resource's run in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointRow {
    pub connection_id: String,
    pub resource: String,
    pub slice: i64,
    /// Filters by update time (an incremental run) rather than creation time (a backfill).
    pub incremental: bool,
    pub window_from: i64,
    pub window_until: i64,
    /// The page to fetch next; `None` for the first page.
    pub page_token: Option<String>,
    pub done: bool,
    pub fetched: i64,
    pub total: i64,
}

/// How a resource's run ended, for [`Database::finish_job`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobOutcome {
    pub next_run_at: i64,
    /// The new watermark (`Some` when the run completed).
    pub watermark: Option<i64>,
    /// The fetch issue as JSON when it failed (attempts then grow by one).
    pub issue: Option<String>,
    pub now: i64,
}

/// The borrower's stored score over all connections.
#[derive(Debug, Clone, PartialEq)]
pub struct WalletScoreRow {
    pub wallet: String,
    pub income: String,
    pub score: String,
    pub model_version: String,
    pub inputs_digest: String,
    pub computed_at: i64,
}

/// Everything the server stores. One implementation per backend.
#[async_trait]
pub trait Database: Send + Sync + 'static {
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

    /// Stores a sign-in nonce issued to a session.
    async fn create_wallet_nonce(
        &self,
        nonce: &str,
        session_id: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError>;
    /// Redeems a sign-in nonce for the session that asked for it.
    async fn redeem_wallet_nonce(
        &self,
        nonce: &str,
        session_id: &str,
        now: i64,
    ) -> Result<Redeemed<()>, DbError>;

    /// Stores an OAuth state (its hash) bound to a session and wallet.
    async fn create_oauth_state(
        &self,
        state_hash: &str,
        session_id: &str,
        wallet: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError>;
    /// Redeems an OAuth state; `Fresh((session_id, wallet))` when valid.
    async fn redeem_oauth_state(
        &self,
        state_hash: &str,
        now: i64,
    ) -> Result<Redeemed<(String, String)>, DbError>;

    /// Inserts a connection, or on reconnect updates the existing one for the same wallet,
    /// platform and account (keeping its id). Returns the id in use.
    async fn upsert_connection(&self, row: &ConnectionRow) -> Result<String, DbError>;
    /// Streams the stored records of the given connections into `sink`, one at a time.
    async fn for_each_record(
        &self,
        connection_ids: &[String],
        sink: &mut (dyn FnMut(Record) + Send),
    ) -> Result<(), DbError>;
    /// Saves the results of a sync: revenue data, score, fetch issues, last sync. The status is
    /// left alone: it changes only through [`Database::set_connection_status`], so a run never
    /// undoes a revocation that happened while it ran.
    async fn save_connection_results(&self, row: &ConnectionRow) -> Result<(), DbError>;
    /// The wallet's connections, oldest first.
    async fn list_connections(&self, wallet: &str) -> Result<Vec<ConnectionRow>, DbError>;
    /// Deletes a wallet's connection (tokens and records with it). False when it is not theirs.
    async fn delete_connection(&self, wallet: &str, id: &str) -> Result<bool, DbError>;

    /// Stores the borrower's combined score.
    async fn save_wallet_score(&self, row: &WalletScoreRow) -> Result<(), DbError>;
    /// Removes the borrower's combined score (no connections left).
    async fn delete_wallet_score(&self, wallet: &str) -> Result<(), DbError>;
    /// The borrower's combined score.
    async fn load_wallet_score(&self, wallet: &str) -> Result<Option<WalletScoreRow>, DbError>;

    /// One connection by id.
    async fn load_connection(&self, id: &str) -> Result<Option<ConnectionRow>, DbError>;
    /// The connections (of any wallet) of a TikTok shop or creator account.
    async fn connections_for_account(
        &self,
        platform_account_id: &str,
    ) -> Result<Vec<ConnectionRow>, DbError>;
    /// Stores rotated tokens in one statement: the new refresh token replaces the old one in
    /// the same transaction as the access token, but only if `previous_refresh` is still the
    /// stored one and the connection is active (a reconnect or a revocation in the meantime
    /// wins). False when nothing was written.
    async fn save_tokens(
        &self,
        id: &str,
        previous_refresh: &SealedToken,
        access: &SealedToken,
        access_expires_at: i64,
        refresh: &SealedToken,
        refresh_expires_at: i64,
    ) -> Result<bool, DbError>;
    /// Forgets a webhook delivery that could not be handled, so its retry is not a duplicate.
    async fn forget_webhook(&self, notification_id: &str) -> Result<(), DbError>;
    /// Deletes sign-in nonces and OAuth states past their expiry and webhook deliveries older
    /// than `webhooks_before`; returns how many rows went.
    async fn purge_expired(&self, now: i64, webhooks_before: i64) -> Result<u64, DbError>;
    /// Sets the status; with `delete_tokens` the sealed tokens are erased too.
    async fn set_connection_status(
        &self,
        id: &str,
        status: &str,
        delete_tokens: bool,
    ) -> Result<(), DbError>;

    /// Atomically leases the connection with the most overdue job whose lease is free or
    /// expired: `FOR UPDATE SKIP LOCKED` on PostgreSQL, one writing statement on SQLite.
    async fn claim_due_connection(
        &self,
        owner: &str,
        now: i64,
        lease_until: i64,
    ) -> Result<Option<String>, DbError>;
    /// Leases one connection if its lease is free, expired or already ours.
    async fn lease_connection(
        &self,
        id: &str,
        owner: &str,
        now: i64,
        lease_until: i64,
    ) -> Result<bool, DbError>;
    /// Extends our lease; false when it is no longer ours.
    async fn renew_lease(&self, id: &str, owner: &str, lease_until: i64) -> Result<bool, DbError>;
    /// Gives the lease up.
    async fn release_lease(&self, id: &str, owner: &str) -> Result<(), DbError>;

    /// Creates the missing jobs of a connection, due at `next_run_at`.
    async fn ensure_sync_jobs(
        &self,
        connection_id: &str,
        resources: &[&str],
        next_run_at: i64,
    ) -> Result<(), DbError>;
    /// Forgets watermarks and checkpoints and makes every job of `resources` due now: the next
    /// run is a full backfill (a new authorization).
    async fn reset_sync_jobs(
        &self,
        connection_id: &str,
        resources: &[&str],
        now: i64,
    ) -> Result<(), DbError>;
    /// The jobs of a connection.
    async fn list_sync_jobs(&self, connection_id: &str) -> Result<Vec<SyncJobRow>, DbError>;
    /// Makes the given jobs due at `now` at the latest (a webhook asked for them).
    async fn request_sync(
        &self,
        connection_id: &str,
        resources: &[&str],
        now: i64,
    ) -> Result<(), DbError>;
    /// Clears the webhook requests of a connection's jobs: the run starting now serves them.
    async fn take_requests(&self, connection_id: &str) -> Result<(), DbError>;
    /// Records how a resource's run ended; a completed run drops its checkpoints.
    async fn finish_job(
        &self,
        connection_id: &str,
        resource: &str,
        outcome: &JobOutcome,
    ) -> Result<(), DbError>;

    /// Pushes a job back to `next_run_at` after a run that failed outside TikTok (a database
    /// error), counting the failure; its checkpoints stay for the next run.
    async fn defer_job(
        &self,
        connection_id: &str,
        resource: &str,
        next_run_at: i64,
    ) -> Result<(), DbError>;

    /// The slices of a resource's run in flight.
    async fn load_checkpoints(
        &self,
        connection_id: &str,
        resource: &str,
    ) -> Result<Vec<CheckpointRow>, DbError>;
    /// Starts a run: its slices.
    async fn create_checkpoints(&self, slices: &[CheckpointRow]) -> Result<(), DbError>;
    /// Upserts one page's records and moves the slice's checkpoint past it, in one
    /// transaction, only while `owner` holds the connection's lease. Returns how many records
    /// are new or changed.
    async fn store_page(
        &self,
        owner: &str,
        checkpoint: &CheckpointRow,
        records: &[Record],
        now: i64,
    ) -> Result<u64, DbError>;

    /// Logs the start of a run.
    async fn start_run(
        &self,
        id: &str,
        connection_id: &str,
        owner: &str,
        started_ms: i64,
    ) -> Result<(), DbError>;
    /// Logs the end of a run.
    async fn finish_run(&self, id: &str, finished_ms: i64, outcome: &str) -> Result<(), DbError>;
    /// Every run of a connection as `(owner, started_ms, finished_ms)`, oldest first.
    async fn list_runs(
        &self,
        connection_id: &str,
    ) -> Result<Vec<(String, i64, Option<i64>)>, DbError>;

    /// Remembers a webhook delivery; false when it was seen before.
    async fn record_webhook(
        &self,
        notification_id: &str,
        shop_id: &str,
        kind: i64,
        now: i64,
    ) -> Result<bool, DbError>;

    /// The ids of the stored records of one kind, in id order (streamed).
    async fn for_each_record_id(
        &self,
        connection_id: &str,
        kind: &str,
        sink: &mut (dyn FnMut(String) + Send),
    ) -> Result<(), DbError>;
}

/// Connects to the database named by the URL and returns it behind the trait.
pub async fn connect(url: &DatabaseUrl) -> Result<Arc<dyn Database>, DbError> {
    match url {
        DatabaseUrl::Sqlite(url) => Ok(Arc::new(SqliteDb::connect(url).await?)),
        DatabaseUrl::Postgres(url) => Ok(Arc::new(PostgresDb::connect(url).await?)),
    }
}

/// The current time in unix seconds.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
