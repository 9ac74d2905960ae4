//! The last partial rows of the seed: the time of publication (1.3) on item pages, listings,
//! feeds and the sitemap, and the period covered required at publish time (2.1.3, 3.2) unless
//! the information is not time-bound.

mod common;

use common::{Client, Server, csrf_of};

fn request(staff: &Client, topic: &str) -> String {
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let fields = [
        ("csrf", token.as_str()),
        ("unit", "กลุ่มงานบริหารทั่วไป"),
        ("request_date", "2026-11-20"),
        ("topic", topic),
        ("details", "ระเบียบว่าด้วยการใช้รถราชการของหน่วยงาน"),
        ("requester_name", "นางสาวณภาพัช สอนสุภาพ"),
        ("requester_position", "นักวิชาการเงินและบัญชี"),
        ("requester_contact", "042 812665"),
        ("category", "law/regulations"),
        ("no_end", "on"),
        ("intent", "submit"),
    ];
    let created = staff.post_multipart("/staff/requests", &fields, &[]);
    assert_eq!(created.status, 303, "{}", created.text());
    created.header("location").unwrap().to_string()
}

#[test]
fn period_required_unless_not_time_bound_and_the_time_is_shown() {
    let server = Server::demo();
    let (staff, head, web) = (
        Client::logged_in(&server, "staff"),
        Client::logged_in(&server, "head"),
        Client::logged_in(&server, "webmaster"),
    );
    let title = "ระเบียบสำนักงานว่าด้วยการใช้รถราชการ พ.ศ. 2569";
    let path = request(&staff, title);
    let token = csrf_of(&head.get(&path).text());
    assert_eq!(head.post(&format!("{path}/approve"), &[("csrf", &token)]).status, 303);

    let form = web.get(&format!("{path}/publish")).text();
    assert!(form.contains("ไม่จำกัดช่วงเวลา"), "the not-time-bound choice is offered");
    let token = csrf_of(&form);
    let today = prakat::thai::today().to_string();
    let mut fields = vec![
        ("csrf", token.as_str()),
        ("category", "law/regulations"),
        ("title", title),
        ("summary", "ระเบียบการใช้และดูแลรถราชการ"),
        ("source", "กลุ่มงานบริหารทั่วไป"),
        ("period_from", ""),
        ("period_to", ""),
        ("publish_on", today.as_str()),
        ("end_date", ""),
    ];
    // No period and not marked timeless: refused, naming the field, nothing lost.
    let refused = web.post(&format!("{path}/publish"), &fields);
    assert_eq!(refused.status, 422);
    let page = refused.text();
    assert!(page.contains("ช่วงวันที่ของข้อมูล (ตั้งแต่): ต้องเลือกวันที่"), "{page}");
    assert!(page.contains("ระเบียบการใช้และดูแลรถราชการ"), "what was typed comes back");
    assert!(web.get(&path).text().contains("อนุมัติแล้ว"), "still waiting to be published");

    // Not time-bound: published, and said so publicly.
    fields.push(("timeless", "1"));
    let published = web.post(&format!("{path}/publish"), &fields);
    assert_eq!(published.status, 303, "{}", published.text());
    let page = staff.get(&path).text();
    let item = page[page.find("href=\"/items/").unwrap() + 6..].split('"').next().unwrap().to_string();
    let public = server.get(&item).text();
    assert!(public.contains("ไม่จำกัดช่วงเวลา"), "{public}");
    // The date and time of publication, Bangkok, Buddhist Era (seed 1.3).
    let now = jiff::Timestamp::now();
    let shown = prakat::thai::datetime_long(now, prakat::thai::Digits::Arabic);
    let date_part = shown.split(" เวลา ").next().unwrap().to_string();
    assert!(public.contains("วันและเวลาที่เผยแพร่"));
    assert!(public.contains(&format!("{date_part} เวลา ")) && public.contains(" น.</time>"), "{public}");
    assert!(public.contains("+07:00\""), "machine-readable time with Bangkok's offset");
    let listing = server.get("/c/law/regulations").text();
    assert!(
        listing.contains(title) && listing.contains(&format!("{date_part} เวลา ")),
        "listing shows the time"
    );

    let feed = server.get("/feeds/all.xml").text();
    let entry = feed.split("<entry>").find(|e| e.contains(title)).expect("in the feed");
    assert!(entry.contains("<published>") && entry.contains("+07:00</published>"), "{entry}");
    assert!(entry.contains(&format!("เผยแพร่ {date_part} เวลา ")), "{entry}");
    let sitemap = server.get("/sitemap.xml").text();
    assert!(sitemap.contains(&format!("{item}</loc><lastmod>")), "sitemap lastmod");

    // Demo items without a period are listed for web masters to complete.
    let dashboard = web.get("/admin/compliance").text();
    assert!(dashboard.contains("ข้อมูลที่ยังไม่ระบุช่วงวันที่ของข้อมูล"), "{dashboard}");
    assert!(!dashboard.contains(title), "a timeless item is complete");
}
