//! The SQL implementation of the repository traits. Queries use `$n` placeholders, which both
//! PostgreSQL and SQLite understand, and only portable types (TEXT, BIGINT), so one
//! implementation serves both backends through sqlx's Any driver.

mod accounts;
mod api_keys;
mod applications;
mod identities;
mod images;
mod liveness;
pub(crate) mod outbox;
mod review;
mod sanctions;
mod sessions;
mod webhooks;

use std::str::FromStr;

use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::StoreError;

/// Reads a TEXT column that holds JSON.
fn json_col<T: DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T, StoreError> {
    let text: String = row.try_get(col)?;
    serde_json::from_str(&text).map_err(|e| StoreError::corrupt(format!("{col}: {e}")))
}

/// Reads a TEXT column that holds a value with a `FromStr` (an id).
fn parsed_col<T: FromStr>(row: &AnyRow, col: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    let text: String = row.try_get(col)?;
    text.parse()
        .map_err(|e| StoreError::corrupt(format!("{col}: {e}")))
}

fn time_col(row: &AnyRow, col: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    let text: String = row.try_get(col)?;
    crate::db::parse_ts(&text)
}

fn opt_time_col(
    row: &AnyRow,
    col: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
    let text: Option<String> = row.try_get(col)?;
    text.as_deref().map(crate::db::parse_ts).transpose()
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(format!("serialise: {e}")))
}
