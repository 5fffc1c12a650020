//! `inspect image`: the image checks on one file, as an operator or a calibration script sees
//! them.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use gatehouse_checks::faces::{self, Detector, Expect};
use gatehouse_checks::imaging::{self, ImageReport, Kind};
use gatehouse_core::i18n::{reason_text, Lang};
use serde_json::json;

pub fn run(
    kind: &str,
    lang: &str,
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
    // Selfies are searched for one face; a document photo for its portrait (taken to be the
    // front: that is where an operator looks for one).
    let expect = match kind {
        Kind::Selfie => Expect::Selfie,
        Kind::Document => Expect::Portrait,
        Kind::ProofOfAddress => Expect::Nothing,
    };
    let detector = match expect {
        Expect::Nothing => None,
        _ => Detector::load(&config.faces).map_err(|e| anyhow!("faces.model: {e}"))?,
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
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
    let reasons: Vec<_> = findings
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
        .collect();
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
