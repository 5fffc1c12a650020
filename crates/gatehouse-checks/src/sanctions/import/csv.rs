//! A small CSV reader for OFAC's files: comma-separated, `"` quotes with `""` inside, LF or
//! CRLF line ends. Blank lines and the DOS end-of-file line (a lone 0x1A) are skipped.

use super::ParseError;

/// One record and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    AfterQuote,
}

/// Every record of `text`; `file` names it in errors.
pub(super) fn records(text: &str, file: &str) -> Result<Vec<Record>, ParseError> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut state = State::FieldStart;
    let mut line = 1;
    let mut record_line = 1;
    let mut quote_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // CRLF ends a line like LF; a lone CR is data.
        if c == '\r' && state != State::Quoted && chars.peek() == Some(&'\n') {
            continue;
        }
        match (state, c) {
            (State::Quoted, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (State::Quoted, '"') => state = State::AfterQuote,
            (State::Quoted, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (State::FieldStart, '"') => {
                state = State::Quoted;
                quote_line = line;
            }
            (State::Unquoted, '"') => {
                return Err(ParseError::new(
                    file,
                    line,
                    "quote inside an unquoted field",
                ));
            }
            (_, ',') => {
                fields.push(std::mem::take(&mut field));
                state = State::FieldStart;
            }
            (_, '\n') => {
                fields.push(std::mem::take(&mut field));
                finish_record(&mut out, std::mem::take(&mut fields), record_line);
                state = State::FieldStart;
                line += 1;
                record_line = line;
            }
            // OFAC pads some fields after the closing quote; nothing else may follow it.
            (State::AfterQuote, ' ' | '\t') => {}
            (State::AfterQuote, c) => {
                return Err(ParseError::new(
                    file,
                    line,
                    format!("unexpected {c:?} after a closing quote"),
                ));
            }
            (_, c) => {
                field.push(c);
                state = State::Unquoted;
            }
        }
    }
    if state == State::Quoted {
        return Err(ParseError::new(file, quote_line, "unterminated quote"));
    }
    if state != State::FieldStart || !fields.is_empty() {
        fields.push(field);
        finish_record(&mut out, fields, record_line);
    }
    Ok(out)
}

/// Keeps a record unless it is a blank line or the DOS end-of-file marker.
fn finish_record(out: &mut Vec<Record>, fields: Vec<String>, line: usize) {
    let empty = matches!(fields.as_slice(), [only] if only.trim_matches(['\u{1a}', ' ', '\t', '\r']).is_empty());
    if !empty {
        out.push(Record { line, fields });
    }
}

/// A field's value: trimmed, `None` when blank or OFAC's `-0-`.
pub(super) fn value(field: &str) -> Option<&str> {
    let v = field.trim();
    (!v.is_empty() && v != "-0-").then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        records(text, "t.csv")
            .unwrap()
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn quotes_commas_crlf_and_trailer() {
        let text = "1,\"A, B\",-0- \r\n2,\"say \"\"hi\"\"\",x\r\n\u{1a}";
        assert_eq!(
            fields(text),
            vec![
                vec!["1".to_owned(), "A, B".to_owned(), "-0- ".to_owned()],
                vec!["2".to_owned(), "say \"hi\"".to_owned(), "x".to_owned()],
            ]
        );
    }

    #[test]
    fn last_line_without_newline_and_blank_lines() {
        let r = records("1,a\n\n2,b", "t.csv").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].line, 3);
        assert_eq!(r[1].fields, vec!["2", "b"]);
        assert_eq!(fields("1,\n"), vec![vec!["1".to_owned(), String::new()]]);
    }

    #[test]
    fn newline_inside_quotes_counts_lines() {
        let r = records("1,\"a\nb\"\n2,c\n", "t.csv").unwrap();
        assert_eq!(r[0].fields[1], "a\nb");
        assert_eq!(r[1].line, 3);
    }

    #[test]
    fn malformed_quotes_name_their_line() {
        let e = records("1,a\n2,\"open\n3,c\n", "t.csv").unwrap_err();
        assert_eq!(e.to_string(), "t.csv:2: unterminated quote");
        let e = records("1,a\n2,\"x\"y\n", "t.csv").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "unexpected 'y' after a closing quote")
        );
        let e = records("1,a\"b\n", "t.csv").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn values_drop_ofac_empties() {
        assert_eq!(value("-0- "), None);
        assert_eq!(value("  "), None);
        assert_eq!(value(" CUBA "), Some("CUBA"));
    }
}
