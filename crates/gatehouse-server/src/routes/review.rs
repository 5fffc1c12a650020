//! The JSON review API: staff sign-in, the queue, a case, claim/release, decisions, four-eyes
//! confirmation, messages, notes, audited file views and the audit export.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use gatehouse_core::i18n::Lang;
use gatehouse_store::models::{
    AuditRecord, Batch, CaseNote, Message, ReviewCase, ReviewDecision, SupportingFile,
};
use gatehouse_store::repo::ReviewRepo;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::auth::{Reviewer, SeniorReviewer, Staff, StaffAdmin};
use crate::body::{typed, JsonBody};
use crate::error::{ApiError, Problem};
use crate::service::review::{self, CaseDetail, DecisionRequest, QueueQuery};
use crate::service::{audit, staff};
use crate::state::AppState;
use crate::views::{ApplicationView, AttemptView, FileView};

/// `POST /v1/staff/sessions` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffLogin {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffSessionView {
    /// Send as `Authorization: Bearer <token>` to the review API.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub role: String,
}

/// Signs a staff user in for the review API.
#[utoipa::path(post, path = "/v1/staff/sessions", tag = "review",
    request_body = StaffLogin,
    responses((status = 201, body = StaffSessionView),
              (status = 401, description = "invalid_credentials", body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<StaffSessionView>), ApiError> {
    let req: StaffLogin = typed(body)?;
    let s = staff::login(&state, &req.email, &req.password).await?;
    Ok((
        StatusCode::CREATED,
        Json(StaffSessionView {
            token: s.token,
            expires_at: s.expires_at,
            role: s.user.role.as_str().to_owned(),
        }),
    ))
}

/// Ends the staff session.
#[utoipa::path(delete, path = "/v1/staff/sessions/current", tag = "review",
    security(("bearer" = [])),
    responses((status = 204, description = "Signed out")))]
pub async fn logout(State(state): State<AppState>, s: Staff) -> Result<StatusCode, ApiError> {
    staff::logout(&state, &s.session_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A case in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: String,
    /// `manual_review`, `appeal`, `sanctions`, `linked_account`, `rescreen` or `liveness`.
    pub kind: String,
    /// `open`, `in_review`, `info_requested`, `escalated`, `pending_confirmation` or `closed`.
    pub status: String,
    /// Lower is more urgent.
    pub priority: i64,
    pub application_id: String,
    pub account_id: String,
    pub country: Option<String>,
    /// Staff user id of the reviewer working on it.
    pub assignee: Option<String>,
    pub escalated: bool,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// Waited longer than its kind's SLA.
    pub sla_breached: bool,
    /// A four-eyes decision waiting for a second senior reviewer.
    pub pending_decision: Option<String>,
    #[schema(value_type = Object)]
    pub source: Value,
}

impl CaseSummary {
    pub fn new(c: &ReviewCase) -> Self {
        Self {
            id: c.id.clone(),
            kind: c.kind.as_str().to_owned(),
            status: c.status.as_str().to_owned(),
            priority: c.priority,
            application_id: c.application_id.to_string(),
            account_id: c.account_id.to_string(),
            country: c.country.clone(),
            assignee: c.assignee.clone(),
            escalated: c.escalated,
            created_at: c.created_at,
            due_at: c.due_at,
            sla_breached: review::breached(c, crate::service::now()),
            pending_decision: c.pending.clone(),
            source: c.source.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub cases: Vec<CaseSummary>,
}

/// The queue, most urgent first (priority, then age).
#[utoipa::path(get, path = "/v1/review/cases", tag = "review",
    security(("bearer" = [])),
    params(QueueQuery),
    responses((status = 200, body = CaseList),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    Reviewer(s): Reviewer,
    Query(q): Query<QueueQuery>,
) -> Result<Json<CaseList>, ApiError> {
    let cases = review::queue(&state, &s, &q).await?;
    Ok(Json(CaseList {
        cases: cases.iter().map(CaseSummary::new).collect(),
    }))
}

fn supporting_view(case_id: &str, f: &SupportingFile) -> Value {
    json!({
        "id": f.id.to_string(), "name": f.name, "kind": f.kind, "content_type": f.content_type,
        "size": f.size, "sha256": f.sha256, "uploaded_at": f.uploaded_at,
        "url": format!("/v1/review/cases/{case_id}/files/{}", f.id),
    })
}

fn files_with_urls(case_id: &str, files: &std::collections::BTreeMap<String, FileView>) -> Value {
    let mut out = serde_json::Map::new();
    for (slot, f) in files {
        let mut v = serde_json::to_value(f).unwrap_or_default();
        v["url"] = json!(format!("/v1/review/cases/{case_id}/files/{}", f.id));
        out.insert(slot.clone(), v);
    }
    Value::Object(out)
}

pub fn message_json(m: &Message, staff: Option<&str>) -> Value {
    let mut v = json!({"id": m.id, "author": m.author, "body": m.body, "created_at": m.created_at});
    if let Some(name) = staff {
        v["reviewer"] = json!(name);
    }
    v
}

fn note_json(n: &CaseNote, d: &CaseDetail) -> Value {
    json!({"id": n.id, "author": d.staff_name(&n.author_id), "body": n.body, "created_at": n.created_at})
}

fn decision_json(x: &ReviewDecision, d: &CaseDetail) -> Value {
    json!({
        "id": x.id, "action": x.action, "reasons": x.reasons, "documents": x.documents,
        "note_to_applicant": x.note_to_applicant, "internal_note": x.internal_note,
        "decided_by": d.staff_name(&x.decided_by), "status": x.status,
        "confirmed_by": x.confirmed_by.as_deref().map(|c| d.staff_name(c)),
        "created_at": x.created_at, "confirmed_at": x.confirmed_at,
    })
}

/// The case as JSON: everything the case page shows.
pub fn case_json(d: &CaseDetail, lang: Lang, max_attempts: u32) -> Value {
    let id = &d.case.id;
    let mut application =
        serde_json::to_value(ApplicationView::new(&d.application, max_attempts, lang))
            .unwrap_or_default();
    application["files"] = files_with_urls(
        id,
        &ApplicationView::new(&d.application, max_attempts, lang).files,
    );
    application["findings"] = json!(d
        .application
        .last_decision
        .as_ref()
        .map(|x| x.findings.clone())
        .unwrap_or_default());
    let attempts: Vec<Value> = d
        .attempts
        .iter()
        .map(|a| {
            // Reviewers see what was read from the photos, as operators do.
            let view = AttemptView::for_operator(a, lang);
            let mut v = serde_json::to_value(&view).unwrap_or_default();
            v["files"] = files_with_urls(id, &view.files);
            v["findings"] = json!(a.decision.findings);
            v
        })
        .collect();
    json!({
        "case": CaseSummary::new(&d.case),
        "assignee_email": d.case.assignee.as_deref().map(|a| d.staff_name(a)),
        "account": d.account.as_ref().map(|a| json!({
            "id": a.id.to_string(), "email": a.email, "phone": a.phone, "status": a.status.as_str(),
            "created_at": a.created_at,
        })),
        "application": application,
        "attempts": attempts,
        "appeals": d.appeals.iter().map(|(a, files)| json!({
            "id": a.id, "message": a.message, "status": a.status, "created_at": a.created_at,
            "submitted_at": a.submitted_at, "closed_at": a.closed_at,
            "files": files.iter().map(|f| supporting_view(id, f)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "info_files": d.info_files.iter().map(|f| supporting_view(id, f)).collect::<Vec<_>>(),
        "linked_accounts": d.links.iter().map(|l| json!({
            "account_id": l.account_id.to_string(), "status": l.status.as_str(),
            "kind": l.kind.as_str(), "masked": l.masked,
        })).collect::<Vec<_>>(),
        "sanctions_hits": d.sanctions_hits,
        "messages": d.messages.iter().map(|m| {
            let name = (m.author == "reviewer").then(|| d.staff_name(&m.author_id));
            message_json(m, name.as_deref())
        }).collect::<Vec<_>>(),
        "internal_notes": d.notes.iter().map(|n| note_json(n, d)).collect::<Vec<_>>(),
        "decisions": d.decisions.iter().map(|x| decision_json(x, d)).collect::<Vec<_>>(),
    })
}

/// A case with the applicant's data, every check's findings, the attempts, appeals, linked
/// accounts, sanctions hits, messages, internal notes and decisions.
#[utoipa::path(get, path = "/v1/review/cases/{id}", tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = Object), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    Reviewer(_): Reviewer,
    crate::lang::RequestLang(lang): crate::lang::RequestLang,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let d = review::case_detail(&state, &id).await?;
    Ok(Json(case_json(&d, lang, state.config().kyc.max_attempts)))
}

/// Claims a case from the queue.
#[utoipa::path(post, path = "/v1/review/cases/{id}/claim", tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseSummary), (status = 409, description = "case_conflict", body = Problem, content_type = "application/problem+json")))]
pub async fn claim(
    State(state): State<AppState>,
    Reviewer(s): Reviewer,
    Path(id): Path<String>,
) -> Result<Json<CaseSummary>, ApiError> {
    let c = review::claim(&state, &s, &id).await?;
    Ok(Json(CaseSummary::new(&c)))
}

/// Puts a claimed case back into the queue.
#[utoipa::path(post, path = "/v1/review/cases/{id}/release", tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseSummary), (status = 409, description = "case_conflict", body = Problem, content_type = "application/problem+json")))]
pub async fn release(
    State(state): State<AppState>,
    Reviewer(s): Reviewer,
    Path(id): Path<String>,
) -> Result<Json<CaseSummary>, ApiError> {
    let c = review::release(&state, &s, &id).await?;
    Ok(Json(CaseSummary::new(&c)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionResult {
    pub case: CaseSummary,
    pub decision_id: String,
    /// Whether the decision waits for a second senior reviewer (four eyes).
    pub pending_confirmation: bool,
}

/// Decides a case you have claimed: `approve`, `reject_retry` / `reject_final` (with reasons
/// from the catalogue), `request_info` (documents and a note saying why) or `escalate`.
#[utoipa::path(post, path = "/v1/review/cases/{id}/decision", tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    request_body = DecisionRequest,
    responses((status = 200, body = DecisionResult),
              (status = 409, description = "case_conflict", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(state): State<AppState>,
    Reviewer(s): Reviewer,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<DecisionResult>, ApiError> {
    let req: DecisionRequest = typed(body)?;
    let done = review::decide(&state, &s, &id, req).await?;
    Ok(Json(DecisionResult {
        case: CaseSummary::new(&done.case),
        decision_id: done.decision.id,
        pending_confirmation: done.pending_confirmation,
    }))
}

/// Confirms a pending four-eyes decision (a senior reviewer other than the one who decided).
#[utoipa::path(post, path = "/v1/review/cases/{id}/confirm", tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = DecisionResult),
              (status = 403, description = "forbidden or four_eyes_same_reviewer", body = Problem, content_type = "application/problem+json")))]
pub async fn confirm(
    State(state): State<AppState>,
    SeniorReviewer(s): SeniorReviewer,
    Path(id): Path<String>,
) -> Result<Json<DecisionResult>, ApiError> {
    let done = review::confirm(&state, &s, &id).await?;
    Ok(Json(DecisionResult {
        case: CaseSummary::new(&done.case),
        decision_id: done.decision.id,
        pending_confirmation: false,
    }))
}

/// `POST /v1/review/cases/{id}/decline` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineBody {
    /// Why (an internal note).
    pub internal_note: Option<String>,
}

/// Declines a pending four-eyes decision (a senior reviewer other than the one who decided):
/// nothing takes effect and the case returns to the reviewer who proposed it.
#[utoipa::path(post, path = "/v1/review/cases/{id}/decline", tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    request_body = DeclineBody,
    responses((status = 200, body = CaseSummary),
              (status = 403, description = "forbidden or four_eyes_same_reviewer", body = Problem, content_type = "application/problem+json")))]
pub async fn decline(
    State(state): State<AppState>,
    SeniorReviewer(s): SeniorReviewer,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<CaseSummary>, ApiError> {
    let req: DeclineBody = typed(body)?;
    let c = review::decline(&state, &s, &id, req.internal_note).await?;
    Ok(Json(CaseSummary::new(&c)))
}

/// A reason code a reviewer may give.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueEntry {
    pub code: String,
    /// `retry`, `manual` or `final` as the checks raise it.
    pub nature: String,
    pub message: String,
    pub fix: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Catalogue {
    pub reasons: Vec<CatalogueEntry>,
}

/// The reason catalogue, with texts in the request's language.
#[utoipa::path(get, path = "/v1/review/reasons", tag = "review",
    security(("bearer" = [])),
    responses((status = 200, body = Catalogue)))]
pub async fn reasons(
    State(state): State<AppState>,
    Reviewer(_): Reviewer,
    crate::lang::RequestLang(lang): crate::lang::RequestLang,
) -> Json<Catalogue> {
    let reasons = review::catalogue(&state)
        .into_iter()
        .map(|(code, nature)| {
            let text = gatehouse_core::i18n::reason_text(lang, &code, None);
            CatalogueEntry {
                nature: serde_json::to_value(nature)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                message: text.as_ref().map(|t| t.message.clone()).unwrap_or_default(),
                fix: text.map(|t| t.fix).unwrap_or_default(),
                code,
            }
        })
        .collect();
    Json(Catalogue { reasons })
}

/// `{body}` of a message or a note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextBody {
    pub body: String,
}

/// Writes to the applicant in the application's thread.
#[utoipa::path(post, path = "/v1/review/cases/{id}/messages", tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    request_body = TextBody,
    responses((status = 201, body = Object)))]
pub async fn post_message(
    State(state): State<AppState>,
    Reviewer(s): Reviewer,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: TextBody = typed(body)?;
    let m = review::post_message(&state, &s, &id, &req.body).await?;
    Ok((
        StatusCode::CREATED,
        Json(message_json(&m, Some(&s.user.email))),
    ))
}

/// Adds an internal note, never shown to the applicant.
#[utoipa::path(post, path = "/v1/review/cases/{id}/notes", tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id")),
    request_body = TextBody,
    responses((status = 201, body = Object)))]
pub async fn add_note(
    State(state): State<AppState>,
    Reviewer(s): Reviewer,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: TextBody = typed(body)?;
    let n = review::add_note(&state, &s, &id, &req.body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": n.id, "body": n.body, "created_at": n.created_at})),
    ))
}

/// A file of the case (document, selfie, appeal or answer file); every view is audited.
#[utoipa::path(get, path = "/v1/review/cases/{id}/files/{file_id}", tag = "review",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id"), ("file_id" = String, Path, description = "File id")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>)))]
pub async fn file(
    State(state): State<AppState>,
    Reviewer(s): Reviewer,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = review::view_file(&state, &s, &id, &file_id).await?;
    Ok(file_response(content_type, bytes))
}

pub fn file_response(content_type: String, bytes: bytes::Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /v1/review/audit` parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries after this sequence number.
    pub after: Option<i64>,
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditExport {
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<AuditRecord>,
}

/// Exports audit entries (staff admins); the export itself is audited.
#[utoipa::path(get, path = "/v1/review/audit", tag = "review",
    security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, body = AuditExport)))]
pub async fn audit_export(
    State(state): State<AppState>,
    StaffAdmin(s): StaffAdmin,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditExport>, ApiError> {
    let after = q.after.unwrap_or(0);
    let limit = q.limit.unwrap_or(1000).clamp(1, 10_000);
    let entries = audit::entries(state.db(), after, limit).await?;
    let mut batch = Batch::new(crate::service::now());
    batch.audit(
        &s.actor(),
        "audit.exported",
        "audit",
        None,
        Some(json!({"after": after, "count": entries.len()})),
    );
    state.db().commit(&batch).await?;
    Ok(Json(AuditExport { entries }))
}
