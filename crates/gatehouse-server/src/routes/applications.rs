//! The applicant's verification application.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::auth::Applicant;
use crate::body::{file_body, JsonBody};
use crate::error::{ApiError, Problem};
use crate::lang::RequestLang;
use crate::region::{ClientIp, DeviceId};
use crate::service::applications::{self, Submission};
use crate::state::AppState;
use crate::views::{ApplicationBody, ApplicationView, AttemptList, AttemptView, FileView};

/// Opens a verification application (one per account). Fields may be filled in later.
#[utoipa::path(post, path = "/v1/kyc/applications", tag = "applications",
    security(("bearer" = [])),
    request_body = ApplicationBody,
    responses(
        (status = 201, body = ApplicationView),
        (status = 409, description = "application_exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    applicant: Applicant,
    RequestLang(lang): RequestLang,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    let a = applications::create(&state, applicant.account_id, &body).await?;
    let view = ApplicationView::new(&a, state.config().kyc.max_attempts, lang);
    Ok((StatusCode::CREATED, Json(view)))
}

/// The application with its latest decision.
#[utoipa::path(get, path = "/v1/kyc/applications/{id}", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = ApplicationView), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    applicant: Applicant,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    let a = applications::own(&state, applicant.account_id, &id).await?;
    Ok(Json(ApplicationView::new(
        &a,
        state.config().kyc.max_attempts,
        lang,
    )))
}

/// Changes fields with a JSON merge patch (RFC 7386), while `draft` or `rejected_retry`.
#[utoipa::path(patch, path = "/v1/kyc/applications/{id}", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    request_body(content = ApplicationBody, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, body = ApplicationView),
        (status = 409, description = "application_not_editable", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    applicant: Applicant,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<ApplicationView>, ApiError> {
    let a = applications::patch(&state, applicant.account_id, &id, &body).await?;
    Ok(Json(ApplicationView::new(
        &a,
        state.config().kyc.max_attempts,
        lang,
    )))
}

/// Uploads a file into a slot (`document_front`, `document_back`, `selfie`,
/// `proof_of_address`), replacing the slot's current file. The body is the raw file; its
/// type is judged from the bytes. Earlier files stay referenced by earlier attempts.
#[utoipa::path(put, path = "/v1/kyc/applications/{id}/files/{slot}", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id"),
           ("slot" = String, Path, description = "document_front, document_back, selfie or proof_of_address")),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses(
        (status = 201, body = FileView),
        (status = 413, description = "file_too_large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "unsupported_file_type", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    applicant: Applicant,
    Path((id, slot)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<FileView>), ApiError> {
    let bytes = file_body(body, state.config().limits.max_upload_bytes)?;
    let record = applications::upload(&state, applicant.account_id, &id, &slot, bytes).await?;
    Ok((StatusCode::CREATED, Json(FileView::from(&record))))
}

/// Downloads the slot's current file.
#[utoipa::path(get, path = "/v1/kyc/applications/{id}/files/{slot}", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id"),
           ("slot" = String, Path, description = "File slot")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn download(
    State(state): State<AppState>,
    applicant: Applicant,
    Path((id, slot)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) =
        applications::download(&state, applicant.account_id, &id, &slot).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// Submits the application for an immediate automated decision. Send an `Idempotency-Key`
/// header to make retries safe: a repeated key returns the first response.
#[utoipa::path(post, path = "/v1/kyc/applications/{id}/submit", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id"),
           ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 printable ASCII characters")),
    responses(
        (status = 200, body = ApplicationView),
        (status = 409, description = "application_not_editable", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "submission_cooldown", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    applicant: Applicant,
    RequestLang(lang): RequestLang,
    ClientIp(ip): ClientIp,
    DeviceId(device): DeviceId,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let raw_key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().map_err(|_| ApiError::IdempotencyKeyInvalid))
        .transpose()?;
    let key = applications::idempotency_key(raw_key)?;
    let done = applications::submit(
        &state,
        applicant.account_id,
        &id,
        Submission {
            key,
            ip,
            device,
            lang,
        },
    )
    .await?;
    let status = StatusCode::from_u16(done.status).unwrap_or(StatusCode::OK);
    Ok((
        status,
        [(header::CONTENT_TYPE, "application/json")],
        done.body,
    )
        .into_response())
}

/// Every submitted attempt, oldest first, with the data and files as submitted and the decision.
#[utoipa::path(get, path = "/v1/kyc/applications/{id}/attempts", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = AttemptList), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn attempts(
    State(state): State<AppState>,
    applicant: Applicant,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
) -> Result<Json<AttemptList>, ApiError> {
    let attempts = applications::attempts(&state, applicant.account_id, &id).await?;
    Ok(Json(AttemptList {
        attempts: attempts.iter().map(|a| AttemptView::new(a, lang)).collect(),
    }))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct PrecheckQuery {
    /// `document`, `selfie` or `proof_of_address`.
    pub kind: Option<String>,
}

/// Runs the image checks on a picture before it is uploaded: the same reasons a submission
/// would get for it (blur, glare, darkness, a cut-off corner, a screenshot, ...), with the
/// measurements behind them. Nothing is stored. Limited per account per minute.
#[utoipa::path(post, path = "/v1/kyc/precheck", tag = "applications",
    security(("bearer" = [])),
    params(PrecheckQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses(
        (status = 200, body = crate::service::precheck::PrecheckView),
        (status = 400, description = "invalid_precheck_kind", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "file_too_large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "unsupported_file_type", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "precheck_rate_limited", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn precheck(
    State(state): State<AppState>,
    applicant: Applicant,
    RequestLang(lang): RequestLang,
    query: Result<axum::extract::Query<PrecheckQuery>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<crate::service::precheck::PrecheckView>, ApiError> {
    let kind = query.ok().and_then(|q| q.0.kind);
    let bytes = file_body(body, state.config().limits.max_upload_bytes)?;
    let view = crate::service::precheck::precheck(
        &state,
        applicant.account_id,
        kind.as_deref(),
        bytes.to_vec(),
        lang,
    )
    .await?;
    Ok(Json(view))
}
