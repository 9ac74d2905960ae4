//! Publication requests (แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์) and their files.
//!
//! The rules of the lifecycle live in [`crate::workflow`]; this module only stores what the
//! rules decided. State changes are conditional on the state the decision was based on, so two
//! people acting on the same request at once cannot both succeed.

use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension as _, Row, ToSql, TransactionBehavior, named_params};

use super::items::NewAttachment;
use super::{StoreResult, now_unix};

/// The fields of the request form, as validated by the workflow.
pub use crate::workflow::request::ValidRequest as Fields;

/// A stored request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Row id.
    pub id: i64,
    /// Fiscal year (B.E.) of its reference number.
    pub fiscal_year: i32,
    /// Sequence number within the fiscal year.
    pub seq: i64,
    /// Lifecycle state, as stored (see [`crate::workflow::state::State`]).
    pub state: String,
    /// The account that made it.
    pub requester_id: i64,
    /// The form's fields.
    pub fields: Fields,
    /// Published on a verbal approval that the approver has not yet confirmed.
    pub verbal_pending: bool,
    /// Who approved verbally.
    pub verbal_by: Option<String>,
    /// When the verbal approval was given.
    pub verbal_on: Option<Date>,
    /// The published item, once published.
    pub item_id: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// Attached files, in order.
    pub files: Vec<super::items::Attachment>,
}

impl Request {
    /// The reference number shown to people, e.g. `2569/0007`.
    pub fn reference(&self) -> String {
        format!("{}/{:04}", self.fiscal_year, self.seq)
    }
}

fn date(r: &Row, idx: &str) -> rusqlite::Result<Option<Date>> {
    let text: Option<String> = r.get(idx)?;
    Ok(text.and_then(|t| t.parse().ok()))
}

fn request_from_row(r: &Row) -> rusqlite::Result<Request> {
    Ok(Request {
        id: r.get("id")?,
        fiscal_year: r.get("fiscal_year")?,
        seq: r.get("seq")?,
        state: r.get("state")?,
        requester_id: r.get("requester_id")?,
        fields: Fields {
            unit: r.get("unit")?,
            request_date: date(r, "request_date")?.unwrap_or(jiff::civil::date(2000, 1, 1)),
            topic: r.get("topic")?,
            details: r.get("details")?,
            link: r.get("link")?,
            remarks: r.get("remarks")?,
            requester_name: r.get("requester_name")?,
            requester_position: r.get("requester_position")?,
            requester_contact: r.get("requester_contact")?,
            category: r.get("category")?,
            period_from: date(r, "period_from")?,
            period_to: date(r, "period_to")?,
            end: date(r, "end_date")?,
        },
        verbal_pending: r.get("verbal_pending")?,
        verbal_by: r.get("verbal_by")?,
        verbal_on: date(r, "verbal_on")?,
        item_id: r.get("item_id")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        files: Vec::new(),
    })
}

fn files_of(conn: &Connection, request_id: i64) -> StoreResult<Vec<super::items::Attachment>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, request_id, file_name, kind, sha256, size FROM request_files
             WHERE request_id = ?1 ORDER BY position",
        )?
        .query_map([request_id], |r| {
            Ok(super::items::Attachment {
                id: r.get(0)?,
                item_id: r.get(1)?,
                file_name: r.get(2)?,
                kind: r.get(3)?,
                sha256: r.get(4)?,
                size: r.get::<_, i64>(5)? as u64,
                alt: String::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn add_files(conn: &Connection, request_id: i64, files: &[NewAttachment]) -> StoreResult<()> {
    let start: i64 = conn.query_row(
        "SELECT coalesce(max(position) + 1, 0) FROM request_files WHERE request_id = ?1",
        [request_id],
        |r| r.get(0),
    )?;
    for (n, f) in files.iter().enumerate() {
        conn.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, created_at) VALUES (?1, ?2, ?3)",
            (&f.blob.sha256, f.blob.size as i64, now_unix()),
        )?;
        conn.execute(
            "INSERT INTO request_files (request_id, position, file_name, kind, sha256, size)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (request_id, start + n as i64, &f.file_name, &f.kind, &f.blob.sha256, f.blob.size as i64),
        )?;
    }
    Ok(())
}

/// The form's fields (and the time) as named SQL parameters, followed by `extra`: shared by
/// [`create`] and [`update`] so the two can never bind a field differently.
fn with_fields<'a>(
    f: &'a Fields,
    extra: &[(&'static str, &'a dyn ToSql)],
) -> Vec<(&'static str, Box<dyn ToSql + 'a>)> {
    let date = |d: Option<Date>| d.map(|d| d.to_string());
    let mut params: Vec<(&'static str, Box<dyn ToSql + 'a>)> = vec![
        (":unit", Box::new(&f.unit)),
        (":date", Box::new(f.request_date.to_string())),
        (":topic", Box::new(&f.topic)),
        (":details", Box::new(&f.details)),
        (":link", Box::new(&f.link)),
        (":remarks", Box::new(&f.remarks)),
        (":name", Box::new(&f.requester_name)),
        (":position", Box::new(&f.requester_position)),
        (":contact", Box::new(&f.requester_contact)),
        (":category", Box::new(&f.category)),
        (":from", Box::new(date(f.period_from))),
        (":to", Box::new(date(f.period_to))),
        (":end", Box::new(date(f.end))),
        (":now", Box::new(now_unix())),
    ];
    params.extend(extra.iter().map(|(k, v)| (*k, Box::new(*v) as Box<dyn ToSql + 'a>)));
    params
}

/// Stores a new request in `state` with its files, numbering it within `fiscal_year`, and runs
/// `also` (audit, notifications) in the same transaction. Returns its id.
pub fn create(
    conn: &mut Connection,
    requester_id: i64,
    fiscal_year: i32,
    state: &str,
    fields: &Fields,
    files: &[NewAttachment],
    also: impl FnOnce(&Connection, i64) -> StoreResult<()>,
) -> StoreResult<i64> {
    // IMMEDIATE: take the write lock before reading the next number, so two requests made at
    // the same moment cannot get the same reference.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let seq: i64 = tx.query_row(
        "SELECT coalesce(max(seq), 0) + 1 FROM requests WHERE fiscal_year = ?1",
        [fiscal_year],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO requests (fiscal_year, seq, state, requester_id, unit, request_date, topic, details,
                               link, remarks, requester_name, requester_position, requester_contact,
                               category, period_from, period_to, end_date, created_at, updated_at)
         VALUES (:fy, :seq, :state, :requester, :unit, :date, :topic, :details, :link, :remarks,
                 :name, :position, :contact, :category, :from, :to, :end, :now, :now)",
        with_fields(
            fields,
            &[(":fy", &fiscal_year), (":seq", &seq), (":state", &state), (":requester", &requester_id)],
        )
        .as_slice(),
    )?;
    let id = tx.last_insert_rowid();
    add_files(&tx, id, files)?;
    also(&tx, id)?;
    tx.commit()?;
    Ok(id)
}

/// Replaces the form's fields of a request that is still `state`, adds `files`, and moves it
/// to `next_state`. `false` if the request was no longer in `state`.
#[allow(clippy::too_many_arguments)]
pub fn update(
    conn: &mut Connection,
    id: i64,
    state: &str,
    next_state: &str,
    fields: &Fields,
    files: &[NewAttachment],
    remove_files: &[i64],
    also: impl FnOnce(&Connection) -> StoreResult<()>,
) -> StoreResult<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let n = tx.execute(
        "UPDATE requests SET state = :next, unit = :unit, request_date = :date, topic = :topic,
                details = :details, link = :link, remarks = :remarks, requester_name = :name,
                requester_position = :position, requester_contact = :contact, category = :category,
                period_from = :from, period_to = :to, end_date = :end, updated_at = :now
         WHERE id = :id AND state = :state",
        with_fields(fields, &[(":id", &id), (":state", &state), (":next", &next_state)]).as_slice(),
    )?;
    if n == 0 {
        return Ok(false);
    }
    for file_id in remove_files {
        tx.execute("DELETE FROM request_files WHERE id = ?1 AND request_id = ?2", (file_id, id))?;
    }
    add_files(&tx, id, files)?;
    also(&tx)?;
    tx.commit()?;
    Ok(true)
}

/// A state change decided by the workflow.
#[derive(Debug, Clone, Default)]
pub struct Change<'a> {
    /// The state the decision was based on.
    pub from: &'a str,
    /// The new state.
    pub to: &'a str,
    /// The new verbal-approval flag.
    pub verbal_pending: bool,
    /// Who approved verbally, when publishing on a verbal approval.
    pub verbal_by: Option<&'a str>,
    /// When the verbal approval was given.
    pub verbal_on: Option<Date>,
    /// The published item, when publishing.
    pub item_id: Option<i64>,
}

/// Applies `change` if the request is still in `change.from`, then runs `also`. `false` (and
/// `also` not run) if someone else changed it first. Call it inside the caller's transaction,
/// which should also hold whatever else the change brings (the published item, the audit line).
pub fn change_state(
    tx: &Connection,
    id: i64,
    change: &Change<'_>,
    also: impl FnOnce(&Connection) -> StoreResult<()>,
) -> StoreResult<bool> {
    let n = tx.execute(
        "UPDATE requests SET state = :to, verbal_pending = :verbal,
                verbal_by = coalesce(:by, verbal_by), verbal_on = coalesce(:on, verbal_on),
                item_id = coalesce(:item, item_id), updated_at = :now
         WHERE id = :id AND state = :from",
        named_params! {
            ":id": id,
            ":from": change.from,
            ":to": change.to,
            ":verbal": change.verbal_pending,
            ":by": change.verbal_by,
            ":on": change.verbal_on.map(|d| d.to_string()),
            ":item": change.item_id,
            ":now": now_unix(),
        },
    )?;
    if n == 0 {
        return Ok(false);
    }
    also(tx)?;
    Ok(true)
}

/// A request with its files.
pub fn get(conn: &Connection, id: i64) -> StoreResult<Option<Request>> {
    let found = conn
        .prepare_cached("SELECT * FROM requests WHERE id = ?1")?
        .query_row([id], request_from_row)
        .optional()?;
    match found {
        Some(mut r) => {
            r.files = files_of(conn, id)?;
            Ok(Some(r))
        }
        None => Ok(None),
    }
}

/// Requests made by `user_id`, most recently changed first (without files).
pub fn by_requester(conn: &Connection, user_id: i64) -> StoreResult<Vec<Request>> {
    let rows = conn
        .prepare_cached("SELECT * FROM requests WHERE requester_id = ?1 ORDER BY updated_at DESC, id DESC")?
        .query_map([user_id], request_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Requests in any of `states`, oldest change first (a queue), without files.
pub fn in_states(conn: &Connection, states: &[&str]) -> StoreResult<Vec<Request>> {
    let marks = vec!["?"; states.len()].join(", ");
    let sql = format!("SELECT * FROM requests WHERE state IN ({marks}) ORDER BY updated_at, id");
    let rows = conn
        .prepare(&sql)?
        .query_map(rusqlite::params_from_iter(states), request_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Published requests still waiting for the approver to confirm a verbal approval.
pub fn verbal_pending(conn: &Connection) -> StoreResult<Vec<Request>> {
    let rows = conn
        .prepare_cached("SELECT * FROM requests WHERE verbal_pending = 1 ORDER BY updated_at, id")?
        .query_map([], request_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
