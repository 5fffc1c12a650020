use gatehouse_server::service::{now, operators};
use gatehouse_store::models::KeyScope;
use gatehouse_store::Backend;
use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{passport, spawn_app, TestApp, PASSWORD};

async fn register_on(app: &TestApp, email: &str, device: &str) -> String {
    let body =
        serde_json::to_vec(&json!({"email": email, "password": PASSWORD, "terms_version": "v1"}))
            .unwrap();
    let r = app
        .request(
            Method::POST,
            "/v1/accounts",
            None,
            &[("x-device-id", device)],
            Some(("application/json", body)),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn a_banned_account_and_a_new_one_sharing_a_device(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, key) = operators::create_key(&app.db.db, "ops", KeyScope::Integration, now())
        .await
        .unwrap();
    let old = register_on(&app, "old@example.com", "device-42").await;
    let old_token = app.login("old@example.com").await;
    let banned = app
        .send_json(
            Method::POST,
            &format!("/v1/admin/accounts/{old}/status"),
            Some(&key),
            json!({"status": "banned", "reason": "chargeback fraud"}),
        )
        .await;
    assert_eq!(banned.status, 200, "{}", banned.body);
    assert_eq!(banned.body["status"], "banned");
    assert_eq!(
        banned.body["status_history"][0]["reason"],
        "chargeback fraud"
    );
    assert!(banned.body["status_history"][0]["actor"]
        .as_str()
        .unwrap()
        .starts_with("key:"));
    // Banned: signed out, and cannot sign in again.
    app.get("/v1/me", Some(&old_token))
        .await
        .assert_problem(401, "unauthorized");
    app.post_json(
        "/v1/sessions",
        None,
        json!({"login": "old@example.com", "password": PASSWORD}),
    )
    .await
    .assert_problem(403, "account_disabled");

    let new = register_on(&app, "new@example.com", "device-42").await;
    let token = app.login("new@example.com").await;
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    let d = app.submit(&token, &id, &[("accept-language", "en")]).await;
    assert_eq!(d.body["status"], "manual_review", "{}", d.body);
    let reason = &d.body["decision"]["reasons"][0];
    assert_eq!(reason["code"], "LINKED_TO_RESTRICTED_ACCOUNT");
    assert!(
        reason.get("evidence").is_none(),
        "the applicant is not told what links: {reason}"
    );
    assert!(!d.bytes.windows(old.len()).any(|w| w == old.as_bytes()));

    let links = app
        .get(&format!("/v1/admin/accounts/{new}/links"), Some(&key))
        .await;
    assert_eq!(links.status, 200, "{}", links.body);
    let linked = &links.body["linked"][0];
    assert_eq!(linked["account_id"], old.as_str());
    assert_eq!(linked["status"], "banned");
    assert_eq!(linked["identifiers"][0]["kind"], "device");
    assert_eq!(linked["identifiers"][0]["masked"], "devi*****");
    let admin_view = app
        .get(&format!("/v1/admin/applications/{id}"), Some(&key))
        .await;
    assert_eq!(
        admin_view.body["findings"][0]["evidence"]["kinds"],
        json!(["device"])
    );

    app.send_json(
        Method::POST,
        &format!("/v1/admin/accounts/{new}/status"),
        Some(&key),
        json!({"status": "gone", "reason": "x"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.send_json(
        Method::POST,
        "/v1/admin/accounts/not-an-id/status",
        Some(&key),
        json!({"status": "banned", "reason": "x"}),
    )
    .await
    .assert_problem(404, "not_found");
}
both_backends!(a_banned_account_and_a_new_one_sharing_a_device);

async fn two_accounts_submitting_the_same_document(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.signed_in("first@example.com").await;
    let id = app
        .passport_application(&first, passport("2030-01-01"))
        .await;
    assert_eq!(
        app.submit(&first, &id, &[]).await.body["status"],
        "approved"
    );

    let second = app.signed_in("second@example.com").await;
    let mut body = passport("2030-01-01");
    // Same passport, the name typed differently: still the same document.
    body["person"]["given_names"] = json!("WEI");
    let id = app.passport_application(&second, body).await;
    let d = app
        .submit(&second, &id, &[("accept-language", "zh-CN")])
        .await;
    assert_eq!(d.body["status"], "rejected_final", "{}", d.body);
    let reason = &d.body["decision"]["reasons"][0];
    assert_eq!(reason["code"], "DUPLICATE_DOCUMENT");
    assert!(reason["message"].as_str().unwrap().contains("另一个账户"));
    // Resubmitting one's own document is no duplicate.
    let again = app.signed_in("third@example.com").await;
    let mut other = passport("2030-01-01");
    other["document"]["number"] = json!("E87654321");
    other["person"]["date_of_birth"] = json!("1985-05-05");
    let id = app.passport_application(&again, other).await;
    assert_eq!(
        app.submit(&again, &id, &[]).await.body["status"],
        "approved"
    );
}
both_backends!(two_accounts_submitting_the_same_document);
