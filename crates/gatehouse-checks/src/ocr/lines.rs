//! Finding lines of printed characters: blobs of similar height that follow one another at
//! character spacing along a straight line, whatever the line's slope up to about 30 degrees.
//! Lines running down the page (a photo turned by 90 degrees) are found by looking at the
//! blobs with x and y swapped.

use super::raster::Blob;

/// A line of characters in image coordinates (of the working plane).
#[derive(Debug, Clone)]
pub struct TextLine {
    /// Blob boxes as corners `(x0, y0, x1, y1)`.
    pub boxes: Vec<[f32; 4]>,
    /// Unit vector along the line (left to right for upright text, or either way).
    pub dir: (f32, f32),
    /// Median character height across the line.
    pub height: f32,
}

impl TextLine {
    /// Offset of the line along the normal `n`: the median of its blob centres.
    pub fn offset(&self, n: (f32, f32)) -> f32 {
        let mut t: Vec<f32> = self
            .boxes
            .iter()
            .map(|b| (b[0] + b[2]) / 2.0 * n.0 + (b[1] + b[3]) / 2.0 * n.1)
            .collect();
        median(&mut t)
    }

    /// First and last position of ink along `u`.
    pub fn extent(&self, u: (f32, f32)) -> (f32, f32) {
        let mut lo = f32::MAX;
        let mut hi = f32::MIN;
        for b in &self.boxes {
            for (x, y) in [(b[0], b[1]), (b[2], b[1]), (b[0], b[3]), (b[2], b[3])] {
                let s = x * u.0 + y * u.1;
                lo = lo.min(s);
                hi = hi.max(s);
            }
        }
        (lo, hi)
    }

    /// Length along the line in character heights.
    pub fn span_in_heights(&self) -> f32 {
        let (a, b) = self.extent(self.dir);
        (b - a) / self.height.max(1.0)
    }
}

pub fn median(v: &mut [f32]) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

/// Lines of at least `min_blobs` characters, horizontal-ish ones and vertical-ish ones.
pub fn find(blobs: &[Blob], max_h: f32, min_blobs: usize) -> Vec<TextLine> {
    let keep = |b: &&Blob| {
        let h = b.height();
        h >= 5.0 && h <= max_h && b.width() <= 6.0 * h && b.area >= 6
    };
    let flat: Vec<Blob> = blobs.iter().filter(keep).copied().collect();
    let mut out = chains(&flat, min_blobs, false);
    let turned: Vec<Blob> = blobs
        .iter()
        .map(Blob::transposed)
        .filter(|b| keep(&b))
        .collect();
    out.extend(chains(&turned, min_blobs, true));
    out
}

/// Follows mutual nearest right-hand neighbours into chains and keeps the straight ones.
fn chains(blobs: &[Blob], min_blobs: usize, transposed: bool) -> Vec<TextLine> {
    let mut order: Vec<usize> = (0..blobs.len()).collect();
    order.sort_by(|&a, &b| blobs[a].cx().total_cmp(&blobs[b].cx()));
    let sorted: Vec<Blob> = order.iter().map(|&i| blobs[i]).collect();
    let n = sorted.len();
    let mut right = vec![usize::MAX; n];
    let mut left_best = vec![(f32::MAX, usize::MAX); n];
    for i in 0..n {
        let a = &sorted[i];
        let mut best = (f32::MAX, usize::MAX);
        for (j, b) in sorted.iter().enumerate().skip(i + 1) {
            let href = a.height().max(b.height());
            if b.cx() - a.cx() > 6.5 * href {
                break;
            }
            let gap = b.x0 as f32 - a.x1 as f32;
            let dy = (b.cy() - a.cy()).abs();
            let ratio = a.height().min(b.height()) / href;
            if gap < -0.3 * href || gap > 1.2 * href || dy > 0.6 * href || ratio < 0.4 {
                continue;
            }
            let cost = gap.max(0.0) + 2.0 * dy;
            if cost < best.0 {
                best = (cost, j);
            }
        }
        if best.1 != usize::MAX {
            right[i] = best.1;
            if best.0 < left_best[best.1].0 {
                left_best[best.1] = (best.0, i);
            }
        }
    }
    let mut has_left = vec![false; n];
    for (i, link) in right.iter_mut().enumerate() {
        let j = *link;
        if j != usize::MAX && left_best[j].1 == i {
            has_left[j] = true;
        } else {
            *link = usize::MAX;
        }
    }
    let mut out = Vec::new();
    for (start, _) in has_left.iter().enumerate().filter(|(_, l)| !**l) {
        let mut members = vec![start];
        let mut at = start;
        while right[at] != usize::MAX {
            at = right[at];
            members.push(at);
        }
        if members.len() < min_blobs {
            continue;
        }
        let chain: Vec<Blob> = members.iter().map(|&i| sorted[i]).collect();
        if let Some(line) = straight_line(&chain, transposed) {
            out.push(line);
        }
    }
    out
}

/// A least-squares fit through the centres; `None` when the chain zig-zags.
fn straight_line(chain: &[Blob], transposed: bool) -> Option<TextLine> {
    let n = chain.len() as f32;
    let mx = chain.iter().map(Blob::cx).sum::<f32>() / n;
    let my = chain.iter().map(Blob::cy).sum::<f32>() / n;
    let sxx: f32 = chain.iter().map(|b| (b.cx() - mx).powi(2)).sum();
    let sxy: f32 = chain.iter().map(|b| (b.cx() - mx) * (b.cy() - my)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let mut heights: Vec<f32> = chain.iter().map(Blob::height).collect();
    let height = median(&mut heights);
    let mut residuals: Vec<f32> = chain
        .iter()
        .map(|b| (b.cy() - (my + slope * (b.cx() - mx))).abs())
        .collect();
    if slope.abs() > 0.6 || median(&mut residuals) > 0.25 * height {
        return None;
    }
    let norm = (1.0 + slope * slope).sqrt();
    let (dx, dy) = (1.0 / norm, slope / norm);
    // Heights of a slanted line's boxes grow with the slant; take the upright height.
    let height = height / (1.0 + slope.abs() * 0.5);
    let boxes = chain
        .iter()
        .map(|b| {
            let [x0, y0, x1, y1] = [b.x0 as f32, b.y0 as f32, b.x1 as f32, b.y1 as f32];
            if transposed {
                [y0, x0, y1, x1]
            } else {
                [x0, y0, x1, y1]
            }
        })
        .collect();
    Some(TextLine {
        boxes,
        dir: if transposed { (dy, dx) } else { (dx, dy) },
        height,
    })
}

/// Sets of 2 or 3 parallel lines of similar length stacked at MRZ line spacing, best first.
pub fn mrz_groups(lines: &[TextLine]) -> Vec<Vec<TextLine>> {
    let long: Vec<&TextLine> = lines
        .iter()
        .filter(|l| l.span_in_heights() > 14.0)
        .collect();
    let mut groups: Vec<(f32, Vec<TextLine>)> = Vec::new();
    for (i, a) in long.iter().enumerate() {
        let n = (-a.dir.1, a.dir.0);
        let ta = a.offset(n);
        let mut members: Vec<(f32, &TextLine)> = vec![(0.0, a)];
        for (j, b) in long.iter().enumerate() {
            if i == j || !compatible(a, b) {
                continue;
            }
            members.push((b.offset(n) - ta, b));
        }
        members.sort_by(|x, y| x.0.total_cmp(&y.0));
        // Windows of consecutive lines at MRZ spacing that include `a`.
        for size in [3usize, 2] {
            for w in members.windows(size) {
                if !w.iter().any(|(t, _)| *t == 0.0) {
                    continue;
                }
                let h = a.height;
                let spaced = w
                    .windows(2)
                    .all(|p| (1.1 * h..=3.0 * h).contains(&(p[1].0 - p[0].0)));
                if spaced {
                    let score: f32 = w.iter().map(|(_, l)| l.span_in_heights()).sum();
                    groups.push((score, w.iter().map(|(_, l)| (*l).clone()).collect()));
                }
            }
        }
    }
    groups.sort_by(|a, b| b.0.total_cmp(&a.0));
    groups.dedup_by(|a, b| a.0 == b.0);
    groups.into_iter().map(|(_, g)| g).collect()
}

fn compatible(a: &TextLine, b: &TextLine) -> bool {
    let dot = a.dir.0 * b.dir.0 + a.dir.1 * b.dir.1;
    let hr = a.height.min(b.height) / a.height.max(b.height);
    let (a0, a1) = a.extent(a.dir);
    let (b0, b1) = b.extent(a.dir);
    let overlap = (a1.min(b1) - a0.max(b0)) / (a1 - a0).min(b1 - b0).max(1.0);
    dot.abs() > 0.995 && hr > 0.6 && overlap > 0.6
}
