//! Manual review through the API: appeals, requests for information, the queue, decisions,
//! four-eyes confirmation, roles, and the audit chain.

use gatehouse_server::service::{audit, now, operators, staff};
use gatehouse_store::models::{KeyScope, Role};
use gatehouse_store::Backend;
use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{passport, spawn_with, TestApp, PASSWORD};

pub const STAFF_PASSWORD: &str = "reviewer passphrase 4 tests";

async fn app(backend: Backend) -> TestApp {
    spawn_with(backend, |c| {
        c.review.appeal_cooldown_seconds = 0;
    })
    .await
}

/// Creates a staff user and signs them in; returns the token.
pub async fn staff_token(app: &TestApp, email: &str, role: Role) -> String {
    staff::create_user(&app.db.db, email, role, STAFF_PASSWORD, "test")
        .await
        .unwrap();
    let r = app
        .post_json(
            "/v1/staff/sessions",
            None,
            json!({"email": email, "password": STAFF_PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["token"].as_str().unwrap().to_owned()
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec()
}

async fn put(app: &TestApp, token: &str, path: &str, bytes: Vec<u8>) -> crate::helpers::Reply {
    app.request(
        Method::PUT,
        path,
        Some(token),
        &[],
        Some(("application/octet-stream", bytes)),
    )
    .await
}

/// A rejected_retry application (expired passport); returns (token, application id).
async fn rejected(app: &TestApp, email: &str, body: Value) -> (String, String) {
    let token = app.signed_in(email).await;
    let id = app.passport_application(&token, body).await;
    let r = app.submit(&token, &id, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    (token, id)
}

async fn appeal(app: &TestApp, token: &str, id: &str) -> String {
    let r = app
        .post_json(
            &format!("/v1/kyc/applications/{id}/appeals"),
            Some(token),
            json!({"message": "My passport was renewed; the new one is attached."}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let appeal = r.body["id"].as_str().unwrap().to_owned();
    let f = put(
        app,
        token,
        &format!("/v1/kyc/appeals/{appeal}/files/statement.pdf?kind=handwritten_statement"),
        pdf(),
    )
    .await;
    assert_eq!(f.status, 201, "{}", f.body);
    assert_eq!(f.body["content_type"], "application/pdf");
    let s = app
        .request(
            Method::POST,
            &format!("/v1/kyc/appeals/{appeal}/submit"),
            Some(token),
            &[],
            None,
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.body);
    assert_eq!(s.body["status"], "submitted");
    appeal
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> crate::helpers::Reply {
    app.post_json(path, Some(token), body).await
}

async fn case_of(app: &TestApp, token: &str, application_id: &str) -> Value {
    let q = app.get("/v1/review/cases", Some(token)).await;
    assert_eq!(q.status, 200, "{}", q.body);
    q.body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["application_id"] == application_id)
        .cloned()
        .unwrap_or_else(|| panic!("no case for {application_id}: {}", q.body))
}

async fn appeal_request_info_answer_and_approve(backend: Backend) {
    let app = app(backend).await;
    let (token, id) = rejected(&app, "appellant@example.com", passport("2020-01-01")).await;
    let appeal_id = appeal(&app, &token, &id).await;

    // One open appeal at a time; a submitted appeal no longer takes files.
    post(
        &app,
        &format!("/v1/kyc/applications/{id}/appeals"),
        &token,
        json!({"message": "again"}),
    )
    .await
    .assert_problem(409, "appeal_open");
    put(
        &app,
        &token,
        &format!("/v1/kyc/appeals/{appeal_id}/files/late.pdf"),
        pdf(),
    )
    .await
    .assert_problem(409, "appeal_not_editable");

    let alice = staff_token(&app, "alice@bank.example", Role::Reviewer).await;
    let bob = staff_token(&app, "bob@bank.example", Role::Reviewer).await;
    let case = case_of(&app, &alice, &id).await;
    assert_eq!(case["kind"], "appeal");
    assert_eq!(case["status"], "open");
    assert_eq!(case["sla_breached"], false);
    let case_id = case["id"].as_str().unwrap().to_owned();
    let base = format!("/v1/review/cases/{case_id}");

    // Deciding needs a claim; a claimed case is not anybody else's.
    post(
        &app,
        &format!("{base}/decision"),
        &alice,
        json!({"action": "approve"}),
    )
    .await
    .assert_problem(409, "case_conflict");
    let claimed = post(&app, &format!("{base}/claim"), &alice, json!({})).await;
    assert_eq!(claimed.status, 200, "{}", claimed.body);
    assert_eq!(claimed.body["status"], "in_review");
    post(&app, &format!("{base}/claim"), &bob, json!({}))
        .await
        .assert_problem(409, "case_conflict");
    let mine = app.get("/v1/review/cases?assignee=me", Some(&alice)).await;
    assert_eq!(mine.body["cases"].as_array().unwrap().len(), 1);
    let none = app.get("/v1/review/cases?assignee=me", Some(&bob)).await;
    assert!(none.body["cases"].as_array().unwrap().is_empty());

    // The case page's data: the appeal with its file, the attempt, the findings.
    let detail = app.get(&base, Some(&alice)).await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    assert_eq!(detail.body["appeals"][0]["id"], appeal_id);
    let file_url = detail.body["appeals"][0]["files"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(detail.body["attempts"].as_array().unwrap().len(), 1);
    // Reviewers see what was read from the passport photo.
    let read = &detail.body["attempts"][0]["readings"][0];
    assert_eq!(
        (read["kind"].as_str(), read["status"].as_str()),
        (Some("mrz"), Some("read")),
        "{read}"
    );
    assert_eq!(
        detail.body["application"]["findings"][0]["code"],
        "DOCUMENT_EXPIRED"
    );
    let selfie = detail.body["application"]["files"]["selfie"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let viewed = app.get(&file_url, Some(&alice)).await;
    assert_eq!(viewed.status, 200);
    assert_eq!(viewed.bytes, pdf());
    assert_eq!(viewed.header("cache-control"), "private, no-store");
    let img = app.get(&selfie, Some(&alice)).await;
    assert_eq!(img.bytes, app.uploaded(&id, "selfie"));

    // Reasons come from the catalogue; request_info needs to say why.
    post(
        &app,
        &format!("{base}/decision"),
        &alice,
        json!({"action": "reject_retry", "reasons": ["NOT_A_CODE"]}),
    )
    .await
    .assert_problem(422, "validation_failed");
    post(
        &app,
        &format!("{base}/decision"),
        &alice,
        json!({"action": "reject_final"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    post(
        &app,
        &format!("{base}/decision"),
        &alice,
        json!({"action": "request_info", "documents": ["utility_bill"]}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let asked = post(
        &app,
        &format!("{base}/decision"),
        &alice,
        json!({"action": "request_info", "documents": ["utility_bill"],
               "note_to_applicant": "Please send a utility bill from the last three months.",
               "internal_note": "INTERNAL-ONLY: photo looks fine, check address"}),
    )
    .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(asked.body["case"]["status"], "info_requested");

    // The applicant sees what is wanted, never the internal note.
    let view = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(view.body["status"], "info_requested", "{}", view.body);
    assert_eq!(
        view.body["review"]["info_request"]["documents"][0],
        "utility_bill"
    );
    assert!(view.body["review"]["note_to_applicant"]
        .as_str()
        .unwrap()
        .contains("utility bill"));
    assert!(!String::from_utf8_lossy(&view.bytes).contains("INTERNAL-ONLY"));
    let answer_file = put(
        &app,
        &token,
        &format!("/v1/kyc/applications/{id}/info-files/bill.png?kind=utility_bill"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
    )
    .await;
    assert_eq!(answer_file.status, 201, "{}", answer_file.body);
    put(
        &app,
        &token,
        &format!("/v1/kyc/applications/{id}/info-files/x.gif?kind=utility_bill"),
        b"GIF89a".to_vec(),
    )
    .await
    .assert_problem(415, "unsupported_file_type");
    post(
        &app,
        &format!("{base}/messages"),
        &alice,
        json!({"body": "Thanks, we will look at it."}),
    )
    .await;
    let answered = post(
        &app,
        &format!("/v1/kyc/applications/{id}/messages"),
        &token,
        json!({"body": "Here is my electricity bill."}),
    )
    .await;
    assert_eq!(answered.status, 201, "{}", answered.body);
    let thread = app
        .get(&format!("/v1/kyc/applications/{id}/messages"), Some(&token))
        .await;
    let msgs = thread.body["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["author"], "reviewer");
    assert!(
        !String::from_utf8_lossy(&thread.bytes).contains("alice@"),
        "reviewers are not named"
    );
    let view = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(view.body["status"], "manual_review");

    // Back in the queue; a second reviewer approves.
    let case = case_of(&app, &bob, &id).await;
    assert_eq!(case["status"], "open");
    assert!(case["assignee"].is_null());
    let detail = app.get(&base, Some(&bob)).await;
    assert_eq!(detail.body["info_files"][0]["kind"], "utility_bill");
    assert!(String::from_utf8_lossy(&detail.bytes).contains("INTERNAL-ONLY"));
    assert_eq!(
        post(&app, &format!("{base}/claim"), &bob, json!({}))
            .await
            .status,
        200
    );
    let approved = post(
        &app,
        &format!("{base}/decision"),
        &bob,
        json!({"action": "approve", "note_to_applicant": "Thank you, you are verified."}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["pending_confirmation"], false);
    assert_eq!(approved.body["case"]["status"], "closed");
    let view = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(view.body["status"], "approved");
    assert_eq!(view.body["decision"]["outcome"], "approved");
    let a = app
        .get(&format!("/v1/kyc/appeals/{appeal_id}"), Some(&token))
        .await;
    assert_eq!(a.body["status"], "closed");
    let closed = app.get("/v1/review/cases?status=closed", Some(&bob)).await;
    assert_eq!(closed.body["cases"].as_array().unwrap().len(), 1);

    // Everything above is in the audit log, and the chain holds.
    let n = audit::verify(&app.db.db).await.unwrap().unwrap();
    assert!(n >= 15, "{n}");
    let admin = staff_token(&app, "audit@bank.example", Role::Admin).await;
    let export = app.get("/v1/review/audit?limit=1000", Some(&admin)).await;
    assert_eq!(export.status, 200, "{}", export.body);
    let actions: Vec<&str> = export.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "appeal.created",
        "appeal.submitted",
        "case.opened",
        "case.claimed",
        "file.viewed",
        "case.decided",
        "application.status_changed",
        "case.returned",
        "appeal.closed",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}
both_backends!(appeal_request_info_answer_and_approve);

async fn four_eyes_for_overturning_a_final_rejection(backend: Backend) {
    let app = app(backend).await;
    let mut underage = passport("2030-01-01");
    underage["person"]["date_of_birth"] = json!("2015-01-01");
    let (token, id) = rejected(&app, "young@example.com", underage).await;
    let view = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(view.body["status"], "rejected_final");
    appeal(&app, &token, &id).await;

    let reviewer = staff_token(&app, "r@bank.example", Role::Reviewer).await;
    let s1 = staff_token(&app, "s1@bank.example", Role::SeniorReviewer).await;
    let s2 = staff_token(&app, "s2@bank.example", Role::SeniorReviewer).await;
    let case_id = case_of(&app, &s1, &id).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let base = format!("/v1/review/cases/{case_id}");
    assert_eq!(
        post(&app, &format!("{base}/claim"), &s1, json!({}))
            .await
            .status,
        200
    );
    let proposed = post(
        &app,
        &format!("{base}/decision"),
        &s1,
        json!({"action": "approve"}),
    )
    .await;
    assert_eq!(proposed.status, 200, "{}", proposed.body);
    assert_eq!(proposed.body["pending_confirmation"], true);
    assert_eq!(proposed.body["case"]["status"], "pending_confirmation");
    let view = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(
        view.body["status"], "rejected_final",
        "nothing changes before confirmation"
    );

    post(&app, &format!("{base}/confirm"), &reviewer, json!({}))
        .await
        .assert_problem(403, "forbidden");
    post(&app, &format!("{base}/confirm"), &s1, json!({}))
        .await
        .assert_problem(403, "four_eyes_same_reviewer");
    // s2 first sends it back; s1 proposes again; s2 then confirms.
    let declined = post(
        &app,
        &format!("{base}/decline"),
        &s2,
        json!({"internal_note": "check the birth certificate first"}),
    )
    .await;
    assert_eq!(declined.status, 200, "{}", declined.body);
    assert_eq!(declined.body["status"], "in_review");
    let again = post(
        &app,
        &format!("{base}/decision"),
        &s1,
        json!({"action": "approve"}),
    )
    .await;
    assert_eq!(again.body["pending_confirmation"], true, "{}", again.body);
    let reasons = app.get("/v1/review/reasons", Some(&reviewer)).await;
    assert!(reasons.body["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["code"] == "UNDERAGE" && r["nature"] == "final"));
    let confirmed = post(&app, &format!("{base}/confirm"), &s2, json!({})).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.body["case"]["status"], "closed");
    let view = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(view.body["status"], "approved");
    let detail = app.get(&base, Some(&s2)).await;
    assert_eq!(detail.body["decisions"][0]["status"], "declined");
    assert_eq!(detail.body["decisions"][1]["status"], "confirmed");
    assert_eq!(detail.body["decisions"][1]["decided_by"], "s1@bank.example");
    assert_eq!(
        detail.body["decisions"][1]["confirmed_by"],
        "s2@bank.example"
    );
}
both_backends!(four_eyes_for_overturning_a_final_rejection);

async fn linked_to_a_banned_account_opens_a_case_that_needs_four_eyes(backend: Backend) {
    let app = app(backend).await;
    let (_, key) = operators::create_key(&app.db.db, "ops", KeyScope::Admin, now())
        .await
        .unwrap();
    let register = |email: &'static str| {
        let app = &app;
        async move {
            let body = serde_json::to_vec(
                &json!({"email": email, "password": PASSWORD, "terms_version": "v1"}),
            )
            .unwrap();
            let r = app
                .request(
                    Method::POST,
                    "/v1/accounts",
                    None,
                    &[("x-device-id", "device-7")],
                    Some(("application/json", body)),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
            r.body["id"].as_str().unwrap().to_owned()
        }
    };
    let old = register("old@example.com").await;
    let r = app
        .send_json(
            Method::POST,
            &format!("/v1/admin/accounts/{old}/status"),
            Some(&key),
            json!({"status": "banned", "reason": "fraud"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    register("new@example.com").await;
    let token = app.login("new@example.com").await;
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    let d = app.submit(&token, &id, &[]).await;
    assert_eq!(d.body["status"], "manual_review", "{}", d.body);

    let r1 = staff_token(&app, "r1@bank.example", Role::Reviewer).await;
    let s1 = staff_token(&app, "s1@bank.example", Role::SeniorReviewer).await;
    let case = case_of(&app, &r1, &id).await;
    assert_eq!(case["kind"], "linked_account");
    let by_kind = app
        .get("/v1/review/cases?kind=linked_account&country=CN", Some(&r1))
        .await;
    assert_eq!(
        by_kind.body["cases"].as_array().unwrap().len(),
        1,
        "{}",
        by_kind.body
    );
    let other = app.get("/v1/review/cases?kind=appeal", Some(&r1)).await;
    assert!(other.body["cases"].as_array().unwrap().is_empty());
    let base = format!("/v1/review/cases/{}", case["id"].as_str().unwrap());
    let detail = app.get(&base, Some(&r1)).await;
    assert_eq!(
        detail.body["linked_accounts"][0]["status"], "banned",
        "{}",
        detail.body
    );

    // Escalate: only senior reviewers may claim it then.
    assert_eq!(
        post(&app, &format!("{base}/claim"), &r1, json!({}))
            .await
            .status,
        200
    );
    let esc = post(
        &app,
        &format!("{base}/decision"),
        &r1,
        json!({"action": "escalate", "internal_note": "banned twin"}),
    )
    .await;
    assert_eq!(esc.body["case"]["status"], "escalated", "{}", esc.body);
    post(&app, &format!("{base}/claim"), &r1, json!({}))
        .await
        .assert_problem(409, "case_conflict");
    assert_eq!(
        post(&app, &format!("{base}/claim"), &s1, json!({}))
            .await
            .status,
        200
    );
    let approve = post(
        &app,
        &format!("{base}/decision"),
        &s1,
        json!({"action": "approve"}),
    )
    .await;
    assert_eq!(
        approve.body["pending_confirmation"], true,
        "{}",
        approve.body
    );
    // A second, different senior reviewer confirms.
    let s2 = staff_token(&app, "s2@bank.example", Role::SeniorReviewer).await;
    let ok = post(&app, &format!("{base}/confirm"), &s2, json!({})).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let view = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(view.body["status"], "approved");
}
both_backends!(linked_to_a_banned_account_opens_a_case_that_needs_four_eyes);

async fn reject_with_reasons_in_the_applicants_language(backend: Backend) {
    let app = app(backend).await;
    let (token, id) = rejected(&app, "r@example.com", passport("2020-01-01")).await;
    appeal(&app, &token, &id).await;
    let r = staff_token(&app, "r@bank.example", Role::Reviewer).await;
    let base = format!(
        "/v1/review/cases/{}",
        case_of(&app, &r, &id).await["id"].as_str().unwrap()
    );
    post(&app, &format!("{base}/claim"), &r, json!({})).await;
    let d = post(
        &app,
        &format!("{base}/decision"),
        &r,
        json!({"action": "reject_final", "reasons": ["DOCUMENT_EXPIRED"], "note_to_applicant": "已过期"}),
    )
    .await;
    assert_eq!(d.status, 200, "{}", d.body);
    let view = app
        .request(
            Method::GET,
            &format!("/v1/kyc/applications/{id}"),
            Some(&token),
            &[("accept-language", "zh-CN")],
            None,
        )
        .await;
    assert_eq!(view.body["status"], "rejected_final");
    assert_eq!(
        view.body["decision"]["reasons"][0]["code"],
        "DOCUMENT_EXPIRED"
    );
    assert_eq!(view.body["decision"]["reasons"][0]["retry"], false);
    assert_eq!(view.body["review"]["note_to_applicant"], "已过期");
}
both_backends!(reject_with_reasons_in_the_applicants_language);

/// Decides the application's open appeal case as a fresh reviewer.
async fn decide_appeal(app: &TestApp, reviewer: &str, id: &str, decision: Value) {
    let r = staff_token(app, reviewer, Role::Reviewer).await;
    let base = format!(
        "/v1/review/cases/{}",
        case_of(app, &r, id).await["id"].as_str().unwrap()
    );
    assert_eq!(
        post(app, &format!("{base}/claim"), &r, json!({}))
            .await
            .status,
        200
    );
    let d = post(app, &format!("{base}/decision"), &r, decision).await;
    assert_eq!(d.status, 200, "{}", d.body);
}

async fn appeal_limit_and_cooldown(backend: Backend) {
    let limited = spawn_with(backend, |c| {
        c.review.max_appeals = 1;
        c.review.appeal_cooldown_seconds = 0;
    })
    .await;
    let (token, id) = rejected(&limited, "l@example.com", passport("2020-01-01")).await;
    appeal(&limited, &token, &id).await;
    decide_appeal(
        &limited,
        "a@bank.example",
        &id,
        json!({"action": "reject_retry", "reasons": ["DOCUMENT_EXPIRED"]}),
    )
    .await;
    post(
        &limited,
        &format!("/v1/kyc/applications/{id}/appeals"),
        &token,
        json!({"message": "again"}),
    )
    .await
    .assert_problem(409, "appeal_limit_reached");

    let cooling = spawn_with(backend, |_| {}).await;
    let (token, id) = rejected(&cooling, "c@example.com", passport("2020-01-01")).await;
    appeal(&cooling, &token, &id).await;
    decide_appeal(
        &cooling,
        "b@bank.example",
        &id,
        json!({"action": "reject_retry", "reasons": ["DOCUMENT_EXPIRED"]}),
    )
    .await;
    let r = post(
        &cooling,
        &format!("/v1/kyc/applications/{id}/appeals"),
        &token,
        json!({"message": "again"}),
    )
    .await;
    r.assert_problem(429, "appeal_cooldown");
    assert!(r.header("retry-after").parse::<u64>().unwrap() > 3600);
}
both_backends!(appeal_limit_and_cooldown);

async fn only_reviewers_reach_cases_and_files(backend: Backend) {
    let app = app(backend).await;
    let (token, id) = rejected(&app, "x@example.com", passport("2020-01-01")).await;
    appeal(&app, &token, &id).await;
    let reviewer = staff_token(&app, "rev@bank.example", Role::Reviewer).await;
    let admin = staff_token(&app, "adm@bank.example", Role::Admin).await;
    let case = case_of(&app, &reviewer, &id).await;
    let base = format!("/v1/review/cases/{}", case["id"].as_str().unwrap());
    let detail = app.get(&base, Some(&reviewer)).await;
    let file = detail.body["application"]["files"]["selfie"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    for path in ["/v1/review/cases", base.as_str(), file.as_str()] {
        app.get(path, None)
            .await
            .assert_problem(401, "unauthorized");
        app.get(path, Some(&token))
            .await
            .assert_problem(401, "unauthorized");
        app.get(path, Some(&admin))
            .await
            .assert_problem(403, "forbidden");
        assert_eq!(app.get(path, Some(&reviewer)).await.status, 200);
    }
    app.get("/v1/review/audit", Some(&reviewer))
        .await
        .assert_problem(403, "forbidden");
    app.post_json(
        "/v1/staff/sessions",
        None,
        json!({"email": "rev@bank.example", "password": "wrong password"}),
    )
    .await
    .assert_problem(401, "invalid_credentials");
    // Applicants cannot see another account's appeal.
    let other = app.signed_in("other@example.com").await;
    let appeal_id = detail.body["appeals"][0]["id"].as_str().unwrap();
    app.get(&format!("/v1/kyc/appeals/{appeal_id}"), Some(&other))
        .await
        .assert_problem(404, "not_found");
    // Appeals only of rejections.
    let fresh = app.signed_in("fresh@example.com").await;
    let draft = app
        .passport_application(&fresh, passport("2030-01-01"))
        .await;
    post(
        &app,
        &format!("/v1/kyc/applications/{draft}/appeals"),
        &fresh,
        json!({"message": "m"}),
    )
    .await
    .assert_problem(409, "appeal_not_allowed");
}
both_backends!(only_reviewers_reach_cases_and_files);

async fn banning_an_account_flags_approved_linked_accounts(backend: Backend) {
    let app = app(backend).await;
    let (_, key) = operators::create_key(&app.db.db, "ops", KeyScope::Admin, now())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for email in ["good@example.com", "bad@example.com"] {
        let body = serde_json::to_vec(
            &json!({"email": email, "password": PASSWORD, "terms_version": "v1"}),
        )
        .unwrap();
        let r = app
            .request(
                Method::POST,
                "/v1/accounts",
                None,
                &[("x-device-id", "shared-device")],
                Some(("application/json", body)),
            )
            .await;
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let token = app.login("good@example.com").await;
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    assert_eq!(
        app.submit(&token, &id, &[]).await.body["status"],
        "approved"
    );
    let r = app
        .send_json(
            Method::POST,
            &format!("/v1/admin/accounts/{}/status", ids[1]),
            Some(&key),
            json!({"status": "banned", "reason": "fraud"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let reviewer = staff_token(&app, "r@bank.example", Role::Reviewer).await;
    let case = case_of(&app, &reviewer, &id).await;
    assert_eq!(case["kind"], "linked_account");
    assert_eq!(case["source"]["linked_status"], "banned");
    // Exports by operators are audited too.
    app.get(&format!("/v1/admin/applications/{id}"), Some(&key))
        .await;
    let admin = staff_token(&app, "a@bank.example", Role::Admin).await;
    let export = app.get("/v1/review/audit", Some(&admin)).await;
    let actions: Vec<&str> = export.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"account.status_changed"), "{actions:?}");
    assert!(actions.contains(&"application.exported"), "{actions:?}");
}
both_backends!(banning_an_account_flags_approved_linked_accounts);
