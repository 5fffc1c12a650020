//! Concrete pairs for every rule, and property tests over arbitrary input.

use proptest::prelude::*;

use super::*;

#[track_caller]
fn yes(typed: &str, doc: &str) -> NameMatch {
    let m = match_names(typed, doc);
    assert!(m.matched, "{typed:?} vs {doc:?} should match: {m:?}");
    assert!(m.score >= MATCH_THRESHOLD);
    m
}

#[track_caller]
fn no(typed: &str, doc: &str) -> NameMatch {
    let m = match_names(typed, doc);
    assert!(!m.matched, "{typed:?} vs {doc:?} should not match: {m:?}");
    assert!(m.score < MATCH_THRESHOLD);
    m
}

fn person(given: &str, surname: &str, native: Option<&str>) -> TypedName {
    TypedName {
        given_names: given.into(),
        surname: surname.into(),
        native_name: native.map(Into::into),
    }
}

fn doc(surname: &str, given: &str) -> DocName {
    DocName {
        surname: surname.into(),
        given_names: given.into(),
    }
}

#[test]
fn identical_and_formatting() {
    let m = yes("ZHANG SANFENG", "ZHANG SANFENG");
    assert_eq!((m.score, m.why.as_str()), (1.0, "names match"));
    assert_eq!(yes("  zhang   sanfeng ", "ZHANG<<SANFENG<<<<<<").score, 1.0);
    assert_eq!(yes("JEAN-PIERRE DUPONT", "JEAN PIERRE DUPONT").score, 1.0);
    assert_eq!(yes("Jean Pierre Dupont", "DUPONT<<JEANPIERRE").score, 1.0);
    assert_eq!(yes("JEANPIERRE DUPONT", "DUPONT<<JEAN<PIERRE").score, 1.0);
    assert_eq!(yes("Shaun O'Neil", "ONEIL<<SHAUN").score, 1.0);
    assert_eq!(yes("Shaun O’Neil", "O'NEIL, SHAUN").score, 1.0);
}

#[test]
fn icao_transliteration() {
    assert_eq!(yes("MÜLLER", "MUELLER").score, 1.0);
    let m = yes("MÜLLER", "MULLER");
    assert_eq!(m.score, 0.97);
    assert_eq!(m.why, "accepted transliteration: Ü as U");
    assert_eq!(yes("ØSTERGAARD", "OESTERGAARD").score, 1.0);
    assert_eq!(yes("STRAßE", "STRASSE").score, 1.0);
    assert_eq!(yes("Jürgen Groß", "GROSS<<JUERGEN").score, 1.0);
    assert_eq!(
        yes("Þórunn Guðmundsdóttir", "GUDMUNDSDOTTIR<<THORUNN").score,
        1.0
    );
    assert_eq!(yes("José Muñoz", "MUNOZ<<JOSE").score, 1.0);
    yes("José Muñoz", "MUNXXOZ<<JOSE");
    // Printed on both sides.
    assert_eq!(yes("Müller", "MÜLLER").score, 1.0);
    // Without evidence of an umlaut, UE and U are different letters.
    let m = no("MUELLER", "MULLER");
    assert!(m
        .why
        .starts_with("one character differs: MUELLER vs MULLER"));
    assert!(m.why.contains("Ü"));
}

#[test]
fn cyrillic_transliteration() {
    assert_eq!(yes("Юлия Щеглова", "SHCHEGLOVA<<IULIIA").score, 1.0);
    assert_eq!(yes("Хрущёв Никита", "KHRUSHCHEV NIKITA").score, 1.0);
    let m = yes("Юлия Щеглова", "SHCHEGLOVA<<YULIYA");
    assert!(m.why.contains("Ю as YU"), "{m:?}");
    no("Юлия Щеглова", "SHCHEGLOVA<<IULIA");
}

#[test]
fn order_and_swapped_fields() {
    assert_eq!(yes("San Feng Zhang", "ZHANG SANFENG").score, 1.0);
    assert_eq!(yes("Sanfeng Zhang", "ZHANG<<SANFENG").score, 1.0);
    let m = match_person(&person("Sanfeng", "Zhang", None), &doc("ZHANG", "SANFENG"));
    assert_eq!(
        (m.matched, m.score, m.why.as_str()),
        (true, 1.0, "names match")
    );
    let m = match_person(&person("Zhang", "San Feng", None), &doc("ZHANG", "SANFENG"));
    assert_eq!(m.why, "surname and given names swapped");
    assert_eq!((m.matched, m.score), (true, 0.9));
    let m = match_names("SANFENG, ZHANG", "ZHANG<<SANFENG");
    assert_eq!(
        (m.matched, m.why.as_str()),
        (true, "surname and given names swapped")
    );
    // Everything typed into one field.
    let m = match_person(&person("", "Zhang Sanfeng", None), &doc("ZHANG", "SANFENG"));
    assert!(m.matched && m.why.contains("split differently"), "{m:?}");
    // Given names in another order are another name.
    no("Maria Anna Eriksson", "ERIKSSON<<ANNA<MARIA");
}

#[test]
fn middle_names() {
    let m = yes("Anna Eriksson", "ANNA MARIA ERIKSSON");
    assert_eq!(m.score, 0.9);
    assert_eq!(m.why, "given name on the document not typed: MARIA");
    let m = match_person(
        &person("Anna", "Eriksson", None),
        &doc("ERIKSSON", "ANNA MARIA LOUISE"),
    );
    assert_eq!((m.matched, m.score), (true, 0.88));
    assert_eq!(m.why, "given names on the document not typed: MARIA LOUISE");
    assert_eq!(yes("Maria Eriksson", "ERIKSSON<<ANNA<MARIA").score, 0.9);
    // An extra name is not on the document.
    let m = no("Anna Maria Eriksson", "ERIKSSON<<ANNA");
    assert_eq!(m.why, "typed name not on the document: MARIA");
    no("Anna Petra Eriksson", "ERIKSSON<<ANNA<MARIA");
    // Free text: the surname at either end cannot be the missing one.
    no("Anna Maria", "ANNA MARIA ERIKSSON");
    // Every given name missing is not a missing middle name.
    no("Eriksson", "ERIKSSON<<ANNA");
}

#[test]
fn chinese_characters_against_pinyin() {
    let m = yes("张三丰", "ZHANG SANFENG");
    assert_eq!(m.score, 0.95);
    assert_eq!(
        m.why,
        "Chinese characters match the pinyin: 张三丰 = ZHANG SANFENG"
    );
    yes("张三丰", "ZHANG<<SANFENG");
    yes("张三丰", "ZHANG SAN FENG");
    yes("ZHANG SANFENG", "张三丰");
    yes("单田芳", "SHAN TIANFANG");
    yes("曾国藩", "ZENG GUOFAN");
    yes("欧阳修", "OUYANG XIU");
    yes("尉迟恭", "YUCHI GONG");
    yes("万俟卨", "MOQI XIE");
    yes("诸葛亮", "ZHUGE<<LIANG");
    // ü: LYU on passports since 2012, LU before, LV as typed.
    yes("吕布", "LYU BU");
    yes("吕布", "LU<<BU");
    yes("吕布", "LV BU");
    // Pinyin typed with ü.
    yes("Lü Bu", "LYU<<BU");
    // Any reading of a character is allowed: the document is the authority on which.
    yes("单田芳", "DAN TIANFANG");
    yes("长孙无忌", "ZHANGSUN WUJI");
    // Characters against characters compare as characters.
    assert_eq!(yes("张三丰", "张三丰").score, 1.0);
    no("张三丰", "章三丰");
    let m = no("张三", "ZHANG SANFENG");
    assert_eq!(m.why, "given names differ: 三 (SAN) vs SANFENG");
    no("LI WEI", "WANG WEI");
    no("张三丰", "ZHANG SANFEN");
}

#[test]
fn native_name_with_fields() {
    let ok = match_person(
        &person("San Feng", "Zhang", Some("张三丰")),
        &doc("ZHANG", "SANFENG"),
    );
    assert!(ok.matched && ok.score == 0.95, "{ok:?}");
    assert!(ok.why.starts_with("native name: Chinese characters"));
    let bad = match_person(
        &person("San Feng", "Zhang", Some("张三")),
        &doc("ZHANG", "SANFENG"),
    );
    assert!(!bad.matched && bad.why.starts_with("native name: given names differ"));
    // A character without a reading cannot be checked; the Latin fields decide.
    let rare = match_person(&person("Yan", "Liu", Some("刘𠇔")), &doc("LIU", "YAN"));
    assert!(rare.matched, "{rare:?}");
    assert!(rare
        .why
        .contains("not checked: no pinyin reading known for 𠇔"));
    // Only the native name typed.
    let m = match_person(&person("", "", Some("单田芳")), &doc("SHAN", "TIANFANG"));
    assert!(m.matched);
}

#[test]
fn small_typos_are_mismatches() {
    let m = no("ZHANG SANFENG", "ZHANG SANFEN");
    assert_eq!(m.why, "one character differs: SANFENG vs SANFEN");
    assert_eq!(m.score, 0.73);
    let m = no("ZHANG<<SANFENG", "ZHANG<<SANFEN");
    let why = "one character differs in the given names: SANFENG vs SANFEN";
    assert_eq!(m.why, why);
    // Free text does not say which part is the surname.
    let m = no("LI WEI", "WANG WEI");
    assert_eq!(
        (m.why.as_str(), m.score),
        ("a name differs: LI vs WANG", 0.4)
    );
    assert_eq!(no("LI WEI", "WANG<<WEI").why, "surname differs: LI vs WANG");
    assert_eq!(no("Zhang", "ZHANG<<WEI").why, "given names not typed: WEI");
    let m = no("Ericsson Anna", "ERIKSSON<<ANNA");
    assert!(
        m.why.starts_with("one character differs in the surname"),
        "{m:?}"
    );
    no("Jon Smith", "JOHN SMITH");
}

#[test]
fn truncated_mrz_name() {
    let m = yes(
        "Cacador de Araujo, Andre Estevao",
        "CACADOR<DE<ARAUJO<<ANDRE<ESTEV",
    );
    assert!(m.why.contains("cut short") && m.score == 0.95, "{m:?}");
    // Only a full field may be cut.
    no(
        "Cacador de Araujo, Andre Estevao",
        "CACADOR<DE<ARAUJO<<ANDRE<ESTEV<<<",
    );
}

#[test]
fn empty_and_oversized() {
    assert_eq!(no("", "ZHANG").why, "typed name is empty");
    assert_eq!(no("ZHANG", " <<< ").why, "document name is empty");
    let m = match_person(&TypedName::default(), &doc("ZHANG", "SAN"));
    assert_eq!(m.why, "typed name is empty");
    let long = "A".repeat(300);
    assert!(no(&long, &long).why.contains("too long"));
}

#[test]
fn json_has_exactly_three_keys() {
    let v = to_json(&match_names("张三丰", "ZHANG SANFENG"));
    assert_eq!(
        v,
        serde_json::json!({
            "match": true,
            "score": 0.95,
            "why": "Chinese characters match the pinyin: 张三丰 = ZHANG SANFENG"
        })
    );
}

/// Names built from a small pool, so that matches and near-misses both occur.
fn pool_name(with_chinese: bool) -> impl Strategy<Value = String> {
    let mut pool = vec![
        "Anna",
        "ANNA",
        "Maria",
        "Müller",
        "MUELLER",
        "MULLER",
        "Zhang",
        "张",
        "三丰",
        "SANFENG",
        "San",
        "Feng",
        "O'Neil",
        "ONEIL",
        "Jean-Pierre",
        "JEAN",
        "PIERRE",
        "Østergaard",
        "单",
        "SHAN",
        "Юлия",
        "IULIIA",
        "吕",
        "LYU",
    ];
    if !with_chinese {
        pool.retain(|w| !w.chars().any(chinese::is_han));
    }
    let word = prop::sample::select(pool);
    let sep = prop::sample::select(vec![" ", "-", "<<", ", ", "<"]);
    prop::collection::vec((word, sep), 1..5).prop_map(|parts| {
        let mut s = String::new();
        for (i, (w, sep)) in parts.iter().enumerate() {
            if i > 0 {
                s.push_str(sep);
            }
            s.push_str(w);
        }
        s
    })
}

proptest! {
    #[test]
    fn never_panics_and_score_agrees(a in "\\PC{0,60}", b in any::<String>()) {
        let _ = normalise(&a);
        let _ = rare_characters(&b);
        for m in [match_names(&a, &b), match_names(&b, &a)] {
            prop_assert!((0.0..=1.0).contains(&m.score));
            prop_assert_eq!(m.matched, m.score >= MATCH_THRESHOLD);
            prop_assert!(!m.why.is_empty());
            prop_assert_eq!(to_json(&m).as_object().map(|o| o.len()), Some(3));
        }
        let t = TypedName { given_names: a.clone(), surname: b.clone(), native_name: Some(a.clone()) };
        let d = DocName { surname: b.clone(), given_names: a.clone() };
        let m = match_person(&t, &d);
        prop_assert_eq!(m.matched, m.score >= MATCH_THRESHOLD);
    }

    #[test]
    fn any_name_matches_itself(a in "\\PC{0,60}") {
        prop_assume!(!normalise::words(&a).is_empty());
        let m = match_names(&a, &a);
        prop_assert!(m.matched, "{:?}", m);
        let d = DocName { surname: a.clone(), given_names: String::new() };
        let t = TypedName { surname: a.clone(), ..TypedName::default() };
        prop_assert!(match_person(&t, &d).matched);
    }

    #[test]
    fn latin_names_match_themselves_exactly(a in "[A-Za-z' -]{1,40}") {
        prop_assume!(!normalise::words(&a).is_empty());
        prop_assert_eq!(match_names(&a, &a).score, 1.0);
    }

    #[test]
    fn symmetric_without_missing_names(a in pool_name(true), b in pool_name(true)) {
        let ab = match_names(&a, &b);
        if ab.matched && !ab.why.contains("not typed") && !ab.why.contains("cut short") {
            let ba = match_names(&b, &a);
            prop_assert!(ba.matched, "{:?} vs {:?}: {:?} but reversed {:?}", a, b, ab, ba);
            prop_assert_eq!(ab.score, ba.score);
        }
    }

    #[test]
    fn normalised_form_matches_the_original(a in pool_name(false)) {
        let n = normalise(&a);
        let m = match_names(&a, &n);
        prop_assert!(m.matched, "{:?} vs {:?}: {:?}", a, n, m);
    }
}
