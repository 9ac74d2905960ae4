//! The scheduler's record of its jobs: when each last started and finished, how it ended, and
//! its last error (shown on `/admin/health`; used to catch up after the machine was off).

use rusqlite::{Connection, OptionalExtension as _, named_params};

use super::{StoreResult, now_unix};

/// What is known about one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    /// The job's name.
    pub name: String,
    /// What it does, in Thai.
    pub label: String,
    /// When it runs, in Thai.
    pub schedule: String,
    /// Unix seconds of the last start.
    pub started_at: i64,
    /// Unix seconds of the last end, if it ended.
    pub finished_at: Option<i64>,
    /// Whether the last run succeeded (`None` while running).
    pub ok: Option<bool>,
    /// What the last run did, in a few words.
    pub message: String,
    /// The last error, even if later runs succeeded; empty if none.
    pub last_error: String,
    /// Unix seconds of the last error.
    pub last_error_at: Option<i64>,
    /// Runs so far.
    pub runs: i64,
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JobRun> {
    Ok(JobRun {
        name: r.get("name")?,
        label: r.get("label")?,
        schedule: r.get("schedule")?,
        started_at: r.get("started_at")?,
        finished_at: r.get("finished_at")?,
        ok: r.get("ok")?,
        message: r.get("message")?,
        last_error: r.get("last_error")?,
        last_error_at: r.get("last_error_at")?,
        runs: r.get("runs")?,
    })
}

/// Records that job `name` (described by `label` and `schedule`) started at `at`.
pub fn started(conn: &Connection, name: &str, label: &str, schedule: &str, at: i64) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO jobs (name, label, schedule, started_at) VALUES (:name, :label, :schedule, :at)
         ON CONFLICT (name) DO UPDATE SET label = :label, schedule = :schedule, started_at = :at,
                                          finished_at = NULL, ok = NULL",
        named_params! {":name": name, ":label": label, ":schedule": schedule, ":at": at},
    )?;
    Ok(())
}

/// Records how job `name` ended: `Ok(message)` or `Err(error)`.
pub fn finished(conn: &Connection, name: &str, result: Result<&str, &str>) -> StoreResult<()> {
    let now = now_unix();
    let (ok, message) = match result {
        Ok(m) => (true, m),
        Err(e) => (false, e),
    };
    conn.execute(
        "UPDATE jobs SET finished_at = :now, ok = :ok, message = :message, runs = runs + 1,
                last_error = CASE WHEN :ok THEN last_error ELSE :message END,
                last_error_at = CASE WHEN :ok THEN last_error_at ELSE :now END
         WHERE name = :name",
        named_params! {":name": name, ":now": now, ":ok": ok, ":message": message},
    )?;
    Ok(())
}

/// Records a whole run of job `name` at once (start and end), for frequent jobs whose start is
/// not worth a write of its own.
pub fn record(
    conn: &Connection,
    name: &str,
    label: &str,
    schedule: &str,
    started_at: i64,
    result: Result<&str, &str>,
) -> StoreResult<()> {
    started(conn, name, label, schedule, started_at)?;
    finished(conn, name, result)
}

/// The record of job `name`, if it ever started.
pub fn get(conn: &Connection, name: &str) -> StoreResult<Option<JobRun>> {
    Ok(conn.prepare_cached("SELECT * FROM jobs WHERE name = ?1")?.query_row([name], from_row).optional()?)
}

/// Every job's record, by name.
pub fn all(conn: &Connection) -> StoreResult<Vec<JobRun>> {
    let rows = conn
        .prepare_cached("SELECT * FROM jobs ORDER BY name")?
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn runs_and_the_last_error_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .run_sync(|c| {
                assert_eq!(get(c, "expire")?, None);
                started(c, "expire", "นำข้อมูลลง", "ทุก 1 นาที", 100)?;
                assert_eq!(get(c, "expire")?.unwrap().ok, None, "running");
                finished(c, "expire", Err("ฐานข้อมูลไม่ว่าง"))?;
                started(c, "expire", "นำข้อมูลลง", "ทุก 1 นาที", 200)?;
                finished(c, "expire", Ok("นำลง 2 รายการ"))?;
                let run = get(c, "expire")?.unwrap();
                assert_eq!((run.started_at, run.ok, run.runs), (200, Some(true), 2));
                assert_eq!(run.message, "นำลง 2 รายการ");
                assert_eq!(run.last_error, "ฐานข้อมูลไม่ว่าง", "the last error stays visible");
                assert_eq!(all(c)?.len(), 1);
                Ok(())
            })
            .unwrap();
    }
}
