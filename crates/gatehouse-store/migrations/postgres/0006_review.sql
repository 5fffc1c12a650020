-- Manual review: staff users and their sessions, review cases, appeals with supporting files,
-- the applicant-reviewer message thread, internal notes, reviewer decisions (with four-eyes
-- confirmation), and the append-only, hash-chained audit log.
ALTER TABLE applications ADD COLUMN review TEXT;

CREATE TABLE staff_users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES staff_users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions(user_id);

CREATE TABLE review_cases (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    priority BIGINT NOT NULL,
    country TEXT,
    assignee TEXT REFERENCES staff_users(id),
    escalated BIGINT NOT NULL,
    source TEXT NOT NULL,
    pending TEXT,
    due_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT,
    version BIGINT NOT NULL
);
CREATE INDEX review_cases_queue ON review_cases(status, priority, created_at);
CREATE INDEX review_cases_application ON review_cases(application_id);

CREATE TABLE appeals (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    case_id TEXT,
    created_at TEXT NOT NULL,
    submitted_at TEXT,
    closed_at TEXT
);
CREATE INDEX appeals_application ON appeals(application_id, created_at);

CREATE TABLE supporting_files (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    object_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (owner, name)
);
CREATE INDEX supporting_files_application ON supporting_files(application_id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    author TEXT NOT NULL,
    author_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX messages_application ON messages(application_id, created_at);

CREATE TABLE case_notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES review_cases(id),
    author_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id, created_at);

CREATE TABLE review_decisions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES review_cases(id),
    application_id TEXT NOT NULL REFERENCES applications(id),
    action TEXT NOT NULL,
    reasons TEXT NOT NULL,
    documents TEXT NOT NULL,
    note_to_applicant TEXT,
    internal_note TEXT,
    decided_by TEXT NOT NULL,
    status TEXT NOT NULL,
    confirmed_by TEXT,
    created_at TEXT NOT NULL,
    confirmed_at TEXT
);
CREATE INDEX review_decisions_case ON review_decisions(case_id, created_at);
CREATE INDEX review_decisions_created ON review_decisions(created_at);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
-- Append-only: the application never changes or removes an entry, and the database refuses to.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
