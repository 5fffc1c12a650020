//! Probes, metrics and the API description.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// `ok` or `unavailable`, per dependency.
    pub database: &'static str,
    pub storage: &'static str,
    /// `sqlite` or `postgres`.
    pub database_backend: &'static str,
    /// The IP geolocation database, when one is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geoip: Option<crate::region::GeoIpStatus>,
}

/// Liveness: the process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: the database and the file store answer. 503 when either does not.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let timeout = std::time::Duration::from_secs(3);
    let db_ok = matches!(
        tokio::time::timeout(timeout, state.db().ping()).await,
        Ok(Ok(()))
    );
    let storage_ok = matches!(
        tokio::time::timeout(timeout, state.files().ping()).await,
        Ok(Ok(()))
    );
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    if !db_ok || !storage_ok {
        tracing::warn!(
            database = word(db_ok),
            storage = word(storage_ok),
            "not ready"
        );
    }
    let body = Readiness {
        status: word(db_ok && storage_ok),
        database: word(db_ok),
        storage: word(storage_ok),
        database_backend: state.db().backend().as_str(),
        geoip: state
            .region()
            .geoip
            .status(state.config().geoip_max_age_days),
    };
    let status = if db_ok && storage_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, content_type = "text/plain; version=0.0.4", body = String)))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state.metrics().render();
    text.push_str(&state.webhooks().render_metrics());
    let max_age = state.config().geoip_max_age_days;
    if let Some(geo) = state.region().geoip.status(max_age) {
        let kind = geo.database_type.replace(['"', '\\'], "");
        text.push_str(&format!(
            "# HELP gatehouse_geoip_build_timestamp_seconds Build time of the GeoIP database.\n\
             # TYPE gatehouse_geoip_build_timestamp_seconds gauge\n\
             gatehouse_geoip_build_timestamp_seconds{{type=\"{kind}\"}} {}\n\
             # HELP gatehouse_geoip_stale 1 when the GeoIP database is older than geoip_max_age_days.\n\
             # TYPE gatehouse_geoip_stale gauge\n\
             gatehouse_geoip_stale {}\n",
            geo.built_at.timestamp(),
            u8::from(geo.stale)
        ));
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
