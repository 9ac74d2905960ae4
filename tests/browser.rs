//! The publication workflow in a real browser: headless Chromium driven over WebDriver
//! (chromedriver) against the real binary. Staff fills the Thai request form and attaches a PDF,
//! the approver rejects with a reason, staff edits and resubmits, the approver approves, the web
//! master publishes, and a visitor finds the item and downloads the file. Along the way it checks
//! that pages do not overflow a 360 px phone screen and that the embedded Sarabun font is used,
//! and it saves screenshots under `tests/out/browser/` for people to look at.
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
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const PASSWORD: &str = "Prakat-demo-2569";
const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (360, 800);
const WAIT: Duration = Duration::from_secs(20);

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

    /// Waits for an element to appear (e.g. after a click that navigates).
    async fn wait(&self, css: &str) -> Element {
        match self.c.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => {
                let url = self.c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
                let text = self.text("body").await;
                panic!("waiting for {css} on {url}: {e}\n--- page text ---\n{text}")
            }
        }
    }

    async fn find(&self, css: &str) -> Element {
        self.c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}"))
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// The visible text of the first element matching `css`, or `""`.
    async fn text(&self, css: &str) -> String {
        match self.c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Clears a field and types `text` into it as a person would, then checks what the field holds.
    async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
        field.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
        let value = field.prop("value").await.expect("value").unwrap_or_default();
        assert_eq!(value, text, "what {css} holds after typing");
    }

    /// Sets a date field (typing into date inputs depends on the browser's locale).
    async fn set_date(&self, id: &str, iso: &str) {
        let script = format!("document.getElementById('{id}').value = '{iso}'; return true");
        self.js(&script).await;
    }

    async fn login(&self, base: &str, username: &str) {
        self.goto(&format!("{base}/login")).await;
        self.type_into("#f-username", username).await;
        self.type_into("#f-password", PASSWORD).await;
        self.click("form[action='/login'] button[type=submit]").await;
        self.wait("div.staffbar").await;
        let bar = self.text("div.staffbar").await;
        assert!(bar.contains("ผู้ใช้:"), "{username} is logged in: {bar}");
    }

    /// Saves a screenshot of the whole page under `tests/out/browser/`.
    async fn shot(&self, name: &str) {
        self.shot_in("browser", name).await;
    }

    /// Saves a screenshot of the whole page (the window is stretched to the page's height, so
    /// lazy images load too) under `tests/out/FOLDER/`.
    async fn shot_in(&self, folder: &str, name: &str) {
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
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/out").join(folder);
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

    /// Asserts the page's text is set in the embedded Sarabun font, with its Thai face loaded.
    async fn uses_sarabun(&self, what: &str) {
        let v = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 document.fonts.ready.then(() => {
                   const faces = [...document.fonts].filter(f => f.family.replace(/[\"']/g, '') === 'Sarabun');
                   done({
                     family: getComputedStyle(document.body).fontFamily,
                     loaded: faces.filter(f => f.status === 'loaded').map(f => f.weight + ' ' + f.unicodeRange),
                     check: document.fonts.check('16px Sarabun', 'ประกาศรับสมัคร'),
                   });
                 });",
                vec![],
            )
            .await
            .expect("font check");
        let family = v["family"].as_str().unwrap_or_default();
        assert!(family.contains("Sarabun"), "{what}: body font is {family}");
        let loaded: Vec<&str> = v["loaded"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert!(
            loaded.iter().any(|f| f.to_ascii_uppercase().contains("E01")),
            "{what}: the Thai Sarabun face is not loaded; loaded faces: {loaded:?}"
        );
        assert_eq!(v["check"], json!(true), "{what}: document.fonts.check('16px Sarabun') for Thai text");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_publication_flow() {
    let Some((chromium, chromedriver)) = tools() else { return };
    let started = Instant::now();
    // rustls has two crypto back ends compiled in (ring for e-mail, aws-lc-rs through fantoccini),
    // so it cannot choose one by itself.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::demo();
    let base = server.base.clone();
    let driver = Driver::start(&chromedriver);
    let pdf_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/files/request-form.pdf");
    let pdf = std::fs::read(&pdf_path).expect("demo PDF");

    let topic = "ประกาศรับสมัครอาสาสมัครสาธารณสุขประจำหมู่บ้าน";
    let details = "ขอเผยแพร่ประกาศรับสมัครอาสาสมัครสาธารณสุขประจำหมู่บ้าน\n\
                   คุณสมบัติผู้สมัครตามเอกสารแนบ\n\
                   ยื่นใบสมัครได้ที่สำนักงานสาธารณสุขอำเภอ";
    let reason = "กรุณาระบุจำนวนที่รับสมัครและหมู่บ้านที่รับสมัคร";
    let topic2 = "ประกาศรับสมัครอาสาสมัครสาธารณสุขประจำหมู่บ้าน๑๒อัตรา";

    // Staff logs in, opens the request form (checked at phone width too) and fills it in Thai.
    let (staff, head) = tokio::join!(Browser::open(&driver, &chromium), Browser::open(&driver, &chromium));
    staff.login(&base, "staff").await;
    staff.goto(&format!("{base}/staff/requests/new")).await;
    staff.wait("#f-topic").await;
    staff.uses_sarabun("request form").await;
    staff.size(PHONE).await;
    staff.no_overflow("request form at 360 px").await;
    staff.shot("01-staff-form-phone").await;
    staff.size(DESKTOP).await;

    staff.type_into("#f-topic", topic).await;
    staff.type_into("#f-details", details).await;
    staff.type_into("#f-link", "https://www.moph.go.th/").await;
    staff.type_into("#f-remarks", "เร่งด่วน").await;
    staff.set_date("f-period_from", "2026-11-01").await;
    staff.set_date("f-period_to", "2027-01-31").await;
    let category = staff.find("#f-category").await;
    category.select_by_value("news/jobs").await.expect("pick a category");
    let picked = staff.js("return document.getElementById('f-category').value").await;
    assert_eq!(picked, json!("news/jobs"));
    let files = staff.find("#f-files").await;
    files.send_keys(pdf_path.to_str().unwrap()).await.expect("attach the PDF");
    let chosen = staff.js("return [...document.getElementById('f-files').files].map(f => f.name)").await;
    assert_eq!(chosen, json!(["request-form.pdf"]));
    staff.shot("02-staff-form-filled").await;
    staff.click("button[name=intent][value=submit]").await;
    staff.wait("span.state.state-submitted").await;
    let request_url = staff.c.current_url().await.unwrap().to_string();
    assert!(request_url.starts_with(&format!("{base}/staff/requests/")), "{request_url}");
    let main = staff.text("main").await;
    assert!(main.contains(topic) && main.contains("รออนุมัติ"), "{main}");
    assert!(main.contains("request-form.pdf"), "the attachment is listed: {main}");
    for line in details.lines() {
        assert!(main.contains(line), "details line {line:?} shown");
    }
    staff.shot("03-submitted").await;

    // The approver finds it on the dashboard and rejects it with a reason.
    head.login(&base, "head").await;
    let link = head.c.find(Locator::LinkText(topic)).await.expect("request in the approver's queue");
    link.click().await.expect("open request");
    head.wait("form[action$='/reject'] #reason").await;
    head.type_into("#reason", reason).await;
    head.shot("04-head-rejecting").await;
    head.click("form[action$='/reject'] button[type=submit]").await;
    head.wait("span.state.state-rejected").await;

    // Staff sees the reason, edits the topic and resubmits.
    staff.goto(&request_url).await;
    let warning = staff.wait("div.warning").await.text().await.unwrap();
    assert!(warning.contains("เหตุผลที่ไม่อนุมัติ") && warning.contains(reason), "{warning}");
    staff.shot("05-rejected-seen-by-staff").await;
    staff.click("a[href$='/edit']").await;
    let topic_field = staff.wait("#f-topic").await;
    assert_eq!(topic_field.prop("value").await.unwrap().as_deref(), Some(topic), "form comes back filled");
    staff.type_into("#f-topic", topic2).await;
    staff.click("button[name=intent][value=submit]").await;
    staff.wait("span.state.state-submitted").await;
    let history = staff.text("ol.history").await;
    assert!(history.contains("ไม่อนุมัติ") && history.contains(reason), "history keeps the rejection: {history}");

    // The approver approves.
    head.goto(&request_url).await;
    head.wait("form[action$='/approve'] button").await.click().await.expect("approve");
    head.wait("span.state.state-approved").await;
    head.shot("06-approved").await;
    head.close().await;

    // The web master reviews the pre-filled publish form and publishes.
    let webmaster = Browser::open(&driver, &chromium).await;
    webmaster.login(&base, "webmaster").await;
    webmaster.goto(&request_url).await;
    webmaster.wait("form[action$='/publish'] button").await.click().await.expect("open publish form");
    let publish_on = webmaster.wait("#f-publish_on").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(publish_on.len(), 10, "publication date pre-filled: {publish_on:?}");
    let title = webmaster.find("#f-title").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(title, topic2, "title pre-filled from the request");
    let source = webmaster.find("#f-source").await.prop("value").await.unwrap().unwrap_or_default();
    assert!(!source.is_empty(), "source pre-filled from the requester's unit");
    webmaster.type_into("#f-summary", "รับสมัครอาสาสมัครสาธารณสุขประจำหมู่บ้านจำนวน๑๒อัตรา").await;
    webmaster.shot("07-publish-form").await;
    webmaster.click("form[action$='/publish'] div.actions button[type=submit]").await;
    webmaster.wait("span.state.state-published").await;
    let item_path = webmaster.find("main a[href^='/items/']").await.attr("href").await.unwrap().unwrap();
    webmaster.shot("08-published-staff-view").await;
    // The official form, filled from the trail, as it prints on A4.
    webmaster.goto(&format!("{request_url}/print")).await;
    let sheet = webmaster.wait("main.sheet").await.text().await.unwrap();
    for who in ["ผู้รับผิดชอบการให้ข้อมูล", "ผู้อนุมัติรับรอง", "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่"]
    {
        assert!(sheet.contains(who), "signature block {who} on the printed form");
    }
    webmaster.shot("08b-print-form").await;
    webmaster.close().await;
    staff.close().await;

    // A visitor opens the home page, then the category page, and finds the item by its title.
    let visitor = Browser::open(&driver, &chromium).await;
    visitor.goto(&format!("{base}/")).await;
    visitor.wait("ul.area-grid").await;
    visitor.uses_sarabun("home page").await;
    visitor.shot("09-home-desktop").await;
    visitor.size(PHONE).await;
    visitor.no_overflow("home page at 360 px").await;
    visitor.shot("10-home-phone").await;
    visitor.size(DESKTOP).await;

    visitor.goto(&format!("{base}/c/news/jobs")).await;
    let link = visitor.c.find(Locator::LinkText(topic2)).await.expect("item listed in its category");
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some(item_path.as_str()));
    visitor.shot("11-category").await;
    link.click().await.expect("open item");
    let h1 = visitor.wait("article.item h1").await.text().await.unwrap();
    assert_eq!(h1, topic2);
    let meta = visitor.text("article.item dl.meta").await;
    for label in
        ["หมวดหมู่", "แหล่งที่มา / เจ้าของข้อมูล", "ช่วงวันที่ของข้อมูล", "วันและเวลาที่เผยแพร่", "ปีงบประมาณ", "สิ้นสุดการเผยแพร่"]
    {
        assert!(meta.contains(label), "metadata label {label} shown: {meta}");
    }
    assert!(meta.contains(&source), "source shown: {meta}");
    assert!(meta.contains("ประกาศรับสมัครงาน"), "sub-category shown: {meta}");
    let body = visitor.text("article.item div.body").await;
    assert!(body.contains("ยื่นใบสมัครได้ที่สำนักงานสาธารณสุขอำเภอ"), "{body}");
    visitor.uses_sarabun("item page").await;
    let file_link = visitor.find("section.files a[href^='/files/']").await;
    assert_eq!(file_link.text().await.unwrap(), "request-form.pdf");
    let href = file_link.attr("href").await.unwrap().unwrap();
    visitor.shot("12-item-desktop").await;
    visitor.size(PHONE).await;
    visitor.no_overflow("item page at 360 px").await;
    visitor.shot("13-item-phone").await;
    visitor.close().await;

    // The attachment downloads byte for byte.
    let download = common::get(&server.url(&href));
    assert_eq!(download.status, 200, "GET {href}");
    assert_eq!(download.header("content-type"), Some("application/pdf"));
    assert!(download.body == pdf, "downloaded file differs from {}", pdf_path.display());

    drop(driver);
    eprintln!("browser_publication_flow took {:.1} s", started.elapsed().as_secs_f64());
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
        self.run_axe(
            source,
            "{ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }",
            "v => v.impact === 'serious' || v.impact === 'critical'",
        )
        .await
    }

    /// Runs axe-core with its default rules (WCAG A/AA and best practices) and returns every
    /// violation, whatever its impact, as readable lines.
    async fn axe_all(&self, source: &str) -> Vec<String> {
        self.run_axe(source, "{}", "v => true").await
    }

    /// Runs axe-core with `options` (a JavaScript object) and returns the violations `keep` (a
    /// JavaScript predicate) accepts, as readable lines.
    async fn run_axe(&self, source: &str, options: &str, keep: &str) -> Vec<String> {
        // Injected through WebDriver, which the page's Content-Security-Policy does not govern.
        self.c.execute(&format!("{source}\nreturn true;"), vec![]).await.expect("inject axe-core");
        let script = format!(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {options})
               .then(r => done(r.violations
                 .filter({keep})
                 .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' @ '
                      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
               .catch(e => done(['axe failed: ' + e]));"
        );
        let result = self.c.execute_async(&script, vec![]).await.expect("run axe-core");
        result.as_array().unwrap().iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
    }
}

/// The public pages and the login page: zero serious or critical axe-core violations, nothing
/// wider than a 360 px phone, screenshots at 360 and 1280 px; also with the high-contrast and
/// large-text choices and the English interface.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_accessibility() {
    let Some((chromium, chromedriver)) = tools() else { return };
    let Some(axe) = axe_source() else { return };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::demo();
    let base = server.base.clone();
    let item = common::item_links(&server.get("/c/news/general").text())[0].clone();
    let driver = Driver::start(&chromedriver);
    let b = Browser::open(&driver, &chromium).await;
    let pages = [
        ("home", "/".to_string()),
        ("category", "/c/news".to_string()),
        ("item", item),
        ("search", "/search?q=%E0%B8%88%E0%B8%B1%E0%B8%94%E0%B8%8B%E0%B8%B7%E0%B9%89%E0%B8%AD".to_string()),
        ("survey", "/survey".to_string()),
        ("complaint", "/eservices/complaint".to_string()),
        ("stats", "/stats".to_string()),
        ("login", "/login".to_string()),
    ];
    let mut problems = Vec::new();
    for (name, path) in &pages {
        b.goto(&format!("{base}{path}")).await;
        b.wait("main").await;
        for v in b.axe(&axe).await {
            problems.push(format!("{name} ({path}): {v}"));
        }
        b.shot(&format!("a11y-{name}-1280")).await;
        b.size(PHONE).await;
        b.no_overflow(&format!("{name} at 360 px")).await;
        b.shot(&format!("a11y-{name}-360")).await;
        b.size(DESKTOP).await;
    }
    // Bad input on a public form: the errors are tied to their fields and still pass.
    b.goto(&format!("{base}/eservices/complaint")).await;
    b.click("form.case button[type=submit]").await;
    b.wait("div.problems").await;
    for v in b.axe(&axe).await {
        problems.push(format!("complaint with errors: {v}"));
    }
    let described =
        b.js("return document.getElementById('f-subject').getAttribute('aria-describedby')").await;
    assert_eq!(described, json!("f-subject-err"), "error not tied to its field");
    b.shot("a11y-complaint-errors-360").await;
    // The reading choices, chosen by links as a visitor would.
    b.goto(&format!("{base}/")).await;
    b.click("nav.tools a.t-larger").await;
    b.wait("html.text-larger").await;
    b.click("nav.tools a[href^='/prefs/contrast-on']").await;
    b.wait("html.contrast").await;
    for v in b.axe(&axe).await {
        problems.push(format!("home, high contrast and larger text: {v}"));
    }
    b.size(PHONE).await;
    b.no_overflow("home with larger text at 360 px").await;
    b.shot("a11y-home-contrast-larger-360").await;
    b.size(DESKTOP).await;
    b.click("nav.tools a[hreflang=en]").await;
    b.wait("html[lang=en]").await;
    assert_eq!(b.text("a.skip").await.trim(), "", "skip link hidden until focused");
    for v in b.axe(&axe).await {
        problems.push(format!("home in English: {v}"));
    }
    b.shot("a11y-home-english-1280").await;
    b.close().await;
    drop(driver);
    assert!(problems.is_empty(), "serious or critical accessibility problems:\n{}", problems.join("\n"));
}

/// Publishes an item and a public Q&A answer whose text carries what broke pages before: 120
/// stacked tone marks, a right-to-left override, a NUL, and a 200-character unbroken string.
fn publish_hostile_text(server: &Server) -> String {
    use common::{Client as Http, csrf_of};
    let hostile =
        format!("ประกาศ\u{202e}ทดสอบ\u{0} ก{} {}", "\u{e48}".repeat(120), "ข้อความยาวไม่มีช่องว่าง".repeat(9));
    let staff = Http::logged_in(server, "staff");
    let head = Http::logged_in(server, "head");
    let webmaster = Http::logged_in(server, "webmaster");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let fields = [
        ("csrf", token.as_str()),
        ("unit", "กลุ่มงานควบคุมโรคติดต่อ"),
        ("request_date", "2026-11-20"),
        ("topic", hostile.as_str()),
        ("details", hostile.as_str()),
        ("requester_name", "นายทดสอบ ระบบ"),
        ("requester_position", "นักวิชาการ"),
        ("requester_contact", "042 812665"),
        ("category", "news/alerts"),
        ("no_end", "on"),
        ("intent", "submit"),
    ];
    let created = staff.post_multipart("/staff/requests", &fields, &[]);
    assert_eq!(created.status, 303, "{}", created.text());
    let page = created.header("location").unwrap().to_string();
    let token = csrf_of(&head.get(&page).text());
    assert_eq!(head.post(&format!("{page}/approve"), &[("csrf", &token)]).status, 303);
    let token = csrf_of(&webmaster.get(&format!("{page}/publish")).text());
    let today = prakat::thai::today().to_string();
    let published = webmaster.post(
        &format!("{page}/publish"),
        &[
            ("csrf", &token),
            ("category", "news/alerts"),
            ("title", &hostile),
            ("summary", &hostile),
            ("source", "กลุ่มงานควบคุมโรคติดต่อ"),
            ("period_from", &today),
            ("publish_on", &today),
            ("end_date", ""),
        ],
    );
    assert_eq!(published.status, 303, "{}", published.text());
    let html = staff.get(&page).text();
    html[html.find("href=\"/items/").unwrap() + 6..].split('"').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_stays_in_its_place() {
    let Some((chromium, chromedriver)) = tools() else { return };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::demo();
    let base = server.base.clone();
    let item = tokio::task::block_in_place(|| publish_hostile_text(&server));
    let driver = Driver::start(&chromedriver);
    let b = Browser::open(&driver, &chromium).await;
    b.size(PHONE).await;
    for (path, name) in [(item.as_str(), "hostile-item-360"), ("/c/news/alerts", "hostile-list-360")] {
        b.goto(&format!("{base}{path}")).await;
        b.wait("main").await;
        b.no_overflow(path).await;
        // The header stays clear: nothing of the main content starts above it, and no text
        // carries more than three stacked marks or a direction override.
        let v = b
            .js("const h = document.querySelector('body > header') || document.querySelector('header');
                 const main = document.querySelector('main');
                 const text = main.innerText;
                 const stacked = /[\\u0E31\\u0E34-\\u0E3A\\u0E47-\\u0E4E]{4,}/.test(text);
                 return [h ? h.getBoundingClientRect().bottom : 0, main.getBoundingClientRect().top,
                         stacked, /[\\u202A-\\u202E\\u2066-\\u2069\\u0000]/.test(text)];")
            .await;
        assert!(
            v[0].as_f64().unwrap() <= v[1].as_f64().unwrap() + 0.5,
            "{path}: content over the header: {v}"
        );
        assert_eq!(v[2], json!(false), "{path}: stacked marks kept");
        assert_eq!(v[3], json!(false), "{path}: direction override or NUL kept");
        b.shot(name).await;
    }
    b.close().await;
    drop(driver);
}

/// Content that lives, in a real browser: the owner opens "ขอแก้ไข" on a published item, changes
/// the title and adds a table, previews it, sends it; the approver approves, the web master
/// publishes; the visitor sees the new version at the same address with "ปรับปรุงล่าสุด" and the
/// change log; the web master looks at the side-by-side difference. Screenshots at 390 and
/// 1366 px (`tests/out/browser/amend-*.png`); nothing may be wider than a 390 px phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_amendment_flow() {
    const PHONE_390: (u32, u32) = (390, 844);
    const WIDE: (u32, u32) = (1366, 900);
    let Some((chromium, chromedriver)) = tools() else { return };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::demo();
    let base = server.base.clone();

    // A published item to amend, made over HTTP (the browser flow of a new request is above).
    let title = "ประกาศประกวดราคาซื้อครุภัณฑ์การแพทย์";
    let (request, item) = {
        let staff = common::Client::logged_in(&server, "staff");
        let head = common::Client::logged_in(&server, "head");
        let web = common::Client::logged_in(&server, "webmaster");
        let token = common::csrf_of(&staff.get("/staff/requests/new").text());
        let created = staff.post_multipart(
            "/staff/requests",
            &[
                ("csrf", token.as_str()),
                ("unit", "กลุ่มงานบริหารทั่วไป"),
                ("request_date", "2026-11-20"),
                ("topic", title),
                ("details", "ขอเชิญชวนผู้ประกอบการเสนอราคา\n\nรายละเอียดตามเอกสารแนบ"),
                ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
                ("requester_position", "นักวิชาการเงินและบัญชี"),
                ("requester_contact", "042 812665"),
                ("category", "news/procurement"),
                ("no_end", "on"),
                ("intent", "submit"),
            ],
            &[],
        );
        let request = created.header("location").expect("created").to_string();
        let token = common::csrf_of(&head.get(&request).text());
        assert_eq!(head.post(&format!("{request}/approve"), &[("csrf", &token)]).status, 303);
        let token = common::csrf_of(&web.get(&format!("{request}/publish")).text());
        let today = prakat::thai::today().to_string();
        let published = web.post(
            &format!("{request}/publish"),
            &[
                ("csrf", token.as_str()),
                ("category", "news/procurement"),
                ("title", title),
                ("summary", "ประกวดราคาซื้อครุภัณฑ์การแพทย์"),
                ("source", "กลุ่มงานบริหารทั่วไป"),
                ("timeless", "1"),
                ("publish_on", today.as_str()),
            ],
        );
        assert_eq!(published.status, 303, "{}", published.text());
        let page = staff.get(&request).text();
        let at = page.find("href=\"/items/").unwrap() + 6;
        (request, page[at..].split('"').next().unwrap().to_string())
    };

    let driver = Driver::start(&chromedriver);
    let staff = Browser::open(&driver, &chromium).await;
    staff.login(&base, "staff").await;
    staff.goto(&format!("{base}{request}")).await;
    staff.wait("a[href$='/amend']").await.click().await.expect("open the amendment form");
    staff.wait("#f-note").await;
    staff.size(PHONE_390).await;
    staff.no_overflow("amendment form at 390 px").await;
    staff.shot("amend-01-form-390").await;
    staff.size(WIDE).await;
    staff.shot("amend-02-form-1366").await;
    let new_title = "ประกาศประกวดราคาซื้อครุภัณฑ์การแพทย์ (แก้ไขครั้งที่ ๑)";
    staff.type_into("#f-topic", new_title).await;
    let body = "ขอเชิญชวนผู้ประกอบการเสนอราคา\n\n| รายการ | จำนวน | ราคากลาง (บาท) |\n|---|---:|---:|\n| เครื่องวัดความดันโลหิตอัตโนมัติชนิดตั้งโต๊ะ | 5 | 125,000 |\n| เตียงผู้ป่วยปรับระดับด้วยไฟฟ้า | 2 | 190,000 |";
    staff.type_into("#f-details", body).await;
    staff.type_into("#f-note", "เพิ่มตารางราคากลางและแก้ชื่อเรื่อง").await;
    staff.click("button[name=intent][value=preview]").await;
    staff.wait("section.preview table").await;
    assert_eq!(
        staff.find("#f-note").await.prop("value").await.unwrap().as_deref(),
        Some("เพิ่มตารางราคากลางและแก้ชื่อเรื่อง"),
        "the preview keeps what was typed"
    );
    staff.shot("amend-03-preview-1366").await;
    staff.size(PHONE_390).await;
    staff.no_overflow("preview with a table at 390 px").await;
    staff.shot("amend-04-preview-390").await;
    staff.size(WIDE).await;
    staff.click("button[name=intent][value=submit]").await;
    staff.wait("span.state.state-submitted").await;
    let amendment = staff.c.current_url().await.unwrap().to_string();
    assert!(staff.text("main").await.contains("คำขอแก้ไขข้อมูลที่เผยแพร่แล้ว"));
    staff.shot("amend-05-sent").await;
    staff.close().await;

    let head = Browser::open(&driver, &chromium).await;
    head.login(&base, "head").await;
    head.goto(&amendment).await;
    head.wait("form[action$='/approve'] button").await.click().await.expect("approve");
    head.wait("span.state.state-approved").await;
    head.close().await;

    let web = Browser::open(&driver, &chromium).await;
    web.login(&base, "webmaster").await;
    web.goto(&amendment).await;
    web.wait("form[action$='/publish'] button").await.click().await.expect("open publish form");
    let t = web.wait("#f-title").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(t, new_title, "the publish form starts from the amendment");
    web.click("form[action$='/publish'] div.actions button[type=submit]").await;
    web.wait("span.state.state-published").await;
    let same = web.find("main a[href^='/items/']").await.attr("href").await.unwrap().unwrap();
    assert_eq!(same, item, "same address");

    // The difference of the two revisions, side by side.
    let id = item.trim_start_matches("/items/");
    web.goto(&format!("{base}/staff/items/{id}/revisions")).await;
    web.wait("table.revisions").await;
    web.shot("amend-06-revisions-1366").await;
    web.goto(&format!("{base}/staff/items/{id}/diff?from=1&to=2")).await;
    web.wait("table.diff").await;
    let diff = web.text("table.diff").await;
    assert!(diff.contains("แก้ไขครั้งที่") && diff.contains("เตียงผู้ป่วย"), "{diff}");
    web.size(WIDE).await;
    web.shot("amend-07-diff-1366").await;
    web.size(PHONE_390).await;
    web.no_overflow("difference page at 390 px").await;
    web.shot("amend-08-diff-390").await;
    web.close().await;

    // The visitor: same address, new content, "ปรับปรุงล่าสุด" and the change log.
    let visitor = Browser::open(&driver, &chromium).await;
    visitor.goto(&format!("{base}{item}")).await;
    let h1 = visitor.wait("article.item h1").await.text().await.unwrap();
    assert_eq!(h1, new_title);
    let meta = visitor.text("article.item dl.meta").await;
    assert!(meta.contains("ปรับปรุงล่าสุด"), "{meta}");
    assert!(visitor.text("section.changes").await.contains("เพิ่มตารางราคากลาง"));
    visitor.wait("article.item div.body table").await;
    visitor.size(WIDE).await;
    visitor.shot("amend-09-item-1366").await;
    visitor.size(PHONE_390).await;
    visitor.no_overflow("amended item with a table at 390 px").await;
    visitor.shot("amend-10-item-390").await;
    visitor.close().await;
    drop(driver);
}

/// The office in a real browser: an admin creates a unit, moves a user into it, names an acting
/// approver, and changes the office's name on the settings page, which the public site shows at
/// once. Screenshots at 390 px and 1366 px under `tests/out/browser/office-*.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_office_units_delegation_and_settings() {
    const PHONE_390: (u32, u32) = (390, 844);
    const WIDE: (u32, u32) = (1366, 900);
    let Some((chromium, chromedriver)) = tools() else { return };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::demo();
    let base = server.base.clone();
    let driver = Driver::start(&chromedriver);
    let admin = Browser::open(&driver, &chromium).await;
    admin.size(WIDE).await;
    admin.login(&base, "admin").await;

    // A new unit.
    admin.goto(&format!("{base}/admin/units")).await;
    admin.wait("form[action='/admin/units']").await;
    admin.type_into("#f-name", "กลุ่มงานคุ้มครองผู้บริโภค").await;
    admin.type_into("#f-short_name", "คบ.").await;
    admin.click("form[action='/admin/units'] button[type=submit]").await;
    admin.wait("input[value='กลุ่มงานคุ้มครองผู้บริโภค']").await;

    // Staff moves into it, chosen from the list.
    admin.goto(&format!("{base}/admin/users")).await;
    admin.wait("a[aria-label='แก้ไขบัญชี staff']").await.click().await.expect("open the account");
    let unit = admin.wait("#f-unit").await;
    unit.select_by_label("กลุ่มงานคุ้มครองผู้บริโภค").await.expect("choose the unit");
    admin.shot("office-01-account-1366").await;
    admin.click("form[action^='/admin/users/'] button[type=submit]").await;
    admin.wait("div.staffbar").await;
    admin.goto(&format!("{base}/admin/users")).await;
    admin.wait("table.list").await;
    assert!(admin.text("table.list").await.contains("นักวิชาการเงินและบัญชี / กลุ่มงานคุ้มครองผู้บริโภค"));
    admin.goto(&format!("{base}/admin/units")).await;
    admin.wait("table.list").await;
    let row = admin
        .js("return [...document.querySelectorAll('table.list tr')].find(r => r.querySelector(\"input[value='กลุ่มงานคุ้มครองผู้บริโภค']\")).innerText")
        .await;
    assert!(row.as_str().unwrap_or_default().contains("ไม่มี (ส่งถึงผู้อำนวยการ)"), "{row}");

    // An acting approver for the health-promotion head, from today to tomorrow.
    let today = prakat::thai::today();
    let tomorrow = today.checked_add(jiff::Span::new().days(1)).unwrap();
    admin
        .find("#f-from")
        .await
        .select_by_label("นางสุดารัตน์ พรหมมา — หัวหน้ากลุ่มงานส่งเสริมสุขภาพ")
        .await
        .expect("from");
    admin.find("#f-to").await.select_by_label("นางสาวปวีณา ใจงาม — พยาบาลวิชาชีพชำนาญการ").await.expect("to");
    admin.set_date("f-starts_on", &today.to_string()).await;
    admin.set_date("f-ends_on", &tomorrow.to_string()).await;
    admin.click("form[action='/staff/delegations'] button[type=submit]").await;
    admin.wait("form[action$='/end']").await;
    let delegations = admin.text("#delegation + p + table, section.panel table.list").await;
    assert!(admin.text("main").await.contains("นางสาวปวีณา ใจงาม"), "{delegations}");
    admin.size(PHONE_390).await;
    admin.no_overflow("units page at 390 px").await;
    admin.shot("office-02-units-390").await;
    admin.size(WIDE).await;
    admin.shot("office-03-units-1366").await;

    // The settings page: a new name, in force on the public site at once.
    admin.goto(&format!("{base}/admin/settings")).await;
    admin.wait("#f-name_th").await;
    if let Some(axe) = axe_source() {
        let problems = admin.axe(&axe).await;
        assert!(problems.is_empty(), "settings page accessibility: {problems:#?}");
        admin.goto(&format!("{base}/admin/units")).await;
        admin.wait("#f-name").await;
        let problems = admin.axe(&axe).await;
        assert!(problems.is_empty(), "units page accessibility: {problems:#?}");
        admin.goto(&format!("{base}/admin/settings")).await;
        admin.wait("#f-name_th").await;
    }
    admin.size(PHONE_390).await;
    admin.no_overflow("settings page at 390 px").await;
    admin.shot("office-04-settings-390").await;
    admin.size(WIDE).await;
    admin.shot("office-05-settings-1366").await;
    let name = "สำนักงานสาธารณสุขอำเภอภูเรือ";
    admin.type_into("#f-name_th", name).await;
    admin.find("#f-theme").await.select_by_label("น้ำเงินราชการ").await.expect("theme");
    admin.click("form[action='/admin/settings'] > button:last-of-type").await;
    admin.wait("div.notice").await;
    assert!(admin.text("div.notice").await.contains("มีผลทันที"));
    admin.goto(&format!("{base}/")).await;
    admin.wait("header.site .brand strong").await;
    assert_eq!(admin.text("header.site .brand strong").await, name);
    let header =
        admin.js("return getComputedStyle(document.querySelector('header.site')).backgroundColor").await;
    assert_eq!(header, json!("rgb(29, 79, 145)"), "the blue preset");
    admin.size(PHONE_390).await;
    admin.no_overflow("home at 390 px").await;
    admin.shot("office-06-home-390").await;
    admin.size(WIDE).await;
    admin.shot("office-07-home-1366").await;
    admin.close().await;
}

/// A request with every field of the official form filled: three lines of details, a link,
/// remarks and two attachments, approved and published so that all three signature blocks carry
/// a name. Returns the request's address.
fn full_field_request(server: &Server) -> String {
    use common::{Client as Http, csrf_of};
    let staff = Http::logged_in(server, "staff");
    let head = Http::logged_in(server, "head");
    let webmaster = Http::logged_in(server, "webmaster");
    let files = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/files");
    let pdf = std::fs::read(files.join("request-form.pdf")).expect("demo PDF");
    let jpg = std::fs::read(files.join("activity-1.jpg")).expect("demo JPEG");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let created = staff.post_multipart(
        "/staff/requests",
        &[
            ("csrf", token.as_str()),
            ("unit", "กลุ่มงานควบคุมโรคติดต่อและภัยสุขภาพ"),
            ("request_date", "2026-11-20"),
            ("topic", "ประกาศรับสมัครอาสาสมัครสาธารณสุขประจำหมู่บ้าน (อสม.) ประจำปีงบประมาณ พ.ศ. ๒๕๗๐ จำนวน ๑๒ อัตรา"),
            (
                "details",
                "ขอเผยแพร่ประกาศรับสมัครอาสาสมัครสาธารณสุขประจำหมู่บ้าน ในเขตตำบลกุดป่อง ตำบลนาอาน และตำบลนาดินดำ\n\
                 คุณสมบัติผู้สมัคร เอกสารที่ต้องใช้ และกำหนดการคัดเลือก ตามเอกสารแนบท้ายประกาศ\n\
                 ยื่นใบสมัครด้วยตนเองได้ที่สำนักงานสาธารณสุขอำเภอในวันและเวลาราชการ ตั้งแต่บัดนี้ถึง ๓๑ ธันวาคม ๒๕๖๙",
            ),
            ("link", "https://www.moph.go.th/index.php/news/read/recruit-2570-volunteers"),
            ("remarks", "ขอให้เผยแพร่ในหมวดประกาศรับสมัครงาน และปักหมุดไว้จนถึงวันปิดรับสมัคร"),
            ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
            ("requester_position", "นักวิชาการสาธารณสุขชำนาญการ"),
            ("requester_contact", "042 812665 ต่อ 12 napaphat.s@ssomueangloei.go.th"),
            ("category", "news/jobs"),
            ("no_end", "on"),
            ("intent", "submit"),
        ],
        &[("files", "ใบสมัคร-อสม-2570.pdf", &pdf), ("files", "ภาพการประชุมชี้แจง.jpg", &jpg)],
    );
    assert_eq!(created.status, 303, "{}", created.text());
    let page = created.header("location").unwrap().to_string();
    let token = csrf_of(&head.get(&page).text());
    assert_eq!(head.post(&format!("{page}/approve"), &[("csrf", &token)]).status, 303);
    let token = csrf_of(&webmaster.get(&format!("{page}/publish")).text());
    let today = prakat::thai::today().to_string();
    let published = webmaster.post(
        &format!("{page}/publish"),
        &[
            ("csrf", token.as_str()),
            ("category", "news/jobs"),
            ("title", "ประกาศรับสมัครอาสาสมัครสาธารณสุขประจำหมู่บ้าน"),
            ("summary", "รับสมัคร อสม. จำนวน ๑๒ อัตรา"),
            ("source", "กลุ่มงานควบคุมโรคติดต่อและภัยสุขภาพ"),
            ("timeless", "1"),
            ("publish_on", today.as_str()),
            ("alt", "เจ้าหน้าที่ชี้แจงการรับสมัครอาสาสมัครในห้องประชุม"),
        ],
    );
    assert_eq!(published.status, 303, "{}", published.text());
    page
}

/// The official A4 request form with every field filled prints on ONE page in Chromium
/// (`pdfinfo` counts the pages), with the requester's unit and contact and the three signature
/// blocks. The PDF and a screenshot of the print preview go to `tests/out/browser/`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn print_form_fits_one_a4_page() {
    let Some((chromium, chromedriver)) = tools() else { return };
    let pdfinfo = which("pdfinfo");
    if pdfinfo.is_none() {
        let message = "print test NOT RUN: pdfinfo missing; install the Debian package `poppler-utils` (tests/run.sh does)";
        if std::env::var("PRAKAT_TEST_STRICT").is_ok_and(|v| v == "1") {
            panic!("{message}");
        }
        let _ = writeln!(std::io::stderr(), "\n!!! {message}\n");
        return;
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::demo();
    let base = server.base.clone();
    let request = tokio::task::block_in_place(|| full_field_request(&server));
    let driver = Driver::start(&chromedriver);
    let b = Browser::open(&driver, &chromium).await;
    b.login(&base, "staff").await;
    b.goto(&format!("{base}{request}/print")).await;
    let sheet = b.wait("main.sheet").await.text().await.unwrap();
    for needed in [
        "กลุ่มงานควบคุมโรคติดต่อและภัยสุขภาพ",
        "042 812665 ต่อ 12",
        "napaphat.s@ssomueangloei.go.th",
        "https://www.moph.go.th/",
        "ใบสมัคร-อสม-2570.pdf",
        "ภาพการประชุมชี้แจง.jpg",
        "ผู้รับผิดชอบการให้ข้อมูล",
        "ผู้อนุมัติรับรอง",
        "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่",
    ] {
        assert!(sheet.contains(needed), "{needed:?} on the printed form:\n{sheet}");
    }
    b.uses_sarabun("print form").await;
    b.size((794, 1123)).await; // A4 at 96 dpi, for the screenshot of the preview
    b.shot("print-form-preview").await;
    // A4, the form's own margins (as in its @page rule), no shrinking to fit.
    let config = fantoccini::wd::PrintConfiguration::builder()
        .size(fantoccini::wd::PrintSize::A4)
        .margins(fantoccini::wd::PrintMargins { top: 1.5, bottom: 1.2, left: 2.5, right: 2.0 })
        .shrink_to_fit(false)
        .background(true)
        .build()
        .expect("print configuration");
    let pdf = b.c.print(config).await.expect("print to PDF");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/out/browser");
    std::fs::create_dir_all(&dir).expect("out dir");
    let file = dir.join("print-form.pdf");
    std::fs::write(&file, &pdf).expect("write PDF");
    b.close().await;
    drop(driver);
    let info = Command::new(pdfinfo.unwrap()).arg(&file).output().expect("run pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let pages =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).map(str::trim).unwrap_or_default().to_string();
    assert_eq!(pages, "1", "the full form prints on one A4 page; pdfinfo says:\n{info}");
    assert!(info.contains("(A4)"), "A4 paper: {info}");
}

/// The pages a person in `role` (or the public, with `None`) reaches from the home page and
/// the staff pages, one of each shape (item 5 and item 6 are the same page to these checks).
fn pages_of(server: &Server, role: Option<&str>) -> Vec<String> {
    let client = match role {
        Some(role) => common::Client::logged_in(server, role),
        None => common::Client::new(server),
    };
    let mut queue: std::collections::VecDeque<String> =
        ["/", "/sitemap", "/staff", "/admin"].iter().map(|s| s.to_string()).collect();
    let mut seen = std::collections::HashSet::new();
    let mut shapes = std::collections::HashSet::new();
    let mut pages = Vec::new();
    while let Some(href) = queue.pop_front() {
        if !seen.insert(href.clone()) {
            continue;
        }
        let (path, query) = href.split_once('?').unwrap_or((&href, ""));
        let shape: String =
            path.chars().map(|c| if c.is_ascii_digit() { 'N' } else { c }).collect::<String>()
                + "?"
                + &query.split('&').filter_map(|kv| kv.split('=').next()).collect::<Vec<_>>().join("&");
        if !shapes.insert(shape) {
            continue;
        }
        let reply = client.get(&href);
        if reply.status != 200 || !reply.header("content-type").is_some_and(|t| t.starts_with("text/html")) {
            continue;
        }
        let html = reply.text();
        // The public pages once, with the public; staff pages with each role.
        if role.is_none() || href.starts_with("/staff") || href.starts_with("/admin") {
            pages.push(href.clone());
        }
        for (i, _) in html.match_indices("href=\"") {
            let rest = &html[i + 6..];
            let link = rest[..rest.find('"').unwrap_or(0)].replace("&amp;", "&");
            let skip = [
                "/logout",
                "/prefs/",
                "/files/",
                "/staff/files/",
                "/assets/",
                "/feeds/",
                "/admin/backups/",
                "/favicon",
            ]
            .iter()
            .any(|p| link.starts_with(p))
                || [".xml", ".csv", ".pdf", ".zip", ".json", ".crt", ".txt"]
                    .iter()
                    .any(|s| link.split('?').next().unwrap_or_default().ends_with(s))
                || link.contains("download");
            if link.starts_with('/') && !link.starts_with("//") && !skip {
                queue.push_back(link);
            }
        }
    }
    pages
}

/// Every public and staff page of the demo, as the public and as each role: zero axe-core
/// violations (all rules, all impacts) at 390 px and at 1366 px, and nothing wider than a
/// 390 px phone. Screenshots of the phone menu (open), the sitemap and a staff page at both
/// widths go to `tests/out/browser/face-*.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_every_page_at_phone_and_desktop() {
    const PHONE_390: (u32, u32) = (390, 844);
    const WIDE: (u32, u32) = (1366, 900);
    let Some((chromium, chromedriver)) = tools() else { return };
    let Some(axe) = axe_source() else { return };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::demo();
    let base = server.base.clone();
    let driver = Driver::start(&chromedriver);
    let mut problems = Vec::new();
    let mut checked = 0;
    for role in [None, Some("staff"), Some("head"), Some("webmaster"), Some("admin")] {
        let pages = tokio::task::block_in_place(|| pages_of(&server, role));
        let b = Browser::open(&driver, &chromium).await;
        if let Some(role) = role {
            b.login(&base, role).await;
        }
        for path in &pages {
            let who = role.unwrap_or("public");
            b.goto(&format!("{base}{path}")).await;
            for size in [PHONE_390, WIDE] {
                b.size(size).await;
                for v in b.axe_all(&axe).await {
                    problems.push(format!("{who} {path} at {} px: {v}", size.0));
                }
                checked += 1;
            }
            b.size(PHONE_390).await;
            let wide = b
                .js("return document.documentElement.scrollWidth > window.innerWidth
                     ? [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                         .slice(0, 4).map(e => e.tagName.toLowerCase() + '.' + (typeof e.className === 'string' ? e.className : ''))
                     : null")
                .await;
            if !wide.is_null() {
                problems.push(format!("{who} {path}: wider than a 390 px phone: {wide}"));
            }
        }
        if role == Some("webmaster") {
            for (size, name) in [(PHONE_390, "390"), (WIDE, "1366")] {
                b.size(size).await;
                b.goto(&format!("{base}/staff")).await;
                b.shot(&format!("face-staff-{name}")).await;
            }
        }
        if role.is_none() {
            for (size, name) in [(PHONE_390, "390"), (WIDE, "1366")] {
                b.size(size).await;
                b.goto(&format!("{base}/sitemap")).await;
                b.shot(&format!("face-sitemap-{name}")).await;
                b.goto(&format!("{base}/c/news")).await;
                if size == PHONE_390 {
                    b.click("details.menu > summary").await;
                    let open = b.js("return document.querySelector('details.menu').open").await;
                    assert_eq!(open, json!(true), "the menu opens");
                    b.no_overflow("open menu at 390 px").await;
                    for v in b.axe_all(&axe).await {
                        problems.push(format!("open phone menu: {v}"));
                    }
                }
                b.shot(&format!("face-menu-{name}")).await;
            }
            b.size((360, 800)).await;
            b.goto(&format!("{base}/")).await;
            b.click("details.menu > summary").await;
            b.no_overflow("home with the menu open at 360 px").await;
        }
        b.close().await;
    }
    drop(driver);
    let _ = writeln!(std::io::stderr(), "axe-core: {checked} page views, {} violations", problems.len());
    assert!(checked > 100, "only {checked} page views checked");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

impl Browser {
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

/// The demo's album with three photos (the aerobics festival), by its address.
fn album_item(server: &Server) -> String {
    let grid = server.get("/c/news/activities").text();
    let at = grid.find("มหกรรมสร้างสุขภาพ").expect("the demo album");
    let before = &grid[..at];
    let link = before.rfind("href=\"/items/").expect("its link");
    before[link + 6..].split('"').next().unwrap().to_string()
}

/// Photos (issue 22): the home page (highlight band, latest albums), the album grid, an item
/// with its gallery and a full-size photo page, at 390 px and 1366 px: nothing overflows, every
/// image is shown at its true aspect ratio, the first is eager, and the photo pages are walked
/// from the keyboard. Screenshots go to `tests/out/photos/`.
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
    for (label, size) in [("390", (390, 844)), ("1366", (1366, 900))] {
        b.size(size).await;
        for (name, path) in &pages {
            b.goto(&format!("{base}{path}")).await;
            let what = format!("{name} at {label} px");
            b.no_overflow(&what).await;
            // The screenshot stretches the window to the whole page, so lazy images load too.
            b.shot_in("photos", &format!("{name}-{label}")).await;
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
