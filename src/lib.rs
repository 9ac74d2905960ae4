//! Prakat (ประกาศ): a single-binary public website and publication workflow for a small Thai
//! government district office.
//!
//! The rooms, from the inside out: [`thai`] and [`categories`] hold the conventions and the
//! fixed content model, [`store`] is the only place that speaks SQL, [`views`] draws pages,
//! [`web`] routes HTTP requests to them, [`demo`] fills a fresh site with sample content, and
//! [`cli`] wires everything together.

pub mod appliance;
pub mod categories;
pub mod cli;
pub mod compliance;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod paths;
pub mod search;
pub mod store;
pub mod thai;
pub mod views;
pub mod web;
pub mod workflow;
