use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gatehouse_core::ids::ApplicationId;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{json_col, opt_time_col, parsed_col, time_col, to_json};
use crate::db::{ts, Backend};
use crate::models::{
    Appeal, AuditRecord, Batch, CaseFilter, CaseKind, CaseNote, CaseStatus, Change, Message,
    ReviewCase, ReviewDecision, Role, StaffUser, SupportingFile, AUDIT_GENESIS,
};
use crate::repo::ReviewRepo;
use crate::{conflict_on_unique, Db, StoreError};

const STAFF: &str = "id, email, role, created_at, disabled_at";
const CASE: &str = "id, application_id, account_id, kind, status, priority, country, assignee, \
                    escalated, source, pending, due_at, created_at, updated_at, closed_at, version";
const APPEAL: &str =
    "id, application_id, account_id, message, status, case_id, created_at, submitted_at, closed_at";
const SUPPORT: &str = "id, owner, application_id, name, kind, object_key, content_type, size, \
                       sha256, created_at";
const DECISION: &str = "id, case_id, application_id, action, reasons, documents, \
                        note_to_applicant, internal_note, decided_by, status, confirmed_by, \
                        created_at, confirmed_at";

fn staff(row: &AnyRow) -> Result<StaffUser, StoreError> {
    let role: String = row.try_get("role")?;
    let disabled: Option<String> = row.try_get("disabled_at")?;
    Ok(StaffUser {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::corrupt(format!("role {role:?}")))?,
        created_at: time_col(row, "created_at")?,
        disabled: disabled.is_some(),
    })
}

fn case(row: &AnyRow) -> Result<ReviewCase, StoreError> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let escalated: i64 = row.try_get("escalated")?;
    Ok(ReviewCase {
        id: row.try_get("id")?,
        application_id: parsed_col(row, "application_id")?,
        account_id: parsed_col(row, "account_id")?,
        kind: CaseKind::parse(&kind)
            .ok_or_else(|| StoreError::corrupt(format!("kind {kind:?}")))?,
        status: CaseStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(format!("case status {status:?}")))?,
        priority: row.try_get("priority")?,
        country: row.try_get("country")?,
        assignee: row.try_get("assignee")?,
        escalated: escalated != 0,
        source: json_col(row, "source")?,
        pending: row.try_get("pending")?,
        due_at: time_col(row, "due_at")?,
        created_at: time_col(row, "created_at")?,
        updated_at: time_col(row, "updated_at")?,
        closed_at: opt_time_col(row, "closed_at")?,
        version: row.try_get("version")?,
    })
}

fn appeal(row: &AnyRow) -> Result<Appeal, StoreError> {
    Ok(Appeal {
        id: row.try_get("id")?,
        application_id: parsed_col(row, "application_id")?,
        account_id: parsed_col(row, "account_id")?,
        message: row.try_get("message")?,
        status: row.try_get("status")?,
        case_id: row.try_get("case_id")?,
        created_at: time_col(row, "created_at")?,
        submitted_at: opt_time_col(row, "submitted_at")?,
        closed_at: opt_time_col(row, "closed_at")?,
    })
}

fn support(row: &AnyRow) -> Result<SupportingFile, StoreError> {
    let size: i64 = row.try_get("size")?;
    Ok(SupportingFile {
        id: parsed_col(row, "id")?,
        owner: row.try_get("owner")?,
        application_id: parsed_col(row, "application_id")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        object_key: row.try_get("object_key")?,
        content_type: row.try_get("content_type")?,
        size: u64::try_from(size).map_err(|_| StoreError::corrupt("size"))?,
        sha256: row.try_get("sha256")?,
        uploaded_at: time_col(row, "created_at")?,
    })
}

fn decision(row: &AnyRow) -> Result<ReviewDecision, StoreError> {
    Ok(ReviewDecision {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        application_id: parsed_col(row, "application_id")?,
        action: row.try_get("action")?,
        reasons: json_col(row, "reasons")?,
        documents: json_col(row, "documents")?,
        note_to_applicant: row.try_get("note_to_applicant")?,
        internal_note: row.try_get("internal_note")?,
        decided_by: row.try_get("decided_by")?,
        status: row.try_get("status")?,
        confirmed_by: row.try_get("confirmed_by")?,
        created_at: time_col(row, "created_at")?,
        confirmed_at: opt_time_col(row, "confirmed_at")?,
    })
}

fn audit(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        before: row.try_get("before_state")?,
        after: row.try_get("after_state")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

fn stale(done: sqlx::any::AnyQueryResult) -> Result<(), StoreError> {
    if done.rows_affected() == 0 {
        Err(StoreError::Conflict("stale"))
    } else {
        Ok(())
    }
}

async fn write_case(
    conn: &mut AnyConnection,
    c: &ReviewCase,
    expected_version: Option<i64>,
) -> Result<(), StoreError> {
    let q = match expected_version {
        None => format!(
            "INSERT INTO review_cases ({CASE}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16)"
        ),
        Some(_) => "UPDATE review_cases SET application_id = $2, account_id = $3, kind = $4, \
                    status = $5, priority = $6, country = $7, assignee = $8, escalated = $9, \
                    source = $10, pending = $11, due_at = $12, created_at = $13, \
                    updated_at = $14, closed_at = $15, version = $16 \
                    WHERE id = $1 AND version = $17"
            .to_owned(),
    };
    let mut query = sqlx::query(&q)
        .bind(c.id.clone())
        .bind(c.application_id.to_string())
        .bind(c.account_id.to_string())
        .bind(c.kind.as_str())
        .bind(c.status.as_str())
        .bind(c.priority)
        .bind(c.country.clone())
        .bind(c.assignee.clone())
        .bind(i64::from(c.escalated))
        .bind(to_json(&c.source)?)
        .bind(c.pending.clone())
        .bind(ts(c.due_at))
        .bind(ts(c.created_at))
        .bind(ts(c.updated_at))
        .bind(c.closed_at.map(ts));
    match expected_version {
        None => {
            query
                .bind(c.version)
                .execute(&mut *conn)
                .await
                .map_err(conflict_on_unique("case_exists"))?;
        }
        Some(v) => {
            query = query.bind(v + 1).bind(v);
            stale(query.execute(&mut *conn).await?)?;
        }
    }
    Ok(())
}

async fn write_appeal(
    conn: &mut AnyConnection,
    a: &Appeal,
    insert: bool,
) -> Result<(), StoreError> {
    let q = if insert {
        format!("INSERT INTO appeals ({APPEAL}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
    } else {
        "UPDATE appeals SET application_id = $2, account_id = $3, message = $4, status = $5, \
         case_id = $6, created_at = $7, submitted_at = $8, closed_at = $9 WHERE id = $1"
            .to_owned()
    };
    let done = sqlx::query(&q)
        .bind(a.id.clone())
        .bind(a.application_id.to_string())
        .bind(a.account_id.to_string())
        .bind(a.message.clone())
        .bind(a.status.clone())
        .bind(a.case_id.clone())
        .bind(ts(a.created_at))
        .bind(a.submitted_at.map(ts))
        .bind(a.closed_at.map(ts))
        .execute(&mut *conn)
        .await
        .map_err(conflict_on_unique("appeal_exists"))?;
    stale(done)
}

async fn write_decision(
    conn: &mut AnyConnection,
    d: &ReviewDecision,
    insert: bool,
) -> Result<(), StoreError> {
    let q = if insert {
        format!(
            "INSERT INTO review_decisions ({DECISION}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13)"
        )
    } else {
        "UPDATE review_decisions SET case_id = $2, application_id = $3, action = $4, \
         reasons = $5, documents = $6, note_to_applicant = $7, internal_note = $8, \
         decided_by = $9, status = $10, confirmed_by = $11, created_at = $12, confirmed_at = $13 \
         WHERE id = $1"
            .to_owned()
    };
    let done = sqlx::query(&q)
        .bind(d.id.clone())
        .bind(d.case_id.clone())
        .bind(d.application_id.to_string())
        .bind(d.action.clone())
        .bind(to_json(&d.reasons)?)
        .bind(to_json(&d.documents)?)
        .bind(d.note_to_applicant.clone())
        .bind(d.internal_note.clone())
        .bind(d.decided_by.clone())
        .bind(d.status.clone())
        .bind(d.confirmed_by.clone())
        .bind(ts(d.created_at))
        .bind(d.confirmed_at.map(ts))
        .execute(&mut *conn)
        .await
        .map_err(conflict_on_unique("decision_exists"))?;
    stale(done)
}

async fn apply(
    conn: &mut AnyConnection,
    change: &Change,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    match change {
        Change::InsertCase(c) => write_case(conn, c, None).await,
        Change::UpdateCase {
            case,
            expected_version,
        } => write_case(conn, case, Some(*expected_version)).await,
        Change::UpdateApplication {
            id,
            expected_version,
            status,
            last_decision,
            review,
        } => {
            let mut q = String::from("UPDATE applications SET status = $1, review = $2, updated_at = $3, version = version + 1");
            if last_decision.is_some() {
                q.push_str(", last_decision = $6");
            }
            q.push_str(" WHERE id = $4 AND version = $5");
            let mut query = sqlx::query(&q)
                .bind(status.as_str())
                .bind(review.as_ref().map(to_json).transpose()?)
                .bind(ts(at))
                .bind(id.to_string())
                .bind(*expected_version);
            if let Some(d) = last_decision {
                query = query.bind(to_json(d)?);
            }
            stale(query.execute(&mut *conn).await?)
        }
        Change::InsertAppeal(a) => write_appeal(conn, a, true).await,
        Change::UpdateAppeal(a) => write_appeal(conn, a, false).await,
        Change::InsertSupportingFile(f) => {
            sqlx::query(&format!(
                "INSERT INTO supporting_files ({SUPPORT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                 $9, $10)"
            ))
            .bind(f.id.to_string())
            .bind(f.owner.clone())
            .bind(f.application_id.to_string())
            .bind(f.name.clone())
            .bind(f.kind.clone())
            .bind(f.object_key.clone())
            .bind(f.content_type.clone())
            .bind(i64::try_from(f.size).map_err(|_| StoreError::corrupt("size"))?)
            .bind(f.sha256.clone())
            .bind(ts(f.uploaded_at))
            .execute(&mut *conn)
            .await
            .map_err(conflict_on_unique("file_exists"))?;
            Ok(())
        }
        Change::InsertMessage(m) => {
            sqlx::query(
                "INSERT INTO messages (id, application_id, author, author_id, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(m.id.clone())
            .bind(m.application_id.to_string())
            .bind(m.author.clone())
            .bind(m.author_id.clone())
            .bind(m.body.clone())
            .bind(ts(m.created_at))
            .execute(&mut *conn)
            .await?;
            Ok(())
        }
        Change::InsertNote(n) => {
            sqlx::query(
                "INSERT INTO case_notes (id, case_id, author_id, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(n.id.clone())
            .bind(n.case_id.clone())
            .bind(n.author_id.clone())
            .bind(n.body.clone())
            .bind(ts(n.created_at))
            .execute(&mut *conn)
            .await?;
            Ok(())
        }
        Change::InsertDecision(d) => write_decision(conn, d, true).await,
        Change::UpdateDecision(d) => write_decision(conn, d, false).await,
        Change::Event(e) => super::outbox::append(conn, std::slice::from_ref(e), at).await,
    }
}

/// Applies a batch's changes and appends its audit entries on the caller's transaction, so
/// other writes (a submission's attempt) commit with them or not at all.
pub(super) async fn apply_batch(
    conn: &mut AnyConnection,
    backend: Backend,
    batch: &Batch,
) -> Result<(), StoreError> {
    for change in &batch.changes {
        apply(conn, change, batch.at).await?;
    }
    append_audit(conn, backend, batch).await
}

async fn append_audit(
    conn: &mut AnyConnection,
    backend: Backend,
    batch: &Batch,
) -> Result<(), StoreError> {
    if batch.audit.is_empty() {
        return Ok(());
    }
    if backend == Backend::Postgres {
        // One writer at a time extends the chain; readers are not blocked.
        sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE")
            .execute(&mut *conn)
            .await?;
    }
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    let (mut seq, mut prev) = match last {
        Some(r) => (r.try_get::<i64, _>("seq")?, r.try_get::<String, _>("hash")?),
        None => (0, AUDIT_GENESIS.to_owned()),
    };
    for e in &batch.audit {
        seq += 1;
        let mut record = AuditRecord {
            seq,
            at: ts(batch.at),
            actor: e.actor.clone(),
            action: e.action.clone(),
            subject: e.subject.clone(),
            before: e.before.as_ref().map(to_json).transpose()?,
            after: e.after.as_ref().map(to_json).transpose()?,
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        record.hash = record.compute_hash();
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, subject, before_state, after_state, \
             prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(record.seq)
        .bind(record.at.clone())
        .bind(record.actor.clone())
        .bind(record.action.clone())
        .bind(record.subject.clone())
        .bind(record.before.clone())
        .bind(record.after.clone())
        .bind(record.prev_hash.clone())
        .bind(record.hash.clone())
        .execute(&mut *conn)
        .await
        .map_err(conflict_on_unique("stale"))?;
        prev = record.hash;
    }
    Ok(())
}

#[async_trait]
impl ReviewRepo for Db {
    async fn create_staff_user(
        &self,
        u: &StaffUser,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO staff_users (id, email, role, password_hash, created_at, disabled_at) \
             VALUES ($1, $2, $3, $4, $5, NULL)",
        )
        .bind(u.id.clone())
        .bind(u.email.clone())
        .bind(u.role.as_str())
        .bind(password_hash.to_owned())
        .bind(ts(u.created_at))
        .execute(&self.pool)
        .await
        .map_err(conflict_on_unique("staff_exists"))?;
        Ok(())
    }

    async fn staff_credentials(
        &self,
        email: &str,
    ) -> Result<Option<(StaffUser, String)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {STAFF}, password_hash FROM staff_users WHERE email = $1"
        ))
        .bind(email.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((staff(&r)?, r.try_get("password_hash")?)))
            .transpose()
    }

    async fn staff_user(&self, id: &str) -> Result<Option<StaffUser>, StoreError> {
        let row = sqlx::query(&format!("SELECT {STAFF} FROM staff_users WHERE id = $1"))
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(staff).transpose()
    }

    async fn list_staff_users(&self) -> Result<Vec<StaffUser>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {STAFF} FROM staff_users ORDER BY email"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(staff).collect()
    }

    async fn create_staff_session(
        &self,
        token_hash: &str,
        user_id: &str,
        csrf: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO staff_sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash.to_owned())
        .bind(user_id.to_owned())
        .bind(csrf.to_owned())
        .bind(ts(now))
        .bind(ts(expires_at))
        .execute(&self.pool)
        .await
        .map_err(conflict_on_unique("session_exists"))?;
        Ok(())
    }

    async fn staff_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(StaffUser, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.role, u.created_at, u.disabled_at, s.csrf \
             FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(token_hash.to_owned())
        .bind(ts(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((staff(&r)?, r.try_get("csrf")?)))
            .transpose()
    }

    async fn delete_staff_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn purge_expired_staff_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1")
            .bind(ts(now))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn commit(&self, batch: &Batch) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        apply_batch(&mut tx, self.backend(), batch).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn case(&self, id: &str) -> Result<Option<ReviewCase>, StoreError> {
        let row = sqlx::query(&format!("SELECT {CASE} FROM review_cases WHERE id = $1"))
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(case).transpose()
    }

    async fn cases(&self, f: &CaseFilter, limit: u32) -> Result<Vec<ReviewCase>, StoreError> {
        let mut conditions = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        if !f.statuses.is_empty() {
            let mut marks = Vec::new();
            for s in &f.statuses {
                binds.push(s.as_str().to_owned());
                marks.push(format!("${}", binds.len()));
            }
            conditions.push(format!("status IN ({})", marks.join(", ")));
        }
        if let Some(k) = f.kind {
            binds.push(k.as_str().to_owned());
            conditions.push(format!("kind = ${}", binds.len()));
        }
        match f.assignee.as_deref() {
            Some("") => conditions.push("assignee IS NULL".to_owned()),
            Some(a) => {
                binds.push(a.to_owned());
                conditions.push(format!("assignee = ${}", binds.len()));
            }
            None => {}
        }
        if let Some(c) = &f.country {
            binds.push(c.clone());
            conditions.push(format!("country = ${}", binds.len()));
        }
        if let Some(a) = f.application_id {
            binds.push(a.to_string());
            conditions.push(format!("application_id = ${}", binds.len()));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {CASE} FROM review_cases {filter} ORDER BY priority, created_at, id LIMIT {}",
            limit.clamp(1, 10_000)
        );
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(case).collect()
    }

    async fn appeal(&self, id: &str) -> Result<Option<Appeal>, StoreError> {
        let row = sqlx::query(&format!("SELECT {APPEAL} FROM appeals WHERE id = $1"))
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(appeal).transpose()
    }

    async fn appeals_of_application(&self, id: ApplicationId) -> Result<Vec<Appeal>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {APPEAL} FROM appeals WHERE application_id = $1 ORDER BY created_at, id"
        ))
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(appeal).collect()
    }

    async fn supporting_files(
        &self,
        application_id: ApplicationId,
        owner: Option<&str>,
    ) -> Result<Vec<SupportingFile>, StoreError> {
        let filter = if owner.is_some() {
            "AND owner = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {SUPPORT} FROM supporting_files WHERE application_id = $1 {filter} \
             ORDER BY created_at, id"
        );
        let mut q = sqlx::query(&sql).bind(application_id.to_string());
        if let Some(o) = owner {
            q = q.bind(o.to_owned());
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(support).collect()
    }

    async fn messages(&self, application_id: ApplicationId) -> Result<Vec<Message>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, application_id, author, author_id, body, created_at FROM messages \
             WHERE application_id = $1 ORDER BY created_at, id",
        )
        .bind(application_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Message {
                    id: r.try_get("id")?,
                    application_id: parsed_col(r, "application_id")?,
                    author: r.try_get("author")?,
                    author_id: r.try_get("author_id")?,
                    body: r.try_get("body")?,
                    created_at: time_col(r, "created_at")?,
                })
            })
            .collect()
    }

    async fn case_notes(&self, case_id: &str) -> Result<Vec<CaseNote>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, author_id, body, created_at FROM case_notes WHERE case_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(case_id.to_owned())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CaseNote {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    author_id: r.try_get("author_id")?,
                    body: r.try_get("body")?,
                    created_at: time_col(r, "created_at")?,
                })
            })
            .collect()
    }

    async fn case_decisions(&self, case_id: &str) -> Result<Vec<ReviewDecision>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DECISION} FROM review_decisions WHERE case_id = $1 ORDER BY created_at, id"
        ))
        .bind(case_id.to_owned())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(decision).collect()
    }

    async fn decisions_per_day(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT substr(created_at, 1, 10) AS day, COUNT(*) AS n FROM review_decisions \
             WHERE created_at >= $1 AND status <> 'pending' GROUP BY substr(created_at, 1, 10) \
             ORDER BY day",
        )
        .bind(ts(since))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let n: i64 = r.try_get("n")?;
                Ok((r.try_get("day")?, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
    }

    async fn audit_entries(&self, after: i64, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT seq, at, actor, action, subject, before_state, after_state, prev_hash, hash \
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT {}",
            limit.clamp(1, 10_000)
        ))
        .bind(after)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit).collect()
    }
}
