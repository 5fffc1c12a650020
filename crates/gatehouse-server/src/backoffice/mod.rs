//! The reviewers' back office: server-rendered pages (no front-end build) in English and
//! Simplified Chinese. Sign-in sets an HttpOnly, Secure, SameSite=Strict session cookie; every
//! form carries the session's CSRF token; sessions expire. The pages call the same service
//! functions as the JSON review API.

mod html;
mod i18n;

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use gatehouse_core::i18n::Lang;

use crate::auth::{can_review, constant_time_eq, new_csrf_token, Staff};
use crate::error::ApiError;
use crate::service::review::{self, DecisionRequest, QueueQuery};
use crate::service::staff;
use crate::state::AppState;

pub use i18n::{keys as text_keys, t};

/// The session cookie; its value is a staff session token.
pub const SESSION_COOKIE: &str = "gh_staff";
const LOGIN_CSRF_COOKIE: &str = "gh_login_csrf";
const LANG_COOKIE: &str = "gh_lang";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/backoffice",
            get(|| async { Redirect::to("/backoffice/queue") }),
        )
        .route("/backoffice/login", get(login_page).post(login))
        .route("/backoffice/logout", post(logout))
        .route("/backoffice/lang/{lang}", get(set_lang))
        .route("/backoffice/queue", get(queue))
        .route("/backoffice/dashboard", get(dashboard))
        .route("/backoffice/cases/{id}", get(case_page))
        .route("/backoffice/cases/{id}/claim", post(claim))
        .route("/backoffice/cases/{id}/release", post(release))
        .route("/backoffice/cases/{id}/decision", post(decide))
        .route("/backoffice/cases/{id}/confirm", post(confirm))
        .route("/backoffice/cases/{id}/decline", post(decline))
        .route("/backoffice/cases/{id}/messages", post(message))
        .route("/backoffice/cases/{id}/notes", post(note))
        .route("/backoffice/cases/{id}/files/{file_id}", get(file))
}

fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            Some((k.to_owned(), v.to_owned()))
        })
        .collect()
}

/// The page language: the `gh_lang` cookie, else `Accept-Language`.
fn page_lang(headers: &HeaderMap) -> Lang {
    match cookies(headers).get(LANG_COOKIE).map(String::as_str) {
        Some("zh-CN") => Lang::ZhCn,
        Some("en") => Lang::En,
        _ => Lang::negotiate(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        ),
    }
}

/// An HTML page with the back office's security headers.
fn page(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    r
}

/// Why a page could not be shown.
pub enum PageError {
    SignIn,
    Forbidden(Lang),
    Csrf(Lang),
    Failed(Lang, ApiError),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn => Redirect::to("/backoffice/login").into_response(),
            PageError::Forbidden(lang) => page(
                StatusCode::FORBIDDEN,
                html::message_page(lang, t(lang, "forbidden"), None),
            ),
            PageError::Csrf(lang) => page(
                StatusCode::FORBIDDEN,
                html::message_page(lang, t(lang, "csrf_failed"), None),
            ),
            PageError::Failed(lang, e) => {
                let (status, code) = e.status_and_code();
                let detail = match &e {
                    ApiError::CaseConflict(why) => why.clone(),
                    ApiError::Validation(errors) => errors
                        .iter()
                        .map(|x| format!("{}: {}", x.field, x.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                    ApiError::NotFound => t(lang, "not_found").to_owned(),
                    _ => gatehouse_core::i18n::error_title(lang, code)
                        .unwrap_or(code)
                        .to_owned(),
                };
                if let ApiError::Internal(why) = &e {
                    tracing::error!(error = %why, "back-office page failed");
                }
                page(
                    status,
                    html::message_page(lang, t(lang, "error"), Some(&detail)),
                )
            }
        }
    }
}

/// A signed-in staff user on a page (any role), with the page language.
pub struct PageStaff {
    pub staff: Staff,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for PageStaff {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let lang = page_lang(&parts.headers);
        let token = cookies(&parts.headers)
            .remove(SESSION_COOKIE)
            .ok_or(PageError::SignIn)?;
        let staff = Staff::from_token(state, &token)
            .await
            .map_err(|_| PageError::SignIn)?;
        Ok(PageStaff { staff, lang })
    }
}

/// A signed-in reviewer or senior reviewer on a page.
pub struct PageReviewer(pub PageStaff);

impl FromRequestParts<AppState> for PageReviewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let p = PageStaff::from_request_parts(parts, state).await?;
        if !can_review(p.staff.user.role) {
            return Err(PageError::Forbidden(p.lang));
        }
        Ok(PageReviewer(p))
    }
}

/// A submitted form: every value of every field.
pub struct Form(Vec<(String, String)>);

impl Form {
    fn parse(bytes: &[u8]) -> Self {
        Form(
            url::form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Refuses a form whose CSRF token is not the session's.
    fn check(&self, p: &PageStaff) -> Result<(), PageError> {
        match self.get("csrf") {
            Some(token) if constant_time_eq(token, &p.staff.csrf) => Ok(()),
            _ => Err(PageError::Csrf(p.lang)),
        }
    }
}

fn cookie(state: &AppState, name: &str, value: &str, max_age: u64) -> HeaderValue {
    let secure = if state.config().review.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/backoffice; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = page_lang(&headers);
    login_form(&state, lang, None, StatusCode::OK)
}

fn login_form(state: &AppState, lang: Lang, error: Option<&str>, status: StatusCode) -> Response {
    let csrf = new_csrf_token();
    let mut r = page(status, html::login(lang, &csrf, error));
    r.headers_mut().append(
        header::SET_COOKIE,
        cookie(state, LOGIN_CSRF_COOKIE, &csrf, 3600),
    );
    r
}

async fn login(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = page_lang(&headers);
    let form = Form::parse(&body);
    let expected = cookies(&headers).remove(LOGIN_CSRF_COOKIE);
    let sent = form.get("csrf").unwrap_or_default();
    if !expected.is_some_and(|e| !e.is_empty() && constant_time_eq(&e, sent)) {
        return PageError::Csrf(lang).into_response();
    }
    let email = form.get("email").unwrap_or_default();
    let password = form.get("password").unwrap_or_default();
    match staff::login(&state, email, password).await {
        Ok(s) => {
            let ttl = state.config().review.session_ttl_minutes * 60;
            let mut r = Redirect::to("/backoffice/queue").into_response();
            r.headers_mut().append(
                header::SET_COOKIE,
                cookie(&state, SESSION_COOKIE, &s.token, ttl),
            );
            r.headers_mut()
                .append(header::SET_COOKIE, cookie(&state, LOGIN_CSRF_COOKIE, "", 0));
            r
        }
        Err(ApiError::TooManyLoginAttempts { .. }) => login_form(
            &state,
            lang,
            Some(t(lang, "login_locked")),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(ApiError::InvalidCredentials) => login_form(
            &state,
            lang,
            Some(t(lang, "login_failed")),
            StatusCode::UNAUTHORIZED,
        ),
        Err(e) => PageError::Failed(lang, e).into_response(),
    }
}

async fn logout(
    State(state): State<AppState>,
    p: PageStaff,
    body: Bytes,
) -> Result<Response, PageError> {
    Form::parse(&body).check(&p)?;
    staff::logout(&state, &p.staff.session_hash)
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    let mut r = Redirect::to("/backoffice/login").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, cookie(&state, SESSION_COOKIE, "", 0));
    Ok(r)
}

async fn set_lang(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    headers: HeaderMap,
) -> Response {
    let value = if lang == "zh-CN" { "zh-CN" } else { "en" };
    // Back to where the reviewer was, if that was a back-office page.
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("/backoffice/").map(|i| r[i..].to_owned()))
        .filter(|p| !p.contains("/lang/"))
        .unwrap_or_else(|| "/backoffice/queue".to_owned());
    let mut r = Redirect::to(&back).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        cookie(&state, LANG_COOKIE, value, 365 * 86400),
    );
    r
}

async fn queue(
    State(state): State<AppState>,
    PageReviewer(p): PageReviewer,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let cases = review::queue(&state, &p.staff, &q)
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    let names = review::staff_names(state.db())
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    Ok(page(
        StatusCode::OK,
        html::queue(&p, &q, &cases, &names, crate::service::now()),
    ))
}

async fn dashboard(State(state): State<AppState>, p: PageStaff) -> Result<Response, PageError> {
    let d = review::dashboard(&state)
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    Ok(page(StatusCode::OK, html::dashboard(&p, &d)))
}

async fn case_page(
    State(state): State<AppState>,
    PageReviewer(p): PageReviewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let d = review::case_detail(&state, &id)
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    let catalogue = review::catalogue(&state);
    Ok(page(StatusCode::OK, html::case(&p, &d, &catalogue)))
}

fn back_to(id: &str) -> Response {
    Redirect::to(&format!("/backoffice/cases/{id}")).into_response()
}

async fn claim(
    State(state): State<AppState>,
    PageReviewer(p): PageReviewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    Form::parse(&body).check(&p)?;
    review::claim(&state, &p.staff, &id)
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    Ok(back_to(&id))
}

async fn release(
    State(state): State<AppState>,
    PageReviewer(p): PageReviewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    Form::parse(&body).check(&p)?;
    review::release(&state, &p.staff, &id)
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    Ok(Redirect::to("/backoffice/queue").into_response())
}

async fn decide(
    State(state): State<AppState>,
    PageReviewer(p): PageReviewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Form::parse(&body);
    form.check(&p)?;
    let req = DecisionRequest {
        action: form.get("action").unwrap_or_default().to_owned(),
        reasons: form.all("reasons"),
        documents: form.all("documents"),
        note_to_applicant: form.get("note_to_applicant").map(str::to_owned),
        internal_note: form.get("internal_note").map(str::to_owned),
    };
    review::decide(&state, &p.staff, &id, req)
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    Ok(back_to(&id))
}

async fn confirm(
    State(state): State<AppState>,
    PageReviewer(p): PageReviewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    Form::parse(&body).check(&p)?;
    review::confirm(&state, &p.staff, &id)
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    Ok(back_to(&id))
}

async fn decline(
    State(state): State<AppState>,
    PageReviewer(p): PageReviewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Form::parse(&body);
    form.check(&p)?;
    let note = form.get("internal_note").map(str::to_owned);
    review::decline(&state, &p.staff, &id, note)
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    Ok(back_to(&id))
}

async fn message(
    State(state): State<AppState>,
    PageReviewer(p): PageReviewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Form::parse(&body);
    form.check(&p)?;
    review::post_message(&state, &p.staff, &id, form.get("body").unwrap_or_default())
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    Ok(back_to(&id))
}

async fn note(
    State(state): State<AppState>,
    PageReviewer(p): PageReviewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = Form::parse(&body);
    form.check(&p)?;
    review::add_note(&state, &p.staff, &id, form.get("body").unwrap_or_default())
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    Ok(back_to(&id))
}

async fn file(
    State(state): State<AppState>,
    PageReviewer(p): PageReviewer,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (content_type, bytes) = review::view_file(&state, &p.staff, &id, &file_id)
        .await
        .map_err(|e| PageError::Failed(p.lang, e))?;
    Ok(crate::routes::review::file_response(content_type, bytes))
}
