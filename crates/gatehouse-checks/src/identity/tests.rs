use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use gatehouse_core::application::ApplicationData;
use serde_json::{json, Value};

use super::*;
use crate::CheckSettings;

/// A valid TD3 MRZ for ZHANG SANFENG, CHN, E12345678, born 1990-01-02, M, expires 2035-01-01.
const MRZ: &str =
    "P<CHNZHANG<<SANFENG<<<<<<<<<<<<<<<<<<<<<<<<<\nE123456782CHN9001022M3501014<<<<<<<<<<<<<<<2";

fn passport() -> Value {
    json!({
        "person": {"given_names": "San Feng", "surname": "Zhang", "native_name": "张三丰",
                   "date_of_birth": "1990-01-02", "nationality": "CN", "sex": "M"},
        "document": {"type": "passport", "issuing_country": "CN", "number": "E12345678",
                     "expiry_date": "2035-01-01", "mrz": MRZ}
    })
}

fn run(body: Value) -> Vec<Finding> {
    let data = ApplicationData::from_json(&body).unwrap();
    IdentityConsistency.run(&CheckInput {
        data: &data,
        files: &BTreeMap::new(),
        now: Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap(),
        settings: &CheckSettings::default(),
        client: &crate::ClientFacts::default(),
        links: &[],
        sanctions_hits: &[],
        images: &Default::default(),
        photo_reads: &[],
        liveness: None,
    })
}

fn codes(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn a_consistent_passport_has_no_findings() {
    assert!(run(passport()).is_empty(), "{:?}", run(passport()));
}

#[test]
fn each_typed_difference_names_its_field_and_the_document_value() {
    let cases = [
        (
            "/document/number",
            json!("E12345679"),
            "DOCUMENT_NUMBER_MISMATCH",
            "document.number",
            "E12345678",
        ),
        (
            "/person/date_of_birth",
            json!("1990-01-03"),
            "BIRTH_DATE_MISMATCH",
            "person.date_of_birth",
            "1990-01-02",
        ),
        ("/person/sex", json!("F"), "SEX_MISMATCH", "person.sex", "M"),
        (
            "/person/nationality",
            json!("HK"),
            "NATIONALITY_MISMATCH",
            "person.nationality",
            "CN",
        ),
        (
            "/document/expiry_date",
            json!("2036-01-01"),
            "EXPIRY_DATE_MISMATCH",
            "document.expiry_date",
            "2035-01-01",
        ),
        (
            "/person/given_names",
            json!("San Fen"),
            "NAME_MISMATCH",
            "person.surname",
            "SANFENG ZHANG",
        ),
    ];
    for (pointer, value, code, field, shown) in cases {
        let mut body = passport();
        *body.pointer_mut(pointer).unwrap() = value;
        if code == "NAME_MISMATCH" {
            body["person"]
                .as_object_mut()
                .unwrap()
                .remove("native_name");
        }
        let f = run(body);
        assert_eq!(codes(&f), [code], "{pointer}");
        assert_eq!(f[0].field.as_deref(), Some(field));
        assert_eq!(
            f[0].evidence.as_ref().unwrap()["document_value"],
            shown,
            "{pointer}"
        );
    }
}

#[test]
fn transliteration_and_order_are_not_mismatches() {
    let mut body = passport();
    body["person"]["given_names"] = json!("Zhang");
    body["person"]["surname"] = json!("Sanfeng");
    assert!(run(body).is_empty());
}

#[test]
fn a_broken_mrz_is_reported_not_compared() {
    let mut body = passport();
    body["document"]["mrz"] = json!(MRZ.replace("E123456782", "E123456792"));
    body["person"]["date_of_birth"] = json!("1980-01-01");
    let f = run(body);
    assert_eq!(codes(&f), ["MRZ_INVALID"]);
    let problems = &f[0].evidence.as_ref().unwrap()["problems"];
    assert!(
        problems.to_string().contains("document number check digit"),
        "{problems}"
    );
    let mut short = passport();
    short["document"]["mrz"] = json!("P<CHNZHANG");
    assert_eq!(codes(&run(short)), ["MRZ_INVALID"]);
}

#[test]
fn chinese_id_numbers_are_validated_and_compared() {
    // 11010519491231002X: a valid number (Beijing Chaoyang, born 1949-12-31, female).
    let body = |number: &str, born: &str, sex: &str, nationality: &str| {
        json!({
            "person": {"given_names": "Hong", "surname": "Li", "date_of_birth": born,
                       "nationality": nationality, "sex": sex},
            "document": {"type": "id_card", "issuing_country": "CN", "number": number,
                         "expiry_date": null}
        })
    };
    assert!(run(body("11010519491231002X", "1949-12-31", "F", "CN")).is_empty());
    assert_eq!(
        codes(&run(body("11010519491231002X", "1949-12-30", "M", "US"))),
        [
            "BIRTH_DATE_MISMATCH",
            "SEX_MISMATCH",
            "NATIONALITY_MISMATCH"
        ]
    );
    let bad = run(body("110105194912310021", "1949-12-31", "F", "CN"));
    assert_eq!(codes(&bad), ["DOCUMENT_NUMBER_INVALID"]);
    assert_eq!(bad[0].field.as_deref(), Some("document.number"));
}

#[test]
fn rare_characters_go_to_a_person() {
    let mut body = passport();
    body["person"]["native_name"] = json!("王䶮");
    body["person"]["given_names"] = json!("Yan");
    body["person"]["surname"] = json!("Wang");
    body["document"].as_object_mut().unwrap().remove("mrz");
    let f = run(body);
    assert_eq!(codes(&f), ["NAME_RARE_CHARACTERS"]);
    assert_eq!(f[0].nature, Nature::Manual);
    assert_eq!(f[0].evidence.as_ref().unwrap()["characters"], "䶮");
}

#[test]
fn a_region_code_newer_than_the_birth_year_goes_to_a_person() {
    // 110111 (Beijing Fangshan) dates from 1986; this holder was born in 1980.
    let body = json!({
        "person": {"given_names": "Hong", "surname": "Li", "date_of_birth": "1980-12-01",
                   "nationality": "CN", "sex": "M"},
        "document": {"type": "id_card", "issuing_country": "CN",
                     "number": "110111198012010078", "expiry_date": null}
    });
    let f = run(body);
    assert_eq!(codes(&f), ["DOCUMENT_NUMBER_REGION_UNVERIFIED"]);
    assert_eq!(f[0].nature, Nature::Manual);
}
