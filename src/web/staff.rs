//! Handlers of the staff workflow: the dashboard, the request form, decisions, publishing,
//! the printable form, and files of requests.

use axum::Form;
use axum::extract::{Multipart, Path, Query, Request as HttpRequest, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;

use super::auth::CsrfOnly;
use super::session::Staff;
use super::{Shared, WebError, download, upload};
use crate::compliance::status;
use crate::paths;
use crate::store::audit::{self, AuditAction};
use crate::store::compliance::NewTag;
use crate::store::items::{At, NewAttachment, NewItem};
use crate::store::requests::{self, NotRecorded, Record, Request, Target};
use crate::store::{notifications, users};
use crate::thai;
use crate::views::compliance::TagChoices;
use crate::views::forms::Problem;
use crate::views::staff::{self as view, Bar, Dashboard, RequestPage, Signature};
use crate::workflow::publish::{self, PublishInput, ValidPublication};
use crate::workflow::request::{self as form, RequestInput};
use crate::workflow::state::{self, Action, ActionKind, Role, State as Lifecycle, available, may_edit};
use crate::workflow::transition::{ACTING_FOR, Plan, Transition, plan};

/// Days ahead that the web masters' dashboard looks for items ending (seed 4.2).
const ENDING_WITHIN_DAYS: i64 = 14;

fn html(m: maud::Markup) -> Response {
    Html(m.into_string()).into_response()
}

/// The staff bar for `staff`: unread count, the web-master warning (seed 4.1) for admins and web
/// masters, and a failed last backup for admins.
pub(super) async fn bar<'a>(app: &Shared, staff: &'a Staff) -> Result<Bar<'a>, WebError> {
    let user_id = staff.user.id;
    let admin = staff.roles.contains(Role::Admin);
    let sees_warning = admin || staff.roles.contains(Role::WebMaster);
    let (unread, webmasters, last_backup) = app
        .store
        .run(move |c| {
            Ok((
                notifications::unread_count(c, user_id)?,
                users::count_with_role(c, Role::WebMaster)?,
                crate::store::backups::last(c)?,
            ))
        })
        .await?;
    Ok(Bar {
        user: &staff.user,
        roles: staff.roles,
        unread,
        csrf: &staff.csrf,
        webmasters: (sees_warning && webmasters < 2).then_some(webmasters),
        backup_failed: last_backup.filter(|run| admin && !run.ok).map(|run| run.message),
        update_available: admin
            .then(|| crate::appliance::update::Status::load(&app.config.data_dir).available)
            .flatten()
            .map(|a| a.version),
    })
}

/// Asks the workflow whether `staff` may make `transition` on `r` (`None`: a new request).
fn plan_for(staff: &Staff, transition: &Transition, r: Option<&Request>) -> Result<Plan, WebError> {
    plan(transition, r.map(Request::facts).as_ref(), &staff.actor())
        .map_err(|e| WebError::Forbidden(e.to_string()))
}

/// Records a planned transition (see `store::requests::record`); a request someone else
/// changed first is refused with a message, and nothing is written.
async fn record(
    app: &Shared,
    staff: &Staff,
    target: RecordTarget,
    plan: Plan,
    edit: Option<Edit>,
    item: Option<(NewItem, Vec<NewTag>, Option<i32>)>,
) -> Result<i64, WebError> {
    let (who, actor_id) = (staff.who(), staff.user.id);
    let recorded = app
        .store
        .run(move |c| {
            let target = match &target {
                RecordTarget::New { fiscal_year, fields, files } => Target::New {
                    requester_id: actor_id,
                    fiscal_year: *fiscal_year,
                    fields,
                    files,
                    amendment: None,
                },
                RecordTarget::Existing(r) => Target::Existing(r),
            };
            let rec = Record {
                who: &who,
                actor_id,
                edit: edit.as_ref().map(|(f, files, remove, _)| (f, files.as_slice(), remove.as_slice())),
                item: item.as_ref().map(|(i, tags, _)| (i, tags.as_slice())),
                amendment: edit.as_ref().and_then(|e| e.3.as_ref()),
                tag_year: item.as_ref().and_then(|(_, _, year)| *year),
            };
            Ok(requests::record(c, target, &plan, rec))
        })
        .await?;
    match recorded {
        Ok(id) => Ok(id),
        Err(NotRecorded::Stale) => Err(WebError::Forbidden(NotRecorded::Stale.to_string())),
        Err(NotRecorded::ItemExpired) => Err(WebError::Forbidden(NotRecorded::ItemExpired.to_string())),
        Err(NotRecorded::OpenAmendment(open)) => Err(WebError::Forbidden(format!(
            "{} — {}",
            NotRecorded::OpenAmendment(open),
            paths::staff_request(open)
        ))),
        Err(NotRecorded::Store(e)) => Err(e.into()),
    }
}

/// An edit: new fields, added files, ids of files to remove, and an amendment's new summary
/// and note.
type Edit = (form::ValidRequest, Vec<NewAttachment>, Vec<i64>, Option<requests::Amendment>);

/// The request a handler records a transition on, owned so it can move to a blocking thread.
enum RecordTarget {
    New { fiscal_year: i32, fields: form::ValidRequest, files: Vec<NewAttachment> },
    Existing(Request),
}

fn to_request(id: i64) -> Response {
    Redirect::to(&paths::staff_request(id)).into_response()
}

/// `GET /staff`
pub async fn dashboard(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    let (user_id, roles) = (staff.user.id, staff.roles);
    let d = app
        .store
        .run(move |c| {
            let mut d = Dashboard {
                mine: requests::by_requester(c, user_id)?,
                inbox: notifications::recent(c, user_id, 30)?,
                scheduled: requests::scheduled(c, thai::now().as_second())?,
                ..Dashboard::default()
            };
            // Routed by unit (and delegation), so an acting approver's queue shows too.
            (d.to_approve, d.verbal) = requests::awaiting(c, user_id, thai::today())?;
            if roles.contains(Role::WebMaster) {
                d.to_publish = requests::in_states(c, &[Lifecycle::Approved])?;
                d.ending = crate::store::items::ending_within(c, At::now(), ENDING_WITHIN_DAYS)?;
            }
            Ok(d)
        })
        .await?;
    let bar = bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    Ok(html(view::dashboard(&chrome, &bar, &d)))
}

/// `POST /staff/inbox/read`
pub async fn mark_read(
    State(app): State<Shared>,
    staff: Staff,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    staff.check_csrf(&f.csrf)?;
    let id = staff.user.id;
    app.store.run(move |c| notifications::mark_all_read(c, id)).await?;
    Ok(Redirect::to("/staff#inbox").into_response())
}

fn blank_form(staff: &Staff) -> RequestInput {
    let u = &staff.user;
    let contact =
        [u.phone.as_str(), u.email.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>();
    RequestInput {
        unit: u.unit.clone(),
        request_date: thai::today().to_string(),
        requester_name: u.name.clone(),
        requester_position: u.position.clone(),
        requester_contact: contact.join(" "),
        no_end: true,
        ..RequestInput::default()
    }
}

fn max_upload(app: &Shared) -> u64 {
    app.settings().uploads.max_file_bytes
}

/// `GET /staff/requests/new`
pub async fn new_form(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    let bar = bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    Ok(html(view::request_form(&chrome, &bar, &blank_form(&staff), None, &[], max_upload(&app) >> 20, false)))
}

fn input_of(r: &Request) -> RequestInput {
    let f = &r.fields;
    let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    RequestInput {
        unit: f.unit.clone(),
        request_date: f.request_date.to_string(),
        topic: f.topic.clone(),
        details: f.details.clone(),
        link: f.link.clone().unwrap_or_default(),
        remarks: f.remarks.clone().unwrap_or_default(),
        requester_name: f.requester_name.clone(),
        requester_position: f.requester_position.clone(),
        requester_contact: f.requester_contact.clone(),
        category: f.category.clone(),
        period_from: date(f.period_from),
        period_to: date(f.period_to),
        end_date: date(f.end),
        no_end: f.end.is_none(),
    }
}

/// Reads and checks a request form; on any problem, the form page to show again.
async fn accept_form(
    app: &Shared,
    staff: &Staff,
    multipart: Multipart,
    existing: Option<&Request>,
) -> Result<Result<(form::ValidRequest, upload::Upload), Response>, WebError> {
    let already = existing.map_or(0, |r| r.files.len());
    let mut up = upload::read(multipart, app.store.blobs(), max_upload(app), already).await;
    staff.check_csrf(&up.csrf)?;
    if let Some(r) = existing {
        up.remove_files.retain(|id| r.files.iter().any(|f| f.id == *id));
    }
    let mut problems = std::mem::take(&mut up.problems);
    // The preview button: the form again with the details as they will look; nothing saved.
    if up.intent == "preview" {
        let bar = bar(app, staff).await?;
        let chrome = app.plain_chrome();
        let unsaved = if up.files.is_empty() {
            Vec::new()
        } else {
            vec![Problem::new("files", "ไฟล์ที่เลือกยังไม่ได้บันทึก (ดูตัวอย่างเท่านั้น) กรุณาเลือกไฟล์อีกครั้งก่อนส่ง")]
        };
        let page =
            view::request_form(&chrome, &bar, &up.input, existing, &unsaved, max_upload(app) >> 20, true);
        return Ok(Err(html(page)));
    }
    let valid = match form::validate(&up.input, thai::today()) {
        Ok(v) => Some(v),
        Err(errors) => {
            problems.extend(errors.into_iter().map(Problem::from));
            None
        }
    };
    // An amendment edited (after a rejection, or as a draft) must still change something.
    if let (Some(v), Some(a)) = (&valid, existing.and_then(|r| r.amendment.as_ref().map(|a| (r, a)))) {
        let (r, a) = a;
        let mut files: Vec<(String, String)> = r
            .files
            .iter()
            .filter(|f| !up.remove_files.contains(&f.id))
            .map(|f| (f.file_name.clone(), f.sha256.clone()))
            .collect();
        files.extend(up.files.iter().map(|f| (f.name().to_owned(), f.sha256().to_owned())));
        let content = super::amend::proposed_content(v, &up.summary, files);
        if super::amend::changes_nothing(app, a.item_id, &content).await? {
            problems.push(Problem::new("", crate::workflow::amend::NOTHING_CHANGED));
        }
    }
    match valid {
        Some(v) if problems.is_empty() => Ok(Ok((v, up))),
        _ => {
            if !up.files.is_empty() {
                problems
                    .push(Problem::new("files", "ไฟล์ที่ผ่านการตรวจยังไม่ได้บันทึก กรุณาเลือกไฟล์อีกครั้งหลังแก้ไขข้อผิดพลาด"));
            }
            // The checked temporary files are dropped here, and deleted with them.
            let bar = bar(app, staff).await?;
            let chrome = app.plain_chrome();
            let page = view::request_form(
                &chrome,
                &bar,
                &up.input,
                existing,
                &problems,
                max_upload(app) >> 20,
                false,
            );
            Ok(Err((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html(page)).into_response()))
        }
    }
}

/// `POST /staff/requests`: a new request, saved as a draft or submitted at once.
pub async fn create(
    State(app): State<Shared>,
    staff: Staff,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let (valid, up) = match accept_form(&app, &staff, multipart, None).await? {
        Ok(ok) => ok,
        Err(page) => return Ok(page),
    };
    let plan = plan_for(&staff, &Transition::Create { submit: up.intent != "draft" }, None)?;
    let files = store_files(&app, up).await?;
    let fiscal_year = thai::fiscal_year(thai::today());
    let target = RecordTarget::New { fiscal_year, fields: valid, files };
    let id = record(&app, &staff, target, plan, None, None).await?;
    Ok(to_request(id))
}

async fn store_files(app: &Shared, up: upload::Upload) -> Result<Vec<NewAttachment>, WebError> {
    let blobs = app.store.blobs().clone();
    Ok(tokio::task::spawn_blocking(move || up.store(&blobs))
        .await
        .map_err(crate::store::StoreError::from)?
        .map_err(crate::store::StoreError::from)?)
}

async fn load(app: &Shared, id: &str) -> Result<Request, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    app.store.run(move |c| requests::get(c, id)).await?.ok_or(WebError::NotFound)
}

/// Who may look at a request: its requester, approvers, web masters and admins.
fn may_view(staff: &Staff, r: &Request) -> Result<(), WebError> {
    if state::may_view(&r.facts(), &staff.actor()) {
        Ok(())
    } else {
        Err(WebError::Forbidden("ดูได้เฉพาะผู้ขอ และเมื่อส่งขออนุมัติแล้ว ผู้อนุมัติ ผู้ดูแลเว็บไซต์ และผู้ดูแลระบบ".into()))
    }
}

/// `GET /staff/requests/{id}`
pub async fn show(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let r = load(&app, &id).await?;
    may_view(&staff, &r)?;
    let object = format!("request/{}", r.id);
    let history = app
        .store
        .run(move |c| audit::list(c, &audit::Filter { object: Some(object), ..Default::default() }))
        .await?;
    let rejection =
        history.iter().rev().find(|e| e.action == AuditAction::RequestReject).map(|e| e.detail.as_str());
    let actions = available(&r.facts(), &staff.actor());
    let item = super::amend::published(&app, &r).await?;
    let (amend, amendment_under_way) = super::amend::amend_link(&app, &staff, &r).await?;
    let bar = bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    let page = RequestPage {
        request: &r,
        history: &history,
        actions: &actions,
        editable: may_edit(&r.facts(), &staff.actor()),
        rejection,
        amend,
        amendment_under_way,
        item,
    };
    Ok(html(view::request_page(&chrome, &bar, &page)))
}

/// `GET /staff/requests/{id}/edit`
pub async fn edit_form(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let r = load(&app, &id).await?;
    plan_for(&staff, &Transition::Edit { submit: false }, Some(&r))?;
    let bar = bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    Ok(html(view::request_form(&chrome, &bar, &input_of(&r), Some(&r), &[], max_upload(&app) >> 20, false)))
}

/// `POST /staff/requests/{id}`: saves an edited draft or rejected request, and resubmits it
/// when asked (its history is kept).
pub async fn update(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let r = load(&app, &id).await?;
    // Who may edit is checked before the form is read.
    plan_for(&staff, &Transition::Edit { submit: false }, Some(&r))?;
    let (valid, up) = match accept_form(&app, &staff, multipart, Some(&r)).await? {
        Ok(ok) => ok,
        Err(page) => return Ok(page),
    };
    let plan = plan_for(&staff, &Transition::Edit { submit: up.intent != "draft" }, Some(&r))?;
    let remove = up.remove_files.clone();
    // An amendment's summary and note are edited with it (a note left blank stays as it was).
    let amendment = r.amendment.as_ref().map(|a| requests::Amendment {
        item_id: a.item_id,
        summary: up.summary.trim().to_owned(),
        note: if up.note.trim().is_empty() { a.note.clone() } else { up.note.trim().to_owned() },
    });
    let files = store_files(&app, up).await?;
    let edit = Some((valid, files, remove, amendment));
    let id = record(&app, &staff, RecordTarget::Existing(r), plan, edit, None).await?;
    Ok(to_request(id))
}

/// A decision form's data.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /staff/requests/{id}/{action}` for submit, approve, reject, confirm and withdraw.
pub async fn decide_on(
    State(app): State<Shared>,
    staff: Staff,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&f.csrf)?;
    let r = load(&app, &id).await?;
    let action = match action.as_str() {
        "submit" => Action::Submit,
        "approve" => Action::Approve,
        "reject" => Action::Reject { reason: f.reason.trim().to_owned() },
        "confirm" => Action::ConfirmVerbalApproval,
        "withdraw" => Action::Withdraw { reason: f.reason.trim().to_owned() },
        _ => return Err(WebError::NotFound),
    };
    let plan = plan_for(&staff, &Transition::Act(action), Some(&r))?;
    // An amendment sent again as it was must still change the version online (which another
    // amendment may have changed meanwhile).
    if plan.next == state::State::Submitted
        && let Some(a) = &r.amendment
    {
        let files = r.files.iter().map(|f| (f.file_name.clone(), f.sha256.clone())).collect();
        let content = super::amend::proposed_content(&r.fields, &a.summary, files);
        if super::amend::changes_nothing(&app, a.item_id, &content).await? {
            return Err(WebError::Forbidden(crate::workflow::amend::NOTHING_CHANGED.into()));
        }
    }
    let takes_down = plan.effects.item != crate::workflow::transition::ItemChange::None;
    let id = record(&app, &staff, RecordTarget::Existing(r), plan, None, None).await?;
    if takes_down {
        app.pages.invalidate();
    }
    Ok(to_request(id))
}

/// Query of `GET /staff/requests/{id}/publish`.
#[derive(Debug, Deserialize)]
pub struct PublishQuery {
    #[serde(default)]
    verbal: String,
}

fn publish_defaults(r: &Request, verbal: bool) -> PublishInput {
    let f = &r.fields;
    let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    PublishInput {
        category: f.category.clone(),
        title: f.topic.clone(),
        summary: match &r.amendment {
            Some(a) => a.summary.clone(),
            None => f.details.lines().next().unwrap_or_default().chars().take(300).collect(),
        },
        source: f.unit.clone(),
        period_from: date(f.period_from),
        period_to: date(f.period_to),
        publish_on: thai::today().to_string(),
        end_date: date(f.end),
        verbal: if verbal { "1".into() } else { String::new() },
        ..PublishInput::default()
    }
}

/// Refuses unless `staff` may publish `r` now (a web master, on an approved request, or on a
/// submitted one with a verbal approval).
fn may_publish(staff: &Staff, r: &Request, verbal: bool) -> Result<(), WebError> {
    let kind = if verbal { ActionKind::PublishOnVerbalApproval } else { ActionKind::Publish };
    if available(&r.facts(), &staff.actor()).contains(&kind) {
        Ok(())
    } else {
        Err(WebError::Forbidden("เผยแพร่ได้เฉพาะผู้ดูแลเว็บไซต์ และเฉพาะคำขอที่อนุมัติแล้ว".into()))
    }
}

/// Refuses to publish an amendment whose item expired meanwhile (the store checks again).
async fn amended_item_live(app: &Shared, r: &Request) -> Result<(), WebError> {
    if let Some(item) = r.amendment.as_ref().map(|a| a.item_id)
        && app.store.run(move |c| requests::expired(c, item)).await?
    {
        return Err(WebError::Forbidden(NotRecorded::ItemExpired.to_string()));
    }
    Ok(())
}

/// `GET /staff/requests/{id}/publish`
pub async fn publish_form(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<PublishQuery>,
) -> Result<Response, WebError> {
    let r = load(&app, &id).await?;
    let verbal = q.verbal == "1";
    may_publish(&staff, &r, verbal)?;
    amended_item_live(&app, &r).await?;
    let mut input = publish_defaults(&r, verbal);
    // An amendment of an item that covers no period keeps saying so unless changed.
    if let Some(item) = r.amendment.as_ref().map(|a| a.item_id)
        && r.fields.period_from.is_none()
        && r.fields.period_to.is_none()
        && app
            .store
            .run(move |c| crate::store::items::by_id(c, item))
            .await?
            .is_some_and(|(i, _, _)| i.timeless)
    {
        input.timeless = "1".into();
    }
    let lib = super::compliance::library(&app).await?;
    let suggested = status::suggested_year(r.fields.period_from, thai::today());
    let fy = super::compliance::choice_year(&suggested.to_string(), thai::fiscal_year(thai::today()));
    let period = status::suggested_period(r.fields.period_from, r.fields.period_to, fy);
    // Suggested (ranked, shown) but never ticked: nothing counts until a web master says so.
    let mut choices_fy = fy;
    let mut period = period;
    // An amendment starts from the item's tags (of their latest year that may still be
    // tagged): they follow the amendment, so unticking one removes it.
    if let Some(item) = r.amendment.as_ref().map(|a| a.item_id) {
        let tags = app.store.run(move |c| crate::store::compliance::tags_of(c, item)).await?;
        let years = status::taggable_years(thai::fiscal_year(thai::today()));
        if let Some(year) = tags.iter().map(|t| t.tag.fiscal_year).filter(|y| years.contains(y)).max() {
            let of_year: Vec<_> = tags.iter().filter(|t| t.tag.fiscal_year == year).collect();
            choices_fy = year;
            if let Some(p) =
                of_year.first().and_then(|t| crate::compliance::period::Period::parse(&t.tag.period))
            {
                period = p;
            }
            input.tags = of_year.iter().map(|t| format!("{}|{}", t.tag.scheme, t.tag.code)).collect();
        }
    }
    let choices = TagChoices::ranked(&lib, &input.category, &input.title, period, choices_fy);
    input.tag_year = choices_fy.to_string();
    input.tag_period = period.code();
    let bar = bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    Ok(html(view::publish_form(&chrome, &bar, &r, &input, &choices, &[])))
}

/// `POST /staff/requests/{id}/publish`
pub async fn publish(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    // serde_html_form: repeated fields (tags, `alt`) become lists.
    axum_extra::extract::Form(input): axum_extra::extract::Form<PublishInput>,
) -> Result<Response, WebError> {
    staff.check_csrf(&input.csrf)?;
    let r = load(&app, &id).await?;
    // Who may publish is checked before the form is read or shown back.
    may_publish(&staff, &r, input.is_verbal())?;
    amended_item_live(&app, &r).await?;
    let today = thai::today();
    let lib = super::compliance::library(&app).await?;
    let fy_now = thai::fiscal_year(today);
    let images: Vec<&str> =
        r.files.iter().filter(|f| view::is_image(&f.kind)).map(|f| f.file_name.as_str()).collect();
    let checked = publish::validate(&input, &images, today);
    let tags = super::compliance::check_tags(&lib, &input.tags, &input.tag_year, &input.tag_period, fy_now);
    let (fields, tags) = match (checked, tags) {
        (Ok(fields), Ok(tags)) => (fields, tags),
        (checked, tags) => {
            let mut problems: Vec<Problem> =
                checked.err().unwrap_or_default().into_iter().map(Problem::from).collect();
            problems.extend(tags.err().unwrap_or_default());
            let fy = super::compliance::choice_year(&input.tag_year, fy_now);
            let period = crate::compliance::period::Period::parse(&input.tag_period)
                .unwrap_or(crate::compliance::period::Period::Year);
            let choices = TagChoices::ranked(&lib, &input.category, &input.title, period, fy);
            let bar = bar(&app, &staff).await?;
            let chrome = app.plain_chrome();
            let page = view::publish_form(&chrome, &bar, &r, &input, &choices, &problems);
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html(page)).into_response());
        }
    };
    let action = match &fields.verbal {
        Some((approved_by, approved_on)) => {
            Action::PublishOnVerbalApproval { approved_by: approved_by.clone(), approved_on: *approved_on }
        }
        None => Action::Publish,
    };
    let plan = plan_for(&staff, &Transition::Act(action), Some(&r))?;
    // An amendment's tags replace the item's tags of the year shown on the form (it started
    // from them), so a tag unticked there is removed.
    let tag_year = match input.tag_year.trim().parse::<i32>() {
        Ok(y) if r.amendment.is_some() && status::taggable_years(fy_now).contains(&y) => Some(y),
        _ => None,
    };
    let item = new_item(&r, fields, today);
    let id =
        record(&app, &staff, RecordTarget::Existing(r), plan, None, Some((item, tags, tag_year))).await?;
    app.pages.invalidate();
    super::photos::make_soon(&app);
    Ok(to_request(id))
}

/// The item a request becomes, with the web master's metadata.
fn new_item(r: &Request, fields: ValidPublication, today: Date) -> NewItem {
    // Publishing today means now; a later date means 08:00 that morning, Bangkok time (for an
    // amendment, the version online stays untouched until then).
    let published_at = if fields.publish_on <= today {
        thai::now()
    } else {
        fields
            .publish_on
            .to_datetime(jiff::civil::Time::constant(8, 0, 0, 0))
            .to_zoned_datetime(thai::bangkok())
            .map(|z| z.timestamp())
            .unwrap_or_else(|_| thai::now())
    };
    let mut alts = fields.alts.into_iter();
    NewItem {
        category: fields.category,
        title: fields.title,
        summary: fields.summary,
        body: r.fields.details.clone(),
        source: fields.source,
        link: r.fields.link.clone(),
        period_from: fields.period_from,
        period_to: fields.period_to,
        timeless: fields.timeless,
        published_at,
        expires_on: fields.end,
        attachments: r
            .files
            .iter()
            .map(|f| NewAttachment {
                file_name: f.file_name.clone(),
                kind: f.kind.clone(),
                blob: crate::store::blobs::StoredBlob { sha256: f.sha256.clone(), size: f.size },
                alt: if view::is_image(&f.kind) { alts.next().unwrap_or_default() } else { String::new() },
            })
            .collect(),
        request_id: Some(r.id),
    }
}

/// `GET /staff/requests/{id}/print`: the official A4 form with its signature blocks.
pub async fn print(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let r = load(&app, &id).await?;
    may_view(&staff, &r)?;
    let signatures = signatures(&app, &r).await?;
    let office = &app.settings().office;
    Ok(html(view::print_form(office, app.settings().display.digits, &r, &signatures)))
}

/// The three signature blocks of a request's official form, filled from its trail: requester,
/// approver (or the verbal approval), web master.
pub(super) async fn signatures(app: &Shared, r: &Request) -> Result<[Signature; 3], WebError> {
    let object = format!("request/{}", r.id);
    let (history, people) = app
        .store
        .run(move |c| {
            let history = audit::list(c, &audit::Filter { object: Some(object), ..Default::default() })?;
            let mut people = Vec::new();
            for id in history.iter().filter_map(|e| e.user_id) {
                if let Some(u) = users::by_id(c, id)? {
                    people.push(u);
                }
            }
            Ok((history, people))
        })
        .await?;
    let person = |id: Option<i64>| people.iter().find(|u| Some(u.id) == id);
    let last = |names: &[AuditAction]| history.iter().rev().find(|e| names.contains(&e.action));
    let day = |at: i64| jiff::Timestamp::from_second(at).ok().map(thai::date_of);
    let submitted = last(&[AuditAction::RequestSubmit]);
    let approved = last(&[AuditAction::RequestApprove, AuditAction::RequestConfirmVerbal]);
    let published = last(&[AuditAction::RequestPublish, AuditAction::RequestPublishVerbal]);
    Ok([
        Signature {
            role: "ผู้รับผิดชอบการให้ข้อมูล",
            name: Some(r.fields.requester_name.clone()),
            position: Some(r.fields.requester_position.clone()),
            date: submitted.and_then(|e| day(e.at)),
        },
        match (approved, &r.verbal_by) {
            (Some(e), _) => Signature {
                role: "ผู้อนุมัติรับรอง",
                name: person(e.user_id).map(|u| u.name.clone()),
                // An acting approver signs "ปฏิบัติราชการแทน <name>" under their position.
                position: person(e.user_id).map(|u| match e.detail.starts_with(ACTING_FOR) {
                    true => format!("{} {}", u.position, e.detail).trim().to_owned(),
                    false => u.position.clone(),
                }),
                date: day(e.at),
            },
            (None, Some(by)) => Signature {
                role: "ผู้อนุมัติรับรอง (อนุมัติด้วยวาจา)",
                name: Some(by.clone()),
                position: None,
                date: r.verbal_on,
            },
            (None, None) => {
                Signature { role: "ผู้อนุมัติรับรอง", ..Signature::default() }
            }
        },
        match published {
            Some(e) => Signature {
                role: "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่",
                name: person(e.user_id).map(|u| u.name.clone()),
                position: person(e.user_id).map(|u| u.position.clone()),
                date: day(e.at),
            },
            None => Signature {
                role: "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่", ..Signature::default()
            },
        },
    ])
}

/// `GET /staff/files/{id}/{name}`: a request's attachment, for those who may see the request.
pub async fn file(
    State(app): State<Shared>,
    staff: Staff,
    Path((id, _name)): Path<(String, String)>,
    request: HttpRequest,
) -> Result<Response, WebError> {
    let file_id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let found = app.store.run(move |c| requests::with_file(c, file_id)).await?.ok_or(WebError::NotFound)?;
    may_view(&staff, &found)?;
    let f = found.files.iter().find(|f| f.id == file_id).ok_or(WebError::NotFound)?;
    download::serve(&app, f, request, download::Caching::Private).await
}
