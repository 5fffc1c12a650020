//! Scoring: compares readings of two names field by field, scores a match and explains a
//! mismatch. Nothing is fuzzy: an edit distance is computed only to explain a mismatch, never
//! to accept one.

use super::align::{all_han, match_field, spellings, Hit, Spelling};
use super::chinese;
use super::normalise::Word;

/// Score at or above which two names match (see the `names` module documentation).
pub const MATCH_THRESHOLD: f64 = 0.8;
/// Highest score of a mismatch; scaled by how close the names are.
const MISMATCH_CEILING: f64 = 0.79;

/// Deductions from 1.0 for a match that needed more than normalisation.
const PENALTY_VARIANT: f64 = 0.03;
const PENALTY_PINYIN: f64 = 0.05;
const PENALTY_TRUNCATED: f64 = 0.05;
const PENALTY_FIRST_MISSING: f64 = 0.1;
const PENALTY_MORE_MISSING: f64 = 0.02;
/// For the caller's structural fixes: fields swapped, or split differently.
pub(crate) const PENALTY_FIELDS: f64 = 0.1;

/// Spellings per field, and characters per spelling, compared when explaining a mismatch.
const DIAGNOSIS_CAP: usize = 8;
const DIAGNOSIS_LEN: usize = 128;

/// One way to read a name as surname and given names.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    pub surname: Vec<Word>,
    pub given: Vec<Word>,
    /// Per given name: whether a typed name may leave it out (a middle name).
    pub omittable: Vec<bool>,
    /// The document's name may be cut short at the end (a full MRZ name field).
    pub truncated: bool,
    /// Written surname first (used only to pick the clearest explanation of a mismatch).
    pub surname_first: bool,
    /// Which part is the surname is known (marked fields, or Chinese), not guessed.
    pub marked: bool,
}

/// A result before it becomes a `NameMatch`: notes are empty for a clean match.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome {
    pub matched: bool,
    pub score: f64,
    pub notes: Vec<String>,
}

impl Outcome {
    /// A failed comparison that has nothing to compare.
    pub fn empty(note: &str) -> Self {
        Self {
            matched: false,
            score: 0.0,
            notes: vec![note.to_owned()],
        }
    }

    /// The match lowered by a structural deduction, with its note first.
    pub fn deducted(mut self, penalty: f64, note: &str) -> Self {
        self.score = round2((self.score - penalty).max(MATCH_THRESHOLD));
        self.notes.insert(0, note.to_owned());
        self
    }

    /// A match: 1.0 less a deduction per deviation, never below the threshold.
    fn from_hit(hit: &Hit, typed: &Reading, doc: &Reading) -> Self {
        let mut penalty = 0.0;
        let mut notes = Vec::new();
        if hit.pinyin {
            penalty += PENALTY_PINYIN;
            let (han, latin) = if typed.is_han() {
                (typed, doc)
            } else {
                (doc, typed)
            };
            notes.push(format!(
                "Chinese characters match the pinyin: {} = {}",
                han.shown(),
                latin.shown()
            ));
        }
        if let Some(note) = &hit.variant {
            penalty += PENALTY_VARIANT;
            notes.push(format!("accepted transliteration: {note}"));
        }
        if !hit.missing.is_empty() {
            penalty +=
                PENALTY_FIRST_MISSING + PENALTY_MORE_MISSING * (hit.missing.len() - 1) as f64;
            let s = if hit.missing.len() > 1 { "s" } else { "" };
            notes.push(format!(
                "given name{s} on the document not typed: {}",
                hit.missing.join(" ")
            ));
        }
        if hit.truncated {
            penalty += PENALTY_TRUNCATED;
            notes.push("the document's name looks cut short (full MRZ name field)".to_owned());
        }
        Self {
            matched: true,
            score: round2((1.0 - penalty).max(MATCH_THRESHOLD)),
            notes,
        }
    }
}

impl Reading {
    fn is_han(&self) -> bool {
        self.surname.iter().chain(&self.given).any(Word::is_han)
    }

    /// The name for a person: Chinese as written (张三丰), others as ICAO writes them.
    pub fn shown(&self) -> String {
        let part = |words: &[Word]| {
            words
                .iter()
                .map(Word::primary)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (s, g) = (part(&self.surname), part(&self.given));
        let all_han = self.surname.iter().chain(&self.given).all(Word::is_han);
        let sep = if all_han || s.is_empty() || g.is_empty() {
            ""
        } else {
            " "
        };
        format!("{s}{sep}{g}")
    }
}

/// Matches two readings: surnames whole, given names allowing missing middle names.
fn match_reading(typed: &Reading, doc: &Reading) -> Option<Hit> {
    let surname = match_field(&typed.surname, &doc.surname, &[], false)?;
    let given = match_field(&typed.given, &doc.given, &doc.omittable, doc.truncated)?;
    Some(Hit {
        missing: given.missing,
        variant: surname.variant.or(given.variant),
        pinyin: surname.pinyin || given.pinyin,
        truncated: given.truncated,
    })
}

/// Compares every reading of the typed name with every reading of the document's and keeps
/// the best match, or explains the closest mismatch.
pub(crate) fn compare(typed: &[Reading], doc: &[Reading]) -> Outcome {
    if typed.is_empty() {
        return Outcome::empty("typed name is empty");
    }
    if doc.is_empty() {
        return Outcome::empty("document name is empty");
    }
    let mut best: Option<Outcome> = None;
    for t in typed {
        for d in doc {
            if let Some(hit) = match_reading(t, d) {
                let outcome = Outcome::from_hit(&hit, t, d);
                if best.as_ref().is_none_or(|b| outcome.score > b.score) {
                    best = Some(outcome);
                }
            }
        }
    }
    best.unwrap_or_else(|| diagnose(typed, doc))
}

/// The closest spellings of two fields and their edit distance.
struct FieldDiff {
    distance: usize,
    typed: String,
    doc: String,
}

/// Compares the first `cap` spellings of each side.
fn field_diff(typed: &[Word], doc: &[Word], cap: usize) -> FieldDiff {
    let as_chars = all_han(typed) && all_han(doc) && !typed.is_empty() && !doc.is_empty();
    // ICAO's spelling keeps its word breaks; Chinese read as pinyin shows the reading too.
    let shown = |words: &[Word], s: &Spelling| {
        let primaries: Vec<String> = words.iter().map(Word::primary).collect();
        if primaries.concat() == s.text {
            primaries.join(" ")
        } else if words.iter().any(Word::is_han) {
            format!("{} ({})", primaries.join(" "), s.text)
        } else {
            s.text.clone()
        }
    };
    let a = spellings(typed, as_chars, cap);
    let b = spellings(doc, as_chars, cap);
    let mut best = FieldDiff {
        distance: usize::MAX,
        typed: String::new(),
        doc: String::new(),
    };
    for x in &a {
        for y in &b {
            let distance = levenshtein(&x.text, &y.text);
            if distance < best.distance {
                best = FieldDiff {
                    distance,
                    typed: shown(typed, x),
                    doc: shown(doc, y),
                };
            }
        }
    }
    best
}

/// Explains why no reading matched. The closest pair of readings is picked on ICAO spellings,
/// then its fields are compared over more spellings.
fn diagnose(typed: &[Reading], doc: &[Reading]) -> Outcome {
    let mut closest: Option<((usize, bool), &Reading, &Reading)> = None;
    for t in typed {
        for d in doc {
            let s = field_diff(&t.surname, &d.surname, 1).distance;
            let g = field_diff(&t.given, &d.given, 1).distance;
            let key = (s.saturating_add(g), t.surname_first != d.surname_first);
            if closest.as_ref().is_none_or(|c| key < c.0) {
                closest = Some((key, t, d));
            }
        }
    }
    let Some((_, t, d)) = closest else {
        return Outcome::empty("names differ");
    };
    let s = field_diff(&t.surname, &d.surname, DIAGNOSIS_CAP);
    let g = field_diff(&t.given, &d.given, DIAGNOSIS_CAP);
    let total = s.distance.saturating_add(g.distance);
    // Field names only where one side marked its fields; free text could be read either way.
    let labelled = t.marked || d.marked;
    let all_omittable = vec![true; t.given.len()];
    let extra = (s.distance == 0)
        .then(|| match_field(&d.given, &t.given, &all_omittable, false))
        .flatten()
        .filter(|hit| !hit.missing.is_empty());
    let mut notes = vec![if let Some(extra) = extra {
        format!(
            "typed name not on the document: {}",
            extra.missing.join(" ")
        )
    } else if total == 1 {
        let (field, diff) = if s.distance == 1 {
            (" in the surname", &s)
        } else {
            (" in the given names", &g)
        };
        let field = if labelled { field } else { "" };
        let hint = if umlaut_spelling(&diff.typed, &diff.doc) {
            " (AE, OE, UE stand for Ä, Ö, Ü: type the name as printed on the document)"
        } else {
            ""
        };
        let (a, b) = (&diff.typed, &diff.doc);
        format!("one character differs{field}: {a} vs {b}{hint}")
    } else if s.distance == 0 && g.distance > 0 && g.typed.is_empty() {
        format!("given names not typed: {}", g.doc)
    } else if labelled && s.distance == 0 && g.distance > 0 {
        format!("given names differ: {} vs {}", g.typed, g.doc)
    } else if labelled && g.distance == 0 && s.distance > 0 {
        format!("surname differs: {} vs {}", s.typed, s.doc)
    } else if (s.distance == 0) != (g.distance == 0) {
        let diff = if s.distance == 0 { &g } else { &s };
        format!("a name differs: {} vs {}", diff.typed, diff.doc)
    } else {
        format!("names differ: {} vs {}", t.shown(), d.shown())
    }];
    for (side, r) in [("typed", t), ("document", d)] {
        let words: Vec<Word> = r.surname.iter().chain(&r.given).cloned().collect();
        let unread: String = chinese::unreadable(&words).into_iter().collect();
        if !unread.is_empty() {
            notes.push(format!("no pinyin reading known for {unread} ({side})"));
        }
    }
    let len = |r: &Reading| r.shown().chars().count();
    let longest = len(t).max(len(d)).max(1);
    let closeness = 1.0 - (total.min(longest) as f64 / longest as f64);
    Outcome {
        matched: false,
        score: round2(MISMATCH_CEILING * closeness).min(MISMATCH_CEILING),
        notes,
    }
}

/// Whether two spellings differ by one E after A, O or U: an umlaut written out on one side.
fn umlaut_spelling(a: &str, b: &str) -> bool {
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    let long: Vec<char> = long.chars().collect();
    long.len() == short.chars().count() + 1
        && (1..long.len()).any(|i| {
            long[i] == 'E'
                && matches!(long[i - 1], 'A' | 'O' | 'U')
                && long[..i]
                    .iter()
                    .chain(&long[i + 1..])
                    .copied()
                    .eq(short.chars())
        })
}

/// Edit distance in characters, over at most `DIAGNOSIS_LEN` characters of each side.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(DIAGNOSIS_LEN).collect();
    let b: Vec<char> = b.chars().take(DIAGNOSIS_LEN).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(x != y);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Rounds to two decimals, so that scores print as 0.9 and not 0.8999999999999999.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("SANFENG", "SANFEN"), 1);
        assert_eq!(levenshtein("LI", "WANG"), 4);
        assert_eq!(levenshtein("", "ABC"), 3);
        assert_eq!(levenshtein("张三", "张三"), 0);
    }

    #[test]
    fn umlaut_spelling_is_one_e_after_a_vowel() {
        assert!(umlaut_spelling("MUELLER", "MULLER"));
        assert!(umlaut_spelling("MULLER", "MUELLER"));
        assert!(umlaut_spelling("GOETHE", "GOTHE"));
        assert!(!umlaut_spelling("SANFENG", "SANFEN"));
        assert!(!umlaut_spelling("MUELLER", "MUELLER"));
    }
}
