//! The audit log: every review state change, decision, file view and export, append-only and
//! hash-chained (each entry stores the previous entry's hash and the hash of its own content).

use gatehouse_store::models::{verify_chain, AuditRecord, BrokenChain, AUDIT_GENESIS};
use gatehouse_store::repo::ReviewRepo;
use gatehouse_store::Db;

use crate::error::ApiError;

const PAGE: u32 = 1000;

/// Walks the whole chain; the number of entries, or the first broken one.
pub async fn verify(db: &Db) -> Result<Result<u64, BrokenChain>, ApiError> {
    let mut prev = AUDIT_GENESIS.to_owned();
    let mut expected = 1;
    let mut after = 0;
    loop {
        let page = db.audit_entries(after, PAGE).await?;
        if let Err(broken) = verify_chain(&page, &mut prev, &mut expected) {
            return Ok(Err(broken));
        }
        match page.last() {
            Some(last) if page.len() as u32 == PAGE => after = last.seq,
            _ => break,
        }
    }
    Ok(Ok(u64::try_from(expected - 1).unwrap_or(0)))
}

/// Entries after `after`, for an export.
pub async fn entries(db: &Db, after: i64, limit: u32) -> Result<Vec<AuditRecord>, ApiError> {
    Ok(db.audit_entries(after, limit).await?)
}
