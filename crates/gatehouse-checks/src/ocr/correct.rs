//! From cell scores to MRZ text: each position takes the best glyph its field allows (a date
//! holds digits, a country code letters), and fields protected by a check digit try the
//! classic OCR-B confusions (0/O, 1/I, 5/S, 8/B, 2/Z) until the check digit agrees.

use super::glyphs::{index, ALPHABET};
use crate::mrz::check_digit;

/// What a position may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// `A-Z` and `<` (codes, names).
    Alpha,
    /// `0-9` (check digits).
    Digit,
    /// `0-9` and `<` (dates, which may be unknown, and some check digits).
    DigitOrFiller,
    /// `M`, `F`, `X`, `<`.
    Sex,
    /// Any MRZ character (document numbers, optional data).
    Any,
}

impl Class {
    fn allows(self, c: u8) -> bool {
        match self {
            Class::Alpha => c.is_ascii_uppercase() || c == b'<',
            Class::Digit => c.is_ascii_digit(),
            Class::DigitOrFiller => c.is_ascii_digit() || c == b'<',
            Class::Sex => matches!(c, b'M' | b'F' | b'X' | b'<'),
            Class::Any => true,
        }
    }
}

/// A character the check digits or the field's class changed (1-based line and position).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub line: usize,
    pub position: usize,
    pub read: char,
    pub corrected: char,
}

/// The text read, before and after corrections, and the mean score of the chosen glyphs.
#[derive(Debug, Clone)]
pub struct Assembled {
    pub raw_lines: Vec<String>,
    pub lines: Vec<String>,
    pub corrections: Vec<Correction>,
    pub confidence: f32,
}

/// Pairs OCR-B printing and photography confuse; only these are tried against check digits.
const CONFUSIONS: [(u8, u8); 5] = [
    (b'0', b'O'),
    (b'1', b'I'),
    (b'5', b'S'),
    (b'8', b'B'),
    (b'2', b'Z'),
];

fn partner(c: u8) -> Option<u8> {
    CONFUSIONS.iter().find_map(|&(a, b)| {
        if c == a {
            Some(b)
        } else if c == b {
            Some(a)
        } else {
            None
        }
    })
}

/// Classes of every position of an MRZ of `rows` lines of `len`, visa or not.
fn classes(rows: usize, len: usize, visa: bool) -> Vec<Vec<Class>> {
    use Class::*;
    let mut out = vec![vec![Alpha; len]; rows];
    let mut set = |line: usize, from: usize, to: usize, c: Class| {
        for p in from..=to {
            out[line][p - 1] = c;
        }
    };
    if rows == 3 {
        set(0, 6, 14, Any);
        set(0, 15, 15, DigitOrFiller);
        set(0, 16, 30, Any);
        set(1, 1, 6, DigitOrFiller);
        set(1, 7, 7, Digit);
        set(1, 8, 8, Sex);
        set(1, 9, 14, DigitOrFiller);
        set(1, 15, 15, Digit);
        set(1, 19, 29, Any);
        set(1, 30, 30, Digit);
        return out;
    }
    set(1, 1, 9, Any);
    set(1, 10, 10, DigitOrFiller);
    set(1, 14, 19, DigitOrFiller);
    set(1, 20, 20, Digit);
    set(1, 21, 21, Sex);
    set(1, 22, 27, DigitOrFiller);
    set(1, 28, 28, Digit);
    match (len, visa) {
        (_, true) => set(1, 29, len, Any),
        (44, false) => {
            set(1, 29, 42, Any);
            set(1, 43, 43, DigitOrFiller);
            set(1, 44, 44, Digit);
        }
        _ => {
            set(1, 29, len - 1, Any);
            set(1, len, len, Digit);
        }
    }
    out
}

/// A check digit and the positions it covers, as `(line, 1-based from, to)` spans.
struct Guarded {
    spans: Vec<(usize, usize, usize)>,
    digit: (usize, usize),
}

fn guarded(rows: usize, len: usize, visa: bool) -> Vec<Guarded> {
    let g = |spans: Vec<(usize, usize, usize)>, digit| Guarded { spans, digit };
    if rows == 3 {
        return vec![
            g(vec![(0, 6, 14)], (0, 15)),
            g(
                vec![(0, 6, 30), (1, 1, 7), (1, 9, 15), (1, 19, 29)],
                (1, 30),
            ),
        ];
    }
    let mut out = vec![g(vec![(1, 1, 9)], (1, 10))];
    if !visa && len == 44 {
        out.push(g(vec![(1, 29, 42)], (1, 43)));
        out.push(g(vec![(1, 1, 10), (1, 14, 20), (1, 22, 43)], (1, 44)));
    } else if !visa {
        out.push(g(vec![(1, 1, 10), (1, 14, 20), (1, 22, len - 1)], (1, len)));
    }
    out
}

/// The best allowed glyph and its score.
fn best(scores: &[f32], allow: impl Fn(u8) -> bool) -> (u8, f32) {
    let mut top = (b'<', f32::MIN);
    for (i, &s) in scores.iter().enumerate() {
        let c = ALPHABET[i];
        if allow(c) && s > top.1 {
            top = (c, s);
        }
    }
    top
}

/// Turns the cell scores of 2 or 3 lines into MRZ text.
pub fn assemble(cells: &[Vec<Vec<f32>>]) -> Assembled {
    let rows = cells.len();
    let len = cells.first().map_or(0, Vec::len);
    let raw: Vec<Vec<u8>> = cells
        .iter()
        .map(|line| line.iter().map(|s| best(s, |_| true).0).collect())
        .collect();
    let visa = rows == 2 && best(&cells[0][0], |c| c.is_ascii_uppercase()).0 == b'V';
    let class = classes(rows, len, visa);
    let mut text: Vec<Vec<u8>> = Vec::with_capacity(rows);
    let mut total = 0.0;
    for (l, line) in cells.iter().enumerate() {
        let mut row = Vec::with_capacity(len);
        for (p, s) in line.iter().enumerate() {
            let (mut c, mut score) = best(s, |c| class[l][p].allows(c));
            // OCR-B's O and 0 differ by a few pixels of curvature that a photo blurs away;
            // document numbers are mostly digits, so a near tie in a free-form field goes to
            // the digit (and the check digit can still swap it back).
            let zero = score_of(s, b'0');
            if class[l][p] == Class::Any && c == b'O' && zero >= score - ZERO_OVER_O {
                (c, score) = (b'0', zero);
            }
            // Q is O with a short tail that blur and JPEG blocks can fake; it is rare in names
            // and codes, so a near tie goes to O.
            let o = score_of(s, b'O');
            if c == b'Q' && o >= score - O_OVER_Q {
                (c, score) = (b'O', o);
            }
            row.push(c);
            total += score.clamp(0.0, 1.0);
        }
        text.push(row);
    }
    for (l, from) in country_codes(rows) {
        fix_country_code(&mut text[l], &cells[l], from);
    }
    for guard in guarded(rows, len, visa) {
        fix_by_check_digit(&mut text, cells, &class, &guard);
    }
    let mut corrections = Vec::new();
    for l in 0..rows {
        for p in 0..len {
            if raw[l][p] != text[l][p] {
                corrections.push(Correction {
                    line: l + 1,
                    position: p + 1,
                    read: char::from(raw[l][p]),
                    corrected: char::from(text[l][p]),
                });
            }
        }
    }
    let to_string = |v: &Vec<u8>| v.iter().copied().map(char::from).collect::<String>();
    Assembled {
        raw_lines: raw.iter().map(to_string).collect(),
        lines: text.iter().map(to_string).collect(),
        corrections,
        confidence: total / (rows * len).max(1) as f32,
    }
}

fn covered(text: &[Vec<u8>], guard: &Guarded) -> String {
    guard
        .spans
        .iter()
        .flat_map(|&(l, a, b)| text[l][a - 1..b].iter().copied())
        .map(char::from)
        .collect()
}

/// When the check digit disagrees, tries swapping confusable characters in the free-form
/// positions it covers, where the photo left the two close (a swap that costs little), the
/// cheapest combination first, and keeps the first one that agrees.
fn fix_by_check_digit(
    text: &mut [Vec<u8>],
    cells: &[Vec<Vec<f32>>],
    class: &[Vec<Class>],
    guard: &Guarded,
) {
    let (dl, dp) = guard.digit;
    let written = char::from(text[dl][dp - 1]);
    if check_digit(&covered(text, guard)) == Some(written) || written == '<' {
        return;
    }
    let mut swappable: Vec<(usize, usize, f32)> = guard
        .spans
        .iter()
        .flat_map(|&(l, a, b)| (a..=b).map(move |p| (l, p - 1)))
        .filter(|&(l, p)| class[l][p] == Class::Any)
        .filter_map(|(l, p)| {
            let c = text[l][p];
            let other = partner(c)?;
            let cost = score_of(&cells[l][p], c) - score_of(&cells[l][p], other);
            (cost < MAX_SWAP_COST).then_some((l, p, cost))
        })
        .collect();
    swappable.sort_by(|a, b| a.2.total_cmp(&b.2));
    swappable.truncate(10);
    let cost = |mask: u32| -> f32 {
        swappable
            .iter()
            .enumerate()
            .filter(|(bit, _)| mask & (1 << bit) != 0)
            .map(|(_, s)| s.2)
            .sum()
    };
    let mut masks: Vec<u32> = (1..1u32 << swappable.len()).collect();
    masks.sort_by(|&a, &b| cost(a).total_cmp(&cost(b)));
    for mask in masks {
        let mut trial = text.to_vec();
        for (bit, &(l, p, _)) in swappable.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                trial[l][p] = partner(trial[l][p]).unwrap_or(trial[l][p]);
            }
        }
        if check_digit(&covered(&trial, guard)) == Some(written) {
            text.clone_from_slice(&trial);
            return;
        }
    }
}

/// How much worse an O may match than a Q and still be taken.
const O_OVER_Q: f32 = 0.04;

/// Where the issuing state and the nationality start (line, 0-based position).
fn country_codes(rows: usize) -> [(usize, usize); 2] {
    if rows == 3 {
        [(0, 2), (1, 15)]
    } else {
        [(0, 2), (1, 10)]
    }
}

/// An issuing state or nationality that is no known code is replaced by the known code the
/// cells match nearly as well (e.g. `UTQ` by `UTO`), fillers included (`D<<`).
fn fix_country_code(row: &mut [u8], cells: &[Vec<f32>], from: usize) {
    let Some(read) = row.get(from..from + 3) else {
        return;
    };
    let as_code = |c: &[u8]| String::from_utf8_lossy(c).trim_end_matches('<').to_owned();
    if crate::mrz::is_known_code(&as_code(read)) {
        return;
    }
    let score = |c: &[u8; 3]| -> f32 { (0..3).map(|i| score_of(&cells[from + i], c[i])).sum() };
    let read_score = score(&[read[0], read[1], read[2]]);
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
    let mut best: Option<([u8; 3], f32)> = None;
    for &a in &letters[..26] {
        for &b in letters {
            for &c in letters {
                let code = [a, b, c];
                if (b == b'<' && c != b'<') || !crate::mrz::is_known_code(&as_code(&code)) {
                    continue;
                }
                let s = score(&code);
                if best.is_none_or(|(_, bs)| s > bs) {
                    best = Some((code, s));
                }
            }
        }
    }
    if let Some((code, s)) = best {
        if read_score - s < MAX_SWAP_COST {
            row[from..from + 3].copy_from_slice(&code);
        }
    }
}

/// How much worse a 0 may match than an O in a free-form field and still be taken.
const ZERO_OVER_O: f32 = 0.06;

/// How much worse (in correlation) a confusable partner may match than the glyph read and
/// still be tried: OCR-B 0 and O, or 8 and B, differ by a few pixels of a cell.
const MAX_SWAP_COST: f32 = 0.25;

/// The score of one character in a cell's scores.
pub fn score_of(scores: &[f32], c: u8) -> f32 {
    index(c)
        .and_then(|i| scores.get(i))
        .copied()
        .unwrap_or(f32::MIN)
}
