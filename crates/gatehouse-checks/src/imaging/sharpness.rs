//! Sharpness: how much of the edge contrast survives at the finest scale, over the whole
//! picture and along each of four directions.
//!
//! Blur removes the second derivative faster than the first, so the mean of the strongest
//! tenth of |Laplacian| over that of |gradient| falls with blur whatever the contrast or
//! lighting: the isotropic edge ratio. Two cases escape it:
//! - A photo taken with a moving hand is smeared along one direction only: edges across the
//!   motion are soft while edges along it stay sharp, and the strongest edges, where the
//!   isotropic measure looks, are the sharp ones. Measured along rows, columns and both
//!   diagonals, the smeared direction shows.
//! - Sensor noise raises second differences far more than first ones, so a blurred photo
//!   taken in low light reads as sharp. The step ratio does not: where the difference between
//!   the pixels two away on either side (four apart) is among the strongest tenth (and at
//!   least half the 99th percentile), it is compared with the largest difference between
//!   pixels two apart in the same span. A sharp step is crossed within two pixels, so the two
//!   are equal; a blurred one spreads over several, and four apart the difference is twice as
//!   large. Noise adds about as much to either.
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
    /// Mean of the strongest tenth of |Laplacian| over the mean of the strongest tenth of
    /// |gradient| (about 0.5 to 1.5 sharp, under 0.2 very blurred).
    pub edge_ratio: f64,
    /// Mean gradient magnitude of those edges.
    pub edge_strength: f64,
    /// The weakest of the four directions.
    pub directional: Directional,
}

/// The weakest direction's sharpness. A direction with hardly any contrast along it (sharp
/// stripes running that way, or a blank page) is not measured: `None` when none was.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Directional {
    /// Least edge ratio over the four directions: 0.47 to 1.7 on the calibration's pictures
    /// without blur, under 0.4 smeared.
    pub edge_ratio: Option<f64>,
    /// The direction it was found along (`horizontal`, `vertical`, `diagonal_down`,
    /// `diagonal_up`): the direction of the smear when a moving hand caused it.
    pub direction: Option<&'static str>,
    /// Least step ratio over the four directions: 0.83 to 1.05 on the calibration's pictures
    /// without blur, towards 0.5 as edges spread.
    pub step_ratio: Option<f64>,
    /// The direction the step ratio was found along.
    pub step_direction: Option<&'static str>,
}

impl Sharpness {
    /// A picture too small to measure.
    const NONE: Sharpness = Sharpness {
        laplacian_variance: 0.0,
        edge_ratio: 0.0,
        edge_strength: 0.0,
        directional: Directional::NONE,
    };
}

impl Directional {
    const NONE: Directional = Directional {
        edge_ratio: None,
        direction: None,
        step_ratio: None,
        step_direction: None,
    };
}

/// Least mean contrast (grey levels) of a direction's strongest differences for it to be
/// measured, and least difference four apart for a span to count in the step ratio: below it,
/// JPEG noise on flat paper is what would be measured.
const MIN_CONTRAST: f64 = 10.0;

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
        directional: weakest(&tallies[..], n),
    }
}

fn weakest(tallies: &[Tally], n: u64) -> Directional {
    let top = (n / 10).max(1);
    let mut out = Directional::NONE;
    for (tally, name) in tallies.iter().zip(DIRECTIONS) {
        // Along a diagonal a step is √2 pixels long, but print runs along rows and columns,
        // which a diagonal step crosses one pixel at a time: no correction (with one, a
        // diagonal was the weakest direction of every sharp specimen).
        let near = top_mean(&tally.near, top);
        if near >= MIN_CONTRAST {
            let edge = top_mean(&tally.second, top) / near;
            if out.edge_ratio.is_none_or(|least| edge < least) {
                out.edge_ratio = Some(edge);
                out.direction = Some(name);
            }
        }
        if let Some(step) = step_ratio(&tally.far, &tally.far_near_sum, n) {
            if out.step_ratio.is_none_or(|least| step < least) {
                out.step_ratio = Some(step);
                out.step_direction = Some(name);
            }
        }
    }
    out
}

/// Over the strongest tenth of the `n` differences four apart (`far[v]` pixels had difference
/// `v`, and `near_sum[v]` is the sum of their largest differences two apart), the sum of the
/// latter over the sum of the former. Only differences of at least half the 99th percentile
/// (and `MIN_CONTRAST`) count: the strongest tenth of a page with little print would
/// otherwise take in soft texture around it (a desk's grain), which reads as blur. `None`
/// when nothing is that strong.
fn step_ratio(far: &[u32; 256], near_sum: &[u64; 256], n: u64) -> Option<f64> {
    let mut seen = 0u64;
    let p99 = (0..256)
        .rev()
        .find(|&v| {
            seen += u64::from(far[v]);
            seen * 100 > n
        })
        .unwrap_or(0);
    let floor = (p99 / 2).max(MIN_CONTRAST as usize);
    let (mut left, mut sum_far, mut sum_near) = ((n / 10).max(1), 0f64, 0f64);
    for value in (floor..256).rev() {
        let count = u64::from(far[value]);
        if count == 0 {
            continue;
        }
        // The last bin is taken in part, at its mean.
        let take = count.min(left);
        sum_far += (take * value as u64) as f64;
        sum_near += near_sum[value] as f64 * take as f64 / count as f64;
        left -= take;
        if left == 0 {
            break;
        }
    }
    (sum_far > 0.0).then(|| sum_near / sum_far)
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

    /// `img` averaged twice over `len` pixels along the step `(dx, dy)`: a hand moving that
    /// way (twice over: a hand's smear has no sharp ends, as one box average has).
    fn smear(img: &GrayImage, (dx, dy): (i64, i64), len: i64) -> GrayImage {
        let once = |img: &GrayImage| {
            let (w, h) = (i64::from(img.width()), i64::from(img.height()));
            GrayImage::from_fn(img.width(), img.height(), |x, y| {
                let (mut sum, mut n) = (0u32, 0u32);
                for k in -len / 2..=len / 2 {
                    let (sx, sy) = (i64::from(x) + k * dx, i64::from(y) + k * dy);
                    if (0..w).contains(&sx) && (0..h).contains(&sy) {
                        sum += u32::from(img.get_pixel(sx as u32, sy as u32)[0]);
                        n += 1;
                    }
                }
                Luma([(sum / n) as u8])
            })
        };
        once(&once(img))
    }

    fn measure(img: &GrayImage) -> Directional {
        let (w, h) = img.dimensions();
        sharpness(img, Rect::full(w, h)).directional
    }

    #[test]
    fn a_smear_is_found_along_its_direction() {
        let sharp = measure(&print());
        assert!(sharp.edge_ratio.unwrap() > 0.5, "{sharp:?}");
        assert!(sharp.step_ratio.unwrap() > 0.9, "{sharp:?}");
        let cases = [
            ((1, 0), 5, "horizontal"),
            ((0, 1), 5, "vertical"),
            ((1, 1), 4, "diagonal_down"),
            ((1, -1), 4, "diagonal_up"),
        ];
        for (step, len, name) in cases {
            let smeared = measure(&smear(&print(), step, len));
            assert!(smeared.edge_ratio.unwrap() < 0.35, "{name}: {smeared:?}");
            assert_eq!(smeared.direction, Some(name), "{smeared:?}");
            // A diagonal smear softens the rows and columns too: the step ratio may be least
            // along one of them.
            assert!(smeared.step_direction.is_some(), "{smeared:?}");
            assert!(smeared.step_ratio.unwrap() < 0.78, "{name}: {smeared:?}");
        }
        // Turned a quarter, a sideways smear runs down the columns.
        let turned = image::imageops::rotate90(&smear(&print(), (1, 0), 5));
        assert_eq!(measure(&turned).direction, Some("vertical"));
    }

    #[test]
    fn a_direction_without_contrast_is_not_measured() {
        // Stripes running down the columns: nothing changes along them.
        let along = measure(&stripes(200, 100, 6));
        assert!(along.edge_ratio.unwrap() > 0.5, "{along:?}");
        assert_ne!(along.direction, Some("vertical"));
        assert_ne!(along.step_direction, Some("vertical"));
        // A blank page: no direction at all, so nothing reads as blurred.
        assert_eq!(
            measure(&GrayImage::from_pixel(60, 40, Luma([230]))),
            Directional::NONE
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
        let noisy = measure(&noisy);
        // The noise lifts the second differences: the edge ratio alone would call it sharp.
        assert!(noisy.edge_ratio.unwrap() > 0.45, "{noisy:?}");
        assert!(noisy.step_ratio.unwrap() < 0.78, "{noisy:?}");
    }

    #[test]
    fn small_and_edge_areas_are_measured_without_panicking() {
        let tiny = GrayImage::new(4, 4);
        assert_eq!(sharpness(&tiny, Rect::full(4, 4)), Sharpness::NONE);
        let one = GrayImage::from_fn(5, 5, |x, y| Luma([((x * 50) ^ (y * 30)) as u8]));
        assert!(sharpness(&one, Rect::full(5, 5)).edge_ratio.is_finite());
        let line = GrayImage::new(1, 50);
        assert_eq!(sharpness(&line, Rect::full(1, 50)), Sharpness::NONE);
        let page = print();
        let corner = Rect {
            x: 230,
            y: 150,
            width: 10,
            height: 10,
        };
        let s = sharpness(&page, corner);
        assert!(s.edge_ratio.is_finite() && s.laplacian_variance.is_finite());
    }
}
