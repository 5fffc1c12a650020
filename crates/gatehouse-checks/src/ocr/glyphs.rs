//! OCR-B cell templates (`data/ocrb-glyphs.txt`, rendered from Debian's `fonts-ocr-b` by
//! `scripts/build-ocrb-glyphs.py`) and the matching of one printed cell against them.

use std::sync::OnceLock;

/// The MRZ alphabet in template order.
pub const ALPHABET: &[u8; 37] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

/// Index of a character in [`ALPHABET`].
pub fn index(c: u8) -> Option<usize> {
    ALPHABET.iter().position(|&a| a == c)
}

/// Grid geometry shared by every template.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    pub w: usize,
    pub h: usize,
    /// Rows where capitals start and where the baseline lies.
    pub cap_top: f32,
    pub baseline: f32,
    /// Mean fraction of the cell before the first ink column and up to the last one: where
    /// the ink of a line starts and ends relative to its first and last cell.
    pub ink_left: f32,
    pub ink_right: f32,
    /// Width of one template column in template rows (the font's advance over its grid).
    pub aspect: f32,
}

pub struct Templates {
    pub grid: Grid,
    /// Zero-mean, unit-norm ink values per glyph (row-major, `w * h`).
    pub norm: Vec<Vec<f32>>,
}

const DATA: &str = include_str!("../../data/ocrb-glyphs.txt");

/// The templates, parsed once. The data file is part of the crate, so a parse failure is a
/// build defect that the unit tests catch; it yields an empty set rather than a panic.
pub fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| {
        parse(DATA).unwrap_or(Templates {
            grid: Grid {
                w: 1,
                h: 1,
                cap_top: 0.0,
                baseline: 1.0,
                ink_left: 0.0,
                ink_right: 1.0,
                aspect: 1.0,
            },
            norm: Vec::new(),
        })
    })
}

fn parse(text: &str) -> Option<Templates> {
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let head: Vec<&str> = lines.next()?.split_whitespace().collect();
    let (w, h): (usize, usize) = (head.get(1)?.parse().ok()?, head.get(2)?.parse().ok()?);
    let (cap_top, baseline): (f32, f32) = (head.get(3)?.parse().ok()?, head.get(4)?.parse().ok()?);
    let aspect: f32 = head.get(5)?.parse().ok()?;
    let mut raw = Vec::new();
    for &c in ALPHABET {
        if lines.next()? != format!("glyph {}", c as char) {
            return None;
        }
        let mut cell = Vec::with_capacity(w * h);
        for _ in 0..h {
            let row = lines.next()?;
            if row.len() != w {
                return None;
            }
            cell.extend(row.bytes().map(|b| f32::from(b.wrapping_sub(b'0'))));
        }
        raw.push(cell);
    }
    let (mut left, mut right) = (0.0, 0.0);
    for cell in &raw {
        let inked: Vec<usize> = (0..w)
            .filter(|&x| (0..h).any(|y| cell[y * w + x] >= 3.0))
            .collect();
        left += *inked.first()? as f32 / w as f32;
        right += (*inked.last()? + 1) as f32 / w as f32;
    }
    let n = raw.len() as f32;
    Some(Templates {
        grid: Grid {
            w,
            h,
            cap_top,
            baseline,
            ink_left: left / n,
            ink_right: right / n,
            aspect,
        },
        norm: raw.iter().map(|c| normalise(c)).collect(),
    })
}

/// Zero mean, unit norm (all zeros for a flat patch).
pub fn normalise(v: &[f32]) -> Vec<f32> {
    let mean = v.iter().sum::<f32>() / v.len().max(1) as f32;
    let norm = v
        .iter()
        .map(|x| (x - mean) * (x - mean))
        .sum::<f32>()
        .sqrt();
    if norm < 1e-3 {
        return vec![0.0; v.len()];
    }
    v.iter().map(|x| (x - mean) / norm).collect()
}

/// The best correlation of each template with a patch of `(w + 2*sx) x (h + 2*sy)` ink
/// values, over shifts of up to `sx` columns and `sy` rows; also the shift that fitted best.
pub fn match_cell(patch: &[f32], sx: usize, sy: usize) -> (Vec<f32>, i32) {
    let t = templates();
    let (w, h) = (t.grid.w, t.grid.h);
    let pw = w + 2 * sx;
    let mut best = vec![-1.0f32; t.norm.len()];
    let mut best_total = f32::MIN;
    let mut best_dx = 0i32;
    let mut window = vec![0.0f32; w * h];
    for dy in 0..=2 * sy {
        for dx in 0..=2 * sx {
            for y in 0..h {
                let src = (y + dy) * pw + dx;
                window[y * w..(y + 1) * w].copy_from_slice(&patch[src..src + w]);
            }
            let win = normalise(&window);
            let mut top = f32::MIN;
            for (g, tmpl) in t.norm.iter().enumerate() {
                let s = dot(tmpl, &win);
                if s > best[g] {
                    best[g] = s;
                }
                top = top.max(s);
            }
            if top > best_total {
                best_total = top;
                best_dx = dx as i32 - sx as i32;
            }
        }
    }
    (best, best_dx)
}

/// Dot product in eight lanes, so the compiler can use vector instructions.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_and_recognise_themselves() {
        let t = templates();
        assert_eq!(t.norm.len(), ALPHABET.len());
        assert!(t.grid.ink_left > 0.0 && t.grid.ink_right < 1.0);
        let raw: Vec<Vec<f32>> = DATA
            .split("glyph ")
            .skip(1)
            .map(|block| {
                block
                    .lines()
                    .skip(1)
                    .flat_map(|l| l.bytes().map(|b| f32::from(b - b'0')))
                    .collect()
            })
            .collect();
        for (i, cell) in raw.iter().enumerate() {
            let (scores, dx) = match_cell(cell, 0, 0);
            let best = (0..scores.len())
                .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
                .unwrap();
            assert_eq!(best, i, "{}", ALPHABET[i] as char);
            assert_eq!(dx, 0);
        }
    }
}
