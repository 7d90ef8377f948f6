//! The sync engine: keeps every connection current without a person.
//!
//! - **Entry points** (this file): the scheduler's [`SyncEngine::run_next_due`], the connect
//!   flow's [`SyncEngine::start`], the CLI's and the tests' [`SyncEngine::sync_connection`],
//!   and the drain of a shutdown.
//! - **Leases** ([`lease`]): a lease names one *run* (`instance:run`) on one generation of a
//!   connection; every page write, a job's finish and the release are fenced by it, and a
//!   heartbeat ends the run the moment the lease is lost.
//! - **Runs** ([`run`]): one connection's due resources, their outcomes recorded on the jobs,
//!   the source and issues saved, the wallet rescored once when its inputs changed.
//! - **Fetching** ([`fetch`]): a resource's time slices, page by page from their checkpoints,
//!   bounded by [`crate::tiktok::PageGuard`] and the run's deadline.
//! - **Resources** ([`resource`]) and tokens ([`tokens`]).

mod fetch;
mod lease;
pub mod resource;
mod run;
pub mod scheduler;
pub mod slices;
mod tokens;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::api::FetchIssue;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::SyncSettings;
use crate::db::{Database, DbError};
use crate::services::scoring::Scorer;
use crate::tiktok::{TikTokClient, TikTokError};
use crate::vault::{TokenVault, VaultError};
pub use resource::Resource;

/// Why a run stopped. TikTok's failures on one resource are not errors: they become fetch
/// issues on the connection and the job retries later.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The database failed (or the run lost its lease: [`DbError::LeaseLost`]).
    #[error(transparent)]
    Db(#[from] DbError),
    /// A stored token could not be opened.
    #[error("cannot open a stored token: {0}")]
    Vault(#[from] VaultError),
    /// TikTok failed in a way that ends this run (retried later).
    #[error(transparent)]
    TikTok(#[from] TikTokError),
    /// TikTok refused the refresh token (expired, retired, unknown).
    #[error("TikTok Shop refused the refresh token")]
    RefreshRefused,
    /// The authorization is gone for good: the seller must reconnect.
    #[error("the connection needs to be reconnected")]
    NeedsReconnect,
    /// Another run holds the connection (or the grant's refresh lock).
    #[error("{0} is busy with another run")]
    Busy(String),
    /// A reconnect or revocation replaced what this run was working on.
    #[error("{0} changed (reconnected or revoked) during the run")]
    Superseded(String),
    /// The instance is shutting down and starts no new runs.
    #[error("the instance is shutting down")]
    Draining,
}

impl SyncError {
    /// The run ended because another run, a reconnect or a revocation took over: nothing
    /// failed, nothing to back off.
    pub fn is_superseded(&self) -> bool {
        matches!(
            self,
            SyncError::Busy(_) | SyncError::Superseded(_) | SyncError::Db(DbError::LeaseLost(_))
        )
    }
}

/// Which resources a run fetches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// The jobs that are due.
    Due,
    /// Every resource of the connection's kind, due or not.
    All,
    /// These (those of another account kind are ignored).
    Only(Vec<Resource>),
}

/// What a run did, for logs, the CLI and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Resources that ran.
    pub resources: Vec<String>,
    /// Records TikTok delivered in this run (a record fetched twice counts twice).
    pub delivered: u64,
    /// Records new or changed in the database.
    pub changed: u64,
    /// Records that could not be read (kept as data warnings).
    pub unreadable: u64,
    /// Resources that ended with a fetch issue in this run.
    pub issues: Vec<FetchIssue>,
    /// The wallet was rescored.
    pub rescored: bool,
    /// The connection was not active (revoked, needing a reconnect, or reconnected since the
    /// lease was taken), so nothing ran.
    pub skipped: bool,
}

/// Counts the runs in flight, so a shutdown can wait for them.
#[derive(Default)]
struct Runs {
    active: AtomicUsize,
    idle: tokio::sync::Notify,
}

/// Held by each run; the last one out wakes a drain.
struct RunGuard<'a>(&'a Runs);

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        if self.0.active.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// The engine: shared by the connect flow, the scheduler, the webhook receiver and the CLI.
pub struct SyncEngine {
    db: Arc<dyn Database>,
    vault: Arc<TokenVault>,
    client: Arc<TikTokClient>,
    settings: SyncSettings,
    owner: String,
    clock: Clock,
    scorer: Arc<Scorer>,
    wake: tokio::sync::Notify,
    draining: AtomicBool,
    runs: Runs,
}

impl SyncEngine {
    /// Wires the engine; `owner` (random) names this instance in leases.
    pub fn new(
        db: Arc<dyn Database>,
        vault: Arc<TokenVault>,
        client: Arc<TikTokClient>,
        settings: SyncSettings,
        clock: Clock,
        scorer: Arc<Scorer>,
    ) -> Self {
        SyncEngine {
            db,
            vault,
            client,
            settings,
            owner: format!("instance-{}", hex::encode(rand::random::<[u8; 6]>())),
            clock,
            scorer,
            wake: tokio::sync::Notify::new(),
            draining: AtomicBool::new(false),
            runs: Runs::default(),
        }
    }

    /// This instance's name in leases and the run log.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The settings.
    pub fn settings(&self) -> &SyncSettings {
        &self.settings
    }

    /// The database.
    pub fn db(&self) -> &Arc<dyn Database> {
        &self.db
    }

    /// The scoring service the runs call.
    pub fn scorer(&self) -> &Arc<Scorer> {
        &self.scorer
    }

    /// The engine's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Wakes the scheduler (a webhook or a connect made a job due).
    pub fn wake(&self) {
        self.wake.notify_waiters();
        // A worker between two looks takes the permit at its next wait.
        self.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.wake.notified().await
    }

    fn enter(&self) -> Result<RunGuard<'_>, SyncError> {
        if self.draining.load(Ordering::SeqCst) {
            return Err(SyncError::Draining);
        }
        self.runs.active.fetch_add(1, Ordering::SeqCst);
        Ok(RunGuard(&self.runs))
    }

    /// Whether a shutdown began.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Stops starting runs, then waits up to `deadline` for the runs in flight. Returns how
    /// many were still running at the deadline (their checkpoints keep their place; their
    /// leases lapse).
    pub async fn drain(&self, deadline: Duration) -> usize {
        self.draining.store(true, Ordering::SeqCst);
        self.wake();
        let wait = async {
            loop {
                let idle = self.runs.idle.notified();
                if self.runs.active.load(Ordering::SeqCst) == 0 {
                    return;
                }
                idle.await;
            }
        };
        let _ = tokio::time::timeout(deadline, wait).await;
        self.runs.active.load(Ordering::SeqCst)
    }

    /// Claims the connection with the most overdue job, if any, and runs its due jobs.
    /// `Ok(None)` when nothing is due (or the instance is draining).
    pub async fn run_next_due(&self) -> Result<Option<(String, RunSummary)>, SyncError> {
        let _guard = match self.enter() {
            Ok(guard) => guard,
            Err(_) => return Ok(None),
        };
        let Some(lease) = self.claim_due().await? else {
            return Ok(None);
        };
        let id = lease.connection_id.clone();
        let result = self.run_leased(&lease, Selection::Due).await;
        if let Err(e) = &result {
            if !e.is_superseded() {
                self.defer_due_jobs(&id, e).await;
            }
        }
        self.release(&lease).await;
        result.map(|summary| Some((id, summary)))
    }

    /// Runs a connection now under its lease, waiting (bounded by a lease's length) for a run
    /// that holds it.
    pub async fn sync_connection(
        &self,
        id: &str,
        selection: Selection,
    ) -> Result<RunSummary, SyncError> {
        let _guard = self.enter()?;
        let lease = self
            .lease_waiting(id, self.settings.lease + Duration::from_secs(5))
            .await?;
        let result = self.run_leased(&lease, selection).await;
        if let Err(e) = &result {
            if !e.is_superseded() {
                self.defer_due_jobs(id, e).await;
            }
        }
        self.release(&lease).await;
        result
    }

    /// Starts a connection's due jobs in the background (a new connection's backfill) and
    /// returns its handle: the connect callback waits on it only briefly. A scheduler that
    /// already claimed the connection keeps it; this task then finds nothing due.
    pub fn start(self: &Arc<Self>, id: &str) -> JoinHandle<Result<RunSummary, SyncError>> {
        let engine = self.clone();
        let id = id.to_string();
        tokio::spawn(async move {
            let result = engine.sync_connection(&id, Selection::Due).await;
            match &result {
                Ok(summary) => {
                    tracing::info!(connection.id = %id, records.changed = summary.changed, "first sync finished")
                }
                Err(e) if e.is_superseded() => {
                    tracing::info!(connection.id = %id, reason = %e, "first sync left to the run holding the connection")
                }
                Err(e) => {
                    tracing::warn!(connection.id = %id, error = %e, "first sync failed; the scheduler retries it")
                }
            }
            result
        })
    }

    /// After a run that failed outside TikTok (the database, the vault), its due jobs wait (a
    /// minute, doubling with each failure in a row, never past their cadence) so the scheduler
    /// moves on to other connections. While the database is away this fails too, harmlessly.
    async fn defer_due_jobs(&self, id: &str, error: &SyncError) {
        let settings = &self.settings;
        let next = |job: &crate::db::Job| {
            let every = Resource::parse(&job.resource)
                .map(|r| r.every(settings))
                .unwrap_or(settings.orders_every);
            self.clock.now() + slices::retry_after(job.attempts, every).as_secs() as i64
        };
        match self.db.defer_due_jobs(id, self.clock.now(), &next).await {
            Ok(()) => {
                tracing::warn!(connection.id = %id, error = %error, "a sync run failed; its due jobs wait before the next try")
            }
            Err(e) => {
                tracing::warn!(connection.id = %id, error = %e, "cannot defer the jobs of a failed run")
            }
        }
    }
}
