//! Checklists as data: one TOML file per scheme (MOIT, ITA, OIA, GWS) and fiscal year, each
//! item with its code, Thai and English title, the evidence that satisfies it, how often it
//! must be refreshed and the categories it normally lives in.
//!
//! The files shipped with the program are embedded from `assets/checklists/`; an admin can
//! import a newer file (see [`crate::store::compliance`]), which then takes precedence for its
//! scheme and year. Every file is validated with errors that name the file, the item and the
//! field, in Thai and English.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use serde::Deserialize;

use super::builtin::Builtin;
use crate::categories::Place;

/// The checklists shipped with the program (`assets/checklists/*.toml`, embedded by
/// [`crate::embedded`]): file name and contents.
fn shipped() -> impl Iterator<Item = (&'static str, std::borrow::Cow<'static, [u8]>)> {
    crate::embedded::names("checklists/").filter(|path| path.ends_with(".toml")).filter_map(|path| {
        let name = path.strip_prefix("checklists/")?;
        Some((name, crate::embedded::get(path)?))
    })
}

/// How often an item's evidence must be renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refresh {
    /// Kept on the site and current for the fiscal year (news, contact, channels).
    Continuous,
    /// One piece of evidence per month (e.g. the สขร.1 procurement summary).
    Monthly,
    /// One per quarter.
    Quarterly,
    /// The six-month round, 1 October – 31 March, published by about April.
    SixMonthly,
    /// One per fiscal year, for that year.
    Annual,
    /// The previous fiscal year's annual report, published early in the new year.
    PreviousAnnual,
}

impl Refresh {
    /// The spelling used in checklist files.
    pub const NAMES: [&'static str; 6] =
        ["continuous", "monthly", "quarterly", "six-monthly", "annual", "previous-annual"];

    /// Parses the spelling used in checklist files.
    pub fn parse(s: &str) -> Option<Refresh> {
        Some(match s {
            "continuous" => Refresh::Continuous,
            "monthly" => Refresh::Monthly,
            "quarterly" => Refresh::Quarterly,
            "six-monthly" => Refresh::SixMonthly,
            "annual" => Refresh::Annual,
            "previous-annual" => Refresh::PreviousAnnual,
            _ => return None,
        })
    }

    /// Thai label.
    pub fn label_th(self) -> &'static str {
        match self {
            Refresh::Continuous => "ต่อเนื่อง (ปรับปรุงให้เป็นปัจจุบันทุกปี)",
            Refresh::Monthly => "รายเดือน",
            Refresh::Quarterly => "รายไตรมาส",
            Refresh::SixMonthly => "รอบ 6 เดือน",
            Refresh::Annual => "รายปี",
            Refresh::PreviousAnnual => "รายงานประจำปีของปีที่ผ่านมา",
        }
    }
}

/// One checklist item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Code within its scheme and year, e.g. `MOIT 2.1` or `O11`.
    pub code: String,
    /// Thai title.
    pub title_th: String,
    /// English title.
    pub title_en: String,
    /// What evidence on the website satisfies it (Thai).
    pub evidence_th: String,
    /// The same in English (may be empty).
    pub evidence_en: String,
    /// How often it must be renewed.
    pub refresh: Refresh,
    /// Days after the period it covers (after 1 October for yearly items) by which it is due.
    pub due_days: Option<i64>,
    /// `area/sub` keys where such evidence normally lives.
    pub categories: Vec<String>,
    /// The group item this one belongs to (e.g. `MOIT 2` for `MOIT 2.1`).
    pub parent: Option<String>,
    /// Remarks: source, confidence.
    pub note: String,
    /// The feature of Prakat that satisfies it by itself, if any (see [`super::builtin`]).
    pub builtin: Option<Builtin>,
}

/// A whole checklist: one scheme, in force from one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    /// Scheme id: `MOIT`, `ITA`, `OIA`, `GWS`, …
    pub scheme: String,
    /// Fiscal year (B.E.) from which this version applies.
    pub year: i32,
    /// Thai title.
    pub title_th: String,
    /// English title.
    pub title_en: String,
    /// Where the list comes from and how sure it is.
    pub note: String,
    /// Items in order; group items come before their members.
    pub items: Vec<Item>,
}

impl Checklist {
    /// The item with this code.
    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code == code)
    }

    /// Whether `code` is a group of other items (its status is theirs).
    pub fn is_group(&self, code: &str) -> bool {
        self.items.iter().any(|i| i.parent.as_deref() == Some(code))
    }

    /// The members of group `code`.
    pub fn members<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.parent.as_deref() == Some(code))
    }

    /// Items that can carry evidence (everything but groups).
    pub fn leaves(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| !self.is_group(&i.code))
    }
}

/// A problem with a checklist file, naming the file, the item and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// File name.
    pub file: String,
    /// The item's code (or `ข้อที่ N` when it has none), if the problem is in an item.
    pub item: Option<String>,
    /// The field.
    pub field: String,
    /// Thai message.
    pub th: String,
    /// English message.
    pub en: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        if let Some(item) = &self.item {
            write!(f, "ข้อ (item) {item}: ")?;
        }
        if !self.field.is_empty() {
            write!(f, "ช่อง (field) {}: ", self.field)?;
        }
        write!(f, "{} ({})", self.th, self.en)
    }
}

/// Every problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<Problem>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, p) in self.0.iter().enumerate() {
            if n > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    #[serde(default)]
    scheme: String,
    #[serde(default)]
    year: i64,
    #[serde(default)]
    title_th: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    item: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title_th: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    evidence_th: String,
    #[serde(default)]
    evidence_en: String,
    #[serde(default)]
    refresh: String,
    due_days: Option<i64>,
    #[serde(default)]
    categories: Vec<String>,
    parent: Option<String>,
    #[serde(default)]
    note: String,
    builtin: Option<String>,
}

/// Largest checklist file accepted.
pub const MAX_FILE_BYTES: usize = 256 * 1024;

/// Parses and validates the checklist in `text`, read from the file called `file`.
pub fn parse(file: &str, text: &str) -> Result<Checklist, Invalid> {
    let problem = |item: Option<String>, field: &str, th: String, en: String| Problem {
        file: file.to_owned(),
        item,
        field: field.to_owned(),
        th,
        en,
    };
    if text.len() > MAX_FILE_BYTES {
        return Err(Invalid(vec![problem(
            None,
            "",
            format!("ไฟล์ใหญ่เกิน {} KB", MAX_FILE_BYTES / 1024),
            format!("file larger than {} KB", MAX_FILE_BYTES / 1024),
        )]));
    }
    let raw: RawList = toml::from_str(text).map_err(|e| {
        let msg = e.message().to_owned();
        let at = e.span().map(|s| line_of(text, s.start)).map(|l| format!(" line {l}")).unwrap_or_default();
        Invalid(vec![problem(
            None,
            "",
            format!("รูปแบบ TOML ไม่ถูกต้อง{}", at.replace("line", "บรรทัด")),
            format!("invalid TOML{at}: {msg}"),
        )])
    })?;
    let mut problems = Vec::new();
    let scheme = raw.scheme.trim().to_owned();
    if scheme.is_empty()
        || scheme.len() > 16
        || !scheme.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        problems.push(problem(
            None,
            "scheme",
            "ต้องระบุชื่อชุดเกณฑ์เป็นอักษรอังกฤษตัวใหญ่หรือตัวเลข ไม่เกิน 16 ตัว เช่น MOIT".into(),
            "scheme must be 1–16 capital letters, digits, - or _, e.g. MOIT".into(),
        ));
    }
    if !(2540..=2700).contains(&raw.year) {
        problems.push(problem(
            None,
            "year",
            "ปีงบประมาณต้องเป็นปี พ.ศ. ระหว่าง 2540 ถึง 2700".into(),
            "year must be a Buddhist-Era fiscal year between 2540 and 2700".into(),
        ));
    }
    if raw.title_th.trim().is_empty() {
        problems.push(problem(None, "title_th", "ต้องมีชื่อภาษาไทย".into(), "a Thai title is required".into()));
    }
    if raw.item.is_empty() {
        problems.push(problem(
            None,
            "item",
            "ต้องมีอย่างน้อย 1 ข้อ".into(),
            "at least one [[item]] is required".into(),
        ));
    }
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(raw.item.len());
    for (n, r) in raw.item.into_iter().enumerate() {
        let code = r.code.trim().to_owned();
        let name = if code.is_empty() {
            format!("ข้อที่ {} (item #{})", n + 1, n + 1)
        } else {
            code.clone()
        };
        let mut bad = |field: &str, th: &str, en: &str| {
            problems.push(problem(Some(name.clone()), field, th.into(), en.into()));
        };
        if code.is_empty() || code.chars().count() > 24 || code.contains('|') {
            bad(
                "code",
                "ต้องมีรหัส ไม่เกิน 24 ตัวอักษร และไม่มีเครื่องหมาย |",
                "code is required, at most 24 characters, without |",
            );
        } else if !seen.insert(code.clone()) {
            bad("code", "รหัสซ้ำกับข้อก่อนหน้า", "duplicate code");
        }
        if r.title_th.trim().is_empty() {
            bad("title_th", "ต้องมีชื่อภาษาไทย", "a Thai title is required");
        }
        if r.title_en.trim().is_empty() {
            bad("title_en", "ต้องมีชื่อภาษาอังกฤษ", "an English title is required");
        }
        if r.evidence_th.trim().is_empty() {
            bad(
                "evidence_th",
                "ต้องบอกว่าหลักฐานใดบนเว็บไซต์ใช้ได้",
                "say what evidence on the website satisfies it",
            );
        }
        let refresh = Refresh::parse(r.refresh.trim());
        if refresh.is_none() {
            let en = format!("refresh must be one of {}", Refresh::NAMES.join(", "));
            let th = format!("ความถี่ต้องเป็นหนึ่งใน {}", Refresh::NAMES.join(", "));
            bad("refresh", &th, &en);
        }
        if let Some(d) = r.due_days
            && !(0..=366).contains(&d)
        {
            bad("due_days", "จำนวนวันที่ครบกำหนดต้องอยู่ระหว่าง 0 ถึง 366", "due_days must be between 0 and 366");
        }
        for c in &r.categories {
            if Place::parse(c).is_none() {
                let th = format!("ไม่รู้จักหมวดหมู่ {c} (ต้องเป็นรูปแบบ หมวด/หมวดย่อย เช่น news/procurement)");
                let en = format!("unknown category {c} (use area/sub, e.g. news/procurement)");
                bad("categories", &th, &en);
            }
        }
        let builtin = r.builtin.as_deref().map(|b| (b, Builtin::parse(b)));
        if let Some((name, None)) = builtin {
            let names = Builtin::names().join(", ");
            bad(
                "builtin",
                &format!("ไม่รู้จักระบบในตัว {name} (ต้องเป็นหนึ่งใน {names})"),
                &format!("unknown built-in feature {name} (use one of {names})"),
            );
        }
        let builtin = builtin.and_then(|(_, b)| b);
        let parent = r.parent.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        if let Some(p) = &parent {
            match items.iter().find(|i: &&Item| &i.code == p) {
                None => bad(
                    "parent",
                    &format!("ไม่พบข้อ {p} ก่อนหน้าข้อนี้ (ข้อหลักต้องมาก่อนข้อย่อย)"),
                    &format!("no item {p} before this one (a group must come before its members)"),
                ),
                Some(group) if group.parent.is_some() => bad(
                    "parent",
                    &format!("ข้อ {p} เป็นข้อย่อยอยู่แล้ว แบ่งย่อยได้ชั้นเดียว"),
                    &format!("{p} is itself a member; only one level of groups is allowed"),
                ),
                Some(_) => {}
            }
        }
        items.push(Item {
            code,
            title_th: r.title_th.trim().to_owned(),
            title_en: r.title_en.trim().to_owned(),
            evidence_th: r.evidence_th.trim().to_owned(),
            evidence_en: r.evidence_en.trim().to_owned(),
            refresh: refresh.unwrap_or(Refresh::Annual),
            due_days: r.due_days,
            categories: r.categories,
            parent,
            note: r.note.trim().to_owned(),
            builtin,
        });
    }
    if !problems.is_empty() {
        return Err(Invalid(problems));
    }
    Ok(Checklist {
        scheme,
        year: raw.year as i32,
        title_th: raw.title_th.trim().to_owned(),
        title_en: raw.title_en.trim().to_owned(),
        note: raw.note.trim().to_owned(),
        items,
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The checklists shipped with the program, parsed once. A broken embedded file is a bug
/// caught by the tests, so it is left out here rather than stopping the server.
pub fn embedded() -> &'static [Checklist] {
    static LISTS: LazyLock<Vec<Checklist>> = LazyLock::new(|| {
        let mut lists: Vec<Checklist> = shipped()
            .filter_map(|(name, file)| {
                let text = std::str::from_utf8(&file).ok()?;
                match parse(name, text) {
                    Ok(list) => Some(list),
                    Err(e) => {
                        tracing::error!("embedded checklist {name} is invalid: {e}");
                        None
                    }
                }
            })
            .collect();
        lists.sort_by(|a, b| {
            (scheme_rank(&a.scheme), &a.scheme, a.year).cmp(&(scheme_rank(&b.scheme), &b.scheme, b.year))
        });
        lists
    });
    &LISTS
}

/// Display order of schemes: the ministry's MOIT first (what a district health office is
/// assessed on), then ITA, the Official Information Act and the website standard.
pub fn scheme_rank(scheme: &str) -> usize {
    ["MOIT", "ITA", "OIA", "GWS"].iter().position(|s| *s == scheme).unwrap_or(99)
}

/// Where a checklist in a [`Library`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Shipped in the program.
    Embedded,
    /// Imported by an admin.
    Imported,
}

/// The checklists in force: the embedded ones, overridden by imported ones for the same
/// scheme and year.
#[derive(Debug, Clone, Default)]
pub struct Library {
    lists: Vec<(Checklist, Origin)>,
}

impl Library {
    /// The embedded checklists with `imported` taking precedence for their scheme and year.
    pub fn new(imported: Vec<Checklist>) -> Library {
        let mut lists: Vec<(Checklist, Origin)> = embedded()
            .iter()
            .filter(|e| !imported.iter().any(|i| i.scheme == e.scheme && i.year == e.year))
            .map(|l| (l.clone(), Origin::Embedded))
            .collect();
        lists.extend(imported.into_iter().map(|l| (l, Origin::Imported)));
        lists.sort_by(|(a, _), (b, _)| {
            (scheme_rank(&a.scheme), &a.scheme, a.year).cmp(&(scheme_rank(&b.scheme), &b.scheme, b.year))
        });
        Library { lists }
    }

    /// Every checklist with its origin, by scheme then year.
    pub fn all(&self) -> &[(Checklist, Origin)] {
        &self.lists
    }

    /// The schemes, in display order.
    pub fn schemes(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (l, _) in &self.lists {
            if !out.contains(&l.scheme.as_str()) {
                out.push(&l.scheme);
            }
        }
        out
    }

    /// The checklist of `scheme` in force for fiscal year `fy`: the newest one from `fy` or
    /// before (a new year's file may not be out yet; the last one then still applies).
    pub fn resolve(&self, scheme: &str, fy: i32) -> Option<&Checklist> {
        self.lists
            .iter()
            .map(|(l, _)| l)
            .filter(|l| l.scheme == scheme && l.year <= fy)
            .max_by_key(|l| l.year)
    }

    /// The checklists in force for `fy`, one per scheme.
    pub fn in_force(&self, fy: i32) -> Vec<&Checklist> {
        self.schemes().into_iter().filter_map(|s| self.resolve(s, fy)).collect()
    }

    /// Items in force for `fy` that normally live in `category`, as `(scheme, item)`.
    pub fn suggestions(&self, category: &str, fy: i32) -> Vec<(&str, &Item)> {
        self.in_force(fy)
            .into_iter()
            .flat_map(|l| {
                l.leaves()
                    .filter(|i| i.categories.iter().any(|c| c == category))
                    .map(|i| (l.scheme.as_str(), i))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
scheme = "MOIT"
year = 2570
title_th = "เกณฑ์ MOIT ปี 2570"
title_en = "MOIT 2570"

[[item]]
code = "MOIT 2"
title_th = "เปิดเผยข้อมูลที่เป็นปัจจุบัน"
title_en = "Up-to-date disclosure"
evidence_th = "ตามข้อย่อย"
refresh = "annual"

[[item]]
code = "MOIT 2.1"
parent = "MOIT 2"
title_th = "ข้อมูลผู้บริหาร"
title_en = "Executives"
evidence_th = "หน้าทำเนียบผู้บริหาร"
refresh = "continuous"
categories = ["general/executives"]

[[item]]
code = "MOIT 5"
title_th = "สรุปผลการจัดซื้อจัดจ้างรายเดือน"
title_en = "Monthly procurement summary"
evidence_th = "แบบ สขร.1"
refresh = "monthly"
due_days = 30
categories = ["news/procurement-results"]
"#;

    #[test]
    fn a_good_file_parses_with_groups() {
        let list = parse("moit-2570.toml", GOOD).unwrap();
        assert_eq!((list.scheme.as_str(), list.year, list.items.len()), ("MOIT", 2570, 3));
        assert!(list.is_group("MOIT 2"));
        assert!(!list.is_group("MOIT 2.1"));
        assert_eq!(list.members("MOIT 2").count(), 1);
        assert_eq!(list.leaves().map(|i| i.code.as_str()).collect::<Vec<_>>(), ["MOIT 2.1", "MOIT 5"]);
        assert_eq!(list.item("MOIT 5").unwrap().refresh, Refresh::Monthly);
    }

    #[test]
    fn every_problem_names_file_item_and_field() {
        let bad = GOOD
            .replace("refresh = \"monthly\"", "refresh = \"weekly\"")
            .replace("categories = [\"general/executives\"]", "categories = [\"general/nowhere\"]")
            .replace("code = \"MOIT 5\"", "code = \"MOIT 2.1\"");
        let err = parse("new.toml", &bad).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.0.len(), 3, "{text}");
        assert!(text.contains("new.toml: ข้อ (item) MOIT 2.1: ช่อง (field) refresh"), "{text}");
        assert!(text.contains("ช่อง (field) categories") && text.contains("general/nowhere"), "{text}");
        assert!(text.contains("duplicate code"), "{text}");
    }

    #[test]
    fn missing_fields_unknown_fields_and_broken_toml_are_refused() {
        let err = parse("x.toml", "scheme = \"moit\"\nyear = 70\n").unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["scheme", "year", "title_th", "item"]);

        let typo = GOOD.replace("evidence_th = \"แบบ สขร.1\"", "evidense_th = \"แบบ สขร.1\"");
        let err = parse("typo.toml", &typo).unwrap_err().to_string();
        assert!(err.contains("evidense_th") && err.contains("line"), "{err}");

        let err = parse("broken.toml", "scheme = \"MOIT\n").unwrap_err().to_string();
        assert!(err.contains("broken.toml") && err.contains("TOML"), "{err}");

        let orphan = GOOD.replace("parent = \"MOIT 2\"", "parent = \"MOIT 9\"");
        let err = parse("o.toml", &orphan).unwrap_err().to_string();
        assert!(err.contains("ช่อง (field) parent"), "{err}");

        let no_title = GOOD.replace("title_en = \"Executives\"", "title_en = \"\"");
        assert!(
            parse("t.toml", &no_title).unwrap_err().to_string().contains("MOIT 2.1: ช่อง (field) title_en")
        );
    }

    #[test]
    fn every_embedded_file_is_valid_and_named_after_its_scheme_and_year() {
        let mut count = 0;
        for (name, file) in shipped() {
            let text = String::from_utf8(file.into_owned()).unwrap();
            let list = parse(name, &text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(name, format!("{}-{}.toml", list.scheme.to_lowercase(), list.year));
            assert!(
                list.leaves().all(|i| !i.categories.is_empty() || i.builtin.is_some()),
                "{name}: an item without categories or a built-in feature"
            );
            count += 1;
        }
        assert_eq!(embedded().len(), count);
        for (scheme, year) in
            [("MOIT", 2569), ("ITA", 2567), ("ITA", 2568), ("ITA", 2569), ("OIA", 2540), ("GWS", 2566)]
        {
            assert!(embedded().iter().any(|l| l.scheme == scheme && l.year == year), "{scheme} {year}");
        }
        let moit = embedded().iter().find(|l| l.scheme == "MOIT" && l.year == 2569).unwrap();
        for n in 1..=22 {
            assert!(moit.item(&format!("MOIT {n}")).is_some(), "MOIT {n}");
        }
        assert!(moit.members("MOIT 2").count() >= 18, "MOIT 2 has its sub-items 2.1–2.18");
    }

    #[test]
    fn imported_files_take_precedence_and_the_newest_year_applies() {
        let newer = parse("moit-2570.toml", GOOD).unwrap();
        let lib = Library::new(vec![newer]);
        assert_eq!(lib.resolve("MOIT", 2570).unwrap().year, 2570);
        assert_eq!(lib.resolve("MOIT", 2571).unwrap().year, 2570, "last one still applies");
        assert_eq!(lib.resolve("MOIT", 2569).unwrap().year, 2569);
        assert!(lib.resolve("MOIT", 2500).is_none());
        assert_eq!(lib.schemes()[..2], ["MOIT", "ITA"]);

        let mut replaced = parse("moit-2570.toml", GOOD).unwrap();
        replaced.year = 2569;
        let lib = Library::new(vec![replaced]);
        let moit = lib.resolve("MOIT", 2569).unwrap();
        assert_eq!(moit.items.len(), 3, "imported 2569 replaces the embedded 2569");
        assert!(lib.all().iter().any(|(l, o)| l.year == 2569 && *o == Origin::Imported));

        let lib = Library::new(vec![]);
        let codes: Vec<String> = lib
            .suggestions("news/procurement-results", 2569)
            .iter()
            .map(|(s, i)| format!("{s} {}", i.code))
            .collect();
        assert!(codes.contains(&"MOIT MOIT 5".to_string()), "{codes:?}");
    }
}
