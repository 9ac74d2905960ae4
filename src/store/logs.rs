//! The traffic-log day book: for each day, where its hash chain starts, and, once the day is
//! closed, its final hash and line count (the seal). See [`crate::appliance::traffic`].

use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension as _};

use super::{StoreResult, now_unix};

/// A day of traffic log.
#[derive(Debug, Clone)]
pub struct Day {
    /// The date.
    pub day: Date,
    /// The `prev` of its first line.
    pub first_prev: String,
    /// The last line's hash, once sealed.
    pub final_hash: Option<String>,
    /// Number of lines, once sealed.
    pub lines: Option<i64>,
}

/// The hash the chain of `day` starts from: the final hash of the latest sealed day before it.
pub fn chain_start(conn: &Connection, day: Date) -> StoreResult<String> {
    Ok(conn
        .query_row(
            "SELECT final_hash FROM log_days WHERE day < ?1 AND final_hash IS NOT NULL ORDER BY day DESC LIMIT 1",
            [day.to_string()],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| crate::appliance::traffic::GENESIS.to_string()))
}

/// Records that `day` was opened with its chain starting at `first_prev`.
pub fn open_day(conn: &Connection, day: Date, first_prev: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO log_days (day, first_prev) VALUES (?1, ?2) ON CONFLICT (day) DO NOTHING",
        (day.to_string(), first_prev),
    )?;
    Ok(())
}

/// Seals a closed day with its final hash and line count.
pub fn seal(conn: &Connection, day: Date, final_hash: &str, lines: u64) -> StoreResult<()> {
    conn.execute(
        "UPDATE log_days SET final_hash = ?2, lines = ?3, sealed_at = ?4 WHERE day = ?1",
        (day.to_string(), final_hash, lines as i64, now_unix()),
    )?;
    Ok(())
}

/// Days before `day` that were opened but never sealed, in order.
pub fn unsealed_before(conn: &Connection, day: Date) -> StoreResult<Vec<Date>> {
    let rows = conn
        .prepare_cached("SELECT day FROM log_days WHERE day < ?1 AND final_hash IS NULL ORDER BY day")?
        .query_map([day.to_string()], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows.iter().filter_map(|d| d.parse().ok()).collect())
}

/// Where the chain of `day` starts, if the day was opened.
pub fn first_prev(conn: &Connection, day: Date) -> StoreResult<Option<String>> {
    Ok(conn
        .query_row("SELECT first_prev FROM log_days WHERE day = ?1", [day.to_string()], |r| r.get(0))
        .optional()?)
}

/// Days in `[from, to]` that have not been purged, in order.
pub fn days(conn: &Connection, from: Date, to: Date) -> StoreResult<Vec<Day>> {
    let rows = conn
        .prepare_cached(
            "SELECT day, first_prev, final_hash, lines FROM log_days
             WHERE day >= ?1 AND day <= ?2 AND purged_at IS NULL ORDER BY day",
        )?
        .query_map((from.to_string(), to.to_string()), |r| {
            let day: String = r.get(0)?;
            Ok((day, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<Vec<(String, String, Option<String>, Option<i64>)>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(day, first_prev, final_hash, lines)| {
            Some(Day { day: day.parse().ok()?, first_prev, final_hash, lines })
        })
        .collect())
}

/// Marks a day's file as purged by the retention rule (its seal stays).
pub fn mark_purged(conn: &Connection, day: Date) -> StoreResult<()> {
    conn.execute("UPDATE log_days SET purged_at = ?2 WHERE day = ?1", (day.to_string(), now_unix()))?;
    Ok(())
}

/// Remembers the outcome of the latest verification, for the admin page.
pub fn record_verification(conn: &Connection, summary: &str) -> StoreResult<()> {
    conn.execute("INSERT INTO log_verifications (at, summary) VALUES (?1, ?2)", (now_unix(), summary))?;
    Ok(())
}

/// Days kept (not purged), and the latest verification: (Unix seconds, summary).
pub fn summary(conn: &Connection) -> StoreResult<(u64, Option<(i64, String)>)> {
    let days: i64 =
        conn.query_row("SELECT count(*) FROM log_days WHERE purged_at IS NULL", [], |r| r.get(0))?;
    let last = conn
        .query_row("SELECT at, summary FROM log_verifications ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok((days as u64, last))
}

/// Checkpoints the head of the open day's chain: its last hash and line count so far, so that
/// lines cut from today's file (or the day re-hashed) are found before the day is sealed.
pub fn checkpoint(conn: &Connection, day: Date, head_hash: &str, lines: u64) -> StoreResult<()> {
    conn.execute(
        "UPDATE log_days SET head_hash = ?2, head_lines = ?3, head_at = ?4 WHERE day = ?1",
        (day.to_string(), head_hash, lines as i64, now_unix()),
    )?;
    Ok(())
}

/// The last checkpoint of `day`: (head hash, lines), if one was taken.
pub fn head(conn: &Connection, day: Date) -> StoreResult<Option<(String, u64)>> {
    Ok(conn
        .query_row(
            "SELECT head_hash, head_lines FROM log_days WHERE day = ?1 AND head_hash IS NOT NULL",
            [day.to_string()],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)),
        )
        .optional()?)
}
