//! What was read from the document photos is kept on the attempt, as written.

use chrono::{SubsecRound, Utc};
use gatehouse_core::decision::decide;
use gatehouse_core::ids::AttemptId;
use gatehouse_core::reasons::{Nature, ReasonDef};
use gatehouse_store::models::Attempt;
use gatehouse_store::repo::{ApplicationRepo, NewAttempt};
use gatehouse_store::Db;
use serde_json::json;

use crate::applications::new_application;

async fn readings_are_stored_with_the_attempt(db: Db) {
    let app = new_application(&db, "readings@example.com").await;
    let readings = json!([{
        "slot": "document_front",
        "kind": "mrz",
        "status": "read",
        "format": "TD3",
        "lines": ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                  "L898902C36UTO7408122F1204159ZE184226B<<<<<10"],
        "raw_lines": ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                      "L898902C36UTO7408122F12O4159ZE184226B<<<<<10"],
        "corrections": [{"line": 2, "position": 24, "read": "O", "corrected": "0"}],
        "confidence": 0.912,
    }]);
    let attempt = Attempt {
        id: AttemptId::new(),
        application_id: app.id,
        number: 1,
        data: app.data.clone(),
        files: app.files.clone(),
        decision: decide(
            vec![ReasonDef::new("MRZ_UNREADABLE", Nature::Retry).finding()],
            1,
            5,
        ),
        submitted_at: Utc::now().trunc_subsecs(6),
        readings: Some(readings.clone()),
    };
    db.record_attempt(NewAttempt {
        events: Vec::new(),
        attempt: &attempt,
        expected_version: app.version,
        idempotency: None,
        review: None,
    })
    .await
    .unwrap();
    let stored = db.attempts(app.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].readings.as_ref(), Some(&readings));
    assert_eq!(stored[0], attempt);

    // An attempt without photo readings reads back as none, next to the first.
    let second = Attempt {
        id: AttemptId::new(),
        number: 2,
        decision: decide(vec![], 2, 5),
        readings: None,
        ..attempt.clone()
    };
    let after = db.application(app.id).await.unwrap().unwrap();
    db.record_attempt(NewAttempt {
        events: Vec::new(),
        attempt: &second,
        expected_version: after.version,
        idempotency: None,
        review: None,
    })
    .await
    .unwrap();
    let stored = db.attempts(app.id).await.unwrap();
    assert_eq!(stored, vec![attempt, second]);
}
contract!(readings, readings_are_stored_with_the_attempt);
