use gatehouse_store::Backend;
use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{passport, spawn_app};

async fn probes_metrics_and_openapi(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(app.get("/healthz", None).await.body["status"], "ok");
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.body["database"], "ok");
    let metrics = app.get("/metrics", None).await;
    let text = String::from_utf8(metrics.bytes).unwrap();
    assert!(
        text.contains(
            "gatehouse_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1"
        ),
        "{text}"
    );
    let doc = app.get("/openapi.json", None).await;
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/v1/accounts", "post"),
        ("/v1/sessions", "post"),
        ("/v1/sessions/current", "delete"),
        ("/v1/me", "get"),
        ("/v1/kyc/applications", "post"),
        ("/v1/kyc/applications/{id}", "get"),
        ("/v1/kyc/applications/{id}", "patch"),
        ("/v1/kyc/applications/{id}/files/{slot}", "put"),
        ("/v1/kyc/applications/{id}/submit", "post"),
        ("/v1/kyc/applications/{id}/attempts", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
        ("/openapi.json", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path}"
        );
    }
    assert!(doc.body["components"]["schemas"]["Problem"].is_object());
}
both_backends!(probes_metrics_and_openapi);

async fn readyz_is_503_without_the_database(backend: Backend) {
    let app = spawn_app(backend).await;
    app.db.db.close().await;
    let r = app.get("/readyz", None).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.body["database"], "unavailable");
}
both_backends!(readyz_is_503_without_the_database);

/// Hostile and malformed requests get 4xx problem+json, never 5xx, and change nothing.
async fn bad_input_never_breaks_the_server(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.signed_in("bad@example.com").await;
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    let path = format!("/v1/kyc/applications/{id}");
    let bodies: Vec<&[u8]> = vec![
        b"",
        b"{",
        b"null",
        b"[]",
        b"\"text\"",
        b"{\"person\": []}",
        b"{\"person\": {\"date_of_birth\": 19900101}}",
        b"{\"person\": {\"date_of_birth\": \"1990-02-30\"}}",
        b"{\"person\": {\"nationality\": \"XX\"}}",
        b"{\"document\": {\"type\": \"visa\"}}",
        b"{\"document\": {\"number\": \"<script>\"}}",
        b"{\"person\": {\"given_names\": \"\\u0000\"}}",
        b"\xff\xfe\xfd",
        b"{\"a\":1,\"a\":2}",
    ];
    for body in &bodies {
        for (method, target) in [
            (Method::POST, "/v1/accounts"),
            (Method::POST, "/v1/sessions"),
            (Method::PATCH, path.as_str()),
            (Method::POST, "/v1/kyc/applications"),
        ] {
            let r = app
                .request(
                    method.clone(),
                    target,
                    Some(&token),
                    &[],
                    Some(("application/json", body.to_vec())),
                )
                .await;
            assert!(
                r.status.is_client_error(),
                "{method} {target} {:?} -> {}",
                String::from_utf8_lossy(body),
                r.status
            );
            assert_eq!(r.header("content-type"), "application/problem+json");
        }
    }
    let huge = vec![b' '; 200 * 1024];
    app.request(
        Method::POST,
        "/v1/accounts",
        None,
        &[],
        Some(("application/json", huge)),
    )
    .await
    .assert_problem(413, "payload_too_large");
    app.request(
        Method::POST,
        "/v1/accounts",
        None,
        &[],
        Some(("text/plain", b"{}".to_vec())),
    )
    .await
    .assert_problem(415, "unsupported_media_type");
    app.request(Method::POST, "/v1/accounts", None, &[], None)
        .await
        .assert_problem(415, "unsupported_media_type");
    app.get("/v1/nothing-here", None)
        .await
        .assert_problem(404, "not_found");
    app.request(Method::DELETE, "/v1/accounts", None, &[], None)
        .await
        .assert_problem(405, "method_not_allowed");
    let after = app.get(&path, Some(&token)).await;
    assert_eq!(
        after.body["person"],
        passport("2030-01-01")["person"]
            .as_object()
            .map(|p| {
                let mut p = p.clone();
                p.insert("nationality".into(), Value::from("CN"));
                Value::Object(p)
            })
            .unwrap()
    );
    assert_eq!(after.body["document"]["issuing_country"], "CN");
    let _ = json!(null);
}
both_backends!(bad_input_never_breaks_the_server);
