//! Pictures for tests (feature `testing`): a colour identity card photographed on a desk,
//! different for every seed, that passes every image check; and its JPEG encoding.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

/// A cheap, well-spread hash (SplitMix64) of a seed and a position.
pub fn mix(mut v: u64) -> u64 {
    v = v.wrapping_add(0x9E37_79B9_7F4A_7C15);
    v = (v ^ (v >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    v = (v ^ (v >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    v ^ (v >> 31)
}

/// A card with a portrait (a face the detector finds) and lines of irregular "print" filling
/// most of a `w`×`h` photo, framed and lit as the seed picks (`photograph`).
pub fn card_photo(seed: u64, w: u32, h: u32) -> RgbImage {
    let mut card = unlit_card_photo(seed, w, h);
    photograph(&mut card, seed);
    card
}

/// What differs between two applicants' photos of one card design: where the card sits in
/// the frame (up to 6% of the width and height either way) and the light falling across it
/// from one side (from 0.73 to 1.07 of the light, edge to edge, as from a window or a lamp:
/// never so bright that white paper clips). Without them the duplicate check would rightly
/// take two accounts' generated documents for one picture.
///
/// The three are drawn from a low-discrepancy (R3) sequence rather than a hash, so that
/// consecutive seeds, which the API tests hand out to one test's applicants, are spread as far
/// apart as they can be.
pub fn photograph(img: &mut RgbImage, seed: u64) {
    const STEPS: [f64; 3] = [0.819_172_513_4, 0.671_043_606_7, 0.549_700_478_0];
    let n = (seed % 1_000_003) as f64 + 0.5;
    let [u, v, a] = STEPS.map(|step| (n * step).fract());
    let (w, h) = img.dimensions();
    let shift = |span: u32, at: f64| {
        let reach = f64::from(span / 16);
        ((2.0 * at - 1.0) * reach).round() as i64
    };
    let (ox, oy) = (shift(w, u), shift(h, v));
    let angle = a * std::f64::consts::TAU;
    let (dx, dy) = (angle.cos(), angle.sin());
    let source = img.clone();
    let at = |v: u32, o: i64, span: u32| (i64::from(v) - o).clamp(0, i64::from(span) - 1) as u32;
    for (x, y, p) in img.enumerate_pixels_mut() {
        let t = dx * (f64::from(x) / f64::from(w) - 0.5) + dy * (f64::from(y) / f64::from(h) - 0.5);
        let k = 0.9 + 0.24 * t;
        let c = source.get_pixel(at(x, ox, w), at(y, oy, h));
        p.0 =
            c.0.map(|c| (f64::from(c) * k).round().clamp(0.0, 255.0) as u8);
    }
}

/// `card_photo` before `photograph`: for pictures that print more on the card first.
pub fn unlit_card_photo(seed: u64, w: u32, h: u32) -> RgbImage {
    let (x0, y0, x1, y1) = (w / 10, h / 8, w - w / 10, h - h / 8);
    let (cw, ch) = (x1 - x0, y1 - y0);
    let tint = (mix(seed) % 40) as u8;
    let line_h = (ch / 16).max(3);
    let glyph_w = (cw / 70).max(2);
    let mut card = RgbImage::from_fn(w, h, |x, y| {
        if x < x0 || x >= x1 || y < y0 || y >= y1 {
            let grain = (mix(u64::from(x / 3) * 7919 + u64::from(y / 3)) % 12) as u8;
            return Rgb([110 + grain, 80 + grain, 55 + grain / 2]);
        }
        let (cx, cy) = (x - x0, y - y0);
        if cx < cw / 4 && cy > ch / 5 && cy < ch * 4 / 5 {
            // The portrait's pale blue ground; the face is drawn on it below.
            return Rgb([170, 190, 215]);
        }
        let line = cy / line_h;
        let glyph = cx / glyph_w;
        let ink_line = line % 2 == 1 && cx > cw / 3;
        let ink = ink_line
            && !mix(seed ^ (u64::from(line) << 20) ^ u64::from(glyph)).is_multiple_of(5)
            && cx % glyph_w != 0
            && (cy % line_h) < line_h * 3 / 4;
        if ink {
            Rgb([35, 35, 70])
        } else {
            Rgb([228, 220 - tint / 2, 196 + tint / 2])
        }
    });
    let (px0, py0, px1, py1) = (x0, y0 + ch / 5, x0 + cw / 4, y0 + ch * 4 / 5);
    let spec = crate::faces::testing::FaceSpec {
        cx: f64::from(px0 + px1) / 2.0,
        cy: f64::from(py0) + f64::from(py1 - py0) * 0.42,
        size: f64::from(px1 - px0) * 0.6,
        light: 1.0,
    };
    crate::faces::testing::draw_face_within(&mut card, spec, seed, (px0, py0, px1, py1));
    card
}

/// `card_photo` as a JPEG: the same seed gives the same bytes.
pub fn card_jpeg(seed: u64, w: u32, h: u32) -> Vec<u8> {
    encode_jpeg(&card_photo(seed, w, h))
}

/// `img` as a JPEG of the `image` crate's default quality.
pub fn encode_jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img.clone())
        .write_to(&mut out, ImageFormat::Jpeg)
        .expect("encoding to memory cannot fail");
    out.into_inner()
}

/// A stable seed for a byte tag (FNV-1a).
pub fn seed_of(tag: &[u8]) -> u64 {
    tag.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Fails unless no two of `pictures` are one picture to the duplicate check (with the default
/// settings): pictures generated for different applicants must not be.
pub fn assert_no_duplicates(pictures: impl Iterator<Item = Vec<u8>>) {
    let settings = super::ImageSettings::default();
    let hashes: Vec<super::phash::Hashes> = pictures
        .map(|p| {
            super::analyse(&p, &settings)
                .expect("a generated picture decodes")
                .metrics
                .hashes
        })
        .collect();
    for (i, a) in hashes.iter().enumerate() {
        for (j, b) in hashes.iter().enumerate().skip(i + 1) {
            let coarse = super::phash::distance(&a.coarse, &b.coarse).unwrap_or(u32::MAX);
            let fine = super::phash::distance(&a.fine, &b.fine).unwrap_or(u32::MAX);
            assert!(
                coarse > super::phash::MAX_INDEXED_DISTANCE
                    || fine > settings.duplicate_max_distance,
                "pictures {i} and {j} are one picture: coarse {coarse}, fine {fine}"
            );
        }
    }
}

/// `img` averaged along rows over a triangle `2 × half + 1` pixels wide: a hand moving
/// sideways while the shutter is open.
pub fn smear_rows(img: &RgbImage, half: u32) -> RgbImage {
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let (mut sum, mut weight) = ([0u32; 3], 0u32);
        for dx in 0..=2 * half {
            let sx = (x + dx).saturating_sub(half).min(img.width() - 1);
            let k = half + 1 - dx.abs_diff(half);
            let p = img.get_pixel(sx, y);
            for c in 0..3 {
                sum[c] += k * u32::from(p[c]);
            }
            weight += k;
        }
        Rgb(sum.map(|s| (s / weight) as u8))
    })
}
