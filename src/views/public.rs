//! Public pages: home, content areas, sub-categories, items, search results, errors.

use maud::{Markup, html};

use super::layout::page;
use super::photos::{Album, Shown};
use super::prefs::{t, tr};
use super::text::{self, kind_label};
use super::{Chrome, Crumb};
use crate::categories::{AREAS, Area, Place};
use crate::paths;
use crate::store::items::{Attachment, Item, ItemSummary, Page};
use crate::store::search;
use crate::thai;

/// The home page: the pinned highlights, latest news, latest announcements, the latest
/// activity photos, and the ten areas.
pub fn home(
    chrome: &Chrome,
    news: &[ItemSummary],
    announcements: &[ItemSummary],
    pinned: &[Album],
    activities: &[Album],
) -> Markup {
    let digits = chrome.digits;
    page(
        chrome,
        "",
        &[],
        html! {
            section.welcome {
                h1 { (chrome.office().name_th) }
                p { (digits.apply("เผยแพร่ข้อมูลข่าวสารของหน่วยงานต่อสาธารณะ ตามพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540 และมาตรฐานเว็บไซต์ภาครัฐ")) }
            }
            (super::photos::highlights(pinned))
            div.columns {
                section.latest aria-labelledby="news-h" {
                    h2 #news-h { (t("ข่าวประชาสัมพันธ์ล่าสุด", "Latest news")) }
                    (item_list(news, digits, true))
                    p.more { a href=(paths::area_slug("news")) { (t("ดูข่าวทั้งหมด", "All news")) } }
                }
                section.latest aria-labelledby="ann-h" {
                    h2 #ann-h { (t("ประกาศล่าสุด", "Latest announcements")) }
                    (item_list(announcements, digits, true))
                }
            }
            @if !activities.is_empty() {
                section aria-labelledby="act-h" {
                    h2 #act-h { (t("ภาพข่าวกิจกรรมล่าสุด", "Latest activity photos")) }
                    (super::photos::albums(activities, digits, pinned.is_empty()))
                    p.more { a href=(Place::parse("news/activities").map(paths::place).unwrap_or_default()) { (t("ดูภาพข่าวกิจกรรมทั้งหมด", "All activity photos")) } }
                }
            }
            @let en = super::prefs::Prefs::current().english();
            section aria-labelledby="areas-h" {
                h2 #areas-h { (t("หมวดหมู่ข้อมูล", "Content areas")) }
                ul.area-grid {
                    @for area in AREAS {
                        li {
                            a href=(paths::area(area)) {
                                span.code { (digits.apply(area.code)) }
                                @if en {
                                    strong lang="en" { (area.name_en) }
                                    small lang="th" { (area.name_th) }
                                    span.about lang="en" { (area.about_en) }
                                } @else {
                                    strong { (area.name_th) }
                                    small lang="en" { (area.name_en) }
                                    span.about { (digits.apply(area.about_th)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A content area: its sub-categories with counts, and its newest items.
pub fn area(
    chrome: &Chrome,
    area: &'static Area,
    counts: &[(String, u64)],
    items: &Page<ItemSummary>,
    albums: &[Album],
) -> Markup {
    let digits = chrome.digits;
    let count_of = |key: &str| counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
    page(
        chrome,
        tr(area.name_th, area.name_en),
        &[Crumb::here(tr(area.name_th, area.name_en))],
        html! {
            @let en = super::prefs::Prefs::current().english();
            h1 lang=[en.then_some("en")] { span.code { (digits.apply(area.code)) } " " (tr(area.name_th, area.name_en)) }
            p.lead lang=[en.then_some("en")] { (digits.apply(tr(area.about_th, area.about_en))) " " small lang=(if en { "th" } else { "en" }) { "(" (tr(area.name_en, area.name_th)) ")" } }
            (live_services(area.slug))
            nav.subs-list aria-label=(format!("{}{}", t("หมวดย่อยของ", "Sub-areas of "), tr(area.name_th, area.name_en))) {
                ul {
                    @for sub in area.subs {
                        @let place = Place { area, sub };
                        li {
                            a href=(paths::place(place)) lang=[en.then_some("en")] { (digits.apply(tr(sub.name_th, sub.name_en))) }
                            " " span.count { "(" (digits.apply(&count_of(&place.key()).to_string())) ")" }
                        }
                    }
                }
            }
            @if !albums.is_empty() {
                section aria-labelledby="albums-h" {
                    h2 #albums-h { (t("ภาพข่าวกิจกรรมล่าสุด", "Latest activity photos")) }
                    (super::photos::albums(albums, digits, true))
                }
            }
            h2 { (t("รายการล่าสุดในหมวดนี้", "Latest in this area")) }
            (item_list(&items.rows, digits, true))
            (pager(&paths::area(area), items, digits))
        },
    )
}

/// Links to the built-in services of the e-Service (1.9) and statistics (1.10) areas, which
/// are pages of the site rather than published items.
fn live_services(area: &str) -> Markup {
    let links: &[(&str, &str)] = match area {
        "eservice" => &[
            ("/eservices/complaint", "ร้องเรียน/ร้องทุกข์ (รวมถึงการทุจริตและประพฤติมิชอบ)"),
            ("/eservices/info", "ขอข้อมูลข่าวสารของราชการ"),
            ("/qa", "ถาม-ตอบ"),
            ("/track", "ติดตามสถานะเรื่อง"),
            ("/eservices/stats", "สถิติเรื่องร้องเรียน"),
        ],
        "stats" => &[
            ("/stats", "สถิติผู้เข้าชมเว็บไซต์"),
            ("/survey", "แบบประเมินความพึงพอใจ"),
            ("/survey/results", "ผลการประเมินความพึงพอใจ"),
        ],
        _ => &[],
    };
    html! {
        @if !links.is_empty() {
            nav.services-links aria-label=(t("บริการออนไลน์", "Online services")) {
                ul.services { @for (href, label) in links { li { a href=(href) { (label) } } } }
            }
        }
    }
}

/// A sub-category's items, newest first; activity photos (1.8) as a grid of album covers,
/// with any item without a photo listed below them.
pub fn place(chrome: &Chrome, place: Place, items: &Page<ItemSummary>, albums: &[Album]) -> Markup {
    let digits = chrome.digits;
    page(
        chrome,
        tr(place.sub.name_th, place.sub.name_en),
        &[
            Crumb::link(tr(place.area.name_th, place.area.name_en), paths::area(place.area)),
            Crumb::here(chrome.digits.apply(tr(place.sub.name_th, place.sub.name_en))),
        ],
        html! {
            @let en = super::prefs::Prefs::current().english();
            h1 lang=[en.then_some("en")] { (tr(place.sub.name_th, place.sub.name_en)) }
            p.lead lang=(if en { "th" } else { "en" }) { (tr(place.sub.name_en, place.sub.name_th)) }
            @if albums.is_empty() {
                (item_list(&items.rows, digits, false))
            } @else {
                (super::photos::albums(albums, digits, true))
                @let rest: Vec<ItemSummary> = items.rows.iter().filter(|r| !albums.iter().any(|a| a.item.id == r.id)).cloned().collect();
                @if !rest.is_empty() { (item_list(&rest, digits, false)) }
            }
            (pager(&paths::place(place), items, digits))
        },
    )
}

/// An item with the metadata the seed requires to be shown publicly (2.1.3, 3.2).
///
/// `changes` is the public change log: (when, note) of each published amendment, newest first.
pub fn item(
    chrome: &Chrome,
    item: &Item,
    place: Option<Place>,
    files: &[Attachment],
    photos: &[Shown],
    changes: &[(i64, String)],
) -> Markup {
    let digits = chrome.digits;
    let mut crumbs = Vec::new();
    if let Some(p) = place {
        crumbs.push(Crumb::link(tr(p.area.name_th, p.area.name_en), paths::area(p.area)));
        crumbs.push(Crumb::link(digits.apply(tr(p.sub.name_th, p.sub.name_en)), paths::place(p)));
    }
    crumbs.push(Crumb::here(item.title.clone()));
    page(
        chrome,
        &item.title,
        &crumbs,
        html! {
            article.item {
                h1 { (item.title) }
                @if !item.summary.is_empty() { div.lead { (super::rich::render(&item.summary)) } }
                dl.meta {
                    @if let Some(p) = place {
                        dt { (t("หมวดหมู่", "Category")) }
                        dd { a href=(paths::place(p)) { (p.area.name_th) " › " (digits.apply(p.sub.name_th)) } }
                    }
                    dt { (t("แหล่งที่มา / เจ้าของข้อมูล", "Source / owner")) }
                    dd { (item.source) }
                    dt { (t("ช่วงวันที่ของข้อมูล", "Period covered")) }
                    dd {
                        @match (item.period_from, item.period_to) {
                            (Some(f), Some(to)) => { (text::date(f, digits)) " – " (text::date(to, digits)) },
                            (Some(f), None) => { (t("ตั้งแต่ ", "From ")) (text::date(f, digits)) },
                            (None, Some(to)) => { (t("ถึง ", "Until ")) (text::date(to, digits)) },
                            (None, None) if item.timeless => (t("ไม่จำกัดช่วงเวลา", "Not time-bound")),
                            (None, None) => (t("ไม่ระบุ", "Not stated")),
                        }
                    }
                    dt { (t("วันและเวลาที่เผยแพร่", "Published")) }
                    dd { (text::datetime_of_unix(item.published_at, digits)) }
                    @if let Some((at, _)) = changes.first() {
                        dt { (t("ปรับปรุงล่าสุด", "Last updated")) }
                        dd.updated { (text::datetime_of_unix(*at, digits)) }
                    }
                    dt { (t("ปีงบประมาณ", "Fiscal year")) }
                    dd {
                        @if let Ok(ts) = jiff::Timestamp::from_second(item.published_at) {
                            (digits.apply(&thai::fiscal_year(thai::date_of(ts)).to_string()))
                        }
                    }
                    dt { (t("สิ้นสุดการเผยแพร่", "Published until")) }
                    dd {
                        @match item.expires_on {
                            Some(d) => (text::date(d, digits)),
                            None => (t("ไม่กำหนด", "No end date")),
                        }
                    }
                }
                div.body { (super::rich::render(&item.body)) }
                @if let Some(link) = &item.link {
                    p.external { (t("ลิงก์ภายนอก: ", "External link: ")) a href=(link) rel="noopener external" { (link) } }
                }
                (super::photos::gallery(item, photos, digits))
                @if !files.is_empty() {
                    section.files aria-labelledby="files-h" {
                        h2 #files-h { (t("เอกสารแนบ", "Attachments")) }
                        table {
                            thead { tr { th scope="col" { (t("ชื่อไฟล์", "File")) } th scope="col" { (t("ประเภทไฟล์", "Type")) } th scope="col" { (t("ขนาด", "Size")) } th scope="col" { (t("ดาวน์โหลด", "Download")) } } }
                            tbody {
                                @for f in files {
                                    tr {
                                        td { a href=(paths::file(f.id, &f.file_name)) { (f.file_name) } }
                                        td { (kind_label(&f.kind)) " (." (f.kind) ")" }
                                        td { (thai::file_size(f.size, digits)) }
                                        td {
                                            a href=(paths::download(f.id, &f.file_name)) download=(f.file_name) {
                                                (t("ดาวน์โหลด", "Download")) span.visually-hidden { " " (f.file_name) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !changes.is_empty() {
                    section.changes aria-labelledby="changes-h" {
                        h2 #changes-h { (t("ประวัติการปรับปรุง", "Change log")) }
                        ul {
                            @for (at, note) in changes {
                                li { (text::date_of_unix(*at, digits)) " — " (note) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The search page: the form with its filters and, after a search, the ranked results with
/// the matched words marked.
pub fn search(
    chrome: &Chrome,
    query: &search::Query,
    years: &[i32],
    results: Option<&search::Found>,
) -> Markup {
    let digits = chrome.digits;
    let none = crate::search::Marks::default();
    let marks = results.map_or(&none, |f| &f.marks);
    let mut base = format!("/search?q={}", paths::percent_encode_segment(&query.text));
    if let Some(area) = query.area {
        base.push_str(&format!("&area={area}"));
    }
    if let Some(fy) = query.fiscal_year {
        base.push_str(&format!("&fy={fy}"));
    }
    page(
        chrome,
        t("ค้นหา", "Search"),
        &[Crumb::here(t("ค้นหา", "Search"))],
        html! {
            h1 { (t("ค้นหาข้อมูล", "Search")) }
            form.search-page action="/search" method="get" {
                div.field {
                    label for="q2" { (t("คำค้น", "Words")) }
                    input #q2 type="search" name="q" value=(query.text) maxlength="200" aria-describedby="q2-help";
                    small #q2-help { "พิมพ์คำที่ต้องการ เว้นวรรคระหว่างคำเพื่อค้นหาหลายคำพร้อมกัน" }
                }
                div.field {
                    label for="area" { (t("หมวดหมู่", "Area")) }
                    select #area name="area" {
                        option value="" { (t("ทุกหมวด", "All areas")) }
                        @for a in AREAS {
                            option value=(a.slug) selected[query.area == Some(a.slug)] { (tr(a.name_th, a.name_en)) }
                        }
                    }
                }
                div.field {
                    label for="fy" { (t("ปีงบประมาณ", "Fiscal year")) }
                    select #fy name="fy" {
                        option value="" { (t("ทุกปี", "All years")) }
                        @for y in years {
                            option value=(y) selected[query.fiscal_year == Some(*y)] { (digits.apply(&y.to_string())) }
                        }
                    }
                }
                button type="submit" { (t("ค้นหา", "Search")) }
            }
            @if let Some(found) = results {
                @let page = &found.page;
                p role="status" {
                    (t("พบ ", "Found ")) @if found.more { (t("มากกว่า ", "more than ")) }
                    (digits.apply(&page.total.to_string())) (t(" รายการสำหรับ “", " items for “")) (query.text) "”"
                    @if let Some(better) = &found.suggestion {
                        br;
                        (t("คุณหมายถึง ", "Did you mean "))
                        a href=(format!("/search?q={}", paths::percent_encode_segment(better))) { "“" (better) "”" }
                        (t(" (ผลลัพธ์ด้านล่างรวมคำที่สะกดใกล้เคียงแล้ว)", " (the results below include it)"))
                    }
                    @if found.more {
                        br;
                        (t("แสดงเฉพาะรายการล่าสุดที่ตรงกับคำค้น เลือกหมวดหรือปีงบประมาณเพื่อดูรายการที่เก่ากว่า",
                           "Only the newest matches are shown; choose an area or a fiscal year to see older ones."))
                    }
                }
                @if page.rows.is_empty() {
                    p.empty { (t("ไม่พบข้อมูลที่ตรงกับคำค้น ลองใช้คำที่สั้นลง หรือเลือกทุกหมวดและทุกปี",
                                 "Nothing matches. Try a shorter word, or all areas and all years.")) }
                } @else {
                    ol.items.results start=(u64::from(page.page - 1) * u64::from(page.per_page) + 1) {
                        @for hit in &page.rows {
                            @let row = &hit.item;
                            li {
                                a.title href=(paths::item(row.id)) { (marked(&row.title, marks)) }
                                div.info {
                                    (text::date_of_unix(row.published_at, digits))
                                    @if let Some(p) = Place::parse(&row.category) {
                                        " · " a href=(paths::place(p)) { (digits.apply(p.sub.name_th)) }
                                    }
                                    @for k in &row.attachment_kinds {
                                        " " span.kind { (k.to_uppercase()) }
                                    }
                                }
                                @if !row.summary.is_empty() { p { (marked(&row.summary, marks)) } }
                                @if !hit.excerpt.is_empty() { p.excerpt { (marked(&hit.excerpt, marks)) } }
                            }
                        }
                    }
                }
                (pager(&base, page, digits))
            }
        },
    )
}

/// `text` with the matched words in `<mark>`; every piece is escaped by maud.
fn marked(text: &str, marks: &crate::search::Marks) -> Markup {
    html! {
        @for (piece, hit) in crate::search::highlight(text, marks) {
            @if hit { mark { (piece) } } @else { (piece) }
        }
    }
}

/// The Thai "page not found" page.
pub fn not_found(chrome: &Chrome) -> Markup {
    page(
        chrome,
        t("ไม่พบหน้าที่ต้องการ", "Page not found"),
        &[Crumb::here(t("ไม่พบหน้าที่ต้องการ", "Page not found"))],
        html! {
            section.notice {
                h1 { (t("ไม่พบหน้าที่ต้องการ", "Page not found")) }
                p { "ขออภัย ไม่พบหน้าหรือข้อมูลที่ท่านเรียก อาจถูกย้าย หมดระยะเวลาการเผยแพร่ หรือพิมพ์ที่อยู่ไม่ถูกต้อง" }
                // A Thai page stays Thai; the English interface adds the English line.
                @if super::prefs::Prefs::current().english() { p lang="en" { "Page not found (404)." } }
                p { a href="/" { (t("กลับสู่หน้าหลัก", "Home")) } (t(" หรือ ", " or ")) a href="/search" { (t("ค้นหาข้อมูล", "Search")) } }
            }
        },
    )
}

/// The Thai page for an item that was taken down (410).
pub fn gone(chrome: &Chrome) -> Markup {
    notice(
        chrome,
        "รายการนี้สิ้นสุดการเผยแพร่แล้ว",
        "ข้อมูลนี้ครบระยะเวลาการเผยแพร่ หรือถูกถอนการเผยแพร่ตามแนวทางการเผยแพร่ข้อมูลของหน่วยงาน (ข้อ ๔.๒) หากต้องการข้อมูล กรุณาติดต่อหน่วยงาน",
        "This item is no longer published (410).",
    )
}

/// The Thai "not allowed" page (403), with the reason.
pub fn forbidden(chrome: &Chrome, why: &str) -> Markup {
    notice(chrome, "ไม่มีสิทธิ์เข้าถึง", why, "Forbidden (403).")
}

/// The Thai "too many requests" page (429).
pub fn too_many(chrome: &Chrome, why: &str) -> Markup {
    notice(chrome, "เรียกใช้ถี่เกินไป", why, "Too many requests (429).")
}

fn notice(chrome: &Chrome, title: &str, text: &str, english: &str) -> Markup {
    page(
        chrome,
        title,
        &[Crumb::here(title)],
        html! {
            section.notice {
                h1 { (title) }
                p { (chrome.digits.apply(text)) }
                // A Thai page stays Thai; the English interface adds the English line.
                @if super::prefs::Prefs::current().english() { p lang="en" { (english) } }
                p { a href="/" { (t("กลับสู่หน้าหลัก", "Home")) } }
            }
        },
    )
}

/// The Thai "something went wrong" page. Says nothing about the cause; that goes to the log.
pub fn server_error(chrome: &Chrome) -> Markup {
    page(
        chrome,
        "ระบบขัดข้องชั่วคราว",
        &[],
        html! {
            section.notice {
                h1 { (t("ระบบขัดข้องชั่วคราว", "Temporarily unavailable")) }
                p { "ขออภัย ระบบไม่สามารถแสดงหน้านี้ได้ในขณะนี้ กรุณาลองใหม่อีกครั้งในภายหลัง" }
                p lang="en" { "Temporary error (500). Please try again later." }
            }
        },
    )
}

fn item_list(rows: &[ItemSummary], digits: thai::Digits, show_place: bool) -> Markup {
    html! {
        @if rows.is_empty() {
            p.empty { (t("ยังไม่มีรายการในหมวดนี้", "Nothing here yet")) }
        } @else {
            ul.items {
                @for row in rows {
                    li {
                        a.title href=(paths::item(row.id)) { (row.title) }
                        div.info {
                            (text::datetime_of_unix(row.published_at, digits))
                            @if show_place {
                                @if let Some(p) = Place::parse(&row.category) {
                                    " · " a href=(paths::place(p)) { (digits.apply(p.sub.name_th)) }
                                }
                            }
                            @for k in &row.attachment_kinds {
                                " " span.kind { (k.to_uppercase()) }
                            }
                        }
                        @if !row.summary.is_empty() { p { (row.summary) } }
                    }
                }
            }
        }
    }
}

fn pager<T>(base: &str, page: &Page<T>, digits: thai::Digits) -> Markup {
    let pages = page.pages();
    if pages <= 1 {
        return html! {};
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    let href = |n: u32| format!("{base}{sep}page={n}");
    // Show the first, the last and two on either side of the current page.
    let shown: Vec<u32> =
        (1..=pages).filter(|&n| n == 1 || n == pages || n.abs_diff(page.page) <= 2).collect();
    html! {
        nav.pager aria-label=(t("เลือกหน้า", "Pages")) {
            @if page.page > 1 { a rel="prev" href=(href(page.page - 1)) { (t("‹ ก่อนหน้า", "‹ Previous")) } }
            @for (i, n) in shown.iter().enumerate() {
                @if i > 0 && shown[i - 1] + 1 != *n { span.gap { "…" } }
                @if *n == page.page {
                    span aria-current="page" { (digits.apply(&n.to_string())) }
                } @else {
                    a href=(href(*n)) { (digits.apply(&n.to_string())) }
                }
            }
            @if page.page < pages { a rel="next" href=(href(page.page + 1)) { (t("ถัดไป ›", "Next ›")) } }
        }
    }
}
