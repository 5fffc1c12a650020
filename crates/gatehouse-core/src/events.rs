//! Events announced to the exchange by webhook, and which of them an endpoint subscribes to.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// What happened. The names are the contract receivers switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "application.submitted")]
    ApplicationSubmitted,
    #[serde(rename = "application.decided")]
    ApplicationDecided,
    #[serde(rename = "appeal.opened")]
    AppealOpened,
    #[serde(rename = "case.decided")]
    CaseDecided,
    #[serde(rename = "info.requested")]
    InfoRequested,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        EventKind::ApplicationSubmitted,
        EventKind::ApplicationDecided,
        EventKind::AppealOpened,
        EventKind::CaseDecided,
        EventKind::InfoRequested,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            EventKind::ApplicationSubmitted => "application.submitted",
            EventKind::ApplicationDecided => "application.decided",
            EventKind::AppealOpened => "appeal.opened",
            EventKind::CaseDecided => "case.decided",
            EventKind::InfoRequested => "info.requested",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == input)
    }
}

/// The events an endpoint receives: `*` for every kind (including kinds added later), or a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscription {
    All,
    Kinds(BTreeSet<EventKind>),
}

/// How [`Subscription::All`] is written.
pub const ALL_EVENTS: &str = "*";

impl Subscription {
    /// Reads a list of event names. On failure, the index of the offending name (`None` for
    /// an empty list) and why.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, (Option<usize>, Invalid)> {
        if names.is_empty() {
            return Err((
                None,
                Invalid::new("empty", "name at least one event, or \"*\" for all"),
            ));
        }
        let mut kinds = BTreeSet::new();
        let mut all = false;
        for (i, name) in names.iter().enumerate() {
            let name = name.as_ref();
            if name == ALL_EVENTS {
                all = true;
            } else {
                let kind = EventKind::parse(name).ok_or_else(|| {
                    let known: Vec<&str> = EventKind::ALL.iter().map(EventKind::as_str).collect();
                    (
                        Some(i),
                        Invalid::new(
                            "unknown_event",
                            format!("is not an event; known: {}, or \"*\"", known.join(", ")),
                        ),
                    )
                })?;
                kinds.insert(kind);
            }
        }
        Ok(if all {
            Subscription::All
        } else {
            Subscription::Kinds(kinds)
        })
    }

    pub fn matches(&self, kind: EventKind) -> bool {
        match self {
            Subscription::All => true,
            Subscription::Kinds(kinds) => kinds.contains(&kind),
        }
    }

    /// The stored and displayed form: `["*"]` or the names in a stable order.
    pub fn names(&self) -> Vec<String> {
        match self {
            Subscription::All => vec![ALL_EVENTS.to_owned()],
            Subscription::Kinds(kinds) => kinds.iter().map(|k| k.as_str().to_owned()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.as_str())
            );
        }
        assert_eq!(EventKind::parse("application.Submitted"), None);
    }

    #[test]
    fn subscriptions() {
        let s = Subscription::parse(&["application.decided", "application.decided"]).unwrap();
        assert!(s.matches(EventKind::ApplicationDecided));
        assert!(!s.matches(EventKind::ApplicationSubmitted));
        assert_eq!(s.names(), ["application.decided"]);
        let all = Subscription::parse(&["case.decided", "*"]).unwrap();
        assert_eq!(all, Subscription::All);
        assert!(EventKind::ALL.into_iter().all(|k| all.matches(k)));
        assert_eq!(Subscription::parse(&all.names()).unwrap(), all);
        let (at, why) = Subscription::parse(&["case.decided", "case.closed"]).unwrap_err();
        assert_eq!((at, why.code), (Some(1), "unknown_event"));
        let (at, why) = Subscription::parse::<&str>(&[]).unwrap_err();
        assert_eq!((at, why.code), (None, "empty"));
    }
}
