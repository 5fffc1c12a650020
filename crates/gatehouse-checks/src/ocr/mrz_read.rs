//! Finding and reading the MRZ: candidate groups of lines, read both ways along the line (a
//! photo may be upside down) and at each cell count the line count allows; the reading whose
//! check digits pass and whose glyphs match best wins.

use super::cells::{read_line, Frame};
use super::correct::{assemble, Assembled};
use super::lines::{self, TextLine};
use super::raster::{self, Plane};
use crate::mrz::{self, Mrz};

/// The page, the working copy's lines and how to get back to the page's pixels.
pub(super) struct Page {
    pub original: Plane,
    pub to_original: f32,
    pub lines: Vec<TextLine>,
}

/// Longer side of the working copy in which lines are looked for.
const WORK_SIDE: f32 = 1000.0;

pub(super) fn prepare(original: Plane, min_blobs: usize) -> Page {
    let longer = original.w.max(original.h) as f32;
    let factor = (WORK_SIDE / longer).clamp(0.2, 4.0);
    let work = original.scaled(factor);
    let mask = raster::binarise(&work, 15);
    let blobs = raster::blobs(&mask, work.w, work.h);
    let max_h = work.w.max(work.h) as f32 / 12.0;
    let lines = lines::find(&blobs, max_h, min_blobs);
    Page {
        original,
        to_original: 1.0 / factor,
        lines,
    }
}

/// A candidate reading with what ranks it.
pub(super) struct Candidate {
    pub mrz: Mrz,
    pub text: Assembled,
}

impl Candidate {
    fn rank(&self) -> (bool, usize, f32) {
        let c = &self.mrz.checks;
        let passed = [
            c.document_number,
            c.birth_date,
            c.expiry_date,
            c.optional_data.unwrap_or(true),
            c.composite.unwrap_or(true),
        ]
        .iter()
        .filter(|ok| **ok)
        .count();
        (self.mrz.valid(), passed, self.text.confidence)
    }
}

/// Below this mean correlation a reading is not trusted to be an MRZ at all.
pub(super) const MIN_CONFIDENCE: f32 = 0.6;

/// How many candidate groups are read before giving up.
const MAX_GROUPS: usize = 4;

pub(super) fn read(page: &Page) -> Option<Candidate> {
    let mut best: Option<Candidate> = None;
    for group in lines::mrz_groups(&page.lines).into_iter().take(MAX_GROUPS) {
        for flip in [false, true] {
            let d = group[0].dir;
            let u = if flip { (-d.0, -d.1) } else { d };
            let frame = Frame::new(u, page.to_original);
            let mut ordered: Vec<&TextLine> = group.iter().collect();
            ordered.sort_by(|a, b| a.offset(frame.v).total_cmp(&b.offset(frame.v)));
            let counts: &[usize] = if ordered.len() == 3 { &[30] } else { &[44, 36] };
            for &n in counts {
                let Some(candidate) = read_as(page, &ordered, frame, n) else {
                    continue;
                };
                // A reading whose every check digit passes is not bettered by another
                // orientation or format (a wrong one essentially never passes them all).
                if candidate.mrz.valid() {
                    return Some(candidate);
                }
                if best.as_ref().is_none_or(|b| candidate.rank() > b.rank()) {
                    best = Some(candidate);
                }
            }
        }
    }
    best.filter(|b| b.text.confidence >= MIN_CONFIDENCE)
}

fn read_as(page: &Page, lines: &[&TextLine], frame: Frame, n: usize) -> Option<Candidate> {
    let mut cells = Vec::with_capacity(lines.len());
    for line in lines {
        // A cell count far from the font's proportions is the wrong format.
        let read = read_line(&page.original, line, frame, n, 0.8..=1.25)?;
        cells.push(read.scores);
    }
    let text = assemble(&cells);
    let mrz = mrz::parse(&text.lines.join("\n")).ok()?;
    Some(Candidate { mrz, text })
}
