//! Chinese names: readings of each character in passport pinyin, surname readings, and the
//! GB 2312 repertoire that tells a rare character (生僻字) from a common one.

use std::borrow::Cow;
use std::sync::OnceLock;

use pinyin::{Pinyin, ToPinyinMulti};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::normalise::{Seg, Word};

/// How PRC passports write ü, newest first: `YU` since 2012 (吕 LYU), `U` before, `V` as typed
/// on keyboards. After j, q, x and y pinyin already writes ü as u, so only lü/nü/lüe/nüe change.
const U_UMLAUT: [&str; 3] = ["YU", "U", "V"];

/// Surnames read differently from the character's everyday reading, and multi-character
/// surnames (which also tell where the surname ends in a name written without spaces).
/// Readings as PRC passports spell them; traditional forms where they differ.
const SURNAMES: &[(&str, &str)] = &[
    // One character, surname reading.
    ("单", "SHAN"),
    ("單", "SHAN"),
    ("曾", "ZENG"),
    ("解", "XIE"),
    ("仇", "QIU"),
    ("朴", "PIAO"),
    ("区", "OU"),
    ("區", "OU"),
    ("查", "ZHA"),
    ("盖", "GE"),
    ("蓋", "GE"),
    ("繁", "PO"),
    ("覃", "QIN"),
    ("翟", "ZHAI"),
    ("秘", "BI"),
    ("员", "YUN"),
    ("缪", "MIAO"),
    ("繆", "MIAO"),
    ("种", "CHONG"),
    ("種", "CHONG"),
    ("乐", "YUE"),
    ("樂", "YUE"),
    ("召", "SHAO"),
    ("折", "SHE"),
    ("黑", "HE"),
    ("句", "GOU"),
    ("阚", "KAN"),
    ("闞", "KAN"),
    ("隗", "WEI"),
    ("宓", "FU"),
    ("洗", "XIAN"),
    ("那", "NA"),
    ("藏", "ZANG"),
    ("牟", "MOU"),
    ("车", "CHE"),
    ("車", "CHE"),
    ("华", "HUA"),
    ("華", "HUA"),
    ("任", "REN"),
    ("纪", "JI"),
    ("紀", "JI"),
    ("贾", "JIA"),
    ("賈", "JIA"),
    ("陆", "LU"),
    ("陸", "LU"),
    ("费", "FEI"),
    ("費", "FEI"),
    ("蕃", "PI"),
    ("逄", "PANG"),
    ("佴", "NAI"),
    ("厍", "SHE"),
    ("郇", "HUAN"),
    ("眭", "SUI"),
    ("过", "GUO"),
    ("過", "GUO"),
    // Compound surnames.
    ("欧阳", "OUYANG"),
    ("歐陽", "OUYANG"),
    ("司马", "SIMA"),
    ("司馬", "SIMA"),
    ("上官", "SHANGGUAN"),
    ("诸葛", "ZHUGE"),
    ("諸葛", "ZHUGE"),
    ("东方", "DONGFANG"),
    ("東方", "DONGFANG"),
    ("皇甫", "HUANGFU"),
    ("尉迟", "YUCHI"),
    ("尉遲", "YUCHI"),
    ("万俟", "MOQI"),
    ("萬俟", "MOQI"),
    ("长孙", "ZHANGSUN"),
    ("長孫", "ZHANGSUN"),
    ("公孙", "GONGSUN"),
    ("公孫", "GONGSUN"),
    ("慕容", "MURONG"),
    ("令狐", "LINGHU"),
    ("夏侯", "XIAHOU"),
    ("轩辕", "XUANYUAN"),
    ("軒轅", "XUANYUAN"),
    ("端木", "DUANMU"),
    ("宇文", "YUWEN"),
    ("司徒", "SITU"),
    ("司空", "SIKONG"),
    ("澹台", "TANTAI"),
    ("单于", "CHANYU"),
    ("單于", "CHANYU"),
    ("呼延", "HUYAN"),
    ("钟离", "ZHONGLI"),
    ("鍾離", "ZHONGLI"),
    ("南宫", "NANGONG"),
    ("南宮", "NANGONG"),
    ("西门", "XIMEN"),
    ("西門", "XIMEN"),
    ("独孤", "DUGU"),
    ("獨孤", "DUGU"),
    ("闻人", "WENREN"),
    ("聞人", "WENREN"),
    ("赫连", "HELIAN"),
    ("赫連", "HELIAN"),
    ("申屠", "SHENTU"),
    ("公羊", "GONGYANG"),
    ("淳于", "CHUNYU"),
    ("拓跋", "TUOBA"),
    ("完颜", "WANYAN"),
    ("完顏", "WANYAN"),
    ("第五", "DIWU"),
    ("左丘", "ZUOQIU"),
    ("东郭", "DONGGUO"),
    ("百里", "BAILI"),
    ("濮阳", "PUYANG"),
    ("宗政", "ZONGZHENG"),
    ("爱新觉罗", "AIXINJUELUO"),
    ("愛新覺羅", "AIXINJUELUO"),
];

/// The most readings kept for a merged compound surname; real ones have a handful.
const COMPOUND_READINGS_CAP: usize = 64;

/// Whether `c` is a Chinese character (CJK unified or compatibility ideograph, or 〇).
pub(crate) fn is_han(c: char) -> bool {
    matches!(
        u32::from(c),
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F
            | 0x30000..=0x323AF
    )
}

/// Every reading of `c` in passport spelling, as the `pinyin` crate's heteronym data lists them;
/// empty when the crate has no reading (some rare characters).
pub(crate) fn readings(c: char) -> Vec<Cow<'static, str>> {
    let mut out: Vec<Cow<'static, str>> = Vec::new();
    let Some(multi) = c.to_pinyin_multi() else {
        return out;
    };
    for reading in multi.into_iter().map(Pinyin::plain) {
        for spelled in passport_spellings(reading) {
            if !spelled.is_empty() && !out.contains(&spelled) {
                out.push(spelled);
            }
        }
    }
    out
}

/// Uppercase ASCII forms of one toneless pinyin syllable; several only when it has ü.
fn passport_spellings(plain: &str) -> Vec<Cow<'static, str>> {
    let ascii = |s: &str| -> String {
        s.nfkd()
            .filter(|c| !is_combining_mark(*c))
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    if plain.contains('ü') {
        U_UMLAUT
            .iter()
            .map(|u| Cow::Owned(ascii(&plain.replace('ü', u))))
            .collect()
    } else {
        vec![Cow::Owned(ascii(plain))]
    }
}

/// The lengths, in characters, that the surname at the start of an unspaced Chinese name may
/// have: known compound surnames first, then one character.
pub(crate) fn surname_lengths(word: &Word) -> Vec<usize> {
    let text = word.source();
    let mut lengths: Vec<usize> = SURNAMES
        .iter()
        .filter(|(name, _)| name.chars().count() > 1 && text.starts_with(name))
        .map(|(name, _)| name.chars().count())
        .filter(|n| *n < word.segs.len())
        .collect();
    lengths.sort_unstable_by(|a, b| b.cmp(a));
    lengths.dedup();
    if !word.segs.is_empty() {
        lengths.push(1);
    }
    lengths
}

/// `word` read as a surname: a known surname at its start gets its surname reading first (the
/// other readings stay allowed), and a compound surname becomes one segment.
pub(crate) fn as_surname(mut word: Word) -> Word {
    if !word.segs.first().is_some_and(|s| s.han) {
        return word;
    }
    let text = word.source();
    let Some((name, reading)) = SURNAMES
        .iter()
        .filter(|(name, _)| text.starts_with(name))
        .max_by_key(|(name, _)| name.len())
    else {
        return word;
    };
    let len = name.chars().count();
    if len > word.segs.len() || !word.segs[..len].iter().all(|s| s.han) {
        return word;
    }
    let mut alts: Vec<Cow<'static, str>> = vec![Cow::Borrowed(*reading)];
    let mut merged: Vec<String> = vec![String::new()];
    for seg in &word.segs[..len] {
        merged = merged
            .iter()
            .flat_map(|head| seg.alts.iter().map(move |alt| format!("{head}{alt}")))
            .take(COMPOUND_READINGS_CAP)
            .collect();
    }
    for spelled in merged {
        if !alts.iter().any(|a| *a == spelled) {
            alts.push(Cow::Owned(spelled));
        }
    }
    let seg = Seg {
        alts,
        text: (*name).to_owned(),
        han: true,
    };
    word.segs.splice(..len, [seg]);
    word
}

/// The Chinese characters of `name` outside GB 2312 (生僻字), each once, in order of appearance.
pub fn rare_characters(name: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in name.chars().filter(|c| is_han(*c) && !in_gb2312(*c)) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Whether `c` is one of the 6763 hanzi of GB 2312 (table and provenance in gb2312_hanzi.txt).
pub(crate) fn in_gb2312(c: char) -> bool {
    static TABLE: OnceLock<Vec<char>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut chars: Vec<char> = include_str!("gb2312_hanzi.txt")
                .lines()
                .filter(|line| !line.starts_with('#'))
                .flat_map(str::chars)
                .collect();
            chars.sort_unstable();
            chars
        })
        .binary_search(&c)
        .is_ok()
}

/// The Chinese characters of `words` that have no pinyin reading, each once.
pub(crate) fn unreadable(words: &[Word]) -> Vec<char> {
    let mut out = Vec::new();
    for seg in words.iter().flat_map(|w| &w.segs) {
        if seg.han && seg.alts.is_empty() {
            for c in seg.text.chars() {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::normalise::words;

    fn strs(v: Vec<Cow<'static, str>>) -> Vec<String> {
        v.into_iter().map(Cow::into_owned).collect()
    }

    #[test]
    fn readings_include_heteronyms() {
        assert_eq!(strs(readings('张')), ["ZHANG"]);
        let shan = strs(readings('单'));
        assert!(shan.contains(&"DAN".to_owned()) && shan.contains(&"SHAN".to_owned()));
        assert!(strs(readings('曾')).contains(&"ZENG".to_owned()));
        assert!(readings('a').is_empty());
    }

    #[test]
    fn u_umlaut_is_yu_u_or_v() {
        assert_eq!(strs(readings('吕')), ["LYU", "LU", "LV"]);
        assert_eq!(strs(readings('女'))[..3], ["NYU", "NU", "NV"]);
        assert_eq!(strs(readings('略')), ["LYUE", "LUE", "LVE"]);
        // After j/q/x/y the ü is already written u.
        assert_eq!(strs(readings('徐')), ["XU"]);
    }

    #[test]
    fn surname_reading_comes_first_and_compounds_merge() {
        let word = as_surname(words("单").remove(0));
        assert_eq!(word.segs[0].alts[0], "SHAN");
        let word = as_surname(words("欧阳修").remove(0));
        assert_eq!(word.segs.len(), 2);
        assert_eq!(word.segs[0].text, "欧阳");
        assert_eq!(word.segs[0].alts[0], "OUYANG");
        assert_eq!(surname_lengths(&words("欧阳修").remove(0)), [2, 1]);
        assert_eq!(surname_lengths(&words("张三丰").remove(0)), [1]);
        // A compound surname alone is not split off from nothing.
        assert_eq!(surname_lengths(&words("欧阳").remove(0)), [1]);
        // Latin words are left alone.
        let latin = words("SHAN").remove(0);
        assert_eq!(as_surname(latin.clone()), latin);
    }

    #[test]
    fn gb2312_table_is_complete_and_exact() {
        let rows: Vec<&str> = include_str!("gb2312_hanzi.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect();
        assert_eq!(rows.len(), 72);
        let counts: Vec<usize> = rows.iter().map(|r| r.chars().count()).collect();
        assert!(counts
            .iter()
            .enumerate()
            .all(|(i, n)| *n == if i == 55 - 16 { 89 } else { 94 }));
        // First and last of level 1 (0xB0A1, 0xD7F9) and of level 2 (0xD8A1, 0xF7FE).
        assert_eq!(rows[0].chars().next(), Some('啊'));
        assert_eq!(rows[39].chars().last(), Some('座'));
        assert_eq!(rows[40].chars().next(), Some('亍'));
        assert_eq!(rows[71].chars().last(), Some('齄'));
        assert!(rows.concat().chars().all(is_han));
    }

    #[test]
    fn rare_characters_are_outside_gb2312() {
        assert!(rare_characters("张三丰").is_empty());
        assert!(rare_characters("ZHANG 单田芳").is_empty());
        // 堃 is in GBK but not GB 2312; 䶮 is CJK extension A; 𠇔 extension B.
        assert_eq!(rare_characters("王堃"), ['堃']);
        assert_eq!(rare_characters("刘䶮䶮"), ['䶮']);
        assert_eq!(rare_characters("𠇔 and 喆"), ['𠇔', '喆']);
        // Traditional forms outside GB 2312 count too: banks' GB 2312 systems cannot store them.
        assert_eq!(rare_characters("張"), ['張']);
        assert!(rare_characters("").is_empty());
    }

    #[test]
    fn unreadable_characters_are_reported() {
        assert_eq!(unreadable(&words("𠇔三")), ['𠇔']);
        assert!(unreadable(&words("张三")).is_empty());
    }
}
