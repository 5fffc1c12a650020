//! Normalisation to the MRZ alphabet: case, diacritics, ICAO 9303 Part 3 (8th edition, section 6)
//! transliteration of Latin and Cyrillic letters, and separators. A name becomes words of
//! segments; a segment lists every accepted spelling of one source letter, ICAO's first, so
//! that a printed name (with diacritics) and an MRZ name (transliterated) can meet.

use std::borrow::Cow;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

use super::chinese;

/// The spellings of one source letter (or Chinese character, or merged compound surname).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seg {
    /// Accepted spellings in the MRZ alphabet; `alts[0]` is ICAO's. Empty for a Chinese
    /// character without a known reading.
    pub alts: Vec<Cow<'static, str>>,
    /// The source text, uppercased: `Ü`, `Ж`, `张`, `欧阳`.
    pub text: String,
    /// A Chinese character: compared as a character against Chinese, as pinyin against Latin.
    pub han: bool,
}

/// One word of a name: what lies between separators (spaces, hyphens, MRZ fillers, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub segs: Vec<Seg>,
}

impl Word {
    /// The source text of the word.
    pub fn source(&self) -> String {
        self.segs.iter().map(|s| s.text.as_str()).collect()
    }

    /// Whether every segment is a Chinese character.
    pub fn is_han(&self) -> bool {
        !self.segs.is_empty() && self.segs.iter().all(|s| s.han)
    }

    /// The word as ICAO writes it; Chinese characters stay as written (their reading is open).
    pub fn primary(&self) -> String {
        self.segs
            .iter()
            .map(|s| match s.alts.first() {
                Some(alt) if !s.han => alt.as_ref(),
                _ => s.text.as_str(),
            })
            .collect()
    }
}

/// Letters that give a one-letter segment without allocating.
const PLAIN: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Latin letters whose MRZ form is not simply the letter without its marks, or that have
/// accepted alternatives (ICAO 9303 Part 3, 8th ed., table "Transliteration of multinational
/// Latin-based characters"; earlier editions wrote Ø as O). Every other Latin letter loses its
/// diacritics through NFKD, which is what that table says for them (Á→A, Ç→C, Š→S, Ő→O, ...).
fn latin(c: char) -> Option<&'static [&'static str]> {
    Some(match c {
        'Ä' => &["AE", "A"],
        'Å' => &["AA", "A"],
        'Æ' => &["AE"],
        'Ð' | 'Đ' => &["D"],
        'Ħ' => &["H"],
        'Ĳ' => &["IJ"],
        'Ł' => &["L"],
        'Ŋ' => &["N"],
        'Ñ' => &["N", "NXX"],
        'Ö' => &["OE", "O"],
        'Ø' => &["OE", "O"],
        'Œ' => &["OE"],
        'ß' | 'ẞ' => &["SS"],
        'Þ' => &["TH"],
        'Ŧ' => &["T"],
        // YU: pinyin ü as PRC passports write it (Lü → LYU).
        'Ü' => &["UE", "U", "UXX", "YU"],
        _ => return None,
    })
}

/// Cyrillic per ICAO 9303 Part 3 (its Russian table first, then the letters of Belarusian,
/// Bulgarian, Macedonian, Serbian and Ukrainian). Later spellings are the language-specific
/// exceptions (Ukrainian Г→H, Bulgarian Щ→SHT, Serbian Ж→Z) and the older passport forms
/// (Ю→YU, Я→YA, Й→Y), accepted because the source letter is known to be that letter.
fn cyrillic(c: char) -> Option<&'static [&'static str]> {
    Some(match c {
        'А' => &["A"],
        'Б' => &["B"],
        'В' => &["V"],
        'Г' => &["G", "H"],
        'Ґ' => &["G"],
        'Д' => &["D"],
        'Ђ' => &["D", "DJ"],
        'Ѓ' => &["G", "GJ"],
        'Е' => &["E", "YE"],
        'Ё' => &["E", "YO", "YE"],
        'Є' => &["IE", "YE", "JE"],
        'Ж' => &["ZH", "Z"],
        'З' => &["Z"],
        'Ѕ' => &["DZ"],
        'И' => &["I", "Y"],
        'І' => &["I"],
        'Ї' => &["I", "YI"],
        'Й' => &["I", "Y", "J"],
        'Ј' => &["J"],
        'К' => &["K"],
        'Ќ' => &["K", "KJ"],
        'Л' => &["L"],
        'Љ' => &["LJ"],
        'М' => &["M"],
        'Н' => &["N"],
        'Њ' => &["NJ"],
        'О' => &["O"],
        'П' => &["P"],
        'Р' => &["R"],
        'С' => &["S"],
        'Т' => &["T"],
        'Ћ' => &["C"],
        'У' => &["U"],
        'Ў' => &["U"],
        'Ф' => &["F"],
        'Х' => &["KH", "H"],
        'Ц' => &["TS", "C"],
        'Ч' => &["CH", "C"],
        'Џ' => &["DZ", "DJ"],
        'Ш' => &["SH", "S"],
        'Щ' => &["SHCH", "SHT"],
        'Ъ' => &["IE", "A", ""],
        'Ы' => &["Y"],
        'Ь' => &[""],
        'Э' => &["E"],
        'Ю' => &["IU", "YU"],
        'Я' => &["IA", "YA"],
        _ => return None,
    })
}

/// The table entry for `c` or its (single-letter) uppercase form.
fn special(c: char) -> Option<(char, &'static [&'static str])> {
    let lookup = |c: char| latin(c).or_else(|| cyrillic(c)).map(|alts| (c, alts));
    lookup(c).or_else(|| {
        let mut upper = c.to_uppercase();
        match (upper.next(), upper.next()) {
            (Some(u), None) => lookup(u),
            _ => None,
        }
    })
}

/// Marks that ICAO drops without splitting the word: O'NEIL is ONEIL.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{02BB}' | '`' | '\u{00B4}' | '\u{2032}'
    )
}

/// Hangul syllables stay whole: NFKD would split them into jamo.
fn is_hangul(c: char) -> bool {
    matches!(u32::from(c), 0xAC00..=0xD7A3)
}

fn table_seg(c: char, alts: &'static [&'static str]) -> Seg {
    Seg {
        alts: alts.iter().map(|a| Cow::Borrowed(*a)).collect(),
        text: c.to_string(),
        han: false,
    }
}

fn plain_seg(c: char) -> Seg {
    let alt = match PLAIN.find(c) {
        Some(i) if c.is_ascii() => Cow::Borrowed(&PLAIN[i..i + 1]),
        _ => Cow::Owned(c.to_string()),
    };
    Seg {
        alts: vec![alt],
        text: c.to_string(),
        han: false,
    }
}

/// The segments of one letter: table entry, Chinese reading, or NFKD base letters uppercased.
fn letter_segs(c: char, out: &mut Vec<Seg>) {
    if let Some((key, alts)) = special(c) {
        out.push(table_seg(key, alts));
    } else if chinese::is_han(c) {
        out.push(Seg {
            alts: chinese::readings(c),
            text: c.to_string(),
            han: true,
        });
    } else if is_hangul(c) {
        out.push(plain_seg(c));
    } else {
        let mut base = Vec::new();
        decompose_compatible(c, |d| base.push(d));
        for d in base {
            if is_combining_mark(d) || is_apostrophe(d) {
                continue;
            }
            for u in d.to_uppercase() {
                if let Some((key, alts)) = special(u) {
                    out.push(table_seg(key, alts));
                } else if u.is_alphanumeric() {
                    out.push(plain_seg(u));
                }
            }
        }
    }
}

/// Splits a name into words of segments. Separators are anything that is not a letter or digit
/// (spaces, hyphens, MRZ fillers `<`, commas, dots); apostrophes and stray combining marks are
/// dropped. A middle dot between Latin letters (Catalan l·l) joins; elsewhere (阿沛·阿旺晋美) it
/// separates.
pub(crate) fn words(name: &str) -> Vec<Word> {
    let chars: Vec<char> = name.nfc().collect();
    let mut out = Vec::new();
    let mut segs = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let latin_around = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|x| x.is_alphabetic() && !chinese::is_han(*x))
        };
        if is_apostrophe(c) || is_combining_mark(c) {
            continue;
        }
        if c == '\u{00B7}' && latin_around(i.checked_sub(1)) && latin_around(Some(i + 1)) {
            continue;
        }
        if c.is_alphanumeric() {
            letter_segs(c, &mut segs);
        } else if !segs.is_empty() {
            out.push(Word {
                segs: std::mem::take(&mut segs),
            });
        }
    }
    if !segs.is_empty() {
        out.push(Word { segs });
    }
    out
}

/// A name in the MRZ alphabet as ICAO writes it: uppercase A-Z words separated by single
/// spaces, diacritics and apostrophes gone, hyphens and fillers as spaces ("Jean-Pierre
/// O'Néil" → "JEAN PIERRE ONEIL", "Müller" → "MUELLER"). Chinese characters stay as written,
/// since their reading depends on the name; letters of other scripts stay, uppercased.
pub fn normalise(name: &str) -> String {
    words(name)
        .iter()
        .map(Word::primary)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_diacritics_and_separators() {
        assert_eq!(normalise("  Jean-Pierre   O'Néil "), "JEAN PIERRE ONEIL");
        assert_eq!(normalise("ERIKSSON<<ANNA<MARIA<<<<"), "ERIKSSON ANNA MARIA");
        assert_eq!(normalise("José Ángel Çelik"), "JOSE ANGEL CELIK");
        assert_eq!(normalise("Dvořák Šťastný Wałęsa"), "DVORAK STASTNY WALESA");
        assert_eq!(normalise("O\u{2019}Brien D`Arcy"), "OBRIEN DARCY");
        // Decomposed input (U + combining diaeresis) is the same letter.
        assert_eq!(normalise("Mu\u{0308}ller"), "MUELLER");
        assert_eq!(normalise("ＺＨＡＮＧ　ＳＡＮ"), "ZHANG SAN");
        assert_eq!(normalise("Gal·la"), "GALLA");
        assert_eq!(normalise(""), "");
        assert_eq!(normalise(" - ' <<"), "");
    }

    #[test]
    fn icao_latin_table() {
        assert_eq!(normalise("Müller Ärger Ödön"), "MUELLER AERGER OEDOEN");
        assert_eq!(normalise("Østergaard Ångström"), "OESTERGAARD AANGSTROEM");
        assert_eq!(normalise("Straße STRAẞE"), "STRASSE STRASSE");
        assert_eq!(normalise("Þór Guðmundsdóttir"), "THOR GUDMUNDSDOTTIR");
        assert_eq!(
            normalise("Æsa Œuvre Łukasz Đorđe"),
            "AESA OEUVRE LUKASZ DORDE"
        );
        assert_eq!(
            normalise("Ĳsselmeer Muñoz Ħal ıŞık"),
            "IJSSELMEER MUNOZ HAL ISIK"
        );
    }

    #[test]
    fn alternatives_follow_icao_first() {
        let w = words("Ü");
        assert_eq!(w[0].segs[0].alts, ["UE", "U", "UXX", "YU"]);
        let w = words("ñ");
        assert_eq!(w[0].segs[0].text, "Ñ");
        assert_eq!(w[0].segs[0].alts, ["N", "NXX"]);
    }

    #[test]
    fn icao_cyrillic_table() {
        assert_eq!(normalise("Юлия Щеглова"), "IULIIA SHCHEGLOVA");
        assert_eq!(
            normalise("Жуков Хрущёв Цой Чехов"),
            "ZHUKOV KHRUSHCHEV TSOI CHEKHOV"
        );
        assert_eq!(normalise("Крылья Объект Рыбаков"), "KRYLIA OBIEEKT RYBAKOV");
        assert_eq!(normalise("Сергей Ильич"), "SERGEI ILICH");
    }

    #[test]
    fn word_structure() {
        let w = words("张三丰 · Anna");
        assert_eq!(w.len(), 2);
        assert!(w[0].is_han());
        assert_eq!(w[0].source(), "张三丰");
        assert_eq!(w[0].primary(), "张三丰");
        assert!(!w[1].is_han());
        assert_eq!(words("阿沛·阿旺晋美").len(), 2);
        assert_eq!(normalise("김민준"), "김민준");
    }
}
