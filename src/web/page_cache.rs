//! A small in-memory cache of rendered public pages.
//!
//! The public site is read far more often than it changes, and a low-spec office PC or a
//! Raspberry Pi should not render the same page for every visitor. Cached pages are dropped
//! when content changes ([`PageCache::invalidate`]) and are never older than [`MAX_AGE`], so
//! items whose publication starts or ends at a given time appear or disappear within that
//! time even though no write happened.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::Shared;

/// The oldest a cached page may be.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Memory the cache may use for page bodies.
const CAPACITY_BYTES: u64 = 16 << 20;
/// Pages larger than this are not cached.
const MAX_PAGE_BYTES: usize = 512 << 10;

#[derive(Clone)]
struct Page {
    body: Bytes,
    status: StatusCode,
    made: Instant,
    generation: u64,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<String, Page> for ByBytes {
    fn weight(&self, key: &String, page: &Page) -> u64 {
        (key.len() + page.body.len()) as u64
    }
}

/// Rendered public pages by path and query.
pub struct PageCache {
    pages: Cache<String, Page, ByBytes>,
    generation: AtomicU64,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            pages: Cache::with_weighter(2048, CAPACITY_BYTES, ByBytes),
            generation: AtomicU64::new(0),
        }
    }
}

impl PageCache {
    /// Forgets every cached page; call after any change to public content or settings.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.pages.clear();
    }

    fn get(&self, key: &str) -> Option<Page> {
        let page = self.pages.get(key)?;
        let fresh =
            page.generation == self.generation.load(Ordering::SeqCst) && page.made.elapsed() < MAX_AGE;
        fresh.then_some(page)
    }
}

/// Whether a request may be answered from the cache: an anonymous GET of a public page.
fn cacheable(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        && !request.headers().contains_key(header::COOKIE)
        && !request.headers().contains_key(header::AUTHORIZATION)
        && (path == "/" || path == "/ita" || path.starts_with("/c/") || path.starts_with("/items/"))
}

fn html_response(page: &Page) -> Response {
    let mut response = (page.status, page.body.clone()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

/// Middleware: answers cacheable requests from the cache, and fills it on a miss.
pub async fn serve_cached(State(app): State<Shared>, request: Request, next: Next) -> Response {
    if !cacheable(&request) {
        return next.run(request).await;
    }
    let key = request.uri().to_string();
    if let Some(page) = app.pages.get(&key) {
        return html_response(&page);
    }
    let generation = app.pages.generation.load(Ordering::SeqCst);
    let response = next.run(request).await;
    let is_html =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let small =
        axum::body::HttpBody::size_hint(response.body()).exact().is_some_and(|n| n <= MAX_PAGE_BYTES as u64);
    if !(response.status() == StatusCode::OK && is_html && small) {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => {
            let page = Page { body: bytes.clone(), status: parts.status, made: Instant::now(), generation };
            app.pages.pages.insert(key, page);
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
