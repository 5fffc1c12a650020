//! Reading the document photos before the checks run: the MRZ of passports, ID cards and
//! residence permits, and the number on the front of a Chinese resident ID card. The service
//! calls [`read_document_photos`] once per submission, hands the result to the checks
//! ([`crate::CheckInput::photo_reads`]) and stores [`to_json`] on the attempt for reviewers.

use std::collections::BTreeMap;

use gatehouse_core::application::{ApplicationData, Slot};
use gatehouse_core::person::DocumentType;
use serde_json::{json, Value};

use crate::ocr::{self, IdNumberReading, MrzReading};
use crate::SubmittedFile;

/// What one document photo gave.
#[derive(Debug, Clone)]
pub enum PhotoOutcome {
    /// An MRZ whose every check digit passes.
    Mrz(Box<MrzReading>),
    /// An MRZ was found but its check digits do not all pass: not trusted.
    MrzInvalid(Box<MrzReading>),
    /// A Chinese resident ID number whose check character passes.
    CnIdNumber(IdNumberReading),
    /// The image decoded but nothing could be read from it.
    NothingRead,
    /// The bytes are not an image this reader decodes (the image checks report that).
    Undecodable,
}

/// The reading of one slot's photo.
#[derive(Debug, Clone)]
pub struct PhotoRead {
    pub slot: Slot,
    pub outcome: PhotoOutcome,
}

/// What the photos of this document are expected to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    /// Passports always carry an MRZ, and so does a document whose MRZ the applicant typed.
    Mrz,
    /// Other ID cards and residence permits often carry one; read it when it is there.
    MrzIfPresent,
    /// The front of a PRC resident identity card: its 18-character number.
    CnIdNumber,
    Nothing,
}

/// What to look for on this application's document photos.
pub fn expectation(data: &ApplicationData) -> Expectation {
    let d = &data.document;
    let cn = d.issuing_country.is_some_and(|c| c.as_str() == "CN");
    match d.doc_type {
        Some(DocumentType::IdCard) if cn => Expectation::CnIdNumber,
        Some(DocumentType::Passport) => Expectation::Mrz,
        _ if d.mrz.is_some() => Expectation::Mrz,
        Some(DocumentType::IdCard | DocumentType::ResidencePermit) => Expectation::MrzIfPresent,
        _ => Expectation::Nothing,
    }
}

/// Reads the document photos (front first, then back) until one gives a trusted reading.
pub fn read_document_photos(
    data: &ApplicationData,
    files: &BTreeMap<Slot, SubmittedFile>,
) -> Vec<PhotoRead> {
    let expect = expectation(data);
    let mut reads = Vec::new();
    if expect == Expectation::Nothing {
        return reads;
    }
    for slot in [Slot::DocumentFront, Slot::DocumentBack] {
        let Some(file) = files.get(&slot) else {
            continue;
        };
        let outcome = match ocr::decode_gray(&file.bytes) {
            Err(_) => PhotoOutcome::Undecodable,
            Ok(gray) => {
                if expect == Expectation::CnIdNumber {
                    ocr::read_cn_id_number(&gray)
                        .map_or(PhotoOutcome::NothingRead, PhotoOutcome::CnIdNumber)
                } else {
                    match ocr::read_mrz(&gray) {
                        Some(m) if m.mrz.valid() => PhotoOutcome::Mrz(Box::new(m)),
                        Some(m) => PhotoOutcome::MrzInvalid(Box::new(m)),
                        None => PhotoOutcome::NothingRead,
                    }
                }
            }
        };
        let trusted = matches!(outcome, PhotoOutcome::Mrz(_) | PhotoOutcome::CnIdNumber(_));
        reads.push(PhotoRead { slot, outcome });
        if trusted {
            break;
        }
    }
    reads
}

/// Whether the photos should have been readable and none was: there was at least one decoded
/// photo, the document carries a zone to read, and nothing trusted came out.
pub fn unreadable(data: &ApplicationData, reads: &[PhotoRead]) -> bool {
    let expected = matches!(
        expectation(data),
        Expectation::Mrz | Expectation::CnIdNumber
    );
    let decoded = reads
        .iter()
        .any(|r| !matches!(r.outcome, PhotoOutcome::Undecodable));
    let trusted = reads.iter().any(|r| {
        matches!(
            r.outcome,
            PhotoOutcome::Mrz(_) | PhotoOutcome::CnIdNumber(_)
        )
    });
    expected && decoded && !trusted
}

/// The readings as stored on the attempt and shown to reviewers: per slot, what was read
/// (corrected text, the text before correction, corrections, confidence).
pub fn to_json(reads: &[PhotoRead]) -> Value {
    Value::Array(
        reads
            .iter()
            .map(|r| {
                let mut v = match &r.outcome {
                    PhotoOutcome::Mrz(m) | PhotoOutcome::MrzInvalid(m) => json!({
                        "kind": "mrz",
                        "status": if m.mrz.valid() { "read" } else { "check_digits_failed" },
                        "format": m.mrz.format.as_str(),
                        "lines": m.lines,
                        "raw_lines": m.raw_lines,
                        "corrections": m.corrections.iter().map(ocr::correction_json).collect::<Vec<_>>(),
                        "confidence": ocr::round3(m.confidence),
                    }),
                    PhotoOutcome::CnIdNumber(n) => {
                        let mut v = n.to_json();
                        v["kind"] = json!("cn_id_number");
                        v["status"] = json!("read");
                        v
                    }
                    PhotoOutcome::NothingRead => json!({ "status": "nothing_read" }),
                    PhotoOutcome::Undecodable => json!({ "status": "undecodable" }),
                };
                v["slot"] = json!(r.slot.as_str());
                v
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use gatehouse_core::reasons::Finding;

    use super::*;
    use crate::identity::IdentityConsistency;
    use crate::{Check, CheckInput, CheckSettings, ClientFacts};

    const CN_FRONT: &[u8] = include_bytes!("../../tests/fixtures/cn-id-front.jpg");
    const NO_MRZ: &[u8] = include_bytes!("../../tests/fixtures/no-mrz.jpg");

    fn cn_card(number: &str) -> ApplicationData {
        ApplicationData::from_json(&json!({
            "person": {"given_names": "Xiaoming", "surname": "Wang", "native_name": "王小明",
                       "date_of_birth": "1949-12-31", "nationality": "CN", "sex": "F"},
            "document": {"type": "id_card", "issuing_country": "CN", "number": number,
                         "expiry_date": "2035-01-01"}
        }))
        .unwrap()
    }

    fn files(front: &[u8]) -> BTreeMap<Slot, SubmittedFile> {
        BTreeMap::from([(
            Slot::DocumentFront,
            SubmittedFile {
                content_type: "image/jpeg".into(),
                bytes: front.to_vec(),
            },
        )])
    }

    fn check(data: &ApplicationData, reads: &[PhotoRead]) -> Vec<Finding> {
        IdentityConsistency.run(&CheckInput {
            data,
            files: &BTreeMap::new(),
            now: Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap(),
            settings: &CheckSettings::default(),
            client: &ClientFacts::default(),
            links: &[],
            sanctions_hits: &[],
            photo_reads: reads,
            images: &Default::default(),
            liveness: None,
        })
    }

    #[test]
    fn a_chinese_id_card_number_typo_shows_the_number_on_the_card() {
        // The typed number is valid in itself (its own check character), one digit off.
        let typed = cn_card("110105194912310037");
        let reads = read_document_photos(&typed, &files(CN_FRONT));
        assert!(
            matches!(&reads[0].outcome, PhotoOutcome::CnIdNumber(n) if n.number == "11010519491231002X")
        );
        let findings = check(&typed, &reads);
        let mismatch = findings
            .iter()
            .find(|f| f.code == "DOCUMENT_NUMBER_MISMATCH")
            .expect("mismatch");
        let evidence = mismatch.evidence.as_ref().unwrap();
        assert_eq!(evidence["document_value"], "11010519491231002X");
        assert_eq!(evidence["source"], "document_photo");
        assert_eq!(to_json(&reads)[0]["kind"], "cn_id_number");

        let right = cn_card("11010519491231002X");
        let reads = read_document_photos(&right, &files(CN_FRONT));
        assert!(check(&right, &reads).is_empty());
    }

    #[test]
    fn an_unreadable_photo_is_a_retake_only_where_a_zone_is_expected() {
        let card = cn_card("11010519491231002X");
        let reads = read_document_photos(&card, &files(NO_MRZ));
        assert!(matches!(reads[0].outcome, PhotoOutcome::NothingRead));
        let codes: Vec<String> = check(&card, &reads).into_iter().map(|f| f.code).collect();
        assert_eq!(codes, ["MRZ_UNREADABLE"]);
        assert_eq!(to_json(&reads)[0]["status"], "nothing_read");

        // Undecodable bytes are the image checks' business, not a retake of the MRZ.
        let reads = read_document_photos(&card, &files(b"\xFF\xD8\xFFnot really"));
        assert!(matches!(reads[0].outcome, PhotoOutcome::Undecodable));
        assert!(check(&card, &reads).is_empty());

        // A driving licence carries no zone to read.
        let mut licence = card.clone();
        licence.document.doc_type = Some(DocumentType::DrivingLicence);
        assert!(read_document_photos(&licence, &files(NO_MRZ)).is_empty());
    }
}
