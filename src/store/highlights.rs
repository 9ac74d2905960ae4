//! Items pinned to the home page's highlight band by web masters (at most
//! [`crate::workflow::highlight::MAX_PINS`], each until an optional last day).

use jiff::civil::Date;
use rusqlite::Connection;

use super::StoreResult;
use super::items::{At, ItemSummary, VISIBLE};

/// A pinned item as the staff page lists it.
#[derive(Debug, Clone)]
pub struct Pin {
    /// The item.
    pub item_id: i64,
    /// Its title.
    pub title: String,
    /// Last day shown, if any.
    pub until: Option<Date>,
    /// Whether it shows on the home page now (published, and its last day not passed).
    pub showing: bool,
}

/// Every pin, newest first, showing or not.
pub fn all(conn: &Connection, at: At) -> StoreResult<Vec<Pin>> {
    let sql = format!(
        "SELECT h.item_id, i.title, h.until,
                ({VISIBLE} AND (h.until IS NULL OR h.until >= :today)) AS showing
         FROM highlights h CROSS JOIN items i ON i.id = h.item_id
         ORDER BY h.pinned_at DESC, h.item_id DESC"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::named_params! {":now": at.unix, ":today": at.today.to_string()}, |r| {
            let until: Option<String> = r.get(2)?;
            Ok(Pin {
                item_id: r.get(0)?,
                title: r.get(1)?,
                until: until.and_then(|u| u.parse().ok()),
                showing: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The pinned items the home page shows now, newest pin first.
pub fn showing(conn: &Connection, at: At) -> StoreResult<Vec<ItemSummary>> {
    let sql = format!(
        "SELECT i.id, i.category, i.title, i.summary, i.published_at,
                (SELECT group_concat(kind, ',') FROM
                    (SELECT kind FROM attachments WHERE item_id = i.id ORDER BY position))
         FROM highlights h CROSS JOIN items i ON i.id = h.item_id
         WHERE {VISIBLE} AND (h.until IS NULL OR h.until >= :today)
         ORDER BY h.pinned_at DESC, h.item_id DESC"
    );
    // CROSS JOIN keeps the pins as the outer loop (as in `all`): left to choose, SQLite walked
    // every visible item by date and looked each up among the three pins (70 ms at 100 000
    // items; the home page is made with this whenever its cached copy expires).
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::named_params! {":now": at.unix, ":today": at.today.to_string()}, |r| {
            super::items::summary_of(r, 5)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Forgets pins that no longer show (their last day passed or the item came down), so they
/// do not count against the limit; returns the items still pinned.
pub fn prune(conn: &Connection, at: At) -> StoreResult<Vec<i64>> {
    let pins = all(conn, at)?;
    for p in pins.iter().filter(|p| !p.showing) {
        conn.execute("DELETE FROM highlights WHERE item_id = ?1", [p.item_id])?;
    }
    Ok(pins.into_iter().filter(|p| p.showing).map(|p| p.item_id).collect())
}

/// Pins `item_id` until `until` (`by`: the web master; `None` for the demo content).
pub fn pin(conn: &Connection, item_id: i64, until: Option<Date>, by: Option<i64>) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO highlights (item_id, until, pinned_by, pinned_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (item_id) DO UPDATE SET until = ?2, pinned_by = ?3, pinned_at = ?4",
        (item_id, until.map(|d| d.to_string()), by, super::now_unix()),
    )?;
    Ok(())
}

/// Unpins `item_id`; `false` when it was not pinned.
pub fn unpin(conn: &Connection, item_id: i64) -> StoreResult<bool> {
    Ok(conn.execute("DELETE FROM highlights WHERE item_id = ?1", [item_id])? == 1)
}
