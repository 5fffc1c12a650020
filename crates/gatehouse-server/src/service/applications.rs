//! Verification applications: create, edit, upload, submit, history.

use std::collections::BTreeMap;

use bytes::Bytes;
use gatehouse_checks::{CheckInput, SubmittedFile};
use gatehouse_core::application::{ApplicationData, ApplicationStatus, Slot};
use gatehouse_core::decision::{decide, Decision, Outcome};
use gatehouse_core::i18n::Lang;
use gatehouse_core::ids::{AccountId, ApplicationId, AttemptId, FileId};
use gatehouse_store::models::{Application, Attempt, FileRecord, IdempotentResponse};
use gatehouse_store::repo::{ApplicationRepo, LivenessRepo, NewAttempt};
use gatehouse_store::StoreError;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{now, OPTIMISTIC_RETRIES};
use crate::error::ApiError;
use crate::service::files::{accepted_types, sniff};
use crate::service::linkage;
use crate::state::AppState;
use crate::views::ApplicationView;

/// Opens a draft application for an account that has none.
pub async fn create(
    state: &AppState,
    account_id: AccountId,
    body: &Value,
) -> Result<Application, ApiError> {
    let data = ApplicationData::from_json(body).map_err(ApiError::Validation)?;
    if let Some(existing) = state.db().application_of_account(account_id).await? {
        return Err(ApiError::ApplicationExists {
            application_id: existing.id.to_string(),
        });
    }
    let now = now();
    let application = Application {
        id: ApplicationId::new(),
        account_id,
        status: ApplicationStatus::Draft,
        data,
        files: BTreeMap::new(),
        attempt_count: 0,
        last_decision: None,
        last_submitted_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        review: None,
    };
    match state.db().create_application(&application).await {
        Ok(()) => {}
        // Another request created one between our check and our insert.
        Err(StoreError::Conflict(_)) => {
            let existing = state.db().application_of_account(account_id).await?;
            return Err(ApiError::ApplicationExists {
                application_id: existing.map(|a| a.id.to_string()).unwrap_or_default(),
            });
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(application_id = %application.id, "application created");
    Ok(application)
}

/// The account's own application; another account's id is "not found", never "forbidden".
pub async fn own(
    state: &AppState,
    account_id: AccountId,
    id: &str,
) -> Result<Application, ApiError> {
    let id: ApplicationId = id.parse().map_err(|_| ApiError::NotFound)?;
    state
        .db()
        .application(id)
        .await?
        .filter(|a| a.account_id == account_id)
        .ok_or(ApiError::NotFound)
}

fn editable(application: &Application) -> Result<(), ApiError> {
    if application.status.is_editable() {
        Ok(())
    } else {
        Err(ApiError::ApplicationNotEditable {
            status: application.status.as_str(),
        })
    }
}

/// Applies a JSON merge patch to the application's data.
pub async fn patch(
    state: &AppState,
    account_id: AccountId,
    id: &str,
    patch: &Value,
) -> Result<Application, ApiError> {
    for _ in 0..OPTIMISTIC_RETRIES {
        let current = own(state, account_id, id).await?;
        editable(&current)?;
        let data = current
            .data
            .merge_patch(patch)
            .map_err(ApiError::Validation)?;
        match state
            .db()
            .update_application_data(current.id, current.version, &data, now())
            .await
        {
            Err(StoreError::Conflict(_)) => continue,
            other => return Ok(other?),
        }
    }
    Err(ApiError::ApplicationChanged)
}

/// Stores an uploaded file and makes it the slot's current file. The object is written
/// before the database row, so a crash in between leaves at most an unreferenced object.
pub async fn upload(
    state: &AppState,
    account_id: AccountId,
    id: &str,
    slot: &str,
    bytes: Bytes,
) -> Result<FileRecord, ApiError> {
    let current = own(state, account_id, id).await?;
    let slot = Slot::parse(slot).ok_or(ApiError::NotFound)?;
    editable(&current)?;
    if bytes.is_empty() {
        return Err(ApiError::EmptyFile);
    }
    let limit = state.config().limits.max_upload_bytes;
    if bytes.len() as u64 > limit {
        return Err(ApiError::FileTooLarge { limit_bytes: limit });
    }
    let accepted = accepted_types(slot);
    let content_type = sniff(&bytes)
        .filter(|t| accepted.contains(t))
        .ok_or(ApiError::UnsupportedFileType { accepted })?;
    let file_id = FileId::new();
    let record = FileRecord {
        id: file_id,
        slot,
        object_key: format!("applications/{}/{}", current.id, file_id),
        content_type: content_type.to_owned(),
        size: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(&bytes)),
        uploaded_at: now(),
    };
    state.files().put(&record.object_key, bytes).await?;
    let mut version = current.version;
    for _ in 0..OPTIMISTIC_RETRIES {
        match state
            .db()
            .attach_file(current.id, version, &record, now())
            .await
        {
            Ok(_) => {
                tracing::info!(application_id = %current.id, slot = slot.as_str(), size = record.size, "file uploaded");
                return Ok(record);
            }
            Err(StoreError::Conflict(_)) => {
                let fresh = own(state, account_id, id).await?;
                editable(&fresh)?;
                version = fresh.version;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::ApplicationChanged)
}

/// The bytes and type of one of the application's current files.
pub async fn download(
    state: &AppState,
    account_id: AccountId,
    id: &str,
    slot: &str,
) -> Result<(String, Bytes), ApiError> {
    let current = own(state, account_id, id).await?;
    let slot = Slot::parse(slot).ok_or(ApiError::NotFound)?;
    let file = current.files.get(&slot).ok_or(ApiError::NotFound)?;
    let bytes = state.files().get(&file.object_key).await?;
    Ok((file.content_type.clone(), bytes))
}

/// The response to a submission: status code and body, as replayed for a repeated key.
pub struct Submitted {
    pub status: u16,
    pub body: String,
}

/// Validates an `Idempotency-Key` header value.
pub fn idempotency_key(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw {
        None => Ok(None),
        Some(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(k.to_owned()))
        }
        Some(_) => Err(ApiError::IdempotencyKeyInvalid),
    }
}

/// What the submit request brings besides the application.
pub struct Submission {
    pub key: Option<String>,
    pub ip: std::net::IpAddr,
    pub device: Option<String>,
    pub lang: Lang,
}

/// Runs the checks on the application as it is now, decides, and records the attempt and the
/// decision in one transaction.
pub async fn submit(
    state: &AppState,
    account_id: AccountId,
    id: &str,
    submission: Submission,
) -> Result<Submitted, ApiError> {
    let Submission {
        key,
        ip,
        device,
        lang,
    } = submission;
    let current = own(state, account_id, id).await?;
    let request_hash = hex::encode(Sha256::digest(format!("submit:{}", current.id)));
    if let Some(k) = &key {
        if let Some(stored) = replay(state, account_id, k, &request_hash).await? {
            return Ok(stored);
        }
    }
    editable(&current)?;
    let cooldown = state.config().kyc.cooldown_seconds;
    let now = now();
    if let Some(last) = current.last_submitted_at {
        let elapsed = (now - last).num_seconds().max(0) as u64;
        if elapsed < cooldown {
            return Err(ApiError::SubmissionCooldown {
                retry_after_seconds: cooldown - elapsed,
            });
        }
    }

    let mut files = BTreeMap::new();
    for (slot, record) in &current.files {
        let bytes = state.files().get(&record.object_key).await?;
        files.insert(
            *slot,
            SubmittedFile {
                content_type: record.content_type.clone(),
                bytes: bytes.to_vec(),
            },
        );
    }
    let client = state
        .region()
        .client_facts(gatehouse_core::region::RegionContext::Verification, ip);
    let mut identifiers = state.identity().application(&current.data);
    identifiers.extend(
        state
            .identity()
            .contact(None, None, device.as_deref(), Some(ip)),
    );
    let links = linkage::record_and_link(state, account_id, &identifiers, now).await?;
    let link_facts = linkage::facts(&links);
    let sanctions_hits = crate::sanctions::screen_applicant(state.screening(), &current.data);
    let (images, files) = super::images::reports(state, account_id, files).await?;
    let (photo_reads, files) = read_photos(&current.data, files).await?;
    let liveness = super::liveness::for_submission(state, &current, now).await?;
    let has_liveness = liveness.is_some();
    // The checks read statements (PDF parsing, a scanned page decoded) and compare names:
    // CPU work that must not hold up the server's async threads.
    let (findings, images, photo_reads) = {
        let state = state.clone();
        let data = current.data.clone();
        tokio::task::spawn_blocking(move || {
            let findings = state.pipeline().run(&CheckInput {
                data: &data,
                files: &files,
                now,
                settings: state.check_settings(),
                client: &client,
                links: &link_facts,
                sanctions_hits: &sanctions_hits,
                images: &images,
                photo_reads: &photo_reads,
                liveness: liveness.as_ref(),
            });
            (findings, images, photo_reads)
        })
        .await
        .map_err(ApiError::internal)?
    };
    let file_ids = current.files.iter().map(|(s, f)| (*s, f.id)).collect();
    super::images::record(state, account_id, current.id, &file_ids, &images).await?;
    drop(images);
    let max_attempts = state.config().kyc.max_attempts;
    let number = current.attempt_count + 1;
    let decision = super::liveness::hold_if_required(
        state,
        decide(findings, number, max_attempts),
        has_liveness,
        now,
    );
    let attempt = Attempt {
        id: AttemptId::new(),
        application_id: current.id,
        number,
        data: current.data.clone(),
        files: current.files.clone(),
        decision: decision.clone(),
        submitted_at: now,
        readings: (!photo_reads.is_empty())
            .then(|| gatehouse_checks::identity::photo::to_json(&photo_reads)),
    };
    // What the application will look like once recorded, rendered for the response (and for
    // replay under the same key) before the write, so both go into the one transaction.
    let after = Application {
        status: decision.outcome.status(),
        attempt_count: number,
        last_decision: Some(decision.clone()),
        last_submitted_at: Some(now),
        updated_at: now,
        version: current.version + 1,
        ..current.clone()
    };
    let body = serde_json::to_string(&ApplicationView::new(&after, max_attempts, lang))
        .map_err(ApiError::internal)?;
    let actor = format!("applicant:{account_id}");
    let review = super::review::decision_batch(
        &state.config().review,
        &actor,
        current.status,
        &after,
        &decision,
        now,
    );
    let result = state
        .db()
        .record_attempt(NewAttempt {
            attempt: &attempt,
            expected_version: current.version,
            idempotency: key.as_deref().map(|k| {
                (
                    k,
                    IdempotentResponse {
                        request_hash: request_hash.clone(),
                        status_code: 200,
                        body: body.clone(),
                    },
                )
            }),
            events: crate::webhooks::events::attempt_recorded(&after, &attempt),
            review: Some(&review),
        })
        .await;
    match result {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => {
            // A concurrent request with the same key won: answer as it did.
            if let Some(k) = &key {
                if let Some(stored) = replay(state, account_id, k, &request_hash).await? {
                    return Ok(stored);
                }
            }
            return Err(ApiError::ApplicationChanged);
        }
        Err(e) => return Err(e.into()),
    }
    state.webhooks().wake();
    observe(state, &after, &decision);
    if decision.outcome == Outcome::AwaitingLiveness {
        // A result that arrived while the checks ran found nothing waiting: use it now.
        if let Some(result) = state.db().latest_liveness(current.id, now).await? {
            let waiting = state.db().application(current.id).await?;
            if let Some(waiting) = waiting {
                let waited = super::liveness::Waited::Result(&result.result);
                super::liveness::decide_waiting(state, waiting, waited).await?;
            }
        }
    }
    Ok(Submitted { status: 200, body })
}

/// Counts and logs a decision (reason codes only: never personal data).
pub(super) fn observe(state: &AppState, application: &Application, decision: &Decision) {
    let codes: Vec<&str> = decision.reasons.iter().map(|r| r.code.as_str()).collect();
    state
        .metrics()
        .observe_decision(decision.outcome.as_str(), &codes);
    tracing::info!(
        application_id = %application.id,
        attempt = decision.attempt,
        outcome = decision.outcome.as_str(),
        reasons = ?codes,
        "application decided"
    );
}

async fn replay(
    state: &AppState,
    account_id: AccountId,
    key: &str,
    request_hash: &str,
) -> Result<Option<Submitted>, ApiError> {
    match state.db().idempotent_response(account_id, key).await? {
        Some(stored) if stored.request_hash == request_hash => Ok(Some(Submitted {
            status: stored.status_code,
            body: stored.body,
        })),
        Some(_) => Err(ApiError::IdempotencyKeyReused),
        None => Ok(None),
    }
}

/// Every attempt of the account's own application, oldest first.
pub async fn attempts(
    state: &AppState,
    account_id: AccountId,
    id: &str,
) -> Result<Vec<Attempt>, ApiError> {
    let application = own(state, account_id, id).await?;
    Ok(state.db().attempts(application.id).await?)
}

/// Reads the document photos off the async runtime (image decoding and OCR take tens to
/// hundreds of milliseconds of CPU); hands the files back for the checks.
async fn read_photos(
    data: &gatehouse_core::application::ApplicationData,
    files: BTreeMap<gatehouse_core::application::Slot, SubmittedFile>,
) -> Result<
    (
        Vec<gatehouse_checks::identity::photo::PhotoRead>,
        BTreeMap<gatehouse_core::application::Slot, SubmittedFile>,
    ),
    ApiError,
> {
    let data = data.clone();
    tokio::task::spawn_blocking(move || {
        let reads = gatehouse_checks::identity::photo::read_document_photos(&data, &files);
        (reads, files)
    })
    .await
    .map_err(ApiError::internal)
}
