//! Gatehouse HTTP server: configuration, authentication, services and handlers.

pub mod auth;
mod body;
pub mod config;
pub mod error;
mod lang;
pub mod metrics;
pub mod routes;
pub mod service;
pub mod state;
mod throttle;
pub mod views;

use gatehouse_store::{Db, FileStore};
use tokio::net::TcpListener;

pub use config::Config;
pub use state::AppState;

/// Connects to the database (migrating it) and the file store named by the configuration.
pub async fn open(config: Config) -> Result<AppState, gatehouse_store::StoreError> {
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
    Ok(AppState::new(config, db, files))
}

/// Serves until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = routes::router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
