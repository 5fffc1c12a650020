//! The image checks' side that needs the store: pictures are decoded and measured off the
//! async threads, compared with pictures submitted before (by perceptual hash), and recorded
//! once their attempt is decided.

use std::collections::BTreeMap;
use std::sync::Arc;

use gatehouse_checks::faces::{self, Detector, Expect};
use gatehouse_checks::imaging::{self, phash, Duplicate, Format, ImageReport, ImageSettings, Kind};
use gatehouse_checks::SubmittedFile;
use gatehouse_core::application::Slot;
use gatehouse_core::ids::{AccountId, ApplicationId, FileId};
use gatehouse_store::models::ImageHash;
use gatehouse_store::repo::ImageHashRepo;

use crate::error::ApiError;
use crate::service::now;
use crate::state::AppState;

/// Candidates looked at per picture; more than this sharing a band is noise, not a match.
const CANDIDATES: u32 = 200;

/// Decodes and measures one picture and, with a detector, finds its faces while the working
/// image is in memory; the working image is then freed (not needed past the measurements).
fn measure(
    bytes: &[u8],
    kind: Kind,
    settings: &ImageSettings,
    faces: Option<&Detector>,
) -> ImageReport {
    let mut analysis = imaging::analyse(bytes, settings);
    if let Ok(a) = &mut analysis {
        if let Some(detector) = faces {
            faces::detect_in(a, detector);
        }
        a.decoded = None;
    }
    ImageReport {
        kind,
        analysis,
        duplicates: Vec::new(),
    }
}

/// Decodes and measures one picture on the blocking pool (it is CPU work).
pub async fn analyse(
    bytes: Vec<u8>,
    kind: Kind,
    settings: ImageSettings,
    faces: Option<Arc<Detector>>,
) -> Result<ImageReport, ApiError> {
    tokio::task::spawn_blocking(move || measure(&bytes, kind, &settings, faces.as_deref()))
        .await
        .map_err(|e| ApiError::Internal(format!("image analysis task: {e}")))
}

/// Reports for every picture of an attempt (PDFs are not pictures and get none), with the
/// same picture found in another slot of the attempt or submitted by another account. The
/// files move to the blocking pool and back, so no picture's bytes are copied.
pub async fn reports(
    state: &AppState,
    account_id: AccountId,
    files: BTreeMap<Slot, SubmittedFile>,
) -> Result<(BTreeMap<Slot, ImageReport>, BTreeMap<Slot, SubmittedFile>), ApiError> {
    let settings = state.check_settings().images.clone();
    let detector = state.face_detector();
    let (mut out, files) = {
        let settings = settings.clone();
        tokio::task::spawn_blocking(move || {
            let out: BTreeMap<Slot, ImageReport> = files
                .iter()
                .filter(|(_, f)| Format::from_mime(&f.content_type) != Some(Format::Pdf))
                .map(|(slot, f)| {
                    // Faces are looked for only where one belongs (the selfie, the front).
                    let faces = detector
                        .as_deref()
                        .filter(|_| Expect::of_slot(*slot) != Expect::Nothing);
                    let report = measure(&f.bytes, Kind::of_slot(*slot), &settings, faces);
                    (*slot, report)
                })
                .collect();
            (out, files)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("image analysis task: {e}")))?
    };
    let hashes: Vec<(Slot, phash::Hashes)> = out
        .iter()
        .filter_map(|(s, r)| {
            r.analysis
                .as_ref()
                .ok()
                .map(|a| (*s, a.metrics.hashes.clone()))
        })
        .collect();
    for (slot, hashes_of_slot) in &hashes {
        let mut duplicates = Vec::new();
        for (other, other_hashes) in &hashes {
            if other != slot {
                if let Some(distance) = same_picture(hashes_of_slot, other_hashes, &settings) {
                    duplicates.push(Duplicate {
                        scope: "same_application",
                        slot: *other,
                        distance,
                    });
                }
            }
        }
        duplicates.extend(elsewhere(state, account_id, hashes_of_slot, &settings).await?);
        if let Some(report) = out.get_mut(slot) {
            report.duplicates = duplicates;
        }
    }
    Ok((out, files))
}

/// The fine distance when two pictures are the same one.
fn same_picture(a: &phash::Hashes, b: &phash::Hashes, settings: &ImageSettings) -> Option<u32> {
    let coarse = phash::distance(&a.coarse, &b.coarse)?;
    let fine = phash::distance(&a.fine, &b.fine)?;
    (coarse <= phash::MAX_INDEXED_DISTANCE && fine <= settings.duplicate_max_distance)
        .then_some(fine)
}

/// The same picture submitted by another account (at most one finding per account).
pub async fn elsewhere(
    state: &AppState,
    account_id: AccountId,
    hashes: &phash::Hashes,
    settings: &ImageSettings,
) -> Result<Vec<Duplicate>, ApiError> {
    let Some(bands) = phash::bands(&hashes.coarse) else {
        return Ok(Vec::new());
    };
    let candidates = state.db().images_sharing_a_band(bands, CANDIDATES).await?;
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for c in candidates {
        if c.account_id == account_id || seen.contains(&c.account_id) {
            continue;
        }
        let theirs = phash::Hashes {
            coarse: c.coarse.clone(),
            fine: c.fine.clone(),
        };
        if let Some(distance) = same_picture(hashes, &theirs, settings) {
            seen.push(c.account_id);
            out.push(Duplicate {
                scope: "other_account",
                slot: c.slot,
                distance,
            });
        }
    }
    Ok(out)
}

/// Records the attempt's pictures so later submissions can be compared with them.
pub async fn record(
    state: &AppState,
    account_id: AccountId,
    application_id: ApplicationId,
    file_ids: &BTreeMap<Slot, FileId>,
    reports: &BTreeMap<Slot, ImageReport>,
) -> Result<(), ApiError> {
    for (slot, report) in reports {
        let (Ok(analysis), Some(file_id)) = (&report.analysis, file_ids.get(slot)) else {
            continue;
        };
        let hashes = &analysis.metrics.hashes;
        let Some(bands) = phash::bands(&hashes.coarse) else {
            continue;
        };
        state
            .db()
            .record_image_hash(&ImageHash {
                file_id: *file_id,
                application_id,
                account_id,
                slot: *slot,
                coarse: hashes.coarse.clone(),
                fine: hashes.fine.clone(),
                bands,
                recorded_at: now(),
            })
            .await?;
    }
    Ok(())
}
