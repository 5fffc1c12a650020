use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gatehouse_core::ids::AccountId;
use gatehouse_core::linkage::{AccountStatus, IdentifierKind};
use sqlx::Row;

use super::{parsed_col, time_col};
use crate::db::ts;
use crate::models::{Identifier, Link};
use crate::repo::IdentityRepo;
use crate::{Db, StoreError};

#[async_trait]
impl IdentityRepo for Db {
    async fn record_identifiers(
        &self,
        account_id: AccountId,
        identifiers: &[Identifier],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for id in identifiers {
            sqlx::query(
                "INSERT INTO identifiers (hash, account_id, kind, masked, first_seen, last_seen) \
                 VALUES ($1, $2, $3, $4, $5, $5) \
                 ON CONFLICT (hash, account_id) DO UPDATE SET last_seen = excluded.last_seen",
            )
            .bind(id.hash.clone())
            .bind(account_id.to_string())
            .bind(id.kind.as_str())
            .bind(id.masked.clone())
            .bind(ts(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn links(&self, account_id: AccountId, limit: u32) -> Result<Vec<Link>, StoreError> {
        // Both sides are found through the (hash, account_id) primary key: this account's
        // identifiers by the account index, then every other holder of each hash. The status
        // is a correlated subquery, not a join: with one very common hash (a shared IP) the
        // planner would otherwise merge-join all of `accounts` (bench/README.md).
        let rows = sqlx::query(&format!(
            "SELECT o.account_id, o.kind, o.masked, \
                    (SELECT a.status FROM accounts a WHERE a.id = o.account_id) AS status, \
                    m.last_seen AS mine_seen, o.last_seen AS theirs_seen \
             FROM identifiers m \
             JOIN identifiers o ON o.hash = m.hash AND o.account_id <> m.account_id \
             WHERE m.account_id = $1 \
             ORDER BY o.account_id, o.kind LIMIT {}",
            limit.clamp(1, 10_000)
        ))
        .bind(account_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let status: String = r.try_get("status")?;
                Ok(Link {
                    account_id: parsed_col(r, "account_id")?,
                    status: AccountStatus::parse(&status)
                        .ok_or_else(|| StoreError::corrupt(format!("status {status:?}")))?,
                    kind: IdentifierKind::parse(&kind)
                        .ok_or_else(|| StoreError::corrupt(format!("kind {kind:?}")))?,
                    masked: r.try_get("masked")?,
                    mine_seen: time_col(r, "mine_seen")?,
                    theirs_seen: time_col(r, "theirs_seen")?,
                })
            })
            .collect()
    }
}
