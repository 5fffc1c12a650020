use chrono::{Duration, SubsecRound, Utc};
use gatehouse_store::models::{RescreenJob, SanctionsVersion};
use gatehouse_store::repo::SanctionsRepo;
use gatehouse_store::{Db, StoreError};

use crate::contract;

fn version(id: &str, source: &str, minutes: i64) -> SanctionsVersion {
    SanctionsVersion {
        id: id.into(),
        source: source.into(),
        format: "ofac-csv".into(),
        files: vec!["sdn.csv sha256:00".into()],
        entity_count: 2,
        imported_at: Utc::now().trunc_subsecs(6) + Duration::minutes(minutes),
    }
}

async fn imports_are_versions_and_all_or_nothing(db: Db) {
    let entities: Vec<(String, String)> = (0..700)
        .map(|i| (format!("{i}"), format!("{{\"n\":{i}}}")))
        .collect();
    db.import_version(&version("v1", "ofac_sdn", 0), &entities)
        .await
        .unwrap();
    db.import_version(&version("v2", "ofac_sdn", 1), &entities[..2])
        .await
        .unwrap();
    db.import_version(&version("u1", "un", 0), &entities[..1])
        .await
        .unwrap();
    let current = db.current_versions().await.unwrap();
    let ids: Vec<&str> = current.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["v2", "u1"]);
    assert_eq!(db.version_entities("v1").await.unwrap().len(), 700);
    assert_eq!(
        db.version_entities("v2").await.unwrap(),
        ["{\"n\":0}", "{\"n\":1}"]
    );

    // A duplicate entity id fails the whole import: no version, no entities.
    let dup = vec![
        ("1".to_owned(), "{}".to_owned()),
        ("1".to_owned(), "{}".to_owned()),
    ];
    let err = db.import_version(&version("v3", "ofac_sdn", 2), &dup).await;
    assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
    assert!(db.version_entities("v3").await.unwrap().is_empty());
    assert_eq!(db.current_versions().await.unwrap()[0].id, "v2");
}
contract!(sanctions_import, imports_are_versions_and_all_or_nothing);

async fn rescreen_jobs_resume_from_their_cursor(db: Db) {
    assert!(db.latest_rescreen_job().await.unwrap().is_none());
    let now = Utc::now().trunc_subsecs(6);
    let mut job = RescreenJob {
        id: "j1".into(),
        versions: vec!["v2".into()],
        status: "running".into(),
        cursor: None,
        screened: 0,
        hits: 0,
        started_at: now,
        updated_at: now,
    };
    db.save_rescreen_job(&job).await.unwrap();
    job.cursor = Some("app-9".into());
    job.screened = 10;
    job.hits = 1;
    db.save_rescreen_job(&job).await.unwrap();
    assert_eq!(db.latest_rescreen_job().await.unwrap(), Some(job));
}
contract!(rescreen_jobs, rescreen_jobs_resume_from_their_cursor);
