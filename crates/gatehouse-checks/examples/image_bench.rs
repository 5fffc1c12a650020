//! Speed and memory of the image checks (`imaging::analyse`), one thread.
//!
//! ```sh
//! cargo run --release -p gatehouse-checks --example image_bench -- [--runs N] FILES...
//! cargo run --release -p gatehouse-checks --example image_bench -- --memory FILE
//! cargo run --release -p gatehouse-checks --example image_bench -- --stages [--runs N] FILES...
//! ```
//!
//! Default mode: for each file, one warm-up analysis, then N timed ones (default 15). The file is
//! read into memory first; the timing covers `analyse` only (sniffing, metadata, decoding within
//! limits, every metric). One JSON line per file:
//! `{"file", "width", "height", "runs", "ms_median", "ms_min", "ms_mean", "cpu_ms_mean"}`
//! (`cpu_ms_mean`: CPU time of all the process's threads per run, see [`cpu_ms`]).
//!
//! `--memory FILE`: one analysis in a fresh process, then one JSON line with the peak resident
//! memory it added. `baseline_kb` is the process's VmHWM (peak resident set) read from
//! /proc/self/status before the file is read, after a warm-up analysis of a 16x16 black PNG
//! (the OpenCV side of bench/images.py warms up the same way); `peak_kb` is VmHWM after the analysis;
//! `delta_kb = peak_kb - baseline_kb` is what reading the file and analysing it added at their
//! peak, the file's own bytes (`file_bytes`) included. Run it once per file, so that no earlier
//! file's peak hides this one's.
//!
//! `--stages`: median time of each step `analyse` takes, called one by one through the public
//! functions of `imaging`, to see where the time goes.

use std::time::Instant;

use gatehouse_checks::imaging::{
    self, decode, glare, locate, meta, metrics, phash, region, resample, screen, ImageSettings,
};
use image::{DynamicImage, GenericImageView, GrayImage, RgbImage};
use serde_json::json;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut runs = 15usize;
    let mut mode = Mode::Time;
    let mut files = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| fail("--runs needs a positive number"));
            }
            "--memory" => mode = Mode::Memory,
            "--stages" => mode = Mode::Stages,
            "-h" | "--help" => {
                println!(
                    "usage: image_bench [--runs N] FILES... | --memory FILE | --stages [--runs N] FILES..."
                );
                return;
            }
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        fail("no files given (see --help)");
    }
    let settings = ImageSettings::default();
    match mode {
        Mode::Time => files.iter().for_each(|f| time(f, runs, &settings)),
        Mode::Stages => files.iter().for_each(|f| stages(f, runs, &settings)),
        Mode::Memory => {
            if files.len() != 1 {
                fail("--memory takes exactly one file: run one process per file");
            }
            memory(&files[0], &settings);
        }
    }
}

enum Mode {
    Time,
    Memory,
    Stages,
}

fn fail(message: &str) -> ! {
    eprintln!("image_bench: {message}");
    std::process::exit(2);
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(file).unwrap_or_else(|e| fail(&format!("{file}: {e}")))
}

fn analyse(file: &str, bytes: &[u8], settings: &ImageSettings) -> imaging::Analysis {
    imaging::analyse(bytes, settings).unwrap_or_else(|e| fail(&format!("{file}: {e}")))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn time(file: &str, runs: usize, settings: &ImageSettings) {
    let bytes = read(file);
    let warm = analyse(file, &bytes, settings);
    let mut ms = Vec::with_capacity(runs);
    let cpu_before = cpu_ms();
    for _ in 0..runs {
        let start = Instant::now();
        let analysis = analyse(file, &bytes, settings);
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(analysis);
    }
    let cpu_per_run = (cpu_ms() - cpu_before) / runs as f64;
    let wall_per_run = ms.iter().sum::<f64>() / runs as f64;
    let min = ms.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "{}",
        json!({
            "file": file,
            "width": warm.width,
            "height": warm.height,
            "runs": runs,
            "ms_median": round3(median(ms)),
            "ms_min": round3(min),
            "ms_mean": round3(wall_per_run),
            "cpu_ms_mean": round3(cpu_per_run),
        })
    );
}

/// CPU time of the whole process (every thread, user and system), in ms, from /proc/self/stat
/// (clock ticks of 10 ms: meaningful over many runs only). jpeg-decoder decodes on a worker
/// thread of its own, so CPU time above wall time shows work done on a second core.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat")
        .unwrap_or_else(|e| fail(&format!("/proc/self/stat: {e}")));
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of stat(5) (utime, stime) are the 12th and 13th after the name.
    let ticks: u64 = fields[11..13]
        .iter()
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    ticks as f64 * 10.0
}

/// A field of /proc/self/status, in kB.
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_else(|e| fail(&format!("/proc/self/status: {e}")));
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| fail(&format!("no {field} in /proc/self/status")))
}

fn memory(file: &str, settings: &ImageSettings) {
    // Warm up on a 16x16 black PNG before the baseline, as bench/images.py does for OpenCV, so
    // that neither side counts its lazy initialisation (code and tables touched the first
    // time) as the picture's memory.
    let mut tiny = std::io::Cursor::new(Vec::new());
    RgbImage::new(16, 16)
        .write_to(&mut tiny, image::ImageFormat::Png)
        .unwrap_or_else(|e| fail(&e.to_string()));
    std::hint::black_box(imaging::analyse(tiny.get_ref(), settings).ok());
    let baseline_hwm = status_kb("VmHWM");
    let baseline_rss = status_kb("VmRSS");
    let bytes = read(file);
    let file_bytes = bytes.len();
    let analysis = analyse(file, &bytes, settings);
    let peak = status_kb("VmHWM");
    let (working_w, working_h) = analysis
        .decoded
        .as_ref()
        .map_or((0, 0), |d| d.rgb.dimensions());
    println!(
        "{}",
        json!({
            "file": file,
            "width": analysis.width,
            "height": analysis.height,
            "working_width": working_w,
            "working_height": working_h,
            "file_bytes": file_bytes,
            "baseline_kb": baseline_hwm,
            "baseline_rss_kb": baseline_rss,
            "peak_kb": peak,
            "delta_kb": peak.saturating_sub(baseline_hwm),
        })
    );
    std::hint::black_box((bytes, analysis));
}

/// Median milliseconds of `f` over `runs` calls, after one warm-up call.
fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let out = f();
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f());
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    (round3(median(ms)), out)
}

fn stages(file: &str, runs: usize, settings: &ImageSettings) {
    let bytes = read(file);
    let format = imaging::sniff(&bytes).unwrap_or_else(|| fail(&format!("{file}: unknown type")));
    let mut out = serde_json::Map::new();
    let (ms, _) = timed(runs, || meta::read(&bytes, format));
    out.insert("meta".into(), json!(ms));
    if format == imaging::Format::Jpeg {
        // The two JPEG decoders on their own, at full size: decode::decode uses zune-jpeg
        // when no reduced scale fits, and jpeg-decoder (scaled) otherwise.
        let (ms, full) = timed(runs, || jpeg_decoder_full(&bytes));
        out.insert("jpeg_decoder_full".into(), json!(ms));
        out.insert("jpeg_full_size".into(), json!(full.dimensions()));
        let (ms, _) = timed(runs, || zune_full(&bytes));
        out.insert("zune_jpeg_full".into(), json!(ms));
        let (ms, scaled) = timed(runs, || jpeg_scaled(&bytes, settings.limits.working_size));
        out.insert("jpeg_decoder_scaled".into(), json!(ms));
        out.insert("jpeg_scaled_size".into(), json!(scaled.dimensions()));
        // What decode::decode does with the full-size pixels: shrink to the working size,
        // then the gray working image.
        let rgb = full.to_rgb8();
        let (w, h) = rgb.dimensions();
        let size = settings.limits.working_size;
        let long = w.max(h);
        if long > size {
            let factor = f64::from(size) / f64::from(long);
            let dw = ((f64::from(w) * factor).round() as u32).max(1);
            let dh = ((f64::from(h) * factor).round() as u32).max(1);
            let (ms, _) = timed(runs, || resample::shrink(rgb.as_raw(), w, h, 3, dw, dh));
            out.insert("shrink_full_to_working".into(), json!(ms));
        }
        let (ms, _) = timed(runs, || resample::luma(rgb.as_raw()));
        out.insert("luma_at_full_size".into(), json!(ms));
    }
    let (ms, decoded) = timed(runs, || {
        decode::decode(&bytes, &settings.limits).unwrap_or_else(|e| fail(&format!("{file}: {e}")))
    });
    out.insert("decode_total".into(), json!(ms));
    out.insert("working_size".into(), json!(decoded.rgb.dimensions()));
    let (rgb, gray) = (&decoded.rgb, &decoded.gray);
    let (ms, document) = timed(runs, || {
        locate::locate(rgb, gray, settings.cell_density, settings.cut_density)
    });
    out.insert("locate".into(), json!(ms));
    let (w, h) = gray.dimensions();
    let area = if document.coverage > 0.0 {
        document.bbox
    } else {
        region::Rect::full(w, h)
    };
    let (ms, _) = timed(runs, || metrics::exposure(gray, area));
    out.insert("exposure".into(), json!(ms));
    let (ms, _) = timed(runs, || metrics::sharpness(gray, area));
    out.insert("sharpness".into(), json!(ms));
    let (ms, _) = timed(runs, || metrics::colourfulness(rgb, area));
    out.insert("colourfulness".into(), json!(ms));
    let (ms, _) = timed(runs, || {
        glare::spots(
            rgb,
            gray,
            area,
            settings.glare_min_share,
            settings.glare_min_fill,
        )
    });
    out.insert("glare".into(), json!(ms));
    let (ms, _) = timed(runs, || screen::moire_score(rgb));
    out.insert("moire".into(), json!(ms));
    let (ms, _) = timed(runs, || phash::hashes(gray));
    out.insert("phash".into(), json!(ms));
    let (ms, _) = timed(runs, || imaging::analyse(&bytes, settings).is_ok());
    out.insert("analyse_total".into(), json!(ms));
    println!("{}", json!({"file": file, "ms_median": out}));
}

/// A JPEG decoded at full size by jpeg-decoder.
fn jpeg_decoder_full(bytes: &[u8]) -> DynamicImage {
    jpeg_scaled(bytes, u32::MAX)
}

/// A JPEG decoded at full size by zune-jpeg, as RGB.
fn zune_full(bytes: &[u8]) -> Vec<u8> {
    use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options)
        .decode()
        .unwrap_or_else(|e| fail(&e.to_string()))
}

/// Decodes a JPEG at the DCT scale `decode::decode` requests for a working size of `size`.
fn jpeg_scaled(bytes: &[u8], size: u32) -> DynamicImage {
    let mut decoder = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
    decoder.read_info().unwrap_or_else(|e| fail(&e.to_string()));
    let info = decoder.info().unwrap_or_else(|| fail("no JPEG header"));
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let long = width.max(height);
    if long > size {
        let factor = f64::from(size) / f64::from(long);
        let w = ((f64::from(width) * factor).ceil() as u16).max(1);
        let h = ((f64::from(height) * factor).ceil() as u16).max(1);
        decoder.scale(w, h).unwrap_or_else(|e| fail(&e.to_string()));
    }
    let pixels = decoder.decode().unwrap_or_else(|e| fail(&e.to_string()));
    let info = decoder.info().unwrap_or_else(|| fail("no JPEG header"));
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => GrayImage::from_raw(w, h, pixels).map(DynamicImage::from),
        jpeg_decoder::PixelFormat::RGB24 => {
            RgbImage::from_raw(w, h, pixels).map(DynamicImage::from)
        }
        _ => None,
    }
    .unwrap_or_else(|| fail("only 8-bit gray and RGB JPEGs are split into stages"))
}
