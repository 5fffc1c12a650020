//! The index: every distinct token once (the vocabulary) with the names holding it, and the
//! screening of one query against it (see the module documentation of `matcher`).

use rustc_hash::FxHashMap;

mod retrieve;

use super::explain::{self, PartialDate};
use super::normalise::{tokens, Origin, Token, MAX_TOKENS};
use super::score::{span, Alignment, MatchKind, Pair, TokSim, INITIAL_WEIGHT, SIM_INITIAL};
use super::variants::{fold, is_particle, skeleton};
use super::vocab::Vocab;
use super::{kind_screened, EntityKind, Explanation, Hit, ListEntity, Query, DEFAULT_THRESHOLD};

/// Lists smaller than this weigh tokens as if among this many names, so that a test list of
/// three entries does not make every token look common.
const MIN_POPULATION: f32 = 1000.0;
/// The most a particle (AL, BIN, DE) weighs, however rare on the list.
const PARTICLE_WEIGHT: f32 = 1.0;
/// Longest run of adjacent query tokens also tried as one word (ABD AL RAHMAN).
const MAX_JOIN: usize = 3;
/// Spellings tried for a run of joined tokens with several readings.
const JOIN_SPELLINGS: usize = 4;
/// A joined match is a touch less sure than the same letters spaced as on the list.
const JOIN_FACTOR: f32 = 0.97;

/// One listed entity.
#[derive(Debug)]
struct Entity {
    list: String,
    entity_id: String,
    kind: EntityKind,
    names: Vec<String>,
    birth_dates: Vec<PartialDate>,
    nationalities: Vec<String>,
}

/// Names of listed entities, indexed for screening.
#[derive(Debug)]
pub struct Index {
    entities: Vec<Entity>,
    /// Per indexed name: its entity, which of the entity's names it is, the entity's kind.
    name_entity: Vec<u32>,
    name_ordinal: Vec<u16>,
    name_kind: Vec<EntityKind>,
    /// Per indexed name, where its tokens start in `slots` (one more entry at the end).
    name_start: Vec<u32>,
    /// The vocabulary id of each token of each name, name after name.
    slots: Vec<u32>,
    /// Other spellings of a token (Chinese heteronyms), by its position in `slots`.
    slot_alts: FxHashMap<u32, Box<[u32]>>,
    vocab: Vocab,
    /// Per vocabulary id: the names holding it, ascending.
    postings: Vec<Vec<u32>>,
    /// Per vocabulary id: its weight.
    weights: Vec<f32>,
    /// The weight of a query token not on the list.
    unknown_weight: f32,
}

/// A query token, or a run of adjacent ones read as one word, with the list tokens near it.
struct Unit {
    start: u8,
    len: u8,
    weight: f32,
    /// Vocabulary id → similarity.
    near: FxHashMap<u32, TokSim>,
    /// The letter, when the unit is a one-letter token (an initial).
    initial: Option<char>,
    /// Folded spelling, for meeting two list tokens written apart.
    folded: String,
}

/// A query ready to be compared with list names.
struct Prepared {
    tokens: Vec<Token>,
    weights: Vec<f32>,
    units: Vec<Unit>,
}

/// Buffers reused across the names of one screening.
#[derive(Default)]
struct Scratch {
    pairs: Vec<Pair>,
    list_weights: Vec<f32>,
    alignment: Alignment,
}

impl Index {
    /// Indexes the names and aliases of `entities`. Names with no letters are skipped.
    pub fn build(entities: impl IntoIterator<Item = ListEntity>) -> Index {
        let mut ix = Index {
            entities: Vec::new(),
            name_entity: Vec::new(),
            name_ordinal: Vec::new(),
            name_kind: Vec::new(),
            name_start: Vec::new(),
            slots: Vec::new(),
            slot_alts: FxHashMap::default(),
            vocab: Vocab::default(),
            postings: Vec::new(),
            weights: Vec::new(),
            unknown_weight: 0.0,
        };
        for candidate in entities {
            ix.add(candidate);
        }
        ix.name_start.push(ix.slots.len() as u32);
        ix.finish();
        ix
    }

    /// The number of entities indexed.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether no entity is indexed.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The number of names and aliases indexed.
    pub fn names(&self) -> usize {
        self.name_entity.len()
    }

    fn add(&mut self, c: ListEntity) {
        let Ok(entity) = u32::try_from(self.entities.len()) else {
            return;
        };
        let mut names = Vec::with_capacity(1 + c.aliases.len());
        names.push(c.name);
        names.extend(c.aliases);
        let mut seen: Vec<Vec<u32>> = Vec::new();
        for (ordinal, name) in names.iter().enumerate().take(usize::from(u16::MAX)) {
            let toks = tokens(name);
            let ids: Vec<u32> = toks
                .iter()
                .map(|t| self.intern(t.text(), t.skeleton.as_deref()))
                .collect();
            if ids.is_empty() || seen.contains(&ids) {
                continue;
            }
            let name_id = self.name_entity.len() as u32;
            self.name_entity.push(entity);
            self.name_ordinal.push(ordinal as u16);
            self.name_kind.push(c.kind);
            self.name_start.push(self.slots.len() as u32);
            let mut held: Vec<u32> = ids.clone();
            for (t, id) in toks.iter().zip(&ids) {
                let slot = self.slots.len() as u32;
                self.slots.push(*id);
                if t.spellings.len() > 1 {
                    let alts: Box<[u32]> = (t.spellings[1..].iter())
                        .map(|s| self.intern(s, None))
                        .collect();
                    held.extend(alts.iter());
                    self.slot_alts.insert(slot, alts);
                }
            }
            held.sort_unstable();
            held.dedup();
            for id in held {
                self.postings[id as usize].push(name_id);
            }
            seen.push(ids);
        }
        self.entities.push(Entity {
            list: c.list,
            entity_id: c.entity_id,
            kind: c.kind,
            birth_dates: (c.birth_dates.iter())
                .filter_map(|d| PartialDate::parse(d))
                .collect(),
            nationalities: (c.nationalities.iter())
                .map(|n| n.trim().to_ascii_uppercase())
                .filter(|n| !n.is_empty())
                .collect(),
            names,
        });
    }

    fn intern(&mut self, text: &str, arabic: Option<&str>) -> u32 {
        let id = self.vocab.intern(text, arabic);
        if id as usize == self.postings.len() {
            self.postings.push(Vec::new());
        }
        id
    }

    fn finish(&mut self) {
        self.vocab.finish();
        let population = (self.name_entity.len() as f32).max(MIN_POPULATION);
        self.unknown_weight = (1.0 + population).ln();
        self.weights = (0..self.postings.len())
            .map(|id| {
                let df = self.postings[id].len().max(1) as f32;
                cap_weight(self.vocab.text(id as u32), (1.0 + population / df).ln())
            })
            .collect();
    }

    /// The entities whose names come close to the query's, best first: at most `limit`, each
    /// scoring at least `threshold` (0.0 to 1.0; see [`DEFAULT_THRESHOLD`]).
    pub fn screen(&self, q: &Query, threshold: f64, limit: usize) -> Vec<Hit> {
        let threshold = if threshold.is_nan() {
            DEFAULT_THRESHOLD
        } else {
            threshold.clamp(0.0, 1.0)
        };
        let prepared = self.prepare(&q.name);
        if prepared.tokens.is_empty() || limit == 0 {
            return Vec::new();
        }
        let birth = q.birth_date.as_deref().and_then(PartialDate::parse);
        let nationality = q.nationality.as_deref().filter(|n| !n.trim().is_empty());
        let needed = threshold - explain::max_bonus(birth.is_some(), nationality.is_some());
        let mut scratch = Scratch::default();
        let mut best: FxHashMap<u32, (f32, u32)> = FxHashMap::default();
        for name in self.candidates(&prepared, needed as f32) {
            if !kind_screened(self.name_kind[name as usize], q.kind) {
                continue;
            }
            let score = self.align(&prepared, name, &mut scratch);
            if f64::from(score) + 1e-6 < needed {
                continue;
            }
            let entity = self.name_entity[name as usize];
            let entry = best.entry(entity).or_insert((score, name));
            if score > entry.0 {
                *entry = (score, name);
            }
        }
        let mut scored: Vec<(f64, f64, u32, Vec<explain::Adjustment>)> = best
            .into_iter()
            .filter_map(|(entity, (score, name))| {
                let e = &self.entities[entity as usize];
                let adjustments: Vec<explain::Adjustment> = [
                    explain::birth_date(birth.as_ref(), &e.birth_dates),
                    explain::nationality(nationality, &e.nationalities),
                ]
                .into_iter()
                .flatten()
                .collect();
                let name_score = f64::from(score);
                let total =
                    (name_score + adjustments.iter().map(|a| a.delta).sum::<f64>()).clamp(0.0, 1.0);
                (total + 1e-9 >= threshold).then_some((total, name_score, name, adjustments))
            })
            .collect();
        scored.sort_by(|a, b| {
            let (ea, eb) = (self.entity_of(a.2), self.entity_of(b.2));
            b.0.total_cmp(&a.0)
                .then_with(|| ea.list.cmp(&eb.list))
                .then_with(|| ea.entity_id.cmp(&eb.entity_id))
        });
        scored.truncate(limit);
        scored
            .into_iter()
            .map(|(total, name_score, name, adjustments)| {
                self.hit(
                    &prepared,
                    name,
                    total,
                    name_score,
                    adjustments,
                    &mut scratch,
                )
            })
            .collect()
    }

    fn entity_of(&self, name: u32) -> &Entity {
        &self.entities[self.name_entity[name as usize] as usize]
    }

    fn hit(
        &self,
        prepared: &Prepared,
        name: u32,
        total: f64,
        name_score: f64,
        adjustments: Vec<explain::Adjustment>,
        scratch: &mut Scratch,
    ) -> Hit {
        self.align(prepared, name, scratch);
        let e = self.entity_of(name);
        let list_tokens: Vec<&str> = self
            .name_slots(name)
            .iter()
            .map(|id| self.vocab.text(*id))
            .collect();
        let tokens = explain::token_matches(&prepared.tokens, &list_tokens, &scratch.alignment);
        let ordinal = usize::from(self.name_ordinal[name as usize]);
        Hit {
            list: e.list.clone(),
            entity_id: e.entity_id.clone(),
            kind: e.kind,
            name: e.names.first().cloned().unwrap_or_default(),
            matched_name: e.names.get(ordinal).cloned().unwrap_or_default(),
            score: explain::round(total),
            name_score: explain::round(name_score),
            explanation: Explanation {
                summary: explain::summary(&tokens, &adjustments),
                tokens,
                adjustments,
            },
        }
    }

    fn name_slots(&self, name: u32) -> &[u32] {
        let start = self.name_start[name as usize] as usize;
        let end = self.name_start[name as usize + 1] as usize;
        &self.slots[start..end]
    }

    /// The query's tokens, their weights, and the list tokens near each unit.
    fn prepare(&self, name: &str) -> Prepared {
        let toks = tokens(name);
        let weights: Vec<f32> = toks
            .iter()
            .map(|t| {
                if t.text().chars().count() <= 1 {
                    return INITIAL_WEIGHT;
                }
                let known = (t.spellings.iter()).find_map(|s| self.vocab.id(s));
                let w = known.map_or(self.unknown_weight, |id| self.weights[id as usize]);
                cap_weight(t.text(), w)
            })
            .collect();
        let mut units = Vec::new();
        for len in 1..=MAX_JOIN.min(toks.len()) {
            for start in 0..=toks.len() - len {
                let run = &toks[start..start + len];
                if len > 1 && run.iter().any(|t| t.text().chars().count() <= 1) {
                    continue;
                }
                units.push(self.unit(run, start, &weights[start..start + len]));
            }
        }
        Prepared {
            tokens: toks,
            weights,
            units,
        }
    }

    fn unit(&self, run: &[Token], start: usize, weights: &[f32]) -> Unit {
        let spellings = joined_spellings(run);
        let origin = (run.iter().map(|t| t.origin))
            .find(|o| *o != Origin::Latin)
            .unwrap_or(Origin::Latin);
        // Joined runs with an Arabic word read letter by letter are compared by their
        // consonants too.
        let arabic = run.iter().any(|t| t.skeleton.is_some()).then(|| {
            let mut skel = String::new();
            for t in run {
                let own = t
                    .skeleton
                    .clone()
                    .unwrap_or_else(|| skeleton(&fold(t.text())));
                skel.push_str(&own);
            }
            skel
        });
        let mut near = self.vocab.near(&spellings, origin, arabic.as_deref());
        if run.len() > 1 {
            // Words run together with more than one typo are too loose a match (unless the
            // run is unvowelled Arabic, whose distance counts only vowels).
            near.retain(|_, sim| sim.distance <= 1 || arabic.is_some());
            for sim in near.values_mut() {
                *sim = TokSim::new(
                    sim.sim * JOIN_FACTOR,
                    MatchKind::Joined,
                    sim.distance.into(),
                );
            }
        }
        let text = spellings.first().map_or("", String::as_str);
        let mut chars = text.chars();
        let initial = match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        };
        Unit {
            start: start as u8,
            len: run.len() as u8,
            weight: weights.iter().sum(),
            near,
            initial,
            folded: fold(text),
        }
    }

    /// Aligns the query with one list name; the alignment is left in `scratch`.
    fn align(&self, p: &Prepared, name: u32, scratch: &mut Scratch) -> f32 {
        let start = self.name_start[name as usize] as usize;
        let slots = self.name_slots(name);
        let m = slots.len().min(MAX_TOKENS);
        let Scratch {
            pairs,
            list_weights,
            alignment,
        } = scratch;
        pairs.clear();
        alignment.clear();
        list_weights.clear();
        list_weights.extend(slots[..m].iter().map(|id| self.weights[*id as usize]));
        let has_alts = !self.slot_alts.is_empty();
        for u in &p.units {
            for (j, id) in slots[..m].iter().enumerate() {
                let mut sim = u.near.get(id).copied();
                if has_alts {
                    if let Some(alts) = self.slot_alts.get(&((start + j) as u32)) {
                        for alt in alts.iter() {
                            sim = TokSim::best(sim, u.near.get(alt).copied());
                        }
                    }
                }
                if sim.is_none() && u.initial.is_some() && u.initial == self.vocab.first(*id) {
                    sim = Some(TokSim::new(SIM_INITIAL, MatchKind::Initial, 0));
                }
                if let Some(sim) = sim {
                    pairs.push(Pair {
                        q_start: u.start,
                        q_len: u.len,
                        l_start: j as u8,
                        l_len: 1,
                        sim,
                        q_weight: u.weight,
                        l_weight: list_weights[j],
                    });
                }
            }
        }
        alignment.take_greedy(pairs);
        let all_q = span(0, p.tokens.len() as u8);
        let all_l = span(0, m as u8);
        if alignment.q_used != all_q && alignment.l_used & all_l != all_l && m > 1 {
            pairs.clear();
            for u in p.units.iter().filter(|u| u.len == 1 && u.initial.is_none()) {
                if alignment.q_used & (1 << u.start) != 0 {
                    continue;
                }
                for j in 0..m - 1 {
                    if alignment.l_used & (0b11 << j) != 0 {
                        continue;
                    }
                    let (a, b) = (slots[j], slots[j + 1]);
                    if let Some(sim) = self.vocab.meets_joined(&u.folded, a, b) {
                        let w = list_weights[j] + list_weights[j + 1];
                        pairs.push(Pair {
                            q_start: u.start,
                            q_len: 1,
                            l_start: j as u8,
                            l_len: 2,
                            sim: TokSim::new(
                                sim.sim * JOIN_FACTOR,
                                MatchKind::Joined,
                                sim.distance.into(),
                            ),
                            q_weight: u.weight,
                            l_weight: w,
                        });
                    }
                }
            }
            alignment.take_greedy(pairs);
        }
        alignment.finish(&p.weights, list_weights);
        alignment.score
    }
}

/// Spellings of a run of tokens written as one word (capped for runs with many readings).
fn joined_spellings(run: &[Token]) -> Vec<String> {
    let mut out = vec![String::new()];
    for t in run {
        out = out
            .iter()
            .flat_map(|head| t.spellings.iter().map(move |s| format!("{head}{s}")))
            .take(if run.len() == 1 {
                usize::MAX
            } else {
                JOIN_SPELLINGS
            })
            .collect();
    }
    out
}

/// Particles and initials weigh little however rare they are on the list.
fn cap_weight(text: &str, w: f32) -> f32 {
    if text.chars().count() <= 1 {
        w.min(INITIAL_WEIGHT)
    } else if is_particle(text) {
        w.min(PARTICLE_WEIGHT)
    } else {
        w
    }
}
