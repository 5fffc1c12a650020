//! Account identifiers an applicant signs up and logs in with.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// A trimmed, lower-cased e-mail address of a plausible shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let value = input.trim().to_lowercase();
        let bad = |why: &str| Err(Invalid::new("invalid_email", why.to_owned()));
        if value.len() > 254 {
            return bad("must be at most 254 characters");
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return bad("must contain '@'");
        };
        if local.is_empty() || local.len() > 64 {
            return bad("the part before '@' must be 1 to 64 characters");
        }
        if local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '@')
        {
            return bad("must not contain spaces or a second '@'");
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return bad("the domain after '@' is not valid");
        }
        Ok(Self(value))
    }
}

string_newtype!(Email);

/// A phone number in E.164 form (`+8613800138000`), validated against the numbering plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts international formats with spaces, dashes, dots and brackets; a leading `00`
    /// counts as `+`. A number without a country code is refused: we cannot guess the country.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let trimmed = input.trim();
        let international = match trimmed.strip_prefix("00") {
            Some(rest) => format!("+{rest}"),
            None => trimmed.to_owned(),
        };
        if !international.starts_with('+') {
            return Err(Invalid::new(
                "invalid_phone",
                "must be in international format with the country code, e.g. +8613800138000",
            ));
        }
        let parsed = phonenumber::parse(None, &international)
            .map_err(|_| Invalid::new("invalid_phone", "is not a phone number"))?;
        if !phonenumber::is_valid(&parsed) {
            return Err(Invalid::new(
                "invalid_phone",
                "is not a valid number for its country",
            ));
        }
        Ok(Self(
            parsed.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }
}

string_newtype!(Phone);

/// What an applicant logs in with: their e-mail or their phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Email(Email),
    Phone(Phone),
}

impl Login {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        if input.contains('@') {
            Email::parse(input).map(Login::Email)
        } else {
            Phone::parse(input).map(Login::Phone)
        }
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Login::Email(e) => f.write_str(e.as_str()),
            Login::Phone(p) => f.write_str(p.as_str()),
        }
    }
}

/// A short free-form token such as a terms version or a referral code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Token(String);

impl Token {
    /// 1 to 64 printable ASCII characters without spaces.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let value = input.trim();
        if value.is_empty() || value.len() > 64 || !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Invalid::new(
                "invalid_token",
                "must be 1 to 64 printable ASCII characters without spaces",
            ));
        }
        Ok(Self(value.to_owned()))
    }
}

string_newtype!(Token);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Li.Wei@Example.COM ").unwrap().as_str(),
            "li.wei@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "a",
            "a@",
            "@b.com",
            "a b@c.com",
            "a@b",
            "a@-b.com",
            "a@b..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_become_e164() {
        assert_eq!(
            Phone::parse("+86 138 0013 8000").unwrap().as_str(),
            "+8613800138000"
        );
        assert_eq!(
            Phone::parse("0044 (20) 7946-0018").unwrap().as_str(),
            "+442079460018"
        );
    }

    #[test]
    fn phones_without_country_or_invalid_are_refused() {
        for bad in ["13800138000", "+86 123", "+999 1234567", "phone"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn login_picks_email_or_phone() {
        assert!(matches!(Login::parse("A@b.io"), Ok(Login::Email(_))));
        assert!(matches!(
            Login::parse("+8613800138000"),
            Ok(Login::Phone(_))
        ));
    }
}
