//! People and the office: changing an account, the units, and acting approvers.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use rusqlite::TransactionBehavior;

use super::session::Staff;
use super::{Shared, WebError};
use crate::store::audit;
use crate::store::units::{self, Unit};
use crate::store::users::{self, Blocked, Changes, User};
use crate::thai;
use crate::views::forms::Problem;
use crate::views::people::{self as view, AccountForm, DelegationForm, UnitForm, UnitRow, UnitsPage};
use crate::workflow::account;
use crate::workflow::audit::AuditAction;
use crate::workflow::delegation;
use crate::workflow::state::Role;

fn status(problems: &[Problem]) -> StatusCode {
    if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY }
}

/// The web-master warning of seed 4.1, when fewer than two are active.
fn webmaster_note(count: usize) -> Option<String> {
    (count < 2).then(|| {
        format!(
            "คำเตือน: ขณะนี้มีผู้ดูแลเว็บไซต์ที่ใช้งานได้ {count} คน ควรมีอย่างน้อย 2 คน \
             (ผู้ดูแลหลักและผู้ดูแลสำรอง ตามเกณฑ์ข้อ 4.1)"
        )
    })
}

async fn account_page(
    app: &Shared,
    staff: &Staff,
    user: &User,
    form: &AccountForm,
    problems: &[Problem],
    mut notes: Vec<String>,
) -> Result<Response, WebError> {
    let (all_units, webmasters) =
        app.store.run(|c| Ok((units::all(c)?, users::count_with_role(c, Role::WebMaster)?))).await?;
    notes.extend(webmaster_note(webmasters));
    let bar = super::staff::bar(app, staff).await?;
    let chrome = app.plain_chrome();
    let page = view::account(&chrome, &bar, user, &all_units, form, problems, &notes);
    Ok((status(problems), Html(page.into_string())).into_response())
}

/// `GET /admin/users/{id}`
pub async fn account(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    let user = app.store.run(move |c| users::by_id(c, id)).await?.ok_or(WebError::NotFound)?;
    let notes = if q.contains_key("saved") {
        vec!["บันทึกการเปลี่ยนแปลงแล้ว".to_owned()]
    } else {
        Vec::new()
    };
    account_page(&app, &staff, &user, &AccountForm::of(&user), &[], notes).await
}

/// `POST /admin/users/{id}`: changes an account; every change is audited with before → after.
pub async fn save_account(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<AccountForm>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(&form.csrf)?;
    let user = app.store.run(move |c| users::by_id(c, id)).await?.ok_or(WebError::NotFound)?;
    let (errors, roles) = account::check_changes(&form.name, &form.email, &form.roles.join(","));
    let mut problems: Vec<Problem> = errors.into_iter().map(Problem::from).collect();
    let unit_id = match form.unit.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push(Problem::new("unit", "กลุ่มงาน: ต้องเลือกจากรายการ"));
                None
            }
        },
    };
    let active = form.active.is_some();
    if id == staff.user.id && !active {
        problems.push(Problem::new("active", "สถานะ: ระงับบัญชีของตนเองไม่ได้"));
    }
    if !problems.is_empty() {
        return account_page(&app, &staff, &user, &form, &problems, Vec::new()).await;
    }
    let changes = Changes {
        name: form.name.trim().into(),
        position: form.position.trim().into(),
        unit_id,
        phone: form.phone.trim().into(),
        email: form.email.trim().into(),
        roles,
        active,
    };
    let who = staff.who();
    let outcome = app
        .store
        .run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let outcome = users::update(&tx, id, &changes)?;
            if let Ok((before, after)) = &outcome {
                let diff = users::describe_changes(before, after);
                if !diff.is_empty() {
                    let detail = format!("{}: {}", after.username, diff.join("; "));
                    audit::append(&tx, &who, AuditAction::UserEdit, &format!("user/{id}"), &detail)?;
                }
            }
            tx.commit()?;
            Ok(outcome)
        })
        .await?;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/admin/users/{id}?saved=1")).into_response()),
        Err(Blocked::NoAccount) => Err(WebError::NotFound),
        Err(Blocked::NoUnit) => {
            let problems = [Problem::new("unit", "กลุ่มงาน: ไม่พบกลุ่มงานที่เลือก อาจถูกแก้ไขไปแล้ว กรุณาเลือกใหม่")];
            account_page(&app, &staff, &user, &form, &problems, Vec::new()).await
        }
        Err(Blocked::LastAdmin) => {
            let problems = [Problem::new(
                "roles",
                "บทบาท: บัญชีนี้เป็นผู้ดูแลระบบที่ใช้งานได้คนสุดท้าย ถอดบทบาทผู้ดูแลระบบหรือระงับบัญชีไม่ได้ \
                 ให้กำหนดผู้ดูแลระบบคนอื่นก่อน",
            )];
            account_page(&app, &staff, &user, &form, &problems, Vec::new()).await
        }
    }
}

async fn units_data(app: &Shared, admin: bool) -> Result<UnitsPage, WebError> {
    let page = app
        .store
        .run(move |c| {
            let people: Vec<User> = users::all(c)?.into_iter().filter(|u| u.active).collect();
            let mut rows = Vec::new();
            for unit in units::all(c)? {
                let heads = units::heads(c, unit.id)?;
                let members = people.iter().filter(|u| u.unit_id == Some(unit.id)).count();
                rows.push(UnitRow { unit, heads, members });
            }
            Ok(UnitsPage {
                units: rows,
                directors: users::with_role(c, Role::Director)?,
                delegations: units::current_and_planned(c, thai::today())?,
                people,
                admin,
            })
        })
        .await?;
    Ok(page)
}

async fn units_page(
    app: &Shared,
    staff: &Staff,
    unit_form: &UnitForm,
    delegation_form: &DelegationForm,
    problems: &[Problem],
) -> Result<Response, WebError> {
    let admin = staff.roles.contains(Role::Admin);
    let mut page = units_data(app, admin).await?;
    let bar = super::staff::bar(app, staff).await?;
    let chrome = app.plain_chrome();
    let html = if admin {
        view::units(&chrome, &bar, &page, unit_form, delegation_form, problems)
    } else {
        page.delegations.retain(|d| d.from_user == staff.user.id || d.to_user == staff.user.id);
        view::my_delegations(&chrome, &bar, &page, delegation_form, problems)
    };
    Ok((status(problems), Html(html.into_string())).into_response())
}

fn blank_delegation(staff: &Staff) -> DelegationForm {
    DelegationForm {
        from: staff.user.id.to_string(),
        starts_on: thai::today().to_string(),
        ends_on: thai::today().to_string(),
        ..DelegationForm::default()
    }
}

/// `GET /admin/units`
pub async fn units_list(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    units_page(&app, &staff, &UnitForm::default(), &blank_delegation(&staff), &[]).await
}

fn check_unit(form: &UnitForm) -> Vec<Problem> {
    let mut problems = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        problems.push(Problem::new("name", "ชื่อกลุ่มงาน: ต้องกรอก"));
    } else if name.chars().count() > 200 {
        problems.push(Problem::new("name", "ชื่อกลุ่มงาน: ยาวเกิน 200 ตัวอักษร"));
    }
    if form.short_name.trim().chars().count() > 30 {
        problems.push(Problem::new("short_name", "ชื่อย่อ: ยาวเกิน 30 ตัวอักษร"));
    }
    problems
}

/// `POST /admin/units`: adds a unit.
pub async fn add_unit(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<UnitForm>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(&form.csrf)?;
    let problems = check_unit(&form);
    if !problems.is_empty() {
        return units_page(&app, &staff, &form, &blank_delegation(&staff), &problems).await;
    }
    let (name, short, who) = (form.name.trim().to_owned(), form.short_name.trim().to_owned(), staff.who());
    let added = app
        .store
        .run(move |c| {
            let id = units::insert(c, &name, &short)?;
            if let Some(id) = id {
                audit::append(c, &who, AuditAction::UnitAdd, &format!("unit/{id}"), &name)?;
            }
            Ok(id)
        })
        .await?;
    if added.is_none() {
        let problems = [Problem::new("name", "ชื่อกลุ่มงาน: มีกลุ่มงานชื่อนี้แล้ว")];
        return units_page(&app, &staff, &form, &blank_delegation(&staff), &problems).await;
    }
    Ok(Redirect::to("/admin/units").into_response())
}

/// `POST /admin/units/{id}`: renames a unit (its members follow).
pub async fn rename_unit(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<UnitForm>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(&form.csrf)?;
    let problems = check_unit(&form);
    if !problems.is_empty() {
        return units_page(&app, &staff, &form, &blank_delegation(&staff), &problems).await;
    }
    let (name, short, who) = (form.name.trim().to_owned(), form.short_name.trim().to_owned(), staff.who());
    let renamed = app
        .store
        .run(move |c| {
            let tx = c.transaction()?;
            let Some(before): Option<Unit> = units::by_id(&tx, id)? else {
                return Ok(None);
            };
            let ok = units::rename(&tx, id, &name, &short)?;
            if ok && (before.name != name || before.short_name != short) {
                let detail = format!("{} ({}) → {} ({})", before.name, before.short_name, name, short);
                audit::append(&tx, &who, AuditAction::UnitEdit, &format!("unit/{id}"), &detail)?;
            }
            tx.commit()?;
            Ok(Some(ok))
        })
        .await?;
    match renamed {
        None => Err(WebError::NotFound),
        Some(true) => Ok(Redirect::to("/admin/units").into_response()),
        Some(false) => {
            let problems = [Problem::new("name", "ชื่อกลุ่มงาน: มีกลุ่มงานอื่นใช้ชื่อนี้แล้ว")];
            units_page(&app, &staff, &form, &blank_delegation(&staff), &problems).await
        }
    }
}

fn may_delegate(staff: &Staff) -> Result<(), WebError> {
    staff.require_any(
        &[Role::Admin, Role::Approver, Role::Director],
        "การมอบหมายผู้ปฏิบัติราชการแทนทำได้เฉพาะหัวหน้ากลุ่มงาน ผู้อำนวยการ และผู้ดูแลระบบ",
    )
}

/// `GET /staff/delegations`: a head's or director's acting approvers (admins: the units page).
pub async fn delegations(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    may_delegate(&staff)?;
    if staff.roles.contains(Role::Admin) {
        return Ok(Redirect::to("/admin/units#delegation").into_response());
    }
    units_page(&app, &staff, &UnitForm::default(), &blank_delegation(&staff), &[]).await
}

/// `POST /staff/delegations`: names an acting approver for a date range. Admins may do so for
/// any head or director; a head or director only for themselves.
pub async fn add_delegation(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<DelegationForm>,
) -> Result<Response, WebError> {
    may_delegate(&staff)?;
    staff.check_csrf(&form.csrf)?;
    let admin = staff.roles.contains(Role::Admin);
    let checked = delegation::check(&form.from, &form.to, &form.starts_on, &form.ends_on, thai::today());
    let valid = match checked {
        Ok(v) => v,
        Err(errors) => {
            let problems: Vec<Problem> = errors.into_iter().map(Problem::from).collect();
            return units_page(&app, &staff, &UnitForm::default(), &form, &problems).await;
        }
    };
    if !admin && valid.from != staff.user.id {
        return Err(WebError::Forbidden("มอบหมายผู้ปฏิบัติราชการแทนได้เฉพาะแทนตนเอง".into()));
    }
    let (who, by) = (staff.who(), staff.user.id);
    let outcome = app
        .store
        .run(move |c| {
            let tx = c.transaction()?;
            let from = users::by_id(&tx, valid.from)?;
            let to = users::by_id(&tx, valid.to)?;
            let problem = match (&from, &to) {
                (Some(f), _)
                    if !(f.active
                        && (f.roles.contains(Role::Approver) || f.roles.contains(Role::Director))) =>
                {
                    Some(Problem::new("from", "ผู้มอบหมาย: ต้องเป็นหัวหน้ากลุ่มงานหรือผู้อำนวยการที่ใช้งานได้"))
                }
                (None, _) => Some(Problem::new("from", "ผู้มอบหมาย: ไม่พบบัญชีนี้")),
                (_, Some(t)) if !t.active => Some(Problem::new("to", "ผู้ปฏิบัติราชการแทน: บัญชีนี้ถูกระงับ")),
                (_, None) => Some(Problem::new("to", "ผู้ปฏิบัติราชการแทน: ไม่พบบัญชีนี้")),
                _ => None,
            };
            if let Some(p) = problem {
                return Ok(Err(p));
            }
            let id = units::delegate(&tx, valid.from, valid.to, valid.starts_on, valid.ends_on, Some(by))?;
            let detail = format!(
                "{} ปฏิบัติราชการแทน {} {} – {}",
                to.map(|u| u.name).unwrap_or_default(),
                from.map(|u| u.name).unwrap_or_default(),
                valid.starts_on,
                valid.ends_on
            );
            audit::append(&tx, &who, AuditAction::DelegationAdd, &format!("delegation/{id}"), &detail)?;
            tx.commit()?;
            Ok(Ok(id))
        })
        .await?;
    match outcome {
        Ok(_) => Ok(Redirect::to(if admin { "/admin/units#delegation" } else { "/staff/delegations" })
            .into_response()),
        Err(p) => units_page(&app, &staff, &UnitForm::default(), &form, &[p]).await,
    }
}

/// `POST /staff/delegations/{id}/end`: ends a delegation early.
pub async fn end_delegation(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    may_delegate(&staff)?;
    staff.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let admin = staff.roles.contains(Role::Admin);
    let d = app.store.run(move |c| units::delegation(c, id)).await?.ok_or(WebError::NotFound)?;
    if !admin && d.from_user != staff.user.id {
        return Err(WebError::Forbidden("ยกเลิกได้เฉพาะการมอบหมายของตนเอง".into()));
    }
    let who = staff.who();
    app.store
        .run(move |c| {
            if units::end_delegation(c, id)? {
                let detail = format!("{} ปฏิบัติราชการแทน {}", d.to_name, d.from_name);
                audit::append(c, &who, AuditAction::DelegationEnd, &format!("delegation/{id}"), &detail)?;
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to(if admin { "/admin/units#delegation" } else { "/staff/delegations" }).into_response())
}

/// `GET /staff/requests`: every request of the office by state (submitted, approved,
/// published, ending within 14 days), filterable by the requester's unit. For web masters,
/// admins and the director.
pub async fn overview(
    State(app): State<Shared>,
    staff: Staff,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    use crate::store::requests::{self, Request};
    use crate::workflow::state::State as Lifecycle;
    staff.require_any(
        &[Role::WebMaster, Role::Admin, Role::Director],
        "รายการคำขอทั้งหมดดูได้เฉพาะผู้ดูแลเว็บไซต์ ผู้ดูแลระบบ และผู้อำนวยการ",
    )?;
    let unit = q.get("unit").and_then(|u| u.trim().parse::<i64>().ok());
    let today = thai::today();
    let soon = today.checked_add(jiff::Span::new().days(14)).unwrap_or(today);
    let (all_units, sections) = app
        .store
        .run(move |c| {
            let all_units = units::all(c)?;
            // The unit the request was made in, which routes it.
            let unit_of = |r: &Request| r.unit_id;
            let name_of = |id: Option<i64>| {
                all_units
                    .iter()
                    .find(|u| Some(u.id) == id)
                    .map(|u| u.name.clone())
                    .unwrap_or_else(|| "-".into())
            };
            let pick = |states: &[Lifecycle],
                        keep: &dyn Fn(&Request) -> bool|
             -> crate::store::StoreResult<Vec<(Request, String)>> {
                Ok(requests::in_states(c, states)?
                    .into_iter()
                    .filter(|r| unit.is_none() || unit_of(r) == unit)
                    .filter(|r| keep(r))
                    .map(|r| {
                        let name = name_of(unit_of(&r));
                        (r, name)
                    })
                    .collect())
            };
            let any = |_: &Request| true;
            let sections = vec![
                view::Overview {
                    title: "รออนุมัติ",
                    anchor: "submitted",
                    rows: pick(&[Lifecycle::Submitted], &any)?,
                    verbal: true,
                },
                view::Overview {
                    title: "อนุมัติแล้ว รอเผยแพร่",
                    anchor: "approved",
                    rows: pick(&[Lifecycle::Approved], &any)?,
                    verbal: false,
                },
                view::Overview {
                    title: "เผยแพร่แล้ว",
                    anchor: "published",
                    rows: pick(&[Lifecycle::Published], &any)?,
                    verbal: false,
                },
                view::Overview {
                    title: "จะสิ้นสุดการเผยแพร่ภายใน 14 วัน",
                    anchor: "ending",
                    rows: pick(&[Lifecycle::Published], &|r: &Request| {
                        r.fields.end.is_some_and(|e| e <= soon)
                    })?,
                    verbal: false,
                },
            ];
            Ok((all_units, sections))
        })
        .await?;
    let bar = super::staff::bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    Ok(Html(view::overview(&chrome, &bar, &all_units, unit, &sections).into_string()).into_response())
}

/// `GET /staff/cases/officers`: the director names who handles corruption cases.
pub async fn corruption_officers(
    State(app): State<Shared>,
    staff: Staff,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require(Role::Director)?;
    let (officers, named) = app
        .store
        .run(|c| Ok((users::with_role(c, Role::Complaints)?, units::corruption_officers(c)?)))
        .await?;
    let bar = super::staff::bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    let page = view::corruption_officers(&chrome, &bar, &officers, &named, q.contains_key("saved"));
    Ok(Html(page.into_string()).into_response())
}

/// `POST /staff/cases/officers`: replaces the named officers (only active complaints officers
/// can be named); audited with the names.
pub async fn save_corruption_officers(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.require(Role::Director)?;
    let csrf = form.iter().find(|(k, _)| k == "csrf").map_or("", |(_, v)| v.as_str());
    staff.check_csrf(csrf)?;
    let chosen: Vec<i64> =
        form.iter().filter(|(k, _)| k == "officer").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    let (who, by) = (staff.who(), staff.user.id);
    app.store
        .run(move |c| {
            let tx = c.transaction()?;
            let officers: Vec<User> = users::with_role(&tx, Role::Complaints)?
                .into_iter()
                .filter(|u| chosen.contains(&u.id))
                .collect();
            let ids: Vec<i64> = officers.iter().map(|u| u.id).collect();
            units::set_corruption_officers(&tx, &ids, by)?;
            let names = officers.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ");
            audit::append(&tx, &who, AuditAction::CaseOfficers, "cases/corruption", &names)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/staff/cases/officers?saved=1").into_response())
}
