-- Sanctions lists: every import is a version of one source with its entities; re-screening
-- jobs that walk approved applications after an import; alerts they raise for reviewers.
CREATE TABLE sanctions_versions (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    files TEXT NOT NULL,
    entity_count BIGINT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE INDEX sanctions_versions_source ON sanctions_versions(source, imported_at);

CREATE TABLE sanctions_entities (
    version_id TEXT NOT NULL REFERENCES sanctions_versions(id),
    entity_id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (version_id, entity_id)
);

CREATE TABLE rescreen_jobs (
    id TEXT PRIMARY KEY,
    versions TEXT NOT NULL,
    status TEXT NOT NULL,
    cursor TEXT,
    screened BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sanctions_alerts (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    application_id TEXT NOT NULL REFERENCES applications(id),
    origin TEXT NOT NULL,
    hits TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX sanctions_alerts_status ON sanctions_alerts(status, created_at);
