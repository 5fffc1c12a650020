//! Corners of the document covered by something reaching in from outside the frame: the
//! applicant's finger or hand holding the card.
//!
//! Such an object is neither the document's paper nor the surface it lies on, it is not dark
//! print, and it is one piece from the frame's edge to the corner. A portrait or a coloured
//! logo at the corner is not connected to the frame's edge through the desk, and a shadow is
//! too dark, so neither counts.

use image::RgbImage;

use super::colours;
use super::region::Rect;

/// Share of a corner patch (a sixth of the document's width by a quarter of its height) the
/// object must cover. An uncovered corner is at 0: nothing from outside reaches it.
const MIN_PATCH_SHARE: f64 = 0.12;
/// Darkest an object pixel may be (mean of the channels): print and shadows are darker.
const MIN_LEVEL: u32 = 60;

/// The corners of `doc` (in the frame of `rgb`) covered by an object reaching in from the
/// frame's edge, given the paper's colour and the colours of the surfaces round it (the
/// background, and the paper in a shadow falling from the frame's edge). Corners on a side
/// the frame already cuts are not looked at.
pub fn covered_corners(
    rgb: &RgbImage,
    doc: Rect,
    paper: [i32; 3],
    surfaces: &[[i32; 3]],
    cut_sides: &[&str],
) -> Vec<&'static str> {
    let (w, h) = rgb.dimensions();
    let foreign = |p: &[u8]| {
        let level = (u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3;
        level >= MIN_LEVEL
            && !colours::alike(p, paper)
            && !surfaces.iter().any(|&s| colours::alike(p, s))
    };
    // Nothing reaches in unless something foreign crosses the frame's edge: a run along one
    // side at least as wide as the erosion below keeps, and at most a third of that side (a
    // finger, not the dark fall-off of light along a whole edge). Most photos end here, after
    // one pass round the border.
    let r = erosion_radius(w, h);
    let sides: [Vec<(u32, u32)>; 4] = [
        (0..w).map(|x| (x, 0)).collect(),
        (0..w).map(|x| (x, h - 1)).collect(),
        (0..h).map(|y| (0, y)).collect(),
        (0..h).map(|y| (w - 1, y)).collect(),
    ];
    let finger_wide = |side: &Vec<(u32, u32)>| {
        side.split(|&(x, y)| !foreign(&rgb.get_pixel(x, y).0))
            .any(|run| run.len() > 2 * r && run.len() <= side.len() / 3)
    };
    if !sides.iter().any(finger_wide) {
        return Vec::new();
    }
    // The corners are the paper's: the block of dense cells may have taken in the finger's
    // outline too.
    let Some(doc) = paper_box(rgb, doc, paper) else {
        return Vec::new();
    };
    let (reached, half_w) = entering(rgb, foreign);
    let (pw, ph) = ((doc.width / 6).max(1), (doc.height / 4).max(1));
    let corners = [
        ("top_left", "top", "left", doc.x, doc.y),
        ("top_right", "top", "right", doc.right() - pw, doc.y),
        (
            "bottom_right",
            "bottom",
            "right",
            doc.right() - pw,
            doc.bottom() - ph,
        ),
        ("bottom_left", "bottom", "left", doc.x, doc.bottom() - ph),
    ];
    corners
        .into_iter()
        .filter(|(_, a, b, _, _)| !cut_sides.contains(a) && !cut_sides.contains(b))
        .filter(|&(_, _, _, x, y)| {
            // The patch in the half-resolution map `entering` returns.
            let (x0, x1) = (
                (x / 2) as usize,
                ((x + pw).div_ceil(2) as usize).min(half_w),
            );
            let (y0, y1) = ((y / 2) as usize, (y + ph).div_ceil(2) as usize);
            let (mut n, mut total) = (0u64, 0u64);
            for row in reached.chunks_exact(half_w).take(y1).skip(y0) {
                n += row[x0..x1].iter().map(|&r| u64::from(r)).sum::<u64>();
                total += (x1 - x0) as u64;
            }
            n as f64 >= total as f64 * MIN_PATCH_SHARE
        })
        .map(|(name, ..)| name)
        .collect()
}

/// The extent of the paper inside `area`: the first and last rows and columns of which at
/// least a quarter is the paper's colour. `None` when there is hardly any paper.
fn paper_box(rgb: &RgbImage, area: Rect, paper: [i32; 3]) -> Option<Rect> {
    let (mut cols, mut rows) = (
        vec![0u32; area.width as usize],
        vec![0u32; area.height as usize],
    );
    for (y, row) in super::metrics::rows(rgb.as_raw(), rgb.width() as usize, 3, area).enumerate() {
        for (x, p) in row.chunks_exact(3).enumerate() {
            if colours::alike(p, paper) {
                cols[x] += 1;
                rows[y] += 1;
            }
        }
    }
    let span = |counts: &[u32], of: u32| {
        let full = |&c: &u32| c * 4 >= of;
        let first = counts.iter().position(full)?;
        let last = counts.iter().rposition(full)?;
        Some((first as u32, (last - first + 1) as u32))
    };
    let (x, width) = span(&cols, area.height)?;
    let (y, height) = span(&rows, area.width)?;
    (width >= 6 && height >= 4).then_some(Rect {
        x: area.x + x,
        y: area.y + y,
        width,
        height,
    })
}

/// Per pixel of `rgb` at half resolution (every second pixel of every second row; fingers are
/// large): 1 where a 4-connected run of `hit` pixels joins it to the frame's edge, after thin
/// runs are taken away (an erosion by `erosion_radius` pixels of the full picture): the
/// blended pixels along a document's outline are neither paper nor desk, and would otherwise
/// carry a finger's reach all round the document. Returns the map and its width.
fn entering(rgb: &RgbImage, hit: impl Fn(&[u8]) -> bool) -> (Vec<u8>, usize) {
    let (w, h) = (
        rgb.width().div_ceil(2) as usize,
        rgb.height().div_ceil(2) as usize,
    );
    let raw = rgb.as_raw();
    let stride = rgb.width() as usize * 3;
    let mask: Vec<u8> = (0..h)
        .flat_map(|y| {
            let row = &raw[2 * y * stride..(2 * y + 1) * stride];
            row.chunks_exact(3).step_by(2).map(|p| u8::from(hit(p)))
        })
        .collect();
    let radius = (erosion_radius(rgb.width(), rgb.height()) / 2).max(1);
    // 0: not hit; 1: hit, not (yet) reached; 2: reached from the edge.
    let mut mask = erode(&mask, w, h, radius);
    let mut stack: Vec<u32> = Vec::new();
    let edge = (0..w)
        .flat_map(|x| [x, (h - 1) * w + x])
        .chain((0..h).flat_map(|y| [y * w, y * w + w - 1]));
    for i in edge {
        if mask[i] == 1 {
            mask[i] = 2;
            stack.push(i as u32);
        }
    }
    while let Some(i) = stack.pop() {
        let i = i as usize;
        let (x, y) = (i % w, i / w);
        let mut visit = |j: usize| {
            if mask[j] == 1 {
                mask[j] = 2;
                stack.push(j as u32);
            }
        };
        if x > 0 {
            visit(i - 1);
        }
        if x + 1 < w {
            visit(i + 1);
        }
        if y > 0 {
            visit(i - w);
        }
        if y + 1 < h {
            visit(i + w);
        }
    }
    mask.iter_mut().for_each(|m| *m = u8::from(*m == 2));
    (mask, w)
}

fn erosion_radius(w: u32, h: u32) -> usize {
    (w.min(h) as usize / 200).max(2)
}

/// `mask` (0 or 1 per pixel) where every pixel within `r` along the row and along the column
/// (a square of side 2r + 1) is 1.
fn erode(mask: &[u8], w: usize, h: usize, r: usize) -> Vec<u8> {
    let rows = erode_lines(mask, w, h, r, |line, i| line * w + i);
    erode_lines(&rows, h, w, r, |line, i| i * w + line)
}

/// One pass of `erode` over `lines` lines of `len` pixels, pixel `i` of line `line` at
/// `at(line, i)`: a pixel stays 1 when its window [i − r, i + r], clipped to the line, holds
/// no 0.
fn erode_lines(
    src: &[u8],
    len: usize,
    lines: usize,
    r: usize,
    at: impl Fn(usize, usize) -> usize,
) -> Vec<u8> {
    let mut out = vec![0u8; src.len()];
    for line in 0..lines {
        let mut zeros = 0usize;
        for i in 0..len + r {
            if i < len && src[at(line, i)] == 0 {
                zeros += 1;
            }
            if i > 2 * r && src[at(line, i - 2 * r - 1)] == 0 {
                zeros -= 1;
            }
            if i >= r {
                out[at(line, i - r)] = u8::from(zeros == 0);
            }
        }
    }
    out
}
