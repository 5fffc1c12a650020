//! The checks every application needs: required data and files, document validity, age.

use chrono::{Datelike, NaiveDate};
use gatehouse_core::application::Slot;
use gatehouse_core::person::Expiry;
use gatehouse_core::reasons::{Finding, Nature, ReasonDef};
use serde_json::json;

use crate::{Check, CheckInput};

pub const REQUIRED_FIELD_MISSING: ReasonDef =
    ReasonDef::new("REQUIRED_FIELD_MISSING", Nature::Retry);
pub const DOCUMENT_FRONT_MISSING: ReasonDef =
    ReasonDef::new("DOCUMENT_FRONT_MISSING", Nature::Retry);
pub const DOCUMENT_BACK_MISSING: ReasonDef = ReasonDef::new("DOCUMENT_BACK_MISSING", Nature::Retry);
pub const SELFIE_MISSING: ReasonDef = ReasonDef::new("SELFIE_MISSING", Nature::Retry);
pub const DOCUMENT_EXPIRED: ReasonDef = ReasonDef::new("DOCUMENT_EXPIRED", Nature::Retry);
pub const UNDERAGE: ReasonDef = ReasonDef::new("UNDERAGE", Nature::Final);

/// Every field the applicant must fill in, and the files their document type needs:
/// a passport's data page; the front and back of any card; always a selfie.
pub struct RequiredData;

impl Check for RequiredData {
    fn name(&self) -> &'static str {
        "required_data"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        &[
            REQUIRED_FIELD_MISSING,
            DOCUMENT_FRONT_MISSING,
            DOCUMENT_BACK_MISSING,
            SELFIE_MISSING,
        ]
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        let p = &input.data.person;
        let d = &input.data.document;
        let required = [
            ("person.given_names", p.given_names.is_some()),
            ("person.surname", p.surname.is_some()),
            ("person.date_of_birth", p.date_of_birth.is_some()),
            ("person.nationality", p.nationality.is_some()),
            ("person.residence_country", p.residence_country.is_some()),
            ("document.type", d.doc_type.is_some()),
            ("document.issuing_country", d.issuing_country.is_some()),
            ("document.number", d.number.is_some()),
            ("document.expiry_date", d.expiry.is_some()),
        ];
        let mut findings: Vec<Finding> = required
            .into_iter()
            .filter(|(_, present)| !present)
            .map(|(field, _)| {
                REQUIRED_FIELD_MISSING
                    .finding()
                    .with_field(field)
                    .with_evidence(json!({ "label": field }))
            })
            .collect();
        let has = |slot: Slot| input.files.contains_key(&slot);
        if !has(Slot::DocumentFront) {
            findings.push(
                DOCUMENT_FRONT_MISSING
                    .finding()
                    .with_field("files.document_front"),
            );
        }
        if let Some(doc_type) = d.doc_type {
            if doc_type.has_back() && !has(Slot::DocumentBack) {
                findings.push(
                    DOCUMENT_BACK_MISSING
                        .finding()
                        .with_field("files.document_back")
                        .with_evidence(json!({ "document_type": doc_type.as_str() })),
                );
            }
        }
        if !has(Slot::Selfie) {
            findings.push(SELFIE_MISSING.finding().with_field("files.selfie"));
        }
        findings
    }
}

/// The document must be valid on the day of submission (it expires at the end of its expiry day).
pub struct DocumentExpiry;

impl Check for DocumentExpiry {
    fn name(&self) -> &'static str {
        "document_expiry"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        &[DOCUMENT_EXPIRED]
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        match input.data.document.expiry {
            Some(Expiry::On(date)) if date < input.today() => vec![DOCUMENT_EXPIRED
                .finding()
                .with_field("document.expiry_date")
                .with_evidence(json!({
                    "expiry_date": date.to_string(),
                    "checked_on": input.today().to_string(),
                }))],
            _ => Vec::new(),
        }
    }
}

/// The applicant must have reached the configured minimum age on the day of submission.
pub struct MinimumAge;

impl Check for MinimumAge {
    fn name(&self) -> &'static str {
        "minimum_age"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        &[UNDERAGE]
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        let Some(born) = input.data.person.date_of_birth else {
            return Vec::new();
        };
        let min_age = input.settings.min_age;
        if age_on(born, input.today()) >= i64::from(min_age) {
            return Vec::new();
        }
        vec![UNDERAGE
            .finding()
            .with_field("person.date_of_birth")
            .with_evidence(json!({ "min_age": min_age }))]
    }
}

/// Age in completed years on `day`; someone born on 29 February turns a year older on 1 March
/// in common years.
pub fn age_on(born: NaiveDate, day: NaiveDate) -> i64 {
    let mut years = i64::from(day.year() - born.year());
    if (day.month(), day.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{TimeZone, Utc};
    use gatehouse_core::application::ApplicationData;
    use serde_json::json;

    use super::*;
    use crate::{CheckSettings, SubmittedFile};

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn run(check: &dyn Check, data: serde_json::Value, slots: &[Slot], now: &str) -> Vec<Finding> {
        let data = ApplicationData::from_json(&data).unwrap();
        let files: BTreeMap<Slot, SubmittedFile> = slots
            .iter()
            .map(|s| {
                let file = SubmittedFile {
                    content_type: "image/jpeg".into(),
                    bytes: vec![0xFF, 0xD8, 0xFF],
                };
                (*s, file)
            })
            .collect();
        let now = Utc.from_utc_datetime(&date(now).and_hms_opt(12, 0, 0).unwrap());
        let settings = CheckSettings::default();
        check.run(&CheckInput {
            data: &data,
            files: &files,
            now,
            settings: &settings,
            client: &crate::ClientFacts::default(),
            links: &[],
            sanctions_hits: &[],
            images: &Default::default(),
            photo_reads: &[],
            liveness: None,
        })
    }

    fn codes(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn age_counts_completed_years() {
        assert_eq!(age_on(date("2008-11-27"), date("2026-11-27")), 18);
        assert_eq!(age_on(date("2008-11-28"), date("2026-11-27")), 17);
        assert_eq!(age_on(date("2008-02-29"), date("2026-02-28")), 17);
        assert_eq!(age_on(date("2008-02-29"), date("2026-03-01")), 18);
    }

    #[test]
    fn underage_is_final_with_min_age_evidence() {
        let f = run(
            &MinimumAge,
            json!({"person": {"date_of_birth": "2008-11-28"}}),
            &[],
            "2026-11-27",
        );
        assert_eq!(codes(&f), ["UNDERAGE"]);
        assert_eq!(f[0].nature, Nature::Final);
        assert_eq!(f[0].evidence.as_ref().unwrap()["min_age"], 18);
        assert!(run(
            &MinimumAge,
            json!({"person": {"date_of_birth": "2008-11-27"}}),
            &[],
            "2026-11-27"
        )
        .is_empty());
    }

    #[test]
    fn expiry_is_inclusive_and_never_is_fine() {
        let on = |d: &str| json!({"document": {"expiry_date": d}});
        assert_eq!(
            codes(&run(&DocumentExpiry, on("2026-11-26"), &[], "2026-11-27")),
            ["DOCUMENT_EXPIRED"]
        );
        assert!(run(&DocumentExpiry, on("2026-11-27"), &[], "2026-11-27").is_empty());
        let never = json!({"document": {"expiry_date": null}});
        assert!(run(&DocumentExpiry, never, &[], "2026-11-27").is_empty());
    }

    #[test]
    fn passport_needs_front_and_selfie_only() {
        let doc = json!({
            "person": {"given_names": "A", "surname": "B", "date_of_birth": "1990-01-01",
                       "nationality": "DE", "residence_country": "DE"},
            "document": {"type": "passport", "issuing_country": "DE", "number": "C01X00T47",
                         "expiry_date": "2030-01-01"}
        });
        let all = run(
            &RequiredData,
            doc.clone(),
            &[Slot::DocumentFront, Slot::Selfie],
            "2026-11-27",
        );
        assert!(all.is_empty(), "{all:?}");
        let missing = run(&RequiredData, doc, &[], "2026-11-27");
        assert_eq!(
            codes(&missing),
            ["DOCUMENT_FRONT_MISSING", "SELFIE_MISSING"]
        );
    }

    #[test]
    fn cards_need_a_back_and_fields_are_named() {
        let doc = json!({"document": {"type": "id_card"}});
        let f = run(
            &RequiredData,
            doc,
            &[Slot::DocumentFront, Slot::Selfie],
            "2026-11-27",
        );
        assert!(codes(&f).contains(&"DOCUMENT_BACK_MISSING"));
        let fields: Vec<_> = f.iter().filter_map(|f| f.field.as_deref()).collect();
        assert!(fields.contains(&"person.date_of_birth"));
        assert!(fields.contains(&"document.expiry_date"));
        assert!(!fields.contains(&"document.type"));
    }
}
