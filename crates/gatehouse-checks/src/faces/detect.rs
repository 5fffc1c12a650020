//! Sliding-window evaluation of a Haar cascade over an image pyramid, the way OpenCV's
//! `CascadeClassifier::detectMultiScale` does it, so that its cascades behave as trained:
//! each level is the picture shrunk by `scale_factor` (bilinear), windows step by 2 pixels
//! (1 from a scale of 2), and feature values are compared with the node threshold times the
//! window's standard deviation × area (lighting and contrast normalisation).

use image::GrayImage;

use super::cascade::Cascade;
use super::group::{group_rectangles, Candidate};
use crate::imaging::region::Rect;

/// How the pyramid is walked and how many raw hits make a face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectParams {
    /// Size ratio between pyramid levels (OpenCV's `scaleFactor`).
    pub scale_factor: f64,
    /// Overlapping raw windows a face needs beyond itself (OpenCV's `minNeighbors`).
    pub min_neighbours: u32,
    /// Smallest face side searched for, in pixels of the searched image.
    pub min_size: u32,
}

impl Default for DetectParams {
    fn default() -> Self {
        Self {
            scale_factor: 1.1,
            min_neighbours: 3,
            min_size: 0,
        }
    }
}

/// A face found: its box in the searched image's pixels and how many raw windows agreed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub rect: Rect,
    pub neighbours: u32,
}

/// Pyramid levels never go beyond this many (a 1.01 factor on a huge image would).
const MAX_LEVELS: usize = 200;

/// Every face `cascade` finds in `gray`, largest first.
pub fn detect(cascade: &Cascade, gray: &GrayImage, params: &DetectParams) -> Vec<Detection> {
    let raw = raw_windows(cascade, gray, params);
    let mut faces = group_rectangles(&raw, params.min_neighbours);
    faces.sort_by_key(|f| std::cmp::Reverse(f.rect.area()));
    faces
}

/// The windows the cascade accepts at every level, before grouping.
pub fn raw_windows(cascade: &Cascade, gray: &GrayImage, params: &DetectParams) -> Vec<Candidate> {
    let (w, h) = gray.dimensions();
    let factor_step = params.scale_factor.clamp(1.01, 4.0);
    let mut out = Vec::new();
    let mut factor = 1.0f64;
    for _ in 0..MAX_LEVELS {
        let win_w = (f64::from(cascade.width) * factor).round() as u32;
        let win_h = (f64::from(cascade.height) * factor).round() as u32;
        let sw = (f64::from(w) / factor).round() as u32;
        let sh = (f64::from(h) / factor).round() as u32;
        if sw < cascade.width || sh < cascade.height {
            break;
        }
        if win_w >= params.min_size && win_h >= params.min_size {
            let level = if sw == w && sh == h {
                Integral::new(gray)
            } else {
                Integral::new(&resize_bilinear(gray, sw, sh))
            };
            scan_level(cascade, &level, factor, (win_w, win_h), &mut out);
        }
        factor *= factor_step;
    }
    out
}

fn scan_level(
    cascade: &Cascade,
    level: &Integral,
    factor: f64,
    window: (u32, u32),
    out: &mut Vec<Candidate>,
) {
    let step = if factor > 2.0 { 1 } else { 2 };
    let evaluator = Evaluator::new(cascade, level);
    let last_x = level.width - cascade.width;
    let last_y = level.height - cascade.height;
    let mut y = 0;
    while y <= last_y {
        let mut x = 0;
        while x <= last_x {
            let passed = evaluator.run(x, y);
            if passed == usize::MAX {
                out.push(Candidate {
                    rect: Rect {
                        x: (f64::from(x) * factor).round() as u32,
                        y: (f64::from(y) * factor).round() as u32,
                        width: window.0,
                        height: window.1,
                    },
                });
            }
            // A window refused by the first stage says its neighbour will be too (OpenCV
            // skips it as well, which halves the work on plain backgrounds).
            x += if passed == 0 { 2 * step } else { step };
        }
        y += step;
    }
}

/// Summed-area tables of one pyramid level: pixel values and their squares, with a zero row
/// and column in front so a rectangle's sum is four lookups.
struct Integral {
    width: u32,
    height: u32,
    stride: usize,
    sum: Vec<u32>,
    squares: Vec<u64>,
}

impl Integral {
    fn new(gray: &GrayImage) -> Integral {
        let (w, h) = gray.dimensions();
        let stride = w as usize + 1;
        let mut sum = vec![0u32; stride * (h as usize + 1)];
        let mut squares = vec![0u64; sum.len()];
        for (y, row) in gray.as_raw().chunks_exact(w as usize).enumerate() {
            let (mut run, mut run_sq) = (0u32, 0u64);
            for (x, &v) in row.iter().enumerate() {
                run = run.wrapping_add(u32::from(v));
                run_sq += u64::from(v) * u64::from(v);
                let i = (y + 1) * stride + x + 1;
                sum[i] = sum[i - stride].wrapping_add(run);
                squares[i] = squares[i - stride] + run_sq;
            }
        }
        Integral {
            width: w,
            height: h,
            stride,
            sum,
            squares,
        }
    }
}

/// A rectangle as four offsets into the tables, relative to the window's top-left corner.
#[derive(Clone, Copy)]
struct Offsets([u32; 4]);

impl Offsets {
    fn new(stride: usize, x: u32, y: u32, w: u32, h: u32) -> Offsets {
        let at = |x: u32, y: u32| (y as usize * stride + x as usize) as u32;
        Offsets([at(x, y), at(x + w, y), at(x, y + h), at(x + w, y + h)])
    }

    #[inline]
    fn sum(&self, table: &[u32], base: usize) -> i32 {
        let [a, b, c, d] = self.0.map(|o| table[base + o as usize]);
        // Differences of a summed-area table: exact in wrapping arithmetic.
        d.wrapping_sub(b).wrapping_sub(c).wrapping_add(a) as i32
    }
}

/// A tree split bound to one level, with its feature inline: the nodes are laid out in the
/// order they are evaluated, so the early stages (where most windows end) stay in a few
/// cache lines. `left`/`right` index the nodes when positive, or the leaves (as
/// `-index - 1`) otherwise.
#[derive(Clone, Copy)]
struct LevelNode {
    rects: [Offsets; 3],
    weights: [f32; 3],
    threshold: f32,
    left: i32,
    right: i32,
}

impl LevelNode {
    #[inline]
    fn value(&self, table: &[u32], base: usize) -> f32 {
        let w = &self.weights;
        let mut v = w[0] * self.rects[0].sum(table, base) as f32
            + w[1] * self.rects[1].sum(table, base) as f32;
        if w[2] != 0.0 {
            v += w[2] * self.rects[2].sum(table, base) as f32;
        }
        v
    }
}

/// The cascade bound to one level: per stage its threshold and its weak classifiers' roots.
struct Evaluator<'a> {
    level: &'a Integral,
    stages: Vec<(f32, std::ops::Range<usize>)>,
    roots: Vec<u32>,
    nodes: Vec<LevelNode>,
    leaves: Vec<f32>,
    norm: Offsets,
    norm_area: f64,
}

impl<'a> Evaluator<'a> {
    fn new(cascade: &Cascade, level: &'a Integral) -> Self {
        let stride = level.stride;
        // OpenCV normalises by the window without its one-pixel border.
        let (nw, nh) = (cascade.width - 2, cascade.height - 2);
        let mut ev = Evaluator {
            level,
            stages: Vec::with_capacity(cascade.stages.len()),
            roots: Vec::new(),
            nodes: Vec::new(),
            leaves: Vec::new(),
            norm: Offsets::new(stride, 1, 1, nw, nh),
            norm_area: f64::from(nw) * f64::from(nh),
        };
        for stage in &cascade.stages {
            let first = ev.roots.len();
            for weak in &stage.weaks {
                let (node_base, leaf_base) = (ev.nodes.len() as i32, ev.leaves.len() as i32);
                let link = |i: i32| {
                    if i > 0 {
                        node_base + i
                    } else {
                        -(leaf_base - i) - 1
                    }
                };
                ev.roots.push(node_base as u32);
                for n in &weak.nodes {
                    let mut rects = [Offsets([0; 4]); 3];
                    let mut weights = [0f32; 3];
                    for (i, r) in cascade.features[n.feature].rects.iter().enumerate() {
                        rects[i] = Offsets::new(stride, r.x, r.y, r.w, r.h);
                        weights[i] = r.weight;
                    }
                    ev.nodes.push(LevelNode {
                        rects,
                        weights,
                        threshold: n.threshold,
                        left: link(n.left),
                        right: link(n.right),
                    });
                }
                ev.leaves.extend_from_slice(&weak.leaves);
            }
            ev.stages.push((stage.threshold, first..ev.roots.len()));
        }
        ev
    }

    /// How many stages the window at (`x`, `y`) passed; `usize::MAX` when it passed all.
    fn run(&self, x: u32, y: u32) -> usize {
        let base = y as usize * self.level.stride + x as usize;
        let table = &self.level.sum[..];
        let sum = f64::from(self.norm.sum(table, base));
        let [a, b, c, d] = self.norm.0.map(|o| self.level.squares[base + o as usize]);
        let squares = (d + a - b - c) as f64;
        let variance = self.norm_area * squares - sum * sum;
        let norm = if variance > 0.0 { variance.sqrt() } else { 1.0 };
        let inv = (1.0 / norm) as f32;
        for (index, (threshold, weaks)) in self.stages.iter().enumerate() {
            let mut total = 0f32;
            for &root in &self.roots[weaks.clone()] {
                let mut idx = root as i32;
                while idx >= 0 {
                    let node = &self.nodes[idx as usize];
                    idx = if node.value(table, base) * inv < node.threshold {
                        node.left
                    } else {
                        node.right
                    };
                }
                total += self.leaves[(-idx - 1) as usize];
            }
            if total < *threshold {
                return index;
            }
        }
        usize::MAX
    }
}

/// Bilinear resampling with pixel centres aligned (OpenCV's `INTER_LINEAR`), which the
/// cascades were trained and tuned with.
pub fn resize_bilinear(src: &GrayImage, width: u32, height: u32) -> GrayImage {
    let (sw, sh) = src.dimensions();
    let taps = |dst: u32, src_len: u32| -> Vec<(usize, usize, f32)> {
        let scale = f64::from(src_len) / f64::from(dst);
        (0..dst)
            .map(|i| {
                let f = ((f64::from(i) + 0.5) * scale - 0.5).max(0.0);
                let i0 = (f.floor() as u32).min(src_len - 1);
                let i1 = (i0 + 1).min(src_len - 1);
                (
                    i0 as usize,
                    i1 as usize,
                    (f - f64::from(i0)).clamp(0.0, 1.0) as f32,
                )
            })
            .collect()
    };
    let xs = taps(width, sw);
    let ys = taps(height, sh);
    let raw = src.as_raw();
    let row = |y: usize| &raw[y * sw as usize..(y + 1) * sw as usize];
    let mut out = Vec::with_capacity(width as usize * height as usize);
    for &(y0, y1, fy) in &ys {
        let (r0, r1) = (row(y0), row(y1));
        for &(x0, x1, fx) in &xs {
            let top = f32::from(r0[x0]) * (1.0 - fx) + f32::from(r0[x1]) * fx;
            let bottom = f32::from(r1[x0]) * (1.0 - fx) + f32::from(r1[x1]) * fx;
            out.push((top * (1.0 - fy) + bottom * fy).round() as u8);
        }
    }
    GrayImage::from_raw(width, height, out).unwrap_or_else(|| GrayImage::new(width, height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faces::cascade::tests::tiny;

    #[test]
    fn rectangle_sums_match_a_direct_sum() {
        let img = GrayImage::from_fn(8, 7, |x, y| image::Luma([(x * 13 + y * 29) as u8]));
        let level = Integral::new(&img);
        let r = Offsets::new(level.stride, 2, 1, 3, 4);
        let direct: i64 = (1..5)
            .flat_map(|y| (2..5).map(move |x| (x, y)))
            .map(|(x, y)| i64::from(img.get_pixel(x, y)[0]))
            .sum();
        assert_eq!(i64::from(r.sum(&level.sum, 0)), direct);
        let shifted = i64::from(r.sum(&level.sum, level.stride + 1));
        let direct_shifted: i64 = (2..6)
            .flat_map(|y| (3..6).map(move |x| (x, y)))
            .map(|(x, y)| i64::from(img.get_pixel(x, y)[0]))
            .sum();
        assert_eq!(shifted, direct_shifted);
    }

    #[test]
    fn the_tiny_cascade_finds_dark_over_light_windows_only() {
        let cascade = Cascade::parse(&tiny("")).unwrap();
        // Left half: dark rows over light rows (what the feature rewards); right half flat.
        let img = GrayImage::from_fn(16, 8, |x, y| {
            image::Luma([if x < 8 && y % 4 >= 2 { 220 } else { 40 }])
        });
        let level = Integral::new(&img);
        let ev = Evaluator::new(&cascade, &level);
        assert_eq!(ev.run(0, 0), usize::MAX);
        assert_eq!(ev.run(10, 0), 0);
        let raw = raw_windows(&cascade, &img, &DetectParams::default());
        assert!(!raw.is_empty());
        assert!(raw.iter().all(|c| c.rect.x < 8));
    }

    #[test]
    fn bilinear_resize_keeps_flat_images_flat_and_sizes_right() {
        let flat = GrayImage::from_pixel(10, 6, image::Luma([77]));
        let small = resize_bilinear(&flat, 4, 3);
        assert_eq!(small.dimensions(), (4, 3));
        assert!(small.pixels().all(|p| p[0] == 77));
        let ramp = GrayImage::from_fn(4, 1, |x, _| image::Luma([(x * 60) as u8]));
        let big = resize_bilinear(&ramp, 8, 1);
        let values: Vec<u8> = big.pixels().map(|p| p[0]).collect();
        assert!(values.windows(2).all(|w| w[0] <= w[1]), "{values:?}");
    }
}
