//! Compliance data: checklist files imported by an admin, and the checklist items each
//! published item is tagged as evidence for.

use jiff::Timestamp;
use rusqlite::{Connection, named_params};

use super::audit::{self, Who};
use super::items::{At, VISIBLE};
use super::{StoreResult, now_unix};
use crate::compliance::checklist::{self, Checklist, Invalid};
use crate::compliance::period::Period;
use crate::compliance::status::Evidence;
use crate::workflow::audit::AuditAction;

/// A tag to store: this item is evidence for `code` of `scheme` in `fiscal_year`, `period`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NewTag {
    /// Scheme id, e.g. `MOIT`.
    pub scheme: String,
    /// Item code within the checklist in force for `fiscal_year`.
    pub code: String,
    /// Fiscal year (B.E.) it counts for.
    pub fiscal_year: i32,
    /// Stored period (see [`Period::code`]).
    pub period: String,
}

/// A stored tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Row id.
    pub id: i64,
    /// The tagged item.
    pub item_id: i64,
    /// What it says.
    pub tag: NewTag,
    /// Who ticked it, by name (None: tagged before taggers were recorded).
    pub tagged_by: Option<(i64, String)>,
    /// When, Unix seconds.
    pub tagged_at: i64,
    /// Who confirmed it after the dashboard asked, by name, and when.
    pub confirmed: Option<(i64, String, i64)>,
}

/// Adds `tags` to item `item_id` as ticked by account `by` (tags it already has are kept once,
/// with their first tagger).
pub fn add_tags(conn: &Connection, item_id: i64, tags: &[NewTag], by: Option<i64>) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO compliance_tags (item_id, scheme, code, fiscal_year, period, created_at, tagged_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for t in tags {
        stmt.execute((item_id, &t.scheme, &t.code, t.fiscal_year, &t.period, now_unix(), by))?;
    }
    Ok(())
}

/// Makes `tags` the item's tags for fiscal year `fiscal_year` (a published amendment brings
/// its tags): tags of that year not listed go, listed ones are added (those already there keep
/// their tagger and confirmation); other years' tags stay. Returns (added, removed).
pub fn replace_year_tags(
    conn: &Connection,
    item_id: i64,
    fiscal_year: i32,
    tags: &[NewTag],
    by: Option<i64>,
) -> StoreResult<(usize, usize)> {
    let existing: Vec<(i64, NewTag)> = conn
        .prepare_cached(
            "SELECT id, scheme, code, fiscal_year, period FROM compliance_tags
             WHERE item_id = ?1 AND fiscal_year = ?2",
        )?
        .query_map((item_id, fiscal_year), |r| {
            Ok((
                r.get(0)?,
                NewTag { scheme: r.get(1)?, code: r.get(2)?, fiscal_year: r.get(3)?, period: r.get(4)? },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let gone: Vec<i64> = existing.iter().filter(|(_, t)| !tags.contains(t)).map(|(id, _)| *id).collect();
    let removed = remove_tags(conn, item_id, &gone)?;
    let new: Vec<NewTag> = tags.iter().filter(|t| !existing.iter().any(|(_, e)| e == *t)).cloned().collect();
    add_tags(conn, item_id, &new, by)?;
    Ok((new.len(), removed))
}

/// Removes the tags with these ids from item `item_id`; returns how many went.
pub fn remove_tags(conn: &Connection, item_id: i64, ids: &[i64]) -> StoreResult<usize> {
    let mut n = 0;
    let mut stmt = conn.prepare_cached("DELETE FROM compliance_tags WHERE id = ?1 AND item_id = ?2")?;
    for id in ids {
        n += stmt.execute((id, item_id))?;
    }
    Ok(n)
}

/// Columns of a [`Tag`], from `compliance_tags t`.
const TAG_COLUMNS: &str = "SELECT t.id, t.item_id, t.scheme, t.code, t.fiscal_year, t.period, t.tagged_by,
        (SELECT name FROM users WHERE id = t.tagged_by), t.created_at,
        t.confirmed_by, (SELECT name FROM users WHERE id = t.confirmed_by), t.confirmed_at
     FROM compliance_tags t";

/// The tags of one item, by year, scheme and code.
pub fn tags_of(conn: &Connection, item_id: i64) -> StoreResult<Vec<Tag>> {
    let sql =
        format!("{TAG_COLUMNS} WHERE t.item_id = ?1 ORDER BY t.fiscal_year DESC, t.scheme, t.code, t.period");
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([item_id], tag_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One tag by id.
pub fn tag(conn: &Connection, id: i64) -> StoreResult<Option<Tag>> {
    let sql = format!("{TAG_COLUMNS} WHERE t.id = ?1");
    Ok(rusqlite::OptionalExtension::optional(conn.prepare_cached(&sql)?.query_row([id], tag_from_row))?)
}

fn tag_from_row(r: &rusqlite::Row) -> rusqlite::Result<Tag> {
    let tagger: Option<i64> = r.get(6)?;
    let confirmer: Option<i64> = r.get(9)?;
    Ok(Tag {
        id: r.get(0)?,
        item_id: r.get(1)?,
        tag: NewTag { scheme: r.get(2)?, code: r.get(3)?, fiscal_year: r.get(4)?, period: r.get(5)? },
        tagged_by: tagger
            .map(|id| Ok::<_, rusqlite::Error>((id, r.get::<_, Option<String>>(7)?.unwrap_or_default())))
            .transpose()?,
        tagged_at: r.get(8)?,
        confirmed: match confirmer {
            Some(id) => Some((
                id,
                r.get::<_, Option<String>>(10)?.unwrap_or_default(),
                r.get::<_, Option<i64>>(11)?.unwrap_or_default(),
            )),
            None => None,
        },
    })
}

/// Why a confirmation was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotConfirmed {
    /// No such tag.
    Missing,
    /// The one who ticked it cannot be its second pair of eyes.
    OwnTag,
}

/// Records that account `by` looked again at tag `id` and confirms it, unless `by` ticked it.
pub fn confirm_tag(conn: &Connection, id: i64, who: &Who) -> StoreResult<Result<Tag, NotConfirmed>> {
    let Some(t) = tag(conn, id)? else { return Ok(Err(NotConfirmed::Missing)) };
    if t.tagged_by.as_ref().is_some_and(|(by, _)| Some(*by) == who.user_id) {
        return Ok(Err(NotConfirmed::OwnTag));
    }
    conn.execute(
        "UPDATE compliance_tags SET confirmed_by = ?2, confirmed_at = ?3 WHERE id = ?1",
        (id, who.user_id, now_unix()),
    )?;
    let detail = format!("{} {} {} {}", t.tag.scheme, t.tag.code, t.tag.fiscal_year, t.tag.period);
    audit::append(conn, who, AuditAction::TagConfirm, &format!("item/{}", t.item_id), detail.trim())?;
    Ok(tag(conn, id)?.ok_or(NotConfirmed::Missing))
}

/// One piece of tagged evidence with what the checks need to judge it.
#[derive(Debug, Clone)]
pub struct EvidenceRow {
    /// The checklist item's code.
    pub code: String,
    /// The evidence.
    pub evidence: Evidence,
    /// Who ticked it (None: before taggers were recorded).
    pub tagged_by: Option<i64>,
    /// Whether a second web master confirmed it.
    pub confirmed: bool,
    /// The item's category.
    pub category: String,
    /// The dates the item covers, if given.
    pub covers: Option<(jiff::civil::Date, jiff::civil::Date)>,
    /// Distinct checklist items the item carries for the tag's fiscal year.
    pub tags_that_year: usize,
}

/// Every piece of evidence for `scheme` up to fiscal year `fy`, from items visible at `at`.
pub fn evidence(conn: &Connection, scheme: &str, fy: i32, at: At) -> StoreResult<Vec<EvidenceRow>> {
    let sql = format!(
        "SELECT t.code, t.fiscal_year, t.period, i.id, i.title, i.published_at, i.expires_on, t.id,
                t.tagged_by, t.confirmed_by IS NOT NULL, i.category, i.period_from, i.period_to,
                (SELECT count(DISTINCT o.scheme || '|' || o.code) FROM compliance_tags o
                 WHERE o.item_id = t.item_id AND o.fiscal_year = t.fiscal_year)
         FROM compliance_tags t JOIN items i ON i.id = t.item_id
         WHERE t.scheme = :scheme AND t.fiscal_year <= :fy AND {VISIBLE}
         ORDER BY i.published_at DESC, i.id DESC"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(
            named_params! {":scheme": scheme, ":fy": fy, ":now": at.unix, ":today": at.today.to_string()},
            |r| {
                let period: String = r.get(2)?;
                let published: i64 = r.get(5)?;
                let expires: Option<String> = r.get(6)?;
                let day = |n: usize| -> rusqlite::Result<Option<jiff::civil::Date>> {
                    Ok(r.get::<_, Option<String>>(n)?.and_then(|d| d.parse().ok()))
                };
                Ok(EvidenceRow {
                    code: r.get(0)?,
                    evidence: Evidence {
                        tag_id: r.get(7)?,
                        item_id: r.get(3)?,
                        title: r.get(4)?,
                        fiscal_year: r.get(1)?,
                        period: Period::parse(&period).unwrap_or(Period::Year),
                        published: crate::thai::date_of(
                            Timestamp::from_second(published).unwrap_or_default(),
                        ),
                        expires: expires.and_then(|e| e.parse().ok()),
                    },
                    tagged_by: r.get(8)?,
                    confirmed: r.get(9)?,
                    category: r.get(10)?,
                    covers: day(11)?.zip(day(12)?),
                    tags_that_year: r.get::<_, i64>(13)? as usize,
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Records that account `who` checked and published the complaint statistics of quarter `q` of
/// fiscal year `fy` (again: the date moves on).
pub fn publish_quarter(conn: &Connection, fy: i32, q: u8, who: &Who) -> StoreResult<()> {
    conn.execute(
        "INSERT OR REPLACE INTO complaint_stats_published (fiscal_year, quarter, published_at, published_by)
         VALUES (?1, ?2, ?3, ?4)",
        (fy, q, now_unix(), who.user_id),
    )?;
    audit::append(conn, who, AuditAction::ComplaintStatsPublish, &format!("complaint-stats/{fy}/Q{q}"), "")?;
    Ok(())
}

/// Withdraws the publication of quarter `q` of `fy`; returns whether there was one.
pub fn withdraw_quarter(conn: &Connection, fy: i32, q: u8, who: &Who) -> StoreResult<bool> {
    let n = conn
        .execute("DELETE FROM complaint_stats_published WHERE fiscal_year = ?1 AND quarter = ?2", (fy, q))?;
    if n > 0 {
        audit::append(
            conn,
            who,
            AuditAction::ComplaintStatsWithdraw,
            &format!("complaint-stats/{fy}/Q{q}"),
            "",
        )?;
    }
    Ok(n > 0)
}

/// Every published quarter, as `(fiscal year, quarter, day published)`.
pub fn published_quarters(conn: &Connection) -> StoreResult<Vec<(i32, u8, jiff::civil::Date)>> {
    let rows = conn
        .prepare_cached(
            "SELECT fiscal_year, quarter, published_at FROM complaint_stats_published ORDER BY 1, 2",
        )?
        .query_map([], |r| {
            let at: i64 = r.get(2)?;
            Ok((r.get(0)?, r.get(1)?, crate::thai::date_of(Timestamp::from_second(at).unwrap_or_default())))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// How many answered questions the public Q&A shows (the data behind built-in G-10).
pub fn answered_questions(conn: &Connection) -> StoreResult<usize> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM cases WHERE kind = 'question' AND public = 1 AND answer <> ''")?
        .query_row([], |r| r.get(0))?;
    Ok(n as usize)
}

/// A checklist file imported by an admin.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Scheme id.
    pub scheme: String,
    /// Fiscal year it applies from.
    pub year: i32,
    /// The uploaded file's name.
    pub file_name: String,
    /// The TOML text.
    pub source: String,
    /// Unix seconds.
    pub imported_at: i64,
}

/// Stores an imported checklist, replacing an earlier import for the same scheme and year.
pub fn save_checklist(
    conn: &Connection,
    scheme: &str,
    year: i32,
    file_name: &str,
    source: &str,
    by: Option<i64>,
) -> StoreResult<()> {
    conn.execute(
        "INSERT OR REPLACE INTO checklists (scheme, year, file_name, source, imported_at, imported_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (scheme, year, file_name, source, now_unix(), by),
    )?;
    Ok(())
}

/// Validates `text` as a checklist file and, if it is good, stores it (replacing an earlier
/// import for the same scheme and year) and records who did it. Used by the admin page and by
/// `prakat checklist import`.
pub fn import(
    conn: &Connection,
    file_name: &str,
    text: &str,
    who: &Who,
) -> StoreResult<Result<Checklist, Invalid>> {
    let list = match checklist::parse(file_name, text) {
        Ok(list) => list,
        Err(invalid) => return Ok(Err(invalid)),
    };
    save_checklist(conn, &list.scheme, list.year, file_name, text, who.user_id)?;
    let detail = format!("{file_name}: {} ข้อ", list.items.len());
    audit::append(
        conn,
        who,
        AuditAction::ChecklistImport,
        &format!("checklist/{}/{}", list.scheme, list.year),
        &detail,
    )?;
    Ok(Ok(list))
}

/// Every imported checklist file.
pub fn imported(conn: &Connection) -> StoreResult<Vec<Imported>> {
    let rows = conn
        .prepare_cached(
            "SELECT scheme, year, file_name, source, imported_at FROM checklists ORDER BY scheme, year",
        )?
        .query_map([], |r| {
            Ok(Imported {
                scheme: r.get(0)?,
                year: r.get(1)?,
                file_name: r.get(2)?,
                source: r.get(3)?,
                imported_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A published (or once published) item with its tags, for the tag editor's list.
#[derive(Debug, Clone)]
pub struct TaggedItem {
    /// Item id.
    pub id: i64,
    /// `area/sub` key.
    pub category: String,
    /// Title.
    pub title: String,
    /// Publication time, Unix seconds.
    pub published_at: i64,
    /// `published`, `expired` or `withdrawn`.
    pub state: String,
    /// Its tags.
    pub tags: Vec<Tag>,
}

/// The columns [`tagged_item_of`] reads, from `items i`.
const TAGGED_ITEM: &str = "SELECT i.id, i.category, i.title, i.published_at, i.state FROM items i";

/// One row of [`TAGGED_ITEM`], with its tags still to be filled in.
fn tagged_item_of(r: &rusqlite::Row) -> rusqlite::Result<TaggedItem> {
    Ok(TaggedItem {
        id: r.get(0)?,
        category: r.get(1)?,
        title: r.get(2)?,
        published_at: r.get(3)?,
        state: r.get(4)?,
        tags: Vec::new(),
    })
}

/// Items newest first (all of them, or only untagged ones), with their tags.
pub fn items_with_tags(conn: &Connection, untagged_only: bool, limit: u32) -> StoreResult<Vec<TaggedItem>> {
    let filter = if untagged_only {
        "WHERE NOT EXISTS (SELECT 1 FROM compliance_tags t WHERE t.item_id = i.id) AND i.state = 'published'"
    } else {
        ""
    };
    let sql = format!("{TAGGED_ITEM} {filter} ORDER BY i.published_at DESC, i.id DESC LIMIT ?1");
    let mut items = conn
        .prepare_cached(&sql)?
        .query_map([limit], tagged_item_of)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for item in &mut items {
        item.tags = tags_of(conn, item.id)?;
    }
    Ok(items)
}

/// One item's id, title, category and state, for the tag editor.
pub fn item_head(conn: &Connection, id: i64) -> StoreResult<Option<TaggedItem>> {
    let found = rusqlite::OptionalExtension::optional(
        conn.prepare_cached(&format!("{TAGGED_ITEM} WHERE i.id = ?1"))?.query_row([id], tagged_item_of),
    )?;
    match found {
        Some(mut item) => {
            item.tags = tags_of(conn, id)?;
            Ok(Some(item))
        }
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::items::{self, NewItem};
    use jiff::civil::date;

    fn new_item(title: &str, expires: Option<jiff::civil::Date>) -> NewItem {
        NewItem {
            expires_on: expires,
            ..NewItem::sample("news/procurement-results", title, "2026-02-05T03:00:00Z")
        }
    }

    #[test]
    fn tags_give_evidence_only_while_the_item_is_visible() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let tag = |code: &str, fy, period: &str| NewTag {
            scheme: "MOIT".into(),
            code: code.into(),
            fiscal_year: fy,
            period: period.into(),
        };
        store
            .run_sync(|c| {
                let a = items::insert(c, &new_item("สขร.1 ม.ค.", None))?;
                let b = items::insert(c, &new_item("หมดแล้ว", Some(date(2026, 3, 1))))?;
                add_tags(c, a, &[tag("MOIT 5", 2569, "M01"), tag("MOIT 5", 2569, "M01")], None)?;
                add_tags(c, b, &[tag("MOIT 5", 2569, "M02"), tag("MOIT 5", 2571, "M02")], None)?;
                assert_eq!(tags_of(c, a)?.len(), 1, "a tag is kept once");
                let at = At::from("2026-02-20T05:00:00Z".parse::<Timestamp>().unwrap());
                let ev = evidence(c, "MOIT", 2569, at)?;
                assert_eq!(ev.len(), 2, "later years are not read: {ev:?}");
                assert_eq!(ev[0].evidence.period, Period::Month(2));
                let later = At::from("2026-03-05T05:00:00Z".parse::<Timestamp>().unwrap());
                let ev = evidence(c, "MOIT", 2569, later)?;
                assert_eq!(ev.len(), 1, "the expired item no longer counts");
                assert_eq!(ev[0].evidence.item_id, a);
                assert!(evidence(c, "ITA", 2569, later)?.is_empty());

                let untagged = items::insert(c, &new_item("ยังไม่ติดป้าย", None))?;
                let list = items_with_tags(c, true, 10)?;
                assert_eq!(list.iter().map(|i| i.id).collect::<Vec<_>>(), [untagged]);
                let id = tags_of(c, b)?[0].id;
                assert_eq!(remove_tags(c, a, &[id])?, 0, "only the item's own tags");
                assert_eq!(remove_tags(c, b, &[id])?, 1);
                assert_eq!(item_head(c, b)?.unwrap().tags.len(), 1);

                save_checklist(c, "MOIT", 2570, "a.toml", "one", None)?;
                save_checklist(c, "MOIT", 2570, "b.toml", "two", None)?;
                let files = imported(c)?;
                assert_eq!((files.len(), files[0].file_name.as_str()), (1, "b.toml"));
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn tags_remember_their_tagger_and_only_someone_else_confirms() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .run_sync(|c| {
                let a = items::insert(c, &new_item("สขร.1 ม.ค.", None))?;
                let t = NewTag {
                    scheme: "MOIT".into(),
                    code: "MOIT 5".into(),
                    fiscal_year: 2569,
                    period: "M01".into(),
                };
                add_tags(c, a, std::slice::from_ref(&t), None)?;
                let legacy = tags_of(c, a)?.remove(0);
                assert_eq!(legacy.tagged_by, None, "tagged before taggers were recorded");
                let user = |name: &str| crate::store::users::NewUser {
                    username: name.into(),
                    name: name.into(),
                    position: String::new(),
                    unit: String::new(),
                    phone: String::new(),
                    email: String::new(),
                    roles: Default::default(),
                };
                let first = crate::store::users::insert(c, &user("wm1"), "x")?.unwrap();
                let second = crate::store::users::insert(c, &user("wm2"), "x")?.unwrap();
                let who = |id| Who { user_id: Some(id), address: "test".into() };
                let b = items::insert(c, &new_item("สขร.1 ก.พ.", None))?;
                add_tags(c, b, std::slice::from_ref(&t), Some(first))?;
                let mine = tags_of(c, b)?.remove(0);
                assert_eq!(mine.tagged_by.as_ref().map(|t| t.1.as_str()), Some("wm1"));
                assert_eq!(confirm_tag(c, mine.id, &who(first))?.unwrap_err(), NotConfirmed::OwnTag);
                assert!(confirm_tag(c, mine.id, &who(second))?.is_ok(), "a second web master");
                assert_eq!(confirm_tag(c, 999, &who(first))?.unwrap_err(), NotConfirmed::Missing);
                let done = confirm_tag(c, legacy.id, &who(first))?.unwrap();
                assert!(done.confirmed.is_some());
                assert!(
                    evidence(
                        c,
                        "MOIT",
                        2569,
                        At::from("2026-02-20T05:00:00Z".parse::<Timestamp>().unwrap())
                    )?[0]
                        .confirmed
                );

                publish_quarter(c, 2569, 2, &who(first))?;
                publish_quarter(c, 2569, 2, &who(first))?;
                assert_eq!(published_quarters(c)?.len(), 1, "published once, the day moves on");
                assert!(withdraw_quarter(c, 2569, 2, &who(first))?);
                assert!(!withdraw_quarter(c, 2569, 2, &who(first))?);
                assert!(published_quarters(c)?.is_empty());
                Ok(())
            })
            .unwrap();
    }
}
