//! Shared state of a running server.

use std::sync::Arc;

use gatehouse_checks::faces::Detector;
use gatehouse_checks::pipeline::Pipeline;
use gatehouse_checks::CheckSettings;
use gatehouse_store::{Db, FileStore};

use crate::config::Config;
use crate::metrics::Metrics;
use crate::region::RegionGuard;
use crate::sanctions::Screening;
use crate::service::linkage::IdentityHasher;
use crate::throttle::LoginThrottle;
use crate::webhooks::Dispatcher;

/// Cheap to clone; everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    db: Db,
    files: FileStore,
    pipeline: Pipeline,
    check_settings: CheckSettings,
    faces: Option<Arc<Detector>>,
    metrics: Metrics,
    throttle: LoginThrottle,
    precheck: crate::service::precheck::PrecheckLimiter,
    region: RegionGuard,
    identity: IdentityHasher,
    screening: Screening,
    webhooks: Dispatcher,
}

impl AppState {
    /// Fails when the region set-up is unusable (bad CIDRs, an unreadable GeoIP database) or
    /// the face model cannot be loaded.
    pub fn new(config: Config, db: Db, files: FileStore) -> Result<Self, String> {
        let region = RegionGuard::from_config(&config)?;
        let config_threshold = config.sanctions.threshold;
        let shared = crate::client_ip::parse_cidrs(&config.shared_networks)
            .map_err(|e| format!("shared_networks: {e}"))?;
        let identity = IdentityHasher::new(
            config.identity_key()?,
            config.ip_link_window_minutes,
            shared,
        );
        let check_settings = CheckSettings {
            min_age: config.kyc.min_age,
            document_policy: config.documents.rules.clone(),
            region_policy: region.policy.clone(),
            images: config.image_settings(),
            faces: config.faces.clone(),
        };
        let faces = Detector::load(&config.faces)
            .map_err(|e| format!("faces.model: {e}"))?
            .map(Arc::new);
        let precheck =
            crate::service::precheck::PrecheckLimiter::new(config.precheck.per_account_per_minute);
        let throttle = LoginThrottle::new(
            config.accounts.login_max_failures,
            std::time::Duration::from_secs(config.accounts.login_lockout_seconds),
        );
        let webhooks = Dispatcher::new(&config.webhooks)?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                db,
                files,
                pipeline: Pipeline::standard(),
                check_settings,
                faces,
                metrics: Metrics::default(),
                throttle,
                precheck,
                region,
                identity,
                screening: Screening::empty(config_threshold),
                webhooks,
            }),
        })
    }

    /// The sanctions index (empty until the first refresh, which `serve` does before it
    /// accepts requests).
    pub fn screening(&self) -> &Screening {
        &self.inner.screening
    }

    pub fn identity(&self) -> &IdentityHasher {
        &self.inner.identity
    }

    pub fn region(&self) -> &RegionGuard {
        &self.inner.region
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn files(&self) -> &FileStore {
        &self.inner.files
    }

    pub fn pipeline(&self) -> &Pipeline {
        &self.inner.pipeline
    }

    pub fn check_settings(&self) -> &CheckSettings {
        &self.inner.check_settings
    }

    /// The face detector; `None` when `faces.model` is empty (face checks off).
    pub fn face_detector(&self) -> Option<Arc<Detector>> {
        self.inner.faces.clone()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub fn throttle(&self) -> &LoginThrottle {
        &self.inner.throttle
    }

    pub fn precheck_limiter(&self) -> &crate::service::precheck::PrecheckLimiter {
        &self.inner.precheck
    }
}

impl AppState {
    /// The webhook dispatcher (its loop runs in `serve`).
    pub fn webhooks(&self) -> &Dispatcher {
        &self.inner.webhooks
    }
}
