//! Gatehouse HTTP server: configuration, authentication, services and handlers.

pub mod auth;
pub mod backoffice;
mod body;
pub mod client_ip;
pub mod config;
pub mod error;
mod lang;
pub mod metrics;
pub mod region;
pub mod routes;
pub mod sanctions;
pub mod service;
pub mod state;
mod throttle;
pub mod views;
pub mod webhooks;

use gatehouse_store::{Db, FileStore};
use tokio::net::TcpListener;

pub use config::Config;
pub use state::AppState;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Store(#[from] gatehouse_store::StoreError),
    #[error("{0}")]
    Config(String),
}

/// Connects to the database (migrating it) and the file store named by the configuration.
pub async fn open(config: Config) -> Result<AppState, OpenError> {
    let db = Db::connect(&config.database_url(), config.database_max_connections).await?;
    let applied = db.migrate().await?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "database migrated");
    }
    let files = FileStore::open(&config.storage_url(), &config.s3_options())?;
    tracing::info!(
        database = db.backend().as_str(),
        storage = files.description(),
        "storage ready"
    );
    let max_age = config.geoip_max_age_days;
    let state = AppState::new(config, db, files).map_err(OpenError::Config)?;
    if let Some(status) = state.region().geoip.status(max_age) {
        if status.stale {
            tracing::warn!(built_at = %status.built_at, age_days = status.age_days, "GeoIP database is stale");
        }
    }
    Ok(state)
}

/// Serves until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Err(e) = state.screening().refresh(state.db()).await {
        tracing::warn!(error = %e, "sanctions lists not loaded");
    }
    let lists = state.clone();
    let rescreener = tokio::spawn(async move {
        let every = std::time::Duration::from_secs(
            lists.config().sanctions.rescreen_interval_seconds.max(1),
        );
        loop {
            tokio::time::sleep(every).await;
            if let Err(e) = lists.screening().refresh(lists.db()).await {
                tracing::warn!(error = %e, "sanctions refresh failed");
                continue;
            }
            // One page at a time, so requests keep the database between pages.
            loop {
                match sanctions::rescreen_step(
                    lists.db(),
                    lists.screening(),
                    &lists.config().review,
                )
                .await
                {
                    Ok(true) => tokio::task::yield_now().await,
                    Ok(false) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "sanctions re-screening step failed");
                        break;
                    }
                }
            }
        }
    });
    let reload = state.clone();
    let reloader = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
        loop {
            tick.tick().await;
            let r = reload.clone();
            let _ = tokio::task::spawn_blocking(move || r.region().geoip.reload_if_changed()).await;
        }
    });
    let dispatching = state.clone();
    let dispatcher = tokio::spawn(async move {
        if dispatching.config().webhooks.dispatch {
            dispatching.webhooks().run(dispatching.db()).await;
        }
    });
    let sweeper = tokio::spawn(service::liveness::run_sweeper(state.clone()));
    let app = routes::router(state);
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    reloader.abort();
    rescreener.abort();
    dispatcher.abort();
    sweeper.abort();
    served
}
