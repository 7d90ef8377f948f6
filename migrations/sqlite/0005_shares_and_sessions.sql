-- Lenders' access: a share is a link (an unguessable token, kept hashed for lookup and sealed so
-- the borrower can copy it again) to a snapshot of the borrower's score, with the EAS off-chain
-- attestation issued for it. Revoking a share revokes its attestation.
CREATE TABLE lender_shares (
    id              TEXT    PRIMARY KEY,
    wallet          TEXT    NOT NULL,
    token_hash      TEXT    NOT NULL UNIQUE,
    token           BLOB    NOT NULL,
    token_key_id    TEXT    NOT NULL,
    lender          TEXT    NOT NULL,
    scope           TEXT    NOT NULL,
    threshold_cents INTEGER,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    last_access_at  INTEGER,
    access_count    INTEGER NOT NULL DEFAULT 0,
    attestation_uid TEXT    NOT NULL,
    attestation     TEXT    NOT NULL,
    report          TEXT    NOT NULL
);
CREATE INDEX lender_shares_wallet ON lender_shares (wallet, created_at);
CREATE INDEX lender_shares_expiry ON lender_shares (expires_at);

CREATE TABLE revoked_attestations (
    uid        TEXT    PRIMARY KEY,
    revoked_at INTEGER NOT NULL
);

-- The sessions a wallet signed in on, so that "sign out everywhere" can end them all.
CREATE TABLE wallet_sessions (
    session_id TEXT    PRIMARY KEY,
    wallet     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX wallet_sessions_wallet ON wallet_sessions (wallet);
CREATE INDEX wallet_sessions_created ON wallet_sessions (created_at);
