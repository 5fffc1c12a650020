//! The UN Security Council consolidated list: `CONSOLIDATED_LIST` holding
//! `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`.
//!
//! The document is read into a small element tree first (it is a few megabytes), so the
//! mapping below reads like the list's layout.

use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;

use super::{collapse_spaces, dates, line_at, EntityKind, Lines, ListEntity, ParseError};

/// The file name errors carry; see [`ParseError::in_file`].
const FILE: &str = "UN_consolidated.xml";

const NAME_PARTS: [&str; 4] = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"];

/// Parses the UN consolidated list. Errors name `UN_consolidated.xml`.
pub fn parse_un(xml: &str) -> Result<Vec<ListEntity>, ParseError> {
    let root = read_tree(xml)?;
    if root.name != "CONSOLIDATED_LIST" {
        let message = format!("expected CONSOLIDATED_LIST, found <{}>", root.name);
        return Err(ParseError::new(FILE, root.line, message));
    }
    let individuals = root
        .children("INDIVIDUALS")
        .flat_map(|n| n.children("INDIVIDUAL"));
    let entities = root.children("ENTITIES").flat_map(|n| n.children("ENTITY"));
    individuals
        .map(|n| entry(n, EntityKind::Person, "INDIVIDUAL_ALIAS"))
        .chain(entities.map(|n| entry(n, EntityKind::Organization, "ENTITY_ALIAS")))
        .collect()
}

fn entry(node: &Node, kind: EntityKind, alias_tag: &str) -> Result<ListEntity, ParseError> {
    let Some(id) = node
        .text_of("DATAID")
        .or_else(|| node.text_of("REFERENCE_NUMBER"))
    else {
        let message = format!("<{}> has neither DATAID nor REFERENCE_NUMBER", node.name);
        return Err(ParseError::new(FILE, node.line, message));
    };
    let name = NAME_PARTS
        .iter()
        .filter_map(|part| node.text_of(part))
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        let message = format!("<{}> {id} has no name", node.name);
        return Err(ParseError::new(FILE, node.line, message));
    }
    let mut entity = ListEntity::new("un", id, kind, collapse_spaces(&name));
    if let Some(original) = node.text_of("NAME_ORIGINAL_SCRIPT") {
        entity.add_alias(original);
    }
    for alias in node.children(alias_tag) {
        if let Some(name) = alias.text_of("ALIAS_NAME") {
            entity.add_alias(name);
        }
        // Some aliases carry the birth date the person used under that name.
        if let Some(date) = alias.text_of("DATE_OF_BIRTH").and_then(dates::iso) {
            super::push_unique(&mut entity.birth_dates, &date);
        }
    }
    for dob in node.children("INDIVIDUAL_DATE_OF_BIRTH") {
        let found = match (dob.text_of("FROM_YEAR"), dob.text_of("TO_YEAR")) {
            (Some(from), Some(to)) => dates::year_range(from, to),
            _ => ["DATE", "YEAR"]
                .iter()
                .filter_map(|tag| dob.text_of(tag).and_then(dates::iso))
                .collect(),
        };
        for date in found {
            super::push_unique(&mut entity.birth_dates, &date);
        }
    }
    for nationality in node
        .children("NATIONALITY")
        .flat_map(|n| n.children("VALUE"))
    {
        entity.add_country(&nationality.text);
    }
    if kind != EntityKind::Person {
        for address in node.children("ENTITY_ADDRESS") {
            if let Some(country) = address.text_of("COUNTRY") {
                entity.add_country(country);
            }
        }
    }
    if let Some(program) = node.text_of("UN_LIST_TYPE") {
        super::push_unique(&mut entity.programs, program);
    }
    entity.remarks = node.text_of("COMMENTS1").map(str::to_owned);
    Ok(entity)
}

/// An element: its name, text and child elements, and the line its start tag is on.
#[derive(Debug)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
    line: usize,
}

impl Node {
    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child called `name`, unless blank.
    fn text_of(&self, name: &str) -> Option<&str> {
        let text = self.children.iter().find(|c| c.name == name)?.text.trim();
        (!text.is_empty()).then_some(text)
    }
}

/// Reads the document into a tree, checking that it is well formed.
fn read_tree(xml: &str) -> Result<Node, ParseError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut lines = Lines::new(xml);
    let mut open: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        // Text is not trimmed, so this is where the next event starts.
        let line = lines.at(offset(reader.buffer_position()));
        let event = reader.read_event().map_err(|e| {
            let line = lines.at(offset(reader.error_position()));
            ParseError::new(FILE, line, format!("bad XML: {e}"))
        })?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(ParseError::new(
                        FILE,
                        line,
                        "content after the root element",
                    ));
                }
                open.push(Node {
                    name: String::from_utf8_lossy(start.name().as_ref()).into_owned(),
                    text: String::new(),
                    children: Vec::new(),
                    line,
                });
            }
            Event::End(_) => {
                // quick-xml checks that end tags match, so something is open here.
                if let Some(node) = open.pop() {
                    match open.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => root = Some(node),
                    }
                }
            }
            Event::Text(text) => {
                let text = text
                    .decode()
                    .map_err(|e| ParseError::new(FILE, line, format!("bad text: {e}")))?;
                append_text(&mut open, &text, line)?;
            }
            Event::CData(data) => append_text(&mut open, &String::from_utf8_lossy(&data), line)?,
            Event::GeneralRef(reference) => {
                let text = resolve(&reference).ok_or_else(|| {
                    let name = String::from_utf8_lossy(&reference);
                    ParseError::new(FILE, line, format!("unknown entity &{name};"))
                })?;
                append_text(&mut open, &text, line)?;
            }
            Event::Eof => break,
            // Empty elements arrive as Start and End (`expand_empty_elements`).
            Event::Empty(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::DocType(_) => {}
        }
    }
    if let Some(node) = open.last() {
        let message = format!("<{}> is never closed", node.name);
        return Err(ParseError::new(FILE, node.line, message));
    }
    root.ok_or_else(|| ParseError::new(FILE, line_at(xml, xml.len()), "no root element"))
}

/// A reader position as an index (clamped by [`Lines::at`]).
fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// Adds text to the innermost open element; outside the root only whitespace may appear.
fn append_text(open: &mut [Node], text: &str, line: usize) -> Result<(), ParseError> {
    match open.last_mut() {
        Some(node) => node.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err(ParseError::new(FILE, line, "text outside the root element")),
    }
    Ok(())
}

/// The text of a character reference or one of XML's five predefined entities.
fn resolve(reference: &BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Some(c.to_string());
    }
    let name = reference.decode().ok()?;
    quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>100</DATAID>
      <FIRST_NAME>ALI</FIRST_NAME>
      <SECOND_NAME>HASSAN</SECOND_NAME>
      <THIRD_NAME>AL-TEST</THIRD_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>
      <NAME_ORIGINAL_SCRIPT>علي حسن</NAME_ORIGINAL_SCRIPT>
      <COMMENTS1>Father &amp; son. &#x41;</COMMENTS1>
      <NATIONALITY><VALUE>Iran (Islamic Republic of)</VALUE><VALUE>na</VALUE></NATIONALITY>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Ali Hasan</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Abu Ali</ALIAS_NAME>
        <DATE_OF_BIRTH>1961-02-03</DATE_OF_BIRTH></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1960-05-04</DATE></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1959</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1956</FROM_YEAR><TO_YEAR>1957</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY>
      <DATAID>200</DATAID>
      <FIRST_NAME>KOREA TEST
        TRADING CORPORATION</FIRST_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPe.999</REFERENCE_NUMBER>
      <NAME_ORIGINAL_SCRIPT>조선시험무역회사</NAME_ORIGINAL_SCRIPT>
      <ENTITY_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>KTTC</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ADDRESS><CITY>Pyongyang</CITY><COUNTRY>Democratic People's Republic of Korea</COUNTRY></ENTITY_ADDRESS>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>
"#;

    #[test]
    fn individuals_and_entities() {
        let e = parse_un(LIST).unwrap();
        assert_eq!(e.len(), 2);
        let p = &e[0];
        assert_eq!((p.list.as_str(), p.entity_id.as_str()), ("un", "100"));
        assert_eq!(p.kind, EntityKind::Person);
        assert_eq!(p.name, "ALI HASSAN AL-TEST");
        assert_eq!(p.aliases, ["علي حسن", "Ali Hasan", "Abu Ali"]);
        assert_eq!(
            p.birth_dates,
            ["1961-02-03", "1960-05-04", "1959", "1956", "1957"]
        );
        assert_eq!(p.nationalities, ["IR"]);
        assert_eq!(p.programs, ["Al-Qaida"]);
        assert_eq!(p.remarks.as_deref(), Some("Father & son. A"));
        let o = &e[1];
        assert_eq!(o.kind, EntityKind::Organization);
        assert_eq!(o.name, "KOREA TEST TRADING CORPORATION");
        assert_eq!(o.aliases, ["조선시험무역회사", "KTTC"]);
        assert_eq!(o.nationalities, ["KP"]);
    }

    #[test]
    fn reference_number_stands_in_for_a_missing_dataid() {
        let xml = LIST.replace("<DATAID>100</DATAID>", "");
        assert_eq!(parse_un(&xml).unwrap()[0].entity_id, "QDi.999");
        let xml = xml.replace("<REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>", "");
        let e = parse_un(&xml).unwrap_err();
        assert_eq!(
            e.to_string(),
            "UN_consolidated.xml:4: <INDIVIDUAL> has neither DATAID nor REFERENCE_NUMBER"
        );
    }

    #[test]
    fn malformed_xml_names_its_line() {
        let xml = LIST.replace("</SECOND_NAME>", "</SECOND>");
        let e = parse_un(&xml).unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        assert!(e.message.starts_with("bad XML"), "{e}");

        let cut = &LIST[..LIST.find("<ENTITIES>").unwrap_or(0)];
        let e = parse_un(cut).unwrap_err();
        assert_eq!(
            e.to_string(),
            "UN_consolidated.xml:2: <CONSOLIDATED_LIST> is never closed"
        );

        let xml = LIST.replace("&amp;", "&nbsp;");
        let e = parse_un(&xml).unwrap_err();
        assert_eq!(e.line, 12, "{e}");

        let e = parse_un("<OTHER/>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "UN_consolidated.xml:1: expected CONSOLIDATED_LIST, found <OTHER>"
        );
        assert!(parse_un("").is_err());
        assert!(parse_un("<A></A><B></B>").is_err());
        assert!(parse_un("<A></A>text").is_err());
        assert!(parse_un("</A>").is_err());
    }

    #[test]
    fn nameless_entries_fail() {
        let xml = LIST.replace(
            "<FIRST_NAME>KOREA TEST\n        TRADING CORPORATION</FIRST_NAME>",
            "<FIRST_NAME/>",
        );
        let e = parse_un(&xml).unwrap_err();
        assert_eq!(e.message, "<ENTITY> 200 has no name");
        assert_eq!(e.line, 24);
    }
}
