//! Scoring: the wallet's verified income, score and insights from one streamed pass over the
//! stored records of its counting connections, kept under the model version with the
//! dashboard's views. Called once per change: concurrent requests for one wallet coalesce (a
//! request made while a rescore runs is served by at most one more), and each finished
//! rescore is announced to the live dashboards.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use shopscore::income::{IncomeAccumulator, IncomeReport, IncomeWindow};
use shopscore::insights::Insights;
use shopscore::money::FxTable;
use shopscore::records::SourceInfo;
use shopscore::score::{compute_score, ScoreReport};
use tokio::sync::broadcast;

use super::views;
use crate::clock::Clock;
use crate::db::{Connection, ConnectionStatus, Database, DbError, NewScore};

/// The score window, in days (the insights use the whole history).
pub const WINDOW_DAYS: u32 = 90;

/// A wallet's rescore in flight: requests mark it dirty, one computation at a time serves them.
#[derive(Default)]
struct Slot {
    lock: tokio::sync::Mutex<()>,
    dirty: AtomicBool,
}

/// Income, score and insights of some connections at one time.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The verified-income report.
    pub income: IncomeReport,
    /// The score.
    pub score: ScoreReport,
    /// The insights from the same pass.
    pub insights: Insights,
}

/// The scoring service.
pub struct Scorer {
    db: Arc<dyn Database>,
    fx: FxTable,
    clock: Clock,
    history_days: u32,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
    changes: broadcast::Sender<String>,
}

impl Scorer {
    /// A scorer over the database, with the FX table and the history the sync fetches.
    pub fn new(db: Arc<dyn Database>, fx: FxTable, clock: Clock, history_days: u32) -> Self {
        Scorer {
            db,
            fx,
            clock,
            history_days,
            slots: Mutex::new(HashMap::new()),
            changes: broadcast::channel(256).0,
        }
    }

    /// Wallets whose score was just stored (or cleared), for live dashboards.
    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.changes.subscribe()
    }

    /// The FX table.
    pub fn fx(&self) -> &FxTable {
        &self.fx
    }

    fn slot(&self, wallet: &str) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(wallet.to_string()).or_default().clone()
    }

    fn forget_slot(&self, wallet: &str, slot: &Arc<Slot>) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        // Only this caller and the map hold it: nobody waits on it.
        if Arc::strong_count(slot) == 2 {
            slots.remove(wallet);
        }
    }

    /// Recomputes and stores the wallet's score over its counting connections, unless a
    /// rescore that started after this request already did. Returns when the wallet's stored
    /// score reflects everything written before the call.
    pub async fn rescore(&self, wallet: &str) -> Result<(), DbError> {
        let slot = self.slot(wallet);
        slot.dirty.store(true, Ordering::SeqCst);
        let result = {
            let _one_at_a_time = slot.lock.lock().await;
            if slot.dirty.swap(false, Ordering::SeqCst) {
                self.rescore_now(wallet).await
            } else {
                Ok(())
            }
        };
        self.forget_slot(wallet, &slot);
        result
    }

    async fn rescore_now(&self, wallet: &str) -> Result<(), DbError> {
        let started = std::time::Instant::now();
        let connections: Vec<Connection> = self
            .db
            .list_connections(wallet)
            .await?
            .into_iter()
            .filter(|c| c.status != ConnectionStatus::Revoked)
            .collect();
        if connections.is_empty() {
            self.db.clear_wallet_score(wallet).await?;
            let _ = self.changes.send(wallet.to_string());
            return Ok(());
        }
        let now = self.clock.now();
        let scored = self.compute(&connections, now).await?;
        let income = to_json(&scored.income)?;
        let report = to_json(&scored.score)?;
        let view = views::score_view(&scored.income, &scored.score, now);
        let sources: Vec<SourceInfo> = connections.iter().map(source_of).collect();
        let insights = views::insights_view(&scored.insights, &sources, now);
        let grade = format!("{:?}", scored.score.grade);
        self.db
            .save_score(
                &NewScore {
                    wallet,
                    model_version: &scored.score.model_version,
                    inputs_digest: &scored.score.inputs_digest,
                    computed_at: now,
                    score: scored.score.score,
                    grade: &grade,
                    income: &income,
                    report: &report,
                },
                &view,
                &insights,
            )
            .await?;
        for source in &scored.income.sources {
            if let Some(c) = connections
                .iter()
                .find(|c| c.platform_account_id == source.source.id)
            {
                self.db
                    .save_figures(&c.id, &views::revenue_data(source, &scored.income))
                    .await?;
            }
        }
        let _ = self.changes.send(wallet.to_string());
        tracing::info!(
            wallet,
            score = scored.score.score,
            records = scored.income.record_count,
            duration_ms = started.elapsed().as_millis() as u64,
            "wallet rescored"
        );
        Ok(())
    }

    /// Income, score and insights over the stored records of `connections` at `now`, streamed
    /// from the database (memory does not grow with the records).
    pub async fn compute(&self, connections: &[Connection], now: i64) -> Result<Scored, DbError> {
        let sources: Vec<SourceInfo> = connections.iter().map(source_of).collect();
        let window = IncomeWindow::new(now, WINDOW_DAYS).with_history(self.history_days);
        let mut accumulator = IncomeAccumulator::new(window, &sources, self.fx.clone());
        let ids: Vec<String> = connections.iter().map(|c| c.id.clone()).collect();
        self.db
            .for_each_record(&ids, &mut |record| accumulator.add(&record))
            .await?;
        let analysis = accumulator.finish_with_insights();
        let score = compute_score(&analysis.income);
        Ok(Scored {
            income: analysis.income,
            score,
            insights: analysis.insights,
        })
    }
}

/// The domain's description of a connection as a source: what connect and the syncs stored,
/// with `active` only while TikTok still accepts its authorization.
pub fn source_of(connection: &Connection) -> SourceInfo {
    let mut source = connection.source.clone();
    source.id = connection.platform_account_id.clone();
    source.kind = connection.account;
    source.currency = connection.currency;
    source.active = connection.status == ConnectionStatus::Active;
    source
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, DbError> {
    serde_json::to_string(value)
        .map_err(|e| DbError::Corrupt(format!("cannot encode a report: {e}")))
}
