//! Field alignment: whether the typed words of one field spell the document's words.
//!
//! Each word on either side has a list of spellings (ICAO's first, then accepted variants).
//! The typed words and the document's words match when some choice of spellings makes their
//! joined texts equal, with document words marked omittable allowed to be left out. Word
//! boundaries need not line up: JEAN-PIERRE, JEAN PIERRE and JEANPIERRE are one name, as are
//! SAN FENG and SANFENG.

use super::normalise::{Seg, Word};

/// Spellings kept per word, so that no input makes the work explode. Real words have a few;
/// the ones kept have the fewest deviations from ICAO's.
const WORD_CAP: usize = 32;

/// How two fields matched.
#[derive(Debug, Default)]
pub(super) struct Hit {
    /// Document words left out (missing middle names), as ICAO writes them.
    pub missing: Vec<String>,
    /// The first non-ICAO transliteration used, e.g. "Ü as U".
    pub variant: Option<String>,
    /// Chinese characters were read as pinyin.
    pub pinyin: bool,
    /// The document's spelling covers only the start of the typed one.
    pub truncated: bool,
}

/// One spelled-out alternative of some words.
#[derive(Debug, Clone)]
pub(super) struct Spelling {
    pub text: String,
    variants: u32,
    /// The first deviation from ICAO's spelling, e.g. "Ü as U".
    note: Option<String>,
    pinyin: bool,
}

/// All spellings of `segs` joined (up to `cap`), fewest deviations first. A Chinese character
/// without a known reading spells as itself, so it still matches itself.
fn expand<'a>(segs: impl Iterator<Item = &'a Seg>, cap: usize) -> Vec<Spelling> {
    let mut out = vec![Spelling {
        text: String::new(),
        variants: 0,
        note: None,
        pinyin: false,
    }];
    for seg in segs {
        let own = [std::borrow::Cow::Borrowed(seg.text.as_str())];
        let alts = if seg.alts.is_empty() {
            &own[..]
        } else {
            &seg.alts[..]
        };
        let mut next = Vec::with_capacity(out.len() * alts.len());
        for head in &out {
            for (i, alt) in alts.iter().enumerate() {
                let mut s = head.clone();
                s.text.push_str(alt);
                if seg.han {
                    s.pinyin = true;
                } else if i > 0 {
                    s.variants += 1;
                    let shown = if alt.is_empty() { "left out" } else { alt };
                    s.note
                        .get_or_insert_with(|| format!("{} as {shown}", seg.text));
                }
                next.push(s);
            }
        }
        next.sort_by_key(|s| s.variants);
        next.truncate(cap);
        out = next;
    }
    out
}

/// The spellings that `words` may take against the other side: characters when both sides are
/// Chinese (张 is not 章 though both read ZHANG), otherwise the MRZ alphabet.
pub(super) fn spellings(words: &[Word], as_chars: bool, cap: usize) -> Vec<Spelling> {
    if as_chars {
        let text = words.iter().map(Word::source).collect();
        vec![Spelling {
            text,
            variants: 0,
            note: None,
            pinyin: false,
        }]
    } else {
        expand(words.iter().flat_map(|w| &w.segs), cap)
    }
}

/// Whether every word is Chinese characters (true for none).
pub(super) fn all_han(words: &[Word]) -> bool {
    words.iter().all(Word::is_han)
}

/// Matches one field: typed words against document words, of which those marked `omittable`
/// may be missing; with `truncated`, the document's joined spelling may be a prefix of the
/// typed one.
pub(super) fn match_field(
    typed: &[Word],
    doc: &[Word],
    omittable: &[bool],
    truncated: bool,
) -> Option<Hit> {
    if typed.is_empty() || doc.is_empty() {
        return (typed.is_empty() && doc.is_empty()).then(Hit::default);
    }
    let as_chars = all_han(typed) && all_han(doc);
    let per_word = |words: &[Word]| -> Vec<Vec<Spelling>> {
        words
            .iter()
            .map(|w| spellings(std::slice::from_ref(w), as_chars, WORD_CAP))
            .collect()
    };
    align(&per_word(typed), doc, &per_word(doc), omittable, truncated)
}

/// A position in the typed words: before word `.0`, or inside one spelling of a word.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cursor {
    Before(usize),
    Inside {
        word: usize,
        spelling: usize,
        offset: usize,
    },
}

/// The cheapest way found to a cursor after some document words: (omissions, variants), and
/// what the path used.
#[derive(Clone, Debug)]
struct Step {
    cursor: Cursor,
    cost: (u32, u32),
    missing: Vec<String>,
    variant: Option<String>,
    pinyin: bool,
}

impl Step {
    /// This step after also using `spelling` (of either side).
    fn with(mut self, spelling: &Spelling) -> Self {
        self.cost.1 += spelling.variants;
        self.pinyin |= spelling.pinyin;
        if self.variant.is_none() {
            self.variant.clone_from(&spelling.note);
        }
        self
    }
}

/// Keeps the cheaper way into a cursor.
fn relax(layer: &mut Vec<Step>, step: Step) {
    match layer.iter_mut().find(|s| s.cursor == step.cursor) {
        Some(s) if step.cost < s.cost => *s = step,
        Some(_) => {}
        None => layer.push(step),
    }
}

/// Where the typed words may stand after reading `text` from `from`, choosing a spelling for
/// each typed word entered on the way, and which (word, spelling) pairs were chosen.
fn walk(typed: &[Vec<Spelling>], from: Cursor, text: &[u8]) -> Vec<(Cursor, Vec<(usize, usize)>)> {
    let mut out = Vec::new();
    let mut stack = vec![(from, 0, Vec::new())];
    while let Some((cursor, read, picks)) = stack.pop() {
        let rest = &text[read..];
        match cursor {
            Cursor::Before(_) if rest.is_empty() => out.push((cursor, picks)),
            Cursor::Before(word) => {
                for spelling in 0..typed.get(word).map_or(0, Vec::len) {
                    let mut picks = picks.clone();
                    picks.push((word, spelling));
                    let inside = Cursor::Inside {
                        word,
                        spelling,
                        offset: 0,
                    };
                    stack.push((inside, read, picks));
                }
            }
            Cursor::Inside {
                word,
                spelling,
                offset,
            } => {
                let left = &typed[word][spelling].text.as_bytes()[offset..];
                if left.len() > rest.len() {
                    if left.starts_with(rest) {
                        let offset = offset + rest.len();
                        out.push((
                            Cursor::Inside {
                                word,
                                spelling,
                                offset,
                            },
                            picks,
                        ));
                    }
                } else if rest.starts_with(left) {
                    stack.push((Cursor::Before(word + 1), read + left.len(), picks));
                }
            }
        }
    }
    out
}

/// Aligns the typed words with the document's words in order, each side choosing a spelling
/// per word, so that the joined texts agree; fewest omissions, then fewest variants. Layer `j`
/// holds the cursors reachable after `j` document words: few, since text must agree exactly.
fn align(
    typed: &[Vec<Spelling>],
    doc: &[Word],
    doc_spellings: &[Vec<Spelling>],
    omittable: &[bool],
    truncated: bool,
) -> Option<Hit> {
    let start = Step {
        cursor: Cursor::Before(0),
        cost: (0, 0),
        missing: Vec::new(),
        variant: None,
        pinyin: false,
    };
    let mut layer = vec![start];
    for (j, spellings) in doc_spellings.iter().enumerate() {
        let mut next = Vec::new();
        for step in &layer {
            if omittable.get(j).copied().unwrap_or(false) {
                let mut left_out = step.clone();
                left_out.cost.0 += 1;
                left_out.missing.push(doc[j].primary());
                relax(&mut next, left_out);
            }
            for s in spellings {
                for (cursor, picks) in walk(typed, step.cursor, s.text.as_bytes()) {
                    let mut moved = Step {
                        cursor,
                        ..step.clone()
                    }
                    .with(s);
                    for (w, k) in picks {
                        moved = moved.with(&typed[w][k]);
                    }
                    relax(&mut next, moved);
                }
            }
        }
        if next.is_empty() {
            return None;
        }
        layer = next;
    }
    // The end of the typed words (past any that may spell as nothing), or with `truncated`
    // anywhere past the start.
    let at_end = |cursor: Cursor| match cursor {
        Cursor::Before(i) => typed
            .get(i..)
            .is_some_and(|rest| rest.iter().all(|w| w.iter().any(|s| s.text.is_empty()))),
        Cursor::Inside { .. } => false,
    };
    let n = doc.len() as u32;
    let (step, cut) = layer
        .into_iter()
        .filter(|s| s.cost.0 < n)
        .filter_map(|s| {
            let cut = !at_end(s.cursor);
            (!cut || (truncated && s.cursor != Cursor::Before(0))).then_some((s, cut))
        })
        .min_by_key(|(s, cut)| (s.cost.0, *cut, s.cost.1))?;
    Some(Hit {
        missing: step.missing,
        variant: step.variant,
        pinyin: step.pinyin,
        truncated: cut,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::normalise::words;

    #[test]
    fn expansion_puts_icao_first_and_notes_variants() {
        let w = words("Müller");
        let all = expand(w.iter().flat_map(|w| &w.segs), 8);
        let texts: Vec<&str> = all.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["MUELLER", "MULLER", "MUXXLLER", "MYULLER"]);
        assert_eq!(all[1].note.as_deref(), Some("Ü as U"));
        assert_eq!(all[0].variants, 0);
    }

    #[test]
    fn fields_join_words_and_allow_missing_middle_names() {
        let doc = words("ANNA MARIA LUISA");
        let all = [true; 3];
        let hit = match_field(&words("Anna Luisa"), &doc, &all, false).unwrap();
        assert_eq!(hit.missing, ["MARIA"]);
        let hit = match_field(&words("AnnaMaria-Luisa"), &doc, &all, false).unwrap();
        assert!(hit.missing.is_empty());
        assert!(match_field(&words("Anna Petra"), &doc, &all, false).is_none());
        // Not every name may go missing.
        assert!(match_field(&[], &doc, &all, false).is_none());
        // Without permission, nothing may go missing.
        assert!(match_field(&words("Anna Luisa"), &doc, &[false; 3], false).is_none());
    }

    #[test]
    fn truncated_document_may_be_a_prefix() {
        let doc = words("ANDRE ESTEV");
        let hit = match_field(&words("Andre Estevao"), &doc, &[false; 2], true).unwrap();
        assert!(hit.truncated);
        assert!(match_field(&words("Andre Estevao"), &doc, &[false; 2], false).is_none());
    }

    #[test]
    fn chinese_against_chinese_compares_characters() {
        assert!(match_field(&words("张"), &words("张"), &[], false).is_some());
        // Same reading, different character.
        assert!(match_field(&words("张"), &words("章"), &[], false).is_none());
        let hit = match_field(&words("张"), &words("ZHANG"), &[], false).unwrap();
        assert!(hit.pinyin);
    }
}
