//! Webhook deliveries against a local receiver, the dispatcher driven round by round.

use std::time::Duration;

use chrono::Utc;
use gatehouse_core::signature;
use gatehouse_server::service::{now, operators};
use gatehouse_server::webhooks::Dispatcher;
use gatehouse_store::models::KeyScope;
use gatehouse_store::{Backend, Db};
use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{passport, spawn_with, TestApp};
use crate::receiver::Receiver;

/// An app whose own dispatcher loop is off, so the test drives rounds itself.
pub async fn stepped_app(backend: Backend, max_attempts: u32) -> (TestApp, Dispatcher, String) {
    let app = spawn_with(backend, |c| {
        c.webhooks.dispatch = false;
        c.webhooks.backoff_base_seconds = 60;
        c.webhooks.max_attempts = max_attempts;
    })
    .await;
    let dispatcher = Dispatcher::new(&app.config.webhooks).unwrap();
    let (_, key) = operators::create_key(&app.db.db, "backend", KeyScope::Integration, now())
        .await
        .unwrap();
    (app, dispatcher, key)
}

pub async fn register(app: &TestApp, key: &str, url: &str, events: Value) -> (String, String) {
    let r = app
        .post_json(
            "/v1/admin/webhooks",
            Some(key),
            json!({"url": url, "events": events}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let secret = r.body["secret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("whsec_") && secret.len() == 70,
        "{secret}"
    );
    (r.body["id"].as_str().unwrap().to_owned(), secret)
}

/// Registers an applicant and submits a valid passport application; returns its id.
pub async fn submit_one(app: &TestApp, email: &str) -> String {
    let token = app.signed_in(email).await;
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    let d = app.submit(&token, &id, &[]).await;
    assert_eq!(d.status, 200, "{}", d.body);
    id
}

async fn deliveries_are_signed_retried_logged_and_replayed(backend: Backend) {
    let (app, dispatcher, key) = stepped_app(backend, 5).await;
    let (decided_url, decided) = Receiver::start(&[500]).await;
    let (appeals_url, appeals) = Receiver::start(&[]).await;
    let (hook, secret) = register(&app, &key, &decided_url, json!(["application.decided"])).await;
    let (other, _) = register(&app, &key, &appeals_url, json!(["appeal.opened"])).await;

    let listed = app.get("/v1/admin/webhooks", Some(&key)).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["webhooks"][0]["id"], hook.as_str());
    assert_eq!(
        listed.body["webhooks"][0]["events"],
        json!(["application.decided"])
    );
    assert_eq!(listed.body["webhooks"][0]["url"], decided_url.as_str());
    assert!(
        !listed.bytes.windows(6).any(|w| w == b"whsec_"),
        "secrets are shown once only"
    );

    let application = submit_one(&app, "hooked@example.com").await;
    let t0 = Utc::now();
    let first = dispatcher.step(&app.db.db, t0).await.unwrap();
    assert_eq!(
        (first.fanned_out, first.attempted, first.retrying),
        (2, 1, 1)
    );
    assert_eq!(decided.seen().len(), 1);
    // Not due again before its backoff has passed.
    assert_eq!(dispatcher.step(&app.db.db, t0).await.unwrap().attempted, 0);
    let later = t0 + chrono::Duration::seconds(61);
    let second = dispatcher.step(&app.db.db, later).await.unwrap();
    assert_eq!((second.attempted, second.delivered), (1, 1));

    let seen = decided.seen();
    assert_eq!(seen.len(), 2, "a 500 is retried, a 200 ends it");
    for r in &seen {
        assert_eq!(r.path, "/hooks/kyc");
        assert_eq!(r.header("content-type"), "application/json");
        let verified = signature::verify(
            secret.as_bytes(),
            Some(r.header("x-gatehouse-signature")),
            &r.body,
            Utc::now().timestamp(),
            signature::DEFAULT_TOLERANCE_SECS,
        );
        assert!(verified.is_ok(), "{verified:?}");
        assert!(signature::verify(
            b"whsec_wrong",
            Some(r.header("x-gatehouse-signature")),
            &r.body,
            Utc::now().timestamp(),
            300
        )
        .is_err());
        let body = r.json();
        assert_eq!(
            r.header("x-gatehouse-event-id"),
            body["id"].as_str().unwrap()
        );
        assert_eq!(r.header("x-gatehouse-event"), "application.decided");
        assert_eq!(body["type"], "application.decided");
        assert_eq!(body["data"]["application_id"], application.as_str());
        assert_eq!(body["data"]["status"], "approved");
        assert_eq!(body["data"]["reasons"], json!([]));
        let text = String::from_utf8(r.body.clone()).unwrap();
        for personal in ["Wei", "Li\"", "E12345678", "hooked@", "1990-01-02"] {
            assert!(!text.contains(personal), "{personal} in {text}");
        }
    }
    assert_eq!(
        seen[0].header("x-gatehouse-event-id"),
        seen[1].header("x-gatehouse-event-id"),
        "a retry carries the same event id"
    );
    assert!(appeals.seen().is_empty(), "not subscribed, not delivered");

    let log = app
        .get(&format!("/v1/admin/webhooks/{hook}/deliveries"), Some(&key))
        .await;
    assert_eq!(log.status, 200, "{}", log.body);
    let delivery = &log.body["deliveries"][0];
    assert_eq!(log.body["deliveries"].as_array().unwrap().len(), 1);
    assert_eq!(delivery["status"], "delivered");
    assert_eq!(delivery["event"], "application.decided");
    assert_eq!(delivery["attempt_count"], 2);
    assert_eq!(delivery["event_id"], seen[0].header("x-gatehouse-event-id"));
    let attempts = delivery["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["status_code"], 500);
    assert_eq!(attempts[0]["error"], "status");
    assert_eq!(attempts[1]["status_code"], 200);
    assert!(attempts[1]["error"].is_null());
    assert!(attempts[1]["duration_ms"].is_u64() && attempts[1]["at"].is_string());
    let none = app
        .get(
            &format!("/v1/admin/webhooks/{other}/deliveries"),
            Some(&key),
        )
        .await;
    assert_eq!(none.body["deliveries"], json!([]));

    let replay = app
        .request(
            Method::POST,
            &format!(
                "/v1/admin/webhooks/deliveries/{}/replay",
                delivery["id"].as_str().unwrap()
            ),
            Some(&key),
            &[],
            None,
        )
        .await;
    assert_eq!(replay.status, 202, "{}", replay.body);
    assert_eq!(replay.body["status"], "pending");
    assert_eq!(replay.body["attempt_count"], 0);
    let third = dispatcher
        .step(&app.db.db, Utc::now() + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(third.delivered, 1);
    let seen = decided.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(
        seen[2].header("x-gatehouse-event-id"),
        seen[0].header("x-gatehouse-event-id")
    );
    let log = app
        .get(&format!("/v1/admin/webhooks/{hook}/deliveries"), Some(&key))
        .await;
    assert_eq!(
        log.body["deliveries"][0]["attempts"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(log.body["deliveries"][0]["status"], "delivered");
}
both_backends!(deliveries_are_signed_retried_logged_and_replayed);

async fn redirects_are_not_followed_and_attempts_run_out(backend: Backend) {
    let (app, dispatcher, key) = stepped_app(backend, 2).await;
    let (url, receiver) = Receiver::start(&[302, 307, 308]).await;
    let (hook, _) = register(&app, &key, &url, json!(["*"])).await;
    // Nothing listens on a port just released.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", l.local_addr().unwrap())
    };
    let (dead, _) = register(&app, &key, &closed, json!(["application.submitted"])).await;
    submit_one(&app, "redirect@example.com").await;

    let t0 = Utc::now();
    let first = dispatcher.step(&app.db.db, t0).await.unwrap();
    assert_eq!((first.attempted, first.retrying), (3, 3));
    let t1 = t0 + chrono::Duration::seconds(61);
    let second = dispatcher.step(&app.db.db, t1).await.unwrap();
    // Both events to the redirecting receiver were redirected; now one is redirected again
    // (its last attempt), the other answered 200.
    assert_eq!(
        (second.attempted, second.failed, second.delivered),
        (3, 2, 1)
    );
    let seen = receiver.seen();
    assert_eq!(seen.len(), 4);
    assert!(
        seen.iter().all(|r| r.path == "/hooks/kyc"),
        "never followed"
    );
    let t2 = t1 + chrono::Duration::days(1);
    assert_eq!(dispatcher.step(&app.db.db, t2).await.unwrap().attempted, 0);

    let log = app
        .get(&format!("/v1/admin/webhooks/{hook}/deliveries"), Some(&key))
        .await;
    let statuses: Vec<&str> = log.body["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"failed") && statuses.contains(&"delivered"),
        "{statuses:?}"
    );
    let failed = log.body["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["status"] == "failed")
        .unwrap();
    assert!(failed["next_attempt_at"].is_null());
    assert_eq!(failed["attempts"][0]["error"], "redirect");
    assert!(failed["attempts"][0]["status_code"].as_u64().unwrap() / 100 == 3);
    let log = app
        .get(&format!("/v1/admin/webhooks/{dead}/deliveries"), Some(&key))
        .await;
    let d = &log.body["deliveries"][0];
    assert_eq!(d["status"], "failed");
    assert_eq!(d["event"], "application.submitted");
    assert_eq!(d["attempts"][0]["error"], "connect");
    assert!(d["attempts"][0]["status_code"].is_null());
}
both_backends!(redirects_are_not_followed_and_attempts_run_out);

async fn two_dispatchers_never_send_one_attempt_twice(backend: Backend) {
    let (app, one, key) = stepped_app(backend, 5).await;
    let (url, receiver) = Receiver::start(&[]).await;
    register(&app, &key, &url, json!(["*"])).await;
    for i in 0..3 {
        submit_one(&app, &format!("pair{i}@example.com")).await;
    }
    // A second process: its own dispatcher and its own connections.
    let other_db = Db::connect(&app.db.url, 2).await.unwrap();
    let two = Dispatcher::new(&app.config.webhooks).unwrap();
    let t = Utc::now();
    let (a, b) = tokio::join!(one.step(&app.db.db, t), two.step(&other_db, t));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.fanned_out + b.fanned_out, 6);
    let mut total = a.attempted + b.attempted;
    // Whatever one fanned out after the other claimed is sent by the next round.
    total += one.step(&app.db.db, t).await.unwrap().attempted;
    assert_eq!(total, 6);
    let mut ids: Vec<String> = receiver
        .seen()
        .iter()
        .map(|r| r.header("x-gatehouse-event-id").to_owned())
        .collect();
    assert_eq!(ids.len(), 6);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "each event delivered exactly once");
}
both_backends!(two_dispatchers_never_send_one_attempt_twice);

async fn the_server_dispatches_by_itself(backend: Backend) {
    let app = spawn_with(backend, |c| c.webhooks.poll_interval_ms = 60_000).await;
    let (_, key) = operators::create_key(&app.db.db, "ops", KeyScope::Admin, now())
        .await
        .unwrap();
    let (url, receiver) = Receiver::start(&[]).await;
    register(
        &app,
        &key,
        &url,
        json!(["application.submitted", "application.decided"]),
    )
    .await;
    submit_one(&app, "loop@example.com").await;
    // The submission wakes the loop: no need to wait for the poll interval.
    for _ in 0..100 {
        if receiver.seen().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut kinds: Vec<String> = receiver
        .seen()
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["application.decided", "application.submitted"]);
    // Counted once recorded, which may be a moment after the receiver answered.
    let delivered = "gatehouse_webhook_attempts_total{result=\"delivered\"} 2\n";
    let mut text = String::new();
    for _ in 0..100 {
        text = String::from_utf8(app.get("/metrics", None).await.bytes).unwrap();
        if text.contains(delivered) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(text.contains(delivered), "{text}");
}
both_backends!(the_server_dispatches_by_itself);

async fn slow_receivers_time_out(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.webhooks.dispatch = false;
        c.webhooks.request_timeout_seconds = 1;
    })
    .await;
    let dispatcher = Dispatcher::new(&app.config.webhooks).unwrap();
    let (_, key) = operators::create_key(&app.db.db, "ops", KeyScope::Admin, now())
        .await
        .unwrap();
    let (url, receiver) = Receiver::start(&[0]).await;
    let (hook, _) = register(&app, &key, &url, json!(["application.decided"])).await;
    submit_one(&app, "slow@example.com").await;
    let started = std::time::Instant::now();
    let db = app.db.db.clone();
    let round = tokio::spawn(async move { dispatcher.step(&db, Utc::now()).await });
    while receiver.seen().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // While the request is out, the delivery is claimed and cannot be replayed.
    let log = app
        .get(&format!("/v1/admin/webhooks/{hook}/deliveries"), Some(&key))
        .await;
    let sending = &log.body["deliveries"][0];
    assert_eq!(sending["status"], "sending", "{}", log.body);
    let replay = format!(
        "/v1/admin/webhooks/deliveries/{}/replay",
        sending["id"].as_str().unwrap()
    );
    app.request(Method::POST, &replay, Some(&key), &[], None)
        .await
        .assert_problem(409, "delivery_in_progress");
    let round = round.await.unwrap().unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(2900),
        "cut off by the timeout"
    );
    assert_eq!(round.retrying, 1);
    let log = app
        .get(&format!("/v1/admin/webhooks/{hook}/deliveries"), Some(&key))
        .await;
    let attempt = &log.body["deliveries"][0]["attempts"][0];
    assert_eq!(attempt["error"], "timeout");
    assert!(attempt["duration_ms"].as_u64().unwrap() >= 900, "{attempt}");
    assert_eq!(log.body["deliveries"][0]["status"], "pending");
    assert!(log.body["deliveries"][0]["next_attempt_at"].is_string());
}
both_backends!(slow_receivers_time_out);
