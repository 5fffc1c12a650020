//! Feeds arbitrary text to the identity number validator for every country in the format table
//! and every document type: it must never panic, and its verdicts must agree with themselves.

#![no_main]

use chrono::NaiveDate;
use gatehouse_checks::idnum::{formats, to_json, validate, MAX_LEN};
use gatehouse_core::country::CountryCode;
use gatehouse_core::person::DocumentType;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [country_byte, type_byte, rest @ ..] = data else {
        return;
    };
    // One more than the table, so a country without rows exercises the generic fallback.
    let countries = formats::countries();
    let country = countries
        .get(usize::from(*country_byte) % (countries.len() + 1))
        .copied()
        .unwrap_or("ZW");
    let Ok(country) = CountryCode::parse(country) else {
        return;
    };
    let doc_type = DocumentType::ALL[usize::from(*type_byte) % DocumentType::ALL.len()];
    // Lossy, so every input reaches the validator as UTF-8 instead of being skipped.
    let number = String::from_utf8_lossy(rest);
    let Some(today) = NaiveDate::from_ymd_opt(2025, 6, 1) else {
        return;
    };

    let check = validate(country, doc_type, &number, today);
    assert_eq!(check.valid, check.errors.is_empty());
    assert_eq!(to_json(&check)["valid"].as_bool(), Some(check.valid));
    if check.valid {
        assert!(check.normalized.len() <= MAX_LEN);
        assert!(check.normalized.bytes().all(|b| b.is_ascii_alphanumeric()));
        // The normalised form is a fixed point: validating it again gives the same answer.
        let again = validate(country, doc_type, &check.normalized, today);
        assert!(again.valid, "{:?} -> {:?}", check.normalized, again.errors);
        assert_eq!(again.normalized, check.normalized);
    }
});
