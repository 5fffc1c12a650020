//! Safe reading of PDF statements (proof of address): how many pages, the first page's text,
//! and whether it holds pictures (a scanned statement).
//!
//! The reader is Gatehouse's own and small: it finds the objects by scanning, follows the page
//! tree to the first page and extracts the text its content streams show (see [`text`]).
//! Everything is bounded — the file's size, the number of objects and pages, each stream's and
//! all streams' decompressed size, the nesting depth — and a PDF that breaks a limit is refused
//! with its own error, never decoded further. Encrypted files are refused: their text cannot be
//! read without the password.

mod document;
mod picture;
mod syntax;
mod text;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use document::Document;
pub use picture::{Bitmap, Scan};
use syntax::{Dict, Obj};

/// Limits on what is read from a PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PdfLimits {
    /// Largest file accepted, in bytes (the server sets it from `limits.max_upload_bytes`).
    #[serde(skip)]
    pub max_bytes: usize,
    /// Most objects in the file (a bank statement has a few hundred).
    pub max_objects: usize,
    /// Most pages (the page tree's `/Count`).
    pub max_pages: usize,
    /// Largest decompressed stream, in bytes.
    pub max_stream_bytes: usize,
    /// Largest decompressed total over every stream read, in bytes.
    pub max_total_inflated: usize,
    /// Largest picture decoded as a scan of a page without text, in bytes of its raw samples
    /// and of the pixels they unpack to (an A4 page scanned at 300 dpi in colour is 26 MB),
    /// checked before it is inflated. A budget of its own, beside `max_total_inflated`.
    pub max_picture_bytes: usize,
}

impl Default for PdfLimits {
    fn default() -> Self {
        Self {
            max_bytes: 15 * 1024 * 1024,
            max_objects: 20_000,
            max_pages: 100,
            max_stream_bytes: 8 * 1024 * 1024,
            max_total_inflated: 32 * 1024 * 1024,
            max_picture_bytes: 40 * 1024 * 1024,
        }
    }
}

/// Why a PDF could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("the file is {size} bytes, more than the {max} allowed")]
    TooLarge { size: usize, max: usize },
    #[error("the PDF is encrypted")]
    Encrypted,
    #[error("the PDF is damaged: {0}")]
    Corrupt(String),
    #[error("the PDF exceeds the limit on its {0}")]
    TooComplex(&'static str),
    #[error("the PDF uses an encoding that is not read")]
    Unsupported,
}

impl PdfError {
    /// A stable code for the evidence and the logs.
    pub fn code(&self) -> &'static str {
        match self {
            PdfError::TooLarge { .. } => "too_large",
            PdfError::Encrypted => "encrypted",
            PdfError::Corrupt(_) => "corrupt",
            PdfError::TooComplex(_) => "too_complex",
            PdfError::Unsupported => "unsupported",
        }
    }
}

/// What was read from a PDF.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PdfReading {
    pub pages: usize,
    /// The first page's text, as shown (lines separated by newlines).
    #[serde(skip)]
    pub text: String,
    /// Characters of text on the first page.
    pub text_chars: usize,
    /// Pictures on the first page (a scanned statement is one picture).
    pub images: usize,
    /// The largest picture of a first page without text (a scan's page, as the scanner or the
    /// phone's scanning app stored it), where its encoding is read: it is judged like a photo.
    #[serde(skip)]
    pub scan: Option<Scan>,
}

/// Longest text kept from the first page, in bytes.
const MAX_TEXT: usize = 200_000;
/// Deepest page tree followed.
const MAX_TREE_DEPTH: usize = 32;

/// Reads the first page of the PDF in `bytes` within `limits`.
pub fn read_first_page(bytes: &[u8], limits: &PdfLimits) -> Result<PdfReading, PdfError> {
    if bytes.len() > limits.max_bytes {
        return Err(PdfError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    let doc = Document::parse(bytes, *limits)?;
    if doc.trailers.iter().any(|t| t.get("Encrypt").is_some()) {
        return Err(PdfError::Encrypted);
    }
    let root = doc
        .trailers
        .iter()
        .rev()
        .find_map(|t| t.get("Root"))
        .and_then(|r| doc.dict(r))
        .ok_or_else(|| PdfError::Corrupt("no document catalogue".into()))?;
    let pages_root = root
        .get("Pages")
        .and_then(|p| doc.dict(p))
        .ok_or_else(|| PdfError::Corrupt("no page tree".into()))?;
    let pages = pages_root
        .get("Count")
        .and_then(|c| doc.resolve(c).as_num())
        .unwrap_or(0.0)
        .max(0.0) as usize;
    if pages > limits.max_pages {
        return Err(PdfError::TooComplex("pages"));
    }
    let (page, resources) = first_page(&doc, pages_root)
        .ok_or_else(|| PdfError::Corrupt("the first page is missing".into()))?;
    let fonts = fonts(&doc, resources);
    let images = pictures(&doc, resources).count();
    let mut text = String::new();
    let contents: Vec<&Obj> = match page.get("Contents") {
        Some(Obj::Array(items)) => items.iter().collect(),
        Some(Obj::Ref(n)) => match doc.get(*n) {
            Some(document::Entry::Obj(Obj::Array(items))) => items.iter().collect(),
            _ => vec![page.get("Contents").unwrap_or(&Obj::Null)],
        },
        _ => Vec::new(),
    };
    for content in contents {
        let Some(stream) = doc.stream(content) else {
            continue;
        };
        match doc.decode(stream) {
            Ok(data) => text::extract(&data, &fonts, &mut text, MAX_TEXT),
            Err(PdfError::Unsupported) => {}
            Err(e) => return Err(e),
        }
        text.push('\n');
    }
    let text = text.trim().to_string();
    let text_chars = text.chars().filter(|c| !c.is_whitespace()).count();
    // Only a page without text is a scan: a statement's logo is never decoded.
    let scan = if text_chars == 0 {
        largest_picture(&doc, resources, limits.max_picture_bytes)
    } else {
        None
    };
    Ok(PdfReading {
        pages,
        text_chars,
        text,
        images,
        scan,
    })
}

/// The first leaf of the page tree and its resources (inherited from its ancestors when it
/// has none of its own).
fn first_page<'a>(doc: &'a Document, root: &'a Dict) -> Option<(&'a Dict, Option<&'a Dict>)> {
    let mut node = root;
    let mut resources = None;
    for _ in 0..MAX_TREE_DEPTH {
        if let Some(r) = node.get("Resources").and_then(|r| doc.dict(r)) {
            resources = Some(r);
        }
        let kids = node.get("Kids").map(|k| doc.resolve(k));
        match kids {
            Some(Obj::Array(items)) if node.name("Type") != Some(b"Page") => {
                node = doc.dict(items.first()?)?;
            }
            _ => return Some((node, resources)),
        }
    }
    None
}

fn fonts(doc: &Document, resources: Option<&Dict>) -> HashMap<Vec<u8>, text::Font> {
    let Some(fonts) = resources
        .and_then(|r| r.get("Font"))
        .and_then(|f| doc.dict(f))
    else {
        return HashMap::new();
    };
    fonts
        .0
        .iter()
        .take(256)
        .filter_map(|(name, font)| Some((name.clone(), text::Font::load(doc, doc.dict(font)?))))
        .collect()
}

/// Most pictures of a page looked at for a scan.
const MAX_PAGE_IMAGES: usize = 64;

/// The page's XObjects that are pictures (`/Subtype /Image`).
fn pictures<'a>(doc: &'a Document, resources: Option<&'a Dict>) -> impl Iterator<Item = &'a Obj> {
    resources
        .and_then(|r| r.get("XObject"))
        .and_then(|x| doc.dict(x))
        .into_iter()
        .flat_map(|objects| objects.0.iter().map(|(_, o)| o))
        .filter(|o| doc.dict(o).and_then(|d| d.name("Subtype")) == Some(b"Image"))
}

/// The largest picture (by width × height) among the page's pictures, decoded as a scan; `None`
/// when it is in an encoding that is not read, or damaged (a person then reads the page). A
/// smaller picture is never judged in its place: it is a logo or a stamp, not the page.
fn largest_picture(doc: &Document, resources: Option<&Dict>, max_bytes: usize) -> Option<Scan> {
    let stream = pictures(doc, resources)
        .take(MAX_PAGE_IMAGES)
        .filter_map(|o| {
            let stream = doc.stream(o)?;
            let size = |key| doc.resolve(stream.dict.get(key)?).as_num();
            Some((size("Width")? * size("Height")?, stream))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))?
        .1;
    picture::scan(doc, stream, max_bytes).ok()?
}

#[cfg(any(test, feature = "testing"))]
pub mod testing;

#[cfg(test)]
mod tests;
