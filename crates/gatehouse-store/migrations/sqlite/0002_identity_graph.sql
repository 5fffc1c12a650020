-- Account states with their history, and the identity graph: one row per (identifier, account),
-- the identifier stored only as an HMAC so that the database never holds the raw value for
-- matching, with a masked form for reviewers.
ALTER TABLE accounts ADD COLUMN status TEXT NOT NULL DEFAULT 'active';

CREATE TABLE account_status_changes (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX account_status_changes_account ON account_status_changes(account_id, created_at);

CREATE TABLE identifiers (
    hash TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    masked TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (hash, account_id)
);
CREATE INDEX identifiers_account ON identifiers(account_id);
