use async_trait::async_trait;
use gatehouse_core::ids::AccountId;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{parsed_col, time_col};
use crate::db::ts;
use crate::models::{Account, Credentials};
use crate::repo::AccountRepo;
use crate::{conflict_on_unique, Db, StoreError};

const COLUMNS: &str = "id, email, phone, terms_version, terms_accepted_at, \
                       risk_disclosure_version, referral_code, created_at, password_hash";

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
    })
}

#[async_trait]
impl AccountRepo for Db {
    async fn create_account(&self, a: &Account, password_hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO accounts (id, email, phone, terms_version, terms_accepted_at, \
             risk_disclosure_version, referral_code, created_at, password_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
}
