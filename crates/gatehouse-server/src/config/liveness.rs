//! `[liveness]`: liveness providers' results and the waiting policy.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Secret;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LivenessConfig {
    /// Whether a submission needs a provider's result. Without one, a submission that passes
    /// the other checks waits (`awaiting_liveness`) until the result arrives.
    pub required: bool,
    /// How long a waiting submission waits, in seconds; then it becomes `rejected_retry`
    /// with `LIVENESS_TIMEOUT`.
    pub timeout_seconds: u64,
    /// A result older than this, in hours, is not used by a new submission (the applicant
    /// runs the liveness check again).
    pub result_max_age_hours: u64,
    /// Accepted difference between a signed delivery's timestamp and this server's clock,
    /// in seconds. Older deliveries are refused as stale; newer ones are kept to refuse
    /// replays.
    pub tolerance_seconds: u64,
    /// How often waiting submissions are checked for their timeout, in seconds.
    pub sweep_interval_seconds: u64,
    /// Webhook secret of each provider, by adapter name. A provider without a secret refuses
    /// deliveries. `GATEHOUSE_LIVENESS_GENERIC_SECRET` sets `generic`.
    pub secrets: BTreeMap<String, Secret>,
}

impl Default for LivenessConfig {
    fn default() -> Self {
        Self {
            required: false,
            timeout_seconds: 15 * 60,
            result_max_age_hours: 24,
            tolerance_seconds: gatehouse_core::signature::DEFAULT_TOLERANCE_SECS as u64,
            sweep_interval_seconds: 30,
            secrets: BTreeMap::from([("generic".to_owned(), Secret::default())]),
        }
    }
}

impl LivenessConfig {
    pub(super) fn validate(&self) -> Result<(), String> {
        if self.timeout_seconds == 0
            || self.result_max_age_hours == 0
            || self.tolerance_seconds == 0
            || self.sweep_interval_seconds == 0
        {
            return Err("liveness settings must be greater than zero".into());
        }
        for name in self.secrets.keys() {
            if gatehouse_core::liveness::adapter(name).is_none() {
                return Err(format!(
                    "liveness.secrets.{name}: no such provider (known: {})",
                    gatehouse_core::liveness::ADAPTERS
                        .iter()
                        .map(|a| a.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The provider's secret, when one is set.
    pub fn secret(&self, provider: &str) -> Option<&str> {
        self.secrets
            .get(provider)
            .map(|s| s.0.as_str())
            .filter(|s| !s.is_empty())
    }
}
