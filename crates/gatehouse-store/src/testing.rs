//! Test support: a fresh database on either backend, removed afterwards. Used by this crate's
//! contract tests and by the server's HTTP tests.

use crate::{Backend, Db};

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("GATEHOUSE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A migrated, empty database that is deleted when dropped.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/gatehouse.db", dir.path().display());
                (url, Cleanup::Folder(dir))
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("gatehouse_test_{}", uuid::Uuid::now_v7().simple());
                sqlx::any::install_default_drivers();
                let mut admin = connect_admin(&admin_url).await;
                sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(&admin_url);
                (
                    format!("{base}/{name}"),
                    Cleanup::Postgres { admin_url, name },
                )
            }
        };
        let db = Db::connect(&url, 5).await.expect("connect test database");
        db.migrate().await.expect("migrate test database");
        Self { db, url, cleanup }
    }
}

impl TestDb {
    /// Runs raw SQL, for tests that must get behind the repositories (tampering).
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(sql).execute(&self.db.pool).await?;
        Ok(done.rows_affected())
    }
}

async fn connect_admin(url: &str) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::AnyConnection::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is required for the test suite and was not reachable at {url}: {e}. \
             Start it (scripts/test does) or set GATEHOUSE_TEST_POSTGRES_URL."
        )
    })
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime; use a thread with its own runtime. FORCE
            // ends the pool's connections, which belong to the test's runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    let mut admin = connect_admin(&admin_url).await;
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::Executor::execute(&mut admin, sql.as_str()).await;
                });
            })
            .join();
        }
    }
}
