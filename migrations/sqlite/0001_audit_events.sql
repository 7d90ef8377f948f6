-- Audit trail: who did what and when. Never holds tokens or secrets.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    wallet      TEXT,
    detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_wallet ON audit_events (wallet, occurred_at);
