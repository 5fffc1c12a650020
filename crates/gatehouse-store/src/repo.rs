//! Repository traits, one per aggregate. [`crate::Db`] implements them all on SQLite and
//! PostgreSQL; `tests/contract` holds the one suite that every implementation must pass.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gatehouse_core::application::{ApplicationData, ApplicationStatus};
use gatehouse_core::ids::{AccountId, ApiKeyId, ApplicationId, DeliveryId, WebhookEndpointId};

use crate::models::{
    Account, ApiKey, Application, Attempt, Credentials, FileRecord, IdempotentResponse, Identifier,
    ImageHash, Link, LivenessRecord, LivenessRecorded, NewEvent, RescreenJob, SanctionsAlert,
    SanctionsVersion, StatusChange,
};
use crate::models::{
    Appeal, AuditRecord, Batch, CaseFilter, CaseNote, Message, ReviewCase, ReviewDecision,
    StaffUser, SupportingFile,
};
use crate::models::{
    ClaimedDelivery, Delivery, DeliveryAttempt, DeliveryNext, StoredEvent, WebhookEndpoint,
};
use crate::StoreError;

#[async_trait]
pub trait AccountRepo: Send + Sync {
    /// Fails with `Conflict("account_exists")` when the e-mail or phone is taken.
    async fn create_account(
        &self,
        account: &Account,
        password_hash: &str,
    ) -> Result<(), StoreError>;
    async fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError>;
    /// Looks an account up by its normalised e-mail or E.164 phone.
    async fn credentials_by_login(&self, login: &str) -> Result<Option<Credentials>, StoreError>;
    /// Sets the status and records who and why, in one transaction; `NotFound` if no account.
    async fn set_account_status(
        &self,
        id: AccountId,
        change: &StatusChange,
    ) -> Result<Account, StoreError>;
    /// Oldest first.
    async fn status_history(&self, id: AccountId) -> Result<Vec<StatusChange>, StoreError>;
}

#[async_trait]
pub trait IdentityRepo: Send + Sync {
    /// Adds the account's identifiers, or refreshes when they were last seen.
    async fn record_identifiers(
        &self,
        account_id: AccountId,
        identifiers: &[Identifier],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Every (other account, identifier) pair sharing one of this account's identifiers, at
    /// most `limit`.
    async fn links(&self, account_id: AccountId, limit: u32) -> Result<Vec<Link>, StoreError>;
}

#[async_trait]
pub trait SessionRepo: Send + Sync {
    async fn create_session(
        &self,
        token_hash: &str,
        account_id: AccountId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The account of an unexpired session.
    async fn session_account(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<AccountId>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of an account (after it is banned or closed).
    async fn delete_sessions_of(&self, account_id: AccountId) -> Result<u64, StoreError>;
    /// Removes expired sessions; returns how many.
    async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait ApiKeyRepo: Send + Sync {
    async fn create_api_key(&self, key: &ApiKey) -> Result<(), StoreError>;
    /// An unrevoked key by the hash of its secret.
    async fn active_api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError>;
    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError>;
    /// Returns `NotFound` for an unknown or already revoked key.
    async fn revoke_api_key(&self, id: ApiKeyId, now: DateTime<Utc>) -> Result<(), StoreError>;
}

/// A submission to record: the attempt, and the idempotent response if the request had a key.
pub struct NewAttempt<'a> {
    pub attempt: &'a Attempt,
    /// The application version the decision was made on.
    pub expected_version: i64,
    pub idempotency: Option<(&'a str, IdempotentResponse)>,
    /// Outbox events (`application.submitted`, `application.decided`), written in the same
    /// transaction.
    pub events: Vec<NewEvent>,
    /// The audit entries and the review case the decision calls for, in the same transaction.
    pub review: Option<&'a Batch>,
}

#[async_trait]
pub trait ApplicationRepo: Send + Sync {
    /// Fails with `Conflict("application_exists")` when the account already has one.
    async fn create_application(&self, application: &Application) -> Result<(), StoreError>;
    async fn application(&self, id: ApplicationId) -> Result<Option<Application>, StoreError>;
    async fn application_of_account(
        &self,
        account_id: AccountId,
    ) -> Result<Option<Application>, StoreError>;
    /// Newest first, optionally by status.
    async fn list_applications(
        &self,
        status: Option<ApplicationStatus>,
        limit: u32,
        before: Option<ApplicationId>,
    ) -> Result<Vec<Application>, StoreError>;
    /// Replaces the data if the application is still at `expected_version` and editable;
    /// otherwise `Conflict("stale")`.
    async fn update_application_data(
        &self,
        id: ApplicationId,
        expected_version: i64,
        data: &ApplicationData,
        now: DateTime<Utc>,
    ) -> Result<Application, StoreError>;
    /// Records an uploaded file and makes it the slot's current file, under the same rule.
    async fn attach_file(
        &self,
        id: ApplicationId,
        expected_version: i64,
        file: &FileRecord,
        now: DateTime<Utc>,
    ) -> Result<Application, StoreError>;
    /// Writes the attempt, its decision, the application's new status, the idempotent
    /// response and the outbox events in one transaction. `Conflict("stale")` if the application changed meanwhile.
    async fn record_attempt(&self, new: NewAttempt<'_>) -> Result<Application, StoreError>;
    /// Oldest first.
    async fn attempts(&self, id: ApplicationId) -> Result<Vec<Attempt>, StoreError>;
    async fn idempotent_response(
        &self,
        account_id: AccountId,
        key: &str,
    ) -> Result<Option<IdempotentResponse>, StoreError>;
}

#[async_trait]
pub trait SanctionsRepo: Send + Sync {
    /// Stores a version and its entities (`(entity_id, JSON)`) in one transaction: a failed
    /// import leaves nothing behind.
    async fn import_version(
        &self,
        version: &SanctionsVersion,
        entities: &[(String, String)],
    ) -> Result<(), StoreError>;
    /// The newest version of every source.
    async fn current_versions(&self) -> Result<Vec<SanctionsVersion>, StoreError>;
    /// The entities of a version, as stored JSON.
    async fn version_entities(&self, version_id: &str) -> Result<Vec<String>, StoreError>;
    async fn save_rescreen_job(&self, job: &RescreenJob) -> Result<(), StoreError>;
    /// The newest job, if any.
    async fn latest_rescreen_job(&self) -> Result<Option<RescreenJob>, StoreError>;
    async fn add_sanctions_alert(&self, alert: &SanctionsAlert) -> Result<(), StoreError>;
    /// Newest first.
    async fn sanctions_alerts(
        &self,
        status: Option<&str>,
        limit: u32,
    ) -> Result<Vec<SanctionsAlert>, StoreError>;
}

#[async_trait]
pub trait ImageHashRepo: Send + Sync {
    /// Records a submitted picture's hashes; a file already recorded is left as it is.
    async fn record_image_hash(&self, hash: &ImageHash) -> Result<(), StoreError>;
    /// Pictures sharing at least one band with `bands` (every picture within four bits of the
    /// coarse hash, and some further), most recent first, at most `limit`.
    async fn images_sharing_a_band(
        &self,
        bands: [i64; 5],
        limit: u32,
    ) -> Result<Vec<ImageHash>, StoreError>;
}

/// Staff users, review cases, appeals, messages, decisions and the audit log.
#[async_trait]
pub trait ReviewRepo: Send + Sync {
    /// `Conflict("staff_exists")` when the e-mail is taken.
    async fn create_staff_user(
        &self,
        user: &StaffUser,
        password_hash: &str,
    ) -> Result<(), StoreError>;
    /// The user and its password hash, by e-mail.
    async fn staff_credentials(
        &self,
        email: &str,
    ) -> Result<Option<(StaffUser, String)>, StoreError>;
    async fn staff_user(&self, id: &str) -> Result<Option<StaffUser>, StoreError>;
    async fn list_staff_users(&self) -> Result<Vec<StaffUser>, StoreError>;
    async fn create_staff_session(
        &self,
        token_hash: &str,
        user_id: &str,
        csrf: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The user and CSRF token of an unexpired session of an enabled user.
    async fn staff_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(StaffUser, String)>, StoreError>;
    async fn delete_staff_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Removes expired staff sessions; returns how many.
    async fn purge_expired_staff_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;
    /// Writes every change and appends the audit entries, in one transaction. A version
    /// check that fails is `Conflict("stale")` and nothing is written.
    async fn commit(&self, batch: &Batch) -> Result<(), StoreError>;
    async fn case(&self, id: &str) -> Result<Option<ReviewCase>, StoreError>;
    /// The queue: most urgent first (priority, then age).
    async fn cases(&self, filter: &CaseFilter, limit: u32) -> Result<Vec<ReviewCase>, StoreError>;
    async fn appeal(&self, id: &str) -> Result<Option<Appeal>, StoreError>;
    /// Oldest first.
    async fn appeals_of_application(&self, id: ApplicationId) -> Result<Vec<Appeal>, StoreError>;
    /// Oldest first; by owner (`appeal:<id>`, `info:<case id>`) or for the whole application.
    async fn supporting_files(
        &self,
        application_id: ApplicationId,
        owner: Option<&str>,
    ) -> Result<Vec<SupportingFile>, StoreError>;
    /// Oldest first.
    async fn messages(&self, application_id: ApplicationId) -> Result<Vec<Message>, StoreError>;
    /// Oldest first.
    async fn case_notes(&self, case_id: &str) -> Result<Vec<CaseNote>, StoreError>;
    /// Oldest first.
    async fn case_decisions(&self, case_id: &str) -> Result<Vec<ReviewDecision>, StoreError>;
    /// Effective decisions per UTC day (`YYYY-MM-DD`, count) since `since`, oldest first.
    async fn decisions_per_day(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, u64)>, StoreError>;
    /// Audit entries with `seq > after`, in order, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: u32) -> Result<Vec<AuditRecord>, StoreError>;
}

/// An attempt that waited for its liveness result, now decided.
pub struct CompletedAttempt<'a> {
    pub application_id: ApplicationId,
    pub attempt_id: gatehouse_core::ids::AttemptId,
    /// The application version the decision was made on.
    pub expected_version: i64,
    pub decision: &'a gatehouse_core::decision::Decision,
    pub decided_at: DateTime<Utc>,
    /// `application.decided`, written in the same transaction.
    pub events: Vec<NewEvent>,
    /// The audit entries and the review case the decision calls for, in the same transaction.
    pub review: Option<&'a Batch>,
}

/// Liveness providers' results, replay protection for their signed deliveries, and the
/// attempts that wait for a result.
#[async_trait]
pub trait LivenessRepo: Send + Sync {
    /// Stores a result. With `delivery` (a digest of the signed delivery), also remembers the
    /// delivery and forgets those received before `forget_before`; a delivery seen before is
    /// `Conflict("replayed")` and stores nothing. A session stored before with another
    /// verdict is `Conflict("session_conflict")`.
    async fn record_liveness(
        &self,
        record: &LivenessRecord,
        delivery: Option<&str>,
        forget_before: DateTime<Utc>,
    ) -> Result<LivenessRecorded, StoreError>;
    /// The application's most recent result received at or after `since`.
    async fn latest_liveness(
        &self,
        application_id: ApplicationId,
        since: DateTime<Utc>,
    ) -> Result<Option<LivenessRecord>, StoreError>;
    /// Applications `awaiting_liveness` whose attempt was submitted before `before`, oldest
    /// first, at most `limit`.
    async fn awaiting_liveness(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Application>, StoreError>;
    /// Writes the decision of the latest attempt of an application `awaiting_liveness` at
    /// `expected_version`, its new status and the events, in one transaction; otherwise
    /// `Conflict("stale")`.
    async fn complete_attempt(&self, done: CompletedAttempt<'_>)
        -> Result<Application, StoreError>;
}

/// Everything the server needs from storage, as one object.
pub trait Repos:
    AccountRepo
    + SessionRepo
    + ApiKeyRepo
    + ApplicationRepo
    + IdentityRepo
    + SanctionsRepo
    + ImageHashRepo
    + WebhookRepo
    + ReviewRepo
    + LivenessRepo
{
}
impl<T> Repos for T where
    T: AccountRepo
        + SessionRepo
        + ApiKeyRepo
        + ApplicationRepo
        + IdentityRepo
        + SanctionsRepo
        + ImageHashRepo
        + WebhookRepo
        + ReviewRepo
        + LivenessRepo
{
}

/// Webhook endpoints, the outbox's fan-out into deliveries, claiming and logging attempts.
///
/// Events enter the outbox only inside the transaction of the change they describe: a
/// repository method that changes state takes `events: Vec<NewEvent>` and its SQL calls
/// `sql::outbox::append` on its transaction (see `record_attempt`).
#[async_trait]
pub trait WebhookRepo: Send + Sync {
    async fn create_webhook_endpoint(&self, endpoint: &WebhookEndpoint) -> Result<(), StoreError>;
    /// Endpoints not deleted, oldest first.
    async fn webhook_endpoints(&self) -> Result<Vec<WebhookEndpoint>, StoreError>;
    async fn webhook_endpoint(
        &self,
        id: WebhookEndpointId,
    ) -> Result<Option<WebhookEndpoint>, StoreError>;
    /// Deletes the endpoint and cancels its pending deliveries; `NotFound` if unknown or
    /// already deleted. Its delivery log is kept.
    async fn delete_webhook_endpoint(
        &self,
        id: WebhookEndpointId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Turns up to `limit` events not yet fanned out, oldest first, into one pending delivery
    /// per endpoint that subscribes to them and existed when they were written. Returns how
    /// many events it handled; an event another process handles meanwhile is skipped.
    async fn fan_out_events(&self, limit: u32, now: DateTime<Utc>) -> Result<u32, StoreError>;
    /// Claims up to `limit` deliveries due at `now` by making them `sending` until
    /// `lease_until` under a new version: two dispatchers never hold the same delivery at once, and a
    /// delivery whose dispatcher died is due again when the lease ends.
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>, StoreError>;
    /// Logs the attempt and, if the claim still holds (nobody replayed, cancelled or
    /// re-claimed the delivery meanwhile), applies `next`. Returns whether the claim held.
    async fn record_delivery_attempt(
        &self,
        claimed: &Delivery,
        attempt: &DeliveryAttempt,
        next: DeliveryNext,
    ) -> Result<bool, StoreError>;
    /// An endpoint's deliveries, newest first, each with its attempts (oldest first).
    async fn webhook_deliveries(
        &self,
        endpoint_id: WebhookEndpointId,
        limit: u32,
    ) -> Result<Vec<(Delivery, Vec<DeliveryAttempt>)>, StoreError>;
    /// Makes a delivery of a live endpoint due now with a fresh round of attempts, whatever
    /// its status; `Conflict("delivery_in_progress")` while a dispatcher's lease on it runs,
    /// `NotFound` for an unknown delivery or a deleted endpoint.
    async fn replay_delivery(
        &self,
        id: DeliveryId,
        now: DateTime<Utc>,
    ) -> Result<Delivery, StoreError>;
    /// The newest outbox events, newest first.
    async fn recent_events(&self, limit: u32) -> Result<Vec<StoredEvent>, StoreError>;
}
