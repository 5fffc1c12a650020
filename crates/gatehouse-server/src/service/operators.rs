//! What operators (the exchange's backend, administrators) can read and manage.

use chrono::{DateTime, Utc};
use gatehouse_core::application::ApplicationStatus;
use gatehouse_core::ids::{AccountId, ApiKeyId, ApplicationId};
use gatehouse_core::linkage::AccountStatus;
use gatehouse_store::models::{
    Account, ApiKey, Application, Attempt, KeyScope, Link, StatusChange,
};
use gatehouse_store::repo::{AccountRepo, ApiKeyRepo, ApplicationRepo, IdentityRepo, SessionRepo};

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
    actor: &str,
) -> Result<(Application, Vec<Attempt>), ApiError> {
    let id: ApplicationId = id.parse().map_err(|_| ApiError::NotFound)?;
    let application = state
        .db()
        .application(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let attempts = state.db().attempts(id).await?;
    // The applicant's data leaves the service: audited like a reviewer's file view.
    let mut batch = gatehouse_store::models::Batch::new(crate::service::now());
    batch.audit(
        actor,
        "application.exported",
        &format!("application:{id}"),
        None,
        Some(serde_json::json!({"attempts": attempts.len()})),
    );
    gatehouse_store::repo::ReviewRepo::commit(state.db(), &batch).await?;
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

/// `POST /v1/admin/accounts/{id}/status` body.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// `active`, `restricted`, `banned` or `closed`.
    pub status: String,
    /// Why; kept in the account's history.
    pub reason: String,
}

/// Changes an account's status, recording who and why. Banned and closed accounts lose their
/// sessions at once.
pub async fn set_status(
    state: &AppState,
    id: &str,
    req: StatusRequest,
    actor: String,
) -> Result<(Account, Vec<StatusChange>), ApiError> {
    let id: AccountId = id.parse().map_err(|_| ApiError::NotFound)?;
    let status = AccountStatus::parse(&req.status).ok_or_else(|| {
        ApiError::field(
            "status",
            "invalid_status",
            "must be active, restricted, banned or closed",
        )
    })?;
    let reason = req.reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(ApiError::field(
            "reason",
            "invalid_reason",
            "must be 1 to 1000 characters",
        ));
    }
    let change = StatusChange {
        status,
        reason: reason.to_owned(),
        actor,
        at: crate::service::now(),
    };
    let before = state.db().account(id).await?.map(|a| a.status);
    let account = state.db().set_account_status(id, &change).await?;
    if !status.can_sign_in() {
        state.db().delete_sessions_of(id).await?;
    }
    crate::service::review::account_status_changed(
        state,
        id,
        before,
        status,
        &change.actor,
        &change.reason,
    )
    .await?;
    tracing::info!(account_id = %id, status = status.as_str(), actor = %change.actor, "account status changed");
    let history = state.db().status_history(id).await?;
    Ok((account, history))
}

/// An account and its status history.
pub async fn account(state: &AppState, id: &str) -> Result<(Account, Vec<StatusChange>), ApiError> {
    let id: AccountId = id.parse().map_err(|_| ApiError::NotFound)?;
    let account = state.db().account(id).await?.ok_or(ApiError::NotFound)?;
    let history = state.db().status_history(id).await?;
    Ok((account, history))
}

/// The accounts linked to one, by the identifiers that count now (see `linkage`).
pub async fn links(state: &AppState, id: &str) -> Result<Vec<Link>, ApiError> {
    let id: AccountId = id.parse().map_err(|_| ApiError::NotFound)?;
    state.db().account(id).await?.ok_or(ApiError::NotFound)?;
    let links = state.db().links(id, 1000).await?;
    Ok(state.identity().relevant(links))
}
