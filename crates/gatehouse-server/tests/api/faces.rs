//! Face checks through the API: a selfie without a face, with two faces, or with a face in
//! shadow is sent back with the reason and its evidence; a good selfie passes.

use gatehouse_checks::faces::testing::{background, draw_face, FaceSpec};
use gatehouse_checks::imaging::testing::encode_jpeg;
use gatehouse_store::Backend;
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{passport, spawn_app, TestApp};

fn face(cx: f64, cy: f64, size: f64, light: f64) -> FaceSpec {
    FaceSpec {
        cx,
        cy,
        size,
        light,
    }
}

/// Submits a passport application (document number `number`, each account its own) whose
/// selfie is `selfie`; the decision body.
async fn submit_with_selfie(app: &TestApp, email: &str, number: &str, selfie: Vec<u8>) -> Value {
    let token = app.signed_in(email).await;
    let mut body = passport("2030-01-01");
    body["document"]["number"] = Value::from(number);
    let id = app.passport_application(&token, body).await;
    let up = app.upload(&token, &id, "selfie", selfie).await;
    assert_eq!(up.status, 201, "{}", up.body);
    app.submit(&token, &id, &[("accept-language", "zh-CN")])
        .await
        .body
}

fn reason<'a>(decision: &'a Value, code: &str) -> &'a Value {
    decision["decision"]["reasons"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["code"] == code))
        .unwrap_or_else(|| panic!("no {code} in {decision}"))
}

async fn selfies_without_one_lit_face_are_sent_back(backend: Backend) {
    let app = spawn_app(backend).await;
    if !app.faces_on() {
        return;
    }
    // A good selfie (the helper's) passes.
    let token = app.signed_in("good@example.com").await;
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    let d = app.submit(&token, &id, &[]).await.body;
    assert_eq!(d["status"], "approved", "{d}");

    let empty = encode_jpeg(&background(1, 480, 640, 1.0));
    let d = submit_with_selfie(&app, "noface@example.com", "E10000001", empty).await;
    assert_eq!(d["status"], "rejected_retry", "{d}");
    let r = reason(&d, "FACE_NOT_FOUND");
    assert_eq!(r["field"], "files.selfie");
    assert_eq!(r["retry"], true);
    assert!(r["fix"].as_str().unwrap().contains("正对镜头"), "{r}");

    let mut two = background(2, 800, 600, 1.0);
    for cx in [230.0, 570.0] {
        draw_face(&mut two, face(cx, 270.0, 200.0, 1.0), 2);
    }
    let d = submit_with_selfie(&app, "two@example.com", "E10000002", encode_jpeg(&two)).await;
    assert_eq!(d["status"], "rejected_retry", "{d}");
    let r = reason(&d, "MULTIPLE_FACES");
    assert_eq!(r["evidence"]["faces"], 2, "{r}");
    assert_eq!(r["evidence"]["regions"].as_array().unwrap().len(), 2);

    // Backlit: the wall is bright, the face is not.
    let mut dark = background(3, 600, 800, 1.2);
    draw_face(&mut dark, face(300.0, 360.0, 260.0, 0.3), 3);
    let d = submit_with_selfie(&app, "dark@example.com", "E10000003", encode_jpeg(&dark)).await;
    assert_eq!(d["status"], "rejected_retry", "{d}");
    let r = reason(&d, "SELFIE_TOO_DARK");
    let evidence = &r["evidence"];
    assert!(
        evidence["face_luminance"].as_f64().unwrap()
            < evidence["min_face_luminance"].as_f64().unwrap(),
        "{r}"
    );
    let region = &evidence["region"];
    assert!(region["width"].as_u64().unwrap() > 100, "{r}");
    assert!(r["message"].as_str().unwrap().contains("太暗"), "{r}");
}
both_backends!(selfies_without_one_lit_face_are_sent_back);
