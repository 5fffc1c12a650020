//! Document policy: which identity documents are accepted from which issuing country, for
//! which verification level.

use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::person::DocumentType;

/// One rule. Rules are read in order; the first whose countries and levels both match decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRule {
    /// Issuing countries (alpha-2) this rule covers; `"*"` covers every country.
    pub countries: Vec<String>,
    /// Verification levels this rule covers; empty covers every level.
    #[serde(default)]
    pub levels: Vec<u8>,
    /// Accepted document types; empty means none is accepted from these countries.
    pub types: Vec<DocumentType>,
}

/// The ordered rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocumentPolicy(pub Vec<DocumentRule>);

impl Default for DocumentPolicy {
    /// Every type from every country.
    fn default() -> Self {
        Self(vec![DocumentRule {
            countries: vec!["*".into()],
            levels: Vec::new(),
            types: DocumentType::ALL.to_vec(),
        }])
    }
}

impl DocumentPolicy {
    /// The types accepted from `country` at `level`; none when no rule matches.
    pub fn accepted(&self, country: CountryCode, level: u8) -> &[DocumentType] {
        self.0
            .iter()
            .find(|r| {
                r.countries
                    .iter()
                    .any(|c| c == "*" || c.eq_ignore_ascii_case(country.as_str()))
                    && (r.levels.is_empty() || r.levels.contains(&level))
            })
            .map(|r| r.types.as_slice())
            .unwrap_or(&[])
    }

    /// Checks that every country is a real code, so a typo in configuration is caught at start.
    pub fn validate(&self) -> Result<(), String> {
        for rule in &self.0 {
            for c in &rule.countries {
                if c != "*" && CountryCode::parse(c).is_err() {
                    return Err(format!("documents.rules: {c:?} is not a country code"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cc(s: &str) -> CountryCode {
        CountryCode::parse(s).unwrap()
    }

    #[test]
    fn first_matching_rule_wins() {
        let policy = DocumentPolicy(vec![
            DocumentRule {
                countries: vec!["CN".into()],
                levels: vec![2],
                types: vec![DocumentType::Passport],
            },
            DocumentRule {
                countries: vec!["CN".into(), "HK".into()],
                levels: vec![],
                types: vec![DocumentType::IdCard, DocumentType::Passport],
            },
            DocumentRule {
                countries: vec!["*".into()],
                levels: vec![],
                types: vec![DocumentType::Passport],
            },
        ]);
        assert_eq!(policy.accepted(cc("CN"), 2), [DocumentType::Passport]);
        assert_eq!(
            policy.accepted(cc("CN"), 1),
            [DocumentType::IdCard, DocumentType::Passport]
        );
        assert_eq!(policy.accepted(cc("DE"), 1), [DocumentType::Passport]);
        assert!(DocumentPolicy(vec![]).accepted(cc("DE"), 1).is_empty());
        assert!(policy.validate().is_ok());
        let bad = DocumentPolicy(vec![DocumentRule {
            countries: vec!["XX".into()],
            levels: vec![],
            types: vec![],
        }]);
        assert!(bad.validate().is_err());
    }

    #[test]
    fn default_accepts_everything() {
        assert_eq!(DocumentPolicy::default().accepted(cc("BR"), 3).len(), 4);
    }
}
