//! From raw text to the lines of a recognised format.

use super::{Format, MrzError, NotAnMrz};

/// Stands in for a character outside the MRZ alphabet, so that slicing stays byte-based and
/// no check digit can pass over it.
pub(super) const INVALID: u8 = b'?';

/// The lines of an MRZ, each exactly as long as its format says, upper-cased, with every
/// character outside the alphabet replaced by [`INVALID`].
#[derive(Debug)]
pub(super) struct Lines {
    pub format: Format,
    pub rows: Vec<Vec<u8>>,
    /// One [`MrzError::InvalidCharacter`] per line that has any.
    pub errors: Vec<MrzError>,
}

/// Splits, trims and recognises the format by line count and lengths.
pub(super) fn read(text: &str) -> Result<Lines, NotAnMrz> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let lengths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let first_upper = lines
        .first()
        .and_then(|l| l.chars().next())
        .map(|c| c.to_ascii_uppercase());
    let format = match (lengths.as_slice(), first_upper) {
        ([], _) => return Err(NotAnMrz::Empty),
        ([30, 30, 30], _) => Format::Td1,
        ([36, 36], Some('V')) => Format::MrvB,
        ([36, 36], _) => Format::Td2,
        ([44, 44], Some('V')) => Format::MrvA,
        ([44, 44], _) => Format::Td3,
        _ if !(2..=3).contains(&lines.len()) => {
            return Err(NotAnMrz::LineCount { found: lines.len() })
        }
        _ => return Err(NotAnMrz::LineLengths { lengths }),
    };
    // The pre-2021 French identity card has the TD2 shape but its own fields and check
    // digits; reading it as TD2 would report nonsense.
    let french_id = lines
        .first()
        .and_then(|l| l.get(..5))
        .is_some_and(|p| p.eq_ignore_ascii_case("IDFRA"));
    if format == Format::Td2 && french_id {
        return Err(NotAnMrz::NonIcaoLayout {
            name: "French national identity card (pre-2021)",
        });
    }
    let mut errors = Vec::new();
    let rows = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut reported = false;
            line.chars()
                .enumerate()
                .map(|(j, c)| {
                    let c = c.to_ascii_uppercase();
                    if c.is_ascii_uppercase() || c.is_ascii_digit() || c == '<' {
                        c as u8
                    } else {
                        if !reported {
                            errors.push(MrzError::InvalidCharacter {
                                line: i + 1,
                                position: j + 1,
                            });
                            reported = true;
                        }
                        INVALID
                    }
                })
                .collect()
        })
        .collect();
    Ok(Lines {
        format,
        rows,
        errors,
    })
}
