//! Handlers for content that lives: amending a published (or withdrawn) item, its revisions,
//! the difference of two revisions, and files of past revisions for staff.
//!
//! An amendment is a new request planned with [`Transition::Amend`] against the item's current
//! request; after that it goes the way of any request (`web::staff`), and publishing it
//! revises the item at the same address.

use axum::extract::{Multipart, Path, Query, Request as HttpRequest, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::Staff;
use super::staff::bar;
use super::{Shared, WebError, download, upload};
use crate::paths;
use crate::store::items::{self, Attachment, Item, NewAttachment};
use crate::store::requests::{self, Amendment, NotRecorded, Record, Request, Target};
use crate::store::revisions;
use crate::thai;
use crate::views::amend::{self as view, AmendExtra, RevisionsPage};
use crate::views::forms::Problem;
use crate::workflow::amend::{self as rules, Content};
use crate::workflow::request::{self as form, RequestInput};
use crate::workflow::state::{Actor, RequestFacts, State as Lifecycle, may_amend};
use crate::workflow::transition::{Transition, plan};

fn html(m: maud::Markup) -> Response {
    Html(m.into_string()).into_response()
}

/// An item with what deciding on an amendment needs.
struct Context {
    item: Item,
    files: Vec<Attachment>,
    state: String,
    current: Option<Request>,
    open: Option<i64>,
}

async fn context(app: &Shared, id: &str) -> Result<Context, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    app.store
        .run(move |c| {
            let Some((item, files, state)) = items::by_id(c, id)? else { return Ok(None) };
            Ok(Some(Context {
                item,
                files,
                state,
                current: requests::current_of_item(c, id)?,
                open: requests::open_amendment(c, id)?,
            }))
        })
        .await?
        .ok_or(WebError::NotFound)
}

impl Context {
    /// The facts the amendment rule judges: the item's state as it stands today (an end date
    /// already passed counts as expired even before the scheduler ran), with the current
    /// request's requester. Content with no request has the system as requester.
    fn facts(&self) -> RequestFacts {
        let today = thai::today();
        let state = match self.state.as_str() {
            "withdrawn" => Lifecycle::Withdrawn,
            "published" if self.item.expires_on.is_none_or(|end| end >= today) => Lifecycle::Published,
            _ => Lifecycle::Expired,
        };
        RequestFacts {
            state,
            requester_id: self.current.as_ref().map_or(Actor::SYSTEM_USER_ID, |r| r.requester_id),
            verbal_pending: false,
            amendment: false,
            approvers: Vec::new(),
        }
    }

    fn content(&self) -> Content {
        let i = &self.item;
        let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        Content {
            title: i.title.clone(),
            summary: i.summary.clone(),
            body: i.body.clone(),
            link: i.link.clone().unwrap_or_default(),
            category: i.category.clone(),
            period_from: date(i.period_from),
            period_to: date(i.period_to),
            end: date(i.expires_on),
            files: self.files.iter().map(|f| (f.file_name.clone(), f.sha256.clone())).collect(),
        }
    }

    /// The form pre-filled with the item's content and the requester's details.
    fn input(&self, staff: &Staff) -> RequestInput {
        let i = &self.item;
        let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let u = &staff.user;
        let (unit, name, position, contact) = match &self.current {
            Some(r) if r.requester_id == u.id => (
                r.fields.unit.clone(),
                r.fields.requester_name.clone(),
                r.fields.requester_position.clone(),
                r.fields.requester_contact.clone(),
            ),
            _ => (
                if u.unit.is_empty() { i.source.clone() } else { u.unit.clone() },
                u.name.clone(),
                u.position.clone(),
                [u.phone.as_str(), u.email.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        };
        RequestInput {
            unit,
            request_date: thai::today().to_string(),
            topic: i.title.clone(),
            details: i.body.clone(),
            link: i.link.clone().unwrap_or_default(),
            remarks: String::new(),
            requester_name: name,
            requester_position: position,
            requester_contact: contact,
            category: i.category.clone(),
            period_from: date(i.period_from),
            period_to: date(i.period_to),
            end_date: date(i.expires_on),
            no_end: i.expires_on.is_none(),
        }
    }
}

/// An amendment's content as compared with the item's: the validated form, the summary and
/// the files as (name, sha256).
pub(super) fn proposed_content(
    v: &form::ValidRequest,
    summary: &str,
    files: Vec<(String, String)>,
) -> Content {
    let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    Content {
        title: v.topic.clone(),
        summary: summary.to_owned(),
        body: v.details.clone(),
        link: v.link.clone().unwrap_or_default(),
        category: v.category.clone(),
        period_from: date(v.period_from),
        period_to: date(v.period_to),
        end: date(v.end),
        files,
    }
}

/// Whether an amendment of item `item_id` proposing `content` changes nothing of the version
/// online — checked when it is made, and again whenever it is edited or sent again (the item
/// may have been amended meanwhile). Republishing a withdrawn item is a change in itself.
pub(super) async fn changes_nothing(app: &Shared, item_id: i64, content: &Content) -> Result<bool, WebError> {
    let ctx = context(app, &item_id.to_string()).await?;
    Ok(ctx.unchanged(content))
}

impl Context {
    fn unchanged(&self, proposed: &Content) -> bool {
        self.state != "withdrawn" && rules::changes(&self.content(), proposed).is_empty()
    }
}

/// Refuses unless `staff` may amend the item now (with the workflow's Thai reason).
fn allowed(staff: &Staff, ctx: &Context) -> Result<(), WebError> {
    may_amend(&ctx.facts(), &staff.actor()).map_err(|e| WebError::Forbidden(e.to_string()))
}

async fn open_page(app: &Shared, staff: &Staff, ctx: &Context, open: i64) -> Result<Response, WebError> {
    let bar = bar(app, staff).await?;
    let page = view::already_open(&app.plain_chrome(), &bar, &ctx.item, open);
    Ok((StatusCode::CONFLICT, html(page)).into_response())
}

fn max_upload(app: &Shared) -> u64 {
    app.settings().uploads.max_file_bytes
}

/// `GET /staff/items/{id}/amend`: the amendment form, a copy of the current content.
pub async fn form(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ctx = context(&app, &id).await?;
    allowed(&staff, &ctx)?;
    if let Some(open) = ctx.open {
        return open_page(&app, &staff, &ctx, open).await;
    }
    let extra = AmendExtra { summary: ctx.item.summary.clone(), ..AmendExtra::default() };
    let bar = bar(&app, &staff).await?;
    let page = view::amend_form(
        &app.plain_chrome(),
        &bar,
        &ctx.item,
        &ctx.files,
        &ctx.input(&staff),
        &extra,
        &[],
        max_upload(&app) >> 20,
    );
    Ok(html(page))
}

/// `POST /staff/items/{id}/amend`: checks the amendment and records it as a new request
/// (draft or sent), or shows the form again with everything typed and the problems. The
/// `preview` button shows the body as it will look, without saving.
pub async fn create(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let ctx = context(&app, &id).await?;
    allowed(&staff, &ctx)?;
    if let Some(open) = ctx.open {
        return open_page(&app, &staff, &ctx, open).await;
    }
    let mut up = upload::read(multipart, app.store.blobs(), max_upload(&app), 0).await;
    staff.check_csrf(&up.csrf)?;
    up.remove_files.retain(|id| ctx.files.iter().any(|f| f.id == *id));
    let kept: Vec<&Attachment> = ctx.files.iter().filter(|f| !up.remove_files.contains(&f.id)).collect();
    let mut problems = std::mem::take(&mut up.problems);
    if kept.len() + up.files.len() > crate::workflow::files::MAX_FILES {
        problems.push(Problem::new(
            "files",
            format!("แนบไฟล์ได้สูงสุด {} ไฟล์ (รวมไฟล์เดิมที่ไม่ได้นำออก)", crate::workflow::files::MAX_FILES),
        ));
    }
    let note = up.note.trim().to_owned();
    let preview = up.intent == "preview";
    if !preview {
        if note.is_empty() {
            problems.push(Problem::new("note", rules::NOTE_REQUIRED));
        } else if note.chars().count() > rules::NOTE_MAX {
            problems.push(Problem::new("note", format!("บันทึกสิ่งที่แก้ไขยาวได้ไม่เกิน {} ตัวอักษร", rules::NOTE_MAX)));
        }
    }
    let valid = match form::validate(&up.input, thai::today()) {
        Ok(v) => Some(v),
        Err(errors) => {
            if !preview {
                problems.extend(errors.into_iter().map(Problem::from));
            }
            None
        }
    };
    if let Some(v) = &valid {
        let mut files: Vec<(String, String)> =
            kept.iter().map(|f| (f.file_name.clone(), f.sha256.clone())).collect();
        files.extend(up.files.iter().map(|f| (f.name().to_owned(), f.sha256().to_owned())));
        if !preview && ctx.unchanged(&proposed_content(v, &up.summary, files)) {
            problems.push(Problem::new("", rules::NOTHING_CHANGED));
        }
    }
    let valid = match valid {
        Some(v) if problems.is_empty() && !preview => v,
        _ => {
            if !up.files.is_empty() {
                problems.push(Problem::new("files", "ไฟล์ใหม่ยังไม่ได้บันทึก กรุณาเลือกไฟล์อีกครั้งหลังแก้ไขข้อผิดพลาด"));
            }
            let extra = AmendExtra {
                summary: up.summary.clone(),
                note: up.note.clone(),
                removed: up.remove_files.clone(),
                preview,
            };
            let bar = bar(&app, &staff).await?;
            let chrome = app.plain_chrome();
            let page = view::amend_form(
                &chrome,
                &bar,
                &ctx.item,
                &ctx.files,
                &up.input,
                &extra,
                &problems,
                max_upload(&app) >> 20,
            );
            if preview {
                return Ok(html(page));
            }
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html(page)).into_response());
        }
    };
    let transition = Transition::Amend { submit: up.intent != "draft" };
    let planned = plan(&transition, Some(&ctx.facts()), &staff.actor())
        .map_err(|e| WebError::Forbidden(e.to_string()))?;
    let mut files: Vec<NewAttachment> = kept
        .iter()
        .map(|f| NewAttachment {
            file_name: f.file_name.clone(),
            kind: f.kind.clone(),
            blob: crate::store::blobs::StoredBlob { sha256: f.sha256.clone(), size: f.size },
            alt: String::new(),
        })
        .collect();
    let summary = up.summary.trim().to_owned();
    let blobs = app.store.blobs().clone();
    let added = tokio::task::spawn_blocking(move || up.store(&blobs))
        .await
        .map_err(crate::store::StoreError::from)?
        .map_err(crate::store::StoreError::from)?;
    files.extend(added);
    let amendment = Amendment { item_id: ctx.item.id, summary, note };
    let (who, actor_id) = (staff.who(), staff.user.id);
    let fiscal_year = thai::fiscal_year(thai::today());
    let recorded = app
        .store
        .run(move |c| {
            let target = Target::New {
                requester_id: actor_id,
                fiscal_year,
                fields: &valid,
                files: &files,
                amendment: Some(&amendment),
            };
            let rec = Record { who: &who, actor_id, edit: None, item: None, amendment: None, tag_year: None };
            Ok(requests::record(c, target, &planned, rec))
        })
        .await?;
    match recorded {
        Ok(id) => Ok(Redirect::to(&paths::staff_request(id)).into_response()),
        Err(NotRecorded::OpenAmendment(open)) => open_page(&app, &staff, &ctx, open).await,
        Err(e @ (NotRecorded::Stale | NotRecorded::ItemExpired)) => Err(WebError::Forbidden(e.to_string())),
        Err(NotRecorded::Store(e)) => Err(e.into()),
    }
}

/// Who may see an item's past revisions (which may hold what was corrected or withdrawn):
/// approvers, web masters and admins, and the owner of the item's current request.
fn may_see_history(staff: &Staff, ctx: &Context) -> Result<(), WebError> {
    let office = crate::workflow::state::reviews_requests(&staff.actor());
    let owner = ctx.current.as_ref().is_some_and(|r| r.requester_id == staff.user.id);
    if office || owner {
        Ok(())
    } else {
        Err(WebError::Forbidden("ประวัติการปรับปรุงดูได้เฉพาะเจ้าของข้อมูล ผู้อนุมัติ ผู้ดูแลเว็บไซต์ และผู้ดูแลระบบ".into()))
    }
}

/// `GET /staff/items/{id}/revisions`: every published version of an item.
pub async fn list(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ctx = context(&app, &id).await?;
    may_see_history(&staff, &ctx)?;
    let item_id = ctx.item.id;
    let (revs, amendments) = app
        .store
        .run(move |c| Ok((revisions::of_item(c, item_id)?, requests::amendments_of(c, item_id)?)))
        .await?;
    let bar = bar(&app, &staff).await?;
    let page = RevisionsPage {
        item: &ctx.item,
        state: &ctx.state,
        revisions: &revs,
        amendments: &amendments,
        may_amend: may_amend(&ctx.facts(), &staff.actor()).is_ok() && ctx.open.is_none(),
    };
    Ok(html(view::revisions(&app.plain_chrome(), &bar, &page)))
}

/// Query of the difference page: the two revision numbers.
#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// `GET /staff/items/{id}/diff?from=N&to=M`: two revisions side by side.
pub async fn diff(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<Response, WebError> {
    let ctx = context(&app, &id).await?;
    may_see_history(&staff, &ctx)?;
    let item_id = ctx.item.id;
    let revs = app.store.run(move |c| revisions::of_item(c, item_id)).await?;
    let pick = |n: &str, default: usize| -> Option<&revisions::Revision> {
        match n.trim().parse::<i64>() {
            Ok(n) => revs.iter().find(|r| r.number == n),
            Err(_) => revs.len().checked_sub(default).and_then(|i| revs.get(i)),
        }
    };
    let (Some(a), Some(b)) = (pick(&q.from, 2), pick(&q.to, 1)) else { return Err(WebError::NotFound) };
    let (a, b) = if a.number <= b.number { (a, b) } else { (b, a) };
    let bar = bar(&app, &staff).await?;
    Ok(html(view::diff_page(&app.plain_chrome(), &bar, &ctx.item, a, b)))
}

/// `GET /staff/revision-files/{id}/{name}`: a file of any revision, current or past, for
/// staff (the public sees only the current files, at their public addresses).
pub async fn file(
    State(app): State<Shared>,
    staff: Staff,
    Path((id, _name)): Path<(String, String)>,
    request: HttpRequest,
) -> Result<Response, WebError> {
    let file_id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let f = app.store.run(move |c| revisions::file(c, file_id)).await?.ok_or(WebError::NotFound)?;
    may_see_history(&staff, &context(&app, &f.item_id.to_string()).await?)?;
    download::serve(&app, &f, request, download::Caching::Private).await
}

/// The amendment button's target for a request page, when `staff` may amend its item now —
/// or, when an amendment of the item is already open or waiting for its date (one at a time),
/// that amendment's request instead (not when it is this very request).
pub(super) async fn amend_link(
    app: &Shared,
    staff: &Staff,
    r: &Request,
) -> Result<(Option<String>, Option<i64>), WebError> {
    let Some(item) = r.item_id else { return Ok((None, None)) };
    if may_amend(&r.facts(), &staff.actor()).is_err() {
        return Ok((None, None));
    }
    let open = app.store.run(move |c| requests::open_amendment(c, item)).await?;
    Ok(match open {
        Some(open) if open == r.id => (None, None),
        Some(open) => (None, Some(open)),
        None => (Some(view::amend_url(item)), None),
    })
}

/// The item a request published (or amends, once published), with its actual dates.
pub(super) async fn published(
    app: &Shared,
    r: &Request,
) -> Result<Option<crate::views::staff::Published>, WebError> {
    let Some(item_id) = r.item_id else { return Ok(None) };
    let request_id = r.id;
    let (found, pending) = app
        .store
        .run(move |c| Ok((items::by_id(c, item_id)?, revisions::pending_of_request(c, request_id)?)))
        .await?;
    let now = thai::now().as_second();
    Ok(found.map(|(item, _, state)| match pending {
        // An amendment dated later: its own start, not the item's.
        Some(start) => crate::views::staff::Published {
            item_id,
            start,
            end: r.fields.end,
            scheduled: start > now,
            state,
        },
        None => crate::views::staff::Published {
            item_id,
            start: item.published_at,
            end: item.expires_on,
            scheduled: item.published_at > now,
            state,
        },
    }))
}

/// `GET /staff/requests/{id}/diff`: an amendment next to the version online, for the approver
/// (and anyone who may see the request) before deciding.
pub async fn proposed(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let r = app.store.run(move |c| requests::get(c, id)).await?.ok_or(WebError::NotFound)?;
    if !crate::workflow::state::may_view(&r.facts(), &staff.actor()) {
        return Err(WebError::Forbidden("ดูได้เฉพาะผู้ขอ และเมื่อส่งขออนุมัติแล้ว ผู้อนุมัติ ผู้ดูแลเว็บไซต์ และผู้ดูแลระบบ".into()));
    }
    let a = r.amendment.clone().ok_or(WebError::NotFound)?;
    let ctx = context(&app, &a.item_id.to_string()).await?;
    let item_id = ctx.item.id;
    let revs = app.store.run(move |c| revisions::of_item(c, item_id)).await?;
    let Some(online) = revs.iter().rev().find(|r| !r.pending) else { return Err(WebError::NotFound) };
    let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string());
    let f = &r.fields;
    let asked = revisions::Revision {
        id: 0,
        item_id,
        number: online.number + 1,
        category: f.category.clone(),
        title: f.topic.clone(),
        summary: a.summary.clone(),
        body: f.details.clone(),
        source: online.source.clone(),
        link: f.link.clone(),
        period_from: date(f.period_from),
        period_to: date(f.period_to),
        published_at: r.updated_at,
        expires_on: date(f.end),
        request_id: Some(r.id),
        note: a.note.clone(),
        requested_by: f.requester_name.clone(),
        approved_by: String::new(),
        published_by: String::new(),
        created_at: r.updated_at,
        timeless: online.timeless,
        pending: false,
        files: r.files.clone(),
    };
    let bar = bar(&app, &staff).await?;
    Ok(html(view::diff_page(&app.plain_chrome(), &bar, &ctx.item, online, &asked)))
}
