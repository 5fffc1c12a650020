//! Shared state of a running server.

use std::sync::Arc;

use gatehouse_checks::pipeline::Pipeline;
use gatehouse_checks::CheckSettings;
use gatehouse_store::{Db, FileStore};

use crate::config::Config;
use crate::metrics::Metrics;
use crate::throttle::LoginThrottle;

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
    metrics: Metrics,
    throttle: LoginThrottle,
}

impl AppState {
    pub fn new(config: Config, db: Db, files: FileStore) -> Self {
        let check_settings = CheckSettings {
            min_age: config.kyc.min_age,
            document_policy: config.documents.rules.clone(),
        };
        let throttle = LoginThrottle::new(
            config.accounts.login_max_failures,
            std::time::Duration::from_secs(config.accounts.login_lockout_seconds),
        );
        Self {
            inner: Arc::new(Inner {
                config,
                db,
                files,
                pipeline: Pipeline::standard(),
                check_settings,
                metrics: Metrics::default(),
                throttle,
            }),
        }
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

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub fn throttle(&self) -> &LoginThrottle {
        &self.inner.throttle
    }
}
