//! Password policy after OWASP ASVS 5 (V6): length is what matters, no composition rules,
//! and passwords found on breach lists are refused.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::Invalid;

/// Minimum length in Unicode scalar values.
pub const MIN_LENGTH: usize = 8;
/// Maximum length; ASVS asks that at least 64 be allowed.
pub const MAX_LENGTH: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
});

/// Number of entries on the shipped common-password list.
pub fn common_list_len() -> usize {
    COMMON.len()
}

/// Checks a new password. `identifiers` are values the password must not equal (the login).
pub fn check_new_password(password: &str, identifiers: &[&str]) -> Result<(), Invalid> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(Invalid::new(
            "password_too_short",
            format!("must be at least {MIN_LENGTH} characters"),
        ));
    }
    if length > MAX_LENGTH {
        return Err(Invalid::new(
            "password_too_long",
            format!("must be at most {MAX_LENGTH} characters"),
        ));
    }
    let lowered = password.to_lowercase();
    if COMMON.contains(lowered.as_str()) {
        return Err(Invalid::new(
            "password_too_common",
            "is on a list of commonly used passwords; choose another",
        ));
    }
    if identifiers
        .iter()
        .any(|id| !id.is_empty() && id.to_lowercase() == lowered)
    {
        return Err(Invalid::new(
            "password_matches_login",
            "must not be the same as your e-mail or phone number",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ships_at_least_ten_thousand_common_passwords() {
        assert!(common_list_len() >= 10_000, "{}", common_list_len());
    }

    #[test]
    fn common_passwords_are_refused_case_insensitively() {
        for p in ["password", "PassWord1", "12345678", "qwertyuiop"] {
            let err = check_new_password(p, &[]).unwrap_err();
            assert_eq!(err.code, "password_too_common", "{p}");
        }
    }

    #[test]
    fn length_bounds() {
        assert_eq!(
            check_new_password("Tr0ub4d", &[]).unwrap_err().code,
            "password_too_short"
        );
        // Eight CJK characters count as eight, not as their UTF-8 bytes.
        assert!(check_new_password("我的密码很长很安全", &[]).is_ok());
        assert!(check_new_password(&"x7".repeat(32), &[]).is_ok());
        assert_eq!(
            check_new_password(&"a".repeat(129), &[]).unwrap_err().code,
            "password_too_long"
        );
    }

    #[test]
    fn no_composition_rules_and_not_the_login() {
        assert!(check_new_password("correct horse battery staple", &[]).is_ok());
        assert_eq!(
            check_new_password("li@example.com", &["li@example.com"])
                .unwrap_err()
                .code,
            "password_matches_login"
        );
    }
}
