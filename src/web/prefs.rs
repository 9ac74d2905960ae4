//! Reading choices (text size, high contrast, English interface): the `/prefs/{choice}` links
//! that set them, and how a request's choices are read (the [frame](super::frame) makes them
//! current while it is served).

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;

use super::{Shared, WebError};
use crate::views::prefs::Prefs;

/// Name of the cookie that keeps the choices.
pub const COOKIE: &str = "prakat_prefs";

/// The request's choices, from its cookie.
pub fn of(request: &Request) -> Prefs {
    CookieJar::from_headers(request.headers())
        .get(COOKIE)
        .map(|c| Prefs::parse(c.value()))
        .unwrap_or_default()
}

/// Where to go back to: a path on this site only (see [`super::safe_redirect`]).
fn back_to(params: &HashMap<String, String>) -> String {
    super::safe_redirect::local_or(params.get("back").map(String::as_str), "/")
}

/// `GET /prefs/{choice}?back=/path`: remembers the choice and goes back to the page.
pub async fn set(
    State(app): State<Shared>,
    Path(choice): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let current = jar.get(COOKIE).map(|c| Prefs::parse(c.value())).unwrap_or_default();
    let prefs = current.with(&choice).ok_or(WebError::NotFound)?;
    let value = prefs.to_cookie();
    // Kept a year; the value holds only the words of [`Prefs::to_cookie`].
    let secure = if app.https { "; Secure" } else { "" };
    let cookie = if value.is_empty() {
        format!("{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}")
    } else {
        format!("{COOKIE}={value}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}")
    };
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&back_to(&params))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_gone_back_to() {
        let p = |b: &str| back_to(&HashMap::from([("back".to_string(), b.to_string())]));
        assert_eq!(p("/c/news?page=2"), "/c/news?page=2");
        assert_eq!(p("//evil.example"), "/");
        assert_eq!(p("https://evil.example"), "/");
        assert_eq!(p("/\\evil"), "/");
        assert_eq!(p("/\t/evil.example/phish"), "/");
    }
}
