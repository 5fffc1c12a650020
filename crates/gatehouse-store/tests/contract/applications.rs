use std::collections::BTreeMap;

use chrono::{SubsecRound, Utc};
use gatehouse_core::application::{ApplicationData, ApplicationStatus, Slot};
use gatehouse_core::decision::decide;
use gatehouse_core::ids::{ApplicationId, AttemptId, FileId};
use gatehouse_core::reasons::{Nature, ReasonDef};
use gatehouse_store::models::{Application, Attempt, FileRecord, IdempotentResponse};
use gatehouse_store::repo::{AccountRepo, ApplicationRepo, NewAttempt};
use gatehouse_store::{Db, StoreError};
use serde_json::json;

use crate::accounts::account;
use crate::contract;

pub async fn new_application(db: &Db, email: &str) -> Application {
    let a = account(Some(email), None);
    db.create_account(&a, "h").await.unwrap();
    // Stored times keep microseconds.
    let now = Utc::now().trunc_subsecs(6);
    let app = Application {
        id: ApplicationId::new(),
        account_id: a.id,
        status: ApplicationStatus::Draft,
        data: ApplicationData::from_json(&json!({"person": {"surname": "Zhang"}})).unwrap(),
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
    app
}

fn file(slot: Slot) -> FileRecord {
    FileRecord {
        id: FileId::new(),
        slot,
        object_key: format!("applications/x/{}", FileId::new()),
        content_type: "image/png".into(),
        size: 1234,
        sha256: "00".repeat(32),
        uploaded_at: Utc::now(),
    }
}

async fn one_application_per_account(db: Db) {
    let app = new_application(&db, "one@example.com").await;
    let mut second = app.clone();
    second.id = ApplicationId::new();
    assert!(matches!(
        db.create_application(&second).await,
        Err(StoreError::Conflict("application_exists"))
    ));
    assert_eq!(db.application(app.id).await.unwrap().unwrap(), app);
    assert_eq!(
        db.application_of_account(app.account_id)
            .await
            .unwrap()
            .unwrap()
            .id,
        app.id
    );
    assert!(db
        .application(ApplicationId::new())
        .await
        .unwrap()
        .is_none());
}
contract!(one_per_account, one_application_per_account);

async fn updates_need_the_current_version(db: Db) {
    let app = new_application(&db, "ver@example.com").await;
    let data = ApplicationData::from_json(&json!({"person": {"surname": "Li"}})).unwrap();
    let updated = db
        .update_application_data(app.id, 1, &data, Utc::now())
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.data, data);
    let stale = db
        .update_application_data(app.id, 1, &data, Utc::now())
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict("stale"))),
        "{stale:?}"
    );
    let missing = db
        .update_application_data(ApplicationId::new(), 1, &data, Utc::now())
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)));

    let front = file(Slot::DocumentFront);
    let with_file = db.attach_file(app.id, 2, &front, Utc::now()).await.unwrap();
    assert_eq!(with_file.files[&Slot::DocumentFront], front);
    assert_eq!(with_file.version, 3);
    let newer = file(Slot::DocumentFront);
    let replaced = db.attach_file(app.id, 3, &newer, Utc::now()).await.unwrap();
    assert_eq!(replaced.files[&Slot::DocumentFront], newer);
    assert!(matches!(
        db.attach_file(app.id, 3, &file(Slot::Selfie), Utc::now())
            .await,
        Err(StoreError::Conflict("stale"))
    ));
}
contract!(versions, updates_need_the_current_version);

async fn attempts_are_recorded_atomically_and_kept(db: Db) {
    let app = new_application(&db, "att@example.com").await;
    let retry = ReasonDef::new("DOCUMENT_EXPIRED", Nature::Retry);
    let first = Attempt {
        id: AttemptId::new(),
        application_id: app.id,
        number: 1,
        data: app.data.clone(),
        files: app.files.clone(),
        decision: decide(vec![retry.finding()], 1, 5),
        submitted_at: Utc::now(),
        readings: None,
    };
    let response = IdempotentResponse {
        request_hash: "rh".into(),
        status_code: 200,
        body: "{\"ok\":true}".into(),
    };
    let after = db
        .record_attempt(NewAttempt {
            attempt: &first,
            expected_version: 1,
            idempotency: Some(("key-1", response.clone())),
            events: Vec::new(),
            review: None,
        })
        .await
        .unwrap();
    assert_eq!(after.status, ApplicationStatus::RejectedRetry);
    assert_eq!(after.attempt_count, 1);
    assert_eq!(after.last_decision.as_ref(), Some(&first.decision));
    assert_eq!(
        db.idempotent_response(app.account_id, "key-1")
            .await
            .unwrap(),
        Some(response.clone())
    );

    // Same version again: refused, and nothing of it is written.
    let mut racing = first.clone();
    racing.id = AttemptId::new();
    racing.number = 2;
    let lost = db
        .record_attempt(NewAttempt {
            attempt: &racing,
            expected_version: 1,
            idempotency: Some(("key-2", response.clone())),
            events: Vec::new(),
            review: None,
        })
        .await;
    assert!(
        matches!(lost, Err(StoreError::Conflict("stale"))),
        "{lost:?}"
    );
    assert!(db
        .idempotent_response(app.account_id, "key-2")
        .await
        .unwrap()
        .is_none());

    // A reused key in the same transaction rolls the whole attempt back.
    let dup_key = db
        .record_attempt(NewAttempt {
            attempt: &racing,
            expected_version: after.version,
            idempotency: Some(("key-1", response.clone())),
            events: Vec::new(),
            review: None,
        })
        .await;
    assert!(matches!(
        dup_key,
        Err(StoreError::Conflict("idempotency_key_exists"))
    ));
    assert_eq!(db.attempts(app.id).await.unwrap().len(), 1);
    assert_eq!(
        db.application(app.id).await.unwrap().unwrap().attempt_count,
        1
    );

    let second = Attempt {
        decision: decide(vec![], 2, 5),
        ..racing
    };
    let approved = db
        .record_attempt(NewAttempt {
            attempt: &second,
            expected_version: after.version,
            idempotency: None,
            events: Vec::new(),
            review: None,
        })
        .await
        .unwrap();
    assert_eq!(approved.status, ApplicationStatus::Approved);
    let attempts = db.attempts(app.id).await.unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].decision, first.decision);
    assert_eq!(attempts[1].number, 2);

    // An approved application takes no more changes or attempts.
    let data = ApplicationData::default();
    assert!(matches!(
        db.update_application_data(app.id, approved.version, &data, Utc::now())
            .await,
        Err(StoreError::Conflict("stale"))
    ));
}
contract!(attempts, attempts_are_recorded_atomically_and_kept);

async fn listing_filters_and_pages(db: Db) {
    let a = new_application(&db, "l1@example.com").await;
    let b = new_application(&db, "l2@example.com").await;
    let c = new_application(&db, "l3@example.com").await;
    let all = db.list_applications(None, 10, None).await.unwrap();
    assert_eq!(
        all.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![c.id, b.id, a.id]
    );
    let page = db.list_applications(None, 1, Some(c.id)).await.unwrap();
    assert_eq!(page[0].id, b.id);
    let drafts = db
        .list_applications(Some(ApplicationStatus::Draft), 10, None)
        .await
        .unwrap();
    assert_eq!(drafts.len(), 3);
    assert!(db
        .list_applications(Some(ApplicationStatus::Approved), 10, None)
        .await
        .unwrap()
        .is_empty());
}
contract!(listing, listing_filters_and_pages);
