//! Liveness results: the verdict of a liveness provider's SDK session, normalised.
//!
//! Every provider's payload is mapped by an [`Adapter`] into one [`LivenessResult`], so the
//! rest of Gatehouse (storage, the checks, the decision) knows a single shape. Adding a
//! provider means writing an adapter and listing it in [`ADAPTERS`]; nothing else changes.

mod generic;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::application::FieldError;
use crate::ids::ApplicationId;
pub use generic::Generic;

/// Why a provider did not pass a session (or what it noticed while passing it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LivenessReason {
    LowLight,
    EyesClosed,
    Glasses,
    Headwear,
    FaceCovered,
    FilterDetected,
    ActionNotCompleted,
    MultipleFaces,
    SpoofSuspected,
    FaceMismatch,
}

impl LivenessReason {
    pub const ALL: [LivenessReason; 10] = [
        LivenessReason::LowLight,
        LivenessReason::EyesClosed,
        LivenessReason::Glasses,
        LivenessReason::Headwear,
        LivenessReason::FaceCovered,
        LivenessReason::FilterDetected,
        LivenessReason::ActionNotCompleted,
        LivenessReason::MultipleFaces,
        LivenessReason::SpoofSuspected,
        LivenessReason::FaceMismatch,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            LivenessReason::LowLight => "low_light",
            LivenessReason::EyesClosed => "eyes_closed",
            LivenessReason::Glasses => "glasses",
            LivenessReason::Headwear => "headwear",
            LivenessReason::FaceCovered => "face_covered",
            LivenessReason::FilterDetected => "filter_detected",
            LivenessReason::ActionNotCompleted => "action_not_completed",
            LivenessReason::MultipleFaces => "multiple_faces",
            LivenessReason::SpoofSuspected => "spoof_suspected",
            LivenessReason::FaceMismatch => "face_mismatch",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == input)
    }
}

/// Longest session id accepted; providers use UUIDs or similar.
pub const MAX_SESSION_ID: usize = 200;

/// A provider's verdict on one liveness session, in Gatehouse's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivenessResult {
    pub application_id: ApplicationId,
    /// The provider's id of the session; a second delivery of the same session is a duplicate.
    pub session_id: String,
    pub passed: bool,
    /// Sorted, without repeats.
    pub reasons: Vec<LivenessReason>,
}

/// Turns one provider's payload into a [`LivenessResult`].
pub trait Adapter: Send + Sync {
    /// The `{provider}` path segment and the key of its secret in the configuration.
    fn name(&self) -> &'static str;
    /// Maps the payload; every problem is reported as a field error of the payload.
    fn normalise(&self, payload: &Value) -> Result<LivenessResult, Vec<FieldError>>;
}

/// Every provider Gatehouse understands.
pub const ADAPTERS: &[&dyn Adapter] = &[&Generic];

/// The adapter for a provider name.
pub fn adapter(name: &str) -> Option<&'static dyn Adapter> {
    ADAPTERS.iter().copied().find(|a| a.name() == name)
}

/// The checks an adapter's output must pass, whatever the provider: shared so that no
/// adapter can hand on an empty session id or an unsorted reason list.
pub fn result(
    application_id: ApplicationId,
    session_id: &str,
    passed: bool,
    mut reasons: Vec<LivenessReason>,
) -> Result<LivenessResult, Vec<FieldError>> {
    let session_id = session_id.trim();
    if session_id.is_empty()
        || session_id.len() > MAX_SESSION_ID
        || !session_id.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(vec![FieldError {
            field: "session_id".into(),
            code: "invalid_session_id",
            message: format!("must be 1 to {MAX_SESSION_ID} printable ASCII characters"),
        }]);
    }
    reasons.sort();
    reasons.dedup();
    Ok(LivenessResult {
        application_id,
        session_id: session_id.to_owned(),
        passed,
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_through_their_names() {
        for r in LivenessReason::ALL {
            assert_eq!(LivenessReason::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                Value::String(r.as_str().into())
            );
        }
        assert_eq!(LivenessReason::parse("sunglasses"), None);
    }

    #[test]
    fn adapters_are_found_by_name_and_names_are_unique() {
        assert_eq!(adapter("generic").map(|a| a.name()), Some("generic"));
        assert!(adapter("nope").is_none());
        let mut names: Vec<_> = ADAPTERS.iter().map(|a| a.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ADAPTERS.len());
    }

    #[test]
    fn results_are_normalised() {
        let id = ApplicationId::new();
        let r = result(
            id,
            " s-1 ",
            false,
            vec![
                LivenessReason::Glasses,
                LivenessReason::LowLight,
                LivenessReason::Glasses,
            ],
        )
        .unwrap();
        assert_eq!(r.session_id, "s-1");
        assert_eq!(
            r.reasons,
            vec![LivenessReason::LowLight, LivenessReason::Glasses]
        );
        assert!(result(id, "", true, vec![]).is_err());
        assert!(result(id, "a b", true, vec![]).is_err());
        assert!(result(id, &"x".repeat(MAX_SESSION_ID + 1), true, vec![]).is_err());
    }
}
