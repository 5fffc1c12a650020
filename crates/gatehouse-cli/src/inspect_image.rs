//! `inspect image`: the image checks on one file, as an operator or a calibration script sees
//! them.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use gatehouse_checks::faces::{self, Detector, Expect};
use gatehouse_checks::imaging::{self, ImageReport, Kind};
use gatehouse_checks::proof_of_address;
use gatehouse_core::i18n::{reason_text, Lang};
use gatehouse_core::reasons::Finding;
use serde_json::json;

pub fn run(
    kind: &str,
    lang: &str,
    side: Option<&str>,
    file: &Path,
    load_config: impl FnOnce() -> Result<gatehouse_server::Config>,
) -> Result<ExitCode> {
    let Some(kind) = Kind::parse(kind) else {
        bail!("--kind {kind:?}: expected document, selfie or proof_of_address");
    };
    let lang = match lang {
        "en" => Lang::En,
        "zh-CN" => Lang::ZhCn,
        other => bail!("--lang {other:?}: expected en or zh-CN"),
    };
    let config = load_config()?;
    let settings = config.image_settings();
    // Selfies are searched for one face; a document's front must show its portrait. A
    // document of unknown side has its faces found and shown, but none is required.
    let expect = match (kind, side) {
        (_, Some(s)) if s != "front" && s != "back" => {
            bail!("--side {s:?}: expected front or back")
        }
        (Kind::Selfie, _) => Expect::Selfie,
        (Kind::Document, Some("front")) => Expect::Portrait,
        _ => Expect::Nothing,
    };
    let detector = match kind {
        Kind::ProofOfAddress => None,
        _ => Detector::load(&config.faces).map_err(|e| anyhow!("faces.model: {e}"))?,
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    if imaging::sniff(&bytes) == Some(imaging::Format::Pdf) {
        return pdf(kind, lang, file, &bytes, &settings);
    }
    let analysis = match imaging::analyse(&bytes, &settings) {
        Ok(mut a) => {
            if let Some(detector) = &detector {
                faces::detect_in(&mut a, detector);
            }
            a
        }
        Err(e) => {
            eprintln!("gatehouse: {}: not a readable picture: {e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let report = ImageReport {
        kind,
        analysis: Ok(analysis),
        duplicates: Vec::new(),
    };
    let mut findings = imaging::findings(&report, &settings);
    findings.extend(faces::findings(&report, expect, &config.faces));
    let reasons = reasons(findings, lang);
    let Ok(analysis) = &report.analysis else {
        bail!("the analysis was lost");
    };
    let out = json!({
        "format": analysis.format,
        "width": analysis.width,
        "height": analysis.height,
        "metrics": analysis.metrics,
        "metadata": analysis.meta,
        "reasons": reasons,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}

fn reasons(findings: Vec<Finding>, lang: Lang) -> Vec<serde_json::Value> {
    findings
        .into_iter()
        .map(|f| {
            let text = reason_text(lang, &f.code, f.evidence.as_ref());
            json!({
                "code": f.code,
                "nature": f.nature,
                "message": text.as_ref().map(|t| t.message.clone()),
                "fix": text.map(|t| t.fix),
                "evidence": f.evidence,
            })
        })
        .collect()
}

/// A PDF statement: what its first page gave, judged as a proof of address (the applicant's
/// name is not known here, so only readability and the date are judged).
fn pdf(
    kind: Kind,
    lang: Lang,
    file: &Path,
    bytes: &[u8],
    settings: &imaging::ImageSettings,
) -> Result<ExitCode> {
    if kind != Kind::ProofOfAddress {
        eprintln!(
            "gatehouse: {}: a PDF is accepted only with --kind proof_of_address",
            file.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let today = chrono::Utc::now().date_naive();
    let (reading, findings) = proof_of_address::judge(bytes, None, today, settings);
    let Some(reading) = reading else {
        let detail = findings
            .first()
            .and_then(|f| f.evidence.as_ref())
            .and_then(|e| e["detail"].as_str())
            .unwrap_or("unreadable")
            .to_owned();
        eprintln!(
            "gatehouse: {}: not a readable PDF: {detail}",
            file.display()
        );
        return Ok(ExitCode::FAILURE);
    };
    let out = json!({
        "format": imaging::Format::Pdf,
        "pages": reading.pages,
        "metrics": reading,
        "latest_date": proof_of_address::latest_date(&reading.text, today).map(|d| d.to_string()),
        "reasons": reasons(findings, lang),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
