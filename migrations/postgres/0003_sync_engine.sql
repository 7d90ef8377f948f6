-- The sync engine: a job per connection and resource, page checkpoints, a lease on the
-- connection so that one instance at a time syncs it, a log of runs, and the webhook
-- deliveries already seen (idempotency keys).

ALTER TABLE business_connections ADD COLUMN sync_lease_owner TEXT;
ALTER TABLE business_connections ADD COLUMN sync_lease_until BIGINT;

-- One row per connection and resource: when it runs next, and the update_time watermark up
-- to which everything has been fetched (NULL: never completed, so the next run is a backfill).
CREATE TABLE sync_jobs (
    connection_id TEXT    NOT NULL REFERENCES business_connections (id) ON DELETE CASCADE,
    resource      TEXT    NOT NULL,
    next_run_at   BIGINT  NOT NULL,
    watermark     BIGINT,
    last_run_at   BIGINT,
    attempts      BIGINT  NOT NULL DEFAULT 0,
    issue         TEXT,
    -- A webhook asked for this job while a run may have been in flight.
    requested     BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, resource)
);
CREATE INDEX sync_jobs_due ON sync_jobs (next_run_at);

-- The run in flight of a resource, one row per time slice: its window, the page to fetch next
-- and what it fetched so far. Committed with the records of each page; deleted when the run
-- completes.
CREATE TABLE sync_checkpoints (
    connection_id TEXT    NOT NULL REFERENCES business_connections (id) ON DELETE CASCADE,
    resource      TEXT    NOT NULL,
    slice         BIGINT  NOT NULL,
    incremental   BIGINT  NOT NULL,
    window_from   BIGINT  NOT NULL,
    window_until  BIGINT  NOT NULL,
    page_token    TEXT,
    done          BIGINT  NOT NULL DEFAULT 0,
    fetched       BIGINT  NOT NULL DEFAULT 0,
    total         BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, resource, slice)
);

-- Each claim of a connection by an instance, for operators and the two-instance test.
CREATE TABLE sync_runs (
    id            TEXT    PRIMARY KEY,
    connection_id TEXT    NOT NULL,
    owner         TEXT    NOT NULL,
    started_ms    BIGINT  NOT NULL,
    finished_ms   BIGINT,
    outcome       TEXT
);
CREATE INDEX sync_runs_connection ON sync_runs (connection_id, started_ms);

-- Webhook deliveries seen, by tts_notification_id (or a digest of the body when absent).
CREATE TABLE webhook_deliveries (
    notification_id TEXT   PRIMARY KEY,
    shop_id         TEXT   NOT NULL,
    kind            BIGINT NOT NULL,
    received_at     BIGINT NOT NULL
);
