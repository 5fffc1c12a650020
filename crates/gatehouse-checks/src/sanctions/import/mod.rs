//! Sanctions list import: the published files turned into [`ListEntity`] records.
//!
//! Every parser takes file contents already read and decoded by the caller, so it stays pure,
//! and returns either every record or the first problem with its file and line: never a
//! partial list, never a panic.
//!
//! - [`parse_ofac`]: OFAC's legacy CSV files, the SDN list (`sdn.csv`, `alt.csv`, `add.csv`)
//!   and the consolidated non-SDN list (`cons_prim.csv`, `cons_alt.csv`, `cons_add.csv`).
//! - [`parse_un`]: the UN Security Council consolidated list (XML).
//! - [`parse_ftm`]: OpenSanctions FollowTheMoney entities, one JSON object a line.
//! - [`parse_senzing`]: OpenSanctions exports in Senzing's JSON (lines, or one array).
//!
//! Choices worth knowing:
//! - Aliases include every alternative name a list gives, weak ones too (UN "Low" quality,
//!   OFAC nicknames quoted in the remarks, FtM `weakAlias`), and names in original script.
//! - `nationalities` holds a person's nationality and citizenship; for anything else the
//!   countries of registration and address. Country names and codes become alpha-2 when they
//!   name an ISO 3166-1 country, and stay as written otherwise (`Kosovo`).
//! - Birth dates keep the precision given. "circa 1963" gives `1963`; a range gives every year
//!   it covers (`1963 to 1965` gives `1963`, `1964`, `1965`), or the common month or year when
//!   both ends share it; ranges over 30 years and text that is no date are dropped.

mod country_names;
mod csv;
mod dates;
mod ftm;
mod ofac;
mod senzing;
mod un;

#[cfg(test)]
mod proptests;

use std::fmt;

use gatehouse_core::country::CountryCode;
use serde::{Deserialize, Serialize};

pub use ftm::parse_ftm;
pub use ofac::parse_ofac;
pub use senzing::parse_senzing;
pub use un::parse_un;

/// What a listed entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Organization,
    Vessel,
    Aircraft,
    Other,
}

/// One entry of a sanctions or PEP list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntity {
    /// `ofac_sdn`, `ofac_cons`, `un`, `ftm:<dataset>` or `senzing:<data source>`.
    pub list: String,
    /// The list's own id: OFAC `ent_num`, UN `DATAID` (else `REFERENCE_NUMBER`), FtM `id`,
    /// Senzing `RECORD_ID`.
    pub entity_id: String,
    pub kind: EntityKind,
    /// The primary name as printed (OFAC individuals: `SURNAME, Given Names`).
    pub name: String,
    pub aliases: Vec<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as precise as the list is.
    pub birth_dates: Vec<String>,
    /// ISO 3166-1 alpha-2 where the list's value names a country, else the value as written.
    pub nationalities: Vec<String>,
    pub programs: Vec<String>,
    pub remarks: Option<String>,
}

impl ListEntity {
    fn new(list: &str, entity_id: &str, kind: EntityKind, name: String) -> Self {
        Self {
            list: list.to_owned(),
            entity_id: entity_id.to_owned(),
            kind,
            name,
            aliases: Vec::new(),
            birth_dates: Vec::new(),
            nationalities: Vec::new(),
            programs: Vec::new(),
            remarks: None,
        }
    }

    /// Adds an alias unless it is empty, the primary name or already there.
    fn add_alias(&mut self, alias: &str) {
        let alias = collapse_spaces(alias);
        if alias != self.name {
            push_unique(&mut self.aliases, &alias);
        }
    }

    /// Adds the country a list value names, unless it is a placeholder.
    fn add_country(&mut self, value: &str) {
        if let Some(country) = country(value) {
            push_unique(&mut self.nationalities, &country);
        }
    }
}

/// Why a list file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    /// 1-based line where the problem starts.
    pub line: usize,
    pub message: String,
}

impl ParseError {
    fn new(file: &str, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }

    /// The same error naming `file`: the parsers that take no file name use a default.
    pub fn in_file(self, file: &str) -> Self {
        Self {
            file: file.to_owned(),
            ..self
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Appends `value`, trimmed, unless it is empty or already present.
fn push_unique(list: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if !value.is_empty() && !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}

/// Runs of whitespace (line breaks in XML text, double spaces) as one space, trimmed.
fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The alpha-2 code a country code or English name stands for, else the value as written;
/// `None` for blanks and the placeholders lists use for "not known".
fn country(value: &str) -> Option<String> {
    let value = value.trim().trim_end_matches('.').trim();
    let value = value.strip_prefix("possibly ").unwrap_or(value);
    if value.is_empty() || country_names::is_placeholder(value) {
        return None;
    }
    let is_code = (2..=3).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphabetic());
    if is_code {
        if let Ok(code) = CountryCode::parse(value) {
            return Some(code.to_string());
        }
    }
    let code = country_names::alpha2(value).and_then(|a2| CountryCode::parse(a2).ok());
    Some(code.map_or_else(|| value.to_owned(), |c| c.to_string()))
}

/// serde_json's message without its "at line 1 column N" (the caller knows the line).
fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&position).unwrap_or(&text);
    format!("bad JSON at column {}: {message}", error.column())
}

/// 1-based line number of byte `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Line numbers of byte offsets, counted incrementally while offsets grow.
struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of byte `offset` (clamped to the text).
    fn at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            return line_at(self.text, offset);
        }
        let newlines = self.text.as_bytes()[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines;
        self.offset = offset;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_from_codes_names_and_placeholders() {
        assert_eq!(country("ru").as_deref(), Some("RU"));
        assert_eq!(country("IRN").as_deref(), Some("IR"));
        assert_eq!(country("Korea, North").as_deref(), Some("KP"));
        assert_eq!(country("Iran (Islamic Republic of)").as_deref(), Some("IR"));
        assert_eq!(country("Türkiye").as_deref(), Some("TR"));
        assert_eq!(country("The Gambia").as_deref(), Some("GM"));
        assert_eq!(country("Mexico.").as_deref(), Some("MX"));
        assert_eq!(country("possibly Palestinian").as_deref(), Some("PS"));
        assert_eq!(country("Kosovo").as_deref(), Some("Kosovo"));
        assert_eq!(country("na"), None);
        assert_eq!(country("  "), None);
    }

    #[test]
    fn error_display_names_file_and_line() {
        let e = ParseError::new("sdn.csv", 3, "unterminated quote");
        assert_eq!(e.to_string(), "sdn.csv:3: unterminated quote");
        assert_eq!(
            e.in_file("x.csv").to_string(),
            "x.csv:3: unterminated quote"
        );
    }

    #[test]
    fn line_numbers_from_offsets() {
        assert_eq!(line_at("a\nb\nc", 0), 1);
        assert_eq!(line_at("a\nb\nc", 2), 2);
        assert_eq!(line_at("a\nb\nc", 99), 3);
        let mut lines = Lines::new("a\nb\nc");
        assert_eq!(lines.at(2), 2);
        assert_eq!(lines.at(4), 3);
        assert_eq!(lines.at(0), 1);
        assert_eq!(lines.at(99), 3);
    }
}
