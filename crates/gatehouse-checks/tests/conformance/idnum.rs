//! Chinese resident ID validation against python-stdnum 2.2's test vectors
//! (`shared/data/ids/cn/cn-ric-vectors.json`, see its README for where each answer comes from).

use crate::support;

use chrono::NaiveDate;
use gatehouse_checks::idnum::{cn_regions, validate};
use gatehouse_core::country::CountryCode;
use gatehouse_core::person::DocumentType;
use serde_json::Value;

/// A fixed day after every vector's birth date, so the result never depends on the clock.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("a real date")
}

/// Each disagreement between our answer and the vector's, described.
fn disagreements(vector: &Value) -> Vec<String> {
    let number = vector["number"].as_str().unwrap_or_default();
    let cn = CountryCode::parse("CN").expect("CN is a country");
    let got = validate(cn, DocumentType::IdCard, number, today());
    let mut out = Vec::new();
    if Some(got.valid) != vector["valid"].as_bool() {
        out.push(format!(
            "{number}: valid {} expected {} ({}); errors {:?}",
            got.valid, vector["valid"], vector["reason"], got.errors
        ));
    }
    if let Some(normalized) = vector["normalized"].as_str() {
        if got.normalized != normalized {
            out.push(format!("{number}: normalized {}", got.normalized));
        }
    }
    if let Some(date) = vector["birth_date"].as_str() {
        let ours = got.birth_date.map(|d| d.format("%Y-%m-%d").to_string());
        if ours.as_deref() != Some(date) {
            out.push(format!("{number}: birth date {ours:?}, expected {date}"));
        }
    }
    if let Some(place) = vector["birth_place"].as_object() {
        let year = got
            .birth_date
            .map(|d| chrono::Datelike::year(&d))
            .unwrap_or(0);
        let want = (place["province"].as_str(), place["county"].as_str());
        match cn_regions::lookup(number.get(..6).unwrap_or_default(), year) {
            cn_regions::Lookup::Found(p) if (Some(p.province), Some(p.county)) == want => {}
            other => out.push(format!(
                "{number}: birth place {other:?}, expected {want:?}"
            )),
        }
    }
    out
}

#[test]
fn cn_ric_vectors_agree_with_stdnum() {
    let Some(path) = support::shared_data("ids/cn/cn-ric-vectors.json") else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("readable vectors");
    let vectors: Vec<Value> = serde_json::from_str(&text).expect("a JSON array");
    assert!(!vectors.is_empty(), "no vectors in {}", path.display());
    let failures: Vec<String> = vectors.iter().flat_map(disagreements).collect();
    let agreeing = vectors.len()
        - vectors
            .iter()
            .filter(|v| !disagreements(v).is_empty())
            .count();
    println!(
        "cn-ric-vectors: {agreeing} of {} vectors agree with stdnum 2.2",
        vectors.len()
    );
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}

#[test]
fn cn_ric_doctest_validate_lines_agree() {
    // The doctest itself: every `ric.validate('N')` followed by either the number or a
    // Traceback, so answers that the JSON extraction might have lost are checked too.
    let Some(path) = support::shared_data("ids/cn/test_cn_ric.doctest") else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("readable doctest");
    let lines: Vec<&str> = text.lines().collect();
    let cn = CountryCode::parse("CN").expect("CN is a country");
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix(">>> ric.validate('") else {
            continue;
        };
        let number = rest.split('\'').next().unwrap_or_default();
        let expect_valid = !lines
            .get(i + 1)
            .is_some_and(|next| next.starts_with("Traceback"));
        let got = validate(cn, DocumentType::IdCard, number, today());
        assert_eq!(got.valid, expect_valid, "{number}: {:?}", got.errors);
        if expect_valid {
            let shown = lines.get(i + 1).map(|l| l.trim_matches('\''));
            assert_eq!(Some(got.normalized.as_str()), shown, "{number}");
        }
        checked += 1;
    }
    println!("test_cn_ric.doctest: {checked} validate() lines agree");
    assert!(
        checked >= 6,
        "expected at least 6 validate() lines, found {checked}"
    );
}
