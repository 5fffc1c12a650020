//! Applicant-facing texts in every supported language, from `locales/<lang>/*.toml`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// BCP 47 tag, as sent in `Content-Language`.
    pub fn tag(&self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// Picks the best supported language from an `Accept-Language` header (RFC 9110 §12.5.4):
    /// highest q-value wins, ties go to the earlier entry, any `zh` variant maps to zh-CN.
    /// English when nothing matches.
    pub fn negotiate(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::En;
        };
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            let lang = if tag == "zh" || tag.starts_with("zh-") {
                Some(Lang::ZhCn)
            } else if tag == "en" || tag.starts_with("en-") {
                Some(Lang::En)
            } else {
                None
            };
            if let Some(lang) = lang {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }
}

/// The message and the fix for one reason code.
#[derive(Debug, Clone, Deserialize)]
pub struct ReasonText {
    pub message: String,
    pub fix: String,
}

/// The title of one API error code.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorText {
    pub title: String,
}

struct Locale {
    reasons: BTreeMap<String, ReasonText>,
    errors: BTreeMap<String, ErrorText>,
    labels: BTreeMap<String, String>,
}

fn load(reasons: &str, errors: &str, labels: &str) -> Locale {
    // The files are compiled in and covered by tests, so a parse failure is a build defect.
    Locale {
        reasons: toml::from_str(reasons).expect("locale reasons.toml must parse"),
        errors: toml::from_str(errors).expect("locale errors.toml must parse"),
        labels: toml::from_str(labels).expect("locale labels.toml must parse"),
    }
}

static EN: LazyLock<Locale> = LazyLock::new(|| {
    load(
        include_str!("../../../locales/en/reasons.toml"),
        include_str!("../../../locales/en/errors.toml"),
        include_str!("../../../locales/en/labels.toml"),
    )
});
static ZH_CN: LazyLock<Locale> = LazyLock::new(|| {
    load(
        include_str!("../../../locales/zh-CN/reasons.toml"),
        include_str!("../../../locales/zh-CN/errors.toml"),
        include_str!("../../../locales/zh-CN/labels.toml"),
    )
});

fn locale(lang: Lang) -> &'static Locale {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH_CN,
    }
}

/// The texts of a reason code, falling back to English, with `{name}` placeholders filled in
/// from the finding's evidence.
pub fn reason_text(lang: Lang, code: &str, evidence: Option<&Value>) -> Option<ReasonText> {
    let text = locale(lang)
        .reasons
        .get(code)
        .or_else(|| locale(Lang::En).reasons.get(code))?;
    Some(ReasonText {
        message: fill(lang, &text.message, evidence),
        fix: fill(lang, &text.fix, evidence),
    })
}

/// The title of an API error code, falling back to English.
pub fn error_title(lang: Lang, code: &str) -> Option<&'static str> {
    locale(lang)
        .errors
        .get(code)
        .or_else(|| locale(Lang::En).errors.get(code))
        .map(|t| t.title.as_str())
}

/// Reason codes that have texts in `lang`.
pub fn reason_codes(lang: Lang) -> impl Iterator<Item = &'static str> {
    locale(lang).reasons.keys().map(String::as_str)
}

/// Error codes that have texts in `lang`.
pub fn error_codes(lang: Lang) -> impl Iterator<Item = &'static str> {
    locale(lang).errors.keys().map(String::as_str)
}

/// The localised name of a field path, document type or slot, if there is one.
pub fn label(lang: Lang, key: &str) -> Option<&'static str> {
    locale(lang)
        .labels
        .get(key)
        .or_else(|| locale(Lang::En).labels.get(key))
        .map(String::as_str)
}

/// Replaces `{key}` with the evidence value, localised where the value names a field or type.
fn fill(lang: Lang, template: &str, evidence: Option<&Value>) -> String {
    let Some(Value::Object(values)) = evidence else {
        return template.to_owned();
    };
    let mut out = template.to_owned();
    for (key, value) in values {
        let text = match value {
            Value::String(s) => label(lang, s).unwrap_or(s).to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(items) if items.is_empty() => {
                label(lang, "_none").unwrap_or("-").to_owned()
            }
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .map(|s| label(lang, s).unwrap_or(s))
                .collect::<Vec<_>>()
                .join(label(lang, "_list_separator").unwrap_or(", ")),
            _ => continue,
        };
        out = out.replace(&format!("{{{key}}}"), &text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn negotiation() {
        assert_eq!(Lang::negotiate(None), Lang::En);
        assert_eq!(Lang::negotiate(Some("zh-CN")), Lang::ZhCn);
        assert_eq!(Lang::negotiate(Some("zh-Hans-CN,zh;q=0.9")), Lang::ZhCn);
        assert_eq!(Lang::negotiate(Some("en-US,zh-CN;q=0.8")), Lang::En);
        assert_eq!(
            Lang::negotiate(Some("fr-FR, zh;q=0.5, en;q=0.4")),
            Lang::ZhCn
        );
        assert_eq!(Lang::negotiate(Some("zh;q=0, de")), Lang::En);
        assert_eq!(Lang::negotiate(Some(";;;q=abc,,")), Lang::En);
    }

    #[test]
    fn every_locale_has_the_same_codes() {
        let en: Vec<_> = reason_codes(Lang::En).collect();
        let en_err: Vec<_> = error_codes(Lang::En).collect();
        let en_labels: Vec<_> = EN.labels.keys().collect();
        for lang in Lang::ALL {
            assert_eq!(locale(lang).labels.keys().collect::<Vec<_>>(), en_labels);
            assert_eq!(reason_codes(lang).collect::<Vec<_>>(), en, "{lang:?}");
            assert_eq!(error_codes(lang).collect::<Vec<_>>(), en_err, "{lang:?}");
        }
    }

    #[test]
    fn placeholders_are_filled_from_evidence() {
        let text = reason_text(
            Lang::ZhCn,
            "DOCUMENT_EXPIRED",
            Some(&json!({"expiry_date": "2020-01-01"})),
        )
        .unwrap();
        assert!(text.message.contains("2020-01-01"), "{}", text.message);
        assert!(!text.message.contains('{'));
        let back = reason_text(
            Lang::ZhCn,
            "DOCUMENT_BACK_MISSING",
            Some(&json!({"document_type": "id_card"})),
        )
        .unwrap();
        assert!(back.message.contains("身份证"), "{}", back.message);
        let types = reason_text(
            Lang::ZhCn,
            "DOCUMENT_TYPE_NOT_ACCEPTED",
            Some(&json!({"accepted": ["id_card", "passport"]})),
        )
        .unwrap();
        assert!(types.fix.contains("身份证、护照"), "{}", types.fix);
        let none = reason_text(
            Lang::En,
            "DOCUMENT_TYPE_NOT_ACCEPTED",
            Some(&json!({"accepted": []})),
        )
        .unwrap();
        assert!(none.fix.contains(": none."), "{}", none.fix);
    }
}
