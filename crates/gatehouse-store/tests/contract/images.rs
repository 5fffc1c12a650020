use chrono::{Duration, SubsecRound, Utc};
use gatehouse_core::application::Slot;
use gatehouse_core::ids::FileId;
use gatehouse_store::models::ImageHash;
use gatehouse_store::repo::ImageHashRepo;
use gatehouse_store::Db;

use crate::applications::new_application;
use crate::contract;

async fn pictures_are_found_by_any_shared_band(db: Db) {
    let first = new_application(&db, "img1@example.com").await;
    let second = new_application(&db, "img2@example.com").await;
    let now = Utc::now().trunc_subsecs(6);
    let hash = |app: &gatehouse_store::models::Application, slot, bands, at| ImageHash {
        file_id: FileId::new(),
        application_id: app.id,
        account_id: app.account_id,
        slot,
        coarse: "00ff00ff00ff00ff".into(),
        fine: "ab".repeat(32),
        bands,
        recorded_at: at,
    };
    let a = hash(&first, Slot::DocumentFront, [1, 2, 3, 4, 5], now);
    let b = hash(
        &second,
        Slot::DocumentBack,
        [9, 9, 9, 4, 9],
        now + Duration::seconds(1),
    );
    let c = hash(&second, Slot::Selfie, [7, 7, 7, 7, 7], now);
    for h in [&a, &b, &c] {
        db.record_image_hash(h).await.unwrap();
    }
    // Recording a file twice keeps the first record.
    db.record_image_hash(&ImageHash {
        coarse: "1".repeat(16),
        ..a.clone()
    })
    .await
    .unwrap();

    let found = db.images_sharing_a_band([0, 0, 0, 4, 0], 10).await.unwrap();
    assert_eq!(
        found,
        vec![b.clone(), a.clone()],
        "newest first, each band probed"
    );
    let found = db.images_sharing_a_band([0, 0, 0, 0, 7], 10).await.unwrap();
    assert_eq!(found, vec![c]);
    assert!(db
        .images_sharing_a_band([0; 5], 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        db.images_sharing_a_band([1, 9, 0, 0, 0], 1).await.unwrap(),
        vec![b]
    );
}
contract!(
    pictures_are_found_by_any_shared_band,
    pictures_are_found_by_any_shared_band
);
