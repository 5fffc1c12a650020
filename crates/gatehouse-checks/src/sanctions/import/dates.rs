//! Birth dates as lists print them, reduced to `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.

use chrono::NaiveDate;

/// Ranges wider than this many years say too little to keep.
const MAX_RANGE_YEARS: i32 = 30;

/// A date known to the year, month or day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Partial {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

impl Partial {
    fn year(year: i32) -> Self {
        Self {
            year,
            month: None,
            day: None,
        }
    }

    fn render(self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }
}

/// A plausible year of birth (four digits).
fn year(text: &str) -> Option<i32> {
    let y: i32 = text.parse().ok()?;
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) && y >= 1800).then_some(y)
}

fn month(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    let i = MONTHS.iter().position(|m| lower.starts_with(m))?;
    Some(i as u32 + 1)
}

fn checked(year: i32, month: u32, day: u32) -> Option<Partial> {
    NaiveDate::from_ymd_opt(year, month, day)?;
    Some(Partial {
        year,
        month: Some(month),
        day: Some(day),
    })
}

/// `15 Mar 1963`, `Mar 1963` or `1963`.
fn ofac_single(text: &str) -> Option<Partial> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [y] => Some(Partial::year(year(y)?)),
        [m, y] => Some(Partial {
            year: year(y)?,
            month: Some(month(m)?),
            day: None,
        }),
        [d, m, y] => checked(year(y)?, month(m)?, d.parse().ok()?),
        _ => None,
    }
}

/// The dates a range allows: its common day, month or year, else every year it covers.
fn range(from: Partial, to: Partial) -> Vec<String> {
    if from == to {
        return vec![from.render()];
    }
    if from.year == to.year {
        let month = from.month.filter(|_| from.month == to.month);
        return vec![Partial {
            year: from.year,
            month,
            day: None,
        }
        .render()];
    }
    if from.year > to.year || to.year - from.year > MAX_RANGE_YEARS {
        return Vec::new();
    }
    (from.year..=to.year)
        .map(|y| Partial::year(y).render())
        .collect()
}

/// The dates in the text after OFAC's `DOB`: `15 Mar 1963`, `circa 1963`, `Mar 1963`,
/// `1963 to 1965`, `01 Jan 1958 to 31 Dec 1959`, `circa 1963-1965`.
pub(super) fn ofac_dob(text: &str) -> Vec<String> {
    let text = text.trim().trim_end_matches('.').trim();
    let text = text.strip_prefix("circa ").unwrap_or(text).trim();
    let ends = text.split_once(" to ").or_else(|| {
        text.split_once('-')
            .filter(|(a, b)| year(a).and(year(b)).is_some())
    });
    match ends {
        Some((a, b)) => match (ofac_single(a), ofac_single(b)) {
            (Some(a), Some(b)) => range(a, b),
            _ => Vec::new(),
        },
        None => ofac_single(text).map(Partial::render).into_iter().collect(),
    }
}

/// An ISO 8601 date or its year or year-month prefix, checked; `None` for anything else.
pub(super) fn iso(text: &str) -> Option<String> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('-').collect();
    let two_digits = |s: &str| -> Option<u32> {
        (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let date = match parts.as_slice() {
        [y] => Partial::year(year(y)?),
        [y, m] => {
            let m = two_digits(m).filter(|m| (1..=12).contains(m))?;
            Partial {
                year: year(y)?,
                month: Some(m),
                day: None,
            }
        }
        [y, m, d] => checked(year(y)?, two_digits(m)?, two_digits(d)?)?,
        _ => return None,
    };
    Some(date.render())
}

/// The years from `from` to `to` (the UN's `FROM_YEAR`/`TO_YEAR`).
pub(super) fn year_range(from: &str, to: &str) -> Vec<String> {
    match (year(from.trim()), year(to.trim())) {
        (Some(a), Some(b)) => range(Partial::year(a), Partial::year(b)),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ofac_forms() {
        assert_eq!(ofac_dob("15 Mar 1963"), ["1963-03-15"]);
        assert_eq!(ofac_dob("15 Mar 1963."), ["1963-03-15"]);
        assert_eq!(ofac_dob("1963"), ["1963"]);
        assert_eq!(ofac_dob("circa 1963"), ["1963"]);
        assert_eq!(ofac_dob("circa Mar 1963"), ["1963-03"]);
        assert_eq!(ofac_dob("Mar 1963"), ["1963-03"]);
        assert_eq!(ofac_dob("1963 to 1965"), ["1963", "1964", "1965"]);
        assert_eq!(ofac_dob("circa 1963-1964"), ["1963", "1964"]);
        assert_eq!(ofac_dob("01 Jan 1958 to 31 Dec 1959"), ["1958", "1959"]);
        assert_eq!(ofac_dob("01 Oct 1961 to 31 Oct 1961"), ["1961-10"]);
        assert_eq!(ofac_dob("05 Feb 1961 to 05 Feb 1961"), ["1961-02-05"]);
    }

    #[test]
    fn ofac_nonsense_is_dropped() {
        assert!(ofac_dob("31 Feb 1963").is_empty());
        assert!(ofac_dob("unknown").is_empty());
        assert!(ofac_dob("1900 to 1990").is_empty());
        assert!(ofac_dob("1965 to 1963").is_empty());
        assert!(ofac_dob("").is_empty());
    }

    #[test]
    fn iso_prefixes() {
        assert_eq!(iso("1958-02-22").as_deref(), Some("1958-02-22"));
        assert_eq!(iso("1958-02").as_deref(), Some("1958-02"));
        assert_eq!(iso(" 1958 ").as_deref(), Some("1958"));
        assert_eq!(iso("1958-02-30"), None);
        assert_eq!(iso("1958-13"), None);
        assert_eq!(iso("58-02-01"), None);
        assert_eq!(iso("1958-2-1"), None);
        assert_eq!(year_range("1960", "1962"), ["1960", "1961", "1962"]);
    }
}
