//! Which names to score: reading the postings of the query's informative tokens and dropping
//! the names that cannot reach the threshold whatever their other tokens.

use super::{Index, Prepared};
use crate::sanctions::matcher::score::{span, upper_bound};

thread_local! {
    /// Per indexed name, which essential query tokens it holds: reused across screenings (and
    /// left zeroed) so that a large list costs no fresh allocation per query.
    static MASKS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Index {
    /// The names worth scoring. A name reaches `needed` only if the query tokens it may match
    /// weigh enough (see `upper_bound`). Tokens leave the essential set, most-read first, while
    /// a name matching none of those left still could not; the names holding a list token near
    /// an essential token are read, then which other query tokens they hold is noted, and
    /// those that fall short even if every token they hold matched exactly are dropped
    /// unscored.
    pub(super) fn candidates(&self, p: &Prepared, needed: f32) -> Vec<u32> {
        let n = p.tokens.len();
        let total: f32 = p.weights.iter().sum();
        let bound = |positions: u32, matched: f32| {
            upper_bound(matched, (total - matched).max(0.0), positions >= 2)
        };
        let cost = |i: usize| -> usize {
            (p.units.iter())
                .find(|u| u.len == 1 && usize::from(u.start) == i)
                .map_or(0, |u| {
                    u.near
                        .keys()
                        .map(|id| self.postings[*id as usize].len())
                        .sum()
                })
        };
        // Initials, and unknown tokens that may be two list tokens run together (BINLADIN),
        // match names the postings cannot find: they are never essential.
        let findable = |i: usize| {
            let text = p.tokens[i].text();
            text.chars().count() > 1 && (cost(i) > 0 || !self.vocab.splits(text))
        };
        // A token with neighbours of its own may still be two list tokens run together
        // (ALZEYDI near ALZEYDA, and AL ZEYDI): the joined reading is invisible to the
        // postings, so such a token must never be the only one candidates are found by.
        let plain = |i: usize| !self.vocab.splits(p.tokens[i].text());
        let mut essential: Vec<usize> = (0..n).filter(|i| findable(*i)).collect();
        essential.sort_by_key(|i| std::cmp::Reverse(cost(*i)));
        let mut k = 0;
        while k < essential.len() && essential.len() > 1 {
            let rest_plain = (essential.iter().enumerate()).any(|(j, i)| j != k && plain(*i));
            if !rest_plain {
                k += 1;
                continue;
            }
            let kept: f32 = (essential.iter().enumerate())
                .filter(|(j, _)| *j != k)
                .map(|(_, i)| p.weights[*i])
                .sum();
            let others = (n - (essential.len() - 1)) as u32;
            if bound(others, total - kept) < needed {
                essential.remove(k);
            } else {
                k += 1;
            }
        }
        let e_mask = essential.iter().fold(0u32, |m, i| m | (1 << i));
        let found_mask = (0..n)
            .filter(|i| findable(*i))
            .fold(0u32, |m, i| m | (1 << i));
        // Tokens the postings cannot find, and tokens that may be list tokens run together,
        // are assumed matched.
        let free_mask = (0..n)
            .filter(|i| found_mask & (1 << i) == 0 || !plain(*i))
            .fold(0u32, |m, i| m | (1 << i));
        let free_weight: f32 = (0..n)
            .filter(|i| free_mask & (1 << i) != 0)
            .map(|i| p.weights[i])
            .sum();
        let free_count = free_mask.count_ones();
        MASKS.with_borrow_mut(|masks| {
            masks.resize(self.names(), 0);
            let mut touched = Vec::new();
            self.mark(p, e_mask, masks, Some(&mut touched));
            self.mark(p, found_mask & !e_mask, masks, None);
            touched.retain(|name| {
                let m = std::mem::take(&mut masks[*name as usize]) & !free_mask;
                let held: f32 = (0..n)
                    .filter(|i| m & (1 << i) != 0)
                    .map(|i| p.weights[i])
                    .sum();
                bound(free_count + m.count_ones(), free_weight + held) >= needed
            });
            touched
        })
    }

    /// Marks in `masks` which query tokens of `tokens` each name holds a list token near.
    /// With `admit`, names are marked (and the new ones listed); without, only names already
    /// marked are.
    fn mark(&self, p: &Prepared, tokens: u32, masks: &mut [u32], mut admit: Option<&mut Vec<u32>>) {
        for u in &p.units {
            let bits = span(u.start, u.len) & tokens;
            if bits == 0 {
                continue;
            }
            for id in u.near.keys() {
                for name in &self.postings[*id as usize] {
                    let m = &mut masks[*name as usize];
                    match admit.as_deref_mut() {
                        Some(touched) => {
                            if *m == 0 {
                                touched.push(*name);
                            }
                            *m |= bits;
                        }
                        None if *m != 0 => *m |= bits,
                        None => {}
                    }
                }
            }
        }
    }
}
