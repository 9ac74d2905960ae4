//! Thai conventions: Buddhist-Era dates with Thai month names, Thai digits, the Thai fiscal
//! year, and the office's time zone.
//!
//! Every date shown to a person goes through here, so the whole site follows one setting.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The office's time zone, independent of the machine's own setting.
///
/// Thailand has kept UTC+7 all year since 1920 (no daylight saving), so a fixed offset is the
/// whole of Asia/Bangkok for any date Prakat handles, and no tz database need be embedded.
pub fn bangkok() -> TimeZone {
    TimeZone::fixed(jiff::tz::offset(7))
}

/// Today's date in Bangkok.
pub fn today() -> Date {
    now().to_zoned_datetime(bangkok()).date()
}

/// The present moment, by which publication times and end dates are judged.
///
/// In debug builds only (the test suite), a file `test-clock-offset` in the data directory
/// named by [`use_test_clock`] moves this clock by the whole seconds it holds, so tests can
/// see a scheduled item go live. Release builds have no such file check at all.
pub fn now() -> Timestamp {
    #[cfg(debug_assertions)]
    if let Some(dir) = TEST_CLOCK_DIR.get()
        && let Ok(text) = std::fs::read_to_string(dir.join("test-clock-offset"))
        && let Ok(secs) = text.trim().parse::<i64>()
        && let Ok(moved) = Timestamp::now().checked_add(jiff::SignedDuration::from_secs(secs))
    {
        return moved;
    }
    Timestamp::now()
}

#[cfg(debug_assertions)]
static TEST_CLOCK_DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// Debug builds: lets a `test-clock-offset` file in `data` move [`now`]. Does nothing in
/// release builds.
pub fn use_test_clock(data: &std::path::Path) {
    #[cfg(debug_assertions)]
    let _ = TEST_CLOCK_DIR.set(data.to_path_buf());
    #[cfg(not(debug_assertions))]
    let _ = data;
}

/// The Bangkok calendar date of an instant.
pub fn date_of(ts: Timestamp) -> Date {
    ts.to_zoned_datetime(bangkok()).date()
}

/// Buddhist-Era year of a Common-Era year (B.E. = C.E. + 543).
pub fn be_year(ce_year: i16) -> i32 {
    i32::from(ce_year) + 543
}

const MONTHS_FULL: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

const MONTHS_SHORT: [&str; 12] =
    ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."];

/// Thai month name, full (`ธันวาคม`) or abbreviated (`ธ.ค.`); `month` is 1–12.
pub fn month_name(month: i8, short: bool) -> &'static str {
    let i = usize::try_from(month - 1).unwrap_or(0).min(11);
    if short { MONTHS_SHORT[i] } else { MONTHS_FULL[i] }
}

/// Which digits numbers are written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Digits {
    /// 0–9, the common choice on the web.
    #[default]
    Arabic,
    /// ๐–๙, as in official printed documents.
    Thai,
}

impl Digits {
    /// Rewrites every digit of `s` in these digits: ASCII digits become Thai ones with
    /// [`Digits::Thai`], Thai digits ASCII ones with [`Digits::Arabic`], so one page never mixes
    /// the two.
    pub fn apply(self, s: &str) -> String {
        match self {
            Digits::Arabic => s
                .chars()
                .map(|c| match c {
                    '\u{0E50}'..='\u{0E59}' => char::from(b'0' + (u32::from(c) - 0x0E50) as u8),
                    _ => c,
                })
                .collect(),
            Digits::Thai => s
                .chars()
                .map(|c| match c.to_digit(10) {
                    Some(d) => char::from_u32(0x0E50 + d).unwrap_or(c),
                    None => c,
                })
                .collect(),
        }
    }
}

/// `2 ธันวาคม 2565` (or with Thai digits `๒ ธันวาคม ๒๕๖๕`).
pub fn date_long(d: Date, digits: Digits) -> String {
    digits.apply(&format!("{} {} {}", d.day(), month_name(d.month(), false), be_year(d.year())))
}

/// `2 ธ.ค. 2565` (or with Thai digits `๒ ธ.ค. ๒๕๖๕`).
pub fn date_short(d: Date, digits: Digits) -> String {
    digits.apply(&format!("{} {} {}", d.day(), month_name(d.month(), true), be_year(d.year())))
}

/// `2 ธ.ค. 2565 14:05 น.` for an instant, in Bangkok time.
pub fn datetime_short(ts: Timestamp, digits: Digits) -> String {
    let z = ts.to_zoned_datetime(bangkok());
    let date = date_short(z.date(), digits);
    digits.apply(&format!("{date} {:02}:{:02} น.", z.hour(), z.minute()))
}

/// `6 ธันวาคม 2569 เวลา 14.30 น.` for an instant, in Bangkok time: the date and time of
/// publication as Thai official documents write it (seed 1.3).
pub fn datetime_long(ts: Timestamp, digits: Digits) -> String {
    let z = ts.to_zoned_datetime(bangkok());
    let date = date_long(z.date(), digits);
    digits.apply(&format!("{date} เวลา {:02}.{:02} น.", z.hour(), z.minute()))
}

/// An instant as RFC 3339 with Bangkok's offset (`2026-12-06T14:30:00+07:00`), for feeds,
/// sitemaps and `<time datetime>`.
pub fn rfc3339_bangkok(ts: Timestamp) -> String {
    ts.to_zoned_datetime(bangkok()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The Thai fiscal year (ปีงบประมาณ) a date falls in, as a Buddhist-Era year.
///
/// A fiscal year runs from 1 October to 30 September and is named by the B.E. year in which it
/// ends: 1 Oct 2025 (B.E. 2568) starts fiscal year 2569.
pub fn fiscal_year(d: Date) -> i32 {
    let be = be_year(d.year());
    if d.month() >= 10 { be + 1 } else { be }
}

/// The first and last instants (Unix seconds, end exclusive) of a fiscal year named by its
/// Buddhist-Era year, in Bangkok time.
pub fn fiscal_year_bounds(fy_be: i32) -> Option<(i64, i64)> {
    let ce = i16::try_from(fy_be - 543).ok()?;
    // Midnight of 1 October of a year, Bangkok time.
    let first_of_october = |year: i16| -> Option<i64> {
        let day = Date::new(year, 10, 1).ok()?;
        Some(
            day.to_datetime(jiff::civil::Time::midnight())
                .to_zoned_datetime(bangkok())
                .ok()?
                .timestamp()
                .as_second(),
        )
    };
    Some((first_of_october(ce - 1)?, first_of_october(ce)?))
}

/// A file size as people read it: `850 ไบต์`, `12.4 KB`, `3.1 MB`, `42.3 GB`.
pub fn file_size(bytes: u64, digits: Digits) -> String {
    let s = match bytes {
        0..1024 => format!("{bytes} ไบต์"),
        1024..1_048_576 => format!("{:.1} KB", bytes as f64 / 1024.0),
        1_048_576..1_073_741_824 => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
        _ => format!("{:.1} GB", bytes as f64 / 1_073_741_824.0),
    };
    digits.apply(&s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn publication_time_reads_like_an_official_document() {
        let ts: Timestamp = "2026-12-06T07:30:00Z".parse().unwrap();
        assert_eq!(datetime_long(ts, Digits::Arabic), "6 ธันวาคม 2569 เวลา 14.30 น.");
        assert_eq!(datetime_long(ts, Digits::Thai), "๖ ธันวาคม ๒๕๖๙ เวลา ๑๔.๓๐ น.");
        assert_eq!(rfc3339_bangkok(ts), "2026-12-06T14:30:00+07:00");
    }

    use super::*;
    use jiff::civil::date;

    #[test]
    fn seed_date_in_both_digit_styles() {
        // The seed announcement is dated ๒ ธันวาคม ๒๕๖๕ = 2 December 2022.
        let d = date(2022, 12, 2);
        assert_eq!(date_long(d, Digits::Thai), "๒ ธันวาคม ๒๕๖๕");
        assert_eq!(date_long(d, Digits::Arabic), "2 ธันวาคม 2565");
        assert_eq!(date_short(d, Digits::Arabic), "2 ธ.ค. 2565");
        assert_eq!(date_short(d, Digits::Thai), "๒ ธ.ค. ๒๕๖๕");
    }

    #[test]
    fn every_month_has_its_thai_name() {
        assert_eq!(month_name(1, false), "มกราคม");
        assert_eq!(month_name(2, true), "ก.พ.");
        assert_eq!(month_name(9, false), "กันยายน");
        assert_eq!(month_name(12, true), "ธ.ค.");
    }

    #[test]
    fn fiscal_year_turns_on_the_first_of_october() {
        assert_eq!(fiscal_year(date(2025, 9, 30)), 2568);
        assert_eq!(fiscal_year(date(2025, 10, 1)), 2569);
        assert_eq!(fiscal_year(date(2026, 9, 30)), 2569);
        assert_eq!(fiscal_year(date(2026, 10, 1)), 2570);
        assert_eq!(fiscal_year(date(2026, 12, 31)), 2570);
        assert_eq!(fiscal_year(date(2027, 1, 1)), 2570);
    }

    #[test]
    fn bangkok_is_seven_hours_ahead_whatever_the_machine_says() {
        // 2026-01-31 17:30 UTC is already 1 February in Bangkok.
        let ts: Timestamp = "2026-01-31T17:30:00Z".parse().unwrap();
        assert_eq!(date_of(ts), date(2026, 2, 1));
        assert_eq!(datetime_short(ts, Digits::Arabic), "1 ก.พ. 2569 00:30 น.");
    }

    #[test]
    fn thai_digits_leave_other_text_alone() {
        assert_eq!(Digits::Thai.apply("ปี 2569 ข้อ 1.8"), "ปี ๒๕๖๙ ข้อ ๑.๘");
        assert_eq!(Digits::Arabic.apply("2569"), "2569");
    }

    #[test]
    fn file_sizes_read_naturally() {
        assert_eq!(file_size(850, Digits::Arabic), "850 ไบต์");
        assert_eq!(file_size(12_700, Digits::Arabic), "12.4 KB");
        assert_eq!(file_size(3_250_000, Digits::Thai), "๓.๑ MB");
    }
}
