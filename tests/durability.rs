//! Nothing lost, with the real binary: an in-place restore keeps the traffic logs (they verify
//! the same before and after), the backups and the settings' mode; a manifest-only zip is
//! refused; a console backup is recorded; crash leftovers are swept at start; a non-ASCII
//! User-Agent is logged escaped; `doctor` always prints its report; and, under strace, an
//! upload is synced with its folder before the row that names it commits.

mod common;

use std::io::{Read as _, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use common::{Client, Server, csrf_of};

fn prakat(args: &[&str], data: &Path) -> Output {
    Command::new(common::binary()).args(args).arg("--data").arg(data).output().unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn strict() -> bool {
    std::env::var("PRAKAT_TEST_STRICT").is_ok_and(|v| v == "1")
}

fn is_root() -> bool {
    String::from_utf8_lossy(&Command::new("id").arg("-u").output().unwrap().stdout).trim() == "0"
}

/// The "verified N lines" line of `prakat logs verify` (which must succeed).
fn logs_verified(data: &Path) -> String {
    let out = prakat(&["logs", "verify"], data);
    assert!(out.status.success(), "logs verify: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().to_string()
}

/// Stops a server once its traffic log has reached the disk (written at least every second).
fn stop(server: Server) {
    std::thread::sleep(Duration::from_millis(1500));
    drop(server);
}

fn age(path: &Path, secs: u64) {
    let when = SystemTime::now() - Duration::from_secs(secs);
    std::fs::File::open(path).unwrap().set_modified(when).unwrap();
}

#[test]
fn in_place_restore_keeps_logs_backups_and_the_settings_mode() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("prakat-data");
    let server = Server::start(&data, &["--demo"]);
    for path in ["/", "/c/news", "/no-such-page"] {
        server.get(path);
    }
    stop(server);
    // No time server from a test (loopback only).
    common::set_settings(&data, "health", "ntp_server = \"\"");
    let before = logs_verified(&data);

    // A console backup is recorded like a scheduled one.
    let made = prakat(&["backup", "now"], &data);
    assert!(made.status.success(), "{}", text(&made));
    let runs: i64 = rusqlite::Connection::open(data.join("prakat.db"))
        .unwrap()
        .query_row("SELECT count(*) FROM backup_runs WHERE ok = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 1, "the console backup is in the record");
    let doctor = prakat(&["doctor"], &data);
    assert!(!text(&doctor).contains("ยังไม่เคยสำรองข้อมูล"), "{}", text(&doctor));
    let audit = prakat(&["backup", "list"], &data);
    let zip = String::from_utf8_lossy(&audit.stdout).split_whitespace().next().unwrap().to_string();

    // More traffic after the backup, and settings that hold a password.
    let server = Server::start(&data, &[]);
    server.get("/c/law/announcements");
    stop(server);
    common::set_settings(
        &data,
        "smtp",
        "host = \"smtp.example.go.th\"\nusername = \"web\"\npassword = \"s3cret\"\nfrom = \"web@example.go.th\"",
    );
    std::fs::set_permissions(data.join("prakat.toml"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let backup_settings = prakat(&["backup", "now"], &data);
    assert!(backup_settings.status.success());
    let zip = {
        let listed = String::from_utf8(prakat(&["backup", "list"], &data).stdout).unwrap();
        // The newest (it holds the 0600 settings).
        let newest = listed.split_whitespace().next().unwrap().to_string();
        assert_ne!(newest, zip);
        let copy = temp.path().join("prakat-backup-to-restore.zip");
        std::fs::copy(&newest, &copy).unwrap();
        copy
    };
    let server = Server::start(&data, &[]);
    server.get("/after-the-backup");
    stop(server);
    let before_restore = logs_verified(&data);
    assert_ne!(before, before_restore, "more lines");

    let restored = prakat(&["restore", zip.to_str().unwrap()], &data);
    assert!(restored.status.success(), "{}", text(&restored));
    assert_eq!(logs_verified(&data), before_restore, "the logs verify exactly as before the restore");
    let listed = String::from_utf8(prakat(&["backup", "list"], &data).stdout).unwrap();
    assert_eq!(listed.lines().count(), 2, "the backups stay: {listed}");
    let mode = std::fs::metadata(data.join("prakat.toml")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "prakat.toml keeps its mode");

    // Today's chain goes on after the restore.
    let server = Server::start(&data, &[]);
    server.get("/after-the-restore");
    stop(server);
    let after = logs_verified(&data);
    assert_ne!(after, before_restore);

    // A zip with only a manifest is refused, and nothing changes.
    let empty = temp.path().join("prakat-backup-empty.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&empty).unwrap());
        zip.start_file("manifest.json", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(br#"{"prakat_version":"0.1.0","schema_version":10,"created_at":"2026-12-01T02:00:00+07:00","entries":[]}"#).unwrap();
        zip.finish().unwrap();
    }
    let refused = prakat(&["backup", "verify", empty.to_str().unwrap()], &data);
    assert!(!refused.status.success() && text(&refused).contains("no database"), "{}", text(&refused));
    let refused = prakat(&["restore", empty.to_str().unwrap()], &data);
    assert!(!refused.status.success(), "{}", text(&refused));
    assert_eq!(logs_verified(&data), after);
}

#[test]
fn crash_leftovers_are_swept_at_start_and_audited() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("prakat-data");
    assert!(prakat(&["demo", "--items", "0"], &data).status.success());
    let upload = data.join("files/tmp/.tmpCrash1");
    std::fs::write(&upload, vec![7u8; 20_000]).unwrap();
    age(&upload, 7200);
    std::fs::create_dir_all(data.join("backups")).unwrap();
    let partial = data.join("backups/.tmpPartial");
    std::fs::write(&partial, vec![0u8; 42_000]).unwrap();
    age(&partial, 7200);
    let restoring = temp.path().join(".prakat-data.restoring-Crash");
    std::fs::create_dir_all(&restoring).unwrap();
    std::fs::write(restoring.join("prakat.db"), b"half").unwrap();
    age(&restoring, 7200);
    let orphan = data.join(format!("files/ee/{}", "e".repeat(64)));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"%PDF-1.4 orphan").unwrap();
    age(&orphan, 7200);

    let server = Server::start(&data, &[]);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while orphan.exists() || upload.exists() || partial.exists() || restoring.exists() {
        assert!(std::time::Instant::now() < deadline, "the leftovers are still there");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(data.join(format!("quarantine/files/ee/{}", "e".repeat(64))).exists(), "quarantined first");
    let admin = Client::logged_in(&server, "admin");
    let csv = admin.get("/admin/audit.csv?action=sweep").text();
    assert!(csv.contains("sweep.remove") && csv.contains("sweep.quarantine"), "{csv}");
}

#[test]
fn a_non_ascii_user_agent_is_logged_escaped() {
    let server = Server::demo();
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    conn.write_all(
        b"GET /?ua=thai HTTP/1.1\r\nHost: x\r\nUser-Agent: Bot/1.0 \xe0\xb8\x97\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut reply = Vec::new();
    let _ = conn.read_to_end(&mut reply);
    assert!(reply.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&reply));
    std::thread::sleep(Duration::from_millis(1500));
    let today = prakat::thai::today();
    let log = std::fs::read_to_string(server.data.join(format!("logs/traffic-{today}.jsonl"))).unwrap();
    let line = log.lines().find(|l| l.contains("ua=thai")).expect("the request is logged");
    assert!(line.contains(r#""agent":"Bot/1.0 \\xE0\\xB8\\x97""#), "{line}");
    assert!(prakat(&["logs", "verify"], &server.data).status.success());
}

#[test]
fn doctor_always_prints_its_report() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();

    // Missing: said, and not created.
    let missing = temp.path().join("no-such-data");
    let out = prakat(&["doctor"], &missing);
    assert!(!out.status.success());
    let report = text(&out);
    assert!(
        report.contains("[FAIL]") && report.contains("(data directory)") && report.contains("missing"),
        "{report}"
    );
    assert!(report.contains("(PRAGMA quick_check)"), "{report}");
    assert!(!missing.exists(), "doctor creates nothing");

    let data = temp.path().join("data");
    assert!(prakat(&["demo", "--items", "0"], &data).status.success());
    common::set_settings(&data, "health", "ntp_server = \"\"");
    let out = prakat(&["doctor"], &data);
    let report = text(&out);
    assert!(report.contains("[ ok ] ปกติ — โฟลเดอร์ข้อมูล (data directory)"), "{report}");
    assert!(report.contains("[ ok ] ปกติ — ความสมบูรณ์ของฐานข้อมูล (PRAGMA quick_check)"), "{report}");

    // Not writable by the user running it: the line names the folder, the report goes on.
    if is_root() && Path::new("/usr/bin/setpriv").exists() {
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(common::binary())
            .args(["doctor", "--data"])
            .arg(&data)
            .output()
            .unwrap();
        let report = text(&out);
        assert!(!out.status.success());
        assert!(report.contains("(data directory)") && report.contains("permission denied"), "{report}");
        assert!(report.contains(&data.display().to_string()), "{report}");
        assert!(report.contains("(free disk)"), "the rest of the report is printed: {report}");
    } else {
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
        let report = text(&prakat(&["doctor"], &data));
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(report.contains("permission denied"), "{report}");
    }

    // A damaged database: the quick_check line says so, the report is still printed.
    let db = data.join("prakat.db");
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 8 * 4096);
    for b in &mut bytes[3 * 4096 + 100..6 * 4096] {
        *b = 0x5A;
    }
    std::fs::write(&db, bytes).unwrap();
    let out = prakat(&["doctor"], &data);
    let report = text(&out);
    assert!(!out.status.success());
    let line = report.lines().find(|l| l.contains("(PRAGMA quick_check)")).expect(&report);
    assert!(line.starts_with("[FAIL]"), "{report}");
    assert!(report.contains("(free disk)"), "{report}");
}

#[test]
fn an_upload_reaches_the_disk_with_its_folder_before_its_row_commits() {
    if Command::new("sh").args(["-c", "command -v strace"]).output().unwrap().stdout.is_empty() {
        eprintln!("\n*** strace is not installed (tests/run.sh installs it) — skipped ***\n");
        assert!(!strict(), "strace is not installed");
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    assert!(prakat(&["demo", "--items", "0"], &data).status.success());
    let trace = temp.path().join("trace");
    let wrapper = temp.path().join("prakat-under-strace");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec strace -f -qq -y -s 8192 -o {} -e trace=fsync,fdatasync,rename,renameat,renameat2,pwrite64 {} \"$@\"\n",
            trace.display(),
            common::binary()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let server = Server::start_binary(&wrapper, &data, &[]);
    let staff = Client::logged_in(&server, "staff");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let pdf = b"%PDF-1.4 power-safe upload test\n".repeat(50);
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf));
    let today = prakat::thai::today().to_string();
    let created = staff.post_multipart(
        "/staff/requests",
        &[
            ("csrf", &token),
            ("unit", "กลุ่มงานบริหารทั่วไป"),
            ("request_date", &today),
            ("topic", "ทดสอบการเขียนลงดิสก์"),
            ("details", "รายละเอียด"),
            ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
            ("requester_position", "นักวิชาการ"),
            ("requester_contact", "042 812665"),
            ("category", "news/general"),
            ("no_end", "on"),
            ("intent", "submit"),
        ],
        &[("files", "ประกาศ.pdf", &pdf)],
    );
    assert_eq!(created.status, 303, "{}", created.text());
    // strace does not take its tracee down when killed: stop the server itself (the first pid
    // in the trace) first.
    let pid = std::fs::read_to_string(&trace).unwrap().split_whitespace().next().unwrap().to_string();
    let _ = Command::new("kill").arg(&pid).status();
    std::thread::sleep(Duration::from_millis(500));
    drop(server);
    let trace = std::fs::read_to_string(&trace).unwrap();
    let lines: Vec<&str> = trace.lines().collect();
    let find = |from: usize, what: &dyn Fn(&str) -> bool| -> usize {
        from + lines[from..]
            .iter()
            .position(|l| what(l))
            .unwrap_or_else(|| panic!("not found after line {from}:\n{trace}"))
    };
    let blob = format!("files/{}/{sha}", &sha[..2]);
    let renamed = find(0, &|l: &str| l.contains("rename") && l.contains(&blob) && l.contains("files/tmp/"));
    // The temporary file was synced before it got its name.
    let tmp_name =
        lines[renamed].split("files/tmp/").nth(1).unwrap().split(['"', '>']).next().unwrap().to_string();
    assert!(
        lines[..renamed]
            .iter()
            .any(|l| l.contains("fsync(") && l.contains(&format!("files/tmp/{tmp_name}>"))),
        "the file is synced before its rename:\n{trace}"
    );
    // Then the folder holding the new name, then the WAL write and sync that commit the row.
    // The WAL write is the one whose page holds the blob's sha256 (strace prints 8 kB of each
    // write): other threads (visits, the traffic-log checkpoint) may write the WAL meanwhile.
    let dir_synced =
        find(renamed, &|l: &str| l.contains("fsync(") && l.contains(&format!("files/{}>", &sha[..2])));
    let wal_write = find(renamed, &|l: &str| {
        l.contains("pwrite64(") && l.contains("prakat.db-wal>") && l.contains(sha.as_str())
    });
    assert!(
        dir_synced < wal_write,
        "the folder is synced before the commit:\n{}",
        lines[renamed..=wal_write].join("\n")
    );
    let wal_sync = find(wal_write, &|l: &str| {
        (l.contains("fsync(") || l.contains("fdatasync(")) && l.contains("prakat.db-wal>")
    });
    assert!(wal_sync > wal_write, "synchronous=FULL: the commit is synced");
}

/// Bytes the process made the kernel write to storage so far (`write_bytes` of /proc/PID/io),
/// and the bytes it passed to write calls (`wchar`).
fn io_of(pid: &str) -> (u64, u64) {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap();
    let field = |name: &str| -> u64 {
        io.lines().find_map(|l| l.strip_prefix(name)).unwrap().trim().parse().unwrap()
    };
    (field("write_bytes:"), field("wchar:"))
}

/// The pid of the server serving `data`.
fn pid_serving(data: &Path) -> String {
    let needle = data.display().to_string();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(" serve ") && cmdline.contains(&needle) {
            return name;
        }
    }
    panic!("no server for {needle}");
}

/// SD-card wear on a Pi: the bytes the server writes in a simulated office day of 10 000 page
/// views and 20 staff requests (each with a 200 KB PDF), plus the day's timed writes (visit
/// counters every 30 s, the traffic-log checkpoint every minute, the scheduler) measured over two
/// minutes of traffic at the day's pace and counted 720 times (so those views count twice). Target: at most 100 MB a day. Slow (about
/// three minutes) and a measurement, not a check of behaviour: run it by hand with
/// `cargo test --test durability -- --ignored --nocapture sd_card`. Needs a data directory on a
/// real disk (not tmpfs): PRAKAT_WEAR_DIR, default /var/tmp.
#[test]
#[ignore]
fn sd_card_bytes_written_per_day() {
    let base = std::env::var("PRAKAT_WEAR_DIR").unwrap_or_else(|_| "/var/tmp".into());
    let temp = tempfile::tempdir_in(base).unwrap();
    let data = temp.path().join("data");
    assert!(prakat(&["demo", "--items", "300"], &data).status.success());
    let server = Server::start(&data, &[]);
    std::thread::sleep(Duration::from_secs(3)); // the first scheduler pass, the first sweep
    let pid = pid_serving(&data);
    let visitor = Client::new(&server);
    let pages = ["/", "/c/news", "/c/law/announcements", "/stats", "/search?q=ประกาศ", "/c/oia", "/qa"];
    let items: Vec<String> = common::item_links(&visitor.get("/c/news").text());
    let start = io_of(&pid);
    for n in 0..10_000usize {
        let path = if n % 3 == 0 && !items.is_empty() {
            items[n % items.len()].as_str()
        } else {
            pages[n % pages.len()]
        };
        visitor.get(path);
    }
    let staff = Client::logged_in(&server, "staff");
    let pdf = [b"%PDF-1.4\n".as_slice(), &vec![b'x'; 200 * 1024]].concat();
    let today = prakat::thai::today().to_string();
    for n in 0..20 {
        let token = csrf_of(&staff.get("/staff/requests/new").text());
        let topic = format!("คำขอเผยแพร่ที่ {n}");
        let mut pdf = pdf.clone();
        pdf.extend_from_slice(topic.as_bytes());
        let created = staff.post_multipart(
            "/staff/requests",
            &[
                ("csrf", &token),
                ("unit", "กลุ่มงานบริหารทั่วไป"),
                ("request_date", &today),
                ("topic", &topic),
                ("details", "รายละเอียด"),
                ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
                ("requester_position", "นักวิชาการ"),
                ("requester_contact", "042 812665"),
                ("category", "news/general"),
                ("no_end", "on"),
                ("intent", "submit"),
            ],
            &[("files", "ประกาศ.pdf", &pdf)],
        );
        assert_eq!(created.status, 303);
    }
    std::thread::sleep(Duration::from_secs(35)); // the visit counters and the log reach the disk
    let burst = io_of(&pid);
    // Two minutes at the day's own pace (10 000 views a day is 7 a minute): what the timers
    // write (visit counters, the log's flush and checkpoint, the scheduler), counted 720 times.
    for _ in 0..15 {
        visitor.get("/");
        std::thread::sleep(Duration::from_secs(8));
    }
    let quiet = io_of(&pid);
    let burst_bytes = burst.0 - start.0;
    let per_two_minutes = quiet.0 - burst.0;
    let day = burst_bytes + per_two_minutes * 720;
    let mb = |b: u64| b as f64 / 1e6;
    println!(
        "SD-card wear: 10 000 views + 20 requests: {:.1} MB written ({:.1} MB passed to write calls); \
         timed writes: {:.2} MB per 2 minutes -> {:.1} MB a day; total {:.1} MB a day (target 100 MB)",
        mb(burst_bytes),
        mb(burst.1 - start.1),
        mb(per_two_minutes),
        mb(per_two_minutes * 720),
        mb(day)
    );
    assert!(day <= 100_000_000, "more than 100 MB a day: {:.1} MB", mb(day));
}

#[test]
fn serve_names_the_path_when_it_cannot_start() {
    let temp = tempfile::tempdir().unwrap();
    // The data directory is a file: the error says which path.
    let file = temp.path().join("not-a-folder");
    std::fs::write(&file, b"x").unwrap();
    let out = Command::new(common::binary())
        .args(["serve", "--http", "127.0.0.1:0", "--data"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains(&file.display().to_string()), "{}", text(&out));
}
