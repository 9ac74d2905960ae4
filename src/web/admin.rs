//! Administration handlers: accounts and the audit trail.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::session::Staff;
use super::{Shared, WebError};
use crate::crypto;
use crate::store::audit;
use crate::store::users::{self, NewUser};
use crate::views::admin::{self as view, NewAccount};
use crate::views::csv::CsvWriter;
use crate::views::forms::Problem;
use crate::workflow::account;
use crate::workflow::audit::AuditAction;
use crate::workflow::state::{Role, Roles};

async fn users_page(
    app: &Shared,
    staff: &Staff,
    form: &NewAccount,
    problems: &[Problem],
) -> Result<Response, WebError> {
    let (all, totp_on, units) = app
        .store
        .run(|c| Ok((users::all(c)?, crate::store::totp::enabled_users(c)?, crate::store::units::all(c)?)))
        .await?;
    let bar = super::staff::bar(app, staff).await?;
    let chrome = app.plain_chrome();
    let status = if problems.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(view::users(&chrome, &bar, &all, &totp_on, &units, form, problems).into_string()))
        .into_response())
}

/// `GET /admin/users`
pub async fn list_users(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    users_page(&app, &staff, &NewAccount::default(), &[]).await
}

/// `POST /admin/users`
pub async fn add_user(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<NewAccount>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(&form.csrf)?;
    let mut problems: Vec<Problem> =
        account::check(&form.username, &form.name, &form.password, &form.password2)
            .into_iter()
            .map(Problem::from)
            .collect();
    let roles = Roles::parse_list(&form.roles.join(","));
    match &roles {
        Ok(r) if r.is_empty() => problems.push(Problem::new("roles", "บทบาท: ต้องเลือกอย่างน้อย 1 บทบาท")),
        Err(e) => problems.push(Problem::new("roles", format!("บทบาท: {e}"))),
        _ => {}
    }
    // The unit is chosen from the list, by id; the account is stored with that unit's name.
    let unit = match form.unit.trim() {
        "" => String::new(),
        text => {
            let found = match text.parse::<i64>() {
                Ok(id) => app.store.run(move |c| crate::store::units::by_id(c, id)).await?,
                Err(_) => None,
            };
            match found {
                Some(u) => u.name,
                None => {
                    problems.push(Problem::new(
                        "unit",
                        "กลุ่มงาน: ไม่พบกลุ่มงานที่เลือก กรุณาเลือกจากรายการ (หรือเพิ่มกลุ่มงานที่หน้ากลุ่มงานก่อน)",
                    ));
                    String::new()
                }
            }
        }
    };
    if !problems.is_empty() {
        return users_page(&app, &staff, &form, &problems).await;
    }
    let new = NewUser {
        username: form.username.trim().into(),
        name: form.name.trim().into(),
        position: form.position.trim().into(),
        unit,
        phone: form.phone.trim().into(),
        email: form.email.trim().into(),
        roles: roles.unwrap_or_default(),
    };
    let hash = crypto::hash_password(&form.password);
    let who = staff.who();
    let created = app
        .store
        .run(move |c| {
            let id = users::insert(c, &new, &hash)?;
            if let Some(id) = id {
                audit::append(
                    c,
                    &who,
                    AuditAction::UserAdd,
                    &format!("user/{id}"),
                    &format!("{} ({})", new.username, new.roles.to_list()),
                )?;
            }
            Ok(id)
        })
        .await?;
    if created.is_none() {
        return users_page(&app, &staff, &form, &[Problem::new("username", "ชื่อผู้ใช้: มีผู้ใช้ชื่อนี้แล้ว")]).await;
    }
    Ok(Redirect::to("/admin/users").into_response())
}

/// `POST /admin/users/{id}/active`
pub async fn set_active(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    if id == staff.user.id {
        return Err(WebError::Forbidden("ระงับบัญชีของตนเองไม่ได้".into()));
    }
    let active = form.get("active").is_some_and(|v| v == "1");
    let who = staff.who();
    app.store
        .run(move |c| {
            users::set_active(c, id, active)?;
            let action = if active { AuditAction::UserEnable } else { AuditAction::UserDisable };
            audit::append(c, &who, action, &format!("user/{id}"), "")
        })
        .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

fn audit_filter(params: &HashMap<String, String>, limit: Option<u32>) -> audit::Filter {
    audit::Filter {
        action_prefix: params.get("action").filter(|a| !a.is_empty()).cloned(),
        object: params.get("object").filter(|o| !o.is_empty()).cloned(),
        limit,
    }
}

fn may_read_audit(staff: &Staff) -> Result<(), WebError> {
    staff.require_any(&[Role::Admin, Role::WebMaster], "บันทึกการใช้งานดูได้เฉพาะผู้ดูแลระบบและผู้ดูแลเว็บไซต์")
}

/// `GET /admin/audit`
pub async fn audit_page(
    State(app): State<Shared>,
    staff: Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    may_read_audit(&staff)?;
    let filter = audit_filter(&params, Some(500));
    let entries = app.store.run(move |c| audit::list(c, &filter)).await?;
    let bar = super::staff::bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    let action = params.get("action").cloned().unwrap_or_default();
    Ok(Html(view::audit(&chrome, &bar, &entries, &action).into_string()).into_response())
}

/// `GET /admin/audit.csv`: the whole (filtered) trail, oldest first, for authorities.
pub async fn audit_csv(
    State(app): State<Shared>,
    staff: Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    may_read_audit(&staff)?;
    let filter = audit_filter(&params, None);
    let entries = app.store.run(move |c| audit::list(c, &filter)).await?;
    let mut out = CsvWriter::in_memory();
    let time = |at: i64| {
        jiff::Timestamp::from_second(at)
            .map(|t| t.to_zoned_datetime(crate::thai::bangkok()).strftime("%Y-%m-%d %H:%M:%S%:z").to_string())
            .unwrap_or_default()
    };
    let _ = out.row(["id", "time", "user", "address", "action", "object", "detail"]);
    for e in &entries {
        let _ = out.row([
            e.id.to_string(),
            time(e.at),
            e.user_name.clone().unwrap_or_default(),
            e.address.clone(),
            e.action.as_str().to_owned(),
            e.object.clone(),
            e.detail.clone(),
        ]);
    }
    Ok(out.download("prakat-audit.csv"))
}

/// `POST /admin/users/{id}/password`: sets a new password for an account (ends its sessions).
pub async fn set_password(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    let field = |k: &str| form.get(k).map_or("", String::as_str);
    staff.check_csrf(field("csrf"))?;
    let user = app.store.run(move |c| users::by_id(c, id)).await?.ok_or(WebError::NotFound)?;
    if let Some(problem) = account::check_password(&user.username, field("password"), field("password2")) {
        let problems =
            [Problem::new(format!("password-{id}"), format!("{}: {}", user.username, problem.message))];
        return users_page(&app, &staff, &NewAccount::default(), &problems).await;
    }
    let hash = crypto::hash_password(field("password"));
    let who = staff.who();
    app.store
        .run(move |c| {
            users::set_password(c, id, &hash)?;
            audit::append(c, &who, AuditAction::UserPasswd, &format!("user/{id}"), "")
        })
        .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// `GET /admin/system`
pub async fn system(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    let bar = super::staff::bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    let status = app.tls.as_ref().map(|t| t.status());
    let (days, last_verification) = app.store.run(|c| crate::store::logs::summary(c)).await?;
    let logs_dir = crate::appliance::traffic::dir(&app.config.data_dir);
    let bytes = tokio::task::spawn_blocking(move || {
        std::fs::read_dir(logs_dir)
            .map(|entries| entries.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
            .unwrap_or(0)
    })
    .await
    .unwrap_or(0);
    let logs =
        view::LogsInfo { days, bytes, retention_days: app.settings().logs.retention_days, last_verification };
    Ok(Html(view::system(&chrome, &bar, status.as_ref(), &logs).into_string()).into_response())
}

/// `GET /admin/system/self-signed.crt`: the self-signed certificate (never the key), to install
/// on the office's PCs.
pub async fn self_signed_certificate(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    let path = crate::appliance::tls::certs_dir(&app.config.data_dir).join("self-signed.pem");
    let pem = tokio::fs::read(path).await.map_err(|_| WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-x509-ca-cert"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"prakat-self-signed.crt\""),
        ],
        pem,
    )
        .into_response())
}

async fn backups_page(app: &Shared, staff: &Staff) -> Result<Response, WebError> {
    let last = app.store.run(|c| crate::store::backups::last(c)).await?;
    let dir = crate::appliance::backup::default_dir(&app.config.data_dir);
    let kept: Vec<(String, u64, Option<i64>)> = crate::appliance::backup::list(&dir)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(p, size)| {
            let made = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| jiff::Timestamp::try_from(t).ok())
                .map(|t| t.as_second());
            Some((p.file_name()?.to_string_lossy().into_owned(), size, made))
        })
        .collect();
    let bar = super::staff::bar(app, staff).await?;
    let chrome = app.plain_chrome();
    let page = view::backups(&chrome, &bar, last.as_ref(), &kept, &app.settings().backups);
    Ok(Html(page.into_string()).into_response())
}

/// `GET /admin/backups`
pub async fn backups(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    backups_page(&app, &staff).await
}

/// `POST /admin/backups`: makes a backup now.
pub async fn backup_now(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let (store, data, settings, who) =
        (app.store.clone(), app.config.data_dir.clone(), app.settings().backups.clone(), staff.who());
    // The outcome (and any failure) is recorded by run_once and shown on the page.
    let _ = tokio::task::spawn_blocking(move || {
        crate::appliance::backup::run_once(&store, &data, &settings, &who)
    })
    .await;
    Ok(Redirect::to("/admin/backups").into_response())
}

/// `GET /admin/backups/{name}`: downloads one of the kept backups (streamed from disk).
pub async fn backup_download(
    State(app): State<Shared>,
    staff: Staff,
    Path(name): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    let dir = crate::appliance::backup::default_dir(&app.config.data_dir);
    let found = crate::appliance::backup::list(&dir)
        .unwrap_or_default()
        .into_iter()
        .find(|(p, _)| p.file_name().is_some_and(|n| n.to_string_lossy() == name))
        .ok_or(WebError::NotFound)?;
    let zip: mime::Mime = "application/zip".parse().expect("valid mime");
    let Ok(response) =
        tower::ServiceExt::oneshot(tower_http::services::ServeFile::new_with_mime(&found.0, &zip), request)
            .await;
    let mut response = response.map(axum::body::Body::new);
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
