//! Reading the document photo itself: the machine-readable zone (ICAO 9303, OCR-B) and the
//! 18-character number on the front of a Chinese resident identity card (also OCR-B).
//!
//! The reader is Gatehouse's own and needs no OCR engine: it finds lines of characters
//! ([`lines`]) at any of the four right-angle rotations and with moderate skew, rectifies each
//! line from the full-resolution image, cuts it into fixed-pitch cells ([`cells`]) and matches
//! each cell against OCR-B templates ([`glyphs`]). Field classes and check digits then correct
//! the classic confusions ([`correct`]). Everything works on an already decoded grey image.

mod cells;
mod cn_number;
mod correct;
mod glyphs;
mod lines;
mod mrz_read;
mod raster;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use image::GrayImage;
use serde_json::{json, Value};

use crate::mrz::Mrz;
pub use cn_number::{read_cn_id_number, IdNumberReading};
pub use correct::Correction;

/// What was read from an MRZ in a photo.
#[derive(Debug, Clone)]
pub struct MrzReading {
    /// The corrected text, parsed.
    pub mrz: Mrz,
    /// The corrected lines.
    pub lines: Vec<String>,
    /// The lines as the glyph matcher saw them, before any correction.
    pub raw_lines: Vec<String>,
    pub corrections: Vec<Correction>,
    /// Mean correlation of the chosen glyphs with their templates, 0 to 1.
    pub confidence: f32,
}

impl MrzReading {
    /// The JSON of `gatehouse inspect mrz` plus `raw_lines`, `corrections` and `confidence`.
    pub fn to_json(&self) -> Value {
        let mut out = self.mrz.to_json();
        if let Some(obj) = out.as_object_mut() {
            obj.insert("raw_lines".into(), json!(self.raw_lines));
            obj.insert(
                "corrections".into(),
                Value::Array(self.corrections.iter().map(correction_json).collect()),
            );
            obj.insert("confidence".into(), json!(round3(self.confidence)));
        }
        out
    }
}

pub(crate) fn correction_json(c: &Correction) -> Value {
    json!({
        "line": c.line,
        "position": c.position,
        "read": c.read.to_string(),
        "corrected": c.corrected.to_string(),
    })
}

pub(crate) fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

/// Long side of the grey image the readers work on. The MRZ's characters are matched against
/// templates from the picture itself, which wants about 20 pixels per character: a passport
/// filling two thirds of a 2048-pixel frame gives that. A 12-megapixel photo decodes at half
/// its DCT scale straight to this size.
pub const READ_SIDE: u32 = 2048;

/// Decodes an uploaded photo for the readers with the image checks' decoder (same limits and
/// checks, reduced-scale JPEG decoding, EXIF orientation applied), to grey.
pub fn decode_gray(bytes: &[u8]) -> Result<GrayImage, crate::imaging::DecodeError> {
    // The bytes are in memory already and were size-checked on upload; the pixel limits hold.
    let limits = crate::imaging::Limits {
        max_bytes: usize::MAX,
        ..crate::imaging::Limits::default()
    };
    crate::imaging::decode::decode_gray(bytes, &limits, READ_SIDE)
}

/// Finds and reads the MRZ in a document photo; `None` when no MRZ could be found or read.
pub fn read_mrz(image: &GrayImage) -> Option<MrzReading> {
    if image.width() < 16 || image.height() < 16 {
        return None;
    }
    let page = mrz_read::prepare(raster::Plane::from_gray(image), 8);
    let c = mrz_read::read(&page)?;
    Some(MrzReading {
        mrz: c.mrz,
        lines: c.text.lines,
        raw_lines: c.text.raw_lines,
        corrections: c.text.corrections,
        confidence: c.text.confidence,
    })
}

#[cfg(test)]
mod tests;
