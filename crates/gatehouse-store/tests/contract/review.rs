use chrono::{Duration, SubsecRound, Utc};
use gatehouse_store::models::{
    verify_chain, Batch, CaseFilter, CaseKind, CaseStatus, Change, ReviewCase, Role, StaffUser,
    AUDIT_GENESIS,
};
use gatehouse_store::repo::{ApplicationRepo, ReviewRepo};
use gatehouse_store::{Db, StoreError};
use serde_json::json;

use crate::applications::new_application;
use crate::contract;

fn case(app: &gatehouse_store::models::Application, kind: CaseKind, priority: i64) -> ReviewCase {
    let now = Utc::now().trunc_subsecs(6);
    ReviewCase {
        id: uuid::Uuid::now_v7().to_string(),
        application_id: app.id,
        account_id: app.account_id,
        kind,
        status: CaseStatus::Open,
        priority,
        country: Some("CN".into()),
        assignee: None,
        escalated: false,
        source: json!({"reasons": ["X"]}),
        pending: None,
        due_at: now + Duration::hours(1),
        created_at: now,
        updated_at: now,
        closed_at: None,
        version: 1,
    }
}

async fn batches_are_all_or_nothing_and_chain_the_audit(db: Db) {
    let app = new_application(&db, "case@example.com").await;
    let now = Utc::now().trunc_subsecs(6);
    let user = StaffUser {
        id: "u1".into(),
        email: "r@bank.example".into(),
        role: Role::Reviewer,
        created_at: now,
        disabled: false,
    };
    db.create_staff_user(&user, "hash").await.unwrap();
    assert!(matches!(
        db.create_staff_user(&user, "hash").await,
        Err(StoreError::Conflict(_))
    ));
    let slow = case(&app, CaseKind::ManualReview, 50);
    let urgent = case(&app, CaseKind::Sanctions, 10);
    let mut batch = Batch::new(now);
    batch
        .change(Change::InsertCase(slow.clone()))
        .change(Change::InsertCase(urgent.clone()))
        .audit(
            "system",
            "case.opened",
            "case:a",
            None,
            Some(json!({"n": 1})),
        )
        .audit("system", "case.opened", "case:b", None, None);
    db.commit(&batch).await.unwrap();
    let queue = db.cases(&CaseFilter::default(), 10).await.unwrap();
    assert_eq!(queue[0].id, urgent.id, "priority first");
    assert_eq!(queue[1], slow);

    // A stale case version rolls back everything in the batch, audit entries included.
    let claimed = ReviewCase {
        status: CaseStatus::InReview,
        assignee: Some("u1".into()),
        ..slow.clone()
    };
    let mut stale = Batch::new(now);
    stale
        .change(Change::UpdateCase {
            case: claimed.clone(),
            expected_version: 1,
        })
        .change(Change::UpdateCase {
            case: claimed.clone(),
            expected_version: 1,
        })
        .audit("staff:u1", "case.claimed", "case:a", None, None);
    assert!(matches!(
        db.commit(&stale).await,
        Err(StoreError::Conflict("stale"))
    ));
    assert_eq!(db.case(&slow.id).await.unwrap().unwrap(), slow);
    assert_eq!(db.audit_entries(0, 100).await.unwrap().len(), 2);

    let mut ok = Batch::new(now);
    ok.change(Change::UpdateCase {
        case: claimed.clone(),
        expected_version: 1,
    })
    .audit("staff:u1", "case.claimed", "case:a", None, None);
    db.commit(&ok).await.unwrap();
    let mine = db
        .cases(
            &CaseFilter {
                assignee: Some("u1".into()),
                ..CaseFilter::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].version, 2);
    let unassigned = CaseFilter {
        assignee: Some(String::new()),
        kind: Some(CaseKind::Sanctions),
        statuses: vec![CaseStatus::Open],
        ..CaseFilter::default()
    };
    assert_eq!(db.cases(&unassigned, 10).await.unwrap()[0].id, urgent.id);

    let entries = db.audit_entries(0, 100).await.unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].prev_hash, AUDIT_GENESIS);
    assert_eq!(entries[1].prev_hash, entries[0].hash);
    let (mut prev, mut seq) = (AUDIT_GENESIS.to_owned(), 1);
    verify_chain(&entries, &mut prev, &mut seq).unwrap();
    let mut forged = entries.clone();
    forged[1].after = Some("{\"n\":2}".into());
    let (mut prev, mut seq) = (AUDIT_GENESIS.to_owned(), 1);
    assert_eq!(
        verify_chain(&forged, &mut prev, &mut seq).unwrap_err().seq,
        2
    );
    db.create_staff_session("h1", "u1", "csrf", now, now + Duration::minutes(5))
        .await
        .unwrap();
    db.create_staff_session(
        "h2",
        "u1",
        "csrf",
        now - Duration::hours(2),
        now - Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(
        db.staff_session("h1", now).await.unwrap().unwrap().1,
        "csrf"
    );
    assert!(db.staff_session("h2", now).await.unwrap().is_none());
    assert_eq!(db.purge_expired_staff_sessions(now).await.unwrap(), 1);
    let app_now = db.application(app.id).await.unwrap().unwrap();
    assert!(app_now.review.is_none());
}
contract!(
    review_batches,
    batches_are_all_or_nothing_and_chain_the_audit
);

/// Webhook events added to a batch are written with it, and not at all when it fails.
async fn batch_events_share_the_batch_transaction(db: Db) {
    use gatehouse_core::events::EventKind;
    use gatehouse_store::models::NewEvent;
    use gatehouse_store::repo::WebhookRepo;
    let app = new_application(&db, "events@example.com").await;
    let now = Utc::now().trunc_subsecs(6);
    let opened = case(&app, CaseKind::Appeal, 20);
    let event = |n: i64| {
        Change::Event(NewEvent {
            kind: EventKind::CaseDecided,
            payload: json!({"case_id": opened.id, "n": n}),
        })
    };
    let mut batch = Batch::new(now);
    batch
        .change(Change::InsertCase(opened.clone()))
        .change(event(1));
    db.commit(&batch).await.unwrap();
    // The same case again conflicts: the batch rolls back, its event with it.
    let mut failing = Batch::new(now);
    failing
        .change(event(2))
        .change(Change::InsertCase(opened.clone()));
    assert!(db.commit(&failing).await.is_err());
    let events = db.recent_events(10).await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].kind, EventKind::CaseDecided);
    assert_eq!(events[0].payload["n"], 1);
}
contract!(
    batch_events_share_the_batch_transaction,
    batch_events_share_the_batch_transaction
);

/// A submission's review case and audit entries are written with its attempt: when the
/// batch fails, no attempt is recorded and the application keeps its state.
async fn attempts_and_their_review_batch_commit_together(db: Db) {
    use gatehouse_core::application::ApplicationStatus;
    use gatehouse_core::decision::decide;
    use gatehouse_core::ids::AttemptId;
    use gatehouse_core::reasons::{Nature, ReasonDef};
    use gatehouse_store::models::Attempt;
    use gatehouse_store::repo::NewAttempt;
    let app = new_application(&db, "together@example.com").await;
    let now = Utc::now().trunc_subsecs(6);
    let manual = ReasonDef::new("SANCTIONS_POSSIBLE_MATCH", Nature::Manual);
    let attempt = |n: u32| Attempt {
        id: AttemptId::new(),
        application_id: app.id,
        number: n,
        data: app.data.clone(),
        files: app.files.clone(),
        decision: decide(vec![manual.finding()], n, 5),
        submitted_at: now,
        readings: None,
    };
    let opened = case(&app, CaseKind::Sanctions, 10);
    let mut batch = Batch::new(now);
    batch.change(Change::InsertCase(opened.clone())).audit(
        "applicant:x",
        "application.decided",
        "application:a",
        None,
        None,
    );
    // The case exists already: the batch fails, and the attempt with it.
    db.commit(&batch).await.unwrap();
    let audit_before = db.audit_entries(0, 100).await.unwrap().len();
    let first = attempt(1);
    let failed = db
        .record_attempt(NewAttempt {
            attempt: &first,
            expected_version: app.version,
            idempotency: None,
            events: Vec::new(),
            review: Some(&batch),
        })
        .await;
    assert!(failed.is_err());
    assert!(db.attempts(app.id).await.unwrap().is_empty());
    let unchanged = db.application(app.id).await.unwrap().unwrap();
    assert_eq!(unchanged.status, ApplicationStatus::Draft);
    assert_eq!(db.audit_entries(0, 100).await.unwrap().len(), audit_before);

    let fresh = case(&app, CaseKind::Sanctions, 10);
    let mut batch = Batch::new(now);
    batch.change(Change::InsertCase(fresh.clone())).audit(
        "applicant:x",
        "application.decided",
        "application:a",
        None,
        None,
    );
    let recorded = db
        .record_attempt(NewAttempt {
            attempt: &first,
            expected_version: app.version,
            idempotency: None,
            events: Vec::new(),
            review: Some(&batch),
        })
        .await
        .unwrap();
    assert_eq!(recorded.status, ApplicationStatus::ManualReview);
    assert_eq!(db.case(&fresh.id).await.unwrap().unwrap().id, fresh.id);
    let entries = db.audit_entries(0, 100).await.unwrap();
    assert_eq!(entries.len(), audit_before + 1);
    let (mut prev, mut seq) = (AUDIT_GENESIS.to_owned(), 1);
    verify_chain(&entries, &mut prev, &mut seq).unwrap();
}
contract!(
    attempts_and_their_review_batch_commit_together,
    attempts_and_their_review_batch_commit_together
);
