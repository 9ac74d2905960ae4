//! The publication workflow as plain Rust: who may move a request from which state to which
//! (seed 2.1, 3.2), what a valid request form holds, which attachments are accepted (seed 2.7),
//! and what makes a password acceptable.
//!
//! Nothing here speaks HTTP or SQL, so every rule is tested directly. The web layer (and the
//! scheduler) asks [`transition::plan`] for a decision with all its consequences, and
//! `store::requests::record` applies it in one transaction.

pub mod account;
pub mod amend;
pub mod audit;
pub mod delegation;
pub mod eservice;
pub mod files;
pub mod highlight;
pub mod password;
pub mod publish;
pub mod request;
pub mod state;
pub mod survey;
pub mod transition;
