//! Schema migrations, one ordered list per backend, applied in a transaction each.

use chrono::Utc;
use sqlx::Row;

use crate::db::{ts, Backend, Db};
use crate::StoreError;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_identity_graph",
        sqlite: include_str!("../migrations/sqlite/0002_identity_graph.sql"),
        postgres: include_str!("../migrations/postgres/0002_identity_graph.sql"),
    },
    Migration {
        version: 3,
        name: "0003_sanctions",
        sqlite: include_str!("../migrations/sqlite/0003_sanctions.sql"),
        postgres: include_str!("../migrations/postgres/0003_sanctions.sql"),
    },
    Migration {
        version: 4,
        name: "0004_images",
        sqlite: include_str!("../migrations/sqlite/0004_images.sql"),
        postgres: include_str!("../migrations/postgres/0004_images.sql"),
    },
    Migration {
        version: 6,
        name: "0006_review",
        sqlite: include_str!("../migrations/sqlite/0006_review.sql"),
        postgres: include_str!("../migrations/postgres/0006_review.sql"),
    },
    Migration {
        version: 7,
        name: "0007_webhooks",
        sqlite: include_str!("../migrations/sqlite/0007_webhooks.sql"),
        postgres: include_str!("../migrations/postgres/0007_webhooks.sql"),
    },
    Migration {
        version: 8,
        name: "0008_readings",
        sqlite: include_str!("../migrations/sqlite/0008_readings.sql"),
        postgres: include_str!("../migrations/postgres/0008_readings.sql"),
    },
    // 0005 was never used; the numbers only need to be unique and increasing.
    Migration {
        version: 9,
        name: "0009_liveness",
        sqlite: include_str!("../migrations/sqlite/0009_liveness.sql"),
        postgres: include_str!("../migrations/postgres/0009_liveness.sql"),
    },
];

pub(crate) async fn apply(db: &Db) -> Result<Vec<&'static str>, StoreError> {
    let mut conn = db.pool.acquire().await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    drop(conn);
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        let mut tx = db.pool.begin().await?;
        // Re-read inside the transaction so two processes migrating at once do not both apply.
        let done: Option<i64> =
            sqlx::query("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
        if done.is_some() {
            continue;
        }
        let script = match db.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        for statement in statements(script) {
            sqlx::query(&statement).execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(ts(Utc::now()))
        .execute(&mut *tx)
        .await
        .map_err(crate::conflict_on_unique("migration applied concurrently"))?;
        tx.commit().await?;
        applied.push(m.name);
    }
    Ok(applied)
}

/// Splits a migration script into statements, dropping `--` comment lines. Our scripts keep
/// semicolons out of string literals, so a semicolon at a line's end ends a statement.
fn statements(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in script.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("--") {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_into_statements() {
        let s = statements("-- c\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX i ON a(x);\n");
        assert_eq!(s.len(), 2);
        for m in MIGRATIONS {
            assert!(statements(m.sqlite).iter().all(|s| !s.contains("--")));
            assert_eq!(statements(m.sqlite).len(), statements(m.postgres).len());
        }
    }
}
