//! What the file says about itself: EXIF, XMP and PNG text. Used for orientation and for the
//! integrity signals (editing software, screenshots, missing camera data). Metadata is easy to
//! strip, so its absence proves nothing; its presence is evidence worth showing.

use std::io::Cursor;

use exif::{In, Tag};
use serde::Serialize;

use super::format::Format;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// EXIF orientation, 1 (upright) when absent.
    pub orientation: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Software named by EXIF, XMP or a PNG text chunk.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub software: Vec<String>,
    /// Exposure data that only a camera writes (exposure time, f-number, ISO).
    pub camera_exposure: bool,
    /// The platform marked the picture as a screenshot (iOS writes this in UserComment; some
    /// Android builds in XMP).
    pub screenshot_marker: bool,
}

impl Meta {
    /// Whether a camera wrote this file.
    pub fn from_camera(&self) -> bool {
        self.make.is_some() || self.model.is_some() || self.camera_exposure
    }

    /// The editing or beautifying app that last wrote the file, if it is a known one.
    pub fn editor(&self) -> Option<&str> {
        self.software
            .iter()
            .find(|s| is_editor(s))
            .map(String::as_str)
    }
}

/// Apps that edit or beautify pictures (compared case-insensitively as substrings). Camera
/// firmware and the phone's own camera app are not here: they write Software too.
const EDITORS: &[&str] = &[
    "photoshop",
    "lightroom",
    "gimp",
    "pixelmator",
    "affinity photo",
    "paint.net",
    "krita",
    "photopea",
    "snapseed",
    "picsart",
    "vsco",
    "facetune",
    "faceapp",
    "meitu",
    "美图",
    "美颜",
    "beautycam",
    "beauty cam",
    "beautyplus",
    "youcam",
    "perfect365",
    "airbrush",
    "camera360",
    "b612",
    "snow",
    "faceu",
    "轻颜",
    "醒图",
    "hypic",
    "wink",
    "polarr",
    "fotor",
    "canva",
    "inshot",
    "lensa",
    "remini",
    "photodirector",
    "photoroom",
    "retouch",
    "picmonkey",
];

fn is_editor(software: &str) -> bool {
    let lower = software.to_lowercase();
    EDITORS.iter().any(|e| {
        // Short latin names must be whole words ("snow" is not "snowflake").
        if e.len() <= 5 && e.is_ascii() {
            lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| word == *e)
        } else {
            lower.contains(e)
        }
    })
}

/// Reads what it can; never fails (a file without metadata has default `Meta`).
pub fn read(bytes: &[u8], format: Format) -> Meta {
    let mut meta = Meta {
        orientation: 1,
        ..Meta::default()
    };
    if let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        let text = |tag: Tag| {
            exif.get_field(tag, In::PRIMARY)
                .map(|f| clean(&f.display_value().to_string()))
                .filter(|s| !s.is_empty())
        };
        if let Some(o) = exif
            .get_field(Tag::Orientation, In::PRIMARY)
            .and_then(|f| f.value.get_uint(0))
        {
            meta.orientation = u16::try_from(o)
                .ok()
                .filter(|o| (1..=8).contains(o))
                .unwrap_or(1);
        }
        meta.make = text(Tag::Make);
        meta.model = text(Tag::Model);
        meta.software.extend(text(Tag::Software));
        meta.camera_exposure = [
            Tag::ExposureTime,
            Tag::FNumber,
            Tag::PhotographicSensitivity,
        ]
        .into_iter()
        .any(|t| exif.get_field(t, In::PRIMARY).is_some());
        if let Some(comment) = exif.get_field(Tag::UserComment, In::PRIMARY) {
            let value = comment.display_value().to_string();
            meta.screenshot_marker |= value.to_lowercase().contains("screenshot");
        }
    }
    if let Some(xmp) = find_xmp(bytes) {
        for key in ["xmp:CreatorTool", "stEvt:softwareAgent", "tiff:Software"] {
            meta.software.extend(xmp_values(xmp, key));
        }
        meta.screenshot_marker |= xmp.to_lowercase().contains("screenshot");
    }
    if format == Format::Png {
        meta.software.extend(png_text(bytes, "Software"));
    }
    if format == Format::Jpeg && has_photoshop_block(bytes) {
        meta.software
            .push("Adobe Photoshop (resource block)".into());
    }
    meta.software.dedup();
    meta
}

fn clean(value: &str) -> String {
    value
        .trim_matches(|c: char| c == '"' || c.is_whitespace() || c == '\0')
        .chars()
        .take(120)
        .collect()
}

/// The XMP packet, found by its markers (it sits in JPEG APP1, PNG iTXt, WebP XMP chunks).
fn find_xmp(bytes: &[u8]) -> Option<&str> {
    let start = find(bytes, b"<x:xmpmeta")?;
    let end = start + find(&bytes[start..], b"</x:xmpmeta>")?;
    std::str::from_utf8(&bytes[start..end]).ok()
}

/// Values of `key` written either as an attribute (`key="v"`) or an element (`<key>v</key>`).
fn xmp_values(xmp: &str, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let attribute = format!("{key}=\"");
    let mut rest = xmp;
    while let Some(i) = rest.find(&attribute) {
        rest = &rest[i + attribute.len()..];
        if let Some(end) = rest.find('"') {
            out.push(clean(&rest[..end]));
        }
    }
    let open = format!("<{key}>");
    let mut rest = xmp;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        if let Some(end) = rest.find('<') {
            out.push(clean(&rest[..end]));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Values of PNG tEXt chunks with `keyword`.
fn png_text(bytes: &[u8], keyword: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 8;
    while at + 12 <= bytes.len() {
        let len =
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let kind = &bytes[at + 4..at + 8];
        let Some(data) = bytes.get(at + 8..at + 8 + len) else {
            break;
        };
        if kind == b"tEXt" {
            if let Some(nul) = data.iter().position(|&b| b == 0) {
                if &data[..nul] == keyword.as_bytes() {
                    out.push(clean(&String::from_utf8_lossy(&data[nul + 1..])));
                }
            }
        }
        if kind == b"IDAT" || kind == b"IEND" {
            break;
        }
        at += 12 + len;
    }
    out
}

/// Photoshop writes an APP13 "Photoshop 3.0" segment; phone cameras never do.
fn has_photoshop_block(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256 * 1024)];
    find(head, b"Photoshop 3.0\0").is_some()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_are_recognised_and_camera_firmware_is_not() {
        for s in [
            "Adobe Photoshop 25.1 (Windows)",
            "Meitu",
            "美图秀秀",
            "PicsArt",
            "Snapseed 2.0",
            "SNOW",
            "Facetune2",
            "BeautyCam",
        ] {
            assert!(is_editor(s), "{s}");
        }
        for s in [
            "iOS 17.1",
            "MediaTek Camera Application",
            "HDR+ 1.0",
            "Snowflake",
            "G998BXXU",
        ] {
            assert!(!is_editor(s), "{s}");
        }
    }

    #[test]
    fn xmp_attribute_and_element_forms() {
        let xmp = r#"<x:xmpmeta><rdf:Description xmp:CreatorTool="Picsart"/><stEvt:softwareAgent>Adobe Lightroom</stEvt:softwareAgent></x:xmpmeta>"#;
        assert_eq!(xmp_values(xmp, "xmp:CreatorTool"), ["Picsart"]);
        assert_eq!(xmp_values(xmp, "stEvt:softwareAgent"), ["Adobe Lightroom"]);
    }

    #[test]
    fn png_software_chunk() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let data = b"Software\0GIMP 2.10";
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(b"tEXt");
        png.extend(data);
        png.extend([0, 0, 0, 0]);
        let meta = read(&png, Format::Png);
        assert_eq!(meta.software, ["GIMP 2.10"]);
        assert_eq!(meta.editor(), Some("GIMP 2.10"));
        assert!(!meta.from_camera());
    }
}
