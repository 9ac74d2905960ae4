//! `/admin/import`: the WordPress import from the browser. The upload streams to temporary
//! files, the import runs on a blocking thread, and the browser follows it on
//! `/admin/import/progress` (a page that refreshes itself) until the report is there.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::session::Staff;
use super::{Shared, WebError};
use crate::categories::Place;
use crate::import::{self, Options, mapping::CategoryMap, uploads::Uploads};
use crate::store::audit::{self, AuditAction};
use crate::store::imports;
use crate::views::forms::Problem;
use crate::views::import::{self as view, Progress};
use crate::workflow::state::Role;

/// Largest upload accepted by `POST /admin/import` (export plus uploads zip).
pub const UPLOAD_LIMIT: usize = 4 << 30;

/// How long the upload to `POST /admin/import` may take (every other request has 30 s): 4 GB
/// at about 20 Mbit/s. The listener's minimum data rate still ends a stalled upload early.
pub const UPLOAD_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// The one import that may run at a time, and its progress.
static BUSY: AtomicBool = AtomicBool::new(false);
static CURRENT: Mutex<Option<Progress>> = Mutex::new(None);

fn may_import(staff: &Staff) -> Result<(), WebError> {
    staff.require_any(&[Role::Admin, Role::WebMaster], "การนำเข้าจากเว็บไซต์เดิมทำได้เฉพาะผู้ดูแลระบบและผู้ดูแลเว็บไซต์")
}

fn html(m: maud::Markup) -> Response {
    Html(m.into_string()).into_response()
}

async fn show(
    app: &Shared,
    staff: &Staff,
    problems: &[Problem],
    status: StatusCode,
) -> Result<Response, WebError> {
    let (runs, held) = app.store.run(|c| Ok((imports::runs(c)?, imports::held(c)?))).await?;
    let bar = super::staff::bar(app, staff).await?;
    let page = view::page(&app.plain_chrome(), &bar, &runs, &held, problems, BUSY.load(Ordering::SeqCst));
    Ok((status, html(page)).into_response())
}

/// `GET /admin/import`
pub async fn page(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    may_import(&staff)?;
    show(&app, &staff, &[], StatusCode::OK).await
}

/// `POST /admin/import`: receives the files and starts the run.
pub async fn start(
    State(app): State<Shared>,
    staff: Staff,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    may_import(&staff)?;
    let mut csrf_ok = false;
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut files: HashMap<String, (tempfile::NamedTempFile, String, u64)> = HashMap::new();
    let mut problems = Vec::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                problems
                    .push(Problem::new("", "อ่านไฟล์ที่ส่งมาไม่สำเร็จ หรือใหญ่เกินไป (upload failed or too large)"));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if matches!(name.as_str(), "wxr" | "uploads" | "map") {
            // The token comes first in the form; no file is written before it is checked.
            if !csrf_ok {
                return Err(WebError::Forbidden("แบบฟอร์มหมดอายุ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง".into()));
            }
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mut tmp = app.store.blobs().temp_file().map_err(crate::store::StoreError::Io)?;
            let mut size = 0u64;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        size += chunk.len() as u64;
                        tmp.write_all(&chunk).map_err(crate::store::StoreError::Io)?;
                    }
                    Ok(None) => break,
                    Err(_) => {
                        problems.push(Problem::new(&name, "อ่านไฟล์ที่ส่งมาไม่สำเร็จ หรือใหญ่เกินไป (upload failed)"));
                        break;
                    }
                }
            }
            if size > 0 {
                files.insert(name, (tmp, file_name, size));
            }
        } else {
            let value = field.text().await.unwrap_or_default();
            if name == "csrf" {
                staff.check_csrf(&value)?;
                csrf_ok = true;
            }
            fields.insert(name, value);
        }
    }
    if !csrf_ok {
        return Err(WebError::Forbidden("แบบฟอร์มหมดอายุ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง".into()));
    }
    let Some((wxr, wxr_name, _)) = files.remove("wxr") else {
        problems.push(Problem::new("wxr", "ไฟล์ส่งออก: ต้องเลือกไฟล์ .xml ที่ส่งออกจาก WordPress"));
        return show(&app, &staff, &problems, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (map, mut map_problems) = match files.remove("map") {
        Some((tmp, name, _)) => match std::fs::read_to_string(tmp.path()) {
            Ok(text) => match CategoryMap::parse(&text) {
                Ok(parsed) => parsed,
                Err(e) => {
                    problems.push(Problem::new("map", format!("{name}: {e}")));
                    return show(&app, &staff, &problems, StatusCode::UNPROCESSABLE_ENTITY).await;
                }
            },
            Err(_) => {
                problems.push(Problem::new("map", format!("{name}: ไฟล์จับคู่หมวดหมู่ต้องเป็นข้อความ UTF-8")));
                return show(&app, &staff, &problems, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        },
        None => (CategoryMap::default(), Vec::new()),
    };
    let uploads = match files.remove("uploads") {
        Some((tmp, name, _)) => match Uploads::open(tmp.path()) {
            Ok(u) => Some((u, tmp)),
            Err(_) => {
                problems.push(Problem::new("uploads", format!("{name}: ไม่ใช่ไฟล์ zip ที่อ่านได้")));
                return show(&app, &staff, &problems, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        },
        None => {
            map_problems.push("ไม่ได้ส่งไฟล์ zip ของ uploads: ไฟล์แนบทุกไฟล์จะถูกรายงานว่าไม่พบ".into());
            None
        }
    };
    if BUSY.swap(true, Ordering::SeqCst) {
        problems.push(Problem::new("", "มีการนำเข้ากำลังทำอยู่ กรุณารอให้เสร็จก่อน"));
        return show(&app, &staff, &problems, StatusCode::CONFLICT).await;
    }
    let opts = Options {
        dry_run: fields.get("dry_run").is_some_and(|v| v == "1"),
        max_file_bytes: app.settings().uploads.max_file_bytes,
        allow_oversize: fields.get("allow_oversize").is_some_and(|v| v == "1"),
        who: staff.who(),
        file_label: if wxr_name.is_empty() { "export.xml".into() } else { wxr_name },
    };
    *CURRENT.lock().expect("lock poisoned") = Some(Progress::default());
    let store = app.store.clone();
    let app2 = app.clone();
    tokio::task::spawn_blocking(move || {
        let (mut source, _keep) = match uploads {
            Some((u, tmp)) => (u, Some(tmp)),
            None => (Uploads::None, None),
        };
        let result = import::wordpress(
            &store,
            wxr.path(),
            &mut source,
            &map,
            &map_problems,
            &opts,
            &mut |done, total| {
                if let Some(p) = CURRENT.lock().expect("lock poisoned").as_mut() {
                    p.done = done;
                    p.total = total;
                }
            },
        );
        let mut current = CURRENT.lock().expect("lock poisoned");
        let p = current.get_or_insert_with(Progress::default);
        match result {
            Ok(report) => p.report = Some(report),
            Err(e) => {
                tracing::error!("import failed: {e:#}");
                p.failed = Some("เกิดข้อผิดพลาดของระบบ (ฐานข้อมูลหรือดิสก์) ดูรายละเอียดในบันทึกของระบบ".into());
            }
        }
        drop(current);
        app2.pages.invalidate();
        // The imported photos' public copies, in the background.
        super::photos::make_soon(&app2);
        BUSY.store(false, Ordering::SeqCst);
    });
    Ok(Redirect::to("/admin/import/progress").into_response())
}

/// `GET /admin/import/progress`
pub async fn progress(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    may_import(&staff)?;
    let p = CURRENT.lock().expect("lock poisoned").clone().unwrap_or_default();
    let bar = super::staff::bar(&app, &staff).await?;
    let running = p.report.is_none() && p.failed.is_none();
    let mut response = html(view::progress(&app.plain_chrome(), &bar, &p));
    if running {
        // Besides the page's own <meta> refresh: browsers follow this header too.
        response.headers_mut().insert("refresh", axum::http::HeaderValue::from_static("1"));
    }
    Ok(response)
}

/// `POST /admin/import/{run}/undo`
pub async fn undo(
    State(app): State<Shared>,
    staff: Staff,
    Path(run): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    may_import(&staff)?;
    staff.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let (store, who) = (app.store.clone(), staff.who());
    let undone = tokio::task::spawn_blocking(move || import::undo(&store, run, &who))
        .await
        .map_err(crate::store::StoreError::Join)?
        .map_err(|e| {
            tracing::error!("import undo failed: {e:#}");
            WebError::Store(crate::store::StoreError::Io(std::io::Error::other(e.to_string())))
        })?;
    if undone.is_none() {
        return Err(WebError::NotFound);
    }
    app.pages.invalidate();
    Ok(Redirect::to("/admin/import").into_response())
}

/// `POST /admin/import/held/{id}`: publishes a held post in the chosen category.
pub async fn release(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    may_import(&staff)?;
    staff.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let Some(place) = form.get("category").and_then(|c| Place::parse(c)) else {
        let problems = [Problem::new("category", "หมวดหมู่: ต้องเลือกหมวดหมู่ที่มีในระบบ")];
        return show(&app, &staff, &problems, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (key, who) = (place.key(), staff.who());
    let item = app
        .store
        .run(move |c| {
            let item = imports::release_held(c, id, &key)?;
            if let Some(item) = item {
                audit::append(c, &who, AuditAction::ImportRelease, &format!("item/{item}"), &key)?;
            }
            Ok(item)
        })
        .await?;
    if item.is_none() {
        return Err(WebError::NotFound);
    }
    app.pages.invalidate();
    Ok(Redirect::to("/admin/import").into_response())
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    #[test]
    fn only_the_import_upload_gets_the_long_deadline() {
        let long = super::super::frame::deadline_for(&Method::POST, "/admin/import");
        assert_eq!(long, super::UPLOAD_DEADLINE);
        assert!(long.as_secs() >= 600);
        for (m, p) in [
            (Method::GET, "/admin/import"),
            (Method::POST, "/admin/import/held/1"),
            (Method::POST, "/staff/requests"),
            (Method::GET, "/admin/import/progress"),
        ] {
            assert_eq!(super::super::frame::deadline_for(&m, p).as_secs(), 30, "{m} {p}");
        }
    }
}
