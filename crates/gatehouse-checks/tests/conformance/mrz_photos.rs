//! The photo reader against the document images in `../shared/data/images` (PassportEye's
//! test images and the ICAO specimens, see its README): the specimens must read exactly as
//! `index.json` states, at every right-angle rotation; of PassportEye's test images, at least
//! as many must read with every check digit passing as PassportEye itself managed (its score
//! of 100 in the file name), and each reading must agree with the parser.

use crate::support;

use std::fs;

use gatehouse_checks::mrz;
use gatehouse_checks::ocr::{decode_gray, read_mrz};
use image::{imageops, GrayImage};
use serde_json::Value;

fn index() -> Option<(std::path::PathBuf, Vec<Value>)> {
    let path = support::shared_data("images/index.json")?;
    let text = fs::read_to_string(&path).expect("read index.json");
    let dir = path.parent().expect("images folder").to_path_buf();
    Some((
        dir,
        serde_json::from_str(&text).expect("index.json is a JSON array"),
    ))
}

fn image(dir: &std::path::Path, entry: &Value) -> GrayImage {
    let file = entry["file"].as_str().expect("file");
    decode_gray(&fs::read(dir.join(file)).expect("read image")).expect("decode image")
}

#[test]
fn specimens_read_exactly_at_every_rotation() {
    let Some((dir, entries)) = index() else {
        return;
    };
    let specimens: Vec<&Value> = entries
        .iter()
        .filter(|e| e["expected_mrz"].is_array())
        .collect();
    assert_eq!(specimens.len(), 4, "the four ICAO specimens");
    for e in specimens {
        let expected: Vec<&str> = e["expected_mrz"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let img = image(&dir, e);
        for (degrees, turned) in [
            (0, img.clone()),
            (90, imageops::rotate90(&img)),
            (180, imageops::rotate180(&img)),
            (270, imageops::rotate270(&img)),
        ] {
            let read =
                read_mrz(&turned).unwrap_or_else(|| panic!("{} at {degrees}°: no MRZ", e["file"]));
            assert_eq!(read.lines, expected, "{} at {degrees}°", e["file"]);
            assert!(read.mrz.valid());
            let fields = &e["expected_fields"];
            assert_eq!(read.mrz.fields.document_number, fields["number"]);
            assert_eq!(read.mrz.fields.surname, fields["surname"]);
            assert_eq!(read.mrz.fields.given_names, fields["names"]);
            assert_eq!(read.mrz.fields.birth_date, fields["date_of_birth"]);
            assert_eq!(read.mrz.fields.expiry_date, fields["expiration_date"]);
        }
    }
}

#[test]
fn passporteye_test_images_read_at_least_as_well_as_passporteye() {
    let Some((dir, entries)) = index() else {
        return;
    };
    let mut valid = Vec::new();
    let mut peer = 0;
    let test_images: Vec<&Value> = entries
        .iter()
        .filter(|e| e["score_prefix"].is_number())
        .collect();
    assert_eq!(test_images.len(), 17);
    for e in &test_images {
        peer += usize::from(e["score_prefix"] == 100);
        let Some(read) = read_mrz(&image(&dir, e)) else {
            continue;
        };
        // What the reader reports is what the parser says of the lines it reports.
        let parsed = mrz::parse(&read.lines.join("\n")).expect("lines parse");
        assert_eq!(parsed, read.mrz);
        assert!(read.corrections.iter().all(|c| {
            read.raw_lines[c.line - 1].chars().nth(c.position - 1) == Some(c.read)
                && read.lines[c.line - 1].chars().nth(c.position - 1) == Some(c.corrected)
        }));
        if read.mrz.valid() {
            valid.push(e["file"].as_str().unwrap().to_owned());
        }
    }
    eprintln!(
        "{} of {} read with every check digit passing: {valid:?}",
        valid.len(),
        test_images.len()
    );
    assert!(
        valid.len() >= peer,
        "{} read, PassportEye's own score 100 on {peer}",
        valid.len()
    );
}
