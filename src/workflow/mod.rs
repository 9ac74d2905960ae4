//! The publication workflow as plain Rust: who may move a request from which state to which
//! (seed 2.1, 3.2), what a valid request form holds, which attachments are accepted (seed 2.7),
//! and what makes a password acceptable.
//!
//! Nothing here speaks HTTP or SQL, so every rule is tested directly. The web layer asks these
//! modules for a decision, and the store records it.

pub mod account;
pub mod eservice;
pub mod files;
pub mod password;
pub mod request;
pub mod state;
pub mod survey;
