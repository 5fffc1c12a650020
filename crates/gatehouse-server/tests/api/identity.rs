use gatehouse_store::Backend;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::spawn_app;

/// A valid TD3 MRZ: ZHANG SANFENG, CHN, E12345678, born 1990-01-02, M, expires 2035-01-01.
const MRZ: &str =
    "P<CHNZHANG<<SANFENG<<<<<<<<<<<<<<<<<<<<<<<<<\nE123456782CHN9001022M3501014<<<<<<<<<<<<<<<2";

fn body(given: &str, surname: &str, number: &str) -> Value {
    json!({
        "person": {"given_names": given, "surname": surname, "native_name": "张三丰",
                   "date_of_birth": "1990-01-02", "nationality": "CN",
                   "residence_country": "CN", "sex": "M"},
        "document": {"type": "passport", "issuing_country": "CN", "number": number,
                     "expiry_date": "2035-01-01", "mrz": MRZ}
    })
}

async fn decide(backend: Backend, body: Value, lang: &str) -> Value {
    let app = spawn_app(backend).await;
    let token = app.signed_in("id@example.com").await;
    let id = app.passport_application(&token, body).await;
    app.submit(&token, &id, &[("accept-language", lang)])
        .await
        .body
}

async fn chinese_name_against_passport_pinyin(backend: Backend) {
    let d = decide(backend, body("San Feng", "Zhang", "E12345678"), "en").await;
    assert_eq!(d["status"], "approved", "{d}");
    // Given names and surname typed into each other's fields.
    let d = decide(backend, body("Zhang", "Sanfeng", "E12345678"), "en").await;
    assert_eq!(d["status"], "approved", "{d}");
}
both_backends!(chinese_name_against_passport_pinyin);

async fn one_digit_error_in_the_number(backend: Backend) {
    let d = decide(backend, body("San Feng", "Zhang", "E12345687"), "zh-CN").await;
    assert_eq!(d["status"], "rejected_retry");
    let r = &d["decision"]["reasons"][0];
    assert_eq!(r["code"], "DOCUMENT_NUMBER_MISMATCH", "{d}");
    assert_eq!(r["field"], "document.number");
    assert_eq!(r["evidence"]["document_value"], "E12345678");
    let message = r["message"].as_str().unwrap();
    assert!(
        message.contains("E12345687") && message.contains("E12345678"),
        "{message}"
    );
    assert!(message.contains("不一致"), "{message}");
}
both_backends!(one_digit_error_in_the_number);

async fn a_different_name_is_a_mismatch(backend: Backend) {
    let mut b = body("Wei", "Wang", "E12345678");
    b["person"].as_object_mut().unwrap().remove("native_name");
    let d = decide(backend, b, "en").await;
    let r = &d["decision"]["reasons"][0];
    assert_eq!(r["code"], "NAME_MISMATCH", "{d}");
    assert_eq!(r["evidence"]["document_value"], "SANFENG ZHANG");
}
both_backends!(a_different_name_is_a_mismatch);
