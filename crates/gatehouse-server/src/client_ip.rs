//! The client's address behind reverse proxies, from the peer address and `X-Forwarded-For`.
//!
//! Only hops we trust may speak about the hop before them. Starting at the TCP peer, we walk
//! `X-Forwarded-For` from right to left while the address in hand is a trusted proxy; the first
//! untrusted address is the client. Everything left of it was written by the client or its
//! proxies and is ignored, so a spoofed left-most entry changes nothing.
//!
//! When the walk ends without meeting an untrusted address, the last address it reached is the
//! answer: with no (or an empty) header that is the peer; when every entry is trusted it is the
//! left-most entry (a request that started inside the trusted network); and when it meets an
//! entry that is not an address (`unknown`, a hostname, rubbish) it stops there and answers the
//! trusted hop to its right, because anything further left was not vouched for by a proxy we
//! trust. Empty list elements (`a,,b`) are skipped, as HTTP list syntax allows.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use ipnet::IpNet;

/// The client's address: the right-most untrusted hop (see the module documentation).
pub fn client_ip(peer: IpAddr, x_forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let mut reached = canonical(peer);
    if !is_trusted(reached, trusted) {
        return reached;
    }
    let entries = x_forwarded_for
        .iter()
        .rev()
        .flat_map(|value| value.rsplit(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty());
    for entry in entries {
        let Some(ip) = parse_entry(entry) else {
            break;
        };
        reached = ip;
        if !is_trusted(ip, trusted) {
            break;
        }
    }
    reached
}

/// Parses trusted-proxy settings: items separated by commas or whitespace, each a CIDR range
/// (`10.0.0.0/8`, `2001:db8::/32`) or a bare address (taken as `/32` or `/128`). Every item
/// of `lists` may itself hold several, so both a TOML array and one environment string work.
pub fn parse_cidrs<S: AsRef<str>>(lists: &[S]) -> Result<Vec<IpNet>, String> {
    let items = lists
        .iter()
        .flat_map(|list| list.as_ref().split(|c: char| c == ',' || c.is_whitespace()))
        .filter(|item| !item.is_empty());
    items
        .map(|item| {
            let net = match item.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => item
                    .parse::<IpAddr>()
                    .map(IpNet::from)
                    .map_err(|_| format!("{item:?} is not an IP address or CIDR range"))?,
            };
            Ok(net.trunc())
        })
        .collect()
}

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&ip))
}

/// IPv4 peers of a dual-stack socket arrive as `::ffff:a.b.c.d`; compare and report them as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One `X-Forwarded-For` element: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]`,
/// `[2001:db8::1]:443`, optionally in double quotes; `None` for anything else.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry
        .strip_prefix('"')
        .and_then(|e| e.strip_suffix('"'))
        .unwrap_or(entry)
        .trim();
    let ip = if let Ok(ip) = entry.parse::<IpAddr>() {
        ip
    } else if let Ok(socket) = entry.parse::<SocketAddr>() {
        socket.ip()
    } else {
        let inner = entry.strip_prefix('[')?.strip_suffix(']')?;
        IpAddr::V6(inner.parse::<Ipv6Addr>().ok()?)
    };
    Some(canonical(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies() -> Vec<IpNet> {
        parse_cidrs(&["10.0.0.0/8, 127.0.0.1 ::1", "fd00::/8"]).unwrap()
    }

    fn resolve(peer: &str, xff: &[&str]) -> IpAddr {
        client_ip(ip(peer), xff, &proxies())
    }

    #[test]
    fn untrusted_peer_is_the_client_whatever_the_header_says() {
        assert_eq!(resolve("198.51.100.9", &["1.1.1.1"]), ip("198.51.100.9"));
        assert_eq!(
            resolve("198.51.100.9", &["1.1.1.1, 10.0.0.1"]),
            ip("198.51.100.9")
        );
        assert_eq!(resolve("2001:db8::9", &["1.1.1.1"]), ip("2001:db8::9"));
    }

    #[test]
    fn one_trusted_proxy() {
        assert_eq!(resolve("10.0.0.1", &["203.0.113.7"]), ip("203.0.113.7"));
        assert_eq!(resolve("127.0.0.1", &[" 203.0.113.7 "]), ip("203.0.113.7"));
    }

    #[test]
    fn chain_of_trusted_proxies() {
        assert_eq!(
            resolve("10.0.0.2", &["203.0.113.7, 10.0.0.1"]),
            ip("203.0.113.7")
        );
        assert_eq!(
            resolve("10.0.0.3", &["203.0.113.7,10.0.0.1 ,10.0.0.2"]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn spoofed_left_entries_are_ignored() {
        // The client sent "1.1.1.1, 10.9.9.9"; our proxy appended the real address.
        assert_eq!(
            resolve("10.0.0.1", &["1.1.1.1, 10.9.9.9, 203.0.113.7"]),
            ip("203.0.113.7")
        );
        assert_eq!(
            resolve("10.0.0.2", &["1.1.1.1, 203.0.113.7, 10.0.0.1"]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn ipv6_and_ports() {
        assert_eq!(resolve("::1", &["2001:db8::7"]), ip("2001:db8::7"));
        assert_eq!(resolve("::1", &["[2001:db8::7]:443"]), ip("2001:db8::7"));
        assert_eq!(resolve("::1", &["[2001:db8::7]"]), ip("2001:db8::7"));
        assert_eq!(
            resolve("fd00::1", &["203.0.113.7:5678, [fd00::2]:80"]),
            ip("203.0.113.7")
        );
        assert_eq!(
            resolve("10.0.0.1", &["\"[2001:db8::7]:1\""]),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn ipv4_mapped_addresses_count_as_ipv4() {
        assert_eq!(
            resolve("::ffff:10.0.0.1", &["::ffff:203.0.113.7"]),
            ip("203.0.113.7")
        );
        assert_eq!(resolve("::ffff:198.51.100.9", &[]), ip("198.51.100.9"));
    }

    #[test]
    fn several_header_lines_read_as_one_list_in_order() {
        assert_eq!(
            resolve("10.0.0.2", &["1.1.1.1", "203.0.113.7, 10.0.0.1"]),
            ip("203.0.113.7")
        );
        assert_eq!(
            resolve("10.0.0.2", &["203.0.113.7", "10.0.0.1"]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn all_trusted_gives_the_left_most_entry() {
        assert_eq!(resolve("10.0.0.1", &["10.0.0.9, 10.0.0.5"]), ip("10.0.0.9"));
    }

    #[test]
    fn missing_or_empty_header_gives_the_peer() {
        assert_eq!(resolve("10.0.0.1", &[]), ip("10.0.0.1"));
        assert_eq!(resolve("10.0.0.1", &["", " , ,"]), ip("10.0.0.1"));
        assert_eq!(resolve("10.0.0.1", &["203.0.113.7,, "]), ip("203.0.113.7"));
    }

    #[test]
    fn rubbish_stops_the_walk_at_the_last_trusted_hop() {
        assert_eq!(
            resolve("10.0.0.1", &["203.0.113.7, unknown"]),
            ip("10.0.0.1")
        );
        assert_eq!(
            resolve("10.0.0.2", &["203.0.113.7, junk, 10.0.0.1"]),
            ip("10.0.0.1")
        );
        assert_eq!(
            resolve("10.0.0.1", &["junk, 203.0.113.7"]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn odd_entries_never_panic_and_never_parse() {
        for entry in [
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.4:",
            "1.2.3.4:99999",
            "1.2.3.4:x",
            "[1.2.3.4]",
            "[2001:db8::1",
            "2001:db8::1]",
            "[2001:db8::1]:",
            "[]",
            "[",
            "\"",
            ":",
            "fe80::1%eth0",
            "host.example",
            "_hidden",
            "２０３.0.113.7",
            "\u{0}",
        ] {
            assert_eq!(parse_entry(entry), None, "{entry:?}");
            assert_eq!(resolve("10.0.0.1", &[entry]), ip("10.0.0.1"), "{entry:?}");
        }
        let long = "9".repeat(10_000);
        assert_eq!(resolve("10.0.0.1", &[&long]), ip("10.0.0.1"));
    }

    #[test]
    fn cidr_lists() {
        let nets = parse_cidrs(&[
            "10.0.0.0/8,192.168.1.7 , 2001:db8::/32",
            "::1\t172.16.0.1/12",
        ])
        .unwrap();
        let shown: Vec<String> = nets.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "10.0.0.0/8",
                "192.168.1.7/32",
                "2001:db8::/32",
                "::1/128",
                "172.16.0.0/12"
            ]
        );
        assert_eq!(parse_cidrs::<&str>(&[]).unwrap(), []);
        assert_eq!(parse_cidrs(&[" , "]).unwrap(), []);
        for bad in [
            "10.0.0.0/33",
            "example.com",
            "10.0.0.0/",
            "::/129",
            "1.2.3.4:80",
        ] {
            let err = parse_cidrs(&[bad]).unwrap_err();
            assert!(err.contains(bad), "{err}");
        }
    }
}
