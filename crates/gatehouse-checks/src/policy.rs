//! The document must be of a type the policy accepts from its issuing country at the level
//! applied for.

use gatehouse_core::person::DocumentType;
use gatehouse_core::reasons::{Finding, Nature, ReasonDef};
use serde_json::json;

use crate::{Check, CheckInput};

pub const DOCUMENT_TYPE_NOT_ACCEPTED: ReasonDef =
    ReasonDef::new("DOCUMENT_TYPE_NOT_ACCEPTED", Nature::Retry);

pub struct DocumentTypePolicy;

impl Check for DocumentTypePolicy {
    fn name(&self) -> &'static str {
        "document_type_policy"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        &[DOCUMENT_TYPE_NOT_ACCEPTED]
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        let d = &input.data.document;
        let (Some(doc_type), Some(country)) = (d.doc_type, d.issuing_country) else {
            // Missing values are the required-data check's to report.
            return Vec::new();
        };
        let accepted = input
            .settings
            .document_policy
            .accepted(country, input.data.level);
        if accepted.contains(&doc_type) {
            return Vec::new();
        }
        let names: Vec<&str> = accepted.iter().map(DocumentType::as_str).collect();
        vec![DOCUMENT_TYPE_NOT_ACCEPTED
            .finding()
            .with_field("document.type")
            .with_evidence(json!({
                "document_type": doc_type.as_str(),
                "issuing_country": country.as_str(),
                "level": input.data.level,
                "accepted": names,
            }))]
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::Utc;
    use gatehouse_core::application::ApplicationData;
    use gatehouse_core::policy::{DocumentPolicy, DocumentRule};

    use super::*;
    use crate::CheckSettings;

    #[test]
    fn refuses_types_outside_the_policy_and_names_the_accepted_ones() {
        let settings = CheckSettings {
            document_policy: DocumentPolicy(vec![DocumentRule {
                countries: vec!["CN".into()],
                levels: vec![],
                types: vec![DocumentType::IdCard, DocumentType::Passport],
            }]),
            ..CheckSettings::default()
        };
        let run = |body: serde_json::Value| {
            let data = ApplicationData::from_json(&body).unwrap();
            DocumentTypePolicy.run(&CheckInput {
                data: &data,
                files: &BTreeMap::new(),
                now: Utc::now(),
                settings: &settings,
                client: &crate::ClientFacts::default(),
                links: &[],
                sanctions_hits: &[],
                images: &Default::default(),
                photo_reads: &[],
                liveness: None,
            })
        };
        let f = run(json!({"document": {"type": "driving_licence", "issuing_country": "CN"}}));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "DOCUMENT_TYPE_NOT_ACCEPTED");
        assert_eq!(
            f[0].evidence.as_ref().unwrap()["accepted"],
            json!(["id_card", "passport"])
        );
        assert!(run(json!({"document": {"type": "passport", "issuing_country": "CN"}})).is_empty());
        // No rule for DE: nothing is accepted.
        let none = run(json!({"document": {"type": "passport", "issuing_country": "DE"}}));
        assert_eq!(none[0].evidence.as_ref().unwrap()["accepted"], json!([]));
        assert!(run(json!({"document": {"type": "passport"}})).is_empty());
    }
}
