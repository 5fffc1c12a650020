//! Manual review: cases, the queue, claiming, decisions with four-eyes confirmation, messages,
//! internal notes and audited file views. The JSON review API and the back-office pages both
//! call these functions.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use gatehouse_core::application::ApplicationStatus;
use gatehouse_core::decision::{Decision, Outcome, TOO_MANY_ATTEMPTS};
use gatehouse_core::ids::{AccountId, ApplicationId};
use gatehouse_core::linkage::AccountStatus;
use gatehouse_core::reasons::{Finding, Nature};
use gatehouse_store::models::{
    Account, Appeal, Application, Attempt, Batch, CaseFilter, CaseKind, CaseNote, CaseStatus,
    Change, InfoRequest, Link, Message, ReviewCase, ReviewDecision, ReviewNotice, Role, StaffUser,
    SupportingFile,
};
use gatehouse_store::repo::{AccountRepo, ApplicationRepo, IdentityRepo, ReviewRepo};
use gatehouse_store::{Db, StoreError};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use super::events;
use crate::auth::Staff;
use crate::config::Review as ReviewConfig;
use crate::error::ApiError;
use crate::state::AppState;

/// Kinds of supporting documents an applicant may send (appeals, answers to requests).
pub const DOCUMENT_KINDS: [&str; 5] = [
    "handwritten_statement",
    "household_register",
    "utility_bill",
    "bank_statement",
    "other",
];

/// The decision actions.
pub const ACTIONS: [&str; 5] = [
    "approve",
    "reject_retry",
    "reject_final",
    "request_info",
    "escalate",
];

const MAX_TEXT: usize = 4000;

fn new_id() -> String {
    gatehouse_core::ids::AttemptId::new().to_string()
}

/// How long a case of this kind may wait.
pub fn sla(config: &ReviewConfig, kind: CaseKind) -> Duration {
    let h = &config.sla_hours;
    let hours = match kind {
        CaseKind::ManualReview => h.manual_review,
        CaseKind::Appeal => h.appeal,
        CaseKind::Sanctions => h.sanctions,
        CaseKind::LinkedAccount => h.linked_account,
        CaseKind::Rescreen => h.rescreen,
        CaseKind::Liveness => h.liveness,
    };
    Duration::hours(i64::try_from(hours).unwrap_or(24 * 365))
}

/// Lower is more urgent: possible sanctions first.
pub fn priority(kind: CaseKind) -> i64 {
    match kind {
        CaseKind::Sanctions | CaseKind::Rescreen => 10,
        CaseKind::LinkedAccount => 20,
        CaseKind::Liveness => 30,
        CaseKind::Appeal => 40,
        CaseKind::ManualReview => 50,
    }
}

/// Whether an open case has waited past its SLA.
pub fn breached(case: &ReviewCase, now: DateTime<Utc>) -> bool {
    case.status != CaseStatus::Closed
        && case.status != CaseStatus::InfoRequested
        && now > case.due_at
}

/// A new case for an application.
pub fn new_case(
    config: &ReviewConfig,
    application: &Application,
    kind: CaseKind,
    source: Value,
    now: DateTime<Utc>,
) -> ReviewCase {
    let p = &application.data.person;
    ReviewCase {
        id: new_id(),
        application_id: application.id,
        account_id: application.account_id,
        kind,
        status: CaseStatus::Open,
        priority: priority(kind),
        country: p
            .residence_country
            .or(p.nationality)
            .map(|c| c.as_str().to_owned()),
        assignee: None,
        escalated: false,
        source,
        pending: None,
        due_at: now + sla(config, kind),
        created_at: now,
        updated_at: now,
        closed_at: None,
        version: 1,
    }
}

fn case_state(c: &ReviewCase) -> Value {
    json!({"status": c.status.as_str(), "assignee": c.assignee, "escalated": c.escalated})
}

/// What deciding an attempt (by its submission, or by the liveness result it waited for)
/// writes besides the attempt: the decision in the audit log as `actor` and, for
/// `manual_review`, a case of the kind its reasons call for. The caller writes it in the
/// attempt's own transaction, so a decision never lands without its case.
pub fn decision_batch(
    config: &ReviewConfig,
    actor: &str,
    before: ApplicationStatus,
    application: &Application,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Batch {
    let mut batch = Batch::new(now);
    batch.audit(
        actor,
        "application.decided",
        &format!("application:{}", application.id),
        Some(json!({"status": before.as_str()})),
        Some(json!({
            "status": decision.outcome.status().as_str(),
            "attempt": decision.attempt,
            "reasons": decision.reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        })),
    );
    if decision.outcome == Outcome::ManualReview {
        let codes: Vec<&str> = decision.reasons.iter().map(|r| r.code.as_str()).collect();
        let kind = if codes.contains(&"SANCTIONS_POSSIBLE_MATCH") {
            CaseKind::Sanctions
        } else if codes
            .iter()
            .any(|c| *c == "LINKED_TO_RESTRICTED_ACCOUNT" || *c == "DUPLICATE_PERSON")
        {
            CaseKind::LinkedAccount
        } else if codes
            .iter()
            .any(|c| *c == "LIVENESS_SPOOF_SUSPECTED" || *c == "SELFIE_MISMATCH")
        {
            CaseKind::Liveness
        } else {
            CaseKind::ManualReview
        };
        let case = new_case(
            config,
            application,
            kind,
            json!({"reasons": codes, "attempt": decision.attempt}),
            now,
        );
        batch.audit(
            "system",
            "case.opened",
            &format!("case:{}", case.id),
            None,
            Some(json!({"kind": kind.as_str(), "application_id": application.id.to_string()})),
        );
        batch.change(Change::InsertCase(case));
    }
    batch
}

/// Opens a case for a sanctions alert raised by re-screening an approved applicant.
pub async fn open_rescreen_case(
    db: &Db,
    config: &ReviewConfig,
    application: &Application,
    alert_id: &str,
    hits: &Value,
) -> Result<(), ApiError> {
    let now = super::now();
    let case = new_case(
        config,
        application,
        CaseKind::Rescreen,
        json!({"alert_id": alert_id, "hits": hits}),
        now,
    );
    let mut batch = Batch::new(now);
    batch.audit(
        "system",
        "case.opened",
        &format!("case:{}", case.id),
        None,
        Some(json!({"kind": "rescreen", "application_id": application.id.to_string(), "alert_id": alert_id})),
    );
    batch.change(Change::InsertCase(case));
    db.commit(&batch).await?;
    Ok(())
}

/// After an operator changed an account's status: audited, and when the account became
/// restricted or banned, every approved account linked to it gets a `linked_account` case.
pub async fn account_status_changed(
    state: &AppState,
    account_id: AccountId,
    before: Option<AccountStatus>,
    status: AccountStatus,
    actor: &str,
    reason: &str,
) -> Result<(), ApiError> {
    let db = state.db();
    let now = super::now();
    let mut batch = Batch::new(now);
    batch.audit(
        actor,
        "account.status_changed",
        &format!("account:{account_id}"),
        Some(json!({"status": before.map(|s| s.as_str())})),
        Some(json!({"status": status.as_str(), "reason": reason})),
    );
    if status.is_adverse() {
        let links = state.identity().relevant(db.links(account_id, 1000).await?);
        let mut seen = BTreeSet::new();
        for link in links {
            if !seen.insert(link.account_id) {
                continue;
            }
            let Some(app) = db.application_of_account(link.account_id).await? else {
                continue;
            };
            if app.status != ApplicationStatus::Approved {
                continue;
            }
            let open = db
                .cases(
                    &CaseFilter {
                        statuses: CaseStatus::ALL
                            .iter()
                            .copied()
                            .filter(|s| *s != CaseStatus::Closed)
                            .collect(),
                        kind: Some(CaseKind::LinkedAccount),
                        application_id: Some(app.id),
                        ..CaseFilter::default()
                    },
                    1,
                )
                .await?;
            if !open.is_empty() {
                continue;
            }
            let case = new_case(
                &state.config().review,
                &app,
                CaseKind::LinkedAccount,
                json!({"linked_account": account_id.to_string(), "linked_status": status.as_str(),
                       "kind": link.kind.as_str()}),
                now,
            );
            batch.audit(
                "system",
                "case.opened",
                &format!("case:{}", case.id),
                None,
                Some(json!({"kind": "linked_account", "application_id": app.id.to_string()})),
            );
            batch.change(Change::InsertCase(case));
        }
    }
    db.commit(&batch).await?;
    Ok(())
}

/// `GET /v1/review/cases` filters. `status`: a case status, `active` (default: not closed) or
/// `all`; `assignee`: a staff id, `me` or `none`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub assignee: Option<String>,
    pub country: Option<String>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The queue, most urgent first.
pub async fn queue(
    state: &AppState,
    staff: &Staff,
    q: &QueueQuery,
) -> Result<Vec<ReviewCase>, ApiError> {
    let mut filter = CaseFilter::default();
    match nonempty(&q.status) {
        None | Some("active") => {
            filter.statuses = CaseStatus::ALL
                .iter()
                .copied()
                .filter(|s| *s != CaseStatus::Closed)
                .collect()
        }
        Some("all") => {}
        Some(s) => {
            filter.statuses = vec![CaseStatus::parse(s).ok_or_else(|| {
                ApiError::field("status", "invalid_status", "a case status, active or all")
            })?]
        }
    }
    if let Some(k) = nonempty(&q.kind) {
        filter.kind = Some(
            CaseKind::parse(k)
                .ok_or_else(|| ApiError::field("kind", "invalid_kind", "an unknown case kind"))?,
        );
    }
    filter.assignee = match nonempty(&q.assignee) {
        None => None,
        Some("me") => Some(staff.user.id.clone()),
        Some("none") => Some(String::new()),
        Some(id) => Some(id.to_owned()),
    };
    filter.country = nonempty(&q.country).map(|c| c.to_ascii_uppercase());
    Ok(state.db().cases(&filter, 1000).await?)
}

async fn load_case(db: &Db, id: &str) -> Result<ReviewCase, ApiError> {
    db.case(id).await?.ok_or(ApiError::NotFound)
}

/// Everything a reviewer needs to decide, in one place.
pub struct CaseDetail {
    pub case: ReviewCase,
    pub application: Application,
    pub account: Option<Account>,
    pub attempts: Vec<Attempt>,
    pub appeals: Vec<(Appeal, Vec<SupportingFile>)>,
    /// Answers to requests for information.
    pub info_files: Vec<SupportingFile>,
    pub links: Vec<Link>,
    /// Possible sanctions hits: from the submission's findings and from re-screening.
    pub sanctions_hits: Vec<Value>,
    pub messages: Vec<Message>,
    pub notes: Vec<CaseNote>,
    pub decisions: Vec<ReviewDecision>,
    /// Staff user id → e-mail, for everyone named in the case.
    pub staff: BTreeMap<String, String>,
    pub breached: bool,
}

impl CaseDetail {
    pub fn staff_name(&self, id: &str) -> String {
        self.staff.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }
}

/// The case with everything around it.
pub async fn case_detail(state: &AppState, id: &str) -> Result<CaseDetail, ApiError> {
    let db = state.db();
    let case = load_case(db, id).await?;
    let application = db
        .application(case.application_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let account = db.account(case.account_id).await?;
    let attempts = db.attempts(application.id).await?;
    let all_files = db.supporting_files(application.id, None).await?;
    let appeals = db
        .appeals_of_application(application.id)
        .await?
        .into_iter()
        .map(|a| {
            let owner = format!("appeal:{}", a.id);
            let files = all_files
                .iter()
                .filter(|f| f.owner == owner)
                .cloned()
                .collect();
            (a, files)
        })
        .collect();
    let info_files = all_files
        .iter()
        .filter(|f| f.owner.starts_with("info:"))
        .cloned()
        .collect();
    let links = state
        .identity()
        .relevant(db.links(case.account_id, 200).await?);
    let mut sanctions_hits = Vec::new();
    if let Some(hits) = case.source.get("hits").and_then(Value::as_array) {
        sanctions_hits.extend(hits.iter().cloned());
    }
    for f in application
        .last_decision
        .iter()
        .flat_map(|d| d.findings.iter())
        .filter(|f| f.code == "SANCTIONS_POSSIBLE_MATCH")
    {
        if let Some(hits) = f
            .evidence
            .as_ref()
            .and_then(|e| e.get("hits"))
            .and_then(Value::as_array)
        {
            sanctions_hits.extend(hits.iter().cloned());
        }
    }
    let messages = db.messages(application.id).await?;
    let notes = db.case_notes(&case.id).await?;
    let decisions = db.case_decisions(&case.id).await?;
    let mut ids: BTreeSet<String> = BTreeSet::new();
    ids.extend(case.assignee.clone());
    ids.extend(notes.iter().map(|n| n.author_id.clone()));
    ids.extend(decisions.iter().map(|d| d.decided_by.clone()));
    ids.extend(decisions.iter().filter_map(|d| d.confirmed_by.clone()));
    ids.extend(
        messages
            .iter()
            .filter(|m| m.author == "reviewer")
            .map(|m| m.author_id.clone()),
    );
    let mut staff = BTreeMap::new();
    for id in ids {
        if let Some(u) = db.staff_user(&id).await? {
            staff.insert(id, u.email);
        }
    }
    let breached = breached(&case, super::now());
    Ok(CaseDetail {
        case,
        application,
        account,
        attempts,
        appeals,
        info_files,
        links,
        sanctions_hits,
        messages,
        notes,
        decisions,
        staff,
        breached,
    })
}

async fn write_case_change(
    state: &AppState,
    staff: &Staff,
    before: &ReviewCase,
    after: ReviewCase,
    action: &str,
) -> Result<ReviewCase, ApiError> {
    let mut batch = Batch::new(after.updated_at);
    batch.audit(
        &staff.actor(),
        action,
        &format!("case:{}", before.id),
        Some(case_state(before)),
        Some(case_state(&after)),
    );
    batch.change(Change::UpdateCase {
        case: after.clone(),
        expected_version: before.version,
    });
    commit(state.db(), &batch).await?;
    Ok(ReviewCase {
        version: before.version + 1,
        ..after
    })
}

async fn commit(db: &Db, batch: &Batch) -> Result<(), ApiError> {
    match db.commit(batch).await {
        Err(StoreError::Conflict(_)) => Err(ApiError::CaseConflict(
            "The case changed meanwhile; reload it.".into(),
        )),
        other => Ok(other?),
    }
}

/// Takes a case from the queue. Escalated cases are for senior reviewers.
pub async fn claim(state: &AppState, staff: &Staff, id: &str) -> Result<ReviewCase, ApiError> {
    let case = load_case(state.db(), id).await?;
    match case.status {
        CaseStatus::Open => {}
        CaseStatus::Escalated if staff.user.role == Role::SeniorReviewer => {}
        CaseStatus::Escalated => {
            return Err(ApiError::CaseConflict(
                "The case is escalated; a senior reviewer must claim it.".into(),
            ))
        }
        CaseStatus::InReview if case.assignee.as_deref() == Some(&staff.user.id) => {
            return Ok(case)
        }
        other => {
            return Err(ApiError::CaseConflict(format!(
                "The case is {}; only open cases can be claimed.",
                other.as_str()
            )))
        }
    }
    let after = ReviewCase {
        status: CaseStatus::InReview,
        assignee: Some(staff.user.id.clone()),
        updated_at: super::now(),
        ..case.clone()
    };
    write_case_change(state, staff, &case, after, "case.claimed").await
}

/// Puts a claimed case back into the queue.
pub async fn release(state: &AppState, staff: &Staff, id: &str) -> Result<ReviewCase, ApiError> {
    let case = load_case(state.db(), id).await?;
    let mine = case.assignee.as_deref() == Some(&staff.user.id);
    if case.status != CaseStatus::InReview || !(mine || staff.user.role == Role::SeniorReviewer) {
        return Err(ApiError::CaseConflict(
            "Only the assignee (or a senior reviewer) can release a claimed case.".into(),
        ));
    }
    let after = ReviewCase {
        status: if case.escalated {
            CaseStatus::Escalated
        } else {
            CaseStatus::Open
        },
        assignee: None,
        updated_at: super::now(),
        ..case.clone()
    };
    write_case_change(state, staff, &case, after, "case.released").await
}

/// `POST /v1/review/cases/{id}/decision` body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// `approve`, `reject_retry`, `reject_final`, `request_info` or `escalate`.
    pub action: String,
    /// Reason codes from the catalogue; required to reject.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// For `request_info`: the supporting documents wanted (`handwritten_statement`,
    /// `household_register`, `utility_bill`, `bank_statement`, `other`).
    #[serde(default)]
    pub documents: Vec<String>,
    /// Shown to the applicant; required for `request_info` (what is wanted and why).
    pub note_to_applicant: Option<String>,
    /// For reviewers only; never shown to the applicant.
    pub internal_note: Option<String>,
}

/// What a decision did.
pub struct Decided {
    pub case: ReviewCase,
    pub decision: ReviewDecision,
    /// Whether it waits for a second senior reviewer.
    pub pending_confirmation: bool,
}

/// Every reason code a reviewer may give: the checks' catalogue.
pub fn catalogue(state: &AppState) -> Vec<(String, Nature)> {
    let mut out: Vec<(String, Nature)> = state
        .pipeline()
        .reasons()
        .into_iter()
        .map(|r| (r.code.to_owned(), r.nature))
        .collect();
    out.push((TOO_MANY_ATTEMPTS.code.to_owned(), TOO_MANY_ATTEMPTS.nature));
    out.sort();
    out.dedup();
    out
}

fn text(field: &str, value: &Option<String>) -> Result<Option<String>, ApiError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > MAX_TEXT => Err(ApiError::field(
            field,
            "too_long",
            format!("at most {MAX_TEXT} characters"),
        )),
        Some(t) => Ok(Some(t.to_owned())),
    }
}

fn validate(state: &AppState, req: &DecisionRequest) -> Result<(), ApiError> {
    if !ACTIONS.contains(&req.action.as_str()) {
        return Err(ApiError::field(
            "action",
            "invalid_action",
            format!("one of {}", ACTIONS.join(", ")),
        ));
    }
    let known = catalogue(state);
    for (i, code) in req.reasons.iter().enumerate() {
        if !known.iter().any(|(c, _)| c == code) {
            return Err(ApiError::field(
                &format!("reasons[{i}]"),
                "unknown_reason",
                format!("{code} is not in the reason catalogue"),
            ));
        }
    }
    if req.action.starts_with("reject_") && req.reasons.is_empty() {
        return Err(ApiError::field(
            "reasons",
            "required",
            "give at least one reason from the catalogue",
        ));
    }
    for (i, kind) in req.documents.iter().enumerate() {
        if !DOCUMENT_KINDS.contains(&kind.as_str()) {
            return Err(ApiError::field(
                &format!("documents[{i}]"),
                "invalid_kind",
                format!("one of {}", DOCUMENT_KINDS.join(", ")),
            ));
        }
    }
    if req.action == "request_info" && text("note_to_applicant", &req.note_to_applicant)?.is_none()
    {
        return Err(ApiError::field(
            "note_to_applicant",
            "required",
            "say what is wanted and why",
        ));
    }
    text("note_to_applicant", &req.note_to_applicant)?;
    text("internal_note", &req.internal_note)?;
    Ok(())
}

/// Whether approving needs four eyes: a sanctions hit, or a link to a banned account.
async fn risky_approval(
    state: &AppState,
    case: &ReviewCase,
    app: &Application,
) -> Result<bool, ApiError> {
    if matches!(case.kind, CaseKind::Sanctions | CaseKind::Rescreen) {
        return Ok(true);
    }
    let sanctions = app
        .last_decision
        .iter()
        .flat_map(|d| d.findings.iter())
        .any(|f| f.code == "SANCTIONS_POSSIBLE_MATCH");
    if sanctions {
        return Ok(true);
    }
    let links = state
        .identity()
        .relevant(state.db().links(case.account_id, 1000).await?);
    Ok(links.iter().any(|l| l.status == AccountStatus::Banned))
}

/// Decides a claimed case. Overturning `rejected_final`, or approving despite a sanctions hit
/// or a link to a banned account, waits for a second senior reviewer's confirmation.
pub async fn decide(
    state: &AppState,
    staff: &Staff,
    id: &str,
    req: DecisionRequest,
) -> Result<Decided, ApiError> {
    validate(state, &req)?;
    let db = state.db();
    let case = load_case(db, id).await?;
    if case.status != CaseStatus::InReview || case.assignee.as_deref() != Some(&staff.user.id) {
        return Err(ApiError::CaseConflict(
            "Claim the case before deciding it.".into(),
        ));
    }
    let app = db
        .application(case.application_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = super::now();
    let mut decision = ReviewDecision {
        id: new_id(),
        case_id: case.id.clone(),
        application_id: app.id,
        action: req.action.clone(),
        reasons: req.reasons.clone(),
        documents: req.documents.clone(),
        note_to_applicant: text("note_to_applicant", &req.note_to_applicant)?,
        internal_note: text("internal_note", &req.internal_note)?,
        decided_by: staff.user.id.clone(),
        status: "effective".into(),
        confirmed_by: None,
        created_at: now,
        confirmed_at: None,
    };
    let mut batch = Batch::new(now);
    let actor = staff.actor();
    if let Some(note) = &decision.internal_note {
        batch.change(Change::InsertNote(CaseNote {
            id: new_id(),
            case_id: case.id.clone(),
            author_id: staff.user.id.clone(),
            body: note.clone(),
            created_at: now,
        }));
    }
    if req.action == "escalate" {
        let after = ReviewCase {
            status: CaseStatus::Escalated,
            escalated: true,
            assignee: None,
            priority: case.priority.min(5),
            updated_at: now,
            ..case.clone()
        };
        batch.change(Change::InsertDecision(decision.clone()));
        batch.audit(
            &actor,
            "case.escalated",
            &format!("case:{}", case.id),
            Some(case_state(&case)),
            Some(case_state(&after)),
        );
        batch.change(Change::UpdateCase {
            case: after.clone(),
            expected_version: case.version,
        });
        commit(db, &batch).await?;
        return Ok(Decided {
            case: ReviewCase {
                version: case.version + 1,
                ..after
            },
            decision,
            pending_confirmation: false,
        });
    }
    // An appeal of a final rejection keeps what it appealed, even after a request for
    // information moved the application on.
    let was_final = app.status == ApplicationStatus::RejectedFinal
        || case.source.get("appealed_status").and_then(Value::as_str) == Some("rejected_final");
    let overturn = was_final && matches!(req.action.as_str(), "approve" | "reject_retry");
    let four_eyes =
        overturn || (req.action == "approve" && risky_approval(state, &case, &app).await?);
    if four_eyes {
        decision.status = "pending".into();
        let after = ReviewCase {
            status: CaseStatus::PendingConfirmation,
            pending: Some(decision.id.clone()),
            updated_at: now,
            ..case.clone()
        };
        batch.change(Change::InsertDecision(decision.clone()));
        batch.audit(
            &actor,
            "case.decision_proposed",
            &format!("case:{}", case.id),
            Some(case_state(&case)),
            Some(
                json!({"status": after.status.as_str(), "decision_id": decision.id,
                        "action": decision.action, "reasons": decision.reasons}),
            ),
        );
        batch.change(Change::UpdateCase {
            case: after.clone(),
            expected_version: case.version,
        });
        commit(db, &batch).await?;
        return Ok(Decided {
            case: ReviewCase {
                version: case.version + 1,
                ..after
            },
            decision,
            pending_confirmation: true,
        });
    }
    batch.change(Change::InsertDecision(decision.clone()));
    let case = apply_effect(state, &mut batch, &actor, case, &app, &decision).await?;
    commit(db, &batch).await?;
    Ok(Decided {
        case,
        decision,
        pending_confirmation: false,
    })
}

/// The case and its decision waiting for four-eyes confirmation, for a senior reviewer other
/// than the one who proposed it (confirm and decline both need exactly this).
async fn pending_decision(
    state: &AppState,
    staff: &Staff,
    id: &str,
) -> Result<(ReviewCase, ReviewDecision), ApiError> {
    if staff.user.role != Role::SeniorReviewer {
        return Err(ApiError::Forbidden);
    }
    let db = state.db();
    let case = load_case(db, id).await?;
    let pending_id = match (&case.status, &case.pending) {
        (CaseStatus::PendingConfirmation, Some(p)) => p.clone(),
        _ => {
            return Err(ApiError::CaseConflict(
                "No decision on this case waits for confirmation.".into(),
            ))
        }
    };
    let decision = db
        .case_decisions(&case.id)
        .await?
        .into_iter()
        .find(|d| d.id == pending_id && d.status == "pending")
        .ok_or_else(|| ApiError::CaseConflict("The pending decision is gone.".into()))?;
    if decision.decided_by == staff.user.id {
        return Err(ApiError::SameReviewer);
    }
    Ok((case, decision))
}

/// The second senior reviewer confirms a pending four-eyes decision, which then takes effect.
pub async fn confirm(state: &AppState, staff: &Staff, id: &str) -> Result<Decided, ApiError> {
    let db = state.db();
    let (case, mut decision) = pending_decision(state, staff, id).await?;
    let app = db
        .application(case.application_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = super::now();
    decision.status = "confirmed".into();
    decision.confirmed_by = Some(staff.user.id.clone());
    decision.confirmed_at = Some(now);
    let mut batch = Batch::new(now);
    let actor = staff.actor();
    batch.change(Change::UpdateDecision(decision.clone()));
    batch.audit(
        &actor,
        "case.decision_confirmed",
        &format!("case:{}", case.id),
        Some(json!({"decision_id": decision.id, "decided_by": decision.decided_by})),
        Some(json!({"confirmed_by": staff.user.id, "action": decision.action})),
    );
    let case = apply_effect(state, &mut batch, &actor, case, &app, &decision).await?;
    commit(db, &batch).await?;
    Ok(Decided {
        case,
        decision,
        pending_confirmation: false,
    })
}

/// A second senior reviewer declines a pending four-eyes decision: nothing takes effect and
/// the case goes back to the reviewer who proposed it.
pub async fn decline(
    state: &AppState,
    staff: &Staff,
    id: &str,
    note: Option<String>,
) -> Result<ReviewCase, ApiError> {
    let db = state.db();
    let (case, mut decision) = pending_decision(state, staff, id).await?;
    let note = text("internal_note", &note)?;
    let now = super::now();
    decision.status = "declined".into();
    decision.confirmed_by = Some(staff.user.id.clone());
    decision.confirmed_at = Some(now);
    let after = ReviewCase {
        status: CaseStatus::InReview,
        assignee: Some(decision.decided_by.clone()),
        pending: None,
        updated_at: now,
        ..case.clone()
    };
    let mut batch = Batch::new(now);
    if let Some(body) = note {
        batch.change(Change::InsertNote(CaseNote {
            id: new_id(),
            case_id: case.id.clone(),
            author_id: staff.user.id.clone(),
            body,
            created_at: now,
        }));
    }
    batch.change(Change::UpdateDecision(decision.clone()));
    batch.audit(
        &staff.actor(),
        "case.decision_declined",
        &format!("case:{}", case.id),
        Some(case_state(&case)),
        Some(json!({"status": after.status.as_str(), "decision_id": decision.id})),
    );
    batch.change(Change::UpdateCase {
        case: after.clone(),
        expected_version: case.version,
    });
    commit(db, &batch).await?;
    Ok(ReviewCase {
        version: case.version + 1,
        ..after
    })
}

/// Adds the effect of an effective decision to the batch: the application's status and
/// what the applicant is told, the case's new state, the appeal's closing.
async fn apply_effect(
    state: &AppState,
    batch: &mut Batch,
    actor: &str,
    case: ReviewCase,
    app: &Application,
    d: &ReviewDecision,
) -> Result<ReviewCase, ApiError> {
    let now = batch.at;
    let max_attempts = state.config().kyc.max_attempts;
    let findings = app
        .last_decision
        .as_ref()
        .map(|d| d.findings.clone())
        .unwrap_or_default();
    let reasons = |nature: Nature| -> Vec<Finding> {
        d.reasons
            .iter()
            .map(|code| Finding {
                code: code.clone(),
                nature,
                field: None,
                evidence: None,
            })
            .collect()
    };
    let (status, last_decision, info) = match d.action.as_str() {
        "approve" => (
            ApplicationStatus::Approved,
            Some(Decision {
                outcome: Outcome::Approved,
                reasons: Vec::new(),
                findings,
                attempt: app.attempt_count,
                attempts_left: 0,
            }),
            None,
        ),
        "reject_retry" => (
            ApplicationStatus::RejectedRetry,
            Some(Decision {
                outcome: Outcome::RejectedRetry,
                reasons: reasons(Nature::Retry),
                findings,
                attempt: app.attempt_count,
                attempts_left: max_attempts.saturating_sub(app.attempt_count).max(1),
            }),
            None,
        ),
        "reject_final" => (
            ApplicationStatus::RejectedFinal,
            Some(Decision {
                outcome: Outcome::RejectedFinal,
                reasons: reasons(Nature::Final),
                findings,
                attempt: app.attempt_count,
                attempts_left: 0,
            }),
            None,
        ),
        "request_info" => (
            ApplicationStatus::InfoRequested,
            None,
            Some(InfoRequest {
                documents: d.documents.clone(),
                message: d.note_to_applicant.clone().unwrap_or_default(),
            }),
        ),
        other => return Err(ApiError::internal(format!("no effect for {other}"))),
    };
    let notice = ReviewNotice {
        note_to_applicant: d.note_to_applicant.clone(),
        info_request: info.clone(),
        at: now,
    };
    batch.change(Change::UpdateApplication {
        id: app.id,
        expected_version: app.version,
        status,
        last_decision,
        review: Some(notice),
    });
    batch.audit(
        actor,
        "application.status_changed",
        &format!("application:{}", app.id),
        Some(json!({"status": app.status.as_str()})),
        Some(json!({"status": status.as_str(), "decision_id": d.id, "reasons": d.reasons})),
    );
    let after = if info.is_some() {
        ReviewCase {
            status: CaseStatus::InfoRequested,
            assignee: None,
            pending: None,
            updated_at: now,
            ..case.clone()
        }
    } else {
        ReviewCase {
            status: CaseStatus::Closed,
            pending: None,
            closed_at: Some(now),
            updated_at: now,
            ..case.clone()
        }
    };
    batch.audit(
        actor,
        "case.decided",
        &format!("case:{}", case.id),
        Some(case_state(&case)),
        Some(json!({"status": after.status.as_str(), "action": d.action, "decision_id": d.id})),
    );
    batch.change(Change::UpdateCase {
        case: after.clone(),
        expected_version: case.version,
    });
    if after.status == CaseStatus::Closed && case.kind == CaseKind::Appeal {
        if let Some(appeal_id) = case.source.get("appeal_id").and_then(Value::as_str) {
            if let Some(mut appeal) = state.db().appeal(appeal_id).await? {
                let before = appeal.status.clone();
                appeal.status = "closed".into();
                appeal.closed_at = Some(now);
                batch.audit(
                    actor,
                    "appeal.closed",
                    &format!("appeal:{}", appeal.id),
                    Some(json!({"status": before})),
                    Some(json!({"status": "closed", "outcome": status.as_str()})),
                );
                batch.change(Change::UpdateAppeal(appeal));
            }
        }
    }
    if info.is_some() {
        events::info_requested(batch, &after, d);
    } else {
        events::case_decided(batch, &after, d, status);
    }
    Ok(ReviewCase {
        version: case.version + 1,
        ..after
    })
}

/// A reviewer writes to the applicant in the case's thread.
pub async fn post_message(
    state: &AppState,
    staff: &Staff,
    case_id: &str,
    body: &str,
) -> Result<Message, ApiError> {
    let case = load_case(state.db(), case_id).await?;
    let body = message_body(body)?;
    let now = super::now();
    let message = Message {
        id: new_id(),
        application_id: case.application_id,
        author: "reviewer".into(),
        author_id: staff.user.id.clone(),
        body,
        created_at: now,
    };
    let mut batch = Batch::new(now);
    batch.audit(
        &staff.actor(),
        "message.posted",
        &format!("application:{}", case.application_id),
        None,
        Some(json!({"message_id": message.id, "case_id": case.id})),
    );
    batch.change(Change::InsertMessage(message.clone()));
    commit(state.db(), &batch).await?;
    Ok(message)
}

/// Trims and bounds a message.
pub fn message_body(body: &str) -> Result<String, ApiError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(ApiError::field("body", "required", "write a message"));
    }
    if body.chars().count() > MAX_TEXT {
        return Err(ApiError::field(
            "body",
            "too_long",
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    Ok(body.to_owned())
}

/// Adds an internal note (reviewers only).
pub async fn add_note(
    state: &AppState,
    staff: &Staff,
    case_id: &str,
    body: &str,
) -> Result<CaseNote, ApiError> {
    let case = load_case(state.db(), case_id).await?;
    let body = message_body(body)?;
    let now = super::now();
    let note = CaseNote {
        id: new_id(),
        case_id: case.id.clone(),
        author_id: staff.user.id.clone(),
        body,
        created_at: now,
    };
    let mut batch = Batch::new(now);
    batch.audit(
        &staff.actor(),
        "case.note_added",
        &format!("case:{}", case.id),
        None,
        Some(json!({"note_id": note.id})),
    );
    batch.change(Change::InsertNote(note.clone()));
    commit(state.db(), &batch).await?;
    Ok(note)
}

/// A file of the case's application (any attempt's, an appeal's, an answer's), by id. Every
/// view is audited.
pub async fn view_file(
    state: &AppState,
    staff: &Staff,
    case_id: &str,
    file_id: &str,
) -> Result<(String, Bytes), ApiError> {
    let db = state.db();
    let case = load_case(db, case_id).await?;
    let app = db
        .application(case.application_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut found: Option<(String, String, String)> = app
        .files
        .values()
        .find(|f| f.id.to_string() == file_id)
        .map(|f| {
            (
                f.object_key.clone(),
                f.content_type.clone(),
                f.slot.as_str().to_owned(),
            )
        });
    if found.is_none() {
        found = db
            .attempts(app.id)
            .await?
            .iter()
            .flat_map(|a| a.files.values())
            .find(|f| f.id.to_string() == file_id)
            .map(|f| {
                (
                    f.object_key.clone(),
                    f.content_type.clone(),
                    f.slot.as_str().to_owned(),
                )
            });
    }
    if found.is_none() {
        found = db
            .supporting_files(app.id, None)
            .await?
            .into_iter()
            .find(|f| f.id.to_string() == file_id)
            .map(|f| (f.object_key, f.content_type, f.kind));
    }
    let (key, content_type, what) = found.ok_or(ApiError::NotFound)?;
    let bytes = state.files().get(&key).await?;
    let mut batch = Batch::new(super::now());
    batch.audit(
        &staff.actor(),
        "file.viewed",
        &format!("file:{file_id}"),
        None,
        Some(json!({"case_id": case.id, "application_id": app.id.to_string(), "what": what})),
    );
    state.db().commit(&batch).await?;
    Ok((content_type, bytes))
}

/// Numbers for the dashboard.
pub struct Dashboard {
    pub queue_size: usize,
    pub breaches: usize,
    pub by_kind: BTreeMap<String, usize>,
    pub decisions_per_day: Vec<(String, u64)>,
}

pub async fn dashboard(state: &AppState) -> Result<Dashboard, ApiError> {
    let filter = CaseFilter {
        statuses: CaseStatus::ALL
            .iter()
            .copied()
            .filter(|s| *s != CaseStatus::Closed)
            .collect(),
        ..CaseFilter::default()
    };
    let open = state.db().cases(&filter, 10_000).await?;
    let now = super::now();
    let mut by_kind = BTreeMap::new();
    for c in &open {
        *by_kind.entry(c.kind.as_str().to_owned()).or_insert(0) += 1;
    }
    Ok(Dashboard {
        queue_size: open.len(),
        breaches: open.iter().filter(|c| breached(c, now)).count(),
        by_kind,
        decisions_per_day: state
            .db()
            .decisions_per_day(now - Duration::days(14))
            .await?,
    })
}

/// The staff users, for display (e-mails by id).
pub async fn staff_names(db: &Db) -> Result<BTreeMap<String, String>, ApiError> {
    Ok(db
        .list_staff_users()
        .await?
        .into_iter()
        .map(|u: StaffUser| (u.id, u.email))
        .collect())
}

/// The open case waiting for this application's answer, if any.
pub async fn waiting_case(
    db: &Db,
    application_id: ApplicationId,
) -> Result<Option<ReviewCase>, ApiError> {
    let filter = CaseFilter {
        statuses: vec![CaseStatus::InfoRequested],
        application_id: Some(application_id),
        ..CaseFilter::default()
    };
    Ok(db.cases(&filter, 1).await?.into_iter().next())
}

/// The actor name of an applicant in the audit log.
pub fn applicant_actor(account_id: AccountId) -> String {
    format!("applicant:{account_id}")
}
