//! Photos in a real browser (issue 22): headless Chromium over WebDriver against the real
//! binary with the demo content. The home page (highlight band, latest activity albums), the
//! activity album grid, an item with its gallery and a full-size photo page, each at 390 px (a
//! phone) and 1366 px (an office PC): nothing overflows, every image is loaded at its true
//! aspect ratio, the first image is eager, and the photo pages are walked with their
//! previous/next links. Screenshots go to `tests/out/photos/` for people to look at.
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium`, `chromium-driver`). Without them the
//! test says so loudly and passes, unless `PRAKAT_TEST_STRICT=1` (set by `tests/run.sh`).

mod common;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Server;
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

const DESKTOP: (u32, u32) = (1366, 900);
const PHONE: (u32, u32) = (390, 844);

/// An executable on `PATH`, or `None`.
fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.metadata().is_ok_and(|m| m.is_file()))
}

/// A chromedriver process on a loopback port, killed (with the browsers it started) on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(chromedriver: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().unwrap().port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so the browsers it starts can be ended with it.
            .process_group(0)
            .spawn()
            .expect("spawn chromedriver");
        let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if driver_ready(port) {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not answer on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Whether chromedriver answers `GET /status` with `"ready": true`.
fn driver_ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut reply = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n @ 1..) = stream.read(&mut chunk) {
        reply.extend_from_slice(&chunk[..n]);
        if reply.windows(12).any(|w| w == b"\"ready\":true") {
            return true;
        }
    }
    false
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The process group is the chromedriver's own id (see `process_group(0)`); ending it ends
        // any browser a failed test left open.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
        std::thread::sleep(Duration::from_millis(200));
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser with its own profile (and so its own cookies): one person.
struct Browser {
    c: Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn open(driver: &Driver, chromium: &Path) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--no-first-run".into(),
            "--no-default-browser-check".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-features=Translate,MediaRouter".into(),
            "--hide-scrollbars".into(),
            "--lang=th-TH".into(),
            format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
        });
        let Value::Object(caps) = caps else { unreachable!() };
        let c = ClientBuilder::rustls()
            .expect("rustls connector")
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .expect("new WebDriver session");
        let b = Browser { c, _profile: profile };
        b.size(DESKTOP).await;
        b
    }

    async fn close(self) {
        self.c.close().await.expect("close session");
    }

    /// Sets the viewport (not the window) to `width` × `height` CSS pixels.
    async fn size(&self, (width, height): (u32, u32)) {
        self.c.set_window_size(width, height).await.expect("set window size");
        // Correct for any window decoration so the page really is `width` wide.
        let inner = self.js("return [window.innerWidth, window.innerHeight]").await;
        let (iw, ih) = (inner[0].as_u64().unwrap() as u32, inner[1].as_u64().unwrap() as u32);
        if (iw, ih) != (width, height) {
            self.c
                .set_window_size(width + (width.saturating_sub(iw)), height + height.saturating_sub(ih))
                .await
                .expect("set window size");
        }
        let iw = self.js("return window.innerWidth").await.as_u64().unwrap();
        assert_eq!(iw, u64::from(width), "viewport width");
    }

    async fn goto(&self, url: &str) {
        self.c.goto(url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    async fn js(&self, script: &str) -> Value {
        self.c.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script {script}: {e}"))
    }

    /// Saves a screenshot of the whole page (the window is stretched to the page's height).
    async fn shot(&self, name: &str) {
        let (w, h) = {
            let v = self.js("return [window.innerWidth, window.innerHeight]").await;
            (v[0].as_u64().unwrap() as u32, v[1].as_u64().unwrap() as u32)
        };
        let full = self.js("window.scrollTo(0, 0); return document.documentElement.scrollHeight").await;
        let tall = (full.as_u64().unwrap() as u32).clamp(h, 8000);
        if tall > h {
            self.c.set_window_size(w, tall).await.expect("stretch window");
            self.js("window.scrollTo(0, 0)").await;
        }
        self.images_loaded().await;
        let png = self.c.screenshot().await.expect("screenshot");
        if tall > h {
            self.size((w, h)).await;
        }
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/out/photos");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Asserts the page is no wider than the viewport, naming the widest elements if it is.
    async fn no_overflow(&self, what: &str) {
        let v = self
            .js(
                "const w = window.innerWidth;
                 const wide = [...document.querySelectorAll('body *')]
                   .filter(e => e.getBoundingClientRect().right > w + 0.5)
                   .slice(0, 8)
                   .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\\s+/g, '.') : '')
                        + ' right=' + Math.round(e.getBoundingClientRect().right));
                 return [document.documentElement.scrollWidth, w, wide];",
            )
            .await;
        let (scroll, inner) = (v[0].as_u64().unwrap(), v[1].as_u64().unwrap());
        assert!(
            scroll <= inner,
            "{what}: page is {scroll} px wide in a {inner} px viewport; too wide: {}",
            v[2]
        );
    }

    /// Waits (up to 10 s) until every image on the page has loaded.
    async fn images_loaded(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let pending = self
                .js("return [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
                .await;
            if pending.as_u64() == Some(0) || Instant::now() > deadline {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Asserts every loaded image is shown at its own aspect ratio (within 2 %) unless it is
    /// a cropped thumbnail (`object-fit: cover`), and that the first image is eager.
    async fn images_true(&self, what: &str) {
        self.images_loaded().await;
        let v = self
            .js("return [...document.images].filter(i => i.srcset).map(i => {
                   const r = i.getBoundingClientRect();
                   return [i.currentSrc, i.naturalWidth, i.naturalHeight, r.width, r.height,
                           getComputedStyle(i).objectFit, i.loading, i.getAttribute('width'),
                           i.getAttribute('height')];
                 });")
            .await;
        let images = v.as_array().expect("images");
        assert!(!images.is_empty(), "{what}: no photos");
        assert_eq!(images[0][6], json!("eager"), "{what}: the first photo is eager");
        for i in images {
            let (nw, nh) = (i[1].as_f64().unwrap(), i[2].as_f64().unwrap());
            assert!(nw > 0.0, "{what}: {} did not load", i[0]);
            // The markup's width/height are those of the file in src (same ratio as any copy).
            let (aw, ah): (f64, f64) =
                (i[7].as_str().unwrap().parse().unwrap(), i[8].as_str().unwrap().parse().unwrap());
            assert!((aw / ah - nw / nh).abs() < 0.02, "{what}: {} markup ratio {aw}x{ah} vs {nw}x{nh}", i[0]);
            let (w, h) = (i[3].as_f64().unwrap(), i[4].as_f64().unwrap());
            if i[5] != json!("cover") && w > 0.0 && h > 0.0 && i[5] != json!("contain") {
                assert!((w / h - nw / nh).abs() < 0.03 * (nw / nh), "{what}: {} shown {w}x{h}", i[0]);
            }
        }
    }
}

/// The browser and driver to use, or `None` (after saying so) when they are not installed.
fn tools() -> Option<(PathBuf, PathBuf)> {
    let chromium = ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|n| which(n));
    let chromedriver = which("chromedriver");
    if let (Some(chromium), Some(chromedriver)) = (&chromium, &chromedriver) {
        return Some((chromium.clone(), chromedriver.clone()));
    }
    let message = format!(
        "browser test NOT RUN: chromium {} and chromedriver {}; install the Debian packages \
         `chromium` and `chromium-driver` (tests/run.sh does)",
        if chromium.is_some() { "found" } else { "MISSING" },
        if chromedriver.is_some() { "found" } else { "MISSING" },
    );
    if std::env::var("PRAKAT_TEST_STRICT").is_ok_and(|v| v == "1") {
        panic!("{message}");
    }
    // Straight to the process's standard error: the test harness would swallow `eprintln!`.
    let bang = "!".repeat(100);
    let _ = writeln!(std::io::stderr(), "\n{bang}\n!!! {message}\n{bang}\n");
    None
}

/// axe-core's script (installed by `tests/run.sh` into `tests/axe`), or `None` after saying
/// so (a failure under `PRAKAT_TEST_STRICT=1`).
fn axe_source() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(e) => {
            let message = format!(
                "accessibility check NOT RUN: {} ({e}); run `npm ci --prefix tests/axe` (tests/run.sh does)",
                path.display()
            );
            if std::env::var("PRAKAT_TEST_STRICT").is_ok_and(|v| v == "1") {
                panic!("{message}");
            }
            let _ = writeln!(std::io::stderr(), "\n!!! {message}\n");
            None
        }
    }
}

impl Browser {
    /// Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the open page and returns the serious and
    /// critical violations as readable lines.
    async fn axe(&self, source: &str) -> Vec<String> {
        // Injected through WebDriver, which the page's Content-Security-Policy does not govern.
        self.c.execute(&format!("{source}\nreturn true;"), vec![]).await.expect("inject axe-core");
        let result = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                   .then(r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' @ '
                          + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("run axe-core");
        result.as_array().unwrap().iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
    }
}

/// The demo's album with three photos (the aerobics festival), by its address.
fn album_item(server: &Server) -> String {
    let grid = server.get("/c/news/activities").text();
    let at = grid.find("มหกรรมสร้างสุขภาพ").expect("the demo album");
    let before = &grid[..at];
    let link = before.rfind("href=\"/items/").expect("its link");
    before[link + 6..].split('"').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_home_albums_and_photo_pages_in_a_browser() {
    let Some((chromium, chromedriver)) = tools() else { return };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::demo();
    let base = server.base.clone();
    let item = album_item(&server);
    let axe = axe_source();
    let driver = Driver::start(&chromedriver);
    let b = Browser::open(&driver, &chromium).await;
    let mut problems = Vec::new();
    let pages = [
        ("home", "/".to_string()),
        ("album-grid", "/c/news/activities".to_string()),
        ("item-with-photos", item.clone()),
        ("photo-page", format!("{item}/photos/2")),
    ];
    for (label, size) in [("390", PHONE), ("1366", DESKTOP)] {
        b.size(size).await;
        for (name, path) in &pages {
            b.goto(&format!("{base}{path}")).await;
            let what = format!("{name} at {label} px");
            b.no_overflow(&what).await;
            // The screenshot stretches the window to the whole page, so lazy images load too.
            b.shot(&format!("{name}-{label}")).await;
            b.images_true(&what).await;
            if let Some(axe) = &axe {
                problems.extend(b.axe(axe).await.into_iter().map(|v| format!("{what}: {v}")));
            }
        }
    }
    // The photo pages are walked with plain links, from the keyboard too: focus "next" and
    // press Enter.
    b.goto(&format!("{base}{item}/photos/1")).await;
    b.js("document.querySelector('a[rel=next]').focus(); return true").await;
    let focused = b.js("return document.activeElement.getAttribute('href')").await;
    assert_eq!(focused, json!(format!("{item}/photos/2")));
    b.c.active_element().await.expect("focused link").send_keys("\u{E007}").await.expect("press Enter");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !b.c.current_url().await.unwrap().as_str().ends_with("/photos/2") {
        assert!(Instant::now() < deadline, "Enter on “next” opens photo 2");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let prev = b.js("return document.querySelector('a[rel=prev]').getAttribute('href')").await;
    assert_eq!(prev, json!(format!("{item}/photos/1")));
    b.close().await;
    drop(driver);
    assert!(problems.is_empty(), "serious or critical accessibility problems:\n{}", problems.join("\n"));
}
