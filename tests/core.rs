//! The transition core seen from outside: every staff route refuses other people's requests
//! before reading a form, every audit action has a Thai label on `/admin/audit`, and a typo in
//! an enumerated setting stops `serve` and `doctor` with the key and the value.

mod common;

use common::{Client, Server, csrf_of};

const DEMO_ACCOUNTS: [&str; 5] = ["admin", "webmaster", "webmaster2", "head", "staff"];

fn fields<'a>(csrf: &'a str, topic: &'a str, intent: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("unit", "กลุ่มงานควบคุมโรคติดต่อ"),
        ("request_date", "2026-11-20"),
        ("topic", topic),
        ("details", "รายละเอียดลับของฉบับร่างที่ยังไม่ได้ส่ง"),
        ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
        ("requester_position", "นักวิชาการเงินและบัญชี"),
        ("requester_contact", "042 812665"),
        ("category", "news/alerts"),
        ("no_end", "on"),
        ("intent", intent),
    ]
}

/// Every route that reads or changes one request, with the method.
fn routes(id: &str) -> Vec<(&'static str, String)> {
    let base = format!("/staff/requests/{id}");
    vec![
        ("GET", base.clone()),
        ("GET", format!("{base}/edit")),
        ("GET", format!("{base}/print")),
        ("GET", format!("{base}/publish")),
        ("GET", format!("{base}/publish?verbal=1")),
        ("POST", format!("{base}/publish")),
        ("POST", format!("{base}/submit")),
        ("POST", format!("{base}/approve")),
        ("POST", format!("{base}/reject")),
        ("POST", format!("{base}/confirm")),
        ("POST", format!("{base}/withdraw")),
        ("MULTIPART", base),
    ]
}

#[test]
fn every_route_checks_who_before_reading_and_shows_nothing_of_others() {
    let server = Server::demo();
    let clients: Vec<(&str, Client)> =
        DEMO_ACCOUNTS.iter().map(|u| (*u, Client::logged_in(&server, u))).collect();
    let staff = &clients.iter().find(|(u, _)| *u == "staff").unwrap().1;
    let secret = "ร่างลับเรื่องการจัดซื้อเวชภัณฑ์ที่ยังไม่ส่ง";
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let created = staff.post_multipart("/staff/requests", &fields(&token, secret, "draft"), &[]);
    assert_eq!(created.status, 303, "{}", created.text());
    let id = created.header("location").unwrap().trim_start_matches("/staff/requests/").to_string();

    let mut walked = 0;
    for (user, client) in &clients {
        let token = csrf_of(&client.get("/staff").text());
        for (method, path) in routes(&id) {
            if *user == "staff" && method != "GET" {
                continue; // The requester's own actions are the workflow test's business.
            }
            let reply = match method {
                "GET" => client.get(&path),
                "POST" => client.post(&path, &[("csrf", &token), ("reason", "x"), ("verbal", "1")]),
                _ => client.post_multipart(&path, &fields(&token, "แก้โดยคนอื่น", "submit"), &[]),
            };
            walked += 1;
            let body = reply.text();
            if *user == "staff" {
                // The requester may see and edit the draft, but not publish it.
                let want = if path.contains("/publish") { 403 } else { 200 };
                assert_eq!(reply.status, want, "{user} {method} {path}");
                continue;
            }
            assert_eq!(reply.status, 403, "{user} {method} {path}: {body}");
            assert!(!body.contains(secret), "{user} {method} {path} shows the draft");
            assert!(!body.contains("รายละเอียดลับ"), "{user} {method} {path} shows the details");
        }
    }
    assert_eq!(walked, (DEMO_ACCOUNTS.len() - 1) * 12 + 5);
    // Nothing changed: still the requester's draft, never edited by anyone else.
    let page = staff.get(&format!("/staff/requests/{id}")).text();
    assert!(page.contains(secret) && page.contains("ฉบับร่าง"), "{page}");
    assert!(!page.contains("แก้โดยคนอื่น"));

    // Once sent, the approver sees it, a staff member still may not publish it (403, not the
    // publish form with its details).
    let token = csrf_of(&staff.get(&format!("/staff/requests/{id}")).text());
    assert_eq!(staff.post(&format!("/staff/requests/{id}/submit"), &[("csrf", &token)]).status, 303);
    let head = &clients.iter().find(|(u, _)| *u == "head").unwrap().1;
    assert!(head.get(&format!("/staff/requests/{id}")).text().contains(secret));
    let reply = staff.post(&format!("/staff/requests/{id}/publish"), &[("csrf", &token)]);
    assert_eq!(reply.status, 403);
    assert!(!reply.text().contains("รายละเอียดลับ"));
}

#[test]
fn every_audit_action_has_a_thai_label_on_the_audit_page() {
    use prakat::store::audit::{self, AuditAction, Who};
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("d");
    let demo = std::process::Command::new(common::binary())
        .args(["demo", "--items", "0", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let store = prakat::store::Store::open(&data).unwrap();
    store
        .run_sync(|c| {
            for a in AuditAction::ALL {
                audit::append(c, &Who::console(), a, "test/1", "")?;
            }
            Ok(())
        })
        .unwrap();
    drop(store);
    let server = Server::start(&data, &[]);
    let admin = Client::logged_in(&server, "admin");
    let page = admin.get("/admin/audit").text();
    for a in AuditAction::ALL {
        assert!(page.contains(a.label_th()), "no Thai label for {a} on /admin/audit");
        assert!(!page.contains(&format!(">{}<", a.as_str())), "raw key {a} shown");
    }
}

#[test]
fn a_typo_in_an_enumerated_setting_stops_serve_and_doctor() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path();
    std::fs::write(data.join("prakat.toml"), "[security]\ntotp_required_roles = [\"admn\"]\n").unwrap();
    for args in [&["doctor"][..], &["serve", "--http", "127.0.0.1:0"][..]] {
        let out = std::process::Command::new(common::binary())
            .args(args)
            .arg("--data")
            .arg(data)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        // `serve` stops with the error; `doctor` prints it in its report (and still exits 1).
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!out.status.success(), "{args:?} accepted a typo");
        assert!(
            text.contains("security.totp_required_roles")
                && text.contains("admn")
                && text.contains("prakat.toml"),
            "{args:?}: {text}"
        );
    }
}
