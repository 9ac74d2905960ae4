//! The health report behind `/admin/health` and `prakat doctor`: each line green, amber or red
//! with its reason in Thai, so that district IT can see at a glance what needs doing.

use std::path::Path;
use std::time::Duration;

use crate::config::{Config, TlsMode, UpdateMode};
use crate::store::Store;
use crate::thai::{self, Digits};

/// How a line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Fine.
    Green,
    /// Needs attention soon.
    Amber,
    /// Needs attention now.
    Red,
}

impl Level {
    /// Thai word for the level.
    pub fn label(self) -> &'static str {
        match self {
            Level::Green => "ปกติ",
            Level::Amber => "ควรดูแล",
            Level::Red => "ต้องแก้ไข",
        }
    }

    /// CSS class / plain-text tag.
    pub fn tag(self) -> &'static str {
        match self {
            Level::Green => "green",
            Level::Amber => "amber",
            Level::Red => "red",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What is checked, in Thai (English in brackets).
    pub topic: &'static str,
    /// How it stands.
    pub level: Level,
    /// Why, in Thai.
    pub detail: String,
}

fn check(topic: &'static str, level: Level, detail: impl Into<String>) -> Check {
    Check { topic, level, detail: detail.into() }
}

/// The certificate being served (or that would be), as far as the caller knows it.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// Where it comes from: `self-signed`, `manual`, `acme`, ...
    pub source: String,
    /// Expiry, Unix seconds.
    pub not_after: i64,
    /// The last renewal error, if any.
    pub last_error: Option<String>,
}

/// The certificate a stopped server would serve, read from disk without changing anything
/// (for `prakat doctor`).
pub fn certificate_on_disk(config: &Config) -> Option<Certificate> {
    use super::tls::Pem;
    let dir = super::tls::certs_dir(&config.data_dir);
    let tls = &config.settings.tls;
    let (pem, source) = match tls.mode {
        TlsMode::Manual => (Pem::read(Path::new(&tls.cert_file), Path::new(&tls.key_file)).ok()?, "manual"),
        TlsMode::Acme => (super::acme::cached(&dir)?, "acme"),
        TlsMode::SelfSigned => {
            (Pem::read(&dir.join("self-signed.pem"), &dir.join("self-signed.key")).ok()?, "self-signed")
        }
    };
    let facts = pem.facts().ok()?;
    Some(Certificate { source: source.into(), not_after: facts.not_after, last_error: None })
}

/// Everything the report needs that only the caller knows.
pub struct Inputs<'a> {
    /// Settings and data directory.
    pub config: &'a Config,
    /// The certificate, or `None` when HTTPS is not in use.
    pub certificate: Option<Certificate>,
}

/// Runs every check (blocking: disk, database, and one NTP exchange of at most two seconds).
pub fn report(store: &Store, inputs: &Inputs<'_>) -> Vec<Check> {
    let config = inputs.config;
    let now = jiff::Timestamp::now().as_second();
    vec![
        certificate(inputs.certificate.as_ref(), config, now),
        last_backup(store, config, now),
        restore_drill(store, now),
        free_disk(&config.data_dir),
        sizes(&config.data_dir),
        traffic_logs(store, config, now),
        update(config, now),
        web_masters(store),
        overdue_items(store),
        scheduled_jobs(store),
        firewall(),
        clock(&config.settings.health.ntp_server),
    ]
}

/// The host firewall of install.sh (seed 2.6).
fn firewall() -> Check {
    const TOPIC: &str = "ไฟร์วอลล์ (firewall)";
    match super::firewall::active() {
        Some(true) => check(
            TOPIC,
            Level::Green,
            "เปิดอยู่: เว็บไซต์ (80, 443) เปิดให้ทุกคน ส่วนอื่นเฉพาะเครือข่ายสำนักงาน (nft list table inet prakat)",
        ),
        Some(false) => check(
            TOPIC,
            Level::Amber,
            "ยังไม่ได้เปิดไฟร์วอลล์ของ Prakat: sudo systemctl enable --now prakat-firewall (ติดตั้งด้วย install.sh)",
        ),
        None => check(TOPIC, Level::Amber, "ตรวจไม่ได้ (เครื่องนี้ไม่ได้ใช้ systemd) ตรวจเองด้วย nft list ruleset"),
    }
}

/// The scheduler's jobs: red when the last run of any of them failed.
fn scheduled_jobs(store: &Store) -> Check {
    const TOPIC: &str = "งานตามกำหนดเวลา (scheduled jobs)";
    match store.run_sync(|c| crate::store::jobs::all(c)) {
        Err(e) => check(TOPIC, Level::Red, format!("อ่านสถานะงานไม่ได้: {e}")),
        Ok(runs) if runs.is_empty() => {
            check(TOPIC, Level::Amber, "ยังไม่เคยทำงาน (เริ่มเมื่อเปิดเซิร์ฟเวอร์ด้วย prakat serve)")
        }
        Ok(runs) => {
            let failed: Vec<String> = runs
                .iter()
                .filter(|r| r.ok == Some(false))
                .map(|r| {
                    format!("{} ({}): {}", r.label, when(r.finished_at.unwrap_or(r.started_at)), r.message)
                })
                .collect();
            if failed.is_empty() {
                check(TOPIC, Level::Green, format!("ทำงานตามปกติ {} งาน", runs.len()))
            } else {
                check(TOPIC, Level::Red, format!("ครั้งล่าสุดไม่สำเร็จ: {}", failed.join("; ")))
            }
        }
    }
}

fn days(n: i64) -> String {
    n.to_string()
}

/// A Unix time as a short Buddhist-Era date and time.
fn when(at: i64) -> String {
    thai::datetime_short(jiff::Timestamp::from_second(at).unwrap_or_default(), Digits::Arabic)
}

fn certificate(cert: Option<&Certificate>, config: &Config, now: i64) -> Check {
    const TOPIC: &str = "ใบรับรอง HTTPS (certificate)";
    let Some(cert) = cert else {
        return check(TOPIC, Level::Amber, "ยังไม่เปิด HTTPS (เริ่มด้วย serve --https 0.0.0.0:443)");
    };
    let left = (cert.not_after - now) / 86_400;
    let mode = match config.settings.tls.mode {
        TlsMode::SelfSigned => "ใบรับรองที่ออกเอง (self-signed)",
        TlsMode::Manual => "ใบรับรองจากไฟล์ (manual)",
        TlsMode::Acme => "Let's Encrypt (ACME)",
    };
    let detail =
        format!("{mode}, ใช้อยู่: {}, หมดอายุ {} (อีก {} วัน)", cert.source, when(cert.not_after), days(left));
    let level = if left < 7 {
        Level::Red
    } else if left < 21 || cert.last_error.is_some() || cert.source.contains("pending") {
        Level::Amber
    } else {
        Level::Green
    };
    match &cert.last_error {
        Some(e) => check(TOPIC, level, format!("{detail}; ต่ออายุไม่สำเร็จ: {e}")),
        None => check(TOPIC, level, detail),
    }
}

fn last_backup(store: &Store, config: &Config, now: i64) -> Check {
    const TOPIC: &str = "สำรองข้อมูล (backup)";
    let scheduled = config.settings.backups.time().is_some();
    match store.run_sync(|c| crate::store::backups::last(c)) {
        Err(e) => check(TOPIC, Level::Red, format!("อ่านประวัติการสำรองไม่ได้: {e}")),
        Ok(None) if scheduled => check(TOPIC, Level::Amber, "ยังไม่เคยสำรองข้อมูล (จะสำรองตามเวลาที่ตั้งไว้)"),
        Ok(None) => check(TOPIC, Level::Red, "ยังไม่เคยสำรองข้อมูล และปิดการสำรองอัตโนมัติไว้"),
        Ok(Some(run)) if !run.ok => check(TOPIC, Level::Red, format!("ครั้งล่าสุดไม่สำเร็จ: {}", run.message)),
        Ok(Some(run)) => {
            let hours = (now - run.at) / 3600;
            let detail = format!("สำเร็จเมื่อ {} ชั่วโมงที่แล้ว: {}", days(hours), run.path);
            let level = if hours > 72 {
                Level::Red
            } else if hours > 26 || !scheduled {
                Level::Amber
            } else {
                Level::Green
            };
            let detail = if scheduled {
                detail
            } else {
                format!("{detail} (ปิดการสำรองอัตโนมัติไว้)")
            };
            check(TOPIC, level, detail)
        }
    }
}

/// The data directory itself, checked without creating or changing anything: missing, not a
/// folder, on a read-only file system, or not writable by this user (the folder or the files
/// the server writes).
pub fn data_dir_check(data_dir: &Path) -> Check {
    const TOPIC: &str = "โฟลเดอร์ข้อมูล (data directory)";
    let shown = data_dir.display();
    let meta = match std::fs::metadata(data_dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return check(TOPIC, Level::Red, format!("{shown}: ไม่พบโฟลเดอร์นี้ (missing)"));
        }
        Err(e) => return check(TOPIC, Level::Red, format!("{shown}: เข้าถึงไม่ได้ ({e})")),
    };
    if !meta.is_dir() {
        return check(TOPIC, Level::Red, format!("{shown}: ไม่ใช่โฟลเดอร์ (not a directory)"));
    }
    if rustix::fs::statvfs(data_dir).is_ok_and(|v| v.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY)) {
        return check(
            TOPIC,
            Level::Red,
            format!("{shown}: อยู่บนดิสก์ที่เมานต์แบบอ่านอย่างเดียว เขียนข้อมูลไม่ได้ (read-only file system)"),
        );
    }
    let rw = rustix::fs::Access::READ_OK | rustix::fs::Access::WRITE_OK;
    let mut denied = Vec::new();
    for name in [".", "prakat.db", "prakat.db-wal", "files", "logs", "backups", "certs"] {
        let path = data_dir.join(name);
        if path.exists() && rustix::fs::access(&path, rw).is_err() {
            denied.push(if name == "." { shown.to_string() } else { path.display().to_string() });
        }
    }
    if !denied.is_empty() {
        return check(
            TOPIC,
            Level::Red,
            format!(
                "ผู้ใช้นี้เขียนไม่ได้ (permission denied): {} — ใช้ `sudo prakat doctor` หรือแก้เจ้าของไฟล์ให้เป็นผู้ใช้ของบริการ",
                denied.join(", ")
            ),
        );
    }
    check(TOPIC, Level::Green, format!("{shown}: อ่านและเขียนได้"))
}

/// `PRAGMA quick_check` of the database in `data_dir`, opened read-only (never created).
pub fn quick_check(data_dir: &Path) -> Check {
    const TOPIC: &str = "ความสมบูรณ์ของฐานข้อมูล (PRAGMA quick_check)";
    let path = data_dir.join(crate::store::DB_FILE);
    if !path.exists() {
        return check(TOPIC, Level::Red, format!("{}: ไม่พบฐานข้อมูล (missing)", path.display()));
    }
    let run = |uri: String| crate::store::upkeep::quick_check(&uri);
    // On a read-only disk the WAL index cannot be made; then the file is read as it is.
    let uri = |extra: &str| {
        format!("file:{}?mode=ro{extra}", path.display().to_string().replace('?', "%3f").replace('#', "%23"))
    };
    match run(uri("")).or_else(|_| run(uri("&immutable=1"))) {
        Ok(lines) if lines == ["ok"] => check(TOPIC, Level::Green, format!("{}: ok", path.display())),
        Ok(lines) => check(
            TOPIC,
            Level::Red,
            format!(
                "{}: เสียหาย (damaged): {} — กู้คืนจากไฟล์สำรอง (prakat restore)",
                path.display(),
                lines.join("; ")
            ),
        ),
        Err(e) => check(TOPIC, Level::Red, format!("{}: ตรวจไม่ได้ ({e}) — ไฟล์อาจเสียหาย", path.display())),
    }
}

/// The lines that need no database: for `doctor` when the database cannot be opened.
pub fn report_without_database(inputs: &Inputs<'_>) -> Vec<Check> {
    let config = inputs.config;
    let now = jiff::Timestamp::now().as_second();
    vec![
        certificate(inputs.certificate.as_ref(), config, now),
        free_disk(&config.data_dir),
        sizes(&config.data_dir),
        update(config, now),
        clock(&config.settings.health.ntp_server),
    ]
}

fn restore_drill(store: &Store, now: i64) -> Check {
    const TOPIC: &str = "ซ้อมกู้คืน (restore drill)";
    match store.run_sync(|c| crate::store::upkeep::last_drill(c)) {
        Err(e) => check(TOPIC, Level::Amber, format!("อ่านผลการซ้อมกู้คืนไม่ได้: {e}")),
        Ok(None) => check(
            TOPIC,
            Level::Amber,
            "ยังไม่เคยซ้อมกู้คืน (ทำเองทุกสัปดาห์เมื่อมีไฟล์สำรอง: กู้คืนไฟล์ล่าสุดลงโฟลเดอร์ชั่วคราวแล้วตรวจ)",
        ),
        Ok(Some(d)) if !d.ok => {
            check(TOPIC, Level::Red, format!("ครั้งล่าสุด ({}) ไม่สำเร็จ: {} {}", when(d.at), d.backup, d.detail))
        }
        Ok(Some(d)) => {
            let level =
                if now - d.at > super::backup::DRILL_EVERY + 86_400 { Level::Amber } else { Level::Green };
            check(TOPIC, level, format!("สำเร็จเมื่อ {}: {} — {}", when(d.at), d.backup, d.detail))
        }
    }
}

fn free_disk(data_dir: &Path) -> Check {
    const TOPIC: &str = "พื้นที่ดิสก์ว่าง (free disk)";
    match rustix::fs::statvfs(data_dir) {
        Err(e) => check(TOPIC, Level::Amber, format!("ตรวจไม่ได้: {e}")),
        Ok(v) => {
            let free = v.f_bavail.saturating_mul(v.f_frsize);
            let total = v.f_blocks.saturating_mul(v.f_frsize).max(1);
            let percent = free.saturating_mul(100) / total;
            let detail = format!(
                "ว่าง {} จาก {} ({}%)",
                thai::file_size(free, Digits::Arabic),
                thai::file_size(total, Digits::Arabic),
                percent
            );
            let level = if free < 1 << 30 || percent < 5 {
                Level::Red
            } else if free < 4 << 30 || percent < 15 {
                Level::Amber
            } else {
                Level::Green
            };
            check(TOPIC, level, detail)
        }
    }
}

/// Total size of the files under `dir`.
pub fn size_of(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match entry.metadata() {
                Ok(m) if m.is_dir() => stack.push(entry.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

fn sizes(data_dir: &Path) -> Check {
    let db: u64 = ["prakat.db", "prakat.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(data_dir.join(f)).ok())
        .map(|m| m.len())
        .sum();
    let files = size_of(&data_dir.join(crate::paths::data::FILES));
    let logs = size_of(&super::traffic::dir(data_dir));
    let backups = size_of(&super::backup::default_dir(data_dir));
    let size = |n| thai::file_size(n, Digits::Arabic);
    check(
        "ขนาดข้อมูล (data sizes)",
        Level::Green,
        format!(
            "ฐานข้อมูล {}, ไฟล์แนบ {}, บันทึกการจราจร {}, ไฟล์สำรอง {}",
            size(db),
            size(files),
            size(logs),
            size(backups)
        ),
    )
}

fn traffic_logs(store: &Store, config: &Config, now: i64) -> Check {
    const TOPIC: &str = "บันทึกการจราจรคอมพิวเตอร์ (traffic logs)";
    let today = thai::today();
    let summary = store.run_sync(|c| {
        let (kept, last) = crate::store::logs::summary(c)?;
        let unsealed = crate::store::logs::unsealed_before(c, today.yesterday().unwrap_or(today))?;
        Ok((kept, last, unsealed))
    });
    let Ok((kept, last, unsealed)) = summary else {
        return check(TOPIC, Level::Red, "อ่านสมุดบันทึกรายวันไม่ได้");
    };
    let mut detail =
        format!("เก็บไว้ {} วัน (กำหนด {} วัน)", days(kept as i64), config.settings.logs.retention_days);
    let mut level = Level::Green;
    match last {
        None => {
            level = Level::Amber;
            detail.push_str("; ยังไม่เคยตรวจความครบถ้วน (prakat logs verify)");
        }
        Some((at, summary)) => {
            let problems = !summary.ends_with(" 0 problems");
            detail.push_str(&format!("; ตรวจล่าสุด {} : {summary}", when(at)));
            if problems {
                level = Level::Red;
            } else if now - at > 2 * 86_400 {
                level = Level::Amber;
            }
        }
    }
    if !unsealed.is_empty() {
        level = Level::Red;
        detail.push_str(&format!("; มี {} วันที่ยังไม่ได้ผนึก", unsealed.len()));
    }
    let copy_dir = config.settings.logs.copy_dir.trim();
    if !copy_dir.is_empty() {
        match super::traffic::mirror_current(store, &config.data_dir, Path::new(copy_dir)) {
            Ok(Some((day, true))) => detail.push_str(&format!("; สำเนาที่ {copy_dir} ครบถึง {day}")),
            Ok(None) => {}
            Ok(Some((day, false))) => {
                level = level.max(Level::Amber);
                detail.push_str(&format!("; สำเนาที่ {copy_dir} ยังไม่มีวันที่ {day}"));
            }
            Err(e) => {
                level = level.max(Level::Amber);
                detail.push_str(&format!("; สำเนาที่ {copy_dir} ใช้ไม่ได้: {e}"));
            }
        }
    }
    check(TOPIC, level, detail)
}

fn update(config: &Config, now: i64) -> Check {
    use super::update::{Install, Marker, Status};
    const TOPIC: &str = "รุ่นของโปรแกรม (update)";
    let running = env!("CARGO_PKG_VERSION");
    if let Ok(install) = Install::current()
        && let Some(Marker::RolledBack { failed, back_to, reason, at, .. }) = install.marker()
        && now - at < 7 * 86_400
    {
        return check(
            TOPIC,
            Level::Red,
            format!("รุ่น {failed} เริ่มไม่สำเร็จ ย้อนกลับเป็น {back_to} เมื่อ {}: {reason}", when(at)),
        );
    }
    let settings = &config.settings.update;
    if settings.mode == UpdateMode::Off || settings.feed.trim().is_empty() {
        return check(
            TOPIC,
            Level::Amber,
            format!("รุ่น {running}; ปิดการตรวจหารุ่นใหม่ไว้ (update.mode = \"off\")"),
        );
    }
    let status = Status::load(&config.data_dir);
    match (&status.available, &status.error, status.checked_at) {
        (_, Some(e), _) => check(TOPIC, Level::Amber, format!("รุ่น {running}; ตรวจ/ติดตั้งรุ่นใหม่ไม่สำเร็จ: {e}")),
        (Some(a), None, _) => {
            check(TOPIC, Level::Amber, format!("รุ่น {running}; มีรุ่นใหม่ {} ให้ติดตั้ง", a.version))
        }
        (None, None, Some(at)) if now - at < 3 * 86_400 => {
            check(TOPIC, Level::Green, format!("รุ่น {running} เป็นรุ่นล่าสุด (ตรวจเมื่อ {})", when(at)))
        }
        _ => check(TOPIC, Level::Amber, format!("รุ่น {running}; ยังไม่ได้ตรวจหารุ่นใหม่ในสามวันที่ผ่านมา")),
    }
}

fn web_masters(store: &Store) -> Check {
    const TOPIC: &str = "ผู้ดูแลเว็บไซต์ (web masters)";
    match store.run_sync(|c| crate::store::users::count_with_role(c, crate::workflow::state::Role::WebMaster))
    {
        Err(e) => check(TOPIC, Level::Red, format!("อ่านบัญชีไม่ได้: {e}")),
        Ok(0) => check(TOPIC, Level::Red, "ไม่มีผู้ดูแลเว็บไซต์ที่ใช้งานอยู่ จึงเผยแพร่ข้อมูลไม่ได้"),
        Ok(1) => check(TOPIC, Level::Amber, "มีผู้ดูแลเว็บไซต์เพียง 1 คน ประกาศฯ ข้อ 4.1 ให้มีอย่างน้อย 2 คน"),
        Ok(n) => check(TOPIC, Level::Green, format!("มีผู้ดูแลเว็บไซต์ {} คน", days(n as i64))),
    }
}

fn overdue_items(store: &Store) -> Check {
    const TOPIC: &str = "ข้อมูลที่พ้นกำหนดเผยแพร่ (items past their end date)";
    let today = thai::today();
    match store.run_sync(|c| crate::store::items::count_overdue(c, today)) {
        Err(e) => check(TOPIC, Level::Red, format!("ตรวจไม่ได้: {e}")),
        Ok(0) => check(TOPIC, Level::Green, "ไม่มีข้อมูลที่พ้นกำหนดแต่ยังแสดงอยู่"),
        Ok(n) => check(
            TOPIC,
            Level::Red,
            format!("มี {} รายการพ้นวันสิ้นสุดแล้วแต่ยังไม่ถูกนำลง (ตัวจัดเวลาไม่ได้ทำงาน?)", days(n)),
        ),
    }
}

/// The clock's offset from an NTP server, in seconds (positive: this clock is behind).
pub fn clock_offset(server: &str) -> anyhow::Result<f64> {
    let mut client = rsntp::SntpClient::new();
    client.set_timeout(Duration::from_secs(2));
    let result = client.synchronize(server)?;
    Ok(result.clock_offset().as_secs_f64())
}

fn clock(server: &str) -> Check {
    const TOPIC: &str = "นาฬิกาของเครื่อง (clock)";
    if server.trim().is_empty() {
        return check(TOPIC, Level::Amber, "ไม่ได้ตั้งเครื่องแม่ข่ายเวลา (health.ntp_server) จึงตรวจไม่ได้");
    }
    match clock_offset(server.trim()) {
        Err(e) => check(TOPIC, Level::Amber, format!("ติดต่อ {server} ไม่ได้ จึงตรวจไม่ได้ ({e})")),
        Ok(offset) => {
            let ms = offset * 1000.0;
            let detail = format!("ต่างจาก {server} {ms:+.1} มิลลิวินาที (กฎหมายกำหนดไม่เกิน 10 มิลลิวินาที)");
            let level = if ms.abs() <= 10.0 {
                Level::Green
            } else if ms.abs() <= 1000.0 {
                Level::Amber
            } else {
                Level::Red
            };
            check(TOPIC, level, detail)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &Path) -> Config {
        Config { data_dir: dir.to_path_buf(), settings: crate::config::Settings::default() }
    }

    #[test]
    fn certificates_turn_amber_then_red_as_expiry_nears() {
        let dir = tempfile::tempdir().unwrap();
        let c = config(dir.path());
        let cert = |days_left: i64| Certificate {
            source: "acme".into(),
            not_after: 1_000_000 + days_left * 86_400,
            last_error: None,
        };
        assert_eq!(certificate(Some(&cert(60)), &c, 1_000_000).level, Level::Green);
        assert_eq!(certificate(Some(&cert(14)), &c, 1_000_000).level, Level::Amber);
        assert_eq!(certificate(Some(&cert(3)), &c, 1_000_000).level, Level::Red);
        assert_eq!(certificate(None, &c, 1_000_000).level, Level::Amber);
        let failing = Certificate { last_error: Some("rate limited".into()), ..cert(60) };
        let line = certificate(Some(&failing), &c, 1_000_000);
        assert_eq!(line.level, Level::Amber);
        assert!(line.detail.contains("rate limited"));
    }

    #[test]
    fn a_fresh_office_is_told_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut c = config(dir.path());
        c.settings.health.ntp_server = String::new();
        c.settings.update.mode = UpdateMode::Off;
        let lines = report(&store, &Inputs { config: &c, certificate: None });
        let level = |topic: &str| lines.iter().find(|l| l.topic.contains(topic)).unwrap().level;
        assert_eq!(level("web masters"), Level::Red, "nobody can publish");
        assert_eq!(level("backup"), Level::Amber, "scheduled, not run yet");
        assert_eq!(level("items past"), Level::Green);
        assert_eq!(level("clock"), Level::Amber, "cannot be checked");
        assert_eq!(level("data sizes"), Level::Green);
    }
}
