//! Spelling variants of one name token: an equivalence table for the frequent tokens whose
//! romanisations differ by more than a typo (MUHAMMAD/MOHAMED, ABD/ABDUL, BIN/BEN/IBN), a
//! folding that erases the usual transliteration differences (KH/H, PH/F, Y/I, doubled
//! letters), and a consonant skeleton for words whose vowels are unknown (unvowelled Arabic).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// Romanisations of one name token; the first is the canonical one. Only spellings that a
/// one-letter typo or [`fold`] would not already unite need listing.
const CLASSES: &[&[&str]] = &[
    // Arabic name elements.
    &[
        "MUHAMMAD",
        "MOHAMMAD",
        "MOHAMMED",
        "MOHAMED",
        "MOHAMAD",
        "MUHAMMED",
        "MUHAMED",
        "MUHAMAD",
        "MOHAMET",
        "MOHAMMET",
        "MEHMET",
        "MEHMED",
        "MOHD",
        "MOUHAMED",
        "MOUHAMAD",
        "MOUHAMMAD",
        "MAHOMED",
        "MAHAMAT",
        "MAHAMED",
    ],
    &["AHMAD", "AHMED", "AHMET", "ACHMAD", "ACHMED"],
    &[
        "ABD", "ABDUL", "ABDEL", "ABDOUL", "ABDAL", "ABDOL", "ABDU", "ABDI",
    ],
    &[
        "ABDULLAH",
        "ABDALLAH",
        "ABDULLA",
        "ABDELLAH",
        "ABDOULLAH",
        "ABDULAH",
        "ABDALLA",
    ],
    &["AL", "EL", "UL", "OL"],
    &["BIN", "BEN", "IBN", "BN", "IBIN"],
    &["ABU", "ABOU", "ABO", "BU"],
    &["USAMA", "OSAMA", "OUSSAMA", "OSSAMA", "USAAMAH", "USSAMA"],
    &["UMAR", "OMAR", "OMER", "UMER", "OUMAR"],
    &["UTHMAN", "OTHMAN", "OSMAN", "USMAN", "OTMAN", "OUTHMAN"],
    &[
        "HUSAYN", "HUSSEIN", "HUSSAIN", "HUSAIN", "HOSSEIN", "HOSEIN", "HUSEYIN", "HUSEIN",
        "HOUSSEIN",
    ],
    &["HASAN", "HASSAN", "HASSEN", "HASAAN"],
    &[
        "YUSUF", "YOUSEF", "YOUSSEF", "YOUSUF", "YUSOF", "YOUSOUF", "YOSEF", "YUSEF",
    ],
    &[
        "MUSTAFA", "MOSTAFA", "MUSTAPHA", "MOUSTAFA", "MOSTAPHA", "MUSTAFFA",
    ],
    &["MAHMUD", "MAHMOUD", "MAHMOOD", "MEHMUD"],
    &["KHALID", "KHALED", "CHALID", "HALID"],
    &["SAID", "SAEED", "SAIED", "SAYEED", "SAAD"],
    &[
        "SAYYID", "SAYED", "SAYID", "SEYED", "SEYYED", "SAYYED", "SEYYID",
    ],
    &["IBRAHIM", "EBRAHIM", "IBRAHEEM", "IBRAGIM", "EBRAHEEM"],
    &["ISMAIL", "ISMAEL", "ESMAIL", "ISMAEEL", "SMAIL"],
    &["YUNUS", "YOUNES", "YOUNIS", "YUNIS", "YOUNESS", "YOUNUS"],
    &["JAFAR", "JAAFAR", "JAFFAR", "DJAFAR", "GAFAR"],
    &[
        "SULAYMAN", "SULEIMAN", "SOLEIMAN", "SULAIMAN", "SOLIMAN", "SULEYMAN", "SLIMANE",
    ],
    &["YAHYA", "YAHIA", "YEHIA", "YAHIYA"],
    &["MUSA", "MOUSA", "MOUSSA", "MOOSA", "MOSA"],
    &["ISA", "ISSA", "EISA", "EISSA", "AISA"],
    &["ZAKARIYA", "ZAKARIA", "ZAKARIYYA", "ZAKARYA"],
    &["NASIR", "NASSER", "NASER", "NASEER", "NACER"],
    &["FAYSAL", "FAISAL", "FEISAL", "FAYCAL", "FAISSAL"],
    &["JAMAL", "GAMAL", "DJAMEL", "JAMEL"],
    &["HAMZA", "HAMZAH", "HAMSA"],
    &["MAHDI", "MEHDI", "MAHADI"],
    &["HAMID", "HAMED", "HAMEED"],
    &["TARIQ", "TAREK", "TARIK", "TAREQ"],
    &["ALI", "ALY", "ALEE"],
    &["ABBAS", "ABAS"],
    &["HAJ", "HAJJ", "HADJ"],
    &["DIN", "DEEN", "DINE", "EDDINE", "UDDIN", "UDDEEN"],
    &["RAHMAN", "REHMAN", "RAHMANE"],
    &["ZAWAHIRI", "ZAWAHRI", "ZAWAHERI"],
    &["QADIR", "KADIR", "QADER", "KADER", "GHADIR"],
    &["AZIZ", "ABDULAZIZ", "ABDELAZIZ"],
    &["IZZAT", "EZZAT", "IZZET"],
    // Slavic names with romanisations beyond folding.
    &[
        "ALEKSANDR",
        "ALEXANDER",
        "ALEKSANDER",
        "ALEXANDR",
        "OLEKSANDR",
        "ALIAKSANDR",
    ],
    &[
        "ALEKSEI", "ALEXEI", "ALEKSEY", "ALEXEY", "OLEKSII", "ALIAKSEI",
    ],
    &[
        "DMITRY", "DMITRI", "DMITRIY", "DMITRII", "DMYTRO", "DZMITRY",
    ],
    &[
        "YEVGENY", "EVGENY", "EVGENII", "YEVGENIY", "EVGENIY", "YEVHEN", "EUGENE",
    ],
    &["SERGEI", "SERGEY", "SERHII", "SERHIY", "SIARHEI", "SERGIY"],
    &["YURI", "YURIY", "IURII", "YURY", "YURII", "IURI", "YURIJ"],
    &["NIKOLAI", "NIKOLAY", "MYKOLA", "NICOLAI", "MIKALAI"],
    &["ANDREI", "ANDREY", "ANDRII", "ANDRIY", "ANDRIJ"],
    &["MIKHAIL", "MIKHAYLO", "MYKHAILO", "MICHAIL", "MIKHAIIL"],
    &["PYOTR", "PETR", "PIOTR", "PETRO"],
    &["VLADIMIR", "VOLODYMYR", "ULADZIMIR", "WLADIMIR"],
    &["VIKTOR", "VICTOR", "WIKTOR"],
    &["IGOR", "IHOR", "IGAR"],
    // Chinese: Wade-Giles and Cantonese forms of frequent surnames against pinyin.
    &["ZHANG", "CHANG", "CHEUNG"],
    &["ZHOU", "CHOU", "CHOW"],
    &["CHEN", "CHAN"],
    &["HUANG", "WONG", "HWANG"],
    &["LI", "LEE"],
    &["WANG", "WONG"],
    &["XU", "HSU", "HSUI", "TSUI"],
    &["ZHAO", "CHAO", "CHIU"],
    &["JIANG", "CHIANG", "KIANG"],
    &["XIE", "HSIEH", "TSE"],
    // Korean surnames.
    &["KIM", "GIM"],
    &["PAK", "PARK", "BAK"],
    &["RI", "LEE", "YI", "RHEE"],
    &["CHOE", "CHOI"],
];

/// Particles and honorific words of a name: they tell little about who is meant.
const PARTICLES: &[&str] = &[
    "AL", "EL", "UL", "BIN", "BEN", "IBN", "BINT", "ABU", "UMM", "DE", "DA", "DI", "DEL", "DOS",
    "DAS", "DU", "LA", "LE", "VAN", "VON", "DER", "DEN", "TER",
];

/// Titles dropped before matching (they are not part of who a person is), compared folded
/// (so ХАДЖИ, KHADZHI, is HAJI).
const HONORIFICS: &[&str] = &[
    "MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "SIR", "DAME", "SHEIKH", "SHAIKH", "SHAYKH",
    "SHAYK", "HAJ", "HAJI", "ALHAJ", "ALHAJI", "MULLAH", "MAULAVI", "MAWLAWI", "MAULVI", "MOULVI",
    "QARI",
];

/// Whether `token` is a title such as MR, DR, SHEIKH or HAJI.
pub(super) fn is_honorific(token: &str) -> bool {
    static FOLDED: OnceLock<Vec<String>> = OnceLock::new();
    let folded = FOLDED.get_or_init(|| HONORIFICS.iter().map(|h| fold(h)).collect());
    token.len() <= 8 && folded.contains(&fold(token))
}

/// The equivalence classes `token` belongs to (usually none; WONG is both HUANG and WANG).
pub(super) fn classes(token: &str) -> &'static [u16] {
    static MAP: OnceLock<FxHashMap<&'static str, Vec<u16>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: FxHashMap<&'static str, Vec<u16>> = FxHashMap::default();
        for (i, class) in CLASSES.iter().enumerate() {
            for spelling in *class {
                let ids = map.entry(*spelling).or_default();
                if !ids.contains(&(i as u16)) {
                    ids.push(i as u16);
                }
            }
        }
        map
    })
    .get(token)
    .map_or(&[], Vec::as_slice)
}

/// Whether `token` is a particle (AL, BIN, DE, VAN, ...).
pub(super) fn is_particle(token: &str) -> bool {
    PARTICLES.contains(&token)
}

/// The token with the usual romanisation differences erased: digraphs folded (KH→H, PH→F,
/// TH→T, DH→D, GH→G, ZH/DJ/DZH→J, SCH→SH, CK/Q/C→K, X→KS), Y→I, W→V, OU→U, EE→I, OO→U,
/// German umlaut spellings (AE/OE/UE→A/O/U), a final H after a vowel dropped (USAMAH), and
/// doubled letters single.
pub(super) fn fold(token: &str) -> String {
    let c: Vec<char> = token.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let is_vowel = |x: char| matches!(x, 'A' | 'E' | 'I' | 'O' | 'U' | 'Y');
    let mut out = String::with_capacity(token.len());
    let mut i = 0;
    while i < c.len() {
        let (x, y, z) = (c[i], at(i + 1), at(i + 2));
        let (piece, step): (&str, usize) = match (x, y, z) {
            ('D', 'Z', 'H') => ("J", 3),
            ('S', 'C', 'H') => ("SH", 3),
            ('T', 'C', 'H') => ("CH", 3),
            ('P', 'H', _) => ("F", 2),
            ('K', 'H', _) => ("H", 2),
            ('G', 'H', _) => ("G", 2),
            ('T', 'H', _) => ("T", 2),
            ('D', 'H', _) => ("D", 2),
            ('Z', 'H', _) => ("J", 2),
            ('D', 'J', _) => ("J", 2),
            ('C', 'H', _) => ("CH", 2),
            ('S', 'H', _) => ("SH", 2),
            ('C', 'K', _) => ("K", 2),
            ('O', 'U', _) => ("U", 2),
            ('E', 'E', _) => ("I", 2),
            ('O', 'O', _) => ("U", 2),
            ('A', 'E', _) => ("A", 2),
            ('O', 'E', _) => ("O", 2),
            ('U', 'E', _) => ("U", 2),
            ('H', '\0', _) if i > 0 && is_vowel(c[i - 1]) => ("", 1),
            ('Q', _, _) | ('C', _, _) => ("K", 1),
            ('X', _, _) => ("KS", 1),
            ('Y', _, _) => ("I", 1),
            ('W', _, _) => ("V", 1),
            _ => {
                push_single(&mut out, x);
                i += 1;
                continue;
            }
        };
        for ch in piece.chars() {
            push_single(&mut out, ch);
        }
        i += step;
    }
    out
}

/// Appends `c` unless it doubles the last letter.
fn push_single(out: &mut String, c: char) {
    if !out.ends_with(c) {
        out.push(c);
    }
}

/// The consonants of the folded token, with a leading vowel kept as `A`: what an unvowelled
/// script writes (محمد MHMD, MUHAMMAD MHMD; أسامة ASM, USAMA ASM). W (folded V) inside a word
/// goes too: Arabic writes it with the same letter as the vowel U (ظواهري, ZAWAHIRI).
pub(super) fn skeleton(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    for (i, c) in folded.chars().enumerate() {
        let vowel = matches!(c, 'A' | 'E' | 'I' | 'O' | 'U') || (i > 0 && c == 'V');
        if i == 0 && vowel {
            out.push('A');
        } else if !vowel {
            push_single(&mut out, c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_class(a: &str, b: &str) -> bool {
        let (a, b) = (classes(a), classes(b));
        a.iter().any(|c| b.contains(c))
    }

    #[test]
    fn classes_unite_romanisations() {
        assert!(same_class("MOHAMED", "MUHAMMAD"));
        assert!(same_class("ABDEL", "ABD"));
        assert!(same_class("IBN", "BEN"));
        assert!(same_class("EL", "AL"));
        assert!(!same_class("HASAN", "HUSAYN"));
        assert!(classes("SMITH").is_empty());
        assert_eq!(classes("WONG").len(), 2);
    }

    #[test]
    fn folding_erases_transliteration_differences() {
        assert_eq!(fold("KHALID"), fold("HALID"));
        assert_eq!(fold("HUSSEIN"), "HUSEIN");
        assert_eq!(fold("HUSAYN"), "HUSAIN");
        assert_eq!(fold("YURIY"), fold("IURII"));
        assert_eq!(fold("ALEXANDER"), fold("ALEKSANDER"));
        assert_eq!(fold("MUELLER"), fold("MULLER"));
        assert_eq!(fold("USAMAH"), "USAMA");
        assert_eq!(fold("ZHUKOV"), fold("JUKOV"));
        assert_eq!(fold(""), "");
        assert_eq!(fold("张"), "张");
    }

    #[test]
    fn honorifics_in_any_spelling() {
        for h in [
            "DR", "SHEIKH", "SHAYKH", "HAJJI", "HADJI", "KHADZHI", "MULLA",
        ] {
            assert!(is_honorific(h), "{h}");
        }
        assert!(!is_honorific("HAJIYEV") && !is_honorific("DRAGAN"));
    }

    #[test]
    fn skeleton_keeps_consonants() {
        assert_eq!(skeleton(&fold("MUHAMMAD")), "MHMD");
        assert_eq!(skeleton(&fold("USAMA")), "ASM");
        assert_eq!(skeleton(&fold("LADIN")), skeleton("LADN"));
        assert_eq!(skeleton(""), "");
    }
}
