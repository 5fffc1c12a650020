//! Where each data element sits in TD1, TD2, TD3, MRV-A and MRV-B (ICAO 9303 Parts 4 to 7),
//! and how the pieces become an [`Mrz`].

use super::checkdigit::verify;
use super::dates::{self, DateProblem};
use super::input::{Lines, INVALID};
use super::{countries, names};
use super::{Checks, Field, Fields, Format, Mrz, MrzError, Sex};

/// Positions `from..=to` of a row, 1-based as in ICAO 9303. Rows have their format's length,
/// so the fallback is never taken; it keeps odd input from panicking.
fn span(row: &[u8], from: usize, to: usize) -> &[u8] {
    row.get(from.saturating_sub(1)..to).unwrap_or(&[])
}

/// The character at 1-based position `pos`.
fn at(row: &[u8], pos: usize) -> u8 {
    row.get(pos.saturating_sub(1)).copied().unwrap_or(INVALID)
}

/// The field as text without leading and trailing fillers.
fn text(raw: &[u8]) -> String {
    let start = raw.iter().position(|b| *b != b'<').unwrap_or(raw.len());
    let end = raw
        .iter()
        .rposition(|b| *b != b'<')
        .map_or(start, |i| i + 1);
    raw.get(start..end)
        .unwrap_or(&[])
        .iter()
        .copied()
        .map(char::from)
        .collect()
}

/// The raw pieces every format has, before content checks.
struct Zone<'a> {
    format: Format,
    document_code: &'a [u8],
    issuing_country: &'a [u8],
    names: &'a [u8],
    document_number: String,
    /// `Err` holds the error to report.
    document_number_check: Result<(), MrzError>,
    nationality: &'a [u8],
    birth_date: &'a [u8],
    birth_date_digit: u8,
    sex: u8,
    expiry_date: &'a [u8],
    expiry_date_digit: u8,
    optional_data: String,
    optional_data_2: Option<String>,
    optional_data_check: Option<bool>,
    composite_check: Option<bool>,
}

/// Reads recognised lines as their format.
pub(super) fn parse(lines: &Lines) -> Mrz {
    let row = |i: usize| lines.rows.get(i).map(Vec::as_slice).unwrap_or(&[]);
    let zone = match lines.format {
        Format::Td1 => td1(row(0), row(1), row(2)),
        format => two_lines(format, row(0), row(1)),
    };
    finish(zone, lines.errors.clone())
}

/// TD1 (Part 5): document number and optional data on line 1, dates and nationality on
/// line 2, the name on line 3.
fn td1<'a>(l1: &'a [u8], l2: &'a [u8], l3: &'a [u8]) -> Zone<'a> {
    let (document_number, document_number_check, optional_data) = td1_document_number(l1);
    let composite = verify(
        &[
            span(l1, 6, 30),
            span(l2, 1, 7),
            span(l2, 9, 15),
            span(l2, 19, 29),
        ],
        at(l2, 30),
    );
    Zone {
        format: Format::Td1,
        document_code: span(l1, 1, 2),
        issuing_country: span(l1, 3, 5),
        names: span(l3, 1, 30),
        document_number,
        document_number_check,
        nationality: span(l2, 16, 18),
        birth_date: span(l2, 1, 6),
        birth_date_digit: at(l2, 7),
        sex: at(l2, 8),
        expiry_date: span(l2, 9, 14),
        expiry_date_digit: at(l2, 15),
        optional_data,
        optional_data_2: Some(text(span(l2, 19, 29))),
        optional_data_check: None,
        composite_check: Some(composite),
    }
}

/// The TD1 document number, its check verdict and the optional data that remains.
///
/// Part 5 note j: a number longer than 9 characters puts `<` in the check digit position and
/// continues in the optional data, followed by its check digit and a filler. Issuers differ
/// on whether the check covers that `<` (Belgian specimen BEL-BO-03003 includes it,
/// BEL-BO-11005 does not), so either passes.
fn td1_document_number(l1: &[u8]) -> (String, Result<(), MrzError>, String) {
    let principal = span(l1, 6, 14);
    let digit = at(l1, 15);
    let optional = span(l1, 16, 30);
    if digit != b'<' {
        let check = if verify(&[principal], digit) {
            Ok(())
        } else {
            Err(MrzError::CheckDigitMismatch(Field::DocumentNumber))
        };
        return (text(principal), check, text(optional));
    }
    let end = optional
        .iter()
        .position(|b| *b == b'<')
        .unwrap_or(optional.len());
    let Some(last) = end.checked_sub(1) else {
        let missing = Err(MrzError::CheckDigitMissing(Field::DocumentNumber));
        return (text(principal), missing, text(optional));
    };
    let overflow = optional.get(..last).unwrap_or(&[]);
    let digit = at(optional, last + 1);
    let check =
        if verify(&[principal, overflow], digit) || verify(&[principal, b"<", overflow], digit) {
            Ok(())
        } else {
            Err(MrzError::CheckDigitMismatch(Field::DocumentNumber))
        };
    let number = text(principal) + &text(overflow);
    // Skip the filler that ends the number.
    let rest = optional.get(end + 1..).unwrap_or(&[]);
    (number, check, text(rest))
}

/// TD2, TD3 and the visas: line 1 holds code, issuer and name; line 2 is laid out alike up
/// to position 28, then optional data and, except on visas, the closing check digits.
fn two_lines<'a>(format: Format, l1: &'a [u8], l2: &'a [u8]) -> Zone<'a> {
    let len = l1.len();
    let number = span(l2, 1, 9);
    let document_number_check = if verify(&[number], at(l2, 10)) {
        Ok(())
    } else {
        Err(MrzError::CheckDigitMismatch(Field::DocumentNumber))
    };
    let (optional, optional_data_check, composite_check) = match format {
        Format::Td3 => {
            let personal = span(l2, 29, 42);
            let digit = at(l2, 43);
            // Part 4: with no personal number the check digit may be `<` (or 0).
            let check = if personal.iter().all(|b| *b == b'<') {
                digit == b'<' || digit == b'0'
            } else {
                verify(&[personal], digit)
            };
            let composite = verify(
                &[span(l2, 1, 10), span(l2, 14, 20), span(l2, 22, 43)],
                at(l2, 44),
            );
            (personal, Some(check), Some(composite))
        }
        Format::Td2 => {
            let composite = verify(
                &[span(l2, 1, 10), span(l2, 14, 20), span(l2, 22, 35)],
                at(l2, 36),
            );
            (span(l2, 29, 35), None, Some(composite))
        }
        _ => (span(l2, 29, len), None, None),
    };
    Zone {
        format,
        document_code: span(l1, 1, 2),
        issuing_country: span(l1, 3, 5),
        names: span(l1, 6, len),
        document_number: text(number),
        document_number_check,
        nationality: span(l2, 11, 13),
        birth_date: span(l2, 14, 19),
        birth_date_digit: at(l2, 20),
        sex: at(l2, 21),
        expiry_date: span(l2, 22, 27),
        expiry_date_digit: at(l2, 28),
        optional_data: text(optional),
        optional_data_2: None,
        optional_data_check,
        composite_check,
    }
}

/// Runs the content checks and collects every error in field order.
fn finish(zone: Zone<'_>, mut errors: Vec<MrzError>) -> Mrz {
    let document_code = text(zone.document_code);
    let allowed: &[u8] = match zone.format {
        Format::Td3 => b"P",
        Format::Td1 | Format::Td2 => b"ACI",
        Format::MrvA | Format::MrvB => b"V",
    };
    if !zone
        .document_code
        .first()
        .is_some_and(|c| allowed.contains(c))
    {
        errors.push(MrzError::DocumentCodeNotForFormat);
    }
    let issuing_country = country(zone.issuing_country, Field::IssuingCountry, &mut errors);
    if let Err(e) = &zone.document_number_check {
        errors.push(e.clone());
    }
    let nationality = country(zone.nationality, Field::Nationality, &mut errors);
    let birth_date = date(
        zone.birth_date,
        zone.birth_date_digit,
        Field::BirthDate,
        &mut errors,
    );
    let sex = match zone.sex {
        b'M' => Some(Sex::Male),
        b'F' => Some(Sex::Female),
        b'<' | b'X' => Some(Sex::Unspecified),
        _ => None,
    };
    if sex.is_none() {
        errors.push(MrzError::InvalidSex);
    }
    let expiry_date = date(
        zone.expiry_date,
        zone.expiry_date_digit,
        Field::ExpiryDate,
        &mut errors,
    );
    if zone.optional_data_check == Some(false) {
        errors.push(MrzError::CheckDigitMismatch(Field::OptionalData));
    }
    if zone.composite_check == Some(false) {
        errors.push(MrzError::CheckDigitMismatch(Field::Composite));
    }
    let (surname, given_names) = names::split(zone.names);
    Mrz {
        format: zone.format,
        fields: Fields {
            document_code,
            issuing_country,
            surname,
            given_names,
            document_number: zone.document_number,
            nationality,
            birth_date: birth_date.0,
            sex,
            expiry_date: expiry_date.0,
            optional_data: zone.optional_data,
            optional_data_2: zone.optional_data_2,
        },
        checks: Checks {
            document_number: zone.document_number_check.is_ok(),
            birth_date: birth_date.1,
            expiry_date: expiry_date.1,
            optional_data: zone.optional_data_check,
            composite: zone.composite_check,
        },
        errors,
    }
}

/// The code as text, reporting it when unknown.
fn country(raw: &[u8], field: Field, errors: &mut Vec<MrzError>) -> String {
    let code = text(raw);
    if !countries::is_known_code(&code) {
        errors.push(MrzError::UnknownCode(field));
    }
    code
}

/// The date as written and its check verdict, reporting problems.
fn date(raw: &[u8], digit: u8, field: Field, errors: &mut Vec<MrzError>) -> (String, bool) {
    match dates::check(raw) {
        Ok(()) => {}
        Err(DateProblem::NotNumeric) => errors.push(MrzError::NotNumeric(field)),
        Err(DateProblem::NotACalendarDate) => errors.push(MrzError::NotACalendarDate(field)),
    }
    let ok = verify(&[raw], digit);
    if !ok {
        errors.push(MrzError::CheckDigitMismatch(field));
    }
    (raw.iter().copied().map(char::from).collect(), ok)
}
