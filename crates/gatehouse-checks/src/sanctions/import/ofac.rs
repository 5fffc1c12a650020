//! OFAC's legacy CSV files (no header row, `-0-` for empty), joined on `ent_num`.
//!
//! Primary records (`sdn.csv`, `cons_prim.csv`) have 12 columns: ent_num, SDN_Name, SDN_Type,
//! Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks. Aliases
//! (`alt.csv`, `cons_alt.csv`) have 5: ent_num, alt_num, alt_type, alt_name, alt_remarks.
//! Addresses (`add.csv`, `cons_add.csv`) have 6: ent_num, add_num, address,
//! city/state/postal, country, add_remarks. Birth dates, nationalities and nicknames are
//! only in the free-text remarks (`DOB 15 Mar 1963; nationality Iran; a.k.a. 'ABU'.`).

use std::collections::HashMap;

use super::csv::{self, value, Record};
use super::{dates, EntityKind, ListEntity, ParseError};

const PRIMARY_COLUMNS: usize = 12;
const ALIAS_COLUMNS: usize = 5;
const ADDRESS_COLUMNS: usize = 6;

/// Parses one OFAC list: its primary records and, when given, its aliases and addresses.
/// `list` becomes [`ListEntity::list`] (`ofac_sdn` or `ofac_cons`); `file_names` name the
/// three files in errors, in the same order. An alias or address whose `ent_num` has no
/// primary record is an error (the files belong to different lists or publications).
pub fn parse_ofac(
    primary: &str,
    aliases: Option<&str>,
    addresses: Option<&str>,
    list: &str,
    file_names: [&str; 3],
) -> Result<Vec<ListEntity>, ParseError> {
    let [primary_file, alias_file, address_file] = file_names;
    let mut entities = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for record in csv::records(primary, primary_file)? {
        check_columns(&record, PRIMARY_COLUMNS, primary_file)?;
        let entity = primary_entity(&record, list, primary_file)?;
        if index
            .insert(entity.entity_id.clone(), entities.len())
            .is_some()
        {
            let message = format!("duplicate ent_num {}", entity.entity_id);
            return Err(ParseError::new(primary_file, record.line, message));
        }
        entities.push(entity);
    }
    if let Some(text) = aliases {
        for record in csv::records(text, alias_file)? {
            check_columns(&record, ALIAS_COLUMNS, alias_file)?;
            let i = lookup(&index, &record, alias_file)?;
            if let Some(name) = value(&record.fields[3]) {
                entities[i].add_alias(name);
            }
        }
    }
    if let Some(text) = addresses {
        for record in csv::records(text, address_file)? {
            check_columns(&record, ADDRESS_COLUMNS, address_file)?;
            let i = lookup(&index, &record, address_file)?;
            // Where an organisation, vessel or aircraft sits says where it belongs; where a
            // person lives is no nationality.
            let entity = &mut entities[i];
            if entity.kind != EntityKind::Person {
                if let Some(country) = value(&record.fields[4]) {
                    entity.add_country(country);
                }
            }
        }
    }
    Ok(entities)
}

fn check_columns(record: &Record, expected: usize, file: &str) -> Result<(), ParseError> {
    let found = record.fields.len();
    if found == expected {
        return Ok(());
    }
    let message = format!("expected {expected} fields, found {found}");
    Err(ParseError::new(file, record.line, message))
}

/// The `ent_num` of a record: digits only.
fn ent_num<'a>(record: &'a Record, file: &str) -> Result<&'a str, ParseError> {
    match value(&record.fields[0]) {
        Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(ParseError::new(
            file,
            record.line,
            format!("ent_num {:?} is not a number", record.fields[0].trim()),
        )),
    }
}

fn lookup(
    index: &HashMap<String, usize>,
    record: &Record,
    file: &str,
) -> Result<usize, ParseError> {
    let n = ent_num(record, file)?;
    index.get(n).copied().ok_or_else(|| {
        ParseError::new(
            file,
            record.line,
            format!("ent_num {n} has no primary record"),
        )
    })
}

fn primary_entity(record: &Record, list: &str, file: &str) -> Result<ListEntity, ParseError> {
    let id = ent_num(record, file)?;
    let f = &record.fields;
    let Some(name) = value(&f[1]) else {
        return Err(ParseError::new(file, record.line, "SDN_Name is empty"));
    };
    let kind = match value(&f[2]).map(str::to_ascii_lowercase).as_deref() {
        None => EntityKind::Organization,
        Some("individual") => EntityKind::Person,
        Some("vessel") => EntityKind::Vessel,
        Some("aircraft") => EntityKind::Aircraft,
        Some(_) => EntityKind::Other,
    };
    let mut entity = ListEntity::new(list, id, kind, super::collapse_spaces(name));
    // Several programs print as `SDGT] [IFSR`.
    for program in value(&f[3]).unwrap_or_default().split("] [") {
        super::push_unique(&mut entity.programs, program.trim_matches(['[', ']', ' ']));
    }
    if let Some(flag) = value(&f[9]) {
        entity.add_country(flag);
    }
    if let Some(remarks) = value(&f[11]) {
        read_remarks(&mut entity, remarks);
        entity.remarks = Some(remarks.to_owned());
    }
    Ok(entity)
}

/// Birth dates, nationalities and quoted nicknames from the remarks.
fn read_remarks(entity: &mut ListEntity, remarks: &str) {
    for part in remarks.split(';') {
        let part = part.trim();
        let part = part.strip_prefix("alt. ").unwrap_or(part);
        if let Some(dob) = part.strip_prefix("DOB ") {
            for date in dates::ofac_dob(dob) {
                super::push_unique(&mut entity.birth_dates, &date);
            }
        } else if let Some(country) = ["nationality ", "citizen ", "Nationality of Registration "]
            .iter()
            .find_map(|prefix| part.strip_prefix(prefix))
        {
            entity.add_country(country);
        }
    }
    for nickname in quoted_akas(remarks) {
        entity.add_alias(nickname);
    }
}

/// The names quoted after `a.k.a.`, `f.k.a.` and `n.k.a.`. A quote closes a name only before
/// punctuation, a space or the end, so `'ABU-'UMAR'` stays whole.
fn quoted_akas(remarks: &str) -> Vec<&str> {
    const MARK: &str = "k.a. '";
    let mut out = Vec::new();
    let mut rest = remarks;
    while let Some(at) = rest.find(MARK) {
        let name = &rest[at + MARK.len()..];
        let close = name.char_indices().find(|&(i, c)| {
            c == '\''
                && name[i + 1..]
                    .chars()
                    .next()
                    .is_none_or(|n| n.is_whitespace() || ".,;:)".contains(n))
        });
        match close {
            Some((end, _)) => {
                out.push(&name[..end]);
                rest = &name[end + 1..];
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: [&str; 3] = ["sdn.csv", "alt.csv", "add.csv"];

    const SDN: &str = "\
10,\"BANCO EJEMPLO\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BE'.\"
20,\"PEREZ, Juan Carlos\",\"individual\",\"SDGT] [IFSR\",\"Director\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 15 Mar 1963; alt. DOB circa 1965; POB Havana, Cuba; nationality Cuba; citizen Spain; a.k.a. 'EL PAQUITO'; a.k.a. 'ABU-'UMAR'.\"
30,\"SEA STAR\",\"vessel\",\"IRAN\",-0- ,\"9BQL\",\"Tanker\",\"1000\",\"900\",\"Iran\",\"NITC\",\"Vessel Registration Identification IMO 1234567.\"
40,\"AIR EXAMPLE\",\"aircraft\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ";

    const ALT: &str = "\
10,1,\"aka\",\"EXAMPLE BANK\",-0- 
20,2,\"fka\",\"PEREZ, Juan\",-0- 
20,3,\"aka\",\"PEREZ, Juan Carlos\",-0- ";

    const ADD: &str = "\
10,1,\"Calle 1\",\"Havana\",\"Cuba\",-0- 
20,2,-0- ,\"Madrid\",\"Spain\",-0- 
40,3,-0- ,-0- ,\"Korea, North\",-0- ";

    fn parse() -> Vec<ListEntity> {
        parse_ofac(SDN, Some(ALT), Some(ADD), "ofac_sdn", FILES).unwrap()
    }

    #[test]
    fn entities_join_aliases_and_addresses() {
        let e = parse();
        assert_eq!(e.len(), 4);
        let bank = &e[0];
        assert_eq!(
            (bank.list.as_str(), bank.entity_id.as_str(), bank.kind),
            ("ofac_sdn", "10", EntityKind::Organization)
        );
        assert_eq!(bank.name, "BANCO EJEMPLO");
        assert_eq!(bank.aliases, ["BE", "EXAMPLE BANK"]);
        assert_eq!(bank.nationalities, ["CU"]);
        assert_eq!(bank.programs, ["CUBA"]);
        assert_eq!(bank.remarks.as_deref(), Some("a.k.a. 'BE'."));
        assert_eq!(e[3].kind, EntityKind::Aircraft);
        assert_eq!(e[3].nationalities, ["KP"]);
        assert_eq!(e[3].remarks, None);
    }

    #[test]
    fn individuals_read_their_remarks() {
        let p = &parse()[1];
        assert_eq!(p.kind, EntityKind::Person);
        assert_eq!(p.name, "PEREZ, Juan Carlos");
        assert_eq!(p.programs, ["SDGT", "IFSR"]);
        assert_eq!(p.birth_dates, ["1963-03-15", "1965"]);
        // A person's address is no nationality: Spain comes from "citizen".
        assert_eq!(p.nationalities, ["CU", "ES"]);
        assert_eq!(p.aliases, ["EL PAQUITO", "ABU-'UMAR", "PEREZ, Juan"]);
    }

    #[test]
    fn vessels_take_their_flag() {
        let v = &parse()[2];
        assert_eq!(v.kind, EntityKind::Vessel);
        assert_eq!(v.nationalities, ["IR"]);
    }

    #[test]
    fn aliases_and_addresses_are_optional() {
        let e = parse_ofac(SDN, None, None, "ofac_cons", FILES).unwrap();
        assert_eq!(e[0].aliases, ["BE"]);
        assert_eq!(e[0].list, "ofac_cons");
    }

    #[test]
    fn wrong_column_count_names_file_and_line() {
        let alt = "10,1,\"aka\",\"X\",-0- \n10,2,\"aka\",\"Y\"\n";
        let e = parse_ofac(SDN, Some(alt), None, "ofac_sdn", FILES).unwrap_err();
        assert_eq!(e.to_string(), "alt.csv:2: expected 5 fields, found 4");
        let e = parse_ofac("1,\"A\",-0- \n", None, None, "ofac_sdn", FILES).unwrap_err();
        assert_eq!(e.to_string(), "sdn.csv:1: expected 12 fields, found 3");
    }

    #[test]
    fn unterminated_quote_fails_whole_parse() {
        let add = "10,1,\"Calle 1,\"Havana\",\"Cuba\",-0- \n";
        let e = parse_ofac(SDN, Some(ALT), Some(add), "ofac_sdn", FILES).unwrap_err();
        assert_eq!(e.file, "add.csv");
        assert_eq!(e.line, 1);
    }

    #[test]
    fn bad_ids_fail() {
        let alt = "99,1,\"aka\",\"X\",-0- \n";
        let e = parse_ofac(SDN, Some(alt), None, "ofac_sdn", FILES).unwrap_err();
        assert_eq!(e.to_string(), "alt.csv:1: ent_num 99 has no primary record");
        let twice = format!("{SDN}\n{}", SDN.lines().next().unwrap_or_default());
        let e = parse_ofac(&twice, None, None, "ofac_sdn", FILES).unwrap_err();
        assert_eq!(e.to_string(), "sdn.csv:5: duplicate ent_num 10");
        let e = parse_ofac(&SDN.replacen("10,", "x1,", 1), None, None, "l", FILES).unwrap_err();
        assert_eq!(e.line, 1);
        let nameless = SDN.replacen("\"BANCO EJEMPLO\"", "-0- ", 1);
        let e = parse_ofac(&nameless, None, None, "l", FILES).unwrap_err();
        assert_eq!(e.to_string(), "sdn.csv:1: SDN_Name is empty");
    }

    #[test]
    fn quoted_akas_stop_at_closing_quotes() {
        assert_eq!(quoted_akas("a.k.a. 'A'; f.k.a. 'B C'."), ["A", "B C"]);
        assert_eq!(quoted_akas("a.k.a. 'O'NEIL' x"), ["O'NEIL"]);
        assert_eq!(quoted_akas("a.k.a. 'unterminated"), Vec::<&str>::new());
    }
}
