//! The JSON shape of `gatehouse inspect mrz`.

use serde_json::{json, Map, Value};

use super::{parse, Mrz, NotAnMrz};

impl Mrz {
    /// `{format, valid, fields, checks, errors}`; keys a format lacks are left out.
    pub fn to_json(&self) -> Value {
        let f = &self.fields;
        let mut fields = Map::new();
        let mut put = |key: &str, value: Value| {
            fields.insert(key.to_owned(), value);
        };
        put("document_code", json!(f.document_code));
        put("issuing_country", json!(f.issuing_country));
        put("surname", json!(f.surname));
        put("given_names", json!(f.given_names));
        put("document_number", json!(f.document_number));
        put("nationality", json!(f.nationality));
        put("birth_date", json!(f.birth_date));
        put("sex", json!(f.sex.map(|s| s.as_str())));
        put("expiry_date", json!(f.expiry_date));
        put("optional_data", json!(f.optional_data));
        if let Some(o2) = &f.optional_data_2 {
            put("optional_data_2", json!(o2));
        }
        let c = &self.checks;
        let mut checks = Map::new();
        checks.insert("document_number".into(), json!(c.document_number));
        checks.insert("birth_date".into(), json!(c.birth_date));
        checks.insert("expiry_date".into(), json!(c.expiry_date));
        if let Some(ok) = c.optional_data {
            checks.insert("optional_data".into(), json!(ok));
        }
        if let Some(ok) = c.composite {
            checks.insert("composite".into(), json!(ok));
        }
        let errors: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        json!({
            "format": self.format.as_str(),
            "valid": self.valid(),
            "fields": fields,
            "checks": checks,
            "errors": errors,
        })
    }
}

/// Parses `text` and returns the JSON of [`Mrz::to_json`].
pub fn inspect(text: &str) -> Result<Value, NotAnMrz> {
    parse(text).map(|mrz| mrz.to_json())
}
