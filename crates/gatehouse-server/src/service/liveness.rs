//! Liveness providers' results: signed deliveries and operator submissions in, decisions of
//! waiting attempts out.
//!
//! A result may come before or after the applicant submits. One that came first is used by
//! the submission (see [`for_submission`]); a submission that needs one and has none waits
//! as `awaiting_liveness`, and is decided here when the result arrives or by the sweeper when
//! the configured time has passed.

use chrono::{DateTime, Duration, Utc};
use gatehouse_checks::liveness::{findings, timed_out};
use gatehouse_core::application::ApplicationStatus;
use gatehouse_core::decision::{decide, hold_for_liveness, Decision, Outcome};
use gatehouse_core::liveness::Adapter as _;
use gatehouse_core::liveness::{adapter, Generic, LivenessResult};
use gatehouse_core::signature::{self, SignatureError};
use gatehouse_store::models::{Application, LivenessRecord, LivenessRecorded};
use gatehouse_store::repo::{ApplicationRepo, CompletedAttempt, LivenessRepo};
use gatehouse_store::StoreError;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::now;
use crate::error::ApiError;
use crate::state::AppState;

/// Waiting applications looked at per sweep.
const SWEEP_BATCH: u32 = 100;

/// What receiving a result did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Received {
    /// Always true: the result is stored (or was already).
    pub received: bool,
    /// The same session was delivered before; nothing changed.
    pub duplicate: bool,
    /// The application's status after the result was taken into account.
    pub application_status: String,
}

/// A signed delivery to `POST /v1/integrations/liveness/{provider}/webhook`.
pub async fn receive_webhook(
    state: &AppState,
    provider: &str,
    header: Option<&str>,
    body: &[u8],
) -> Result<Received, ApiError> {
    let adapter = adapter(provider).ok_or(ApiError::NotFound)?;
    let config = &state.config().liveness;
    let secret = config
        .secret(provider)
        .ok_or(ApiError::LivenessProviderNotConfigured)?;
    let now = now();
    let tolerance = config.tolerance_seconds as i64;
    let signed = signature::verify(secret.as_bytes(), header, body, now.timestamp(), tolerance)
        .map_err(|e| match e {
            SignatureError::Missing => ApiError::SignatureMissing,
            SignatureError::Stale => ApiError::SignatureExpired,
            SignatureError::Malformed | SignatureError::Mismatch => ApiError::SignatureInvalid,
        })?;
    let payload: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
    let result = adapter.normalise(&payload).map_err(ApiError::Validation)?;
    // A replay carries the same signed timestamp and body, however its header is dressed up.
    let mut digest = Sha256::new();
    digest.update(signed.timestamp.to_string().as_bytes());
    digest.update(b".");
    digest.update(body);
    let digest = hex::encode(digest.finalize());
    // Deliveries older than the tolerance are refused as stale, so they need not be kept.
    let forget_before = now - Duration::seconds(2 * tolerance);
    record(
        state,
        provider,
        result,
        "webhook",
        Some((&digest, forget_before)),
        now,
    )
    .await
}

/// The normalised result sent with an operator key to
/// `POST /v1/integrations/liveness/{provider}/results`.
pub async fn receive_from_operator(
    state: &AppState,
    provider: &str,
    payload: &Value,
) -> Result<Received, ApiError> {
    if adapter(provider).is_none() {
        return Err(ApiError::NotFound);
    }
    let result = Generic.normalise(payload).map_err(ApiError::Validation)?;
    record(state, provider, result, "api", None, now()).await
}

async fn record(
    state: &AppState,
    provider: &str,
    result: LivenessResult,
    source: &'static str,
    delivery: Option<(&str, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> Result<Received, ApiError> {
    let application = state
        .db()
        .application(result.application_id)
        .await?
        .ok_or(ApiError::LivenessUnknownApplication)?;
    let rec = LivenessRecord {
        id: uuid::Uuid::now_v7().to_string(),
        provider: provider.to_owned(),
        result: result.clone(),
        source,
        received_at: now,
    };
    let (digest, forget_before) = match delivery {
        Some((d, f)) => (Some(d), f),
        None => (None, now),
    };
    let recorded = match state
        .db()
        .record_liveness(&rec, digest, forget_before)
        .await
    {
        Ok(r) => r,
        Err(StoreError::Conflict("replayed")) => return Err(ApiError::DeliveryReplayed),
        Err(StoreError::Conflict("session_conflict")) => {
            return Err(ApiError::LivenessSessionConflict)
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(
        application_id = %application.id,
        provider,
        source,
        passed = result.passed,
        duplicate = recorded == LivenessRecorded::Duplicate,
        "liveness result received"
    );
    let mut status = application.status;
    // Also for a duplicate: if an earlier delivery was stored but the process stopped before
    // deciding, the provider's retry finishes the job.
    if status == ApplicationStatus::AwaitingLiveness {
        if let Some(after) = decide_waiting(state, application, Waited::Result(&result)).await? {
            status = after.status;
        }
    }
    Ok(Received {
        received: true,
        duplicate: recorded == LivenessRecorded::Duplicate,
        application_status: status.as_str().to_owned(),
    })
}

/// The result a submission made at `now` uses: the latest one still fresh enough.
pub async fn for_submission(
    state: &AppState,
    application: &Application,
    now: DateTime<Utc>,
) -> Result<Option<LivenessResult>, ApiError> {
    let max_age = Duration::hours(state.config().liveness.result_max_age_hours as i64);
    Ok(state
        .db()
        .latest_liveness(application.id, now - max_age)
        .await?
        .map(|r| r.result))
}

/// Holds the decision when the policy requires a result and none was found.
pub fn hold_if_required(
    state: &AppState,
    decision: Decision,
    has_result: bool,
    now: DateTime<Utc>,
) -> Decision {
    let config = &state.config().liveness;
    if !config.required || has_result {
        return decision;
    }
    hold_for_liveness(
        decision,
        now + Duration::seconds(config.timeout_seconds as i64),
    )
}

/// Why a waiting attempt is decided now.
pub enum Waited<'a> {
    Result(&'a LivenessResult),
    TimedOut { seconds: u64 },
}

/// Decides the waiting attempt of `application` with the checks' findings and what the
/// wait brought. `None` when another process decided it first.
pub async fn decide_waiting(
    state: &AppState,
    application: Application,
    waited: Waited<'_>,
) -> Result<Option<Application>, ApiError> {
    let attempts = state.db().attempts(application.id).await?;
    let Some(attempt) = attempts.last() else {
        return Ok(None);
    };
    if attempt.decision.outcome != Outcome::AwaitingLiveness {
        return Ok(None);
    }
    let mut all = attempt.decision.findings.clone();
    let actor = match waited {
        Waited::Result(result) => {
            all.extend(findings(result));
            "liveness"
        }
        Waited::TimedOut { seconds } => {
            all.push(timed_out(seconds));
            "system"
        }
    };
    let decision = decide(all, attempt.number, state.config().kyc.max_attempts);
    let decided_at = now();
    let after = Application {
        status: decision.outcome.status(),
        last_decision: Some(decision.clone()),
        updated_at: decided_at,
        version: application.version + 1,
        ..application.clone()
    };
    let event = crate::webhooks::events::decided(&after, attempt.id, &decision, decided_at);
    let review = super::review::decision_batch(
        &state.config().review,
        actor,
        ApplicationStatus::AwaitingLiveness,
        &after,
        &decision,
        decided_at,
    );
    let done = state
        .db()
        .complete_attempt(CompletedAttempt {
            application_id: application.id,
            attempt_id: attempt.id,
            expected_version: application.version,
            decision: &decision,
            decided_at,
            events: vec![event],
            review: Some(&review),
        })
        .await;
    let stored = match done {
        Ok(a) => a,
        Err(StoreError::Conflict(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    state.webhooks().wake();
    super::applications::observe(state, &stored, &decision);
    Ok(Some(stored))
}

/// Decides every attempt that has waited longer than the timeout: with a result that
/// arrived meanwhile (a delivery racing the submission), or as timed out.
pub async fn sweep(state: &AppState, now: DateTime<Utc>) -> Result<u32, ApiError> {
    let timeout = state.config().liveness.timeout_seconds;
    let cutoff = now - Duration::seconds(timeout as i64);
    let due = state.db().awaiting_liveness(cutoff, SWEEP_BATCH).await?;
    let mut decided = 0;
    for application in due {
        let result = match application.last_submitted_at {
            Some(at) => state.db().latest_liveness(application.id, at).await?,
            None => None,
        };
        let waited = match &result {
            Some(r) => Waited::Result(&r.result),
            None => Waited::TimedOut { seconds: timeout },
        };
        if decide_waiting(state, application, waited).await?.is_some() {
            decided += 1;
        }
    }
    Ok(decided)
}

/// Runs [`sweep`] every `sweep_interval_seconds`.
pub async fn run_sweeper(state: AppState) {
    let every = std::time::Duration::from_secs(state.config().liveness.sweep_interval_seconds);
    loop {
        tokio::time::sleep(every).await;
        match sweep(&state, now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(applications = n, "waiting liveness attempts decided"),
            Err(e) => tracing::warn!(error = %e, "liveness sweep failed"),
        }
    }
}
