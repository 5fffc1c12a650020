//! Credentials: password hashing, session tokens, operator keys, and the extractors that put
//! the required permission into a handler's signature.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use chrono::Utc;
use gatehouse_core::ids::AccountId;
use gatehouse_store::models::{ApiKey, KeyScope, Role, StaffUser};
use gatehouse_store::repo::{ApiKeyRepo, ReviewRepo, SessionRepo};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

use crate::error::ApiError;
use crate::state::AppState;

/// Session tokens start with this; operator keys with [`API_KEY_PREFIX`].
pub const SESSION_PREFIX: &str = "ghs_";
pub const API_KEY_PREFIX: &str = "ghk_";
/// Staff (reviewer) session tokens.
pub const STAFF_PREFIX: &str = "ghr_";

/// argon2id with OWASP's minimum: 19 MiB, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (CPU-heavy: call from a blocking thread).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// Verifies a password against a stored PHC string (CPU-heavy: call from a blocking thread).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the login is unknown, so that both cases take as long.
pub static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("gatehouse-timing-equaliser").unwrap_or_default());

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// A new session token: 128 random bits.
pub fn new_session_token() -> String {
    format!("{SESSION_PREFIX}{}", random_hex(16))
}

/// A new staff session token: 128 random bits.
pub fn new_staff_token() -> String {
    format!("{STAFF_PREFIX}{}", random_hex(16))
}

/// A CSRF token for a back-office session: 128 random bits.
pub fn new_csrf_token() -> String {
    random_hex(16)
}

/// Compares secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A new operator API key: 256 random bits.
pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", random_hex(32))
}

/// What is stored for a token or key: its SHA-256. The secrets are random, so a fast hash
/// suffices (no dictionary to attack).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// A signed-in applicant.
#[derive(Debug, Clone)]
pub struct Applicant {
    pub account_id: AccountId,
    /// Hash of the session token, to sign out.
    pub session_hash: String,
}

impl FromRequestParts<AppState> for Applicant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)
            .filter(|t| t.starts_with(SESSION_PREFIX))
            .ok_or(ApiError::Unauthorized)?;
        let hash = token_hash(token);
        let account_id = state
            .db()
            .session_account(&hash, Utc::now())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Applicant {
            account_id,
            session_hash: hash,
        })
    }
}

/// An operator (the exchange's backend or an administrator) with any scope.
#[derive(Debug, Clone)]
pub struct Operator(pub ApiKey);

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)
            .filter(|t| t.starts_with(API_KEY_PREFIX))
            .ok_or(ApiError::Unauthorized)?;
        let key = state
            .db()
            .active_api_key(&token_hash(token))
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Operator(key))
    }
}

/// An operator whose key has the `admin` scope.
#[derive(Debug, Clone)]
pub struct Admin(pub ApiKey);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Operator(key) = Operator::from_request_parts(parts, state).await?;
        if key.scope != KeyScope::Admin {
            return Err(ApiError::Forbidden);
        }
        Ok(Admin(key))
    }
}

/// A signed-in staff user (review API: `Authorization: Bearer ghr_...`), any role.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: StaffUser,
    pub session_hash: String,
    pub csrf: String,
}

impl Staff {
    /// Resolves a staff session token (from a header or the back-office cookie).
    pub async fn from_token(state: &AppState, token: &str) -> Result<Self, ApiError> {
        if !token.starts_with(STAFF_PREFIX) {
            return Err(ApiError::Unauthorized);
        }
        let hash = token_hash(token);
        let (user, csrf) = state
            .db()
            .staff_session(&hash, Utc::now())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Staff {
            user,
            session_hash: hash,
            csrf,
        })
    }

    pub fn actor(&self) -> String {
        format!("staff:{}", self.user.id)
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or(ApiError::Unauthorized)?;
        Staff::from_token(state, token).await
    }
}

/// Whether a role may decide cases.
pub fn can_review(role: Role) -> bool {
    matches!(role, Role::Reviewer | Role::SeniorReviewer)
}

/// A staff user who may work on cases: `reviewer` or `senior_reviewer`.
#[derive(Debug, Clone)]
pub struct Reviewer(pub Staff);

impl FromRequestParts<AppState> for Reviewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let staff = Staff::from_request_parts(parts, state).await?;
        if !can_review(staff.user.role) {
            return Err(ApiError::Forbidden);
        }
        Ok(Reviewer(staff))
    }
}

/// A `senior_reviewer`: handles escalations and confirms four-eyes decisions.
#[derive(Debug, Clone)]
pub struct SeniorReviewer(pub Staff);

impl FromRequestParts<AppState> for SeniorReviewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let staff = Staff::from_request_parts(parts, state).await?;
        if staff.user.role != Role::SeniorReviewer {
            return Err(ApiError::Forbidden);
        }
        Ok(SeniorReviewer(staff))
    }
}

/// A staff `admin`: staff and audit administration; does not decide cases.
#[derive(Debug, Clone)]
pub struct StaffAdmin(pub Staff);

impl FromRequestParts<AppState> for StaffAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let staff = Staff::from_request_parts(parts, state).await?;
        if staff.user.role != Role::Admin {
            return Err(ApiError::Forbidden);
        }
        Ok(StaffAdmin(staff))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_owasp_parameters() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("correct horse battery stapler", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_prefixed() {
        let a = new_session_token();
        assert_eq!(a.len(), SESSION_PREFIX.len() + 32);
        assert_ne!(a, new_session_token());
        assert!(new_api_key().starts_with(API_KEY_PREFIX));
        assert_eq!(token_hash("x").len(), 64);
    }
}
