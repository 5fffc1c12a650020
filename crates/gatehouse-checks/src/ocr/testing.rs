//! Document photos for tests (feature `testing`): a passport data page whose machine-readable
//! zone is printed in OCR-B from the reader's own glyph file, so a test can make a photo that
//! says exactly what its application says.

use image::{GrayImage, Luma};

use crate::mrz::check_digit;

const DATA: &str = include_str!("../../data/ocrb-glyphs.txt");

/// The raw ink (0–9) of each glyph, with the grid's width and height.
fn glyphs() -> (usize, usize, Vec<(char, Vec<u8>)>) {
    let mut lines = DATA.lines().filter(|l| !l.starts_with('#'));
    let head: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
    let w: usize = head.get(1).and_then(|v| v.parse().ok()).unwrap_or(16);
    let h: usize = head.get(2).and_then(|v| v.parse().ok()).unwrap_or(24);
    let mut out = Vec::new();
    while let Some(line) = lines.next() {
        let Some(c) = line.strip_prefix("glyph ").and_then(|s| s.chars().next()) else {
            continue;
        };
        let ink: Vec<u8> = lines
            .by_ref()
            .take(h)
            .flat_map(|row| row.bytes().map(|b| b.saturating_sub(b'0')))
            .collect();
        out.push((c, ink));
    }
    (w, h, out)
}

/// `lines` printed black on white, each glyph `scale` times its grid size.
pub fn render_lines(lines: &[&str], scale: usize) -> GrayImage {
    let (w, h, glyphs) = glyphs();
    let cols = lines.iter().map(|l| l.len()).max().unwrap_or(0);
    let (cw, ch) = (w * scale, h * scale);
    let margin = ch;
    let width = cols * cw + 2 * margin;
    let height = lines.len() * (ch + ch / 3) + 2 * margin;
    let mut img = GrayImage::from_pixel(width as u32, height as u32, Luma([235]));
    for (row, line) in lines.iter().enumerate() {
        for (col, c) in line.chars().enumerate() {
            let Some((_, ink)) = glyphs.iter().find(|(g, _)| *g == c) else {
                continue;
            };
            let (x0, y0) = (margin + col * cw, margin + row * (ch + ch / 3));
            for y in 0..ch {
                for x in 0..cw {
                    let v = ink.get((y / scale) * w + x / scale).copied().unwrap_or(0);
                    let level = 235 - (u32::from(v) * 210 / 9) as u8;
                    img.put_pixel((x0 + x) as u32, (y0 + y) as u32, Luma([level]));
                }
            }
        }
    }
    img
}

fn field(text: &str, len: usize) -> String {
    let mut s: String = text
        .to_uppercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '<' })
        .take(len)
        .collect();
    while s.len() < len {
        s.push('<');
    }
    s
}

/// The two lines of a passport (TD3) machine-readable zone, check digits computed.
/// Dates are `YYMMDD`; `sex` is `M`, `F` or `<`. One argument per field of the zone.
#[allow(clippy::too_many_arguments)]
pub fn td3_lines(
    country: &str,
    surname: &str,
    given_names: &str,
    number: &str,
    nationality: &str,
    birth: &str,
    sex: char,
    expiry: &str,
) -> [String; 2] {
    let name = format!("{}<<{}", field(surname, 39), field(given_names, 39));
    let name = field(name.trim_end_matches('<').replace("<<<", "<<").as_str(), 39);
    let first = format!("P<{}{}", field(country, 3), name);
    let digit = |s: &str| check_digit(s).unwrap_or('0');
    let number = field(number, 9);
    let personal = field("", 14);
    let mut second = format!(
        "{number}{}{}{birth}{}{sex}{expiry}{}{personal}{}",
        digit(&number),
        field(nationality, 3),
        digit(birth),
        digit(expiry),
        digit(&personal)
    );
    let composite = format!("{}{}{}", &second[0..10], &second[13..20], &second[21..43]);
    second.push(digit(&composite));
    [first, second]
}

/// A JPEG photo of a passport data page on a desk whose zone reads `lines`.
pub fn passport_jpeg(seed: u64, lines: &[String; 2]) -> Vec<u8> {
    let zone = render_lines(&[lines[0].as_str(), lines[1].as_str()], 1);
    let (zw, zh) = zone.dimensions();
    let (w, h) = (zw + 160, zw * 2 / 3);
    let mut photo = crate::imaging::testing::unlit_card_photo(seed, w, h);
    let (x0, y0) = (80, h - h / 8 - zh - 10);
    for (x, y, p) in zone.enumerate_pixels() {
        let v = p[0];
        photo.put_pixel(x0 + x, y0 + y, image::Rgb([v, v, v.saturating_add(8)]));
    }
    crate::imaging::testing::photograph(&mut photo, seed);
    crate::imaging::testing::encode_jpeg(&photo)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The zone of the API tests' usual passport.
    fn usual_lines() -> [String; 2] {
        td3_lines(
            "CHN",
            "Li",
            "Wei",
            "E12345678",
            "CHN",
            "900102",
            'M',
            "300101",
        )
    }

    #[test]
    fn two_applicants_photos_of_one_passport_are_different_pictures() {
        let lines = usual_lines();
        // The seeds the API tests' helper hands out within one test (0, 1, 2…).
        crate::imaging::testing::assert_no_duplicates(
            (0..40).map(|seed| passport_jpeg(seed, &lines)),
        );
    }

    #[test]
    fn a_rendered_passport_reads_back() {
        let lines = usual_lines();
        assert_eq!(lines[0].len(), 44);
        assert_eq!(lines[1].len(), 44);
        let text = format!("{}\n{}\n", lines[0], lines[1]);
        let parsed = crate::mrz::inspect(&text).unwrap();
        assert_eq!(parsed["valid"], true, "{parsed}");
        let jpeg = passport_jpeg(1, &lines);
        let gray = image::load_from_memory(&jpeg).unwrap().to_luma8();
        let read = crate::ocr::read_mrz(&gray).expect("read");
        assert_eq!(read.lines, lines.to_vec());
    }
}
