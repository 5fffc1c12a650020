//! Webhook endpoints and their delivery log, managed with an operator key.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use gatehouse_store::models::{Delivery, DeliveryAttempt, DeliveryStatus, WebhookEndpoint};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Operator;
use crate::body::{typed, JsonBody};
use crate::error::{ApiError, Problem};
use crate::service::now;
use crate::state::AppState;
use crate::webhooks::{self, CreateWebhook};

/// An endpoint, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    /// Event names, or `["*"]` for all.
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&WebhookEndpoint> for WebhookView {
    fn from(e: &WebhookEndpoint) -> Self {
        Self {
            id: e.id.to_string(),
            url: e.url.clone(),
            events: e.subscription.names(),
            created_at: e.created_at,
        }
    }
}

/// A new endpoint with its signing secret, which is never shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// `whsec_` and 64 hex digits; the whole string is the HMAC-SHA256 key.
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookView>,
}

/// One attempt of a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptLogView {
    pub at: DateTime<Utc>,
    pub duration_ms: u64,
    /// The receiver's status code, when it answered.
    pub status_code: Option<u16>,
    /// `timeout`, `connect`, `status` (not 2xx), `redirect` (never followed) or `request`;
    /// absent when delivered.
    pub error: Option<String>,
}

impl From<&DeliveryAttempt> for AttemptLogView {
    fn from(a: &DeliveryAttempt) -> Self {
        Self {
            at: a.started_at,
            duration_ms: a.duration_ms,
            status_code: a.status_code,
            error: a.error.clone(),
        }
    }
}

/// One event's delivery to one endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: String,
    pub webhook_id: String,
    /// Sent as `X-Gatehouse-Event-Id`.
    pub event_id: String,
    pub event: String,
    /// `pending`, `sending` (claimed by a dispatcher), `delivered`, `failed` or `cancelled`
    /// (endpoint deleted).
    pub status: String,
    /// Attempts since the delivery was created or last replayed.
    pub attempt_count: u32,
    /// When the next attempt is due, while pending; when the claim ends, while sending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every attempt, oldest first (replays included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<Vec<AttemptLogView>>,
}

fn delivery_view(d: &Delivery, attempts: Option<&[DeliveryAttempt]>) -> DeliveryView {
    DeliveryView {
        id: d.id.to_string(),
        webhook_id: d.endpoint_id.to_string(),
        event_id: d.event_id.to_string(),
        event: d.event_kind.as_str().to_owned(),
        status: d.status.as_str().to_owned(),
        attempt_count: d.attempt_count,
        next_attempt_at: matches!(d.status, DeliveryStatus::Pending | DeliveryStatus::Sending)
            .then_some(d.next_attempt_at),
        created_at: d.created_at,
        updated_at: d.updated_at,
        attempts: attempts.map(|list| list.iter().map(AttemptLogView::from).collect()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub deliveries: Vec<DeliveryView>,
}

/// Registers an endpoint for events; answers its signing secret, this once. Any operator key.
#[utoipa::path(post, path = "/v1/admin/webhooks", tag = "operators",
    security(("bearer" = [])),
    request_body = CreateWebhook,
    responses((status = 201, body = CreatedWebhook),
              (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Operator(key): Operator,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    let endpoint = webhooks::create(state.db(), typed(body)?, now()).await?;
    tracing::info!(webhook_id = %endpoint.id, by = %key.id, "webhook endpoint created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhook {
            webhook: WebhookView::from(&endpoint),
            secret: endpoint.secret,
        }),
    ))
}

/// Lists endpoints, without their secrets. Any operator key.
#[utoipa::path(get, path = "/v1/admin/webhooks", tag = "operators",
    security(("bearer" = [])),
    responses((status = 200, body = WebhookList),
              (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<WebhookList>, ApiError> {
    let endpoints = webhooks::list(state.db()).await?;
    Ok(Json(WebhookList {
        webhooks: endpoints.iter().map(WebhookView::from).collect(),
    }))
}

/// Deletes an endpoint; its pending deliveries are cancelled, its log is kept. Any operator key.
#[utoipa::path(delete, path = "/v1/admin/webhooks/{id}", tag = "operators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook endpoint id")),
    responses((status = 204),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete(
    State(state): State<AppState>,
    Operator(key): Operator,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    webhooks::delete(state.db(), &id, now()).await?;
    tracing::info!(webhook_id = %id, by = %key.id, "webhook endpoint deleted");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<u32>,
}

/// An endpoint's deliveries, newest first, with every attempt. Any operator key.
#[utoipa::path(get, path = "/v1/admin/webhooks/{id}/deliveries", tag = "operators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook endpoint id"), DeliveriesQuery),
    responses((status = 200, body = DeliveryList),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn deliveries(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
    query: Result<Query<DeliveriesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DeliveryList>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::field("query", "invalid_query", e.body_text()))?;
    let log = webhooks::deliveries(state.db(), &id, q.limit).await?;
    Ok(Json(DeliveryList {
        deliveries: log
            .iter()
            .map(|(d, attempts)| delivery_view(d, Some(attempts)))
            .collect(),
    }))
}

/// Sends a delivery again now, with a fresh round of attempts (not while it is being sent).
/// Any operator key.
#[utoipa::path(post, path = "/v1/admin/webhooks/deliveries/{id}/replay", tag = "operators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Delivery id")),
    responses((status = 202, body = DeliveryView),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn replay(
    State(state): State<AppState>,
    Operator(key): Operator,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<DeliveryView>), ApiError> {
    let d = webhooks::replay(state.db(), &id, now()).await?;
    state.webhooks().wake();
    tracing::info!(delivery_id = %d.id, by = %key.id, "webhook delivery replayed");
    Ok((StatusCode::ACCEPTED, Json(delivery_view(&d, None))))
}
