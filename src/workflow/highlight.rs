//! Pinning items to the home page's highlight band: what a web master may pin, checked without
//! the database (the handler adds what only the store knows: that the item is published and
//! has a photo).

use jiff::civil::Date;

use super::request::FieldError;

/// Items pinned at once, at most.
pub const MAX_PINS: usize = 3;

/// The pin form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PinInput {
    /// The item: its number (`12`, `๑๒`) or its address (`https://…/items/12`).
    #[serde(default)]
    pub item: String,
    /// Last day shown (`2026-12-31` from a date field, or `31/12/2569`); empty for no end.
    #[serde(default)]
    pub until: String,
}

/// A pin that may be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidPin {
    /// The item.
    pub item_id: i64,
    /// Last day shown, if any.
    pub until: Option<Date>,
}

/// Thai digits to Arabic ones.
fn arabic(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '๐'..='๙' => char::from(b'0' + (c as u32 - '๐' as u32) as u8),
            _ => c,
        })
        .collect()
}

/// The item number in `text`: a number, or the last number after `/items/` in an address.
pub fn item_number(text: &str) -> Option<i64> {
    let text = arabic(text.trim());
    let tail = match text.rfind("/items/") {
        Some(at) => &text[at + "/items/".len()..],
        None => text.as_str(),
    };
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    let rest = &tail[digits.len()..];
    if digits.is_empty() || !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
        return None;
    }
    digits.parse().ok().filter(|&n| n > 0)
}

/// A date typed as `YYYY-MM-DD` or `D/M/YYYY`; a year above 2400 is Buddhist Era.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = arabic(text.trim());
    let (y, m, d): (i32, i8, i8) = if let Some((y, rest)) = text.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    } else {
        let mut parts = text.split('/');
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    };
    let y = if y > 2400 { y - 543 } else { y };
    Date::new(i16::try_from(y).ok()?, m, d).ok()
}

/// Checks a pin against `today` and the items already pinned (`pinned`, still showing).
pub fn validate(input: &PinInput, today: Date, pinned: &[i64]) -> Result<ValidPin, Vec<FieldError>> {
    let mut problems = Vec::new();
    let item_id = item_number(&input.item);
    match item_id {
        None if input.item.trim().is_empty() => problems.push(FieldError::message(
            "item",
            "รายการที่จะปักหมุด: กรุณากรอกเลขที่รายการ หรือวางลิงก์ที่คัดลอกจากหน้ารายการ",
        )),
        None => problems.push(FieldError::message(
            "item",
            format!("รายการที่จะปักหมุด: “{}” ไม่ใช่เลขที่รายการหรือลิงก์ของหน้ารายการ (เช่น 12)", input.item.trim()),
        )),
        Some(id) if pinned.contains(&id) => {
            problems.push(FieldError::message("item", "รายการที่จะปักหมุด: รายการนี้ปักหมุดไว้แล้ว"))
        }
        Some(_) if pinned.len() >= MAX_PINS => problems.push(FieldError::message(
            "item",
            "รายการที่จะปักหมุด: ปักหมุดได้ไม่เกิน ๓ รายการ กรุณาเลิกปักหมุดรายการเดิมก่อน",
        )),
        Some(_) => {}
    }
    let until = if input.until.trim().is_empty() {
        None
    } else {
        match parse_date(&input.until) {
            None => {
                problems.push(FieldError::message(
                    "until",
                    "วันสิ้นสุดการปักหมุด: รูปแบบวันที่ไม่ถูกต้อง (เลือกจากปฏิทิน หรือพิมพ์ วัน/เดือน/ปี พ.ศ. เช่น 31/12/2569)",
                ));
                None
            }
            Some(d) if d < today => {
                problems.push(FieldError::message(
                    "until",
                    "วันสิ้นสุดการปักหมุด: ต้องไม่เป็นวันที่ผ่านมาแล้ว (เว้นว่างไว้หากไม่กำหนด)",
                ));
                None
            }
            Some(d) => Some(d),
        }
    };
    match item_id {
        Some(item_id) if problems.is_empty() => Ok(ValidPin { item_id, until }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn item_numbers_and_addresses() {
        assert_eq!(item_number("12"), Some(12));
        assert_eq!(item_number(" ๑๒ "), Some(12));
        assert_eq!(item_number("https://example.go.th/items/53"), Some(53));
        assert_eq!(item_number("/items/53/photos/2"), Some(53));
        assert_eq!(item_number("/items/53?x"), Some(53));
        for bad in ["", "abc", "12a", "/items/", "0", "-3"] {
            assert_eq!(item_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_iso_or_buddhist_era() {
        assert_eq!(parse_date("2026-12-31"), Some(date(2026, 12, 31)));
        assert_eq!(parse_date("31/12/2569"), Some(date(2026, 12, 31)));
        assert_eq!(parse_date("๓๑/๑๒/๒๕๖๙"), Some(date(2026, 12, 31)));
        assert_eq!(parse_date("31/02/2569"), None);
        assert_eq!(parse_date("tomorrow"), None);
    }

    #[test]
    fn a_fourth_pin_and_a_past_date_are_refused() {
        let today = date(2026, 12, 6);
        let ok = PinInput { item: "/items/9".into(), until: "2026-12-06".into() };
        assert_eq!(validate(&ok, today, &[1, 2]), Ok(ValidPin { item_id: 9, until: Some(today) }));
        let fourth = validate(&ok, today, &[1, 2, 3]).unwrap_err();
        assert!(fourth[0].message.contains("ไม่เกิน ๓ รายการ"), "{fourth:?}");
        let past = PinInput { item: "9".into(), until: "2026-12-05".into() };
        let e = validate(&past, today, &[]).unwrap_err();
        assert_eq!(e[0].field, "until");
        assert!(e[0].message.contains("ผ่านมาแล้ว"));
        let again = validate(&PinInput { item: "2".into(), until: String::new() }, today, &[2]).unwrap_err();
        assert!(again[0].message.contains("ปักหมุดไว้แล้ว"));
    }
}
