//! The repository contract: every test runs on SQLite and on PostgreSQL.

mod accounts;
mod applications;
mod identities;
mod images;
mod liveness;
mod review;
mod sanctions;
mod webhooks;

/// Declares one test per backend for an `async fn(Db)` body.
#[macro_export]
macro_rules! contract {
    ($name:ident, $body:ident) => {
        mod $name {
            use gatehouse_store::testing::TestDb;
            use gatehouse_store::Backend;

            #[tokio::test]
            async fn sqlite() {
                let t = TestDb::new(Backend::Sqlite).await;
                super::$body(t.db.clone()).await;
            }

            #[tokio::test]
            async fn postgres() {
                let t = TestDb::new(Backend::Postgres).await;
                super::$body(t.db.clone()).await;
            }
        }
    };
}
mod readings;
