//! Self-cleaning after crashes. A `kill -9` or a power cut can leave behind an unfinished upload
//! (`files/tmp/.tmp…`), a partial backup zip (`backups/.tmp…`), a restore drill's or a restore's
//! scratch folder (`.drill-…`, `.DATA.restoring-…` beside the data directory), or a stored file
//! whose row never committed. [`sweep`] removes leftovers older than an hour, moves orphan stored
//! files to `quarantine/` first (deleted after 30 days, so a mistake can still be undone), and
//! writes every step to the audit trail. It runs at start and daily ([`sweep_job`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;

use crate::store::Store;
use crate::store::audit::{self, AuditAction, Who};

/// Leftovers younger than this may belong to work in progress and are left alone.
pub const LEFTOVER_AGE: Duration = Duration::from_secs(3600);
/// How long an orphan file waits in quarantine before it is deleted.
pub const QUARANTINE_FOR: Duration = Duration::from_secs(30 * 86_400);
/// How often the sweep runs after the one at start.
pub const EVERY: Duration = Duration::from_secs(86_400);

/// The quarantine folder of a data directory.
pub fn quarantine_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(crate::paths::data::QUARANTINE)
}

/// What one sweep did (paths relative to the data directory's parent or the data directory).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    /// Leftovers deleted: (path, bytes).
    pub removed: Vec<(PathBuf, u64)>,
    /// Orphan stored files moved to quarantine: (where it was, bytes).
    pub quarantined: Vec<(PathBuf, u64)>,
    /// Quarantined files deleted after their 30 days: (path, bytes).
    pub expired: Vec<(PathBuf, u64)>,
}

impl Swept {
    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.quarantined.is_empty() && self.expired.is_empty()
    }
}

fn older_than(path: &Path, age: Duration, now: SystemTime) -> bool {
    std::fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| now.duration_since(t).is_ok_and(|d| d >= age))
}

/// Bytes under `path` (a file or a folder).
fn bytes_of(path: &Path) -> u64 {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => super::health::size_of(path),
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

fn remove(path: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path)?.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
}

/// Entries of `dir` whose name starts with `prefix` (all when empty) and that are older than
/// `age`.
fn stale_in(dir: &Path, prefix: &str, age: Duration, now: SystemTime) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| e.path())
        .filter(|p| older_than(p, age, now))
        .collect();
    out.sort();
    out
}

/// Every regular file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(t) if t.is_file() => out.push(entry.path()),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// Removes empty folders under `dir` (not `dir` itself).
fn prune_empty(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            prune_empty(&entry.path());
            let _ = std::fs::remove_dir(entry.path());
        }
    }
}

/// Cleans `data_dir` as of `now` (see the module documentation) and records each step in the
/// audit trail. A step that fails is logged and the sweep goes on.
pub fn sweep(store: &Store, data_dir: &Path, now: SystemTime) -> anyhow::Result<Swept> {
    let mut swept = Swept::default();
    let who = Who { user_id: None, address: "scheduler".into() };
    let rel = |p: &Path| -> String {
        p.strip_prefix(data_dir).map_or_else(|_| p.display().to_string(), |r| r.display().to_string())
    };

    // 1. Leftovers: unfinished uploads, partial backups, drill and restore scratch folders.
    let mut leftovers =
        stale_in(&data_dir.join(crate::paths::data::FILES).join("tmp"), "", LEFTOVER_AGE, now);
    // Photo copies being written (the copies themselves are never swept: see store::photos).
    leftovers.extend(stale_in(&data_dir.join(crate::paths::data::PHOTOS).join("tmp"), "", LEFTOVER_AGE, now));
    leftovers.extend(stale_in(&super::backup::default_dir(data_dir), ".tmp", LEFTOVER_AGE, now));
    leftovers.extend(stale_in(data_dir, ".drill-", LEFTOVER_AGE, now));
    leftovers.extend(stale_in(data_dir, ".tmp", LEFTOVER_AGE, now));
    if let (Some(parent), Some(base)) = (data_dir.parent(), data_dir.file_name()) {
        let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
        let prefix = format!(".{}.restoring-", base.to_string_lossy());
        leftovers.extend(stale_in(parent, &prefix, LEFTOVER_AGE, now));
    }
    for path in leftovers {
        let bytes = bytes_of(&path);
        match remove(&path) {
            Ok(()) => {
                store.run_sync(|c| {
                    audit::append(c, &who, AuditAction::SweepRemove, &rel(&path), &bytes.to_string())
                })?;
                swept.removed.push((path, bytes));
            }
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "sweep: cannot remove a leftover"),
        }
    }

    // 2. Orphans: stored files without a row, moved to quarantine (listed before the rows are
    // read, and only when older than an hour, so an upload about to commit is never taken).
    let files = data_dir.join(crate::paths::data::FILES);
    let candidates: Vec<PathBuf> = std::fs::read_dir(&files)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name() != "tmp" && e.file_type().is_ok_and(|t| t.is_dir()))
        .flat_map(|e| files_under(&e.path()))
        .filter(|p| older_than(p, LEFTOVER_AGE, now))
        .collect();
    if !candidates.is_empty() {
        let known = store.run_sync(|c| crate::store::upkeep::known_blobs(c))?;
        let quarantine = quarantine_dir(data_dir);
        for path in candidates {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if known.contains(&name) {
                continue;
            }
            let Ok(inside) = path.strip_prefix(data_dir) else { continue };
            let to = quarantine.join(inside);
            let bytes = bytes_of(&path);
            let moved = (|| -> std::io::Result<()> {
                std::fs::create_dir_all(to.parent().expect("a parent"))?;
                std::fs::rename(&path, &to)?;
                // Its 30 days start now.
                std::fs::File::options().write(true).open(&to)?.set_modified(now)?;
                Ok(())
            })();
            match moved {
                Ok(()) => {
                    store.run_sync(|c| {
                        audit::append(
                            c,
                            &who,
                            AuditAction::SweepQuarantine,
                            &rel(&path),
                            &format!("{bytes} -> {}", rel(&to)),
                        )
                    })?;
                    swept.quarantined.push((path, bytes));
                }
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "sweep: cannot quarantine"),
            }
        }
    }

    // 3. Quarantine past its 30 days.
    let quarantine = quarantine_dir(data_dir);
    for path in files_under(&quarantine) {
        if !older_than(&path, QUARANTINE_FOR, now) {
            continue;
        }
        let bytes = bytes_of(&path);
        match std::fs::remove_file(&path) {
            Ok(()) => {
                store.run_sync(|c| {
                    audit::append(c, &who, AuditAction::SweepDelete, &rel(&path), &bytes.to_string())
                })?;
                swept.expired.push((path, bytes));
            }
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "sweep: cannot delete"),
        }
    }
    prune_empty(&quarantine);
    Ok(swept)
}

/// The sweep job (at start, then every [`EVERY`]): [`sweep`] as of now, logged.
pub fn sweep_job(store: &Store, data_dir: &Path) -> anyhow::Result<Swept> {
    let swept = sweep(store, data_dir, SystemTime::now())
        .with_context(|| format!("เก็บกวาดไฟล์ค้างใน {} ไม่สำเร็จ", data_dir.display()))?;
    if !swept.is_empty() {
        tracing::info!(
            removed = swept.removed.len(),
            quarantined = swept.quarantined.len(),
            expired = swept.expired.len(),
            "crash leftovers swept"
        );
    }
    Ok(swept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(path: &Path, secs: u64) {
        let when = SystemTime::now() - Duration::from_secs(secs);
        std::fs::File::options().write(true).open(path).unwrap().set_modified(when).unwrap();
    }

    #[test]
    fn leftovers_go_orphans_wait_in_quarantine_and_all_is_audited() {
        let temp = tempfile::tempdir().unwrap();
        let data = temp.path().join("prakat-data");
        let store = Store::open(&data).unwrap();
        // A stored file with its row: never touched.
        let kept = store.blobs().put(b"%PDF-1.4 kept").unwrap();
        store
            .run_sync(|c| {
                c.execute(
                    "INSERT INTO blobs (sha256, size, created_at) VALUES (?1, ?2, 0)",
                    (&kept.sha256, kept.size as i64),
                )?;
                Ok(())
            })
            .unwrap();
        let kept_path = store.blobs().path(&kept.sha256).unwrap();
        age(&kept_path, 7200);
        // An orphan (no row), old; and a fresh one that may be an upload about to commit.
        let orphan = store.blobs().put(b"%PDF-1.4 orphan").unwrap();
        let orphan_path = store.blobs().path(&orphan.sha256).unwrap();
        age(&orphan_path, 7200);
        let fresh = store.blobs().put(b"%PDF-1.4 fresh").unwrap();
        let fresh_path = store.blobs().path(&fresh.sha256).unwrap();
        // A photo's public copy (no row of its own, old): never swept, it is not under files/.
        let copy = store.photos().path(&kept.sha256, 320).unwrap();
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::write(&copy, b"jpeg").unwrap();
        age(&copy, 7200);
        // Crash leftovers, old and new.
        let tmp_upload = data.join("files/tmp/.tmpAbc123");
        std::fs::write(&tmp_upload, vec![0u8; 1000]).unwrap();
        age(&tmp_upload, 7200);
        let new_upload = data.join("files/tmp/.tmpNew");
        std::fs::write(&new_upload, b"uploading").unwrap();
        std::fs::create_dir_all(data.join("backups")).unwrap();
        let partial = data.join("backups/.tmpZip42");
        std::fs::write(&partial, vec![0u8; 4096]).unwrap();
        age(&partial, 7200);
        let restoring = temp.path().join(".prakat-data.restoring-XyZ");
        std::fs::create_dir_all(restoring.join("files/ab")).unwrap();
        std::fs::write(restoring.join("prakat.db"), b"x").unwrap();
        let when = std::fs::File::open(&restoring).unwrap();
        when.set_modified(SystemTime::now() - Duration::from_secs(7200)).unwrap();

        let swept = sweep(&store, &data, SystemTime::now()).unwrap();
        assert!(kept_path.exists() && fresh_path.exists() && new_upload.exists() && copy.exists());
        assert!(!tmp_upload.exists() && !partial.exists() && !restoring.exists());
        assert_eq!(swept.removed.len(), 3, "{swept:?}");
        assert!(!orphan_path.exists());
        let quarantined = quarantine_dir(&data).join(orphan_path.strip_prefix(&data).unwrap());
        assert_eq!(std::fs::read(&quarantined).unwrap(), b"%PDF-1.4 orphan");
        assert_eq!(swept.quarantined.len(), 1);

        // Again: nothing to do; after 30 days the quarantined file goes.
        assert!(sweep(&store, &data, SystemTime::now()).unwrap().is_empty());
        let later = SystemTime::now() + QUARANTINE_FOR + Duration::from_secs(60);
        let swept = sweep(&store, &data, later).unwrap();
        assert_eq!(swept.expired.len(), 1);
        assert!(!quarantined.exists());
        assert!(kept_path.exists(), "a file with its row stays, however old");

        let actions: Vec<String> = store
            .run_sync(|c| {
                Ok(c.prepare("SELECT action FROM audit WHERE action LIKE 'sweep.%' ORDER BY id")?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?)
            })
            .unwrap();
        assert_eq!(actions.iter().filter(|a| *a == "sweep.remove").count(), 3 + 1, "{actions:?}");
        assert_eq!(actions.iter().filter(|a| *a == "sweep.quarantine").count(), 1 + 1, "{actions:?}");
        assert_eq!(actions.iter().filter(|a| *a == "sweep.delete").count(), 1, "{actions:?}");
    }
}
