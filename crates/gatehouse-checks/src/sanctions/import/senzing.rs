//! Senzing's generic entity JSON, as OpenSanctions exports it (`senzing.json`): one record a
//! line with `DATA_SOURCE`, `RECORD_ID`, `RECORD_TYPE` and lists of attribute groups
//! (`NAMES`, `DATES`, `COUNTRIES`, `ADDRESSES`). One JSON array of records, and attributes
//! written flat on the record (`NAME_FIRST`, `DATE_OF_BIRTH`), are read too.
//!
//! `RECORD_TYPE` is `PERSON`, `ORGANIZATION`, `VESSEL` or `AIRCRAFT`; OpenSanctions writes
//! null for other schemas (legal entities, positions), which become organisations when they
//! carry an organisation name and [`EntityKind::Other`] otherwise.

use serde_json::{Map, Value};

use super::{dates, json_message, line_at, EntityKind, Lines, ListEntity, ParseError};

/// The file name errors carry; see [`ParseError::in_file`].
const FILE: &str = "senzing.json";

/// Parses Senzing JSON lines (or one array of records). [`ListEntity::list`] is `senzing:`
/// and the lower-cased `DATA_SOURCE`. Errors name `senzing.json`.
pub fn parse_senzing(json: &str) -> Result<Vec<ListEntity>, ParseError> {
    let records = if json.trim_start().starts_with('[') {
        array(json)?
    } else {
        lines(json)?
    };
    records
        .iter()
        .map(|(line, value)| record(value, *line))
        .collect()
}

fn lines(json: &str) -> Result<Vec<(usize, Value)>, ParseError> {
    let mut out = Vec::new();
    for (i, text) in json.lines().enumerate() {
        if !text.trim().is_empty() {
            let value = serde_json::from_str(text)
                .map_err(|e| ParseError::new(FILE, i + 1, json_message(&e)))?;
            out.push((i + 1, value));
        }
    }
    Ok(out)
}

/// The elements of one top-level array, each with the line it starts on.
fn array(json: &str) -> Result<Vec<(usize, Value)>, ParseError> {
    let error = |at: usize, message: &str| ParseError::new(FILE, line_at(json, at), message);
    let skip_space = |at: usize| json.len() - json[at..].trim_start().len();
    let mut lines = Lines::new(json);
    let mut out = Vec::new();
    // Just past the `[`, which the caller saw.
    let mut at = skip_space(0) + 1;
    loop {
        at = skip_space(at);
        if json[at..].starts_with(']') {
            at += 1;
            break;
        }
        if !out.is_empty() {
            if !json[at..].starts_with(',') {
                return Err(error(at, "expected ',' or ']' in the array"));
            }
            at = skip_space(at + 1);
        }
        let mut stream = serde_json::Deserializer::from_str(&json[at..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value)) => {
                out.push((lines.at(at), value));
                at += stream.byte_offset();
            }
            Some(Err(e)) => {
                let line = lines.at(at) + e.line().saturating_sub(1);
                return Err(ParseError::new(FILE, line, json_message(&e)));
            }
            None => return Err(error(at, "unterminated array")),
        }
    }
    if !json[at..].trim().is_empty() {
        return Err(error(skip_space(at), "content after the array"));
    }
    Ok(out)
}

/// A group's name: `NAME_ORG`, `NAME_FULL`, or the parts of a personal name in print order.
fn name_of(group: &Map<String, Value>) -> Option<String> {
    let text = |key: &str| group.get(key).and_then(Value::as_str).map(str::trim);
    if let Some(name) = text("NAME_ORG")
        .or(text("NAME_FULL"))
        .filter(|n| !n.is_empty())
    {
        return Some(super::collapse_spaces(name));
    }
    let parts: Vec<&str> = ["NAME_FIRST", "NAME_MIDDLE", "NAME_LAST"]
        .iter()
        .filter_map(|key| text(key))
        .filter(|part| !part.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The record itself (flat attributes) and every group in its `section` list.
fn groups<'a>(
    record: &'a Map<String, Value>,
    section: &str,
) -> impl Iterator<Item = &'a Map<String, Value>> + 'a {
    let listed = record.get(section).and_then(Value::as_array);
    std::iter::once(record).chain(listed.into_iter().flatten().filter_map(Value::as_object))
}

/// Every string under `key` in the record and its `section` groups.
fn values<'a>(
    record: &'a Map<String, Value>,
    section: &str,
    key: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    groups(record, section).filter_map(move |g| g.get(key).and_then(Value::as_str))
}

fn record(value: &Value, line: usize) -> Result<ListEntity, ParseError> {
    let Some(record) = value.as_object() else {
        return Err(ParseError::new(FILE, line, "expected a JSON object"));
    };
    let id = match record.get("RECORD_ID") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(ParseError::new(FILE, line, "no RECORD_ID")),
    };
    let source = record
        .get("DATA_SOURCE")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    // (is primary, name); the flat record comes first.
    let names: Vec<(bool, String)> = groups(record, "NAMES")
        .filter_map(|g| {
            let primary = g.get("NAME_TYPE").and_then(Value::as_str) != Some("ALIAS");
            name_of(g).map(|n| (primary, n))
        })
        .collect();
    let Some(primary) = names.iter().find(|(p, _)| *p).or(names.first()) else {
        return Err(ParseError::new(
            FILE,
            line,
            format!("record {id} has no name"),
        ));
    };
    let has = |key: &str| groups(record, "NAMES").any(|g| g.contains_key(key));
    let kind = match record.get("RECORD_TYPE").and_then(Value::as_str) {
        Some("PERSON") => EntityKind::Person,
        Some("ORGANIZATION") => EntityKind::Organization,
        Some("VESSEL") => EntityKind::Vessel,
        Some("AIRCRAFT") => EntityKind::Aircraft,
        Some(_) => EntityKind::Other,
        None if has("NAME_ORG") => EntityKind::Organization,
        None if has("NAME_FIRST") || has("NAME_LAST") => EntityKind::Person,
        None => EntityKind::Other,
    };
    let list = format!("senzing:{}", source.to_lowercase());
    let mut entity = ListEntity::new(&list, &id, kind, primary.1.clone());
    for (_, name) in &names {
        entity.add_alias(name);
    }
    for date in values(record, "DATES", "DATE_OF_BIRTH").filter_map(dates::iso) {
        super::push_unique(&mut entity.birth_dates, &date);
    }
    if kind == EntityKind::Person {
        // CITIZENSHIP carries OpenSanctions' looser `country`: only a stand-in.
        for country in values(record, "COUNTRIES", "NATIONALITY") {
            entity.add_country(country);
        }
        if entity.nationalities.is_empty() {
            for country in values(record, "COUNTRIES", "CITIZENSHIP") {
                entity.add_country(country);
            }
        }
    } else {
        let keys = ["NATIONALITY", "CITIZENSHIP", "REGISTRATION_COUNTRY"];
        let countries = keys.iter().flat_map(|key| values(record, "COUNTRIES", key));
        let addresses = values(record, "ADDRESSES", "ADDR_COUNTRY");
        for country in countries.chain(addresses).collect::<Vec<_>>() {
            entity.add_country(country);
        }
    }
    Ok(entity)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The shape of OpenSanctions' export, with made-up people.
    const LINES: &str = r#"{"DATA_SOURCE":"OS_TEST","RECORD_ID":"Q1","RECORD_TYPE":"PERSON","NAMES":[{"NAME_TYPE":"PRIMARY","NAME_FULL":"Jane Q. Public"},{"NAME_TYPE":"ALIAS","NAME_FULL":"Jane Public"}],"DATES":[{"DATE_OF_BIRTH":"1970"},{"DATE_OF_DEATH":"2020"}],"COUNTRIES":[{"NATIONALITY":"us"},{"CITIZENSHIP":"ca"}]}
{"DATA_SOURCE":"OS_TEST","RECORD_ID":"Q2","RECORD_TYPE":null,"NAMES":[{"NAME_TYPE":"PRIMARY","NAME_FULL":"Member of parliament"}],"COUNTRIES":[{"NATIONALITY":"gb"}]}
{"DATA_SOURCE":"OS_TEST","RECORD_ID":"Q3","RECORD_TYPE":"ORGANIZATION","NAMES":[{"NAME_TYPE":"PRIMARY","NAME_ORG":"Acme Ltd"}],"COUNTRIES":[{"REGISTRATION_COUNTRY":"cy"}],"ADDRESSES":[{"ADDR_COUNTRY":"Cyprus"},{"ADDR_COUNTRY":"Russia"}]}
"#;

    #[test]
    fn json_lines() {
        let e = parse_senzing(LINES).unwrap();
        assert_eq!(e.len(), 3);
        let p = &e[0];
        assert_eq!(
            (p.list.as_str(), p.entity_id.as_str()),
            ("senzing:os_test", "Q1")
        );
        assert_eq!(p.kind, EntityKind::Person);
        assert_eq!(p.name, "Jane Q. Public");
        assert_eq!(p.aliases, ["Jane Public"]);
        assert_eq!(p.birth_dates, ["1970"]);
        assert_eq!(p.nationalities, ["US"]);
        assert_eq!(e[1].kind, EntityKind::Other);
        assert_eq!(e[2].kind, EntityKind::Organization);
        assert_eq!(e[2].nationalities, ["CY", "RU"]);
    }

    #[test]
    fn array_with_flat_attributes() {
        let json = r#"[
  {"DATA_SOURCE": "PEP", "RECORD_ID": "A1", "RECORD_TYPE": "PERSON",
   "NAME_FIRST": "John", "NAME_LAST": "Smith", "DATE_OF_BIRTH": "1965-03-15", "NATIONALITY": "US"},
  {"DATA_SOURCE": "PEP", "RECORD_ID": 7, "NAME_ORG": "Ministry of Finance", "ADDR_COUNTRY": "Germany"}
]
"#;
        let e = parse_senzing(json).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].name, "John Smith");
        assert_eq!(e[0].birth_dates, ["1965-03-15"]);
        assert_eq!(e[0].nationalities, ["US"]);
        assert_eq!(
            (e[1].entity_id.as_str(), e[1].kind),
            ("7", EntityKind::Organization)
        );
        assert_eq!(e[1].nationalities, ["DE"]);
        assert!(parse_senzing("[]").unwrap().is_empty());
    }

    #[test]
    fn malformed_records_name_their_line() {
        let e = parse_senzing("{\"RECORD_ID\":\"a\",\"NAME_FULL\":\"A\"}\n{\"RECORD_ID\":")
            .unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("senzing.json", 2));
        let e = parse_senzing("{\"NAME_FULL\":\"A\"}").unwrap_err();
        assert_eq!(e.to_string(), "senzing.json:1: no RECORD_ID");
        let e = parse_senzing("\n\n{\"RECORD_ID\":\"x\",\"NAMES\":[]}").unwrap_err();
        assert_eq!(e.to_string(), "senzing.json:3: record x has no name");
        let e = parse_senzing(
            "[\n{\"RECORD_ID\":\"a\",\"NAME_FULL\":\"A\"},\n{\"NAME_FULL\":\"B\"}\n]",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "senzing.json:3: no RECORD_ID");
        let e =
            parse_senzing("[\n{\"RECORD_ID\":\"a\",\"NAME_FULL\":\"A\"}\n{\"RECORD_ID\":\"b\"}]")
                .unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse_senzing("[\n{\"RECORD_ID\":\"a\",\n\"NAME_FULL\":}]").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(parse_senzing("[{\"RECORD_ID\":\"a\",\"NAME_FULL\":\"A\"}").is_err());
        assert!(parse_senzing("[{\"RECORD_ID\":\"a\",\"NAME_FULL\":\"A\"}] x").is_err());
        assert!(parse_senzing("[1]").is_err());
    }
}
