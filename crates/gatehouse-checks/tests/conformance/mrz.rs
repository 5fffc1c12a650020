//! The MRZ parser against third-party vectors in `../shared/data/mrz` (see its README):
//! cheminfo/mrz's test suite and PassportEye's ICAO specimens. For every ICAO-format record
//! our check digit verdicts must equal the independent recount (`icao_check_digits_ok`,
//! `icao_check_digit_failures`) and our fields must equal theirs where both state them.

use crate::support;

use std::collections::BTreeSet;
use std::fs;

use gatehouse_checks::mrz::{parse, Mrz};
use serde_json::Value;

fn load(relative: &str) -> Option<Vec<Value>> {
    let path = support::shared_data(relative)?;
    let text = fs::read_to_string(&path).expect("read vectors");
    Some(serde_json::from_str(&text).expect("vectors are a JSON array"))
}

fn text_of(record: &Value) -> String {
    let lines: Vec<&str> = record["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l.as_str().expect("line"))
        .collect();
    lines.join("\n")
}

/// The names of our failed checks, in the recount's vocabulary.
fn failures(mrz: &Mrz) -> BTreeSet<String> {
    let c = &mrz.checks;
    [
        ("document_number", Some(c.document_number)),
        ("birth_date", Some(c.birth_date)),
        ("expiry_date", Some(c.expiry_date)),
        ("personal_number", c.optional_data),
        ("composite", c.composite),
    ]
    .into_iter()
    .filter(|(_, ok)| *ok == Some(false))
    .map(|(name, _)| name.to_owned())
    .collect()
}

fn expected_failures(record: &Value) -> BTreeSet<String> {
    record["icao_check_digit_failures"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Default)]
struct Tally {
    icao: usize,
    checks_agree: usize,
    field_values: usize,
    fields_agree: usize,
    unsupported: usize,
    unsupported_read_invalid: usize,
    rejected: usize,
    disagreements: Vec<String>,
}

impl Tally {
    fn compare_checks(&mut self, name: &str, record: &Value, mrz: &Mrz) {
        self.icao += 1;
        let expected_ok = record["icao_check_digits_ok"].as_bool();
        let ours = failures(mrz);
        let theirs = expected_failures(record);
        if expected_ok == Some(ours.is_empty()) && ours == theirs {
            self.checks_agree += 1;
        } else {
            self.disagreements.push(format!(
                "{name}: check digits ours failed {ours:?}, recount failed {theirs:?}"
            ));
        }
    }

    /// Compares one field; `theirs` null or absent means the source does not state it.
    fn compare(&mut self, name: &str, key: &str, ours: &str, theirs: Option<String>) {
        let Some(theirs) = theirs else { return };
        self.field_values += 1;
        if ours == theirs {
            self.fields_agree += 1;
        } else {
            self.disagreements
                .push(format!("{name}: {key} ours {ours:?}, theirs {theirs:?}"));
        }
    }
}

fn string(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

/// cheminfo's optional data turns fillers into spaces; ours keeps inner fillers.
fn spaced(s: &str) -> String {
    s.replace('<', " ")
}

#[test]
fn cheminfo_vectors() {
    let Some(records) = load("mrz/cheminfo-vectors.json") else {
        return;
    };
    let mut t = Tally::default();
    for record in &records {
        let name = record["test"].as_str().unwrap_or("?").to_owned();
        let text = text_of(record);
        let format = record["format"].as_str();
        let parsed = parse(&text);
        match format {
            None => match parsed {
                Err(_) => t.rejected += 1,
                Ok(_) => t.disagreements.push(format!("{name}: must be rejected")),
            },
            Some("TD1" | "TD2" | "TD3") => {
                let mrz = match parsed {
                    Ok(mrz) => mrz,
                    Err(e) => {
                        t.disagreements.push(format!("{name}: {e}"));
                        continue;
                    }
                };
                if Some(mrz.format.as_str()) != format {
                    t.disagreements
                        .push(format!("{name}: read as {}", mrz.format));
                }
                t.compare_checks(&name, record, &mrz);
                // Autocorrect records state the fields after OCR correction, which we do not do.
                if record["options"]["autocorrect"].as_bool() == Some(true) {
                    continue;
                }
                compare_cheminfo_fields(&mut t, &name, record, &mrz);
            }
            Some(_) => match parsed {
                Err(_) => t.unsupported += 1,
                // Garbled beyond recognition (OCR `1D` for `ID`), it has the TD2 shape; reading
                // it as an invalid TD2 is right as long as it is not called valid.
                Ok(mrz) if !mrz.valid() => t.unsupported_read_invalid += 1,
                Ok(mrz) => t
                    .disagreements
                    .push(format!("{name}: non-ICAO layout valid as {}", mrz.format)),
            },
        }
    }
    println!(
        "cheminfo-vectors: {} records; ICAO {}: check digits agree {}/{}, field values agree \
         {}/{}; non-ICAO not supported {} (+{} garbled, read as invalid ICAO); rejected as not an \
         MRZ {}; disagreements {}",
        records.len(),
        t.icao,
        t.checks_agree,
        t.icao,
        t.fields_agree,
        t.field_values,
        t.unsupported,
        t.unsupported_read_invalid,
        t.rejected,
        t.disagreements.len()
    );
    assert!(t.disagreements.is_empty(), "{:#?}", t.disagreements);
    let counted = t.icao + t.unsupported + t.unsupported_read_invalid + t.rejected;
    assert_eq!(counted, records.len());
}

fn compare_cheminfo_fields(t: &mut Tally, name: &str, record: &Value, mrz: &Mrz) {
    let f = &record["fields"];
    let ours = &mrz.fields;
    let sex = match f["sex"].as_str() {
        Some("male") => Some("M".to_owned()),
        Some("female") => Some("F".to_owned()),
        Some(other) => Some(other.to_owned()),
        None => None,
    };
    let our_sex = ours.sex.map(|s| s.as_str()).unwrap_or("");
    t.compare(name, "sex", our_sex, sex);
    let pairs = [
        ("documentCode", &ours.document_code),
        ("issuingState", &ours.issuing_country),
        ("lastName", &ours.surname),
        ("firstName", &ours.given_names),
        ("documentNumber", &ours.document_number),
        ("nationality", &ours.nationality),
        ("birthDate", &ours.birth_date),
        ("expirationDate", &ours.expiry_date),
    ];
    for (key, value) in pairs {
        t.compare(name, key, value, string(&f[key]));
    }
    t.compare(
        name,
        "document_number",
        &ours.document_number,
        string(&record["document_number"]),
    );
    // A TD1 long number's overflow sits in cheminfo's optional1; ours is what follows it.
    let long_number = text_of(record).chars().nth(14) == Some('<');
    if !long_number {
        t.compare(
            name,
            "optional1",
            &spaced(&ours.optional_data),
            string(&f["optional1"]),
        );
    }
    let optional_2 = ours.optional_data_2.as_deref().unwrap_or("");
    t.compare(
        name,
        "optional2",
        &spaced(optional_2),
        string(&f["optional2"]),
    );
    t.compare(
        name,
        "optional",
        &spaced(&ours.optional_data),
        string(&f["optional"]),
    );
    t.compare(
        name,
        "personalNumber",
        &spaced(&ours.optional_data),
        string(&f["personalNumber"]),
    );
    // cheminfo's `valid` also fails on UTO, which we accept; compare it elsewhere only.
    let state_invalid = record["invalid_fields"]
        .as_array()
        .is_some_and(|a| a.iter().any(|v| v == "issuingState" || v == "nationality"));
    if !state_invalid {
        let theirs = record["valid"].as_bool().map(|v| v.to_string());
        t.compare(name, "valid", &mrz.valid().to_string(), theirs);
    }
}

#[test]
fn passporteye_specimens() {
    let Some(records) = load("mrz/icao-specimens.json") else {
        return;
    };
    let mut t = Tally::default();
    for record in &records {
        let name = record["source"].as_str().unwrap_or("?").to_owned();
        let mrz = match parse(&text_of(record)) {
            Ok(mrz) => mrz,
            Err(e) => {
                t.disagreements.push(format!("{name}: {e}"));
                continue;
            }
        };
        let format = match record["format"].as_str() {
            Some("MRVA") => Some("MRV-A"),
            Some("MRVB") => Some("MRV-B"),
            other => other,
        };
        if Some(mrz.format.as_str()) != format {
            t.disagreements
                .push(format!("{name}: read as {}", mrz.format));
        }
        t.compare_checks(&name, record, &mrz);
        let f = &record["fields"];
        let ours = &mrz.fields;
        // PassportEye keeps fillers in codes, numbers and optional data.
        let trimmed = |key: &str| string(&f[key]).map(|s| s.trim_matches('<').to_owned());
        let our_sex = ours.sex.map(|s| s.as_str()).unwrap_or("");
        t.compare(&name, "type", &ours.document_code, trimmed("type"));
        t.compare(&name, "country", &ours.issuing_country, trimmed("country"));
        t.compare(&name, "number", &ours.document_number, trimmed("number"));
        t.compare(
            &name,
            "date_of_birth",
            &ours.birth_date,
            string(&f["date_of_birth"]),
        );
        t.compare(
            &name,
            "expiration_date",
            &ours.expiry_date,
            string(&f["expiration_date"]),
        );
        t.compare(
            &name,
            "nationality",
            &ours.nationality,
            trimmed("nationality"),
        );
        t.compare(&name, "sex", our_sex, string(&f["sex"]));
        t.compare(&name, "surname", &ours.surname, string(&f["surname"]));
        t.compare(&name, "names", &ours.given_names, string(&f["names"]));
        t.compare(
            &name,
            "personal_number",
            &ours.optional_data,
            trimmed("personal_number"),
        );
        t.compare(
            &name,
            "optional1",
            &ours.optional_data,
            trimmed("optional1"),
        );
        let optional_2 = ours.optional_data_2.as_deref().unwrap_or("");
        t.compare(&name, "optional2", optional_2, trimmed("optional2"));
        let theirs = record["valid"].as_bool().map(|v| v.to_string());
        t.compare(&name, "valid", &mrz.valid().to_string(), theirs);
    }
    println!(
        "icao-specimens: {} records; check digits agree {}/{}, field values agree {}/{}; \
         disagreements {}",
        records.len(),
        t.checks_agree,
        t.icao,
        t.fields_agree,
        t.field_values,
        t.disagreements.len()
    );
    assert!(t.disagreements.is_empty(), "{:#?}", t.disagreements);
    assert_eq!(t.icao, records.len());
}
