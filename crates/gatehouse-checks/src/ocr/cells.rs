//! One found line, rectified and cut into a known number of fixed-pitch cells, each matched
//! against every template. OCR-B in an MRZ is monospaced and every position is printed (a
//! filler `<` included), so the cells follow from where the ink starts and ends: characters
//! that touch or break apart in a poor photo are still cut in the right place.

use super::glyphs::{self, templates};
use super::lines::TextLine;
use super::raster::{self, Plane};

/// Template scores of each cell of a line (`[cell][glyph]`).
#[derive(Debug, Clone)]
pub struct LineCells {
    pub scores: Vec<Vec<f32>>,
}

/// How a found line maps onto the original image.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Reading direction and the downward normal, unit vectors in image coordinates.
    pub u: (f32, f32),
    pub v: (f32, f32),
    /// Original pixels per working pixel.
    pub to_original: f32,
}

impl Frame {
    pub fn new(u: (f32, f32), to_original: f32) -> Self {
        Self {
            u,
            v: (-u.1, u.0),
            to_original,
        }
    }
}

/// Reads `line` of `original` as `n` cells.
/// `pitch_fit` bounds the pitch over capital height against the font's: a line whose cells
/// would be far wider or narrower than OCR-B's is not read at that count.
pub fn read_line(
    original: &Plane,
    line: &TextLine,
    frame: Frame,
    n: usize,
    pitch_fit: std::ops::RangeInclusive<f32>,
) -> Option<LineCells> {
    let g = templates().grid;
    let cap_rows = g.baseline - g.cap_top;
    let h = line.height;
    let k = cap_rows / h; // strip pixels per working pixel
    let t_c = line.offset(frame.v);
    let (s0, s1) = line.extent(frame.u);
    let (s_from, t_from) = (s0 - h, t_c - 1.5 * h);
    let sw = ((s1 - s0 + 2.0 * h) * k).ceil() as usize;
    let sh = (3.0 * h * k).ceil() as usize;
    if sw == 0 || sh == 0 || sw > 20_000 {
        return None;
    }
    let mut strip = Plane {
        w: sw,
        h: sh,
        px: Vec::with_capacity(sw * sh),
    };
    for y in 0..sh {
        for x in 0..sw {
            let s = s_from + (x as f32 + 0.5) / k;
            let t = t_from + (y as f32 + 0.5) / k;
            let px = (s * frame.u.0 + t * frame.v.0) * frame.to_original;
            let py = (s * frame.u.1 + t * frame.v.1) * frame.to_original;
            strip.px.push(original.sample(px, py));
        }
    }
    let mask = raster::binarise(&strip, (cap_rows * 0.8) as usize);
    let margin = (h * k) as usize;
    let (top, bottom) = band(&mask, sw, sh, margin)?;
    let cap = bottom - top;
    if !(0.55 * cap_rows..=1.7 * cap_rows).contains(&cap) {
        return None;
    }
    let (a, b) = ink_ends(&mask, sw, top as usize, bottom.ceil() as usize, margin)?;
    let cells = n as f32 - 1.0 + g.ink_right - g.ink_left;
    let mut pitch = (b - a) / cells;
    let mut start = a - g.ink_left * pitch;
    let font_pitch = g.w as f32 * cap / cap_rows * g.aspect;
    let fit_found = pitch / font_pitch;
    if !pitch_fit.contains(&fit_found) {
        return None;
    }
    let row_scale = cap / cap_rows;
    let mut scores = Vec::new();
    for pass in 0..2 {
        let mut shifts = Vec::with_capacity(n);
        scores.clear();
        for i in 0..n {
            let patch = cell_patch(&strip, start + i as f32 * pitch, pitch, top, row_scale);
            let (s, dx) = glyphs::match_cell(&patch, SX, SY);
            shifts.push(dx as f32 * pitch / g.w as f32);
            scores.push(s);
        }
        if pass == 0 {
            // Re-fit start and pitch to where the cells matched best.
            let (c0, c1) = fit(&shifts);
            start += c0;
            pitch += c1;
        }
    }
    Some(LineCells { scores })
}

const SX: usize = 3;
const SY: usize = 1;

/// Ink values of cell `x0` (strip coordinates) with the shift margins around it.
fn cell_patch(strip: &Plane, x0: f32, pitch: f32, top: f32, row_scale: f32) -> Vec<f32> {
    let g = templates().grid;
    let (pw, ph) = (g.w + 2 * SX, g.h + 2 * SY);
    let mut patch = Vec::with_capacity(pw * ph);
    for r in 0..ph {
        let y = top + ((r as f32 - SY as f32 + 0.5) - g.cap_top) * row_scale;
        for c in 0..pw {
            let x = x0 + (c as f32 - SX as f32 + 0.5) * pitch / g.w as f32;
            patch.push(255.0 - strip.sample(x, y));
        }
    }
    patch
}

/// Least-squares `shift = c0 + c1 * i`.
fn fit(shifts: &[f32]) -> (f32, f32) {
    let n = shifts.len() as f32;
    if n < 2.0 {
        return (0.0, 0.0);
    }
    let mi = (n - 1.0) / 2.0;
    let ms = shifts.iter().sum::<f32>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, s) in shifts.iter().enumerate() {
        sxy += (i as f32 - mi) * (s - ms);
        sxx += (i as f32 - mi).powi(2);
    }
    let c1 = sxy / sxx;
    (ms - c1 * mi, c1)
}

/// The rows from the capitals' top to the baseline: the run of well-inked rows around the
/// strip's middle (neighbouring lines lie beyond a gap).
fn band(mask: &[bool], w: usize, h: usize, margin: usize) -> Option<(f32, f32)> {
    let (c0, c1) = (margin.min(w), w.saturating_sub(margin));
    let profile: Vec<usize> = (0..h)
        .map(|y| (c0..c1).filter(|&x| mask[y * w + x]).count())
        .collect();
    let mid = h / 2;
    let reach = h / 8;
    let peak = *profile.get(mid - reach..mid + reach)?.iter().max()?;
    if peak == 0 {
        return None;
    }
    let low = |y: usize| (profile[y] as f32) < 0.12 * peak as f32;
    let mut top = mid;
    while top > 0 && !low(top - 1) {
        top -= 1;
    }
    let mut bottom = mid;
    while bottom + 1 < h && !low(bottom + 1) {
        bottom += 1;
    }
    Some((top as f32, bottom as f32 + 1.0))
}

/// First and last inked column of the band, ignoring specks away from the line's ends.
fn ink_ends(
    mask: &[bool],
    w: usize,
    top: usize,
    bottom: usize,
    margin: usize,
) -> Option<(f32, f32)> {
    let inked: Vec<bool> = (0..w)
        .map(|x| {
            (top..bottom.min(mask.len() / w))
                .filter(|&y| mask[y * w + x])
                .count()
                >= 2
        })
        .collect();
    let dense = |x: usize| inked[x] && (x..(x + 4).min(w)).filter(|&i| inked[i]).count() >= 2;
    let dense_back =
        |x: usize| inked[x] && (x.saturating_sub(3)..=x).filter(|&i| inked[i]).count() >= 2;
    let lo_from = margin / 3;
    let a = (lo_from..w).find(|&x| dense(x))?;
    let hi_to = w - margin / 3;
    let b = (0..hi_to).rev().find(|&x| dense_back(x))?;
    (b > a).then_some((a as f32, b as f32 + 1.0))
}
