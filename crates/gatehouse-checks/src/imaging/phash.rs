//! Perceptual hashes: the same picture, re-encoded, resized or lightly recompressed, hashes to
//! nearly the same bits; a different picture does not.
//!
//! Two hashes are kept. The 64-bit DCT hash is compact and indexable (it is split into bands
//! the store can look up). Its low frequencies are dominated by layout, so two different cards
//! of one design can come close; the 256-bit gradient hash of finer detail confirms a match.

use image::imageops::FilterType;
use image::GrayImage;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hashes {
    /// DCT hash of the 32×32 picture's lowest 8×8 frequencies, as 16 hex digits.
    pub coarse: String,
    /// Horizontal-gradient hash of the 17×16 picture, as 64 hex digits.
    pub fine: String,
}

pub fn hashes(gray: &GrayImage) -> Hashes {
    Hashes {
        coarse: format!("{:016x}", dct_hash(gray)),
        fine: hex(&gradient_hash(gray)),
    }
}

/// `gray` at `width` × `height`: averaged down (the usual case), or stretched when smaller.
fn thumbnail(gray: &GrayImage, width: u32, height: u32) -> GrayImage {
    let (w, h) = gray.dimensions();
    if w >= width && h >= height {
        let data = super::resample::shrink(gray.as_raw(), w, h, 1, width, height);
        if let Some(small) = GrayImage::from_raw(width, height, data) {
            return small;
        }
    }
    image::imageops::resize(gray, width, height, FilterType::Triangle)
}

fn dct_hash(gray: &GrayImage) -> u64 {
    let small = thumbnail(gray, 32, 32);
    let n = 32usize;
    let px: Vec<f64> = small.pixels().map(|p| f64::from(p[0])).collect();
    let cos: Vec<f64> = (0..8)
        .flat_map(|u| {
            (0..n).map(move |x| {
                ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / (2 * n) as f64).cos()
            })
        })
        .collect();
    let mut coefficients = [0f64; 64];
    for v in 0..8 {
        for u in 0..8 {
            let mut sum = 0.0;
            for y in 0..n {
                for x in 0..n {
                    sum += px[y * n + x] * cos[u * n + x] * cos[v * n + y];
                }
            }
            coefficients[v * 8 + u] = sum;
        }
    }
    // The DC term says only how bright the picture is; leave it out of the median.
    let mut rest = coefficients[1..].to_vec();
    rest.sort_by(f64::total_cmp);
    let median = rest[rest.len() / 2];
    coefficients.iter().enumerate().fold(
        0u64,
        |bits, (i, &c)| if c > median { bits | (1 << i) } else { bits },
    )
}

fn gradient_hash(gray: &GrayImage) -> [u8; 32] {
    let small = thumbnail(gray, 17, 16);
    let mut out = [0u8; 32];
    let mut bit = 0;
    for y in 0..16 {
        for x in 0..16 {
            if small.get_pixel(x, y)[0] < small.get_pixel(x + 1, y)[0] {
                out[bit / 8] |= 1 << (bit % 8);
            }
            bit += 1;
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Differing bits between two hex hashes of equal length; `None` if either is malformed.
pub fn distance(a: &str, b: &str) -> Option<u32> {
    if a.len() != b.len() || !a.len().is_multiple_of(2) {
        return None;
    }
    let mut bits = 0;
    for i in (0..a.len()).step_by(2) {
        let x = u8::from_str_radix(a.get(i..i + 2)?, 16).ok()?;
        let y = u8::from_str_radix(b.get(i..i + 2)?, 16).ok()?;
        bits += (x ^ y).count_ones();
    }
    Some(bits)
}

/// The coarse hash split into five bands (13, 13, 13, 13 and 12 bits): two hashes within four
/// bits of each other share at least one band, so an index on the bands finds every such pair.
pub fn bands(coarse: &str) -> Option<[i64; 5]> {
    let v = u64::from_str_radix(coarse, 16).ok()?;
    let band = |shift: u32, width: u32| ((v >> shift) & ((1u64 << width) - 1)) as i64;
    Some([
        band(0, 13),
        band(13, 13),
        band(26, 13),
        band(39, 13),
        band(52, 12),
    ])
}

/// Largest coarse distance the band index is guaranteed to find.
pub const MAX_INDEXED_DISTANCE: u32 = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn picture(seed: u32) -> GrayImage {
        GrayImage::from_fn(400, 260, move |x, y| {
            let v = (x * (3 + seed) + y * (7 + 2 * seed) + (x * y) / (11 + seed)) % 251;
            Luma([v as u8])
        })
    }

    #[test]
    fn resized_and_recompressed_copies_stay_close() {
        let a = picture(1);
        let smaller = image::imageops::resize(&a, 300, 195, FilterType::Triangle);
        let brighter = GrayImage::from_fn(400, 260, |x, y| {
            Luma([a.get_pixel(x, y)[0].saturating_add(12)])
        });
        let (ha, hs, hb) = (hashes(&a), hashes(&smaller), hashes(&brighter));
        let other = hashes(&picture(5));
        assert!(distance(&ha.coarse, &hs.coarse).unwrap() <= MAX_INDEXED_DISTANCE);
        assert!(distance(&ha.fine, &hs.fine).unwrap() <= 25);
        assert!(distance(&ha.coarse, &hb.coarse).unwrap() <= MAX_INDEXED_DISTANCE);
        assert!(distance(&ha.fine, &other.fine).unwrap() > 40);
    }

    #[test]
    fn bands_share_one_when_close() {
        let a = 0x0123_4567_89ab_cdefu64;
        let b = a ^ (1 << 3) ^ (1 << 20) ^ (1 << 40) ^ (1 << 60);
        let (ba, bb) = (
            bands(&format!("{a:016x}")).unwrap(),
            bands(&format!("{b:016x}")).unwrap(),
        );
        assert!(ba.iter().zip(bb).any(|(x, y)| *x == y));
        assert_eq!(distance("ff", "0f"), Some(4));
        assert_eq!(distance("ff", "0"), None);
    }
}
