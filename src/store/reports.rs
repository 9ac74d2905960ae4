//! Evidence reports read from the requests and the audit trail: the yearly report of web
//! publication (MOIT 1) and the quarterly summary.

use std::collections::HashMap;

use jiff::civil::Date;
use rusqlite::Connection;

use super::StoreResult;
use super::audit::{self, Entry};
use super::requests::{self, Request};
use super::users::{self, User};
use crate::workflow::audit::AuditAction;

/// Unix seconds at the start of day `d`, Bangkok time.
pub fn day_start(d: Date) -> i64 {
    d.to_datetime(jiff::civil::Time::midnight())
        .to_zoned_datetime(crate::thai::bangkok())
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
}

/// Someone's act on a request: who, when, and what they wrote.
#[derive(Debug, Clone)]
pub struct Act {
    /// Unix seconds.
    pub at: i64,
    /// Their account, if still known.
    pub by: Option<User>,
    /// The reason or note given.
    pub detail: String,
}

/// One line of the publication report.
#[derive(Debug, Clone)]
pub struct LogRow {
    /// The request.
    pub request: Request,
    /// When it was (last) submitted.
    pub submitted: Option<Act>,
    /// The approval (in the system, or a confirmation of a verbal one).
    pub approved: Option<Act>,
    /// The latest rejection, with its reason.
    pub rejected: Option<Act>,
    /// The publication by a web master.
    pub published: Option<Act>,
    /// A withdrawal, with its reason.
    pub withdrawn: Option<Act>,
}

impl LogRow {
    /// The decision in Thai: อนุมัติ, อนุมัติด้วยวาจา, ไม่อนุมัติ, รอพิจารณา.
    pub fn decision_th(&self) -> &'static str {
        match (&self.approved, &self.rejected, self.request.verbal_by.is_some()) {
            (Some(_), _, _) => "อนุมัติ",
            (None, _, true) => "อนุมัติด้วยวาจา (รอยืนยัน)",
            (None, Some(_), false) => "ไม่อนุมัติ",
            (None, None, false) => "รอพิจารณา",
        }
    }
}

fn act(e: &Entry, people: &HashMap<i64, User>) -> Act {
    Act { at: e.at, by: e.user_id.and_then(|id| people.get(&id).cloned()), detail: e.detail.clone() }
}

/// Every request (drafts aside) whose request date falls in `from..=to`, oldest first, with
/// the acts recorded for it in the audit trail.
pub fn publication_log(conn: &Connection, from: Date, to: Date) -> StoreResult<Vec<LogRow>> {
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT id FROM requests WHERE state <> 'draft' AND request_date >= ?1 AND request_date <= ?2
             ORDER BY request_date, fiscal_year, seq",
        )?
        .query_map((from.to_string(), to.to_string()), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut people: HashMap<i64, User> = HashMap::new();
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(request) = requests::get(conn, id)? else { continue };
        let history = audit::list(
            conn,
            &audit::Filter { object: Some(format!("request/{id}")), ..Default::default() },
        )?;
        for uid in history.iter().filter_map(|e| e.user_id) {
            if let std::collections::hash_map::Entry::Vacant(slot) = people.entry(uid)
                && let Some(u) = users::by_id(conn, uid)?
            {
                slot.insert(u);
            }
        }
        let last = |names: &[AuditAction]| {
            history.iter().rev().find(|e| names.contains(&e.action)).map(|e| act(e, &people))
        };
        rows.push(LogRow {
            submitted: last(&[AuditAction::RequestSubmit]),
            approved: last(&[AuditAction::RequestApprove, AuditAction::RequestConfirmVerbal]),
            rejected: last(&[AuditAction::RequestReject]),
            published: last(&[AuditAction::RequestPublish, AuditAction::RequestPublishVerbal]),
            withdrawn: last(&[AuditAction::RequestWithdraw]),
            request,
        });
    }
    Ok(rows)
}

/// A rejection in the quarter.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// The request's reference number.
    pub reference: String,
    /// Its topic.
    pub topic: String,
    /// The reason given.
    pub reason: String,
    /// Unix seconds.
    pub at: i64,
}

/// An item that came down in the quarter.
#[derive(Debug, Clone)]
pub struct TakenDown {
    /// Item id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// `withdrawn` or `expired`.
    pub how: String,
    /// The day it came down.
    pub on: Date,
}

/// What happened in a period: the quarterly summary.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Requests submitted (each submission counted).
    pub submitted: u64,
    /// Approvals, in the system or verbal.
    pub approved: u64,
    /// Rejections with their reasons.
    pub rejected: Vec<Rejection>,
    /// Items published, per area slug.
    pub published_by_area: Vec<(String, u64)>,
    /// Items taken down.
    pub taken_down: Vec<TakenDown>,
}

/// The summary of `from..=to` as known on `today` (items expiring after today are not down yet).
pub fn summary(conn: &Connection, from: Date, to: Date, today: Date) -> StoreResult<Summary> {
    let (start, end) = (day_start(from), day_start(to.tomorrow().unwrap_or(to)));
    let count = |actions: &str| -> StoreResult<u64> {
        let sql = format!("SELECT count(*) FROM audit WHERE action IN ({actions}) AND at >= ?1 AND at < ?2");
        Ok(conn.query_row(&sql, (start, end), |r| r.get::<_, i64>(0))? as u64)
    };
    let submitted = count("'request.submit'")?;
    let approved = count("'request.approve', 'request.publish_verbal'")?;
    let rejected = conn
        .prepare_cached(
            "SELECT r.fiscal_year, r.seq, r.topic, a.detail, a.at FROM audit a
             JOIN requests r ON a.object = 'request/' || r.id
             WHERE a.action = 'request.reject' AND a.at >= ?1 AND a.at < ?2 ORDER BY a.at",
        )?
        .query_map((start, end), |r| {
            Ok(Rejection {
                reference: format!("{}/{:04}", r.get::<_, i32>(0)?, r.get::<_, i64>(1)?),
                topic: r.get(2)?,
                reason: r.get(3)?,
                at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut by_area: Vec<(String, u64)> = Vec::new();
    let cats = conn
        .prepare_cached("SELECT category FROM items WHERE published_at >= ?1 AND published_at < ?2")?
        .query_map((start, end), |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for cat in cats {
        let area = cat.split('/').next().unwrap_or_default().to_owned();
        match by_area.iter_mut().find(|(a, _)| *a == area) {
            Some((_, n)) => *n += 1,
            None => by_area.push((area, 1)),
        }
    }
    by_area.sort_by_key(|(a, _)| crate::categories::AREAS.iter().position(|x| x.slug == a).unwrap_or(99));
    let last_down = today.yesterday().unwrap_or(today).min(to);
    let taken_down = conn
        .prepare_cached(
            "SELECT id, title, state, updated_at, expires_on FROM items
             WHERE (state = 'withdrawn' AND updated_at >= ?1 AND updated_at < ?2)
                OR (state <> 'withdrawn' AND expires_on >= ?3 AND expires_on <= ?4)
             ORDER BY coalesce(expires_on, ''), id",
        )?
        .query_map((start, end, from.to_string(), last_down.to_string()), |r| {
            let state: String = r.get(2)?;
            let updated: i64 = r.get(3)?;
            let expires: Option<String> = r.get(4)?;
            let on = if state == "withdrawn" {
                crate::thai::date_of(jiff::Timestamp::from_second(updated).unwrap_or_default())
            } else {
                expires.and_then(|e| e.parse::<Date>().ok()).and_then(|d| d.tomorrow().ok()).unwrap_or(from)
            };
            Ok(TakenDown {
                id: r.get(0)?,
                title: r.get(1)?,
                how: if state == "withdrawn" { "withdrawn".into() } else { "expired".into() },
                on,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Summary { submitted, approved, rejected, published_by_area: by_area, taken_down })
}
