//! Service functions: one per use case, called by thin handlers, holding the business rules
//! that need storage. Pure rules live in `gatehouse-core` and `gatehouse-checks`.

pub mod accounts;
pub mod appeals;
pub mod applications;
pub mod audit;
pub mod events;
pub mod files;
pub mod images;
pub mod linkage;
pub mod liveness;
pub mod operators;
pub mod precheck;
pub mod review;
pub mod staff;

use chrono::{DateTime, SubsecRound, Utc};

/// The current time at the precision the database keeps (microseconds), so that what a
/// service returns equals what a later read returns.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// How many times a read-modify-write is retried when a concurrent write got there first.
const OPTIMISTIC_RETRIES: usize = 3;
