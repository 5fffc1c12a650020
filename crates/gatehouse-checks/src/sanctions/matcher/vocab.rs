//! The vocabulary: every distinct list token once, with keys that find its variants fast.
//! Typos are found through deletion neighbourhoods (the SymSpell idea): two spellings within
//! `k` edits share a key made by deleting at most `k` letters from each, so only tokens
//! sharing a key are compared letter by letter.

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::normalise::Origin;
use super::score::{
    distance, tolerance, typo_sim, MatchKind, TokSim, SIM_FOLDED, SIM_INITIAL, SIM_OTHER_READING,
    SIM_SKELETON, SIM_VARIANT,
};
use super::variants::{classes, fold, skeleton};

/// Tokens of at least this many letters (folded) are keyed with one letter deleted.
const DELETE_ONE_FROM: usize = 4;
/// ... and with two letters deleted.
const DELETE_TWO_FROM: usize = 8;
/// Longer tokens (no name has them; junk input may) are keyed only as they are, so that their
/// cost stays bounded.
const DELETE_UP_TO: usize = 32;
/// Shortest skeleton used as a key (shorter ones join too many tokens).
const SKELETON_MIN: usize = 2;
/// Shortest folded spelling compared by its skeleton when both sides are written in Latin.
const LATIN_SKELETON_MIN: usize = 5;
/// Most edits between folded spellings that share a skeleton, when both are Latin.
const LATIN_SKELETON_EDITS: usize = 2;

#[derive(Debug, Default)]
pub(super) struct Vocab {
    ids: FxHashMap<Box<str>, u32>,
    text: Vec<Box<str>>,
    folded: Vec<Box<str>>,
    first: Vec<Option<char>>,
    /// Seen as a letter-by-letter romanisation of Arabic (vowels unknown).
    unvowelled: Vec<bool>,
    /// The consonant skeleton of such a token, read from its letters.
    arabic_skeletons: FxHashMap<u32, Box<str>>,
    /// Hash of a deletion variant of a folded spelling → ids.
    deletes: FxHashMap<u64, Vec<u32>>,
    /// Hash of a consonant skeleton → ids.
    skeletons: FxHashMap<u64, Vec<u32>>,
    /// Variant class → ids.
    classes: FxHashMap<u16, Vec<u32>>,
}

impl Vocab {
    /// The id of `text`, added if new; `arabic` is the skeleton of an Arabic word read letter
    /// by letter.
    pub fn intern(&mut self, text: &str, arabic: Option<&str>) -> u32 {
        let id = match self.ids.get(text) {
            Some(id) => *id,
            None => {
                let id = self.text.len() as u32;
                self.ids.insert(text.into(), id);
                self.text.push(text.into());
                self.unvowelled.push(false);
                id
            }
        };
        if let Some(skeleton) = arabic {
            self.unvowelled[id as usize] = true;
            self.arabic_skeletons
                .entry(id)
                .or_insert_with(|| skeleton.into());
        }
        id
    }

    /// Builds the lookup keys once every token is in.
    pub fn finish(&mut self) {
        for id in 0..self.text.len() as u32 {
            let text = &self.text[id as usize];
            let folded = fold(text);
            self.first.push(text.chars().next());
            for class in classes(text) {
                self.classes.entry(*class).or_default().push(id);
            }
            // Keyed by both spellings: a typo may be one edit apart in either (COHL/CHOL folds
            // to KOHL/CHOL).
            for spelling in [text.as_ref(), folded.as_str()] {
                let chars: Vec<char> = spelling.chars().collect();
                deletion_keys(&chars, |key| self.deletes.entry(key).or_default().push(id));
                if spelling == folded {
                    break;
                }
            }
            let mut skels = vec![skeleton(&folded)];
            if let Some(arabic) = self.arabic_skeletons.get(&id) {
                skels.push(arabic.to_string());
            }
            for skel in skels.iter().filter(|s| s.chars().count() >= SKELETON_MIN) {
                self.skeletons.entry(hash_str(skel)).or_default().push(id);
            }
            self.folded.push(folded.into());
        }
        for ids in self.deletes.values_mut().chain(self.skeletons.values_mut()) {
            ids.sort_unstable();
            ids.dedup();
        }
    }

    pub fn id(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }

    pub fn text(&self, id: u32) -> &str {
        self.text.get(id as usize).map_or("", |t| t)
    }

    pub fn first(&self, id: u32) -> Option<char> {
        self.first.get(id as usize).copied().flatten()
    }

    /// The list tokens near any of `spellings` (the first the likeliest), with how near;
    /// `arabic` is the skeleton of an Arabic word read letter by letter.
    pub fn near(
        &self,
        spellings: &[String],
        origin: Origin,
        arabic: Option<&str>,
    ) -> FxHashMap<u32, TokSim> {
        let unvowelled = arabic.is_some();
        let mut out: FxHashMap<u32, TokSim> = FxHashMap::default();
        let foreign = origin != Origin::Latin;
        let mut put = |id: u32, mut sim: TokSim| {
            if foreign && sim.kind != MatchKind::Initial {
                sim.kind = MatchKind::Transliteration;
            }
            let entry = out.entry(id).or_insert(sim);
            if sim.sim > entry.sim {
                *entry = sim;
            }
        };
        let mut compared: FxHashSet<u32> = FxHashSet::default();
        for (rank, s) in spellings.iter().enumerate() {
            let factor = if rank == 0 { 1.0 } else { SIM_OTHER_READING };
            let scaled = |sim: f32, kind, d| TokSim::new(sim * factor, kind, d);
            if let Some(id) = self.id(s) {
                put(id, scaled(1.0, MatchKind::Exact, 0));
            }
            for class in classes(s) {
                for id in self.classes.get(class).into_iter().flatten() {
                    put(*id, scaled(SIM_VARIANT, MatchKind::Variant, 0));
                }
            }
            let folded = fold(s);
            compared.clear();
            for spelling in [s.as_str(), folded.as_str()] {
                let chars: Vec<char> = spelling.chars().collect();
                deletion_keys(&chars, |key| {
                    for id in self.deletes.get(&key).into_iter().flatten() {
                        if !compared.insert(*id) {
                            continue;
                        }
                        if let Some(sim) = self.typo(s, &folded, *id, foreign) {
                            put(*id, scaled(sim.sim, sim.kind, sim.distance.into()));
                        }
                    }
                });
                if spelling == folded {
                    break;
                }
            }
            let skel = arabic.map_or_else(|| skeleton(&folded), str::to_owned);
            if skel.chars().count() >= SKELETON_MIN {
                for id in self.skeletons.get(&hash_str(&skel)).into_iter().flatten() {
                    if let Some(d) = self.vowels_differ(&folded, *id, unvowelled) {
                        put(*id, scaled(SIM_SKELETON, MatchKind::Variant, d));
                    }
                }
            }
            let mut letters = s.chars();
            if let (Some(first), Some(_)) = (letters.next(), letters.next()) {
                if let Some(id) = self.id(first.encode_utf8(&mut [0; 4])) {
                    put(id, TokSim::new(SIM_INITIAL, MatchKind::Initial, 0));
                }
            }
        }
        out
    }

    /// `raw` (folded `folded`) against list token `id`: equal once folded, or a typo in
    /// either spelling (tolerance by the longer of the two). A `foreign` token (romanised from
    /// another script) is judged by its folded spelling alone.
    fn typo(&self, raw: &str, folded: &str, id: u32, foreign: bool) -> Option<TokSim> {
        let (other_raw, other) = (self.text(id), &self.folded[id as usize]);
        let len = (raw.chars().count().max(other_raw.chars().count()))
            .max(folded.chars().count().max(other.chars().count()));
        let tol = tolerance(len);
        let d_folded = distance(folded, other, tol);
        if d_folded == Some(0) {
            return (raw != other_raw).then(|| TokSim::new(SIM_FOLDED, MatchKind::Variant, 0));
        }
        // Folding may bring spellings closer than they are: half the raw edits still count
        // (LAYLA is not one edit from LAVILLA, though LAILA is from LAVILA).
        let d_raw = distance(raw, other_raw, 2 * tol + 1);
        let d = match (d_raw, d_folded) {
            (_, Some(f)) if foreign => f,
            (Some(r), Some(f)) => r.min(f.max(r.div_ceil(2))),
            (Some(r), None) => r,
            (None, _) => return None,
        };
        if d > tol {
            return None;
        }
        Some(TokSim::new(typo_sim(d, len), MatchKind::Typo, d))
    }

    /// Edits between spellings sharing a skeleton that may differ only in their vowels: any
    /// number when either is unvowelled Arabic, else a few in tokens long enough.
    fn vowels_differ(&self, folded: &str, id: u32, unvowelled: bool) -> Option<usize> {
        let other = &self.folded[id as usize];
        if unvowelled || self.unvowelled[id as usize] {
            let d = distance(folded, other, folded.len() + other.len()).unwrap_or(0);
            return Some(d);
        }
        if folded.chars().count().min(other.chars().count()) < LATIN_SKELETON_MIN {
            return None;
        }
        distance(folded, other, LATIN_SKELETON_EDITS)
    }

    /// Whether `text` is two list tokens written as one word (BINLADIN).
    pub fn splits(&self, text: &str) -> bool {
        (text.char_indices().skip(1))
            .any(|(i, _)| self.ids.contains_key(&text[..i]) && self.ids.contains_key(&text[i..]))
    }

    /// Whether a folded query token is list tokens `a` and `b` written as one word.
    pub fn meets_joined(&self, folded: &str, a: u32, b: u32) -> Option<TokSim> {
        let (fa, fb) = (&self.folded[a as usize], &self.folded[b as usize]);
        if folded.len().abs_diff(fa.len() + fb.len()) > 1 {
            return None;
        }
        // One edit cannot change both ends: a cheap test before comparing letters.
        let (first, last) = (fa.chars().next(), fb.chars().last());
        if first != folded.chars().next() && last != folded.chars().last() {
            return None;
        }
        let mut joined = String::with_capacity(fa.len() + fb.len());
        joined.push_str(fa);
        joined.push_str(fb);
        let len = folded.chars().count().max(joined.chars().count());
        // Words run together with more than one typo are too loose a match.
        let d = distance(folded, &joined, tolerance(len).min(1))?;
        Some(TokSim::new(typo_sim(d, len), MatchKind::Joined, d))
    }
}

/// Calls `f` with the hash of `chars` and of each variant with one (from
/// [`DELETE_ONE_FROM`] letters) or two (from [`DELETE_TWO_FROM`]) letters deleted.
fn deletion_keys(chars: &[char], mut f: impl FnMut(u64)) {
    let n = chars.len();
    let hash = |skip: [usize; 2]| {
        let mut h = FxHasher::default();
        for (i, c) in chars.iter().enumerate() {
            if i != skip[0] && i != skip[1] {
                h.write_u32(u32::from(*c));
            }
        }
        h.write_usize(n - skip.iter().filter(|s| **s < n).count());
        h.finish()
    };
    f(hash([n, n]));
    if n > DELETE_UP_TO {
        return;
    }
    if n >= DELETE_ONE_FROM {
        for i in 0..n {
            f(hash([i, n]));
        }
    }
    if n >= DELETE_TWO_FROM {
        for i in 0..n {
            for j in i + 1..n {
                f(hash([i, j]));
            }
        }
    }
}

fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[&str]) -> Vocab {
        let mut v = Vocab::default();
        for w in words {
            v.intern(w, None);
        }
        v.finish();
        v
    }

    fn near(v: &Vocab, s: &str) -> Vec<(String, MatchKind, u8)> {
        let mut out: Vec<_> = v
            .near(&[s.to_owned()], Origin::Latin, None)
            .into_iter()
            .map(|(id, sim)| (v.text(id).to_owned(), sim.kind, sim.distance))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn finds_exact_variant_typo_and_initial() {
        let v = vocab(&[
            "LADIN",
            "MUHAMMAD",
            "HUSAYN",
            "ALEXANDROVICH",
            "J",
            "SMITH",
            "LI",
        ]);
        assert_eq!(near(&v, "LADIN"), [("LADIN".into(), MatchKind::Exact, 0)]);
        // Other vowels, same consonants: a variant; another consonant: a typo.
        assert_eq!(near(&v, "LADEN"), [("LADIN".into(), MatchKind::Variant, 1)]);
        assert_eq!(near(&v, "LADIM"), [("LADIN".into(), MatchKind::Typo, 1)]);
        assert_eq!(
            near(&v, "MOHAMED"),
            [("MUHAMMAD".into(), MatchKind::Variant, 0)]
        );
        assert_eq!(near(&v, "HUSSEIN")[0].1, MatchKind::Variant);
        assert_eq!(near(&v, "ALEKSANDROVIC")[0].1, MatchKind::Typo);
        assert_eq!(near(&v, "JOHN"), [("J".into(), MatchKind::Initial, 0)]);
        // Short tokens need to be exact.
        assert!(near(&v, "LU").is_empty());
        assert!(near(&v, "SMYTHE").iter().all(|(t, _, _)| t == "SMITH"));
    }

    #[test]
    fn unvowelled_arabic_meets_by_consonants() {
        let v = vocab(&["ZAWAHIRI", "HASAN"]);
        let found = v.near(&["ZUAHRI".to_owned()], Origin::ArabicLetters, Some("ZHR"));
        let (id, sim) = found.into_iter().next().unwrap();
        assert_eq!(v.text(id), "ZAWAHIRI");
        assert_eq!(sim.kind, MatchKind::Transliteration);
    }

    #[test]
    fn joined_tokens_meet() {
        let v = vocab(&["BIN", "LADIN"]);
        let sim = v.meets_joined(&fold("BINLADIN"), 0, 1).unwrap();
        assert_eq!(sim.kind, MatchKind::Joined);
        assert!(v.meets_joined(&fold("BINLADINA"), 0, 1).is_some());
        assert!(v.meets_joined(&fold("BINLADINEA"), 0, 1).is_none());
        assert!(v.meets_joined(&fold("LADIN"), 0, 1).is_none());
        assert!(v.splits("BINLADIN") && !v.splits("BINLADINA") && !v.splits("BIN"));
    }
}
