//! Submission reads the document photo itself: a typo against the photo's MRZ is a mismatch
//! showing the document's value, a photo too poor to read asks for a retake, and operators
//! (only they) see what was read.

use gatehouse_server::service::{now, operators};
use gatehouse_store::models::KeyScope;
use gatehouse_store::Backend;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{selfie, spawn_app, TestApp};

/// The zone of the holder's passport (the holder of the TD3 fixture).
fn td3_zone() -> [String; 2] {
    gatehouse_checks::ocr::testing::td3_lines(
        "SWE",
        "Holmgren",
        "Sara Elin",
        "X0O4512Z0",
        "SWE",
        "850112",
        'F',
        "330910",
    )
}

/// A colour photo of that passport's data page.
fn td3_photo() -> Vec<u8> {
    gatehouse_checks::ocr::testing::passport_jpeg(11, &td3_zone())
}

/// The holder of the TD3 fixture (scripts/make-ocr-fixtures.py), with the number typed.
fn body(number: &str) -> Value {
    json!({
        "person": {"given_names": "Sara Elin", "surname": "Holmgren",
                   "date_of_birth": "1985-01-12", "nationality": "SE",
                   "residence_country": "SE", "sex": "F"},
        "document": {"type": "passport", "issuing_country": "SE", "number": number,
                     "expiry_date": "2033-09-10"}
    })
}

/// Creates the application with `photo` as the document front and submits it.
async fn submit(app: &TestApp, email: &str, number: &str, photo: &[u8]) -> (String, String, Value) {
    let token = app.signed_in(email).await;
    let r = app
        .post_json("/v1/kyc/applications", Some(&token), body(number))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let up = app
        .upload(&token, &id, "document_front", photo.to_vec())
        .await;
    assert_eq!(up.status, 201, "{}", up.body);
    let up = app.upload(&token, &id, "selfie", selfie(b"selfie")).await;
    assert_eq!(up.status, 201, "{}", up.body);
    let d = app.submit(&token, &id, &[]).await.body;
    (token, id, d)
}

async fn the_photo_is_read_and_compared(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = operators::create_key(&app.db.db, "ops", KeyScope::Admin, now())
        .await
        .unwrap();

    let (_, _, d) = submit(&app, "right@example.com", "X0O4512Z0", &td3_photo()).await;
    assert_eq!(d["status"], "approved", "{d}");

    // One character wrong in the typed number: the photo's number is shown.
    let (token, id, d) = submit(&app, "typo@example.com", "X0O4512Z8", &td3_photo()).await;
    assert_eq!(d["status"], "rejected_retry", "{d}");
    let r = &d["decision"]["reasons"][0];
    assert_eq!(r["code"], "DOCUMENT_NUMBER_MISMATCH", "{d}");
    assert_eq!(r["evidence"]["document_value"], "X0O4512Z0");
    assert_eq!(r["evidence"]["source"], "document_photo");

    // Operators see what was read; the applicant's attempt history does not carry it.
    let one = app
        .get(&format!("/v1/admin/applications/{id}"), Some(&admin))
        .await;
    assert_eq!(one.status, 200, "{}", one.body);
    let read = &one.body["attempts"][0]["readings"][0];
    assert_eq!(read["slot"], "document_front", "{}", one.body);
    assert_eq!(read["kind"], "mrz");
    assert_eq!(read["status"], "read");
    assert_eq!(read["format"], "TD3");
    assert_eq!(read["lines"][1], td3_zone()[1].as_str());
    assert_eq!(read["raw_lines"].as_array().unwrap().len(), 2);
    assert!(read["corrections"].is_array());
    assert!(read["confidence"].as_f64().unwrap() > 0.5);
    let mine = app
        .get(&format!("/v1/kyc/applications/{id}/attempts"), Some(&token))
        .await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert!(
        mine.body["attempts"][0].get("readings").is_none(),
        "{}",
        mine.body
    );
}
both_backends!(the_photo_is_read_and_compared);

async fn a_photo_too_poor_to_read_asks_for_a_retake(backend: Backend) {
    let app = spawn_app(backend).await;
    let blurred = image::imageops::blur(
        &image::load_from_memory(&td3_photo()).unwrap().to_rgb8(),
        3.0,
    );
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(blurred)
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .unwrap();
    let (_, _, d) = submit(&app, "blur@example.com", "X0O4512Z0", jpeg.get_ref()).await;
    assert_eq!(d["status"], "rejected_retry", "{d}");
    let reasons = d["decision"]["reasons"].as_array().unwrap();
    let r = reasons
        .iter()
        .find(|r| r["code"] == "MRZ_UNREADABLE")
        .expect("MRZ_UNREADABLE");
    // The photo checks say why: it is blurred.
    assert!(reasons.iter().any(|r| r["code"] == "IMAGE_BLURRY"), "{d}");
    assert_eq!(r["field"], "files.document_front");
    assert!(r["fix"].as_str().unwrap().contains("photo"), "{d}");
}
both_backends!(a_photo_too_poor_to_read_asks_for_a_retake);
