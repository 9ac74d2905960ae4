//! `/admin/settings`: the office's settings in the browser, written back to prakat.toml.
//!
//! The file is read fresh, the form's values are put into it, and the result is checked the
//! way `prakat serve` checks it at start (parsed from its TOML text, then validated) before
//! [`Settings::save`] replaces the file atomically (temporary file in the same folder, synced,
//! renamed; mode 0600). A refused form writes nothing. A saved file is put in force at once
//! ([`crate::config::Live`]): pages, the staff-network check, caching, e-mail and backups follow
//! it; the certificate (and what the command line sets: listen addresses, the data directory)
//! waits for a restart, which the page says field by field.
//!
//! The logo is uploaded on its own (multipart) form and checked by [`crate::appliance::logo`];
//! `/logo` serves it, or the built-in emblem.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use axum::Extension;
use axum::extract::Multipart;
use axum::http::{HeaderMap, HeaderValue, header};

use super::access::ClientIp;
use super::session::Staff;
use super::{Shared, WebError};
use crate::appliance::logo;
use crate::config::{OfficeLink, Settings, SmtpSecurity, Theme, TlsMode};
use crate::store::audit;
use crate::views::forms::Problem;
use crate::views::settings::{self as view, SettingsForm, Status};
use crate::workflow::audit::AuditAction;
use crate::workflow::state::Role;

/// The form filled from `s` (the SMTP password is never sent back to the browser).
fn form_of(s: &Settings) -> SettingsForm {
    let o = &s.office;
    SettingsForm {
        name_th: o.name_th.clone(),
        name_en: o.name_en.clone(),
        address: o.address.clone(),
        phone: o.phone.clone(),
        fax: o.fax.clone(),
        email: o.email.clone(),
        map_url: o.map_url.clone(),
        links: o.links.iter().map(|l| format!("{} | {}", l.name, l.url)).collect::<Vec<_>>().join("\n"),
        staff_networks: s.access.staff_networks.iter().map(|n| n.to_string()).collect::<Vec<_>>().join("\n"),
        backups_daily_at: s.backups.daily_at.clone(),
        backups_keep: s.backups.keep.to_string(),
        backups_second_dir: s.backups.second_dir.clone(),
        backups_second_keep: s.backups.second_keep.to_string(),
        smtp_host: s.smtp.host.clone(),
        smtp_port: s.smtp.port.to_string(),
        smtp_security: match s.smtp.security {
            SmtpSecurity::Starttls => "starttls",
            SmtpSecurity::Tls => "tls",
            SmtpSecurity::None => "none",
        }
        .into(),
        smtp_username: s.smtp.username.clone(),
        smtp_password: String::new(),
        smtp_password_clear: None,
        smtp_from: s.smtp.from.clone(),
        smtp_site_url: s.smtp.site_url.clone(),
        theme: o.theme.as_str().into(),
        cache_max_age: s.cache.public_max_age_secs.to_string(),
        tls_mode: match s.tls.mode {
            TlsMode::SelfSigned => "self-signed",
            TlsMode::Acme => "acme",
            TlsMode::Manual => "manual",
        }
        .into(),
        tls_domain: s.tls.domain.clone(),
        tls_acme_email: s.tls.acme_email.clone(),
        tls_cert_file: s.tls.cert_file.clone(),
        tls_key_file: s.tls.key_file.clone(),
        intent: String::new(),
        csrf: String::new(),
    }
}

/// Puts the form's values into `s`; the problems name each field that could not be read.
pub fn apply(form: &SettingsForm, s: &mut Settings) -> Vec<Problem> {
    let mut problems = Vec::new();
    let o = &mut s.office;
    o.name_th = form.name_th.trim().into();
    o.name_en = form.name_en.trim().into();
    o.address = form.address.trim().into();
    o.phone = form.phone.trim().into();
    o.fax = form.fax.trim().into();
    o.email = form.email.trim().into();
    o.map_url = form.map_url.trim().into();
    if o.name_th.is_empty() {
        problems.push(Problem::new("name_th", "ชื่อหน่วยงาน (ภาษาไทย): ต้องกรอก"));
    }
    let web = |u: &str| u.starts_with("https://") || u.starts_with("http://");
    if !o.map_url.is_empty() && !web(&o.map_url) {
        problems.push(Problem::new("map_url", format!("ลิงก์แผนที่: ต้องขึ้นต้นด้วย https:// ได้ \"{}\"", o.map_url)));
    }
    let mut links = Vec::new();
    for (n, line) in form.links.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        match line.split_once('|').map(|(a, b)| (a.trim(), b.trim())) {
            Some((name, url)) if !name.is_empty() && web(url) => {
                links.push(OfficeLink { name: name.into(), url: url.into() })
            }
            _ => problems.push(Problem::new(
                "links",
                format!("ช่องทางออนไลน์ บรรทัดที่ {}: ต้องเป็น ชื่อ | https://… ได้ \"{line}\"", n + 1),
            )),
        }
    }
    o.links = links;
    let mut nets = Vec::new();
    for line in form.staff_networks.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line
            .parse::<ipnet::IpNet>()
            .or_else(|_| line.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        {
            Ok(n) => nets.push(n),
            Err(_) => problems.push(Problem::new(
                "staff_networks",
                format!("เครือข่ายของเจ้าหน้าที่: \"{line}\" ไม่ใช่เครือข่าย (เช่น 192.168.1.0/24)"),
            )),
        }
    }
    if nets.is_empty() && !problems.iter().any(|p| p.field == "staff_networks") {
        problems.push(Problem::new(
            "staff_networks",
            "เครือข่ายของเจ้าหน้าที่: ต้องมีอย่างน้อย 1 เครือข่าย มิฉะนั้นจะไม่มีใครเข้าหน้าเจ้าหน้าที่ได้",
        ));
    }
    s.access.staff_networks = nets;
    let b = &mut s.backups;
    b.daily_at = form.backups_daily_at.trim().into();
    if b.time().is_none() && !b.daily_at.is_empty() {
        problems.push(Problem::new(
            "backups_daily_at",
            format!("เวลาสำรองข้อมูล: ต้องเป็น HH:MM เช่น 02:00 ได้ \"{}\"", b.daily_at),
        ));
    }
    let count = |text: &str, field: &'static str, label: &str, problems: &mut Vec<Problem>| -> usize {
        match text.trim().parse::<usize>() {
            Ok(n) if (1..=365).contains(&n) => n,
            _ => {
                problems
                    .push(Problem::new(field, format!("{label}: ต้องเป็นจำนวน 1–365 ได้ \"{}\"", text.trim())));
                1
            }
        }
    };
    b.keep = count(&form.backups_keep, "backups_keep", "จำนวนชุดที่เก็บไว้", &mut problems);
    b.second_dir = form.backups_second_dir.trim().into();
    if !b.second_dir.is_empty() && !std::path::Path::new(&b.second_dir).is_absolute() {
        problems.push(Problem::new(
            "backups_second_dir",
            format!("โฟลเดอร์สำรองชุดที่สอง: ต้องเป็นที่อยู่เต็ม เช่น /media/usb ได้ \"{}\"", b.second_dir),
        ));
    }
    b.second_keep =
        count(&form.backups_second_keep, "backups_second_keep", "จำนวนชุดที่เก็บในโฟลเดอร์ที่สอง", &mut problems);
    let m = &mut s.smtp;
    m.host = form.smtp_host.trim().into();
    match form.smtp_port.trim().parse::<u16>() {
        Ok(p) if p > 0 => m.port = p,
        _ => problems.push(Problem::new(
            "smtp_port",
            format!("พอร์ต SMTP: ต้องเป็นตัวเลข 1–65535 ได้ \"{}\"", form.smtp_port.trim()),
        )),
    }
    m.security = match form.smtp_security.as_str() {
        "tls" => SmtpSecurity::Tls,
        "none" => SmtpSecurity::None,
        _ => SmtpSecurity::Starttls,
    };
    m.username = form.smtp_username.trim().into();
    if form.smtp_password_clear.is_some() {
        m.password.clear();
    } else if !form.smtp_password.is_empty() {
        m.password = form.smtp_password.clone();
    }
    m.from = form.smtp_from.trim().into();
    m.site_url = form.smtp_site_url.trim().trim_end_matches('/').into();
    if !m.site_url.is_empty() && !web(&m.site_url) {
        problems.push(Problem::new(
            "smtp_site_url",
            format!("ที่อยู่เว็บไซต์สำหรับลิงก์ในอีเมล: ต้องขึ้นต้นด้วย https:// ได้ \"{}\"", m.site_url),
        ));
    }
    if !m.host.is_empty() && m.from.parse::<lettre::message::Mailbox>().is_err() {
        problems.push(Problem::new(
            "smtp_from",
            format!("ผู้ส่ง: ต้องเป็นที่อยู่อีเมล เช่น เว็บไซต์ สสอ. <web@example.go.th> ได้ \"{}\"", m.from),
        ));
    }
    match Theme::parse(form.theme.trim()) {
        Some(t) => s.office.theme = t,
        None if form.theme.trim().is_empty() => {}
        None => problems.push(Problem::new("theme", format!("ชุดสี: ไม่รู้จัก \"{}\"", form.theme.trim()))),
    }
    match form.cache_max_age.trim().parse::<u32>() {
        Ok(n) if n <= 86_400 => s.cache.public_max_age_secs = n,
        _ => problems.push(Problem::new(
            "cache_max_age",
            format!("เวลาที่เก็บหน้าสาธารณะ: ต้องเป็นจำนวนวินาที 0–86400 ได้ \"{}\"", form.cache_max_age.trim()),
        )),
    }
    let t = &mut s.tls;
    t.mode = match form.tls_mode.trim() {
        "acme" => TlsMode::Acme,
        "manual" => TlsMode::Manual,
        "self-signed" | "" => TlsMode::SelfSigned,
        other => {
            problems.push(Problem::new("tls_mode", format!("ที่มาของใบรับรอง: ไม่รู้จัก \"{other}\"")));
            t.mode
        }
    };
    t.domain = form.tls_domain.trim().trim_end_matches('.').to_ascii_lowercase();
    t.acme_email = form.tls_acme_email.trim().into();
    t.cert_file = form.tls_cert_file.trim().into();
    t.key_file = form.tls_key_file.trim().into();
    if t.mode == TlsMode::Acme && !crate::config::is_domain(&t.domain) {
        problems.push(Problem::new(
            "tls_domain",
            format!(
                "ชื่อโดเมน: Let's Encrypt ต้องใช้ชื่อโดเมนสาธารณะ เช่น www.example.go.th (ไม่ใช่ที่อยู่ IP) ได้ \"{}\"",
                t.domain
            ),
        ));
    }
    if t.mode == TlsMode::Acme && !t.acme_email.is_empty() && t.acme_email.parse::<lettre::Address>().is_err()
    {
        problems.push(Problem::new(
            "tls_acme_email",
            format!("อีเมลผู้ติดต่อสำหรับ Let's Encrypt: ต้องเป็นที่อยู่อีเมล ได้ \"{}\"", t.acme_email),
        ));
    }
    if t.mode == TlsMode::Manual {
        for (field, label, value) in
            [("tls_cert_file", "ไฟล์ใบรับรอง", &t.cert_file), ("tls_key_file", "ไฟล์กุญแจ", &t.key_file)]
        {
            if !std::path::Path::new(value).is_absolute() {
                problems.push(Problem::new(
                    field,
                    format!("{label}: แบบไฟล์จากหน่วยงานต้องระบุที่อยู่เต็มของไฟล์ เช่น /etc/ssl/… ได้ \"{value}\""),
                ));
            }
        }
    }
    problems
}

/// The keys that differ between two settings (`office.name_th` …), the SMTP password named but
/// never shown, for the audit trail.
fn changed_keys(before: &Settings, after: &Settings) -> Vec<String> {
    let table = |s: &Settings| toml::Table::try_from(s).unwrap_or_default();
    let (a, b) = (table(before), table(after));
    let mut out = Vec::new();
    for (section, value) in &b {
        match (value.as_table(), a.get(section).and_then(|v| v.as_table())) {
            (Some(new), Some(old)) => {
                for (key, v) in new {
                    if old.get(key) != Some(v) {
                        out.push(format!("{section}.{key}"));
                    }
                }
            }
            _ if a.get(section) != Some(value) => out.push(section.clone()),
            _ => {}
        }
    }
    out
}

async fn show(
    app: &Shared,
    staff: &Staff,
    form: &SettingsForm,
    problems: &[Problem],
    mut status: Status,
) -> Result<Response, WebError> {
    let bar = super::staff::bar(app, staff).await?;
    let chrome = app.plain_chrome();
    let live = app.settings();
    status.restart_pending = app.config.settings.needs_restart(&live);
    status.admin_email = staff.user.email.clone();
    status.https = app.https;
    status.data_dir = app.config.data_dir.display().to_string();
    status.logo = (crate::paths::logo(&live.office), !live.office.logo.is_empty());
    status.map_image = crate::paths::map_image(&live.office).zip(logo::map_size(&live.office.map_image));
    let failed = !problems.is_empty() || status.test_mail.as_ref().is_some_and(|r| r.is_err());
    let code = if failed { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((code, Html(view::page(&chrome, &bar, form, problems, &status).into_string())).into_response())
}

/// The settings file as it is now; when it cannot be read (edited by hand since the start), the
/// settings the server runs with, and why.
fn load(app: &Shared) -> (Settings, Vec<Problem>) {
    match Settings::load(&app.config.data_dir) {
        Ok(s) => (s, Vec::new()),
        Err(e) => (
            (*app.settings()).clone(),
            vec![Problem::new("", format!("ไฟล์ prakat.toml ปัจจุบันอ่านไม่ได้ แสดงค่าที่ใช้งานอยู่แทน: {e:#}"))],
        ),
    }
}

/// Checks `next` exactly as `prakat serve` does (through its TOML text), writes it atomically,
/// and puts it in force. Nothing is written or changed when it is refused.
fn write_and_apply(app: &Shared, next: &Settings) -> anyhow::Result<()> {
    let text = toml::to_string_pretty(next)?;
    let parsed = Settings::parse(&text)?;
    parsed.save(&app.config.data_dir)?;
    app.live.set(parsed);
    // The office's name, logo and colours are in every cached page.
    app.pages.invalidate();
    Ok(())
}

/// `GET /admin/settings`
pub async fn page(
    State(app): State<Shared>,
    staff: Staff,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    let (current, problems) = load(&app);
    let status = Status { saved: q.contains_key("saved"), ..Status::default() };
    show(&app, &staff, &form_of(&current), &problems, status).await
}

/// `POST /admin/settings`: checks, writes and applies the settings; nothing is written when
/// refused. With `intent=test-mail`, sends a test e-mail with the SMTP settings as typed and
/// saves nothing.
pub async fn save(
    State(app): State<Shared>,
    staff: Staff,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(&form.csrf)?;
    let (before, _) = load(&app);
    let mut after = before.clone();
    let mut problems = apply(&form, &mut after);
    if form.intent == "test-mail" {
        return test_mail(&app, &staff, &form, &after, problems).await;
    }
    // Never lock the admin out: the address saving this must stay on a staff network.
    if !problems.iter().any(|p| p.field == "staff_networks") && !super::access::is_lan(ip, &after.access) {
        problems.push(Problem::new(
            "staff_networks",
            format!(
                "เครือข่ายของเจ้าหน้าที่: เครื่องของคุณ ({ip}) ไม่อยู่ในรายการ หากบันทึกคุณจะเข้าหน้านี้ไม่ได้อีก กรุณาเพิ่มเครือข่ายของคุณ"
            ),
        ));
    }
    if problems.is_empty()
        && let Err(e) = write_and_apply(&app, &after)
    {
        problems.push(Problem::new("", format!("บันทึกไม่ได้ ไฟล์เดิมไม่เปลี่ยนแปลง: {e:#}")));
    }
    if !problems.is_empty() {
        return show(&app, &staff, &form, &problems, Status::default()).await;
    }
    let keys = changed_keys(&before, &after).join(", ");
    let who = staff.who();
    app.store.run(move |c| audit::append(c, &who, AuditAction::SettingsEdit, "settings", &keys)).await?;
    Ok(Redirect::to("/admin/settings?saved=1").into_response())
}

/// Sends the test e-mail for [`save`] and shows the form again as typed, with the outcome.
async fn test_mail(
    app: &Shared,
    staff: &Staff,
    form: &SettingsForm,
    typed: &Settings,
    problems: Vec<Problem>,
) -> Result<Response, WebError> {
    let smtp_problems: Vec<Problem> =
        problems.iter().filter(|p| p.field.starts_with("smtp_")).cloned().collect();
    let outcome = if !smtp_problems.is_empty() {
        Err("แก้ไขการตั้งค่า SMTP ที่ระบุก่อน".to_string())
    } else if staff.user.email.trim().is_empty() {
        Err("บัญชีของคุณยังไม่มีอีเมล ตั้งอีเมลที่หน้าผู้ใช้งาน (แก้ไขบัญชี) ก่อน".to_string())
    } else {
        let to = format!("{} <{}>", staff.user.name.replace(['<', '>', '"'], ""), staff.user.email.trim());
        crate::appliance::mailer::send_test(&typed.smtp, &to, &typed.office.name_th)
            .await
            .map(|()| staff.user.email.trim().to_string())
    };
    let mut form = form.clone();
    form.intent.clear();
    let status = Status { test_mail: Some(outcome), ..Status::default() };
    show(app, staff, &form, &smtp_problems, status).await
}

/// The settings form field, the Thai name in messages, and the page anchor of a picture.
fn picture_field(kind: logo::Kind) -> (&'static str, &'static str, &'static str) {
    match kind {
        logo::Kind::Logo => ("logo", "โลโก้", "/admin/settings?saved=1#logo"),
        logo::Kind::Map => ("map_image", "ภาพแผนที่", "/admin/settings?saved=1#map-image"),
    }
}

/// The settings' file name for a picture.
fn picture_of(office: &mut crate::config::Office, kind: logo::Kind) -> &mut String {
    match kind {
        logo::Kind::Logo => &mut office.logo,
        logo::Kind::Map => &mut office.map_image,
    }
}

/// Reads a picture upload's CSRF token and file (name and bytes) from form field `file_field`.
async fn logo_upload(
    mut multipart: Multipart,
    file_field: &str,
    max_bytes: usize,
) -> (String, String, Result<Vec<u8>, String>) {
    let (mut csrf, mut name, mut bytes) = (String::new(), String::new(), Ok(Vec::new()));
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let field_name = field.name().unwrap_or_default().to_owned();
                if field_name == file_field {
                    name = field.file_name().unwrap_or(file_field).to_owned();
                }
                match field.bytes().await {
                    Ok(b) if field_name == "csrf" => csrf = String::from_utf8_lossy(&b).into_owned(),
                    Ok(b) if field_name == file_field => bytes = Ok(b.to_vec()),
                    Ok(_) => {}
                    Err(_) => bytes = Err(format!("อ่านไฟล์ไม่สำเร็จหรือใหญ่เกิน {} MB", max_bytes >> 20)),
                }
            }
            Ok(None) => break,
            Err(_) => {
                bytes = Err(format!("อ่านไฟล์ไม่สำเร็จหรือใหญ่เกิน {} MB", max_bytes >> 20));
                break;
            }
        }
    }
    (csrf, name, bytes)
}

/// Puts `name` (empty: the built-in emblem, or no map image) in the settings as the picture of
/// `kind`, writes and applies them, removes the other files of that kind and records it.
async fn set_logo(
    app: &Shared,
    staff: &Staff,
    kind: logo::Kind,
    name: String,
) -> Result<Result<(), String>, WebError> {
    let (mut next, _) = load(app);
    let before = std::mem::replace(picture_of(&mut next.office, kind), name.clone());
    if let Err(e) = write_and_apply(app, &next) {
        return Ok(Err(format!("บันทึกไม่ได้ ไฟล์เดิมไม่เปลี่ยนแปลง: {e:#}")));
    }
    logo::remove_others_of(kind, &app.config.data_dir, &name);
    let (who, detail) = (staff.who(), format!("office.{}: {before} → {name}", picture_field(kind).0));
    app.store.run(move |c| audit::append(c, &who, AuditAction::SettingsEdit, "settings", &detail)).await?;
    Ok(Ok(()))
}

/// `POST /admin/settings/logo`: a new logo, checked by its content; a refused file is named.
pub async fn upload_logo(
    State(app): State<Shared>,
    staff: Staff,
    multipart: Multipart,
) -> Result<Response, WebError> {
    upload_picture(&app, &staff, logo::Kind::Logo, multipart).await
}

/// `POST /admin/settings/map-image`: a new map image (PNG or JPEG), checked by its content; a
/// refused file is named.
pub async fn upload_map_image(
    State(app): State<Shared>,
    staff: Staff,
    multipart: Multipart,
) -> Result<Response, WebError> {
    upload_picture(&app, &staff, logo::Kind::Map, multipart).await
}

/// A picture of `kind` uploaded: checked, resized, stored, named in the settings.
async fn upload_picture(
    app: &Shared,
    staff: &Staff,
    kind: logo::Kind,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let (field, label, done) = picture_field(kind);
    // The (size-limited) body is read before refusing, so the browser shows the reason.
    let (csrf, name, bytes) = logo_upload(multipart, field, kind.max_bytes()).await;
    staff.require(Role::Admin)?;
    staff.check_csrf(&csrf)?;
    let checked = match bytes {
        Ok(b) if b.is_empty() => Err(format!("{label}: กรุณาเลือกไฟล์รูปภาพ")),
        Ok(b) => tokio::task::spawn_blocking(move || logo::check_as(kind, &name, &b))
            .await
            .map_err(crate::store::StoreError::from)?
            .map_err(|e| format!("{label}: {e}")),
        Err(e) => Err(format!("{label}: ไฟล์ \"{name}\" {e}")),
    };
    let stored = match checked {
        Ok(l) => logo::store(&app.config.data_dir, &l).map_err(|e| format!("{label}: เก็บไฟล์ไม่ได้ ({e})")),
        Err(e) => Err(e),
    };
    let outcome = match stored {
        Ok(file) => set_logo(app, staff, kind, file).await?,
        Err(e) => Err(e),
    };
    if outcome.is_err() {
        // A file stored for settings that could not be written is not kept.
        let mut office = app.settings().office.clone();
        logo::remove_others_of(kind, &app.config.data_dir, picture_of(&mut office, kind));
    }
    match outcome {
        Ok(()) => Ok(Redirect::to(done).into_response()),
        Err(message) => {
            let (current, _) = load(app);
            show(app, staff, &form_of(&current), &[Problem::new(field, message)], Status::default()).await
        }
    }
}

/// `POST /admin/settings/logo/remove`: back to the built-in emblem.
pub async fn remove_logo(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    remove_picture(&app, &staff, logo::Kind::Logo, &form).await
}

/// `POST /admin/settings/map-image/remove`: no map image any more.
pub async fn remove_map_image(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    remove_picture(&app, &staff, logo::Kind::Map, &form).await
}

async fn remove_picture(
    app: &Shared,
    staff: &Staff,
    kind: logo::Kind,
    form: &HashMap<String, String>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let (field, _, done) = picture_field(kind);
    match set_logo(app, staff, kind, String::new()).await? {
        Ok(()) => Ok(Redirect::to(done).into_response()),
        Err(message) => {
            let (current, _) = load(app);
            show(app, staff, &form_of(&current), &[Problem::new(field, message)], Status::default()).await
        }
    }
}

/// `GET /map-image`: the office's uploaded map image; 404 when there is none. Asked for with
/// the current version (`?v=`, see [`crate::paths::map_image`]) it may be kept for a year.
pub async fn serve_map_image(
    State(app): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let settings = app.settings();
    let Some(current) = crate::paths::map_image(&settings.office) else { return Err(WebError::NotFound) };
    let asked = q.get("v").map(|v| format!("/map-image?v={v}"));
    let data_dir = app.config.data_dir.clone();
    let name = settings.office.map_image.clone();
    let (bytes, mime) = tokio::task::spawn_blocking(move || logo::read(&data_dir, &name))
        .await
        .ok()
        .flatten()
        .ok_or(WebError::NotFound)?;
    let cache = if asked.as_deref() == Some(current.as_str()) {
        "public, max-age=31536000, immutable".to_string()
    } else {
        super::cache_policy::public(settings.cache.public_max_age_secs)
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_str(&cache).expect("a valid header"));
    Ok((headers, bytes).into_response())
}

/// `GET /logo`: the office's uploaded logo, or the built-in emblem. Asked for with the current
/// version (`?v=`, see [`crate::paths::logo`]) it may be kept for a year.
pub async fn serve_logo(State(app): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let settings = app.settings();
    let current = crate::paths::logo(&settings.office);
    let asked = q.get("v").map(|v| format!("/logo?v={v}"));
    let data_dir = app.config.data_dir.clone();
    let name = settings.office.logo.clone();
    let found = tokio::task::spawn_blocking(move || logo::read(&data_dir, &name)).await.ok().flatten();
    // Kept long only when this is what the versioned address names (a logo file missing from
    // the data directory is answered with the built-in emblem, briefly).
    let exact =
        asked.as_deref() == Some(current.as_str()) && (found.is_some() || settings.office.logo.is_empty());
    let cache = if exact {
        "public, max-age=31536000, immutable".to_string()
    } else {
        super::cache_policy::public(settings.cache.public_max_age_secs)
    };
    let (bytes, mime) = match found {
        Some(found) => found,
        None => (super::assets::embedded("logo.svg").unwrap_or_default(), "image/svg+xml"),
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_str(&cache).expect("a valid header"));
    // Opened on its own, an SVG is a document: it may not run or fetch anything.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"),
    );
    (headers, bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_round_trips_and_bad_values_name_their_field() {
        let s = Settings::default();
        let mut form = form_of(&s);
        let mut copy = s.clone();
        assert!(apply(&form, &mut copy).is_empty());
        assert_eq!(copy, s, "the form holds everything it shows");
        form.staff_networks = "192.168.1.0/24\n10.0.0.300/8".into();
        form.smtp_port = "70000".into();
        form.links = "Facebook | https://facebook.com/x\nLINE line.me".into();
        form.backups_daily_at = "2 โมง".into();
        form.name_th = " ".into();
        let fields: Vec<String> = apply(&form, &mut copy).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["name_th", "links", "staff_networks", "backups_daily_at", "smtp_port"]);
        let mut changed = s.clone();
        changed.office.phone = "042 000000".into();
        changed.smtp.password = "secret".into();
        let keys = changed_keys(&s, &changed);
        assert_eq!(keys, ["office.phone", "smtp.password"]);
    }
}
