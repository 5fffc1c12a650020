//! Arabic script to Latin: frequent name words from a dictionary (محمد → MUHAMMAD), the article
//! ال split off as AL, and anything else letter by letter in a simplified ALA-LC/UN
//! romanisation. Arabic does not write short vowels, so a letter-by-letter word carries its
//! consonant skeleton and is compared by it as well (لادن LDN meets LADIN).

/// Common name words, unvowelled and with alef forms unified (see [`plain`]), with their usual
/// romanisation; the variant table unites the other spellings.
const WORDS: &[(&str, &str)] = &[
    ("محمد", "MUHAMMAD"),
    ("احمد", "AHMAD"),
    ("محمود", "MAHMUD"),
    ("علي", "ALI"),
    ("حسن", "HASAN"),
    ("حسين", "HUSAYN"),
    ("عمر", "UMAR"),
    ("عثمان", "UTHMAN"),
    ("اسامه", "USAMA"),
    ("خالد", "KHALID"),
    ("عبد", "ABD"),
    ("عبدالله", "ABDULLAH"),
    ("الله", "ALLAH"),
    ("بن", "BIN"),
    ("ابن", "IBN"),
    ("بنت", "BINT"),
    ("ابو", "ABU"),
    ("ابي", "ABI"),
    ("ام", "UMM"),
    ("يوسف", "YUSUF"),
    ("ابراهيم", "IBRAHIM"),
    ("اسماعيل", "ISMAIL"),
    ("مصطفي", "MUSTAFA"),
    ("سعيد", "SAID"),
    ("سيد", "SAYYID"),
    ("صالح", "SALIH"),
    ("سليمان", "SULAYMAN"),
    ("يحيي", "YAHYA"),
    ("موسي", "MUSA"),
    ("عيسي", "ISA"),
    ("جمال", "JAMAL"),
    ("ناصر", "NASIR"),
    ("فيصل", "FAYSAL"),
    ("حمزه", "HAMZA"),
    ("زكريا", "ZAKARIYA"),
    ("جعفر", "JAFAR"),
    ("طارق", "TARIQ"),
    ("كريم", "KARIM"),
    ("رحمن", "RAHMAN"),
    ("عزيز", "AZIZ"),
    ("مالك", "MALIK"),
    ("منصور", "MANSUR"),
    ("مهدي", "MAHDI"),
    ("حامد", "HAMID"),
    ("ايمن", "AYMAN"),
    ("بكر", "BAKR"),
    ("نصر", "NASR"),
    ("دين", "DIN"),
    ("نور", "NUR"),
    ("عباس", "ABBAS"),
    ("يونس", "YUNUS"),
    ("ياسين", "YASIN"),
    ("رشيد", "RASHID"),
    ("سالم", "SALIM"),
    ("فاطمه", "FATIMA"),
    ("عائشه", "AISHA"),
    ("زينب", "ZAYNAB"),
    ("مريم", "MARYAM"),
    ("خديجه", "KHADIJA"),
    ("قادر", "QADIR"),
    ("حاج", "HAJ"),
    ("حاجي", "HAJI"),
    ("شيخ", "SHAYKH"),
];

/// Letters in a simplified ALA-LC/UN romanisation (Persian and Urdu letters included). Short
/// vowel marks, when written, give their vowel; other marks and tatweel are dropped.
fn letter(c: char, first: bool) -> Option<&'static str> {
    Some(match c {
        'ا' | 'أ' | 'آ' | 'ٱ' => "A",
        'إ' => "I",
        'ب' => "B",
        'ت' | 'ط' => "T",
        'ث' => "TH",
        'ج' => "J",
        'ح' | 'ه' => "H",
        'خ' => "KH",
        'د' | 'ض' => "D",
        'ذ' => "DH",
        'ر' => "R",
        'ز' | 'ظ' => "Z",
        'س' | 'ص' => "S",
        'ش' => "SH",
        // Ain: a vowel sound to Latin ears (OMAR, SAID); dropped in the consonant skeleton.
        'ع' => "A",
        'غ' => "GH",
        'ف' => "F",
        'ق' => "Q",
        'ك' | 'ک' => "K",
        'ل' => "L",
        'م' => "M",
        'ن' => "N",
        'و' if first => "W",
        'و' | 'ؤ' => "U",
        'ي' | 'ی' | 'ئ' if first => "Y",
        'ي' | 'ی' | 'ئ' => "I",
        'ى' | 'ة' => "A",
        'پ' => "P",
        'چ' => "CH",
        'ژ' => "ZH",
        'گ' => "G",
        '\u{064E}' => "A",
        '\u{064F}' => "U",
        '\u{0650}' => "I",
        'ء' | '\u{0640}' | '\u{064B}'..='\u{064D}' | '\u{0651}'..='\u{065F}' | '\u{0670}' => "",
        _ => return None,
    })
}

/// Whether `c` is an Arabic-script letter or mark that this module reads.
pub(super) fn is_arabic(c: char) -> bool {
    matches!(u32::from(c), 0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// One romanised word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Romanised {
    pub latin: String,
    /// For a word read letter by letter (its short vowels unknown): its consonants, as
    /// `variants::skeleton` writes a Latin spelling's (ز‎ح is Z H, not the digraph ZH).
    pub skeleton: Option<String>,
}

/// The consonant of one letter as a folded Latin skeleton writes it; `""` for the letters that
/// write vowels (alef, waw, ya, ain, ta marbuta) and for marks.
fn consonant(c: char, first: bool) -> &'static str {
    match c {
        'ا' | 'أ' | 'آ' | 'ٱ' | 'إ' | 'ع' | 'ي' | 'ی' | 'ئ' if first => "A",
        'و' if first => "V",
        'خ' => "H",
        'ث' => "T",
        'ذ' => "D",
        'غ' => "G",
        'ق' => "K",
        'ژ' => "J",
        _ => match letter(c, first) {
            Some(l) if !matches!(l, "A" | "I" | "U" | "W" | "Y") => l,
            _ => "",
        },
    }
}

/// The word without vowel marks and with the alef, ya and ta marbuta forms unified, as the
/// dictionary is keyed.
fn plain(word: &str) -> String {
    word.chars()
        .filter_map(|c| match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
            'ى' | 'ی' => Some('ي'),
            'ة' => Some('ه'),
            'ک' => Some('ك'),
            '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}' => None,
            c => Some(c),
        })
        .collect()
}

fn dictionary(plain: &str) -> Option<&'static str> {
    WORDS.iter().find(|(w, _)| *w == plain).map(|(_, l)| *l)
}

fn letters(word: &str) -> Romanised {
    let mut latin = String::new();
    let mut skeleton = String::new();
    let count = word.chars().count();
    for (i, c) in word.chars().enumerate() {
        // A final ha is mostly a ta marbuta written without its dots (جميله, JAMILA).
        let k = if i + 1 == count && c == 'ه' && i > 0 {
            ""
        } else {
            consonant(c, i == 0)
        };
        if !k.is_empty() && !skeleton.ends_with(k) {
            skeleton.push_str(k);
        }
        if let Some(l) = letter(c, i == 0) {
            // A written vowel mark before its long vowel (فَا) is one vowel.
            if !(l.len() == 1 && "AIU".contains(l) && latin.ends_with(l)) {
                latin.push_str(l);
            }
        }
    }
    Romanised {
        latin,
        skeleton: Some(skeleton),
    }
}

/// Romanises one Arabic-script word into one or more tokens: the article and عبد are split
/// off (عبدالرحمن → ABD AL RAHMAN), dictionary words take their usual spelling.
pub(super) fn romanise(word: &str) -> Vec<Romanised> {
    let key = plain(word);
    let known = |latin: &'static str| Romanised {
        latin: latin.to_owned(),
        skeleton: None,
    };
    if let Some(latin) = dictionary(&key) {
        return vec![known(latin)];
    }
    let mut out = Vec::new();
    let mut rest = key.as_str();
    if let Some(after) = rest.strip_prefix("عبد").filter(|a| a.chars().count() >= 3) {
        out.push(known("ABD"));
        rest = after;
    }
    if let Some(after) = rest.strip_prefix("ال").filter(|a| a.chars().count() >= 2) {
        out.push(known("AL"));
        rest = after;
    }
    match dictionary(rest) {
        Some(latin) => out.push(known(latin)),
        // Romanise from the original spelling: its vowel marks, if any, help.
        None if rest.len() == key.len() => out.push(letters(word)),
        None => out.push(letters(rest)),
    }
    out.retain(|r| !r.latin.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latin(word: &str) -> Vec<String> {
        romanise(word).into_iter().map(|r| r.latin).collect()
    }

    #[test]
    fn dictionary_words_take_their_usual_spelling() {
        assert_eq!(latin("محمد"), ["MUHAMMAD"]);
        assert_eq!(latin("أسامة"), ["USAMA"]);
        assert_eq!(latin("بن"), ["BIN"]);
        assert_eq!(romanise("محمد")[0].skeleton, None);
    }

    #[test]
    fn article_and_abd_split_off() {
        assert_eq!(latin("عبدالرحمن"), ["ABD", "AL", "RAHMAN"]);
        assert_eq!(latin("البغدادي"), ["AL", "BGHDADI"]);
    }

    #[test]
    fn other_words_letter_by_letter_unvowelled() {
        let r = romanise("لادن");
        assert_eq!(r[0].latin, "LADN");
        assert_eq!(r[0].skeleton.as_deref(), Some("LDN"));
        // Letters are not digraphs: زحراني is Z H R N, never ZH.
        assert_eq!(romanise("زحراني")[0].skeleton.as_deref(), Some("ZHRN"));
        assert_eq!(romanise("جميله")[0].skeleton.as_deref(), Some("JML"));
        assert_eq!(romanise("عمار")[0].skeleton.as_deref(), Some("AMR"));
        assert_eq!(latin("ظواهري"), ["ZUAHRI"]);
        // Vowel marks, when written, are read.
        assert_eq!(latin("لَادِن"), ["LADIN"]);
        assert!(latin("ـ").is_empty());
    }
}
