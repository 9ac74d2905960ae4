//! Which Prakat sub-category each WordPress category (and page) goes to: a map file the office
//! edits, and suggestions from Thai and English keywords for what the file does not name.
//!
//! The map file is TOML; keys are a category's name or slug (Thai slugs may be written as
//! Thai), values `area/sub` keys, or `"hold"` to send its posts to the holding list:
//!
//! ```toml
//! [categories]
//! "ข่าวประชาสัมพันธ์" = "news/general"
//! ita = "oia/ita"
//! "เรื่องเล่าชาวอำเภอ" = "hold"
//!
//! [pages]
//! default = "general/history"
//! contact = "general/contact"
//! ```

use std::collections::HashMap;

use crate::categories::Place;

/// Where one category or page goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// To this sub-category (`area/sub`).
    To(String),
    /// To the holding list: staff choose before it is public.
    Hold,
}

/// How a [`Decision`] was reached, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Named in the map file.
    Map,
    /// Guessed from keywords in the name.
    Suggested,
    /// Follows its parent category.
    Parent,
    /// Nothing matched.
    Unmapped,
}

impl How {
    /// Thai label.
    pub fn label(self) -> &'static str {
        match self {
            How::Map => "ตามไฟล์จับคู่",
            How::Suggested => "แนะนำจากคำในชื่อ",
            How::Parent => "ตามหมวดแม่",
            How::Unmapped => "ยังไม่จับคู่ (รอจัดหมวด)",
        }
    }
}

/// The office's map file, parsed.
#[derive(Debug, Clone, Default)]
pub struct CategoryMap {
    categories: HashMap<String, Decision>,
    pages: HashMap<String, Decision>,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MapFile {
    #[serde(default)]
    categories: HashMap<String, String>,
    #[serde(default)]
    pages: HashMap<String, String>,
}

/// Normalises a name or slug for matching: percent-decoded, trimmed, lower-case.
pub fn key(s: &str) -> String {
    percent_encoding::percent_decode_str(s.trim()).decode_utf8_lossy().trim().to_lowercase()
}

fn decision(value: &str) -> Option<Decision> {
    let v = value.trim();
    if v == "hold" || v == "รอจัดหมวด" {
        return Some(Decision::Hold);
    }
    Place::parse(v).map(|p| Decision::To(p.key()))
}

impl CategoryMap {
    /// Parses a map file; each line naming an unknown sub-category is returned as a Thai
    /// problem (that category then falls back to suggestions), the rest is used.
    pub fn parse(text: &str) -> Result<(CategoryMap, Vec<String>), String> {
        let file: MapFile = toml::from_str(text)
            .map_err(|e| format!("ไฟล์จับคู่หมวดหมู่อ่านไม่ได้ (ต้องเป็น TOML ที่มี [categories] และ [pages]): {e}"))?;
        let mut problems = Vec::new();
        let mut map = CategoryMap::default();
        for (section, from, to) in
            [("categories", file.categories, &mut map.categories), ("pages", file.pages, &mut map.pages)]
        {
            for (k, v) in from {
                match decision(&v) {
                    Some(d) => {
                        to.insert(key(&k), d);
                    }
                    None => problems.push(format!(
                        "ไฟล์จับคู่หมวดหมู่ [{section}] \"{k}\": ไม่มีหมวดหมู่ \"{v}\" ในระบบ (ต้องเป็นรูปแบบ หมวด/หมวดย่อย เช่น news/general หรือ hold) จึงใช้คำแนะนำแทน"
                    )),
                }
            }
        }
        Ok((map, problems))
    }

    /// The map's decision for a category named `name` with slug `slug`, if it names it.
    pub fn category(&self, name: &str, slug: &str) -> Option<Decision> {
        self.categories.get(&key(slug)).or_else(|| self.categories.get(&key(name))).cloned()
    }

    /// The map's decision for a page with this slug and title (`default` applies to all pages).
    pub fn page(&self, slug: &str, title: &str) -> Option<Decision> {
        self.pages
            .get(&key(slug))
            .or_else(|| self.pages.get(&key(title)))
            .or_else(|| self.pages.get("default"))
            .cloned()
    }
}

/// Keyword rules, the most specific first.
const RULES: &[(&[&str], &str)] = &[
    (&["ผลการจัดซื้อ", "ผลจัดซื้อ", "ผู้ชนะ", "สรุปผลการจัดซื้อ", "สขร"], "news/procurement-results"),
    (&["จัดซื้อ", "จัดจ้าง", "ประกวดราคา", "สอบราคา", "e-bidding", "procurement", "พัสดุ"], "news/procurement"),
    (&["รับสมัคร", "สมัครงาน", "job", "career"], "news/jobs"),
    (&["ita", "oit", "คุณธรรม", "โปร่งใส"], "oia/ita"),
    (&["มาตรา 9", "มาตรา ๙"], "oia/section9"),
    (&["ข้อมูลข่าวสาร", "มาตรา 7", "มาตรา ๗"], "oia/section7"),
    (&["พระราชบัญญัติ", "พ.ร.บ", "act"], "law/acts"),
    (&["คำสั่ง"], "law/announcements"),
    (&["กฎหมาย", "ระเบียบ", "ข้อบังคับ", "law", "regulation"], "law/regulations"),
    (&["แบบฟอร์ม", "ดาวน์โหลด", "form", "download"], "service/forms"),
    (&["คู่มือประชาชน", "คู่มือสำหรับประชาชน", "บริการประชาชน", "คู่มือการรับบริการ"], "service/guides"),
    (&["คู่มือ", "manual", "sop"], "sop/manuals"),
    (&["แจ้งเตือน", "เตือนภัย", "alert"], "news/alerts"),
    (&["กิจกรรม", "ภาพข่าว", "ภาพ", "activity", "gallery", "photo"], "news/activities"),
    (&["ข่าว", "ประชาสัมพันธ์", "news"], "news/general"),
    (&["สถิติ", "statistic"], "knowledge/statistics"),
    (&["วิจัย", "research"], "knowledge/research"),
    (&["บทความ", "ความรู้", "article"], "knowledge/articles"),
    (&["ประวัติ", "history"], "general/history"),
    (&["วิสัยทัศน์", "พันธกิจ", "vision"], "general/vision"),
    (&["โครงสร้าง", "structure"], "general/structure"),
    (&["ผู้บริหาร", "ทำเนียบ"], "general/executives"),
    (&["อำนาจหน้าที่"], "general/duties"),
    (&["งบประมาณ", "budget"], "general/budget"),
    (&["แผนปฏิบัติ", "ยุทธศาสตร์", "แผนงาน"], "general/strategy"),
    (&["ติดต่อ", "contact"], "general/contact"),
];

/// A suggestion from keywords in a category's name or slug, or `None`.
pub fn suggest(name: &str, slug: &str) -> Option<&'static str> {
    let hay = format!("{} {}", key(name), key(slug));
    let words: Vec<&str> = hay.split(|c: char| !c.is_alphanumeric() && c != '.').collect();
    RULES.iter().find_map(|(keys, place)| {
        keys.iter()
            .any(|k| {
                // Short English keys must be whole words ("act" is not in "contact").
                if k.is_ascii() && k.len() <= 4 { words.contains(k) } else { hay.contains(k) }
            })
            .then_some(*place)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_from_thai_and_english_names() {
        assert_eq!(suggest("ข่าวประชาสัมพันธ์", ""), Some("news/general"));
        assert_eq!(suggest("ประกาศจัดซื้อจัดจ้าง", ""), Some("news/procurement"));
        assert_eq!(suggest("ผลการจัดซื้อจัดจ้าง", ""), Some("news/procurement-results"));
        assert_eq!(suggest("OIT 2567", "oit-2567"), Some("oia/ita"));
        assert_eq!(suggest("ภาพกิจกรรม", ""), Some("news/activities"));
        assert_eq!(suggest("ติดต่อเรา", "contact"), Some("general/contact"));
        assert_eq!(suggest("Uncategorized", "uncategorized"), None);
        assert_eq!(suggest("เรื่องเล่าชาวอำเภอ", ""), None);
        for (_, place) in RULES {
            assert!(Place::parse(place).is_some(), "{place}");
        }
    }

    #[test]
    fn map_file_names_categories_by_name_or_thai_slug_and_reports_unknown_areas() {
        let (map, problems) = CategoryMap::parse(
            "[categories]\n\"ข่าว\" = \"news/activities\"\n\"%e0%b8%81\" = \"hold\"\nbad = \"nowhere/x\"\n[pages]\ndefault = \"general/history\"\n",
        )
        .unwrap();
        assert_eq!(map.category("ข่าว", "x"), Some(Decision::To("news/activities".into())));
        assert_eq!(map.category("?", "ก"), Some(Decision::Hold));
        assert_eq!(map.category("bad", "bad"), None);
        assert_eq!(map.page("contact", "ติดต่อ"), Some(Decision::To("general/history".into())));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("nowhere/x"), "{problems:?}");
        assert!(CategoryMap::parse("not toml [").is_err());
    }
}
