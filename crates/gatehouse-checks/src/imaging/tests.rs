//! The image checks on pictures made here: every format, hostile files, and each defect.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

use super::*;

fn card_photo(w: u32, h: u32) -> RgbImage {
    super::testing::card_photo(7, w, h)
}

fn encode(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img.clone())
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

fn codes(bytes: &[u8], kind: Kind) -> Vec<String> {
    let settings = ImageSettings::default();
    let report = ImageReport {
        kind,
        analysis: analyse(bytes, &settings),
        duplicates: Vec::new(),
    };
    findings(&report, &settings)
        .into_iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn a_clean_photo_passes_in_every_format() {
    let photo = card_photo(900, 600);
    for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP] {
        let bytes = encode(&photo, format);
        let analysis = analyse(&bytes, &ImageSettings::default()).unwrap();
        assert_eq!((analysis.width, analysis.height), (900, 600), "{format:?}");
        assert_eq!(
            codes(&bytes, Kind::Document),
            Vec::<String>::new(),
            "{format:?}"
        );
    }
}

#[test]
fn heic_from_a_phone_is_decoded() {
    let bytes = include_bytes!("../../tests/fixtures/card.heic");
    let analysis = analyse(bytes, &ImageSettings::default()).unwrap();
    assert_eq!(analysis.format, Format::Heic);
    assert_eq!((analysis.width, analysis.height), (320, 240));
}

#[test]
fn large_jpegs_are_decoded_at_a_reduced_scale() {
    let bytes = encode(&card_photo(4000, 3000), ImageFormat::Jpeg);
    let analysis = analyse(&bytes, &ImageSettings::default()).unwrap();
    assert_eq!((analysis.width, analysis.height), (4000, 3000));
    let decoded = analysis.decoded.unwrap();
    // 1/4 of the DCT scale gives 1000×750, within the working size: nothing is resampled.
    assert_eq!(decoded.rgb.dimensions(), (1000, 750));
    assert_eq!(decoded.gray.dimensions(), (1000, 750));
    // 2800×2100: 1/4 (700) would leave less than 70% of 1024, so 1/2 (1400×1050) is decoded
    // and averaged down to 1024.
    let bytes = encode(&card_photo(2800, 2100), ImageFormat::Jpeg);
    let analysis = analyse(&bytes, &ImageSettings::default()).unwrap();
    assert_eq!(analysis.decoded.unwrap().rgb.dimensions(), (1024, 768));
}

#[test]
fn a_truncated_jpeg_is_refused() {
    let bytes = encode(&card_photo(600, 400), ImageFormat::Jpeg);
    let cut = &bytes[..bytes.len() * 2 / 3];
    assert_eq!(
        analyse(cut, &ImageSettings::default()).unwrap_err(),
        DecodeError::Truncated
    );
    assert_eq!(codes(cut, Kind::Document), ["IMAGE_UNREADABLE"]);
}

#[test]
fn corrupt_and_foreign_files_are_refused() {
    let settings = ImageSettings::default();
    assert_eq!(analyse(b"", &settings).unwrap_err(), DecodeError::Empty);
    assert_eq!(
        analyse(b"GIF89a....", &settings).unwrap_err(),
        DecodeError::UnsupportedType
    );
    let mut png = encode(&card_photo(300, 200), ImageFormat::Png);
    let mid = png.len() / 2;
    png[mid..mid + 64].fill(0xAB);
    assert!(matches!(
        analyse(&png, &settings).unwrap_err(),
        DecodeError::Corrupt(_) | DecodeError::Truncated
    ));
    let mut jpeg = encode(&card_photo(300, 200), ImageFormat::Jpeg);
    jpeg.truncate(40);
    jpeg.extend([0xFF, 0xD9]);
    assert!(analyse(&jpeg, &settings).is_err());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG that claims 60000×60000 pixels (3.6 gigapixels) in a few hundred bytes.
fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        png.extend(&body);
        png.extend(crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend(60_000u32.to_be_bytes());
    ihdr.extend(60_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    png
}

#[test]
fn decompression_bombs_are_refused_before_decoding() {
    let settings = ImageSettings::default();
    let bomb = png_bomb();
    assert!(bomb.len() < 200);
    assert!(matches!(
        analyse(&bomb, &settings).unwrap_err(),
        DecodeError::TooManyPixels { .. }
    ));
    assert_eq!(codes(&bomb, Kind::Document), ["IMAGE_TOO_LARGE"]);
    // A JPEG header claiming 65000×65000.
    let mut jpeg = encode(&card_photo(64, 64), ImageFormat::Jpeg);
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0xFD, 0xE8, 0xFD, 0xE8]);
    assert!(matches!(
        analyse(&jpeg, &settings).unwrap_err(),
        DecodeError::TooManyPixels { .. }
    ));
}

/// A JPEG with an EXIF block saying "rotate 90° clockwise to display".
fn with_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
    let mut tiff = b"II*\0\x08\0\0\0\x01\0".to_vec();
    tiff.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0]);
    tiff.extend([0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

#[test]
fn exif_orientation_is_applied() {
    let bytes = with_orientation(&encode(&card_photo(600, 400), ImageFormat::Jpeg), 6);
    let analysis = analyse(&bytes, &ImageSettings::default()).unwrap();
    assert_eq!(analysis.meta.orientation, 6);
    assert_eq!((analysis.width, analysis.height), (400, 600));
    assert_eq!(analysis.decoded.unwrap().rgb.dimensions(), (400, 600));
}

fn transformed(f: impl Fn(Rgb<u8>) -> Rgb<u8>) -> Vec<u8> {
    let mut img = card_photo(900, 600);
    img.pixels_mut().for_each(|p| *p = f(*p));
    encode(&img, ImageFormat::Jpeg)
}

#[test]
fn a_pale_colour_card_is_not_black_and_white_in_dimmer_light() {
    // A card in pale colours, photographed at the brightness of a scan and dimmer, as a phone
    // exposes it: colourfulness falls with the light, so the check must not.
    let pale = |k: f32, light: f32| {
        transformed(move |p| {
            let l = (f32::from(p[0]) + f32::from(p[1]) + f32::from(p[2])) / 3.0;
            Rgb(p
                .0
                .map(|c| ((l + k * (f32::from(c) - l)) * light).clamp(0.0, 255.0) as u8))
        })
    };
    let settings = ImageSettings::default();
    let colour = |bytes: &[u8]| {
        let report = ImageReport {
            kind: Kind::Document,
            analysis: analyse(bytes, &settings),
            duplicates: Vec::new(),
        };
        findings(&report, &settings)
            .into_iter()
            .find(|f| f.code == "IMAGE_BLACK_AND_WHITE")
    };
    for light in [1.4, 1.1, 0.8, 0.6] {
        let card = pale(0.2, light);
        assert_eq!(colour(&card), None, "pale card at {light}");
        let grey = pale(0.0, light);
        assert!(colour(&grey).is_some(), "grey card at {light}");
    }
}

#[test]
fn each_defect_has_its_reason() {
    let dark = transformed(|p| Rgb(p.0.map(|c| c / 5)));
    assert!(codes(&dark, Kind::Document).contains(&"IMAGE_TOO_DARK".into()));
    let grey = transformed(|p| {
        let l = ((u16::from(p[0]) + u16::from(p[1]) + u16::from(p[2])) / 3) as u8;
        Rgb([l, l, l])
    });
    assert_eq!(codes(&grey, Kind::Document), ["IMAGE_BLACK_AND_WHITE"]);
    assert!(codes(&grey, Kind::ProofOfAddress).is_empty());
    let blurred = image::imageops::blur(&card_photo(900, 600), 4.0);
    assert!(codes(&encode(&blurred, ImageFormat::Jpeg), Kind::Document)
        .contains(&"IMAGE_BLURRY".into()));
    let small = image::imageops::resize(
        &card_photo(900, 600),
        200,
        133,
        image::imageops::FilterType::Triangle,
    );
    assert!(codes(&encode(&small, ImageFormat::Png), Kind::Document)
        .contains(&"IMAGE_TOO_SMALL".into()));
    let cut = image::imageops::crop_imm(&card_photo(900, 600), 300, 200, 600, 400).to_image();
    let found = analyse(&encode(&cut, ImageFormat::Png), &ImageSettings::default()).unwrap();
    assert!(
        found.metrics.document.cut_sides.contains(&"left"),
        "{:?}",
        found.metrics.document
    );
    let wall = RgbImage::from_pixel(800, 600, Rgb([128, 120, 110]));
    assert!(codes(&encode(&wall, ImageFormat::Png), Kind::Document)
        .contains(&"DOCUMENT_NOT_FOUND".into()));
}

#[test]
fn the_frame_cutting_a_card_is_named_whichever_side_the_light_falls_from() {
    // The bottom-right of each photo: the frame cuts the card at the top and the left, and
    // the left cut may run through the portrait's plain ground rather than through print.
    for seed in 0..12 {
        let photo = super::testing::card_photo(seed, 900, 600);
        let cut = image::imageops::crop_imm(&photo, 300, 200, 600, 400).to_image();
        let found = analyse(&encode(&cut, ImageFormat::Jpeg), &ImageSettings::default()).unwrap();
        let doc = found.metrics.document;
        assert_eq!(doc.cut_sides, ["top", "left"], "seed {seed}: {doc:?}");
        assert_eq!(doc.cut_corners, ["top_left"], "seed {seed}");
    }
}

#[test]
fn a_card_on_a_checked_cloth_is_not_cut_by_the_cloth() {
    // A tablecloth of green and blue checks is as dense with edges as print, so the dense
    // block reaches every side of the frame; but no paper shows along them.
    let (w, h) = (900u32, 600u32);
    let photo = super::testing::unlit_card_photo(5, w, h);
    let (x0, y0, x1, y1) = (w / 10, h / 8, w - w / 10, h - h / 8);
    // With white lines (gingham), the paper's colour crosses the strips too, in short runs.
    for gingham in [false, true] {
        let cloth = RgbImage::from_fn(w, h, |x, y| {
            let inside = (x0..x1).contains(&x) && (y0..y1).contains(&y);
            if inside {
                *photo.get_pixel(x, y)
            } else if gingham && (x % 14 == 7 || x % 14 == 8 || y % 14 >= 12) {
                // Thin white lines between the checks, crossing every side's strip but lying
                // along none (the strips are 6 px deep).
                Rgb([225, 225, 222])
            } else if (x / 14 + y / 14) % 2 == 0 {
                Rgb([50, 60, 140])
            } else {
                Rgb([90, 120, 40])
            }
        });
        let bytes = encode(&cloth, ImageFormat::Jpeg);
        let doc = document_in(&bytes);
        assert!(doc.cut_sides.is_empty(), "gingham {gingham}: {doc:?}");
        assert!(!codes(&bytes, Kind::Document).contains(&"DOCUMENT_CUT_OFF".into()));
    }
}

/// A page of print photographed edge to edge: plain paper (`paper` where lit) round the print,
/// `light(x)` the share of the light falling at column `x`, and `desk` instead of the page
/// left of column `desk.0`.
fn page_photo(light: impl Fn(u32) -> f64, desk: Option<(u32, [u8; 3])>) -> RgbImage {
    let paper = [205.0, 203.0, 196.0];
    RgbImage::from_fn(900, 600, |x, y| {
        if let Some((_, colour)) = desk.filter(|&(edge, _)| x < edge) {
            let grain = (super::testing::mix(u64::from(x) * 7919 + u64::from(y)) % 6) as u8;
            return Rgb(colour.map(|c| c + grain));
        }
        let print = (300..800).contains(&x)
            && (90..510).contains(&y)
            && y % 18 < 7
            && !super::testing::mix(u64::from(x / 7) ^ (u64::from(y / 18) << 16)).is_multiple_of(5)
            && x % 7 != 0;
        let k = light(x);
        Rgb(if print { [40.0, 40.0, 55.0] } else { paper }.map(|c| (c * k).round() as u8))
    })
}

#[test]
fn a_shadow_over_a_page_photographed_edge_to_edge_does_not_cut_it() {
    // The phone's shadow over the left third, its edge softened over 40 px: the shadowed
    // strip is no desk, so the plain paper at the other sides is not cut by the frame.
    let shadowed = page_photo(
        |x| 0.55 + 0.45 * ((f64::from(x) - 300.0) / 40.0 + 0.5).clamp(0.0, 1.0),
        None,
    );
    let doc = document_in(&encode(&shadowed, ImageFormat::Jpeg));
    assert!(doc.cut_sides.is_empty(), "{doc:?}");
    // A grey desk there instead, meeting the paper in a sharp edge, is background: the paper
    // runs out of the frame at the other three sides.
    let on_desk = page_photo(|_| 1.0, Some((225, [112, 112, 110])));
    let doc = document_in(&encode(&on_desk, ImageFormat::Jpeg));
    assert_eq!(doc.cut_sides, ["top", "right", "bottom"], "{doc:?}");
}

/// Where the analysis finds the document in a picture that decodes.
fn document_in(bytes: &[u8]) -> locate::Location {
    analyse(bytes, &ImageSettings::default())
        .unwrap()
        .metrics
        .document
}

/// A finger (a shaded, skin-toned capsule `width` wide) from `from` to `to`.
fn draw_finger(img: &mut RgbImage, from: (f64, f64), to: (f64, f64), width: f64) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let (px, py) = (f64::from(x) - from.0, f64::from(y) - from.1);
        let t = ((px * dx + py * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        let d = (px - t * dx).hypot(py - t * dy) / (width / 2.0);
        if d < 1.0 {
            let k = 1.0 - 0.3 * d * d;
            *p = Rgb([205.0 * k, 150.0 * k, 122.0 * k].map(|c| c as u8));
        }
    }
}

#[test]
fn a_finger_over_a_corner_is_named() {
    let (w, h) = (900u32, 600u32);
    let mut photo = super::testing::unlit_card_photo(11, w, h);
    let corner = (f64::from(w / 10), f64::from(h - h / 8));
    // From below the frame, over the card's bottom-left corner, onto the card.
    draw_finger(
        &mut photo,
        (-20.0, f64::from(h) + 30.0),
        (corner.0 + 30.0, corner.1 - 30.0),
        56.0,
    );
    let bytes = encode(&photo, ImageFormat::Jpeg);
    let doc = analyse(&bytes, &ImageSettings::default())
        .unwrap()
        .metrics
        .document;
    assert_eq!(doc.covered_corners, ["bottom_left"], "{doc:?}");
    assert!(doc.cut_sides.is_empty(), "{doc:?}");
    let settings = ImageSettings::default();
    let report = ImageReport {
        kind: Kind::Document,
        analysis: analyse(&bytes, &settings),
        duplicates: Vec::new(),
    };
    let cut = findings(&report, &settings)
        .into_iter()
        .find(|f| f.code == "DOCUMENT_CUT_OFF")
        .expect("DOCUMENT_CUT_OFF");
    let evidence = cut.evidence.unwrap();
    assert_eq!(evidence["where"], "bottom_left");
    assert_eq!(evidence["covered"], serde_json::json!(["bottom_left"]));
    // The same finger lying on the desk beside the card covers nothing.
    let mut beside = super::testing::unlit_card_photo(11, w, h);
    draw_finger(
        &mut beside,
        (-20.0, f64::from(h) + 30.0),
        (corner.0 - 40.0, corner.1 + 30.0),
        56.0,
    );
    let doc = analyse(&encode(&beside, ImageFormat::Jpeg), &settings)
        .unwrap()
        .metrics
        .document;
    assert!(doc.covered_corners.is_empty(), "{doc:?}");
}

#[test]
fn two_applicants_photos_of_one_card_design_are_different_pictures() {
    // Generated documents stand for different people's photos in the API tests, whose
    // helper hands out seeds 0, 1, 2… within one test.
    super::testing::assert_no_duplicates(
        (0..40).map(|seed| super::testing::card_jpeg(seed, 480, 320)),
    );
}

#[test]
fn screenshots_and_edited_pictures_are_named() {
    let screen = card_photo(1170, 2532);
    let found = codes(&encode(&screen, ImageFormat::Png), Kind::Document);
    assert!(found.contains(&"SCREENSHOT".into()), "{found:?}");
    // Re-encoded by an editor that signs its output.
    let mut png = encode(&card_photo(900, 600), ImageFormat::Png);
    let data = b"Software\0Meitu";
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = b"tEXt".to_vec();
    body.extend(data);
    chunk.extend(&body);
    chunk.extend(crc32(&body).to_be_bytes());
    // After the IHDR chunk (8 + 25 bytes).
    png.splice(33..33, chunk);
    assert!(codes(&png, Kind::Document).contains(&"IMAGE_EDITED".into()));
    assert!(codes(&png, Kind::Selfie).contains(&"SELFIE_EDITED".into()));
}

#[test]
fn a_reflection_is_glare_unless_the_whole_picture_is_washed_out() {
    let photo = card_photo(900, 600);
    let spot = |img: &RgbImage, gain: f64, lift: f64| {
        RgbImage::from_fn(img.width(), img.height(), |x, y| {
            let d2 = (f64::from(x) - 540.0).powi(2) + (f64::from(y) - 270.0).powi(2);
            let light = 420.0 * (-d2 / (2.0 * 60.0f64.powi(2))).exp();
            Rgb(img
                .get_pixel(x, y)
                .0
                .map(|c| (f64::from(c) * gain + lift + light).min(255.0) as u8))
        })
    };
    let glare = codes(
        &encode(&spot(&photo, 1.0, 0.0), ImageFormat::Png),
        Kind::Document,
    );
    assert!(glare.contains(&"IMAGE_GLARE".to_owned()), "{glare:?}");
    let washed = codes(
        &encode(&spot(&photo, 1.7, 90.0), ImageFormat::Png),
        Kind::Document,
    );
    assert!(
        washed.contains(&"IMAGE_OVEREXPOSED".to_owned()),
        "{washed:?}"
    );
    assert!(!washed.contains(&"IMAGE_GLARE".to_owned()), "{washed:?}");
}

#[test]
fn a_page_washed_out_to_grey_ink_is_overexposed_and_a_white_page_is_not() {
    // A scanned page: white paper clipping over most of it, a tenth of black print and a
    // grey photo. As scanned, more than half clips but the ink is black; washed out (gain
    // 1.7, lifted by 90) the ink is grey at 110, under the 5th-percentile test's 125, and
    // nothing dark is left.
    let page = RgbImage::from_fn(600, 420, |x, y| {
        let print = (y / 8) % 3 == 0 && (x / 5) % 4 != 0 && x > 300;
        let photo = (40..240).contains(&x) && (80..340).contains(&y);
        Rgb(if print {
            [12, 12, 14]
        } else if photo {
            [120, 110, 100]
        } else {
            [255, 255, 255]
        })
    });
    let washed = RgbImage::from_fn(600, 420, |x, y| {
        Rgb(page
            .get_pixel(x, y)
            .0
            .map(|c| (f64::from(c) * 1.7 + 90.0).min(255.0) as u8))
    });
    let settings = ImageSettings::default();
    let exposure = |img: &RgbImage| {
        analyse(&encode(img, ImageFormat::Png), &settings)
            .unwrap()
            .metrics
            .exposure
    };
    let (before, after) = (exposure(&page), exposure(&washed));
    assert!(
        before.clipped_white > settings.overexposed_share,
        "{before:?}"
    );
    assert!(after.p05 <= settings.overexposed_p05 - 25, "{after:?}");
    let overexposed = |img: &RgbImage| {
        codes(&encode(img, ImageFormat::Png), Kind::Document).contains(&"IMAGE_OVEREXPOSED".into())
    };
    assert!(!overexposed(&page));
    assert!(overexposed(&washed), "{after:?}");
    // A letter printed in dark grey looks the same to the percentiles; its print is not
    // taken as a sign of the light.
    let grey_letter = RgbImage::from_fn(600, 420, |x, y| {
        let print = (y / 8) % 3 == 0 && (x / 5) % 4 != 0 && (60..540).contains(&x);
        Rgb(if print {
            [110, 110, 112]
        } else {
            [255, 255, 255]
        })
    });
    let letter = codes(
        &encode(&grey_letter, ImageFormat::Png),
        Kind::ProofOfAddress,
    );
    assert!(!letter.contains(&"IMAGE_OVEREXPOSED".into()), "{letter:?}");
}

/// The findings with their evidence.
fn found(bytes: &[u8]) -> Vec<Finding> {
    let settings = ImageSettings::default();
    let report = ImageReport {
        kind: Kind::Document,
        analysis: analyse(bytes, &settings),
        duplicates: Vec::new(),
    };
    findings(&report, &settings)
}

fn blur_evidence(bytes: &[u8]) -> Option<Value> {
    found(bytes)
        .into_iter()
        .find(|f| f.code == "IMAGE_BLURRY")
        .and_then(|f| f.evidence)
}

#[test]
fn a_photo_smeared_by_a_moving_hand_is_blurry_along_its_motion() {
    let sharp = encode(&card_photo(900, 600), ImageFormat::Png);
    assert_eq!(blur_evidence(&sharp), None);
    let smeared = encode(
        &super::testing::smear_rows(&card_photo(900, 600), 6),
        ImageFormat::Png,
    );
    let evidence = blur_evidence(&smeared).expect("a smear is blurry");
    assert_eq!(evidence["weakest_direction"], "horizontal", "{evidence}");
    // The edges along the motion stay sharp: the picture as a whole does not read as blurred,
    // the weakest direction does.
    let settings = ImageSettings::default();
    assert!(
        evidence["edge_ratio"].as_f64().unwrap() >= settings.blur_edge_ratio,
        "{evidence}"
    );
    assert!(
        evidence["direction_edge_ratio"].as_f64().unwrap() < settings.blur_direction_ratio,
        "{evidence}"
    );
}

/// `img` with sensor noise: each pixel lifted or lowered by up to 16 levels.
fn with_noise(img: &RgbImage) -> RgbImage {
    let mut seed = 11u64;
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        seed = super::testing::mix(seed);
        let noise = (seed % 33) as i32 - 16;
        Rgb(img
            .get_pixel(x, y)
            .0
            .map(|c| (i32::from(c) + noise).clamp(0, 255) as u8))
    })
}

#[test]
fn a_blurred_photo_is_blurry_under_sensor_noise() {
    let blurred = image::imageops::blur(&card_photo(900, 600), 3.0);
    let noisy = encode(&with_noise(&blurred), ImageFormat::Png);
    let evidence = blur_evidence(&noisy).expect("blurry under noise");
    let settings = ImageSettings::default();
    // The noise lifts the edge ratios over their thresholds; the step ratio shows the blur.
    assert!(
        evidence["edge_ratio"].as_f64().unwrap() >= settings.blur_edge_ratio,
        "{evidence}"
    );
    assert!(
        evidence["step_ratio"].as_f64().unwrap() < settings.blur_step_ratio,
        "{evidence}"
    );
    // Noise on a sharp photo is not blur.
    let grainy = encode(&with_noise(&card_photo(900, 600)), ImageFormat::Png);
    assert_eq!(blur_evidence(&grainy), None);
}

#[test]
fn a_phone_photos_softness_is_not_blur_and_a_wider_blur_is() {
    // A Gaussian of 1 working pixel leaves print readable (phone lenses, compression and
    // the shrink to the working size all soften that much); 1.8 pixels smudges small print.
    let photo = card_photo(900, 600);
    let soft = image::imageops::blur(&photo, 1.0);
    let blurred = image::imageops::blur(&photo, 1.8);
    let soft_evidence = blur_evidence(&encode(&soft, ImageFormat::Png));
    assert_eq!(soft_evidence, None, "{soft_evidence:?}");
    assert!(blur_evidence(&encode(&blurred, ImageFormat::Png)).is_some());
}
