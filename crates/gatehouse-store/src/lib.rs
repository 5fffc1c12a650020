//! Gatehouse storage: small repository traits per aggregate, one SQL implementation that runs
//! on SQLite (the embedded default) and PostgreSQL (production), per-backend migrations, and
//! object storage for uploaded files.

pub mod db;
mod migrations;
pub mod models;
pub mod objects;
pub mod repo;
mod sql;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Backend, Db};
pub use objects::FileStore;

/// What can go wrong in storage. The text of `Database` and `Objects` is for logs only.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule or an optimistic-concurrency check refused the write.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("object storage error: {0}")]
    Objects(#[from] object_store::Error),
    /// A stored value no longer parses: a defect or manual tampering, never user input.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    #[error("configuration: {0}")]
    Config(String),
}

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }
}

/// Maps a unique-constraint violation to [`StoreError::Conflict`].
pub(crate) fn conflict_on_unique(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
        _ => StoreError::Database(e),
    }
}
