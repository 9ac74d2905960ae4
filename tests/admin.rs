//! Administration over HTTP: accounts and roles, password resets, the web-master warning.

mod common;

use common::{Client, Server, csrf_of};

#[test]
fn admin_manages_accounts_and_is_warned_about_web_masters() {
    let server = Server::demo();
    let admin = Client::logged_in(&server, "admin");
    let page = admin.get("/admin/users").text();
    assert!(page.contains("webmaster2"));
    assert!(!page.contains("แนวทางข้อ 4.1"), "two web masters: no warning");
    let token = csrf_of(&page);

    // Adding an account: every problem is named, what was typed stays.
    let bad = admin.post(
        "/admin/users",
        &[
            ("csrf", &token),
            ("username", "ผิดรูปแบบ"),
            ("name", "นางสาวกาญจนา แก้วมณี"),
            ("unit", "กลุ่มงานที่ไม่มีอยู่"),
            ("password", "สั้น"),
            ("password2", "สั้น"),
        ],
    );
    assert_eq!(bad.status, 422);
    let html = bad.text();
    assert!(html.contains("ชื่อผู้ใช้:") && html.contains("รหัสผ่าน:") && html.contains("บทบาท:"));
    assert!(html.contains("value=\"นางสาวกาญจนา แก้วมณี\""));
    // The unit is chosen from the office's units, not typed.
    assert!(page.contains("<select id=\"f-unit\" name=\"unit\""), "a select of units");
    let unit_hp = page
        .split("<option value=\"")
        .find(|o| o.contains(">กลุ่มงานส่งเสริมสุขภาพ<"))
        .and_then(|o| o.split('"').next())
        .unwrap()
        .to_string();
    let bad_unit = admin.post(
        "/admin/users",
        &[
            ("csrf", &token),
            ("username", "kanjana"),
            ("name", "นางสาวกาญจนา แก้วมณี"),
            ("unit", "99999"),
            ("roles", "staff"),
            ("password", "ดอกฝ้ายคำเมืองเลย2569"),
            ("password2", "ดอกฝ้ายคำเมืองเลย2569"),
        ],
    );
    assert_eq!(bad_unit.status, 422);
    assert!(bad_unit.text().contains("กลุ่มงาน: ไม่พบกลุ่มงานที่เลือก"));
    assert!(bad_unit.text().contains("value=\"kanjana\""), "what was typed stays");
    let ok = admin.post(
        "/admin/users",
        &[
            ("csrf", &token),
            ("username", "kanjana"),
            ("name", "นางสาวกาญจนา แก้วมณี"),
            ("position", "พยาบาลวิชาชีพชำนาญการ"),
            ("unit", &unit_hp),
            ("roles", "staff"),
            ("roles", "approver"),
            ("password", "ดอกฝ้ายคำเมืองเลย2569"),
            ("password2", "ดอกฝ้ายคำเมืองเลย2569"),
        ],
    );
    assert_eq!(ok.status, 303, "{}", ok.text());
    assert!(admin.get("/admin/users").text().contains("พยาบาลวิชาชีพชำนาญการ / กลุ่มงานส่งเสริมสุขภาพ"));
    let kanjana = Client::logged_in_with(&server, "kanjana", "ดอกฝ้ายคำเมืองเลย2569");
    assert!(kanjana.get("/staff").text().contains("รออนุมัติ"), "the approver role was given");

    // A password reset ends the account's sessions.
    let page = admin.get("/admin/users").text();
    let id =
        page.split("/admin/users/").filter_map(|s| s.split('/').next()?.parse::<i64>().ok()).max().unwrap();
    let reset = admin.post(
        &format!("/admin/users/{id}/password"),
        &[("csrf", &token), ("password", "ภูเรือเมืองเลย2570"), ("password2", "ภูเรือเมืองเลย2570")],
    );
    assert_eq!(reset.status, 303);
    assert_eq!(kanjana.get("/staff").status, 303, "old session ended");
    Client::logged_in_with(&server, "kanjana", "ภูเรือเมืองเลย2570");

    // With one web master left, admins and web masters are warned on every page (seed 4.1).
    let wm2_id: i64 = {
        let at = page.find("<td>webmaster2</td>").unwrap();
        let rest = &page[at..];
        let form = rest.find("/admin/users/").unwrap();
        rest[form + 13..].split('/').next().unwrap().parse().unwrap()
    };
    let disabled = admin.post(&format!("/admin/users/{wm2_id}/active"), &[("csrf", &token), ("active", "0")]);
    assert_eq!(disabled.status, 303);
    assert!(admin.get("/staff").text().contains("แนวทางข้อ 4.1"));
    let webmaster = Client::logged_in(&server, "webmaster");
    assert!(webmaster.get("/staff").text().contains("แนวทางข้อ 4.1"));
    let staff = Client::logged_in(&server, "staff");
    assert!(!staff.get("/staff").text().contains("แนวทางข้อ 4.1"), "staff are not burdened with it");
    assert_eq!(
        Client::new(&server).login("webmaster2", "Prakat-demo-2569").status,
        200,
        "disabled cannot log in"
    );

    let csv = admin.get("/admin/audit.csv?action=user.").text();
    for action in ["user.add", "user.passwd", "user.disable"] {
        assert!(csv.contains(action), "{action} not audited");
    }
}
