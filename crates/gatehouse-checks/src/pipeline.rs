//! The ordered list of checks an attempt goes through.

use gatehouse_core::reasons::{Finding, ReasonDef};

use crate::basic::{DocumentExpiry, MinimumAge, RequiredData};
use crate::faces::FaceChecks;
use crate::identity::IdentityConsistency;
use crate::imaging::ImageChecks;
use crate::links::LinkedAccounts;
use crate::liveness::LivenessCheck;
use crate::policy::DocumentTypePolicy;
use crate::region::RegionCheck;
use crate::sanctions::check::SanctionsScreening;
use crate::{Check, CheckInput};

/// Runs checks in order and gathers their findings.
pub struct Pipeline {
    checks: Vec<Box<dyn Check>>,
}

impl Pipeline {
    pub fn new(checks: Vec<Box<dyn Check>>) -> Self {
        Self { checks }
    }

    /// The checks every submission goes through.
    pub fn standard() -> Self {
        Self::new(vec![
            Box::new(RegionCheck),
            Box::new(RequiredData),
            Box::new(DocumentTypePolicy),
            Box::new(DocumentExpiry),
            Box::new(MinimumAge),
            Box::new(IdentityConsistency),
            Box::new(LinkedAccounts),
            Box::new(SanctionsScreening),
            Box::new(ImageChecks),
            Box::new(FaceChecks),
            Box::new(LivenessCheck),
            Box::new(crate::proof_of_address::ProofOfAddress),
        ])
    }

    pub fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        self.checks.iter().flat_map(|c| c.run(input)).collect()
    }

    /// Every reason code the pipeline can raise, for the catalogue and its completeness tests.
    pub fn reasons(&self) -> Vec<ReasonDef> {
        self.checks
            .iter()
            .flat_map(|c| c.reasons().iter().copied())
            .collect()
    }

    pub fn check_names(&self) -> Vec<&'static str> {
        self.checks.iter().map(|c| c.name()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_core::decision::TOO_MANY_ATTEMPTS;
    use gatehouse_core::i18n::{reason_text, Lang};

    #[test]
    fn every_reason_has_texts_in_every_language() {
        let mut defs = Pipeline::standard().reasons();
        defs.push(TOO_MANY_ATTEMPTS);
        for def in defs {
            for lang in Lang::ALL {
                let text = reason_text(lang, def.code, None)
                    .unwrap_or_else(|| panic!("{} has no {} text", def.code, lang.tag()));
                assert!(!text.message.is_empty() && !text.fix.is_empty());
            }
        }
    }

    #[test]
    fn reason_codes_are_unique_and_upper_snake_case() {
        let defs = Pipeline::standard().reasons();
        let mut codes: Vec<_> = defs.iter().map(|d| d.code).collect();
        codes.sort();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len());
        assert!(codes
            .iter()
            .all(|c| c.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_')));
    }
}
