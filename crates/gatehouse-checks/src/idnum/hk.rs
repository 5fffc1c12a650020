//! Hong Kong identity card numbers (HKID): 1 or 2 letters, 6 digits and a check character
//! 0-9 or A, usually printed in brackets: `A123456(3)`.

use super::IdCheck;

/// Value of a letter in the checksum: A=10 ... Z=35; a missing first letter counts as 36.
fn letter_value(b: u8) -> Option<u32> {
    b.is_ascii_uppercase().then(|| u32::from(b - b'A') + 10)
}

/// The check character for the letters and 6 digits before it, or `None` if malformed.
pub fn check_char(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    let (letters, digits) = bytes.split_at_checked(bytes.len().checked_sub(6)?)?;
    if !(1..=2).contains(&letters.len()) || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Pad to 8 positions (weights 9..=2); a single-letter number has a blank worth 36 first.
    let mut values = Vec::with_capacity(8);
    if letters.len() == 1 {
        values.push(36);
    }
    for &b in letters {
        values.push(letter_value(b)?);
    }
    values.extend(digits.iter().map(|b| u32::from(b - b'0')));
    let sum: u32 = values.iter().zip((2..=9).rev()).map(|(v, w)| v * w).sum();
    // The check value c makes sum + c ≡ 0 (mod 11); 10 is written A.
    match (11 - sum % 11) % 11 {
        10 => Some('A'),
        c => char::from_digit(c, 10),
    }
}

/// Checks the check character of `out.normalized` (already shaped, brackets removed).
pub fn check(out: &mut IdCheck) {
    let number = out.normalized.clone();
    let split = number
        .len()
        .checked_sub(1)
        .and_then(|n| number.split_at_checked(n));
    let Some((body, given)) = split else {
        out.error("expected an HKID number");
        return;
    };
    match check_char(body) {
        Some(expected) if given.starts_with(expected) => {}
        Some(_) => out.error("the check character does not match (a mistyped digit?)"),
        None => out.error("expected 1 or 2 letters, 6 digits and a check character"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idnum::tests::today;
    use crate::idnum::validate;
    use gatehouse_core::country::CountryCode;
    use gatehouse_core::person::DocumentType;

    fn hk(number: &str) -> bool {
        let c = validate(
            CountryCode::parse("HK").unwrap(),
            DocumentType::IdCard,
            number,
            today(),
        );
        c.valid
    }

    #[test]
    fn check_char_of_hand_computed_numbers() {
        // 36*9 + 10*8 + 1*7 + 2*6 + 3*5 + 4*4 + 5*3 + 6*2 = 481; 481 mod 11 = 8; 11 - 8 = 3.
        assert_eq!(check_char("A123456"), Some('3'));
        // 10*9 + 25*8 + 7+6+5+4+3+2 (all ones) = 317; 317 mod 11 = 9; 11 - 9 = 2.
        assert_eq!(check_char("AP111111"), Some('2'));
        // 36*9 + 12*8 + 0 = 420; 420 mod 11 = 2; 11 - 2 = 9.
        assert_eq!(check_char("C000000"), Some('9'));
        // 36*9 + 26*8 + 9*7 = 595; 595 mod 11 = 1; check 10 is written A.
        assert_eq!(check_char("Q900000"), Some('A'));
        assert_eq!(check_char("123456"), None);
        assert_eq!(check_char("ABC123456"), None);
        assert_eq!(check_char(""), None);
    }

    #[test]
    fn brackets_spaces_and_case_do_not_matter() {
        assert!(hk("A123456(3)"));
        assert!(hk("a123456 3"));
        assert!(hk("AP111111(2)"));
        assert!(hk("Q900000(A)"));
        assert!(!hk("A123456(4)"));
        assert!(!hk("A1234563A"));
        assert!(!hk("123456(3)"));
    }
}
