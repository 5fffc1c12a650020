//! The 18-character number on the front of a Chinese resident identity card: one line of
//! OCR-B digits (and a final `X`), accepted only when its MOD 11-2 check character agrees.

use image::GrayImage;
use serde_json::{json, Value};

use super::cells::{read_line, Frame};
use super::correct::{score_of, Correction};
use super::glyphs::ALPHABET;
use super::mrz_read::{prepare, MIN_CONFIDENCE};
use super::raster::Plane;
use super::{correction_json, round3};
use crate::idnum::cn::check_char;

/// A resident ID number read from a photo.
#[derive(Debug, Clone, PartialEq)]
pub struct IdNumberReading {
    /// The 18 characters, check character agreeing.
    pub number: String,
    /// As the glyph matcher saw it, before correction.
    pub raw: String,
    pub corrections: Vec<Correction>,
    /// Mean correlation of the chosen glyphs with their templates, 0 to 1.
    pub confidence: f32,
}

impl IdNumberReading {
    pub fn to_json(&self) -> Value {
        json!({
            "number": self.number,
            "raw": self.raw,
            "corrections": self.corrections.iter().map(correction_json).collect::<Vec<_>>(),
            "confidence": round3(self.confidence),
        })
    }
}

const LEN: usize = 18;

/// Finds the number on a card photo; `None` when no line of 18 digits with a right check
/// character can be read.
pub fn read_cn_id_number(image: &GrayImage) -> Option<IdNumberReading> {
    if image.width() < 16 || image.height() < 16 {
        return None;
    }
    let page = prepare(Plane::from_gray(image), 6);
    let mut best: Option<IdNumberReading> = None;
    for line in &page.lines {
        let span = line.span_in_heights();
        if !(9.0..=30.0).contains(&span) {
            continue;
        }
        for flip in [false, true] {
            let d = line.dir;
            let u = if flip { (-d.0, -d.1) } else { d };
            let frame = Frame::new(u, page.to_original);
            let Some(cells) = read_line(&page.original, line, frame, LEN, 0.75..=1.3) else {
                continue;
            };
            if let Some(r) = decide(&cells.scores) {
                if best.as_ref().is_none_or(|b| r.confidence > b.confidence) {
                    best = Some(r);
                }
            }
        }
    }
    best
}

/// Digits (and `X` last) from the cells; when the check character disagrees, the one
/// position whose second choice costs least is tried.
fn decide(scores: &[Vec<f32>]) -> Option<IdNumberReading> {
    let allowed = |p: usize, c: u8| c.is_ascii_digit() || (p == LEN - 1 && c == b'X');
    let mut ranked: Vec<Vec<(u8, f32)>> = Vec::with_capacity(LEN);
    for (p, s) in scores.iter().enumerate() {
        let mut opts: Vec<(u8, f32)> = ALPHABET
            .iter()
            .copied()
            .filter(|&c| allowed(p, c))
            .map(|c| (c, score_of(s, c)))
            .collect();
        opts.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked.push(opts);
    }
    let raw: String = scores
        .iter()
        .map(|s| {
            let i = (0..s.len())
                .max_by(|&a, &b| s[a].total_cmp(&s[b]))
                .unwrap_or(0);
            char::from(ALPHABET[i])
        })
        .collect();
    let mut text: Vec<u8> = ranked.iter().map(|o| o[0].0).collect();
    let confidence = ranked.iter().map(|o| o[0].1.clamp(0.0, 1.0)).sum::<f32>() / LEN as f32;
    if confidence < MIN_CONFIDENCE {
        return None;
    }
    let ok = |t: &[u8]| {
        let s = String::from_utf8_lossy(t);
        s.get(..17).and_then(check_char) == s.chars().nth(17)
    };
    if !ok(&text) {
        let mut tries: Vec<(f32, usize, u8)> = ranked
            .iter()
            .enumerate()
            .filter_map(|(p, o)| o.get(1).map(|alt| (o[0].1 - alt.1, p, alt.0)))
            .filter(|t| t.0 < 0.15)
            .collect();
        tries.sort_by(|a, b| a.0.total_cmp(&b.0));
        let fixed = tries.into_iter().find_map(|(_, p, c)| {
            let mut t = text.clone();
            t[p] = c;
            ok(&t).then_some(t)
        })?;
        text = fixed;
    }
    let corrections = raw
        .bytes()
        .zip(&text)
        .enumerate()
        .filter(|(_, (r, c))| r != *c)
        .map(|(p, (r, c))| Correction {
            line: 1,
            position: p + 1,
            read: char::from(r),
            corrected: char::from(*c),
        })
        .collect();
    Some(IdNumberReading {
        number: String::from_utf8_lossy(&text).into_owned(),
        raw,
        corrections,
        confidence,
    })
}
