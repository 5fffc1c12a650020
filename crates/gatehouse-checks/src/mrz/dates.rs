//! `YYMMDD` dates: digits, with `<<` standing for an unknown part.

use chrono::NaiveDate;

/// What is wrong with a date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateProblem {
    /// Something other than digits and fillers (a layout error).
    NotNumeric,
    /// Digits that name no day, or a pair mixing a digit and a filler.
    NotACalendarDate,
}

/// Checks a six-character date. A `<<` pair is an unknown year, month or day; the known parts
/// must still fit together. The century is unknown, so 29 February counts for years
/// divisible by 4 (including 00, as 2000 was a leap year).
pub(super) fn check(raw: &[u8]) -> Result<(), DateProblem> {
    if raw.len() != 6 || !raw.iter().all(|b| b.is_ascii_digit() || *b == b'<') {
        return Err(DateProblem::NotNumeric);
    }
    let part = |i: usize| -> Result<Option<u32>, DateProblem> {
        match (raw[i], raw[i + 1]) {
            (b'<', b'<') => Ok(None),
            (a, b) if a.is_ascii_digit() && b.is_ascii_digit() => {
                Ok(Some(u32::from(a - b'0') * 10 + u32::from(b - b'0')))
            }
            _ => Err(DateProblem::NotACalendarDate),
        }
    };
    let (year, month, day) = (part(0)?, part(2)?, part(4)?);
    // Stand-ins for unknown parts that accept every known value: a leap year, a 31-day month.
    let year = 2000 + year.unwrap_or(0) as i32;
    match NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1)) {
        Some(_) => Ok(()),
        None => Err(DateProblem::NotACalendarDate),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dates_pass() {
        for d in [
            "740812", "000229", "960229", "991231", "010101", "<<<<<<", "74<<<<", "7408<<",
        ] {
            assert_eq!(check(d.as_bytes()), Ok(()), "{d}");
        }
    }

    #[test]
    fn impossible_dates_fail() {
        for d in [
            "740230", "970229", "741301", "740800", "740132", "001<01", "<<0230",
        ] {
            assert_eq!(
                check(d.as_bytes()),
                Err(DateProblem::NotACalendarDate),
                "{d}"
            );
        }
    }

    #[test]
    fn letters_are_not_numeric() {
        for d in ["74O812", "ABCDEF", "74081", "?40812"] {
            assert_eq!(check(d.as_bytes()), Err(DateProblem::NotNumeric), "{d}");
        }
    }
}
