//! HTTPS with the self-signed certificate: served over TLS 1.2/1.3 only, plain HTTP redirects,
//! no HSTS for a certificate browsers do not trust, Secure cookies.

mod common;

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use common::Server;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};
use sha2::Digest as _;

/// A response read whole over TLS.
struct TlsReply {
    head: String,
    body: Vec<u8>,
}

impl TlsReply {
    fn status(&self) -> u16 {
        self.head.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

fn client_config(root_pem: &str) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(root_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// GET over HTTPS, verifying the server's certificate against `root_pem` for `name`.
fn https_get(addr: SocketAddr, name: &str, path: &str, root_pem: &str, extra: &str) -> TlsReply {
    let server_name = ServerName::try_from(name.to_string()).unwrap();
    let conn = rustls::ClientConnection::new(client_config(root_pem), server_name).unwrap();
    let tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(tls, "GET {path} HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n{extra}\r\n").unwrap();
    let mut raw = Vec::new();
    let _ = tls.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a full response");
    TlsReply { head: String::from_utf8_lossy(&raw[..split]).into_owned(), body: raw[split + 4..].to_vec() }
}

fn https_addr(server: &Server) -> SocketAddr {
    server.printed("listening on https://").expect("an https listener").parse().unwrap()
}

#[test]
fn self_signed_https_with_redirects_and_no_hsts() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("d");
    let server = Server::start(&data, &["--demo", "--https", "127.0.0.1:0"]);
    let addr = https_addr(&server);
    let cert = std::fs::read_to_string(data.join("certs/self-signed.pem")).unwrap();

    // The certificate is valid for the names staff type: localhost and the addresses.
    for name in ["localhost", "127.0.0.1"] {
        let reply = https_get(addr, name, "/", &cert, "");
        assert_eq!(reply.status(), 200, "{name}");
        assert!(String::from_utf8_lossy(&reply.body).contains("สำนักงานสาธารณสุขอำเภอเมืองเลย"));
        assert_eq!(reply.header("strict-transport-security"), None, "no HSTS with a self-signed certificate");
    }

    // Plain HTTP: health answers, the rest is redirected to the same page on HTTPS.
    assert_eq!(server.get("/healthz").status, 200);
    let redirect = server.get("/c/news?page=2");
    assert_eq!(redirect.status, 308);
    assert_eq!(
        redirect.header("location"),
        Some(format!("https://127.0.0.1:{}/c/news?page=2", addr.port()).as_str())
    );
    assert_eq!(server.get("/login").status, 308, "nothing else is served in clear text");

    // Session cookies are Secure over HTTPS.
    let login = https_get(addr, "localhost", "/login", &cert, "");
    let set_cookie = login.header("set-cookie").expect("login form cookie");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(
        set_cookie.contains("Secure") && set_cookie.contains("Path=/login"),
        "login form cookie: {set_cookie}"
    );
    let page = String::from_utf8_lossy(&login.body).into_owned();
    let csrf = common::csrf_of(&page);
    let form_cookie = set_cookie.split(';').next().unwrap().to_string();
    let body = format!("username=admin&password=Prakat-demo-2569&csrf={csrf}&next=%2Fstaff");
    let post = {
        let server_name = ServerName::try_from("localhost".to_string()).unwrap();
        let conn = rustls::ClientConnection::new(client_config(&cert), server_name).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, TcpStream::connect(addr).unwrap());
        write!(
            tls,
            "POST /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: {form_cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut raw = String::new();
        let _ = tls.read_to_string(&mut raw);
        raw
    };
    let session = post
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:") && l.contains("prakat_session="))
        .collect::<Vec<_>>();
    assert!(post.starts_with("HTTP/1.1 303"), "{post}");
    assert!(session.iter().any(|c| c.contains("Secure") && c.contains("HttpOnly")), "{session:?}");
    // The login form's cookie is removed with the path it was set with (else it stays).
    let removed: Vec<&str> = post
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:") && l.contains("prakat_login="))
        .collect();
    assert!(
        removed
            .iter()
            .any(|c| c.contains("Path=/login") && (c.contains("Max-Age=0") || c.contains("Expires"))),
        "login form cookie not removed: {removed:?}"
    );

    // The admin page shows the certificate's fingerprint, to compare when trusting it on a PC,
    // and offers the certificate (never the key) for download.
    let cookie = session[0].split_once(':').unwrap().1.trim().split(';').next().unwrap().to_string();
    let system = https_get(addr, "localhost", "/admin/system", &cert, &format!("Cookie: {cookie}\r\n"));
    assert_eq!(system.status(), 200);
    let der = CertificateDer::pem_slice_iter(cert.as_bytes()).next().unwrap().unwrap();
    let fingerprint =
        sha2::Sha256::digest(&der).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
    assert!(String::from_utf8_lossy(&system.body).contains(&fingerprint), "fingerprint not shown");
    let crt = https_get(
        addr,
        "localhost",
        "/admin/system/self-signed.crt",
        &cert,
        &format!("Cookie: {cookie}\r\n"),
    );
    assert_eq!(String::from_utf8_lossy(&crt.body), cert);
    assert!(!String::from_utf8_lossy(&crt.body).contains("PRIVATE KEY"));
}

/// A ClientHello that offers only TLS 1.1 (no supported_versions extension).
fn tls11_client_hello() -> Vec<u8> {
    let mut hello = vec![0x03, 0x02]; // client_version TLS 1.1
    hello.extend([0x42; 32]); // random
    hello.push(0); // no session id
    hello.extend([0x00, 0x04, 0xC0, 0x13, 0x00, 0x2F]); // two TLS 1.0/1.1 cipher suites
    hello.extend([0x01, 0x00]); // null compression
    let mut handshake = vec![0x01, 0x00];
    handshake.extend((hello.len() as u16).to_be_bytes());
    handshake.extend(hello);
    let mut record = vec![0x16, 0x03, 0x02];
    record.extend((handshake.len() as u16).to_be_bytes());
    record.extend(handshake);
    record
}

#[test]
fn a_client_offering_only_old_tls_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let server = Server::start(&temp.path().join("d"), &["--https", "127.0.0.1:0"]);
    let addr = https_addr(&server);
    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    tcp.write_all(&tls11_client_hello()).unwrap();
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer);
    // Either an alert record (21): protocol_version (70) or handshake_failure (40), or the
    // connection just closes: never a ServerHello (a handshake record, 22).
    assert_ne!(answer.first(), Some(&0x16), "the server negotiated with a TLS 1.1 client");
    if !answer.is_empty() {
        assert_eq!(answer[0], 0x15, "{answer:?}");
        assert!(matches!(answer.last(), Some(70 | 40)), "alert refuses the version: {answer:?}");
    }
    // A modern client is still served.
    let cert = std::fs::read_to_string(temp.path().join("d/certs/self-signed.pem")).unwrap();
    assert_eq!(https_get(addr, "localhost", "/healthz", &cert, "").status(), 200);
}

#[test]
fn manual_certificate_from_files_with_hsts() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("d");
    std::fs::create_dir_all(&data).unwrap();
    // The province's IT hands over a certificate and key (made here for the test).
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["www.mueangloei.example".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let (cert_file, key_file) = (temp.path().join("site.pem"), temp.path().join("site.key"));
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    common::set_settings(
        &data,
        "tls",
        &format!(
            "mode = \"manual\"\ncert_file = \"{}\"\nkey_file = \"{}\"",
            cert_file.display(),
            key_file.display()
        ),
    );
    let server = Server::start(&data, &["--https", "127.0.0.1:0"]);
    let reply = https_get(https_addr(&server), "www.mueangloei.example", "/healthz", &cert.pem(), "");
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.header("strict-transport-security").as_deref(), Some("max-age=31536000"));

    // A missing key file is refused at start with a clear message.
    drop(server);
    common::set_settings(
        &data,
        "tls",
        "mode = \"manual\"\ncert_file = \"/nonexistent.pem\"\nkey_file = \"/nonexistent.key\"",
    );
    let out = std::process::Command::new(common::binary())
        .args(["serve", "--http", "127.0.0.1:0", "--https", "127.0.0.1:0", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.pem"));
}
