//! Image checks through the API: pre-checks and the reasons a submission gets for its photos.

use gatehouse_checks::imaging::testing::{card_photo, encode_jpeg, smear_rows};
use gatehouse_store::Backend;
use reqwest::Method;
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{jpeg, passport, reason_codes, selfie, spawn_app, spawn_with, TestApp};

async fn precheck(app: &TestApp, token: &str, kind: &str, bytes: Vec<u8>) -> crate::helpers::Reply {
    app.request(
        Method::POST,
        &format!("/v1/kyc/precheck?kind={kind}"),
        Some(token),
        &[("accept-language", "zh-CN")],
        Some(("image/jpeg", bytes)),
    )
    .await
}

async fn precheck_names_what_to_fix_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.signed_in("pre@example.com").await;
    let good = precheck(&app, &token, "document", jpeg(b"good")).await;
    assert_eq!(good.status, 200, "{}", good.body);
    assert_eq!(good.body["ok"], true, "{}", good.body);
    assert_eq!(
        (good.body["width"].as_u64(), good.body["format"].as_str()),
        (Some(480), Some("jpeg"))
    );
    assert!(
        good.body["metrics"]["sharpness"]["edge_ratio"]
            .as_f64()
            .unwrap()
            > 0.4
    );

    let blurred = encode_jpeg(&image::imageops::blur(&card_photo(3, 640, 420), 4.0));
    let r = precheck(&app, &token, "document", blurred).await;
    assert_eq!(r.body["ok"], false);
    assert!(
        reason_codes(&r.body).contains(&"IMAGE_BLURRY".to_owned()),
        "{}",
        r.body
    );
    let reason = &r.body["reasons"][0];
    assert!(
        reason["message"].as_str().unwrap().contains("模糊"),
        "{reason}"
    );
    assert_eq!(reason["retry"], true);
    // A hand moving sideways: blurry along the rows only, and the evidence says which way.
    let smeared = encode_jpeg(&smear_rows(&card_photo(5, 640, 420), 6));
    let r = precheck(&app, &token, "document", smeared).await;
    let blur = r.body["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "IMAGE_BLURRY")
        .unwrap_or_else(|| panic!("IMAGE_BLURRY: {}", r.body));
    assert_eq!(
        blur["evidence"]["weakest_direction"], "horizontal",
        "{blur}"
    );
    assert!(
        blur["evidence"]["direction_edge_ratio"].as_f64().unwrap()
            < blur["evidence"]["min_direction_edge_ratio"]
                .as_f64()
                .unwrap(),
        "{blur}"
    );

    let mut dark = card_photo(4, 640, 420);
    dark.pixels_mut().for_each(|p| p.0 = p.0.map(|c| c / 6));
    let r = precheck(&app, &token, "selfie", encode_jpeg(&dark)).await;
    assert!(
        reason_codes(&r.body).contains(&"IMAGE_TOO_DARK".to_owned()),
        "{}",
        r.body
    );

    // Truncated: refused with the reason, not an error.
    let full = jpeg(b"cut");
    let r = precheck(&app, &token, "document", full[..full.len() / 2].to_vec()).await;
    assert_eq!(reason_codes(&r.body), ["IMAGE_UNREADABLE"], "{}", r.body);
    // Cut short and closed again with an end marker (which decoders would pad with grey).
    let mut closed = full[..full.len() * 2 / 3].to_vec();
    closed.extend_from_slice(&[0xFF, 0xD9]);
    let r = precheck(&app, &token, "document", closed).await;
    assert_eq!(reason_codes(&r.body), ["IMAGE_UNREADABLE"], "{}", r.body);

    // Nothing was stored: the account has no application.
    let apps = app.get("/v1/kyc/applications/current", Some(&token)).await;
    assert_ne!(apps.status, 200);
}
both_backends!(precheck_names_what_to_fix_and_stores_nothing);

async fn precheck_refuses_bad_requests(backend: Backend) {
    let app = spawn_with(backend, |c| c.precheck.per_account_per_minute = 3).await;
    let token = app.signed_in("bad@example.com").await;
    precheck(&app, &token, "passport", jpeg(b"x"))
        .await
        .assert_problem(400, "invalid_precheck_kind");
    precheck(&app, &token, "document", b"GIF89a...".to_vec())
        .await
        .assert_problem(415, "unsupported_file_type");
    precheck(&app, &token, "document", Vec::new())
        .await
        .assert_problem(422, "empty_file");
    let r = precheck(&app, &token, "document", jpeg(b"y")).await;
    assert_eq!(r.status, 200);
    precheck(&app, &token, "document", jpeg(b"z"))
        .await
        .assert_problem(429, "precheck_rate_limited");
    // Another account has its own allowance.
    let other = app.signed_in("other@example.com").await;
    assert_eq!(
        precheck(&app, &other, "document", jpeg(b"y")).await.status,
        200
    );
    // Without a session there is no pre-check.
    let anon = app
        .request(
            Method::POST,
            "/v1/kyc/precheck?kind=document",
            None,
            &[],
            Some(("image/jpeg", jpeg(b"a"))),
        )
        .await;
    assert_eq!(anon.status, 401);
}
both_backends!(precheck_refuses_bad_requests);

async fn a_huge_upload_is_cut_off(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.signed_in("huge@example.com").await;
    let mut huge = jpeg(b"huge");
    huge.resize(100 * 1024 * 1024, 0);
    precheck(&app, &token, "document", huge)
        .await
        .assert_problem(413, "file_too_large");
}
both_backends!(a_huge_upload_is_cut_off);

async fn submitted_photos_are_judged_and_reused_pictures_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.signed_in("photos@example.com").await;
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    let blurred = encode_jpeg(&image::imageops::blur(&card_photo(9, 640, 420), 4.0));
    app.upload(&token, &id, "document_front", blurred).await;
    let d = app.submit(&token, &id, &[]).await;
    assert_eq!(d.body["status"], "rejected_retry", "{}", d.body);
    let reasons = d.body["decision"]["reasons"].as_array().unwrap();
    let blur = reasons
        .iter()
        .find(|r| r["code"] == "IMAGE_BLURRY")
        .expect("IMAGE_BLURRY");
    assert_eq!(blur["field"], "files.document_front");
    assert!(blur["evidence"]["edge_ratio"].as_f64().unwrap() < 0.4);

    // The same picture for the document and the selfie.
    let same = selfie(b"same picture");
    app.upload(&token, &id, "document_front", same.clone())
        .await;
    app.upload(&token, &id, "selfie", same.clone()).await;
    let d = app.submit(&token, &id, &[]).await;
    let dup: Vec<_> = d.body["decision"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "DUPLICATE_IMAGE")
        .collect();
    assert_eq!(dup.len(), 2, "{}", d.body);

    // Another account submitting a picture already submitted goes to review.
    let other = app.signed_in("copier@example.com").await;
    let mut body = passport("2030-01-01");
    body["document"]["number"] = serde_json::json!("E99999999");
    let theirs = app.passport_application(&other, body).await;
    app.upload(&other, &theirs, "selfie", same).await;
    let d = app.submit(&other, &theirs, &[]).await;
    assert_eq!(d.body["status"], "manual_review", "{}", d.body);
    let codes: Vec<_> = d.body["decision"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].clone())
        .collect();
    assert!(
        codes.contains(&Value::from("DUPLICATE_IMAGE_OTHER_ACCOUNT")),
        "{codes:?}"
    );
}
both_backends!(submitted_photos_are_judged_and_reused_pictures_found);

async fn a_pdf_statement_is_read(backend: Backend) {
    use gatehouse_checks::pdf::testing;
    let app = spawn_app(backend).await;
    let token = app.signed_in("statement@example.com").await;
    let today = chrono::Utc::now().date_naive();
    let recent = (today - chrono::Days::new(10))
        .format("%d/%m/%Y")
        .to_string();
    let old = (today - chrono::Days::new(200))
        .format("%Y-%m-%d")
        .to_string();

    // Pre-check: read and judged by its date (no name is known yet).
    let fresh = testing::statement(
        &["ACME Power", "Mr Wei Li", &format!("Date {recent}")],
        true,
    );
    let r = precheck(&app, &token, "proof_of_address", fresh.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["ok"].as_bool(), r.body["format"].as_str()),
        (Some(true), Some("pdf"))
    );
    assert_eq!(r.body["metrics"]["pages"], 1);
    let stale = testing::statement(&["ACME Power", "Mr Wei Li", &format!("Date {old}")], false);
    let r = precheck(&app, &token, "proof_of_address", stale).await;
    assert_eq!(
        reason_codes(&r.body),
        ["PROOF_OF_ADDRESS_TOO_OLD"],
        "{}",
        r.body
    );
    // A bomb and an encrypted file: a clear reason, never a 500.
    let r = precheck(&app, &token, "proof_of_address", testing::bomb(64 << 20)).await;
    assert_eq!(
        reason_codes(&r.body),
        ["PROOF_OF_ADDRESS_UNREADABLE"],
        "{}",
        r.body
    );
    assert_eq!(r.body["reasons"][0]["retry"], true);
    let r = precheck(&app, &token, "proof_of_address", testing::encrypted()).await;
    assert_eq!(
        reason_codes(&r.body),
        ["PROOF_OF_ADDRESS_UNREADABLE"],
        "{}",
        r.body
    );
    let r = precheck(&app, &token, "proof_of_address", testing::blank()).await;
    assert_eq!(
        reason_codes(&r.body),
        ["PROOF_OF_ADDRESS_NO_TEXT"],
        "{}",
        r.body
    );
    // A blurred scan is sent back to be scanned again, before anyone reads it.
    let page = image::imageops::blur(&card_photo(5, 900, 1200), 5.0);
    let scan = testing::scanned_jpeg(&encode_jpeg(&page), 900, 1200);
    let r = precheck(&app, &token, "proof_of_address", scan).await;
    assert_eq!(reason_codes(&r.body), ["IMAGE_BLURRY"], "{}", r.body);
    assert_eq!(r.body["reasons"][0]["retry"], true);

    // Submitted: the statement must name the applicant (Wei Li).
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    let someone_else = testing::statement(
        &["ACME Power", "Ms Jane Doe", &format!("Date {recent}")],
        true,
    );
    app.upload(&token, &id, "proof_of_address", someone_else)
        .await;
    let d = app.submit(&token, &id, &[]).await;
    let reasons = d.body["decision"]["reasons"].as_array().unwrap();
    let mismatch = reasons
        .iter()
        .find(|r| r["code"] == "PROOF_OF_ADDRESS_NAME_MISMATCH")
        .unwrap_or_else(|| panic!("no name mismatch: {}", d.body));
    assert_eq!(mismatch["field"], "files.proof_of_address");
    app.upload(&token, &id, "proof_of_address", fresh).await;
    let d = app.submit(&token, &id, &[]).await;
    let codes: Vec<&str> = d.body["decision"]["reasons"]
        .as_array()
        .map(|rs| rs.iter().filter_map(|r| r["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        !codes.iter().any(|c| c.starts_with("PROOF_OF_ADDRESS")),
        "{}",
        d.body
    );
}
both_backends!(a_pdf_statement_is_read);
