//! The face model and the thresholds of the selfie and portrait checks; in the configuration
//! file under `[faces]`. Calibrated on the UltraFace sample photos, the ICAO passport
//! specimens and degraded variants of them (bench/README.md, "Face checks").

use serde::{Deserialize, Serialize};

/// Where Debian's `opencv-data` package puts OpenCV's frontal face cascade.
pub const DEFAULT_MODEL: &str = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FaceSettings {
    /// OpenCV Haar cascade (new XML format) used to find faces; empty turns face checks off.
    pub model: String,
    /// Long side, in pixels, the picture is shrunk to before the search (speed; faces
    /// smaller than 24 pixels at this size are not found).
    pub max_side: u32,
    /// Faces narrower than this share of the picture's short side are not searched for (the
    /// smallest scales are most of the work, and a selfie's face is never that small).
    pub search_min_share: f64,
    /// Size ratio between the searched scales.
    pub scale_factor: f64,
    /// Overlapping detections a face needs beyond itself; more means fewer false faces.
    pub min_neighbours: u32,
    /// A face with fewer overlapping detections than this share of the strongest face's is
    /// dropped as texture (measured: real faces in group photos keep at least 0.17 of the
    /// strongest; the pattern next to a passport portrait had 0.08).
    pub min_confidence_ratio: f64,
    /// A second face counts (MULTIPLE_FACES) only when its box is at least this share of the
    /// largest face's width: tiny faces in the background are ignored.
    pub second_face_min_ratio: f64,
    /// Face box width, as a share of the selfie's short side, below which it is too small.
    pub min_face_share: f64,
    /// Largest distance of the face's centre from the selfie's centre, as a share of the
    /// width (horizontally) or the height (vertically).
    pub max_centre_offset: f64,
    /// Mean luminance (0–255) on the face box below which the selfie is too dark.
    pub dark_face_mean: f64,
    /// Edge ratio on the face box (see `[images] blur_edge_ratio`) below which it is blurry.
    pub blur_face_edge_ratio: f64,
}

impl Default for FaceSettings {
    fn default() -> Self {
        Self {
            model: DEFAULT_MODEL.into(),
            max_side: 640,
            search_min_share: 0.05,
            scale_factor: 1.1,
            min_neighbours: 5,
            min_confidence_ratio: 0.12,
            second_face_min_ratio: 0.4,
            min_face_share: 0.2,
            max_centre_offset: 0.25,
            dark_face_mean: 70.0,
            blur_face_edge_ratio: 0.3,
        }
    }
}
