//! Photometric measurements on the working image. Each is cheap (one or two passes over at
//! most a megapixel) and explainable: the values go into the findings' evidence.

use image::{GrayImage, RgbImage};
use serde::Serialize;

use super::region::Rect;
pub use super::sharpness::{sharpness, Sharpness};

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Exposure {
    /// Mean luminance, 0–255.
    pub mean: f64,
    /// 1st, 5th and 95th percentiles of luminance.
    pub p01: u8,
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
    for row in rows(gray.as_raw(), gray.width() as usize, 1, area) {
        for &v in row {
            histogram[v as usize] += 1;
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
        p01: percentile(0.01),
        p05: percentile(0.05),
        p95: percentile(0.95),
        clipped_white: histogram[250..].iter().sum::<u64>() as f64 / total as f64,
        clipped_black: histogram[..16].iter().sum::<u64>() as f64 / total as f64,
    }
}

/// Mean of the `count` largest values counted in `histogram` (index = value).
pub(crate) fn top_mean(histogram: &[u32], count: u64) -> f64 {
    let (mut left, mut sum) = (count, 0u64);
    for (value, &n) in histogram.iter().enumerate().rev() {
        let take = u64::from(n).min(left);
        sum += take * value as u64;
        left -= take;
        if left == 0 {
            break;
        }
    }
    sum as f64 / count as f64
}

/// Share of the pixels in `area` for which `hit` holds.
pub(crate) fn share_where(rgb: &RgbImage, area: Rect, hit: impl Fn(&[u8]) -> bool) -> f64 {
    let (mut n, mut total) = (0u64, 0u64);
    for row in rows(rgb.as_raw(), rgb.width() as usize, 3, area) {
        for p in row.chunks_exact(3) {
            total += 1;
            n += u64::from(hit(p));
        }
    }
    n as f64 / total.max(1) as f64
}

/// The rows of `area` in an image of `width` pixels of `channels` bytes each, cut to the area.
pub(crate) fn rows(
    raw: &[u8],
    width: usize,
    channels: usize,
    area: Rect,
) -> impl Iterator<Item = &[u8]> {
    let (x0, x1) = (area.x as usize * channels, area.right() as usize * channels);
    (area.y as usize..area.bottom() as usize)
        .map(move |y| &raw[y * width * channels + x0..y * width * channels + x1])
}

/// Colourfulness (Hasler and Süsstrunk, 2003): near 0 for a grey picture, over 15 for an
/// ordinary colour photo.
pub fn colourfulness(rgb: &RgbImage, area: Rect) -> f64 {
    let (mut n, mut s_rg, mut s_yb, mut q_rg, mut q_yb) = (0f64, 0f64, 0f64, 0f64, 0f64);
    for row in rows(rgb.as_raw(), rgb.width() as usize, 3, area) {
        // Integer sums per run of 4096 pixels (yb doubled to stay integral): exact, and i32
        // cannot overflow (4096 × 510² < 2³¹), so the loop vectorises.
        let (mut r_rg, mut r_yb, mut r_qrg, mut r_qyb) = (0i64, 0i64, 0i64, 0i64);
        for part in row.chunks(3 * 4096) {
            let (mut a, mut b2, mut qa, mut qb) = (0i32, 0i32, 0i32, 0i32);
            for p in part.chunks_exact(3) {
                let (r, g, b) = (i32::from(p[0]), i32::from(p[1]), i32::from(p[2]));
                let rg = r - g;
                let yb2 = r + g - 2 * b;
                a += rg;
                b2 += yb2;
                qa += rg * rg;
                qb += yb2 * yb2;
            }
            r_rg += i64::from(a);
            r_yb += i64::from(b2);
            r_qrg += i64::from(qa);
            r_qyb += i64::from(qb);
        }
        n += (row.len() / 3) as f64;
        s_rg += r_rg as f64;
        s_yb += r_yb as f64 / 2.0;
        q_rg += r_qrg as f64;
        q_yb += r_qyb as f64 / 4.0;
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
