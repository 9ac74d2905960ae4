//! Compliance pages: the web masters' dashboard, the public `/ita` index, the checklists page
//! with the import form, tagging published items, and the evidence reports.

use jiff::civil::Date;
use maud::{DOCTYPE, Markup, html};

use super::forms::{self, Problem, csrf};
use super::layout::page;
use super::staff::{Bar, Signature, print_sheet, staff_page};
use super::{Chrome, Crumb, text};
use crate::categories::Place;
use crate::compliance::builtin::Check;
use crate::compliance::checklist::{Checklist, Item, Library, Origin};
use crate::compliance::checks::Held;
use crate::compliance::period::Period;
use crate::compliance::status::{Colour, Evidence, ItemStatus, SchemeStatus};
use crate::compliance::suggest;
use crate::paths;
use crate::store::compliance::{Tag, TaggedItem};
use crate::store::reports::{LogRow, Summary};
use crate::store::requests::Request;
use crate::thai::{self, Digits};

const HOME: &str = "/admin/compliance";

fn crumbs(here: &str) -> Vec<Crumb> {
    vec![Crumb::link("ความครบถ้วนของข้อมูล (ITA/MOIT)", HOME), Crumb::here(here)]
}

fn pill(colour: Colour) -> Markup {
    html! { span class=(format!("pill pill-{}", colour.name())) { (colour.label_th()) } }
}

/// A scheme's name for people: `MOIT`, `ITA (OIT)`, …
pub fn scheme_label(scheme: &str) -> &str {
    match scheme {
        "ITA" => "ITA (OIT)",
        "OIA" => "พ.ร.บ.ข้อมูลข่าวสารฯ",
        "GWS" => "มาตรฐานเว็บไซต์ภาครัฐ",
        other => other,
    }
}

/// An item's code with its scheme, without saying `MOIT` twice: `MOIT 2.1`, `ITA (OIT) O11`.
pub fn code_label(scheme: &str, code: &str) -> String {
    if code.starts_with(scheme) { code.to_owned() } else { format!("{} {code}", scheme_label(scheme)) }
}

/// `ใช้เกณฑ์ปี 2569` when the checklist in force is older than the year judged.
fn carried_over(list: &Checklist, fy: i32, digits: Digits) -> Markup {
    html! {
        @if list.year != fy {
            p.note { (digits.apply(&format!("ยังไม่มีเกณฑ์ของปีงบประมาณ {fy} จึงใช้เกณฑ์ปี {} ไปก่อน", list.year))) }
        }
    }
}

/// The year chooser shared by the dashboard and the public page.
fn year_links(base: &str, extra: &str, years: &[i32], fy: i32, digits: Digits) -> Markup {
    html! {
        nav.years aria-label="ปีงบประมาณ" {
            "ปีงบประมาณ: "
            @for y in years {
                @if *y == fy { strong aria-current="page" { (digits.apply(&y.to_string())) } }
                @else { a href=(format!("{base}?year={y}{extra}")) { (digits.apply(&y.to_string())) } }
                " "
            }
        }
    }
}

/// What the dashboard shows.
#[derive(Debug)]
pub struct Dashboard<'a> {
    /// The fiscal year judged.
    pub fiscal_year: i32,
    /// The date judged on.
    pub on: Date,
    /// Whether `on` is a chosen date rather than today.
    pub as_of: bool,
    /// Years to offer.
    pub years: Vec<i32>,
    /// Every scheme's result.
    pub schemes: Vec<SchemeStatus<'a>>,
    /// Published items without any tag.
    pub untagged: usize,
    /// Tags of the year held back until a second web master confirms them, with their scheme.
    pub held: Vec<(String, Held)>,
    /// The account looking (cannot confirm its own tags).
    pub me: i64,
    /// The last ended quarter and the current one, with the day their complaint statistics
    /// were published: `(fiscal year, quarter, published)`.
    pub quarters: Vec<(i32, u8, Option<Date>)>,
    /// Whether no 2570 (or later) MOIT or ITA list is known.
    pub no_2570: bool,
    /// What was just done (`confirmed`, `stats`), for the notice.
    pub done: String,
    /// Published items that state no period covered (seed 2.1.3), to complete.
    pub without_period: Vec<crate::store::items::ItemSummary>,
}

fn card_class(colour: Colour, group: bool, member: bool) -> String {
    let mut class = format!("crit crit-{}", colour.name());
    if group {
        class.push_str(" group");
    }
    if member {
        class.push_str(" member");
    }
    class
}

fn status_card(code: &str, item: &Item, status: &ItemStatus, group: bool, digits: Digits) -> Markup {
    html! {
        article class=(card_class(status.colour, group, item.parent.is_some())) id=(format!("c-{}", code.replace(' ', "-"))) {
            h3 {
                (pill(status.colour)) " "
                span.code { (digits.apply(code)) } " " (digits.apply(&item.title_th))
            }
            p.why { (digits.apply(&status.reason)) }
            @if !status.next.is_empty() { p.next { "สิ่งที่ต้องทำ: " (digits.apply(&status.next)) } }
            @if !status.cells.is_empty() {
                ol.cells {
                    @for cell in &status.cells {
                        li class=(format!("cell pill-{}", cell.colour.name())) title=(format!("{}: {}", cell.label, cell.colour.label_th())) {
                            @match cell.evidence.first() {
                                Some(id) => a href=(paths::item(*id)) { (digits.apply(&cell.label)) },
                                None => (digits.apply(&cell.label)),
                            }
                        }
                    }
                }
            }
            @if let Some(b) = &status.builtin {
                p.builtin {
                    "ระบบในตัว: "
                    @if b.ok { a href=(b.href) { (b.title) } } @else { (b.title) }
                    " — " (digits.apply(&b.detail))
                }
            }
            @if !status.evidence.is_empty() && status.cells.is_empty() {
                ul.evidence {
                    @for e in &status.evidence {
                        li { a href=(paths::item(e.item_id)) { (e.title) } }
                    }
                }
            }
        }
    }
}

/// The tags waiting for a second web master, each with its doubts and a confirm button.
fn review(d: &Dashboard, csrf_token: &str, digits: Digits) -> Markup {
    html! {
        section.panel #review {
            h2 { "ตรวจสอบ: ป้ายที่รอผู้ดูแลเว็บไซต์อีกคนยืนยัน (" (digits.apply(&d.held.len().to_string())) ")" }
            p { "ป้ายเหล่านี้ยังไม่นับคะแนน เพราะมีข้อสงสัยด้านล่าง ผู้ดูแลเว็บไซต์ที่ไม่ได้ติดป้ายนั้นเปิดรายการแล้วยืนยัน หรือลบป้ายที่หน้ารายการ" }
            @if d.held.is_empty() { p.empty { "ไม่มีป้ายที่ต้องตรวจสอบ" } }
            @else {
                form method="post" action="/admin/compliance/tags/confirm" {
                    (csrf(csrf_token))
                    ul.review {
                        @for (scheme, h) in &d.held {
                            li.held id=(format!("held-{}", h.evidence.tag_id)) {
                                span.pill.pill-amber { "ตรวจสอบ" } " "
                                strong { (code_label(scheme, &h.code)) } " ← "
                                a href=(paths::item(h.evidence.item_id)) { (h.evidence.title) }
                                " " small { (text::date(h.evidence.published, digits)) }
                                ul { @for c in &h.concerns { li { (digits.apply(&c.label_th())) } } }
                                @if h.tagged_by == Some(d.me) {
                                    p.note { "คุณเป็นผู้ติดป้ายนี้ ต้องให้ผู้ดูแลเว็บไซต์คนอื่นยืนยัน" }
                                } @else {
                                    p {
                                        input type="checkbox" name="tag" value=(h.evidence.tag_id) id=(format!("cf-{}", h.evidence.tag_id));
                                        " " label for=(format!("cf-{}", h.evidence.tag_id)) { "ตรวจแล้ว เป็นหลักฐานจริงของข้อนี้" }
                                        " · " a href=(format!("/admin/compliance/items/{}", h.evidence.item_id)) { "แก้ไข/ลบป้าย" }
                                    }
                                }
                            }
                        }
                    }
                    @if d.held.iter().any(|(_, h)| h.tagged_by != Some(d.me)) {
                        button type="submit" { "ยืนยันป้ายที่เลือก" }
                    }
                }
            }
        }
    }
}

/// The quarterly complaint statistics: published or not, and the button.
fn stats_panel(d: &Dashboard, csrf_token: &str, digits: Digits) -> Markup {
    let today = thai::today();
    html! {
        section.panel #stats {
            h2 { "สถิติเรื่องร้องเรียนรายไตรมาส (ITA O18, MOIT 10)" }
            p { "หน้า " a href="/eservices/stats" { "/eservices/stats" } " นับจากเรื่องที่รับทางเว็บไซต์ "
                "เมื่อสิ้นไตรมาส ตรวจตัวเลขให้ครบ (รวมเรื่องที่รับทางอื่น) แล้วกดเผยแพร่ จึงนับเป็นหลักฐาน" }
            ul.plain {
                @for (fy, q, published) in &d.quarters {
                    @let ended = Period::Quarter(*q).range(*fy).1 < today;
                    li {
                        (digits.apply(&format!("ไตรมาส {q} ปีงบประมาณ {fy}: ")))
                        @match published {
                            Some(on) => { strong { "เผยแพร่แล้ว " (text::date(*on, digits)) } }
                            None if ended => { strong.overdue { "ยังไม่ได้เผยแพร่" } }
                            None => { "ยังไม่สิ้นไตรมาส" }
                        }
                        @if ended {
                            form.inline-form method="post" action="/admin/compliance/complaint-stats" {
                                (csrf(csrf_token))
                                input type="hidden" name="year" value=(fy);
                                input type="hidden" name="quarter" value=(q);
                                @if published.is_some() {
                                    input type="hidden" name="withdraw" value="1";
                                    button.secondary type="submit" { "ยกเลิกการเผยแพร่" }
                                } @else {
                                    button type="submit" { "ตรวจแล้ว เผยแพร่สถิติไตรมาส" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The web masters' dashboard (seed 4.3).
pub fn dashboard(chrome: &Chrome, bar: &Bar, d: &Dashboard) -> Markup {
    let digits = chrome.digits;
    let title = format!("ความครบถ้วนของข้อมูล ปีงบประมาณ {}", d.fiscal_year);
    staff_page(
        chrome,
        bar,
        &digits.apply(&title),
        &[Crumb::here("ความครบถ้วนของข้อมูล (ITA/MOIT)")],
        html! {
            h1 { (digits.apply(&title)) }
            p.lead {
                "ตรวจตามเกณฑ์ MOIT, ITA (OIT), พ.ร.บ.ข้อมูลข่าวสารฯ มาตรา 7 และ 9 และมาตรฐานเว็บไซต์ภาครัฐ ณ วันที่ "
                (text::date(d.on, digits))
                @if d.as_of { " (วันที่ที่เลือก)" }
            }
            (year_links(HOME, "", &d.years, d.fiscal_year, digits))
            @match d.done.as_str() {
                "confirmed" => div.notice role="status" { "ยืนยันป้ายแล้ว ป้ายนี้นับเป็นหลักฐานตั้งแต่บัดนี้" },
                "stats" => div.notice role="status" { "บันทึกการเผยแพร่สถิติเรื่องร้องเรียนแล้ว" },
                _ => {},
            }
            p.note {
                "นับเฉพาะป้ายที่ผู้ดูแลเว็บไซต์ติ๊กเลือกเอง และระบบในตัวของเว็บไซต์ที่เปิดใช้งานอยู่ "
                "ป้ายที่น่าสงสัยรอผู้ดูแลเว็บไซต์อีกคนยืนยันก่อน (ดู “ตรวจสอบ” ด้านล่าง)"
            }
            @if d.no_2570 {
                p.note #criteria-2570 {
                    "ยังไม่พบเกณฑ์ ITA (สำนักงาน ป.ป.ช.) และ MOIT (กระทรวงสาธารณสุข) ของปีงบประมาณ 2570 ที่ประกาศแล้ว "
                    "จึงใช้เกณฑ์ปีล่าสุดที่มีไปก่อน เมื่อประกาศแล้ว ผู้ดูแลระบบนำเข้าไฟล์เกณฑ์ได้ที่ "
                    a href="/admin/compliance/checklists" { "เกณฑ์ที่ใช้ / นำเข้าเกณฑ์ใหม่" }
                }
            }
            p.actions-row {
                a.button href="/admin/compliance/items?untagged=1" { "ติดป้ายรายการที่เผยแพร่ (" (d.untagged) " รายการยังไม่มีป้าย)" }
                " " a.button.secondary href="/admin/compliance/reports" { "รายงานหลักฐาน" }
                " " a.button.secondary href="/admin/compliance/checklists" { "เกณฑ์ที่ใช้ / นำเข้าเกณฑ์ใหม่" }
                " " a.button.secondary href="/ita" { "หน้าสาธารณะ /ita" }
            }
            @if !d.without_period.is_empty() {
                details.panel #without-period {
                    summary {
                        "ข้อมูลที่ยังไม่ระบุช่วงวันที่ของข้อมูล (" (digits.apply(&d.without_period.len().to_string())) " รายการ)"
                    }
                    div.body {
                        p { "ประกาศฯ ข้อ ๒.๑.๓ และ ๓.๒ ให้ระบุข้อมูลกำกับครบถ้วน รวมถึงช่วงเวลาของข้อมูล รายการเหล่านี้เผยแพร่ก่อนที่ระบบจะบังคับ กรุณาขอแก้ไขให้ระบุช่วงวันที่ หรือระบุว่าไม่จำกัดช่วงเวลา" }
                        ul {
                            @for it in &d.without_period {
                                li { a href=(crate::paths::item(it.id)) { (it.title) } " — " (text::date_of_unix(it.published_at, digits)) }
                            }
                        }
                    }
                }
            }
            form.inline-form method="get" action=(HOME) {
                input type="hidden" name="year" value=(d.fiscal_year);
                label for="on" { "ดูสถานะ ณ วันที่" }
                input #on type="date" name="on" value=(d.on.to_string());
                button.secondary type="submit" { "แสดง" }
            }
            ul.legend {
                li { (pill(Colour::Green)) " มีหลักฐานและเป็นปัจจุบัน" }
                li { (pill(Colour::Amber)) " มีแต่ไม่เป็นปัจจุบัน ใกล้ครบกำหนด หรือใกล้สิ้นสุดการเผยแพร่ (ภายใน 14 วัน)" }
                li { (pill(Colour::Red)) " ยังไม่มี หรือเลยกำหนด" }
                li { (pill(Colour::Pending)) " ยังไม่ถึงกำหนด" }
            }
            (review(d, bar.csrf, digits))
            (stats_panel(d, bar.csrf, digits))
            @for s in &d.schemes {
                @let [pending, green, amber, red] = s.counts();
                section.panel.scheme id=(format!("s-{}", s.checklist.scheme)) {
                    h2 { (s.checklist.title_th) }
                    p.score {
                        span.big { (digits.apply(&s.score().to_string())) } (digits.apply("/100 · "))
                        (pill(Colour::Green)) " " (digits.apply(&green.to_string())) " · "
                        (pill(Colour::Amber)) " " (digits.apply(&amber.to_string())) " · "
                        (pill(Colour::Red)) " " (digits.apply(&red.to_string())) " · "
                        (pill(Colour::Pending)) " " (digits.apply(&pending.to_string()))
                    }
                    (carried_over(s.checklist, d.fiscal_year, digits))
                    @for row in &s.rows {
                        (status_card(&row.item.code, row.item, &row.status, row.group, digits))
                    }
                }
            }
        },
    )
}

/// One link of the public index.
#[derive(Debug, Clone)]
pub struct PublicLink {
    /// Where it goes.
    pub href: String,
    /// Its title.
    pub title: String,
    /// Its publication day (none for a built-in page, which is live).
    pub date: Option<Date>,
    /// The fiscal year and period it covers.
    pub covers: Option<(i32, Period)>,
    /// Whether it is the previous year's evidence, shown because this year's is not out yet.
    pub previous_year: bool,
    /// What the built-in page shows, for a built-in feature.
    pub live: Option<String>,
}

impl PublicLink {
    /// A published item tagged as evidence.
    pub fn item(e: &Evidence, previous_year: bool) -> PublicLink {
        PublicLink {
            href: paths::item(e.item_id),
            title: e.title.clone(),
            date: Some(e.published),
            covers: Some((e.fiscal_year, e.period)),
            previous_year,
            live: None,
        }
    }

    /// A page of the site itself.
    pub fn builtin(c: &Check) -> PublicLink {
        PublicLink {
            href: c.href.clone(),
            title: c.title.clone(),
            date: None,
            covers: None,
            previous_year: false,
            live: Some(c.detail.clone()),
        }
    }
}

/// One item of the public index: its evidence links, visible now.
#[derive(Debug)]
pub struct PublicRow<'a> {
    /// The checklist item.
    pub item: &'a Item,
    /// Whether it is a group heading.
    pub group: bool,
    /// Its evidence for the year.
    pub links: Vec<PublicLink>,
    /// The previous year's evidence, when the year's own is not out yet.
    pub previous: Vec<PublicLink>,
    /// `Some(due)` when the year's evidence is not complete: "in progress", due then (if known).
    pub in_progress: Option<Option<Date>>,
}

fn public_link(l: &PublicLink, digits: Digits) -> Markup {
    html! {
        li {
            a href=(l.href) { (l.title) }
            @if let Some(d) = l.date { " " small.date { "เผยแพร่ " (text::date(d, digits)) } }
            @if let Some((fy, p)) = l.covers {
                " " small.period {
                    "· " @if p == Period::Year { (digits.apply(&format!("ปีงบประมาณ {fy}"))) }
                    @else { (digits.apply(&format!("{} ปีงบประมาณ {fy}", p.label_th(fy)))) }
                }
            }
            @if let Some(live) = &l.live { " " small.live { "· ระบบของเว็บไซต์ (" (digits.apply(live)) ")" } }
            @if l.previous_year { " " span.pill.pill-amber { "หลักฐานของปีที่ผ่านมา" } }
        }
    }
}

/// The public `/ita` page: every item of one scheme for one year with links to its evidence.
pub fn ita(
    chrome: &Chrome,
    library: &Library,
    list: &Checklist,
    fy: i32,
    years: &[i32],
    rows: &[PublicRow],
) -> Markup {
    let digits = chrome.digits;
    let title = format!("การเปิดเผยข้อมูลสาธารณะ (ITA/MOIT) ปีงบประมาณ {fy}");
    let extra = format!("&scheme={}", paths::percent_encode_segment(&list.scheme));
    page(
        chrome,
        &digits.apply(&title),
        &[Crumb::here("การเปิดเผยข้อมูลสาธารณะ (ITA)")],
        html! {
            h1 { (digits.apply(&title)) }
            p.lead { "ดัชนีหลักฐานบนเว็บไซต์นี้ตามเกณฑ์การประเมิน สำหรับผู้ประเมินและประชาชน แต่ละข้อเชื่อมโยงไปยังรายการที่เผยแพร่ พร้อมวันที่เผยแพร่และช่วงเวลาที่ครอบคลุม" }
            nav.tabs aria-label="เกณฑ์" {
                @for scheme in library.schemes() {
                    @if scheme == list.scheme { strong aria-current="page" { (scheme_label(scheme)) } }
                    @else { a href=(format!("/ita?year={fy}&scheme={}", paths::percent_encode_segment(scheme))) { (scheme_label(scheme)) } }
                    " "
                }
            }
            (year_links("/ita", &extra, years, fy, digits))
            h2 { (list.title_th) }
            p lang="en" { small { (list.title_en) } }
            (carried_over(list, fy, digits))
            ol.ita {
                @for row in rows {
                    li class=(match (row.group, row.item.parent.is_some()) { (true, _) => "group", (_, true) => "member", _ => "" }) {
                        span.code { (digits.apply(&row.item.code)) } " "
                        strong { (digits.apply(&row.item.title_th)) }
                        " " small lang="en" { (row.item.title_en) }
                        @if !row.group {
                            @if !row.links.is_empty() {
                                ul { @for l in &row.links { (public_link(l, digits)) } }
                            }
                            @if let Some(due) = row.in_progress {
                                p.progress {
                                    "อยู่ระหว่างดำเนินการ"
                                    @if let Some(d) = due { " · กำหนดเผยแพร่ภายใน " (text::date(d, digits)) }
                                }
                            }
                            @if !row.previous.is_empty() {
                                ul.previous { @for l in &row.previous { (public_link(l, digits)) } }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The checklists in force and, for admins, the form to import a newer one.
pub fn checklists(
    chrome: &Chrome,
    bar: &Bar,
    library: &Library,
    admin: bool,
    problems: &[Problem],
    done: Option<&str>,
) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        "เกณฑ์ที่ใช้ตรวจ",
        &crumbs("เกณฑ์ที่ใช้ตรวจ"),
        html! {
            h1 { "เกณฑ์ที่ใช้ตรวจ (Checklists)" }
            @if let Some(msg) = done { div.notice role="status" { (msg) } }
            table.list {
                thead { tr { th { "เกณฑ์" } th { "ปีงบประมาณ" } th { "จำนวนข้อ" } th { "ที่มา" } } }
                tbody {
                    @for (list, origin) in library.all() {
                        tr {
                            td { (list.title_th) br; small lang="en" { (list.title_en) } }
                            td { (digits.apply(&list.year.to_string())) }
                            td { (digits.apply(&list.leaves().count().to_string())) }
                            td { @match origin { Origin::Embedded => "มากับโปรแกรม", Origin::Imported => strong { "นำเข้าโดยผู้ดูแลระบบ" } } }
                        }
                    }
                }
            }
            @if admin {
                section.panel {
                    h2 { "นำเข้าเกณฑ์ฉบับใหม่ (Import a checklist file)" }
                    p { "ไฟล์ TOML แบบเดียวกับที่มากับโปรแกรม (scheme, year, [[item]] ที่มี code, title_th, title_en, evidence_th, refresh, categories) "
                        "ไฟล์ที่นำเข้าจะใช้แทนเกณฑ์ที่มากับโปรแกรมสำหรับเกณฑ์และปีเดียวกัน หรือทำคำสั่ง " code { "prakat checklist import FILE" } }
                    (forms::summary(problems, chrome.digits))
                    form method="post" action="/admin/compliance/checklists" enctype="multipart/form-data" {
                        (csrf(bar.csrf))
                        div.field.invalid[!problems.is_empty()] {
                            label for="f-file" { "ไฟล์เกณฑ์ (.toml)" }
                            input #f-file type="file" name="file" accept=".toml" required;
                        }
                        button type="submit" { "ตรวจและนำเข้า" }
                    }
                }
            }
        },
    )
}

/// A checkbox choice of checklist item.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Form value, `SCHEME|CODE`.
    pub value: String,
    /// Label.
    pub label: String,
    /// Why it is suggested (empty for the others).
    pub why: String,
}

/// Checklist items to offer when tagging, for one fiscal year. Suggestions are shown first,
/// ranked, and never ticked: a web master ticks what the item really is evidence for.
#[derive(Debug, Clone, Default)]
pub struct TagChoices {
    /// Items that may fit, best first.
    pub suggested: Vec<Choice>,
    /// Every other item, per scheme.
    pub others: Vec<(String, Vec<Choice>)>,
}

/// Most suggestions shown.
const MAX_SUGGESTIONS: usize = 12;

impl TagChoices {
    /// The choices for `category` from the checklists in force for `fy`, by category only.
    pub fn new(library: &Library, category: &str, fy: i32) -> TagChoices {
        TagChoices::ranked(library, category, "", Period::Year, fy)
    }

    /// The choices for a publication titled `title` in `category` covering `period`, from the
    /// checklists in force for `fy`: suggestions ranked by [`suggest::fit`], the rest per scheme.
    pub fn ranked(library: &Library, category: &str, title: &str, period: Period, fy: i32) -> TagChoices {
        let choice = |scheme: &str, i: &Item, why: String| Choice {
            value: format!("{scheme}|{}", i.code),
            label: format!("{} — {} ({})", code_label(scheme, &i.code), i.title_th, i.refresh.label_th()),
            why,
        };
        let mut scored: Vec<(u32, usize, Choice)> = Vec::new();
        let lists = library.in_force(fy);
        for l in &lists {
            // Items a built-in feature satisfies need no tag.
            for i in l.leaves().filter(|i| i.builtin.is_none()) {
                if let Some((score, why)) = suggest::fit(i, category, title, period) {
                    let n = scored.len();
                    scored.push((score, n, choice(&l.scheme, i, why)));
                }
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let suggested: Vec<Choice> = scored.into_iter().take(MAX_SUGGESTIONS).map(|(_, _, c)| c).collect();
        let others = lists
            .into_iter()
            .map(|l| {
                let rest = l
                    .leaves()
                    .map(|i| choice(&l.scheme, i, String::new()))
                    .filter(|c| !suggested.iter().any(|s| s.value == c.value))
                    .collect();
                (l.title_th.clone(), rest)
            })
            .collect();
        TagChoices { suggested, others }
    }
}

/// The fieldset that tags a published item: fiscal year, period, checklist items.
pub fn tag_fieldset(
    choices: &TagChoices,
    ticked: &[String],
    year: &str,
    period: &str,
    problems: &[Problem],
    fy_now: i32,
    digits: Digits,
) -> Markup {
    let box_ = |c: &Choice| {
        let id = format!("t-{}", c.value.replace(['|', ' ', '(', ')', '.'], "-"));
        html! {
            li {
                input id=(id) type="checkbox" name="tags" value=(c.value) checked[ticked.contains(&c.value)];
                label for=(id) { (digits.apply(&c.label)) @if !c.why.is_empty() { br; small.why { (digits.apply(&c.why)) } } }
            }
        }
    };
    let year_problem = problems.iter().find(|p| p.field == "tag_year");
    let tags_problem = problems.iter().find(|p| p.field == "tags");
    let fy_shown: i32 = year.trim().parse().unwrap_or(fy_now);
    html! {
        fieldset.tags {
            legend { "หลักฐานตามเกณฑ์ ITA/MOIT (ติดป้าย)" }
            p.hint { "ติ๊กเฉพาะข้อของเกณฑ์ที่รายการนี้เป็นหลักฐานจริง ระบบแนะนำข้อที่อาจเกี่ยวข้องไว้ด้านบน (ยังไม่ได้เลือก) "
                "ไม่ติ๊กเลยก็ได้ ป้ายบันทึกชื่อผู้ติดป้ายและเวลา ป้ายที่น่าสงสัยต้องให้ผู้ดูแลเว็บไซต์อีกคนยืนยันก่อนนับ "
                "แก้ไขภายหลังได้ที่หน้า “ความครบถ้วนของข้อมูล”" }
            div.pair {
                div.field.invalid[year_problem.is_some()] {
                    label for="f-tag_year" { "ปีงบประมาณ (พ.ศ.)" }
                    @if let Some(p) = year_problem { p.error { (p.message) } }
                    input #f-tag_year type="number" name="tag_year" value=(year) min="2540" max="2700";
                }
                div.field {
                    label for="f-tag_period" { "ช่วงที่ครอบคลุม" }
                    select #f-tag_period name="tag_period" {
                        @for p in Period::all() {
                            option value=(p.code()) selected[p.code() == period] { (p.label_th(fy_shown)) }
                        }
                    }
                }
            }
            div.field.invalid[tags_problem.is_some()] #f-tags {
                @if let Some(p) = tags_problem { p.error { (p.message) } }
                @if choices.suggested.is_empty() {
                    p.empty { "ไม่มีข้อที่แนะนำสำหรับรายการนี้" }
                } @else {
                    p { strong { "ข้อที่อาจเกี่ยวข้อง (แนะนำ ยังไม่ได้เลือก):" } }
                    ul.plain.choices { @for c in &choices.suggested { (box_(c)) } }
                }
                @for (title, list) in &choices.others {
                    @if !list.is_empty() {
                        details open[list.iter().any(|c| ticked.contains(&c.value))] {
                            summary { (title) }
                            ul.plain.choices { @for c in list { (box_(c)) } }
                        }
                    }
                }
            }
        }
    }
}

fn tag_chips(tags: &[Tag], digits: Digits) -> Markup {
    html! {
        @for t in tags {
            @let p = Period::parse(&t.tag.period).unwrap_or(Period::Year);
            span.tag { (digits.apply(&code_label(&t.tag.scheme, &t.tag.code))) " · " (digits.apply(&t.tag.fiscal_year.to_string()))
                @if p != Period::Year { " · " (digits.apply(&p.label_th(t.tag.fiscal_year))) }
                " · " small.tagger {
                    @match &t.tagged_by {
                        Some((_, name)) => { "ติดป้ายโดย " (name) " " (text::date_of_unix(t.tagged_at, digits)) }
                        None => { "ป้ายเดิม (ไม่ทราบผู้ติดป้าย)" }
                    }
                    @if let Some((_, name, at)) = &t.confirmed { " · ยืนยันโดย " (name) " " (text::date_of_unix(*at, digits)) }
                }
            }
            " "
        }
    }
}

/// Published items with their tags.
pub fn tagged_items(chrome: &Chrome, bar: &Bar, items: &[TaggedItem], untagged_only: bool) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        "ป้ายหลักฐานของรายการที่เผยแพร่",
        &crumbs("ป้ายหลักฐาน"),
        html! {
            h1 { "ป้ายหลักฐานของรายการที่เผยแพร่" }
            p {
                @if untagged_only { "แสดงเฉพาะรายการที่ยังไม่มีป้าย · " a href="/admin/compliance/items" { "แสดงทั้งหมด" } }
                @else { a href="/admin/compliance/items?untagged=1" { "แสดงเฉพาะรายการที่ยังไม่มีป้าย" } }
            }
            @if items.is_empty() { p.empty { "ไม่มีรายการ" } }
            ul.tagged {
                @for it in items {
                    li {
                        a.title href=(format!("/admin/compliance/items/{}", it.id)) { (it.title) }
                        " " small { (text::date_of_unix(it.published_at, digits))
                            @if let Some(pl) = Place::parse(&it.category) { " · " (digits.apply(pl.sub.name_th)) }
                            @if it.state != "published" { " · " (if it.state == "expired" { "สิ้นสุดการเผยแพร่แล้ว" } else { "ถอนการเผยแพร่แล้ว" }) } }
                        br;
                        @if it.tags.is_empty() { span.empty { "ยังไม่มีป้าย" } } @else { (tag_chips(&it.tags, digits)) }
                    }
                }
            }
        },
    )
}

/// The tag editor's form data.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TagForm {
    /// CSRF token.
    #[serde(default)]
    pub csrf: String,
    /// Ticked `SCHEME|CODE` values to add.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Fiscal year for the added tags.
    #[serde(default)]
    pub tag_year: String,
    /// Period for the added tags.
    #[serde(default)]
    pub tag_period: String,
    /// Ids of existing tags to remove.
    #[serde(default)]
    pub remove: Vec<i64>,
}

/// The tag editor of one published item.
pub fn tag_editor(
    chrome: &Chrome,
    bar: &Bar,
    item: &TaggedItem,
    choices: &TagChoices,
    form: &TagForm,
    problems: &[Problem],
    fy_now: i32,
) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        &item.title,
        &crumbs("ป้ายหลักฐาน"),
        html! {
            h1 { "ป้ายหลักฐาน: " (item.title) }
            p { a href=(paths::item(item.id)) { "ดูรายการบนเว็บไซต์" } " · " a href="/admin/compliance/items" { "กลับไปรายการทั้งหมด" } }
            (forms::summary(problems, chrome.digits))
            form.request method="post" action=(format!("/admin/compliance/items/{}", item.id)) {
                (csrf(bar.csrf))
                @if !item.tags.is_empty() {
                    fieldset {
                        legend { "ป้ายที่มีอยู่ (เลือกเพื่อลบ)" }
                        ul.plain.choices {
                            @for t in &item.tags {
                                li {
                                    input id=(format!("rm-{}", t.id)) type="checkbox" name="remove" value=(t.id) checked[form.remove.contains(&t.id)];
                                    label for=(format!("rm-{}", t.id)) { (tag_chips(std::slice::from_ref(t), digits)) }
                                }
                            }
                        }
                    }
                }
                (tag_fieldset(choices, &form.tags, &form.tag_year, &form.tag_period, problems, fy_now, digits))
                div.actions { button type="submit" { "บันทึกป้าย" } }
            }
        },
    )
}

/// The reports page: choose a year, a quarter or a period.
pub fn reports(chrome: &Chrome, bar: &Bar, fy: i32, quarter: u8, from: Date, to: Date) -> Markup {
    staff_page(
        chrome,
        bar,
        "รายงานหลักฐาน",
        &crumbs("รายงานหลักฐาน"),
        html! {
            h1 { "รายงานหลักฐาน (MOIT 1 และรายไตรมาส)" }
            section.panel {
                h2 { "รายงานการเผยแพร่ข้อมูลผ่านเว็บไซต์ประจำปี (MOIT 1)" }
                p { "ทุกคำขอของปีงบประมาณ: วันที่ ผลการพิจารณา ผู้อนุมัติ ผู้เผยแพร่ และลิงก์ พิมพ์บนกระดาษ A4 หรือดาวน์โหลด CSV" }
                form.inline-form method="get" action="/admin/compliance/report" {
                    label for="r-year" { "ปีงบประมาณ" }
                    input #r-year type="number" name="year" value=(fy) min="2540" max="2700";
                    button type="submit" { "แสดงรายงาน (พิมพ์ได้)" }
                    button.secondary type="submit" formaction="/admin/compliance/report.csv" { "ดาวน์โหลด CSV" }
                }
            }
            section.panel {
                h2 { "สรุปรายไตรมาส" }
                form.inline-form method="get" action="/admin/compliance/quarter" {
                    label for="q-year" { "ปีงบประมาณ" }
                    input #q-year type="number" name="year" value=(fy) min="2540" max="2700";
                    label for="q-q" { "ไตรมาส" }
                    select #q-q name="q" { @for q in 1..=4u8 { option value=(q) selected[q == quarter] { (q) } } }
                    button type="submit" { "แสดงสรุป" }
                }
            }
            section.panel {
                h2 { "พิมพ์แบบฟอร์มขอเผยแพร่ทั้งชุด" }
                p { "แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์ของทุกคำขอที่ลงวันที่ในช่วงที่เลือก หนึ่งแผ่นต่อหนึ่งคำขอ" }
                form.inline-form method="get" action="/admin/compliance/forms" {
                    label for="p-from" { "ตั้งแต่" }
                    input #p-from type="date" name="from" value=(from.to_string());
                    label for="p-to" { "ถึง" }
                    input #p-to type="date" name="to" value=(to.to_string());
                    button type="submit" { "พิมพ์แบบฟอร์ม" }
                }
            }
        },
    )
}

fn who(act: Option<&crate::store::reports::Act>) -> String {
    act.and_then(|a| a.by.as_ref()).map(|u| u.name.clone()).unwrap_or_default()
}

fn day(act: Option<&crate::store::reports::Act>) -> Option<Date> {
    act.and_then(|a| jiff::Timestamp::from_second(a.at).ok()).map(thai::date_of)
}

/// Whether `row` was approved verbally and the approver later confirmed it in the system.
fn confirmed_verbal(row: &LogRow) -> Option<&crate::store::reports::Act> {
    row.approved.as_ref().filter(|a| a.action == crate::workflow::audit::AuditAction::RequestConfirmVerbal)
}

/// The cells of one line of the yearly publication report, shared by the printed page and the
/// CSV so the two always agree. `base` is the site's public address, so that the links work
/// for an assessor outside the office.
pub fn log_cells(row: &LogRow, base: &str) -> [String; 13] {
    let r = &row.request;
    let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    // A verbal approval is shown as such, with the approver's name as recorded by the web
    // master; its confirmation in the system has its own column.
    let approver = match (&r.verbal_by, &row.approved) {
        (Some(by), _) => format!("{by} (อนุมัติด้วยวาจา)"),
        (None, Some(_)) => who(row.approved.as_ref()),
        (None, None) => who(row.rejected.as_ref()),
    };
    let decided = r.verbal_on.or(day(row.approved.as_ref())).or(day(row.rejected.as_ref()));
    [
        r.reference(),
        r.fields.request_date.to_string(),
        r.fields.topic.clone(),
        r.fields.unit.clone(),
        r.fields.requester_name.clone(),
        date(day(row.submitted.as_ref())),
        row.decision_th().to_owned(),
        approver,
        date(decided),
        who(row.published.as_ref()),
        date(day(row.published.as_ref())),
        r.item_id.map(|id| format!("{base}{}", paths::item(id))).unwrap_or_default(),
        date(day(confirmed_verbal(row))),
    ]
}

/// The CSV header matching [`log_cells`].
pub const LOG_HEADER: [&str; 13] = [
    "reference",
    "request_date",
    "topic",
    "unit",
    "requester",
    "submitted",
    "decision",
    "approver",
    "decided",
    "webmaster",
    "published",
    "link",
    "verbal_confirmed",
];

fn print_doc(title: &str, wide: bool, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="th" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href=(paths::asset("style.css"));
                link rel="stylesheet" href=(paths::asset("print-form.css"));
            }
            body class=(if wide { "a4 wide" } else { "a4" }) { (content) }
        }
    }
}

/// The yearly report of web publication (MOIT 1 evidence), printable on A4.
pub fn publication_report(
    office: &crate::config::Office,
    digits: Digits,
    fy: i32,
    rows: &[LogRow],
    base: &str,
    base_configured: bool,
) -> Markup {
    let title = format!("รายงานการเผยแพร่ข้อมูลผ่านเว็บไซต์ ประจำปีงบประมาณ {fy}");
    let approved = rows.iter().filter(|r| r.approved.is_some() || r.request.verbal_by.is_some()).count();
    let rejected = rows.iter().filter(|r| r.approved.is_none() && r.rejected.is_some()).count();
    let published = rows.iter().filter(|r| r.published.is_some()).count();
    print_doc(
        &title,
        true,
        html! {
            main.sheet.report {
                p.noprint { a href="/admin/compliance/reports" { "← กลับ" } " · " a href=(format!("/admin/compliance/report.csv?year={fy}")) { "ดาวน์โหลด CSV" } }
                h1 { (digits.apply(&title)) br; (office.name_th) }
                @if !base_configured {
                    p.noprint.note { "ลิงก์ใช้ที่อยู่ " (base) " ที่เปิดหน้านี้ ตั้งค่าที่อยู่เว็บไซต์สาธารณะ (smtp.site_url หรือ tls.domain) เพื่อให้ผู้ประเมินเปิดลิงก์ได้จากภายนอก" }
                }
                p { (digits.apply(&format!("คำขอทั้งหมด {} รายการ · อนุมัติ {approved} · ไม่อนุมัติ {rejected} · เผยแพร่แล้ว {published}", rows.len()))) }
                table.form.report-table {
                    thead { tr { th { "เลขที่" } th { "วันที่ขอ" } th { "เรื่อง / หน่วยงาน / ผู้ขอ" } th { "ผลการพิจารณา" } th { "ผู้อนุมัติ" } th { "ผู้เผยแพร่" } th { "ลิงก์" } } }
                    tbody {
                        @for row in rows {
                            @let c = log_cells(row, base);
                            @let d = |s: &str| s.parse::<Date>().map(|d| thai::date_short(d, digits)).unwrap_or_default();
                            tr {
                                td { (digits.apply(&c[0])) }
                                td { (d(&c[1])) }
                                td { (c[2]) br; small { (c[3]) " · " (c[4]) } }
                                td { (c[6]) @if let Some(rej) = &row.rejected { @if row.approved.is_none() { br; small { "เหตุผล: " (rej.detail) } } } }
                                td { (c[7]) br; small { (d(&c[8]))
                                    @if !c[12].is_empty() { br; "ยืนยันในระบบ " (d(&c[12])) } } }
                                td { (c[9]) br; small { (d(&c[10])) } }
                                td { @if !c[11].is_empty() { a href=(c[11]) { (c[11]) } } }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Every request's official form in one printable document.
pub fn bulk_forms(
    office: &crate::config::Office,
    digits: Digits,
    from: Date,
    to: Date,
    forms: &[(Request, [Signature; 3])],
) -> Markup {
    let title = format!(
        "แบบฟอร์มการขอเผยแพร่ข้อมูล {} – {} ({} ฉบับ)",
        thai::date_short(from, digits),
        thai::date_short(to, digits),
        forms.len()
    );
    print_doc(
        &title,
        false,
        html! {
            p.noprint { a href="/admin/compliance/reports" { "← กลับ" } " · " (title) }
            @if forms.is_empty() { p.noprint { "ไม่มีคำขอในช่วงนี้" } }
            @for (r, signatures) in forms { (print_sheet(office, digits, r, signatures)) }
        },
    )
}

/// The quarterly summary.
pub fn quarter(chrome: &Chrome, bar: &Bar, fy: i32, q: u8, from: Date, to: Date, s: &Summary) -> Markup {
    let digits = chrome.digits;
    let title = digits.apply(&format!("สรุปการเผยแพร่ข้อมูล ไตรมาส {q} ปีงบประมาณ {fy}"));
    staff_page(
        chrome,
        bar,
        &title,
        &crumbs("สรุปรายไตรมาส"),
        html! {
            h1 { (title) }
            p.lead { (text::date(from, digits)) " – " (text::date(to, digits)) }
            dl.meta.counts {
                @let count = |n: usize| digits.apply(&n.to_string());
                dt { "คำขอที่ส่ง" } dd #n-submitted { (count(s.submitted as usize)) }
                dt { "อนุมัติ" } dd #n-approved { (count(s.approved as usize)) }
                dt { "ไม่อนุมัติ" } dd #n-rejected { (count(s.rejected.len())) }
                dt { "รายการที่เผยแพร่" } dd #n-published { (count(s.published_by_area.iter().map(|(_, n)| *n as usize).sum())) }
                dt { "รายการที่นำลง" } dd #n-down { (count(s.taken_down.len())) }
            }
            h2 { "เหตุผลที่ไม่อนุมัติ" }
            @if s.rejected.is_empty() { p.empty { "ไม่มี" } }
            ul { @for r in &s.rejected { li { (digits.apply(&r.reference)) " " (r.topic) ": " (r.reason) } } }
            h2 { "รายการที่เผยแพร่ แยกตามหมวด" }
            @if s.published_by_area.is_empty() { p.empty { "ไม่มี" } }
            table.list {
                tbody {
                    @for (area, n) in &s.published_by_area {
                        tr { td { (crate::categories::area(area).map_or(area.as_str(), |a| a.name_th)) } td { (n) } }
                    }
                }
            }
            h2 { "รายการที่นำลง" }
            @if s.taken_down.is_empty() { p.empty { "ไม่มี" } }
            ul {
                @for t in &s.taken_down {
                    li { (t.title) " — " (if t.how == "withdrawn" { "ถอนการเผยแพร่" } else { "สิ้นสุดการเผยแพร่" }) " " (text::date(t.on, digits)) }
                }
            }
        },
    )
}
