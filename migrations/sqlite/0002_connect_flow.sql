-- Wallet sign-in nonces (EIP-4361): single use, short-lived.
CREATE TABLE wallet_nonces (
    nonce       TEXT   PRIMARY KEY,
    session_id  TEXT   NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

-- OAuth state for the TikTok Shop authorization: bound to the session and wallet, single use.
-- Only a SHA-256 of the state is stored.
CREATE TABLE oauth_states (
    state_hash  TEXT   PRIMARY KEY,
    session_id  TEXT   NOT NULL,
    wallet      TEXT   NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

-- One row per connected shop or creator account of a wallet.
CREATE TABLE business_connections (
    id                  TEXT   PRIMARY KEY,
    wallet              TEXT   NOT NULL,
    platform            TEXT   NOT NULL,
    platform_account_id TEXT   NOT NULL,
    account_kind        TEXT   NOT NULL,
    open_id             TEXT   NOT NULL,
    shop_name           TEXT   NOT NULL,
    shop_cipher         TEXT,
    region              TEXT   NOT NULL,
    currency            TEXT   NOT NULL,
    seller_type         TEXT,
    status              TEXT   NOT NULL,
    scopes              TEXT   NOT NULL,
    access_token        BLOB,
    access_key_id       TEXT,
    access_expires_at   INTEGER,
    refresh_token       BLOB,
    refresh_key_id      TEXT,
    refresh_expires_at  INTEGER,
    connected_at        INTEGER NOT NULL,
    last_synced_at      INTEGER,
    source_info         TEXT   NOT NULL,
    revenue_data        TEXT,
    score               TEXT,
    model_version       TEXT,
    inputs_digest       TEXT,
    fetch_issues        TEXT   NOT NULL DEFAULT '[]',
    UNIQUE (wallet, platform, platform_account_id)
);
CREATE INDEX business_connections_wallet ON business_connections (wallet);

-- Normalised TikTok Shop records of a connection, upserted by TikTok id.
CREATE TABLE connection_records (
    connection_id TEXT   NOT NULL REFERENCES business_connections (id) ON DELETE CASCADE,
    kind          TEXT   NOT NULL,
    record_id     TEXT   NOT NULL,
    body          TEXT   NOT NULL,
    stored_at     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, kind, record_id)
);

-- The borrower's score over all connections, with what it was computed from.
CREATE TABLE wallet_scores (
    wallet        TEXT   PRIMARY KEY,
    income        TEXT   NOT NULL,
    score         TEXT   NOT NULL,
    model_version TEXT   NOT NULL,
    inputs_digest TEXT   NOT NULL,
    computed_at   INTEGER NOT NULL
);
