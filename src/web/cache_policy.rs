//! Who may keep a copy of a response, and for how long: the `Cache-Control` of every response,
//! decided in one place so that a reverse proxy or CDN in front of Prakat can follow it.
//!
//! - Public pages: `public, max-age=N, stale-while-revalidate=N` (N is
//!   `[cache] public_max_age_secs`, 60 s by default), so a withdrawn item disappears from
//!   shared caches within about N seconds. Their HTML depends on the reading-preferences cookie,
//!   so they also vary on `Cookie`; a request that carries a cookie (preferences, a staff
//!   session) gets `private, no-cache` instead.
//! - Assets and stored files carry their own policy (see `assets` and `download`).
//! - Staff, admin, login and form pages, anything answering a POST, and any response that sets
//!   a cookie: `private, no-store`. A shared cache never stores a `Set-Cookie`.
//! - Errors other than 404 and 410 (a 429, a 500): `no-store`, so a passing fault is not
//!   repeated from a cache.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use super::compress::add_vary;

/// Neither the browser nor anything on the way may keep it.
pub const PRIVATE_NO_STORE: &str = "private, no-store";

// The fixed policies as header values, checked when Prakat is compiled.
const PRIVATE_NO_STORE_VALUE: HeaderValue = HeaderValue::from_static(PRIVATE_NO_STORE);
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
const PRIVATE_NO_CACHE: HeaderValue = HeaderValue::from_static("private, no-cache");

/// Paths whose pages are personal, hold a single-use form token, or set cookies: the office's
/// own pages ([`crate::paths::is_private`]), reading choices, case tracking, the survey form
/// and the e-Service forms (`/eservices/{kind}`; their index and statistics are public).
pub fn is_private_path(path: &str) -> bool {
    let under =
        |prefix: &str| path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'));
    crate::paths::is_private(path)
        || under("/prefs")
        || under("/track")
        || path == "/survey"
        || path.strip_prefix("/eservices/").is_some_and(|kind| !kind.is_empty() && kind != "stats")
}

/// What a response to a request is: everything [`decide`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    /// Request path.
    pub path: &'a str,
    /// Whether the request was a GET or HEAD.
    pub read: bool,
    /// Whether the request carried a cookie or credentials (its page may be personal).
    pub credentials: bool,
    /// Response status.
    pub status: StatusCode,
    /// Whether the response sets a cookie.
    pub sets_cookie: bool,
    /// The handler's own `Cache-Control`, if it set one.
    pub own: Option<&'a str>,
}

/// The `Cache-Control` a response should carry, and whether it is a public page that varies
/// on the cookie; `None` keeps the handler's own.
pub fn decide(x: Exchange<'_>, max_age: u32) -> (Option<HeaderValue>, bool) {
    if x.sets_cookie || !x.read || is_private_path(x.path) {
        return (Some(PRIVATE_NO_STORE_VALUE), false);
    }
    if x.path == "/healthz" {
        return (Some(NO_STORE), false);
    }
    if !matches!(
        x.status,
        StatusCode::OK | StatusCode::NOT_FOUND | StatusCode::GONE | StatusCode::NOT_MODIFIED
    ) {
        return (Some(NO_STORE), false);
    }
    if x.own.is_some() {
        return (None, false);
    }
    if x.credentials {
        return (Some(PRIVATE_NO_CACHE), true);
    }
    (Some(public_value(max_age)), true)
}

/// The policy of a public page or file.
pub fn public(max_age: u32) -> String {
    format!("public, max-age={max_age}, stale-while-revalidate={max_age}")
}

/// [`public`] as a header value; the default's is a constant (every public page answered
/// carries it).
pub fn public_value(max_age: u32) -> HeaderValue {
    const DEFAULT: HeaderValue = HeaderValue::from_static("public, max-age=60, stale-while-revalidate=60");
    if max_age == 60 {
        return DEFAULT;
    }
    // Digits and ASCII letters only: always a valid value.
    HeaderValue::from_str(&public(max_age)).unwrap_or(PRIVATE_NO_CACHE)
}

/// Sets `Cache-Control` (and `Vary: Cookie` on public pages) by [`decide`] on the response to
/// a request for `path`; `read` when it was a GET or HEAD, `credentials` when it carried a
/// cookie or credentials. Part of the [frame](super::frame).
pub fn apply(response: &mut Response, path: &str, read: bool, credentials: bool, max_age: u32) {
    let headers = response.headers();
    let exchange = Exchange {
        path,
        read,
        credentials,
        status: response.status(),
        sets_cookie: headers.contains_key(header::SET_COOKIE),
        own: headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()),
    };
    let (policy, varies_on_cookie) = decide(exchange, max_age);
    let not_modified = response.status() == StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    if let Some(policy) = policy {
        headers.insert(header::CACHE_CONTROL, policy);
    }
    let html = headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if varies_on_cookie && (html || not_modified) {
        add_vary(headers, "Cookie");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(decided: (Option<HeaderValue>, bool)) -> Option<String> {
        decided.0.map(|v| v.to_str().unwrap().to_owned())
    }

    fn x(path: &str) -> Exchange<'_> {
        Exchange {
            path,
            read: true,
            credentials: false,
            status: StatusCode::OK,
            sets_cookie: false,
            own: None,
        }
    }

    #[test]
    fn staff_admin_login_and_forms_are_never_stored() {
        for path in [
            "/staff",
            "/staff/requests/3",
            "/admin/users",
            "/login",
            "/login/totp",
            "/setup/abc",
            "/prefs/large",
            "/track",
            "/survey",
            "/eservices/complaint",
        ] {
            assert_eq!(text(decide(x(path), 60)).as_deref(), Some(PRIVATE_NO_STORE), "{path}");
        }
        for path in
            ["/", "/items/4", "/c/news", "/eservices", "/eservices/stats", "/survey/results", "/staffing"]
        {
            assert_eq!(text(decide(x(path), 60)), Some(public(60)), "{path}");
        }
    }

    #[test]
    fn a_cookie_or_a_post_is_never_shared() {
        let set = Exchange { sets_cookie: true, ..x("/") };
        assert_eq!(text(decide(set, 60)).as_deref(), Some(PRIVATE_NO_STORE));
        let post = Exchange { read: false, ..x("/search") };
        assert_eq!(text(decide(post, 60)).as_deref(), Some(PRIVATE_NO_STORE));
        let personal = Exchange { credentials: true, ..x("/items/1") };
        assert!(decide(personal, 60).1);
        assert_eq!(text(decide(personal, 60)).as_deref(), Some("private, no-cache"));
    }

    #[test]
    fn errors_other_than_missing_are_not_stored() {
        for status in
            [StatusCode::TOO_MANY_REQUESTS, StatusCode::INTERNAL_SERVER_ERROR, StatusCode::FORBIDDEN]
        {
            assert_eq!(text(decide(Exchange { status, ..x("/") }, 60)).as_deref(), Some("no-store"));
        }
        assert_eq!(
            text(decide(Exchange { status: StatusCode::GONE, ..x("/items/9") }, 30)),
            Some(public(30))
        );
        assert_eq!(text(decide(x("/"), 60)), Some(public(60)), "the default's constant says the same");
    }

    #[test]
    fn handlers_keep_their_own_policy() {
        let own = Exchange { own: Some("public, max-age=31536000, immutable"), ..x("/assets/style.css") };
        assert_eq!(decide(own, 60).0, None);
    }
}
