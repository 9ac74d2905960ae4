//! People and the office: an account's page, the units and the acting approvers.

use maud::{Markup, html};

use super::forms::{self, Input, Problem, csrf, field};
use super::staff::{Bar, staff_page};
use super::{Chrome, Crumb};
use crate::store::units::{Delegation, Unit};
use crate::store::users::User;
use crate::thai;
use crate::views::text;
use crate::workflow::state::Role;

/// The account form's data, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AccountForm {
    /// Thai display name.
    #[serde(default)]
    pub name: String,
    /// Position.
    #[serde(default)]
    pub position: String,
    /// Unit's id, or empty for none.
    #[serde(default)]
    pub unit: String,
    /// Telephone.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// Roles ticked, by name.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Ticked when the account may log in.
    #[serde(default)]
    pub active: Option<String>,
    /// CSRF token.
    #[serde(default)]
    pub csrf: String,
}

impl AccountForm {
    /// The form filled with the account's current values.
    pub fn of(u: &User) -> AccountForm {
        AccountForm {
            name: u.name.clone(),
            position: u.position.clone(),
            unit: u.unit_id.map(|id| id.to_string()).unwrap_or_default(),
            phone: u.phone.clone(),
            email: u.email.clone(),
            roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            active: u.active.then(|| "1".to_owned()),
            csrf: String::new(),
        }
    }
}

fn problem_for<'a>(problems: &'a [Problem], name: &str) -> Option<&'a str> {
    problems.iter().find(|p| p.field == name).map(|p| p.message.as_str())
}

/// The unit of an account, chosen from the office's units (`selected` is a unit's id as text;
/// empty for none), with its problem when refused.
pub fn unit_select(units: &[Unit], selected: &str, problems: &[Problem]) -> Markup {
    let problem = problem_for(problems, "unit");
    html! {
        div.field.invalid[problem.is_some()] {
            label for="f-unit" { "กลุ่มงาน" }
            @if let Some(msg) = problem { p.error id="f-unit-err" { (msg) } }
            select #f-unit name="unit" aria-invalid=[problem.map(|_| "true")]
                aria-describedby=[problem.map(|_| "f-unit-err")] {
                option value="" selected[selected.is_empty()] { "— ไม่สังกัดกลุ่มงาน (คำขอส่งถึงผู้อำนวยการ) —" }
                @for u in units {
                    option value=(u.id) selected[selected == u.id.to_string()] { (u.name) }
                }
            }
            @if units.is_empty() {
                p.hint { "ยังไม่มีกลุ่มงาน " a href="/admin/units" { "เพิ่มกลุ่มงาน" } }
            }
        }
    }
}

/// One account's page: its details, unit, roles and status, with `notes` (saved, warnings).
pub fn account(
    chrome: &Chrome,
    bar: &Bar,
    user: &User,
    units: &[Unit],
    form: &AccountForm,
    problems: &[Problem],
    notes: &[String],
) -> Markup {
    let title = format!("บัญชีผู้ใช้ {}", user.username);
    staff_page(
        chrome,
        bar,
        &title,
        &[Crumb::link("ผู้ใช้งาน", "/admin/users"), Crumb::here(&user.username)],
        html! {
            h1 { "แก้ไขบัญชีผู้ใช้ " (user.username) }
            @for n in notes { div.notice role="status" { p { (n) } } }
            (forms::summary(problems, chrome.digits))
            form.request method="post" action=(format!("/admin/users/{}", user.id)) {
                (csrf(bar.csrf))
                (field("name", "ชื่อ-นามสกุล", &form.name, Input::Text, true, problems))
                (field("position", "ตำแหน่ง (พิมพ์ในแบบฟอร์มขอเผยแพร่)", &form.position, Input::Text, false, problems))
                (unit_select(units, &form.unit, problems))
                (field("phone", "โทรศัพท์", &form.phone, Input::Text, false, problems))
                (field("email", "อีเมล (สำหรับการแจ้งเตือน)", &form.email, Input::Email, false, problems))
                fieldset.invalid[problem_for(problems, "roles").is_some()] {
                    legend { "บทบาท" }
                    @if let Some(msg) = problem_for(problems, "roles") { p.error { (msg) } }
                    @for role in Role::ALL {
                        div.check {
                            input id=(format!("role-{}", role.as_str())) type="checkbox" name="roles" value=(role.as_str())
                                checked[form.roles.iter().any(|r| r == role.as_str())];
                            label for=(format!("role-{}", role.as_str())) { (role.label_th()) }
                        }
                    }
                    p.hint { "หัวหน้ากลุ่มงานคือผู้มีบทบาท \"ผู้อนุมัติ\" ในกลุ่มงานนั้น คำขอของหัวหน้ากลุ่มงานเองส่งถึงผู้อำนวยการ" }
                }
                fieldset.invalid[problem_for(problems, "active").is_some()] {
                    legend { "สถานะ" }
                    @if let Some(msg) = problem_for(problems, "active") { p.error { (msg) } }
                    div.check {
                        input #f-active type="checkbox" name="active" value="1" checked[form.active.is_some()];
                        label for="f-active" { "ใช้งานได้ (ไม่ติ๊ก = ระงับบัญชี เข้าสู่ระบบไม่ได้ทันที)" }
                    }
                }
                button type="submit" { "บันทึก" }
                " " a href="/admin/users" { "กลับไปหน้าผู้ใช้งาน" }
            }
        },
    )
}

/// The delegation form's data, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DelegationForm {
    /// The head or director stood in for (account id).
    #[serde(default)]
    pub from: String,
    /// The acting approver (account id).
    #[serde(default)]
    pub to: String,
    /// First day, ISO.
    #[serde(default)]
    pub starts_on: String,
    /// Last day, ISO.
    #[serde(default)]
    pub ends_on: String,
    /// CSRF token.
    #[serde(default)]
    pub csrf: String,
}

/// The unit form's data, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UnitForm {
    /// Full name.
    #[serde(default)]
    pub name: String,
    /// Short name.
    #[serde(default)]
    pub short_name: String,
    /// CSRF token.
    #[serde(default)]
    pub csrf: String,
}

/// A unit with its heads and how many accounts belong to it.
#[derive(Debug, Clone)]
pub struct UnitRow {
    /// The unit.
    pub unit: Unit,
    /// Its heads (active approvers in it).
    pub heads: Vec<User>,
    /// Accounts in it.
    pub members: usize,
}

/// What the units page shows.
#[derive(Debug, Clone, Default)]
pub struct UnitsPage {
    /// Units with their heads.
    pub units: Vec<UnitRow>,
    /// Active directors.
    pub directors: Vec<User>,
    /// Delegations in force or planned.
    pub delegations: Vec<Delegation>,
    /// Active accounts (delegation choices).
    pub people: Vec<User>,
    /// Whether the viewer is an admin (may add units and delegate for anyone).
    pub admin: bool,
}

fn delegation_section(
    bar: &Bar,
    page: &UnitsPage,
    action: &str,
    form: &DelegationForm,
    problems: &[Problem],
    digits: thai::Digits,
) -> Markup {
    let deciders: Vec<&User> = page
        .people
        .iter()
        .filter(|u| u.roles.contains(Role::Approver) || u.roles.contains(Role::Director))
        .filter(|u| page.admin || u.id == bar.user.id)
        .collect();
    html! {
        section.panel {
            h2 #delegation { "ผู้ปฏิบัติราชการแทน" }
            p { "ในช่วงวันที่กำหนด ผู้ปฏิบัติราชการแทนเห็นและพิจารณาคำขอที่ส่งถึงผู้มอบหมาย บันทึกการใช้งานและแบบฟอร์มที่พิมพ์ระบุว่า \"ปฏิบัติราชการแทน\" และสิ้นสุดเองเมื่อพ้นวันสุดท้าย" }
            @if page.delegations.is_empty() { p.empty { "ยังไม่มีการมอบหมาย" } } @else {
                table.list {
                    thead { tr { th { "ผู้มอบหมาย" } th { "ผู้ปฏิบัติราชการแทน" } th { "ตั้งแต่" } th { "ถึง" } th { "การดำเนินการ" } } }
                    tbody {
                        @for d in &page.delegations {
                            tr {
                                td data-label="ผู้มอบหมาย" { (d.from_name) }
                                td data-label="ผู้ปฏิบัติราชการแทน" { (d.to_name) }
                                td data-label="ตั้งแต่" { (text::date(d.starts_on, digits)) }
                                td data-label="ถึง" { (text::date(d.ends_on, digits)) }
                                td {
                                    @if page.admin || d.from_user == bar.user.id {
                                        form.inline method="post" action=(format!("/staff/delegations/{}/end", d.id)) {
                                            (csrf(bar.csrf))
                                            button.link type="submit" { "ยกเลิก" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (forms::summary(problems, digits))
            form.request method="post" action=(action) {
                (csrf(bar.csrf))
                div.field.invalid[problem_for(problems, "from").is_some()] {
                    label for="f-from" { "ผู้มอบหมาย (หัวหน้ากลุ่มงานหรือผู้อำนวยการ)" }
                    @if let Some(msg) = problem_for(problems, "from") { p.error { (msg) } }
                    select #f-from name="from" {
                        @for u in &deciders { option value=(u.id) selected[form.from == u.id.to_string()] { (u.name) " — " (u.position) } }
                    }
                }
                div.field.invalid[problem_for(problems, "to").is_some()] {
                    label for="f-to" { "ผู้ปฏิบัติราชการแทน" }
                    @if let Some(msg) = problem_for(problems, "to") { p.error { (msg) } }
                    select #f-to name="to" {
                        option value="" { "— เลือก —" }
                        @for u in &page.people { option value=(u.id) selected[form.to == u.id.to_string()] { (u.name) " — " (u.position) } }
                    }
                }
                (field("starts_on", "วันที่เริ่ม", &form.starts_on, Input::Date, true, problems))
                (field("ends_on", "วันที่สิ้นสุด (วันสุดท้ายที่ปฏิบัติราชการแทน)", &form.ends_on, Input::Date, true, problems))
                button type="submit" { "มอบหมาย" }
            }
        }
    }
}

/// The units page (admins), with the acting approvers.
pub fn units(
    chrome: &Chrome,
    bar: &Bar,
    page: &UnitsPage,
    unit_form: &UnitForm,
    delegation_form: &DelegationForm,
    problems: &[Problem],
) -> Markup {
    let digits = chrome.digits;
    let (unit_problems, delegation_problems): (Vec<Problem>, Vec<Problem>) =
        problems.iter().cloned().partition(|p| p.field == "name" || p.field == "short_name");
    staff_page(
        chrome,
        bar,
        "กลุ่มงานและผู้อนุมัติ",
        &[Crumb::here("กลุ่มงาน")],
        html! {
            h1 { "กลุ่มงานและผู้อนุมัติ" }
            p { "คำขอเผยแพร่ส่งถึงหัวหน้าของกลุ่มงานที่ผู้ขอสังกัดเมื่อยื่นคำขอ (ย้ายกลุ่มงานภายหลัง คำขอเดิมยังอยู่กับกลุ่มงานเดิม) คำขอของหัวหน้ากลุ่มงานเอง หรือของกลุ่มงานที่ไม่มีหัวหน้าที่ใช้งานได้ ส่งถึงผู้อำนวยการ" }
            p { "ผู้อำนวยการ: "
                @if page.directors.is_empty() { strong { "ยังไม่มี — กำหนดบทบาท \"ผู้อำนวยการ\" ให้บัญชีผู้ใช้" } }
                @else { (page.directors.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")) }
            }
            table.list {
                thead { tr { th { "กลุ่มงาน" } th { "ชื่อย่อ" } th { "หัวหน้ากลุ่มงาน" } th { "จำนวนผู้ใช้" } th { "แก้ไขชื่อ" } } }
                tbody {
                    @for row in &page.units {
                        tr {
                            td { strong { (row.unit.name) } }
                            td data-label="ชื่อย่อ" { (row.unit.short_name) }
                            td data-label="หัวหน้ากลุ่มงาน" { @if row.heads.is_empty() { "ไม่มี (ส่งถึงผู้อำนวยการ)" } @else { (row.heads.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")) } }
                            td data-label="จำนวนผู้ใช้" { (digits.apply(&row.members.to_string())) }
                            td {
                                form.inline method="post" action=(format!("/admin/units/{}", row.unit.id)) {
                                    (csrf(bar.csrf))
                                    label.visually-hidden for=(format!("un-{}", row.unit.id)) { "ชื่อกลุ่มงาน" }
                                    input id=(format!("un-{}", row.unit.id)) name="name" value=(row.unit.name) required;
                                    label.visually-hidden for=(format!("us-{}", row.unit.id)) { "ชื่อย่อ" }
                                    input id=(format!("us-{}", row.unit.id)) name="short_name" value=(row.unit.short_name) size="6";
                                    button.secondary type="submit" { "บันทึก" }
                                }
                            }
                        }
                    }
                }
            }
            section.panel {
                h2 #add { "เพิ่มกลุ่มงาน" }
                (forms::summary(&unit_problems, chrome.digits))
                form.request method="post" action="/admin/units" {
                    (csrf(bar.csrf))
                    (field("name", "ชื่อกลุ่มงาน", &unit_form.name, Input::Text, true, &unit_problems))
                    (field("short_name", "ชื่อย่อ", &unit_form.short_name, Input::Text, false, &unit_problems))
                    button type="submit" { "เพิ่มกลุ่มงาน" }
                }
                p { "ย้ายผู้ใช้เข้ากลุ่มงานได้ที่หน้า " a href="/admin/users" { "ผู้ใช้งาน" } " (ลิงก์ \"แก้ไข\" ท้ายแถว)" }
            }
            (delegation_section(bar, page, "/staff/delegations", delegation_form, &delegation_problems, digits))
        },
    )
}

/// A head's or director's own page for naming an acting approver.
pub fn my_delegations(
    chrome: &Chrome,
    bar: &Bar,
    page: &UnitsPage,
    form: &DelegationForm,
    problems: &[Problem],
) -> Markup {
    staff_page(
        chrome,
        bar,
        "ผู้ปฏิบัติราชการแทน",
        &[Crumb::here("ผู้ปฏิบัติราชการแทน")],
        html! {
            h1 { "ผู้ปฏิบัติราชการแทน" }
            (delegation_section(bar, page, "/staff/delegations", form, problems, chrome.digits))
        },
    )
}

/// One section of the office's requests: a title, an anchor and the rows.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The section's Thai title.
    pub title: &'static str,
    /// Its anchor.
    pub anchor: &'static str,
    /// The requests, each with its requester's unit name.
    pub rows: Vec<(crate::store::requests::Request, String)>,
    /// Whether the rows offer the urgent verbal-approval path (seed 3.2.1).
    pub verbal: bool,
}

/// Every request of the office by state, filterable by unit: where a web master starts the
/// urgent verbal-approval path and follows what is waiting.
pub fn overview(
    chrome: &Chrome,
    bar: &Bar,
    units: &[Unit],
    unit: Option<i64>,
    sections: &[Overview],
) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        "คำขอทั้งหมด",
        &[Crumb::here("คำขอทั้งหมด")],
        html! {
            h1 { "คำขอเผยแพร่ทั้งหมดของหน่วยงาน" }
            form.inline-filter method="get" action="/staff/requests" {
                label for="f-unit" { "กลุ่มงาน " }
                select #f-unit name="unit" {
                    option value="" selected[unit.is_none()] { "ทุกกลุ่มงาน" }
                    @for u in units { option value=(u.id) selected[unit == Some(u.id)] { (u.name) } }
                }
                " " button.secondary type="submit" { "กรอง" }
            }
            nav aria-label="สถานะ" {
                ul.inline {
                    @for s in sections { li { a href=(format!("#{}", s.anchor)) { (digits.apply(s.title)) " (" (digits.apply(&s.rows.len().to_string())) ")" } } }
                }
            }
            @for s in sections {
                section.panel {
                    h2 id=(s.anchor) { (digits.apply(s.title)) " (" (digits.apply(&s.rows.len().to_string())) ")" }
                    @if s.rows.is_empty() { p.empty { "ไม่มีรายการ" } } @else {
                        table.list {
                            thead { tr { th { "เลขที่" } th { "เรื่อง" } th { "ผู้ขอ / กลุ่มงาน" } th { "สถานะ" } th { "ปรับปรุงล่าสุด" } @if s.verbal { th { "กรณีเร่งด่วน" } } } }
                            tbody {
                                @for (r, unit_name) in &s.rows {
                                    tr {
                                        td { (digits.apply(&r.reference())) }
                                        td { a href=(format!("/staff/requests/{}", r.id)) { (r.fields.topic) } }
                                        td { (r.fields.requester_name) " / " (unit_name) }
                                        td {
                                            (super::staff::state_badge(r))
                                            @if let Some(end) = r.fields.end { " สิ้นสุด " (text::date(end, digits)) }
                                        }
                                        td { (text::date_of_unix(r.updated_at, digits)) }
                                        @if s.verbal {
                                            td { a href=(format!("/staff/requests/{}/publish?verbal=1", r.id)) { "เผยแพร่ตามการอนุมัติด้วยวาจา" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The director's page naming the complaints officers who handle corruption and misconduct
/// cases (`officers`: every active complaints officer; `named`: those named now).
pub fn corruption_officers(
    chrome: &Chrome,
    bar: &Bar,
    officers: &[User],
    named: &[i64],
    saved: bool,
) -> Markup {
    staff_page(
        chrome,
        bar,
        "ผู้รับผิดชอบเรื่องร้องเรียนการทุจริต",
        &[Crumb::link("เรื่องจากประชาชน", "/staff/cases"), Crumb::here("ผู้รับผิดชอบเรื่องทุจริต")],
        html! {
            h1 { "ผู้รับผิดชอบเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ" }
            @if saved { div.notice role="status" { p { "บันทึกแล้ว" } } }
            p { "เรื่องร้องเรียนการทุจริตและประพฤติมิชอบเปิดดูได้เฉพาะผู้อำนวยการและเจ้าหน้าที่รับเรื่องร้องเรียนที่ผู้อำนวยการเลือกไว้ที่นี่ ผู้ดูแลเว็บไซต์และผู้ดูแลระบบเปิดดูไม่ได้" }
            @if officers.is_empty() {
                p.empty { "ยังไม่มีบัญชีที่มีบทบาท \"เจ้าหน้าที่รับเรื่องร้องเรียน\" — ให้ผู้ดูแลระบบกำหนดบทบาทก่อน" }
            } @else {
                form.request method="post" action="/staff/cases/officers" {
                    (csrf(bar.csrf))
                    fieldset {
                        legend { "เจ้าหน้าที่ที่ได้รับมอบหมาย" }
                        @for u in officers {
                            div.check {
                                input id=(format!("o-{}", u.id)) type="checkbox" name="officer" value=(u.id) checked[named.contains(&u.id)];
                                label for=(format!("o-{}", u.id)) { (u.name) " — " (u.position) }
                            }
                        }
                    }
                    button type="submit" { "บันทึก" }
                }
            }
        },
    )
}
