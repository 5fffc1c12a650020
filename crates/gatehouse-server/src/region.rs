//! Region restrictions at the edge: the client's address (behind trusted proxies), its
//! country from a MaxMind-format database that is reloaded when the file changes, and the
//! region policy applied at registration, login and verification.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use gatehouse_checks::geoip::{GeoAnswer, GeoIpDb};
use gatehouse_checks::ClientFacts;
use gatehouse_core::region::{evaluate, RegionContext, RegionDecision, RegionFacts, RegionPolicy};
use ipnet::IpNet;

use crate::client_ip::{client_ip, parse_cidrs};
use crate::config::Config;
use crate::error::ApiError;
use crate::state::AppState;

/// The loaded GeoIP database, swapped whole when its file changes.
pub struct GeoIp {
    path: Option<PathBuf>,
    current: RwLock<Option<Arc<GeoIpDb>>>,
    modified: Mutex<Option<SystemTime>>,
}

/// What operators see of the database: type, build date, age.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GeoIpStatus {
    pub database_type: String,
    pub built_at: DateTime<Utc>,
    pub age_days: i64,
    /// Older than `geoip_max_age_days`: answers may be out of date.
    pub stale: bool,
}

impl GeoIp {
    /// Loads the database at `path`, if one is configured; a missing or corrupt file is an error.
    pub fn open(path: Option<PathBuf>) -> Result<Self, String> {
        let geo = Self {
            path,
            current: RwLock::new(None),
            modified: Mutex::new(None),
        };
        if geo.path.is_some() {
            geo.reload()?;
        }
        Ok(geo)
    }

    fn read(path: &PathBuf) -> Result<(GeoIpDb, Option<SystemTime>), String> {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("cannot read GeoIP database {}: {e}", path.display()))?;
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let db = GeoIpDb::from_bytes(bytes)
            .map_err(|e| format!("GeoIP database {}: {e}", path.display()))?;
        Ok((db, modified))
    }

    fn reload(&self) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let (db, modified) = Self::read(path)?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(db));
        *self.modified.lock().unwrap_or_else(|e| e.into_inner()) = modified;
        Ok(())
    }

    /// Reloads when the file's modification time changed. A broken new file is logged and the
    /// old database stays in service.
    pub fn reload_if_changed(&self) {
        let Some(path) = &self.path else {
            return;
        };
        let now = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let before = *self.modified.lock().unwrap_or_else(|e| e.into_inner());
        if now.is_none() || now == before {
            return;
        }
        match self.reload() {
            Ok(()) => tracing::info!("GeoIP database reloaded"),
            Err(e) => {
                tracing::warn!(error = %e, "GeoIP database not reloaded; keeping the old one")
            }
        }
    }

    pub fn lookup(&self, ip: IpAddr) -> Option<GeoAnswer> {
        let db = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        db.lookup(ip)
    }

    pub fn status(&self, max_age_days: u64) -> Option<GeoIpStatus> {
        let db = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        let meta = db.metadata();
        let age_days = (Utc::now() - meta.built_at).num_days();
        Some(GeoIpStatus {
            database_type: meta.database_type.clone(),
            built_at: meta.built_at,
            age_days,
            stale: age_days > i64::try_from(max_age_days).unwrap_or(i64::MAX),
        })
    }
}

/// The policy with everything parsed once at start-up.
pub struct RegionGuard {
    pub policy: RegionPolicy,
    trusted_proxies: Vec<IpNet>,
    blocked_cidrs: [Vec<IpNet>; 3],
    pub geoip: GeoIp,
}

fn index(context: RegionContext) -> usize {
    match context {
        RegionContext::Registration => 0,
        RegionContext::Login => 1,
        RegionContext::Verification => 2,
    }
}

impl RegionGuard {
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let policy = config
            .region
            .clone()
            .with_blocked_countries(&config.blocked_countries.join(","))
            .map_err(|e| format!("blocked_countries: {e}"))?;
        let trusted_proxies =
            parse_cidrs(&config.trusted_proxies).map_err(|e| format!("trusted_proxies: {e}"))?;
        let cidrs = |c: RegionContext| {
            parse_cidrs(&policy.ip_rules(c).blocked_cidrs)
                .map_err(|e| format!("region.{c}.blocked_cidrs: {e}"))
        };
        let blocked_cidrs = [
            cidrs(RegionContext::Registration)?,
            cidrs(RegionContext::Login)?,
            cidrs(RegionContext::Verification)?,
        ];
        let path =
            (!config.geoip_database.is_empty()).then(|| PathBuf::from(&config.geoip_database));
        if path.is_none() && policy.needs_geolocation() {
            return Err(
                "the region policy restricts by country but geoip_database is not set".into(),
            );
        }
        Ok(Self {
            policy,
            trusted_proxies,
            blocked_cidrs,
            geoip: GeoIp::open(path)?,
        })
    }

    /// The client facts for a context: country and subdivision of the address, and whether
    /// it is in one of the context's blocked ranges.
    pub fn client_facts(&self, context: RegionContext, ip: IpAddr) -> ClientFacts {
        let answer = self.geoip.lookup(ip);
        ClientFacts {
            ip_country: answer.as_ref().and_then(|a| a.country),
            ip_subdivision: answer
                .and_then(|a| a.subdivision)
                .map(|s| s.as_str().to_owned()),
            ip_in_blocked_cidr: self.blocked_cidrs[index(context)]
                .iter()
                .any(|net| net.contains(&ip)),
        }
    }

    /// The decision for a request that knows only its address (registration, login).
    pub fn decide(&self, context: RegionContext, ip: IpAddr) -> RegionDecision {
        let client = self.client_facts(context, ip);
        evaluate(
            &self.policy,
            context,
            &RegionFacts {
                ip_country: client.ip_country,
                ip_subdivision: client.ip_subdivision.as_deref(),
                ip_in_blocked_cidr: client.ip_in_blocked_cidr,
                residence: None,
                nationality: None,
            },
        )
    }

    /// Refuses the request with `region_restricted` when the policy blocks it.
    pub fn enforce(&self, context: RegionContext, ip: IpAddr) -> Result<(), ApiError> {
        let decision = self.decide(context, ip);
        if decision.allowed {
            return Ok(());
        }
        tracing::info!(context = context.as_str(), rule = %decision.rule, "refused by region policy");
        Err(ApiError::RegionRestricted)
    }

    pub fn resolve(&self, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
        client_ip(peer, forwarded, &self.trusted_proxies)
    }
}

/// The client's address, resolved through trusted proxies.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Without connection info (a server embedded without it) the peer is unknown: treat it
        // as loopback, which no geolocation database places in a country.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(ClientIp(state.region().resolve(peer, &forwarded)))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use gatehouse_checks::geoip::testing::build;
    use maxminddb_writer::metadata::IpVersion;
    use serde_json::json;

    use super::*;

    fn write(path: &std::path::Path, country: &str, bump: u64) {
        let bytes = build(
            IpVersion::V6,
            &[("198.51.100.0/24", json!({"country": {"iso_code": country}}))],
        );
        std::fs::write(path, bytes).unwrap();
        // Make the change visible to a modification-time check even within one clock tick.
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() + Duration::from_secs(bump))
            .unwrap();
    }

    #[test]
    fn reloads_when_the_file_changes_and_keeps_the_old_one_when_broken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("geo.mmdb");
        write(&path, "DE", 0);
        let geo = GeoIp::open(Some(path.clone())).unwrap();
        let ip: IpAddr = "198.51.100.7".parse().unwrap();
        let country = |g: &GeoIp| g.lookup(ip).and_then(|a| a.country).map(|c| c.to_string());
        assert_eq!(country(&geo).as_deref(), Some("DE"));
        geo.reload_if_changed();
        assert_eq!(country(&geo).as_deref(), Some("DE"));
        write(&path, "FR", 5);
        geo.reload_if_changed();
        assert_eq!(country(&geo).as_deref(), Some("FR"));
        std::fs::write(&path, b"not a database").unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() + Duration::from_secs(10))
            .unwrap();
        geo.reload_if_changed();
        assert_eq!(
            country(&geo).as_deref(),
            Some("FR"),
            "a broken file is not loaded"
        );
        assert!(GeoIp::open(Some(dir.path().join("missing.mmdb"))).is_err());
    }
}

/// The app's device id from `X-Device-Id`, when sent: 1 to 128 printable ASCII characters.
#[derive(Debug, Clone)]
pub struct DeviceId(pub Option<String>);

impl DeviceId {
    pub fn parse(value: &str) -> Result<String, ApiError> {
        let v = value.trim();
        if v.is_empty() || v.len() > 128 || !v.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::field(
                "X-Device-Id",
                "invalid_device_id",
                "must be 1 to 128 printable ASCII characters",
            ));
        }
        Ok(v.to_owned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for DeviceId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        match parts.headers.get("x-device-id") {
            None => Ok(DeviceId(None)),
            Some(v) => {
                let text = v.to_str().map_err(|_| {
                    ApiError::field("X-Device-Id", "invalid_device_id", "must be ASCII")
                })?;
                Ok(DeviceId(Some(DeviceId::parse(text)?)))
            }
        }
    }
}
