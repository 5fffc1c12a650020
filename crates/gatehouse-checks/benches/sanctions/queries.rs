//! The labelled query set: listed persons' names with the variations applicants and typists
//! produce (order, one typo, transliteration to Cyrillic or Arabic script and back, spelling
//! variants, dropped middle names, initials), and common names that are not on the list.

use gatehouse_checks::sanctions::import::{EntityKind, ListEntity};
use serde::Serialize;

use super::rng::Rng;
use super::scripts::{arabic_name, cyrillic};

/// One query with what it should find.
#[derive(Debug, Clone, Serialize)]
pub struct Labelled {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dob: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// The listed entity the query is a variation of; `None` for a name not on the list.
    pub expected_entity_id: Option<String>,
    /// How the name was varied (`negative` for names not on the list).
    pub variation: &'static str,
}

pub const VARIATIONS: [&str; 8] = [
    "as_listed",
    "natural_order",
    "shuffled",
    "one_typo",
    "middle_dropped",
    "transliterated",
    "spelling_variant",
    "initial",
];

/// Variations drawn in these proportions (per 20).
const MIX: [(usize, u32); 8] = [
    (0, 2),
    (1, 3),
    (2, 2),
    (3, 4),
    (4, 3),
    (5, 3),
    (6, 1),
    (7, 2),
];

/// Nationalities whose names the variation `transliterated` writes in Cyrillic or Arabic.
const CYRILLIC: &[&str] = &[
    "RU", "UA", "BY", "KZ", "KG", "TJ", "UZ", "TM", "AZ", "AM", "GE", "MD", "RS", "BG", "MK", "ME",
    "BA",
];
const ARABIC: &[&str] = &[
    "SA", "YE", "IQ", "SY", "LB", "JO", "PS", "EG", "LY", "TN", "DZ", "MA", "SD", "SO", "KW", "QA",
    "AE", "BH", "OM", "MR", "AF", "IR", "PK",
];

/// Real-world romanisation pairs, independent of the matcher's own table.
const SPELLINGS: &[(&str, &str)] = &[
    ("MUHAMMAD", "MOHAMMED"),
    ("MOHAMMED", "MUHAMMAD"),
    ("MOHAMMAD", "MOHAMED"),
    ("MOHAMED", "MUHAMMAD"),
    ("AHMAD", "AHMED"),
    ("AHMED", "AHMAD"),
    ("HUSSEIN", "HUSAYN"),
    ("HUSAYN", "HUSSEIN"),
    ("HASAN", "HASSAN"),
    ("HASSAN", "HASAN"),
    ("ABDUL", "ABDEL"),
    ("ABD", "ABDUL"),
    ("AL", "EL"),
    ("BIN", "BEN"),
    ("YUSUF", "YOUSSEF"),
    ("UMAR", "OMAR"),
    ("OMAR", "UMAR"),
    ("USAMA", "OSAMA"),
    ("ALI", "ALY"),
    ("KHALID", "KHALED"),
    ("SAID", "SAEED"),
    ("IBRAHIM", "EBRAHIM"),
    ("MUSTAFA", "MOSTAFA"),
    ("ABDULLAH", "ABDALLAH"),
    ("SERGEI", "SERGEY"),
    ("YURI", "YURIY"),
    ("ALEKSANDR", "ALEXANDER"),
    ("DMITRY", "DMITRI"),
    ("ALEKSEY", "ALEXEI"),
];

/// Given names and surnames that are common across the world, for names not on the list.
const GIVEN: &[&str] = &[
    "James",
    "John",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Maria",
    "Jose",
    "Juan",
    "Carlos",
    "Luis",
    "Ana",
    "Carmen",
    "Antonio",
    "Francisco",
    "Manuel",
    "Wei",
    "Fang",
    "Li",
    "Na",
    "Min",
    "Jing",
    "Hui",
    "Yan",
    "Hiroshi",
    "Yuki",
    "Takeshi",
    "Olga",
    "Ivan",
    "Sergei",
    "Elena",
    "Natalia",
    "Dmitri",
    "Priya",
    "Rahul",
    "Amit",
    "Anita",
    "Sunil",
    "Fatima",
    "Ahmed",
    "Mohammed",
    "Ali",
    "Omar",
    "Layla",
    "Hassan",
    "Yusuf",
    "Aisha",
    "Emma",
    "Sophie",
    "Lucas",
    "Hans",
    "Pierre",
    "Giulia",
    "Marco",
    "Olivia",
    "Noah",
    "Mateo",
    "Sofia",
    "Chloe",
    "Arjun",
    "Mei",
    "Jun",
    "Seo-yeon",
    "Ji-ho",
];
const SURNAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Garcia",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Perez",
    "Sanchez",
    "Ramirez",
    "Wang",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Sato",
    "Suzuki",
    "Tanaka",
    "Ivanov",
    "Smirnov",
    "Kuznetsov",
    "Popov",
    "Petrova",
    "Sharma",
    "Patel",
    "Singh",
    "Kumar",
    "Gupta",
    "Khan",
    "Ahmed",
    "Hussain",
    "Mueller",
    "Schmidt",
    "Schneider",
    "Dubois",
    "Rossi",
    "Novak",
    "Kowalski",
    "Nguyen",
    "Tran",
    "Kim",
    "Park",
    "Lee",
    "Silva",
    "Santos",
    "Costa",
    "Okafor",
    "Mensah",
    "Haddad",
    "Nasser",
    "Yilmaz",
    "Demir",
    "Larsen",
];

/// A listed name split into surname and given names (`SURNAME, Given` or, without a comma,
/// all given), as uppercase words.
fn parts(name: &str) -> (Vec<String>, Vec<String>) {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| c.is_whitespace() || c == '-' || c == ',')
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_uppercase()
            })
            .filter(|w| !w.is_empty())
            .collect()
    };
    match name.split_once(',') {
        Some((surname, given)) => (words(surname), words(given)),
        None => (Vec::new(), words(name)),
    }
}

pub fn title(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

fn natural(surname: &[String], given: &[String]) -> Vec<String> {
    given.iter().chain(surname).cloned().collect()
}

fn join_title(words: &[String]) -> String {
    words.iter().map(|w| title(w)).collect::<Vec<_>>().join(" ")
}

/// One random edit (insertion, deletion, substitution, transposition) in a word of 4+ letters.
fn typo(words: &mut [String], rng: &mut Rng) -> bool {
    let long: Vec<usize> = (0..words.len())
        .filter(|i| words[*i].chars().count() >= 4)
        .collect();
    let Some(&i) = rng.pick(&long) else {
        return false;
    };
    let mut chars: Vec<char> = words[i].chars().collect();
    let at = rng.below(chars.len() - 1) + 1;
    let letter = (b'A' + rng.below(26) as u8) as char;
    match rng.below(4) {
        0 => chars.insert(at, letter),
        1 => {
            chars.remove(at);
        }
        2 => chars[at] = if chars[at] == letter { 'X' } else { letter },
        _ => chars.swap(at - 1, at),
    }
    words[i] = chars.into_iter().collect();
    true
}

fn spelling_variant(words: &mut [String], rng: &mut Rng) -> bool {
    let known: Vec<usize> = (0..words.len())
        .filter(|i| SPELLINGS.iter().any(|(a, _)| *a == words[*i]))
        .collect();
    if let Some(&i) = rng.pick(&known) {
        if let Some((_, b)) = SPELLINGS.iter().find(|(a, _)| *a == words[i]) {
            words[i] = (*b).to_owned();
            return true;
        }
    }
    // Generic romanisation differences: doubled letters, Y/I, KH/H, OU/U, W/V.
    const SWAPS: &[(&str, &str)] = &[
        ("SS", "S"),
        ("LL", "L"),
        ("MM", "M"),
        ("Y", "I"),
        ("KH", "H"),
        ("OU", "U"),
        ("W", "V"),
        ("EI", "EY"),
        ("IE", "YE"),
        ("J", "DJ"),
    ];
    for _ in 0..8 {
        let (a, b) = SWAPS[rng.below(SWAPS.len())];
        let i = rng.below(words.len());
        if words[i].contains(a) {
            words[i] = words[i].replacen(a, b, 1);
            return true;
        }
    }
    false
}

/// A variation of one of `e`'s names, or `None` when the name is too short for it.
fn vary(e: &ListEntity, variation: &'static str, rng: &mut Rng) -> Option<String> {
    let name = if !e.aliases.is_empty() && rng.below(10) < 3 {
        rng.pick(&e.aliases)?.clone()
    } else {
        e.name.clone()
    };
    let (surname, given) = parts(&name);
    let mut words = natural(&surname, &given);
    if words.is_empty() {
        return None;
    }
    match variation {
        "as_listed" => return Some(name),
        "natural_order" => {}
        "shuffled" => rng.shuffle(&mut words),
        "one_typo" => {
            if !typo(&mut words, rng) {
                return None;
            }
        }
        "middle_dropped" => {
            if given.len() < 2 || surname.is_empty() {
                return None;
            }
            words.remove(1 + rng.below(given.len() - 1));
        }
        "transliterated" => {
            let nat = e.nationalities.iter().map(String::as_str);
            let arabic_name_words = ["AL", "BIN", "ABU", "ABD", "ABDUL", "MUHAMMAD", "MOHAMMED"];
            if nat.clone().any(|n| ARABIC.contains(&n))
                || words
                    .iter()
                    .any(|w| arabic_name_words.contains(&w.as_str()))
            {
                return Some(arabic_name(&words, rng));
            }
            if nat.clone().any(|n| CYRILLIC.contains(&n)) || rng.below(2) == 0 {
                return Some(
                    words
                        .iter()
                        .map(|w| cyrillic(w))
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
            return None;
        }
        "spelling_variant" => {
            if !spelling_variant(&mut words, rng) {
                return None;
            }
        }
        "initial" => {
            if given.is_empty() || surname.is_empty() {
                return None;
            }
            let initial: String = given[0].chars().take(1).collect();
            return Some(format!("{initial}. {}", join_title(&words[1..])));
        }
        _ => return None,
    }
    Some(join_title(&words))
}

/// A date of birth for a query about `e`: its own when it gives the day, else a day in its year.
fn birth_date(e: &ListEntity, rng: &mut Rng) -> Option<String> {
    let d = rng.pick(&e.birth_dates)?;
    match d.len() {
        10 => Some(d.clone()),
        7 => Some(format!("{d}-{:02}", 1 + rng.below(28))),
        4 => Some(format!(
            "{d}-{:02}-{:02}",
            1 + rng.below(12),
            1 + rng.below(28)
        )),
        _ => None,
    }
}

/// `count` variations of listed persons' names.
pub fn positives(entities: &[ListEntity], count: usize, rng: &mut Rng) -> Vec<Labelled> {
    let persons: Vec<&ListEntity> = entities
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .collect();
    let deck: Vec<usize> = MIX
        .iter()
        .flat_map(|(v, n)| std::iter::repeat_n(*v, *n as usize))
        .collect();
    let mut out = Vec::with_capacity(count);
    let mut tries = 0;
    while out.len() < count && tries < count * 20 && !persons.is_empty() {
        tries += 1;
        let e = persons[rng.below(persons.len())];
        let variation = VARIATIONS[deck[rng.below(deck.len())]];
        let Some(name) = vary(e, variation, rng) else {
            continue;
        };
        let with_facts = rng.below(10) < 7;
        out.push(Labelled {
            name,
            dob: birth_date(e, rng).filter(|_| with_facts),
            nationality: (e.nationalities.iter())
                .find(|n| n.len() == 2)
                .cloned()
                .filter(|_| with_facts),
            expected_entity_id: Some(e.entity_id.clone()),
            variation,
        });
    }
    out
}

/// About `count` common names, none of whose words all appear in one listed name (`listed`
/// tells whether they do).
pub fn negatives(count: usize, rng: &mut Rng, listed: impl Fn(&[String]) -> bool) -> Vec<Labelled> {
    const COUNTRIES: &[&str] = &[
        "US", "GB", "DE", "FR", "CN", "IN", "BR", "MX", "RU", "EG", "NG", "JP", "KR", "PK", "TR",
    ];
    let mut out: Vec<Labelled> = Vec::with_capacity(count);
    let mut tries = 0;
    while out.len() < count && tries < count * 20 {
        tries += 1;
        let mut words = vec![(*rng.pick(GIVEN).unwrap_or(&"Anna")).to_owned()];
        if rng.below(10) < 3 {
            words.push((*rng.pick(GIVEN).unwrap_or(&"Maria")).to_owned());
        }
        words.push((*rng.pick(SURNAMES).unwrap_or(&"Smith")).to_owned());
        let upper: Vec<String> = words
            .iter()
            .flat_map(|w| w.split('-'))
            .map(str::to_uppercase)
            .collect();
        let name = words.join(" ");
        if listed(&upper) || out.iter().any(|l| l.name == name) {
            continue;
        }
        let with_facts = rng.below(10) < 7;
        out.push(Labelled {
            name,
            dob: with_facts.then(|| {
                format!(
                    "{}-{:02}-{:02}",
                    1940 + rng.below(66),
                    1 + rng.below(12),
                    1 + rng.below(28)
                )
            }),
            nationality: with_facts.then(|| (*rng.pick(COUNTRIES).unwrap_or(&"US")).to_owned()),
            expected_entity_id: None,
            variation: "negative",
        });
    }
    out
}

/// The uppercase words of a listed name, as [`negatives`] compares them.
pub fn listed_words(name: &str) -> Vec<String> {
    let (mut surname, given) = parts(name);
    surname.extend(given);
    surname
}
