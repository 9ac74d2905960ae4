//! The publication request form (แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์), as typed and as
//! checked.
//!
//! [`RequestInput`] is exactly what the browser sent, kept as text so that a refused form can be
//! shown again with nothing lost. [`validate`] turns it into a [`ValidRequest`] or into every
//! problem at once, each with a Thai message naming the field.

use jiff::civil::Date;
use serde::Deserialize;

use crate::categories::Place;

/// Longest topic, in characters.
pub const MAX_TOPIC: usize = 300;
/// Longest details text, in characters.
pub const MAX_DETAILS: usize = 10_000;
/// Longest remarks text, in characters.
pub const MAX_REMARKS: usize = 2_000;
/// Longest unit, name, position or contact, in characters.
pub const MAX_NAME: usize = 200;
/// Longest external link, in characters.
pub const MAX_LINK: usize = 2_000;

/// The request form as the browser sent it. Missing fields are empty, so a partial form still
/// deserializes and is refused field by field rather than as a whole.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RequestInput {
    /// Requesting unit (หน่วยงาน).
    pub unit: String,
    /// Date of the request, ISO `yyyy-mm-dd` from `<input type=date>`.
    pub request_date: String,
    /// Topic (เรื่อง / หัวข้อ).
    pub topic: String,
    /// Details: a summary, or a pointer to the attached document.
    pub details: String,
    /// External link, optional.
    pub link: String,
    /// Remarks, optional.
    pub remarks: String,
    /// Name of the person responsible for the information.
    pub requester_name: String,
    /// Their position.
    pub requester_position: String,
    /// How to reach them.
    pub requester_contact: String,
    /// Suggested category key, `area/sub` (see [`crate::categories`]).
    pub category: String,
    /// First day the information covers, optional ISO date.
    pub period_from: String,
    /// Last day the information covers, optional ISO date.
    pub period_to: String,
    /// Desired end of publication, ISO date; required unless `no_end`.
    pub end_date: String,
    /// "No end date" checkbox.
    #[serde(deserialize_with = "checkbox")]
    pub no_end: bool,
}

/// A request form that passed [`validate`]: trimmed, typed, within limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRequest {
    /// Requesting unit.
    pub unit: String,
    /// Date of the request.
    pub request_date: Date,
    /// Topic.
    pub topic: String,
    /// Details.
    pub details: String,
    /// External link, `http://` or `https://`.
    pub link: Option<String>,
    /// Remarks.
    pub remarks: Option<String>,
    /// Name of the person responsible for the information.
    pub requester_name: String,
    /// Their position.
    pub requester_position: String,
    /// How to reach them.
    pub requester_contact: String,
    /// Suggested category key, known to [`Place::parse`].
    pub category: String,
    /// First day the information covers.
    pub period_from: Option<Date>,
    /// Last day the information covers; not before `period_from`.
    pub period_to: Option<Date>,
    /// End of publication, not before the day of validation; `None` means no end.
    pub end: Option<Date>,
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in [`RequestInput`], to place the message next to it.
    pub field: std::borrow::Cow<'static, str>,
    /// Thai message, `"<label>: <rule>"`.
    pub message: String,
}

impl FieldError {
    /// A problem with `field` whose message is already complete (it names the field).
    pub fn message(
        field: impl Into<std::borrow::Cow<'static, str>>,
        message: impl Into<String>,
    ) -> FieldError {
        FieldError { field: field.into(), message: message.into() }
    }

    fn new(field: &'static str, rule: impl std::fmt::Display) -> FieldError {
        FieldError { field: field.into(), message: format!("{}: {rule}", label_th(field)) }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The form's Thai label for a field of [`RequestInput`]; empty for an unknown name.
pub fn label_th(field: &str) -> &'static str {
    match field {
        "unit" => "หน่วยงาน",
        "request_date" => "วันที่",
        "topic" => "หัวข้อ",
        "details" => "รายละเอียดข้อมูล",
        "link" => "ลิงก์ภายนอก",
        "remarks" => "หมายเหตุ",
        "requester_name" => "ชื่อผู้รับผิดชอบการให้ข้อมูล",
        "requester_position" => "ตำแหน่ง",
        "requester_contact" => "ช่องทางติดต่อ",
        "category" => "หมวดหมู่ที่เสนอ",
        "period_from" => "ช่วงวันที่ของข้อมูล (ตั้งแต่)",
        "period_to" => "ช่วงวันที่ของข้อมูล (ถึง)",
        "end_date" => "วันสิ้นสุดการเผยแพร่",
        "no_end" => "ไม่กำหนดวันสิ้นสุด",
        _ => "",
    }
}

/// Checks the whole form and reports every problem, not only the first. `today` is the
/// office's date (see [`crate::thai::today`]); a publication end date may not lie before it.
pub fn validate(input: &RequestInput, today: Date) -> Result<ValidRequest, Vec<FieldError>> {
    let mut errs = Vec::new();
    let e = &mut errs;

    let unit = text(e, "unit", &input.unit, true, MAX_NAME);
    let topic = text(e, "topic", &input.topic, true, MAX_TOPIC);
    let details = text(e, "details", &input.details, true, MAX_DETAILS);
    let remarks = text(e, "remarks", &input.remarks, false, MAX_REMARKS);
    let requester_name = text(e, "requester_name", &input.requester_name, true, MAX_NAME);
    let requester_position = text(e, "requester_position", &input.requester_position, true, MAX_NAME);
    let requester_contact = text(e, "requester_contact", &input.requester_contact, true, MAX_NAME);

    let link = text(e, "link", &input.link, false, MAX_LINK);
    if !link.is_empty() && !is_web_link(&link) {
        e.push(FieldError::new("link", "ต้องขึ้นต้นด้วย http:// หรือ https:// และไม่มีช่องว่าง"));
    }

    let category = input.category.trim().to_string();
    if category.is_empty() {
        e.push(FieldError::new("category", "ต้องเลือก"));
    } else if Place::parse(&category).is_none() {
        e.push(FieldError::new("category", "ไม่มีหมวดหมู่นี้ในเว็บไซต์"));
    }

    let request_date = date(e, "request_date", &input.request_date, true);
    let period_from = date(e, "period_from", &input.period_from, false);
    let period_to = date(e, "period_to", &input.period_to, false);
    if let (Some(from), Some(to)) = (period_from, period_to)
        && from > to
    {
        e.push(FieldError {
            field: "period_to".into(),
            message: "ช่วงวันที่ของข้อมูล: วันเริ่มต้องไม่หลังวันสิ้นสุด".into(),
        });
    }

    let end = date(e, "end_date", &input.end_date, false);
    let end_given = !input.end_date.trim().is_empty();
    match (end_given, input.no_end) {
        (false, false) => e.push(FieldError::new("end_date", "ต้องเลือกวันที่ หรือเลือก 'ไม่กำหนด'")),
        (true, true) => e.push(FieldError::new("end_date", "เลือกวันที่ หรือเลือก 'ไม่กำหนด' อย่างใดอย่างหนึ่งเท่านั้น")),
        _ => {}
    }
    if let Some(end) = end
        && end < today
    {
        e.push(FieldError::new("end_date", "ต้องไม่ก่อนวันนี้ (วันที่ผ่านมาแล้วเผยแพร่ไม่ได้)"));
    }

    if !errs.is_empty() {
        return Err(errs);
    }
    let required = "checked above: a required date that failed to parse is an error";
    Ok(ValidRequest {
        unit,
        request_date: request_date.expect(required),
        topic,
        details,
        link: Some(link).filter(|s| !s.is_empty()),
        remarks: Some(remarks).filter(|s| !s.is_empty()),
        requester_name,
        requester_position,
        requester_contact,
        category,
        period_from,
        period_to,
        end: if input.no_end { None } else { end },
    })
}

/// Trims a text field and checks presence and length; returns the trimmed text either way.
fn text(
    errs: &mut Vec<FieldError>,
    field: &'static str,
    raw: &str,
    required: bool,
    max_chars: usize,
) -> String {
    let s = raw.trim();
    // Limits count characters, as people and `maxlength` do; Thai takes 3 bytes a character.
    let n = s.chars().count();
    if required && n == 0 {
        errs.push(FieldError::new(field, "ต้องกรอก"));
    } else if n > max_chars {
        errs.push(FieldError::new(field, format!("ยาวได้ไม่เกิน {max_chars} ตัวอักษร (ขณะนี้ {n} ตัวอักษร)")));
    }
    s.to_string()
}

/// Parses an optional or required ISO date field.
fn date(errs: &mut Vec<FieldError>, field: &'static str, raw: &str, required: bool) -> Option<Date> {
    let s = raw.trim();
    if s.is_empty() {
        if required {
            errs.push(FieldError::new(field, "ต้องเลือกวันที่"));
        }
        return None;
    }
    match s.parse::<Date>() {
        // Typing the Buddhist-Era year into a date box is a common slip (2569 for 2026); it
        // would otherwise pass as a date five centuries ahead.
        Ok(d) if d.year() > 2400 => {
            errs.push(FieldError::new(
                field,
                format!("ปี {} เป็นปี พ.ศ. หรือไม่? ช่องวันที่ใช้ปี ค.ศ. (เช่น {})", d.year(), i32::from(d.year()) - 543),
            ));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(FieldError::new(field, "รูปแบบวันที่ไม่ถูกต้อง (ต้องเป็น ปปปป-ดด-วว)"));
            None
        }
    }
}

/// Whether `s` is an absolute http(s) link with a host and no spaces.
fn is_web_link(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// A checkbox arrives as `"on"` when ticked and is absent when not; JSON sends a bool.
fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a checkbox value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E>(self, v: &str) -> Result<bool, E> {
            Ok(!matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "off" | "false" | "no"))
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;

    const TODAY: Date = d(2026, 1, 15);

    fn good() -> RequestInput {
        RequestInput {
            unit: "กลุ่มงานบริหารทั่วไป สำนักงานสาธารณสุขอำเภอเมืองเลย".into(),
            request_date: "2026-01-15".into(),
            topic: "ประกาศผู้ชนะการเสนอราคาจัดซื้อวัสดุวิทยาศาสตร์การแพทย์".into(),
            details: "ประกาศผลผู้ชนะการเสนอราคาจัดซื้อวัสดุวิทยาศาสตร์การแพทย์ประจำปีงบประมาณ๒๕๖๙".into(),
            link: String::new(),
            remarks: String::new(),
            requester_name: "นางสาวสมใจ ใจดี".into(),
            requester_position: "นักวิชาการสาธารณสุขชำนาญการ".into(),
            requester_contact: "042-811-234 ต่อ 12".into(),
            category: "news/procurement".into(),
            period_from: String::new(),
            period_to: String::new(),
            end_date: "2026-03-31".into(),
            no_end: false,
        }
    }

    fn fields(r: Result<ValidRequest, Vec<FieldError>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|e| e.field.into_owned()).collect()
    }

    #[test]
    fn a_good_form_is_trimmed_and_typed() {
        let mut input = good();
        input.topic = format!("  {}\n", input.topic);
        input.link = " https://www.moph.go.th/ประกาศ?id=1 ".into();
        input.remarks = "  ".into();
        input.period_from = "2025-10-01".into();
        input.period_to = "2026-09-30".into();
        let v = validate(&input, TODAY).unwrap();
        assert_eq!(v.topic, "ประกาศผู้ชนะการเสนอราคาจัดซื้อวัสดุวิทยาศาสตร์การแพทย์");
        assert_eq!(v.link.as_deref(), Some("https://www.moph.go.th/ประกาศ?id=1"));
        assert_eq!(v.remarks, None);
        assert_eq!(v.request_date, d(2026, 1, 15));
        assert_eq!(v.period_from, Some(d(2025, 10, 1)));
        assert_eq!(v.period_to, Some(d(2026, 9, 30)));
        assert_eq!(v.end, Some(d(2026, 3, 31)));
        assert_eq!(v.category, "news/procurement");
    }

    #[test]
    fn no_end_means_none_and_end_today_is_fine() {
        let mut input = good();
        input.end_date.clear();
        input.no_end = true;
        assert_eq!(validate(&input, TODAY).unwrap().end, None);
        let mut input = good();
        input.end_date = "2026-01-15".into();
        assert_eq!(validate(&input, TODAY).unwrap().end, Some(TODAY));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let input = RequestInput {
            topic: "   ".into(),
            link: "www.example.go.th".into(),
            category: "news/nonexistent".into(),
            request_date: "15/01/2569".into(),
            period_from: "2026-02-01".into(),
            period_to: "2026-01-01".into(),
            ..RequestInput::default()
        };
        let errs = validate(&input, TODAY).unwrap_err();
        let got: Vec<_> = errs.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            got,
            [
                "unit",
                "topic",
                "details",
                "requester_name",
                "requester_position",
                "requester_contact",
                "link",
                "category",
                "request_date",
                "period_to",
                "end_date",
            ]
        );
        let msgs: Vec<_> = errs.iter().map(|e| e.message.as_str()).collect();
        assert!(msgs.contains(&"หัวข้อ: ต้องกรอก"));
        assert!(msgs.contains(&"ลิงก์ภายนอก: ต้องขึ้นต้นด้วย http:// หรือ https:// และไม่มีช่องว่าง"));
        assert!(msgs.contains(&"ช่วงวันที่ของข้อมูล: วันเริ่มต้องไม่หลังวันสิ้นสุด"));
        assert!(msgs.contains(&"วันสิ้นสุดการเผยแพร่: ต้องเลือกวันที่ หรือเลือก 'ไม่กำหนด'"));
        assert!(msgs.contains(&"หมวดหมู่ที่เสนอ: ไม่มีหมวดหมู่นี้ในเว็บไซต์"));
        assert!(msgs.contains(&"วันที่: รูปแบบวันที่ไม่ถูกต้อง (ต้องเป็น ปปปป-ดด-วว)"));
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        // 300 Thai characters are 900 bytes and still fit.
        let mut input = good();
        input.topic = "ก".repeat(MAX_TOPIC);
        assert!(validate(&input, TODAY).is_ok());
        input.topic.push('ข');
        let errs = validate(&input, TODAY).unwrap_err();
        assert_eq!(errs[0].message, "หัวข้อ: ยาวได้ไม่เกิน 300 ตัวอักษร (ขณะนี้ 301 ตัวอักษร)");

        let mut input = good();
        input.details = "ข้อมูล".repeat(MAX_DETAILS / 6 + 1);
        input.remarks = "ห".repeat(MAX_REMARKS + 1);
        input.requester_name = "ส".repeat(MAX_NAME + 1);
        input.unit = "ม".repeat(MAX_NAME);
        assert_eq!(fields(validate(&input, TODAY)), ["details", "remarks", "requester_name"]);
    }

    #[test]
    fn end_date_rules() {
        let mut input = good();
        input.end_date = "2026-01-14".into();
        let errs = validate(&input, TODAY).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.starts_with("วันสิ้นสุดการเผยแพร่: ต้องไม่ก่อนวันนี้"));

        input.end_date = "2026-02-30".into();
        assert_eq!(fields(validate(&input, TODAY)), ["end_date"]);

        input.end_date = "2026-06-30".into();
        input.no_end = true;
        let errs = validate(&input, TODAY).unwrap_err();
        assert!(errs[0].message.contains("อย่างใดอย่างหนึ่ง"), "{}", errs[0]);
    }

    #[test]
    fn buddhist_era_years_are_caught() {
        let mut input = good();
        input.end_date = "2569-03-31".into();
        input.request_date = "2569-01-15".into();
        let errs = validate(&input, TODAY).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[1].message, "วันสิ้นสุดการเผยแพร่: ปี 2569 เป็นปี พ.ศ. หรือไม่? ช่องวันที่ใช้ปี ค.ศ. (เช่น 2026)");
    }

    #[test]
    fn links() {
        for ok in [
            "http://loei.moph.go.th",
            "HTTPS://Example.go.th/a%20b",
            "https://th.wikipedia.org/wiki/จังหวัดเลย",
        ] {
            assert!(is_web_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "ftp://x.go.th",
            "https://",
            "https:///path",
            "https://a.go.th/with space",
            "//a.go.th",
        ] {
            assert!(!is_web_link(bad), "{bad}");
        }
    }

    #[test]
    fn labels_cover_every_field() {
        for f in [
            "unit",
            "request_date",
            "topic",
            "details",
            "link",
            "remarks",
            "requester_name",
            "requester_position",
            "requester_contact",
            "category",
            "period_from",
            "period_to",
            "end_date",
            "no_end",
        ] {
            assert!(!label_th(f).is_empty(), "{f}");
        }
        assert_eq!(label_th("nope"), "");
    }

    #[test]
    fn deserializes_a_browser_form_and_json() {
        let v: RequestInput = serde_json::from_str(r#"{"topic":"ข่าวประชาสัมพันธ์","no_end":"on"}"#).unwrap();
        assert_eq!(v.topic, "ข่าวประชาสัมพันธ์");
        assert!(v.no_end);
        assert_eq!(v.unit, "");
        let v: RequestInput = serde_json::from_str(r#"{"no_end":true}"#).unwrap();
        assert!(v.no_end);
        let v: RequestInput = serde_json::from_str(r#"{"no_end":"false"}"#).unwrap();
        assert!(!v.no_end);
        let v: RequestInput = serde_json::from_str("{}").unwrap();
        assert!(!v.no_end);
    }
}
