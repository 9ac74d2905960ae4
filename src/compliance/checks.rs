//! Whether a tag is believable evidence. A tag's period must fit the checklist item's refresh
//! (a monthly item needs a month): that is refused when tagging. Other doubts do not refuse but
//! hold the tag back from the score until a second web master confirms it ("ตรวจสอบ"): one item
//! tagged to many checklist items, an item whose category is not where the checklist item's
//! evidence lives, a fiscal year far from the item's publication, or a period outside the dates
//! the item covers. Tags from before taggers were recorded are held back the same way.

use jiff::civil::Date;

use super::checklist::{Item, Refresh};
use super::period::Period;
use crate::thai;

/// More distinct checklist items than this for one fiscal year on one published item is
/// suspicious: the same document legitimately serves the equivalent item of each scheme (MOIT,
/// ITA, OIA, website standard), rarely more.
pub const MAX_TAGS_PER_ITEM: usize = 6;

/// The period a tag for `item` is stored with, or why `period` does not fit its refresh (Thai,
/// naming the item and the rule). Items kept current all year store the whole year.
pub fn fit_period(scheme_code: &str, item: &Item, period: Period) -> Result<Period, String> {
    let ok = match (item.refresh, period) {
        (Refresh::Continuous, _) => return Ok(Period::Year),
        (Refresh::Monthly, Period::Month(_)) => true,
        (Refresh::Quarterly, Period::Quarter(_)) => true,
        (Refresh::SixMonthly, Period::Half | Period::Year) => true,
        (Refresh::Annual | Refresh::PreviousAnnual, Period::Year) => true,
        _ => false,
    };
    if ok {
        return Ok(period);
    }
    let need = match item.refresh {
        Refresh::Monthly => "เป็นรายเดือน ต้องเลือกช่วงที่ครอบคลุมเป็นเดือน",
        Refresh::Quarterly => "เป็นรายไตรมาส ต้องเลือกช่วงที่ครอบคลุมเป็นไตรมาส",
        Refresh::SixMonthly => "เป็นรอบ 6 เดือน ต้องเลือก “รอบ 6 เดือน” หรือ “ทั้งปีงบประมาณ”",
        _ => "เป็นรายปี ต้องเลือก “ทั้งปีงบประมาณ”",
    };
    Err(format!("ป้าย {scheme_code}: ข้อนี้{need} (ติดป้ายข้อที่มีความถี่ต่างกันแยกครั้ง)"))
}

/// Why a tag is held back for a second look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Concern {
    /// Tagged before taggers were recorded (the publish form then pre-ticked suggestions).
    Legacy,
    /// The item carries this many checklist items for the year.
    TooMany(usize),
    /// The item's category is not one where this checklist item's evidence lives.
    Unrelated,
    /// The fiscal year tagged is far from the item's publication year.
    Year {
        /// The fiscal year of publication.
        published_fy: i32,
    },
    /// The period tagged lies outside the dates the item covers.
    OutsidePeriod,
}

impl Concern {
    /// Thai explanation.
    pub fn label_th(&self) -> String {
        match self {
            Concern::Legacy => "ติดป้ายก่อนระบบบันทึกผู้ติดป้าย (อาจมาจากการเลือกไว้ให้อัตโนมัติ)".into(),
            Concern::TooMany(n) => format!("รายการเดียวติดป้าย {n} ข้อในปีเดียวกัน (เกิน {MAX_TAGS_PER_ITEM})"),
            Concern::Unrelated => "หมวดหมู่ของรายการไม่ตรงกับหลักฐานที่ข้อนี้ต้องการ".into(),
            Concern::Year { published_fy } => {
                format!("เผยแพร่ในปีงบประมาณ {published_fy} ไม่ตรงกับปีที่ติดป้าย")
            }
            Concern::OutsidePeriod => "ช่วงที่ติดป้ายอยู่นอกช่วงเวลาที่รายการครอบคลุม".into(),
        }
    }
}

/// A tag held back from the score until a second web master confirms it.
#[derive(Debug, Clone)]
pub struct Held {
    /// The checklist item's code.
    pub code: String,
    /// The evidence.
    pub evidence: super::status::Evidence,
    /// Why it is held back.
    pub concerns: Vec<Concern>,
    /// Who ticked it.
    pub tagged_by: Option<i64>,
}

/// What the checks need to know about one tag and its item.
#[derive(Debug, Clone)]
pub struct TagFacts<'a> {
    /// The checklist item tagged (None when it is not in the checklist in force any more).
    pub item: Option<&'a Item>,
    /// The fiscal year tagged.
    pub fiscal_year: i32,
    /// The period tagged.
    pub period: Period,
    /// Who tagged it (None: before taggers were recorded).
    pub tagged_by: Option<i64>,
    /// The published item's category.
    pub category: &'a str,
    /// Its publication day.
    pub published: Date,
    /// The dates it covers, if the request gave them.
    pub covers: Option<(Date, Date)>,
    /// How many distinct checklist items the published item carries for `fiscal_year`.
    pub tags_that_year: usize,
}

/// Every doubt about one tag; empty when it counts without a second look.
pub fn concerns(t: &TagFacts) -> Vec<Concern> {
    let mut out = Vec::new();
    if t.tagged_by.is_none() {
        out.push(Concern::Legacy);
    }
    if t.tags_that_year > MAX_TAGS_PER_ITEM {
        out.push(Concern::TooMany(t.tags_that_year));
    }
    if let Some(item) = t.item {
        if !item.categories.iter().any(|c| c == t.category) {
            out.push(Concern::Unrelated);
        }
        // Items kept current all year may be re-confirmed each year from an old page.
        let published_fy = thai::fiscal_year(t.published);
        if item.refresh != Refresh::Continuous && !(published_fy..=published_fy + 1).contains(&t.fiscal_year)
        {
            out.push(Concern::Year { published_fy });
        }
    }
    if let Some((from, to)) = t.covers
        && t.period != Period::Year
    {
        let (start, end) = t.period.range(t.fiscal_year);
        if end < from || start > to {
            out.push(Concern::OutsidePeriod);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn item(refresh: Refresh, category: &str) -> Item {
        Item {
            code: "X".into(),
            title_th: "ทดสอบ".into(),
            title_en: "Test".into(),
            evidence_th: "-".into(),
            evidence_en: String::new(),
            refresh,
            due_days: None,
            categories: vec![category.into()],
            parent: None,
            note: String::new(),
            builtin: None,
        }
    }

    #[test]
    fn periods_must_fit_the_refresh() {
        let monthly = item(Refresh::Monthly, "news/procurement-results");
        assert_eq!(fit_period("MOIT 5", &monthly, Period::Month(2)), Ok(Period::Month(2)));
        let err = fit_period("MOIT 5", &monthly, Period::Year).unwrap_err();
        assert!(err.contains("MOIT 5") && err.contains("รายเดือน"), "{err}");
        let annual = item(Refresh::Annual, "oia/ita");
        assert!(fit_period("O21", &annual, Period::Month(1)).is_err());
        assert_eq!(fit_period("O21", &annual, Period::Year), Ok(Period::Year));
        let half = item(Refresh::SixMonthly, "oia/ita");
        assert!(
            fit_period("O7", &half, Period::Half).is_ok()
                && fit_period("O7", &half, Period::Quarter(1)).is_err()
        );
        let cont = item(Refresh::Continuous, "general/contact");
        assert_eq!(fit_period("G-07", &cont, Period::Month(3)), Ok(Period::Year), "stored as the year");
    }

    #[test]
    fn doubts_are_named() {
        let annual = item(Refresh::Annual, "oia/ita");
        let base = TagFacts {
            item: Some(&annual),
            fiscal_year: 2570,
            period: Period::Year,
            tagged_by: Some(3),
            category: "oia/ita",
            published: date(2026, 11, 2),
            covers: None,
            tags_that_year: 2,
        };
        assert!(concerns(&base).is_empty());
        let photo = TagFacts { category: "news/activities", tags_that_year: 10, ..base.clone() };
        assert_eq!(concerns(&photo), [Concern::TooMany(10), Concern::Unrelated]);
        let old = TagFacts { published: date(2024, 5, 1), tagged_by: None, ..base.clone() };
        assert_eq!(concerns(&old), [Concern::Legacy, Concern::Year { published_fy: 2567 }]);
        let monthly = item(Refresh::Monthly, "oia/ita");
        let outside = TagFacts {
            item: Some(&monthly),
            period: Period::Month(3),
            covers: Some((date(2027, 2, 1), date(2027, 2, 28))),
            ..base
        };
        assert_eq!(concerns(&outside), [Concern::OutsidePeriod]);
    }
}
