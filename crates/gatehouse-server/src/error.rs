//! The one error registry at the HTTP edge: every error becomes an RFC 9457
//! `application/problem+json` body with a stable `code`, in the request's language.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse_core::application::FieldError;
use gatehouse_core::i18n::error_title;
use gatehouse_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::lang::current_lang;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("account exists")]
    AccountExists,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("too many login attempts")]
    TooManyLoginAttempts { retry_after_seconds: u64 },
    #[error("application exists")]
    ApplicationExists { application_id: String },
    #[error("application not editable")]
    ApplicationNotEditable { status: &'static str },
    #[error("file too large")]
    FileTooLarge { limit_bytes: u64 },
    #[error("unsupported file type")]
    UnsupportedFileType { accepted: &'static [&'static str] },
    #[error("empty file")]
    EmptyFile,
    #[error("submission cooldown")]
    SubmissionCooldown { retry_after_seconds: u64 },
    #[error("precheck kind invalid")]
    InvalidPrecheckKind,
    #[error("precheck rate limited")]
    PrecheckRateLimited { retry_after_seconds: u64 },
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    #[error("idempotency key invalid")]
    IdempotencyKeyInvalid,
    #[error("application changed")]
    ApplicationChanged,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("service unavailable")]
    Unavailable,
    /// The service is not offered where the request comes from. Never suggests a way around.
    #[error("region restricted")]
    RegionRestricted,
    /// Banned or closed: correct password, but no sessions.
    #[error("account disabled")]
    AccountDisabled,
    /// A replay of a webhook delivery that a dispatcher is sending right now.
    #[error("delivery in progress")]
    DeliveryInProgress,
    /// The case is not in a state that allows this (claimed by someone else, closed, ...).
    #[error("case conflict")]
    CaseConflict(String),
    /// Four-eyes: the confirming senior reviewer must differ from the one who decided.
    #[error("four eyes")]
    SameReviewer,
    #[error("appeal not allowed")]
    AppealNotAllowed { status: &'static str },
    #[error("appeal open")]
    AppealOpen { appeal_id: String },
    #[error("appeal limit reached")]
    AppealLimitReached { limit: u32 },
    #[error("appeal cooldown")]
    AppealCooldown { retry_after_seconds: u64 },
    #[error("appeal not editable")]
    AppealNotEditable,
    #[error("no information requested")]
    InfoNotRequested,
    /// A liveness provider Gatehouse knows, but whose secret is not configured.
    #[error("liveness provider not configured")]
    LivenessProviderNotConfigured,
    #[error("signature missing")]
    SignatureMissing,
    #[error("signature invalid")]
    SignatureInvalid,
    /// The signed timestamp is outside the tolerance.
    #[error("signature expired")]
    SignatureExpired,
    /// A signed delivery received before.
    #[error("delivery replayed")]
    DeliveryReplayed,
    /// The session was delivered before with another verdict.
    #[error("liveness session conflict")]
    LivenessSessionConflict,
    /// The result names an application that does not exist.
    #[error("unknown application")]
    LivenessUnknownApplication,
    /// Anything unexpected. The text goes to the log only, never to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }

    /// One field's error as a validation failure.
    pub fn field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError {
            field: field.to_owned(),
            code,
            message: message.into(),
        }])
    }

    /// The registry: status and stable code of each error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        use ApiError::*;
        match self {
            MalformedJson(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            NotFound => (StatusCode::NOT_FOUND, "not_found"),
            MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AccountExists => (StatusCode::CONFLICT, "account_exists"),
            InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            TooManyLoginAttempts { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_login_attempts")
            }
            ApplicationExists { .. } => (StatusCode::CONFLICT, "application_exists"),
            ApplicationNotEditable { .. } => (StatusCode::CONFLICT, "application_not_editable"),
            FileTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"),
            UnsupportedFileType { .. } => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_file_type")
            }
            EmptyFile => (StatusCode::UNPROCESSABLE_ENTITY, "empty_file"),
            SubmissionCooldown { .. } => (StatusCode::TOO_MANY_REQUESTS, "submission_cooldown"),
            InvalidPrecheckKind => (StatusCode::BAD_REQUEST, "invalid_precheck_kind"),
            PrecheckRateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "precheck_rate_limited"),
            IdempotencyKeyReused => (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"),
            IdempotencyKeyInvalid => (StatusCode::BAD_REQUEST, "idempotency_key_invalid"),
            ApplicationChanged => (StatusCode::CONFLICT, "application_changed"),
            PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable"),
            RegionRestricted => (StatusCode::FORBIDDEN, "region_restricted"),
            AccountDisabled => (StatusCode::FORBIDDEN, "account_disabled"),
            DeliveryInProgress => (StatusCode::CONFLICT, "delivery_in_progress"),
            CaseConflict(_) => (StatusCode::CONFLICT, "case_conflict"),
            SameReviewer => (StatusCode::FORBIDDEN, "four_eyes_same_reviewer"),
            AppealNotAllowed { .. } => (StatusCode::CONFLICT, "appeal_not_allowed"),
            AppealOpen { .. } => (StatusCode::CONFLICT, "appeal_open"),
            AppealLimitReached { .. } => (StatusCode::CONFLICT, "appeal_limit_reached"),
            AppealCooldown { .. } => (StatusCode::TOO_MANY_REQUESTS, "appeal_cooldown"),
            AppealNotEditable => (StatusCode::CONFLICT, "appeal_not_editable"),
            InfoNotRequested => (StatusCode::CONFLICT, "info_not_requested"),
            LivenessProviderNotConfigured => (
                StatusCode::SERVICE_UNAVAILABLE,
                "liveness_provider_not_configured",
            ),
            SignatureMissing => (StatusCode::UNAUTHORIZED, "signature_missing"),
            SignatureInvalid => (StatusCode::UNAUTHORIZED, "signature_invalid"),
            SignatureExpired => (StatusCode::UNAUTHORIZED, "signature_expired"),
            DeliveryReplayed => (StatusCode::CONFLICT, "delivery_replayed"),
            LivenessSessionConflict => (StatusCode::CONFLICT, "liveness_session_conflict"),
            LivenessUnknownApplication => (StatusCode::UNPROCESSABLE_ENTITY, "unknown_application"),
            Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }

    /// Specific, safe detail for the client (English; the title is localised).
    fn detail(&self) -> String {
        use ApiError::*;
        match self {
            MalformedJson(why) => format!("The body could not be parsed as JSON: {why}"),
            Validation(errors) => format!("{} field(s) are invalid; see errors.", errors.len()),
            UnsupportedMediaType(expected) => format!("Send the body as {expected}."),
            TooManyLoginAttempts {
                retry_after_seconds,
            }
            | SubmissionCooldown {
                retry_after_seconds,
            }
            | PrecheckRateLimited {
                retry_after_seconds,
            } => {
                format!("Try again in {retry_after_seconds} seconds.")
            }
            InvalidPrecheckKind => {
                "Pass ?kind=document, ?kind=selfie or ?kind=proof_of_address.".into()
            }
            ApplicationExists { application_id } => {
                format!("Your application is {application_id}; continue with it.")
            }
            ApplicationNotEditable { status } => {
                format!("The application is {status}; only draft and rejected_retry applications can change.")
            }
            FileTooLarge { limit_bytes } => format!("Files may be at most {limit_bytes} bytes."),
            CaseConflict(why) => why.clone(),
            AppealNotAllowed { status } => {
                format!("The application is {status}; only rejected applications can be appealed.")
            }
            AppealOpen { appeal_id } => {
                format!("Appeal {appeal_id} is still open; continue with it.")
            }
            AppealLimitReached { limit } => {
                format!("An application may be appealed at most {limit} times.")
            }
            AppealCooldown {
                retry_after_seconds,
            } => format!("Try again in {retry_after_seconds} seconds."),
            SignatureExpired => {
                "The signed timestamp is too far from the current time; sign each delivery when it is sent.".into()
            }
            DeliveryReplayed => {
                "This signed delivery was received before; sign each delivery anew.".into()
            }
            LivenessSessionConflict => {
                "This session was delivered before with a different result.".into()
            }
            UnsupportedFileType { accepted } => {
                format!("Accepted file types: {}.", accepted.join(", "))
            }
            _ => String::new(),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyLoginAttempts {
                retry_after_seconds,
            }
            | ApiError::SubmissionCooldown {
                retry_after_seconds,
            }
            | ApiError::PrecheckRateLimited {
                retry_after_seconds,
            }
            | ApiError::AppealCooldown {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        }
    }
}

/// The problem+json body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:gatehouse:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code.
    pub code: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
}

/// One invalid field.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(why) = &self {
            tracing::error!(error = %why, "request failed");
        }
        let lang = current_lang();
        let title = error_title(lang, code).unwrap_or(code).to_owned();
        let detail = Some(self.detail())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| title.clone());
        let problem = Problem {
            type_: format!("urn:gatehouse:problem:{code}"),
            title,
            status: status.as_u16(),
            code: code.to_owned(),
            detail,
            errors: match &self {
                ApiError::Validation(errors) => Some(
                    errors
                        .iter()
                        .map(|e| ProblemField {
                            field: e.field.clone(),
                            code: e.code.to_owned(),
                            message: e.message.clone(),
                        })
                        .collect(),
                ),
                _ => None,
            },
            application_id: match &self {
                ApiError::ApplicationExists { application_id } => Some(application_id.clone()),
                _ => None,
            },
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Ok(v) = HeaderValue::from_str(lang.tag()) {
            headers.insert(header::CONTENT_LANGUAGE, v);
        }
        if let Some(seconds) = self.retry_after() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if matches!(self, ApiError::Unauthorized) {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Database(sqlx::Error::PoolTimedOut) => ApiError::Unavailable,
            other => ApiError::internal(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_core::i18n::{error_codes, Lang};

    #[test]
    fn every_code_has_a_title_in_every_language() {
        let all = [
            ApiError::MalformedJson(String::new()),
            ApiError::Validation(vec![]),
            ApiError::UnsupportedMediaType(String::new()),
            ApiError::Unauthorized,
            ApiError::Forbidden,
            ApiError::NotFound,
            ApiError::MethodNotAllowed,
            ApiError::AccountExists,
            ApiError::InvalidCredentials,
            ApiError::TooManyLoginAttempts {
                retry_after_seconds: 1,
            },
            ApiError::ApplicationExists {
                application_id: String::new(),
            },
            ApiError::ApplicationNotEditable { status: "approved" },
            ApiError::FileTooLarge { limit_bytes: 1 },
            ApiError::UnsupportedFileType { accepted: &[] },
            ApiError::EmptyFile,
            ApiError::SubmissionCooldown {
                retry_after_seconds: 1,
            },
            ApiError::InvalidPrecheckKind,
            ApiError::PrecheckRateLimited {
                retry_after_seconds: 1,
            },
            ApiError::IdempotencyKeyReused,
            ApiError::IdempotencyKeyInvalid,
            ApiError::ApplicationChanged,
            ApiError::PayloadTooLarge,
            ApiError::Unavailable,
            ApiError::RegionRestricted,
            ApiError::AccountDisabled,
            ApiError::DeliveryInProgress,
            ApiError::CaseConflict(String::new()),
            ApiError::SameReviewer,
            ApiError::AppealNotAllowed { status: "draft" },
            ApiError::AppealOpen {
                appeal_id: String::new(),
            },
            ApiError::AppealLimitReached { limit: 1 },
            ApiError::AppealCooldown {
                retry_after_seconds: 1,
            },
            ApiError::AppealNotEditable,
            ApiError::InfoNotRequested,
            ApiError::LivenessProviderNotConfigured,
            ApiError::SignatureMissing,
            ApiError::SignatureInvalid,
            ApiError::SignatureExpired,
            ApiError::DeliveryReplayed,
            ApiError::LivenessSessionConflict,
            ApiError::LivenessUnknownApplication,
            ApiError::Internal(String::new()),
        ];
        let codes: Vec<&str> = all.iter().map(|e| e.status_and_code().1).collect();
        for lang in Lang::ALL {
            let titled: Vec<&str> = error_codes(lang).collect();
            for code in &codes {
                assert!(titled.contains(code), "{code} has no {} title", lang.tag());
            }
        }
        // And the locale files hold no code the registry has forgotten.
        for code in error_codes(Lang::En) {
            assert!(codes.contains(&code), "{code} is not in the registry");
        }
    }
}
