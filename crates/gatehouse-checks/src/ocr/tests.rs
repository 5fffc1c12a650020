//! The reader on small generated photos (scripts/make-ocr-fixtures.py), at every right-angle
//! rotation, and the correction rules on hand-made cell scores.

use image::{imageops, GrayImage};

use super::correct::assemble;
use super::glyphs::{index, ALPHABET};
use super::*;

const TD3: &[u8] = include_bytes!("../../tests/fixtures/td3.jpg");
const TD1_TILTED: &[u8] = include_bytes!("../../tests/fixtures/td1-tilted.jpg");
const TD3_TILTED: &[u8] = include_bytes!("../../tests/fixtures/td3-tilted.jpg");
const TD3_BLURRED: &[u8] = include_bytes!("../../tests/fixtures/td3-blurred.jpg");
const NO_MRZ: &[u8] = include_bytes!("../../tests/fixtures/no-mrz.jpg");
const CN_FRONT: &[u8] = include_bytes!("../../tests/fixtures/cn-id-front.jpg");

const TD3_LINES: [&str; 2] = [
    "P<UTOHOLMGREN<<SARA<ELIN<<<<<<<<<<<<<<<<<<<<",
    "X0O4512Z08UTO8501123F3309106<<<<<<<<<<<<<<<6",
];
const TD1_LINES: [&str; 3] = [
    "I<UTOD102345671<<<<<<<<<<<<<<<",
    "9003059M3102282UTO<<<<<<<<<<<8",
    "NIELSEN<<JENS<PETER<<<<<<<<<<<",
];

fn gray(bytes: &[u8]) -> GrayImage {
    decode_gray(bytes).unwrap()
}

fn turned(img: &GrayImage, degrees: u32) -> GrayImage {
    match degrees {
        90 => imageops::rotate90(img),
        180 => imageops::rotate180(img),
        270 => imageops::rotate270(img),
        _ => img.clone(),
    }
}

#[test]
fn reads_a_passport_mrz_at_every_rotation() {
    let img = gray(TD3);
    for degrees in [0, 90, 180, 270] {
        let r = read_mrz(&turned(&img, degrees)).unwrap_or_else(|| panic!("{degrees}°"));
        assert_eq!(r.lines, TD3_LINES, "{degrees}°");
        assert!(r.mrz.valid(), "{degrees}°");
        assert!(r.confidence > 0.7, "{degrees}°: {}", r.confidence);
        assert_eq!(r.mrz.fields.document_number, "X0O4512Z0");
    }
}

#[test]
fn reads_a_passport_tilted_by_fifteen_degrees() {
    let img = gray(TD3_TILTED);
    for degrees in [0, 90, 180, 270] {
        let r = read_mrz(&turned(&img, degrees)).unwrap_or_else(|| panic!("{degrees}°"));
        assert_eq!(r.lines, TD3_LINES, "{degrees}°");
    }
}

#[test]
fn reads_a_tilted_identity_card_mrz() {
    let img = gray(TD1_TILTED);
    for degrees in [0, 90, 180, 270] {
        let r = read_mrz(&turned(&img, degrees)).unwrap_or_else(|| panic!("{degrees}°"));
        assert_eq!(r.lines, TD1_LINES, "{degrees}°");
        assert_eq!(r.mrz.format.as_str(), "TD1");
    }
}

#[test]
fn json_adds_the_reading_to_the_parser_output() {
    let r = read_mrz(&gray(TD3)).unwrap();
    let json = r.to_json();
    let parsed = crate::mrz::inspect(&TD3_LINES.join("\n")).unwrap();
    for key in ["format", "valid", "fields", "checks", "errors"] {
        assert_eq!(json[key], parsed[key], "{key}");
    }
    assert_eq!(json["raw_lines"].as_array().unwrap().len(), 2);
    assert!(json["corrections"].is_array());
    let c = json["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&c));
}

#[test]
fn finds_no_mrz_where_there_is_none_or_it_is_too_blurred() {
    assert!(read_mrz(&gray(NO_MRZ)).is_none());
    assert!(read_mrz(&gray(TD3_BLURRED)).is_none_or(|r| !r.mrz.valid()));
    assert!(read_mrz(&GrayImage::new(0, 0)).is_none());
    assert!(read_mrz(&GrayImage::from_pixel(300, 200, image::Luma([255]))).is_none());
    assert!(decode_gray(b"not an image").is_err());
}

#[test]
fn reads_the_number_on_a_chinese_id_card_front() {
    let img = gray(CN_FRONT);
    for degrees in [0, 90, 180, 270] {
        let r = read_cn_id_number(&turned(&img, degrees)).unwrap_or_else(|| panic!("{degrees}°"));
        assert_eq!(r.number, "11010519491231002X", "{degrees}°");
    }
    assert!(read_cn_id_number(&gray(NO_MRZ)).is_none());
}

/// Cell scores that favour `read` but leave `close` nearly as good.
fn cells(lines: &[&str], close: &[(usize, usize, u8)]) -> Vec<Vec<Vec<f32>>> {
    lines
        .iter()
        .enumerate()
        .map(|(l, line)| {
            line.bytes()
                .enumerate()
                .map(|(p, c)| {
                    let mut s = vec![0.2; ALPHABET.len()];
                    s[index(c).unwrap()] = 0.9;
                    for &(cl, cp, alt) in close {
                        if (cl, cp) == (l, p) {
                            s[index(alt).unwrap()] = 0.85;
                        }
                    }
                    s
                })
                .collect()
        })
        .collect()
}

#[test]
fn field_classes_and_check_digits_correct_the_classic_confusions() {
    // Misread: O for 0 in a date, I for 1 in a check digit, 5 for S in the name, and in the
    // document number Z for 2 (only the check digit can tell).
    let misread = [
        "P<UTOERIK5SON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO74O812ZF1204159ZE184226B<<<<<10",
    ];
    let misread_number = misread[1].replacen("L898902C3", "L89890ZC3", 1);
    let lines = [misread[0], misread_number.as_str()];
    let scores = cells(
        &lines,
        &[(0, 9, b'S'), (1, 15, b'0'), (1, 6, b'2'), (1, 19, b'2')],
    );
    let a = assemble(&scores);
    assert_eq!(
        a.lines,
        [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
        ]
    );
    assert_eq!(a.raw_lines, lines);
    let fixed: Vec<(usize, usize, char, char)> = a
        .corrections
        .iter()
        .map(|c| (c.line, c.position, c.read, c.corrected))
        .collect();
    assert_eq!(
        fixed,
        [
            (1, 10, '5', 'S'),
            (2, 7, 'Z', '2'),
            (2, 16, 'O', '0'),
            (2, 20, 'Z', '2'),
        ]
    );
    assert!(crate::mrz::parse(&a.lines.join("\n")).unwrap().valid());
}

#[test]
fn an_unknown_country_code_becomes_the_known_one_read_nearly_as_well() {
    let lines = [
        "P<UTQERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    let a = assemble(&cells(&lines, &[(0, 4, b'O')]));
    assert_eq!(&a.lines[0][..5], "P<UTO");
    assert_eq!(a.corrections.len(), 1);
    assert_eq!(
        (a.corrections[0].read, a.corrections[0].corrected),
        ('Q', 'O')
    );
}

#[test]
fn a_check_digit_does_not_pull_in_an_unlikely_swap() {
    // The number's check digit is wrong, and no confusable pair is close: nothing changes.
    let lines = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C37UTO7408122F1204159ZE184226B<<<<<10",
    ];
    let a = assemble(&cells(&lines, &[]));
    assert_eq!(a.lines, lines);
    assert!(a.corrections.is_empty());
}

#[test]
fn odd_images_give_no_reading_and_no_panic() {
    let mut seed = 0x2545_f491_u32;
    let mut noise = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed >> 24) as u8
    };
    let noisy = GrayImage::from_fn(640, 400, |_, _| image::Luma([noise()]));
    let stripes = GrayImage::from_fn(500, 300, |_, y| {
        image::Luma([if y % 6 < 2 { 0 } else { 255 }])
    });
    let dots = GrayImage::from_fn(800, 200, |x, y| {
        image::Luma([if x % 12 < 6 && y % 14 < 8 { 20 } else { 240 }])
    });
    let black = GrayImage::new(300, 300);
    let thin = GrayImage::from_pixel(4000, 17, image::Luma([200]));
    for img in [&noisy, &stripes, &dots, &black, &thin] {
        assert!(read_mrz(img).is_none_or(|r| !r.mrz.valid()));
        assert!(read_cn_id_number(img).is_none());
    }
}
