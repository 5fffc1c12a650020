//! PDF object syntax (ISO 32000-1, 7.2–7.3): the tokens and objects of a file body and of a
//! content stream. The parser never recurses deeper than `MAX_DEPTH` and never reads past the
//! slice it is given, so a hostile file can only make it stop.

/// Deepest nesting of arrays and dictionaries accepted.
const MAX_DEPTH: usize = 32;

/// A PDF object.
#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    Null,
    Bool(bool),
    Num(f64),
    Str(Vec<u8>),
    Name(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32),
    /// An operator of a content stream (`Tj`, `BT`, ...), or an unknown keyword.
    Op(Vec<u8>),
}

/// A dictionary, in file order (they are small; a linear search is fastest).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dict(pub Vec<(Vec<u8>, Obj)>);

impl Dict {
    pub fn get(&self, key: &str) -> Option<&Obj> {
        self.0
            .iter()
            .find(|(k, _)| k == key.as_bytes())
            .map(|(_, v)| v)
    }

    pub fn name(&self, key: &str) -> Option<&[u8]> {
        match self.get(key) {
            Some(Obj::Name(n)) => Some(n),
            _ => None,
        }
    }
}

impl Obj {
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Obj::Num(n) => Some(*n),
            _ => None,
        }
    }
}

pub fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// A cursor over PDF bytes.
pub struct Lexer<'a> {
    pub bytes: &'a [u8],
    pub pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(bytes: &'a [u8], pos: usize) -> Self {
        Lexer { bytes, pos }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips white space and comments.
    pub fn skip_white(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next regular token (a keyword or a number), without consuming delimiters.
    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_white(b) || is_delim(b) {
                break;
            }
            self.pos += 1;
        }
        &self.bytes[start..self.pos]
    }

    /// The next object; `None` at the end of input or on a syntax error. `N G R` references
    /// are recognised, as are operators (returned as `Obj::Op`).
    pub fn object(&mut self) -> Option<Obj> {
        self.object_at(0)
    }

    fn object_at(&mut self, depth: usize) -> Option<Obj> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_white();
        let b = self.peek()?;
        match b {
            b'/' => {
                self.pos += 1;
                Some(Obj::Name(decode_name(self.word())))
            }
            b'(' => self.literal().map(Obj::Str),
            b'<' if self.bytes.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let mut dict = Dict::default();
                loop {
                    self.skip_white();
                    if self.bytes[self.pos..].starts_with(b">>") {
                        self.pos += 2;
                        return Some(Obj::Dict(dict));
                    }
                    let Obj::Name(key) = self.object_at(depth + 1)? else {
                        return None;
                    };
                    let value = self.object_at(depth + 1)?;
                    dict.0.push((key, value));
                }
            }
            b'<' => self.hex().map(Obj::Str),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_white();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(Obj::Array(items));
                    }
                    items.push(self.object_at(depth + 1)?);
                }
            }
            b')' | b'>' | b']' | b'{' | b'}' => {
                // Stray delimiters (PostScript braces in functions): skip as an operator.
                self.pos += 1;
                Some(Obj::Op(vec![b]))
            }
            _ => {
                let word = self.word();
                if word.is_empty() {
                    self.pos += 1;
                    return Some(Obj::Op(Vec::new()));
                }
                Some(self.keyword(word))
            }
        }
    }

    fn keyword(&mut self, word: &'a [u8]) -> Obj {
        match word {
            b"true" => return Obj::Bool(true),
            b"false" => return Obj::Bool(false),
            b"null" => return Obj::Null,
            _ => {}
        }
        let Some(number) = std::str::from_utf8(word)
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
        else {
            return Obj::Op(word.to_vec());
        };
        // `N G R` is a reference: look ahead without committing.
        if word.iter().all(u8::is_ascii_digit) {
            let save = self.pos;
            self.skip_white();
            let generation = self.word();
            if !generation.is_empty() && generation.iter().all(u8::is_ascii_digit) {
                self.skip_white();
                if self.peek() == Some(b'R') {
                    let after = self.bytes.get(self.pos + 1).copied();
                    if after.is_none_or(|c| is_white(c) || is_delim(c)) {
                        self.pos += 1;
                        if let Ok(n) = u32::try_from(number as u64) {
                            return Obj::Ref(n);
                        }
                    }
                }
            }
            self.pos = save;
        }
        Obj::Num(number)
    }

    fn literal(&mut self) -> Option<Vec<u8>> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(out);
                    }
                    out.push(b);
                }
                b'\\' => {
                    let e = self.peek()?;
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
    }

    fn hex(&mut self) -> Option<Vec<u8>> {
        self.pos += 1;
        let mut digits = Vec::new();
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'>' => break,
                _ if b.is_ascii_hexdigit() => digits.push(hex_value(b)),
                _ if is_white(b) => {}
                _ => return None,
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(0);
        }
        Some(digits.chunks_exact(2).map(|p| p[0] << 4 | p[1]).collect())
    }
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}

/// A name with its `#xx` escapes resolved.
fn decode_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#'
            && i + 2 < raw.len()
            && raw[i + 1].is_ascii_hexdigit()
            && raw[i + 2].is_ascii_hexdigit()
        {
            out.push(hex_value(raw[i + 1]) << 4 | hex_value(raw[i + 2]));
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_objects_references_and_strings() {
        let text = b"<< /Type /Page /Kids [3 0 R 4 0 R] /N -1.5 /S (a\\(b\\)\\101) /H <41 42> >>";
        let Some(Obj::Dict(d)) = Lexer::new(text, 0).object() else {
            panic!("not a dictionary");
        };
        assert_eq!(d.name("Type"), Some(&b"Page"[..]));
        assert_eq!(
            d.get("Kids"),
            Some(&Obj::Array(vec![Obj::Ref(3), Obj::Ref(4)]))
        );
        assert_eq!(d.get("N"), Some(&Obj::Num(-1.5)));
        assert_eq!(d.get("S"), Some(&Obj::Str(b"a(b)A".to_vec())));
        assert_eq!(d.get("H"), Some(&Obj::Str(b"AB".to_vec())));
    }

    #[test]
    fn deep_nesting_and_truncation_stop_the_parser() {
        let deep = "[".repeat(10_000);
        assert_eq!(Lexer::new(deep.as_bytes(), 0).object(), None);
        assert_eq!(Lexer::new(b"<< /A (unterminated", 0).object(), None);
        assert_eq!(
            Lexer::new(b"/A#42c", 0).object(),
            Some(Obj::Name(b"ABc".to_vec()))
        );
    }
}
