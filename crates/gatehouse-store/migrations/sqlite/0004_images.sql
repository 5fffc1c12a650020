-- Perceptual hashes of submitted pictures, to find the same picture submitted for another
-- slot or by another account. The coarse 64-bit hash is split into five bands, each indexed:
-- two hashes within four bits share a band, so a lookup is five index probes, never a scan.
CREATE TABLE image_hashes (
    file_id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    slot TEXT NOT NULL,
    coarse TEXT NOT NULL,
    fine TEXT NOT NULL,
    band0 BIGINT NOT NULL,
    band1 BIGINT NOT NULL,
    band2 BIGINT NOT NULL,
    band3 BIGINT NOT NULL,
    band4 BIGINT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX image_hashes_band0 ON image_hashes(band0);
CREATE INDEX image_hashes_band1 ON image_hashes(band1);
CREATE INDEX image_hashes_band2 ON image_hashes(band2);
CREATE INDEX image_hashes_band3 ON image_hashes(band3);
CREATE INDEX image_hashes_band4 ON image_hashes(band4);
