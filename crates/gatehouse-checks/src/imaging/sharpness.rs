//! Sharpness: how much of the edge contrast survives at the finest scale, over the whole
//! picture and along each of four directions.
//!
//! Blur removes the second derivative faster than the first, so the ratio of the Laplacian's
//! spread to the gradient's mean (over the strongest edges) falls with blur whatever the
//! contrast or lighting: the isotropic edge ratio. Two cases escape it:
//! - A photo taken with a moving hand is smeared along one direction only: edges across the
//!   motion are soft while edges along it stay sharp, and the strongest edges, where the
//!   isotropic measure looks, are the sharp ones. Measured along rows, columns and both
//!   diagonals, the smeared direction shows.
//! - Sensor noise raises second differences far more than first ones, so a blurred photo
//!   taken in low light reads as sharp. The step ratio does not: where the difference between
//!   the pixels two away on either side (four apart) is among the strongest tenth, it is
//!   compared with the largest difference between pixels two apart in the same span. A sharp
//!   step is crossed within two pixels, so the two are equal; a blurred one spreads over
//!   several, and four apart the difference is twice as large. Noise adds about as much to
//!   either.
//!
//! Every second pixel of every second row is measured (the differences use all the pixels
//! around it): the strongest tenth of edges is the same tenth at a quarter of the cost. Every
//! fourth row was tried and is not enough: it falls in step with lines of print.

use image::GrayImage;
use serde::Serialize;

use super::metrics::top_mean;
use super::region::Rect;

/// Names of the directions the evidence gives, in the order they are measured: along rows,
/// along columns, from top left to bottom right and from bottom left to top right.
const DIRECTIONS: [&str; 4] = ["horizontal", "vertical", "diagonal_down", "diagonal_up"];

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sharpness {
    /// Variance of the Laplacian: the classic measure, kept for the evidence.
    pub laplacian_variance: f64,
    /// Mean |Laplacian| / mean |gradient| on the strongest 10% of edges (about 0.5 to 1.5
    /// sharp, under 0.2 very blurred).
    pub edge_ratio: f64,
    /// Mean gradient magnitude of those edges.
    pub edge_strength: f64,
    /// The weakest of the four directions.
    pub directional: Directional,
}

/// The weakest direction's sharpness.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Directional {
    /// Least edge ratio over the four directions (diagonal steps are √2 pixels long, and the
    /// ratio is divided by that): about 0.45 to 1.1 on sharp documents, under 0.4 smeared.
    pub edge_ratio: f64,
    /// The direction it was found along (`horizontal`, `vertical`, `diagonal_down`,
    /// `diagonal_up`): the direction of the smear when a moving hand caused it.
    pub direction: &'static str,
    /// Least step ratio over the four directions: about 0.85 to 1.3 on sharp documents
    /// (sharpening overshoots), towards 0.5 as edges spread.
    pub step_ratio: f64,
}

impl Sharpness {
    /// A picture too small to measure.
    const NONE: Sharpness = Sharpness {
        laplacian_variance: 0.0,
        edge_ratio: 0.0,
        edge_strength: 0.0,
        directional: Directional {
            edge_ratio: 0.0,
            direction: "horizontal",
            step_ratio: 0.0,
        },
    };
}

/// One direction's histograms: of |second difference| (≤ 510) and of |difference two apart|
/// (≤ 255); and by |difference four apart| (≤ 255), how many pixels had it and the sum of the
/// largest difference two apart around each (in 64 bits: a working size set to thousands of
/// pixels would overflow 32).
struct Tally {
    second: [u32; 511],
    near: [u32; 256],
    far: [u32; 256],
    far_near_sum: [u64; 256],
}

impl Tally {
    const EMPTY: Tally = Tally {
        second: [0; 511],
        near: [0; 256],
        far: [0; 256],
        far_near_sum: [0; 256],
    };

    /// Counts the centre pixel `c` with the pixels one (`a1`, `b1`) and two (`a2`, `b2`) steps
    /// away on either side; returns the second difference and the difference two apart.
    #[inline(always)]
    fn add(&mut self, c: i32, [a1, b1, a2, b2]: [u8; 4]) -> (i32, i32) {
        let [a1, b1, a2, b2] = [a1, b1, a2, b2].map(i32::from);
        let near = (a1 - b1).unsigned_abs() as usize;
        let far = (a2 - b2).unsigned_abs() as usize;
        // Two apart, centred on this pixel and on either neighbour.
        let widest = near
            .max((a2 - c).unsigned_abs() as usize)
            .max((c - b2).unsigned_abs() as usize);
        let second = a1 + b1 - 2 * c;
        self.second[second.unsigned_abs() as usize] += 1;
        self.near[near] += 1;
        self.far[far] += 1;
        self.far_near_sum[far] += widest as u64;
        (second, a1 - b1)
    }
}

/// The isotropic histograms: |Laplacian| ≤ 4 × 255 and |gx| + |gy| ≤ 2 × 255, which give the
/// means of the strongest tenth exactly without keeping every pixel's values.
struct Isotropic {
    laplacians: [u32; 1021],
    gradients: [u32; 511],
    sum: i64,
    sum_sq: i64,
}

pub fn sharpness(gray: &GrayImage, area: Rect) -> Sharpness {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let raw = gray.as_raw();
    let (x0, x1) = (
        (area.x as usize).max(2),
        (area.right() as usize).min(w.saturating_sub(2)),
    );
    let (y0, y1) = (
        (area.y as usize).max(2),
        (area.bottom() as usize).min(h.saturating_sub(2)),
    );
    if x1 <= x0 || y1 <= y0 {
        return Sharpness::NONE;
    }
    let mut tallies = Box::new([Tally::EMPTY, Tally::EMPTY, Tally::EMPTY, Tally::EMPTY]);
    let mut iso = Box::new(Isotropic {
        laplacians: [0; 1021],
        gradients: [0; 511],
        sum: 0,
        sum_sq: 0,
    });
    let [along_rows, along_columns, down, up] = &mut *tallies;
    let mut n = 0u64;
    let row = |y: usize| &raw[y * w..(y + 1) * w];
    for y in (y0..y1).step_by(2) {
        let (u2, u1, r, d1, d2) = (row(y - 2), row(y - 1), row(y), row(y + 1), row(y + 2));
        for x in (x0..x1).step_by(2) {
            let c = i32::from(r[x]);
            let (sx, gx) = along_rows.add(c, [r[x + 1], r[x - 1], r[x + 2], r[x - 2]]);
            let (sy, gy) = along_columns.add(c, [d1[x], u1[x], d2[x], u2[x]]);
            down.add(c, [d1[x + 1], u1[x - 1], d2[x + 2], u2[x - 2]]);
            up.add(c, [u1[x + 1], d1[x - 1], u2[x + 2], d2[x - 2]]);
            let lap = sx + sy;
            iso.laplacians[lap.unsigned_abs() as usize] += 1;
            iso.gradients[(gx.unsigned_abs() + gy.unsigned_abs()) as usize] += 1;
            iso.sum += i64::from(lap);
            iso.sum_sq += i64::from(lap * lap);
        }
        n += (x1 - x0).div_ceil(2) as u64;
    }
    let top = (n / 10).max(1);
    let mean = iso.sum as f64 / n as f64;
    // The strongest tenth of gradients, where blur shows; flat areas only add noise. The
    // Laplacian peaks beside an edge, not on it: compare with the strongest Laplacians.
    let grad = top_mean(&iso.gradients, top);
    let lap = top_mean(&iso.laplacians, top);
    Sharpness {
        laplacian_variance: iso.sum_sq as f64 / n as f64 - mean * mean,
        edge_ratio: if grad > 0.0 { lap / grad } else { 0.0 },
        edge_strength: grad,
        directional: weakest(&tallies[..], top),
    }
}

fn weakest(tallies: &[Tally], top: u64) -> Directional {
    let mut out = Directional {
        edge_ratio: f64::INFINITY,
        step_ratio: f64::INFINITY,
        ..Sharpness::NONE.directional
    };
    for (d, (tally, name)) in tallies.iter().zip(DIRECTIONS).enumerate() {
        let near = top_mean(&tally.near, top);
        let second = top_mean(&tally.second, top);
        let length = if d < 2 { 1.0 } else { std::f64::consts::SQRT_2 };
        let edge = if near > 0.0 {
            second / near / length
        } else {
            0.0
        };
        let step = step_ratio(&tally.far, &tally.far_near_sum, top);
        if edge < out.edge_ratio {
            out.edge_ratio = edge;
            out.direction = name;
        }
        out.step_ratio = out.step_ratio.min(step);
    }
    out
}

/// Over the `top` strongest differences four apart (`far[v]` pixels had difference `v`, and
/// `near_sum[v]` is the sum of their largest differences two apart), the sum of the latter
/// over the sum of the former.
fn step_ratio(far: &[u32; 256], near_sum: &[u64; 256], top: u64) -> f64 {
    let (mut left, mut sum_far, mut sum_near) = (top, 0f64, 0f64);
    for value in (1..256).rev() {
        let n = u64::from(far[value]);
        if n == 0 {
            continue;
        }
        // The last bin is taken in part, at its mean.
        let take = n.min(left);
        sum_far += (take * value as u64) as f64;
        sum_near += near_sum[value] as f64 * take as f64 / n as f64;
        left -= take;
        if left == 0 {
            break;
        }
    }
    if sum_far > 0.0 {
        sum_near / sum_far
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn stripes(w: u32, h: u32, period: u32) -> GrayImage {
        GrayImage::from_fn(w, h, |x, _| {
            Luma([if (x / period).is_multiple_of(2) {
                40
            } else {
                210
            }])
        })
    }

    #[test]
    fn blur_lowers_the_edge_ratio() {
        let sharp = stripes(200, 100, 6);
        let blurred = image::imageops::blur(&sharp, 3.0);
        let all = Rect::full(200, 100);
        let a = sharpness(&sharp, all);
        let b = sharpness(&blurred, all);
        assert!(a.edge_ratio > 2.0 * b.edge_ratio, "{a:?} {b:?}");
        assert!(a.laplacian_variance > 10.0 * b.laplacian_variance);
    }

    /// Squares of print on paper: edges in every direction.
    fn print() -> GrayImage {
        GrayImage::from_fn(240, 160, |x, y| {
            let ink = (x / 7 + y / 5) % 3 == 0 && (x / 13 + y / 11) % 2 == 0;
            Luma([if ink { 40 } else { 215 }])
        })
    }

    /// `img` averaged over `len` pixels along rows: a hand moving sideways.
    fn smear_rows(img: &GrayImage, len: u32) -> GrayImage {
        GrayImage::from_fn(img.width(), img.height(), |x, y| {
            let xs = x.saturating_sub(len / 2)..(x + len / 2 + 1).min(img.width());
            let n = xs.len() as u32;
            Luma([(xs.map(|x| u32::from(img.get_pixel(x, y)[0])).sum::<u32>() / n) as u8])
        })
    }

    fn measure(img: &GrayImage) -> Directional {
        let (w, h) = img.dimensions();
        sharpness(img, Rect::full(w, h)).directional
    }

    #[test]
    fn a_sideways_smear_is_found_along_rows() {
        let sharp = measure(&print());
        // Twice over: a hand's smear has no sharp ends, as one box average has.
        let smeared = measure(&smear_rows(&smear_rows(&print(), 5), 5));
        assert!(sharp.edge_ratio > 0.5, "{sharp:?}");
        assert!(smeared.edge_ratio < 0.3, "{smeared:?}");
        assert_eq!(smeared.direction, "horizontal");
        assert!(
            smeared.step_ratio < sharp.step_ratio - 0.15,
            "{sharp:?} {smeared:?}"
        );
    }

    #[test]
    fn noise_leaves_the_step_ratio_of_a_blurred_picture_low() {
        let blurred = image::imageops::blur(&print(), 2.5);
        let mut seed = 7u32;
        let noisy = GrayImage::from_fn(240, 160, |x, y| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let noise = ((seed >> 16) % 41) as i32 - 20;
            Luma([(i32::from(blurred.get_pixel(x, y)[0]) + noise).clamp(0, 255) as u8])
        });
        let clean = measure(&print());
        let noisy = measure(&noisy);
        // The noise lifts the second differences: the edge ratio alone would call it sharp.
        assert!(noisy.edge_ratio > 0.45, "{noisy:?}");
        assert!(noisy.step_ratio < 0.78, "{noisy:?}");
        assert!(clean.step_ratio > 0.9, "{clean:?}");
    }

    #[test]
    fn too_small_to_measure() {
        let tiny = GrayImage::new(4, 4);
        assert_eq!(sharpness(&tiny, Rect::full(4, 4)), Sharpness::NONE);
    }
}
