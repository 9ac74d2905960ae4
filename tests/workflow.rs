//! The publication workflow over HTTP, end to end, with the real binary: staff requests,
//! the approver rejects and then approves, the web master publishes, a visitor downloads.

mod common;

use common::{Client, Server, csrf_of};

const PDF: &[u8] = include_bytes!("../assets/demo/files/request-form.pdf");

fn location(reply: &common::Reply) -> String {
    reply
        .header("location")
        .unwrap_or_else(|| panic!("no redirect: {} {}", reply.status, reply.text()))
        .to_string()
}

/// The request form's fields, as a person would fill them.
fn request_fields<'a>(csrf: &'a str, topic: &'a str, intent: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("unit", "กลุ่มงานควบคุมโรคติดต่อ"),
        ("request_date", "2026-11-20"),
        ("topic", topic),
        (
            "details",
            "ขอเผยแพร่ประกาศรณรงค์ป้องกันโรคไข้เลือดออกในชุมชนช่วงฤดูฝน\n\nประชาชนควรกำจัดแหล่งเพาะพันธุ์ยุงลายทุกสัปดาห์",
        ),
        ("link", "https://ddc.moph.go.th/"),
        ("remarks", "เร่งด่วน"),
        ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
        ("requester_position", "นักวิชาการเงินและบัญชี"),
        ("requester_contact", "042 812665"),
        ("category", "news/alerts"),
        ("period_from", "2026-11-01"),
        ("period_to", "2027-01-31"),
        ("end_date", ""),
        ("no_end", "on"),
        ("intent", intent),
    ]
}

fn request_id(location: &str) -> String {
    location.trim_start_matches("/staff/requests/").to_string()
}

#[test]
fn request_reject_resubmit_approve_publish_download_withdraw() {
    let server = Server::demo();
    let staff = Client::logged_in(&server, "staff");
    let head = Client::logged_in(&server, "head");
    let webmaster = Client::logged_in(&server, "webmaster");

    // Staff fills the Thai form with a PDF and submits it.
    let form = staff.get("/staff/requests/new").text();
    assert!(form.contains("value=\"นางสาวณภาพัช สอนสุภาพ\""), "requester pre-filled from the account");
    let token = csrf_of(&form);
    let created = staff.post_multipart(
        "/staff/requests",
        &request_fields(&token, "ประกาศเตือนภัยไข้เลือดออก", "submit"),
        &[("files", "ประกาศไข้เลือดออก.pdf", PDF)],
    );
    assert_eq!(created.status, 303, "{}", created.text());
    let page_path = location(&created);
    let id = request_id(&page_path);
    let page = staff.get(&page_path).text();
    assert!(page.contains("รออนุมัติ"), "state is submitted");
    assert!(page.contains("ประกาศไข้เลือดออก.pdf"));
    let fy = prakat::thai::fiscal_year(prakat::thai::today());
    assert!(page.contains(&format!("{fy}/0001")), "reference number per fiscal year");

    // The approver was notified and sees it in the queue.
    let dash = head.get("/staff").text();
    assert!(dash.contains("ประกาศเตือนภัยไข้เลือดออก"));
    assert!(dash.contains("มีคำขอเผยแพร่ข้อมูลรออนุมัติ"));

    // Rejecting needs a reason.
    let token = csrf_of(&head.get(&page_path).text());
    let no_reason = head.post(&format!("{page_path}/reject"), &[("csrf", &token), ("reason", "  ")]);
    assert_eq!(no_reason.status, 403);
    assert!(no_reason.text().contains("เหตุผล"));
    let reason = "ไม่ตรงกับภารกิจของหน่วยงาน กรุณาระบุแหล่งที่มาของข้อมูล";
    let rejected = head.post(&format!("{page_path}/reject"), &[("csrf", &token), ("reason", reason)]);
    assert_eq!(rejected.status, 303);

    // Staff sees the reason, fixes the request and resubmits; the history is kept.
    let page = staff.get(&page_path).text();
    assert!(page.contains(reason), "requester sees the reason");
    assert!(page.contains("ไม่อนุมัติ"));
    let edit = staff.get(&format!("{page_path}/edit")).text();
    assert!(edit.contains("ประกาศเตือนภัยไข้เลือดออก"), "form comes back filled");
    let token = csrf_of(&edit);
    let resubmitted = staff.post_multipart(
        &page_path,
        &request_fields(&token, "ประกาศเตือนภัยไข้เลือดออก ฤดูฝน 2569 (แหล่งที่มา: กรมควบคุมโรค)", "submit"),
        &[],
    );
    assert_eq!(resubmitted.status, 303, "{}", resubmitted.text());
    let page = staff.get(&page_path).text();
    assert!(page.contains("รออนุมัติ"));
    assert!(page.contains("ไม่อนุมัติ") && page.contains("ส่งขออนุมัติ"), "history keeps the rejection");

    // The approver approves; the web master publishes with full metadata.
    let token = csrf_of(&head.get(&page_path).text());
    assert_eq!(head.post(&format!("{page_path}/approve"), &[("csrf", &token)]).status, 303);
    let publish_form = webmaster.get(&format!("{page_path}/publish"));
    assert_eq!(publish_form.status, 200);
    let publish_form = publish_form.text();
    let token = csrf_of(&publish_form);
    let today = prakat::thai::today().to_string();
    let published = webmaster.post(
        &format!("{page_path}/publish"),
        &[
            ("csrf", &token),
            ("category", "news/alerts"),
            ("title", "ประกาศเตือนภัยไข้เลือดออก ฤดูฝน 2569"),
            ("summary", "ขอให้ประชาชนกำจัดแหล่งเพาะพันธุ์ยุงลาย"),
            ("source", "กลุ่มงานควบคุมโรคติดต่อ"),
            ("period_from", "2026-11-01"),
            ("period_to", "2027-01-31"),
            ("publish_on", &today),
            ("end_date", ""),
        ],
    );
    assert_eq!(published.status, 303, "{}", published.text());
    let page = staff.get(&page_path).text();
    assert!(page.contains("เผยแพร่แล้ว"));
    let item = page[page.find("href=\"/items/").unwrap() + 6..].split('"').next().unwrap().to_string();

    // The requester is told where it is online (seed 2.1.3): the notice links to the item and
    // its text names no raw address.
    let inbox = staff.get("/staff").text();
    assert!(
        inbox.contains(&format!("<a href=\"{item}\">ข้อมูล")) && inbox.contains("เผยแพร่บนเว็บไซต์แล้ว"),
        "{inbox}"
    );
    assert!(!inbox.contains(&format!("แล้วที่ {item}")), "no raw address in the notice");

    // An anonymous visitor finds it and downloads the file byte for byte.
    let public = server.get(&item);
    assert_eq!(public.status, 200);
    let html = public.text();
    assert!(html.contains("ประกาศเตือนภัยไข้เลือดออก ฤดูฝน 2569"));
    assert!(html.contains("กลุ่มงานควบคุมโรคติดต่อ"));
    let file = html[html.find("href=\"/files/").unwrap() + 6..].split('"').next().unwrap().to_string();
    let download = server.get(&file);
    assert_eq!(download.header("content-type"), Some("application/pdf"));
    assert!(download.body == PDF, "downloaded file differs");
    assert!(server.get("/c/news/alerts").text().contains("ประกาศเตือนภัยไข้เลือดออก ฤดูฝน 2569"));

    // The official form is filled from the trail: requester, approver, web master.
    let print = staff.get(&format!("{page_path}/print")).text();
    for name in ["นางสาวณภาพัช สอนสุภาพ", "นายวีระพงษ์ ทองมา", "นายณัฐพล บุญมา"]
    {
        assert!(print.contains(name), "{name} missing from the printed form");
    }

    // The audit trail has every step and exports as CSV; staff may not read it.
    let csv = webmaster.get("/admin/audit.csv?action=request.").text();
    for action in ["request.submit", "request.reject", "request.approve", "request.publish"] {
        assert!(csv.contains(action), "{action} not in the audit CSV");
    }
    assert_eq!(staff.get("/admin/audit").status, 403);

    // Withdrawing takes it down; the public URL answers 410 in Thai.
    let token = csrf_of(&webmaster.get(&page_path).text());
    let withdrawn =
        webmaster.post(&format!("{page_path}/withdraw"), &[("csrf", &token), ("reason", "ข้อมูลไม่เป็นปัจจุบัน")]);
    assert_eq!(withdrawn.status, 303);
    let gone = server.get(&item);
    assert_eq!(gone.status, 410);
    assert!(gone.text().contains("สิ้นสุดการเผยแพร่"));
    assert_eq!(server.get(&file).status, 404);
    let _ = id;
}

#[test]
fn verbal_approval_is_flagged_until_confirmed() {
    let server = Server::demo();
    let staff = Client::logged_in(&server, "staff");
    let head = Client::logged_in(&server, "head");
    let webmaster = Client::logged_in(&server, "webmaster");
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let created =
        staff.post_multipart("/staff/requests", &request_fields(&token, "แจ้งเตือนด่วนฝุ่นPM2.5", "submit"), &[]);
    let page_path = location(&created);

    let form = webmaster.get(&format!("{page_path}/publish?verbal=1")).text();
    let token = csrf_of(&form);
    let today = prakat::thai::today().to_string();
    let mut fields = vec![
        ("csrf", token.as_str()),
        ("verbal", "1"),
        ("category", "news/alerts"),
        ("title", "แจ้งเตือนด่วนฝุ่นPM2.5"),
        ("summary", ""),
        ("source", "กลุ่มงานควบคุมโรคติดต่อ"),
        ("period_from", today.as_str()),
        ("period_to", ""),
        ("publish_on", today.as_str()),
        ("end_date", ""),
        ("verbal_on", today.as_str()),
        ("verbal_by", ""),
    ];
    // Without the approver's name the form comes back with a Thai message and what was typed.
    let refused = webmaster.post(&format!("{page_path}/publish"), &fields);
    assert_eq!(refused.status, 422);
    let html = refused.text();
    assert!(html.contains("ผู้อนุมัติด้วยวาจา: ต้องกรอกชื่อ"));
    assert!(html.contains("value=\"แจ้งเตือนด่วนฝุ่นPM2.5\""));
    fields.pop();
    fields.push(("verbal_by", "นายวีระพงษ์ ทองมา (โทรศัพท์)"));
    assert_eq!(webmaster.post(&format!("{page_path}/publish"), &fields).status, 303);

    let page = head.get(&page_path).text();
    assert!(page.contains("อนุมัติด้วยวาจา — รอยืนยัน"));
    assert!(head.get("/staff").text().contains("รอยืนยันในระบบ"));
    let token = csrf_of(&page);
    assert_eq!(head.post(&format!("{page_path}/confirm"), &[("csrf", &token)]).status, 303);
    assert!(!head.get(&page_path).text().contains("อนุมัติด้วยวาจา — รอยืนยัน"));
}
