//! Signed self-update, end to end: release archives of this very binary, signed with zipsign
//! (ed25519, context = file name) or not, served with a manifest over HTTPS from a loopback
//! server whose certificate comes from a test CA. An installed copy of the binary checks,
//! refuses unsigned and wrongly signed archives, installs a signed one (backup first, previous
//! binary kept), completes its trial start, rolls back after a failed trial start (as systemd
//! would see it: exit code 75), installs from the admin page and restarts itself, and rolls back
//! by hand.

mod common;

use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Client, Files, Server};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest as _, Sha256};
use zipsign_api::SigningKey;

/// The key whose public half debug builds trust (see `appliance::update`).
fn test_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn target() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}

/// The release feed: a static HTTPS server on loopback with a certificate from the test CA in
/// `tls_dir`; tests swap its files between steps.
fn https_feed(tls_dir: &Path) -> (String, Files) {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(tls_dir.join("cert.pem")).unwrap().map(Result::unwrap).collect();
    let key = PrivateKeyDer::from_pem_file(tls_dir.join("key.pem")).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let files: Files = Arc::default();
    let port = common::file_server(files.clone(), Some(config));
    (format!("https://127.0.0.1:{port}"), files)
}

/// A release archive `prakat-VERSION-TARGET.zip` holding `binary`, signed with `key` when given.
fn release(version: &str, binary: &[u8], key: Option<&SigningKey>) -> (String, Vec<u8>) {
    let name = format!("prakat-{version}-{}.zip", target());
    let unsigned = common::release_zip(binary);
    let Some(key) = key else { return (name, unsigned) };
    let mut signed = std::io::Cursor::new(Vec::new());
    zipsign_api::sign::copy_and_sign_zip(
        &mut std::io::Cursor::new(unsigned),
        &mut signed,
        std::slice::from_ref(key),
        Some(name.as_bytes()),
    )
    .unwrap();
    (name, signed.into_inner())
}

/// Publishes `archive` as release `version` in the feed's manifest.
fn publish(files: &Files, version: &str, (name, bytes): (String, Vec<u8>)) {
    let manifest = serde_json::json!({
        "schema": 1,
        "releases": [{ "version": version, "date": "2026-11-26", "assets": [{ "name": name, "url": name }] }]
    });
    let mut files = files.lock().unwrap();
    files.insert("/release/manifest.json".into(), serde_json::to_vec(&manifest).unwrap());
    files.insert(format!("/release/{name}"), bytes);
}

/// The test binary with `tag` appended: still the same program (ELF ignores trailing bytes),
/// but a different file, as a new release is.
fn build_of(tag: &str) -> Vec<u8> {
    let mut bytes = std::fs::read(common::binary()).unwrap();
    bytes.extend_from_slice(format!("\n#prakat-test-build {tag}\n").as_bytes());
    bytes
}

fn sha256(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

fn sha256_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Runs the installed binary with `args` on `data`.
fn run(exe: &Path, data: &Path, args: &[&str]) -> Output {
    let started = Instant::now();
    let out =
        Command::new(exe).args(args).arg("--data").arg(data).env("PRAKAT_LOG", "warn").output().unwrap();
    eprintln!("prakat {args:?}: exit {:?} in {:?}", out.status.code(), started.elapsed());
    out
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_until(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn marker(exe: &Path) -> serde_json::Value {
    let path = PathBuf::from(format!("{}.update.json", exe.display()));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn audit_actions(client: &Client) -> String {
    client.get("/admin/audit.csv").text()
}

#[test]
fn signed_releases_install_unsigned_are_refused_and_failed_starts_roll_back() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    common::test_ca(root);
    let (base, files) = https_feed(root);

    // An office installation: the binary in its own folder, data beside it.
    let bin_dir = root.join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let exe = bin_dir.join("prakat");
    std::fs::write(&exe, build_of("installed")).unwrap();
    std::fs::set_permissions(&exe, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let original = sha256(&exe);
    let data = root.join("data");
    std::fs::create_dir_all(&data).unwrap();
    common::set_settings(
        &data,
        "update",
        &format!(
            "feed = \"{base}/release/manifest.json\"\nca_file = \"{}\"\nmode = \"notify\"",
            root.join("ca.pem").display()
        ),
    );
    common::set_settings(&data, "health", "ntp_server = \"\"");
    common::set_settings(&data, "backups", "daily_at = \"\"");
    common::set_settings(&data, "security", "totp_required_roles = []");
    let previous = PathBuf::from(format!("{}.previous", exe.display()));

    // Nothing published yet: the feed answers 404 and the check says why.
    let out = run(&exe, &data, &["update", "--check"]);
    assert!(!out.status.success(), "{}", text(&out));

    // 1. An unsigned archive is refused; nothing changes.
    publish(&files, "9.9.0", release("9.9.0", &build_of("unsigned"), None));
    let out = run(&exe, &data, &["update", "--check"]);
    assert!(text(&out).contains("9.9.0"), "the check sees the release: {}", text(&out));
    let out = run(&exe, &data, &["update"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("ลายมือชื่อ"), "a clear refusal: {}", text(&out));
    assert_eq!(sha256(&exe), original);
    assert!(!previous.exists());

    // 2. Signed by a key the binary does not trust: refused too.
    let stranger = SigningKey::from_bytes(&[9; 32]);
    publish(&files, "9.9.0", release("9.9.0", &build_of("stranger"), Some(&stranger)));
    let out = run(&exe, &data, &["update"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("ลายมือชื่อ"), "{}", text(&out));
    assert_eq!(sha256(&exe), original);

    // 3. Properly signed: a backup first, the previous binary kept, the new one in place.
    let good = build_of("9.9.0");
    publish(&files, "9.9.0", release("9.9.0", &good, Some(&test_key())));
    let out = run(&exe, &data, &["update"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sha256(&exe), sha256_of(&good), "the new binary is in place");
    assert_eq!(sha256(&previous), original, "the previous binary is kept");
    assert_eq!(marker(&exe)["state"], "installed");
    let backups: Vec<_> = std::fs::read_dir(data.join("backups")).unwrap().collect();
    assert_eq!(backups.len(), 1, "a backup was made before updating");

    // 4. The first start is a trial; reaching ready completes it.
    {
        let server = Server::start_binary(&exe, &data, &["--demo"]);
        wait_until("the update is completed", Duration::from_secs(10), || {
            marker(&exe)["state"] == "completed" && marker(&exe)["recorded"] == true
        });
        let admin = Client::logged_in(&server, "admin");
        let trail = audit_actions(&admin);
        assert!(trail.contains("update.installed") && trail.contains("update.completed"), "audited");
        assert!(admin.get("/admin/update").text().contains("9.9.0"));
    }

    // 5. A new release whose first start fails (its port is taken): the start after that puts
    //    the previous binary back and, under systemd, exits 75 to be restarted on it.
    let broken = build_of("9.9.1");
    publish(&files, "9.9.1", release("9.9.1", &broken, Some(&test_key())));
    let before = sha256(&exe);
    let out = run(&exe, &data, &["update"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sha256(&exe), sha256_of(&broken));
    let port = free_port();
    let http = format!("127.0.0.1:{port}");
    {
        let _taken = TcpListener::bind(&http).unwrap();
        let out = Command::new(&exe)
            .args(["serve", "--http", &http, "--data"])
            .arg(&data)
            .env("PRAKAT_LOG", "warn")
            .output()
            .unwrap();
        assert!(!out.status.success(), "the trial start fails: {}", text(&out));
        assert!(marker(&exe)["trial_started_at"].is_i64());
    }
    let out = Command::new(&exe)
        .args(["serve", "--http", &http, "--data"])
        .arg(&data)
        .env("PRAKAT_LOG", "warn")
        .env("INVOCATION_ID", "test-as-systemd")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(75), "asks systemd for a restart: {}", text(&out));
    assert_eq!(sha256(&exe), before, "the previous binary is back");
    assert_eq!(sha256(&PathBuf::from(format!("{}.failed", exe.display()))), sha256_of(&broken), "kept");
    assert_eq!(marker(&exe)["state"], "rolled-back");
    {
        // systemd restarts it: the previous binary runs and records the rollback.
        let server = Server::start_binary(&exe, &data, &["--http", &http]);
        let admin = Client::logged_in(&server, "admin");
        wait_until("the rollback is audited", Duration::from_secs(10), || {
            audit_actions(&admin).contains("update.rolled-back")
        });
        let health = admin.get("/admin/health").text();
        assert!(health.contains("ย้อนกลับ"), "the health page tells: {health}");
    }

    // 6. From the admin page: check, install, and the server restarts itself on the new binary.
    let newest = build_of("9.9.2");
    publish(&files, "9.9.2", release("9.9.2", &newest, Some(&test_key())));
    {
        let server = Server::start_binary(&exe, &data, &["--http", &http]);
        let admin = Client::logged_in(&server, "admin");
        let page = admin.get("/admin/update").text();
        let token = common::csrf_of(&page);
        assert_eq!(admin.post("/admin/update/check", &[]).status, 403, "CSRF token required");
        assert_eq!(admin.post("/admin/update/check", &[("csrf", &token)]).status, 303);
        let page = admin.get("/admin/update").text();
        assert!(page.contains("9.9.2"), "update available shown");
        assert!(admin.get("/staff").text().contains("มีโปรแกรมรุ่นใหม่"), "a banner for admins");
        let reply = admin.post("/admin/update/install", &[("csrf", &token)]);
        assert_eq!(reply.status, 200);
        wait_until("the new binary runs and completes its trial", Duration::from_secs(30), || {
            std::fs::read(&exe).is_ok_and(|b| sha256_of(&b) == sha256_of(&newest))
                && marker(&exe)["state"] == "completed"
        });
        // Same process id, new program: it answers on the same port.
        wait_until("the server answers again", Duration::from_secs(10), || {
            std::net::TcpStream::connect(&http).is_ok()
        });
        let admin = Client::logged_in(&server, "admin");
        assert!(audit_actions(&admin).contains("update.completed"));
    }

    // 7. By hand: `prakat update --rollback` puts the binary before the last update back.
    let out = run(&exe, &data, &["update", "--rollback"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sha256(&exe), before);
    let mut version = String::new();
    Command::new(&exe)
        .arg("--version")
        .output()
        .unwrap()
        .stdout
        .as_slice()
        .read_to_string(&mut version)
        .unwrap();
    assert!(version.starts_with("prakat "), "still a working binary: {version}");
}
