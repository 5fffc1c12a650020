//! Synthetic faces for tests (feature `testing`): drawn so that OpenCV's frontal face
//! cascades find them (a shaded skin oval under hair, dark eye sockets below brows, a bright
//! nose bridge with a shadow beside it, a mouth), on selfies and on document portraits.

use image::{Rgb, RgbImage};

use crate::imaging::testing::{encode_jpeg, mix};

/// How a face is drawn: its centre and width in pixels, and the light on it (1 is normal).
#[derive(Debug, Clone, Copy)]
pub struct FaceSpec {
    pub cx: f64,
    pub cy: f64,
    pub size: f64,
    pub light: f64,
}

fn ellipse(u: f64, v: f64, cu: f64, cv: f64, ru: f64, rv: f64) -> f64 {
    ((u - cu) / ru).powi(2) + ((v - cv) / rv).powi(2)
}

fn scale(c: [f64; 3], k: f64) -> Rgb<u8> {
    Rgb(c.map(|v| (v * k).round().clamp(0.0, 255.0) as u8))
}

/// Draws one face onto `img`. `seed` varies skin and hair a little.
pub fn draw_face(img: &mut RgbImage, spec: FaceSpec, seed: u64) {
    let (w, h) = img.dimensions();
    draw_face_within(img, spec, seed, (0, 0, w, h));
}

/// Draws one face, clipped to the `(x0, y0, x1, y1)` frame (a document's portrait box).
pub fn draw_face_within(
    img: &mut RgbImage,
    spec: FaceSpec,
    seed: u64,
    frame: (u32, u32, u32, u32),
) {
    let (w, h) = (img.width().min(frame.2), img.height().min(frame.3));
    let s = spec.size;
    let tone = (mix(seed) % 30) as f64;
    let skin = [205.0 - tone, 165.0 - tone, 135.0 - tone * 0.8];
    let hair = [40.0 + tone * 0.5, 30.0, 25.0];
    let x0 = ((spec.cx - s).max(0.0) as u32).max(frame.0);
    let x1 = ((spec.cx + s).ceil() as u32).min(w);
    let y0 = ((spec.cy - 1.1 * s).max(0.0) as u32).max(frame.1);
    let y1 = ((spec.cy + 1.3 * s).ceil() as u32).min(h);
    for y in y0..y1 {
        for x in x0..x1 {
            let u = (f64::from(x) + 0.5 - spec.cx) / s;
            let v = (f64::from(y) + 0.5 - spec.cy) / s;
            if let Some(c) = face_colour(u, v, skin, hair) {
                img.put_pixel(x, y, scale(c, spec.light));
            }
        }
    }
}

/// The colour at face coordinates (`u` across, `v` down, in face widths from the centre of
/// the eyes' line), or `None` outside the head.
fn face_colour(u: f64, v: f64, skin: [f64; 3], hair: [f64; 3]) -> Option<[f64; 3]> {
    let face = ellipse(u, v, 0.0, 0.12, 0.42, 0.58);
    let head = ellipse(u, v, 0.0, -0.05, 0.52, 0.72);
    let neck = u.abs() < 0.2 && v > 0.5 && v < 1.0;
    let shirt = v >= 0.85 && u.abs() < 0.9 - (1.2 - v).max(0.0);
    if face >= 1.0 {
        if head < 1.0 && v < 0.35 {
            return Some(hair);
        }
        if neck {
            return Some(skin.map(|c| c * 0.8));
        }
        if shirt {
            return Some([60.0, 90.0, 140.0]);
        }
        return None;
    }
    // The hairline across the forehead.
    if v < -0.38 + 0.12 * (u * 3.0).powi(2) {
        return Some(hair);
    }
    // Shading: the face darkens towards its sides and under the jaw.
    let mut k = 1.0 - 0.35 * face.powi(2);
    let dark = |k: &mut f64, d: f64| *k = k.min(d);
    for side in [-1.0, 1.0] {
        // Brows, eye sockets and pupils: the dark band the cascades look for.
        if ellipse(u, v, side * 0.18, -0.12, 0.12, 0.03) < 1.0 {
            dark(&mut k, 0.3);
        }
        let socket = ellipse(u, v, side * 0.18, 0.0, 0.13, 0.07);
        if socket < 1.0 {
            dark(&mut k, 0.55 + 0.3 * socket);
        }
        if ellipse(u, v, side * 0.18, 0.0, 0.07, 0.035) < 1.0 {
            dark(&mut k, 0.2);
        }
        // Cheek hollows below the cheekbones.
        let cheek = ellipse(u, v, side * 0.3, 0.3, 0.1, 0.16);
        if cheek < 1.0 {
            dark(&mut k, 0.85 + 0.15 * cheek);
        }
    }
    // Nose: a bright bridge, a shadow on one side, dark nostrils.
    if u.abs() < 0.05 && v > -0.05 && v < 0.25 {
        k = (k * 1.08).min(1.15);
    }
    if u > 0.05 && u < 0.1 && v > 0.0 && v < 0.28 {
        dark(&mut k, 0.75);
    }
    if ellipse(u, v, 0.0, 0.29, 0.1, 0.035) < 1.0 {
        dark(&mut k, 0.5);
    }
    // Mouth.
    if ellipse(u, v, 0.0, 0.46, 0.16, 0.04) < 1.0 {
        return Some([150.0 * k, 70.0 * k, 70.0 * k]);
    }
    Some(skin.map(|c| c * k))
}

/// A selfie: a wall with some variation per seed and one face of width `share` × the short
/// side, centred, in light `light` (1 is normal).
pub fn selfie_photo(seed: u64, w: u32, h: u32, share: f64, light: f64) -> RgbImage {
    let mut img = background(seed, w, h, light);
    let size = f64::from(w.min(h)) * share;
    draw_face(
        &mut img,
        FaceSpec {
            cx: f64::from(w) / 2.0,
            cy: f64::from(h) * 0.45,
            size,
            light,
        },
        seed,
    );
    img
}

/// A room behind the applicant: a wall in a seed-dependent colour with a few large, soft
/// panels (so selfies of different seeds are different pictures).
pub fn background(seed: u64, w: u32, h: u32, light: f64) -> RgbImage {
    let base = [
        150.0 + (mix(seed) % 60) as f64,
        150.0 + (mix(seed ^ 1) % 60) as f64,
        140.0 + (mix(seed ^ 2) % 60) as f64,
    ];
    let panels: Vec<(u32, u32, u32, u32, f64)> = (0..6)
        .map(|i| {
            let r = mix(seed.wrapping_mul(31).wrapping_add(i));
            let (px, py) = ((r % u64::from(w)) as u32, ((r >> 16) % u64::from(h)) as u32);
            let (pw, ph) = (w / 4 + ((r >> 32) % u64::from(w / 3)) as u32, h / 3);
            (px, py, pw, ph, 0.6 + ((r >> 48) % 50) as f64 / 100.0)
        })
        .collect();
    RgbImage::from_fn(w, h, |x, y| {
        let mut k = 0.9 + 0.2 * f64::from(y) / f64::from(h);
        for &(px, py, pw, ph, pk) in &panels {
            if x >= px && x < px + pw && y >= py && y < py + ph {
                k *= pk;
            }
        }
        let grain = (mix(u64::from(x) * 7919 + u64::from(y) + seed) % 7) as f64;
        scale(base.map(|c| c + grain), k * light)
    })
}

/// A selfie that passes every check, as a JPEG: a normally lit face of 35–50% of the short
/// side, near the middle; its size and place vary with the seed, as does the room, so
/// different seeds are different pictures to the duplicate check.
pub fn selfie_jpeg(seed: u64, w: u32, h: u32) -> Vec<u8> {
    let r = mix(seed ^ 0x5e1f);
    let mut img = background(seed, w, h, 1.0);
    let spec = FaceSpec {
        cx: f64::from(w) * (0.4 + (r % 21) as f64 / 100.0),
        cy: f64::from(h) * (0.38 + ((r >> 8) % 15) as f64 / 100.0),
        size: f64::from(w.min(h)) * (0.35 + ((r >> 16) % 16) as f64 / 100.0),
        light: 1.0,
    };
    draw_face(&mut img, spec, seed);
    encode_jpeg(&img)
}

/// The detector with the default model (Debian's `opencv-data`), or `None` after saying so
/// when the model is not installed. With `GATEHOUSE_SHARED_DATA` set (as CI does, after
/// `scripts/setup` installed the package) a missing model fails the test instead.
pub fn default_detector() -> Option<super::Detector> {
    let settings = super::FaceSettings::default();
    if !std::path::Path::new(&settings.model).exists()
        && std::env::var_os("GATEHOUSE_SHARED_DATA").is_none()
    {
        eprintln!(
            "face model {} not installed (apt-get install opencv-data); skipping",
            settings.model
        );
        return None;
    }
    match super::Detector::load(&settings) {
        Ok(Some(d)) => Some(d),
        Ok(None) => panic!("the default face model is empty"),
        Err(e) => panic!("{e}"),
    }
}
