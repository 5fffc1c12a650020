//! Does what the applicant typed agree with what their document says? The document speaks
//! through its MRZ (sent by the app) and through what its number encodes (a Chinese resident ID
//! number embeds the birth date and sex). Each disagreement names the field and shows what the
//! document says, so the applicant can correct a typo instead of guessing.

pub mod photo;
pub mod reading;

use gatehouse_core::application::ApplicationData;
use gatehouse_core::reasons::{Finding, Nature, ReasonDef};
use serde_json::json;

use crate::{mrz, Check, CheckInput};
use reading::DocumentReading;

pub const MRZ_INVALID: ReasonDef = ReasonDef::new("MRZ_INVALID", Nature::Retry);
pub const DOCUMENT_NUMBER_INVALID: ReasonDef =
    ReasonDef::new("DOCUMENT_NUMBER_INVALID", Nature::Retry);
pub const DOCUMENT_NUMBER_MISMATCH: ReasonDef =
    ReasonDef::new("DOCUMENT_NUMBER_MISMATCH", Nature::Retry);
pub const NAME_MISMATCH: ReasonDef = ReasonDef::new("NAME_MISMATCH", Nature::Retry);
pub const BIRTH_DATE_MISMATCH: ReasonDef = ReasonDef::new("BIRTH_DATE_MISMATCH", Nature::Retry);
pub const SEX_MISMATCH: ReasonDef = ReasonDef::new("SEX_MISMATCH", Nature::Retry);
pub const NATIONALITY_MISMATCH: ReasonDef = ReasonDef::new("NATIONALITY_MISMATCH", Nature::Retry);
pub const EXPIRY_DATE_MISMATCH: ReasonDef = ReasonDef::new("EXPIRY_DATE_MISMATCH", Nature::Retry);
/// A Chinese ID number whose only flaw is a region code created after the birth year: the
/// standard says invalid, but real numbers carry the code of their first issue, so a person
/// decides rather than the applicant being told to fix a number that is right.
pub const DOCUMENT_NUMBER_REGION_UNVERIFIED: ReasonDef =
    ReasonDef::new("DOCUMENT_NUMBER_REGION_UNVERIFIED", Nature::Manual);
/// The document photo should show a machine-readable zone (or a Chinese ID number) but it
/// could not be read with every check digit passing: the applicant retakes the photo.
pub const MRZ_UNREADABLE: ReasonDef = ReasonDef::new("MRZ_UNREADABLE", Nature::Retry);
/// Characters outside GB 2312 defeat automatic reading; a person checks a supporting document.
pub const NAME_RARE_CHARACTERS: ReasonDef = ReasonDef::new("NAME_RARE_CHARACTERS", Nature::Manual);

/// Typed data against the document's own data.
pub struct IdentityConsistency;

impl Check for IdentityConsistency {
    fn name(&self) -> &'static str {
        "identity_consistency"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        &[
            MRZ_INVALID,
            DOCUMENT_NUMBER_INVALID,
            DOCUMENT_NUMBER_MISMATCH,
            NAME_MISMATCH,
            BIRTH_DATE_MISMATCH,
            SEX_MISMATCH,
            NATIONALITY_MISMATCH,
            EXPIRY_DATE_MISMATCH,
            DOCUMENT_NUMBER_REGION_UNVERIFIED,
            NAME_RARE_CHARACTERS,
            MRZ_UNREADABLE,
        ]
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        let data = input.data;
        let mut findings = Vec::new();
        let mut readings = photo_readings(input, &mut findings);
        if let Some(text) = &data.document.mrz {
            match mrz::parse(text.as_str()) {
                Err(not_mrz) => findings.push(
                    MRZ_INVALID
                        .finding()
                        .with_field("document.mrz")
                        .with_evidence(json!({ "problems": [not_mrz.to_string()] })),
                ),
                Ok(m) if !m.valid() => {
                    let problems: Vec<String> = m
                        .errors
                        .iter()
                        .filter(|e| e.is_layout())
                        .map(ToString::to_string)
                        .collect();
                    findings.push(
                        MRZ_INVALID
                            .finding()
                            .with_field("document.mrz")
                            .with_evidence(json!({ "problems": problems })),
                    );
                }
                Ok(m) => readings.push(reading::from_mrz(&m, input.today())),
            }
        }
        number_checks(data, input.today(), &mut findings, &mut readings);
        compare(data, &readings, &mut findings);
        rare_characters(data, &mut findings);
        findings
    }
}

/// What the document photos gave, as readings to compare (they come first, so a mismatch
/// shows the photo's value), or `MRZ_UNREADABLE` when a photo that should be readable was not.
fn photo_readings(input: &CheckInput<'_>, findings: &mut Vec<Finding>) -> Vec<DocumentReading> {
    let mut readings = Vec::new();
    for read in input.photo_reads {
        match &read.outcome {
            photo::PhotoOutcome::Mrz(m) => {
                let mut r = reading::from_mrz(&m.mrz, input.today());
                r.source = "document_photo";
                readings.push(r);
            }
            photo::PhotoOutcome::CnIdNumber(n) => readings.push(DocumentReading {
                source: "document_photo",
                document_number: Some(n.number.clone()),
                ..DocumentReading::default()
            }),
            _ => {}
        }
    }
    if photo::unreadable(input.data, input.photo_reads) {
        let slots: Vec<&str> = input.photo_reads.iter().map(|r| r.slot.as_str()).collect();
        let first = slots.first().copied().unwrap_or("document_front");
        findings.push(
            MRZ_UNREADABLE
                .finding()
                .with_field(format!("files.{first}"))
                .with_evidence(json!({ "slots": slots })),
        );
    }
    readings
}

/// The typed number must be a possible number for its country and type; a number that encodes
/// personal data becomes a reading too.
fn number_checks(
    data: &ApplicationData,
    today: chrono::NaiveDate,
    findings: &mut Vec<Finding>,
    readings: &mut Vec<DocumentReading>,
) {
    let d = &data.document;
    let (Some(number), Some(country), Some(doc_type)) = (&d.number, d.issuing_country, d.doc_type)
    else {
        return;
    };
    let check = crate::idnum::validate(country, doc_type, number.as_str(), today);
    let only_region_era = check.region_not_in_use_at_birth && check.errors.len() == 1;
    if only_region_era {
        findings.push(
            DOCUMENT_NUMBER_REGION_UNVERIFIED
                .finding()
                .with_field("document.number")
                .with_evidence(json!({ "problems": check.errors })),
        );
    } else if !check.valid {
        findings.push(
            DOCUMENT_NUMBER_INVALID
                .finding()
                .with_field("document.number")
                .with_evidence(json!({ "problems": check.errors })),
        );
        return;
    }
    if check.birth_date.is_some() || check.sex.is_some() {
        readings.push(DocumentReading {
            source: "id_number",
            birth_date: check.birth_date,
            sex: check.sex,
            // A PRC resident identity card is issued to PRC citizens only.
            nationality: (country.as_str() == "CN").then_some(country),
            ..DocumentReading::default()
        });
    }
}

fn compare(data: &ApplicationData, readings: &[DocumentReading], findings: &mut Vec<Finding>) {
    let p = &data.person;
    let d = &data.document;
    let mut reported = Vec::new();
    let mut report = |def: ReasonDef,
                      field: &str,
                      typed: String,
                      on_document: String,
                      source: &str,
                      extra: Option<serde_json::Value>| {
        if reported.contains(&def.code) {
            return;
        }
        reported.push(def.code);
        let mut evidence = json!({
            "typed": typed,
            "document_value": on_document,
            "source": source,
        });
        if let (Some(extra), Some(obj)) = (extra, evidence.as_object_mut()) {
            if let Some(more) = extra.as_object() {
                obj.extend(more.clone());
            }
        }
        findings.push(def.finding().with_field(field).with_evidence(evidence));
    };
    for r in readings {
        if let (Some(typed), Some(doc)) = (&d.number, &r.document_number) {
            if normalise_number(typed.as_str()) != normalise_number(doc) {
                report(
                    DOCUMENT_NUMBER_MISMATCH,
                    "document.number",
                    typed.as_str().to_owned(),
                    doc.clone(),
                    r.source,
                    None,
                );
            }
        }
        if let Some(doc_surname) = &r.surname {
            let outcome = crate::names::match_person(
                &crate::names::TypedName {
                    given_names: text(&p.given_names),
                    surname: text(&p.surname),
                    native_name: p.native_name.as_ref().map(|n| n.as_str().to_owned()),
                },
                &crate::names::DocName {
                    surname: doc_surname.clone(),
                    given_names: r.given_names.clone().unwrap_or_default(),
                },
            );
            if !outcome.matched {
                let typed = format!("{} {}", text(&p.given_names), text(&p.surname));
                let on_doc = format!("{} {}", r.given_names.as_deref().unwrap_or(""), doc_surname);
                report(
                    NAME_MISMATCH,
                    "person.surname",
                    typed.trim().to_owned(),
                    on_doc.trim().to_owned(),
                    r.source,
                    Some(json!({ "why": outcome.why })),
                );
            }
        }
        if let (Some(typed), Some(doc)) = (p.date_of_birth, r.birth_date) {
            if typed != doc {
                report(
                    BIRTH_DATE_MISMATCH,
                    "person.date_of_birth",
                    typed.to_string(),
                    doc.to_string(),
                    r.source,
                    None,
                );
            }
        }
        if let (Some(typed), Some(doc)) = (p.sex, r.sex) {
            if typed != doc {
                report(
                    SEX_MISMATCH,
                    "person.sex",
                    typed.as_str().to_owned(),
                    doc.as_str().to_owned(),
                    r.source,
                    None,
                );
            }
        }
        if let (Some(typed), Some(doc)) = (p.nationality, r.nationality) {
            if typed != doc {
                report(
                    NATIONALITY_MISMATCH,
                    "person.nationality",
                    typed.as_str().to_owned(),
                    doc.as_str().to_owned(),
                    r.source,
                    None,
                );
            }
        }
        if let (Some(gatehouse_core::person::Expiry::On(typed)), Some(doc)) =
            (d.expiry, r.expiry_date)
        {
            if typed != doc {
                report(
                    EXPIRY_DATE_MISMATCH,
                    "document.expiry_date",
                    typed.to_string(),
                    doc.to_string(),
                    r.source,
                    None,
                );
            }
        }
    }
}

fn text(name: &Option<gatehouse_core::person::Name>) -> String {
    name.as_ref()
        .map(|n| n.as_str().to_owned())
        .unwrap_or_default()
}

/// Document numbers are compared without separators or case.
fn normalise_number(n: &str) -> String {
    n.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn rare_characters(data: &ApplicationData, findings: &mut Vec<Finding>) {
    let Some(native) = &data.person.native_name else {
        return;
    };
    let rare = crate::names::rare_characters(native.as_str());
    if !rare.is_empty() {
        findings.push(
            NAME_RARE_CHARACTERS
                .finding()
                .with_field("person.native_name")
                .with_evidence(json!({ "characters": rare.iter().collect::<String>() })),
        );
    }
}

#[cfg(test)]
mod tests;
