//! Traffic logs with the real binary: every request is recorded, `prakat logs verify` finds a
//! changed line, `prakat logs export` gives the records to the authorities.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{Client, Server};

fn prakat(args: &[&str], data: &std::path::Path) -> std::process::Output {
    Command::new(common::binary()).args(args).arg("--data").arg(data).output().unwrap()
}

#[test]
fn requests_are_logged_verified_exported_and_tampering_is_found() {
    let server = Server::demo();
    assert_eq!(server.get("/c/news?page=1").status, 200);
    assert_eq!(server.get("/no-such-page").status, 404);
    let staff = Client::logged_in(&server, "staff");
    assert_eq!(staff.get("/staff").status, 200);
    std::thread::sleep(Duration::from_millis(1500)); // flushed at least every second

    let today = prakat::thai::today();
    let file = server.data.join(format!("logs/traffic-{today}.jsonl"));
    let text = std::fs::read_to_string(&file).expect("today's traffic log");
    assert!(text.contains("\"path\":\"/c/news?page=1\"") && text.contains("\"status\":404"));
    assert!(text.contains("+07:00"), "Bangkok time with offset");

    let ok = prakat(&["logs", "verify"], &server.data);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let admin = Client::logged_in(&server, "admin");
    let system = admin.get("/admin/system").text();
    assert!(system.contains("บันทึกข้อมูลจราจรทางคอมพิวเตอร์") && system.contains("0 problems"), "{system}");

    let export =
        prakat(&["logs", "export", "--from", &today.to_string(), "--to", &today.to_string()], &server.data);
    let jsonl = String::from_utf8(export.stdout).unwrap();
    let staff_line =
        jsonl.lines().find(|l| l.contains("\"path\":\"/staff\"")).expect("the staff page is logged");
    assert!(!staff_line.contains("\"account\":null"), "the account is recorded: {staff_line}");
    let csv = prakat(
        &["logs", "export", "--from", &today.to_string(), "--to", &today.to_string(), "--format", "csv"],
        &server.data,
    );
    // The shared CSV writer: a byte-order mark for Excel first.
    assert!(
        String::from_utf8_lossy(&csv.stdout).starts_with("\u{feff}time,client,forwarded,method,path,status")
    );

    // Someone edits a line: verify names the day and the line, and fails.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[0] = lines[0].replace("127.0.0.1", "10.9.9.9");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let bad = prakat(&["logs", "verify"], &server.data);
    assert!(!bad.status.success());
    let report = String::from_utf8_lossy(&bad.stdout);
    assert!(report.contains(&format!("{today} บรรทัด 1")) && report.contains("modified"), "{report}");
}
