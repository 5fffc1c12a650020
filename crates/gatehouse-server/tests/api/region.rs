use gatehouse_checks::geoip::testing::build;
use gatehouse_store::Backend;
use maxminddb_writer::metadata::IpVersion;
use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{passport, spawn_with, TestApp, PASSWORD};

const RU: &str = "203.0.113.9";
const DE: &str = "198.51.100.7";
const FR: &str = "192.0.2.44";

fn geo_file(dir: &std::path::Path) -> String {
    let bytes = build(
        IpVersion::V6,
        &[
            ("203.0.113.0/24", json!({"country": {"iso_code": "RU"}})),
            ("198.51.100.0/24", json!({"country": {"iso_code": "DE"}})),
            ("192.0.2.0/24", json!({"country": {"iso_code": "FR"}})),
        ],
    );
    let path = dir.join("geo.mmdb");
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

async fn register(app: &TestApp, email: &str, xff: &str) -> crate::helpers::Reply {
    let body =
        serde_json::to_vec(&json!({"email": email, "password": PASSWORD, "terms_version": "v1"}))
            .unwrap();
    app.request(
        Method::POST,
        "/v1/accounts",
        None,
        &[("x-forwarded-for", xff), ("accept-language", "zh-CN")],
        Some(("application/json", body)),
    )
    .await
}

async fn blocked_countries_behind_trusted_proxies(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = geo_file(dir.path());
    let app = spawn_with(backend, |c| {
        c.geoip_database = db;
        c.blocked_countries = vec!["RU".into()];
        c.trusted_proxies = vec!["127.0.0.1/32".into()];
    })
    .await;
    assert_eq!(register(&app, "de@example.com", DE).await.status, 201);
    let refused = register(&app, "ru@example.com", RU).await;
    refused.assert_problem(403, "region_restricted");
    let text = refused.body.to_string();
    assert!(
        text.contains("地区") && !text.to_lowercase().contains("vpn"),
        "{text}"
    );
    // A client cannot hide behind a spoofed left-most entry: the right-most untrusted hop counts.
    register(&app, "spoof@example.com", &format!("{DE}, {RU}"))
        .await
        .assert_problem(403, "region_restricted");
    assert_eq!(
        register(&app, "left@example.com", &format!("{RU}, {DE}"))
            .await
            .status,
        201
    );
    // Login from the blocked country is refused too.
    let login = app
        .request(
            Method::POST,
            "/v1/sessions",
            None,
            &[("x-forwarded-for", RU)],
            Some((
                "application/json",
                serde_json::to_vec(&json!({"login": "de@example.com", "password": PASSWORD}))
                    .unwrap(),
            )),
        )
        .await;
    login.assert_problem(403, "region_restricted");
    let ready = app.get("/readyz", None).await;
    assert!(
        ready.body["geoip"]["built_at"].is_string(),
        "{}",
        ready.body
    );
    let metrics = String::from_utf8(app.get("/metrics", None).await.bytes).unwrap();
    assert!(metrics.contains("gatehouse_geoip_build_timestamp_seconds"));
}
both_backends!(blocked_countries_behind_trusted_proxies);

async fn untrusted_peers_cannot_claim_an_address(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = geo_file(dir.path());
    // No trusted proxies: X-Forwarded-For is ignored and the peer (loopback, no country) counts.
    let app = spawn_with(backend, |c| {
        c.geoip_database = db;
        c.region.registration.allowed_countries =
            vec![gatehouse_core::country::CountryCode::parse("DE").unwrap()];
    })
    .await;
    assert_eq!(register(&app, "a@example.com", DE).await.status, 201);
    assert_eq!(register(&app, "b@example.com", RU).await.status, 201);
}
both_backends!(untrusted_peers_cannot_claim_an_address);

async fn verification_uses_residence_and_the_mismatch_action(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = geo_file(dir.path());
    let app = spawn_with(backend, |c| {
        c.geoip_database = db;
        c.trusted_proxies = vec!["127.0.0.1".into()];
        c.region.nationality.blocked =
            vec![gatehouse_core::country::CountryCode::parse("KP").unwrap()];
        c.region.ip_residence_mismatch = gatehouse_core::region::MismatchAction::Flag;
    })
    .await;
    let token = app.signed_in("travel@example.com").await;
    let mut body = passport("2030-01-01");
    body["person"]["residence_country"] = json!("DE");
    let id = app.passport_application(&token, body).await;
    let d = app.submit(&token, &id, &[("x-forwarded-for", FR)]).await;
    assert_eq!(d.body["status"], "manual_review", "{}", d.body);
    assert_eq!(
        d.body["decision"]["reasons"][0]["code"],
        "IP_RESIDENCE_MISMATCH"
    );

    let token = app.signed_in("kp@example.com").await;
    let mut body = passport("2030-01-01");
    body["person"]["nationality"] = json!("KP");
    let id = app.passport_application(&token, body).await;
    let d = app.submit(&token, &id, &[("x-forwarded-for", DE)]).await;
    assert_eq!(d.body["status"], "rejected_final", "{}", d.body);
    let codes: Vec<_> = d.body["decision"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(codes.contains(&"REGION_RESTRICTED".to_owned()), "{codes:?}");
}
both_backends!(verification_uses_residence_and_the_mismatch_action);
