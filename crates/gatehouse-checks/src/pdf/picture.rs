//! A scanned statement's page, taken from the PDF as the scanner stored it: the page's largest
//! picture, as a JPEG file (`DCTDecode`) or as raw pixels (`FlateDecode` or no filter; 1, 2,
//! 4, 8 or 16 bits per sample; grey, RGB, CMYK or indexed; PNG and TIFF predictors undone).
//!
//! Scanning apps and "print to PDF" store pages both ways. Pictures in other encodings (JBIG2,
//! CCITT fax, JPEG 2000, LZW) are not decoded: such a scan goes to a person as before. The
//! size of the raw pixels is computed from the picture's dictionary and checked against
//! `PdfLimits::max_picture_bytes` before anything is inflated.

use super::document::{Document, Stream};
use super::syntax::{Dict, Obj};
use super::PdfError;

/// The page's largest picture, in a form the image checks read.
#[derive(Debug, Clone, PartialEq)]
pub enum Scan {
    /// The bytes of a JPEG file.
    Jpeg(Vec<u8>),
    /// Decoded pixels.
    Pixels(Bitmap),
}

/// Raw pixels: `channels` bytes per pixel (1 grey, 3 RGB), rows top to bottom, no padding.
#[derive(Debug, Clone, PartialEq)]
pub struct Bitmap {
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub data: Vec<u8>,
}

/// A colour space the pixels can be converted from.
#[derive(Debug, Clone, PartialEq)]
enum Space {
    Gray,
    Rgb,
    Cmyk,
    /// A palette: `table` holds `base`'s components for each index.
    Indexed {
        base: Box<Space>,
        table: Vec<u8>,
    },
}

impl Space {
    fn components(&self) -> usize {
        match self {
            Space::Gray | Space::Indexed { .. } => 1,
            Space::Rgb => 3,
            Space::Cmyk => 4,
        }
    }

    fn channels(&self) -> u8 {
        match self {
            Space::Gray => 1,
            Space::Indexed { base, .. } => base.channels(),
            Space::Rgb | Space::Cmyk => 3,
        }
    }
}

/// The picture `stream` as a scan, `Ok(None)` when its encoding is not one this reads.
pub fn scan(doc: &Document, stream: &Stream, max_bytes: usize) -> Result<Option<Scan>, PdfError> {
    if let Some(jpeg) = doc.decode_to_dct(stream)? {
        return Ok(Some(Scan::Jpeg(jpeg)));
    }
    let dict = &stream.dict;
    // A stencil mask is a shape painted in one colour, not a picture of the page.
    if matches!(dict.get("ImageMask"), Some(Obj::Bool(true))) {
        return Ok(None);
    }
    let number = |key| doc.resolve(dict.get(key)?).as_num();
    let (Some(width), Some(height)) = (number("Width"), number("Height")) else {
        return Err(PdfError::Corrupt("a picture without its size".into()));
    };
    let bits = number("BitsPerComponent").unwrap_or(8.0);
    if !(1.0..=65_535.0).contains(&width) || !(1.0..=65_535.0).contains(&height) {
        return Err(PdfError::Corrupt("a picture of impossible size".into()));
    }
    let (width, height, bits) = (width as usize, height as usize, bits as usize);
    if ![1, 2, 4, 8, 16].contains(&bits) {
        return Err(PdfError::Corrupt("bad bits per component".into()));
    }
    let Some(space) = dict.get("ColorSpace").and_then(|s| space(doc, s, 0)) else {
        return Ok(None);
    };
    // Both the packed samples and the pixels they unpack to (a one-bit palette picture grows
    // 24 times) stay within the limit, checked before anything is inflated.
    let row = (width * space.components() * bits).div_ceil(8);
    let pixels = width * height * usize::from(space.channels());
    let size = row * height;
    if size.max(pixels) > max_bytes {
        return Err(PdfError::TooComplex("picture size"));
    }
    // A PNG predictor adds one byte per row; a little more is allowed, never more than that.
    let Some(data) = doc.decode_picture(stream, size + height + 64)? else {
        return Ok(None);
    };
    let data = unpredict(data, decode_parms(doc, dict), row, height)?;
    if data.len() < size {
        return Err(PdfError::Corrupt("a picture shorter than its size".into()));
    }
    // A `/Decode` pair from high to low inverts that component (one-bit scans are often
    // stored so). A palette picture's pair maps each sample to an index instead.
    let decode = match dict.get("Decode").map(|d| doc.resolve(d)) {
        Some(Obj::Array(pairs)) => pairs.as_slice(),
        _ => &[],
    };
    let (inverted, indices) = match &space {
        Space::Indexed { .. } => (Vec::new(), palette_indices(decode, bits)),
        _ => (
            decode
                .chunks(2)
                .map(|p| matches!(p, [low, high] if low.as_num() > high.as_num()))
                .collect(),
            Vec::new(),
        ),
    };
    let reading = Reading {
        space: &space,
        inverted: &inverted,
        indices: &indices,
    };
    let mut out = Vec::with_capacity(pixels);
    for line in data.chunks_exact(row).take(height) {
        convert(line, width, bits, &reading, &mut out);
    }
    Ok(Some(Scan::Pixels(Bitmap {
        width: width as u32,
        height: height as u32,
        channels: space.channels(),
        data: out,
    })))
}

fn space(doc: &Document, obj: &Obj, depth: usize) -> Option<Space> {
    let family = |name: &[u8]| match name {
        b"DeviceGray" | b"G" | b"CalGray" => Some(Space::Gray),
        b"DeviceRGB" | b"RGB" | b"CalRGB" => Some(Space::Rgb),
        b"DeviceCMYK" | b"CMYK" => Some(Space::Cmyk),
        _ => None,
    };
    match doc.resolve(obj) {
        Obj::Name(name) => family(name),
        Obj::Array(items) => {
            let Some(Obj::Name(name)) = items.first() else {
                return None;
            };
            match name.as_slice() {
                b"ICCBased" => {
                    let profile = doc.dict(items.get(1)?)?;
                    match doc.resolve(profile.get("N")?).as_num()? as u32 {
                        1 => Some(Space::Gray),
                        3 => Some(Space::Rgb),
                        4 => Some(Space::Cmyk),
                        _ => None,
                    }
                }
                b"Indexed" | b"I" if depth == 0 => {
                    let base = space(doc, items.get(1)?, depth + 1)?;
                    let entries =
                        doc.resolve(items.get(2)?).as_num()?.clamp(0.0, 255.0) as usize + 1;
                    let mut table = match items.get(3).map(|t| (t, doc.resolve(t))) {
                        Some((_, Obj::Str(bytes))) => bytes.clone(),
                        Some((t, _)) => doc.decode(doc.stream(t)?).ok()?,
                        None => return None,
                    };
                    // A short table is padded with zeros, as readers do.
                    table.resize(entries * base.components(), 0);
                    Some(Space::Indexed {
                        base: Box::new(base),
                        table,
                    })
                }
                other => family(other),
            }
        }
        _ => None,
    }
}

/// The `DecodeParms` that go with the picture's FlateDecode filter.
fn decode_parms<'a>(doc: &'a Document, dict: &'a Dict) -> Option<&'a Dict> {
    match doc.resolve(dict.get("DecodeParms").or_else(|| dict.get("DP"))?) {
        Obj::Array(items) => items.iter().find_map(|p| doc.dict(p)),
        other => doc.dict(other),
    }
}

/// Undoes a predictor (ISO 32000-1, 7.4.4.4): PNG filters per row (10–15) or TIFF's horizontal
/// differencing (2, 8-bit samples).
fn unpredict(
    data: Vec<u8>,
    parms: Option<&Dict>,
    row: usize,
    height: usize,
) -> Result<Vec<u8>, PdfError> {
    // Values beyond these bounds are damage; clamping keeps the arithmetic below in range,
    // and the row-length check then refuses them.
    let int = |key, default| {
        parms
            .and_then(|p| p.get(key))
            .and_then(Obj::as_num)
            .map_or(default, |n| n.clamp(0.0, 65_535.0) as usize)
    };
    let predictor = int("Predictor", 1);
    let colors = int("Colors", 1);
    let bits = int("BitsPerComponent", 8);
    let columns = int("Columns", 1);
    if predictor <= 1 {
        return Ok(data);
    }
    if colors == 0 || colors > 32 || ![1, 2, 4, 8, 16].contains(&bits) {
        return Err(PdfError::Corrupt("bad predictor parameters".into()));
    }
    let stride = (colors * bits).div_ceil(8);
    let line = (columns * colors * bits).div_ceil(8);
    if line != row {
        return Err(PdfError::Corrupt(
            "predictor columns differ from the picture".into(),
        ));
    }
    if predictor == 2 {
        if bits != 8 {
            return Err(PdfError::Unsupported);
        }
        let mut data = data;
        for line in data.chunks_exact_mut(row) {
            for i in stride..line.len() {
                line[i] = line[i].wrapping_add(line[i - stride]);
            }
        }
        return Ok(data);
    }
    if data.len() < (row + 1) * height {
        return Err(PdfError::Corrupt("a picture shorter than its size".into()));
    }
    let mut out = vec![0u8; row * height];
    let mut previous = vec![0u8; row];
    for (y, encoded) in data.chunks_exact(row + 1).take(height).enumerate() {
        let (filter, encoded) = (encoded[0], &encoded[1..]);
        let current = &mut out[y * row..(y + 1) * row];
        for i in 0..row {
            let guess = png_guess(filter, current, &previous, i, stride)
                .ok_or_else(|| PdfError::Corrupt("unknown PNG predictor".into()))?;
            current[i] = encoded[i].wrapping_add(guess);
        }
        previous.copy_from_slice(current);
    }
    Ok(out)
}

/// What PNG filter `filter` (0–4) predicts for byte `i` of a row from the row's bytes before
/// it (`current`, pixels of `stride` bytes) and the row above (`previous`); `None` for an
/// unknown filter.
pub(super) fn png_guess(
    filter: u8,
    current: &[u8],
    previous: &[u8],
    i: usize,
    stride: usize,
) -> Option<u8> {
    let left = if i >= stride { current[i - stride] } else { 0 };
    let up = previous[i];
    let up_left = if i >= stride { previous[i - stride] } else { 0 };
    Some(match filter {
        0 => 0,
        1 => left,
        2 => up,
        3 => ((u16::from(left) + u16::from(up)) / 2) as u8,
        4 => paeth(left, up, up_left),
        _ => return None,
    })
}

/// PNG's Paeth predictor: of left, up and up-left, the one nearest to left + up - up-left.
fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// How a picture's samples become pixels.
struct Reading<'a> {
    space: &'a Space,
    /// Per component, whether its `/Decode` pair runs from high to low.
    inverted: &'a [bool],
    /// For a palette picture with a `/Decode` pair, the palette index of each sample value
    /// (empty: the sample is the index).
    indices: &'a [usize],
}

/// The palette index of each sample value of a `bits`-bit palette picture under the `/Decode`
/// pair `[low high]` (the index is low + sample × (high − low) / (2^bits − 1), rounded, at
/// least 0); empty without a usable pair.
fn palette_indices(decode: &[Obj], bits: usize) -> Vec<usize> {
    let [low, high] = decode else {
        return Vec::new();
    };
    let (Some(low), Some(high)) = (low.as_num(), high.as_num()) else {
        return Vec::new();
    };
    let max = (1usize << bits.min(8)) - 1;
    (0..=max)
        .map(|s| {
            let index = low + s as f64 * (high - low) / max as f64;
            // Out-of-range values fall outside the palette, which reads as black.
            index.round().clamp(0.0, 65_536.0) as usize
        })
        .collect()
}

/// Appends one row's pixels, as grey or RGB bytes, to `out`; components whose `inverted` entry
/// is set are read upside down.
fn convert(line: &[u8], width: usize, bits: usize, reading: &Reading, out: &mut Vec<u8>) {
    let Reading {
        space,
        inverted,
        indices,
    } = reading;
    let max = (1u32 << bits.min(8)) - 1;
    let sample = |i: usize| -> u32 {
        match bits {
            8 => u32::from(line[i]),
            16 => u32::from(line[2 * i]),
            _ => {
                let bit = i * bits;
                u32::from(line[bit / 8] >> (8 - bits - bit % 8)) & max
            }
        }
    };
    let n = space.components();
    let level = |i: usize| {
        let v = (sample(i) * 255 / max) as u8;
        if inverted.get(i % n) == Some(&true) {
            255 - v
        } else {
            v
        }
    };
    match space {
        Space::Gray => out.extend((0..width).map(level)),
        Space::Rgb => out.extend((0..width * 3).map(level)),
        Space::Cmyk => {
            for x in 0..width {
                let [c, m, y, k] = [0, 1, 2, 3].map(|j| 255 - u32::from(level(x * 4 + j)));
                out.extend([c, m, y].map(|v| (v * k / 255) as u8));
            }
        }
        Space::Indexed { base, table } => {
            let n = base.components();
            for x in 0..width {
                let s = sample(x) as usize;
                let at = indices.get(s).copied().unwrap_or(s) * n;
                let entry = table.get(at..at + n).unwrap_or(&[0, 0, 0, 0][..n]);
                match **base {
                    Space::Cmyk => {
                        let k = 255 - u32::from(entry[3]);
                        out.extend(
                            entry[..3]
                                .iter()
                                .map(|&v| ((255 - u32::from(v)) * k / 255) as u8),
                        );
                    }
                    _ => out.extend_from_slice(entry),
                }
            }
        }
    }
}
