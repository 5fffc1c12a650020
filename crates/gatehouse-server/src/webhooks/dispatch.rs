//! The dispatcher: fans the outbox's events out into deliveries, claims due deliveries under a
//! lease (so two server processes never send the same attempt at once), POSTs them signed,
//! logs every attempt and schedules retries with jittered exponential backoff.
//!
//! [`Dispatcher::step`] is one round at a given time, so tests drive it without waiting on the
//! clock; [`Dispatcher::run`] is the background loop `serve` starts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use gatehouse_core::signature;
use gatehouse_store::models::{ClaimedDelivery, DeliveryAttempt, DeliveryNext};
use gatehouse_store::repo::WebhookRepo;
use gatehouse_store::{Db, StoreError};
use rand::Rng;
use tokio::sync::Notify;

use crate::config::WebhooksConfig;

/// Header naming the event, for receivers to drop a delivery they already processed.
pub const EVENT_ID_HEADER: &str = "X-Gatehouse-Event-Id";
/// Header naming the event's kind, e.g. `application.decided`.
pub const EVENT_HEADER: &str = "X-Gatehouse-Event";
/// Header naming the delivery, as listed in the delivery log.
pub const DELIVERY_HEADER: &str = "X-Gatehouse-Delivery";

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepReport {
    /// Events turned into deliveries.
    pub fanned_out: u32,
    /// Deliveries sent (whatever came of it).
    pub attempted: usize,
    pub delivered: usize,
    /// Failed and scheduled again.
    pub retrying: usize,
    /// Failed for the last allowed time.
    pub failed: usize,
}

/// Sends webhook deliveries. Cheap to share; one per server process.
pub struct Dispatcher {
    client: reqwest::Client,
    settings: WebhooksConfig,
    wake: Notify,
    /// Attempts made by this process: delivered, to be retried, failed for good.
    counts: [AtomicU64; 3],
}

impl Dispatcher {
    pub fn new(settings: &WebhooksConfig) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            // A redirect could point a signed event anywhere: it counts as a failure.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(settings.request_timeout_seconds))
            .user_agent(concat!("Gatehouse-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("webhook HTTP client: {e}"))?;
        Ok(Self {
            client,
            settings: settings.clone(),
            wake: Notify::new(),
            counts: Default::default(),
        })
    }

    /// This process's attempts by result, in the Prometheus text format.
    pub fn render_metrics(&self) -> String {
        let mut out = String::from(
            "# HELP gatehouse_webhook_attempts_total Webhook delivery attempts sent by this \
             process, by result.\n# TYPE gatehouse_webhook_attempts_total counter\n",
        );
        for (result, n) in ["delivered", "retrying", "failed"].iter().zip(&self.counts) {
            out.push_str(&format!(
                "gatehouse_webhook_attempts_total{{result=\"{result}\"}} {}\n",
                n.load(Ordering::Relaxed)
            ));
        }
        out
    }

    /// Asks the loop for a round now (after this process wrote events).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// How long a claim lasts: longer than any request may take, so a live dispatcher always
    /// records its attempt before another may claim the delivery again.
    fn lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(
            i64::try_from(self.settings.request_timeout_seconds).unwrap_or(i64::MAX / 2) + 60,
        )
    }

    /// One round at `now`: fan out new events, then send every delivery due at `now` (up to
    /// `batch_size`), concurrently.
    pub async fn step(&self, db: &Db, now: DateTime<Utc>) -> Result<StepReport, StoreError> {
        let batch = self.settings.batch_size;
        let mut report = StepReport {
            fanned_out: db.fan_out_events(batch, now).await?,
            ..StepReport::default()
        };
        let claimed = db.claim_deliveries(now, now + self.lease(), batch).await?;
        let results =
            futures::future::join_all(claimed.iter().map(|c| self.deliver(db, c, now))).await;
        for result in results {
            report.attempted += 1;
            match result? {
                DeliveryNext::Delivered => report.delivered += 1,
                DeliveryNext::RetryAt(_) => report.retrying += 1,
                DeliveryNext::Failed => report.failed += 1,
            }
        }
        Ok(report)
    }

    /// Rounds until stopped: after each poll interval, or at once when woken, and again
    /// without pause while a round found a full batch.
    pub async fn run(&self, db: &Db) {
        let every = Duration::from_millis(self.settings.poll_interval_ms);
        let batch = self.settings.batch_size;
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = self.wake.notified() => {}
            }
            loop {
                match self.step(db, crate::service::now()).await {
                    Ok(r) if r.fanned_out >= batch || r.attempted >= batch as usize => {
                        tokio::task::yield_now().await
                    }
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "webhook dispatch round failed");
                        break;
                    }
                }
            }
        }
    }

    async fn deliver(
        &self,
        db: &Db,
        c: &ClaimedDelivery,
        now: DateTime<Utc>,
    ) -> Result<DeliveryNext, StoreError> {
        let attempt = self.send(c).await;
        let attempts = c.delivery.attempt_count + 1;
        let next = if attempt.error.is_none() {
            DeliveryNext::Delivered
        } else if attempts >= self.settings.max_attempts {
            DeliveryNext::Failed
        } else {
            let wait = backoff(
                attempts,
                Duration::from_secs(self.settings.backoff_base_seconds),
                Duration::from_secs(self.settings.backoff_max_seconds),
                rand::thread_rng().gen(),
            );
            DeliveryNext::RetryAt(now + chrono::Duration::from_std(wait).unwrap_or_default())
        };
        let held = db
            .record_delivery_attempt(&c.delivery, &attempt, next)
            .await?;
        let counter = match next {
            DeliveryNext::Delivered => 0,
            DeliveryNext::RetryAt(_) => 1,
            DeliveryNext::Failed => 2,
        };
        self.counts[counter].fetch_add(1, Ordering::Relaxed);
        // Ids and outcome only: the URL may carry a token and the body is the receiver's.
        tracing::info!(
            delivery_id = %c.delivery.id,
            event_id = %c.event.id,
            endpoint_id = %c.endpoint.id,
            event = c.event.kind.as_str(),
            attempt = attempts,
            status_code = attempt.status_code,
            error = attempt.error.as_deref(),
            duration_ms = attempt.duration_ms,
            outcome = ?next,
            claim_held = held,
            "webhook delivery attempt"
        );
        Ok(next)
    }

    /// One signed POST; never fails, the outcome is in the returned attempt.
    async fn send(&self, c: &ClaimedDelivery) -> DeliveryAttempt {
        let body = envelope(c);
        let signed_at = crate::service::now();
        let signature = signature::sign(c.endpoint.secret.as_bytes(), signed_at.timestamp(), &body);
        let clock = Instant::now();
        let result = self
            .client
            .post(&c.endpoint.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(signature::HEADER, signature)
            .header(EVENT_ID_HEADER, c.event.id.to_string())
            .header(EVENT_HEADER, c.event.kind.as_str())
            .header(DELIVERY_HEADER, c.delivery.id.to_string())
            .body(body)
            .send()
            .await;
        let (status_code, error) = match result {
            Ok(response) => {
                let status = response.status();
                let error = if status.is_success() {
                    None
                } else if status.is_redirection() {
                    Some("redirect")
                } else {
                    Some("status")
                };
                (Some(status.as_u16()), error)
            }
            Err(e) => (None, Some(error_class(&e))),
        };
        DeliveryAttempt {
            started_at: signed_at,
            duration_ms: u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX),
            status_code,
            error: error.map(str::to_owned),
        }
    }
}

/// The body sent: the event's id, kind, time and payload. Receivers verify the signature over
/// these exact bytes.
fn envelope(c: &ClaimedDelivery) -> Vec<u8> {
    let value = serde_json::json!({
        "id": c.event.id,
        "type": c.event.kind.as_str(),
        "created_at": c.event.created_at,
        "data": c.event.payload,
    });
    serde_json::to_vec(&value).unwrap_or_default()
}

/// The error class logged for a request that got no response.
fn error_class(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_redirect() {
        "redirect"
    } else {
        "request"
    }
}

/// The wait after the `failures`-th failed attempt: `base` doubled per earlier failure, at
/// most `max`, then drawn between half of it and all of it by `random` so that receivers
/// coming back from an outage are not hit by every retry at once.
pub fn backoff(failures: u32, base: Duration, max: Duration, random: u64) -> Duration {
    let doublings = failures.saturating_sub(1).min(32);
    let full = base.saturating_mul(1u32 << doublings.min(31)).min(max);
    let full_ms = u64::try_from(full.as_millis()).unwrap_or(u64::MAX);
    let half = full_ms / 2;
    Duration::from_millis(half + random % (full_ms - half + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum_with_jitter() {
        let base = Duration::from_secs(10);
        let max = Duration::from_secs(100);
        let bounds = |n| (backoff(n, base, max, 0), backoff(n, base, max, u64::MAX));
        assert_eq!(bounds(1).0, Duration::from_secs(5));
        assert!(bounds(1).1 <= base);
        assert_eq!(bounds(2).0, Duration::from_secs(10));
        assert_eq!(bounds(3).0, Duration::from_secs(20));
        assert_eq!(bounds(20).0, Duration::from_secs(50));
        assert!(bounds(20).1 <= max);
        assert_eq!(backoff(3, base, max, 20_000), Duration::from_secs(40));
        // Huge attempt numbers neither overflow nor exceed the maximum.
        assert!(backoff(u32::MAX, base, max, 7) <= max);
    }
}
