use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gatehouse_core::application::{ApplicationData, ApplicationStatus};
use gatehouse_core::ids::{AccountId, ApplicationId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{json_col, opt_time_col, parsed_col, time_col, to_json};
use crate::db::ts;
use crate::models::{Application, Attempt, FileRecord, IdempotentResponse};
use crate::repo::{ApplicationRepo, NewAttempt};
use crate::{conflict_on_unique, Db, StoreError};

pub(super) const COLUMNS: &str =
    "id, account_id, status, data, files, attempt_count, last_decision, \
                       last_submitted_at, created_at, updated_at, version, review";

/// Only these states accept changes; the guard is repeated in SQL so a racing submit loses.
const EDITABLE: &str = "status IN ('draft', 'rejected_retry')";

pub(super) fn application(row: &AnyRow) -> Result<Application, StoreError> {
    let status: String = row.try_get("status")?;
    let last_decision: Option<String> = row.try_get("last_decision")?;
    Ok(Application {
        id: parsed_col(row, "id")?,
        account_id: parsed_col(row, "account_id")?,
        status: ApplicationStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(format!("status {status:?}")))?,
        data: json_col(row, "data")?,
        files: json_col(row, "files")?,
        attempt_count: count(row.try_get("attempt_count")?)?,
        last_decision: last_decision
            .map(|d| serde_json::from_str(&d))
            .transpose()
            .map_err(|e| StoreError::corrupt(format!("last_decision: {e}")))?,
        last_submitted_at: opt_time_col(row, "last_submitted_at")?,
        created_at: time_col(row, "created_at")?,
        updated_at: time_col(row, "updated_at")?,
        version: row.try_get("version")?,
        review: {
            let text: Option<String> = row.try_get("review")?;
            text.map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(|e| StoreError::corrupt(format!("review: {e}")))?
        },
    })
}

fn attempt(row: &AnyRow) -> Result<Attempt, StoreError> {
    Ok(Attempt {
        id: parsed_col(row, "id")?,
        application_id: parsed_col(row, "application_id")?,
        number: count(row.try_get("number")?)?,
        data: json_col(row, "data")?,
        files: json_col(row, "files")?,
        decision: json_col(row, "decision")?,
        submitted_at: time_col(row, "submitted_at")?,
        readings: row
            .try_get::<Option<String>, _>("readings")?
            .map(|j| serde_json::from_str(&j))
            .transpose()
            .map_err(|e| StoreError::corrupt(format!("readings: {e}")))?,
    })
}

fn count(n: i64) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::corrupt(format!("count {n}")))
}

async fn load(
    conn: &mut AnyConnection,
    id: ApplicationId,
) -> Result<Option<Application>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM applications WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(application).transpose()
}

/// After an update touched no row: the application is gone, or it moved on.
pub(super) async fn missing_or_stale(conn: &mut AnyConnection, id: ApplicationId) -> StoreError {
    match load(conn, id).await {
        Ok(Some(_)) => StoreError::Conflict("stale"),
        Ok(None) => StoreError::NotFound,
        Err(e) => e,
    }
}

#[async_trait]
impl ApplicationRepo for Db {
    async fn create_application(&self, a: &Application) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO applications ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(a.id.to_string())
        .bind(a.account_id.to_string())
        .bind(a.status.as_str())
        .bind(to_json(&a.data)?)
        .bind(to_json(&a.files)?)
        .bind(i64::from(a.attempt_count))
        .bind(a.last_decision.as_ref().map(to_json).transpose()?)
        .bind(a.last_submitted_at.map(ts))
        .bind(ts(a.created_at))
        .bind(ts(a.updated_at))
        .bind(a.version)
        .bind(a.review.as_ref().map(to_json).transpose()?)
        .execute(&self.pool)
        .await
        .map_err(conflict_on_unique("application_exists"))?;
        Ok(())
    }

    async fn application(&self, id: ApplicationId) -> Result<Option<Application>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load(&mut conn, id).await
    }

    async fn application_of_account(
        &self,
        account_id: AccountId,
    ) -> Result<Option<Application>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM applications WHERE account_id = $1"
        ))
        .bind(account_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(application).transpose()
    }

    async fn list_applications(
        &self,
        status: Option<ApplicationStatus>,
        limit: u32,
        before: Option<ApplicationId>,
    ) -> Result<Vec<Application>, StoreError> {
        let mut conditions = Vec::new();
        let mut binds = Vec::new();
        if let Some(s) = status {
            binds.push(s.as_str().to_owned());
            conditions.push(format!("status = ${}", binds.len()));
        }
        if let Some(b) = before {
            binds.push(b.to_string());
            conditions.push(format!("id < ${}", binds.len()));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM applications {filter} ORDER BY id DESC LIMIT {}",
            limit.clamp(1, 500)
        );
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = query.bind(b);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(application).collect()
    }

    async fn update_application_data(
        &self,
        id: ApplicationId,
        expected_version: i64,
        data: &ApplicationData,
        now: DateTime<Utc>,
    ) -> Result<Application, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(&format!(
            "UPDATE applications SET data = $1, updated_at = $2, version = version + 1 \
             WHERE id = $3 AND version = $4 AND {EDITABLE}"
        ))
        .bind(to_json(data)?)
        .bind(ts(now))
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(missing_or_stale(&mut tx, id).await);
        }
        let updated = load(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn attach_file(
        &self,
        id: ApplicationId,
        expected_version: i64,
        file: &FileRecord,
        now: DateTime<Utc>,
    ) -> Result<Application, StoreError> {
        let mut tx = self.pool.begin().await?;
        let current = load(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        if current.version != expected_version || !current.status.is_editable() {
            return Err(StoreError::Conflict("stale"));
        }
        let mut files = current.files;
        files.insert(file.slot, file.clone());
        sqlx::query(
            "INSERT INTO files (id, application_id, slot, object_key, content_type, size, \
             sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(file.id.to_string())
        .bind(id.to_string())
        .bind(file.slot.as_str())
        .bind(file.object_key.clone())
        .bind(file.content_type.clone())
        .bind(i64::try_from(file.size).map_err(|_| StoreError::corrupt("file size"))?)
        .bind(file.sha256.clone())
        .bind(ts(file.uploaded_at))
        .execute(&mut *tx)
        .await
        .map_err(conflict_on_unique("file_exists"))?;
        let done = sqlx::query(&format!(
            "UPDATE applications SET files = $1, updated_at = $2, version = version + 1 \
             WHERE id = $3 AND version = $4 AND {EDITABLE}"
        ))
        .bind(to_json(&files)?)
        .bind(ts(now))
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("stale"));
        }
        let updated = load(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn record_attempt(&self, new: NewAttempt<'_>) -> Result<Application, StoreError> {
        let a = new.attempt;
        let mut tx = self.pool.begin().await?;
        // The guarded update goes first: on SQLite it takes the write lock at once, and on
        // both backends a concurrent submission of the same version finds nothing to update.
        let done = sqlx::query(&format!(
            "UPDATE applications SET status = $1, attempt_count = $2, last_decision = $3, \
             last_submitted_at = $4, updated_at = $4, version = version + 1 \
             WHERE id = $5 AND version = $6 AND {EDITABLE}"
        ))
        .bind(a.decision.outcome.status().as_str())
        .bind(i64::from(a.number))
        .bind(to_json(&a.decision)?)
        .bind(ts(a.submitted_at))
        .bind(a.application_id.to_string())
        .bind(new.expected_version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(missing_or_stale(&mut tx, a.application_id).await);
        }
        sqlx::query(
            "INSERT INTO attempts (id, application_id, number, data, files, decision, outcome, \
             submitted_at, readings) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(a.id.to_string())
        .bind(a.application_id.to_string())
        .bind(i64::from(a.number))
        .bind(to_json(&a.data)?)
        .bind(to_json(&a.files)?)
        .bind(to_json(&a.decision)?)
        .bind(a.decision.outcome.as_str())
        .bind(ts(a.submitted_at))
        .bind(a.readings.as_ref().map(to_json).transpose()?)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on_unique("stale"))?;
        let updated = load(&mut tx, a.application_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if let Some((key, response)) = new.idempotency {
            sqlx::query(
                "INSERT INTO idempotency_keys (account_id, idem_key, request_hash, status_code, \
                 body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(updated.account_id.to_string())
            .bind(key.to_owned())
            .bind(response.request_hash)
            .bind(i64::from(response.status_code))
            .bind(response.body)
            .bind(ts(a.submitted_at))
            .execute(&mut *tx)
            .await
            .map_err(conflict_on_unique("idempotency_key_exists"))?;
        }
        super::outbox::append(&mut tx, &new.events, a.submitted_at).await?;
        if let Some(batch) = new.review {
            super::review::apply_batch(&mut tx, self.backend(), batch).await?;
        }
        tx.commit().await?;
        Ok(updated)
    }

    async fn attempts(&self, id: ApplicationId) -> Result<Vec<Attempt>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, application_id, number, data, files, decision, submitted_at, readings \
             FROM attempts WHERE application_id = $1 ORDER BY number",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(attempt).collect()
    }

    async fn idempotent_response(
        &self,
        account_id: AccountId,
        key: &str,
    ) -> Result<Option<IdempotentResponse>, StoreError> {
        let row = sqlx::query(
            "SELECT request_hash, status_code, body FROM idempotency_keys \
             WHERE account_id = $1 AND idem_key = $2",
        )
        .bind(account_id.to_string())
        .bind(key.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let code: i64 = r.try_get("status_code")?;
            Ok(IdempotentResponse {
                request_hash: r.try_get("request_hash")?,
                status_code: u16::try_from(code)
                    .map_err(|_| StoreError::corrupt("idempotent status code"))?,
                body: r.try_get("body")?,
            })
        })
        .transpose()
    }
}
