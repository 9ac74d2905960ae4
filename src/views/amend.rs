//! Staff pages for content that lives: the amendment form of a published item, the refusal
//! when one is already under way, the list of an item's revisions and the side-by-side
//! difference of two of them.

use maud::{Markup, html};

use super::forms::{self, Problem};
use super::staff::{AmendmentFields, Bar, FormSetup, request_form_element, staff_page};
use super::text;
use super::{Chrome, Crumb};
use crate::categories::Place;
use crate::paths;
use crate::store::items::{Attachment, Item};
use crate::store::requests::Request;
use crate::store::revisions::Revision;
use crate::workflow::amend::{Row, diff};
use crate::workflow::request::RequestInput;

/// What the amendment form shows besides the request fields.
#[derive(Debug, Default, Clone)]
pub struct AmendExtra {
    /// The proposed summary.
    pub summary: String,
    /// What changed and why.
    pub note: String,
    /// Ids of the item's current files ticked for removal.
    pub removed: Vec<i64>,
    /// Show the body as it will look (the preview button was pressed).
    pub preview: bool,
}

/// URL of an item's revisions page.
pub fn revisions_url(item_id: i64) -> String {
    format!("/staff/items/{item_id}/revisions")
}

/// URL of an item's amendment form.
pub fn amend_url(item_id: i64) -> String {
    format!("/staff/items/{item_id}/amend")
}

/// URL of a file of a past revision (staff only).
pub fn revision_file_url(file: &Attachment) -> String {
    format!("/staff/revision-files/{}/{}", file.id, paths::percent_encode_segment(&file.file_name))
}

/// The short Thai help on the body's syntax (CommonMark with tables).
pub fn syntax_help() -> Markup {
    html! {
        details.help {
            summary { "วิธีจัดรูปแบบเนื้อหา (หัวข้อ ตาราง ลิงก์)" }
            ul {
                li { "เว้นบรรทัดว่างหนึ่งบรรทัดเพื่อขึ้นย่อหน้าใหม่" }
                li { code { "## หัวข้อย่อย" } " — ขึ้นต้นบรรทัดด้วย # เพื่อทำหัวข้อ" }
                li { code { "- รายการ" } " — ขึ้นต้นบรรทัดด้วยขีดและเว้นวรรคเพื่อทำรายการ" }
                li { code { "**ตัวหนา**" } " — ล้อมข้อความด้วยดอกจันสองตัว" }
                li { code { "[ข้อความ](https://www.example.go.th)" } " — ลิงก์ (เฉพาะ https, http, mailto หรือหน้าในเว็บไซต์นี้)" }
                li {
                    "ตาราง: " code { "| รายการ | จำนวนเงิน |" } " ขึ้นบรรทัดใหม่ "
                    code { "|---|---:|" } " แล้วตามด้วยแถวข้อมูล " code { "| ครุภัณฑ์ | 25,000 |" }
                }
                li { "ไม่รองรับคำสั่ง HTML — ระบบจะแสดงเป็นข้อความธรรมดา" }
            }
        }
    }
}

/// The amendment form of `item`: a copy of its current content to change, its files to keep
/// or remove, new files, and the required note.
#[allow(clippy::too_many_arguments)]
pub fn amend_form(
    chrome: &Chrome,
    bar: &Bar,
    item: &Item,
    files: &[Attachment],
    input: &RequestInput,
    extra: &AmendExtra,
    problems: &[Problem],
    max_mb: u64,
) -> Markup {
    let title = format!("ขอแก้ไข: {}", item.title);
    let setup = FormSetup {
        action: amend_url(item.id),
        content_legend: "เนื้อหาฉบับแก้ไข",
        details_label: "เนื้อหา",
        amendment: Some(AmendmentFields {
            legend: "สิ่งที่แก้ไข".into(),
            note: &extra.note,
            summary: &extra.summary,
        }),
        files,
        files_intro: "ไฟล์ที่เผยแพร่อยู่ (เลือกเพื่อนำออก; หากต้องการแทนที่ไฟล์ ให้เลือกนำออกแล้วแนบไฟล์ใหม่):",
        removed: &extra.removed,
        submit: "ส่งขออนุมัติการแก้ไข",
    };
    staff_page(
        chrome,
        bar,
        &title,
        &[Crumb::link("ประวัติการปรับปรุง", revisions_url(item.id)), Crumb::here("ขอแก้ไข")],
        html! {
            h1 { (title) }
            p {
                a href=(paths::item(item.id)) { "ข้อมูลที่เผยแพร่อยู่" }
                " จะยังแสดงตามเดิมจนกว่าคำขอแก้ไขนี้จะได้รับอนุมัติและเผยแพร่ — ที่อยู่ (URL) เดิมไม่เปลี่ยน"
            }
            (forms::summary(problems, chrome.digits))
            @if extra.preview { (preview(&input.details)) }
            (request_form_element(chrome, bar, input, &setup, problems, max_mb))
        },
    )
}

/// The body as it will appear on the public page, above the form (the preview button).
pub fn preview(body: &str) -> Markup {
    html! {
        section.preview aria-labelledby="preview-h" {
            h2 #preview-h { "ตัวอย่างเนื้อหา (ยังไม่ได้บันทึก)" }
            div.body { (super::rich::render(body)) }
        }
    }
}

/// The refusal when the item already has an amendment under way, with a link to it.
pub fn already_open(chrome: &Chrome, bar: &Bar, item: &Item, open: i64) -> Markup {
    staff_page(
        chrome,
        bar,
        "มีคำขอแก้ไขที่ยังดำเนินการอยู่",
        &[Crumb::here("ขอแก้ไข")],
        html! {
            h1 { "มีคำขอแก้ไขที่ยังดำเนินการอยู่" }
            div.warning role="alert" {
                "ข้อมูล \"" (item.title) "\" มีคำขอแก้ไขที่ยังไม่เสร็จสิ้นอยู่แล้ว แก้ไขได้ครั้งละหนึ่งคำขอ "
                a href=(paths::staff_request(open)) { "เปิดคำขอแก้ไขที่ค้างอยู่" }
            }
        },
    )
}

/// Everything the revisions page shows.
#[derive(Debug)]
pub struct RevisionsPage<'a> {
    /// The item as it stands.
    pub item: &'a Item,
    /// Its state (`published`, `withdrawn`, `expired`).
    pub state: &'a str,
    /// Its revisions, oldest first.
    pub revisions: &'a [Revision],
    /// Its amendments, newest first.
    pub amendments: &'a [Request],
    /// Whether the viewer may open an amendment now.
    pub may_amend: bool,
}

fn state_th(state: &str) -> &'static str {
    match state {
        "published" => "เผยแพร่อยู่",
        "withdrawn" => "ถอนการเผยแพร่",
        "expired" => "หมดระยะเวลาเผยแพร่",
        _ => "ไม่ทราบสถานะ",
    }
}

/// An item's revisions: who requested, approved and published each, when, the note, and its
/// files (downloadable by staff), with links to compare two.
pub fn revisions(chrome: &Chrome, bar: &Bar, p: &RevisionsPage) -> Markup {
    let digits = chrome.digits;
    let item = p.item;
    staff_page(
        chrome,
        bar,
        &format!("ประวัติการปรับปรุง: {}", item.title),
        &[Crumb::here("ประวัติการปรับปรุง")],
        html! {
            h1 { "ประวัติการปรับปรุง: " (item.title) }
            p {
                a href=(paths::item(item.id)) { "หน้าที่เผยแพร่" }
                " · สถานะ " strong { (state_th(p.state)) }
                " · เผยแพร่ตั้งแต่ " (text::date_of_unix(item.published_at, digits))
                " · สิ้นสุด " @match item.expires_on { Some(d) => (text::date(d, digits)), None => "ไม่กำหนด" }
            }
            @if p.may_amend { p { a.button href=(amend_url(item.id)) { "ขอแก้ไขข้อมูลนี้" } } }
            @if !p.amendments.is_empty() {
                h2 { "คำขอแก้ไข" }
                ul {
                    @for r in p.amendments {
                        li {
                            a href=(paths::staff_request(r.id)) { (digits.apply(&r.reference())) }
                            " — " (r.state.label_th())
                            @if let Some(a) = &r.amendment { ": " (a.note) }
                        }
                    }
                }
            }
            h2 { "ฉบับที่เผยแพร่" }
            @if p.revisions.len() >= 2 {
                form.inline-filter method="get" action=(format!("/staff/items/{}/diff", item.id)) {
                    label for="from" { "เปรียบเทียบฉบับที่" }
                    select #from name="from" {
                        @for r in p.revisions { option value=(r.number) selected[r.number + 1 == p.revisions.len() as i64] { (digits.apply(&r.number.to_string())) } }
                    }
                    label for="to" { "กับฉบับที่" }
                    select #to name="to" {
                        @for r in p.revisions { option value=(r.number) selected[r.number == p.revisions.len() as i64] { (digits.apply(&r.number.to_string())) } }
                    }
                    button type="submit" { "เปรียบเทียบ" }
                }
            }
            @if p.revisions.is_empty() {
                p.empty { (digits.apply("ยังไม่มีฉบับที่บันทึกไว้ (ข้อมูลนี้เผยแพร่ก่อนระบบเก็บประวัติ) ฉบับปัจจุบันจะถูกบันทึกเป็นฉบับที่ 1 เมื่อมีการแก้ไขครั้งแรก")) }
            }
            table.list.revisions {
                thead { tr { th { "ฉบับที่" } th { "เมื่อ" } th { "หัวข้อ" } th { "ผู้ขอ / ผู้อนุมัติ / ผู้เผยแพร่" } th { "สิ่งที่แก้ไข" } th { "ไฟล์" } } }
                tbody {
                    @for r in p.revisions.iter().rev() {
                        tr {
                            td { (digits.apply(&r.number.to_string())) }
                            td {
                                @if r.pending {
                                    span.state.state-scheduled { "กำหนดเผยแพร่ " (text::date_of_unix(r.published_at, digits)) }
                                } @else {
                                    (text::date_of_unix(r.created_at.max(r.published_at), digits))
                                }
                            }
                            td { (r.title) }
                            td { (r.requested_by) " / " (r.approved_by) " / " (r.published_by) }
                            td { @if r.note.is_empty() { "เผยแพร่ครั้งแรก" } @else { (r.note) } }
                            td {
                                ul.plain {
                                    @for f in &r.files { li { a href=(revision_file_url(f)) { (f.file_name) } } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn side_by_side(label: &str, old: &str, new: &str) -> Markup {
    let rows = diff(old, new);
    let changed = rows.iter().any(|r| !matches!(r, Row::Same(_)));
    html! {
        tr.field-name { th colspan="2" scope="colgroup" { (label) @if !changed { " (ไม่เปลี่ยน)" } } }
        @if changed {
            @for row in &rows {
                @match row {
                    Row::Same(l) => tr { td { (l) } td { (l) } },
                    Row::Removed(l) => tr { td.removed { del { (l) } } td {} },
                    Row::Added(l) => tr { td {} td.added { ins { (l) } } },
                }
            }
        }
    }
}

fn meta_text(r: &Revision) -> String {
    let place = Place::parse(&r.category).map(|p| format!("{} › {}", p.area.name_th, p.sub.name_th));
    [
        format!("หมวดหมู่: {}", place.unwrap_or_else(|| r.category.clone())),
        format!("แหล่งที่มา: {}", r.source),
        format!("ลิงก์: {}", r.link.as_deref().unwrap_or("-")),
        format!(
            "ช่วงวันที่ของข้อมูล: {} – {}",
            r.period_from.as_deref().unwrap_or("-"),
            r.period_to.as_deref().unwrap_or("-")
        ),
        format!("สิ้นสุดการเผยแพร่: {}", r.expires_on.as_deref().unwrap_or("ไม่กำหนด")),
        format!("ไม่ระบุช่วงเวลาของข้อมูล (ใช้ได้ทุกปี): {}", if r.timeless { "ใช่" } else { "ไม่ใช่" }),
    ]
    .join("\n")
}

fn files_text(r: &Revision) -> String {
    r.files
        .iter()
        .map(|f| format!("{} ({} ไบต์, {})", f.file_name, f.size, &f.sha256[..12.min(f.sha256.len())]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The side-by-side difference of revisions `a` (older, left) and `b` (newer, right).
pub fn diff_page(chrome: &Chrome, bar: &Bar, item: &Item, a: &Revision, b: &Revision) -> Markup {
    let digits = chrome.digits;
    let n = |r: &Revision| digits.apply(&r.number.to_string());
    staff_page(
        chrome,
        bar,
        "เปรียบเทียบฉบับ",
        &[Crumb::link("ประวัติการปรับปรุง", revisions_url(item.id)), Crumb::here("เปรียบเทียบฉบับ")],
        html! {
            h1 { "เปรียบเทียบฉบับที่ " (n(a)) " กับฉบับที่ " (n(b)) }
            p { (item.title) " · " a href=(revisions_url(item.id)) { "กลับไปประวัติการปรับปรุง" } }
            @if !b.note.is_empty() { p { strong { "สิ่งที่แก้ไขในฉบับที่ " (n(b)) ": " } (b.note) } }
            div.table-scroll {
                table.diff {
                    caption { "ซ้าย: ฉบับที่ " (n(a)) " · ขวา: ฉบับที่ " (n(b)) " — " del { "ข้อความที่ลบ" } " " ins { "ข้อความที่เพิ่ม" } }
                    thead {
                        tr {
                            th scope="col" { "ฉบับที่ " (n(a)) " (" (text::date_of_unix(a.created_at, digits)) ")" }
                            th scope="col" { "ฉบับที่ " (n(b)) " (" (text::date_of_unix(b.created_at, digits)) ")" }
                        }
                    }
                    tbody {
                        (side_by_side("หัวข้อ", &a.title, &b.title))
                        (side_by_side("สรุป", &a.summary, &b.summary))
                        (side_by_side("เนื้อหา", &a.body, &b.body))
                        (side_by_side("ข้อมูลประกอบ", &meta_text(a), &meta_text(b)))
                        (side_by_side("เอกสารแนบ", &files_text(a), &files_text(b)))
                    }
                }
            }
        },
    )
}
