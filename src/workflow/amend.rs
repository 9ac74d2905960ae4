//! Amendments of published items: what counts as a change, and the line-by-line difference of
//! two revisions shown to staff. Pure: no HTTP, no SQL.

/// The parts of an item an amendment may change, as compared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Content {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Body (CommonMark).
    pub body: String,
    /// External link (empty for none).
    pub link: String,
    /// `area/sub` key.
    pub category: String,
    /// Period covered, first day (ISO date or empty).
    pub period_from: String,
    /// Period covered, last day (ISO date or empty).
    pub period_to: String,
    /// End of publication (ISO date or empty).
    pub end: String,
    /// Files as (name, sha256), in order.
    pub files: Vec<(String, String)>,
}

/// The Thai names of the parts that differ between `current` and `proposed`, in form order.
/// Whitespace at the ends of text and Windows line ends do not count as changes.
pub fn changes(current: &Content, proposed: &Content) -> Vec<&'static str> {
    let norm = |s: &str| s.replace("\r\n", "\n").trim().to_owned();
    let mut out = Vec::new();
    let mut check = |name, a: &str, b: &str| {
        if norm(a) != norm(b) {
            out.push(name);
        }
    };
    check("หัวข้อ", &current.title, &proposed.title);
    check("สรุป", &current.summary, &proposed.summary);
    check("เนื้อหา", &current.body, &proposed.body);
    check("ลิงก์", &current.link, &proposed.link);
    check("หมวดหมู่", &current.category, &proposed.category);
    check("ช่วงวันที่ของข้อมูล", &current.period_from, &proposed.period_from);
    check("ช่วงวันที่ของข้อมูล", &current.period_to, &proposed.period_to);
    check("วันสิ้นสุดการเผยแพร่", &current.end, &proposed.end);
    out.dedup();
    if current.files != proposed.files {
        out.push("เอกสารแนบ");
    }
    out
}

/// The refusal shown when an amendment changes nothing.
pub const NOTHING_CHANGED: &str = "คำขอแก้ไขนี้ไม่ได้เปลี่ยนแปลงสิ่งใดจากฉบับที่เผยแพร่อยู่ \
     กรุณาแก้ไขหัวข้อ สรุป เนื้อหา ข้อมูลประกอบ หรือเอกสารแนบอย่างน้อยหนึ่งอย่าง";

/// The refusal shown when the note of what changed is missing.
pub const NOTE_REQUIRED: &str = "กรุณาระบุว่าแก้ไขอะไรและเพราะเหตุใด (จะแสดงในประวัติการปรับปรุงที่ประชาชนเห็น)";

/// Longest note kept, in characters.
pub const NOTE_MAX: usize = 500;

/// One row of a side-by-side difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row<'a> {
    /// The same line on both sides.
    Same(&'a str),
    /// Only in the older revision.
    Removed(&'a str),
    /// Only in the newer revision.
    Added(&'a str),
}

/// Beyond this many lines on either side the difference is shown as "all removed, all added"
/// (the table of a longest-common-subsequence would take too much memory).
const DIFF_MAX_LINES: usize = 3000;

/// The line-by-line difference from `old` to `new` (longest common subsequence of lines).
pub fn diff<'a>(old: &'a str, new: &'a str) -> Vec<Row<'a>> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len() > DIFF_MAX_LINES || b.len() > DIFF_MAX_LINES {
        return a.iter().map(|l| Row::Removed(l)).chain(b.iter().map(|l| Row::Added(l))).collect();
    }
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u16; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)].saturating_add(1)
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut rows = Vec::with_capacity(n.max(m));
    while i < n && j < m {
        if a[i] == b[j] {
            rows.push(Row::Same(a[i]));
            i += 1;
            j += 1;
        } else if lcs[at(i + 1, j)] >= lcs[at(i, j + 1)] {
            rows.push(Row::Removed(a[i]));
            i += 1;
        } else {
            rows.push(Row::Added(b[j]));
            j += 1;
        }
    }
    rows.extend(a[i..].iter().map(|l| Row::Removed(l)));
    rows.extend(b[j..].iter().map(|l| Row::Added(l)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> Content {
        Content {
            title: "ประกาศรับสมัคร".into(),
            summary: "สรุป".into(),
            body: "ย่อหน้าแรก\n\nย่อหน้าที่สอง".into(),
            category: "news/jobs".into(),
            files: vec![("a.pdf".into(), "aa".into())],
            ..Content::default()
        }
    }

    #[test]
    fn nothing_changed_is_nothing() {
        let c = content();
        assert!(changes(&c, &c).is_empty());
        let mut spaced = c.clone();
        spaced.body = "ย่อหน้าแรก\r\n\r\nย่อหน้าที่สอง  \n".into();
        assert!(changes(&c, &spaced).is_empty(), "line ends and trailing spaces are not changes");
    }

    #[test]
    fn each_change_is_named() {
        let c = content();
        let mut p = c.clone();
        p.title = "ประกาศรับสมัคร (แก้ไข)".into();
        p.files.push(("b.xlsx".into(), "bb".into()));
        assert_eq!(changes(&c, &p), ["หัวข้อ", "เอกสารแนบ"]);
        let mut p = c.clone();
        p.files = vec![("a.pdf".into(), "a2".into())];
        assert_eq!(changes(&c, &p), ["เอกสารแนบ"], "a replaced file with the same name is a change");
        let mut p = c.clone();
        p.period_from = "2026-10-01".into();
        p.period_to = "2027-09-30".into();
        assert_eq!(changes(&c, &p), ["ช่วงวันที่ของข้อมูล"]);
    }

    #[test]
    fn diff_keeps_common_lines() {
        let rows = diff("ก\nข\nค", "ก\nข2\nค\nง");
        assert_eq!(
            rows,
            [Row::Same("ก"), Row::Removed("ข"), Row::Added("ข2"), Row::Same("ค"), Row::Added("ง")]
        );
        assert_eq!(diff("", "x"), [Row::Added("x")]);
        assert!(diff("", "").is_empty());
    }
}
