//! Runs the face detector on picture files and prints one JSON line per file: the faces (boxes
//! in the original picture's pixels) and the time taken. Used by bench/faces.py.
//!
//! `cargo run --release -p gatehouse-checks --example detect_faces -- [--model FILE]
//! [--max-side N] [--min-neighbours N] FILE...`

use std::process::ExitCode;
use std::time::Instant;

use gatehouse_checks::faces::{Detector, FaceSettings};
use gatehouse_checks::imaging::{decode, Limits};

fn main() -> ExitCode {
    let mut settings = FaceSettings::default();
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match arg.as_str() {
            "--model" => settings.model = value(),
            "--max-side" => settings.max_side = value().parse().unwrap_or(settings.max_side),
            "--min-neighbours" => {
                settings.min_neighbours = value().parse().unwrap_or(settings.min_neighbours)
            }
            _ => files.push(arg),
        }
    }
    let detector = match Detector::load(&settings) {
        Ok(Some(d)) => d,
        Ok(None) => {
            eprintln!("detect_faces: --model is empty");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("detect_faces: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for file in files {
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("detect_faces: {file}: {e}");
                failed = true;
                continue;
            }
        };
        let start = Instant::now();
        let decoded = match decode::decode(&bytes, &Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("detect_faces: {file}: {e}");
                failed = true;
                continue;
            }
        };
        let decode_ms = start.elapsed().as_secs_f64() * 1000.0;
        let faces = detector.measure(&decoded.gray, decoded.scale());
        let detect_ms = start.elapsed().as_secs_f64() * 1000.0 - decode_ms;
        let line = serde_json::json!({
            "file": file, "width": decoded.width, "height": decoded.height,
            "decode_ms": decode_ms, "detect_ms": detect_ms, "faces": faces.faces,
        });
        println!("{line}");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
