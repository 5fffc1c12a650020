//! Safe decoding of untrusted uploads into a small working image.
//!
//! Every limit is checked from the header before a pixel is decoded, so a decompression bomb
//! is refused, not decoded. JPEG (most phone photos) is decoded at a reduced DCT scale (1/2,
//! 1/4 or 1/8) when the picture is larger than the working size: the analysis never needs
//! twelve million pixels, and neither the time nor the memory of a full decode is spent.
//! EXIF orientation is applied, so "top" means the top the applicant saw.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageFormat, RgbImage};
use serde::Serialize;

use super::format::{sniff, Format};
use super::jpeg_scan;
use super::meta::{self, Meta};
use super::resample;

/// Share of the working size a reduced JPEG scale must still give (see `decode_jpeg`).
const MIN_FILL: f64 = 0.7;

/// Limits on what will be decoded. Checked before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest file accepted, in bytes (the server sets it from `limits.max_upload_bytes`).
    #[serde(skip)]
    pub max_bytes: usize,
    /// Largest picture, in pixels (width × height).
    pub max_pixels: u64,
    /// Largest width or height, in pixels.
    pub max_dimension: u32,
    /// Long side of the working image the metrics are computed on.
    pub working_size: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 15 * 1024 * 1024,
            max_pixels: 50_000_000,
            max_dimension: 12_000,
            working_size: 1024,
        }
    }
}

/// Why a file could not be decoded. Each variant has its own reason code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes, more than the {max} allowed")]
    TooLarge { size: usize, max: usize },
    #[error("the file is not a JPEG, PNG, WebP, HEIC or PDF")]
    UnsupportedType,
    #[error("the picture is {width}×{height} pixels, more than allowed")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the file is truncated")]
    Truncated,
    #[error("the file is damaged: {0}")]
    Corrupt(String),
    #[error("the file is a PDF, which has no picture to decode")]
    NotAnImage,
}

impl DecodeError {
    /// The reason code reported to the applicant.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::Empty | DecodeError::Truncated | DecodeError::Corrupt(_) => {
                "IMAGE_UNREADABLE"
            }
            DecodeError::TooLarge { .. } => "FILE_TOO_LARGE",
            DecodeError::UnsupportedType | DecodeError::NotAnImage => "FILE_TYPE_NOT_ACCEPTED",
            DecodeError::TooManyPixels { .. } => "IMAGE_TOO_LARGE",
        }
    }
}

/// A decoded upload, reduced to the working size and upright.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub format: Format,
    /// Size of the original picture, after orientation.
    pub width: u32,
    pub height: u32,
    /// The working image (long side at most `Limits::working_size`), upright.
    pub rgb: RgbImage,
    pub gray: GrayImage,
    pub meta: Meta,
}

impl Decoded {
    /// Working pixels per original pixel (≤ 1).
    pub fn scale(&self) -> f64 {
        f64::from(self.rgb.width()) / f64::from(self.width.max(1))
    }
}

/// Decodes `bytes` within `limits` to an upright grey image whose long side is at most
/// `long_side` (the photo reader needs more pixels than the measurements: `limits.working_size`
/// is not used). The same checks and reduced-scale decoding as [`decode`].
pub fn decode_gray(
    bytes: &[u8],
    limits: &Limits,
    long_side: u32,
) -> Result<GrayImage, DecodeError> {
    let limits = Limits {
        working_size: long_side,
        ..*limits
    };
    Ok(decode(bytes, &limits)?.gray)
}

/// Decodes `bytes` within `limits`.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(DecodeError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    let format = sniff(bytes).ok_or(DecodeError::UnsupportedType)?;
    let meta = meta::read(bytes, format);
    let (pixels, width, height) = match format {
        Format::Jpeg => decode_jpeg(bytes, limits)?,
        Format::Png => decode_generic(bytes, ImageFormat::Png, limits)?,
        Format::Webp => decode_generic(bytes, ImageFormat::WebP, limits)?,
        Format::Heic => decode_heic(bytes, limits)?,
        Format::Pdf => return Err(DecodeError::NotAnImage),
    };
    finish(format, pixels, (width, height), meta, limits)
}

/// Raw pixels (`channels` bytes each: 1 grey, 3 RGB; rows without padding), such as a scanned
/// page stored in a PDF, checked against `limits` and reduced to the working size.
pub fn from_pixels(
    data: Vec<u8>,
    (width, height): (u32, u32),
    channels: usize,
    limits: &Limits,
) -> Result<Decoded, DecodeError> {
    check_size(width, height, limits)?;
    if !matches!(channels, 1 | 3) || data.len() != width as usize * height as usize * channels {
        return Err(DecodeError::Corrupt(
            "pixels do not match the picture's size".into(),
        ));
    }
    let pixels = Pixels {
        data,
        width,
        height,
        channels,
    };
    finish(
        Format::Pdf,
        pixels,
        (width, height),
        Meta::default(),
        limits,
    )
}

/// Shrinks decoded pixels to the working size, turns them upright and computes the grey image.
fn finish(
    format: Format,
    pixels: Pixels,
    (width, height): (u32, u32),
    meta: Meta,
    limits: &Limits,
) -> Result<Decoded, DecodeError> {
    let rgb = fit(pixels, limits.working_size).into_rgb()?;
    // HEIF containers carry their own rotation, which libheif has applied already.
    let orientation = if format == Format::Heic {
        1
    } else {
        meta.orientation
    };
    let rgb = orient(rgb, orientation);
    let (width, height) = if (5..=8).contains(&orientation) {
        (height, width)
    } else {
        (width, height)
    };
    let gray = GrayImage::from_raw(rgb.width(), rgb.height(), resample::luma(rgb.as_raw()))
        .ok_or(DecodeError::Truncated)?;
    Ok(Decoded {
        format,
        width,
        height,
        rgb,
        gray,
        meta,
    })
}

/// Decoded pixels before shrinking: interleaved grey (1 channel) or RGB (3).
struct Pixels {
    data: Vec<u8>,
    width: u32,
    height: u32,
    channels: usize,
}

impl Pixels {
    fn rgb(image: RgbImage) -> Pixels {
        let (width, height) = image.dimensions();
        Pixels {
            data: image.into_raw(),
            width,
            height,
            channels: 3,
        }
    }

    fn into_rgb(self) -> Result<RgbImage, DecodeError> {
        let data = if self.channels == 1 {
            self.data.iter().flat_map(|&v| [v, v, v]).collect()
        } else {
            self.data
        };
        RgbImage::from_raw(self.width, self.height, data).ok_or(DecodeError::Truncated)
    }
}

fn check_size(width: u32, height: u32, limits: &Limits) -> Result<(), DecodeError> {
    if width == 0 || height == 0 {
        return Err(DecodeError::Corrupt("zero-sized picture".into()));
    }
    if width > limits.max_dimension
        || height > limits.max_dimension
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(DecodeError::TooManyPixels { width, height });
    }
    Ok(())
}

fn decode_jpeg(bytes: &[u8], limits: &Limits) -> Result<(Pixels, u32, u32), DecodeError> {
    let (pixels, width, height) = decode_jpeg_pixels(bytes, limits)?;
    // A JPEG cut short and closed again with an end marker decodes without an error: the
    // blocks after the cut are read from zero bits and repeat one another to the end. Where
    // the last blocks repeat (or are flat), the scan is walked to count the blocks it holds;
    // textured endings, most photos, cost nothing more.
    if let Some((mw, mh)) = jpeg_scan::mcu_size(bytes) {
        let scale = f64::from(pixels.width) / f64::from(width);
        let mcu = |size: u32| (f64::from(size) * scale).round().max(1.0) as u32;
        let size = (pixels.width, pixels.height);
        if jpeg_scan::tail_repeats(&pixels.data, size, pixels.channels, (mcu(mw), mcu(mh)))
            && matches!(jpeg_scan::walk(bytes), jpeg_scan::Scan::Short { .. })
        {
            return Err(DecodeError::Truncated);
        }
    }
    Ok((pixels, width, height))
}

fn decode_jpeg_pixels(bytes: &[u8], limits: &Limits) -> Result<(Pixels, u32, u32), DecodeError> {
    // A JPEG without its end-of-image marker was cut short; decoders pad such files with grey,
    // which would then be judged as a picture.
    if !has_jpeg_end(bytes) {
        return Err(DecodeError::Truncated);
    }
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(jpeg_error)?;
    let info = decoder.info().ok_or(DecodeError::Truncated)?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    check_size(width, height, limits)?;
    // The decoder picks the smallest of 1/8, 1/4, 1/2, 1 that gives at least the size asked
    // for. Asking for `MIN_FILL` of the working size lets a 4000-pixel photo decode at 1/4
    // (1000 pixels) and skip shrinking altogether, instead of decoding at 1/2 and averaging
    // 2000 pixels down to 1024: the measurements do not need the last quarter of resolution.
    let long = width.max(height);
    let wanted = f64::from(limits.working_size) * MIN_FILL;
    if f64::from(long) < 2.0 * wanted {
        // Only the full scale gives the size asked for: zune-jpeg decodes it 1.6-2.3x faster
        // (SIMD; bench/README.md) but cannot decode at a reduced scale. What it refuses goes
        // to jpeg-decoder below, whose verdict then stands, as it did before zune-jpeg.
        if let Some(pixels) = zune_full(bytes, width, height) {
            return Ok((pixels, width, height));
        }
    } else {
        let factor = wanted / f64::from(long);
        let w = ((f64::from(width) * factor).ceil() as u16).max(1);
        let h = ((f64::from(height) * factor).ceil() as u16).max(1);
        decoder.scale(w, h).map_err(jpeg_error)?;
    }
    // Progressive JPEGs hold every coefficient while decoding: bound that too.
    decoder.set_max_decoding_buffer_size(limits.max_pixels as usize * 4);
    let data = decoder.decode().map_err(jpeg_error)?;
    let info = decoder.info().ok_or(DecodeError::Truncated)?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let (data, channels) = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => (data, 1),
        jpeg_decoder::PixelFormat::L16 => (data.chunks_exact(2).map(|p| p[0]).collect(), 1),
        jpeg_decoder::PixelFormat::RGB24 => (data, 3),
        jpeg_decoder::PixelFormat::CMYK32 => (
            data.chunks_exact(4)
                .flat_map(|p| {
                    let k = u16::from(p[3]);
                    [p[0], p[1], p[2]].map(|c| ((u16::from(c) * k) / 255) as u8)
                })
                .collect(),
            3,
        ),
    };
    if data.len() != w as usize * h as usize * channels {
        return Err(DecodeError::Truncated);
    }
    let pixels = Pixels {
        data,
        width: w,
        height: h,
        channels,
    };
    Ok((pixels, width, height))
}

/// A JPEG of `width` × `height` (as jpeg-decoder read its header, within the limits) decoded
/// at full size as RGB by zune-jpeg in strict mode (bad Huffman codes are errors, not
/// warnings), or `None` when zune-jpeg refuses it, reads other dimensions from the frame, or
/// panics (its 0.5 releases have fuzzer-found panics on hostile files).
fn zune_full(bytes: &[u8], width: u32, height: u32) -> Option<Pixels> {
    use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
    let decode = || {
        let options = DecoderOptions::default()
            .jpeg_set_out_colorspace(ColorSpace::RGB)
            .set_strict_mode(true)
            .set_max_width(width as usize)
            .set_max_height(height as usize);
        let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
        let data = decoder.decode().ok()?;
        let info = decoder.info()?;
        // The requested RGB output holds three bytes per pixel whatever the file's colour space.
        let same = (u32::from(info.width), u32::from(info.height)) == (width, height);
        (same && data.len() == width as usize * height as usize * 3).then_some(data)
    };
    let data = std::panic::catch_unwind(decode).ok()??;
    Some(Pixels {
        data,
        width,
        height,
        channels: 3,
    })
}

fn has_jpeg_end(bytes: &[u8]) -> bool {
    // Some cameras append padding or a trailer after the marker; look near the end only.
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

fn jpeg_error(error: jpeg_decoder::Error) -> DecodeError {
    match error {
        jpeg_decoder::Error::Io(_) => DecodeError::Truncated,
        other => DecodeError::Corrupt(other.to_string()),
    }
}

fn decode_generic(
    bytes: &[u8],
    format: ImageFormat,
    limits: &Limits,
) -> Result<(Pixels, u32, u32), DecodeError> {
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(limits.max_dimension);
    decoder_limits.max_image_height = Some(limits.max_dimension);
    decoder_limits.max_alloc = Some(limits.max_pixels * 8);
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(decoder_limits.clone());
    let (width, height) = reader.into_dimensions().map_err(image_error)?;
    check_size(width, height, limits)?;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(decoder_limits);
    let pixels = match reader.decode().map_err(image_error)? {
        DynamicImage::ImageLuma8(gray) => Pixels {
            width: gray.width(),
            height: gray.height(),
            data: gray.into_raw(),
            channels: 1,
        },
        DynamicImage::ImageRgb8(rgb) => Pixels::rgb(rgb),
        // Alpha, 16-bit and float pictures: RGB is all the measurements read.
        other => Pixels::rgb(other.into_rgb8()),
    };
    Ok((pixels, width, height))
}

fn image_error(error: image::ImageError) -> DecodeError {
    match error {
        image::ImageError::Limits(_) => DecodeError::TooManyPixels {
            width: 0,
            height: 0,
        },
        image::ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            DecodeError::Truncated
        }
        other => {
            let text = other.to_string();
            if text.contains("end of") || text.contains("EOF") || text.contains("truncat") {
                DecodeError::Truncated
            } else {
                DecodeError::Corrupt(text)
            }
        }
    }
}

fn decode_heic(bytes: &[u8], limits: &Limits) -> Result<(Pixels, u32, u32), DecodeError> {
    use libheif_rs::{ColorSpace, HeifContext, RgbChroma};
    let corrupt = |e: libheif_rs::HeifError| DecodeError::Corrupt(e.message);
    let context = HeifContext::read_from_bytes(bytes).map_err(corrupt)?;
    let handle = context.primary_image_handle().map_err(corrupt)?;
    let (width, height) = (handle.width(), handle.height());
    check_size(width, height, limits)?;
    let decoded = handle
        .decode(ColorSpace::Rgb(RgbChroma::Rgb), None)
        .map_err(corrupt)?;
    let plane = decoded
        .planes()
        .interleaved
        .ok_or_else(|| DecodeError::Corrupt("no RGB plane".into()))?;
    let (w, h) = (plane.width, plane.height);
    let row = w as usize * 3;
    let mut rgb = Vec::with_capacity(row * h as usize);
    for y in 0..h as usize {
        let start = y * plane.stride;
        rgb.extend_from_slice(
            plane
                .data
                .get(start..start + row)
                .ok_or(DecodeError::Truncated)?,
        );
    }
    let image = RgbImage::from_raw(w, h, rgb).ok_or(DecodeError::Truncated)?;
    Ok((Pixels::rgb(image), w, h))
}

/// Shrinks `pixels` so the long side is at most `size`, averaging (never enlarges).
fn fit(pixels: Pixels, size: u32) -> Pixels {
    let long = pixels.width.max(pixels.height);
    if long <= size {
        return pixels;
    }
    let factor = f64::from(size) / f64::from(long);
    let w = ((f64::from(pixels.width) * factor).round() as u32).max(1);
    let h = ((f64::from(pixels.height) * factor).round() as u32).max(1);
    let data = resample::shrink(
        &pixels.data,
        pixels.width,
        pixels.height,
        pixels.channels,
        w,
        h,
    );
    Pixels {
        data,
        width: w,
        height: h,
        channels: pixels.channels,
    }
}

/// Applies an EXIF orientation value (1–8).
fn orient(image: RgbImage, orientation: u16) -> RgbImage {
    use image::imageops::{flip_horizontal, flip_vertical, rotate180, rotate270, rotate90};
    match orientation {
        2 => flip_horizontal(&image),
        3 => rotate180(&image),
        4 => flip_vertical(&image),
        5 => flip_horizontal(&rotate90(&image)),
        6 => rotate90(&image),
        7 => flip_horizontal(&rotate270(&image)),
        8 => rotate270(&image),
        _ => image,
    }
}
