//! Property tests: generated valid MRZs of every format validate and read back their fields;
//! no single-character substitution panics, and every one the check digits can see is seen.

use proptest::prelude::*;

use super::checkdigit::value;
use super::*;

/// Test data of one holder and document; each builder takes what its format has room for.
#[derive(Debug, Clone)]
struct Data {
    code_second: char,
    code_first_id: char,
    issuer: &'static str,
    nationality: &'static str,
    surname: Vec<String>,
    given: Vec<String>,
    number: String,
    birth: String,
    expiry: String,
    sex: char,
    optional: String,
    optional_2: String,
    /// TD1 long numbers: whether the check covers the `<` (both variants exist).
    filler_in_check: bool,
    /// TD3 without personal number: `0` instead of `<` as its check digit.
    zero_for_empty: bool,
}

fn cd(s: &str) -> char {
    check_digit(s).unwrap_or('?')
}

/// `s` padded with fillers (or cut) to `n` characters.
fn pad(s: &str, n: usize) -> String {
    s.chars().chain(std::iter::repeat('<')).take(n).collect()
}

fn cut(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn date() -> impl Strategy<Value = String> {
    (0..100u32, 1..=12u32, 1..=28u32).prop_map(|(y, m, d)| format!("{y:02}{m:02}{d:02}"))
}

fn data(max_number: usize) -> impl Strategy<Value = Data> {
    let codes = ["UTO", "D", "DEU", "ITA", "CHN", "XXA", "GBN", "EUE", "XOM"];
    let alnum: Vec<char> = ('A'..='Z').chain('0'..='9').collect();
    (
        (
            prop::sample::select(('A'..='Z').chain(['<']).collect::<Vec<_>>()),
            prop::sample::select(vec!['A', 'C', 'I']),
            prop::sample::select(codes.to_vec()),
            prop::sample::select(codes.to_vec()),
            prop::collection::vec("[A-Z]{1,6}", 1..=2),
            prop::collection::vec("[A-Z]{1,6}", 0..=2),
        ),
        (
            prop::collection::vec(prop::sample::select(alnum), 1..=max_number)
                .prop_map(String::from_iter),
            date(),
            date(),
            prop::sample::select(vec!['M', 'F', '<']),
            "[A-Z0-9]{0,16}",
            "[A-Z0-9]{0,11}",
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (code_second, code_first_id, issuer, nationality, surname, given),
                (number, birth, expiry, sex, optional, optional_2, filler_in_check, zero),
            )| Data {
                code_second,
                code_first_id,
                issuer,
                nationality,
                surname,
                given,
                number,
                birth,
                expiry,
                sex,
                optional,
                optional_2,
                filler_in_check,
                zero_for_empty: zero,
            },
        )
}

impl Data {
    fn names(&self) -> String {
        format!("{}<<{}", self.surname.join("<"), self.given.join("<"))
    }

    /// The fields a parser must read back; `document_code`, the document number and the
    /// optional data are filled in by the builder.
    fn fields(&self, document_code: String, optional_data: String) -> Fields {
        Fields {
            document_code: document_code.trim_end_matches('<').to_owned(),
            issuing_country: self.issuer.to_owned(),
            surname: self.surname.join(" "),
            given_names: self.given.join(" "),
            document_number: self.number.clone(),
            nationality: self.nationality.to_owned(),
            birth_date: self.birth.clone(),
            sex: Some(match self.sex {
                'M' => Sex::Male,
                'F' => Sex::Female,
                _ => Sex::Unspecified,
            }),
            expiry_date: self.expiry.clone(),
            optional_data,
            optional_data_2: None,
        }
    }

    fn td1(&self) -> (String, Fields) {
        let number = &self.number;
        let (number_field, optional) = if number.len() <= 9 {
            let n = pad(number, 9);
            let optional = cut(&self.optional, 15);
            (format!("{n}{}{}", cd(&n), pad(&optional, 15)), optional)
        } else {
            let (principal, overflow) = number.split_at(9);
            let digit = if self.filler_in_check {
                cd(&format!("{principal}<{overflow}"))
            } else {
                cd(&format!("{principal}{overflow}"))
            };
            // Overflow, its check digit, a filler, then what room is left.
            let room = 15 - overflow.len() - 2;
            let optional = cut(&self.optional, room);
            let tail = if optional.is_empty() {
                String::new()
            } else {
                format!("<{optional}")
            };
            let rest = pad(&format!("{overflow}{digit}{tail}"), 15);
            (format!("{principal}<{rest}"), optional)
        };
        let code = format!("{}{}", self.code_first_id, self.code_second);
        let l1 = format!("{code}{}{number_field}", pad(self.issuer, 3));
        let l2 = format!(
            "{}{}{}{}{}{}{}",
            self.birth,
            cd(&self.birth),
            self.sex,
            self.expiry,
            cd(&self.expiry),
            pad(self.nationality, 3),
            pad(&self.optional_2, 11)
        );
        let composite = cd(&format!(
            "{}{}{}{}",
            &l1[5..30],
            &l2[0..7],
            &l2[8..15],
            &l2[18..29]
        ));
        let l3 = pad(&self.names(), 30);
        let mut fields = self.fields(code, optional);
        fields.optional_data_2 = Some(self.optional_2.clone());
        (format!("{l1}\n{l2}{composite}\n{l3}"), fields)
    }

    fn two_lines(&self, format: Format) -> (String, Fields) {
        let len = match format {
            Format::Td3 | Format::MrvA => 44,
            _ => 36,
        };
        let first = match format {
            Format::Td3 => 'P',
            Format::MrvA | Format::MrvB => 'V',
            _ => self.code_first_id,
        };
        let code = format!("{first}{}", self.code_second);
        let l1 = format!(
            "{code}{}{}",
            pad(self.issuer, 3),
            pad(&self.names(), len - 5)
        );
        let n = pad(&self.number, 9);
        let mut l2 = format!(
            "{n}{}{}{}{}{}{}{}",
            cd(&n),
            pad(self.nationality, 3),
            self.birth,
            cd(&self.birth),
            self.sex,
            self.expiry,
            cd(&self.expiry)
        );
        let optional = match format {
            Format::Td3 => {
                let optional = cut(&self.optional, 14);
                let field = pad(&optional, 14);
                let digit = match (optional.is_empty(), self.zero_for_empty) {
                    (true, true) => '0',
                    (true, false) => '<',
                    (false, _) => cd(&field),
                };
                l2 = format!("{l2}{field}{digit}");
                let composite = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43]);
                l2.push(cd(&composite));
                optional
            }
            Format::Td2 => {
                let optional = cut(&self.optional, 7);
                l2 = format!("{l2}{}", pad(&optional, 7));
                let composite = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..35]);
                l2.push(cd(&composite));
                optional
            }
            _ => {
                let optional = cut(&self.optional, len - 28);
                l2 = format!("{l2}{}", pad(&optional, len - 28));
                optional
            }
        };
        (format!("{l1}\n{l2}"), self.fields(code, optional))
    }
}

/// A valid MRZ of any format, with the fields it must read back as.
fn valid_mrz() -> impl Strategy<Value = (Format, String, Fields)> {
    prop_oneof![
        data(13).prop_map(|d| {
            let (text, fields) = d.td1();
            (Format::Td1, text, fields)
        }),
        (
            data(9),
            prop::sample::select(vec![Format::Td2, Format::Td3, Format::MrvA, Format::MrvB])
        )
            .prop_map(|(d, format)| {
                let (text, fields) = d.two_lines(format);
                (format, text, fields)
            }),
    ]
}

/// Whether a check digit covers 1-based `line`/`pos`, and whether the position is numeric
/// (a date or a check digit), where any letter must be caught.
fn coverage(format: Format, line: usize, pos: usize) -> (bool, bool) {
    match (format, line) {
        (Format::Td1, 1) => ((6..=30).contains(&pos), pos == 15),
        (Format::Td1, 2) => {
            let covered = (1..=7).contains(&pos) || (9..=15).contains(&pos) || pos >= 19;
            let numeric = pos <= 7 || (9..=15).contains(&pos) || pos == 30;
            (covered, numeric)
        }
        (Format::Td1, _) | (_, 1) => (false, false),
        (format, _) => {
            let end = match format {
                Format::Td2 => 36,
                Format::Td3 => 44,
                _ => 28,
            };
            let covered = pos <= 10 || (14..=20).contains(&pos) || (22..=end).contains(&pos);
            let closing = match format {
                Format::Td2 => pos == 36,
                Format::Td3 => pos >= 43,
                _ => false,
            };
            let numeric =
                pos == 10 || (14..=20).contains(&pos) || (22..=28).contains(&pos) || closing;
            (covered, numeric)
        }
    }
}

fn replacement() -> impl Strategy<Value = char> {
    let alphabet: Vec<char> = ('A'..='Z').chain('0'..='9').chain(['<']).collect();
    prop_oneof![
        6 => prop::sample::select(alphabet),
        1 => prop::char::range('a', 'z'),
        1 => prop::sample::select(vec![' ', '\n', '\t', '?', 'é', '«', '\u{0}', 'Ö']),
        1 => any::<char>(),
    ]
}

proptest! {
    #[test]
    fn generated_mrzs_validate((format, text, fields) in valid_mrz()) {
        let mrz = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(mrz.format, format);
        prop_assert!(mrz.errors.is_empty(), "{:?}", mrz.errors);
        prop_assert!(mrz.valid());
        prop_assert_eq!(mrz.fields, fields);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn single_substitutions_are_caught_where_check_digits_can(
        (format, text, _fields) in valid_mrz(),
        line in any::<prop::sample::Index>(),
        pos in any::<prop::sample::Index>(),
        new in replacement(),
    ) {
        let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
        let line = line.index(lines.len());
        let pos = pos.index(lines[line].len());
        let old = lines[line][pos];
        let mut changed = lines.clone();
        changed[line][pos] = new;
        let changed: Vec<String> = changed.into_iter().map(String::from_iter).collect();
        let result = parse(&changed.join("\n"));

        let effective = new.to_ascii_uppercase();
        let (covered, numeric) = coverage(format, line + 1, pos + 1);
        let in_alphabet = effective.is_ascii_uppercase() || effective.is_ascii_digit() || effective == '<';
        let weight_visible = match (value(old as u8), u8::try_from(effective).ok().and_then(value)) {
            (Some(a), Some(b)) => a % 10 != b % 10,
            _ => true,
        };
        let caught = match &result {
            Ok(mrz) => !mrz.valid(),
            Err(_) => true,
        };
        if effective == old {
            prop_assert!(!caught, "same character after upper-casing: {:?}", result);
        } else if covered && (!in_alphabet || weight_visible || (numeric && effective.is_ascii_uppercase())) {
            prop_assert!(caught, "{old:?} -> {new:?} at line {} position {} not caught", line + 1, pos + 1);
        } else if !covered && in_alphabet && !(line == 0 && pos == 0) {
            // Outside every check digit only content can change; the layout stays valid.
            prop_assert!(!caught, "{old:?} -> {new:?} at line {} position {}: {:?}", line + 1, pos + 1, result);
        }
    }
}
