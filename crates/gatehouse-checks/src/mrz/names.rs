//! The name field: primary and secondary identifiers.

/// Splits at the first `<<` into (surname, given names); fillers inside each become single
/// spaces and leading or trailing fillers go. Without `<<` the whole field is the surname.
pub(super) fn split(raw: &[u8]) -> (String, String) {
    let at = raw.windows(2).position(|w| w == b"<<");
    let (primary, secondary) = match at {
        Some(i) => (&raw[..i], raw.get(i + 2..).unwrap_or(&[])),
        None => (raw, &[][..]),
    };
    (words(primary), words(secondary))
}

/// Joins the filler-separated words of `raw` with single spaces.
fn words(raw: &[u8]) -> String {
    raw.split(|b| *b == b'<')
        .filter(|w| !w.is_empty())
        .map(|w| w.iter().copied().map(char::from).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(raw: &str) -> (String, String) {
        split(raw.as_bytes())
    }

    #[test]
    fn splits_at_first_double_filler() {
        assert_eq!(
            names("ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
            ("ERIKSSON".into(), "ANNA MARIA".into())
        );
        assert_eq!(
            names("CACADOR<DE<ARAUJO<<ANDRE<ESTEV"),
            ("CACADOR DE ARAUJO".into(), "ANDRE ESTEV".into())
        );
    }

    #[test]
    fn missing_parts() {
        assert_eq!(names("<<ANNA<MARIA<<<<"), ("".into(), "ANNA MARIA".into()));
        assert_eq!(names("MUSTERMANN<<<<<<"), ("MUSTERMANN".into(), "".into()));
        assert_eq!(names("MADONNA"), ("MADONNA".into(), "".into()));
        assert_eq!(names("<<<<<<"), ("".into(), "".into()));
    }

    #[test]
    fn filler_runs_inside_given_names_become_one_space() {
        assert_eq!(names("A<<B<<<C<D<<"), ("A".into(), "B C D".into()));
    }
}
