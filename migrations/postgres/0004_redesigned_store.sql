-- The redesigned store. Tokens belong to a TikTok grant (one authorization of a wallet), shared
-- by the shops it covers; a connection has a status that changes only by compare-and-set on its
-- generation, a sync lease that names one run, and counters kept up to date instead of
-- subqueries; scores are kept as history under their model version. Stored TikTok records are a
-- cache of TikTok's answers: the new record shapes follow TikTok's reference, so the cache is
-- emptied and every connection is fetched again (earlier connections must reconnect: their
-- tokens were kept per connection and are not carried over).

DROP TABLE sync_runs;
DROP TABLE sync_checkpoints;
DROP TABLE sync_jobs;
DROP TABLE connection_records;
DROP TABLE business_connections;

-- One TikTok authorization of a wallet: the tokens every shop of the grant shares.
CREATE TABLE tiktok_grants (
    id                 TEXT    PRIMARY KEY,
    wallet             TEXT    NOT NULL,
    open_id            TEXT    NOT NULL,
    user_type          TEXT    NOT NULL,
    market             TEXT    NOT NULL,
    scopes             TEXT    NOT NULL,
    access_token       BYTEA,
    access_key_id      TEXT,
    access_expires_at  BIGINT,
    refresh_token      BYTEA,
    refresh_key_id     TEXT,
    refresh_expires_at BIGINT,
    -- Bumped by every token write: a refresh stores its tokens only over the version it read.
    token_version      BIGINT  NOT NULL DEFAULT 0,
    -- Serialises refreshes across instances: who refreshes, until when.
    refresh_lock_owner TEXT,
    refresh_lock_until BIGINT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    UNIQUE (wallet, open_id)
);

-- One shop or creator account of a wallet.
CREATE TABLE business_connections (
    id                  TEXT    PRIMARY KEY,
    wallet              TEXT    NOT NULL,
    grant_id            TEXT    NOT NULL REFERENCES tiktok_grants (id),
    platform            TEXT    NOT NULL,
    platform_account_id TEXT    NOT NULL,
    account_kind        TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    shop_cipher         TEXT,
    region              TEXT    NOT NULL,
    currency            TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    -- Bumped by every reconnect and revocation: a run only writes over the generation it read.
    generation          BIGINT  NOT NULL DEFAULT 0,
    connected_at        BIGINT  NOT NULL,
    last_synced_at      BIGINT,
    revoked_at          BIGINT,
    source_info         TEXT    NOT NULL,
    fetch_issues        TEXT    NOT NULL DEFAULT '[]',
    -- The connection's figures as the dashboard shows them (written by each rescore).
    view                TEXT,
    -- The run holding the connection: `instance:run`, and until when.
    sync_lease_token    TEXT,
    sync_lease_until    BIGINT,
    -- The run in flight: records fetched and expected; the next job due.
    sync_fetched        BIGINT  NOT NULL DEFAULT 0,
    sync_total          BIGINT  NOT NULL DEFAULT 0,
    next_sync_at        BIGINT,
    UNIQUE (wallet, platform, platform_account_id)
);
CREATE INDEX business_connections_wallet ON business_connections (wallet);
CREATE INDEX business_connections_grant ON business_connections (grant_id);
-- One shop backs one wallet: an active TikTok account is connected to a single wallet.
CREATE UNIQUE INDEX business_connections_one_wallet ON business_connections (platform, platform_account_id) WHERE status <> 'revoked';

-- Normalised TikTok records of a connection, upserted by TikTok id.
CREATE TABLE connection_records (
    connection_id TEXT    NOT NULL REFERENCES business_connections (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    record_id     TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    stored_at     BIGINT  NOT NULL,
    PRIMARY KEY (connection_id, kind, record_id)
);

-- One row per connection and resource: when it runs next, and the watermark up to which
-- everything has been fetched (NULL: never completed, so the next run is a backfill).
CREATE TABLE sync_jobs (
    connection_id TEXT    NOT NULL REFERENCES business_connections (id) ON DELETE CASCADE,
    resource      TEXT    NOT NULL,
    next_run_at   BIGINT  NOT NULL,
    watermark     BIGINT,
    last_run_at   BIGINT,
    attempts      BIGINT  NOT NULL DEFAULT 0,
    issue         TEXT,
    requested     BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, resource)
);
CREATE INDEX sync_jobs_due ON sync_jobs (next_run_at);

-- The run in flight of a resource, one row per time slice; committed with each page.
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
    -- Pages of this slice that failed in a row; past a few the slice starts again.
    failures      BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, resource, slice)
);

-- Each run of a connection, for operators and the two-instance test.
CREATE TABLE sync_runs (
    id            TEXT    PRIMARY KEY,
    connection_id TEXT    NOT NULL,
    owner         TEXT    NOT NULL,
    started_ms    BIGINT  NOT NULL,
    finished_ms   BIGINT,
    outcome       TEXT
);
CREATE INDEX sync_runs_connection ON sync_runs (connection_id, started_ms);
CREATE INDEX sync_runs_started ON sync_runs (started_ms);

-- Every score computed for a wallet, kept under its model version (never rewritten).
CREATE TABLE score_history (
    id            BIGSERIAL PRIMARY KEY,
    wallet        TEXT    NOT NULL,
    model_version TEXT    NOT NULL,
    inputs_digest TEXT    NOT NULL,
    computed_at   BIGINT  NOT NULL,
    score         DOUBLE PRECISION  NOT NULL,
    grade         TEXT    NOT NULL,
    income        TEXT    NOT NULL,
    report        TEXT    NOT NULL
);
CREATE INDEX score_history_wallet ON score_history (wallet, computed_at);
INSERT INTO score_history (wallet, model_version, inputs_digest, computed_at, score, grade, income, report)
    SELECT wallet, model_version, inputs_digest, computed_at, COALESCE((score::json->>'score')::double precision, 0), COALESCE(score::json->>'grade', ''), income, score FROM wallet_scores;
DROP TABLE wallet_scores;

-- The wallet's current score and its dashboard view (written by each rescore).
CREATE TABLE wallet_scores (
    wallet        TEXT    PRIMARY KEY,
    history_id    BIGINT  NOT NULL,
    model_version TEXT    NOT NULL,
    computed_at   BIGINT  NOT NULL,
    view          TEXT    NOT NULL,
    -- What the insights page shows, from the same pass over the records.
    insights      TEXT
);

-- OAuth states know the market and the kind of account they were asked for.
ALTER TABLE oauth_states ADD COLUMN market TEXT NOT NULL DEFAULT 'global';
ALTER TABLE oauth_states ADD COLUMN account TEXT NOT NULL DEFAULT 'seller';
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);
CREATE INDEX wallet_nonces_expiry ON wallet_nonces (expires_at);
CREATE INDEX wallet_nonces_session ON wallet_nonces (session_id);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
CREATE INDEX audit_events_time ON audit_events (occurred_at);

-- A grant that arrived without a state (an App Store install): held sealed for the browser
-- that brought it, until the wallet that should own it signs in; single use, short-lived.
CREATE TABLE pending_grants (
    id            TEXT    PRIMARY KEY,
    session_id    TEXT    NOT NULL,
    grant_info    TEXT    NOT NULL,
    access_token  BYTEA NOT NULL,
    access_key_id TEXT    NOT NULL,
    refresh_token BYTEA NOT NULL,
    refresh_key_id TEXT   NOT NULL,
    access_expires_at  BIGINT NOT NULL,
    refresh_expires_at BIGINT NOT NULL,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    used_at       BIGINT
);
CREATE INDEX pending_grants_session ON pending_grants (session_id);
CREATE INDEX pending_grants_expiry ON pending_grants (expires_at);
