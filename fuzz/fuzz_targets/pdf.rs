//! Feeds arbitrary bytes to the PDF reader (prefixed with a PDF header, so the parser is reached):
//! it must never panic, and what it reads must respect the limits.

#![no_main]

use gatehouse_checks::pdf::{read_first_page, PdfLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend_from_slice(data);
    let limits = PdfLimits {
        max_bytes: 1 << 20,
        max_stream_bytes: 1 << 20,
        max_total_inflated: 4 << 20,
        ..PdfLimits::default()
    };
    if let Ok(reading) = read_first_page(&bytes, &limits) {
        assert!(reading.pages <= limits.max_pages);
        assert!(reading.text.len() <= limits.max_total_inflated * 4);
    }
});
