//! Sanctions screening: list import and name matching.

pub mod check;
pub mod import;
pub mod matcher;
