//! e-Service handlers (seed 1.9): public forms (rate-limited, signed single-use tokens),
//! tracking, the Q&A, complaint statistics, and the staff pages that answer cases.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};

use super::access::ClientIp;
use super::session::Staff;
use super::{Shared, WebError, limits};
use crate::store::cases::{self, Inserted};
use crate::thai;
use crate::views::eservices as view;
use crate::views::forms::Problem;
use crate::workflow::audit::AuditAction;
use crate::workflow::eservice::{self, CaseInput, Kind, Status};
use crate::workflow::state::Role;

type Fields = HashMap<String, String>;

fn html(m: maud::Markup) -> Response {
    Html(m.into_string()).into_response()
}

fn field(fields: &Fields, name: &str) -> String {
    fields.get(name).cloned().unwrap_or_default()
}

/// Kinds with a public form at `/eservices/{kind}`.
fn kind_of(slug: &str) -> Result<Kind, WebError> {
    Kind::parse(slug).ok_or(WebError::NotFound)
}

/// `GET /eservices`
pub async fn index(State(app): State<Shared>) -> Result<Response, WebError> {
    Ok(html(view::index(&app.chrome(None).await?)))
}

async fn show_form(
    app: &Shared,
    kind: Kind,
    input: &CaseInput,
    token: &str,
    problems: &[Problem],
) -> Result<Response, WebError> {
    let chrome = app.chrome(None).await?;
    let days = app.settings().eservices.retention_days;
    let status = if problems.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html(view::form(&chrome, kind, input, token, problems, days))).into_response())
}

/// `GET /eservices/{kind}`: an empty form with a fresh token.
pub async fn form(State(app): State<Shared>, Path(kind): Path<String>) -> Result<Response, WebError> {
    let kind = kind_of(&kind)?;
    let token = app.form_tokens.issue(kind.as_str(), crate::store::now_unix());
    show_form(&app, kind, &CaseInput::default(), &token, &[]).await
}

/// `POST /eservices/{kind}`: stores the case once and sends the sender to its tracking page;
/// bad input comes back with Thai messages by the fields.
pub async fn submit(
    State(app): State<Shared>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(kind): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    let kind = kind_of(&kind)?;
    app.limits.check(limits::Kind::Form, ip)?;
    let input = CaseInput {
        category: field(&fields, "category"),
        subject: field(&fields, "subject"),
        details: field(&fields, "details"),
        name: field(&fields, "name"),
        contact: field(&fields, "contact"),
        pdpa: field(&fields, "pdpa"),
    };
    let token = field(&fields, "token");
    let now = crate::store::now_unix();
    let nonce = match app.form_tokens.check(kind.as_str(), &token, now) {
        Ok(nonce) => nonce,
        Err(why) => {
            let fresh = app.form_tokens.issue(kind.as_str(), now);
            return show_form(&app, kind, &input, &fresh, &[Problem::new("", why.message())]).await;
        }
    };
    let valid = match eservice::validate(kind, &input) {
        Ok(v) => v,
        Err(errors) => {
            let problems: Vec<Problem> = errors.into_iter().map(Problem::from).collect();
            return show_form(&app, kind, &input, &token, &problems).await;
        }
    };
    let code = eservice::tracking_code(kind, rand::random());
    let outcome = app
        .store
        .run(move |c| {
            let outcome = cases::insert(c, kind, &valid, &code, &nonce)?;
            if let Inserted::New(code) = &outcome {
                announce(c, code)?;
            }
            Ok(outcome)
        })
        .await?;
    match outcome {
        Inserted::New(code) => Ok(Redirect::to(&format!("/track?code={code}&sent=1")).into_response()),
        Inserted::Duplicate => {
            let chrome = app.chrome(None).await?;
            Ok((axum::http::StatusCode::CONFLICT, html(view::duplicate(&chrome))).into_response())
        }
    }
}

/// `GET /track?code=`; limited like search, so that codes cannot be guessed by brute force.
pub async fn track(
    State(app): State<Shared>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Query(params): Query<Fields>,
) -> Result<Response, WebError> {
    let typed = field(&params, "code");
    if !typed.trim().is_empty() {
        app.limits.check(limits::Kind::Search, ip)?;
    }
    let asked = !typed.trim().is_empty();
    let found = match eservice::normalise_code(&typed) {
        Some(code) => app.store.run(move |c| cases::by_code(c, &code)).await?,
        None => None,
    };
    let sent = params.get("sent").is_some_and(|v| v == "1");
    let chrome = app.chrome(None).await?;
    let status =
        if asked && found.is_none() { axum::http::StatusCode::NOT_FOUND } else { axum::http::StatusCode::OK };
    Ok((status, html(view::track(&chrome, typed.trim(), found.as_ref(), asked, sent))).into_response())
}

/// `GET /qa`
pub async fn qa(State(app): State<Shared>) -> Result<Response, WebError> {
    let answered = app.store.run(|c| cases::public_answers(c, 200)).await?;
    Ok(html(view::qa(&app.chrome(None).await?, &answered)))
}

/// `GET /eservices/stats?fy=`: complaints per quarter of a fiscal year.
pub async fn stats(State(app): State<Shared>, Query(params): Query<Fields>) -> Result<Response, WebError> {
    let (fy, years) = super::public::past_fiscal_year(&params);
    let (start, end) = thai::fiscal_year_bounds(fy).ok_or(WebError::NotFound)?;
    let digits = app.settings().display.digits;
    let (quarters, corruption) = app
        .store
        .run(move |c| {
            let mut quarters = Vec::new();
            for (n, label) in [
                "ไตรมาส 1 (ต.ค.–ธ.ค.)",
                "ไตรมาส 2 (ม.ค.–มี.ค.)",
                "ไตรมาส 3 (เม.ย.–มิ.ย.)",
                "ไตรมาส 4 (ก.ค.–ก.ย.)",
            ]
            .iter()
            .enumerate()
            {
                let (from, to) = quarter_bounds(fy, n).unwrap_or((start, end));
                quarters.push((label.to_string(), cases::counts(c, Kind::Complaint, None, from, to)?));
            }
            // Each quarter says whether a web master checked and published its numbers (the
            // evidence for ITA O18 / MOIT 10) and when; until then they may still change.
            let published = crate::store::compliance::published_quarters(c)?;
            for (n, (label, _)) in quarters.iter_mut().enumerate() {
                let q = n as u8 + 1;
                match published.iter().find(|p| p.0 == fy && p.1 == q) {
                    Some(p) => label.push_str(&format!(" · เผยแพร่ {}", thai::date_short(p.2, digits))),
                    None => label.push_str(" · ยังไม่ได้ตรวจสอบ ตัวเลขอาจเปลี่ยน"),
                }
            }
            Ok((quarters, cases::counts(c, Kind::Complaint, Some("corruption"), start, end)?))
        })
        .await?;
    Ok(html(view::stats(&app.chrome(None).await?, fy, &years, &quarters, corruption)))
}

/// Unix bounds of quarter `n` (0–3) of fiscal year `fy` (B.E.), Bangkok time.
fn quarter_bounds(fy: i32, n: usize) -> Option<(i64, i64)> {
    let ce = i16::try_from(fy - 543).ok()?;
    let starts = [(ce - 1, 10), (ce, 1), (ce, 4), (ce, 7), (ce, 10)];
    let at = |(y, m): (i16, i8)| -> Option<i64> {
        Some(
            jiff::civil::Date::new(y, m, 1)
                .ok()?
                .to_datetime(jiff::civil::Time::midnight())
                .to_zoned_datetime(thai::bangkok())
                .ok()?
                .timestamp()
                .as_second(),
        )
    };
    Some((at(starts[n])?, at(starts[n + 1])?))
}

fn may_handle(staff: &Staff) -> Result<(), WebError> {
    staff.require_any(
        &[Role::Admin, Role::WebMaster, Role::Complaints, Role::Director],
        "เฉพาะเจ้าหน้าที่รับเรื่องร้องเรียน ผู้อำนวยการ ผู้ดูแลเว็บไซต์และผู้ดูแลระบบที่ตอบเรื่องจากประชาชนได้",
    )
}

/// Whether the office has an active complaints officer or director (then complaints are theirs).
fn officers_exist(c: &rusqlite::Connection) -> crate::store::StoreResult<bool> {
    Ok(!crate::store::users::with_role(c, Role::Complaints)?.is_empty()
        || !crate::store::users::with_role(c, Role::Director)?.is_empty())
}

/// `user_id` with `roles` as the case rules see them.
fn viewer(
    c: &rusqlite::Connection,
    user_id: i64,
    roles: crate::workflow::state::Roles,
) -> crate::store::StoreResult<eservice::Viewer> {
    Ok(eservice::Viewer {
        roles,
        named: crate::store::units::corruption_officers(c)?.contains(&user_id),
        officers_exist: officers_exist(c)?,
    })
}

/// Refuses a case the person may not see (a corruption complaint for a web master …).
fn may_see(case: &cases::Case, v: eservice::Viewer) -> Result<(), WebError> {
    if eservice::may_see_case(case.kind, &case.category, v) {
        Ok(())
    } else if eservice::is_corruption(case.kind, &case.category) {
        Err(WebError::Forbidden(
            "เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ เปิดดูได้เฉพาะผู้อำนวยการและเจ้าหน้าที่ที่ผู้อำนวยการมอบหมาย".into(),
        ))
    } else {
        Err(WebError::Forbidden("เรื่องร้องเรียนเปิดดูได้เฉพาะเจ้าหน้าที่รับเรื่องร้องเรียนและผู้อำนวยการ".into()))
    }
}

/// Tells those who handle a new complaint (complaints officers and the director; web masters
/// and admins only when the office has neither). Questions and information requests are not
/// announced: they wait on `/staff/cases`.
fn announce(c: &rusqlite::Connection, code: &str) -> crate::store::StoreResult<()> {
    use crate::store::{notifications, users};
    let Some(case) = cases::by_code(c, code)? else { return Ok(()) };
    if case.kind != Kind::Complaint {
        return Ok(());
    }
    let mut people = Vec::new();
    for role in [Role::Complaints, Role::Director, Role::WebMaster, Role::Admin] {
        for u in users::with_role(c, role)? {
            let v = viewer(c, u.id, u.roles)?;
            if eservice::may_see_case(case.kind, &case.category, v) && !people.contains(&u.id) {
                people.push(u.id);
            }
        }
    }
    let text = format!("มีเรื่องร้องเรียนใหม่ ({}) เลขที่ {}", eservice::category_label(&case.category), case.code);
    for id in people {
        notifications::add(c, id, &text, &format!("/staff/cases/{}", case.id))?;
    }
    Ok(())
}

/// `GET /staff/cases`
pub async fn staff_list(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    may_handle(&staff)?;
    let (user_id, roles) = (staff.user.id, staff.roles);
    let all = app
        .store
        .run(move |c| {
            let v = viewer(c, user_id, roles)?;
            let all = cases::list(c, 500)?;
            Ok(all.into_iter().filter(|k| eservice::may_see_case(k.kind, &k.category, v)).collect::<Vec<_>>())
        })
        .await?;
    let bar = super::staff::bar(&app, &staff).await?;
    Ok(html(view::staff_list(&app.plain_chrome(), &bar, &all)))
}

/// `GET /staff/cases/{id}`
pub async fn staff_case(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    Query(params): Query<Fields>,
) -> Result<Response, WebError> {
    may_handle(&staff)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let (user_id, roles) = (staff.user.id, staff.roles);
    let (case, v) = app.store.run(move |c| Ok((cases::get(c, id)?, viewer(c, user_id, roles)?))).await?;
    let case = case.ok_or(WebError::NotFound)?;
    may_see(&case, v)?;
    // Every look at a sender's name and contact is on the trail (PDPA).
    if !case.name.is_empty() || !case.contact.is_empty() {
        let who = staff.who();
        app.store
            .run(move |c| {
                crate::store::audit::append(c, &who, AuditAction::CaseView, &format!("case/{id}"), "")
            })
            .await?;
    }
    let bar = super::staff::bar(&app, &staff).await?;
    let saved = params.contains_key("saved");
    Ok(html(view::staff_case(&app.plain_chrome(), &bar, &case, &[], saved)))
}

/// `POST /staff/cases/{id}`: answer, change status, close; audited.
pub async fn staff_answer(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    may_handle(&staff)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    staff.check_csrf(&field(&fields, "csrf"))?;
    let (user_id, roles) = (staff.user.id, staff.roles);
    let (case, v) = app.store.run(move |c| Ok((cases::get(c, id)?, viewer(c, user_id, roles)?))).await?;
    let mut case = case.ok_or(WebError::NotFound)?;
    may_see(&case, v)?;
    let answer = field(&fields, "answer").trim().to_owned();
    let status = Status::parse(&field(&fields, "status")).unwrap_or(case.status);
    let publish = fields.get("publish").is_some_and(|v| v == "yes");
    let mut problems = Vec::new();
    if status == Status::Closed && answer.is_empty() {
        problems.push(Problem::new("answer", "คำตอบ / ผลการดำเนินการ: ต้องกรอกก่อนปิดเรื่อง"));
    }
    if answer.chars().count() > eservice::DETAILS_MAX {
        problems.push(Problem::new("answer", "คำตอบ / ผลการดำเนินการ: ยาวได้ไม่เกิน 5000 ตัวอักษร"));
    }
    if !problems.is_empty() {
        case.answer = answer;
        let bar = super::staff::bar(&app, &staff).await?;
        let page = view::staff_case(&app.plain_chrome(), &bar, &case, &problems, false);
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html(page)).into_response());
    }
    let who = staff.who();
    app.store
        .run(move |c| {
            let tx = c.transaction()?;
            cases::answer(&tx, id, status, &answer, publish)?;
            crate::store::audit::append(
                &tx,
                &who,
                AuditAction::CaseAnswer,
                &format!("case/{id}"),
                status.as_str(),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    if case.kind == Kind::Question {
        app.pages.invalidate();
    }
    Ok(Redirect::to(&format!("/staff/cases/{id}?saved=1")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_cover_the_fiscal_year() {
        let (start, end) = thai::fiscal_year_bounds(2569).unwrap();
        assert_eq!(quarter_bounds(2569, 0).unwrap().0, start);
        assert_eq!(quarter_bounds(2569, 3).unwrap().1, end);
        assert_eq!(quarter_bounds(2569, 1).unwrap().0, quarter_bounds(2569, 0).unwrap().1);
    }

    #[test]
    fn refusals_have_thai_messages() {
        assert!(super::super::form_token::Refused::Invalid.message().contains("แบบฟอร์ม"));
    }
}
