//! Thresholds of the image checks, calibrated on the specimen document photos and degraded
//! variants of them (see bench/README.md, "Image checks: calibration"). All are in the
//! configuration file under `[images]`.

use serde::{Deserialize, Serialize};

use super::decode::Limits;
use crate::pdf::PdfLimits;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImageSettings {
    /// Decoding limits, checked before any pixel is decoded.
    pub limits: Limits,
    /// Smallest picture: its long and short side, in pixels.
    pub min_long_side: u32,
    pub min_short_side: u32,
    /// Mean luminance (0–255) of the document below which it is too dark…
    pub dark_mean: f64,
    /// …or the 95th percentile below which nothing in it is bright (while the mean is under
    /// 1.5 × `dark_mean`).
    pub dark_p95: u8,
    /// The 5th percentile of luminance above which nothing dark is left: overexposed…
    pub overexposed_p05: u8,
    /// …as is a document with more than this share blown out while its 5th percentile is
    /// within 25 of `overexposed_p05`…
    pub overexposed_share: f64,
    /// …or while its 1st percentile is above this: even the darkest print is lifted, where a
    /// clean page that clips this much still has black ink. Identity documents only (a letter
    /// may be printed in grey), sharp and at least 400 working pixels long (blur and shrinking
    /// grey thin print too).
    pub overexposed_p01: u8,
    /// Edge ratio (|Laplacian| over |gradient| on the strongest edges) below which it is blurry.
    pub blur_edge_ratio: f64,
    /// The same along the weakest of four directions, below which it is smeared (a moving
    /// hand).
    pub blur_direction_ratio: f64,
    /// Step ratio (how much of an edge's contrast is crossed within two pixels, on the
    /// strongest edges, least over the four directions) below which it is blurry; holds under
    /// noise.
    pub blur_step_ratio: f64,
    /// Smallest blown-out spot, as a share of the document, reported as glare.
    pub glare_min_share: f64,
    /// Least share of its bounding box a blown-out spot must fill to be glare (a reflection
    /// is a solid blob; white paper between print is ragged).
    pub glare_min_fill: f64,
    /// Colourfulness below which a document photo is black and white.
    pub min_colourfulness: f64,
    /// Share of edge pixels that makes a cell of the picture part of a document.
    pub cell_density: f64,
    /// Share of structure crossing the outermost strip that means the frame cuts the document.
    pub cut_density: f64,
    /// Share of cells with structure below which no document is in the picture.
    pub min_structure: f64,
    /// Share of the frame the document must cover.
    pub min_document_coverage: f64,
    /// Moiré score (log10 of peak over median spectral power) from which a picture is taken to
    /// be a photo of a screen.
    pub moire_score: f64,
    /// Largest difference of the fine perceptual hash (of 256 bits) for the same picture.
    pub duplicate_max_distance: u32,
    /// Oldest a proof of address may be, in days from its latest date to the submission.
    pub proof_of_address_max_age_days: u32,
    /// Limits on reading PDF statements (proof of address).
    pub pdf: PdfLimits,
}

impl Default for ImageSettings {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            min_long_side: 250,
            min_short_side: 150,
            dark_mean: 60.0,
            dark_p95: 100,
            overexposed_share: 0.5,
            overexposed_p05: 150,
            overexposed_p01: 85,
            blur_edge_ratio: 0.36,
            blur_direction_ratio: 0.36,
            blur_step_ratio: 0.76,
            glare_min_share: 0.004,
            glare_min_fill: 0.45,
            min_colourfulness: 6.0,
            cell_density: 0.08,
            cut_density: 0.06,
            min_structure: 0.04,
            min_document_coverage: 0.2,
            moire_score: 3.5,
            duplicate_max_distance: 24,
            proof_of_address_max_age_days: 92,
            pdf: PdfLimits::default(),
        }
    }
}
