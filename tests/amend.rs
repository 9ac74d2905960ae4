//! Content that lives, over HTTP with the real binary: amending a published item keeps its
//! address and its history; withdraw and republish; scheduled publication; verbal approval of
//! an amendment; the refusals (nothing changed, one open amendment, expired item).

mod common;

use common::{Client, Server, csrf_of};

const PDF_A: &[u8] = include_bytes!("../assets/demo/files/request-form.pdf");
const PDF_B: &[u8] = include_bytes!("../assets/demo/files/announcement-2566.pdf");
const PDF_C: &[u8] = include_bytes!("../assets/demo/files/action-plan-2569.pdf");

const BODY: &str = "ขอเชิญชวนผู้ประกอบการเสนอราคา\n\nรายละเอียดตามเอกสารแนบ";
const TITLE: &str = "ประกาศประกวดราคาซื้อครุภัณฑ์การแพทย์";
const SUMMARY: &str = "ประกวดราคาซื้อครุภัณฑ์การแพทย์ ๓ รายการ";

fn location(reply: &common::Reply) -> String {
    reply
        .header("location")
        .unwrap_or_else(|| panic!("no redirect: {} {}", reply.status, reply.text()))
        .to_string()
}

/// The request (and amendment) form's fields.
fn fields<'a>(csrf: &'a str, topic: &'a str, details: &'a str, intent: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("unit", "กลุ่มงานบริหารทั่วไป"),
        ("request_date", "2026-11-20"),
        ("topic", topic),
        ("details", details),
        ("link", ""),
        ("remarks", ""),
        ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
        ("requester_position", "นักวิชาการเงินและบัญชี"),
        ("requester_contact", "042 812665"),
        ("category", "news/procurement"),
        ("period_from", ""),
        ("period_to", ""),
        ("end_date", ""),
        ("no_end", "on"),
        ("intent", intent),
    ]
}

fn publish_fields<'a>(
    csrf: &'a str,
    title: &'a str,
    summary: &'a str,
    on: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("category", "news/procurement"),
        ("title", title),
        ("summary", summary),
        ("source", "กลุ่มงานบริหารทั่วไป"),
        ("period_from", ""),
        ("period_to", ""),
        ("timeless", "1"),
        ("publish_on", on),
        ("end_date", ""),
    ]
}

/// The first `href="PREFIX…"` in `html`.
fn href(html: &str, prefix: &str) -> String {
    let at = html.find(&format!("href=\"{prefix}")).unwrap_or_else(|| panic!("no link {prefix}"));
    html[at + 6..].split('"').next().unwrap().replace("&amp;", "&")
}

struct People {
    staff: Client,
    head: Client,
    webmaster: Client,
}

impl People {
    fn of(server: &Server) -> People {
        People {
            staff: Client::logged_in(server, "staff"),
            head: Client::logged_in(server, "head"),
            webmaster: Client::logged_in(server, "webmaster"),
        }
    }

    fn approve(&self, request: &str) {
        let token = csrf_of(&self.head.get(request).text());
        assert_eq!(self.head.post(&format!("{request}/approve"), &[("csrf", &token)]).status, 303);
    }

    fn publish(&self, request: &str, title: &str, summary: &str, on: &str) {
        let form = self.webmaster.get(&format!("{request}/publish"));
        assert_eq!(form.status, 200, "{}", form.text());
        let token = csrf_of(&form.text());
        let published =
            self.webmaster.post(&format!("{request}/publish"), &publish_fields(&token, title, summary, on));
        assert_eq!(published.status, 303, "{}", published.text());
    }

    /// A request with `files`, approved and published today; returns (request page, item URL).
    fn published(&self, title: &str, files: &[(&str, &str, &[u8])]) -> (String, String) {
        let token = csrf_of(&self.staff.get("/staff/requests/new").text());
        let created =
            self.staff.post_multipart("/staff/requests", &fields(&token, title, BODY, "submit"), files);
        assert_eq!(created.status, 303, "{}", created.text());
        let request = location(&created);
        self.approve(&request);
        self.publish(&request, title, SUMMARY, &prakat::thai::today().to_string());
        let item = href(&self.staff.get(&request).text(), "/items/");
        (request, item)
    }
}

fn item_id(item: &str) -> &str {
    item.trim_start_matches("/items/")
}

#[test]
fn amend_approve_publish_keeps_the_address_and_the_history() {
    let server = Server::demo();
    let p = People::of(&server);
    let (request, item) =
        p.published(TITLE, &[("files", "ประกาศ.pdf", PDF_A), ("files", "ร่างขอบเขตงาน.pdf", PDF_C)]);
    let public = server.get(&item).text();
    let old_file = href(&public, "/files/");
    assert!(
        old_file.contains(&prakat::paths::percent_encode_segment("ประกาศ.pdf"))
            || old_file.contains("/files/")
    );
    assert_eq!(server.get(&old_file).status, 200);

    // The owner opens "ขอแก้ไข": a copy of the current content.
    let amend_url = format!("/staff/items/{}/amend", item_id(&item));
    let page = p.staff.get(&request).text();
    assert!(page.contains(&amend_url), "the request page offers the amendment");
    let form = p.staff.get(&amend_url);
    assert_eq!(form.status, 200, "{}", form.text());
    let form = form.text();
    assert!(form.contains(&format!("value=\"{TITLE}\"")) && form.contains("ขอเชิญชวนผู้ประกอบการเสนอราคา"));
    let token = csrf_of(&form);
    let old_attachment = form[form.find("name=\"remove_file\" value=\"").unwrap() + 26..]
        .split('"')
        .next()
        .unwrap()
        .to_string();

    // Changing nothing is refused in Thai, keeping what was typed.
    let mut same = fields(&token, TITLE, BODY, "submit");
    same.push(("summary", SUMMARY));
    same.push(("note", "ไม่มีอะไรเปลี่ยน"));
    let refused = p.staff.post_multipart(&amend_url, &same, &[]);
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("ไม่ได้เปลี่ยนแปลงสิ่งใด"), "{}", refused.text());

    // The preview button shows the body as it will look, saving nothing.
    let mut preview =
        fields(&token, TITLE, "| ก | ข |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script>", "preview");
    preview.push(("summary", SUMMARY));
    let shown = p.staff.post_multipart(&amend_url, &preview, &[]);
    assert_eq!(shown.status, 200);
    let html = shown.text();
    assert!(html.contains("ตัวอย่างเนื้อหา") && html.contains("<td>1</td>") && html.contains("&lt;script&gt;"));
    assert!(!html.contains("<script>alert(1)"));
    // A note is required; the rest comes back as typed.
    let new_title = "ประกาศประกวดราคาซื้อครุภัณฑ์การแพทย์ (แก้ไขครั้งที่ 1)";
    let new_body = "ขอเชิญชวนผู้ประกอบการเสนอราคา\n\n| รายการ | จำนวน | ราคากลาง (บาท) |\n|---|---:|---:|\n| เครื่องวัดความดัน | 5 | 25,000 |\n| เตียงผู้ป่วย | 2 | 90,000 |";
    let mut changed = fields(&token, new_title, new_body, "submit");
    changed.push(("summary", SUMMARY));
    changed.push(("remove_file", &old_attachment));
    let files: &[(&str, &str, &[u8])] =
        &[("files", "ประกาศ.pdf", PDF_B), ("files", "ตารางราคากลาง.pdf", PDF_C)];
    let no_note = p.staff.post_multipart(&amend_url, &changed, files);
    assert_eq!(no_note.status, 422);
    let html = no_note.text();
    assert!(html.contains("กรุณาระบุว่าแก้ไขอะไร"), "{html}");
    assert!(html.contains("(แก้ไขครั้งที่ 1)"), "typed title kept");

    // With a note: the amendment is a request waiting for approval.
    let note = "แก้ไขชื่อเรื่อง เพิ่มตารางราคากลาง และเปลี่ยนไฟล์ประกาศเป็นฉบับลงนาม";
    changed.push(("note", note));
    let sent = p.staff.post_multipart(&amend_url, &changed, files);
    assert_eq!(sent.status, 303, "{}", sent.text());
    let amendment = location(&sent);
    let page = p.staff.get(&amendment).text();
    assert!(page.contains("รออนุมัติ") && page.contains("คำขอแก้ไขข้อมูลที่เผยแพร่แล้ว") && page.contains(note));

    // The approver compares it with the version online before deciding.
    let before = p.head.get(&format!("{amendment}/diff"));
    assert_eq!(before.status, 200);
    let before = before.text();
    assert!(
        before.contains("<del>ประกาศประกวดราคาซื้อครุภัณฑ์การแพทย์</del>") && before.contains("เตียงผู้ป่วย"),
        "{before}"
    );
    assert!(p.head.get(&amendment).text().contains(&format!("{amendment}/diff")));
    // One open amendment at a time, with a link to it.
    let again = p.webmaster.get(&amend_url);
    assert_eq!(again.status, 409);
    assert!(again.text().contains(&format!("href=\"{amendment}\"")));

    // The live version stays untouched until the amendment is published.
    let html = server.get(&format!("{item}?before")).text();
    assert!(html.contains(TITLE) && !html.contains("แก้ไขครั้งที่ 1"));

    // Approve, publish: the same URL shows the new content.
    p.approve(&amendment);
    let publish_form = p.webmaster.get(&format!("{amendment}/publish")).text();
    assert!(publish_form.contains(new_title), "the publish form starts from the amendment");
    p.publish(&amendment, new_title, "ประกวดราคา ๒ รายการ (ปรับปรุง)", &prakat::thai::today().to_string());
    let page = p.staff.get(&amendment).text();
    assert!(page.contains("เผยแพร่แล้ว"), "{page}");
    assert_eq!(href(&page, "/items/"), item, "same address");
    let public = server.get(&item);
    assert_eq!(public.status, 200);
    let html = public.text();
    assert!(html.contains(new_title));
    assert!(html.contains("ปรับปรุงล่าสุด"));
    assert!(html.contains(note), "the change log shows the note");
    assert!(
        html.contains("<table>") && html.contains("<td class=\"num\">25,000</td>"),
        "the body table is a table"
    );
    assert!(html.contains("ตารางราคากลาง.pdf") && html.contains("ร่างขอบเขตงาน.pdf"));
    // Search finds the new text.
    let found =
        server.get(&format!("/search?q={}", prakat::paths::percent_encode_segment("เตียงผู้ป่วย"))).text();
    assert!(found.contains(&format!("href=\"{item}\"")), "search finds the amended body");
    // The replaced file is gone for the public, kept for staff.
    assert_eq!(server.get(&old_file).status, 404);
    let revisions = p.staff.get(&format!("/staff/items/{}/revisions", item_id(&item)));
    assert_eq!(revisions.status, 200);
    let revisions = revisions.text();
    assert!(revisions.contains(note) && revisions.contains("เผยแพร่ครั้งแรก"));
    let old_copy = href(&revisions[revisions.rfind("<tr>").unwrap()..], "/staff/revision-files/");
    let download = p.staff.get(&old_copy);
    assert_eq!(download.status, 200);
    assert!(download.body == PDF_A, "revision 1's file is the original");
    assert_eq!(Client::new(&server).get(&old_copy).status, 303, "not for the public (login first)");
    // Side by side.
    let diff = p.staff.get(&format!("/staff/items/{}/diff?from=1&to=2", item_id(&item)));
    assert_eq!(diff.status, 200);
    let diff = diff.text();
    assert!(diff.contains("<del>") && diff.contains("<ins>") && diff.contains("เตียงผู้ป่วย"));
    // Past revisions are not for every staff member.
    let admin = Client::logged_in(&server, "admin");
    let token = csrf_of(&admin.get("/admin/users").text());
    let added = admin.post(
        "/admin/users",
        &[
            ("csrf", &token),
            ("username", "kanjana"),
            ("name", "นางสาวกาญจนา แก้วมณี"),
            ("position", "พยาบาลวิชาชีพชำนาญการ"),
            ("roles", "staff"),
            ("password", "ดอกฝ้ายคำเมืองเลย2569"),
            ("password2", "ดอกฝ้ายคำเมืองเลย2569"),
        ],
    );
    assert_eq!(added.status, 303, "{}", added.text());
    let other = Client::logged_in_with(&server, "kanjana", "ดอกฝ้ายคำเมืองเลย2569");
    assert_eq!(other.get(&amend_url).status, 403, "another staff member may not amend");
    assert_eq!(other.get(&format!("/staff/items/{}/revisions", item_id(&item))).status, 403);
    // The printed form says it is an amendment, with the note and the approver's block.
    let print = p.staff.get(&format!("{amendment}/print")).text();
    assert!(
        print.contains("ขอแก้ไขข้อมูลที่เผยแพร่แล้ว")
            && print.contains(note)
            && print.contains("ผู้อนุมัติรับรอง")
    );
    // The first request now stands superseded; the trail says so.
    let first = p.staff.get(&request).text();
    assert!(first.contains("มีฉบับแก้ไขแทนแล้ว"), "{first}");
    let csv = p.webmaster.get("/admin/audit.csv").text();
    for action in ["request.amend", "item.revise", "request.supersede"] {
        assert!(csv.contains(action), "{action} missing from the audit trail");
    }
    // The requester is told the amendment is online at the same address.
    let inbox = p.staff.get("/staff").text();
    assert!(
        inbox.contains(&format!("<a href=\"{item}\">ฉบับแก้ไขของ")) && inbox.contains("เผยแพร่แล้ว"),
        "{inbox}"
    );
}

#[test]
fn withdraw_then_republish_through_an_amendment_at_the_same_address() {
    let server = Server::demo();
    let p = People::of(&server);
    let (request, item) = p.published("ประกาศรับสมัครอาสาสมัครสาธารณสุข", &[]);
    let token = csrf_of(&p.webmaster.get(&request).text());
    let withdrawn = p
        .webmaster
        .post(&format!("{request}/withdraw"), &[("csrf", &token), ("reason", "รอแก้ไขคุณสมบัติผู้สมัคร")]);
    assert_eq!(withdrawn.status, 303);
    assert_eq!(server.get(&item).status, 410);

    // Republishing (even without other changes) goes through an amendment.
    let amend_url = format!("/staff/items/{}/amend", item_id(&item));
    assert!(p.staff.get(&request).text().contains(&amend_url));
    let token = csrf_of(&p.staff.get(&amend_url).text());
    let mut f = fields(&token, "ประกาศรับสมัครอาสาสมัครสาธารณสุข", BODY, "submit");
    f.push(("summary", SUMMARY));
    f.push(("note", "เผยแพร่อีกครั้งหลังตรวจสอบคุณสมบัติผู้สมัครแล้ว"));
    let sent = p.staff.post_multipart(&amend_url, &f, &[]);
    assert_eq!(sent.status, 303, "{}", sent.text());
    let amendment = location(&sent);
    assert_eq!(server.get(&format!("{item}?still")).status, 410, "410 while withdrawn");
    p.approve(&amendment);
    p.publish(&amendment, "ประกาศรับสมัครอาสาสมัครสาธารณสุข", SUMMARY, &prakat::thai::today().to_string());
    let back = server.get(&format!("{item}?back"));
    assert_eq!(back.status, 200);
    assert!(back.text().contains("เผยแพร่อีกครั้งหลังตรวจสอบคุณสมบัติผู้สมัครแล้ว"));
}

#[test]
fn a_scheduled_item_says_when_and_answers_404_until_then() {
    let server = Server::demo();
    let p = People::of(&server);
    let token = csrf_of(&p.staff.get("/staff/requests/new").text());
    let created =
        p.staff.post_multipart("/staff/requests", &fields(&token, "ประกาศวันหยุดราชการ", BODY, "submit"), &[]);
    let request = location(&created);
    p.approve(&request);
    let tomorrow = prakat::thai::today().tomorrow().unwrap().to_string();
    p.publish(&request, "ประกาศวันหยุดราชการ", SUMMARY, &tomorrow);
    let page = p.staff.get(&request).text();
    assert!(page.contains("กำหนดเผยแพร่"), "{page}");
    assert!(!page.contains("state-published"), "not shown as published yet");
    assert!(page.contains("เผยแพร่จริงตั้งแต่"), "actual dates shown");
    let item = href(&page, "/items/");
    assert_eq!(server.get(&item).status, 404);
    // The notice says when it goes live, and the dashboard's list says it is scheduled.
    let dashboard = p.staff.get("/staff").text();
    assert!(dashboard.contains("กำหนดเผยแพร่บนเว็บไซต์วันที่"));
    assert!(dashboard.contains("state-scheduled"), "the list shows it as scheduled");
    // Two days later (the debug build's movable clock), it is online.
    std::fs::write(server.data.join("test-clock-offset"), (2 * 86_400).to_string()).unwrap();
    assert_eq!(server.get(&format!("{item}?later")).status, 200);
    assert!(!p.staff.get(&request).text().contains("กำหนดเผยแพร่ "));
}

#[test]
fn a_verbal_approval_of_an_amendment_stays_flagged_until_confirmed() {
    let server = Server::demo();
    let p = People::of(&server);
    let (_, item) = p.published("แจ้งเตือนค่าฝุ่น PM2.5", &[]);
    let amend_url = format!("/staff/items/{}/amend", item_id(&item));
    let token = csrf_of(&p.staff.get(&amend_url).text());
    let mut f = fields(&token, "แจ้งเตือนค่าฝุ่น PM2.5 เกินมาตรฐาน", BODY, "submit");
    f.push(("summary", SUMMARY));
    f.push(("note", "ค่าฝุ่นเกินมาตรฐาน ปรับหัวข้อให้ชัดเจน"));
    let amendment = location(&p.staff.post_multipart(&amend_url, &f, &[]));
    let form = p.webmaster.get(&format!("{amendment}/publish?verbal=1")).text();
    let token = csrf_of(&form);
    let today = prakat::thai::today().to_string();
    let mut fields = publish_fields(&token, "แจ้งเตือนค่าฝุ่น PM2.5 เกินมาตรฐาน", SUMMARY, &today);
    fields.extend([
        ("verbal", "1"),
        ("verbal_on", today.as_str()),
        ("verbal_by", "นายวีระพงษ์ ทองมา (โทรศัพท์)"),
    ]);
    let published = p.webmaster.post(&format!("{amendment}/publish"), &fields);
    assert_eq!(published.status, 303, "{}", published.text());
    assert!(server.get(&item).text().contains("เกินมาตรฐาน"));
    let page = p.head.get(&amendment).text();
    assert!(page.contains("อนุมัติด้วยวาจา — รอยืนยัน"));
    assert!(p.head.get("/staff").text().contains("รอยืนยันในระบบ"));
    let token = csrf_of(&page);
    assert_eq!(p.head.post(&format!("{amendment}/confirm"), &[("csrf", &token)]).status, 303);
    assert!(!p.head.get(&amendment).text().contains("อนุมัติด้วยวาจา — รอยืนยัน"));
}

#[test]
fn an_expired_item_cannot_be_amended_and_others_may_not_amend() {
    let server = Server::demo();
    let p = People::of(&server);
    let token = csrf_of(&p.staff.get("/staff/requests/new").text());
    let created = p.staff.post_multipart(
        "/staff/requests",
        &fields(&token, "ประกาศรับฟังความคิดเห็น", BODY, "submit"),
        &[],
    );
    let request = location(&created);
    p.approve(&request);
    let token = csrf_of(&p.webmaster.get(&format!("{request}/publish")).text());
    let today = prakat::thai::today().to_string();
    let mut f = publish_fields(&token, "ประกาศรับฟังความคิดเห็น", SUMMARY, &today);
    f.retain(|(k, _)| *k != "end_date");
    f.push(("end_date", today.as_str()));
    assert_eq!(p.webmaster.post(&format!("{request}/publish"), &f).status, 303);
    let item = href(&p.staff.get(&request).text(), "/items/");
    let amend_url = format!("/staff/items/{}/amend", item_id(&item));
    assert_eq!(p.staff.get(&amend_url).status, 200);
    // The approver is neither the owner nor a web master.
    assert_eq!(p.head.get(&amend_url).status, 403);
    // An amendment sent and approved before the end date…
    let token = csrf_of(&p.staff.get(&amend_url).text());
    let mut f = fields(&token, "ประกาศรับฟังความคิดเห็น (ขยายเวลา)", BODY, "submit");
    f.retain(|(k, _)| *k != "no_end");
    f.retain(|(k, _)| *k != "end_date");
    f.push(("end_date", today.as_str()));
    f.push(("summary", SUMMARY));
    f.push(("note", "ขยายเวลารับฟังความคิดเห็น"));
    let sent = p.staff.post_multipart(&amend_url, &f, &[]);
    assert_eq!(sent.status, 303, "{}", sent.text());
    let amendment = location(&sent);
    p.approve(&amendment);
    // Two days later the item has expired: refused with the reason, for the owner and the
    // web master alike.
    std::fs::write(server.data.join("test-clock-offset"), (2 * 86_400).to_string()).unwrap();
    for who in [&p.staff, &p.webmaster] {
        let refused = who.get(&amend_url);
        assert_eq!(refused.status, 403);
        let html = refused.text();
        assert!(html.contains("หมดระยะเวลาเผยแพร่") && html.contains("ยื่นคำขอเผยแพร่ใหม่"), "{html}");
    }
    // …cannot bring it back when published after it expired.
    assert_eq!(p.webmaster.get(&format!("{amendment}/publish")).status, 403);
    let token = csrf_of(&p.webmaster.get(&amendment).text());
    let late = p.webmaster.post(
        &format!("{amendment}/publish"),
        &publish_fields(
            &token,
            "ประกาศรับฟังความคิดเห็น (ขยายเวลา)",
            SUMMARY,
            &prakat::thai::today().to_string(),
        ),
    );
    assert_eq!(late.status, 403, "{}", late.text());
    assert!(late.text().contains("หมดระยะเวลาเผยแพร่แล้ว"));
    assert_eq!(server.get(&format!("{item}?late")).status, 410);
}

#[test]
fn a_rejected_amendment_is_edited_with_its_note_and_sent_again() {
    let server = Server::demo();
    let p = People::of(&server);
    let (_, item) = p.published("ประกาศผลการคัดเลือก", &[]);
    let amend_url = format!("/staff/items/{}/amend", item_id(&item));
    let token = csrf_of(&p.staff.get(&amend_url).text());
    let mut f = fields(&token, "ประกาศผลการคัดเลือก (แก้ไข)", BODY, "submit");
    f.push(("summary", SUMMARY));
    f.push(("note", "แก้ชื่อเรื่อง"));
    let amendment = location(&p.staff.post_multipart(&amend_url, &f, &[]));
    let token = csrf_of(&p.head.get(&amendment).text());
    let rejected =
        p.head.post(&format!("{amendment}/reject"), &[("csrf", &token), ("reason", "กรุณาระบุเหตุผลให้ชัดเจน")]);
    assert_eq!(rejected.status, 303);
    // Rejected, it no longer blocks the item; its owner edits it, note included.
    let edit = p.staff.get(&format!("{amendment}/edit"));
    assert_eq!(edit.status, 200);
    let edit = edit.text();
    assert!(edit.contains("แก้ชื่อเรื่อง"), "the note is on the edit form");
    let token = csrf_of(&edit);
    // Edited back to the version online, it changes nothing: refused in Thai, as when made.
    let mut same = fields(&token, "ประกาศผลการคัดเลือก", BODY, "submit");
    same.push(("summary", SUMMARY));
    same.push(("note", "ไม่แก้อะไร"));
    let refused = p.staff.post_multipart(&amendment, &same, &[]);
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(refused.text().contains("ไม่ได้เปลี่ยนแปลงสิ่งใด"));
    assert!(p.staff.get(&amendment).text().contains("ไม่อนุมัติ"), "still rejected, nothing saved");
    let mut f = fields(&token, "ประกาศผลการคัดเลือก (แก้ไข)", BODY, "submit");
    f.push(("summary", SUMMARY));
    f.push(("note", "แก้ชื่อเรื่องให้ตรงกับคำสั่งแต่งตั้งคณะกรรมการ"));
    let resent = p.staff.post_multipart(&amendment, &f, &[]);
    assert_eq!(resent.status, 303, "{}", resent.text());
    let page = p.staff.get(&amendment).text();
    assert!(page.contains("รออนุมัติ") && page.contains("แก้ชื่อเรื่องให้ตรงกับคำสั่งแต่งตั้งคณะกรรมการ"));
    // Now it is open again: a second amendment is refused with a link to it.
    let again = p.webmaster.get(&amend_url);
    assert_eq!(again.status, 409);
    assert!(again.text().contains(&format!("href=\"{amendment}\"")));
}

#[test]
fn a_web_master_amends_content_published_before_revisions_were_kept() {
    let server = Server::demo();
    let p = People::of(&server);
    let item = common::item_links(&server.get("/c/news/general").text())[0].clone();
    let amend_url = format!("/staff/items/{}/amend", item_id(&item));
    // Demo content was stored directly (no revision yet). An approver who does not own it may
    // not amend it; a web master may.
    assert_eq!(p.head.get(&amend_url).status, 403);
    let form = p.webmaster.get(&amend_url);
    assert_eq!(form.status, 200, "{}", form.text());
    let form = form.text();
    let title = form[form.find("id=\"f-topic\"").unwrap()..]
        .split("value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let token = csrf_of(&form);
    let new_title = format!("{title} (ฉบับปรับปรุง)");
    let mut f = fields(&token, &new_title, "เนื้อหาที่ปรับปรุงแล้ว", "submit");
    f.retain(|(k, _)| *k != "category");
    let category = form[form.find("<option value=\"").unwrap()..]
        .split("selected")
        .next()
        .unwrap()
        .rsplit("value=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    f.push(("category", &category));
    f.push(("note", "ปรับปรุงเนื้อหาให้เป็นปัจจุบัน"));
    let sent = p.webmaster.post_multipart(&amend_url, &f, &[]);
    assert_eq!(sent.status, 303, "{}", sent.text());
    let amendment = location(&sent);
    p.approve(&amendment);
    let form = p.webmaster.get(&format!("{amendment}/publish")).text();
    let token = csrf_of(&form);
    let today = prakat::thai::today().to_string();
    let mut pf = publish_fields(&token, &new_title, "", &today);
    pf.retain(|(k, _)| *k != "category");
    pf.push(("category", &category));
    let published = p.webmaster.post(&format!("{amendment}/publish"), &pf);
    assert_eq!(published.status, 303, "{}", published.text());
    let html = server.get(&format!("{item}?v2")).text();
    assert!(html.contains("(ฉบับปรับปรุง)") && html.contains("ปรับปรุงเนื้อหาให้เป็นปัจจุบัน"));
    // Its content before the amendment was kept as revision 1.
    let revisions = p.webmaster.get(&format!("/staff/items/{}/revisions", item_id(&item))).text();
    assert!(revisions.contains(&title) && revisions.contains("เผยแพร่ครั้งแรก"), "{revisions}");
}

fn db(server: &Server) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        server.data.join("prakat.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

/// The item's compliance tags as `scheme|code`, sorted.
fn tags_of(server: &Server, item: &str) -> Vec<String> {
    let conn = db(server);
    let mut tags: Vec<String> = conn
        .prepare("SELECT scheme || '|' || code FROM compliance_tags WHERE item_id = ?1")
        .unwrap()
        .query_map([item_id(item)], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tags.sort();
    tags
}

#[test]
fn a_scheduled_amendment_waits_for_its_date_and_brings_its_tags_and_flag() {
    let server = Server::demo();
    let p = People::of(&server);
    let today = prakat::thai::today();
    let fy = prakat::thai::fiscal_year(today).to_string();
    // Published today, covering no period, with two compliance tags.
    let token = csrf_of(&p.staff.get("/staff/requests/new").text());
    let created = p.staff.post_multipart("/staff/requests", &fields(&token, TITLE, BODY, "submit"), &[]);
    let request = location(&created);
    p.approve(&request);
    let token = csrf_of(&p.webmaster.get(&format!("{request}/publish")).text());
    let today_s = today.to_string();
    let mut pf = publish_fields(&token, TITLE, SUMMARY, &today_s);
    pf.extend([("tag_year", fy.as_str()), ("tag_period", ""), ("tags", "MOIT|MOIT 21"), ("tags", "ITA|O23")]);
    let published = p.webmaster.post(&format!("{request}/publish"), &pf);
    assert_eq!(published.status, 303, "{}", published.text());
    let item = href(&p.staff.get(&request).text(), "/items/");
    assert_eq!(tags_of(&server, &item), ["ITA|O23", "MOIT|MOIT 21"]);

    // An amendment, approved, published for tomorrow: one tag unticked, the flag cleared.
    let amend_url = format!("/staff/items/{}/amend", item_id(&item));
    let token = csrf_of(&p.staff.get(&amend_url).text());
    let new_title = "ประกาศประกวดราคาซื้อครุภัณฑ์การแพทย์ (เลื่อนวันยื่นซอง)";
    let mut f = fields(&token, new_title, BODY, "submit");
    f.push(("summary", SUMMARY));
    f.push(("note", "เลื่อนวันยื่นซองเสนอราคา"));
    let amendment = location(&p.staff.post_multipart(&amend_url, &f, &[]));
    p.approve(&amendment);
    let form = p.webmaster.get(&format!("{amendment}/publish")).text();
    assert!(
        form.contains("value=\"MOIT|MOIT 21\" checked") && form.contains("value=\"ITA|O23\" checked"),
        "the amendment's publish form starts from the item's tags"
    );
    let token = csrf_of(&form);
    let tomorrow = today.tomorrow().unwrap().to_string();
    let mut pf = publish_fields(&token, new_title, SUMMARY, &tomorrow);
    // The notice now covers a period instead of none.
    pf.retain(|(k, _)| *k != "timeless" && *k != "period_from");
    pf.extend([
        ("period_from", today_s.as_str()),
        ("tag_year", fy.as_str()),
        ("tag_period", ""),
        ("tags", "ITA|O23"),
    ]);
    let published = p.webmaster.post(&format!("{amendment}/publish"), &pf);
    assert_eq!(published.status, 303, "{}", published.text());

    // Until the date: scheduled for staff and the requester; the version online untouched.
    let page = p.staff.get(&amendment).text();
    assert!(page.contains("กำหนดเผยแพร่"), "{page}");
    assert!(!page.contains("state-published"), "not shown as published yet");
    assert!(p.staff.get("/staff").text().contains("กำหนดเผยแพร่วันที่"), "the notice says when");
    let html = server.get(&format!("{item}?before")).text();
    assert!(html.contains(TITLE) && !html.contains("เลื่อนวันยื่นซอง"), "the live version stays");
    assert_eq!(tags_of(&server, &item), ["ITA|O23", "MOIT|MOIT 21"], "tags stay until the date");
    let revisions = p.staff.get(&format!("/staff/items/{}/revisions", item_id(&item))).text();
    assert!(revisions.contains("state-scheduled"), "{revisions}");
    assert_eq!(p.webmaster.get(&amend_url).status, 409, "one amendment at a time, pending included");
    assert!(!p.staff.get(&request).text().contains("มีฉบับแก้ไขแทนแล้ว"), "not superseded yet");

    // Two days later (the debug build's movable clock) the scheduler puts it online.
    std::fs::write(server.data.join("test-clock-offset"), (2 * 86_400).to_string()).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(40);
    let mut n = 0;
    loop {
        n += 1;
        let html = server.get(&format!("{item}?after{n}")).text();
        if html.contains("เลื่อนวันยื่นซอง") {
            assert!(html.contains("ปรับปรุงล่าสุด") && html.contains("เลื่อนวันยื่นซองเสนอราคา"));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the amendment did not go live: {html}");
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    assert_eq!(tags_of(&server, &item), ["ITA|O23"], "an unticked tag is removed");
    let conn = db(&server);
    let flags: Vec<(i64, bool, bool)> = conn
        .prepare("SELECT number, timeless, pending FROM item_revisions WHERE item_id = ?1 ORDER BY number")
        .unwrap()
        .query_map([item_id(&item)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(flags, [(1, true, false), (2, false, false)], "each revision records its flag");
    let timeless: bool =
        conn.query_row("SELECT timeless FROM items WHERE id = ?1", [item_id(&item)], |r| r.get(0)).unwrap();
    assert!(!timeless, "the amendment cleared the flag");
    assert!(p.staff.get(&request).text().contains("มีฉบับแก้ไขแทนแล้ว"), "superseded once online");
    assert!(!p.staff.get(&amendment).text().contains("กำหนดเผยแพร่ "), "no longer scheduled");
    assert!(p.staff.get("/staff").text().contains("ที่กำหนดไว้ เผยแพร่แล้วที่"), "the requester is told");
}

#[test]
fn a_scheduled_amendment_withdrawn_before_its_date_never_goes_live() {
    let server = Server::demo();
    let p = People::of(&server);
    let (_, item) = p.published("ประกาศรับสมัครลูกจ้างชั่วคราว", &[]);
    let amend_url = format!("/staff/items/{}/amend", item_id(&item));
    let token = csrf_of(&p.staff.get(&amend_url).text());
    let mut f = fields(&token, "ประกาศรับสมัครลูกจ้างชั่วคราว (ขยายเวลา)", BODY, "submit");
    f.push(("summary", SUMMARY));
    f.push(("note", "ขยายเวลารับสมัคร"));
    let amendment = location(&p.staff.post_multipart(&amend_url, &f, &[]));
    p.approve(&amendment);
    let tomorrow = prakat::thai::today().tomorrow().unwrap().to_string();
    p.publish(&amendment, "ประกาศรับสมัครลูกจ้างชั่วคราว (ขยายเวลา)", SUMMARY, &tomorrow);
    assert!(p.staff.get(&amendment).text().contains("กำหนดเผยแพร่"));
    // The web master withdraws the amendment before its date: the version online stays.
    let token = csrf_of(&p.webmaster.get(&amendment).text());
    let withdrawn = p
        .webmaster
        .post(&format!("{amendment}/withdraw"), &[("csrf", &token), ("reason", "ยกเลิกการขยายเวลา")]);
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.text());
    assert_eq!(server.get(&format!("{item}?kept")).status, 200, "the item stays online");
    let pending: i64 = db(&server)
        .query_row("SELECT count(*) FROM item_revisions WHERE pending = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pending, 0, "the scheduled revision is cancelled");
    assert_eq!(p.staff.get(&amend_url).status, 200, "a new amendment may be made");
    // After its date nothing changes.
    std::fs::write(server.data.join("test-clock-offset"), (2 * 86_400).to_string()).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(6));
    let html = server.get(&format!("{item}?later")).text();
    assert!(!html.contains("(ขยายเวลา)"), "the withdrawn amendment never went live");
}

#[test]
fn withdrawing_the_live_item_cancels_its_scheduled_amendment() {
    const AMEND_BUTTON: &str = ">ขอแก้ไขข้อมูลที่เผยแพร่</a>";
    let server = Server::demo();
    let p = People::of(&server);
    let title = "ประกาศผลการคัดเลือกพนักงานราชการ";
    let (request, item) = p.published(title, &[]);
    assert!(p.staff.get(&request).text().contains(AMEND_BUTTON), "amendable at first");
    let amend_url = format!("/staff/items/{}/amend", item_id(&item));
    let token = csrf_of(&p.staff.get(&amend_url).text());
    let new_title = "ประกาศผลการคัดเลือกพนักงานราชการ (แก้ไขรายชื่อ)";
    let mut f = fields(&token, new_title, BODY, "submit");
    f.push(("summary", SUMMARY));
    f.push(("note", "แก้ไขรายชื่อผู้ผ่านการคัดเลือก"));
    let amendment = location(&p.staff.post_multipart(&amend_url, &f, &[]));
    let amendment_id = amendment.trim_start_matches("/staff/requests/").to_owned();

    // While the amendment is open, the item's request page links to it instead of offering
    // a second one.
    let page = p.staff.get(&request).text();
    assert!(!page.contains(AMEND_BUTTON), "no second amendment while one is open");
    assert!(page.contains(&format!("href=\"{amendment}\"")), "links to the open amendment: {page}");
    assert!(page.contains("เปิดคำขอแก้ไขที่ค้างอยู่"));

    p.approve(&amendment);
    let tomorrow = prakat::thai::today().tomorrow().unwrap().to_string();
    p.publish(&amendment, new_title, SUMMARY, &tomorrow);
    assert!(p.staff.get(&amendment).text().contains("กำหนดเผยแพร่"));
    // Pending: still no second amendment offered, on the item's page nor the web master's.
    for client in [&p.staff, &p.webmaster] {
        let page = client.get(&request).text();
        assert!(!page.contains(AMEND_BUTTON), "no amendment while one is pending");
        assert!(page.contains(&format!("href=\"{amendment}\"")), "links to the pending amendment");
    }
    // The pending amendment's own page offers neither.
    let own = p.staff.get(&amendment).text();
    assert!(!own.contains(AMEND_BUTTON) && !own.contains("เปิดคำขอแก้ไขที่ค้างอยู่"));

    // The web master withdraws the live item.
    let token = csrf_of(&p.webmaster.get(&request).text());
    let reason = "ประกาศผิดพลาดทั้งฉบับ";
    let withdrawn = p.webmaster.post(&format!("{request}/withdraw"), &[("csrf", &token), ("reason", reason)]);
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.text());
    assert_eq!(server.get(&format!("{item}?gone")).status, 410);

    // The pending amendment is cancelled: no pending revision, its request withdrawn, audited
    // under the web master with the reason, its requester told.
    let conn = db(&server);
    let pending: i64 =
        conn.query_row("SELECT count(*) FROM item_revisions WHERE pending = 1", [], |r| r.get(0)).unwrap();
    assert_eq!(pending, 0, "the scheduled revision is cancelled");
    let state: String =
        conn.query_row("SELECT state FROM requests WHERE id = ?1", [&amendment_id], |r| r.get(0)).unwrap();
    assert_eq!(state, "withdrawn");
    let (detail, user): (String, Option<i64>) = conn
        .query_row(
            "SELECT detail, user_id FROM audit WHERE action = 'request.cancel_pending' AND object = ?1",
            [format!("request/{amendment_id}")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(detail, reason);
    assert!(user.is_some(), "recorded under the person who withdrew the item");
    let page = p.staff.get(&amendment).text();
    assert!(page.contains("ยกเลิกฉบับแก้ไขที่รอเผยแพร่"), "the history says so: {page}");
    assert!(!page.contains("กำหนดเผยแพร่ "), "no longer scheduled");
    let inbox = p.staff.get("/staff").text();
    assert!(inbox.contains("ที่รอเผยแพร่ถูกยกเลิก") && inbox.contains(reason), "the requester is told");

    // The withdrawn item may be republished through a new amendment.
    assert!(p.staff.get(&request).text().contains(AMEND_BUTTON));
    assert_eq!(p.staff.get(&amend_url).status, 200);

    // After the date the scheduler does not bring it back.
    std::fs::write(server.data.join("test-clock-offset"), (2 * 86_400).to_string()).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(6));
    assert_eq!(server.get(&format!("{item}?later")).status, 410, "stays withdrawn");
}
