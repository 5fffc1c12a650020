use chrono::{Duration, SubsecRound, Utc};
use gatehouse_core::ids::AccountId;
use gatehouse_core::linkage::{AccountStatus, IdentifierKind};
use gatehouse_store::models::{Identifier, StatusChange};
use gatehouse_store::repo::{AccountRepo, IdentityRepo};
use gatehouse_store::{Db, StoreError};

use crate::accounts::account;
use crate::contract;

fn ident(kind: IdentifierKind, hash: &str) -> Identifier {
    Identifier {
        kind,
        hash: hash.to_owned(),
        masked: format!("{}***", &hash[..1]),
    }
}

async fn status_changes_are_recorded_with_who_and_why(db: Db) {
    let a = account(Some("status@example.com"), None);
    db.create_account(&a, "h").await.unwrap();
    let now = Utc::now().trunc_subsecs(6);
    let change = StatusChange {
        status: AccountStatus::Banned,
        reason: "chargeback fraud".into(),
        actor: "key:ops".into(),
        at: now,
    };
    let updated = db.set_account_status(a.id, &change).await.unwrap();
    assert_eq!(updated.status, AccountStatus::Banned);
    assert_eq!(
        db.account(a.id).await.unwrap().unwrap().status,
        AccountStatus::Banned
    );
    let later = StatusChange {
        status: AccountStatus::Active,
        reason: "appeal upheld".into(),
        at: now + Duration::seconds(1),
        ..change.clone()
    };
    db.set_account_status(a.id, &later).await.unwrap();
    let history = db.status_history(a.id).await.unwrap();
    assert_eq!(history, vec![change.clone(), later]);
    assert!(matches!(
        db.set_account_status(AccountId::new(), &change).await,
        Err(StoreError::NotFound)
    ));
}
contract!(status_changes, status_changes_are_recorded_with_who_and_why);

async fn shared_identifiers_link_accounts(db: Db) {
    let a = account(Some("a@example.com"), None);
    let b = account(Some("b@example.com"), None);
    let c = account(Some("c@example.com"), None);
    for x in [&a, &b, &c] {
        db.create_account(x, "h").await.unwrap();
    }
    let t0 = Utc::now().trunc_subsecs(6);
    db.record_identifiers(
        a.id,
        &[
            ident(IdentifierKind::Device, "dev1"),
            ident(IdentifierKind::Email, "ema"),
        ],
        t0,
    )
    .await
    .unwrap();
    db.record_identifiers(
        b.id,
        &[
            ident(IdentifierKind::Device, "dev1"),
            ident(IdentifierKind::Ip, "ip1"),
        ],
        t0,
    )
    .await
    .unwrap();
    // Recording again only refreshes last_seen.
    let t1 = t0 + Duration::minutes(5);
    db.record_identifiers(b.id, &[ident(IdentifierKind::Device, "dev1")], t1)
        .await
        .unwrap();
    db.record_identifiers(c.id, &[ident(IdentifierKind::Ip, "ip1")], t1)
        .await
        .unwrap();

    let links = db.links(a.id, 100).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].account_id, b.id);
    assert_eq!(links[0].kind, IdentifierKind::Device);
    assert_eq!(links[0].masked, "d***");
    assert_eq!(links[0].mine_seen, t0);
    assert_eq!(links[0].theirs_seen, t1);
    assert_eq!(links[0].status, AccountStatus::Active);

    let from_b = db.links(b.id, 100).await.unwrap();
    let mut pairs: Vec<_> = from_b.iter().map(|l| (l.account_id, l.kind)).collect();
    pairs.sort();
    let mut expected = vec![(a.id, IdentifierKind::Device), (c.id, IdentifierKind::Ip)];
    expected.sort();
    assert_eq!(pairs, expected);
    assert!(db.links(AccountId::new(), 100).await.unwrap().is_empty());
}
contract!(identity_graph, shared_identifiers_link_accounts);
