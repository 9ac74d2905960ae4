//! `/admin/search`: admins (and web masters) add and remove synonyms and abbreviations for the
//! search; they apply to the next search (see `store::search`).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::session::Staff;
use super::{Shared, WebError};
use crate::store::{audit, search};
use crate::views::forms::Problem;
use crate::views::search_admin as view;
use crate::workflow::audit::AuditAction;
use crate::workflow::state::Role;

fn allowed(staff: &Staff) -> Result<(), WebError> {
    staff.require_any(&[Role::Admin, Role::WebMaster], "หน้านี้สำหรับผู้ดูแลระบบหรือผู้ดูแลเว็บไซต์เท่านั้น")
}

async fn render(
    app: &Shared,
    staff: &Staff,
    line: &str,
    problems: &[Problem],
    notice: Option<&str>,
) -> Result<Response, WebError> {
    let added = app.store.run(|c| search::added_synonyms(c)).await?;
    let bar = super::staff::bar(app, staff).await?;
    Ok(Html(view::page(&app.plain_chrome(), &bar, &added, line, problems, notice).into_string())
        .into_response())
}

/// `GET /admin/search`
pub async fn page(
    State(app): State<Shared>,
    staff: Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    allowed(&staff)?;
    let notice = match params.get("done").map(String::as_str) {
        Some("added") => Some("เพิ่มแล้ว มีผลกับการค้นหาครั้งถัดไป"),
        Some("removed") => Some("ลบแล้ว"),
        _ => None,
    };
    render(&app, &staff, "", &[], notice).await
}

/// `POST /admin/search`: adds a line of synonyms.
pub async fn add(
    State(app): State<Shared>,
    staff: Staff,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    allowed(&staff)?;
    staff.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let line: String =
        fields.get("terms").map(|t| t.chars().filter(|c| !c.is_control()).collect()).unwrap_or_default();
    let terms = match crate::search::synonyms::check_line(&line) {
        Ok(terms) => terms.join(" = "),
        Err(message) => {
            let page = render(&app, &staff, &line, &[Problem::new("terms", message)], None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (who, by) = (staff.who(), staff.user.username.clone());
    app.store
        .run(move |c| {
            let tx = c.transaction()?;
            let id = search::add_synonym(&tx, &terms, &by, jiff::Timestamp::now().as_second())?;
            audit::append(&tx, &who, AuditAction::SynonymAdd, &format!("synonym/{id}"), &terms)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/admin/search?done=added").into_response())
}

/// `POST /admin/search/{id}/delete`: removes an added line.
pub async fn remove(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    allowed(&staff)?;
    staff.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let who = staff.who();
    let removed = app
        .store
        .run(move |c| {
            let tx = c.transaction()?;
            let terms = search::remove_synonym(&tx, id)?;
            if let Some(t) = &terms {
                audit::append(&tx, &who, AuditAction::SynonymRemove, &format!("synonym/{id}"), t)?;
            }
            tx.commit()?;
            Ok(terms)
        })
        .await?;
    if removed.is_none() {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to("/admin/search?done=removed").into_response())
}
