use chrono::{Duration, Utc};
use gatehouse_core::ids::{AccountId, ApiKeyId};
use gatehouse_core::linkage::AccountStatus;
use gatehouse_store::models::{Account, ApiKey, KeyScope};
use gatehouse_store::repo::{AccountRepo, ApiKeyRepo, SessionRepo};
use gatehouse_store::{Db, StoreError};

use crate::contract;

pub fn account(email: Option<&str>, phone: Option<&str>) -> Account {
    let now = Utc::now();
    Account {
        id: AccountId::new(),
        email: email.map(str::to_owned),
        phone: phone.map(str::to_owned),
        terms_version: "2026-01".into(),
        terms_accepted_at: now,
        risk_disclosure_version: Some("rd-1".into()),
        referral_code: None,
        created_at: now,
        status: AccountStatus::Active,
    }
}

async fn accounts_are_unique_by_email_and_phone(db: Db) {
    let a = account(Some("a@example.com"), None);
    db.create_account(&a, "hash-a").await.unwrap();
    let dup = db
        .create_account(&account(Some("a@example.com"), None), "h")
        .await
        .unwrap_err();
    assert!(
        matches!(dup, StoreError::Conflict("account_exists")),
        "{dup:?}"
    );
    let p = account(None, Some("+8613800138000"));
    db.create_account(&p, "hash-p").await.unwrap();
    let dup = db
        .create_account(&account(None, Some("+8613800138000")), "h")
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict("account_exists")));
    // Two phone-only accounts do not collide on their missing e-mail.
    db.create_account(&account(None, Some("+8613900139000")), "h")
        .await
        .unwrap();

    let found = db
        .credentials_by_login("a@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.password_hash, "hash-a");
    // Stored times come back at microsecond precision.
    assert_eq!(found.account.id, a.id);
    assert_eq!(
        found.account.created_at.timestamp_micros(),
        a.created_at.timestamp_micros()
    );
    let by_phone = db
        .credentials_by_login("+8613800138000")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_phone.account.id, p.id);
    assert!(db
        .credentials_by_login("nobody@example.com")
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        db.account(p.id).await.unwrap().unwrap().phone.as_deref(),
        Some("+8613800138000")
    );
    assert!(db.account(AccountId::new()).await.unwrap().is_none());
}
contract!(accounts_unique, accounts_are_unique_by_email_and_phone);

async fn sessions_expire_and_can_be_deleted(db: Db) {
    let a = account(Some("s@example.com"), None);
    db.create_account(&a, "h").await.unwrap();
    let now = Utc::now();
    db.create_session("live", a.id, now, now + Duration::hours(1))
        .await
        .unwrap();
    db.create_session(
        "old",
        a.id,
        now - Duration::hours(2),
        now - Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(db.session_account("live", now).await.unwrap(), Some(a.id));
    assert_eq!(db.session_account("old", now).await.unwrap(), None);
    assert_eq!(db.session_account("unknown", now).await.unwrap(), None);
    assert_eq!(db.purge_expired_sessions(now).await.unwrap(), 1);
    db.delete_session("live").await.unwrap();
    assert_eq!(db.session_account("live", now).await.unwrap(), None);
    db.create_session("s1", a.id, now, now + Duration::hours(1))
        .await
        .unwrap();
    db.create_session("s2", a.id, now, now + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(db.delete_sessions_of(a.id).await.unwrap(), 2);
    assert_eq!(db.session_account("s2", now).await.unwrap(), None);
}
contract!(sessions, sessions_expire_and_can_be_deleted);

async fn api_keys_can_be_revoked(db: Db) {
    let key = ApiKey {
        id: ApiKeyId::new(),
        name: "backend".into(),
        scope: KeyScope::Integration,
        key_hash: "kh".into(),
        created_at: Utc::now(),
        revoked_at: None,
    };
    db.create_api_key(&key).await.unwrap();
    let found = db.active_api_key("kh").await.unwrap().unwrap();
    assert_eq!(found.scope, KeyScope::Integration);
    assert_eq!(db.list_api_keys().await.unwrap().len(), 1);
    db.revoke_api_key(key.id, Utc::now()).await.unwrap();
    assert!(db.active_api_key("kh").await.unwrap().is_none());
    assert!(matches!(
        db.revoke_api_key(key.id, Utc::now()).await,
        Err(StoreError::NotFound)
    ));
    assert!(db.list_api_keys().await.unwrap()[0].revoked_at.is_some());
}
contract!(api_keys, api_keys_can_be_revoked);

async fn migrations_are_idempotent(db: Db) {
    assert!(db.migrate().await.unwrap().is_empty());
    db.ping().await.unwrap();
}
contract!(migrations, migrations_are_idempotent);
