//! The built-in `generic` provider: its payload already is the normalised result.
//!
//! ```json
//! {"application_id": "0190…", "session_id": "ls_123", "passed": false,
//!  "reasons": ["low_light", "glasses"]}
//! ```
//! `reasons` may be omitted (no reasons). Unknown fields are refused so that a misspelt key
//! (`"pass": true`) is reported instead of silently read as a failure. The same payload is
//! what operators send to `POST /v1/integrations/liveness/{provider}/results`, and it is the
//! model to follow when writing an adapter for a provider's own shape: read its fields, map
//! its reason vocabulary onto [`LivenessReason`], and finish with [`super::result`].

use serde_json::{Map, Value};

use super::{result, Adapter, LivenessReason, LivenessResult};
use crate::application::FieldError;

const FIELDS: [&str; 4] = ["application_id", "session_id", "passed", "reasons"];

pub struct Generic;

impl Adapter for Generic {
    fn name(&self) -> &'static str {
        "generic"
    }

    fn normalise(&self, payload: &Value) -> Result<LivenessResult, Vec<FieldError>> {
        let Some(obj) = payload.as_object() else {
            return Err(vec![error("", "invalid_type", "must be a JSON object")]);
        };
        let mut errors: Vec<FieldError> = obj
            .keys()
            .filter(|k| !FIELDS.contains(&k.as_str()))
            .map(|k| error(k, "unknown_field", "is not a known field"))
            .collect();
        let application_id = match obj.get("application_id").and_then(Value::as_str) {
            Some(s) => s.parse().ok(),
            None => None,
        };
        if application_id.is_none() {
            errors.push(error(
                "application_id",
                "invalid_application_id",
                "must be the application's id",
            ));
        }
        let session_id = obj.get("session_id").and_then(Value::as_str);
        if session_id.is_none() {
            errors.push(error("session_id", "required", "must be a string"));
        }
        let passed = obj.get("passed").and_then(Value::as_bool);
        if passed.is_none() {
            errors.push(error("passed", "required", "must be true or false"));
        }
        let reasons = reasons(obj, &mut errors);
        match (application_id, session_id, passed) {
            (Some(id), Some(session), Some(passed)) if errors.is_empty() => {
                result(id, session, passed, reasons)
            }
            _ => Err(errors),
        }
    }
}

fn reasons(obj: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Vec<LivenessReason> {
    let items = match obj.get("reasons") {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.push(error("reasons", "invalid_type", "must be an array"));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str().and_then(LivenessReason::parse) {
            Some(r) => out.push(r),
            None => errors.push(error(
                &format!("reasons[{i}]"),
                "unknown_reason",
                &format!(
                    "must be one of {}",
                    LivenessReason::ALL.map(|r| r.as_str()).join(", ")
                ),
            )),
        }
    }
    out
}

fn error(field: &str, code: &'static str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code,
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ids::ApplicationId;

    #[test]
    fn reads_the_normalised_shape() {
        let id = ApplicationId::new();
        let r = Generic
            .normalise(&json!({
                "application_id": id.to_string(),
                "session_id": "ls_1",
                "passed": false,
                "reasons": ["glasses", "low_light"],
            }))
            .unwrap();
        assert_eq!(r.application_id, id);
        assert!(!r.passed);
        assert_eq!(
            r.reasons,
            vec![LivenessReason::LowLight, LivenessReason::Glasses]
        );
        let r = Generic
            .normalise(
                &json!({"application_id": id.to_string(), "session_id": "x", "passed": true}),
            )
            .unwrap();
        assert!(r.passed && r.reasons.is_empty());
    }

    #[test]
    fn names_every_bad_field() {
        let errors = Generic
            .normalise(&json!({
                "application_id": "not-a-uuid",
                "pass": true,
                "reasons": ["low_light", "sunglasses", 3],
            }))
            .unwrap_err();
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert!(fields.contains(&("pass", "unknown_field")));
        assert!(fields.contains(&("application_id", "invalid_application_id")));
        assert!(fields.contains(&("session_id", "required")));
        assert!(fields.contains(&("passed", "required")));
        assert!(fields.contains(&("reasons[1]", "unknown_reason")));
        assert!(fields.contains(&("reasons[2]", "unknown_reason")));
        assert_eq!(errors.len(), 6);
        assert!(Generic.normalise(&json!([1])).is_err());
    }
}
