//! HTTP: routes, handlers and the middleware around them. Handlers stay thin: they parse the
//! request, ask the store, and hand the result to a view.

mod assets;
mod error;
mod page_cache;
mod public;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::Config;
use crate::store::Store;
use crate::store::items::{self, At};
use crate::views::Chrome;

pub use error::WebError;

/// Everything the handlers share.
pub struct App {
    /// Settings.
    pub config: Config,
    /// Database and files.
    pub store: Store,
    /// Rendered public pages.
    pub pages: page_cache::PageCache,
    /// Footer "last updated" date, refreshed at most every [`LAST_UPDATED_TTL`].
    last_updated: Mutex<Option<(Instant, Option<i64>)>>,
}

/// How long the footer's "last updated" value may be reused before it is read again.
const LAST_UPDATED_TTL: Duration = Duration::from_secs(30);

/// Shared handle to the [`App`].
pub type Shared = Arc<App>;

impl App {
    /// Wraps the configuration and the opened store.
    pub fn new(config: Config, store: Store) -> Shared {
        Arc::new(App {
            config,
            store,
            pages: Default::default(),
            last_updated: Mutex::new(None),
        })
    }

    /// The header/footer context for a page.
    pub async fn chrome<'a>(
        &'a self,
        current_area: Option<&'a str>,
    ) -> Result<Chrome<'a>, WebError> {
        let cached = *self.last_updated.lock().expect("lock poisoned");
        let last_updated = match cached {
            Some((at, value)) if at.elapsed() < LAST_UPDATED_TTL => value,
            _ => {
                let value = self
                    .store
                    .run(|c| items::last_updated(c, At::now()))
                    .await?;
                *self.last_updated.lock().expect("lock poisoned") = Some((Instant::now(), value));
                value
            }
        };
        Ok(Chrome {
            office: &self.config.settings.office,
            digits: self.config.settings.display.digits,
            last_updated,
            current_area,
        })
    }
}

/// The whole application as one router.
pub fn router(app: Shared) -> Router {
    let security_headers = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self'; \
             script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
             frame-ancestors 'none'",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    let mut router = Router::new()
        .route("/", get(public::home))
        .route("/c/{area}", get(public::area))
        .route("/c/{area}/{sub}", get(public::place))
        .route("/items/{id}", get(public::item))
        .route("/files/{id}/{name}", get(public::file))
        .route("/search", get(public::search))
        .route("/sitemap.xml", get(public::sitemap))
        .route("/healthz", get(public::healthz))
        .route("/assets/{*path}", get(assets::serve))
        .fallback(public::not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            error::render_error_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            page_cache::serve_cached,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ));
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router.with_state(app)
}

/// Serves `app` on an already bound listener until `shutdown` completes.
pub async fn serve(
    app: Shared,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
