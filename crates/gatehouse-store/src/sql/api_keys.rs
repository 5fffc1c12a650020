use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gatehouse_core::ids::ApiKeyId;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{opt_time_col, parsed_col, time_col};
use crate::db::ts;
use crate::models::{ApiKey, KeyScope};
use crate::repo::ApiKeyRepo;
use crate::{conflict_on_unique, Db, StoreError};

const COLUMNS: &str = "id, name, scope, key_hash, created_at, revoked_at";

fn api_key(row: &AnyRow) -> Result<ApiKey, StoreError> {
    let scope: String = row.try_get("scope")?;
    Ok(ApiKey {
        id: parsed_col(row, "id")?,
        name: row.try_get("name")?,
        scope: KeyScope::parse(&scope).ok_or_else(|| StoreError::corrupt("api key scope"))?,
        key_hash: row.try_get("key_hash")?,
        created_at: time_col(row, "created_at")?,
        revoked_at: opt_time_col(row, "revoked_at")?,
    })
}

#[async_trait]
impl ApiKeyRepo for Db {
    async fn create_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_keys (id, name, scope, key_hash, created_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(key.id.to_string())
        .bind(key.name.clone())
        .bind(key.scope.as_str())
        .bind(key.key_hash.clone())
        .bind(ts(key.created_at))
        .bind(key.revoked_at.map(ts))
        .execute(&self.pool)
        .await
        .map_err(conflict_on_unique("api_key_exists"))?;
        Ok(())
    }

    async fn active_api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"
        ))
        .bind(key_hash.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(api_key).transpose()
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM api_keys ORDER BY created_at"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(api_key).collect()
    }

    async fn revoke_api_key(&self, id: ApiKeyId, now: DateTime<Utc>) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(ts(now))
                .bind(id.to_string())
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
