//! Backups: one zip holding a consistent snapshot of the database (VACUUM INTO, safe while the
//! server runs), every stored file, the settings and certificates, and a manifest with the
//! sha256 and size of every entry. Traffic logs are not included (they have their own rules).
//!
//! A backup is written to a temporary file and renamed into place only when complete, so a full
//! disk never leaves a partial zip behind.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use crate::workflow::audit::AuditAction;
use anyhow::{Context as _, bail};
pub use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use zip::write::SimpleFileOptions;

/// Name of the manifest inside a backup.
const MANIFEST: &str = "manifest.json";
/// Name of the database snapshot inside a backup.
const DB_ENTRY: &str = "prakat.db";

/// What a backup holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Version of Prakat that made it.
    pub prakat_version: String,
    /// Database schema version (`PRAGMA user_version`).
    pub schema_version: i64,
    /// When it was made (Bangkok time with offset).
    pub created_at: String,
    /// Every entry but the manifest.
    pub entries: Vec<Entry>,
}

/// One entry of a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// Path inside the zip (and inside the data directory).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex sha256.
    pub sha256: String,
}

/// Where backups go unless told otherwise.
pub fn default_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

fn files_to_include(data_dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let settings = data_dir.join(crate::config::SETTINGS_FILE);
    if settings.exists() {
        out.push((crate::config::SETTINGS_FILE.to_string(), settings));
    }
    for dir in ["files", "certs"] {
        let root = data_dir.join(dir);
        if !root.exists() {
            continue;
        }
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d)? {
                let path = entry?.path();
                if path.is_dir() {
                    // Unfinished uploads are not data.
                    if path.file_name().is_some_and(|n| n == "tmp") {
                        continue;
                    }
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(data_dir)?.to_string_lossy().replace('\\', "/");
                    out.push((rel, path));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

fn copy_hashing(
    mut from: impl std::io::Read,
    to: &mut impl std::io::Write,
    progress: &ProgressBar,
) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        size += n as u64;
        progress.inc(n as u64);
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// Makes a backup of `data_dir` in `dest` and returns its path; `progress` counts the bytes
/// (use [`ProgressBar::hidden`] when nobody watches).
pub fn create(data_dir: &Path, dest: &Path, progress: &ProgressBar) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dest).with_context(|| format!("สร้างโฟลเดอร์สำรองข้อมูล {} ไม่ได้", dest.display()))?;
    let now = jiff::Timestamp::now().to_zoned_datetime(crate::thai::bangkok());
    let name = format!("prakat-backup-{}.zip", now.strftime("%Y%m%d-%H%M%S"));
    let work = tempfile::tempdir_in(dest)?;

    // A consistent snapshot while the server keeps running.
    let snapshot = work.path().join(DB_ENTRY);
    let schema_version = {
        let conn = rusqlite::Connection::open(data_dir.join(crate::store::DB_FILE))?;
        conn.execute("VACUUM INTO ?1", [snapshot.to_string_lossy()])?;
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?
    };

    let mut tmp = tempfile::NamedTempFile::new_in(dest)?;
    let mut zip = zip::ZipWriter::new(tmp.as_file_mut());
    let options =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    let mut entries = Vec::new();
    let mut sources = vec![(DB_ENTRY.to_string(), snapshot)];
    sources.extend(files_to_include(data_dir)?);
    progress.set_length(sources.iter().filter_map(|(_, p)| std::fs::metadata(p).ok()).map(|m| m.len()).sum());
    for (name, path) in sources {
        zip.start_file(name.as_str(), options)?;
        let (size, sha256) = copy_hashing(File::open(&path)?, &mut zip, progress)
            .with_context(|| format!("เขียน {name} ลงไฟล์สำรองไม่สำเร็จ (disk full?)"))?;
        entries.push(Entry { name, size, sha256 });
    }
    let manifest = Manifest {
        prakat_version: env!("CARGO_PKG_VERSION").into(),
        schema_version,
        created_at: now.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        entries,
    };
    zip.start_file(MANIFEST, options)?;
    zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
    zip.finish()?;
    tmp.as_file().sync_all()?;
    let path = dest.join(name);
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

/// Checks a backup: every entry's size and sha256 against the manifest, nothing missing or
/// extra, and the database snapshot passes `PRAGMA integrity_check`.
pub fn verify(path: &Path, progress: &ProgressBar) -> anyhow::Result<Manifest> {
    let mut archive =
        zip::ZipArchive::new(File::open(path).with_context(|| format!("เปิด {} ไม่ได้", path.display()))?)
            .with_context(|| format!("{} ไม่ใช่ไฟล์ zip ที่สมบูรณ์", path.display()))?;
    let manifest: Manifest = {
        let mut text = String::new();
        archive.by_name(MANIFEST).context("ไม่พบ manifest.json ในไฟล์สำรอง")?.read_to_string(&mut text)?;
        serde_json::from_str(&text).context("manifest.json อ่านไม่ได้")?
    };
    let names: Vec<String> = (0..archive.len())
        .filter_map(|i| archive.by_index(i).ok()?.name().ok().map(|n| n.to_string()))
        .collect();
    for name in &names {
        if name != MANIFEST && !manifest.entries.iter().any(|e| &e.name == name) {
            bail!("{name}: ไม่อยู่ใน manifest (extra entry)");
        }
    }
    let work = tempfile::tempdir()?;
    progress.set_length(manifest.entries.iter().map(|e| e.size).sum());
    for entry in &manifest.entries {
        let mut file = archive
            .by_name(&entry.name)
            .with_context(|| format!("{}: หายไปจากไฟล์สำรอง (missing)", entry.name))?;
        let (size, sha256) = if entry.name == DB_ENTRY {
            let mut out = File::create(work.path().join(DB_ENTRY))?;
            copy_hashing(&mut file, &mut out, progress)
        } else {
            copy_hashing(&mut file, &mut std::io::sink(), progress)
        }
        .with_context(|| format!("{}: อ่านไม่ได้ (damaged)", entry.name))?;
        if size != entry.size || sha256 != entry.sha256 {
            bail!("{}: เนื้อไฟล์ไม่ตรงกับ manifest (sha256 mismatch)", entry.name);
        }
    }
    let db = rusqlite::Connection::open(work.path().join(DB_ENTRY))?;
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        bail!("{DB_ENTRY}: integrity_check: {check}");
    }
    Ok(manifest)
}

/// Backups in `dir`, newest first: (path, size).
pub fn list(dir: &Path) -> anyhow::Result<Vec<(PathBuf, u64)>> {
    let mut out: Vec<(PathBuf, u64)> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("prakat-backup-")))
            .filter(|p| p.extension().is_some_and(|x| x == "zip"))
            .filter_map(|p| Some((p.clone(), std::fs::metadata(&p).ok()?.len())))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(out)
}

/// The lock a running server holds on its data directory.
pub fn lock_path(data_dir: &Path) -> PathBuf {
    data_dir.join("prakat.lock")
}

/// Takes the data directory's lock, or says that a server holds it.
pub fn lock(data_dir: &Path) -> anyhow::Result<File> {
    std::fs::create_dir_all(data_dir)?;
    let file =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(lock_path(data_dir))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(_) => bail!(
            "มีโปรแกรม prakat อีกตัวใช้โฟลเดอร์ข้อมูล {} อยู่ กรุณาหยุดก่อน (another prakat is using this data directory)",
            data_dir.display()
        ),
    }
}

/// Restores a backup into `data_dir`: verifies it, extracts it beside the directory, moves the
/// current data aside (kept) and puts the restored one in its place. Returns where the old data
/// went, if there was any. `progress` counts the bytes checked, then the bytes written.
pub fn restore(backup: &Path, data_dir: &Path, progress: &ProgressBar) -> anyhow::Result<Option<PathBuf>> {
    let manifest = verify(backup, progress)?;
    progress.set_position(0);
    let existed = data_dir.exists();
    let lock = lock(data_dir)?;
    let parent = data_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let stamp = jiff::Timestamp::now()
        .to_zoned_datetime(crate::thai::bangkok())
        .strftime("%Y%m%d-%H%M%S")
        .to_string();
    let base = data_dir.file_name().map_or("prakat-data".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new().prefix(&format!(".{base}.restoring-")).tempdir_in(parent)?;
    let mut archive = zip::ZipArchive::new(File::open(backup)?)?;
    for entry in &manifest.entries {
        // Names come from our own manifest, but never trust a path from a file: no escaping.
        anyhow::ensure!(
            !entry.name.contains("..") && !entry.name.starts_with('/'),
            "bad entry name {}",
            entry.name
        );
        let target = staging.path().join(&entry.name);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut out = File::create(&target)?;
        copy_hashing(archive.by_name(&entry.name)?, &mut out, progress)?;
        out.sync_all()?;
    }
    drop(lock);
    let aside = if existed {
        let aside = parent.join(format!("{base}.before-restore-{stamp}"));
        std::fs::rename(data_dir, &aside).with_context(|| format!("ย้าย {} ไม่ได้", data_dir.display()))?;
        Some(aside)
    } else {
        // Only the lock file was made here.
        std::fs::remove_dir_all(data_dir)?;
        None
    };
    let staged = staging.keep();
    std::fs::rename(&staged, data_dir)?;
    Ok(aside)
}

/// Deletes all but the newest `keep` backups in `dir`.
pub fn prune(dir: &Path, keep: usize) -> anyhow::Result<usize> {
    let all = list(dir)?;
    let mut removed = 0;
    for (path, _) in all.iter().skip(keep) {
        std::fs::remove_file(path)?;
        removed += 1;
    }
    Ok(removed)
}

/// One scheduled (or admin-requested) run: backup, verify, copy to the second folder, prune,
/// and record the outcome in the database and the audit trail. A failure is recorded, never
/// silent; the caller shows it on every admin page.
pub fn run_once(
    store: &crate::store::Store,
    data_dir: &Path,
    settings: &crate::config::Backups,
    who: &crate::store::audit::Who,
) -> anyhow::Result<PathBuf> {
    let result = (|| -> anyhow::Result<PathBuf> {
        let path = create(data_dir, &default_dir(data_dir), &ProgressBar::hidden())?;
        verify(&path, &ProgressBar::hidden())?;
        prune(&default_dir(data_dir), settings.keep)?;
        if !settings.second_dir.is_empty() {
            let second = Path::new(&settings.second_dir);
            std::fs::create_dir_all(second)
                .with_context(|| format!("โฟลเดอร์สำรองที่สอง {} ใช้ไม่ได้", second.display()))?;
            let name = path.file_name().context("backup has a name")?;
            let mut tmp = tempfile::NamedTempFile::new_in(second)?;
            std::io::copy(&mut File::open(&path)?, tmp.as_file_mut())?;
            tmp.as_file().sync_all()?;
            tmp.persist(second.join(name)).map_err(|e| e.error)?;
            prune(second, settings.second_keep)?;
        }
        Ok(path)
    })();
    let (ok, path, message) = match &result {
        Ok(p) => (true, p.display().to_string(), String::new()),
        Err(e) => (false, String::new(), format!("{e:#}")),
    };
    store.run_sync(|c| {
        crate::store::backups::record(c, ok, &path, &message)?;
        let action = if ok { AuditAction::BackupOk } else { AuditAction::BackupFailed };
        crate::store::audit::append(c, who, action, "backup", if ok { &path } else { &message })
    })?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn backup_verifies_and_damage_is_named() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        store.blobs().put("ไฟล์แนบทดสอบ".as_bytes()).unwrap();
        drop(store);
        let dest = tempfile::tempdir().unwrap();
        let zip = create(data.path(), dest.path(), &ProgressBar::hidden()).unwrap();
        let manifest = verify(&zip, &ProgressBar::hidden()).unwrap();
        assert!(manifest.entries.iter().any(|e| e.name == DB_ENTRY));
        assert!(manifest.entries.iter().any(|e| e.name.starts_with("files/")));
        assert_eq!(std::fs::read_dir(dest.path()).unwrap().count(), 1, "no temporary files left");
        assert_eq!(list(dest.path()).unwrap().len(), 1);

        // Flip a byte inside the stored (deflated) data of the uploaded file.
        let mut bytes = std::fs::read(&zip).unwrap();
        let at = bytes.windows(6).position(|w| w == b"files/").unwrap() + 100;
        bytes[at] ^= 0xFF;
        let broken = dest.path().join("prakat-backup-broken.zip");
        std::fs::write(&broken, bytes).unwrap();
        assert!(verify(&broken, &ProgressBar::hidden()).is_err());
    }
}
