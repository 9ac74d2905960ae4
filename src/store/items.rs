//! Published items and their attachments.
//!
//! An item is visible to the public while it is in the `published` state, its publication time
//! has come and its end-of-publication date has not passed. The check is made in every public
//! query, so an item comes down on time even if the scheduler has not run yet.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension as _, Row, named_params};

use super::StoreResult;
use super::blobs::StoredBlob;

/// The moment at which visibility is judged.
#[derive(Debug, Clone, Copy)]
pub struct At {
    /// Unix seconds.
    pub unix: i64,
    /// The calendar date in Bangkok at that moment.
    pub today: Date,
}

impl At {
    /// The present moment.
    pub fn now() -> At {
        At::from(crate::thai::now())
    }
}

impl From<Timestamp> for At {
    fn from(ts: Timestamp) -> At {
        At { unix: ts.as_second(), today: crate::thai::date_of(ts) }
    }
}

/// The SQL condition under which item `i` is public at `:now` / `:today`.
pub(super) const VISIBLE: &str = "i.state = 'published' AND i.published_at <= :now \
                       AND (i.expires_on IS NULL OR i.expires_on >= :today)";

/// An item to be stored.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// `area/sub` key, see [`crate::categories::Place`].
    pub category: String,
    /// Title.
    pub title: String,
    /// Short summary shown in lists.
    pub summary: String,
    /// Body (CommonMark with tables; plain paragraphs stay as they were).
    pub body: String,
    /// Source or owner of the information (seed 2.1.3).
    pub source: String,
    /// Optional external link.
    pub link: Option<String>,
    /// First day of the period the information covers.
    pub period_from: Option<Date>,
    /// Last day of the period the information covers.
    pub period_to: Option<Date>,
    /// The information covers no period of time (a law, a manual), said so publicly.
    pub timeless: bool,
    /// When it is (or was) published; may be in the future.
    pub published_at: Timestamp,
    /// Last day it is shown; `None` for no end.
    pub expires_on: Option<Date>,
    /// Attached files, already in the blob store.
    pub attachments: Vec<NewAttachment>,
    /// The publication request it came from, if any.
    pub request_id: Option<i64>,
}

#[cfg(test)]
impl NewItem {
    /// For tests: `title` in `category`, published at `published` (RFC 3339) by the general
    /// administration group, with no summary, body, period, end date, files or request.
    pub(crate) fn sample(category: &str, title: &str, published: &str) -> NewItem {
        NewItem {
            category: category.into(),
            title: title.into(),
            summary: String::new(),
            body: String::new(),
            source: "กลุ่มงานบริหารทั่วไป".into(),
            link: None,
            period_from: None,
            period_to: None,
            timeless: false,
            published_at: published.parse().expect("an RFC 3339 time"),
            expires_on: None,
            attachments: vec![],
            request_id: None,
        }
    }
}

/// A file to attach to a new item.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// Name shown and offered on download.
    pub file_name: String,
    /// File type, the lower-case extension (`pdf`, `xlsx`, …).
    pub kind: String,
    /// The stored bytes.
    pub blob: StoredBlob,
    /// Text alternative shown for an image; empty for other files.
    pub alt: String,
}

/// A stored item with everything the public item page shows.
#[derive(Debug, Clone)]
pub struct Item {
    /// Row id, used in URLs.
    pub id: i64,
    /// `area/sub` key.
    pub category: String,
    /// Title.
    pub title: String,
    /// Short summary.
    pub summary: String,
    /// Body text.
    pub body: String,
    /// Source or owner of the information.
    pub source: String,
    /// External link.
    pub link: Option<String>,
    /// Period covered, first day.
    pub period_from: Option<Date>,
    /// Period covered, last day.
    pub period_to: Option<Date>,
    /// Covers no period of time (a law, a manual).
    pub timeless: bool,
    /// Publication time, Unix seconds.
    pub published_at: i64,
    /// End of publication.
    pub expires_on: Option<Date>,
    /// Last change, Unix seconds.
    pub updated_at: i64,
}

/// One attached file.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Row id, used in download URLs.
    pub id: i64,
    /// The item it belongs to.
    pub item_id: i64,
    /// Name offered on download.
    pub file_name: String,
    /// Lower-case extension.
    pub kind: String,
    /// Hash of the stored file.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Text alternative of an image (empty when none was given).
    pub alt: String,
}

/// A line in a listing.
#[derive(Debug, Clone)]
pub struct ItemSummary {
    /// Row id.
    pub id: i64,
    /// `area/sub` key.
    pub category: String,
    /// Title.
    pub title: String,
    /// Short summary.
    pub summary: String,
    /// Publication time, Unix seconds.
    pub published_at: i64,
    /// Kinds of the attached files, in order (`pdf`, `xlsx`, …).
    pub attachment_kinds: Vec<String>,
}

/// Which items a listing covers.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Every visible item.
    All,
    /// Every sub-category of one area (by area slug).
    Area(&'a str),
    /// Any of these `area/sub` keys.
    Categories(&'a [&'a str]),
}

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows of this page.
    pub rows: Vec<T>,
    /// Rows in the whole listing.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

impl<T> Page<T> {
    /// Number of pages in the whole listing (at least 1).
    pub fn pages(&self) -> u32 {
        let per = u64::from(self.per_page.max(1));
        u32::try_from(self.total.div_ceil(per)).unwrap_or(u32::MAX).max(1)
    }
}

fn date_col(row: &Row, idx: &str) -> rusqlite::Result<Option<Date>> {
    let text: Option<String> = row.get(idx)?;
    Ok(text.and_then(|t| t.parse().ok()))
}

fn item_from_row(row: &Row) -> rusqlite::Result<Item> {
    Ok(Item {
        id: row.get("id")?,
        category: row.get("category")?,
        title: row.get("title")?,
        summary: row.get("summary")?,
        body: row.get("body")?,
        source: row.get("source")?,
        link: row.get("link")?,
        period_from: date_col(row, "period_from")?,
        period_to: date_col(row, "period_to")?,
        timeless: row.get("timeless")?,
        published_at: row.get("published_at")?,
        expires_on: date_col(row, "expires_on")?,
        updated_at: row.get("updated_at")?,
    })
}

/// Stores a new item with its attachments in one transaction and returns its id.
pub fn insert(conn: &mut Connection, item: &NewItem) -> StoreResult<i64> {
    let tx = conn.transaction()?;
    let id = insert_in(&tx, item)?;
    tx.commit()?;
    Ok(id)
}

/// Stores a new item with its attachments inside the caller's transaction.
pub fn insert_in(tx: &Connection, item: &NewItem) -> StoreResult<i64> {
    let now = super::now_unix();
    tx.execute(
        "INSERT INTO items (category, title, summary, body, source, link, period_from, period_to, timeless,
                            published_at, expires_on, request_id, created_at, updated_at)
         VALUES (:category, :title, :summary, :body, :source, :link, :from, :to, :timeless,
                 :published, :expires, :request, :now, :now)",
        named_params! {
            ":category": item.category,
            ":title": item.title,
            ":summary": item.summary,
            ":body": item.body,
            ":source": item.source,
            ":link": item.link,
            ":from": item.period_from.map(|d| d.to_string()),
            ":to": item.period_to.map(|d| d.to_string()),
            ":timeless": item.timeless,
            ":published": item.published_at.as_second(),
            ":expires": item.expires_on.map(|d| d.to_string()),
            ":request": item.request_id,
            ":now": now,
        },
    )?;
    let id = tx.last_insert_rowid();
    for (position, a) in item.attachments.iter().enumerate() {
        tx.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, created_at) VALUES (?1, ?2, ?3)",
            (&a.blob.sha256, a.blob.size as i64, now),
        )?;
        tx.execute(
            "INSERT INTO attachments (item_id, position, file_name, kind, sha256, size, alt)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            (id, position as i64, &a.file_name, &a.kind, &a.blob.sha256, a.blob.size as i64, &a.alt),
        )?;
    }
    Ok(id)
}

/// An item in any state with its current attachments and its state (`published`, `withdrawn`
/// or `expired`), for staff pages.
pub fn by_id(conn: &Connection, id: i64) -> StoreResult<Option<(Item, Vec<Attachment>, String)>> {
    let found = conn
        .prepare_cached("SELECT * FROM items WHERE id = ?1")?
        .query_row([id], |r| Ok((item_from_row(r)?, r.get::<_, String>("state")?)))
        .optional()?;
    let Some((item, state)) = found else { return Ok(None) };
    let attachments = conn
        .prepare_cached(
            "SELECT id, item_id, file_name, kind, sha256, size, alt FROM attachments
             WHERE item_id = ?1 ORDER BY position",
        )?
        .query_map([id], attachment_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some((item, attachments, state)))
}

/// Replaces item `id`'s content, metadata and files with `item` (a published amendment) inside
/// the caller's transaction, keeping its id and so its address; a withdrawn item is back on
/// the site. Its first publication time stays (the revision records when it changed). A file
/// that is still there (same name and bytes) keeps its row, and so its
/// download address; files no longer listed lose theirs (their bytes stay for the revisions).
pub fn revise_in(tx: &Connection, id: i64, item: &NewItem) -> StoreResult<()> {
    let now = super::now_unix();
    let old: Vec<(i64, String, String)> = tx
        .prepare_cached("SELECT id, file_name, sha256 FROM attachments WHERE item_id = ?1 ORDER BY position")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut kept = Vec::new();
    // Positions are moved out of the way first, then set in the new order.
    tx.execute("UPDATE attachments SET position = position + 100000 WHERE item_id = ?1", [id])?;
    for (position, a) in item.attachments.iter().enumerate() {
        let same = old
            .iter()
            .find(|(row, name, sha)| !kept.contains(row) && *name == a.file_name && *sha == a.blob.sha256);
        match same {
            Some((row, _, _)) => {
                kept.push(*row);
                tx.execute(
                    "UPDATE attachments SET position = ?2, alt = ?3 WHERE id = ?1",
                    (row, position as i64, &a.alt),
                )?;
            }
            None => {
                tx.execute(
                    "INSERT OR IGNORE INTO blobs (sha256, size, created_at) VALUES (?1, ?2, ?3)",
                    (&a.blob.sha256, a.blob.size as i64, now),
                )?;
                tx.execute(
                    "INSERT INTO attachments (item_id, position, file_name, kind, sha256, size, alt)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    (id, position as i64, &a.file_name, &a.kind, &a.blob.sha256, a.blob.size as i64, &a.alt),
                )?;
            }
        }
    }
    for (row, _, _) in old.iter().filter(|(row, _, _)| !kept.contains(row)) {
        tx.execute("DELETE FROM attachments WHERE id = ?1", [row])?;
    }
    // Written after the files, so the search triggers index the new file names.
    tx.execute(
        "UPDATE items SET category = :category, title = :title, summary = :summary, body = :body,
                source = :source, link = :link, period_from = :from, period_to = :to,
                timeless = :timeless, expires_on = :expires, request_id = :request,
                state = 'published', updated_at = :now
         WHERE id = :id",
        named_params! {
            ":id": id,
            ":category": item.category,
            ":title": item.title,
            ":summary": item.summary,
            ":body": item.body,
            ":source": item.source,
            ":link": item.link,
            ":from": item.period_from.map(|d| d.to_string()),
            ":to": item.period_to.map(|d| d.to_string()),
            ":timeless": item.timeless,
            ":expires": item.expires_on.map(|d| d.to_string()),
            ":request": item.request_id,
            ":now": now,
        },
    )?;
    Ok(())
}

/// Why a stored item is not shown any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    /// Its end of publication has passed.
    Expired,
    /// A web master took it down.
    Withdrawn,
}

/// Whether an item that is not visible was taken down (the public page then answers 410).
pub fn gone(conn: &Connection, id: i64, at: At) -> StoreResult<Option<Gone>> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT state, expires_on FROM items WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match row {
        Some((state, _)) if state == "withdrawn" => Some(Gone::Withdrawn),
        Some((state, _)) if state == "expired" => Some(Gone::Expired),
        Some((_, Some(end))) if end < at.today.to_string() => Some(Gone::Expired),
        _ => None,
    })
}

/// Takes a published item down as `why` (withdrawn or expired), keeping it. `false` when it
/// was not published (already down).
pub fn take_down(conn: &Connection, id: i64, why: Gone) -> StoreResult<bool> {
    let state = match why {
        Gone::Withdrawn => "withdrawn",
        Gone::Expired => "expired",
    };
    let n = conn.execute(
        "UPDATE items SET state = ?3, updated_at = ?2 WHERE id = ?1 AND state = 'published'",
        (id, super::now_unix(), state),
    )?;
    Ok(n == 1)
}

/// Published items whose end date is before `today`, with their requests: what the expiry job
/// takes down.
pub fn due_for_expiry(conn: &Connection, today: Date) -> StoreResult<Vec<(i64, Option<i64>)>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, request_id FROM items
             WHERE state = 'published' AND expires_on IS NOT NULL AND expires_on < ?1 ORDER BY id",
        )?
        .query_map([today.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// An [`ItemSummary`] from a row whose first five columns are id, category, title, summary
/// and publication time, and whose column `kinds_at` lists the attachment kinds (comma-separated).
pub(super) fn summary_of(r: &rusqlite::Row<'_>, kinds_at: usize) -> rusqlite::Result<ItemSummary> {
    let kinds: Option<String> = r.get(kinds_at)?;
    Ok(ItemSummary {
        id: r.get(0)?,
        category: r.get(1)?,
        title: r.get(2)?,
        summary: r.get(3)?,
        published_at: r.get(4)?,
        attachment_kinds: kinds.map(|k| k.split(',').map(str::to_owned).collect()).unwrap_or_default(),
    })
}

/// Visible items that state no period covered and are not marked as covering none: what web
/// masters should complete (seed 2.1.3), newest first.
pub fn without_period(conn: &Connection, at: At) -> StoreResult<Vec<ItemSummary>> {
    let rows = conn
        .prepare_cached(
            "SELECT i.id, i.category, i.title, i.summary, i.published_at,
                    (SELECT group_concat(kind) FROM attachments WHERE item_id = i.id) AS kinds
             FROM items i
             WHERE i.state = 'published' AND i.published_at <= ?1
               AND (i.expires_on IS NULL OR i.expires_on >= ?2)
               AND i.period_from IS NULL AND i.period_to IS NULL AND i.timeless = 0
             ORDER BY i.published_at DESC, i.id DESC",
        )?
        .query_map((at.unix, at.today.to_string()), |r| summary_of(r, 5))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Published items whose end date is before `today` (the scheduler should have taken them
/// down; the health page reports any).
pub fn count_overdue(conn: &Connection, today: Date) -> StoreResult<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM items WHERE state = 'published' AND expires_on IS NOT NULL AND expires_on < ?1",
        [today.to_string()],
        |r| r.get(0),
    )?)
}

/// Published items whose end date falls within the next `days` days, soonest first.
pub fn ending_within(conn: &Connection, at: At, days: i64) -> StoreResult<Vec<(ItemSummary, Date)>> {
    let until = at.today.checked_add(jiff::Span::new().days(days)).unwrap_or(at.today);
    let sql = format!(
        "SELECT i.id, i.category, i.title, i.summary, i.published_at, i.expires_on FROM items i
         WHERE {VISIBLE} AND i.expires_on IS NOT NULL AND i.expires_on <= :until
         ORDER BY i.expires_on, i.id"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(
            named_params! {":now": at.unix, ":today": at.today.to_string(), ":until": until.to_string()},
            |r| {
                let end: String = r.get(5)?;
                Ok((
                    ItemSummary {
                        id: r.get(0)?,
                        category: r.get(1)?,
                        title: r.get(2)?,
                        summary: r.get(3)?,
                        published_at: r.get(4)?,
                        attachment_kinds: Vec::new(),
                    },
                    end,
                ))
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().filter_map(|(s, end)| Some((s, end.parse().ok()?))).collect())
}

/// Number of items stored, visible or not.
pub fn count_all(conn: &Connection) -> StoreResult<u64> {
    Ok(conn.query_row("SELECT count(*) FROM items", [], |r| r.get::<_, i64>(0))? as u64)
}

/// A visible item with its attachments, or `None` if there is none or it is not public.
pub fn visible(conn: &Connection, id: i64, at: At) -> StoreResult<Option<(Item, Vec<Attachment>)>> {
    let sql = format!("SELECT i.* FROM items i WHERE i.id = :id AND {VISIBLE}");
    let item = conn
        .prepare_cached(&sql)?
        .query_row(named_params! {":id": id, ":now": at.unix, ":today": at.today.to_string()}, item_from_row)
        .optional()?;
    let Some(item) = item else { return Ok(None) };
    let attachments = conn
        .prepare_cached(
            "SELECT id, item_id, file_name, kind, sha256, size, alt FROM attachments
             WHERE item_id = ?1 ORDER BY position",
        )?
        .query_map([id], attachment_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some((item, attachments)))
}

fn attachment_from_row(r: &Row) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        item_id: r.get(1)?,
        file_name: r.get(2)?,
        kind: r.get(3)?,
        sha256: r.get(4)?,
        size: r.get::<_, i64>(5)? as u64,
        alt: r.get(6)?,
    })
}

/// An attachment whose item is visible, for download.
pub fn visible_attachment(conn: &Connection, id: i64, at: At) -> StoreResult<Option<Attachment>> {
    let sql = format!(
        "SELECT a.id, a.item_id, a.file_name, a.kind, a.sha256, a.size, a.alt
         FROM attachments a JOIN items i ON i.id = a.item_id
         WHERE a.id = :id AND {VISIBLE}"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(
            named_params! {":id": id, ":now": at.unix, ":today": at.today.to_string()},
            attachment_from_row,
        )
        .optional()?)
}

/// An attachment by id whatever its item's state, for staff (the original of a photo).
pub fn attachment(conn: &Connection, id: i64) -> StoreResult<Option<Attachment>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, item_id, file_name, kind, sha256, size, alt FROM attachments WHERE id = ?1",
        )?
        .query_row([id], attachment_from_row)
        .optional()?)
}

/// The first photo (JPEG or PNG, in attachment order) of an item, and how many it has.
#[derive(Debug, Clone)]
pub struct Cover {
    /// The first photo.
    pub photo: Attachment,
    /// The item's photos in all.
    pub count: usize,
}

/// The cover photo of each of `items` that has one, by item id.
pub fn covers(conn: &Connection, items: &[i64]) -> StoreResult<std::collections::HashMap<i64, Cover>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, item_id, file_name, kind, sha256, size, alt FROM attachments
         WHERE item_id = ?1 AND kind IN ('jpg', 'jpeg', 'png') ORDER BY position",
    )?;
    let mut out = std::collections::HashMap::new();
    for &id in items {
        let photos = stmt.query_map([id], attachment_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        let count = photos.len();
        if let Some(photo) = photos.into_iter().next() {
            out.insert(id, Cover { photo, count });
        }
    }
    Ok(out)
}

/// A scope turned into SQL: the extra `WHERE` condition and its named parameters.
struct Filter {
    sql: String,
    names: Vec<String>,
    values: Vec<String>,
    today: String,
    now: i64,
}

impl Filter {
    fn new(scope: Scope<'_>, at: At) -> Filter {
        let (sql, values): (String, Vec<String>) = match scope {
            Scope::All => (String::new(), vec![]),
            // `category` is `area/sub`: a range over the index instead of LIKE.
            Scope::Area(area) => (
                "AND i.category >= :k0 AND i.category < :k1".into(),
                vec![format!("{area}/"), format!("{area}0")],
            ),
            Scope::Categories(cats) => {
                let names: Vec<String> = (0..cats.len()).map(|n| format!(":k{n}")).collect();
                (
                    format!("AND i.category IN ({})", names.join(", ")),
                    cats.iter().map(|c| c.to_string()).collect(),
                )
            }
        };
        Filter {
            sql,
            names: (0..values.len()).map(|n| format!(":k{n}")).collect(),
            values,
            today: at.today.to_string(),
            now: at.unix,
        }
    }

    fn params(&self) -> Vec<(&str, &dyn rusqlite::ToSql)> {
        let mut params: Vec<(&str, &dyn rusqlite::ToSql)> =
            vec![(":now", &self.now), (":today", &self.today)];
        for (name, value) in self.names.iter().zip(&self.values) {
            params.push((name.as_str(), value));
        }
        params
    }

    fn count(&self, conn: &Connection) -> StoreResult<u64> {
        let sql = format!("SELECT count(*) FROM items i WHERE {VISIBLE} {}", self.sql);
        let n: i64 = conn.prepare_cached(&sql)?.query_row(self.params().as_slice(), |r| r.get(0))?;
        Ok(n as u64)
    }

    fn rows(&self, conn: &Connection, limit: i64, offset: i64) -> StoreResult<Vec<ItemSummary>> {
        // Pick the page's ids from the covering index first, then read only those rows:
        // sorting whole rows (with their bodies) for a page of twenty is what made listings
        // slow.
        let sql = format!(
            "SELECT i.id, i.category, i.title, i.summary, i.published_at,
                    (SELECT group_concat(kind, ',') FROM
                        (SELECT kind FROM attachments WHERE item_id = i.id ORDER BY position))
             FROM items i JOIN (
                 SELECT i.id FROM items i WHERE {VISIBLE} {}
                 ORDER BY i.published_at DESC, i.id DESC LIMIT :limit OFFSET :offset
             ) AS pick ON pick.id = i.id
             ORDER BY i.published_at DESC, i.id DESC",
            self.sql
        );
        let mut params = self.params();
        params.push((":limit", &limit));
        params.push((":offset", &offset));
        let rows = conn
            .prepare_cached(&sql)?
            .query_map(params.as_slice(), |r| summary_of(r, 5))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// One page of visible items in `scope`, newest first, with the size of the whole listing.
pub fn list(
    conn: &Connection,
    scope: Scope<'_>,
    page: u32,
    per_page: u32,
    at: At,
) -> StoreResult<Page<ItemSummary>> {
    let page = page.max(1);
    let filter = Filter::new(scope, at);
    let limit = i64::from(per_page);
    Ok(Page {
        total: filter.count(conn)?,
        rows: filter.rows(conn, limit, i64::from(page - 1) * limit)?,
        page,
        per_page,
    })
}

/// The newest `n` visible items in `scope`, without counting the rest.
pub fn latest(conn: &Connection, scope: Scope<'_>, n: u32, at: At) -> StoreResult<Vec<ItemSummary>> {
    Filter::new(scope, at).rows(conn, i64::from(n), 0)
}

/// Number of visible items per `area/sub` key.
pub fn counts_by_category(conn: &Connection, at: At) -> StoreResult<Vec<(String, u64)>> {
    let sql = format!("SELECT i.category, count(*) FROM items i WHERE {VISIBLE} GROUP BY i.category");
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(named_params! {":now": at.unix, ":today": at.today.to_string()}, |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// When the public content last changed: the newest of the visible items' publication and
/// update times.
pub fn last_updated(conn: &Connection, at: At) -> StoreResult<Option<i64>> {
    let sql = format!("SELECT max(max(i.published_at, i.updated_at)) FROM items i WHERE {VISIBLE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(named_params! {":now": at.unix, ":today": at.today.to_string()}, |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use jiff::civil::date;

    fn item(category: &str, title: &str, published: &str, expires: Option<Date>) -> NewItem {
        NewItem {
            summary: "สรุป".into(),
            body: "เนื้อหา".into(),
            period_from: Some(date(2025, 10, 1)),
            period_to: Some(date(2026, 9, 30)),
            timeless: false,
            expires_on: expires,
            ..NewItem::sample(category, title, published)
        }
    }

    #[test]
    fn visibility_follows_publication_and_end_dates() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let at = At::from("2026-06-01T05:00:00Z".parse::<Timestamp>().unwrap());
        let blob = store.blobs().put(b"%PDF-1.4 test").unwrap();
        let (live, future, expired, last_day) = store
            .run_sync(|c| {
                let mut live = item("news/general", "ข่าวปัจจุบัน", "2026-05-01T03:00:00Z", None);
                live.attachments.push(NewAttachment {
                    file_name: "ประกาศ.pdf".into(),
                    kind: "pdf".into(),
                    blob: blob.clone(),
                    alt: String::new(),
                });
                Ok((
                    insert(c, &live)?,
                    insert(c, &item("news/general", "ข่าวล่วงหน้า", "2026-07-01T03:00:00Z", None))?,
                    insert(c, &item("news/jobs", "หมดอายุ", "2026-01-01T03:00:00Z", Some(date(2026, 5, 31))))?,
                    insert(c, &item("news/jobs", "วันสุดท้าย", "2026-01-01T03:00:00Z", Some(date(2026, 6, 1))))?,
                ))
            })
            .unwrap();
        store
            .run_sync(|c| {
                let (it, files) = visible(c, live, at)?.expect("live item is visible");
                assert_eq!(it.title, "ข่าวปัจจุบัน");
                assert_eq!(files.len(), 1);
                assert!(visible_attachment(c, files[0].id, at)?.is_some());
                assert!(visible(c, future, at)?.is_none(), "future item hidden");
                assert!(visible(c, expired, at)?.is_none(), "expired item hidden");
                assert!(visible(c, last_day, at)?.is_some(), "shown on its last day");

                let all = list(c, Scope::All, 1, 10, at)?;
                assert_eq!(all.total, 2);
                assert_eq!(all.rows[0].title, "ข่าวปัจจุบัน", "newest first");
                assert_eq!(all.rows[0].attachment_kinds, vec!["pdf"]);
                assert_eq!(latest(c, Scope::All, 1, at)?[0].id, live);
                assert_eq!(list(c, Scope::Area("news"), 1, 10, at)?.total, 2);
                assert_eq!(list(c, Scope::Area("law"), 1, 10, at)?.total, 0);
                let jobs = list(c, Scope::Categories(&["news/jobs"]), 1, 10, at)?;
                assert_eq!(jobs.total, 1);
                assert_eq!(count_all(c)?, 4);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn pages_are_counted_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let at = At::from("2026-06-01T05:00:00Z".parse::<Timestamp>().unwrap());
        store
            .run_sync(|c| {
                for n in 0..25 {
                    insert(c, &item("news/general", &format!("ข่าว {n}"), "2026-05-01T03:00:00Z", None))?;
                }
                let p3 = list(c, Scope::Area("news"), 3, 10, at)?;
                assert_eq!((p3.total, p3.pages(), p3.rows.len()), (25, 3, 5));
                assert_eq!(list(c, Scope::All, 9, 10, at)?.rows.len(), 0);
                Ok(())
            })
            .unwrap();
    }
}
