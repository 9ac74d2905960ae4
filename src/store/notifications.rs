//! The in-app inbox: a line for each event that concerns a person.

use rusqlite::Connection;

use super::{StoreResult, now_unix};

/// One notification.
#[derive(Debug, Clone)]
pub struct Notification {
    /// Row id.
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// Thai text.
    pub text: String,
    /// Where it leads.
    pub link: String,
    /// Whether it has been read.
    pub read: bool,
}

/// Adds a notification for `user_id`.
pub fn add(conn: &Connection, user_id: i64, text: &str, link: &str) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO notifications (user_id, at, text, link) VALUES (?1, ?2, ?3, ?4)")?
        .execute((user_id, now_unix(), text, link))?;
    Ok(())
}

/// Number of unread notifications.
pub fn unread_count(conn: &Connection, user_id: i64) -> StoreResult<u64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM notifications WHERE user_id = ?1 AND read_at IS NULL")?
        .query_row([user_id], |r| r.get::<_, i64>(0))? as u64)
}

/// The newest `limit` notifications of `user_id`.
pub fn recent(conn: &Connection, user_id: i64, limit: u32) -> StoreResult<Vec<Notification>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, at, text, link, read_at IS NOT NULL FROM notifications
             WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?
        .query_map((user_id, limit), |r| {
            Ok(Notification {
                id: r.get(0)?,
                at: r.get(1)?,
                text: r.get(2)?,
                link: r.get(3)?,
                read: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Marks every notification of `user_id` read.
pub fn mark_all_read(conn: &Connection, user_id: i64) -> StoreResult<()> {
    conn.execute(
        "UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL",
        (user_id, now_unix()),
    )?;
    Ok(())
}

/// A notification waiting to be e-mailed.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Notification id.
    pub id: i64,
    /// Recipient's address.
    pub email: String,
    /// Recipient's name.
    pub name: String,
    /// Thai text.
    pub text: String,
    /// Where it leads (a path on the site).
    pub link: String,
}

/// Notifications not yet e-mailed to people who have an address, oldest first; those that
/// failed `max_attempts` times are given up on.
pub fn unmailed(conn: &Connection, max_attempts: i64, limit: u32) -> StoreResult<Vec<Outgoing>> {
    let rows = conn
        .prepare_cached(
            "SELECT n.id, u.email, u.name, n.text, n.link FROM notifications n JOIN users u ON u.id = n.user_id
             WHERE n.emailed_at IS NULL AND u.email != '' AND u.active = 1 AND n.email_attempts < ?1
             ORDER BY n.id LIMIT ?2",
        )?
        .query_map((max_attempts, limit), |r| {
            Ok(Outgoing { id: r.get(0)?, email: r.get(1)?, name: r.get(2)?, text: r.get(3)?, link: r.get(4)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Records the outcome of mailing notification `id`.
pub fn mark_mailed(conn: &Connection, id: i64, sent: bool) -> StoreResult<()> {
    if sent {
        conn.execute("UPDATE notifications SET emailed_at = ?2 WHERE id = ?1", (id, now_unix()))?;
    } else {
        conn.execute("UPDATE notifications SET email_attempts = email_attempts + 1 WHERE id = ?1", [id])?;
    }
    Ok(())
}
