//! Document image checks: safe decoding, quality, completeness and integrity.
//!
//! [`analyse`] decodes an upload once (within limits, at reduced scale) and measures it;
//! [`findings`] turns the measurements into reasons with the current thresholds. The server
//! runs `analyse` for each file of an attempt (and for pre-checks), adds what only the store
//! knows (the same picture seen elsewhere), and hands the reports to the pipeline through
//! [`crate::CheckInput::images`], so a picture is decoded once however many checks read it.

pub mod colours;
pub mod cover;
pub mod decode;
pub mod format;
pub mod glare;
pub mod jpeg_scan;
pub mod locate;
pub mod meta;
pub mod metrics;
pub mod phash;
pub mod region;
pub mod resample;
pub mod screen;
mod settings;
mod shade;
mod sharpness;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
#[cfg(test)]
mod tests;

use gatehouse_core::application::Slot;
use gatehouse_core::reasons::{Finding, Nature, ReasonDef};
use serde::Serialize;
use serde_json::{json, Value};

use crate::{Check, CheckInput};
pub use decode::{DecodeError, Decoded, Limits};
pub use format::{sniff, Format};
pub use settings::ImageSettings;

/// What the picture is meant to show; decides which checks apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Document,
    Selfie,
    ProofOfAddress,
}

impl Kind {
    pub fn parse(input: &str) -> Option<Kind> {
        match input {
            "document" => Some(Kind::Document),
            "selfie" => Some(Kind::Selfie),
            "proof_of_address" => Some(Kind::ProofOfAddress),
            _ => None,
        }
    }

    pub fn of_slot(slot: Slot) -> Kind {
        match slot {
            Slot::DocumentFront | Slot::DocumentBack => Kind::Document,
            Slot::Selfie => Kind::Selfie,
            Slot::ProofOfAddress => Kind::ProofOfAddress,
        }
    }
}

/// Every measurement, in the units the thresholds use.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub exposure: metrics::Exposure,
    pub sharpness: metrics::Sharpness,
    pub colourfulness: f64,
    pub document: locate::Location,
    pub glare: Vec<glare::GlareSpot>,
    pub moire: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screenshot: Option<screen::ScreenshotSignal>,
    pub hashes: phash::Hashes,
    /// Faces, where they were looked for (see [`crate::faces::detect_in`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faces: Option<crate::faces::Faces>,
}

/// A decoded and measured picture.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub metrics: Metrics,
    pub meta: meta::Meta,
    /// Working pixels per original pixel, to report regions in the original's coordinates.
    #[serde(skip)]
    pub scale: f64,
    #[serde(skip)]
    pub decoded: Option<Decoded>,
}

/// Decodes and measures `bytes`. PDFs are refused here: see [`crate::imaging::analyse`].
pub fn analyse(bytes: &[u8], settings: &ImageSettings) -> Result<Analysis, DecodeError> {
    Ok(measure(decode::decode(bytes, &settings.limits)?, settings))
}

/// Measures a picture that was decoded already (a scanned page taken from a PDF: see
/// [`decode::from_pixels`]).
pub fn measure(decoded: Decoded, settings: &ImageSettings) -> Analysis {
    let (w, h) = decoded.gray.dimensions();
    let document = locate::locate(
        &decoded.rgb,
        &decoded.gray,
        settings.cell_density,
        settings.cut_density,
    );
    let area = if document.coverage > 0.0 {
        document.bbox
    } else {
        region::Rect::full(w, h)
    };
    let metrics = Metrics {
        exposure: metrics::exposure(&decoded.gray, area),
        sharpness: metrics::sharpness(&decoded.gray, area),
        colourfulness: metrics::colourfulness(&decoded.rgb, area),
        glare: glare::spots(
            &decoded.rgb,
            &decoded.gray,
            area,
            settings.glare_min_share,
            settings.glare_min_fill,
        ),
        moire: screen::moire_score(&decoded.rgb),
        screenshot: screen::screenshot(decoded.width, decoded.height, &decoded.meta),
        hashes: phash::hashes(&decoded.gray),
        document,
        faces: None,
    };
    Analysis {
        format: decoded.format,
        width: decoded.width,
        height: decoded.height,
        scale: decoded.scale(),
        meta: decoded.meta.clone(),
        metrics,
        decoded: Some(decoded),
    }
}

/// The same picture found elsewhere, as the store reported it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    /// `same_application` (another slot of this application) or `other_account`.
    pub scope: &'static str,
    /// The slot it was submitted for.
    pub slot: Slot,
    /// Differing bits of the fine hash.
    pub distance: u32,
}

/// What the server learnt about one file of an attempt.
#[derive(Debug, Clone)]
pub struct ImageReport {
    pub kind: Kind,
    pub analysis: Result<Analysis, DecodeError>,
    pub duplicates: Vec<Duplicate>,
}

pub const IMAGE_UNREADABLE: ReasonDef = ReasonDef::new("IMAGE_UNREADABLE", Nature::Retry);
pub const IMAGE_TOO_LARGE: ReasonDef = ReasonDef::new("IMAGE_TOO_LARGE", Nature::Retry);
pub const IMAGE_TOO_SMALL: ReasonDef = ReasonDef::new("IMAGE_TOO_SMALL", Nature::Retry);
pub const IMAGE_BLURRY: ReasonDef = ReasonDef::new("IMAGE_BLURRY", Nature::Retry);
pub const IMAGE_GLARE: ReasonDef = ReasonDef::new("IMAGE_GLARE", Nature::Retry);
pub const IMAGE_TOO_DARK: ReasonDef = ReasonDef::new("IMAGE_TOO_DARK", Nature::Retry);
pub const IMAGE_OVEREXPOSED: ReasonDef = ReasonDef::new("IMAGE_OVEREXPOSED", Nature::Retry);
pub const IMAGE_BLACK_AND_WHITE: ReasonDef = ReasonDef::new("IMAGE_BLACK_AND_WHITE", Nature::Retry);
pub const DOCUMENT_NOT_FOUND: ReasonDef = ReasonDef::new("DOCUMENT_NOT_FOUND", Nature::Retry);
pub const DOCUMENT_CUT_OFF: ReasonDef = ReasonDef::new("DOCUMENT_CUT_OFF", Nature::Retry);
pub const DOCUMENT_TOO_SMALL: ReasonDef = ReasonDef::new("DOCUMENT_TOO_SMALL", Nature::Retry);
pub const IMAGE_EDITED: ReasonDef = ReasonDef::new("IMAGE_EDITED", Nature::Retry);
pub const SELFIE_EDITED: ReasonDef = ReasonDef::new("SELFIE_EDITED", Nature::Retry);
pub const SCREENSHOT: ReasonDef = ReasonDef::new("SCREENSHOT", Nature::Retry);
pub const PHOTO_OF_SCREEN: ReasonDef = ReasonDef::new("PHOTO_OF_SCREEN", Nature::Retry);
/// Reused in another slot of the same application: a mistake the applicant can fix.
pub const DUPLICATE_IMAGE: ReasonDef = ReasonDef::new("DUPLICATE_IMAGE", Nature::Retry);
/// Already submitted by another account: a person must look (shared or stolen photos).
pub const DUPLICATE_IMAGE_OTHER_ACCOUNT: ReasonDef =
    ReasonDef::new("DUPLICATE_IMAGE_OTHER_ACCOUNT", Nature::Manual);

const REASONS: &[ReasonDef] = &[
    IMAGE_UNREADABLE,
    IMAGE_TOO_LARGE,
    IMAGE_TOO_SMALL,
    IMAGE_BLURRY,
    IMAGE_GLARE,
    IMAGE_TOO_DARK,
    IMAGE_OVEREXPOSED,
    IMAGE_BLACK_AND_WHITE,
    DOCUMENT_NOT_FOUND,
    DOCUMENT_CUT_OFF,
    DOCUMENT_TOO_SMALL,
    IMAGE_EDITED,
    SELFIE_EDITED,
    SCREENSHOT,
    PHOTO_OF_SCREEN,
    DUPLICATE_IMAGE,
    DUPLICATE_IMAGE_OTHER_ACCOUNT,
];

/// `v` rounded to `places` decimals, for evidence a person reads.
pub(crate) fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// Working pixels on the long side of the measured document below which shrinking has greyed
/// its thin print (the calibration's document shrunk to a quarter, 273 px long, reads its
/// darkest print at 91; the overexposed ones are 570-984 px long).
const MIN_SIDE_FOR_PRINT_LIGHT: u32 = 400;

/// The mean brightness of a document lit like a scan: colourfulness is judged as if the
/// picture were this bright (see the black-and-white check in [`findings`]).
const LIT_MEAN: f64 = 224.0;

/// The reasons `report` gives, with evidence a reviewer can check (metric values against the
/// thresholds, regions in the original picture's pixels).
pub fn findings(report: &ImageReport, settings: &ImageSettings) -> Vec<Finding> {
    let analysis = match &report.analysis {
        Ok(a) => a,
        Err(DecodeError::TooManyPixels { width, height }) => {
            return vec![IMAGE_TOO_LARGE.finding().with_evidence(
                json!({"width": width, "height": height, "max_pixels": settings.limits.max_pixels}),
            )]
        }
        Err(e) => {
            return vec![IMAGE_UNREADABLE
                .finding()
                .with_evidence(json!({"error": e.code(), "detail": e.to_string()}))]
        }
    };
    let kind = report.kind;
    let m = &analysis.metrics;
    let mut out = Vec::new();
    let mut push =
        |def: ReasonDef, evidence: Value| out.push(def.finding().with_evidence(evidence));
    let (long, short) = (
        analysis.width.max(analysis.height),
        analysis.width.min(analysis.height),
    );
    if long < settings.min_long_side || short < settings.min_short_side {
        push(
            IMAGE_TOO_SMALL,
            json!({"width": analysis.width, "height": analysis.height,
                   "min_long_side": settings.min_long_side, "min_short_side": settings.min_short_side}),
        );
    }
    let s = &m.sharpness;
    // Blur is judged on the document; with none found, that is the reason to give.
    let d = &s.directional;
    let blurry = s.edge_ratio < settings.blur_edge_ratio
        || d.edge_ratio
            .is_some_and(|r| r < settings.blur_direction_ratio)
        || d.step_ratio.is_some_and(|r| r < settings.blur_step_ratio);
    let e = &m.exposure;
    let mut washed_out = false;
    // Whether lifted print is a sign of the light: an identity document's print (its
    // machine-readable zone above all) is black, where a letter may be printed in grey; and
    // blur, or a document too small in the picture, spreads thin print into the paper and
    // lifts its darkest tones too.
    let measured_side = if m.document.coverage > 0.0 {
        m.document.bbox.width.max(m.document.bbox.height)
    } else {
        (f64::from(analysis.width.max(analysis.height)) * analysis.scale) as u32
    };
    let print_shows_light =
        kind == Kind::Document && !blurry && measured_side >= MIN_SIDE_FOR_PRINT_LIGHT;
    let not_found = kind != Kind::Selfie
        && (m.document.coverage == 0.0 || m.document.structure < settings.min_structure);
    if e.mean < settings.dark_mean
        || (e.p95 < settings.dark_p95 && e.mean < settings.dark_mean * 1.5)
    {
        push(
            IMAGE_TOO_DARK,
            json!({"mean_luminance": round(e.mean, 1), "p95": e.p95,
                   "min_mean": settings.dark_mean, "min_p95": settings.dark_p95}),
        );
    } else if e.p05 > settings.overexposed_p05
        || (e.clipped_white > settings.overexposed_share
            && (e.p05 > settings.overexposed_p05 - 25
                || (e.p01 > settings.overexposed_p01 && print_shows_light)))
    {
        washed_out = true;
        push(
            IMAGE_OVEREXPOSED,
            json!({"clipped_share": round(e.clipped_white, 3), "p05": e.p05, "p01": e.p01,
                   "max_clipped_share": settings.overexposed_share,
                   "max_p05": settings.overexposed_p05, "max_p01": settings.overexposed_p01}),
        );
    }
    // Both are given for a photo of a screen, which is soft: blur lowers the spectrum's
    // median the moiré score is measured against, so a smeared photo can read as one.
    if blurry && !not_found {
        push(
            IMAGE_BLURRY,
            json!({"edge_ratio": round(s.edge_ratio, 3), "min_edge_ratio": settings.blur_edge_ratio,
                   "direction_edge_ratio": d.edge_ratio.map(|r| round(r, 3)),
                   "min_direction_edge_ratio": settings.blur_direction_ratio,
                   "weakest_direction": d.direction,
                   "step_ratio": d.step_ratio.map(|r| round(r, 3)),
                   "step_direction": d.step_direction,
                   "min_step_ratio": settings.blur_step_ratio,
                   "laplacian_variance": round(s.laplacian_variance, 1)}),
        );
    }
    // A washed-out picture is blown out everywhere: overexposure is the reason to give.
    if kind != Kind::Selfie && !washed_out {
        if let Some(spot) = m.glare.first() {
            push(
                IMAGE_GLARE,
                json!({"position": spot.position, "share": round(spot.share, 4),
                       "covers_print": spot.covers_print,
                       "region": spot.bbox.unscaled(analysis.scale), "spots": m.glare.len()}),
            );
        }
    }
    // Colour fades with the light: scale it up as if the document were lit like a scan, so
    // a dim colour photo is called dark, not black and white, and a pale card's verdict does
    // not hang on the exposure (a phone photo's page is often at 130-180 where a scan's is at
    // 190-230; the calibration's palest colour card fell under the threshold at 0.82 of its
    // scanned brightness). Above that brightness clipping, not the light, takes colour away.
    let colour = m.colourfulness * LIT_MEAN / e.mean.clamp(32.0, LIT_MEAN);
    // A washed-out picture has lost its colour with its detail: that is the reason to give.
    if kind == Kind::Document && colour < settings.min_colourfulness && !washed_out {
        push(
            IMAGE_BLACK_AND_WHITE,
            json!({"colourfulness": round(colour, 2), "min_colourfulness": settings.min_colourfulness,
                   "measured_colourfulness": round(m.colourfulness, 2),
                   "mean_luminance": round(e.mean, 1)}),
        );
    }
    if kind != Kind::Selfie {
        document_findings(analysis, settings, &mut push);
    }
    if let Some(editor) = analysis.meta.editor() {
        let def = if kind == Kind::Selfie {
            SELFIE_EDITED
        } else {
            IMAGE_EDITED
        };
        push(def, json!({"software": editor}));
    }
    if let Some(signal) = &m.screenshot {
        push(SCREENSHOT, json!(signal));
    } else if m.moire >= settings.moire_score {
        push(
            PHOTO_OF_SCREEN,
            json!({"moire_score": round(m.moire, 2), "max_moire_score": settings.moire_score}),
        );
    }
    for d in &report.duplicates {
        let def = if d.scope == "other_account" {
            DUPLICATE_IMAGE_OTHER_ACCOUNT
        } else {
            DUPLICATE_IMAGE
        };
        push(
            def,
            json!({"scope": d.scope, "other_slot": d.slot.as_str(), "distance": d.distance}),
        );
    }
    out
}

fn document_findings(
    analysis: &Analysis,
    settings: &ImageSettings,
    push: &mut impl FnMut(ReasonDef, Value),
) {
    let doc = &analysis.metrics.document;
    if doc.coverage == 0.0 || doc.structure < settings.min_structure {
        push(
            DOCUMENT_NOT_FOUND,
            json!({"structure": round(doc.structure, 3), "min_structure": settings.min_structure}),
        );
        return;
    }
    let region = doc.bbox.unscaled(analysis.scale);
    if !doc.cut_sides.is_empty() || !doc.covered_corners.is_empty() {
        let corner = doc.cut_corners.first().or(doc.covered_corners.first());
        let place = corner.copied().unwrap_or_else(|| doc.cut_sides[0]);
        push(
            DOCUMENT_CUT_OFF,
            json!({"where": place, "sides": doc.cut_sides, "corners": doc.cut_corners,
                   "covered": doc.covered_corners, "region": region}),
        );
    } else if doc.coverage < settings.min_document_coverage {
        push(
            DOCUMENT_TOO_SMALL,
            json!({"coverage": round(doc.coverage, 3), "min_coverage": settings.min_document_coverage,
                   "region": region}),
        );
    }
}

/// The image checks over every file of the attempt, from the reports the server prepared.
pub struct ImageChecks;

impl Check for ImageChecks {
    fn name(&self) -> &'static str {
        "images"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        REASONS
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (slot, report) in input.images {
            for finding in findings(report, &input.settings.images) {
                out.push(finding.with_field(format!("files.{}", slot.as_str())));
            }
        }
        out
    }
}
