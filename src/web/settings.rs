//! `/admin/settings`: the office's settings in the browser, written back to prakat.toml.
//!
//! The file is read fresh, the form's values are put into it, and the result is checked the
//! way `prakat serve` checks it at start (parsed from its TOML text, then validated) before
//! [`Settings::save`] replaces the file atomically (temporary file in the same folder, synced,
//! renamed; mode 0600). A refused form writes nothing. The running server keeps the settings
//! it started with: every change here takes effect at the next start, which the page says.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::session::Staff;
use super::{Shared, WebError};
use crate::config::{OfficeLink, Settings, SmtpSecurity};
use crate::store::audit;
use crate::views::forms::Problem;
use crate::views::settings::{self as view, SettingsForm};
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
    saved: bool,
) -> Result<Response, WebError> {
    let bar = super::staff::bar(app, staff).await?;
    let chrome = app.plain_chrome();
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Html(view::page(&chrome, &bar, form, problems, saved).into_string())).into_response())
}

/// The settings file as it is now; when it cannot be read (edited by hand since the start), the
/// settings the server runs with, and why.
fn load(app: &Shared) -> (Settings, Vec<Problem>) {
    match Settings::load(&app.config.data_dir) {
        Ok(s) => (s, Vec::new()),
        Err(e) => (
            app.config.settings.clone(),
            vec![Problem::new("", format!("ไฟล์ prakat.toml ปัจจุบันอ่านไม่ได้ แสดงค่าที่ใช้งานอยู่แทน: {e:#}"))],
        ),
    }
}

/// `GET /admin/settings`
pub async fn page(
    State(app): State<Shared>,
    staff: Staff,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    let (current, problems) = load(&app);
    show(&app, &staff, &form_of(&current), &problems, q.contains_key("saved")).await
}

/// `POST /admin/settings`: checks and writes the settings; nothing is written when refused.
pub async fn save(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(&form.csrf)?;
    let (before, _) = load(&app);
    let mut after = before.clone();
    let mut problems = apply(&form, &mut after);
    if problems.is_empty() {
        // Checked exactly as at start: through its TOML text, then `save` validates.
        let checked = toml::to_string_pretty(&after)
            .map_err(anyhow::Error::from)
            .and_then(|text| Settings::parse(&text))
            .and_then(|parsed| {
                parsed.save(&app.config.data_dir)?;
                Ok(parsed)
            });
        if let Err(e) = checked {
            problems.push(Problem::new("", format!("บันทึกไม่ได้ ไฟล์เดิมไม่เปลี่ยนแปลง: {e:#}")));
        }
    }
    if !problems.is_empty() {
        return show(&app, &staff, &form, &problems, false).await;
    }
    let keys = changed_keys(&before, &after).join(", ");
    let who = staff.who();
    app.store.run(move |c| audit::append(c, &who, AuditAction::SettingsEdit, "settings", &keys)).await?;
    Ok(Redirect::to("/admin/settings?saved=1").into_response())
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
