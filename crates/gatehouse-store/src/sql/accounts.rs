use async_trait::async_trait;
use gatehouse_core::ids::AccountId;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{parsed_col, time_col};
use crate::db::ts;
use crate::models::{Account, Credentials, StatusChange};
use crate::repo::AccountRepo;
use crate::{conflict_on_unique, Db, StoreError};
use gatehouse_core::linkage::AccountStatus;

const COLUMNS: &str = "id, email, phone, terms_version, terms_accepted_at, \
                       risk_disclosure_version, referral_code, created_at, password_hash, status";

fn account(row: &AnyRow) -> Result<Account, StoreError> {
    Ok(Account {
        id: parsed_col(row, "id")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        terms_version: row.try_get("terms_version")?,
        terms_accepted_at: time_col(row, "terms_accepted_at")?,
        risk_disclosure_version: row.try_get("risk_disclosure_version")?,
        referral_code: row.try_get("referral_code")?,
        created_at: time_col(row, "created_at")?,
        status: status_col(row, "status")?,
    })
}

fn status_col(row: &AnyRow, col: &str) -> Result<AccountStatus, StoreError> {
    let text: String = row.try_get(col)?;
    AccountStatus::parse(&text).ok_or_else(|| StoreError::corrupt(format!("{col} {text:?}")))
}

#[async_trait]
impl AccountRepo for Db {
    async fn create_account(&self, a: &Account, password_hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO accounts (id, email, phone, terms_version, terms_accepted_at, \
             risk_disclosure_version, referral_code, created_at, password_hash, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id.to_string())
        .bind(a.email.clone())
        .bind(a.phone.clone())
        .bind(a.terms_version.clone())
        .bind(ts(a.terms_accepted_at))
        .bind(a.risk_disclosure_version.clone())
        .bind(a.referral_code.clone())
        .bind(ts(a.created_at))
        .bind(password_hash.to_owned())
        .bind(a.status.as_str())
        .execute(&self.pool)
        .await
        .map_err(conflict_on_unique("account_exists"))?;
        Ok(())
    }

    async fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(account).transpose()
    }

    async fn credentials_by_login(&self, login: &str) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM accounts WHERE email = $1 OR phone = $1"
        ))
        .bind(login.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(|r| {
                Ok(Credentials {
                    account: account(r)?,
                    password_hash: r.try_get("password_hash")?,
                })
            })
            .transpose()
    }

    async fn set_account_status(
        &self,
        id: AccountId,
        change: &StatusChange,
    ) -> Result<Account, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE accounts SET status = $1 WHERE id = $2")
            .bind(change.status.as_str())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO account_status_changes (id, account_id, status, reason, actor, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(gatehouse_core::ids::AttemptId::new().to_string())
        .bind(id.to_string())
        .bind(change.status.as_str())
        .bind(change.reason.clone())
        .bind(change.actor.clone())
        .bind(ts(change.at))
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let updated = account(&row)?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn status_history(&self, id: AccountId) -> Result<Vec<StatusChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, reason, actor, created_at FROM account_status_changes \
             WHERE account_id = $1 ORDER BY created_at, id",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StatusChange {
                    status: status_col(r, "status")?,
                    reason: r.try_get("reason")?,
                    actor: r.try_get("actor")?,
                    at: time_col(r, "created_at")?,
                })
            })
            .collect()
    }
}
