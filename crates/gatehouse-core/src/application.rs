//! A verification application: its data, its file slots and its state machine, plus the JSON
//! form the API reads and writes (creation body, JSON merge patch, representation).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::country::CountryCode;
use crate::person::{
    parse_date, Document, DocumentNumber, DocumentType, Expiry, MrzText, Name, Person, Sex,
};
use crate::Invalid;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Draft,
    Approved,
    RejectedRetry,
    RejectedFinal,
    ManualReview,
    /// A reviewer asked the applicant for more information; answering returns it to review.
    InfoRequested,
    /// Submitted and checked; the decision waits for the liveness provider's result.
    AwaitingLiveness,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 7] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Approved,
        ApplicationStatus::RejectedRetry,
        ApplicationStatus::RejectedFinal,
        ApplicationStatus::ManualReview,
        ApplicationStatus::InfoRequested,
        ApplicationStatus::AwaitingLiveness,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::RejectedRetry => "rejected_retry",
            ApplicationStatus::RejectedFinal => "rejected_final",
            ApplicationStatus::ManualReview => "manual_review",
            ApplicationStatus::InfoRequested => "info_requested",
            ApplicationStatus::AwaitingLiveness => "awaiting_liveness",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == input)
    }

    /// Data and files may change, and the application may be submitted, only in these states.
    pub fn is_editable(&self) -> bool {
        matches!(
            self,
            ApplicationStatus::Draft | ApplicationStatus::RejectedRetry
        )
    }
}

/// A file slot of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    DocumentFront,
    DocumentBack,
    Selfie,
    ProofOfAddress,
}

impl Slot {
    pub const ALL: [Slot; 4] = [
        Slot::DocumentFront,
        Slot::DocumentBack,
        Slot::Selfie,
        Slot::ProofOfAddress,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Slot::DocumentFront => "document_front",
            Slot::DocumentBack => "document_back",
            Slot::Selfie => "selfie",
            Slot::ProofOfAddress => "proof_of_address",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == input)
    }
}

/// The declared data of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationData {
    /// The verification level applied for (1 to 3); the document policy may differ by level.
    #[serde(default = "default_level")]
    pub level: u8,
    pub person: Person,
    pub document: Document,
}

fn default_level() -> u8 {
    1
}

impl Default for ApplicationData {
    fn default() -> Self {
        Self {
            level: default_level(),
            person: Person::default(),
            document: Document::default(),
        }
    }
}

/// Highest verification level.
pub const MAX_LEVEL: u8 = 3;

/// One invalid field of a request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path, e.g. `person.date_of_birth`.
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

const PERSON_FIELDS: [&str; 7] = [
    "given_names",
    "surname",
    "native_name",
    "date_of_birth",
    "nationality",
    "residence_country",
    "sex",
];
const DOCUMENT_FIELDS: [&str; 5] = ["type", "issuing_country", "number", "expiry_date", "mrz"];

impl ApplicationData {
    /// Reads the API body `{person: {...}, document: {...}}`. Every field may be absent (a draft
    /// is filled in over time); a present field must be valid, and unknown fields are refused so
    /// that a misspelt key is not silently dropped. `document.expiry_date: null` means the
    /// document never expires.
    pub fn from_json(body: &Value) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let Some(root) = body.as_object() else {
            return Err(vec![field_error(
                "",
                "invalid_type",
                "must be a JSON object",
            )]);
        };
        for key in root.keys() {
            if !["person", "document", "level"].contains(&key.as_str()) {
                errors.push(field_error(key, "unknown_field", "is not a known field"));
            }
        }
        let person_obj = section(root, "person", &PERSON_FIELDS, &mut errors);
        let document_obj = section(root, "document", &DOCUMENT_FIELDS, &mut errors);

        let mut r = Reader {
            errors: &mut errors,
        };
        let person = Person {
            given_names: r.string(&person_obj, "person", "given_names", Name::parse),
            surname: r.string(&person_obj, "person", "surname", Name::parse),
            native_name: r.string(&person_obj, "person", "native_name", Name::parse),
            date_of_birth: r.string(&person_obj, "person", "date_of_birth", parse_date),
            nationality: r.string(&person_obj, "person", "nationality", CountryCode::parse),
            residence_country: r.string(
                &person_obj,
                "person",
                "residence_country",
                CountryCode::parse,
            ),
            sex: r.string(&person_obj, "person", "sex", Sex::parse),
        };
        let expiry = match document_obj.get("expiry_date") {
            None => None,
            Some(Value::Null) => Some(Expiry::Never),
            Some(_) => r
                .string(&document_obj, "document", "expiry_date", parse_date)
                .map(Expiry::On),
        };
        let document = Document {
            doc_type: r.string(&document_obj, "document", "type", DocumentType::parse),
            issuing_country: r.string(
                &document_obj,
                "document",
                "issuing_country",
                CountryCode::parse,
            ),
            number: r.string(&document_obj, "document", "number", DocumentNumber::parse),
            expiry,
            mrz: r.string(&document_obj, "document", "mrz", MrzText::parse),
        };
        let level = match root.get("level") {
            None | Some(Value::Null) => default_level(),
            Some(v) => match v.as_u64() {
                Some(n @ 1..=3) => n as u8,
                _ => {
                    errors.push(field_error(
                        "level",
                        "invalid_level",
                        "must be a whole number from 1 to 3",
                    ));
                    default_level()
                }
            },
        };
        if errors.is_empty() {
            Ok(Self {
                level,
                person,
                document,
            })
        } else {
            Err(errors)
        }
    }

    /// The API representation; the inverse of [`ApplicationData::from_json`].
    pub fn to_json(&self) -> Value {
        let mut person = Map::new();
        let p = &self.person;
        put(
            &mut person,
            "given_names",
            p.given_names.as_ref().map(Name::as_str),
        );
        put(&mut person, "surname", p.surname.as_ref().map(Name::as_str));
        put(
            &mut person,
            "native_name",
            p.native_name.as_ref().map(Name::as_str),
        );
        put(
            &mut person,
            "date_of_birth",
            p.date_of_birth.map(|d| d.to_string()).as_deref(),
        );
        put(
            &mut person,
            "nationality",
            p.nationality.as_ref().map(CountryCode::as_str),
        );
        put(
            &mut person,
            "residence_country",
            p.residence_country.as_ref().map(CountryCode::as_str),
        );
        put(&mut person, "sex", p.sex.as_ref().map(Sex::as_str));

        let mut document = Map::new();
        let d = &self.document;
        put(
            &mut document,
            "type",
            d.doc_type.as_ref().map(DocumentType::as_str),
        );
        put(
            &mut document,
            "issuing_country",
            d.issuing_country.as_ref().map(CountryCode::as_str),
        );
        put(
            &mut document,
            "number",
            d.number.as_ref().map(DocumentNumber::as_str),
        );
        put(&mut document, "mrz", d.mrz.as_ref().map(MrzText::as_str));
        match d.expiry {
            Some(Expiry::On(date)) => {
                document.insert("expiry_date".into(), Value::String(date.to_string()));
            }
            Some(Expiry::Never) => {
                document.insert("expiry_date".into(), Value::Null);
            }
            None => {}
        }
        serde_json::json!({ "level": self.level, "person": person, "document": document })
    }

    /// Applies a JSON merge patch (RFC 7386) to this data and re-validates the result. As in
    /// the creation body, `document.expiry_date: null` sets "never expires" instead of removing.
    pub fn merge_patch(&self, patch: &Value) -> Result<Self, Vec<FieldError>> {
        if !patch.is_object() {
            return Err(vec![field_error(
                "",
                "invalid_type",
                "must be a JSON object",
            )]);
        }
        let mut target = self.to_json();
        merge(&mut target, patch, "");
        Self::from_json(&target)
    }
}

fn merge(target: &mut Value, patch: &Value, path: &str) {
    let Some(patch_obj) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(obj) = target.as_object_mut() else {
        return;
    };
    for (key, value) in patch_obj {
        let child = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        if value.is_null() && child != "document.expiry_date" {
            obj.remove(key);
        } else {
            merge(obj.entry(key.clone()).or_insert(Value::Null), value, &child);
        }
    }
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), Value::String(v.to_owned()));
    }
}

fn field_error(field: &str, code: &'static str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code,
        message: message.to_owned(),
    }
}

fn section(
    root: &Map<String, Value>,
    name: &str,
    known: &[&str],
    errors: &mut Vec<FieldError>,
) -> Map<String, Value> {
    match root.get(name) {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(obj)) => {
            for key in obj.keys() {
                if !known.contains(&key.as_str()) {
                    errors.push(field_error(
                        &format!("{name}.{key}"),
                        "unknown_field",
                        "is not a known field",
                    ));
                }
            }
            obj.clone()
        }
        Some(_) => {
            errors.push(field_error(name, "invalid_type", "must be a JSON object"));
            Map::new()
        }
    }
}

struct Reader<'a> {
    errors: &'a mut Vec<FieldError>,
}

impl Reader<'_> {
    fn string<T>(
        &mut self,
        obj: &Map<String, Value>,
        section: &str,
        key: &str,
        parse: impl Fn(&str) -> Result<T, Invalid>,
    ) -> Option<T> {
        let field = format!("{section}.{key}");
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match parse(s) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.errors.push(FieldError {
                        field,
                        code: e.code,
                        message: e.message,
                    });
                    None
                }
            },
            Some(_) => {
                self.errors
                    .push(field_error(&field, "invalid_type", "must be a string"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full() -> Value {
        json!({
            "person": {"given_names": "San Feng", "surname": "Zhang", "native_name": "张三丰",
                       "date_of_birth": "1990-05-01", "nationality": "CHN",
                       "residence_country": "cn", "sex": "m"},
            "document": {"type": "passport", "issuing_country": "CN",
                         "number": "e1234567", "expiry_date": "2031-01-01"}
        })
    }

    #[test]
    fn round_trips_and_normalises() {
        let data = ApplicationData::from_json(&full()).unwrap();
        let out = data.to_json();
        assert_eq!(out["person"]["nationality"], "CN");
        assert_eq!(out["person"]["sex"], "M");
        assert_eq!(out["document"]["number"], "E1234567");
        assert_eq!(ApplicationData::from_json(&out).unwrap(), data);
    }

    #[test]
    fn collects_every_field_error() {
        let errs = ApplicationData::from_json(&json!({
            "person": {"date_of_birth": "1990-13-01", "nationality": 7, "nickname": "x"},
            "document": {"type": "visa"},
            "extra": true
        }))
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "extra",
            "person.nickname",
            "person.date_of_birth",
            "person.nationality",
            "document.type",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn expiry_null_means_never_and_absent_means_unknown() {
        let never =
            ApplicationData::from_json(&json!({"document": {"expiry_date": null}})).unwrap();
        assert_eq!(never.document.expiry, Some(Expiry::Never));
        let unknown = ApplicationData::from_json(&json!({"document": {}})).unwrap();
        assert_eq!(unknown.document.expiry, None);
        assert_eq!(never.to_json()["document"]["expiry_date"], Value::Null);
        assert!(unknown.to_json()["document"].get("expiry_date").is_none());
    }

    #[test]
    fn merge_patch_changes_one_field_and_null_removes() {
        let data = ApplicationData::from_json(&full()).unwrap();
        let patched = data
            .merge_patch(
                &json!({"document": {"expiry_date": "2035-01-01"}, "person": {"sex": null}}),
            )
            .unwrap();
        assert_eq!(
            patched.document.expiry,
            Some(Expiry::On(parse_date("2035-01-01").unwrap()))
        );
        assert_eq!(patched.person.sex, None);
        assert_eq!(patched.person.surname, data.person.surname);
        let never = data
            .merge_patch(&json!({"document": {"expiry_date": null}}))
            .unwrap();
        assert_eq!(never.document.expiry, Some(Expiry::Never));
        assert!(data
            .merge_patch(&json!({"person": {"surname": 5}}))
            .is_err());
    }

    #[test]
    fn level_defaults_to_one_and_is_bounded() {
        assert_eq!(ApplicationData::from_json(&json!({})).unwrap().level, 1);
        assert_eq!(
            ApplicationData::from_json(&json!({"level": 2}))
                .unwrap()
                .level,
            2
        );
        for bad in [json!(0), json!(4), json!("2"), json!(1.5)] {
            let errs = ApplicationData::from_json(&json!({ "level": bad })).unwrap_err();
            assert_eq!(errs[0].field, "level");
        }
        // Stored data from before levels existed reads as level 1.
        let old: ApplicationData = serde_json::from_value(json!({
            "person": {}, "document": {}
        }))
        .unwrap();
        assert_eq!(old.level, 1);
    }

    #[test]
    fn only_draft_and_retry_are_editable() {
        let editable: Vec<_> = ApplicationStatus::ALL
            .into_iter()
            .filter(ApplicationStatus::is_editable)
            .collect();
        assert_eq!(
            editable,
            [ApplicationStatus::Draft, ApplicationStatus::RejectedRetry]
        );
    }
}
