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
}

/// Adds `tags` to item `item_id` (tags it already has are kept once).
pub fn add_tags(conn: &Connection, item_id: i64, tags: &[NewTag]) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO compliance_tags (item_id, scheme, code, fiscal_year, period, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for t in tags {
        stmt.execute((item_id, &t.scheme, &t.code, t.fiscal_year, &t.period, now_unix()))?;
    }
    Ok(())
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

/// The tags of one item, by year, scheme and code.
pub fn tags_of(conn: &Connection, item_id: i64) -> StoreResult<Vec<Tag>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, item_id, scheme, code, fiscal_year, period FROM compliance_tags
             WHERE item_id = ?1 ORDER BY fiscal_year DESC, scheme, code, period",
        )?
        .query_map([item_id], tag_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn tag_from_row(r: &rusqlite::Row) -> rusqlite::Result<Tag> {
    Ok(Tag {
        id: r.get(0)?,
        item_id: r.get(1)?,
        tag: NewTag { scheme: r.get(2)?, code: r.get(3)?, fiscal_year: r.get(4)?, period: r.get(5)? },
    })
}

/// Every piece of evidence for `scheme` up to fiscal year `fy`, from items visible at `at`, as
/// `(code, evidence)`.
pub fn evidence(conn: &Connection, scheme: &str, fy: i32, at: At) -> StoreResult<Vec<(String, Evidence)>> {
    let sql = format!(
        "SELECT t.code, t.fiscal_year, t.period, i.id, i.title, i.published_at, i.expires_on
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
                Ok((
                    r.get::<_, String>(0)?,
                    Evidence {
                        item_id: r.get(3)?,
                        title: r.get(4)?,
                        fiscal_year: r.get(1)?,
                        period: Period::parse(&period).unwrap_or(Period::Year),
                        published: crate::thai::date_of(
                            Timestamp::from_second(published).unwrap_or_default(),
                        ),
                        expires: expires.and_then(|e| e.parse().ok()),
                    },
                ))
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
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
                add_tags(c, a, &[tag("MOIT 5", 2569, "M01"), tag("MOIT 5", 2569, "M01")])?;
                add_tags(c, b, &[tag("MOIT 5", 2569, "M02"), tag("MOIT 5", 2571, "M02")])?;
                assert_eq!(tags_of(c, a)?.len(), 1, "a tag is kept once");
                let at = At::from("2026-02-20T05:00:00Z".parse::<Timestamp>().unwrap());
                let ev = evidence(c, "MOIT", 2569, at)?;
                assert_eq!(ev.len(), 2, "later years are not read: {ev:?}");
                assert_eq!(ev[0].1.period, Period::Month(2));
                let later = At::from("2026-03-05T05:00:00Z".parse::<Timestamp>().unwrap());
                let ev = evidence(c, "MOIT", 2569, later)?;
                assert_eq!(ev.len(), 1, "the expired item no longer counts");
                assert_eq!(ev[0].1.item_id, a);
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
}
