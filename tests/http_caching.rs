//! Fast on a slow uplink and behind a cache: compression by Accept-Encoding, strong ETags and
//! Last-Modified with 304s, byte ranges on files (206, 416), and the Cache-Control of every kind
//! of response (public page, asset, file, staff page, form, error page).

mod common;

use std::io::Read as _;

use common::{Client, Reply, Server, get_raw as get_with};

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body).read_to_end(&mut out).expect("valid gzip");
    out
}

fn vary(reply: &Reply) -> String {
    reply
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("vary"))
        .map(|(_, v)| v.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

const PUBLIC: &str = "public, max-age=60, stale-while-revalidate=60";
const PRIVATE: &str = "private, no-store";

/// The first href on `html` that starts with `prefix`.
fn first_link(html: &str, prefix: &str) -> Option<String> {
    let at = html.find(&format!("href=\"{prefix}"))? + 6;
    Some(html[at..][..html[at..].find('"')?].replace("&amp;", "&"))
}

/// Checks compression, validators and 304s of one public page.
fn check_page(server: &Server, path: &str) {
    let url = server.url(path);
    let plain = get_with(&url, &[]);
    assert_eq!(plain.status, 200, "{path}");
    assert_eq!(plain.header("content-encoding"), None, "{path}: compressed without Accept-Encoding");
    let packed = get_with(&url, &[("Accept-Encoding", "gzip, deflate, br")]);
    assert_eq!(packed.status, 200);
    assert_eq!(packed.header("content-encoding"), Some("gzip"), "{path}");
    assert_eq!(gunzip(&packed.body), plain.body, "{path}: gzip is not the same page");
    assert!(
        packed.body.len() * 3 < plain.body.len(),
        "{path}: {} of {} bytes",
        packed.body.len(),
        plain.body.len()
    );
    for reply in [&plain, &packed] {
        assert_eq!(reply.header("cache-control"), Some(PUBLIC), "{path}");
        assert!(
            vary(reply).contains("accept-encoding") && vary(reply).contains("cookie"),
            "{path}: {}",
            vary(reply)
        );
        assert!(reply.header("last-modified").is_some(), "{path}");
    }
    let etag = packed.header("etag").expect("an ETag").to_string();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "strong ETag: {etag}");
    assert_ne!(Some(etag.as_str()), plain.header("etag"), "the ETag differs by coding");

    let again = get_with(&url, &[("Accept-Encoding", "gzip"), ("If-None-Match", &etag)]);
    assert_eq!(again.status, 304, "{path}: If-None-Match");
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    assert_eq!(again.header("cache-control"), Some(PUBLIC));
    assert!(vary(&again).contains("accept-encoding"));
    let plain_etag = plain.header("etag").unwrap();
    assert_eq!(get_with(&url, &[("If-None-Match", plain_etag)]).status, 304, "{path}: identity tag");
    assert_eq!(get_with(&url, &[("If-None-Match", "\"something-else\"")]).status, 200);
    let since = plain.header("last-modified").unwrap();
    assert_eq!(get_with(&url, &[("If-Modified-Since", since)]).status, 304, "{path}: If-Modified-Since");
    let before = "Mon, 01 Jan 2001 00:00:00 GMT";
    assert_eq!(get_with(&url, &[("If-Modified-Since", before)]).status, 200);
}

#[test]
fn public_pages_are_compressed_validated_and_shareable() {
    let server = Server::demo();
    let home = server.get("/").text();
    let item = first_link(&home, "/items/").expect("an item on the home page");
    for path in ["/", "/c/news", &item, "/ita"] {
        check_page(&server, path);
    }
    // Uncached pages are compressed on the fly, and get an ETag and 304s too.
    for path in
        ["/search?q=%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%81%E0%B8%B2%E0%B8%A8", "/eservices", "/sitemap.xml"]
    {
        let url = server.url(path);
        let packed = get_with(&url, &[("Accept-Encoding", "gzip")]);
        assert_eq!(packed.status, 200, "{path}");
        assert_eq!(packed.header("content-encoding"), Some("gzip"), "{path}");
        assert_eq!(gunzip(&packed.body), server.get(path).body, "{path}");
        assert_eq!(packed.header("cache-control"), Some(PUBLIC), "{path}");
        assert!(vary(&packed).contains("accept-encoding"), "{path}");
        let etag = packed.header("etag").expect("an ETag on the fly");
        assert_eq!(
            get_with(&url, &[("Accept-Encoding", "gzip"), ("If-None-Match", etag)]).status,
            304,
            "{path}"
        );
    }
    // A visitor with a cookie (reading choices, a session) may get a page made for them: the
    // browser may keep it, a shared cache may not.
    let personal = get_with(&server.url("/"), &[("Cookie", "prakat_prefs=contrast")]);
    assert_eq!(personal.header("cache-control"), Some("private, no-cache"));
    // Small responses are not worth compressing.
    let health = get_with(&server.url("/healthz"), &[("Accept-Encoding", "gzip")]);
    assert_eq!(health.header("content-encoding"), None);
    assert_eq!(health.header("cache-control"), Some("no-store"));
}

#[test]
fn assets_are_precompressed_fingerprinted_and_immutable() {
    let server = Server::demo();
    let home = server.get("/").text();
    let css = first_link(&home, "/assets/style.css?v=").expect("the stylesheet link");
    let url = server.url(&css);
    let plain = get_with(&url, &[]);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let br = get_with(&url, &[("Accept-Encoding", "gzip, deflate, br")]);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert!(br.body.len() * 4 < plain.body.len(), "brotli {} of {}", br.body.len(), plain.body.len());
    let gz = get_with(&url, &[("Accept-Encoding", "gzip")]);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&gz.body), plain.body);
    for reply in [&plain, &br, &gz] {
        assert!(vary(reply).contains("accept-encoding"));
        assert!(reply.header("last-modified").is_some());
        assert_eq!(reply.header("content-type"), Some("text/css"));
    }
    let etag = br.header("etag").unwrap();
    let not_modified = get_with(&url, &[("Accept-Encoding", "br"), ("If-None-Match", etag)]);
    assert_eq!(not_modified.status, 304);
    assert_eq!(not_modified.header("cache-control"), Some("public, max-age=31536000, immutable"));
    // Without the current fingerprint the same bytes may be kept only as long as a page.
    let unversioned = server.get("/assets/style.css");
    assert_eq!(unversioned.header("cache-control"), Some(PUBLIC));
    assert_eq!(get_with(&server.url("/assets/style.css?v=old"), &[]).header("cache-control"), Some(PUBLIC));
    // Fonts are compressed already.
    let font =
        get_with(&server.url("/assets/fonts/sarabun-thai-400.woff2"), &[("Accept-Encoding", "gzip, br")]);
    assert_eq!(font.status, 200);
    assert_eq!(font.header("content-encoding"), None);
    assert!(font.header("etag").is_some());
}

/// Every attachment link on the first `pages` items of the home page and the news listing.
fn attachment_links(server: &Server) -> Vec<String> {
    let mut items: Vec<String> = common::item_links(&server.get("/").text());
    items.extend(common::item_links(&server.get("/c/news").text()));
    items.sort();
    items.dedup();
    let mut files = Vec::new();
    for item in items {
        let html = server.get(&item).text();
        files.extend(html.match_indices("href=\"/files/").map(|(i, _)| {
            let rest = &html[i + 6..];
            rest[..rest.find('"').unwrap()].to_string()
        }));
    }
    files
}

#[test]
fn files_have_ranges_etags_and_are_never_compressed() {
    let server = Server::demo();
    let files = attachment_links(&server);
    assert!(!files.is_empty(), "no attachment on the demo's first items");
    for href in &files {
        let url = server.url(href);
        let whole = get_with(&url, &[("Accept-Encoding", "gzip, deflate, br")]);
        assert_eq!(whole.status, 200, "{href}");
        assert_eq!(whole.header("content-encoding"), None, "{href} compressed");
        assert_eq!(whole.header("accept-ranges"), Some("bytes"), "{href}");
        assert_eq!(whole.header("cache-control"), Some(PUBLIC), "{href}");
        assert!(whole.header("last-modified").is_some(), "{href}");
        let etag = whole.header("etag").expect("an ETag").to_string();
        assert_eq!(etag.len(), 66, "the file's SHA-256: {etag}");
        assert_eq!(get_with(&url, &[("If-None-Match", &etag)]).status, 304, "{href}");
    }
    let href = &files[0];
    let url = server.url(href);
    let whole = get_with(&url, &[]);
    let len = whole.body.len();
    let etag = whole.header("etag").unwrap().to_string();
    // A resumed download: the rest of the file from byte 100.
    let part = get_with(&url, &[("Range", "bytes=100-")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-range"), Some(format!("bytes 100-{}/{len}", len - 1).as_str()));
    assert!(part.body == whole.body[100..]);
    let first = get_with(&url, &[("Range", "bytes=0-9"), ("If-Range", &etag)]);
    assert_eq!(first.status, 206);
    assert!(first.body == whole.body[..10]);
    // The file changed since (another tag): the whole file, not a piece of the new one.
    let changed = get_with(&url, &[("Range", "bytes=0-9"), ("If-Range", "\"0000\"")]);
    assert_eq!(changed.status, 200);
    assert_eq!(changed.body.len(), len);
    // A range beyond the end.
    let beyond = get_with(&url, &[("Range", &format!("bytes={}-{}", len + 10, len + 20))]);
    assert_eq!(beyond.status, 416);
    assert_eq!(beyond.header("content-range"), Some(format!("bytes */{len}").as_str()));
}

#[test]
fn staff_forms_and_errors_are_not_stored_and_cookies_never_shared() {
    let server = Server::demo();
    // Forms carry single-use tokens; tracking shows a person's case.
    let eservices = server.get("/eservices").text();
    let form =
        first_link(&eservices, "/eservices/").filter(|l| l != "/eservices/stats").expect("a form link");
    for path in ["/login", &form, "/survey", "/track?code=ABC"] {
        let reply = get_with(&server.url(path), &[("Accept-Encoding", "gzip")]);
        assert_eq!(reply.header("cache-control"), Some(PRIVATE), "{path}");
        assert_eq!(reply.header("etag"), None, "{path}: an ETag on a page that is not stored");
    }
    // Choosing a reading preference sets a cookie: never stored.
    let prefs = server.get("/prefs/contrast-on?back=%2F");
    assert!(prefs.header("set-cookie").is_some());
    assert_eq!(prefs.header("cache-control"), Some(PRIVATE));
    // Staff and admin pages, and the login that sets the session cookie.
    let webmaster = Client::new(&server);
    let login = webmaster.login("admin", "Prakat-demo-2569");
    assert_eq!(login.status, 303);
    assert!(login.header("set-cookie").is_some());
    assert_eq!(login.header("cache-control"), Some(PRIVATE));
    for path in ["/staff", "/admin/users", "/admin/audit", "/staff/requests/new"] {
        let reply = webmaster.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("cache-control"), Some(PRIVATE), "{path}");
    }
    // A logged-in person on a public page: not shared.
    assert_eq!(webmaster.get("/").header("cache-control"), Some("private, no-cache"));
    // Error pages: a missing page may be cached briefly like any page, a refusal is not stored.
    let missing = get_with(&server.url("/no-such-page"), &[("Accept-Encoding", "gzip")]);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("cache-control"), Some(PUBLIC));
    assert_eq!(missing.header("content-encoding"), Some("gzip"));
    assert!(String::from_utf8(gunzip(&missing.body)).unwrap().contains("ไม่พบ"));
    let post = get_with(&server.url("/items/999999"), &[]);
    assert_eq!(post.status, 404);
}

#[test]
fn the_max_age_of_public_pages_is_a_setting() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("d");
    let out = std::process::Command::new(common::binary())
        .args(["demo", "--items", "0", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success());
    common::set_settings(&data, "cache", "public_max_age_secs = 300");
    let server = Server::start(&data, &[]);
    assert_eq!(
        server.get("/").header("cache-control"),
        Some("public, max-age=300, stale-while-revalidate=300")
    );
    drop(server);
    common::set_settings(&data, "cache", "public_max_age_secs = 100000");
    let refused = std::process::Command::new(common::binary())
        .args(["serve", "--http", "127.0.0.1:0", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("public_max_age_secs"));
}
