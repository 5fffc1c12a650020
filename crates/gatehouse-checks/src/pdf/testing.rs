//! Small PDFs written by hand for tests (this crate's and the server's): a statement with
//! text, image-only scans, an empty page, an encrypted file and a decompression bomb.

use std::io::Write;

/// A PDF whose objects are `objects` (numbered from 1, object 1 the catalogue), with a valid
/// cross-reference table; `trailer_extra` is added to the trailer dictionary.
pub fn build(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A stream object's body: `<< dict /Length n >>` and `data`.
pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("in memory");
    e.finish().expect("in memory")
}

fn escape(line: &str) -> String {
    // WinAnsi bytes for Latin-1 text, escaped as octal.
    line.chars()
        .map(|c| match c {
            '(' | ')' | '\\' => format!("\\{c}"),
            c if (c as u32) < 0x80 => c.to_string(),
            c => format!("\\{:03o}", (c as u32).min(255)),
        })
        .collect()
}

/// A one-page statement showing `lines` (Latin-1 text), its content Flate-compressed when
/// `compress`.
pub fn statement(lines: &[&str], compress: bool) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 72 760 Td 14 TL\n");
    for line in lines {
        content.push_str(&format!("({}) Tj T*\n", escape(line)));
    }
    content.push_str("ET\n");
    let content = if compress {
        stream("/Filter /FlateDecode", &deflate(content.as_bytes()))
    } else {
        stream("", content.as_bytes())
    };
    build(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
            content,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        ],
        "",
    )
}

/// A one-page PDF whose page draws the picture `/Im1` through the matrix `placement`; its
/// pictures are `pictures` (name and object, numbered from 5), followed by `extra` objects.
fn picture_page(placement: &str, pictures: &[(&str, Vec<u8>)], extra: &[Vec<u8>]) -> Vec<u8> {
    let xobjects: String = pictures
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!("/{name} {} 0 R ", 5 + i))
        .collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /XObject << {xobjects}>> >> >>")
            .into_bytes(),
        stream("", format!("q {placement} cm /Im1 Do Q").as_bytes()),
    ];
    objects.extend(pictures.iter().map(|(_, object)| object.clone()));
    objects.extend_from_slice(extra);
    build(&objects, "")
}

/// A page that only draws a picture (a scanned statement) in an encoding that is not decoded
/// (JBIG2, as black-and-white scanners store pages), beside a small JPEG logo.
pub fn scanned() -> Vec<u8> {
    picture_page(
        "500 0 0 700 40 60",
        &[
            ("Logo", stream("/Type /XObject /Subtype /Image /Width 40 /Height 20 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", b"logo")),
            ("Im1", stream("/Type /XObject /Subtype /Image /Width 1700 /Height 2200 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode", b"\x97JB2")),
        ],
        &[],
    )
}

/// A page that only draws one picture: `dict` is its dictionary after `/Subtype /Image` (size,
/// colour space, filters), `data` its stream, Flate-compressed first when `compress`.
/// `extra` objects follow it (numbered from 6: a palette or an ICC profile the picture names).
pub fn scanned_picture(dict: &str, data: &[u8], compress: bool, extra: &[Vec<u8>]) -> Vec<u8> {
    let data = if compress {
        deflate(data)
    } else {
        data.to_vec()
    };
    let picture = stream(&format!("/Type /XObject /Subtype /Image {dict}"), &data);
    picture_page("595 0 0 842 0 0", &[("Im1", picture)], extra)
}

/// `rows` (each `row` bytes) as a PNG predictor writes them: each row after its filter byte,
/// filter `y % 5` for row `y` (None, Sub, Up, Average, Paeth in turn), `stride` bytes a pixel.
pub fn png_predicted(data: &[u8], row: usize, stride: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let zeros = vec![0u8; row];
    for (y, current) in data.chunks_exact(row).enumerate() {
        let previous = if y == 0 {
            &zeros[..]
        } else {
            &data[(y - 1) * row..y * row]
        };
        let filter = (y % 5) as u8;
        out.push(filter);
        for i in 0..row {
            let guess = super::picture::png_guess(filter, current, previous, i, stride)
                .expect("filters 0-4");
            out.push(current[i].wrapping_sub(guess));
        }
    }
    out
}

/// A page that only draws `jpeg`, stored as a `width` × `height` DCTDecode picture (a scan as
/// scanners and scanning apps store it), beside a small thumbnail picture.
pub fn scanned_jpeg(jpeg: &[u8], width: u32, height: u32) -> Vec<u8> {
    picture_page(
        "595 0 0 842 0 0",
        &[
            ("Th", stream("/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", b"tiny")),
            ("Im1", stream(
                &format!("/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter [/FlateDecode /DCTDecode]"),
                &deflate(jpeg),
            )),
        ],
        &[],
    )
}

/// A page with nothing on it.
pub fn blank() -> Vec<u8> {
    build(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
        ],
        "",
    )
}

/// A statement whose trailer names an encryption dictionary.
pub fn encrypted() -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_vec(),
        stream("", b"\x8f\x12\x99garbled"),
    ];
    objects.push(b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <00> /U <00> >>".to_vec());
    build(&objects, "/Encrypt 5 0 R /ID [<01> <01>]")
}

/// A small file whose page content inflates to `inflated` bytes of zeros.
pub fn bomb(inflated: usize) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    let mut left = inflated;
    while left > 0 {
        let n = left.min(zeros.len());
        e.write_all(&zeros[..n]).expect("in memory");
        left -= n;
    }
    let packed = e.finish().expect("in memory");
    build(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_vec(),
            stream("/Filter /FlateDecode", &packed),
        ],
        "",
    )
}
