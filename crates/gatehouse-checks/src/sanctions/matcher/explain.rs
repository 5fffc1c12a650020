//! What a hit says about itself: which query tokens met which list tokens and how, and how
//! the birth date and nationality moved the score.

use serde::Serialize;

use super::normalise::{Origin, Token};
use super::score::{Alignment, MatchKind};

/// Birth date equal to the day, to the month, to the year (as far as the list gives it).
const DOB_SAME_DAY: f64 = 0.08;
const DOB_SAME_MONTH: f64 = 0.06;
const DOB_SAME_YEAR: f64 = 0.04;
/// Birth year one apart, or the same year with another month or day.
const DOB_NEAR: f64 = -0.05;
/// Birth years further apart.
const DOB_DIFFERS: f64 = -0.15;
/// Nationality shared, or not (a weak signal: lists are incomplete and people have several).
const NATIONALITY_SHARED: f64 = 0.03;
const NATIONALITY_DIFFERS: f64 = -0.05;

/// The most a birth date and a nationality can add to a name score.
pub(super) fn max_bonus(birth_date: bool, nationality: bool) -> f64 {
    let dob = if birth_date { DOB_SAME_DAY } else { 0.0 };
    let nat = if nationality { NATIONALITY_SHARED } else { 0.0 };
    dob + nat
}

/// How the query's tokens met the list name's, and what moved the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// One line for a reviewer: `USAMA = USAMA; LADEN ~ LADIN (transliteration, 1 edit); ...`.
    pub summary: String,
    pub tokens: Vec<TokenMatch>,
    pub adjustments: Vec<Adjustment>,
}

/// One query token (or adjacent tokens written as one word) and the list token(s) it met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenMatch {
    /// The query token(s) as normalised; `None` for a list token nobody met.
    pub query: Option<String>,
    /// The query token as written, when it was not in Latin letters (Ладен, 张, لادن).
    pub query_written: Option<String>,
    /// The list token(s); `None` for a query token that met none.
    pub list: Option<String>,
    pub kind: MatchKind,
    /// Letters that differ, for typos and near transliterations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edit_distance: Option<u8>,
    /// 0.0 to 1.0.
    pub similarity: f64,
}

/// A change to the name score from data other than the name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adjustment {
    /// `birth_date` or `nationality`.
    pub field: String,
    /// What was compared: `query 1957-03-10, list 1957`.
    pub detail: String,
    pub delta: f64,
}

/// A birth date as precise as its source: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PartialDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    /// Reads `YYYY[-MM[-DD]]`; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '-');
        let number = |s: Option<&str>, len: usize| -> Option<u16> {
            s.filter(|s| s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|s| s.parse().ok())
        };
        let year = number(parts.next(), 4)?;
        let month = match parts.next() {
            None => None,
            Some(m) => Some(number(Some(m), 2).filter(|m| (1..=12).contains(m))? as u8),
        };
        let day = match parts.next() {
            None => None,
            Some(d) => Some(number(Some(d), 2).filter(|d| (1..=31).contains(d))? as u8),
        };
        Some(Self { year, month, day })
    }

    fn show(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// The adjustment for a query date `self` against one list date.
    fn against(&self, list: &PartialDate) -> f64 {
        if self.year.abs_diff(list.year) > 1 {
            return DOB_DIFFERS;
        }
        if self.year != list.year {
            return DOB_NEAR;
        }
        let same = |a: Option<u8>, b: Option<u8>| match (a, b) {
            (Some(a), Some(b)) => Some(a == b),
            _ => None,
        };
        match (same(self.month, list.month), same(self.day, list.day)) {
            (Some(false), _) | (_, Some(false)) => DOB_NEAR,
            (Some(true), Some(true)) => DOB_SAME_DAY,
            (Some(true), None) => DOB_SAME_MONTH,
            (None, _) => DOB_SAME_YEAR,
        }
    }
}

/// The birth date adjustment: the best over the list's dates, if both sides have one.
pub(super) fn birth_date(query: Option<&PartialDate>, list: &[PartialDate]) -> Option<Adjustment> {
    let query = query?;
    let (delta, best) = list
        .iter()
        .map(|d| (query.against(d), d))
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(Adjustment {
        field: "birth_date".to_owned(),
        detail: format!("query {}, list {}", query.show(), best.show()),
        delta,
    })
}

/// The nationality adjustment, if both sides have one.
pub(super) fn nationality(query: Option<&str>, list: &[String]) -> Option<Adjustment> {
    let query = query.map(str::trim).filter(|q| !q.is_empty())?;
    if list.is_empty() {
        return None;
    }
    let shared = list.iter().any(|n| n.trim().eq_ignore_ascii_case(query));
    Some(Adjustment {
        field: "nationality".to_owned(),
        detail: format!(
            "query {}, list {}",
            query.to_ascii_uppercase(),
            list.join(", ")
        ),
        delta: if shared {
            NATIONALITY_SHARED
        } else {
            NATIONALITY_DIFFERS
        },
    })
}

/// The token matches of an alignment: pairs in query order, then unmatched query tokens, then
/// unmatched list tokens.
pub(super) fn token_matches(query: &[Token], list: &[&str], a: &Alignment) -> Vec<TokenMatch> {
    let mut pairs = a.pairs.clone();
    pairs.sort_by_key(|p| p.q_start);
    let join = |parts: &[&str]| parts.join(" ");
    let query_text = |start: usize, len: usize| -> (String, Option<String>) {
        let toks = query.get(start..start + len).unwrap_or(&[]);
        let text = join(&toks.iter().map(Token::text).collect::<Vec<_>>());
        let written = toks.iter().any(|t| t.origin != Origin::Latin).then(|| {
            let mut w: Vec<&str> = Vec::new();
            for t in toks {
                let s = t.source.as_deref().unwrap_or(t.text());
                if w.last() != Some(&s) {
                    w.push(s);
                }
            }
            w.join(" ")
        });
        (text, written)
    };
    let mut out: Vec<TokenMatch> = pairs
        .iter()
        .map(|p| {
            let (text, written) = query_text(p.q_start.into(), p.q_len.into());
            let l = list
                .get(usize::from(p.l_start)..usize::from(p.l_start) + usize::from(p.l_len))
                .unwrap_or(&[]);
            TokenMatch {
                query: Some(text),
                query_written: written,
                list: Some(join(l)),
                kind: p.sim.kind,
                edit_distance: (p.sim.distance > 0).then_some(p.sim.distance),
                similarity: round(f64::from(p.sim.sim)),
            }
        })
        .collect();
    for i in (0..query.len()).filter(|i| a.q_used & (1 << i) == 0) {
        let (text, written) = query_text(i, 1);
        out.push(TokenMatch {
            query: Some(text),
            query_written: written,
            list: None,
            kind: MatchKind::MissingFromList,
            edit_distance: None,
            similarity: 0.0,
        });
    }
    for (j, l) in list.iter().enumerate() {
        if a.l_used & (1 << j) == 0 {
            out.push(TokenMatch {
                query: None,
                query_written: None,
                list: Some((*l).to_owned()),
                kind: MatchKind::MissingFromQuery,
                edit_distance: None,
                similarity: 0.0,
            });
        }
    }
    out
}

/// A one-line reading of the token matches and adjustments.
pub(super) fn summary(tokens: &[TokenMatch], adjustments: &[Adjustment]) -> String {
    let mut parts: Vec<String> = tokens
        .iter()
        .map(|t| {
            let q = t.query.as_deref().unwrap_or("-");
            let q = match &t.query_written {
                Some(w) => format!("{w} ({q})"),
                None => q.to_owned(),
            };
            let l = t.list.as_deref().unwrap_or("-");
            let edits = match t.edit_distance {
                Some(1) => ", 1 edit".to_owned(),
                Some(n) => format!(", {n} edits"),
                None => String::new(),
            };
            match t.kind {
                MatchKind::Exact => format!("{q} = {l}"),
                MatchKind::MissingFromList => format!("{q}: not in list name"),
                MatchKind::MissingFromQuery => format!("{l}: not in query"),
                kind => format!("{q} ~ {l} ({}{edits})", kind_name(kind)),
            }
        })
        .collect();
    parts.extend(
        adjustments
            .iter()
            .map(|a| format!("{} {} {:+.2}", a.field.replace('_', " "), a.detail, a.delta)),
    );
    parts.join("; ")
}

fn kind_name(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Exact => "exact",
        MatchKind::Transliteration => "transliteration",
        MatchKind::Variant => "variant spelling",
        MatchKind::Typo => "typo",
        MatchKind::Initial => "initial",
        MatchKind::Joined => "written together",
        MatchKind::MissingFromList => "not in list name",
        MatchKind::MissingFromQuery => "not in query",
    }
}

/// Scores are shown to three decimals.
pub(super) fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    #[test]
    fn dates_parse_at_their_precision() {
        assert_eq!(d("1957").show(), "1957");
        assert_eq!(d("1957-03").show(), "1957-03");
        assert_eq!(d(" 1957-03-10 ").show(), "1957-03-10");
        for bad in [
            "",
            "57",
            "1957-13",
            "1957-03-32",
            "1957-3-1",
            "abcd",
            "1957-03-10-1",
        ] {
            assert_eq!(PartialDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn birth_dates_raise_or_lower() {
        let q = d("1957-03-10");
        let adj = |list: &[&str]| {
            let list: Vec<PartialDate> = list.iter().map(|s| d(s)).collect();
            birth_date(Some(&q), &list).map(|a| a.delta)
        };
        assert_eq!(adj(&["1957-03-10"]), Some(DOB_SAME_DAY));
        assert_eq!(adj(&["1957-03"]), Some(DOB_SAME_MONTH));
        assert_eq!(adj(&["1957"]), Some(DOB_SAME_YEAR));
        assert_eq!(adj(&["1958"]), Some(DOB_NEAR));
        assert_eq!(adj(&["1957-04-10"]), Some(DOB_NEAR));
        assert_eq!(adj(&["1970"]), Some(DOB_DIFFERS));
        // The best of several list dates counts.
        assert_eq!(adj(&["1970", "1957"]), Some(DOB_SAME_YEAR));
        assert_eq!(adj(&[]), None);
        assert_eq!(birth_date(None, &[d("1957")]), None);
    }

    #[test]
    fn nationality_raises_or_lowers() {
        let list = vec!["SA".to_owned(), "YE".to_owned()];
        assert_eq!(
            nationality(Some("ye"), &list).map(|a| a.delta),
            Some(NATIONALITY_SHARED)
        );
        assert_eq!(
            nationality(Some("FR"), &list).map(|a| a.delta),
            Some(NATIONALITY_DIFFERS)
        );
        assert_eq!(nationality(Some("FR"), &[]), None);
        assert_eq!(nationality(Some(" "), &list), None);
    }
}
