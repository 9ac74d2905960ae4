//! Public polish (GWS 3.0): policy pages with editable Thai defaults, Atom feeds per area,
//! reading choices (text size, high contrast, English interface) without JavaScript.

mod common;

use common::{Client, Server, csrf_of, get_with};

#[test]
fn policy_pages_have_defaults_and_admins_edit_them() {
    let server = Server::demo();
    for slug in ["website", "privacy", "cookies", "security", "accessibility"] {
        let page = server.get(&format!("/policy/{slug}"));
        assert_eq!(page.status, 200, "{slug}");
        assert!(page.text().contains("สำนักงานสาธารณสุขอำเภอเมืองเลย"), "{slug}: office name not filled in");
    }
    assert!(server.get("/policy/cookies").text().contains("จำเป็นอย่างยิ่ง"), "strictly necessary cookies only");
    assert!(server.get("/").text().contains("href=\"/policy/privacy\""), "footer links the policies");
    assert_eq!(server.get("/policy/nope").status, 404);

    let admin = Client::logged_in(&server, "admin");
    let form = admin.get("/admin/pages/cookies").text();
    let saved = admin.post(
        "/admin/pages/cookies",
        &[("csrf", &csrf_of(&form)), ("body", "นโยบายคุกกี้ฉบับแก้ไข\n\n- <b>ข้อหนึ่ง</b>")],
    );
    assert_eq!(saved.status, 303);
    let page = server.get("/policy/cookies").text();
    assert!(page.contains("นโยบายคุกกี้ฉบับแก้ไข") && page.contains("&lt;b&gt;ข้อหนึ่ง"), "edited text, escaped");
    assert_eq!(Client::logged_in(&server, "webmaster").get("/admin/pages/cookies").status, 403);
}

#[test]
fn atom_feeds_per_area() {
    let server = Server::demo();
    let feed = server.get("/feeds/news.xml");
    assert_eq!(feed.status, 200);
    assert!(feed.header("content-type").unwrap().starts_with("application/atom+xml"));
    let xml = feed.text();
    assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"") && xml.contains("<entry>"));
    assert!(server.get("/feeds/all.xml").text().contains("<entry>"));
    assert_eq!(server.get("/feeds/nope.xml").status, 404);
    assert!(server.get("/c/news").text().contains("href=\"/feeds/news.xml\""), "feed not announced");
}

#[test]
fn reading_choices_work_without_javascript() {
    let server = Server::demo();
    let home = server.get("/").text();
    assert!(home.contains("href=\"#main\""), "skip link");
    assert!(home.contains("/prefs/text-large?back=%2F"), "text-size link");
    let set = server.get("/prefs/contrast-on?back=%2Fc%2Fnews");
    assert_eq!(set.status, 303);
    assert_eq!(set.header("location"), Some("/c/news"));
    let cookie = set.header("set-cookie").unwrap();
    assert!(cookie.starts_with("prakat_prefs=contrast;") && cookie.contains("HttpOnly"));
    let page = get_with(&server.url("/c/news"), &[("Cookie", "prakat_prefs=larger.contrast.en")]).text();
    assert!(page.contains("<html lang=\"en\" class=\"text-larger contrast\">"), "choices not applied");
    assert!(page.contains("Skip to content") && page.contains("<main id=\"main\" lang=\"th\">"));
    // The page's own labels follow the interface language; the content stays Thai.
    assert!(page.contains("Latest in this area") && !page.contains("รายการล่าสุดในหมวดนี้"));
    assert!(server.get("/c/news").text().contains("รายการล่าสุดในหมวดนี้"), "Thai for everyone else");
    // Only local paths are gone back to.
    assert_eq!(server.get("/prefs/lang-en?back=%2F%2Fevil.example").header("location"), Some("/"));
    assert_eq!(server.get("/prefs/nonsense").status, 404);
}

#[test]
fn images_need_a_text_alternative_to_be_published() {
    let jpg = std::fs::read(
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/files"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "jpg"))
            .expect("a demo JPEG"),
    )
    .unwrap();
    let server = Server::demo();
    let staff = Client::logged_in(&server, "staff");
    let head = Client::logged_in(&server, "head");
    let webmaster = Client::logged_in(&server, "webmaster");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let created = staff.post_multipart(
        "/staff/requests",
        &[
            ("csrf", &token),
            ("unit", "กลุ่มงานส่งเสริมสุขภาพ"),
            ("request_date", "2026-11-20"),
            ("topic", "ภาพกิจกรรมรณรงค์ออกกำลังกาย"),
            ("details", "ภาพกิจกรรมรณรงค์ออกกำลังกายในชุมชน"),
            ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
            ("requester_position", "นักวิชาการ"),
            ("requester_contact", "042 812665"),
            ("category", "news/activities"),
            ("no_end", "on"),
            ("intent", "submit"),
        ],
        &[("files", "กิจกรรม.jpg", &jpg)],
    );
    assert_eq!(created.status, 303, "{}", created.text());
    let page_path = created.header("location").unwrap().to_string();
    let token = csrf_of(&head.get(&page_path).text());
    assert_eq!(head.post(&format!("{page_path}/approve"), &[("csrf", &token)]).status, 303);
    let form = webmaster.get(&format!("{page_path}/publish")).text();
    assert!(form.contains("id=\"f-alt-0\""), "no alt text field for the image");
    let token = csrf_of(&form);
    let today = prakat::thai::today().to_string();
    let mut fields = vec![
        ("csrf", token.as_str()),
        ("category", "news/activities"),
        ("title", "ภาพกิจกรรมรณรงค์ออกกำลังกาย"),
        ("source", "กลุ่มงานส่งเสริมสุขภาพ"),
        ("publish_on", today.as_str()),
        ("period_from", today.as_str()),
        ("alt", "  "),
    ];
    let refused = webmaster.post(&format!("{page_path}/publish"), &fields);
    assert_eq!(refused.status, 422);
    let text = refused.text();
    assert!(text.contains("คำอธิบายภาพ กิจกรรม.jpg: ต้องกรอก"), "Thai message naming the image");
    assert!(text.contains("aria-describedby=\"f-alt-0-err\""), "error tied to the field");
    fields[6] = ("alt", "ประชาชนเต้นแอโรบิกที่ลานหน้าสำนักงาน");
    assert_eq!(webmaster.post(&format!("{page_path}/publish"), &fields).status, 303);
    let page = staff.get(&page_path).text();
    let item = page[page.find("href=\"/items/").unwrap() + 6..].split('"').next().unwrap().to_string();
    assert!(server.get(&item).text().contains("alt=\"ประชาชนเต้นแอโรบิกที่ลานหน้าสำนักงาน\""));
}
