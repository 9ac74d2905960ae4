//! Bringing the office's existing website along: a WordPress export (WXR) or a plain CSV
//! becomes published items, and every old URL is remembered so that it answers with a
//! permanent redirect to its new place (see `web::legacy`).
//!
//! A run reads the export twice, streaming: the first pass collects the small things
//! (categories, authors, where each attachment lives), the second brings over one post at a
//! time — files checked by the upload rules ([`crate::workflow::files`]) and stored, then the
//! item, its files and its old URLs written in one transaction. So memory stays bounded by
//! the largest single post, and a failure leaves no half-made item.
//!
//! Re-running the same export adds nothing (posts are keyed by their WordPress GUID); a run
//! can be undone as a whole; a dry run reads and checks everything and writes nothing.

pub mod csv;
pub mod html;
pub mod mapping;
pub mod uploads;
pub mod wxr;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufReader, Read, Write as _};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::store::Store;
use crate::store::audit::{self, AuditAction, Who};
use crate::store::imports::{self, ImportedFile, ImportedItem};
use crate::workflow::files::{self, Sniffer};
use mapping::{CategoryMap, Decision, How};
use uploads::Uploads;
use wxr::{Entry, Post, WxrReader};

/// The provenance shown on every imported item.
pub const PROVENANCE: &str = "นำเข้าจากเว็บไซต์เดิม";

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Read and check everything, write nothing.
    pub dry_run: bool,
    /// Largest file accepted (the upload setting); ignored with `allow_oversize`.
    pub max_file_bytes: u64,
    /// Accept files over the size limit (types are still enforced).
    pub allow_oversize: bool,
    /// Who runs it, for the audit trail.
    pub who: Who,
    /// The name of the export file, for the report and the audit trail.
    pub file_label: String,
}

/// One problem, naming the post and the reason (Thai).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The post: title and old id, or the file.
    pub post: String,
    /// What went wrong and what was done about it.
    pub reason: String,
}

/// Where one WordPress category went.
#[derive(Debug, Clone)]
pub struct CategoryLine {
    /// Name on the old site.
    pub name: String,
    /// Slug, decoded.
    pub slug: String,
    /// `area/sub`, or `None` for the holding list.
    pub place: Option<String>,
    /// How it was decided.
    pub how: How,
}

/// What a run did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Nothing was written.
    pub dry_run: bool,
    /// The run's id, when something was written.
    pub run_id: Option<i64>,
    /// The export file.
    pub file: String,
    /// Why nothing at all could be imported.
    pub fatal: Option<String>,
    /// Published posts and pages found.
    pub posts: u64,
    /// Items created.
    pub imported: u64,
    /// Posts held until staff choose a category.
    pub held: u64,
    /// Posts already imported by an earlier run (same GUID).
    pub already: u64,
    /// Entries not brought over, by kind (Thai).
    pub skipped: BTreeMap<String, u64>,
    /// Files attached.
    pub files: u64,
    /// Their total size.
    pub file_bytes: u64,
    /// Old URLs recorded.
    pub redirects: u64,
    /// The category mapping used.
    pub categories: Vec<CategoryLine>,
    /// Problems, each naming the post.
    pub problems: Vec<Problem>,
}

impl Report {
    fn skip(&mut self, why: &str) {
        *self.skipped.entry(why.to_owned()).or_default() += 1;
    }

    fn problem(&mut self, post: impl Into<String>, reason: impl Into<String>) {
        self.problems.push(Problem { post: post.into(), reason: reason.into() });
    }

    /// One line of counts, for the audit trail and the run list.
    pub fn summary(&self) -> String {
        let skipped: u64 = self.skipped.values().sum();
        format!(
            "นำเข้า {} รายการ, รอจัดหมวด {}, มีอยู่แล้ว {}, ข้าม {}, ไฟล์ {}, ลิงก์เดิม {}, ปัญหา {}",
            self.imported,
            self.held,
            self.already,
            skipped,
            self.files,
            self.redirects,
            self.problems.len()
        )
    }

    /// The whole report as text, for the console.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mode = if self.dry_run {
            "ทดลองนำเข้า (dry run) — ไม่มีการบันทึกใด ๆ"
        } else {
            "นำเข้าแล้ว"
        };
        out.push_str(&format!("รายงานการนำเข้า {} — {mode}\n", self.file));
        if let Some(run) = self.run_id {
            out.push_str(&format!("รอบการนำเข้าที่ {run} (ยกเลิกทั้งรอบได้ด้วย prakat import undo {run})\n"));
        }
        if let Some(f) = &self.fatal {
            out.push_str(&format!("นำเข้าไม่ได้: {f}\n"));
            return out;
        }
        out.push_str(&format!("เรื่องและหน้าที่เผยแพร่อยู่: {}\n{}\n", self.posts, self.summary()));
        out.push_str(&format!("ขนาดไฟล์รวม: {} ไบต์\n", self.file_bytes));
        if !self.skipped.is_empty() {
            out.push_str("ไม่นำเข้า:\n");
            for (why, n) in &self.skipped {
                out.push_str(&format!("  {why}: {n}\n"));
            }
        }
        out.push_str("การจับคู่หมวดหมู่:\n");
        for c in &self.categories {
            out.push_str(&format!(
                "  {} ({}) → {} [{}]\n",
                c.name,
                c.slug,
                c.place.as_deref().unwrap_or("รอจัดหมวด"),
                c.how.label()
            ));
        }
        if !self.problems.is_empty() {
            out.push_str(&format!("ปัญหา {} รายการ:\n", self.problems.len()));
            for p in &self.problems {
                out.push_str(&format!("  - {}: {}\n", p.post, p.reason));
            }
        }
        out
    }
}

/// Where an attachment lives, from the first pass.
#[derive(Debug, Clone)]
struct AttachmentInfo {
    id: i64,
    rel: String,
    title: String,
    link: String,
}

/// What the first pass learns.
#[derive(Default)]
struct Site {
    host: String,
    authors: HashMap<String, String>,
    categories: Vec<wxr::Category>,
    attachments: Vec<AttachmentInfo>,
    by_parent: HashMap<i64, Vec<usize>>,
    by_rel: HashMap<String, usize>,
    posts: u64,
}

fn open_wxr(path: &Path) -> Result<WxrReader<BufReader<std::fs::File>>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("เปิดไฟล์ {} ไม่ได้: {e}", path.display()))?;
    Ok(WxrReader::new(BufReader::with_capacity(256 * 1024, f)))
}

fn first_pass(path: &Path, report: &mut Report) -> Result<Site, String> {
    let mut site = Site::default();
    for entry in open_wxr(path)? {
        match entry {
            Ok(Entry::Site(url)) => {
                site.host =
                    url.split("://").nth(1).unwrap_or(&url).split('/').next().unwrap_or("").to_owned();
            }
            Ok(Entry::Author(a)) => {
                let shown = if a.display_name.trim().is_empty() { a.login.clone() } else { a.display_name };
                site.authors.insert(a.login, shown);
            }
            Ok(Entry::Category(c)) => site.categories.push(c),
            Ok(Entry::Item(p)) => {
                if p.post_type == "attachment" {
                    let rel = if p.attached_file.is_empty() {
                        uploads::rel_of_url(&p.attachment_url, &site.host).unwrap_or_default()
                    } else {
                        p.attached_file.clone()
                    };
                    let i = site.attachments.len();
                    site.by_parent.entry(p.post_parent).or_default().push(i);
                    if !rel.is_empty() {
                        site.by_rel.insert(rel.to_lowercase(), i);
                    }
                    site.attachments.push(AttachmentInfo {
                        id: p.post_id,
                        rel,
                        title: p.title,
                        link: p.link,
                    });
                } else if matches!(p.post_type.as_str(), "post" | "page") {
                    site.posts += 1;
                }
            }
            Err(wxr::WxrError::Truncated { items }) => {
                report.problem("ไฟล์ส่งออก", wxr::WxrError::Truncated { items }.to_string());
                break;
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(site)
}

/// The decision for each category (by slug), and the report lines.
fn decide_categories(site: &Site, map: &CategoryMap) -> (HashMap<String, Option<String>>, Vec<CategoryLine>) {
    let by_slug: HashMap<&str, &wxr::Category> =
        site.categories.iter().map(|c| (c.nicename.as_str(), c)).collect();
    let own = |c: &wxr::Category| -> Option<(Option<String>, How)> {
        match map.category(&c.name, &c.nicename) {
            Some(Decision::To(p)) => Some((Some(p), How::Map)),
            Some(Decision::Hold) => Some((None, How::Map)),
            None => mapping::suggest(&c.name, &c.nicename).map(|p| (Some(p.to_owned()), How::Suggested)),
        }
    };
    let mut decided = HashMap::new();
    let mut lines = Vec::new();
    for c in &site.categories {
        let (place, how) = own(c).unwrap_or_else(|| {
            // Follow the nearest ancestor that has a place.
            let mut parent = by_slug.get(c.parent.as_str()).copied();
            let mut hops = 0;
            while let Some(p) = parent
                && hops < 16
            {
                if let Some((Some(place), _)) = own(p) {
                    return (Some(place), How::Parent);
                }
                parent = by_slug.get(p.parent.as_str()).copied();
                hops += 1;
            }
            (None, How::Unmapped)
        });
        decided.insert(c.nicename.clone(), place.clone());
        lines.push(CategoryLine { name: c.name.clone(), slug: mapping::key(&c.nicename), place, how });
    }
    (decided, lines)
}

/// The time of a post: the UTC date when WordPress wrote one, else the local date read in
/// Bangkok time.
fn post_time(p: &Post) -> Option<jiff::Timestamp> {
    let parse = |s: &str, tz: jiff::tz::TimeZone| -> Option<jiff::Timestamp> {
        if s.is_empty() || s.starts_with("0000") {
            return None;
        }
        let dt: jiff::civil::DateTime = s.trim().replace(' ', "T").parse().ok()?;
        dt.to_zoned_datetime(tz).ok().map(|z| z.timestamp())
    };
    parse(&p.post_date_gmt, jiff::tz::TimeZone::UTC).or_else(|| parse(&p.post_date, crate::thai::bangkok()))
}

/// The path and query of a URL (`http://host/a/b?x=1` → (`/a/b`, `Some("x=1")`)).
fn path_and_query(url: &str) -> (String, Option<String>) {
    let no_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_start = if url.contains("://") { no_scheme.find('/').unwrap_or(no_scheme.len()) } else { 0 };
    let rest = &no_scheme[path_start..];
    let rest = rest.split('#').next().unwrap_or("");
    match rest.split_once('?') {
        Some((p, q)) => (if p.is_empty() { "/".into() } else { p.into() }, Some(q.into())),
        None => (if rest.is_empty() { "/".into() } else { rest.into() }, None),
    }
}

fn key_of_url(url: &str) -> Option<String> {
    let (p, q) = path_and_query(url);
    imports::url_key(&p, q.as_deref())
}

/// Every URL form WordPress answered for this post or page.
fn post_urls(p: &Post) -> Vec<String> {
    let mut keys = vec![format!("?p={}", p.post_id)];
    if p.post_type == "page" {
        keys.push(format!("?page_id={}", p.post_id));
    }
    if !p.link.is_empty() {
        keys.extend(key_of_url(&p.link));
    }
    if !p.post_name.is_empty() {
        let slug = &p.post_name;
        keys.extend(imports::url_key(&format!("/{slug}/"), None));
        if p.post_type == "post" && p.post_date.len() >= 10 {
            let (y, m, d) = (&p.post_date[0..4], &p.post_date[5..7], &p.post_date[8..10]);
            for form in
                [format!("/{y}/{m}/{slug}/"), format!("/{y}/{m}/{d}/{slug}/"), format!("/{y}/{slug}/")]
            {
                keys.extend(imports::url_key(&form, None));
            }
            keys.extend(imports::url_key(&format!("/archives/{}", p.post_id), None));
        }
    }
    dedup(keys)
}

fn dedup(keys: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    keys.into_iter().filter(|k| seen.insert(k.clone())).collect()
}

/// Imports a WordPress export. Errors only for failures of the machine (database, disk); a bad
/// export or bad files are reported in the [`Report`].
pub fn wordpress(
    store: &Store,
    wxr_path: &Path,
    uploads: &mut Uploads,
    map: &CategoryMap,
    map_problems: &[String],
    opts: &Options,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<Report> {
    let mut report = Report { dry_run: opts.dry_run, file: opts.file_label.clone(), ..Report::default() };
    for p in map_problems {
        report.problem("ไฟล์จับคู่หมวดหมู่", p.clone());
    }
    let site = match first_pass(wxr_path, &mut report) {
        Ok(site) => site,
        Err(fatal) => {
            report.fatal = Some(fatal);
            return Ok(report);
        }
    };
    let (decided, lines) = decide_categories(&site, map);
    report.categories = lines;
    let mut run = Runner { store, opts, run_id: None, uploads, site: &site };
    if !opts.dry_run {
        let run_id = store.run_sync(|c| imports::start_run(c, "wordpress", &opts.file_label, &opts.who))?;
        run.run_id = Some(run_id);
        report.run_id = Some(run_id);
    }
    // Old category URLs point to the new listing.
    for c in &site.categories {
        let Some(Some(place)) = decided.get(&c.nicename) else { continue };
        let mut chain = vec![c.nicename.clone()];
        let mut parent = c.parent.clone();
        while !parent.is_empty() && chain.len() < 16 {
            chain.insert(0, parent.clone());
            parent = site
                .categories
                .iter()
                .find(|x| x.nicename == parent)
                .map(|x| x.parent.clone())
                .unwrap_or_default();
        }
        let mut keys = vec![format!("?cat={}", c.term_id)];
        keys.extend(imports::url_key(&format!("/category/{}/", chain.join("/")), None));
        keys.extend(imports::url_key(&format!("/category/{}/", c.nicename), None));
        let keys = dedup(keys);
        report.redirects += match run.run_id {
            Some(run_id) => store.run_sync(|conn| imports::add_place_urls(conn, run_id, place, &keys))?,
            None => keys.len() as u64,
        };
    }
    let total = site.posts;
    let mut done = 0;
    progress(0, total);
    for entry in open_wxr(wxr_path).map_err(anyhow::Error::msg)? {
        let post = match entry {
            Ok(Entry::Item(p)) => p,
            Ok(_) => continue,
            // Reported by the first pass.
            Err(_) => break,
        };
        report.skipped_comments(post.comments);
        match post.post_type.as_str() {
            "post" | "page" => {}
            "attachment" => continue,
            "revision" => {
                report.skip("ฉบับแก้ไขย้อนหลัง (revision)");
                continue;
            }
            "nav_menu_item" => {
                report.skip("รายการเมนู (menu item)");
                continue;
            }
            other => {
                report.skip(&format!("เนื้อหาชนิดอื่น ({other})"));
                continue;
            }
        }
        done += 1;
        match post.status.as_str() {
            "publish" | "future" => {}
            "draft" | "auto-draft" => {
                report.skip("ฉบับร่าง (draft)");
                continue;
            }
            "private" => {
                report.skip("เรื่องส่วนตัว (private)");
                continue;
            }
            "pending" => {
                report.skip("รอตรวจ (pending)");
                continue;
            }
            "trash" => {
                report.skip("ถังขยะ (trash)");
                continue;
            }
            other => {
                report.skip(&format!("สถานะอื่น ({other})"));
                continue;
            }
        }
        if !post.post_password.trim().is_empty() {
            report.skip("ตั้งรหัสผ่านไว้ (password-protected)");
            continue;
        }
        report.posts += 1;
        run.one_post(&post, &decided, map, &mut report)?;
        progress(done, total);
    }
    progress(total, total);
    if let Some(run_id) = run.run_id {
        let summary = report.summary();
        let detail = format!("ไฟล์ {}: {summary}", opts.file_label);
        store.run_sync(|c| {
            imports::finish_run(c, run_id, &summary)?;
            audit::append(c, &opts.who, AuditAction::ImportRun, &format!("import/{run_id}"), &detail)
        })?;
    }
    Ok(report)
}

impl Report {
    fn skipped_comments(&mut self, n: u32) {
        if n > 0 {
            *self.skipped.entry("ความคิดเห็น (comment)".to_owned()).or_default() += u64::from(n);
        }
    }
}

struct Runner<'a> {
    store: &'a Store,
    opts: &'a Options,
    run_id: Option<i64>,
    uploads: &'a mut Uploads,
    site: &'a Site,
}

impl Runner<'_> {
    fn one_post(
        &mut self,
        post: &Post,
        decided: &HashMap<String, Option<String>>,
        map: &CategoryMap,
        report: &mut Report,
    ) -> anyhow::Result<()> {
        let label = format!("\"{}\" (ID {})", post.title, post.post_id);
        let guid = if post.guid.is_empty() {
            format!("wp:{}:{}", self.site.host, post.post_id)
        } else {
            post.guid.clone()
        };
        if self.store.run_sync(|c| imports::is_known(c, &guid))? {
            report.already += 1;
            return Ok(());
        }
        if post.title.trim().is_empty() {
            report.problem(format!("(ไม่มีชื่อเรื่อง) ID {}", post.post_id), "ไม่มีชื่อเรื่อง จึงไม่นำเข้า");
            return Ok(());
        }
        if post.cut {
            report.problem(&label, "เนื้อหายาวเกิน 16 MB จึงไม่นำเข้า");
            return Ok(());
        }
        let Some(at) = post_time(post) else {
            report.problem(&label, format!("วันที่เผยแพร่ \"{}\" อ่านไม่ได้ จึงไม่นำเข้า", post.post_date));
            return Ok(());
        };
        if at > jiff::Timestamp::now() {
            report.problem(
                &label,
                format!(
                    "วันที่เผยแพร่ {} อยู่ในอนาคต: นำเข้าเป็นเรื่องที่ตั้งเวลาไว้ จะแสดงต่อประชาชนเมื่อถึงวันนั้น",
                    crate::thai::date_of(at)
                ),
            );
        }
        let body = html::to_text(&post.content);
        let summary = html::to_text(&post.excerpt).text;
        // The category: the first of the post's categories that has a place; pages by the map.
        let place: Option<String> = if post.post_type == "page" {
            match map.page(&post.post_name, &post.title) {
                Some(Decision::To(p)) => Some(p),
                Some(Decision::Hold) => None,
                None => mapping::suggest(&post.title, &post.post_name).map(str::to_owned),
            }
        } else {
            post.categories.iter().find_map(|(slug, _)| decided.get(slug).cloned().flatten())
        };
        // Files: the post's attachments, then files under uploads linked or shown in the body.
        let mut wanted: Vec<(String, String, String, Vec<String>)> = Vec::new(); // rel, name, alt, urls
        let mut seen_rel = HashSet::new();
        let attachment_urls = |a: &AttachmentInfo| {
            let mut keys = vec![format!("?attachment_id={}", a.id), format!("?p={}", a.id)];
            keys.extend(imports::url_key(&format!("/wp-content/uploads/{}", a.rel), None));
            keys.extend(key_of_url(&a.link));
            dedup(keys)
        };
        for &i in self.site.by_parent.get(&post.post_id).map(Vec::as_slice).unwrap_or(&[]) {
            let a = &self.site.attachments[i];
            if a.rel.is_empty() || !seen_rel.insert(a.rel.to_lowercase()) {
                continue;
            }
            let alt = body
                .images
                .iter()
                .find(|(src, _)| {
                    uploads::rel_of_url(src, &self.site.host).is_some_and(|r| r.eq_ignore_ascii_case(&a.rel))
                })
                .map(|(_, alt)| alt.clone())
                .unwrap_or_else(|| a.title.clone());
            let name = a.rel.rsplit('/').next().unwrap_or(&a.rel).to_owned();
            wanted.push((a.rel.clone(), name, alt, attachment_urls(a)));
        }
        let referenced = body
            .images
            .iter()
            .map(|(s, alt)| (s, alt.clone()))
            .chain(body.links.iter().map(|l| (l, String::new())));
        for (url, alt) in referenced {
            let Some(rel) = uploads::rel_of_url(url, &self.site.host) else { continue };
            if !seen_rel.insert(rel.to_lowercase()) {
                continue;
            }
            let urls = match self.site.by_rel.get(&rel.to_lowercase()) {
                Some(&i) => attachment_urls(&self.site.attachments[i]),
                None => imports::url_key(&format!("/wp-content/uploads/{rel}"), None).into_iter().collect(),
            };
            let name = rel.rsplit('/').next().unwrap_or(&rel).to_owned();
            wanted.push((rel, name, alt, urls));
        }
        let mut files_out = Vec::new();
        for (rel, name, alt, urls) in wanted {
            match bring_file(self.store, self.opts, self.run_id, self.uploads, &rel, &name) {
                Ok((kind, sha256, size)) => {
                    let alt = if kind == "jpg" { alt } else { String::new() };
                    files_out.push(ImportedFile {
                        file_name: files::safe_display_name(&name),
                        kind,
                        sha256,
                        size,
                        alt,
                        urls,
                    });
                }
                Err(reason) => report.problem(&label, format!("{reason} — นำเข้าเรื่องนี้โดยไม่มีไฟล์นี้")),
            }
        }
        let author = self.site.authors.get(&post.creator).cloned().unwrap_or_else(|| post.creator.clone());
        let source = if author.trim().is_empty() {
            PROVENANCE.to_owned()
        } else {
            format!("{} ({PROVENANCE})", author.trim())
        };
        let item = ImportedItem {
            guid,
            title: post.title.trim().to_owned(),
            summary,
            body: body.text,
            source,
            published_at: at.as_second(),
            files: files_out,
            urls: post_urls(post),
        };
        let file_count = item.files.len() as u64;
        let bytes: u64 = item.files.iter().map(|f| f.size).sum();
        let url_count = (item.urls.len() + item.files.iter().map(|f| f.urls.len()).sum::<usize>()) as u64;
        match (&place, self.run_id) {
            (Some(place), Some(run_id)) => {
                let (_, clashes) = self.store.run_sync(|c| imports::add_item(c, run_id, place, &item))?;
                for clash in &clashes {
                    report.problem(
                        &label,
                        format!("ลิงก์เดิม {clash} เป็นของเรื่องอื่นที่นำเข้าก่อนแล้ว (slug ซ้ำ) จึงชี้ไปที่เรื่องนั้น"),
                    );
                }
                report.redirects += url_count - clashes.len() as u64;
            }
            (None, Some(run_id)) => {
                let cats = post.categories.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ");
                self.store.run_sync(|c| imports::add_held(c, run_id, &cats, &item))?;
            }
            (Some(_), None) => report.redirects += url_count,
            (None, None) => {}
        }
        if place.is_some() {
            report.imported += 1;
        } else {
            report.held += 1;
        }
        report.files += file_count;
        report.file_bytes += bytes;
        Ok(())
    }
}

/// Checks one file by the upload rules while copying it into the blob store (or, in a dry
/// run, nowhere). Returns (kind, sha256, size) or the Thai reason it was refused.
pub(crate) fn bring_file(
    store: &Store,
    opts: &Options,
    run_id: Option<i64>,
    uploads: &mut Uploads,
    rel: &str,
    name: &str,
) -> Result<(String, String, u64), String> {
    let display = files::safe_display_name(name);
    let kind = files::kind_of(&display).map_err(|e| e.to_string())?;
    let max = if opts.allow_oversize { u64::MAX } else { opts.max_file_bytes };
    let mut sniffer = Sniffer::new(&display, kind, max);
    let blobs = store.blobs();
    let mut tmp = if opts.dry_run { tempfile::NamedTempFile::new() } else { blobs.temp_file() }
        .map_err(|e| format!("ไฟล์ {display}: สร้างไฟล์ชั่วคราวไม่ได้: {e}"))?;
    let Some(mut reader) = uploads.open_file(rel) else {
        return Err(format!("ไฟล์ {display}: ไม่พบ {rel} ในโฟลเดอร์หรือไฟล์ zip ของ uploads"));
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = reader.read(&mut buf).map_err(|e| format!("ไฟล์ {display}: อ่านไม่ได้: {e}"))?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        sniffer.feed(chunk).map_err(|e| refusal_text(e, opts.allow_oversize))?;
        hasher.update(chunk);
        // In a dry run only the Office checks need the bytes on disk.
        if !opts.dry_run || matches!(kind, files::Kind::Docx | files::Kind::Xlsx | files::Kind::Zip) {
            tmp.write_all(chunk).map_err(|e| format!("ไฟล์ {display}: เขียนไม่ได้: {e}"))?;
        }
    }
    drop(reader);
    let size = sniffer.bytes_seen();
    tmp.flush().map_err(|e| format!("ไฟล์ {display}: เขียนไม่ได้: {e}"))?;
    sniffer.finish(tmp.path()).map_err(|e| refusal_text(e, false))?;
    let sha256 = hex::encode(hasher.finalize());
    if let Some(run_id) = run_id {
        let existed = blobs.path(&sha256).is_some_and(|p| p.exists());
        blobs.adopt(tmp, &sha256, size).map_err(|e| format!("ไฟล์ {display}: เก็บไม่ได้: {e}"))?;
        if !existed {
            store
                .run_sync(|c| imports::note_new_blob(c, run_id, &sha256))
                .map_err(|e| format!("ไฟล์ {display}: {e}"))?;
        }
    }
    Ok((kind.ext().to_owned(), sha256, size))
}

fn refusal_text(e: files::FileRefusal, _oversize_allowed: bool) -> String {
    match e {
        files::FileRefusal::TooLarge { .. } => format!("{e} (ใช้ --allow-oversize เพื่อรับไฟล์ที่ใหญ่กว่านี้)"),
        other => other.to_string(),
    }
}

/// Undoes run `run_id` as a whole: removes every item, file, held post and old URL it created,
/// and writes the audit line. `None` if there is no such run or it was already undone.
pub fn undo(store: &Store, run_id: i64, who: &Who) -> anyhow::Result<Option<imports::Undone>> {
    let Some(undone) = store.run_sync(|c| imports::undo(c, run_id))? else { return Ok(None) };
    for sha in &undone.files {
        if let Some(path) = store.blobs().path(sha) {
            let _ = std::fs::remove_file(path);
        }
    }
    let detail = format!(
        "ลบรายการ {} รอจัดหมวด {} ลิงก์เดิม {} ไฟล์ {}",
        undone.items,
        undone.held,
        undone.urls,
        undone.files.len()
    );
    store
        .run_sync(|c| audit::append(c, who, AuditAction::ImportUndo, &format!("import/{run_id}"), &detail))?;
    Ok(Some(undone))
}
