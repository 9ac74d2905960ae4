//! Acting approvers (ปฏิบัติราชการแทน): what a valid delegation is.

use jiff::civil::Date;

use super::request::FieldError;

/// A checked delegation: `to` decides in `from`'s place from `starts_on` to `ends_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidDelegation {
    /// The head or director stood in for.
    pub from: i64,
    /// The acting approver.
    pub to: i64,
    /// First day.
    pub starts_on: Date,
    /// Last day (inclusive).
    pub ends_on: Date,
}

/// Checks a delegation as typed (account ids and ISO dates): two different accounts, real
/// dates, the first not after the last, and not entirely in the past (`today`). Every message
/// names the field.
pub fn check(
    from: &str,
    to: &str,
    starts_on: &str,
    ends_on: &str,
    today: Date,
) -> Result<ValidDelegation, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut err =
        |field: &'static str, message: String| problems.push(FieldError { field: field.into(), message });
    let from = from.trim().parse::<i64>().ok();
    let to = to.trim().parse::<i64>().ok();
    if from.is_none() {
        err("from", "ผู้มอบหมาย: ต้องเลือกหัวหน้ากลุ่มงานหรือผู้อำนวยการ".into());
    }
    if to.is_none() {
        err("to", "ผู้ปฏิบัติราชการแทน: ต้องเลือกผู้ใช้".into());
    }
    if from.is_some() && from == to {
        err("to", "ผู้ปฏิบัติราชการแทน: ต้องเป็นคนละคนกับผู้มอบหมาย".into());
    }
    let date = |s: &str| s.trim().parse::<Date>().ok();
    let (starts, ends) = (date(starts_on), date(ends_on));
    if starts.is_none() {
        err("starts_on", format!("วันที่เริ่ม: \"{}\" ไม่ใช่วันที่ (ปปปป-ดด-วว)", starts_on.trim()));
    }
    if ends.is_none() {
        err("ends_on", format!("วันที่สิ้นสุด: \"{}\" ไม่ใช่วันที่ (ปปปป-ดด-วว)", ends_on.trim()));
    }
    if let (Some(s), Some(e)) = (starts, ends) {
        if s > e {
            err("ends_on", "วันที่สิ้นสุด: ต้องไม่ก่อนวันที่เริ่ม".into());
        } else if e < today {
            err("ends_on", "วันที่สิ้นสุด: ผ่านไปแล้ว การมอบหมายต้องยังมีผลอยู่อย่างน้อยถึงวันนี้".into());
        }
    }
    match (from, to, starts, ends) {
        (Some(from), Some(to), Some(starts_on), Some(ends_on)) if problems.is_empty() => {
            Ok(ValidDelegation { from, to, starts_on, ends_on })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_delegation_needs_two_people_and_a_current_range() {
        let today = date(2026, 12, 6);
        let ok = check("3", "5", "2026-12-06", "2026-12-10", today).unwrap();
        assert_eq!((ok.from, ok.to, ok.ends_on), (3, 5, date(2026, 12, 10)));
        let fields = |r: Result<ValidDelegation, Vec<FieldError>>| {
            r.unwrap_err().into_iter().map(|e| e.field.into_owned()).collect::<Vec<_>>()
        };
        assert_eq!(fields(check("3", "3", "2026-12-06", "2026-12-06", today)), ["to"]);
        assert_eq!(fields(check("", "x", "6/12/69", "2026-12-06", today)), ["from", "to", "starts_on"]);
        assert_eq!(fields(check("3", "5", "2026-12-09", "2026-12-08", today)), ["ends_on"]);
        assert_eq!(fields(check("3", "5", "2026-11-01", "2026-11-30", today)), ["ends_on"]);
    }
}
