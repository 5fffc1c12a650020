//! Document number formats per country and document type, for the 37 countries we see most
//! applicants from (those with the most crypto users), with a generic fallback.
//!
//! Patterns use the tiny syntax of [`super::pattern`] and apply to the normalised number
//! (upper-case, no spaces, `-`, `.`, `/` or brackets). Confidence says how well the format is
//! documented: `Low` entries are deliberately permissive guesses, so that a format we do not
//! really know never rejects a genuine document. A missing (country, type) pair, for example a
//! national ID card in a country that issues none, falls back to [`GENERIC`].

use std::sync::LazyLock;

use gatehouse_core::country::CountryCode;
use gatehouse_core::person::DocumentType;

use super::pattern::Pattern;
use Confidence::{High, Low, Medium};
use DocumentType::{DrivingLicence as DL, IdCard as ID, Passport as PP, ResidencePermit as RP};

/// Extra rules run after the shape matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checker {
    ShapeOnly,
    /// GB 11643 resident ID: check character, birth date, division code in use at birth.
    CnResident,
    /// 18-digit Chinese residence permits: check character and birth date.
    CnPermit,
    Hkid,
    /// Taiwan national ID and resident certificate numbers.
    Taiwan,
}

/// How well the format is documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidence {
    /// Published by the issuer or on the document itself, and stable.
    High,
    /// Widely described, but older or regional variants may exist.
    Medium,
    /// Poorly documented or varying by region: a permissive guess.
    Low,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct DocFormat {
    pub country: &'static str,
    pub doc_type: DocumentType,
    pub pattern: &'static str,
    /// Completes "expected ..." in error messages.
    pub description: &'static str,
    /// A made-up number of the right shape (and check characters), kept honest by a test.
    pub example: &'static str,
    pub confidence: Confidence,
    pub checker: Checker,
}

/// A table row with its pattern parsed.
#[derive(Debug)]
pub struct Rule {
    pub format: DocFormat,
    pattern: Pattern,
}

impl Rule {
    /// Whether the normalised number has this shape.
    pub fn matches(&self, normalized: &str) -> bool {
        self.pattern.matches(normalized)
    }
}

/// The fallback for pairs missing from the table.
pub const GENERIC: DocFormat = DocFormat {
    country: "",
    doc_type: DocumentType::IdCard,
    pattern: "x{5,20}",
    description: "5 to 20 letters or digits",
    example: "AB12345",
    confidence: Confidence::Low,
    checker: Checker::ShapeOnly,
};

/// A row checked by shape only (short name: the table has 130 of them).
const fn e(
    country: &'static str,
    doc_type: DocumentType,
    pattern: &'static str,
    description: &'static str,
    example: &'static str,
    confidence: Confidence,
) -> DocFormat {
    checked(
        country,
        doc_type,
        pattern,
        description,
        example,
        confidence,
        Checker::ShapeOnly,
    )
}

/// A row whose numbers also carry check characters or facts.
const fn checked(
    country: &'static str,
    doc_type: DocumentType,
    pattern: &'static str,
    description: &'static str,
    example: &'static str,
    confidence: Confidence,
    checker: Checker,
) -> DocFormat {
    DocFormat {
        country,
        doc_type,
        pattern,
        description,
        example,
        confidence,
        checker,
    }
}

/// The table, one row per (country, document type); pairs without a row use [`GENERIC`].
#[rustfmt::skip]
pub static FORMATS: &[DocFormat] = &[
    // Emirati passport numbers are rarely published: Low. Residents and citizens carry the
    // Emirates ID (784 = the UAE's ISO numeric code); residence visas are tied to it.
    e("AE", PP, "x{7,9}", "7 to 9 letters or digits", "A1234567", Low),
    e("AE", ID, "784d{12}", "15 digits starting with 784 (Emirates ID)", "784198012345671", High),
    e("AE", DL, "x{5,12}", "5 to 12 letters or digits", "1234567", Low),
    e("AE", RP, "784d{12}", "15 digits starting with 784 (Emirates ID)", "784198012345671", Medium),
    e("AR", PP, "a{3}d{6}", "3 letters + 6 digits", "AAA123456", Medium),
    e("AR", ID, "d{7,8}", "7 or 8 digits (DNI)", "12345678", High),
    e("AR", DL, "d{7,8}", "the 7- or 8-digit DNI number", "12345678", Medium),
    e("AR", RP, "d{8}", "the 8-digit DNI number", "92345678", Medium),
    // Australia has no national ID card; driving licences are per state and vary: Low.
    e("AU", PP, "a{1,2}d{7}", "1 or 2 letters + 7 digits", "PA1234567", High),
    e("AU", DL, "x{4,11}", "4 to 11 letters or digits (state format)", "12345678", Low),
    // Brazil: the ID card may show the CPF or a state RG number, whose format varies by state.
    e("BR", PP, "a{2}d{6}", "2 letters + 6 digits", "FZ123456", High),
    e("BR", ID, "d{11}|x{5,14}", "the 11-digit CPF, or a state RG number of 5 to 14 characters", "12345678909", Medium),
    e("BR", DL, "d{9,11}", "9 to 11 digits (CNH registration)", "12345678900", Medium),
    e("BR", RP, "ad{6}x", "1 letter + 6 digits + 1 check character (RNM)", "V123456A", Medium),
    // Canada: licences and PR cards vary by province and series: Low.
    e("CA", PP, "a{2}d{6}", "2 letters + 6 digits", "AB123456", High),
    e("CA", DL, "x{5,17}", "5 to 17 letters or digits (provincial format)", "A12341234512345", Low),
    e("CA", RP, "x{8,12}", "8 to 12 letters or digits", "PA0123456", Low),
    // China: the driving licence number is the holder's resident ID number (foreigners'
    // licences differ, hence Medium). Permits: 18 digits for Hong Kong, Macao and Taiwan
    // residents and the 2023 foreigners' card; 3 letters + 12 digits for the older card.
    e("CN", PP, "[EG]d{8}|E[A-HJ-NP-Z]d{7}", "E or G + 8 digits, or E + 1 letter + 7 digits", "E12345678", High),
    checked("CN", ID, "d{17}[0-9X]|d{15}", "18 digits (the last may be X), or 15 digits", "110102198503020020", High, Checker::CnResident),
    checked("CN", DL, "d{17}[0-9X]|d{15}", "the 18-character resident ID number", "110102198503020020", Medium, Checker::CnResident),
    checked("CN", RP, "d{17}[0-9X]|a{3}d{12}", "18 digits (the last may be X), or 3 letters + 12 digits", "810000199001010027", Medium, Checker::CnPermit),
    e("CO", PP, "a{2}d{6,7}", "2 letters + 6 or 7 digits", "AB123456", Medium),
    e("CO", ID, "d{6,10}", "6 to 10 digits (cédula)", "1012345678", High),
    e("CO", DL, "d{6,10}", "the cédula number, 6 to 10 digits", "1012345678", Medium),
    e("CO", RP, "d{6,10}", "6 to 10 digits (cédula de extranjería or PPT)", "1234567", Low),
    // Germany: serial numbers avoid vowels; passports start with C F G H J K, ID cards with
    // L M N P R T V W X Y (since 2010).
    e("DE", PP, "[CFGHJK][0-9CFGHJKLMNPRTVWXYZ]{8}", "9 characters: C, F, G, H, J or K, then 8 digits or consonants", "C01X00T47", High),
    e("DE", ID, "[LMNPRTVWXY][0-9CFGHJKLMNPRTVWXYZ]{8}", "9 characters: L to Y, then 8 digits or consonants", "L01X00T47", Medium),
    e("DE", DL, "x{11}", "11 letters or digits", "B072RRE2I55", Medium),
    e("DE", RP, "[0-9CFGHJKLMNPRTVWXYZ]{9}", "9 digits or consonants", "Y1234567H", Medium),
    e("EG", PP, "ad{8}", "1 letter + 8 digits", "A12345678", Medium),
    e("EG", ID, "[23]d{13}", "14 digits starting with 2 or 3", "29001011234567", High),
    e("ES", PP, "a{2,3}d{6}", "2 or 3 letters + 6 digits", "PAA123456", High),
    e("ES", ID, "d{8}a", "8 digits + 1 letter (DNI)", "12345678Z", High),
    e("ES", DL, "d{8}a|[XYZ]d{7}a", "a DNI (8 digits + 1 letter) or NIE (X, Y or Z + 7 digits + 1 letter)", "12345678Z", High),
    e("ES", RP, "[XYZ]d{7}a", "X, Y or Z + 7 digits + 1 letter (NIE)", "X1234567L", High),
    // France: ID cards issued before 2021 have 12 characters, newer ones 9. Licence and
    // residence permit numbering changed several times: Low.
    e("FR", PP, "d{2}a{2}d{5}", "2 digits + 2 letters + 5 digits", "12AB34567", High),
    e("FR", ID, "x{12}|x{9}", "12 characters (cards before 2021) or 9 letters and digits", "X4RTBPFW4", Medium),
    e("FR", DL, "x{9,12}", "9 to 12 letters or digits", "123456789012", Low),
    e("FR", RP, "x{9,12}", "9 to 12 letters or digits", "7501234567", Low),
    // Great Britain: no national ID card. DVLA licence: 5 of the surname (padded with 9),
    // 6 digits of birth date and sex, 2 initials, 1 digit, 2 check characters, and sometimes
    // a 2-digit issue number.
    e("GB", PP, "x{9}", "9 letters or digits (usually digits)", "123456789", Medium),
    e("GB", DL, "[A-Z9]{5}d{6}[A-Z9]{2}dx{2}|[A-Z9]{5}d{6}[A-Z9]{2}dx{2}d{2}", "16 characters: 5 of the surname, 6 digits, 2 initials and 3 more", "MORGA753116SM9IJ", High),
    e("GB", RP, "a{2}x{7}", "2 letters + 7 letters or digits (BRP)", "ZU1234567", Medium),
    // Hong Kong: the driving licence number is the HKID number.
    e("HK", PP, "ad{8}", "1 letter + 8 digits", "K12345678", Medium),
    checked("HK", ID, "a{1,2}d{6}[0-9A]", "1 or 2 letters, 6 digits and a check character, e.g. A123456(3)", "A1234563", High, Checker::Hkid),
    checked("HK", DL, "a{1,2}d{6}[0-9A]", "the HKID number, e.g. A123456(3)", "A1234563", Medium, Checker::Hkid),
    e("ID", PP, "a{1,2}d{6,7}", "1 or 2 letters + 6 or 7 digits", "A1234567", Medium),
    e("ID", ID, "d{16}", "16 digits (NIK)", "3174012345670001", High),
    e("ID", DL, "d{12,14}", "12 to 14 digits (SIM)", "123456789012", Low),
    // India: "ID card" covers Aadhaar, PAN and voter ID. Licences: the 15-character Sarathi
    // form, or older state formats.
    e("IN", PP, "ad{7}", "1 letter + 7 digits", "J8369854", High),
    e("IN", ID, "[2-9]d{11}|a{5}d{4}a|a{3}d{7}", "a 12-digit Aadhaar, a PAN (5 letters, 4 digits, 1 letter) or a voter ID (3 letters + 7 digits)", "234567890123", Medium),
    e("IN", DL, "a{2}d{13}|a{2}x{6,14}", "a 2-letter state code + 13 digits, or an older state format", "MH1420110062821", Medium),
    // Italy: electronic ID card CA00000AA, paper card AA1234567. Licence and permit: Low.
    e("IT", PP, "a{2}d{7}", "2 letters + 7 digits", "YA1234567", High),
    e("IT", ID, "a{2}d{5}a{2}|a{2}d{7}", "2 letters + 5 digits + 2 letters, or 2 letters + 7 digits", "CA00000AA", High),
    e("IT", DL, "x{10}", "10 letters or digits", "U11234567A", Low),
    e("IT", RP, "x{8,12}", "8 to 12 letters or digits", "I12345678", Low),
    e("JP", PP, "a{2}d{7}", "2 letters + 7 digits", "TK1234567", High),
    e("JP", ID, "d{12}", "12 digits (My Number)", "123456789012", High),
    e("JP", DL, "d{12}", "12 digits", "123456789012", High),
    e("JP", RP, "a{2}d{8}a{2}", "2 letters + 8 digits + 2 letters (residence card)", "AB12345678CD", High),
    e("KE", PP, "a{1,2}d{6,7}", "1 or 2 letters + 6 or 7 digits", "AK0123456", Medium),
    e("KE", ID, "d{7,9}", "7 to 9 digits", "12345678", Medium),
    e("KE", DL, "x{5,12}", "5 to 12 letters or digits", "ABC123456", Low),
    e("KE", RP, "x{5,12}", "5 to 12 letters or digits", "123456", Low),
    // Korea: passports switched to letter + 3 digits + letter + 4 digits in 2021.
    e("KR", PP, "ad{8}|ad{3}ad{4}", "1 letter + 8 digits, or letter + 3 digits + letter + 4 digits", "M12345678", High),
    e("KR", ID, "d{13}", "13 digits (resident registration number)", "9001011234567", High),
    e("KR", DL, "d{12}", "12 digits", "111234567890", Medium),
    e("KR", RP, "d{13}", "13 digits (alien registration number)", "9001015234567", High),
    // Mexico: the INE card shows the CURP, the voter key, the OCR and the CIC; any may be typed.
    // Licences are issued by each state: Low.
    e("MX", PP, "ad{8}", "1 letter + 8 digits", "G12345678", Medium),
    e("MX", ID, "a{4}d{6}[HMX]a{5}xd|a{6}d{8}[HM]d{3}|d{13}|d{9}", "an 18-character CURP or voter key, or the 13-digit OCR or 9-digit CIC", "GOMC900101HDFRRR09", Medium),
    e("MX", DL, "x{5,20}", "5 to 20 letters or digits (state format)", "A12345678", Low),
    e("MY", PP, "ad{8}", "1 letter + 8 digits", "A12345678", High),
    e("MY", ID, "d{12}", "12 digits (MyKad)", "900101145678", High),
    e("MY", DL, "d{12}|x{7,10}", "the 12-digit MyKad number, or 7 to 10 letters and digits", "900101145678", Low),
    e("NG", PP, "ad{8}", "1 letter + 8 digits", "A12345678", Medium),
    e("NG", ID, "d{11}", "11 digits (NIN)", "12345678901", High),
    e("NG", DL, "a{3}x{8,9}", "3 letters + 8 or 9 letters or digits", "ABC12345AA12", Low),
    // Netherlands: document numbers never contain the letter O; the last character is a digit.
    e("NL", PP, "[A-NP-Z]{2}[A-NP-Z0-9]{6}d", "9 characters: 2 letters, 6 letters or digits, 1 digit (no letter O)", "XR1001R58", High),
    e("NL", ID, "[A-NP-Z]{2}[A-NP-Z0-9]{6}d", "9 characters: 2 letters, 6 letters or digits, 1 digit (no letter O)", "IZR034U21", High),
    e("NL", DL, "d{10}", "10 digits", "5123456789", Medium),
    e("NL", RP, "x{9}", "9 letters or digits", "X12345678", Medium),
    e("PH", PP, "ad{7}a|a{2}d{7}", "1 letter + 7 digits + 1 letter, or 2 letters + 7 digits", "P1234567A", High),
    e("PH", ID, "d{16}|d{12}", "the 16-digit PhilSys number or 12-digit UMID number", "1234567890123456", Medium),
    e("PH", DL, "ad{10}", "1 letter + 10 digits", "N0112123456", Medium),
    e("PH", RP, "x{8,12}", "8 to 12 letters or digits", "E123456789", Low),
    // Pakistan: licences are issued per province in several formats, so no row (fallback).
    e("PK", PP, "a{2}d{7}", "2 letters + 7 digits", "AB1234567", High),
    e("PK", ID, "d{13}", "13 digits (CNIC)", "3520212345671", High),
    e("PL", PP, "a{2}d{7}", "2 letters + 7 digits", "EA1234567", High),
    e("PL", ID, "a{3}d{6}", "3 letters + 6 digits", "ABA300000", High),
    e("PL", DL, "x{5,13}", "5 to 13 letters or digits", "00123151234", Low),
    e("PL", RP, "a{2}d{7}", "2 letters + 7 digits", "RP1234567", Medium),
    // Russia: the "ID card" is the internal passport. Older licences had Cyrillic series
    // letters, which the ASCII-only rule refuses.
    e("RU", PP, "d{9}", "9 digits (2-digit series + 7-digit number)", "751234567", High),
    e("RU", ID, "d{10}", "10 digits (4-digit series + 6-digit number)", "4509123456", High),
    e("RU", DL, "d{10}", "10 digits (4-digit series + 6-digit number)", "9912345678", Medium),
    e("RU", RP, "d{9}", "9 digits (2-digit series + 7-digit number)", "821234567", Medium),
    e("SA", PP, "ad{7,8}", "1 letter + 7 or 8 digits", "A1234567", Low),
    e("SA", ID, "1d{9}", "10 digits starting with 1", "1012345678", High),
    e("SA", DL, "[12]d{9}", "the 10-digit national ID or iqama number", "1012345678", Medium),
    e("SA", RP, "2d{9}", "10 digits starting with 2 (iqama)", "2012345678", High),
    e("SG", PP, "ad{7}a", "1 letter + 7 digits + 1 letter", "K1234567A", High),
    e("SG", ID, "[STFGM]d{7}a", "S, T, F, G or M + 7 digits + 1 letter", "S1234567D", High),
    e("SG", DL, "[STFGM]d{7}a", "the NRIC or FIN number", "S1234567D", Medium),
    e("SG", RP, "[FGM]d{7}a", "F, G or M + 7 digits + 1 letter (FIN)", "G1234567X", High),
    e("TH", PP, "a{1,2}d{7}", "1 or 2 letters + 7 digits", "AA1234567", Medium),
    e("TH", ID, "d{13}", "13 digits", "1101700230705", High),
    e("TH", DL, "d{8}", "8 digits", "12345678", Low),
    e("TR", PP, "ad{8}", "1 letter + 8 digits", "U12345678", Medium),
    e("TR", ID, "[1-9]d{10}", "11 digits, the first not 0", "10000000146", High),
    e("TR", DL, "x{5,12}", "5 to 12 letters or digits", "123456", Low),
    e("TR", RP, "99d{9}", "11 digits starting with 99 (foreigner ID number)", "99123456789", Medium),
    // Taiwan: licences carry the national ID or resident certificate number.
    e("TW", PP, "d{9}", "9 digits", "312345678", High),
    checked("TW", ID, "a[12]d{8}", "1 letter, 1 or 2, and 8 digits", "A123456789", High, Checker::Taiwan),
    checked("TW", DL, "a[1289]d{8}|a[A-D]d{8}", "a national ID or resident certificate number (1 letter + 9 characters)", "A123456789", Medium, Checker::Taiwan),
    checked("TW", RP, "a[89]d{8}|a[A-D]d{8}", "1 letter, 8 or 9, and 8 digits, or 2 letters + 8 digits (before 2021)", "A800000014", High, Checker::Taiwan),
    // Ukraine: booklet passports have Cyrillic series and are refused by the ASCII-only rule.
    e("UA", PP, "a{2}d{6}", "2 letters + 6 digits", "FA123456", High),
    e("UA", ID, "d{9}", "9 digits", "001234567", High),
    e("UA", DL, "a{3}d{6}", "3 letters + 6 digits", "AAB123456", Medium),
    e("UA", RP, "d{9}", "9 digits", "001234567", Medium),
    // USA: no national ID; state IDs and licences run from 1 to about 20 characters: Low.
    e("US", PP, "d{9}|ad{8}", "9 digits, or 1 letter + 8 digits", "123456789", High),
    e("US", ID, "x{1,20}", "up to 20 letters or digits (state format)", "D1234567", Low),
    e("US", DL, "x{1,20}", "up to 20 letters or digits (state format)", "D1234567", Low),
    e("US", RP, "a{3}d{10}|Ad{8,9}|d{8,9}", "3 letters + 10 digits (green card number), or the 8- or 9-digit A-number", "EAC1234567890", Medium),
    // Venezuela: passport numbering is poorly documented: Low.
    e("VE", PP, "x{8,10}", "8 to 10 letters or digits", "123456789", Low),
    e("VE", ID, "[VE]d{6,9}|d{6,9}", "6 to 9 digits, optionally after V or E (cédula)", "V12345678", High),
    e("VE", DL, "[VE]d{6,9}|d{6,9}", "the cédula number, 6 to 9 digits", "12345678", Medium),
    e("VN", PP, "ad{7}", "1 letter + 7 digits", "C1234567", High),
    e("VN", ID, "d{12}|d{9}", "12 digits (citizen ID) or 9 digits (older ID card)", "001090123456", High),
    e("VN", DL, "d{12}", "12 digits", "790123456789", Medium),
    e("ZA", PP, "ad{8}", "1 letter + 8 digits", "A12345678", Medium),
    e("ZA", ID, "d{13}", "13 digits", "9001015009087", High),
    e("ZA", DL, "x{12}", "12 letters or digits", "123456789012", Medium),
    e("ZA", RP, "d{13}", "the 13-digit ID number", "9001015009087", Medium),
];

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    FORMATS
        .iter()
        .filter_map(|f| {
            Some(Rule {
                format: *f,
                pattern: Pattern::parse(f.pattern).ok()?,
            })
        })
        .collect()
});

static GENERIC_RULE: LazyLock<Rule> = LazyLock::new(|| Rule {
    format: GENERIC,
    // The generic pattern is a literal above and covered by a test; the fallback is never empty.
    pattern: Pattern::parse(GENERIC.pattern).unwrap_or_else(|_| Pattern::never()),
});

/// The rule for a country and document type, or the generic fallback.
pub fn find(country: CountryCode, doc_type: DocumentType) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.format.country == country.as_str() && r.format.doc_type == doc_type)
        .unwrap_or(&GENERIC_RULE)
}

/// The countries that have at least one row, sorted.
pub fn countries() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = FORMATS.iter().map(|f| f.country).collect();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::idnum::{tests::today, validate};

    #[test]
    fn every_row_is_well_formed_and_its_example_validates() {
        assert_eq!(RULES.len(), FORMATS.len(), "a pattern failed to parse");
        let mut seen = HashSet::new();
        for f in FORMATS {
            let country = CountryCode::parse(f.country).expect(f.country);
            assert_eq!(country.as_str(), f.country);
            assert!(seen.insert((f.country, f.doc_type)), "duplicate {f:?}");
            assert!(!f.description.is_empty());
            let check = validate(country, f.doc_type, f.example, today());
            assert!(check.valid, "{} {}: {check:?}", f.country, f.doc_type);
        }
    }

    #[test]
    fn table_is_sorted_and_covers_at_least_30_countries() {
        assert!(FORMATS.windows(2).all(|w| w[0].country <= w[1].country));
        assert_eq!(countries().len(), 37);
    }

    #[test]
    fn generic_fallback_parses_and_applies_to_missing_pairs() {
        assert!(Pattern::parse(GENERIC.pattern).is_ok());
        let gb = CountryCode::parse("GB").unwrap();
        assert_eq!(
            find(gb, DocumentType::IdCard).format.description,
            GENERIC.description
        );
        let cn = CountryCode::parse("CN").unwrap();
        assert_eq!(
            find(cn, DocumentType::IdCard).format.checker,
            Checker::CnResident
        );
    }

    #[test]
    fn shapes_refuse_near_misses() {
        let cases = [
            ("CN", PP, "E1234567"),
            ("DE", PP, "A01X00T47"),
            ("DE", PP, "C01X00T4A"),
            ("NL", PP, "OR1001R58"),
            ("ES", ID, "1234567Z"),
            ("GB", DL, "MORGA753116SM9I"),
            ("JP", RP, "AB12345678C"),
            ("TW", ID, "A823456789"),
        ];
        for (country, doc_type, number) in cases {
            let c = validate(
                CountryCode::parse(country).unwrap(),
                doc_type,
                number,
                today(),
            );
            assert!(!c.valid, "{country} {doc_type} {number}");
            assert!(c.errors[0].starts_with("expected "), "{:?}", c.errors);
        }
    }
}
