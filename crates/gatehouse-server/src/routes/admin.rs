//! Operator endpoints, authenticated by API keys.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use gatehouse_store::models::{Account, ApiKey, StatusChange};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Admin, Operator};
use crate::body::{typed, JsonBody};
use crate::error::{ApiError, Problem};
use crate::lang::RequestLang;
use crate::service::operators::StatusRequest;
use crate::service::{now, operators};
use crate::state::AppState;
use crate::views::{
    AccountView, AdminApplicationList, AdminApplicationSummary, AdminApplicationView,
    ApplicationView, AttemptView,
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
    Operator(key): Operator,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
) -> Result<Json<AdminApplicationView>, ApiError> {
    let (a, attempts) = operators::application(&state, &id, &format!("key:{}", key.id)).await?;
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
        attempts: attempts
            .iter()
            .map(|x| AttemptView::for_operator(x, lang))
            .collect(),
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

/// One entry of an account's status history.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChangeView {
    pub status: String,
    pub reason: String,
    /// `key:<id>` of the operator key that made the change.
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// An account as operators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminAccountView {
    #[serde(flatten)]
    pub account: AccountView,
    /// `active`, `restricted`, `banned` or `closed`.
    pub status: String,
    pub status_history: Vec<StatusChangeView>,
}

fn admin_account(a: Account, history: Vec<StatusChange>) -> AdminAccountView {
    AdminAccountView {
        status: a.status.as_str().to_owned(),
        account: a.into(),
        status_history: history
            .into_iter()
            .map(|h| StatusChangeView {
                status: h.status.as_str().to_owned(),
                reason: h.reason,
                actor: h.actor,
                at: h.at,
            })
            .collect(),
    }
}

/// An account with its status history. Any operator key.
#[utoipa::path(get, path = "/v1/admin/accounts/{id}", tag = "operators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = AdminAccountView),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn account(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
) -> Result<Json<AdminAccountView>, ApiError> {
    let (a, history) = operators::account(&state, &id).await?;
    Ok(Json(admin_account(a, history)))
}

/// Sets an account's status (`active`, `restricted`, `banned`, `closed`) with a reason; the
/// change is recorded with the key that made it. Banned and closed accounts are signed out.
#[utoipa::path(post, path = "/v1/admin/accounts/{id}/status", tag = "operators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    request_body = StatusRequest,
    responses((status = 200, body = AdminAccountView),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_status(
    State(state): State<AppState>,
    Operator(key): Operator,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<AdminAccountView>, ApiError> {
    let (a, history) =
        operators::set_status(&state, &id, typed(body)?, format!("key:{}", key.id)).await?;
    Ok(Json(admin_account(a, history)))
}

/// One identifier two accounts share, masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedIdentifier {
    /// `document`, `person`, `email`, `phone`, `device` or `ip`.
    pub kind: String,
    pub masked: String,
}

/// Another account and what links it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedAccount {
    pub account_id: String,
    pub status: String,
    pub identifiers: Vec<SharedIdentifier>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinksView {
    pub account_id: String,
    pub linked: Vec<LinkedAccount>,
}

/// Accounts sharing identifiers with this one (values masked), with their states. An IP
/// counts only when both used it within `ip_link_window_minutes`. Any operator key.
#[utoipa::path(get, path = "/v1/admin/accounts/{id}/links", tag = "operators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = LinksView),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn links(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
) -> Result<Json<LinksView>, ApiError> {
    let links = operators::links(&state, &id).await?;
    let mut linked: Vec<LinkedAccount> = Vec::new();
    for l in links {
        let shared = SharedIdentifier {
            kind: l.kind.as_str().to_owned(),
            masked: l.masked,
        };
        let other = l.account_id.to_string();
        match linked.iter_mut().find(|x| x.account_id == other) {
            Some(entry) => entry.identifiers.push(shared),
            None => linked.push(LinkedAccount {
                account_id: other,
                status: l.status.as_str().to_owned(),
                identifiers: vec![shared],
            }),
        }
    }
    Ok(Json(LinksView {
        account_id: id,
        linked,
    }))
}
