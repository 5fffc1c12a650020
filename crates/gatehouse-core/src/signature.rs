//! Webhook signatures, one scheme both ways: the liveness providers' deliveries Gatehouse
//! receives and the event deliveries it sends to the exchange.
//!
//! Header: `X-Gatehouse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
//! The timestamp is inside the MAC so a captured delivery cannot be re-dated, and the tolerance
//! bounds how long a captured one stays usable; receivers add replay protection on top.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const HEADER: &str = "X-Gatehouse-Signature";

/// Default tolerance between the signed timestamp and the receiver's clock.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// Why a signature was refused. The variants are distinct so the receiver can say which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is missing")]
    Missing,
    #[error("the signature header is malformed")]
    Malformed,
    #[error("the signature timestamp is outside the tolerance")]
    Stale,
    #[error("the signature does not match the body")]
    Mismatch,
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; new_from_slice cannot fail for it.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header value for `body` signed at `timestamp` (unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(tag))
}

/// A parsed header: the timestamp and every `v1` tag (several while a secret is rotated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub timestamp: i64,
    pub tags: Vec<Vec<u8>>,
}

pub fn parse(header: &str) -> Result<Parsed, SignatureError> {
    let mut timestamp = None;
    let mut tags = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" => {
                let t = value
                    .parse::<i64>()
                    .map_err(|_| SignatureError::Malformed)?;
                if timestamp.replace(t).is_some() {
                    return Err(SignatureError::Malformed);
                }
            }
            "v1" => tags.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            // Unknown schemes are skipped so a sender can add one without breaking receivers.
            _ => {}
        }
    }
    match timestamp {
        Some(timestamp) if !tags.is_empty() => Ok(Parsed { timestamp, tags }),
        _ => Err(SignatureError::Malformed),
    }
}

/// Verifies `header` for `body` against `secret` at `now` (unix seconds), allowing
/// `tolerance_secs` of clock difference either way. Tags are compared in constant time.
pub fn verify(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<Parsed, SignatureError> {
    let parsed = parse(header.ok_or(SignatureError::Missing)?)?;
    if (now - parsed.timestamp).abs() > tolerance_secs {
        return Err(SignatureError::Stale);
    }
    let ok = parsed.tags.iter().any(|tag| {
        mac(secret, parsed.timestamp, body)
            .verify_slice(tag)
            .is_ok()
    });
    if ok {
        Ok(parsed)
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";

    #[test]
    fn signs_the_documented_string() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        let header = sign(SECRET, 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            header,
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    #[test]
    fn round_trip_and_refusals() {
        let body = br#"{"passed":true}"#;
        let header = sign(SECRET, 1000, body);
        assert!(verify(SECRET, Some(&header), body, 1000, 300).is_ok());
        assert!(verify(SECRET, Some(&header), body, 1300, 300).is_ok());
        assert_eq!(
            verify(SECRET, Some(&header), body, 1301, 300),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, Some(&header), b"{\"passed\":false}", 1000, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"other", Some(&header), body, 1000, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, None, body, 1000, 300),
            Err(SignatureError::Missing)
        );
        for bad in [
            "",
            "t=1",
            "v1=00",
            "t=x,v1=00",
            "t=1,v1=zz",
            "t=1,t=2,v1=00",
            "garbage",
        ] {
            assert_eq!(
                verify(SECRET, Some(bad), body, 1, 300),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_rotated_secret_may_sign_alongside() {
        let body = b"x";
        let old = sign(b"old", 5, body);
        let new = sign(SECRET, 5, body);
        let both = format!("{},{}", new, old.split(',').nth(1).unwrap());
        assert!(verify(b"old", Some(&both), body, 5, 300).is_ok());
        assert!(verify(SECRET, Some(&both), body, 5, 300).is_ok());
    }
}
