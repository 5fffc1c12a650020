//! Managing webhook endpoints: validation, authentication, deletion, the OpenAPI document.

use gatehouse_store::Backend;
use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::webhooks::{register, stepped_app};

async fn endpoints_are_validated_and_deleted(backend: Backend) {
    let (app, _, key) = stepped_app(backend, 5).await;
    let bad = |body: Value| {
        let app = &app;
        let key = key.clone();
        async move {
            let r = app.post_json("/v1/admin/webhooks", Some(&key), body).await;
            r.assert_problem(422, "validation_failed");
            let e = &r.body["errors"][0];
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        }
    };
    let events = json!(["application.decided"]);
    for (body, field, code) in [
        (
            json!({"url": "ftp://x.example/", "events": events}),
            "url",
            "unsupported_scheme",
        ),
        (
            json!({"url": "javascript:alert(1)", "events": events}),
            "url",
            "unsupported_scheme",
        ),
        (
            json!({"url": "not a url", "events": events}),
            "url",
            "invalid_url",
        ),
        (
            json!({"url": "https://u:p@x.example/", "events": events}),
            "url",
            "credentials_not_allowed",
        ),
        (
            json!({"url": "https://x.example/", "events": ["application.decided", "nope"]}),
            "events[1]",
            "unknown_event",
        ),
        (
            json!({"url": "https://x.example/", "events": []}),
            "events",
            "empty",
        ),
        (json!({"url": "https://x.example/"}), "events", "required"),
        (json!({"url": 5, "events": events}), "url", "invalid_type"),
        (
            json!({"url": "https://x.example/", "events": events, "secret": "mine"}),
            "secret",
            "unknown_field",
        ),
    ] {
        assert_eq!(
            bad(body.clone()).await,
            (field.to_owned(), code.to_owned()),
            "{body}"
        );
    }
    let both = app
        .post_json(
            "/v1/admin/webhooks",
            Some(&key),
            json!({"url": "gopher://x", "events": ["x"]}),
        )
        .await;
    assert_eq!(
        both.body["errors"].as_array().unwrap().len(),
        2,
        "{}",
        both.body
    );
    app.request(
        Method::POST,
        "/v1/admin/webhooks",
        Some(&key),
        &[],
        Some(("application/json", b"{".to_vec())),
    )
    .await
    .assert_problem(400, "malformed_json");

    // Operator keys only.
    app.post_json(
        "/v1/admin/webhooks",
        None,
        json!({"url": "https://x.example/", "events": ["*"]}),
    )
    .await
    .assert_problem(401, "unauthorized");
    let token = app.signed_in("not-an-operator@example.com").await;
    app.get("/v1/admin/webhooks", Some(&token))
        .await
        .assert_problem(401, "unauthorized");

    let (hook, _) = register(&app, &key, "https://x.example/hook", json!(["*"])).await;
    let listed = app.get("/v1/admin/webhooks", Some(&key)).await;
    assert_eq!(listed.body["webhooks"][0]["events"], json!(["*"]));
    assert!(listed.body["webhooks"][0].get("secret").is_none());
    let path = format!("/v1/admin/webhooks/{hook}");
    let deleted = app
        .request(Method::DELETE, &path, Some(&key), &[], None)
        .await;
    assert_eq!(deleted.status, 204);
    for path in [path.as_str(), "/v1/admin/webhooks/not-an-id"] {
        app.request(Method::DELETE, path, Some(&key), &[], None)
            .await
            .assert_problem(404, "not_found");
    }
    assert_eq!(
        app.get("/v1/admin/webhooks", Some(&key)).await.body["webhooks"],
        json!([])
    );
    app.get(&format!("/v1/admin/webhooks/{hook}/deliveries"), Some(&key))
        .await
        .assert_problem(404, "not_found");
    app.get(
        &format!("/v1/admin/webhooks/{hook}/deliveries?limit=0"),
        Some(&key),
    )
    .await
    .assert_problem(422, "validation_failed");
    let doc = app.get("/openapi.json", None).await.body;
    for (path, method) in [
        ("/v1/admin/webhooks", "post"),
        ("/v1/admin/webhooks", "get"),
        ("/v1/admin/webhooks/{id}", "delete"),
        ("/v1/admin/webhooks/{id}/deliveries", "get"),
        ("/v1/admin/webhooks/deliveries/{id}/replay", "post"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} undocumented"
        );
    }
    for id in ["nope", "0192f0c0-0000-7000-8000-000000000000"] {
        app.request(
            Method::POST,
            &format!("/v1/admin/webhooks/deliveries/{id}/replay"),
            Some(&key),
            &[],
            None,
        )
        .await
        .assert_problem(404, "not_found");
    }
}
both_backends!(endpoints_are_validated_and_deleted);
