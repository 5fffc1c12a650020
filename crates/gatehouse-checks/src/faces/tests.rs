//! The detector on synthetic faces, and the reasons the face checks give.

use gatehouse_core::application::Slot;

use super::testing;
use super::testing::{default_detector, draw_face, selfie_photo, FaceSpec};
use super::*;
use crate::imaging::testing::{card_photo, encode_jpeg};
use crate::imaging::{self, ImageReport, ImageSettings, Kind};

fn report(jpeg: &[u8], kind: Kind, detector: &Detector) -> ImageReport {
    let mut analysis = imaging::analyse(jpeg, &ImageSettings::default()).expect("decodes");
    detect_in(&mut analysis, detector);
    ImageReport {
        kind,
        analysis: Ok(analysis),
        duplicates: Vec::new(),
    }
}

fn face_at(cx: f64, cy: f64, size: f64, light: f64) -> FaceSpec {
    FaceSpec {
        cx,
        cy,
        size,
        light,
    }
}

fn codes(report: &ImageReport, expect: Expect) -> Vec<String> {
    findings(report, expect, &FaceSettings::default())
        .into_iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn synthetic_faces_are_found_at_several_sizes() {
    let Some(detector) = default_detector() else {
        return;
    };
    for (seed, share) in [(1, 0.25), (2, 0.35), (3, 0.45), (4, 0.6)] {
        for (w, h) in [(480, 640), (720, 960)] {
            let img = selfie_photo(seed, w, h, share, 1.0);
            let faces = detector.find(&image::DynamicImage::ImageRgb8(img).to_luma8());
            assert_eq!(
                faces.len(),
                1,
                "seed {seed} share {share} {w}×{h}: {faces:?}"
            );
            let f = faces[0].rect;
            let expected = f64::from(w.min(h)) * share;
            let ratio = f64::from(f.width) / expected;
            assert!(
                (0.6..1.6).contains(&ratio),
                "box {f:?} for a face of {expected}"
            );
        }
    }
}

#[test]
fn a_good_selfie_gives_no_reason_and_its_face_is_in_original_pixels() {
    let Some(detector) = default_detector() else {
        return;
    };
    // Larger than the working size, so the box must be scaled back.
    let jpeg = encode_jpeg(&selfie_photo(7, 1500, 2000, 0.4, 1.0));
    let r = report(&jpeg, Kind::Selfie, &detector);
    assert_eq!(codes(&r, Expect::Selfie), Vec::<String>::new());
    let faces = &r
        .analysis
        .as_ref()
        .unwrap()
        .metrics
        .faces
        .as_ref()
        .unwrap()
        .faces;
    let centre = faces[0].region.x + faces[0].region.width / 2;
    assert!((650..850).contains(&centre), "{:?}", faces[0]);
    assert!(faces[0].region.width > 400, "{:?}", faces[0]);
    assert!(faces[0].brightness > 100.0);
}

#[test]
fn selfie_reasons() {
    let Some(detector) = default_detector() else {
        return;
    };
    let blank = encode_jpeg(&testing::background(3, 600, 800, 1.0));
    assert_eq!(
        codes(&report(&blank, Kind::Selfie, &detector), Expect::Selfie),
        ["FACE_NOT_FOUND"]
    );

    let mut two = testing::background(4, 800, 600, 1.0);
    for cx in [230.0, 570.0] {
        let spec = face_at(cx, 270.0, 200.0, 1.0);
        draw_face(&mut two, spec, 4);
    }
    let two = report(&encode_jpeg(&two), Kind::Selfie, &detector);
    assert!(codes(&two, Expect::Selfie).contains(&"MULTIPLE_FACES".into()));

    let small = encode_jpeg(&selfie_photo(5, 600, 800, 0.12, 1.0));
    assert!(
        codes(&report(&small, Kind::Selfie, &detector), Expect::Selfie)
            .contains(&"FACE_TOO_SMALL".into())
    );

    let mut aside = testing::background(6, 600, 800, 1.0);
    let spec = face_at(110.0, 200.0, 180.0, 1.0);
    draw_face(&mut aside, spec, 6);
    let aside = report(&encode_jpeg(&aside), Kind::Selfie, &detector);
    assert!(codes(&aside, Expect::Selfie).contains(&"FACE_NOT_CENTRED".into()));

    // A face in shadow in front of a lit wall: the frame is bright enough, the face is not.
    let mut backlit = testing::background(8, 600, 800, 1.2);
    let spec = face_at(300.0, 360.0, 260.0, 0.3);
    draw_face(&mut backlit, spec, 8);
    let backlit = report(&encode_jpeg(&backlit), Kind::Selfie, &detector);
    let found = codes(&backlit, Expect::Selfie);
    assert!(found.contains(&"SELFIE_TOO_DARK".into()), "{found:?}");
    assert!(!found.contains(&"IMAGE_TOO_DARK".into()));

    let sharp = selfie_photo(9, 600, 800, 0.45, 1.0);
    let blurred = image::imageops::blur(&sharp, 4.0);
    let blurred = report(&encode_jpeg(&blurred), Kind::Selfie, &detector);
    let found = codes(&blurred, Expect::Selfie);
    assert!(found.contains(&"SELFIE_BLURRY".into()), "{found:?}");
}

#[test]
fn portraits_are_expected_on_document_fronts_only() {
    let Some(detector) = default_detector() else {
        return;
    };
    let card = encode_jpeg(&card_photo(11, 480, 320));
    let r = report(&card, Kind::Document, &detector);
    assert_eq!(codes(&r, Expect::Portrait), Vec::<String>::new());
    let mut plain = card_photo(12, 480, 320);
    // Paint over the portrait: a card front without a face.
    for y in 60..260 {
        for x in 40..160 {
            plain.put_pixel(x, y, image::Rgb([228, 220, 200]));
        }
    }
    let r = report(&encode_jpeg(&plain), Kind::Document, &detector);
    assert_eq!(codes(&r, Expect::Portrait), ["DOCUMENT_PORTRAIT_NOT_FOUND"]);
    assert!(codes(&r, Expect::Nothing).is_empty());
    assert_eq!(Expect::of_slot(Slot::DocumentBack), Expect::Nothing);
    assert_eq!(Expect::of_slot(Slot::DocumentFront), Expect::Portrait);
}

#[test]
fn unsearched_or_unreadable_pictures_give_no_face_reason() {
    let analysis = imaging::analyse(
        &encode_jpeg(&card_photo(1, 300, 200)),
        &ImageSettings::default(),
    )
    .unwrap();
    let unsearched = ImageReport {
        kind: Kind::Selfie,
        analysis: Ok(analysis),
        duplicates: Vec::new(),
    };
    assert!(codes(&unsearched, Expect::Selfie).is_empty());
    let unreadable = ImageReport {
        kind: Kind::Selfie,
        analysis: Err(imaging::DecodeError::Empty),
        duplicates: Vec::new(),
    };
    assert!(codes(&unreadable, Expect::Selfie).is_empty());
}

#[test]
fn a_missing_or_broken_model_is_a_clear_error() {
    let missing = FaceSettings {
        model: "/nonexistent/face.xml".into(),
        ..FaceSettings::default()
    };
    let e = Detector::load(&missing).unwrap_err().to_string();
    assert!(e.contains("/nonexistent/face.xml"), "{e}");
    let dir = std::env::temp_dir().join(format!("gatehouse-faces-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.xml");
    std::fs::write(&broken, "<opencv_storage><cascade>").unwrap();
    let settings = FaceSettings {
        model: broken.display().to_string(),
        ..FaceSettings::default()
    };
    assert!(matches!(
        Detector::load(&settings),
        Err(CascadeError::Malformed(_))
    ));
    let off = FaceSettings {
        model: String::new(),
        ..FaceSettings::default()
    };
    assert!(Detector::load(&off).unwrap().is_none());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_selfies_one_api_test_uploads_are_different_pictures() {
    // The API tests' helper hands out seeds 0, 1, 2… within one test.
    crate::imaging::testing::assert_no_duplicates(
        (0..40).map(|seed| testing::selfie_jpeg(seed, 480, 640)),
    );
}

#[test]
fn generated_selfies_pass_every_check_and_differ_by_seed() {
    let Some(detector) = default_detector() else {
        return;
    };
    let settings = ImageSettings::default();
    let mut hashes = Vec::new();
    for seed in 0..6u64 {
        let r = report(
            &testing::selfie_jpeg(seed, 480, 640),
            Kind::Selfie,
            &detector,
        );
        let mut found: Vec<String> = imaging::findings(&r, &settings)
            .into_iter()
            .map(|f| f.code)
            .collect();
        found.extend(codes(&r, Expect::Selfie));
        assert!(found.is_empty(), "seed {seed}: {found:?}");
        hashes.push(r.analysis.unwrap().metrics.hashes);
    }
    for (i, a) in hashes.iter().enumerate() {
        for b in &hashes[i + 1..] {
            let fine = imaging::phash::distance(&a.fine, &b.fine).unwrap();
            assert!(fine > settings.duplicate_max_distance, "distance {fine}");
        }
    }
}
