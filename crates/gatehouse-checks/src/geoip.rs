//! IP geolocation: which country (and first-level subdivision) an address is in, read from a
//! MaxMind DB file (`.mmdb`): GeoIP2/GeoLite2 Country or City, or DB-IP's country database.
//!
//! The caller reads the file; this module only parses bytes, so a corrupt or hostile file is an
//! error or a miss, never a panic. Answers are a country code and an ISO 3166-2 subdivision,
//! which is all region policy needs; other fields of the record are skipped undecoded.

use std::fmt;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use gatehouse_core::country::CountryCode;
use gatehouse_core::region::SubdivisionCode;
use maxminddb::Reader;
use serde::Deserialize;

/// An opened geolocation database, held in memory. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct GeoIpDb {
    reader: Reader<Vec<u8>>,
    metadata: GeoIpMetadata,
}

/// What the database says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeoIpMetadata {
    /// The producer's name for the schema, e.g. `GeoIP2-Country`, `GeoLite2-City`.
    pub database_type: String,
    /// When the file was built (`build_epoch`), to warn about stale data.
    pub built_at: DateTime<Utc>,
    /// 4 for an IPv4-only tree, 6 for one that holds both.
    pub ip_version: u16,
    /// Search-tree nodes: a rough size of the data.
    pub node_count: u32,
}

/// Where an address is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeoAnswer {
    /// The country the address is located in; `None` when the record has no usable code (for
    /// example `XK`, which is not an officially assigned ISO 3166-1 code).
    pub country: Option<CountryCode>,
    /// The first-level subdivision, such as `CN-GD` or `US-NY`; only City databases have it.
    pub subdivision: Option<SubdivisionCode>,
}

/// A file that cannot be used as a geolocation database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeoIpError {
    /// Not a MaxMind DB, or a corrupt one; the text says what is wrong.
    Invalid(String),
}

impl fmt::Display for GeoIpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GeoIpError::Invalid(why) => write!(f, "not a usable MaxMind DB file: {why}"),
        }
    }
}

impl std::error::Error for GeoIpError {}

impl GeoIpDb {
    /// Parses a whole `.mmdb` file. Checks the header and metadata; records are checked as
    /// they are read, so a damaged record later reads as a miss.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<GeoIpDb, GeoIpError> {
        let reader = Reader::from_source(bytes).map_err(|e| GeoIpError::Invalid(e.to_string()))?;
        let meta = reader.metadata();
        let built_at = i64::try_from(meta.build_epoch)
            .ok()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| {
                GeoIpError::Invalid(format!("build_epoch {} is out of range", meta.build_epoch))
            })?;
        let metadata = GeoIpMetadata {
            database_type: meta.database_type.clone(),
            built_at,
            ip_version: meta.ip_version,
            node_count: meta.node_count,
        };
        Ok(GeoIpDb { reader, metadata })
    }

    pub fn metadata(&self) -> &GeoIpMetadata {
        &self.metadata
    }

    /// Where `ip` is. `None` when the address is not in the database (private ranges, IPv6 in
    /// an IPv4-only file) or its record cannot be decoded; an answer whose `country` is `None`
    /// when the record has no usable country (an ASN database, or a code such as `XK`).
    pub fn lookup(&self, ip: IpAddr) -> Option<GeoAnswer> {
        // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; not every file aliases
        // that range to its IPv4 tree, so look the IPv4 address up directly.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let found = self.reader.lookup(ip).ok()?;
        let record: Record<'_> = found.decode().ok()??;
        Some(record.answer())
    }
}

/// The fields read from a record: GeoIP2 Country/City schema, plus DB-IP's flat `country_code`.
#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow, default)]
    country: Option<Place<'a>>,
    #[serde(borrow, default)]
    registered_country: Option<Place<'a>>,
    #[serde(borrow, default)]
    subdivisions: Option<Vec<Place<'a>>>,
    #[serde(borrow, default)]
    country_code: Option<&'a str>,
}

#[derive(Deserialize)]
struct Place<'a> {
    #[serde(borrow, default)]
    iso_code: Option<&'a str>,
}

impl Record<'_> {
    fn answer(&self) -> GeoAnswer {
        // Where the address is used: GeoIP2's `country`, or DB-IP's `country_code`. Only when
        // that is absent does the registrant's country stand in (some records carry only it).
        let located = self
            .country
            .as_ref()
            .and_then(|c| c.iso_code)
            .or(self.country_code);
        let located_cc = located.and_then(|code| CountryCode::parse(code).ok());
        let country = match located {
            Some(_) => located_cc,
            None => self
                .registered_country
                .as_ref()
                .and_then(|c| c.iso_code)
                .and_then(|code| CountryCode::parse(code).ok()),
        };
        // Subdivisions belong to the located country and run from largest to smallest.
        let first_subdivision = self
            .subdivisions
            .as_ref()
            .and_then(|list| list.first())
            .and_then(|s| s.iso_code);
        let subdivision = located_cc
            .zip(first_subdivision)
            .and_then(|(cc, raw)| subdivision_code(cc, raw));
        GeoAnswer {
            country,
            subdivision,
        }
    }
}

/// The subdivision code from a country and the code in the record, given bare (`GD`,
/// MaxMind's form) or prefixed (`CN-GD`); `None` when it is not a code of that country.
fn subdivision_code(country: CountryCode, raw: &str) -> Option<SubdivisionCode> {
    let raw = raw.trim();
    let code = if raw.contains('-') {
        SubdivisionCode::parse(raw)
    } else {
        SubdivisionCode::parse(&format!("{country}-{raw}"))
    }
    .ok()?;
    let of_country = code.as_str().split_once('-').map(|(c, _)| c) == Some(country.as_str());
    of_country.then_some(code)
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use maxminddb_writer::metadata::IpVersion;

    use super::testing::build;
    use serde_json::json;

    use super::*;

    fn sample() -> Vec<u8> {
        build(
            IpVersion::V6,
            &[
                (
                    "192.0.2.0/24",
                    json!({"country": {"iso_code": "CN", "names": {"en": "China"}},
                           "registered_country": {"iso_code": "CN"},
                           "continent": {"code": "AS"}}),
                ),
                (
                    "192.0.2.128/25",
                    json!({"country": {"iso_code": "CN"},
                           "subdivisions": [{"iso_code": "GD"}, {"iso_code": "SZ"}],
                           "city": {"names": {"en": "Shenzhen"}}}),
                ),
                // Country absent: the registrant's country stands in.
                (
                    "198.51.100.0/24",
                    json!({"registered_country": {"iso_code": "US"}}),
                ),
                // Not an assigned code: no country, and no fallback to the registrant's.
                (
                    "203.0.113.0/24",
                    json!({"country": {"iso_code": "XK"}, "registered_country": {"iso_code": "RS"}}),
                ),
                ("2001:db8:1::/48", json!({"country": {"iso_code": "DE"}})),
                // DB-IP's flat schema.
                ("2001:db8:2::/48", json!({"country_code": "FR"})),
                // An ASN record: found, but nothing about a country.
                (
                    "2001:db8:3::/48",
                    json!({"autonomous_system_number": 64500}),
                ),
                (
                    "2001:db8:4::/48",
                    json!({"country": {"iso_code": "US"}, "subdivisions": [{"iso_code": "US-NY"}]}),
                ),
                (
                    "2001:db8:5::/48",
                    json!({"country": {"iso_code": "GB"}, "subdivisions": [{"iso_code": "../x"}]}),
                ),
                // A record that is not a map reads as a miss.
                ("2001:db8:6::/48", json!("just a string")),
            ],
        )
    }

    fn at(db: &GeoIpDb, ip: &str) -> Option<(Option<String>, Option<String>)> {
        db.lookup(ip.parse().unwrap()).map(|a| {
            let country = a.country.map(|c| c.as_str().to_owned());
            (country, a.subdivision.map(String::from))
        })
    }

    fn found(country: &str, subdivision: Option<&str>) -> Option<(Option<String>, Option<String>)> {
        Some((Some(country.into()), subdivision.map(Into::into)))
    }

    #[test]
    fn countries_and_subdivisions() {
        let db = GeoIpDb::from_bytes(sample()).unwrap();
        assert_eq!(at(&db, "192.0.2.1"), found("CN", None));
        assert_eq!(at(&db, "192.0.2.200"), found("CN", Some("CN-GD")));
        assert_eq!(at(&db, "198.51.100.7"), found("US", None));
        assert_eq!(at(&db, "203.0.113.9"), Some((None, None)));
        assert_eq!(at(&db, "2001:db8:1:abcd::1"), found("DE", None));
        assert_eq!(at(&db, "2001:db8:2::99"), found("FR", None));
        assert_eq!(at(&db, "2001:db8:3::1"), Some((None, None)));
        assert_eq!(at(&db, "2001:db8:4::1"), found("US", Some("US-NY")));
        assert_eq!(at(&db, "2001:db8:5::1"), found("GB", None));
    }

    #[test]
    fn misses() {
        let db = GeoIpDb::from_bytes(sample()).unwrap();
        for ip in [
            "10.0.0.1",
            "127.0.0.1",
            "192.0.3.1",
            "2001:db8:7::1",
            "::1",
            "2001:db8:6::1",
        ] {
            assert_eq!(at(&db, ip), None, "{ip}");
        }
    }

    #[test]
    fn ipv4_mapped_ipv6_is_looked_up_as_ipv4() {
        let db = GeoIpDb::from_bytes(sample()).unwrap();
        let mapped = IpAddr::V6(Ipv4Addr::new(192, 0, 2, 200).to_ipv6_mapped());
        assert_eq!(
            db.lookup(mapped)
                .and_then(|a| a.subdivision)
                .map(String::from),
            Some("CN-GD".into())
        );
    }

    #[test]
    fn ipv4_only_file() {
        let bytes = build(
            IpVersion::V4,
            &[("192.0.2.0/24", json!({"country": {"iso_code": "JP"}}))],
        );
        let db = GeoIpDb::from_bytes(bytes).unwrap();
        assert_eq!(db.metadata().ip_version, 4);
        assert_eq!(at(&db, "192.0.2.5"), found("JP", None));
        assert_eq!(at(&db, "::ffff:192.0.2.5"), found("JP", None));
        assert_eq!(at(&db, "2001:db8::1"), None);
    }

    #[test]
    fn metadata() {
        let db = GeoIpDb::from_bytes(sample()).unwrap();
        let meta = db.metadata();
        assert_eq!(meta.database_type, "Gatehouse-Test-Country");
        assert_eq!(meta.built_at.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(meta.ip_version, 6);
        assert!(meta.node_count > 0);
    }

    #[test]
    fn subdivision_codes() {
        let cn = CountryCode::parse("CN").unwrap();
        let code = |raw| subdivision_code(cn, raw).map(String::from);
        assert_eq!(code("gd").as_deref(), Some("CN-GD"));
        assert_eq!(code("CN-GD").as_deref(), Some("CN-GD"));
        assert_eq!(code("81").as_deref(), Some("CN-81"));
        for bad in ["", "US-NY", "ABCD", "G D", "CN-", "-GD", "广东"] {
            assert_eq!(code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<GeoIpDb>();
    }

    const PROBES: [IpAddr; 6] = [
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 200)),
        IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1)),
        IpAddr::V4(Ipv4Addr::new(255, 255, 255, 255)),
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 4, 0, 0, 0, 0, 1)),
        IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        IpAddr::V6(Ipv6Addr::new(0xffff, 0, 0, 0, 0, 0, 0, 0xffff)),
    ];

    /// Whether the bytes opened; either way nothing may panic.
    fn open_and_probe(bytes: Vec<u8>) -> bool {
        let Ok(db) = GeoIpDb::from_bytes(bytes) else {
            return false;
        };
        for ip in PROBES {
            let _ = db.lookup(ip);
        }
        true
    }

    #[test]
    fn rubbish_is_an_error() {
        for bytes in [&b""[..], b"not a database", b"\xab\xcd\xefMaxMind.com"] {
            assert!(GeoIpDb::from_bytes(bytes.to_vec()).is_err());
        }
        let good = sample();
        for len in 0..good.len() {
            let _ = open_and_probe(good[..len].to_vec());
        }
    }

    #[test]
    fn damaged_files_never_panic() {
        let good = sample();
        let mut opened = 0;
        for i in 0..good.len() {
            for mask in [0x01, 0x80, 0xff] {
                let mut bytes = good.clone();
                bytes[i] ^= mask;
                opened += usize::from(open_and_probe(bytes));
            }
        }
        // Most damage is in the tree and data, which only lookups read.
        assert!(opened > good.len(), "{opened} of {} opened", 3 * good.len());
    }

    proptest::proptest! {
        #[test]
        fn random_bytes_never_panic(
            tree in proptest::collection::vec(proptest::num::u8::ANY, 0..256),
            meta in proptest::collection::vec(proptest::num::u8::ANY, 0..256),
        ) {
            // A marker in the middle makes the reader go past the first check.
            let mut bytes = tree;
            bytes.extend_from_slice(b"\xab\xcd\xefMaxMind.com");
            bytes.extend_from_slice(&meta);
            let _ = open_and_probe(bytes);
        }
    }
}

/// Writes small MaxMind-format databases for tests (ours and the server's).
#[cfg(feature = "testing")]
pub mod testing {
    use std::net::IpAddr;

    use maxminddb_writer::metadata::IpVersion;
    use maxminddb_writer::paths::IpAddrWithMask;
    use maxminddb_writer::Database;
    use serde_json::Value;

    /// The build time written into test databases: 2026-01-01T00:00:00Z.
    pub const BUILT: u64 = 1_767_225_600;

    /// A MaxMind DB of our own. Networks are inserted in order, so a more specific network must
    /// follow the one containing it. IPv4 networks go under `::/96`, as MaxMind's files do.
    pub fn build(version: IpVersion, networks: &[(&str, Value)]) -> Vec<u8> {
        let mut db = Database::default();
        db.metadata.ip_version = version;
        db.metadata.database_type = "Gatehouse-Test-Country".into();
        db.metadata.binary_format_major_version = 2;
        db.metadata.build_epoch = BUILT;
        db.metadata.languages = vec!["en".into()];
        db.metadata
            .description
            .insert("en".into(), "Gatehouse test data".into());
        for (cidr, record) in networks {
            let mut net: IpAddrWithMask = cidr.parse().unwrap();
            if let (IpVersion::V6, IpAddr::V4(v4)) = (version, net.addr) {
                net = IpAddrWithMask::new(IpAddr::V6(v4.to_ipv6_compatible()), net.mask + 96);
            }
            let data = db.insert_value(record).unwrap();
            db.insert_node(net, data);
        }
        db.write_to(Vec::new()).unwrap()
    }
}
