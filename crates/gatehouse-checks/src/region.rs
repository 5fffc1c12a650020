//! Verification is refused where the region policy says so: a blocked residence or nationality,
//! or the verification context's IP rules. An IP country that differs from the declared
//! residence is ignored, flagged for a reviewer, or refused, as configured.

use gatehouse_core::reasons::{Finding, Nature, ReasonDef};
use gatehouse_core::region::{evaluate, RegionContext, RegionFacts};
use serde_json::json;

use crate::{Check, CheckInput};

/// Final: the applicant is told the service is not available in their region, nothing more.
pub const REGION_RESTRICTED: ReasonDef = ReasonDef::new("REGION_RESTRICTED", Nature::Final);
pub const IP_RESIDENCE_MISMATCH: ReasonDef =
    ReasonDef::new("IP_RESIDENCE_MISMATCH", Nature::Manual);

pub struct RegionCheck;

impl Check for RegionCheck {
    fn name(&self) -> &'static str {
        "region"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        &[REGION_RESTRICTED, IP_RESIDENCE_MISMATCH]
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        let p = &input.data.person;
        let facts = RegionFacts {
            ip_country: input.client.ip_country,
            ip_subdivision: input.client.ip_subdivision.as_deref(),
            ip_in_blocked_cidr: input.client.ip_in_blocked_cidr,
            residence: p.residence_country,
            nationality: p.nationality,
        };
        let decision = evaluate(
            &input.settings.region_policy,
            RegionContext::Verification,
            &facts,
        );
        // The rule is recorded for reviewers and audits; it names no address.
        let evidence = json!({ "rule": decision.rule });
        if !decision.allowed {
            let field = if decision.rule.contains(".nationality.") {
                "person.nationality"
            } else {
                "person.residence_country"
            };
            vec![REGION_RESTRICTED
                .finding()
                .with_field(field)
                .with_evidence(evidence)]
        } else if decision.flag_for_review {
            vec![IP_RESIDENCE_MISMATCH.finding().with_evidence(evidence)]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::Utc;
    use gatehouse_core::application::ApplicationData;
    use gatehouse_core::country::CountryCode;
    use gatehouse_core::region::{MismatchAction, RegionPolicy};

    use super::*;
    use crate::{CheckSettings, ClientFacts};

    fn run(policy: RegionPolicy, residence: &str, ip: Option<&str>) -> Vec<Finding> {
        let data = ApplicationData::from_json(&json!({
            "person": {"residence_country": residence, "nationality": residence}
        }))
        .unwrap();
        let settings = CheckSettings {
            region_policy: policy,
            ..CheckSettings::default()
        };
        let client = ClientFacts {
            ip_country: ip.map(|c| CountryCode::parse(c).unwrap()),
            ..ClientFacts::default()
        };
        RegionCheck.run(&CheckInput {
            data: &data,
            files: &BTreeMap::new(),
            now: Utc::now(),
            settings: &settings,
            client: &client,
            links: &[],
            sanctions_hits: &[],
            images: &Default::default(),
            photo_reads: &[],
            liveness: None,
        })
    }

    #[test]
    fn blocked_residence_is_final_and_records_the_rule() {
        let policy = RegionPolicy::default()
            .with_blocked_countries("US,KP")
            .unwrap();
        let f = run(policy.clone(), "US", Some("DE"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "REGION_RESTRICTED");
        assert_eq!(f[0].nature, Nature::Final);
        assert_eq!(
            f[0].evidence.as_ref().unwrap()["rule"],
            "verification.residence.blocked:US"
        );
        assert!(run(policy, "DE", Some("DE")).is_empty());
    }

    #[test]
    fn ip_residence_mismatch_follows_the_configured_action() {
        let mut policy = RegionPolicy::default();
        assert!(run(policy.clone(), "DE", Some("FR")).is_empty());
        policy.ip_residence_mismatch = MismatchAction::Flag;
        let f = run(policy.clone(), "DE", Some("FR"));
        assert_eq!(f[0].code, "IP_RESIDENCE_MISMATCH");
        assert_eq!(f[0].nature, Nature::Manual);
        policy.ip_residence_mismatch = MismatchAction::Block;
        assert_eq!(
            run(policy.clone(), "DE", Some("FR"))[0].code,
            "REGION_RESTRICTED"
        );
        // Unknown IP country: nothing to compare.
        assert!(run(policy, "DE", None).is_empty());
    }
}
