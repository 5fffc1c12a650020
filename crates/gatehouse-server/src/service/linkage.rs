//! The identity graph: each identifier of an account (document, person, e-mail, phone, device,
//! IP) is stored as an HMAC under the server's identity secret, so the database can match them
//! without holding the values, plus a masked form for reviewers.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use gatehouse_checks::names::normalise;
use gatehouse_core::application::ApplicationData;
use gatehouse_core::ids::AccountId;
use gatehouse_core::linkage::{canonical_email, mask, mask_email, IdentifierKind, LinkFact};
use gatehouse_store::models::{Identifier, Link};
use gatehouse_store::repo::IdentityRepo;
use hmac::{Hmac, Mac};
use ipnet::IpNet;
use sha2::Sha256;

use crate::config::Secret;
use crate::error::ApiError;
use crate::state::AppState;

/// Most links read for one account; a larger fan-out is itself a signal, not more evidence.
const LINK_LIMIT: u32 = 1000;

/// Hashes identifiers under the identity secret.
pub struct IdentityHasher {
    key: Secret,
    ip_window: Duration,
    shared_networks: Vec<IpNet>,
}

impl IdentityHasher {
    pub fn new(key: Secret, ip_window_minutes: u64, shared_networks: Vec<IpNet>) -> Self {
        Self {
            key,
            ip_window: Duration::minutes(
                i64::try_from(ip_window_minutes).unwrap_or(i64::MAX / 60_000),
            ),
            shared_networks,
        }
    }

    fn identifier(&self, kind: IdentifierKind, value: &str, masked: String) -> Identifier {
        // The kind is part of the MAC input, so equal values of different kinds never collide.
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.0.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(kind.as_str().as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        Identifier {
            kind,
            hash: hex::encode(mac.finalize().into_bytes()),
            masked,
        }
    }

    /// E-mail, phone, device and address of a request by an account.
    pub fn contact(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
        device: Option<&str>,
        ip: Option<IpAddr>,
    ) -> Vec<Identifier> {
        let mut out = Vec::new();
        if let Some(e) = email {
            out.push(self.identifier(IdentifierKind::Email, &canonical_email(e), mask_email(e)));
        }
        if let Some(p) = phone {
            out.push(self.identifier(IdentifierKind::Phone, p, mask(p, 3, 2)));
        }
        if let Some(d) = device {
            out.push(self.identifier(IdentifierKind::Device, d, mask(d, 4, 0)));
        }
        if let Some(ip) = ip.filter(|ip| self.counts(*ip)) {
            out.push(self.identifier(IdentifierKind::Ip, &ip.to_string(), mask_ip(ip)));
        }
        out
    }

    /// The document and the person an application describes, when complete enough.
    pub fn application(&self, data: &ApplicationData) -> Vec<Identifier> {
        let mut out = Vec::new();
        let d = &data.document;
        if let (Some(country), Some(kind), Some(number)) =
            (d.issuing_country, d.doc_type, &d.number)
        {
            let value = format!("{country}|{}|{}", kind.as_str(), number.as_str());
            out.push(self.identifier(
                IdentifierKind::Document,
                &value,
                format!(
                    "{country} {} {}",
                    kind.as_str(),
                    mask(number.as_str(), 2, 2)
                ),
            ));
        }
        let p = &data.person;
        if let (Some(given), Some(surname), Some(born), Some(nationality)) =
            (&p.given_names, &p.surname, p.date_of_birth, p.nationality)
        {
            // Word order and field choice do not make another person.
            let mut words: Vec<String> =
                normalise(&format!("{} {}", given.as_str(), surname.as_str()))
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect();
            words.sort();
            let value = format!("{}|{born}|{nationality}", words.join(" "));
            let initials: String = words.iter().filter_map(|w| w.chars().next()).collect();
            out.push(self.identifier(
                IdentifierKind::Person,
                &value,
                format!("{initials} {} {nationality}", born.format("%Y")),
            ));
        }
        out
    }

    /// Loopback, private and configured shared networks (carrier NAT, office proxies) never
    /// link anyone.
    fn counts(&self, ip: IpAddr) -> bool {
        let private = match ip {
            IpAddr::V4(v4) => {
                v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified()
            }
            IpAddr::V6(v6) => {
                v6.is_loopback() || v6.is_unspecified() || (v6.segments()[0] & 0xfe00) == 0xfc00
            }
        };
        !private && !self.shared_networks.iter().any(|n| n.contains(&ip))
    }

    /// Links that count: an IP only when both accounts used it within the window.
    pub fn relevant(&self, links: Vec<Link>) -> Vec<Link> {
        links
            .into_iter()
            .filter(|l| {
                l.kind != IdentifierKind::Ip
                    || (l.mine_seen - l.theirs_seen).abs() <= self.ip_window
            })
            .collect()
    }
}

fn mask_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.x", o[0], o[1], o[2])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::x", s[0], s[1], s[2])
        }
    }
}

/// Records identifiers for an account and returns the links that count now.
pub async fn record_and_link(
    state: &AppState,
    account_id: AccountId,
    identifiers: &[Identifier],
    now: DateTime<Utc>,
) -> Result<Vec<Link>, ApiError> {
    state
        .db()
        .record_identifiers(account_id, identifiers, now)
        .await?;
    let links = state.db().links(account_id, LINK_LIMIT).await?;
    Ok(state.identity().relevant(links))
}

/// The facts the linked-accounts check reads.
pub fn facts(links: &[Link]) -> Vec<LinkFact> {
    links
        .iter()
        .map(|l| LinkFact {
            kind: l.kind,
            other_status: l.status,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hasher() -> IdentityHasher {
        IdentityHasher::new(
            Secret("k".into()),
            60,
            vec!["100.64.0.0/10".parse().unwrap()],
        )
    }

    #[test]
    fn equal_people_hash_equal_and_nothing_raw_is_kept() {
        let h = hasher();
        let a = h.contact(
            Some("Li.Wei+x@gmail.com"),
            Some("+8613800138000"),
            Some("device-123"),
            Some("203.0.113.5".parse().unwrap()),
        );
        let b = h.contact(Some("liwei@googlemail.com"), None, None, None);
        assert_eq!(a[0].hash, b[0].hash);
        assert_eq!(a.len(), 4);
        for id in &a {
            assert_eq!(id.hash.len(), 64);
            assert!(!id.masked.contains("13800138000") && !id.masked.contains("device-123"));
        }
        assert_eq!(a[3].masked, "203.0.113.x");
        let other_key = IdentityHasher::new(Secret("other".into()), 60, vec![]);
        assert_ne!(
            other_key.contact(Some("liwei@gmail.com"), None, None, None)[0].hash,
            a[0].hash
        );
    }

    #[test]
    fn private_and_shared_networks_never_link() {
        let h = hasher();
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.1.1",
            "100.64.1.1",
            "::1",
            "fd00::1",
        ] {
            assert!(
                h.contact(None, None, None, Some(ip.parse().unwrap()))
                    .is_empty(),
                "{ip}"
            );
        }
    }

    #[test]
    fn person_ignores_order_and_case() {
        let h = hasher();
        let data = |given: &str, surname: &str| {
            ApplicationData::from_json(&json!({
                "person": {"given_names": given, "surname": surname, "date_of_birth": "1990-01-02", "nationality": "CN"},
                "document": {"type": "passport", "issuing_country": "CN", "number": "E12345678"}
            }))
            .unwrap()
        };
        let a = h.application(&data("San Feng", "Zhang"));
        let b = h.application(&data("ZHANG", "san feng"));
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].hash, b[0].hash, "document");
        assert_eq!(a[1].hash, b[1].hash, "person");
        assert_eq!(a[0].masked, "CN passport E1*****78");
    }
}
