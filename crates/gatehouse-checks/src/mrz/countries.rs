//! Issuing state and nationality codes.

use gatehouse_core::country::CountryCode;

/// Codes valid in an MRZ besides ISO 3166-1 alpha-3 (which `gatehouse-core` holds).
///
/// From ICAO Doc 9303 Part 3 (8th edition, 2021), section 5 "Three-letter codes": Germany's
/// `D`, the British nationality codes, the codes reserved by the ISO 3166 maintenance agency
/// (EUE), the United Nations codes, other issuing authorities and the codes for persons
/// without a nationality. Added beside them: `UTO`, the fictional state of ICAO's specimens,
/// and `RKS`, which Kosovo prints (not an ISO code; accepted e.g. by the UK Home Office).
/// Sorted, so lookups can binary-search.
const ICAO_CODES: &[&str] = &[
    "D",   // Germany
    "EUE", // European Union
    "GBD", // British Overseas Territories Citizen
    "GBN", // British National (Overseas)
    "GBO", // British Overseas Citizen
    "GBP", // British Protected Person
    "GBS", // British Subject
    "RKS", // Kosovo
    "UNA", // specialised agency of the United Nations
    "UNK", // resident of Kosovo, travel document issued by UNMIK
    "UNO", // United Nations Organization
    "UTO", // Utopia, ICAO specimens
    "XBA", // African Development Bank
    "XCC", // Caribbean Community
    "XCE", // Council of Europe
    "XCO", // Common Market for Eastern and Southern Africa
    "XDC", // Southern African Development Community
    "XEC", // Economic Community of West African States
    "XES", // Organisation of Eastern Caribbean States
    "XIM", // African Export-Import Bank
    "XMP", // Parliamentary Assembly of the Mediterranean
    "XOM", // Sovereign Military Order of Malta
    "XPO", // Interpol
    "XXA", // stateless person (1954 Convention)
    "XXB", // refugee (1951 Convention)
    "XXC", // refugee, other
    "XXX", // unspecified nationality
];

/// Whether `code` (fillers already removed) is an ISO 3166-1 alpha-3 code or an ICAO 9303
/// code.
pub fn is_known_code(code: &str) -> bool {
    // `CountryCode::parse` also takes alpha-2, which an MRZ never uses, so only give it
    // three letters.
    let iso = code.len() == 3
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && CountryCode::parse(code).is_ok();
    iso || ICAO_CODES.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(ICAO_CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn iso_and_icao_codes_are_known() {
        for code in [
            "DEU", "FRA", "CHN", "ATA", "D", "UTO", "XXA", "GBN", "EUE", "XOM",
        ] {
            assert!(is_known_code(code), "{code}");
        }
    }

    #[test]
    fn others_are_unknown() {
        for code in ["", "DE", "ZZZ", "deu", "D<", "GB", "XXZ", "ABCD"] {
            assert!(!is_known_code(code), "{code}");
        }
    }
}
