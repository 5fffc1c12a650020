//! The text a content stream shows: the strings of `Tj`, `TJ`, `'` and `"`, decoded with the
//! current font's ToUnicode map when it has one (what producers of CID fonts write), else as
//! WinAnsi (the usual simple-font encoding, ASCII-compatible). Line and word breaks come from
//! the text-positioning operators and from large negative kerning in `TJ`.

use std::collections::HashMap;

use super::document::Document;
use super::syntax::{Dict, Lexer, Obj};

/// A font's code-to-text map.
#[derive(Debug, Default)]
pub struct Font {
    /// Bytes per character code (2 for composite fonts, 1 for simple ones).
    width: usize,
    map: HashMap<u32, String>,
}

impl Font {
    /// The font of a page's `/Font` resource.
    pub fn load(doc: &Document, font: &Dict) -> Font {
        let composite = font.name("Subtype") == Some(b"Type0");
        let mut out = Font {
            width: if composite { 2 } else { 1 },
            map: HashMap::new(),
        };
        if let Some(data) = font
            .get("ToUnicode")
            .and_then(|o| doc.stream(o))
            .and_then(|s| doc.decode(s).ok())
        {
            parse_cmap(&data, &mut out.map);
        }
        out
    }

    fn decode(&self, bytes: &[u8], out: &mut String) {
        if self.width == 2 {
            for pair in bytes.chunks(2) {
                let code = pair.iter().fold(0u32, |a, &b| a << 8 | u32::from(b));
                if let Some(text) = self.map.get(&code) {
                    out.push_str(text);
                }
            }
            return;
        }
        for &b in bytes {
            match self.map.get(&u32::from(b)) {
                Some(text) => out.push_str(text),
                None => out.push(win_ansi(b)),
            }
        }
    }
}

/// Windows-1252 (PDF's WinAnsiEncoding) for the bytes where it differs from Latin-1.
fn win_ansi(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', ' ', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', ' ', 'Ž', ' ', ' ', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', ' ', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        0..=0x1f => ' ',
        _ => char::from(b),
    }
}

/// UTF-16BE bytes to a string (unpaired surrogates dropped).
fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from(p[0]) << 8 | u16::from(p[1]))
        .collect();
    char::decode_utf16(units).filter_map(Result::ok).collect()
}

fn code(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |a, &b| a << 8 | u32::from(b))
}

/// Most code points a ToUnicode map may define (a real font needs a few thousand).
const MAX_MAPPINGS: usize = 65_536;

/// The `bfchar` and `bfrange` sections of a ToUnicode CMap.
fn parse_cmap(data: &[u8], map: &mut HashMap<u32, String>) {
    let mut lexer = Lexer::new(data, 0);
    let mut section: &[u8] = b"";
    let mut operands: Vec<Obj> = Vec::new();
    while let Some(obj) = lexer.object() {
        if map.len() >= MAX_MAPPINGS {
            return;
        }
        match obj {
            Obj::Op(op) => {
                match op.as_slice() {
                    b"beginbfchar" => section = b"char",
                    b"beginbfrange" => section = b"range",
                    b"endbfchar" | b"endbfrange" => section = b"",
                    _ => {}
                }
                operands.clear();
            }
            other if !section.is_empty() => {
                operands.push(other);
                if section == b"char" && operands.len() == 2 {
                    if let [Obj::Str(src), Obj::Str(dst)] = operands.as_slice() {
                        map.insert(code(src), utf16(dst));
                    }
                    operands.clear();
                } else if section == b"range" && operands.len() == 3 {
                    if let [Obj::Str(lo), Obj::Str(hi), dst] = operands.as_slice() {
                        range(code(lo), code(hi), dst, map);
                    }
                    operands.clear();
                }
            }
            _ => {}
        }
    }
}

fn range(lo: u32, hi: u32, dst: &Obj, map: &mut HashMap<u32, String>) {
    let span = hi.saturating_sub(lo).min((MAX_MAPPINGS - map.len()) as u32);
    match dst {
        Obj::Str(base) => {
            let text = utf16(base);
            let Some(last) = text.chars().last() else {
                return;
            };
            let stem: String = text.chars().take(text.chars().count() - 1).collect();
            for i in 0..=span {
                if let Some(c) = char::from_u32(u32::from(last) + i) {
                    map.insert(lo + i, format!("{stem}{c}"));
                }
            }
        }
        Obj::Array(items) => {
            for (i, item) in items.iter().enumerate().take(span as usize + 1) {
                if let Obj::Str(s) = item {
                    map.insert(lo + i as u32, utf16(s));
                }
            }
        }
        _ => {}
    }
}

/// Extracts the text shown by `content` with `fonts` (by resource name), appending to `out`
/// up to `max_chars` characters.
pub fn extract(content: &[u8], fonts: &HashMap<Vec<u8>, Font>, out: &mut String, max_chars: usize) {
    let plain = Font::default();
    let mut font = &plain;
    let mut lexer = Lexer::new(content, 0);
    let mut operands: Vec<Obj> = Vec::new();
    let mut ops = 0usize;
    while let Some(obj) = lexer.object() {
        if out.len() >= max_chars {
            return;
        }
        let Obj::Op(op) = obj else {
            // Operands never pile up past what an operator takes.
            if operands.len() < 16 {
                operands.push(obj);
            }
            continue;
        };
        ops += 1;
        if ops > 1_000_000 {
            return;
        }
        match op.as_slice() {
            b"Tf" => {
                if let Some(Obj::Name(name)) = operands.first() {
                    font = fonts.get(name).unwrap_or(&plain);
                }
            }
            b"Tj" => show(operands.last(), font, out),
            b"'" | b"\"" => {
                out.push('\n');
                show(operands.last(), font, out);
            }
            b"TJ" => {
                if let Some(Obj::Array(items)) = operands.last() {
                    for item in items {
                        match item {
                            Obj::Num(n) if *n < -200.0 => out.push(' '),
                            other => show(Some(other), font, out),
                        }
                    }
                }
            }
            b"Td" | b"TD" => {
                let dy = operands.get(1).and_then(Obj::as_num).unwrap_or(0.0);
                out.push(if dy.abs() > 0.01 { '\n' } else { ' ' });
            }
            b"T*" | b"Tm" | b"ET" => out.push('\n'),
            b"BI" => {
                // An inline image: its binary data runs to `EI`.
                let rest = &content[lexer.pos..];
                let end = rest
                    .windows(3)
                    .position(|w| w[0].is_ascii_whitespace() && &w[1..] == b"EI")
                    .map_or(content.len(), |p| lexer.pos + p + 3);
                lexer.pos = end;
            }
            _ => {}
        }
        operands.clear();
    }
}

fn show(operand: Option<&Obj>, font: &Font, out: &mut String) {
    if let Some(Obj::Str(bytes)) = operand {
        font.decode(bytes, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_strings_with_breaks_and_cmaps() {
        let mut out = String::new();
        let content = b"BT /F1 12 Tf 72 700 Td (Jane) Tj 40 0 Td [(Do) 20 (e) -300 (Street)] TJ 0 -14 Td (Caf\\351) Tj ET";
        extract(content, &HashMap::new(), &mut out, 1000);
        assert_eq!(
            out.split_whitespace().collect::<Vec<_>>(),
            ["Jane", "Doe", "Street", "Café"]
        );
        let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n2 beginbfchar <0001> <0041> <0002> <5F20> endbfchar\n1 beginbfrange <0010> <0012> <0061> endbfrange";
        let mut map = HashMap::new();
        parse_cmap(cmap, &mut map);
        let font = Font { width: 2, map };
        let mut text = String::new();
        font.decode(&[0, 1, 0, 2, 0, 0x11, 0, 0x12], &mut text);
        assert_eq!(text, "A张bc");
    }
}
