//! Photos over HTTP: the public copies (`/files/{id}/{width}/{name}`), the staff-only original
//! (`/files/{id}/original/{name}`), the full-size view of one photo of an item
//! (`/items/{id}/photos/{n}`), and the web masters' home-page highlights
//! (`/staff/highlights`). The copies are made on blocking threads (see `store::photos`): after
//! each publication, by the scheduler's `photos` job, and when one is first needed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Form;
use axum::extract::{FromRequestParts as _, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::download::{self, Disposition, Sending};
use super::session::Staff;
use super::{Shared, WebError};
use crate::categories::Place;
use crate::paths;
use crate::store::items::{self, At, Attachment, Item, ItemSummary};
use crate::store::photos::{self, Photo};
use crate::store::{StoreError, audit, highlights};
use crate::views;
use crate::views::forms::Problem;
use crate::views::photos::{Album, Shown};
use crate::workflow::audit::AuditAction;
use crate::workflow::highlight::{self, PinInput};
use crate::workflow::state::Role;

/// Photos looked at per run of the background maker.
const BATCH: u32 = 200;

/// Photos a page makes the copies of while it waits; the rest are made in the background
/// (see [`photos::sizes`]).
const MAKE_WHILE_WAITING: usize = 4;

/// The upright sizes of the photos among `files`, making the copies of a few never seen (up to
/// `make`) and leaving the rest to the background maker.
pub(super) async fn sizes(
    app: &Shared,
    files: &[&Attachment],
    make: usize,
) -> Result<HashMap<String, Photo>, WebError> {
    let hashes: Vec<String> =
        files.iter().filter(|f| photos::is_photo_kind(&f.kind)).map(|f| f.sha256.clone()).collect();
    if hashes.is_empty() {
        return Ok(HashMap::new());
    }
    let store = app.store.clone();
    let (found, left) = tokio::task::spawn_blocking(move || photos::sizes(&store, &hashes, make))
        .await
        .map_err(StoreError::from)??;
    if left {
        make_soon(app);
    }
    Ok(found)
}

/// The photos among `files` that can be shown, in order.
pub(super) async fn shown(app: &Shared, files: &[Attachment]) -> Result<Vec<Shown>, WebError> {
    let refs: Vec<&Attachment> = files.iter().collect();
    let sizes = sizes(app, &refs, MAKE_WHILE_WAITING).await?;
    Ok(files
        .iter()
        .filter_map(|f| {
            photos::is_photo_kind(&f.kind)
                .then(|| sizes.get(&f.sha256))
                .flatten()
                .map(|p| Shown { file: f.clone(), photo: *p })
        })
        .collect())
}

/// The photos of `item`'s gallery: those among `files` that can be shown, less the ones its
/// body already shows inline (imported bodies do), which stay in the file list. The item page
/// and the photo pages number the same list.
pub(super) async fn gallery(app: &Shared, item: &Item, files: &[Attachment]) -> Result<Vec<Shown>, WebError> {
    let inline = crate::views::rich::inline_files(&item.body);
    let mut photos = shown(app, files).await?;
    photos.retain(|p| !inline.contains(&p.file.id));
    Ok(photos)
}

/// The rows of `rows` that have a photo, as album covers, in order.
pub(super) async fn albums(app: &Shared, rows: &[ItemSummary]) -> Result<Vec<Album>, WebError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let covers = app.store.run(move |c| items::covers(c, &ids)).await?;
    let files: Vec<&Attachment> = covers.values().map(|c| &c.photo).collect();
    let sizes = sizes(app, &files, 0).await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let cover = covers.get(&row.id)?;
            let photo = *sizes.get(&cover.photo.sha256)?;
            Some(Album {
                item: row.clone(),
                cover: Shown { file: cover.photo.clone(), photo },
                count: cover.count,
            })
        })
        .collect())
}

/// Whether the background maker is running, and whether it was asked again meanwhile.
static MAKER_RUNNING: AtomicBool = AtomicBool::new(false);
static MAKER_ASKED: AtomicBool = AtomicBool::new(false);

/// Starts making the copies of newly published photos on a blocking thread (one at a time: a
/// call while it runs makes it look again when done); the public pages are refreshed once they
/// are made. Publishing never waits for it, and a photo that cannot be read only stays a
/// download (logged).
pub(super) fn make_soon(app: &Shared) {
    MAKER_ASKED.store(true, Ordering::SeqCst);
    if MAKER_RUNNING.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        loop {
            MAKER_ASKED.store(false, Ordering::SeqCst);
            match photos::make_pending(&app.store, BATCH) {
                Ok(0) => {}
                Ok(_) => app.pages.invalidate(),
                Err(e) => tracing::warn!(error = %e, "photo copies not made"),
            }
            MAKER_RUNNING.store(false, Ordering::SeqCst);
            if !MAKER_ASKED.load(Ordering::SeqCst) || MAKER_RUNNING.swap(true, Ordering::SeqCst) {
                break;
            }
        }
    });
}

/// A photo's copy `width` wide, shown in the browser (or downloaded with `?download=1`).
pub(super) async fn send_copy(
    app: &Shared,
    file: &Attachment,
    width: u32,
    request: Request,
) -> Result<Response, WebError> {
    let path = app.store.photos().path(&file.sha256, width).ok_or(WebError::NotFound)?;
    let stem = file.file_name.rsplit_once('.').map_or(file.file_name.as_str(), |(s, _)| s);
    let name = format!("{stem}.jpg");
    let sha = file.sha256.clone();
    let tag = app.store.run(move |c| photos::copy_hash(c, &sha, width)).await?.ok_or(WebError::NotFound)?;
    let sending = Sending {
        path,
        tag,
        mime: mime::IMAGE_JPEG,
        file_name: &name,
        disposition: Disposition::of("jpg", &request),
    };
    download::send(app, sending, request, download::Caching::Public).await
}

/// The photo with this hash, its copies made if missing; `None` when it cannot be read.
pub(super) async fn ensure(app: &Shared, sha256: &str) -> Result<Option<Photo>, WebError> {
    let (store, sha) = (app.store.clone(), sha256.to_owned());
    Ok(tokio::task::spawn_blocking(move || photos::ensure(&store, &sha))
        .await
        .map_err(StoreError::from)??)
}

/// `GET /files/{id}/{width}/{name}`: a public copy of a photo; `original` in place of the
/// width: the file as uploaded, for signed-in staff only (403 to everyone else).
pub async fn copy(
    State(app): State<Shared>,
    Path((id, variant, _name)): Path<(String, String, String)>,
    request: Request,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    if variant == paths::ORIGINAL {
        return original(&app, id, request).await;
    }
    let width: u32 = variant.parse().map_err(|_| WebError::NotFound)?;
    let file = app
        .store
        .run(move |c| items::visible_attachment(c, id, At::now()))
        .await?
        .filter(|f| photos::is_photo_kind(&f.kind))
        .ok_or(WebError::NotFound)?;
    let photo = ensure(&app, &file.sha256).await?.ok_or(WebError::NotFound)?;
    if !photo.widths().contains(&width) {
        return Err(WebError::NotFound);
    }
    send_copy(&app, &file, width, request).await
}

async fn original(app: &Shared, id: i64, request: Request) -> Result<Response, WebError> {
    let (mut parts, body) = request.into_parts();
    if Staff::from_request_parts(&mut parts, app).await.is_err() {
        return Err(WebError::Forbidden(
            "ไฟล์ต้นฉบับของภาพสงวนไว้สำหรับเจ้าหน้าที่ที่เข้าสู่ระบบเท่านั้น (อาจมีข้อมูลตำแหน่งที่ถ่ายภาพ) \
             ภาพสำหรับประชาชนดูและดาวน์โหลดได้จากหน้ารายการ"
                .into(),
        ));
    }
    let file = app.store.run(move |c| items::attachment(c, id)).await?.ok_or(WebError::NotFound)?;
    let mut request = Request::from_parts(parts, body);
    // Staff get the original as a download, never shown as part of the site.
    let uri = format!("{}?download=1", request.uri().path());
    if let Ok(uri) = uri.parse() {
        *request.uri_mut() = uri;
    }
    download::serve(app, &file, request, download::Caching::Private).await
}

/// `GET /items/{id}/photos/{n}`: photo `n` (from 1) of a visible item, full size.
pub async fn page(
    State(app): State<Shared>,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let n: usize = n.parse().ok().filter(|&n| n >= 1).ok_or(WebError::NotFound)?;
    let found = app
        .store
        .run(move |c| {
            let at = At::now();
            Ok(match items::visible(c, id, at)? {
                Some(found) => Ok(found),
                None => Err(items::gone(c, id, at)?),
            })
        })
        .await?;
    let (item, files) = match found {
        Ok(found) => found,
        Err(Some(_)) => return Err(WebError::Gone),
        Err(None) => return Err(WebError::NotFound),
    };
    let shown = gallery(&app, &item, &files).await?;
    if n > shown.len() {
        return Err(WebError::NotFound);
    }
    let place = Place::parse(&item.category);
    let chrome = app.chrome(place.map(|p| p.area.slug)).await?;
    Ok(Html(views::photos::photo_page(&chrome, &item, place, &shown, n).into_string()).into_response())
}

fn allowed(staff: &Staff) -> Result<(), WebError> {
    staff.require_any(&[Role::WebMaster, Role::Admin], "หน้านี้สำหรับผู้ดูแลเว็บไซต์ (Web Master) เท่านั้น")
}

async fn render(
    app: &Shared,
    staff: &Staff,
    input: &PinInput,
    problems: &[Problem],
    notice: Option<&str>,
) -> Result<Response, WebError> {
    let pins = app.store.run(|c| highlights::all(c, At::now())).await?;
    let bar = super::staff::bar(app, staff).await?;
    let page = views::photos::admin(&app.plain_chrome(), &bar, &pins, input, problems, notice);
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Html(page.into_string())).into_response())
}

/// `GET /staff/highlights`
pub async fn highlights_page(
    State(app): State<Shared>,
    staff: Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    allowed(&staff)?;
    let notice = match params.get("done").map(String::as_str) {
        Some("pinned") => Some("ปักหมุดแล้ว แสดงที่หน้าแรกทันที"),
        Some("unpinned") => Some("เลิกปักหมุดแล้ว"),
        _ => None,
    };
    render(&app, &staff, &PinInput::default(), &[], notice).await
}

/// The pin form with its CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct PinForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: PinInput,
}

/// `POST /staff/highlights`: pins an item (published, with a photo; at most three; the last
/// day not past), audited.
pub async fn pin(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<PinForm>,
) -> Result<Response, WebError> {
    allowed(&staff)?;
    staff.check_csrf(&form.csrf)?;
    let (who, by, input) = (staff.who(), staff.user.id, form.input.clone());
    let outcome = app
        .store
        .run(move |c| {
            let at = At::now();
            let tx = c.transaction()?;
            let pinned = highlights::prune(&tx, at)?;
            let valid = match highlight::validate(&input, at.today, &pinned) {
                Ok(valid) => valid,
                Err(problems) => return Ok(Err(problems.into_iter().map(Problem::from).collect::<Vec<_>>())),
            };
            if items::visible(&tx, valid.item_id, at)?.is_none() {
                return Ok(Err(vec![Problem::new(
                    "item",
                    format!("รายการที่จะปักหมุด: ไม่พบรายการเลขที่ {} ที่เผยแพร่อยู่บนเว็บไซต์", valid.item_id),
                )]));
            }
            if items::covers(&tx, &[valid.item_id])?.is_empty() {
                return Ok(Err(vec![Problem::new(
                    "item",
                    "รายการที่จะปักหมุด: รายการนี้ไม่มีภาพประกอบ (ไฟล์ .jpg) แถบข่าวเด่นแสดงเฉพาะรายการที่มีภาพ",
                )]));
            }
            highlights::pin(&tx, valid.item_id, valid.until, Some(by))?;
            let detail = valid.until.map(|d| d.to_string()).unwrap_or_default();
            audit::append(&tx, &who, AuditAction::HighlightPin, &format!("item/{}", valid.item_id), &detail)?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await?;
    match outcome {
        Ok(()) => {
            app.pages.invalidate();
            Ok(Redirect::to(&format!("{}?done=pinned", paths::HIGHLIGHTS)).into_response())
        }
        Err(problems) => render(&app, &staff, &form.input, &problems, None).await,
    }
}

/// The unpin button's form.
#[derive(Debug, serde::Deserialize)]
pub struct UnpinForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /staff/highlights/{id}/unpin`, audited.
pub async fn unpin(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<UnpinForm>,
) -> Result<Response, WebError> {
    allowed(&staff)?;
    staff.check_csrf(&form.csrf)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let who = staff.who();
    let removed = app
        .store
        .run(move |c| {
            let tx = c.transaction()?;
            let removed = highlights::unpin(&tx, id)?;
            if removed {
                audit::append(&tx, &who, AuditAction::HighlightUnpin, &format!("item/{id}"), "")?;
            }
            tx.commit()?;
            Ok(removed)
        })
        .await?;
    if !removed {
        return Err(WebError::NotFound);
    }
    app.pages.invalidate();
    Ok(Redirect::to(&format!("{}?done=unpinned", paths::HIGHLIGHTS)).into_response())
}
