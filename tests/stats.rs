//! Visit statistics and the satisfaction survey: cookieless counting (bots left out), the
//! public statistics page and footer counter, admin charts and CSV; the survey stored once,
//! its results per fiscal year.

mod common;

use common::{Client, Server, get_with, item_links};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

fn token_of(html: &str) -> String {
    let pattern = "name=\"token\" value=\"";
    let at = html.find(pattern).expect("page has a form token") + pattern.len();
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

/// The numbers in the counters block of the statistics page: today, month, total.
fn counters(html: &str) -> Vec<u64> {
    let block = html.split("<ul class=\"counters\">").nth(1).unwrap().split("</ul>").next().unwrap();
    block.split("<strong>").skip(1).map(|s| s.split('<').next().unwrap().parse().unwrap()).collect()
}

#[test]
fn visits_are_counted_without_cookies_and_bots_are_not() {
    let server = Server::demo();
    let before = counters(&get_with(&server.url("/stats"), &[("User-Agent", GOOGLEBOT)]).text());
    assert_eq!(before[0], 0, "nothing counted today yet");
    assert!(before[2] > 0, "the demo has earlier days");
    let home = server.url("/");
    for _ in 0..3 {
        let reply = get_with(&home, &[("User-Agent", FIREFOX)]);
        assert!(reply.header("set-cookie").is_none(), "a cookie was set on a public page");
    }
    for _ in 0..2 {
        get_with(&home, &[("User-Agent", GOOGLEBOT)]);
    }
    let item = item_links(&server.get("/").text())[0].clone();
    get_with(&server.url(&item), &[("User-Agent", FIREFOX)]);
    get_with(&server.url("/assets/style.css"), &[("User-Agent", FIREFOX)]);

    let stats = get_with(&server.url("/stats"), &[("User-Agent", GOOGLEBOT)]).text();
    let after = counters(&stats);
    let added: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    assert_eq!(added, vec![4, 4, 4], "3 home pages and 1 item by a person");
    assert!(stats.contains(&format!("href=\"{item}\"")), "most-read item missing");
    assert!(stats.contains("<svg"), "no chart");

    let admin = Client::logged_in(&server, "admin");
    let page = admin.get("/admin/stats");
    assert_eq!(page.status, 200);
    assert!(page.text().matches("<svg").count() >= 2, "charts by day and month");
    let csv = admin.get("/admin/stats.csv");
    assert_eq!(csv.status, 200);
    let text = csv.text();
    assert!(text.contains("day,page_views,unique_visitors"));
    let today = prakat::thai::today().to_string();
    assert!(text.lines().any(|l| l == format!("{today},4,1")), "{text}");
    assert_eq!(Client::logged_in(&server, "staff").get("/admin/stats").status, 403);
}

#[test]
fn the_survey_is_stored_once_and_its_results_are_public() {
    let server = Server::demo();
    let citizen = Client::new(&server);
    let answered = |html: &str| -> u64 {
        html.split("จากผู้ตอบ ").nth(1).map_or(0, |rest| rest.split(' ').next().unwrap().parse().unwrap())
    };
    let before = answered(&citizen.get("/survey/results").text());
    let last_year = prakat::thai::fiscal_year(prakat::thai::today()) - 1;
    assert!(citizen.get(&format!("/survey/results?fy={last_year}")).text().contains("ยังไม่มีผู้ตอบ"));
    let form = citizen.get("/survey").text();
    let token = token_of(&form);
    let bad = citizen.post("/survey", &[("token", &token), ("content", "5")]);
    assert_eq!(bad.status, 422);
    assert!(bad.text().contains("ความง่ายในการค้นหาและใช้งาน: กรุณาเลือกระดับความพึงพอใจ"));
    assert!(bad.text().contains("value=\"5\" checked"), "choice not kept");
    let answer = [
        ("token", token.as_str()),
        ("content", "5"),
        ("ease", "4"),
        ("design", "4"),
        ("speed", "5"),
        ("overall", "4"),
        ("comment", "=cmd|' /C calc'!A0"),
    ];
    assert_eq!(citizen.post("/survey", &answer).status, 200);
    let again = citizen.post("/survey", &answer);
    assert_eq!(again.status, 409, "double submission stored");
    let results = citizen.get("/survey/results").text();
    assert_eq!(answered(&results), before + 1, "one answer stored");
    assert!(results.contains("<svg"), "distribution chart");
    let csv = Client::logged_in(&server, "admin").get("/admin/survey.csv").text();
    assert!(csv.contains(",5,4,4,5,4,'=cmd"), "formula not neutralised: {csv}");
}
