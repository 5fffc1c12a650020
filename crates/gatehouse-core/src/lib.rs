//! Gatehouse domain: the types an application is made of, its state machine, the reason
//! catalogue and the decision policy. Nothing here performs I/O.

/// Implements the string plumbing of a validated string newtype `T(String)` whose
/// `T::parse(&str) -> Result<T, Invalid>` is the only way in: `as_str`, and the `TryFrom<String>`
/// / `Into<String>` pair that serde's `try_from`/`into` attributes use.
macro_rules! string_newtype {
    ($t:ident) => {
        impl $t {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $t {
            type Error = $crate::Invalid;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$t> for String {
            fn from(value: $t) -> Self {
                value.0
            }
        }
    };
}

pub mod account;
pub mod application;
mod countries_table;
pub mod country;
pub mod decision;
pub mod i18n;
pub mod ids;
pub mod linkage;
pub mod liveness;
pub mod password;
pub mod person;
pub mod policy;
pub mod reasons;
pub mod region;
pub mod signature;

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

pub mod events;
