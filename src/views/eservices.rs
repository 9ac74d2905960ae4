//! e-Service pages (seed 1.9): the complaint, question and information-request forms with
//! their PDPA notice, the tracking page, the public Q&A, complaint statistics, and the staff
//! pages that answer and close cases.

use maud::{Markup, html};

use super::forms::{self, Input, Problem};
use super::layout::page;
use super::staff::{Bar, staff_page};
use super::text;
use super::{Chrome, Crumb};
use crate::store::cases::{Case, Counts};
use crate::workflow::eservice::{COMPLAINT_CATEGORIES, CaseInput, Kind, Status, category_label};

/// The e-Services index.
pub fn index(chrome: &Chrome) -> Markup {
    page(
        chrome,
        "บริการออนไลน์ (e-Service)",
        &[Crumb::here("บริการออนไลน์")],
        html! {
            h1 { "บริการออนไลน์ (e-Service)" }
            ul.services {
                li { a href="/eservices/complaint" { strong { "ร้องเรียน/ร้องทุกข์" } } span { "แจ้งเรื่องร้องเรียน รวมถึงการทุจริตและประพฤติมิชอบของเจ้าหน้าที่ ได้รับรหัสติดตามเรื่อง" } }
                li { a href="/eservices/info" { strong { "ขอข้อมูลข่าวสารของราชการ" } } span { (chrome.digits.apply("แบบคำขอข้อมูลข่าวสารตาม พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540")) } }
                li { a href="/qa" { strong { "ถาม-ตอบ (Q&A)" } } span { "ถามคำถามถึงหน่วยงาน คำถามจะแสดงเมื่อเจ้าหน้าที่ตอบแล้ว" } }
                li { a href="/track" { strong { "ติดตามสถานะเรื่อง" } } span { "ตรวจสอบความคืบหน้าด้วยรหัสติดตามเรื่อง" } }
                li { a href="/eservices/stats" { strong { "สถิติเรื่องร้องเรียน" } } span { "จำนวนเรื่องที่รับ อยู่ระหว่างดำเนินการ และแล้วเสร็จ รายไตรมาส" } }
                li { a href="/survey" { strong { "แบบประเมินความพึงพอใจ" } } span { "ประเมินความพึงพอใจต่อเว็บไซต์ ไม่ต้องระบุตัวตน" } }
            }
        },
    )
}

/// Title of the form for a kind of case.
fn form_title(kind: Kind) -> &'static str {
    match kind {
        Kind::Complaint => "ร้องเรียน/ร้องทุกข์",
        Kind::Question => "ถามคำถาม",
        Kind::Info => "แบบคำขอข้อมูลข่าวสารของราชการ",
    }
}

/// The notice every form with personal data carries (PDPA s.23): purpose, legal basis,
/// retention, rights, contact.
pub fn pdpa_notice(chrome: &Chrome, purpose: &str, retention_days: u32) -> Markup {
    let office = chrome.office();
    html! {
        section.pdpa #pdpa-notice aria-labelledby="pdpa-h" {
            h2 #pdpa-h { "ประกาศการคุ้มครองข้อมูลส่วนบุคคล" }
            ul {
                li { strong { "วัตถุประสงค์: " } (purpose) " ใช้เพื่อการนี้เท่านั้น ไม่เปิดเผยต่อสาธารณะ" }
                li { strong { "ฐานทางกฎหมาย: " } (chrome.digits.apply("การปฏิบัติหน้าที่ในการดำเนินภารกิจเพื่อประโยชน์สาธารณะ หรือการใช้อำนาจรัฐ (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 มาตรา 24 (4))")) }
                li { strong { "ข้อมูลที่เก็บ: " } "ชื่อ-นามสกุล และช่องทางติดต่อกลับเท่านั้น กรุณาอย่าใส่ข้อมูลสุขภาพหรือข้อมูลอ่อนไหวอื่น" }
                li { strong { "ระยะเวลาเก็บ: " } "ลบชื่อและช่องทางติดต่อโดยอัตโนมัติเมื่อพ้น " (chrome.digits.apply(&retention_days.to_string())) " วันหลังปิดเรื่อง" }
                li { strong { "สิทธิของท่าน: " } (chrome.digits.apply("ขอเข้าถึง ขอสำเนา ขอแก้ไข ขอลบ ขอระงับการใช้ หรือคัดค้านการประมวลผลข้อมูลของท่านได้ (มาตรา 30–36)")) }
                li {
                    strong { "ติดต่อ: " } (office.name_th)
                    @if !office.phone.is_empty() { " โทร " (chrome.digits.apply(&office.phone)) }
                    @if !office.email.is_empty() { " อีเมล " (office.email) }
                    " · " a href="/policy/privacy" { "นโยบายคุ้มครองข้อมูลส่วนบุคคล" }
                }
            }
        }
    }
}

/// A complaint, question or information-request form, with what was typed and its problems.
pub fn form(
    chrome: &Chrome,
    kind: Kind,
    input: &CaseInput,
    token: &str,
    problems: &[Problem],
    retention_days: u32,
) -> Markup {
    let title = form_title(kind);
    let category_problem = problems.iter().find(|p| p.field == "category");
    let pdpa_problem = problems.iter().find(|p| p.field == "pdpa");
    let mut crumbs = vec![Crumb::link("บริการออนไลน์", "/eservices")];
    if kind == Kind::Question {
        crumbs = vec![Crumb::link("ถาม-ตอบ", "/qa")];
    }
    crumbs.push(Crumb::here(title));
    page(
        chrome,
        title,
        &crumbs,
        html! {
            h1 { (title) }
            @match kind {
                Kind::Complaint => p.lead { "แจ้งเรื่องร้องเรียน ร้องทุกข์ หรือแจ้งเบาะแสการทุจริตและประพฤติมิชอบของเจ้าหน้าที่ ท่านจะได้รับรหัสติดตามเรื่องเมื่อส่งแล้ว จะไม่ระบุชื่อก็ได้" },
                Kind::Question => p.lead { "คำถามของท่านจะแสดงในหน้าถาม-ตอบเมื่อเจ้าหน้าที่ตอบแล้ว ไม่ต้องระบุตัวตน กรุณาอย่าใส่ข้อมูลส่วนบุคคลในคำถาม" },
                Kind::Info => p.lead { (chrome.digits.apply("ยื่นคำขอข้อมูลข่าวสารของราชการตามพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540 มาตรา 11 หน่วยงานจะแจ้งผลผ่านช่องทางติดต่อที่ท่านให้ไว้")) },
            }
            (forms::summary(problems, chrome.digits))
            form.case method="post" action=(format!("/eservices/{}", kind.as_str())) novalidate {
                input type="hidden" name="token" value=(token);
                @if kind == Kind::Complaint {
                    div.field.invalid[category_problem.is_some()] {
                        label for="f-category" { "ประเภทเรื่อง " span.req aria-hidden="true" { "*" } }
                        @if let Some(p) = category_problem { p.error #f-category-err { (p.message) } }
                        select #f-category name="category" required
                            aria-invalid=[category_problem.map(|_| "true")]
                            aria-describedby=[category_problem.map(|_| "f-category-err")] {
                            option value="" { "— เลือกประเภท —" }
                            @for (key, label) in COMPLAINT_CATEGORIES {
                                option value=(key) selected[input.category == *key] { (label) }
                            }
                        }
                    }
                }
                (forms::field("subject", "เรื่อง", &input.subject, Input::Text, true, problems))
                (forms::field("details", match kind {
                    Kind::Info => "ข้อมูลข่าวสารที่ต้องการ (ระบุให้ชัดเจนพอที่จะค้นหาได้)",
                    Kind::Question => "คำถาม",
                    Kind::Complaint => "รายละเอียด (เหตุการณ์ วันเวลา สถานที่ ผู้เกี่ยวข้อง)",
                }, &input.details, Input::Area, true, problems))
                @if kind.asks_identity() {
                    (forms::field("name", if kind == Kind::Info { "ชื่อ-นามสกุลผู้ขอ" } else { "ชื่อ-นามสกุล (ไม่บังคับ)" },
                        &input.name, Input::Text, kind == Kind::Info, problems))
                    (forms::field("contact", if kind == Kind::Info { "ช่องทางติดต่อกลับ (โทรศัพท์หรืออีเมล)" } else { "ช่องทางติดต่อกลับ (ไม่บังคับ)" },
                        &input.contact, Input::Text, kind == Kind::Info, problems))
                    (pdpa_notice(chrome, match kind {
                        Kind::Info => "เพื่อพิจารณาคำขอและส่งข้อมูลข่าวสารให้ท่าน",
                        _ => "เพื่อตรวจสอบข้อเท็จจริงและแจ้งผลการดำเนินการเรื่องร้องเรียนให้ท่านทราบ",
                    }, retention_days))
                    div.field.check.invalid[pdpa_problem.is_some()] {
                        @if let Some(p) = pdpa_problem { p.error #f-pdpa-err { (p.message) } }
                        input #f-pdpa type="checkbox" name="pdpa" value="yes" checked[input.pdpa == "yes"]
                            aria-invalid=[pdpa_problem.map(|_| "true")]
                            aria-describedby=(if pdpa_problem.is_some() { "f-pdpa-err pdpa-h" } else { "pdpa-h" });
                        label for="f-pdpa" { "ข้าพเจ้าได้อ่านประกาศการคุ้มครองข้อมูลส่วนบุคคลข้างต้นแล้ว" }
                    }
                }
                button type="submit" { "ส่ง" }
            }
        },
    )
}

/// The form sent a second time: nothing stored twice.
pub fn duplicate(chrome: &Chrome) -> Markup {
    page(
        chrome,
        "ส่งแบบฟอร์มนี้แล้ว",
        &[Crumb::link("บริการออนไลน์", "/eservices"), Crumb::here("ส่งแล้ว")],
        html! {
            section.notice {
                h1 { "แบบฟอร์มนี้ถูกส่งไปแล้ว" }
                p { "ระบบได้รับข้อมูลจากแบบฟอร์มนี้แล้วหนึ่งครั้ง จึงไม่บันทึกซ้ำ หากต้องการส่งเรื่องใหม่ กรุณาเปิดแบบฟอร์มใหม่" }
                p { a href="/eservices" { "กลับสู่บริการออนไลน์" } }
            }
        },
    )
}

/// The tracking page: the form, and the case when a code was given.
pub fn track(chrome: &Chrome, code: &str, found: Option<&Case>, asked: bool, sent: bool) -> Markup {
    let digits = chrome.digits;
    page(
        chrome,
        "ติดตามสถานะเรื่อง",
        &[Crumb::link("บริการออนไลน์", "/eservices"), Crumb::here("ติดตามสถานะเรื่อง")],
        html! {
            h1 { "ติดตามสถานะเรื่อง" }
            @if let (true, Some(c)) = (sent, found) {
                section.notice.sent role="status" {
                    h2 { "ได้รับ" (c.kind.label()) "แล้ว" }
                    p { "รหัสติดตามเรื่องของท่าน กรุณาจดไว้หรือบันทึกหน้านี้: " strong #tracking-code { (c.code) } }
                }
            }
            form.track method="get" action="/track" {
                div.field {
                    label for="code" { "รหัสติดตามเรื่อง" }
                    input #code name="code" value=(code) maxlength="20" autocomplete="off"
                        aria-describedby=(if asked && found.is_none() { "code-err code-help" } else { "code-help" });
                    small #code-help { "เช่น C-7KQ4-M2XH" }
                    @if asked && found.is_none() { p.error #code-err { "รหัสติดตามเรื่อง: ไม่พบเรื่องที่มีรหัสนี้ กรุณาตรวจสอบอีกครั้ง" } }
                }
                button type="submit" { "ตรวจสอบ" }
            }
            @if let Some(c) = found {
                section.case aria-labelledby="case-h" {
                    h2 #case-h { (c.kind.label()) " " (c.code) }
                    dl.meta {
                        dt { "เรื่อง" } dd { (c.subject) }
                        dt { "วันที่ส่ง" } dd { (text::date_of_unix(c.created_at, digits)) }
                        dt { "สถานะ" } dd { strong.status { (c.status.label()) } }
                        dt { "ปรับปรุงล่าสุด" } dd { (text::date_of_unix(c.updated_at, digits)) }
                        @if !c.answer.is_empty() { dt { "คำตอบจากหน่วยงาน" } dd { (text::body(&c.answer)) } }
                    }
                }
            }
        },
    )
}

/// The public Q&A: answered questions only.
pub fn qa(chrome: &Chrome, answered: &[Case]) -> Markup {
    let digits = chrome.digits;
    page(
        chrome,
        "ถาม-ตอบ",
        &[Crumb::here("ถาม-ตอบ")],
        html! {
            h1 { "ถาม-ตอบ (Q&A)" }
            p { a.button href="/eservices/question" { "ถามคำถามใหม่" } }
            @if answered.is_empty() {
                p.empty { "ยังไม่มีคำถามที่ได้รับคำตอบ" }
            } @else {
                @for c in answered {
                    article.qa {
                        h2 { (c.subject) }
                        p.info { "ถามเมื่อ " (text::date_of_unix(c.created_at, digits)) " · ตอบเมื่อ " (text::date_of_unix(c.updated_at, digits)) }
                        div.question { (text::body(&c.details)) }
                        div.answer { strong { "คำตอบ: " } (text::body(&c.answer)) }
                    }
                }
            }
        },
    )
}

/// Complaint statistics for one fiscal year by quarter (ITA asks for them).
pub fn stats(
    chrome: &Chrome,
    fiscal_year: i32,
    years: &[i32],
    quarters: &[(String, Counts)],
    corruption: Counts,
) -> Markup {
    let digits = chrome.digits;
    let n = |v: u64| digits.apply(&v.to_string());
    let total = quarters.iter().fold(Counts::default(), |a, (_, c)| Counts {
        received: a.received + c.received,
        waiting: a.waiting + c.waiting,
        in_progress: a.in_progress + c.in_progress,
        closed: a.closed + c.closed,
    });
    page(
        chrome,
        "สถิติเรื่องร้องเรียน",
        &[Crumb::link("บริการออนไลน์", "/eservices"), Crumb::here("สถิติเรื่องร้องเรียน")],
        html! {
            h1 { "สถิติเรื่องร้องเรียน ปีงบประมาณ " (digits.apply(&fiscal_year.to_string())) }
            (super::forms::year_picker("/eservices/stats", years, fiscal_year, digits))
            @if total.received == 0 {
                p.empty.none #no-complaints { "ไม่มีเรื่องร้องเรียนในปีงบประมาณนี้" }
            }
            div.table-wrap {
                table {
                    caption { "จำนวนเรื่องร้องเรียนรายไตรมาส (ทุกประเภท)" }
                    thead { tr { th scope="col" { "ช่วงเวลา" } th scope="col" { "รับเรื่อง" } th scope="col" { "รอดำเนินการ" } th scope="col" { "อยู่ระหว่างดำเนินการ" } th scope="col" { "ดำเนินการแล้วเสร็จ" } } }
                    tbody {
                        @for (label, c) in quarters {
                            tr { th scope="row" { (label) } td { (n(c.received)) } td { (n(c.waiting)) } td { (n(c.in_progress)) } td { (n(c.closed)) } }
                        }
                    }
                    tfoot { tr { th scope="row" { "รวม" } td { (n(total.received)) } td { (n(total.waiting)) } td { (n(total.in_progress)) } td { (n(total.closed)) } } }
                }
            }
            h2 { "เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ" }
            @if corruption.received == 0 {
                p.none { "ไม่มีเรื่องร้องเรียนการทุจริตและประพฤติมิชอบในปีงบประมาณนี้" }
            } @else {
                p { "รับเรื่อง " (n(corruption.received)) " เรื่อง · ดำเนินการแล้วเสร็จ " (n(corruption.closed)) " เรื่อง" }
            }
        },
    )
}

/// Staff: every case, open ones first.
pub fn staff_list(chrome: &Chrome, bar: &Bar, cases: &[Case]) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        "เรื่องจากประชาชน",
        &[Crumb::here("เรื่องจากประชาชน")],
        html! {
            h1 { "เรื่องจากประชาชน (e-Service)" }
            @if cases.is_empty() {
                p.empty { "ยังไม่มีเรื่อง" }
            } @else {
                div.table-wrap {
                    table {
                        thead { tr { th scope="col" { "รหัส" } th scope="col" { "ประเภท" } th scope="col" { "เรื่อง" } th scope="col" { "วันที่" } th scope="col" { "สถานะ" } } }
                        tbody {
                            @for c in cases {
                                tr {
                                    td { a href=(format!("/staff/cases/{}", c.id)) { (c.code) } }
                                    td { (c.kind.label()) }
                                    td { (c.subject) }
                                    td { (text::date_of_unix(c.created_at, digits)) }
                                    td { (c.status.label()) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Staff: one case with the answer form.
pub fn staff_case(chrome: &Chrome, bar: &Bar, c: &Case, problems: &[Problem], saved: bool) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        &c.code,
        &[Crumb::link("เรื่องจากประชาชน", "/staff/cases"), Crumb::here(c.code.clone())],
        html! {
            h1 { (c.kind.label()) " " (c.code) }
            @if saved { p.notice role="status" { "บันทึกแล้ว" } }
            dl.meta {
                @if !c.category.is_empty() { dt { "ประเภทเรื่อง" } dd { (category_label(&c.category)) } }
                dt { "เรื่อง" } dd { (c.subject) }
                dt { "รายละเอียด" } dd { (text::body(&c.details)) }
                @if c.kind.asks_identity() {
                    dt { "ผู้ส่ง" } dd {
                        @if c.purged_at.is_some() { "ลบข้อมูลส่วนบุคคลแล้วตามระยะเวลาการเก็บรักษา" }
                        @else if c.name.is_empty() && c.contact.is_empty() { "ไม่ระบุ" }
                        @else { (c.name) " · " (c.contact) }
                    }
                }
                dt { "วันที่ส่ง" } dd { (text::date_of_unix(c.created_at, digits)) }
                dt { "สถานะ" } dd { (c.status.label()) }
            }
            (forms::summary(problems, chrome.digits))
            form method="post" action=(format!("/staff/cases/{}", c.id)) {
                (forms::csrf(bar.csrf))
                (forms::field("answer", "คำตอบ / ผลการดำเนินการ", &c.answer, Input::Area, false, problems))
                div.field {
                    label for="f-status" { "สถานะ" }
                    select #f-status name="status" {
                        @for s in [Status::Received, Status::InProgress, Status::Closed] {
                            option value=(s.as_str()) selected[c.status == s] { (s.label()) }
                        }
                    }
                }
                @if c.kind == Kind::Question {
                    div.field.check {
                        input #f-publish type="checkbox" name="publish" value="yes" checked;
                        label for="f-publish" { "แสดงคำถามและคำตอบนี้ในหน้าถาม-ตอบสาธารณะ" }
                    }
                }
                button type="submit" { "บันทึก" }
            }
        },
    )
}
