//! A possible sanctions match never rejects: it sends the application to a reviewer, and the
//! applicant is told only that further review is needed.

use gatehouse_core::reasons::{Finding, Nature, ReasonDef};
use serde_json::json;

use crate::{Check, CheckInput};

pub const SANCTIONS_POSSIBLE_MATCH: ReasonDef =
    ReasonDef::new("SANCTIONS_POSSIBLE_MATCH", Nature::Manual);

pub struct SanctionsScreening;

impl Check for SanctionsScreening {
    fn name(&self) -> &'static str {
        "sanctions"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        &[SANCTIONS_POSSIBLE_MATCH]
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        if input.sanctions_hits.is_empty() {
            return Vec::new();
        }
        let hits: Vec<_> = input.sanctions_hits.iter().map(|h| h.report()).collect();
        vec![SANCTIONS_POSSIBLE_MATCH
            .finding()
            .with_evidence(json!({ "hits": hits }))]
    }
}
