//! Two-step login (TOTP) over HTTP with the real binary: forced enrolment of an admin, logins
//! with codes and recovery codes, replay, throttling and lockout, turning it off, and an
//! admin's reset. Codes are computed here with totp-rs from the secret the page shows.

mod common;

use std::path::Path;

use common::{
    Client, Server, csrf_of, enrol_totp, log_out, recovery_codes_of, secret_of, totp_code, wrong_code,
};

const PASSWORD: &str = "ภูหลวงเมืองเลย2569";

/// A fresh data directory with one admin made at the console (no demo: default settings, so
/// two-step login is required of admins).
fn data_with_admin(temp: &Path) -> std::path::PathBuf {
    use std::io::Write as _;
    let data = temp.join("d");
    let mut add = std::process::Command::new(common::binary())
        .args(["user", "add", "--username", "chief", "--name", "นายหัวหน้า ดูแลระบบ", "--role", "admin"])
        .args(["--password-stdin", "--data"])
        .arg(&data)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    assert!(add.wait().unwrap().success());
    data
}

fn location(reply: &common::Reply) -> &str {
    reply.header("location").unwrap_or("")
}

fn audit_count(data: &Path, action: &str) -> i64 {
    let db = rusqlite::Connection::open(data.join("prakat.db")).unwrap();
    db.query_row("SELECT count(*) FROM audit WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

#[test]
fn an_admin_enrols_then_logs_in_with_codes_and_recovery_codes_and_is_locked_out() {
    let temp = tempfile::tempdir().unwrap();
    let data = data_with_admin(temp.path());
    let server = Server::start(&data, &[]);
    let c = Client::new(&server);

    // The password alone leads to enrolment, and every staff and admin page sends there.
    let first = c.login("chief", PASSWORD);
    assert_eq!(first.status, 303);
    assert_eq!(location(&first), "/staff/totp");
    for path in ["/staff", "/admin/users", "/admin/audit", "/staff/requests/new"] {
        let r = c.get(path);
        assert_eq!((r.status, location(&r)), (303, "/staff/totp"), "{path} reachable before enrolment");
    }
    let page = c.get("/staff/totp");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("<svg class=\"qr\""), "no inline QR code");
    assert!(!html.contains("<script") && !html.contains("src=\"http"), "scripts or outside images");
    assert!(html.contains("สำนักงานสาธารณสุขอำเภอ") && html.contains("chief"), "issuer and account shown");
    let secret = secret_of(&html);
    assert!(secret.len() >= 26, "secret {secret}");
    assert_eq!(secret_of(&c.get("/staff/totp").text()), secret, "a reload keeps the secret");
    let r = c.post("/staff/inbox/read", &[("csrf", &csrf_of(&html))]);
    assert_eq!(location(&r), "/staff/totp", "forms elsewhere are refused too");

    // Confirmation: the CSRF token is checked, a wrong code is named in Thai.
    assert_eq!(c.post("/staff/totp", &[("code", &totp_code(&secret, 0))]).status, 403);
    let wrong = c.post("/staff/totp", &[("csrf", &csrf_of(&html)), ("code", &wrong_code(&secret))]);
    assert_eq!(wrong.status, 422);
    assert!(wrong.text().contains("รหัสยืนยัน: ไม่ถูกต้อง"), "no Thai message naming the field");
    let confirmed = c.post("/staff/totp", &[("csrf", &csrf_of(&html)), ("code", &totp_code(&secret, 0))]);
    assert_eq!(confirmed.status, 200);
    let codes = recovery_codes_of(&confirmed.text());
    assert_eq!(codes.len(), 10);
    assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), 10, "codes differ");
    let settings = c.get("/staff/totp").text();
    assert!(!settings.contains(&codes[0]), "recovery codes are shown once only");
    assert!(settings.contains("<strong>10</strong>"), "ten codes left");
    assert!(!settings.contains("/staff/totp/off"), "required for admins: no way to turn it off");
    assert_eq!(c.get("/admin/users").status, 200, "enrolled: pages open");

    // The next login needs the code: the password only opens the code step.
    log_out(&c);
    let r = c.login("chief", PASSWORD);
    assert_eq!((r.status, location(&r)), (303, "/login/totp"));
    let cookie = r.header("set-cookie").unwrap_or("");
    assert!(
        cookie.contains("prakat_pending=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert_eq!(c.get("/staff").status, 303, "no session before the code");
    assert!(location(&c.get("/staff")).starts_with("/login"));
    // The code of the next 30-second step: within the allowed clock difference, never used.
    let code = totp_code(&secret, 1);
    let r = c.second_step(&code);
    assert_eq!((r.status, location(&r)), (303, "/staff"));
    assert_eq!(c.get("/staff").status, 200);

    // The same code is refused the second time.
    log_out(&c);
    assert_eq!(location(&c.login("chief", PASSWORD)), "/login/totp");
    let replay = c.second_step(&code);
    assert_eq!(replay.status, 200);
    assert!(replay.text().contains("ไม่ถูกต้องหรือใช้ไปแล้ว"), "replayed code accepted");
    assert_eq!(c.get("/staff").status, 303);

    // A recovery code works once (typed in lower case with a space, as people do).
    let typed = codes[0].to_lowercase().replace('-', " ");
    let r = c.second_step(&typed);
    assert_eq!((r.status, location(&r)), (303, "/staff/totp"), "recovery login shows what is left");
    assert!(c.get("/staff/totp").text().contains("<strong>9</strong>"));
    log_out(&c);
    c.login("chief", PASSWORD);
    let again = c.second_step(&codes[0]);
    assert_eq!(again.status, 200, "a recovery code worked twice");
    assert!(again.text().contains("ไม่ถูกต้องหรือใช้ไปแล้ว"));

    // Wrong codes count like wrong passwords: after five failures the account waits, even with
    // a good recovery code, and the password step waits too.
    for _ in 0..4 {
        let r = c.second_step(&wrong_code(&secret));
        assert_eq!(r.status, 200);
        assert!(r.text().contains("ไม่ถูกต้องหรือใช้ไปแล้ว"));
    }
    let locked = c.second_step(&codes[1]);
    assert_eq!(locked.status, 200);
    assert!(locked.text().contains("กรุณารอ"), "no wait after five failures");
    let other = Client::new(&server);
    assert!(other.login("chief", PASSWORD).text().contains("กรุณารอ"), "the password step must wait too");

    // Audited, and the refused recovery code was not used up.
    assert_eq!(audit_count(&data, "user.totp_enable"), 1);
    assert_eq!(audit_count(&data, "login.totp_failed"), 6, "replay, reused recovery code, four wrong codes");
    assert_eq!(audit_count(&data, "login.recovery_used"), 1);
    assert!(audit_count(&data, "login.lockout") >= 1);
    assert!(audit_count(&data, "login.refused") >= 1);
    let db = rusqlite::Connection::open(data.join("prakat.db")).unwrap();
    let unused: i64 =
        db.query_row("SELECT count(*) FROM recovery_codes WHERE used_at IS NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(unused, 9);
    let leaked: i64 = db
        .query_row(
            "SELECT count(*) FROM audit WHERE detail LIKE ?1 OR detail LIKE ?2",
            [format!("%{code}%"), format!("%{}%", &codes[1][..5])],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leaked, 0, "a code was written to the audit trail");
}

#[test]
fn optional_two_step_login_is_turned_off_with_a_code_and_an_admin_can_reset_it() {
    // The demo requires it of nobody.
    let server = Server::demo();
    let admin = Client::logged_in(&server, "admin");
    assert_eq!(admin.get("/admin/users").status, 200, "demo admin needs no phone");

    // Staff may choose it; then their login needs the code.
    let staff = Client::logged_in(&server, "staff");
    let (secret, codes) = enrol_totp(&staff);
    log_out(&staff);
    assert_eq!(location(&staff.login("staff", "Prakat-demo-2569")), "/login/totp");
    assert_eq!(location(&staff.second_step(&totp_code(&secret, 1))), "/staff");

    // Turning it off needs a code too.
    let page = staff.get("/staff/totp").text();
    assert!(page.contains("/staff/totp/off"));
    let token = csrf_of(&page);
    let wrong = staff.post("/staff/totp/off", &[("csrf", &token), ("code", &wrong_code(&secret))]);
    assert_eq!(wrong.status, 422);
    assert!(wrong.text().contains("รหัสยืนยัน:"));
    let off = staff.post("/staff/totp/off", &[("csrf", &token), ("code", &codes[3])]);
    assert_eq!(off.status, 303);
    let again = secret_of(&staff.get("/staff/totp").text());
    assert_ne!(again, secret, "off: enrolment starts afresh");
    log_out(&staff);
    assert_eq!(location(&staff.login("staff", "Prakat-demo-2569")), "/staff");

    // A web master enrols and loses the phone; the admin resets it from the accounts page.
    let webmaster = Client::logged_in(&server, "webmaster");
    enrol_totp(&webmaster);
    let users = admin.get("/admin/users").text();
    let at = users.find("<td>webmaster</td>").unwrap();
    let rest = &users[at..];
    let reset_at = rest.find("/totp\"").expect("a reset button for an enrolled account");
    let action = &rest[..reset_at + 5];
    let action = &action[action.rfind("/admin/users/").unwrap()..];
    // Only admins may reset.
    let staff_token = csrf_of(&staff.get("/staff").text());
    assert_eq!(staff.post(action, &[("csrf", &staff_token)]).status, 403);
    assert_eq!(admin.post(action, &[]).status, 403, "CSRF is checked");
    assert_eq!(admin.post(action, &[("csrf", &csrf_of(&users))]).status, 303);
    let fresh = Client::new(&server);
    assert_eq!(
        location(&fresh.login("webmaster", "Prakat-demo-2569")),
        "/staff",
        "no code step after a reset"
    );

    let csv = admin.get("/admin/audit.csv?action=user.totp").text();
    assert_eq!(csv.matches("user.totp_enable").count(), 2);
    for action in ["user.totp_disable", "user.totp_reset", "user.totp_failed"] {
        assert!(csv.contains(action), "{action} not audited: {csv}");
    }
}
