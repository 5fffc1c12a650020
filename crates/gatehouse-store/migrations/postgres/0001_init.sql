-- Accounts, sessions, operator keys, applications, their files and attempts.
-- Times are RFC 3339 UTC text with microseconds, as on SQLite, so both backends share one
-- repository implementation through sqlx's Any driver (which cannot decode TIMESTAMPTZ).
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE,
    phone TEXT UNIQUE,
    password_hash TEXT NOT NULL,
    terms_version TEXT NOT NULL,
    terms_accepted_at TEXT NOT NULL,
    risk_disclosure_version TEXT,
    referral_code TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_account_id ON sessions(account_id);
CREATE INDEX sessions_expires_at ON sessions(expires_at);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE REFERENCES accounts(id),
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    files TEXT NOT NULL,
    attempt_count BIGINT NOT NULL,
    last_decision TEXT,
    last_submitted_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX applications_status ON applications(status, updated_at);

CREATE TABLE files (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    slot TEXT NOT NULL,
    object_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX files_application_id ON files(application_id);

CREATE TABLE attempts (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    number BIGINT NOT NULL,
    data TEXT NOT NULL,
    files TEXT NOT NULL,
    decision TEXT NOT NULL,
    outcome TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    UNIQUE (application_id, number)
);

CREATE TABLE idempotency_keys (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, idem_key)
);
