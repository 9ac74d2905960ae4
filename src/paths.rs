//! Public URLs, built in one place so that links and routes cannot drift apart.

use crate::categories::{Area, Place};

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
    fn thai_file_names_are_encoded() {
        assert_eq!(file(7, "แผน 2569.pdf"), "/files/7/%E0%B9%81%E0%B8%9C%E0%B8%99%202569.pdf");
        let place = Place::parse("news/procurement-results").unwrap();
        assert_eq!(self::place(place), "/c/news/procurement-results");
    }
}
