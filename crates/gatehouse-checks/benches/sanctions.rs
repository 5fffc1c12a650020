//! Sanctions screening: quality and speed on OFAC's SDN list (`shared/data/sanctions`, ~17k
//! names and aliases) and on a synthetic list of 1,000,000 names (the SDN list plus generated
//! persons and organisations).
//!
//! The labelled queries are variations of listed persons' names (see `sanctions/queries.rs`)
//! and common names not on either list. For each list it prints, at
//! [`DEFAULT_THRESHOLD`], recall (the varied person's entity among the hits), false hits per
//! 1000 negatives, latency per query and single-threaded queries per second, once on names
//! alone and once with birth date and nationality; then recall and false hits at other
//! thresholds, recall per variation, and the misses and false hits themselves.
//!
//! ```text
//! cargo bench -p gatehouse-checks --bench sanctions
//! GATEHOUSE_BENCH_QUERIES_OUT=queries.jsonl   the query set, one JSON object a line
//! GATEHOUSE_BENCH_LIST_OUT=list.jsonl         the synthetic list (it holds the SDN list too)
//! GATEHOUSE_BENCH_NAMES=1000000               size of the synthetic list (0 skips it)
//! GATEHOUSE_SHARED_DATA=/path/to/shared/data  where the lists are (default ../shared/data)
//! ```
//! Without the data, and with `GATEHOUSE_SHARED_DATA` unset, it says so and exits 0.

#[path = "sanctions/queries.rs"]
mod queries;
#[path = "sanctions/rng.rs"]
mod rng;
#[path = "sanctions/scripts.rs"]
mod scripts;
#[path = "sanctions/synthetic.rs"]
mod synthetic;

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use gatehouse_checks::sanctions::import::{parse_ofac, EntityKind, ListEntity};
use gatehouse_checks::sanctions::matcher::{Index, Query, DEFAULT_THRESHOLD};

use queries::{Labelled, VARIATIONS};
use rng::Rng;

const SEED: u64 = 0x005E_ED0F_0FAC;
const POSITIVES: usize = 2000;
const NEGATIVES: usize = 1000;
const SYNTHETIC_NAMES: usize = 1_000_000;
/// Hits asked for per query (RapidFuzz's `process.extract` takes a `limit` too).
const LIMIT: usize = 10;
const SWEEP: [f64; 9] = [0.65, 0.7, 0.725, 0.75, 0.775, 0.8, 0.825, 0.85, 0.9];
/// Misses and false hits printed per list.
const SHOWN: usize = 25;

fn main() {
    let Some(dir) = data_dir() else {
        return;
    };
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
    };
    let files = ["sdn.csv", "alt.csv", "add.csv"];
    let sdn = parse_ofac(
        &read(files[0]),
        Some(&read(files[1])),
        Some(&read(files[2])),
        "ofac_sdn",
        files,
    )
    .unwrap_or_else(|e| panic!("{e}"));

    // One stream each, so that the queries do not depend on the synthetic list's size.
    let positives = queries::positives(&sdn, POSITIVES, &mut Rng::new(SEED));
    let names = std::env::var("GATEHOUSE_BENCH_NAMES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(SYNTHETIC_NAMES);
    let big = (names > 0).then(|| synthetic::list(&sdn, names, &mut Rng::new(SEED + 1)));
    let words = WordIndex::new(big.as_deref().unwrap_or(&sdn));
    let negatives = queries::negatives(NEGATIVES, &mut Rng::new(SEED + 2), |w| words.holds_all(w));
    let all: Vec<Labelled> = positives.into_iter().chain(negatives).collect();
    write_jsonl("GATEHOUSE_BENCH_QUERIES_OUT", &all);
    if let Some(big) = &big {
        write_jsonl("GATEHOUSE_BENCH_LIST_OUT", big);
    }
    drop(words);

    println!(
        "queries: {} positives (variations of listed persons), {} negatives; limit {LIMIT}, \
         threshold {DEFAULT_THRESHOLD}, one thread",
        all.iter()
            .filter(|q| q.expected_entity_id.is_some())
            .count(),
        all.iter()
            .filter(|q| q.expected_entity_id.is_none())
            .count(),
    );
    run("OFAC SDN", sdn, &all);
    if let Some(big) = big {
        run("synthetic", big, &all);
    }
}

/// The folder with the lists, or `None` (after saying why) when it is absent and not required.
fn data_dir() -> Option<PathBuf> {
    let required = std::env::var_os("GATEHOUSE_SHARED_DATA");
    let root = match &required {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    let dir = root.join("sanctions");
    if dir.join("sdn.csv").exists() {
        return Some(dir);
    }
    if required.is_some() {
        panic!(
            "GATEHOUSE_SHARED_DATA is set but {} has no sdn.csv",
            dir.display()
        );
    }
    println!(
        "skipped: no sanctions data at {}; set GATEHOUSE_SHARED_DATA to the shared data folder",
        dir.display()
    );
    None
}

fn write_jsonl<T: serde::Serialize>(var: &str, items: &[T]) {
    let Some(path) = std::env::var_os(var) else {
        return;
    };
    let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{var}: {e}"));
    let mut out = std::io::BufWriter::new(file);
    for item in items {
        let line = serde_json::to_string(item).unwrap_or_else(|e| panic!("{e}"));
        writeln!(out, "{line}").unwrap_or_else(|e| panic!("{var}: {e}"));
    }
    out.flush().unwrap_or_else(|e| panic!("{var}: {e}"));
    println!(
        "wrote {} lines to {}",
        items.len(),
        PathBuf::from(path).display()
    );
}

/// Which listed names hold every one of some words (to keep negatives off the lists).
struct WordIndex {
    names: HashMap<String, Vec<u32>>,
}

impl WordIndex {
    fn new(entities: &[ListEntity]) -> Self {
        let mut names: HashMap<String, Vec<u32>> = HashMap::new();
        let mut n = 0u32;
        for e in entities {
            for name in std::iter::once(&e.name).chain(&e.aliases) {
                for w in queries::listed_words(name) {
                    let ids = names.entry(w).or_default();
                    if ids.last() != Some(&n) {
                        ids.push(n);
                    }
                }
                n += 1;
            }
        }
        Self { names }
    }

    fn holds_all(&self, words: &[String]) -> bool {
        let mut lists: Vec<&Vec<u32>> = Vec::new();
        for w in words {
            match self.names.get(w) {
                Some(ids) => lists.push(ids),
                None => return false,
            }
        }
        lists.sort_by_key(|l| l.len());
        let Some((first, rest)) = lists.split_first() else {
            return false;
        };
        first
            .iter()
            .any(|id| rest.iter().all(|l| l.binary_search(id).is_ok()))
    }
}

/// The outcome of one query.
struct Outcome {
    /// The expected entity's score, if it was among the hits.
    found: Option<f64>,
    top_is_expected: bool,
    /// The best score of an entity other than the expected one.
    best_other: Option<f64>,
    other_hits: usize,
    elapsed: Duration,
    /// The top hit: entity, matched name, score, explanation.
    top: Option<(String, String, f64, String)>,
}

fn screen_all(
    ix: &Index,
    all: &[Labelled],
    facts: bool,
    threshold: f64,
    limit: usize,
) -> Vec<Outcome> {
    all.iter()
        .map(|l| {
            let q = Query {
                name: l.name.clone(),
                birth_date: l.dob.clone().filter(|_| facts),
                nationality: l.nationality.clone().filter(|_| facts),
                kind: Some(EntityKind::Person),
            };
            let start = Instant::now();
            let hits = ix.screen(&q, threshold, limit);
            let elapsed = start.elapsed();
            let expected = l.expected_entity_id.as_deref();
            let is_expected = |id: &str| Some(id) == expected;
            Outcome {
                found: hits
                    .iter()
                    .find(|h| is_expected(&h.entity_id))
                    .map(|h| h.score),
                top_is_expected: hits.first().is_some_and(|h| is_expected(&h.entity_id)),
                best_other: hits
                    .iter()
                    .find(|h| !is_expected(&h.entity_id))
                    .map(|h| h.score),
                other_hits: hits.iter().filter(|h| !is_expected(&h.entity_id)).count(),
                elapsed,
                top: hits.first().map(|h| {
                    let why = h.explanation.summary.clone();
                    (h.entity_id.clone(), h.matched_name.clone(), h.score, why)
                }),
            }
        })
        .collect()
}

fn run(label: &str, entities: Vec<ListEntity>, all: &[Labelled]) {
    let start = Instant::now();
    let ix = Index::build(entities);
    println!(
        "\n== {label}: {} entities, {} names and aliases; index built in {:.2} s",
        ix.len(),
        ix.names(),
        start.elapsed().as_secs_f64()
    );
    let positives: Vec<usize> = (0..all.len())
        .filter(|i| all[*i].expected_entity_id.is_some())
        .collect();
    let negatives: Vec<usize> = (0..all.len())
        .filter(|i| all[*i].expected_entity_id.is_none())
        .collect();
    // Warm caches (and the lazily built variant table) before timing.
    screen_all(
        &ix,
        &all[..all.len().min(50)],
        false,
        DEFAULT_THRESHOLD,
        LIMIT,
    );
    for facts in [false, true] {
        let out = screen_all(&ix, all, facts, DEFAULT_THRESHOLD, LIMIT);
        let found = positives
            .iter()
            .filter(|i| out[**i].found.is_some())
            .count();
        let top1 = positives
            .iter()
            .filter(|i| out[**i].top_is_expected)
            .count();
        let neg_hit = negatives.iter().filter(|i| out[**i].other_hits > 0).count();
        let neg_hits: usize = negatives.iter().map(|i| out[*i].other_hits).sum();
        let pos_other: usize = positives.iter().map(|i| out[*i].other_hits).sum();
        let mut times: Vec<Duration> = out.iter().map(|o| o.elapsed).collect();
        times.sort_unstable();
        let total: Duration = times.iter().sum();
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
        println!(
            "{}: recall {:.4} ({found}/{}), top-1 {:.4}; negatives with a hit {:.1} per 1000 \
             ({neg_hits} hits on {}); other hits per positive {:.2}; latency median {:.1} µs, \
             p99 {:.1} µs, max {:.1} µs; {:.0} queries/s",
            if facts {
                "name + birth date + nationality"
            } else {
                "name only"
            },
            found as f64 / positives.len() as f64,
            positives.len(),
            top1 as f64 / positives.len() as f64,
            1000.0 * neg_hit as f64 / negatives.len() as f64,
            negatives.len(),
            pos_other as f64 / positives.len() as f64,
            micros(pct(0.5)),
            micros(pct(0.99)),
            micros(times[times.len() - 1]),
            all.len() as f64 / total.as_secs_f64(),
        );
        if !facts {
            let mut slow: Vec<usize> = (0..all.len()).collect();
            slow.sort_by_key(|i| std::cmp::Reverse(out[*i].elapsed));
            let slow: Vec<String> = (slow.iter().take(5))
                .map(|i| format!("{:?} {:.0} µs", all[*i].name, micros(out[*i].elapsed)))
                .collect();
            println!("  slowest: {}", slow.join(", "));
            per_variation(all, &positives, &out);
            examples(&ix, all, &positives, &negatives, &out);
        }
    }
    sweep(&ix, all, &positives, &negatives);
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn per_variation(all: &[Labelled], positives: &[usize], out: &[Outcome]) {
    let parts: Vec<String> = VARIATIONS
        .iter()
        .map(|v| {
            let of: Vec<&usize> = positives
                .iter()
                .filter(|i| all[**i].variation == *v)
                .collect();
            let found = of.iter().filter(|i| out[***i].found.is_some()).count();
            format!("{v} {found}/{}", of.len())
        })
        .collect();
    println!("  recall per variation: {}", parts.join(", "));
}

fn examples(
    ix: &Index,
    all: &[Labelled],
    positives: &[usize],
    negatives: &[usize],
    out: &[Outcome],
) {
    let missed: Vec<String> = positives
        .iter()
        .filter(|i| out[**i].found.is_none())
        .take(SHOWN)
        .map(|i| {
            let l = &all[*i];
            let want = l.expected_entity_id.as_deref().unwrap_or("-");
            let q = Query {
                name: l.name.clone(),
                kind: Some(EntityKind::Person),
                ..Query::default()
            };
            let below = ix.screen(&q, 0.0, usize::MAX);
            let got =
                below
                    .iter()
                    .find(|h| h.entity_id == want)
                    .map_or("not found".to_owned(), |h| {
                        format!(
                            "{:?} {} [{}]",
                            h.matched_name, h.score, h.explanation.summary
                        )
                    });
            format!("    {} {:?} (want {want}: {got})", l.variation, l.name)
        })
        .collect();
    if !missed.is_empty() {
        println!("  misses (first {}):\n{}", missed.len(), missed.join("\n"));
    }
    let false_hits: Vec<String> = negatives
        .iter()
        .filter(|i| out[**i].other_hits > 0)
        .take(SHOWN)
        .map(|i| {
            let top = out[*i].top.as_ref().map_or("-".to_owned(), |t| {
                format!("{} {:?} {} [{}]", t.0, t.1, t.2, t.3)
            });
            format!("    {:?} -> {top}", all[*i].name)
        })
        .collect();
    if !false_hits.is_empty() {
        println!(
            "  false hits on negatives (first {}):\n{}",
            false_hits.len(),
            false_hits.join("\n")
        );
    }
}

/// Recall and false hits at several thresholds, from one screening at the lowest.
fn sweep(ix: &Index, all: &[Labelled], positives: &[usize], negatives: &[usize]) {
    let out = screen_all(ix, all, false, SWEEP[0], 50);
    println!("  threshold sweep (name only): threshold, recall, negatives with a hit per 1000");
    for t in SWEEP {
        let found = positives
            .iter()
            .filter(|i| out[**i].found.is_some_and(|s| s >= t))
            .count();
        let neg = negatives
            .iter()
            .filter(|i| out[**i].best_other.is_some_and(|s| s >= t))
            .count();
        println!(
            "    {t:.3}  {:.4}  {:.1}",
            found as f64 / positives.len() as f64,
            1000.0 * neg as f64 / negatives.len() as f64
        );
    }
}
