//! Where the document is in the picture, and whether any of it is outside the frame.
//!
//! A document is dense with structure (print, guilloche, a portrait) while a table or a wall
//! is not, so the picture is divided into cells and the document is the largest connected
//! block of cells dense with edges. An edge of the frame cuts the document when that block
//! reaches it and structure runs *across* the outermost strip of pixels (a document's own
//! border, photographed tightly, runs along the strip instead, and does not count) where some
//! of its paper shows too (a patterned cloth is as dense with edges as print).

use image::{GrayImage, RgbImage};
use serde::Serialize;

use super::region::Rect;
use super::{colours, resample, shade};

/// Gradient magnitude (|gx| + |gy|, central differences) above which a pixel is an edge: half
/// the picture's 95th percentile, within these bounds. Adapting it keeps a blurred or
/// low-contrast document findable (its edges are weaker, not gone); the floor keeps the grain
/// of a desk from counting as print.
const EDGE_MIN: i32 = 16;
const EDGE_MAX: i32 = 48;

/// Share of a frame side's strip that must show the paper, in runs along the side at least
/// as long as the strip is deep, for structure crossing it to be the document cut by the
/// frame.
const MIN_PAPER_AT_CUT: f64 = 0.05;

fn edge_threshold(gray: &GrayImage) -> i32 {
    let mut histogram = [0u64; 512];
    for_edges(gray, 2, |_, _, gx, gy| {
        histogram[((gx.abs() + gy.abs()) as usize).min(511)] += 1;
    });
    let total: u64 = histogram.iter().sum();
    let mut seen = 0;
    for (v, n) in histogram.iter().enumerate() {
        seen += n;
        if seen * 100 >= total * 95 {
            return (v as i32 / 2).clamp(EDGE_MIN, EDGE_MAX);
        }
    }
    EDGE_MAX
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    /// The document's bounding box in working pixels; the whole frame when nothing was found.
    pub bbox: Rect,
    /// Share of the frame the box covers.
    pub coverage: f64,
    /// Share of the frame's cells dense with structure.
    pub structure: f64,
    /// Sides of the frame that cut through the document.
    pub cut_sides: Vec<&'static str>,
    /// Corners outside the frame (two adjacent sides cut).
    pub cut_corners: Vec<&'static str>,
    /// Corners inside the frame but covered by something reaching in from its edge (a finger).
    pub covered_corners: Vec<&'static str>,
}

struct Grid {
    cols: u32,
    rows: u32,
    size: u32,
    dense: Vec<bool>,
}

fn edge_at(gray: &GrayImage, x: u32, y: u32) -> (i32, i32) {
    let (w, h) = gray.dimensions();
    let p = |x: u32, y: u32| i32::from(gray.get_pixel(x, y)[0]);
    let gx = p((x + 1).min(w - 1), y) - p(x.saturating_sub(1), y);
    let gy = p(x, (y + 1).min(h - 1)) - p(x, y.saturating_sub(1));
    (gx, gy)
}

/// Calls `f(x, y, gx, gy)` for every `step`-th pixel of every `step`-th row, with the central
/// differences `edge_at` gives, reading rows as slices.
fn for_edges(gray: &GrayImage, step: usize, mut f: impl FnMut(u32, u32, i32, i32)) {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    if w == 0 || h == 0 {
        return;
    }
    let raw = gray.as_raw();
    for y in (0..h).step_by(step) {
        let row = &raw[y * w..(y + 1) * w];
        let up = &raw[y.saturating_sub(1) * w..][..w];
        let down = &raw[(y + 1).min(h - 1) * w..][..w];
        let gx_at =
            |x: usize| i32::from(row[(x + 1).min(w - 1)]) - i32::from(row[x.saturating_sub(1)]);
        let gy_at = |x: usize| i32::from(down[x]) - i32::from(up[x]);
        if step == 1 && w >= 3 {
            // The interior without clamping, as slices the compiler can check once.
            f(0, y as u32, gx_at(0), gy_at(0));
            let inner = row.windows(3).zip(up[1..].iter().zip(&down[1..]));
            for (x, (win, (&u, &d))) in inner.enumerate() {
                let gx = i32::from(win[2]) - i32::from(win[0]);
                f(x as u32 + 1, y as u32, gx, i32::from(d) - i32::from(u));
            }
            f(w as u32 - 1, y as u32, gx_at(w - 1), gy_at(w - 1));
            continue;
        }
        for x in (0..w).step_by(step) {
            f(x as u32, y as u32, gx_at(x), gy_at(x));
        }
    }
}

fn grid(gray: &GrayImage, density: f64, edge: i32) -> Grid {
    let (w, h) = gray.dimensions();
    let size = (w.max(h) / 48).max(6);
    let (cols, rows) = (w.div_ceil(size), h.div_ceil(size));
    let mut counts = vec![0u32; (cols * rows) as usize];
    // Edges counted per row into a row of per-column tallies, so no division per pixel.
    let mut row_edges = vec![0u8; w as usize];
    let mut last_y = u32::MAX;
    let flush = |y: u32, row_edges: &[u8], counts: &mut [u32]| {
        let base = ((y / size) * cols) as usize;
        for (cx, cell) in row_edges.chunks(size as usize).enumerate() {
            counts[base + cx] += cell.iter().map(|&e| u32::from(e)).sum::<u32>();
        }
    };
    for_edges(gray, 1, |x, y, gx, gy| {
        if y != last_y {
            if last_y != u32::MAX {
                flush(last_y, &row_edges, &mut counts);
            }
            last_y = y;
        }
        row_edges[x as usize] = u8::from(gx.abs() + gy.abs() > edge);
    });
    if last_y != u32::MAX {
        flush(last_y, &row_edges, &mut counts);
    }
    let dense = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let (cx, cy) = (i as u32 % cols, i as u32 / cols);
            let cw = size.min(w - cx * size);
            let ch = size.min(h - cy * size);
            f64::from(c) / f64::from(cw * ch) >= density
        })
        .collect();
    Grid {
        cols,
        rows,
        size,
        dense,
    }
}

/// The cells of the largest 8-connected block of dense cells, after closing gaps of up to
/// `gap` cells (the blank space between a portrait and the text).
fn largest_block(grid: &Grid, gap: i64) -> Option<(u32, u32, u32, u32, usize)> {
    let (cols, rows) = (i64::from(grid.cols), i64::from(grid.rows));
    let mut seen = vec![false; grid.dense.len()];
    let mut best: Option<(u32, u32, u32, u32, usize)> = None;
    for start in 0..grid.dense.len() {
        if !grid.dense[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![start];
        let (mut x0, mut y0, mut x1, mut y1, mut n) = (u32::MAX, u32::MAX, 0, 0, 0usize);
        while let Some(i) = stack.pop() {
            let (cx, cy) = (i as i64 % cols, i as i64 / cols);
            n += 1;
            x0 = x0.min(cx as u32);
            y0 = y0.min(cy as u32);
            x1 = x1.max(cx as u32);
            y1 = y1.max(cy as u32);
            for dy in -gap..=gap {
                for dx in -gap..=gap {
                    let (nx, ny) = (cx + dx, cy + dy);
                    if nx < 0 || ny < 0 || nx >= cols || ny >= rows {
                        continue;
                    }
                    let j = (ny * cols + nx) as usize;
                    if grid.dense[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        if best.is_none_or(|b| n > b.4) {
            best = Some((x0, y0, x1, y1, n));
        }
    }
    best
}

/// Share of pixels in the outermost strip along `side` (within `span`) where structure runs
/// across the strip.
fn crossing_density(gray: &GrayImage, side: &str, span: Rect, depth: u32, edge: i32) -> f64 {
    let (w, h) = gray.dimensions();
    let (xs, ys): (Vec<u32>, Vec<u32>) = match side {
        "left" => (
            (0..depth.min(w)).collect(),
            (span.y..span.bottom()).collect(),
        ),
        "right" => (
            (w.saturating_sub(depth)..w).collect(),
            (span.y..span.bottom()).collect(),
        ),
        "top" => (
            (span.x..span.right()).collect(),
            (0..depth.min(h)).collect(),
        ),
        _ => (
            (span.x..span.right()).collect(),
            (h.saturating_sub(depth)..h).collect(),
        ),
    };
    let vertical_side = side == "left" || side == "right";
    let mut hits = 0u64;
    let mut total = 0u64;
    for &y in &ys {
        for &x in &xs {
            let (gx, gy) = edge_at(gray, x, y);
            total += 1;
            // Across a left or right edge, structure shows as a change from top to bottom.
            let across = if vertical_side { gy.abs() } else { gx.abs() };
            if across > edge {
                hits += 1;
            }
        }
    }
    hits as f64 / total.max(1) as f64
}

/// Share of the pixels of `area`, a strip along `side`, that are `alike` the paper in runs
/// along the side of at least `min_run` pixels: the thin white lines of a gingham cloth cross
/// the strip in short runs, while the paper between a cut document's print lies along it.
fn paper_in_runs(rgb: &RgbImage, area: Rect, side: &str, paper: [i32; 3], min_run: u32) -> f64 {
    let vertical = side == "left" || side == "right";
    let (lines, len) = if vertical {
        (area.width, area.height)
    } else {
        (area.height, area.width)
    };
    let mut counted = 0u64;
    for line in 0..lines {
        let mut run = 0u32;
        for i in 0..=len {
            let hit = i < len && {
                let (x, y) = if vertical {
                    (area.x + line, area.y + i)
                } else {
                    (area.x + i, area.y + line)
                };
                colours::alike(&rgb.get_pixel(x, y).0, paper)
            };
            if hit {
                run += 1;
            } else {
                if run >= min_run {
                    counted += u64::from(run);
                }
                run = 0;
            }
        }
    }
    counted as f64 / area.area().max(1) as f64
}

/// The outermost strip of `depth` pixels along `side` of a `w`×`h` frame, over `span`'s
/// extent along that side.
fn strip(w: u32, h: u32, side: &str, depth: u32, span: Rect) -> Rect {
    let (dw, dh) = (depth.min(w), depth.min(h));
    match side {
        "left" => Rect {
            x: 0,
            y: span.y,
            width: dw,
            height: span.height,
        },
        "right" => Rect {
            x: w - dw,
            y: span.y,
            width: dw,
            height: span.height,
        },
        "top" => Rect {
            x: span.x,
            y: 0,
            width: span.width,
            height: dh,
        },
        _ => Rect {
            x: span.x,
            y: h - dh,
            width: span.width,
            height: dh,
        },
    }
}

/// Finds the document in `gray`. `density` is the share of edge pixels that makes a cell part
/// of a document; `cut_density` the share of crossing structure in the outermost strip that
/// means the frame cuts the document.
pub fn locate(rgb: &RgbImage, gray: &GrayImage, density: f64, cut_density: f64) -> Location {
    let (w, h) = gray.dimensions();
    let frame = Rect::full(w, h);
    let edge = edge_threshold(gray);
    let grid = grid(gray, density, edge);
    let dense_cells = grid.dense.iter().filter(|&&d| d).count();
    let structure = dense_cells as f64 / grid.dense.len().max(1) as f64;
    let Some((x0, y0, x1, y1, _)) = largest_block(&grid, 2) else {
        return Location {
            bbox: frame,
            coverage: 0.0,
            structure,
            cut_sides: Vec::new(),
            cut_corners: Vec::new(),
            covered_corners: Vec::new(),
        };
    };
    let s = grid.size;
    let bbox = Rect {
        x: x0 * s,
        y: y0 * s,
        width: ((x1 + 1) * s).min(w) - x0 * s,
        height: ((y1 + 1) * s).min(h) - y0 * s,
    };
    let depth = (w.min(h) / 100).max(2);
    let mut cut_sides = Vec::new();
    let touches = [
        ("top", y0 == 0),
        ("right", x1 + 1 >= grid.cols),
        ("bottom", y1 + 1 >= grid.rows),
        ("left", x0 == 0),
    ];
    // The frame also cuts the document where its plain paper runs out of the picture, which
    // shows only when some other side shows the background: a scan with no background at all
    // is judged by crossing structure alone.
    let whole = |side| strip(w, h, side, depth, frame);
    let paper = colours::dominant(rgb, &[bbox]);
    let shares = touches
        .map(|(side, _)| paper.map_or(0.0, |paper| colours::share_alike(rgb, whole(side), paper)));
    // Only a side the document does not reach can show the background: along a side it
    // reaches, a strip unlike the paper is the document's own (a shadow across a page
    // photographed edge to edge, a coloured border), and says nothing about the other sides.
    // Nor does a free side whose strip is the paper in shadow, which only the softness of
    // the shadow's edge tells from a grey desk.
    let paper_level = paper.map(|p| resample::luma(&p.map(|c| c.clamp(0, 255) as u8))[0]);
    let unlike_free: [bool; 4] = std::array::from_fn(|i| !touches[i].1 && shares[i] < 0.2);
    let shaded: [bool; 4] = std::array::from_fn(|i| {
        unlike_free[i]
            && paper_level.is_some_and(|l| shade::shaded_paper(gray, touches[i].0, depth, l))
    });
    let background_seen = (0..4).any(|i| unlike_free[i] && !shaded[i]);
    // And where the document reaches the frame and the strip along it shows none of the
    // background the free sides show (a portrait's plain ground, a margin in another colour).
    let free: Vec<Rect> = (0..4)
        .filter(|&i| !touches[i].1 && !shaded[i])
        .map(|i| whole(touches[i].0))
        .collect();
    let background = colours::dominant(rgb, &free).filter(|&bg| {
        paper.is_none_or(|paper| !colours::alike(&bg.map(|c| c.clamp(0, 255) as u8), paper))
    });
    for ((side, touching), share) in touches.into_iter().zip(shares) {
        // Structure crossing the strip is the document only where its paper shows there too:
        // a patterned cloth or a keyboard around the document is as dense with edges as print.
        let crossed = touching
            && paper.is_none_or(|paper| {
                // Paper in runs is a part of `share`, so this implies `share` is enough too.
                paper_in_runs(rgb, whole(side), side, paper, depth) >= MIN_PAPER_AT_CUT
            })
            && crossing_density(gray, side, bbox, depth, edge) >= cut_density;
        let along = strip(w, h, side, depth, bbox);
        let hidden = touching
            && along.area() > 0
            && background.is_some_and(|bg| colours::share_alike(rgb, along, bg) < 0.1);
        if crossed || hidden || (background_seen && share > 0.5) {
            cut_sides.push(side);
        }
    }
    let cut = |s: &str| cut_sides.contains(&s);
    let cut_corners = [
        ("top_left", "top", "left"),
        ("top_right", "top", "right"),
        ("bottom_right", "bottom", "right"),
        ("bottom_left", "bottom", "left"),
    ]
    .into_iter()
    .filter(|(_, a, b)| cut(a) && cut(b))
    .map(|(name, _, _)| name)
    .collect();
    let covered_corners = match (paper, background) {
        (Some(paper), Some(bg)) => {
            let shadows = (0..4).filter(|&i| shaded[i]).map(|i| whole(touches[i].0));
            let surfaces: Vec<[i32; 3]> = std::iter::once(bg)
                .chain(shadows.filter_map(|strip| colours::dominant(rgb, &[strip])))
                .collect();
            super::cover::covered_corners(rgb, bbox, paper, &surfaces, &cut_sides)
        }
        _ => Vec::new(),
    };
    Location {
        bbox,
        coverage: bbox.area() as f64 / frame.area().max(1) as f64,
        structure,
        cut_sides,
        cut_corners,
        covered_corners,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn locate_grey(gray: &GrayImage, density: f64, cut: f64) -> Location {
        let rgb = image::DynamicImage::ImageLuma8(gray.clone()).to_rgb8();
        locate(&rgb, gray, density, cut)
    }

    /// A printed card: text-like stripes inside a border, on a flat background.
    fn card(w: u32, h: u32, card: Rect) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| {
            let inside = x >= card.x && x < card.right() && y >= card.y && y < card.bottom();
            if !inside {
                return Luma([90]);
            }
            let (cx, cy) = (x - card.x, y - card.y);
            let text = (cy / 6) % 2 == 0 && (cx / 3) % 3 != 0;
            Luma([if text { 30 } else { 220 }])
        })
    }

    #[test]
    fn finds_a_card_on_a_table_and_nothing_on_a_wall() {
        let r = Rect {
            x: 100,
            y: 80,
            width: 400,
            height: 250,
        };
        let loc = locate_grey(&card(640, 480, r), 0.08, 0.05);
        assert!(loc.cut_sides.is_empty(), "{loc:?}");
        assert!(
            (loc.bbox.x as i64 - 100).abs() <= 14 && (loc.bbox.right() as i64 - 500).abs() <= 14
        );
        assert!(loc.coverage > 0.25 && loc.coverage < 0.45, "{loc:?}");
        let wall = GrayImage::from_pixel(640, 480, Luma([128]));
        assert_eq!(locate_grey(&wall, 0.08, 0.05).coverage, 0.0);
    }

    #[test]
    fn names_the_corner_outside_the_frame() {
        let r = Rect {
            x: 200,
            y: 150,
            width: 600,
            height: 400,
        };
        let loc = locate_grey(&card(640, 480, r), 0.08, 0.05);
        assert_eq!(loc.cut_sides, ["right", "bottom"]);
        assert_eq!(loc.cut_corners, ["bottom_right"]);
    }
}
