//! Backups with the real binary: made while the server runs, verified, a damaged zip refused,
//! and restored into a fresh directory with every row and file equal to the original.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::Server;

fn prakat(args: &[&str], data: &Path) -> std::process::Output {
    Command::new(common::binary()).args(args).arg("--data").arg(data).output().unwrap()
}

/// Every row of the tables that matter, as text, and every stored file with its bytes.
fn snapshot(data: &Path) -> (BTreeMap<String, Vec<String>>, BTreeMap<String, Vec<u8>>) {
    let db = rusqlite::Connection::open(data.join("prakat.db")).unwrap();
    let mut rows = BTreeMap::new();
    for table in ["items", "attachments", "blobs", "users", "requests", "audit", "notifications"] {
        // The restore records itself in the audit trail; everything else must be equal.
        let only = if table == "audit" { " WHERE action != 'backup.restore'" } else { "" };
        let mut stmt = db.prepare(&format!("SELECT * FROM {table}{only} ORDER BY 1")).unwrap();
        let n = stmt.column_count();
        let all: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.insert(table.to_string(), all);
    }
    let mut files = BTreeMap::new();
    let mut stack = vec![data.join("files")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.insert(p.strip_prefix(data).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    (rows, files)
}

/// The snapshot once the freshly started server has finished its first duties (the scheduler's
/// first pass, the mailer's first look at the outbox): two readings a second apart agree.
fn settled(data: &Path) -> (BTreeMap<String, Vec<String>>, BTreeMap<String, Vec<u8>>) {
    let mut last = snapshot(data);
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_secs(1));
        let now = snapshot(data);
        if now == last {
            return now;
        }
        last = now;
    }
    panic!("the data directory kept changing");
}

#[test]
fn backup_while_running_verify_and_restore_into_a_fresh_directory() {
    let server = Server::demo();
    let original = settled(&server.data);
    let made = prakat(&["backup", "now"], &server.data);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let listed = String::from_utf8(prakat(&["backup", "list"], &server.data).stdout).unwrap();
    let zip = listed.split_whitespace().next().expect("one backup listed").to_string();
    assert!(prakat(&["backup", "verify", &zip], &server.data).status.success());

    // A restore is refused while the server holds the directory.
    let refused = prakat(&["restore", &zip], &server.data);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("another prakat"));

    // Into a fresh directory: every row and every file as in the original.
    let temp = tempfile::tempdir().unwrap();
    let kept = temp.path().join("prakat-backup-copy.zip");
    std::fs::copy(&zip, &kept).unwrap();
    let zip = kept.to_string_lossy().into_owned();
    let fresh = temp.path().join("restored");
    let restored = prakat(&["restore", &zip], &fresh);
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    let copy = snapshot(&fresh);
    assert!(!original.0["items"].is_empty() && !original.1.is_empty());
    assert_eq!(original.0, copy.0, "rows differ after restore");
    assert_eq!(original.1, copy.1, "files differ after restore");
    // The restored directory serves the same site.
    drop(server);
    let again = Server::start(&fresh, &[]);
    assert_eq!(again.get("/c/law/announcements").status, 200);
    drop(again);

    // Restoring over existing data keeps the old data aside.
    let over = prakat(&["restore", &zip], &fresh);
    assert!(over.status.success(), "{}", String::from_utf8_lossy(&over.stderr));
    let aside: Vec<_> = std::fs::read_dir(temp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("restored.before-restore-"))
        .collect();
    assert_eq!(aside.len(), 1, "the previous data is kept");

    // A damaged zip is refused with the entry named.
    let mut bytes = std::fs::read(&zip).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xFF;
    let broken = temp.path().join("prakat-backup-broken.zip");
    std::fs::write(&broken, bytes).unwrap();
    let bad = prakat(&["backup", "verify", broken.to_str().unwrap()], &fresh);
    assert!(!bad.status.success());
    assert!(!String::from_utf8_lossy(&bad.stderr).is_empty());
}

#[test]
fn scheduled_and_admin_backups_and_a_failure_is_never_silent() {
    // Due since midnight: the scheduler makes one right after start.
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("d");
    assert!(prakat(&["demo", "--items", "0"], &data).status.success());
    common::set_settings(&data, "backups", "daily_at = \"00:00\"\nkeep = 2");
    let server = Server::start(&data, &[]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::read_dir(data.join("backups")).map_or(0, |d| d.count()) == 0 {
        assert!(std::time::Instant::now() < deadline, "no scheduled backup");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let admin = common::Client::logged_in(&server, "admin");
    let page = admin.get("/admin/backups").text();
    assert!(page.contains("สำเร็จ") && page.contains("prakat-backup-"), "{page}");
    assert!(page.contains("เมื่อ 0 นาทีที่แล้ว"), "each backup shows its age: {page}");
    let name = page.split("href=\"/admin/backups/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let zip = admin.get(&format!("/admin/backups/{name}"));
    assert_eq!(zip.status, 200);
    assert!(zip.body.starts_with(b"PK\x03\x04"));
    assert_eq!(common::Client::logged_in(&server, "staff").get("/admin/backups").status, 403);
    drop(server);

    // A second destination that cannot be written: the failure shows on every admin page.
    common::set_settings(&data, "backups", "daily_at = \"\"\nsecond_dir = \"/proc/version/cannot\"");
    let server = Server::start(&data, &[]);
    let admin = common::Client::logged_in(&server, "admin");
    let token = common::csrf_of(&admin.get("/admin/backups").text());
    assert_eq!(admin.post("/admin/backups", &[("csrf", &token)]).status, 303);
    for path in ["/admin/backups", "/admin/users", "/staff"] {
        assert!(admin.get(path).text().contains("การสำรองข้อมูลครั้งล่าสุดไม่สำเร็จ"), "no banner on {path}");
    }
    let csv = admin.get("/admin/audit.csv?action=backup").text();
    assert!(csv.contains("backup.ok") && csv.contains("backup.failed"), "{csv}");
}
