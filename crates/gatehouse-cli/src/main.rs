//! The `gatehouse` command: serve the API, migrate the database, probe readiness, manage
//! operator keys. Every command reads the same configuration as `serve`.

mod inspect;
mod inspect_image;
mod keys;
mod sanctions;
mod serve;
mod staff;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use gatehouse_server::config::{self, Config};
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
    /// Run one check by hand and print what it sees, as JSON.
    Inspect {
        #[command(subcommand)]
        command: inspect::InspectCommand,
    },
    /// Sanctions lists: import versions, screen names.
    Sanctions {
        #[command(subcommand)]
        command: sanctions::SanctionsCommand,
    },
    /// Back-office users (reviewers, senior reviewers, admins).
    Users {
        #[command(subcommand)]
        command: staff::UsersCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: staff::AuditCommand,
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
        // A reader that stopped early (`| head`) is not an error of ours.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
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
            serve::serve(config).await?;
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
            return serve::healthcheck(&config, url.as_deref()).await;
        }
        Command::Inspect { command } => {
            return inspect::inspect(command, || load_config(&cli, &[]))
        }
        Command::Sanctions { command } => {
            let config = load_config(&cli, &[])?;
            let db = open_db(&config).await?;
            return sanctions::run(&db, config.sanctions.threshold, command).await;
        }
        Command::Users { command } => {
            let config = load_config(&cli, &[])?;
            let db = open_db(&config).await?;
            staff::users(&db, command).await?;
        }
        Command::Audit { command } => {
            let config = load_config(&cli, &[])?;
            let db = open_db(&config).await?;
            return staff::audit_cmd(&db, command).await;
        }
        Command::Keys { command } => {
            let config = load_config(&cli, &[])?;
            let db = open_db(&config).await?;
            keys::keys(&db, command).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
