//! The website satisfaction survey (seed 1.10): five levels on a few aspects and an optional
//! comment. No personal data is asked.

use std::collections::HashMap;

use super::request::FieldError;

/// The aspects asked about: form name and Thai label, in the order stored.
pub const ASPECTS: [(&str, &str); 5] = [
    ("content", "ความถูกต้องและครบถ้วนของข้อมูล"),
    ("ease", "ความง่ายในการค้นหาและใช้งาน"),
    ("design", "ความสวยงามและอ่านง่าย"),
    ("speed", "ความรวดเร็วในการแสดงผล"),
    ("overall", "ความพึงพอใจโดยรวม"),
];

/// The five levels, from 5 (best) down, with their Thai names.
pub const LEVELS: [(u8, &str); 5] = [(5, "มากที่สุด"), (4, "มาก"), (3, "ปานกลาง"), (2, "น้อย"), (1, "น้อยที่สุด")];

/// The Thai five-level band of an average score, as Thai reports read it: 4.51–5.00 มากที่สุด,
/// 3.51–4.50 มาก, 2.51–3.50 ปานกลาง, 1.51–2.50 น้อย, 1.00–1.50 น้อยที่สุด. The average is first
/// rounded to the two decimals people see, so the band always agrees with the printed number.
pub fn band(average: f64) -> &'static str {
    let hundredths = (average * 100.0).round() as i64;
    match hundredths {
        451.. => "มากที่สุด",
        351..=450 => "มาก",
        251..=350 => "ปานกลาง",
        151..=250 => "น้อย",
        _ => "น้อยที่สุด",
    }
}

/// Longest comment, in characters.
pub const COMMENT_MAX: usize = 1000;

/// A valid answer: a level per aspect (in [`ASPECTS`] order) and the comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Levels 1–5.
    pub levels: [u8; 5],
    /// Optional comment, trimmed.
    pub comment: String,
}

/// Checks the posted fields; every aspect needs a level.
pub fn validate(fields: &HashMap<String, String>) -> Result<Answer, Vec<FieldError>> {
    let mut levels = [0u8; 5];
    let mut problems = Vec::new();
    for (i, (name, label)) in ASPECTS.iter().enumerate() {
        match fields.get(*name).and_then(|v| v.parse::<u8>().ok()).filter(|v| (1..=5).contains(v)) {
            Some(v) => levels[i] = v,
            None => problems.push(FieldError {
                field: (*name).into(),
                message: format!("{label}: กรุณาเลือกระดับความพึงพอใจ"),
            }),
        }
    }
    let comment = fields.get("comment").map(|c| c.trim().to_owned()).unwrap_or_default();
    if comment.chars().count() > COMMENT_MAX {
        problems.push(FieldError {
            field: "comment".into(),
            message: format!("ข้อเสนอแนะ: ยาวได้ไม่เกิน {COMMENT_MAX} ตัวอักษร"),
        });
    }
    if problems.is_empty() { Ok(Answer { levels, comment }) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_aspect_needs_a_level() {
        let mut f: HashMap<String, String> =
            ASPECTS.iter().map(|(n, _)| (n.to_string(), "4".into())).collect();
        assert_eq!(validate(&f).unwrap().levels, [4; 5]);
        f.insert("speed".into(), "6".into());
        f.remove("content");
        let bad = validate(&f).unwrap_err();
        assert_eq!(bad.iter().map(|p| p.field.as_ref()).collect::<Vec<_>>(), vec!["content", "speed"]);
        assert!(bad[0].message.starts_with("ความถูกต้อง"));
    }

    #[test]
    fn bands_start_at_the_usual_thai_boundaries() {
        let cases = [
            (5.00, "มากที่สุด"),
            (4.51, "มากที่สุด"),
            (4.505, "มากที่สุด"),
            (4.50, "มาก"),
            (4.504, "มาก"),
            (3.51, "มาก"),
            (3.50, "ปานกลาง"),
            (2.51, "ปานกลาง"),
            (2.50, "น้อย"),
            (1.51, "น้อย"),
            (1.50, "น้อยที่สุด"),
            (1.00, "น้อยที่สุด"),
        ];
        for (avg, want) in cases {
            assert_eq!(band(avg), want, "{avg}");
        }
    }
}
