//! `/admin/health`: the health report (also `prakat doctor`).

use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use super::session::Staff;
use super::{Shared, WebError};
use crate::appliance::health::{self, Certificate, Inputs};
use crate::workflow::state::Role;

/// `GET /admin/health`
pub async fn page(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    let certificate = app.tls.as_ref().map(|t| {
        let s = t.status();
        Certificate { source: s.source, not_after: s.not_after, last_error: s.last_error }
    });
    // The settings in force, with the certificate settings the server started with.
    let mut config = app.config.clone();
    config.settings = crate::config::Settings { tls: config.settings.tls, ..(*app.settings()).clone() };
    let store = app.store.clone();
    let checks =
        tokio::task::spawn_blocking(move || health::report(&store, &Inputs { config: &config, certificate }))
            .await
            .map_err(crate::store::StoreError::from)?;
    let jobs = app.store.run(|c| crate::store::jobs::all(c)).await?;
    let bar = super::staff::bar(&app, &staff).await?;
    let page = crate::views::health::health(&app.plain_chrome(), &bar, &checks, &jobs);
    Ok(Html(page.into_string()).into_response())
}
