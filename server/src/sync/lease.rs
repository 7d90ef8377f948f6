//! Leases: a lease names one run (`instance:run`) on one generation of a connection. It is
//! taken by a claim (the scheduler) or by a wait (the connect flow, the CLI), renewed by a
//! heartbeat while the run lasts, and given up at the end. The store fences every write of the
//! run by it, so a run that lost its lease (it lapsed, or a reconnect or revocation ended it)
//! cannot write another page.

use std::time::Duration;

use super::{SyncEngine, SyncError};
use crate::db::{DbError, RunLease};

/// How often a run waiting for a lease looks again.
const LEASE_POLL: Duration = Duration::from_millis(100);

impl SyncEngine {
    fn lease_secs(&self) -> i64 {
        self.settings.lease.as_secs().max(1) as i64
    }

    /// A fresh token for one run of this instance.
    fn run_token(&self) -> String {
        format!("{}:{}", self.owner, hex::encode(rand::random::<[u8; 8]>()))
    }

    /// Claims the connection with the most overdue job, if any.
    pub(super) async fn claim_due(&self) -> Result<Option<RunLease>, SyncError> {
        let now = self.clock.now();
        Ok(self
            .db
            .claim_due(&self.run_token(), now, now + self.lease_secs())
            .await?)
    }

    /// Leases a connection, waiting up to `wait` for a run that holds it.
    pub(super) async fn lease_waiting(
        &self,
        id: &str,
        wait: Duration,
    ) -> Result<RunLease, SyncError> {
        let token = self.run_token();
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let now = self.clock.now();
            if let Some(lease) = self
                .db
                .lease(id, &token, now, now + self.lease_secs())
                .await?
            {
                return Ok(lease);
            }
            if tokio::time::Instant::now() + LEASE_POLL > deadline {
                return Err(SyncError::Busy(format!("connection {id}")));
            }
            tokio::time::sleep(LEASE_POLL).await;
        }
    }

    /// Renews the lease every third of its length; returns when it is lost (the run is then
    /// cancelled). A renewal the database fails is tried again at the next beat: the lease
    /// itself lasts three beats.
    pub(super) async fn heartbeat(&self, lease: &RunLease) -> SyncError {
        let beat = (self.settings.lease / 3).max(Duration::from_millis(200));
        let mut tick = tokio::time::interval(beat);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            let until = self.clock.now() + self.lease_secs();
            match self.db.renew(lease, until).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(connection.id = %lease.connection_id, run = %lease.token, "the run lost its lease; it stops");
                    return SyncError::Db(DbError::LeaseLost(lease.connection_id.clone()));
                }
                Err(e) => {
                    tracing::warn!(connection.id = %lease.connection_id, error = %e, "cannot renew a sync lease")
                }
            }
        }
    }

    /// Gives the lease up (fenced: a run that lost it releases nothing).
    pub(super) async fn release(&self, lease: &RunLease) {
        if let Err(e) = self.db.release(lease).await {
            // The lease lapses by itself; nothing is lost.
            tracing::warn!(connection.id = %lease.connection_id, error = %e, "cannot release a sync lease");
        }
    }
}
