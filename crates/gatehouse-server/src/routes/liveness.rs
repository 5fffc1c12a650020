//! Liveness providers' results: signed webhook deliveries and operator submissions.

use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use bytes::Bytes;
use gatehouse_core::signature::HEADER;

use crate::auth::Operator;
use crate::body::{body_error, JsonBody};
use crate::error::{ApiError, Problem};
use crate::service::liveness::{receive_from_operator, receive_webhook, Received};
use crate::state::AppState;

/// A liveness provider delivers a session's result. Authenticated by
/// `X-Gatehouse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
/// with the provider's secret; stale timestamps and replayed deliveries are refused. The body
/// is the provider's own payload, read by its adapter (`generic`: the normalised result
/// `{application_id, session_id, passed, reasons}`). A second delivery of a session already
/// stored answers 200 with `duplicate: true`.
#[utoipa::path(post, path = "/v1/integrations/liveness/{provider}/webhook", tag = "integrations",
    params(("provider" = String, Path, description = "Adapter name, e.g. `generic`.")),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, body = Received),
        (status = 401, description = "signature_missing, signature_invalid or signature_expired", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown provider", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "delivery_replayed or liveness_session_conflict", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed or unknown_application", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "liveness_provider_not_configured", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn webhook(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Received>, ApiError> {
    let body = body.map_err(body_error)?;
    // A header that is not text cannot carry a valid signature.
    let signature = match headers.get(HEADER) {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| ApiError::SignatureInvalid)?),
    };
    let received = receive_webhook(&state, &provider, signature, &body).await?;
    Ok(Json(received))
}

/// The exchange's backend submits a normalised liveness result with an operator key (for
/// providers whose verdict reaches the exchange rather than Gatehouse).
#[utoipa::path(post, path = "/v1/integrations/liveness/{provider}/results", tag = "integrations",
    security(("bearer" = [])),
    params(("provider" = String, Path, description = "Adapter name, e.g. `generic`.")),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, body = Received),
        (status = 404, description = "unknown provider", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "liveness_session_conflict", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed or unknown_application", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn results(
    State(state): State<AppState>,
    _operator: Operator,
    Path(provider): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Received>, ApiError> {
    Ok(Json(receive_from_operator(&state, &provider, &body).await?))
}
