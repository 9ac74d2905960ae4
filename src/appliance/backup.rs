//! Backups: one zip holding a consistent snapshot of the database (VACUUM INTO, safe while the
//! server runs), every stored file, the settings and certificates, and a manifest with the
//! sha256 and size of every entry. Traffic logs are not included (they have their own rules).
//!
//! A backup is written to a temporary file and renamed into place only when complete, so a full
//! disk never leaves a partial zip behind.
//!
//! A restore puts back what the backup holds and keeps what it deliberately leaves out: the
//! traffic logs (with their day book in the database, so the chain and the seals go on), the
//! backups folder and the newer certificates stay with the live data directory. A weekly
//! restore drill ([`drill`]) proves the newest backup can be restored.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read as _, Write as _};
use std::os::unix::fs::PermissionsExt as _;
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
const DB_ENTRY: &str = crate::paths::data::DB;

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
    /// The number of rows of every table of the snapshot (checked by the restore drill; empty
    /// in backups made before it was recorded).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rows: BTreeMap<String, i64>,
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
    /// Unix permission bits of the file (a restore puts them back; `prakat.toml` can hold the
    /// SMTP password). Absent in older backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<u32>,
}

/// Files that hold secrets: restored 0600 when the backup does not say otherwise.
fn secret(name: &str) -> bool {
    name == crate::config::SETTINGS_FILE || name.starts_with("certs/")
}

/// Whether a name may appear in a backup: the database, the settings, stored files and
/// certificates, as relative paths that cannot escape the data directory.
fn allowed_name(name: &str) -> bool {
    let safe = !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && name.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
    safe && (name == DB_ENTRY
        || name == crate::config::SETTINGS_FILE
        || name.starts_with("files/")
        || name.starts_with("certs/")
        || name.starts_with("office/"))
}

/// Where backups go unless told otherwise.
pub fn default_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(crate::paths::data::BACKUPS)
}

fn files_to_include(data_dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let settings = data_dir.join(crate::config::SETTINGS_FILE);
    if settings.exists() {
        out.push((crate::config::SETTINGS_FILE.to_string(), settings));
    }
    for dir in ["files", "certs", crate::paths::data::OFFICE] {
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
    let db_path = data_dir.join(crate::store::DB_FILE);
    anyhow::ensure!(db_path.exists(), "ไม่พบฐานข้อมูล {} (no database to back up)", db_path.display());
    let (schema_version, rows) = crate::store::upkeep::snapshot(&db_path, &snapshot)
        .with_context(|| format!("เปิดฐานข้อมูล {} ไม่ได้", db_path.display()))?;

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
        let file = File::open(&path).with_context(|| format!("อ่าน {} ไม่ได้", path.display()))?;
        let mode = file.metadata().ok().map(|m| m.permissions().mode() & 0o7777);
        let (size, sha256) = copy_hashing(file, &mut zip, progress)
            .with_context(|| format!("เขียน {name} ลงไฟล์สำรองไม่สำเร็จ (disk full?)"))?;
        entries.push(Entry { name, size, sha256, mode });
    }
    let manifest = Manifest {
        prakat_version: env!("CARGO_PKG_VERSION").into(),
        schema_version,
        created_at: now.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        entries,
        rows,
    };
    zip.start_file(MANIFEST, options)?;
    zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
    zip.finish()?;
    tmp.as_file().sync_all()?;
    // Two backups in the same second get distinct names (`_2` sorts after `.zip`: newest).
    let mut path = dest.join(&name);
    let mut n = 1;
    loop {
        match tmp.persist_noclobber(&path) {
            Ok(_) => break,
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => {
                n += 1;
                tmp = e.file;
                path = dest.join(name.replace(".zip", &format!("_{n}.zip")));
            }
            Err(e) => return Err(e.error.into()),
        }
    }
    sync_dir(dest)?;
    Ok(path)
}

/// Makes a rename or a new file in `dir` survive a power cut (the directory entry itself).
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Checks a backup: the manifest is complete (version, schema, time, the database among its
/// entries, no name twice, no name outside the data directory's own folders), every entry's
/// size and sha256 match, nothing is missing or extra, and the database snapshot passes
/// `PRAGMA integrity_check`.
pub fn verify(path: &Path, progress: &ProgressBar) -> anyhow::Result<Manifest> {
    let work = tempfile::tempdir()?;
    verify_into(path, progress, work.path())
}

/// [`verify`], leaving the checked database snapshot in `work`.
fn verify_into(path: &Path, progress: &ProgressBar, work: &Path) -> anyhow::Result<Manifest> {
    let mut archive =
        zip::ZipArchive::new(File::open(path).with_context(|| format!("เปิด {} ไม่ได้", path.display()))?)
            .with_context(|| format!("{} ไม่ใช่ไฟล์ zip ที่สมบูรณ์", path.display()))?;
    let manifest: Manifest = {
        let mut text = String::new();
        archive.by_name(MANIFEST).context("ไม่พบ manifest.json ในไฟล์สำรอง")?.read_to_string(&mut text)?;
        serde_json::from_str(&text).context("manifest.json อ่านไม่ได้")?
    };
    anyhow::ensure!(
        !manifest.prakat_version.trim().is_empty() && !manifest.created_at.trim().is_empty(),
        "manifest.json ไม่ครบ: ไม่มีรุ่นโปรแกรมหรือเวลาที่สำรอง (incomplete manifest)"
    );
    anyhow::ensure!(
        manifest.schema_version > 0,
        "manifest.json ไม่ครบ: schema_version ต้องมากกว่า 0 (incomplete manifest)"
    );
    anyhow::ensure!(
        manifest.entries.iter().any(|e| e.name == DB_ENTRY),
        "ไฟล์สำรองไม่มีฐานข้อมูล {DB_ENTRY} (the backup holds no database)"
    );
    let mut seen = std::collections::HashSet::new();
    for entry in &manifest.entries {
        anyhow::ensure!(
            allowed_name(&entry.name),
            "{}: ชื่อไม่ถูกต้องหรืออยู่นอกโฟลเดอร์ข้อมูล (bad entry name)",
            entry.name
        );
        anyhow::ensure!(seen.insert(entry.name.as_str()), "{}: ซ้ำใน manifest (duplicate entry)", entry.name);
    }
    let mut names = std::collections::HashSet::new();
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).with_context(|| format!("รายการที่ {i} อ่านไม่ได้ (damaged)"))?;
        let name =
            file.name().with_context(|| format!("รายการที่ {i}: ชื่ออ่านไม่ได้ (bad entry name)"))?.to_string();
        if name != MANIFEST && !manifest.entries.iter().any(|e| e.name == name) {
            bail!("{name}: ไม่อยู่ใน manifest (extra entry)");
        }
        anyhow::ensure!(names.insert(name.clone()), "{name}: ซ้ำในไฟล์ zip (duplicate entry)");
    }
    progress.set_length(manifest.entries.iter().map(|e| e.size).sum());
    for entry in &manifest.entries {
        let mut file = archive
            .by_name(&entry.name)
            .with_context(|| format!("{}: หายไปจากไฟล์สำรอง (missing)", entry.name))?;
        let (size, sha256) = if entry.name == DB_ENTRY {
            let mut out = File::create(work.join(DB_ENTRY))?;
            copy_hashing(&mut file, &mut out, progress)
        } else {
            copy_hashing(&mut file, &mut std::io::sink(), progress)
        }
        .with_context(|| format!("{}: อ่านไม่ได้ (damaged)", entry.name))?;
        if size != entry.size || sha256 != entry.sha256 {
            bail!("{}: เนื้อไฟล์ไม่ตรงกับ manifest (sha256 mismatch)", entry.name);
        }
    }
    // Opened read-only and never created: a missing snapshot is an error, not an empty site.
    let db = crate::store::upkeep::open_read_only(&work.join(DB_ENTRY))
        .with_context(|| format!("{DB_ENTRY}: เปิดไม่ได้"))?;
    let check = crate::store::upkeep::integrity_check(&db)
        .with_context(|| format!("{DB_ENTRY}: ไม่ใช่ฐานข้อมูล SQLite ที่สมบูรณ์"))?;
    if check != "ok" {
        bail!("{DB_ENTRY}: integrity_check: {check}");
    }
    let version = crate::store::upkeep::user_version(&db)?;
    anyhow::ensure!(
        version == manifest.schema_version,
        "{DB_ENTRY}: schema {version} ไม่ตรงกับ manifest ({}) (schema mismatch)",
        manifest.schema_version
    );
    anyhow::ensure!(
        crate::store::upkeep::has_items_table(&db)?,
        "{DB_ENTRY}: ไม่ใช่ฐานข้อมูลของ Prakat (no items table)"
    );
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
    data_dir.join(crate::paths::data::LOCK)
}

/// Takes the data directory's lock, or says that a server holds it.
pub fn lock(data_dir: &Path) -> anyhow::Result<File> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("สร้างโฟลเดอร์ข้อมูล {} ไม่ได้ (cannot create)", data_dir.display()))?;
    let path = lock_path(data_dir);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("เปิดไฟล์ล็อก {} ไม่ได้ (cannot open)", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(_) => bail!(
            "มีโปรแกรม prakat อีกตัวใช้โฟลเดอร์ข้อมูล {} อยู่ กรุณาหยุดก่อน (another prakat is using this data directory)",
            data_dir.display()
        ),
    }
}

/// What a restore did.
#[derive(Debug, Default)]
pub struct Restored {
    /// Where the previous data went (kept), if there was any.
    pub aside: Option<PathBuf>,
    /// Traffic-log days whose chain and seal records came over from the live database.
    pub log_days: usize,
    /// Daily log files kept from the live directory.
    pub log_files: usize,
    /// Backup zips kept from the live directory.
    pub backups: usize,
    /// Why the live day book could not be carried over (the logs then verify only up to the
    /// backup's time), if it could not.
    pub warning: Option<String>,
}

/// Writes the entries of a verified backup into `into`, each synced, with its permission bits
/// (secrets 0600 when the backup does not record them).
fn extract(backup: &Path, manifest: &Manifest, into: &Path, progress: &ProgressBar) -> anyhow::Result<()> {
    let mut archive = zip::ZipArchive::new(File::open(backup)?)?;
    for entry in &manifest.entries {
        // Checked by verify; checked again because a path from a file is never trusted.
        anyhow::ensure!(allowed_name(&entry.name), "bad entry name {}", entry.name);
        let target = into.join(&entry.name);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut out = File::create(&target).with_context(|| format!("เขียน {} ไม่ได้", target.display()))?;
        let mode = entry.mode.unwrap_or(if secret(&entry.name) { 0o600 } else { 0o644 });
        // Never wider than the backup says, and a secret never readable by others.
        let mode = if secret(&entry.name) { mode & 0o700 } else { mode & 0o755 };
        out.set_permissions(std::fs::Permissions::from_mode(mode))?;
        let (_, sha256) = copy_hashing(archive.by_name(&entry.name)?, &mut out, progress)
            .with_context(|| format!("เขียน {} ไม่สำเร็จ (disk full?)", target.display()))?;
        anyhow::ensure!(sha256 == entry.sha256, "{}: เนื้อไฟล์ไม่ตรงกับ manifest", entry.name);
        out.sync_all()?;
    }
    Ok(())
}

/// Refuses a data directory that is really an installation folder (`/var/lib/prakat` holds
/// `bin/prakat` and `data/`): restoring there would move the program aside.
fn refuse_install_folder(data_dir: &Path) -> anyhow::Result<()> {
    if data_dir.join("bin").join("prakat").exists() && data_dir.join("data").is_dir() {
        bail!(
            "{} คือโฟลเดอร์ติดตั้งโปรแกรม ไม่ใช่โฟลเดอร์ข้อมูล ข้อมูลอยู่ที่ {} ใช้คำสั่ง `sudo prakat restore FILE` (this is the installation folder, not the data directory)",
            data_dir.display(),
            data_dir.join("data").display()
        );
    }
    Ok(())
}

/// Changes the owner of everything under `dir` (the restored tree) to `uid:gid`.
fn chown_tree(dir: &Path, uid: u32, gid: u32) -> std::io::Result<()> {
    std::os::unix::fs::lchown(dir, Some(uid), Some(gid))?;
    if std::fs::symlink_metadata(dir)?.is_dir() {
        for entry in std::fs::read_dir(dir)? {
            chown_tree(&entry?.path(), uid, gid)?;
        }
    }
    Ok(())
}

/// Copies the files of `from` into `to` (recursively), replacing files of the same name: the
/// live certificates are newer than the backup's, and the backup's older ones are kept too.
fn overlay(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let meta = entry.metadata()?;
        if meta.is_dir() {
            overlay(&entry.path(), &target)?;
        } else if meta.is_file() {
            std::fs::copy(entry.path(), &target)?;
            File::open(&target)?.sync_all()?;
        }
    }
    Ok(())
}

/// Restores a backup into `data_dir`: verifies it, extracts it beside the directory, carries
/// over what backups leave out (the traffic logs and their day book, the backups and their
/// record, the newer certificates), moves the current data aside (kept) and puts the restored
/// one in its place. `progress` counts the bytes checked, then the bytes written.
pub fn restore(backup: &Path, data_dir: &Path, progress: &ProgressBar) -> anyhow::Result<Restored> {
    refuse_install_folder(data_dir)?;
    let parent = data_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // Checked beside the data directory, not in /tmp: the snapshot can be large, and the
    // service user may not write there.
    let manifest = {
        let base = data_dir.file_name().map_or("prakat-data".into(), |n| n.to_string_lossy().into_owned());
        let work = tempfile::Builder::new()
            .prefix(&format!(".{base}.restoring-"))
            .tempdir_in(parent)
            .with_context(|| format!("สร้างโฟลเดอร์ชั่วคราวใน {} ไม่ได้", parent.display()))?;
        verify_into(backup, progress, work.path())?
    };
    anyhow::ensure!(
        usize::try_from(manifest.schema_version).unwrap_or(usize::MAX) <= crate::store::SCHEMA_LATEST,
        "ไฟล์สำรองมาจาก Prakat รุ่นใหม่กว่า ({}, schema {}) กรุณาติดตั้งรุ่นนั้นก่อน (made by a newer Prakat)",
        manifest.prakat_version,
        manifest.schema_version
    );
    progress.set_position(0);
    let existed = data_dir.join(crate::store::DB_FILE).exists() || data_dir.exists();
    let lock = lock(data_dir)?;
    let stamp = jiff::Timestamp::now()
        .to_zoned_datetime(crate::thai::bangkok())
        .strftime("%Y%m%d-%H%M%S")
        .to_string();
    let base = data_dir.file_name().map_or("prakat-data".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{base}.restoring-"))
        .tempdir_in(parent)
        .with_context(|| format!("สร้างโฟลเดอร์ชั่วคราวใน {} ไม่ได้", parent.display()))?;
    extract(backup, &manifest, staging.path(), progress)?;
    let mut done = Restored::default();

    // The database: brought up to this build's schema, then given the live day book.
    {
        let store = crate::store::Store::open(staging.path())?;
        let live_db = data_dir.join(crate::store::DB_FILE);
        if live_db.exists() {
            let carried = rusqlite::Connection::open(&live_db)
                .map_err(anyhow::Error::from)
                .and_then(|old| Ok(store.run_sync(|new| crate::store::upkeep::carry_over(&old, new))?));
            match carried {
                Ok(n) => done.log_days = n,
                Err(e) => {
                    done.warning = Some(format!("อ่านสมุดบันทึกการจราจรจาก {} ไม่ได้: {e:#}", live_db.display()))
                }
            }
        }
        let file = backup.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
        let who = crate::store::audit::Who { user_id: None, address: "console".into() };
        store.run_sync(|c| {
            crate::store::audit::append(c, &who, AuditAction::BackupRestore, "backup", &file)
        })?;
    }

    // Ownership: the restored tree belongs to whoever owns the live directory (the service
    // user), even when root runs the restore.
    {
        use std::os::unix::fs::MetadataExt as _;
        let (live, staged) = (std::fs::metadata(data_dir)?, std::fs::metadata(staging.path())?);
        if (live.uid(), live.gid()) != (staged.uid(), staged.gid()) {
            chown_tree(staging.path(), live.uid(), live.gid())
                .with_context(|| format!("เปลี่ยนเจ้าของไฟล์ที่กู้คืนเป็นของเจ้าของ {} ไม่ได้", data_dir.display()))?;
        }
        // And the folder's own mode (0750 when installed), not the scratch folder's.
        std::fs::set_permissions(staging.path(), live.permissions())?;
    }
    let live_certs = crate::appliance::tls::certs_dir(data_dir);
    if live_certs.is_dir() {
        overlay(&live_certs, &crate::appliance::tls::certs_dir(staging.path()))
            .context("คัดลอกใบรับรองปัจจุบันไม่ได้")?;
    }
    for keep in ["update-status.json"] {
        if data_dir.join(keep).is_file() {
            std::fs::copy(data_dir.join(keep), staging.path().join(keep))?;
        }
    }
    // The logs and backups move (same file system, a rename); put back if anything fails.
    let movable = [super::traffic::dir(data_dir), default_dir(data_dir)];
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut result = Ok(());
    for from in &movable {
        if !from.is_dir() {
            continue;
        }
        let to = staging.path().join(from.file_name().expect("a folder name"));
        if let Err(e) = std::fs::rename(from, &to) {
            result = Err(anyhow::Error::from(e).context(format!("ย้าย {} ไม่ได้", from.display())));
            break;
        }
        moved.push((from.clone(), to));
    }
    let swapped = result.and_then(|()| {
        drop(lock);
        let aside = if existed {
            let aside = parent.join(format!("{base}.before-restore-{stamp}"));
            std::fs::rename(data_dir, &aside).with_context(|| format!("ย้าย {} ไม่ได้", data_dir.display()))?;
            Some(aside)
        } else {
            std::fs::remove_dir_all(data_dir)?;
            None
        };
        if let Err(e) = std::fs::rename(staging.path(), data_dir) {
            if let Some(aside) = &aside {
                let _ = std::fs::rename(aside, data_dir);
            }
            return Err(anyhow::Error::from(e).context(format!("วางข้อมูลที่กู้คืนที่ {} ไม่ได้", data_dir.display())));
        }
        Ok(aside)
    });
    match swapped {
        Ok(aside) => {
            // The staging folder is the data directory now.
            let _ = staging.keep();
            let _ = sync_dir(parent);
            done.aside = aside;
            done.log_files = count_files(&super::traffic::dir(data_dir));
            done.backups = list(&default_dir(data_dir)).map_or(0, |l| l.len());
            Ok(done)
        }
        Err(e) => {
            for (from, to) in moved.iter().rev() {
                let _ = std::fs::rename(to, from);
            }
            Err(e)
        }
    }
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.filter_map(Result::ok).filter(|e| e.path().is_file()).count())
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

/// Records a backup made at the console (`prakat backup now`) like a scheduled one: in the
/// backup record (so `doctor` and the admin banner know of it) and the audit trail.
pub fn record_console(data_dir: &Path, result: &anyhow::Result<PathBuf>) -> anyhow::Result<()> {
    let store = crate::store::Store::open(data_dir)?;
    let (ok, path, message) = match result {
        Ok(p) => (true, p.display().to_string(), String::new()),
        Err(e) => (false, String::new(), format!("{e:#}")),
    };
    let who = crate::store::audit::Who { user_id: None, address: "console".into() };
    store.run_sync(|c| {
        crate::store::backups::record(c, ok, &path, &message)?;
        let action = if ok { AuditAction::BackupOk } else { AuditAction::BackupFailed };
        crate::store::audit::append(c, &who, action, "backup", if ok { &path } else { &message })
    })?;
    Ok(())
}

/// How often the restore drill runs.
pub const DRILL_EVERY: i64 = 7 * 86_400;

/// Restores the newest backup in `data_dir`'s backups folder into a scratch folder (inside the
/// data directory, removed afterwards), then checks it as a real restore would be: every file
/// written and matching its sha256, `PRAGMA integrity_check`, the row count of every table
/// against the manifest, every stored file the database names present, and the schema brought
/// up to this build. Returns (backup file name, what was checked).
pub fn drill(data_dir: &Path) -> anyhow::Result<(String, String)> {
    let newest = list(&default_dir(data_dir))?
        .into_iter()
        .next()
        .context("ยังไม่มีไฟล์สำรองให้ซ้อมกู้คืน (no backup to drill)")?
        .0;
    let name = newest.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let scratch = tempfile::Builder::new().prefix(".drill-").tempdir_in(data_dir)?;
    let checked = (|| -> anyhow::Result<String> {
        let checked = scratch.path().join("verify");
        std::fs::create_dir(&checked)?;
        let manifest = verify_into(&newest, &ProgressBar::hidden(), &checked)?;
        std::fs::remove_dir_all(&checked)?;
        extract(&newest, &manifest, scratch.path(), &ProgressBar::hidden())?;
        let db = crate::store::upkeep::open_read_only(&scratch.path().join(DB_ENTRY))?;
        let check = crate::store::upkeep::integrity_check(&db)?;
        anyhow::ensure!(check == "ok", "integrity_check: {check}");
        let rows = crate::store::upkeep::row_counts(&db)?;
        for (table, want) in &manifest.rows {
            let got = rows.get(table).copied().unwrap_or(-1);
            anyhow::ensure!(
                got == *want,
                "ตาราง {table}: {got} แถว แต่ manifest บันทึกไว้ {want} แถว (row count differs)"
            );
        }
        let known = crate::store::upkeep::known_blobs(&db)?;
        let blobs = crate::store::BlobStore::open(scratch.path().join(crate::paths::data::FILES))?;
        let missing = known.iter().filter(|h| blobs.path(h).is_none_or(|p| !p.exists())).count();
        anyhow::ensure!(missing == 0, "ไฟล์แนบ {missing} ไฟล์ไม่มีในไฟล์สำรอง (stored files missing)");
        drop(db);
        // This build can open it and bring its schema up to date.
        drop(crate::store::Store::open(scratch.path())?);
        let total: i64 = rows.values().sum();
        Ok(format!(
            "integrity ok, {} ตาราง {total} แถวตรงกับ manifest{}, ไฟล์แนบ {} ไฟล์ครบ",
            rows.len(),
            if manifest.rows.is_empty() {
                " (ไฟล์สำรองรุ่นเก่า ไม่มีจำนวนแถว)"
            } else {
                ""
            },
            known.len()
        ))
    })()
    .with_context(|| format!("ซ้อมกู้คืน {name} ไม่สำเร็จ"))?;
    Ok((name, checked))
}

/// Whether the weekly restore drill is due: a backup exists and no drill ran in the last week.
pub fn drill_due(store: &crate::store::Store, data_dir: &Path) -> anyhow::Result<bool> {
    if list(&default_dir(data_dir))?.is_empty() {
        return Ok(false);
    }
    let last = store.run_sync(|c| crate::store::upkeep::last_drill(c))?;
    Ok(last.is_none_or(|d| crate::store::now_unix() - d.at >= DRILL_EVERY))
}

/// The restore-drill job: runs [`drill`] and records the outcome (restore_drills and the audit
/// trail). A scheduler job: call it every tick; it does the work when [`drill_due`] says so.
/// Returns whether a drill ran.
pub fn drill_job(store: &crate::store::Store, data_dir: &Path) -> anyhow::Result<bool> {
    if !drill_due(store, data_dir)? {
        return Ok(false);
    }
    run_drill(store, data_dir)?;
    Ok(true)
}

/// Runs one drill now and records it; returns the recorded outcome.
pub fn run_drill(
    store: &crate::store::Store,
    data_dir: &Path,
) -> anyhow::Result<crate::store::upkeep::Drill> {
    let result = drill(data_dir);
    let (ok, backup, detail) = match &result {
        Ok((b, d)) => (true, b.clone(), d.clone()),
        Err(e) => (
            false,
            list(&default_dir(data_dir))
                .ok()
                .and_then(|l| l.into_iter().next())
                .map_or(String::new(), |(p, _)| {
                    p.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned())
                }),
            format!("{e:#}"),
        ),
    };
    let who = crate::store::audit::Who { user_id: None, address: "scheduler".into() };
    store.run_sync(|c| {
        crate::store::upkeep::record_drill(c, ok, &backup, &detail)?;
        let action = if ok { AuditAction::BackupDrillOk } else { AuditAction::BackupDrillFailed };
        crate::store::audit::append(c, &who, action, "backup", &format!("{backup}: {detail}"))
    })?;
    if !ok {
        tracing::error!(%detail, "restore drill failed");
    }
    Ok(crate::store::upkeep::Drill { at: crate::store::now_unix(), ok, backup, detail })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use std::time::Duration;

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

    /// A zip holding `entries` (name, bytes) and a manifest listing `listed` of them.
    fn handmade(dir: &Path, entries: &[(&str, &[u8])], manifest: &Manifest) -> PathBuf {
        let path = dir.join("prakat-backup-handmade.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        for (name, bytes) in entries {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.start_file(MANIFEST, SimpleFileOptions::default()).unwrap();
        zip.write_all(&serde_json::to_vec(manifest).unwrap()).unwrap();
        zip.finish().unwrap();
        path
    }

    fn entry(name: &str, bytes: &[u8]) -> Entry {
        Entry {
            name: name.into(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
            mode: None,
        }
    }

    #[test]
    fn verify_needs_the_database_and_a_complete_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let base = Manifest {
            prakat_version: "0.1.0".into(),
            schema_version: 10,
            created_at: "2026-12-01T02:00:00+07:00".into(),
            entries: vec![],
            rows: BTreeMap::new(),
        };
        // Only a manifest, no entries: refused (it used to restore an empty site).
        let zip = handmade(dir.path(), &[], &base);
        let e = format!("{:#}", verify(&zip, &ProgressBar::hidden()).unwrap_err());
        assert!(e.contains("no database"), "{e}");
        // A file but no database.
        let file = b"%PDF-1.4";
        let m = Manifest { entries: vec![entry("files/ab/abc", file)], ..base.clone() };
        let zip = handmade(dir.path(), &[("files/ab/abc", file)], &m);
        assert!(format!("{:#}", verify(&zip, &ProgressBar::hidden()).unwrap_err()).contains("no database"));
        // The database listed but not a database.
        let m = Manifest { entries: vec![entry(DB_ENTRY, b"not sqlite")], ..base.clone() };
        let zip = handmade(dir.path(), &[(DB_ENTRY, b"not sqlite")], &m);
        assert!(verify(&zip, &ProgressBar::hidden()).is_err());
        // Incomplete manifest fields, a name twice, a name outside the data folders.
        let m =
            Manifest { prakat_version: String::new(), entries: vec![entry(DB_ENTRY, b"x")], ..base.clone() };
        let zip = handmade(dir.path(), &[(DB_ENTRY, b"x")], &m);
        assert!(format!("{:#}", verify(&zip, &ProgressBar::hidden()).unwrap_err()).contains("incomplete"));
        let m = Manifest { entries: vec![entry(DB_ENTRY, b"x"), entry(DB_ENTRY, b"x")], ..base.clone() };
        let zip = handmade(dir.path(), &[(DB_ENTRY, b"x")], &m);
        assert!(format!("{:#}", verify(&zip, &ProgressBar::hidden()).unwrap_err()).contains("duplicate"));
        for bad in ["logs/traffic-2026-12-01.jsonl", "files/../../etc/passwd", "/etc/passwd", "prakat.lock"] {
            let m = Manifest { entries: vec![entry(DB_ENTRY, b"x"), entry(bad, b"y")], ..base.clone() };
            let zip = handmade(dir.path(), &[(DB_ENTRY, b"x"), (bad, b"y")], &m);
            let e = format!("{:#}", verify(&zip, &ProgressBar::hidden()).unwrap_err());
            assert!(e.contains("bad entry name"), "{bad}: {e}");
        }
    }

    #[test]
    fn restore_keeps_logs_backups_certificates_and_the_settings_mode() {
        use crate::appliance::traffic;
        let temp = tempfile::tempdir().unwrap();
        let data = temp.path().join("prakat-data");
        let store = Store::open(&data).unwrap();
        std::fs::write(data.join("prakat.toml"), "[smtp]\npassword = \"secret\"\n").unwrap();
        std::fs::set_permissions(data.join("prakat.toml"), std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::create_dir_all(data.join("certs")).unwrap();
        std::fs::write(data.join("certs/self-signed.key"), "old key").unwrap();
        let zip = create(&data, &default_dir(&data), &ProgressBar::hidden()).unwrap();
        // After the backup: traffic, a newer certificate, another backup.
        let recorder = traffic::start(store.clone(), data.clone()).unwrap();
        let writer = recorder.writer();
        for n in 0..5 {
            recorder.record(traffic::Record {
                time: format!("2026-12-0{}T10:00:0{n}.000+07:00", if n < 3 { 1 } else { 2 }),
                client: "203.0.113.9".into(),
                forwarded: None,
                method: "GET".into(),
                path: format!("/?n={n}"),
                status: 200,
                bytes: None,
                agent: None,
                account: None,
                tls: false,
            });
        }
        drop(recorder);
        writer.wait(Duration::from_secs(5));
        std::fs::write(data.join("certs/self-signed.key"), "renewed key").unwrap();
        std::thread::sleep(Duration::from_millis(1100));
        create(&data, &default_dir(&data), &ProgressBar::hidden()).unwrap();
        let from = jiff::civil::date(2026, 1, 1);
        let to = jiff::civil::date(2026, 12, 31);
        let before = traffic::verify(&store, &data, from, to).unwrap();
        assert_eq!((before.0, before.1.len()), (5, 0), "{:?}", before.1);
        drop(store);

        let done = restore(&zip, &data, &ProgressBar::hidden()).unwrap();
        assert!(done.aside.is_some() && done.warning.is_none(), "{done:?}");
        assert_eq!((done.log_files, done.backups), (2, 2), "{done:?}");
        let store = Store::open(&data).unwrap();
        let after = traffic::verify(&store, &data, from, to).unwrap();
        assert_eq!(before.0, after.0);
        assert_eq!(after.1, vec![], "the logs verify as before");
        assert_eq!(list(&default_dir(&data)).unwrap().len(), 2, "the backups stay");
        assert_eq!(std::fs::read_to_string(data.join("certs/self-signed.key")).unwrap(), "renewed key");
        let mode = std::fs::metadata(data.join("prakat.toml")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the settings can hold the SMTP password");
        let trail = store.run_sync(|c| crate::store::audit::list(c, &Default::default())).unwrap();
        assert!(trail.iter().any(|e| e.action == AuditAction::BackupRestore));

        // The installation folder is refused: its data is in data/.
        let install = temp.path().join("lib-prakat");
        std::fs::create_dir_all(install.join("bin")).unwrap();
        std::fs::create_dir_all(install.join("data")).unwrap();
        std::fs::write(install.join("bin/prakat"), "program").unwrap();
        let e = format!("{:#}", restore(&zip, &install, &ProgressBar::hidden()).unwrap_err());
        assert!(e.contains("installation folder"), "{e}");
        assert!(install.join("bin/prakat").exists());
    }

    #[test]
    fn the_restore_drill_restores_the_newest_backup_and_records_it() {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(data.path()).unwrap();
        assert!(!drill_due(&store, data.path()).unwrap(), "nothing to drill yet");
        let blob = store.blobs().put(b"%PDF-1.4 drill").unwrap();
        store
            .run_sync(|c| {
                c.execute(
                    "INSERT INTO blobs (sha256, size, created_at) VALUES (?1, ?2, 0)",
                    (&blob.sha256, 14),
                )?;
                Ok(())
            })
            .unwrap();
        create(data.path(), &default_dir(data.path()), &ProgressBar::hidden()).unwrap();
        assert!(drill_job(&store, data.path()).unwrap());
        let last = store.run_sync(|c| crate::store::upkeep::last_drill(c)).unwrap().unwrap();
        assert!(last.ok, "{last:?}");
        assert!(last.detail.contains("ไฟล์แนบ 1 ไฟล์ครบ"), "{last:?}");
        assert!(!drill_job(&store, data.path()).unwrap(), "weekly, not every tick");
        let leftovers: Vec<_> = std::fs::read_dir(data.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".drill-"))
            .collect();
        assert!(leftovers.is_empty(), "the scratch folder is removed");

        // A damaged newest backup: the drill fails, and says so.
        std::thread::sleep(Duration::from_millis(1100));
        let newest = create(data.path(), &default_dir(data.path()), &ProgressBar::hidden()).unwrap();
        let mut bytes = std::fs::read(&newest).unwrap();
        let mid = bytes.len() / 3;
        bytes[mid] ^= 0xFF;
        std::fs::write(&newest, bytes).unwrap();
        let failed = run_drill(&store, data.path()).unwrap();
        assert!(!failed.ok && failed.detail.contains("ซ้อมกู้คืน"), "{failed:?}");
        let health = crate::appliance::health::report(
            &store,
            &crate::appliance::health::Inputs {
                config: &crate::config::Config::load(data.path().to_path_buf()).unwrap(),
                certificate: None,
            },
        );
        let line = health.iter().find(|c| c.topic.contains("restore drill")).unwrap();
        assert_eq!(line.level, crate::appliance::health::Level::Red, "{line:?}");
    }
}
