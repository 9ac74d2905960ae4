//! Periods inside a Thai fiscal year (1 October – 30 September, named by the B.E. year in which
//! it ends): the whole year, the six-month round (1 Oct – 31 Mar), quarters and months.

use jiff::ToSpan as _;
use jiff::civil::{Date, date};

use crate::thai;

/// First day of fiscal year `fy` (B.E.): 1 October of the year before.
pub fn fy_start(fy: i32) -> Date {
    date(ce(fy) - 1, 10, 1)
}

/// Last day of fiscal year `fy` (B.E.): 30 September.
pub fn fy_end(fy: i32) -> Date {
    date(ce(fy), 9, 30)
}

/// The C.E. year of B.E. year `be`, clamped to what a calendar date can hold.
fn ce(be: i32) -> i16 {
    i16::try_from((be - 543).clamp(1, 9000)).unwrap_or(2000)
}

/// Last day of the month that `d` falls in.
pub fn month_end(d: Date) -> Date {
    d.last_of_month()
}

/// The twelve months of fiscal year `fy` in order (October first), as `(C.E. year, month)`.
pub fn months(fy: i32) -> [(i16, i8); 12] {
    let start = fy_start(fy);
    let mut out = [(0i16, 0i8); 12];
    for (n, slot) in out.iter_mut().enumerate() {
        let d = start.checked_add((n as i64).months()).unwrap_or(start);
        *slot = (d.year(), d.month());
    }
    out
}

/// Which part of a fiscal year a piece of evidence covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// The whole fiscal year.
    Year,
    /// The six-month round, 1 October – 31 March.
    Half,
    /// Quarter 1–4 (Q1 = October–December).
    Quarter(u8),
    /// A calendar month, 1–12.
    Month(i8),
}

impl Period {
    /// Parses the stored form: `""` (year), `H1`, `Q1`–`Q4`, `M01`–`M12`.
    pub fn parse(s: &str) -> Option<Period> {
        match s.trim() {
            "" => Some(Period::Year),
            "H1" => Some(Period::Half),
            q if q.len() == 2 && q.starts_with('Q') => {
                q[1..].parse().ok().filter(|n| (1..=4).contains(n)).map(Period::Quarter)
            }
            m if m.len() == 3 && m.starts_with('M') => {
                m[1..].parse().ok().filter(|n| (1..=12).contains(n)).map(Period::Month)
            }
            _ => None,
        }
    }

    /// The stored form, see [`Period::parse`].
    pub fn code(self) -> String {
        match self {
            Period::Year => String::new(),
            Period::Half => "H1".into(),
            Period::Quarter(q) => format!("Q{q}"),
            Period::Month(m) => format!("M{m:02}"),
        }
    }

    /// First and last day of this period in fiscal year `fy`.
    pub fn range(self, fy: i32) -> (Date, Date) {
        let start = fy_start(fy);
        match self {
            Period::Year => (start, fy_end(fy)),
            Period::Half => (start, date(ce(fy), 3, 31)),
            Period::Quarter(q) => {
                let first =
                    start.checked_add((i64::from(q.clamp(1, 4)) - 1).checked_mul(3).unwrap_or(0).months());
                let first = first.unwrap_or(start);
                let last = first.checked_add(2.months()).map(month_end).unwrap_or(first);
                (first, last)
            }
            Period::Month(m) => {
                let year = if m >= 10 { ce(fy) - 1 } else { ce(fy) };
                let first = date(year, m.clamp(1, 12), 1);
                (first, month_end(first))
            }
        }
    }

    /// Thai label with the B.E. year where it helps: `ทั้งปี`, `รอบ 6 เดือน`, `ไตรมาส 2`,
    /// `ก.พ. 2569`.
    pub fn label_th(self, fy: i32) -> String {
        match self {
            Period::Year => "ทั้งปีงบประมาณ".into(),
            Period::Half => "รอบ 6 เดือน (ต.ค.–มี.ค.)".into(),
            Period::Quarter(q) => format!("ไตรมาส {q}"),
            Period::Month(_) => {
                let (first, _) = self.range(fy);
                format!("{} {}", thai::month_name(first.month(), true), thai::be_year(first.year()))
            }
        }
    }

    /// Every period of a fiscal year, for choosing one: the year, the round, the quarters and
    /// the months in fiscal order.
    pub fn all() -> Vec<Period> {
        let mut all = vec![Period::Year, Period::Half];
        all.extend((1..=4).map(Period::Quarter));
        all.extend([10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(Period::Month));
        all
    }

    /// The narrowest period that exactly matches `from..=to` inside fiscal year `fy`, else the
    /// whole year: a request covering February suggests `M02`.
    pub fn covering(from: Option<Date>, to: Option<Date>, fy: i32) -> Period {
        let (Some(from), Some(to)) = (from, to) else { return Period::Year };
        Period::all().into_iter().rev().find(|p| p.range(fy) == (from, to)).unwrap_or(Period::Year)
    }
}

/// The quarter (1–4) of the fiscal year that `d` falls in.
pub fn quarter_of(d: Date) -> u8 {
    match d.month() {
        10..=12 => 1,
        1..=3 => 2,
        4..=6 => 3,
        _ => 4,
    }
}

/// `d` plus `days` days (saturating at the calendar's ends).
pub fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(days.days()).unwrap_or(d)
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_year_bounds_turn_on_30_september_and_1_october() {
        assert_eq!(fy_start(2569), date(2025, 10, 1));
        assert_eq!(fy_end(2569), date(2026, 9, 30));
        assert_eq!(thai::fiscal_year(fy_end(2569)), 2569);
        assert_eq!(thai::fiscal_year(add_days(fy_end(2569), 1)), 2570);
        assert_eq!(add_days(fy_end(2569), 1), fy_start(2570));
    }

    #[test]
    fn months_run_october_to_september() {
        let m = months(2569);
        assert_eq!(m[0], (2025, 10));
        assert_eq!(m[2], (2025, 12));
        assert_eq!(m[3], (2026, 1));
        assert_eq!(m[11], (2026, 9));
    }

    #[test]
    fn six_month_round_is_1_october_to_31_march() {
        assert_eq!(Period::Half.range(2569), (date(2025, 10, 1), date(2026, 3, 31)));
        // 2567 ends in a leap year: February has 29 days, the round still ends 31 March.
        assert_eq!(Period::Half.range(2567), (date(2023, 10, 1), date(2024, 3, 31)));
        assert_eq!(Period::Month(2).range(2567), (date(2024, 2, 1), date(2024, 2, 29)));
    }

    #[test]
    fn quarters_and_months() {
        assert_eq!(Period::Quarter(1).range(2569), (date(2025, 10, 1), date(2025, 12, 31)));
        assert_eq!(Period::Quarter(2).range(2569), (date(2026, 1, 1), date(2026, 3, 31)));
        assert_eq!(Period::Quarter(4).range(2569), (date(2026, 7, 1), date(2026, 9, 30)));
        assert_eq!(Period::Month(10).range(2569), (date(2025, 10, 1), date(2025, 10, 31)));
        assert_eq!(Period::Month(9).range(2569), (date(2026, 9, 1), date(2026, 9, 30)));
        assert_eq!(quarter_of(date(2025, 12, 31)), 1);
        assert_eq!(quarter_of(date(2026, 1, 1)), 2);
        assert_eq!(quarter_of(date(2026, 9, 30)), 4);
    }

    #[test]
    fn codes_round_trip_and_bad_ones_are_refused() {
        for p in Period::all() {
            assert_eq!(Period::parse(&p.code()), Some(p));
        }
        assert_eq!(Period::all().len(), 18);
        for bad in ["Q5", "Q0", "M13", "M00", "H2", "year", "M1"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn labels_carry_the_buddhist_era() {
        assert_eq!(Period::Month(2).label_th(2569), "ก.พ. 2569");
        assert_eq!(Period::Month(10).label_th(2569), "ต.ค. 2568");
        assert_eq!(Period::Quarter(3).label_th(2569), "ไตรมาส 3");
    }

    #[test]
    fn covering_picks_the_narrowest_exact_period() {
        let fy = 2569;
        assert_eq!(Period::covering(Some(date(2026, 2, 1)), Some(date(2026, 2, 28)), fy), Period::Month(2));
        assert_eq!(Period::covering(Some(date(2026, 1, 1)), Some(date(2026, 3, 31)), fy), Period::Quarter(2));
        assert_eq!(Period::covering(Some(date(2025, 10, 1)), Some(date(2026, 3, 31)), fy), Period::Half);
        assert_eq!(Period::covering(Some(date(2025, 10, 1)), Some(date(2026, 9, 30)), fy), Period::Year);
        assert_eq!(Period::covering(Some(date(2026, 2, 3)), Some(date(2026, 2, 9)), fy), Period::Year);
        assert_eq!(Period::covering(None, None, fy), Period::Year);
    }

    #[test]
    fn day_arithmetic() {
        assert_eq!(days_between(date(2026, 9, 30), date(2026, 10, 14)), 14);
        assert_eq!(days_between(date(2026, 10, 14), date(2026, 9, 30)), -14);
        assert_eq!(add_days(date(2026, 9, 30), 1), date(2026, 10, 1));
    }
}
