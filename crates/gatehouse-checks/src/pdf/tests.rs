use super::testing;
use super::*;

#[test]
fn reads_the_first_page_text_plain_and_compressed() {
    for compress in [false, true] {
        let pdf = testing::statement(
            &["ACME Energy", "Jane Müller", "Statement date 03/11/2026"],
            compress,
        );
        let r = read_first_page(&pdf, &PdfLimits::default()).expect("readable");
        assert_eq!(r.pages, 1);
        assert_eq!(r.images, 0);
        let lines: Vec<&str> = r
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(
            lines,
            ["ACME Energy", "Jane Müller", "Statement date 03/11/2026"]
        );
    }
}

#[test]
fn a_scan_has_an_image_and_no_text() {
    let r = read_first_page(&testing::scanned(), &PdfLimits::default()).expect("readable");
    assert_eq!((r.images, r.text_chars), (1, 0));
    let r = read_first_page(&testing::blank(), &PdfLimits::default()).expect("readable");
    assert_eq!((r.images, r.text_chars), (0, 0));
}

#[test]
fn refuses_encrypted_damaged_and_oversized_files() {
    let limits = PdfLimits::default();
    assert_eq!(
        read_first_page(&testing::encrypted(), &limits),
        Err(PdfError::Encrypted)
    );
    assert!(matches!(
        read_first_page(b"%PDF-1.4\nnothing here", &limits),
        Err(PdfError::Corrupt(_))
    ));
    assert!(matches!(
        read_first_page(b"GIF89a", &limits),
        Err(PdfError::Corrupt(_))
    ));
    let pdf = testing::statement(&["x"], false);
    let small = PdfLimits {
        max_bytes: 100,
        ..limits
    };
    assert!(matches!(
        read_first_page(&pdf, &small),
        Err(PdfError::TooLarge { .. })
    ));
    // Every prefix of a valid file is refused or read, never a panic.
    for cut in (0..pdf.len()).step_by(7) {
        let _ = read_first_page(&pdf[..cut], &limits);
    }
}

#[test]
fn a_decompression_bomb_is_refused_at_the_cap() {
    // 64 MiB of zeros packed into about 64 KiB.
    let pdf = testing::bomb(64 << 20);
    assert!(pdf.len() < 200 * 1024, "{}", pdf.len());
    assert_eq!(
        read_first_page(&pdf, &PdfLimits::default()),
        Err(PdfError::TooComplex("decompressed size"))
    );
}

#[test]
fn too_many_objects_or_pages_are_refused() {
    let pdf = testing::statement(&["x"], false);
    let few = PdfLimits {
        max_objects: 3,
        ..PdfLimits::default()
    };
    assert_eq!(
        read_first_page(&pdf, &few),
        Err(PdfError::TooComplex("objects"))
    );
    let pages = testing::build(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 5000 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R >>".to_vec(),
        ],
        "",
    );
    assert_eq!(
        read_first_page(&pages, &PdfLimits::default()),
        Err(PdfError::TooComplex("pages"))
    );
}
