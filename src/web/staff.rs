//! Handlers of the staff workflow: the dashboard, the request form, decisions, publishing,
//! the printable form, and files of requests.

use axum::Form;
use axum::extract::{Multipart, Path, Query, Request as HttpRequest, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::civil::Date;
use rusqlite::Connection;
use serde::Deserialize;

use super::auth::CsrfOnly;
use super::session::Staff;
use super::{Shared, WebError, download, upload};
use crate::categories::Place;
use crate::compliance::status;
use crate::paths;
use crate::store::audit::{self, Who};
use crate::store::compliance::NewTag;
use crate::store::items::{self, At, NewAttachment, NewItem};
use crate::store::requests::{self, Change, Request};
use crate::store::{StoreResult, notifications, users};
use crate::thai;
use crate::views::compliance::TagChoices;
use crate::views::forms::Problem;
use crate::views::staff::{self as view, Bar, Dashboard, PublishInput, RequestPage, Signature};
use crate::workflow::request::{self as form, RequestInput};
use crate::workflow::state::{
    Action, ActionKind, Actor, RequestFacts, Role, State as Lifecycle, available, decide, may_edit,
};

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
                users::count_with_role(c, Role::WebMaster.as_str())?,
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

fn facts(r: &Request) -> RequestFacts {
    RequestFacts {
        state: Lifecycle::parse(&r.state).unwrap_or(Lifecycle::Draft),
        requester_id: r.requester_id,
        verbal_pending: r.verbal_pending,
    }
}

/// Adds an in-app notification for each of `user_ids` (except `except`).
fn notify(c: &Connection, user_ids: &[i64], except: i64, text: &str, link: &str) -> StoreResult<()> {
    for id in user_ids.iter().filter(|&&id| id != except) {
        notifications::add(c, *id, text, link)?;
    }
    Ok(())
}

fn ids_with_role(c: &Connection, role: Role) -> StoreResult<Vec<i64>> {
    Ok(users::with_role(c, role.as_str())?.into_iter().map(|u| u.id).collect())
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
                ..Dashboard::default()
            };
            if roles.contains(Role::Approver) {
                d.to_approve = requests::in_states(c, &[Lifecycle::Submitted.as_str()])?;
                d.verbal = requests::verbal_pending(c)?;
            }
            if roles.contains(Role::WebMaster) {
                d.to_publish = requests::in_states(c, &[Lifecycle::Approved.as_str()])?;
                d.ending = items::ending_within(c, At::now(), ENDING_WITHIN_DAYS)?;
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
    app.config.settings.uploads.max_file_bytes
}

/// `GET /staff/requests/new`
pub async fn new_form(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    let bar = bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    Ok(html(view::request_form(&chrome, &bar, &blank_form(&staff), None, &[], max_upload(&app) >> 20)))
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
    let valid = match form::validate(&up.input, thai::today()) {
        Ok(v) => Some(v),
        Err(errors) => {
            problems.extend(errors.into_iter().map(Problem::from));
            None
        }
    };
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
            let page =
                view::request_form(&chrome, &bar, &up.input, existing, &problems, max_upload(app) >> 20);
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
    let submit = up.intent != "draft";
    let files = store_files(&app, up).await?;
    let who = staff.who();
    let user_id = staff.user.id;
    let fy = thai::fiscal_year(thai::today());
    let state = if submit { Lifecycle::Submitted } else { Lifecycle::Draft };
    let topic = valid.topic.clone();
    let id = app
        .store
        .run(move |c| {
            requests::create(c, user_id, fy, state.as_str(), &valid, &files, |c, id| {
                let object = format!("request/{id}");
                audit::append(c, &who, "request.create", &object, &topic)?;
                if submit {
                    audit::append(c, &who, "request.submit", &object, "")?;
                    let text = format!("มีคำขอเผยแพร่ข้อมูลรออนุมัติ: {topic}");
                    notify(
                        c,
                        &ids_with_role(c, Role::Approver)?,
                        user_id,
                        &text,
                        &format!("/staff/requests/{id}"),
                    )?;
                }
                Ok(())
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/staff/requests/{id}")).into_response())
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
    let roles = staff.roles;
    if staff.user.id == r.requester_id
        || roles.contains(Role::Approver)
        || roles.contains(Role::WebMaster)
        || roles.contains(Role::Admin)
    {
        Ok(())
    } else {
        Err(WebError::Forbidden("ดูได้เฉพาะผู้ขอ ผู้อนุมัติ และผู้ดูแลเว็บไซต์".into()))
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
    let rejection = history.iter().rev().find(|e| e.action == "request.reject").map(|e| e.detail.as_str());
    let actions = available(&facts(&r), &staff.actor());
    let bar = bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    let page = RequestPage {
        request: &r,
        history: &history,
        actions: &actions,
        editable: may_edit(&facts(&r), &staff.actor()),
        rejection,
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
    if !may_edit(&facts(&r), &staff.actor()) {
        return Err(WebError::Forbidden("แก้ไขได้เฉพาะผู้ขอ และเฉพาะฉบับร่างหรือคำขอที่ไม่ได้รับอนุมัติ".into()));
    }
    let bar = bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    Ok(html(view::request_form(&chrome, &bar, &input_of(&r), Some(&r), &[], max_upload(&app) >> 20)))
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
    if !may_edit(&facts(&r), &staff.actor()) {
        return Err(WebError::Forbidden("แก้ไขได้เฉพาะผู้ขอ และเฉพาะฉบับร่างหรือคำขอที่ไม่ได้รับอนุมัติ".into()));
    }
    let (valid, up) = match accept_form(&app, &staff, multipart, Some(&r)).await? {
        Ok(ok) => ok,
        Err(page) => return Ok(page),
    };
    let submit = up.intent != "draft";
    let next = if submit {
        decide(&facts(&r), &Action::Submit, &staff.actor())
            .map_err(|e| WebError::Forbidden(e.to_string()))?
            .next
    } else {
        Lifecycle::parse(&r.state).unwrap_or(Lifecycle::Draft)
    };
    let remove = up.remove_files.clone();
    let files = store_files(&app, up).await?;
    let (who, user_id, rid, from) = (staff.who(), staff.user.id, r.id, r.state.clone());
    let topic = valid.topic.clone();
    let changed = app
        .store
        .run(move |c| {
            requests::update(c, rid, &from, next.as_str(), &valid, &files, &remove, |c| {
                let object = format!("request/{rid}");
                audit::append(c, &who, "request.edit", &object, "")?;
                if submit {
                    audit::append(c, &who, "request.submit", &object, "")?;
                    let text = format!("มีคำขอเผยแพร่ข้อมูลรออนุมัติ: {topic}");
                    notify(
                        c,
                        &ids_with_role(c, Role::Approver)?,
                        user_id,
                        &text,
                        &format!("/staff/requests/{rid}"),
                    )?;
                }
                Ok(())
            })
        })
        .await?;
    if !changed {
        return Err(WebError::Forbidden("คำขอนี้ถูกเปลี่ยนสถานะไปแล้ว กรุณาเปิดหน้าใหม่".into()));
    }
    Ok(Redirect::to(&format!("/staff/requests/{rid}")).into_response())
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
    apply(&app, &staff.actor(), &staff.who(), &r, &action, None).await?;
    if matches!(action, Action::Withdraw { .. }) {
        app.pages.invalidate();
    }
    Ok(Redirect::to(&format!("/staff/requests/{}", r.id)).into_response())
}

/// Records a decided action: the state change, the audit line, the notifications, for a
/// publication the new item with its compliance tags, and for a withdrawal the item coming
/// down — all in one transaction.
async fn apply(
    app: &Shared,
    actor: &Actor,
    who: &Who,
    r: &Request,
    action: &Action,
    item: Option<(NewItem, Vec<NewTag>)>,
) -> Result<(), WebError> {
    let outcome = decide(&facts(r), action, actor).map_err(|e| WebError::Forbidden(e.to_string()))?;
    let (who, action, rid, from) = (who.clone(), action.clone(), r.id, r.state.clone());
    let (requester, topic, existing_item) = (r.requester_id, r.fields.topic.clone(), r.item_id);
    let actor_id = actor.user_id;
    let done = app
        .store
        .run(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let item_id = match &item {
                Some((new, tags)) => {
                    let id = items::insert_in(&tx, new)?;
                    crate::store::compliance::add_tags(&tx, id, tags)?;
                    Some(id)
                }
                None => None,
            };
            let (verbal_by, verbal_on) = match &action {
                Action::PublishOnVerbalApproval { approved_by, approved_on } => {
                    (Some(approved_by.as_str()), Some(*approved_on))
                }
                _ => (None, None),
            };
            let change = Change {
                from: &from,
                to: outcome.next.as_str(),
                verbal_pending: outcome.verbal_pending,
                verbal_by,
                verbal_on,
                item_id,
            };
            let changed = requests::change_state(&tx, rid, &change, |c| {
                let object = format!("request/{rid}");
                let link = format!("/staff/requests/{rid}");
                let (name, detail, text) = match &action {
                    Action::Submit => ("request.submit", String::new(), None),
                    Action::Approve => {
                        ("request.approve", String::new(), Some(format!("คำขอ \"{topic}\" ได้รับอนุมัติแล้ว")))
                    }
                    Action::Reject { reason } => (
                        "request.reject",
                        reason.clone(),
                        Some(format!("คำขอ \"{topic}\" ไม่ได้รับอนุมัติ: {reason}")),
                    ),
                    Action::Publish => ("request.publish", String::new(), None),
                    Action::PublishOnVerbalApproval { approved_by, approved_on } => {
                        ("request.publish_verbal", format!("{approved_by} ({approved_on})"), None)
                    }
                    Action::ConfirmVerbalApproval => ("request.confirm_verbal", String::new(), None),
                    Action::Withdraw { reason } => (
                        "request.withdraw",
                        reason.clone(),
                        Some(format!("ข้อมูล \"{topic}\" ถูกถอนการเผยแพร่: {reason}")),
                    ),
                    Action::Expire => ("request.expire", String::new(), None),
                };
                audit::append(c, &who, name, &object, &detail)?;
                if let Some(text) = text {
                    notify(c, &[requester], actor_id, &text, &link)?;
                }
                match &action {
                    Action::Submit => {
                        let text = format!("มีคำขอเผยแพร่ข้อมูลรออนุมัติ: {topic}");
                        notify(c, &ids_with_role(c, Role::Approver)?, actor_id, &text, &link)?;
                    }
                    Action::Publish | Action::PublishOnVerbalApproval { .. } => {
                        let public = paths::item(item_id.unwrap_or_default());
                        let text = format!("ข้อมูล \"{topic}\" เผยแพร่บนเว็บไซต์แล้วที่ {public}");
                        notify(c, &[requester], actor_id, &text, &public)?;
                        if matches!(action, Action::PublishOnVerbalApproval { .. }) {
                            let text = format!("เผยแพร่ตามการอนุมัติด้วยวาจา รอท่านยืนยันในระบบ: {topic}");
                            notify(c, &ids_with_role(c, Role::Approver)?, actor_id, &text, &link)?;
                        }
                    }
                    Action::Withdraw { .. } => {
                        if let Some(item) = existing_item {
                            items::withdraw(c, item)?;
                        }
                    }
                    _ => {}
                }
                Ok(())
            })?;
            if changed {
                tx.commit()?;
            }
            Ok(changed)
        })
        .await?;
    if done {
        Ok(())
    } else {
        Err(WebError::Forbidden("คำขอนี้ถูกเปลี่ยนสถานะไปแล้ว กรุณาเปิดหน้าใหม่".into()))
    }
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
        summary: f.details.lines().next().unwrap_or_default().chars().take(300).collect(),
        source: f.unit.clone(),
        period_from: date(f.period_from),
        period_to: date(f.period_to),
        publish_on: thai::today().to_string(),
        end_date: date(f.end),
        verbal: if verbal { "1".into() } else { String::new() },
        ..PublishInput::default()
    }
}

fn publish_action(verbal: bool) -> ActionKind {
    if verbal { ActionKind::PublishOnVerbalApproval } else { ActionKind::Publish }
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
    if !available(&facts(&r), &staff.actor()).contains(&publish_action(verbal)) {
        return Err(WebError::Forbidden("เผยแพร่ได้เฉพาะผู้ดูแลเว็บไซต์ และเฉพาะคำขอที่อนุมัติแล้ว".into()));
    }
    let mut input = publish_defaults(&r, verbal);
    let lib = super::compliance::library(&app).await?;
    let suggested = status::suggested_year(r.fields.period_from, thai::today());
    let fy = super::compliance::choice_year(&suggested.to_string(), thai::fiscal_year(thai::today()));
    let choices = TagChoices::new(&lib, &input.category, fy);
    // Pre-ticked from the category; the web master can change them.
    input.tags = choices.suggested.iter().map(|c| c.value.clone()).collect();
    input.tag_year = fy.to_string();
    input.tag_period = status::suggested_period(r.fields.period_from, r.fields.period_to, fy).code();
    let bar = bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    Ok(html(view::publish_form(&chrome, &bar, &r, &input, &choices, &[])))
}

fn check_publish(input: &PublishInput, images: &[&str], today: Date) -> Result<NewItemFields, Vec<Problem>> {
    let mut problems = Vec::new();
    // Every image needs a text alternative before it goes public (WCAG 1.1.1).
    for (i, name) in images.iter().enumerate() {
        let alt = input.alt.get(i).map_or("", |a| a.trim());
        if alt.is_empty() || alt.chars().count() > 250 {
            problems.push(Problem::new(
                format!("alt-{i}"),
                format!("คำอธิบายภาพ {name}: ต้องกรอกคำอธิบายภาพ (ไม่เกิน 250 ตัวอักษร) เพื่อผู้ใช้โปรแกรมอ่านหน้าจอ"),
            ));
        }
    }
    let mut date = |name: &str, label: &str, value: &str, required: bool| -> Option<Date> {
        if value.trim().is_empty() {
            if required {
                problems.push(Problem::new(name, format!("{label}: ต้องเลือกวันที่")));
            }
            return None;
        }
        match value.trim().parse() {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(Problem::new(name, format!("{label}: รูปแบบวันที่ไม่ถูกต้อง")));
                None
            }
        }
    };
    let period_from = date("period_from", "ช่วงวันที่ของข้อมูล (ตั้งแต่)", &input.period_from, false);
    let period_to = date("period_to", "ช่วงวันที่ของข้อมูล (ถึง)", &input.period_to, false);
    let publish_on = date("publish_on", "วันที่เผยแพร่", &input.publish_on, true);
    let end = date("end_date", "วันสิ้นสุดการเผยแพร่", &input.end_date, false);
    let verbal = input.verbal == "1";
    let verbal_on = if verbal {
        date("verbal_on", "วันที่อนุมัติด้วยวาจา", &input.verbal_on, true)
    } else {
        None
    };
    if Place::parse(&input.category).is_none() {
        problems.push(Problem::new("category", "หมวดหมู่: ต้องเลือกหมวดหมู่ย่อย"));
    }
    if input.title.trim().is_empty() || input.title.chars().count() > 300 {
        problems.push(Problem::new("title", "ชื่อเรื่อง: ต้องกรอก ไม่เกิน 300 ตัวอักษร"));
    }
    if input.source.trim().is_empty() {
        problems.push(Problem::new("source", "แหล่งที่มา / เจ้าของข้อมูล: ต้องกรอก (ข้อ ๒.๑.๓)"));
    }
    if verbal && input.verbal_by.trim().is_empty() {
        problems.push(Problem::new("verbal_by", "ผู้อนุมัติด้วยวาจา: ต้องกรอกชื่อ"));
    }
    if let (Some(f), Some(t)) = (period_from, period_to)
        && f > t
    {
        problems.push(Problem::new("period_to", "ช่วงวันที่ของข้อมูล: วันเริ่มต้องไม่หลังวันสิ้นสุด"));
    }
    if let Some(p) = publish_on {
        if p < today {
            problems.push(Problem::new("publish_on", "วันที่เผยแพร่: ต้องเป็นวันนี้หรือวันถัดไป"));
        }
        if let Some(e) = end
            && e < p
        {
            problems.push(Problem::new("end_date", "วันสิ้นสุดการเผยแพร่: ต้องไม่ก่อนวันที่เผยแพร่"));
        }
    }
    match (problems.is_empty(), publish_on) {
        (true, Some(publish_on)) => Ok(NewItemFields {
            verbal: verbal.then(|| (input.verbal_by.trim().to_owned(), verbal_on.unwrap_or(today))),
            category: input.category.clone(),
            title: input.title.trim().into(),
            summary: input.summary.trim().into(),
            source: input.source.trim().into(),
            period_from,
            period_to,
            publish_on,
            end,
        }),
        _ => Err(problems),
    }
}

/// The web master's choices when publishing.
struct NewItemFields {
    /// Who approved verbally and when, when publishing on a verbal approval.
    verbal: Option<(String, Date)>,
    category: String,
    title: String,
    summary: String,
    source: String,
    period_from: Option<Date>,
    period_to: Option<Date>,
    publish_on: Date,
    end: Option<Date>,
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
    let today = thai::today();
    let lib = super::compliance::library(&app).await?;
    let fy_now = thai::fiscal_year(today);
    let images: Vec<&str> =
        r.files.iter().filter(|f| view::is_image(&f.kind)).map(|f| f.file_name.as_str()).collect();
    let checked = check_publish(&input, &images, today);
    let tags = super::compliance::check_tags(&lib, &input.tags, &input.tag_year, &input.tag_period, fy_now);
    let (fields, tags) = match (checked, tags) {
        (Ok(fields), Ok(tags)) => (fields, tags),
        (checked, tags) => {
            let mut problems = checked.err().unwrap_or_default();
            problems.extend(tags.err().unwrap_or_default());
            let fy = super::compliance::choice_year(&input.tag_year, fy_now);
            let choices = TagChoices::new(&lib, &input.category, fy);
            let bar = bar(&app, &staff).await?;
            let chrome = app.plain_chrome();
            let page = view::publish_form(&chrome, &bar, &r, &input, &choices, &problems);
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html(page)).into_response());
        }
    };
    // Publishing today means now; a later date means 08:00 that morning, Bangkok time.
    let published_at = if fields.publish_on == today {
        jiff::Timestamp::now()
    } else {
        fields
            .publish_on
            .to_datetime(jiff::civil::Time::constant(8, 0, 0, 0))
            .to_zoned_datetime(thai::bangkok())
            .map(|z| z.timestamp())
            .unwrap_or_else(|_| jiff::Timestamp::now())
    };
    let mut alts = input.alt.iter().map(|a| a.trim().to_owned());
    let item = NewItem {
        category: fields.category,
        title: fields.title,
        summary: fields.summary,
        body: r.fields.details.clone(),
        source: fields.source,
        link: r.fields.link.clone(),
        period_from: fields.period_from,
        period_to: fields.period_to,
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
    };
    let action = match fields.verbal {
        Some((approved_by, approved_on)) => Action::PublishOnVerbalApproval { approved_by, approved_on },
        None => Action::Publish,
    };
    apply(&app, &staff.actor(), &staff.who(), &r, &action, Some((item, tags))).await?;
    app.pages.invalidate();
    Ok(Redirect::to(&format!("/staff/requests/{}", r.id)).into_response())
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
    let office = &app.config.settings.office;
    Ok(html(view::print_form(office, app.config.settings.display.digits, &r, &signatures)))
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
    let last = |names: &[&str]| history.iter().rev().find(|e| names.contains(&e.action.as_str()));
    let day = |at: i64| jiff::Timestamp::from_second(at).ok().map(thai::date_of);
    let submitted = last(&["request.submit"]);
    let approved = last(&["request.approve", "request.confirm_verbal"]);
    let published = last(&["request.publish", "request.publish_verbal"]);
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
                position: person(e.user_id).map(|u| u.position.clone()),
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
    let found = app
        .store
        .run(move |c| {
            let request_id: Option<i64> = rusqlite::OptionalExtension::optional(c.query_row(
                "SELECT request_id FROM request_files WHERE id = ?1",
                [file_id],
                |r| r.get(0),
            ))?;
            match request_id {
                Some(rid) => requests::get(c, rid),
                None => Ok(None),
            }
        })
        .await?
        .ok_or(WebError::NotFound)?;
    may_view(&staff, &found)?;
    let f = found.files.iter().find(|f| f.id == file_id).ok_or(WebError::NotFound)?;
    download::serve(&app, f, request, download::Caching::Private).await
}
