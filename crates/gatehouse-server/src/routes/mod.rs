//! The HTTP surface: every route, its OpenAPI description (generated from the handlers'
//! annotations, so the document cannot miss an endpoint), and the middleware stack.

mod accounts;
mod admin;
mod appeals;
mod applications;
mod health;
mod liveness;
pub mod review;
mod sanctions;
mod webhooks;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, Problem};
use crate::lang::scope_lang;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gatehouse",
        description = "Account onboarding and identity verification (KYC). Errors are \
                       application/problem+json with a stable `code`; texts follow Accept-Language \
                       (en, zh-CN).",
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Registration and sessions"),
        (name = "applications", description = "The applicant's verification application"),
        (name = "operators", description = "The exchange's backend and administrators (API keys)"),
        (name = "integrations", description = "Liveness providers' results (signed webhooks, operator keys)"),
        (name = "review", description = "Reviewers: staff sessions, cases, decisions, audit"),
        (name = "operations", description = "Probes, metrics, this document"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An applicant session token (ghs_...), a staff session token (ghr_...) or an operator API key (ghk_...)",
                    ))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document and the router, built together.
fn parts(state: &AppState) -> (Router<AppState>, OpenApiDoc) {
    let limits = &state.config().limits;
    let uploads = OpenApiRouter::new()
        .routes(routes!(applications::upload, applications::download))
        .routes(routes!(applications::precheck))
        .routes(routes!(appeals::upload))
        .routes(routes!(appeals::upload_answer))
        // One byte over the limit still reaches the handler, which answers file_too_large.
        .layer(DefaultBodyLimit::max(
            usize::try_from(limits.max_upload_bytes + 1).unwrap_or(usize::MAX),
        ));
    let api = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(accounts::register))
        .routes(routes!(accounts::login))
        .routes(routes!(accounts::logout))
        .routes(routes!(accounts::me))
        .routes(routes!(applications::create))
        .routes(routes!(applications::get, applications::patch))
        .routes(routes!(applications::submit))
        .routes(routes!(applications::attempts))
        .routes(routes!(admin::list_applications))
        .routes(routes!(admin::application))
        .routes(routes!(admin::list_keys))
        .routes(routes!(admin::revoke_key))
        .routes(routes!(admin::account))
        .routes(routes!(admin::set_status))
        .routes(routes!(admin::links))
        .routes(routes!(sanctions::screen))
        .routes(routes!(sanctions::status))
        .routes(routes!(sanctions::alerts))
        .routes(routes!(webhooks::create, webhooks::list))
        .routes(routes!(webhooks::delete))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::replay))
        .routes(routes!(liveness::webhook))
        .routes(routes!(liveness::results))
        .routes(routes!(appeals::create))
        .routes(routes!(appeals::get))
        .routes(routes!(appeals::submit))
        .routes(routes!(appeals::messages, appeals::post_message))
        .routes(routes!(appeals::respond))
        .routes(routes!(review::login))
        .routes(routes!(review::logout))
        .routes(routes!(review::list))
        .routes(routes!(review::get))
        .routes(routes!(review::claim))
        .routes(routes!(review::release))
        .routes(routes!(review::decide))
        .routes(routes!(review::confirm))
        .routes(routes!(review::decline))
        .routes(routes!(review::reasons))
        .routes(routes!(review::post_message))
        .routes(routes!(review::add_note))
        .routes(routes!(review::file))
        .routes(routes!(review::audit_export))
        .layer(DefaultBodyLimit::max(
            usize::try_from(limits.max_json_bytes).unwrap_or(usize::MAX),
        ))
        .merge(uploads);
    api.split_for_parts()
}

/// The OpenAPI document of every endpoint.
pub fn openapi(state: &AppState) -> OpenApiDoc {
    parts(state).1
}

/// The complete application: routes, `/openapi.json`, fallbacks and middleware.
pub fn router(state: AppState) -> Router {
    let (routes, mut doc) = parts(&state);
    doc.paths.add_path_operation(
        "/openapi.json",
        vec![utoipa::openapi::HttpMethod::Get],
        utoipa::openapi::path::OperationBuilder::new()
            .tag("operations")
            .summary(Some("This OpenAPI 3 document"))
            .response("200", utoipa::openapi::Response::new("OpenAPI document"))
            .build(),
    );
    let doc = Arc::new(doc);
    let timeout = Duration::from_secs(state.config().limits.request_timeout_seconds);
    routes
        .merge(crate::backoffice::router())
        .route(
            "/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(middleware::from_fn_with_state(
            (state.clone(), timeout),
            observe,
        ))
        .layer(middleware::from_fn(scope_lang))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("handler panicked").into_response()
        }))
        .with_state(state)
}

/// Times the request out, counts it by its route template, and logs it without its query.
async fn observe(
    State((state, timeout)): State<(AppState, Duration)>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Unavailable.into_response(),
    };
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    state
        .metrics()
        .observe_request(method.as_str(), &route, status, elapsed);
    tracing::info!(
        method = %method,
        route = %route,
        status,
        elapsed_ms = elapsed.as_millis() as u64,
        "request"
    );
    response
}
