//! Thai full-text search on the demo content: queries of 1, 2, 3 and many characters, ranking,
//! highlighting (escaped), filters, paging, bad filters and bad characters. (The index following
//! withdrawal and expiry is tested in `store::search`; relevance in `tests/relevance.rs`.)

mod common;

use common::{Server, item_links};

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn results(server: &Server, q: &str, extra: &str) -> (u16, String) {
    let reply = server.get(&format!("/search?q={}{extra}", enc(q)));
    (reply.status, reply.text())
}

#[test]
fn thai_queries_of_every_length_find_ranked_highlighted_results() {
    let server = Server::demo();
    for q in ["ยา", "รพ", "อสม", "จัดซื้อ", "ประจำปีงบประมาณ", "แผนปฏิบัติการ ประจำปี"]
    {
        let (status, html) = results(&server, q, "");
        assert_eq!(status, 200, "{q}");
        assert!(!item_links(&html).is_empty(), "no result for {q}");
        assert!(html.contains("<mark>"), "{q}: nothing highlighted");
    }
    // Many characters: the item whose title holds the phrase comes first.
    let (_, html) = results(&server, "แผนปฏิบัติการ ประจำปี", "");
    let first = html.split("<ol class=\"items results\"").nth(1).unwrap();
    let first_title = first.split("class=\"title\"").nth(1).unwrap().split("</a>").next().unwrap();
    assert!(first_title.contains("<mark>แผนปฏิบัติการ</mark>"), "{first_title}");
    // Nothing found is said in Thai.
    let (_, html) = results(&server, "ไม่มีคำนี้แน่นอนxyz", "");
    assert!(html.contains("ไม่พบข้อมูลที่ตรงกับคำค้น"));
    // Markup typed by the visitor is escaped, also where it is highlighted.
    let (status, html) = results(&server, "<script>alert(1)</script>", "");
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert"), "query echoed unescaped");
    // FTS syntax is not parsed.
    assert_eq!(results(&server, "\"ab OR * NEAR(", "").0, 200);
    // NUL and other control characters are never an error.
    for q in ["ab\u{0}", "\u{0}", "ยา\u{1}\u{7f}รพ", "\u{200b}"] {
        assert_eq!(results(&server, q, "").0, 200, "{q:?}");
    }
    assert_eq!(server.get("/search?q=ab%00").status, 200);
    // A slip is corrected, and the correction offered.
    let (_, html) = results(&server, "วักซีน", "");
    assert!(html.contains("คุณหมายถึง"), "no suggestion");
    assert!(!item_links(&html).is_empty());
}

#[test]
fn filters_by_area_and_fiscal_year_and_pages() {
    let server = Server::demo();
    let (_, all) = results(&server, "ประจำปี", "");
    let (_, strategy) = results(&server, "ประจำปี", "&area=news");
    assert!(item_links(&strategy).len() < item_links(&all).len(), "area filter does nothing");
    assert!(strategy.contains("<option value=\"news\" selected>"), "area choice not kept");
    let (_, old) = results(&server, "ประจำปี", "&fy=2500");
    assert!(item_links(&old).is_empty(), "fiscal year 2500 has no items");
    // A bad filter is ignored, not an error.
    assert_eq!(results(&server, "ประจำปี", "&area=nope&fy=abc&page=-3").0, 200);
}

#[test]
fn admins_add_and_remove_synonyms_that_apply_at_once() {
    use common::{Client, csrf_of};
    let server = Server::demo();
    let (_, before) = results(&server, "zqxsynonym", "");
    assert!(item_links(&before).is_empty());
    // Only admins and web masters; never without the form's token.
    assert_eq!(Client::logged_in(&server, "staff").get("/admin/search").status, 403);
    let admin = Client::logged_in(&server, "admin");
    let page = admin.get("/admin/search");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("รพ.สต. = โรงพยาบาลส่งเสริมสุขภาพตำบล"), "built-in list shown");
    let token = csrf_of(&page.text());
    let line = "zqxsynonym = โรงพยาบาลส่งเสริมสุขภาพตำบล";
    assert_eq!(admin.post("/admin/search", &[("terms", line), ("csrf", "wrong")]).status, 403);
    // A line with one term is refused in Thai, and kept in the form.
    let bad = admin.post("/admin/search", &[("terms", "คำเดียว"), ("csrf", &token)]);
    assert_eq!(bad.status, 422);
    let bad = bad.text();
    assert!(bad.contains("อย่างน้อย 2 คำ") && bad.contains("value=\"คำเดียว\""));
    assert_eq!(admin.post("/admin/search", &[("terms", line), ("csrf", &token)]).status, 303);
    let (_, after) = results(&server, "zqxsynonym", "");
    assert!(after.contains("นาอ้อ"), "the addition applies at once: {after}");
    // Removed again.
    let page = admin.get("/admin/search").text();
    let action = page.split("action=\"/admin/search/").nth(1).unwrap().split('"').next().unwrap();
    let removed = admin.post(&format!("/admin/search/{action}"), &[("csrf", &token)]);
    assert_eq!(removed.status, 303);
    let (_, gone) = results(&server, "zqxsynonym", "");
    assert!(item_links(&gone).is_empty());
    assert_eq!(admin.post("/admin/search/999999/delete", &[("csrf", &token)]).status, 404);
}
