//! The old website's links keep working: a URL recorded by an import (`/?p=12`,
//! `/2024/01/ข่าว/`, `/category/ita/`, `/wp-content/uploads/…`) answers `301 Moved
//! Permanently` to the item, listing or file that took its place.
//!
//! Cheap on the hot path: the database is consulted only for `/` with one of WordPress's query
//! keys, or after the router found nothing (a 404).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Shared;
use crate::categories::Place;
use crate::paths;
use crate::store::imports::{self, Target};

const QUERY_KEYS: [&str; 4] = ["p=", "page_id=", "cat=", "attachment_id="];

/// Middleware: see the module doc.
pub async fn redirect_old_urls(State(app): State<Shared>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let uri = request.uri().clone();
    let path = uri.path();
    let query = uri.query();
    let wordpress_query = (path == "/" || path == "/index.php")
        && query.is_some_and(|q| q.split('&').any(|pair| QUERY_KEYS.iter().any(|k| pair.starts_with(k))));
    if wordpress_query
        && let Some(key) = imports::url_key(path, query)
        && let Some(to) = lookup(&app, key).await
    {
        return to;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    match imports::url_key(path, None) {
        Some(key) => lookup(&app, key).await.unwrap_or(response),
        None => response,
    }
}

async fn lookup(app: &Shared, key: String) -> Option<Response> {
    let target = app.store.run(move |c| imports::resolve(c, &key)).await.ok().flatten()?;
    let location = match target {
        Target::Item(id) => paths::item(id),
        Target::File(id, name) => paths::file(id, &name),
        Target::Place(key) => paths::place(Place::parse(&key)?),
    };
    let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
    response.headers_mut().insert(header::LOCATION, HeaderValue::from_str(&location).ok()?);
    Some(response)
}
