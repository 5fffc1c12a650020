//! Faces in selfies and document portraits: OpenCV's Haar cascades evaluated in Rust
//! (`cascade`, `detect`, `group`), measured on the working image of [`crate::imaging`], and
//! turned into reasons an applicant can act on (`findings`).
//!
//! The detector is loaded once at start-up from the configured cascade file ([`Detector::load`]
//! fails clearly on a missing or malformed file); the server runs it where a face belongs (the
//! selfie and the document's front) while the decoded picture is still in memory, and the
//! [`FaceChecks`] of the pipeline judge the stored measurements.

pub mod cascade;
pub mod detect;
mod findings;
pub mod group;
mod settings;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
#[cfg(test)]
mod tests;
mod xml;

use gatehouse_core::application::Slot;
use image::GrayImage;
use serde::Serialize;

use crate::imaging::region::Rect;
use crate::imaging::{metrics, Analysis};
pub use cascade::{Cascade, CascadeError};
pub use detect::{DetectParams, Detection};
pub use findings::{findings, FaceChecks};
pub use settings::{FaceSettings, DEFAULT_MODEL};

/// A loaded cascade and how to search with it.
#[derive(Debug, Clone)]
pub struct Detector {
    cascade: Cascade,
    params: DetectParams,
    max_side: u32,
    search_min_share: f64,
    min_confidence_ratio: f64,
}

impl Detector {
    /// Loads the cascade `settings.model` names. `Ok(None)` when face checks are turned off
    /// (an empty model).
    pub fn load(settings: &FaceSettings) -> Result<Option<Detector>, CascadeError> {
        if settings.model.trim().is_empty() {
            return Ok(None);
        }
        let cascade = Cascade::load(&settings.model)?;
        Ok(Some(Detector::new(cascade, settings)))
    }

    pub fn new(cascade: Cascade, settings: &FaceSettings) -> Detector {
        Detector {
            cascade,
            params: DetectParams {
                scale_factor: settings.scale_factor,
                min_neighbours: settings.min_neighbours,
                min_size: 0,
            },
            max_side: settings.max_side.max(64),
            search_min_share: settings.search_min_share.clamp(0.0, 1.0),
            min_confidence_ratio: settings.min_confidence_ratio.clamp(0.0, 1.0),
        }
    }

    /// The faces in `gray`, largest first, in `gray`'s pixels. Pictures with a long side over
    /// `max_side` are searched shrunk (a selfie's face is large; the work grows with the area).
    pub fn find(&self, gray: &GrayImage) -> Vec<Detection> {
        let (w, h) = gray.dimensions();
        let long = w.max(h);
        let f = (f64::from(self.max_side) / f64::from(long.max(1))).min(1.0);
        let params = DetectParams {
            min_size: (f64::from(w.min(h)) * f * self.search_min_share).round() as u32,
            ..self.params
        };
        if f >= 1.0 {
            return self.strong(detect::detect(&self.cascade, gray, &params));
        }
        let (sw, sh) = (
            ((f64::from(w) * f).round() as u32).max(1),
            ((f64::from(h) * f).round() as u32).max(1),
        );
        let small = detect::resize_bilinear(gray, sw, sh);
        let back = |v: u32| (f64::from(v) / f).round() as u32;
        self.strong(detect::detect(&self.cascade, &small, &params))
            .into_iter()
            .map(|d| Detection {
                rect: clamp(
                    Rect {
                        x: back(d.rect.x),
                        y: back(d.rect.y),
                        width: back(d.rect.width),
                        height: back(d.rect.height),
                    },
                    w,
                    h,
                ),
                neighbours: d.neighbours,
            })
            .collect()
    }

    /// Drops detections far weaker than the strongest: next to a clear face (tens of
    /// overlapping windows), a group of barely `min_neighbours` windows is texture, such as
    /// the printed pattern around a passport portrait.
    fn strong(&self, found: Vec<Detection>) -> Vec<Detection> {
        let best = found.iter().map(|d| d.neighbours).max().unwrap_or(0);
        let floor = f64::from(best) * self.min_confidence_ratio;
        found
            .into_iter()
            .filter(|d| f64::from(d.neighbours) >= floor)
            .collect()
    }

    /// Finds and measures the faces of a working image whose scale to the original is `scale`.
    pub fn measure(&self, gray: &GrayImage, scale: f64) -> Faces {
        let (w, h) = gray.dimensions();
        let short = f64::from(w.min(h).max(1));
        let faces = self
            .find(gray)
            .into_iter()
            .map(|d| {
                let r = d.rect;
                let cx = f64::from(r.x) + f64::from(r.width) / 2.0;
                let cy = f64::from(r.y) + f64::from(r.height) / 2.0;
                let sharpness = metrics::sharpness(gray, r);
                Face {
                    region: r.unscaled(scale),
                    confidence: d.neighbours,
                    size_share: f64::from(r.width) / short,
                    centre_offset: [
                        (cx / f64::from(w) - 0.5).abs(),
                        (cy / f64::from(h) - 0.5).abs(),
                    ],
                    position: r.position_in(&Rect::full(w, h)),
                    brightness: metrics::exposure(gray, r).mean,
                    sharpness: sharpness.edge_ratio,
                }
            })
            .collect();
        Faces { faces }
    }
}

fn clamp(r: Rect, w: u32, h: u32) -> Rect {
    let x = r.x.min(w.saturating_sub(1));
    let y = r.y.min(h.saturating_sub(1));
    Rect {
        x,
        y,
        width: r.width.min(w - x).max(1),
        height: r.height.min(h - y).max(1),
    }
}

/// The faces found in one picture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Faces {
    /// Largest first.
    pub faces: Vec<Face>,
}

/// One face and what was measured on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Face {
    /// The face box in the original picture's pixels.
    pub region: Rect,
    /// Overlapping detections that agreed on it (more is surer).
    pub confidence: u32,
    /// Box width as a share of the picture's short side.
    pub size_share: f64,
    /// Distance of the box's centre from the picture's centre, as shares of width and height.
    pub centre_offset: [f64; 2],
    /// Where the face is (`centre`, `top_left`, …).
    pub position: &'static str,
    /// Mean luminance (0–255) on the face box.
    pub brightness: f64,
    /// Edge ratio on the face box (see `imaging::metrics::Sharpness`).
    pub sharpness: f64,
}

/// What a slot's picture should show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// One face, large, centred, lit and sharp.
    Selfie,
    /// The holder's portrait printed on the document.
    Portrait,
    /// No face is expected (document backs, proof of address).
    Nothing,
}

impl Expect {
    /// Every accepted document type (ID card, passport, driving licence, residence permit)
    /// carries the portrait on its front or data page; backs and statements have none.
    pub fn of_slot(slot: Slot) -> Expect {
        match slot {
            Slot::Selfie => Expect::Selfie,
            Slot::DocumentFront => Expect::Portrait,
            Slot::DocumentBack | Slot::ProofOfAddress => Expect::Nothing,
        }
    }
}

/// Searches the working image of `analysis` (still decoded) and stores the faces in its
/// metrics. Does nothing once the working image has been dropped.
pub fn detect_in(analysis: &mut Analysis, detector: &Detector) {
    if let Some(decoded) = &analysis.decoded {
        analysis.metrics.faces = Some(detector.measure(&decoded.gray, analysis.scale));
    }
}
