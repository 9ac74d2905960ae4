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
    /// Colour preset (`green`, `blue` …).
    #[serde(default)]
    pub theme: String,
    /// Seconds browsers and caches may keep public pages.
    #[serde(default)]
    pub cache_max_age: String,
    /// Certificate source: `self-signed`, `acme` or `manual`.
    #[serde(default)]
    pub tls_mode: String,
    /// ACME: the public domain name.
    #[serde(default)]
    pub tls_domain: String,
    /// ACME: contact e-mail for the certificate authority.
    #[serde(default)]
    pub tls_acme_email: String,
    /// Manual: certificate chain file.
    #[serde(default)]
    pub tls_cert_file: String,
    /// Manual: private key file.
    #[serde(default)]
    pub tls_key_file: String,
    /// `test-mail` when the "send test e-mail" button was pressed (nothing is saved then).
    #[serde(default)]
    pub intent: String,
    /// CSRF token.
    #[serde(default)]
    pub csrf: String,
}

/// What the page says besides the form.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// Just saved.
    pub saved: bool,
    /// Some saved change (TLS, upload limits, log folder) waits for a restart.
    pub restart_pending: bool,
    /// The outcome of "send test e-mail": to whom, or the error.
    pub test_mail: Option<Result<String, String>>,
    /// Where test e-mails go (the admin's own address; empty when the account has none).
    pub admin_email: String,
    /// Whether this server listens for HTTPS (`serve --https`).
    pub https: bool,
    /// The data directory.
    pub data_dir: String,
    /// The logo's address, and whether it is an uploaded one.
    pub logo: (String, bool),
    /// The uploaded map image's address and size, if there is one.
    pub map_image: Option<(String, (u32, u32))>,
}

/// Marks a field that takes effect only after a restart.
const RESTART: &str = " — ต้องเริ่มโปรแกรมใหม่";

/// The settings page.
pub fn page(
    chrome: &Chrome,
    bar: &Bar,
    form: &SettingsForm,
    problems: &[Problem],
    status: &Status,
) -> Markup {
    let security = [
        ("starttls", "STARTTLS (พอร์ต 587)"),
        ("tls", "TLS (พอร์ต 465)"),
        ("none", "ไม่เข้ารหัส (เฉพาะเครื่องในสำนักงาน)"),
    ];
    let tls_modes = [
        ("self-signed", "ใบรับรองที่สร้างเอง (self-signed) — เบราว์เซอร์จะเตือนจนกว่าจะติดตั้งใบรับรองในเครื่อง"),
        ("acme", "Let's Encrypt (ACME) — ต้องมีชื่อโดเมนสาธารณะที่ชี้มาที่เครื่องนี้ และเปิดพอร์ต 80"),
        ("manual", "ไฟล์ใบรับรองจากหน่วยงาน (manual)"),
    ];
    let logo_problem = problems.iter().find(|p| p.field == "logo");
    let map_problem = problems.iter().find(|p| p.field == "map_image");
    staff_page(
        chrome,
        bar,
        "ตั้งค่าหน่วยงาน",
        &[Crumb::here("ตั้งค่าหน่วยงาน")],
        html! {
            h1 { "ตั้งค่าหน่วยงาน" }
            @if status.saved {
                div.notice role="status" {
                    p { "บันทึกลงไฟล์ prakat.toml แล้ว และมีผลทันที" }
                }
            }
            @if status.restart_pending {
                div.notice role="status" {
                    p { "มีการตั้งค่าที่ต้องเริ่มโปรแกรมใหม่จึงจะมีผล (HTTPS/ใบรับรอง): sudo systemctl restart prakat" }
                }
            }
            @match &status.test_mail {
                Some(Ok(to)) => div.notice role="status" { p { "ส่งอีเมลทดสอบถึง " (to) " แล้ว กรุณาตรวจกล่องจดหมาย (รวมถึงจดหมายขยะ) ยังไม่ได้บันทึกการตั้งค่า — กด “บันทึก” เมื่อได้รับอีเมลแล้ว" } },
                Some(Err(why)) => div.problems role="alert" { p { "ส่งอีเมลทดสอบไม่สำเร็จ: " (why) } p { "ยังไม่ได้บันทึกการตั้งค่า" } },
                None => {},
            }
            p { "ค่าในหน้านี้บันทึกลงไฟล์ prakat.toml (เขียนแบบปลอดภัย: ไฟล์เดิมไม่เสียหายหากบันทึกไม่สำเร็จ) ตรวจสอบแบบเดียวกับตอนเริ่มโปรแกรม "
              "และมีผลทันทีที่บันทึก ยกเว้นช่องที่มีคำว่า “ต้องเริ่มโปรแกรมใหม่”" }
            (forms::summary(&problems.iter().filter(|p| p.field != "logo" && p.field != "map_image").cloned().collect::<Vec<_>>(), chrome.digits))
            section.panel #logo {
                h2 { "ตราสัญลักษณ์ (โลโก้)" }
                p { img src=(status.logo.0) alt="ตราสัญลักษณ์ปัจจุบัน" width="96" height="96"; }
                p.hint { "ใช้ที่หัวเว็บไซต์ ไอคอนของแท็บ และแบบฟอร์มที่พิมพ์ รับไฟล์ PNG, JPG หรือ SVG ไม่เกิน 2 MB (ตรวจจากเนื้อไฟล์ รูปใหญ่จะย่อเหลือไม่เกิน 512 พิกเซล) มีผลทันที" }
                (picture_form(bar.csrf, &PictureForm {
                    path: "/admin/settings/logo",
                    field: "logo",
                    id: "f-logo",
                    label: "ไฟล์ตราสัญลักษณ์",
                    accept: "image/png,image/jpeg,image/svg+xml",
                    upload: "อัปโหลดตราสัญลักษณ์",
                    remove: status.logo.1.then_some("กลับไปใช้ตราเริ่มต้น"),
                    problem: logo_problem,
                }))
            }
            section.panel #map-image {
                h2 { "ภาพแผนที่" }
                @if let Some((url, (w, h))) = &status.map_image {
                    p { img.map-image src=(url) alt="ภาพแผนที่ปัจจุบัน" width=(w) height=(h); }
                } @else {
                    p { "ยังไม่มีภาพแผนที่" }
                }
                p.hint { "แสดงท้ายทุกหน้าคู่กับลิงก์แผนที่ (ตั้งลิงก์แผนที่ได้ในข้อมูลหน่วยงานด้านล่าง) รับไฟล์ PNG หรือ JPG ไม่เกิน 8 MB (ตรวจจากเนื้อไฟล์ รูปใหญ่จะย่อเหลือไม่เกิน 1600 พิกเซล) มีผลทันที" }
                (picture_form(bar.csrf, &PictureForm {
                    path: "/admin/settings/map-image",
                    field: "map_image",
                    id: "f-map-image",
                    label: "ไฟล์ภาพแผนที่",
                    accept: "image/png,image/jpeg",
                    upload: "อัปโหลดภาพแผนที่",
                    remove: status.map_image.is_some().then_some("ลบภาพแผนที่"),
                    problem: map_problem,
                }))
            }
            form.request method="post" action="/admin/settings" {
                (csrf(bar.csrf))
                // Enter in a text box saves (the first submit button is the default one).
                button.visually-hidden type="submit" tabindex="-1" aria-hidden="true" { "บันทึก" }
                fieldset {
                    legend { "ข้อมูลหน่วยงาน (มีผลทันที)" }
                    (field("name_th", "ชื่อหน่วยงาน (ภาษาไทย)", &form.name_th, Input::Text, true, problems))
                    (field("name_en", "ชื่อหน่วยงาน (ภาษาอังกฤษ)", &form.name_en, Input::Text, false, problems))
                    (field("address", "ที่อยู่", &form.address, Input::Text, false, problems))
                    (field("phone", "โทรศัพท์", &form.phone, Input::Text, false, problems))
                    (field("fax", "โทรสาร", &form.fax, Input::Text, false, problems))
                    (field("email", "อีเมลติดต่อ", &form.email, Input::Email, false, problems))
                    (field("map_url", "ลิงก์แผนที่ (https://…)", &form.map_url, Input::Url, false, problems))
                    (field("links", "ช่องทางออนไลน์ บรรทัดละหนึ่งรายการ: ชื่อ | https://…", &form.links, Input::Area, false, problems))
                    div.field {
                        label for="f-theme" { "ชุดสีของเว็บไซต์ (ทุกชุดผ่านเกณฑ์ความต่างของสีสำหรับผู้มีปัญหาการมองเห็น)" }
                        select #f-theme name="theme" {
                            @for t in crate::config::Theme::ALL {
                                option value=(t.as_str()) selected[form.theme == t.as_str()] { (t.label_th()) }
                            }
                        }
                    }
                }
                fieldset {
                    legend { "เครือข่ายของเจ้าหน้าที่ (มีผลทันที)" }
                    (field("staff_networks", "เครือข่ายที่เข้าหน้าเจ้าหน้าที่ได้ บรรทัดละหนึ่งเครือข่าย เช่น 192.168.1.0/24", &form.staff_networks, Input::Area, true, problems))
                    p.hint { "เครือข่ายที่คุณใช้อยู่ต้องอยู่ในรายการ มิฉะนั้นระบบจะไม่บันทึก (กันไม่ให้ล็อกตัวเองออก)" }
                }
                fieldset {
                    legend { "การสำรองข้อมูล (มีผลทันที)" }
                    (field("backups_daily_at", "เวลาสำรองข้อมูลทุกวัน (HH:MM, เว้นว่าง = ปิด)", &form.backups_daily_at, Input::Text, false, problems))
                    (field("backups_keep", "จำนวนชุดที่เก็บไว้", &form.backups_keep, Input::Text, true, problems))
                    (field("backups_second_dir", "โฟลเดอร์สำรองชุดที่สอง (เช่น ดิสก์ USB, เว้นว่าง = ไม่มี)", &form.backups_second_dir, Input::Text, false, problems))
                    (field("backups_second_keep", "จำนวนชุดที่เก็บในโฟลเดอร์ที่สอง", &form.backups_second_keep, Input::Text, true, problems))
                }
                fieldset {
                    legend { "การแคชหน้าเว็บ (มีผลทันที)" }
                    (field("cache_max_age", "เบราว์เซอร์และพร็อกซีเก็บหน้าสาธารณะได้นาน (วินาที, 0–86400) ข้อมูลที่นำลงอาจยังเห็นได้นานเท่านี้", &form.cache_max_age, Input::Text, true, problems))
                }
                fieldset {
                    legend { "อีเมลแจ้งเตือน (SMTP) (มีผลทันที)" }
                    (field("smtp_host", "เซิร์ฟเวอร์ (เว้นว่าง = ไม่ส่งอีเมล)", &form.smtp_host, Input::Text, false, problems))
                    (field("smtp_port", "พอร์ต", &form.smtp_port, Input::Text, true, problems))
                    div.field {
                        label for="f-smtp_security" { "การเข้ารหัส" }
                        select #f-smtp_security name="smtp_security" {
                            @for (value, label) in security { option value=(value) selected[form.smtp_security == value] { (label) } }
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
                    p.hint {
                        "ควรทดสอบก่อนบันทึก: ปุ่มนี้ส่งอีเมลด้วยค่าที่พิมพ์ไว้ (ยังไม่บันทึก) ไปที่ "
                        @if status.admin_email.is_empty() { "อีเมลของบัญชีคุณ (ยังไม่ได้ตั้ง — ตั้งได้ที่หน้าผู้ใช้งาน)" } @else { (status.admin_email) }
                    }
                    button.secondary type="submit" name="intent" value="test-mail" formnovalidate { "ส่งอีเมลทดสอบ" }
                }
                fieldset {
                    legend { "HTTPS และใบรับรอง" (RESTART) }
                    p.hint {
                        "ขณะนี้ HTTPS " (if status.https { "เปิดอยู่" } else { "ปิดอยู่" })
                        " — การเปิด/ปิด HTTPS และที่อยู่ที่รับการเชื่อมต่อ ตั้งในคำสั่งเริ่มบริการ (--http, --https) ส่วนโฟลเดอร์ข้อมูล ("
                        (status.data_dir) ") ตั้งด้วย --data ทั้งสองอย่างเปลี่ยนแล้วต้องเริ่มโปรแกรมใหม่"
                    }
                    div.field.invalid[problems.iter().any(|p| p.field == "tls_mode")] {
                        label for="f-tls_mode" { "ที่มาของใบรับรอง" (RESTART) }
                        @for p in problems.iter().filter(|p| p.field == "tls_mode") { p.error { (p.message) } }
                        select #f-tls_mode name="tls_mode" {
                            @for (value, label) in tls_modes { option value=(value) selected[form.tls_mode == value] { (label) } }
                        }
                    }
                    (field("tls_domain", &format!("ชื่อโดเมน เช่น www.example.go.th (สำหรับ Let's Encrypt){RESTART}"), &form.tls_domain, Input::Text, false, problems))
                    (field("tls_acme_email", &format!("อีเมลผู้ติดต่อสำหรับ Let's Encrypt{RESTART}"), &form.tls_acme_email, Input::Email, false, problems))
                    (field("tls_cert_file", &format!("ไฟล์ใบรับรอง (PEM) สำหรับแบบไฟล์จากหน่วยงาน{RESTART}"), &form.tls_cert_file, Input::Text, false, problems))
                    (field("tls_key_file", &format!("ไฟล์กุญแจ (PEM) สำหรับแบบไฟล์จากหน่วยงาน{RESTART}"), &form.tls_key_file, Input::Text, false, problems))
                }
                button type="submit" { "บันทึก" }
            }
        },
    )
}

/// One picture of the office (the logo, the map image) on the settings page: its upload form,
/// and a button that removes it when one is set.
struct PictureForm<'a> {
    /// Where the file is posted; `{path}/remove` removes it.
    path: &'a str,
    /// The multipart field's name.
    field: &'a str,
    /// The file input's id (its error's id adds `-err`).
    id: &'a str,
    label: &'a str,
    /// The types the file dialog offers.
    accept: &'a str,
    /// The upload button.
    upload: &'a str,
    /// The remove button, when there is a picture to remove.
    remove: Option<&'a str>,
    /// Why the last file was refused.
    problem: Option<&'a Problem>,
}

fn picture_form(token: &str, f: &PictureForm<'_>) -> Markup {
    let error_id = format!("{}-err", f.id);
    html! {
        form method="post" action=(f.path) enctype="multipart/form-data" {
            (csrf(token))
            div.field.invalid[f.problem.is_some()] {
                label for=(f.id) { (f.label) }
                @if let Some(p) = f.problem { p.error id=(error_id) { (p.message) } }
                input id=(f.id) type="file" name=(f.field) accept=(f.accept) required
                    aria-invalid=[f.problem.map(|_| "true")] aria-describedby=[f.problem.map(|_| error_id.as_str())];
            }
            button type="submit" { (f.upload) }
        }
        @if let Some(remove) = f.remove {
            form.inline method="post" action=(format!("{}/remove", f.path)) {
                (csrf(token))
                button.secondary type="submit" { (remove) }
            }
        }
    }
}
