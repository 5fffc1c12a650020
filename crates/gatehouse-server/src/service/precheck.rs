//! Pre-checks: the image checks on a picture the applicant is about to upload, so the app can
//! ask for a retake before a bad photo becomes a rejection. Nothing is stored.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gatehouse_checks::faces::{self, Expect};
use gatehouse_checks::imaging::{self, Format, Kind};
use gatehouse_core::application::Slot;
use gatehouse_core::i18n::Lang;
use gatehouse_core::ids::AccountId;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::service::images;
use crate::state::AppState;
use crate::views::ReasonView;

/// The answer to a pre-check.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrecheckView {
    /// `document`, `selfie` or `proof_of_address`.
    pub kind: String,
    /// No reason was found: the picture can be uploaded as it is.
    pub ok: bool,
    /// `jpeg`, `png`, `webp`, `heic` or `pdf`.
    pub format: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// The measurements behind the reasons (exposure, sharpness, document position, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub metrics: Option<Value>,
    pub reasons: Vec<ReasonView>,
}

/// What a pre-check accepts: what the slot the picture is meant for accepts.
fn accepted(kind: Kind) -> &'static [&'static str] {
    crate::service::files::accepted_types(match kind {
        Kind::Document => Slot::DocumentFront,
        Kind::Selfie => Slot::Selfie,
        Kind::ProofOfAddress => Slot::ProofOfAddress,
    })
}

pub async fn precheck(
    state: &AppState,
    account_id: AccountId,
    kind: Option<&str>,
    bytes: Vec<u8>,
    lang: Lang,
) -> Result<PrecheckView, ApiError> {
    let kind = kind
        .and_then(Kind::parse)
        .ok_or(ApiError::InvalidPrecheckKind)?;
    if let Some(retry_after_seconds) = state.precheck_limiter().take(account_id) {
        return Err(ApiError::PrecheckRateLimited {
            retry_after_seconds,
        });
    }
    if bytes.is_empty() {
        return Err(ApiError::EmptyFile);
    }
    let format = imaging::sniff(&bytes)
        .filter(|f| accepted(kind).contains(&f.mime()))
        .ok_or(ApiError::UnsupportedFileType {
            accepted: accepted(kind),
        })?;
    let kind_name = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    if format == Format::Pdf {
        // A PDF statement: its first page's text is read and judged (no name is known yet).
        let settings = state.check_settings().images.clone();
        let today = crate::service::now().date_naive();
        let (reading, findings) = tokio::task::spawn_blocking(move || {
            gatehouse_checks::proof_of_address::judge(&bytes, None, today, &settings)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("PDF reading task: {e}")))?;
        let reasons: Vec<ReasonView> = findings.iter().map(|f| ReasonView::new(f, lang)).collect();
        return Ok(PrecheckView {
            kind: kind_name,
            ok: reasons.is_empty(),
            format: format.name().into(),
            width: None,
            height: None,
            metrics: reading.and_then(|r| serde_json::to_value(r).ok()),
            reasons,
        });
    }
    let settings = state.check_settings().images.clone();
    // Whether a document photo is a front (with the portrait) is not known here.
    let expect = if kind == Kind::Selfie {
        Expect::Selfie
    } else {
        Expect::Nothing
    };
    let detector = state.face_detector().filter(|_| expect != Expect::Nothing);
    let mut report = images::analyse(bytes, kind, settings.clone(), detector).await?;
    if let Ok(analysis) = &report.analysis {
        report.duplicates =
            images::elsewhere(state, account_id, &analysis.metrics.hashes, &settings).await?;
    }
    let mut findings = imaging::findings(&report, &settings);
    findings.extend(faces::findings(
        &report,
        expect,
        &state.check_settings().faces,
    ));
    let reasons: Vec<ReasonView> = findings.iter().map(|f| ReasonView::new(f, lang)).collect();
    let (width, height, metrics) = match &report.analysis {
        Ok(a) => {
            let mut metrics = serde_json::to_value(&a.metrics).unwrap_or(Value::Null);
            if let Some(m) = metrics.as_object_mut() {
                m.remove("hashes");
            }
            (Some(a.width), Some(a.height), Some(metrics))
        }
        Err(_) => (None, None, None),
    };
    Ok(PrecheckView {
        kind: kind_name,
        ok: reasons.is_empty(),
        format: format.name().into(),
        width,
        height,
        metrics,
        reasons,
    })
}

/// At most `per_minute` pre-checks per account in any minute (kept in memory, per process).
pub struct PrecheckLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<AccountId, (Instant, u32)>>,
}

impl PrecheckLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one pre-check; `Some(seconds to wait)` when the account is over its limit.
    pub fn take(&self, account: AccountId) -> Option<u64> {
        const WINDOW: Duration = Duration::from_secs(60);
        let mut map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| start.elapsed() < WINDOW);
        }
        let entry = map.entry(account).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= WINDOW {
            *entry = (Instant::now(), 0);
        }
        if entry.1 >= self.per_minute {
            return Some((WINDOW - entry.0.elapsed()).as_secs().max(1));
        }
        entry.1 += 1;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_counts_per_account() {
        let limiter = PrecheckLimiter::new(2);
        let (a, b) = (AccountId::new(), AccountId::new());
        assert_eq!(limiter.take(a), None);
        assert_eq!(limiter.take(a), None);
        assert!(limiter.take(a).is_some_and(|s| (1..=60).contains(&s)));
        assert_eq!(limiter.take(b), None);
    }
}
