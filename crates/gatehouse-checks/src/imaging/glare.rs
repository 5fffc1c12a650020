//! Glare: blown-out, colourless highlights inside the document. White paper under even light
//! stays below clipping and keeps its print; a reflection clips to white, hides what is under
//! it, and is compact. Each spot is reported with where it is and whether print surrounds it
//! (so it probably hides text or the portrait).

use image::{GrayImage, RgbImage};
use serde::Serialize;

use super::metrics::share_where;
use super::region::Rect;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlareSpot {
    /// In working pixels.
    pub bbox: Rect,
    /// Share of the document box covered.
    pub share: f64,
    /// Where in the document (`top_left` … `bottom_right`).
    pub position: &'static str,
    /// Print surrounds the spot, so it most likely covers some.
    pub covers_print: bool,
}

fn clipped(rgb: &RgbImage, x: u32, y: u32) -> bool {
    is_clipped(&rgb.get_pixel(x, y).0)
}

fn is_clipped(p: &[u8]) -> bool {
    let lo = p[0].min(p[1]).min(p[2]);
    let hi = p[0].max(p[1]).max(p[2]);
    lo >= 245 && hi - lo <= 24
}

/// A 4-connected blob of clipped pixels: how many, and their bounding box.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Blob {
    n: u64,
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

impl Blob {
    fn absorb(&mut self, other: Blob) {
        self.n += other.n;
        self.x0 = self.x0.min(other.x0);
        self.y0 = self.y0.min(other.y0);
        self.x1 = self.x1.max(other.x1);
        self.y1 = self.y1.max(other.y1);
    }
}

/// The 4-connected blobs of pixels inside `doc` for which `hit` holds, in the raster order of
/// their first pixel. Rows are read once as runs of hits; runs touching a run of the row above
/// are joined (union-find over runs), so the cost follows the number of runs, not pixels.
fn blobs(rgb: &RgbImage, doc: Rect, hit: impl Fn(&[u8]) -> bool) -> Vec<Blob> {
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut parent: Vec<usize> = Vec::new();
    let mut stats: Vec<Blob> = Vec::new();
    // Runs of the previous and the current row: (first x, one past the last x, label).
    let mut above: Vec<(u32, u32, usize)> = Vec::new();
    let mut here: Vec<(u32, u32, usize)> = Vec::new();
    let w = rgb.width() as usize;
    for (i, row) in super::metrics::rows(rgb.as_raw(), w, 3, doc).enumerate() {
        let y = doc.y + i as u32;
        here.clear();
        let mut open_run = |x0: u32, x1: u32| {
            let label = parent.len();
            parent.push(label);
            stats.push(Blob {
                n: u64::from(x1 - x0),
                x0,
                y0: y,
                x1: x1 - 1,
                y1: y,
            });
            here.push((x0, x1, label));
        };
        let mut start = None;
        for (k, p) in row.chunks_exact(3).enumerate() {
            match (start, hit(p)) {
                (None, true) => start = Some(doc.x + k as u32),
                (Some(x0), false) => {
                    open_run(x0, doc.x + k as u32);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(x0) = start {
            open_run(x0, doc.right());
        }
        // Join each run with the runs above that share a column with it.
        let mut j = 0;
        for &(x0, x1, label) in &here {
            while j < above.len() && above[j].1 <= x0 {
                j += 1;
            }
            let mut k = j;
            while k < above.len() && above[k].0 < x1 {
                let (a, b) = (root(&mut parent, label), root(&mut parent, above[k].2));
                if a != b {
                    // The earlier label stays the root: it holds the blob's first pixel.
                    let (keep, gone) = (a.min(b), a.max(b));
                    parent[gone] = keep;
                    let moved = stats[gone];
                    stats[keep].absorb(moved);
                }
                k += 1;
            }
        }
        std::mem::swap(&mut above, &mut here);
    }
    (0..parent.len())
        .filter(|&i| parent[i] == i)
        .map(|i| stats[i])
        .collect()
}

/// Share of the document and span of its width or height from which a blown-out region may
/// be lit paper rather than a reflection (the calibration's usual glare spots, of radius 0.14
/// of the short side, cover at most a quarter and span at most 0.77 of a side; side light on
/// white pages clips 0.34-0.52 spanning 0.77-0.98).
const LIT_PAPER_SHARE: f64 = 0.3;
const LIT_PAPER_SPAN: f64 = 0.75;

/// Such a region is still a reflection when two things hold, measured on the calibration's
/// pictures (side-lit and overexposed pages against reflections of radius 0.20):
/// - its middle (the central third of its box each way) is blown out but for less than this
///   share: a reflection that large clips everything at its centre, print included (0-0.10
///   left unclipped), where light falling across a page leaves the print (0.12-0.52 on the
///   calibration's pages; a page with sparser print is kept out by the edge test instead);
const REFLECTION_MIDDLE_LEFT: f64 = 0.11;
/// - and no edge of the document is blown out along more than this share of it (in a strip
///   from 3% to 10% of the way in, clear of the document's outline): light falling across a
///   page comes from beyond one of its edges and clips along it (0.75-1.0), a reflection sits
///   on the page (0.10-0.59). This also keeps a side-lit page whose middle is blank (a
///   letter's margin, a blank visa page) from being read as a reflection.
const LIT_EDGE: f64 = 0.67;

/// Most of its box a spot may fill: an ellipse fills π/4 of it, a printed white box all of it.
const MAX_FILL: f64 = 0.88;

/// Clipped spots inside `doc` covering at least `min_share` of it and at least `min_fill` of
/// their bounding box.
pub fn spots(
    rgb: &RgbImage,
    gray: &GrayImage,
    doc: Rect,
    min_share: f64,
    min_fill: f64,
) -> Vec<GlareSpot> {
    let mut out = Vec::new();
    for blob in blobs(rgb, doc, is_clipped) {
        let n = blob.n;
        let share = n as f64 / doc.area().max(1) as f64;
        if share < min_share {
            continue;
        }
        let bbox = Rect {
            x: blob.x0,
            y: blob.y0,
            width: blob.x1 - blob.x0 + 1,
            height: blob.y1 - blob.y0 + 1,
        };
        // A blown-out region filling most of the document is overexposure, not a spot; one
        // covering a third of it from side to side is white paper under light that falls
        // across it, unless it is shaped like a reflection (above).
        let span = |part: u32, whole: u32| f64::from(part) / f64::from(whole.max(1));
        let across = span(bbox.width, doc.width).max(span(bbox.height, doc.height));
        let lit_paper = share > LIT_PAPER_SHARE
            && across >= LIT_PAPER_SPAN
            && !large_reflection(rgb, bbox, doc);
        if share > 0.6 || lit_paper {
            continue;
        }
        // A reflection fades out: just outside it the picture is still bright (a white
        // area of the print ends sharply, dark just outside). It is a solid, roundish blob:
        // a line or a band of white between lines of print is long and thin, a patch of
        // white between print is ragged (fills little of its box), and a printed white
        // box fills all of it.
        let (long, short) = (bbox.width.max(bbox.height), bbox.width.min(bbox.height));
        let fill = n as f64 / bbox.area().max(1) as f64;
        if short * 3 < long || !(min_fill..=MAX_FILL).contains(&fill) {
            continue;
        }
        if surroundings(gray, rgb, bbox, doc) < 160.0 {
            continue;
        }
        out.push(GlareSpot {
            bbox,
            share,
            position: bbox.position_in(&doc),
            covers_print: print_around(gray, bbox, doc),
        });
    }
    out.sort_by(|a, b| b.share.total_cmp(&a.share));
    out
}

/// Whether a large blown-out region in box `bbox` is a reflection on the page rather than
/// light falling across it (see `REFLECTION_MIDDLE_LEFT` and `LIT_EDGE`).
fn large_reflection(rgb: &RgbImage, bbox: Rect, doc: Rect) -> bool {
    let middle = Rect {
        x: bbox.x + bbox.width / 3,
        y: bbox.y + bbox.height / 3,
        width: bbox.width / 3,
        height: bbox.height / 3,
    };
    if middle.area() == 0 || 1.0 - share_where(rgb, middle, is_clipped) >= REFLECTION_MIDDLE_LEFT {
        return false;
    }
    let (dy0, dy1) = strip(doc.height);
    let (dx0, dx1) = strip(doc.width);
    let edges = [
        Rect {
            x: doc.x,
            y: doc.y + dy0,
            width: doc.width,
            height: dy1 - dy0,
        },
        Rect {
            x: doc.x,
            y: doc.bottom() - dy1,
            width: doc.width,
            height: dy1 - dy0,
        },
        Rect {
            x: doc.x + dx0,
            y: doc.y,
            width: dx1 - dx0,
            height: doc.height,
        },
        Rect {
            x: doc.right() - dx1,
            y: doc.y,
            width: dx1 - dx0,
            height: doc.height,
        },
    ];
    edges
        .iter()
        .all(|&e| share_where(rgb, e, is_clipped) <= LIT_EDGE)
}

/// The depths, from an edge of a side `len` long, of the strip that stands for that edge:
/// from 3% to 10% in, at least one pixel deep.
fn strip(len: u32) -> (u32, u32) {
    let from = len * 3 / 100;
    (from, (len / 10).max(from + 1).min(len))
}

fn grow(r: Rect, by: u32, within: Rect) -> Rect {
    let x = r.x.saturating_sub(by).max(within.x);
    let y = r.y.saturating_sub(by).max(within.y);
    Rect {
        x,
        y,
        width: (r.right() + by).min(within.right()) - x,
        height: (r.bottom() + by).min(within.bottom()) - y,
    }
}

/// Mean luminance just outside the spot: unclipped pixels within 3 pixels of its box.
fn surroundings(gray: &GrayImage, rgb: &RgbImage, spot: Rect, doc: Rect) -> f64 {
    let near = grow(spot, 3, doc);
    let (mut sum, mut n) = (0f64, 0u64);
    for y in near.y..near.bottom() {
        for x in near.x..near.right() {
            if !clipped(rgb, x, y) {
                sum += f64::from(gray.get_pixel(x, y)[0]);
                n += 1;
            }
        }
    }
    if n == 0 {
        255.0
    } else {
        sum / n as f64
    }
}

/// Whether the ring around `spot` (half its size again) holds print: dark strokes on light.
fn print_around(gray: &GrayImage, spot: Rect, doc: Rect) -> bool {
    let grow_x = (spot.width / 2).max(4);
    let grow_y = (spot.height / 2).max(4);
    let ring = Rect {
        x: spot.x.saturating_sub(grow_x).max(doc.x),
        y: spot.y.saturating_sub(grow_y).max(doc.y),
        width: 0,
        height: 0,
    };
    let right = (spot.right() + grow_x).min(doc.right());
    let bottom = (spot.bottom() + grow_y).min(doc.bottom());
    let mut dark = 0u64;
    let mut total = 0u64;
    for y in ring.y..bottom {
        for x in ring.x..right {
            let inside = x >= spot.x && x < spot.right() && y >= spot.y && y < spot.bottom();
            if inside {
                continue;
            }
            total += 1;
            if gray.get_pixel(x, y)[0] < 110 {
                dark += 1;
            }
        }
    }
    dark as f64 / total.max(1) as f64 > 0.03
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, Rgb};

    /// The glare spots over the whole of `rgb`, at least `min_share` of it (and the default
    /// least fill).
    fn spots_in(rgb: &RgbImage, min_share: f64) -> Vec<GlareSpot> {
        let gray = DynamicImage::ImageRgb8(rgb.clone()).to_luma8();
        spots(
            rgb,
            &gray,
            Rect::full(rgb.width(), rgb.height()),
            min_share,
            0.45,
        )
    }

    /// Blobs by flood fill, pixel by pixel: what `blobs` must find.
    fn flood_blobs(rgb: &RgbImage, doc: Rect) -> Vec<Blob> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for y0 in doc.y..doc.bottom() {
            for x0 in doc.x..doc.right() {
                if !clipped(rgb, x0, y0) || !seen.insert((x0, y0)) {
                    continue;
                }
                let mut blob = Blob {
                    n: 0,
                    x0,
                    y0,
                    x1: x0,
                    y1: y0,
                };
                let mut stack = vec![(x0, y0)];
                while let Some((x, y)) = stack.pop() {
                    blob.absorb(Blob {
                        n: 1,
                        x0: x,
                        y0: y,
                        x1: x,
                        y1: y,
                    });
                    let near = [
                        (x.wrapping_sub(1), y),
                        (x + 1, y),
                        (x, y.wrapping_sub(1)),
                        (x, y + 1),
                    ];
                    for (nx, ny) in near {
                        let inside =
                            nx >= doc.x && ny >= doc.y && nx < doc.right() && ny < doc.bottom();
                        if inside && clipped(rgb, nx, ny) && seen.insert((nx, ny)) {
                            stack.push((nx, ny));
                        }
                    }
                }
                out.push(blob);
            }
        }
        out
    }

    #[test]
    fn blobs_are_the_flood_fills_components() {
        // Random masks dense enough for U shapes, spirals of runs and blobs at the edges.
        for seed in 0..20u64 {
            let density = 30 + seed * 3;
            let rgb = RgbImage::from_fn(61, 47, |x, y| {
                let r = crate::imaging::testing::mix(seed * 10_007 + u64::from(y * 61 + x));
                if r % 100 < density {
                    Rgb([255, 255, 255])
                } else {
                    Rgb([90, 80, 70])
                }
            });
            for doc in [
                Rect::full(61, 47),
                Rect {
                    x: 3,
                    y: 5,
                    width: 50,
                    height: 30,
                },
            ] {
                assert_eq!(
                    blobs(&rgb, doc, is_clipped),
                    flood_blobs(&rgb, doc),
                    "seed {seed}"
                );
            }
        }
    }

    #[test]
    fn a_reflection_on_print_is_a_spot_and_paper_is_not() {
        let (w, h) = (300, 200);
        let rgb = RgbImage::from_fn(w, h, |x, y| {
            let d2 = (x as f64 - 150.0).powi(2) + (y as f64 - 100.0).powi(2);
            let light = 420.0 * (-d2 / (2.0 * 22.0f64.powi(2))).exp();
            let base: [f64; 3] = if (y / 5) % 2 == 0 && (x / 4) % 2 == 0 {
                [20.0, 20.0, 40.0]
            } else {
                [200.0, 190.0, 170.0]
            };
            Rgb(base.map(|c| (c + light).min(255.0) as u8))
        });
        let found = spots_in(&rgb, 0.005);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].position, "centre");
        assert!(found[0].covers_print);
        let paper = RgbImage::from_pixel(w, h, Rgb([235, 235, 230]));
        assert!(spots_in(&paper, 0.005).is_empty());
    }

    /// A 240×200 white page with lines of faint print from column `print_from` on, lit by a
    /// lamp beside its left edge: the paper clips over a half-disc reaching from the top to
    /// the bottom of the page. With `spot`, a small reflection on its right half too.
    fn lamp_lit_page(print_from: u32, spot: bool) -> RgbImage {
        RgbImage::from_fn(240, 200, |xi, yi| {
            let (x, y) = (f64::from(xi), f64::from(yi));
            let ink = xi >= print_from && yi % 12 < 2 && xi % 7 < 4;
            let base = if ink { 120.0 } else { 235.0 };
            let lamp = (x.powi(2) + (y - 100.0).powi(2)).sqrt();
            let mut v = base * (1.3 - 0.5 * lamp / 233.0);
            if spot {
                let d2 = (x - 190.0).powi(2) + (y - 100.0).powi(2);
                v += 420.0 * (-d2 / (2.0 * 18.0f64.powi(2))).exp();
            }
            Rgb([v.min(255.0) as u8; 3])
        })
    }

    #[test]
    fn side_light_clipping_white_paper_is_not_glare_but_a_spot_on_it_is() {
        let lit = lamp_lit_page(0, false);
        let found = spots_in(&lit, 0.005);
        assert!(found.is_empty(), "{found:?}");
        let with_spot = lamp_lit_page(0, true);
        let found = spots_in(&with_spot, 0.005);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].bbox.x > 120, "{found:?}");
    }

    #[test]
    fn a_reflection_spanning_the_page_is_glare_not_lit_paper() {
        // White paper with lines of print under a reflection so large that it clips a third
        // of the page from top to bottom, as light falling across it would: but it washes out
        // the print at its centre, where side light leaves it.
        let (w, h) = (300, 200);
        let rgb = RgbImage::from_fn(w, h, |x, y| {
            let ink = (y / 6) % 4 == 0 && (x / 4) % 3 != 0;
            let base = if ink { 40.0 } else { 235.0 };
            let d2 = (f64::from(x) - 170.0).powi(2) + (f64::from(y) - 100.0).powi(2);
            let light = 420.0 * (-d2 / (2.0 * 40.0f64.powi(2))).exp();
            Rgb([(base + light).min(255.0) as u8; 3])
        });
        let found = spots_in(&rgb, 0.005);
        assert_eq!(found.len(), 1, "{found:?}");
        let spot = &found[0];
        assert!(spot.share > LIT_PAPER_SHARE, "{spot:?}");
        assert!(
            f64::from(spot.bbox.height) >= LIT_PAPER_SPAN * f64::from(h),
            "{spot:?}"
        );
        assert!(spot.covers_print);
    }

    #[test]
    fn a_side_lit_page_blank_under_the_light_is_not_glare() {
        // A letter lit from beside its left edge whose print starts a third of the way in, or
        // that has none, so the blown-out region's middle is blank: the clipping along the
        // lit edge is what tells it from a reflection.
        for print_from in [70, 100, 240] {
            let lit = lamp_lit_page(print_from, false);
            let found = spots_in(&lit, 0.004);
            assert!(found.is_empty(), "print from {print_from}: {found:?}");
        }
    }

    #[test]
    fn a_band_of_light_across_printed_paper_is_not_glare() {
        // Light through a window falling across the page in a diagonal band: the paper in it
        // clips over a third of the page from top to bottom, but no edge along most of its
        // length, so only the print left in the band's middle tells it from a reflection.
        let (w, h) = (240, 200);
        let rgb = RgbImage::from_fn(w, h, |x, y| {
            let ink = y % 6 < 2 && x % 5 < 3;
            let base: f64 = if ink { 60.0 } else { 235.0 };
            let across = (f64::from(x) - 1.2 * f64::from(y) + 10.0).abs();
            let light = if across < 95.0 { 1.25 } else { 1.0 };
            Rgb([(base * light).min(255.0) as u8; 3])
        });
        let band = blobs(&rgb, Rect::full(w, h), is_clipped)
            .into_iter()
            .max_by_key(|b| b.n)
            .unwrap();
        // Large enough to be judged as possibly lit paper, and solid enough to pass as a spot.
        assert!(
            band.n as f64 > LIT_PAPER_SHARE * f64::from(w * h),
            "{band:?}"
        );
        assert!(band.y1 - band.y0 + 1 == h, "{band:?}");
        let found = spots_in(&rgb, 0.004);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn white_lines_and_printed_white_boxes_are_not_glare() {
        let (w, h) = (300, 200);
        let rgb = RgbImage::from_fn(w, h, |x, y| {
            let line = (60..63).contains(&y);
            let white_box = (150..250).contains(&x) && (100..170).contains(&y);
            let ink = (y / 6) % 2 == 0 && (x / 3) % 3 != 0;
            Rgb(if line || white_box {
                [255, 255, 255]
            } else if ink {
                [30, 30, 40]
            } else {
                [200, 195, 185]
            })
        });
        let found = spots_in(&rgb, 0.005);
        assert!(found.is_empty(), "{found:?}");
    }
}
