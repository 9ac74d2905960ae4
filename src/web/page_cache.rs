//! A small in-memory cache of rendered public pages.
//!
//! The public site is read far more often than it changes, and a low-spec office PC or a
//! Raspberry Pi should not render the same page for every visitor. Cached pages are dropped
//! when content changes ([`PageCache::invalidate`]) and are never older than [`MAX_AGE`], so
//! items whose publication starts or ends at a given time appear or disappear within that
//! time even though no write happened.
//!
//! A page is gzipped and hashed once, when it enters the cache, so a hit costs no compression:
//! it is answered with the stored gzip bytes (or the plain ones, by `Accept-Encoding`), a strong
//! ETag and Last-Modified, or with 304 when the client's copy is current.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::compress::{self, Coding};
use super::{App, Shared};

/// The oldest a cached page may be.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Memory the cache may use for page bodies (plain and gzipped).
const CAPACITY_BYTES: u64 = 12 << 20;
/// Pages larger than this are not cached.
const MAX_PAGE_BYTES: usize = 512 << 10;
/// gzip level for cached pages: paid once per page and [`MAX_AGE`], so the smallest output.
const CACHED_LEVEL: u32 = 9;

struct Page {
    body: Bytes,
    /// The gzip of `body`, when it is worth it.
    gzip: Option<Bytes>,
    /// The hash of `body`, for If-None-Match.
    hash: String,
    /// ETags of the plain and the gzip body, and Last-Modified, made once.
    etags: [HeaderValue; 2],
    last_modified: HeaderValue,
    status: StatusCode,
    made: Instant,
    /// When the page was rendered, for Last-Modified.
    modified: SystemTime,
    generation: u64,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<String, Arc<Page>> for ByBytes {
    fn weight(&self, key: &String, page: &Arc<Page>) -> u64 {
        (key.len() + page.body.len() + page.gzip.as_ref().map_or(0, Bytes::len) + 128) as u64
    }
}

/// Rendered public pages by path and query.
pub struct PageCache {
    /// Shared, so that a hit clones a pointer, not the page's fields.
    pages: Cache<String, Arc<Page>, ByBytes>,
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

    fn fresh(&self, page: &Page) -> bool {
        page.generation == self.generation.load(Ordering::SeqCst) && page.made.elapsed() < MAX_AGE
    }

    fn get(&self, key: &str) -> Option<Arc<Page>> {
        self.pages.get(key).filter(|page| self.fresh(page))
    }

    /// Drops pages that can no longer be served, so that their memory goes back to the system
    /// when the site is quiet (the cache would otherwise keep them until it is full).
    pub fn drop_stale(&self) {
        self.pages.retain(|_, page| self.fresh(page));
    }

    /// Bytes held by cached pages.
    pub fn weight(&self) -> u64 {
        self.pages.weight()
    }
}

/// The cache key of a request: its path and query.
fn key_of(request: &Request) -> &str {
    request.uri().path_and_query().map_or("/", |p| p.as_str())
}

/// Whether a request may be answered from the cache: an anonymous GET of a public page.
fn cacheable(request: &Request) -> bool {
    !request.headers().contains_key(header::COOKIE)
        && !request.headers().contains_key(header::AUTHORIZATION)
        && public_page(request)
}

/// Whether a request is a GET of a public page (cookies and credentials aside).
fn public_page(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        && (path == "/" || path == "/ita" || path.starts_with("/c/") || path.starts_with("/items/"))
}

// Header values checked when Prakat is compiled, not on every hit.
const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");
const VARY: HeaderValue = HeaderValue::from_static("Accept-Encoding");
const GZIP: HeaderValue = HeaderValue::from_static("gzip");

/// The cached page as a response to a request with `headers`: 304 when the client's copy is
/// current, else the gzip or plain body by `Accept-Encoding`.
fn page_response(page: &Page, headers: &HeaderMap) -> Response {
    let coding = if page.gzip.is_some() { compress::negotiate(headers, false) } else { Coding::Identity };
    let mut response = Response::new(Body::empty());
    *response.status_mut() = page.status;
    // Room for every header the frame adds too (about a dozen), so the map never grows.
    *response.headers_mut() = HeaderMap::with_capacity(16);
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HTML);
    let etag = if coding == Coding::Gzip { &page.etags[1] } else { &page.etags[0] };
    out.insert(header::ETAG, etag.clone());
    out.insert(header::LAST_MODIFIED, page.last_modified.clone());
    out.insert(header::VARY, VARY);
    if compress::none_match_hits(headers, &page.hash) || compress::not_modified_since(headers, page.modified)
    {
        return compress::not_modified(out);
    }
    let body = match (coding, &page.gzip) {
        (Coding::Gzip, Some(gz)) => {
            out.insert(header::CONTENT_ENCODING, GZIP);
            gz.clone()
        }
        _ => page.body.clone(),
    };
    *response.body_mut() = Body::from(body);
    response
}

/// The answer to `request`, which carries no cookie or credentials, from the cache, if it may
/// be answered from it and the page is there (the [frame](super::frame) asks before any route
/// is looked at, and has checked for credentials already).
pub fn hit(app: &App, request: &Request) -> Option<Response> {
    if !public_page(request) {
        return None;
    }
    let page = app.pages.get(key_of(request))?;
    Some(page_response(&page, request.headers()))
}

/// Middleware: fills the cache with what a cacheable request that missed it was answered.
pub async fn fill(State(app): State<Shared>, request: Request, next: Next) -> Response {
    if !cacheable(&request) {
        return next.run(request).await;
    }
    let key = key_of(&request).to_owned();
    let headers = request.headers().clone();
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
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // Compressing 20-30 kB at level 9 takes about a millisecond: off the async threads.
    let plain = bytes.clone();
    let packed = tokio::task::spawn_blocking(move || {
        (plain.len() >= compress::MIN_BYTES).then(|| compress::gzip(&plain, CACHED_LEVEL))
    })
    .await
    .ok()
    .flatten();
    let hash = compress::body_hash(&bytes);
    let modified = SystemTime::now();
    let page = Page {
        etags: [compress::etag(&hash, Coding::Identity), compress::etag(&hash, Coding::Gzip)],
        last_modified: compress::http_date(modified),
        hash,
        body: bytes,
        gzip: packed,
        status: parts.status,
        made: Instant::now(),
        modified,
        generation,
    };
    let mut response = page_response(&page, &headers);
    // Keep anything the handler added besides the body's own headers.
    for (name, value) in &parts.headers {
        if name != header::CONTENT_LENGTH && !response.headers().contains_key(name) {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    app.pages.pages.insert(key, Arc::new(page));
    response
}
