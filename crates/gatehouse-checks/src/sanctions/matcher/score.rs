//! Token similarity and name scores.
//!
//! Two tokens are similar when they are spelled the same (1.0), are transliterations of one
//! another (a non-Latin token whose romanisation meets the list's), are known variants
//! (MOHAMED/MUHAMMAD 0.95, folded spellings KH/H 0.93, same consonants 0.85), differ by a
//! typo (1 − edits/length, at most 0.9; one edit from 4 letters, two from 8), or one is
//! the other's initial (0.7). A name's score aligns query tokens with list tokens in any
//! order, one to one (a token may also meet two adjacent ones written as one word), and is
//!
//! ```text
//!   Σ sim·w(pair) / (Σ w(pair) + fq·unmatched query weight + fc·unmatched list weight)
//! ```
//!
//! with w(pair) = 2·min(query token weight, list token weight). Weights are inverse document
//! frequencies over the list (a rare surname tells more than MUHAMMAD or AL); an initial weighs
//! little, and the rest of the name it stands for counts as left over. When only the list
//! name has tokens left over (middle names, a longer alias) they count 0.3 (fc); when only the
//! query has (a middle name the list lacks) 0.5 (fq); either only beside two or more matched
//! pairs (a lone surname makes nothing else a middle name); when both have tokens left over,
//! they conflict and count fully.

use serde::Serialize;

/// Similarity of a spelling in the equivalence table of variants.
pub(super) const SIM_VARIANT: f32 = 0.95;
/// Similarity of spellings equal once folded (KH/H, Y/I, doubled letters).
pub(super) const SIM_FOLDED: f32 = 0.93;
/// Similarity of same consonants, different vowels (unvowelled Arabic, HUSSEIN/HUSAYN).
pub(super) const SIM_SKELETON: f32 = 0.85;
/// Similarity of an initial and a name it may stand for.
pub(super) const SIM_INITIAL: f32 = 0.7;
/// Similarity of a reading of a Chinese character other than its first.
pub(super) const SIM_OTHER_READING: f32 = 0.95;
/// Similarity lost per edit, relative to the token's length.
const TYPO_COST: f32 = 1.0;
/// A typo is never as good as a known variant.
const TYPO_CEILING: f32 = 0.9;
/// Weight of a one-letter token: an initial tells little.
pub(super) const INITIAL_WEIGHT: f32 = 1.0;
/// Factor on leftover query weight when the list name is fully matched.
pub(super) const QUERY_SURPLUS: f32 = 0.5;
/// Factor on leftover list weight when the query is fully matched.
const LIST_SURPLUS: f32 = 0.3;

/// How a query token met a list token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Spelled the same.
    Exact,
    /// Written in another script (Cyrillic, Chinese, Arabic) and romanised to the list's
    /// spelling, or to within `edit_distance` of it.
    Transliteration,
    /// A known variant spelling (MOHAMED/MUHAMMAD, KH/H, doubled letters, other vowels).
    Variant,
    /// A typing error: `edit_distance` letters differ.
    Typo,
    /// One side is the other's initial.
    Initial,
    /// One side writes as one word what the other writes as two or three (BINLADIN).
    Joined,
    /// A query token with no counterpart in the list name.
    MissingFromList,
    /// A list token with no counterpart in the query (a middle name, a longer alias).
    MissingFromQuery,
}

/// The similarity of one query token (or joined tokens) to one list token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct TokSim {
    pub sim: f32,
    pub kind: MatchKind,
    pub distance: u8,
}

impl TokSim {
    pub fn new(sim: f32, kind: MatchKind, distance: usize) -> Self {
        Self {
            sim,
            kind,
            distance: distance.min(u8::MAX as usize) as u8,
        }
    }

    /// The better of two, preferring the first on a tie.
    pub fn best(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(x), Some(y)) => Some(if y.sim > x.sim { y } else { x }),
            (x, None) => x,
            (None, y) => y,
        }
    }
}

/// Edits allowed between tokens of these lengths (characters, folded).
pub(super) fn tolerance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Similarity of a typo of `distance` edits in a token of `len` characters.
pub(super) fn typo_sim(distance: usize, len: usize) -> f32 {
    if distance == 0 {
        return 1.0;
    }
    (1.0 - TYPO_COST * distance as f32 / len.max(1) as f32).min(TYPO_CEILING)
}

/// Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions),
/// or `None` when it exceeds `max`.
pub(super) fn osa<T: PartialEq + Copy>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    if a == b {
        return Some(0);
    }
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|d| *d <= max)
}

/// Edit distance between two strings, by characters, or `None` above `max`.
pub(super) fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        osa(a.as_bytes(), b.as_bytes(), max)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa(&a, &b, max)
    }
}

/// One aligned pair: query tokens `q_start..q_start+q_len` with list tokens
/// `l_start..l_start+l_len`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Pair {
    pub q_start: u8,
    pub q_len: u8,
    pub l_start: u8,
    pub l_len: u8,
    pub sim: TokSim,
    /// The weights of the query side and of the list side.
    pub q_weight: f32,
    pub l_weight: f32,
}

impl Pair {
    /// How much the pair counts: twice the lighter side.
    pub fn weight(&self) -> f32 {
        pair_weight(self.q_weight, self.l_weight)
    }

    /// The weight an initial leaves unexplained on each side: J stands for JOHN only in part.
    fn residual(&self) -> (f32, f32) {
        if self.sim.kind != MatchKind::Initial {
            return (0.0, 0.0);
        }
        let w = self.q_weight.min(self.l_weight);
        (self.q_weight - w, self.l_weight - w)
    }
}

/// An alignment of a query with one list name, and its score.
#[derive(Debug, Clone, Default)]
pub(super) struct Alignment {
    pub pairs: Vec<Pair>,
    /// Bit i: query token i is matched. Bit j: list token j is matched.
    pub q_used: u32,
    pub l_used: u32,
    pub score: f32,
}

impl Alignment {
    pub fn clear(&mut self) {
        self.pairs.clear();
        self.q_used = 0;
        self.l_used = 0;
        self.score = 0.0;
    }

    /// Takes the best-first candidate pairs that do not overlap ones already taken.
    pub fn take_greedy(&mut self, candidates: &mut [Pair]) {
        candidates.sort_unstable_by(|a, b| {
            b.sim
                .sim
                .total_cmp(&a.sim.sim)
                .then(b.weight().total_cmp(&a.weight()))
                .then(a.q_start.cmp(&b.q_start))
                .then(a.l_start.cmp(&b.l_start))
        });
        for p in candidates.iter() {
            let q = span(p.q_start, p.q_len);
            let l = span(p.l_start, p.l_len);
            if self.q_used & q == 0 && self.l_used & l == 0 {
                self.q_used |= q;
                self.l_used |= l;
                self.pairs.push(*p);
            }
        }
    }

    /// Scores the alignment given every query and list token weight.
    pub fn finish(&mut self, q_weights: &[f32], l_weights: &[f32]) {
        let (mut num, mut den) = (0.0f32, 0.0f32);
        let left = |used: u32, weights: &[f32]| -> f32 {
            (weights.iter().enumerate())
                .filter(|(i, _)| used & (1 << i) == 0)
                .map(|(_, w)| *w)
                .sum()
        };
        let mut uq = left(self.q_used, q_weights);
        let mut ul = left(self.l_used, l_weights);
        for p in &self.pairs {
            num += p.sim.sim * p.weight();
            den += p.weight();
            let (rq, rl) = p.residual();
            uq += rq;
            ul += rl;
        }
        // Leftovers are middle names only beside two or more matches: a lone surname makes
        // nothing else a middle name.
        let several = self.pairs.len() >= 2;
        let fq = if ul == 0.0 && several {
            QUERY_SURPLUS
        } else {
            1.0
        };
        let fl = if uq == 0.0 && several {
            LIST_SURPLUS
        } else {
            1.0
        };
        den += fq * uq + fl * ul;
        self.score = if den > 0.0 {
            (num / den).clamp(0.0, 1.0)
        } else {
            0.0
        };
    }
}

/// Bits `start..start+len`.
pub(super) fn span(start: u8, len: u8) -> u32 {
    let ones = if len >= 32 {
        u32::MAX
    } else {
        (1u32 << len) - 1
    };
    ones.checked_shl(u32::from(start)).unwrap_or(0)
}

/// The weight of a pair whose sides weigh `q` and `l`.
pub(super) fn pair_weight(q: f32, l: f32) -> f32 {
    2.0 * q.min(l)
}

/// The highest score a list name can reach when the query tokens weighing `unmatched` in total
/// stay unmatched and at most `matched` of the rest match (see the module documentation):
/// every pair weighs at most twice its query side, and leftover query weight counts at least
/// [`QUERY_SURPLUS`] when `several` pairs may form, else fully.
pub(super) fn upper_bound(matched: f32, unmatched: f32, several: bool) -> f32 {
    let factor = if several { QUERY_SURPLUS } else { 1.0 };
    let num = 2.0 * matched;
    let den = num + factor * unmatched;
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osa_counts_edits_and_transpositions() {
        assert_eq!(distance("LADIN", "LADEN", 2), Some(1));
        assert_eq!(distance("USAMA", "USMAA", 2), Some(1));
        assert_eq!(distance("ABC", "ABC", 0), Some(0));
        assert_eq!(distance("KITTEN", "SITTING", 2), None);
        assert_eq!(distance("KITTEN", "SITTING", 3), Some(3));
        assert_eq!(distance("", "AB", 2), Some(2));
        assert_eq!(distance("ЖУК", "ЖУКИ", 1), Some(1));
    }

    #[test]
    fn typo_similarity_shrinks_with_edits_and_length() {
        assert!(typo_sim(1, 5) > typo_sim(1, 4));
        assert!(typo_sim(2, 8) < typo_sim(1, 8));
        assert!(typo_sim(1, 20) <= TYPO_CEILING);
        assert_eq!(tolerance(3), 0);
        assert_eq!(tolerance(8), 2);
    }

    #[test]
    fn spans() {
        assert_eq!(span(0, 1), 1);
        assert_eq!(span(2, 2), 0b1100);
        assert_eq!(span(31, 1), 1 << 31);
        assert_eq!(span(40, 1), 0);
    }

    fn pair(q: u8, l: u8, sim: f32, weight: f32) -> Pair {
        Pair {
            q_start: q,
            q_len: 1,
            l_start: l,
            l_len: 1,
            sim: TokSim::new(sim, MatchKind::Exact, 0),
            q_weight: weight / 2.0,
            l_weight: weight / 2.0,
        }
    }

    #[test]
    fn leftovers_weigh_by_who_has_them() {
        let w = [5.0, 5.0, 5.0];
        // Query fully matched, the list has a middle name left.
        let mut a = Alignment::default();
        a.take_greedy(&mut [pair(0, 0, 1.0, 10.0), pair(1, 2, 1.0, 10.0)]);
        a.finish(&w[..2], &w);
        assert!((a.score - 20.0 / 21.5).abs() < 1e-6);
        assert!(upper_bound(10.0, 0.0, true) >= a.score);
        // Both have a token left: they conflict.
        let mut b = Alignment::default();
        b.take_greedy(&mut [pair(0, 0, 1.0, 10.0), pair(1, 2, 1.0, 10.0)]);
        b.finish(&w, &w);
        assert!((b.score - 20.0 / 30.0).abs() < 1e-6);
        assert!(upper_bound(10.0, 5.0, true) >= b.score);
        // An initial explains only part of the name it stands for.
        let mut i = Alignment::default();
        let initial = Pair {
            sim: TokSim::new(SIM_INITIAL, MatchKind::Initial, 0),
            q_weight: 1.0,
            l_weight: 5.0,
            ..pair(0, 0, 0.0, 0.0)
        };
        i.take_greedy(&mut [initial, pair(1, 1, 1.0, 10.0)]);
        i.finish(&[1.0, 5.0], &w[..2]);
        let expect = (0.7 * 2.0 + 10.0) / (2.0 + 10.0 + LIST_SURPLUS * 4.0);
        assert!((i.score - expect).abs() < 1e-6, "{}", i.score);
        // A single matched token leaves the rest of the list name counting fully.
        let mut c = Alignment::default();
        c.take_greedy(&mut [pair(0, 0, 1.0, 10.0)]);
        c.finish(&w[..1], &w[..2]);
        assert!((c.score - 10.0 / 15.0).abs() < 1e-6);
        assert!(upper_bound(5.0, 5.0, false) >= c.score);
        assert!(upper_bound(5.0, 5.0, false) < upper_bound(5.0, 5.0, true));
    }

    #[test]
    fn greedy_takes_best_first_without_overlap() {
        let mut a = Alignment::default();
        a.take_greedy(&mut [
            pair(0, 0, 0.8, 1.0),
            pair(0, 1, 1.0, 1.0),
            pair(1, 1, 0.9, 1.0),
        ]);
        assert_eq!(a.pairs.len(), 1);
        assert_eq!(a.pairs[0].l_start, 1);
    }
}
