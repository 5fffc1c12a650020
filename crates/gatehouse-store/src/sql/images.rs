use async_trait::async_trait;
use gatehouse_core::application::Slot;
use sqlx::Row;

use super::{parsed_col, time_col};
use crate::db::ts;
use crate::models::ImageHash;
use crate::repo::ImageHashRepo;
use crate::{Db, StoreError};

#[async_trait]
impl ImageHashRepo for Db {
    async fn record_image_hash(&self, hash: &ImageHash) -> Result<(), StoreError> {
        let [b0, b1, b2, b3, b4] = hash.bands;
        sqlx::query(
            "INSERT INTO image_hashes (file_id, application_id, account_id, slot, coarse, fine, \
                                       band0, band1, band2, band3, band4, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (file_id) DO NOTHING",
        )
        .bind(hash.file_id.to_string())
        .bind(hash.application_id.to_string())
        .bind(hash.account_id.to_string())
        .bind(hash.slot.as_str())
        .bind(hash.coarse.clone())
        .bind(hash.fine.clone())
        .bind(b0)
        .bind(b1)
        .bind(b2)
        .bind(b3)
        .bind(b4)
        .bind(ts(hash.recorded_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn images_sharing_a_band(
        &self,
        bands: [i64; 5],
        limit: u32,
    ) -> Result<Vec<ImageHash>, StoreError> {
        let [b0, b1, b2, b3, b4] = bands;
        // One OR per band: both engines turn this into a union of index probes.
        let rows = sqlx::query(&format!(
            "SELECT file_id, application_id, account_id, slot, coarse, fine, \
                    band0, band1, band2, band3, band4, recorded_at \
             FROM image_hashes \
             WHERE band0 = $1 OR band1 = $2 OR band2 = $3 OR band3 = $4 OR band4 = $5 \
             ORDER BY recorded_at DESC LIMIT {}",
            limit.clamp(1, 10_000)
        ))
        .bind(b0)
        .bind(b1)
        .bind(b2)
        .bind(b3)
        .bind(b4)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let slot: String = r.try_get("slot")?;
                Ok(ImageHash {
                    file_id: parsed_col(r, "file_id")?,
                    application_id: parsed_col(r, "application_id")?,
                    account_id: parsed_col(r, "account_id")?,
                    slot: Slot::parse(&slot)
                        .ok_or_else(|| StoreError::corrupt(format!("slot: {slot}")))?,
                    coarse: r.try_get("coarse")?,
                    fine: r.try_get("fine")?,
                    bands: [
                        r.try_get("band0")?,
                        r.try_get("band1")?,
                        r.try_get("band2")?,
                        r.try_get("band3")?,
                        r.try_get("band4")?,
                    ],
                    recorded_at: time_col(r, "recorded_at")?,
                })
            })
            .collect()
    }
}
