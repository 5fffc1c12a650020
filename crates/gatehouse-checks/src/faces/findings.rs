//! Reasons from the faces measured on a selfie or a document front, with evidence a reviewer
//! can check: the face box in the original picture's pixels, the measured value, the threshold.

use gatehouse_core::reasons::{Finding, Nature, ReasonDef};
use serde_json::{json, Value};

use super::{Expect, FaceSettings};
use crate::imaging::ImageReport;
use crate::{Check, CheckInput};

pub const FACE_NOT_FOUND: ReasonDef = ReasonDef::new("FACE_NOT_FOUND", Nature::Retry);
pub const MULTIPLE_FACES: ReasonDef = ReasonDef::new("MULTIPLE_FACES", Nature::Retry);
pub const FACE_TOO_SMALL: ReasonDef = ReasonDef::new("FACE_TOO_SMALL", Nature::Retry);
pub const FACE_NOT_CENTRED: ReasonDef = ReasonDef::new("FACE_NOT_CENTRED", Nature::Retry);
pub const SELFIE_TOO_DARK: ReasonDef = ReasonDef::new("SELFIE_TOO_DARK", Nature::Retry);
pub const SELFIE_BLURRY: ReasonDef = ReasonDef::new("SELFIE_BLURRY", Nature::Retry);
pub const DOCUMENT_PORTRAIT_NOT_FOUND: ReasonDef =
    ReasonDef::new("DOCUMENT_PORTRAIT_NOT_FOUND", Nature::Retry);

const REASONS: &[ReasonDef] = &[
    FACE_NOT_FOUND,
    MULTIPLE_FACES,
    FACE_TOO_SMALL,
    FACE_NOT_CENTRED,
    SELFIE_TOO_DARK,
    SELFIE_BLURRY,
    DOCUMENT_PORTRAIT_NOT_FOUND,
];

fn round(v: f64) -> f64 {
    crate::imaging::round(v, 3)
}

/// The reasons the faces of `report` give for a picture expected to show `expect`. Nothing
/// when the picture could not be read (the image checks say so) or was not searched.
pub fn findings(report: &ImageReport, expect: Expect, settings: &FaceSettings) -> Vec<Finding> {
    let Some(faces) = report
        .analysis
        .as_ref()
        .ok()
        .and_then(|a| a.metrics.faces.as_ref())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push =
        |def: ReasonDef, evidence: Value| out.push(def.finding().with_evidence(evidence));
    match expect {
        Expect::Nothing => {}
        Expect::Portrait => {
            if faces.faces.is_empty() {
                push(DOCUMENT_PORTRAIT_NOT_FOUND, json!({"faces": 0}));
            }
        }
        Expect::Selfie => {
            let Some(face) = faces.faces.first() else {
                push(FACE_NOT_FOUND, json!({"faces": 0}));
                return out;
            };
            let others: Vec<_> = faces.faces[1..]
                .iter()
                .filter(|f| f.size_share >= face.size_share * settings.second_face_min_ratio)
                .collect();
            if !others.is_empty() {
                let regions: Vec<_> = std::iter::once(face)
                    .chain(others.iter().copied())
                    .map(|f| f.region)
                    .collect();
                push(
                    MULTIPLE_FACES,
                    json!({"faces": regions.len(), "regions": regions,
                           "second_face_min_ratio": settings.second_face_min_ratio}),
                );
            }
            let region = face.region;
            if face.size_share < settings.min_face_share {
                push(
                    FACE_TOO_SMALL,
                    json!({"region": region, "size_share": round(face.size_share),
                           "min_face_share": settings.min_face_share}),
                );
            }
            let offset = face.centre_offset[0].max(face.centre_offset[1]);
            if offset > settings.max_centre_offset {
                push(
                    FACE_NOT_CENTRED,
                    json!({"region": region, "position": face.position,
                           "centre_offset": face.centre_offset.map(round),
                           "max_centre_offset": settings.max_centre_offset}),
                );
            }
            if face.brightness < settings.dark_face_mean {
                push(
                    SELFIE_TOO_DARK,
                    json!({"region": region, "face_luminance": round(face.brightness),
                           "min_face_luminance": settings.dark_face_mean}),
                );
            } else if face.sharpness < settings.blur_face_edge_ratio {
                // In the dark the sensor's noise and smoothing decide the edges: the light is
                // the reason to give.
                push(
                    SELFIE_BLURRY,
                    json!({"region": region, "face_edge_ratio": round(face.sharpness),
                           "min_face_edge_ratio": settings.blur_face_edge_ratio}),
                );
            }
        }
    }
    out
}

/// The face checks over the selfie and the document's front.
pub struct FaceChecks;

impl Check for FaceChecks {
    fn name(&self) -> &'static str {
        "faces"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        REASONS
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (slot, report) in input.images {
            let expect = super::Expect::of_slot(*slot);
            for finding in findings(report, expect, &input.settings.faces) {
                out.push(finding.with_field(format!("files.{}", slot.as_str())));
            }
        }
        out
    }
}
