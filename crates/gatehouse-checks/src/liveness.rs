//! Liveness: turns a provider's verdict into reasons the applicant can act on.
//!
//! What the provider saw is grouped by what the applicant must do differently: glasses, a hat
//! and a mask all mean "uncover your face"; closed eyes and a missed prompt both mean "follow
//! the prompts". A suspected spoof or a face that does not match the document never ends an
//! application by itself: a person looks at it.

use gatehouse_core::liveness::{LivenessReason, LivenessResult};
use gatehouse_core::reasons::{Finding, Nature, ReasonDef};
use serde_json::json;

use crate::{Check, CheckInput};

pub const LIVENESS_LOW_LIGHT: ReasonDef = ReasonDef::new("LIVENESS_LOW_LIGHT", Nature::Retry);
pub const LIVENESS_FACE_COVERED: ReasonDef = ReasonDef::new("LIVENESS_FACE_COVERED", Nature::Retry);
pub const LIVENESS_FILTER_DETECTED: ReasonDef =
    ReasonDef::new("LIVENESS_FILTER_DETECTED", Nature::Retry);
pub const LIVENESS_ACTION_NOT_COMPLETED: ReasonDef =
    ReasonDef::new("LIVENESS_ACTION_NOT_COMPLETED", Nature::Retry);
pub const LIVENESS_MULTIPLE_FACES: ReasonDef =
    ReasonDef::new("LIVENESS_MULTIPLE_FACES", Nature::Retry);
/// Failed without a reason the provider could name.
pub const LIVENESS_FAILED: ReasonDef = ReasonDef::new("LIVENESS_FAILED", Nature::Retry);
/// Required, but no result arrived within the configured time.
pub const LIVENESS_TIMEOUT: ReasonDef = ReasonDef::new("LIVENESS_TIMEOUT", Nature::Retry);
pub const LIVENESS_SPOOF_SUSPECTED: ReasonDef =
    ReasonDef::new("LIVENESS_SPOOF_SUSPECTED", Nature::Manual);
pub const SELFIE_MISMATCH: ReasonDef = ReasonDef::new("SELFIE_MISMATCH", Nature::Manual);

const REASONS: &[ReasonDef] = &[
    LIVENESS_LOW_LIGHT,
    LIVENESS_FACE_COVERED,
    LIVENESS_FILTER_DETECTED,
    LIVENESS_ACTION_NOT_COMPLETED,
    LIVENESS_MULTIPLE_FACES,
    LIVENESS_FAILED,
    LIVENESS_TIMEOUT,
    LIVENESS_SPOOF_SUSPECTED,
    SELFIE_MISMATCH,
];

/// The reason each provider reason maps to.
fn reason_of(r: LivenessReason) -> ReasonDef {
    use LivenessReason::*;
    match r {
        LowLight => LIVENESS_LOW_LIGHT,
        Glasses | Headwear | FaceCovered => LIVENESS_FACE_COVERED,
        FilterDetected => LIVENESS_FILTER_DETECTED,
        EyesClosed | ActionNotCompleted => LIVENESS_ACTION_NOT_COMPLETED,
        MultipleFaces => LIVENESS_MULTIPLE_FACES,
        SpoofSuspected => LIVENESS_SPOOF_SUSPECTED,
        FaceMismatch => SELFIE_MISMATCH,
    }
}

/// The findings of one result. A passed session raises only what a person must look at
/// (a provider may pass a session and still flag a mismatch); the hints it gives with a pass
/// are not held against the applicant.
pub fn findings(result: &LivenessResult) -> Vec<Finding> {
    let mut out: Vec<(ReasonDef, Vec<&'static str>)> = Vec::new();
    for r in &result.reasons {
        let def = reason_of(*r);
        if result.passed && def.nature != Nature::Manual {
            continue;
        }
        match out.iter_mut().find(|(d, _)| *d == def) {
            Some((_, seen)) => seen.push(r.as_str()),
            None => out.push((def, vec![r.as_str()])),
        }
    }
    // A failure the provider explains only by a spoof or a mismatch goes to a person as it
    // is: asking for another try would let a fraudster probe the provider.
    if !result.passed && out.is_empty() {
        out.push((LIVENESS_FAILED, Vec::new()));
    }
    out.into_iter()
        .map(|(def, seen)| {
            def.finding().with_field("liveness").with_evidence(json!({
                "session_id": result.session_id,
                "provider_reasons": seen,
            }))
        })
        .collect()
}

/// The finding for a required result that never came.
pub fn timed_out(waited_seconds: u64) -> Finding {
    LIVENESS_TIMEOUT
        .finding()
        .with_field("liveness")
        .with_evidence(json!({ "waited_seconds": waited_seconds }))
}

/// Reads the result the submission found (if any). Whether a missing result is waited for is
/// the submission's business, not a finding.
pub struct LivenessCheck;

impl Check for LivenessCheck {
    fn name(&self) -> &'static str {
        "liveness"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        REASONS
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        input.liveness.map(findings).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use gatehouse_core::ids::ApplicationId;

    use super::*;

    fn result(passed: bool, reasons: &[LivenessReason]) -> LivenessResult {
        gatehouse_core::liveness::result(ApplicationId::new(), "s1", passed, reasons.to_vec())
            .unwrap()
    }

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn a_clean_pass_raises_nothing() {
        assert!(findings(&result(true, &[])).is_empty());
        assert!(findings(&result(true, &[LivenessReason::Glasses])).is_empty());
    }

    #[test]
    fn covered_faces_are_one_reason_naming_what_covered_them() {
        let f = findings(&result(
            false,
            &[
                LivenessReason::Headwear,
                LivenessReason::Glasses,
                LivenessReason::LowLight,
            ],
        ));
        assert_eq!(
            codes(&f),
            vec!["LIVENESS_LOW_LIGHT", "LIVENESS_FACE_COVERED"]
        );
        assert_eq!(
            f[1].evidence.as_ref().unwrap()["provider_reasons"],
            json!(["glasses", "headwear"])
        );
        assert!(f.iter().all(|f| f.nature == Nature::Retry));
    }

    #[test]
    fn spoof_and_mismatch_go_to_a_person_even_after_a_pass() {
        let f = findings(&result(true, &[LivenessReason::SpoofSuspected]));
        assert_eq!(codes(&f), vec!["LIVENESS_SPOOF_SUSPECTED"]);
        assert_eq!(f[0].nature, Nature::Manual);
        let f = findings(&result(false, &[LivenessReason::FaceMismatch]));
        assert_eq!(codes(&f), vec!["SELFIE_MISMATCH"]);
        assert_eq!(f[0].nature, Nature::Manual);
    }

    #[test]
    fn a_failure_without_reasons_still_says_to_retry() {
        let f = findings(&result(false, &[]));
        assert_eq!(codes(&f), vec!["LIVENESS_FAILED"]);
        let f = findings(&result(
            false,
            &[
                LivenessReason::EyesClosed,
                LivenessReason::ActionNotCompleted,
            ],
        ));
        assert_eq!(codes(&f), vec!["LIVENESS_ACTION_NOT_COMPLETED"]);
    }
}
