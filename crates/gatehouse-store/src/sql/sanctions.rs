use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{json_col, parsed_col, time_col, to_json};
use crate::db::ts;
use crate::models::{RescreenJob, SanctionsAlert, SanctionsVersion};
use crate::repo::SanctionsRepo;
use crate::{conflict_on_unique, Db, StoreError};

/// Rows per multi-row INSERT: fewer round trips, well under both engines' parameter limits.
const BATCH: usize = 300;

fn version(row: &AnyRow) -> Result<SanctionsVersion, StoreError> {
    let count: i64 = row.try_get("entity_count")?;
    Ok(SanctionsVersion {
        id: row.try_get("id")?,
        source: row.try_get("source")?,
        format: row.try_get("format")?,
        files: json_col(row, "files")?,
        entity_count: u64::try_from(count).map_err(|_| StoreError::corrupt("entity_count"))?,
        imported_at: time_col(row, "imported_at")?,
    })
}

fn job(row: &AnyRow) -> Result<RescreenJob, StoreError> {
    let n = |col: &str| -> Result<u64, StoreError> {
        let v: i64 = row.try_get(col)?;
        u64::try_from(v).map_err(|_| StoreError::corrupt(col.to_owned()))
    };
    Ok(RescreenJob {
        id: row.try_get("id")?,
        versions: json_col(row, "versions")?,
        status: row.try_get("status")?,
        cursor: row.try_get("cursor")?,
        screened: n("screened")?,
        hits: n("hits")?,
        started_at: time_col(row, "started_at")?,
        updated_at: time_col(row, "updated_at")?,
    })
}

#[async_trait]
impl SanctionsRepo for Db {
    async fn import_version(
        &self,
        v: &SanctionsVersion,
        entities: &[(String, String)],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO sanctions_versions (id, source, format, files, entity_count, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(v.id.clone())
        .bind(v.source.clone())
        .bind(v.format.clone())
        .bind(to_json(&v.files)?)
        .bind(i64::try_from(v.entity_count).map_err(|_| StoreError::corrupt("entity_count"))?)
        .bind(ts(v.imported_at))
        .execute(&mut *tx)
        .await
        .map_err(conflict_on_unique("version_exists"))?;
        for chunk in entities.chunks(BATCH) {
            let placeholders: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
                .collect();
            let sql = format!(
                "INSERT INTO sanctions_entities (version_id, entity_id, data) VALUES {}",
                placeholders.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (entity_id, data) in chunk {
                q = q
                    .bind(v.id.clone())
                    .bind(entity_id.clone())
                    .bind(data.clone());
            }
            q.execute(&mut *tx)
                .await
                .map_err(conflict_on_unique("duplicate_entity_id"))?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn current_versions(&self) -> Result<Vec<SanctionsVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.id, v.source, v.format, v.files, v.entity_count, v.imported_at \
             FROM sanctions_versions v \
             WHERE v.imported_at = (SELECT MAX(w.imported_at) FROM sanctions_versions w \
                                    WHERE w.source = v.source) \
             ORDER BY v.source",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(version).collect()
    }

    async fn version_entities(&self, version_id: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT data FROM sanctions_entities WHERE version_id = $1 ORDER BY entity_id",
        )
        .bind(version_id.to_owned())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("data").map_err(StoreError::from))
            .collect()
    }

    async fn save_rescreen_job(&self, j: &RescreenJob) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO rescreen_jobs (id, versions, status, cursor, screened, hits, started_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, cursor = excluded.cursor, \
             screened = excluded.screened, hits = excluded.hits, updated_at = excluded.updated_at",
        )
        .bind(j.id.clone())
        .bind(to_json(&j.versions)?)
        .bind(j.status.clone())
        .bind(j.cursor.clone())
        .bind(i64::try_from(j.screened).unwrap_or(i64::MAX))
        .bind(i64::try_from(j.hits).unwrap_or(i64::MAX))
        .bind(ts(j.started_at))
        .bind(ts(j.updated_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn latest_rescreen_job(&self) -> Result<Option<RescreenJob>, StoreError> {
        let row = sqlx::query(
            "SELECT id, versions, status, cursor, screened, hits, started_at, updated_at \
             FROM rescreen_jobs ORDER BY started_at DESC, id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job).transpose()
    }

    async fn add_sanctions_alert(&self, a: &SanctionsAlert) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sanctions_alerts (id, account_id, application_id, origin, hits, status, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(a.id.clone())
        .bind(a.account_id.to_string())
        .bind(a.application_id.to_string())
        .bind(a.origin.clone())
        .bind(to_json(&a.hits)?)
        .bind(a.status.clone())
        .bind(ts(a.created_at))
        .execute(&self.pool)
        .await
        .map_err(conflict_on_unique("alert_exists"))?;
        Ok(())
    }

    async fn sanctions_alerts(
        &self,
        status: Option<&str>,
        limit: u32,
    ) -> Result<Vec<SanctionsAlert>, StoreError> {
        let filter = if status.is_some() {
            "WHERE status = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT id, account_id, application_id, origin, hits, status, created_at \
             FROM sanctions_alerts {filter} ORDER BY created_at DESC, id DESC LIMIT {}",
            limit.clamp(1, 1000)
        );
        let mut q = sqlx::query(&sql);
        if let Some(s) = status {
            q = q.bind(s.to_owned());
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(SanctionsAlert {
                    id: r.try_get("id")?,
                    account_id: parsed_col(r, "account_id")?,
                    application_id: parsed_col(r, "application_id")?,
                    origin: r.try_get("origin")?,
                    hits: json_col(r, "hits")?,
                    status: r.try_get("status")?,
                    created_at: time_col(r, "created_at")?,
                })
            })
            .collect()
    }
}
