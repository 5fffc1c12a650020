//! What an applicant declares about themselves and their identity document.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::Invalid;

/// A personal name as typed: trimmed, inner white space folded, 1 to 100 characters,
/// at least one letter, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let count = folded.chars().count();
        if count == 0 || count > 100 {
            return Err(Invalid::new("invalid_name", "must be 1 to 100 characters"));
        }
        if folded.chars().any(char::is_control) || !folded.chars().any(char::is_alphabetic) {
            return Err(Invalid::new(
                "invalid_name",
                "must contain letters and no control characters",
            ));
        }
        Ok(Self(folded))
    }
}

string_newtype!(Name);

/// Sex as printed on travel documents (ICAO 9303: M, F, or X for unspecified).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    M,
    F,
    X,
}

impl Sex {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        match input.trim().to_ascii_uppercase().as_str() {
            "M" => Ok(Sex::M),
            "F" => Ok(Sex::F),
            "X" => Ok(Sex::X),
            _ => Err(Invalid::new("invalid_sex", "must be M, F or X")),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Sex::M => "M",
            Sex::F => "F",
            Sex::X => "X",
        }
    }
}

/// The kinds of identity document Gatehouse accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    IdCard,
    Passport,
    DrivingLicence,
    ResidencePermit,
}

impl DocumentType {
    pub const ALL: [DocumentType; 4] = [
        DocumentType::IdCard,
        DocumentType::Passport,
        DocumentType::DrivingLicence,
        DocumentType::ResidencePermit,
    ];

    pub fn parse(input: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == input)
            .ok_or_else(|| {
                Invalid::new(
                    "invalid_document_type",
                    "must be one of id_card, passport, driving_licence, residence_permit",
                )
            })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            DocumentType::IdCard => "id_card",
            DocumentType::Passport => "passport",
            DocumentType::DrivingLicence => "driving_licence",
            DocumentType::ResidencePermit => "residence_permit",
        }
    }

    /// A passport is one data page; the cards have a front and a back.
    pub fn has_back(&self) -> bool {
        !matches!(self, DocumentType::Passport)
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A document number as typed, upper-cased with spaces removed. Format rules per country and
/// type belong to the identity checks; here only its alphabet and length are enforced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let value: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if value.is_empty()
            || value.len() > 40
            || !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
        {
            return Err(Invalid::new(
                "invalid_document_number",
                "must be 1 to 40 letters, digits, '-' or '/'",
            ));
        }
        Ok(Self(value))
    }
}

string_newtype!(DocumentNumber);

/// The machine-readable zone as the applicant's app read it (by camera OCR or from the chip),
/// one line per MRZ line. Only its shape is checked here; its check digits and its agreement with
/// the typed data are the identity checks' job, so that a bad MRZ is a reason, not a 422.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MrzText(String);

impl MrzText {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let lines: Vec<String> = input
            .lines()
            .map(|l| l.trim().to_ascii_uppercase())
            .filter(|l| !l.is_empty())
            .collect();
        let shape_ok = (1..=3).contains(&lines.len())
            && lines.iter().all(|l| {
                l.len() <= 50 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'<')
            });
        if !shape_ok {
            return Err(Invalid::new(
                "invalid_mrz",
                "must be 1 to 3 lines of at most 50 characters A-Z, 0-9 and '<'",
            ));
        }
        Ok(Self(lines.join("\n")))
    }
}

string_newtype!(MrzText);

/// When a document stops being valid. Some documents (a long-term Chinese resident ID)
/// never expire, which is different from an expiry date the applicant has not given yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expiry {
    On(NaiveDate),
    Never,
}

/// Parses a calendar date written as `YYYY-MM-DD`.
pub fn parse_date(input: &str) -> Result<NaiveDate, Invalid> {
    let ok_shape = input.len() == 10
        && input.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    ok_shape
        .then(|| NaiveDate::parse_from_str(input, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| Invalid::new("invalid_date", "must be a date written as YYYY-MM-DD"))
}

/// The applicant's declared personal data. Fields are optional while the application is a draft;
/// the required-data check reports what is missing at submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub given_names: Option<Name>,
    pub surname: Option<Name>,
    pub native_name: Option<Name>,
    pub date_of_birth: Option<NaiveDate>,
    pub nationality: Option<CountryCode>,
    pub residence_country: Option<CountryCode>,
    pub sex: Option<Sex>,
}

/// The identity document as the applicant describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub doc_type: Option<DocumentType>,
    pub issuing_country: Option<CountryCode>,
    pub number: Option<DocumentNumber>,
    pub expiry: Option<Expiry>,
    /// The MRZ read by the applicant's app, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mrz: Option<MrzText>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_iso_calendar_dates() {
        assert!(parse_date("2030-02-28").is_ok());
        for bad in [
            "2030-02-30",
            "30-02-2030",
            "2030-2-3",
            "2030/02/03",
            "",
            "2030-02-03T00",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_folded_and_need_letters() {
        assert_eq!(
            Name::parse("  Zhang   San  ").unwrap().as_str(),
            "Zhang San"
        );
        assert_eq!(Name::parse("张三丰").unwrap().as_str(), "张三丰");
        assert!(Name::parse("1234").is_err());
        assert!(Name::parse("a\u{0007}b").is_err());
        assert!(Name::parse(&"a".repeat(101)).is_err());
    }

    #[test]
    fn mrz_text_keeps_lines_and_checks_only_shape() {
        let m =
            MrzText::parse("  p<utoeriksson<<anna  \n\n L898902C36UTO7408122F1204159 ").unwrap();
        assert_eq!(
            m.as_str(),
            "P<UTOERIKSSON<<ANNA\nL898902C36UTO7408122F1204159"
        );
        assert!(MrzText::parse("").is_err());
        assert!(MrzText::parse("A\nB\nC\nD").is_err());
        assert!(MrzText::parse("P<UTO ERIKSSON").is_err());
    }

    #[test]
    fn document_numbers_drop_spaces_and_upper_case() {
        assert_eq!(
            DocumentNumber::parse(" e1234 5678 ").unwrap().as_str(),
            "E12345678"
        );
        assert!(DocumentNumber::parse("12<34").is_err());
    }
}
