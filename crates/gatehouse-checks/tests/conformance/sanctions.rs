//! Sanctions list import over the real files in `shared/data/sanctions` (OFAC SDN and
//! consolidated CSV, the UN consolidated XML, OpenSanctions in Senzing JSON): the record
//! counts its README states, and a few entries read field by field.

use std::collections::BTreeMap;
use std::path::Path;

use gatehouse_checks::sanctions::import::{
    parse_ofac, parse_senzing, parse_un, EntityKind, ListEntity,
};

use crate::support;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The file beside `first` called `name`.
fn sibling(first: &Path, name: &str) -> String {
    read(&first.with_file_name(name))
}

fn kinds(entities: &[ListEntity]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for e in entities {
        *out.entry(format!("{:?}", e.kind)).or_insert(0) += 1;
    }
    out
}

fn count(entities: &[ListEntity], kind: EntityKind) -> usize {
    entities.iter().filter(|e| e.kind == kind).count()
}

fn find<'a>(entities: &'a [ListEntity], id: &str) -> &'a ListEntity {
    entities
        .iter()
        .find(|e| e.entity_id == id)
        .unwrap_or_else(|| panic!("no entity {id}"))
}

/// Prints what was read, and which nationality values stayed as written.
fn summary(label: &str, entities: &[ListEntity]) {
    let field = |f: fn(&ListEntity) -> usize| entities.iter().map(f).sum::<usize>();
    let unconverted: BTreeMap<&str, usize> = entities
        .iter()
        .flat_map(|e| &e.nationalities)
        .filter(|n| !(n.len() == 2 && n.bytes().all(|b| b.is_ascii_uppercase())))
        .fold(BTreeMap::new(), |mut m, n| {
            *m.entry(n.as_str()).or_insert(0) += 1;
            m
        });
    println!(
        "{label}: {} entities {:?}; {} aliases, {} birth dates, {} nationalities \
         (kept as written: {unconverted:?}), {} with a birth date",
        entities.len(),
        kinds(entities),
        field(|e| e.aliases.len()),
        field(|e| e.birth_dates.len()),
        field(|e| e.nationalities.len()),
        entities
            .iter()
            .filter(|e| !e.birth_dates.is_empty())
            .count(),
    );
}

#[test]
fn ofac_sdn_counts_and_entries() {
    let Some(path) = support::shared_data("sanctions/sdn.csv") else {
        return;
    };
    let files = ["sdn.csv", "alt.csv", "add.csv"];
    let (alt, add) = (sibling(&path, files[1]), sibling(&path, files[2]));
    let sdn = parse_ofac(&read(&path), Some(&alt), Some(&add), "ofac_sdn", files)
        .unwrap_or_else(|e| panic!("{e}"));
    summary("ofac_sdn", &sdn);
    assert_eq!(sdn.len(), 7379);
    assert_eq!(count(&sdn, EntityKind::Person), 3845);
    assert_eq!(count(&sdn, EntityKind::Organization), 2994);
    assert_eq!(count(&sdn, EntityKind::Vessel), 323);
    assert_eq!(count(&sdn, EntityKind::Aircraft), 217);

    let bank = find(&sdn, "306");
    assert_eq!(bank.name, "BANCO NACIONAL DE CUBA");
    assert!(bank.aliases.contains(&"NATIONAL BANK OF CUBA".to_owned()));
    assert!(bank.aliases.contains(&"BNC".to_owned()), "{bank:?}");
    assert_eq!(bank.programs, ["CUBA"]);
    let airline = find(&sdn, "36");
    assert_eq!(airline.name, "AEROCARIBBEAN AIRLINES");
    assert!(airline.aliases.contains(&"AERO-CARIBBEAN".to_owned()));

    // DOB 1964; alt. DOB 28 Aug 1962; nationality Korea, North; a.k.a. 'KIM, JIN SOK'.
    let kim = find(&sdn, "11648");
    assert_eq!(kim.kind, EntityKind::Person);
    assert_eq!(kim.name, "KIM, Tong-Myo'ng");
    assert_eq!(kim.birth_dates, ["1964", "1962-08-28"]);
    assert_eq!(kim.nationalities, ["KP"]);
    assert!(kim.aliases.contains(&"KIM, JIN SOK".to_owned()), "{kim:?}");
    assert_eq!(kim.programs, ["NPWMD"]);
    // DOB circa 1956; nationality Iran; citizen Iran; four programs.
    let rezaie = find(&sdn, "10479");
    assert_eq!(rezaie.birth_dates, ["1956"]);
    assert_eq!(rezaie.nationalities, ["IR"]);
    assert_eq!(rezaie.programs, ["SDGT", "NPWMD", "IRGC", "IFSR"]);
}

#[test]
fn ofac_consolidated_counts_and_entries() {
    let Some(path) = support::shared_data("sanctions/cons_prim.csv") else {
        return;
    };
    let files = ["cons_prim.csv", "cons_alt.csv", "cons_add.csv"];
    let (alt, add) = (sibling(&path, files[1]), sibling(&path, files[2]));
    let cons = parse_ofac(&read(&path), Some(&alt), Some(&add), "ofac_cons", files)
        .unwrap_or_else(|e| panic!("{e}"));
    summary("ofac_cons", &cons);
    assert_eq!(cons.len(), 442);
    assert_eq!(count(&cons, EntityKind::Person), 79);
    assert_eq!(count(&cons, EntityKind::Organization), 363);

    let haniya = find(&cons, "9639");
    assert_eq!(haniya.list, "ofac_cons");
    assert_eq!(haniya.name, "HANIYA, Ismail Abdul Salah");
    assert_eq!(haniya.birth_dates, ["1962"]);
    assert!(haniya.aliases.contains(&"HANIYA, Ismail".to_owned()));
    assert!(haniya.aliases.contains(&"HANIYYA, Ismaeel".to_owned()));
    assert_eq!(haniya.programs, ["NS-PLC"]);
}

#[test]
fn un_consolidated_counts_and_entries() {
    let Some(path) = support::shared_data("sanctions/UN_consolidated.xml") else {
        return;
    };
    let un = parse_un(&read(&path)).unwrap_or_else(|e| panic!("{e}"));
    summary("un", &un);
    assert_eq!(count(&un, EntityKind::Person), 730);
    assert_eq!(count(&un, EntityKind::Organization), 273);
    assert_eq!(un.len(), 1003);

    let adf = find(&un, "6908402");
    assert_eq!(
        (adf.name.as_str(), adf.kind),
        ("ADF", EntityKind::Organization)
    );
    assert_eq!(adf.programs, ["DRC"]);
    assert!(adf.aliases.contains(&"Allied Democratic Forces".to_owned()));

    let saddam = find(&un, "6908048");
    assert_eq!(saddam.name, "SADDAM HUSSEIN AL-TIKRITI");
    assert_eq!(saddam.aliases, ["صدام حسين التكريتي", "Abu Ali"]);
    assert_eq!(saddam.birth_dates, ["1937-04-28"]);
    assert_eq!(saddam.nationalities, ["IQ"]);

    let umarov = find(&un, "2960872");
    assert!(umarov.aliases.contains(&"Умаров Доку Хаматович".to_owned()));
    assert_eq!(umarov.nationalities, ["RU", "former Soviet Union"]);

    let kim = find(&un, "6908566");
    assert!(kim.aliases.contains(&"Jin Tiesan (金铁三)".to_owned()));
    assert_eq!(kim.birth_dates, ["1971-03-11"]);
    assert_eq!(kim.nationalities, ["KP"]);

    let ryonha = find(&un, "690767");
    assert!(ryonha.aliases.contains(&"朝鲜联合机械贸易会社".to_owned()));
    assert_eq!(ryonha.nationalities, ["KP"]);

    // BETWEEN 1973 and 1974.
    let ntaganda = find(&un, "6908021");
    assert_eq!(ntaganda.birth_dates, ["1973", "1974"]);
}

#[test]
fn opensanctions_senzing_counts_and_entries() {
    let Some(path) = support::shared_data("sanctions/opensanctions/us_congress_senzing.json")
    else {
        return;
    };
    let congress = parse_senzing(&read(&path)).unwrap_or_else(|e| panic!("{e}"));
    summary("senzing us_congress", &congress);
    assert_eq!(congress.len(), 1319);
    assert_eq!(count(&congress, EntityKind::Person), 1317);
    assert_eq!(count(&congress, EntityKind::Other), 2);
    let jake = find(&congress, "Q101196632");
    assert_eq!(jake.list, "senzing:os_us_congress");
    assert_eq!(jake.name, "Jake Auchincloss");
    assert_eq!(jake.birth_dates, ["1988"]);
    assert_eq!(jake.nationalities, ["US"]);

    let peps =
        parse_senzing(&sibling(&path, "peps_senzing.json")).unwrap_or_else(|e| panic!("{e}"));
    summary("senzing peps (array)", &peps);
    assert_eq!(peps.len(), 3);
    let smith = find(&peps, "Q123456");
    assert_eq!(smith.name, "John Smith");
    assert_eq!(smith.birth_dates, ["1965-03-15"]);
    assert_eq!(smith.nationalities, ["US"]);
    let ministry = find(&peps, "Q345678");
    assert_eq!(ministry.kind, EntityKind::Organization);
    assert_eq!(ministry.nationalities, ["DE"]);
}
