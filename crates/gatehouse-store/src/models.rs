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

/// The perceptual hashes of one submitted picture (see `gatehouse_checks::imaging::phash`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageHash {
    pub file_id: FileId,
    pub application_id: ApplicationId,
    pub account_id: AccountId,
    pub slot: Slot,
    /// 16 hex digits.
    pub coarse: String,
    /// 64 hex digits.
    pub fine: String,
    /// The coarse hash's five bands, as indexed.
    pub bands: [i64; 5],
    pub recorded_at: DateTime<Utc>,
}

/// An event to put in the outbox, in the transaction of the change it describes. The payload
/// carries ids, statuses, reason codes and times: never names, document numbers or contacts.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub kind: gatehouse_core::events::EventKind,
    pub payload: serde_json::Value,
}

/// An event as stored in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub id: gatehouse_core::ids::EventId,
    pub kind: gatehouse_core::events::EventKind,
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// An endpoint of the exchange receiving events. The secret signs deliveries; it is kept so
/// the dispatcher can sign, shown once at creation, and never printed by `Debug`.
#[derive(Clone, PartialEq)]
pub struct WebhookEndpoint {
    pub id: gatehouse_core::ids::WebhookEndpointId,
    pub url: String,
    pub subscription: gatehouse_core::events::Subscription,
    pub secret: String,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookEndpoint")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("subscription", &self.subscription)
            .field("secret", &"***")
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// Claimed by a dispatcher until `next_attempt_at` (the lease); due again after it.
    Sending,
    Delivered,
    /// Every attempt failed; an operator may replay it.
    Failed,
    /// The endpoint was deleted before the event got through.
    Cancelled,
}

impl DeliveryStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Sending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
            DeliveryStatus::Cancelled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// One event on its way to one endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: gatehouse_core::ids::DeliveryId,
    pub endpoint_id: gatehouse_core::ids::WebhookEndpointId,
    pub event_id: gatehouse_core::ids::EventId,
    pub event_kind: gatehouse_core::events::EventKind,
    pub status: DeliveryStatus,
    /// Attempts since the delivery was created or last replayed.
    pub attempt_count: u32,
    /// When it is next due (while pending; while claimed, when the claim's lease ends).
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented by every change; a claim holds while the version is the one it set.
    pub version: i64,
}

/// A delivery claimed by one dispatcher, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub delivery: Delivery,
    pub event: StoredEvent,
    pub endpoint: WebhookEndpoint,
}

/// One attempt to deliver, as logged: when, how long, and the status code or error class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryAttempt {
    pub started_at: DateTime<Utc>,
    pub duration_ms: u64,
    pub status_code: Option<u16>,
    /// `timeout`, `connect`, `status` (not 2xx), `redirect` (3xx, never followed), `request`.
    pub error: Option<String>,
}

/// What happens to a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryNext {
    Delivered,
    RetryAt(DateTime<Utc>),
    Failed,
}
