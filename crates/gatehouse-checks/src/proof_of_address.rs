//! Proof of address sent as a PDF: the first page is read ([`crate::pdf`]) and judged. An
//! unreadable file or a page with nothing on it is a retry; a statement whose text does not
//! name the applicant, or whose latest date is older than allowed, is refused for a retry with
//! the reason; a scanned statement (a picture, no text) goes to a person.

use chrono::NaiveDate;
use gatehouse_core::application::{ApplicationData, Slot};
use gatehouse_core::reasons::{Finding, Nature, ReasonDef};
use serde_json::json;

use crate::imaging::{Format, ImageSettings};
use crate::names::normalise;
use crate::pdf::{self, PdfReading, Scan};
use crate::{Check, CheckInput};

pub const PROOF_OF_ADDRESS_UNREADABLE: ReasonDef =
    ReasonDef::new("PROOF_OF_ADDRESS_UNREADABLE", Nature::Retry);
pub const PROOF_OF_ADDRESS_NO_TEXT: ReasonDef =
    ReasonDef::new("PROOF_OF_ADDRESS_NO_TEXT", Nature::Retry);
pub const PROOF_OF_ADDRESS_NOT_READ: ReasonDef =
    ReasonDef::new("PROOF_OF_ADDRESS_NOT_READ", Nature::Manual);
pub const PROOF_OF_ADDRESS_NAME_MISMATCH: ReasonDef =
    ReasonDef::new("PROOF_OF_ADDRESS_NAME_MISMATCH", Nature::Retry);
pub const PROOF_OF_ADDRESS_TOO_OLD: ReasonDef =
    ReasonDef::new("PROOF_OF_ADDRESS_TOO_OLD", Nature::Retry);

const REASONS: &[ReasonDef] = &[
    PROOF_OF_ADDRESS_UNREADABLE,
    PROOF_OF_ADDRESS_NO_TEXT,
    PROOF_OF_ADDRESS_NOT_READ,
    PROOF_OF_ADDRESS_NAME_MISMATCH,
    PROOF_OF_ADDRESS_TOO_OLD,
];

/// The applicant's name as typed, for the statement to be compared with.
pub struct Applicant<'a> {
    pub given_names: &'a str,
    pub surname: &'a str,
    pub native_name: Option<&'a str>,
}

impl<'a> Applicant<'a> {
    pub fn of(data: &'a ApplicationData) -> Option<Applicant<'a>> {
        let p = &data.person;
        Some(Applicant {
            given_names: p.given_names.as_ref().map_or("", |n| n.as_str()),
            surname: p.surname.as_ref()?.as_str(),
            native_name: p.native_name.as_ref().map(|n| n.as_str()),
        })
    }
}

/// Reads a PDF statement and judges it: its findings, and what was read when it was.
/// `applicant` is `None` for a pre-check, where no name is known yet.
pub fn judge(
    bytes: &[u8],
    applicant: Option<&Applicant<'_>>,
    today: NaiveDate,
    settings: &ImageSettings,
) -> (Option<PdfReading>, Vec<Finding>) {
    let mut reading = match pdf::read_first_page(bytes, &settings.pdf) {
        Ok(r) => r,
        Err(e) => {
            let finding = PROOF_OF_ADDRESS_UNREADABLE
                .finding()
                .with_evidence(json!({"error": e.code(), "detail": e.to_string()}));
            return (None, vec![finding]);
        }
    };
    let mut out = Vec::new();
    if reading.text_chars == 0 {
        if reading.images == 0 {
            out.push(
                PROOF_OF_ADDRESS_NO_TEXT
                    .finding()
                    .with_evidence(json!({"pages": reading.pages, "images": 0})),
            );
            return (Some(reading), out);
        }
        // A scan: a person reads it, unless the picture itself must be taken again.
        let mut evidence = json!({"pages": reading.pages, "images": reading.images});
        // The scan's pixels are needed only here: judging them consumes them.
        match reading
            .scan
            .take()
            .and_then(|scan| judge_scan(scan, settings))
        {
            Some((_, retakes)) if !retakes.is_empty() => return (Some(reading), retakes),
            Some((size, _)) => evidence["scan"] = size,
            None => {}
        }
        out.push(PROOF_OF_ADDRESS_NOT_READ.finding().with_evidence(evidence));
        return (Some(reading), out);
    }
    if let Some(applicant) = applicant {
        if !names_applicant(&reading.text, applicant) {
            out.push(
                PROOF_OF_ADDRESS_NAME_MISMATCH
                    .finding()
                    .with_evidence(json!({"text_chars": reading.text_chars})),
            );
        }
    }
    if let Some(date) = latest_date(&reading.text, today) {
        let age = (today - date).num_days();
        let max = i64::from(settings.proof_of_address_max_age_days);
        if age > max {
            out.push(PROOF_OF_ADDRESS_TOO_OLD.finding().with_evidence(json!({
                "date": date.to_string(), "age_days": age, "max_age_days": max,
            })));
        }
    }
    (Some(reading), out)
}

/// The scan's size and what the photo checks say of it that must be fixed by scanning it
/// again (too small, blurred, dark, washed out, a reflection); `None` when it does not decode,
/// which leaves it to the person who reads the statement. The document-location codes are
/// left out: a scan is the page, edge to edge.
fn judge_scan(scan: Scan, settings: &ImageSettings) -> Option<(serde_json::Value, Vec<Finding>)> {
    use crate::imaging::{self, ImageReport, Kind};
    const RETAKE: [ReasonDef; 5] = [
        imaging::IMAGE_TOO_SMALL,
        imaging::IMAGE_BLURRY,
        imaging::IMAGE_TOO_DARK,
        imaging::IMAGE_OVEREXPOSED,
        imaging::IMAGE_GLARE,
    ];
    let analysis = match scan {
        Scan::Jpeg(jpeg) => imaging::analyse(&jpeg, settings).ok()?,
        Scan::Pixels(p) => {
            let channels = usize::from(p.channels);
            let decoded = imaging::decode::from_pixels(
                p.data,
                (p.width, p.height),
                channels,
                &settings.limits,
            )
            .ok()?;
            imaging::measure(decoded, settings)
        }
    };
    let size = json!({"width": analysis.width, "height": analysis.height});
    let report = ImageReport {
        kind: Kind::ProofOfAddress,
        analysis: Ok(analysis),
        duplicates: Vec::new(),
    };
    let retakes = imaging::findings(&report, settings)
        .into_iter()
        .filter(|f| RETAKE.iter().any(|def| def.code == f.code))
        .collect();
    Some((size, retakes))
}

/// Whether the statement names the applicant: every word of the surname and the first given
/// name appear as words of the text (both in the MRZ alphabet, so case, accents and
/// transliteration do not matter), or the name in its own script appears.
fn names_applicant(text: &str, applicant: &Applicant<'_>) -> bool {
    if let Some(native) = applicant.native_name {
        let compact: String = native.chars().filter(|c| !c.is_whitespace()).collect();
        let page: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if !compact.is_empty() && page.contains(&compact) {
            return true;
        }
    }
    let page = normalise(text);
    let words: std::collections::HashSet<&str> = page.split(' ').collect();
    let surname = normalise(applicant.surname);
    let given = normalise(applicant.given_names);
    let needed = surname.split(' ').chain(given.split(' ').take(1));
    let mut any = false;
    for word in needed.filter(|w| !w.is_empty()) {
        any = true;
        if !words.contains(word) {
            return false;
        }
    }
    any
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches(['.', ',']).to_lowercase();
    if w.len() < 3 {
        return None;
    }
    let i = MONTHS.iter().position(|m| w.starts_with(m))?;
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    (full[i].starts_with(&w) || w == "sept").then_some(i as u32 + 1)
}

fn number(word: &str) -> Option<u32> {
    let w = word
        .trim_end_matches(['.', ','])
        .trim_end_matches(|c: char| c.is_alphabetic());
    (!w.is_empty() && w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
}

/// A date written as one token: 2026-11-03, 2026/11/03, 03/11/2026, 03.11.2026, 2026年11月3日.
/// Day-first is tried before month-first (most statements outside the US are day-first).
fn numeric_date(token: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = token
        .trim_matches(|c: char| !c.is_ascii_digit())
        .split(['-', '/', '.', '年', '月', '日'])
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (a, b, c): (u32, u32, u32) = (a.parse().ok()?, b.parse().ok()?, c.parse().ok()?);
    let ymd = |y: u32, m: u32, d: u32| NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d);
    if a > 999 {
        ymd(a, b, c)
    } else if c > 999 {
        ymd(c, b, a).or_else(|| ymd(c, a, b))
    } else {
        None
    }
}

/// Every date in `text` (numeric, `3 November 2026`, `Nov 3, 2026`).
fn dates(text: &str) -> Vec<NaiveDate> {
    let words: Vec<&str> = text.split_whitespace().take(50_000).collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if let Some(d) = numeric_date(w) {
            out.push(d);
            continue;
        }
        let next = |k: usize| words.get(i + k).copied().unwrap_or("");
        let found = match (number(w), month(w)) {
            (Some(day), _) => month(next(1))
                .zip(number(next(2)))
                .map(|(m, y)| (y, m, day)),
            (None, Some(m)) => number(next(1)).zip(number(next(2))).map(|(d, y)| (y, m, d)),
            _ => None,
        };
        if let Some((y, m, d)) = found.filter(|(y, _, _)| *y > 999) {
            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) {
                out.push(date);
            }
        }
    }
    out
}

/// The most recent date on the page that is not after `today` (a due date may be).
pub fn latest_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    dates(text).into_iter().filter(|d| *d <= today).max()
}

/// Whether a submitted file is a PDF.
fn is_pdf(file: &crate::SubmittedFile) -> bool {
    Format::from_mime(&file.content_type) == Some(Format::Pdf)
        || crate::imaging::sniff(&file.bytes) == Some(Format::Pdf)
}

/// The proof-of-address statement, when it was sent as a PDF.
pub struct ProofOfAddress;

impl Check for ProofOfAddress {
    fn name(&self) -> &'static str {
        "proof_of_address"
    }

    fn reasons(&self) -> &'static [ReasonDef] {
        REASONS
    }

    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding> {
        let Some(file) = input.files.get(&Slot::ProofOfAddress).filter(|f| is_pdf(f)) else {
            return Vec::new();
        };
        let applicant = Applicant::of(input.data);
        let (_, findings) = judge(
            &file.bytes,
            applicant.as_ref(),
            input.today(),
            &input.settings.images,
        );
        findings
            .into_iter()
            .map(|f| f.with_field("files.proof_of_address"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::testing;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn evidence(f: &Finding) -> &serde_json::Value {
        f.evidence.as_ref().expect("evidence")
    }

    fn codes(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.code.as_str()).collect()
    }

    const JANE: Applicant<'static> = Applicant {
        given_names: "Jane Anne",
        surname: "Müller",
        native_name: None,
    };

    #[test]
    fn a_recent_statement_in_the_applicants_name_passes() {
        let pdf = testing::statement(
            &[
                "ACME Energy",
                "MS JANE MUELLER",
                "1 High Street",
                "Statement date: 3 November 2026",
                "Due 2026-12-20",
            ],
            true,
        );
        let (reading, findings) = judge(
            &pdf,
            Some(&JANE),
            day(2026, 11, 27),
            &ImageSettings::default(),
        );
        assert!(findings.is_empty(), "{findings:?}");
        assert!(reading.unwrap().text_chars > 40);
    }

    #[test]
    fn another_name_and_an_old_date_are_reported() {
        let pdf = testing::statement(&["John Smith", "Statement 14/02/2026"], false);
        let (_, findings) = judge(
            &pdf,
            Some(&JANE),
            day(2026, 11, 27),
            &ImageSettings::default(),
        );
        assert_eq!(
            codes(&findings),
            ["PROOF_OF_ADDRESS_NAME_MISMATCH", "PROOF_OF_ADDRESS_TOO_OLD"]
        );
        assert_eq!(evidence(&findings[1])["date"], "2026-02-14");
        assert_eq!(evidence(&findings[1])["max_age_days"], 92);
        // Without a name (a pre-check), only the date is judged.
        let (_, findings) = judge(&pdf, None, day(2026, 11, 27), &ImageSettings::default());
        assert_eq!(codes(&findings), ["PROOF_OF_ADDRESS_TOO_OLD"]);
    }

    #[test]
    fn unreadable_blank_and_scanned_statements() {
        let today = day(2026, 11, 27);
        let s = ImageSettings::default();
        let (_, f) = judge(&testing::encrypted(), Some(&JANE), today, &s);
        assert_eq!(codes(&f), ["PROOF_OF_ADDRESS_UNREADABLE"]);
        assert_eq!(evidence(&f[0])["error"], "encrypted");
        let (_, f) = judge(&testing::bomb(64 << 20), Some(&JANE), today, &s);
        assert_eq!(evidence(&f[0])["error"], "too_complex");
        let (_, f) = judge(&testing::blank(), Some(&JANE), today, &s);
        assert_eq!(codes(&f), ["PROOF_OF_ADDRESS_NO_TEXT"]);
        let (_, f) = judge(&testing::scanned(), Some(&JANE), today, &s);
        assert_eq!(codes(&f), ["PROOF_OF_ADDRESS_NOT_READ"]);
        assert!(evidence(&f[0]).get("scan").is_none());
    }

    #[test]
    fn a_scanned_page_is_judged_as_a_photo_before_a_person_reads_it() {
        use crate::imaging::testing::{card_photo, encode_jpeg};
        let today = day(2026, 11, 27);
        let s = ImageSettings::default();
        let page = card_photo(3, 900, 1200);
        // A sharp scan: a person reads it, and sees its size.
        let (reading, f) = judge(
            &testing::scanned_jpeg(&encode_jpeg(&page), 900, 1200),
            Some(&JANE),
            today,
            &s,
        );
        assert_eq!(codes(&f), ["PROOF_OF_ADDRESS_NOT_READ"]);
        assert_eq!(
            evidence(&f[0])["scan"],
            json!({"width": 900, "height": 1200})
        );
        assert_eq!(reading.unwrap().images, 2);
        // A blurred or dark one is scanned again, with the photo checks' reasons.
        let blurred = encode_jpeg(&image::imageops::blur(&page, 5.0));
        let (_, f) = judge(
            &testing::scanned_jpeg(&blurred, 900, 1200),
            Some(&JANE),
            today,
            &s,
        );
        assert_eq!(codes(&f), ["IMAGE_BLURRY"]);
        let mut dark = page.clone();
        dark.pixels_mut().for_each(|p| p.0 = p.0.map(|c| c / 5));
        let (_, f) = judge(
            &testing::scanned_jpeg(&encode_jpeg(&dark), 900, 1200),
            Some(&JANE),
            today,
            &s,
        );
        assert!(codes(&f).contains(&"IMAGE_TOO_DARK"), "{f:?}");
        // The same pages stored as raw pixels (Flate, PNG predictor), as "print to PDF" does.
        let flate = |page: &image::RgbImage| {
            let (w, h) = page.dimensions();
            let dict = format!(
                "/Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 \
                 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /Columns {w} >>"
            );
            let data = testing::png_predicted(page.as_raw(), w as usize * 3, 3);
            testing::scanned_picture(&dict, &data, true, &[])
        };
        let (_, f) = judge(&flate(&page), Some(&JANE), today, &s);
        assert_eq!(codes(&f), ["PROOF_OF_ADDRESS_NOT_READ"]);
        assert_eq!(
            evidence(&f[0])["scan"],
            json!({"width": 900, "height": 1200})
        );
        let (_, f) = judge(
            &flate(&image::imageops::blur(&page, 5.0)),
            Some(&JANE),
            today,
            &s,
        );
        assert_eq!(codes(&f), ["IMAGE_BLURRY"]);
        let (_, f) = judge(&flate(&dark), Some(&JANE), today, &s);
        assert!(codes(&f).contains(&"IMAGE_TOO_DARK"), "{f:?}");
        // A picture that is not a JPEG after all is left to the person.
        let (_, f) = judge(
            &testing::scanned_jpeg(b"not a jpeg", 900, 1200),
            Some(&JANE),
            today,
            &s,
        );
        assert_eq!(codes(&f), ["PROOF_OF_ADDRESS_NOT_READ"]);
    }

    #[test]
    fn dates_in_common_forms() {
        let today = day(2026, 11, 27);
        assert_eq!(
            latest_date("Issued 2026年10月5日", today),
            Some(day(2026, 10, 5))
        );
        assert_eq!(
            latest_date("Nov 3, 2026 and 01.12.2026", today),
            Some(day(2026, 11, 3))
        );
        assert_eq!(latest_date("12/31/2025", today), Some(day(2025, 12, 31)));
        assert_eq!(latest_date("ref 12345 no date", today), None);
    }
}
