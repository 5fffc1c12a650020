//! What the document itself says, as far as Gatehouse can read it: from the MRZ the app sent
//! (and, later, from the photo), and from what a national ID number encodes.

use chrono::{Datelike, NaiveDate};
use gatehouse_core::country::CountryCode;
use gatehouse_core::person::Sex;

use crate::mrz::{self, Mrz};

/// Values read from the document. Every field is optional: a source knows only some of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentReading {
    /// Where these values come from, for evidence: `mrz` or `id_number`.
    pub source: &'static str,
    pub document_number: Option<String>,
    pub surname: Option<String>,
    pub given_names: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub nationality: Option<CountryCode>,
    pub expiry_date: Option<NaiveDate>,
}

/// Reads the fields of a parsed MRZ. Dates carry two-digit years: a birth date is put in the
/// latest century that keeps it on or before `today`; an expiry date in the century that puts
/// it nearest to `today`.
pub fn from_mrz(m: &Mrz, today: NaiveDate) -> DocumentReading {
    let f = &m.fields;
    let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    DocumentReading {
        source: "mrz",
        document_number: non_empty(&f.document_number.replace('<', "")),
        surname: non_empty(&f.surname),
        given_names: non_empty(&f.given_names),
        birth_date: yymmdd(&f.birth_date).and_then(|(y, m, d)| birth_date(y, m, d, today)),
        sex: match f.sex {
            Some(mrz::Sex::Male) => Some(Sex::M),
            Some(mrz::Sex::Female) => Some(Sex::F),
            _ => None,
        },
        nationality: mrz_country(&f.nationality),
        expiry_date: yymmdd(&f.expiry_date).and_then(|(y, m, d)| expiry_date(y, m, d, today)),
    }
}

fn yymmdd(s: &str) -> Option<(i32, u32, u32)> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    Some((n(0..2)? as i32, n(2..4)?, n(4..6)?))
}

fn birth_date(yy: i32, m: u32, d: u32, today: NaiveDate) -> Option<NaiveDate> {
    let century = today.year() / 100 * 100;
    let this = NaiveDate::from_ymd_opt(century + yy, m, d)?;
    if this <= today {
        Some(this)
    } else {
        NaiveDate::from_ymd_opt(century - 100 + yy, m, d)
    }
}

fn expiry_date(yy: i32, m: u32, d: u32, today: NaiveDate) -> Option<NaiveDate> {
    let century = today.year() / 100 * 100;
    [century - 100, century, century + 100]
        .into_iter()
        .filter_map(|c| NaiveDate::from_ymd_opt(c + yy, m, d))
        .min_by_key(|date| (*date - today).num_days().abs())
}

/// An MRZ nationality or issuing state as an ISO country. ICAO writes Germany as `D` and the
/// British nationality categories as `GB?`; other special codes (stateless, refugee, UN) have no
/// country.
pub fn mrz_country(code: &str) -> Option<CountryCode> {
    let code = code.trim_matches('<');
    match code {
        "D" => CountryCode::parse("DE").ok(),
        "GBD" | "GBN" | "GBO" | "GBP" | "GBS" => CountryCode::parse("GB").ok(),
        _ if code.len() == 3 => CountryCode::parse(code).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn two_digit_years() {
        let today = day("2026-11-27");
        assert_eq!(birth_date(74, 8, 12, today), Some(day("1974-08-12")));
        assert_eq!(birth_date(5, 1, 1, today), Some(day("2005-01-01")));
        assert_eq!(birth_date(26, 12, 1, today), Some(day("1926-12-01")));
        assert_eq!(expiry_date(12, 4, 15, today), Some(day("2012-04-15")));
        assert_eq!(expiry_date(35, 1, 1, today), Some(day("2035-01-01")));
        assert_eq!(expiry_date(99, 1, 1, today), Some(day("1999-01-01")));
        assert_eq!(birth_date(90, 2, 30, today), None);
    }

    #[test]
    fn icao_country_codes() {
        assert_eq!(mrz_country("D<<").unwrap().as_str(), "DE");
        assert_eq!(mrz_country("CHN").unwrap().as_str(), "CN");
        assert_eq!(mrz_country("GBD").unwrap().as_str(), "GB");
        assert_eq!(mrz_country("UTO"), None);
        assert_eq!(mrz_country("XXA"), None);
    }
}
