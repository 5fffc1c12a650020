//! The points where review events happen, for the webhook outbox (`appeal.opened`,
//! `case.decided`, `info.requested`). Each receives the batch that commits the change, so an
//! outbox row added here is written in the same transaction as the change it reports.

use gatehouse_core::application::ApplicationStatus;
use gatehouse_core::events::EventKind;
use gatehouse_store::models::{Appeal, Batch, Change, NewEvent, ReviewCase, ReviewDecision};
use serde_json::json;

fn push(batch: &mut Batch, kind: EventKind, payload: serde_json::Value) {
    batch
        .changes
        .push(Change::Event(NewEvent { kind, payload }));
}

/// An applicant submitted an appeal and its case was opened.
pub fn appeal_opened(batch: &mut Batch, appeal: &Appeal, case: &ReviewCase) {
    push(
        batch,
        EventKind::AppealOpened,
        json!({"appeal_id": appeal.id, "case_id": case.id,
               "application_id": appeal.application_id, "opened_at": batch.at}),
    );
    tracing::info!(
        appeal_id = %appeal.id,
        case_id = %case.id,
        application_id = %appeal.application_id,
        "event appeal.opened"
    );
}

/// A case was decided (approve, reject_retry, reject_final), after any four-eyes confirmation.
pub fn case_decided(
    batch: &mut Batch,
    case: &ReviewCase,
    decision: &ReviewDecision,
    status: ApplicationStatus,
) {
    push(
        batch,
        EventKind::CaseDecided,
        json!({"case_id": case.id, "decision_id": decision.id,
               "application_id": case.application_id, "status": status.as_str(),
               "decided_at": batch.at}),
    );
    tracing::info!(
        case_id = %case.id,
        decision_id = %decision.id,
        application_id = %case.application_id,
        status = status.as_str(),
        "event case.decided"
    );
}

/// A reviewer asked the applicant for more information.
pub fn info_requested(batch: &mut Batch, case: &ReviewCase, decision: &ReviewDecision) {
    push(
        batch,
        EventKind::InfoRequested,
        json!({"case_id": case.id, "decision_id": decision.id,
               "application_id": case.application_id, "requested_at": batch.at}),
    );
    tracing::info!(
        case_id = %case.id,
        decision_id = %decision.id,
        application_id = %case.application_id,
        "event info.requested"
    );
}
