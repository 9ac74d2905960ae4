//! Staff pages: login, first-admin setup, the dashboard, the request form, a request's page
//! with its history and actions, and the printable official form.

pub use crate::workflow::publish::PublishInput;
use maud::{DOCTYPE, Markup, html};

use super::forms::{self, Input, Problem, csrf, field};
use super::layout::page;
use super::text;
use super::{Chrome, Crumb};
use crate::categories::{AREAS, Place};
use crate::paths;
use crate::store::audit::Entry;
use crate::store::items::ItemSummary;
use crate::store::notifications::Notification;
use crate::store::requests::Request;
use crate::store::users::User;
use crate::thai::{self, Digits};
use crate::workflow::request::RequestInput;
use crate::workflow::state::{ActionKind, Role, Roles, State};

/// What the staff bar at the top of every staff page shows.
#[derive(Debug, Clone)]
pub struct Bar<'a> {
    /// The logged-in account.
    pub user: &'a User,
    /// Its roles.
    pub roles: Roles,
    /// Unread notifications.
    pub unread: u64,
    /// The session's CSRF token (for the logout button).
    pub csrf: &'a str,
    /// Active web masters, when fewer than two must be warned about (seed 4.1).
    pub webmasters: Option<usize>,
    /// Why the last backup failed, shown to admins until one succeeds.
    pub backup_failed: Option<String>,
    /// A newer signed release waiting to be installed, shown to admins.
    pub update_available: Option<String>,
}

/// A staff page: the public layout with the staff bar above the content.
pub fn staff_page(chrome: &Chrome, bar: &Bar, title: &str, crumbs: &[Crumb], content: Markup) -> Markup {
    let mut trail = vec![Crumb::link("งานเผยแพร่ข้อมูล", "/staff")];
    trail.extend_from_slice(crumbs);
    page(
        chrome,
        title,
        &trail,
        html! {
            div.staffbar {
                span { "ผู้ใช้: " strong { (bar.user.name) } " (" (role_labels(bar.roles)) ")" }
                nav aria-label="เมนูเจ้าหน้าที่" {
                    a href="/staff" { "หน้างานของฉัน" }
                    a href="/staff/requests/new" { "ขอเผยแพร่ข้อมูล" }
                    a href="/staff#inbox" { "การแจ้งเตือน" @if bar.unread > 0 { " " span.badge { (chrome.digits.apply(&bar.unread.to_string())) } } }
                    @if bar.roles.contains(Role::Admin) {
                        a href="/admin/users" { "ผู้ใช้งาน" }
                        a href="/admin/units" { "กลุ่มงาน" }
                        a href="/admin/settings" { "ตั้งค่าหน่วยงาน" }
                        a href="/admin/system" { "ระบบ" }
                        a href="/admin/backups" { "สำรองข้อมูล" }
                        a href="/admin/health" { "สุขภาพระบบ" }
                        a href="/admin/update" { "อัปเดต" }
                    }
                    @if bar.roles.contains(Role::Admin) || bar.roles.contains(Role::WebMaster) || bar.roles.contains(Role::Director) {
                        a href="/staff/requests" { "คำขอทั้งหมด" }
                    }
                    @if bar.roles.contains(Role::Admin) || bar.roles.contains(Role::WebMaster) {
                        a href="/admin/compliance" { "ความครบถ้วน ITA/MOIT" }
                        a href="/admin/pages" { "หน้านโยบาย" }
                        a href="/admin/search" { "คำพ้องสำหรับค้นหา" }
                        a href=(crate::paths::HIGHLIGHTS) { "ข่าวเด่นหน้าแรก" }
                    }
                    @if [Role::Admin, Role::WebMaster, Role::Complaints, Role::Director].iter().any(|r| bar.roles.contains(*r)) {
                        a href="/staff/cases" { "เรื่องจากประชาชน" }
                    }
                    @if bar.roles.contains(Role::Director) {
                        a href="/staff/cases/officers" { "ผู้รับผิดชอบเรื่องทุจริต" }
                    }
                    @if bar.roles.contains(Role::Admin) || bar.roles.contains(Role::WebMaster) {
                        a href="/admin/stats" { "สถิติเว็บไซต์" }
                        a href="/admin/audit" { "บันทึกการใช้งาน" }
                    }
                    @if !bar.roles.contains(Role::Admin) && (bar.roles.contains(Role::Approver) || bar.roles.contains(Role::Director)) {
                        a href="/staff/delegations" { "ผู้ปฏิบัติราชการแทน" }
                    }
                    a href="/staff/totp" { "ยืนยันตัวตนสองขั้นตอน" }
                    form.inline method="post" action="/logout" {
                        (csrf(bar.csrf))
                        button.link type="submit" { "ออกจากระบบ" }
                    }
                }
            }
            @if let Some(why) = &bar.backup_failed {
                div.warning role="alert" {
                    "การสำรองข้อมูลครั้งล่าสุดไม่สำเร็จ (last backup failed): " (why) " — "
                    a href="/admin/backups" { "ดูรายละเอียด" }
                }
            }
            @if let Some(version) = &bar.update_available {
                div.warning role="status" {
                    "มีโปรแกรมรุ่นใหม่ " (version) " (update available) — "
                    a href="/admin/update" { "ติดตั้ง" }
                }
            }
            @if let Some(n) = bar.webmasters {
                div.warning role="alert" {
                    (chrome.digits.apply(&format!("คำเตือน: มีผู้ดูแลเว็บไซต์ (Web Master) ที่ใช้งานอยู่ {n} คน แนวทางข้อ 4.1 กำหนดอย่างน้อย 2 คน เพื่อทำงานทดแทนกันได้")))
                }
            }
            (content)
        },
    )
}

fn role_labels(roles: Roles) -> String {
    roles.iter().map(Role::label_th).collect::<Vec<_>>().join(", ")
}

/// The login page.
pub fn login(chrome: &Chrome, username: &str, next: &str, token: &str, problem: Option<&str>) -> Markup {
    let problems: Vec<Problem> = problem.map(|p| Problem::new("", p)).into_iter().collect();
    page(
        chrome,
        "เข้าสู่ระบบ",
        &[Crumb::here("เข้าสู่ระบบ")],
        html! {
            section.form-card {
                h1 { "เข้าสู่ระบบเจ้าหน้าที่" }
                p.lead { "สำหรับเจ้าหน้าที่ของหน่วยงานเพื่อขอเผยแพร่ อนุมัติ และเผยแพร่ข้อมูล" }
                (forms::summary(&problems, chrome.digits))
                form method="post" action="/login" {
                    input type="hidden" name="csrf" value=(token);
                    input type="hidden" name="next" value=(next);
                    (field("username", "ชื่อผู้ใช้ (Username)", username, Input::Text, true, &[]))
                    (field("password", "รหัสผ่าน (Password)", "", Input::Password, true, &[]))
                    button type="submit" { "เข้าสู่ระบบ" }
                }
            }
        },
    )
}

/// The one-time page that creates the first admin.
pub fn setup(chrome: &Chrome, form: &super::admin::NewAccount, problems: &[Problem]) -> Markup {
    page(
        chrome,
        "ตั้งค่าผู้ดูแลระบบคนแรก",
        &[Crumb::here("ตั้งค่าผู้ดูแลระบบ")],
        html! {
            section.form-card {
                h1 { "สร้างบัญชีผู้ดูแลระบบคนแรก" }
                p.lead { "ลิงก์นี้ใช้ได้ครั้งเดียว บัญชีนี้จะเป็นผู้ดูแลระบบและผู้ดูแลเว็บไซต์ (Web Master)" }
                (forms::summary(problems, chrome.digits))
                form method="post" {
                    (field("username", "ชื่อผู้ใช้ (ภาษาอังกฤษ)", &form.username, Input::Text, true, problems))
                    (field("name", "ชื่อ-นามสกุล", &form.name, Input::Text, true, problems))
                    (field("position", "ตำแหน่ง", &form.position, Input::Text, false, problems))
                    (field("unit", "กลุ่มงาน", &form.unit, Input::Text, false, problems))
                    (field("email", "อีเมล", &form.email, Input::Email, false, problems))
                    (field("password", "รหัสผ่าน (อย่างน้อย 10 ตัวอักษร)", "", Input::Password, true, problems))
                    (field("password2", "ยืนยันรหัสผ่าน", "", Input::Password, true, problems))
                    button type="submit" { "สร้างบัญชี" }
                }
            }
        },
    )
}

/// One row of a request list.
fn request_rows(requests: &[Request], digits: Digits, scheduled: &[(i64, i64)]) -> Markup {
    html! {
        @if requests.is_empty() {
            p.empty { "ไม่มีรายการ" }
        } @else {
            table.list {
                thead { tr { th { "เลขที่" } th { "เรื่อง" } th { "สถานะ" } th { "ปรับปรุงล่าสุด" } } }
                tbody {
                    @for r in requests {
                        tr {
                            td { (digits.apply(&r.reference())) }
                            td { a href=(format!("/staff/requests/{}", r.id)) { (r.fields.topic) } }
                            td {
                                @match scheduled.iter().find(|(id, _)| *id == r.id) {
                                    Some((_, start)) => span.state.state-scheduled { "กำหนดเผยแพร่ " (text::date_of_unix(*start, digits)) },
                                    None => (state_badge(r)),
                                }
                            }
                            td { (text::date_of_unix(r.updated_at, digits)) }
                        }
                    }
                }
            }
        }
    }
}

/// The state of a request as a badge (with the pending verbal approval).
pub(crate) fn state_badge(r: &Request) -> Markup {
    let state = r.state;
    html! {
        span class=(format!("state state-{}", state.as_str())) { (state.label_th()) }
        @if r.verbal_pending { " " span.state.state-verbal { "อนุมัติด้วยวาจา — รอยืนยัน" } }
    }
}

/// What the dashboard shows; each list is only filled for the roles that see it.
#[derive(Debug, Default)]
pub struct Dashboard {
    /// The user's own requests.
    pub mine: Vec<Request>,
    /// Submitted requests waiting for an approver.
    pub to_approve: Vec<Request>,
    /// Published on a verbal approval, waiting for confirmation.
    pub verbal: Vec<Request>,
    /// Approved requests waiting for a web master.
    pub to_publish: Vec<Request>,
    /// Published items ending within 14 days (seed 4.2).
    pub ending: Vec<(ItemSummary, jiff::civil::Date)>,
    /// The inbox.
    pub inbox: Vec<Notification>,
    /// Published requests whose item starts later: (request id, start in Unix seconds).
    pub scheduled: Vec<(i64, i64)>,
}

/// The staff home page.
pub fn dashboard(chrome: &Chrome, bar: &Bar, d: &Dashboard) -> Markup {
    let digits = chrome.digits;
    let approver = bar.roles.contains(Role::Approver)
        || bar.roles.contains(Role::Director)
        || !d.to_approve.is_empty()
        || !d.verbal.is_empty();
    let webmaster = bar.roles.contains(Role::WebMaster);
    staff_page(
        chrome,
        bar,
        "หน้างานของฉัน",
        &[],
        html! {
            h1 { "งานเผยแพร่ข้อมูล" }
            p { a.button href="/staff/requests/new" { "+ ขอเผยแพร่ข้อมูลใหม่" } }
            @if approver {
                section.panel {
                    h2 { "รออนุมัติ (" (digits.apply(&d.to_approve.len().to_string())) ")" }
                    (request_rows(&d.to_approve, digits, &d.scheduled))
                    @if !d.verbal.is_empty() {
                        h3 { "เผยแพร่ตามการอนุมัติด้วยวาจา — รอยืนยันในระบบ" }
                        (request_rows(&d.verbal, digits, &d.scheduled))
                    }
                }
            }
            @if webmaster {
                section.panel {
                    h2 { "รอเผยแพร่ (" (digits.apply(&d.to_publish.len().to_string())) ")" }
                    (request_rows(&d.to_publish, digits, &d.scheduled))
                    h3 { (digits.apply("รายการที่จะสิ้นสุดการเผยแพร่ภายใน 14 วัน")) }
                    @if d.ending.is_empty() { p.empty { "ไม่มี" } }
                    ul {
                        @for (item, end) in &d.ending {
                            li { a href=(paths::item(item.id)) { (item.title) } " — สิ้นสุด " (text::date(*end, digits)) }
                        }
                    }
                }
            }
            section.panel {
                h2 { "คำขอของฉัน" }
                (request_rows(&d.mine, digits, &d.scheduled))
            }
            section.panel #inbox {
                h2 { "การแจ้งเตือน" }
                @if d.inbox.is_empty() { p.empty { "ไม่มีการแจ้งเตือน" } }
                ul.inbox {
                    @for n in &d.inbox {
                        li.unread[!n.read] {
                            (text::date_of_unix(n.at, digits)) " — "
                            @if n.link.is_empty() { (digits.apply(&n.text)) } @else { a href=(n.link) { (digits.apply(&n.text)) } }
                        }
                    }
                }
                @if d.inbox.iter().any(|n| !n.read) {
                    form method="post" action="/staff/inbox/read" {
                        (csrf(bar.csrf))
                        button.secondary type="submit" { "ทำเครื่องหมายว่าอ่านแล้วทั้งหมด" }
                    }
                }
            }
        },
    )
}

/// The request form: a new request, or an edit of a draft or rejected one (an amendment's
/// edit shows its note and summary too).
pub fn request_form(
    chrome: &Chrome,
    bar: &Bar,
    input: &RequestInput,
    existing: Option<&Request>,
    problems: &[Problem],
    max_mb: u64,
    preview: bool,
) -> Markup {
    let action = existing.map_or("/staff/requests".to_string(), |r| format!("/staff/requests/{}", r.id));
    let title = match existing {
        Some(r) => format!("แก้ไขคำขอ {}", chrome.digits.apply(&r.reference())),
        None => "แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์".to_string(),
    };
    let amendment = existing.and_then(|r| r.amendment.as_ref()).map(|a| AmendmentFields {
        legend: format!("คำขอแก้ไขข้อมูลที่เผยแพร่แล้ว ({})", paths::item(a.item_id)),
        note: &a.note,
        summary: &a.summary,
    });
    let setup = FormSetup {
        action,
        content_legend: "ข้อมูลที่ขอเผยแพร่",
        details_label: "รายละเอียดข้อมูล (โดยสรุป)",
        amendment,
        files: existing.map_or(&[], |r| r.files.as_slice()),
        files_intro: "ไฟล์ที่แนบไว้แล้ว (เลือกเพื่อลบออก):",
        removed: &[],
        submit: "ส่งขออนุมัติ",
    };
    staff_page(
        chrome,
        bar,
        &title,
        &[Crumb::here(title.clone())],
        html! {
            h1 { (title) }
            (forms::summary(problems, chrome.digits))
            @if preview { (super::amend::preview(&input.details)) }
            (request_form_element(chrome, bar, input, &setup, problems, max_mb))
        },
    )
}

/// The fields an amendment adds to the request form.
#[derive(Debug, Clone)]
pub struct AmendmentFields<'a> {
    /// The legend of their fieldset.
    pub legend: String,
    /// What changed and why.
    pub note: &'a str,
    /// The item's new summary.
    pub summary: &'a str,
}

/// What differs between the forms that share the request form's layout: a new request, an
/// edit, and an amendment of a published item.
#[derive(Debug, Clone)]
pub struct FormSetup<'a> {
    /// Where the form posts.
    pub action: String,
    /// Legend of the content fieldset.
    pub content_legend: &'a str,
    /// Label of the body field.
    pub details_label: &'a str,
    /// The amendment's note and summary, for an amendment.
    pub amendment: Option<AmendmentFields<'a>>,
    /// Files already there, each with a box to tick for removal.
    pub files: &'a [crate::store::items::Attachment],
    /// The sentence above them.
    pub files_intro: &'a str,
    /// Ids of the files ticked for removal.
    pub removed: &'a [i64],
    /// Label of the send button.
    pub submit: &'a str,
}

/// The request form itself (`<form>`), shared by the request form and the amendment form:
/// the same fields, in the same order, with the same help, preview button and file rules.
pub fn request_form_element(
    chrome: &Chrome,
    bar: &Bar,
    input: &RequestInput,
    setup: &FormSetup,
    problems: &[Problem],
    max_mb: u64,
) -> Markup {
    use crate::workflow::files::Kind;
    // The attachment rules' list, so the form never says other than what is checked.
    let shown: Vec<String> = Kind::ALL.iter().map(|k| format!(".{}", k.ext())).collect();
    let mut accept = shown.clone();
    accept.push(".jpeg".into());
    html! {
        form.request method="post" action=(setup.action) enctype="multipart/form-data" {
            (csrf(bar.csrf))
            @if let Some(a) = &setup.amendment {
                fieldset {
                    legend { (a.legend) }
                    (field("note", "แก้ไขอะไร และเพราะเหตุใด (แสดงในประวัติการปรับปรุงที่ประชาชนเห็น)", a.note, Input::Area, true, problems))
                }
            }
            fieldset {
                legend { (setup.content_legend) }
                (field("unit", "หน่วยงาน / กลุ่มงาน", &input.unit, Input::Text, true, problems))
                (field("request_date", "วัน/เดือน/ปี ที่ขอ", &input.request_date, Input::Date, true, problems))
                (field("topic", "หัวข้อ", &input.topic, Input::Text, true, problems))
                @if let Some(a) = &setup.amendment {
                    (field("summary", "สรุป (แสดงในรายการ)", a.summary, Input::Area, false, problems))
                }
                (field("details", setup.details_label, &input.details, Input::Area, true, problems))
                (super::amend::syntax_help())
                button.secondary type="submit" name="intent" value="preview" formnovalidate { "ดูตัวอย่างเนื้อหา" }
                (field("link", "ลิงก์ภายนอก (ถ้ามี)", &input.link, Input::Url, false, problems))
                (field("remarks", "หมายเหตุ", &input.remarks, Input::Text, false, problems))
                (category_select(&input.category, problems))
                div.pair {
                    (field("period_from", "ช่วงวันที่ของข้อมูล ตั้งแต่", &input.period_from, Input::Date, false, problems))
                    (field("period_to", "ถึง", &input.period_to, Input::Date, false, problems))
                }
                (field("end_date", "วันสิ้นสุดการเผยแพร่ที่ต้องการ", &input.end_date, Input::Date, false, problems))
                div.check {
                    input #f-no_end type="checkbox" name="no_end" value="on" checked[input.no_end];
                    label for="f-no_end" { "ไม่กำหนดวันสิ้นสุดการเผยแพร่" }
                }
            }
            fieldset {
                legend { "ผู้รับผิดชอบการให้ข้อมูล" }
                (field("requester_name", "ชื่อ-นามสกุล", &input.requester_name, Input::Text, true, problems))
                (field("requester_position", "ตำแหน่ง", &input.requester_position, Input::Text, true, problems))
                (field("requester_contact", "ข้อมูลติดต่อ (โทรศัพท์/อีเมล)", &input.requester_contact, Input::Text, true, problems))
            }
            fieldset {
                legend { "เอกสารแนบ" }
                @if !setup.files.is_empty() {
                    p { (setup.files_intro) }
                    ul.plain {
                        @for f in setup.files {
                            li {
                                input id=(format!("rm-{}", f.id)) type="checkbox" name="remove_file" value=(f.id) checked[setup.removed.contains(&f.id)];
                                label for=(format!("rm-{}", f.id)) { "นำออก: " (f.file_name) " (" (thai::file_size(f.size, chrome.digits)) ")" }
                            }
                        }
                    }
                }
                @let file_problem = problems.iter().find(|p| p.field == "files");
                div.field.invalid[file_problem.is_some()] {
                    label for="f-files" { "แนบไฟล์ (" (shown.join(" ")) " ไม่เกินไฟล์ละ " (max_mb) " MB สูงสุด " (crate::workflow::files::MAX_FILES) " ไฟล์)" }
                    @for p in problems.iter().filter(|p| p.field == "files") { p.error { (p.message) } }
                    input #f-files type="file" name="files" multiple accept=(accept.join(","));
                }
            }
            div.actions {
                button type="submit" name="intent" value="submit" { (setup.submit) }
                button.secondary type="submit" name="intent" value="draft" { "บันทึกฉบับร่าง" }
            }
        }
    }
}

pub(crate) fn category_select(selected: &str, problems: &[Problem]) -> Markup {
    let problem = problems.iter().find(|p| p.field == "category");
    html! {
        div.field.invalid[problem.is_some()] {
            label for="f-category" { "หมวดหมู่ที่เสนอ " span.req aria-hidden="true" { "*" } }
            @if let Some(p) = problem { p.error { (p.message) } }
            select #f-category name="category" required {
                option value="" { "— เลือกหมวดหมู่ —" }
                @for area in AREAS {
                    optgroup label=(format!("{} {}", area.code, area.name_th)) {
                        @for sub in area.subs {
                            @let key = Place { area, sub }.key();
                            option value=(key) selected[key == selected] { (sub.name_th) }
                        }
                    }
                }
            }
        }
    }
}

/// Everything shown on a request's page.
#[derive(Debug)]
pub struct RequestPage<'a> {
    /// The request.
    pub request: &'a Request,
    /// Its history from the audit trail, oldest first.
    pub history: &'a [Entry],
    /// What the viewer may do now.
    pub actions: &'a [ActionKind],
    /// Whether the viewer may edit it.
    pub editable: bool,
    /// The latest rejection reason, shown to the requester.
    pub rejection: Option<&'a str>,
    /// The item as actually published (or amended): its dates and state.
    pub item: Option<Published>,
    /// Where to open an amendment of its item, when the viewer may.
    pub amend: Option<String>,
    /// The amendment of its item already open or waiting for its date (one at a time), shown
    /// instead of the amendment button.
    pub amendment_under_way: Option<i64>,
}

/// The dates an item was actually published with, which may differ from those requested.
#[derive(Debug, Clone)]
pub struct Published {
    /// The item.
    pub item_id: i64,
    /// When it goes (or went) live, Unix seconds.
    pub start: i64,
    /// Its last day, if any.
    pub end: Option<jiff::civil::Date>,
    /// `published`, `withdrawn` or `expired`.
    pub state: String,
    /// Whether its start is still to come.
    pub scheduled: bool,
}

/// A request's page: its fields, files, state, history and the actions the viewer may take.
pub fn request_page(chrome: &Chrome, bar: &Bar, p: &RequestPage) -> Markup {
    let r = p.request;
    let digits = chrome.digits;
    let reference = digits.apply(&r.reference());
    let f = &r.fields;
    let place = Place::parse(&f.category);
    staff_page(
        chrome,
        bar,
        &f.topic,
        &[Crumb::here(format!("คำขอ {reference}"))],
        html! {
            h1 { (f.topic) }
            @let scheduled = p.item.as_ref().filter(|i| i.scheduled && r.state == State::Published);
            p {
                "เลขที่คำขอ " strong { (reference) } " · สถานะ "
                @if let Some(i) = scheduled {
                    span.state.state-scheduled { "กำหนดเผยแพร่ " (text::date_of_unix(i.start, digits)) }
                } @else { (state_badge(r)) }
            }
            @if let Some(a) = &r.amendment {
                div.notice {
                    p { strong { "คำขอแก้ไขข้อมูลที่เผยแพร่แล้ว" } " — ที่อยู่เดิม "
                        a href=(paths::item(a.item_id)) { (paths::item(a.item_id)) }
                        " · " a href=(super::amend::revisions_url(a.item_id)) { "ประวัติการปรับปรุง" }
                        @if matches!(r.state, State::Draft | State::Submitted | State::Approved | State::Rejected) {
                            " · " a href=(format!("/staff/requests/{}/diff", r.id)) { "เปรียบเทียบกับฉบับที่เผยแพร่อยู่" }
                        } }
                    p { strong { "สิ่งที่แก้ไขและเหตุผล: " } (a.note) }
                    @if !a.summary.is_empty() { p { strong { "สรุปฉบับแก้ไข: " } (a.summary) } }
                }
            }
            @if let (Some(reason), Some(State::Rejected)) = (p.rejection, Some(r.state)) {
                div.warning role="alert" { strong { "เหตุผลที่ไม่อนุมัติ: " } (reason) }
            }
            @if let Some(i) = &p.item {
                p {
                    a href=(paths::item(i.item_id)) {
                        @if i.scheduled { "หน้าที่จะเผยแพร่บนเว็บไซต์" } @else { "หน้าที่เผยแพร่บนเว็บไซต์" }
                    }
                    " · เผยแพร่จริงตั้งแต่ " (text::date_of_unix(i.start, digits))
                    " ถึง " @match i.end { Some(d) => (text::date(d, digits)), None => "ไม่กำหนด" }
                    @match i.state.as_str() { "withdrawn" => " (ถอนการเผยแพร่แล้ว)", "expired" => " (หมดระยะเวลาเผยแพร่แล้ว)", _ => "" }
                    @if r.amendment.is_none() { " · " a href=(super::amend::revisions_url(i.item_id)) { "ประวัติการปรับปรุง" } }
                }
            }
            dl.meta {
                dt { "หน่วยงาน" } dd { (f.unit) }
                dt { "วันที่ขอ" } dd { (text::date(f.request_date, digits)) }
                dt { "หมวดหมู่ที่เสนอ" } dd { @if let Some(pl) = place { (pl.area.name_th) " › " (pl.sub.name_th) } }
                dt { "ช่วงวันที่ของข้อมูล" } dd { (period(f.period_from, f.period_to, digits)) }
                dt { "สิ้นสุดการเผยแพร่" } dd { @match f.end { Some(d) => (text::date(d, digits)), None => "ไม่กำหนด" } }
                dt { "ผู้รับผิดชอบข้อมูล" } dd { (f.requester_name) " · " (f.requester_position) " · " (f.requester_contact) }
                @if let Some(link) = &f.link { dt { "ลิงก์ภายนอก" } dd { a href=(link) rel="noopener" { (link) } } }
                @if let Some(remarks) = &f.remarks { dt { "หมายเหตุ" } dd { (remarks) } }
                @if let (Some(by), Some(on)) = (&r.verbal_by, r.verbal_on) {
                    dt { "อนุมัติด้วยวาจาโดย" } dd { (by) " เมื่อ " (text::date(on, digits)) @if r.verbal_pending { " (รอยืนยันในระบบ)" } }
                }
            }
            div.body { (super::rich::render(&f.details)) }
            @if !r.files.is_empty() {
                h2 { "เอกสารแนบ" }
                ul {
                    @for file in &r.files {
                        li {
                            a href=(format!("/staff/files/{}/{}", file.id, paths::percent_encode_segment(&file.file_name))) { (file.file_name) }
                            " — " (text::kind_label(&file.kind)) ", " (thai::file_size(file.size, digits))
                        }
                    }
                }
            }
            p.actions-row {
                a.button.secondary href=(format!("/staff/requests/{}/print", r.id)) { "พิมพ์แบบฟอร์ม" }
                @if p.editable { " " a.button.secondary href=(format!("/staff/requests/{}/edit", r.id)) { "แก้ไขคำขอ" } }
                @if let Some(url) = &p.amend { " " a.button href=(url) { "ขอแก้ไขข้อมูลที่เผยแพร่" } }
            }
            @if let Some(open) = p.amendment_under_way {
                p.notice.amendment-open {
                    "ข้อมูลนี้มีคำขอแก้ไขที่ยังดำเนินการอยู่หรือรอเผยแพร่ (แก้ไขได้ครั้งละหนึ่งคำขอ): "
                    a href=(paths::staff_request(open)) { "เปิดคำขอแก้ไขที่ค้างอยู่" }
                }
            }
            (action_forms(r, p.actions, bar.csrf))
            h2 { "ประวัติการดำเนินการ" }
            ol.history {
                @for e in p.history {
                    li {
                        (thai::datetime_short(jiff::Timestamp::from_second(e.at).unwrap_or_default(), digits))
                        " — " (e.action.label_th())
                        " โดย " (e.user_name.as_deref().unwrap_or("ระบบ"))
                        @if !e.detail.is_empty() { ": " (super::admin::object_label_in(&e.detail, digits)) }
                    }
                }
            }
        },
    )
}

fn period(from: Option<jiff::civil::Date>, to: Option<jiff::civil::Date>, digits: Digits) -> Markup {
    html! {
        @match (from, to) {
            (Some(f), Some(t)) => { (text::date(f, digits)) " – " (text::date(t, digits)) },
            (Some(f), None) => { "ตั้งแต่ " (text::date(f, digits)) },
            (None, Some(t)) => { "ถึง " (text::date(t, digits)) },
            (None, None) => "ไม่ระบุ",
        }
    }
}

fn action_forms(r: &Request, actions: &[ActionKind], token: &str) -> Markup {
    let url = |a: &str| format!("/staff/requests/{}/{a}", r.id);
    html! {
        @for kind in actions {
            @match kind {
                ActionKind::Submit => form.action method="post" action=(url("submit")) {
                    (csrf(token)) button type="submit" { (kind.label_th()) }
                },
                ActionKind::Approve => form.action method="post" action=(url("approve")) {
                    (csrf(token)) button type="submit" { (kind.label_th()) }
                },
                ActionKind::Reject => form.action method="post" action=(url("reject")) {
                    (csrf(token))
                    label for="reason" { "เหตุผลที่ไม่อนุมัติ (ผู้ขอจะเห็นข้อความนี้)" }
                    textarea #reason name="reason" rows="2" required placeholder="เช่น ไม่ตรงกับภารกิจของหน่วยงาน หรือ รูปแบบไฟล์ไม่ถูกต้อง" {}
                    button.danger type="submit" { (kind.label_th()) }
                },
                ActionKind::Publish => form.action method="get" action=(url("publish")) {
                    button type="submit" { "ตรวจสอบและเผยแพร่…" }
                },
                ActionKind::PublishOnVerbalApproval => form.action method="get" action=(url("publish")) {
                    input type="hidden" name="verbal" value="1";
                    button.secondary type="submit" { (kind.label_th()) "…" }
                },
                ActionKind::ConfirmVerbalApproval => form.action method="post" action=(url("confirm")) {
                    (csrf(token)) button type="submit" { (kind.label_th()) }
                },
                ActionKind::Withdraw => form.action method="post" action=(url("withdraw")) {
                    (csrf(token))
                    label for="wreason" { "เหตุผลที่ถอนการเผยแพร่" }
                    input #wreason type="text" name="reason" required;
                    button.danger type="submit" { (kind.label_th()) }
                },
                ActionKind::Expire | ActionKind::CancelPending => {},
            }
        }
    }
}

/// Whether a file kind is shown as an image on the item page (and so needs a text
/// alternative).
pub fn is_image(kind: &str) -> bool {
    kind == "jpeg" || crate::workflow::files::Kind::parse(kind).is_some_and(|k| k.is_image())
}

/// The publish form.
pub fn publish_form(
    chrome: &Chrome,
    bar: &Bar,
    r: &Request,
    input: &PublishInput,
    choices: &super::compliance::TagChoices,
    problems: &[Problem],
) -> Markup {
    let verbal = input.verbal == "1";
    let fy_now = thai::fiscal_year(thai::today());
    let title = format!("เผยแพร่คำขอ {}", chrome.digits.apply(&r.reference()));
    staff_page(
        chrome,
        bar,
        &title,
        &[
            Crumb::link(format!("คำขอ {}", r.reference()), format!("/staff/requests/{}", r.id)),
            Crumb::here("เผยแพร่"),
        ],
        html! {
            h1 { (title) }
            p.lead { "ตรวจสอบหมวดหมู่และข้อมูลกำกับ (metadata) ก่อนเผยแพร่ ประเภทและขนาดไฟล์จะแสดงตามไฟล์จริง" }
            details.panel open {
                summary { "เนื้อหาและไฟล์ที่จะเผยแพร่" }
                div.body { (super::rich::render(&r.fields.details)) }
                @if r.files.is_empty() {
                    p.empty { "ไม่มีไฟล์แนบ" }
                } @else {
                    ul {
                        @for file in &r.files {
                            li { (file.file_name) " — " (text::kind_label(&file.kind)) ", " (thai::file_size(file.size, chrome.digits)) }
                        }
                    }
                }
            }
            (forms::summary(problems, chrome.digits))
            form.request method="post" action=(format!("/staff/requests/{}/publish", r.id)) {
                (csrf(bar.csrf))
                input type="hidden" name="verbal" value=(input.verbal);
                @if verbal {
                    fieldset {
                        legend { (chrome.digits.apply("การอนุมัติด้วยวาจา (กรณีเร่งด่วน ข้อ 3.2.1)")) }
                        (field("verbal_by", "ผู้อนุมัติด้วยวาจา", &input.verbal_by, Input::Text, true, problems))
                        (field("verbal_on", "วันที่อนุมัติด้วยวาจา", &input.verbal_on, Input::Date, true, problems))
                    }
                }
                (category_select(&input.category, problems))
                (field("title", "ชื่อเรื่องที่เผยแพร่", &input.title, Input::Text, true, problems))
                (field("summary", "สรุป", &input.summary, Input::Area, false, problems))
                (field("source", "แหล่งที่มา / เจ้าของข้อมูล", &input.source, Input::Text, true, problems))
                div.pair {
                    (field("period_from", "ช่วงวันที่ของข้อมูล ตั้งแต่", &input.period_from, Input::Date, false, problems))
                    (field("period_to", "ถึง (เว้นว่างได้ถ้ายังมีผลอยู่)", &input.period_to, Input::Date, false, problems))
                    div.field.check {
                        input #f-timeless type="checkbox" name="timeless" value="1" checked[input.timeless == "1"]
                            aria-describedby="timeless-help";
                        label for="f-timeless" { "ไม่จำกัดช่วงเวลา (ข้อมูลไม่ผูกกับช่วงเวลา เช่น กฎหมาย คู่มือ)" }
                        p.help #timeless-help { "ต้องระบุช่วงวันที่ของข้อมูล หรือเลือกข้อนี้ ระบบจะแสดงต่อสาธารณะว่าไม่จำกัดช่วงเวลา" }
                        @if let Some(p) = problems.iter().find(|p| p.field == "timeless") {
                            p.error { (p.message) }
                        }
                    }
                }
                (field("publish_on", "วันที่เผยแพร่ (วันนี้ หรือกำหนดล่วงหน้า)", &input.publish_on, Input::Date, true, problems))
                (field("end_date", "วันสิ้นสุดการเผยแพร่ (เว้นว่าง = ไม่กำหนด)", &input.end_date, Input::Date, false, problems))
                (super::compliance::tag_fieldset(choices, &input.tags, &input.tag_year, &input.tag_period, problems, fy_now, chrome.digits))
                @let images: Vec<_> = r.files.iter().filter(|f| is_image(&f.kind)).collect();
                @if !images.is_empty() {
                    fieldset {
                        legend { "คำอธิบายภาพสำหรับผู้พิการทางการเห็น (alt text)" }
                        @for (i, file) in images.iter().enumerate() {
                            @let name = format!("alt-{i}");
                            @let id = format!("f-{name}");
                            @let err = format!("{id}-err");
                            @let problem = problems.iter().find(|p| p.field == name);
                            div.field.invalid[problem.is_some()] {
                                label for=(id) { "คำอธิบายภาพ " (file.file_name) " " span.req aria-hidden="true" { "*" } }
                                @if let Some(p) = problem { p.error id=(err) { (p.message) } }
                                input id=(id) name="alt" type="text" maxlength="250" required
                                    value=(input.alt.get(i).map_or("", String::as_str))
                                    aria-invalid=[problem.map(|_| "true")] aria-describedby=[problem.map(|_| &err)];
                            }
                        }
                    }
                }
                div.actions { button type="submit" { "เผยแพร่" } }
            }
        },
    )
}

/// The official A4 request form (แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์), with the three
/// signature blocks filled from the trail.
pub fn print_form(
    office: &crate::config::Office,
    digits: Digits,
    r: &Request,
    signatures: &[Signature; 3],
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="th" {
            head {
                meta charset="utf-8";
                title { "แบบฟอร์มการขอเผยแพร่ข้อมูล " (r.reference()) }
                link rel="stylesheet" href=(paths::asset("style.css"));
                link rel="stylesheet" href=(paths::asset("print-form.css"));
            }
            body.a4 { (print_sheet(office, digits, r, signatures)) }
        }
    }
}

/// One request's form as one A4 sheet, for [`print_form`] and for printing many at once.
pub fn print_sheet(
    office: &crate::config::Office,
    digits: Digits,
    r: &Request,
    signatures: &[Signature; 3],
) -> Markup {
    let f = &r.fields;
    html! {
        main.sheet {
            p.ref { "เลขที่ " (digits.apply(&r.reference())) }
            img.emblem src=(paths::logo(office)) alt="" width="64" height="64";
            h1 { "แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์ของ" (office.name_th) }
            @if let Some(a) = &r.amendment {
                p.amendment { strong { "☑ ขอแก้ไขข้อมูลที่เผยแพร่แล้ว" } " ที่อยู่เดิม " (paths::item(a.item_id)) " (ที่อยู่ไม่เปลี่ยน)" }
            }
            table.form {
                @if let Some(a) = &r.amendment {
                    tr { th { "สิ่งที่ขอแก้ไขและเหตุผล" } td { (a.note) } }
                }
                tr { th { "ชื่อหน่วยงาน" } td { (office.name_th) " " (digits.apply(&office.address)) } }
                tr { th { "กลุ่มงานที่ขอเผยแพร่" } td { (f.unit) } }
                tr { th { "ผู้ขอเผยแพร่และการติดต่อ" } td {
                    (f.requester_name) " " (f.requester_position) " โทรศัพท์/อีเมล " (f.requester_contact)
                } }
                tr { th { "วัน/เดือน/ปี" } td { (thai::date_long(f.request_date, digits)) } }
                tr { th { "หัวข้อ" } td { (f.topic) } }
                tr { th { "รายละเอียดข้อมูล (โดยสรุปหรือเอกสารแนบ)" } td { (super::rich::render(&f.details))
                    @if !r.files.is_empty() {
                        p { "เอกสารแนบ: " @for (i, file) in r.files.iter().enumerate() { @if i > 0 { ", " } (file.file_name) } }
                    }
                } }
                tr { th { "Link ภายนอก" } td { (f.link.as_deref().unwrap_or("-")) } }
                tr { th { "หมายเหตุ" } td { (f.remarks.as_deref().unwrap_or("-")) } }
            }
            div.signatures {
                @for s in signatures {
                    div.sign {
                        p.role { (s.role) }
                        p.line { "ลงชื่อ ....................................." }
                        p { "(" (s.name.as_deref().unwrap_or("......................................................")) ")" }
                        p { "ตำแหน่ง " (s.position.as_deref().unwrap_or("..............................")) }
                        p { "วันที่ " (s.date.map_or("........../........../..........".to_string(), |d| thai::date_long(d, digits))) }
                    }
                }
            }
        }
    }
}

/// A signature block of the printed form.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    /// Which block: requester, approver, web master.
    pub role: &'static str,
    /// Name, once someone acted.
    pub name: Option<String>,
    /// Position.
    pub position: Option<String>,
    /// Date of the act.
    pub date: Option<jiff::civil::Date>,
}
