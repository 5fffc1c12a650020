use gatehouse_store::Backend;
use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{document_photo, jpeg, passport, reason_codes, spawn_app, spawn_with};

/// The walk-through of the issue: expired document, Chinese message, fix, resubmit, history,
/// restart.
async fn expired_fix_resubmit_and_history(backend: Backend) {
    let mut app = spawn_app(backend).await;
    let token = app.signed_in("walk@example.com").await;
    let id = app
        .passport_application(&token, passport("2020-01-01"))
        .await;

    let first = app
        .submit(&token, &id, &[("accept-language", "zh-CN")])
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let d = &first.body["decision"];
    assert_eq!(first.body["status"], "rejected_retry");
    assert_eq!(d["outcome"], "rejected_retry");
    assert_eq!(reason_codes(d), ["DOCUMENT_EXPIRED"]);
    let reason = &d["reasons"][0];
    assert_eq!(reason["retry"], true);
    assert_eq!(reason["field"], "document.expiry_date");
    assert!(reason["message"].as_str().unwrap().contains("2020-01-01"));
    assert!(
        reason["message"].as_str().unwrap().contains("过期"),
        "{reason}"
    );
    assert!(!reason["fix"].as_str().unwrap().is_empty());
    assert_eq!(reason["evidence"]["expiry_date"], "2020-01-01");
    assert_eq!(d["attempt"], 1);
    assert_eq!(d["attempts_left"], 4);

    let patched = app
        .send_json(
            Method::PATCH,
            &format!("/v1/kyc/applications/{id}"),
            Some(&token),
            json!({"document": {"expiry_date": "2035-01-01"}}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["document"]["expiry_date"], "2035-01-01");
    assert_eq!(patched.body["document"]["number"], "E12345678");
    // The renewed passport's photo, since the photo is read and compared too.
    let renewed = document_photo(&passport("2035-01-01"), "renewed");
    app.upload(&token, &id, "document_front", renewed).await;

    let second = app.submit(&token, &id, &[]).await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert!(!reason_codes(&second.body["decision"]).contains(&"DOCUMENT_EXPIRED".to_owned()));
    assert_eq!(second.body["status"], "approved");

    app.restart().await;
    let history = app
        .get(&format!("/v1/kyc/applications/{id}/attempts"), Some(&token))
        .await;
    assert_eq!(history.status, 200);
    let attempts = history.body["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["number"], 1);
    assert_eq!(attempts[0]["document"]["expiry_date"], "2020-01-01");
    assert_eq!(attempts[0]["decision"]["outcome"], "rejected_retry");
    assert_eq!(attempts[1]["document"]["expiry_date"], "2035-01-01");
    assert_eq!(attempts[1]["decision"]["outcome"], "approved");
    assert!(attempts[0]["files"]["selfie"]["sha256"].is_string());

    // Approved: no more edits or submissions.
    app.send_json(
        Method::PATCH,
        &format!("/v1/kyc/applications/{id}"),
        Some(&token),
        json!({"person": {"surname": "Wang"}}),
    )
    .await
    .assert_problem(409, "application_not_editable");
    app.submit(&token, &id, &[])
        .await
        .assert_problem(409, "application_not_editable");
    app.upload(&token, &id, "selfie", jpeg(b"late"))
        .await
        .assert_problem(409, "application_not_editable");
}
both_backends!(expired_fix_resubmit_and_history);

async fn other_accounts_see_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in("owner@example.com").await;
    let other = app.signed_in("other@example.com").await;
    let id = app
        .passport_application(&owner, passport("2030-01-01"))
        .await;
    let base = format!("/v1/kyc/applications/{id}");
    app.get(&base, Some(&other))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("{base}/attempts"), Some(&other))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("{base}/files/selfie"), Some(&other))
        .await
        .assert_problem(404, "not_found");
    app.send_json(Method::PATCH, &base, Some(&other), json!({}))
        .await
        .assert_problem(404, "not_found");
    app.upload(&other, &id, "selfie", jpeg(b"x"))
        .await
        .assert_problem(404, "not_found");
    app.submit(&other, &id, &[])
        .await
        .assert_problem(404, "not_found");
    app.get(&base, None)
        .await
        .assert_problem(401, "unauthorized");
    app.get("/v1/kyc/applications/not-a-uuid", Some(&owner))
        .await
        .assert_problem(404, "not_found");
    // The owner still sees it, untouched.
    let mine = app.get(&base, Some(&owner)).await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.body["status"], "draft");
}
both_backends!(other_accounts_see_nothing);

async fn one_application_per_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.signed_in("one@example.com").await;
    let first = app
        .post_json("/v1/kyc/applications", Some(&token), json!({}))
        .await;
    assert_eq!(first.status, 201);
    assert_eq!(first.body["status"], "draft");
    let second = app
        .post_json("/v1/kyc/applications", Some(&token), passport("2030-01-01"))
        .await;
    second.assert_problem(409, "application_exists");
    assert_eq!(second.body["application_id"], first.body["id"]);
}
both_backends!(one_application_per_account);

async fn missing_data_and_files_are_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.signed_in("card@example.com").await;
    let r = app
        .post_json(
            "/v1/kyc/applications",
            Some(&token),
            json!({"document": {"type": "id_card", "expiry_date": null}}),
        )
        .await;
    assert_eq!(r.body["document"]["expiry_date"], Value::Null);
    let id = r.body["id"].as_str().unwrap().to_owned();
    app.upload(&token, &id, "document_front", jpeg(b"front"))
        .await;
    let d = app.submit(&token, &id, &[("accept-language", "en")]).await;
    let c = reason_codes(&d.body["decision"]);
    assert!(c.contains(&"DOCUMENT_BACK_MISSING".to_owned()), "{c:?}");
    assert!(c.contains(&"SELFIE_MISSING".to_owned()));
    assert!(c.contains(&"REQUIRED_FIELD_MISSING".to_owned()));
    assert!(
        !c.contains(&"DOCUMENT_EXPIRED".to_owned()),
        "null expiry means no expiry"
    );
    let back = d.body["decision"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "DOCUMENT_BACK_MISSING")
        .unwrap()
        .clone();
    assert!(
        back["message"].as_str().unwrap().contains("identity card"),
        "{back}"
    );
    assert_eq!(back["field"], "files.document_back");
}
both_backends!(missing_data_and_files_are_named);

async fn underage_is_final(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.signed_in("young@example.com").await;
    let mut body = passport("2030-01-01");
    body["person"]["date_of_birth"] = json!(chrono::Utc::now().date_naive().to_string());
    let id = app.passport_application(&token, body).await;
    let d = app
        .submit(&token, &id, &[("accept-language", "zh-CN")])
        .await;
    assert_eq!(d.body["status"], "rejected_final");
    assert_eq!(reason_codes(&d.body["decision"]), ["UNDERAGE"]);
    assert_eq!(d.body["decision"]["reasons"][0]["retry"], false);
    assert!(d.body["decision"]["reasons"][0]["message"]
        .as_str()
        .unwrap()
        .contains("18"));
    app.submit(&token, &id, &[])
        .await
        .assert_problem(409, "application_not_editable");
}
both_backends!(underage_is_final);

async fn attempt_limit_and_cooldown(backend: Backend) {
    let app = spawn_with(backend, |c| c.kyc.max_attempts = 2).await;
    let token = app.signed_in("limit@example.com").await;
    let id = app
        .passport_application(&token, passport("2020-01-01"))
        .await;
    let first = app.submit(&token, &id, &[]).await;
    assert_eq!(first.body["decision"]["attempts_left"], 1);
    let last = app.submit(&token, &id, &[]).await;
    assert_eq!(last.body["status"], "rejected_final");
    assert_eq!(
        reason_codes(&last.body["decision"]),
        ["TOO_MANY_ATTEMPTS", "DOCUMENT_EXPIRED"]
    );
    assert_eq!(last.body["decision"]["attempts_left"], 0);
    app.submit(&token, &id, &[])
        .await
        .assert_problem(409, "application_not_editable");

    let slow = spawn_with(backend, |c| c.kyc.cooldown_seconds = 3600).await;
    let token = slow.signed_in("cool@example.com").await;
    let id = slow
        .passport_application(&token, passport("2020-01-01"))
        .await;
    assert_eq!(slow.submit(&token, &id, &[]).await.status, 200);
    let early = slow.submit(&token, &id, &[]).await;
    early.assert_problem(429, "submission_cooldown");
    let wait: u64 = early.header("retry-after").parse().unwrap();
    assert!(wait > 3500 && wait <= 3600, "{wait}");
    let history = slow
        .get(&format!("/v1/kyc/applications/{id}/attempts"), Some(&token))
        .await;
    assert_eq!(history.body["attempts"].as_array().unwrap().len(), 1);
}
both_backends!(attempt_limit_and_cooldown);

async fn idempotent_submission(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.signed_in("idem@example.com").await;
    let id = app
        .passport_application(&token, passport("2020-01-01"))
        .await;
    let key = [("idempotency-key", "submit-7f3a")];
    let first = app.submit(&token, &id, &key).await;
    let again = app.submit(&token, &id, &key).await;
    assert_eq!(first.status, 200);
    assert_eq!(again.status, 200);
    assert_eq!(
        first.bytes, again.bytes,
        "a repeated key returns the first response"
    );
    let history = app
        .get(&format!("/v1/kyc/applications/{id}/attempts"), Some(&token))
        .await;
    assert_eq!(history.body["attempts"].as_array().unwrap().len(), 1);
    // A new key is a new attempt.
    let third = app
        .submit(&token, &id, &[("idempotency-key", "submit-2")])
        .await;
    assert_eq!(third.body["decision"]["attempt"], 2);
    app.submit(&token, &id, &[("idempotency-key", "")])
        .await
        .assert_problem(400, "idempotency_key_invalid");
}
both_backends!(idempotent_submission);

async fn files_are_judged_by_their_bytes(backend: Backend) {
    let app = spawn_with(backend, |c| c.limits.max_upload_bytes = 100_000).await;
    let token = app.signed_in("files@example.com").await;
    let id = app
        .passport_application(&token, passport("2030-01-01"))
        .await;
    // A PNG declared as JPEG is stored as PNG.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRrest".to_vec();
    let up = app.upload(&token, &id, "document_front", png.clone()).await;
    assert_eq!(up.status, 201, "{}", up.body);
    assert_eq!(up.body["content_type"], "image/png");
    let down = app
        .get(
            &format!("/v1/kyc/applications/{id}/files/document_front"),
            Some(&token),
        )
        .await;
    assert_eq!(down.bytes, png);
    assert_eq!(down.header("content-type"), "image/png");

    app.upload(&token, &id, "selfie", b"GIF89a....".to_vec())
        .await
        .assert_problem(415, "unsupported_file_type");
    app.upload(&token, &id, "selfie", b"%PDF-1.7".to_vec())
        .await
        .assert_problem(415, "unsupported_file_type");
    app.upload(&token, &id, "selfie", Vec::new())
        .await
        .assert_problem(422, "empty_file");
    let mut big = jpeg(b"big");
    big.resize(100_001, 0);
    app.upload(&token, &id, "selfie", big)
        .await
        .assert_problem(413, "file_too_large");
    app.upload(&token, &id, "passport_photo", jpeg(b"x"))
        .await
        .assert_problem(404, "not_found");
    let pdf = app
        .request(
            Method::PUT,
            &format!("/v1/kyc/applications/{id}/files/proof_of_address"),
            Some(&token),
            &[],
            Some(("application/pdf", b"%PDF-1.7\n%%EOF".to_vec())),
        )
        .await;
    assert_eq!(pdf.body["content_type"], "application/pdf");
    // The earlier selfie is still the current one after the refused uploads.
    let a = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(
        a.body["files"]["selfie"]["size"],
        app.uploaded(&id, "selfie").len()
    );
}
both_backends!(files_are_judged_by_their_bytes);

async fn attempts_keep_the_files_they_were_decided_on(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.signed_in("keep@example.com").await;
    let id = app
        .passport_application(&token, passport("2020-01-01"))
        .await;
    app.submit(&token, &id, &[]).await;
    let replaced = app.upload(&token, &id, "selfie", jpeg(b"new selfie")).await;
    assert_eq!(replaced.status, 201);
    let history = app
        .get(&format!("/v1/kyc/applications/{id}/attempts"), Some(&token))
        .await;
    let old = &history.body["attempts"][0]["files"]["selfie"];
    assert_ne!(old["id"], replaced.body["id"]);
    let current = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(current.body["files"]["selfie"]["id"], replaced.body["id"]);
    // Both objects are in the store.
    let count = walk(&app.files.path().join("files")).len();
    assert_eq!(count, 3, "front, first selfie, second selfie");
}
both_backends!(attempts_keep_the_files_they_were_decided_on);

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path
            .extension()
            .is_none_or(|e| e != "db" && e != "db-wal" && e != "db-shm")
        {
            out.push(path);
        }
    }
    out
}

async fn document_policy_names_the_accepted_types(backend: Backend) {
    use gatehouse_core::person::DocumentType;
    use gatehouse_core::policy::{DocumentPolicy, DocumentRule};
    let app = spawn_with(backend, |c| {
        c.documents.rules = DocumentPolicy(vec![
            DocumentRule {
                countries: vec!["CN".into()],
                levels: vec![2],
                types: vec![DocumentType::IdCard, DocumentType::Passport],
            },
            DocumentRule {
                countries: vec!["*".into()],
                levels: vec![],
                types: DocumentType::ALL.to_vec(),
            },
        ])
    })
    .await;
    let token = app.signed_in("policy@example.com").await;
    let mut body = passport("2030-01-01");
    body["level"] = json!(2);
    body["document"]["type"] = json!("driving_licence");
    let id = app.passport_application(&token, body).await;
    app.upload(&token, &id, "document_back", jpeg(b"back"))
        .await;
    let d = app
        .submit(&token, &id, &[("accept-language", "zh-CN")])
        .await;
    assert_eq!(d.body["status"], "rejected_retry");
    // The passport number is also no Chinese driving licence number (DOCUMENT_NUMBER_INVALID).
    assert_eq!(
        reason_codes(&d.body["decision"])[0],
        "DOCUMENT_TYPE_NOT_ACCEPTED"
    );
    let reason = &d.body["decision"]["reasons"][0];
    assert_eq!(reason["field"], "document.type");
    assert!(
        reason["fix"].as_str().unwrap().contains("身份证、护照"),
        "{reason}"
    );
    assert_eq!(d.body["level"], 2);
    // Switching to a passport fixes it.
    app.send_json(
        Method::PATCH,
        &format!("/v1/kyc/applications/{id}"),
        Some(&token),
        json!({"document": {"type": "passport"}}),
    )
    .await;
    let photo = document_photo(&passport("2030-01-01"), "passport photo");
    app.upload(&token, &id, "document_front", photo).await;
    assert_eq!(
        app.submit(&token, &id, &[]).await.body["status"],
        "approved"
    );
}
both_backends!(document_policy_names_the_accepted_types);
