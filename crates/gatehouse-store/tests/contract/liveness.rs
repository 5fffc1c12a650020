use chrono::{Duration, SubsecRound, Utc};
use gatehouse_core::application::ApplicationStatus;
use gatehouse_core::decision::{decide, hold_for_liveness, Outcome};
use gatehouse_core::events::EventKind;
use gatehouse_core::ids::AttemptId;
use gatehouse_core::liveness::{result, LivenessReason};
use gatehouse_core::reasons::{Nature, ReasonDef};
use gatehouse_store::models::{Attempt, LivenessRecord, LivenessRecorded, NewEvent};
use gatehouse_store::repo::{
    ApplicationRepo, CompletedAttempt, LivenessRepo, NewAttempt, WebhookRepo,
};
use gatehouse_store::{Db, StoreError};
use serde_json::json;

use crate::applications::new_application;
use crate::contract;

fn rec(
    app: gatehouse_core::ids::ApplicationId,
    session: &str,
    passed: bool,
    at: chrono::DateTime<Utc>,
) -> LivenessRecord {
    LivenessRecord {
        id: uuid::Uuid::now_v7().to_string(),
        provider: "generic".into(),
        result: result(app, session, passed, vec![LivenessReason::LowLight]).unwrap(),
        source: "webhook",
        received_at: at,
    }
}

async fn results_are_deduplicated_and_replays_refused(db: Db) {
    let app = new_application(&db, "live1@example.com").await;
    let now = Utc::now().trunc_subsecs(6);
    let old = now - Duration::minutes(10);
    let first = rec(app.id, "s1", false, now - Duration::seconds(5));
    let recorded = db.record_liveness(&first, Some("d1"), old).await.unwrap();
    assert_eq!(recorded, LivenessRecorded::New);
    // The same signed delivery again: refused, nothing stored twice.
    let again = db.record_liveness(&first, Some("d1"), old).await;
    assert!(matches!(again, Err(StoreError::Conflict("replayed"))));
    // The same session re-signed (a provider's retry): a duplicate, not a second result.
    let retry = LivenessRecord {
        id: uuid::Uuid::now_v7().to_string(),
        ..first.clone()
    };
    assert_eq!(
        db.record_liveness(&retry, Some("d2"), old).await.unwrap(),
        LivenessRecorded::Duplicate
    );
    // The same session with another verdict: a conflict, the first verdict stays.
    let changed = rec(app.id, "s1", true, now);
    let conflict = db.record_liveness(&changed, Some("d3"), old).await;
    assert!(matches!(
        conflict,
        Err(StoreError::Conflict("session_conflict"))
    ));
    let latest = db.latest_liveness(app.id, old).await.unwrap().unwrap();
    assert_eq!(latest.result, first.result);
    assert_eq!(latest.received_at, first.received_at);
    // A later session is the latest; results before `since` are not.
    let second = rec(app.id, "s2", true, now);
    db.record_liveness(&second, None, old).await.unwrap();
    assert_eq!(
        db.latest_liveness(app.id, old)
            .await
            .unwrap()
            .unwrap()
            .result,
        second.result
    );
    assert!(db
        .latest_liveness(app.id, now + Duration::seconds(1))
        .await
        .unwrap()
        .is_none());
    // Deliveries older than the window are forgotten, so their digests may come back.
    let later = now + Duration::hours(1);
    let third = rec(app.id, "s3", true, later);
    db.record_liveness(&third, Some("d1"), later - Duration::minutes(10))
        .await
        .unwrap();
}
contract!(
    results_are_deduplicated_and_replays_refused,
    results_are_deduplicated_and_replays_refused
);

async fn a_waiting_attempt_is_completed_once(db: Db) {
    let app = new_application(&db, "live2@example.com").await;
    let manual = ReasonDef::new("SANCTIONS_POSSIBLE_MATCH", Nature::Manual);
    let submitted_at = Utc::now().trunc_subsecs(6);
    let held = hold_for_liveness(
        decide(vec![manual.finding()], 1, 5),
        submitted_at + Duration::minutes(15),
    );
    let attempt = Attempt {
        id: AttemptId::new(),
        application_id: app.id,
        number: 1,
        data: app.data.clone(),
        files: app.files.clone(),
        decision: held.clone(),
        submitted_at,
        readings: None,
    };
    let waiting = db
        .record_attempt(NewAttempt {
            attempt: &attempt,
            expected_version: 1,
            idempotency: None,
            events: Vec::new(),
            review: None,
        })
        .await
        .unwrap();
    assert_eq!(waiting.status, ApplicationStatus::AwaitingLiveness);
    let due = db
        .awaiting_liveness(submitted_at + Duration::seconds(1), 10)
        .await
        .unwrap();
    assert!(due.iter().any(|a| a.id == app.id));
    assert!(!db
        .awaiting_liveness(submitted_at, 10)
        .await
        .unwrap()
        .iter()
        .any(|a| a.id == app.id));

    let decision = decide(held.findings.clone(), 1, 5);
    assert_eq!(decision.outcome, Outcome::ManualReview);
    let event = NewEvent {
        kind: EventKind::ApplicationDecided,
        payload: json!({"application_id": app.id, "status": "manual_review"}),
    };
    let done = db
        .complete_attempt(CompletedAttempt {
            application_id: app.id,
            attempt_id: attempt.id,
            expected_version: waiting.version,
            decision: &decision,
            decided_at: submitted_at + Duration::seconds(30),
            events: vec![event],
            review: None,
        })
        .await
        .unwrap();
    assert_eq!(done.status, ApplicationStatus::ManualReview);
    assert_eq!(done.last_decision.as_ref(), Some(&decision));
    let attempts = db.attempts(app.id).await.unwrap();
    assert_eq!(attempts[0].decision, decision);
    let events = db.recent_events(50).await.unwrap();
    assert!(events
        .iter()
        .any(|e| e.kind == EventKind::ApplicationDecided
            && e.payload["application_id"] == json!(app.id)));
    // A second completion (the timeout racing the result) finds nothing to do.
    let twice = db
        .complete_attempt(CompletedAttempt {
            application_id: app.id,
            attempt_id: attempt.id,
            expected_version: waiting.version,
            decision: &decision,
            decided_at: submitted_at + Duration::seconds(31),
            events: Vec::new(),
            review: None,
        })
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict("stale"))));
    assert!(db
        .awaiting_liveness(submitted_at + Duration::hours(1), 10)
        .await
        .unwrap()
        .iter()
        .all(|a| a.id != app.id));
}
contract!(
    a_waiting_attempt_is_completed_once,
    a_waiting_attempt_is_completed_once
);
