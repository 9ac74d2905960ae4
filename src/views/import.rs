//! `/admin/import`: bring the office's old website over — upload, progress, report, runs,
//! and the posts waiting for a category.

use maud::{Markup, html};

use super::forms::{self, Problem, csrf};
use super::staff::{Bar, staff_page};
use super::{Chrome, Crumb, text};
use crate::categories::AREAS;
use crate::import::Report;
use crate::store::imports::{Held, Run};
use crate::thai::Digits;

fn crumbs(here: &str) -> Vec<Crumb> {
    vec![Crumb::here(here)]
}

/// A run in progress, as the browser polls it.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Posts done.
    pub done: u64,
    /// Posts in the export.
    pub total: u64,
    /// The finished report, once done.
    pub report: Option<Report>,
    /// A failure of the machine (disk, database).
    pub failed: Option<String>,
}

fn category_select(name: &str) -> Markup {
    html! {
        select name=(name) required {
            option value="" { "— เลือกหมวดหมู่ —" }
            @for a in AREAS {
                optgroup label=(format!("{} {}", a.code, a.name_th)) {
                    @for s in a.subs {
                        option value=(format!("{}/{}", a.slug, s.slug)) { (s.name_th) }
                    }
                }
            }
        }
    }
}

/// The import page.
pub fn page(
    chrome: &Chrome,
    bar: &Bar,
    runs: &[Run],
    held: &[Held],
    problems: &[Problem],
    busy: bool,
) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        "นำเข้าจากเว็บไซต์เดิม",
        &crumbs("นำเข้าจากเว็บไซต์เดิม"),
        html! {
            h1 { "นำเข้าจากเว็บไซต์เดิม " small lang="en" { "(Import from the old website)" } }
            p { "นำข่าว ประกาศ และเอกสารจากเว็บไซต์ WordPress เดิมเข้ามาเป็นรายการที่เผยแพร่แล้ว พร้อมไฟล์แนบ "
                "ลิงก์เดิมของทุกเรื่อง หมวดหมู่ และไฟล์ จะพาไปยังหน้าใหม่โดยอัตโนมัติ (301) "
                "ส่งออกจาก WordPress ที่เมนู เครื่องมือ → ส่งออก → เนื้อหาทั้งหมด และบีบอัดโฟลเดอร์ wp-content/uploads เป็นไฟล์ zip" }
            @if busy {
                div.notice role="status" { "กำลังนำเข้าอยู่ " a href="/admin/import/progress" { "ดูความคืบหน้า" } }
            }
            section.panel {
                h2 { "นำเข้าไฟล์ส่งออกของ WordPress" }
                (forms::summary(problems, chrome.digits))
                form method="post" action="/admin/import" enctype="multipart/form-data" {
                    (csrf(bar.csrf))
                    div.field {
                        label for="f-wxr" { "ไฟล์ส่งออก (.xml) " small lang="en" { "WordPress export (WXR)" } }
                        input #f-wxr type="file" name="wxr" accept=".xml" required;
                    }
                    div.field {
                        label for="f-uploads" { "ไฟล์ zip ของโฟลเดอร์ uploads " small lang="en" { "wp-content/uploads as .zip" } }
                        input #f-uploads type="file" name="uploads" accept=".zip";
                    }
                    div.field {
                        label for="f-map" { "ไฟล์จับคู่หมวดหมู่ (.toml, ไม่บังคับ) " small lang="en" { "category map" } }
                        input #f-map type="file" name="map" accept=".toml";
                        p.hint { "หมวดที่ไม่ได้ระบุ ระบบจะแนะนำจากคำในชื่อหมวด (เช่น ข่าว → ข่าวประชาสัมพันธ์, จัดซื้อจัดจ้าง → ประกาศจัดซื้อจัดจ้าง, ITA/OIT → 1.5) "
                            "หมวดที่จับคู่ไม่ได้จะรอให้เจ้าหน้าที่เลือกหมวดก่อนเผยแพร่" }
                    }
                    div.field {
                        label { input type="checkbox" name="dry_run" value="1" checked; " ทดลองนำเข้า (ไม่บันทึก ดูรายงานก่อน)" }
                    }
                    div.field {
                        label { input type="checkbox" name="allow_oversize" value="1"; " รับไฟล์ที่ใหญ่เกินขนาดที่กำหนด (ประเภทไฟล์ยังตรวจเสมอ)" }
                    }
                    button type="submit" { "ตรวจและนำเข้า" }
                }
            }
            @if !held.is_empty() {
                section.panel {
                    h2 { "เรื่องที่รอจัดหมวด (" (digits.apply(&held.len().to_string())) ")" }
                    p { "เรื่องเหล่านี้ยังไม่แสดงต่อประชาชน เลือกหมวดหมู่แล้วกดเผยแพร่" }
                    table.list {
                        thead { tr { th { "เรื่อง" } th { "หมวดเดิม" } th { "หมวดหมู่ใหม่" } } }
                        tbody {
                            @for h in held {
                                tr {
                                    td { (h.title) }
                                    td { (h.wp_categories) }
                                    td {
                                        form method="post" action=(format!("/admin/import/held/{}", h.id)) {
                                            (csrf(bar.csrf))
                                            (category_select("category"))
                                            " " button type="submit" { "เผยแพร่" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.panel {
                h2 { "การนำเข้าที่ผ่านมา" }
                @if runs.is_empty() { p { "ยังไม่มีการนำเข้า" } }
                @else {
                    table.list {
                        thead { tr { th { "รอบ" } th { "ไฟล์" } th { "เมื่อ" } th { "โดย" } th { "ผล" } th { "การดำเนินการ" } } }
                        tbody {
                            @for r in runs {
                                tr {
                                    td { (r.id) }
                                    td { (r.file_name) }
                                    td { (text::date_of_unix(r.started_at, digits)) }
                                    td { (r.user_name.as_deref().unwrap_or("คอนโซล")) }
                                    td { (r.summary) }
                                    td {
                                        @if r.undone_at.is_some() { "ยกเลิกแล้ว" }
                                        @else if r.items > 0 || r.held > 0 {
                                            form method="post" action=(format!("/admin/import/{}/undo", r.id)) {
                                                (csrf(bar.csrf))
                                                button.danger type="submit" { "ยกเลิกทั้งรอบ (" (r.items + r.held) " เรื่อง)" }
                                            }
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

/// The progress of a run, and its report once done.
pub fn progress(chrome: &Chrome, bar: &Bar, p: &Progress) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        "ความคืบหน้าการนำเข้า",
        &[Crumb::link("นำเข้าจากเว็บไซต์เดิม", "/admin/import"), Crumb::here("ความคืบหน้า")],
        html! {
            @if let Some(r) = &p.report {
                (report(r, digits))
                p { a href="/admin/import" { "กลับไปหน้านำเข้า" } }
            } @else if let Some(f) = &p.failed {
                div.problems role="alert" { "การนำเข้าหยุดกลางคัน: " (f) }
            } @else {
                // Refreshes itself: no script needed.
                meta http-equiv="refresh" content="1";
                h1 { "กำลังนำเข้า…" }
                @let (done, total) = (digits.apply(&p.done.to_string()), digits.apply(&p.total.to_string()));
                progress #import-progress max=(p.total.max(1)) value=(p.done) { (done) " / " (total) }
                p role="status" { "นำเข้าแล้ว " (done) " จาก " (total) " เรื่อง" }
            }
        },
    )
}

/// A run's report, its numbers in `digits`.
pub fn report(r: &Report, digits: Digits) -> Markup {
    html! {
        h1 {
            @if r.dry_run { "รายงานการทดลองนำเข้า (ยังไม่บันทึก)" } @else { "รายงานการนำเข้า" }
            " " small { (r.file) }
        }
        @if let Some(f) = &r.fatal {
            div.problems role="alert" { "นำเข้าไม่ได้: " (f) }
        } @else {
            p.notice role="status" { (digits.apply(&r.summary())) }
            @if let Some(run) = r.run_id { p { "รอบการนำเข้าที่ " (digits.apply(&run.to_string())) " — ยกเลิกได้ทั้งรอบที่หน้านำเข้า" } }
            @if !r.skipped.is_empty() {
                h2 { "ไม่นำเข้า" }
                ul { @for (why, n) in &r.skipped { li { (why) ": " (digits.apply(&n.to_string())) } } }
            }
            h2 { "การจับคู่หมวดหมู่" }
            table.list {
                thead { tr { th { "หมวดเดิม" } th { "หมวดหมู่ใหม่" } th { "ที่มา" } } }
                tbody {
                    @for c in &r.categories {
                        tr { td { (c.name) } td { (c.place.as_deref().unwrap_or("รอจัดหมวด")) } td { (c.how.label()) } }
                    }
                }
            }
            @if !r.problems.is_empty() {
                h2 { "ปัญหา (" (digits.apply(&r.problems.len().to_string())) ")" }
                table.list {
                    thead { tr { th { "เรื่อง" } th { "เหตุผล" } } }
                    tbody { @for p in &r.problems { tr { td { (p.post) } td { (p.reason) } } } }
                }
            }
        }
    }
}
