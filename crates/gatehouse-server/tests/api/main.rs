//! HTTP integration tests: the real server on a random port, on SQLite and on PostgreSQL.

mod accounts;
mod applications;
mod backoffice;
mod faces;
mod helpers;
mod identity;
mod images;
mod links;
mod liveness;
mod operators;
mod photo_reading;
mod receiver;
mod region;
mod review;
mod robustness;
mod sanctions;
mod webhook_endpoints;
mod webhooks;

/// Declares one test per backend for an `async fn(Backend)` of the same name.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(gatehouse_store::Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn postgres() {
                super::$name(gatehouse_store::Backend::Postgres).await;
            }
        }
    };
}
