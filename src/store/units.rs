//! The office's units (กลุ่มงาน), acting approvers (ปฏิบัติราชการแทน) and the routing of
//! requests that follows from them.
//!
//! A unit's heads are its active accounts holding the approver role; the director is any active
//! account holding the director role. [`approvers_for`] is the one place that says who decides
//! a request; the workflow only checks membership ([`RequestFacts::approvers`]).
//!
//! [`RequestFacts::approvers`]: crate::workflow::state::RequestFacts::approvers

use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension as _, Row};

use super::users::{self, User};
use super::{StoreResult, now_unix};
use crate::workflow::state::{Approver, Role};

/// A unit of the office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Row id.
    pub id: i64,
    /// Full Thai name, e.g. กลุ่มงานบริหารทั่วไป.
    pub name: String,
    /// Short name, e.g. บท.
    pub short_name: String,
}

fn unit_from_row(r: &Row) -> rusqlite::Result<Unit> {
    Ok(Unit { id: r.get(0)?, name: r.get(1)?, short_name: r.get(2)? })
}

/// Every unit, by name.
pub fn all(conn: &Connection) -> StoreResult<Vec<Unit>> {
    let rows = conn
        .prepare_cached("SELECT id, name, short_name FROM units ORDER BY name")?
        .query_map([], unit_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The unit with this id.
pub fn by_id(conn: &Connection, id: i64) -> StoreResult<Option<Unit>> {
    Ok(conn
        .prepare_cached("SELECT id, name, short_name FROM units WHERE id = ?1")?
        .query_row([id], unit_from_row)
        .optional()?)
}

/// Adds a unit; `None` if one has that name already.
pub fn insert(conn: &Connection, name: &str, short_name: &str) -> StoreResult<Option<i64>> {
    let n = conn.execute(
        "INSERT INTO units (name, short_name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING",
        (name.trim(), short_name.trim(), now_unix()),
    )?;
    Ok((n == 1).then(|| conn.last_insert_rowid()))
}

/// The id of the unit named `name`, adding it if there is none (accounts created with a unit
/// typed by name, at the console or the first-admin setup).
pub fn ensure(conn: &Connection, name: &str) -> StoreResult<i64> {
    if let Some(id) = insert(conn, name, "")? {
        return Ok(id);
    }
    Ok(conn.query_row("SELECT id FROM units WHERE name = ?1", [name.trim()], |r| r.get(0))?)
}

/// Renames a unit (its members' unit name follows); `false` if the name belongs to another unit
/// or the unit does not exist.
pub fn rename(conn: &Connection, id: i64, name: &str, short_name: &str) -> StoreResult<bool> {
    let taken: Option<i64> = conn
        .query_row("SELECT id FROM units WHERE name = ?1 AND id <> ?2", (name.trim(), id), |r| r.get(0))
        .optional()?;
    if taken.is_some() {
        return Ok(false);
    }
    let n = conn.execute(
        "UPDATE units SET name = ?2, short_name = ?3 WHERE id = ?1",
        (id, name.trim(), short_name.trim()),
    )?;
    conn.execute("UPDATE users SET unit = ?2 WHERE unit_id = ?1", (id, name.trim()))?;
    Ok(n == 1)
}

/// The heads of a unit: its active accounts holding the approver role.
pub fn heads(conn: &Connection, unit_id: i64) -> StoreResult<Vec<User>> {
    Ok(users::with_role(conn, Role::Approver)?.into_iter().filter(|u| u.unit_id == Some(unit_id)).collect())
}

/// A delegation: `to` decides in `from`'s place from `starts_on` to `ends_on` (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation {
    /// Row id.
    pub id: i64,
    /// The head or director stood in for.
    pub from_user: i64,
    /// Their name.
    pub from_name: String,
    /// The acting approver.
    pub to_user: i64,
    /// Their name.
    pub to_name: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// When it was ended early (Unix seconds).
    pub ended_at: Option<i64>,
}

impl Delegation {
    /// Whether it is in force on `day`.
    pub fn in_force(&self, day: Date) -> bool {
        self.ended_at.is_none() && self.starts_on <= day && day <= self.ends_on
    }
}

const DELEGATION: &str =
    "SELECT d.id, d.from_user, f.name, d.to_user, t.name, d.starts_on, d.ends_on, d.ended_at
     FROM delegations d JOIN users f ON f.id = d.from_user JOIN users t ON t.id = d.to_user";

fn delegation_from_row(r: &Row) -> rusqlite::Result<Delegation> {
    let day = |i: usize| -> rusqlite::Result<Date> {
        let text: String = r.get(i)?;
        text.parse().map_err(|e: jiff::Error| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
        })
    };
    Ok(Delegation {
        id: r.get(0)?,
        from_user: r.get(1)?,
        from_name: r.get(2)?,
        to_user: r.get(3)?,
        to_name: r.get(4)?,
        starts_on: day(5)?,
        ends_on: day(6)?,
        ended_at: r.get(7)?,
    })
}

/// Records a delegation; returns its id.
pub fn delegate(
    conn: &Connection,
    from_user: i64,
    to_user: i64,
    starts_on: Date,
    ends_on: Date,
    created_by: Option<i64>,
) -> StoreResult<i64> {
    conn.execute(
        "INSERT INTO delegations (from_user, to_user, starts_on, ends_on, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (from_user, to_user, starts_on.to_string(), ends_on.to_string(), created_by, now_unix()),
    )?;
    Ok(conn.last_insert_rowid())
}

/// Ends a delegation early; `false` if it was already ended or does not exist.
pub fn end_delegation(conn: &Connection, id: i64) -> StoreResult<bool> {
    let n = conn.execute(
        "UPDATE delegations SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL",
        (id, now_unix()),
    )?;
    Ok(n == 1)
}

/// The delegation with this id.
pub fn delegation(conn: &Connection, id: i64) -> StoreResult<Option<Delegation>> {
    Ok(conn
        .prepare_cached(&format!("{DELEGATION} WHERE d.id = ?1"))?
        .query_row([id], delegation_from_row)
        .optional()?)
}

/// Delegations that have not ended before `day` (current and planned), earliest first.
pub fn current_and_planned(conn: &Connection, day: Date) -> StoreResult<Vec<Delegation>> {
    let rows = conn
        .prepare_cached(&format!(
            "{DELEGATION} WHERE d.ended_at IS NULL AND d.ends_on >= ?1 ORDER BY d.starts_on, d.id"
        ))?
        .query_map([day.to_string()], delegation_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The complaints officers the director has named for corruption and misconduct cases.
pub fn corruption_officers(conn: &Connection) -> StoreResult<Vec<i64>> {
    let rows = conn
        .prepare_cached("SELECT user_id FROM corruption_officers ORDER BY user_id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(rows)
}

/// Replaces the named corruption officers with `ids`.
pub fn set_corruption_officers(conn: &Connection, ids: &[i64], named_by: i64) -> StoreResult<()> {
    conn.execute("DELETE FROM corruption_officers", [])?;
    for id in ids {
        conn.execute(
            "INSERT OR IGNORE INTO corruption_officers (user_id, named_by, named_at) VALUES (?1, ?2, ?3)",
            (id, named_by, now_unix()),
        )?;
    }
    Ok(())
}

/// Who decides, on `day`, a request of `requester_id` made in unit `unit_id` (the unit stored on
/// the request when it was made, so moving the requester later does not re-route it):
///
/// 1. the heads of that unit, unless the requester is a head themselves;
/// 2. otherwise (a head's own request, a unit without an active head, an account without a
///    unit) the director;
/// 3. when the office has no director either, every active approver, so an office that has not
///    set up its units keeps working;
///
/// and for each of them, the acting approvers whose delegation is in force on `day`. The
/// requester is never among them (nobody decides their own request).
pub fn approvers_for(
    conn: &Connection,
    requester_id: i64,
    unit_id: Option<i64>,
    day: Date,
) -> StoreResult<Vec<Approver>> {
    let requester = users::by_id(conn, requester_id)?;
    let is_head = requester.as_ref().is_some_and(|u| u.roles.contains(Role::Approver));
    let others =
        |list: Vec<User>| -> Vec<User> { list.into_iter().filter(|u| u.id != requester_id).collect() };
    let mut base = match unit_id {
        Some(unit) if !is_head => others(heads(conn, unit)?),
        _ => Vec::new(),
    };
    if base.is_empty() {
        base = others(users::with_role(conn, Role::Director)?);
    }
    if base.is_empty() {
        base = others(users::with_role(conn, Role::Approver)?);
    }
    let mut out: Vec<Approver> = base.iter().map(|u| Approver::own(u.id)).collect();
    let delegations = current_and_planned(conn, day)?;
    for d in delegations.iter().filter(|d| d.in_force(day)) {
        let routed = base.iter().any(|u| u.id == d.from_user);
        let known = out.iter().any(|a| a.user_id == d.to_user);
        if routed && !known && d.to_user != requester_id {
            let active = users::by_id(conn, d.to_user)?.is_some_and(|u| u.active);
            if active {
                out.push(Approver { user_id: d.to_user, acting_for: Some(d.from_name.clone()) });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::users::{NewUser, insert as add_user};
    use crate::workflow::state::Roles;
    use jiff::civil::date;

    fn user(c: &Connection, name: &str, unit: &str, roles: &str) -> i64 {
        let new = NewUser {
            username: name.into(),
            name: format!("คุณ{name}"),
            unit: unit.into(),
            roles: Roles::parse_list(roles).unwrap(),
            ..NewUser::default()
        };
        add_user(c, &new, "h").unwrap().unwrap()
    }

    /// The approvers of a request made today by `requester` in their unit of today.
    fn approvers_for(c: &Connection, requester: i64, day: Date) -> StoreResult<Vec<Approver>> {
        let unit = crate::store::users::by_id(c, requester)?.and_then(|u| u.unit_id);
        super::approvers_for(c, requester, unit, day)
    }

    fn ids(list: &[Approver]) -> Vec<i64> {
        let mut v: Vec<i64> = list.iter().map(|a| a.user_id).collect();
        v.sort();
        v
    }

    #[test]
    fn requests_go_to_their_units_heads_then_the_director_and_delegates() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .run_sync(|c| {
                let a_staff = user(c, "astaff", "กลุ่มงาน ก", "staff");
                let a_head = user(c, "ahead", "กลุ่มงาน ก", "staff,approver");
                let b_staff = user(c, "bstaff", "กลุ่มงาน ข", "staff");
                let b_head = user(c, "bhead", "กลุ่มงาน ข", "approver");
                let c_staff = user(c, "cstaff", "กลุ่มงาน ค", "staff");
                let boss = user(c, "boss", "สำนักงาน", "director");
                let day = date(2026, 12, 6);
                assert_eq!(ids(&approvers_for(c, a_staff, day)?), [a_head]);
                assert_eq!(ids(&approvers_for(c, b_staff, day)?), [b_head]);
                // A head's own request, and a unit without a head, go to the director.
                assert_eq!(ids(&approvers_for(c, a_head, day)?), [boss]);
                assert_eq!(ids(&approvers_for(c, c_staff, day)?), [boss]);
                // A disabled head is not available.
                crate::store::users::set_active(c, b_head, false)?;
                assert_eq!(ids(&approvers_for(c, b_staff, day)?), [boss]);
                // A delegation holds for its dates only, and is for the person stood in for.
                delegate(c, a_head, c_staff, date(2026, 12, 5), date(2026, 12, 7), None)?;
                let routed = approvers_for(c, a_staff, day)?;
                assert_eq!(ids(&routed), [a_head, c_staff]);
                assert_eq!(routed[1].acting_for.as_deref(), Some("คุณahead"));
                assert_eq!(ids(&approvers_for(c, a_staff, date(2026, 12, 8))?), [a_head]);
                assert_eq!(ids(&approvers_for(c, a_staff, date(2026, 12, 4))?), [a_head]);
                // The delegate's own request is not theirs to decide.
                assert!(!ids(&approvers_for(c, c_staff, day)?).contains(&c_staff));
                // Without a director, the office's approvers.
                crate::store::users::set_active(c, boss, false)?;
                assert_eq!(ids(&approvers_for(c, c_staff, day)?), [a_head]);
                // Units were made from the names; renaming carries the members along.
                assert_eq!(all(c)?.len(), 4);
                let unit = crate::store::users::by_id(c, a_staff)?.unwrap().unit_id.unwrap();
                assert!(rename(c, unit, "กลุ่มงานส่งเสริมสุขภาพ", "สส.")?);
                assert!(!rename(c, unit, "กลุ่มงาน ข", "")?, "name taken");
                assert_eq!(crate::store::users::by_id(c, a_staff)?.unwrap().unit, "กลุ่มงานส่งเสริมสุขภาพ");
                Ok(())
            })
            .unwrap();
    }
}
