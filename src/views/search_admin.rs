//! `/admin/search`: the synonyms and abbreviations search knows, and the admin's additions.

use maud::{Markup, html};

use super::forms::{self, Input, Problem};
use super::staff::{Bar, staff_page};
use super::{Chrome, Crumb, text};
use crate::store::search::AddedSynonym;

/// The page: how it works, the additions (each with a remove button), the form to add one, and
/// the built-in list.
pub fn page(
    chrome: &Chrome,
    bar: &Bar,
    added: &[AddedSynonym],
    line: &str,
    problems: &[Problem],
    notice: Option<&str>,
) -> Markup {
    staff_page(
        chrome,
        bar,
        "คำพ้องและคำย่อสำหรับการค้นหา",
        &[Crumb::here("คำพ้องและคำย่อสำหรับการค้นหา")],
        html! {
            h1 { "คำพ้องและคำย่อสำหรับการค้นหา" }
            p { "คำในบรรทัดเดียวกันมีความหมายเดียวกัน ค้นคำใดก็พบคำอื่นด้วย เช่น "
                code { "ศบส. = ศูนย์บริการสาธารณสุข" }
                " จุดของคำย่อ ตัวพิมพ์ใหญ่เล็ก และเลขไทย/อารบิก ไม่มีผล (พ.ร.บ. = พรบ) คำที่เพิ่มมีผลทันที" }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            (forms::summary(problems, chrome.digits))
            form method="post" action="/admin/search" {
                (forms::csrf(bar.csrf))
                (forms::field("terms", "คำพ้อง (อย่างน้อย 2 คำ คั่นด้วย =)", line, Input::Text, true, problems))
                button type="submit" { "เพิ่ม" }
            }
            h2 { "คำที่ผู้ดูแลเพิ่ม" }
            @if added.is_empty() {
                p.empty { "ยังไม่มี" }
            } @else {
                table {
                    thead { tr { th scope="col" { "คำพ้อง" } th scope="col" { "เพิ่มโดย" } th scope="col" { "วันที่" } th scope="col" { span.visually-hidden { "ลบ" } } } }
                    tbody {
                        @for s in added {
                            tr {
                                td { (s.terms) }
                                td { (s.added_by) }
                                td { (text::date_of_unix(s.added_at, chrome.digits)) }
                                td {
                                    form.inline method="post" action=(format!("/admin/search/{}/delete", s.id)) {
                                        (forms::csrf(bar.csrf))
                                        button.link type="submit" aria-label=(format!("ลบ {}", s.terms)) { "ลบ" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            details {
                summary { "คำพ้องที่มากับระบบ" }
                pre { (crate::search::synonyms::BUILT_IN) }
            }
        },
    )
}
