//! The web master's publish form (seed 2.1.3, 3.2): the metadata an item goes public with.
//!
//! Same shape as the request form: [`PublishInput`] is what the browser sent, kept as text so a
//! refused form comes back with nothing lost; [`validate`] turns it into a [`ValidPublication`]
//! or into every problem at once, each naming its field in Thai.

use jiff::civil::Date;
use serde::Deserialize;

use super::request::FieldError;
use crate::categories::Place;

/// Longest title, in characters.
pub const MAX_TITLE: usize = 300;
/// Longest text alternative of an image, in characters.
pub const MAX_ALT: usize = 250;

/// The publish form as sent. Repeated fields (`tags`, `alt`) arrive as lists.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PublishInput {
    /// `area/sub` key.
    pub category: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Source or owner.
    pub source: String,
    /// Period covered, from (ISO date).
    pub period_from: String,
    /// Period covered, to.
    pub period_to: String,
    /// `"1"` when the information covers no period of time (a law, a manual).
    pub timeless: String,
    /// Publication date (today or later).
    pub publish_on: String,
    /// End of publication, or empty for none.
    pub end_date: String,
    /// `"1"` when publishing on a verbal approval.
    pub verbal: String,
    /// Who approved verbally.
    pub verbal_by: String,
    /// When, ISO date.
    pub verbal_on: String,
    /// Ticked checklist items, `SCHEME|CODE`.
    pub tags: Vec<String>,
    /// Fiscal year the tags count for.
    pub tag_year: String,
    /// Period the tags cover.
    pub tag_period: String,
    /// CSRF token.
    pub csrf: String,
    /// Text alternatives of the request's images, in file order (one `alt` field per image).
    pub alt: Vec<String>,
}

impl PublishInput {
    /// Whether the form publishes on a verbal approval.
    pub fn is_verbal(&self) -> bool {
        self.verbal == "1"
    }
}

/// A publish form that passed [`validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPublication {
    /// Who approved verbally and when, when publishing on a verbal approval.
    pub verbal: Option<(String, Date)>,
    /// `area/sub` key, known to [`Place::parse`].
    pub category: String,
    /// Title, trimmed.
    pub title: String,
    /// Summary, trimmed.
    pub summary: String,
    /// Source or owner, trimmed.
    pub source: String,
    /// First day the information covers.
    pub period_from: Option<Date>,
    /// Last day the information covers (none: still in force).
    pub period_to: Option<Date>,
    /// Covers no period of time; then both period dates are `None`.
    pub timeless: bool,
    /// Publication day: today or later.
    pub publish_on: Date,
    /// Last day of publication.
    pub end: Option<Date>,
    /// Text alternative of each image, in file order.
    pub alts: Vec<String>,
}

/// Checks the form and reports every problem. `images` are the names of the request's image
/// files (each needs a text alternative, WCAG 1.1.1); `today` is the office's date.
pub fn validate(
    input: &PublishInput,
    images: &[&str],
    today: Date,
) -> Result<ValidPublication, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut alts = Vec::with_capacity(images.len());
    for (i, name) in images.iter().enumerate() {
        let alt = input.alt.get(i).map_or("", |a| a.trim());
        if alt.is_empty() || alt.chars().count() > MAX_ALT {
            problems.push(FieldError::message(
                format!("alt-{i}"),
                format!(
                    "คำอธิบายภาพ {name}: ต้องกรอกคำอธิบายภาพ (ไม่เกิน {MAX_ALT} ตัวอักษร) เพื่อผู้ใช้โปรแกรมอ่านหน้าจอ"
                ),
            ));
        }
        alts.push(alt.to_owned());
    }
    let mut date = |name: &'static str, label: &str, value: &str, required: bool| -> Option<Date> {
        let value = value.trim();
        if value.is_empty() {
            if required {
                problems.push(FieldError::message(name, format!("{label}: ต้องเลือกวันที่")));
            }
            return None;
        }
        match value.parse::<Date>() {
            Ok(d) if d.year() > 2400 => {
                problems.push(FieldError::message(
                    name,
                    format!("{label}: ปี {} เป็นปี พ.ศ. หรือไม่? ช่องวันที่ใช้ปี ค.ศ.", d.year()),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(FieldError::message(name, format!("{label}: รูปแบบวันที่ไม่ถูกต้อง")));
                None
            }
        }
    };
    // The period covered is part of the metadata (seed 2.1.3, 3.2): required, unless the web
    // master says the information covers no period (a law, a manual).
    let timeless = input.timeless == "1";
    let period_from = date("period_from", "ช่วงวันที่ของข้อมูล (ตั้งแต่)", &input.period_from, !timeless);
    let period_to = date("period_to", "ช่วงวันที่ของข้อมูล (ถึง)", &input.period_to, false);
    let publish_on = date("publish_on", "วันที่เผยแพร่", &input.publish_on, true);
    let end = date("end_date", "วันสิ้นสุดการเผยแพร่", &input.end_date, false);
    let verbal = input.is_verbal();
    let verbal_on = if verbal {
        date("verbal_on", "วันที่อนุมัติด้วยวาจา", &input.verbal_on, true)
    } else {
        None
    };
    if Place::parse(&input.category).is_none() {
        problems.push(FieldError::message("category", "หมวดหมู่: ต้องเลือกหมวดหมู่ย่อย"));
    }
    if input.title.trim().is_empty() || input.title.trim().chars().count() > MAX_TITLE {
        problems.push(FieldError::message("title", format!("ชื่อเรื่อง: ต้องกรอก ไม่เกิน {MAX_TITLE} ตัวอักษร")));
    }
    if input.source.trim().is_empty() {
        problems.push(FieldError::message("source", "แหล่งที่มา / เจ้าของข้อมูล: ต้องกรอก (ข้อ ๒.๑.๓)"));
    }
    if verbal && input.verbal_by.trim().is_empty() {
        problems.push(FieldError::message("verbal_by", "ผู้อนุมัติด้วยวาจา: ต้องกรอกชื่อ"));
    }
    if let (Some(v), true) = (verbal_on, verbal)
        && v > today
    {
        problems.push(FieldError::message("verbal_on", "วันที่อนุมัติด้วยวาจา: ต้องไม่หลังวันนี้"));
    }
    if timeless && (period_from.is_some() || period_to.is_some()) {
        problems.push(FieldError::message(
            "timeless",
            "ช่วงวันที่ของข้อมูล: เลือก \"ไม่จำกัดช่วงเวลา\" แล้วต้องไม่ระบุวันที่ (ลบวันที่ออก หรือยกเลิกการเลือก)",
        ));
    }
    if let (Some(f), Some(t)) = (period_from, period_to)
        && f > t
    {
        problems.push(FieldError::message("period_to", "ช่วงวันที่ของข้อมูล: วันเริ่มต้องไม่หลังวันสิ้นสุด"));
    }
    if let Some(p) = publish_on {
        if p < today {
            problems.push(FieldError::message("publish_on", "วันที่เผยแพร่: ต้องเป็นวันนี้หรือวันถัดไป"));
        }
        if let Some(e) = end
            && e < p
        {
            problems.push(FieldError::message("end_date", "วันสิ้นสุดการเผยแพร่: ต้องไม่ก่อนวันที่เผยแพร่"));
        }
    }
    match (problems.is_empty(), publish_on) {
        (true, Some(publish_on)) => Ok(ValidPublication {
            verbal: verbal.then(|| (input.verbal_by.trim().to_owned(), verbal_on.unwrap_or(today))),
            category: input.category.clone(),
            title: input.title.trim().into(),
            summary: input.summary.trim().into(),
            source: input.source.trim().into(),
            period_from,
            period_to,
            timeless,
            publish_on,
            end,
            alts,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn filled() -> PublishInput {
        PublishInput {
            category: "news/jobs".into(),
            title: " ประกาศรับสมัครพนักงานราชการ ".into(),
            summary: "รับสมัคร ๒ อัตรา".into(),
            source: "กลุ่มงานบริหารทั่วไป".into(),
            period_from: "2026-12-01".into(),
            period_to: "2026-12-31".into(),
            publish_on: "2026-12-06".into(),
            end_date: "2027-01-15".into(),
            alt: vec!["ภาพประชุมคณะกรรมการ".into()],
            ..PublishInput::default()
        }
    }

    #[test]
    fn a_filled_form_is_valid_and_trimmed() {
        let v = validate(&filled(), &["ภาพ.jpg"], date(2026, 12, 6)).unwrap();
        assert_eq!(v.title, "ประกาศรับสมัครพนักงานราชการ");
        assert_eq!(v.publish_on, date(2026, 12, 6));
        assert_eq!(v.alts, ["ภาพประชุมคณะกรรมการ"]);
        assert_eq!(v.verbal, None);
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let input = PublishInput {
            category: "news".into(),
            title: "ก".repeat(MAX_TITLE + 1),
            source: " ".into(),
            period_from: "2026-12-31".into(),
            period_to: "2026-12-01".into(),
            publish_on: "2026-12-05".into(),
            end_date: "2026-12-04".into(),
            verbal: "1".into(),
            verbal_on: "2569-12-01".into(),
            ..PublishInput::default()
        };
        let errs = validate(&input, &["a.jpg", "b.jpg"], date(2026, 12, 6)).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_ref()).collect();
        for f in [
            "alt-0",
            "alt-1",
            "category",
            "title",
            "source",
            "verbal_by",
            "verbal_on",
            "period_to",
            "publish_on",
            "end_date",
        ] {
            assert!(fields.contains(&f), "{f} missing in {fields:?}");
        }
        assert!(errs.iter().all(|e| e.message.contains(':')), "{errs:?}");
    }

    #[test]
    fn a_verbal_approval_names_who_and_when() {
        let input = PublishInput {
            verbal: "1".into(),
            verbal_by: " นายแพทย์สาธารณสุขอำเภอ ".into(),
            verbal_on: "2026-12-05".into(),
            ..filled()
        };
        let v = validate(&input, &[], date(2026, 12, 6)).unwrap();
        assert_eq!(v.verbal, Some(("นายแพทย์สาธารณสุขอำเภอ".into(), date(2026, 12, 5))));
        let later = PublishInput { verbal_on: "2026-12-07".into(), ..input };
        assert!(validate(&later, &[], date(2026, 12, 6)).is_err(), "a verbal approval is not in the future");
    }

    #[test]
    fn the_period_covered_is_required_unless_not_time_bound() {
        let today = date(2026, 12, 6);
        let missing = PublishInput { period_from: String::new(), period_to: String::new(), ..filled() };
        let errs = validate(&missing, &["ภาพ.jpg"], today).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].field, "period_from");
        assert!(errs[0].message.starts_with("ช่วงวันที่ของข้อมูล (ตั้งแต่): ต้องเลือกวันที่"), "{}", errs[0].message);
        let law = PublishInput { timeless: "1".into(), ..missing.clone() };
        let v = validate(&law, &["ภาพ.jpg"], today).unwrap();
        assert!(v.timeless && v.period_from.is_none());
        let both = PublishInput { timeless: "1".into(), ..filled() };
        let errs = validate(&both, &["ภาพ.jpg"], today).unwrap_err();
        assert_eq!(errs[0].field, "timeless");
        let open_ended = PublishInput { period_to: String::new(), ..filled() };
        assert!(validate(&open_ended, &["ภาพ.jpg"], today).is_ok(), "still in force: no last day");
    }
}
