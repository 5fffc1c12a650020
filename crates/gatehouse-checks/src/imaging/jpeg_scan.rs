//! Whether a JPEG's compressed data runs to the end of the picture.
//!
//! A JPEG cut short and given its end marker again (an upload broken off and "repaired", a
//! file carved from a damaged disk) decodes without an error in every decoder: the blocks after
//! the cut are read from zero bits and come out as a grey or striped band that would then be
//! judged as part of the photo. Walking the Huffman codes of the scan, without dequantising or
//! transforming anything, tells whether the data holds every block the frame needs.
//!
//! Only sequential Huffman JPEGs whose first scan holds every component are walked (what
//! cameras, phones and scanners write); for the rest (progressive, arithmetic-coded, one scan
//! per component) the answer is [`Scan::NotWalked`] and the decoders' verdict stands.

/// What the walk found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// Every block is there.
    Complete,
    /// The data ends (at a marker or the end of the file) after `read` of `needed` blocks.
    Short { read: u64, needed: u64 },
    /// Not a kind of JPEG this walks, or damaged in a way the decoders will report.
    NotWalked,
}

/// Bits of the fast Huffman lookup; longer codes take the canonical slow path.
const FAST: u32 = 10;

/// One Huffman table (ISO 10918-1, Annex C): a fast table for codes up to `FAST` bits, and
/// the canonical `max_code` / `offset` per length for the rest.
struct Table {
    /// `(length << 8) | symbol`, or 0 where no code of `FAST` bits or fewer starts.
    fast: Box<[u16; 1 << FAST]>,
    max_code: [i32; 17],
    offset: [i32; 17],
    symbols: Vec<u8>,
}

impl Table {
    fn new(counts: &[u8], symbols: &[u8]) -> Option<Table> {
        let mut fast = Box::new([0u16; 1 << FAST]);
        let mut max_code = [-1i32; 17];
        let mut offset = [0i32; 17];
        let (mut code, mut k) = (0i32, 0usize);
        for length in 1..=16 {
            let count = usize::from(counts[length - 1]);
            offset[length] = k as i32 - code;
            for _ in 0..count {
                if length as u32 <= FAST {
                    let shift = FAST - length as u32;
                    let first = (code as usize) << shift;
                    let entry = (length as u16) << 8 | u16::from(*symbols.get(k)?);
                    fast.get_mut(first..first + (1 << shift))?.fill(entry);
                }
                code += 1;
                k += 1;
            }
            if count > 0 {
                max_code[length] = code - 1;
            }
            if code > 1 << length {
                return None;
            }
            code <<= 1;
        }
        Some(Table {
            fast,
            max_code,
            offset,
            symbols: symbols.get(..k)?.to_vec(),
        })
    }

    #[inline(always)]
    fn decode(&self, bits: &mut Bits<'_>) -> Option<u8> {
        bits.ensure();
        let peek = (bits.acc >> 48) as u32;
        let entry = self.fast[(peek >> (16 - FAST)) as usize];
        if entry != 0 {
            bits.consume(u32::from(entry >> 8));
            return Some(entry as u8);
        }
        for length in FAST as usize + 1..=16 {
            let code = (peek >> (16 - length)) as i32;
            if code <= self.max_code[length] {
                bits.consume(length as u32);
                return self
                    .symbols
                    .get((code + self.offset[length]) as usize)
                    .copied();
            }
        }
        None
    }
}

/// The entropy-coded bytes as bits, `FF 00` unstuffed. At a marker (or the end of the file)
/// it goes on with one-bits, counted, so the walk can tell when it used bits the file lacks.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    count: u32,
    /// The marker the data stopped at (its second byte; 0 for the end of the file).
    marker: Option<u8>,
    /// One-bits appended after the marker, still in `acc` or already consumed.
    invented: u32,
}

impl<'a> Bits<'a> {
    /// Makes at least 32 bits available: a code (at most 16 bits) and the value bits after it
    /// (at most 15) are then consumed without looking again.
    #[inline(always)]
    fn ensure(&mut self) {
        if self.count < 32 {
            self.refill();
        }
    }

    fn refill(&mut self) {
        // Most of the data: four bytes at once when none of them is 0xFF.
        if self.marker.is_none() {
            if let Some(&[a, b, c, d]) = self.data.get(self.pos..self.pos + 4) {
                if a != 0xFF && b != 0xFF && c != 0xFF && d != 0xFF {
                    let word = u32::from_be_bytes([a, b, c, d]);
                    self.acc |= u64::from(word) << (32 - self.count);
                    self.count += 32;
                    self.pos += 4;
                    return;
                }
            }
        }
        while self.count <= 56 {
            let byte = if self.marker.is_some() {
                self.invented += 8;
                0xFF
            } else {
                match self.data.get(self.pos..) {
                    Some([0xFF, 0x00, ..]) => {
                        self.pos += 2;
                        0xFF
                    }
                    Some([0xFF, rest @ ..]) => {
                        // Fill bytes may precede a marker.
                        let marker = rest.iter().copied().find(|&b| b != 0xFF).unwrap_or(0);
                        self.marker = Some(marker);
                        continue;
                    }
                    Some([b, ..]) => {
                        self.pos += 1;
                        *b
                    }
                    _ => {
                        self.marker = Some(0);
                        continue;
                    }
                }
            };
            self.acc |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
    }

    /// Drops `n` bits, which [`Bits::ensure`] made available.
    #[inline]
    fn consume(&mut self, n: u32) {
        self.acc <<= n;
        self.count -= n;
    }

    /// Whether bits past the data were used.
    fn overrun(&self) -> bool {
        self.invented > self.count
    }

    /// At a restart boundary: drops the last byte's padding, finds the next marker and
    /// steps over it when it is a restart marker. `false` when it is another marker (the data
    /// ended early).
    fn restart(&mut self) -> bool {
        if self.overrun() {
            return false;
        }
        if self.marker.is_none() {
            // Unused bytes before the marker: skip them as decoders do.
            let rest = &self.data[self.pos..];
            let at = rest
                .windows(2)
                .position(|w| w[0] == 0xFF && w[1] != 0x00 && w[1] != 0xFF);
            match at {
                Some(at) => {
                    self.pos += at;
                    self.marker = Some(rest[at + 1]);
                }
                None => return false,
            }
        }
        let Some(marker @ 0xD0..=0xD7) = self.marker else {
            return false;
        };
        // Step over the fill bytes and the marker itself.
        while self.data.get(self.pos) == Some(&0xFF) {
            self.pos += 1;
        }
        debug_assert_eq!(self.data.get(self.pos), Some(&marker));
        self.pos += 1;
        (self.acc, self.count, self.marker, self.invented) = (0, 0, None, 0);
        true
    }
}

struct Component {
    id: u8,
    h: u8,
    v: u8,
}

/// Walks the first scan of the JPEG in `bytes`.
pub fn walk(bytes: &[u8]) -> Scan {
    walk_inner(bytes).unwrap_or(Scan::NotWalked)
}

/// The marker segments of a JPEG's header, in order: (marker, the segment's body, where the
/// file goes on after it). Stand-alone markers are skipped; the walk stops at a damaged length.
fn segments(bytes: &[u8]) -> impl Iterator<Item = (u8, &[u8], usize)> {
    let mut pos = if bytes.starts_with(&[0xFF, 0xD8]) {
        2
    } else {
        usize::MAX
    };
    std::iter::from_fn(move || loop {
        while *bytes.get(pos)? != 0xFF {
            pos += 1;
        }
        while *bytes.get(pos)? == 0xFF {
            pos += 1;
        }
        let marker = *bytes.get(pos)?;
        pos += 1;
        if matches!(marker, 0xD0..=0xD9 | 0x01) {
            continue;
        }
        let length = usize::from(u16::from_be_bytes([*bytes.get(pos)?, *bytes.get(pos + 1)?]));
        let segment = bytes.get(pos + 2..pos + length.max(2))?;
        pos += length.max(2);
        return Some((marker, segment, pos));
    })
}

/// Whether `marker` starts a frame (SOF0–SOF15 less DHT, JPG and DAC).
fn is_frame(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// The frame's size and components (a baseline or extended sequential Huffman frame).
fn frame(segment: &[u8]) -> Option<(u64, u64, Vec<Component>)> {
    let height = u64::from(u16::from_be_bytes([*segment.get(1)?, *segment.get(2)?]));
    let width = u64::from(u16::from_be_bytes([*segment.get(3)?, *segment.get(4)?]));
    let n = usize::from(*segment.get(5)?);
    let components = (0..n)
        .map(|i| {
            let c = segment.get(6 + 3 * i..9 + 3 * i)?;
            let (h, v) = (c[1] >> 4, c[1] & 15);
            (1..=4).contains(&h).then_some(())?;
            (1..=4).contains(&v).then_some(())?;
            Some(Component { id: c[0], h, v })
        })
        .collect::<Option<_>>()?;
    Some((width, height, components))
}

/// The size of a sequential JPEG's MCU in pixels of the full picture (8 × 8 for one
/// component, else 8 times the largest sampling factors); `None` for other kinds of JPEG (no
/// sequential frame before the scan).
pub fn mcu_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let (marker, segment, _) = segments(bytes).find(|&(m, ..)| is_frame(m) || m == 0xDA)?;
    if !matches!(marker, 0xC0 | 0xC1) {
        return None;
    }
    let (_, _, components) = frame(segment)?;
    if components.len() == 1 {
        return Some((8, 8));
    }
    let h = components.iter().map(|c| u32::from(c.h)).max()?;
    let v = components.iter().map(|c| u32::from(c.v)).max()?;
    Some((8 * h, 8 * v))
}

fn walk_inner(bytes: &[u8]) -> Option<Scan> {
    let mut tables: [Option<Table>; 8] = Default::default();
    let mut components: Vec<Component> = Vec::new();
    let (mut width, mut height, mut interval) = (0u64, 0u64, 0u64);
    for (marker, segment, pos) in segments(bytes) {
        match marker {
            0xC4 => {
                let mut s = segment;
                while s.len() >= 17 {
                    let (class, id) = (usize::from(s[0] >> 4), usize::from(s[0] & 15));
                    if class > 1 || id > 3 {
                        return None;
                    }
                    let total: usize = s[1..17].iter().map(|&c| usize::from(c)).sum();
                    let table = Table::new(&s[1..17], s.get(17..17 + total)?)?;
                    tables[class * 4 + id] = Some(table);
                    s = &s[17 + total..];
                }
            }
            0xC0 | 0xC1 => (width, height, components) = frame(segment)?,
            // Progressive, lossless, hierarchical or arithmetic-coded frames.
            m if is_frame(m) => return None,
            0xDD => interval = u64::from(u16::from_be_bytes([*segment.first()?, *segment.get(1)?])),
            0xDA => {
                return scan(
                    segment,
                    &bytes[pos..],
                    &components,
                    &tables,
                    (width, height),
                    interval,
                )
            }
            _ => {}
        }
    }
    None
}

/// Whether the last two MCUs of a decoded picture (`channels` bytes a pixel, MCUs of `mcu`
/// pixels at the decoded scale) show the same pattern: what blocks decoded from zero bits
/// after a cut look like (the same coefficients every time, only the DC drifting, so the
/// differences between neighbouring pixels repeat wherever the level is not clipped), and
/// also what flat paper looks like. Textured endings, most photos, are not walked at all.
pub fn tail_repeats(
    data: &[u8],
    (width, height): (u32, u32),
    channels: usize,
    mcu: (u32, u32),
) -> bool {
    let (w, h) = (width as usize, height as usize);
    let (mw, mh) = (mcu.0.max(2) as usize, mcu.1.max(1) as usize);
    let whole = w / mw;
    if whole < 2 || h == 0 || data.len() < w * h * channels {
        return false;
    }
    let top = (h - 1) / mh * mh;
    // Differences between horizontal neighbours in one MCU of the last row, with whether
    // neither pixel is clipped (the drift clips some blocks to black or white).
    let steps = |k: usize| {
        (top..h).flat_map(move |y| {
            let row = &data[(y * w + k * mw) * channels..(y * w + (k + 1) * mw) * channels];
            row.iter().zip(&row[channels..]).map(|(&a, &b)| {
                let clear = (1..=254).contains(&a) && (1..=254).contains(&b);
                (i32::from(b) - i32::from(a), clear)
            })
        })
    };
    let (mut clear, mut same, mut equal) = (0usize, 0usize, true);
    for ((a, a_clear), (b, b_clear)) in steps(whole - 2).zip(steps(whole - 1)) {
        equal &= a == b;
        if a_clear && b_clear {
            clear += 1;
            same += usize::from((a - b).abs() <= 3);
        }
    }
    equal || (clear > 0 && same * 10 >= clear * 9)
}

/// Per component of the scan, in order: (DC table, AC table, blocks across, blocks down in
/// one MCU).
type Plan<'t> = Vec<(&'t Table, &'t Table, u64, u64)>;

fn scan(
    header: &[u8],
    data: &[u8],
    components: &[Component],
    tables: &[Option<Table>; 8],
    (width, height): (u64, u64),
    interval: u64,
) -> Option<Scan> {
    let n = usize::from(*header.first()?);
    if components.is_empty() || n != components.len() || width == 0 || height == 0 {
        return None;
    }
    let h_max = u64::from(components.iter().map(|c| c.h).max()?);
    let v_max = u64::from(components.iter().map(|c| c.v).max()?);
    let mut plan: Plan<'_> = Vec::with_capacity(n);
    for i in 0..n {
        let selector = header.get(1 + 2 * i..3 + 2 * i)?;
        let c = components.iter().find(|c| c.id == selector[0])?;
        let (td, ta) = (usize::from(selector[1] >> 4), usize::from(selector[1] & 15));
        if td > 3 || ta > 3 {
            return None;
        }
        let dc = tables[td].as_ref()?;
        let ac = tables[4 + ta].as_ref()?;
        plan.push((dc, ac, u64::from(c.h), u64::from(c.v)));
    }
    // A single component is not interleaved: one block per MCU, over its own size.
    let mcus = if n == 1 {
        plan[0].2 = 1;
        plan[0].3 = 1;
        let c = &components[0];
        let across = (width * u64::from(c.h)).div_ceil(h_max).div_ceil(8);
        let down = (height * u64::from(c.v)).div_ceil(v_max).div_ceil(8);
        across * down
    } else {
        width.div_ceil(8 * h_max) * height.div_ceil(8 * v_max)
    };
    let per_mcu: u64 = plan.iter().map(|p| p.2 * p.3).sum();
    let mut bits = Bits {
        data,
        pos: 0,
        acc: 0,
        count: 0,
        marker: None,
        invented: 0,
    };
    let short = |mcu: u64| {
        Some(Scan::Short {
            read: mcu * per_mcu,
            needed: mcus * per_mcu,
        })
    };
    for mcu in 0..mcus {
        if interval > 0 && mcu > 0 && mcu % interval == 0 && !bits.restart() {
            return short(mcu);
        }
        for &(dc, ac, h, v) in &plan {
            for _ in 0..h * v {
                let Some(()) = block(dc, ac, &mut bits) else {
                    // No code matches: bits past the data (the walk ran out), or damage.
                    return if bits.invented > 0 { short(mcu) } else { None };
                };
            }
        }
        if bits.overrun() {
            return short(mcu);
        }
    }
    Some(Scan::Complete)
}

/// Steps over one block's codes: the DC difference and the AC run-lengths up to the end of
/// block or the 63rd coefficient.
fn block(dc: &Table, ac: &Table, bits: &mut Bits<'_>) -> Option<()> {
    let size = dc.decode(bits)?;
    bits.consume(u32::from(size & 15));
    let mut k = 1;
    while k < 64 {
        let symbol = ac.decode(bits)?;
        let (run, size) = (symbol >> 4, symbol & 15);
        if size == 0 {
            if run != 15 {
                break;
            }
            k += 16;
            continue;
        }
        bits.consume(u32::from(size));
        k += usize::from(run) + 1;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::testing::card_jpeg;

    /// `jpeg` cut to `len` bytes and given its end marker again.
    fn cut(jpeg: &[u8], len: usize) -> Vec<u8> {
        let mut out = jpeg[..len].to_vec();
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    /// Where the compressed data of the first scan starts.
    fn data_start(jpeg: &[u8]) -> usize {
        let sos = jpeg
            .windows(2)
            .position(|w| w == [0xFF, 0xDA])
            .expect("SOS");
        sos + 2 + usize::from(u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]))
    }

    #[test]
    fn whole_jpegs_are_complete_in_colour_and_grey() {
        for (seed, w, h) in [(1, 640, 480), (2, 333, 517), (3, 17, 9), (4, 1024, 768)] {
            assert_eq!(walk(&card_jpeg(seed, w, h)), Scan::Complete, "{w}x{h}");
        }
        let grey = image::DynamicImage::ImageRgb8(crate::imaging::testing::card_photo(5, 301, 203))
            .into_luma8();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
            .encode_image(&grey)
            .expect("encode");
        assert_eq!(walk(&jpeg), Scan::Complete);
    }

    #[test]
    fn a_jpeg_cut_short_and_closed_again_is_short_wherever_it_is_cut() {
        let jpeg = card_jpeg(7, 480, 320);
        let (start, end) = (data_start(&jpeg), jpeg.len() - 2);
        assert_eq!(walk(&cut(&jpeg, end)), Scan::Complete, "nothing cut");
        let mut cuts: Vec<usize> = (start..end).step_by(37).collect();
        cuts.extend(end - 4..end);
        for len in cuts {
            match walk(&cut(&jpeg, len)) {
                Scan::Short { read, needed } => assert!(read < needed, "{len}: {read}/{needed}"),
                other => panic!("cut at {len} of {end}: {other:?}"),
            }
        }
        // The earlier the cut, the fewer blocks were read.
        let blocks = |len| match walk(&cut(&jpeg, len)) {
            Scan::Short { read, .. } => read,
            other => panic!("{other:?}"),
        };
        assert!(blocks(start + (end - start) / 4) < blocks(start + (end - start) / 2));
    }

    /// 200×120, 4:2:0 chroma, a restart marker every three MCUs (scripts/make-restart-fixture.py).
    const RESTART: &[u8] = include_bytes!("../../tests/fixtures/restart.jpg");

    #[test]
    fn restart_markers_are_followed_and_a_cut_between_or_at_them_is_short() {
        assert_eq!(walk(RESTART), Scan::Complete);
        let (start, end) = (data_start(RESTART), RESTART.len() - 2);
        let markers: Vec<usize> = (start..end)
            .filter(|&i| RESTART[i] == 0xFF && (0xD0..=0xD7).contains(&RESTART[i + 1]))
            .collect();
        assert_eq!(
            markers.len(),
            34,
            "13 × 8 MCUs, one marker after every third"
        );
        // Cut anywhere, and cut just before a marker (the data of whole intervals missing).
        let cuts = (start..end).step_by(29).chain(markers.iter().copied());
        for len in cuts {
            match walk(&cut(RESTART, len)) {
                Scan::Short { read, needed } => {
                    assert_eq!(needed, 104 * 6);
                    assert!(read < needed, "{len}");
                }
                other => panic!("cut at {len}: {other:?}"),
            }
        }
        // A restart interval the data does not follow: no marker where one must be.
        let sos = RESTART
            .windows(2)
            .position(|w| w == [0xFF, 0xDA])
            .expect("SOS");
        let dri = RESTART
            .windows(2)
            .position(|w| w == [0xFF, 0xDD])
            .expect("DRI");
        let mut wrong = RESTART.to_vec();
        wrong[dri + 5] = 5;
        assert!(dri < sos);
        assert!(
            matches!(walk(&wrong), Scan::Short { read: 18, .. }),
            "{:?}",
            walk(&wrong)
        );
    }

    #[test]
    fn decoding_refuses_a_cut_jpeg_whether_its_end_is_textured_or_flat() {
        use crate::imaging::{decode::decode, DecodeError, Limits};
        let textured = card_jpeg(13, 720, 480);
        let flat = {
            let mut page = crate::imaging::testing::card_photo(14, 720, 480);
            for y in 400..480 {
                for x in 0..720 {
                    page.put_pixel(x, y, image::Rgb([236, 234, 228]));
                }
            }
            crate::imaging::testing::encode_jpeg(&page)
        };
        for jpeg in [textured, flat] {
            assert!(decode(&jpeg, &Limits::default()).is_ok());
            let (start, end) = (data_start(&jpeg), jpeg.len() - 2);
            for share in [0.1, 0.4, 0.8, 0.97] {
                let len = start + ((end - start) as f64 * share) as usize;
                assert_eq!(
                    decode(&cut(&jpeg, len), &Limits::default()).err(),
                    Some(DecodeError::Truncated),
                    "cut at {share}"
                );
            }
        }
    }

    #[test]
    fn a_textured_ending_is_not_walked_and_a_flat_or_repeating_one_is() {
        // 2 × 1 MCUs of 4 × 2 grey pixels.
        let textured = [
            10u8, 200, 30, 90, 40, 180, 60, 20, 15, 60, 250, 5, 70, 10, 120, 33,
        ];
        assert!(!tail_repeats(&textured, (8, 2), 1, (4, 2)));
        let repeating = [
            10u8, 20, 40, 30, 10, 20, 40, 30, 50, 60, 80, 70, 50, 60, 80, 70,
        ];
        assert!(tail_repeats(&repeating, (8, 2), 1, (4, 2)));
        assert!(tail_repeats(&[200u8; 16], (8, 2), 1, (4, 2)));
        // Too narrow for two MCUs: nothing to compare.
        assert!(!tail_repeats(&[200u8; 8], (4, 2), 1, (4, 2)));
    }

    #[test]
    fn other_files_are_not_walked_and_nothing_panics() {
        assert_eq!(walk(b""), Scan::NotWalked);
        assert_eq!(walk(b"\xff\xd8\xff"), Scan::NotWalked);
        assert_eq!(walk(b"\x89PNG\r\n"), Scan::NotWalked);
        let jpeg = card_jpeg(11, 200, 150);
        // Flipped bytes anywhere: any answer, never a panic.
        for at in (2..jpeg.len()).step_by(13) {
            let mut bad = jpeg.clone();
            bad[at] ^= 0x5A;
            let _ = walk(&bad);
        }
        for len in (0..jpeg.len()).step_by(11) {
            let _ = walk(&jpeg[..len]);
        }
    }
}
