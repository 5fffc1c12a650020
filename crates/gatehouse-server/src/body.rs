//! Request bodies: JSON with clear errors for bad syntax, wrong types and unknown fields.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use gatehouse_core::application::FieldError;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// A JSON body, syntax-checked but not yet typed.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType("application/json".into()));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::MalformedJson(e.to_string()))
    }
}

/// Maps a failure to read the body: too large, or anything else the client caused.
pub fn body_error(e: BytesRejection) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::MalformedJson(e.body_text())
    }
}

/// A raw file body (uploads, pre-checks, appeal files); one over the upload limit is
/// `file_too_large`, naming the limit.
pub fn file_body(
    body: Result<axum::body::Bytes, BytesRejection>,
    limit_bytes: u64,
) -> Result<axum::body::Bytes, ApiError> {
    body.map_err(|e| match body_error(e) {
        ApiError::PayloadTooLarge => ApiError::FileTooLarge { limit_bytes },
        other => other,
    })
}

/// Types a JSON value, reporting the failing field by its path.
pub fn typed<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let (field, code) = if let Some(name) = between(&inner, "missing field `", "`") {
            (join(&path, name), "required")
        } else if let Some(name) = between(&inner, "unknown field `", "`") {
            (join(&path, name), "unknown_field")
        } else {
            (path, "invalid_type")
        };
        ApiError::Validation(vec![FieldError {
            field,
            code,
            message: inner,
        }])
    })
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

fn join(path: &str, name: &str) -> String {
    if path == name || path.ends_with(&format!(".{name}")) {
        path.to_owned()
    } else if path.is_empty() || path == "." {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        password: String,
        count: Option<u32>,
    }

    fn field_of(r: Result<Body, ApiError>) -> (String, &'static str) {
        match r {
            Err(ApiError::Validation(errors)) => (errors[0].field.clone(), errors[0].code),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(field_of(typed(json!({}))), ("password".into(), "required"));
        assert_eq!(
            field_of(typed(json!({"password": 5}))),
            ("password".into(), "invalid_type")
        );
        assert_eq!(
            field_of(typed(json!({"password": "x", "pasword": 1}))),
            ("pasword".into(), "unknown_field")
        );
        assert_eq!(
            field_of(typed(json!({"password": "x", "count": -1}))),
            ("count".into(), "invalid_type")
        );
        assert!(typed::<Body>(json!({"password": "x"})).is_ok());
    }
}
