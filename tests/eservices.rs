//! e-Services end to end: a complaint with its tracking code and status page, answered and
//! closed by a web master; bad input re-displayed in Thai; the same form sent twice stored
//! once; forged forms refused; the Q&A shows only answered questions; complaint statistics.

mod common;

use common::{Client, Server, csrf_of};

/// The value of the hidden form token on a page.
fn token_of(html: &str) -> String {
    let pattern = "name=\"token\" value=\"";
    let at = html.find(pattern).expect("page has a form token") + pattern.len();
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

fn code_of(location: &str) -> String {
    location.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string()
}

#[test]
fn a_complaint_is_tracked_answered_and_closed() {
    let server = Server::demo();
    let citizen = Client::new(&server);
    let stats = server.get("/eservices/stats").text();
    assert!(stats.contains("ไม่มีเรื่องร้องเรียน"), "no complaints yet must be said");

    let form = citizen.get("/eservices/complaint");
    assert_eq!(form.status, 200);
    let html = form.text();
    assert!(html.contains("corruption / misconduct"), "corruption category missing");
    assert!(html.contains("ประกาศการคุ้มครองข้อมูลส่วนบุคคล") && html.contains("ระยะเวลาเก็บ"), "no PDPA notice");
    let token = token_of(&html);

    // Bad input: every field named in Thai, what was typed kept, tied to the field.
    let bad = citizen.post(
        "/eservices/complaint",
        &[("token", &token), ("subject", "เรื่อง <b>ทดสอบ</b>"), ("details", "สั้น")],
    );
    assert_eq!(bad.status, 422);
    let page = bad.text();
    for message in ["ประเภทเรื่อง:", "รายละเอียด:", "การคุ้มครองข้อมูลส่วนบุคคล:"]
    {
        assert!(page.contains(message), "missing {message}");
    }
    assert!(page.contains("value=\"เรื่อง &lt;b&gt;ทดสอบ&lt;/b&gt;\""), "typed subject not kept (escaped)");
    assert!(page.contains("aria-describedby=\"f-details-err\""), "error not tied to its field");

    let fields = [
        ("token", token.as_str()),
        ("category", "corruption"),
        ("subject", "เจ้าหน้าที่เรียกรับเงิน"),
        ("details", "มีการเรียกรับเงินค่าบริการโดยไม่มีใบเสร็จ เมื่อวันที่ ๑ ตุลาคม"),
        ("name", "นายสมชาย ใจดี"),
        ("contact", "0812345678"),
        ("pdpa", "yes"),
    ];
    let sent = citizen.post("/eservices/complaint", &fields);
    assert_eq!(sent.status, 303, "{}", sent.text());
    let location = sent.header("location").unwrap().to_string();
    let code = code_of(&location);
    assert!(code.starts_with("C-"), "{code}");
    let status = citizen.get(&location).text();
    assert!(status.contains(&code) && status.contains("รับเรื่องแล้ว"));
    assert!(!status.contains("0812345678"), "personal data shown on the public status page");

    // The same form again (double click, reload): nothing stored twice.
    let again = citizen.post("/eservices/complaint", &fields);
    assert_eq!(again.status, 409);
    assert!(again.text().contains("ถูกส่งไปแล้ว"));

    // A forged or stale token is refused and the form comes back.
    let mut forged = fields;
    forged[0].1 = "1.abc.def";
    let refused = citizen.post("/eservices/complaint", &forged);
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("แบบฟอร์มไม่สมบูรณ์"));

    // A corruption complaint is the complaints officer's and the director's alone: a web
    // master (IT staff) neither lists nor opens it.
    let web = Client::logged_in(&server, "complaints");
    let list = web.get("/staff/cases").text();
    assert!(list.contains(&code));
    let at = list[..list.find(&code).unwrap()].rfind("href=\"/staff/cases/").unwrap() + "href=\"".len();
    let link = list[at..at + list[at..].find('"').unwrap()].to_string();
    let webmaster = Client::logged_in(&server, "webmaster");
    assert!(!webmaster.get("/staff/cases").text().contains(&code));
    assert_eq!(webmaster.get(&link).status, 403);
    let director = Client::logged_in(&server, "director");
    assert!(director.get("/staff").text().contains("มีเรื่องร้องเรียนใหม่"), "the director was told");
    assert!(director.get(&link).text().contains("0812345678"));
    let case_page = web.get(&link).text();
    assert!(case_page.contains("0812345678"), "the officer sees the contact");
    // Every view of the sender's personal data is on the trail.
    let trail = Client::logged_in(&server, "admin").get("/admin/audit").text();
    assert!(trail.matches("เปิดดูข้อมูลส่วนบุคคลของผู้ส่งเรื่อง").count() >= 2);
    let csrf = csrf_of(&case_page);
    let no_answer = web.post(&link, &[("csrf", &csrf), ("status", "closed"), ("answer", "")]);
    assert_eq!(no_answer.status, 422);
    assert!(no_answer.text().contains("ต้องกรอกก่อนปิดเรื่อง"));
    let closed =
        web.post(&link, &[("csrf", &csrf), ("status", "closed"), ("answer", "ตรวจสอบแล้ว ดำเนินการทางวินัย")]);
    assert_eq!(closed.status, 303);
    let status = citizen.get(&format!("/track?code={code}")).text();
    assert!(status.contains("ดำเนินการแล้วเสร็จ") && status.contains("ดำเนินการทางวินัย"));

    // Staff without the role cannot answer.
    assert_eq!(Client::logged_in(&server, "staff").get("/staff/cases").status, 403);

    // The director decides who handles corruption cases: un-named, the officer loses them at once.
    let page = director.get("/staff/cases/officers").text();
    assert!(page.contains("นางสาวมาลัย ศรีสวัสดิ์") && page.contains("checked"));
    let token = csrf_of(&page);
    assert_eq!(director.post("/staff/cases/officers", &[("csrf", &token)]).status, 303);
    assert_eq!(web.get(&link).status, 403);
    assert_eq!(webmaster.get("/staff/cases/officers").status, 403);

    let stats = server.get("/eservices/stats").text();
    assert!(!stats.contains("id=\"no-complaints\""), "the complaint is counted");
    assert!(stats.contains("รับเรื่อง 1 เรื่อง"), "corruption count");
    assert_eq!(server.get("/track?code=C-2222-2222").status, 404);
}

#[test]
fn questions_appear_only_once_answered_and_info_requests_need_a_name() {
    let server = Server::demo();
    let citizen = Client::new(&server);
    let html = citizen.get("/eservices/question").text();
    assert!(!html.contains("name=\"name\""), "questions ask for no personal data");
    let token = token_of(&html);
    let sent = citizen.post(
        "/eservices/question",
        &[("token", &token), ("subject", "ฉีดวัคซีนไข้หวัดใหญ่ที่ไหน"), ("details", "ผู้สูงอายุฉีดวัคซีนได้ที่ใดบ้างครับ")],
    );
    assert_eq!(sent.status, 303);
    assert!(!citizen.get("/qa").text().contains("ฉีดวัคซีนไข้หวัดใหญ่ที่ไหน"), "unanswered question shown");
    let web = Client::logged_in(&server, "webmaster");
    let list = web.get("/staff/cases").text();
    let at = list.find("href=\"/staff/cases/").unwrap() + "href=\"".len();
    let link = list[at..at + list[at..].find('"').unwrap()].to_string();
    let csrf = csrf_of(&web.get(&link).text());
    let answered = web.post(
        &link,
        &[("csrf", &csrf), ("status", "closed"), ("answer", "ฉีดได้ที่ รพ.สต. ทุกแห่ง"), ("publish", "yes")],
    );
    assert_eq!(answered.status, 303);
    let qa = citizen.get("/qa").text();
    assert!(qa.contains("ฉีดวัคซีนไข้หวัดใหญ่ที่ไหน") && qa.contains("ฉีดได้ที่ รพ.สต. ทุกแห่ง"));

    let html = citizen.get("/eservices/info").text();
    let token = token_of(&html);
    let bad = citizen.post(
        "/eservices/info",
        &[
            ("token", &token),
            ("subject", "ขอสำเนาแผน"),
            ("details", "ขอสำเนาแผนปฏิบัติการ ปี 2569"),
            ("pdpa", "yes"),
        ],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.text().contains("ชื่อ-นามสกุล: คำขอข้อมูลข่าวสารต้องระบุชื่อผู้ขอ"));
}

#[test]
fn public_forms_are_rate_limited() {
    let server = Server::demo();
    let citizen = Client::new(&server);
    let statuses: Vec<u16> = (0..12)
        .map(|_| citizen.post("/eservices/question", &[("token", "x"), ("subject", "ถาม")]).status)
        .collect();
    assert!(statuses.contains(&429), "{statuses:?}");
}
