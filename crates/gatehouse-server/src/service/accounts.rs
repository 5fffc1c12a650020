//! Registration, sign-in and sign-out.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use gatehouse_core::account::{Email, Login, Phone, Token};
use gatehouse_core::application::FieldError;
use gatehouse_core::ids::AccountId;
use gatehouse_core::password::check_new_password;
use gatehouse_core::region::RegionContext;
use gatehouse_core::Invalid;
use gatehouse_store::models::Account;
use gatehouse_store::repo::{AccountRepo, SessionRepo};
use gatehouse_store::StoreError;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{hash_password, new_session_token, token_hash, verify_password, DUMMY_HASH};
use crate::error::ApiError;
use crate::region::DeviceId;
use crate::service::linkage;
use crate::state::AppState;
use gatehouse_core::linkage::AccountStatus;

/// `POST /v1/accounts` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// E-mail address; trimmed and lower-cased. Give an e-mail, a phone number, or both.
    pub email: Option<String>,
    /// Phone number in international format; stored as E.164.
    pub phone: Option<String>,
    /// 8 to 128 characters; common passwords are refused.
    pub password: String,
    /// The version of the terms of service the applicant accepted.
    pub terms_version: String,
    /// The version of the risk disclosure the applicant accepted, if shown separately.
    pub risk_disclosure_version: Option<String>,
    /// The referral code or link code the applicant came with.
    pub referral_code: Option<String>,
    /// The app's device id, if it sends it in the body rather than in `X-Device-Id`.
    pub device_id: Option<String>,
}

/// `POST /v1/sessions` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's e-mail or phone number.
    pub login: String,
    pub password: String,
}

fn collect<T>(errors: &mut Vec<FieldError>, field: &str, result: Result<T, Invalid>) -> Option<T> {
    result
        .map_err(|e| {
            errors.push(FieldError {
                field: field.to_owned(),
                code: e.code,
                message: e.message,
            })
        })
        .ok()
}

/// Creates an account from a registration request.
pub async fn register(
    state: &AppState,
    ip: IpAddr,
    device: Option<String>,
    req: RegisterRequest,
) -> Result<Account, ApiError> {
    state.region().enforce(RegionContext::Registration, ip)?;
    let mut errors = Vec::new();
    let email = req
        .email
        .as_deref()
        .and_then(|e| collect(&mut errors, "email", Email::parse(e)));
    let phone = req
        .phone
        .as_deref()
        .and_then(|p| collect(&mut errors, "phone", Phone::parse(p)));
    if req.email.is_none() && req.phone.is_none() {
        errors.push(FieldError {
            field: "email".into(),
            code: "required",
            message: "give an e-mail address or a phone number".into(),
        });
    }
    let identifiers: Vec<&str> = [req.email.as_deref(), req.phone.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    collect(
        &mut errors,
        "password",
        check_new_password(&req.password, &identifiers),
    );
    let terms = collect(
        &mut errors,
        "terms_version",
        Token::parse(&req.terms_version),
    );
    let accepted = &state.config().accounts.terms_versions;
    if let Some(t) = &terms {
        if !accepted.is_empty() && !accepted.iter().any(|v| v == t.as_str()) {
            errors.push(FieldError {
                field: "terms_version".into(),
                code: "unknown_terms_version",
                message: format!("must be one of: {}", accepted.join(", ")),
            });
        }
    }
    let risk = req
        .risk_disclosure_version
        .as_deref()
        .and_then(|v| collect(&mut errors, "risk_disclosure_version", Token::parse(v)));
    let device = match (&req.device_id, device) {
        (Some(d), _) => collect(
            &mut errors,
            "device_id",
            DeviceId::parse(d).map_err(|_| {
                Invalid::new(
                    "invalid_device_id",
                    "must be 1 to 128 printable ASCII characters",
                )
            }),
        ),
        (None, header) => header,
    };
    let referral = req
        .referral_code
        .as_deref()
        .and_then(|v| collect(&mut errors, "referral_code", Token::parse(v)));
    let Some(terms) = terms.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };

    let password = req.password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)??;
    let now = super::now();
    let account = Account {
        id: AccountId::new(),
        email: email.map(String::from),
        phone: phone.map(String::from),
        terms_version: terms.into(),
        terms_accepted_at: now,
        risk_disclosure_version: risk.map(String::from),
        referral_code: referral.map(String::from),
        created_at: now,
        status: AccountStatus::Active,
    };
    match state.db().create_account(&account, &hash).await {
        Ok(()) => {
            let identifiers = state.identity().contact(
                account.email.as_deref(),
                account.phone.as_deref(),
                device.as_deref(),
                Some(ip),
            );
            let links = linkage::record_and_link(state, account.id, &identifiers, now).await?;
            let adverse = links.iter().filter(|l| l.status.is_adverse()).count();
            tracing::info!(
                account_id = %account.id,
                links = links.len(),
                adverse_links = adverse,
                "account registered"
            );
            Ok(account)
        }
        Err(StoreError::Conflict(_)) => Err(ApiError::AccountExists),
        Err(e) => Err(e.into()),
    }
}

/// A new session.
pub struct NewSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Signs in with an e-mail or phone and a password.
pub async fn login(
    state: &AppState,
    ip: IpAddr,
    device: Option<String>,
    req: LoginRequest,
) -> Result<NewSession, ApiError> {
    state.region().enforce(RegionContext::Login, ip)?;
    // An unparseable login cannot match an account; answer like a wrong password.
    let login = Login::parse(&req.login).map(|l| l.to_string()).ok();
    let key = login
        .clone()
        .unwrap_or_else(|| req.login.trim().to_lowercase());
    if let Some(seconds) = state.throttle().locked_for(&key) {
        return Err(ApiError::TooManyLoginAttempts {
            retry_after_seconds: seconds,
        });
    }
    let credentials = match &login {
        Some(l) => state.db().credentials_by_login(l).await?,
        None => None,
    };
    let hash = credentials
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let password = req.password;
    let valid = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(ApiError::internal)?;
    let Some(credentials) = credentials.filter(|_| valid) else {
        state.throttle().record_failure(&key);
        return Err(ApiError::InvalidCredentials);
    };
    state.throttle().record_success(&key);
    // Only after the password: the status of an account is nobody else's business.
    if !credentials.account.status.can_sign_in() {
        return Err(ApiError::AccountDisabled);
    }
    let token = new_session_token();
    let now = super::now();
    let identifiers = state
        .identity()
        .contact(None, None, device.as_deref(), Some(ip));
    linkage::record_and_link(state, credentials.account.id, &identifiers, now).await?;
    let ttl = i64::try_from(state.config().sessions.ttl_minutes).unwrap_or(i64::MAX / 120);
    let expires_at = now + Duration::minutes(ttl);
    state
        .db()
        .create_session(&token_hash(&token), credentials.account.id, now, expires_at)
        .await?;
    tracing::info!(account_id = %credentials.account.id, "signed in");
    Ok(NewSession { token, expires_at })
}

/// Ends the session whose token hash is given.
pub async fn logout(state: &AppState, session_hash: &str) -> Result<(), ApiError> {
    state.db().delete_session(session_hash).await?;
    Ok(())
}

pub async fn account(state: &AppState, id: AccountId) -> Result<Account, ApiError> {
    state.db().account(id).await?.ok_or(ApiError::Unauthorized)
}
