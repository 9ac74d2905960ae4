//! Public URLs, built in one place so that links and routes cannot drift apart.

use crate::categories::{Area, Place};

/// Names inside the data directory, in one place: every part of the program that reads or
/// writes there (store, backups, restore, sweep, health, logs, TLS, updates) uses these.
pub mod data {
    /// The SQLite database.
    pub const DB: &str = "prakat.db";
    /// The settings file.
    pub const SETTINGS: &str = "prakat.toml";
    /// Stored attachments (content-addressed), with `tmp/` for uploads in progress.
    pub const FILES: &str = "files";
    /// Public copies of photos (resized, upright, no metadata), made from `files/`; not backed
    /// up and not swept, as they can always be made again.
    pub const PHOTOS: &str = "photos";
    /// Traffic logs, one file a day.
    pub const LOGS: &str = "logs";
    /// Backup zips.
    pub const BACKUPS: &str = "backups";
    /// HTTPS certificates and keys.
    pub const CERTS: &str = "certs";
    /// Files found with no row, kept 30 days before deletion.
    pub const QUARANTINE: &str = "quarantine";
    /// The lock a running server or restore holds.
    pub const LOCK: &str = "prakat.lock";
    /// What the last release check found.
    pub const UPDATE_STATUS: &str = "update-status.json";
    /// The office's uploaded logo.
    pub const OFFICE: &str = "office";
}

/// The office's logo (the uploaded one, or the built-in emblem), with a version that changes
/// when it does, so it may be cached for long.
pub fn logo(office: &crate::config::Office) -> String {
    let version = office.logo.strip_prefix("logo-").and_then(|r| r.split('.').next());
    let version = version.unwrap_or(env!("PRAKAT_ASSETS_HASH"));
    format!("/logo?v={version}")
}

/// The office's uploaded map image, versioned by its hash so it may be cached long; `None`
/// when there is none.
pub fn map_image(office: &crate::config::Office) -> Option<String> {
    let version = office.map_image.strip_prefix("map-")?.split(['-', '.']).next()?;
    Some(format!("/map-image?v={version}"))
}

/// The home page.
pub const HOME: &str = "/";
/// Search (`?q=`).
pub const SEARCH: &str = "/search";
/// The public ITA/MOIT evidence index.
pub const ITA: &str = "/ita";
/// The XML sitemap.
pub const SITEMAP: &str = "/sitemap.xml";
/// The sitemap for people: every area, sub-area and fixed page as links.
pub const SITEMAP_PAGE: &str = "/sitemap";
/// The Atom feed of everything.
pub const FEED_ALL: &str = "/feeds/all.xml";
/// e-Services.
pub const ESERVICES: &str = "/eservices";
/// Public questions and answers.
pub const QA: &str = "/qa";
/// The satisfaction survey.
pub const SURVEY: &str = "/survey";
/// The survey's results.
pub const SURVEY_RESULTS: &str = "/survey/results";
/// Visitor statistics.
pub const STATS: &str = "/stats";

/// Public pages with a fixed address, besides areas, items and policies: what the sitemap lists
/// and the page cache may warm.
pub const FIXED_PUBLIC_PAGES: [&str; 7] = [HOME, ESERVICES, QA, SURVEY, SURVEY_RESULTS, STATS, ITA];

/// The Atom feed of one area.
pub fn feed(area_slug: &str) -> String {
    format!("/feeds/{area_slug}.xml")
}

/// A policy page (privacy, cookies, accessibility …).
pub fn policy(slug: &str) -> String {
    format!("/policy/{slug}")
}

/// The page of the content area with this slug (`news`); the home page for an unknown slug,
/// which a unit test rules out for every slug the site links to.
pub fn area_slug(slug: &str) -> String {
    crate::categories::area(slug).map_or_else(|| HOME.to_owned(), area)
}

/// The page of a content area.
pub fn area(area: &Area) -> String {
    format!("/c/{}", area.slug)
}

/// The page of a sub-category.
pub fn place(place: Place) -> String {
    format!("/c/{}/{}", place.area.slug, place.sub.slug)
}

/// The page of an item.
pub fn item(id: i64) -> String {
    format!("/items/{id}")
}

/// The download link of an attachment. The file name is only there for people and browsers
/// that save under the last path segment; the id decides what is served.
pub fn file(attachment_id: i64, file_name: &str) -> String {
    format!("/files/{attachment_id}/{}", percent_encode_segment(file_name))
}

/// The same file offered as a download (`Content-Disposition: attachment`); for a photo, its
/// widest public copy.
pub fn download(attachment_id: i64, file_name: &str) -> String {
    format!("{}?download=1", file(attachment_id, file_name))
}

/// The public copy `width` pixels wide of a photo attachment (always a JPEG, so the name
/// ends in `.jpg`).
pub fn photo_copy(attachment_id: i64, width: u32, file_name: &str) -> String {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(stem, _)| stem);
    format!("/files/{attachment_id}/{width}/{}", percent_encode_segment(&format!("{stem}.jpg")))
}

/// The original of a photo as uploaded (EXIF and all): for signed-in staff only, 403 to
/// everyone else.
pub fn original(attachment_id: i64, file_name: &str) -> String {
    format!("/files/{attachment_id}/{ORIGINAL}/{}", percent_encode_segment(file_name))
}

/// The path segment of [`original`].
pub const ORIGINAL: &str = "original";

/// The full-size view of photo `n` (from 1) of an item, with previous and next links.
pub fn photo_page(item_id: i64, n: usize) -> String {
    format!("/items/{item_id}/photos/{n}")
}

/// Where web masters pin items to the home page.
pub const HIGHLIGHTS: &str = "/staff/highlights";

/// The first segments of every page that is for the office only: staff workflow,
/// administration, login and first-admin setup.
pub const PRIVATE_PREFIXES: [&str; 5] = ["/staff", "/admin", "/login", "/logout", "/setup"];

/// Whether `path` is an office-only page: one of [`PRIVATE_PREFIXES`] itself or below it
/// (`/staff/requests/1` is private, `/staffing` is not). The one rule used by access control,
/// caching, visit counting and traffic logging.
pub fn is_private(path: &str) -> bool {
    PRIVATE_PREFIXES
        .iter()
        .any(|p| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// The staff dashboard.
pub const STAFF_HOME: &str = "/staff";

/// The login page.
pub const LOGIN: &str = "/login";

/// A request's staff page.
pub fn staff_request(id: i64) -> String {
    format!("/staff/requests/{id}")
}

/// An embedded static asset, with the fingerprint of the assets (so it may be cached forever).
pub fn asset(name: &str) -> String {
    format!("/assets/{name}?v={}", env!("PRAKAT_ASSETS_HASH"))
}

/// Everything but RFC 3986 unreserved characters is encoded.
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes `s` for one path segment or an RFC 5987 `filename*` value.
pub fn percent_encode_segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_pages_are_whole_segments() {
        for p in
            ["/staff", "/staff/requests/1", "/admin/users", "/login", "/login/totp", "/logout", "/setup/abc"]
        {
            assert!(is_private(p), "{p}");
        }
        for p in ["/", "/c/news", "/items/1", "/staffing", "/loginx", "/administration", "/search"] {
            assert!(!is_private(p), "{p}");
        }
    }

    #[test]
    fn areas_linked_by_slug_exist() {
        for slug in ["general", "oia", "news"] {
            assert_eq!(area_slug(slug), format!("/c/{slug}"));
        }
    }

    #[test]
    fn thai_file_names_are_encoded() {
        assert_eq!(file(7, "แผน 2569.pdf"), "/files/7/%E0%B9%81%E0%B8%9C%E0%B8%99%202569.pdf");
        assert_eq!(photo_copy(3, 800, "a b.PNG"), "/files/3/800/a%20b.jpg");
        assert_eq!(original(3, "a.jpg"), "/files/3/original/a.jpg");
        assert_eq!(photo_page(5, 2), "/items/5/photos/2");
        let place = Place::parse("news/procurement-results").unwrap();
        assert_eq!(self::place(place), "/c/news/procurement-results");
    }
}
