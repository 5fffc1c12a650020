//! Property tests: generated valid numbers validate, single substitutions are caught as far as
//! each check algorithm can catch them, and no input panics.

use chrono::{Datelike, NaiveDate};
use gatehouse_core::country::CountryCode;
use gatehouse_core::person::{DocumentType, Sex};
use proptest::prelude::*;

use super::tests::today;
use super::{cn, cn_regions, formats, hk, tw, validate, IdCheck};

fn run(country: &str, doc_type: DocumentType, number: &str) -> IdCheck {
    validate(
        CountryCode::parse(country).unwrap(),
        doc_type,
        number,
        today(),
    )
}

/// A valid 18-digit resident number: (number, birth date, sequence).
fn cn_number() -> impl Strategy<Value = (String, NaiveDate, u32)> {
    (
        prop::sample::select(cn_regions::timeless_codes()),
        1950i32..=2020,
        1u32..=365,
        0u32..1000,
    )
        .prop_map(|(code, year, day, seq)| {
            let date = NaiveDate::from_yo_opt(year, day).unwrap();
            let first17 = format!("{code}{}{seq:03}", date.format("%Y%m%d"));
            let check = cn::check_char(&first17).unwrap();
            (format!("{first17}{check}"), date, seq)
        })
}

fn substitute(number: &str, index: usize, with: char) -> String {
    number
        .chars()
        .enumerate()
        .map(|(i, c)| if i == index { with } else { c })
        .collect()
}

fn digit_other_than(old: char, offset: u32) -> char {
    let d = old.to_digit(10).unwrap_or(0);
    char::from_digit((d + offset) % 10, 10).unwrap()
}

proptest! {
    #[test]
    fn generated_cn_numbers_validate((number, date, seq) in cn_number()) {
        let c = run("CN", DocumentType::IdCard, &number);
        prop_assert!(c.valid, "{number}: {:?}", c.errors);
        prop_assert_eq!(c.birth_date, Some(date));
        prop_assert_eq!(c.sex, Some(if seq % 2 == 1 { Sex::M } else { Sex::F }));
        prop_assert!(c.region.is_some());
    }

    #[test]
    fn cn_single_substitutions_are_caught(
        (number, _, _) in cn_number(),
        index in 0usize..18,
        offset in 1u32..=10,
    ) {
        let old = number.chars().nth(index).unwrap();
        // At the check position any of the 11 symbols may replace it; elsewhere another digit.
        let new = if index == 17 {
            let symbols: Vec<char> = "0123456789X".chars().filter(|&c| c != old).collect();
            symbols[(offset as usize - 1) % symbols.len()]
        } else {
            digit_other_than(old, 1 + offset % 9)
        };
        let changed = substitute(&number, index, new);
        let c = run("CN", DocumentType::IdCard, &changed);
        prop_assert!(!c.valid);
        prop_assert!(c.errors.iter().any(|e| e.contains("check character")), "{:?}", c.errors);
    }

    #[test]
    fn cn_fifteen_digit_form_upgrades((number, _, _) in cn_number()) {
        let year = number[6..10].parse::<i32>().unwrap();
        prop_assume!((1900..2000).contains(&year));
        let short = format!("{}{}", &number[..6], &number[8..17]);
        let c = run("CN", DocumentType::IdCard, &short);
        prop_assert!(c.valid, "{short}: {:?}", c.errors);
        prop_assert_eq!(c.normalized, number);
        prop_assert_eq!(c.birth_date.map(|d| d.year()), Some(year));
    }

    #[test]
    fn hkid_valid_and_digit_substitutions_caught(
        letters in "[A-Z]{1,2}",
        digits in "[0-9]{6}",
        index in 0usize..7,
        offset in 1u32..=10,
    ) {
        let body = format!("{letters}{digits}");
        let number = format!("{body}{}", hk::check_char(&body).unwrap());
        prop_assert!(run("HK", DocumentType::IdCard, &number).valid, "{number}");
        // Weights 1-7 are all non-zero mod 11, so every digit substitution is caught. (Letters
        // whose values differ by 11 or 22, such as A and L, are not: MOD 11 cannot see them.)
        let at = letters.len() + index;
        let old = number.chars().nth(at).unwrap();
        let new = if at == number.len() - 1 {
            let symbols: Vec<char> = "0123456789A".chars().filter(|&c| c != old).collect();
            symbols[(offset as usize - 1) % symbols.len()]
        } else {
            digit_other_than(old, 1 + offset % 9)
        };
        let c = run("HK", DocumentType::IdCard, &substitute(&number, at, new));
        prop_assert!(!c.valid);
    }

    #[test]
    fn taiwan_valid_and_substitutions_caught_where_mod_10_can(
        letter in "[A-Z]",
        second in "[12]",
        digits in "[0-9]{7}",
        index in 2usize..10,
        offset in 1u32..=9,
    ) {
        let first9 = format!("{letter}{second}{digits}");
        let number = format!("{first9}{}", tw::check_char(&first9).unwrap());
        let c = run("TW", DocumentType::IdCard, &number);
        prop_assert!(c.valid, "{number}");
        prop_assert_eq!(c.sex, Some(if second == "1" { Sex::M } else { Sex::F }));
        // Positions 2..=8 weigh 7..=1, the check digit 1. An even weight times a change of 5
        // is 0 mod 10, so exactly those substitutions slip through: the algorithm's limit.
        let weight = if index == 9 { 1 } else { 9 - index as u32 };
        let old = number.chars().nth(index).unwrap();
        let new = digit_other_than(old, offset);
        let c = run("TW", DocumentType::IdCard, &substitute(&number, index, new));
        prop_assert_eq!(c.valid, (weight * offset) % 10 == 0);
    }

    #[test]
    fn no_input_panics_and_valid_means_no_errors(
        chars in prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select("0123456789AXax()- /".chars().collect::<Vec<_>>()),
                1 => any::<char>(),
            ],
            0..80,
        ),
        country in prop::sample::select(formats::countries()),
        doc_type in prop::sample::select(DocumentType::ALL.to_vec()),
    ) {
        let number: String = chars.into_iter().collect();
        let c = run(country, doc_type, &number);
        prop_assert_eq!(c.valid, c.errors.is_empty());
        let json = super::to_json(&c);
        prop_assert!(json["valid"].is_boolean());
    }
}
