//! Every refusal of the workflow over HTTP: wrong role, missing CSRF, bad and oversize files,
//! anonymous access, login throttling, the one-time setup link — and what is left behind.

mod common;

use common::{Client, Server, csrf_of};

fn fields<'a>(csrf: &'a str, topic: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("unit", "กลุ่มงานส่งเสริมสุขภาพ"),
        ("request_date", "2026-11-20"),
        ("topic", topic),
        ("details", "รายงานผลการดำเนินงานคลินิกผู้สูงอายุไตรมาสที่หนึ่ง"),
        ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
        ("requester_position", "นักวิชาการเงินและบัญชี"),
        ("requester_contact", "042 812665"),
        ("category", "general/performance"),
        ("no_end", "on"),
        ("intent", "submit"),
    ]
}

/// Counts of rows and stored files, to prove a refusal left nothing behind.
fn footprint(server: &Server) -> (i64, usize, usize) {
    let db = rusqlite::Connection::open(server.data.join("prakat.db")).unwrap();
    let requests: i64 = db.query_row("SELECT count(*) FROM requests", [], |r| r.get(0)).unwrap();
    let files = walk(&server.data.join("files"));
    let tmp = std::fs::read_dir(server.data.join("files/tmp")).unwrap().count();
    (requests, files, tmp)
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { walk(&p) } else { 1 })
        .sum()
}

#[test]
fn refused_files_name_the_file_keep_the_form_and_leave_nothing() {
    let server = Server::demo();
    let staff = Client::logged_in(&server, "staff");
    let before = footprint(&server);
    let topic = "รายงานผลคลินิกผู้สูงอายุไตรมาส1";

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR rest of a png";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("รูปกิจกรรม.jpg", png.to_vec(), "ไม่ตรงกับนามสกุล"),
        ("โปรแกรม.exe", b"MZ\x90\0".to_vec(), "ไม่อนุญาต"),
        ("ตาราง.xlsx", b"%PDF-1.4 not a workbook".to_vec(), "ไม่ตรงกับนามสกุล"),
        ("ใหญ่เกิน.pdf", [b"%PDF-1.4\n".as_slice(), &vec![b'x'; 4 * 1024 * 1024]].concat(), "4 MB"),
        ("ว่าง.pdf", Vec::new(), "ว่าง"),
    ];
    for (name, bytes, rule) in &cases {
        let token = csrf_of(&staff.get("/staff/requests/new").text());
        let reply = staff.post_multipart(
            "/staff/requests",
            &fields(&token, topic),
            &[("files", "ดี.pdf", b"%PDF-1.4 fine"), ("files", name, bytes)],
        );
        assert_eq!(reply.status, 422, "{name} was not refused");
        let html = reply.text();
        assert!(html.contains(name), "message does not name {name}");
        assert!(html.contains(rule), "message for {name} does not say {rule}");
        assert!(html.contains(&format!("value=\"{topic}\"")), "typed topic lost after refusing {name}");
        assert!(html.contains("รายงานผลการดำเนินงานคลินิกผู้สูงอายุไตรมาสที่หนึ่ง"), "typed details lost");
        assert_eq!(footprint(&server), before, "refusing {name} left something behind");
    }

    // A form error with a good file: nothing is stored either, and the form says why.
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let mut bad = fields(&token, "");
    bad.retain(|(k, _)| *k != "category");
    let reply = staff.post_multipart("/staff/requests", &bad, &[("files", "ดี.pdf", b"%PDF-1.4 fine")]);
    assert_eq!(reply.status, 422);
    let html = reply.text();
    assert!(html.contains("หัวข้อ: ต้องกรอก"));
    assert!(html.contains("หมวดหมู่ที่เสนอ"));
    assert_eq!(footprint(&server), before);
}

#[test]
fn wrong_role_and_missing_csrf_change_nothing() {
    let server = Server::demo();
    let staff = Client::logged_in(&server, "staff");
    let head = Client::logged_in(&server, "head");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let created = staff.post_multipart("/staff/requests", &fields(&token, "คำขอทดสอบสิทธิ์"), &[]);
    let page = created.header("location").unwrap().to_string();

    // Staff cannot approve, even their own request; approvers need the CSRF token.
    let token = csrf_of(&staff.get(&page).text());
    let own = staff.post(&format!("{page}/approve"), &[("csrf", &token)]);
    assert_eq!(own.status, 403);
    assert!(own.text().contains("ไม่มีสิทธิ์"));
    let no_csrf = head.post(&format!("{page}/approve"), &[]);
    assert_eq!(no_csrf.status, 403);
    assert!(no_csrf.text().contains("CSRF"));
    let wrong_csrf = head.post(&format!("{page}/approve"), &[("csrf", "0000")]);
    assert_eq!(wrong_csrf.status, 403);
    assert!(head.get(&page).text().contains("รออนุมัติ"), "still submitted");

    // Staff pages are never stored by browsers.
    assert_eq!(head.get(&page).header("cache-control"), Some("private, no-store"));

    // Staff cannot publish or administer.
    assert_eq!(staff.get(&format!("{page}/publish")).status, 403);
    assert_eq!(staff.get("/admin/users").status, 403);

    // Anonymous visitors are sent to the login page; a forged session cookie is no session.
    let anon = Client::new(&server);
    let r = anon.get("/staff");
    assert_eq!(r.status, 303);
    assert!(r.header("location").unwrap().starts_with("/login?next="));
    let r = anon.post(&format!("{page}/approve"), &[("csrf", "x")]);
    assert_eq!(r.status, 303);

    // Logging out ends the session.
    let token = csrf_of(&staff.get("/staff").text());
    assert_eq!(staff.post("/logout", &[("csrf", &token)]).status, 303);
    assert_eq!(staff.get("/staff").status, 303);
}

#[test]
fn repeated_failed_logins_wait_and_are_audited() {
    let server = Server::demo();
    let c = Client::new(&server);
    for _ in 0..5 {
        let r = c.login("staff", "ผิดรหัสผ่านแน่นอน");
        assert_eq!(r.status, 200);
        assert!(r.text().contains("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"));
    }
    // Even the right password now has to wait.
    let r = c.login("staff", "Prakat-demo-2569");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("กรุณารอ"), "no wait after five failures");
    let admin = Client::logged_in(&server, "admin");
    let csv = admin.get("/admin/audit.csv?action=login").text();
    assert_eq!(csv.matches("login.failed").count(), 5);
    assert!(csv.contains("login.lockout"));
    assert!(csv.contains("login.refused"));
    assert!(!csv.contains("ผิดรหัสผ่านแน่นอน"), "a password was logged");
}

#[test]
fn the_setup_link_creates_the_first_admin_once() {
    let temp = tempfile::tempdir().unwrap();
    let server = Server::start(&temp.path().join("d"), &[]);
    let link = server.printed("setup link: ").expect("a setup link is printed on an empty data directory");
    let path = link.trim_start_matches(&server.base).to_string();
    let c = Client::new(&server);
    let form = c.get(&path);
    assert_eq!(form.status, 200);
    // A weak password is refused with the rule; what was typed stays.
    let weak = c.post(
        &path,
        &[
            ("username", "it-admin"),
            ("name", "นายไอที ดูแลระบบ"),
            ("password", "password123"),
            ("password2", "password123"),
        ],
    );
    assert_eq!(weak.status, 200);
    assert!(weak.text().contains("รหัสผ่าน:"));
    assert!(weak.text().contains("value=\"นายไอที ดูแลระบบ\""));
    let ok = c.post(
        &path,
        &[
            ("username", "it-admin"),
            ("name", "นายไอที ดูแลระบบ"),
            ("password", "ภูหลวงเมืองเลย2569"),
            ("password2", "ภูหลวงเมืองเลย2569"),
        ],
    );
    assert_eq!(ok.status, 303);
    assert_eq!(c.get(&path).status, 403, "the link works once");
    // The first admin (admin, web master, staff) must set up two-step login before anything else.
    let login = c.login("it-admin", "ภูหลวงเมืองเลย2569");
    assert_eq!((login.status, login.header("location")), (303, Some("/staff/totp")));
    assert_eq!(c.get("/admin/users").header("location"), Some("/staff/totp"));
    common::enrol_totp(&c);
    assert_eq!(c.get("/admin/users").status, 200);
}

#[test]
fn user_command_line() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("d");
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write as _;
        let mut child = std::process::Command::new(common::binary())
            .args(args)
            .arg("--data")
            .arg(&data)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let add = [
        "user",
        "add",
        "--username",
        "somchai",
        "--name",
        "นายสมชาย ใจดี",
        "--role",
        "webmaster,approver",
        "--password-stdin",
    ];
    let out = run(&add, "ภูกระดึงเมืองเลย2569\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = run(&add, "ภูกระดึงเมืองเลย2569\n");
    assert!(!again.status.success(), "duplicate user name accepted");
    let weak = run(&["user", "add", "--username", "x", "--name", "เอ็กซ์", "--password-stdin"], "123456\n");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("รหัสผ่าน"));
    let bad_role = run(
        &["user", "add", "--username", "y", "--name", "วาย", "--role", "boss", "--password-stdin"],
        "ภูกระดึงเมืองเลย2569\n",
    );
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("boss"));
    let list = run(&["user", "list"], "");
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.contains("somchai") && listed.contains("approver") && listed.contains("นายสมชาย ใจดี"),
        "{listed}"
    );
    assert!(run(&["user", "disable", "somchai"], "").status.success());
    assert!(String::from_utf8_lossy(&run(&["user", "list"], "").stdout).contains(" no "));
    assert!(run(&["user", "passwd", "somchai", "--password-stdin"], "ภูหลวงเมืองเลย2570\n").status.success());
    assert!(run(&["user", "totp-reset", "somchai"], "").status.success());
    assert!(!run(&["user", "totp-reset", "nobody"], "").status.success());
}

#[test]
fn png_and_gif_pictures_are_accepted_by_their_content() {
    let server = Server::demo();
    let staff = Client::logged_in(&server, "staff");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";
    let gif = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";
    // A GIF named .png is still refused: the type is judged by the content.
    let before = footprint(&server);
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let reply = staff.post_multipart(
        "/staff/requests",
        &fields(&token, "แผนผังอาคาร"),
        &[("files", "แผนผัง.png", gif.as_slice())],
    );
    assert_eq!(reply.status, 422);
    assert!(reply.text().contains("เนื้อไฟล์ไม่ตรงกับนามสกุล .png (เนื้อไฟล์เป็น GIF)"), "{}", reply.text());
    assert_eq!(footprint(&server), before);
    // The form says which types are accepted.
    assert!(staff.get("/staff/requests/new").text().contains(".png .gif"));
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let reply = staff.post_multipart(
        "/staff/requests",
        &fields(&token, "แผนผังอาคาร"),
        &[("files", "แผนผังอาคาร.png", png.as_slice()), ("files", "ป้ายประชาสัมพันธ์.gif", gif.as_slice())],
    );
    assert_eq!(reply.status, 303, "{}", reply.text());
    let page = staff.get(reply.header("location").unwrap()).text();
    for (name, mime, bytes) in
        [("แผนผังอาคาร.png", "image/png", png.as_slice()), ("ป้ายประชาสัมพันธ์.gif", "image/gif", gif.as_slice())]
    {
        assert!(page.contains(name), "{name} listed");
        let at = page.find("href=\"/staff/files/").expect("file link");
        let links: Vec<&str> =
            page[at..].split("href=\"").filter(|l| l.starts_with("/staff/files/")).collect();
        let link = links
            .iter()
            .map(|l| l.split('"').next().unwrap())
            .find(|l| l.ends_with(&prakat::paths::percent_encode_segment(name)))
            .unwrap_or_else(|| panic!("no link to {name}"));
        let file = staff.get(link);
        assert_eq!(file.status, 200);
        assert_eq!(file.header("content-type"), Some(mime));
        assert!(file.body == bytes);
    }
}
