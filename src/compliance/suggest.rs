//! Which checklist items to suggest for a publication: the category it lives in, the longest
//! run of letters its title shares with an item's title and evidence (Thai is written without
//! spaces between words), and whether its period fits the item's refresh. Suggestions are only
//! shown, never ticked.

use super::checklist::{Item, Refresh};
use super::period::Period;

/// Words too common in titles to say anything about which item fits.
const GENERIC: [&str; 14] = [
    "ประกาศ",
    "รายงาน",
    "ประจำปีงบประมาณ",
    "ปีงบประมาณ",
    "ประจำปี",
    "ประจำเดือน",
    "สำนักงาน",
    "สาธารณสุข",
    "อำเภอ",
    "ข้อมูล",
    "เรื่อง",
    "ของ",
    "และ",
    "การ",
];

/// Lower-case text with the generic words taken out (each becomes a space).
fn meaningful(text: &str) -> Vec<char> {
    let mut t = text.to_lowercase();
    for g in GENERIC {
        t = t.replace(g, " ");
    }
    t.chars().collect()
}

/// The longest run of characters (no spaces) that `a` and `b` share. Thai is written without
/// spaces between words, so a shared run of several letters is a shared word or phrase.
fn longest_shared(a: &[char], b: &[char]) -> String {
    let mut best = (0, 0);
    let mut prev = vec![0usize; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![0usize; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            if ca == cb && !ca.is_whitespace() {
                row[j + 1] = prev[j] + 1;
                if row[j + 1] > best.0 {
                    best = (row[j + 1], i + 1);
                }
            }
        }
        prev = row;
    }
    a[best.1 - best.0..best.1].iter().collect()
}

/// Shortest shared run, in characters, that counts as a match of the title.
const MIN_SHARED: usize = 5;

/// How well `item` fits as evidence for a publication titled `title` in `category` covering
/// `period`, with the reasons (Thai); `None` when there is no reason to suggest it.
pub fn fit(item: &Item, category: &str, title: &str, period: Period) -> Option<(u32, String)> {
    let mut score = 0;
    let mut why = Vec::new();
    if item.categories.iter().any(|c| c == category) {
        score += 10;
        why.push("ตรงหมวดหมู่".to_string());
    }
    let shared = longest_shared(
        &meaningful(title),
        &meaningful(&format!("{} {} {}", item.title_th, item.evidence_th, item.title_en)),
    );
    let n = shared.chars().count();
    if n >= MIN_SHARED {
        score += n.min(20) as u32;
        why.push(format!("ชื่อเรื่องมีคำว่า “{}”", shared.trim()));
    }
    if score == 0 {
        return None;
    }
    let period_fits = matches!(
        (item.refresh, period),
        (Refresh::Monthly, Period::Month(_))
            | (Refresh::Quarterly, Period::Quarter(_))
            | (Refresh::SixMonthly, Period::Half)
            | (Refresh::Annual | Refresh::PreviousAnnual | Refresh::Continuous, Period::Year)
    );
    if period_fits {
        score += 3;
        why.push(format!("ช่วงเวลาตรง ({})", item.refresh.label_th()));
    }
    Some((score, why.join(" · ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(title: &str, evidence: &str, refresh: Refresh, category: &str) -> Item {
        Item {
            code: "X".into(),
            title_th: title.into(),
            title_en: "Test".into(),
            evidence_th: evidence.into(),
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
    fn the_words_of_the_title_rank_above_the_category_alone() {
        let integrity = item(
            "การเผยแพร่เจตจำนงสุจริตและนโยบายเคารพสิทธิมนุษยชน",
            "ประกาศเจตจำนงสุจริตของผู้บริหาร",
            Refresh::Annual,
            "oia/ita",
        );
        let hr = item("ผู้บริหารแสดงนโยบายการบริหารทรัพยากรบุคคล", "ประกาศนโยบาย", Refresh::Annual, "oia/ita");
        let title = "ประกาศเจตจำนงสุจริตของผู้บริหาร ปีงบประมาณ 2570";
        let (a, why) = fit(&integrity, "oia/ita", title, Period::Year).unwrap();
        let (b, _) = fit(&hr, "oia/ita", title, Period::Year).unwrap();
        assert!(a > b, "{a} > {b}");
        assert!(why.contains("เจตจำนงสุจริต"), "{why}");
        assert!(fit(&hr, "news/activities", "ภาพกิจกรรมปีใหม่", Period::Year).is_none(), "nothing in common");
        let monthly =
            item("สรุปผลการจัดซื้อจัดจ้างรายเดือน", "แบบ สขร.1", Refresh::Monthly, "news/procurement-results");
        let (m, _) = fit(&monthly, "news/procurement-results", "สรุปผลจัดซื้อ", Period::Month(2)).unwrap();
        let (y, _) = fit(&monthly, "news/procurement-results", "สรุปผลจัดซื้อ", Period::Year).unwrap();
        assert!(m > y, "a month fits a monthly item better");
    }
}
