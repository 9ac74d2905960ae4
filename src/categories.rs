//! The ten content areas of the seed announcement (sections 1.1–1.10) and their sub-categories.
//!
//! They are fixed by the office's published rules, so they live in code rather than in the
//! database: every item names its sub-category by a key such as `news/procurement`.

/// One of the ten top-level content areas.
#[derive(Debug)]
pub struct Area {
    /// Section number in the seed announcement, e.g. `1.8`.
    pub code: &'static str,
    /// URL segment, e.g. `news`.
    pub slug: &'static str,
    /// Thai name shown in the navigation.
    pub name_th: &'static str,
    /// English name, shown as the second language.
    pub name_en: &'static str,
    /// One-line Thai description of what the area holds.
    pub about_th: &'static str,
    /// The same in English, for the English interface.
    pub about_en: &'static str,
    /// The area's sub-categories, in menu order.
    pub subs: &'static [Sub],
}

/// A sub-category inside an [`Area`].
#[derive(Debug)]
pub struct Sub {
    /// URL segment, unique within its area, e.g. `procurement`.
    pub slug: &'static str,
    /// Thai name.
    pub name_th: &'static str,
    /// English name.
    pub name_en: &'static str,
}

const fn sub(slug: &'static str, name_th: &'static str, name_en: &'static str) -> Sub {
    Sub { slug, name_th, name_en }
}

/// The ten content areas, in the order of the seed announcement.
pub static AREAS: &[Area] = &[
    Area {
        code: "1.1",
        slug: "general",
        name_th: "ข้อมูลหน่วยงาน",
        name_en: "General information",
        about_th: "ประวัติ วิสัยทัศน์ พันธกิจ โครงสร้าง ผู้บริหาร แผนงาน งบประมาณ และช่องทางติดต่อ",
        about_en: "History, vision, mission, structure, executives, plans, budget and contact channels",
        subs: &[
            sub("history", "ประวัติความเป็นมา", "History"),
            sub("vision", "วิสัยทัศน์ พันธกิจ", "Vision and mission"),
            sub("structure", "โครงสร้างหน่วยงาน", "Organisation structure"),
            sub("executives", "ทำเนียบผู้บริหาร", "Executives"),
            sub("cio", "ผู้บริหารเทคโนโลยีสารสนเทศระดับสูง (CIO)", "Chief Information Officer"),
            sub("duties", "อำนาจหน้าที่", "Powers and duties"),
            sub("strategy", "ยุทธศาสตร์และแผนปฏิบัติการ", "Strategy and action plans"),
            sub("budget", "งบประมาณรายจ่ายประจำปี", "Annual budget"),
            sub("agreements", "คำรับรองการปฏิบัติราชการ", "Performance agreements"),
            sub("performance", "รายงานผลการปฏิบัติราชการ", "Performance reports"),
            sub("contact", "ช่องทางการติดต่อ", "Contact"),
        ],
    },
    Area {
        code: "1.2",
        slug: "law",
        name_th: "กฎหมาย ระเบียบ ข้อบังคับ",
        name_en: "Laws and regulations",
        about_th: "กฎหมาย ระเบียบ ข้อบังคับ และประกาศที่เกี่ยวข้องกับหน่วยงาน พร้อมแหล่งที่มา",
        about_en: "Laws, regulations, rules and announcements that concern the office, with their sources",
        subs: &[
            sub("acts", "พระราชบัญญัติ", "Acts"),
            sub("regulations", "ระเบียบและข้อบังคับ", "Regulations"),
            sub("announcements", "ประกาศและคำสั่ง", "Announcements and orders"),
        ],
    },
    Area {
        code: "1.3",
        slug: "knowledge",
        name_th: "คลังความรู้",
        name_en: "Knowledge base",
        about_th: "ความรู้สุขภาพ อินโฟกราฟิก สื่อมัลติมีเดีย บทความ ผลงานวิจัย และข้อมูลสถิติ",
        about_en: "Health knowledge, infographics, multimedia, articles, research and statistics",
        subs: &[
            sub("infographics", "อินโฟกราฟิก", "Infographics"),
            sub("multimedia", "สื่อมัลติมีเดีย", "Multimedia"),
            sub("articles", "บทความสุขภาพ", "Articles"),
            sub("research", "ผลงานวิจัย", "Research"),
            sub("statistics", "ข้อมูลสถิติ", "Statistics"),
        ],
    },
    Area {
        code: "1.4",
        slug: "links",
        name_th: "เว็บไซต์หน่วยงานที่เกี่ยวข้อง",
        name_en: "Related websites",
        about_th: "หน่วยงานในสังกัด หน่วยงานสังกัดเดียวกัน หน่วยงานภายนอก และเว็บไซต์ที่น่าสนใจ",
        about_en: "Units under the office, sister agencies, outside agencies and useful websites",
        subs: &[
            sub("units", "หน่วยงานในสังกัด", "Units under the office"),
            sub("sibling", "หน่วยงานสังกัดเดียวกัน", "Sibling agencies"),
            sub("external", "หน่วยงานภายนอก", "External agencies"),
            sub("interesting", "เว็บไซต์ที่น่าสนใจ", "Other sites of interest"),
        ],
    },
    Area {
        code: "1.5",
        slug: "oia",
        name_th: "ข้อมูลข่าวสารตาม พ.ร.บ.ข้อมูลข่าวสารฯ",
        name_en: "Official information",
        about_th: "ข้อมูลที่ประชาชนตรวจดูได้ตาม พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. ๒๕๔๐ มาตรา ๗ และมาตรา ๙",
        about_en: "Information open to public inspection under the Official Information Act B.E. 2540, sections 7 and 9",
        subs: &[
            sub("section7", "ข้อมูลตามมาตรา ๗", "Section 7 information"),
            sub("section9", "ข้อมูลตามมาตรา ๙", "Section 9 information"),
            sub("board", "ข้อมูลที่คณะกรรมการฯ กำหนด", "Set by the Information Board"),
            sub("ita", "การประเมินคุณธรรมและความโปร่งใส (ITA)", "Integrity and transparency (ITA)"),
            sub("website-policy", "นโยบายและมาตรฐานเว็บไซต์", "Website policies and standard"),
        ],
    },
    Area {
        code: "1.6",
        slug: "sop",
        name_th: "คู่มือมาตรฐานการปฏิบัติงาน",
        name_en: "Operating procedures",
        about_th: "คู่มือมาตรฐานการปฏิบัติงาน ขั้นตอนและระยะเวลาของแต่ละขั้นตอน ดาวน์โหลดได้",
        about_en: "Standard operating procedure manuals, steps and the time each step takes, for download",
        subs: &[
            sub("manuals", "คู่มือการปฏิบัติงาน", "Procedure manuals"),
            sub("workflows", "แผนผังขั้นตอนการปฏิบัติงาน", "Workflow charts"),
        ],
    },
    Area {
        code: "1.7",
        slug: "service",
        name_th: "คู่มือสำหรับประชาชน",
        name_en: "Citizen's manual",
        about_th: "ขั้นตอนและระยะเวลาการให้บริการประชาชน พร้อมแบบฟอร์มดาวน์โหลด",
        about_en: "Steps and times of public services, with forms to download",
        subs: &[
            sub("guides", "คู่มือการรับบริการ", "Service guides"),
            sub("forms", "ดาวน์โหลดแบบฟอร์ม", "Download forms"),
        ],
    },
    Area {
        code: "1.8",
        slug: "news",
        name_th: "ข่าวประชาสัมพันธ์",
        name_en: "Public relations",
        about_th: "ข่าวสารทั่วไป ภาพข่าวกิจกรรม เรื่องแจ้งเตือน รับสมัครงาน และการจัดซื้อจัดจ้าง",
        about_en: "General news, activity photos, alerts, job openings and procurement",
        subs: &[
            sub("general", "ข่าวสารทั่วไป", "General news"),
            sub("activities", "ภาพข่าวกิจกรรม", "Activity photos"),
            sub("alerts", "เรื่องแจ้งเตือน", "Alerts"),
            sub("jobs", "ประกาศรับสมัครงาน", "Job vacancies"),
            sub("procurement", "ประกาศจัดซื้อจัดจ้าง", "Procurement announcements"),
            sub("procurement-results", "ผลการจัดซื้อจัดจ้าง", "Procurement results"),
        ],
    },
    Area {
        code: "1.9",
        slug: "eservice",
        name_th: "บริการอิเล็กทรอนิกส์ (e-Service)",
        name_en: "e-Services",
        about_th: "บริการออนไลน์แบบสื่อสารสองทางของหน่วยงาน",
        about_en: "The office's two-way online services",
        subs: &[
            sub("online", "บริการออนไลน์", "Online services"),
            sub("complaints", "ช่องทางร้องเรียนร้องทุกข์", "Complaint channels"),
        ],
    },
    Area {
        code: "1.10",
        slug: "stats",
        name_th: "สถิติและความพึงพอใจ",
        name_en: "Statistics and satisfaction",
        about_th: "สถิติการเข้าชมเว็บไซต์ ระดับความพึงพอใจ และแบบประเมินความพึงพอใจ",
        about_en: "Website visit statistics, satisfaction levels and the satisfaction survey",
        subs: &[
            sub("visits", "สถิติการเข้าชมเว็บไซต์", "Visit statistics"),
            sub("satisfaction", "ผลการประเมินความพึงพอใจ", "Satisfaction results"),
        ],
    },
];

/// The area with this URL segment.
pub fn area(slug: &str) -> Option<&'static Area> {
    AREAS.iter().find(|a| a.slug == slug)
}

impl Area {
    /// The sub-category with this URL segment.
    pub fn sub(&self, slug: &str) -> Option<&'static Sub> {
        self.subs.iter().find(|s| s.slug == slug)
    }
}

/// A resolved `area/sub` key, as stored on every item.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    /// The content area.
    pub area: &'static Area,
    /// The sub-category inside it.
    pub sub: &'static Sub,
}

impl Place {
    /// Parses a stored key such as `news/procurement`.
    pub fn parse(key: &str) -> Option<Place> {
        let (a, s) = key.split_once('/')?;
        let area = area(a)?;
        Some(Place { area, sub: area.sub(s)? })
    }

    /// The stored key, `area/sub`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.area.slug, self.sub.slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_areas_numbered_like_the_seed() {
        assert_eq!(AREAS.len(), 10);
        for (i, a) in AREAS.iter().enumerate() {
            assert_eq!(a.code, format!("1.{}", i + 1));
            assert!(!a.subs.is_empty(), "{} has no sub-categories", a.slug);
        }
    }

    #[test]
    fn slugs_are_unique_and_keys_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for a in AREAS {
            assert!(seen.insert(a.slug));
            let mut subs = std::collections::HashSet::new();
            for s in a.subs {
                assert!(subs.insert(s.slug), "duplicate {}/{}", a.slug, s.slug);
                let key = format!("{}/{}", a.slug, s.slug);
                assert_eq!(Place::parse(&key).unwrap().key(), key);
            }
        }
        assert!(Place::parse("news/nothing").is_none());
        assert!(Place::parse("news").is_none());
    }
}
