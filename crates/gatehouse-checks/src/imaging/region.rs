//! Rectangles in working-image pixels, and names for where they are.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    pub fn full(width: u32, height: u32) -> Rect {
        Rect {
            x: 0,
            y: 0,
            width,
            height,
        }
    }

    pub fn right(&self) -> u32 {
        self.x + self.width
    }

    pub fn bottom(&self) -> u32 {
        self.y + self.height
    }

    pub fn area(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    pub fn intersection(&self, other: &Rect) -> Option<Rect> {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        let right = self.right().min(other.right());
        let bottom = self.bottom().min(other.bottom());
        (right > x && bottom > y).then(|| Rect {
            x,
            y,
            width: right - x,
            height: bottom - y,
        })
    }

    /// This rectangle in original-picture pixels, given working pixels per original pixel.
    pub fn unscaled(&self, scale: f64) -> Rect {
        let f = |v: u32| (f64::from(v) / scale).round() as u32;
        Rect {
            x: f(self.x),
            y: f(self.y),
            width: f(self.width),
            height: f(self.height),
        }
    }

    /// Where the centre of `self` lies within `frame`, as one of nine names
    /// (`top_left` … `centre` … `bottom_right`), for messages and reviewers.
    pub fn position_in(&self, frame: &Rect) -> &'static str {
        let cx = f64::from(self.x) + f64::from(self.width) / 2.0 - f64::from(frame.x);
        let cy = f64::from(self.y) + f64::from(self.height) / 2.0 - f64::from(frame.y);
        let col = (3.0 * cx / f64::from(frame.width.max(1))).clamp(0.0, 2.0) as usize;
        let row = (3.0 * cy / f64::from(frame.height.max(1))).clamp(0.0, 2.0) as usize;
        const NAMES: [[&str; 3]; 3] = [
            ["top_left", "top", "top_right"],
            ["left", "centre", "right"],
            ["bottom_left", "bottom", "bottom_right"],
        ];
        NAMES[row.min(2)][col.min(2)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_intersections() {
        let frame = Rect::full(300, 300);
        let r = |x, y| Rect {
            x,
            y,
            width: 10,
            height: 10,
        };
        assert_eq!(r(0, 0).position_in(&frame), "top_left");
        assert_eq!(r(145, 145).position_in(&frame), "centre");
        assert_eq!(r(290, 290).position_in(&frame), "bottom_right");
        assert_eq!(r(5, 5).intersection(&r(10, 10)).map(|i| i.area()), Some(25));
        assert_eq!(r(0, 0).intersection(&r(50, 50)), None);
        assert_eq!(
            r(10, 20).unscaled(0.5),
            Rect {
                x: 20,
                y: 40,
                width: 20,
                height: 20
            }
        );
    }
}
