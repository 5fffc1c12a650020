//! What an uploaded file is, judged from its bytes (never from the client's Content-Type).

use gatehouse_core::application::Slot;

/// MIME types accepted for a slot.
pub fn accepted_types(slot: Slot) -> &'static [&'static str] {
    match slot {
        Slot::ProofOfAddress => &[
            "image/jpeg",
            "image/png",
            "image/webp",
            "image/heic",
            "application/pdf",
        ],
        _ => &["image/jpeg", "image/png", "image/webp", "image/heic"],
    }
}

/// Recognises a file by its signature (the image checks' own recogniser).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    gatehouse_checks::imaging::sniff(bytes).map(|f| f.mime())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Some("image/heic"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(&[]), None);
    }

    #[test]
    fn pdf_only_for_proof_of_address() {
        assert!(accepted_types(Slot::ProofOfAddress).contains(&"application/pdf"));
        assert!(!accepted_types(Slot::Selfie).contains(&"application/pdf"));
    }
}
