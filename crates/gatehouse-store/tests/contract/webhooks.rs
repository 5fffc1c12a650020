use std::collections::BTreeMap;

use chrono::{Duration, SubsecRound, Utc};
use gatehouse_core::application::{ApplicationData, ApplicationStatus};
use gatehouse_core::decision::decide;
use gatehouse_core::events::{EventKind, Subscription};
use gatehouse_core::ids::{ApplicationId, AttemptId, DeliveryId, WebhookEndpointId};
use gatehouse_store::models::{
    Application, Attempt, DeliveryAttempt, DeliveryNext, DeliveryStatus, NewEvent, WebhookEndpoint,
};
use gatehouse_store::repo::{AccountRepo, ApplicationRepo, NewAttempt, WebhookRepo};
use gatehouse_store::{Db, StoreError};
use serde_json::json;

use crate::accounts::account;
use crate::contract;

fn endpoint(url: &str, events: &[&str], at: chrono::DateTime<Utc>) -> WebhookEndpoint {
    WebhookEndpoint {
        id: WebhookEndpointId::new(),
        url: url.into(),
        subscription: Subscription::parse(events).unwrap(),
        secret: format!("whsec_{}", "ab".repeat(32)),
        created_at: at,
    }
}

/// Submits a new application once, with `events` in the attempt's transaction.
async fn submitted(db: &Db, email: &str, events: Vec<NewEvent>) -> Application {
    let a = account(Some(email), None);
    db.create_account(&a, "h").await.unwrap();
    let now = Utc::now().trunc_subsecs(6);
    let app = Application {
        id: ApplicationId::new(),
        account_id: a.id,
        status: ApplicationStatus::Draft,
        data: ApplicationData::default(),
        files: BTreeMap::new(),
        attempt_count: 0,
        last_decision: None,
        last_submitted_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        review: None,
    };
    db.create_application(&app).await.unwrap();
    let attempt = Attempt {
        id: AttemptId::new(),
        application_id: app.id,
        number: 1,
        data: app.data.clone(),
        files: BTreeMap::new(),
        decision: decide(vec![], 1, 5),
        submitted_at: now,
        readings: None,
    };
    db.record_attempt(NewAttempt {
        attempt: &attempt,
        expected_version: 1,
        idempotency: None,
        events,
        review: None,
    })
    .await
    .unwrap()
}

fn event(kind: EventKind, n: u32) -> NewEvent {
    NewEvent {
        kind,
        payload: json!({"n": n}),
    }
}

async fn endpoints_are_created_listed_and_deleted(db: Db) {
    let now = Utc::now().trunc_subsecs(6);
    let a = endpoint("https://a.example/hook", &["application.decided"], now);
    let b = endpoint(
        "http://127.0.0.1:9/hook",
        &["*"],
        now + Duration::seconds(1),
    );
    db.create_webhook_endpoint(&a).await.unwrap();
    db.create_webhook_endpoint(&b).await.unwrap();
    assert_eq!(
        db.webhook_endpoints().await.unwrap(),
        vec![a.clone(), b.clone()]
    );
    assert_eq!(db.webhook_endpoint(b.id).await.unwrap(), Some(b.clone()));
    assert!(
        !format!("{a:?}").contains("whsec_"),
        "Debug hides the secret"
    );

    db.delete_webhook_endpoint(a.id, now).await.unwrap();
    assert!(matches!(
        db.delete_webhook_endpoint(a.id, now).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.delete_webhook_endpoint(WebhookEndpointId::new(), now)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(db.webhook_endpoints().await.unwrap(), vec![b]);
    assert_eq!(db.webhook_endpoint(a.id).await.unwrap(), None);
}
contract!(endpoints, endpoints_are_created_listed_and_deleted);

async fn events_commit_with_their_change_only(db: Db) {
    let app = submitted(
        &db,
        "outbox@example.com",
        vec![
            event(EventKind::ApplicationSubmitted, 1),
            event(EventKind::ApplicationDecided, 2),
        ],
    )
    .await;
    let events = db.recent_events(10).await.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].kind, EventKind::ApplicationDecided);
    assert_eq!(events[1].payload, json!({"n": 1}));

    // A submission that loses the version race writes no event either.
    let late = Attempt {
        id: AttemptId::new(),
        application_id: app.id,
        number: 2,
        data: app.data.clone(),
        files: BTreeMap::new(),
        decision: decide(vec![], 2, 5),
        submitted_at: Utc::now(),
        readings: None,
    };
    let lost = db
        .record_attempt(NewAttempt {
            attempt: &late,
            expected_version: 1,
            idempotency: None,
            events: vec![event(EventKind::ApplicationDecided, 3)],
            review: None,
        })
        .await;
    assert!(
        matches!(lost, Err(StoreError::Conflict("stale"))),
        "{lost:?}"
    );
    assert_eq!(db.recent_events(10).await.unwrap().len(), 2);
}
contract!(outbox_transactional, events_commit_with_their_change_only);

async fn deliveries_fan_out_claim_once_and_log(db: Db) {
    let t0 = Utc::now().trunc_subsecs(6) - Duration::seconds(10);
    let decided_only = endpoint("https://a.example/hook", &["application.decided"], t0);
    let everything = endpoint("https://b.example/hook", &["*"], t0);
    db.create_webhook_endpoint(&decided_only).await.unwrap();
    db.create_webhook_endpoint(&everything).await.unwrap();
    submitted(
        &db,
        "fan@example.com",
        vec![
            event(EventKind::ApplicationSubmitted, 1),
            event(EventKind::ApplicationDecided, 2),
        ],
    )
    .await;
    // Created after the events were written: receives none of them.
    let later = endpoint(
        "https://c.example/hook",
        &["*"],
        Utc::now() + Duration::hours(1),
    );
    db.create_webhook_endpoint(&later).await.unwrap();

    let now = Utc::now().trunc_subsecs(6);
    assert_eq!(db.fan_out_events(100, now).await.unwrap(), 2);
    assert_eq!(db.fan_out_events(100, now).await.unwrap(), 0, "once only");

    let lease = now + Duration::seconds(60);
    let claimed = db.claim_deliveries(now, lease, 100).await.unwrap();
    assert_eq!(claimed.len(), 3);
    assert!(claimed.iter().all(|c| c.endpoint.id != later.id));
    assert_eq!(
        claimed
            .iter()
            .filter(|c| c.endpoint.id == decided_only.id)
            .map(|c| c.event.kind)
            .collect::<Vec<_>>(),
        [EventKind::ApplicationDecided]
    );
    assert!(claimed
        .iter()
        .all(|c| c.endpoint.secret == everything.secret));
    // Held by the lease: nobody else gets them, and they cannot be replayed, until the lease
    // runs out.
    assert!(claimed
        .iter()
        .all(|c| c.delivery.status == DeliveryStatus::Sending));
    assert!(db
        .claim_deliveries(now, lease, 100)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        db.replay_delivery(claimed[0].delivery.id, now).await,
        Err(StoreError::Conflict("delivery_in_progress"))
    ));
    let reclaimed = db
        .claim_deliveries(lease, lease + Duration::seconds(60), 100)
        .await
        .unwrap();
    assert_eq!(reclaimed.len(), 3);

    let one = claimed
        .iter()
        .find(|c| c.endpoint.id == decided_only.id)
        .unwrap();
    let again = reclaimed
        .iter()
        .find(|c| c.delivery.id == one.delivery.id)
        .unwrap();
    let failed = DeliveryAttempt {
        started_at: now,
        duration_ms: 12,
        status_code: Some(500),
        error: Some("status".into()),
    };
    // The first claim was taken over: its attempt is logged but changes nothing.
    let retry_at = lease + Duration::seconds(30);
    assert!(!db
        .record_delivery_attempt(&one.delivery, &failed, DeliveryNext::RetryAt(retry_at))
        .await
        .unwrap());
    assert!(db
        .record_delivery_attempt(&again.delivery, &failed, DeliveryNext::RetryAt(retry_at))
        .await
        .unwrap());
    let early = db
        .claim_deliveries(retry_at - Duration::seconds(1), retry_at, 100)
        .await
        .unwrap();
    assert!(early.iter().all(|c| c.delivery.id != one.delivery.id));
    let due = db
        .claim_deliveries(retry_at, retry_at + Duration::seconds(60), 100)
        .await
        .unwrap();
    let third = due
        .iter()
        .find(|c| c.delivery.id == one.delivery.id)
        .unwrap();
    assert_eq!(third.delivery.attempt_count, 1);
    let ok = DeliveryAttempt {
        started_at: retry_at,
        duration_ms: 3,
        status_code: Some(204),
        error: None,
    };
    assert!(db
        .record_delivery_attempt(&third.delivery, &ok, DeliveryNext::Delivered)
        .await
        .unwrap());

    let log = db.webhook_deliveries(decided_only.id, 50).await.unwrap();
    assert_eq!(log.len(), 1);
    let (d, attempts) = &log[0];
    assert_eq!(d.status, DeliveryStatus::Delivered);
    assert_eq!(d.attempt_count, 2);
    assert_eq!(d.event_kind, EventKind::ApplicationDecided);
    assert_eq!(attempts, &vec![failed.clone(), failed.clone(), ok]);

    // Replay: due at once with a fresh round; the log stays.
    let replayed = db.replay_delivery(d.id, retry_at).await.unwrap();
    assert_eq!(replayed.status, DeliveryStatus::Pending);
    assert_eq!(replayed.attempt_count, 0);
    assert_eq!(replayed.next_attempt_at, retry_at);
    assert!(matches!(
        db.replay_delivery(DeliveryId::new(), now).await,
        Err(StoreError::NotFound)
    ));

    // Deleting an endpoint cancels what is pending for it, and its log can no longer be
    // replayed.
    db.delete_webhook_endpoint(decided_only.id, retry_at)
        .await
        .unwrap();
    let log = db.webhook_deliveries(decided_only.id, 50).await.unwrap();
    assert_eq!(log[0].0.status, DeliveryStatus::Cancelled);
    assert!(matches!(
        db.replay_delivery(d.id, retry_at).await,
        Err(StoreError::NotFound)
    ));
    let far = retry_at + Duration::days(1);
    let rest = db.claim_deliveries(far, far, 100).await.unwrap();
    assert!(rest.iter().all(|c| c.endpoint.id == everything.id));
    assert_eq!(rest.len(), 2);
}
contract!(deliveries, deliveries_fan_out_claim_once_and_log);
