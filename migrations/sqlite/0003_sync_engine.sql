-- The sync engine: a job per connection and resource, page checkpoints, a lease on the
-- connection so that one instance at a time syncs it, a log of runs, and the webhook
-- deliveries already seen (idempotency keys).

ALTER TABLE business_connections ADD COLUMN sync_lease_owner TEXT;
ALTER TABLE business_connections ADD COLUMN sync_lease_until INTEGER;

-- One row per connection and resource: when it runs next, and the update_time watermark up
-- to which everything has been fetched (NULL: never completed, so the next run is a backfill).
CREATE TABLE sync_jobs (
    connection_id TEXT    NOT NULL REFERENCES business_connections (id) ON DELETE CASCADE,
    resource      TEXT    NOT NULL,
    next_run_at   INTEGER  NOT NULL,
    watermark     INTEGER,
    last_run_at   INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0,
    issue         TEXT,
    -- A webhook asked for this job while a run may have been in flight.
    requested     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, resource)
);
CREATE INDEX sync_jobs_due ON sync_jobs (next_run_at);

-- The run in flight of a resource, one row per time slice: its window, the page to fetch next
-- and what it fetched so far. Committed with the records of each page; deleted when the run
-- completes.
CREATE TABLE sync_checkpoints (
    connection_id TEXT    NOT NULL REFERENCES business_connections (id) ON DELETE CASCADE,
    resource      TEXT    NOT NULL,
    slice         INTEGER NOT NULL,
    incremental   INTEGER NOT NULL,
    window_from   INTEGER  NOT NULL,
    window_until  INTEGER  NOT NULL,
    page_token    TEXT,
    done          INTEGER NOT NULL DEFAULT 0,
    fetched       INTEGER  NOT NULL DEFAULT 0,
    total         INTEGER  NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, resource, slice)
);

-- Each claim of a connection by an instance, for operators and the two-instance test.
CREATE TABLE sync_runs (
    id            TEXT    PRIMARY KEY,
    connection_id TEXT    NOT NULL,
    owner         TEXT    NOT NULL,
    started_ms    INTEGER  NOT NULL,
    finished_ms   INTEGER,
    outcome       TEXT
);
CREATE INDEX sync_runs_connection ON sync_runs (connection_id, started_ms);

-- Webhook deliveries seen, by tts_notification_id (or a digest of the body when absent).
CREATE TABLE webhook_deliveries (
    notification_id TEXT   PRIMARY KEY,
    shop_id         TEXT   NOT NULL,
    kind            INTEGER NOT NULL,
    received_at     INTEGER NOT NULL
);
