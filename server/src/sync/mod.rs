//! The sync engine: keeps every connection current without a person. Jobs per connection and
//! resource live in the database; a connection is leased by one instance at a time; each
//! resource's run is split into time slices whose page checkpoints commit with the page's
//! records, so a crash resumes exactly where it stopped; tokens are refreshed before they
//! expire and once on 105002; the score is recomputed when its inputs changed.

pub mod resource;
pub mod scheduler;
pub mod slices;
mod tokens;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::api::FetchIssue;
use futures::future::join_all;
use shopscore::income::{IncomeAccumulator, IncomeReport, IncomeWindow};
use shopscore::money::FxTable;
use shopscore::records::{Record, SourceInfo};
use shopscore::score::{compute_score, ScoreReport};

use crate::config::SyncSettings;
use crate::db::{now_unix, CheckpointRow, ConnectionRow, Database, DbError, JobOutcome};
use crate::tiktok::api::{
    GetPayments, GetShopPerformance, GetStatements, OrderSearchFilter, ReturnSearchFilter,
    SearchCreatorAffiliateOrders, SearchOrders, SearchProducts, SearchReturns, SortOrder,
    MAX_PAGE_SIZE,
};
use crate::tiktok::{
    normalize, ApiRequest, ErrorKind, Page, Paginated, ShopCipher, TikTokClient, TikTokError,
};
use crate::vault::{TokenVault, VaultError};
pub use resource::Resource;
use tokens::Tokens;

/// The income window, in days.
pub const WINDOW_DAYS: u32 = 90;
/// Extra tries of one page after the client's own retries (a malformed page, a 5xx burst).
const PAGE_RETRIES: u32 = 4;

/// Why a sync stopped. Resource-level TikTok failures are not errors: they become fetch
/// issues on the connection and the job retries later.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A stored token could not be opened.
    #[error("cannot open a stored token: {0}")]
    Vault(#[from] VaultError),
    /// TikTok failed in a way that ends this run (retried later).
    #[error(transparent)]
    TikTok(#[from] TikTokError),
    /// The authorization is gone for good: the seller must reconnect.
    #[error("the connection needs to be reconnected")]
    NeedsReconnect,
    /// Another instance holds the connection.
    #[error("connection {0} is being synced by another instance")]
    Busy(String),
    /// The connection was reconnected or revoked while this run refreshed its tokens.
    #[error("connection {0} changed (reconnected or revoked) during the run")]
    Superseded(String),
    /// A value could not be encoded.
    #[error("cannot encode {0}")]
    Encode(String),
}

/// What a run did, for logs, the CLI and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Resources that ran.
    pub resources: Vec<String>,
    /// Records delivered by TikTok in this run (a record fetched twice counts twice).
    pub delivered: u64,
    /// Records new or changed in the database.
    pub changed: u64,
    /// Resources that ended with a fetch issue.
    pub issues: Vec<FetchIssue>,
    /// The score was recomputed.
    pub rescored: bool,
    /// The connection was not active (revoked or needing a reconnect), so nothing ran.
    pub skipped: bool,
}

/// The engine: shared by the connect flow, the scheduler, the webhook receiver and the CLI.
pub struct SyncEngine {
    db: Arc<dyn Database>,
    vault: Arc<TokenVault>,
    client: Arc<TikTokClient>,
    fx: FxTable,
    settings: SyncSettings,
    owner: String,
    wake: tokio::sync::Notify,
    /// One lock per authorization (wallet and `open_id`): its connections share one refresh
    /// token, so they refresh one at a time.
    authorizations: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// What one run shares between its resources and slices.
struct RunCtx {
    connection_id: String,
    source_id: String,
    cipher: Option<ShopCipher>,
    tokens: Tokens,
    delivered: AtomicU64,
    changed: AtomicU64,
}

impl SyncEngine {
    /// Wires the engine; `owner` names this instance in leases.
    pub fn new(
        db: Arc<dyn Database>,
        vault: Arc<TokenVault>,
        client: Arc<TikTokClient>,
        fx: FxTable,
        settings: SyncSettings,
    ) -> Self {
        let owner = format!("instance-{}", hex::encode(rand::random::<[u8; 6]>()));
        SyncEngine {
            db,
            vault,
            client,
            fx,
            settings,
            owner,
            wake: tokio::sync::Notify::new(),
            authorizations: Default::default(),
        }
    }

    /// The refresh lock of the authorization a connection belongs to.
    fn authorization_lock(&self, wallet: &str, open_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .authorizations
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        locks
            .entry(format!("{wallet}|{open_id}"))
            .or_default()
            .clone()
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

    /// The token vault (the connect flow seals with it).
    pub fn vault(&self) -> &Arc<TokenVault> {
        &self.vault
    }

    /// The TikTok client.
    pub fn client(&self) -> &Arc<TikTokClient> {
        &self.client
    }

    /// Wakes the scheduler (a webhook made a job due).
    pub fn wake(&self) {
        self.wake.notify_waiters();
        self.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.wake.notified().await
    }

    /// Makes every job of a new authorization due and runs them now, waiting for the lease
    /// if a scheduler holds it: the connect callback redirects after the first sync.
    pub async fn initial_sync(&self, connection_id: &str) -> Result<RunSummary, SyncError> {
        let row = self
            .db
            .load_connection(connection_id)
            .await?
            .ok_or_else(|| SyncError::Busy(connection_id.to_string()))?;
        let names = resource::names(Resource::for_kind(&row.account_kind));
        self.lease_waiting(connection_id).await?;
        let result = async {
            self.db
                .reset_sync_jobs(connection_id, &names, now_unix())
                .await?;
            self.run_leased(connection_id, None).await
        }
        .await;
        self.release(connection_id).await;
        result
    }

    /// Runs the given resources of a connection now (all of its kind with `None`), whether
    /// due or not, under the connection's lease.
    pub async fn sync_connection(
        &self,
        connection_id: &str,
        only: Option<&[Resource]>,
    ) -> Result<RunSummary, SyncError> {
        self.lease_waiting(connection_id).await?;
        let result = self
            .run_leased(connection_id, only.map(<[Resource]>::to_vec))
            .await;
        self.release(connection_id).await;
        result
    }

    /// Claims the most overdue connection, if any, and runs its due jobs. `Ok(None)` when
    /// nothing is due.
    pub async fn run_next_due(&self) -> Result<Option<(String, RunSummary)>, SyncError> {
        let now = now_unix();
        let Some(id) = self
            .db
            .claim_due_connection(&self.owner, now, now + self.lease_secs())
            .await?
        else {
            return Ok(None);
        };
        let result = self.run_leased(&id, Some(Vec::new())).await;
        if let Err(e) = &result {
            if !matches!(
                e,
                SyncError::Busy(_)
                    | SyncError::Superseded(_)
                    | SyncError::Db(DbError::LeaseLost(_))
            ) {
                self.defer_due_jobs(&id, now, e).await;
            }
        }
        self.release(&id).await;
        result.map(|summary| Some((id, summary)))
    }

    /// After a run that failed outside TikTok, its due jobs wait (a minute, doubling with each
    /// failure in a row) so the scheduler moves on to other connections instead of claiming
    /// this one at every poll. While the database is away this fails too, and that is fine.
    async fn defer_due_jobs(&self, id: &str, now: i64, error: &SyncError) {
        let jobs = match self.db.list_sync_jobs(id).await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::warn!(connection.id = %id, error = %e, "cannot defer the jobs of a failed run");
                return;
            }
        };
        for job in jobs.iter().filter(|j| j.next_run_at <= now) {
            let every = Resource::parse(&job.resource)
                .map(|r| r.every(&self.settings))
                .unwrap_or(self.settings.orders_every);
            let wait = slices::retry_after(job.attempts, every);
            let next = now + wait.as_secs() as i64;
            match self.db.defer_job(id, &job.resource, next).await {
                Ok(()) => {
                    tracing::warn!(connection.id = %id, resource = %job.resource, wait_s = wait.as_secs(), error = %error, "a sync run failed; its job waits before the next try")
                }
                Err(e) => {
                    tracing::warn!(connection.id = %id, resource = %job.resource, error = %e, "cannot defer a job of a failed run")
                }
            }
        }
    }

    fn lease_secs(&self) -> i64 {
        self.settings.lease.as_secs().max(1) as i64
    }

    async fn lease_waiting(&self, id: &str) -> Result<(), SyncError> {
        // Bounded: a lease left by a dead instance expires within one lease duration.
        let deadline = std::time::Instant::now() + self.settings.lease + Duration::from_secs(5);
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        loop {
            tick.tick().await;
            let now = now_unix();
            if self
                .db
                .lease_connection(id, &self.owner, now, now + self.lease_secs())
                .await?
            {
                return Ok(());
            }
            if std::time::Instant::now() > deadline {
                return Err(SyncError::Busy(id.to_string()));
            }
        }
    }

    async fn release(&self, id: &str) {
        if let Err(e) = self.db.release_lease(id, &self.owner).await {
            // The lease expires by itself; nothing is lost.
            tracing::warn!(connection.id = %id, error = %e, "cannot release a sync lease");
        }
    }

    /// Runs under a lease already held, renewing it while the run lasts. `only`: `None` for
    /// every resource of the connection, `Some(empty)` for the due ones, else those listed.
    async fn run_leased(
        &self,
        id: &str,
        only: Option<Vec<Resource>>,
    ) -> Result<RunSummary, SyncError> {
        let run_id = hex::encode(rand::random::<[u8; 8]>());
        let started_ms = now_millis();
        self.db
            .start_run(&run_id, id, &self.owner, started_ms)
            .await?;
        let renew_every = (self.settings.lease / 3).max(Duration::from_millis(200));
        let heartbeat = async {
            let mut tick = tokio::time::interval(renew_every);
            tick.tick().await;
            loop {
                tick.tick().await;
                let until = now_unix() + self.lease_secs();
                match self.db.renew_lease(id, &self.owner, until).await {
                    Ok(true) => {}
                    Ok(false) => return SyncError::Db(DbError::LeaseLost(id.to_string())),
                    Err(e) => {
                        tracing::warn!(connection.id = %id, error = %e, "cannot renew a sync lease")
                    }
                }
            }
        };
        let result = tokio::select! {
            result = self.run(id, only) => result,
            lost = heartbeat => Err(lost),
        };
        let outcome = match &result {
            Ok(s) if s.skipped => "skipped".to_string(),
            Ok(s) if s.issues.is_empty() => "ok".to_string(),
            Ok(s) => format!("issues: {}", s.issues.len()),
            Err(e) => format!("error: {e}"),
        };
        if let Err(e) = self.db.finish_run(&run_id, now_millis(), &outcome).await {
            tracing::warn!(connection.id = %id, error = %e, "cannot log the end of a sync run");
        }
        result
    }

    async fn run(&self, id: &str, only: Option<Vec<Resource>>) -> Result<RunSummary, SyncError> {
        let started = std::time::Instant::now();
        let now = now_unix();
        let Some(row) = self.db.load_connection(id).await? else {
            return Ok(RunSummary {
                skipped: true,
                ..Default::default()
            });
        };
        if row.status != "active" {
            return Ok(RunSummary {
                skipped: true,
                ..Default::default()
            });
        }
        let kind_resources = Resource::for_kind(&row.account_kind);
        self.db
            .ensure_sync_jobs(id, &resource::names(kind_resources), now)
            .await?;
        self.db.take_requests(id).await?;
        let jobs = self.db.list_sync_jobs(id).await?;
        let resources: Vec<Resource> = match &only {
            None => kind_resources.to_vec(),
            Some(list) if list.is_empty() => kind_resources
                .iter()
                .copied()
                .filter(|r| {
                    jobs.iter()
                        .any(|j| j.resource == r.name() && j.next_run_at <= now)
                })
                .collect(),
            Some(list) => list
                .iter()
                .copied()
                .filter(|r| kind_resources.contains(r))
                .collect(),
        };
        let cipher = row
            .shop_cipher
            .as_deref()
            .map(ShopCipher::parse)
            .transpose()
            .map_err(SyncError::TikTok)?;
        let tokens = match Tokens::open(self, &row).await {
            Ok(tokens) => tokens,
            Err(SyncError::NeedsReconnect) => return self.needs_reconnect(&row).await,
            Err(e) => return Err(e),
        };
        let ctx = RunCtx {
            connection_id: id.to_string(),
            source_id: row.platform_account_id.clone(),
            cipher,
            tokens,
            delivered: AtomicU64::new(0),
            changed: AtomicU64::new(0),
        };
        let watermarks: Vec<Option<i64>> = resources
            .iter()
            .map(|r| {
                jobs.iter()
                    .find(|j| j.resource == r.name())
                    .and_then(|j| j.watermark)
            })
            .collect();
        let outcomes = join_all(
            resources
                .iter()
                .zip(&watermarks)
                .map(|(r, w)| self.run_resource(&ctx, *r, *w, now)),
        )
        .await;

        let mut source: SourceInfo = serde_json::from_str(&row.source_info)
            .map_err(|e| SyncError::Encode(format!("a stored source: {e}")))?;
        let before_source = row.source_info.clone();
        let mut summary = RunSummary {
            resources: resources.iter().map(|r| r.name().to_string()).collect(),
            ..Default::default()
        };
        let mut reconnect = false;
        for (r, outcome) in resources.iter().zip(outcomes) {
            let attempts = jobs
                .iter()
                .find(|j| j.resource == r.name())
                .map(|j| j.attempts)
                .unwrap_or(0);
            let every = r.every(&self.settings);
            let job = match outcome {
                Ok(done) => {
                    if let Some(perf) = done.metrics {
                        source.opened_at = perf.shop_open_time;
                        source.metrics = Some(normalize::shop_metrics(&perf));
                    }
                    JobOutcome {
                        next_run_at: now + every.as_secs() as i64,
                        watermark: Some(done.watermark),
                        issue: None,
                        now,
                    }
                }
                Err(SyncError::TikTok(e)) => {
                    let issue = resource::issue(r.name(), &e);
                    tracing::info!(connection.id = %id, resource = r.name(), error = %e, "a resource could not be fetched; it will be retried");
                    let wait = if e.kind() == ErrorKind::MissingScope {
                        every
                    } else {
                        slices::retry_after(attempts, every)
                    };
                    let json = serde_json::to_string(&issue)
                        .map_err(|e| SyncError::Encode(format!("an issue: {e}")))?;
                    summary.issues.push(issue);
                    JobOutcome {
                        next_run_at: now + wait.as_secs() as i64,
                        watermark: None,
                        issue: Some(json),
                        now,
                    }
                }
                Err(SyncError::NeedsReconnect) => {
                    reconnect = true;
                    continue;
                }
                Err(other) => return Err(other),
            };
            self.db.finish_job(id, r.name(), &job).await?;
        }
        if reconnect {
            return self.needs_reconnect(&row).await;
        }

        // The connection's issues are those of its jobs' last runs, whichever run they were.
        let jobs = self.db.list_sync_jobs(id).await?;
        let issues: Vec<FetchIssue> = jobs
            .iter()
            .filter_map(|j| j.issue.as_deref())
            .filter_map(|json| serde_json::from_str(json).ok())
            .collect();
        source.missing_scopes = issues
            .iter()
            .filter(|i| i.code == "missing_permission")
            .filter_map(|i| Resource::parse(&i.resource))
            // Shop metrics are optional inputs the score already reports as missing.
            .filter(|r| *r != Resource::ShopMetrics)
            .map(Resource::scope)
            .fold(Vec::new(), |mut scopes, s| {
                if !scopes.contains(&s) {
                    scopes.push(s);
                }
                scopes
            });
        let mut row = row;
        row.source_info = serde_json::to_string(&source)
            .map_err(|e| SyncError::Encode(format!("source: {e}")))?;
        let issues_json = serde_json::to_string(&issues)
            .map_err(|e| SyncError::Encode(format!("issues: {e}")))?;
        summary.delivered = ctx.delivered.load(Ordering::Relaxed);
        summary.changed = ctx.changed.load(Ordering::Relaxed);
        let inputs_changed = summary.changed > 0
            || row.score.is_none()
            || row.source_info != before_source
            || row.fetch_issues != issues_json;
        row.fetch_issues = issues_json;
        row.last_synced_at = Some(now);
        if inputs_changed {
            let (income, score) = self.compute(std::slice::from_ref(&row), now).await?;
            row.revenue_data = Some(
                serde_json::to_string(&income)
                    .map_err(|e| SyncError::Encode(format!("income: {e}")))?,
            );
            row.score = Some(
                serde_json::to_string(&score)
                    .map_err(|e| SyncError::Encode(format!("score: {e}")))?,
            );
            row.model_version = Some(score.model_version.clone());
            row.inputs_digest = Some(score.inputs_digest.clone());
        }
        self.db.save_connection_results(&row).await?;
        if inputs_changed {
            self.recompute_wallet(&row.wallet, now).await?;
        }
        summary.rescored = inputs_changed;
        tracing::info!(
            connection.id = %id,
            resources = summary.resources.len(),
            records.delivered = summary.delivered,
            records.changed = summary.changed,
            issues = summary.issues.len(),
            duration_ms = started.elapsed().as_millis() as u64,
            "connection synced"
        );
        Ok(summary)
    }

    async fn needs_reconnect(&self, row: &ConnectionRow) -> Result<RunSummary, SyncError> {
        self.db
            .set_connection_status(&row.id, "needs_reconnect", false)
            .await?;
        let issue = FetchIssue {
            resource: "authorization".into(),
            code: "token_invalid".into(),
            message: "TikTok Shop no longer accepts this connection's authorization. Reconnect to refresh it.".into(),
        };
        let mut row = row.clone();
        row.status = "needs_reconnect".into();
        row.fetch_issues = serde_json::to_string(std::slice::from_ref(&issue))
            .map_err(|e| SyncError::Encode(format!("issues: {e}")))?;
        self.db.save_connection_results(&row).await?;
        let _ = self
            .db
            .record_event(
                "tiktok_needs_reconnect",
                Some(&row.wallet),
                &format!("connection {}", row.id),
            )
            .await;
        tracing::warn!(connection.id = %row.id, "the authorization failed for good; the connection needs a reconnect");
        Ok(RunSummary {
            issues: vec![issue],
            ..Default::default()
        })
    }

    /// One resource's run: resumes the slices of a run in flight, or plans a new one.
    async fn run_resource(
        &self,
        ctx: &RunCtx,
        resource: Resource,
        watermark: Option<i64>,
        now: i64,
    ) -> Result<ResourceDone, SyncError> {
        if resource == Resource::ShopMetrics {
            let perf = self.call(ctx, &GetShopPerformance, i64::MAX).await?;
            return Ok(ResourceDone {
                watermark: now,
                metrics: Some(perf),
            });
        }
        let mut slices = self
            .db
            .load_checkpoints(&ctx.connection_id, resource.name())
            .await?;
        if slices.is_empty() {
            slices = resource.plan(
                &ctx.connection_id,
                watermark,
                now,
                self.settings.backfill_slices,
            );
            self.db.create_checkpoints(&slices).await?;
        } else {
            tracing::info!(connection.id = %ctx.connection_id, resource = resource.name(), "resuming a sync from its checkpoints");
        }
        let until = slices.iter().map(|s| s.window_until).max().unwrap_or(now);
        let results = join_all(
            slices
                .into_iter()
                .filter(|s| !s.done)
                .map(|s| self.run_slice(ctx, resource, s)),
        )
        .await;
        // Database failures and a lost authorization come first; then TikTok's.
        let mut first_tiktok = None;
        for result in results {
            match result {
                Ok(()) => {}
                Err(SyncError::TikTok(e)) => {
                    first_tiktok.get_or_insert(e);
                }
                Err(other) => return Err(other),
            }
        }
        match first_tiktok {
            Some(e) => Err(SyncError::TikTok(e)),
            None => Ok(ResourceDone {
                watermark: until,
                metrics: None,
            }),
        }
    }

    async fn run_slice(
        &self,
        ctx: &RunCtx,
        resource: Resource,
        cp: CheckpointRow,
    ) -> Result<(), SyncError> {
        let sid = ctx.source_id.clone();
        let (from, until) = (cp.window_from, cp.window_until);
        match resource {
            Resource::Orders => {
                let mut filter = OrderSearchFilter::default();
                let sort_field = if cp.incremental {
                    filter.update_time_ge = Some(from);
                    filter.update_time_lt = Some(until);
                    "update_time"
                } else {
                    filter.create_time_ge = Some(from);
                    filter.create_time_lt = Some(until);
                    "create_time"
                };
                let request = SearchOrders {
                    page_size: self.settings.page_size.clamp(1, MAX_PAGE_SIZE),
                    page_token: None,
                    sort_field: sort_field.into(),
                    sort_order: SortOrder::Asc,
                    filter,
                };
                self.pages(ctx, cp, request, |p| {
                    (
                        p.orders.iter().map(|o| normalize::order(&sid, o)).collect(),
                        Some(p.total_count),
                    )
                })
                .await
            }
            Resource::Returns => {
                let mut request = SearchReturns::created_between(from, until);
                request.page_size = self.settings.page_size.clamp(1, MAX_PAGE_SIZE);
                if cp.incremental {
                    request.filter = ReturnSearchFilter {
                        update_time_ge: Some(from),
                        update_time_lt: Some(until),
                        ..Default::default()
                    };
                }
                self.pages(ctx, cp, request, |p| {
                    (
                        p.return_orders
                            .iter()
                            .map(|r| normalize::return_order(&sid, r))
                            .collect(),
                        Some(p.total_count),
                    )
                })
                .await
            }
            Resource::Statements => {
                let request = GetStatements {
                    statement_time_ge: Some(from),
                    statement_time_lt: Some(until),
                    ..Default::default()
                };
                self.pages(ctx, cp, request, |p| {
                    (
                        p.statements
                            .iter()
                            .map(|s| normalize::statement(&sid, s))
                            .collect(),
                        None,
                    )
                })
                .await
            }
            Resource::Payments => {
                let request = GetPayments {
                    create_time_ge: Some(from),
                    create_time_lt: Some(until),
                    ..Default::default()
                };
                self.pages(ctx, cp, request, |p| {
                    (
                        p.payments
                            .iter()
                            .map(|s| normalize::payment(&sid, s))
                            .collect(),
                        None,
                    )
                })
                .await
            }
            Resource::Products => {
                self.pages(ctx, cp, SearchProducts::default(), |p| {
                    (
                        p.products
                            .iter()
                            .map(|s| normalize::product(&sid, s))
                            .collect(),
                        Some(p.total_count),
                    )
                })
                .await
            }
            Resource::AffiliateOrders => {
                let request = SearchCreatorAffiliateOrders::created_between(from, until);
                self.pages(ctx, cp, request, |p| {
                    (
                        p.orders
                            .iter()
                            .flat_map(|o| normalize::affiliate_order(&sid, o))
                            .collect(),
                        Some(p.total_count),
                    )
                })
                .await
            }
            Resource::ShopMetrics => Ok(()),
        }
    }

    /// Fetches a slice page by page from its checkpoint; each page's records and the moved
    /// checkpoint commit together.
    async fn pages<R, F>(
        &self,
        ctx: &RunCtx,
        mut cp: CheckpointRow,
        first: R,
        read: F,
    ) -> Result<(), SyncError>
    where
        R: Paginated,
        R::Response: Page,
        F: Fn(&R::Response) -> (Vec<Record>, Option<i64>),
    {
        let mut request = first.at_page(cp.page_token.clone());
        loop {
            // What the slice has left ranks it for the shop's rate limiter, so slices that
            // fell behind (faults, retries) catch up and all finish together. Without a total
            // (before the first page, or a resource TikTok does not count) it goes first.
            let rank = if cp.total == 0 {
                i64::MAX
            } else {
                (cp.total - cp.fetched).max(0)
            };
            let page = self.call(ctx, &request, rank).await?;
            let (records, total) = read(&page);
            if cp.total == 0 {
                cp.total = total.unwrap_or(0);
            }
            cp.fetched += records.len() as i64;
            let next = page.next_page_token().map(str::to_string);
            cp.done = next.is_none();
            cp.page_token = next.clone();
            let changed = self
                .db
                .store_page(&self.owner, &cp, &records, now_unix())
                .await?;
            ctx.delivered
                .fetch_add(records.len() as u64, Ordering::Relaxed);
            ctx.changed.fetch_add(changed, Ordering::Relaxed);
            match next {
                Some(token) => request = request.at_page(Some(token)),
                None => return Ok(()),
            }
        }
    }

    /// One call with the connection's token, queued at `rank` for the shop's rate limiter:
    /// the token is refreshed once on 105002; a malformed answer or a transient failure the
    /// client gave up on is tried a few more times.
    async fn call<R: ApiRequest>(
        &self,
        ctx: &RunCtx,
        request: &R,
        rank: i64,
    ) -> Result<R::Response, SyncError> {
        let mut refreshed = false;
        let mut failures = 0u32;
        loop {
            let token = ctx.tokens.current();
            match self
                .client
                .send_ranked(&token, ctx.cipher.as_ref(), request, rank)
                .await
            {
                Ok(response) => return Ok(response),
                Err(e) => match e.kind() {
                    ErrorKind::TokenExpired if !refreshed => {
                        refreshed = true;
                        ctx.tokens.refresh_after(self, &token).await?;
                    }
                    ErrorKind::InvalidToken | ErrorKind::TokenExpired => {
                        return Err(SyncError::NeedsReconnect)
                    }
                    ErrorKind::Decode
                    | ErrorKind::RateLimited
                    | ErrorKind::ServerError
                    | ErrorKind::Timeout
                    | ErrorKind::Transport
                        if failures < PAGE_RETRIES =>
                    {
                        failures += 1;
                        tokio::time::sleep(crate::tiktok::client::backoff(
                            failures,
                            e.retry_after(),
                        ))
                        .await;
                    }
                    _ => return Err(SyncError::TikTok(e)),
                },
            }
        }
    }

    /// Income and score over the stored records of `rows`, streamed from the database.
    pub async fn compute(
        &self,
        rows: &[ConnectionRow],
        now: i64,
    ) -> Result<(IncomeReport, ScoreReport), SyncError> {
        let sources: Vec<SourceInfo> = rows
            .iter()
            .map(|r| serde_json::from_str(&r.source_info))
            .collect::<Result<_, _>>()
            .map_err(|e| SyncError::Encode(format!("a stored source: {e}")))?;
        let mut acc = IncomeAccumulator::new(
            IncomeWindow::new(now, WINDOW_DAYS),
            &sources,
            self.fx.clone(),
        );
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        self.db
            .for_each_record(&ids, &mut |record| acc.add(&record))
            .await?;
        let income = acc.finish();
        let score = compute_score(&income);
        Ok((income, score))
    }

    /// Recomputes and stores the borrower's score over all their active or stale connections.
    pub async fn recompute_wallet(&self, wallet: &str, now: i64) -> Result<(), SyncError> {
        let rows: Vec<ConnectionRow> = self
            .db
            .list_connections(wallet)
            .await?
            .into_iter()
            .filter(|r| r.status != "revoked")
            .collect();
        if rows.is_empty() {
            return Ok(self.db.delete_wallet_score(wallet).await?);
        }
        let (income, score) = self.compute(&rows, now).await?;
        let row = crate::db::WalletScoreRow {
            wallet: wallet.to_string(),
            income: serde_json::to_string(&income)
                .map_err(|e| SyncError::Encode(format!("income: {e}")))?,
            score: serde_json::to_string(&score)
                .map_err(|e| SyncError::Encode(format!("score: {e}")))?,
            model_version: score.model_version.clone(),
            inputs_digest: score.inputs_digest.clone(),
            computed_at: now,
        };
        Ok(self.db.save_wallet_score(&row).await?)
    }
}

/// A resource's completed run.
struct ResourceDone {
    watermark: i64,
    metrics: Option<crate::tiktok::api::ShopPerformance>,
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
