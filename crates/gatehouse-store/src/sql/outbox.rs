//! The transactional outbox: events are inserted on the connection of the transaction that
//! makes the change they describe, so an event exists if and only if its change committed.

use chrono::{DateTime, Utc};
use gatehouse_core::ids::EventId;
use sqlx::AnyConnection;

use super::to_json;
use crate::db::ts;
use crate::models::NewEvent;
use crate::StoreError;

/// Adds `events` to the outbox inside the caller's transaction. Every write path that
/// announces a change calls this once, before it commits:
///
/// ```ignore
/// let mut tx = self.pool.begin().await?;
/// // ... the guarded state change ...
/// outbox::append(&mut tx, &events, now).await?;
/// tx.commit().await?;
/// ```
pub(crate) async fn append(
    conn: &mut AnyConnection,
    events: &[NewEvent],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for event in events {
        sqlx::query(
            "INSERT INTO outbox_events (id, kind, payload, created_at, fanned_out_at) \
             VALUES ($1, $2, $3, $4, NULL)",
        )
        .bind(EventId::new().to_string())
        .bind(event.kind.as_str())
        .bind(to_json(&event.payload)?)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
