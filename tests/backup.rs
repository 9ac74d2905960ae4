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
        let mut stmt = db.prepare(&format!("SELECT * FROM {table} ORDER BY 1")).unwrap();
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

#[test]
fn backup_while_running_verify_and_restore_into_a_fresh_directory() {
    let server = Server::demo();
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
    let original = snapshot(&server.data);
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
