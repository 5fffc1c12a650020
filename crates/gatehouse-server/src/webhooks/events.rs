//! The events the server writes to the outbox, and their payloads. Payloads carry ids,
//! statuses, reason codes and times only: receivers fetch anything else with an operator key.

use gatehouse_core::events::EventKind;
use gatehouse_store::models::{Application, Attempt, NewEvent};
use serde_json::json;

/// `application.submitted` and `application.decided` for a recorded attempt.
pub fn attempt_recorded(application: &Application, attempt: &Attempt) -> Vec<NewEvent> {
    let d = &attempt.decision;
    vec![
        NewEvent {
            kind: EventKind::ApplicationSubmitted,
            payload: json!({
                "application_id": application.id,
                "account_id": application.account_id,
                "attempt_id": attempt.id,
                "attempt": attempt.number,
                "submitted_at": attempt.submitted_at,
            }),
        },
        NewEvent {
            kind: EventKind::ApplicationDecided,
            payload: json!({
                "application_id": application.id,
                "account_id": application.account_id,
                "attempt_id": attempt.id,
                "attempt": attempt.number,
                "status": d.outcome.status().as_str(),
                "reasons": d.reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
                "attempts_left": d.attempts_left,
                "decided_at": attempt.submitted_at,
            }),
        },
    ]
}
