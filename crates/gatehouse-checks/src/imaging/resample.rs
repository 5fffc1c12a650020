//! Shrinking by area averaging (a box filter) in integer arithmetic, one output row at a time.
//!
//! Every output pixel is the mean of the source pixels it covers, weighted by how much of each
//! it covers. That is the right filter for shrinking (no aliasing, no ringing), needs no
//! floating point and no intermediate image: the only buffers are the output and two rows.

/// Fixed-point bits of the weights (each output pixel's weights sum to `1 << BITS`).
const BITS: u32 = 14;
/// Fractional bits kept between the horizontal and the vertical pass.
const MID: u32 = 6;

/// For each output index, the first source index it covers and the weights of the source
/// indices from there.
struct Taps {
    starts: Vec<u32>,
    offsets: Vec<usize>,
    weights: Vec<u32>,
}

impl Taps {
    fn new(src: u32, dst: u32) -> Taps {
        let ratio = f64::from(src) / f64::from(dst);
        let mut taps = Taps {
            starts: Vec::with_capacity(dst as usize),
            offsets: Vec::with_capacity(dst as usize + 1),
            weights: Vec::new(),
        };
        taps.offsets.push(0);
        for i in 0..dst {
            let (lo, hi) = (f64::from(i) * ratio, (f64::from(i) + 1.0) * ratio);
            let first = lo.floor() as u32;
            let last = (hi.ceil() as u32).clamp(first + 1, src);
            let start = taps.weights.len();
            let mut total = 0u32;
            for j in first..last {
                let cover = (hi.min(f64::from(j) + 1.0) - lo.max(f64::from(j))).max(0.0);
                let w = (cover / ratio * f64::from(1u32 << BITS)).round() as u32;
                taps.weights.push(w);
                total += w;
            }
            // Rounding may leave the sum a little off 1.0: give the difference to the largest
            // weight, so flat areas keep their exact value.
            let slice = &mut taps.weights[start..];
            if let Some(max) = slice.iter_mut().max() {
                *max = (*max + (1 << BITS)).saturating_sub(total);
            }
            taps.starts.push(first);
            taps.offsets.push(taps.weights.len());
        }
        taps
    }

    fn of(&self, i: usize) -> (usize, &[u32]) {
        (
            self.starts[i] as usize,
            &self.weights[self.offsets[i]..self.offsets[i + 1]],
        )
    }
}

/// Shrinks `src` (`width` × `height` pixels of `channels` (1 to 4) interleaved bytes) to `dst_width` ×
/// `dst_height`. Neither output side may exceed the source's.
pub fn shrink(
    src: &[u8],
    width: u32,
    height: u32,
    channels: usize,
    dst_width: u32,
    dst_height: u32,
) -> Vec<u8> {
    let (dw, dh) = (dst_width.clamp(1, width), dst_height.clamp(1, height));
    let h_taps = Taps::new(width, dw);
    let v_taps = Taps::new(height, dh);
    let row_len = width as usize * channels;
    let out_len = dw as usize * channels;
    let mut out = vec![0u8; out_len * dh as usize];
    // The horizontally shrunk source row last computed: consecutive output rows share at most
    // one source row, so one cached row avoids doing any twice.
    let mut cached: (usize, Vec<u32>) = (usize::MAX, vec![0; out_len]);
    let mut current = vec![0u32; out_len];
    let mut acc = vec![0u32; out_len];
    for (y, out_row) in out.chunks_exact_mut(out_len).enumerate() {
        let (first, weights) = v_taps.of(y);
        acc.fill(0);
        for (k, &wv) in weights.iter().enumerate() {
            let j = first + k;
            let row = if cached.0 == j {
                &cached.1
            } else {
                horizontal(
                    &src[j * row_len..(j + 1) * row_len],
                    channels,
                    &h_taps,
                    &mut current,
                );
                std::mem::swap(&mut cached.1, &mut current);
                cached.0 = j;
                &cached.1
            };
            for (a, &v) in acc.iter_mut().zip(row.iter()) {
                *a += wv * v;
            }
        }
        let round = 1u32 << (BITS + MID - 1);
        for (o, &a) in out_row.iter_mut().zip(acc.iter()) {
            *o = ((a + round) >> (BITS + MID)).min(255) as u8;
        }
    }
    out
}

/// One source row shrunk horizontally, with `MID` fractional bits.
fn horizontal(row: &[u8], channels: usize, taps: &Taps, out: &mut [u32]) {
    // One copy per channel count, so the inner loops run over arrays of known length.
    match channels {
        1 => horizontal_n::<1>(row, taps, out),
        2 => horizontal_n::<2>(row, taps, out),
        3 => horizontal_n::<3>(row, taps, out),
        _ => horizontal_n::<4>(row, taps, out),
    }
}

fn horizontal_n<const C: usize>(row: &[u8], taps: &Taps, out: &mut [u32]) {
    let round = 1u32 << (BITS - MID - 1);
    for ((px, &first), bounds) in out
        .chunks_exact_mut(C)
        .zip(&taps.starts)
        .zip(taps.offsets.windows(2))
    {
        let weights = &taps.weights[bounds[0]..bounds[1]];
        let first = first as usize * C;
        let src = &row[first..first + weights.len() * C];
        let mut sums = [0u32; C];
        for (p, &w) in src.chunks_exact(C).zip(weights) {
            for c in 0..C {
                sums[c] += w * u32::from(p[c]);
            }
        }
        for c in 0..C {
            px[c] = (sums[c] + round) >> (BITS - MID);
        }
    }
}

/// Grey from RGB with the sRGB luma weights, rounded, as `image`'s `to_luma8` computes it.
pub fn luma(rgb: &[u8]) -> Vec<u8> {
    // Rec. 709 weights in 20-bit fixed point (summing to 2^20, so white stays 255), rounded
    // to nearest: the value image's f32 conversion gives, but by one for about one colour in
    // ten thousand that lands within float rounding of a half (see the test), without its
    // three divisions per pixel.
    const R: u32 = 222_927;
    const G: u32 = 749_942;
    const B: u32 = 75_707;
    rgb.chunks_exact(3)
        .map(|p| {
            let sum = R * u32::from(p[0]) + G * u32::from(p[1]) + B * u32::from(p[2]);
            ((sum + (1 << 19)) >> 20) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The conversion `luma` replaces: image's, in f32 on [0, 1].
    fn luma_f32(r: u8, g: u8, b: u8) -> u8 {
        let [r, g, b] = [r, g, b].map(|c| f32::from(c) / 255.0);
        ((0.2126 * r + 0.7152 * g + 0.0722 * b) * 255.0 + 0.5) as u8
    }

    #[test]
    fn luma_matches_the_float_conversion_for_every_colour_but_a_few_by_one() {
        let mut rgb = Vec::with_capacity(256 * 256 * 3);
        let mut differ = 0;
        for r in 0..=255u8 {
            rgb.clear();
            for g in 0..=255u8 {
                for b in 0..=255u8 {
                    rgb.extend([r, g, b]);
                }
            }
            for (i, l) in luma(&rgb).into_iter().enumerate() {
                let (g, b) = ((i / 256) as u8, (i % 256) as u8);
                let want = luma_f32(r, g, b);
                assert!(l.abs_diff(want) <= 1, "{r} {g} {b}: {l} against {want}");
                differ += usize::from(l != want);
            }
        }
        // Of 16.7 million colours.
        assert!(differ < 2_500, "{differ} colours differ");
        assert_eq!(luma(&[255, 255, 255, 0, 0, 0]), [255, 0]);
    }

    #[test]
    fn flat_areas_keep_their_value_and_blocks_average() {
        let flat = vec![77u8; 30 * 20 * 3];
        assert!(shrink(&flat, 30, 20, 3, 13, 7).iter().all(|&v| v == 77));
        // 4×2 grey picture halved: each output pixel is the mean of a 2×2 block.
        let src = [0, 100, 200, 254, 0, 100, 200, 254];
        assert_eq!(shrink(&src, 4, 2, 1, 2, 1), vec![50, 227]);
        // A 3:1 shrink of a ramp gives the middle values.
        let ramp: Vec<u8> = (0..9).map(|v| v * 10).collect();
        assert_eq!(shrink(&ramp, 9, 1, 1, 3, 1), vec![10, 40, 70]);
    }

    #[test]
    fn uneven_ratios_weigh_partly_covered_pixels() {
        // 3 → 2: the middle pixel is split between both outputs.
        let src = [0u8, 90, 180];
        assert_eq!(shrink(&src, 3, 1, 1, 2, 1), vec![30, 150]);
        assert_eq!(luma(&[255, 255, 255, 255, 0, 0]), vec![255, 54]);
    }

    #[test]
    fn luma_is_what_image_computes() {
        let rgb = image::RgbImage::from_fn(64, 64, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 4) as u8, ((x * 7 + y * 13) % 256) as u8])
        });
        let expected = image::DynamicImage::ImageRgb8(rgb.clone()).to_luma8();
        let ours = luma(rgb.as_raw());
        let diffs: Vec<u8> = ours
            .iter()
            .zip(expected.as_raw())
            .map(|(a, b)| a.abs_diff(*b))
            .collect();
        // Float rounding may differ by one unit now and then.
        assert!(diffs.iter().all(|&d| d <= 1));
        let off = diffs.iter().filter(|&&d| d > 0).count();
        assert!(off * 100 <= diffs.len(), "{off} of {}", diffs.len());
    }
}
