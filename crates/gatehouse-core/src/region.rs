//! Region restrictions: which places may register, log in and be verified.
//!
//! [`evaluate`] takes the policy, the [`RegionContext`] and the [`RegionFacts`] the caller
//! gathered (IP geolocation, whether the IP is in a blocked range, declared residence and
//! nationality) and returns a [`RegionDecision`] naming the rule that decided. The first rule
//! that applies decides, in this order:
//!
//! 1. `<context>.ip.blocked_cidr`: the IP is in one of the context's `blocked_cidrs` (the
//!    caller matches the ranges and passes `ip_in_blocked_cidr`; core has no CIDR parser).
//! 2. `<context>.ip.blocked_subdivision:CN-GD`: the IP's subdivision is blocked. Before the
//!    country rules, so a region can be closed inside an allowed country.
//! 3. `<context>.ip.blocked:RU`: the IP's country is blocked.
//! 4. `<context>.ip.unknown`: the IP's country is unknown, the context has a country list
//!    (blocked or allowed) and `unknown_ip = "block"`. Then `<context>.ip.allowed_list:FR`:
//!    `allowed_countries` is not empty and the IP's country is not on it.
//! 5. `<context>.residence.blocked:US`: the declared residence is blocked.
//! 6. `<context>.nationality.blocked:KP`: the nationality is blocked.
//! 7. `verification.ip_residence_mismatch.{flag,block}:DE/FR` (IP country / residence), in
//!    verification only, when both are known and differ; `flag` allows with review.
//! 8. `default.allow`.
//!
//! Rules 1–4 read the lists of the context at hand, so each context restricts IPs on its own;
//! rules 5–6 are shared and apply wherever the caller knows the fact (verification always;
//! login if the caller passes the account's verified data; registration rarely knows them).
//! Geo-blocking is about where the service is used, so a resident of an allowed country who
//! travels to a blocked one is refused at registration and login by rule 3. At verification
//! their residence decides (rules 5–6), and the IP only matters through the verification
//! context's own IP lists and the mismatch action. A resident of a blocked country abroad
//! passes the IP rules but is refused wherever their residence is known.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::Invalid;

/// Where in the applicant's journey the decision is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionContext {
    Registration,
    Login,
    Verification,
}

impl RegionContext {
    pub fn as_str(&self) -> &'static str {
        match self {
            RegionContext::Registration => "registration",
            RegionContext::Login => "login",
            RegionContext::Verification => "verification",
        }
    }
}

impl fmt::Display for RegionContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ISO 3166-2 subdivision code such as `CN-GD`, `US-NY` or `FR-75C`, in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SubdivisionCode(String);

impl SubdivisionCode {
    /// Accepts `CC-XXX`: an assigned alpha-2 country code, a hyphen and 1 to 3 letters or digits.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let upper = input.trim().to_ascii_uppercase();
        let valid = upper.split_once('-').is_some_and(|(country, part)| {
            country.len() == 2
                && CountryCode::parse(country).is_ok()
                && (1..=3).contains(&part.len())
                && part.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if !valid {
            return Err(Invalid::new(
                "invalid_subdivision",
                "must be an ISO 3166-2 subdivision code such as CN-GD or US-NY",
            ));
        }
        Ok(Self(upper))
    }
}

string_newtype!(SubdivisionCode);

impl fmt::Display for SubdivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The whole region policy, as configured. The default restricts nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegionPolicy {
    pub registration: IpRules,
    pub login: IpRules,
    pub verification: IpRules,
    /// Declared countries of residence that are refused.
    pub residence: CountryBlock,
    /// Nationalities that are refused.
    pub nationality: CountryBlock,
    /// What verification does when the IP's country differs from the declared residence.
    pub ip_residence_mismatch: MismatchAction,
}

/// Restrictions on the client's IP address in one context.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IpRules {
    pub blocked_countries: Vec<CountryCode>,
    /// When not empty, only these countries are let in.
    pub allowed_countries: Vec<CountryCode>,
    pub blocked_subdivisions: Vec<SubdivisionCode>,
    /// CIDR ranges or bare addresses; parsed and matched by the server.
    pub blocked_cidrs: Vec<String>,
    /// What an IP whose country is unknown gets when a country list is set.
    pub unknown_ip: UnknownIp,
}

/// A list of refused countries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CountryBlock {
    pub blocked: Vec<CountryCode>,
}

/// The answer for an IP whose country the geolocation database does not know (private
/// ranges, new allocations, no database).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownIp {
    #[default]
    Allow,
    Block,
}

/// What a verification whose IP country differs from the declared residence gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchAction {
    #[default]
    Ignore,
    /// Allowed, but sent to a reviewer.
    Flag,
    Block,
}

/// What the caller knows about one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegionFacts<'a> {
    pub ip_country: Option<CountryCode>,
    /// ISO 3166-2 code of the IP's subdivision, e.g. `CN-GD`.
    pub ip_subdivision: Option<&'a str>,
    /// Whether the IP is in one of the context's `blocked_cidrs`.
    pub ip_in_blocked_cidr: bool,
    pub residence: Option<CountryCode>,
    pub nationality: Option<CountryCode>,
}

/// The outcome and the rule that produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionDecision {
    pub allowed: bool,
    /// Allowed, but a reviewer should look (only verification sets it).
    pub flag_for_review: bool,
    /// The rule that decided, e.g. `login.ip.blocked:RU` or `default.allow`.
    pub rule: String,
}

impl RegionDecision {
    fn block(rule: String) -> Self {
        Self {
            allowed: false,
            flag_for_review: false,
            rule,
        }
    }
}

impl RegionPolicy {
    /// The IP rules of `context`, e.g. to know which `blocked_cidrs` to match.
    pub fn ip_rules(&self, context: RegionContext) -> &IpRules {
        match context {
            RegionContext::Registration => &self.registration,
            RegionContext::Login => &self.login,
            RegionContext::Verification => &self.verification,
        }
    }

    /// Whether any rule reads the IP's country or subdivision, so a geolocation database is
    /// needed.
    pub fn needs_geolocation(&self) -> bool {
        [&self.registration, &self.login, &self.verification]
            .into_iter()
            .any(|r| {
                !r.blocked_countries.is_empty()
                    || !r.allowed_countries.is_empty()
                    || !r.blocked_subdivisions.is_empty()
            })
            || self.ip_residence_mismatch != MismatchAction::Ignore
    }

    /// The quick set-up: blocks a comma-separated list of countries (alpha-2; alpha-3 is
    /// accepted) for registration and login IPs, residence and nationality.
    pub fn with_blocked_countries(mut self, list: &str) -> Result<Self, Invalid> {
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let country = CountryCode::parse(item).map_err(|_| {
                Invalid::new(
                    "invalid_country",
                    format!("{item:?} in the blocked countries is not an ISO 3166-1 code"),
                )
            })?;
            for blocked in [
                &mut self.registration.blocked_countries,
                &mut self.login.blocked_countries,
                &mut self.residence.blocked,
                &mut self.nationality.blocked,
            ] {
                if !blocked.contains(&country) {
                    blocked.push(country);
                }
            }
        }
        Ok(self)
    }
}

/// Applies `policy` in `context` to `facts`; the module documentation gives the rule order.
pub fn evaluate(
    policy: &RegionPolicy,
    context: RegionContext,
    facts: &RegionFacts<'_>,
) -> RegionDecision {
    let ip = policy.ip_rules(context);
    if facts.ip_in_blocked_cidr {
        return RegionDecision::block(format!("{context}.ip.blocked_cidr"));
    }
    if let Some(sub) = facts.ip_subdivision {
        let sub = sub.trim();
        if let Some(hit) = ip
            .blocked_subdivisions
            .iter()
            .find(|b| b.as_str().eq_ignore_ascii_case(sub))
        {
            return RegionDecision::block(format!("{context}.ip.blocked_subdivision:{hit}"));
        }
    }
    match facts.ip_country {
        Some(country) if ip.blocked_countries.contains(&country) => {
            return RegionDecision::block(format!("{context}.ip.blocked:{country}"));
        }
        Some(country)
            if !ip.allowed_countries.is_empty() && !ip.allowed_countries.contains(&country) =>
        {
            return RegionDecision::block(format!("{context}.ip.allowed_list:{country}"));
        }
        None if ip.unknown_ip == UnknownIp::Block
            && !(ip.blocked_countries.is_empty() && ip.allowed_countries.is_empty()) =>
        {
            return RegionDecision::block(format!("{context}.ip.unknown"));
        }
        _ => {}
    }
    if let Some(residence) = facts.residence {
        if policy.residence.blocked.contains(&residence) {
            return RegionDecision::block(format!("{context}.residence.blocked:{residence}"));
        }
    }
    if let Some(nationality) = facts.nationality {
        if policy.nationality.blocked.contains(&nationality) {
            return RegionDecision::block(format!("{context}.nationality.blocked:{nationality}"));
        }
    }
    if let (RegionContext::Verification, Some(ip_country), Some(residence)) =
        (context, facts.ip_country, facts.residence)
    {
        if ip_country != residence {
            let rule = |action| {
                format!("{context}.ip_residence_mismatch.{action}:{ip_country}/{residence}")
            };
            match policy.ip_residence_mismatch {
                MismatchAction::Ignore => {}
                MismatchAction::Block => return RegionDecision::block(rule("block")),
                MismatchAction::Flag => {
                    return RegionDecision {
                        allowed: true,
                        flag_for_review: true,
                        rule: rule("flag"),
                    }
                }
            }
        }
    }
    RegionDecision {
        allowed: true,
        flag_for_review: false,
        rule: "default.allow".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegionContext::{Login, Registration, Verification};

    fn cc(s: &str) -> CountryCode {
        CountryCode::parse(s).unwrap()
    }

    fn ccs(list: &[&str]) -> Vec<CountryCode> {
        list.iter().map(|s| cc(s)).collect()
    }

    fn from_ip(country: &str) -> RegionFacts<'static> {
        RegionFacts {
            ip_country: Some(cc(country)),
            ..RegionFacts::default()
        }
    }

    /// Decided by `rule`, blocked unless the rule is an allowing one.
    fn rule(policy: &RegionPolicy, context: RegionContext, facts: RegionFacts<'_>) -> String {
        let d = evaluate(policy, context, &facts);
        assert_eq!(
            d.allowed,
            d.rule == "default.allow" || d.rule.contains(".flag:"),
            "{d:?}"
        );
        assert_eq!(d.flag_for_review, d.rule.contains(".flag:"), "{d:?}");
        d.rule
    }

    fn ip_rules() -> IpRules {
        IpRules {
            blocked_countries: ccs(&["RU"]),
            allowed_countries: ccs(&["CN", "DE", "FR", "RU"]),
            blocked_subdivisions: vec![SubdivisionCode::parse("CN-XJ").unwrap()],
            blocked_cidrs: vec!["192.0.2.0/24".into()],
            unknown_ip: UnknownIp::Allow,
        }
    }

    fn sample() -> RegionPolicy {
        RegionPolicy {
            registration: ip_rules(),
            login: ip_rules(),
            verification: IpRules::default(),
            residence: CountryBlock {
                blocked: ccs(&["US"]),
            },
            nationality: CountryBlock {
                blocked: ccs(&["KP"]),
            },
            ip_residence_mismatch: MismatchAction::Flag,
        }
    }

    #[test]
    fn default_policy_allows_everything() {
        let policy = RegionPolicy::default();
        for context in [Registration, Login, Verification] {
            let facts = RegionFacts {
                ip_country: Some(cc("KP")),
                ip_subdivision: Some("KP-01"),
                residence: Some(cc("IR")),
                nationality: Some(cc("SY")),
                ..RegionFacts::default()
            };
            assert_eq!(rule(&policy, context, facts), "default.allow");
            assert_eq!(
                rule(&policy, context, RegionFacts::default()),
                "default.allow"
            );
        }
        assert!(!policy.needs_geolocation());
    }

    #[test]
    fn each_ip_rule() {
        let p = sample();
        let cidr = RegionFacts {
            ip_in_blocked_cidr: true,
            ..from_ip("DE")
        };
        assert_eq!(rule(&p, Registration, cidr), "registration.ip.blocked_cidr");
        let xj = RegionFacts {
            ip_subdivision: Some("cn-xj"),
            ..from_ip("CN")
        };
        assert_eq!(rule(&p, Login, xj), "login.ip.blocked_subdivision:CN-XJ");
        let gd = RegionFacts {
            ip_subdivision: Some("CN-GD"),
            ..from_ip("CN")
        };
        assert_eq!(rule(&p, Login, gd), "default.allow");
        assert_eq!(rule(&p, Login, from_ip("RU")), "login.ip.blocked:RU");
        assert_eq!(
            rule(&p, Registration, from_ip("US")),
            "registration.ip.allowed_list:US"
        );
        assert_eq!(rule(&p, Registration, from_ip("FR")), "default.allow");
    }

    #[test]
    fn ip_rules_belong_to_their_context() {
        let mut p = sample();
        p.login = IpRules::default();
        assert_eq!(
            rule(&p, Registration, from_ip("RU")),
            "registration.ip.blocked:RU"
        );
        assert_eq!(rule(&p, Login, from_ip("RU")), "default.allow");
        assert_eq!(rule(&p, Verification, from_ip("RU")), "default.allow");
        p.verification.blocked_countries = ccs(&["RU"]);
        assert_eq!(
            rule(&p, Verification, from_ip("RU")),
            "verification.ip.blocked:RU"
        );
    }

    #[test]
    fn unknown_ip_country() {
        let mut p = sample();
        assert_eq!(rule(&p, Login, RegionFacts::default()), "default.allow");
        p.login.unknown_ip = UnknownIp::Block;
        assert_eq!(rule(&p, Login, RegionFacts::default()), "login.ip.unknown");
        // Only the allow-list, or only the block list, is enough to make it apply.
        p.login.blocked_countries.clear();
        assert_eq!(rule(&p, Login, RegionFacts::default()), "login.ip.unknown");
        p.login.allowed_countries.clear();
        p.login.blocked_countries = ccs(&["RU"]);
        assert_eq!(rule(&p, Login, RegionFacts::default()), "login.ip.unknown");
        // Without any country list the IP's country does not matter.
        p.login.blocked_countries.clear();
        assert_eq!(rule(&p, Login, RegionFacts::default()), "default.allow");
    }

    #[test]
    fn residence_and_nationality() {
        let p = sample();
        let us = RegionFacts {
            residence: Some(cc("US")),
            nationality: Some(cc("KP")),
            ..from_ip("DE")
        };
        assert_eq!(
            rule(&p, Verification, us),
            "verification.residence.blocked:US"
        );
        let kp = RegionFacts {
            residence: Some(cc("DE")),
            nationality: Some(cc("KP")),
            ..from_ip("DE")
        };
        assert_eq!(
            rule(&p, Verification, kp),
            "verification.nationality.blocked:KP"
        );
        // Wherever the caller knows them, not only at verification.
        assert_eq!(rule(&p, Login, kp), "login.nationality.blocked:KP");
    }

    #[test]
    fn ip_residence_mismatch() {
        let mut p = sample();
        let abroad = RegionFacts {
            residence: Some(cc("FR")),
            ..from_ip("DE")
        };
        assert_eq!(
            rule(&p, Verification, abroad),
            "verification.ip_residence_mismatch.flag:DE/FR"
        );
        // Not at login: a traveller logging in is ordinary.
        assert_eq!(rule(&p, Login, abroad), "default.allow");
        p.ip_residence_mismatch = MismatchAction::Block;
        assert_eq!(
            rule(&p, Verification, abroad),
            "verification.ip_residence_mismatch.block:DE/FR"
        );
        p.ip_residence_mismatch = MismatchAction::Ignore;
        assert_eq!(rule(&p, Verification, abroad), "default.allow");
        // Both must be known.
        p.ip_residence_mismatch = MismatchAction::Block;
        let unknown_ip = RegionFacts {
            residence: Some(cc("FR")),
            ..RegionFacts::default()
        };
        assert_eq!(rule(&p, Verification, unknown_ip), "default.allow");
        assert_eq!(rule(&p, Verification, from_ip("DE")), "default.allow");
        let home = RegionFacts {
            residence: Some(cc("DE")),
            ..from_ip("DE")
        };
        assert_eq!(rule(&p, Verification, home), "default.allow");
    }

    #[test]
    fn order_of_rules() {
        let p = sample();
        // Everything at once: the blocked range decides.
        let all = RegionFacts {
            ip_country: Some(cc("RU")),
            ip_subdivision: Some("CN-XJ"),
            ip_in_blocked_cidr: true,
            residence: Some(cc("US")),
            nationality: Some(cc("KP")),
        };
        assert_eq!(rule(&p, Login, all), "login.ip.blocked_cidr");
        let all = RegionFacts {
            ip_in_blocked_cidr: false,
            ..all
        };
        assert_eq!(rule(&p, Login, all), "login.ip.blocked_subdivision:CN-XJ");
        let all = RegionFacts {
            ip_subdivision: None,
            ..all
        };
        // RU is on the allow-list too: a block beats an allowance.
        assert_eq!(rule(&p, Login, all), "login.ip.blocked:RU");
        let all = RegionFacts {
            ip_country: Some(cc("JP")),
            ..all
        };
        assert_eq!(rule(&p, Login, all), "login.ip.allowed_list:JP");
        let all = RegionFacts {
            ip_country: Some(cc("FR")),
            ..all
        };
        assert_eq!(rule(&p, Login, all), "login.residence.blocked:US");
        let all = RegionFacts {
            residence: Some(cc("DE")),
            ..all
        };
        assert_eq!(
            rule(&p, Verification, all),
            "verification.nationality.blocked:KP"
        );
        let all = RegionFacts {
            nationality: Some(cc("DE")),
            ..all
        };
        assert_eq!(
            rule(&p, Verification, all),
            "verification.ip_residence_mismatch.flag:FR/DE"
        );
    }

    #[test]
    fn travellers() {
        let p = RegionPolicy {
            ip_residence_mismatch: MismatchAction::Flag,
            ..RegionPolicy::default()
        }
        .with_blocked_countries("RU")
        .unwrap();
        // A French resident in Russia cannot register or log in from there...
        let in_ru = RegionFacts {
            residence: Some(cc("FR")),
            ..from_ip("RU")
        };
        assert_eq!(rule(&p, Registration, in_ru), "registration.ip.blocked:RU");
        assert_eq!(rule(&p, Login, in_ru), "login.ip.blocked:RU");
        // ...and at verification their residence decides; the place is for a reviewer.
        assert_eq!(
            rule(&p, Verification, in_ru),
            "verification.ip_residence_mismatch.flag:RU/FR"
        );
        // A Russian resident in France passes the IP rules but not the residence rule.
        let in_fr = RegionFacts {
            residence: Some(cc("RU")),
            ..from_ip("FR")
        };
        assert_eq!(rule(&p, Registration, from_ip("FR")), "default.allow");
        assert_eq!(rule(&p, Login, in_fr), "login.residence.blocked:RU");
        assert_eq!(
            rule(&p, Verification, in_fr),
            "verification.residence.blocked:RU"
        );
    }

    #[test]
    fn quick_setup() {
        let p = RegionPolicy::default()
            .with_blocked_countries(" kp, IRN,,RU ")
            .unwrap()
            .with_blocked_countries("RU")
            .unwrap();
        let want = ccs(&["KP", "IR", "RU"]);
        assert_eq!(p.registration.blocked_countries, want);
        assert_eq!(p.login.blocked_countries, want);
        assert_eq!(p.residence.blocked, want);
        assert_eq!(p.nationality.blocked, want);
        assert!(p.verification.blocked_countries.is_empty());
        assert!(p.needs_geolocation());
        assert_eq!(
            RegionPolicy::default().with_blocked_countries("").unwrap(),
            RegionPolicy::default()
        );
        let err = RegionPolicy::default()
            .with_blocked_countries("KP,XX")
            .unwrap_err();
        assert!(err.message.contains("\"XX\""), "{err}");
    }

    #[test]
    fn subdivision_codes() {
        assert_eq!(SubdivisionCode::parse(" cn-gd ").unwrap().as_str(), "CN-GD");
        assert_eq!(SubdivisionCode::parse("FR-75C").unwrap().as_str(), "FR-75C");
        for bad in [
            "", "CN", "CN-", "-GD", "XX-GD", "CN-ABCD", "CN-G D", "CHN-GD", "CN_GD",
        ] {
            assert!(SubdivisionCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn configuration_shape() {
        let p: RegionPolicy = toml::from_str(
            r#"
            ip_residence_mismatch = "block"
            [registration]
            blocked_countries = ["ru", "PRK"]
            allowed_countries = ["DE"]
            blocked_subdivisions = ["ua-43"]
            blocked_cidrs = ["192.0.2.0/24", "2001:db8::1"]
            unknown_ip = "block"
            [residence]
            blocked = ["US"]
            "#,
        )
        .unwrap();
        assert_eq!(p.registration.blocked_countries, ccs(&["RU", "KP"]));
        assert_eq!(p.registration.blocked_subdivisions[0].as_str(), "UA-43");
        assert_eq!(p.registration.unknown_ip, UnknownIp::Block);
        assert_eq!(p.login, IpRules::default());
        assert_eq!(p.ip_residence_mismatch, MismatchAction::Block);
        let again: RegionPolicy =
            serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
        assert_eq!(again, p);
        assert_eq!(
            toml::from_str::<RegionPolicy>("").unwrap(),
            RegionPolicy::default()
        );
        for bad in [
            "[login]\nblocked_country = [\"RU\"]",
            "[login]\nblocked_countries = [\"XX\"]",
            "[login]\nblocked_subdivisions = [\"RU\"]",
            "[login]\nunknown_ip = \"maybe\"",
            "ip_residence_mismatch = \"warn\"",
            "[residence]\nallowed = [\"DE\"]",
            "[travel]",
        ] {
            assert!(toml::from_str::<RegionPolicy>(bad).is_err(), "{bad}");
        }
    }
}
