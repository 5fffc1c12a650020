//! The JPEG scan walk on every JPEG under `../shared/data/images` (camera, scanner and
//! web-encoder files, four of them with restart markers): each whole file is complete, and
//! each file cut short and closed again with an end marker is short and refused as truncated.

use crate::support;

use gatehouse_checks::imaging::jpeg_scan::{walk, Scan};
use gatehouse_checks::imaging::{decode, DecodeError, Limits};

#[test]
fn specimen_jpegs_are_complete_and_cut_copies_are_short() {
    let Some(dir) = support::shared_data("images") else {
        return;
    };
    let mut files: Vec<_> = walkdir(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 15, "JPEGs under images/");
    let mut with_restarts = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("read");
        let name = path.display();
        assert_eq!(walk(&bytes), Scan::Complete, "{name}");
        with_restarts += usize::from(bytes.windows(2).any(|w| w == [0xFF, 0xDD]));
        let sos = bytes
            .windows(2)
            .position(|w| w == [0xFF, 0xDA])
            .expect("SOS");
        for share in [0.3, 0.7, 0.99] {
            let len = sos + ((bytes.len() - sos) as f64 * share) as usize;
            let mut cut = bytes[..len].to_vec();
            cut.extend_from_slice(&[0xFF, 0xD9]);
            assert!(
                matches!(walk(&cut), Scan::Short { .. }),
                "{name} cut at {share}"
            );
            assert_eq!(
                decode::decode(&cut, &Limits::default()).err(),
                Some(DecodeError::Truncated),
                "{name} cut at {share}"
            );
        }
    }
    assert_eq!(with_restarts, 4, "files with restart intervals");
}

fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}
