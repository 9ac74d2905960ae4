//! The layout every page shares: header with the office's name, the ten content areas as the
//! main navigation, breadcrumbs, search box and the footer with contact details.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::prefs::{Prefs, Size, t};
use super::{Chrome, Crumb};
use crate::categories::{AREAS, Place};
use crate::paths;

/// A whole HTML page around `content`.
pub fn page(chrome: &Chrome, title: &str, crumbs: &[Crumb], content: Markup) -> Markup {
    let office = chrome.office();
    let prefs = Prefs::current();
    let en = prefs.english();
    let site_name = if en { &office.name_en } else { &office.name_th };
    let full_title = if title.is_empty() { site_name.clone() } else { format!("{title} | {site_name}") };
    let classes = [prefs.classes(), super::theme::class(office.theme).unwrap_or_default()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let logo = paths::logo(office);
    html! {
        (DOCTYPE)
        html lang=(if en { "en" } else { "th" }) class=[(!classes.is_empty()).then_some(classes)] {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full_title) }
                meta name="description" content=(format!("เว็บไซต์{} {}", office.name_th, office.name_en));
                // All four faces (about 10 kB each) load at once, so no text reflows when a late
                // face arrives (layout shift).
                @for face in ["thai-400", "thai-700", "latin-400", "latin-700"] {
                    link rel="preload" href=(paths::asset(&format!("fonts/sarabun-{face}.woff2"))) as="font" type="font/woff2" crossorigin;
                }
                link rel="stylesheet" href=(paths::asset("style.css"));
                link rel="icon" href=(logo) type=(logo_type(office));
                @if let Some(area) = chrome.current_area {
                    link rel="alternate" type="application/atom+xml" href=(paths::feed(area))
                        title=(t("ข่าวสารล่าสุดในหมวดนี้ (Atom)", "Latest in this area (Atom)"));
                }
                link rel="alternate" type="application/atom+xml" href=(paths::FEED_ALL) title=(t("ข่าวสารล่าสุด (Atom)", "Latest (Atom)"));
            }
            body {
                a.skip href="#main" { (t("ข้ามไปยังเนื้อหา", "Skip to content")) }
                (reading_tools(prefs))
                header.site {
                    div.bar {
                        a.brand href="/" {
                            img.custom[!office.logo.is_empty()] src=(logo) alt="" width="48" height="48";
                            span {
                                @if en {
                                    strong { (office.name_en) }
                                    small lang="th" { (office.name_th) }
                                } @else {
                                    strong { (office.name_th) }
                                    small lang="en" { (office.name_en) }
                                }
                            }
                        }
                        form.search role="search" action=(paths::SEARCH) method="get" {
                            label.visually-hidden for="q" { (t("ค้นหา", "Search")) }
                            input #q type="search" name="q" placeholder=(t("ค้นหาข้อมูล…", "Search…")) maxlength="200";
                            button type="submit" { (t("ค้นหา", "Search")) }
                        }
                    }
                    (navigation(chrome))
                }
                @if !crumbs.is_empty() {
                    nav.crumbs aria-label=(t("เส้นทาง", "Breadcrumb")) {
                        ol {
                            li { a href="/" { (t("หน้าหลัก", "Home")) } }
                            @for c in crumbs {
                                @match &c.href {
                                    Some(href) => li { a href=(href) { (c.label) } },
                                    None => li aria-current="page" { (c.label) },
                                }
                            }
                        }
                    }
                }
                // The content itself is Thai; with the English interface it keeps its language.
                main #main lang=[en.then_some("th")] { (content) }
                (footer(chrome))
            }
        }
    }
}

/// The content type of the office's logo, for `<link rel=icon>`.
pub fn logo_type(office: &crate::config::Office) -> &'static str {
    match office.logo.rsplit('.').next() {
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        _ => "image/svg+xml",
    }
}

/// Text size, contrast and language links: plain links, so they work without JavaScript.
fn reading_tools(prefs: Prefs) -> Markup {
    let back = crate::paths::percent_encode_segment(&Prefs::current_path());
    let link = |choice: &str| format!("/prefs/{choice}?back={back}");
    html! {
        nav.tools aria-label=(t("การแสดงผล", "Display options")) {
            span.group {
                span.label { (t("ขนาดตัวอักษร", "Text size")) }
                // The visible "ก" starts the accessible name (WCAG 2.5.3, label in name); the
                // hidden words say what it does.
                a href=(link("text-normal")) aria-current=[(prefs.size == Size::Normal).then_some("true")] {
                    "ก" span.visually-hidden { " " (t("ขนาดปกติ", "normal text size")) }
                }
                a.t-large href=(link("text-large")) aria-current=[(prefs.size == Size::Large).then_some("true")] {
                    "ก+" span.visually-hidden { " " (t("ตัวอักษรใหญ่", "large text")) }
                }
                a.t-larger href=(link("text-larger")) aria-current=[(prefs.size == Size::Larger).then_some("true")] {
                    "ก++" span.visually-hidden { " " (t("ตัวอักษรใหญ่มาก", "larger text")) }
                }
            }
            span.group {
                @if prefs.contrast {
                    a href=(link("contrast-off")) { (t("สีปกติ", "Normal colours")) }
                } @else {
                    a href=(link("contrast-on")) { (t("ความคมชัดสูง", "High contrast")) }
                }
            }
            span.group {
                @if prefs.english() {
                    a href=(link("lang-th")) lang="th" hreflang="th" { "ภาษาไทย" }
                } @else {
                    a href=(link("lang-en")) lang="en" hreflang="en" { "English" }
                }
            }
        }
    }
}

/// The ten areas: a strip with drop-down sub-areas on wide screens, and on a phone a menu
/// button (`details`/`summary`, no JavaScript) that opens the areas with their sub-areas. Both
/// live in the one navigation landmark; the style sheet shows one of them.
fn navigation(chrome: &Chrome) -> Markup {
    let en = Prefs::current().english();
    let name = |area: &crate::categories::Area| if en { area.name_en } else { area.name_th };
    let sub_name =
        |sub: &crate::categories::Sub| chrome.digits.apply(if en { sub.name_en } else { sub.name_th });
    html! {
        nav.areas aria-label=(t("หมวดหมู่ข้อมูล", "Content areas")) {
            details.menu {
                summary { span.burger aria-hidden="true" {} (t("เมนูหมวดหมู่ข้อมูล", "Menu: content areas")) }
                ul {
                    @for area in AREAS {
                        li.current[chrome.current_area == Some(area.slug)] {
                            a.area href=(paths::area(area))
                                aria-current=[(chrome.current_area == Some(area.slug)).then_some("true")] {
                                span.code { (chrome.digits.apply(area.code)) } " " (name(area))
                            }
                            ul {
                                @for sub in area.subs {
                                    li { a href=(paths::place(Place { area, sub })) { (sub_name(sub)) } }
                                }
                            }
                        }
                    }
                }
            }
            ul.strip {
                @for area in AREAS {
                    li.current[chrome.current_area == Some(area.slug)] {
                        a href=(paths::area(area)) { (name(area)) }
                        ul.subs {
                            @for sub in area.subs {
                                li { a href=(paths::place(Place { area, sub })) { (sub_name(sub)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn footer(chrome: &Chrome) -> Markup {
    let office = chrome.office();
    let digits = chrome.digits;
    let en = Prefs::current().english();
    html! {
        footer.site {
            div.cols {
                section {
                    @if en {
                        h2 { (office.name_en) }
                        p lang="th" { (office.name_th) }
                    } @else {
                        h2 { (office.name_th) }
                        p lang="en" { (office.name_en) }
                    }
                    address lang=[en.then_some("th")] {
                        (office.address)
                        @if !office.phone.is_empty() { br; (t("โทรศัพท์ ", "Tel. ")) (digits.apply(&office.phone)) }
                        @if !office.fax.is_empty() { br; (t("โทรสาร ", "Fax ")) (digits.apply(&office.fax)) }
                        @if !office.email.is_empty() {
                            br; (t("อีเมล ", "E-mail ")) a href=(format!("mailto:{}", office.email)) { (office.email) }
                        }
                        @if !office.map_url.is_empty() {
                            br; a href=(office.map_url) rel="noopener" { (t("แผนที่ไปสำนักงาน", "Map")) }
                        }
                    }
                    @if let (Some(src), Some((w, h))) =
                        (paths::map_image(office), crate::config::map_image_size(&office.map_image))
                    {
                        @let alt = t("ภาพแผนที่ที่ตั้งสำนักงาน", "Map of the office's location");
                        p.map-image {
                            @let img = html! { img src=(src) alt=(alt) width=(w) height=(h) loading="lazy" decoding="async"; };
                            @if office.map_url.is_empty() { a href=(src) { (img) } }
                            @else { a href=(office.map_url) rel="noopener" { (img) } }
                        }
                    }
                    @if !office.links.is_empty() {
                        ul.social {
                            @for link in &office.links {
                                li { a href=(link.url) rel="noopener" { (link.name) } }
                            }
                        }
                    }
                }
                section {
                    h2 { (t("ลิงก์ด่วน", "Quick links")) }
                    ul {
                        li { a href=(paths::area_slug("general")) { (t("เกี่ยวกับหน่วยงาน", "About us")) } }
                        li { a href=(paths::area_slug("oia")) { (t("ข้อมูลข่าวสารของราชการ", "Official information")) } }
                        li { a href=(paths::ITA) { (t("การเปิดเผยข้อมูลสาธารณะ (ITA/MOIT)", "Open data for ITA/MOIT")) } }
                        li { a href=(paths::area_slug("news")) { (t("ข่าวประชาสัมพันธ์", "News")) } }
                        li { a href=(paths::SITEMAP_PAGE) { (t("แผนผังเว็บไซต์", "Sitemap")) } }
                        li { a href=(paths::FEED_ALL) { (t("ฟีดข่าวสาร (Atom)", "News feed (Atom)")) } }
                    }
                }
                section {
                    h2 { (t("บริการประชาชน", "Services")) }
                    ul {
                        li { a href=(paths::ESERVICES) { (t("บริการออนไลน์ (e-Service)", "e-Services")) } }
                        li { a href="/eservices/complaint" { (t("ร้องเรียน/ร้องทุกข์", "Complaints")) } }
                        li { a href="/qa" { (t("ถาม-ตอบ", "Questions and answers")) } }
                        li { a href="/survey" { (t("แบบประเมินความพึงพอใจ", "Satisfaction survey")) } }
                        li { a href="/stats" { (t("สถิติผู้เข้าชม", "Visitor statistics")) } }
                    }
                }
                section {
                    h2 { (t("นโยบายเว็บไซต์", "Policies")) }
                    ul {
                        @for p in super::policies::PAGES {
                            li { a href=(format!("/policy/{}", p.slug)) { (if en { p.title_en } else { p.title_th }) } }
                        }
                    }
                }
            }
            @if let Some((today, month, total)) = chrome.counter {
                p.counter {
                    a href="/stats" { (t("ผู้เข้าชม", "Page views")) } ": " (t("วันนี้ ", "today "))
                    (digits.apply(&today.to_string()))
                    " · " (t("เดือนนี้ ", "this month ")) (digits.apply(&month.to_string()))
                    " · " (t("ทั้งหมด ", "total ")) (digits.apply(&total.to_string())) (t(" ครั้ง", ""))
                }
            }
            // Only a real date: pages that do not know it (staff pages) say nothing.
            @if let Some(at) = chrome.last_updated {
                p.updated { (t("ปรับปรุงข้อมูลล่าสุด ", "Last updated ")) (super::text::date_of_unix(at, digits)) }
            }
            p.powered { (t("ให้บริการโดย Prakat ", "Powered by Prakat ")) (PreEscaped("&middot;")) " " (env!("CARGO_PKG_VERSION")) }
        }
    }
}
