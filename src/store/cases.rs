//! e-Service cases: complaints, Q&A questions and official-information requests from the
//! public, their answers, statistics, and the purge of personal data after retention.

use rusqlite::{Connection, OptionalExtension as _, Row, named_params};

use super::StoreResult;
use crate::workflow::audit::AuditAction;
use crate::workflow::eservice::{Kind, Status, ValidCase};

/// A stored case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Row id.
    pub id: i64,
    /// Complaint, question or information request.
    pub kind: Kind,
    /// Tracking code given to the sender.
    pub code: String,
    /// Complaint category key.
    pub category: String,
    /// Subject.
    pub subject: String,
    /// Details.
    pub details: String,
    /// Sender's name (empty once purged or when not asked).
    pub name: String,
    /// Sender's contact (empty once purged or when not asked).
    pub contact: String,
    /// Where it is.
    pub status: Status,
    /// The office's answer.
    pub answer: String,
    /// Sent, Unix seconds.
    pub created_at: i64,
    /// Last change, Unix seconds.
    pub updated_at: i64,
    /// Closed, Unix seconds.
    pub closed_at: Option<i64>,
    /// When the personal data was removed.
    pub purged_at: Option<i64>,
}

fn from_row(r: &Row) -> rusqlite::Result<Case> {
    let kind: String = r.get("kind")?;
    let status: String = r.get("status")?;
    Ok(Case {
        id: r.get("id")?,
        kind: Kind::parse(&kind).unwrap_or(Kind::Complaint),
        code: r.get("code")?,
        category: r.get("category")?,
        subject: r.get("subject")?,
        details: r.get("details")?,
        name: r.get("name")?,
        contact: r.get("contact")?,
        status: Status::parse(&status).unwrap_or(Status::Received),
        answer: r.get("answer")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        closed_at: r.get("closed_at")?,
        purged_at: r.get("purged_at")?,
    })
}

/// Outcome of [`insert`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// Stored under this tracking code.
    New(String),
    /// The form token was used already: the form was sent twice, nothing stored.
    Duplicate,
}

/// Stores a case and marks the form token used, in one transaction.
pub fn insert(
    conn: &mut Connection,
    kind: Kind,
    case: &ValidCase,
    code: &str,
    form_token: &str,
) -> StoreResult<Inserted> {
    let tx = conn.transaction()?;
    let now = super::now_unix();
    let fresh = tx.execute(
        "INSERT OR IGNORE INTO used_form_tokens (token, used_at) VALUES (?1, ?2)",
        (form_token, now),
    )?;
    if fresh == 0 {
        return Ok(Inserted::Duplicate);
    }
    tx.execute(
        "INSERT INTO cases (kind, code, category, subject, details, name, contact, created_at, updated_at)
         VALUES (:kind, :code, :category, :subject, :details, :name, :contact, :now, :now)",
        named_params! {
            ":kind": kind.as_str(), ":code": code, ":category": case.category, ":subject": case.subject,
            ":details": case.details, ":name": case.name, ":contact": case.contact, ":now": now,
        },
    )?;
    tx.commit()?;
    Ok(Inserted::New(code.to_owned()))
}

/// Marks a form token used (forms that store something other than a case, in the caller's
/// transaction); false when it was used before.
pub fn use_token(conn: &Connection, form_token: &str) -> StoreResult<bool> {
    Ok(conn.execute(
        "INSERT OR IGNORE INTO used_form_tokens (token, used_at) VALUES (?1, ?2)",
        (form_token, super::now_unix()),
    )? == 1)
}

/// A case by tracking code.
pub fn by_code(conn: &Connection, code: &str) -> StoreResult<Option<Case>> {
    Ok(conn.prepare_cached("SELECT * FROM cases WHERE code = ?1")?.query_row([code], from_row).optional()?)
}

/// A case by id.
pub fn get(conn: &Connection, id: i64) -> StoreResult<Option<Case>> {
    Ok(conn.prepare_cached("SELECT * FROM cases WHERE id = ?1")?.query_row([id], from_row).optional()?)
}

/// Every case, open ones first, newest first (for staff).
pub fn list(conn: &Connection, limit: u32) -> StoreResult<Vec<Case>> {
    Ok(conn
        .prepare_cached("SELECT * FROM cases ORDER BY status = 'closed', created_at DESC, id DESC LIMIT ?1")?
        .query_map([limit], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Answered questions shown in the public Q&A, newest first.
pub fn public_answers(conn: &Connection, limit: u32) -> StoreResult<Vec<Case>> {
    Ok(conn
        .prepare_cached(
            "SELECT * FROM cases WHERE kind = 'question' AND public = 1 AND answer <> ''
             ORDER BY updated_at DESC, id DESC LIMIT ?1",
        )?
        .query_map([limit], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Records staff's answer and new status; a closed case gets its closing time. Questions with
/// `publish` appear in the public Q&A.
pub fn answer(conn: &Connection, id: i64, status: Status, answer: &str, publish: bool) -> StoreResult<bool> {
    let now = super::now_unix();
    let n = conn.execute(
        "UPDATE cases SET status = :status, answer = :answer, updated_at = :now,
                public = CASE WHEN kind = 'question' THEN :public ELSE 0 END,
                closed_at = CASE WHEN :status = 'closed' THEN coalesce(closed_at, :now) ELSE NULL END
         WHERE id = :id",
        named_params! {
            ":status": status.as_str(), ":answer": answer, ":now": now, ":public": publish, ":id": id,
        },
    )?;
    Ok(n == 1)
}

/// Counts of one kind of case over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Received in the period.
    pub received: u64,
    /// Of those, still waiting.
    pub waiting: u64,
    /// Of those, in progress.
    pub in_progress: u64,
    /// Of those, closed.
    pub closed: u64,
}

/// Counts of cases of `kind` (and complaint `category`, if given) sent in `[from, to)`.
pub fn counts(
    conn: &Connection,
    kind: Kind,
    category: Option<&str>,
    from: i64,
    to: i64,
) -> StoreResult<Counts> {
    let (received, waiting, in_progress, closed): (i64, i64, i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(status = 'received'), 0), coalesce(sum(status = 'in_progress'), 0),
                    coalesce(sum(status = 'closed'), 0)
             FROM cases WHERE kind = ?1 AND created_at >= ?2 AND created_at < ?3
                  AND (?4 IS NULL OR category = ?4)",
        )?
        .query_row((kind.as_str(), from, to, category), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(Counts {
        received: received as u64,
        waiting: waiting as u64,
        in_progress: in_progress as u64,
        closed: closed as u64,
    })
}

/// Removes the name and contact of cases closed before `closed_before` (PDPA retention) and
/// form tokens older than a day; returns how many cases were purged.
pub fn purge_personal_data(conn: &Connection, closed_before: i64) -> StoreResult<usize> {
    let now = super::now_unix();
    let n = conn.execute(
        "UPDATE cases SET name = '', contact = '', purged_at = ?2
         WHERE status = 'closed' AND closed_at < ?1 AND purged_at IS NULL",
        (closed_before, now),
    )?;
    conn.execute("DELETE FROM used_form_tokens WHERE used_at < ?1", [now - 86_400])?;
    Ok(n)
}

/// The scheduler's job: purges personal data of cases closed more than `days` ago, recording
/// it in the audit trail.
pub fn purge_job(store: &super::Store, days: u32) -> StoreResult<usize> {
    let before = super::now_unix() - i64::from(days) * 86_400;
    store.run_sync(|c| {
        let n = purge_personal_data(c, before)?;
        if n > 0 {
            let system = super::audit::Who::scheduler();
            super::audit::append(
                c,
                &system,
                AuditAction::CasePurge,
                "cases",
                &format!("{n} cases, {days} days"),
            )?;
        }
        Ok(n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn case(subject: &str) -> ValidCase {
        ValidCase {
            category: "corruption".into(),
            subject: subject.into(),
            details: "รายละเอียดเรื่อง".into(),
            name: "นายสมชาย ใจดี".into(),
            contact: "0812345678".into(),
        }
    }

    #[test]
    fn cases_are_stored_once_answered_counted_and_purged() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .run_sync(|c| {
                let first = insert(c, Kind::Complaint, &case("เรื่องแรก"), "C-AAAA-AAAA", "t1")?;
                assert_eq!(first, Inserted::New("C-AAAA-AAAA".into()));
                assert_eq!(
                    insert(c, Kind::Complaint, &case("ซ้ำ"), "C-BBBB-BBBB", "t1")?,
                    Inserted::Duplicate
                );
                assert!(by_code(c, "C-BBBB-BBBB")?.is_none(), "nothing half-written");
                let stored = by_code(c, "C-AAAA-AAAA")?.unwrap();
                let all = counts(c, Kind::Complaint, None, 0, i64::MAX)?;
                assert_eq!((all.received, all.waiting, all.closed), (1, 1, 0));
                assert_eq!(counts(c, Kind::Complaint, Some("service"), 0, i64::MAX)?.received, 0);
                assert!(answer(c, stored.id, Status::Closed, "ดำเนินการแล้ว", true)?);
                let closed = get(c, stored.id)?.unwrap();
                assert!(closed.closed_at.is_some());
                assert!(public_answers(c, 10)?.is_empty(), "complaints are never public");
                assert_eq!(purge_personal_data(c, closed.closed_at.unwrap())?, 0, "not yet due");
                assert_eq!(purge_personal_data(c, closed.closed_at.unwrap() + 1)?, 1);
                let purged = get(c, stored.id)?.unwrap();
                assert_eq!((purged.name.as_str(), purged.contact.as_str()), ("", ""));
                assert_eq!(purged.subject, "เรื่องแรก", "the case itself is kept for statistics");
                Ok(())
            })
            .unwrap();
    }
}
