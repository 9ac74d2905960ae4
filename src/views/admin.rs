//! Administration pages: accounts and the audit trail.

use maud::{Markup, html};

use super::forms::{self, Input, Problem, csrf, field};
use super::staff::{Bar, staff_page};
use super::{Chrome, Crumb};
use crate::store::audit::Entry;
use crate::store::users::User;
use crate::thai;
use crate::workflow::state::Role;

/// The new-account form's data.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewAccount {
    /// Login name.
    #[serde(default)]
    pub username: String,
    /// Thai display name.
    #[serde(default)]
    pub name: String,
    /// Position.
    #[serde(default)]
    pub position: String,
    /// Unit: a unit's id, chosen from the list; empty for none.
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
    /// Password.
    #[serde(default)]
    pub password: String,
    /// Password again.
    #[serde(default)]
    pub password2: String,
    /// CSRF token.
    #[serde(default)]
    pub csrf: String,
}

/// Accounts (with the ids of those using two-step login) and the form to add one.
pub fn users(
    chrome: &Chrome,
    bar: &Bar,
    all: &[User],
    totp_on: &[i64],
    units: &[crate::store::units::Unit],
    form: &NewAccount,
    problems: &[Problem],
) -> Markup {
    staff_page(
        chrome,
        bar,
        "ผู้ใช้งาน",
        &[Crumb::here("ผู้ใช้งาน")],
        html! {
            h1 { "ผู้ใช้งานและสิทธิ์" }
            (forms::summary(&problems.iter().filter(|p| p.field.starts_with("password-")).cloned().collect::<Vec<_>>(), chrome.digits))
            table.list {
                thead { tr { th { "ชื่อผู้ใช้" } th { "ชื่อ-นามสกุล" } th { "ตำแหน่ง / กลุ่มงาน" } th { "บทบาท" } th { "สถานะ" } th { "ยืนยันตัวตนสองขั้นตอน" } th { "ตั้งรหัสผ่านใหม่" } th { "แก้ไข" } } }
                tbody {
                    @for u in all {
                        tr {
                            td { (u.username) }
                            td { (u.name) }
                            td { (u.position) " / " (u.unit) }
                            td { (u.roles.iter().map(Role::label_th).collect::<Vec<_>>().join(", ")) }
                            td {
                                form.inline method="post" action=(format!("/admin/users/{}/active", u.id)) {
                                    (csrf(bar.csrf))
                                    @if u.active {
                                        "ใช้งาน "
                                        input type="hidden" name="active" value="0";
                                        button.link type="submit" { "ระงับ" }
                                    } @else {
                                        "ระงับแล้ว "
                                        input type="hidden" name="active" value="1";
                                        button.link type="submit" { "เปิดใช้งาน" }
                                    }
                                }
                            }
                            td {
                                @if totp_on.contains(&u.id) {
                                    form.inline method="post" action=(format!("/admin/users/{}/totp", u.id)) {
                                        (csrf(bar.csrf))
                                        "เปิดใช้ "
                                        button.link type="submit" aria-label=(format!("รีเซ็ตการยืนยันตัวตนสองขั้นตอนของ {}", u.username)) { "รีเซ็ต" }
                                    }
                                } @else {
                                    "ไม่ได้เปิด"
                                }
                            }
                            td {
                                form.reset method="post" action=(format!("/admin/users/{}/password", u.id)) {
                                    (csrf(bar.csrf))
                                    label.visually-hidden for=(format!("pw-{}", u.id)) { "รหัสผ่านใหม่ของ " (u.username) }
                                    input id=(format!("pw-{}", u.id)) type="password" name="password" placeholder="รหัสผ่านใหม่" autocomplete="new-password";
                                    label.visually-hidden for=(format!("pw2-{}", u.id)) { "ยืนยันรหัสผ่านใหม่" }
                                    input id=(format!("pw2-{}", u.id)) type="password" name="password2" placeholder="ยืนยัน" autocomplete="new-password";
                                    button.secondary type="submit" { "ตั้งรหัส" }
                                }
                            }
                            td { a href=(format!("/admin/users/{}", u.id)) aria-label=(format!("แก้ไขบัญชี {}", u.username)) { "แก้ไข" } }
                        }
                    }
                }
            }
            section.panel {
                h2 #add { "เพิ่มผู้ใช้" }
                (forms::summary(&problems.iter().filter(|p| !p.field.starts_with("password-")).cloned().collect::<Vec<_>>(), chrome.digits))
                form.request method="post" action="/admin/users" {
                    (csrf(bar.csrf))
                    (field("username", "ชื่อผู้ใช้ (ภาษาอังกฤษ)", &form.username, Input::Text, true, problems))
                    (field("name", "ชื่อ-นามสกุล", &form.name, Input::Text, true, problems))
                    (field("position", "ตำแหน่ง", &form.position, Input::Text, false, problems))
                    (super::people::unit_select(units, &form.unit, problems))
                    (field("phone", "โทรศัพท์", &form.phone, Input::Text, false, problems))
                    (field("email", "อีเมล", &form.email, Input::Email, false, problems))
                    fieldset {
                        legend { "บทบาท" }
                        @for role in Role::ALL {
                            div.check {
                                input id=(format!("role-{}", role.as_str())) type="checkbox" name="roles" value=(role.as_str())
                                    checked[form.roles.iter().any(|r| r == role.as_str())];
                                label for=(format!("role-{}", role.as_str())) { (role.label_th()) }
                            }
                        }
                        @for p in problems.iter().filter(|p| p.field == "roles") { p.error { (p.message) } }
                    }
                    (field("password", "รหัสผ่าน (อย่างน้อย 10 ตัวอักษร)", "", Input::Password, true, problems))
                    (field("password2", "ยืนยันรหัสผ่าน", "", Input::Password, true, problems))
                    button type="submit" { "เพิ่มผู้ใช้" }
                }
            }
        },
    )
}

/// The audit trail, newest first, with a filter and the CSV export.
pub fn audit(chrome: &Chrome, bar: &Bar, entries: &[Entry], action: &str) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        "บันทึกการใช้งาน",
        &[Crumb::here("บันทึกการใช้งาน")],
        html! {
            h1 { "บันทึกการใช้งาน (Audit trail)" }
            p.lead { "บันทึกทุกการเข้าสู่ระบบ การดำเนินการกับคำขอ และการเปลี่ยนแปลงผู้ใช้ แก้ไขหรือลบไม่ได้" }
            form.inline-filter method="get" action="/admin/audit" {
                label for="action" { "ประเภท " }
                select #action name="action" {
                    @for (value, label) in [("", "ทั้งหมด"), ("login", "การเข้าสู่ระบบ"), ("request.", "คำขอเผยแพร่"), ("user.", "ผู้ใช้งาน"), ("item.", "รายการเผยแพร่")] {
                        option value=(value) selected[value == action] { (label) }
                    }
                }
                " " button.secondary type="submit" { "กรอง" }
                " " a href=(format!("/admin/audit.csv?action={}", crate::paths::percent_encode_segment(action))) { "ดาวน์โหลด CSV" }
            }
            table.list {
                thead { tr { th { "เวลา" } th { "ผู้ใช้" } th { "ที่อยู่" } th { "การกระทำ" } th { "รายการ" } th { "รายละเอียด" } } }
                tbody {
                    @for e in entries {
                        tr {
                            td { (thai::datetime_short(jiff::Timestamp::from_second(e.at).unwrap_or_default(), digits)) }
                            td { (e.user_name.as_deref().unwrap_or("-")) }
                            td { (e.address) }
                            td { (e.action.label_th()) }
                            td { (object_label(&e.object, digits)) }
                            td { (object_label_in(&e.detail, digits)) }
                        }
                    }
                }
            }
        },
    )
}

/// What the system page shows about the traffic logs.
#[derive(Debug, Clone)]
pub struct LogsInfo {
    /// Days kept.
    pub days: u64,
    /// Bytes on disk.
    pub bytes: u64,
    /// Days kept by the retention setting.
    pub retention_days: u32,
    /// The latest verification: when (Unix seconds) and its summary.
    pub last_verification: Option<(i64, String)>,
}

/// The system page: HTTPS certificate state and traffic logs (more appliance duties join it
/// later).
pub fn system(
    chrome: &Chrome,
    bar: &Bar,
    tls: Option<&crate::appliance::tls::Status>,
    logs: &LogsInfo,
) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        "ระบบ",
        &[Crumb::here("ระบบ")],
        html! {
            h1 { "สถานะระบบ" }
            section.panel {
                h2 { "HTTPS และใบรับรอง (certificate)" }
                @match tls {
                    None => p { "ยังไม่ได้เปิด HTTPS — สั่ง " code { "prakat serve --https 0.0.0.0:443" } " (ดู README)" },
                    Some(s) => dl.meta {
                        dt { "แหล่งที่มาของใบรับรอง" } dd { (s.source) }
                        dt { "ชื่อและที่อยู่ที่ครอบคลุม" } dd { (s.names.join(", ")) }
                        dt { "หมดอายุ" } dd {
                            @if let Ok(ts) = jiff::Timestamp::from_second(s.not_after) { (thai::datetime_short(ts, digits)) }
                        }
                        dt { "เบราว์เซอร์เชื่อถือโดยอัตโนมัติ" } dd { @if s.publicly_trusted { "ใช่ (เปิด HSTS แล้ว)" } @else { "ไม่ — ต้องติดตั้งใบรับรองในเครื่องของสำนักงาน" } }
                        dt { "ลายนิ้วมือ SHA-256" } dd { code.fingerprint { (s.fingerprint) } }
                        @if let Some(e) = &s.last_error {
                            dt { "ปัญหาล่าสุดในการต่ออายุ" } dd.error { (e) }
                        }
                    },
                }
                @if tls.is_some_and(|s| !s.publicly_trusted) {
                    (self_signed_help())
                }
            }
            section.panel {
                h2 { "บันทึกข้อมูลจราจรทางคอมพิวเตอร์ (traffic logs)" }
                dl.meta {
                    dt { "จำนวนวันที่เก็บ" } dd { (digits.apply(&logs.days.to_string())) " วัน (กำหนดเก็บ " (digits.apply(&logs.retention_days.to_string())) " วัน)" }
                    dt { "ขนาด" } dd { (thai::file_size(logs.bytes, digits)) }
                    dt { "ตรวจสอบล่าสุด" } dd {
                        @match &logs.last_verification {
                            Some((at, summary)) => {
                                @if let Ok(ts) = jiff::Timestamp::from_second(*at) { (thai::datetime_short(ts, digits)) }
                                " — " (summary)
                            },
                            None => { "ยังไม่เคยตรวจ — สั่ง " code { "prakat logs verify" } },
                        }
                    }
                }
            }
        },
    )
}

fn self_signed_help() -> Markup {
    html! {
                {
                    p {
                        "เครื่องในสำนักงานจะเชื่อถือใบรับรองนี้ได้เมื่อติดตั้ง "
                        a href="/admin/system/self-signed.crt" { "ใบรับรอง (self-signed.crt)" }
                        " เป็น Trusted Root Certification Authority และตรวจว่าลายนิ้วมือตรงกับที่แสดงข้างบน"
                    }
                }
    }
}

/// How long ago a Unix time was, in Thai: `เมื่อ 5 นาทีที่แล้ว`, `เมื่อ 3 ชั่วโมงที่แล้ว`, `เมื่อ 2 วันที่แล้ว`.
fn age(at: i64, digits: thai::Digits) -> String {
    let secs = (jiff::Timestamp::now().as_second() - at).max(0);
    let text = match secs {
        0..3600 => format!("เมื่อ {} นาทีที่แล้ว", secs / 60),
        3600..86_400 => format!("เมื่อ {} ชั่วโมงที่แล้ว", secs / 3600),
        _ => format!("เมื่อ {} วันที่แล้ว", secs / 86_400),
    };
    digits.apply(&text)
}

/// The backups page: the last run, the backups kept, and a button to make one now.
pub fn backups(
    chrome: &Chrome,
    bar: &Bar,
    last: Option<&crate::store::backups::Run>,
    kept: &[(String, u64, Option<i64>)],
    settings: &crate::config::Backups,
) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        "สำรองข้อมูล",
        &[Crumb::here("สำรองข้อมูล")],
        html! {
            h1 { "สำรองข้อมูล (backups)" }
            p.lead {
                @if settings.daily_at.trim().is_empty() { "ไม่ได้ตั้งเวลาสำรองอัตโนมัติ" }
                @else { "สำรองอัตโนมัติทุกวันเวลา " (digits.apply(&settings.daily_at)) " น. เก็บไว้ " (digits.apply(&settings.keep.to_string())) " ชุด" }
                @if !settings.second_dir.is_empty() { " และคัดลอกไปที่ " code { (settings.second_dir) } }
            }
            section.panel {
                h2 { "ผลครั้งล่าสุด" }
                @match last {
                    None => p { "ยังไม่เคยสำรองข้อมูล" },
                    Some(run) => p {
                        @if let Ok(ts) = jiff::Timestamp::from_second(run.at) { (thai::datetime_short(ts, digits)) " — " }
                        @if run.ok { "สำเร็จ " code { (run.path) } } @else { strong { "ไม่สำเร็จ: " } (run.message) }
                    },
                }
                form method="post" action="/admin/backups" {
                    (csrf(bar.csrf))
                    button type="submit" { "สำรองข้อมูลเดี๋ยวนี้" }
                }
            }
            section.panel {
                h2 { "ไฟล์สำรองที่เก็บไว้" }
                @if kept.is_empty() { p.empty { "ไม่มี" } }
                ul {
                    @for (name, size, made) in kept {
                        li {
                            a href=(format!("/admin/backups/{name}")) { (name) } " — " (thai::file_size(*size, digits))
                            @if let Some(made) = made { " — " (age(*made, digits)) }
                        }
                    }
                }
                p { "กู้คืนด้วยคำสั่ง " code { "prakat restore ไฟล์สำรอง.zip" } " (หยุดเซิร์ฟเวอร์ก่อน ข้อมูลเดิมจะถูกย้ายเก็บไว้ ไม่ถูกลบ)" }
            }
        },
    )
}

/// What an audit line is about, in Thai, linked where there is a page: `request/5` becomes
/// "คำขอ 5" linking to the request, `user/2` "ผู้ใช้ 2" linking to the account. Keys this does
/// not know stay as they are.
pub fn object_label(object: &str, digits: crate::thai::Digits) -> Markup {
    let (kind, id) = object.split_once('/').unwrap_or((object, ""));
    let name = match kind {
        "request" => "คำขอเผยแพร่",
        "item" => "รายการเผยแพร่",
        "user" => "ผู้ใช้",
        "unit" => "กลุ่มงาน",
        "case" => "เรื่องจากประชาชน",
        "delegation" => "การมอบหมายปฏิบัติราชการแทน",
        "import" => "การนำเข้าข้อมูล",
        "synonym" => "คำพ้องความหมาย",
        "complaint-stats" => "สถิติเรื่องร้องเรียน",
        "log" => "บันทึกการเข้าใช้",
        "backup" => "ข้อมูลสำรอง",
        "binary" => "โปรแกรม",
        "retention" => "ระยะเวลาเก็บข้อมูล",
        "settings" => "การตั้งค่า",
        "throttled" => "การจำกัดความถี่",
        _ => return html! { (object) },
    };
    let link = match kind {
        _ if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) => None,
        "request" => Some(crate::paths::staff_request(id.parse().unwrap_or_default())),
        "item" => Some(format!("/items/{id}")),
        "user" => Some(format!("/admin/users/{id}")),
        _ => None,
    };
    let text = if id.is_empty() { name.to_string() } else { format!("{name} {}", digits.apply(id)) };
    html! {
        @match link {
            Some(href) => a href=(href) { (text) },
            None => (text),
        }
    }
}

/// An audit line's detail: an object key alone (`request/5`, as a superseded request records)
/// reads as [`object_label`]; any other text is shown with the office's digits.
pub fn object_label_in(detail: &str, digits: crate::thai::Digits) -> Markup {
    match detail.split_once('/') {
        Some((kind, id))
            if !kind.is_empty()
                && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                && !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit()) =>
        {
            object_label(detail, digits)
        }
        _ => html! { (digits.apply(detail)) },
    }
}
