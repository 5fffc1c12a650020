//! Whether the plain strip along a side of the frame is the document's own paper in shadow
//! (the phone's or the hand's, over a page photographed edge to edge) rather than a grey desk
//! beside it.
//!
//! By colour the two cannot be told apart: white paper in shadow is grey. What tells them
//! apart is how the strip meets the lit paper. A shadow's edge is soft: a phone held 15 cm
//! over the page, under a ceiling lamp or a window, throws a penumbra a centimetre or more
//! wide, tens of working pixels. The paper's own edge against a desk is sharp: a few pixels
//! even in a slightly soft photo. So the brightness of the paper is followed inward from the
//! side, and a rise from the strip's level to the lit paper's that takes many pixels is a
//! shadow.

use image::GrayImage;

/// Narrowest rise (from a fifth to four fifths of the way from the strip's brightness to the
/// lit paper's), in working pixels, that is a shadow's edge rather than the paper's. A
/// document's edge in a photo sharp enough to pass the blur check rises within about four.
const MIN_PENUMBRA: usize = 8;
/// Bands across the side (each `BAND` pixels wide) whose profiles are followed.
const BANDS: u32 = 16;
const BAND: u32 = 16;
/// Share of the bands whose rise must be a penumbra.
const MIN_SOFT_SHARE: f64 = 0.6;

/// Whether the strip of `depth` pixels along `side` is paper of brightness `paper` (luma of
/// the document's lit paper) in shadow.
pub fn shaded_paper(gray: &GrayImage, side: &str, depth: u32, paper: u8) -> bool {
    let (w, h) = gray.dimensions();
    let vertical = side == "left" || side == "right";
    let (along, across) = if vertical { (h, w) } else { (w, h) };
    // Shadows that matter reach at most half-way in; the lit paper is beyond them.
    let reach = (across / 2) as usize;
    if along < BAND * 2 || reach <= MIN_PENUMBRA * 2 {
        return false;
    }
    // Pixel (d, t), at depth d from the side and t along it, is raw[origin + d·dstep + t·tstep].
    let (w, h) = (w as isize, h as isize);
    let (origin, dstep, tstep) = match side {
        "left" => (0, 1, w),
        "right" => (w - 1, -1, w),
        "top" => (0, w, 1),
        _ => ((h - 1) * w, -w, 1),
    };
    let raw = gray.as_raw();
    let pixel = |d: usize, t: u32| raw[(origin + d as isize * dstep + t as isize * tstep) as usize];
    // Bands spread over the middle nine tenths of the side.
    let (first, span) = (along / 20, along - along / 10 - BAND);
    let bands = BANDS.min(span / BAND + 1).max(1);
    let needed = (f64::from(bands) * MIN_SOFT_SHARE).ceil() as u32;
    let (mut soft, mut sharp) = (0u32, 0u32);
    // At each depth, the brightness of the paper across the band: the second brightest of
    // every second pixel (its upper quartile), which print, darker than the paper around it,
    // does not pull down.
    let level = |start: u32, d: usize| {
        let (mut first, mut second) = (0u8, 0u8);
        for t in (start..start + BAND).step_by(2) {
            let v = pixel(d, t);
            if v > first {
                (first, second) = (v, first);
            } else if v > second {
                second = v;
            }
        }
        second
    };
    for b in 0..bands {
        let start = first + span * b / (bands - 1).max(1);
        if soft_rise(|d| level(start, d), reach, depth as usize, paper) {
            soft += 1;
        } else {
            sharp += 1;
        }
        // Most photos (a desk round the document) end here after a few bands.
        if soft >= needed || bands - sharp < needed {
            break;
        }
    }
    soft >= needed
}

/// Whether the brightness `at(d)` by depth `d` from the frame's edge (up to `reach`) rises
/// from the level of its first `depth` values to `paper` softly: darker than the paper at the
/// edge but not black, the rise at least `MIN_PENUMBRA` wide and without a step. The profile
/// is read only as far as the rise ends.
fn soft_rise(mut at: impl FnMut(usize) -> u8, reach: usize, depth: usize, paper: u8) -> bool {
    let depth = depth.clamp(1, reach);
    let mut profile: Vec<u8> = (0..depth).map(&mut at).collect();
    let mut edge = profile.clone();
    let middle = edge.len() / 2;
    let lo = i32::from(*edge.select_nth_unstable(middle).1);
    let hi = i32::from(paper);
    // Paper lit at the edge is no shadow; below three tenths of the paper, a black desk.
    if lo * 100 > hi * 85 || lo * 100 < hi * 30 {
        return false;
    }
    let (low, high) = (lo + (hi - lo) / 5, lo + (hi - lo) * 4 / 5);
    let Some(top) = (0..reach).find(|&d| {
        if d >= profile.len() {
            profile.push(at(d));
        }
        i32::from(profile[d]) >= high
    }) else {
        return false;
    };
    let bottom = profile[..top]
        .iter()
        .rposition(|&v| i32::from(v) <= low)
        .unwrap_or(0);
    // And no step within it: a desk brightening towards the paper (a lamp over the page, the
    // phone's shadow on the desk) still meets the paper's edge in one, a penumbra does not.
    let steepest = (bottom..top)
        .map(|d| i32::from(profile[(d + 2).min(top)]) - i32::from(profile[d]))
        .max()
        .unwrap_or(i32::MAX);
    top - bottom >= MIN_PENUMBRA && steepest * 3 < hi - lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A page (brightness 200) with lines of print, in a shadow of 0.55 over the left
    /// `shadow` pixels, its edge rising over `soft` pixels; or, with `desk`, a grey desk of
    /// 110 there instead, meeting the page in a sharp edge.
    fn page(shadow: u32, soft: u32, desk: bool) -> GrayImage {
        GrayImage::from_fn(600, 400, |x, y| {
            let print = y % 12 < 4 && x % 9 < 6 && (40..560).contains(&x);
            let paper = if print { 40.0 } else { 200.0 };
            if desk && x < shadow {
                return Luma([110]);
            }
            let t =
                ((f64::from(x) - f64::from(shadow)) / f64::from(soft.max(1)) + 0.5).clamp(0.0, 1.0);
            Luma([(paper * (0.55 + 0.45 * t)).round() as u8])
        })
    }

    #[test]
    fn a_soft_shadow_is_paper_and_a_sharp_edge_is_not() {
        assert!(shaded_paper(&page(180, 40, false), "left", 6, 200));
        // A sun's sharp shadow is taken for the edge of the paper.
        assert!(!shaded_paper(&page(180, 3, false), "left", 6, 200));
        // A grey desk beside the page, slightly soft.
        let desk = image::imageops::blur(&page(180, 1, true), 1.0);
        assert!(!shaded_paper(&desk, "left", 6, 200));
        // No shadow on that side at all: the strip is lit paper.
        assert!(!shaded_paper(&page(0, 1, false), "left", 6, 200));
        // The right side of the shadowed page is lit.
        assert!(!shaded_paper(&page(180, 40, false), "right", 6, 200));
    }

    #[test]
    fn a_desk_brightening_towards_the_paper_is_no_shadow() {
        // A grey desk lit more towards the page, meeting it in a sharp edge.
        let lamp = GrayImage::from_fn(600, 400, |x, _| {
            Luma([if x < 180 {
                (100.0 + 30.0 * f64::from(x) / 180.0) as u8
            } else {
                200
            }])
        });
        assert!(!shaded_paper(&lamp, "left", 6, 200));
        // The phone's shadow on the desk, soft edged, then the paper's sharp edge.
        let shadow = GrayImage::from_fn(600, 400, |x, _| {
            let t = ((f64::from(x) - 60.0) / 30.0 + 0.5).clamp(0.0, 1.0);
            Luma([if x < 180 {
                (120.0 * (0.55 + 0.45 * t)) as u8
            } else {
                200
            }])
        });
        assert!(!shaded_paper(&shadow, "left", 6, 200));
    }
}
