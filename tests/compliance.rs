//! Completeness checking over HTTP with the real binary: checklist import (console and web,
//! good and bad), tagging at publication and later, the dashboard's colours as items are
//! tagged and as dates pass (a chosen date, not sleeps), the public `/ita` page, the yearly
//! publication report (CSV and print), the quarterly summary, and the refusals.

mod common;

use std::process::Command;

use common::{Client, Server, binary, csrf_of};
use prakat::compliance::period::Period;
use prakat::thai;

/// A small checklist of our own, so that the colours are easy to follow: one continuous item
/// for general news and one monthly item for procurement results.
fn test_checklist(year: i32) -> String {
    format!(
        r#"
scheme = "TST"
year = {year}
title_th = "เกณฑ์ทดสอบ"
title_en = "Test checklist"

[[item]]
code = "T1"
title_th = "ข่าวประชาสัมพันธ์ทดสอบ"
title_en = "Test news"
evidence_th = "ข่าวของปีงบประมาณ"
refresh = "continuous"
categories = ["news/general"]

[[item]]
code = "T2"
title_th = "สรุปผลรายเดือนทดสอบ"
title_en = "Test monthly summary"
evidence_th = "สรุปรายเดือน"
refresh = "monthly"
categories = ["news/procurement-results"]
"#
    )
}

fn prakat(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(binary()).arg("--data").arg(data).args(args).env("PRAKAT_LOG", "warn").output().unwrap()
}

fn location(reply: &common::Reply) -> String {
    reply
        .header("location")
        .unwrap_or_else(|| panic!("no redirect: {} {}", reply.status, reply.text()))
        .to_string()
}

/// The class of the dashboard card of item `code`.
fn card_class(html: &str, code: &str) -> String {
    let marker = format!("id=\"c-{code}\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no card {code}"));
    let start = html[..at].rfind("<article").unwrap();
    let tag = &html[start..at];
    let class = tag.split("class=\"").nth(1).unwrap();
    class[..class.find('"').unwrap()].to_string()
}

fn colour(html: &str, code: &str) -> &'static str {
    let class = card_class(html, code);
    ["green", "amber", "red", "pending"].into_iter().find(|c| class.contains(&format!("crit-{c}"))).unwrap()
}

/// Staff asks, the head approves; returns the request's page path.
fn approved_request(server: &Server, topic: &str, category: &str, today: &str) -> String {
    let path = submitted_request(server, topic, category, today);
    let head = Client::logged_in(server, "head");
    let token = csrf_of(&head.get(&path).text());
    assert_eq!(head.post(&format!("{path}/approve"), &[("csrf", &token)]).status, 303);
    path
}

/// Staff asks; returns the request's page path.
fn submitted_request(server: &Server, topic: &str, category: &str, today: &str) -> String {
    let staff = Client::logged_in(server, "staff");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let created = staff.post_multipart(
        "/staff/requests",
        &[
            ("csrf", &token),
            ("unit", "กลุ่มงานบริหารทั่วไป"),
            ("request_date", today),
            ("topic", topic),
            ("details", "รายละเอียดสำหรับการทดสอบ"),
            ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
            ("requester_position", "นักวิชาการเงินและบัญชี"),
            ("requester_contact", "042 812665"),
            ("category", category),
            ("no_end", "on"),
            ("intent", "submit"),
        ],
        &[],
    );
    assert_eq!(created.status, 303, "{}", created.text());
    location(&created)
}

fn as_refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn counts(html: &str) -> [u64; 5] {
    ["n-submitted", "n-approved", "n-rejected", "n-published", "n-down"].map(|id| {
        let at = html.find(&format!("id=\"{id}\">")).unwrap_or_else(|| panic!("no {id}")) + id.len() + 6;
        html[at..at + html[at..].find('<').unwrap()].trim().parse().unwrap()
    })
}

#[test]
fn checklist_import_from_the_console_and_the_admin_page() {
    let server = Server::demo();
    let fy = thai::fiscal_year(thai::today());
    let dir = tempfile::tempdir().unwrap();

    // Console: a bad file is refused with the file, item and field named; nothing is stored.
    let bad = dir.path().join("bad-2570.toml");
    std::fs::write(&bad, test_checklist(fy).replace("refresh = \"monthly\"", "refresh = \"weekly\""))
        .unwrap();
    let out = prakat(&server.data, &["checklist", "import", bad.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("bad-2570.toml") && err.contains("T2") && err.contains("refresh"), "{err}");
    let good = dir.path().join("tst.toml");
    std::fs::write(&good, test_checklist(fy)).unwrap();
    let out = prakat(&server.data, &["checklist", "import", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = String::from_utf8(prakat(&server.data, &["checklist", "list"]).stdout).unwrap();
    assert!(list.contains("TST") && list.contains("imported"), "{list}");
    assert!(list.contains("MOIT") && list.contains("embedded"), "{list}");

    // Web: only admins import; a bad file is shown again with the reason (422).
    let admin = Client::logged_in(&server, "admin");
    let page = admin.get("/admin/compliance/checklists").text();
    assert!(page.contains("เกณฑ์ทดสอบ") && page.contains("นำเข้าโดยผู้ดูแลระบบ"));
    let token = csrf_of(&page);
    let broken =
        test_checklist(fy + 1).replace("categories = [\"news/general\"]", "categories = [\"news/nowhere\"]");
    let refused = admin.post_multipart(
        "/admin/compliance/checklists",
        &[("csrf", &token)],
        &[("file", "tst-next.toml", broken.as_bytes())],
    );
    assert_eq!(refused.status, 422);
    let html = refused.text();
    assert!(html.contains("tst-next.toml") && html.contains("T1") && html.contains("news/nowhere"), "{html}");
    let next = test_checklist(fy + 1).replace("เกณฑ์ทดสอบ", "เกณฑ์ทดสอบปีหน้า");
    let forged = admin.post_multipart(
        "/admin/compliance/checklists",
        &[("csrf", "forged")],
        &[("file", "tst-next.toml", next.as_bytes())],
    );
    assert_eq!(forged.status, 403, "CSRF");
    let ok = admin.post_multipart(
        "/admin/compliance/checklists",
        &[("csrf", &token)],
        &[("file", "tst-next.toml", next.as_bytes())],
    );
    assert_eq!(ok.status, 303, "{}", ok.text());
    assert!(admin.get(&location(&ok)).text().contains("เกณฑ์ทดสอบปีหน้า"));

    let webmaster = Client::logged_in(&server, "webmaster");
    let page = webmaster.get("/admin/compliance/checklists");
    assert_eq!(page.status, 200, "web masters see the checklists");
    assert!(!page.text().contains("ตรวจและนำเข้า"), "but get no import form");
    let token = csrf_of(&page.text());
    let refused = webmaster.post_multipart(
        "/admin/compliance/checklists",
        &[("csrf", &token)],
        &[("file", "x.toml", next.as_bytes())],
    );
    assert_eq!(refused.status, 403);
}

#[test]
fn tags_at_publish_drive_the_dashboard_and_the_public_page() {
    let server = Server::demo();
    let today = thai::today();
    let fy = thai::fiscal_year(today);
    let admin = Client::logged_in(&server, "admin");
    let token = csrf_of(&admin.get("/admin/compliance/checklists").text());
    let ok = admin.post_multipart(
        "/admin/compliance/checklists",
        &[("csrf", &token)],
        &[("file", "tst.toml", test_checklist(fy - 1).as_bytes())],
    );
    assert_eq!(ok.status, 303, "{}", ok.text());

    let webmaster = Client::logged_in(&server, "webmaster");
    let dash = webmaster.get("/admin/compliance").text();
    assert!(
        dash.contains("MOIT 5") && dash.contains("O11") && dash.contains("9(8)"),
        "every scheme is shown"
    );
    assert_eq!(colour(&dash, "T1"), "red", "nothing tagged yet");
    assert!(dash.contains("ยังไม่มีเกณฑ์ของปีงบประมาณ"), "the older checklist still applies, and says so");

    // Publishing suggests the tags of the category, pre-ticked, with the year and period.
    let path = approved_request(&server, "ข่าวทดสอบความครบถ้วน", "news/general", &today.to_string());
    let form = webmaster.get(&format!("{path}/publish")).text();
    assert!(form.contains("value=\"TST|T1\" checked"), "suggested from the category: {form}");
    assert!(!form.contains("value=\"TST|T2\" checked"), "other items offered but not ticked");
    assert!(form.contains(&format!("name=\"tag_year\" value=\"{fy}\"")));
    let token = csrf_of(&form);
    let end = today.checked_add(jiff::Span::new().days(20)).unwrap();
    let fields = |tags: &'static str, year: String| {
        vec![
            ("csrf".to_string(), token.clone()),
            ("category".into(), "news/general".into()),
            ("title".into(), "ข่าวทดสอบความครบถ้วน".into()),
            ("summary".into(), "สรุป".into()),
            ("source".into(), "กลุ่มงานบริหารทั่วไป".into()),
            ("period_from".into(), today.to_string()),
            ("publish_on".into(), today.to_string()),
            ("end_date".into(), end.to_string()),
            ("tags".into(), tags.into()),
            ("tag_year".into(), year),
            ("tag_period".into(), String::new()),
        ]
    };
    // A year far off is refused and everything typed is kept; nothing is published.
    let bad = fields("TST|T1", "2400".into());
    let refused = webmaster.post(&format!("{path}/publish"), &as_refs(&bad));
    assert_eq!(refused.status, 422);
    assert!(
        refused.text().contains("ปีงบประมาณของป้าย") && refused.text().contains("value=\"TST|T1\" checked")
    );
    let mut forged = fields("TST|T1", fy.to_string());
    forged[0].1 = "forged".into();
    assert_eq!(webmaster.post(&format!("{path}/publish"), &as_refs(&forged)).status, 403, "CSRF");
    let good = fields("TST|T1", fy.to_string());
    assert_eq!(webmaster.post(&format!("{path}/publish"), &as_refs(&good)).status, 303);
    let request_page = webmaster.get(&path).text();
    let item = common::item_links(&request_page).first().cloned().expect("published item link");
    let item_id: i64 = item.trim_start_matches("/items/").parse().unwrap();

    // Red → green at once; amber when its end is within 14 days; red once it has come down.
    let dash = webmaster.get("/admin/compliance").text();
    assert_eq!(colour(&dash, "T1"), "green");
    assert!(dash.contains(&format!("href=\"/items/{item_id}\"")), "the evidence is linked");
    let on = |days: i64| today.checked_add(jiff::Span::new().days(days)).unwrap();
    let soon = webmaster.get(&format!("/admin/compliance?year={fy}&on={}", on(10))).text();
    assert_eq!(colour(&soon, "T1"), "amber", "its end is near");
    let gone = webmaster.get(&format!("/admin/compliance?year={fy}&on={}", on(25))).text();
    assert_eq!(colour(&gone, "T1"), "red", "expired evidence does not count");

    // Tags edited later: the monthly item gets this month's cell.
    let month = Period::Month(today.month());
    let editor = webmaster.get(&format!("/admin/compliance/items/{item_id}")).text();
    let token = csrf_of(&editor);
    let add = [
        ("csrf", token.as_str()),
        ("tags", "TST|T2"),
        ("tag_year", &fy.to_string()),
        ("tag_period", &month.code()),
    ];
    assert_eq!(webmaster.post(&format!("/admin/compliance/items/{item_id}"), &add).status, 303);
    let bogus =
        [("csrf", token.as_str()), ("tags", "TST|T9"), ("tag_year", &fy.to_string()), ("tag_period", "")];
    let refused = webmaster.post(&format!("/admin/compliance/items/{item_id}"), &bogus);
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("TST T9"));
    let forged = [("csrf", "forged"), ("tags", "TST|T2"), ("tag_year", &fy.to_string()), ("tag_period", "")];
    assert_eq!(webmaster.post(&format!("/admin/compliance/items/{item_id}"), &forged).status, 403);
    let dash = webmaster.get("/admin/compliance").text();
    let card = &dash[dash.find("id=\"c-T2\"").unwrap()..];
    let card = &card[..card.find("</article>").unwrap()];
    assert_eq!(card.matches("class=\"cell ").count(), 12, "twelve months, October to September");
    assert!(card.contains(&format!("href=\"/items/{item_id}\"")), "this month's cell links the item");

    // The public page lists every item of the scheme with links to its evidence, no login.
    let public = server.get("/ita?scheme=TST");
    assert_eq!(public.status, 200);
    let html = public.text();
    assert!(html.contains("ข่าวประชาสัมพันธ์ทดสอบ") && html.contains("สรุปผลรายเดือนทดสอบ"));
    assert!(html.contains(&format!("href=\"/items/{item_id}\"")));
    let moit = server.get("/ita").text();
    assert!(moit.contains("MOIT 22") && moit.contains("MOIT 2.15"), "MOIT is the default scheme");
    assert!(server.get("/").text().contains("href=\"/ita\""), "linked from the footer");

    // Only web masters and admins.
    let staff = Client::logged_in(&server, "staff");
    assert_eq!(staff.get("/admin/compliance").status, 403);
    assert_eq!(staff.get(&format!("/admin/compliance/items/{item_id}")).status, 403);
    let head = Client::logged_in(&server, "head");
    let token = csrf_of(&head.get("/staff").text());
    let add =
        [("csrf", token.as_str()), ("tags", "TST|T2"), ("tag_year", &fy.to_string()), ("tag_period", "")];
    assert_eq!(head.post(&format!("/admin/compliance/items/{item_id}"), &add).status, 403);
    assert_eq!(admin.get("/admin/compliance").status, 200);
}

#[test]
fn publication_report_and_quarterly_summary_match_the_requests() {
    let server = Server::demo();
    let today = thai::today();
    let fy = thai::fiscal_year(today);
    let q = prakat::compliance::period::quarter_of(today);
    let webmaster = Client::logged_in(&server, "webmaster");
    let quarter_path = format!("/admin/compliance/quarter?year={fy}&q={q}");
    let before = counts(&webmaster.get(&quarter_path).text());

    // One approved and published, one rejected with a reason.
    let published = approved_request(&server, "คำขอที่เผยแพร่แล้ว", "news/general", &today.to_string());
    let token = csrf_of(&webmaster.get(&format!("{published}/publish")).text());
    let reply = webmaster.post(
        &format!("{published}/publish"),
        &[
            ("csrf", &token),
            ("category", "news/general"),
            ("title", "คำขอที่เผยแพร่แล้ว"),
            ("source", "กลุ่มงานบริหารทั่วไป"),
            ("period_from", &today.to_string()),
            ("publish_on", &today.to_string()),
            ("tag_year", &fy.to_string()),
        ],
    );
    assert_eq!(reply.status, 303, "{}", reply.text());
    let rejected = submitted_request(&server, "คำขอที่ไม่อนุมัติ", "news/general", &today.to_string());
    let head = Client::logged_in(&server, "head");
    let token = csrf_of(&head.get(&rejected).text());
    let reason = "ข้อมูลยังไม่ครบถ้วน ขาดเอกสารแนบ";
    assert_eq!(head.post(&format!("{rejected}/reject"), &[("csrf", &token), ("reason", reason)]).status, 303);

    // The quarter counts what happened.
    let html = webmaster.get(&quarter_path).text();
    let after = counts(&html);
    assert_eq!(after[0] - before[0], 2, "submitted");
    assert_eq!(after[1] - before[1], 1, "approved");
    assert_eq!(after[2] - before[2], 1, "rejected");
    assert_eq!(after[3] - before[3], 1, "published");
    assert!(html.contains(reason), "rejections with their reasons");

    // CSV: one row per request of the year, matching the printed report.
    let csv = webmaster.get(&format!("/admin/compliance/report.csv?year={fy}"));
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.text();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row_of =
        |topic: &str| rows.iter().find(|r| &r[2] == topic).unwrap_or_else(|| panic!("{topic} missing"));
    let ok = row_of("คำขอที่เผยแพร่แล้ว");
    assert_eq!(&ok[6], "อนุมัติ");
    assert_eq!(&ok[7], "นายวีระพงษ์ ทองมา", "approver");
    assert_eq!(&ok[9], "นายณัฐพล บุญมา", "web master");
    assert_eq!(&ok[10], today.to_string().as_str());
    assert!(ok[11].starts_with("/items/"), "link to the item");
    assert_eq!(&row_of("คำขอที่ไม่อนุมัติ")[6], "ไม่อนุมัติ");
    let printed = webmaster.get(&format!("/admin/compliance/report?year={fy}")).text();
    assert_eq!(printed.matches("<tr>").count() - 1, rows.len(), "the printed report has the same rows");
    for r in &rows {
        assert!(printed.contains(&r[2]), "{} printed", &r[2]);
    }

    // Bulk print of the official forms of the period, one sheet per request.
    let forms = webmaster.get(&format!("/admin/compliance/forms?from={today}&to={today}")).text();
    assert_eq!(forms.matches("class=\"sheet\"").count(), 2, "both requests of today");
    assert!(forms.contains("แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์") && forms.contains("นายวีระพงษ์ ทองมา"));

    // The demo's own requests (fiscal year 2569) are in that year's report.
    let demo = webmaster.get("/admin/compliance/report.csv?year=2569").text();
    assert!(demo.contains("ภาพกิจกรรมงานเลี้ยงปีใหม่ของเจ้าหน้าที่") && demo.contains("ไม่อนุมัติ"));

    let staff = Client::logged_in(&server, "staff");
    assert_eq!(staff.get(&format!("/admin/compliance/report.csv?year={fy}")).status, 403);
    assert_eq!(staff.get(&quarter_path).status, 403);
}
