//! Visit statistics and the satisfaction survey (seed 1.10): public pages, the survey form,
//! and the admin page with charts by day and by month.

use maud::{Markup, html};

use super::charts;
use super::forms::{self, Problem};
use super::layout::page;
use super::staff::{Bar, staff_page};
use super::{Chrome, Crumb};
use crate::paths;
use crate::store::survey::Results;
use crate::store::visits::Day;
use crate::thai::Digits;
use crate::workflow::survey::{ASPECTS, LEVELS};

/// What the public statistics page shows.
#[derive(Debug, Clone, Default)]
pub struct Public {
    /// Views today, this month, in all.
    pub totals: (u64, u64, u64),
    /// The last 30 days.
    pub days: Vec<Day>,
    /// Most-read items: id, title, reads.
    pub most_read: Vec<(i64, String, u64)>,
    /// Most-downloaded files: attachment id, name, item id, downloads.
    pub downloads: Vec<(i64, String, i64, u64)>,
}

fn n(digits: Digits, v: u64) -> String {
    digits.apply(&v.to_string())
}

/// Short Thai label of a `YYYY-MM-DD` day or `YYYY-MM` month (Buddhist Era).
pub fn period_label(key: &str, digits: Digits) -> String {
    let mut parts = key.split('-');
    let year: i32 = parts.next().and_then(|y| y.parse().ok()).unwrap_or(0);
    let month: i8 = parts.next().and_then(|m| m.parse().ok()).unwrap_or(1);
    let label = match parts.next() {
        Some(day) => format!("{} {}", day.trim_start_matches('0'), crate::thai::month_name(month, true)),
        None => format!("{} {}", crate::thai::month_name(month, true), (year + 543) % 100),
    };
    digits.apply(&label)
}

fn days_table(days: &[Day], digits: Digits, caption: &str) -> Markup {
    html! {
        div.table-wrap {
            table {
                caption { (caption) }
                thead { tr { th scope="col" { "ช่วงเวลา" } th scope="col" { "การเข้าชม (ครั้ง)" } th scope="col" { "ผู้เข้าชม (คน)" } } }
                tbody {
                    @for d in days.iter().rev() {
                        tr { th scope="row" { (period_label(&d.day, digits)) } td { (n(digits, d.views)) } td { (n(digits, d.visitors)) } }
                    }
                }
            }
        }
    }
}

/// `GET /stats`
pub fn public(chrome: &Chrome, s: &Public) -> Markup {
    let digits = chrome.digits;
    let bars: Vec<(String, u64)> =
        s.days.iter().map(|d| (period_label(&d.day, digits), d.visitors)).collect();
    page(
        chrome,
        "สถิติผู้เข้าชมเว็บไซต์",
        &[Crumb::here("สถิติผู้เข้าชม")],
        html! {
            h1 { "สถิติผู้เข้าชมเว็บไซต์" }
            ul.counters {
                li { span { "วันนี้" } strong { (n(digits, s.totals.0)) } }
                li { span { "เดือนนี้" } strong { (n(digits, s.totals.1)) } }
                li { span { "ทั้งหมด" } strong { (n(digits, s.totals.2)) } }
            }
            p.note { "นับจำนวนการเปิดหน้าเว็บ (ครั้ง) และผู้เข้าชมไม่ซ้ำรายวัน (คน) โดยไม่ใช้คุกกี้และไม่เก็บข้อมูลที่ระบุตัวบุคคล ไม่นับโปรแกรมอัตโนมัติ (bot) ตัวเลขปรับปรุงทุก 30 วินาที" }
            h2 { "ผู้เข้าชม " (digits.apply("30")) " วันล่าสุด" }
            (charts::bars("ผู้เข้าชมรายวัน 30 วันล่าสุด", &bars, 5, digits))
            (days_table(&s.days, digits, "การเข้าชมรายวัน"))
            h2 { "ข้อมูลที่มีผู้อ่านมากที่สุด" }
            @if s.most_read.is_empty() { p.empty { "ยังไม่มีข้อมูล" } } @else {
                ol.ranked { @for (id, title, reads) in &s.most_read {
                    li { a href=(paths::item(*id)) { (title) } " " span.count { "(" (n(digits, *reads)) " ครั้ง)" } }
                } }
            }
            h2 { "เอกสารที่ดาวน์โหลดมากที่สุด" }
            @if s.downloads.is_empty() { p.empty { "ยังไม่มีข้อมูล" } } @else {
                ol.ranked { @for (_, name, item, count) in &s.downloads {
                    li { a href=(paths::item(*item)) { (name) } " " span.count { "(" (n(digits, *count)) " ครั้ง)" } }
                } }
            }
        },
    )
}

/// `GET /admin/stats`: charts by day (60 days) and by month (24 months), CSV links.
pub fn admin(chrome: &Chrome, bar: &Bar, days: &[Day], months: &[Day]) -> Markup {
    let digits = chrome.digits;
    let day_bars: Vec<(String, u64)> = days.iter().map(|d| (period_label(&d.day, digits), d.views)).collect();
    let month_bars: Vec<(String, u64)> =
        months.iter().map(|d| (period_label(&d.day, digits), d.views)).collect();
    staff_page(
        chrome,
        bar,
        "สถิติเว็บไซต์",
        &[Crumb::here("สถิติเว็บไซต์")],
        html! {
            h1 { "สถิติเว็บไซต์" }
            p { a href="/admin/stats.csv" download { "ดาวน์โหลดสถิติรายวัน (CSV)" } " · " a href="/admin/survey.csv" download { "ดาวน์โหลดผลแบบประเมินความพึงพอใจ (CSV)" } }
            h2 { "การเข้าชมรายวัน " (digits.apply("60")) " วันล่าสุด" }
            (charts::bars("การเข้าชมรายวัน", &day_bars, 7, digits))
            h2 { "การเข้าชมรายเดือน" }
            (charts::bars("การเข้าชมรายเดือน", &month_bars, 2, digits))
            (days_table(months, digits, "การเข้าชมรายเดือน"))
        },
    )
}

/// `GET /survey`: the form.
pub fn survey_form(
    chrome: &Chrome,
    token: &str,
    chosen: &[Option<u8>; 5],
    comment: &str,
    problems: &[Problem],
) -> Markup {
    page(
        chrome,
        "แบบประเมินความพึงพอใจ",
        &[Crumb::here("แบบประเมินความพึงพอใจ")],
        html! {
            h1 { "แบบประเมินความพึงพอใจต่อเว็บไซต์" }
            p.lead { "ใช้เวลาไม่ถึงหนึ่งนาที ไม่ต้องระบุตัวตน และไม่เก็บข้อมูลส่วนบุคคล ผลรวมแสดงที่ " a href="/survey/results" { "ผลการประเมิน" } }
            (forms::summary(problems, chrome.digits))
            form.survey method="post" action="/survey" {
                input type="hidden" name="token" value=(token);
                @for (i, (name, label)) in ASPECTS.iter().enumerate() {
                    @let problem = problems.iter().find(|p| p.field == *name);
                    @let err = format!("f-{name}-err");
                    fieldset.levels.invalid[problem.is_some()] id=(format!("f-{name}"))
                        aria-describedby=[problem.map(|_| err.clone())] {
                        legend { (i + 1) ". " (label) }
                        @if let Some(p) = problem { p.error id=(err) { (p.message) } }
                        @for (level, level_label) in LEVELS {
                            @let id = format!("f-{name}-{level}");
                            span.level {
                                input type="radio" id=(id) name=(name) value=(level) checked[chosen[i] == Some(level)] required;
                                label for=(id) { (level) " " (level_label) }
                            }
                        }
                    }
                }
                (forms::field("comment", "ข้อเสนอแนะเพิ่มเติม (ไม่บังคับ — กรุณาอย่าใส่ข้อมูลส่วนบุคคล)", comment, forms::Input::Area, false, problems))
                button type="submit" { "ส่งแบบประเมิน" }
            }
        },
    )
}

/// After answering.
pub fn survey_thanks(chrome: &Chrome, again: bool) -> Markup {
    page(
        chrome,
        "ขอบคุณสำหรับการประเมิน",
        &[Crumb::link("แบบประเมินความพึงพอใจ", "/survey"), Crumb::here("ขอบคุณ")],
        html! {
            section.notice {
                h1 { "ขอบคุณที่ร่วมประเมิน" }
                @if again { p { "แบบประเมินนี้ถูกส่งไปแล้ว ระบบบันทึกไว้เพียงครั้งเดียว" } }
                @else { p { "ความเห็นของท่านช่วยให้เราปรับปรุงเว็บไซต์ได้ดีขึ้น" } }
                p { a href="/survey/results" { "ดูผลการประเมิน" } }
            }
        },
    )
}

/// `GET /survey/results?fy=`
pub fn survey_results(chrome: &Chrome, fiscal_year: i32, years: &[i32], r: &Results) -> Markup {
    let digits = chrome.digits;
    let level_name = crate::workflow::survey::band;
    let bars: Vec<(String, u64)> =
        LEVELS.iter().rev().map(|(l, name)| (format!("{l} {name}"), r.overall[(*l - 1) as usize])).collect();
    page(
        chrome,
        "ผลการประเมินความพึงพอใจ",
        &[Crumb::link("แบบประเมินความพึงพอใจ", "/survey"), Crumb::here("ผลการประเมิน")],
        html! {
            h1 { "ผลการประเมินความพึงพอใจ ปีงบประมาณ " (digits.apply(&fiscal_year.to_string())) }
            (super::forms::year_picker("/survey/results", years, fiscal_year, digits))
            @if r.count == 0 {
                p.empty { "ยังไม่มีผู้ตอบแบบประเมินในปีงบประมาณนี้" }
            } @else {
                p.score {
                    "ความพึงพอใจโดยรวมเฉลี่ย " strong { (digits.apply(&format!("{:.2}", r.averages[4]))) } " จาก " (digits.apply("5")) " ("
                    (level_name(r.averages[4])) ") จากผู้ตอบ " (digits.apply(&r.count.to_string())) " คน"
                }
                div.table-wrap {
                    table {
                        thead { tr { th scope="col" { "ด้าน" } th scope="col" { "ค่าเฉลี่ย" } th scope="col" { "ระดับ" } } }
                        tbody {
                            @for (i, (_, label)) in ASPECTS.iter().enumerate() {
                                tr { th scope="row" { (label) } td { (digits.apply(&format!("{:.2}", r.averages[i]))) } td { (level_name(r.averages[i])) } }
                            }
                        }
                    }
                }
                p.note {
                    "เกณฑ์การแปลผลค่าเฉลี่ย: "
                    (digits.apply("4.51–5.00 มากที่สุด, 3.51–4.50 มาก, 2.51–3.50 ปานกลาง, 1.51–2.50 น้อย, 1.00–1.50 น้อยที่สุด"))
                }
                h2 { "การกระจายของความพึงพอใจโดยรวม" }
                (charts::bars("จำนวนผู้ตอบตามระดับความพึงพอใจโดยรวม", &bars, 1, digits))
            }
            p { a.button href="/survey" { "ร่วมตอบแบบประเมิน" } }
        },
    )
}
