//! The appliance pages for admins: the health report and self-update.

use maud::{Markup, html};

use super::forms::csrf;
use super::staff::{Bar, staff_page};
use super::{Chrome, Crumb};
use crate::appliance::health::{Check, Level};
use crate::appliance::update::{Marker, Status};
use crate::store::jobs::JobRun;
use crate::thai;

/// `/admin/health`: every check with its level and reason, then the scheduler's jobs.
pub fn health(chrome: &Chrome, bar: &Bar, checks: &[Check], jobs: &[JobRun]) -> Markup {
    let when =
        |at: i64| thai::datetime_short(jiff::Timestamp::from_second(at).unwrap_or_default(), chrome.digits);
    let worst = checks.iter().map(|c| c.level).max().unwrap_or(Level::Green);
    staff_page(
        chrome,
        bar,
        "สุขภาพระบบ",
        &[Crumb::here("สุขภาพระบบ")],
        html! {
            h1 { "สุขภาพระบบ (health)" }
            p.lead {
                "ภาพรวม: " span class=(format!("pill pill-{}", worst.tag())) { (worst.label()) }
                " — ตรวจจากบรรทัดคำสั่งได้ด้วย " code { "prakat doctor" }
            }
            table.list.health {
                thead { tr { th scope="col" { "เรื่อง" } th scope="col" { "สถานะ" } th scope="col" { "รายละเอียด" } } }
                tbody {
                    @for c in checks {
                        tr {
                            th scope="row" { (c.topic) }
                            td { span class=(format!("pill pill-{}", c.level.tag())) { (c.level.label()) } }
                            td { (c.detail) }
                        }
                    }
                }
            }
            h2 #jobs { "งานตามกำหนดเวลา (scheduled jobs)" }
            table.list.jobs {
                thead {
                    tr {
                        th scope="col" { "งาน" }
                        th scope="col" { "กำหนด" }
                        th scope="col" { "ครั้งล่าสุด" }
                        th scope="col" { "ผล" }
                        th scope="col" { "ข้อผิดพลาดล่าสุด" }
                    }
                }
                tbody {
                    @for j in jobs {
                        tr {
                            th scope="row" { (j.label) br; code { (j.name) } }
                            td { (j.schedule) }
                            td { (when(j.started_at)) }
                            td {
                                @match j.ok {
                                    Some(true) => { span.pill.pill-green { "สำเร็จ" } " " (j.message) }
                                    Some(false) => { span.pill.pill-red { "ไม่สำเร็จ" } " " (j.message) }
                                    None => { span.pill.pill-amber { "กำลังทำงาน" } }
                                }
                            }
                            td {
                                @match j.last_error_at {
                                    Some(at) => { (when(at)) ": " (j.last_error) }
                                    None => { "—" }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// What the update page knows.
pub struct UpdatePage<'a> {
    /// The running version.
    pub running: &'a str,
    /// The feed setting.
    pub feed: &'a str,
    /// What the last check found.
    pub status: &'a Status,
    /// The marker beside the binary (last install, completion or rollback).
    pub marker: Option<Marker>,
    /// Whether a previous binary is kept (rollback possible).
    pub can_roll_back: bool,
    /// A message from the last action.
    pub message: Option<String>,
}

/// `/admin/update`: the running version, what the feed offers, and the buttons.
pub fn update(chrome: &Chrome, bar: &Bar, page: &UpdatePage<'_>) -> Markup {
    let digits = chrome.digits;
    let when = |at: i64| {
        jiff::Timestamp::from_second(at).map(|ts| thai::datetime_short(ts, digits)).unwrap_or_default()
    };
    staff_page(
        chrome,
        bar,
        "อัปเดตโปรแกรม",
        &[Crumb::here("อัปเดตโปรแกรม")],
        html! {
            h1 { "อัปเดตโปรแกรม (update)" }
            @if let Some(m) = &page.message { div.warning role="status" { (m) } }
            section.panel {
                dl.meta {
                    dt { "รุ่นที่ใช้อยู่" } dd { (page.running) }
                    dt { "แหล่งอัปเดต" } dd { @if page.feed.is_empty() { "ปิดอยู่" } @else { code { (page.feed) } } }
                    dt { "ตรวจล่าสุด" } dd {
                        @match page.status.checked_at { Some(at) => (when(at)), None => "ยังไม่เคยตรวจ" }
                    }
                    dt { "รุ่นใหม่" } dd {
                        @match &page.status.available {
                            Some(a) => { strong { (a.version) } " " (a.date) },
                            None => "ไม่มี (เป็นรุ่นล่าสุด)",
                        }
                    }
                    @if let Some(e) = &page.status.error { dt { "ปัญหาล่าสุด" } dd.error { (e) } }
                    @match &page.marker {
                        Some(Marker::Installed { from, to, at, .. }) => { dt { "ติดตั้งแล้ว รอเริ่มระบบใหม่" } dd { (from) " → " (to) " เมื่อ " (when(*at)) } },
                        Some(Marker::Completed { from, to, at, .. }) => { dt { "อัปเดตล่าสุด" } dd { (from) " → " (to) " เมื่อ " (when(*at)) } },
                        Some(Marker::RolledBack { failed, back_to, reason, at, .. }) => {
                            dt { "ย้อนกลับล่าสุด" } dd.error { "รุ่น " (failed) " → " (back_to) " เมื่อ " (when(*at)) ": " (reason) }
                        },
                        None => {},
                    }
                }
                p {
                    "ทุกรุ่นต้องมีลายมือชื่อดิจิทัล (ed25519) ที่ตรงกับกุญแจในโปรแกรม ก่อนติดตั้งจะสำรองข้อมูลก่อนเสมอ "
                    "และเก็บโปรแกรมรุ่นเดิมไว้ ถ้ารุ่นใหม่เริ่มไม่สำเร็จภายใน 60 วินาที ระบบจะย้อนกลับเอง"
                }
                div.actions {
                    form.inline method="post" action="/admin/update/check" {
                        (csrf(bar.csrf))
                        button type="submit" { "ตรวจหารุ่นใหม่" }
                    }
                    @if page.status.available.is_some() {
                        form.inline method="post" action="/admin/update/install" {
                            (csrf(bar.csrf))
                            button type="submit" { "สำรองข้อมูลแล้วติดตั้งรุ่นใหม่" }
                        }
                    }
                    @if page.can_roll_back {
                        form.inline method="post" action="/admin/update/rollback" {
                            (csrf(bar.csrf))
                            button.secondary type="submit" { "ย้อนกลับเป็นรุ่นก่อนหน้า" }
                        }
                    }
                }
            }
        },
    )
}
