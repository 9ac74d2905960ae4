//! Relevance of Thai search on the demo content, through the real server: queries a citizen
//! types (slips, compounds, abbreviations, digits, mixed scripts, a word too many, short
//! words), each with items that must be in the first five results and items that must not
//! appear at all. Prints the score; every query must pass.

mod common;

use common::Server;

/// One query: what is typed, titles (parts of) that must be in the top five, titles that must
/// not be found.
struct Case {
    q: &'static str,
    top5: &'static [&'static str],
    never: &'static [&'static str],
}

const fn case(q: &'static str, top5: &'static [&'static str], never: &'static [&'static str]) -> Case {
    Case { q, top5, never }
}

const FLU: &str = "เปิดให้บริการฉีดวัคซีนป้องกันโรคไข้หวัดใหญ่";
const DENGUE: &str = "สถานการณ์โรคไข้เลือดออก";
const DENGUE_EXPIRED: &str = "เตือนภัยไข้เลือดออกช่วงฤดูฝน";
const JOB: &str = "ประกาศรับสมัครบุคคลเพื่อเลือกสรร";
const JOB_EXPIRED: &str = "ตำแหน่งพนักงานขับรถยนต์";
const CERT: &str = "การขอรับใบรับรองแพทย์";
const RPST: &str = "โรงพยาบาลส่งเสริมสุขภาพตำบลนาอ้อ";
const PM25: &str = "ฝุ่น PM2.5 ช่วงฤดูแล้ง";
const PM25_EXPIRED: &str = "ค่าฝุ่น PM2.5 เกินมาตรฐาน";
const OIA_ACT: &str = "พระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540";
const SECTION7: &str = "ข้อมูลข่าวสารตามมาตรา 7";
const SATISFACTION: &str = "ผลการประเมินความพึงพอใจต่อเว็บไซต์";
const ITA: &str = "ผลการประเมินคุณธรรมและความโปร่งใส";
const BIDDING: &str = "ประกวดราคาซื้อวัสดุการแพทย์";
const WINNER: &str = "ประกาศผู้ชนะการเสนอราคา";
const PROC_PLAN: &str = "แผนการจัดซื้อจัดจ้าง ประจำปีงบประมาณ";
const PROC_SUMMARY: &str = "สรุปผลการดำเนินการจัดซื้อจัดจ้าง";
const PROC_RULES: &str = "ระเบียบกระทรวงการคลังว่าด้วยการจัดซื้อจัดจ้าง";
const VHV: &str = "ประชุมประจำเดือน อสม.";
const NHSO: &str = "สำนักงานหลักประกันสุขภาพแห่งชาติ";
const PHO: &str = "สำนักงานสาธารณสุขจังหวัดเลย";
const COMPLAINTS: &str = "ช่องทางร้องเรียนร้องทุกข์";
const FAMILY_DOCTOR: &str = "บริการนัดหมายคลินิกหมอครอบครัวออนไลน์";
const BEDRIDDEN_MANUAL: &str = "การเยี่ยมบ้านผู้ป่วยติดเตียงในชุมชน";
const BEDSORE: &str = "ต่อการเกิดแผลกดทับ";
const VISION: &str = "วิสัยทัศน์ พันธกิจ";
const HANDWASH: &str = "ล้างมือ 7 ขั้นตอน";
const STRUCTURE: &str = "โครงสร้างหน่วยงานและอัตรากำลัง";
const CIO: &str = "ผู้บริหารเทคโนโลยีสารสนเทศระดับสูง (CIO)";
const HDC: &str = "ระบบคลังข้อมูลสุขภาพ";
const CONTACT: &str = "ช่องทางการติดต่อสำนักงาน";
const WINTER: &str = "เตือนภัยสุขภาพช่วงฤดูหนาว";
const PRIVACY: &str = "นโยบายการคุ้มครองข้อมูลส่วนบุคคล";
const WEBMASTER: &str = "คำสั่งแต่งตั้งผู้ดูแลและบริหารจัดการเว็บไซต์";
const EPI: &str = "คลินิกวัคซีนเด็ก (EPI Clinic)";
const OUTREACH: &str = "รณรงค์ฉีดวัคซีนเชิงรุก";
const ACTION_PLAN: &str = "แผนปฏิบัติการ ประจำปีงบประมาณ";
const BUDGET: &str = "งบประมาณรายจ่ายประจำปีงบประมาณ";
const MOSQUITO: &str = "3 เก็บ ป้องกัน 3 โรค";

const CASES: &[Case] = &[
    // Compounds: the words are there, not next to each other, or the query runs them together.
    case("ฉีดวัคซีนไข้หวัดใหญ่", &[FLU], &[DENGUE]),
    case("วัคซีนไข้หวัดใหญ่", &[FLU, OUTREACH], &[DENGUE]),
    case("สมัครงาน", &[JOB], &[JOB_EXPIRED, PROC_PLAN]),
    case("รับสมัครงาน นักวิชาการ", &[JOB], &[]),
    case("เยี่ยมบ้านผู้ป่วย", &[BEDRIDDEN_MANUAL, BEDSORE], &[]),
    case("ผู้ป่วยติดเตียง", &[BEDRIDDEN_MANUAL, BEDSORE], &[]),
    case("คลินิกวัคซีนเด็ก", &[EPI], &[]),
    case("ล้างมือ 7 ขั้นตอน", &[HANDWASH], &[]),
    case("ไข้หวัดใหญ่ฤดูหนาว", &[WINTER], &[]),
    case("ระเบียบการจัดซื้อ", &[PROC_RULES], &[]),
    // Slips.
    case("ไข้เลือดอก", &[DENGUE], &[DENGUE_EXPIRED]),
    case("วักซีน", &[OUTREACH, EPI], &[]),
    case("ใบรับรองเเพทย์", &[CERT], &[]),
    case("ใบรับรองแพทย", &[CERT], &[]),
    case("โครงสร้าง หน่วยงาร", &[STRUCTURE], &[]),
    case("วิสัยทัศ", &[VISION], &[]),
    case("ความพึงพอไจ", &[SATISFACTION], &[]),
    case("สํานักงานหลักประกันสุขภาพ", &[NHSO], &[]),
    // Abbreviations and synonyms.
    case("รพ.สต.", &[RPST], &[]),
    case("รพสต นาอ้อ", &[RPST], &[]),
    case("พรบ ข้อมูลข่าวสาร", &[OIA_ACT, SECTION7], &[]),
    case("พ.ร.บ.ข้อมูลข่าวสาร", &[OIA_ACT], &[]),
    case("ITA", &[ITA], &[]),
    case("ความโปร่งใส", &[ITA], &[]),
    case("e-GP", &[BIDDING], &[]),
    case("อสม.", &[VHV], &[]),
    case("อสม", &[VHV], &[]),
    case("สปสช", &[NHSO], &[]),
    case("สสจ เลย", &[PHO], &[]),
    case("e-bidding", &[BIDDING, WINNER], &[]),
    case("คอร์รัปชัน", &[COMPLAINTS], &[]),
    case("ร้องทุกข์", &[COMPLAINTS], &[]),
    case("PDPA", &[PRIVACY], &[]),
    case("HDC", &[HDC], &[]),
    case("สขร.", &[PROC_SUMMARY], &[]),
    case("ระเบียบพัสดุ", &[PROC_RULES], &[]),
    // Digits, Thai and Arabic; dates with short month names.
    case("ไข้เลือดออก ๒๕๖๙", &[DENGUE], &[DENGUE_EXPIRED]),
    case("แผนปฏิบัติการ ๒๕๖๙", &[ACTION_PLAN], &[]),
    case("ก.พ. 2569", &[PROC_SUMMARY], &[]),
    case("กุมภาพันธ์ ๒๕๖๙", &[PROC_SUMMARY], &[]),
    // Mixed scripts, case.
    case("ฝุ่นPM2.5", &[PM25], &[PM25_EXPIRED]),
    case("pm 2.5", &[PM25], &[]),
    case("cio", &[CIO], &[]),
    case("Health Data Center", &[HDC], &[]),
    case("วัคซีนMMR", &[OUTREACH], &[]),
    case("web master", &[WEBMASTER], &[]),
    // A word too many.
    case("ผลประเมินความพึงพอใจ", &[SATISFACTION], &[]),
    case("นัดหมายหมอออนไลน์", &[FAMILY_DOCTOR], &[]),
    case("เบอร์โทรติดต่อสำนักงาน", &[CONTACT], &[]),
    case("งบประมาณรายจ่ายประจำปี อำเภอ", &[BUDGET], &[]),
    case("ประกาศผู้ชนะ ราคาต่ำสุด", &[WINNER], &[]),
    // Short words are whole words.
    case("ยา", &[MOSQUITO], &[RPST, PROC_RULES]),
    case("รพ", &[RPST], &[PROC_RULES]),
    case("ตำ", &[], &[RPST, OUTREACH]),
    case("ปี", &[], &[VISION]),
];

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The titles of the results, in order, without markup.
fn titles(html: &str) -> Vec<String> {
    html.split("class=\"title\" href=\"/items/")
        .skip(1)
        .map(|part| {
            let inner = part.split_once('>').map_or("", |(_, rest)| rest);
            let inner = inner.split("</a>").next().unwrap_or("");
            inner.replace("<mark>", "").replace("</mark>", "").replace("&amp;", "&")
        })
        .collect()
}

#[test]
fn thai_search_finds_what_citizens_mean() {
    assert!(CASES.len() >= 40);
    // The demo site, with the loopback trusted as a proxy, so that each query can come from
    // its own address (searches are rate-limited per address).
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    drop(Server::start(&data, &["--demo"]));
    let settings = data.join("prakat.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    assert!(text.contains("trusted_proxies = []"));
    std::fs::write(&settings, text.replace("trusted_proxies = []", "trusted_proxies = [\"127.0.0.1/32\"]"))
        .unwrap();
    let server = Server::start(&data, &[]);
    let mut passed = 0;
    let mut failures = Vec::new();
    for (n, c) in CASES.iter().enumerate() {
        // Each query from its own address: the search rate limit is per address.
        let reply = common::get_with(
            &server.url(&format!("/search?q={}", enc(c.q))),
            &[("X-Forwarded-For", &format!("10.7.{}.{}", n / 200, n % 200 + 1))],
        );
        assert_eq!(reply.status, 200, "{}", c.q);
        let all = titles(&reply.text());
        let top: Vec<&String> = all.iter().take(5).collect();
        let missing: Vec<&&str> =
            c.top5.iter().filter(|want| !top.iter().any(|t| t.contains(**want))).collect();
        let unwanted: Vec<&&str> =
            c.never.iter().filter(|bad| all.iter().any(|t| t.contains(**bad))).collect();
        if missing.is_empty() && unwanted.is_empty() {
            passed += 1;
        } else {
            failures
                .push(format!("{}: missing from top 5 {missing:?}, found {unwanted:?}; got {top:?}", c.q));
        }
    }
    println!("relevance: {passed}/{} queries pass", CASES.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
