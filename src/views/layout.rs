//! The layout every page shares: header with the office's name, the ten content areas as the
//! main navigation, breadcrumbs, search box and the footer with contact details.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{Chrome, Crumb};
use crate::categories::{AREAS, Place};
use crate::paths;

/// A whole HTML page around `content`.
pub fn page(chrome: &Chrome, title: &str, crumbs: &[Crumb], content: Markup) -> Markup {
    let office = chrome.office;
    let full_title =
        if title.is_empty() { office.name_th.clone() } else { format!("{title} | {}", office.name_th) };
    html! {
        (DOCTYPE)
        html lang="th" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full_title) }
                meta name="description" content=(format!("เว็บไซต์{} {}", office.name_th, office.name_en));
                link rel="preload" href=(paths::asset("fonts/sarabun-thai-400.woff2")) as="font" type="font/woff2" crossorigin;
                link rel="stylesheet" href=(paths::asset("style.css"));
                link rel="icon" href=(paths::asset("logo.svg")) type="image/svg+xml";
            }
            body {
                a.skip href="#main" { "ข้ามไปยังเนื้อหา" }
                header.site {
                    div.bar {
                        a.brand href="/" {
                            img src=(paths::asset("logo.svg")) alt="" width="48" height="48";
                            span {
                                strong { (office.name_th) }
                                small lang="en" { (office.name_en) }
                            }
                        }
                        form.search role="search" action="/search" method="get" {
                            label.visually-hidden for="q" { "ค้นหา" }
                            input #q type="search" name="q" placeholder="ค้นหาข้อมูล…" maxlength="200";
                            button type="submit" { "ค้นหา" }
                        }
                    }
                    (navigation(chrome))
                }
                @if !crumbs.is_empty() {
                    nav.crumbs aria-label="เส้นทาง" {
                        ol {
                            li { a href="/" { "หน้าหลัก" } }
                            @for c in crumbs {
                                @match &c.href {
                                    Some(href) => li { a href=(href) { (c.label) } },
                                    None => li aria-current="page" { (c.label) },
                                }
                            }
                        }
                    }
                }
                main #main { (content) }
                (footer(chrome))
            }
        }
    }
}

fn navigation(chrome: &Chrome) -> Markup {
    html! {
        nav.areas aria-label="หมวดหมู่ข้อมูล" {
            ul {
                @for area in AREAS {
                    li.current[chrome.current_area == Some(area.slug)] {
                        a href=(paths::area(area)) { (area.name_th) }
                        ul.subs {
                            @for sub in area.subs {
                                li { a href=(paths::place(Place { area, sub })) { (sub.name_th) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn footer(chrome: &Chrome) -> Markup {
    let office = chrome.office;
    let digits = chrome.digits;
    html! {
        footer.site {
            div.cols {
                section {
                    h2 { (office.name_th) }
                    p lang="en" { (office.name_en) }
                    address {
                        (office.address)
                        @if !office.phone.is_empty() { br; "โทรศัพท์ " (digits.apply(&office.phone)) }
                        @if !office.fax.is_empty() { br; "โทรสาร " (digits.apply(&office.fax)) }
                        @if !office.email.is_empty() {
                            br; "อีเมล " a href=(format!("mailto:{}", office.email)) { (office.email) }
                        }
                    }
                }
                section {
                    h2 { "ลิงก์ด่วน" }
                    ul {
                        li { a href=(paths::area(&AREAS[0])) { "เกี่ยวกับหน่วยงาน" } }
                        li { a href=(paths::area(&AREAS[4])) { "ข้อมูลข่าวสารของราชการ" } }
                        li { a href=(paths::area(&AREAS[7])) { "ข่าวประชาสัมพันธ์" } }
                        li { a href="/sitemap.xml" { "แผนผังเว็บไซต์ (XML)" } }
                    }
                }
                section {
                    h2 { "บริการประชาชน" }
                    ul {
                        li { a href="/eservices" { "บริการออนไลน์ (e-Service)" } }
                        li { a href="/eservices/complaint" { "ร้องเรียน/ร้องทุกข์" } }
                        li { a href="/qa" { "ถาม-ตอบ" } }
                        li { a href="/survey" { "แบบประเมินความพึงพอใจ" } }
                        li { a href="/stats" { "สถิติผู้เข้าชม" } }
                    }
                }
            }
            @if let Some((today, month, total)) = chrome.counter {
                p.counter {
                    a href="/stats" { "ผู้เข้าชม" } ": วันนี้ " (digits.apply(&today.to_string()))
                    " · เดือนนี้ " (digits.apply(&month.to_string()))
                    " · ทั้งหมด " (digits.apply(&total.to_string())) " ครั้ง"
                }
            }
            p.updated {
                "ปรับปรุงข้อมูลล่าสุด "
                @match chrome.last_updated {
                    Some(t) => (super::text::date_of_unix(t, digits)),
                    None => "-",
                }
            }
            p.powered { "ให้บริการโดย Prakat " (PreEscaped("&middot;")) " " (env!("CARGO_PKG_VERSION")) }
        }
    }
}
