//! Publication requests (แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์) and their files.
//!
//! The rules of the lifecycle live in [`crate::workflow`]; this module only stores what the
//! rules decided. State changes are conditional on the state the decision was based on, so two
//! people acting on the same request at once cannot both succeed.

use jiff::civil::Date;
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension as _, Row, ToSql, TransactionBehavior, named_params};

use super::audit::{self, Who};
use super::compliance::NewTag;
use super::items::{self, NewAttachment, NewItem};
use super::{StoreError, StoreResult, notifications, now_unix};
use crate::paths;
use crate::workflow::audit::AuditAction;
use crate::workflow::state::{Approver, RequestFacts, State};
use crate::workflow::transition::{self, Detail, ItemChange, Link, Plan, Recipients, Subject};

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
    /// Lifecycle state.
    pub state: State,
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
    /// What it amends, when it is an amendment of a published item.
    pub amendment: Option<Amendment>,
    /// The unit it was made in (the requester's unit then), which routes it; `None` when the
    /// requester had no unit.
    pub unit_id: Option<i64>,
    /// Who decides it today (`store::units::approvers_for`); filled by [`get`] and
    /// [`awaiting`], empty in other listings.
    pub approvers: Vec<Approver>,
}

/// What makes a request an amendment: the item it changes, the new summary (the title is the
/// topic and the body the details), and the note of what changed and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    /// The item amended; it keeps its id and address.
    pub item_id: i64,
    /// The item's new summary.
    pub summary: String,
    /// What changed and why (shown in the public change log).
    pub note: String,
}

/// The columns of a request with its amendment, if any: `FROM requests` in every read.
const SELECT: &str = "SELECT requests.*, a.amended_item, a.summary AS amend_summary, a.note AS amend_note
     FROM requests LEFT JOIN amendments a ON a.request_id = requests.id";

impl Request {
    /// What the workflow's rules need to know about it.
    pub fn facts(&self) -> RequestFacts {
        RequestFacts {
            state: self.state,
            requester_id: self.requester_id,
            verbal_pending: self.verbal_pending,
            amendment: self.amendment.is_some(),
            approvers: self.approvers.clone(),
        }
    }

    /// The reference number shown to people, e.g. `2569/0007`.
    pub fn reference(&self) -> String {
        format!("{}/{:04}", self.fiscal_year, self.seq)
    }
}

fn date(r: &Row, idx: &str) -> rusqlite::Result<Option<Date>> {
    let text: Option<String> = r.get(idx)?;
    Ok(text.and_then(|t| t.parse().ok()))
}

/// A row whose column holds a name the program does not know (a damaged or newer database): an
/// error naming the table, row and value, never a silent default.
fn unknown_value(r: &Row, column: &str, value: &str) -> rusqlite::Error {
    let id: i64 = r.get("id").unwrap_or_default();
    rusqlite::Error::FromSqlConversionFailure(
        r.as_ref().column_index(column).unwrap_or_default(),
        Type::Text,
        format!("requests row {id}: unknown {column} {value:?}").into(),
    )
}

fn request_from_row(r: &Row) -> rusqlite::Result<Request> {
    Ok(Request {
        id: r.get("id")?,
        fiscal_year: r.get("fiscal_year")?,
        seq: r.get("seq")?,
        state: {
            let text: String = r.get("state")?;
            State::parse(&text).ok_or_else(|| unknown_value(r, "state", &text))?
        },
        requester_id: r.get("requester_id")?,
        unit_id: r.get("unit_id")?,
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
        amendment: match r.get::<_, Option<i64>>("amended_item")? {
            Some(item_id) => {
                Some(Amendment { item_id, summary: r.get("amend_summary")?, note: r.get("amend_note")? })
            }
            None => None,
        },
        approvers: Vec::new(),
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

/// Stores a new request row in `state`, numbered within `fiscal_year`. Call inside an
/// IMMEDIATE transaction, so two requests made at the same moment cannot get the same number.
fn insert(
    tx: &Connection,
    requester_id: i64,
    fiscal_year: i32,
    state: State,
    fields: &Fields,
) -> StoreResult<i64> {
    let seq: i64 = tx.query_row(
        "SELECT coalesce(max(seq), 0) + 1 FROM requests WHERE fiscal_year = ?1",
        [fiscal_year],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO requests (fiscal_year, seq, state, requester_id, unit, request_date, topic, details,
                               link, remarks, requester_name, requester_position, requester_contact,
                               category, period_from, period_to, end_date, created_at, updated_at,
                               unit_id)
         VALUES (:fy, :seq, :state, :requester, :unit, :date, :topic, :details, :link, :remarks,
                 :name, :position, :contact, :category, :from, :to, :end, :now, :now,
                 (SELECT unit_id FROM users WHERE id = :requester))",
        with_fields(
            fields,
            &[
                (":fy", &fiscal_year),
                (":seq", &seq),
                (":state", &state.as_str()),
                (":requester", &requester_id),
            ],
        )
        .as_slice(),
    )?;
    Ok(tx.last_insert_rowid())
}

/// Replaces the form's fields of request `id` if it is still in `from`. `false` otherwise.
fn replace_fields(tx: &Connection, id: i64, from: State, fields: &Fields) -> StoreResult<bool> {
    let n = tx.execute(
        "UPDATE requests SET unit = :unit, request_date = :date, topic = :topic,
                details = :details, link = :link, remarks = :remarks, requester_name = :name,
                requester_position = :position, requester_contact = :contact, category = :category,
                period_from = :from, period_to = :to, end_date = :end, updated_at = :now
         WHERE id = :id AND state = :state",
        with_fields(fields, &[(":id", &id), (":state", &from.as_str())]).as_slice(),
    )?;
    Ok(n == 1)
}

/// Moves request `id` from `from` to the plan's state (with its verbal-approval details and
/// item). `false` if someone else changed it first.
fn change_state(
    tx: &Connection,
    id: i64,
    from: State,
    plan: &Plan,
    verbal: Option<(&str, Date)>,
    item_id: Option<i64>,
) -> StoreResult<bool> {
    let n = tx.execute(
        "UPDATE requests SET state = :to, verbal_pending = :verbal,
                verbal_by = coalesce(:by, verbal_by), verbal_on = coalesce(:on, verbal_on),
                item_id = coalesce(:item, item_id), updated_at = :now
         WHERE id = :id AND state = :from",
        named_params! {
            ":id": id,
            ":from": from.as_str(),
            ":to": plan.next.as_str(),
            ":verbal": plan.verbal_pending,
            ":by": verbal.map(|v| v.0),
            ":on": verbal.map(|v| v.1.to_string()),
            ":item": item_id,
            ":now": now_unix(),
        },
    )?;
    Ok(n == 1)
}

/// The request a plan is about.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// A new request by `requester_id`, numbered within `fiscal_year`.
    New {
        /// The requester (the person acting).
        requester_id: i64,
        /// Fiscal year (B.E.) of its reference number.
        fiscal_year: i32,
        /// Its fields.
        fields: &'a Fields,
        /// Its files, already in the file store.
        files: &'a [NewAttachment],
        /// The item it amends, for an amendment.
        amendment: Option<&'a Amendment>,
    },
    /// A stored request, as it was read when the decision was made.
    Existing(&'a Request),
}

/// What a plan needs besides itself: who acts, and the data some transitions bring.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// Who acts, for the trail.
    pub who: &'a Who,
    /// The account acting (never notified of its own action); `Actor::SYSTEM_USER_ID` for the
    /// scheduler.
    pub actor_id: i64,
    /// New fields, added files and files to remove, for an edit.
    pub edit: Option<(&'a Fields, &'a [NewAttachment], &'a [i64])>,
    /// The item to create, with its compliance tags, for a publication (for an amendment:
    /// the item's new content).
    pub item: Option<(&'a NewItem, &'a [NewTag])>,
    /// The new summary and note, when an amendment is edited.
    pub amendment: Option<&'a Amendment>,
    /// For a published amendment: the fiscal year whose compliance tags `item`'s tags replace
    /// (the tags follow the amendment, added and removed); `None` only adds.
    pub tag_year: Option<i32>,
}

/// Why [`record`] did not apply a plan.
#[derive(Debug, thiserror::Error)]
pub enum NotRecorded {
    /// Someone else changed the request first; nothing was written.
    #[error("คำขอนี้ถูกเปลี่ยนสถานะไปแล้ว กรุณาเปิดหน้าใหม่")]
    Stale,
    /// The amended item reached its end date (or was taken down as expired) meanwhile.
    #[error(
        "เผยแพร่ฉบับแก้ไขไม่ได้ เพราะข้อมูลที่ขอแก้ไขหมดระยะเวลาเผยแพร่แล้ว หากต้องการเผยแพร่อีกครั้ง กรุณายื่นคำขอเผยแพร่ใหม่"
    )]
    ItemExpired,
    /// The item already has an amendment under way (this id); one at a time.
    #[error(
        "ข้อมูลนี้มีคำขอแก้ไขที่ยังดำเนินการอยู่แล้ว (คำขอเลขที่ภายใน {0}) แก้ไขได้ครั้งละหนึ่งคำขอ กรุณาดำเนินการคำขอนั้นให้เสร็จก่อน"
    )]
    OpenAmendment(i64),
    /// The database failed; nothing was written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for NotRecorded {
    fn from(e: rusqlite::Error) -> NotRecorded {
        NotRecorded::Store(e.into())
    }
}

/// Applies a planned transition with all its effects — the request row, the audit lines, the
/// notices, the item created or taken down — in one IMMEDIATE transaction, only if the request
/// is still in the state the plan was based on. Returns the request's id.
pub fn record(
    conn: &mut Connection,
    target: Target<'_>,
    plan: &Plan,
    rec: Record<'_>,
) -> Result<i64, NotRecorded> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = record_in(&tx, target, plan, rec)?;
    tx.commit()?;
    Ok(id)
}

/// [`record`] inside the caller's transaction (for jobs that apply many plans at once). On
/// [`NotRecorded::Stale`] nothing of this plan was written, but the caller's transaction may
/// already hold other writes.
pub fn record_in(
    tx: &Connection,
    target: Target<'_>,
    plan: &Plan,
    rec: Record<'_>,
) -> Result<i64, NotRecorded> {
    // Whether this plan took the live item down (not just a pending amendment of it).
    let mut took_down = false;
    let (id, requester_id, topic, unit_id) = match target {
        Target::New { requester_id, fiscal_year, fields, files, amendment } => {
            if let Some(a) = amendment
                && let Some(open) = open_amendment(tx, a.item_id)?
            {
                return Err(NotRecorded::OpenAmendment(open));
            }
            let id = insert(tx, requester_id, fiscal_year, plan.next, fields)?;
            add_files(tx, id, files)?;
            if let Some(a) = amendment {
                tx.execute(
                    "INSERT INTO amendments (request_id, amended_item, summary, note) VALUES (?1, ?2, ?3, ?4)",
                    (id, a.item_id, &a.summary, a.note.trim()),
                )?;
            }
            let unit_id: Option<i64> =
                tx.query_row("SELECT unit_id FROM requests WHERE id = ?1", [id], |r| r.get(0))?;
            (id, requester_id, fields.topic.clone(), unit_id)
        }
        Target::Existing(r) => {
            let from = plan.from.unwrap_or(r.state);
            let mut topic = r.fields.topic.clone();
            if let Some((fields, files, remove)) = rec.edit {
                if !replace_fields(tx, r.id, from, fields)? {
                    return Err(NotRecorded::Stale);
                }
                for file_id in remove {
                    tx.execute(
                        "DELETE FROM request_files WHERE id = ?1 AND request_id = ?2",
                        (file_id, r.id),
                    )?;
                }
                add_files(tx, r.id, files)?;
                topic = fields.topic.clone();
            }
            if let (Some(a), Some(_)) = (rec.amendment, &r.amendment) {
                tx.execute(
                    "UPDATE amendments SET summary = ?2, note = ?3 WHERE request_id = ?1",
                    (r.id, &a.summary, a.note.trim()),
                )?;
            }
            // Sending an amendment again (after a rejection): still one at a time.
            if let Some(a) = &r.amendment
                && plan.next == State::Submitted
                && let Some(open) = open_amendment(tx, a.item_id)?.filter(|&o| o != r.id)
            {
                return Err(NotRecorded::OpenAmendment(open));
            }
            let item_id = match (plan.effects.item, rec.item, &r.amendment) {
                (ItemChange::Create, Some((item, tags)), _) => {
                    let item_id = items::insert_in(tx, item)?;
                    super::compliance::add_tags(tx, item_id, tags, rec.who.user_id)?;
                    super::revisions::add_in(tx, item_id, item, "", &people(tx, r, rec.who)?)?;
                    Some(item_id)
                }
                (ItemChange::Revise, Some((item, tags)), Some(a)) => {
                    if expired(tx, a.item_id)? {
                        return Err(NotRecorded::ItemExpired);
                    }
                    if !super::revisions::has_any(tx, a.item_id)? {
                        snapshot(tx, a.item_id)?;
                    }
                    let change = rec
                        .tag_year
                        .map(|fiscal_year| super::revisions::TagChange { fiscal_year, tags: tags.to_vec() });
                    let people = people(tx, r, rec.who)?;
                    if item.published_at.as_second() > crate::thai::now().as_second() {
                        // Dated later: the version online stays untouched until then.
                        super::revisions::add_pending_in(
                            tx,
                            a.item_id,
                            item,
                            &a.note,
                            &people,
                            change.as_ref(),
                        )?;
                    } else {
                        items::revise_in(tx, a.item_id, item)?;
                        apply_tags(tx, a.item_id, tags, change.as_ref(), rec.who.user_id)?;
                        super::revisions::add_in(tx, a.item_id, item, &a.note, &people)?;
                    }
                    Some(a.item_id)
                }
                _ => None,
            };
            let verbal = plan.verbal_approval.as_ref().map(|(by, on)| (by.as_str(), *on));
            if !change_state(tx, r.id, from, plan, verbal, item_id)? {
                return Err(NotRecorded::Stale);
            }
            match (plan.effects.item, r.item_id) {
                // An amendment withdrawn before its date: it never goes live; the version
                // online stays.
                (ItemChange::Withdraw, Some(_)) if super::revisions::cancel_pending(tx, r.id)? => {}
                (ItemChange::Withdraw, Some(item)) => {
                    items::take_down(tx, item, items::Gone::Withdrawn)?;
                    took_down = true;
                }
                (ItemChange::CancelPending, _) => {
                    super::revisions::cancel_pending(tx, r.id)?;
                }
                (ItemChange::Expire, Some(item)) => {
                    items::take_down(tx, item, items::Gone::Expired)?;
                }
                _ => {}
            }
            (r.id, r.requester_id, topic, r.unit_id)
        }
    };
    let item_id: Option<i64> =
        tx.query_row("SELECT item_id FROM requests WHERE id = ?1", [id], |r| r.get(0))?;
    // A published amendment replaces the item's earlier requests (published or withdrawn) —
    // once it is online; a scheduled one does so when it goes live.
    let pending_at = match plan.effects.item {
        ItemChange::Revise => super::revisions::pending_of_request(tx, id)?,
        _ => None,
    };
    let superseded: Vec<i64> = match (plan.effects.item, item_id) {
        (ItemChange::Revise, Some(item)) if pending_at.is_none() => supersede(tx, item, id)?,
        _ => Vec::new(),
    };
    for line in &plan.effects.audit {
        let objects = match (line.subject, item_id) {
            (Subject::Item, Some(item)) => vec![format!("item/{item}")],
            (Subject::Superseded, _) => superseded.iter().map(|s| format!("request/{s}")).collect(),
            _ => vec![format!("request/{id}")],
        };
        let detail = match &line.detail {
            Detail::None if line.subject == Subject::Superseded => format!("request/{id}"),
            Detail::None => String::new(),
            Detail::Topic => topic.clone(),
            Detail::Text(t) => t.clone(),
        };
        for object in objects {
            audit::append(tx, rec.who, line.action, &object, &detail)?;
        }
    }
    let public = item_id.map(paths::item).unwrap_or_default();
    // A publication dated later: the notice says when it goes live.
    let starts = match (plan.effects.item, item_id) {
        (ItemChange::Create, Some(item)) => {
            Some(
                tx.query_row("SELECT published_at FROM items WHERE id = ?1", [item], |r| r.get::<_, i64>(0))?,
            )
        }
        (ItemChange::Revise, _) => pending_at,
        _ => None,
    };
    let scheduled = starts
        .filter(|&at| at > crate::thai::now().as_second())
        .and_then(|at| jiff::Timestamp::from_second(at).ok())
        .map(|ts| crate::thai::date_long(crate::thai::date_of(ts), crate::thai::Digits::Arabic));
    for notice in &plan.effects.notices {
        let recipients = match notice.to {
            Recipients::Requester => vec![requester_id],
            Recipients::Role(role) => super::users::with_role(tx, role)?.into_iter().map(|u| u.id).collect(),
            Recipients::UnitApprovers => {
                super::units::approvers_for(tx, requester_id, unit_id, crate::thai::today())?
                    .into_iter()
                    .map(|a| a.user_id)
                    .collect()
            }
        };
        let text = notice.kind.text(&topic, transition::reason(plan), scheduled.as_deref());
        let link = match notice.link {
            Link::Item if !public.is_empty() => public.clone(),
            _ => paths::staff_request(id),
        };
        for user in recipients.into_iter().filter(|&u| u != rec.actor_id) {
            notifications::add(tx, user, &text, &link)?;
        }
    }
    if took_down && let Some(item) = item_id {
        cancel_pending_amendments(tx, item, transition::reason(plan), &rec)?;
    }
    Ok(id)
}

/// The live item `item_id` was withdrawn: an amendment of it published with a later date and
/// still waiting for it must not put the item back online on that date. Each one is cancelled
/// through the workflow ([`Action::CancelPending`](crate::workflow::state::Action)), in the
/// caller's transaction: its pending revision is dropped, its request ends withdrawn, the trail
/// records it under the person who withdrew the item, and its requester is told why.
fn cancel_pending_amendments(
    tx: &Connection,
    item_id: i64,
    reason: &str,
    rec: &Record<'_>,
) -> Result<(), NotRecorded> {
    use crate::workflow::state::{Action, Actor};
    use crate::workflow::transition::{Transition, plan};
    let reason = if reason.trim().is_empty() {
        "ถอนการเผยแพร่ข้อมูล"
    } else {
        reason
    };
    for request_id in super::revisions::pending_requests_of_item(tx, item_id)? {
        let Some(r) = get(tx, request_id)? else { continue };
        let action = Action::CancelPending { reason: reason.to_owned() };
        let Ok(p) = plan(&Transition::Act(action), Some(&r.facts()), &Actor::system()) else {
            // Not in a state the workflow cancels from: still, it must never go live.
            super::revisions::cancel_pending(tx, request_id)?;
            continue;
        };
        let cascade = Record {
            who: rec.who,
            actor_id: rec.actor_id,
            edit: None,
            item: None,
            amendment: None,
            tag_year: None,
        };
        match record_in(tx, Target::Existing(&r), &p, cascade) {
            Ok(_) | Err(NotRecorded::OpenAmendment(_) | NotRecorded::ItemExpired) => {}
            Err(NotRecorded::Stale) => {
                super::revisions::cancel_pending(tx, request_id)?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Marks the item's earlier requests (published or withdrawn) superseded by request `by`;
/// returns their ids.
fn supersede(tx: &Connection, item_id: i64, by: i64) -> StoreResult<Vec<i64>> {
    Ok(tx
        .prepare(
            "UPDATE requests SET state = 'superseded', updated_at = ?3
             WHERE item_id = ?1 AND id <> ?2 AND state IN ('published', 'withdrawn') RETURNING id",
        )?
        .query_map((item_id, by, now_unix()), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The tags a published amendment brings: with a fiscal year, they replace that year's tags;
/// without one, they are added.
fn apply_tags(
    tx: &Connection,
    item_id: i64,
    tags: &[NewTag],
    change: Option<&super::revisions::TagChange>,
    by: Option<i64>,
) -> StoreResult<()> {
    match change {
        Some(c) => {
            super::compliance::replace_year_tags(tx, item_id, c.fiscal_year, &c.tags, by)?;
        }
        None => super::compliance::add_tags(tx, item_id, tags, by)?,
    }
    Ok(())
}

/// Puts online every pending revision whose time has come (an amendment published with a
/// later date), each in its own transaction: the item takes the revision's content, files and
/// tags at the same address, the earlier requests are superseded, the trail says so and the
/// requester is told. Returns how many went live.
pub fn apply_due_revisions(conn: &mut Connection, now: i64, today: Date) -> StoreResult<usize> {
    let due = super::revisions::due(conn, now, today)?;
    let system = Who::scheduler();
    for d in &due {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        items::revise_in(&tx, d.item_id, &d.item)?;
        apply_tags(&tx, d.item_id, &[], d.tags.as_ref(), None)?;
        super::revisions::mark_applied(&tx, d.id)?;
        let object = format!("item/{}", d.item_id);
        let by = d.item.request_id.map(|r| format!("request/{r}")).unwrap_or_default();
        audit::append(&tx, &system, AuditAction::ItemRevise, &object, &by)?;
        if let Some(request_id) = d.item.request_id {
            for old in supersede(&tx, d.item_id, request_id)? {
                audit::append(&tx, &system, AuditAction::RequestSupersede, &format!("request/{old}"), &by)?;
            }
            if let Some(r) = get(&tx, request_id)? {
                let text =
                    format!("ฉบับแก้ไข \"{}\" ที่กำหนดไว้ เผยแพร่แล้วที่ {}", r.fields.topic, paths::item(d.item_id));
                notifications::add(&tx, r.requester_id, &text, &paths::item(d.item_id))?;
            }
        }
        tx.commit()?;
    }
    Ok(due.len())
}

/// Takes down every published item whose end date has passed (seed 4.2), in one transaction:
/// an item with a published request goes through the workflow's `Expire` transition (the
/// request follows, the trail records both, the requester is told); an item without one
/// (demo or imported content) comes down with its own audit line. Returns how many came down.
pub fn expire_due(conn: &mut Connection, today: Date) -> StoreResult<usize> {
    use crate::workflow::state::{Action, Actor};
    use crate::workflow::transition::{Transition, plan};
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let system = Who::scheduler();
    let due = items::due_for_expiry(&tx, today)?;
    for (item_id, request_id) in &due {
        // An amendment still waiting for its date never goes live on an expired item: it is
        // cancelled, and its request expires with the item (the requester is told).
        for pending in super::revisions::cancel_pending_of_item(&tx, *item_id)? {
            if let Some(r) = get(&tx, pending)?
                && let Ok(p) = plan(&Transition::Act(Action::Expire), Some(&r.facts()), &Actor::system())
            {
                let rec = Record {
                    who: &system,
                    actor_id: Actor::SYSTEM_USER_ID,
                    edit: None,
                    item: None,
                    amendment: None,
                    tag_year: None,
                };
                match record_in(&tx, Target::Existing(&r), &p, rec) {
                    Ok(_)
                    | Err(NotRecorded::Stale | NotRecorded::OpenAmendment(_) | NotRecorded::ItemExpired) => {}
                    Err(NotRecorded::Store(e)) => return Err(e),
                }
            }
        }
        let request = request_id.map(|id| get(&tx, id)).transpose()?.flatten();
        let planned = request.as_ref().and_then(|r| {
            plan(&Transition::Act(Action::Expire), Some(&r.facts()), &Actor::system()).ok().map(|p| (r, p))
        });
        match planned {
            Some((r, p)) if r.item_id == Some(*item_id) => {
                let rec = Record {
                    who: &system,
                    actor_id: Actor::SYSTEM_USER_ID,
                    edit: None,
                    item: None,
                    amendment: None,
                    tag_year: None,
                };
                match record_in(&tx, Target::Existing(r), &p, rec) {
                    Ok(_)
                    | Err(NotRecorded::Stale | NotRecorded::OpenAmendment(_) | NotRecorded::ItemExpired) => {}
                    Err(NotRecorded::Store(e)) => return Err(e),
                }
            }
            // No request, or one the workflow does not move (it is not `published` any more):
            // the item still comes down at its end date.
            _ => {
                items::take_down(&tx, *item_id, items::Gone::Expired)?;
                audit::append(&tx, &system, AuditAction::ItemExpire, &format!("item/{item_id}"), "")?;
            }
        }
    }
    tx.commit()?;
    Ok(due.len())
}

/// Ties request `id` and item `item_id` together (content published before its request was
/// recorded, as in the demo or an import).
pub fn link_item(conn: &Connection, id: i64, item_id: i64) -> StoreResult<()> {
    conn.execute("UPDATE requests SET item_id = ?2 WHERE id = ?1", (id, item_id))?;
    conn.execute("UPDATE items SET request_id = ?1 WHERE id = ?2", (id, item_id))?;
    Ok(())
}

/// A request with its files.
pub fn get(conn: &Connection, id: i64) -> StoreResult<Option<Request>> {
    let found = conn
        .prepare_cached(&format!("{SELECT} WHERE requests.id = ?1"))?
        .query_row([id], request_from_row)
        .optional()?;
    match found {
        Some(mut r) => {
            r.files = files_of(conn, id)?;
            r.approvers = super::units::approvers_for(conn, r.requester_id, r.unit_id, crate::thai::today())?;
            Ok(Some(r))
        }
        None => Ok(None),
    }
}

/// The request a file belongs to, with its files.
pub fn with_file(conn: &Connection, file_id: i64) -> StoreResult<Option<Request>> {
    let request_id: Option<i64> = conn
        .query_row("SELECT request_id FROM request_files WHERE id = ?1", [file_id], |r| r.get(0))
        .optional()?;
    match request_id {
        Some(id) => get(conn, id),
        None => Ok(None),
    }
}

/// Requests made by `user_id`, most recently changed first (without files).
pub fn by_requester(conn: &Connection, user_id: i64) -> StoreResult<Vec<Request>> {
    let rows = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE requester_id = ?1 ORDER BY updated_at DESC, requests.id DESC"
        ))?
        .query_map([user_id], request_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Requests in any of `states`, oldest change first (a queue), without files.
pub fn in_states(conn: &Connection, states: &[State]) -> StoreResult<Vec<Request>> {
    let marks = vec!["?"; states.len()].join(", ");
    let sql = format!("{SELECT} WHERE state IN ({marks}) ORDER BY updated_at, requests.id");
    let rows = conn
        .prepare(&sql)?
        .query_map(rusqlite::params_from_iter(states.iter().map(|s| s.as_str())), request_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The requests routed to `user_id` for a decision today: submitted ones to approve, and
/// published ones whose verbal approval waits for confirmation (oldest change first, with
/// their approvers, without files).
pub fn awaiting(conn: &Connection, user_id: i64, today: Date) -> StoreResult<(Vec<Request>, Vec<Request>)> {
    let routed = |list: Vec<Request>| -> StoreResult<Vec<Request>> {
        let mut out = Vec::new();
        for mut r in list {
            r.approvers = super::units::approvers_for(conn, r.requester_id, r.unit_id, today)?;
            if r.approvers.iter().any(|a| a.user_id == user_id) {
                out.push(r);
            }
        }
        Ok(out)
    };
    let submitted = routed(in_states(conn, &[State::Submitted])?)?;
    let verbal = routed(verbal_pending(conn)?)?;
    Ok((submitted, verbal))
}

/// Published requests still waiting for the approver to confirm a verbal approval.
pub fn verbal_pending(conn: &Connection) -> StoreResult<Vec<Request>> {
    let rows = conn
        .prepare_cached(&format!("{SELECT} WHERE verbal_pending = 1 ORDER BY updated_at, requests.id"))?
        .query_map([], request_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Whether item `item_id` is down as expired, or past its end date (Bangkok time) and about
/// to be taken down.
pub fn expired(conn: &Connection, item_id: i64) -> StoreResult<bool> {
    let today = crate::thai::today().to_string();
    Ok(conn
        .query_row(
            "SELECT state = 'expired' OR (state = 'published' AND expires_on IS NOT NULL AND expires_on < ?2)
             FROM items WHERE id = ?1",
            (item_id, today),
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

/// The amendment of item `item_id` under way (draft, submitted or approved, or published
/// with a later date and not online yet), if any.
pub fn open_amendment(conn: &Connection, item_id: i64) -> StoreResult<Option<i64>> {
    let open = conn
        .query_row(
            "SELECT r.id FROM requests r JOIN amendments a ON a.request_id = r.id
             WHERE a.amended_item = ?1 AND r.state IN ('draft', 'submitted', 'approved')
             ORDER BY r.id LIMIT 1",
            [item_id],
            |r| r.get(0),
        )
        .optional()?;
    match open {
        Some(id) => Ok(Some(id)),
        None => super::revisions::pending_of_item(conn, item_id),
    }
}

/// The request an item currently stands on (the last published one), with its files.
pub fn current_of_item(conn: &Connection, item_id: i64) -> StoreResult<Option<Request>> {
    let id: Option<i64> = conn
        .query_row("SELECT request_id FROM items WHERE id = ?1", [item_id], |r| r.get(0))
        .optional()?
        .flatten();
    match id {
        Some(id) => get(conn, id),
        None => Ok(None),
    }
}

/// Amendments of item `item_id`, newest first (without files).
pub fn amendments_of(conn: &Connection, item_id: i64) -> StoreResult<Vec<Request>> {
    let rows = conn
        .prepare_cached(&format!("{SELECT} WHERE a.amended_item = ?1 ORDER BY requests.id DESC"))?
        .query_map([item_id], request_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The names kept with a revision: the requester, the approver (from the request's trail, or
/// the verbal approval) and the web master publishing it now.
fn people(tx: &Connection, r: &Request, publisher: &Who) -> StoreResult<super::revisions::People> {
    let approver: Option<String> = tx
        .query_row(
            "SELECT u.name FROM audit a JOIN users u ON u.id = a.user_id
             WHERE a.object = ?1 AND a.action = ?2 ORDER BY a.id DESC LIMIT 1",
            (format!("request/{}", r.id), AuditAction::RequestApprove.as_str()),
            |row| row.get(0),
        )
        .optional()?;
    let publisher: Option<String> = match publisher.user_id {
        Some(id) => {
            tx.query_row("SELECT name FROM users WHERE id = ?1", [id], |row| row.get(0)).optional()?
        }
        None => None,
    };
    Ok(super::revisions::People {
        requested_by: r.fields.requester_name.clone(),
        approved_by: approver.unwrap_or_else(|| match &r.verbal_by {
            Some(by) => format!("{by} (อนุมัติด้วยวาจา)"),
            None => String::new(),
        }),
        published_by: publisher.unwrap_or_default(),
    })
}

/// Records an item with no revision yet (published before revisions were kept) as revision 1.
fn snapshot(tx: &Connection, item_id: i64) -> StoreResult<()> {
    let Some((item, files, _)) = items::by_id(tx, item_id)? else { return Ok(()) };
    let as_new = NewItem {
        category: item.category,
        title: item.title,
        summary: item.summary,
        body: item.body,
        source: item.source,
        link: item.link,
        period_from: item.period_from,
        period_to: item.period_to,
        timeless: item.timeless,
        published_at: jiff::Timestamp::from_second(item.published_at).unwrap_or_default(),
        expires_on: item.expires_on,
        attachments: files
            .into_iter()
            .map(|f| NewAttachment {
                file_name: f.file_name,
                kind: f.kind,
                blob: super::blobs::StoredBlob { sha256: f.sha256, size: f.size },
                alt: f.alt,
            })
            .collect(),
        request_id: None,
    };
    super::revisions::add_in(tx, item_id, &as_new, "", &super::revisions::People::default())?;
    Ok(())
}

/// Published requests whose item (or, for an amendment, whose revision) goes live after
/// `now` (Unix seconds): (request id, start).
pub fn scheduled(conn: &Connection, now: i64) -> StoreResult<Vec<(i64, i64)>> {
    let rows = conn
        .prepare_cached(
            "SELECT r.id, i.published_at FROM requests r JOIN items i ON i.id = r.item_id
             WHERE r.state = 'published' AND i.state = 'published' AND i.published_at > ?1
               AND NOT EXISTS (SELECT 1 FROM amendments a WHERE a.request_id = r.id)
             UNION ALL
             SELECT v.request_id, v.published_at FROM item_revisions v
             WHERE v.pending = 1 AND v.published_at > ?1 AND v.request_id IS NOT NULL",
        )?
        .query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
