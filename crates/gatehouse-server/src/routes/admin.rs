//! Operator endpoints, authenticated by API keys.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use gatehouse_store::models::ApiKey;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Admin, Operator};
use crate::error::{ApiError, Problem};
use crate::lang::RequestLang;
use crate::service::{now, operators};
use crate::state::AppState;
use crate::views::{
    AdminApplicationList, AdminApplicationSummary, AdminApplicationView, ApplicationView,
    AttemptView,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only applications in this status.
    pub status: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// Continue after this application id (`next_before` of the previous page).
    pub before: Option<String>,
}

/// Lists applications, newest first. Any operator key.
#[utoipa::path(get, path = "/v1/admin/applications", tag = "operators",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, body = AdminApplicationList),
              (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_applications(
    State(state): State<AppState>,
    _operator: Operator,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AdminApplicationList>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::field("query", "invalid_query", e.body_text()))?;
    let limit = q.limit.unwrap_or(50);
    let page = operators::list_applications(
        &state,
        q.status.as_deref(),
        Some(limit),
        q.before.as_deref(),
    )
    .await?;
    let next_before = (page.len() as u32 == limit)
        .then(|| page.last().map(|a| a.id.to_string()))
        .flatten();
    Ok(Json(AdminApplicationList {
        applications: page.iter().map(AdminApplicationSummary::from).collect(),
        next_before,
    }))
}

/// One application with every finding and every attempt. Any operator key.
#[utoipa::path(get, path = "/v1/admin/applications/{id}", tag = "operators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = AdminApplicationView),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn application(
    State(state): State<AppState>,
    _operator: Operator,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
) -> Result<Json<AdminApplicationView>, ApiError> {
    let (a, attempts) = operators::application(&state, &id).await?;
    let findings = a
        .last_decision
        .as_ref()
        .map(|d| {
            d.findings
                .iter()
                .filter_map(|f| serde_json::to_value(f).ok())
                .collect()
        })
        .unwrap_or_default();
    Ok(Json(AdminApplicationView {
        account_id: a.account_id.to_string(),
        application: ApplicationView::new(&a, state.config().kyc.max_attempts, lang),
        findings,
        attempts: attempts.iter().map(|x| AttemptView::new(x, lang)).collect(),
    }))
}

/// An operator key, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    pub id: String,
    pub name: String,
    /// `admin` or `integration`.
    pub scope: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&ApiKey> for KeyView {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.to_string(),
            name: k.name.clone(),
            scope: k.scope.as_str().to_owned(),
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyList {
    pub keys: Vec<KeyView>,
}

/// Lists operator keys. Admin scope.
#[utoipa::path(get, path = "/v1/admin/keys", tag = "operators",
    security(("bearer" = [])),
    responses((status = 200, body = KeyList),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_keys(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<KeyList>, ApiError> {
    let keys = operators::list_keys(state.db()).await?;
    Ok(Json(KeyList {
        keys: keys.iter().map(KeyView::from).collect(),
    }))
}

/// Revokes an operator key at once. Admin scope.
#[utoipa::path(delete, path = "/v1/admin/keys/{id}", tag = "operators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Key id")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_key(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    operators::revoke_key(state.db(), &id, now()).await?;
    tracing::info!(key_id = %id, by = %admin.id, "operator key revoked");
    Ok(StatusCode::NO_CONTENT)
}
