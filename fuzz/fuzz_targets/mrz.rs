//! Feeds arbitrary text to the MRZ parser: it must never panic, and its verdicts must agree.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Lossy, so every input reaches the parser as UTF-8 instead of being skipped.
    let text = String::from_utf8_lossy(data);
    if let Ok(mrz) = gatehouse_checks::mrz::parse(&text) {
        let json = mrz.to_json();
        assert_eq!(json["valid"].as_bool(), Some(mrz.valid()));
        assert!(!mrz.valid() || mrz.checks.all_passed());
    }
});
