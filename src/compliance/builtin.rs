//! Evidence that Prakat itself provides: the Q&A, the complaint channel and its quarterly
//! statistics, the satisfaction survey and its results, visit statistics, the policy pages, the
//! sitemap, search, the e-Services and the official-information request form, and the office's
//! social-media links. A checklist item names the feature that satisfies it (`builtin = "qa"`);
//! it then counts with a live link while the feature is switched on (`[features]` in the
//! settings) and its condition holds — for complaint statistics, that every quarter due so far
//! has been checked and published by a web master.

use serde::{Deserialize, Serialize};

use super::period::{Period, add_days, quarter_of};
use crate::thai;
use jiff::civil::Date;

/// Which public features are switched on (`[features]` in `prakat.toml`). A feature that is off
/// answers 404, and the checklist items it satisfied are no longer counted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Features {
    /// All e-Services (`/eservices`, `/track`, `/qa`, the forms and the statistics).
    pub eservices: bool,
    /// The public Q&A (`/qa`) and its question form.
    pub qa: bool,
    /// The complaint form (`/eservices/complaint`).
    pub complaints: bool,
    /// The complaint statistics page (`/eservices/stats`).
    pub complaint_stats: bool,
    /// The official-information request form (`/eservices/info`).
    pub info_requests: bool,
    /// The satisfaction survey and its results (`/survey`, `/survey/results`).
    pub survey: bool,
    /// Visit statistics (`/stats`).
    pub stats: bool,
    /// The policy pages (`/policy/…`).
    pub policies: bool,
    /// `/sitemap.xml`.
    pub sitemap: bool,
    /// Site search (`/search`).
    pub search: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            eservices: true,
            qa: true,
            complaints: true,
            complaint_stats: true,
            info_requests: true,
            survey: true,
            stats: true,
            policies: true,
            sitemap: true,
            search: true,
        }
    }
}

impl Features {
    /// Whether the public page at `path` is served. Staff pages are never switched off.
    pub fn serves(&self, path: &str) -> bool {
        let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
        if under("/eservices") || path == "/track" || path == "/qa" {
            if !self.eservices {
                return false;
            }
            return match path {
                "/qa" | "/eservices/question" => self.qa,
                "/eservices/complaint" => self.complaints,
                "/eservices/stats" => self.complaint_stats,
                "/eservices/info" => self.info_requests,
                _ => true,
            };
        }
        if under("/survey") {
            return self.survey;
        }
        if path == "/stats" {
            return self.stats;
        }
        if under("/policy") {
            return self.policies;
        }
        match path {
            "/sitemap.xml" => self.sitemap,
            "/search" => self.search,
            _ => true,
        }
    }
}

/// The policy pages a checklist may name (`policy-website`, …), as `(name, slug, Thai title)`.
const POLICIES: [(&str, &str, &str); 5] = [
    ("policy-website", "website", "นโยบายเว็บไซต์"),
    ("policy-privacy", "privacy", "นโยบายคุ้มครองข้อมูลส่วนบุคคล"),
    ("policy-cookies", "cookies", "นโยบายคุกกี้"),
    ("policy-security", "security", "นโยบายการรักษาความมั่นคงปลอดภัยเว็บไซต์"),
    ("policy-accessibility", "accessibility", "คำแถลงการเข้าถึงได้"),
];

/// A feature of Prakat that can satisfy a checklist item by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// The public Q&A.
    Qa,
    /// The online complaint channel with status tracking.
    Complaints,
    /// Complaint statistics per quarter.
    ComplaintStats,
    /// The satisfaction survey and its results.
    Survey,
    /// Visit statistics.
    Stats,
    /// A policy page, by its slug.
    Policy(&'static str),
    /// The sitemap.
    Sitemap,
    /// Site search.
    Search,
    /// The e-Services.
    Eservices,
    /// The official-information request form.
    InfoRequest,
    /// The office's social-media links in every page's footer.
    SocialLinks,
}

impl Builtin {
    /// The spellings accepted in checklist files.
    pub fn names() -> Vec<&'static str> {
        let mut v = vec![
            "qa",
            "complaints",
            "complaint-stats",
            "survey",
            "stats",
            "sitemap",
            "search",
            "eservices",
            "oia-form",
            "social-links",
        ];
        v.extend(POLICIES.iter().map(|p| p.0));
        v
    }

    /// Parses the spelling used in checklist files.
    pub fn parse(s: &str) -> Option<Builtin> {
        Some(match s.trim() {
            "qa" => Builtin::Qa,
            "complaints" => Builtin::Complaints,
            "complaint-stats" => Builtin::ComplaintStats,
            "survey" => Builtin::Survey,
            "stats" => Builtin::Stats,
            "sitemap" => Builtin::Sitemap,
            "search" => Builtin::Search,
            "eservices" => Builtin::Eservices,
            "oia-form" => Builtin::InfoRequest,
            "social-links" => Builtin::SocialLinks,
            other => return POLICIES.iter().find(|p| p.0 == other).map(|p| Builtin::Policy(p.1)),
        })
    }

    /// The public page that shows it (for complaint statistics, of fiscal year `fy`).
    pub fn href(self, fy: i32) -> String {
        match self {
            Builtin::Qa => "/qa".into(),
            Builtin::Complaints => "/eservices/complaint".into(),
            Builtin::ComplaintStats => format!("/eservices/stats?fy={fy}"),
            Builtin::Survey => "/survey/results".into(),
            Builtin::Stats => "/stats".into(),
            Builtin::Policy(slug) => crate::paths::policy(slug),
            Builtin::Sitemap => "/sitemap.xml".into(),
            Builtin::Search => "/search".into(),
            Builtin::Eservices => "/eservices".into(),
            Builtin::InfoRequest => "/eservices/info".into(),
            Builtin::SocialLinks => "/".into(),
        }
    }

    /// Its Thai name.
    pub fn title_th(self) -> &'static str {
        match self {
            Builtin::Qa => "ถาม–ตอบ (Q&A) ของเว็บไซต์",
            Builtin::Complaints => "แบบฟอร์มร้องเรียนออนไลน์ พร้อมติดตามสถานะ",
            Builtin::ComplaintStats => "สถิติเรื่องร้องเรียนรายไตรมาส",
            Builtin::Survey => "แบบสำรวจความพึงพอใจและผลสำรวจ",
            Builtin::Stats => "สถิติผู้เข้าชมเว็บไซต์",
            Builtin::Policy(slug) => POLICIES.iter().find(|p| p.1 == slug).map_or("นโยบาย", |p| p.2),
            Builtin::Sitemap => "แผนผังเว็บไซต์ (sitemap.xml)",
            Builtin::Search => "ระบบค้นหาของเว็บไซต์",
            Builtin::Eservices => "บริการออนไลน์ (e-Service)",
            Builtin::InfoRequest => "แบบคำขอข้อมูลข่าวสารของราชการออนไลน์",
            Builtin::SocialLinks => "ลิงก์สื่อสังคมออนไลน์ของหน่วยงาน (ท้ายทุกหน้า)",
        }
    }

    /// The setting that switches it off, for the message.
    fn setting(self) -> &'static str {
        match self {
            Builtin::Qa => "features.qa",
            Builtin::Complaints => "features.complaints",
            Builtin::ComplaintStats => "features.complaint_stats",
            Builtin::Survey => "features.survey",
            Builtin::Stats => "features.stats",
            Builtin::Policy(_) => "features.policies",
            Builtin::Sitemap => "features.sitemap",
            Builtin::Search => "features.search",
            Builtin::Eservices => "features.eservices",
            Builtin::InfoRequest => "features.info_requests",
            Builtin::SocialLinks => "office.links",
        }
    }

    /// Whether the page it needs is served under `features`.
    fn switched_on(self, features: &Features, social_links: usize) -> bool {
        match self {
            Builtin::SocialLinks => social_links > 0,
            Builtin::Policy(slug) => features.serves(&crate::paths::policy(slug)),
            other => features.serves(other.href(0).split('?').next().unwrap_or_default()),
        }
    }
}

/// What the judgement of built-in evidence needs to know about the site.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The features switched on.
    pub features: Features,
    /// How many social-media links the office has set.
    pub social_links: usize,
    /// The first of them.
    pub first_social_link: String,
    /// Quarters whose complaint statistics were published, as `(fiscal year, quarter, day)`.
    pub published_quarters: Vec<(i32, u8, Date)>,
    /// Answered questions shown on `/qa`.
    pub answered_questions: usize,
    /// Survey responses in the fiscal year judged.
    pub survey_responses: u64,
}

/// Days after a quarter ends by which its complaint statistics are due.
pub const STATS_DUE_DAYS: i64 = 30;

/// The judgement of one built-in feature for a fiscal year, on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The feature.
    pub builtin: Builtin,
    /// Whether it counts as evidence.
    pub ok: bool,
    /// Its live link.
    pub href: String,
    /// Its name.
    pub title: String,
    /// The data behind it, or why it does not count (Thai).
    pub detail: String,
    /// The quarter that is missing, with its due day, when statistics are not published.
    pub missing: Option<(i32, u8, Date)>,
}

/// The quarters whose complaint statistics must be published for fiscal year `fy` on `today`:
/// every quarter of `fy` that is due; when none is due yet, the last quarter of the year before
/// (the statistics should never go a quarter stale). As `(fiscal year, quarter, due day)`.
pub fn due_quarters(fy: i32, today: Date) -> Vec<(i32, u8, Date)> {
    let due = |y: i32, q: u8| add_days(Period::Quarter(q).range(y).1, STATS_DUE_DAYS);
    let mut out: Vec<(i32, u8, Date)> =
        (1..=4).map(|q| (fy, q, due(fy, q))).filter(|(_, _, d)| *d < today).collect();
    if out.is_empty() && thai::fiscal_year(today) >= fy {
        out.push((fy - 1, 4, due(fy - 1, 4)));
    }
    out
}

/// Judges `builtin` for fiscal year `fy` on `today`.
pub fn check(builtin: Builtin, facts: &Facts, fy: i32, today: Date) -> Check {
    let mut c = Check {
        builtin,
        ok: true,
        href: builtin.href(fy),
        title: builtin.title_th().to_owned(),
        detail: String::new(),
        missing: None,
    };
    if !builtin.switched_on(&facts.features, facts.social_links) {
        c.ok = false;
        c.detail = match builtin {
            Builtin::SocialLinks => "ยังไม่ได้ตั้งค่าลิงก์สื่อสังคมออนไลน์ของหน่วยงาน (office.links)".into(),
            other => format!("ปิดใช้งานอยู่ ({} = false)", other.setting()),
        };
        return c;
    }
    c.detail = match builtin {
        Builtin::Qa => format!("ให้บริการอยู่ มีคำถามที่ตอบแล้ว {} เรื่อง", facts.answered_questions),
        Builtin::Survey => format!("ให้บริการอยู่ ผู้ตอบในปีงบประมาณ {fy} จำนวน {} ราย", facts.survey_responses),
        Builtin::SocialLinks => {
            c.href = facts.first_social_link.clone();
            format!("ตั้งค่าไว้ {} ลิงก์ แสดงท้ายทุกหน้า", facts.social_links)
        }
        Builtin::ComplaintStats => {
            let due = due_quarters(fy, today);
            let published = |y: i32, q: u8| facts.published_quarters.iter().find(|p| p.0 == y && p.1 == q);
            if let Some(&(y, q, day)) = due.iter().find(|(y, q, _)| published(*y, *q).is_none()) {
                c.ok = false;
                c.missing = Some((y, q, day));
                c.href = builtin.href(y);
                format!(
                    "ยังไม่ได้เผยแพร่สถิติไตรมาส {q} ปีงบประมาณ {y} (ครบกำหนด {})",
                    thai::date_short(day, thai::Digits::Arabic)
                )
            } else if due.is_empty() {
                "ให้บริการอยู่ ยังไม่มีไตรมาสที่ครบกำหนด".into()
            } else {
                let list: Vec<String> = due
                    .iter()
                    .filter_map(|(y, q, _)| published(*y, *q))
                    .map(|(y, q, on)| {
                        format!("ไตรมาส {q}/{y} เผยแพร่ {}", thai::date_short(*on, thai::Digits::Arabic))
                    })
                    .collect();
                list.join(", ")
            }
        }
        _ => "ให้บริการอยู่".into(),
    };
    c
}

/// The quarters a web master may publish or withdraw on the dashboard: the last of the year
/// before and every quarter of this year up to the current one (which can be published once it
/// has ended), as `(fy, quarter)`.
pub fn recent_quarters(today: Date) -> Vec<(i32, u8)> {
    let fy = thai::fiscal_year(today);
    let mut out = vec![(fy - 1, 4)];
    out.extend((1..=quarter_of(today)).map(|q| (fy, q)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn features_switch_their_pages_off() {
        let all = Features::default();
        for p in ["/qa", "/eservices/stats", "/survey/results", "/policy/cookies", "/search", "/items/3"] {
            assert!(all.serves(p), "{p}");
        }
        let off = Features { qa: false, policies: false, ..Features::default() };
        assert!(!off.serves("/qa") && !off.serves("/eservices/question") && !off.serves("/policy/cookies"));
        assert!(off.serves("/eservices/complaint") && off.serves("/admin/pages"));
        let none = Features { eservices: false, ..Features::default() };
        assert!(!none.serves("/track") && !none.serves("/eservices") && !none.serves("/qa"));
    }

    #[test]
    fn every_name_parses() {
        for n in Builtin::names() {
            assert!(Builtin::parse(n).is_some(), "{n}");
        }
        assert_eq!(Builtin::parse("policy-cookies"), Some(Builtin::Policy("cookies")));
        assert_eq!(Builtin::parse("faq"), None);
    }

    #[test]
    fn complaint_statistics_count_while_every_due_quarter_is_published() {
        // 6 December 2026 is in fiscal year 2570; no quarter of 2570 is due yet, so the last
        // quarter of 2569 (due 30 October 2026) must be out.
        let today = date(2026, 12, 6);
        assert_eq!(due_quarters(2570, today), [(2569, 4, date(2026, 10, 30))]);
        let mut facts = Facts::default();
        let c = check(Builtin::ComplaintStats, &facts, 2570, today);
        assert!(!c.ok && c.detail.contains("ไตรมาส 4 ปีงบประมาณ 2569"), "{c:?}");
        facts.published_quarters.push((2569, 4, date(2026, 10, 5)));
        assert!(check(Builtin::ComplaintStats, &facts, 2570, today).ok);
        // On 1 February 2027 the first quarter of 2570 (due 30 January) is missing.
        let later = check(Builtin::ComplaintStats, &facts, 2570, date(2027, 2, 1));
        assert_eq!(later.missing, Some((2570, 1, date(2027, 1, 30))));
        facts.features.complaint_stats = false;
        let off = check(Builtin::ComplaintStats, &facts, 2570, today);
        assert!(!off.ok && off.detail.contains("features.complaint_stats"));
        assert_eq!(recent_quarters(date(2026, 12, 6)), [(2569, 4), (2570, 1)]);
        assert_eq!(
            recent_quarters(date(2027, 8, 1)),
            [(2569, 4), (2570, 1), (2570, 2), (2570, 3), (2570, 4)]
        );
    }

    #[test]
    fn social_links_need_at_least_one_link() {
        let facts = Facts::default();
        assert!(!check(Builtin::SocialLinks, &facts, 2570, date(2026, 12, 6)).ok);
        let facts = Facts { social_links: 2, ..Facts::default() };
        assert!(check(Builtin::SocialLinks, &facts, 2570, date(2026, 12, 6)).ok);
    }
}
