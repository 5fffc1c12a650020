//! Reason codes: what a check found, and whether the applicant can fix it.
//!
//! The catalogue is spread over the checks that raise the codes: each check declares its
//! [`ReasonDef`]s, and the texts live in `locales/<lang>/reasons.toml`. Adding a check never
//! means editing a central list.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What kind of problem a reason describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// The applicant can fix it and submit again.
    Retry,
    /// A person must look at the application.
    Manual,
    /// The application cannot succeed.
    Final,
}

/// A reason code and its nature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonDef {
    pub code: &'static str,
    pub nature: Nature,
}

impl ReasonDef {
    pub const fn new(code: &'static str, nature: Nature) -> Self {
        Self { code, nature }
    }

    /// A finding of this reason with no field or evidence yet.
    pub fn finding(&self) -> Finding {
        Finding {
            code: self.code.to_owned(),
            nature: self.nature,
            field: None,
            evidence: None,
        }
    }
}

/// One thing a check found about an attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub nature: Nature,
    /// The request field or file slot concerned, e.g. `document.expiry_date` or `files.selfie`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Values that explain the finding (also used to fill in the localised message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Value>,
}

impl Finding {
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_evidence(mut self, evidence: Value) -> Self {
        self.evidence = Some(evidence);
        self
    }
}
