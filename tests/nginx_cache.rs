//! Debian's nginx in front of Prakat with `packaging/nginx-prakat.conf`, on loopback: public
//! pages become cache hits, 304s flow through, a withdrawn item turns 410 through the cache
//! within max-age, and staff pages and responses that set cookies are never cached.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Client, Reply, Server, csrf_of, get_raw as get_with};

/// Seconds public pages may be cached in this test (the setting), to keep it short.
const MAX_AGE: u64 = 2;

struct Nginx {
    child: Child,
    port: u16,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // The master is in the foreground (`daemon off`): stopping it stops its workers.
        let _ = Command::new("kill").args(["-QUIT", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> Option<&'static str> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().find(|p| std::path::Path::new(p).exists())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts nginx with the packaged configuration, pointed at `upstream` and listening on a free
/// loopback port, its cache and logs under `dir`.
fn start_nginx(binary: &str, dir: &std::path::Path, upstream: &str) -> Nginx {
    let port = free_port();
    let packaged =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/packaging/nginx-prakat.conf")).unwrap();
    let cache = dir.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let site = packaged
        .replace("/var/cache/nginx/prakat", &cache.display().to_string())
        .replace("server 127.0.0.1:8080;", &format!("server {upstream};"))
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("listen [::]:80;", "");
    for (what, expected) in
        [("cache path", "/var/cache/nginx/prakat"), ("upstream", "127.0.0.1:8080"), ("listen", "listen 80;")]
    {
        assert!(packaged.contains(expected), "packaging/nginx-prakat.conf: {what} `{expected}` not found");
    }
    std::fs::write(dir.join("prakat.conf"), site).unwrap();
    // Workers run as root only because the test does (its temporary folders are private).
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let d = dir.display();
    let main = format!(
        "{user}daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         include {d}/prakat.conf;\n}}\n",
        user = if root { "user root root;\n" } else { "" },
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let child = Command::new(binary)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .arg("-p")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start nginx");
    let nginx = Nginx { child, port };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not start: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

fn status_of(reply: &Reply) -> &str {
    reply.header("x-cache-status").unwrap_or("")
}

/// Asks through nginx until `done` holds (at most `secs`), returning the last reply.
fn until(url: &str, headers: &[(&str, &str)], secs: u64, done: impl Fn(&Reply) -> bool) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let reply = get_with(url, headers);
        if done(&reply) || Instant::now() > deadline {
            return reply;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Staff asks, the head approves and the web master publishes an item with a PDF: the item's
/// path, the request's page, and the web master.
fn publish_item(server: &Server) -> (String, String, Client) {
    const PDF: &[u8] = include_bytes!("../assets/demo/files/request-form.pdf");
    let staff = Client::logged_in(server, "staff");
    let head = Client::logged_in(server, "head");
    let webmaster = Client::logged_in(server, "webmaster");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let created = staff.post_multipart(
        "/staff/requests",
        &[
            ("csrf", token.as_str()),
            ("unit", "กลุ่มงานควบคุมโรคติดต่อ"),
            ("request_date", "2026-11-20"),
            ("topic", "ประกาศทดสอบแคช"),
            ("details", "ประกาศนี้ใช้ทดสอบการแคชผ่าน nginx"),
            ("link", ""),
            ("remarks", ""),
            ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
            ("requester_position", "นักวิชาการเงินและบัญชี"),
            ("requester_contact", "042 812665"),
            ("category", "news/alerts"),
            ("period_from", "2026-11-01"),
            ("period_to", "2027-01-31"),
            ("end_date", ""),
            ("no_end", "on"),
            ("intent", "submit"),
        ],
        &[("files", "ประกาศ.pdf", PDF)],
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
            ("csrf", &token),
            ("category", "news/alerts"),
            ("title", "ประกาศทดสอบแคช"),
            ("summary", "ทดสอบ"),
            ("source", "กลุ่มงานควบคุมโรคติดต่อ"),
            ("period_from", "2026-11-01"),
            ("period_to", "2027-01-31"),
            ("publish_on", &today),
            ("end_date", ""),
        ],
    );
    assert_eq!(published.status, 303, "{}", published.text());
    let html = webmaster.get(&page).text();
    let item = html[html.find("href=\"/items/").expect("the published item") + 6..]
        .split('"')
        .next()
        .unwrap()
        .to_string();
    (item, page, webmaster)
}

#[test]
fn nginx_caches_public_pages_and_never_private_ones() {
    let Some(nginx_bin) = nginx_binary() else {
        let msg = "nginx missing: the proxy_cache test cannot run (tests/run.sh installs Debian's nginx)";
        assert!(std::env::var("PRAKAT_TEST_STRICT").as_deref() != Ok("1"), "{msg}");
        eprintln!("\n!!!!! SKIPPED: {msg} !!!!!\n");
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let out =
        Command::new(common::binary()).args(["demo", "--items", "0", "--data"]).arg(&data).output().unwrap();
    assert!(out.status.success());
    common::set_settings(&data, "cache", &format!("public_max_age_secs = {MAX_AGE}"));
    let server = Server::start(&data, &[]);
    let upstream = server.base.trim_start_matches("http://").to_string();
    let nginx = start_nginx(nginx_bin, temp.path(), &upstream);
    let front = |path: &str| format!("http://127.0.0.1:{}{path}", nginx.port);

    // Public pages: a miss, then hits, byte for byte what Prakat serves; gzip kept as a variant.
    let direct = server.get("/c/news");
    let first = get_with(&front("/c/news"), &[]);
    assert_eq!(first.status, 200);
    assert_eq!(status_of(&first), "MISS");
    let hit = get_with(&front("/c/news"), &[]);
    assert_eq!(status_of(&hit), "HIT", "second request is a cache hit");
    assert!(hit.body == direct.body, "nginx's copy differs from Prakat's page");
    let gz = until(&front("/c/news"), &[("Accept-Encoding", "gzip")], 3, |r| status_of(r) == "HIT");
    assert_eq!(status_of(&gz), "HIT");
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let css_link = {
        let home = server.get("/").text();
        let at = home.find("href=\"/assets/style.css?v=").unwrap() + 6;
        home[at..][..home[at..].find('"').unwrap()].to_string()
    };
    get_with(&front(&css_link), &[("Accept-Encoding", "br")]);
    let css = get_with(&front(&css_link), &[("Accept-Encoding", "br")]);
    assert_eq!((status_of(&css), css.header("content-encoding")), ("HIT", Some("br")));

    // 304s flow through: nginx answers the browser's revalidation from its copy, and
    // revalidates its own stale copy with Prakat (REVALIDATED) instead of fetching it again.
    let etag = hit.header("etag").expect("an ETag through nginx").to_string();
    let not_modified = get_with(&front("/c/news"), &[("If-None-Match", &etag)]);
    assert_eq!(not_modified.status, 304);
    std::thread::sleep(Duration::from_secs(MAX_AGE * 2 + 1));
    // Prakat's own page cache still holds the same page, so its ETag matches: Prakat answers
    // nginx's If-None-Match with 304 and nginx serves its copy again.
    let revalidated = get_with(&front("/c/news"), &[]);
    assert_eq!((revalidated.status, status_of(&revalidated)), (200, "REVALIDATED"));
    assert!(revalidated.body == direct.body);

    // Staff pages, the login form and anything with a cookie never come from the cache.
    let login = get_with(&front("/login"), &[]);
    assert_eq!(login.header("cache-control"), Some("private, no-store"));
    let login_again = get_with(&front("/login"), &[]);
    assert_ne!(status_of(&login_again), "HIT", "the login form was cached");
    let prefs = get_with(&front("/prefs/contrast-on?back=%2F"), &[]);
    assert!(prefs.header("set-cookie").is_some());
    let prefs_again = get_with(&front("/prefs/contrast-on?back=%2F"), &[]);
    assert!(prefs_again.header("set-cookie").is_some(), "a cached response lost its cookie");
    assert_ne!(status_of(&prefs_again), "HIT", "a response setting a cookie was cached");
    let with_cookie = get_with(&front("/c/news"), &[("Cookie", "prakat_prefs=contrast")]);
    assert_eq!(status_of(&with_cookie), "BYPASS");
    assert_eq!(with_cookie.header("cache-control"), Some("private, no-cache"));
    let staff = get_with(&front("/staff"), &[]);
    assert_ne!(status_of(&staff), "HIT");
    assert_ne!(status_of(&get_with(&front("/staff"), &[])), "HIT", "a staff page was cached");

    // A withdrawn item: cached while published, 410 through the cache within max-age.
    let (item, page, webmaster) = publish_item(&server);
    get_with(&front(&item), &[]);
    let cached = get_with(&front(&item), &[]);
    assert_eq!((cached.status, status_of(&cached)), (200, "HIT"));
    let token = csrf_of(&webmaster.get(&page).text());
    let withdrawn =
        webmaster.post(&format!("{page}/withdraw"), &[("csrf", &token), ("reason", "ทดสอบการถอนประกาศ")]);
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.text());
    let changed = Instant::now();
    // max-age, then one stale answer while nginx asks Prakat in the background.
    let gone = until(&front(&item), &[], MAX_AGE * 2 + 3, |r| r.status == 410);
    assert_eq!(
        gone.status,
        410,
        "still {} ({}) after {:?}",
        gone.status,
        status_of(&gone),
        changed.elapsed()
    );
    assert!(changed.elapsed() <= Duration::from_secs(MAX_AGE * 2 + 2), "took {:?}", changed.elapsed());
    assert!(gone.text().contains("สิ้นสุดการเผยแพร่"));
    drop(nginx);
}
