//! Records as stored.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use gatehouse_core::application::{ApplicationData, ApplicationStatus, Slot};
use gatehouse_core::decision::Decision;
use gatehouse_core::ids::{AccountId, ApiKeyId, ApplicationId, AttemptId, FileId};
use gatehouse_core::linkage::{AccountStatus, IdentifierKind};
use serde::{Deserialize, Serialize};

/// An applicant account. The password hash is kept apart, in [`Credentials`].
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: AccountId,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub terms_version: String,
    pub terms_accepted_at: DateTime<Utc>,
    pub risk_disclosure_version: Option<String>,
    pub referral_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub status: AccountStatus,
}

/// One change of an account's status: who, why, when.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    pub status: AccountStatus,
    pub reason: String,
    /// The operator key (or user) that made the change.
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// An identifier of an account, as stored: keyed hash and masked form, never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    pub kind: IdentifierKind,
    /// HMAC of the kind and normalised value under the server's identity secret.
    pub hash: String,
    pub masked: String,
}

/// Another account sharing an identifier with the one asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub account_id: AccountId,
    pub status: AccountStatus,
    pub kind: IdentifierKind,
    pub masked: String,
    /// When each side last used the identifier (IP links depend on it).
    pub mine_seen: DateTime<Utc>,
    pub theirs_seen: DateTime<Utc>,
}

/// An account with its password hash, for sign-in only.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub account: Account,
    pub password_hash: String,
}

/// What an operator key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyScope {
    /// Everything, including operator administration.
    Admin,
    /// The exchange backend's integration: reading applications and decisions.
    Integration,
}

impl KeyScope {
    pub fn as_str(&self) -> &'static str {
        match self {
            KeyScope::Admin => "admin",
            KeyScope::Integration => "integration",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(KeyScope::Admin),
            "integration" => Some(KeyScope::Integration),
            _ => None,
        }
    }
}

/// An operator API key; only the hash of the secret is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    pub scope: KeyScope,
    pub key_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// An uploaded file: the object key in storage and what was judged from its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    pub id: FileId,
    pub slot: Slot,
    pub object_key: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

/// The current file of each slot.
pub type SlotFiles = BTreeMap<Slot, FileRecord>;

/// A verification application in its current state.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub id: ApplicationId,
    pub account_id: AccountId,
    pub status: ApplicationStatus,
    pub data: ApplicationData,
    pub files: SlotFiles,
    pub attempt_count: u32,
    pub last_decision: Option<Decision>,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented by every write; writes name the version they read.
    pub version: i64,
}

/// One submission, as it was: never changed after it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub id: AttemptId,
    pub application_id: ApplicationId,
    pub number: u32,
    pub data: ApplicationData,
    pub files: SlotFiles,
    pub decision: Decision,
    pub submitted_at: DateTime<Utc>,
    /// What was read from the document photos (JSON array, one entry per photo read), for
    /// reviewers; `None` when no photo was read.
    pub readings: Option<serde_json::Value>,
}

/// A stored response to a request made with an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentResponse {
    pub request_hash: String,
    pub status_code: u16,
    pub body: String,
}

/// One import of one sanctions source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanctionsVersion {
    pub id: String,
    /// `ofac_sdn`, `ofac_cons`, `un`, `ftm:<dataset>`, ...
    pub source: String,
    /// `ofac-csv`, `un-xml` or `ftm`.
    pub format: String,
    /// Imported file names with their SHA-256, for provenance.
    pub files: Vec<String>,
    pub entity_count: u64,
    pub imported_at: DateTime<Utc>,
}

/// A background re-screening of approved applications after a list changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescreenJob {
    pub id: String,
    /// The version ids the job screens against.
    pub versions: Vec<String>,
    /// `running` or `done`.
    pub status: String,
    /// The last application screened (applications are walked newest first by id).
    pub cursor: Option<String>,
    pub screened: u64,
    pub hits: u64,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Possible sanctions hits on an approved applicant, for a reviewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SanctionsAlert {
    pub id: String,
    pub account_id: AccountId,
    pub application_id: ApplicationId,
    /// `rescreen:<job id>`.
    pub origin: String,
    pub hits: serde_json::Value,
    /// `open` until a reviewer closes it.
    pub status: String,
    pub created_at: DateTime<Utc>,
}
