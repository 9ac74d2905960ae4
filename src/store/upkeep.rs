//! Upkeep of the data directory: which stored files have a row (for the sweep of crash
//! leftovers), the record of restore drills, row counts for backups, and carrying the traffic-log
//! day book and the backup record over a restore (a backup deliberately leaves the logs out, so
//! their seals must come from the live database, not from the backup's).

use std::collections::{BTreeMap, HashSet};

use rusqlite::{Connection, OptionalExtension as _};

use super::{StoreResult, now_unix};

/// The sha256 of every stored file the database knows.
pub fn known_blobs(conn: &Connection) -> StoreResult<HashSet<String>> {
    let mut stmt = conn.prepare("SELECT sha256 FROM blobs")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<HashSet<String>>>()?)
}

/// The number of rows of every table (for a backup's manifest and the restore drill's check).
pub fn row_counts(conn: &Connection) -> StoreResult<BTreeMap<String, i64>> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = BTreeMap::new();
    for table in tables {
        // Names come from sqlite_master, quoted as identifiers.
        let n: i64 =
            conn.query_row(&format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\"")), [], |r| {
                r.get(0)
            })?;
        out.insert(table, n);
    }
    Ok(out)
}

/// One restore drill.
#[derive(Debug, Clone)]
pub struct Drill {
    /// Unix seconds.
    pub at: i64,
    /// Whether the backup restored and passed every check.
    pub ok: bool,
    /// Which backup (file name).
    pub backup: String,
    /// What was checked, or why it failed.
    pub detail: String,
}

/// Records a restore drill.
pub fn record_drill(conn: &Connection, ok: bool, backup: &str, detail: &str) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO restore_drills (at, ok, backup, detail) VALUES (?1, ?2, ?3, ?4)",
        (now_unix(), ok, backup, detail),
    )?;
    Ok(())
}

/// The latest restore drill.
pub fn last_drill(conn: &Connection) -> StoreResult<Option<Drill>> {
    Ok(conn
        .query_row("SELECT at, ok, backup, detail FROM restore_drills ORDER BY id DESC LIMIT 1", [], |r| {
            Ok(Drill { at: r.get(0)?, ok: r.get(1)?, backup: r.get(2)?, detail: r.get(3)? })
        })
        .optional()?)
}

/// Copies what a restore must not take from the backup — the traffic-log day book (chain
/// starts, seals, checkpoints, verifications), the backup runs and restore drills — from `old`
/// (the live database) into `new` (the restored one), replacing the backup's older copy.
/// Returns the number of log days carried.
pub fn carry_over(old: &Connection, new: &mut Connection) -> StoreResult<usize> {
    type DayRow = (String, String, Option<String>, Option<i64>, Option<i64>, Option<i64>);
    let has_heads = old.prepare("SELECT head_hash, head_lines, head_at FROM log_days LIMIT 0").is_ok();
    let days: Vec<DayRow> = old
        .prepare("SELECT day, first_prev, final_hash, lines, sealed_at, purged_at FROM log_days")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    type Head = (String, Option<String>, Option<i64>, Option<i64>);
    let heads: Vec<Head> = if has_heads {
        old.prepare("SELECT day, head_hash, head_lines, head_at FROM log_days")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?
    } else {
        Vec::new()
    };
    let verifications: Vec<(i64, String)> = old
        .prepare("SELECT at, summary FROM log_verifications ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let runs: Vec<(i64, bool, String, String)> = old
        .prepare("SELECT at, ok, path, message FROM backup_runs ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let drills: Vec<(i64, bool, String, String)> =
        match old.prepare("SELECT at, ok, backup, detail FROM restore_drills ORDER BY id") {
            Ok(mut stmt) => stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?,
            Err(_) => Vec::new(),
        };
    let tx = new.transaction()?;
    tx.execute_batch(
        "DELETE FROM log_days; DELETE FROM log_verifications; DELETE FROM backup_runs; DELETE FROM restore_drills;",
    )?;
    for d in &days {
        tx.execute(
            "INSERT INTO log_days (day, first_prev, final_hash, lines, sealed_at, purged_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (&d.0, &d.1, &d.2, d.3, d.4, d.5),
        )?;
    }
    for h in &heads {
        tx.execute(
            "UPDATE log_days SET head_hash = ?2, head_lines = ?3, head_at = ?4 WHERE day = ?1",
            (&h.0, &h.1, h.2, h.3),
        )?;
    }
    for v in &verifications {
        tx.execute("INSERT INTO log_verifications (at, summary) VALUES (?1, ?2)", (v.0, &v.1))?;
    }
    for r in &runs {
        tx.execute(
            "INSERT INTO backup_runs (at, ok, path, message) VALUES (?1, ?2, ?3, ?4)",
            (r.0, r.1, &r.2, &r.3),
        )?;
    }
    for r in &drills {
        tx.execute(
            "INSERT INTO restore_drills (at, ok, backup, detail) VALUES (?1, ?2, ?3, ?4)",
            (r.0, r.1, &r.2, &r.3),
        )?;
    }
    tx.commit()?;
    Ok(days.len())
}

/// Takes a consistent copy of the live database at `db_path` into `snapshot` (`VACUUM INTO`,
/// safe while the server writes) and returns the copy's schema version and row counts.
pub fn snapshot(
    db_path: &std::path::Path,
    snapshot: &std::path::Path,
) -> StoreResult<(i64, BTreeMap<String, i64>)> {
    let conn = Connection::open(db_path)?;
    conn.execute("VACUUM INTO ?1", [snapshot.to_string_lossy()])?;
    let copy = Connection::open(snapshot)?;
    let rows = row_counts(&copy)?;
    Ok((user_version(&copy)?, rows))
}

/// Opens a database file read-only; it is never created.
pub fn open_read_only(path: &std::path::Path) -> StoreResult<Connection> {
    Ok(Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

/// `PRAGMA integrity_check`: `ok`, or the first problem.
pub fn integrity_check(conn: &Connection) -> StoreResult<String> {
    Ok(conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
}

/// The schema version a database was brought to.
pub fn user_version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Whether the database has Prakat's `items` table.
pub fn has_items_table(conn: &Connection) -> StoreResult<bool> {
    Ok(conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'items'", [], |r| r.get::<_, i64>(0))?
        == 1)
}

/// `PRAGMA quick_check(20)` of the database at `uri` (a `file:` URI, opened read-only, never
/// created), waiting up to five seconds for a busy database.
pub fn quick_check(uri: &str) -> StoreResult<Vec<String>> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(uri, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mut stmt = conn.prepare("PRAGMA quick_check(20)")?;
    let lines = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines)
}
