//! The scheduler inside `shopscore serve`: workers that claim due connections, sync them and
//! look again, woken early by webhooks and connects. Several instances share the work through
//! the leases. A shutdown first stops the claiming ([`SyncEngine::drain`]), then lets the runs
//! in flight finish within a deadline.

use std::sync::Arc;

use tokio::task::JoinHandle;

use super::SyncEngine;

/// Starts `settings.workers` workers. They stop by themselves once the engine drains.
pub fn spawn(engine: Arc<SyncEngine>) -> Vec<JoinHandle<()>> {
    (0..engine.settings().workers.max(1))
        .map(|worker| {
            let engine = engine.clone();
            tokio::spawn(async move { work(engine, worker).await })
        })
        .collect()
}

async fn work(engine: Arc<SyncEngine>, worker: u32) {
    tracing::info!(owner = engine.owner(), worker, "sync worker started");
    let mut idle = tokio::time::interval(engine.settings().poll);
    idle.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !engine.is_draining() {
        match engine.run_next_due().await {
            Ok(Some((id, summary))) => {
                tracing::debug!(connection.id = %id, changed = summary.changed, "scheduled sync finished");
                continue;
            }
            Ok(None) => {}
            Err(e) if e.is_superseded() => {
                tracing::info!(owner = engine.owner(), worker, reason = %e, "a scheduled sync was taken over");
            }
            Err(e) => {
                tracing::warn!(owner = engine.owner(), worker, error = %e, "a scheduled sync failed; it will be retried");
            }
        }
        tokio::select! {
            _ = idle.tick() => {}
            _ = engine.woken() => {}
        }
    }
    tracing::info!(owner = engine.owner(), worker, "sync worker stopped");
}
