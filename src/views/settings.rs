//! The office's settings in the browser (`/admin/settings`): the subset an office changes.

use maud::{Markup, html};

use super::forms::{self, Input, Problem, csrf, field};
use super::staff::{Bar, staff_page};
use super::{Chrome, Crumb};

/// The settings form, as typed (every value as text, so a refused form shows what was typed).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SettingsForm {
    /// Office name in Thai.
    #[serde(default)]
    pub name_th: String,
    /// Office name in English.
    #[serde(default)]
    pub name_en: String,
    /// Postal address.
    #[serde(default)]
    pub address: String,
    /// Telephone.
    #[serde(default)]
    pub phone: String,
    /// Fax.
    #[serde(default)]
    pub fax: String,
    /// Contact e-mail.
    #[serde(default)]
    pub email: String,
    /// Map link.
    #[serde(default)]
    pub map_url: String,
    /// Social links, one `name | https://…` a line.
    #[serde(default)]
    pub links: String,
    /// Staff networks, one CIDR a line.
    #[serde(default)]
    pub staff_networks: String,
    /// Daily backup time `HH:MM`, empty for off.
    #[serde(default)]
    pub backups_daily_at: String,
    /// Backups kept.
    #[serde(default)]
    pub backups_keep: String,
    /// Second backup folder.
    #[serde(default)]
    pub backups_second_dir: String,
    /// Backups kept in the second folder.
    #[serde(default)]
    pub backups_second_keep: String,
    /// SMTP server, empty for no e-mail.
    #[serde(default)]
    pub smtp_host: String,
    /// SMTP port.
    #[serde(default)]
    pub smtp_port: String,
    /// `starttls`, `tls` or `none`.
    #[serde(default)]
    pub smtp_security: String,
    /// SMTP login.
    #[serde(default)]
    pub smtp_username: String,
    /// SMTP password; empty keeps the stored one.
    #[serde(default)]
    pub smtp_password: String,
    /// Ticked to remove the stored SMTP password.
    #[serde(default)]
    pub smtp_password_clear: Option<String>,
    /// Sender.
    #[serde(default)]
    pub smtp_from: String,
    /// The site's public address for links in mails.
    #[serde(default)]
    pub smtp_site_url: String,
    /// CSRF token.
    #[serde(default)]
    pub csrf: String,
}

/// The settings page; `saved` after a successful save.
pub fn page(chrome: &Chrome, bar: &Bar, form: &SettingsForm, problems: &[Problem], saved: bool) -> Markup {
    let security = ["starttls", "tls", "none"];
    staff_page(
        chrome,
        bar,
        "ตั้งค่าหน่วยงาน",
        &[Crumb::here("ตั้งค่าหน่วยงาน")],
        html! {
            h1 { "ตั้งค่าหน่วยงาน" }
            @if saved {
                div.notice role="status" {
                    p { "บันทึกลงไฟล์ prakat.toml แล้ว — การเปลี่ยนแปลงมีผลเมื่อเริ่มโปรแกรมใหม่ (sudo systemctl restart prakat)" }
                }
            }
            p { "ค่าทั้งหมดในหน้านี้บันทึกลงไฟล์ prakat.toml (เขียนแบบปลอดภัย: ไฟล์เดิมไม่เสียหายหากบันทึกไม่สำเร็จ) ตรวจสอบแบบเดียวกับตอนเริ่มโปรแกรม และมีผลเมื่อเริ่มโปรแกรมใหม่" }
            (forms::summary(problems))
            form.request method="post" action="/admin/settings" {
                (csrf(bar.csrf))
                fieldset {
                    legend { "ข้อมูลหน่วยงาน" }
                    (field("name_th", "ชื่อหน่วยงาน (ภาษาไทย)", &form.name_th, Input::Text, true, problems))
                    (field("name_en", "ชื่อหน่วยงาน (ภาษาอังกฤษ)", &form.name_en, Input::Text, false, problems))
                    (field("address", "ที่อยู่", &form.address, Input::Text, false, problems))
                    (field("phone", "โทรศัพท์", &form.phone, Input::Text, false, problems))
                    (field("fax", "โทรสาร", &form.fax, Input::Text, false, problems))
                    (field("email", "อีเมลติดต่อ", &form.email, Input::Email, false, problems))
                    (field("map_url", "ลิงก์แผนที่ (https://…)", &form.map_url, Input::Url, false, problems))
                    (field("links", "ช่องทางออนไลน์ บรรทัดละหนึ่งรายการ: ชื่อ | https://…", &form.links, Input::Area, false, problems))
                }
                fieldset {
                    legend { "เครือข่ายของเจ้าหน้าที่" }
                    (field("staff_networks", "เครือข่ายที่เข้าหน้าเจ้าหน้าที่ได้ บรรทัดละหนึ่งเครือข่าย เช่น 192.168.1.0/24", &form.staff_networks, Input::Area, true, problems))
                }
                fieldset {
                    legend { "การสำรองข้อมูล" }
                    (field("backups_daily_at", "เวลาสำรองข้อมูลทุกวัน (HH:MM, เว้นว่าง = ปิด)", &form.backups_daily_at, Input::Text, false, problems))
                    (field("backups_keep", "จำนวนชุดที่เก็บไว้", &form.backups_keep, Input::Text, true, problems))
                    (field("backups_second_dir", "โฟลเดอร์สำรองชุดที่สอง (เช่น ดิสก์ USB, เว้นว่าง = ไม่มี)", &form.backups_second_dir, Input::Text, false, problems))
                    (field("backups_second_keep", "จำนวนชุดที่เก็บในโฟลเดอร์ที่สอง", &form.backups_second_keep, Input::Text, true, problems))
                }
                fieldset {
                    legend { "อีเมลแจ้งเตือน (SMTP)" }
                    (field("smtp_host", "เซิร์ฟเวอร์ (เว้นว่าง = ไม่ส่งอีเมล)", &form.smtp_host, Input::Text, false, problems))
                    (field("smtp_port", "พอร์ต", &form.smtp_port, Input::Text, true, problems))
                    div.field {
                        label for="f-smtp_security" { "การเข้ารหัส" }
                        select #f-smtp_security name="smtp_security" {
                            @for s in security { option value=(s) selected[form.smtp_security == s] { (s) } }
                        }
                    }
                    (field("smtp_username", "ชื่อผู้ใช้", &form.smtp_username, Input::Text, false, problems))
                    (field("smtp_password", "รหัสผ่าน (เว้นว่าง = ใช้รหัสเดิม)", "", Input::Password, false, problems))
                    div.check {
                        input #f-smtp_password_clear type="checkbox" name="smtp_password_clear" value="1";
                        label for="f-smtp_password_clear" { "ลบรหัสผ่านที่บันทึกไว้" }
                    }
                    (field("smtp_from", "ผู้ส่ง เช่น เว็บไซต์ สสอ. <web@example.go.th>", &form.smtp_from, Input::Text, false, problems))
                    (field("smtp_site_url", "ที่อยู่เว็บไซต์สำหรับลิงก์ในอีเมล (https://…)", &form.smtp_site_url, Input::Url, false, problems))
                    p.hint { "ควรทดสอบการส่งอีเมลหลังเริ่มโปรแกรมใหม่ (ดูหน้าสุขภาพระบบ)" }
                }
                button type="submit" { "บันทึก" }
            }
        },
    )
}
