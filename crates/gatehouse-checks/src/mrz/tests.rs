//! Unit tests over hand-made MRZs and the public ICAO 9303 specimens (Utopia, Anna Maria
//! Eriksson).

use serde_json::json;

use super::*;

const TD3: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                   L898902C36UTO7408122F1204159ZE184226B<<<<<10";
const TD2: &str = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n\
                   D231458907UTO7408122F1204159<<<<<<<6";
const TD1: &str = "I<UTOD231458907<<<<<<<<<<<<<<<\n\
                   7408122F1204159UTO<<<<<<<<<<<6\n\
                   ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
const MRV_A: &str = "VIUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                     L8988901C4XXX4009078F96121096ZE184226B<<<<<<";
const MRV_B: &str = "VIUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n\
                     L8988901C4XXX4009078F9612109<<<<<<<<";

fn ok(text: &str) -> Mrz {
    match parse(text) {
        Ok(mrz) => mrz,
        Err(e) => panic!("{e}: {text}"),
    }
}

fn errors(mrz: &Mrz) -> Vec<String> {
    mrz.errors.iter().map(ToString::to_string).collect()
}

/// `text` with the character at 1-based `line`/`position` replaced.
fn with(text: &str, line: usize, position: usize, c: char) -> String {
    let mut lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    lines[line - 1][position - 1] = c;
    let lines: Vec<String> = lines.into_iter().map(String::from_iter).collect();
    lines.join("\n")
}

#[test]
fn check_digits_of_the_specimen() {
    assert_eq!(check_digit("L898902C3"), Some('6'));
    assert_eq!(check_digit("740812"), Some('2'));
    assert_eq!(check_digit("120415"), Some('9'));
    assert_eq!(check_digit("ZE184226B<<<<<"), Some('1'));
    assert_eq!(check_digit(""), Some('0'));
    assert_eq!(check_digit("l898902c3"), None);
}

#[test]
fn td3_specimen() {
    let mrz = ok(TD3);
    assert_eq!(mrz.format, Format::Td3);
    assert_eq!(
        mrz.fields,
        Fields {
            document_code: "P".into(),
            issuing_country: "UTO".into(),
            surname: "ERIKSSON".into(),
            given_names: "ANNA MARIA".into(),
            document_number: "L898902C3".into(),
            nationality: "UTO".into(),
            birth_date: "740812".into(),
            sex: Some(Sex::Female),
            expiry_date: "120415".into(),
            optional_data: "ZE184226B".into(),
            optional_data_2: None,
        }
    );
    assert_eq!(
        mrz.checks,
        Checks {
            document_number: true,
            birth_date: true,
            expiry_date: true,
            optional_data: Some(true),
            composite: Some(true),
        }
    );
    assert!(mrz.errors.is_empty(), "{:?}", mrz.errors);
    assert!(mrz.valid());
}

#[test]
fn td2_specimen() {
    let mrz = ok(TD2);
    assert_eq!(mrz.format, Format::Td2);
    assert_eq!(mrz.fields.document_code, "I");
    assert_eq!(mrz.fields.document_number, "D23145890");
    assert_eq!(mrz.fields.optional_data, "");
    assert_eq!(mrz.fields.optional_data_2, None);
    assert_eq!(mrz.checks.optional_data, None);
    assert_eq!(mrz.checks.composite, Some(true));
    assert!(mrz.valid() && mrz.errors.is_empty(), "{:?}", mrz.errors);
}

#[test]
fn td1_specimen() {
    let mrz = ok(TD1);
    assert_eq!(mrz.format, Format::Td1);
    assert_eq!(mrz.fields.document_number, "D23145890");
    assert_eq!(mrz.fields.surname, "ERIKSSON");
    assert_eq!(mrz.fields.given_names, "ANNA MARIA");
    assert_eq!(mrz.fields.optional_data_2.as_deref(), Some(""));
    assert_eq!(mrz.checks.composite, Some(true));
    assert!(mrz.valid() && mrz.errors.is_empty(), "{:?}", mrz.errors);
}

#[test]
fn visa_specimens() {
    for (text, format, optional) in [
        (MRV_A, Format::MrvA, "6ZE184226B"),
        (MRV_B, Format::MrvB, ""),
    ] {
        let mrz = ok(text);
        assert_eq!(mrz.format, format);
        assert_eq!(mrz.fields.document_code, "VI");
        assert_eq!(mrz.fields.document_number, "L8988901C");
        assert_eq!(mrz.fields.nationality, "XXX");
        assert_eq!(mrz.fields.optional_data, optional);
        assert_eq!(mrz.checks.composite, None);
        assert_eq!(mrz.checks.optional_data, None);
        assert!(mrz.valid() && mrz.errors.is_empty(), "{:?}", mrz.errors);
    }
}

#[test]
fn json_shape() {
    let value = inspect(TD3).ok();
    let expected = json!({
        "format": "TD3",
        "valid": true,
        "fields": {
            "document_code": "P",
            "issuing_country": "UTO",
            "surname": "ERIKSSON",
            "given_names": "ANNA MARIA",
            "document_number": "L898902C3",
            "nationality": "UTO",
            "birth_date": "740812",
            "sex": "F",
            "expiry_date": "120415",
            "optional_data": "ZE184226B",
        },
        "checks": {
            "document_number": true,
            "birth_date": true,
            "expiry_date": true,
            "optional_data": true,
            "composite": true,
        },
        "errors": [],
    });
    assert_eq!(value, Some(expected));
}

#[test]
fn json_keys_follow_the_format() {
    let td1 = ok(TD1).to_json();
    assert_eq!(td1["fields"]["optional_data_2"], json!(""));
    assert_eq!(td1["checks"]["composite"], json!(true));
    assert!(td1["checks"].get("optional_data").is_none());
    let visa = ok(MRV_A).to_json();
    assert_eq!(visa["format"], json!("MRV-A"));
    assert!(visa["checks"].get("composite").is_none());
    assert!(visa["fields"].get("optional_data_2").is_none());
}

#[test]
fn whitespace_blank_lines_and_lower_case_are_tolerated() {
    let messy = format!(
        "\n   \n  {}  \r\n\n\t{}\t\n\n",
        "p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    );
    assert_eq!(parse(&messy), parse(TD3));
}

#[test]
fn each_check_digit_is_verified() {
    let cases = [
        // The document number digit is also inside the composite.
        (
            2,
            10,
            '5',
            vec![
                "document number check digit mismatch",
                "composite check digit mismatch",
            ],
        ),
        (
            2,
            20,
            '3',
            vec![
                "birth date check digit mismatch",
                "composite check digit mismatch",
            ],
        ),
        (
            2,
            28,
            '8',
            vec![
                "expiry date check digit mismatch",
                "composite check digit mismatch",
            ],
        ),
        (
            2,
            43,
            '2',
            vec![
                "optional data check digit mismatch",
                "composite check digit mismatch",
            ],
        ),
        (2, 44, '1', vec!["composite check digit mismatch"]),
    ];
    for (line, position, c, expected) in cases {
        let mrz = ok(&with(TD3, line, position, c));
        assert!(!mrz.valid());
        assert_eq!(errors(&mrz), expected, "position {position}");
    }
    let mrz = ok(&with(TD3, 2, 44, '1'));
    assert_eq!(mrz.checks.composite, Some(false));
    assert!(mrz.checks.document_number && mrz.checks.optional_data == Some(true));
}

#[test]
fn empty_personal_number_takes_filler_or_zero() {
    let filler = "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\n\
                  C01X0006H1D<<6408125F2701312<<<<<<<<<<<<<<<2";
    let mrz = ok(filler);
    assert_eq!(mrz.fields.issuing_country, "D");
    assert_eq!(mrz.fields.optional_data, "");
    assert!(mrz.valid() && mrz.errors.is_empty(), "{:?}", mrz.errors);
    // `0` and `<` both count 0 in the composite, so it stays right.
    assert!(ok(&with(filler, 2, 43, '0')).valid());
    let wrong = ok(&with(filler, 2, 43, '1'));
    assert_eq!(wrong.checks.optional_data, Some(false));
    // A filler check digit over a personal number that is not empty is wrong.
    let mrz = ok(&with(TD3, 2, 43, '<'));
    assert_eq!(mrz.checks.optional_data, Some(false));
}

#[test]
fn td1_long_document_number_without_filler_in_check() {
    let mrz = ok("IDBEL123456789<34567<<<<<<<<<<\n\
                  8501019M3001019BEL<<<<<<<<<<<2\n\
                  DOE<<JOHN<<<<<<<<<<<<<<<<<<<<<");
    assert_eq!(mrz.fields.document_number, "1234567893456");
    assert_eq!(mrz.fields.optional_data, "");
    assert!(mrz.valid() && mrz.errors.is_empty(), "{:?}", mrz.errors);
}

#[test]
fn td1_long_document_number_with_filler_in_check() {
    let mrz = ok("IDBEL123456789<34563<<<<<<<<<<\n\
                  8501019M3001019BEL<<<<<<<<<<<8\n\
                  DOE<<JOHN<<<<<<<<<<<<<<<<<<<<<");
    assert_eq!(mrz.fields.document_number, "1234567893456");
    assert!(mrz.valid() && mrz.errors.is_empty(), "{:?}", mrz.errors);
}

#[test]
fn td1_long_document_number_followed_by_optional_data() {
    let text = "IDUTO123456789<07<AB12<<<<<<<<\n\
                8501019F3001019UTOXYZ<<<<<<<<8\n\
                DOE<<JANE<<<<<<<<<<<<<<<<<<<<<";
    let mrz = ok(text);
    assert_eq!(mrz.fields.document_number, "1234567890");
    assert_eq!(mrz.fields.optional_data, "AB12");
    assert_eq!(mrz.fields.optional_data_2.as_deref(), Some("XYZ"));
    assert!(mrz.valid() && mrz.errors.is_empty(), "{:?}", mrz.errors);
    let wrong = ok(&with(text, 1, 17, '8'));
    assert!(!wrong.checks.document_number);
    assert_eq!(
        errors(&wrong),
        [
            "document number check digit mismatch",
            "composite check digit mismatch"
        ]
    );
}

#[test]
fn td1_long_document_number_without_overflow() {
    let mrz = ok("IDUTO123456789<<<<<<<<<<<<<<<<\n\
                  8501019F3001019UTO<<<<<<<<<<<9\n\
                  DOE<<JANE<<<<<<<<<<<<<<<<<<<<<");
    assert_eq!(mrz.fields.document_number, "123456789");
    assert_eq!(errors(&mrz), ["document number check digit missing"]);
    assert!(!mrz.valid());
}

#[test]
fn impossible_date_is_reported_but_valid_stays() {
    let mrz = ok("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                  L898902C36UTO7402304F1204159ZE184226B<<<<<16");
    assert_eq!(mrz.fields.birth_date, "740230");
    assert_eq!(errors(&mrz), ["birth date not a calendar date"]);
    assert!(mrz.valid());
}

#[test]
fn letters_in_a_date_make_it_invalid() {
    // `A` and `0` are both worth 0 modulo 10, so no check digit notices this.
    let mrz = ok(&with(TD3, 2, 16, 'K'));
    assert_eq!(mrz.fields.birth_date, "74K812");
    assert!(mrz.checks.birth_date && mrz.checks.all_passed());
    assert_eq!(errors(&mrz), ["birth date not numeric"]);
    assert!(!mrz.valid());
}

#[test]
fn unknown_country_is_reported_but_valid_stays() {
    let mrz = ok(&TD3.replacen("P<UTO", "P<ZZZ", 1));
    assert_eq!(mrz.fields.issuing_country, "ZZZ");
    assert_eq!(errors(&mrz), ["issuing country code unknown"]);
    assert!(mrz.valid());
    let mrz = ok(&with(TD3, 2, 13, '<'));
    assert_eq!(mrz.fields.nationality, "UT");
    assert_eq!(errors(&mrz), ["nationality code unknown"]);
}

#[test]
fn sex_markers() {
    assert_eq!(ok(&with(TD3, 2, 21, 'M')).fields.sex, Some(Sex::Male));
    assert_eq!(
        ok(&with(TD3, 2, 21, '<')).fields.sex,
        Some(Sex::Unspecified)
    );
    assert_eq!(
        ok(&with(TD3, 2, 21, 'X')).fields.sex,
        Some(Sex::Unspecified)
    );
    let odd = ok(&with(TD3, 2, 21, 'Q'));
    assert_eq!(odd.fields.sex, None);
    assert_eq!(odd.to_json()["fields"]["sex"], json!(null));
    assert_eq!(errors(&odd), ["sex code invalid"]);
    assert!(odd.valid());
}

#[test]
fn document_code_must_fit_the_format() {
    let mrz = ok(&with(TD3, 1, 1, 'I'));
    assert_eq!(mrz.format, Format::Td3);
    assert_eq!(errors(&mrz), ["document code not for format"]);
    assert!(mrz.valid());
    let mrz = ok(&with(TD2, 1, 1, 'P'));
    assert_eq!(errors(&mrz), ["document code not for format"]);
}

#[test]
fn characters_outside_the_alphabet() {
    let mrz = ok(&with(TD3, 1, 8, '#'));
    assert_eq!(errors(&mrz), ["character at line 1 position 8 invalid"]);
    assert_eq!(mrz.fields.surname, "ER?KSSON");
    assert!(!mrz.valid());
    // Only the first per line is reported; one inside a checked field also fails its check.
    let mrz = ok(&with(&with(TD3, 2, 3, 'é'), 2, 5, '%'));
    assert_eq!(
        errors(&mrz),
        [
            "character at line 2 position 3 invalid",
            "document number check digit mismatch",
            "composite check digit mismatch",
        ]
    );
}

#[test]
fn not_an_mrz() {
    let line44 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    let line36 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<";
    let cases = [
        ("", NotAnMrz::Empty),
        (" \n\t\n", NotAnMrz::Empty),
        (line44, NotAnMrz::LineCount { found: 1 }),
        (
            &*format!("{line44}\n{line44}\n{line44}\n{line44}"),
            NotAnMrz::LineCount { found: 4 },
        ),
        (
            &*format!("{line44}<<<<<<\n{line44}"),
            NotAnMrz::LineLengths {
                lengths: vec![50, 44],
            },
        ),
        (
            &*format!("{line44}\n{line36}"),
            NotAnMrz::LineLengths {
                lengths: vec![44, 36],
            },
        ),
        (
            "IDUTOD231458907<<<<<<<<<<<<<<<\nIDUTOD231458907<<<<<<<<<<<<<<<",
            NotAnMrz::LineLengths {
                lengths: vec![30, 30],
            },
        ),
        (
            "IDFRATEST<NAME<<<<<<<<<<<<<<<<0CHE02\n1710GVA123451ROBERTA<<<<<<<9112311F2",
            NotAnMrz::NonIcaoLayout {
                name: "French national identity card (pre-2021)",
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse(text), Err(expected.clone()), "{text:?}");
        assert!(expected.to_string().starts_with("not an"));
    }
}

#[test]
fn check_digits_cannot_see_a_change_worth_a_multiple_of_ten() {
    // `0` is worth 0 and `K` 20: every weight times 20 is 0 modulo 10, in the field's check
    // and the composite alike. This is a blind spot of ICAO's scheme, not of the parser.
    let mrz = ok(&with(TD3, 2, 6, 'K'));
    assert_eq!(mrz.fields.document_number, "L8989K2C3");
    assert!(mrz.valid());
}
