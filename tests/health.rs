//! The health report, `/admin/health` and `prakat doctor`, against a real NTP server (Debian's
//! chronyd serving its own clock on a loopback port, told not to touch the system clock).

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Client, Server};

/// chronyd on `127.0.0.1:port`, stopped when dropped.
struct Chrony(Child);

impl Drop for Chrony {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chronyd(dir: &Path, port: u16) -> Option<Chrony> {
    let conf = dir.join("chrony.conf");
    std::fs::write(
        &conf,
        format!(
            "port {port}\nbindaddress 127.0.0.1\nallow 127.0.0.1\nlocal stratum 8\ncmdport 0\n\
             pidfile {0}/chronyd.pid\ndriftfile {0}/drift\n",
            dir.display()
        ),
    )
    .unwrap();
    let child = Command::new("chronyd")
        .args(["-x", "-d", "-f"])
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    std::thread::sleep(Duration::from_millis(500));
    Some(Chrony(child))
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn doctor(data: &Path) -> (bool, String) {
    let out = Command::new(common::binary()).arg("doctor").arg("--data").arg(data).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn line<'a>(report: &'a str, topic: &str) -> &'a str {
    report.lines().find(|l| l.contains(topic)).unwrap_or_else(|| panic!("no {topic} line in {report}"))
}

#[test]
fn health_is_reported_on_the_admin_page_and_by_doctor() {
    let temp = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let chrony = chronyd(temp.path(), port);
    if chrony.is_none() {
        let msg = "chronyd missing: the clock check cannot be tested (tests/run.sh installs chrony)";
        assert!(std::env::var("PRAKAT_TEST_STRICT").as_deref() != Ok("1"), "{msg}");
        eprintln!("\n!!!!! SKIPPED: {msg} !!!!!\n");
        return;
    }
    let data = temp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    common::set_settings(&data, "health", &format!("ntp_server = \"127.0.0.1:{port}\""));
    common::set_settings(&data, "security", "totp_required_roles = []");
    common::set_settings(&data, "backups", "daily_at = \"\"");
    common::set_settings(&data, "update", "mode = \"off\"");
    let server = Server::start(&data, &["--demo"]);

    // Never backed up and not scheduled: red, and doctor fails.
    let (ok, report) = doctor(&data);
    assert!(!ok, "{report}");
    assert!(line(&report, "(backup)").starts_with("[FAIL]"), "{report}");
    let clock = line(&report, "(clock)");
    assert!(clock.starts_with("[ ok ]") && clock.contains("มิลลิวินาที"), "same clock, tiny offset: {clock}");
    assert!(line(&report, "(web masters)").starts_with("[ ok ]"), "the demo has two");
    assert!(line(&report, "(items past their end date)").starts_with("[ ok ]"));
    assert!(line(&report, "(certificate)").starts_with("[warn]"), "HTTPS is off");
    assert!(line(&report, "(update)").starts_with("[warn]"), "checks are off");

    // The admin page says the same, in Thai; only admins see it.
    let admin = Client::logged_in(&server, "admin");
    let page = admin.get("/admin/health").text();
    assert!(page.contains("ต้องแก้ไข") && page.contains("ยังไม่เคยสำรองข้อมูล"), "{page}");
    assert!(page.contains("มิลลิวินาที"));
    assert_eq!(Client::logged_in(&server, "webmaster").get("/admin/health").status, 403);

    // A backup later, nothing is red any more.
    let token = common::csrf_of(&admin.get("/admin/backups").text());
    assert_eq!(admin.post("/admin/backups", &[("csrf", &token)]).status, 303);
    let (ok, report) = doctor(&data);
    assert!(ok, "{report}");
    assert!(line(&report, "(backup)").starts_with("[warn]"), "made, but not scheduled: {report}");

    // With the time server gone, the clock cannot be checked: said, not hidden.
    drop(chrony);
    let (_, report) = doctor(&data);
    let clock = line(&report, "(clock)");
    assert!(clock.starts_with("[warn]") && clock.contains("ตรวจไม่ได้"), "{clock}");

    // One web master left: amber, as the rules ask for two.
    let out = Command::new(common::binary())
        .args(["user", "disable", "webmaster2", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_, report) = doctor(&data);
    assert!(line(&report, "(web masters)").starts_with("[warn]"), "{report}");
}
