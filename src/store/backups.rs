//! The record of backup runs: when, whether it worked, where the zip went or why it failed.

use rusqlite::{Connection, OptionalExtension as _};

use super::{StoreResult, now_unix};

/// One backup run.
#[derive(Debug, Clone)]
pub struct Run {
    /// Unix seconds.
    pub at: i64,
    /// Whether a complete, verified zip was made.
    pub ok: bool,
    /// Where it went.
    pub path: String,
    /// Why it failed, or a short summary.
    pub message: String,
}

/// Records a run.
pub fn record(conn: &Connection, ok: bool, path: &str, message: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO backup_runs (at, ok, path, message) VALUES (?1, ?2, ?3, ?4)",
        (now_unix(), ok, path, message),
    )?;
    Ok(())
}

/// The latest run.
pub fn last(conn: &Connection) -> StoreResult<Option<Run>> {
    Ok(conn
        .query_row("SELECT at, ok, path, message FROM backup_runs ORDER BY id DESC LIMIT 1", [], |r| {
            Ok(Run { at: r.get(0)?, ok: r.get(1)?, path: r.get(2)?, message: r.get(3)? })
        })
        .optional()?)
}

/// Whether any run (successful or not) happened at or after `since` (Unix seconds).
pub fn ran_since(conn: &Connection, since: i64) -> StoreResult<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM backup_runs WHERE at >= ?1")?.exists([since])?)
}
