use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gatehouse_core::events::{EventKind, Subscription};
use gatehouse_core::ids::{DeliveryId, WebhookEndpointId};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{json_col, parsed_col, time_col, to_json};
use crate::db::ts;
use crate::models::{
    ClaimedDelivery, Delivery, DeliveryAttempt, DeliveryNext, DeliveryStatus, StoredEvent,
    WebhookEndpoint,
};
use crate::repo::WebhookRepo;
use crate::{conflict_on_unique, Db, StoreError};

const ENDPOINT_COLUMNS: &str = "e.id, e.url, e.events, e.secret, e.created_at";
const DELIVERY_COLUMNS: &str = "d.id, d.endpoint_id, d.event_id, ev.kind AS event_kind, d.status, \
     d.attempt_count, d.next_attempt_at, d.created_at, d.updated_at, d.version";
const DELIVERY_FROM: &str = "webhook_deliveries d JOIN outbox_events ev ON ev.id = d.event_id";

fn kind(row: &AnyRow, col: &str) -> Result<EventKind, StoreError> {
    let text: String = row.try_get(col)?;
    EventKind::parse(&text).ok_or_else(|| StoreError::corrupt(format!("event kind {text:?}")))
}

fn endpoint(row: &AnyRow) -> Result<WebhookEndpoint, StoreError> {
    let names: Vec<String> = json_col(row, "events")?;
    Ok(WebhookEndpoint {
        id: parsed_col(row, "id")?,
        url: row.try_get("url")?,
        subscription: Subscription::parse(&names)
            .map_err(|(_, e)| StoreError::corrupt(format!("endpoint events: {e}")))?,
        secret: row.try_get("secret")?,
        created_at: time_col(row, "created_at")?,
    })
}

fn delivery(row: &AnyRow) -> Result<Delivery, StoreError> {
    let status: String = row.try_get("status")?;
    let attempts: i64 = row.try_get("attempt_count")?;
    Ok(Delivery {
        id: parsed_col(row, "id")?,
        endpoint_id: parsed_col(row, "endpoint_id")?,
        event_id: parsed_col(row, "event_id")?,
        event_kind: kind(row, "event_kind")?,
        status: DeliveryStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(format!("delivery status {status:?}")))?,
        attempt_count: u32::try_from(attempts).map_err(|_| StoreError::corrupt("attempt_count"))?,
        next_attempt_at: time_col(row, "next_attempt_at")?,
        created_at: time_col(row, "created_at")?,
        updated_at: time_col(row, "updated_at")?,
        version: row.try_get("version")?,
    })
}

fn attempt(row: &AnyRow) -> Result<DeliveryAttempt, StoreError> {
    let duration: i64 = row.try_get("duration_ms")?;
    let code: Option<i64> = row.try_get("status_code")?;
    Ok(DeliveryAttempt {
        started_at: time_col(row, "started_at")?,
        duration_ms: u64::try_from(duration).map_err(|_| StoreError::corrupt("duration_ms"))?,
        status_code: code
            .map(u16::try_from)
            .transpose()
            .map_err(|_| StoreError::corrupt("status_code"))?,
        error: row.try_get("error")?,
    })
}

async fn load_delivery(db: &Db, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM {DELIVERY_FROM} WHERE d.id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(delivery).transpose()
}

#[async_trait]
impl WebhookRepo for Db {
    async fn create_webhook_endpoint(&self, e: &WebhookEndpoint) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO webhook_endpoints (id, url, events, secret, created_at, deleted_at) \
             VALUES ($1, $2, $3, $4, $5, NULL)",
        )
        .bind(e.id.to_string())
        .bind(e.url.clone())
        .bind(to_json(&e.subscription.names())?)
        .bind(e.secret.clone())
        .bind(ts(e.created_at))
        .execute(&self.pool)
        .await
        .map_err(conflict_on_unique("endpoint_exists"))?;
        Ok(())
    }

    async fn webhook_endpoints(&self) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints e WHERE e.deleted_at IS NULL \
             ORDER BY e.created_at, e.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(endpoint).collect()
    }

    async fn webhook_endpoint(
        &self,
        id: WebhookEndpointId,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints e \
             WHERE e.id = $1 AND e.deleted_at IS NULL"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(endpoint).transpose()
    }

    async fn delete_webhook_endpoint(
        &self,
        id: WebhookEndpointId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE webhook_endpoints SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL",
        )
        .bind(ts(now))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // The version bump also breaks any claim in flight, so its result changes nothing.
        sqlx::query(
            "UPDATE webhook_deliveries SET status = 'cancelled', updated_at = $1, \
             version = version + 1 WHERE endpoint_id = $2 AND status IN ('pending', 'sending')",
        )
        .bind(ts(now))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn fan_out_events(&self, limit: u32, now: DateTime<Utc>) -> Result<u32, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT id, kind, created_at FROM outbox_events WHERE fanned_out_at IS NULL \
             ORDER BY id LIMIT {}",
            limit.clamp(1, 1000)
        ))
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let endpoints = self.webhook_endpoints().await?;
        let mut handled = 0;
        for row in &rows {
            let event_id: String = row.try_get("id")?;
            let event_kind = kind(row, "kind")?;
            let written = time_col(row, "created_at")?;
            let mut tx = self.pool.begin().await?;
            // Marking first takes the row: a second process fanning out the same event finds
            // nothing to mark and writes nothing.
            let marked = sqlx::query(
                "UPDATE outbox_events SET fanned_out_at = $1 \
                 WHERE id = $2 AND fanned_out_at IS NULL",
            )
            .bind(ts(now))
            .bind(event_id.clone())
            .execute(&mut *tx)
            .await?;
            if marked.rows_affected() == 0 {
                continue;
            }
            for e in endpoints
                .iter()
                .filter(|e| e.subscription.matches(event_kind) && e.created_at <= written)
            {
                sqlx::query(
                    "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, status, \
                     attempt_count, next_attempt_at, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, 'pending', 0, $4, $4, $4, 1) \
                     ON CONFLICT (endpoint_id, event_id) DO NOTHING",
                )
                .bind(DeliveryId::new().to_string())
                .bind(e.id.to_string())
                .bind(event_id.clone())
                .bind(ts(now))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            handled += 1;
        }
        Ok(handled)
    }

    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS}, ev.payload, ev.created_at AS event_created_at, \
             e.url, e.events, e.secret, e.created_at AS endpoint_created_at \
             FROM {DELIVERY_FROM} JOIN webhook_endpoints e ON e.id = d.endpoint_id \
             WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= $1 \
             AND e.deleted_at IS NULL \
             ORDER BY d.next_attempt_at, d.id LIMIT {}",
            limit.clamp(1, 1000)
        ))
        .bind(ts(now))
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for row in &rows {
            let mut d = delivery(row)?;
            // Only one dispatcher's update can match the version it read; the others touch
            // nothing and move on.
            let done = sqlx::query(
                "UPDATE webhook_deliveries SET status = 'sending', next_attempt_at = $1, \
                 updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4 \
                 AND status IN ('pending', 'sending') AND next_attempt_at <= $5",
            )
            .bind(ts(lease_until))
            .bind(ts(now))
            .bind(d.id.to_string())
            .bind(d.version)
            .bind(ts(now))
            .execute(&self.pool)
            .await?;
            if done.rows_affected() == 0 {
                continue;
            }
            d.version += 1;
            d.status = DeliveryStatus::Sending;
            d.next_attempt_at = lease_until;
            d.updated_at = now;
            let names: Vec<String> = json_col(row, "events")?;
            claimed.push(ClaimedDelivery {
                event: StoredEvent {
                    id: d.event_id,
                    kind: d.event_kind,
                    payload: json_col(row, "payload")?,
                    created_at: time_col(row, "event_created_at")?,
                },
                endpoint: WebhookEndpoint {
                    id: d.endpoint_id,
                    url: row.try_get("url")?,
                    subscription: Subscription::parse(&names)
                        .map_err(|(_, e)| StoreError::corrupt(format!("endpoint events: {e}")))?,
                    secret: row.try_get("secret")?,
                    created_at: time_col(row, "endpoint_created_at")?,
                },
                delivery: d,
            });
        }
        Ok(claimed)
    }

    async fn record_delivery_attempt(
        &self,
        claimed: &Delivery,
        a: &DeliveryAttempt,
        next: DeliveryNext,
    ) -> Result<bool, StoreError> {
        let finished = a.started_at
            + chrono::Duration::milliseconds(i64::try_from(a.duration_ms).unwrap_or(i64::MAX));
        let (status, next_at) = match next {
            DeliveryNext::Delivered => (DeliveryStatus::Delivered, finished),
            DeliveryNext::Failed => (DeliveryStatus::Failed, finished),
            DeliveryNext::RetryAt(at) => (DeliveryStatus::Pending, at),
        };
        let mut tx = self.pool.begin().await?;
        // The attempt happened whatever became of the claim, so it is always logged.
        sqlx::query(
            "INSERT INTO webhook_attempts (id, delivery_id, started_at, duration_ms, \
             status_code, error) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(DeliveryId::new().to_string())
        .bind(claimed.id.to_string())
        .bind(ts(a.started_at))
        .bind(i64::try_from(a.duration_ms).unwrap_or(i64::MAX))
        .bind(a.status_code.map(i64::from))
        .bind(a.error.clone())
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, attempt_count = attempt_count + 1, \
             next_attempt_at = $2, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(status.as_str())
        .bind(ts(next_at))
        .bind(ts(finished))
        .bind(claimed.id.to_string())
        .bind(claimed.version)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn webhook_deliveries(
        &self,
        endpoint_id: WebhookEndpointId,
        limit: u32,
    ) -> Result<Vec<(Delivery, Vec<DeliveryAttempt>)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM {DELIVERY_FROM} WHERE d.endpoint_id = $1 \
             ORDER BY d.id DESC LIMIT {}",
            limit.clamp(1, 500)
        ))
        .bind(endpoint_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let deliveries: Vec<Delivery> = rows.iter().map(delivery).collect::<Result<_, _>>()?;
        if deliveries.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=deliveries.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT delivery_id, started_at, duration_ms, status_code, error \
             FROM webhook_attempts WHERE delivery_id IN ({}) ORDER BY started_at, id",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for d in &deliveries {
            q = q.bind(d.id.to_string());
        }
        let mut attempts: Vec<(DeliveryId, DeliveryAttempt)> = Vec::new();
        for row in q.fetch_all(&self.pool).await? {
            attempts.push((parsed_col(&row, "delivery_id")?, attempt(&row)?));
        }
        Ok(deliveries
            .into_iter()
            .map(|d| {
                let mine = attempts
                    .iter()
                    .filter(|(id, _)| *id == d.id)
                    .map(|(_, a)| a.clone())
                    .collect();
                (d, mine)
            })
            .collect())
    }

    async fn replay_delivery(
        &self,
        id: DeliveryId,
        now: DateTime<Utc>,
    ) -> Result<Delivery, StoreError> {
        // A delivery being sent under a live lease is left alone: replaying it would let a
        // second dispatcher send it while the first still is.
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'pending', attempt_count = 0, \
             next_attempt_at = $1, updated_at = $1, version = version + 1 \
             WHERE id = $2 AND (status <> 'sending' OR next_attempt_at <= $1) \
             AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE deleted_at IS NULL)",
        )
        .bind(ts(now))
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        let current = load_delivery(self, id).await?;
        match current {
            Some(d) if done.rows_affected() == 1 => Ok(d),
            Some(d) if d.status == DeliveryStatus::Sending => {
                Err(StoreError::Conflict("delivery_in_progress"))
            }
            _ => Err(StoreError::NotFound),
        }
    }

    async fn recent_events(&self, limit: u32) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT id, kind, payload, created_at FROM outbox_events ORDER BY id DESC LIMIT {}",
            limit.clamp(1, 1000)
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredEvent {
                    id: parsed_col(r, "id")?,
                    kind: kind(r, "kind")?,
                    payload: json_col(r, "payload")?,
                    created_at: time_col(r, "created_at")?,
                })
            })
            .collect()
    }
}
