//! National identity and document number validation: per-country number shapes, and the
//! check characters and embedded facts (birth date, sex, region) of the numbers that carry them.
//!
//! [`validate`] normalises the number, matches it against the country's format for the document
//! type (or a generic fallback), then runs the country's checksum rules where they are known:
//! China (GB 11643), Hong Kong (HKID) and Taiwan (national ID and resident certificates).

pub mod cn;
pub mod cn_regions;
pub mod formats;
pub mod hk;
pub mod pattern;
pub mod tw;

#[cfg(test)]
mod props;

use chrono::NaiveDate;
use gatehouse_core::country::CountryCode;
use gatehouse_core::person::{DocumentType, Sex};
use serde_json::{Map, Value};
use unicode_normalization::UnicodeNormalization;

use formats::Checker;

/// Longer input is refused before any matching, so cost stays bounded on hostile input.
pub const MAX_LEN: usize = 64;

/// The outcome of validating one document number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCheck {
    pub valid: bool,
    /// Human-readable reasons, in English; empty when `valid`.
    pub errors: Vec<String>,
    /// Facts read from the number; only trustworthy when `valid`.
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    /// The registration region's name (China only), as named in the birth year.
    pub region: Option<String>,
    /// Upper-case, separators removed; a 15-digit Chinese number is upgraded to 18 digits.
    pub normalized: String,
    /// The region code exists, but not in the birth year. GB 11643 requires it; yet a number
    /// carries the code current when it was first issued, so a real older number can fail
    /// this alone, and callers may prefer a person to a rejection.
    pub region_not_in_use_at_birth: bool,
}

impl IdCheck {
    fn new(normalized: String) -> Self {
        Self {
            valid: false,
            errors: Vec::new(),
            birth_date: None,
            sex: None,
            region: None,
            normalized,
            region_not_in_use_at_birth: false,
        }
    }

    fn error(&mut self, message: impl Into<String>) {
        self.errors.push(message.into());
    }
}

/// Validates `number` as a `doc_type` issued by `country`; `today` bounds birth dates.
pub fn validate(
    country: CountryCode,
    doc_type: DocumentType,
    number: &str,
    today: NaiveDate,
) -> IdCheck {
    let mut out = IdCheck::new(normalize(number));
    if out.normalized.is_empty() {
        out.error("the number is empty");
    } else if out.normalized.chars().count() > MAX_LEN {
        out.error(format!("the number is longer than {MAX_LEN} characters"));
    } else if !out.normalized.bytes().all(|b| b.is_ascii_alphanumeric()) {
        out.error("the number may contain only letters A-Z and digits");
    } else {
        let rule = formats::find(country, doc_type);
        if !rule.matches(&out.normalized) {
            out.error(format!("expected {}", rule.format.description));
        } else {
            run_checker(rule.format.checker, today, &mut out);
        }
    }
    out.valid = out.errors.is_empty();
    out
}

fn run_checker(checker: Checker, today: NaiveDate, out: &mut IdCheck) {
    match checker {
        Checker::ShapeOnly => {}
        Checker::CnResident => cn::check(cn::RegionRule::InUseAtBirth, today, out),
        Checker::CnPermit => cn::check(cn::RegionRule::Informative, today, out),
        Checker::Hkid => hk::check(out),
        Checker::Taiwan => tw::check(out),
    }
}

/// Upper-cases and drops the separators people type (spaces, `-`, `.`, `/`, HKID brackets);
/// NFKC first, so full-width digits and letters from CJK keyboards become ASCII.
pub fn normalize(number: &str) -> String {
    number
        .nfkc()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '/' | '(' | ')'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The JSON shape printed by `gatehouse inspect id-number`: `{valid, errors, birth_date?,
/// sex?, region?}`, absent facts omitted.
pub fn to_json(check: &IdCheck) -> Value {
    let mut map = Map::new();
    map.insert("valid".into(), Value::Bool(check.valid));
    map.insert(
        "errors".into(),
        Value::Array(check.errors.iter().cloned().map(Value::String).collect()),
    );
    if let Some(date) = check.birth_date {
        map.insert(
            "birth_date".into(),
            Value::String(date.format("%Y-%m-%d").to_string()),
        );
    }
    if let Some(sex) = check.sex {
        map.insert("sex".into(), Value::String(sex.as_str().into()));
    }
    if let Some(region) = &check.region {
        map.insert("region".into(), Value::String(region.clone()));
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn check(country: &str, doc_type: DocumentType, number: &str) -> IdCheck {
        validate(
            CountryCode::parse(country).unwrap(),
            doc_type,
            number,
            today(),
        )
    }

    #[test]
    fn normalize_drops_separators_and_folds_full_width() {
        assert_eq!(normalize(" a123456(3) "), "A1234563");
        assert_eq!(normalize("１１０１０２-x"), "110102X");
        assert_eq!(normalize("12.345/67"), "1234567");
    }

    #[test]
    fn cn_json_has_all_facts() {
        let c = check("CN", DocumentType::IdCard, "360426199101010071");
        assert_eq!(
            to_json(&c),
            json!({"valid": true, "errors": [], "birth_date": "1991-01-01", "sex": "M",
                   "region": "江西省德安县"})
        );
    }

    #[test]
    fn json_omits_absent_facts() {
        let c = check("DE", DocumentType::Passport, "C01X00T47");
        assert_eq!(to_json(&c), json!({"valid": true, "errors": []}));
        let c = check("DE", DocumentType::Passport, "C01X00T4");
        assert!(!c.valid);
        assert_eq!(to_json(&c)["errors"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn empty_long_and_odd_input_is_refused() {
        for bad in ["", " - ", &"1".repeat(65), "A12345€7", "A1234_567"] {
            let c = check("GB", DocumentType::Passport, bad);
            assert!(!c.valid && c.errors.len() == 1, "{bad:?}: {c:?}");
        }
    }

    #[test]
    fn unknown_document_type_for_country_uses_the_generic_fallback() {
        assert!(check("GB", DocumentType::IdCard, "ABC12").valid);
        assert!(!check("GB", DocumentType::IdCard, "ABC1").valid);
        let c = check("ZW", DocumentType::Passport, "X".repeat(21).as_str());
        assert_eq!(
            c.errors,
            vec!["expected 5 to 20 letters or digits".to_string()]
        );
    }

    #[test]
    fn driving_licences_in_cn_hk_tw_carry_the_id_number() {
        assert!(check("CN", DocumentType::DrivingLicence, "360426199101010071").valid);
        assert!(check("HK", DocumentType::DrivingLicence, "A123456(3)").valid);
        assert!(check("TW", DocumentType::DrivingLicence, "A123456789").valid);
        assert!(!check("TW", DocumentType::DrivingLicence, "A123456788").valid);
    }
}
