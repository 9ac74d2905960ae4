//! HTTP: routes, handlers and the middleware around them. Handlers stay thin: they parse the
//! request, ask the store, and hand the result to a view.

mod access;
mod admin;
mod amend;
mod assets;
mod auth;
mod cache_policy;
mod compliance;
mod compress;
mod download;
mod error;
mod eservices;
mod form_token;
pub mod frame;
mod health;
mod hygiene;
mod import;
mod legacy;
mod limits;
pub mod listener;
pub mod memory;
mod page_cache;
mod people;
mod photos;
mod policies;
mod prefs;
mod public;
pub mod redirect;
mod safe_redirect;
mod search_admin;
mod session;
mod settings;
mod sitemap;
mod staff;
mod stats;
mod throttle;
mod totp;
pub mod traffic_log;
mod update;
mod upload;
mod visits;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::DefaultBodyLimit;

use axum::routing::{get, post};

use crate::config::Config;
use crate::store::Store;
use crate::store::items::{self, At};
use crate::views::Chrome;

pub use error::WebError;

/// Everything the handlers share.
pub struct App {
    /// The data directory and the settings as they were at start (what is read only then:
    /// TLS, upload limits); everything else reads [`App::settings`].
    pub config: Config,
    /// The settings in force now (replaced by `/admin/settings`).
    pub live: crate::config::Live,
    /// Database and files.
    pub store: Store,
    /// Rendered public pages.
    pub pages: page_cache::PageCache,
    /// Request-rate limits per address.
    pub limits: limits::Limits,
    /// Login failures by account.
    pub account_throttle: throttle::Throttle,
    /// Login failures by source address.
    pub address_throttle: throttle::Throttle,
    /// Whether pages are served over HTTPS (cookies are then marked Secure).
    pub https: bool,
    /// The traffic log, when it is kept.
    pub traffic: Option<crate::appliance::traffic::Recorder>,
    /// The certificate being served, when HTTPS is on.
    pub tls: Option<Arc<crate::appliance::tls::CertStore>>,
    /// Stops the server (for a restart after an update).
    stop: tokio::sync::watch::Sender<bool>,
    /// Visit counts not yet written, and today's visitors (in memory only).
    pub visits: visits::Visits,
    /// Signs the single-use tokens of anonymous public forms.
    pub form_tokens: form_token::FormTokens,
    /// Footer "last updated" date, refreshed at most every [`LAST_UPDATED_TTL`].
    last_updated: Mutex<Option<(Instant, Option<i64>)>>,
}

/// Largest body accepted by a route without uploads.
const FORM_LIMIT: usize = 64 * 1024;

/// How long the footer's "last updated" value may be reused before it is read again.
const LAST_UPDATED_TTL: Duration = Duration::from_secs(30);

/// Shared handle to the [`App`].
pub type Shared = Arc<App>;

impl App {
    /// Wraps the configuration and the opened store; `tls` when pages are served over HTTPS.
    pub fn new(
        config: Config,
        store: Store,
        tls: Option<Arc<crate::appliance::tls::CertStore>>,
        traffic: Option<crate::appliance::traffic::Recorder>,
        stop: tokio::sync::watch::Sender<bool>,
    ) -> Shared {
        Arc::new(App {
            live: crate::config::Live::new(config.settings.clone()),
            config,
            store,
            pages: Default::default(),
            limits: limits::Limits::default(),
            account_throttle: throttle::Throttle::new(throttle::ACCOUNT_FREE_FAILURES),
            address_throttle: throttle::Throttle::new(throttle::ADDRESS_FREE_FAILURES),
            https: tls.is_some(),
            traffic,
            stop,
            tls,
            form_tokens: Default::default(),
            visits: Default::default(),
            last_updated: Mutex::new(None),
        })
    }

    /// Stops the server shortly (after this response is sent) and restarts it on the binary
    /// now in place.
    pub fn restart_soon(&self) {
        crate::appliance::update::request_restart();
        let stop = self.stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let _ = stop.send(true);
        });
    }

    /// The settings in force now (a snapshot: a save while a page is drawn does not mix the
    /// old and the new).
    pub fn settings(&self) -> Arc<crate::config::Settings> {
        self.live.get()
    }

    /// The header/footer context without the "last updated" date, for pages that do not need
    /// it (login, errors).
    pub fn plain_chrome(&self) -> Chrome<'_> {
        let settings = self.settings();
        Chrome {
            digits: settings.display.digits,
            settings,
            last_updated: None,
            current_area: None,
            counter: None,
        }
    }

    /// The header/footer context for a page.
    pub async fn chrome<'a>(&'a self, current_area: Option<&'a str>) -> Result<Chrome<'a>, WebError> {
        let cached = *self.last_updated.lock().expect("lock poisoned");
        let last_updated = match cached {
            Some((at, value)) if at.elapsed() < LAST_UPDATED_TTL => value,
            _ => {
                let value = self.store.run(|c| items::last_updated(c, At::now())).await?;
                *self.last_updated.lock().expect("lock poisoned") = Some((Instant::now(), value));
                value
            }
        };
        let counter = self.visits.counter(&crate::thai::today().to_string());
        Ok(Chrome { last_updated, current_area, counter, ..self.plain_chrome() })
    }
}

/// The whole application as one service: the [frame](frame) around the routes.
pub fn site(app: Shared) -> frame::Site {
    // Ten files at the size limit, plus the form's text.
    let upload_limit = (app.config.settings.uploads.max_file_bytes as usize)
        .saturating_mul(crate::workflow::files::MAX_FILES)
        .saturating_add(1 << 20);
    let routes = Router::new()
        .route("/", get(public::home))
        .route("/c/{area}", get(public::area))
        .route("/c/{area}/{sub}", get(public::place))
        .route("/items/{id}", get(public::item))
        .route("/files/{id}/{name}", get(public::file))
        .route("/files/{id}/{variant}/{name}", get(photos::copy))
        .route("/items/{id}/photos/{n}", get(photos::page))
        .route("/staff/highlights", get(photos::highlights_page).post(photos::pin))
        .route("/staff/highlights/{id}/unpin", post(photos::unpin))
        .route("/search", get(public::search))
        .route("/sitemap.xml", get(sitemap::xml))
        .route("/sitemap", get(sitemap::page))
        // Browsers ask for /favicon.ico by themselves: the office's logo, as on every page.
        .route("/favicon.ico", get(settings::serve_logo))
        .route("/eservices", get(eservices::index))
        .route("/eservices/stats", get(eservices::stats))
        .route("/eservices/{kind}", get(eservices::form).post(eservices::submit))
        .route("/track", get(eservices::track))
        .route("/qa", get(eservices::qa))
        .route("/prefs/{choice}", get(prefs::set))
        .route("/policy/{slug}", get(policies::show))
        .route("/feeds/{file}", get(policies::feed))
        .route("/admin/search", get(search_admin::page).post(search_admin::add))
        .route("/admin/search/{id}/delete", post(search_admin::remove))
        .route("/admin/pages", get(policies::edit_form))
        .route("/admin/pages/{slug}", get(policies::edit_form).post(policies::save))
        .route("/stats", get(stats::public))
        .route("/survey", get(stats::survey_form).post(stats::survey_submit))
        .route("/survey/results", get(stats::survey_results))
        .route("/admin/stats", get(stats::admin))
        .route("/admin/stats.csv", get(stats::admin_csv))
        .route("/admin/survey.csv", get(stats::survey_csv))
        .route("/staff/cases", get(eservices::staff_list))
        .route(
            "/staff/cases/officers",
            get(people::corruption_officers).post(people::save_corruption_officers),
        )
        .route("/staff/cases/{id}", get(eservices::staff_case).post(eservices::staff_answer))
        .route("/healthz", get(public::healthz))
        .route("/ita", get(compliance::ita))
        .route("/assets/{*path}", get(assets::serve))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/login/totp", get(totp::login_code_form).post(totp::login_code))
        .route("/logout", post(auth::logout))
        .route("/setup/{token}", get(auth::setup_form).post(auth::setup))
        .route("/staff", get(staff::dashboard))
        .route("/staff/inbox/read", post(staff::mark_read))
        .route("/staff/totp", get(totp::page).post(totp::confirm))
        .route("/staff/totp/recovery", post(totp::new_recovery_codes))
        .route("/staff/totp/off", post(totp::turn_off))
        .route("/staff/requests/new", get(staff::new_form))
        .route(
            "/staff/requests",
            get(people::overview).post(staff::create).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/staff/requests/{id}",
            get(staff::show).post(staff::update).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/staff/requests/{id}/edit", get(staff::edit_form))
        .route("/staff/requests/{id}/publish", get(staff::publish_form).post(staff::publish))
        .route("/staff/requests/{id}/print", get(staff::print))
        .route("/staff/requests/{id}/{action}", post(staff::decide_on))
        .route("/staff/files/{id}/{name}", get(staff::file))
        .route(
            "/staff/items/{id}/amend",
            get(amend::form).post(amend::create).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/staff/items/{id}/revisions", get(amend::list))
        .route("/staff/requests/{id}/diff", get(amend::proposed))
        .route("/staff/items/{id}/diff", get(amend::diff))
        .route("/staff/revision-files/{id}/{name}", get(amend::file))
        .route("/admin/users", get(admin::list_users).post(admin::add_user))
        .route("/admin/users/{id}", get(people::account).post(people::save_account))
        .route("/admin/settings", get(settings::page).post(settings::save))
        .route(
            "/admin/settings/logo",
            post(settings::upload_logo)
                .layer(DefaultBodyLimit::max(crate::appliance::logo::MAX_BYTES + 64 * 1024)),
        )
        .route("/admin/settings/logo/remove", post(settings::remove_logo))
        .route(
            "/admin/settings/map-image",
            post(settings::upload_map_image)
                .layer(DefaultBodyLimit::max(crate::appliance::logo::MAX_MAP_BYTES + 64 * 1024)),
        )
        .route("/admin/settings/map-image/remove", post(settings::remove_map_image))
        .route("/logo", get(settings::serve_logo))
        .route("/map-image", get(settings::serve_map_image))
        .route("/admin/units", get(people::units_list).post(people::add_unit))
        .route("/admin/units/{id}", post(people::rename_unit))
        .route("/staff/delegations", get(people::delegations).post(people::add_delegation))
        .route("/staff/delegations/{id}/end", post(people::end_delegation))
        .route("/admin/users/{id}/active", post(admin::set_active))
        .route("/admin/users/{id}/password", post(admin::set_password))
        .route("/admin/users/{id}/totp", post(totp::admin_reset))
        .route("/admin/audit", get(admin::audit_page))
        .route("/admin/system", get(admin::system))
        .route("/admin/backups", get(admin::backups).post(admin::backup_now))
        .route("/admin/backups/{name}", get(admin::backup_download))
        .route("/admin/system/self-signed.crt", get(admin::self_signed_certificate))
        .route("/admin/audit.csv", get(admin::audit_csv))
        .route("/admin/health", get(health::page))
        .route("/admin/update", get(update::page))
        .route("/admin/update/check", post(update::check))
        .route("/admin/update/install", post(update::install))
        .route("/admin/update/rollback", post(update::rollback))
        .route("/admin/compliance", get(compliance::dashboard))
        .route(
            "/admin/compliance/checklists",
            get(compliance::checklists)
                .post(compliance::import)
                .layer(DefaultBodyLimit::max(crate::compliance::checklist::MAX_FILE_BYTES + 16 * 1024)),
        )
        .route("/admin/compliance/items", get(compliance::items))
        .route("/admin/compliance/items/{id}", get(compliance::edit_tags).post(compliance::save_tags))
        .route("/admin/compliance/reports", get(compliance::reports_page))
        .route("/admin/compliance/report", get(compliance::publication_report))
        .route("/admin/compliance/report.csv", get(compliance::publication_csv))
        .route("/admin/compliance/forms", get(compliance::bulk_forms))
        .route("/admin/compliance/quarter", get(compliance::quarter))
        .route("/admin/compliance/tags/confirm", post(compliance::confirm_tags))
        .route("/admin/compliance/tags/{id}/confirm", post(compliance::confirm_tag))
        .route("/admin/compliance/complaint-stats", post(compliance::complaint_stats))
        .route(
            "/admin/import",
            get(import::page).post(import::start).layer(DefaultBodyLimit::max(import::UPLOAD_LIMIT)),
        )
        .route("/admin/import/progress", get(import::progress))
        .route("/admin/import/{run}/undo", post(import::undo))
        .route("/admin/import/held/{id}", post(import::release))
        .fallback(public::not_found)
        // Old website URLs recorded by an import answer 301 (only looked up on a 404).
        .layer(axum::middleware::from_fn_with_state(app.clone(), legacy::redirect_old_urls))
        // Every URL-encoded form's text is cleaned before a handler reads it.
        .layer(axum::middleware::from_fn(hygiene::clean_forms))
        // Forms are small; the two upload routes above carry their own, larger limit.
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(axum::middleware::from_fn_with_state(app.clone(), compliance::feature_gate))
        .layer(axum::middleware::from_fn_with_state(app.clone(), access::check))
        .layer(axum::middleware::from_fn_with_state(app.clone(), error::render_error_pages))
        .layer(axum::middleware::from_fn_with_state(app.clone(), page_cache::fill))
        .with_state(app.clone());
    frame::Site::new(app, routes)
}

/// Serves `app` on already bound listeners (over TLS when `tls` is given) until `shutdown`
/// completes.
pub async fn serve(
    app: Shared,
    listeners: Vec<tokio::net::TcpListener>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let forget = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            forget.limits.forget_quiet();
        }
    });
    let idle = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(memory::TRIM_EVERY);
        let mut quiet = memory::Quiet::default();
        loop {
            tick.tick().await;
            idle.pages.drop_stale();
            if quiet.now() {
                let _ = idle.store.shrink_memory().await;
                memory::give_back().await;
            }
        }
    });
    let counting = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(visits::FLUSH_EVERY);
        loop {
            tick.tick().await;
            counting.visits.flush(&counting.store).await;
        }
    });
    listener::serve(
        listeners,
        tower::util::Either::Left(site(app)),
        tls,
        listener::Limits::default(),
        shutdown,
    )
    .await
}
