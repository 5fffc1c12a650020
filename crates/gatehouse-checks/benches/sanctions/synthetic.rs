//! A synthetic list of about a million names: the real list, plus persons and organisations
//! whose names combine the real list's words with made-up ones (so token frequencies and the
//! vocabulary grow as on a large consolidated list).

use gatehouse_checks::sanctions::import::{EntityKind, ListEntity};

use super::queries::listed_words;
use super::rng::Rng;

/// Made-up words are built from these syllables.
const SYLLABLES: &[&str] = &[
    "BA", "KO", "RI", "MEN", "TASH", "DUL", "VAR", "NE", "SO", "LIN", "KAR", "ZU", "PE", "HAN",
    "MIR", "TO", "GA", "LU", "DER", "SHA", "NO", "VI", "REZ", "AL", "BEK", "OV", "IN", "DA", "MA",
    "SEN", "TU", "QA", "FI", "JO", "RO", "KHA", "WEN", "YU", "ZA", "ESH", "UR", "BO",
];
const ORG_SUFFIXES: &[&str] = &[
    "LLC", "LTD", "COMPANY", "TRADING", "GROUP", "INC", "SA", "JSC",
];
const COUNTRIES: &[&str] = &[
    "RU", "IR", "SY", "KP", "CN", "VE", "CU", "IQ", "LB", "AE", "TR", "MX",
];

/// Words of the real list: surnames and given names of persons, and organisation words.
struct Pools {
    surnames: Vec<String>,
    given: Vec<String>,
    org: Vec<String>,
    made_up: Vec<String>,
}

fn pools(real: &[ListEntity], rng: &mut Rng) -> Pools {
    let mut p = Pools {
        surnames: Vec::new(),
        given: Vec::new(),
        org: Vec::new(),
        made_up: Vec::new(),
    };
    for e in real {
        for name in std::iter::once(&e.name).chain(&e.aliases) {
            match (e.kind, name.split_once(',')) {
                (EntityKind::Person, Some((surname, given))) => {
                    p.surnames.extend(listed_words(surname));
                    p.given.extend(listed_words(given));
                }
                (EntityKind::Person, None) => p.given.extend(listed_words(name)),
                _ => p.org.extend(listed_words(name)),
            }
        }
    }
    for _ in 0..40_000 {
        let n = 2 + rng.below(2);
        p.made_up.push(
            (0..n)
                .map(|_| *rng.pick(SYLLABLES).unwrap_or(&"BA"))
                .collect(),
        );
    }
    p
}

fn draw(rng: &mut Rng, real: &[String], made_up: &[String]) -> String {
    let from = if rng.below(10) < 6 && !real.is_empty() {
        real
    } else {
        made_up
    };
    rng.pick(from).cloned().unwrap_or_default()
}

fn person_name(p: &Pools, rng: &mut Rng, surname: &str) -> String {
    let given: Vec<String> = (0..1 + rng.below(3))
        .map(|_| draw(rng, &p.given, &p.made_up))
        .collect();
    format!("{surname}, {}", given.join(" "))
}

/// `real` followed by synthetic entities, `names` names and aliases in all.
pub fn list(real: &[ListEntity], names: usize, rng: &mut Rng) -> Vec<ListEntity> {
    let p = pools(real, rng);
    let mut out: Vec<ListEntity> = real.to_vec();
    let mut count: usize = real.iter().map(|e| 1 + e.aliases.len()).sum();
    let mut n = 0;
    while count < names {
        n += 1;
        let person = rng.below(100) < 85;
        let (kind, name, aliases) = if person {
            let surname = draw(rng, &p.surnames, &p.made_up);
            let name = person_name(&p, rng, &surname);
            let aliases = if rng.below(100) < 15 {
                vec![person_name(&p, rng, &surname)]
            } else {
                Vec::new()
            };
            (EntityKind::Person, name, aliases)
        } else {
            let words: Vec<String> = (0..2 + rng.below(3))
                .map(|_| draw(rng, &p.org, &p.made_up))
                .collect();
            let suffix = rng.pick(ORG_SUFFIXES).unwrap_or(&"LLC");
            (
                EntityKind::Organization,
                format!("{} {suffix}", words.join(" ")),
                Vec::new(),
            )
        };
        count += 1 + aliases.len();
        let birth_dates = if person && rng.below(2) == 0 {
            vec![format!("{}", 1940 + rng.below(60))]
        } else {
            Vec::new()
        };
        out.push(ListEntity {
            list: "synthetic".to_owned(),
            entity_id: format!("syn{n}"),
            kind,
            name,
            aliases,
            birth_dates,
            nationalities: vec![(*rng.pick(COUNTRIES).unwrap_or(&"RU")).to_owned()],
            programs: Vec::new(),
            remarks: None,
        });
    }
    out
}
