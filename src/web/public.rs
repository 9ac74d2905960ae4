//! Handlers of the public site.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};

use super::access::ClientIp;
use super::{Shared, WebError, download, limits, photos};
use crate::categories::{self, Place};
use crate::store::items::{self, At, Scope};
use crate::store::search;
use crate::views;

/// Sub-categories whose items the home page shows as news.
const HOME_NEWS: &[&str] = &["news/general", "news/activities", "news/alerts"];
/// Sub-categories whose items the home page shows as announcements.
const HOME_ANNOUNCEMENTS: &[&str] =
    &["news/jobs", "news/procurement", "news/procurement-results", "law/announcements"];
/// Rows in each home-page list.
const HOME_ROWS: u32 = 6;
/// The sub-category of activity photos (1.8), shown as albums.
const ACTIVITIES: &str = "news/activities";
/// Activity albums on the home page and on the area page of 1.8.
const HOME_PHOTOS: u32 = 4;

type Params = Query<HashMap<String, String>>;

/// `?page=N`, leniently: anything that is not a positive number means the first page.
fn page_number(params: &HashMap<String, String>) -> u32 {
    params.get("page").and_then(|p| p.parse().ok()).filter(|&n| n >= 1).unwrap_or(1)
}

/// `?fy=` of a public statistics page: one of the last 20 fiscal years (B.E.), the current one
/// by default; and the five most recent years for its menu, newest first.
pub(super) fn past_fiscal_year(params: &HashMap<String, String>) -> (i32, Vec<i32>) {
    let now = crate::thai::fiscal_year(crate::thai::today());
    let fy =
        params.get("fy").and_then(|y| y.parse().ok()).filter(|y| (now - 20..=now).contains(y)).unwrap_or(now);
    (fy, (now - 4..=now).rev().collect())
}

fn html(markup: maud::Markup) -> Response {
    Html(markup.into_string()).into_response()
}

/// `GET /`
pub async fn home(State(app): State<Shared>) -> Result<Response, WebError> {
    let (news, announcements, pinned, activities) = app
        .store
        .run(|c| {
            let at = At::now();
            Ok((
                items::latest(c, Scope::Categories(HOME_NEWS), HOME_ROWS, at)?,
                items::latest(c, Scope::Categories(HOME_ANNOUNCEMENTS), HOME_ROWS, at)?,
                crate::store::highlights::showing(c, at)?,
                items::latest(c, Scope::Categories(&[ACTIVITIES]), HOME_PHOTOS + 3, at)?,
            ))
        })
        .await?;
    let pinned = photos::albums(&app, &pinned).await?;
    // The albums already in the highlight band are not shown twice.
    let mut activities = photos::albums(&app, &activities).await?;
    activities.retain(|a| !pinned.iter().any(|p| p.item.id == a.item.id));
    activities.truncate(HOME_PHOTOS as usize);
    let chrome = app.chrome(None).await?;
    Ok(html(views::public::home(&chrome, &news, &announcements, &pinned, &activities)))
}

/// `GET /c/{area}`
pub async fn area(
    State(app): State<Shared>,
    Path(slug): Path<String>,
    Query(params): Params,
) -> Result<Response, WebError> {
    let area = categories::area(&slug).ok_or(WebError::NotFound)?;
    let page = page_number(&params);
    let per_page = app.settings().display.per_page;
    let with_albums = ACTIVITIES.starts_with(&format!("{}/", area.slug));
    let (counts, rows, activities) = app
        .store
        .run(move |c| {
            let at = At::now();
            let activities = if with_albums {
                items::latest(c, Scope::Categories(&[ACTIVITIES]), HOME_PHOTOS, at)?
            } else {
                Vec::new()
            };
            Ok((
                items::counts_by_category(c, at)?,
                items::list(c, Scope::Area(area.slug), page, per_page, at)?,
                activities,
            ))
        })
        .await?;
    let albums = photos::albums(&app, &activities).await?;
    let chrome = app.chrome(Some(area.slug)).await?;
    Ok(html(views::public::area(&chrome, area, &counts, &rows, &albums)))
}

/// `GET /c/{area}/{sub}`
pub async fn place(
    State(app): State<Shared>,
    Path((area, sub)): Path<(String, String)>,
    Query(params): Params,
) -> Result<Response, WebError> {
    let place = Place::parse(&format!("{area}/{sub}")).ok_or(WebError::NotFound)?;
    let page = page_number(&params);
    let per_page = app.settings().display.per_page;
    let key = place.key();
    let scope_key = key.clone();
    let rows = app
        .store
        .run(move |c| items::list(c, Scope::Categories(&[&scope_key]), page, per_page, At::now()))
        .await?;
    let albums = if key == ACTIVITIES { photos::albums(&app, &rows.rows).await? } else { Vec::new() };
    let chrome = app.chrome(Some(place.area.slug)).await?;
    Ok(html(views::public::place(&chrome, place, &rows, &albums)))
}

/// `GET /items/{id}`
pub async fn item(State(app): State<Shared>, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let found = app
        .store
        .run(move |c| {
            let at = At::now();
            Ok(match items::visible(c, id, at)? {
                Some((item, files)) => Ok((item, files, crate::store::revisions::change_log(c, id)?)),
                None => Err(items::gone(c, id, at)?),
            })
        })
        .await?;
    let (item, files, changes) = match found {
        Ok(found) => found,
        Err(Some(_)) => return Err(WebError::Gone),
        Err(None) => return Err(WebError::NotFound),
    };
    let shown = photos::gallery(&app, &item, &files).await?;
    let place = Place::parse(&item.category);
    let chrome = app.chrome(place.map(|p| p.area.slug)).await?;
    Ok(html(views::public::item(&chrome, &item, place, &files, &shown, &changes)))
}

/// `GET /files/{id}/{name}`: an attachment of a visible item, byte for byte, with its type;
/// for a photo, its widest public copy (the original, with its EXIF block, is for staff). A
/// photo that cannot be read as an image stays a download of the file as uploaded.
pub async fn file(
    State(app): State<Shared>,
    Path((id, _name)): Path<(String, String)>,
    request: Request,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let attachment = app
        .store
        .run(move |c| items::visible_attachment(c, id, At::now()))
        .await?
        .ok_or(WebError::NotFound)?;
    if crate::store::photos::is_photo_kind(&attachment.kind) {
        if let Some(photo) = photos::ensure(&app, &attachment.sha256).await? {
            return photos::send_copy(&app, &attachment, photo.largest(), request).await;
        }
        let (mut parts, body) = request.into_parts();
        if let Ok(uri) = format!("{}?download=1", parts.uri.path()).parse() {
            parts.uri = uri;
        }
        return download::serve(
            &app,
            &attachment,
            Request::from_parts(parts, body),
            download::Caching::Public,
        )
        .await;
    }
    download::serve(&app, &attachment, request, download::Caching::Public).await
}

/// `GET /search?q=&area=&fy=&page=`: ranked full-text search with highlighted matches.
pub async fn search(
    State(app): State<Shared>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Query(params): Params,
) -> Result<Response, WebError> {
    app.limits.check(limits::Kind::Search, ip)?;
    // Control characters (a NUL included) are never part of a query.
    let text: String = params
        .get("q")
        .map(|q| q.chars().filter(|c| !c.is_control()).take(200).collect::<String>().trim().to_owned())
        .unwrap_or_default();
    let area = params.get("area").and_then(|a| categories::area(a)).map(|a| a.slug);
    let fiscal_year =
        params.get("fy").and_then(|y| y.parse::<i32>().ok()).filter(|y| (2500..3000).contains(y));
    let query = search::Query {
        text,
        area,
        fiscal_year,
        page: page_number(&params),
        per_page: app.settings().display.per_page,
    };
    let q = query.clone();
    let cache = app.store.search_cache().clone();
    let (years, results) = app
        .store
        .run(move |c| {
            let at = At::now();
            let results = if q.text.is_empty() { None } else { Some(search::search(c, &cache, &q, at)?) };
            Ok((search::fiscal_years(c, at)?, results))
        })
        .await?;
    let chrome = app.chrome(None).await?;
    Ok(html(views::public::search(&chrome, &query, &years, results.as_ref())))
}

/// `http://HOST` of the request, for documents that need absolute URLs (sitemap, feeds). Only
/// a plain host name or address is accepted; anything else becomes `localhost`.
pub(super) fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// `GET /healthz`: 200 once the database answers.
pub async fn healthz(State(app): State<Shared>) -> Result<Response, WebError> {
    app.store.run(crate::store::ping).await?;
    Ok(format!("ok prakat {}\n", env!("CARGO_PKG_VERSION")).into_response())
}

/// Anything else: the Thai 404 page.
pub async fn not_found() -> WebError {
    WebError::NotFound
}
