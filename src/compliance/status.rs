//! Whether each checklist item is satisfied for a fiscal year, from the items tagged with it
//! and the date: green (satisfied and current), amber (satisfied but stale, due within 14 days,
//! or its evidence comes down within 14 days), red (missing or overdue), and grey while nothing
//! is due yet. Monthly and quarterly items get one cell per month or quarter.

use jiff::civil::Date;

use super::builtin::Check;
use super::checklist::{Checklist, Item, Refresh};
use super::period::{Period, add_days, days_between, fy_start, months};
use crate::thai;

/// Days ahead in which something due, or evidence ending, turns an item amber.
pub const WARN_DAYS: i64 = 14;

/// Default days after 1 October by which yearly items are due (about the end of Q1).
const DEFAULT_YEARLY_DUE: i64 = 90;
/// Default days after a month or quarter ends by which its evidence is due.
const DEFAULT_PERIOD_DUE: i64 = 30;

/// The colour of an item or a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Colour {
    /// Not due yet and nothing published.
    Pending,
    /// Satisfied and current.
    Green,
    /// Satisfied but stale, or due or ending soon.
    Amber,
    /// Missing or overdue.
    Red,
}

impl Colour {
    /// CSS class suffix and stable name.
    pub fn name(self) -> &'static str {
        match self {
            Colour::Pending => "pending",
            Colour::Green => "green",
            Colour::Amber => "amber",
            Colour::Red => "red",
        }
    }

    /// Thai label.
    pub fn label_th(self) -> &'static str {
        match self {
            Colour::Pending => "ยังไม่ถึงกำหนด",
            Colour::Green => "ครบถ้วน",
            Colour::Amber => "ต้องติดตาม",
            Colour::Red => "ยังไม่มี / เลยกำหนด",
        }
    }
}

/// A published item tagged with a checklist item, visible on the site at the time judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The tag's id.
    pub tag_id: i64,
    /// The published item's id.
    pub item_id: i64,
    /// Its title.
    pub title: String,
    /// The fiscal year (B.E.) the web master tagged it for.
    pub fiscal_year: i32,
    /// The part of that year it covers.
    pub period: Period,
    /// Its publication date.
    pub published: Date,
    /// Its last day on the site, if it has one.
    pub expires: Option<Date>,
}

/// One month or quarter of a monthly or quarterly item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The period.
    pub period: Period,
    /// Its label, e.g. `ก.พ. 2569`.
    pub label: String,
    /// Its colour.
    pub colour: Colour,
    /// When its evidence is (or was) due.
    pub due: Date,
    /// Items that satisfy it.
    pub evidence: Vec<i64>,
}

/// The judgement on one checklist item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemStatus {
    /// Its colour.
    pub colour: Colour,
    /// Why, in Thai.
    pub reason: String,
    /// What to do next, in Thai (empty when nothing is needed).
    pub next: String,
    /// The evidence that satisfies it for the year (for groups: none; see the members).
    pub evidence: Vec<Evidence>,
    /// Month or quarter cells, for monthly and quarterly items.
    pub cells: Vec<Cell>,
    /// When it is due, for items with one due date.
    pub due: Option<Date>,
    /// The built-in feature that satisfies it, if the checklist names one, and its state.
    pub builtin: Option<Check>,
}

fn d(date: Date) -> String {
    thai::date_short(date, thai::Digits::Arabic)
}

/// Evidence ending within [`WARN_DAYS`] of `today`, when nothing else lasts longer.
fn ending_soon(current: &[Evidence], today: Date) -> Option<Date> {
    let lasting = current.iter().any(|e| e.expires.is_none_or(|x| days_between(today, x) > WARN_DAYS));
    if lasting { None } else { current.iter().filter_map(|e| e.expires).max() }
}

/// Judges `item` for fiscal year `fy` on `today`, from every visible piece of `evidence` tagged
/// with it (any year; earlier years only count as stale).
pub fn evaluate(item: &Item, evidence: &[Evidence], fy: i32, today: Date) -> ItemStatus {
    match item.refresh {
        Refresh::Monthly => {
            by_cells(item, evidence, fy, today, months(fy).iter().map(|&(_, m)| Period::Month(m)).collect())
        }
        Refresh::Quarterly => by_cells(item, evidence, fy, today, (1..=4).map(Period::Quarter).collect()),
        _ => yearly(item, evidence, fy, today),
    }
}

fn yearly(item: &Item, evidence: &[Evidence], fy: i32, today: Date) -> ItemStatus {
    let current: Vec<Evidence> = evidence.iter().filter(|e| e.fiscal_year == fy).cloned().collect();
    let stale_year = evidence.iter().filter(|e| e.fiscal_year < fy).map(|e| e.fiscal_year).max();
    let due = match item.refresh {
        Refresh::Continuous => None,
        Refresh::SixMonthly => {
            Some(add_days(Period::Half.range(fy).1, item.due_days.unwrap_or(DEFAULT_PERIOD_DUE)))
        }
        _ => Some(add_days(fy_start(fy), item.due_days.unwrap_or(DEFAULT_YEARLY_DUE))),
    };
    let what = match item.refresh {
        Refresh::PreviousAnnual => format!("รายงานของปีงบประมาณ {} ({})", fy - 1, item.evidence_th),
        Refresh::SixMonthly => format!("รายงานรอบ 6 เดือน ต.ค.–มี.ค. ({})", item.evidence_th),
        _ => item.evidence_th.clone(),
    };
    let tag = format!("ติดป้าย {} ปีงบประมาณ {fy}", item.code);
    let status = |colour, reason: String, next: String| ItemStatus {
        colour,
        reason,
        next,
        evidence: current.clone(),
        cells: Vec::new(),
        due,
        builtin: None,
    };
    if !current.is_empty() {
        if let Some(end) = ending_soon(&current, today) {
            return status(
                Colour::Amber,
                format!("มีหลักฐานแล้ว แต่จะสิ้นสุดการเผยแพร่ {}", d(end)),
                "ขยายวันสิ้นสุดการเผยแพร่ หรือเผยแพร่ฉบับใหม่แทน".into(),
            );
        }
        return status(
            Colour::Green,
            format!("มีหลักฐานของปีงบประมาณ {fy} แล้ว {} รายการ", current.len()),
            String::new(),
        );
    }
    let overdue = due.is_some_and(|due| today > due);
    match (stale_year, due) {
        (_, Some(due)) if overdue => status(
            Colour::Red,
            format!("ยังไม่มีหลักฐานของปีงบประมาณ {fy} เลยกำหนด {} แล้ว", d(due)),
            format!("เผยแพร่{what} โดยเร็ว แล้ว{tag}"),
        ),
        (Some(year), due) => status(
            Colour::Amber,
            format!("มีเฉพาะหลักฐานของปีงบประมาณ {year} ยังไม่เป็นปัจจุบัน"),
            match due {
                Some(due) => format!("เผยแพร่{what} ภายใน {} แล้ว{tag}", d(due)),
                None => format!("ปรับปรุงหรือยืนยันข้อมูลสำหรับปีงบประมาณ {fy} แล้ว{tag}"),
            },
        ),
        (None, None) => status(Colour::Red, "ยังไม่มีรายการบนเว็บไซต์".into(), format!("เผยแพร่{what} แล้ว{tag}")),
        (None, Some(due)) if days_between(today, due) <= WARN_DAYS => status(
            Colour::Amber,
            format!("ยังไม่มีหลักฐาน ครบกำหนด {} (อีก {} วัน)", d(due), days_between(today, due)),
            format!("เผยแพร่{what} ภายใน {} แล้ว{tag}", d(due)),
        ),
        (None, Some(due)) => status(
            Colour::Pending,
            format!("ยังไม่ถึงกำหนด ครบกำหนด {}", d(due)),
            format!("เตรียมเผยแพร่{what} ภายใน {}", d(due)),
        ),
    }
}

fn by_cells(item: &Item, evidence: &[Evidence], fy: i32, today: Date, periods: Vec<Period>) -> ItemStatus {
    let due_days = item.due_days.unwrap_or(DEFAULT_PERIOD_DUE);
    let current: Vec<Evidence> = evidence.iter().filter(|e| e.fiscal_year == fy).cloned().collect();
    let cells: Vec<Cell> = periods
        .into_iter()
        .map(|p| {
            let (_, end) = p.range(fy);
            let due = add_days(end, due_days);
            let ids: Vec<i64> = current.iter().filter(|e| e.period == p).map(|e| e.item_id).collect();
            let colour = if !ids.is_empty() {
                Colour::Green
            } else if today > due {
                Colour::Red
            } else if today > end && days_between(today, due) <= WARN_DAYS {
                Colour::Amber
            } else {
                Colour::Pending
            };
            Cell { period: p, label: p.label_th(fy), colour, due, evidence: ids }
        })
        .collect();
    let missing: Vec<&str> =
        cells.iter().filter(|c| c.colour == Colour::Red).map(|c| c.label.as_str()).collect();
    let soon: Vec<&Cell> = cells.iter().filter(|c| c.colour == Colour::Amber).collect();
    let done = cells.iter().filter(|c| c.colour == Colour::Green).count();
    let unit = if item.refresh == Refresh::Monthly { "เดือน" } else { "ไตรมาส" };
    let (colour, reason, next) = if !missing.is_empty() {
        (
            Colour::Red,
            format!("ขาด{unit}ที่เลยกำหนดแล้ว: {}", missing.join(", ")),
            format!("เผยแพร่{}ของ {} แล้วติดป้าย {} พร้อม{unit}", item.evidence_th, missing.join(", "), item.code),
        )
    } else if let Some(first) = soon.first() {
        (
            Colour::Amber,
            format!("{} ครบกำหนด {} (อีก {} วัน)", first.label, d(first.due), days_between(today, first.due)),
            format!("เผยแพร่{}ของ {} ภายใน {}", item.evidence_th, first.label, d(first.due)),
        )
    } else if done > 0 {
        (Colour::Green, format!("ครบทุก{unit}ที่ถึงกำหนดแล้ว ({done} {unit})"), String::new())
    } else {
        let first = cells.first().map(|c| d(c.due)).unwrap_or_default();
        (Colour::Pending, format!("ยังไม่ถึงกำหนด {unit}แรกครบกำหนด {first}"), String::new())
    };
    ItemStatus { colour, reason, next, evidence: current, cells, due: None, builtin: None }
}

/// Judges `item` as [`evaluate`] does, counting also the built-in feature that satisfies it: it
/// makes the item green while it is switched on and its condition holds; when it does not, the
/// item is red unless this year's tagged evidence covers it (a built-in item is never "not due
/// yet": the office has switched off what it had).
pub fn evaluate_with(
    item: &Item,
    evidence: &[Evidence],
    builtin: Option<Check>,
    fy: i32,
    today: Date,
) -> ItemStatus {
    let mut s = evaluate(item, evidence, fy, today);
    let Some(check) = builtin else { return s };
    if check.ok {
        for cell in &mut s.cells {
            if cell.colour != Colour::Pending || today > cell.due {
                cell.colour = Colour::Green;
            }
        }
        if s.colour != Colour::Green {
            s.colour = Colour::Green;
            s.reason = "นับจากระบบของเว็บไซต์ที่เปิดใช้งานอยู่ (ดูลิงก์ด้านล่าง)".into();
            s.next = String::new();
        }
    } else if s.colour != Colour::Green {
        s.colour = Colour::Red;
        s.reason = "ระบบของเว็บไซต์ยังนับเป็นหลักฐานไม่ได้ (ดูเหตุผลด้านล่าง) และยังไม่มีหลักฐานอื่นของปีนี้".into();
        s.next = match check.missing {
            Some((y, q, _)) => {
                format!("ตรวจตัวเลขสถิติเรื่องร้องเรียนไตรมาส {q} ปีงบประมาณ {y} แล้วกด “เผยแพร่สถิติไตรมาส” ที่หน้านี้")
            }
            None => {
                format!("เปิดใช้งาน{} อีกครั้ง หรือเผยแพร่{} แล้วติดป้าย {}", check.title, item.evidence_th, item.code)
            }
        };
    }
    s.builtin = Some(check);
    s
}

/// One row of a scheme's result.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// The checklist item.
    pub item: &'a Item,
    /// Whether it is a group (its status summarises its members).
    pub group: bool,
    /// Its status.
    pub status: ItemStatus,
}

/// A scheme's result for a fiscal year.
#[derive(Debug, Clone)]
pub struct SchemeStatus<'a> {
    /// The checklist judged against.
    pub checklist: &'a Checklist,
    /// The fiscal year judged.
    pub fiscal_year: i32,
    /// Every item, in checklist order.
    pub rows: Vec<Row<'a>>,
}

impl SchemeStatus<'_> {
    /// Items (not groups) of each colour: pending, green, amber, red.
    pub fn counts(&self) -> [usize; 4] {
        let mut n = [0; 4];
        for r in self.rows.iter().filter(|r| !r.group) {
            n[r.status.colour as usize] += 1;
        }
        n
    }

    /// Score out of 100 over the items that are due: green counts whole, amber half, red
    /// nothing; items not due yet are left out. 100 when nothing is due.
    pub fn score(&self) -> u32 {
        let [_, green, amber, red] = self.counts();
        let due = green + amber + red;
        (green * 200 + amber * 100).checked_div(due * 2).map_or(100, |s| s as u32)
    }
}

/// Judges every item of `checklist` for `fy` on `today`; `evidence_for(code)` gives the visible
/// evidence tagged with an item's code.
pub fn evaluate_checklist<'a>(
    checklist: &'a Checklist,
    fy: i32,
    today: Date,
    evidence_for: impl Fn(&str) -> Vec<Evidence>,
    builtin_for: impl Fn(&Item) -> Option<Check>,
) -> SchemeStatus<'a> {
    let mut rows: Vec<Row<'a>> = checklist
        .items
        .iter()
        .map(|item| {
            let group = checklist.is_group(&item.code);
            let status = if group {
                ItemStatus {
                    colour: Colour::Pending,
                    reason: String::new(),
                    next: String::new(),
                    evidence: vec![],
                    cells: vec![],
                    due: None,
                    builtin: None,
                }
            } else {
                evaluate_with(item, &evidence_for(&item.code), builtin_for(item), fy, today)
            };
            Row { item, group, status }
        })
        .collect();
    // A group shows its worst member, and how many members are in order.
    for n in 0..rows.len() {
        if !rows[n].group {
            continue;
        }
        let code = rows[n].item.code.clone();
        let members: Vec<Colour> = rows
            .iter()
            .filter(|r| r.item.parent.as_deref() == Some(&code))
            .map(|r| r.status.colour)
            .collect();
        let worst = members.iter().copied().max().unwrap_or(Colour::Pending);
        let green = members.iter().filter(|c| **c == Colour::Green).count();
        rows[n].status.colour = worst;
        rows[n].status.reason = format!("ครบถ้วน {green} จาก {} ข้อย่อย", members.len());
        if worst >= Colour::Amber {
            rows[n].status.next = "ดูข้อย่อยที่ยังไม่ครบด้านล่าง".into();
        }
    }
    SchemeStatus { checklist, fiscal_year: fy, rows }
}

/// Which fiscal years a web master may tag evidence for, around today's `fy`.
pub fn taggable_years(fy: i32) -> std::ops::RangeInclusive<i32> {
    (fy - 2)..=(fy + 1)
}

/// The period to suggest for an item covering `from..=to` (see [`Period::covering`]).
pub fn suggested_period(from: Option<Date>, to: Option<Date>, fy: i32) -> Period {
    Period::covering(from, to, fy)
}

/// The fiscal year to suggest for evidence covering `from..`: the year it starts in, else
/// today's.
pub fn suggested_year(from: Option<Date>, today: Date) -> i32 {
    thai::fiscal_year(from.unwrap_or(today))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn item(refresh: Refresh, due_days: Option<i64>) -> Item {
        Item {
            code: "X 1".into(),
            title_th: "ทดสอบ".into(),
            title_en: "Test".into(),
            evidence_th: "เอกสาร".into(),
            evidence_en: String::new(),
            refresh,
            due_days,
            categories: vec!["news/general".into()],
            parent: None,
            note: String::new(),
            builtin: None,
        }
    }

    fn ev(id: i64, fy: i32, period: Period, expires: Option<Date>) -> Evidence {
        Evidence {
            tag_id: id,
            item_id: id,
            title: format!("รายการ {id}"),
            fiscal_year: fy,
            period,
            published: date(2025, 10, 5),
            expires,
        }
    }

    #[test]
    fn continuous_items_are_red_green_then_amber_when_the_year_turns() {
        let it = item(Refresh::Continuous, None);
        assert_eq!(evaluate(&it, &[], 2569, date(2025, 10, 1)).colour, Colour::Red);
        let e = [ev(1, 2569, Period::Year, None)];
        assert_eq!(evaluate(&it, &e, 2569, date(2026, 9, 30)).colour, Colour::Green);
        let next = evaluate(&it, &e, 2570, date(2026, 10, 1));
        assert_eq!(next.colour, Colour::Amber, "stale on 1 October");
        assert!(next.reason.contains("2569") && next.next.contains("2570"), "{next:?}");
    }

    #[test]
    fn annual_items_are_pending_then_amber_within_14_days_then_red() {
        let it = item(Refresh::Annual, Some(60)); // due 30 Nov 2025 for 2569
        let s = evaluate(&it, &[], 2569, date(2025, 10, 1));
        assert_eq!((s.colour, s.due), (Colour::Pending, Some(date(2025, 11, 30))));
        assert_eq!(evaluate(&it, &[], 2569, date(2025, 11, 15)).colour, Colour::Pending);
        assert_eq!(evaluate(&it, &[], 2569, date(2025, 11, 16)).colour, Colour::Amber, "14 days before");
        assert_eq!(evaluate(&it, &[], 2569, date(2025, 11, 30)).colour, Colour::Amber, "on the due day");
        let late = evaluate(&it, &[], 2569, date(2025, 12, 1));
        assert_eq!(late.colour, Colour::Red);
        assert!(late.reason.contains("เลยกำหนด"), "{late:?}");
        let with = [ev(7, 2569, Period::Year, None)];
        let ok = evaluate(&it, &with, 2569, date(2025, 12, 1));
        assert_eq!(ok.colour, Colour::Green);
        assert_eq!(ok.evidence[0].item_id, 7);
    }

    #[test]
    fn last_years_evidence_is_amber_until_due_then_red() {
        let it = item(Refresh::Annual, None); // due 90 days after 1 Oct 2025 = 30 Dec 2025
        let old = [ev(3, 2568, Period::Year, None)];
        assert_eq!(evaluate(&it, &old, 2569, date(2025, 10, 2)).colour, Colour::Amber);
        assert_eq!(evaluate(&it, &old, 2569, date(2025, 12, 30)).colour, Colour::Amber);
        assert_eq!(evaluate(&it, &old, 2569, date(2025, 12, 31)).colour, Colour::Red);
    }

    #[test]
    fn previous_annual_and_six_monthly_have_their_own_due_dates() {
        let prev = item(Refresh::PreviousAnnual, Some(120));
        let s = evaluate(&prev, &[], 2569, date(2025, 10, 1));
        assert_eq!(s.due, Some(date(2026, 1, 29)));
        assert!(s.next.contains("2568"), "asks for last year's report: {}", s.next);
        let half = item(Refresh::SixMonthly, None);
        let s = evaluate(&half, &[], 2569, date(2026, 3, 31));
        assert_eq!((s.colour, s.due), (Colour::Pending, Some(date(2026, 4, 30))));
        assert_eq!(evaluate(&half, &[], 2569, date(2026, 4, 20)).colour, Colour::Amber);
        assert_eq!(evaluate(&half, &[], 2569, date(2026, 5, 1)).colour, Colour::Red);
        let done = [ev(1, 2569, Period::Half, None)];
        assert_eq!(evaluate(&half, &done, 2569, date(2026, 5, 1)).colour, Colour::Green);
    }

    #[test]
    fn evidence_ending_within_14_days_turns_amber() {
        let it = item(Refresh::Continuous, None);
        let e = [ev(1, 2569, Period::Year, Some(date(2026, 3, 10)))];
        assert_eq!(evaluate(&it, &e, 2569, date(2026, 2, 20)).colour, Colour::Green);
        let s = evaluate(&it, &e, 2569, date(2026, 2, 24));
        assert_eq!(s.colour, Colour::Amber);
        assert!(s.next.contains("ขยาย"));
        let both = [e[0].clone(), ev(2, 2569, Period::Year, None)];
        assert_eq!(evaluate(&it, &both, 2569, date(2026, 2, 24)).colour, Colour::Green, "another lasts");
    }

    #[test]
    fn monthly_items_have_twelve_cells_from_october() {
        let it = item(Refresh::Monthly, Some(30));
        let e = [ev(1, 2569, Period::Month(10), None), ev(2, 2569, Period::Month(12), None)];
        let s = evaluate(&it, &e, 2569, date(2026, 1, 20));
        assert_eq!(s.cells.len(), 12);
        assert_eq!(s.cells[0].label, "ต.ค. 2568");
        assert_eq!(s.cells[11].label, "ก.ย. 2569");
        let colours: Vec<Colour> = s.cells.iter().take(5).map(|c| c.colour).collect();
        // October done; November due 30 Dec, missed; December done; January not over yet.
        assert_eq!(colours, [Colour::Green, Colour::Red, Colour::Green, Colour::Pending, Colour::Pending]);
        assert_eq!(s.colour, Colour::Red);
        assert!(s.reason.contains("พ.ย. 2568"), "{}", s.reason);
        // December's cell is due 30 January: amber from 16 January when missing.
        let only_oct = [e[0].clone(), ev(3, 2569, Period::Month(11), None)];
        let s = evaluate(&it, &only_oct, 2569, date(2026, 1, 16));
        assert_eq!((s.cells[2].colour, s.colour), (Colour::Amber, Colour::Amber));
        assert_eq!(evaluate(&it, &only_oct, 2569, date(2026, 1, 31)).colour, Colour::Red);
    }

    #[test]
    fn quarterly_items_have_four_cells() {
        let it = item(Refresh::Quarterly, None);
        let e = [ev(1, 2569, Period::Quarter(1), None)];
        let s = evaluate(&it, &e, 2569, date(2026, 2, 1));
        assert_eq!(s.cells.len(), 4);
        assert_eq!(s.colour, Colour::Green);
        assert_eq!(s.cells[0].due, date(2026, 1, 30));
        let s = evaluate(&it, &e, 2569, date(2026, 5, 1));
        assert_eq!(s.colour, Colour::Red, "Q2 was due 30 April");
    }

    #[test]
    fn built_in_features_count_while_on_and_turn_red_when_off() {
        use crate::compliance::builtin::{Builtin, Facts, Features, check};
        let it = item(Refresh::Annual, None);
        let today = date(2025, 10, 5);
        let on = Facts::default();
        let off = Facts { features: Features { survey: false, ..Features::default() }, ..Facts::default() };
        let green = evaluate_with(&it, &[], Some(check(Builtin::Survey, &on, 2569, today)), 2569, today);
        assert_eq!(green.colour, Colour::Green, "not 'not due yet': the feature is there");
        assert_eq!(green.builtin.as_ref().map(|b| b.href.as_str()), Some("/survey/results"));
        let red = evaluate_with(&it, &[], Some(check(Builtin::Survey, &off, 2569, today)), 2569, today);
        assert_eq!(red.colour, Colour::Red, "switched off: red at once");
        assert!(red.builtin.unwrap().detail.contains("features.survey"));
        let tagged = [ev(4, 2569, Period::Year, None)];
        let covered =
            evaluate_with(&it, &tagged, Some(check(Builtin::Survey, &off, 2569, today)), 2569, today);
        assert_eq!(covered.colour, Colour::Green, "this year's own evidence still counts");
        assert_eq!(evaluate_with(&it, &[], None, 2569, today).colour, Colour::Pending);
    }

    #[test]
    fn groups_show_their_worst_member_and_the_score_counts_due_items() {
        let text = r#"
scheme = "T"
year = 2569
title_th = "ทดสอบ"
[[item]]
code = "G"
title_th = "กลุ่ม"
title_en = "Group"
evidence_th = "-"
refresh = "annual"
[[item]]
code = "G.1"
parent = "G"
title_th = "หนึ่ง"
title_en = "One"
evidence_th = "-"
refresh = "continuous"
[[item]]
code = "G.2"
parent = "G"
title_th = "สอง"
title_en = "Two"
evidence_th = "-"
refresh = "continuous"
[[item]]
code = "A"
title_th = "รายปี"
title_en = "Annual"
evidence_th = "-"
refresh = "annual"
"#;
        let list = crate::compliance::checklist::parse("t.toml", text).unwrap();
        let s = evaluate_checklist(
            &list,
            2569,
            date(2025, 10, 5),
            |code| {
                if code == "G.1" { vec![ev(1, 2569, Period::Year, None)] } else { vec![] }
            },
            |_| None,
        );
        let colours: Vec<Colour> = s.rows.iter().map(|r| r.status.colour).collect();
        assert_eq!(colours, [Colour::Red, Colour::Green, Colour::Red, Colour::Pending]);
        assert!(s.rows[0].status.reason.contains("1 จาก 2"));
        assert_eq!(s.counts(), [1, 1, 0, 1]);
        assert_eq!(s.score(), 50);
    }
}
