use gatehouse_store::Backend;
use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{spawn_app, spawn_with, PASSWORD};

async fn register_login_me_logout(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .post_json(
            "/v1/accounts",
            None,
            json!({"email": "  Li.Wei@Example.COM ", "password": PASSWORD,
                   "terms_version": "2026-01", "referral_code": "FRIEND42",
                   "risk_disclosure_version": "rd-3"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["email"], "li.wei@example.com");
    assert_eq!(r.body["referral_code"], "FRIEND42");
    assert!(r.body.get("password").is_none() && r.body.get("password_hash").is_none());

    let token = app.login("LI.WEI@example.com").await;
    assert!(token.starts_with("ghs_") && token.len() == 36);
    let me = app.get("/v1/me", Some(&token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["id"], r.body["id"]);

    let out = app
        .request(
            Method::DELETE,
            "/v1/sessions/current",
            Some(&token),
            &[],
            None,
        )
        .await;
    assert_eq!(out.status, 204);
    app.get("/v1/me", Some(&token))
        .await
        .assert_problem(401, "unauthorized");
}
both_backends!(register_login_me_logout);

async fn phone_accounts_are_e164(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .post_json(
            "/v1/accounts",
            None,
            json!({"phone": "+86 138-0013-8000", "password": PASSWORD, "terms_version": "v1"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["phone"], "+8613800138000");
    app.login("+86 13800138000").await;
    let dup = app
        .post_json(
            "/v1/accounts",
            None,
            json!({"phone": "0086 13800138000", "password": PASSWORD, "terms_version": "v1"}),
        )
        .await;
    dup.assert_problem(409, "account_exists");
}
both_backends!(phone_accounts_are_e164);

async fn registration_errors_name_fields(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.accounts.terms_versions = vec!["2026-01".into()]
    })
    .await;
    let r = app
        .post_json(
            "/v1/accounts",
            Some("ignored"),
            json!({"email": "not-an-email", "password": "password1", "terms_version": "2025-01"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    let fields: Vec<(&str, &str)> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert!(fields.contains(&("email", "invalid_email")), "{fields:?}");
    assert!(
        fields.contains(&("password", "password_too_common")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("terms_version", "unknown_terms_version")),
        "{fields:?}"
    );

    let short = app
        .post_json(
            "/v1/accounts",
            None,
            json!({"email": "a@b.io", "password": "short", "terms_version": "2026-01"}),
        )
        .await;
    assert_eq!(short.body["errors"][0]["code"], "password_too_short");
    let none = app
        .post_json(
            "/v1/accounts",
            None,
            json!({"password": PASSWORD, "terms_version": "2026-01"}),
        )
        .await;
    assert_eq!(none.body["errors"][0]["field"], "email");
    let typo = app
        .post_json(
            "/v1/accounts",
            None,
            json!({"emial": "a@b.io", "password": PASSWORD, "terms_version": "2026-01"}),
        )
        .await;
    typo.assert_problem(422, "validation_failed");
    assert_eq!(typo.body["errors"][0]["code"], "unknown_field");
    let wrong_type = app
        .post_json(
            "/v1/accounts",
            None,
            json!({"email": "a@b.io", "password": 12345678, "terms_version": "2026-01"}),
        )
        .await;
    assert_eq!(wrong_type.body["errors"][0]["field"], "password");
    assert_eq!(wrong_type.body["errors"][0]["code"], "invalid_type");
}
both_backends!(registration_errors_name_fields);

async fn sign_in_failures_and_lockout(backend: Backend) {
    let app = spawn_with(backend, |c| c.accounts.login_max_failures = 3).await;
    app.signed_in("lock@example.com").await;
    let wrong = json!({"login": "lock@example.com", "password": "wrong password!"});
    let unknown = app
        .post_json(
            "/v1/sessions",
            None,
            json!({"login": "nobody@example.com", "password": PASSWORD}),
        )
        .await;
    unknown.assert_problem(401, "invalid_credentials");
    for _ in 0..3 {
        app.post_json("/v1/sessions", None, wrong.clone())
            .await
            .assert_problem(401, "invalid_credentials");
    }
    let locked = app
        .post_json(
            "/v1/sessions",
            None,
            json!({"login": "lock@example.com", "password": PASSWORD}),
        )
        .await;
    locked.assert_problem(429, "too_many_login_attempts");
    assert!(locked.header("retry-after").parse::<u64>().unwrap() > 0);
}
both_backends!(sign_in_failures_and_lockout);

async fn problem_titles_follow_accept_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let zh = app
        .request(
            Method::GET,
            "/v1/me",
            None,
            &[("accept-language", "zh-CN,zh;q=0.9")],
            None,
        )
        .await;
    zh.assert_problem(401, "unauthorized");
    assert_eq!(zh.header("content-language"), "zh-CN");
    assert!(zh.body["title"].as_str().unwrap().contains("登录"));
    let en = app
        .get("/v1/me", Some("ghs_00000000000000000000000000000000"))
        .await;
    en.assert_problem(401, "unauthorized");
    assert_eq!(en.header("www-authenticate"), "Bearer");
}
both_backends!(problem_titles_follow_accept_language);
