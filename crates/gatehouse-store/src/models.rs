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
    /// What a reviewer told the applicant (a note, a request for information), if anything.
    pub review: Option<ReviewNotice>,
}

/// What the applicant sees of a reviewer's work: the note and, while `info_requested`, what
/// is wanted. Internal notes never go here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewNotice {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_to_applicant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info_request: Option<InfoRequest>,
    pub at: DateTime<Utc>,
}

/// Which supporting documents a reviewer wants, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoRequest {
    /// Supporting-file kinds (`household_register`, `utility_bill`, ...).
    pub documents: Vec<String>,
    pub message: String,
}

/// One submission, as it was: never changed after it is written, except that an attempt
/// `awaiting_liveness` receives its decision once, when the result arrives or times out.
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

macro_rules! str_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

str_enum!(
    /// What a staff user may do. `admin` administers (staff, audit exports) but does not
    /// decide cases: deciding needs `reviewer` or `senior_reviewer`.
    Role {
        Reviewer = "reviewer",
        SeniorReviewer = "senior_reviewer",
        Admin = "admin",
    }
);

str_enum!(
    /// Why a case was opened.
    CaseKind {
        ManualReview = "manual_review",
        Appeal = "appeal",
        Sanctions = "sanctions",
        LinkedAccount = "linked_account",
        Rescreen = "rescreen",
        Liveness = "liveness",
    }
);

str_enum!(
    /// Where a case stands.
    CaseStatus {
        /// In the queue, nobody working on it.
        Open = "open",
        /// Claimed by its assignee.
        InReview = "in_review",
        /// Waiting for the applicant's answer.
        InfoRequested = "info_requested",
        /// Handed to senior reviewers; only they may claim it.
        Escalated = "escalated",
        /// A decision waits for a second senior reviewer's confirmation.
        PendingConfirmation = "pending_confirmation",
        Closed = "closed",
    }
);

/// A back-office user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffUser {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
}

/// A case for a reviewer.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewCase {
    pub id: String,
    pub application_id: ApplicationId,
    pub account_id: AccountId,
    pub kind: CaseKind,
    pub status: CaseStatus,
    /// Lower is more urgent.
    pub priority: i64,
    /// The applicant's country of residence (or nationality), for filtering.
    pub country: Option<String>,
    pub assignee: Option<String>,
    pub escalated: bool,
    /// What opened the case: reason codes, sanctions hits, the appeal id, ...
    pub source: serde_json::Value,
    /// A decision waiting for four-eyes confirmation: the decision id.
    pub pending: Option<String>,
    pub due_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// An applicant's appeal against a rejection.
#[derive(Debug, Clone, PartialEq)]
pub struct Appeal {
    pub id: String,
    pub application_id: ApplicationId,
    pub account_id: AccountId,
    pub message: String,
    /// `draft`, `submitted` or `closed`.
    pub status: String,
    pub case_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A supporting document for an appeal (`appeal:<id>`) or an answer to a request for
/// information (`info:<case id>`).
#[derive(Debug, Clone, PartialEq)]
pub struct SupportingFile {
    pub id: FileId,
    pub owner: String,
    pub application_id: ApplicationId,
    pub name: String,
    pub kind: String,
    pub object_key: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

/// One message of the thread between an applicant and the reviewers.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: String,
    pub application_id: ApplicationId,
    /// `applicant` or `reviewer`.
    pub author: String,
    pub author_id: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A reviewers-only note on a case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseNote {
    pub id: String,
    pub case_id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A reviewer's decision on a case.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewDecision {
    pub id: String,
    pub case_id: String,
    pub application_id: ApplicationId,
    /// `approve`, `reject_retry`, `reject_final`, `request_info` or `escalate`.
    pub action: String,
    pub reasons: Vec<String>,
    pub documents: Vec<String>,
    pub note_to_applicant: Option<String>,
    pub internal_note: Option<String>,
    pub decided_by: String,
    /// `effective`, `pending` (four-eyes) or `confirmed`.
    pub status: String,
    pub confirmed_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// One entry to append to the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// `staff:<id>`, `applicant:<id>`, `operator:<key id>`, `system` or `cli`.
    pub actor: String,
    /// `case.claimed`, `file.viewed`, ...
    pub action: String,
    /// `case:<id>`, `application:<id>`, `file:<id>`, ...
    pub subject: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// An audit entry as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of the chain before its first entry.
pub const AUDIT_GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl AuditRecord {
    /// SHA-256 over the previous hash and the entry's stored content, each field
    /// length-prefixed so that no two different entries share a pre-image.
    pub fn compute_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let seq = self.seq.to_string();
        let fields: [Option<&str>; 8] = [
            Some(&self.prev_hash),
            Some(&seq),
            Some(&self.at),
            Some(&self.actor),
            Some(&self.action),
            Some(&self.subject),
            self.before.as_deref(),
            self.after.as_deref(),
        ];
        for f in fields {
            match f {
                Some(s) => {
                    h.update((s.len() as u64).to_be_bytes());
                    h.update(s.as_bytes());
                }
                None => h.update(u64::MAX.to_be_bytes()),
            }
        }
        hex::encode(h.finalize())
    }
}

/// Why the audit chain does not verify: the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenChain {
    pub seq: i64,
    pub why: String,
}

/// Checks records (in `seq` order, starting at the first) link up and hash correctly.
/// `prev` is the hash before the first record and `expected_seq` its number.
pub fn verify_chain(
    records: &[AuditRecord],
    prev: &mut String,
    expected_seq: &mut i64,
) -> Result<(), BrokenChain> {
    for r in records {
        if r.seq != *expected_seq {
            return Err(BrokenChain {
                seq: *expected_seq,
                why: format!("entry {} is missing (next is {})", expected_seq, r.seq),
            });
        }
        if r.prev_hash != *prev {
            return Err(BrokenChain {
                seq: r.seq,
                why: "its previous-hash does not match the entry before it".into(),
            });
        }
        if r.compute_hash() != r.hash {
            return Err(BrokenChain {
                seq: r.seq,
                why: "its content does not match its hash".into(),
            });
        }
        prev.clone_from(&r.hash);
        *expected_seq += 1;
    }
    Ok(())
}

/// One change of a review transaction.
#[derive(Debug, Clone)]
pub enum Change {
    InsertCase(ReviewCase),
    /// Writes the case if it is still at `expected_version` (the stored version becomes one more).
    UpdateCase {
        case: ReviewCase,
        expected_version: i64,
    },
    /// Sets an application's status, decision and review notice if it is still at
    /// `expected_version`.
    UpdateApplication {
        id: ApplicationId,
        expected_version: i64,
        status: gatehouse_core::application::ApplicationStatus,
        last_decision: Option<Decision>,
        review: Option<ReviewNotice>,
    },
    InsertAppeal(Appeal),
    UpdateAppeal(Appeal),
    InsertSupportingFile(SupportingFile),
    InsertMessage(Message),
    InsertNote(CaseNote),
    InsertDecision(ReviewDecision),
    UpdateDecision(ReviewDecision),
    /// A webhook event about the batch's change, into the outbox in the same transaction.
    Event(NewEvent),
}

/// Changes written in one transaction together with their audit entries.
#[derive(Debug, Clone)]
pub struct Batch {
    pub at: DateTime<Utc>,
    pub changes: Vec<Change>,
    pub audit: Vec<AuditEntry>,
}

impl Batch {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self {
            at,
            changes: Vec::new(),
            audit: Vec::new(),
        }
    }

    pub fn change(&mut self, change: Change) -> &mut Self {
        self.changes.push(change);
        self
    }

    pub fn audit(
        &mut self,
        actor: &str,
        action: &str,
        subject: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> &mut Self {
        self.audit.push(AuditEntry {
            actor: actor.to_owned(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            before,
            after,
        });
        self
    }
}

/// Filters of the review queue; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub statuses: Vec<CaseStatus>,
    pub kind: Option<CaseKind>,
    /// A staff user id, or `Some("")` for unassigned cases.
    pub assignee: Option<String>,
    pub country: Option<String>,
    pub application_id: Option<ApplicationId>,
}

/// A liveness provider's verdict as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LivenessRecord {
    /// Gatehouse's id of the row (a UUID).
    pub id: String,
    /// The adapter name (`generic`, ...).
    pub provider: String,
    pub result: gatehouse_core::liveness::LivenessResult,
    /// `webhook` (signed delivery) or `api` (operator key).
    pub source: &'static str,
    pub received_at: DateTime<Utc>,
}

/// What recording a liveness result did.
#[derive(Debug, Clone, PartialEq)]
pub enum LivenessRecorded {
    /// Stored as a new result.
    New,
    /// The same session was already stored with the same verdict: nothing changed.
    Duplicate,
}
