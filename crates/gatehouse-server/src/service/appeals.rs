//! The applicant's side of review: appeals with supporting files, the message thread, and
//! answers to a reviewer's request for information.

use bytes::Bytes;
use gatehouse_core::application::ApplicationStatus;
use gatehouse_core::ids::{AccountId, FileId};
use gatehouse_store::models::{
    Appeal, Application, Batch, CaseKind, CaseStatus, Change, Message, ReviewCase, SupportingFile,
};
use gatehouse_store::repo::ReviewRepo;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::applications::own;
use super::events;
use super::review::{applicant_actor, message_body, new_case, sla, waiting_case, DOCUMENT_KINDS};
use crate::error::ApiError;
use crate::service::files::sniff;
use crate::state::AppState;

const MAX_FILES: usize = 20;
/// Supporting files may be JPEG, PNG or PDF.
pub const SUPPORTING_TYPES: &[&str] = &["image/jpeg", "image/png", "application/pdf"];

fn new_id() -> String {
    gatehouse_core::ids::AttemptId::new().to_string()
}

/// Opens an appeal of a rejected application (a draft until submitted).
pub async fn create(
    state: &AppState,
    account_id: AccountId,
    application_id: &str,
    message: &str,
) -> Result<Appeal, ApiError> {
    let app = own(state, account_id, application_id).await?;
    if !matches!(
        app.status,
        ApplicationStatus::RejectedRetry | ApplicationStatus::RejectedFinal
    ) {
        return Err(ApiError::AppealNotAllowed {
            status: app.status.as_str(),
        });
    }
    let message = message_body(message).map_err(|_| {
        ApiError::field(
            "message",
            "required",
            "explain why the decision is wrong (at most 4000 characters)",
        )
    })?;
    let appeals = state.db().appeals_of_application(app.id).await?;
    if let Some(open) = appeals.iter().find(|a| a.status != "closed") {
        return Err(ApiError::AppealOpen {
            appeal_id: open.id.clone(),
        });
    }
    let config = &state.config().review;
    if appeals.len() as u32 >= config.max_appeals {
        return Err(ApiError::AppealLimitReached {
            limit: config.max_appeals,
        });
    }
    let now = super::now();
    if let Some(last) = appeals.last() {
        let elapsed = (now - last.created_at).num_seconds().max(0) as u64;
        if elapsed < config.appeal_cooldown_seconds {
            return Err(ApiError::AppealCooldown {
                retry_after_seconds: config.appeal_cooldown_seconds - elapsed,
            });
        }
    }
    let appeal = Appeal {
        id: new_id(),
        application_id: app.id,
        account_id,
        message,
        status: "draft".into(),
        case_id: None,
        created_at: now,
        submitted_at: None,
        closed_at: None,
    };
    let mut batch = Batch::new(now);
    batch.audit(
        &applicant_actor(account_id),
        "appeal.created",
        &format!("appeal:{}", appeal.id),
        None,
        Some(json!({"status": "draft", "application_id": app.id.to_string()})),
    );
    batch.change(Change::InsertAppeal(appeal.clone()));
    state.db().commit(&batch).await?;
    Ok(appeal)
}

/// The account's own appeal; another account's is "not found".
pub async fn own_appeal(
    state: &AppState,
    account_id: AccountId,
    id: &str,
) -> Result<Appeal, ApiError> {
    state
        .db()
        .appeal(id)
        .await?
        .filter(|a| a.account_id == account_id)
        .ok_or(ApiError::NotFound)
}

/// The appeal's supporting files.
pub async fn appeal_files(
    state: &AppState,
    appeal: &Appeal,
) -> Result<Vec<SupportingFile>, ApiError> {
    Ok(state
        .db()
        .supporting_files(
            appeal.application_id,
            Some(&format!("appeal:{}", appeal.id)),
        )
        .await?)
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !name.starts_with('.')
}

/// Stores a supporting file under `owner`; the type is judged from the bytes.
async fn store_file(
    state: &AppState,
    app: &Application,
    owner: &str,
    name: &str,
    kind: Option<&str>,
    bytes: Bytes,
    actor: &str,
) -> Result<SupportingFile, ApiError> {
    if !valid_name(name) {
        return Err(ApiError::field(
            "name",
            "invalid_name",
            "1 to 64 letters, digits, dots, dashes or underscores",
        ));
    }
    let kind = kind.unwrap_or("other");
    if !DOCUMENT_KINDS.contains(&kind) {
        return Err(ApiError::field(
            "kind",
            "invalid_kind",
            format!("one of {}", DOCUMENT_KINDS.join(", ")),
        ));
    }
    if bytes.is_empty() {
        return Err(ApiError::EmptyFile);
    }
    let limit = state.config().limits.max_upload_bytes;
    if bytes.len() as u64 > limit {
        return Err(ApiError::FileTooLarge { limit_bytes: limit });
    }
    let content_type = sniff(&bytes)
        .filter(|t| SUPPORTING_TYPES.contains(t))
        .ok_or(ApiError::UnsupportedFileType {
            accepted: SUPPORTING_TYPES,
        })?;
    let existing = state.db().supporting_files(app.id, Some(owner)).await?;
    if existing.iter().any(|f| f.name == name) {
        return Err(ApiError::field(
            "name",
            "file_exists",
            "a file with this name was already sent",
        ));
    }
    if existing.len() >= MAX_FILES {
        return Err(ApiError::field(
            "name",
            "too_many_files",
            format!("at most {MAX_FILES} files"),
        ));
    }
    let id = FileId::new();
    let file = SupportingFile {
        id,
        owner: owner.to_owned(),
        application_id: app.id,
        name: name.to_owned(),
        kind: kind.to_owned(),
        object_key: format!("applications/{}/supporting/{id}", app.id),
        content_type: content_type.to_owned(),
        size: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(&bytes)),
        uploaded_at: super::now(),
    };
    state.files().put(&file.object_key, bytes).await?;
    let mut batch = Batch::new(file.uploaded_at);
    batch.audit(
        actor,
        "file.uploaded",
        &format!("file:{id}"),
        None,
        Some(json!({"owner": owner, "kind": kind, "sha256": file.sha256, "size": file.size})),
    );
    batch.change(Change::InsertSupportingFile(file.clone()));
    match state.db().commit(&batch).await {
        Err(gatehouse_store::StoreError::Conflict(_)) => Err(ApiError::field(
            "name",
            "file_exists",
            "a file with this name was already sent",
        )),
        other => {
            other?;
            Ok(file)
        }
    }
}

/// Adds a supporting file to a draft appeal.
pub async fn upload(
    state: &AppState,
    account_id: AccountId,
    appeal_id: &str,
    name: &str,
    kind: Option<&str>,
    bytes: Bytes,
) -> Result<SupportingFile, ApiError> {
    let appeal = own_appeal(state, account_id, appeal_id).await?;
    if appeal.status != "draft" {
        return Err(ApiError::AppealNotEditable);
    }
    let app = own(state, account_id, &appeal.application_id.to_string()).await?;
    store_file(
        state,
        &app,
        &format!("appeal:{}", appeal.id),
        name,
        kind,
        bytes,
        &applicant_actor(account_id),
    )
    .await
}

/// Submits a draft appeal: a case is opened for reviewers.
pub async fn submit(
    state: &AppState,
    account_id: AccountId,
    appeal_id: &str,
) -> Result<Appeal, ApiError> {
    let appeal = own_appeal(state, account_id, appeal_id).await?;
    if appeal.status != "draft" {
        return Err(ApiError::AppealNotEditable);
    }
    let app = own(state, account_id, &appeal.application_id.to_string()).await?;
    let now = super::now();
    let case = new_case(
        &state.config().review,
        &app,
        CaseKind::Appeal,
        json!({"appeal_id": appeal.id, "appealed_status": app.status.as_str()}),
        now,
    );
    let submitted = Appeal {
        status: "submitted".into(),
        case_id: Some(case.id.clone()),
        submitted_at: Some(now),
        ..appeal.clone()
    };
    let mut batch = Batch::new(now);
    let actor = applicant_actor(account_id);
    batch.audit(
        &actor,
        "appeal.submitted",
        &format!("appeal:{}", appeal.id),
        Some(json!({"status": "draft"})),
        Some(json!({"status": "submitted", "case_id": case.id})),
    );
    batch.audit(
        "system",
        "case.opened",
        &format!("case:{}", case.id),
        None,
        Some(
            json!({"kind": "appeal", "application_id": app.id.to_string(), "appeal_id": appeal.id}),
        ),
    );
    batch.change(Change::InsertCase(case.clone()));
    batch.change(Change::UpdateAppeal(submitted.clone()));
    events::appeal_opened(&mut batch, &submitted, &case);
    state.db().commit(&batch).await?;
    tracing::info!(appeal_id = %appeal.id, case_id = %case.id, "appeal submitted");
    Ok(submitted)
}

/// The thread of the account's own application, oldest first.
pub async fn messages(
    state: &AppState,
    account_id: AccountId,
    application_id: &str,
) -> Result<Vec<Message>, ApiError> {
    let app = own(state, account_id, application_id).await?;
    Ok(state.db().messages(app.id).await?)
}

/// The applicant writes to the reviewers. While information is requested, the message is the
/// answer and the case returns to the queue.
pub async fn post_message(
    state: &AppState,
    account_id: AccountId,
    application_id: &str,
    body: &str,
) -> Result<Message, ApiError> {
    let app = own(state, account_id, application_id).await?;
    let body = message_body(body)?;
    let now = super::now();
    let message = Message {
        id: new_id(),
        application_id: app.id,
        author: "applicant".into(),
        author_id: account_id.to_string(),
        body,
        created_at: now,
    };
    let mut batch = Batch::new(now);
    batch.audit(
        &applicant_actor(account_id),
        "message.posted",
        &format!("application:{}", app.id),
        None,
        Some(json!({"message_id": message.id})),
    );
    batch.change(Change::InsertMessage(message.clone()));
    if app.status == ApplicationStatus::InfoRequested {
        answer(state, &mut batch, &app).await?;
    }
    state.db().commit(&batch).await?;
    Ok(message)
}

/// Adds a file answering a request for information.
pub async fn upload_answer_file(
    state: &AppState,
    account_id: AccountId,
    application_id: &str,
    name: &str,
    kind: Option<&str>,
    bytes: Bytes,
) -> Result<SupportingFile, ApiError> {
    let app = own(state, account_id, application_id).await?;
    if app.status != ApplicationStatus::InfoRequested {
        return Err(ApiError::InfoNotRequested);
    }
    let case = waiting_case(state.db(), app.id)
        .await?
        .ok_or(ApiError::InfoNotRequested)?;
    store_file(
        state,
        &app,
        &format!("info:{}", case.id),
        name,
        kind,
        bytes,
        &applicant_actor(account_id),
    )
    .await
}

/// The applicant has sent what was asked for (files, optionally a message): back to review.
pub async fn respond(
    state: &AppState,
    account_id: AccountId,
    application_id: &str,
    message: Option<&str>,
) -> Result<Application, ApiError> {
    let app = own(state, account_id, application_id).await?;
    if app.status != ApplicationStatus::InfoRequested {
        return Err(ApiError::InfoNotRequested);
    }
    let now = super::now();
    let mut batch = Batch::new(now);
    if let Some(text) = message.map(str::trim).filter(|m| !m.is_empty()) {
        let msg = Message {
            id: new_id(),
            application_id: app.id,
            author: "applicant".into(),
            author_id: account_id.to_string(),
            body: message_body(text)?,
            created_at: now,
        };
        batch.audit(
            &applicant_actor(account_id),
            "message.posted",
            &format!("application:{}", app.id),
            None,
            Some(json!({"message_id": msg.id})),
        );
        batch.change(Change::InsertMessage(msg));
    }
    answer(state, &mut batch, &app).await?;
    state.db().commit(&batch).await?;
    super::applications::own(state, account_id, application_id).await
}

/// Adds the return to review to the batch: application to `manual_review`, the waiting case
/// back to the queue with a fresh SLA.
async fn answer(state: &AppState, batch: &mut Batch, app: &Application) -> Result<(), ApiError> {
    let now = batch.at;
    let actor = applicant_actor(app.account_id);
    batch.change(Change::UpdateApplication {
        id: app.id,
        expected_version: app.version,
        status: ApplicationStatus::ManualReview,
        last_decision: None,
        review: None,
    });
    batch.audit(
        &actor,
        "application.status_changed",
        &format!("application:{}", app.id),
        Some(json!({"status": app.status.as_str()})),
        Some(json!({"status": "manual_review", "why": "information sent"})),
    );
    if let Some(case) = waiting_case(state.db(), app.id).await? {
        let after = ReviewCase {
            status: if case.escalated {
                CaseStatus::Escalated
            } else {
                CaseStatus::Open
            },
            assignee: None,
            due_at: now + sla(&state.config().review, case.kind),
            updated_at: now,
            ..case.clone()
        };
        batch.audit(
            &actor,
            "case.returned",
            &format!("case:{}", case.id),
            Some(json!({"status": case.status.as_str()})),
            Some(json!({"status": after.status.as_str()})),
        );
        batch.change(Change::UpdateCase {
            case: after,
            expected_version: case.version,
        });
    }
    Ok(())
}
