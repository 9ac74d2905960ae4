//! Notifications by e-mail, sent to a real SMTP server (aiosmtpd) listening on loopback.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Client, Server, csrf_of};

/// An aiosmtpd server storing what it receives in a maildir; stopped when dropped.
struct SmtpSink {
    child: Child,
    port: u16,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_sink(maildir: &Path) -> Option<SmtpSink> {
    let available =
        Command::new("python3").args(["-c", "import aiosmtpd"]).status().is_ok_and(|s| s.success());
    if !available {
        let msg = "python3 with aiosmtpd is missing: the e-mail test cannot run (tests/run.sh installs it)";
        assert!(std::env::var("PRAKAT_TEST_STRICT").as_deref() != Ok("1"), "{msg}");
        eprintln!("\n!!!!! SKIPPED: {msg} !!!!!\n");
        return None;
    }
    let port = free_port();
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start aiosmtpd");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(SmtpSink { child, port })
}

/// The decoded subject and body of every message in the maildir.
fn messages(maildir: &Path) -> Vec<String> {
    let script = "import email, email.header, sys\n\
        m = email.message_from_binary_file(open(sys.argv[1], 'rb'))\n\
        subject = str(email.header.make_header(email.header.decode_header(m['Subject'])))\n\
        print(m['To']); print(subject); print(m.get_payload(decode=True).decode('utf-8'))";
    let Ok(entries) = std::fs::read_dir(maildir.join("new")) else { return Vec::new() };
    entries
        .map(|e| {
            let out = Command::new("python3").args(["-c", script]).arg(e.unwrap().path()).output().unwrap();
            String::from_utf8(out.stdout).unwrap()
        })
        .collect()
}

#[test]
fn approvers_are_mailed_when_a_request_is_submitted() {
    let temp = tempfile::tempdir().unwrap();
    let maildir = temp.path().join("mail");
    let Some(sink) = start_sink(&maildir) else { return };
    let data = temp.path().join("data");

    // Demo content, plus an approver who has an e-mail address, and SMTP settings.
    let out =
        Command::new(common::binary()).args(["demo", "--items", "0", "--data"]).arg(&data).output().unwrap();
    assert!(out.status.success());
    let mut add = Command::new(common::binary())
        .args(["user", "add", "--username", "head2", "--name", "นางสมใจ รักษ์สุขภาพ", "--role", "approver"])
        // A second head of the staff account's unit: requests are routed by unit.
        .args(["--unit", "กลุ่มงานบริหารทั่วไป"])
        .args(["--email", "head2@mueangloei.example", "--password-stdin", "--data"])
        .arg(&data)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    add.stdin.take().unwrap().write_all("ภูกระดึงเมืองเลย2569\n".as_bytes()).unwrap();
    assert!(add.wait().unwrap().success());
    let mut settings: toml::Table =
        std::fs::read_to_string(data.join("prakat.toml")).unwrap().parse().unwrap();
    let smtp: toml::Table = format!(
        "host = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n\
         from = \"เว็บไซต์ สสอ.เมืองเลย <web@mueangloei.example>\"\nsite_url = \"https://www.mueangloei.example\"\n",
        sink.port
    )
    .parse()
    .unwrap();
    settings.insert("smtp".into(), toml::Value::Table(smtp));
    let settings = toml::to_string(&settings).unwrap();
    std::fs::write(data.join("prakat.toml"), settings).unwrap();

    let server = Server::start(&data, &[]);
    let staff = Client::logged_in(&server, "staff");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let fields = [
        ("csrf", token.as_str()),
        ("unit", "กลุ่มงานควบคุมโรคติดต่อ"),
        ("request_date", "2026-11-20"),
        ("topic", "ประชาสัมพันธ์วันเอดส์โลก"),
        ("details", "ขอเผยแพร่กำหนดการรณรงค์วันเอดส์โลกวันที่1ธันวาคม"),
        ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
        ("requester_position", "นักวิชาการเงินและบัญชี"),
        ("requester_contact", "042 812665"),
        ("category", "news/general"),
        ("no_end", "on"),
        ("intent", "submit"),
    ];
    let created = staff.post_multipart("/staff/requests", &fields, &[]);
    assert_eq!(created.status, 303);
    let request_path = created.header("location").unwrap().to_string();

    let deadline = Instant::now() + Duration::from_secs(30);
    let mail = loop {
        if let Some(m) = messages(&maildir).into_iter().find(|m| m.contains("head2@mueangloei.example")) {
            break m;
        }
        assert!(Instant::now() < deadline, "no e-mail arrived within 30 s");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(mail.contains("ประชาสัมพันธ์วันเอดส์โลก"), "{mail}");
    assert!(mail.contains("มีคำขอเผยแพร่ข้อมูลรออนุมัติ"), "{mail}");
    assert!(mail.contains(&format!("https://www.mueangloei.example{request_path}")), "{mail}");
    // Only people with an address are mailed: the demo approver has none.
    assert_eq!(messages(&maildir).len(), 1);
}

/// The settings page's "send test e-mail": sent with the SMTP settings as typed (not saved) to
/// the admin's own address; a failure is told in Thai; the settings file is not touched.
#[test]
fn the_settings_page_sends_a_test_email_with_the_typed_settings_and_saves_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let maildir = temp.path().join("mail");
    let Some(sink) = start_sink(&maildir) else { return };
    let data = temp.path().join("data");
    let out =
        Command::new(common::binary()).args(["demo", "--items", "0", "--data"]).arg(&data).output().unwrap();
    assert!(out.status.success());
    for (user, email) in [("admin", "admin@mueangloei.example"), ("head", "head@mueangloei.example")] {
        let edit = Command::new(common::binary())
            .args(["user", "edit", user, "--email", email, "--data"])
            .arg(&data)
            .output()
            .unwrap();
        assert!(edit.status.success(), "{}", String::from_utf8_lossy(&edit.stderr));
    }
    let server = Server::start(&data, &[]);
    let admin = Client::logged_in(&server, "admin");
    let page = admin.get("/admin/settings").text();
    assert!(page.contains("ส่งอีเมลทดสอบ") && page.contains("admin@mueangloei.example"));
    let token = csrf_of(&page);
    let before = std::fs::read(data.join("prakat.toml")).unwrap();
    let port = sink.port.to_string();
    let form = |port: &str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf", token.clone()),
            ("intent", "test-mail".into()),
            ("name_th", "สำนักงานสาธารณสุขอำเภอเมืองเลย".into()),
            ("staff_networks", "127.0.0.0/8".into()),
            ("backups_keep", "14".into()),
            ("backups_second_keep", "14".into()),
            ("cache_max_age", "60".into()),
            ("smtp_host", "127.0.0.1".into()),
            ("smtp_port", port.into()),
            ("smtp_security", "none".into()),
            ("smtp_from", "เว็บไซต์ สสอ.เมืองเลย <web@mueangloei.example>".into()),
        ]
    };
    let send = |fields: &[(&'static str, String)]| {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        admin.post("/admin/settings", &pairs)
    };
    let sent = send(&form(&port));
    assert_eq!(sent.status, 200, "{}", sent.text());
    assert!(sent.text().contains("ส่งอีเมลทดสอบถึง admin@mueangloei.example แล้ว"));
    assert!(sent.text().contains(&format!("value=\"{port}\"")), "the form as typed");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mail = loop {
        if let Some(m) = messages(&maildir).into_iter().find(|m| m.contains("admin@mueangloei.example")) {
            break m;
        }
        assert!(Instant::now() < deadline, "the test e-mail did not arrive");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(mail.contains("ทดสอบการส่งอีเมล"), "{mail}");
    assert_eq!(std::fs::read(data.join("prakat.toml")).unwrap(), before, "nothing saved");

    // Nobody listening: the error is told in Thai, still nothing saved.
    let closed = free_port().to_string();
    let failed = send(&form(&closed));
    assert_eq!(failed.status, 422);
    let text = failed.text();
    assert!(text.contains("ส่งอีเมลทดสอบไม่สำเร็จ: ติดต่อเซิร์ฟเวอร์ไม่ได้"), "{text}");
    assert_eq!(std::fs::read(data.join("prakat.toml")).unwrap(), before, "nothing saved");

    // Saved, the mail server is used at once: the server started without one, and is not
    // restarted, yet the head is mailed about a new request.
    let mut save = form(&port);
    save.retain(|(k, _)| *k != "intent");
    assert_eq!(send(&save).status, 303);
    let staff = Client::logged_in(&server, "staff");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let created = staff.post_multipart(
        "/staff/requests",
        &[
            ("csrf", token.as_str()),
            ("unit", "กลุ่มงานบริหารทั่วไป"),
            ("request_date", "2026-11-20"),
            ("topic", "ประกาศหลังตั้งค่าอีเมล"),
            ("details", "ขอเผยแพร่ประกาศเพื่อทดสอบว่าการตั้งค่าอีเมลมีผลทันที"),
            ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
            ("requester_position", "นักวิชาการเงินและบัญชี"),
            ("requester_contact", "042 812665"),
            ("category", "news/general"),
            ("no_end", "on"),
            ("intent", "submit"),
        ],
        &[],
    );
    assert_eq!(created.status, 303, "{}", created.text());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if messages(&maildir)
            .iter()
            .any(|m| m.contains("head@mueangloei.example") && m.contains("ประกาศหลังตั้งค่าอีเมล"))
        {
            break;
        }
        assert!(Instant::now() < deadline, "no notification within 30 s of saving the SMTP settings");
        std::thread::sleep(Duration::from_millis(200));
    }
}
