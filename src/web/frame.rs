//! The frame around every request: what is done before and after any page is made, in one
//! pass instead of a stack of middleware layers.
//!
//! Before: the client's address is decided once (by the access rules); the traffic-log entry,
//! the possible visit, the reading choices, the accepted coding and the cache-policy facts are
//! taken; then a cached public page is answered at once, without looking up a route (and
//! without the compression step: the cache has chosen the coding). After,
//! from the inside out: the visit is counted, `Cache-Control` is set, text is compressed and
//! given an ETag, HSTS and the security headers are added, and the request is logged.
//!
//! Each step is its own module's (`traffic_log`, `visits`, `prefs`, `compress`, `cache_policy`,
//! `page_cache`); this module only puts them in order. One pass matters: at 50 connections a
//! stack of ten `from_fn` layers (each cloning the service below it, its state and a boxed
//! future per request) took two thirds of a cached page's time.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::{Service, ServiceExt as _};

use super::compress::OnTheFly;
use super::traffic_log::Entry;
use super::visits::Visit;
use super::{App, Shared, access, cache_policy, page_cache, prefs};
use crate::views::prefs::Prefs;

/// Headers every response carries unless its handler set its own (constants, so that their
/// bytes are checked once, when Prakat is compiled, not on every response).
const SECURITY_HEADERS: [(HeaderName, HeaderValue); 5] = [
    (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    (header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin")),
    (
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self'; \
             script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
             frame-ancestors 'none'",
        ),
    ),
    (
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    ),
];

/// HSTS for a year.
const HSTS: HeaderValue = HeaderValue::from_static("max-age=31536000");

/// The whole site as one service: the frame around the routes. One pointer, so that a clone
/// (each connection takes one) is one atomic count, which every core writes to.
#[derive(Clone)]
pub struct Site(Arc<Framed>);

struct Framed {
    app: Shared,
    routes: Router,
}

impl Site {
    /// Frames `routes` (with their state) for `app`.
    pub fn new(app: Shared, routes: Router) -> Site {
        Site(Arc::new(Framed { app, routes }))
    }

    /// The answer to `request` (what [`Service::call`] does, without taking a clone).
    pub async fn answer(&self, request: Request) -> Response {
        serve(&self.0.app, &self.0.routes, request).await
    }
}

impl Service<Request> for Site {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let site = self.0.clone();
        Box::pin(async move { Ok(serve(&site.app, &site.routes, request).await) })
    }
}

/// How long a request may take before it is answered 408: 30 seconds, except the upload of a
/// WordPress export and its uploads zip to `/admin/import`, which may be gigabytes over the
/// office LAN (the import itself then runs in the background).
pub fn deadline_for(method: &Method, path: &str) -> Duration {
    if method == Method::POST && path.trim_end_matches('/') == "/admin/import" {
        super::import::UPLOAD_DEADLINE
    } else {
        Duration::from_secs(30)
    }
}

/// One request through the frame.
async fn serve(app: &App, routes: &Router, mut request: Request) -> Response {
    super::memory::note_request();
    let settings = app.settings();
    let (peer, client) = access::addresses_of(&request, &settings.access);
    // Asked once here: several steps below depend on them.
    let cookie = request.headers().contains_key(header::COOKIE);
    let credentials = cookie || request.headers().contains_key(header::AUTHORIZATION);
    let entry = Entry::begin(app, &mut request, peer, client, cookie);
    let visit = Visit::begin(&request, client);
    let choices = if cookie { prefs::of(&request) } else { Prefs::default() };
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    let uri = request.uri().clone();
    let limit = deadline_for(request.method(), uri.path());
    let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();

    let framed = async {
        // A cached page is answered at once: no route, no deadline to keep, and nothing to
        // compress (the cache chose the coding, tagged it and answers 304 itself).
        let cached = if credentials { None } else { page_cache::hit(app, &request) };
        let (mut response, on_the_fly) = match cached {
            Some(cached) => (cached, None),
            None => {
                // For the routes; a cached page does not need it.
                request.extensions_mut().insert(access::ClientIp(client));
                let on_the_fly = OnTheFly::begin(&request);
                let response = match tokio::time::timeout(limit, routes.clone().oneshot(request)).await {
                    Ok(response) => response.unwrap_or_else(|never| match never {}),
                    Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
                };
                (response, Some(on_the_fly))
            }
        };
        if let Some(visit) = visit {
            visit.end(&app.visits, response.status());
        }
        cache_policy::apply(&mut response, uri.path(), read, credentials, settings.cache.public_max_age_secs);
        match on_the_fly {
            Some(on_the_fly) => on_the_fly.end(response).await,
            None => response,
        }
    };
    let mut response = choices.scope(path_and_query, framed).await;
    add_outer_headers(app, &mut response);
    if let Some(entry) = entry {
        entry.end(app, &response);
    }
    response
}

/// HSTS, while the certificate is one browsers trust (ACME or manual: telling browsers to
/// insist on HTTPS with a self-signed certificate would lock visitors out), and the security
/// headers.
fn add_outer_headers(app: &App, response: &mut Response) {
    let headers = response.headers_mut();
    if app.tls.as_ref().is_some_and(|t| t.status().publicly_trusted) {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    for (name, value) in SECURITY_HEADERS {
        headers.entry(name).or_insert(value);
    }
}
