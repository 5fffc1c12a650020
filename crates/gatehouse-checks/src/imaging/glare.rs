//! Glare: blown-out, colourless highlights inside the document. White paper under even light
//! stays below clipping and keeps its print; a reflection clips to white, hides what is under
//! it, and is compact. Each spot is reported with where it is and whether print surrounds it
//! (so it probably hides text or the portrait).

use image::{GrayImage, RgbImage};
use serde::Serialize;

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

/// Per pixel of the image: 1 where `doc` holds a clipped pixel, else 0 (flood fills mark
/// visited pixels 2).
fn clipped_mask(rgb: &RgbImage, doc: Rect) -> Vec<u8> {
    let w = rgb.width() as usize;
    let mut mask = vec![0u8; w * rgb.height() as usize];
    for (i, row) in super::metrics::rows(rgb.as_raw(), w, 3, doc).enumerate() {
        let start = (doc.y as usize + i) * w + doc.x as usize;
        for (m, p) in mask[start..].iter_mut().zip(row.chunks_exact(3)) {
            *m = u8::from(is_clipped(p));
        }
    }
    mask
}

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
    let w = rgb.width();
    let mut mask = clipped_mask(rgb, doc);
    let mut out = Vec::new();
    for y0 in doc.y..doc.bottom() {
        for x0 in doc.x..doc.right() {
            let i0 = (y0 * w + x0) as usize;
            if mask[i0] != 1 {
                continue;
            }
            mask[i0] = 2;
            let mut stack = vec![(x0, y0)];
            let (mut bx0, mut by0, mut bx1, mut by1, mut n) = (x0, y0, x0, y0, 0u64);
            while let Some((x, y)) = stack.pop() {
                n += 1;
                bx0 = bx0.min(x);
                by0 = by0.min(y);
                bx1 = bx1.max(x);
                by1 = by1.max(y);
                let neighbours = [
                    (x.wrapping_sub(1), y),
                    (x + 1, y),
                    (x, y.wrapping_sub(1)),
                    (x, y + 1),
                ];
                for (nx, ny) in neighbours {
                    if nx >= doc.right() || ny >= doc.bottom() || nx < doc.x || ny < doc.y {
                        continue;
                    }
                    let j = (ny * w + nx) as usize;
                    if mask[j] == 1 {
                        mask[j] = 2;
                        stack.push((nx, ny));
                    }
                }
            }
            let share = n as f64 / doc.area().max(1) as f64;
            if share < min_share {
                continue;
            }
            let bbox = Rect {
                x: bx0,
                y: by0,
                width: bx1 - bx0 + 1,
                height: by1 - by0 + 1,
            };
            // A blown-out region filling most of the document is overexposure, not a spot.
            if share > 0.6 {
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
    }
    out.sort_by(|a, b| b.share.total_cmp(&a.share));
    out
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
        let gray = DynamicImage::ImageRgb8(rgb.clone()).to_luma8();
        let found = spots(&rgb, &gray, Rect::full(w, h), 0.005, 0.45);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].position, "centre");
        assert!(found[0].covers_print);
        let paper = RgbImage::from_pixel(w, h, Rgb([235, 235, 230]));
        let gray = DynamicImage::ImageRgb8(paper.clone()).to_luma8();
        assert!(spots(&paper, &gray, Rect::full(w, h), 0.005, 0.45).is_empty());
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
        let gray = DynamicImage::ImageRgb8(rgb.clone()).to_luma8();
        let found = spots(&rgb, &gray, Rect::full(w, h), 0.005, 0.45);
        assert!(found.is_empty(), "{found:?}");
    }
}
