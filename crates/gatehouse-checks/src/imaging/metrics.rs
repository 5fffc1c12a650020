//! Photometric measurements on the working image. Each is cheap (one or two passes over at
//! most a megapixel) and explainable: the values go into the findings' evidence.

use image::{GrayImage, RgbImage};
use serde::Serialize;

use super::region::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Exposure {
    /// Mean luminance, 0–255.
    pub mean: f64,
    /// 5th and 95th percentiles of luminance.
    pub p05: u8,
    pub p95: u8,
    /// Share of pixels at or above 250.
    pub clipped_white: f64,
    /// Share of pixels at or below 15.
    pub clipped_black: f64,
}

/// Exposure over `area` of `gray`.
pub fn exposure(gray: &GrayImage, area: Rect) -> Exposure {
    let mut histogram = [0u64; 256];
    for y in area.y..area.bottom() {
        for x in area.x..area.right() {
            histogram[gray.get_pixel(x, y)[0] as usize] += 1;
        }
    }
    let total: u64 = histogram.iter().sum::<u64>().max(1);
    let sum: u64 = histogram
        .iter()
        .enumerate()
        .map(|(v, n)| v as u64 * n)
        .sum();
    let percentile = |p: f64| {
        let target = (total as f64 * p) as u64;
        let mut seen = 0;
        for (v, n) in histogram.iter().enumerate() {
            seen += n;
            if seen > target {
                return v as u8;
            }
        }
        255
    };
    Exposure {
        mean: sum as f64 / total as f64,
        p05: percentile(0.05),
        p95: percentile(0.95),
        clipped_white: histogram[250..].iter().sum::<u64>() as f64 / total as f64,
        clipped_black: histogram[..16].iter().sum::<u64>() as f64 / total as f64,
    }
}

/// Sharpness: how much of the edge contrast survives at the finest scale.
///
/// Blur removes the second derivative faster than the first, so the ratio of the Laplacian's
/// spread to the gradient's mean (over pixels on edges) falls with blur whatever the contrast
/// or lighting. `laplacian_variance` is the classic measure, kept for the evidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sharpness {
    pub laplacian_variance: f64,
    /// Mean |Laplacian| / mean |gradient| on the strongest 10% of edges (about 0.3 sharp, under
    /// 0.1 very blurred).
    pub edge_ratio: f64,
    /// Mean gradient magnitude of those edges.
    pub edge_strength: f64,
}

pub fn sharpness(gray: &GrayImage, area: Rect) -> Sharpness {
    let (w, h) = gray.dimensions();
    let px = |x: u32, y: u32| i32::from(gray.get_pixel(x, y)[0]);
    let mut laplacians = Vec::new();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let (x0, x1) = (area.x.max(1), area.right().min(w.saturating_sub(1)));
    let (y0, y1) = (area.y.max(1), area.bottom().min(h.saturating_sub(1)));
    let mut sum = 0f64;
    let mut sum_sq = 0f64;
    for y in y0..y1 {
        for x in x0..x1 {
            let c = px(x, y);
            let lap = px(x - 1, y) + px(x + 1, y) + px(x, y - 1) + px(x, y + 1) - 4 * c;
            let gx = px(x + 1, y) - px(x - 1, y);
            let gy = px(x, y + 1) - px(x, y - 1);
            let grad = gx.unsigned_abs() + gy.unsigned_abs();
            sum += f64::from(lap);
            sum_sq += f64::from(lap) * f64::from(lap);
            laplacians.push(lap.unsigned_abs());
            pairs.push((grad, lap.unsigned_abs()));
        }
    }
    let n = laplacians.len().max(1) as f64;
    let mean = sum / n;
    let laplacian_variance = sum_sq / n - mean * mean;
    if pairs.is_empty() {
        return Sharpness {
            laplacian_variance: 0.0,
            edge_ratio: 0.0,
            edge_strength: 0.0,
        };
    }
    // The strongest tenth of gradients, where blur shows; flat areas only add noise.
    let cut = pairs.len() - (pairs.len() / 10).max(1);
    pairs.select_nth_unstable_by_key(cut, |p| p.0);
    let top = &pairs[cut..];
    let grad: f64 = top.iter().map(|p| f64::from(p.0)).sum::<f64>() / top.len() as f64;
    // The Laplacian peaks beside an edge, not on it: compare with the strongest Laplacians.
    let lcut = laplacians.len() - (laplacians.len() / 10).max(1);
    laplacians.select_nth_unstable(lcut);
    let lap = laplacians[lcut..]
        .iter()
        .map(|&l| f64::from(l))
        .sum::<f64>()
        / (laplacians.len() - lcut) as f64;
    Sharpness {
        laplacian_variance,
        edge_ratio: if grad > 0.0 { lap / grad } else { 0.0 },
        edge_strength: grad,
    }
}

/// Colourfulness (Hasler and Süsstrunk, 2003): near 0 for a grey picture, over 15 for an
/// ordinary colour photo.
pub fn colourfulness(rgb: &RgbImage, area: Rect) -> f64 {
    let (mut n, mut s_rg, mut s_yb, mut q_rg, mut q_yb) = (0f64, 0f64, 0f64, 0f64, 0f64);
    for y in area.y..area.bottom() {
        for x in area.x..area.right() {
            let p = rgb.get_pixel(x, y).0;
            let (r, g, b) = (f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
            let rg = r - g;
            let yb = 0.5 * (r + g) - b;
            n += 1.0;
            s_rg += rg;
            s_yb += yb;
            q_rg += rg * rg;
            q_yb += yb * yb;
        }
    }
    if n == 0.0 {
        return 0.0;
    }
    let (m_rg, m_yb) = (s_rg / n, s_yb / n);
    let var_rg = (q_rg / n - m_rg * m_rg).max(0.0);
    let var_yb = (q_yb / n - m_yb * m_yb).max(0.0);
    (var_rg + var_yb).sqrt() + 0.3 * (m_rg * m_rg + m_yb * m_yb).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Luma, Rgb};

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

    #[test]
    fn grey_has_no_colour() {
        let grey = RgbImage::from_fn(50, 50, |x, y| {
            let v = ((x + y) * 2) as u8;
            Rgb([v, v, v])
        });
        let colour = RgbImage::from_fn(50, 50, |x, _| Rgb([(x * 5) as u8, 30, 200]));
        assert!(colourfulness(&grey, Rect::full(50, 50)) < 1.0);
        assert!(colourfulness(&colour, Rect::full(50, 50)) > 30.0);
    }

    #[test]
    fn exposure_percentiles() {
        let img = GrayImage::from_fn(100, 10, |x, _| Luma([if x < 50 { 0 } else { 255 }]));
        let e = exposure(&img, Rect::full(100, 10));
        assert_eq!((e.p05, e.p95), (0, 255));
        assert!((e.mean - 127.5).abs() < 0.01);
        assert!((e.clipped_white - 0.5).abs() < 1e-9);
    }
}
