//! The colours of broad surfaces (a document's paper, the desk it lies on) and whether a
//! pixel shows the same surface under other light.
//!
//! Light falling across a photo from one side changes a surface's brightness by a quarter or
//! more from edge to edge but hardly its chromaticity, so surfaces are compared by the share
//! each channel has of the sum, with a broad band for brightness.

use image::RgbImage;

use super::region::Rect;

/// The colour most of `areas` shows: the densest neighbourhood of a 16-level-per-channel
/// histogram (a surface under uneven light spreads over neighbouring bins), as the mean of
/// the pixels in it. `None` when the areas hold no pixels.
pub fn dominant(rgb: &RgbImage, areas: &[Rect]) -> Option<[i32; 3]> {
    const LEVELS: usize = 16;
    let bin = |p: &[u8]| [p[0], p[1], p[2]].map(|c| usize::from(c) / (256 / LEVELS));
    let index = |b: [usize; 3]| (b[0] * LEVELS + b[1]) * LEVELS + b[2];
    let mut counts = vec![0u32; LEVELS * LEVELS * LEVELS];
    let sampled = |f: &mut dyn FnMut(&[u8])| {
        for &area in areas {
            for row in super::metrics::rows(rgb.as_raw(), rgb.width() as usize, 3, area).step_by(2)
            {
                row.chunks_exact(3).step_by(2).for_each(&mut *f);
            }
        }
    };
    sampled(&mut |p| counts[index(bin(p))] += 1);
    let near = |b: [usize; 3], c: [usize; 3]| (0..3).all(|i| b[i].abs_diff(c[i]) <= 1);
    let mut best: Option<([usize; 3], u32)> = None;
    for (i, &n) in counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let centre = [i / (LEVELS * LEVELS), (i / LEVELS) % LEVELS, i % LEVELS];
        let mut around = 0;
        for d0 in 0..3 {
            for d1 in 0..3 {
                for d2 in 0..3 {
                    let b = [centre[0] + d0, centre[1] + d1, centre[2] + d2];
                    if b.iter().all(|&v| (1..=LEVELS).contains(&v)) {
                        around += counts[index(b.map(|v| v - 1))];
                    }
                }
            }
        }
        if best.is_none_or(|(_, m)| around > m) {
            best = Some((centre, around));
        }
    }
    let (centre, _) = best?;
    let (mut sum, mut n) = ([0i64; 3], 0i64);
    sampled(&mut |p| {
        if near(bin(p), centre) {
            (0..3).for_each(|i| sum[i] += i64::from(p[i]));
            n += 1;
        }
    });
    (n > 0).then(|| sum.map(|s| (s / n) as i32))
}

/// Whether `p` shows the surface of colour `surface` under other light: each channel's share
/// of the sum within 0.06 of the surface's (summed over the channels), at between 0.7 and 1.4
/// times its brightness.
pub fn alike(p: &[u8], surface: [i32; 3]) -> bool {
    let sum = i64::from(p[0]) + i64::from(p[1]) + i64::from(p[2]);
    let surface_sum = i64::from(surface[0] + surface[1] + surface[2]);
    if sum * 10 < surface_sum * 7 || sum * 10 > surface_sum * 14 {
        return false;
    }
    // Σ |p_i / sum − surface_i / surface_sum| ≤ 0.06, in integers.
    let spread: i64 = (0..3)
        .map(|i| (i64::from(p[i]) * surface_sum - i64::from(surface[i]) * sum).abs())
        .sum();
    spread * 100 <= 6 * sum * surface_sum
}

/// Share of the pixels in `area` that are `alike` the surface.
pub fn share_alike(rgb: &RgbImage, area: Rect, surface: [i32; 3]) -> f64 {
    super::metrics::share_where(rgb, area, |p| alike(p, surface))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn paper_under_light_from_one_side_is_one_surface() {
        // Cream paper lit from 0.75 to 1.25 across, with a tenth of dark print.
        let img = RgbImage::from_fn(200, 100, |x, y| {
            if y % 10 == 0 {
                return Rgb([30, 30, 60]);
            }
            let k = 0.75 + 0.5 * f64::from(x) / 200.0;
            Rgb([200.0 * k, 185.0 * k, 160.0 * k].map(|c| c.min(255.0) as u8))
        });
        let all = Rect::full(200, 100);
        let paper = dominant(&img, &[all]).unwrap();
        assert!(paper.iter().all(|&c| c > 120), "{paper:?}");
        assert!(share_alike(&img, all, paper) > 0.85);
        // A brown desk is not the paper, however it is lit.
        assert!(!alike(&[115, 85, 58], paper));
        assert!(!alike(&[230, 170, 116], paper));
        assert_eq!(dominant(&img, &[]), None);
    }
}
