//! `inspect`: run one check by hand and print what it sees, as JSON, so operators can
//! understand a decision.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use gatehouse_checks::{idnum, mrz, names, ocr};
use gatehouse_core::country::CountryCode;
use gatehouse_core::person::DocumentType;
use gatehouse_core::region::RegionContext;
use gatehouse_server::region::RegionGuard;

#[derive(Subcommand)]
pub enum InspectCommand {
    /// Parse MRZ lines from standard input (exit 1 when the text is not an MRZ).
    Mrz,
    /// Find and read the MRZ in a document photo (JPEG, PNG or WebP): the JSON of `inspect mrz`
    /// plus raw_lines, corrections, confidence and elapsed_ms (exit 1 when no MRZ is found).
    ReadMrz {
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
    },
    /// Validate a document number for a country and document type.
    IdNumber {
        /// Issuing country, ISO 3166-1 alpha-2 or alpha-3.
        #[arg(long)]
        country: String,
        /// id_card, passport, driving_licence or residence_permit.
        #[arg(long = "type", default_value = "id_card")]
        doc_type: String,
        number: String,
    },
    /// Compare a typed name with the name on a document.
    NameMatch { typed: String, on_document: String },
    /// Analyse a picture as the image checks do: format, size, metrics and the reasons it
    /// would get (exit 1 when the file cannot be read as a picture).
    Image {
        /// document, selfie or proof_of_address.
        #[arg(long, default_value = "document")]
        kind: String,
        /// Language of the reasons' texts: en or zh-CN.
        #[arg(long, default_value = "en")]
        lang: String,
        /// For a document: `front` also asks for the portrait (DOCUMENT_PORTRAIT_NOT_FOUND);
        /// without it the faces are shown but not required, as in a pre-check, since the
        /// side an ID card's zone is printed on has none.
        #[arg(long, value_name = "front|back")]
        side: Option<String>,
        file: std::path::PathBuf,
    },
    /// Geolocate an address and show which region rule registration would apply.
    Ip {
        /// A MaxMind-format database; defaults to the configured `geoip_database`.
        #[arg(long, value_name = "FILE")]
        database: Option<String>,
        address: String,
    },
}

fn print(value: &serde_json::Value) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// `load_config` is called only by the commands that need the configuration, so a broken
/// configuration does not stop an operator from inspecting an MRZ.
pub fn inspect(
    command: &InspectCommand,
    load_config: impl FnOnce() -> Result<gatehouse_server::Config>,
) -> Result<ExitCode> {
    match command {
        InspectCommand::Mrz => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read standard input")?;
            match mrz::inspect(&text) {
                Ok(json) => print(&json)?,
                Err(not_mrz) => {
                    eprintln!("gatehouse: {not_mrz}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        InspectCommand::ReadMrz { file } => {
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let started = std::time::Instant::now();
            let gray = match ocr::decode_gray(&bytes) {
                Ok(gray) => gray,
                Err(e) => {
                    eprintln!("gatehouse: {} is not a readable image: {e}", file.display());
                    return Ok(ExitCode::FAILURE);
                }
            };
            let Some(reading) = ocr::read_mrz(&gray) else {
                eprintln!("gatehouse: no MRZ found in {}", file.display());
                return Ok(ExitCode::FAILURE);
            };
            let mut json = reading.to_json();
            json["elapsed_ms"] = serde_json::json!(started.elapsed().as_millis() as u64);
            print(&json)?;
        }
        InspectCommand::IdNumber {
            country,
            doc_type,
            number,
        } => {
            let Ok(country) = CountryCode::parse(country) else {
                bail!("--country {country:?} is not an ISO 3166-1 country code");
            };
            let doc_type =
                DocumentType::parse(doc_type).map_err(|e| anyhow::anyhow!("--type: {e}"))?;
            let today = chrono::Utc::now().date_naive();
            print(&idnum::to_json(&idnum::validate(
                country, doc_type, number, today,
            )))?;
        }
        InspectCommand::NameMatch { typed, on_document } => {
            print(&names::to_json(&names::match_names(typed, on_document)))?;
        }
        InspectCommand::Image {
            kind,
            lang,
            side,
            file,
        } => {
            return crate::inspect_image::run(kind, lang, side.as_deref(), file, load_config);
        }
        InspectCommand::Ip { database, address } => {
            let Ok(ip) = address.trim().parse::<std::net::IpAddr>() else {
                bail!("{address:?} is not an IPv4 or IPv6 address");
            };
            let mut config = load_config()?;
            if let Some(db) = database {
                config.geoip_database = db.clone();
            }
            if config.geoip_database.is_empty() {
                bail!("no GeoIP database: pass --database FILE or set geoip_database");
            }
            let guard = RegionGuard::from_config(&config).map_err(anyhow::Error::msg)?;
            let answer = guard.geoip.lookup(ip);
            let decision = guard.decide(RegionContext::Registration, ip);
            let mut out = serde_json::json!({
                "country": answer.as_ref().and_then(|a| a.country).map(|c| c.to_string()),
                "rule": decision.rule,
                "allowed": decision.allowed,
            });
            if let Some(sub) = answer.and_then(|a| a.subdivision) {
                out["subdivision"] = serde_json::Value::from(sub.as_str());
            }
            print(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
