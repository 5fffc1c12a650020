//! Merging the many overlapping windows a cascade accepts around one face into one box, as
//! OpenCV's `groupRectangles` does: windows whose sides all lie within 20% of each other join
//! one cluster (transitively), a cluster of more than `min_neighbours` windows is a face with
//! the mean box, and a face inside a bigger, better-supported one is dropped.

use super::detect::Detection;
use crate::imaging::region::Rect;

/// One window the cascade accepted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub rect: Rect,
}

const EPS: f64 = 0.2;

fn similar(a: &Rect, b: &Rect) -> bool {
    let delta = EPS * (f64::from(a.width.min(b.width)) + f64::from(a.height.min(b.height))) * 0.5;
    let near = |p: u32, q: u32| f64::from(p.abs_diff(q)) <= delta;
    near(a.x, b.x) && near(a.y, b.y) && near(a.right(), b.right()) && near(a.bottom(), b.bottom())
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The faces among `windows`, each with its count of supporting windows.
pub fn group_rectangles(windows: &[Candidate], min_neighbours: u32) -> Vec<Detection> {
    let n = windows.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for i in 0..n {
        for j in i + 1..n {
            if similar(&windows[i].rect, &windows[j].rect) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                if a != b {
                    parent[b] = a;
                }
            }
        }
    }
    // Sums of x, y, width, height and the count, per cluster root.
    let mut sums: std::collections::BTreeMap<usize, [u64; 5]> = Default::default();
    for (i, w) in windows.iter().enumerate() {
        let root = find(&mut parent, i);
        let s = sums.entry(root).or_default();
        s[0] += u64::from(w.rect.x);
        s[1] += u64::from(w.rect.y);
        s[2] += u64::from(w.rect.width);
        s[3] += u64::from(w.rect.height);
        s[4] += 1;
    }
    let clusters: Vec<Detection> = sums
        .values()
        .map(|s| {
            let mean = |v: u64| (v as f64 / s[4] as f64).round() as u32;
            Detection {
                rect: Rect {
                    x: mean(s[0]),
                    y: mean(s[1]),
                    width: mean(s[2]),
                    height: mean(s[3]),
                },
                neighbours: s[4] as u32,
            }
        })
        .filter(|d| d.neighbours > min_neighbours)
        .collect();
    clusters
        .iter()
        .filter(|inner| {
            !clusters.iter().any(|outer| {
                if std::ptr::eq(*inner, outer) {
                    return false;
                }
                let (r1, r2) = (&inner.rect, &outer.rect);
                let dx = (f64::from(r2.width) * EPS).round() as i64;
                let dy = (f64::from(r2.height) * EPS).round() as i64;
                let i = |v: u32| i64::from(v);
                i(r1.x) >= i(r2.x) - dx
                    && i(r1.y) >= i(r2.y) - dy
                    && i(r1.right()) <= i(r2.right()) + dx
                    && i(r1.bottom()) <= i(r2.bottom()) + dy
                    && (outer.neighbours > inner.neighbours.max(3) || inner.neighbours < 3)
            })
        })
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: u32, y: u32, s: u32) -> Candidate {
        Candidate {
            rect: Rect {
                x,
                y,
                width: s,
                height: s,
            },
        }
    }

    #[test]
    fn overlapping_windows_become_one_face_and_lone_ones_vanish() {
        let mut windows = vec![
            c(100, 100, 50),
            c(102, 101, 50),
            c(98, 99, 52),
            c(101, 103, 48),
        ];
        windows.push(c(300, 300, 40)); // a lone false hit
        windows.extend([c(10, 10, 30), c(11, 10, 30)]); // two: not enough
        let faces = group_rectangles(&windows, 3);
        assert_eq!(faces.len(), 1);
        assert_eq!(faces[0].neighbours, 4);
        assert!((99..=102).contains(&faces[0].rect.x));
        assert_eq!(group_rectangles(&windows, 0).len(), 3);
    }

    #[test]
    fn a_small_face_inside_a_strong_one_is_dropped() {
        let mut windows: Vec<Candidate> = (0..8).map(|i| c(100 + i, 100, 100)).collect();
        windows.extend((0..4).map(|i| c(130 + i, 130, 30)));
        let faces = group_rectangles(&windows, 3);
        assert_eq!(faces.len(), 1);
        assert_eq!(faces[0].rect.width, 100);
    }
}
