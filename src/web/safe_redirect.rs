//! Where a `next=` or `back=` parameter may send the browser: one function, used by every
//! redirect whose target comes from the request, so that no page of Prakat is an open
//! redirect (`/prefs/text-large?back=/%09/evil.example` once sent browsers off-site).

use axum::response::Redirect;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Longest target kept, in bytes.
const MAX_LEN: usize = 1000;

/// Characters encoded when the target is written into the `Location` header: anything that
/// is not plain visible ASCII (Thai text in a query, for one), plus the few that browsers
/// treat specially. `%` stays as it is: the target is already in its encoded form.
const LOCATION: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`').add(b'{').add(b'}').add(b'|').add(b'^');

/// Whether `target` is a path on this site: it starts with one `/`, and has no `//`, no `\\`
/// and no control or white-space characters in its path, checked on the text as given and
/// again after each round of percent-decoding (so `%2F%2F`, `%5C` and `%09` are refused
/// too). The query and fragment may hold encoded spaces (a search for two words) but no raw
/// control or white-space character and no `\\`.
pub fn is_local(target: &str) -> bool {
    if target.len() > MAX_LEN || !target.starts_with('/') {
        return false;
    }
    let bad_char = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    if target.chars().any(bad_char) {
        return false;
    }
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let mut text = path.to_owned();
    // Three rounds cover double and triple encoding; more is refused outright.
    for _ in 0..4 {
        if text.contains("//") || text.chars().any(bad_char) {
            return false;
        }
        let decoded = match percent_decode_str(&text).decode_utf8() {
            Ok(d) => d.into_owned(),
            // Undecodable bytes: not a path anyone links to.
            Err(_) => return false,
        };
        if decoded == text {
            return true;
        }
        text = decoded;
    }
    false
}

/// `target` if it is a local path (see [`is_local`]), ready for a `Location` header;
/// otherwise `default`.
pub fn local_or(target: Option<&str>, default: &str) -> String {
    match target {
        Some(t) if is_local(t) => utf8_percent_encode(t, LOCATION).to_string(),
        _ => default.to_owned(),
    }
}

/// A 303 redirect to `target` if it is a local path, otherwise to `default`.
pub fn to(target: Option<&str>, default: &str) -> Redirect {
    Redirect::to(&local_or(target, default))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        for ok in [
            "/",
            "/c/news?page=2",
            "/search?q=%E0%B8%A0",
            "/staff/requests/3#files",
            "/items/1?x=a%2Bb",
            "/search?q=a%20b",
            "/s?u=https://x",
        ] {
            assert!(is_local(ok), "{ok}");
        }
        for bad in [
            "",
            "staff",
            "//evil.example",
            "/\t/evil.example/phish",
            "/\n/evil.example",
            "/\r//evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/%25252F/evil.example",
            "https://evil.example",
            "/\u{0}x",
            "/\u{85}//x",
            "/\u{3000}/evil",
            "/%E0%A4",
            "/a//b",
            "/?q=a\tb",
        ] {
            assert!(!is_local(bad), "{bad:?}");
        }
        assert!(!is_local(&format!("/{}", "a".repeat(MAX_LEN))));
    }

    #[test]
    fn the_target_is_a_valid_header_value() {
        assert_eq!(local_or(Some("/search?q=ภาษี"), "/"), "/search?q=%E0%B8%A0%E0%B8%B2%E0%B8%A9%E0%B8%B5");
        assert_eq!(local_or(Some("//evil"), "/staff"), "/staff");
        assert_eq!(local_or(None, "/"), "/");
        // Never panics on what a visitor sends.
        for t in ["/ok", "/ภาษี", "/\u{7f}", "/x\"y<z>"] {
            let _ = to(Some(t), "/");
        }
    }
}
