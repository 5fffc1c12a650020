//! Linked accounts: the same document on another account is final; the same person, or any
//! identifier shared with a restricted or banned account, sends the application to a reviewer.
//! The applicant is never told which account, nor which identifier.

use gatehouse_core::linkage::IdentifierKind;
use gatehouse_core::reasons::{Finding, Nature, ReasonDef};
use serde_json::json;

use crate::{Check, CheckInput};

pub const DUPLICATE_DOCUMENT: ReasonDef = ReasonDef::new("DUPLICATE_DOCUMENT", Nature::Final);
pub const DUPLICATE_PERSON: ReasonDef = ReasonDef::new("DUPLICATE_PERSON", Nature::Manual);
pub const LINKED_TO_RESTRICTED_ACCOUNT: ReasonDef =
    ReasonDef::new("LINKED_TO_RESTRICTED_ACCOUNT", Nature::Manual);

pub struct LinkedAccounts;

impl Check for LinkedAccounts {
    fn name(&self) -> &'static str {
        "linked_accounts"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        &[
            DUPLICATE_DOCUMENT,
            DUPLICATE_PERSON,
            LINKED_TO_RESTRICTED_ACCOUNT,
        ]
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        let links = input.links;
        let count = |pred: &dyn Fn(&gatehouse_core::linkage::LinkFact) -> bool| {
            links.iter().filter(|l| pred(l)).count()
        };
        let mut findings = Vec::new();
        let documents = count(&|l| l.kind == IdentifierKind::Document);
        if documents > 0 {
            findings.push(
                DUPLICATE_DOCUMENT
                    .finding()
                    .with_field("document.number")
                    .with_evidence(json!({ "accounts": documents })),
            );
        }
        let persons = count(&|l| l.kind == IdentifierKind::Person);
        if persons > 0 {
            findings.push(
                DUPLICATE_PERSON
                    .finding()
                    .with_evidence(json!({ "accounts": persons })),
            );
        }
        let adverse: Vec<&str> = links
            .iter()
            .filter(|l| l.other_status.is_adverse())
            .map(|l| l.kind.as_str())
            .collect();
        if !adverse.is_empty() {
            let mut kinds = adverse.clone();
            kinds.sort_unstable();
            kinds.dedup();
            findings.push(
                LINKED_TO_RESTRICTED_ACCOUNT
                    .finding()
                    .with_evidence(json!({ "links": adverse.len(), "kinds": kinds })),
            );
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::Utc;
    use gatehouse_core::application::ApplicationData;
    use gatehouse_core::linkage::{AccountStatus, LinkFact};

    use super::*;
    use crate::{CheckSettings, ClientFacts};

    fn run(links: &[LinkFact]) -> Vec<String> {
        LinkedAccounts
            .run(&CheckInput {
                data: &ApplicationData::default(),
                files: &BTreeMap::new(),
                now: Utc::now(),
                settings: &CheckSettings::default(),
                client: &ClientFacts::default(),
                links,
                sanctions_hits: &[],
                images: &Default::default(),
                photo_reads: &[],
                liveness: None,
            })
            .into_iter()
            .map(|f| f.code)
            .collect()
    }

    fn link(kind: IdentifierKind, other_status: AccountStatus) -> LinkFact {
        LinkFact { kind, other_status }
    }

    #[test]
    fn findings_by_kind_and_status() {
        assert!(run(&[]).is_empty());
        assert!(run(&[link(IdentifierKind::Ip, AccountStatus::Active)]).is_empty());
        assert_eq!(
            run(&[link(IdentifierKind::Document, AccountStatus::Closed)]),
            ["DUPLICATE_DOCUMENT"]
        );
        assert_eq!(
            run(&[link(IdentifierKind::Person, AccountStatus::Active)]),
            ["DUPLICATE_PERSON"]
        );
        assert_eq!(
            run(&[link(IdentifierKind::Device, AccountStatus::Banned)]),
            ["LINKED_TO_RESTRICTED_ACCOUNT"]
        );
        assert_eq!(
            run(&[
                link(IdentifierKind::Document, AccountStatus::Banned),
                link(IdentifierKind::Email, AccountStatus::Restricted),
            ]),
            ["DUPLICATE_DOCUMENT", "LINKED_TO_RESTRICTED_ACCOUNT"]
        );
    }
}
