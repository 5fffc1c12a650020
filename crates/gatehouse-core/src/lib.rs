//! Gatehouse domain: the types an application is made of, its state machine, the reason
//! catalogue and the decision policy. Nothing here performs I/O.

pub mod account;
pub mod application;
mod countries_table;
pub mod country;
pub mod decision;
pub mod i18n;
pub mod ids;
pub mod password;
pub mod person;
pub mod policy;
pub mod reasons;

/// A value that failed to parse into a domain type: a stable code and a human-readable message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    /// Stable machine code, e.g. `invalid_email`.
    pub code: &'static str,
    /// English explanation for logs and API `errors[].message`.
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}
