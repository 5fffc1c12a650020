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
/// high frequencies over the median power of the brightness there, for the central 256×256
/// patch. Print gives peaks on the axes (lines and columns of text) and a smooth spread
/// elsewhere; a screen's grid gives sharp peaks anywhere.
pub fn moire_score(rgb: &RgbImage) -> f64 {
    let (w, h) = rgb.dimensions();
    if (w as usize) < N || (h as usize) < N {
        return 0.0;
    }
    let (x0, y0) = ((w as usize - N) / 2, (h as usize - N) / 2);
    // Both real signals go into one complex transform (chroma as the real part, brightness as
    // the imaginary part) and are separated afterwards by the transform's symmetry: one FFT
    // instead of two.
    let mut re = vec![0f32; N * N];
    let mut im = vec![0f32; N * N];
    let stride = w as usize * 3;
    let raw = rgb.as_raw();
    for y in 0..N {
        let row = &raw[(y0 + y) * stride + x0 * 3..(y0 + y) * stride + (x0 + N) * 3];
        for (x, p) in row.chunks_exact(3).enumerate() {
            let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
            re[y * N + x] = r - g;
            im[y * N + x] = 0.299 * r + 0.587 * g + 0.114 * b;
        }
    }
    window(&mut re);
    window(&mut im);
    let twiddles = Twiddles::new(N);
    fft2(&mut re, &mut im, &twiddles);
    // Z = C + iL, so C[k] = (Z[k] + conj Z[-k]) / 2 and L[k] = (Z[k] - conj Z[-k]) / 2i.
    let mut chroma_peak = 0f32;
    let mut luma = Vec::with_capacity(N * N / 4);
    // fft2 leaves frequency u (along x) first.
    for_ring(|u, v| {
        let k = u * N + v;
        let m = ((N - u) % N) * N + (N - v) % N;
        let (zr, zi, mr, mi) = (re[k], im[k], re[m], -im[m]);
        let (cr, ci) = ((zr + mr) / 2.0, (zi + mi) / 2.0);
        let (lr, li) = ((zi - mi) / 2.0, (mr - zr) / 2.0);
        chroma_peak = chroma_peak.max(cr * cr + ci * ci);
        luma.push(lr * lr + li * li);
    });
    if chroma_peak <= 0.0 || luma.is_empty() {
        return 0.0;
    }
    let mid = luma.len() / 2;
    luma.select_nth_unstable_by(mid, f32::total_cmp);
    let median = f64::from(luma[mid]);
    (f64::from(chroma_peak) / median.max(1e-9)).log10()
}

/// Removes the mean and applies a Hann window to an N×N patch.
fn window(values: &mut [f32]) {
    let hann: Vec<f32> = (0..N)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / (N - 1) as f32).cos())
        .collect();
    let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / (N * N) as f64;
    let mean = mean as f32;
    for (y, row) in values.chunks_exact_mut(N).enumerate() {
        for (x, v) in row.iter_mut().enumerate() {
            *v = (*v - mean) * hann[x] * hann[y];
        }
    }
}

/// Calls `f(u, v)` for the frequencies judged: off the axes, at mid and high frequencies
/// (radius 32 to 120), one half-plane (the other mirrors it).
fn for_ring(mut f: impl FnMut(usize, usize)) {
    for v in 0..N {
        let fv = if v > N / 2 {
            v as i64 - N as i64
        } else {
            v as i64
        };
        for u in 4..N / 2 {
            let fu = u as i64;
            let r2 = fu * fu + fv * fv;
            if !(32 * 32..=120 * 120).contains(&r2) || fv.abs() <= 3 {
                continue;
            }
            f(u, v);
        }
    }
}

/// The twiddle factors exp(-2πik/len) of every stage of a radix-2 FFT of length `n`, each
/// stage's contiguous (`len / 2` values starting at `len / 2 - 1`), computed once per size.
struct Twiddles {
    cos: Vec<f32>,
    sin: Vec<f32>,
}

impl Twiddles {
    fn new(n: usize) -> Twiddles {
        let mut t = Twiddles {
            cos: Vec::with_capacity(n),
            sin: Vec::with_capacity(n),
        };
        let mut len = 2;
        while len <= n {
            for k in 0..len / 2 {
                let (s, c) = (-2.0 * std::f64::consts::PI * k as f64 / len as f64).sin_cos();
                t.cos.push(c as f32);
                t.sin.push(s as f32);
            }
            len <<= 1;
        }
        t
    }

    fn stage(&self, len: usize) -> (&[f32], &[f32]) {
        let (start, half) = (len / 2 - 1, len / 2);
        (
            &self.cos[start..start + half],
            &self.sin[start..start + half],
        )
    }
}

/// In-place 2-D FFT of an N×N array `a[y][x]`, leaving the transform transposed: `a[u][v]`
/// for frequency u along x and v along y. Both passes transform along the first index with
/// the butterflies running across whole rows (contiguous, so they vectorise); the one
/// transpose between them replaces strided column access.
fn fft2(re: &mut [f32], im: &mut [f32], twiddles: &Twiddles) {
    fft_columns(re, im, twiddles);
    transpose(re);
    transpose(im);
    fft_columns(re, im, twiddles);
}

/// The FFT along the first index of an N×N array, for every column at once.
fn fft_columns(re: &mut [f32], im: &mut [f32], twiddles: &Twiddles) {
    let mut j = 0;
    for i in 1..N {
        let mut bit = N >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            for a in [&mut *re, &mut *im] {
                let (lo, hi) = a.split_at_mut(j * N);
                lo[i * N..(i + 1) * N].swap_with_slice(&mut hi[..N]);
            }
        }
    }
    let mut len = 2;
    while len <= N {
        let (cos, sin) = twiddles.stage(len);
        let half = len / 2;
        for (block_re, block_im) in re
            .chunks_exact_mut(len * N)
            .zip(im.chunks_exact_mut(len * N))
        {
            let (top_re, bottom_re) = block_re.split_at_mut(half * N);
            let (top_im, bottom_im) = block_im.split_at_mut(half * N);
            for k in 0..half {
                let (c, s) = (cos[k], sin[k]);
                let rows = k * N..(k + 1) * N;
                let ar = &mut top_re[rows.clone()];
                let ai = &mut top_im[rows.clone()];
                let br = &mut bottom_re[rows.clone()];
                let bi = &mut bottom_im[rows];
                for (((ar, ai), br), bi) in ar
                    .iter_mut()
                    .zip(ai.iter_mut())
                    .zip(br.iter_mut())
                    .zip(bi.iter_mut())
                {
                    let tr = *br * c - *bi * s;
                    let ti = *br * s + *bi * c;
                    *br = *ar - tr;
                    *bi = *ai - ti;
                    *ar += tr;
                    *ai += ti;
                }
            }
        }
        len <<= 1;
    }
}

fn transpose(a: &mut [f32]) {
    for y in 0..N {
        for x in y + 1..N {
            a.swap(y * N + x, x * N + y);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn fft_finds_a_pure_tone() {
        // cos(2π·3x/N) along x, the same on every row: all power at u = ±3, v = 0.
        let mut re: Vec<f32> = (0..N * N)
            .map(|i| (2.0 * std::f32::consts::PI * 3.0 * (i % N) as f32 / N as f32).cos())
            .collect();
        let mut im = vec![0.0; N * N];
        fft2(&mut re, &mut im, &Twiddles::new(N));
        let half = (N * N / 2) as f32;
        assert!((re[3 * N] - half).abs() < 1.0 && (re[(N - 3) * N] - half).abs() < 1.0);
        assert!(re[5 * N].abs() < 1.0 && re[3 * N + 1].abs() < 1.0 && im[3 * N].abs() < 1.0);
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
