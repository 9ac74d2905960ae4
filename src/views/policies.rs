//! Policy pages the Government Website Standard asks for (website, privacy, cookie, security
//! policies and the accessibility statement), with Thai defaults that admins can edit.

use maud::{Markup, html};

use super::forms::{self, Input, Problem};
use super::layout::page;
use super::staff::{Bar, staff_page};
use super::{Chrome, Crumb, text};

/// One policy page.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// URL segment: `/policy/{slug}`.
    pub slug: &'static str,
    /// Thai title.
    pub title_th: &'static str,
    /// English title.
    pub title_en: &'static str,
    /// Default text (plain text; blank lines separate paragraphs, `- ` starts a list item);
    /// `{office}` becomes the office's name.
    pub default: &'static str,
}

/// Every policy page, in footer order.
pub const PAGES: &[Policy] = &[
    Policy {
        slug: "website",
        title_th: "นโยบายเว็บไซต์",
        title_en: "Website policy",
        default: "เว็บไซต์นี้จัดทำโดย{office} เพื่อเผยแพร่ข้อมูลข่าวสารของราชการตามพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. ๒๕๔๐ และมาตรฐานเว็บไซต์ภาครัฐ\n\nข้อมูลทุกรายการผ่านการขออนุมัติเผยแพร่ตามแนวทางการเผยแพร่ข้อมูลต่อสาธารณะผ่านเว็บไซต์ของหน่วยงาน โดยแสดงแหล่งที่มา วันที่เผยแพร่ และช่วงเวลาของข้อมูลกำกับไว้ และนำลงเมื่อครบกำหนดเวลาเผยแพร่\n\nท่านสามารถนำข้อมูลไปใช้ได้โดยอ้างอิงแหล่งที่มา หากพบข้อมูลไม่ถูกต้อง กรุณาแจ้งผ่านช่องทางร้องเรียนหรือติดต่อหน่วยงาน",
    },
    Policy {
        slug: "privacy",
        title_th: "นโยบายคุ้มครองข้อมูลส่วนบุคคล",
        title_en: "Privacy policy",
        default: "{office} ให้ความสำคัญกับการคุ้มครองข้อมูลส่วนบุคคลตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. ๒๕๖๒\n\nข้อมูลที่เก็บ:\n- การเข้าชมเว็บไซต์: นับจำนวนโดยไม่ใช้คุกกี้และไม่เก็บข้อมูลที่ระบุตัวบุคคล\n- แบบฟอร์มร้องเรียนและคำขอข้อมูลข่าวสาร: ชื่อและช่องทางติดต่อกลับ เพื่อดำเนินการและแจ้งผลเท่านั้น\n- แบบประเมินความพึงพอใจ: ไม่เก็บข้อมูลส่วนบุคคล\n- บันทึกการใช้งานระบบคอมพิวเตอร์ (traffic log): เก็บไม่น้อยกว่า ๙๐ วันตามพระราชบัญญัติว่าด้วยการกระทำความผิดเกี่ยวกับคอมพิวเตอร์\n\nฐานทางกฎหมาย: การปฏิบัติหน้าที่ในการดำเนินภารกิจเพื่อประโยชน์สาธารณะหรือการใช้อำนาจรัฐ (มาตรา ๒๔ (๔)) และการปฏิบัติตามกฎหมาย (มาตรา ๒๔ (๖))\n\nระยะเวลาเก็บ: ชื่อและช่องทางติดต่อในเรื่องที่ปิดแล้วจะถูกลบโดยอัตโนมัติเมื่อพ้นระยะเวลาที่หน่วยงานกำหนด\n\nสิทธิของเจ้าของข้อมูล: ขอเข้าถึง ขอรับสำเนา ขอแก้ไข ขอลบ ขอระงับการใช้ และคัดค้านการประมวลผล (มาตรา ๓๐–๓๖) โดยติดต่อ{office} ตามที่อยู่ท้ายหน้าเว็บไซต์",
    },
    Policy {
        slug: "cookies",
        title_th: "นโยบายคุกกี้",
        title_en: "Cookie policy",
        default: "เว็บไซต์นี้ใช้เฉพาะคุกกี้ที่จำเป็นอย่างยิ่ง (strictly necessary cookies) ไม่มีคุกกี้เพื่อการวิเคราะห์ โฆษณา หรือของบุคคลที่สาม จึงไม่ต้องขอความยินยอม\n\n- prakat_prefs: จดจำขนาดตัวอักษร ความคมชัดสูง และภาษาที่ท่านเลือกเอง ตั้งเมื่อท่านกดเลือกเท่านั้น อายุ ๑ ปี\n- prakat_session และ prakat_login: ใช้เฉพาะเจ้าหน้าที่ที่เข้าสู่ระบบภายในสำนักงาน หมดอายุเมื่อออกจากระบบหรือไม่ได้ใช้งาน\n\nสถิติผู้เข้าชมนับโดยไม่ใช้คุกกี้ ท่านลบคุกกี้ได้จากการตั้งค่าของเบราว์เซอร์ เว็บไซต์ยังใช้งานได้ตามปกติ",
    },
    Policy {
        slug: "security",
        title_th: "นโยบายการรักษาความมั่นคงปลอดภัยเว็บไซต์",
        title_en: "Website security policy",
        default: "{office} ดูแลความมั่นคงปลอดภัยของเว็บไซต์ตามมาตรฐานการรักษาความมั่นคงปลอดภัยสำหรับเว็บไซต์\n\n- เข้ารหัสการรับส่งข้อมูลด้วย HTTPS\n- ระบบสำหรับเจ้าหน้าที่ใช้ได้เฉพาะจากเครือข่ายภายในสำนักงาน และผู้ดูแลต้องยืนยันตัวตนสองขั้นตอน\n- จำกัดอัตราการเรียกใช้ และบันทึกการใช้งานที่ตรวจสอบการแก้ไขย้อนหลังได้\n- สำรองข้อมูลอัตโนมัติทุกวัน\n\nหากพบช่องโหว่หรือเหตุผิดปกติ กรุณาแจ้งหน่วยงานตามช่องทางติดต่อท้ายหน้าเว็บไซต์",
    },
    Policy {
        slug: "accessibility",
        title_th: "การเข้าถึงเว็บไซต์",
        title_en: "Accessibility statement",
        default: "{office} มุ่งให้ทุกคนใช้เว็บไซต์นี้ได้ โดยออกแบบตามแนวทาง WCAG 2.1 ระดับ AA\n\n- ปรับขนาดตัวอักษรและเลือกโหมดความคมชัดสูงได้จากแถบด้านบน โดยไม่ต้องใช้ JavaScript\n- ใช้งานด้วยแป้นพิมพ์ได้ทั้งหมด มีลิงก์ข้ามไปยังเนื้อหา และแสดงกรอบตำแหน่งที่เลือกชัดเจน\n- รูปภาพมีข้อความแทนภาพ แบบฟอร์มมีป้ายกำกับและข้อความแจ้งข้อผิดพลาดที่ผูกกับช่องกรอก\n- แสดงผลได้บนโทรศัพท์มือถือ\n\nหากพบปัญหาในการเข้าถึง กรุณาแจ้งผ่านแบบฟอร์มร้องเรียนหรือติดต่อหน่วยงาน",
    },
];

/// The policy page with `slug`.
pub fn find(slug: &str) -> Option<&'static Policy> {
    PAGES.iter().find(|p| p.slug == slug)
}

/// The default text with the office's name filled in.
pub fn default_text(policy: &Policy, office: &str) -> String {
    policy.default.replace("{office}", office)
}

/// `GET /policy/{slug}`
pub fn show(chrome: &Chrome, policy: &Policy, body: &str, updated: Option<i64>) -> Markup {
    page(
        chrome,
        policy.title_th,
        &[Crumb::here(policy.title_th)],
        html! {
            article.policy {
                h1 { (policy.title_th) }
                p.lead lang="en" { (policy.title_en) }
                (text::body(body))
                @if let Some(at) = updated {
                    p.info { "ปรับปรุงเมื่อ " (text::date_of_unix(at, chrome.digits)) }
                }
            }
        },
    )
}

/// `GET /admin/pages`: the list, and the form for one page.
pub fn edit(
    chrome: &Chrome,
    bar: &Bar,
    policy: &Policy,
    body: &str,
    problems: &[Problem],
    saved: bool,
) -> Markup {
    staff_page(
        chrome,
        bar,
        "หน้านโยบายเว็บไซต์",
        &[Crumb::here("หน้านโยบายเว็บไซต์")],
        html! {
            h1 { "หน้านโยบายเว็บไซต์" }
            nav.subs-list aria-label="เลือกหน้า" {
                ul { @for p in PAGES { li { a href=(format!("/admin/pages/{}", p.slug)) aria-current=[(p.slug == policy.slug).then_some("page")] { (p.title_th) } } } }
            }
            h2 { (policy.title_th) }
            @if saved { p.notice role="status" { "บันทึกแล้ว" } }
            (forms::summary(problems, chrome.digits))
            form method="post" action=(format!("/admin/pages/{}", policy.slug)) {
                (forms::csrf(bar.csrf))
                (forms::field("body", "ข้อความ (เว้นบรรทัดเพื่อขึ้นย่อหน้าใหม่ ขึ้นต้นบรรทัดด้วย \"- \" เพื่อทำรายการ; เว้นว่างเพื่อใช้ข้อความตั้งต้น)", body, Input::Area, false, problems))
                button type="submit" { "บันทึก" }
            }
            p { a href=(format!("/policy/{}", policy.slug)) { "ดูหน้าจริง" } }
        },
    )
}
