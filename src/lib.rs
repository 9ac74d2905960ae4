//! Prakat (ประกาศ): a single-binary public website and publication workflow for a small Thai
//! government district office.
//!
//! The rooms, from the inside out: [`thai`] and [`categories`] hold the conventions and the
//! fixed content model, [`workflow`] the rules (pure Rust: no HTTP, no SQL), [`store`] is the only
//! place that speaks SQL, [`views`] draws pages, [`web`] routes HTTP requests to them,
//! [`appliance`] runs the duties of the box (scheduler, TLS, logs, backups, updates), [`demo`]
//! fills a fresh site with sample content, [`import`] brings an office's old website over
//! (WordPress or CSV, old URLs kept as redirects), and [`cli`] wires everything together.
//!
//! # Architecture: the path of one request
//!
//! An approver presses "อนุมัติ" on `/staff/requests/12`:
//!
//! 1. [`web::listener`] accepts the connection (limits, TLS); [`web::frame`] takes what the
//!    traffic log, visit counts, caching and compression need, and answers a cached public page
//!    at once; [`web::access`] checks that the
//!    path ([`paths::is_private`]) is reached from the office LAN; [`web::session::Staff`]
//!    finds the session and the CSRF token is checked.
//! 2. The handler (`web::staff::decide_on`) loads the request through
//!    [`store::requests::get`] — typed values ([`workflow::state::State`], roles, audit actions)
//!    are parsed once there, and an unknown value is an error naming the row.
//! 3. It asks [`workflow::transition::plan`] for a [`workflow::transition::Plan`]: whether the
//!    approver may ([`workflow::state::decide`]), the new state, and the effects as data — the
//!    audit lines ([`workflow::audit::AuditAction`]), who is told what, what happens to the item.
//! 4. [`store::requests::record`] applies the plan in one SQLite transaction, only if the request
//!    is still in the state the plan was based on. The scheduler's expiry job goes the same way
//!    ([`store::requests::expire_due`]).
//! 5. The handler redirects; [`views`] draws the next page.
//!
//! # Where a new thing goes
//!
//! - **A rule or transition**: a variant in [`workflow::state::Action`] (who may, from which
//!   state) and its effects in [`workflow::transition::plan`], each with a row in their tables
//!   of tests; a new kind of audit line is a variant of [`workflow::audit::AuditAction`] with its
//!   Thai and English labels.
//! - **A page**: a handler in [`web`] (thin: read, ask the workflow, call the store, draw), its
//!   markup in [`views`], its URL builder in [`paths`], its route in `web::site`.
//! - **Something every response needs** (a header, a count): a step in [`web::frame`], not
//!   another middleware layer.
//! - **A setting**: a typed field in [`config::Settings`] with a default; enumerated values are
//!   types, so an unknown name is refused at load with the key and value (`prakat doctor` and
//!   `prakat serve` exit non-zero).
//! - **A periodic duty**: a [`appliance::scheduler::Job`] in [`appliance::scheduler::duties`]; its
//!   runs and last error appear on `/admin/health`.
//! - **A table**: a migration in `store::migrations` (with a `down` that loses nothing) and a
//!   module in [`store`].

pub mod appliance;
pub mod categories;
pub mod cli;
pub mod compliance;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod embedded;
pub mod import;
pub mod paths;
pub mod search;
pub mod store;
pub mod thai;
pub mod views;
pub mod web;
pub mod workflow;
