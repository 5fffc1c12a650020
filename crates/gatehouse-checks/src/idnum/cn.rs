//! Chinese resident identity numbers (GB 11643-1999) and the 18-digit residence permits that
//! share their layout: 6-digit division code, birth date YYYYMMDD, 3-digit sequence (odd for
//! men), ISO 7064 MOD 11-2 check character. 15-digit first-generation numbers are upgraded.

use chrono::{Datelike, NaiveDate};
use gatehouse_core::person::Sex;

use super::cn_regions::{self, Lookup};
use super::IdCheck;

/// Weights of the first 17 digits: 2^(17-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// No living person was born earlier; an earlier date is a typing error.
const EARLIEST_BIRTH_YEAR: i32 = 1900;

/// How the division code is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionRule {
    /// Resident ID: the code must have been in use in the birth year (as stdnum checks).
    InUseAtBirth,
    /// Residence permits: 81/82/83 codes and foreigners' 9xxxxx codes are not counties, so
    /// the region is reported when found and never an error.
    Informative,
}

/// The MOD 11-2 check character for the first 17 characters, or `None` if they are not digits.
pub fn check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    // The check value c makes sum + c ≡ 1 (mod 11); 10 is written X.
    match (12 - sum % 11) % 11 {
        10 => Some('X'),
        c => char::from_digit(c, 10),
    }
}

/// The 18-character form of a 15-digit first-generation number, or `None` if not 15 digits.
pub fn upgrade_15(number: &str) -> Option<String> {
    if number.len() != 15 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // First-generation numbers (1984-1999) wrote the birth year with two digits, all 19xx.
    let first17 = format!("{}19{}", &number[..6], &number[6..]);
    let check = check_char(&first17)?;
    Some(format!("{first17}{check}"))
}

/// Checks `out.normalized` (already shaped as 15 or 18 characters) and fills in its facts.
pub fn check(rule: RegionRule, today: NaiveDate, out: &mut IdCheck) {
    if rule == RegionRule::Informative && out.normalized.len() != 18 {
        // The older foreigners' card (3 letters + 12 digits) has no published check.
        return;
    }
    if let Some(upgraded) = upgrade_15(&out.normalized) {
        out.normalized = upgraded;
    }
    let number = out.normalized.clone();
    let (Some(first17), Some(given)) = (number.get(..17), number.get(17..)) else {
        out.error("expected 18 characters");
        return;
    };
    match check_char(first17) {
        Some(expected) if given.len() == 1 && given.starts_with(expected) => {}
        Some(_) => out.error("the check character does not match (a mistyped digit?)"),
        None => {
            out.error("the first 17 characters must be digits");
            return;
        }
    }
    // Digits 15-17 are the sequence; its last digit is odd for men.
    let sex_digit = number.as_bytes()[16] - b'0';
    out.sex = Some(if sex_digit % 2 == 1 { Sex::M } else { Sex::F });

    let Some(birth) = birth_date(&number[6..14]) else {
        out.error(format!(
            "the birth date {} is not a real date",
            &number[6..14]
        ));
        return;
    };
    out.birth_date = Some(birth);
    if birth.year() < EARLIEST_BIRTH_YEAR {
        out.error(format!(
            "the birth date {birth} is before {EARLIEST_BIRTH_YEAR}"
        ));
    } else if birth > today {
        out.error(format!("the birth date {birth} is in the future"));
    }

    let code = &number[..6];
    // A resident ID's code is the birth place; a permit's is the home region when issued.
    let year = match rule {
        RegionRule::InUseAtBirth => birth.year(),
        RegionRule::Informative => today.year(),
    };
    match (cn_regions::lookup(code, year), rule) {
        (Lookup::Found(place), _) => out.region = Some(place.display(code)),
        (_, RegionRule::Informative) => {}
        (Lookup::NotInUse, RegionRule::InUseAtBirth) => {
            out.region_not_in_use_at_birth = true;
            out.error(format!(
                "the region code {code} was not in use in the birth year {}",
                birth.year()
            ))
        }
        (Lookup::Unknown, RegionRule::InUseAtBirth) => {
            out.error(format!("the region code {code} is unknown"))
        }
    }
}

fn birth_date(yyyymmdd: &str) -> Option<NaiveDate> {
    let part = |range: std::ops::Range<usize>| yyyymmdd.get(range)?.parse::<u32>().ok();
    let year = i32::try_from(part(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, part(4..6)?, part(6..8)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idnum::tests::today;
    use crate::idnum::validate;
    use gatehouse_core::country::CountryCode;
    use gatehouse_core::person::DocumentType;

    fn cn(number: &str) -> IdCheck {
        validate(
            CountryCode::parse("CN").unwrap(),
            DocumentType::IdCard,
            number,
            today(),
        )
    }

    /// Builds a number with a correct check character from its first 17 digits.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_char(first17).unwrap())
    }

    #[test]
    fn check_char_matches_known_numbers() {
        assert_eq!(check_char("36042619910101007"), Some('1'));
        assert_eq!(check_char("44011320141005001"), Some('X'));
        assert_eq!(check_char("3604261991010100"), None);
        assert_eq!(check_char("3604261991010100A"), None);
    }

    #[test]
    fn valid_number_yields_facts() {
        let c = cn(&with_check("11010219850302002"));
        assert!(c.valid, "{c:?}");
        assert_eq!(c.birth_date, NaiveDate::from_ymd_opt(1985, 3, 2));
        assert_eq!(c.sex, Some(Sex::F));
        assert_eq!(c.region.as_deref(), Some("北京市西城区"));
    }

    #[test]
    fn lower_case_x_is_accepted_and_upper_cased() {
        let c = cn("44011320141005001x");
        assert!(c.valid, "{c:?}");
        assert_eq!(c.normalized, "44011320141005001X");
    }

    #[test]
    fn fifteen_digits_are_upgraded_then_validated() {
        let c = cn("360426910101007");
        assert!(c.valid, "{c:?}");
        assert_eq!(c.normalized, "360426199101010071");
        assert_eq!(c.sex, Some(Sex::M));
        assert_eq!(upgrade_15("36042691010100"), None);
    }

    #[test]
    fn each_rule_has_its_own_error() {
        let cases = [
            ("36042619910101007X", "check character"),
            (&with_check("36042619911301007") as &str, "not a real date"),
            (&with_check("36042618991231007"), "before 1900"),
            (&with_check("36042620300101007"), "in the future"),
            (&with_check("99042619910101007"), "unknown"),
            (
                &with_check("11011119800101007"),
                "not in use in the birth year 1980",
            ),
            ("3604261991010100", "expected 18 digits"),
        ];
        for (number, expected) in cases {
            let c = cn(number);
            assert!(!c.valid, "{number}");
            assert!(
                c.errors.iter().any(|e| e.contains(expected)),
                "{number}: {:?}",
                c.errors
            );
        }
    }

    #[test]
    fn permits_report_regions_without_requiring_them() {
        let hk_permit = with_check("81000019900101002");
        let c = validate(
            CountryCode::parse("CN").unwrap(),
            DocumentType::ResidencePermit,
            &hk_permit,
            today(),
        );
        assert!(c.valid, "{c:?}");
        assert_eq!(c.region.as_deref(), Some("香港特别行政区"));
        let foreigner = with_check("93384019900101002");
        let c = validate(
            CountryCode::parse("CN").unwrap(),
            DocumentType::ResidencePermit,
            &foreigner,
            today(),
        );
        assert!(c.valid && c.region.is_none(), "{c:?}");
        let old_card = validate(
            CountryCode::parse("CN").unwrap(),
            DocumentType::ResidencePermit,
            "USA123456789012",
            today(),
        );
        assert!(old_card.valid, "{old_card:?}");
    }
}
