//! `users create` (back-office staff) and `audit verify`.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use gatehouse_server::error::ApiError;
use gatehouse_server::service::{audit, staff};
use gatehouse_store::models::Role;
use gatehouse_store::Db;

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Create a back-office user. The password is prompted for on a terminal, otherwise read
    /// from the first line of standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List back-office users.
    List,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Reviewer,
    SeniorReviewer,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::SeniorReviewer => Role::SeniorReviewer,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain; names the first broken entry and exits 1.
    Verify,
}

/// Runs `stty` on the terminal (to hide the typed password).
fn stty(arg: &str) {
    let _ = std::process::Command::new("stty")
        .arg(arg)
        .stdin(std::process::Stdio::inherit())
        .status();
}

fn read_password() -> Result<String> {
    let stdin = std::io::stdin();
    let mut line = String::new();
    if stdin.is_terminal() {
        eprint!("Password: ");
        std::io::stderr().flush().ok();
        stty("-echo");
        let read = stdin.lock().read_line(&mut line);
        stty("echo");
        eprintln!();
        read.context("cannot read the password")?;
    } else {
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
    }
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password given");
    }
    Ok(password)
}

pub async fn users(db: &Db, command: &UsersCommand) -> Result<()> {
    match command {
        UsersCommand::Create { email, role } => {
            let password = read_password()?;
            match staff::create_user(db, email, (*role).into(), &password, "cli").await {
                Ok(user) => println!("{}\t{}\t{}", user.id, user.email, user.role.as_str()),
                Err(ApiError::Validation(errors)) => {
                    let text: Vec<String> = errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect();
                    bail!("cannot create user: {}", text.join("; "))
                }
                Err(e) => bail!("cannot create user: {e}"),
            }
        }
        UsersCommand::List => {
            use gatehouse_store::repo::ReviewRepo;
            for u in db.list_staff_users().await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    u.id,
                    u.email,
                    u.role.as_str(),
                    if u.disabled { "disabled" } else { "active" }
                );
            }
        }
    }
    Ok(())
}

pub async fn audit_cmd(db: &Db, command: &AuditCommand) -> Result<ExitCode> {
    match command {
        AuditCommand::Verify => match audit::verify(db).await {
            Ok(Ok(n)) => {
                println!("audit log intact: {n} entries");
                Ok(ExitCode::SUCCESS)
            }
            Ok(Err(broken)) => {
                println!("audit log broken at entry {}: {}", broken.seq, broken.why);
                Ok(ExitCode::FAILURE)
            }
            Err(e) => bail!("cannot read the audit log: {e}"),
        },
    }
}
