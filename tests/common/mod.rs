//! Test harness: starts the real `prakat` binary on an ephemeral loopback port with a temporary
//! data directory and talks HTTP to it.

#![allow(dead_code)] // Each test file uses a different part of the harness.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server, stopped when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The data directory it uses.
    pub data: PathBuf,
    _temp: Option<tempfile::TempDir>,
    /// Time from spawning the process to the "listening" line.
    pub startup: Duration,
    /// Everything the server printed on standard output so far.
    pub output: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// Path of the binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_prakat")
}

impl Server {
    /// A demo server on a fresh temporary data directory.
    pub fn demo() -> Server {
        let temp = tempfile::tempdir().expect("temp dir");
        let data = temp.path().join("data");
        let mut s = Server::start(&data, &["--demo"]);
        s._temp = Some(temp);
        s
    }

    /// Starts `prakat serve` on `data` with extra arguments.
    pub fn start(data: &Path, extra: &[&str]) -> Server {
        Server::start_binary(Path::new(binary()), data, extra)
    }

    /// Starts `BINARY serve` (e.g. an installed copy of prakat) on `data` with extra arguments.
    pub fn start_binary(binary: &Path, data: &Path, extra: &[&str]) -> Server {
        let started = Instant::now();
        // An ephemeral loopback port unless the test names its own.
        let http: &[&str] = if extra.contains(&"--http") { &[] } else { &["--http", "127.0.0.1:0"] };
        let mut child = Command::new(binary)
            .arg("serve")
            .args(http)
            .arg("--data")
            .arg(data)
            .args(extra)
            .env("PRAKAT_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn prakat");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(addr) = line.strip_prefix("listening on ") {
                        break addr.trim().to_string();
                    }
                }
                _ => panic!("prakat exited before listening"),
            }
        };
        let startup = started.elapsed();
        // Keep draining stdout so the server never blocks on a full pipe.
        let output = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Server { child, base, data: data.to_path_buf(), _temp: None, startup, output }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's resident memory now and at its peak, in kB (Linux `/proc`), if readable.
    pub fn memory_kb(&self) -> Option<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        };
        Some((field("VmRSS:")?, field("VmHWM:")?))
    }

    /// Absolute URL for a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET a path; any status is returned, not turned into an error.
    pub fn get(&self, path: &str) -> Reply {
        get(&self.url(path))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Waits (up to 5 s) for an output line starting with `prefix` and returns the rest.
    pub fn printed(&self, prefix: &str) -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Some(line) = self.output.lock().unwrap().iter().find_map(|l| l.strip_prefix(prefix)) {
                return Some(line.trim().to_string());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// An HTTP client that reports every status instead of failing, and does not follow redirects
/// (tests look at them).
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// A person using the site: an HTTP client that keeps cookies, like a browser.
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    /// A client for `server` with no cookies yet.
    pub fn new(server: &Server) -> Client {
        Client { agent: agent(), base: server.base.clone() }
    }

    /// A client logged in as `username` with the demo password.
    pub fn logged_in(server: &Server, username: &str) -> Client {
        Client::logged_in_with(server, username, "Prakat-demo-2569")
    }

    /// A client logged in as `username` with `password`.
    pub fn logged_in_with(server: &Server, username: &str, password: &str) -> Client {
        let c = Client::new(server);
        let reply = c.login(username, password);
        assert_eq!(reply.status, 303, "login of {username}: {}", reply.text());
        c
    }

    /// Logs in through the login form.
    pub fn login(&self, username: &str, password: &str) -> Reply {
        let page = self.get("/login").text();
        let token = csrf_of(&page);
        self.post(
            "/login",
            &[("username", username), ("password", password), ("csrf", &token), ("next", "/staff")],
        )
    }

    /// GET a path.
    pub fn get(&self, path: &str) -> Reply {
        let mut resp = self.agent.get(&format!("{}{path}", self.base)).call().expect("GET");
        reply_of(&mut resp)
    }

    /// POST a urlencoded form.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut resp =
            self.agent.post(&format!("{}{path}", self.base)).send_form(fields.iter().copied()).expect("POST");
        reply_of(&mut resp)
    }

    /// POST a multipart form: text fields and `(field, file name, bytes)` files.
    pub fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        use ureq::unversioned::multipart::{Form, Part};
        let mut form = Form::new();
        for (k, v) in fields {
            form = form.text(k, v);
        }
        for (field, name, bytes) in files {
            form = form.part(field, Part::bytes(bytes).file_name(name));
        }
        let mut resp = self.agent.post(&format!("{}{path}", self.base)).send(form).expect("POST multipart");
        reply_of(&mut resp)
    }
}

impl Client {
    /// POSTs `body` (already encoded as `content_type`) slowly, `chunk` bytes every `pause`,
    /// as over a slow office line, with no client-side time limit of its own (for the limits
    /// of long uploads).
    pub fn post_slowly(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        chunk: usize,
        pause: Duration,
    ) -> Reply {
        struct Slow {
            body: Vec<u8>,
            at: usize,
            chunk: usize,
            pause: Duration,
        }
        impl std::io::Read for Slow {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.at >= self.body.len() {
                    return Ok(0);
                }
                if self.at > 0 {
                    std::thread::sleep(self.pause);
                }
                let n = self.chunk.min(buf.len()).min(self.body.len() - self.at);
                buf[..n].copy_from_slice(&self.body[self.at..self.at + n]);
                self.at += n;
                Ok(n)
            }
        }
        let slow = Slow { body, at: 0, chunk: chunk.max(1), pause };
        let mut resp = self
            .agent
            .post(&format!("{}{path}", self.base))
            .config()
            .timeout_global(Some(Duration::from_secs(600)))
            .build()
            .header("content-type", content_type)
            .send(ureq::SendBody::from_owned_reader(slow))
            .expect("slow POST");
        reply_of(&mut resp)
    }

    /// Gives the second step of a login (GET then POST `/login/totp`) with `code`.
    pub fn second_step(&self, code: &str) -> Reply {
        let page = self.get("/login/totp");
        assert_eq!(page.status, 200, "no code step: {}", page.text());
        let token = csrf_of(&page.text());
        self.post("/login/totp", &[("csrf", &token), ("code", code)])
    }
}

/// The code an authenticator app with `secret` (base32) shows `steps` × 30 s from now.
pub fn totp_code(secret: &str, steps: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).expect("base32 secret");
    let totp = totp_rs::Builder::new().with_secret(secret).build().expect("authenticator");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    totp.generate((now + 30 * steps) as u64).to_string()
}

/// A six-digit code that no step near now accepts.
pub fn wrong_code(secret: &str) -> String {
    let near: Vec<String> = (-2..=3).map(|s| totp_code(secret, s)).collect();
    (0..10).map(|d| d.to_string().repeat(6)).find(|c| !near.contains(c)).unwrap()
}

/// The secret shown on an enrolment page, without the spaces between groups.
pub fn secret_of(html: &str) -> String {
    let at = html.find("id=\"totp-secret\"").expect("page shows the secret");
    let rest = &html[at..];
    let text = &rest[rest.find('>').unwrap() + 1..];
    text[..text.find('<').unwrap()].split_whitespace().collect()
}

/// The recovery codes on the page shown after enrolment.
pub fn recovery_codes_of(html: &str) -> Vec<String> {
    let at = html.find("class=\"recovery-codes\"").expect("page lists recovery codes");
    let list = &html[at..html[at..].find("</ol>").unwrap() + at];
    list.split("<code>").skip(1).map(|c| c[..c.find("</code>").unwrap()].to_string()).collect()
}

/// Enrols the logged-in `client` in two-step login; returns the secret and the recovery codes.
pub fn enrol_totp(client: &Client) -> (String, Vec<String>) {
    let page = client.get("/staff/totp");
    assert_eq!(page.status, 200);
    let html = page.text();
    let secret = secret_of(&html);
    let reply = client.post("/staff/totp", &[("csrf", &csrf_of(&html)), ("code", &totp_code(&secret, 0))]);
    assert_eq!(reply.status, 200, "enrolment not confirmed: {}", reply.text());
    let codes = recovery_codes_of(&reply.text());
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// Logs the client out (it must be logged in).
pub fn log_out(client: &Client) {
    let token = csrf_of(&client.get("/staff").text());
    assert_eq!(client.post("/logout", &[("csrf", &token)]).status, 303);
}

/// The CSRF token in a page's first form.
pub fn csrf_of(html: &str) -> String {
    let pattern = "name=\"csrf\" value=\"";
    let at = html.find(pattern).expect("page has a CSRF field") + pattern.len();
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

fn reply_of(resp: &mut ureq::http::Response<ureq::Body>) -> Reply {
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = resp.body_mut().with_config().limit(64 << 20).read_to_vec().expect("read body");
    Reply { status, headers, body }
}

/// A response, read whole.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// GET an absolute URL on loopback with extra request headers.
pub fn get_with(url: &str, headers: &[(&str, &str)]) -> Reply {
    assert!(url.starts_with("http://127.0.0.1:"), "loopback only: {url}");
    let agent = agent();
    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut resp = request.call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    reply_of(&mut resp)
}

/// GET over a plain socket, so that the bytes on the wire are seen as they are (the test HTTP
/// client would decompress them and drop `Content-Encoding`).
pub fn get_raw(url: &str, headers: &[(&str, &str)]) -> Reply {
    use std::io::{Read as _, Write as _};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    assert!(host.starts_with("127.0.0.1:"), "loopback only: {url}");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    let mut request = format!(
        "GET {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n",
        if path.is_empty() { "/" } else { path }
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) {
        let (mut out, mut at) = (Vec::new(), 0);
        loop {
            let eol = at + body[at..].windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&body[at..eol]).unwrap().trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&body[eol + 2..eol + 2 + size]);
            at = eol + 4 + size;
        }
        body = out;
    }
    Reply { status, headers, body }
}

/// Replaces a section of the settings file of `data` with `toml`.
pub fn set_settings(data: &Path, section: &str, toml: &str) {
    let path = data.join("prakat.toml");
    let mut settings: toml::Table =
        std::fs::read_to_string(&path).map(|t| t.parse().unwrap()).unwrap_or_default();
    settings.insert(section.into(), toml::Value::Table(toml.parse().unwrap()));
    std::fs::write(path, toml::to_string(&settings).unwrap()).unwrap();
}

/// GET an absolute URL on loopback.
pub fn get(url: &str) -> Reply {
    assert!(url.starts_with("http://127.0.0.1:") || url.starts_with("http://[::1]:"), "loopback only: {url}");
    let agent = agent();
    let mut resp = agent.get(url).call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = resp.body_mut().with_config().limit(64 << 20).read_to_vec().expect("read body");
    Reply { status, headers, body }
}

/// Every `href="/items/N"` on a page, in order.
pub fn item_links(html: &str) -> Vec<String> {
    html.match_indices("href=\"/items/")
        .map(|(i, _)| {
            let rest = &html[i + 6..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The demo content as shipped, for expectations.
pub fn demo_content() -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/content.toml");
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A throwaway CA and a certificate it signed for `localhost` and `127.0.0.1`, written to
/// `dir` as `ca.pem`, `cert.pem` and `key.pem` (for test HTTPS servers: pebble, a release feed).
pub fn test_ca(dir: &Path) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name.push(rcgen::DnType::CommonName, "Prakat test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca, ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.join("cert.pem"), leaf.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).unwrap();
}

/// Files served by [`file_server`], by request path.
pub type Files = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>>;

/// A static file server on loopback, over TLS when `tls` is given (a thread per connection,
/// `Connection: close`; 404 for anything not in `files`). Returns its port.
pub fn file_server(files: Files, tls: Option<std::sync::Arc<rustls::ServerConfig>>) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let (files, tls) = (files.clone(), tls.clone());
            std::thread::spawn(move || {
                stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
                match tls {
                    Some(config) => {
                        let conn = rustls::ServerConnection::new(config).unwrap();
                        let mut tls = rustls::StreamOwned::new(conn, stream);
                        answer(&mut tls, &files);
                        tls.conn.send_close_notify();
                        let _ = std::io::Write::flush(&mut tls);
                    }
                    None => answer(&mut &stream, &files),
                }
            });
        }
    });
    port
}

/// Reads one request and answers it from `files`.
fn answer(stream: &mut (impl std::io::Read + std::io::Write), files: &Files) {
    let mut reader = BufReader::new(&mut *stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(n) if n > 2 => continue,
            _ => break,
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let body = files.lock().unwrap().get(&path).cloned();
    let head = match &body {
        Some(b) => format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", b.len()),
        None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
    };
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_deref().unwrap_or_default());
    let _ = stream.flush();
}

/// A release archive holding `binary` as `prakat` (mode 0755), as `packaging/release.sh` makes
/// it. Stored, not deflated: test binaries are large and tests are about what is around them.
pub fn release_zip(binary: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .unix_permissions(0o755);
    zip.start_file("prakat", options).unwrap();
    zip.write_all(binary).unwrap();
    zip.finish().unwrap().into_inner()
}
