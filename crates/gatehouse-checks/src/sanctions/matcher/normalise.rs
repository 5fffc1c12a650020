//! A name as matching tokens in the Latin alphabet. Case, punctuation, diacritics and Cyrillic
//! go through [`crate::names::normalise`] (ICAO 9303 transliteration); Chinese characters
//! become their pinyin readings, one token per character (every heteronym kept); Arabic script
//! goes through [`super::arabic`]. Honorifics (MR, DR, SHEIKH, ...) are dropped.

use super::arabic;
use super::variants::is_honorific;
use crate::names::{is_han, pinyin_readings};

/// Longest input read, in characters; the rest is ignored (real names are far shorter).
pub(super) const MAX_INPUT_CHARS: usize = 256;
/// Most tokens kept per name; longer names keep their first ones.
pub(super) const MAX_TOKENS: usize = 16;

/// Where a token's Latin spelling came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// Written in Latin letters.
    Latin,
    /// Transliterated by ICAO rules (Cyrillic).
    Script,
    /// A Chinese character read as pinyin.
    Pinyin,
    /// An Arabic word from the dictionary of name words.
    Arabic,
    /// An Arabic word read letter by letter: its short vowels are unknown.
    ArabicLetters,
}

/// One word of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    /// Uppercase spellings, most likely first; never empty (several for heteronyms: 单 DAN,
    /// SHAN).
    pub spellings: Vec<String>,
    /// The text as written when it was not Latin (Ладен, 张, لادن), for explanations.
    pub source: Option<String>,
    pub origin: Origin,
    /// The consonant skeleton of an Arabic word read letter by letter.
    pub skeleton: Option<String>,
}

impl Token {
    /// The most likely spelling.
    pub fn text(&self) -> &str {
        self.spellings.first().map_or("", String::as_str)
    }

    fn latin(text: &str, source: Option<&str>, origin: Origin) -> Self {
        Self {
            spellings: vec![text.to_owned()],
            source: source.map(str::to_owned),
            origin,
            skeleton: None,
        }
    }
}

/// The tokens of `name`, in order.
pub(super) fn tokens(name: &str) -> Vec<Token> {
    let name: String = name.chars().take(MAX_INPUT_CHARS).collect();
    let mut out = Vec::new();
    for chunk in name.split(char::is_whitespace) {
        let mut run = String::new();
        let mut run_arabic = false;
        for c in chunk.chars() {
            let arabic = arabic::is_arabic(c) && c.is_alphabetic();
            if arabic != run_arabic && !run.is_empty() {
                push_run(&run, run_arabic, &mut out);
                run.clear();
            }
            run_arabic = arabic;
            run.push(c);
        }
        if !run.is_empty() {
            push_run(&run, run_arabic, &mut out);
        }
    }
    // Arabic read letter by letter is left alone: its DR is a word (الدر, AL-DURI).
    let title = |t: &Token| t.origin != Origin::ArabicLetters && is_honorific(t.text());
    if out.iter().any(|t| !title(t)) {
        out.retain(|t| !title(t));
    }
    out.truncate(MAX_TOKENS);
    out
}

fn push_run(run: &str, arabic: bool, out: &mut Vec<Token>) {
    if arabic {
        for r in arabic::romanise(run) {
            let origin = if r.skeleton.is_some() {
                Origin::ArabicLetters
            } else {
                Origin::Arabic
            };
            out.push(Token {
                skeleton: r.skeleton,
                ..Token::latin(&r.latin, Some(run), origin)
            });
        }
        return;
    }
    let transliterated = run.chars().any(is_cyrillic);
    let (source, origin) = if transliterated {
        (Some(run), Origin::Script)
    } else {
        (None, Origin::Latin)
    };
    // ICAO writes Ё as E; names are as often romanised YO (Рёнг, RYONG).
    let yo = (transliterated && run.contains(['Ё', 'ё']))
        .then(|| crate::names::normalise(&run.replace('Ё', "ЙО").replace('ё', "йо")));
    let mut yo_words = yo
        .as_deref()
        .unwrap_or("")
        .split(' ')
        .filter(|w| !w.is_empty());
    for word in crate::names::normalise(run)
        .split(' ')
        .filter(|w| !w.is_empty())
    {
        if !word.chars().any(is_han) {
            let mut token = Token::latin(word, source, origin);
            if let Some(alt) = yo_words.next().filter(|alt| *alt != word) {
                token.spellings.push(alt.to_owned());
            }
            out.push(token);
            continue;
        }
        let mut other = String::new();
        for c in word.chars() {
            if !is_han(c) {
                other.push(c);
                continue;
            }
            if !other.is_empty() {
                out.push(Token::latin(&std::mem::take(&mut other), source, origin));
            }
            let mut spellings: Vec<String> = pinyin_readings(c)
                .into_iter()
                .map(|r| r.into_owned())
                .collect();
            if spellings.is_empty() {
                spellings.push(c.to_string());
            }
            out.push(Token {
                spellings,
                source: Some(c.to_string()),
                origin: Origin::Pinyin,
                skeleton: None,
            });
        }
        if !other.is_empty() {
            out.push(Token::latin(&other, source, origin));
        }
    }
}

fn is_cyrillic(c: char) -> bool {
    matches!(u32::from(c), 0x0400..=0x052F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(name: &str) -> Vec<String> {
        tokens(name).iter().map(|t| t.text().to_owned()).collect()
    }

    #[test]
    fn case_punctuation_diacritics_and_honorifics() {
        assert_eq!(texts("BIN LADIN, Usama"), ["BIN", "LADIN", "USAMA"]);
        assert_eq!(texts("Dr. José  Núñez-García"), ["JOSE", "NUNEZ", "GARCIA"]);
        assert_eq!(texts("Sheikh Omar"), ["OMAR"]);
        assert_eq!(texts("Хаджи Манан"), ["MANAN"]);
        // A name that is only a title keeps it.
        assert_eq!(texts("Mullah"), ["MULLAH"]);
        assert!(texts(" ,.- ").is_empty());
    }

    #[test]
    fn scripts_are_transliterated() {
        assert_eq!(texts("Усама бен Ладен"), ["USAMA", "BEN", "LADEN"]);
        let t = tokens("Ладен");
        assert_eq!(
            (t[0].origin, t[0].source.as_deref()),
            (Origin::Script, Some("Ладен"))
        );
        assert_eq!(texts("张三"), ["ZHANG", "SAN"]);
        let shan = &tokens("单")[0].spellings;
        assert!(shan[0] == "DAN" && shan.contains(&"SHAN".to_owned()));
        assert_eq!(tokens("吕")[0].spellings, ["LYU", "LU", "LV"]);
        assert_eq!(texts("أسامة بن لادن"), ["USAMA", "BIN", "LADN"]);
        assert_eq!(tokens("لادن")[0].origin, Origin::ArabicLetters);
        assert_eq!(texts("Ali،حسن"), ["ALI", "HASAN"]);
        assert_eq!(tokens("Рёнг")[0].spellings, ["RENG", "RIONG"]);
        // Arabic letters are not read as titles.
        assert_eq!(texts("الدر"), ["AL", "DR"]);
    }

    #[test]
    fn caps_hold() {
        let long = "A ".repeat(1000);
        assert_eq!(tokens(&long).len(), MAX_TOKENS);
    }
}
