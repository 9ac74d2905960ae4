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
        let started = Instant::now();
        let mut child = Command::new(binary())
            .args(["serve", "--http", "127.0.0.1:0", "--data"])
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
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            base,
            data: data.to_path_buf(),
            _temp: None,
            startup,
        }
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
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// GET an absolute URL on loopback.
pub fn get(url: &str) -> Reply {
    assert!(
        url.starts_with("http://127.0.0.1:") || url.starts_with("http://[::1]:"),
        "loopback only: {url}"
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let mut resp = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .expect("read body");
    Reply {
        status,
        headers,
        body,
    }
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
