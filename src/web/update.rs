//! `/admin/update`: what the release feed offers, and install or roll back on request.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::session::Staff;
use super::{Shared, WebError};
use crate::appliance::update::{self, Install, Status};
use crate::views::health::UpdatePage;
use crate::workflow::state::Role;

async fn render(app: &Shared, staff: &Staff, message: Option<String>) -> Result<Response, WebError> {
    let install = Install::current().ok();
    let page = UpdatePage {
        running: env!("CARGO_PKG_VERSION"),
        feed: match app.settings().update.mode {
            crate::config::UpdateMode::Off => "",
            _ => &app.settings().update.feed,
        },
        status: &Status::load(&app.config.data_dir),
        marker: install.as_ref().and_then(Install::marker),
        can_roll_back: install.as_ref().is_some_and(|i| i.previous().exists()),
        message,
    };
    let bar = super::staff::bar(app, staff).await?;
    Ok(Html(crate::views::health::update(&app.plain_chrome(), &bar, &page).into_string()).into_response())
}

/// `GET /admin/update`
pub async fn page(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    render(&app, &staff, None).await
}

fn admin_with_token(staff: &Staff, form: &HashMap<String, String>) -> Result<(), WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(form.get("csrf").map_or("", String::as_str))
}

/// `POST /admin/update/check`: asks the feed now; the outcome is kept in the status.
pub async fn check(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    admin_with_token(&staff, &form)?;
    let (settings, data) = (app.settings().update.clone(), app.config.data_dir.clone());
    let _ = tokio::task::spawn_blocking(move || update::check_and_record(&settings, &data)).await;
    Ok(Redirect::to("/admin/update").into_response())
}

/// `POST /admin/update/install`: backup, download, verify and install in the background (it may
/// take longer than a request may), then restart on the new binary. The page says so at once;
/// the outcome shows on this page (and in the audit trail).
pub async fn install(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    admin_with_token(&staff, &form)?;
    let (settings, data, store, who) =
        (app.settings().clone(), app.config.data_dir.clone(), app.store.clone(), staff.who());
    let server = app.clone();
    tokio::spawn(async move {
        let outcome =
            tokio::task::spawn_blocking(move || update::install(&settings, &data, &store, &who, false)).await;
        match outcome {
            Ok(Ok(Some(version))) => {
                tracing::info!(%version, "new release installed from the admin page; restarting");
                server.restart_soon();
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "update from the admin page failed"),
            Err(e) => tracing::error!(error = %e, "update task failed"),
        }
    });
    let message = "เริ่มติดตั้งแล้ว: สำรองข้อมูล ดาวน์โหลด ตรวจลายมือชื่อ แล้วเริ่มระบบใหม่ — เปิดหน้านี้อีกครั้งในอีกสักครู่ \
                   (installing in the background; the server restarts when done)";
    render(&app, &staff, Some(message.into())).await
}

/// `POST /admin/update/rollback`: puts the previous binary back and restarts on it.
pub async fn rollback(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    admin_with_token(&staff, &form)?;
    let data_dir = app.config.data_dir.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        Install::current()?.roll_back("ผู้ดูแลสั่งย้อนกลับ (rolled back by an admin)", &data_dir)
    })
    .await
    .map_err(crate::store::StoreError::from)?;
    match outcome {
        Ok(back_to) => {
            app.restart_soon();
            render(
                &app,
                &staff,
                Some(format!("ย้อนกลับเป็นรุ่น {back_to} แล้ว กำลังเริ่มระบบใหม่ (rolled back; restarting)")),
            )
            .await
        }
        Err(e) => render(&app, &staff, Some(format!("ย้อนกลับไม่สำเร็จ: {e:#}"))).await,
    }
}
