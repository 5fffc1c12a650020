//! Accounts and sessions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use crate::auth::Applicant;
use crate::body::{typed, JsonBody};
use crate::error::{ApiError, Problem};
use crate::region::{ClientIp, DeviceId};
use crate::service::accounts::{self, LoginRequest, RegisterRequest};
use crate::state::AppState;
use crate::views::{AccountView, SessionView};

/// Registers an applicant account with an e-mail or phone number and a password.
#[utoipa::path(post, path = "/v1/accounts", tag = "accounts",
    request_body = RegisterRequest,
    responses(
        (status = 201, body = AccountView),
        (status = 403, description = "region_restricted", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "account_exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "validation_failed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    DeviceId(device): DeviceId,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    let account = accounts::register(&state, ip, device, typed(body)?).await?;
    Ok((StatusCode::CREATED, Json(account.into())))
}

/// Signs in; the token authenticates the applicant's later requests.
#[utoipa::path(post, path = "/v1/sessions", tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 201, body = SessionView),
        (status = 401, description = "invalid_credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "region_restricted or account_disabled", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too_many_login_attempts", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    DeviceId(device): DeviceId,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<SessionView>), ApiError> {
    let session = accounts::login(&state, ip, device, typed(body)?).await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionView {
            token: session.token,
            expires_at: session.expires_at,
        }),
    ))
}

/// Signs out: the current token stops working.
#[utoipa::path(delete, path = "/v1/sessions/current", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn logout(
    State(state): State<AppState>,
    applicant: Applicant,
) -> Result<StatusCode, ApiError> {
    accounts::logout(&state, &applicant.session_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in applicant's account.
#[utoipa::path(get, path = "/v1/me", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, body = AccountView), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(
    State(state): State<AppState>,
    applicant: Applicant,
) -> Result<Json<AccountView>, ApiError> {
    Ok(Json(
        accounts::account(&state, applicant.account_id)
            .await?
            .into(),
    ))
}
