//! Name matching between what an applicant typed and what their identity document says.
//!
//! Both sides may be printed text (diacritics, Chinese characters, Cyrillic) or MRZ text
//! (uppercase, transliterated, `<` fillers, `<<` between surname and given names). They are
//! normalised to the MRZ alphabet with ICAO 9303 Part 3 transliteration, allowing the
//! alternatives the standard and passport practice allow (Ü as UE or U, 吕 as LYU, LU or LV).
//!
//! A match needs every letter to agree under some accepted spelling; word boundaries,
//! hyphens, apostrophes, case and, for free text, the order of surname and given names do not
//! matter, and given names on the document that were not typed (middle names) may be missing.
//! A one-letter difference is a mismatch: the applicant must type the name as on the document.
//! Alternatives come only from letters that carry them: MÜLLER matches MUELLER and MULLER, but
//! MUELLER does not match MULLER (the explanation then hints at the umlaut).
//!
//! Chinese characters match pinyin when some reading of each character (the `pinyin` crate's
//! heteronym data) spells the pinyin; a known surname at the start is read its surname way
//! first (单 SHAN, 曾 ZENG, 欧阳 OUYANG), and given-name syllables may be joined or spaced.
//! ü is accepted as YU (PRC passports since 2012: 吕 LYU), U (older passports) or V (keyboard
//! habit). Chinese against Chinese compares characters, not readings (张 is not 章).
//!
//! Scores: a match is 1.0 less 0.05 for reading Chinese characters as pinyin, 0.03 for a
//! non-ICAO transliteration (Ü as U), 0.1 for swapped or differently split surname and given
//! name fields, 0.1 for a missing given name and 0.02 for each further one, 0.05 for a
//! truncated MRZ name; never below [`MATCH_THRESHOLD`] (0.8). A mismatch scores 0.79 times its
//! closeness (1 − edit distance / length), so below 0.8; `matched` ⇔ `score >= 0.8`.

mod align;
mod chinese;
mod normalise;
mod score;

use serde::{Deserialize, Serialize};

pub use chinese::rare_characters;
pub(crate) use chinese::{is_han, readings as pinyin_readings};
pub use normalise::normalise;
pub use score::MATCH_THRESHOLD;

use normalise::{words, Word};
use score::{compare, Outcome, Reading, PENALTY_FIELDS};

/// Longest input compared, in characters; real names are far shorter (an MRZ holds 39).
const MAX_CHARS: usize = 256;
/// Free text with more words than this is read only with a one-word surname at either end.
const MAX_SPLIT_WORDS: usize = 8;
/// Name field lengths in TD1, TD2/MRV-B and TD3/MRV-A: a field filled to the end may be cut.
const MRZ_NAME_FIELD_LENGTHS: [usize; 3] = [30, 31, 39];

/// The result of comparing two names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NameMatch {
    /// Whether the names are the same name (`score >= MATCH_THRESHOLD`).
    pub matched: bool,
    /// 0.0 to 1.0; see the module documentation for how it is made.
    pub score: f64,
    /// Why, for the applicant and the reviewer: "names match" or what differs.
    pub why: String,
}

/// A name as the applicant typed it, in separate fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypedName {
    pub given_names: String,
    pub surname: String,
    /// The name in its own script (张三丰), when the applicant gave it.
    pub native_name: Option<String>,
}

/// A name as the identity document gives it, in separate fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocName {
    pub surname: String,
    pub given_names: String,
}

/// Compares a typed name with the name on a document, both as free text. `SURNAME<<GIVEN`
/// (MRZ) or `Surname, Given` fixes which part is the surname; otherwise either end may be.
pub fn match_names(typed: &str, on_document: &str) -> NameMatch {
    if let Some(refusal) = too_long(&[typed, on_document]) {
        return refusal;
    }
    let outcome = match (parse(typed, false), parse(on_document, true)) {
        (Parsed::Fields(t), Parsed::Fields(d)) => fields_compare(&t, &d, None),
        (t, d) => compare(&t.readings(), &d.readings()),
    };
    finish(outcome)
}

/// Compares a typed name, field by field and with its native form if given, with a document's.
pub fn match_person(typed: &TypedName, document: &DocName) -> NameMatch {
    let native = typed.native_name.as_deref().unwrap_or("");
    let all = [
        typed.given_names.as_str(),
        &typed.surname,
        native,
        &document.surname,
        &document.given_names,
    ];
    if let Some(refusal) = too_long(&all) {
        return refusal;
    }
    let doc = fields_reading(&document.surname, &document.given_names);
    if doc.surname.is_empty() && doc.given.is_empty() {
        return finish(Outcome::empty("document name is empty"));
    }
    let typed_fields = fields_reading(&typed.surname, &typed.given_names);
    let latin = (!typed_fields.surname.is_empty() || !typed_fields.given.is_empty()).then(|| {
        let combined = format!("{} {}", typed.given_names, typed.surname);
        let resplit = free_readings(words(&combined));
        fields_compare(&typed_fields, &doc, Some(&resplit))
    });
    let native_words = words(native);
    let native_outcome = (!native_words.is_empty())
        .then(|| compare(&parse(native, false).readings(), std::slice::from_ref(&doc)));
    let outcome = match (latin, native_outcome) {
        (None, None) => Outcome::empty("typed name is empty"),
        (Some(one), None) | (None, Some(one)) => one,
        (Some(latin), Some(native_outcome)) => {
            let unread: String = chinese::unreadable(&native_words).into_iter().collect();
            if !native_outcome.matched && !unread.is_empty() {
                let mut latin = latin;
                latin.notes.push(format!(
                    "native name not checked: no pinyin reading known for {unread}"
                ));
                latin
            } else {
                let mut notes = latin.notes;
                notes.extend(
                    native_outcome
                        .notes
                        .iter()
                        .map(|n| format!("native name: {n}")),
                );
                Outcome {
                    matched: latin.matched && native_outcome.matched,
                    score: latin.score.min(native_outcome.score),
                    notes,
                }
            }
        }
    };
    finish(outcome)
}

/// The CLI's and API's JSON form: exactly `match`, `score` and `why`.
pub fn to_json(m: &NameMatch) -> serde_json::Value {
    serde_json::json!({ "match": m.matched, "score": m.score, "why": m.why })
}

/// A name read from free text.
enum Parsed {
    /// Surname and given names were marked (`<<` or a comma).
    Fields(Reading),
    /// Unmarked: every plausible split.
    Free(Vec<Reading>),
}

impl Parsed {
    fn readings(self) -> Vec<Reading> {
        match self {
            Parsed::Fields(r) => vec![r],
            Parsed::Free(rs) => rs,
        }
    }
}

fn parse(name: &str, on_document: bool) -> Parsed {
    let marked = name.find("<<").map(|i| (i, 2)).or_else(|| {
        name.char_indices()
            .find(|(_, c)| matches!(c, ',' | '，'))
            .map(|(i, c)| (i, c.len_utf8()))
    });
    let Some((at, len)) = marked else {
        return Parsed::Free(free_readings(words(name)));
    };
    let (surname, given) = (&name[..at], &name[at + len..]);
    let mut reading = fields_reading(surname, given);
    reading.truncated = on_document && fills_mrz_field(name);
    if reading.surname.is_empty() && reading.given.is_empty() {
        Parsed::Free(Vec::new())
    } else {
        Parsed::Fields(reading)
    }
}

/// An MRZ name field with no filler at its end may have been cut to fit.
fn fills_mrz_field(name: &str) -> bool {
    let name = name.trim();
    MRZ_NAME_FIELD_LENGTHS.contains(&name.len())
        && !name.ends_with('<')
        && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'<')
}

/// The first word read as a surname (a Chinese surname gets its surname reading).
fn surnamed(mut words: Vec<Word>) -> Vec<Word> {
    if !words.is_empty() {
        let first = words.remove(0);
        words.insert(0, chinese::as_surname(first));
    }
    words
}

fn fields_reading(surname: &str, given: &str) -> Reading {
    let given = words(given);
    Reading {
        surname: surnamed(words(surname)),
        omittable: vec![true; given.len()],
        given,
        truncated: false,
        surname_first: true,
        marked: true,
    }
}

/// Every plausible split of unmarked words into surname and given names. Chinese is surname
/// first, with a compound surname tried before a one-character one; other names may have the
/// surname at either end. Only inner words may be missing middle names.
fn free_readings(words: Vec<Word>) -> Vec<Reading> {
    let n = words.len();
    let reading =
        |surname: &[Word], given: &[Word], given_at: usize, surname_first: bool| Reading {
            surname: surnamed(surname.to_vec()),
            omittable: (given_at..given_at + given.len())
                .map(|i| i > 0 && i + 1 < n)
                .collect(),
            given: given.to_vec(),
            truncated: false,
            surname_first,
            marked: false,
        };
    if n == 0 {
        return Vec::new();
    }
    if words.iter().all(Word::is_han) {
        if n > 1 {
            return vec![Reading {
                marked: true,
                ..reading(&words[..1], &words[1..], 1, true)
            }];
        }
        let word = &words[0];
        return chinese::surname_lengths(word)
            .into_iter()
            .map(|k| {
                let surname = Word {
                    segs: word.segs[..k].to_vec(),
                };
                let rest = word.segs[k..].to_vec();
                let given: Vec<Word> = Some(Word { segs: rest })
                    .filter(|w| !w.segs.is_empty())
                    .into_iter()
                    .collect();
                Reading {
                    omittable: vec![false; given.len()],
                    marked: true,
                    ..reading(&[surname], &given, 1, true)
                }
            })
            .collect();
    }
    if n == 1 {
        return vec![reading(&words, &[], 1, true)];
    }
    let splits: Vec<usize> = if n <= MAX_SPLIT_WORDS {
        (1..n).collect()
    } else {
        vec![1]
    };
    splits
        .into_iter()
        .flat_map(|k| {
            [
                reading(&words[..k], &words[k..], k, true),
                reading(&words[n - k..], &words[..n - k], 0, false),
            ]
        })
        .collect()
}

/// Compares marked fields: as given, then swapped, then (for typed fields) re-split.
fn fields_compare(typed: &Reading, doc: &Reading, resplit: Option<&[Reading]>) -> Outcome {
    let one = std::slice::from_ref;
    let straight = compare(one(typed), one(doc));
    if straight.matched && straight.notes.is_empty() {
        return straight;
    }
    let swapped = Reading {
        surname: surnamed(typed.given.clone()),
        omittable: vec![true; typed.surname.len()],
        given: typed.surname.clone(),
        truncated: false,
        surname_first: !typed.surname_first,
        marked: typed.marked,
    };
    let mut candidates = vec![straight.clone()];
    let flipped = compare(one(&swapped), one(doc));
    if flipped.matched {
        candidates.push(flipped.deducted(PENALTY_FIELDS, "surname and given names swapped"));
    }
    if let Some(resplit) = resplit.filter(|_| candidates.iter().all(|c| !c.matched)) {
        let other = compare(resplit, one(doc));
        if other.matched {
            let note = "surname and given names split differently from the document";
            candidates.push(other.deducted(PENALTY_FIELDS, note));
        }
    }
    candidates
        .into_iter()
        .filter(|c| c.matched)
        .fold(None, |best: Option<Outcome>, c| match best {
            Some(b) if b.score >= c.score => Some(b),
            _ => Some(c),
        })
        .unwrap_or(straight)
}

fn too_long(inputs: &[&str]) -> Option<NameMatch> {
    inputs
        .iter()
        .any(|s| s.chars().count() > MAX_CHARS)
        .then(|| {
            let note = format!("name too long to compare (over {MAX_CHARS} characters)");
            finish(Outcome::empty(&note))
        })
}

fn finish(outcome: Outcome) -> NameMatch {
    let why = if outcome.notes.is_empty() {
        "names match".to_owned()
    } else {
        outcome.notes.join("; ")
    };
    NameMatch {
        matched: outcome.matched,
        score: outcome.score,
        why,
    }
}

#[cfg(test)]
mod tests;
