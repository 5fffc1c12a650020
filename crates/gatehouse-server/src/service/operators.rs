//! What operators (the exchange's backend, administrators) can read and manage.

use chrono::{DateTime, Utc};
use gatehouse_core::application::ApplicationStatus;
use gatehouse_core::ids::{ApiKeyId, ApplicationId};
use gatehouse_store::models::{ApiKey, Application, Attempt, KeyScope};
use gatehouse_store::repo::{ApiKeyRepo, ApplicationRepo};

use crate::auth::{new_api_key, token_hash};
use crate::error::ApiError;
use crate::state::AppState;

/// A page of applications, newest first.
pub async fn list_applications(
    state: &AppState,
    status: Option<&str>,
    limit: Option<u32>,
    before: Option<&str>,
) -> Result<Vec<Application>, ApiError> {
    let status = status
        .map(|s| {
            ApplicationStatus::parse(s).ok_or_else(|| {
                ApiError::field("status", "invalid_status", "is not an application status")
            })
        })
        .transpose()?;
    let before = before
        .map(|b| {
            b.parse::<ApplicationId>()
                .map_err(|_| ApiError::field("before", "invalid_id", "is not an application id"))
        })
        .transpose()?;
    let limit = limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "out_of_range", "must be 1 to 500"));
    }
    Ok(state.db().list_applications(status, limit, before).await?)
}

/// One application with its attempts.
pub async fn application(
    state: &AppState,
    id: &str,
) -> Result<(Application, Vec<Attempt>), ApiError> {
    let id: ApplicationId = id.parse().map_err(|_| ApiError::NotFound)?;
    let application = state
        .db()
        .application(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let attempts = state.db().attempts(id).await?;
    Ok((application, attempts))
}

/// Creates an operator key; returns the record and the secret, which is shown only once.
pub async fn create_key(
    state_db: &impl ApiKeyRepo,
    name: &str,
    scope: KeyScope,
    now: DateTime<Utc>,
) -> Result<(ApiKey, String), ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::field(
            "name",
            "invalid_name",
            "must be 1 to 100 characters",
        ));
    }
    let secret = new_api_key();
    let key = ApiKey {
        id: ApiKeyId::new(),
        name: name.to_owned(),
        scope,
        key_hash: token_hash(&secret),
        created_at: now,
        revoked_at: None,
    };
    state_db.create_api_key(&key).await?;
    Ok((key, secret))
}

pub async fn list_keys(db: &impl ApiKeyRepo) -> Result<Vec<ApiKey>, ApiError> {
    Ok(db.list_api_keys().await?)
}

pub async fn revoke_key(
    db: &impl ApiKeyRepo,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let id: ApiKeyId = id.parse().map_err(|_| ApiError::NotFound)?;
    Ok(db.revoke_api_key(id, now).await?)
}
