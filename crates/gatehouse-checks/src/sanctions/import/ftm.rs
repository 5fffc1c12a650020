//! OpenSanctions' FollowTheMoney export (`entities.ftm.json`): one entity a line,
//! `{"id", "schema", "caption", "properties": {"name": [...], ...}, "datasets": [...]}`.
//!
//! Only schemas that can be sanctioned are kept: Person, Organization, Company, LegalEntity,
//! PublicBody, Vessel and Airplane. Addresses, sanctions, ownerships and other relation
//! entities are skipped.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::{dates, json_message, EntityKind, ListEntity, ParseError};

/// The file name errors carry; see [`ParseError::in_file`].
const FILE: &str = "entities.ftm.json";

const ALIAS_PROPERTIES: [&str; 4] = ["name", "alias", "weakAlias", "previousName"];
const PERSON_COUNTRIES: [&str; 2] = ["nationality", "citizenship"];
const OTHER_COUNTRIES: [&str; 4] = ["country", "jurisdiction", "mainCountry", "flag"];

#[derive(Deserialize)]
struct Entity {
    id: String,
    schema: String,
    #[serde(default)]
    caption: Option<String>,
    /// Values are strings in `entities.ftm.json`; nested exports put objects there too.
    #[serde(default)]
    properties: HashMap<String, Vec<Value>>,
    #[serde(default)]
    datasets: Vec<String>,
}

impl Entity {
    fn strings<'a>(&'a self, property: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.properties
            .get(property)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }
}

fn kind(schema: &str) -> Option<EntityKind> {
    match schema {
        "Person" => Some(EntityKind::Person),
        "Organization" | "Company" | "LegalEntity" | "PublicBody" => Some(EntityKind::Organization),
        "Vessel" => Some(EntityKind::Vessel),
        "Airplane" => Some(EntityKind::Aircraft),
        _ => None,
    }
}

/// Parses FollowTheMoney JSON lines. [`ListEntity::list`] is `ftm:` and the entity's first
/// dataset. Errors name `entities.ftm.json`.
pub fn parse_ftm(jsonl: &str) -> Result<Vec<ListEntity>, ParseError> {
    let mut out = Vec::new();
    for (i, text) in jsonl.lines().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        let line = i + 1;
        let entity: Entity = serde_json::from_str(text)
            .map_err(|e| ParseError::new(FILE, line, json_message(&e)))?;
        if let Some(kind) = kind(&entity.schema) {
            out.push(convert(&entity, kind, line)?);
        }
    }
    Ok(out)
}

fn convert(entity: &Entity, kind: EntityKind, line: usize) -> Result<ListEntity, ParseError> {
    let id = entity.id.trim();
    if id.is_empty() {
        return Err(ParseError::new(FILE, line, "empty id"));
    }
    let caption = entity
        .caption
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let Some(name) = caption.or_else(|| entity.strings("name").next()) else {
        let message = format!("{} {id} has no name", entity.schema);
        return Err(ParseError::new(FILE, line, message));
    };
    let list = match entity.datasets.first() {
        Some(dataset) => format!("ftm:{dataset}"),
        None => "ftm".to_owned(),
    };
    let mut out = ListEntity::new(&list, id, kind, super::collapse_spaces(name));
    for alias in ALIAS_PROPERTIES.iter().flat_map(|p| entity.strings(p)) {
        out.add_alias(alias);
    }
    for date in entity.strings("birthDate").filter_map(dates::iso) {
        super::push_unique(&mut out.birth_dates, &date);
    }
    let countries: &[&str] = if kind == EntityKind::Person {
        &PERSON_COUNTRIES
    } else {
        &OTHER_COUNTRIES
    };
    for country in countries.iter().flat_map(|p| entity.strings(p)) {
        out.add_country(country);
    }
    // A person's `country` is any country they are linked to: only a stand-in.
    if kind == EntityKind::Person && out.nationalities.is_empty() {
        for country in entity.strings("country") {
            out.add_country(country);
        }
    }
    for program in ["programId", "program"]
        .iter()
        .flat_map(|p| entity.strings(p))
    {
        super::push_unique(&mut out.programs, program);
    }
    let notes: Vec<&str> = entity.strings("notes").collect();
    out.remarks = (!notes.is_empty()).then(|| notes.join("\n"));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Written after the FtM schema (followthemoney.tech) and OpenSanctions' export docs.
    const LINES: &str = r#"{"id":"os-1","schema":"Person","caption":"Ivan Petrov","properties":{"name":["Ivan Petrov","Иван Петров"],"alias":["Vanya"],"birthDate":["1970-01-02","1971"],"nationality":["ru"],"country":["ua"],"programId":["RUSSIA-EO14024"],"notes":["Businessman."]},"datasets":["us_ofac_sdn","eu_fsf"]}
{"id":"os-addr","schema":"Address","properties":{"full":["1 Main St"]},"datasets":["us_ofac_sdn"]}

{"id":"os-2","schema":"Company","properties":{"name":["ACME LLC"],"jurisdiction":["cy"],"country":["ru"]},"datasets":["eu_fsf"]}
{"id":"os-3","schema":"Vessel","properties":{"name":["SEA STAR"],"flag":["pa"]},"datasets":[]}
{"id":"os-4","schema":"Airplane","caption":"EP-ABC","properties":{}}
{"id":"os-5","schema":"Person","properties":{"name":["Anon"],"country":["de"]},"datasets":["x"]}
{"id":"os-6","schema":"Sanction","properties":{"entity":["os-1"]}}"#;

    #[test]
    fn sanctionable_schemas_only() {
        let e = parse_ftm(LINES).unwrap();
        let ids: Vec<&str> = e.iter().map(|e| e.entity_id.as_str()).collect();
        assert_eq!(ids, ["os-1", "os-2", "os-3", "os-4", "os-5"]);
        let kinds: Vec<EntityKind> = e.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                EntityKind::Person,
                EntityKind::Organization,
                EntityKind::Vessel,
                EntityKind::Aircraft,
                EntityKind::Person
            ]
        );
    }

    #[test]
    fn person_fields() {
        let p = &parse_ftm(LINES).unwrap()[0];
        assert_eq!(p.list, "ftm:us_ofac_sdn");
        assert_eq!(p.name, "Ivan Petrov");
        assert_eq!(p.aliases, ["Иван Петров", "Vanya"]);
        assert_eq!(p.birth_dates, ["1970-01-02", "1971"]);
        assert_eq!(p.nationalities, ["RU"]);
        assert_eq!(p.programs, ["RUSSIA-EO14024"]);
        assert_eq!(p.remarks.as_deref(), Some("Businessman."));
    }

    #[test]
    fn countries_by_kind() {
        let e = parse_ftm(LINES).unwrap();
        assert_eq!(e[1].nationalities, ["RU", "CY"]);
        assert_eq!(e[2].nationalities, ["PA"]);
        assert_eq!(e[2].list, "ftm");
        assert_eq!(e[3].name, "EP-ABC");
        assert_eq!(e[4].nationalities, ["DE"]);
    }

    #[test]
    fn bad_json_names_its_line() {
        let text = format!(
            "{}\n{{\"id\": \"x\", \"schema\": ",
            LINES.lines().next().unwrap_or_default()
        );
        let e = parse_ftm(&text).unwrap_err();
        assert_eq!(e.file, "entities.ftm.json");
        assert_eq!(e.line, 2);
        assert!(e.message.starts_with("bad JSON at column"), "{e}");
        let e = parse_ftm("{\"schema\":\"Person\"}").unwrap_err();
        assert!(e.message.contains("missing field `id`"), "{e}");
        let e = parse_ftm("[1, 2]").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn nameless_and_idless_entities_fail() {
        let e = parse_ftm("\n{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{}}").unwrap_err();
        assert_eq!(e.to_string(), "entities.ftm.json:2: Person a has no name");
        let e = parse_ftm("{\"id\":\" \",\"schema\":\"Vessel\"}").unwrap_err();
        assert_eq!(e.message, "empty id");
    }
}
