//! Hostile input from the internet, round two: `next=`/`back=` never lead off the site (nor
//! to a 500); NUL, vertical tab, right-to-left override and stacked combining marks are
//! cleaned from every form, so that feeds stay valid XML and pages keep their shape; CSV
//! exports start no cell with a formula character; a 40 MB text field is refused without
//! being held in memory; a file name with a NUL gets the right message; a dual-stack
//! listener takes IPv4 office PCs as LAN.

mod common;

use common::{Client, Server, csrf_of};

const PDF: &[u8] = include_bytes!("../assets/demo/files/request-form.pdf");
const PASSWORD: &str = "Prakat-demo-2569";

/// Open-redirect attempts, as they appear in a URL's query (already percent-encoded).
const REDIRECTS: [&str; 18] = [
    "/%09/evil.example/phish",
    "%2F%09%2Fevil.example",
    "//evil.example",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%0A/evil.example",
    "/%0D%0A/evil.example",
    "/%00/evil.example",
    "/%0B/evil.example",
    "https://evil.example",
    "https:%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "/%25252F%25252Fevil.example",
    "/%20/evil.example",
    "/%E3%80%80/evil.example",
    "%09//evil.example",
];

#[test]
fn next_and_back_never_leave_the_site() {
    let server = Server::demo();
    for raw in REDIRECTS {
        let reply = server.get(&format!("/prefs/text-large?back={raw}"));
        assert_eq!(reply.status, 303, "back={raw}: {}", reply.text());
        assert_eq!(reply.header("location"), Some("/"), "back={raw}");
        let login = server.get(&format!("/login?next={raw}"));
        assert_eq!(login.status, 200, "next={raw}");
        assert!(login.text().contains("name=\"next\" value=\"/staff\""), "next={raw} kept in the form");
    }
    // Paths on the site are gone back to, Thai queries included.
    let local = server.get("/prefs/text-large?back=%2Fc%2Fnews%3Fpage%3D2");
    assert_eq!(local.header("location"), Some("/c/news?page=2"));
    let thai = server.get("/prefs/text-normal?back=%2Fsearch%3Fq%3D%E0%B8%A0%E0%B8%B2%E0%B8%A9%E0%B8%B5");
    assert_eq!(thai.status, 303);
    assert_eq!(thai.header("location"), Some("/search?q=%E0%B8%A0%E0%B8%B2%E0%B8%A9%E0%B8%B5"));

    // After logging in, a hostile `next` (decoded, as the form posts it) leads to /staff.
    for next in
        ["/\t/evil.example", "//evil.example", "/\\evil.example", "/\u{0}/x", "/\n/evil", "https://evil"]
    {
        let client = Client::new(&server);
        let token = csrf_of(&client.get("/login").text());
        let reply = client.post(
            "/login",
            &[("username", "staff"), ("password", PASSWORD), ("csrf", &token), ("next", next)],
        );
        assert_eq!(reply.status, 303, "next={next:?}: {}", reply.text());
        assert_eq!(reply.header("location"), Some("/staff"), "next={next:?}");
    }
}

/// A field value a hostile visitor (or Word) might send: a formula start, NUL, vertical tab,
/// a right-to-left override, C0 and C1 controls and 120 stacked Thai tone marks.
fn nasty(start: &str) -> String {
    format!("{start} ข่าว\u{0}สาร\u{b}บรรทัดใหม่ \u{202e}fdp.exe\u{202c}\u{1}\u{85} ก{}", "\u{e48}".repeat(120))
}

/// Whether the text has any character the input filter must have removed, or a run of more
/// than three combining marks.
fn unclean(text: &str) -> Option<String> {
    let mut marks = 0;
    for c in text.chars() {
        if matches!(c, '\u{0}' | '\u{b}' | '\u{1}' | '\u{85}' | '\u{202e}' | '\u{202c}') {
            return Some(format!("U+{:04X}", c as u32));
        }
        // Thai marks above and below, and the Latin combining block.
        let mark =
            matches!(c, '\u{e31}' | '\u{e34}'..='\u{e3a}' | '\u{e47}'..='\u{e4e}' | '\u{300}'..='\u{36f}');
        marks = if mark { marks + 1 } else { 0 };
        if marks > 3 {
            return Some("more than 3 combining marks".into());
        }
    }
    None
}

/// Every cell of a CSV export, after checking the byte-order mark.
fn csv_cells(client: &Client, path: &str) -> Vec<String> {
    let reply = client.get(path);
    assert_eq!(reply.status, 200, "{path}");
    assert!(reply.body.starts_with(b"\xEF\xBB\xBF"), "{path}: no UTF-8 byte-order mark");
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&reply.body[3..]);
    reader.records().flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect()
}

#[test]
fn hostile_text_is_cleaned_from_every_form_and_feeds_and_csvs_stay_sound() {
    let server = Server::demo();
    let staff = Client::logged_in(&server, "staff");
    let head = Client::logged_in(&server, "head");
    let webmaster = Client::logged_in(&server, "webmaster");
    let admin = Client::logged_in(&server, "admin");

    // A staff request (multipart), approved and published (URL-encoded) with hostile text.
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let topic = nasty("=HYPERLINK(\"http://evil.example\")");
    let details = nasty("รายละเอียด");
    let requester = nasty("=cmd|' /C calc'!A0");
    // Today: the report checked below is this fiscal year's.
    let today = prakat::thai::today().to_string();
    let fields = [
        ("csrf", token.as_str()),
        ("unit", "กลุ่มงานควบคุมโรคติดต่อ"),
        ("request_date", today.as_str()),
        ("topic", topic.as_str()),
        ("details", details.as_str()),
        ("link", ""),
        ("remarks", ""),
        ("requester_name", requester.as_str()),
        ("requester_position", "นักวิชาการ"),
        ("requester_contact", "042 812665"),
        ("category", "news/alerts"),
        ("period_from", ""),
        ("period_to", ""),
        ("end_date", ""),
        ("no_end", "on"),
        ("intent", "submit"),
    ];
    let created = staff.post_multipart("/staff/requests", &fields, &[("files", "ประกาศ.pdf", PDF)]);
    assert_eq!(created.status, 303, "{}", created.text());
    let page_path = created.header("location").unwrap().to_string();
    let page = staff.get(&page_path).text();
    assert_eq!(unclean(&page), None, "staff request page");
    assert!(page.contains("fdp.exe"), "the text itself is kept");

    let token = csrf_of(&head.get(&page_path).text());
    assert_eq!(head.post(&format!("{page_path}/approve"), &[("csrf", &token)]).status, 303);
    let token = csrf_of(&webmaster.get(&format!("{page_path}/publish")).text());
    let title = nasty("@SUM(1+1)");
    let summary = nasty("+ข่าวด่วน");
    let today = prakat::thai::today().to_string();
    let published = webmaster.post(
        &format!("{page_path}/publish"),
        &[
            ("csrf", &token),
            ("category", "news/alerts"),
            ("title", &title),
            ("summary", &summary),
            ("source", "กลุ่มงานควบคุมโรคติดต่อ"),
            ("period_from", &today),
            ("period_to", ""),
            ("publish_on", &today),
            ("end_date", ""),
        ],
    );
    assert_eq!(published.status, 303, "{}", published.text());
    let page = staff.get(&page_path).text();
    let item = page[page.find("href=\"/items/").unwrap() + 6..].split('"').next().unwrap().to_string();
    let public = server.get(&item).text();
    assert_eq!(unclean(&public), None, "public item page");
    assert!(
        public.contains("@SUM(1+1) ข่าวสาร\nบรรทัดใหม่") || public.contains("@SUM(1+1) ข่าวสาร"),
        "title kept"
    );

    // Feeds parse with a real XML parser and carry the cleaned title.
    for feed in ["/feeds/all.xml", "/feeds/news.xml"] {
        let xml = server.get(feed).text();
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{feed} is not XML: {e}"));
        let titles: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("title"))
            .filter_map(|n| n.text().map(str::to_owned))
            .collect();
        assert!(titles.iter().any(|t| t.contains("@SUM(1+1)")), "{feed}: {titles:?}");
        assert_eq!(unclean(&xml), None, "{feed}");
    }

    // Public forms: the survey comment and a question, answered and shown in the Q&A.
    let citizen = Client::new(&server);
    let survey = citizen.get("/survey").text();
    let token = token_of(&survey);
    let comment = nasty("=1+1");
    let answer = [
        ("token", token.as_str()),
        ("content", "5"),
        ("ease", "4"),
        ("design", "4"),
        ("speed", "5"),
        ("overall", "4"),
        ("comment", comment.as_str()),
    ];
    assert_eq!(citizen.post("/survey", &answer).status, 200);
    let token = token_of(&citizen.get("/eservices/question").text());
    let subject = nasty("-2+3");
    let question_details = nasty("ถาม");
    let sent = citizen.post(
        "/eservices/question",
        &[("token", &token), ("subject", &subject), ("details", &question_details)],
    );
    assert_eq!(sent.status, 303, "{}", sent.text());
    let list = webmaster.get("/staff/cases").text();
    let at = list.find("href=\"/staff/cases/").unwrap() + "href=\"".len();
    let link = list[at..at + list[at..].find('"').unwrap()].to_string();
    let case = webmaster.get(&link).text();
    assert_eq!(unclean(&case), None, "staff case page");
    let csrf = csrf_of(&case);
    let reply = nasty("ตอบ");
    let answered = webmaster
        .post(&link, &[("csrf", &csrf), ("status", "closed"), ("answer", &reply), ("publish", "yes")]);
    assert_eq!(answered.status, 303, "{}", answered.text());
    let qa = citizen.get("/qa").text();
    assert!(qa.contains("-2+3"), "the question is public");
    assert_eq!(unclean(&qa), None, "public Q&A");

    // Every CSV export: byte-order mark, and no cell starts a formula.
    let year = prakat::thai::fiscal_year(prakat::thai::today());
    let report = format!("/admin/compliance/report.csv?year={year}");
    for path in ["/admin/audit.csv", report.as_str(), "/admin/survey.csv", "/admin/stats.csv"] {
        let cells = csv_cells(&admin, path);
        for cell in &cells {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{path}: cell {cell:?}");
            assert_eq!(unclean(cell), None, "{path}: cell {cell:?}");
        }
        if path == report {
            assert!(
                cells.iter().any(|c| c.starts_with("'=HYPERLINK")),
                "{path}: the topic is there, neutralised"
            );
        }
    }
}

/// The value of the hidden form token on a public form.
fn token_of(html: &str) -> String {
    let pattern = "name=\"token\" value=\"";
    let at = html.find(pattern).expect("page has a form token") + pattern.len();
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

#[test]
fn a_40_mb_text_field_is_refused_naming_it_without_memory_growth() {
    let server = Server::demo();
    let staff = Client::logged_in(&server, "staff");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let (_, peak_before) = server.memory_kb().expect("server memory");
    let huge = "ก".repeat(13_000_000); // 39 MB of Thai
    let fields = [
        ("csrf", token.as_str()),
        ("unit", "กลุ่มงาน"),
        ("request_date", "2026-11-20"),
        ("topic", "ข้อความยาวมาก"),
        ("details", huge.as_str()),
        ("requester_name", "นายทดสอบ"),
        ("requester_position", "นักวิชาการ"),
        ("requester_contact", "042 812665"),
        ("category", "news/alerts"),
        ("no_end", "on"),
        ("intent", "draft"),
    ];
    let reply = staff.post_multipart("/staff/requests", &fields, &[]);
    drop(huge);
    assert_eq!(reply.status, 422, "{}", reply.text());
    let text = reply.text();
    assert!(text.contains("รายละเอียดข้อมูล: ข้อความยาวเกิน 64 กิโลไบต์"), "field not named in Thai");
    assert!(text.contains("ข้อความยาวมาก"), "the other fields are kept");
    let (_, peak_after) = server.memory_kb().unwrap();
    println!("server peak RSS before {} kB, after {} kB", peak_before, peak_after);
    assert!(peak_after < peak_before + 16 * 1024, "memory grew from {peak_before} kB to {peak_after} kB");
}

#[test]
fn a_file_name_with_a_nul_is_blamed_on_the_name_not_the_size() {
    let server = Server::demo();
    let staff = Client::logged_in(&server, "staff");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let fields = [
        ("csrf", token.as_str()),
        ("unit", "กลุ่มงาน"),
        ("request_date", "2026-11-20"),
        ("topic", "แนบไฟล์ชื่อแปลก"),
        ("details", "รายละเอียด"),
        ("requester_name", "นายทดสอบ"),
        ("requester_position", "นักวิชาการ"),
        ("requester_contact", "042 812665"),
        ("category", "news/alerts"),
        ("no_end", "on"),
        ("intent", "draft"),
    ];
    let reply = staff.post_multipart("/staff/requests", &fields, &[("files", "ประกาศ\u{0}.pdf", PDF)]);
    // The multipart parser refuses a header with a NUL: the message must say it is the name.
    assert_eq!(reply.status, 422, "{}", reply.text());
    let text = reply.text();
    assert!(text.contains("ชื่อไฟล์หรือหัวของข้อมูลผิดรูปแบบ"), "the name is not blamed: {text}");
    assert!(!text.contains("ใหญ่เกินกำหนด"), "blamed on the size: {text}");
    assert!(text.contains("แนบไฟล์ชื่อแปลก"), "the fields sent before the file are kept");
}

#[test]
fn a_dual_stack_listener_takes_ipv4_office_pcs_as_lan() {
    let temp = tempfile::tempdir().unwrap();
    let server = Server::start(&temp.path().join("d"), &["--demo", "--http", "[::]:0"]);
    let port: u16 = server.base.rsplit(':').next().unwrap().parse().unwrap();
    // An IPv4 client arrives as ::ffff:127.0.0.1 and must be taken as 127.0.0.1 (LAN).
    let v4 = common::get(&format!("http://127.0.0.1:{port}/login"));
    assert_eq!(v4.status, 200, "IPv4 client on [::]: {}", v4.text());
    let v6 = common::get(&format!("http://[::1]:{port}/login"));
    assert_eq!(v6.status, 200);

    // Several addresses at once.
    let temp = tempfile::tempdir().unwrap();
    let server = Server::start(&temp.path().join("d"), &["--demo", "--http", "127.0.0.1:0,[::1]:0"]);
    let v6 = server.printed("listening on http://[::1]").expect("an IPv6 listener");
    assert_eq!(common::get(&format!("http://[::1]{v6}/login")).status, 200);
    assert_eq!(server.get("/login").status, 200);
}
