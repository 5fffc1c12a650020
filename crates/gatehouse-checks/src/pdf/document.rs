//! The objects of a PDF file, found by scanning for `N G obj` rather than trusting the
//! cross-reference table (often wrong in damaged or hand-edited files), plus the objects packed
//! in object streams. Every stream is inflated with a cap on its output, so a small file that
//! would inflate to gigabytes is refused after the cap, never held in memory.

use std::collections::HashMap;
use std::io::Read;

use super::syntax::{is_white, Dict, Lexer, Obj};
use super::{PdfError, PdfLimits};

/// A stream: its dictionary and its raw (still encoded) bytes.
#[derive(Debug, Clone)]
pub struct Stream {
    pub dict: Dict,
    pub raw: Vec<u8>,
}

#[derive(Debug, Clone)]
pub enum Entry {
    Obj(Obj),
    Stream(Stream),
}

pub struct Document {
    objects: HashMap<u32, Entry>,
    /// Trailer dictionaries (classic trailers and cross-reference stream dictionaries).
    pub trailers: Vec<Dict>,
    limits: PdfLimits,
    /// Decompressed bytes so far, against `limits.max_total_inflated`.
    inflated: std::cell::Cell<usize>,
}

impl Document {
    pub fn parse(bytes: &[u8], limits: PdfLimits) -> Result<Document, PdfError> {
        if !bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
        {
            return Err(PdfError::Corrupt("no PDF header".into()));
        }
        let mut doc = Document {
            objects: HashMap::new(),
            trailers: Vec::new(),
            limits,
            inflated: std::cell::Cell::new(0),
        };
        let mut count = 0usize;
        let mut from = 0;
        while let Some(at) = find(bytes, b"obj", from) {
            from = at + 3;
            if bytes
                .get(at + 3)
                .is_some_and(|&b| !is_white(b) && b != b'<' && b != b'[')
            {
                continue;
            }
            let Some(number) = object_number(bytes, at) else {
                continue;
            };
            count += 1;
            if count > limits.max_objects {
                return Err(PdfError::TooComplex("objects"));
            }
            let mut lexer = Lexer::new(bytes, at + 3);
            let Some(obj) = lexer.object() else {
                continue;
            };
            let entry = match obj {
                Obj::Dict(dict) => match stream_data(bytes, &mut lexer, &dict) {
                    Some(raw) => {
                        from = from.max(lexer.pos);
                        Entry::Stream(Stream { dict, raw })
                    }
                    None => Entry::Obj(Obj::Dict(dict)),
                },
                other => Entry::Obj(other),
            };
            if let Entry::Stream(s) = &entry {
                if s.dict.name("Type") == Some(b"XRef") {
                    doc.trailers.push(s.dict.clone());
                }
            }
            // A later definition (an incremental update) replaces an earlier one.
            doc.objects.insert(number, entry);
        }
        let mut from = 0;
        while let Some(at) = find(bytes, b"trailer", from) {
            from = at + 7;
            if let Some(Obj::Dict(d)) = Lexer::new(bytes, at + 7).object() {
                doc.trailers.push(d);
            }
        }
        if doc.objects.is_empty() {
            return Err(PdfError::Corrupt("no objects".into()));
        }
        doc.unpack_object_streams()?;
        Ok(doc)
    }

    /// Adds the objects packed in object streams (PDF 1.5) that no plain object defines.
    fn unpack_object_streams(&mut self) -> Result<(), PdfError> {
        let streams: Vec<Stream> = self
            .objects
            .values()
            .filter_map(|e| match e {
                Entry::Stream(s) if s.dict.name("Type") == Some(b"ObjStm") => Some(s.clone()),
                _ => None,
            })
            .collect();
        for stream in streams {
            let Ok(data) = self.decode(&stream) else {
                continue;
            };
            let n = stream.dict.get("N").and_then(Obj::as_num).unwrap_or(0.0) as usize;
            let first = stream
                .dict
                .get("First")
                .and_then(Obj::as_num)
                .unwrap_or(0.0) as usize;
            if self.objects.len() + n > self.limits.max_objects {
                return Err(PdfError::TooComplex("objects"));
            }
            let mut header = Lexer::new(&data, 0);
            for _ in 0..n {
                let (Some(Obj::Num(number)), Some(Obj::Num(offset))) =
                    (header.object(), header.object())
                else {
                    break;
                };
                let Some(obj) = Lexer::new(&data, first + offset as usize).object() else {
                    continue;
                };
                self.objects.entry(number as u32).or_insert(Entry::Obj(obj));
            }
        }
        Ok(())
    }

    pub fn get(&self, number: u32) -> Option<&Entry> {
        self.objects.get(&number)
    }

    /// `obj`, or the object it refers to (following at most a few references).
    pub fn resolve<'a>(&'a self, obj: &'a Obj) -> &'a Obj {
        let mut current = obj;
        for _ in 0..8 {
            match current {
                Obj::Ref(n) => match self.objects.get(n) {
                    Some(Entry::Obj(o)) => current = o,
                    _ => return &Obj::Null,
                },
                _ => return current,
            }
        }
        &Obj::Null
    }

    /// The dictionary `obj` is or refers to (a stream's dictionary included).
    pub fn dict<'a>(&'a self, obj: &'a Obj) -> Option<&'a Dict> {
        match obj {
            Obj::Ref(n) => match self.objects.get(n)? {
                Entry::Obj(Obj::Dict(d)) => Some(d),
                Entry::Stream(s) => Some(&s.dict),
                Entry::Obj(other @ Obj::Ref(_)) => self.dict(self.resolve(other)),
                _ => None,
            },
            Obj::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// The stream `obj` refers to.
    pub fn stream(&self, obj: &Obj) -> Option<&Stream> {
        match obj {
            Obj::Ref(n) => match self.objects.get(n)? {
                Entry::Stream(s) => Some(s),
                _ => None,
            },
            _ => None,
        }
    }

    /// The stream's decoded bytes: no filter, or FlateDecode, within the limits. Other filters
    /// (images' DCT, LZW, ...) are not decoded here.
    pub fn decode(&self, stream: &Stream) -> Result<Vec<u8>, PdfError> {
        let filters = filters(stream)?;
        self.inflate_all(stream, &filters)
    }

    /// A picture stored as a JPEG (`DCTDecode` data is a JPEG file): its bytes, after undoing
    /// any FlateDecode before it; `None` for a stream whose last filter is not `DCTDecode`.
    pub fn decode_to_dct(&self, stream: &Stream) -> Result<Option<Vec<u8>>, PdfError> {
        let mut filters = filters(stream)?;
        match filters.pop() {
            Some(b"DCTDecode" | b"DCT") => self.inflate_all(stream, &filters).map(Some),
            _ => Ok(None),
        }
    }

    /// A picture's raw pixels: its bytes after FlateDecode (or none), at most `cap` of them.
    /// Pictures have their own cap, from their size, instead of the limits on text streams;
    /// `None` for a picture in another encoding.
    pub fn decode_picture(&self, stream: &Stream, cap: usize) -> Result<Option<Vec<u8>>, PdfError> {
        let filters = filters(stream)?;
        if filters.iter().any(|&f| f != b"FlateDecode" && f != b"Fl") {
            return Ok(None);
        }
        let mut data = stream.raw.clone();
        for _ in &filters {
            data = inflate(&data, cap)?;
        }
        Ok(Some(data))
    }

    fn inflate_all(&self, stream: &Stream, filters: &[&[u8]]) -> Result<Vec<u8>, PdfError> {
        let mut data = stream.raw.clone();
        for &filter in filters {
            if filter != b"FlateDecode" && filter != b"Fl" {
                return Err(PdfError::Unsupported);
            }
            data = self.inflate(&data)?;
        }
        if data.len() > self.limits.max_stream_bytes {
            return Err(PdfError::TooComplex("stream size"));
        }
        Ok(data)
    }

    fn inflate(&self, data: &[u8]) -> Result<Vec<u8>, PdfError> {
        let cap = self.limits.max_stream_bytes.min(
            self.limits
                .max_total_inflated
                .saturating_sub(self.inflated.get()),
        );
        let out = inflate(data, cap)?;
        self.inflated.set(self.inflated.get() + out.len());
        Ok(out)
    }
}

/// `data` inflated, refused when it would inflate to more than `cap` bytes.
fn inflate(data: &[u8], cap: usize) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    let mut reader = flate2::read::ZlibDecoder::new(data).take(cap as u64 + 1);
    // A damaged end of stream still leaves what was inflated before it.
    let result = reader.read_to_end(&mut out);
    if out.len() > cap {
        return Err(PdfError::TooComplex("decompressed size"));
    }
    if out.is_empty() {
        if let Err(e) = result {
            return Err(PdfError::Corrupt(format!("stream: {e}")));
        }
    }
    Ok(out)
}

/// The names of a stream's filters, in the order they are undone.
fn filters(stream: &Stream) -> Result<Vec<&[u8]>, PdfError> {
    Ok(match stream.dict.get("Filter") {
        None => Vec::new(),
        Some(Obj::Name(n)) => vec![n.as_slice()],
        Some(Obj::Array(items)) => items
            .iter()
            .filter_map(|f| match f {
                Obj::Name(n) => Some(n.as_slice()),
                _ => None,
            })
            .collect(),
        Some(_) => return Err(PdfError::Corrupt("bad stream filter".into())),
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The object number of `N G obj` ending just before `at`.
fn object_number(bytes: &[u8], at: usize) -> Option<u32> {
    let mut i = at;
    let back = |i: &mut usize| -> Option<&[u8]> {
        while *i > 0 && is_white(bytes[*i - 1]) {
            *i -= 1;
        }
        let end = *i;
        while *i > 0 && bytes[*i - 1].is_ascii_digit() {
            *i -= 1;
        }
        (end > *i && end - *i <= 10).then(|| &bytes[*i..end])
    };
    if at == 0 || !is_white(bytes[at - 1]) {
        return None;
    }
    back(&mut i)?;
    let number = back(&mut i)?;
    std::str::from_utf8(number).ok()?.parse().ok()
}

/// The raw bytes of the stream following `dict`, if `stream` follows it.
fn stream_data(bytes: &[u8], lexer: &mut Lexer<'_>, dict: &Dict) -> Option<Vec<u8>> {
    lexer.skip_white();
    let rest = &bytes[lexer.pos..];
    if !rest.starts_with(b"stream") {
        return None;
    }
    let mut start = lexer.pos + 6;
    if bytes.get(start) == Some(&b'\r') {
        start += 1;
    }
    if bytes.get(start) == Some(&b'\n') {
        start += 1;
    }
    // /Length is trusted when it is a number and `endstream` follows it; otherwise (an
    // indirect or wrong length) the data runs to the next `endstream`.
    let by_length = dict
        .get("Length")
        .and_then(Obj::as_num)
        .map(|n| start + n.max(0.0) as usize)
        .filter(|&end| {
            let mut l = Lexer::new(bytes, end.min(bytes.len()));
            l.skip_white();
            bytes[l.pos..].starts_with(b"endstream")
        });
    let end = match by_length {
        Some(end) => end,
        None => find(bytes, b"endstream", start)?,
    };
    lexer.pos = end + 9;
    Some(bytes[start..end.min(bytes.len())].to_vec())
}
