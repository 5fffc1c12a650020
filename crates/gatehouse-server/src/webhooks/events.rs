//! The events the server writes to the outbox, and their payloads. Payloads carry ids,
//! statuses, reason codes and times only: receivers fetch anything else with an operator key.

use chrono::{DateTime, Utc};
use gatehouse_core::decision::{Decision, Outcome};
use gatehouse_core::events::EventKind;
use gatehouse_core::ids::AttemptId;
use gatehouse_store::models::{Application, Attempt, NewEvent};
use serde_json::json;

/// `application.submitted` for a recorded attempt, and `application.decided` unless the
/// attempt waits for its liveness result (then [`decided`] follows when it is decided).
pub fn attempt_recorded(application: &Application, attempt: &Attempt) -> Vec<NewEvent> {
    let mut out = vec![NewEvent {
        kind: EventKind::ApplicationSubmitted,
        payload: json!({
            "application_id": application.id,
            "account_id": application.account_id,
            "attempt_id": attempt.id,
            "attempt": attempt.number,
            "submitted_at": attempt.submitted_at,
        }),
    }];
    if attempt.decision.outcome != Outcome::AwaitingLiveness {
        out.push(decided(
            application,
            attempt.id,
            &attempt.decision,
            attempt.submitted_at,
        ));
    }
    out
}

/// `application.decided` for the decision `d` on attempt `attempt_id`.
pub fn decided(
    application: &Application,
    attempt_id: AttemptId,
    d: &Decision,
    decided_at: DateTime<Utc>,
) -> NewEvent {
    NewEvent {
        kind: EventKind::ApplicationDecided,
        payload: json!({
            "application_id": application.id,
            "account_id": application.account_id,
            "attempt_id": attempt_id,
            "attempt": d.attempt,
            "status": d.outcome.status().as_str(),
            "reasons": d.reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            "attempts_left": d.attempts_left,
            "decided_at": decided_at,
        }),
    }
}
