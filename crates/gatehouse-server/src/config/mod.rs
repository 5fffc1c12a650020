//! Typed configuration: defaults < TOML file < `GATEHOUSE_*` environment < command-line flags.
//! Every key is documented in `config/gatehouse.example.toml`.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

mod liveness;

use figment::providers::{Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// A secret value: never printed by `Debug`, never logged.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: String,
    /// Folder for the embedded database and the local file store.
    pub data_dir: PathBuf,
    /// `sqlite://FILE` or `postgres://...`; empty means `sqlite://<data_dir>/gatehouse.db`.
    pub database_url: String,
    /// Connection pool size (PostgreSQL; SQLite always uses one writer connection).
    pub database_max_connections: u32,
    /// `file:///FOLDER` or `s3://BUCKET[/PREFIX]`; empty means `<data_dir>/files`.
    pub storage_url: String,
    pub s3: S3Config,
    pub limits: Limits,
    pub sessions: Sessions,
    pub accounts: Accounts,
    pub kyc: Kyc,
    pub documents: Documents,
    /// MaxMind-format database (GeoIP2/GeoLite2 Country or City, DB-IP) for IP geolocation;
    /// reloaded when the file changes. Empty: no geolocation.
    pub geoip_database: String,
    /// A database built longer ago than this is reported as stale (readyz, metrics, log).
    pub geoip_max_age_days: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed (CIDRs or addresses).
    pub trusted_proxies: Vec<String>,
    /// Quick set-up: alpha-2 codes refused at registration and login (by IP) and at
    /// verification (by residence and nationality). Added to `region`.
    pub blocked_countries: Vec<String>,
    /// The full region policy; see `gatehouse_core::region` for the rule order.
    pub region: gatehouse_core::region::RegionPolicy,
    /// Key for the identity graph's HMACs. Empty: a random key kept in
    /// `<data_dir>/identity.key`, created on first start. Changing it unlinks every account.
    pub identity_secret: Secret,
    /// Two accounts using one IP address are linked only within this many minutes.
    pub ip_link_window_minutes: u64,
    /// Networks whose addresses never link accounts (carrier-grade NAT, office proxies).
    pub shared_networks: Vec<String>,
    pub sanctions: SanctionsConfig,
    pub review: Review,
    pub log: Log,
    /// Thresholds and decoding limits of the image checks.
    pub images: gatehouse_checks::imaging::ImageSettings,
    /// The face model and the thresholds of the selfie and portrait checks.
    pub faces: gatehouse_checks::faces::FaceSettings,
    pub precheck: Precheck,
    pub webhooks: WebhooksConfig,
    pub liveness: LivenessConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Precheck {
    /// Pre-checks (`POST /v1/kyc/precheck`) one account may run per minute.
    pub per_account_per_minute: u32,
}

impl Default for Precheck {
    fn default() -> Self {
        Self {
            per_account_per_minute: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Review {
    /// Appeals an application may have in all.
    pub max_appeals: u32,
    /// Minimum wait after an appeal was opened before the next one, in seconds.
    pub appeal_cooldown_seconds: u64,
    /// How long a back-office (and review API) sign-in lasts, in minutes.
    pub session_ttl_minutes: u64,
    /// Mark the back-office cookie `Secure` (sent over HTTPS only; browsers also accept it on
    /// http://localhost). Turn off only behind a TLS-terminating proxy that rewrites nothing.
    pub secure_cookies: bool,
    pub sla_hours: SlaHours,
}

/// How long each kind of case may wait for a decision before it is flagged, in hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaHours {
    pub manual_review: u64,
    pub appeal: u64,
    pub sanctions: u64,
    pub linked_account: u64,
    pub rescreen: u64,
    pub liveness: u64,
}

impl Default for Review {
    fn default() -> Self {
        Self {
            max_appeals: 3,
            appeal_cooldown_seconds: 24 * 3600,
            session_ttl_minutes: 8 * 60,
            secure_cookies: true,
            sla_hours: SlaHours::default(),
        }
    }
}

impl Default for SlaHours {
    fn default() -> Self {
        Self {
            manual_review: 24,
            appeal: 72,
            sanctions: 4,
            linked_account: 24,
            rescreen: 24,
            liveness: 24,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Documents {
    /// Which document types are accepted from which issuing country, per level; the first
    /// matching rule decides.
    pub rules: gatehouse_core::policy::DocumentPolicy,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Config {
    /// Endpoint of an S3-compatible service, e.g. `http://127.0.0.1:9000`; empty means AWS.
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
    /// Largest accepted JSON body, in bytes.
    pub max_json_bytes: u64,
    /// Requests taking longer are cut off with 503, in seconds.
    pub request_timeout_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sessions {
    /// How long a sign-in lasts, in minutes.
    pub ttl_minutes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Accounts {
    /// Terms versions an applicant may accept at registration; empty accepts any.
    pub terms_versions: Vec<String>,
    /// Failed sign-ins for one login before it is locked for `login_lockout_seconds`.
    pub login_max_failures: u32,
    pub login_lockout_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Kyc {
    /// Submissions allowed per application; the last one that still needs fixing is final.
    pub max_attempts: u32,
    /// Minimum wait between two submissions, in seconds.
    pub cooldown_seconds: u64,
    /// Minimum applicant age in years.
    pub min_age: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SanctionsConfig {
    /// A hit from this score (0 to 1) sends the application to review.
    pub threshold: f64,
    /// How often the server looks for newly imported lists and re-screens, in seconds.
    pub rescreen_interval_seconds: u64,
}

impl Default for SanctionsConfig {
    fn default() -> Self {
        Self {
            threshold: gatehouse_checks::sanctions::matcher::DEFAULT_THRESHOLD,
            rescreen_interval_seconds: 30,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Log {
    /// `text` or `json`.
    pub format: String,
    /// A `tracing` filter, e.g. `info` or `gatehouse_server=debug,info`.
    pub level: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("gatehouse-data"),
            database_url: String::new(),
            database_max_connections: 10,
            storage_url: String::new(),
            s3: S3Config::default(),
            limits: Limits::default(),
            sessions: Sessions::default(),
            accounts: Accounts::default(),
            kyc: Kyc::default(),
            documents: Documents::default(),
            geoip_database: String::new(),
            geoip_max_age_days: 45,
            trusted_proxies: Vec::new(),
            blocked_countries: Vec::new(),
            region: gatehouse_core::region::RegionPolicy::default(),
            identity_secret: Secret::default(),
            ip_link_window_minutes: 60,
            shared_networks: Vec::new(),
            sanctions: SanctionsConfig::default(),
            review: Review::default(),
            log: Log::default(),
            images: Default::default(),
            faces: Default::default(),
            precheck: Precheck::default(),
            webhooks: WebhooksConfig::default(),
            liveness: LivenessConfig::default(),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_upload_bytes: 15 * 1024 * 1024,
            max_json_bytes: 64 * 1024,
            request_timeout_seconds: 60,
        }
    }
}

impl Default for Sessions {
    fn default() -> Self {
        Self {
            ttl_minutes: 24 * 60,
        }
    }
}

impl Default for Accounts {
    fn default() -> Self {
        Self {
            terms_versions: Vec::new(),
            login_max_failures: 5,
            login_lockout_seconds: 15 * 60,
        }
    }
}

impl Default for Kyc {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            cooldown_seconds: 0,
            min_age: 18,
        }
    }
}

impl Default for Log {
    fn default() -> Self {
        Self {
            format: "text".into(),
            level: "info".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Whether this process runs the dispatcher loop. Any number of processes may (claims
    /// are leased); turn it off on processes that should only answer requests.
    pub dispatch: bool,
    /// How often the dispatcher looks for new events and due deliveries, in milliseconds
    /// (a submission on this process wakes it at once).
    pub poll_interval_ms: u64,
    /// One delivery request may take this long, in seconds; then it counts as `timeout`.
    pub request_timeout_seconds: u64,
    /// Attempts per delivery (the first included) before it is marked `failed`.
    pub max_attempts: u32,
    /// Wait before the second attempt, in seconds; doubled for each further attempt up to
    /// `backoff_max_seconds`, and each wait drawn at random between half of it and all of it.
    pub backoff_base_seconds: u64,
    pub backoff_max_seconds: u64,
    /// Deliveries claimed and sent at once by one dispatcher round.
    pub batch_size: u32,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            dispatch: true,
            poll_interval_ms: 1000,
            request_timeout_seconds: 10,
            max_attempts: 10,
            backoff_base_seconds: 30,
            backoff_max_seconds: 6 * 3600,
            batch_size: 20,
        }
    }
}

impl WebhooksConfig {
    fn validate(&self) -> Result<(), String> {
        if self.poll_interval_ms == 0
            || self.request_timeout_seconds == 0
            || self.max_attempts == 0
            || self.backoff_base_seconds == 0
            || self.batch_size == 0
        {
            return Err("webhooks settings must be greater than zero".into());
        }
        if self.backoff_max_seconds < self.backoff_base_seconds {
            return Err(
                "webhooks.backoff_max_seconds must be at least backoff_base_seconds".into(),
            );
        }
        Ok(())
    }
}

/// Creates a file only its owner can read; refuses to replace an existing one.
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(content.as_bytes())
}

pub use liveness::LivenessConfig;

/// Variables named by the contract rather than by the key path, with the key they set.
const ALIASES: &[(&str, &str)] = &[("LIVENESS_GENERIC_SECRET", "LIVENESS__SECRETS__GENERIC")];

/// Variables with the `GATEHOUSE_` prefix that are not configuration keys but are still ours.
const OTHER_VARIABLES: &[&str] = &["CONFIG", "SHARED_DATA"];

/// A loaded configuration and what was odd about its sources.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    /// Human-readable warnings (unknown variables), to log once logging is up.
    pub warnings: Vec<String>,
}

/// Loads the configuration. `file` is the TOML file (`--config` or `GATEHOUSE_CONFIG`);
/// `env` is the process environment (passed in so tests need not mutate it); `overrides`
/// are command-line values as `(dotted.key, value)`.
pub fn load(
    file: Option<&Path>,
    env: &[(String, String)],
    overrides: &[(&str, String)],
) -> Result<Loaded, String> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    if let Some(path) = file {
        if !path.exists() {
            return Err(format!(
                "configuration file {} does not exist",
                path.display()
            ));
        }
        figment = figment.merge(Toml::file(path));
    }
    let mut warnings = Vec::new();
    let known = known_keys();
    for (name, value) in env {
        let Some(rest) = name.strip_prefix("GATEHOUSE_") else {
            continue;
        };
        let rest = ALIASES
            .iter()
            .find_map(|(alias, key)| {
                rest.strip_prefix(alias)
                    .filter(|tail| tail.is_empty() || *tail == "_FILE")
                    .map(|tail| format!("{key}{tail}"))
            })
            .unwrap_or_else(|| rest.to_owned());
        let rest = rest.as_str();
        if OTHER_VARIABLES.contains(&rest) || rest.starts_with("TEST_") {
            continue;
        }
        // `*_FILE` variables name a file holding the value (for secrets mounted as files).
        let (key, value) = match rest.strip_suffix("_FILE") {
            Some(base) => {
                let content = std::fs::read_to_string(value)
                    .map_err(|e| format!("{name}: cannot read {value}: {e}"))?;
                (
                    env_key(base),
                    content.trim_end_matches(['\r', '\n']).to_owned(),
                )
            }
            None => (env_key(rest), value.clone()),
        };
        let Some(default) = known.get(&key) else {
            warnings.push(format!("ignoring unknown configuration variable {name}"));
            continue;
        };
        let value = env_value(default, &value).map_err(|e| format!("{name}: {e}"))?;
        figment = figment.merge((key.replace("__", "."), value));
    }
    for (key, value) in overrides {
        figment = figment.merge((*key, value.clone()));
    }
    let config: Config = figment.extract().map_err(|e| e.to_string())?;
    config.validate()?;
    Ok(Loaded { config, warnings })
}

/// `KYC__MAX_ATTEMPTS` → `kyc__max_attempts`, the form `known_keys` lists.
fn env_key(rest: &str) -> String {
    rest.to_ascii_lowercase()
}

/// Reads an environment string as the type the key has (lists are comma-separated).
fn env_value(default: &serde_json::Value, raw: &str) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    match default {
        Value::Number(_) => raw
            .trim()
            .parse::<u64>()
            .map(Value::from)
            .map_err(|_| "must be a whole number".to_owned()),
        Value::Bool(_) => match raw.trim() {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            _ => Err("must be true or false".to_owned()),
        },
        Value::Array(items) if items.iter().any(Value::is_object) => {
            Err("can only be set in the configuration file".to_owned())
        }
        Value::Array(_) => Ok(Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        )),
        _ => Ok(Value::String(raw.to_owned())),
    }
}

/// Every leaf key of the configuration, as it appears after `GATEHOUSE_` (lower-cased, nested
/// keys joined with `__`), with its default value.
fn known_keys() -> std::collections::HashMap<String, serde_json::Value> {
    let value = serde_json::to_value(Config::default()).unwrap_or_default();
    let mut out = std::collections::HashMap::new();
    collect(&value, "", &mut out);
    out
}

fn collect(
    value: &serde_json::Value,
    prefix: &str,
    out: &mut std::collections::HashMap<String, serde_json::Value>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}__{k}")
                };
                collect(v, &key, out);
            }
        }
        leaf => {
            out.insert(prefix.to_owned(), leaf.clone());
        }
    }
}

impl Config {
    fn validate(&self) -> Result<(), String> {
        self.listen.parse::<SocketAddr>().map_err(|_| {
            format!(
                "listen: {:?} is not an address like 127.0.0.1:8080",
                self.listen
            )
        })?;
        if !(0.0..=1.0).contains(&self.sanctions.threshold) {
            return Err("sanctions.threshold must be between 0 and 1".into());
        }
        if self.kyc.max_attempts == 0 {
            return Err("kyc.max_attempts must be at least 1".into());
        }
        if self.limits.max_upload_bytes == 0 || self.limits.max_json_bytes == 0 {
            return Err("limits must be greater than zero".into());
        }
        if self.review.session_ttl_minutes == 0 {
            return Err("review.session_ttl_minutes must be at least 1".into());
        }
        if self.sessions.ttl_minutes == 0 {
            return Err("sessions.ttl_minutes must be at least 1".into());
        }
        self.documents.rules.validate()?;
        if !matches!(self.log.format.as_str(), "text" | "json") {
            return Err("log.format must be text or json".into());
        }
        self.webhooks.validate()?;
        self.liveness.validate()?;
        let f = &self.faces;
        if !(f.scale_factor > 1.0 && f.scale_factor <= 2.0) {
            return Err("faces.scale_factor must be above 1 and at most 2".into());
        }
        if f.max_side < 64 {
            return Err("faces.max_side must be at least 64".into());
        }
        Ok(())
    }

    pub fn listen_addr(&self) -> SocketAddr {
        // validate() ran at load time.
        self.listen
            .parse()
            .unwrap_or_else(|_| ([127, 0, 0, 1], 8080).into())
    }

    /// The database URL, defaulting to a SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("gatehouse.db").display())
        } else {
            self.database_url.clone()
        }
    }

    /// The storage URL, defaulting to the `files` folder in the data folder.
    pub fn storage_url(&self) -> String {
        if !self.storage_url.is_empty() {
            return self.storage_url.clone();
        }
        let folder = self.data_dir.join("files");
        let absolute = std::path::absolute(&folder).unwrap_or(folder);
        format!("file://{}", absolute.display())
    }

    /// The image checks' settings, with the upload limit as the decoder's byte limit.
    pub fn image_settings(&self) -> gatehouse_checks::imaging::ImageSettings {
        let mut settings = self.images.clone();
        settings.limits.max_bytes =
            usize::try_from(self.limits.max_upload_bytes).unwrap_or(usize::MAX);
        settings.pdf.max_bytes = settings.limits.max_bytes;
        settings
    }

    /// The identity graph's key: configured, or kept in the data folder (created once).
    pub fn identity_key(&self) -> Result<Secret, String> {
        if !self.identity_secret.0.is_empty() {
            return Ok(self.identity_secret.clone());
        }
        let path = self.data_dir.join("identity.key");
        match std::fs::read_to_string(&path) {
            Ok(key) if !key.trim().is_empty() => return Ok(Secret(key.trim().to_owned())),
            Ok(_) => return Err(format!("{} is empty", path.display())),
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("cannot read {}: {e}", path.display()))
            }
            Err(_) => {}
        }
        std::fs::create_dir_all(&self.data_dir)
            .map_err(|e| format!("cannot create {}: {e}", self.data_dir.display()))?;
        let mut bytes = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        let key = hex::encode(bytes);
        write_private(&path, &key).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(Secret(key))
    }

    pub fn s3_options(&self) -> gatehouse_store::objects::S3Options {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        gatehouse_store::objects::S3Options {
            endpoint: some(&self.s3.endpoint),
            region: some(&self.s3.region),
            access_key_id: some(&self.s3.access_key_id),
            secret_access_key: some(&self.s3.secret_access_key.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_need_no_configuration() {
        let loaded = load(None, &[], &[]).unwrap();
        assert_eq!(loaded.config.listen, "127.0.0.1:8080");
        assert!(loaded
            .config
            .database_url()
            .starts_with("sqlite://gatehouse-data/"));
        assert!(loaded.config.storage_url().starts_with("file:///"));
        assert_eq!(loaded.config.kyc.max_attempts, 5);
    }

    #[test]
    fn layers_override_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("g.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\n[kyc]\nmax_attempts = 3\nmin_age = 21\n",
        )
        .unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "s3cr3t\n").unwrap();
        let e = env(&[
            ("GATEHOUSE_KYC__MAX_ATTEMPTS", "4"),
            (
                "GATEHOUSE_S3__SECRET_ACCESS_KEY_FILE",
                secret.to_str().unwrap(),
            ),
            ("GATEHOUSE_ACCOUNTS__TERMS_VERSIONS", "2026-01, 2026-06"),
            ("GATEHOUSE_DATABASE_URL", "postgres://db/gatehouse"),
            ("GATEHOUSE_NO_SUCH_THING", "1"),
            ("HOME", "/root"),
        ]);
        let loaded = load(Some(&file), &e, &[("listen", "0.0.0.0:7000".into())]).unwrap();
        let c = loaded.config;
        assert_eq!(c.listen, "0.0.0.0:7000");
        assert_eq!(c.kyc.max_attempts, 4);
        assert_eq!(c.kyc.min_age, 21);
        assert_eq!(c.s3.secret_access_key.0, "s3cr3t");
        assert_eq!(c.accounts.terms_versions, ["2026-01", "2026-06"]);
        assert_eq!(c.database_url(), "postgres://db/gatehouse");
        assert_eq!(loaded.warnings.len(), 1);
        assert!(loaded.warnings[0].contains("GATEHOUSE_NO_SUCH_THING"));
        assert!(!format!("{:?}", c.s3).contains("s3cr3t"));
    }

    #[test]
    fn bad_values_are_clear_errors() {
        assert!(
            load(None, &env(&[("GATEHOUSE_KYC__MAX_ATTEMPTS", "many")]), &[])
                .unwrap_err()
                .contains("GATEHOUSE_KYC__MAX_ATTEMPTS")
        );
        assert!(load(None, &env(&[("GATEHOUSE_LISTEN", "nowhere")]), &[])
            .unwrap_err()
            .contains("listen"));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("g.toml");
        std::fs::write(&file, "[kyc]\nmax_atempts = 3\n").unwrap();
        assert!(load(Some(&file), &[], &[])
            .unwrap_err()
            .contains("max_atempts"));
        assert!(load(Some(&dir.path().join("missing.toml")), &[], &[]).is_err());
    }

    #[test]
    fn the_liveness_secret_has_its_documented_variable() {
        let c = load(
            None,
            &env(&[("GATEHOUSE_LIVENESS_GENERIC_SECRET", "lv")]),
            &[],
        )
        .unwrap()
        .config;
        assert_eq!(c.liveness.secret("generic"), Some("lv"));
        assert!(!format!("{:?}", c.liveness).contains("lv\""));
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("liveness");
        std::fs::write(&secret, "from-file\n").unwrap();
        let e = env(&[(
            "GATEHOUSE_LIVENESS_GENERIC_SECRET_FILE",
            secret.to_str().unwrap(),
        )]);
        let loaded = load(None, &e, &[]).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        assert_eq!(loaded.config.liveness.secret("generic"), Some("from-file"));
        // The default has no secret: the provider refuses deliveries rather than accept any.
        assert_eq!(Config::default().liveness.secret("generic"), None);
        let file = dir.path().join("g.toml");
        std::fs::write(&file, "[liveness.secrets]\nacme = \"x\"\n").unwrap();
        assert!(load(Some(&file), &[], &[])
            .unwrap_err()
            .contains("liveness.secrets.acme"));
    }
}

#[cfg(test)]
mod example_file {
    /// The documented example must stay loadable and equal to the defaults it claims to show.
    #[test]
    fn example_config_is_the_defaults() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../config/gatehouse.example.toml"
        );
        let loaded = super::load(Some(std::path::Path::new(path)), &[], &[]).unwrap();
        assert_eq!(loaded.config, super::Config::default());
    }
}
