//! The public site, end to end: the real binary, a real HTTP client, the shipped demo content.

mod common;

use common::{Server, demo_content, item_links};

/// The demo items whose end of publication has not passed, as TOML tables.
fn live_demo_items() -> Vec<toml::Table> {
    let today = jiff::Timestamp::now().to_zoned_datetime(prakat::thai::bangkok()).date();
    demo_content()["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_table().unwrap().clone())
        .filter(|t| match t.get("expires") {
            Some(e) => prakat::demo::still_ahead(date_field(e), today) >= today,
            None => true,
        })
        .collect()
}

/// A date field, written either as a TOML date or as a string.
fn date_field(v: &toml::Value) -> jiff::civil::Date {
    match v {
        toml::Value::String(s) => s.parse().unwrap(),
        other => other.as_datetime().unwrap().to_string().parse().unwrap(),
    }
}

fn str_of<'a>(t: &'a toml::Table, key: &str) -> &'a str {
    t[key].as_str().unwrap()
}

/// Finds the page of the demo item with this title by walking its category listing.
fn find_item(server: &Server, category: &str, title: &str) -> String {
    let mut page = 1;
    loop {
        let listing = server.get(&format!("/c/{category}?page={page}")).text();
        for link in item_links(&listing) {
            let html = server.get(&link).text();
            if html.contains(&format!("<h1>{}</h1>", maud::html!((title)).into_string())) {
                return link;
            }
        }
        assert!(listing.contains("rel=\"next\""), "{title} not listed in {category}");
        page += 1;
    }
}

#[test]
fn home_lists_the_ten_areas_in_thai() {
    let server = Server::demo();
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    let html = home.text();
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"th\">"), "{}", &html[..80]);
    for area in prakat::categories::AREAS {
        assert!(html.contains(&format!("href=\"/c/{}\"", area.slug)), "no link to {}", area.slug);
        assert!(html.contains(area.name_th), "no name of {}", area.slug);
    }
    assert!(html.contains("สำนักงานสาธารณสุขอำเภอเมืองเลย"));
    assert!(html.contains("ข่าวประชาสัมพันธ์ล่าสุด"));
    assert!(!item_links(&html).is_empty(), "home shows the latest items");
    assert!(html.contains("ปรับปรุงข้อมูลล่าสุด"), "footer shows the last update");
    // The office's contacts, map and pages elsewhere come from the settings.
    assert!(html.contains("โทรสาร 042 812666") && html.contains("mailto:ssomueangloei@moph.go.th"));
    assert!(html.contains("แผนที่ไปสำนักงาน") && html.contains("https://www.openstreetmap.org/"));
    assert!(html.contains("https://www.facebook.com/ssomueangloei\" rel=\"noopener\">Facebook"));
}

#[test]
fn a_category_lists_its_live_items_newest_first() {
    let server = Server::demo();
    let live = live_demo_items();
    let procurement: Vec<&toml::Table> =
        live.iter().filter(|t| str_of(t, "category") == "news/procurement").collect();
    assert!(!procurement.is_empty());
    let html = server.get("/c/news/procurement").text();
    for t in &procurement {
        let title = maud::html!((str_of(t, "title"))).into_string();
        assert!(html.contains(&title), "missing {title}");
    }
    assert_eq!(item_links(&html).len(), procurement.len());

    // Newest first: the links appear in descending publication order.
    let mut newest = procurement.clone();
    newest.sort_by_key(|t| std::cmp::Reverse(date_field(&t["published"])));
    let first_title = maud::html!((str_of(newest[0], "title"))).into_string();
    let first_link = &item_links(&html)[0];
    assert!(server.get(first_link).text().contains(&first_title));

    // The area page counts and lists items from all its sub-categories.
    let area = server.get("/c/news");
    assert_eq!(area.status, 200);
    assert!(area.text().contains("ประกาศจัดซื้อจัดจ้าง"));
}

#[test]
fn expired_items_are_not_shown() {
    let server = Server::demo();
    let all = demo_content();
    let live = live_demo_items();
    let expired: Vec<&toml::Value> = all["item"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| !live.iter().any(|l| l["title"] == v["title"]))
        .collect();
    assert!(!expired.is_empty(), "the demo has expired items to test with");
    for e in expired {
        let category = e["category"].as_str().unwrap();
        let title = maud::html!((e["title"].as_str().unwrap())).into_string();
        let html = server.get(&format!("/c/{category}")).text();
        assert!(!html.contains(&title), "expired item {title} is listed");
    }
}

#[test]
fn the_seed_announcement_shows_its_metadata_and_files() {
    let server = Server::demo();
    let live = live_demo_items();
    let seed = live
        .iter()
        .find(|t| str_of(t, "title").contains("แนวทางการเผยแพร่ข้อมูลต่อสาธารณะ"))
        .expect("seed announcement in the demo");
    let link = find_item(&server, str_of(seed, "category"), str_of(seed, "title"));
    let page = server.get(&link);
    assert_eq!(page.status, 200);
    let html = page.text();

    // Seed 2.1.3: source/owner, period, publication date, file type and size, all public.
    for label in ["แหล่งที่มา / เจ้าของข้อมูล", "ช่วงวันที่ของข้อมูล", "วันที่เผยแพร่", "ประเภทไฟล์", "ขนาด"]
    {
        assert!(html.contains(label), "no {label}");
    }
    assert!(html.contains(&maud::html!((str_of(seed, "source"))).into_string()));
    // Buddhist-Era publication date with a Thai month name.
    let published = date_field(&seed["published"]);
    let be = format!(
        "{} {} {}",
        published.day(),
        prakat::thai::month_name(published.month(), false),
        i32::from(published.year()) + 543
    );
    assert!(html.contains(&be), "publication date {be} not shown");

    // Every attachment downloads byte for byte with its type.
    let attachments = seed["attachment"].as_array().unwrap();
    let file_links: Vec<String> = html
        .match_indices("href=\"/files/")
        .map(|(i, _)| {
            let rest = &html[i + 6..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        // Each file also has its "ดาวน์โหลด" link (the same address with `?download=1`).
        .filter(|href| !href.ends_with("?download=1"))
        .collect();
    assert_eq!(file_links.len(), attachments.len());
    for (a, href) in attachments.iter().zip(&file_links) {
        let name = a["file"].as_str().expect("seed attachments are embedded files");
        let expected = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/files").join(name),
        )
        .unwrap();
        let reply = server.get(href);
        assert_eq!(reply.status, 200, "{href}");
        assert_eq!(reply.header("content-type"), Some("application/pdf"));
        assert!(reply.header("content-disposition").unwrap().contains("filename*=UTF-8''"));
        assert!(reply.body == expected, "{href} differs from {name}");
        assert!(html.contains(&prakat::thai::file_size(expected.len() as u64, prakat::thai::Digits::Arabic)));
    }
}

#[test]
fn generated_office_files_download_with_their_types() {
    let server = Server::demo();
    let live = live_demo_items();
    let mut seen = std::collections::HashSet::new();
    for t in &live {
        let Some(files) = t.get("attachment").and_then(|a| a.as_array()) else {
            continue;
        };
        for (index, file) in files.iter().enumerate() {
            let name = file["name"].as_str().unwrap();
            let kind = name.rsplit('.').next().unwrap().to_lowercase();
            if seen.insert(kind.clone()) {
                check_download(&server, t, index, name, &kind);
            }
        }
    }
    for kind in ["pdf", "jpg", "xlsx", "docx", "zip"] {
        assert!(seen.contains(kind), "no live demo item has a {kind} file");
    }
}

/// Downloads the `index`-th attachment of a demo item and checks its type and first bytes.
fn check_download(server: &Server, t: &toml::Table, index: usize, name: &str, kind: &str) {
    let link = find_item(server, str_of(t, "category"), str_of(t, "title"));
    let page = server.get(&link).text();
    // The table of attachments, not the photo gallery above it.
    let html = &page[page.find("id=\"files-h\"").expect("attachment table")..];
    let hrefs: Vec<&str> = html
        .match_indices("href=\"/files/")
        .map(|(i, _)| &html[i + 6..][..html[i + 6..].find('"').unwrap()])
        .filter(|href| !href.ends_with("?download=1"))
        .collect();
    let href = hrefs[index];
    let reply = server.get(href);
    assert_eq!(reply.status, 200);
    let (mime, magic): (&str, &[u8]) = match kind {
        "pdf" => ("application/pdf", b"%PDF-"),
        "jpg" => ("image/jpeg", &[0xFF, 0xD8, 0xFF]),
        "xlsx" => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
        "docx" => ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
        "zip" => ("application/zip", b"PK\x03\x04"),
        other => panic!("unexpected kind {other}"),
    };
    assert_eq!(reply.header("content-type"), Some(mime), "{name}");
    assert!(reply.body.starts_with(magic), "{name}");
}

#[test]
fn unknown_pages_answer_a_thai_404() {
    let server = Server::demo();
    for path in [
        "/no-such-page",
        "/c/nothing",
        "/c/news/nothing",
        "/items/999999",
        "/items/abc",
        "/files/999999/x.pdf",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}");
        let html = reply.text();
        assert!(html.contains("ไม่พบหน้าที่ต้องการ"), "{path} is not the Thai 404");
        assert!(html.contains("<html lang=\"th\">"));
    }
}

#[test]
fn health_assets_and_headers() {
    let server = Server::demo();
    let health = server.get("/healthz");
    assert_eq!(health.status, 200);
    assert!(health.text().starts_with("ok"));

    let font = server.get("/assets/fonts/sarabun-thai-400.woff2");
    assert_eq!(font.status, 200);
    assert_eq!(font.header("content-type"), Some("font/woff2"));
    assert!(font.body.starts_with(b"wOF2"));
    let css = server.get("/assets/style.css");
    assert!(css.text().contains("Sarabun"));

    let home = server.get("/");
    assert_eq!(home.header("x-content-type-options"), Some("nosniff"));
    assert!(home.header("content-security-policy").unwrap().contains("default-src 'self'"));
    // No external resources: everything the page loads comes from the appliance itself (links
    // the visitor may follow, such as the office's map, are not loaded).
    let html = home.text();
    let loaded_from_outside = html
        .split('<')
        .filter(|tag| !tag.starts_with("a "))
        .any(|tag| tag.contains("src=\"http") || tag.contains("href=\"http"));
    assert!(!loaded_from_outside, "external resource on home page");
}

#[test]
fn demo_adds_nothing_to_a_directory_that_has_content() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("d");
    let first = Server::start(&data, &["--demo"]);
    let before = first.get("/sitemap.xml").text().matches("<url>").count();
    drop(first);
    let second = Server::start(&data, &["--demo"]);
    let after = second.get("/sitemap.xml").text().matches("<url>").count();
    assert_eq!(before, after);
    assert!(second.startup.as_millis() < 3000, "restart took {:?}", second.startup);
}

#[test]
fn search_finds_thai_words_inside_text() {
    let server = Server::demo();
    // Thai has no spaces between words; a word in the middle of a title must still be found.
    let reply = server.get("/search?q=%E0%B8%88%E0%B8%B1%E0%B8%94%E0%B8%8B%E0%B8%B7%E0%B9%89%E0%B8%AD"); // จัดซื้อ
    assert_eq!(reply.status, 200);
    let html = reply.text();
    assert!(!item_links(&html).is_empty(), "no result for จัดซื้อ");
    assert!(server.get("/search").status == 200);
}

#[test]
fn data_directory_comes_from_the_environment_too() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("from-env");
    let out = std::process::Command::new(common::binary())
        .args(["demo", "--items", "0"])
        .env("PRAKAT_DATA", &data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(data.join("prakat.db").exists());
    assert!(data.join("prakat.toml").exists());
}

#[test]
fn thai_digits_are_a_setting() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("d");
    // Fill the demo once, then switch the office to Thai digits and start again.
    drop(Server::start(&data, &["--demo"]));
    let settings = std::fs::read_to_string(data.join("prakat.toml")).unwrap();
    let settings = settings.replace("digits = \"arabic\"", "digits = \"thai\"");
    assert!(settings.contains("digits = \"thai\""), "{settings}");
    std::fs::write(data.join("prakat.toml"), settings).unwrap();
    let server = Server::start(&data, &[]);
    let html = server.get("/c/law/announcements").text();
    let years = ["๒๕๖๘", "๒๕๖๙"];
    assert!(years.iter().any(|y| html.contains(y)), "no Thai-digit B.E. year on the page");
    // Dates inside <time> elements carry no Arabic digits any more.
    for (i, _) in html.match_indices("<time datetime=") {
        let text = &html[i..][html[i..].find('>').unwrap() + 1..];
        let text = &text[..text.find("</time>").unwrap()];
        assert!(!text.bytes().any(|b| b.is_ascii_digit()), "Arabic digits in {text}");
    }
}

#[test]
fn a_broken_settings_file_is_refused_with_a_clear_message() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join("prakat.toml"), "[display]\nper_page = 0\n").unwrap();
    let out = std::process::Command::new(common::binary())
        .args(["serve", "--http", "127.0.0.1:0", "--data"])
        .arg(temp.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("prakat.toml") && err.contains("per_page"), "{err}");
}

#[test]
fn version_and_help_explain_themselves() {
    let version = std::process::Command::new(common::binary()).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("prakat "));
    let help = std::process::Command::new(common::binary()).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("serve") && help.contains("--data"), "{help}");
    assert!(!help.contains("demo "), "the benchmark generator stays hidden: {help}");
}

#[test]
fn sitemap_lists_areas_and_items_with_absolute_urls() {
    let server = Server::demo();
    let reply = server.get("/sitemap.xml");
    assert_eq!(reply.status, 200);
    let xml = reply.text();
    assert!(xml.contains(&format!("<loc>{}/c/news/procurement</loc>", server.base)));
    let items = xml.matches("/items/").count();
    assert_eq!(items, live_demo_items().len());
}
