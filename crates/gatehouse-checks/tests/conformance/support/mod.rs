//! Locating `../shared/data`, the third-party test data beside the checkout.
//!
//! Tests that read it call [`shared_data`]. When `GATEHOUSE_SHARED_DATA` is set (CI sets it to
//! the folder), missing files fail the test loudly. When it is not set and the folder is not
//! beside the checkout, the test prints why and returns early, so the plain test command passes
//! on a machine without `../shared`.

#![allow(dead_code)]

use std::path::PathBuf;

/// The path of `relative` inside the shared data folder, or `None` (after saying so) when the
/// data is absent and not required.
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    let required = std::env::var_os("GATEHOUSE_SHARED_DATA");
    let root = match &required {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    let path = root.join(relative);
    if path.exists() {
        return Some(path);
    }
    if required.is_some() {
        panic!(
            "GATEHOUSE_SHARED_DATA is set but {} does not exist",
            path.display()
        );
    }
    eprintln!(
        "shared test data not found at {}; set GATEHOUSE_SHARED_DATA to require it",
        path.display()
    );
    None
}
