//! One run of one connection, under its lease: the resources selected, fetched concurrently
//! within the run's deadline, each outcome recorded on its job, the source and issues saved,
//! and the wallet rescored once when the inputs changed (and while a long backfill lands, so
//! the dashboard's figures follow it).

use std::sync::atomic::{AtomicU64, Ordering};

use app::api::FetchIssue;
use futures::future::join_all;
use shopscore::records::{CustomerService, DataScope, ShopAnalytics, SourceKind};

use super::fetch::Outcome;
use super::resource::{self, Resource};
use super::tokens::Tokens;
use super::{RunSummary, Selection, SyncEngine, SyncError};
use crate::db::{Connection, ConnectionStatus, Job, JobOutcome, RunLease};
use crate::tiktok::ShopCipher;

/// Whose data the run's calls read.
pub(super) enum Account {
    /// A shop: its cipher.
    Shop(ShopCipher),
    /// A creator: the open id.
    Creator(String),
}

/// What one run shares between its resources and slices.
pub(super) struct RunCtx {
    pub lease: RunLease,
    pub connection: Connection,
    pub account: Account,
    pub tokens: Tokens,
    pub now: i64,
    pub delivered: AtomicU64,
    pub changed: AtomicU64,
    pub unreadable: AtomicU64,
}

impl RunCtx {
    /// The connection's TikTok account id (the records' `source`).
    pub fn source_id(&self) -> &str {
        &self.connection.platform_account_id
    }
}

/// What a single-call resource changes on the connection's source.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SourceUpdate {
    /// Nothing (a paged resource).
    None,
    /// TikTok's analytics for the window (`None`: not available).
    Analytics(Option<ShopAnalytics>),
    /// Customer-service performance.
    CustomerService(CustomerService),
}

impl SyncEngine {
    /// Runs under a lease already held, renewing it while the run lasts and logging the run.
    pub(super) async fn run_leased(
        &self,
        lease: &RunLease,
        selection: Selection,
    ) -> Result<RunSummary, SyncError> {
        let run_id = lease
            .token
            .rsplit(':')
            .next()
            .unwrap_or(&lease.token)
            .to_string();
        self.db
            .start_run(&run_id, lease, self.clock.now_millis())
            .await?;
        let result = tokio::select! {
            result = self.run(lease, selection) => result,
            lost = self.heartbeat(lease) => Err(lost),
        };
        let outcome = match &result {
            Ok(s) if s.skipped => "skipped".to_string(),
            Ok(s) if s.issues.is_empty() => "ok".to_string(),
            Ok(s) => format!("issues: {}", s.issues.len()),
            Err(e) => format!("error: {e}"),
        };
        if let Err(e) = self
            .db
            .finish_run(&run_id, self.clock.now_millis(), &outcome)
            .await
        {
            tracing::warn!(connection.id = %lease.connection_id, error = %e, "cannot log the end of a sync run");
        }
        result
    }

    async fn run(&self, lease: &RunLease, selection: Selection) -> Result<RunSummary, SyncError> {
        let started = std::time::Instant::now();
        let now = self.clock.now();
        let id = lease.connection_id.as_str();
        let skipped = RunSummary {
            skipped: true,
            ..Default::default()
        };
        let Some(connection) = self.db.load_connection(id).await? else {
            return Ok(skipped);
        };
        if connection.status != ConnectionStatus::Active
            || connection.generation != lease.generation
        {
            return Ok(skipped);
        }
        let kind_resources = Resource::for_kind(connection.account);
        self.db
            .ensure_jobs(lease, &resource::names(kind_resources), now)
            .await?;
        self.db.take_requests(lease).await?;
        let jobs = self.db.list_jobs(id).await?;
        let resources = select(kind_resources, &jobs, &selection, now);
        if resources.is_empty() {
            return Ok(RunSummary::default());
        }
        let grant = self
            .db
            .load_grant(&connection.grant_id)
            .await?
            .ok_or(SyncError::NeedsReconnect);
        let tokens = match grant {
            Ok(grant) => Tokens::open(self, &grant).await,
            Err(e) => Err(e),
        };
        let tokens = match tokens {
            Ok(tokens) => tokens,
            Err(SyncError::NeedsReconnect | SyncError::RefreshRefused) => {
                return self.needs_reconnect(lease, &connection).await
            }
            Err(SyncError::TikTok(e)) => {
                // The token endpoint failed (not a refusal): every selected resource waits
                // with the issue, and the next run tries the refresh again.
                let outcomes = resources
                    .iter()
                    .map(|r| Outcome::Failed(resource::issue(*r, &e), e.kind()))
                    .collect();
                return self
                    .record_outcomes(
                        lease,
                        &connection,
                        &jobs,
                        &resources,
                        outcomes,
                        None,
                        started,
                    )
                    .await;
            }
            Err(e) => return Err(e),
        };
        let account = match connection.account {
            SourceKind::Shop => Account::Shop(ShopCipher::parse(
                connection.shop_cipher.as_deref().unwrap_or_default(),
            )?),
            SourceKind::Creator => Account::Creator(connection.platform_account_id.clone()),
        };
        let ctx = RunCtx {
            lease: lease.clone(),
            connection,
            account,
            tokens,
            now,
            delivered: AtomicU64::new(0),
            changed: AtomicU64::new(0),
            unreadable: AtomicU64::new(0),
        };
        let deadline = tokio::time::Instant::now() + self.settings.run_deadline;
        let outcomes = {
            let fetches = join_all(resources.iter().map(|r| {
                let job = jobs.iter().find(|j| j.resource == r.name());
                let r = *r;
                let ctx = &ctx;
                async move {
                    match tokio::time::timeout_at(deadline, self.run_resource(ctx, r, job)).await {
                        Ok(result) => result,
                        Err(_) => Ok(Outcome::deadline(r, self.settings.run_deadline)),
                    }
                }
            }));
            let progress = self.rescore_while(&ctx);
            tokio::pin!(fetches);
            tokio::select! {
                outcomes = &mut fetches => outcomes,
                never = progress => match never {},
            }
        };
        let outcomes = outcomes.into_iter().collect::<Result<Vec<_>, _>>()?;
        let RunCtx {
            connection,
            delivered,
            changed,
            unreadable,
            ..
        } = ctx;
        let mut summary = self
            .record_outcomes(
                lease,
                &connection,
                &jobs,
                &resources,
                outcomes,
                Some(changed.load(Ordering::Relaxed)),
                started,
            )
            .await?;
        summary.delivered = delivered.load(Ordering::Relaxed);
        summary.unreadable = unreadable.load(Ordering::Relaxed);
        Ok(summary)
    }

    /// While a run lands pages, rescores the wallet every few heartbeats when records changed,
    /// so a long backfill's figures appear as it goes. Never returns (the run's end drops it).
    async fn rescore_while(&self, ctx: &RunCtx) -> std::convert::Infallible {
        let every = (self.settings.lease / 3).max(std::time::Duration::from_millis(200)) * 3;
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        let mut seen = 0;
        loop {
            tick.tick().await;
            let changed = ctx.changed.load(Ordering::Relaxed);
            if changed > seen {
                seen = changed;
                if let Err(e) = self.scorer.rescore(&ctx.connection.wallet).await {
                    tracing::warn!(wallet = %ctx.connection.wallet, error = %e, "cannot rescore during a backfill");
                }
            }
        }
    }

    /// Records each resource's outcome on its job, saves the connection's source and issues,
    /// and rescores the wallet when its inputs changed.
    #[allow(clippy::too_many_arguments)]
    async fn record_outcomes(
        &self,
        lease: &RunLease,
        connection: &Connection,
        jobs: &[Job],
        resources: &[Resource],
        outcomes: Vec<Outcome>,
        changed: Option<u64>,
        started: std::time::Instant,
    ) -> Result<RunSummary, SyncError> {
        let now = self.clock.now();
        let mut summary = RunSummary {
            resources: resource::names(resources)
                .into_iter()
                .map(str::to_string)
                .collect(),
            changed: changed.unwrap_or(0),
            ..Default::default()
        };
        let mut source = connection.source.clone();
        let mut reconnect = false;
        let mut completed = false;
        for (r, outcome) in resources.iter().zip(outcomes) {
            let attempts = jobs
                .iter()
                .find(|j| j.resource == r.name())
                .map_or(0, |j| j.attempts);
            let every = r.every(&self.settings).as_secs() as i64;
            let job = match outcome {
                Outcome::Done { watermark, update } => {
                    completed = true;
                    match update {
                        SourceUpdate::None => {}
                        SourceUpdate::Analytics(a) => source.analytics = a,
                        SourceUpdate::CustomerService(c) => source.customer_service = Some(c),
                    }
                    JobOutcome {
                        next_run_at: now + every,
                        watermark: Some(watermark),
                        issue: None,
                        now,
                    }
                }
                Outcome::Failed(issue, kind) => {
                    tracing::info!(connection.id = %lease.connection_id, resource = r.name(), code = %issue.code, "a resource could not be fetched; it will be retried");
                    let wait = if kind == crate::tiktok::ErrorKind::MissingScope {
                        // Asking again before the cadence cannot grant the permission.
                        every
                    } else {
                        super::slices::retry_after(attempts, r.every(&self.settings)).as_secs()
                            as i64
                    };
                    if kind == crate::tiktok::ErrorKind::MissingScope {
                        match r {
                            Resource::Analytics => source.analytics = None,
                            Resource::CustomerService => source.customer_service = None,
                            _ => {}
                        }
                    }
                    summary.issues.push(issue.clone());
                    JobOutcome {
                        next_run_at: now + wait,
                        watermark: None,
                        issue: Some(issue),
                        now,
                    }
                }
                Outcome::Reconnect => {
                    reconnect = true;
                    continue;
                }
            };
            self.db.finish_job(lease, r.name(), &job).await?;
        }
        if reconnect {
            return self.needs_reconnect(lease, connection).await;
        }
        // The connection's issues are its jobs' last outcomes, whichever run they came from.
        let issues: Vec<FetchIssue> = self
            .db
            .list_jobs(&lease.connection_id)
            .await?
            .into_iter()
            .filter_map(|j| j.issue)
            .collect();
        source.missing_scopes = missing_scopes(&issues);
        self.db
            .save_results(lease, &source, &issues, completed.then_some(now))
            .await?;
        let inputs_changed = summary.changed > 0
            || connection.figures.is_none()
            || source != connection.source
            || issues != connection.fetch_issues;
        if inputs_changed {
            self.scorer.rescore(&connection.wallet).await?;
            summary.rescored = true;
        }
        tracing::info!(
            connection.id = %lease.connection_id,
            resources = summary.resources.len(),
            records.changed = summary.changed,
            issues = summary.issues.len(),
            duration_ms = started.elapsed().as_millis() as u64,
            "connection synced"
        );
        Ok(summary)
    }

    /// TikTok refused the grant for good: the connection needs a reconnect, but only if it is
    /// still the generation this run leased (an old failing run never marks a fresh reconnect).
    async fn needs_reconnect(
        &self,
        lease: &RunLease,
        connection: &Connection,
    ) -> Result<RunSummary, SyncError> {
        let changed = self
            .db
            .set_status(
                &lease.connection_id,
                lease.generation,
                ConnectionStatus::Active,
                ConnectionStatus::NeedsReconnect,
            )
            .await?;
        if !changed {
            return Ok(RunSummary {
                skipped: true,
                ..Default::default()
            });
        }
        let issue = FetchIssue {
            resource: "authorization".into(),
            code: "token_invalid".into(),
            message: "TikTok Shop no longer accepts this connection's authorization. Reconnect to refresh it.".into(),
        };
        self.db
            .save_results(
                lease,
                &connection.source,
                std::slice::from_ref(&issue),
                None,
            )
            .await?;
        if let Err(e) = self
            .db
            .record_event(
                "tiktok_needs_reconnect",
                Some(&connection.wallet),
                &format!("connection {}", connection.id),
                self.clock.now(),
            )
            .await
        {
            tracing::warn!(error = %e, "cannot record an audit event");
        }
        tracing::warn!(connection.id = %connection.id, "the authorization failed for good; the connection needs a reconnect");
        self.scorer.rescore(&connection.wallet).await?;
        Ok(RunSummary {
            issues: vec![issue],
            rescored: true,
            ..Default::default()
        })
    }
}

/// The resources a run fetches.
fn select(
    kind_resources: &[Resource],
    jobs: &[Job],
    selection: &Selection,
    now: i64,
) -> Vec<Resource> {
    match selection {
        Selection::All => kind_resources.to_vec(),
        Selection::Due => kind_resources
            .iter()
            .copied()
            .filter(|r| {
                jobs.iter()
                    .any(|j| j.resource == r.name() && j.next_run_at <= now)
            })
            .collect(),
        Selection::Only(list) => list
            .iter()
            .copied()
            .filter(|r| kind_resources.contains(r))
            .collect(),
    }
}

/// The data scopes the issues say were not granted, each once.
fn missing_scopes(issues: &[FetchIssue]) -> Vec<DataScope> {
    let mut scopes = Vec::new();
    for scope in issues
        .iter()
        .filter(|i| i.code == resource::MISSING_PERMISSION)
        .filter_map(|i| Resource::parse(&i.resource))
        .map(Resource::scope)
    {
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    scopes
}
