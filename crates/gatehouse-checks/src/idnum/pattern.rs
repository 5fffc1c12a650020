//! A tiny matcher for document-number shapes, so the format table needs no regex engine.
//!
//! Syntax: alternatives separated by `|`; each is a sequence of atoms, each atom a class with an
//! optional count `{n}` or `{n,m}`. Classes: `d` a digit, `a` a letter A-Z, `x` a letter or
//! digit, `[...]` a set of upper-case letters, digits and ranges (`[A-HJ-NP-Z]`), and any
//! upper-case letter or digit stands for itself. Whole-string match only; input is upper-case ASCII.

/// One class with its repetition count.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Atom {
    /// Bit `b` is set when ASCII byte `b` belongs to the class.
    set: u128,
    min: usize,
    max: usize,
}

/// A parsed pattern: a list of alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    alternatives: Vec<Vec<Atom>>,
}

/// The longest count an atom may carry; keeps matching cheap on any input.
const MAX_COUNT: usize = 64;

fn bit(b: u8) -> u128 {
    1u128 << (b & 0x7f)
}

fn range(from: u8, to: u8) -> u128 {
    (from..=to).fold(0, |acc, b| acc | bit(b))
}

fn is_literal(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

impl Pattern {
    /// Parses the pattern syntax described in the module documentation.
    pub fn parse(source: &str) -> Result<Self, String> {
        let alternatives = source
            .split('|')
            .map(parse_sequence)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { alternatives })
    }

    /// A pattern that matches nothing.
    pub fn never() -> Self {
        Self {
            alternatives: Vec::new(),
        }
    }

    /// Whether the whole of `input` matches one of the alternatives.
    pub fn matches(&self, input: &str) -> bool {
        let bytes = input.as_bytes();
        self.alternatives.iter().any(|seq| matches_seq(seq, bytes))
    }
}

fn parse_sequence(source: &str) -> Result<Vec<Atom>, String> {
    let bytes = source.as_bytes();
    if bytes.is_empty() {
        return Err("empty alternative".into());
    }
    let mut atoms = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let set = match bytes[i] {
            b'd' => range(b'0', b'9'),
            b'a' => range(b'A', b'Z'),
            b'x' => range(b'0', b'9') | range(b'A', b'Z'),
            b'[' => {
                let end = source[i..].find(']').map(|n| i + n).ok_or("unclosed '['")?;
                let set = parse_set(&bytes[i + 1..end])?;
                i = end;
                set
            }
            b if is_literal(b) => bit(b),
            b => return Err(format!("unexpected {:?}", b as char)),
        };
        i += 1;
        let (min, max) = if bytes.get(i) == Some(&b'{') {
            let end = source[i..].find('}').map(|n| i + n).ok_or("unclosed '{'")?;
            let counts = parse_counts(&source[i + 1..end])?;
            i = end + 1;
            counts
        } else {
            (1, 1)
        };
        atoms.push(Atom { set, min, max });
    }
    Ok(atoms)
}

fn parse_set(inner: &[u8]) -> Result<u128, String> {
    let mut set = 0;
    let mut i = 0;
    while i < inner.len() {
        let from = inner[i];
        if !is_literal(from) {
            return Err(format!("unexpected {:?} in set", from as char));
        }
        if inner.get(i + 1) == Some(&b'-') {
            let to = *inner.get(i + 2).ok_or("unfinished range")?;
            if !is_literal(to) || to < from {
                return Err("bad range".into());
            }
            set |= range(from, to);
            i += 3;
        } else {
            set |= bit(from);
            i += 1;
        }
    }
    if set == 0 {
        return Err("empty set".into());
    }
    Ok(set)
}

fn parse_counts(inner: &str) -> Result<(usize, usize), String> {
    let number = |s: &str| s.parse::<usize>().map_err(|_| format!("bad count {s:?}"));
    let (min, max) = match inner.split_once(',') {
        Some((lo, hi)) => (number(lo)?, number(hi)?),
        None => (number(inner)?, number(inner)?),
    };
    if min > max || max == 0 || max > MAX_COUNT {
        return Err(format!("bad count {{{inner}}}"));
    }
    Ok((min, max))
}

/// Tracks every position the atoms so far can end at, so variable counts never backtrack.
fn matches_seq(seq: &[Atom], input: &[u8]) -> bool {
    let mut reachable = vec![false; input.len() + 1];
    reachable[0] = true;
    for atom in seq {
        let mut next = vec![false; input.len() + 1];
        for start in (0..=input.len()).filter(|&p| reachable[p]) {
            let mut taken = 0;
            loop {
                if taken >= atom.min {
                    next[start + taken] = true;
                }
                let pos = start + taken;
                if taken == atom.max || pos == input.len() || !in_set(atom.set, input[pos]) {
                    break;
                }
                taken += 1;
            }
        }
        reachable = next;
    }
    reachable[input.len()]
}

fn in_set(set: u128, b: u8) -> bool {
    b < 128 && set & bit(b) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, input: &str) -> bool {
        Pattern::parse(pattern).unwrap().matches(input)
    }

    #[test]
    fn classes_counts_and_literals() {
        assert!(m("ad{7}", "A1234567"));
        assert!(!m("ad{7}", "A123456"));
        assert!(!m("ad{7}", "A12345678"));
        assert!(m("E[A-HJ-NP-Z]d{7}", "EA1234567"));
        assert!(!m("E[A-HJ-NP-Z]d{7}", "EI1234567"));
        assert!(m("x{5,20}", "AB12C"));
        assert!(!m("x{5,20}", "AB1"));
        assert!(m("[VE]d{6,9}|d{6,9}", "12345678"));
        assert!(m("[VE]d{6,9}|d{6,9}", "V12345678"));
        assert!(!m("[VE]d{6,9}|d{6,9}", "X12345678"));
    }

    #[test]
    fn variable_counts_need_no_greedy_luck() {
        // A greedy matcher without backtracking would take both letters into a{1,2}.
        assert!(m("a{1,2}ad{2}", "AB12"));
        assert!(m("d{1,3}d{3}", "1234"));
        assert!(!m("d{1,3}d{3}", "123"));
    }

    #[test]
    fn non_ascii_and_lower_case_never_match() {
        assert!(!m("x{1,5}", "É"));
        assert!(!m("a", "a"));
        assert!(!m("d", ""));
    }

    #[test]
    fn malformed_patterns_are_errors() {
        for bad in [
            "", "a|", "[AB", "d{3", "d{x}", "d{4,2}", "d{0}", "d{65}", "[]", "?", "[Z-A]",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
    }
}
