//! Pictures of screens. A screenshot has a screen's exact size and no camera data (or the
//! platform's own screenshot marker); a photo of a screen shows moiré: a strong periodic
//! pattern from the display's pixel grid beating against the camera's sensor grid, which shows
//! as isolated peaks in the spectrum. Print makes peaks too (lines of text, a monospace
//! machine-readable zone), but in brightness: ink is dark, not coloured. A screen's grid is
//! made of red, green and blue sub-pixels, so its moiré is coloured, and the peaks are looked
//! for in the red-minus-green difference.

use image::RgbImage;
use serde::Serialize;

use super::meta::Meta;

/// Screen sizes of common phones, tablets and monitors (either orientation).
const SCREENS: &[(u32, u32)] = &[
    (750, 1334),
    (828, 1792),
    (1080, 1920),
    (1080, 2340),
    (1080, 2400),
    (1125, 2436),
    (1170, 2532),
    (1179, 2556),
    (1242, 2208),
    (1242, 2688),
    (1284, 2778),
    (1290, 2796),
    (1440, 2560),
    (1440, 3040),
    (1440, 3200),
    (1536, 2048),
    (1620, 2160),
    (1640, 2360),
    (1668, 2388),
    (2048, 2732),
    (1366, 768),
    (1920, 1080),
    (2560, 1440),
    (2560, 1600),
    (2880, 1800),
    (3024, 1964),
    (3840, 2160),
    (1280, 720),
    (1280, 800),
    (1440, 900),
    (1536, 864),
    (1600, 900),
    (1680, 1050),
    (1920, 1200),
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenshotSignal {
    pub screen_sized: bool,
    pub platform_marker: bool,
    pub camera_metadata: bool,
}

/// Whether the picture looks like a screenshot; `None` when it does not.
pub fn screenshot(width: u32, height: u32, meta: &Meta) -> Option<ScreenshotSignal> {
    let screen_sized = SCREENS
        .iter()
        .any(|&(w, h)| (w, h) == (width, height) || (h, w) == (width, height));
    let signal = ScreenshotSignal {
        screen_sized,
        platform_marker: meta.screenshot_marker,
        camera_metadata: meta.from_camera(),
    };
    (signal.platform_marker || (screen_sized && !signal.camera_metadata)).then_some(signal)
}

const N: usize = 256;

/// Moiré strength: the strongest off-axis spectral peak of the red-green difference at mid and
/// high frequencies over the median power there, for the central 256×256 patch. Print gives peaks on the axes (lines and
/// columns of text) and a smooth spread elsewhere; a screen's grid gives sharp peaks anywhere.
pub fn moire_score(rgb: &RgbImage) -> f64 {
    let (w, h) = rgb.dimensions();
    if (w as usize) < N || (h as usize) < N {
        return 0.0;
    }
    let (x0, y0) = ((w as usize - N) / 2, (h as usize - N) / 2);
    let pixel = |x: usize, y: usize| {
        rgb.get_pixel((x0 + x) as u32, (y0 + y) as u32)
            .0
            .map(f64::from)
    };
    let chroma = spectrum(|x, y| {
        let p = pixel(x, y);
        p[0] - p[1]
    });
    let luma = spectrum(|x, y| {
        let p = pixel(x, y);
        0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]
    });
    // The coloured peak against the picture's ordinary detail: print is strong in brightness
    // and nearly absent in colour, so its ratio stays low however regular it is.
    let (peak, _) = ring_stats(&chroma);
    let (_, median) = ring_stats(&luma);
    if peak <= 0.0 {
        return 0.0;
    }
    (peak / median.max(1e-9)).log10()
}

/// Power spectrum of a Hann-windowed, mean-free N×N patch.
fn spectrum(value: impl Fn(usize, usize) -> f64) -> Vec<f64> {
    let hann: Vec<f64> = (0..N)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / (N - 1) as f64).cos())
        .collect();
    let mut re = vec![0f64; N * N];
    let mut im = vec![0f64; N * N];
    let mut mean = 0.0;
    for y in 0..N {
        for x in 0..N {
            re[y * N + x] = value(x, y);
            mean += re[y * N + x];
        }
    }
    mean /= (N * N) as f64;
    for y in 0..N {
        for x in 0..N {
            re[y * N + x] = (re[y * N + x] - mean) * hann[x] * hann[y];
        }
    }
    fft2(&mut re, &mut im);
    re.iter().zip(&im).map(|(r, i)| r * r + i * i).collect()
}

/// Peak and median power off the axes at mid and high frequencies.
fn ring_stats(power: &[f64]) -> (f64, f64) {
    let mut ring = Vec::new();
    let mut peak = 0f64;
    for v in 0..N {
        for u in 0..N / 2 {
            let fv = if v > N / 2 {
                v as i64 - N as i64
            } else {
                v as i64
            };
            let fu = u as i64;
            let r = ((fu * fu + fv * fv) as f64).sqrt();
            if !(32.0..=120.0).contains(&r) || fu.abs() <= 3 || fv.abs() <= 3 {
                continue;
            }
            let p = power[v * N + u];
            ring.push(p);
            peak = peak.max(p);
        }
    }
    if ring.is_empty() {
        return (0.0, 0.0);
    }
    let mid = ring.len() / 2;
    ring.select_nth_unstable_by(mid, f64::total_cmp);
    (peak, ring[mid])
}

/// In-place 2-D FFT (rows, then columns) of an N×N array.
fn fft2(re: &mut [f64], im: &mut [f64]) {
    let mut row_re = vec![0f64; N];
    let mut row_im = vec![0f64; N];
    for y in 0..N {
        row_re.copy_from_slice(&re[y * N..(y + 1) * N]);
        row_im.copy_from_slice(&im[y * N..(y + 1) * N]);
        fft(&mut row_re, &mut row_im);
        re[y * N..(y + 1) * N].copy_from_slice(&row_re);
        im[y * N..(y + 1) * N].copy_from_slice(&row_im);
    }
    for x in 0..N {
        for y in 0..N {
            row_re[y] = re[y * N + x];
            row_im[y] = im[y * N + x];
        }
        fft(&mut row_re, &mut row_im);
        for y in 0..N {
            re[y * N + x] = row_re[y];
            im[y * N + x] = row_im[y];
        }
    }
}

/// Iterative radix-2 Cooley–Tukey FFT; `re.len()` must be a power of two.
fn fft(re: &mut [f64], im: &mut [f64]) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let angle = -2.0 * std::f64::consts::PI / len as f64;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (s, c) = (angle * k as f64).sin_cos();
                let (a, b) = (start + k, start + k + len / 2);
                let tr = re[b] * c - im[b] * s;
                let ti = re[b] * s + im[b] * c;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        len <<= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn fft_finds_a_pure_tone() {
        let mut re: Vec<f64> = (0..16)
            .map(|i| (2.0 * std::f64::consts::PI * 3.0 * i as f64 / 16.0).cos())
            .collect();
        let mut im = vec![0.0; 16];
        fft(&mut re, &mut im);
        assert!((re[3] - 8.0).abs() < 1e-9 && (re[13] - 8.0).abs() < 1e-9);
        assert!(re[5].abs() < 1e-9);
    }

    #[test]
    fn a_coloured_grid_scores_higher_than_print() {
        let ink =
            |x: u32, y: u32| (y / 7).is_multiple_of(2) && !((x * 7 + y * 3) / 5).is_multiple_of(3);
        let text = RgbImage::from_fn(400, 300, |x, y| {
            if ink(x, y) {
                Rgb([40, 40, 60])
            } else {
                Rgb([230, 225, 210])
            }
        });
        let screen = RgbImage::from_fn(400, 300, |x, y| {
            let beat = (0.9 * x as f64 + 0.55 * y as f64).sin() * 25.0;
            let p = text.get_pixel(x, y).0.map(f64::from);
            Rgb([p[0] + beat, p[1] - beat, p[2]].map(|c| c.clamp(0.0, 255.0) as u8))
        });
        assert!(moire_score(&screen) > moire_score(&text) + 1.0);
        let blank = RgbImage::from_pixel(100, 100, Rgb([0, 0, 0]));
        assert_eq!(moire_score(&blank), 0.0);
    }
}
