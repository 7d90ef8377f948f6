//! Fetching one resource of a run: its time slices page by page from their checkpoints (each
//! page's records and the moved checkpoint commit together, fenced by the lease), bounded by a
//! [`PageGuard`]; single calls for the analytics and customer service; a snapshot resource
//! (unsettled transactions) replaced as a whole.
//!
//! Retries: the client retries transient failures by its [`crate::tiktok::RetryPolicy`]; here
//! only a malformed page is tried again (twice), and an access token TikTok refuses is
//! refreshed once. A slice whose pages keep failing counts the failures on its checkpoint and
//! restarts from its first page after a few (a page token TikTok no longer accepts).

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::Duration;

use app::api::FetchIssue;
use futures::future::join_all;
use sha2::{Digest, Sha256};
use shopscore::records::{Record, RecordKind, Unparseable};

use super::resource::{self, Resource};
use super::run::{Account, RunCtx, SourceUpdate};
use super::{SyncEngine, SyncError};
use crate::db::{Checkpoint, Job};
use crate::tiktok::api::{self, Items};
use crate::tiktok::{
    normalize, ApiRequest, ErrorKind, Page, PageGuard, Paginated, Scope, TikTokError,
};

/// Extra tries of a page that did not decode (the client cannot judge a malformed body).
const MALFORMED_RETRIES: u32 = 2;
/// Failed pages of one slice (across runs) after which it restarts from its first page.
const RESTART_AFTER: i64 = 3;
/// Days of TikTok's own analytics read for the cross-check (complete days, today excluded).
const ANALYTICS_DAYS: i64 = 30;

/// How a resource's run ended.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Outcome {
    /// Completed: everything up to `watermark` is stored.
    Done {
        /// The new watermark.
        watermark: i64,
        /// What it changes on the source.
        update: SourceUpdate,
    },
    /// Failed with an issue for the borrower; the job backs off (by the error's kind).
    Failed(FetchIssue, ErrorKind),
    /// TikTok refused the authorization for good.
    Reconnect,
}

impl Outcome {
    /// The run's deadline passed while the resource was still fetching.
    pub(super) fn deadline(resource: Resource, deadline: Duration) -> Outcome {
        Outcome::Failed(
            FetchIssue {
                resource: resource.name().to_string(),
                code: "sync_deadline".into(),
                message: format!(
                    "Reading your {} from TikTok Shop took longer than {} minutes; we continue where it stopped.",
                    resource.name().replace('_', " "),
                    deadline.as_secs().div_ceil(60)
                ),
            },
            ErrorKind::Timeout,
        )
    }
}

/// Why one call failed.
enum CallError {
    /// TikTok's answer (after the client's retries, a refresh, the malformed retries).
    TikTok(TikTokError),
    /// The authorization is gone for good.
    Reconnect,
    /// Not TikTok: the database, the vault, a lost lease. Ends the run.
    Fatal(SyncError),
}

/// Why a slice stopped.
enum SliceError {
    Issue(FetchIssue, ErrorKind),
    Reconnect,
    Fatal(SyncError),
}

impl From<crate::db::DbError> for SliceError {
    fn from(e: crate::db::DbError) -> Self {
        SliceError::Fatal(SyncError::Db(e))
    }
}

/// Whether a failed page counts towards restarting its slice: failures tied to the page (a
/// refused token, a body that does not decode, TikTok's errors), not to the grant or the app.
fn counts_against_slice(kind: ErrorKind) -> bool {
    !matches!(
        kind,
        ErrorKind::MissingScope
            | ErrorKind::WrongAccount
            | ErrorKind::IpNotAllowed
            | ErrorKind::VersionRetired
            | ErrorKind::RateLimited
            | ErrorKind::InvalidToken
            | ErrorKind::TokenExpired
            | ErrorKind::RefreshRefused
    )
}

/// The records of the elements of a list that did not decode, kept as data warnings (an
/// element without an id is named by a digest of why it failed, so a re-read replaces it).
fn unreadable<T>(source: &str, kind: RecordKind, items: &Items<T>) -> Vec<Record> {
    items
        .bad
        .iter()
        .map(|(id, reason)| {
            let id = if id.trim().is_empty() {
                let digest = Sha256::digest(reason.as_bytes());
                format!("unreadable-{}", hex::encode(&digest[..8]))
            } else {
                id.clone()
            };
            Record::Unparseable(Unparseable {
                source: source.to_string(),
                kind,
                id,
                reason: reason.clone(),
            })
        })
        .collect()
}

/// `YYYY-MM-DD` of a unix time (UTC).
fn date(unix: i64) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

impl SyncEngine {
    /// One resource's run: resumes the slices of a run in flight, or plans a new one.
    pub(super) async fn run_resource(
        &self,
        ctx: &RunCtx,
        resource: Resource,
        job: Option<&Job>,
    ) -> Result<Outcome, SyncError> {
        if resource.is_single_call() {
            return self.single_call(ctx, resource).await;
        }
        let lease = &ctx.lease;
        let snapshot = resource.snapshot();
        let mut slices = self
            .db
            .load_checkpoints(&lease.connection_id, resource.name())
            .await?;
        // A snapshot is always read whole (what it no longer lists is dropped at the end).
        if slices.is_empty() || snapshot.is_some() {
            slices = resource.plan(
                job.and_then(|j| j.watermark),
                ctx.now,
                self.settings.history_days,
                self.settings.backfill_slices,
            );
            for slice in &mut slices {
                slice.connection_id = lease.connection_id.clone();
            }
            self.db.create_checkpoints(lease, &slices).await?;
        } else {
            tracing::info!(connection.id = %lease.connection_id, resource = resource.name(), "resuming a sync from its checkpoints");
        }
        let until = slices
            .iter()
            .map(|s| s.window_until)
            .max()
            .unwrap_or(ctx.now);
        let seen = snapshot.map(|_| Mutex::new(HashSet::new()));
        let results = join_all(
            slices
                .into_iter()
                .filter(|s| !s.done)
                .map(|s| self.run_slice(ctx, resource, s, seen.as_ref())),
        )
        .await;
        let mut reconnect = false;
        let mut first_issue = None;
        for result in results {
            match result {
                Ok(()) => {}
                Err(SliceError::Fatal(e)) => return Err(e),
                Err(SliceError::Reconnect) => reconnect = true,
                Err(SliceError::Issue(issue, kind)) => {
                    first_issue.get_or_insert((issue, kind));
                }
            }
        }
        if reconnect {
            return Ok(Outcome::Reconnect);
        }
        if let Some((issue, kind)) = first_issue {
            return Ok(Outcome::Failed(issue, kind));
        }
        if let (Some(kind), Some(seen)) = (snapshot, seen) {
            let seen = seen.into_inner().unwrap_or_else(|p| p.into_inner());
            let mut gone = Vec::new();
            self.db
                .for_each_record_id(&lease.connection_id, kind.name(), &mut |id| {
                    if !seen.contains(&id) {
                        gone.push(id);
                    }
                })
                .await?;
            if !gone.is_empty() {
                let deleted = self.db.delete_records(lease, kind.name(), &gone).await?;
                ctx.changed.fetch_add(deleted, Ordering::Relaxed);
            }
        }
        Ok(Outcome::Done {
            watermark: until,
            update: SourceUpdate::None,
        })
    }

    /// A resource read by one call: its result lands on the source.
    async fn single_call(&self, ctx: &RunCtx, resource: Resource) -> Result<Outcome, SyncError> {
        let today = ctx.now.div_euclid(86_400) * 86_400;
        let (from, until) = (date(today - ANALYTICS_DAYS * 86_400), date(today));
        let update = match resource {
            Resource::Analytics => {
                let request = api::GetShopPerformance {
                    start_date_ge: from,
                    end_date_lt: until,
                    currency: "LOCAL".into(),
                };
                match self.call(ctx, &request, i64::MAX).await {
                    Ok(data) => match normalize::shop_analytics(&data) {
                        Ok(analytics) => SourceUpdate::Analytics(Some(analytics)),
                        Err(reason) => {
                            tracing::warn!(connection.id = %ctx.lease.connection_id, %reason, "TikTok's analytics could not be read");
                            return Ok(Outcome::Failed(
                                resource::issue(
                                    resource,
                                    &TikTokError::Decode {
                                        endpoint: api::GetShopPerformance::PATH,
                                        status: 200,
                                        reason,
                                        scrubbed_body_excerpt: String::new(),
                                    },
                                ),
                                ErrorKind::Decode,
                            ));
                        }
                    },
                    Err(e) => return self.call_outcome(resource, e),
                }
            }
            Resource::CustomerService => {
                let request = api::GetCustomerServicePerformance {
                    support_date_ge: from,
                    support_date_lt: until,
                };
                match self.call(ctx, &request, i64::MAX).await {
                    Ok(data) => SourceUpdate::CustomerService(normalize::customer_service(&data)),
                    Err(e) => return self.call_outcome(resource, e),
                }
            }
            _ => SourceUpdate::None,
        };
        Ok(Outcome::Done {
            watermark: ctx.now,
            update,
        })
    }

    fn call_outcome(&self, resource: Resource, error: CallError) -> Result<Outcome, SyncError> {
        match error {
            CallError::TikTok(e) => {
                let kind = e.kind();
                Ok(Outcome::Failed(resource::issue(resource, &e), kind))
            }
            CallError::Reconnect => Ok(Outcome::Reconnect),
            CallError::Fatal(e) => Err(e),
        }
    }

    async fn run_slice(
        &self,
        ctx: &RunCtx,
        resource: Resource,
        cp: Checkpoint,
        seen: Option<&Mutex<HashSet<String>>>,
    ) -> Result<(), SliceError> {
        let sid = ctx.source_id().to_string();
        let (from, until) = (cp.window_from, cp.window_until);
        match resource {
            Resource::Orders => {
                let request = if cp.incremental {
                    api::SearchOrders::updated_between(from, until)
                } else {
                    api::SearchOrders::created_between(from, until)
                };
                self.pages(ctx, resource, cp, request, seen, |p| {
                    let mut records: Vec<Record> = p
                        .orders
                        .ok
                        .iter()
                        .map(|o| normalize::order(&sid, o))
                        .collect();
                    records.extend(unreadable(&sid, RecordKind::Order, &p.orders));
                    records
                })
                .await
            }
            Resource::Returns => {
                let request = if cp.incremental {
                    api::SearchReturns::updated_between(from, until)
                } else {
                    api::SearchReturns::created_between(from, until)
                };
                self.pages(ctx, resource, cp, request, seen, |p| {
                    let mut records: Vec<Record> = p
                        .return_orders
                        .ok
                        .iter()
                        .map(|r| normalize::return_order(&sid, r))
                        .collect();
                    records.extend(unreadable(&sid, RecordKind::Return, &p.return_orders));
                    records
                })
                .await
            }
            Resource::Statements => {
                let request = api::GetStatements::between(from, until);
                self.pages(ctx, resource, cp, request, seen, |p| {
                    let mut records: Vec<Record> = p
                        .statements
                        .ok
                        .iter()
                        .map(|s| normalize::statement(&sid, s))
                        .collect();
                    records.extend(unreadable(&sid, RecordKind::Statement, &p.statements));
                    records
                })
                .await
            }
            Resource::Payments => {
                let request = api::GetPayments::between(from, until);
                self.pages(ctx, resource, cp, request, seen, |p| {
                    let mut records: Vec<Record> = p
                        .payments
                        .ok
                        .iter()
                        .map(|s| normalize::payment(&sid, s))
                        .collect();
                    records.extend(unreadable(&sid, RecordKind::Payment, &p.payments));
                    records
                })
                .await
            }
            Resource::Unsettled => {
                self.pages(
                    ctx,
                    resource,
                    cp,
                    api::GetUnsettledTransactions::all(),
                    seen,
                    |p| {
                        let mut records: Vec<Record> = p
                            .transactions
                            .ok
                            .iter()
                            .map(|t| normalize::unsettled(&sid, t))
                            .collect();
                        records.extend(unreadable(&sid, RecordKind::Unsettled, &p.transactions));
                        records
                    },
                )
                .await
            }
            Resource::Products => {
                self.pages(
                    ctx,
                    resource,
                    cp,
                    api::SearchProducts::default(),
                    seen,
                    |p| {
                        let mut records: Vec<Record> = p
                            .products
                            .ok
                            .iter()
                            .map(|s| normalize::product(&sid, s))
                            .collect();
                        records.extend(unreadable(&sid, RecordKind::Product, &p.products));
                        records
                    },
                )
                .await
            }
            Resource::SellerAffiliateOrders => {
                let request = api::SearchSellerAffiliateOrders::created_between(from, until);
                self.pages(ctx, resource, cp, request, seen, |p| {
                    let mut records: Vec<Record> = p
                        .orders
                        .ok
                        .iter()
                        .flat_map(|o| normalize::seller_affiliate_order(&sid, o))
                        .collect();
                    records.extend(unreadable(
                        &sid,
                        RecordKind::SellerAffiliateOrder,
                        &p.orders,
                    ));
                    records
                })
                .await
            }
            Resource::AffiliateOrders => {
                let request = api::SearchCreatorAffiliateOrders::created_between(from, until);
                self.pages(ctx, resource, cp, request, seen, |p| {
                    let mut records: Vec<Record> = p
                        .orders
                        .ok
                        .iter()
                        .flat_map(|o| normalize::creator_affiliate_order(&sid, o))
                        .collect();
                    records.extend(unreadable(&sid, RecordKind::AffiliateOrder, &p.orders));
                    records
                })
                .await
            }
            Resource::Analytics | Resource::CustomerService => Ok(()),
        }
    }

    /// Fetches a slice page by page from its checkpoint; each page's records and the moved
    /// checkpoint commit together.
    async fn pages<R, F>(
        &self,
        ctx: &RunCtx,
        resource: Resource,
        mut cp: Checkpoint,
        first: R,
        seen: Option<&Mutex<HashSet<String>>>,
        read: F,
    ) -> Result<(), SliceError>
    where
        R: Paginated,
        R::Response: Page,
        F: Fn(&R::Response) -> Vec<Record>,
    {
        let lease = &ctx.lease;
        let mut request = first.at_page(cp.page_token.clone());
        let mut guard = PageGuard::new(cp.page_token.as_deref());
        let mut restarted = false;
        loop {
            // What the slice has left ranks it for the account's rate limiter, so slices that
            // fell behind catch up and all finish together; before its first page (no total
            // yet) it goes first.
            let rank = if cp.total == 0 {
                i64::MAX
            } else {
                (cp.total - cp.fetched).max(0)
            };
            let page = match self.call(ctx, &request, rank).await {
                Ok(page) => page,
                Err(CallError::Reconnect) => return Err(SliceError::Reconnect),
                Err(CallError::Fatal(e)) => return Err(SliceError::Fatal(e)),
                Err(CallError::TikTok(e)) => {
                    let kind = e.kind();
                    if counts_against_slice(kind) {
                        cp.failures += 1;
                    }
                    if cp.failures >= RESTART_AFTER && cp.page_token.is_some() && !restarted {
                        tracing::warn!(connection.id = %lease.connection_id, resource = resource.name(), slice = cp.slice, error = %e, "a slice keeps failing at one page; it restarts from its first page");
                        restarted = true;
                        cp.page_token = None;
                        cp.failures = 0;
                        cp.fetched = 0;
                        self.db.update_checkpoint(lease, &cp).await?;
                        request = request.at_page(None);
                        guard = PageGuard::new(None);
                        continue;
                    }
                    self.db.update_checkpoint(lease, &cp).await?;
                    return Err(SliceError::Issue(resource::issue(resource, &e), kind));
                }
            };
            let records = read(&page);
            let total = page.total_count();
            let newly_counted = if cp.total == 0 {
                total.unwrap_or(0).max(0)
            } else {
                0
            };
            cp.total += newly_counted;
            cp.fetched += records.len() as i64;
            cp.failures = 0;
            let paging = guard.advance(
                records.len(),
                total,
                request.page_size(),
                page.next_page_token(),
            );
            let stopped = match paging {
                Ok(next) => {
                    cp.done = next.is_none();
                    cp.page_token = next;
                    None
                }
                Err(e) => {
                    // This page's records are good; the slice reads again from its start next
                    // time (and stops at the same bound).
                    cp.page_token = None;
                    cp.fetched = 0;
                    cp.failures += 1;
                    Some(e)
                }
            };
            if let Some(seen) = seen {
                let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                seen.extend(records.iter().map(|r| r.id().to_string()));
            }
            let changed = self
                .db
                .store_page(lease, &cp, &records, newly_counted, self.clock.now())
                .await?;
            let unreadable = records
                .iter()
                .filter(|r| matches!(r, Record::Unparseable(_)))
                .count() as u64;
            ctx.delivered
                .fetch_add(records.len() as u64, Ordering::Relaxed);
            ctx.changed.fetch_add(changed, Ordering::Relaxed);
            ctx.unreadable.fetch_add(unreadable, Ordering::Relaxed);
            if let Some(e) = stopped {
                tracing::warn!(alert = "tiktok_paging_stopped", connection.id = %lease.connection_id, resource = resource.name(), slice = cp.slice, error = %e, "paging stopped");
                return Err(SliceError::Issue(
                    FetchIssue {
                        resource: resource.name().to_string(),
                        code: "tiktok_paging_broken".into(),
                        message: format!(
                            "TikTok Shop kept naming more pages of your {} than it said it has; we stopped reading and will try again.",
                            resource.name().replace('_', " ")
                        ),
                    },
                    ErrorKind::Decode,
                ));
            }
            match &cp.page_token {
                Some(token) if !cp.done => request = request.at_page(Some(token.clone())),
                _ => return Ok(()),
            }
        }
    }

    /// One call with the run's token, queued at `rank` for the account's rate limiter: the
    /// token is refreshed once when TikTok refuses it; a malformed answer is tried again.
    async fn call<R: ApiRequest>(
        &self,
        ctx: &RunCtx,
        request: &R,
        rank: i64,
    ) -> Result<R::Response, CallError> {
        let mut refreshed = false;
        let mut malformed = 0;
        loop {
            let token = ctx.tokens.current();
            let scope = match &ctx.account {
                Account::Shop(cipher) => Scope::Shop(cipher),
                Account::Creator(open_id) => Scope::User(open_id),
            };
            let error = match self.client.send_ranked(&token, scope, request, rank).await {
                Ok(response) => return Ok(response),
                Err(e) => e,
            };
            match error.kind() {
                ErrorKind::InvalidToken | ErrorKind::TokenExpired if !refreshed => {
                    refreshed = true;
                    match ctx.tokens.refresh_after(self, &token).await {
                        Ok(()) => {}
                        Err(SyncError::NeedsReconnect | SyncError::RefreshRefused) => {
                            return Err(CallError::Reconnect)
                        }
                        Err(SyncError::TikTok(e)) => return Err(CallError::TikTok(e)),
                        Err(other) => return Err(CallError::Fatal(other)),
                    }
                }
                ErrorKind::Decode if malformed < MALFORMED_RETRIES => {
                    malformed += 1;
                    tracing::info!(endpoint = R::PATH, attempt = malformed, error = %error, "a malformed page; trying it again");
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(malformed))).await;
                }
                _ => return Err(CallError::TikTok(error)),
            }
        }
    }
}
