use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gatehouse_core::application::ApplicationStatus;
use gatehouse_core::ids::ApplicationId;
use gatehouse_core::liveness::LivenessResult;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::applications::{application, missing_or_stale, COLUMNS};
use super::{json_col, parsed_col, time_col, to_json};
use crate::db::ts;
use crate::models::{Application, LivenessRecord, LivenessRecorded};
use crate::repo::{CompletedAttempt, LivenessRepo};
use crate::{conflict_on_unique, Db, StoreError};

const RESULT_COLUMNS: &str =
    "id, provider, session_id, application_id, passed, reasons, source, received_at";

fn record(row: &AnyRow) -> Result<LivenessRecord, StoreError> {
    let passed: i64 = row.try_get("passed")?;
    let source: String = row.try_get("source")?;
    Ok(LivenessRecord {
        id: row.try_get("id")?,
        provider: row.try_get("provider")?,
        result: LivenessResult {
            application_id: parsed_col(row, "application_id")?,
            session_id: row.try_get("session_id")?,
            passed: passed != 0,
            reasons: json_col(row, "reasons")?,
        },
        source: match source.as_str() {
            "webhook" => "webhook",
            "api" => "api",
            other => return Err(StoreError::corrupt(format!("liveness source {other:?}"))),
        },
        received_at: time_col(row, "received_at")?,
    })
}

#[async_trait]
impl LivenessRepo for Db {
    async fn record_liveness(
        &self,
        rec: &LivenessRecord,
        delivery: Option<&str>,
        forget_before: DateTime<Utc>,
    ) -> Result<LivenessRecorded, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(digest) = delivery {
            sqlx::query("DELETE FROM liveness_deliveries WHERE received_at < $1")
                .bind(ts(forget_before))
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO liveness_deliveries (provider, digest, received_at) \
                 VALUES ($1, $2, $3)",
            )
            .bind(rec.provider.clone())
            .bind(digest.to_owned())
            .bind(ts(rec.received_at))
            .execute(&mut *tx)
            .await
            .map_err(conflict_on_unique("replayed"))?;
        }
        let existing = sqlx::query(&format!(
            "SELECT {RESULT_COLUMNS} FROM liveness_results WHERE provider = $1 AND session_id = $2"
        ))
        .bind(rec.provider.clone())
        .bind(rec.result.session_id.clone())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            let stored = record(&row)?;
            if stored.result != rec.result {
                return Err(StoreError::Conflict("session_conflict"));
            }
            // The delivery is remembered even so: a replay of it is still a replay.
            tx.commit().await?;
            return Ok(LivenessRecorded::Duplicate);
        }
        sqlx::query(&format!(
            "INSERT INTO liveness_results ({RESULT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(rec.id.clone())
        .bind(rec.provider.clone())
        .bind(rec.result.session_id.clone())
        .bind(rec.result.application_id.to_string())
        .bind(i64::from(rec.result.passed))
        .bind(to_json(&rec.result.reasons)?)
        .bind(rec.source)
        .bind(ts(rec.received_at))
        .execute(&mut *tx)
        .await
        // Two deliveries of one session racing: the loser sees the winner's row next time.
        .map_err(conflict_on_unique("session_conflict"))?;
        tx.commit().await?;
        Ok(LivenessRecorded::New)
    }

    async fn latest_liveness(
        &self,
        application_id: ApplicationId,
        since: DateTime<Utc>,
    ) -> Result<Option<LivenessRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {RESULT_COLUMNS} FROM liveness_results \
             WHERE application_id = $1 AND received_at >= $2 \
             ORDER BY received_at DESC, id DESC LIMIT 1"
        ))
        .bind(application_id.to_string())
        .bind(ts(since))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(record).transpose()
    }

    async fn awaiting_liveness(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Application>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM applications WHERE status = $1 AND last_submitted_at < $2 \
             ORDER BY last_submitted_at LIMIT $3"
        ))
        .bind(ApplicationStatus::AwaitingLiveness.as_str())
        .bind(ts(before))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(application).collect()
    }

    async fn complete_attempt(
        &self,
        done: CompletedAttempt<'_>,
    ) -> Result<Application, StoreError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE applications SET status = $1, last_decision = $2, updated_at = $3, \
             version = version + 1 WHERE id = $4 AND version = $5 AND status = $6",
        )
        .bind(done.decision.outcome.status().as_str())
        .bind(to_json(done.decision)?)
        .bind(ts(done.decided_at))
        .bind(done.application_id.to_string())
        .bind(done.expected_version)
        .bind(ApplicationStatus::AwaitingLiveness.as_str())
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(missing_or_stale(&mut tx, done.application_id).await);
        }
        let attempt = sqlx::query(
            "UPDATE attempts SET decision = $1, outcome = $2 \
             WHERE id = $3 AND application_id = $4 AND outcome = $5",
        )
        .bind(to_json(done.decision)?)
        .bind(done.decision.outcome.as_str())
        .bind(done.attempt_id.to_string())
        .bind(done.application_id.to_string())
        .bind(ApplicationStatus::AwaitingLiveness.as_str())
        .execute(&mut *tx)
        .await?;
        if attempt.rows_affected() == 0 {
            return Err(StoreError::Conflict("stale"));
        }
        super::outbox::append(&mut tx, &done.events, done.decided_at).await?;
        if let Some(batch) = done.review {
            super::review::apply_batch(&mut tx, self.backend(), batch).await?;
        }
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM applications WHERE id = $1"))
            .bind(done.application_id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let application = application(&row)?;
        tx.commit().await?;
        Ok(application)
    }
}
