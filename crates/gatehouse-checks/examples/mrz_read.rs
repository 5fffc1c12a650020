//! Reads the MRZ (or, with `--cn-id`, the Chinese resident ID number) of each image named on
//! the command line and prints one JSON line per image with the time the reading took
//! (decoding included). Used by `bench/mrz_read.py`.

use std::time::Instant;

use gatehouse_checks::ocr;
use serde_json::json;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let cn = args.first().is_some_and(|a| a == "--cn-id");
    if cn {
        args.remove(0);
    }
    for path in args {
        let started = Instant::now();
        let result = image::open(&path).map(|img| img.to_luma8());
        let out = match result {
            Err(e) => json!({ "file": path, "error": e.to_string() }),
            Ok(gray) if cn => {
                let read = ocr::read_cn_id_number(&gray);
                json!({
                    "file": path,
                    "reading": read.map(|r| r.to_json()),
                    "elapsed_ms": started.elapsed().as_secs_f64() * 1000.0,
                })
            }
            Ok(gray) => {
                let read = ocr::read_mrz(&gray);
                json!({
                    "file": path,
                    "reading": read.as_ref().map(|r| r.to_json()),
                    "lines": read.as_ref().map(|r| r.lines.clone()),
                    "elapsed_ms": started.elapsed().as_secs_f64() * 1000.0,
                })
            }
        };
        println!("{out}");
    }
}
