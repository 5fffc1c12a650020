//! The `gatehouse` command: serve the API, migrate the database, probe readiness, manage
//! operator keys. Every command reads the same configuration as `serve`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use gatehouse_server::config::{self, Config};
use gatehouse_server::service::{now, operators};
use gatehouse_store::models::KeyScope;
use gatehouse_store::Db;

#[derive(Parser)]
#[command(
    name = "gatehouse",
    version,
    about = "Account onboarding and identity verification (KYC) service"
)]
struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, env = "GATEHOUSE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (also GATEHOUSE_LISTEN).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Exit 0 when the running server's /readyz answers OK, 1 otherwise.
    Healthcheck {
        /// Base URL of the server; defaults to the configured listen address.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
    /// Operator API keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create a key and print it, alone, on standard output. It is shown only this once.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        scope: Scope,
    },
    /// List keys (never their secrets).
    List,
    /// Revoke a key by its id.
    Revoke { id: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum Scope {
    Admin,
    Integration,
}

impl From<Scope> for KeyScope {
    fn from(s: Scope) -> Self {
        match s {
            Scope::Admin => KeyScope::Admin,
            Scope::Integration => KeyScope::Integration,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gatehouse: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gatehouse: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(cli: &Cli, overrides: &[(&str, String)]) -> Result<Config> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    let loaded = config::load(cli.config.as_deref(), &env, overrides)
        .map_err(anyhow::Error::msg)
        .context("invalid configuration")?;
    init_logging(&loaded.config);
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    Ok(loaded.config)
}

fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .or_else(|| EnvFilter::try_new(&config.log.level).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = if config.log.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn open_db(config: &Config) -> Result<Db> {
    let db = Db::connect(&config.database_url(), config.database_max_connections)
        .await
        .context("cannot connect to the database")?;
    db.migrate().await.context("cannot migrate the database")?;
    Ok(db)
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Serve { listen } => {
            let overrides: Vec<(&str, String)> =
                listen.iter().map(|l| ("listen", l.clone())).collect();
            let config = load_config(&cli, &overrides)?;
            serve(config).await?;
        }
        Command::Migrate => {
            let config = load_config(&cli, &[])?;
            let db = Db::connect(&config.database_url(), 1)
                .await
                .context("cannot connect to the database")?;
            let applied = db.migrate().await.context("migration failed")?;
            if applied.is_empty() {
                println!("database is up to date");
            } else {
                for name in applied {
                    println!("applied {name}");
                }
            }
        }
        Command::Healthcheck { url } => {
            let config = load_config(&cli, &[])?;
            return healthcheck(&config, url.as_deref()).await;
        }
        Command::Keys { command } => {
            let config = load_config(&cli, &[])?;
            let db = open_db(&config).await?;
            keys(&db, command).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: Config) -> Result<()> {
    let addr = config.listen_addr();
    let state = gatehouse_server::open(config)
        .await
        .context("cannot open storage")?;
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
    use gatehouse_store::repo::SessionRepo;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match state.db().purge_expired_sessions(now()).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
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

async fn healthcheck(config: &Config, url: Option<&str>) -> Result<ExitCode> {
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

async fn keys(db: &Db, command: &KeysCommand) -> Result<()> {
    match command {
        KeysCommand::Create { name, scope } => {
            let (key, secret) = operators::create_key(db, name, (*scope).into(), now())
                .await
                .map_err(|e| anyhow::anyhow!("cannot create key: {e}"))?;
            tracing::info!(key_id = %key.id, scope = key.scope.as_str(), "operator key created");
            println!("{secret}");
        }
        KeysCommand::List => {
            let keys = operators::list_keys(db)
                .await
                .map_err(|e| anyhow::anyhow!("cannot list keys: {e}"))?;
            for k in keys {
                let state = match k.revoked_at {
                    Some(t) => format!("revoked {}", t.to_rfc3339()),
                    None => "active".to_owned(),
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    k.id,
                    k.scope.as_str(),
                    k.created_at.to_rfc3339(),
                    state,
                    k.name
                );
            }
        }
        KeysCommand::Revoke { id } => match operators::revoke_key(db, id, now()).await {
            Ok(()) => println!("revoked {id}"),
            Err(gatehouse_server::error::ApiError::NotFound) => {
                bail!("no active key with id {id}")
            }
            Err(e) => bail!("cannot revoke key: {e}"),
        },
    }
    Ok(())
}
