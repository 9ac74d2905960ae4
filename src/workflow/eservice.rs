//! e-Services (seed 1.9): complaints (ร้องเรียน/ร้องทุกข์), questions for the public Q&A
//! (ถาม-ตอบ) and requests for official information (Official Information Act B.E. 2540), as
//! plain rules: what a valid form holds, the tracking code, and the states of a case.

/// What a citizen sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A complaint or grievance.
    Complaint,
    /// A question for the public Q&A.
    Question,
    /// A request for official information.
    Info,
}

impl Kind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Complaint => "complaint",
            Kind::Question => "question",
            Kind::Info => "info",
        }
    }

    /// From the stored name or the URL segment.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "complaint" => Some(Kind::Complaint),
            "question" => Some(Kind::Question),
            "info" => Some(Kind::Info),
            _ => None,
        }
    }

    /// Thai name.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Complaint => "เรื่องร้องเรียน/ร้องทุกข์",
            Kind::Question => "คำถาม (ถาม-ตอบ)",
            Kind::Info => "คำขอข้อมูลข่าวสารของราชการ",
        }
    }

    /// Letter that starts its tracking codes.
    fn letter(self) -> char {
        match self {
            Kind::Complaint => 'C',
            Kind::Question => 'Q',
            Kind::Info => 'R',
        }
    }

    /// Whether the form asks for the sender's name and contact (personal data).
    pub fn asks_identity(self) -> bool {
        !matches!(self, Kind::Question)
    }
}

/// Complaint categories; the corruption channel is the one ITA asks for.
pub const COMPLAINT_CATEGORIES: &[(&str, &str)] = &[
    ("corruption", "การทุจริตและประพฤติมิชอบของเจ้าหน้าที่ (corruption / misconduct)"),
    ("service", "คุณภาพการให้บริการ"),
    ("staff", "พฤติกรรมการให้บริการของเจ้าหน้าที่"),
    ("health", "ปัญหาสาธารณสุขและสิ่งแวดล้อมในชุมชน"),
    ("other", "เรื่องอื่น ๆ"),
];

/// Thai label of a complaint category.
pub fn category_label(key: &str) -> &str {
    COMPLAINT_CATEGORIES.iter().find(|(k, _)| *k == key).map_or(key, |(_, l)| l)
}

/// Whether a case is a corruption or misconduct complaint (the ITA channel), whose sender
/// must be protected most.
pub fn is_corruption(kind: Kind, category: &str) -> bool {
    kind == Kind::Complaint && category == "corruption"
}

/// Who is looking at a case, as far as the rules care.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    /// Their roles.
    pub roles: crate::workflow::state::Roles,
    /// Whether the director has named them for corruption cases.
    pub named: bool,
    /// Whether the office has an active complaints officer or director at all.
    pub officers_exist: bool,
}

/// Who may see and handle a case:
///
/// - a corruption or misconduct complaint: only the director and the complaints officers the
///   director has named;
/// - another complaint: complaints officers and the director; web masters and admins only while
///   the office has neither, so that a complaint is never left unread;
/// - questions and information requests: web masters, admins, complaints officers, the director.
pub fn may_see_case(kind: Kind, category: &str, v: Viewer) -> bool {
    use crate::workflow::state::Role;
    let director = v.roles.contains(Role::Director);
    let officer = v.roles.contains(Role::Complaints) || director;
    let it = v.roles.contains(Role::WebMaster) || v.roles.contains(Role::Admin);
    match kind {
        _ if is_corruption(kind, category) => director || (v.roles.contains(Role::Complaints) && v.named),
        Kind::Complaint => officer || (it && !v.officers_exist),
        Kind::Question | Kind::Info => officer || it,
    }
}

/// Where a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Sent, not yet handled.
    Received,
    /// Someone is working on it.
    InProgress,
    /// Answered and closed.
    Closed,
}

impl Status {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::InProgress => "in_progress",
            Status::Closed => "closed",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "received" => Some(Status::Received),
            "in_progress" => Some(Status::InProgress),
            "closed" => Some(Status::Closed),
            _ => None,
        }
    }

    /// Thai name.
    pub fn label(self) -> &'static str {
        match self {
            Status::Received => "รับเรื่องแล้ว",
            Status::InProgress => "อยู่ระหว่างดำเนินการ",
            Status::Closed => "ดำเนินการแล้วเสร็จ",
        }
    }
}

/// What the form holds, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CaseInput {
    /// Complaint category key.
    pub category: String,
    /// Subject.
    pub subject: String,
    /// The complaint, question or the information wanted.
    pub details: String,
    /// Sender's name.
    pub name: String,
    /// Telephone or e-mail.
    pub contact: String,
    /// The PDPA notice was read.
    pub pdpa: String,
}

/// A checked form, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCase {
    /// Complaint category key, empty for other kinds.
    pub category: String,
    /// Subject.
    pub subject: String,
    /// Details.
    pub details: String,
    /// Name, empty when not asked.
    pub name: String,
    /// Contact, empty when not asked.
    pub contact: String,
}

/// Longest subject, in characters.
pub const SUBJECT_MAX: usize = 200;
/// Longest details, in characters.
pub const DETAILS_MAX: usize = 5000;

/// Checks a form; every problem names the field and the rule in Thai.
pub fn validate(kind: Kind, input: &CaseInput) -> Result<ValidCase, Vec<super::request::FieldError>> {
    use super::request::FieldError;
    let fe =
        |field: &'static str, message: &str| FieldError { field: field.into(), message: message.to_owned() };
    let mut problems = Vec::new();
    let subject = input.subject.trim();
    let details = input.details.trim();
    let name = input.name.trim();
    let contact = input.contact.trim();
    if kind == Kind::Complaint && !COMPLAINT_CATEGORIES.iter().any(|(k, _)| *k == input.category) {
        problems.push(fe("category", "ประเภทเรื่อง: กรุณาเลือกประเภทเรื่องร้องเรียน"));
    }
    if subject.is_empty() {
        problems.push(fe("subject", "เรื่อง: กรุณากรอกเรื่อง"));
    } else if subject.chars().count() > SUBJECT_MAX {
        problems.push(fe("subject", &format!("เรื่อง: ยาวได้ไม่เกิน {SUBJECT_MAX} ตัวอักษร")));
    }
    if details.chars().count() < 10 {
        problems.push(fe("details", "รายละเอียด: กรุณาอธิบายอย่างน้อย 10 ตัวอักษร"));
    } else if details.chars().count() > DETAILS_MAX {
        problems.push(fe("details", &format!("รายละเอียด: ยาวได้ไม่เกิน {DETAILS_MAX} ตัวอักษร")));
    }
    if kind == Kind::Info && name.is_empty() {
        problems.push(fe("name", "ชื่อ-นามสกุล: คำขอข้อมูลข่าวสารต้องระบุชื่อผู้ขอ (พ.ร.บ.ข้อมูลข่าวสารฯ มาตรา 11)"));
    }
    if name.chars().count() > 120 {
        problems.push(fe("name", "ชื่อ-นามสกุล: ยาวได้ไม่เกิน 120 ตัวอักษร"));
    }
    if kind == Kind::Info && contact.is_empty() {
        problems.push(fe("contact", "ช่องทางติดต่อกลับ: กรุณากรอกโทรศัพท์หรืออีเมลเพื่อส่งข้อมูลให้"));
    } else if contact.chars().count() > 120 {
        problems.push(fe("contact", "ช่องทางติดต่อกลับ: ยาวได้ไม่เกิน 120 ตัวอักษร"));
    }
    if kind.asks_identity() && input.pdpa != "yes" {
        problems.push(fe("pdpa", "การคุ้มครองข้อมูลส่วนบุคคล: กรุณาอ่านและยืนยันว่ารับทราบประกาศก่อนส่ง"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let keep = |s: &str| if kind.asks_identity() { s.to_owned() } else { String::new() };
    Ok(ValidCase {
        category: if kind == Kind::Complaint { input.category.clone() } else { String::new() },
        subject: subject.to_owned(),
        details: details.to_owned(),
        name: keep(name),
        contact: keep(contact),
    })
}

/// Letters of tracking codes: no 0/O or 1/I/L, so codes read out over the phone are not
/// mistaken.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A new tracking code such as `C-7KQ4-M2XH`, from random bytes.
pub fn tracking_code(kind: Kind, random: [u8; 8]) -> String {
    let chars: String =
        random.iter().map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char).collect();
    format!("{}-{}-{}", kind.letter(), &chars[..4], &chars[4..])
}

/// A tracking code as typed: upper-cased, spaces dropped; `None` when it cannot be one.
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed.trim().chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let ok = code.len() == 11
        && code.as_bytes()[1] == b'-'
        && code.as_bytes()[6] == b'-'
        && code.bytes().enumerate().all(|(i, b)| i == 1 || i == 6 || CODE_ALPHABET.contains(&b));
    ok.then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corruption_cases_are_for_the_director_and_named_officers_only() {
        use crate::workflow::state::Roles;
        let v = |s: &str, named: bool, officers_exist: bool| Viewer {
            roles: Roles::parse_list(s).unwrap(),
            named,
            officers_exist,
        };
        let corruption = |viewer| may_see_case(Kind::Complaint, "corruption", viewer);
        for officers in [false, true] {
            assert!(!corruption(v("webmaster,admin,approver", true, officers)));
            assert!(corruption(v("director", false, officers)));
            assert!(corruption(v("complaints", true, officers)));
            assert!(!corruption(v("complaints", false, officers)), "not named by the director");
            assert!(may_see_case(Kind::Question, "", v("webmaster", false, officers)));
            assert!(!may_see_case(Kind::Question, "", v("staff,approver", false, officers)));
        }
        let service = |viewer| may_see_case(Kind::Complaint, "service", viewer);
        assert!(service(v("webmaster", false, false)), "nobody else to read it");
        assert!(!service(v("webmaster", false, true)));
        assert!(service(v("complaints", false, true)));
    }

    fn input(category: &str, subject: &str, details: &str, name: &str, contact: &str) -> CaseInput {
        CaseInput {
            category: category.into(),
            subject: subject.into(),
            details: details.into(),
            name: name.into(),
            contact: contact.into(),
            pdpa: "yes".into(),
        }
    }

    #[test]
    fn every_problem_names_its_field() {
        let bad = validate(Kind::Complaint, &CaseInput::default()).unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|p| p.field.as_ref()).collect();
        assert_eq!(fields, vec!["category", "subject", "details", "pdpa"]);
        assert!(bad[0].message.starts_with("ประเภทเรื่อง:"));
        let info = validate(Kind::Info, &input("", "ขอสำเนา", "ขอสำเนาแผนปฏิบัติการ", "", "")).unwrap_err();
        assert_eq!(info.iter().map(|p| p.field.as_ref()).collect::<Vec<_>>(), vec!["name", "contact"]);
    }

    #[test]
    fn questions_keep_no_personal_data() {
        let ok = validate(
            Kind::Question,
            &CaseInput {
                pdpa: String::new(),
                ..input("corruption", " ถาม ", "ฉีดวัคซีนได้ที่ไหนบ้างครับ", "นาย ก", "081")
            },
        )
        .unwrap();
        assert_eq!((ok.subject.as_str(), ok.name.as_str(), ok.category.as_str()), ("ถาม", "", ""));
    }

    #[test]
    fn tracking_codes_are_unambiguous_and_round_trip() {
        let code = tracking_code(Kind::Complaint, [0, 1, 2, 3, 30, 31, 200, 255]);
        assert_eq!(code.len(), 11);
        assert!(code.starts_with("C-"));
        assert_eq!(normalise_code(&format!(" {} ", code.to_lowercase())), Some(code));
        assert_eq!(normalise_code("C-0000-0000"), None);
        assert_eq!(normalise_code("x"), None);
    }
}
