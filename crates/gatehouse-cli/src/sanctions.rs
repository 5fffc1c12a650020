//! `sanctions import|screen`: load list versions, screen names by hand or in bulk.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use gatehouse_checks::sanctions::matcher::Query;
use gatehouse_server::sanctions::{self, ListFile, ListFormat, Screening};
use gatehouse_store::Db;

#[derive(Subcommand)]
pub enum SanctionsCommand {
    /// Import list files as a new version of each list they hold; a malformed file changes
    /// nothing and names the line it broke on.
    Import {
        #[arg(long, value_enum)]
        format: Format,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Screen a name against the current versions, or every JSON query line of --batch FILE.
    Screen {
        #[arg(long, required_unless_present = "batch")]
        name: Option<String>,
        /// YYYY-MM-DD.
        #[arg(long)]
        dob: Option<String>,
        /// ISO 3166-1 alpha-2.
        #[arg(long)]
        nationality: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// One `{name, dob?, nationality?}` per line; one result line per query.
        #[arg(long, value_name = "FILE", conflicts_with = "name")]
        batch: Option<PathBuf>,
        /// Report hits from this score on (default: the configured threshold).
        #[arg(long)]
        threshold: Option<f64>,
        /// With --batch: add each query's screening time (`elapsed_us`) to its result line.
        #[arg(long, requires = "batch")]
        timings: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    OfacCsv,
    UnXml,
    Ftm,
}

impl From<Format> for ListFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::OfacCsv => ListFormat::OfacCsv,
            Format::UnXml => ListFormat::UnXml,
            Format::Ftm => ListFormat::Ftm,
        }
    }
}

/// Progress on a terminal only, so logs and pipes stay clean.
fn progress(message: &str) {
    let mut err = std::io::stderr();
    if err.is_terminal() {
        let _ = write!(err, "\r\x1b[2K{message}");
        let _ = err.flush();
    }
}

pub async fn run(db: &Db, threshold: f64, command: &SanctionsCommand) -> Result<ExitCode> {
    match command {
        SanctionsCommand::Import { format, paths } => {
            let mut files = Vec::new();
            for (i, path) in paths.iter().enumerate() {
                progress(&format!(
                    "reading {}/{}: {}",
                    i + 1,
                    paths.len(),
                    path.display()
                ));
                files.push(ListFile::read(path)?);
            }
            progress("parsing");
            let parsed = sanctions::parse((*format).into(), &files)?;
            progress("storing");
            let versions = sanctions::store(db, (*format).into(), parsed).await?;
            progress("");
            if std::io::stderr().is_terminal() {
                eprintln!();
            }
            let mut out = std::io::stdout().lock();
            for v in versions {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({"version": v.id, "source": v.source, "format": v.format,
                        "entities": v.entity_count, "files": v.files, "imported_at": v.imported_at})
                )?;
            }
        }
        SanctionsCommand::Screen {
            name,
            dob,
            nationality,
            limit,
            batch,
            threshold: over,
            timings,
        } => {
            let screening = Screening::empty(threshold);
            screening
                .refresh(db)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if screening.versions().is_empty() {
                bail!("no sanctions list imported yet: run `gatehouse sanctions import` first");
            }
            let screen = |q: &Query| {
                let hits = screening.screen(q, *over, *limit);
                serde_json::json!({ "hits": hits.iter().map(sanctions::hit_json).collect::<Vec<_>>() })
            };
            match batch {
                None => {
                    let q = Query {
                        name: name.clone().unwrap_or_default(),
                        birth_date: dob.clone(),
                        nationality: nationality.clone(),
                        kind: None,
                    };
                    writeln!(
                        std::io::stdout().lock(),
                        "{}",
                        serde_json::to_string_pretty(&screen(&q))?
                    )?;
                }
                Some(path) => {
                    let file = std::fs::File::open(path)
                        .with_context(|| format!("cannot open {}", path.display()))?;
                    let stdout = std::io::stdout();
                    let mut out = std::io::BufWriter::new(stdout.lock());
                    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
                        let line = line.with_context(|| format!("{}:{}", path.display(), n + 1))?;
                        if line.trim().is_empty() {
                            continue;
                        }
                        let q: BatchQuery = serde_json::from_str(&line).with_context(|| {
                            format!("{}:{}: not a query", path.display(), n + 1)
                        })?;
                        let query = Query {
                            name: q.name,
                            birth_date: q.dob,
                            nationality: q.nationality,
                            kind: None,
                        };
                        let started = std::time::Instant::now();
                        let mut result = screen(&query);
                        if *timings {
                            result["elapsed_us"] = serde_json::Value::from(
                                u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
                            );
                        }
                        writeln!(out, "{result}")?;
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchQuery {
    name: String,
    dob: Option<String>,
    nationality: Option<String>,
    /// Benchmarks label their queries; screening ignores the label.
    #[serde(default, rename = "expected_entity_id")]
    _expected: Option<serde_json::Value>,
}
