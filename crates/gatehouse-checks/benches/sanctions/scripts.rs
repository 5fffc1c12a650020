//! Names written in Cyrillic and Arabic letters as a clerk in those scripts might write a
//! romanised name: the benchmark's transliteration queries, read back by the matcher.

use super::queries::title;
use super::rng::Rng;

/// A word in Cyrillic letters, roughly as a Russian clerk would write it.
pub fn cyrillic(word: &str) -> String {
    const DIGRAPHS: &[(&str, &str)] = &[
        ("SHCH", "щ"),
        ("SH", "ш"),
        ("CH", "ч"),
        ("ZH", "ж"),
        ("KH", "х"),
        ("TS", "ц"),
        ("YU", "ю"),
        ("YA", "я"),
        ("YE", "е"),
        ("YO", "ё"),
        ("J", "дж"),
        ("X", "кс"),
    ];
    const LETTERS: &str = "ABVGDEZIKLMNOPRSTUFHCWQY";
    const CYR: [&str; 24] = [
        "а", "б", "в", "г", "д", "е", "з", "и", "к", "л", "м", "н", "о", "п", "р", "с", "т", "у",
        "ф", "х", "к", "в", "к", "й",
    ];
    let mut out = String::new();
    let mut rest = word;
    'outer: while !rest.is_empty() {
        for (latin, cyr) in DIGRAPHS {
            if let Some(r) = rest.strip_prefix(latin) {
                out.push_str(cyr);
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or('?');
        match LETTERS.find(c) {
            Some(i) => out.push_str(CYR[i]),
            None => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    title(&out)
}

/// A word in Arabic letters: consonants always, long vowels only sometimes (as Arabic writes
/// them), the article joined to the next word.
fn arabic(word: &str, rng: &mut Rng) -> String {
    const KNOWN: &[(&str, &str)] = &[
        ("MUHAMMAD", "محمد"),
        ("MOHAMMED", "محمد"),
        ("MOHAMMAD", "محمد"),
        ("MOHAMED", "محمد"),
        ("BIN", "بن"),
        ("IBN", "ابن"),
        ("ABU", "أبو"),
        ("ABD", "عبد"),
    ];
    if let Some((_, a)) = KNOWN.iter().find(|(l, _)| *l == word) {
        return (*a).to_owned();
    }
    const DIGRAPHS: &[(&str, &str)] = &[
        ("SH", "ش"),
        ("CH", "ش"),
        ("KH", "خ"),
        ("TH", "ث"),
        ("DH", "ذ"),
        ("GH", "غ"),
        ("OU", "و"),
    ];
    const LETTERS: &str = "BTJHDRZSFQKLMNWYCGVPX";
    const AR: [&str; 21] = [
        "ب", "ت", "ج", "ح", "د", "ر", "ز", "س", "ف", "ق", "ك", "ل", "م", "ن", "و", "ي", "ك", "ج",
        "و", "پ", "كس",
    ];
    let mut out = String::new();
    let mut rest = word;
    let mut first = true;
    while let Some(c) = rest.chars().next() {
        let last = rest.len() == c.len_utf8();
        // A final -AH is the feminine ending ة.
        if rest == "AH" && !first {
            out.push('ة');
            break;
        }
        if let Some((latin, a)) = DIGRAPHS.iter().find(|(l, _)| rest.starts_with(l)) {
            out.push_str(a);
            rest = &rest[latin.len()..];
            first = false;
            continue;
        }
        let piece = match c {
            'A' | 'E' | 'I' | 'O' | 'U' if first => "ا",
            'A' if last => {
                if rng.below(2) == 0 {
                    "ة"
                } else {
                    "ا"
                }
            }
            'A' if rng.below(2) == 0 => "ا",
            'I' | 'E' if rng.below(5) < 2 => "ي",
            'U' | 'O' if rng.below(5) < 2 => "و",
            'A' | 'E' | 'I' | 'O' | 'U' => "",
            c => LETTERS.find(c).map_or("", |i| AR[i]),
        };
        // Arabic does not write a doubled consonant twice.
        if !piece.is_empty() && !out.ends_with(piece) {
            out.push_str(piece);
        }
        rest = &rest[c.len_utf8()..];
        first = false;
    }
    out
}

/// A name in Arabic script: the article attached to the word after it.
pub fn arabic_name(words: &[String], rng: &mut Rng) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut article = false;
    for w in words {
        if matches!(w.as_str(), "AL" | "EL") {
            article = true;
            continue;
        }
        // ABDUL is ABD and the article of the word after it (ABDUL RAHMAN, عبد الرحمن).
        if matches!(w.as_str(), "ABDUL" | "ABDEL") {
            out.push("عبد".to_owned());
            article = true;
            continue;
        }
        let a = arabic(w, rng);
        out.push(if article { format!("ال{a}") } else { a });
        article = false;
    }
    out.join(" ")
}
