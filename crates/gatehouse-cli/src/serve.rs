//! `serve` and `healthcheck`.

use std::process::ExitCode;

use anyhow::{Context, Result};
use gatehouse_server::config::Config;
use gatehouse_server::service::now;

pub async fn serve(config: Config) -> Result<()> {
    let addr = config.listen_addr();
    let state = gatehouse_server::open(config)
        .await
        .context("cannot start")?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!("gatehouse listening on http://{}", listener.local_addr()?);
    spawn_session_purge(state.clone());
    gatehouse_server::serve(listener, state, shutdown_signal())
        .await
        .context("server failed")?;
    tracing::info!("gatehouse stopped");
    Ok(())
}

/// Expired sessions are useless; delete them hourly so the table stays small.
fn spawn_session_purge(state: gatehouse_server::AppState) {
    use gatehouse_store::repo::{ReviewRepo, SessionRepo};
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match state.db().purge_expired_sessions(now()).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
            match state.db().purge_expired_staff_sessions(now()).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired staff sessions purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "staff session purge failed"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

pub async fn healthcheck(config: &Config, url: Option<&str>) -> Result<ExitCode> {
    let base = match url {
        Some(u) => u.trim_end_matches('/').to_owned(),
        None => {
            let mut addr = config.listen_addr();
            if addr.ip().is_unspecified() {
                addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
            }
            format!("http://{addr}")
        }
    };
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()?;
    match client.get(format!("{base}/readyz")).send().await {
        Ok(r) if r.status().is_success() => {
            println!("ready");
            Ok(ExitCode::SUCCESS)
        }
        Ok(r) => {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            eprintln!("gatehouse: not ready: {status} {body}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("gatehouse: {base}/readyz did not answer: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
