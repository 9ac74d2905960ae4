//! Full-text search over visible items: the index of words and how it is asked.
//!
//! `items_words` (FTS5, `ascii` tokenizer) holds each published item's title, summary, body,
//! source and file names in indexed form ([`crate::search::index_words`]: normalised, Thai split
//! into dictionary words, separated by spaces), so every word, even of one or two letters, is
//! found whole (ยา finds ยา, not โรงพยาบาล); its rowid is the item's id negated (newest first
//! when read forward), and `items_words_short` keeps the short columns apart for ranking.
//! Triggers keep both in step by calling the SQL function
//! `prakat_words`, which [`register`] gives every connection; [`keep_current`] makes it again
//! when the lexicon has changed. The time rules (publication start, end date), the area and the
//! fiscal year are applied in SQL, as in every public query.
//!
//! A query is planned by [`crate::search::plan`] into groups (one per word), each matched by
//! any of its alternatives (the word, a prefix, synonyms, corrections of slips from the index's
//! own vocabulary, kept in memory as an `fst` map). Items holding every group come first; if
//! fewer than [`RELAX_BELOW`] do, items holding all but one (then all but two) follow, so a
//! query with a word too many still finds. Each level covers at most the [`COUNT_MAX`] newest
//! matches, which bounds the cost however common the words. Within a level: how the words
//! match (exact > prefix > synonym > slip), where (title > summary > body > file names and
//! source), then newest first. FTS5's bm25 is not asked: it reads every matched word's
//! positions and cost three quarters of a common query's time at 100 000 items, and a
//! district office's readers expect the newest of equally good matches first.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreResult;
use super::items::{At, ItemSummary, Page};
use crate::search::synonyms::{BUILT_IN_SYNONYMS, LEXICON, Synonyms};
use crate::search::typo::Vocabulary;
use crate::search::{Kind, Marks};

/// A search shows at most this many results (the newest matches); more is shown as "more
/// than".
pub const COUNT_MAX: u64 = 500;
/// When fewer items than this hold every word, items holding most of them are added.
pub const RELAX_BELOW: usize = 10;

/// What a visitor asked for.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The words typed.
    pub text: String,
    /// Only this content area (slug).
    pub area: Option<&'static str>,
    /// Only items published in this fiscal year (Buddhist Era).
    pub fiscal_year: Option<i32>,
    /// Page number from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

/// One result: the listing line and the part of the body around the first match.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The item as listings show it.
    pub item: ItemSummary,
    /// Plain text (not escaped) around the first matched word; highlight with [`Found::marks`].
    pub excerpt: String,
}

/// What a search found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The page asked for; its total counts at most [`COUNT_MAX`] results.
    pub page: Page<Hit>,
    /// More than [`COUNT_MAX`] items matched: only the newest of them are shown.
    pub more: bool,
    /// The words to mark in the results.
    pub marks: Marks,
    /// The query with its typing slips corrected, when corrections were used.
    pub suggestion: Option<String>,
}

/// Registers `prakat_words(text)`, the indexed form of a text, on `conn`. The index's triggers
/// call it, so every connection that writes items needs it.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "prakat_words",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text =
                ctx.get_raw(0).as_str_or_null().map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
            Ok(crate::search::index_words(text.unwrap_or("")))
        },
    )
}

/// Makes the index again, in one transaction; returns the number of items indexed.
pub fn reindex(conn: &mut Connection) -> StoreResult<usize> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM items_words", [])?;
    tx.execute("DELETE FROM items_words_short", [])?;
    let n = tx.execute(
        "INSERT INTO items_words_short (id, title, summary, source, files)
         SELECT i.id, prakat_words(i.title), prakat_words(i.summary), prakat_words(i.source),
                prakat_words(coalesce((SELECT group_concat(file_name, ' ') FROM attachments
                                       WHERE item_id = i.id), ''))
         FROM items i WHERE i.state = 'published'",
        [],
    )?;
    // In the index's rowid order (the id negated), which FTS5 builds fastest.
    tx.execute(
        "INSERT INTO items_words (rowid, title, summary, source, files, body)
         SELECT -s.id, s.title, s.summary, s.source, s.files, prakat_words(i.body)
         FROM items_words_short s JOIN items i ON i.id = s.id ORDER BY s.id DESC",
        [],
    )?;
    tx.execute("INSERT INTO items_words (items_words) VALUES ('optimize')", [])?;
    tx.execute("UPDATE search_state SET lexicon = ?1, changes = changes + 1", [LEXICON.version()])?;
    tx.commit()?;
    Ok(n)
}

/// Makes the index again if it was made with another lexicon (or never); returns whether it
/// did. Called when the store opens.
pub fn keep_current(conn: &mut Connection) -> StoreResult<bool> {
    let made_with: String = conn.query_row("SELECT lexicon FROM search_state", [], |r| r.get(0))?;
    if made_with == LEXICON.version() {
        return Ok(false);
    }
    reindex(conn)?;
    Ok(true)
}

/// The vocabulary and synonyms in memory. The synonyms are read again as soon as an admin
/// changes them; the vocabulary (only used to correct slips, reading it takes a moment on a
/// large site) after the index has changed, at most once every [`VOCABULARY_AGE`]. Cheap to
/// clone; one per [`Store`](super::Store).
#[derive(Clone, Default)]
pub struct Cache(Arc<Mutex<Option<Arc<Loaded>>>>);

/// How stale the vocabulary in memory may be after the index changed.
pub const VOCABULARY_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// One reading of the index's vocabulary and the synonyms.
struct Loaded {
    changes: i64,
    synonyms_version: i64,
    read_at: std::time::Instant,
    vocabulary: Arc<Vocabulary>,
    synonyms: Arc<Synonyms>,
}

impl Cache {
    fn current(&self, conn: &Connection) -> StoreResult<Arc<Loaded>> {
        let (changes, synonyms_version): (i64, i64) = conn
            .prepare_cached("SELECT changes, synonyms FROM search_state")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        // Held while reading, so that concurrent searches after a change read once.
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let old = slot.clone();
        let fresh_vocabulary =
            old.as_ref().filter(|l| l.changes == changes || l.read_at.elapsed() < VOCABULARY_AGE);
        let fresh_synonyms = old.as_ref().filter(|l| l.synonyms_version == synonyms_version);
        if let (Some(l), Some(_)) = (fresh_vocabulary, fresh_synonyms) {
            return Ok(l.clone());
        }
        let (vocabulary, changes, read_at) = match fresh_vocabulary {
            Some(l) => (l.vocabulary.clone(), l.changes, l.read_at),
            None => {
                let mut words = Vec::new();
                let mut stmt = conn.prepare_cached("SELECT term, doc FROM items_words_vocab")?;
                let mut rows = stmt.query([])?;
                while let Some(row) = rows.next()? {
                    words.push((row.get::<_, String>(0)?, row.get::<_, i64>(1)?.max(0) as u64));
                }
                (Arc::new(Vocabulary::from_sorted(words)), changes, std::time::Instant::now())
            }
        };
        let synonyms = match fresh_synonyms {
            Some(l) => l.synonyms.clone(),
            None => {
                let mut synonyms = BUILT_IN_SYNONYMS.clone();
                for terms in added_synonyms(conn)?.into_iter().map(|s| s.terms) {
                    synonyms.add_lines(&terms);
                }
                Arc::new(synonyms)
            }
        };
        let loaded = Arc::new(Loaded { changes, synonyms_version, read_at, vocabulary, synonyms });
        *slot = Some(loaded.clone());
        Ok(loaded)
    }
}

/// A line of synonyms added by an admin.
#[derive(Debug, Clone)]
pub struct AddedSynonym {
    /// Row id.
    pub id: i64,
    /// The terms, split by `=`.
    pub terms: String,
    /// Who added it (username).
    pub added_by: String,
    /// When (Unix seconds).
    pub added_at: i64,
}

/// The synonyms admins added, oldest first.
pub fn added_synonyms(conn: &Connection) -> StoreResult<Vec<AddedSynonym>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, terms, added_by, added_at FROM search_synonyms ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(AddedSynonym { id: r.get(0)?, terms: r.get(1)?, added_by: r.get(2)?, added_at: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds a line of synonyms (terms split by `=`, checked by the caller); returns its id.
pub fn add_synonym(conn: &Connection, terms: &str, by: &str, at: i64) -> StoreResult<i64> {
    conn.execute(
        "INSERT INTO search_synonyms (terms, added_by, added_at) VALUES (?1, ?2, ?3)",
        params![terms, by, at],
    )?;
    let id = conn.last_insert_rowid();
    conn.execute("UPDATE search_state SET synonyms = synonyms + 1", [])?;
    Ok(id)
}

/// Removes an added line of synonyms; returns its terms if it existed.
pub fn remove_synonym(conn: &Connection, id: i64) -> StoreResult<Option<String>> {
    let terms: Option<String> = conn
        .query_row("DELETE FROM search_synonyms WHERE id = ?1 RETURNING terms", [id], |r| r.get(0))
        .optional()?;
    conn.execute("UPDATE search_state SET synonyms = synonyms + 1", [])?;
    Ok(terms)
}

/// A candidate from one level of the search.
struct Candidate {
    id: i64,
    at: i64,
    /// The level it was found at: more of the query's groups held is higher.
    level: usize,
    /// How well and where the groups match (see [`judge`]).
    score: u32,
    /// Sum over groups of how they match (see [`Kind`]).
    kinds: u32,
}

/// Column weights for ranking: title, summary, file names, source (body is the rest).
const COLUMN_WEIGHTS: [u32; 4] = [8, 4, 1, 1];
const BODY_WEIGHT: u32 = 2;

/// Searches the visible items. An empty query finds nothing. `cache` is the store's
/// ([`Store::search_cache`](super::Store::search_cache)).
pub fn search(conn: &Connection, cache: &Cache, q: &Query, at: At) -> StoreResult<Found> {
    let page = q.page.max(1);
    let loaded = cache.current(conn)?;
    let plan = crate::search::plan(&q.text, &loaded.synonyms, &loaded.vocabulary);
    let mut found = Found {
        page: Page { rows: Vec::new(), total: 0, page, per_page: q.per_page },
        more: false,
        marks: plan.marks(),
        suggestion: plan.suggestion.clone(),
    };
    let n = plan.groups.len();
    if n == 0 {
        return Ok(found);
    }

    let mut values: Vec<(&str, Box<dyn rusqlite::ToSql>)> =
        vec![(":now", Box::new(at.unix)), (":today", Box::new(at.today.to_string()))];
    let mut filter = String::from(
        "i.state = 'published' AND i.published_at <= :now \
         AND (i.expires_on IS NULL OR i.expires_on >= :today)",
    );
    if let Some(area) = q.area {
        filter.push_str(" AND i.category >= :a0 AND i.category < :a1");
        values.push((":a0", Box::new(format!("{area}/"))));
        values.push((":a1", Box::new(format!("{area}0"))));
    }
    if let Some((start, end)) = q.fiscal_year.and_then(crate::thai::fiscal_year_bounds) {
        filter.push_str(" AND i.published_at >= :fy0 AND i.published_at < :fy1");
        values.push((":fy0", Box::new(start)));
        values.push((":fy1", Box::new(end)));
    }
    // Newest by id: the index's rowid is the id negated, so FTS5 hands the matches over in
    // that order reading forward and stops at the limit. The index items_visible answers the
    // time rules and filters without reading the items' rows and bodies; the short texts
    // that ranking reads come from their own small table.
    let sql = format!(
        "SELECT i.id, i.published_at, s.title, s.summary, s.files, s.source
         FROM items_words w JOIN items_words_short s ON s.id = -w.rowid
              JOIN items i INDEXED BY items_visible ON i.id = s.id
         WHERE items_words MATCH :match AND {filter} ORDER BY w.rowid LIMIT {}",
        COUNT_MAX + 1
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let patterns: Vec<Vec<(String, Kind)>> = plan.groups.iter().map(|g| g.patterns()).collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut seen: HashMap<i64, ()> = HashMap::new();
    // Every group first; then all but one, all but two of the informative ones (never fewer
    // than half of them).
    let informative = plan.informative();
    let m = informative.len();
    let lowest = m.div_ceil(2).max(m.saturating_sub(2)).max(1);
    let levels = std::iter::once(m + 1).chain((lowest..m).rev());
    for level in levels {
        let expr = if level > m {
            plan.all_of(&(0..n).collect::<Vec<_>>())
        } else {
            plan.at_least(&informative, level)
        };
        let mut params: Vec<(&str, &dyn rusqlite::ToSql)> =
            values.iter().map(|(k, v)| (*k, v.as_ref() as &dyn rusqlite::ToSql)).collect();
        params.push((":match", &expr));
        let mut rows = stmt.query(params.as_slice())?;
        let mut got = 0u64;
        while let Some(r) = rows.next()? {
            got += 1;
            let id: i64 = r.get(0)?;
            if seen.insert(id, ()).is_some() {
                continue;
            }
            let mut columns: [String; 4] = Default::default();
            for (k, c) in columns.iter_mut().enumerate() {
                let text = r.get_ref(2 + k)?.as_str().map_err(rusqlite::Error::from)?;
                c.reserve(text.len() + 2);
                c.push(' ');
                c.push_str(text);
                c.push(' ');
            }
            let (score, kinds) = judge(&patterns, &columns);
            candidates.push(Candidate { id, at: r.get(1)?, level, score, kinds });
        }
        found.more |= got > COUNT_MAX;
        if candidates.len() >= RELAX_BELOW {
            break;
        }
    }
    candidates.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.score.cmp(&a.score))
            .then(b.kinds.cmp(&a.kinds))
            .then(b.at.cmp(&a.at))
            .then(b.id.cmp(&a.id))
    });
    found.more |= candidates.len() as u64 > COUNT_MAX;
    candidates.truncate(COUNT_MAX as usize);
    found.page.total = candidates.len() as u64;

    let per = q.per_page.max(1) as usize;
    let from = (page as usize - 1).saturating_mul(per);
    let ids: Vec<i64> = candidates.iter().skip(from).take(per).map(|c| c.id).collect();
    if ids.is_empty() {
        return Ok(found);
    }
    let order: HashMap<i64, usize> = ids.iter().enumerate().map(|(k, id)| (*id, k)).collect();
    let list: Vec<Value> = ids.iter().map(|id| Value::Integer(*id)).collect();
    let mut rows = conn
        .prepare_cached(
            "SELECT i.id, i.category, i.title, i.summary, i.published_at, i.body,
                    (SELECT group_concat(kind, ',') FROM
                       (SELECT kind FROM attachments WHERE item_id = i.id ORDER BY position))
             FROM items i WHERE i.id IN rarray(?1)",
        )?
        .query_map([Rc::new(list)], |r| Ok((super::items::summary_of(r, 6)?, r.get::<_, String>(5)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.sort_by_key(|(item, _)| order.get(&item.id).copied().unwrap_or(usize::MAX));
    found.page.rows = rows
        .into_iter()
        .map(|(item, body)| Hit { excerpt: crate::search::excerpt(&body, &found.marks), item })
        .collect();
    Ok(found)
}

/// How much a match of each kind counts, times the weight of the column it is in: a synonym
/// in the title counts more than the exact word in the body.
fn factor(k: Kind) -> u32 {
    match k {
        Kind::Exact => 4,
        Kind::Prefix | Kind::Synonym => 3,
        Kind::Typo => 2,
    }
}

/// How well and where an item's short columns (title, summary, file names, source; each with a
/// space before and after) hold the plan's groups (their [`Group::patterns`](crate::search::plan::Group::patterns));
/// a group found in none of them is in the body: the sum over groups of the column's weight
/// times the kind's [`factor`], and the sum of the kinds.
fn judge(groups: &[Vec<(String, Kind)>], columns: &[String; 4]) -> (u32, u32) {
    let mut score = 0;
    let mut kinds = 0;
    for patterns in groups {
        let best = columns
            .iter()
            .zip(COLUMN_WEIGHTS)
            .filter_map(|(c, w)| crate::search::plan::best_of(patterns, c).map(|k| (k, w)))
            .max_by_key(|(k, w)| (w * factor(*k), *k));
        let (k, w) = best.unwrap_or_else(|| {
            // In the body: a group with corrections has them because the words as typed are
            // not in the index; any other is taken as matching as typed.
            let typo = patterns.iter().any(|(_, k)| *k == Kind::Typo);
            (if typo { Kind::Typo } else { Kind::Exact }, BODY_WEIGHT)
        });
        score += w * factor(k);
        kinds += k as u32;
    }
    (score, kinds)
}

/// The fiscal years (Buddhist Era) that have visible items, newest first, for the filter.
pub fn fiscal_years(conn: &Connection, at: At) -> StoreResult<Vec<i32>> {
    let oldest: Option<i64> = conn
        .prepare_cached("SELECT min(published_at) FROM items WHERE state = 'published'")?
        .query_row([], |r| r.get(0))?;
    let now = crate::thai::fiscal_year(at.today);
    let first = oldest
        .and_then(|t| jiff::Timestamp::from_second(t).ok())
        .map_or(now, |ts| crate::thai::fiscal_year(crate::thai::date_of(ts)));
    Ok((first.max(now - 20)..=now).rev().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::items::{NewAttachment, NewItem, insert, insert_in};

    fn store_with_items() -> (tempfile::TempDir, crate::store::Store, Vec<i64>) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        let blob = store.blobs().put(b"%PDF-1.4 test").unwrap();
        let new = |category: &str, title: &str, body: &str, published: &str| NewItem {
            body: body.into(),
            ..NewItem::sample(category, title, published)
        };
        let ids = store
            .run_sync(|c| {
                let mut plan =
                    new("news/procurement", "ประกาศแผนจัดซื้อจัดจ้าง", "ปีงบประมาณ", "2026-05-01T03:00:00Z");
                plan.attachments.push(NewAttachment {
                    file_name: "ตารางราคากลาง.pdf".into(),
                    kind: "pdf".into(),
                    blob: blob.clone(),
                    alt: String::new(),
                });
                Ok(vec![
                    insert(c, &plan)?,
                    insert(
                        c,
                        &new(
                            "news/general",
                            "ข่าวรณรงค์ไข้เลือดออก",
                            "ชุมชนร่วมใจ จัดซื้อ ยา",
                            "2025-09-01T03:00:00Z",
                        ),
                    )?,
                    insert(
                        c,
                        &new("law/announcements", "คำสั่งแต่งตั้ง", "โรงพยาบาล ความยาว", "2026-04-01T03:00:00Z"),
                    )?,
                ])
            })
            .unwrap();
        (dir, store, ids)
    }

    fn found(c: &Connection, cache: &Cache, text: &str) -> Vec<i64> {
        let at = At::from("2026-06-01T05:00:00Z".parse::<jiff::Timestamp>().unwrap());
        let q = Query { text: text.into(), page: 1, per_page: 20, ..Query::default() };
        search(c, cache, &q, at).unwrap().page.rows.iter().map(|h| h.item.id).collect()
    }

    #[test]
    fn words_are_found_whole_ranked_and_kept_in_step() {
        let (_dir, store, ids) = store_with_items();
        let cache = store.search_cache().clone();
        store
            .run_sync(|c| {
                // Short words are whole words: ยา is not in โรงพยาบาล or ความยาว.
                assert_eq!(found(c, &cache, "ยา"), vec![ids[1]]);
                assert!(found(c, &cache, "ข").is_empty());
                // A title hit ranks above a body hit even though the body hit is older.
                assert_eq!(found(c, &cache, "จัดซื้อ"), vec![ids[0], ids[1]]);
                assert_eq!(found(c, &cache, "จัดซื้อ ชุมชน"), vec![ids[1], ids[0]], "all words first");
                assert_eq!(found(c, &cache, "ราคากลาง"), vec![ids[0]], "file names are searched");
                assert_eq!(found(c, &cache, "PDF"), vec![ids[0]], "case is ignored");
                assert_eq!(found(c, &cache, "รพ"), vec![ids[2]], "abbreviations expand");
                assert!(found(c, &cache, "\"\" OR * NEAR(").is_empty(), "syntax is never parsed");
                assert!(found(c, &cache, "ab\u{0}c").is_empty(), "control characters are spaces");
                // Area and fiscal-year filters.
                let at = At::from("2026-06-01T05:00:00Z".parse::<jiff::Timestamp>().unwrap());
                let q = Query {
                    text: "จัดซื้อ".into(),
                    area: Some("news"),
                    fiscal_year: Some(2568),
                    page: 1,
                    per_page: 20,
                };
                let hits = search(c, &cache, &q, at)?.page;
                assert_eq!(hits.rows.iter().map(|h| h.item.id).collect::<Vec<_>>(), vec![ids[1]]);
                // Withdrawn and expired items leave the index; the vocabulary follows.
                crate::store::items::take_down(c, ids[0], crate::store::items::Gone::Withdrawn)?;
                assert_eq!(found(c, &cache, "จัดซื้อ"), vec![ids[1]]);
                assert!(found(c, &cache, "ราคากลาง").is_empty());
                c.execute("UPDATE items SET expires_on = '2026-01-01' WHERE id = ?1", [ids[1]])?;
                assert!(found(c, &cache, "จัดซื้อ").is_empty(), "past its end date");
                // Made again from scratch, the index says the same.
                assert_eq!(reindex(c)?, 2);
                assert_eq!(found(c, &cache, "คำสั่ง"), vec![ids[2]]);
                assert!(!keep_current(c)?, "the lexicon has not changed");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn an_index_of_the_previous_layout_is_made_again_on_upgrade() {
        let (_dir, store, ids) = store_with_items();
        let cache = store.search_cache().clone();
        store
            .run_sync(|c| {
                // Back to the layout before migration 22 (rowid = id, no short table), then
                // forward again as a newer release would: the index is empty until made again.
                crate::store::migrations::downgrade(c, 21).unwrap();
                crate::store::migrations::apply(c).unwrap();
                assert!(found(c, &cache, "คำสั่ง").is_empty());
                assert!(keep_current(c)?, "made again: the lexicon mark was cleared");
                assert_eq!(found(c, &cache, "คำสั่ง"), vec![ids[2]]);
                assert_eq!(found(c, &cache, "จัดซื้อ"), vec![ids[0], ids[1]], "ranked from the short texts");
                assert_eq!(found(c, &cache, "ราคากลาง"), vec![ids[0]], "file names made again too");
                // Newest first among equals: the index is read in the order of negated ids.
                let negated: i64 = c.query_row("SELECT min(rowid) FROM items_words", [], |r| r.get(0))?;
                assert_eq!(negated, -ids.iter().max().copied().unwrap_or_default());
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn slips_are_corrected_and_admin_synonyms_apply_at_once() {
        let (_dir, store, ids) = store_with_items();
        let cache = store.search_cache().clone();
        store
            .run_sync(|c| {
                let at = At::from("2026-06-01T05:00:00Z".parse::<jiff::Timestamp>().unwrap());
                let q = Query {
                    text: "ไข้เลือดอก".into(), page: 1, per_page: 20, ..Query::default()
                };
                assert_eq!(search(c, &cache, &q, at)?.page.rows[0].item.id, ids[1]);
                let q =
                    Query {
                        text: "ประกาศแผนจัดซื้อจัดจ้าก".into(), page: 1, per_page: 20, ..Query::default()
                    };
                let f = search(c, &cache, &q, at)?;
                assert_eq!(f.page.rows.first().map(|h| h.item.id), Some(ids[0]));
                assert!(f.suggestion.is_some(), "{f:?}");
                assert!(found(c, &cache, "แต่งตั้งกรรมการ").contains(&ids[2]), "a word too many");
                assert!(found(c, &cache, "คำสั่งแต่งตั้งใหม่").contains(&ids[2]));
                assert!(found(c, &cache, "ทดสอบคำพ้อง").is_empty());
                let id = add_synonym(c, "ทดสอบคำพ้อง = คำสั่ง", "admin", 0)?;
                assert_eq!(found(c, &cache, "ทดสอบคำพ้อง"), vec![ids[2]]);
                assert_eq!(added_synonyms(c)?.len(), 1);
                assert!(remove_synonym(c, id)?.is_some());
                assert!(found(c, &cache, "ทดสอบคำพ้อง").is_empty());
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn many_matches_are_bounded_newest_first_with_the_time_rules() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        let n = COUNT_MAX as i64 + 20;
        let day = |d: i64| jiff::Timestamp::from_second(1_767_225_600 + d * 86_400).unwrap();
        store
            .run_sync(|c| {
                let tx = c.transaction()?;
                for d in 0..n {
                    let category = if d % 2 == 0 { "news/general" } else { "law/announcements" };
                    let item = NewItem {
                        // The newest has ended; it must not be shown.
                        expires_on: (d == n - 1).then(|| "2026-01-02".parse().unwrap()),
                        ..NewItem::sample(category, &format!("แจกยาฟรีครั้งที่ {d:04}"), &day(d).to_string())
                    };
                    insert_in(&tx, &item)?;
                }
                tx.commit()?;
                Ok(())
            })
            .unwrap();
        let cache = store.search_cache().clone();
        let at = At::from(day(n + 10));
        store
            .run_sync(|c| {
                let title = |d: i64| format!("แจกยาฟรีครั้งที่ {d:04}");
                let newest = n - 2;
                let q = Query { text: "ยา".into(), page: 1, per_page: 5, ..Query::default() };
                let found = search(c, &cache, &q, at)?;
                assert!(found.more);
                assert_eq!(found.page.total, COUNT_MAX);
                let titles: Vec<&str> = found.page.rows.iter().map(|h| h.item.title.as_str()).collect();
                assert_eq!(titles[0], title(newest));
                assert_eq!(titles[4], title(newest - 4));
                let last = Query { page: (COUNT_MAX / 5) as u32, ..q.clone() };
                let rows = search(c, &cache, &last, at)?.page.rows;
                assert_eq!(rows.last().unwrap().item.title, title(newest - COUNT_MAX as i64 + 1));
                let past = search(c, &cache, &Query { page: last.page + 1, ..q.clone() }, at)?;
                assert!(past.page.rows.is_empty() && past.more && past.page.total == COUNT_MAX);
                let q = Query { area: Some("news"), ..q };
                let found = search(c, &cache, &q, at)?;
                assert!(!found.more);
                assert_eq!(found.page.total, (n / 2) as u64);
                assert!(found.page.rows.iter().all(|h| h.item.category.starts_with("news/")));
                Ok(())
            })
            .unwrap();
    }
}
