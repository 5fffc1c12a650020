//! Liveness providers' results: signed deliveries, the operator API, and submissions that
//! use a result, wait for one, or time out.

use std::time::Duration;

use gatehouse_core::signature::sign;
use gatehouse_server::service::{now, operators};
use gatehouse_store::models::{CaseFilter, CaseKind, KeyScope};
use gatehouse_store::repo::ReviewRepo;
use gatehouse_store::Backend;
use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{passport, reason_codes, spawn_with, Reply, TestApp};

const SECRET: &str = "liveness-test-secret";

async fn live_app(backend: Backend, required: bool) -> TestApp {
    spawn_with(backend, |c| {
        c.kyc.cooldown_seconds = 0;
        c.liveness.required = required;
        c.liveness.timeout_seconds = 2;
        c.liveness.sweep_interval_seconds = 1;
        c.liveness.secrets.insert(
            "generic".into(),
            gatehouse_server::config::Secret(SECRET.into()),
        );
    })
    .await
}

fn result(app_id: &str, session: &str, passed: bool, reasons: &[&str]) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "application_id": app_id, "session_id": session, "passed": passed, "reasons": reasons,
    }))
    .unwrap()
}

async fn deliver(app: &TestApp, provider: &str, header: Option<&str>, body: Vec<u8>) -> Reply {
    let headers: Vec<(&str, &str)> = header
        .map(|h| vec![("x-gatehouse-signature", h)])
        .unwrap_or_default();
    app.request(
        Method::POST,
        &format!("/v1/integrations/liveness/{provider}/webhook"),
        None,
        &headers,
        Some(("application/json", body)),
    )
    .await
}

/// Delivers `body` to the generic provider, signed now.
async fn deliver_now(app: &TestApp, body: Vec<u8>) -> Reply {
    let header = signed(&body, now().timestamp());
    deliver(app, "generic", Some(&header), body).await
}

/// A passport application submitted while a result is required and none has come.
async fn waiting(app: &TestApp, email: &str) -> (String, String) {
    let token = app.signed_in(email).await;
    let id = application(app, &token).await;
    let d = app.submit(&token, &id, &[]).await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["status"], "awaiting_liveness", "{}", d.body);
    assert_eq!(reason_codes(&d.body["decision"]), vec!["LIVENESS_PENDING"]);
    (token, id)
}

fn signed(body: &[u8], at: i64) -> String {
    sign(SECRET.as_bytes(), at, body)
}

async fn application(app: &TestApp, token: &str) -> String {
    app.passport_application(token, passport("2031-01-01"))
        .await
}

async fn status(app: &TestApp, token: &str, id: &str, lang: &str) -> Value {
    app.request(
        Method::GET,
        &format!("/v1/kyc/applications/{id}"),
        Some(token),
        &[("accept-language", lang)],
        None,
    )
    .await
    .body
}

async fn webhook_deliveries_are_authenticated(backend: Backend) {
    let app = live_app(backend, false).await;
    let token = app.signed_in("wh@example.com").await;
    let id = application(&app, &token).await;
    let t = now().timestamp();
    let body = result(&id, "sess-1", true, &[]);

    deliver(&app, "generic", None, body.clone())
        .await
        .assert_problem(401, "signature_missing");
    let wrong = sign(b"another secret", t, &body);
    deliver(&app, "generic", Some(&wrong), body.clone())
        .await
        .assert_problem(401, "signature_invalid");
    deliver(&app, "generic", Some("t=abc,v1=zz"), body.clone())
        .await
        .assert_problem(401, "signature_invalid");
    // Signed over another body: the signature does not cover what was sent.
    let other = result(&id, "sess-1", false, &[]);
    deliver(&app, "generic", Some(&signed(&other, t)), body.clone())
        .await
        .assert_problem(401, "signature_invalid");
    deliver(&app, "generic", Some(&signed(&body, t - 301)), body.clone())
        .await
        .assert_problem(401, "signature_expired");
    deliver(&app, "generic", Some(&signed(&body, t + 301)), body.clone())
        .await
        .assert_problem(401, "signature_expired");

    let header = signed(&body, t);
    let ok = deliver(&app, "generic", Some(&header), body.clone()).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["received"], true);
    assert_eq!(ok.body["duplicate"], false);
    assert_eq!(ok.body["application_status"], "draft");
    // The very same delivery again, even with its header rearranged: a replay.
    deliver(&app, "generic", Some(&header), body.clone())
        .await
        .assert_problem(409, "delivery_replayed");
    let rearranged = format!("{},t={t}", header.split(',').nth(1).unwrap());
    deliver(&app, "generic", Some(&rearranged), body.clone())
        .await
        .assert_problem(409, "delivery_replayed");
    // The provider re-signs its retry: accepted as a duplicate of the stored session.
    let again = deliver(&app, "generic", Some(&signed(&body, t - 1)), body.clone()).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["duplicate"], true);
    // The same session with another verdict is refused; the first verdict stands.
    let changed = result(&id, "sess-1", false, &["spoof_suspected"]);
    deliver(&app, "generic", Some(&signed(&changed, t)), changed)
        .await
        .assert_problem(409, "liveness_session_conflict");

    let bad = br#"{"application_id":"x","pass":true}"#.to_vec();
    let r = deliver(&app, "generic", Some(&signed(&bad, t)), bad).await;
    r.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"pass") && fields.contains(&"application_id"));
    let nobody = result(&uuid::Uuid::now_v7().to_string(), "sess-2", true, &[]);
    deliver(&app, "generic", Some(&signed(&nobody, t)), nobody)
        .await
        .assert_problem(422, "unknown_application");
    let not_json = b"passed=true".to_vec();
    deliver(&app, "generic", Some(&signed(&not_json, t)), not_json)
        .await
        .assert_problem(400, "malformed_json");
    deliver(&app, "acme", Some(&header), body)
        .await
        .assert_problem(404, "not_found");
}
both_backends!(webhook_deliveries_are_authenticated);

async fn a_provider_without_a_secret_refuses_deliveries(backend: Backend) {
    let app = spawn_with(backend, |_| {}).await;
    let body = result(&uuid::Uuid::now_v7().to_string(), "s", true, &[]);
    let header = signed(&body, now().timestamp());
    deliver(&app, "generic", Some(&header), body)
        .await
        .assert_problem(503, "liveness_provider_not_configured");
}
both_backends!(a_provider_without_a_secret_refuses_deliveries);

async fn a_result_that_came_first_is_used_by_the_submission(backend: Backend) {
    let app = live_app(backend, true).await;
    let token = app.signed_in("first@example.com").await;
    let id = application(&app, &token).await;
    let body = result(&id, "s-fail", false, &["glasses", "low_light", "headwear"]);
    let r = deliver_now(&app, body).await;
    assert_eq!(r.status, 200, "{}", r.body);

    let d = app
        .submit(&token, &id, &[("accept-language", "zh-CN")])
        .await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["status"], "rejected_retry", "{}", d.body);
    let got = reason_codes(&d.body["decision"]);
    assert_eq!(
        got,
        vec!["LIVENESS_LOW_LIGHT", "LIVENESS_FACE_COVERED"],
        "{}",
        d.body
    );
    let fix = d.body["decision"]["reasons"][1]["fix"].as_str().unwrap();
    assert!(
        fix.contains("在光线均匀、背景简单的地方进行；摘下眼镜和帽子；关闭美颜；按提示眨眼、摇头"),
        "{fix}"
    );

    // The applicant redoes the check; the next submission uses the newer, passed result.
    let body = result(&id, "s-pass", true, &[]);
    deliver_now(&app, body).await;
    let d = app.submit(&token, &id, &[]).await;
    assert_eq!(d.body["status"], "approved", "{}", d.body);
}
both_backends!(a_result_that_came_first_is_used_by_the_submission);

async fn a_submission_waits_for_a_required_result(backend: Backend) {
    let app = live_app(backend, true).await;
    let (token, id) = waiting(&app, "wait@example.com").await;
    let view = status(&app, &token, &id, "zh-CN").await;
    let pending = &view["decision"]["reasons"][0];
    assert!(
        pending["message"].as_str().unwrap().contains("活体检测"),
        "{view}"
    );
    // The fix names the deadline, filled in from the evidence.
    let fix = pending["fix"].as_str().unwrap();
    assert!(!fix.contains("{deadline}"), "{fix}");
    assert!(fix.contains(&now().format("%Y-").to_string()), "{fix}");
    // Waiting is not editable: nothing changes under the pending decision.
    let again = app.submit(&token, &id, &[]).await;
    again.assert_problem(409, "application_not_editable");

    let body = result(&id, "s-spoof", false, &["spoof_suspected"]);
    let r = deliver_now(&app, body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // A suspected spoof goes to a person, never to an automatic final rejection.
    assert_eq!(r.body["application_status"], "manual_review", "{}", r.body);
    let view = status(&app, &token, &id, "en").await;
    assert_eq!(view["status"], "manual_review");
    assert_eq!(
        reason_codes(&view["decision"]),
        vec!["LIVENESS_SPOOF_SUSPECTED"]
    );
    let attempts = app
        .get(&format!("/v1/kyc/applications/{id}/attempts"), Some(&token))
        .await;
    let attempts = attempts.body["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["decision"]["outcome"], "manual_review");
    // Reviewers get a liveness case for it.
    let filter = CaseFilter {
        application_id: id.parse().ok(),
        ..CaseFilter::default()
    };
    let cases = app.db.db.cases(&filter, 10).await.unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].kind, CaseKind::Liveness);
}
both_backends!(a_submission_waits_for_a_required_result);

async fn a_missing_result_times_out_into_a_retry(backend: Backend) {
    let app = live_app(backend, true).await;
    let (token, id) = waiting(&app, "late@example.com").await;
    // The sweeper runs every second and the timeout is two seconds.
    let mut view = Value::Null;
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        view = status(&app, &token, &id, "en").await;
        if view["status"] != "awaiting_liveness" {
            break;
        }
    }
    assert_eq!(view["status"], "rejected_retry", "{view}");
    assert_eq!(reason_codes(&view["decision"]), vec!["LIVENESS_TIMEOUT"]);
    assert!(view["attempts_left"].as_u64().unwrap() > 0);
    // A result arriving after the timeout is kept for the next submission.
    let body = result(&id, "s-late", true, &[]);
    let r = deliver_now(&app, body).await;
    assert_eq!(r.body["application_status"], "rejected_retry");
    let d = app.submit(&token, &id, &[]).await;
    assert_eq!(d.body["status"], "approved", "{}", d.body);
}
both_backends!(a_missing_result_times_out_into_a_retry);

async fn operators_can_submit_the_normalised_result(backend: Backend) {
    let app = live_app(backend, true).await;
    let (token, id) = waiting(&app, "ops-live@example.com").await;
    let path = "/v1/integrations/liveness/generic/results";
    let body = json!({"application_id": id, "session_id": "op-1", "passed": true});
    app.post_json(path, None, body.clone())
        .await
        .assert_problem(401, "unauthorized");
    // An applicant's session is not an operator key.
    app.post_json(path, Some(&token), body.clone())
        .await
        .assert_problem(401, "unauthorized");
    let (_, key) = operators::create_key(&app.db.db, "backend", KeyScope::Integration, now())
        .await
        .unwrap();
    let r = app.post_json(path, Some(&key), body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["application_status"], "approved", "{}", r.body);
    app.post_json(
        "/v1/integrations/liveness/acme/results",
        Some(&key),
        json!({"application_id": id, "session_id": "op-2", "passed": true}),
    )
    .await
    .assert_problem(404, "not_found");
}
both_backends!(operators_can_submit_the_normalised_result);
