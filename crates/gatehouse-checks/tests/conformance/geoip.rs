//! `GeoIpDb` against real files: MaxMind's test databases and a DB-IP country build, with the
//! answers recorded in `geoip/lookups.json` of the shared data (see its README).

use crate::support;

use std::net::IpAddr;

use gatehouse_checks::geoip::{GeoAnswer, GeoIpDb};
use gatehouse_core::country::CountryCode;
use gatehouse_core::region::SubdivisionCode;
use serde_json::Value;

/// What `lookup` should say for a recorded `expected` summary: `None` for `null`, else the
/// located country (falling back to the registrant's when absent) and the first subdivision.
fn wanted(expected: &Value) -> Option<GeoAnswer> {
    if expected.is_null() {
        return None;
    }
    let code = |key: &str| expected.get(key).and_then(Value::as_str);
    let located = code("country_iso_code").or(code("country_code"));
    let country = match located {
        Some(c) => CountryCode::parse(c).ok(),
        None => code("registered_country_iso_code").and_then(|c| CountryCode::parse(c).ok()),
    };
    let subdivision = located.and_then(|c| {
        let first = expected.get("subdivision_iso_codes")?.get(0)?.as_str()?;
        SubdivisionCode::parse(&format!("{c}-{first}")).ok()
    });
    Some(GeoAnswer {
        country,
        subdivision,
    })
}

#[test]
fn lookups_agree_with_recorded_answers() {
    let Some(lookups) = support::shared_data("geoip/lookups.json") else {
        return;
    };
    let dir = lookups.parent().expect("lookups.json has a folder");
    let text = std::fs::read_to_string(&lookups).expect("read lookups.json");
    let all: serde_json::Map<String, Value> = serde_json::from_str(&text).expect("lookups.json");

    let (mut total, mut agreed) = (0, 0);
    let mut disagreements = Vec::new();
    for (name, cases) in &all {
        let file = if name == "dbip-country" {
            dir.join("dbip-country.mmdb")
        } else {
            dir.join(format!("{name}.mmdb"))
        };
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let db = GeoIpDb::from_bytes(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let meta = db.metadata();
        let cases = cases.as_array().expect("a list of lookups");
        let mut here = 0;
        for case in cases {
            let ip: IpAddr = case["ip"].as_str().unwrap().parse().unwrap();
            let want = wanted(&case["expected"]);
            let got = db.lookup(ip);
            if got == want {
                here += 1;
            } else {
                disagreements.push(format!("{name} {ip}: want {want:?}, got {got:?}"));
            }
        }
        println!(
            "{name}: {here}/{} agree (type {:?}, built {}, IPv{}, {} nodes)",
            cases.len(),
            meta.database_type,
            meta.built_at.format("%Y-%m-%d"),
            meta.ip_version,
            meta.node_count,
        );
        total += cases.len();
        agreed += here;
    }
    println!("geoip conformance: {agreed}/{total} lookups agree");
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    assert!(total > 0, "lookups.json holds no lookups");
}
