//! ICAO 9303 machine-readable zones: TD1, TD2, TD3 and the MRV-A/MRV-B visas.
//!
//! [`parse`] separates text that is not an MRZ at all ([`NotAnMrz`]) from an MRZ that is
//! invalid: the latter still parses, with every check digit verdict in [`Checks`] and every
//! problem in [`Mrz::errors`]. [`inspect`] gives the JSON that `gatehouse inspect mrz` prints.
//!
//! Choices worth knowing:
//! - `valid` means layout (alphabet, numeric dates) and every check digit are right. Content
//!   problems (unknown country code, impossible date, odd sex or document code) are reported
//!   in `errors` without making the MRZ invalid: the zone was read as printed, and the caller
//!   decides what such content means (e.g. the `UTO` of ICAO specimens).
//! - Sex `M`/`F` map to [`Sex::Male`]/[`Sex::Female`]; the ICAO filler `<` and the `X` some
//!   issuers print map to [`Sex::Unspecified`] (JSON `"X"`, as in the visual zone).
//! - Names turn fillers into single spaces; other text fields only lose leading and trailing
//!   fillers, because a filler inside optional data or a document number is data.
//! - Dates stay as written (`YYMMDD`). A pair of fillers marks an unknown part (ICAO allows
//!   this for an unknown birth date) and is not an error.

mod checkdigit;
mod countries;
mod dates;
mod formats;
mod input;
mod json;
mod names;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::fmt;

pub use checkdigit::check_digit;
pub use countries::is_known_code;
pub use json::inspect;

/// The ICAO 9303 layout an MRZ was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Three lines of 30 (identity cards).
    Td1,
    /// Two lines of 36.
    Td2,
    /// Two lines of 44 (passports).
    Td3,
    /// Visa, two lines of 44.
    MrvA,
    /// Visa, two lines of 36.
    MrvB,
}

impl Format {
    /// The name used in JSON: `TD1`, `TD2`, `TD3`, `MRV-A` or `MRV-B`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Td1 => "TD1",
            Format::Td2 => "TD2",
            Format::Td3 => "TD3",
            Format::MrvA => "MRV-A",
            Format::MrvB => "MRV-B",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The holder's sex as printed in the MRZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
    /// `<` (ICAO) or `X`.
    Unspecified,
}

impl Sex {
    /// `M`, `F` or `X`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
            Sex::Unspecified => "X",
        }
    }
}

/// The data elements of an MRZ, fillers removed as described in the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub document_code: String,
    pub issuing_country: String,
    /// Primary identifier.
    pub surname: String,
    /// Secondary identifier, the given names separated by single spaces.
    pub given_names: String,
    /// The full number, including a TD1 number's overflow into the optional data.
    pub document_number: String,
    pub nationality: String,
    /// `YYMMDD` as written.
    pub birth_date: String,
    /// `None` when the character is not `M`, `F`, `<` or `X`.
    pub sex: Option<Sex>,
    /// `YYMMDD` as written.
    pub expiry_date: String,
    /// Optional data (TD1 line 1, TD2, visas) or the personal number (TD3).
    pub optional_data: String,
    /// TD1 line 2 optional data; `None` for other formats.
    pub optional_data_2: Option<String>,
}

/// Check digit verdicts; `None` where the format has no such check digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    pub document_number: bool,
    pub birth_date: bool,
    pub expiry_date: bool,
    /// TD3 only (the personal number's check digit).
    pub optional_data: Option<bool>,
    /// TD1, TD2 and TD3; visas have none.
    pub composite: Option<bool>,
}

impl Checks {
    /// Whether every check digit present is right.
    pub fn all_passed(&self) -> bool {
        self.document_number
            && self.birth_date
            && self.expiry_date
            && self.optional_data.unwrap_or(true)
            && self.composite.unwrap_or(true)
    }
}

/// A data element named in an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    DocumentCode,
    IssuingCountry,
    DocumentNumber,
    Nationality,
    BirthDate,
    Sex,
    ExpiryDate,
    OptionalData,
    Composite,
}

impl Field {
    /// Lower-case words, as used in error strings.
    pub fn label(self) -> &'static str {
        match self {
            Field::DocumentCode => "document code",
            Field::IssuingCountry => "issuing country",
            Field::DocumentNumber => "document number",
            Field::Nationality => "nationality",
            Field::BirthDate => "birth date",
            Field::Sex => "sex",
            Field::ExpiryDate => "expiry date",
            Field::OptionalData => "optional data",
            Field::Composite => "composite",
        }
    }
}

/// One problem found in an MRZ. `Display` gives the stable string used in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MrzError {
    /// The first character outside `A-Z`, `0-9`, `<` on a line (1-based positions).
    InvalidCharacter {
        line: usize,
        position: usize,
    },
    /// A date holds something other than digits and fillers.
    NotNumeric(Field),
    CheckDigitMismatch(Field),
    /// A TD1 long document number whose overflow (and so its check digit) is absent.
    CheckDigitMissing(Field),
    NotACalendarDate(Field),
    /// Neither ISO 3166-1 alpha-3 nor an ICAO 9303 code.
    UnknownCode(Field),
    InvalidSex,
    /// A document code whose first letter does not belong to the format (e.g. `I` on TD3).
    DocumentCodeNotForFormat,
}

impl MrzError {
    /// Whether this error makes the MRZ invalid (layout or check digit), as opposed to a
    /// content problem that is only reported.
    pub fn is_layout(&self) -> bool {
        matches!(
            self,
            MrzError::InvalidCharacter { .. }
                | MrzError::NotNumeric(_)
                | MrzError::CheckDigitMismatch(_)
                | MrzError::CheckDigitMissing(_)
        )
    }
}

impl fmt::Display for MrzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MrzError::InvalidCharacter { line, position } => {
                write!(f, "character at line {line} position {position} invalid")
            }
            MrzError::NotNumeric(field) => write!(f, "{} not numeric", field.label()),
            MrzError::CheckDigitMismatch(field) => {
                write!(f, "{} check digit mismatch", field.label())
            }
            MrzError::CheckDigitMissing(field) => {
                write!(f, "{} check digit missing", field.label())
            }
            MrzError::NotACalendarDate(field) => {
                write!(f, "{} not a calendar date", field.label())
            }
            MrzError::UnknownCode(field) => write!(f, "{} code unknown", field.label()),
            MrzError::InvalidSex => f.write_str("sex code invalid"),
            MrzError::DocumentCodeNotForFormat => f.write_str("document code not for format"),
        }
    }
}

/// A parsed MRZ, valid or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mrz {
    pub format: Format,
    pub fields: Fields,
    pub checks: Checks,
    /// Every problem found, in field order.
    pub errors: Vec<MrzError>,
}

impl Mrz {
    /// Layout and every check digit are right (content errors do not count).
    pub fn valid(&self) -> bool {
        self.checks.all_passed() && !self.errors.iter().any(MrzError::is_layout)
    }
}

/// Text that is not an ICAO 9303 MRZ (as opposed to an MRZ that is invalid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAnMrz {
    /// Nothing but whitespace.
    Empty,
    /// Not 2 or 3 non-blank lines.
    LineCount { found: usize },
    /// 2 or 3 lines whose lengths (in characters) fit no format.
    LineLengths { lengths: Vec<usize> },
    /// A known national layout that has the shape of an ICAO format but not its fields.
    NonIcaoLayout { name: &'static str },
}

impl fmt::Display for NotAnMrz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotAnMrz::Empty => f.write_str("not an MRZ: no text"),
            NotAnMrz::LineCount { found } => {
                write!(f, "not an MRZ: expected 2 or 3 lines, found {found}")
            }
            NotAnMrz::LineLengths { lengths } => {
                let lengths: Vec<String> = lengths.iter().map(usize::to_string).collect();
                write!(
                    f,
                    "not an MRZ: line lengths {} fit no format (TD1 3x30, TD2 or MRV-B 2x36, \
                     TD3 or MRV-A 2x44)",
                    lengths.join(", ")
                )
            }
            NotAnMrz::NonIcaoLayout { name } => {
                write!(f, "not an ICAO MRZ: {name} (not supported)")
            }
        }
    }
}

impl std::error::Error for NotAnMrz {}

/// Parses MRZ text: 2 or 3 lines, surrounding whitespace and blank lines ignored, lower case
/// accepted. Never panics.
pub fn parse(text: &str) -> Result<Mrz, NotAnMrz> {
    let lines = input::read(text)?;
    Ok(formats::parse(&lines))
}
