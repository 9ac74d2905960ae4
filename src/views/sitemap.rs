//! The sitemap for people (`/sitemap`): every area with its sub-areas, the services, the
//! policies and the machine-readable documents, as plain links.

use maud::{Markup, html};

use super::layout;
use super::prefs::{Prefs, t, tr};
use super::{Chrome, Crumb};
use crate::categories::{AREAS, Place};
use crate::paths;

/// The public pages that are not areas or items, with Thai and English names.
const SERVICES: &[(&str, &str, &str)] = &[
    (paths::HOME, "หน้าหลัก", "Home"),
    (paths::SEARCH, "ค้นหาข้อมูล", "Search"),
    (paths::ESERVICES, "บริการออนไลน์ (e-Service)", "e-Services"),
    ("/eservices/complaint", "ร้องเรียน/ร้องทุกข์", "Complaints"),
    ("/eservices/info", "ขอข้อมูลข่าวสารของราชการ", "Request official information"),
    ("/track", "ติดตามสถานะเรื่อง", "Track a case"),
    (paths::QA, "ถาม-ตอบ", "Questions and answers"),
    (paths::SURVEY, "แบบประเมินความพึงพอใจ", "Satisfaction survey"),
    (paths::SURVEY_RESULTS, "ผลการประเมินความพึงพอใจ", "Survey results"),
    (paths::STATS, "สถิติผู้เข้าชมเว็บไซต์", "Visitor statistics"),
    (paths::ITA, "การเปิดเผยข้อมูลสาธารณะ (ITA/MOIT)", "Open data for ITA/MOIT"),
];

/// The human sitemap page.
pub fn page(chrome: &Chrome) -> Markup {
    let digits = chrome.digits;
    let en = Prefs::current().english();
    let title = t("แผนผังเว็บไซต์", "Sitemap");
    layout::page(
        chrome,
        title,
        &[Crumb::here(title)],
        html! {
            h1 { (title) }
            div.sitemap lang=[en.then_some("en")] {
                section aria-labelledby="sm-areas" {
                    h2 #sm-areas { (t("หมวดหมู่ข้อมูล", "Content areas")) }
                    ol.sitemap-areas {
                        @for area in AREAS {
                            li {
                                a.area href=(paths::area(area)) {
                                    span.code { (digits.apply(area.code)) } " " (tr(area.name_th, area.name_en))
                                }
                                ul {
                                    @for sub in area.subs {
                                        li { a href=(paths::place(Place { area, sub })) { (digits.apply(tr(sub.name_th, sub.name_en))) } }
                                    }
                                }
                            }
                        }
                    }
                }
                div.sitemap-more {
                    section aria-labelledby="sm-services" {
                        h2 #sm-services { (t("บริการและหน้าอื่น ๆ", "Services and other pages")) }
                        ul {
                            @for (href, th, en) in SERVICES {
                                li { a href=(href) { (tr(th, en)) } }
                            }
                        }
                    }
                    section aria-labelledby="sm-policies" {
                        h2 #sm-policies { (t("นโยบายเว็บไซต์", "Policies")) }
                        ul {
                            @for p in super::policies::PAGES {
                                li { a href=(paths::policy(p.slug)) { (tr(p.title_th, p.title_en)) } }
                            }
                        }
                    }
                    section aria-labelledby="sm-machine" {
                        h2 #sm-machine { (t("สำหรับโปรแกรม", "For programs")) }
                        ul {
                            li { a href=(paths::SITEMAP) { (t("แผนผังเว็บไซต์สำหรับเครื่องมือค้นหา (XML)", "Sitemap for search engines (XML)")) } }
                            li { a href=(paths::FEED_ALL) { (t("ฟีดข่าวสาร (Atom)", "News feed (Atom)")) } }
                        }
                    }
                }
            }
        },
    )
}
