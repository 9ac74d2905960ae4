//! Two-step login pages: the code step of logging in, enrolment with the QR code, the recovery
//! codes (shown once), and an account's two-step login settings.

use maud::{Markup, PreEscaped, html};

use super::forms::{self, Problem, csrf};
use super::layout::page;
use super::staff::{Bar, staff_page};
use super::{Chrome, Crumb, text};
use crate::store::totp::Status;

/// The one field of every code form. `id` tells the forms of a page apart (the problem's field
/// is `id`); the field's name is always `code`.
fn code_field(id: &str, label: &str, numeric: bool, problems: &[Problem]) -> Markup {
    let input_id = format!("f-{id}");
    let err_id = format!("{input_id}-err");
    let problem = problems.iter().find(|p| p.field == id).map(|p| p.message.as_str());
    html! {
        div.field.invalid[problem.is_some()] {
            label for=(input_id) { (label) " " span.req aria-hidden="true" { "*" } }
            @if let Some(msg) = problem { p.error id=(err_id) { (msg) } }
            input.code id=(input_id) name="code" type="text" autocomplete="one-time-code" maxlength="24"
                inputmode=(if numeric { "numeric" } else { "text" }) required
                aria-invalid=[problem.map(|_| "true")] aria-describedby=[problem.map(|_| &err_id)];
        }
    }
}

/// The second step of logging in: the code from the app, or a recovery code.
pub fn login_code(chrome: &Chrome, token: &str, problems: &[Problem]) -> Markup {
    page(
        chrome,
        "ยืนยันตัวตนขั้นที่สอง",
        &[Crumb::link("เข้าสู่ระบบ", "/login"), Crumb::here("ยืนยันตัวตนขั้นที่สอง")],
        html! {
            section.form-card {
                h1 { "ยืนยันตัวตนขั้นที่สอง" }
                p.lead lang="en" { "Two-step login" }
                p { "เปิดแอปยืนยันตัวตนในโทรศัพท์ แล้วกรอกรหัส 6 หลักที่แสดงอยู่ หากไม่มีโทรศัพท์อยู่กับตัว ใช้รหัสสำรองที่พิมพ์เก็บไว้ได้ (รหัสละครั้ง)" }
                p lang="en" { "Type the 6-digit code your authenticator app shows, or one of your printed recovery codes." }
                (forms::summary(problems, chrome.digits))
                form method="post" action="/login/totp" {
                    input type="hidden" name="csrf" value=(token);
                    (code_field("code", "รหัสยืนยัน 6 หลัก หรือรหัสสำรอง (code)", false, problems))
                    button type="submit" { "ยืนยัน (Verify)" }
                }
                p { a href="/login" { "เริ่มเข้าสู่ระบบใหม่ (start again)" } }
            }
        },
    )
}

/// What the enrolment page shows.
#[derive(Debug, Clone)]
pub struct Enrolment<'a> {
    /// The secret, base32.
    pub secret: &'a str,
    /// The QR code of the `otpauth://` address, as an `<svg>` element (empty if it could not
    /// be made; the secret can still be typed).
    pub qr_svg: &'a str,
    /// The office's name, as the app will show it.
    pub issuer: &'a str,
    /// The account's user name.
    pub account: &'a str,
    /// Whether the account's roles require two-step login.
    pub required: bool,
}

/// `ABCD EFGH IJKL …`: the secret in groups of four, easier to type.
fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// Enrolment: the QR code and the secret, and the form that confirms with a first code.
pub fn enrol(chrome: &Chrome, bar: &Bar, e: &Enrolment, problems: &[Problem]) -> Markup {
    staff_page(
        chrome,
        bar,
        "ตั้งค่าการยืนยันตัวตนสองขั้นตอน",
        &[Crumb::here("การยืนยันตัวตนสองขั้นตอน")],
        html! {
            h1 { "ตั้งค่าการยืนยันตัวตนสองขั้นตอน" }
            p.lead lang="en" { "Set up two-step login (TOTP)" }
            @if e.required {
                div.warning role="alert" {
                    "บทบาทของท่านต้องใช้การยืนยันตัวตนสองขั้นตอน กรุณาตั้งค่าให้เสร็จก่อนใช้งานหน้าอื่น"
                    br; span lang="en" { "Your role requires two-step login: please finish this before using other pages." }
                }
            } @else {
                p { "ไม่บังคับสำหรับบทบาทของท่าน แต่ช่วยป้องกันบัญชีเมื่อรหัสผ่านรั่วไหล (optional for your role)" }
            }
            (forms::summary(problems, chrome.digits))
            ol.steps {
                li {
                    "ติดตั้งแอปยืนยันตัวตนในโทรศัพท์ เช่น Google Authenticator, Microsoft Authenticator หรือ FreeOTP"
                    span lang="en" { " (install an authenticator app)" }
                }
                li {
                    "สแกน QR code นี้ด้วยแอป" span lang="en" { " (scan this QR code)" }
                    @if !e.qr_svg.is_empty() { figure.qr { (PreEscaped(e.qr_svg)) } }
                    p { "หรือเพิ่มบัญชีในแอปเองด้วยรหัสลับนี้ (or enter this secret by hand):" }
                    p { code #totp-secret.secret { (grouped(e.secret)) } }
                    dl.meta {
                        dt { "ผู้ออก (issuer)" } dd { (e.issuer) }
                        dt { "บัญชี (account)" } dd { (e.account) }
                        dt { "ชนิด (type)" } dd { "ตามเวลา (time-based), 6 หลัก, ทุก 30 วินาที" }
                    }
                }
                li {
                    "กรอกรหัส 6 หลักที่แอปแสดงอยู่ขณะนี้ เพื่อยืนยันว่าตั้งค่าถูกต้อง"
                    span lang="en" { " (type the code the app shows now)" }
                    form method="post" action="/staff/totp" {
                        (csrf(bar.csrf))
                        (code_field("code", "รหัสยืนยัน 6 หลัก (code)", true, problems))
                        button type="submit" { "ยืนยันและเปิดใช้งาน (Confirm)" }
                    }
                }
            }
        },
    )
}

/// The recovery codes, right after they were made: the only time they are shown.
pub fn recovery_codes(chrome: &Chrome, bar: &Bar, codes: &[String]) -> Markup {
    staff_page(
        chrome,
        bar,
        "รหัสสำรอง",
        &[Crumb::link("การยืนยันตัวตนสองขั้นตอน", "/staff/totp"), Crumb::here("รหัสสำรอง")],
        html! {
            section.recovery {
                h1 { "รหัสสำรองสำหรับเข้าสู่ระบบ" }
                p.lead lang="en" { "Recovery codes" }
                p.bar-note { "บัญชี: " strong { (bar.user.username) } " — " (bar.user.name) }
                div.warning role="alert" {
                    "พิมพ์หรือจดรหัสเหล่านี้เก็บไว้ในที่ปลอดภัย เมื่อไม่มีโทรศัพท์ ใช้รหัสใดรหัสหนึ่งแทนรหัสจากแอปได้ รหัสละหนึ่งครั้ง "
                    strong { "ระบบจะไม่แสดงรหัสเหล่านี้อีก" }
                    br;
                    span lang="en" { "Print or write down these codes. Each one replaces a code from the app once. They will not be shown again." }
                }
                ol.recovery-codes {
                    @for c in codes { li { code { (c) } } }
                }
                p.no-print { "พิมพ์หน้านี้: กด Ctrl+P (to print, press Ctrl+P)" }
                p.no-print { a.button href="/staff" { "เก็บรหัสแล้ว ไปหน้างานของฉัน (Done)" } }
            }
        },
    )
}

/// An account's two-step login settings while it is on: recovery codes left, new codes, and
/// turning it off where the roles allow.
pub fn settings(chrome: &Chrome, bar: &Bar, status: Status, required: bool, problems: &[Problem]) -> Markup {
    staff_page(
        chrome,
        bar,
        "การยืนยันตัวตนสองขั้นตอน",
        &[Crumb::here("การยืนยันตัวตนสองขั้นตอน")],
        html! {
            h1 { "การยืนยันตัวตนสองขั้นตอน" }
            p.lead lang="en" { "Two-step login (TOTP)" }
            (forms::summary(problems, chrome.digits))
            p {
                "เปิดใช้งานแล้ว"
                @if let Some(at) = status.enabled_at { " ตั้งแต่ " (text::date_of_unix(at, chrome.digits)) }
                span lang="en" { " (on)" }
            }
            p.remaining {
                "รหัสสำรองที่ยังไม่ได้ใช้: " strong { (status.recovery_left) } " รหัส"
                span lang="en" { " (recovery codes left)" }
            }
            @if status.recovery_left <= 3 {
                div.warning { "รหัสสำรองเหลือน้อย กรุณาสร้างชุดใหม่ (few recovery codes left: make new ones)" }
            }
            section.panel {
                h2 { "สร้างรหัสสำรองชุดใหม่" }
                p { "รหัสสำรองชุดเดิมทั้งหมดจะใช้ไม่ได้อีก (the old codes stop working)" }
                form method="post" action="/staff/totp/recovery" {
                    (csrf(bar.csrf))
                    (code_field("recovery-code", "รหัสยืนยัน 6 หลักจากแอป (code from the app)", true, problems))
                    button type="submit" { "สร้างรหัสสำรองชุดใหม่ (New recovery codes)" }
                }
            }
            section.panel {
                h2 { "ปิดการยืนยันตัวตนสองขั้นตอน" }
                @if required {
                    p {
                        "บทบาทของท่านต้องใช้การยืนยันตัวตนสองขั้นตอน จึงปิดเองไม่ได้ หากเปลี่ยนหรือทำโทรศัพท์หาย "
                        "ใช้รหัสสำรองเข้าสู่ระบบ หรือขอให้ผู้ดูแลระบบรีเซ็ตที่หน้าผู้ใช้งาน"
                    }
                    p lang="en" { "Required for your role. If you lose your phone, use a recovery code or ask an admin to reset it." }
                } @else {
                    form method="post" action="/staff/totp/off" {
                        (csrf(bar.csrf))
                        (code_field("off-code", "รหัสยืนยัน 6 หลักจากแอป หรือรหัสสำรอง (code)", false, problems))
                        button.secondary type="submit" { "ปิดการยืนยันตัวตนสองขั้นตอน (Turn off)" }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_shown_in_groups_of_four() {
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(grouped(""), "");
    }
}
