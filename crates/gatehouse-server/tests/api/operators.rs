use gatehouse_server::service::{now, operators};
use gatehouse_store::models::KeyScope;
use gatehouse_store::Backend;
use reqwest::Method;

use crate::both_backends;
use crate::helpers::{passport, spawn_app};

async fn operator_keys_and_scopes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = operators::create_key(&app.db.db, "ops", KeyScope::Admin, now())
        .await
        .unwrap();
    let (integration_key, integration) =
        operators::create_key(&app.db.db, "backend", KeyScope::Integration, now())
            .await
            .unwrap();
    let token = app.signed_in("op@example.com").await;
    let id = app
        .passport_application(&token, passport("2020-01-01"))
        .await;
    app.submit(&token, &id, &[]).await;

    let list = app
        .get(
            "/v1/admin/applications?status=rejected_retry",
            Some(&integration),
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body["applications"][0]["id"], id.as_str());
    let one = app
        .get(&format!("/v1/admin/applications/{id}"), Some(&integration))
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["findings"][0]["code"], "DOCUMENT_EXPIRED");
    assert_eq!(one.body["attempts"].as_array().unwrap().len(), 1);
    app.get("/v1/admin/applications?status=nonsense", Some(&integration))
        .await
        .assert_problem(422, "validation_failed");
    app.get("/v1/admin/applications?limit=abc", Some(&integration))
        .await
        .assert_problem(422, "validation_failed");

    // Applicants cannot use operator endpoints, nor operators applicant ones.
    app.get("/v1/admin/applications", Some(&token))
        .await
        .assert_problem(401, "unauthorized");
    app.get("/v1/me", Some(&admin))
        .await
        .assert_problem(401, "unauthorized");
    // Integration keys cannot manage keys.
    app.get("/v1/admin/keys", Some(&integration))
        .await
        .assert_problem(403, "forbidden");
    let keys = app.get("/v1/admin/keys", Some(&admin)).await;
    assert_eq!(keys.body["keys"].as_array().unwrap().len(), 2);
    assert!(
        !keys.bytes.windows(4).any(|w| w == b"ghk_"),
        "secrets never listed"
    );

    let revoke = app
        .request(
            Method::DELETE,
            &format!("/v1/admin/keys/{}", integration_key.id),
            Some(&admin),
            &[],
            None,
        )
        .await;
    assert_eq!(revoke.status, 204);
    app.get("/v1/admin/applications", Some(&integration))
        .await
        .assert_problem(401, "unauthorized");
}
both_backends!(operator_keys_and_scopes);
