//! The applicant's side of review: appeals, the message thread, answers to requests for
//! information.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use gatehouse_store::models::{Appeal, Message, SupportingFile};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Applicant;
use crate::body::{file_body, typed, JsonBody};
use crate::error::{ApiError, Problem};
use crate::lang::RequestLang;
use crate::service::appeals;
use crate::state::AppState;
use crate::views::ApplicationView;

/// `POST /v1/kyc/applications/{id}/appeals` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealBody {
    /// Why the decision is wrong.
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupportingFileView {
    pub id: String,
    pub name: String,
    /// `handwritten_statement`, `household_register`, `utility_bill`, `bank_statement` or `other`.
    pub kind: String,
    /// Judged from the bytes: JPEG, PNG or PDF.
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<&SupportingFile> for SupportingFileView {
    fn from(f: &SupportingFile) -> Self {
        Self {
            id: f.id.to_string(),
            name: f.name.clone(),
            kind: f.kind.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            sha256: f.sha256.clone(),
            uploaded_at: f.uploaded_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealView {
    pub id: String,
    pub application_id: String,
    pub message: String,
    /// `draft` (files may be added), `submitted` (with a reviewer) or `closed` (decided).
    pub status: String,
    pub files: Vec<SupportingFileView>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl AppealView {
    fn new(a: &Appeal, files: &[SupportingFile]) -> Self {
        Self {
            id: a.id.clone(),
            application_id: a.application_id.to_string(),
            message: a.message.clone(),
            status: a.status.clone(),
            files: files.iter().map(SupportingFileView::from).collect(),
            created_at: a.created_at,
            submitted_at: a.submitted_at,
            closed_at: a.closed_at,
        }
    }
}

/// Appeals a `rejected_retry` or `rejected_final` application. One open appeal at a time;
/// the number of appeals and the wait between them are limited.
#[utoipa::path(post, path = "/v1/kyc/applications/{id}/appeals", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    request_body = AppealBody,
    responses((status = 201, body = AppealView),
              (status = 409, description = "appeal_not_allowed, appeal_open or appeal_limit_reached", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "appeal_cooldown", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    applicant: Applicant,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<AppealView>), ApiError> {
    let req: AppealBody = typed(body)?;
    let a = appeals::create(&state, applicant.account_id, &id, &req.message).await?;
    Ok((StatusCode::CREATED, Json(AppealView::new(&a, &[]))))
}

/// The appeal with its files.
#[utoipa::path(get, path = "/v1/kyc/appeals/{id}", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Appeal id")),
    responses((status = 200, body = AppealView)))]
pub async fn get(
    State(state): State<AppState>,
    applicant: Applicant,
    Path(id): Path<String>,
) -> Result<Json<AppealView>, ApiError> {
    let a = appeals::own_appeal(&state, applicant.account_id, &id).await?;
    let files = appeals::appeal_files(&state, &a).await?;
    Ok(Json(AppealView::new(&a, &files)))
}

/// `?kind=` of a supporting file.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KindQuery {
    /// `handwritten_statement`, `household_register`, `utility_bill`, `bank_statement` or `other`.
    pub kind: Option<String>,
}

/// Adds a supporting file (raw body: JPEG, PNG or PDF, judged from the bytes) to a draft appeal.
#[utoipa::path(put, path = "/v1/kyc/appeals/{id}/files/{name}", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Appeal id"),
           ("name" = String, Path, description = "File name: letters, digits, . _ -"),
           KindQuery),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 201, body = SupportingFileView),
              (status = 409, description = "appeal_not_editable", body = Problem, content_type = "application/problem+json"),
              (status = 415, description = "unsupported_file_type", body = Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(state): State<AppState>,
    applicant: Applicant,
    Path((id, name)): Path<(String, String)>,
    Query(q): Query<KindQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<SupportingFileView>), ApiError> {
    let bytes = file_body(body, state.config().limits.max_upload_bytes)?;
    let f = appeals::upload(
        &state,
        applicant.account_id,
        &id,
        &name,
        q.kind.as_deref(),
        bytes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(SupportingFileView::from(&f))))
}

/// Submits the appeal to reviewers.
#[utoipa::path(post, path = "/v1/kyc/appeals/{id}/submit", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Appeal id")),
    responses((status = 200, body = AppealView),
              (status = 409, description = "appeal_not_editable", body = Problem, content_type = "application/problem+json")))]
pub async fn submit(
    State(state): State<AppState>,
    applicant: Applicant,
    Path(id): Path<String>,
) -> Result<Json<AppealView>, ApiError> {
    let a = appeals::submit(&state, applicant.account_id, &id).await?;
    let files = appeals::appeal_files(&state, &a).await?;
    Ok(Json(AppealView::new(&a, &files)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: String,
    /// `applicant` or `reviewer` (reviewers are not named to applicants).
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Message> for MessageView {
    fn from(m: &Message) -> Self {
        Self {
            id: m.id.clone(),
            author: m.author.clone(),
            body: m.body.clone(),
            created_at: m.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageList {
    pub messages: Vec<MessageView>,
}

/// The thread between the applicant and the reviewers, oldest first.
#[utoipa::path(get, path = "/v1/kyc/applications/{id}/messages", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = MessageList)))]
pub async fn messages(
    State(state): State<AppState>,
    applicant: Applicant,
    Path(id): Path<String>,
) -> Result<Json<MessageList>, ApiError> {
    let list = appeals::messages(&state, applicant.account_id, &id).await?;
    Ok(Json(MessageList {
        messages: list.iter().map(MessageView::from).collect(),
    }))
}

/// `{body}` of a message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    pub body: String,
}

/// Writes to the reviewers. While the application is `info_requested`, this is the answer:
/// the application returns to review.
#[utoipa::path(post, path = "/v1/kyc/applications/{id}/messages", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    request_body = MessageBody,
    responses((status = 201, body = MessageView)))]
pub async fn post_message(
    State(state): State<AppState>,
    applicant: Applicant,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let req: MessageBody = typed(body)?;
    let m = appeals::post_message(&state, applicant.account_id, &id, &req.body).await?;
    Ok((StatusCode::CREATED, Json(MessageView::from(&m))))
}

/// Adds a file answering a request for information (raw body: JPEG, PNG or PDF).
#[utoipa::path(put, path = "/v1/kyc/applications/{id}/info-files/{name}", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id"),
           ("name" = String, Path, description = "File name: letters, digits, . _ -"),
           KindQuery),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 201, body = SupportingFileView),
              (status = 409, description = "info_not_requested", body = Problem, content_type = "application/problem+json")))]
pub async fn upload_answer(
    State(state): State<AppState>,
    applicant: Applicant,
    Path((id, name)): Path<(String, String)>,
    Query(q): Query<KindQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<SupportingFileView>), ApiError> {
    let bytes = file_body(body, state.config().limits.max_upload_bytes)?;
    let f = appeals::upload_answer_file(
        &state,
        applicant.account_id,
        &id,
        &name,
        q.kind.as_deref(),
        bytes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(SupportingFileView::from(&f))))
}

/// `POST /v1/kyc/applications/{id}/info-response` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InfoResponse {
    pub message: Option<String>,
}

/// Says the requested information has been sent (files uploaded, optionally a message); the
/// application returns to review.
#[utoipa::path(post, path = "/v1/kyc/applications/{id}/info-response", tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    request_body = InfoResponse,
    responses((status = 200, body = ApplicationView),
              (status = 409, description = "info_not_requested", body = Problem, content_type = "application/problem+json")))]
pub async fn respond(
    State(state): State<AppState>,
    applicant: Applicant,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<ApplicationView>, ApiError> {
    let req: InfoResponse = typed(body)?;
    let a = appeals::respond(&state, applicant.account_id, &id, req.message.as_deref()).await?;
    Ok(Json(ApplicationView::new(
        &a,
        state.config().kyc.max_attempts,
        lang,
    )))
}
