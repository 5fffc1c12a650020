use std::time::Duration;

use gatehouse_server::sanctions::{parse, store, ListFile, ListFormat};
use gatehouse_server::service::{now, operators};
use gatehouse_store::models::{KeyScope, Role};
use gatehouse_store::Backend;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{passport, spawn_with, TestApp};

fn ftm(lines: &[Value]) -> ListFile {
    ListFile {
        name: "test.ftm.json".into(),
        content: lines
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

async fn import(app: &TestApp, people: &[Value]) {
    let parsed = parse(ListFormat::Ftm, &[ftm(people)]).unwrap();
    store(&app.db.db, ListFormat::Ftm, parsed).await.unwrap();
}

/// Waits until the server's index holds `versions` versions and re-screening is done.
async fn settle(app: &TestApp, key: &str, versions: usize) -> Value {
    for _ in 0..100 {
        let s = app.get("/v1/admin/sanctions", Some(key)).await.body;
        let indexed = s["index_versions"].as_array().map(Vec::len).unwrap_or(0);
        if indexed == versions && s["rescreen"]["status"] == "done" {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("sanctions index never settled");
}

fn person(id: &str, name: &str, born: &str, nationality: &str) -> Value {
    json!({"id": id, "schema": "Person", "datasets": ["test_list"],
           "properties": {"name": [name], "birthDate": [born], "nationality": [nationality]}})
}

async fn possible_matches_go_to_review_and_stay_neutral(backend: Backend) {
    let app = spawn_with(backend, |c| c.sanctions.rescreen_interval_seconds = 1).await;
    let (_, key) = operators::create_key(&app.db.db, "ops", KeyScope::Integration, now())
        .await
        .unwrap();
    import(&app, &[person("ent-1", "Wei LI", "1990-01-02", "cn")]).await;
    let status = settle(&app, &key, 1).await;
    assert_eq!(status["versions"][0]["source"], "ftm:test_list");

    let screened = app
        .post_json(
            "/v1/admin/screenings",
            Some(&key),
            json!({"name": "Li Wei", "dob": "1990-01-02"}),
        )
        .await;
    assert_eq!(screened.status, 200, "{}", screened.body);
    let hit = &screened.body["hits"][0];
    assert_eq!(hit["entity_id"], "ent-1");
    for field in ["list", "name", "matched_name", "score", "explanation"] {
        assert!(!hit[field].is_null(), "{field} missing in {hit}");
    }

    let token = app.signed_in("li@example.com").await;
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    let d = app.submit(&token, &id, &[("accept-language", "en")]).await;
    assert_eq!(d.body["status"], "manual_review", "{}", d.body);
    let reason = &d.body["decision"]["reasons"][0];
    assert_eq!(reason["code"], "SANCTIONS_POSSIBLE_MATCH");
    let text = String::from_utf8(d.bytes.clone()).unwrap();
    assert!(
        !text.contains("ent-1") && !text.contains("test_list"),
        "{text}"
    );
    assert!(reason["message"]
        .as_str()
        .unwrap()
        .contains("further review"));
    let admin = app
        .get(&format!("/v1/admin/applications/{id}"), Some(&key))
        .await;
    assert_eq!(
        admin.body["findings"][0]["evidence"]["hits"][0]["entity_id"],
        "ent-1"
    );

    // A sanctions case, first in the queue; approving despite the hit needs four eyes.
    let reviewer = crate::review::staff_token(&app, "r@bank.example", Role::Reviewer).await;
    let senior = crate::review::staff_token(&app, "s@bank.example", Role::SeniorReviewer).await;
    let queue = app.get("/v1/review/cases", Some(&reviewer)).await;
    let case = &queue.body["cases"][0];
    assert_eq!(case["kind"], "sanctions", "{}", queue.body);
    assert_eq!(case["application_id"], id.as_str());
    let base = format!("/v1/review/cases/{}", case["id"].as_str().unwrap());
    let detail = app.get(&base, Some(&reviewer)).await;
    assert_eq!(detail.body["sanctions_hits"][0]["entity_id"], "ent-1");
    app.post_json(&format!("{base}/claim"), Some(&reviewer), json!({}))
        .await;
    let d = app
        .post_json(
            &format!("{base}/decision"),
            Some(&reviewer),
            json!({"action": "approve", "internal_note": "different person: other birthplace"}),
        )
        .await;
    assert_eq!(d.body["pending_confirmation"], true, "{}", d.body);
    let still = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(still.body["status"], "manual_review");
    let c = app
        .post_json(&format!("{base}/confirm"), Some(&senior), json!({}))
        .await;
    assert_eq!(c.status, 200, "{}", c.body);
    let done = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(done.body["status"], "approved");
}
both_backends!(possible_matches_go_to_review_and_stay_neutral);

async fn a_new_list_rescreens_approved_applicants(backend: Backend) {
    let app = spawn_with(backend, |c| c.sanctions.rescreen_interval_seconds = 1).await;
    let (_, key) = operators::create_key(&app.db.db, "ops", KeyScope::Integration, now())
        .await
        .unwrap();
    let token = app.signed_in("approved@example.com").await;
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    assert_eq!(
        app.submit(&token, &id, &[]).await.body["status"],
        "approved"
    );

    import(
        &app,
        &[
            person("ent-9", "LI, Wei", "1990-01-02", "cn"),
            person("ent-10", "Someone Else", "1950-01-01", "de"),
        ],
    )
    .await;
    let status = settle(&app, &key, 1).await;
    assert_eq!(status["rescreen"]["screened"], 1);
    assert_eq!(status["rescreen"]["hits"], 1);
    let alerts = app.get("/v1/admin/sanctions/alerts", Some(&key)).await;
    let alert = &alerts.body["alerts"][0];
    assert_eq!(alert["application_id"], id.as_str());
    assert_eq!(alert["hits"][0]["entity_id"], "ent-9");
    assert_eq!(alert["status"], "open");

    // Re-screening opened a case for reviewers, with the hits.
    let reviewer = crate::review::staff_token(&app, "r@bank.example", Role::Reviewer).await;
    let queue = app
        .get("/v1/review/cases?kind=rescreen", Some(&reviewer))
        .await;
    let case = &queue.body["cases"][0];
    assert_eq!(case["application_id"], id.as_str(), "{}", queue.body);
    assert_eq!(case["source"]["hits"][0]["entity_id"], "ent-9");
}
both_backends!(a_new_list_rescreens_approved_applicants);

#[test]
fn malformed_lists_are_refused_with_their_line() {
    let bad = ListFile {
        name: "broken.ftm.json".into(),
        content: format!("{}\n{{not json", person("a", "A B", "1990", "de")),
    };
    let err = parse(ListFormat::Ftm, &[bad]).err().unwrap().to_string();
    assert!(err.contains("broken.ftm.json:2"), "{err}");
    let empty = ListFile {
        name: "empty.ftm.json".into(),
        content: String::new(),
    };
    assert!(parse(ListFormat::Ftm, &[empty]).is_err());
}
