//! The few image operations the reader needs, on a plain grey plane: scaling to a working
//! size, local-contrast binarisation, connected components and bilinear sampling.

use image::GrayImage;

/// A grey image as floats (0 = black, 255 = white).
#[derive(Debug, Clone)]
pub struct Plane {
    pub w: usize,
    pub h: usize,
    pub px: Vec<f32>,
}

impl Plane {
    pub fn from_gray(img: &GrayImage) -> Self {
        Self {
            w: img.width() as usize,
            h: img.height() as usize,
            px: img.as_raw().iter().map(|&v| f32::from(v)).collect(),
        }
    }

    fn at(&self, x: usize, y: usize) -> f32 {
        self.px.get(y * self.w + x).copied().unwrap_or(255.0)
    }

    /// Bilinear sample; outside the image reads as white paper.
    pub fn sample(&self, x: f32, y: f32) -> f32 {
        if !(x >= 0.0 && y >= 0.0) || x > (self.w - 1) as f32 || y > (self.h - 1) as f32 {
            return 255.0;
        }
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(self.w - 1), (y0 + 1).min(self.h - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let top = self.at(x0, y0) * (1.0 - fx) + self.at(x1, y0) * fx;
        let bottom = self.at(x0, y1) * (1.0 - fx) + self.at(x1, y1) * fx;
        top * (1.0 - fy) + bottom * fy
    }

    /// The plane resampled by `factor` (area average when shrinking, bilinear when growing).
    pub fn scaled(&self, factor: f32) -> Plane {
        let w = ((self.w as f32 * factor).round() as usize).max(1);
        let h = ((self.h as f32 * factor).round() as usize).max(1);
        let mut px = Vec::with_capacity(w * h);
        let step = 1.0 / factor;
        if factor >= 1.0 {
            for y in 0..h {
                for x in 0..w {
                    px.push(
                        self.sample((x as f32 + 0.5) * step - 0.5, (y as f32 + 0.5) * step - 0.5),
                    );
                }
            }
        } else {
            for y in 0..h {
                let (sy0, sy1) = span(y, step, self.h);
                for x in 0..w {
                    let (sx0, sx1) = span(x, step, self.w);
                    let mut sum = 0.0;
                    for sy in sy0..sy1 {
                        for sx in sx0..sx1 {
                            sum += self.at(sx, sy);
                        }
                    }
                    px.push(sum / ((sy1 - sy0) * (sx1 - sx0)).max(1) as f32);
                }
            }
        }
        Plane { w, h, px }
    }
}

/// Source pixels covered by destination pixel `i` when shrinking by `step` (> 1).
fn span(i: usize, step: f32, len: usize) -> (usize, usize) {
    let a = ((i as f32 * step) as usize).min(len - 1);
    let b = (((i + 1) as f32 * step).ceil() as usize).clamp(a + 1, len);
    (a, b)
}

/// Ink mask: a pixel is ink when clearly darker than the mean of its `2r+1` square
/// neighbourhood, so printing on tinted security backgrounds and uneven light still separates.
pub fn binarise(p: &Plane, r: usize) -> Vec<bool> {
    let (w, h) = (p.w, p.h);
    let stride = w + 1;
    let mut integral = vec![0f64; stride * (h + 1)];
    for y in 0..h {
        let mut row = 0f64;
        for x in 0..w {
            row += f64::from(p.at(x, y));
            integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1] + row;
        }
    }
    let mut mask = vec![false; w * h];
    for y in 0..h {
        let (ya, yb) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (xa, xb) = (x.saturating_sub(r), (x + r + 1).min(w));
            let sum = integral[yb * stride + xb]
                - integral[ya * stride + xb]
                - integral[yb * stride + xa]
                + integral[ya * stride + xa];
            let mean = (sum / ((yb - ya) * (xb - xa)) as f64) as f32;
            let v = p.at(x, y);
            mask[y * w + x] = v < mean * 0.82 && mean - v > 18.0;
        }
    }
    mask
}

/// A connected blob of ink with its bounding box (inclusive) and pixel count.
#[derive(Debug, Clone, Copy)]
pub struct Blob {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
    pub area: usize,
}

impl Blob {
    pub fn width(&self) -> f32 {
        (self.x1 - self.x0 + 1) as f32
    }
    pub fn height(&self) -> f32 {
        (self.y1 - self.y0 + 1) as f32
    }
    pub fn cx(&self) -> f32 {
        (self.x0 + self.x1) as f32 / 2.0
    }
    pub fn cy(&self) -> f32 {
        (self.y0 + self.y1) as f32 / 2.0
    }
    /// The same blob with x and y swapped, to look for lines running down the image.
    pub fn transposed(&self) -> Blob {
        Blob {
            x0: self.y0,
            y0: self.x0,
            x1: self.y1,
            y1: self.x1,
            area: self.area,
        }
    }
}

/// 8-connected components of the mask.
pub fn blobs(mask: &[bool], w: usize, h: usize) -> Vec<Blob> {
    let mut seen = vec![false; mask.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (sx, sy) = (start % w, start / w);
        let mut b = Blob {
            x0: sx,
            y0: sy,
            x1: sx,
            y1: sy,
            area: 0,
        };
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            b.area += 1;
            b.x0 = b.x0.min(x);
            b.x1 = b.x1.max(x);
            b.y0 = b.y0.min(y);
            b.y1 = b.y1.max(y);
            for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    let j = ny * w + nx;
                    if mask[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        out.push(b);
    }
    out
}
