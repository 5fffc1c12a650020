//! The ICAO 9303 Part 3 check digit: weights 7, 3, 1 repeating, `<` = 0, digits as
//! themselves, `A`..`Z` = 10..35, sum modulo 10.

/// The value of one MRZ character, `None` outside the alphabet.
pub(super) fn value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// The check digit (as an ASCII digit) over `parts` read as one string.
pub(super) fn compute(parts: &[&[u8]]) -> Option<u8> {
    let mut sum = 0u32;
    for (c, weight) in parts
        .iter()
        .flat_map(|p| p.iter())
        .zip([7, 3, 1].iter().cycle())
    {
        sum = (sum + value(*c)? * weight) % 10;
    }
    // `sum` is below 10, so this stays an ASCII digit.
    Some(b'0' + sum as u8)
}

/// Whether `written` is the check digit over `parts`.
pub(super) fn verify(parts: &[&[u8]], written: u8) -> bool {
    compute(parts) == Some(written)
}

/// The check digit over `data`; `None` when `data` has a character outside `A-Z`, `0-9`, `<`.
pub fn check_digit(data: &str) -> Option<char> {
    compute(&[data.as_bytes()]).map(char::from)
}
