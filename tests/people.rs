//! People and the office over HTTP: requests routed by unit (heads, the director, acting
//! approvers), account changes with their audit, the last admin, and units made in the browser.

mod common;

use std::process::Command;

use common::{Client, Server, csrf_of};

fn submit(client: &Client, topic: &str) -> String {
    let token = csrf_of(&client.get("/staff/requests/new").text());
    let fields = [
        ("csrf", token.as_str()),
        ("unit", "กลุ่มงาน"),
        ("request_date", "2026-11-20"),
        ("topic", topic),
        ("details", "รายละเอียดของคำขอเพื่อทดสอบการส่งคำขอตามกลุ่มงาน"),
        ("requester_name", "ผู้ขอ"),
        ("requester_position", "ตำแหน่ง"),
        ("requester_contact", "042 812665"),
        ("category", "news/general"),
        ("no_end", "on"),
        ("intent", "submit"),
    ];
    let created = client.post_multipart("/staff/requests", &fields, &[]);
    assert_eq!(created.status, 303, "{}", created.text());
    created.header("location").unwrap().to_string()
}

/// The id of `username` on the accounts page (its name links to the account's page).
fn user_id(page: &str, username: &str) -> String {
    let at = page.find(&format!("<td>{username}</td>")).unwrap_or_else(|| panic!("{username} listed"));
    let rest = &page[at..];
    let link = rest.find("/admin/users/").unwrap() + "/admin/users/".len();
    rest[link..].split(|c: char| !c.is_ascii_digit()).next().unwrap().to_string()
}

fn queue(client: &Client) -> String {
    let page = client.get("/staff").text();
    // The approver's panel comes before "my requests".
    page.split("คำขอของฉัน").next().unwrap_or_default().to_string()
}

fn act(client: &Client, path: &str, action: &str) -> u16 {
    let token = csrf_of(&client.get("/staff").text());
    client.post(&format!("{path}/{action}"), &[("csrf", &token), ("reason", "ทดสอบ")]).status
}

#[test]
fn requests_reach_only_their_units_approvers_and_heads_go_to_the_director() {
    let server = Server::demo();
    let staffhp = Client::logged_in(&server, "staffhp");
    let headhp = Client::logged_in(&server, "headhp");
    let headcd = Client::logged_in(&server, "headcd");
    let head = Client::logged_in(&server, "head");
    let director = Client::logged_in(&server, "director");

    // Unit A's request reaches unit A's head only.
    let topic = "ประกาศกลุ่มงานส่งเสริมสุขภาพ";
    let path = submit(&staffhp, topic);
    assert!(queue(&headhp).contains(topic), "the unit's head has it");
    assert!(headhp.get("/staff").text().contains("มีคำขอเผยแพร่ข้อมูลรออนุมัติ"), "and was told");
    for other in [&headcd, &head, &director] {
        assert!(!queue(other).contains(topic), "another unit's head or the director has it");
    }
    // A head of unit B cannot decide unit A's request.
    assert_eq!(act(&headcd, &path, "approve"), 403);
    assert!(staffhp.get(&path).text().contains("รออนุมัติ"));
    assert_eq!(act(&headhp, &path, "approve"), 303);

    // A head's own request goes to the director (and to the head standing in for the director
    // this week, in the demo), not to the other heads.
    let own = "ประกาศของหัวหน้ากลุ่มงานควบคุมโรค";
    let path = submit(&headcd, own);
    assert!(queue(&director).contains(own));
    assert!(!queue(&headhp).contains(own));
    assert_eq!(act(&headhp, &path, "approve"), 403);
    assert_eq!(act(&headcd, &path, "approve"), 403, "nobody approves their own request");
    // The acting approver decides it, and the trail and the printed form say so.
    assert!(queue(&head).contains(own), "the delegate sees the director's queue");
    assert_eq!(act(&head, &path, "approve"), 303);
    let print = head.get(&format!("{path}/print")).text();
    assert!(print.contains("ปฏิบัติราชการแทน นายแพทย์ประเสริฐ ศรีเมือง"), "{print}");
    assert!(print.contains("<img class=\"emblem\" src=\"/logo?v="), "the office's emblem on the form");
    let admin = Client::logged_in(&server, "admin");
    let trail = admin.get("/admin/audit").text();
    assert!(trail.contains("ปฏิบัติราชการแทน นายแพทย์ประเสริฐ ศรีเมือง"));
}

#[test]
fn a_delegation_moves_the_queue_for_its_dates_only() {
    let server = Server::demo();
    let staffhp = Client::logged_in(&server, "staffhp");
    let headhp = Client::logged_in(&server, "headhp");
    let staff = Client::logged_in(&server, "staff");
    let topic = "ประกาศรอผู้ปฏิบัติราชการแทน";
    let path = submit(&staffhp, topic);

    let users = Client::logged_in(&server, "admin").get("/admin/users").text();
    let id_of = |name: &str| user_id(&users, name);
    let (headhp_id, staff_id) = (id_of("headhp"), id_of("staff"));
    let today = prakat::thai::today();
    let day = |n: i64| today.checked_add(jiff::Span::new().days(n)).unwrap().to_string();

    // Planned for next week: nothing moves yet.
    let token = csrf_of(&headhp.get("/staff/delegations").text());
    let planned = headhp.post(
        "/staff/delegations",
        &[
            ("csrf", &token),
            ("from", &headhp_id),
            ("to", &staff_id),
            ("starts_on", &day(7)),
            ("ends_on", &day(9)),
        ],
    );
    assert_eq!(planned.status, 303, "{}", planned.text());
    assert!(!queue(&staff).contains(topic));
    assert_eq!(act(&staff, &path, "approve"), 403);

    // A bad range is refused, naming the field, and nothing is recorded.
    let bad = headhp.post(
        "/staff/delegations",
        &[
            ("csrf", &token),
            ("from", &headhp_id),
            ("to", &staff_id),
            ("starts_on", &day(3)),
            ("ends_on", &day(1)),
        ],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.text().contains("วันที่สิ้นสุด: ต้องไม่ก่อนวันที่เริ่ม"));
    // Nobody names a delegate for someone else, unless an admin.
    let headcd = Client::logged_in(&server, "headcd");
    let token_cd = csrf_of(&headcd.get("/staff/delegations").text());
    let theirs = headcd.post(
        "/staff/delegations",
        &[
            ("csrf", &token_cd),
            ("from", &headhp_id),
            ("to", &staff_id),
            ("starts_on", &day(0)),
            ("ends_on", &day(1)),
        ],
    );
    assert_eq!(theirs.status, 403);

    // In force today: the delegate sees and decides the queue.
    let now = headhp.post(
        "/staff/delegations",
        &[
            ("csrf", &token),
            ("from", &headhp_id),
            ("to", &staff_id),
            ("starts_on", &day(0)),
            ("ends_on", &day(1)),
        ],
    );
    assert_eq!(now.status, 303);
    assert!(queue(&staff).contains(topic), "the delegate's queue");
    let page = headhp.get("/staff/delegations").text();
    assert_eq!(page.matches("/end\"").count(), 2, "both listed: {page}");
    // The current one is listed first; ended early, the queue goes back at once.
    let end = page.split("/staff/delegations/").nth(1).unwrap();
    let end_id = end.split('/').next().unwrap().to_string();
    let ended = headhp.post(&format!("/staff/delegations/{end_id}/end"), &[("csrf", &token)]);
    assert_eq!(ended.status, 303);
    assert!(!queue(&staff).contains(topic));
    assert_eq!(act(&staff, &path, "approve"), 403);
    assert_eq!(act(&headhp, &path, "approve"), 303);
}

#[test]
fn account_changes_are_audited_and_take_effect_at_once() {
    let server = Server::demo();
    let admin = Client::logged_in(&server, "admin");
    let users = admin.get("/admin/users").text();
    let id_of = |name: &str| user_id(&users, name);
    let (admin_id, wm2_id, staff_id) = (id_of("admin"), id_of("webmaster2"), id_of("staff"));
    let page = admin.get(&format!("/admin/users/{staff_id}")).text();
    assert!(page.contains("value=\"นางสาวณภาพัช สอนสุภาพ\""));
    let token = csrf_of(&page);

    // Bad input: every field named, what was typed kept, nothing written.
    let bad = admin.post(
        &format!("/admin/users/{staff_id}"),
        &[("csrf", &token), ("name", " "), ("email", "napapat@"), ("position", "ตำแหน่งใหม่"), ("active", "1")],
    );
    assert_eq!(bad.status, 422);
    let html = bad.text();
    assert!(html.contains("ชื่อ-นามสกุล: ต้องกรอก") && html.contains("อีเมล:") && html.contains("บทบาท:"));
    assert!(html.contains("value=\"ตำแหน่งใหม่\""));
    assert!(admin.get(&format!("/admin/users/{staff_id}")).text().contains("value=\"นักวิชาการเงินและบัญชี\""));

    // The last active admin cannot lose the role.
    let last = admin.post(
        &format!("/admin/users/{admin_id}"),
        &[("csrf", &token), ("name", "นายธนากร ศรีสุข"), ("roles", "staff"), ("active", "1")],
    );
    assert_eq!(last.status, 422);
    assert!(last.text().contains("ผู้ดูแลระบบที่ใช้งานได้คนสุดท้าย"));

    // Demoting the second web master is allowed, warned, audited, and the rights go at once.
    let webmaster2 = Client::logged_in(&server, "webmaster2");
    assert_eq!(webmaster2.get("/admin/compliance").status, 200);
    let demote = admin.post(
        &format!("/admin/users/{wm2_id}"),
        &[
            ("csrf", &token),
            ("name", "นางสาวศิริพร คำภูแก้ว"),
            ("position", "เจ้าพนักงานธุรการชำนาญงาน"),
            ("roles", "staff"),
            ("active", "1"),
        ],
    );
    assert_eq!(demote.status, 303, "{}", demote.text());
    let saved = admin.get(demote.header("location").unwrap()).text();
    assert!(saved.contains("บันทึกการเปลี่ยนแปลงแล้ว") && saved.contains("ควรมีอย่างน้อย 2 คน"), "{saved}");
    assert_ne!(webmaster2.get("/admin/compliance").status, 200, "the removed right is gone");
    let trail = admin.get("/admin/audit?action=user.").text();
    assert!(trail.contains("แก้ไขข้อมูลบัญชีผู้ใช้"));
    assert!(trail.contains("บทบาท: staff,webmaster → staff"), "{trail}");

    // The console: `prakat user edit` changes, audits, and refuses the last admin.
    let data = server.data.clone();
    let out = Command::new(common::binary())
        .args(["user", "edit", "staff", "--position", "นักวิชาการเงินและบัญชีชำนาญการ", "--unit", "กลุ่มงานใหม่"])
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("กลุ่มงาน: กลุ่มงานบริหารทั่วไป → กลุ่มงานใหม่"));
    let out = Command::new(common::binary())
        .args(["user", "edit", "admin", "--roles", "staff", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ผู้ดูแลระบบที่ใช้งานได้คนสุดท้าย"));
}

#[test]
fn admin_creates_a_unit_and_moves_a_user_into_it() {
    let server = Server::demo();
    let admin = Client::logged_in(&server, "admin");
    let page = admin.get("/admin/units").text();
    assert!(page.contains("กลุ่มงานส่งเสริมสุขภาพ") && page.contains("นางสุดารัตน์ พรหมมา"));
    let token = csrf_of(&page);
    let empty = admin.post("/admin/units", &[("csrf", &token), ("name", "  "), ("short_name", "")]);
    assert_eq!(empty.status, 422);
    assert!(empty.text().contains("ชื่อกลุ่มงาน: ต้องกรอก"));
    let added = admin
        .post("/admin/units", &[("csrf", &token), ("name", "กลุ่มงานคุ้มครองผู้บริโภค"), ("short_name", "คบ.")]);
    assert_eq!(added.status, 303);
    let twice = admin.post("/admin/units", &[("csrf", &token), ("name", "กลุ่มงานคุ้มครองผู้บริโภค")]);
    assert_eq!(twice.status, 422);

    // Move staff into the new unit (no head there): the request goes to the director.
    let users = admin.get("/admin/users").text();
    let staff_id = user_id(&users, "staff");
    let form = admin.get(&format!("/admin/users/{staff_id}")).text();
    let unit_id = form
        .split("<option value=\"")
        .find(|o| o.contains("กลุ่มงานคุ้มครองผู้บริโภค"))
        .and_then(|o| o.split('"').next())
        .unwrap()
        .to_string();
    let moved = admin.post(
        &format!("/admin/users/{staff_id}"),
        &[
            ("csrf", &token),
            ("name", "นางสาวณภาพัช สอนสุภาพ"),
            ("position", "นักวิชาการเงินและบัญชี"),
            ("unit", &unit_id),
            ("roles", "staff"),
            ("active", "1"),
        ],
    );
    assert_eq!(moved.status, 303, "{}", moved.text());
    let staff = Client::logged_in(&server, "staff");
    let topic = "คำขอจากกลุ่มงานที่ยังไม่มีหัวหน้า";
    submit(&staff, topic);
    assert!(queue(&Client::logged_in(&server, "director")).contains(topic));
    assert!(!queue(&Client::logged_in(&server, "headhp")).contains(topic));
}

#[test]
fn a_request_stays_with_the_unit_it_was_made_in_when_its_requester_moves() {
    let server = Server::demo();
    let staffhp = Client::logged_in(&server, "staffhp");
    let topic = "คำขอที่ทำไว้ก่อนย้ายกลุ่มงาน";
    let path = submit(&staffhp, topic);
    let headhp = Client::logged_in(&server, "headhp");
    let headcd = Client::logged_in(&server, "headcd");
    assert!(queue(&headhp).contains(topic));

    // The requester moves from health promotion (A) to disease control (B).
    let admin = Client::logged_in(&server, "admin");
    let users = admin.get("/admin/users").text();
    let id = user_id(&users, "staffhp");
    let form = admin.get(&format!("/admin/users/{id}")).text();
    let unit_b = form
        .split("<option value=\"")
        .find(|o| o.contains("กลุ่มงานควบคุมโรคติดต่อ"))
        .and_then(|o| o.split('"').next())
        .unwrap()
        .to_string();
    let moved = admin.post(
        &format!("/admin/users/{id}"),
        &[
            ("csrf", &csrf_of(&form)),
            ("name", "นางสาวปวีณา ใจงาม"),
            ("position", "พยาบาลวิชาชีพชำนาญการ"),
            ("unit", &unit_b),
            ("roles", "staff"),
            ("active", "1"),
        ],
    );
    assert_eq!(moved.status, 303, "{}", moved.text());

    // The open request still waits for A's head; B's head neither sees nor decides it.
    assert!(queue(&headhp).contains(topic), "still unit A's");
    assert!(!queue(&headcd).contains(topic), "not unit B's");
    assert_eq!(act(&headcd, &path, "approve"), 403);
    // A new request goes to B.
    let later = "คำขอหลังย้ายกลุ่มงาน";
    submit(&staffhp, later);
    assert!(queue(&headcd).contains(later));
    assert!(!queue(&headhp).contains(later));
    assert_eq!(act(&headhp, &path, "approve"), 303);
}

#[test]
fn settings_saved_in_the_browser_survive_a_restart_and_bad_values_write_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let server = Server::start(&data, &["--demo"]);
    let admin = Client::logged_in(&server, "admin");
    assert_eq!(Client::logged_in(&server, "webmaster").get("/admin/settings").status, 403);
    let page = admin.get("/admin/settings").text();
    assert!(page.contains("สำนักงานสาธารณสุขอำเภอเมืองเลย"));
    let token = csrf_of(&page);
    let value = |name: &str| -> String {
        let at = page.find(&format!("name=\"{name}\"")).unwrap_or_else(|| panic!("{name}"));
        let rest = &page[at..];
        let tag_end = rest.find('>').unwrap();
        let tag = &rest[..tag_end];
        if let Some(v) = tag.find("value=\"") {
            return tag[v + 7..].split('"').next().unwrap().replace("&amp;", "&").replace("&quot;", "\"");
        }
        // A textarea's text.
        rest[tag_end + 1..].split("</textarea>").next().unwrap().replace("&amp;", "&").to_string()
    };
    let names = [
        "name_th",
        "name_en",
        "address",
        "phone",
        "fax",
        "email",
        "map_url",
        "links",
        "staff_networks",
        "backups_daily_at",
        "backups_keep",
        "backups_second_dir",
        "backups_second_keep",
        "smtp_host",
        "smtp_port",
        "smtp_username",
        "smtp_from",
        "smtp_site_url",
        "cache_max_age",
        "tls_domain",
        "tls_acme_email",
        "tls_cert_file",
        "tls_key_file",
    ];
    let mut fields: Vec<(String, String)> = names.iter().map(|n| (n.to_string(), value(n))).collect();
    fields.push(("csrf".into(), token.clone()));
    fields.push(("smtp_security".into(), "starttls".into()));
    fields.push(("theme".into(), "green".into()));
    fields.push(("tls_mode".into(), "self-signed".into()));
    // What needs a restart is said beside its field.
    assert!(page.contains("ที่มาของใบรับรอง — ต้องเริ่มโปรแกรมใหม่"), "{page}");
    assert!(page.contains("ข้อมูลหน่วยงาน (มีผลทันที)"));
    let set = |fields: &mut Vec<(String, String)>, k: &str, v: &str| {
        fields.iter_mut().find(|(n, _)| n == k).unwrap().1 = v.into();
    };
    let post = |fields: &Vec<(String, String)>| {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        admin.post("/admin/settings", &pairs)
    };

    // A bad value: refused naming the field, what was typed kept, the file untouched.
    let before = std::fs::read(data.join("prakat.toml")).unwrap();
    let mut bad = fields.clone();
    set(&mut bad, "staff_networks", "127.0.0.0/8\n10.0.0.300/8");
    set(&mut bad, "phone", "042 999 999");
    let refused = post(&bad);
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("เครือข่ายของเจ้าหน้าที่: &quot;10.0.0.300/8&quot; ไม่ใช่เครือข่าย"));
    assert!(refused.text().contains("value=\"042 999 999\""));
    assert_eq!(std::fs::read(data.join("prakat.toml")).unwrap(), before, "nothing written");
    // Let's Encrypt needs a public name, checked as at start; nothing written either.
    let mut acme = fields.clone();
    set(&mut acme, "tls_mode", "acme");
    set(&mut acme, "tls_domain", "192.168.1.10");
    let refused = post(&acme);
    assert_eq!(refused.status, 422);
    assert!(
        refused.text().contains("ชื่อโดเมน: Let&#39;s Encrypt ต้องใช้ชื่อโดเมนสาธารณะ")
            || refused.text().contains("ชื่อโดเมน: Let's Encrypt ต้องใช้ชื่อโดเมนสาธารณะ")
    );
    assert!(refused.text().contains("value=\"192.168.1.10\""));
    assert_eq!(std::fs::read(data.join("prakat.toml")).unwrap(), before, "nothing written");
    // Saving from outside the new staff networks would lock the admin out: refused.
    let mut locked = fields.clone();
    set(&mut locked, "staff_networks", "192.168.50.0/24");
    let refused = post(&locked);
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("ไม่อยู่ในรายการ หากบันทึกคุณจะเข้าหน้านี้ไม่ได้อีก"));
    assert_eq!(std::fs::read(data.join("prakat.toml")).unwrap(), before, "nothing written");

    // A good one: written (0600), audited, and in force at once, without a restart.
    assert!(server.get("/").text().contains("สำนักงานสาธารณสุขอำเภอเมืองเลย"));
    set(&mut fields, "phone", "042 811 234");
    set(&mut fields, "name_th", "สำนักงานสาธารณสุขอำเภอภูเรือ");
    set(&mut fields, "cache_max_age", "120");
    set(&mut fields, "theme", "blue");
    let saved = post(&fields);
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert!(admin.get("/admin/settings?saved=1").text().contains("มีผลทันที"));
    let home = server.get("/");
    assert!(home.text().contains("สำนักงานสาธารณสุขอำเภอภูเรือ"), "the new name at once");
    assert!(home.text().contains("042 811 234"));
    assert!(home.text().contains("class=\"theme-blue\""), "the colour preset");
    assert_eq!(home.header("cache-control").unwrap(), "public, max-age=120, stale-while-revalidate=120");
    assert!(!admin.get("/admin/settings").text().contains("ต้องเริ่มโปรแกรมใหม่จึงจะมีผล"), "nothing waits");
    // A TLS change is saved but waits for a restart, and the page says so.
    let mut tls = fields.clone();
    set(&mut tls, "tls_mode", "acme");
    set(&mut tls, "tls_domain", "www.phuruea.example.go.th");
    set(&mut tls, "tls_acme_email", "it@phuruea.example.go.th");
    assert_eq!(post(&tls).status, 303);
    assert!(admin.get("/admin/settings").text().contains("ต้องเริ่มโปรแกรมใหม่จึงจะมีผล"));
    assert!(std::fs::read_to_string(data.join("prakat.toml")).unwrap().contains("www.phuruea.example.go.th"));
    assert_eq!(post(&fields).status, 303, "back to self-signed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(data.join("prakat.toml")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(admin.get("/admin/audit").text().contains("office.phone"));
    drop(admin);
    drop(server);
    let server = Server::start(&data, &[]);
    let home = server.get("/").text();
    assert!(home.contains("042 811 234"), "the new phone is on the public site");
    assert!(home.contains("สำนักงานสาธารณสุขอำเภอภูเรือ"), "and the new name, after a restart too");
}

/// A 4×3 PNG (the `image` crate is not a test dependency).
fn small_png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00,
        0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x08, 0x06, 0x00, 0x00, 0x00, 0xb4, 0xf4, 0xae, 0xc6, 0x00,
        0x00, 0x00, 0x12, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xe0, 0xce, 0xf3, 0xff, 0x8f, 0x8c, 0x19,
        0x08, 0x0a, 0x00, 0x00, 0x0f, 0xc1, 0x15, 0x55, 0x24, 0x15, 0x6a, 0x72, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ]
}

#[test]
fn the_logo_is_checked_by_its_content_and_used_at_once() {
    let server = Server::demo();
    let admin = Client::logged_in(&server, "admin");
    let page = admin.get("/admin/settings").text();
    let token = csrf_of(&page);
    // The demo ships a placeholder emblem, served at /logo and used in the header and the tab.
    let home = server.get("/").text();
    let src = home.split("<img class=\"custom\" src=\"").nth(1).expect("the logo in the header");
    let src = src.split('"').next().unwrap().to_string();
    assert!(src.starts_with("/logo?v="), "{src}");
    assert!(home.contains(&format!("<link rel=\"icon\" href=\"{src}\" type=\"image/svg+xml\"")));
    let emblem = server.get(&src);
    assert_eq!(emblem.status, 200);
    assert_eq!(emblem.header("content-type").unwrap(), "image/svg+xml");
    assert!(emblem.header("cache-control").unwrap().contains("immutable"));
    assert!(emblem.text().contains("<svg"));

    // Not an image, named .png: refused naming the file; nothing changes.
    let before = std::fs::read(server.data.join("prakat.toml")).unwrap();
    let fake = admin.post_multipart(
        "/admin/settings/logo",
        &[("csrf", &token)],
        &[("logo", "ตราใหม่.png", b"%PDF-1.7 this is not a picture")],
    );
    assert_eq!(fake.status, 422);
    assert!(
        fake.text().contains("ไฟล์ &quot;ตราใหม่.png&quot;: ไม่ใช่รูปภาพ PNG, JPG หรือ SVG"),
        "{}",
        fake.text()
    );
    assert_eq!(std::fs::read(server.data.join("prakat.toml")).unwrap(), before);
    // An SVG with a script: refused.
    let script = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let refused =
        admin.post_multipart("/admin/settings/logo", &[("csrf", &token)], &[("logo", "x.svg", script)]);
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("&lt;script&gt;"));

    // A real PNG: in force at once, in the header, the tab and the printed form.
    let ok = admin.post_multipart(
        "/admin/settings/logo",
        &[("csrf", &token)],
        &[("logo", "ตรา.png", &small_png())],
    );
    assert_eq!(ok.status, 303, "{}", ok.text());
    let home = server.get("/").text();
    let src2 =
        home.split("<img class=\"custom\" src=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert_ne!(src, src2, "a new version");
    assert!(home.contains(&format!("<link rel=\"icon\" href=\"{src2}\" type=\"image/png\"")));
    let logo = server.get(&src2);
    assert_eq!(logo.header("content-type").unwrap(), "image/png");
    assert!(admin.get("/admin/audit").text().contains("office.logo"));
    let files: Vec<_> = std::fs::read_dir(server.data.join("office")).unwrap().collect();
    assert_eq!(files.len(), 1, "the old emblem file is removed");
    // Back to the built-in emblem.
    let reset = admin.post("/admin/settings/logo/remove", &[("csrf", &token)]);
    assert_eq!(reset.status, 303);
    let home = server.get("/").text();
    assert!(!home.contains("<img class=\"custom\""));
    assert_eq!(server.get("/logo").header("content-type").unwrap(), "image/svg+xml");
}

#[test]
fn the_map_image_is_checked_shown_beside_the_map_link_and_removable() {
    let server = Server::demo();
    let admin = Client::logged_in(&server, "admin");
    let page = admin.get("/admin/settings").text();
    assert!(page.contains("ภาพแผนที่") && page.contains("name=\"map_image\""), "the field is offered");
    let token = csrf_of(&page);
    assert_eq!(server.get("/map-image").status, 404, "none yet");
    assert!(!server.get("/").text().contains("/map-image"));

    // Not an image, named .jpg: refused naming the file; nothing written.
    let before = std::fs::read(server.data.join("prakat.toml")).unwrap();
    let fake = admin.post_multipart(
        "/admin/settings/map-image",
        &[("csrf", &token)],
        &[("map_image", "แผนที่สำนักงาน.jpg", b"%PDF-1.7 this is not a picture")],
    );
    assert_eq!(fake.status, 422);
    assert!(
        fake.text().contains("ภาพแผนที่: ไฟล์ &quot;แผนที่สำนักงาน.jpg&quot;: ไม่ใช่รูปภาพ PNG หรือ JPG"),
        "{}",
        fake.text()
    );
    // An SVG is a fine logo but not a map image.
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"/>"#;
    let refused = admin.post_multipart(
        "/admin/settings/map-image",
        &[("csrf", &token)],
        &[("map_image", "map.svg", svg)],
    );
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("&quot;map.svg&quot;"));
    assert_eq!(std::fs::read(server.data.join("prakat.toml")).unwrap(), before);
    let maps = |server: &Server| {
        std::fs::read_dir(server.data.join("office"))
            .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().starts_with("map-")).count())
            .unwrap_or(0)
    };
    assert_eq!(maps(&server), 0, "no file kept");

    // A real PNG: in force at once, in the footer beside the map link, with its true size.
    let ok = admin.post_multipart(
        "/admin/settings/map-image",
        &[("csrf", &token)],
        &[("map_image", "แผนที่.png", &small_png())],
    );
    assert_eq!(ok.status, 303, "{}", ok.text());
    let toml = std::fs::read_to_string(server.data.join("prakat.toml")).unwrap();
    assert!(toml.contains("map_image = \"map-"), "{toml}");
    let home = server.get("/").text();
    let footer = &home[home.find("<footer").unwrap()..];
    let at = footer.find("<p class=\"map-image\">").expect("the map image in the footer");
    let shown = &footer[at..at + footer[at..].find("</p>").unwrap()];
    assert!(shown.contains("href=\"https://www.openstreetmap.org/"), "it links to the map: {shown}");
    assert!(shown.contains("width=\"4\" height=\"3\"") && shown.contains("alt=\"ภาพแผนที่"), "{shown}");
    let src = shown.split("src=\"").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
    assert!(src.starts_with("/map-image?v="), "{src}");
    let image = server.get(&src);
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-type").unwrap(), "image/png");
    assert!(image.header("cache-control").unwrap().contains("immutable"));
    assert!(admin.get("/admin/audit").text().contains("office.map_image"));
    assert!(admin.get("/admin/settings").text().contains("ลบภาพแผนที่"));
    // The logo is a separate file: uploading one keeps the map image.
    let logo = admin.post_multipart(
        "/admin/settings/logo",
        &[("csrf", &token)],
        &[("logo", "ตรา.png", &small_png())],
    );
    assert_eq!(logo.status, 303);
    assert_eq!(server.get(&src).status, 200, "the map image stays");

    // Removed: gone from the footer and the data folder; the logo stays.
    let removed = admin.post("/admin/settings/map-image/remove", &[("csrf", &token)]);
    assert_eq!(removed.status, 303);
    assert!(!server.get("/").text().contains("/map-image"));
    assert_eq!(server.get("/map-image").status, 404);
    let names: Vec<String> = std::fs::read_dir(server.data.join("office"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() == 1 && names[0].starts_with("logo-"), "{names:?}");
}
