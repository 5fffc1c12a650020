//! The points where review events happen, for the webhook outbox (`appeal.opened`,
//! `case.decided`, `info.requested`). Each receives the batch that commits the change, so an
//! outbox row added here is written in the same transaction as the change it reports.

use gatehouse_core::application::ApplicationStatus;
use gatehouse_store::models::{Appeal, Batch, ReviewCase, ReviewDecision};

/// An applicant submitted an appeal and its case was opened.
pub fn appeal_opened(_batch: &mut Batch, appeal: &Appeal, case: &ReviewCase) {
    tracing::info!(
        appeal_id = %appeal.id,
        case_id = %case.id,
        application_id = %appeal.application_id,
        "event appeal.opened"
    );
}

/// A case was decided (approve, reject_retry, reject_final), after any four-eyes confirmation.
pub fn case_decided(
    _batch: &mut Batch,
    case: &ReviewCase,
    decision: &ReviewDecision,
    status: ApplicationStatus,
) {
    tracing::info!(
        case_id = %case.id,
        decision_id = %decision.id,
        application_id = %case.application_id,
        status = status.as_str(),
        "event case.decided"
    );
}

/// A reviewer asked the applicant for more information.
pub fn info_requested(_batch: &mut Batch, case: &ReviewCase, decision: &ReviewDecision) {
    tracing::info!(
        case_id = %case.id,
        decision_id = %decision.id,
        application_id = %case.application_id,
        "event info.requested"
    );
}
