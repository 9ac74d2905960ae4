//! Demo content: realistic Thai sample items for a district health office, with real attached
//! files, so that `prakat serve --demo` shows a whole site with no setup.
//!
//! The content is data (`assets/demo/content.toml`) embedded in the binary with its files.

mod compliance;
mod office;
mod services;

use std::path::Path;

use anyhow::{Context as _, bail};
use jiff::civil::{Date, Time};
use serde::Deserialize;

use crate::categories::Place;
use crate::config::{Office, SETTINGS_FILE, Security, Settings};
use crate::store::Store;
use crate::store::items::{self, NewAttachment, NewItem};
use crate::store::users::{self, NewUser};

/// A file of `assets/demo/`, embedded by [`crate::embedded`].
fn demo_file(name: &str) -> anyhow::Result<std::borrow::Cow<'static, [u8]>> {
    crate::embedded::get(&format!("demo/{name}")).with_context(|| format!("demo file {name} is not embedded"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Content {
    item: Vec<DemoItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoItem {
    category: String,
    title: String,
    summary: String,
    #[serde(default)]
    body: String,
    source: String,
    period_from: Option<Date>,
    period_to: Option<Date>,
    published: Date,
    expires: Option<Date>,
    link: Option<String>,
    #[serde(default)]
    attachment: Vec<DemoAttachment>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoAttachment {
    name: String,
    file: Option<String>,
    table: Option<Vec<Vec<String>>>,
    paragraphs: Option<Vec<String>>,
    bundle: Option<Vec<String>>,
}

fn embedded(name: &str) -> anyhow::Result<Vec<u8>> {
    Ok(demo_file(&format!("files/{name}"))?.into_owned())
}

impl DemoAttachment {
    /// The file's bytes, read or generated.
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(match (&self.file, &self.table, &self.paragraphs, &self.bundle) {
            (Some(f), None, None, None) => embedded(f)?,
            (None, Some(rows), None, None) => office::xlsx(rows)?,
            (None, None, Some(paras), None) => office::docx(paras)?,
            (None, None, None, Some(names)) => {
                let files = names
                    .iter()
                    .map(|n| Ok((n.as_str(), embedded(n)?)))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                let entries: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
                office::zip(&entries)?
            }
            _ => bail!("demo attachment {} needs exactly one of file, table, paragraphs, bundle", self.name),
        })
    }

    fn kind(&self) -> String {
        self.name.rsplit_once('.').map(|(_, ext)| ext.to_lowercase()).unwrap_or_default()
    }
}

fn content() -> anyhow::Result<Content> {
    let file = demo_file("content.toml")?;
    let text = std::str::from_utf8(&file).context("demo content is not UTF-8")?;
    toml::from_str(text).context("demo content.toml is invalid")
}

/// The office of the seed announcement, for the demo site's header and footer.
fn demo_office() -> Office {
    Office {
        name_th: "สำนักงานสาธารณสุขอำเภอเมืองเลย".into(),
        name_en: "Mueang Loei District Public Health Office".into(),
        address: "ตำบลกุดป่อง อำเภอเมืองเลย จังหวัดเลย 42000".into(),
        phone: "042 812665".into(),
        fax: "042 812666".into(),
        email: "ssomueangloei@moph.go.th".into(),
        map_url: "https://www.openstreetmap.org/?mlat=17.4860&mlon=101.7223#map=16/17.4860/101.7223".into(),
        links: vec![crate::config::OfficeLink {
            name: "Facebook".into(),
            url: "https://www.facebook.com/ssomueangloei".into(),
        }],
        logo: String::new(),
        map_image: String::new(),
        theme: crate::config::Theme::Green,
    }
}

/// Password of every demo account (shown at start; a demo site is not for real use).
pub const DEMO_PASSWORD: &str = "Prakat-demo-2569";
/// The demo admin's user name.
pub const DEMO_ADMIN: &str = "admin";
/// The demo accounts and what each can do.
pub const DEMO_ACCOUNTS: [(&str, &str); 10] = [
    ("admin", "ผู้ดูแลระบบ (admin)"),
    ("webmaster", "ผู้ดูแลเว็บไซต์ (web master)"),
    ("webmaster2", "ผู้ดูแลเว็บไซต์คนที่ ๒ (web master)"),
    ("head", "หัวหน้ากลุ่มงานบริหารทั่วไป ผู้อนุมัติ (approver)"),
    ("staff", "เจ้าหน้าที่ผู้ขอเผยแพร่ กลุ่มงานบริหารทั่วไป (staff)"),
    ("director", "สาธารณสุขอำเภอ ผู้อำนวยการ (director); head ปฏิบัติราชการแทนสัปดาห์นี้"),
    ("headhp", "หัวหน้ากลุ่มงานส่งเสริมสุขภาพ (approver)"),
    ("headcd", "หัวหน้ากลุ่มงานควบคุมโรคติดต่อ (approver)"),
    ("staffhp", "เจ้าหน้าที่ กลุ่มงานส่งเสริมสุขภาพ (staff)"),
    ("complaints", "เจ้าหน้าที่รับเรื่องร้องเรียน (complaints)"),
];

/// The demo office's units: (name, short name).
const DEMO_UNITS: [(&str, &str); 4] = [
    ("กลุ่มงานบริหารทั่วไป", "บท."),
    ("กลุ่มงานส่งเสริมสุขภาพ", "สส."),
    ("กลุ่มงานควบคุมโรคติดต่อ", "คร."),
    ("สำนักงานสาธารณสุขอำเภอ", "สสอ."),
];

fn demo_users() -> Vec<NewUser> {
    let user = |username: &str, name: &str, position: &str, unit: &str, roles: &str| NewUser {
        username: username.into(),
        name: name.into(),
        position: position.into(),
        unit: unit.into(),
        phone: "042 812665".into(),
        email: String::new(),
        roles: crate::workflow::state::Roles::parse_list(roles).expect("demo roles"),
    };
    vec![
        user("admin", "นายธนากร ศรีสุข", "นักวิชาการคอมพิวเตอร์", "กลุ่มงานบริหารทั่วไป", "admin,staff"),
        user("webmaster", "นายณัฐพล บุญมา", "นักวิชาการคอมพิวเตอร์", "กลุ่มงานบริหารทั่วไป", "webmaster,staff"),
        user(
            "webmaster2",
            "นางสาวศิริพร คำภูแก้ว",
            "เจ้าพนักงานธุรการชำนาญงาน",
            "กลุ่มงานบริหารทั่วไป",
            "webmaster,staff",
        ),
        user("head", "นายวีระพงษ์ ทองมา", "หัวหน้ากลุ่มงานบริหารทั่วไป", "กลุ่มงานบริหารทั่วไป", "approver,staff"),
        user("staff", "นางสาวณภาพัช สอนสุภาพ", "นักวิชาการเงินและบัญชี", "กลุ่มงานบริหารทั่วไป", "staff"),
        user(
            "director",
            "นายแพทย์ประเสริฐ ศรีเมือง",
            "สาธารณสุขอำเภอเมืองเลย",
            "สำนักงานสาธารณสุขอำเภอ",
            "director,staff",
        ),
        user("headhp", "นางสุดารัตน์ พรหมมา", "หัวหน้ากลุ่มงานส่งเสริมสุขภาพ", "กลุ่มงานส่งเสริมสุขภาพ", "approver,staff"),
        user("headcd", "นายอนุชา แก้วมณี", "หัวหน้ากลุ่มงานควบคุมโรคติดต่อ", "กลุ่มงานควบคุมโรคติดต่อ", "approver,staff"),
        user("staffhp", "นางสาวปวีณา ใจงาม", "พยาบาลวิชาชีพชำนาญการ", "กลุ่มงานส่งเสริมสุขภาพ", "staff"),
        user(
            "complaints",
            "นางสาวมาลัย ศรีสวัสดิ์",
            "นิติกร (เจ้าหน้าที่รับเรื่องร้องเรียน)",
            "กลุ่มงานบริหารทั่วไป",
            "complaints,staff",
        ),
    ]
}

/// The demo's units with their short names, one delegation in force (the head of general
/// administration stands in for the director for the coming week), and the complaints officer
/// named for corruption cases.
fn demo_units(c: &rusqlite::Connection) -> crate::store::StoreResult<()> {
    for (name, short) in DEMO_UNITS {
        let id = crate::store::units::ensure(c, name)?;
        crate::store::units::rename(c, id, name, short)?;
    }
    let id_of = |username: &str| users::for_login(c, username).map(|u| u.map(|(u, _)| u.id));
    if let (Some(director), Some(head)) = (id_of("director")?, id_of("head")?) {
        let today = crate::thai::today();
        let ends = today.checked_add(jiff::Span::new().days(6)).unwrap_or(today);
        crate::store::units::delegate(c, director, head, today, ends, None)?;
        // The director has named the complaints officer for corruption cases.
        if let Some(officer) = id_of("complaints")? {
            crate::store::units::set_corruption_officers(c, &[officer], director)?;
        }
    }
    Ok(())
}

/// Publication time of a demo item: 09:00 Bangkok time on its date.
fn morning_of(date: Date) -> anyhow::Result<jiff::Timestamp> {
    Ok(date.to_datetime(Time::constant(9, 0, 0, 0)).to_zoned_datetime(crate::thai::bangkok())?.timestamp())
}

fn to_new_item(store: &Store, d: &DemoItem) -> anyhow::Result<NewItem> {
    let place = Place::parse(&d.category).with_context(|| format!("unknown category {}", d.category))?;
    let photos = d.attachment.iter().filter(|a| matches!(a.kind().as_str(), "jpg" | "jpeg")).count();
    let mut photo_no = 0;
    let attachments = d
        .attachment
        .iter()
        .map(|a| {
            let blob = store.blobs().put(&a.bytes()?)?;
            // Demo photos are described by their item's title (and number, in an album).
            let alt = if matches!(a.kind().as_str(), "jpg" | "jpeg") {
                photo_no += 1;
                if photos > 1 {
                    format!("ภาพประกอบ: {} (ภาพที่ {photo_no})", d.title)
                } else {
                    format!("ภาพประกอบ: {}", d.title)
                }
            } else {
                String::new()
            };
            Ok(NewAttachment { file_name: a.name.clone(), kind: a.kind(), blob, alt })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(NewItem {
        category: place.key(),
        title: d.title.clone(),
        summary: d.summary.clone(),
        body: d.body.trim().to_owned(),
        source: d.source.clone(),
        link: d.link.clone(),
        period_from: d.period_from,
        period_to: d.period_to,
        // Laws, manuals, standing policies and links cover no period of time.
        timeless: d.period_from.is_none()
            && d.period_to.is_none()
            && matches!(place.area.slug, "law" | "sop" | "links" | "general"),
        published_at: morning_of(d.published)?,
        expires_on: d.expires.map(|end| still_ahead(end, crate::thai::today())),
        attachments,
        request_id: None,
    })
}

/// The day the demo content's dates were written for.
const WRITTEN_ON: Date = jiff::civil::date(2026, 12, 6);

/// The end date of a demo item made on `today`: an end that was still ahead on [`WRITTEN_ON`]
/// stays as far ahead of `today`, so a demo made later still shows its running notices (the
/// vaccine campaign, the job opening) while the ones written as ended stay ended.
pub fn still_ahead(end: Date, today: Date) -> Date {
    if end <= WRITTEN_ON || today <= WRITTEN_ON {
        return end;
    }
    end.checked_add(today.duration_since(WRITTEN_ON)).unwrap_or(end)
}

/// Fills an empty data directory with the demo content and the demo office's settings.
/// Returns whether anything was added; a directory that already holds items is left alone.
pub fn fill_if_empty(store: &Store, data_dir: &Path) -> anyhow::Result<bool> {
    if store.run_sync(|c| items::count_all(c))? > 0 {
        return Ok(false);
    }
    if !data_dir.join(SETTINGS_FILE).exists() {
        // The demo must be usable without a phone: no role is made to use two-step login
        // (real installations require it of admins and web masters by default).
        let security = Security { totp_required_roles: Vec::new() };
        // A demo makes backups only when asked (the admin page has a button): a missed 02:00
        // run would otherwise be made at every start.
        let backups = crate::config::Backups { daily_at: String::new(), ..Default::default() };
        // A demo asks no release feed and no time server: it may run where nothing else is
        // reachable (and in the tests, which talk to loopback only).
        let update = crate::config::Update { mode: crate::config::UpdateMode::Off, ..Default::default() };
        let health = crate::config::Health { ntp_server: String::new() };
        // A placeholder emblem, installed the way an uploaded logo is (and checked the same way).
        let emblem = demo_file("emblem.svg")?;
        let logo = crate::appliance::logo::check("emblem.svg", &emblem).map_err(anyhow::Error::msg)?;
        let office = Office { logo: crate::appliance::logo::store(data_dir, &logo)?, ..demo_office() };
        Settings { office, security, backups, update, health, ..Settings::default() }.save(data_dir)?;
    }
    let hash = crate::crypto::hash_password(DEMO_PASSWORD);
    store.run_sync(|c| {
        for user in demo_users() {
            users::insert(c, &user, &hash)?;
        }
        demo_units(c)
    })?;
    let content = content()?;
    let new_items = content.item.iter().map(|d| to_new_item(store, d)).collect::<anyhow::Result<Vec<_>>>()?;
    let ids = store.run_sync(|c| {
        let mut ids = std::collections::HashMap::new();
        for item in &new_items {
            ids.insert(item.title.clone(), items::insert(c, item)?);
        }
        Ok(ids)
    })?;
    compliance::fill(store, &ids)?;
    store.run_sync(services::seed)?;
    // The home page's highlight band: the newest activity albums, as a web master would pin.
    store.run_sync(|c| {
        for d in content.item.iter().filter(|d| d.category == "news/activities").rev().take(2) {
            if let Some(&id) = ids.get(&d.title) {
                crate::store::highlights::pin(c, id, None, None)?;
            }
        }
        Ok(())
    })?;
    // The demo photos' public copies, so that the first page already shows them.
    crate::store::photos::make_pending(store, 100)?;
    Ok(true)
}

/// Adds generated items, variations of the demo content, until the store holds `total`
/// items. Used to measure the site with a realistic amount of content.
pub fn generate(store: &Store, total: usize) -> anyhow::Result<usize> {
    let have = store.run_sync(|c| items::count_all(c))? as usize;
    if total <= have {
        return Ok(0);
    }
    let templates = content()?
        .item
        .iter()
        .filter(|d| d.expires.is_none())
        .map(|d| to_new_item(store, d))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let wanted = total - have;
    let start = morning_of(jiff::civil::date(2024, 1, 1))?;
    store.run_sync(|c| {
        for n in 0..wanted {
            let mut item = templates[n % templates.len()].clone();
            item.title = format!("{} (ชุดที่ {})", item.title, n + 1);
            // Spread publication over the past few years, one every few hours.
            item.published_at =
                start.checked_add(jiff::SignedDuration::from_hours(3 * n as i64 % 24_000)).unwrap_or(start);
            items::insert(c, &item)?;
        }
        Ok(())
    })?;
    Ok(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categories::AREAS;
    use jiff::civil::date;

    #[test]
    fn running_notices_stay_running_and_ended_ones_stay_ended() {
        let (job_opening, ended) = (date(2026, 12, 15), date(2026, 4, 30));
        assert_eq!(still_ahead(job_opening, WRITTEN_ON), job_opening);
        assert_eq!(still_ahead(job_opening, date(2026, 11, 1)), job_opening, "made before: as written");
        // Made a year and a half later: still nine days ahead.
        assert_eq!(still_ahead(job_opening, date(2028, 6, 1)), date(2028, 6, 10));
        assert_eq!(still_ahead(ended, date(2028, 6, 1)), ended);
        let today = date(2027, 3, 1);
        for item in content().unwrap().item {
            if let Some(end) = item.expires {
                assert_eq!(still_ahead(end, today) >= today, end >= WRITTEN_ON, "{}", item.title);
            }
        }
    }

    #[test]
    fn demo_content_covers_every_area_with_every_kind_of_file() {
        let content = content().unwrap();
        assert!(content.item.len() >= 40, "only {} items", content.item.len());
        for area in AREAS {
            assert!(
                content.item.iter().any(|i| i.category.starts_with(&format!("{}/", area.slug))),
                "no demo item in {}",
                area.slug
            );
        }
        let kinds: std::collections::HashSet<String> =
            content.item.iter().flat_map(|i| i.attachment.iter().map(DemoAttachment::kind)).collect();
        for kind in ["pdf", "xlsx", "docx", "jpg", "zip"] {
            assert!(kinds.contains(kind), "no demo {kind} file");
        }
        for item in &content.item {
            assert!(Place::parse(&item.category).is_some(), "bad category {}", item.category);
            for a in &item.attachment {
                let bytes = a.bytes().unwrap();
                let magic_ok = match a.kind().as_str() {
                    "pdf" => bytes.starts_with(b"%PDF-"),
                    "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
                    "xlsx" | "docx" | "zip" => bytes.starts_with(b"PK\x03\x04"),
                    other => panic!("unexpected demo kind {other}"),
                };
                assert!(magic_ok, "{} does not look like a {}", a.name, a.kind());
            }
        }
        assert!(
            content.item.iter().any(|i| i.title.contains("แนวทางการเผยแพร่ข้อมูลต่อสาธารณะ")),
            "the seed announcement is part of the demo"
        );
    }

    #[test]
    fn fill_only_an_empty_directory() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(fill_if_empty(&store, dir.path()).unwrap());
        let n = store.run_sync(|c| items::count_all(c)).unwrap();
        assert!(n >= 40);
        assert!(!fill_if_empty(&store, dir.path()).unwrap());
        assert_eq!(store.run_sync(|c| items::count_all(c)).unwrap(), n);
        assert_eq!(generate(&store, n as usize + 25).unwrap(), 25);
        let settings = Settings::load(dir.path()).unwrap();
        assert!(crate::config::is_logo_name(&settings.office.logo), "the placeholder emblem");
        assert!(crate::appliance::logo::read(dir.path(), &settings.office.logo).is_some());
        assert_eq!(settings.office, Office { logo: settings.office.logo.clone(), ..demo_office() });
        assert!(settings.security.totp_required_roles.is_empty(), "the demo needs no phone");
    }
}
