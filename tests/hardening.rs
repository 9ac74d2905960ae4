//! Facing the internet: the LAN-only rule for staff pages, trusted proxies, and the security
//! headers on every kind of response.

mod common;

use common::{Server, get_with, item_links, set_settings};

fn demo_data() -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("d");
    let out = std::process::Command::new(common::binary())
        .args(["demo", "--items", "0", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success());
    (temp, data)
}

#[test]
fn staff_pages_are_for_the_office_lan_only() {
    let (_temp, data) = demo_data();
    set_settings(&data, "access", "staff_networks = [\"10.0.0.0/8\"]");
    let server = Server::start(&data, &[]);
    for path in ["/login", "/staff", "/staff/requests/new", "/admin/users", "/setup/x"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 403, "{path} reachable from outside the allowed networks");
        assert!(reply.text().contains("เครือข่ายภายในสำนักงาน"), "{path}: no Thai explanation");
    }
    for path in ["/", "/c/news", "/search?q=abc", "/healthz", "/sitemap.xml"] {
        assert_eq!(server.get(path).status, 200, "{path} must stay public");
    }
    // Without a trusted proxy, a forwarded header changes nothing.
    let forged = get_with(&server.url("/login"), &[("X-Forwarded-For", "10.1.2.3")]);
    assert_eq!(forged.status, 403);
}

#[test]
fn a_trusted_proxy_passes_on_the_client_address() {
    let (_temp, data) = demo_data();
    set_settings(
        &data,
        "access",
        "staff_networks = [\"192.168.1.0/24\"]\ntrusted_proxies = [\"127.0.0.1/32\"]",
    );
    let server = Server::start(&data, &[]);
    assert_eq!(server.get("/login").status, 403, "the proxy itself is not on the LAN list");
    let lan = get_with(&server.url("/login"), &[("X-Forwarded-For", "203.0.113.9, 192.168.1.50")]);
    assert_eq!(lan.status, 200, "client on the LAN behind the proxy");
    let outside = get_with(&server.url("/login"), &[("X-Forwarded-For", "192.168.1.50, 203.0.113.9")]);
    assert_eq!(outside.status, 403, "the right-most address is the client's");
}

#[test]
fn security_headers_on_every_kind_of_response() {
    let server = Server::demo();
    let item = item_links(&server.get("/c/law/announcements").text())[0].clone();
    let item_page = server.get(&item).text();
    let file =
        item_page[item_page.find("href=\"/files/").unwrap() + 6..].split('"').next().unwrap().to_string();
    let paths = [
        "/",
        "/c/news",
        "/c/news/general",
        item.as_str(),
        file.as_str(),
        "/search?q=ข่าว",
        "/no-such-page",
        "/login",
        "/staff",
        "/assets/style.css",
        "/assets/fonts/sarabun-thai-400.woff2",
        "/sitemap.xml",
        "/healthz",
    ];
    for path in paths {
        let reply = server.get(path);
        let csp = reply.header("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: inline script allowed");
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert!(reply.header("referrer-policy").is_some(), "{path}: no Referrer-Policy");
        assert!(reply.header("permissions-policy").is_some(), "{path}: no Permissions-Policy");
    }
    let download = server.get(&file);
    assert!(download.header("content-disposition").unwrap().contains("filename*=UTF-8''"));
}

#[test]
fn searching_too_fast_gets_a_thai_429() {
    let server = Server::demo();
    let statuses: Vec<u16> = (0..35).map(|n| server.get(&format!("/search?q=ข่าว{n}")).status).collect();
    assert!(statuses[..30].iter().all(|s| *s == 200), "{statuses:?}");
    let limited = server.get("/search?q=ข่าว");
    assert_eq!(limited.status, 429);
    assert!(limited.header("retry-after").is_some());
    assert!(limited.text().contains("ถี่เกินไป"));
    // The rest of the site is not affected.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn oversized_form_bodies_are_refused() {
    let server = Server::demo();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let big = "x".repeat(100 * 1024);
    let reply = agent
        .post(&server.url("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("username=a&password={big}"))
        .unwrap();
    assert_eq!(reply.status().as_u16(), 413, "a 100 KB login form was read");
}
