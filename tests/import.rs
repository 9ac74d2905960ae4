//! The WordPress import over HTTP, on a real WordPress export (tests/fixtures/wordpress, made
//! by make.sh from Debian's wordpress package): items in their areas with their dates and
//! files, every old URL form answered with 301, re-import adds nothing, undo removes
//! everything, the dry run writes nothing; and the bad inputs of the issue.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Client, Server};
use sha2::{Digest, Sha256};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wordpress")
}

/// One `<item>` of the fixture, read with plain string search (independent of the importer).
#[derive(Debug, Clone, Default)]
struct WpItem {
    id: i64,
    title: String,
    link: String,
    date_gmt: String,
    post_type: String,
    status: String,
    parent: i64,
    attached_file: String,
    categories: Vec<(String, String)>,
}

fn field(block: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let Some(at) = block.find(&open) else { return String::new() };
    let rest = &block[at + open.len()..];
    let end = rest.find(&format!("</{tag}>")).unwrap();
    let v = &rest[..end];
    v.strip_prefix("<![CDATA[").and_then(|v| v.strip_suffix("]]>")).unwrap_or(v).to_string()
}

fn items() -> Vec<WpItem> {
    let xml = std::fs::read_to_string(fixture().join("export.xml")).unwrap();
    xml.split("<item>")
        .skip(1)
        .map(|block| {
            let block = block.split("</item>").next().unwrap();
            let mut categories = Vec::new();
            for part in block.split("<category domain=\"category\" nicename=\"").skip(1) {
                let slug = part.split('"').next().unwrap().to_string();
                let name = part.split("<![CDATA[").nth(1).unwrap().split("]]>").next().unwrap().to_string();
                categories.push((slug, name));
            }
            let attached = block
                .split("<wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key>")
                .nth(1)
                .map(|r| field(r, "wp:meta_value"))
                .unwrap_or_default();
            WpItem {
                id: field(block, "wp:post_id").parse().unwrap(),
                title: field(block, "title"),
                link: field(block, "link"),
                date_gmt: field(block, "wp:post_date_gmt"),
                post_type: field(block, "wp:post_type"),
                status: field(block, "wp:status"),
                parent: field(block, "wp:post_parent").parse().unwrap_or(0),
                attached_file: attached,
                categories,
            }
        })
        .collect()
}

/// Where each fixture category should land (the importer's suggestions from Thai keywords).
fn expected_place(category: &str) -> Option<&'static str> {
    Some(match category {
        "ข่าวประชาสัมพันธ์" => "news/general",
        "ภาพกิจกรรม" => "news/activities",
        "ประกาศจัดซื้อจัดจ้าง" => "news/procurement",
        "ผลการจัดซื้อจัดจ้าง" => "news/procurement-results",
        "รับสมัครงาน" => "news/jobs",
        "ITA" | "OIT 2567" => "oia/ita",
        "กฎหมายและระเบียบ" => "law/regulations",
        "คู่มือประชาชน" => "service/guides",
        _ => return None,
    })
}

fn prakat(data: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(common::binary()).arg("--data").arg(data).args(args).output().expect("run prakat");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn db(data: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(data.join("prakat.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap()
}

fn count(data: &Path, sql: &str) -> i64 {
    db(data).query_row(sql, [], |r| r.get(0)).unwrap()
}

fn stored_files(data: &Path) -> usize {
    walk(&data.join("files")).into_iter().filter(|p| !p.starts_with(data.join("files/tmp"))).count()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn location(server: &Server, path: &str) -> (u16, String) {
    let r = server.get(path);
    (r.status, r.header("location").unwrap_or("").to_string())
}

/// The site's `wp-content/uploads`, as the committed zip (entries `wp-content/uploads/…`, Thai
/// file names inside; a zip keeps the repository's own paths ASCII).
fn uploads_zip() -> Vec<u8> {
    std::fs::read(fixture().join("uploads.zip")).unwrap()
}

/// The same uploads as a folder (what `--uploads DIR` takes), unpacked once per test process.
fn uploads_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        zip::ZipArchive::new(std::io::Cursor::new(uploads_zip())).unwrap().extract(dir.path()).unwrap();
        dir
    });
    dir.path().join("wp-content/uploads")
}

#[test]
fn a_real_wordpress_export_comes_over_with_its_old_links() {
    let all = items();
    let posts: Vec<&WpItem> = all.iter().filter(|i| i.post_type == "post" && i.status == "publish").collect();
    assert!(posts.len() >= 60, "the fixture has {} published posts", posts.len());
    let attachments: Vec<&WpItem> = all.iter().filter(|i| i.post_type == "attachment").collect();
    let server = Server::demo();
    let data = server.data.clone();
    let items_before = count(&data, "SELECT count(*) FROM items");
    let files_before = stored_files(&data);

    // The dry run reports and writes nothing.
    let (ok, report) = prakat(
        &data,
        &[
            "import",
            "wordpress",
            fixture().join("export.xml").to_str().unwrap(),
            "--uploads",
            uploads_dir().to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert!(ok, "{report}");
    assert!(report.contains("ทดลองนำเข้า"), "{report}");
    assert!(report.contains("ฉบับร่าง (draft)") && report.contains("เรื่องส่วนตัว (private)"), "{report}");
    assert_eq!(count(&data, "SELECT count(*) FROM items"), items_before);
    assert_eq!(count(&data, "SELECT count(*) FROM import_runs"), 0);
    assert_eq!(count(&data, "SELECT count(*) FROM legacy_urls"), 0);
    assert_eq!(stored_files(&data), files_before);

    // The real run, from the admin page: the export and a zip of wp-content/uploads.
    let admin = Client::logged_in(&server, "webmaster");
    let page = admin.get("/admin/import");
    assert_eq!(page.status, 200);
    let token = common::csrf_of(&page.text());
    let xml = std::fs::read(fixture().join("export.xml")).unwrap();
    let zip = uploads_zip();
    let started = admin.post_multipart(
        "/admin/import",
        &[("csrf", &token)],
        &[("wxr", "export.xml", &xml), ("uploads", "uploads.zip", &zip)],
    );
    assert_eq!(started.status, 303, "{}", started.text());
    let deadline = Instant::now() + Duration::from_secs(120);
    let report = loop {
        let reply = admin.get("/admin/import/progress");
        let p = reply.text();
        if p.contains("รายงานการนำเข้า") {
            assert_eq!(reply.header("refresh"), None, "the finished report stays put");
            break p;
        }
        // While it runs, the page asks the browser to come back (no script needed).
        assert_eq!(reply.header("refresh"), Some("1"), "{p}");
        assert!(p.contains("<progress"), "{p}");
        assert!(Instant::now() < deadline, "import did not finish: {p}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(!report.contains("ไม่พบ"), "every file was found: {report}");
    let run_id: i64 = count(&data, "SELECT max(id) FROM import_runs");

    let conn = db(&data);
    let mut redirects = 0;
    for post in &posts {
        let place = post.categories.iter().find_map(|(_, name)| expected_place(name));
        let (status, to) = location(&server, &format!("/?p={}", post.id));
        let Some(place) = place else {
            // Held until staff choose: not public, no redirect yet.
            assert_ne!(status, 301, "{} should be held", post.title);
            continue;
        };
        assert_eq!(status, 301, "/?p={} ({})", post.id, post.title);
        let id: i64 = to.strip_prefix("/items/").unwrap_or_else(|| panic!("{to}")).parse().unwrap();
        // Its area, date, provenance.
        let (category, published, source): (String, i64, String) = conn
            .query_row("SELECT category, published_at, source FROM items WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(category, place, "{}", post.title);
        let gmt: jiff::civil::DateTime = post.date_gmt.replace(' ', "T").parse().unwrap();
        assert_eq!(
            published,
            gmt.to_zoned_datetime(jiff::tz::TimeZone::UTC).unwrap().timestamp().as_second()
        );
        assert!(source.contains("นำเข้าจากเว็บไซต์เดิม"), "{source}");
        let page = server.get(&to);
        assert_eq!(page.status, 200);
        let html = page.text();
        assert!(html.contains(&format!("href=\"/c/{place}\"")), "{}", post.title);
        assert!(!html.contains("<script>alert") && !html.contains("javascript:alert"));
        // The pretty permalink (percent-encoded Thai) and the day-and-name form.
        let (path, _) = post
            .link
            .split_once("//")
            .unwrap()
            .1
            .split_once('/')
            .map(|(_, p)| (format!("/{p}"), ()))
            .unwrap();
        assert_eq!(location(&server, &path), (301, to.clone()), "{path}");
        assert_eq!(location(&server, &path.to_uppercase()), (301, to.clone()), "upper-case escapes");
        redirects += 2;
        // Files: every attachment of the post, by its uploads URL and its attachment id, with
        // the original bytes.
        for a in attachments.iter().filter(|a| a.parent == post.id) {
            let original = std::fs::read(uploads_dir().join(&a.attached_file)).unwrap();
            let (s1, file_url) = location(&server, &format!("/wp-content/uploads/{}", a.attached_file));
            assert_eq!(s1, 301, "{}", a.attached_file);
            assert!(file_url.starts_with("/files/"), "{file_url}");
            assert_eq!(location(&server, &format!("/?attachment_id={}", a.id)), (301, file_url.clone()));
            let body = server.get(&file_url);
            assert_eq!(body.status, 200);
            if a.attached_file.ends_with(".jpg") {
                // A photo's address serves its public copy (upright, no EXIF), not the original.
                let copy = image::load_from_memory(&body.body).expect("a JPEG copy");
                let first = image::load_from_memory(&original).unwrap();
                assert_eq!(copy.width(), first.width().min(1600), "{}", a.attached_file);
                assert!(!body.body.windows(4).any(|w| w == b"Exif"), "{}", a.attached_file);
            } else {
                assert_eq!(sha(&body.body), sha(&original), "{}", a.attached_file);
            }
            assert!(html.contains(&file_url), "the item page links its file {file_url}");
            redirects += 2;
        }
    }
    assert!(redirects > 150, "{redirects}");
    // Bodies are CommonMark; their images are shown inline from the item's own files, and no
    // placeholder or old-site address of an image is left.
    assert_eq!(count(&data, "SELECT count(*) FROM items WHERE body LIKE '%prakat-import-file:%'"), 0);
    let with_image: i64 =
        count(&data, "SELECT coalesce(min(id), 0) FROM items WHERE body LIKE '%![%](/files/%'");
    assert!(with_image > 0, "an imported body shows an image inline");
    let html = server.get(&format!("/items/{with_image}")).text();
    let img = html.find("<img src=\"/files/").expect("an inline image");
    let src = html[img + 10..].split('"').next().unwrap().to_owned();
    assert_eq!(server.get(&src).status, 200, "{src}");
    assert!(!html.contains("<img src=\"http"), "nothing is loaded from the old site");
    // An image shown inline is not shown again in the gallery below, and stays downloadable
    // in the file list. Checked on every imported item with an inline photo.
    let inline_items: Vec<i64> = conn
        .prepare("SELECT id FROM items WHERE body LIKE '%![%](/files/%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut inline_photos = 0;
    for id in inline_items {
        let html = server.get(&format!("/items/{id}?inline")).text();
        let gallery = html
            .find("<section class=\"gallery\"")
            .map(|at| &html[at..at + html[at..].find("</section>").unwrap()])
            .unwrap_or("");
        let mut rest = html.as_str();
        while let Some(at) = rest.find("<img src=\"/files/") {
            rest = &rest[at + 10..];
            let src = rest.split('"').next().unwrap();
            let file_id = src.trim_start_matches("/files/").split('/').next().unwrap();
            let kind: String = conn
                .query_row("SELECT kind FROM attachments WHERE id = ?1", [file_id], |r| r.get(0))
                .unwrap_or_default();
            if matches!(kind.as_str(), "jpg" | "jpeg" | "png") {
                inline_photos += 1;
            }
            assert!(!gallery.contains(&format!("/files/{file_id}/")), "item {id}: {src} shown twice");
            assert!(html.contains(&format!("{src}?download=1")), "item {id}: {src} not downloadable");
        }
    }
    assert!(inline_photos > 0, "the fixture shows photos inline");
    // Category URLs, nested and by id.
    for c in ["/category/ita/", "/category/ita/oit-2567/", "/category/oit-2567/"] {
        assert_eq!(location(&server, c), (301, "/c/oia/ita".into()), "{c}");
    }
    let news_cat = all.iter().find(|i| i.categories.iter().any(|(_, n)| n == "ข่าวประชาสัมพันธ์")).unwrap();
    let news_slug = &news_cat.categories.iter().find(|(_, n)| n == "ข่าวประชาสัมพันธ์").unwrap().0;
    assert_eq!(location(&server, &format!("/category/{news_slug}/")), (301, "/c/news/general".into()));
    // Pages: /slug/ and ?page_id=.
    let history = all.iter().find(|i| i.post_type == "page" && i.title == "ประวัติความเป็นมา").unwrap();
    let (s, to) = location(&server, &format!("/?page_id={}", history.id));
    assert_eq!(s, 301);
    assert_eq!(
        location(&server, "/%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%A7%E0%B8%B1%E0%B8%95%E0%B8%B4/"),
        (301, to)
    );
    // Unknown old URLs are still 404, and a POST is never redirected.
    assert_eq!(server.get("/2020/01/no-such-post/").status, 404);

    // Held posts: listed on the admin page, published once a category is chosen.
    let held: Vec<(i64, String)> = conn
        .prepare("SELECT id, title FROM import_held ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(held.iter().any(|(_, t)| t.starts_with("เรื่องเล่าชาวอำเภอ")), "{held:?}");
    let page = admin.get("/admin/import").text();
    assert!(page.contains("เรื่องที่รอจัดหมวด"));
    let token = common::csrf_of(&page);
    let (held_id, held_title) = held.iter().find(|(_, t)| t.starts_with("เรื่องเล่าชาวอำเภอ")).unwrap();
    let misc = posts.iter().find(|p| &p.title == held_title).unwrap();
    let bad =
        admin.post(&format!("/admin/import/held/{held_id}"), &[("csrf", &token), ("category", "nowhere/x")]);
    assert_eq!(bad.status, 422);
    let done = admin.post(
        &format!("/admin/import/held/{held_id}"),
        &[("csrf", &token), ("category", "knowledge/articles")],
    );
    assert_eq!(done.status, 303);
    let (s, to) = location(&server, &format!("/?p={}", misc.id));
    assert_eq!(s, 301);
    assert_eq!(server.get(&to).status, 200);

    // Re-importing the same export (from the folder this time) adds nothing.
    let items_after = count(&data, "SELECT count(*) FROM items");
    let urls_after = count(&data, "SELECT count(*) FROM legacy_urls");
    let files_after = stored_files(&data);
    let (ok, again) = prakat(
        &data,
        &[
            "import",
            "wordpress",
            fixture().join("export.xml").to_str().unwrap(),
            "--uploads",
            uploads_dir().to_str().unwrap(),
        ],
    );
    assert!(ok, "{again}");
    assert!(again.contains("นำเข้า 0 รายการ"), "{again}");
    assert_eq!(count(&data, "SELECT count(*) FROM items"), items_after);
    assert_eq!(count(&data, "SELECT count(*) FROM legacy_urls"), urls_after);
    assert_eq!(stored_files(&data), files_after);

    // The audit trail has the run.
    let audit = admin.get("/admin/audit?action=import").text();
    assert!(audit.contains("นำเข้าจากเว็บไซต์เดิม"), "audit");

    // Undo removes everything the run added, including the released post and its files.
    let page = admin.get("/admin/import").text();
    let token = common::csrf_of(&page);
    let undone = admin.post(&format!("/admin/import/{run_id}/undo"), &[("csrf", &token)]);
    assert_eq!(undone.status, 303, "{}", undone.text());
    assert_eq!(count(&data, "SELECT count(*) FROM items"), items_before);
    assert_eq!(count(&data, "SELECT count(*) FROM legacy_urls"), 0);
    assert_eq!(count(&data, "SELECT count(*) FROM import_held"), 0);
    assert_eq!(stored_files(&data), files_before, "no orphan file");
    assert_ne!(location(&server, &format!("/?p={}", posts[0].id)).0, 301);
    assert_eq!(admin.post(&format!("/admin/import/{run_id}/undo"), &[("csrf", &token)]).status, 404);
    let audit = admin.get("/admin/audit?action=import").text();
    assert!(audit.contains("ยกเลิกการนำเข้าทั้งรอบ"), "audit undo");
}

fn copy_dir(from: &Path, to: &Path) {
    for p in walk(from) {
        let dest = to.join(p.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&p, dest).unwrap();
    }
}

#[test]
fn bad_inputs_are_reported_by_post_and_nothing_half_made_is_left() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let xml_path = fixture().join("export.xml");
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    let up = uploads_dir();

    // Not WXR: refused whole, nothing written.
    let html = temp.path().join("page.xml");
    std::fs::write(&html, "<html><body>not an export</body></html>").unwrap();
    let (ok, out) =
        prakat(&data, &["import", "wordpress", html.to_str().unwrap(), "--uploads", up.to_str().unwrap()]);
    assert!(!ok);
    assert!(out.contains("ไม่ใช่ไฟล์ส่งออกของ WordPress"), "{out}");
    let junk = temp.path().join("junk.xml");
    std::fs::write(&junk, [0xff_u8, 0xfe, 0, 1, 2]).unwrap();
    let (ok, out) = prakat(&data, &["import", "wordpress", junk.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert_eq!(count(&data, "SELECT count(*) FROM items"), 0);

    // Truncated XML: the complete posts come in, the report says the file was cut.
    let cut = temp.path().join("cut.xml");
    std::fs::write(&cut, &xml[..xml.len() * 6 / 10]).unwrap();
    let (ok, out) =
        prakat(&data, &["import", "wordpress", cut.to_str().unwrap(), "--uploads", up.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("สิ้นสุดกลางคัน"), "{out}");
    let some = count(&data, "SELECT count(*) FROM items");
    assert!(some > 10 && some < 60, "{some}");
    assert_eq!(
        count(&data, "SELECT count(*) FROM import_items i JOIN items t ON t.id = i.item_id"),
        some,
        "every item is whole and recorded"
    );
    let (ok, _) = prakat(&data, &["import", "undo", "1"]);
    assert!(ok);
    assert_eq!(count(&data, "SELECT count(*) FROM items"), 0);
    assert_eq!(stored_files(&data), 0);

    // Missing uploads folder, and a map naming an unknown area.
    let map = temp.path().join("map.toml");
    std::fs::write(&map, "[categories]\n\"ภาพกิจกรรม\" = \"news/nowhere\"\n\"ITA\" = \"oia/section7\"\n")
        .unwrap();
    let (ok, out) = prakat(
        &data,
        &[
            "import",
            "wordpress",
            xml_path.to_str().unwrap(),
            "--uploads",
            temp.path().join("gone").to_str().unwrap(),
            "--map",
            map.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("ไม่พบโฟลเดอร์หรือไฟล์ zip ของ uploads"), "{out}");
    assert!(out.contains("news/nowhere"), "{out}");
    assert!(out.contains("ITA (ita) → oia/section7 [ตามไฟล์จับคู่]"), "{out}");
    assert!(out.contains("ภาพกิจกรรม (ภาพกิจกรรม) → news/activities [แนะนำจากคำในชื่อ]"), "{out}");
    assert!(out.contains("นำเข้าเรื่องนี้โดยไม่มีไฟล์นี้"), "{out}");

    // A 0-byte file, a renamed one (a JPEG called .pdf) and one over 4 MB.
    let bad_up = temp.path().join("uploads");
    copy_dir(&up, &bad_up);
    let all = items();
    let pdfs: Vec<&WpItem> =
        all.iter().filter(|i| i.post_type == "attachment" && i.attached_file.ends_with(".pdf")).collect();
    let jpg = all.iter().find(|i| i.post_type == "attachment" && i.attached_file.ends_with(".jpg")).unwrap();
    std::fs::write(bad_up.join(&pdfs[0].attached_file), b"").unwrap();
    std::fs::copy(up.join(&jpg.attached_file), bad_up.join(&pdfs[1].attached_file)).unwrap();
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(5 << 20, b' ');
    std::fs::write(bad_up.join(&pdfs[2].attached_file), &big).unwrap();
    let title_of = |id: i64| all.iter().find(|i| i.id == id).unwrap().title.clone();
    let (ok, out) = prakat(
        &data,
        &["import", "wordpress", xml_path.to_str().unwrap(), "--uploads", bad_up.to_str().unwrap()],
    );
    assert!(ok, "{out}");
    assert!(out.contains("ไฟล์ว่างเปล่า"), "{out}");
    assert!(out.contains("เนื้อไฟล์ไม่ตรงกับนามสกุล .pdf"), "{out}");
    assert!(out.contains("ขนาดเกิน") && out.contains("--allow-oversize"), "{out}");
    for a in &pdfs[..3] {
        assert!(out.contains(&title_of(a.parent)), "the report names the post of {}", a.attached_file);
    }
    // The posts came in without those files; the refused bytes were not kept.
    let stored: i64 = count(&data, "SELECT count(*) FROM attachments");
    let good_files = all.iter().filter(|i| i.post_type == "attachment").count() as i64;
    assert!(stored < good_files, "{stored} < {good_files}");
    // Every stored file belongs to an item or a held post; the oversize bytes were not kept.
    let conn = db(&data);
    for file in walk(&data.join("files")).into_iter().filter(|p| !p.starts_with(data.join("files/tmp"))) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let used: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?1)
                     OR EXISTS (SELECT 1 FROM import_held WHERE payload LIKE '%' || ?1 || '%')",
                [&name],
                |r| r.get(0),
            )
            .unwrap();
        assert!(used, "orphan file {name}");
    }
    assert!(!walk(&data.join("files")).iter().any(|p| p.ends_with(sha(&big))));
    assert_eq!(walk(&data.join("files/tmp")).len(), 0, "no temporary file left");
    // With --allow-oversize the big one is taken (after undoing the run).
    let (ok, _) = prakat(&data, &["import", "undo", "2"]);
    assert!(ok);
    let (ok, out) = prakat(
        &data,
        &[
            "import",
            "wordpress",
            xml_path.to_str().unwrap(),
            "--uploads",
            bad_up.to_str().unwrap(),
            "--allow-oversize",
        ],
    );
    assert!(ok, "{out}");
    assert!(!out.contains("ขนาดเกิน"), "{out}");
    assert!(out.contains("ไฟล์ว่างเปล่า"), "types and emptiness are still checked");

    // A post dated in the future comes in scheduled, and says so.
    assert!(out.contains("อยู่ในอนาคต"), "{out}");
}

#[test]
fn csv_import_with_files_holding_and_bad_rows() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let files = temp.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("ประกาศ.pdf"), b"%PDF-1.4\nx\n%%EOF\n").unwrap();
    std::fs::write(files.join("fake.pdf"), b"hello").unwrap();
    let csv = temp.path().join("old.csv");
    std::fs::write(
        &csv,
        "\u{feff}title,date,area,summary,body,source,files\n\
         ประกาศสอบราคา,2567-03-01,news/procurement,สรุป,\"เนื้อหา\n\nย่อหน้าสอง\",กลุ่มงานพัสดุ,ประกาศ.pdf\n\
         ข่าวทั่วไป,2024-01-05 10:30,ข่าวสารทั่วไป,,ข่าว,,\n\
         ไม่รู้หมวด,2024-01-06,somewhere,,,,\n\
         วันที่ผิด,32/13/2024,news/general,,,,\n\
         ไฟล์ปลอม,2024-01-07,news/general,,,,fake.pdf;missing.pdf\n",
    )
    .unwrap();
    let (ok, out) =
        prakat(&data, &["import", "csv", csv.to_str().unwrap(), "--files", files.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert_eq!(count(&data, "SELECT count(*) FROM items"), 3, "{out}");
    assert_eq!(count(&data, "SELECT count(*) FROM import_held"), 1);
    assert_eq!(count(&data, "SELECT count(*) FROM attachments"), 1);
    assert!(out.contains("แถวที่ 5") && out.contains("อ่านไม่ได้"), "{out}");
    assert!(out.contains("somewhere"), "{out}");
    assert!(out.contains("ไม่พบ missing.pdf") && out.contains("เนื้อไฟล์ไม่ตรงกับนามสกุล"), "{out}");
    let (ok, out) =
        prakat(&data, &["import", "csv", csv.to_str().unwrap(), "--files", files.to_str().unwrap()]);
    assert!(ok);
    assert!(out.contains("นำเข้า 0 รายการ"), "{out}");
    let (ok, out) = prakat(&data, &["import", "list"]);
    assert!(ok && out.contains("csv"), "{out}");
    let (ok, _) = prakat(&data, &["import", "undo", "1"]);
    assert!(ok);
    assert_eq!(count(&data, "SELECT count(*) FROM items"), 0);
    let (ok, out) = prakat(&data, &["import", "csv", temp.path().join("none.csv").to_str().unwrap()]);
    assert!(!ok && out.contains("เปิดไฟล์ CSV ไม่ได้"), "{out}");
}

/// A browser upload of the export and the uploads zip over a slow line takes longer than the
/// 30 seconds every other request has: it is not cut off, and the import then runs.
#[test]
fn a_slow_browser_upload_is_not_cut_at_thirty_seconds() {
    let server = Server::demo();
    let admin = Client::logged_in(&server, "webmaster");
    let token = common::csrf_of(&admin.get("/admin/import").text());
    let xml = std::fs::read(fixture().join("export.xml")).unwrap();
    let zip = uploads_zip();
    let boundary = "----prakat-slow-upload-7d1f";
    let mut body = Vec::new();
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n").bytes(),
    );
    for (field, name, bytes) in [("wxr", "export.xml", &xml), ("uploads", "uploads.zip", &zip)] {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    // About 36 seconds: 72 pieces half a second apart.
    let chunk = body.len() / 72 + 1;
    let started = Instant::now();
    let reply = admin.post_slowly(
        "/admin/import",
        &format!("multipart/form-data; boundary={boundary}"),
        body,
        chunk,
        Duration::from_millis(500),
    );
    let took = started.elapsed();
    assert!(took > Duration::from_secs(31), "the upload took {took:?}: not slow enough to prove anything");
    assert_eq!(reply.status, 303, "{}", reply.text());
    assert_eq!(reply.header("location"), Some("/admin/import/progress"));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let p = admin.get("/admin/import/progress").text();
        if p.contains("รายงานการนำเข้า") {
            assert!(!p.contains("ไม่พบ"), "every file came with the slow upload: {p}");
            break;
        }
        assert!(Instant::now() < deadline, "import did not finish: {p}");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(count(&server.data, "SELECT count(*) FROM import_runs"), 1);
}
