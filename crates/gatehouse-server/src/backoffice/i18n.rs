//! Back-office texts, from `locales/<lang>/backoffice.toml`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use gatehouse_core::i18n::Lang;

fn load(text: &str) -> BTreeMap<String, String> {
    // Compiled in and covered by tests: a parse failure is a build defect.
    toml::from_str(text).expect("locale backoffice.toml must parse")
}

static EN: LazyLock<BTreeMap<String, String>> =
    LazyLock::new(|| load(include_str!("../../../../locales/en/backoffice.toml")));
static ZH_CN: LazyLock<BTreeMap<String, String>> =
    LazyLock::new(|| load(include_str!("../../../../locales/zh-CN/backoffice.toml")));

fn table(lang: Lang) -> &'static BTreeMap<String, String> {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH_CN,
    }
}

/// The text of `key` in `lang` (English, then the key itself, when missing).
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    table(lang)
        .get(key)
        .or_else(|| EN.get(key))
        .map(String::as_str)
        .unwrap_or(key)
}

/// Every key of a language.
pub fn keys(lang: Lang) -> Vec<&'static str> {
    table(lang).keys().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_the_same_keys_and_no_empty_text() {
        let en = keys(Lang::En);
        assert!(en.len() > 50);
        for lang in Lang::ALL {
            assert_eq!(keys(lang), en, "{}", lang.tag());
            for k in keys(lang) {
                assert!(
                    !table(lang)[k].trim().is_empty(),
                    "{k} is empty in {}",
                    lang.tag()
                );
            }
        }
        assert_eq!(t(Lang::ZhCn, "claim"), "领取");
    }

    #[test]
    fn every_key_the_pages_use_exists() {
        let source = include_str!("html.rs").to_owned() + include_str!("mod.rs");
        let mut rest = source.as_str();
        let mut checked = 0;
        while let Some(i) = rest
            .find("t(lang, \"")
            .or_else(|| rest.find("t(p.lang, \""))
        {
            let after = &rest[i..];
            let start = after.find('"').unwrap() + 1;
            let end = start + after[start..].find('"').unwrap();
            let key = &after[start..end];
            assert!(
                EN.contains_key(key),
                "{key} is used but not in backoffice.toml"
            );
            checked += 1;
            rest = &after[end..];
        }
        assert!(checked > 30, "{checked}");
    }
}
