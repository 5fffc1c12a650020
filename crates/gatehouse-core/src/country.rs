//! ISO 3166-1 country codes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::countries_table::COUNTRIES;
use crate::Invalid;

/// An officially assigned ISO 3166-1 alpha-2 code. Alpha-3 input is accepted and normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let upper = input.trim().to_ascii_uppercase();
        let found = match upper.len() {
            2 => COUNTRIES.iter().find(|(a2, _)| *a2 == upper),
            3 => COUNTRIES.iter().find(|(_, a3)| *a3 == upper),
            _ => None,
        };
        match found {
            Some((a2, _)) => {
                let b = a2.as_bytes();
                Ok(Self([b[0], b[1]]))
            }
            None => Err(Invalid::new(
                "invalid_country",
                "must be an ISO 3166-1 alpha-2 or alpha-3 country code",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        // Constructed only from the ASCII table above.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The alpha-3 form, as printed in machine-readable zones.
    pub fn alpha3(&self) -> &'static str {
        COUNTRIES
            .iter()
            .find(|(a2, _)| a2.as_bytes() == self.0)
            .map(|(_, a3)| *a3)
            .unwrap_or("???")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha2_and_alpha3_normalise_to_alpha2() {
        assert_eq!(CountryCode::parse("cn").unwrap().as_str(), "CN");
        assert_eq!(CountryCode::parse("DEU").unwrap().as_str(), "DE");
        assert_eq!(CountryCode::parse(" gbr ").unwrap().alpha3(), "GBR");
    }

    #[test]
    fn unknown_codes_are_refused() {
        for bad in ["", "X", "XX", "ZZZ", "UTOPIA", "12"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn table_is_complete_and_sorted() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
