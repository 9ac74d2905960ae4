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

/// The dashboard card of item `code`.
fn card_of<'a>(html: &'a str, code: &str) -> &'a str {
    let card = &html[html.find(&format!("id=\"c-{code}\"")).unwrap_or_else(|| panic!("no card {code}"))..];
    &card[..card.find("</article>").unwrap()]
}

/// How many tag checkboxes are ticked in a form.
fn ticked_tags(html: &str) -> usize {
    html.match_indices("name=\"tags\" value=\"")
        .filter(|(at, _)| {
            let rest = &html[*at..];
            rest[..rest.find('>').unwrap()].contains(" checked")
        })
        .count()
}

/// The id of the held tag on item `item_id`.
fn confirm_id(html: &str, item_id: i64) -> i64 {
    let review = &html[html.find("id=\"review\"").unwrap()..];
    let at = review
        .find(&format!("href=\"/items/{item_id}\""))
        .unwrap_or_else(|| panic!("item {item_id} not held"));
    let start = review[..at].rfind("id=\"held-").unwrap() + 9;
    review[start..start + review[start..].find('"').unwrap()].parse().unwrap()
}

/// The scores of the dashboard, in scheme order.
fn scores(html: &str) -> Vec<String> {
    html.split("class=\"score\"><span class=\"big\">")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect()
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

    // Publishing suggests the items of the category, ranked and shown but never ticked, with
    // the year and period.
    let path = approved_request(&server, "ข่าวทดสอบความครบถ้วน", "news/general", &today.to_string());
    let form = webmaster.get(&format!("{path}/publish")).text();
    let suggested = &form[form.find("ข้อที่อาจเกี่ยวข้อง (แนะนำ").expect("suggestions")..];
    assert!(suggested[..suggested.find("</ul>").unwrap()].contains("value=\"TST|T1\""), "suggested");
    assert!(!form.contains("name=\"tags\" value=\"TST|T1\" checked"), "but not ticked");
    assert_eq!(ticked_tags(&form), 0, "nothing is ticked for the web master");
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
    // A news item is not where a monthly summary lives: the tag waits for a second web master.
    let dash = webmaster.get("/admin/compliance").text();
    let card = card_of(&dash, "T2");
    assert_eq!(card.matches("class=\"cell ").count(), 12, "twelve months, October to September");
    assert!(!card.contains(&format!("href=\"/items/{item_id}\"")), "held back, not counted yet");
    let review = &dash[dash.find("id=\"review\"").unwrap()..];
    assert!(review.contains("TST T2") && review.contains("หมวดหมู่ของรายการไม่ตรง"), "flagged ตรวจสอบ");
    assert!(review.contains("คุณเป็นผู้ติดป้ายนี้"), "the tagger cannot confirm it");
    let tag_id = confirm_id(&dash, item_id);
    let token = csrf_of(&dash);
    let own = webmaster.post(&format!("/admin/compliance/tags/{tag_id}/confirm"), &[("csrf", &token)]);
    assert_eq!(own.status, 403, "not by the one who ticked it");
    let admin_dash = admin.get("/admin/compliance").text();
    let token = csrf_of(&admin_dash);
    let ok = admin.post(&format!("/admin/compliance/tags/{tag_id}/confirm"), &[("csrf", &token)]);
    assert_eq!(ok.status, 303);
    let dash = webmaster.get("/admin/compliance").text();
    assert!(
        card_of(&dash, "T2").contains(&format!("href=\"/items/{item_id}\"")),
        "this month's cell links the item"
    );
    let editor = webmaster.get(&format!("/admin/compliance/items/{item_id}")).text();
    assert!(
        editor.contains("ติดป้ายโดย นายณัฐพล บุญมา") && editor.contains("ยืนยันโดย"),
        "who tagged and confirmed"
    );

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
    assert!(
        ok[11].starts_with("http://127.0.0.1:") && ok[11].contains("/items/"),
        "an absolute link to the item: {}",
        &ok[11]
    );
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

/// Publishes approved request `path` as the web master with `tags` ticked (none: the form's
/// defaults) for fiscal year `fy`; returns the item's id.
fn publish_with(server: &Server, path: &str, category: &str, title: &str, tags: &[&str], fy: i32) -> i64 {
    let webmaster = Client::logged_in(server, "webmaster");
    let form = webmaster.get(&format!("{path}/publish")).text();
    assert_eq!(ticked_tags(&form), 0, "the form ticks nothing by itself");
    let token = csrf_of(&form);
    let today = thai::today().to_string();
    let year = fy.to_string();
    let mut fields = vec![
        ("csrf", token.as_str()),
        ("category", category),
        ("title", title),
        ("source", "กลุ่มงานบริหารทั่วไป"),
        ("publish_on", today.as_str()),
        ("tag_year", year.as_str()),
        ("tag_period", ""),
        ("timeless", "1"),
    ];
    fields.extend(tags.iter().map(|t| ("tags", *t)));
    let reply = webmaster.post(&format!("{path}/publish"), &fields);
    assert_eq!(reply.status, 303, "{}", reply.text());
    let page = webmaster.get(path).text();
    let item = common::item_links(&page).first().cloned().expect("published item link");
    item.trim_start_matches("/items/").parse().unwrap()
}

#[test]
fn publishing_with_the_defaults_adds_no_tag_and_ticking_adds_exactly_those() {
    let server = Server::demo();
    let today = thai::today();
    let fy = thai::fiscal_year(today);
    let webmaster = Client::logged_in(&server, "webmaster");
    let before = webmaster.get("/admin/compliance").text();

    // An integrity declaration in oia/ita: 30-odd items would once have been ticked.
    let path = approved_request(&server, "ประกาศเจตจำนงสุจริตของผู้บริหาร", "oia/ita", &today.to_string());
    let form = webmaster.get(&format!("{path}/publish")).text();
    let suggested = &form[form.find("ข้อที่อาจเกี่ยวข้อง (แนะนำ").expect("suggestions shown")..];
    let suggested = &suggested[..suggested.find("</ul>").unwrap()];
    assert!(suggested.matches("name=\"tags\"").count() <= 12, "a short ranked list");
    assert!(suggested.contains("MOIT|MOIT 21"), "the matching item is suggested");
    let first: Vec<&str> =
        suggested.split("value=\"").skip(1).take(3).map(|v| &v[..v.find('"').unwrap()]).collect();
    assert!(first.contains(&"MOIT|MOIT 21"), "and ranked near the top by the words of its title: {first:?}");
    let id = publish_with(&server, &path, "oia/ita", "ประกาศเจตจำนงสุจริตของผู้บริหาร", &[], fy);
    let editor = webmaster.get(&format!("/admin/compliance/items/{id}")).text();
    assert!(!editor.contains("name=\"remove\""), "no tag was added");
    let after = webmaster.get("/admin/compliance").text();
    assert_eq!(scores(&before), scores(&after), "the scores are unchanged");
    assert_eq!(colour(&before, "MOIT-21"), colour(&after, "MOIT-21"));

    // Ticking adds exactly the ticked tags, with who ticked them and when.
    let path = approved_request(&server, "ประกาศเจตจำนงสุจริต ปีงบประมาณนี้", "oia/ita", &today.to_string());
    let id = publish_with(
        &server,
        &path,
        "oia/ita",
        "ประกาศเจตจำนงสุจริต ปีงบประมาณนี้",
        &["MOIT|MOIT 21", "ITA|O23"],
        fy,
    );
    let editor = webmaster.get(&format!("/admin/compliance/items/{id}")).text();
    assert_eq!(editor.matches("name=\"remove\"").count(), 2, "exactly the two ticked");
    assert!(editor.contains("MOIT 21") && editor.contains("ITA (OIT) O23"));
    assert_eq!(editor.matches("ติดป้ายโดย นายณัฐพล บุญมา").count(), 2, "the tagger is recorded");
    assert!(
        editor.contains(&prakat::views::text::date(today, prakat::thai::Digits::Arabic).into_string()),
        "and the day"
    );
    let dash = webmaster.get("/admin/compliance").text();
    assert_eq!(colour(&dash, "MOIT-21"), "green", "a deliberate, fitting tag counts at once");
    assert!(card_of(&dash, "MOIT-21").contains(&format!("href=\"/items/{id}\"")));
}

#[test]
fn an_item_tagged_to_ten_unrelated_items_is_held_for_a_second_web_master() {
    let server = Server::demo();
    let today = thai::today();
    let fy = thai::fiscal_year(today);
    let webmaster = Client::logged_in(&server, "webmaster");
    let before = webmaster.get("/admin/compliance").text();
    let path = approved_request(&server, "ภาพกิจกรรมประชุมประจำเดือน", "news/activities", &today.to_string());
    let ten = [
        "MOIT|MOIT 21",
        "MOIT|MOIT 6",
        "MOIT|MOIT 20",
        "MOIT|MOIT 22",
        "ITA|O13",
        "ITA|O20",
        "ITA|O21",
        "ITA|O22",
        "ITA|O23",
        "GWS|G-17",
    ];
    let id = publish_with(&server, &path, "news/activities", "ภาพกิจกรรมประชุมประจำเดือน", &ten, fy);
    let dash = webmaster.get("/admin/compliance").text();
    assert_eq!(scores(&before), scores(&dash), "held tags do not count");
    assert_ne!(colour(&dash, "MOIT-21"), "green", "the photo is no integrity declaration");
    let review = &dash[dash.find("id=\"review\"").unwrap()..];
    let review = &review[..review.find("</section>").unwrap()];
    let mine = review.matches(&format!("href=\"/items/{id}\"")).count();
    assert_eq!(mine, 10, "every one of its tags is flagged");
    assert!(review.contains("ตรวจสอบ") && review.contains("ติดป้าย 10 ข้อ"), "too many, named");
    assert!(review.contains("หมวดหมู่ของรายการไม่ตรง"), "and unrelated, named");

    // A second web master may confirm one; the tagger may not.
    let tag = confirm_id(&dash, id);
    let token = csrf_of(&dash);
    assert_eq!(
        webmaster.post(&format!("/admin/compliance/tags/{tag}/confirm"), &[("csrf", &token)]).status,
        403
    );
    let second = Client::logged_in(&server, "webmaster2");
    let token = csrf_of(&second.get("/admin/compliance").text());
    assert_eq!(
        second.post(&format!("/admin/compliance/tags/{tag}/confirm"), &[("csrf", &token)]).status,
        303
    );
    let admin = Client::logged_in(&server, "admin");
    let dash = webmaster.get("/admin/compliance").text();
    let review = &dash[dash.find("id=\"review\"").unwrap()..];
    let review = &review[..review.find("</section>").unwrap()];
    assert_eq!(review.matches(&format!("href=\"/items/{id}\"")).count(), 9, "one confirmed");
    // Several at once from the review list: the second web master ticks two more.
    let page = second.get("/admin/compliance").text();
    let ids: Vec<String> = page
        .split("name=\"tag\" value=\"")
        .skip(1)
        .map(|v| v[..v.find('"').unwrap()].to_string())
        .filter(|v| {
            let li = &page[page.find(&format!("id=\"held-{v}\"")).unwrap()..];
            li[..li.find("</li>").unwrap()].contains(&format!("href=\"/items/{id}\""))
        })
        .collect();
    assert!(ids.len() >= 9, "every held tag of another web master can be ticked: {ids:?}");
    assert!(!dash.contains("name=\"tag\" value=\""), "but not by the one who tagged them");
    let token = csrf_of(&page);
    let form = [("csrf", token.as_str()), ("tag", ids[0].as_str()), ("tag", ids[1].as_str())];
    assert_eq!(second.post("/admin/compliance/tags/confirm", &form).status, 303);
    let dash = webmaster.get("/admin/compliance").text();
    let review = &dash[dash.find("id=\"review\"").unwrap()..];
    let review = &review[..review.find("</section>").unwrap()];
    assert_eq!(review.matches(&format!("href=\"/items/{id}\"")).count(), 7, "two more confirmed");
    let audit = admin.get("/admin/audit").text();
    assert!(audit.contains("ยืนยันป้ายหลักฐานที่ต้องตรวจสอบ"), "the confirmation is audited");
    // A period that does not fit the item's refresh is refused when tagging.
    let editor = webmaster.get(&format!("/admin/compliance/items/{id}")).text();
    let token = csrf_of(&editor);
    let bad = [
        ("csrf", token.as_str()),
        ("tags", "MOIT|MOIT 5"),
        ("tag_year", &fy.to_string()),
        ("tag_period", ""),
    ];
    let refused = webmaster.post(&format!("/admin/compliance/items/{id}"), &bad);
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("MOIT 5: ข้อนี้เป็นรายเดือน"), "named, with the rule");
}

/// The data directory of a fresh demo that outlives its first server.
fn demo_data() -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    (temp, data)
}

#[test]
fn built_in_features_count_with_live_links_and_turn_red_when_off() {
    let (_temp, data) = demo_data();
    let builtin = [
        ("G-10", "/qa"),
        ("G-11", "https://www.facebook.com/"),
        ("G-16", "/survey/results"),
        ("P-03", "/policy/cookies"),
        ("P-05", "/policy/accessibility"),
        ("O18", "/eservices/stats?fy="),
        ("MOIT-10", "/eservices/stats?fy="),
    ];
    let today = thai::today();
    let fy = thai::fiscal_year(today);
    {
        let server = Server::start(&data, &["--demo"]);
        let webmaster = Client::logged_in(&server, "webmaster");
        let dash = webmaster.get("/admin/compliance").text();
        for (code, href) in builtin {
            assert_eq!(colour(&dash, code), "green", "{code} counts by itself");
            assert!(card_of(&dash, code).contains(&format!("href=\"{href}")), "{code} links {href}");
        }
        assert!(card_of(&dash, "O18").contains("เผยแพร่"), "the data behind it: the quarters published");
        // The public index links them too.
        let public = server.get("/ita?scheme=GWS").text();
        assert!(public.contains("href=\"/policy/cookies\"") && public.contains("ระบบของเว็บไซต์"));

        // Statistics count only while every quarter due is published.
        let due_next = |q: u8| {
            let end = Period::Quarter(q).range(fy).1;
            end.checked_add(jiff::Span::new().days(31)).unwrap()
        };
        // The demo published every quarter that has ended; this one has not ended yet.
        let current = prakat::compliance::period::quarter_of(today);
        let later = webmaster.get(&format!("/admin/compliance?year={fy}&on={}", due_next(current))).text();
        assert_eq!(colour(&later, "O18"), "red", "this quarter is due then and not published");
        assert!(card_of(&later, "O18").contains(&format!("ยังไม่ได้เผยแพร่สถิติไตรมาส {current}")));
        let quarters = prakat::compliance::builtin::recent_quarters(today);
        let (y, q) = quarters[quarters.len() - 2];
        let token = csrf_of(&dash);
        let year = y.to_string();
        let quarter = q.to_string();
        let withdraw = [("csrf", token.as_str()), ("year", &year), ("quarter", &quarter), ("withdraw", "1")];
        assert_eq!(webmaster.post("/admin/compliance/complaint-stats", &withdraw).status, 303);
        let dash = webmaster.get("/admin/compliance").text();
        let due_passed =
            Period::Quarter(q).range(y).1.checked_add(jiff::Span::new().days(30)).unwrap() < today;
        if due_passed {
            assert_eq!(colour(&dash, "O18"), "red", "the last quarter's numbers are not published");
            assert_eq!(colour(&dash, "MOIT-10"), "red");
        }
        let publish = [("csrf", token.as_str()), ("year", &year), ("quarter", &quarter)];
        assert_eq!(webmaster.post("/admin/compliance/complaint-stats", &publish).status, 303);
        assert_eq!(colour(&webmaster.get("/admin/compliance").text(), "O18"), "green");
        let (year, quarter) = (fy.to_string(), prakat::compliance::period::quarter_of(today).to_string());
        let early = [("csrf", token.as_str()), ("year", &year), ("quarter", &quarter)];
        assert_eq!(
            webmaster.post("/admin/compliance/complaint-stats", &early).status,
            403,
            "not before the quarter ends"
        );
    }

    // Switched off: the pages answer 404 and the items turn red.
    common::set_settings(
        &data,
        "features",
        "qa = false\nsurvey = false\npolicies = false\ncomplaint_stats = false",
    );
    let path = data.join("prakat.toml");
    let mut settings: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    if let Some(office) = settings.get_mut("office").and_then(|o| o.as_table_mut()) {
        office.remove("links");
    }
    std::fs::write(&path, toml::to_string(&settings).unwrap()).unwrap();
    let server = Server::start(&data, &[]);
    for page in ["/qa", "/survey/results", "/policy/cookies", "/eservices/stats"] {
        assert_eq!(server.get(page).status, 404, "{page} is off");
    }
    assert_eq!(server.get("/eservices/complaint").status, 200, "the rest stays on");
    let webmaster = Client::logged_in(&server, "webmaster");
    let dash = webmaster.get("/admin/compliance").text();
    for (code, _) in builtin {
        assert_eq!(colour(&dash, code), "red", "{code} turns red when its feature is off");
    }
    assert!(card_of(&dash, "G-10").contains("features.qa = false"), "and says which setting");
}

#[test]
fn the_public_index_shows_last_years_evidence_and_what_is_in_progress() {
    let server = Server::demo();
    let fy = thai::fiscal_year(thai::today());
    let html = server.get(&format!("/ita?scheme=MOIT&year={fy}")).text();
    assert!(!html.contains("ยังไม่มีรายการที่เผยแพร่"), "never 'none published'");
    // The action plan of 2569 is tagged for 2569 only: shown, marked as last year's.
    let row = &html[html.find("MOIT 2.8").expect("MOIT 2.8")..];
    let row = &row[..row.find("</li></ul></li>").unwrap_or(row.len())];
    if fy == 2570 {
        assert!(row.contains("แผนปฏิบัติการ") && row.contains("หลักฐานของปีที่ผ่านมา"), "{row}");
        assert!(row.contains("อยู่ระหว่างดำเนินการ") && row.contains("กำหนดเผยแพร่ภายใน"), "{row}");
    }
    assert!(html.contains("อยู่ระหว่างดำเนินการ"));
    assert!(html.contains("เผยแพร่ "), "each link with its date");
}

#[test]
fn the_moit_1_report_shows_verbal_approvals_with_their_confirmation() {
    let server = Server::demo();
    let today = thai::today();
    let fy = thai::fiscal_year(today);
    let path = submitted_request(&server, "แจ้งเตือนด่วนฝุ่นละอองขนาดเล็ก", "news/alerts", &today.to_string());
    let webmaster = Client::logged_in(&server, "webmaster");
    let token = csrf_of(&webmaster.get(&format!("{path}/publish?verbal=1")).text());
    let day = today.to_string();
    let fields = [
        ("csrf", token.as_str()),
        ("verbal", "1"),
        ("category", "news/alerts"),
        ("title", "แจ้งเตือนด่วนฝุ่นละอองขนาดเล็ก"),
        ("source", "กลุ่มงานควบคุมโรคติดต่อ"),
        ("publish_on", day.as_str()),
        ("verbal_on", day.as_str()),
        ("verbal_by", "นายวีระพงษ์ ทองมา (โทรศัพท์)"),
        ("tag_year", &fy.to_string()),
        ("timeless", "1"),
    ];
    assert_eq!(webmaster.post(&format!("{path}/publish"), &fields).status, 303);
    let head = Client::logged_in(&server, "head");
    let token = csrf_of(&head.get(&path).text());
    assert_eq!(head.post(&format!("{path}/confirm"), &[("csrf", &token)]).status, 303);
    let csv = webmaster.get(&format!("/admin/compliance/report.csv?year={fy}")).text();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = rows.iter().find(|r| &r[2] == "แจ้งเตือนด่วนฝุ่นละอองขนาดเล็ก").expect("row");
    assert_eq!(&row[6], "อนุมัติด้วยวาจา (ยืนยันแล้ว)");
    assert!(row[7].contains("อนุมัติด้วยวาจา"), "{}", &row[7]);
    assert_eq!(&row[12], day.as_str(), "the confirmation date");
    assert!(row[11].starts_with("http"), "absolute link");
    let printed = webmaster.get(&format!("/admin/compliance/report?year={fy}")).text();
    assert!(printed.contains("อนุมัติด้วยวาจา (ยืนยันแล้ว)") && printed.contains("ยืนยันในระบบ"));
}
