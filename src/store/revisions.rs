//! Every published version of an item (its revisions), with its files and who brought it.
//!
//! Revision 1 is what was first published; each published amendment adds the next one. The
//! item row always holds the newest revision that is online; the rows here are the history
//! (and the files of old revisions stay in the blob store, downloadable by staff). An
//! amendment published with a later date is a *pending* revision: recorded, not online, until
//! `store::requests::apply_due_revisions` puts it on the item at its time.

use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::{Connection, OptionalExtension as _, Row};

use super::StoreResult;
use super::items::{Attachment, NewItem};

/// One published version of an item.
#[derive(Debug, Clone)]
pub struct Revision {
    /// Row id.
    pub id: i64,
    /// The item.
    pub item_id: i64,
    /// 1 for the first publication, then 2, 3, …
    pub number: i64,
    /// `area/sub` key.
    pub category: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Body (CommonMark).
    pub body: String,
    /// Source of the information.
    pub source: String,
    /// External link.
    pub link: Option<String>,
    /// Period covered, first day (ISO date).
    pub period_from: Option<String>,
    /// Period covered, last day (ISO date).
    pub period_to: Option<String>,
    /// When this version went (or goes) live, Unix seconds.
    pub published_at: i64,
    /// End of publication (ISO date).
    pub expires_on: Option<String>,
    /// The request (or amendment) it came from.
    pub request_id: Option<i64>,
    /// What changed and why (empty for the first publication).
    pub note: String,
    /// Who asked for it.
    pub requested_by: String,
    /// Who approved it (a verbal approval says so).
    pub approved_by: String,
    /// Who published it.
    pub published_by: String,
    /// When it was recorded, Unix seconds.
    pub created_at: i64,
    /// Covers no particular period (the item's `timeless` flag in this version).
    pub timeless: bool,
    /// Scheduled: recorded but not online yet (goes live at `published_at`).
    pub pending: bool,
    /// Its files, in order (their `item_id` is the item).
    pub files: Vec<Attachment>,
}

/// The compliance tags a revision brings: they replace the item's tags of one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagChange {
    /// The fiscal year (B.E.) whose tags are replaced.
    pub fiscal_year: i32,
    /// The item's tags of that year afterwards.
    pub tags: Vec<super::compliance::NewTag>,
}

impl TagChange {
    /// One line per tag, `scheme|code|year|period` (what the checklists allow in a code never
    /// holds `|` or a line end).
    fn encode(&self) -> String {
        self.tags
            .iter()
            .map(|t| format!("{}|{}|{}|{}", t.scheme, t.code, t.fiscal_year, t.period))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn decode(fiscal_year: i32, text: &str) -> TagChange {
        let tags = text
            .lines()
            .filter_map(|l| {
                let mut p = l.split('|');
                Some(super::compliance::NewTag {
                    scheme: p.next()?.to_owned(),
                    code: p.next()?.to_owned(),
                    fiscal_year: p.next()?.parse().ok()?,
                    period: p.next().unwrap_or("").to_owned(),
                })
            })
            .collect();
        TagChange { fiscal_year, tags }
    }
}

/// Who brought a revision, as names kept with it (accounts may be renamed or removed later).
#[derive(Debug, Clone, Default)]
pub struct People {
    /// The requester's name.
    pub requested_by: String,
    /// The approver's name.
    pub approved_by: String,
    /// The web master's name.
    pub published_by: String,
}

fn from_row(r: &Row) -> rusqlite::Result<Revision> {
    Ok(Revision {
        id: r.get("id")?,
        item_id: r.get("item_id")?,
        number: r.get("number")?,
        category: r.get("category")?,
        title: r.get("title")?,
        summary: r.get("summary")?,
        body: r.get("body")?,
        source: r.get("source")?,
        link: r.get("link")?,
        period_from: r.get("period_from")?,
        period_to: r.get("period_to")?,
        published_at: r.get("published_at")?,
        expires_on: r.get("expires_on")?,
        request_id: r.get("request_id")?,
        note: r.get("note")?,
        requested_by: r.get("requested_by")?,
        approved_by: r.get("approved_by")?,
        published_by: r.get("published_by")?,
        created_at: r.get("created_at")?,
        timeless: r.get("timeless")?,
        pending: r.get("pending")?,
        files: Vec::new(),
    })
}

/// Records `item` as the next revision of item `item_id` (inside the caller's transaction)
/// and returns its number.
pub fn add_in(
    tx: &Connection,
    item_id: i64,
    item: &NewItem,
    note: &str,
    people: &People,
) -> StoreResult<i64> {
    insert(tx, item_id, item, note, people, None)
}

/// Records `item` as the next revision of item `item_id`, not online yet: it goes live at its
/// `published_at`, bringing `tags` (see [`due`]). Returns its number.
pub fn add_pending_in(
    tx: &Connection,
    item_id: i64,
    item: &NewItem,
    note: &str,
    people: &People,
    tags: Option<&TagChange>,
) -> StoreResult<i64> {
    insert(tx, item_id, item, note, people, Some(tags))
}

/// Pending revisions this process has recorded, counted so that the scheduler knows when to
/// look again for the next one due (see [`next_due`]).
static PENDING_RECORDED: AtomicU64 = AtomicU64::new(0);

/// How many pending revisions this process has recorded so far.
pub fn pending_recorded() -> u64 {
    PENDING_RECORDED.load(Ordering::Relaxed)
}

/// Pending revisions (`r`) that may still go live on `:today`: not of items that expired first
/// (taken down, or past their end date and about to be: an amendment of an expired item is
/// refused, and the expiry job cancels it).
const WAITING: &str = "FROM item_revisions r JOIN items i ON i.id = r.item_id
     WHERE r.pending = 1 AND i.state <> 'expired'
       AND NOT (i.expires_on IS NOT NULL AND i.expires_on < :today)";

/// When the next pending revision comes due (Unix seconds) by the rules of [`due`]; `None`
/// when none waits.
pub fn next_due(conn: &Connection, today: jiff::civil::Date) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached(&format!("SELECT min(r.published_at) {WAITING}"))?
        .query_row(rusqlite::named_params! {":today": today.to_string()}, |r| r.get(0))?)
}

fn insert(
    tx: &Connection,
    item_id: i64,
    item: &NewItem,
    note: &str,
    people: &People,
    pending: Option<Option<&TagChange>>,
) -> StoreResult<i64> {
    let number: i64 = tx.query_row(
        "SELECT coalesce(max(number), 0) + 1 FROM item_revisions WHERE item_id = ?1",
        [item_id],
        |r| r.get(0),
    )?;
    let tags = pending.flatten();
    tx.execute(
        "INSERT INTO item_revisions (item_id, number, category, title, summary, body, source, link,
                                     period_from, period_to, published_at, expires_on, request_id,
                                     note, requested_by, approved_by, published_by, created_at,
                                     timeless, pending, tag_year, tags)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22)",
        rusqlite::params![
            item_id,
            number,
            item.category,
            item.title,
            item.summary,
            item.body,
            item.source,
            item.link,
            item.period_from.map(|d| d.to_string()),
            item.period_to.map(|d| d.to_string()),
            item.published_at.as_second(),
            item.expires_on.map(|d| d.to_string()),
            item.request_id,
            note.trim(),
            people.requested_by,
            people.approved_by,
            people.published_by,
            super::now_unix(),
            item.timeless,
            pending.is_some(),
            tags.map(|t| t.fiscal_year),
            tags.map(TagChange::encode).unwrap_or_default(),
        ],
    )?;
    let revision = tx.last_insert_rowid();
    if pending.is_some() {
        PENDING_RECORDED.fetch_add(1, Ordering::Relaxed);
    }
    for (position, a) in item.attachments.iter().enumerate() {
        tx.execute(
            "INSERT INTO item_revision_files (revision_id, position, file_name, kind, sha256, size, alt)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            (revision, position as i64, &a.file_name, &a.kind, &a.blob.sha256, a.blob.size as i64, &a.alt),
        )?;
    }
    Ok(number)
}

/// A pending revision that is due, as the item's new content.
#[derive(Debug, Clone)]
pub struct Due {
    /// The revision row.
    pub id: i64,
    /// The item it revises.
    pub item_id: i64,
    /// Its content, as stored when the amendment was published.
    pub item: NewItem,
    /// The tags it brings.
    pub tags: Option<TagChange>,
}

/// Pending revisions whose time has come (`published_at <= now`), oldest first, of items that
/// have not expired first (see [`WAITING`]).
pub fn due(conn: &Connection, now: i64, today: jiff::civil::Date) -> StoreResult<Vec<Due>> {
    let rows: Vec<(Revision, Option<i32>, String)> = conn
        .prepare_cached(&format!(
            "SELECT r.* {WAITING} AND r.published_at <= :now ORDER BY r.published_at, r.id"
        ))?
        .query_map(rusqlite::named_params! {":now": now, ":today": today.to_string()}, |r| {
            Ok((from_row(r)?, r.get("tag_year")?, r.get("tags")?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (rev, tag_year, tags) in rows {
        let files = files(conn, rev.id, rev.item_id)?;
        let date = |d: &Option<String>| d.as_deref().and_then(|d| d.parse().ok());
        out.push(Due {
            id: rev.id,
            item_id: rev.item_id,
            tags: tag_year.map(|y| TagChange::decode(y, &tags)),
            item: NewItem {
                category: rev.category,
                title: rev.title,
                summary: rev.summary,
                body: rev.body,
                source: rev.source,
                link: rev.link,
                period_from: date(&rev.period_from),
                period_to: date(&rev.period_to),
                timeless: rev.timeless,
                published_at: jiff::Timestamp::from_second(rev.published_at).unwrap_or_default(),
                expires_on: date(&rev.expires_on),
                attachments: files
                    .into_iter()
                    .map(|f| super::items::NewAttachment {
                        file_name: f.file_name,
                        kind: f.kind,
                        blob: super::blobs::StoredBlob { sha256: f.sha256, size: f.size },
                        alt: f.alt,
                    })
                    .collect(),
                request_id: rev.request_id,
            },
        });
    }
    Ok(out)
}

/// Marks revision `id` as online.
pub fn mark_applied(tx: &Connection, id: i64) -> StoreResult<()> {
    tx.execute("UPDATE item_revisions SET pending = 0, tags = '' WHERE id = ?1", [id])?;
    Ok(())
}

/// The pending revision of request `request_id`: when it goes live (Unix seconds).
pub fn pending_of_request(conn: &Connection, request_id: i64) -> StoreResult<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT published_at FROM item_revisions WHERE request_id = ?1 AND pending = 1",
            [request_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The request of item `item_id`'s pending revision, if one waits.
pub fn pending_of_item(conn: &Connection, item_id: i64) -> StoreResult<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT request_id FROM item_revisions WHERE item_id = ?1 AND pending = 1 ORDER BY number LIMIT 1",
            [item_id],
            |r| r.get::<_, Option<i64>>(0),
        )
        .optional()?
        .flatten())
}

/// The requests of every pending revision of item `item_id`, oldest first.
pub fn pending_requests_of_item(conn: &Connection, item_id: i64) -> StoreResult<Vec<i64>> {
    let ids = conn
        .prepare("SELECT request_id FROM item_revisions WHERE item_id = ?1 AND pending = 1 ORDER BY number")?
        .query_map([item_id], |r| r.get::<_, Option<i64>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids.into_iter().flatten().collect())
}

/// Drops every pending revision of item `item_id` (it expired before they went live);
/// returns the requests they came from.
pub fn cancel_pending_of_item(tx: &Connection, item_id: i64) -> StoreResult<Vec<i64>> {
    Ok(tx
        .prepare("DELETE FROM item_revisions WHERE item_id = ?1 AND pending = 1 RETURNING request_id")?
        .query_map([item_id], |r| r.get::<_, Option<i64>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect())
}

/// Drops the pending revision of request `request_id` (withdrawn before it went live); the
/// version online stays. Whether there was one.
pub fn cancel_pending(tx: &Connection, request_id: i64) -> StoreResult<bool> {
    Ok(tx.execute("DELETE FROM item_revisions WHERE request_id = ?1 AND pending = 1", [request_id])? > 0)
}

/// Whether item `item_id` has any revision recorded.
pub fn has_any(conn: &Connection, item_id: i64) -> StoreResult<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM item_revisions WHERE item_id = ?1)", [item_id], |r| {
        r.get(0)
    })?)
}

fn files(conn: &Connection, revision_id: i64, item_id: i64) -> StoreResult<Vec<Attachment>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, file_name, kind, sha256, size, alt FROM item_revision_files
             WHERE revision_id = ?1 ORDER BY position",
        )?
        .query_map([revision_id], |r| {
            Ok(Attachment {
                id: r.get(0)?,
                item_id,
                file_name: r.get(1)?,
                kind: r.get(2)?,
                sha256: r.get(3)?,
                size: r.get::<_, i64>(4)? as u64,
                alt: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every revision of an item with its files, oldest first.
pub fn of_item(conn: &Connection, item_id: i64) -> StoreResult<Vec<Revision>> {
    let mut rows = conn
        .prepare_cached("SELECT * FROM item_revisions WHERE item_id = ?1 ORDER BY number")?
        .query_map([item_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for rev in &mut rows {
        rev.files = files(conn, rev.id, item_id)?;
    }
    Ok(rows)
}

/// The public change log of an item: (when it went online, note) of each revision after the
/// first that is online, newest first.
pub fn change_log(conn: &Connection, item_id: i64) -> StoreResult<Vec<(i64, String)>> {
    let rows = conn
        .prepare_cached(
            "SELECT max(created_at, published_at), note FROM item_revisions
             WHERE item_id = ?1 AND number > 1 AND pending = 0 ORDER BY number DESC",
        )?
        .query_map([item_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A file of any revision (for staff), with the item it belongs to.
pub fn file(conn: &Connection, file_id: i64) -> StoreResult<Option<Attachment>> {
    Ok(conn
        .prepare_cached(
            "SELECT f.id, r.item_id, f.file_name, f.kind, f.sha256, f.size, f.alt
             FROM item_revision_files f JOIN item_revisions r ON r.id = f.revision_id WHERE f.id = ?1",
        )?
        .query_row([file_id], |r| {
            Ok(Attachment {
                id: r.get(0)?,
                item_id: r.get(1)?,
                file_name: r.get(2)?,
                kind: r.get(3)?,
                sha256: r.get(4)?,
                size: r.get::<_, i64>(5)? as u64,
                alt: r.get(6)?,
            })
        })
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::compliance::NewTag;
    use jiff::civil::date;

    fn tag(code: &str, year: i32) -> NewTag {
        NewTag { scheme: "MOIT".into(), code: code.into(), fiscal_year: year, period: String::new() }
    }

    #[test]
    fn a_pending_revision_goes_live_at_its_time_unless_the_item_expired_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now: i64 = "2026-06-05T01:00:00Z".parse::<jiff::Timestamp>().unwrap().as_second();
        let today = date(2026, 6, 5);
        store
            .run_sync(|c| {
                let mut first = NewItem::sample("news/general", "ข่าวเดิม", "2026-05-01T03:00:00Z");
                first.timeless = true;
                let live = crate::store::items::insert(c, &first)?;
                add_in(c, live, &first, "", &People::default())?;
                crate::store::compliance::add_tags(
                    c,
                    live,
                    &[tag("MOIT 1", 2569), tag("MOIT 2", 2569), tag("MOIT 3", 2568)],
                    None,
                )?;
                let mut later = NewItem::sample("news/general", "ข่าวฉบับแก้ไข", "2026-06-05T01:00:00Z");
                later.timeless = false;
                let change =
                    TagChange { fiscal_year: 2569, tags: vec![tag("MOIT 2", 2569), tag("MOIT 4", 2569)] };
                let recorded = pending_recorded();
                add_pending_in(c, live, &later, "แก้หัวข้อ", &People::default(), Some(&change))?;
                assert!(pending_recorded() > recorded, "the scheduler is told to look again");
                // Its time not come: nothing due, the item as it was; the scheduler knows when.
                assert!(due(c, now - 1, today)?.is_empty());
                assert_eq!(next_due(c, today)?, Some(now));
                // An item past its end date: its pending revision never comes due.
                let mut ending = NewItem::sample("news/jobs", "ประกาศที่สิ้นสุดแล้ว", "2026-05-01T03:00:00Z");
                ending.expires_on = Some(date(2026, 6, 4));
                let gone = crate::store::items::insert(c, &ending)?;
                let mut extended = ending.clone();
                extended.published_at = "2026-06-05T01:00:00Z".parse().unwrap();
                extended.expires_on = Some(date(2026, 12, 31));
                add_pending_in(c, gone, &extended, "ขยายเวลา", &People::default(), None)?;
                let ready = due(c, now, today)?;
                assert_eq!(ready.len(), 1);
                assert_eq!(ready[0].item_id, live);
                assert_eq!(ready[0].tags.as_ref(), Some(&change));
                Ok(live)
            })
            .unwrap();
        let applied = store.run_sync(|c| crate::store::requests::apply_due_revisions(c, now, today)).unwrap();
        assert_eq!(applied, 1);
        store
            .run_sync(|c| {
                let (item, _, _) = crate::store::items::by_id(c, 1)?.unwrap();
                assert_eq!(item.title, "ข่าวฉบับแก้ไข");
                // What still waits is the expired item's, which never comes due.
                assert_eq!(next_due(c, today)?, None);
                assert!(!item.timeless, "the revision's flag");
                let mut tags: Vec<(String, i32)> = crate::store::compliance::tags_of(c, 1)?
                    .into_iter()
                    .map(|t| (t.tag.code, t.tag.fiscal_year))
                    .collect();
                tags.sort();
                assert_eq!(
                    tags,
                    [("MOIT 2".into(), 2569), ("MOIT 3".into(), 2568), ("MOIT 4".into(), 2569)],
                    "the year's tags follow the amendment; other years stay"
                );
                let revs = of_item(c, 1)?;
                assert_eq!(
                    revs.iter().map(|r| (r.number, r.timeless, r.pending)).collect::<Vec<_>>(),
                    [(1, true, false), (2, false, false)]
                );
                assert_eq!(change_log(c, 1)?.len(), 1);
                assert!(due(c, now + 86_400, today)?.is_empty(), "applied once");
                Ok(())
            })
            .unwrap();
        // The expiry job cancels the expired item's pending revision.
        let n = store.run_sync(|c| crate::store::requests::expire_due(c, today)).unwrap();
        assert_eq!(n, 1);
        store
            .run_sync(|c| {
                assert_eq!(pending_of_item(c, 2)?, None);
                assert!(of_item(c, 2)?.iter().all(|r| !r.pending));
                let (item, _, state) = crate::store::items::by_id(c, 2)?.unwrap();
                assert_eq!((item.title.as_str(), state.as_str()), ("ประกาศที่สิ้นสุดแล้ว", "expired"));
                Ok(())
            })
            .unwrap();
    }
}
