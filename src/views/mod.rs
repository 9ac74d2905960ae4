//! HTML pages, written with maud. One module per page group; every page goes through the one
//! shared [`layout`].

pub mod admin;
pub mod amend;
pub mod charts;
pub mod compliance;
pub mod csv;
pub mod eservices;
pub mod forms;
pub mod health;
pub mod import;
pub mod layout;
pub mod people;
pub mod photos;
pub mod policies;
pub mod prefs;
pub mod public;
pub mod rich;
pub mod search_admin;
pub mod settings;
pub mod sitemap;
pub mod staff;
pub mod stats;
pub mod text;
pub mod theme;
pub mod totp;

use crate::config::Office;
use crate::thai::Digits;

/// What every page needs to draw its header, navigation and footer.
#[derive(Debug, Clone)]
pub struct Chrome<'a> {
    /// The settings in force (the office, its logo and colours).
    pub settings: std::sync::Arc<crate::config::Settings>,
    /// Digits for dates and numbers.
    pub digits: Digits,
    /// When public content last changed (Unix seconds), for the footer.
    pub last_updated: Option<i64>,
    /// The area slug to mark as current in the navigation.
    pub current_area: Option<&'a str>,
    /// Page views today, this month and in all, for the footer counter.
    pub counter: Option<(u64, u64, u64)>,
}

impl Chrome<'_> {
    /// The office the site belongs to.
    pub fn office(&self) -> &Office {
        &self.settings.office
    }
}

/// A link in the breadcrumb trail.
#[derive(Debug, Clone)]
pub struct Crumb {
    /// Text shown.
    pub label: String,
    /// Where it leads; `None` for the current page.
    pub href: Option<String>,
}

impl Crumb {
    /// A crumb that links somewhere.
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Crumb {
        Crumb { label: label.into(), href: Some(href.into()) }
    }

    /// The crumb for the page itself.
    pub fn here(label: impl Into<String>) -> Crumb {
        Crumb { label: label.into(), href: None }
    }
}
