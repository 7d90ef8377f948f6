//! `sync_jobs`, `sync_checkpoints`, `sync_runs` and the lease on a connection. A lease names
//! one run (`instance:run`); every write of a run (a page, a job's end, the results, the
//! release) is fenced by it, so a reconnect (which ends the lease) or another run that took an
//! expired lease can never interleave with it.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{from_json, to_json, Backend, Checkpoint, DbError, Job, JobOutcome, RunLease, SqlDb};

/// Jobs, checkpoints, leases and the run log.
#[async_trait]
pub trait JobStore {
    /// Leases the active connection with the most overdue job whose lease is free or expired,
    /// for the run `token`: `FOR UPDATE SKIP LOCKED` on PostgreSQL, one writing statement on
    /// SQLite.
    async fn claim_due(
        &self,
        token: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<RunLease>, DbError>;
    /// Leases one active connection for the run `token` if its lease is free or expired.
    async fn lease(
        &self,
        id: &str,
        token: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<RunLease>, DbError>;
    /// Extends the lease; false when the run no longer holds it.
    async fn renew(&self, lease: &RunLease, until: i64) -> Result<bool, DbError>;
    /// Gives the lease up (the run's progress counters go back to zero).
    async fn release(&self, lease: &RunLease) -> Result<(), DbError>;
    /// The jobs of a connection.
    async fn list_jobs(&self, connection_id: &str) -> Result<Vec<Job>, DbError>;
    /// Creates a connection's missing jobs, due at `now`.
    async fn ensure_jobs(
        &self,
        lease: &RunLease,
        resources: &[&str],
        now: i64,
    ) -> Result<(), DbError>;
    /// A webhook asks for jobs now; a job in backoff after failures keeps its wait.
    async fn request_sync(
        &self,
        connection_id: &str,
        resources: &[&str],
        now: i64,
    ) -> Result<(), DbError>;
    /// Clears the requests of a connection's jobs: the run starting now serves them.
    async fn take_requests(&self, lease: &RunLease) -> Result<(), DbError>;
    /// Records how a resource's run ended (a completed run drops its checkpoints) and the
    /// connection's next due time.
    async fn finish_job(
        &self,
        lease: &RunLease,
        resource: &str,
        outcome: &JobOutcome,
    ) -> Result<(), DbError>;
    /// Pushes the due jobs of a connection back after a run that failed outside TikTok,
    /// counting the failure; checkpoints stay.
    async fn defer_due_jobs(
        &self,
        connection_id: &str,
        now: i64,
        next_run_at: &(dyn for<'j> Fn(&'j Job) -> i64 + Sync),
    ) -> Result<(), DbError>;
    /// The slices of a resource's run in flight.
    async fn load_checkpoints(
        &self,
        connection_id: &str,
        resource: &str,
    ) -> Result<Vec<Checkpoint>, DbError>;
    /// Starts a resource's run: its slices.
    async fn create_checkpoints(
        &self,
        lease: &RunLease,
        slices: &[Checkpoint],
    ) -> Result<(), DbError>;
    /// Moves a slice without records (a failed page's count, a restart from its start).
    async fn update_checkpoint(&self, lease: &RunLease, slice: &Checkpoint) -> Result<(), DbError>;
    /// Saves a run's results on the connection (source, issues, and the last sync when one
    /// completed), fenced by the lease and the generation.
    async fn save_results(
        &self,
        lease: &RunLease,
        source: &shopscore::records::SourceInfo,
        issues: &[app::api::FetchIssue],
        synced_at: Option<i64>,
    ) -> Result<(), DbError>;
    /// Logs the start of a run.
    async fn start_run(&self, id: &str, lease: &RunLease, started_ms: i64) -> Result<(), DbError>;
    /// Logs the end of a run.
    async fn finish_run(&self, id: &str, finished_ms: i64, outcome: &str) -> Result<(), DbError>;
    /// Every run of a connection as `(run token, started_ms, finished_ms)`, oldest first.
    async fn list_runs(
        &self,
        connection_id: &str,
    ) -> Result<Vec<(String, i64, Option<i64>)>, DbError>;
    /// Deletes finished runs started before `before_ms`; returns how many.
    async fn purge_runs(&self, before_ms: i64) -> Result<u64, DbError>;
}

pub(super) async fn insert_checkpoint(
    tx: &mut super::WriteTx,
    connection_id: &str,
    k: &Checkpoint,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO sync_checkpoints (connection_id, resource, slice, incremental, window_from, \
           window_until, page_token, done, fetched, total, failures) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (connection_id, resource, slice) DO UPDATE SET incremental = excluded.incremental, \
           window_from = excluded.window_from, window_until = excluded.window_until, \
           page_token = excluded.page_token, done = excluded.done, fetched = excluded.fetched, \
           total = excluded.total, failures = excluded.failures",
    )
    .bind(connection_id)
    .bind(&k.resource)
    .bind(k.slice)
    .bind(i64::from(k.incremental))
    .bind(k.window_from)
    .bind(k.window_until)
    .bind(&k.page_token)
    .bind(i64::from(k.done))
    .bind(k.fetched)
    .bind(k.total)
    .bind(k.failures)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Locks the leased connection row for the rest of the transaction, or fails with
/// [`DbError::LeaseLost`]. Every fenced write starts with it.
pub(super) async fn fence(tx: &mut super::WriteTx, lease: &RunLease) -> Result<(), DbError> {
    let held = sqlx::query(
        "UPDATE business_connections SET sync_lease_token = sync_lease_token \
         WHERE id = $1 AND sync_lease_token = $2 AND generation = $3",
    )
    .bind(&lease.connection_id)
    .bind(&lease.token)
    .bind(lease.generation)
    .execute(&mut **tx)
    .await?;
    if held.rows_affected() == 1 {
        Ok(())
    } else {
        Err(DbError::LeaseLost(lease.connection_id.clone()))
    }
}

fn decode_checkpoint(r: &AnyRow) -> Result<Checkpoint, DbError> {
    Ok(Checkpoint {
        connection_id: r.try_get("connection_id")?,
        resource: r.try_get("resource")?,
        slice: r.try_get("slice")?,
        incremental: r.try_get::<i64, _>("incremental")? != 0,
        window_from: r.try_get("window_from")?,
        window_until: r.try_get("window_until")?,
        page_token: r.try_get("page_token")?,
        done: r.try_get::<i64, _>("done")? != 0,
        fetched: r.try_get("fetched")?,
        total: r.try_get("total")?,
        failures: r.try_get("failures")?,
    })
}

fn decode_lease(r: &AnyRow, token: &str) -> Result<RunLease, DbError> {
    Ok(RunLease {
        connection_id: r.try_get("id")?,
        token: token.to_string(),
        generation: r.try_get("generation")?,
    })
}

#[async_trait]
impl JobStore for SqlDb {
    async fn claim_due(
        &self,
        token: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<RunLease>, DbError> {
        let pick =
            "SELECT c.id FROM business_connections c JOIN sync_jobs j ON j.connection_id = c.id \
            WHERE c.status = 'active' AND j.next_run_at <= $3 \
              AND (c.sync_lease_token IS NULL OR c.sync_lease_until < $3) \
            ORDER BY j.next_run_at LIMIT 1";
        let sql = match self.backend {
            // The chosen row is locked with SKIP LOCKED: concurrent instances take different ones.
            Backend::Postgres => format!("{pick} FOR UPDATE OF c SKIP LOCKED"),
            // One UPDATE: SQLite's single writer makes the choice and the lease one step.
            Backend::Sqlite => pick.to_string(),
        };
        let row = sqlx::query(&format!(
            "UPDATE business_connections SET sync_lease_token = $1, sync_lease_until = $2, \
               sync_fetched = 0, sync_total = 0 \
             WHERE id = ({sql}) AND (sync_lease_token IS NULL OR sync_lease_until < $3) \
             RETURNING id, generation"
        ))
        .bind(token)
        .bind(until)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| decode_lease(&r, token)).transpose()
    }

    async fn lease(
        &self,
        id: &str,
        token: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<RunLease>, DbError> {
        let row = sqlx::query(
            "UPDATE business_connections SET sync_lease_token = $1, sync_lease_until = $2, \
               sync_fetched = 0, sync_total = 0 \
             WHERE id = $3 AND status = 'active' \
               AND (sync_lease_token IS NULL OR sync_lease_until < $4) \
             RETURNING id, generation",
        )
        .bind(token)
        .bind(until)
        .bind(id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| decode_lease(&r, token)).transpose()
    }

    async fn renew(&self, lease: &RunLease, until: i64) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE business_connections SET sync_lease_until = $1 \
             WHERE id = $2 AND sync_lease_token = $3 AND generation = $4",
        )
        .bind(until)
        .bind(&lease.connection_id)
        .bind(&lease.token)
        .bind(lease.generation)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release(&self, lease: &RunLease) -> Result<(), DbError> {
        sqlx::query(
            "UPDATE business_connections SET sync_lease_token = NULL, sync_lease_until = NULL, \
               sync_fetched = 0, sync_total = 0 WHERE id = $1 AND sync_lease_token = $2",
        )
        .bind(&lease.connection_id)
        .bind(&lease.token)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_jobs(&self, connection_id: &str) -> Result<Vec<Job>, DbError> {
        let rows = sqlx::query(
            "SELECT connection_id, resource, next_run_at, watermark, last_run_at, attempts, issue \
             FROM sync_jobs WHERE connection_id = $1 ORDER BY resource",
        )
        .bind(connection_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let issue: Option<String> = r.try_get("issue")?;
                Ok(Job {
                    connection_id: r.try_get("connection_id")?,
                    resource: r.try_get("resource")?,
                    next_run_at: r.try_get("next_run_at")?,
                    watermark: r.try_get("watermark")?,
                    last_run_at: r.try_get("last_run_at")?,
                    attempts: r.try_get("attempts")?,
                    issue: issue
                        .map(|i| from_json::<app::api::FetchIssue>("issue", &i))
                        .transpose()?,
                })
            })
            .collect()
    }

    async fn ensure_jobs(
        &self,
        lease: &RunLease,
        resources: &[&str],
        now: i64,
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        fence(&mut tx, lease).await?;
        for resource in resources {
            sqlx::query(
                "INSERT INTO sync_jobs (connection_id, resource, next_run_at, attempts, requested) \
                 VALUES ($1, $2, $3, 0, 0) ON CONFLICT (connection_id, resource) DO NOTHING",
            )
            .bind(&lease.connection_id)
            .bind(*resource)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn request_sync(
        &self,
        connection_id: &str,
        resources: &[&str],
        now: i64,
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        for resource in resources {
            sqlx::query(
                "UPDATE sync_jobs SET requested = 1, \
                   next_run_at = CASE WHEN attempts = 0 AND next_run_at > $1 THEN $1 ELSE next_run_at END \
                 WHERE connection_id = $2 AND resource = $3",
            )
            .bind(now)
            .bind(connection_id)
            .bind(*resource)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE business_connections SET next_sync_at = \
               (SELECT MIN(next_run_at) FROM sync_jobs WHERE connection_id = $1) WHERE id = $1",
        )
        .bind(connection_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn take_requests(&self, lease: &RunLease) -> Result<(), DbError> {
        sqlx::query("UPDATE sync_jobs SET requested = 0 WHERE connection_id = $1")
            .bind(&lease.connection_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn finish_job(
        &self,
        lease: &RunLease,
        resource: &str,
        o: &JobOutcome,
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        fence(&mut tx, lease).await?;
        let issue = o.issue.as_ref().map(|i| to_json("issue", i)).transpose()?;
        let failed = i64::from(issue.is_some());
        // A request that arrived during the run keeps the job due.
        sqlx::query(
            "UPDATE sync_jobs SET \
               next_run_at = CASE WHEN requested = 1 AND $6 = 0 THEN $4 ELSE $1 END, \
               watermark = COALESCE($2, watermark), issue = $3, last_run_at = $4, \
               attempts = CASE WHEN $6 = 1 THEN attempts + 1 ELSE 0 END \
             WHERE connection_id = $5 AND resource = $7",
        )
        .bind(o.next_run_at)
        .bind(o.watermark)
        .bind(issue)
        .bind(o.now)
        .bind(&lease.connection_id)
        .bind(failed)
        .bind(resource)
        .execute(&mut *tx)
        .await?;
        if o.watermark.is_some() {
            sqlx::query("DELETE FROM sync_checkpoints WHERE connection_id = $1 AND resource = $2")
                .bind(&lease.connection_id)
                .bind(resource)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "UPDATE business_connections SET next_sync_at = \
               (SELECT MIN(next_run_at) FROM sync_jobs WHERE connection_id = $1) WHERE id = $1",
        )
        .bind(&lease.connection_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn defer_due_jobs(
        &self,
        connection_id: &str,
        now: i64,
        next_run_at: &(dyn for<'j> Fn(&'j Job) -> i64 + Sync),
    ) -> Result<(), DbError> {
        for job in self.list_jobs(connection_id).await? {
            if job.next_run_at > now {
                continue;
            }
            sqlx::query(
                "UPDATE sync_jobs SET next_run_at = $1, attempts = attempts + 1 \
                 WHERE connection_id = $2 AND resource = $3",
            )
            .bind(next_run_at(&job))
            .bind(connection_id)
            .bind(&job.resource)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    async fn load_checkpoints(
        &self,
        connection_id: &str,
        resource: &str,
    ) -> Result<Vec<Checkpoint>, DbError> {
        let rows = sqlx::query(
            "SELECT * FROM sync_checkpoints WHERE connection_id = $1 AND resource = $2 ORDER BY slice",
        )
        .bind(connection_id)
        .bind(resource)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(decode_checkpoint).collect()
    }

    async fn create_checkpoints(
        &self,
        lease: &RunLease,
        slices: &[Checkpoint],
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        fence(&mut tx, lease).await?;
        for slice in slices {
            insert_checkpoint(&mut tx, &lease.connection_id, slice).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn update_checkpoint(&self, lease: &RunLease, k: &Checkpoint) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        fence(&mut tx, lease).await?;
        insert_checkpoint(&mut tx, &lease.connection_id, k).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn save_results(
        &self,
        lease: &RunLease,
        source: &shopscore::records::SourceInfo,
        issues: &[app::api::FetchIssue],
        synced_at: Option<i64>,
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        fence(&mut tx, lease).await?;
        sqlx::query(
            "UPDATE business_connections SET source_info = $1, fetch_issues = $2, \
               last_synced_at = COALESCE($3, last_synced_at) \
             WHERE id = $4",
        )
        .bind(to_json("source_info", source)?)
        .bind(to_json("fetch_issues", &issues)?)
        .bind(synced_at)
        .bind(&lease.connection_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn start_run(&self, id: &str, lease: &RunLease, started_ms: i64) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO sync_runs (id, connection_id, owner, started_ms) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&lease.connection_id)
        .bind(&lease.token)
        .bind(started_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn finish_run(&self, id: &str, finished_ms: i64, outcome: &str) -> Result<(), DbError> {
        sqlx::query("UPDATE sync_runs SET finished_ms = $1, outcome = $2 WHERE id = $3")
            .bind(finished_ms)
            .bind(outcome)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn list_runs(
        &self,
        connection_id: &str,
    ) -> Result<Vec<(String, i64, Option<i64>)>, DbError> {
        let rows = sqlx::query(
            "SELECT owner, started_ms, finished_ms FROM sync_runs WHERE connection_id = $1 \
             ORDER BY started_ms, id",
        )
        .bind(connection_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("owner")?,
                    r.try_get("started_ms")?,
                    r.try_get("finished_ms")?,
                ))
            })
            .collect()
    }

    async fn purge_runs(&self, before_ms: i64) -> Result<u64, DbError> {
        let done =
            sqlx::query("DELETE FROM sync_runs WHERE started_ms < $1 AND finished_ms IS NOT NULL")
                .bind(before_ms)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }
}
