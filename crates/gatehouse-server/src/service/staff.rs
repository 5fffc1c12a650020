//! Back-office users: creation (CLI), sign-in and sign-out for the review API and the pages.

use chrono::{DateTime, Duration, Utc};
use gatehouse_core::account::Email;
use gatehouse_core::password::check_new_password;
use gatehouse_store::models::{Batch, Role, StaffUser};
use gatehouse_store::repo::ReviewRepo;
use gatehouse_store::{Db, StoreError};

use crate::auth::{
    hash_password, new_csrf_token, new_staff_token, token_hash, verify_password, DUMMY_HASH,
};
use crate::error::ApiError;
use crate::state::AppState;

/// Creates a staff user (`gatehouse users create`). The password follows the applicants' rules.
pub async fn create_user(
    db: &Db,
    email: &str,
    role: Role,
    password: &str,
    actor: &str,
) -> Result<StaffUser, ApiError> {
    let email = Email::parse(email).map_err(|e| ApiError::field("email", e.code, e.message))?;
    check_new_password(password, &[email.as_str()])
        .map_err(|e| ApiError::field("password", e.code, e.message))?;
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)??;
    let now = super::now();
    let user = StaffUser {
        id: gatehouse_core::ids::AccountId::new().to_string(),
        email: email.as_str().to_owned(),
        role,
        created_at: now,
        disabled: false,
    };
    match db.create_staff_user(&user, &hash).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::field(
                "email",
                "staff_exists",
                "a staff user with this e-mail exists",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    let mut batch = Batch::new(now);
    batch.audit(
        actor,
        "staff.created",
        &format!("staff:{}", user.id),
        None,
        Some(serde_json::json!({"email": user.email, "role": role.as_str()})),
    );
    db.commit(&batch).await?;
    Ok(user)
}

/// A new staff session.
pub struct StaffSession {
    pub token: String,
    pub csrf: String,
    pub user: StaffUser,
    pub expires_at: DateTime<Utc>,
}

/// Signs a staff user in with e-mail and password (throttled like applicants' sign-ins).
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<StaffSession, ApiError> {
    let key = format!("staff:{}", email.trim().to_lowercase());
    if let Some(seconds) = state.throttle().locked_for(&key) {
        return Err(ApiError::TooManyLoginAttempts {
            retry_after_seconds: seconds,
        });
    }
    let found = match Email::parse(email) {
        Ok(e) => state.db().staff_credentials(e.as_str()).await?,
        Err(_) => None,
    };
    let hash = found
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let password = password.to_owned();
    let valid = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(ApiError::internal)?;
    let Some((user, _)) = found.filter(|(u, _)| valid && !u.disabled) else {
        state.throttle().record_failure(&key);
        return Err(ApiError::InvalidCredentials);
    };
    state.throttle().record_success(&key);
    let token = new_staff_token();
    let csrf = new_csrf_token();
    let now = super::now();
    let ttl = i64::try_from(state.config().review.session_ttl_minutes).unwrap_or(60);
    let expires_at = now + Duration::minutes(ttl);
    state
        .db()
        .create_staff_session(&token_hash(&token), &user.id, &csrf, now, expires_at)
        .await?;
    let mut batch = Batch::new(now);
    batch.audit(
        &format!("staff:{}", user.id),
        "staff.signed_in",
        &format!("staff:{}", user.id),
        None,
        None,
    );
    state.db().commit(&batch).await?;
    tracing::info!(staff_id = %user.id, "staff signed in");
    Ok(StaffSession {
        token,
        csrf,
        user,
        expires_at,
    })
}

pub async fn logout(state: &AppState, session_hash: &str) -> Result<(), ApiError> {
    state.db().delete_staff_session(session_hash).await?;
    Ok(())
}
