//! Demo data for the public services: answered questions in the Q&A, satisfaction-survey
//! answers and two months of visit counts, so that a demo shows them working. No complaint is
//! made up: the complaint statistics show "no complaints", as they should for a new office.

use rusqlite::Connection;

use crate::store::StoreResult;
use crate::store::cases::{self, Inserted};
use crate::store::visits::{self, Batch};
use crate::store::{StoreError, survey};
use crate::thai;
use crate::workflow::eservice::{Kind, Status, ValidCase};
use crate::workflow::survey::Answer;

const QUESTIONS: &[(&str, &str, &str)] = &[
    (
        "ฉีดวัคซีนไข้หวัดใหญ่ได้ที่ไหน",
        "ผู้สูงอายุในตำบลกุดป่องต้องการฉีดวัคซีนไข้หวัดใหญ่ ต้องไปที่ไหนและต้องเตรียมเอกสารอะไรบ้างครับ",
        "ฉีดได้ที่โรงพยาบาลส่งเสริมสุขภาพตำบลทุกแห่งในอำเภอเมืองเลย ทุกวันพุธ เวลา ๐๘.๓๐–๑๒.๐๐ น. นำบัตรประจำตัวประชาชนมาด้วย ไม่มีค่าใช้จ่ายสำหรับผู้มีอายุ ๖๕ ปีขึ้นไป",
    ),
    (
        "ขอใบรับรองแพทย์สมัครงานได้ที่ไหน",
        "ต้องการใบรับรองแพทย์เพื่อสมัครงาน ขอที่ รพ.สต. ได้หรือไม่คะ",
        "ขอได้ที่โรงพยาบาลเลยหรือโรงพยาบาลส่งเสริมสุขภาพตำบลที่มีแพทย์หรือพยาบาลเวชปฏิบัติออกตรวจ กรุณาโทรสอบถามวันให้บริการล่วงหน้า",
    ),
];

/// Adds the demo Q&A, survey answers and visit counts.
pub fn seed(conn: &mut Connection) -> StoreResult<()> {
    for (n, (subject, details, answer)) in QUESTIONS.iter().enumerate() {
        let case = ValidCase {
            category: String::new(),
            subject: (*subject).into(),
            details: (*details).into(),
            name: String::new(),
            contact: String::new(),
        };
        let code = crate::workflow::eservice::tracking_code(Kind::Question, [n as u8; 8]);
        if let Inserted::New(code) = cases::insert(conn, Kind::Question, &case, &code, &format!("demo:{n}"))?
        {
            let id = cases::by_code(conn, &code)?
                .map(|c| c.id)
                .ok_or(StoreError::Sql(rusqlite::Error::QueryReturnedNoRows))?;
            cases::answer(conn, id, Status::Closed, answer, true)?;
        }
    }
    let fy = thai::fiscal_year(thai::today());
    let levels = [
        [5, 4, 4, 5, 5],
        [4, 4, 3, 4, 4],
        [5, 5, 5, 4, 5],
        [3, 4, 4, 3, 4],
        [4, 5, 4, 5, 4],
        [5, 4, 5, 5, 5],
    ];
    for (n, l) in levels.iter().enumerate() {
        let comment = if n == 0 {
            "ค้นหาข้อมูลจัดซื้อจัดจ้างได้สะดวก".to_owned()
        } else {
            String::new()
        };
        survey::insert(conn, &Answer { levels: *l, comment }, fy, &format!("demo-survey:{n}"))?;
    }
    let mut batch = Batch::default();
    let today = thai::today();
    for back in 1..=60i64 {
        let Ok(day) = today.checked_sub(jiff::Span::new().days(back)) else { continue };
        // Weekdays busier than weekends, with some variation.
        let weekend = matches!(day.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday);
        let visitors = if weekend { 18 } else { 45 } + (back * 7 % 23) as u64;
        batch.days.insert(day.to_string(), (visitors * 3 + (back % 5) as u64, visitors));
    }
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM items ORDER BY published_at DESC LIMIT 8")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for (n, id) in ids.iter().enumerate() {
        batch.reads.insert(*id, 120 / (n as u64 + 1));
    }
    let files: Vec<i64> = conn
        .prepare("SELECT id FROM attachments ORDER BY id LIMIT 6")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for (n, id) in files.iter().enumerate() {
        batch.downloads.insert(*id, 60 / (n as u64 + 1));
    }
    visits::flush(conn, &batch)
}
