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
    assert_eq!((r.images, r.text_chars), (2, 0));
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

/// The scan `read_first_page` takes from `pdf`, which must be raw pixels.
fn bitmap(pdf: &[u8]) -> Bitmap {
    match read_first_page(pdf, &PdfLimits::default())
        .expect("readable")
        .scan
    {
        Some(Scan::Pixels(b)) => b,
        other => panic!("not a bitmap: {other:?}"),
    }
}

/// A `w` × `h` test pattern of `channels` bytes a pixel, different in every row and column.
fn pattern(w: usize, h: usize, channels: usize) -> Vec<u8> {
    (0..w * h * channels)
        .map(|i| ((i / channels % w) * 7 + (i / channels / w) * 13 + i % channels * 50) as u8)
        .collect()
}

#[test]
fn flate_pictures_are_decoded_with_every_png_predictor() {
    let (w, h) = (37, 23);
    let rgb = pattern(w, h, 3);
    let dict = format!(
        "/Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode \
         /DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns {w} >>"
    );
    let pdf = testing::scanned_picture(&dict, &testing::png_predicted(&rgb, w * 3, 3), true, &[]);
    let b = bitmap(&pdf);
    assert_eq!((b.width, b.height, b.channels), (w as u32, h as u32, 3));
    assert_eq!(b.data, rgb);
    // Without a predictor, and without any filter.
    let dict = format!("/Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8");
    assert_eq!(
        bitmap(&testing::scanned_picture(&dict, &rgb, false, &[])).data,
        rgb
    );
    let flate = format!("{dict} /Filter /FlateDecode");
    assert_eq!(
        bitmap(&testing::scanned_picture(&flate, &rgb, true, &[])).data,
        rgb
    );
    // TIFF's horizontal differencing.
    let mut tiff = rgb.clone();
    for line in tiff.chunks_exact_mut(w * 3) {
        for i in (3..line.len()).rev() {
            line[i] = line[i].wrapping_sub(line[i - 3]);
        }
    }
    let dict = format!("{flate} /DecodeParms << /Predictor 2 /Colors 3 /Columns {w} >>");
    assert_eq!(
        bitmap(&testing::scanned_picture(&dict, &tiff, true, &[])).data,
        rgb
    );
}

/// The compressed data of a PNG written by the `png` crate with `filter`: the same zlib stream
/// of predicted rows a PDF stores with `/FlateDecode` and `/Predictor 15`.
fn png_stream(rgb: &[u8], w: u32, h: u32, filter: png::Filter) -> Vec<u8> {
    png_stream_of(
        rgb,
        (w, h),
        (png::ColorType::Rgb, png::BitDepth::Eight),
        filter,
    )
}

/// `png_stream` for any colour type and depth (`packed`: rows of packed samples, each row
/// padded to a byte).
fn png_stream_of(
    packed: &[u8],
    (w, h): (u32, u32),
    (color, depth): (png::ColorType, png::BitDepth),
    filter: png::Filter,
) -> Vec<u8> {
    let mut file = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut file, w, h);
        encoder.set_color(color);
        encoder.set_depth(depth);
        encoder.set_filter(filter);
        let mut writer = encoder.write_header().expect("header");
        writer.write_image_data(packed).expect("pixels");
    }
    let (mut at, mut idat) = (8, Vec::new());
    while at + 8 <= file.len() {
        let len = u32::from_be_bytes(file[at..at + 4].try_into().expect("4 bytes")) as usize;
        if &file[at + 4..at + 8] == b"IDAT" {
            idat.extend_from_slice(&file[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    idat
}

#[test]
fn pictures_predicted_by_an_independent_png_encoder_decode_exactly() {
    let (w, h) = (41, 29);
    let rgb = pattern(w, h, 3);
    let dict = format!(
        "/Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode \
         /DecodeParms << /Predictor 15 /Colors 3 /Columns {w} >>"
    );
    use png::Filter::*;
    for filter in [NoFilter, Sub, Up, Avg, Paeth, Adaptive] {
        let data = png_stream(&rgb, w as u32, h as u32, filter);
        let pdf = testing::scanned_picture(&dict, &data, false, &[]);
        assert_eq!(bitmap(&pdf).data, rgb, "{filter:?}");
    }
    // Half the rows: refused, not padded with black.
    let data = testing::png_predicted(&rgb[..rgb.len() / 2], w * 3, 3);
    let pdf = testing::scanned_picture(&dict, &data, true, &[]);
    assert_eq!(
        read_first_page(&pdf, &PdfLimits::default())
            .expect("readable")
            .scan,
        None
    );
}

#[test]
fn predicted_pictures_of_fewer_than_eight_bits_decode_exactly() {
    // One-bit grey, 2 bits and 4 bits: the predictors work on whole bytes, one byte apart.
    let (w, h) = (37u32, 11u32);
    for (bits, depth) in [
        (1, png::BitDepth::One),
        (2, png::BitDepth::Two),
        (4, png::BitDepth::Four),
    ] {
        let row = (w as usize * bits).div_ceil(8);
        let packed: Vec<u8> = pattern(row, h as usize, 1);
        let dict = format!(
            "/Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent {bits} \
             /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 1 \
             /BitsPerComponent {bits} /Columns {w} >>"
        );
        let plain =
            format!("/Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent {bits}");
        let expected = bitmap(&testing::scanned_picture(&plain, &packed, false, &[])).data;
        use png::Filter::*;
        for filter in [NoFilter, Sub, Up, Avg, Paeth] {
            let data = png_stream_of(&packed, (w, h), (png::ColorType::Grayscale, depth), filter);
            let pdf = testing::scanned_picture(&dict, &data, false, &[]);
            assert_eq!(bitmap(&pdf).data, expected, "{bits} bits, {filter:?}");
        }
    }
}

#[test]
fn a_palette_decode_pair_maps_samples_to_other_indices() {
    // Two colours at one bit: /Decode [1 0] swaps them, as a scanner storing 0 as white does.
    let dict = "/Width 4 /Height 1 /BitsPerComponent 1 \
                /ColorSpace [/Indexed /DeviceRGB 1 <ffffff000000>]";
    let plain = bitmap(&testing::scanned_picture(dict, &[0b0011_0000], false, &[])).data;
    assert_eq!(plain, [255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0]);
    let swapped = format!("{dict} /Decode [1 0]");
    let b = bitmap(&testing::scanned_picture(
        &swapped,
        &[0b0011_0000],
        false,
        &[],
    ));
    assert_eq!(b.data, [0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
    // A range beyond the palette reads as black, not as another entry or a panic.
    let white_last = "/Width 4 /Height 1 /BitsPerComponent 1 \
                      /ColorSpace [/Indexed /DeviceRGB 1 <000000ffffff>] /Decode [0 9]";
    let b = bitmap(&testing::scanned_picture(
        white_last,
        &[0b0011_0000],
        false,
        &[],
    ));
    assert_eq!(b.data, [0; 12]);
}

#[test]
fn sixteen_bit_rgb_keeps_each_samples_high_byte() {
    let dict = "/Width 2 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 16";
    let data = [
        0x12, 0x34, 0xab, 0xcd, 0xff, 0x00, 0x00, 0xff, 0x80, 0x01, 0x7f, 0xfe,
    ];
    let b = bitmap(&testing::scanned_picture(dict, &data, false, &[]));
    assert_eq!(
        (b.channels, b.data),
        (3, vec![0x12, 0xab, 0xff, 0x00, 0x80, 0x7f])
    );
}

#[test]
fn grey_one_bit_indexed_cmyk_and_icc_pictures_become_grey_or_rgb() {
    // One bit per pixel, rows padded to a byte, inverted by /Decode [1 0] (0 is white).
    let packed = [0b1010_0000u8, 0b0110_0000];
    let dict = "/Width 3 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 1 /Decode [1 0]";
    let b = bitmap(&testing::scanned_picture(dict, &packed, false, &[]));
    assert_eq!((b.channels, b.data), (1, vec![0, 255, 0, 255, 0, 0]));
    // A four-colour palette at two bits per pixel, its table in a string.
    let dict = "/Width 4 /Height 1 /BitsPerComponent 2 \
                /ColorSpace [/Indexed /DeviceRGB 3 <ff000000ff000000ff101010>]";
    let b = bitmap(&testing::scanned_picture(dict, &[0b0001_1011], false, &[]));
    assert_eq!(b.channels, 3);
    assert_eq!(b.data, [255, 0, 0, 0, 255, 0, 0, 0, 255, 16, 16, 16]);
    // CMYK: no ink is white, full black ink is black.
    let dict = "/Width 2 /Height 1 /ColorSpace /DeviceCMYK /BitsPerComponent 8";
    let b = bitmap(&testing::scanned_picture(
        dict,
        &[0, 0, 0, 0, 0, 0, 0, 255],
        false,
        &[],
    ));
    assert_eq!(b.data, [255, 255, 255, 0, 0, 0]);
    // /Decode pairs from high to low invert their component: green here, and all four inks.
    let dict =
        "/Width 1 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Decode [0 1 1 0 0 1]";
    let b = bitmap(&testing::scanned_picture(dict, &[10, 20, 30], false, &[]));
    assert_eq!(b.data, [10, 235, 30]);
    let dict = "/Width 1 /Height 1 /ColorSpace /DeviceCMYK /BitsPerComponent 8 \
                /Decode [1 0 1 0 1 0 1 0]";
    let b = bitmap(&testing::scanned_picture(dict, &[255; 4], false, &[]));
    assert_eq!(b.data, [255, 255, 255]);
    // Four bits a sample, and a palette in a stream with a CMYK base.
    let dict = "/Width 3 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 4";
    let b = bitmap(&testing::scanned_picture(dict, &[0x0F, 0x80], false, &[]));
    assert_eq!(b.data, [0, 255, 136]);
    let dict = "/Width 2 /Height 1 /BitsPerComponent 8 /ColorSpace [/Indexed /DeviceCMYK 1 6 0 R]";
    let palette = testing::stream("", &[0, 0, 0, 0, 0, 0, 0, 255]);
    let b = bitmap(&testing::scanned_picture(dict, &[1, 0], false, &[palette]));
    assert_eq!(b.data, [0, 0, 0, 255, 255, 255]);
    // An ICC profile with one component is grey; sixteen bits keep their high byte.
    let dict = "/Width 2 /Height 1 /ColorSpace [/ICCBased 6 0 R] /BitsPerComponent 16";
    let icc = testing::stream("/N 1", b"profile");
    let b = bitmap(&testing::scanned_picture(
        dict,
        &[0x12, 0x34, 0xfe, 0x00],
        false,
        &[icc],
    ));
    assert_eq!((b.channels, b.data), (1, vec![0x12, 0xfe]));
}

#[test]
fn the_largest_picture_is_the_scan_and_others_are_not_judged_in_its_place() {
    // A JBIG2 page beside a JPEG logo: the page is not decoded, and the logo is not the scan.
    let r = read_first_page(&testing::scanned(), &PdfLimits::default()).expect("readable");
    assert_eq!((r.images, r.scan), (2, None));
    // A JPEG page beside a thumbnail.
    let r = read_first_page(
        &testing::scanned_jpeg(b"\xff\xd8jpeg", 900, 1200),
        &PdfLimits::default(),
    )
    .expect("readable");
    assert_eq!(r.scan, Some(Scan::Jpeg(b"\xff\xd8jpeg".to_vec())));
}

#[test]
fn damaged_or_oversized_pictures_are_not_decoded() {
    let limits = PdfLimits::default();
    let scan = |dict: &str, data: &[u8]| {
        read_first_page(&testing::scanned_picture(dict, data, true, &[]), &limits)
            .expect("the page itself is readable")
            .scan
    };
    // The limit holds the packed samples and the pixels they unpack to, before inflating:
    // 40 × 40 RGB is 4,800 bytes; a one-bit palette picture of 80 × 80 packs into 800 bytes
    // and unpacks to 19,200.
    let small = |max_picture_bytes| PdfLimits {
        max_picture_bytes,
        ..PdfLimits::default()
    };
    let rgb = testing::scanned_picture(
        "/Width 40 /Height 40 /ColorSpace /DeviceRGB /Filter /FlateDecode",
        &pattern(40, 40, 3),
        true,
        &[],
    );
    assert!(read_first_page(&rgb, &limits)
        .expect("readable")
        .scan
        .is_some());
    assert_eq!(
        read_first_page(&rgb, &small(4_000)).expect("readable").scan,
        None
    );
    let palette = testing::scanned_picture(
        "/Width 80 /Height 80 /BitsPerComponent 1 /ColorSpace [/Indexed /DeviceRGB 1 <ffffff000000>] \
         /Filter /FlateDecode",
        &[0b1010_1010; 800],
        true,
        &[],
    );
    assert!(read_first_page(&palette, &small(20_000))
        .expect("readable")
        .scan
        .is_some());
    assert_eq!(
        read_first_page(&palette, &small(5_000))
            .expect("readable")
            .scan,
        None
    );
    // Fewer pixels than the size says.
    assert_eq!(
        scan(
            "/Width 40 /Height 40 /ColorSpace /DeviceGray /Filter /FlateDecode",
            &[0; 100]
        ),
        None
    );
    // A size whose pixels would pass the cap is refused before inflating.
    let huge = "/Width 60000 /Height 60000 /ColorSpace /DeviceRGB /Filter /FlateDecode";
    assert_eq!(scan(huge, &[0; 10]), None);
    // More data than the size allows: a bomb hidden in a picture.
    let bomb = vec![0u8; 4 << 20];
    assert_eq!(
        scan(
            "/Width 10 /Height 10 /ColorSpace /DeviceGray /Filter /FlateDecode",
            &bomb
        ),
        None
    );
    // An unknown PNG filter, a colour space that is not read, a stencil mask.
    let dict = "/Width 2 /Height 1 /ColorSpace /DeviceGray /Filter /FlateDecode \
                /DecodeParms << /Predictor 12 /Columns 2 >>";
    assert_eq!(scan(dict, &[9, 1, 2]), None);
    assert_eq!(
        scan(
            "/Width 2 /Height 1 /ColorSpace /Lab /Filter /FlateDecode",
            &[0; 6]
        ),
        None
    );
    let mask =
        "/Width 2 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode";
    assert!(scan(mask, &[0]).is_some());
    assert_eq!(scan(&format!("{mask} /ImageMask true"), &[0]), None);
    // A palette size far beyond 255 and predictor columns far beyond any picture: refused
    // or read without overflowing.
    let dict =
        "/Width 2 /Height 1 /ColorSpace [/Indexed /DeviceRGB 1e30 <ff0000>] /Filter /FlateDecode";
    assert!(scan(dict, &[0, 1]).is_some());
    let dict = "/Width 2 /Height 1 /ColorSpace /DeviceGray /Filter /FlateDecode \
                /DecodeParms << /Predictor 12 /Columns 1e30 /Colors 1e30 >>";
    assert_eq!(scan(dict, &[0, 1, 2]), None);
}
