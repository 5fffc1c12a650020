//! Property tests: no input makes a parser panic, and malformed input never yields records.

use proptest::prelude::*;

use super::*;

/// Text built from the pieces each format is made of, so generated input gets past the
/// first character more often than random text would.
fn pieces(alphabet: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(alphabet), 0..60).prop_map(|p| p.concat())
}

const CSV: &[&str] = &[
    "1",
    "20",
    ",",
    "\"",
    "\"\"",
    "\n",
    "\r\n",
    "\u{1a}",
    "-0- ",
    "a.k.a. '",
    "'",
    "DOB ",
    "15 Mar 1963",
    " to ",
    "circa ",
    "nationality ",
    "Iran",
    ";",
    "individual",
    "x",
];

const XML: &[&str] = &[
    "<CONSOLIDATED_LIST>",
    "</CONSOLIDATED_LIST>",
    "<INDIVIDUALS>",
    "</INDIVIDUALS>",
    "<INDIVIDUAL>",
    "</INDIVIDUAL>",
    "<ENTITY>",
    "</ENTITY>",
    "<DATAID>",
    "</DATAID>",
    "<FIRST_NAME>",
    "</FIRST_NAME>",
    "<ALIAS_NAME/>",
    "<YEAR>",
    "</YEAR>",
    "1960",
    "&amp;",
    "&#",
    "&x;",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<?xml version=\"1.0\"?>",
    "\n",
    "é",
    "<",
    ">",
    "/",
    "\"",
];

const JSON: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\n",
    "\"id\"",
    "\"schema\"",
    "\"Person\"",
    "\"Vessel\"",
    "\"properties\"",
    "\"name\"",
    "\"RECORD_ID\"",
    "\"NAMES\"",
    "\"NAME_FULL\"",
    "\"x\"",
    "1",
    "null",
    "\"",
    "\\",
];

fn all_parsers(text: &str) {
    let files = ["p.csv", "a.csv", "d.csv"];
    let _ = parse_ofac(text, Some(text), Some(text), "ofac_sdn", files);
    let _ = parse_un(text);
    let _ = parse_ftm(text);
    let _ = parse_senzing(text);
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        all_parsers(&text);
    }

    #[test]
    fn format_like_text_never_panics(
        csv in pieces(CSV),
        xml in pieces(XML),
        json in pieces(JSON),
    ) {
        all_parsers(&csv);
        all_parsers(&xml);
        all_parsers(&json);
    }

    #[test]
    fn errors_point_inside_the_input(csv in pieces(CSV), xml in pieces(XML)) {
        let lines = |t: &str| t.split('\n').count();
        if let Err(e) = parse_ofac(&csv, None, None, "l", ["p.csv", "a.csv", "d.csv"]) {
            prop_assert!(e.line >= 1 && e.line <= lines(&csv), "{e}");
        }
        if let Err(e) = parse_un(&xml) {
            prop_assert!(e.line >= 1 && e.line <= lines(&xml), "{e}");
        }
    }

    #[test]
    fn cutting_a_valid_file_short_never_panics(cut in 0usize..2000) {
        let xml = "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>\
                   <FIRST_NAME>A B</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
        let end = cut.min(xml.len());
        let result = parse_un(&xml[..end]);
        prop_assert_eq!(result.is_ok(), end == xml.len());
    }
}
