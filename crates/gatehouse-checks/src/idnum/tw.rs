//! Taiwan (ROC) uniform ID numbers: the national ID (letter, 1 or 2 for sex, 8 digits), the
//! resident certificate numbers of 2021 on (letter, 8 or 9, 8 digits) and the older resident
//! numbers (letter, A-D, 8 digits). All end in a mod-10 check digit over the same weights.

use gatehouse_core::person::Sex;

use super::IdCheck;

/// Two-digit code of each first letter, A to Z (the order is historic, hence I, O, W, Z).
const LETTER_CODES: [u32; 26] = [
    10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30,
    31, 33,
];

/// Weights of the letter's two digits, the second character and the next 7 digits.
const WEIGHTS: [u32; 10] = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1];

fn letter_code(b: u8) -> Option<u32> {
    b.is_ascii_uppercase()
        .then(|| LETTER_CODES[usize::from(b - b'A')])
}

/// The digit value and sex of the second character; old resident numbers use a letter whose
/// code's last digit counts (A and C for men, B and D for women).
fn second(b: u8) -> Option<(u32, Sex)> {
    match b {
        b'1' | b'8' => Some((u32::from(b - b'0'), Sex::M)),
        b'2' | b'9' => Some((u32::from(b - b'0'), Sex::F)),
        b'A' | b'C' => Some((letter_code(b)? % 10, Sex::M)),
        b'B' | b'D' => Some((letter_code(b)? % 10, Sex::F)),
        _ => None,
    }
}

/// The check digit for the first 9 characters, or `None` if they are not a known form.
pub fn check_char(first9: &str) -> Option<char> {
    let bytes = first9.as_bytes();
    let [l, s, rest @ ..] = bytes else {
        return None;
    };
    if rest.len() != 7 || !rest.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let code = letter_code(*l)?;
    let (s, _) = second(*s)?;
    let values = [code / 10, code % 10, s]
        .into_iter()
        .chain(rest.iter().map(|b| u32::from(b - b'0')));
    let sum: u32 = values.zip(WEIGHTS).map(|(v, w)| v * w).sum();
    // The check digit (weight 1) brings the total to a multiple of 10.
    char::from_digit((10 - sum % 10) % 10, 10)
}

/// Checks `out.normalized` (already shaped for the document type) and fills in the sex.
pub fn check(out: &mut IdCheck) {
    let number = out.normalized.clone();
    let (Some(first9), Some(given)) = (number.get(..9), number.get(9..)) else {
        out.error("expected 10 characters");
        return;
    };
    match check_char(first9) {
        Some(expected) if given.len() == 1 && given.starts_with(expected) => {}
        Some(_) => out.error("the check digit does not match (a mistyped digit?)"),
        None => {
            out.error("expected a letter, 1/2/8/9 or A-D, and 8 digits");
            return;
        }
    }
    out.sex = number
        .as_bytes()
        .get(1)
        .and_then(|&b| second(b))
        .map(|(_, sex)| sex);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idnum::tests::today;
    use crate::idnum::validate;
    use gatehouse_core::country::CountryCode;
    use gatehouse_core::person::DocumentType;

    fn tw(doc_type: DocumentType, number: &str) -> IdCheck {
        validate(CountryCode::parse("TW").unwrap(), doc_type, number, today())
    }

    #[test]
    fn check_digit_of_hand_computed_numbers() {
        // A=10: 1*1 + 0*9 + 1*8 + 2*7 + 3*6 + 4*5 + 5*4 + 6*3 + 7*2 + 8*1 = 121 -> 9.
        assert_eq!(check_char("A12345678"), Some('9'));
        // New resident: A=10, 8: 1 + 64 + 0... + 1*1 = 66 -> 4.
        assert_eq!(check_char("A80000001"), Some('4'));
        // Old resident: second letter C=12 counts as 2: 1 + 16 + 1*6 + ... = 73 -> 7.
        assert_eq!(check_char("AC0123456"), Some('7'));
        assert_eq!(check_char("AA0000000"), Some('9'));
        assert_eq!(check_char("A3000000"), None);
        assert_eq!(check_char("A30000000"), None);
        assert_eq!(check_char("1A0000000"), None);
    }

    #[test]
    fn national_id_gives_sex() {
        let c = tw(DocumentType::IdCard, "A123456789");
        assert!(c.valid, "{c:?}");
        assert_eq!(c.sex, Some(Sex::M));
        assert!(!tw(DocumentType::IdCard, "A123456788").valid);
        // Resident numbers are not national ID cards.
        assert!(!tw(DocumentType::IdCard, "A800000014").valid);
    }

    #[test]
    fn resident_certificates_new_and_old() {
        let c = tw(DocumentType::ResidencePermit, "A800000014");
        assert!(c.valid, "{c:?}");
        assert_eq!(c.sex, Some(Sex::M));
        let c = tw(DocumentType::ResidencePermit, "AC01234567");
        assert!(c.valid, "{c:?}");
        assert_eq!(c.sex, Some(Sex::M));
        assert!(tw(DocumentType::ResidencePermit, "AA00000009").valid);
        assert!(!tw(DocumentType::ResidencePermit, "A800000015").valid);
        assert!(!tw(DocumentType::ResidencePermit, "A123456789").valid);
    }
}
