//! Operator endpoints for sanctions screening.

use axum::extract::{Query as UrlQuery, State};
use axum::Json;
use gatehouse_checks::sanctions::matcher::Query;
use gatehouse_store::repo::SanctionsRepo;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Operator;
use crate::body::{typed, JsonBody};
use crate::error::{ApiError, Problem};
use crate::sanctions::hit_json;
use crate::state::AppState;

/// `POST /v1/admin/screenings` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningRequest {
    pub name: String,
    /// `YYYY-MM-DD`.
    pub dob: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub nationality: Option<String>,
    /// At most this many hits (default 10, at most 100).
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningResult {
    /// `{list, entity_id, name, matched_name, score, explanation}`, best first.
    #[schema(value_type = Vec<Object>)]
    pub hits: Vec<serde_json::Value>,
}

/// Screens a name against the current lists. Any operator key.
#[utoipa::path(post, path = "/v1/admin/screenings", tag = "operators",
    security(("bearer" = [])),
    request_body = ScreeningRequest,
    responses((status = 200, body = ScreeningResult),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn screen(
    State(state): State<AppState>,
    _operator: Operator,
    JsonBody(body): JsonBody,
) -> Result<Json<ScreeningResult>, ApiError> {
    let req: ScreeningRequest = typed(body)?;
    if req.name.trim().is_empty() || req.name.chars().count() > 300 {
        return Err(ApiError::field(
            "name",
            "invalid_name",
            "must be 1 to 300 characters",
        ));
    }
    let limit = req.limit.unwrap_or(10).clamp(1, 100);
    let query = Query {
        name: req.name,
        birth_date: req.dob,
        nationality: req.nationality,
        kind: None,
    };
    let hits = state.screening().screen(&query, None, limit);
    Ok(Json(ScreeningResult {
        hits: hits.iter().map(hit_json).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SanctionsStatus {
    /// The current version of every list.
    #[schema(value_type = Vec<Object>)]
    pub versions: Vec<serde_json::Value>,
    /// Versions the in-memory index was built from.
    pub index_versions: Vec<String>,
    pub threshold: f64,
    /// The latest re-screening of approved applicants, with its progress.
    #[schema(value_type = Option<Object>)]
    pub rescreen: Option<serde_json::Value>,
}

/// Lists, index and re-screening progress. Any operator key.
#[utoipa::path(get, path = "/v1/admin/sanctions", tag = "operators",
    security(("bearer" = [])),
    responses((status = 200, body = SanctionsStatus)))]
pub async fn status(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<SanctionsStatus>, ApiError> {
    let versions = state.db().current_versions().await?;
    let job = state.db().latest_rescreen_job().await?;
    Ok(Json(SanctionsStatus {
        versions: versions
            .iter()
            .filter_map(|v| serde_json::to_value(v).ok())
            .collect(),
        index_versions: state.screening().versions(),
        threshold: state.screening().threshold,
        rescreen: job.and_then(|j| serde_json::to_value(j).ok()),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    /// `open` (default) or `closed`.
    pub status: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertList {
    #[schema(value_type = Vec<Object>)]
    pub alerts: Vec<serde_json::Value>,
}

/// Alerts raised by re-screening approved applicants, newest first. Any operator key.
#[utoipa::path(get, path = "/v1/admin/sanctions/alerts", tag = "operators",
    security(("bearer" = [])),
    params(AlertQuery),
    responses((status = 200, body = AlertList)))]
pub async fn alerts(
    State(state): State<AppState>,
    _operator: Operator,
    query: Result<UrlQuery<AlertQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AlertList>, ApiError> {
    let UrlQuery(q) =
        query.map_err(|e| ApiError::field("query", "invalid_query", e.body_text()))?;
    let status = q.status.unwrap_or_else(|| "open".into());
    let alerts = state
        .db()
        .sanctions_alerts(Some(&status), q.limit.unwrap_or(50))
        .await?;
    Ok(Json(AlertList {
        alerts: alerts
            .iter()
            .filter_map(|a| serde_json::to_value(a).ok())
            .collect(),
    }))
}
