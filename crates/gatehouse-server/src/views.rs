//! Response bodies and the request schemas documented in OpenAPI.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use gatehouse_core::decision::Decision;
use gatehouse_core::i18n::{reason_text, Lang};
use gatehouse_core::reasons::{Finding, Nature};
use gatehouse_store::models::{Account, Application, Attempt, FileRecord, SlotFiles};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The applicant's personal data. In requests every field is optional while the application
/// is a draft; what is missing at submission is reported as `REQUIRED_FIELD_MISSING`.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct PersonBody {
    pub given_names: Option<String>,
    pub surname: Option<String>,
    /// The name in its native script, e.g. 张三丰.
    pub native_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// ISO 3166-1 alpha-2 (alpha-3 accepted and normalised).
    pub nationality: Option<String>,
    pub residence_country: Option<String>,
    /// `M`, `F` or `X`.
    pub sex: Option<String>,
}

/// The identity document.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct DocumentBody {
    /// `id_card`, `passport`, `driving_licence` or `residence_permit`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub issuing_country: Option<String>,
    pub number: Option<String>,
    /// `YYYY-MM-DD`, or `null` for a document that never expires.
    pub expiry_date: Option<String>,
    /// The machine-readable zone as the app read it (camera or chip), lines separated by `\n`.
    pub mrz: Option<String>,
}

/// Body of `POST /v1/kyc/applications`, and (as a JSON merge patch) of `PATCH`.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ApplicationBody {
    /// Verification level applied for, 1 to 3 (default 1).
    pub level: Option<u8>,
    pub person: Option<PersonBody>,
    pub document: Option<DocumentBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub terms_version: String,
    pub terms_accepted_at: DateTime<Utc>,
    pub risk_disclosure_version: Option<String>,
    pub referral_code: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        Self {
            id: a.id.to_string(),
            email: a.email,
            phone: a.phone,
            terms_version: a.terms_version,
            terms_accepted_at: a.terms_accepted_at,
            risk_disclosure_version: a.risk_disclosure_version,
            referral_code: a.referral_code,
            created_at: a.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// An uploaded file (its bytes are not part of the view).
#[derive(Debug, Serialize, ToSchema)]
pub struct FileView {
    pub id: String,
    pub slot: String,
    /// Judged from the file's bytes.
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<&FileRecord> for FileView {
    fn from(f: &FileRecord) -> Self {
        Self {
            id: f.id.to_string(),
            slot: f.slot.as_str().to_owned(),
            content_type: f.content_type.clone(),
            size: f.size,
            sha256: f.sha256.clone(),
            uploaded_at: f.uploaded_at,
        }
    }
}

fn files_view(files: &SlotFiles) -> BTreeMap<String, FileView> {
    files
        .iter()
        .map(|(slot, f)| (slot.as_str().to_owned(), FileView::from(f)))
        .collect()
}

/// One reason for a decision, in the applicant's language.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonView {
    /// Stable reason code, e.g. `DOCUMENT_EXPIRED`.
    pub code: String,
    /// Whether the applicant can fix this and submit again.
    pub retry: bool,
    pub message: String,
    /// What to do about it.
    pub fix: String,
    /// The field or file slot concerned, e.g. `document.expiry_date` or `files.selfie`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub evidence: Option<Value>,
}

impl ReasonView {
    pub fn new(finding: &Finding, lang: Lang) -> Self {
        let text = reason_text(lang, &finding.code, finding.evidence.as_ref());
        Self {
            code: finding.code.clone(),
            retry: finding.nature == Nature::Retry,
            message: text.as_ref().map(|t| t.message.clone()).unwrap_or_default(),
            fix: text.map(|t| t.fix).unwrap_or_default(),
            field: finding.field.clone(),
            // A reason for review (a linked account, a sanctions hit) is the reviewers' to
            // see in detail; the applicant gets only its neutral text.
            evidence: (finding.nature != Nature::Manual)
                .then(|| finding.evidence.clone())
                .flatten(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    /// `approved`, `rejected_retry`, `rejected_final`, `manual_review` or
    /// `awaiting_liveness`.
    pub outcome: String,
    pub reasons: Vec<ReasonView>,
    /// Number of the attempt this decision is about (1-based).
    pub attempt: u32,
    pub attempts_left: u32,
}

impl DecisionView {
    pub fn new(d: &Decision, lang: Lang) -> Self {
        Self {
            outcome: d.outcome.as_str().to_owned(),
            reasons: d.reasons.iter().map(|f| ReasonView::new(f, lang)).collect(),
            attempt: d.attempt,
            attempts_left: d.attempts_left,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    pub id: String,
    /// `draft`, `approved`, `rejected_retry`, `rejected_final`, `manual_review`,
    /// `info_requested` or `awaiting_liveness` (decided when the liveness result arrives; the
    /// decision's `LIVENESS_PENDING` reason gives the deadline).
    pub status: String,
    /// Verification level applied for.
    pub level: u8,
    #[schema(value_type = PersonBody)]
    pub person: Value,
    #[schema(value_type = DocumentBody)]
    pub document: Value,
    /// The current file of each slot.
    pub files: BTreeMap<String, FileView>,
    /// The decision on the latest attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionView>,
    pub attempt_count: u32,
    /// Submissions still possible.
    pub attempts_left: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// A reviewer's note to the applicant and, while `info_requested`, what is wanted
    /// (`info_request: {documents, message}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub review: Option<gatehouse_store::models::ReviewNotice>,
}

impl ApplicationView {
    pub fn new(a: &Application, max_attempts: u32, lang: Lang) -> Self {
        let data = a.data.to_json();
        Self {
            id: a.id.to_string(),
            status: a.status.as_str().to_owned(),
            level: a.data.level,
            person: data["person"].clone(),
            document: data["document"].clone(),
            files: files_view(&a.files),
            decision: a.last_decision.as_ref().map(|d| DecisionView::new(d, lang)),
            attempt_count: a.attempt_count,
            attempts_left: if a.status.is_editable() {
                max_attempts.saturating_sub(a.attempt_count)
            } else {
                0
            },
            created_at: a.created_at,
            updated_at: a.updated_at,
            submitted_at: a.last_submitted_at,
            review: a.review.clone(),
        }
    }
}

/// One submitted attempt, exactly as it was submitted and decided.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    pub id: String,
    pub number: u32,
    pub submitted_at: DateTime<Utc>,
    #[schema(value_type = PersonBody)]
    pub person: Value,
    #[schema(value_type = DocumentBody)]
    pub document: Value,
    pub files: BTreeMap<String, FileView>,
    pub decision: DecisionView,
    /// What Gatehouse read from the document photos (MRZ lines or ID number, the text before
    /// correction, corrections, confidence). Operators only: never shown to applicants.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub readings: Option<Value>,
}

impl AttemptView {
    /// The operators' view: the applicant's, plus what was read from the photos.
    pub fn for_operator(a: &Attempt, lang: Lang) -> Self {
        Self {
            readings: a.readings.clone(),
            ..Self::new(a, lang)
        }
    }

    pub fn new(a: &Attempt, lang: Lang) -> Self {
        let data = a.data.to_json();
        Self {
            id: a.id.to_string(),
            number: a.number,
            submitted_at: a.submitted_at,
            person: data["person"].clone(),
            document: data["document"].clone(),
            files: files_view(&a.files),
            decision: DecisionView::new(&a.decision, lang),
            readings: None,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptList {
    pub attempts: Vec<AttemptView>,
}

/// An application as operators see it: every finding, including those not shown to the
/// applicant, and the full attempt history.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminApplicationView {
    pub account_id: String,
    #[serde(flatten)]
    pub application: ApplicationView,
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<Value>,
    pub attempts: Vec<AttemptView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminApplicationList {
    pub applications: Vec<AdminApplicationSummary>,
    /// Pass as `before` to get the next page; absent on the last page.
    pub next_before: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminApplicationSummary {
    pub id: String,
    pub account_id: String,
    pub status: String,
    pub attempt_count: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl From<&Application> for AdminApplicationSummary {
    fn from(a: &Application) -> Self {
        Self {
            id: a.id.to_string(),
            account_id: a.account_id.to_string(),
            status: a.status.as_str().to_owned(),
            attempt_count: a.attempt_count,
            created_at: a.created_at,
            updated_at: a.updated_at,
            submitted_at: a.last_submitted_at,
        }
    }
}
