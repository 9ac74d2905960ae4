//! The public face, page by page: every public and staff page of the demo, as each role sees
//! it, is crawled and checked for leaks of the machine into the Thai interface — ISO or
//! Common-Era dates ("2026-12-06"), raw audit keys ("request.approve", "request/5"), raw
//! addresses as text ("/items/53"), English sentences on Thai pages, "ปรับปรุงข้อมูลล่าสุด -",
//! and, with Thai digits chosen, Arabic digits in the dates and numbers the program writes. The
//! same pages go through the Nu HTML checker (`vnu.jar`, installed by `tests/run.sh`). The
//! English interface translates the navigation, area names and breadcrumbs. The two sitemaps.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::Write as _;
use std::path::Path;

use common::{Client, Server};

/// The roles whose pages are crawled (besides the public).
const ROLES: [&str; 4] = ["staff", "head", "webmaster", "admin"];

/// A demo server whose settings choose Thai digits.
fn thai_digits_demo(dir: &Path) -> Server {
    let data = dir.join("data");
    drop(Server::start(&data, &["--demo"]));
    common::set_settings(&data, "display", "digits = \"thai\"\nper_page = 20");
    Server::start(&data, &[])
}

/// Links not to follow: side effects, downloads, feeds, machine documents.
fn skip(href: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "/logout",
        "/prefs/",
        "/files/",
        "/staff/files/",
        "/assets/",
        "/feeds/",
        "/admin/backups/",
        "/setup",
        "/favicon",
    ];
    const SUFFIXES: [&str; 7] = [".xml", ".csv", ".pdf", ".zip", ".json", ".crt", ".txt"];
    let path = href.split(['?', '#']).next().unwrap_or_default();
    !href.starts_with('/')
        || href.starts_with("//")
        || PREFIXES.iter().any(|p| href.starts_with(p))
        || SUFFIXES.iter().any(|s| path.ends_with(s))
        || href.contains("download")
        || href.contains("/print")
}

/// A page's shape: its path with numbers as `N` and its query keys. At most two pages of a
/// shape are visited (item 5 and item 6 are the same page to these checks).
fn shape(href: &str) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let mut out = String::new();
    let mut in_number = false;
    for c in path.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            out.push(c);
            in_number = false;
        }
    }
    let mut keys: Vec<&str> = query.split('&').filter_map(|kv| kv.split('=').next()).collect();
    keys.sort_unstable();
    format!("{out}?{}", keys.join("&"))
}

/// Every `href="…"` of a page, unescaped.
fn links(html: &str) -> Vec<String> {
    html.match_indices("href=\"")
        .filter_map(|(i, _)| {
            let rest = &html[i + 6..];
            rest.find('"').map(|end| rest[..end].replace("&amp;", "&"))
        })
        .collect()
}

/// Crawls what `client` can reach from `starts`, at most two pages per shape and `limit` in
/// all: (path, HTML) of every HTML page that answered 200 (or 410, the Thai "gone" page).
fn crawl(client: &Client, starts: &[&str], limit: usize) -> Vec<(String, String)> {
    let mut queue: VecDeque<String> = starts.iter().map(|s| s.to_string()).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut shapes: HashMap<String, usize> = HashMap::new();
    let mut pages = Vec::new();
    while let Some(href) = queue.pop_front() {
        if pages.len() >= limit || !seen.insert(href.clone()) {
            continue;
        }
        let n = shapes.entry(shape(&href)).or_default();
        if *n >= 2 {
            continue;
        }
        *n += 1;
        let reply = client.get(&href);
        let html_page = reply.header("content-type").is_some_and(|t| t.starts_with("text/html"));
        if !html_page || !(reply.status == 200 || reply.status == 410) {
            continue;
        }
        let html = reply.text();
        for link in links(&html) {
            if !skip(&link) && !seen.contains(&link) {
                queue.push_back(link);
            }
        }
        pages.push((href, html));
    }
    pages
}

/// One run of text with what surrounds it.
struct Text {
    text: String,
    /// Written by people (titles, summaries, bodies, topics): their digits are theirs.
    content: bool,
    /// Inside an element marked `lang="en"`: English on purpose.
    english: bool,
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "!doctype",
];
/// Classes of elements that hold what people wrote.
/// (`policy`: the policy pages' text, which admins edit.)
const CONTENT_CLASSES: [&str; 8] = ["body", "lead", "excerpt", "answer", "title", "why", "summary", "policy"];

/// The visible text of a page in runs, each with whether it is people's content or marked
/// English. Skips scripts, styles, form fields' text, code and preformatted text.
fn texts(html: &str) -> Vec<Text> {
    // (tag, content, english, hidden)
    let mut stack: Vec<(String, bool, bool, bool)> = Vec::new();
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        let (content, english, hidden) =
            stack.last().map_or((false, false, false), |(_, c, e, h)| (*c, *e, *h));
        if lt > 0 && !hidden {
            let text = rest[..lt]
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&nbsp;", " ");
            if !text.trim().is_empty() {
                out.push(Text { text, content, english });
            }
        }
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let gt = rest.find('>').map_or(rest.len(), |g| g + 1);
        let tag = &rest[1..gt.saturating_sub(1)];
        rest = &rest[gt..];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(at) = stack.iter().rposition(|(t, ..)| *t == name) {
                stack.truncate(at);
            }
            continue;
        }
        let name: String = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if VOID.contains(&name.as_str()) || tag.ends_with('/') || name.starts_with('!') {
            continue;
        }
        let attr = |key: &str| {
            let pattern = format!(" {key}=\"");
            tag.find(&pattern).map(|i| {
                let v = &tag[i + pattern.len()..];
                v[..v.find('"').unwrap_or(v.len())].to_string()
            })
        };
        let classes = attr("class").unwrap_or_default();
        let href = attr("href").unwrap_or_default();
        let in_list = stack.iter().any(|(t, ..)| t == "ul.items");
        let is_content = content
            || classes.split_whitespace().any(|c| CONTENT_CLASSES.contains(&c))
            || name == "h1"
            || name == "title"
            || (name == "p" && in_list)
            || (name == "a" && (href.starts_with("/items/") || href.starts_with("/staff/requests/")));
        let lang = attr("lang");
        let is_english = match lang.as_deref() {
            Some(l) => l.starts_with("en"),
            None => english,
        };
        let is_hidden = hidden
            || ["script", "style", "textarea", "pre", "code", "option", "select"].contains(&name.as_str());
        let key = if name == "ul" && classes.split_whitespace().any(|c| c == "items") {
            "ul.items".into()
        } else {
            name
        };
        stack.push((key, is_content, is_english, is_hidden));
    }
    out
}

const MONTHS: [&str; 24] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
];

/// `yyyy-` with an ASCII year from 1900 to 2999 (ISO dates, Common-Era dates written by code).
fn iso_date(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(4)).find_map(|i| {
        let year = &b[i..i + 4];
        let starts = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        // A year of 1900–2099 or 2500–2599 (B.E.) and a month 01–12: "2026-12", "2569-01".
        let month = b
            .get(i + 5..i + 7)
            .filter(|m| m.iter().all(u8::is_ascii_digit))
            .map(|m| (m[0] - b'0') * 10 + m[1] - b'0');
        (starts
            && year.iter().all(u8::is_ascii_digit)
            && matches!(&year[..2], b"19" | b"20" | b"25")
            && b[i + 4] == b'-'
            && month.is_some_and(|m| (1..=12).contains(&m)))
        .then(|| &text[i..(i + 10).min(text.len())])
    })
}

/// A raw audit action (`request.approve`) or object key (`request/5`) as words.
fn raw_key(text: &str) -> Option<String> {
    const KINDS: [&str; 9] =
        ["request", "item", "user", "login", "unit", "case", "delegation", "import", "complaint_stats"];
    for kind in KINDS {
        for (i, _) in text.match_indices(kind) {
            let before = text[..i].chars().next_back();
            if before
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '/' || c == '.' || c == '@' || c == '-')
            {
                continue;
            }
            let after = &text[i + kind.len()..];
            let mut chars = after.chars();
            let (sep, next) = (chars.next(), chars.next());
            let hit = match sep {
                Some('.') => next.is_some_and(|c| c.is_ascii_lowercase()),
                Some('/') => next.is_some_and(|c| c.is_ascii_digit()),
                _ => false,
            };
            if hit {
                return Some(text[i..(i + kind.len() + 12).min(text.len())].to_string());
            }
        }
    }
    None
}

/// A site address written out as text (`/items/53`, `/staff/…`).
fn raw_path(text: &str) -> Option<String> {
    ["/items/", "/staff/", "/admin/", "/c/"].iter().find_map(|p| {
        text.match_indices(p).find_map(|(i, _)| {
            let before = text[..i].chars().next_back();
            (before.is_none() || before.is_some_and(char::is_whitespace))
                .then(|| text[i..].split_whitespace().next().unwrap_or_default().to_string())
        })
    })
}

/// An English sentence: five or more ASCII words in a row, the first capitalised.
fn english_sentence(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split(' ').collect();
    let is_word =
        |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphabetic() || c == '\'' || c == ',');
    let mut run = 0;
    for (i, w) in words.iter().enumerate() {
        run = if is_word(w) { run + 1 } else { 0 };
        if run >= 5 {
            let first = words[i + 1 - run];
            if first.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                return Some(words[i + 1 - run..=i].join(" "));
            }
        }
    }
    None
}

/// With Thai digits chosen, a date, time or number the program wrote in Arabic digits: a
/// month name beside ASCII digits, "09.00 น.", or a text that is only a number.
fn arabic_in_generated(text: &str) -> Option<String> {
    let t = text.trim();
    let number_only = !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_digit() || ",./()·: ".contains(c));
    // Addresses and version numbers (127.0.0.1, 0.1.0) are not numbers people read as such.
    let technical = t.matches('.').count() >= 2;
    if number_only && !technical {
        return Some(t.to_string());
    }
    for month in MONTHS {
        for (i, _) in t.match_indices(month) {
            let before = t[..i].trim_end().chars().next_back();
            let after = t[i + month.len()..].trim_start().chars().next();
            if before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit()) {
                return Some(t.chars().take(60).collect());
            }
        }
    }
    // A count in brackets: "รอเผยแพร่ (0)".
    for (i, _) in t.match_indices('(') {
        let inner: String = t[i + 1..].chars().take_while(|c| *c != ')').collect();
        if !inner.is_empty()
            && inner.chars().all(|c| c.is_ascii_digit() || c == ',')
            && t[i + 1 + inner.len()..].starts_with(')')
        {
            return Some(t.chars().take(60).collect());
        }
    }
    for (i, _) in t.match_indices(" น.") {
        if t[..i].chars().next_back().is_some_and(|c| c.is_ascii_digit()) {
            return Some(t.chars().take(60).collect());
        }
    }
    None
}

/// Problems of one page, as readable lines.
fn check_page(path: &str, html: &str, thai_digits: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let thai_page = html.contains("<html lang=\"th\"");
    let mut all = String::new();
    for t in texts(html) {
        all.push_str(&t.text);
        all.push(' ');
        if let Some(hit) = iso_date(&t.text) {
            problems.push(format!("{path}: ISO or Common-Era date {hit:?}"));
        }
        if let Some(hit) = raw_key(&t.text) {
            problems.push(format!("{path}: raw key {hit:?}"));
        }
        if let Some(hit) = raw_path(&t.text) {
            problems.push(format!("{path}: raw address as text {hit:?}"));
        }
        if thai_page
            && !t.english
            && !t.content
            && let Some(hit) = english_sentence(&t.text)
        {
            problems.push(format!("{path}: English sentence on a Thai page {hit:?}"));
        }
        if thai_digits
            && !t.content
            && let Some(hit) = arabic_in_generated(&t.text)
        {
            problems.push(format!("{path}: Arabic digits with Thai digits chosen {hit:?}"));
        }
    }
    let squeezed = all.split_whitespace().collect::<Vec<_>>().join(" ");
    if squeezed.contains("ปรับปรุงข้อมูลล่าสุด -") {
        problems.push(format!("{path}: \"ปรับปรุงข้อมูลล่าสุด -\" without a date"));
    }
    problems
}

#[test]
fn checks_find_what_they_look_for() {
    assert_eq!(iso_date("ยืนยัน (2026-12-06)"), Some("2026-12-06"));
    assert_eq!(iso_date("๖ ธ.ค. ๒๕๖๙ 127.0.0.1 ISO-2"), None);
    assert!(raw_key("การกระทำ request.approve").is_some());
    assert!(raw_key("รายการ user/1").is_some());
    assert!(raw_key("admin@example.go.th").is_none());
    assert!(raw_path("เผยแพร่ที่ /items/53 แล้ว").is_some());
    assert!(raw_path("ดู https://x.go.th/items/5").is_none());
    assert!(english_sentence("This item is no longer published (410).").is_some());
    assert!(english_sentence("Powered by Prakat").is_none());
    assert!(arabic_in_generated("๖ ธันวาคม 2569").is_some());
    assert!(arabic_in_generated(" (12) ").is_some());
    assert!(arabic_in_generated("เวลา 09.00 น.").is_some());
    assert!(arabic_in_generated("รอเผยแพร่ (0)").is_some());
    assert!(arabic_in_generated("๖ ธันวาคม ๒๕๖๙ เวลา ๐๙.๐๐ น.").is_none());
    let t = texts("<p>a<span class=\"lead\">b</span><small lang=\"en\">c</small><script>d</script></p>");
    let flags: Vec<(String, bool, bool)> = t.into_iter().map(|t| (t.text, t.content, t.english)).collect();
    assert_eq!(flags, vec![("a".into(), false, false), ("b".into(), true, false), ("c".into(), false, true)]);
}

/// The Nu HTML checker's jar (installed by `tests/run.sh` into `tests/axe`), or `None` after
/// saying so (a failure under `PRAKAT_TEST_STRICT=1`).
fn vnu() -> Option<std::path::PathBuf> {
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe/node_modules/vnu-jar/build/dist/vnu.jar");
    let java = std::process::Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success());
    if jar.is_file() && java {
        return Some(jar);
    }
    let message = format!(
        "Nu HTML check NOT RUN: {} {}, java {}; run tests/run.sh (it installs both)",
        jar.display(),
        if jar.is_file() { "found" } else { "MISSING" },
        if java { "found" } else { "MISSING" }
    );
    if std::env::var("PRAKAT_TEST_STRICT").is_ok_and(|v| v == "1") {
        panic!("{message}");
    }
    let _ = writeln!(std::io::stderr(), "\n!!! {message}\n");
    None
}

/// Runs the Nu HTML checker over `pages`; returns its errors as lines naming the page.
fn nu_errors(jar: &Path, pages: &BTreeMap<String, String>) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut names = HashMap::new();
    for (i, (path, html)) in pages.iter().enumerate() {
        let file = dir.path().join(format!("page-{i}.html"));
        std::fs::write(&file, html).expect("write page");
        names.insert(format!("page-{i}.html"), path.clone());
    }
    let files: Vec<_> = (0..pages.len()).map(|i| dir.path().join(format!("page-{i}.html"))).collect();
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "gnu"])
        .args(&files)
        .output()
        .expect("run vnu.jar");
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .chain(String::from_utf8_lossy(&out.stdout).lines())
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut line = l.to_string();
            for (file, path) in &names {
                if line.contains(file.as_str()) {
                    line = format!("{path}: {l}");
                }
            }
            line
        })
        .collect()
}

/// Every page as every role, with Thai digits: no leaks, and valid HTML.
#[test]
fn every_page_speaks_thai_and_is_valid_html() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = thai_digits_demo(dir.path());
    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    let public = Client::new(&server);
    for (path, html) in crawl(&public, &["/", "/sitemap", "/no-such-page", "/policy/privacy"], 200) {
        pages.insert(format!("public {path}"), html);
    }
    // A taken-down item: the Thai 410 page.
    let gone = server.get("/items/999999");
    assert!(gone.status == 404 || gone.status == 410, "{}", gone.status);
    for role in ROLES {
        let client = Client::logged_in(&server, role);
        for (path, html) in crawl(&client, &["/staff", "/admin"], 200) {
            if path.starts_with("/staff") || path.starts_with("/admin") {
                pages.insert(format!("{role} {path}"), html);
            }
        }
    }
    assert!(pages.len() > 60, "only {} pages crawled", pages.len());
    let mut problems = Vec::new();
    for (path, html) in &pages {
        problems.extend(check_page(path, html, true));
    }
    let _ =
        writeln!(std::io::stderr(), "language checks: {} pages, {} problems", pages.len(), problems.len());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    if let Some(jar) = vnu() {
        let errors = nu_errors(&jar, &pages);
        let _ =
            writeln!(std::io::stderr(), "Nu HTML checker: {} pages, {} errors", pages.len(), errors.len());
        assert!(errors.is_empty(), "Nu HTML checker errors:\n{}", errors.join("\n"));
    }
}

/// The Thai 410 page says it in Thai only; the English interface adds English.
#[test]
fn gone_page_is_thai() {
    let server = Server::demo();
    // The demo takes down items past their end date at start; find one through the sitemap of
    // the database-free way: any item address that answers 410.
    let client = Client::new(&server);
    let mut gone = None;
    for id in 1..200 {
        let reply = client.get(&format!("/items/{id}"));
        if reply.status == 410 {
            gone = Some((id, reply.text()));
            break;
        }
    }
    let (id, html) = gone.expect("the demo has a taken-down item");
    assert!(html.contains("สิ้นสุดการเผยแพร่"), "{html}");
    assert!(!html.contains("no longer published"), "English on the Thai 410 page");
    assert!(check_page("410", &html, false).is_empty(), "{:?}", check_page("410", &html, false));
    assert_eq!(client.get("/prefs/lang-en?back=%2F").status, 303);
    let english = client.get(&format!("/items/{id}")).text();
    assert!(english.contains("no longer published"), "the English interface says it in English");
}

/// The English interface: navigation, area names and breadcrumbs in English.
#[test]
fn english_interface_translates_navigation_and_breadcrumbs() {
    let server = Server::demo();
    let client = Client::new(&server);
    assert_eq!(client.get("/prefs/lang-en?back=%2F").status, 303);
    let html = client.get("/c/news/procurement").text();
    let crumbs = &html[html.find("<nav class=\"crumbs\"").expect("breadcrumbs")..];
    let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
    for english in ["Home", "Public relations", "Procurement announcements"] {
        assert!(crumbs.contains(english), "breadcrumb {english:?} in English: {crumbs}");
    }
    let nav = &html[html.find("<nav class=\"areas\"").expect("navigation")..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    for area in prakat::categories::AREAS {
        assert!(nav.contains(area.name_en), "area {} in English in the navigation", area.name_en);
        assert!(!nav.contains(area.name_th), "area {} still Thai in the navigation", area.name_th);
    }
    assert!(html.contains("<h1 lang=\"en\">"), "the sub-area's heading in English");
    // The home page's grid of the ten areas: English first, the Thai name second.
    let home = client.get("/").text();
    let grid = &home[home.find("<ul class=\"area-grid\"").expect("area grid")..];
    let grid = &grid[..grid.find("</ul>").unwrap()];
    for area in prakat::categories::AREAS {
        let name = grid.find(&format!("<strong lang=\"en\">{}</strong>", area.name_en));
        let thai = grid.find(&format!("<small lang=\"th\">{}</small>", area.name_th));
        assert!(
            name.is_some() && thai.is_some() && name < thai,
            "area {} in English first: {grid}",
            area.name_en
        );
        assert!(grid.contains(area.about_en), "{}", area.about_en);
        assert!(!grid.contains(area.about_th), "{}", area.about_th);
    }
    // In Thai (the default) the grid is Thai first.
    assert_eq!(client.get("/prefs/lang-th?back=%2F").status, 303);
    let home = client.get("/").text();
    assert!(home.contains(&format!("<strong>{}</strong>", prakat::categories::AREAS[0].name_th)));
}

/// The phone menu: a details/summary button listing the ten areas and all their sub-areas.
#[test]
fn phone_menu_lists_every_area_and_sub_area() {
    let server = Server::demo();
    let html = server.get("/").text();
    let menu = &html[html.find("<details class=\"menu\"").expect("menu button")..];
    let menu = &menu[..menu.find("</details>").unwrap()];
    assert!(menu.contains("<summary>"), "{menu}");
    for area in prakat::categories::AREAS {
        assert!(menu.contains(&format!("href=\"/c/{}\"", area.slug)), "{}", area.slug);
        for sub in area.subs {
            assert!(
                menu.contains(&format!("href=\"/c/{}/{}\"", area.slug, sub.slug)),
                "{}/{}",
                area.slug,
                sub.slug
            );
        }
    }
}

/// `/sitemap` for people, linked from the footer; `/sitemap.xml` with a `lastmod` on every URL,
/// `/ita` and the policies.
#[test]
fn sitemaps_for_people_and_machines() {
    let server = Server::demo();
    let home = server.get("/").text();
    assert!(home.contains("href=\"/sitemap\""), "the footer links the human sitemap");
    let page = server.get("/sitemap");
    assert_eq!(page.status, 200);
    let page = page.text();
    for area in prakat::categories::AREAS {
        assert!(page.contains(&format!("href=\"/c/{}\"", area.slug)));
    }
    for href in ["/ita", "/eservices", "/policy/privacy", "/sitemap.xml"] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href} on /sitemap");
    }
    let xml = server.get("/sitemap.xml").text();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed sitemap");
    let urls: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("url")).collect();
    assert!(urls.len() > 60, "{} URLs", urls.len());
    let mut locs = Vec::new();
    for url in &urls {
        let loc = url.children().find(|n| n.has_tag_name("loc")).and_then(|n| n.text()).unwrap_or_default();
        let lastmod = url.children().find(|n| n.has_tag_name("lastmod")).and_then(|n| n.text());
        assert!(lastmod.is_some_and(|l| l.len() >= 10 && l.starts_with("20")), "lastmod of {loc}");
        locs.push(loc.to_string());
    }
    for path in ["/ita", "/policy/privacy", "/sitemap", "/c/news/procurement"] {
        assert!(locs.iter().any(|l| l.ends_with(path)), "{path} in sitemap.xml");
    }
    let icon = server.get("/favicon.ico");
    assert_eq!(icon.status, 200);
    assert!(icon.header("content-type").is_some_and(|t| t.starts_with("image/")), "the logo as the icon");
    assert!(home.contains("rel=\"icon\" href=\"/logo"), "pages name the logo as their icon");
    let css = server.get(&prakat::paths::asset("style.css"));
    assert!(css.body.starts_with(b"@charset \"utf-8\";"), "style.css declares its charset first");
}

/// With Arabic digits (the default), the interface writes no Thai digits either: the page
/// never mixes the two (people's content keeps what they typed).
#[test]
fn arabic_digits_everywhere_when_chosen() {
    let server = Server::demo();
    let mut pages =
        crawl(&Client::new(&server), &["/", "/sitemap", "/eservices/info", "/eservices/complaint"], 200);
    for role in ["webmaster", "admin"] {
        pages.extend(crawl(&Client::logged_in(&server, role), &["/staff", "/admin"], 150));
    }
    let mut problems = Vec::new();
    for (path, html) in &pages {
        for t in texts(html) {
            if !t.content && t.text.chars().any(|c| ('\u{0E50}'..='\u{0E59}').contains(&c)) {
                problems.push(format!("{path}: Thai digits with Arabic digits chosen {:?}", t.text.trim()));
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
