-- Liveness providers' verdicts, normalised: one row per (provider, session). A submission
-- uses the application's latest result; a result that arrives while an attempt waits for it
-- decides that attempt.
CREATE TABLE liveness_results (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    session_id TEXT NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id),
    passed BIGINT NOT NULL,
    reasons TEXT NOT NULL,
    -- `webhook` (signed delivery) or `api` (operator key).
    source TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (provider, session_id)
);
CREATE INDEX liveness_results_application ON liveness_results(application_id, received_at);

-- Signed deliveries seen within the signature tolerance, so a captured delivery cannot be
-- replayed while its timestamp is still accepted. Older rows are pruned as new ones arrive.
CREATE TABLE liveness_deliveries (
    provider TEXT NOT NULL,
    digest TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (provider, digest)
);
CREATE INDEX liveness_deliveries_received ON liveness_deliveries(received_at);
