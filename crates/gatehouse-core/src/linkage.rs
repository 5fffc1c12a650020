//! The identity graph's vocabulary: the kinds of identifier that link accounts, account states,
//! and how identifiers are normalised before they are hashed and masked before they are shown.

use serde::{Deserialize, Serialize};

/// What an identifier identifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// Issuing country + document type + number.
    Document,
    /// Normalised name + birth date + nationality.
    Person,
    Email,
    Phone,
    /// The app's device id (`X-Device-Id`).
    Device,
    /// An IP address; links only when two accounts use it close in time.
    Ip,
}

impl IdentifierKind {
    pub const ALL: [IdentifierKind; 6] = [
        IdentifierKind::Document,
        IdentifierKind::Person,
        IdentifierKind::Email,
        IdentifierKind::Phone,
        IdentifierKind::Device,
        IdentifierKind::Ip,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            IdentifierKind::Document => "document",
            IdentifierKind::Person => "person",
            IdentifierKind::Email => "email",
            IdentifierKind::Phone => "phone",
            IdentifierKind::Device => "device",
            IdentifierKind::Ip => "ip",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An account's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    /// Limited by the operator; links to it send applications to review.
    Restricted,
    /// Refused service; cannot sign in; links to it send applications to review.
    Banned,
    /// Closed (by the applicant or the operator); cannot sign in.
    Closed,
}

impl AccountStatus {
    pub const ALL: [AccountStatus; 4] = [
        AccountStatus::Active,
        AccountStatus::Restricted,
        AccountStatus::Banned,
        AccountStatus::Closed,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Restricted => "restricted",
            AccountStatus::Banned => "banned",
            AccountStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the account may sign in.
    pub fn can_sign_in(&self) -> bool {
        matches!(self, AccountStatus::Active | AccountStatus::Restricted)
    }

    /// Whether a link to this account is a reason for review.
    pub fn is_adverse(&self) -> bool {
        matches!(self, AccountStatus::Restricted | AccountStatus::Banned)
    }
}

/// One link from the account being decided to another account, as the checks see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkFact {
    pub kind: IdentifierKind,
    pub other_status: AccountStatus,
}

/// The e-mail address as a person, not a mailbox spelling: lower case, `+tag` removed, and for
/// Gmail (which ignores dots and answers at googlemail.com too) dots removed and one domain.
pub fn canonical_email(email: &str) -> String {
    let lower = email.trim().to_lowercase();
    let Some((local, domain)) = lower.rsplit_once('@') else {
        return lower;
    };
    let local = local.split('+').next().unwrap_or(local);
    match domain {
        "gmail.com" | "googlemail.com" => format!("{}@gmail.com", local.replace('.', "")),
        _ => format!("{local}@{domain}"),
    }
}

/// Keeps the first `head` and last `tail` characters, the rest as `*`: enough for a reviewer
/// to tell values apart, not enough to use them.
pub fn mask(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len().max(1));
    }
    let hidden = chars.len() - head - tail;
    chars[..head]
        .iter()
        .chain(std::iter::repeat_n(&'*', hidden))
        .chain(&chars[chars.len() - tail..])
        .collect()
}

/// `li.wei@example.com` → `l*****@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => format!("{}@{domain}", mask(local, 1, 0)),
        None => mask(email, 1, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_dots_and_tags_do_not_make_a_new_person() {
        assert_eq!(
            canonical_email("Li.Wei+kyc@GoogleMail.com"),
            "liwei@gmail.com"
        );
        assert_eq!(canonical_email("l.i.wei@gmail.com"), "liwei@gmail.com");
        assert_eq!(
            canonical_email("li.wei+x@example.com"),
            "li.wei@example.com"
        );
    }

    #[test]
    fn masks_keep_little() {
        assert_eq!(mask("E12345678", 2, 2), "E1*****78");
        assert_eq!(mask("ab", 2, 2), "**");
        assert_eq!(mask_email("li.wei@example.com"), "l*****@example.com");
    }

    #[test]
    fn statuses() {
        assert!(AccountStatus::Restricted.can_sign_in());
        assert!(!AccountStatus::Banned.can_sign_in());
        assert!(AccountStatus::Banned.is_adverse() && !AccountStatus::Closed.is_adverse());
        assert_eq!(AccountStatus::parse("banned"), Some(AccountStatus::Banned));
        assert_eq!(IdentifierKind::parse("ip"), Some(IdentifierKind::Ip));
    }
}
