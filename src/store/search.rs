//! Full-text search over visible items.
//!
//! Thai is written without spaces between words, so the index (`items_fts`, FTS5 with the
//! trigram tokenizer) finds any run of three or more characters anywhere in a title, summary,
//! body, source or attachment name. Triggers keep it to the published items; the time rules
//! (publication start, end date) are applied here, as in every public query. Terms shorter
//! than three characters cannot use a trigram index; they are looked for in the titles,
//! summaries, sources and file names, not the bodies (one or two Thai letters occur in nearly
//! every body). Those short texts (`items_brief`) are kept in memory too ([`Briefs`]) and
//! scanned there, because SQLite's `instr` over them took 20–40 ms for 10 000 items. Results
//! with at least one indexed term are ranked by bm25 (a hit in the title counts most), others
//! newest first; either way a search covers at most the [`COUNT_MAX`] newest matches, which
//! bounds its cost however common the words are.

use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};

use memchr::memmem;
use rusqlite::Connection;
use rusqlite::types::Value;

use super::StoreResult;
use super::items::{At, ItemSummary, Page};

/// At most this many terms of a query are used.
const MAX_TERMS: usize = 8;
/// A search shows at most this many results (the newest matches); more is shown as "more
/// than".
pub const COUNT_MAX: u64 = 500;
/// The shortest term the trigram index can serve, in characters (Unicode code points).
pub const TRIGRAM: usize = 3;
/// Up to this many items matched by short terms are looked up by id; more are found by
/// walking the items by date (measured on 10 000 items: 1 137 matches took 3 ms by look-up and
/// 0.2 ms by walking; 92 matches took under 1 ms either way).
const LOOK_UP_MAX: usize = 300;

/// What a visitor asked for.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The words typed, separated by spaces; every word must occur.
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
    /// Plain text (not escaped) around the first matched term; highlight with [`terms`].
    pub excerpt: String,
}

/// The distinct search terms of `text`: words split on white space, lower-cased (ASCII only,
/// like the trigram tokenizer), at most [`MAX_TERMS`].
pub fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let w = word.to_ascii_lowercase();
        if !out.contains(&w) && out.len() < MAX_TERMS {
            out.push(w);
        }
    }
    out
}

/// An FTS5 phrase for one term: quoted, with quotes doubled, so punctuation and operators in
/// what the visitor typed are never read as query syntax.
fn phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Relevance of a full-text match (lower is better); weights per column: title, summary,
/// body, source, file names.
const RANK: &str = "bm25(items_fts, 10.0, 4.0, 1.0, 2.0, 3.0)";

/// An in-memory copy of `items_brief` (the short texts of the published items), read again
/// whenever the database's change counter for it (`items_brief_version`) has moved. Cheap to
/// clone; one per [`Store`](super::Store).
#[derive(Clone, Default)]
pub struct Briefs(Arc<Mutex<Option<Arc<BriefCopy>>>>);

/// One reading of `items_brief`: every text one after another, each followed by a line break
/// (search terms never contain white space, so no match spans two items).
struct BriefCopy {
    version: i64,
    text: String,
    /// Where each item's text ends in `text`, ascending.
    ends: Vec<usize>,
    /// The item of each text.
    ids: Vec<i64>,
}

impl Briefs {
    /// The current copy, read from `conn` if the database has changed since the last reading.
    fn current(&self, conn: &Connection) -> StoreResult<Arc<BriefCopy>> {
        let version: i64 =
            conn.prepare_cached("SELECT n FROM items_brief_version")?.query_row([], |r| r.get(0))?;
        // Held while reading, so that concurrent searches after a change read the table once.
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(copy) = slot.as_ref().filter(|c| c.version == version) {
            return Ok(copy.clone());
        }
        let mut copy = BriefCopy { version, text: String::new(), ends: Vec::new(), ids: Vec::new() };
        let mut stmt = conn.prepare_cached("SELECT id, text FROM items_brief ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            copy.text.push_str(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?);
            copy.ends.push(copy.text.len());
            copy.text.push('\n');
            copy.ids.push(row.get(0)?);
        }
        let copy = Arc::new(copy);
        *slot = Some(copy.clone());
        Ok(copy)
    }

    /// The items whose short text contains every one of `terms` (none if `terms` is empty), in
    /// the form `rarray(?)` takes.
    fn matching(&self, conn: &Connection, terms: &[&String]) -> StoreResult<Vec<Value>> {
        let copy = self.current(conn)?;
        let Some((first, rest)) = terms.split_first() else { return Ok(Vec::new()) };
        let first = memmem::Finder::new(first.as_bytes());
        let rest: Vec<memmem::Finder> = rest.iter().map(|t| memmem::Finder::new(t.as_bytes())).collect();
        let bytes = copy.text.as_bytes();
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(pos) = first.find(&bytes[from..]) {
            let k = copy.ends.partition_point(|&end| end <= from + pos);
            let start = if k == 0 { 0 } else { copy.ends[k - 1] + 1 };
            let item = &bytes[start..copy.ends[k]];
            if rest.iter().all(|f| f.find(item).is_some()) {
                out.push(Value::Integer(copy.ids[k]));
            }
            from = copy.ends[k] + 1;
        }
        Ok(out)
    }
}

/// What a search found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The page asked for; its total counts at most [`COUNT_MAX`] results.
    pub page: Page<Hit>,
    /// More than [`COUNT_MAX`] items matched: only the newest of them are shown.
    pub more: bool,
}

/// Searches the visible items. An empty query finds nothing. `briefs` is the store's
/// ([`Store::briefs`](super::Store::briefs)).
///
/// A search shows at most [`COUNT_MAX`] results, taken from the newest matching items: the
/// same limit bounds the work of every search, however common the words. With a term of three
/// or more characters they are ranked by relevance; otherwise newest first.
pub fn search(conn: &Connection, briefs: &Briefs, q: &Query, at: At) -> StoreResult<Found> {
    let page = q.page.max(1);
    let empty = Found { page: Page { rows: Vec::new(), total: 0, page, per_page: q.per_page }, more: false };
    let terms = terms(&q.text);
    if terms.is_empty() {
        return Ok(empty);
    }
    let (long, short): (Vec<&String>, Vec<&String>) =
        terms.iter().partition(|t| t.chars().count() >= TRIGRAM);
    let ranked = !long.is_empty();

    let mut values: Vec<(String, Box<dyn rusqlite::ToSql>)> =
        vec![(":now".into(), Box::new(at.unix)), (":today".into(), Box::new(at.today.to_string()))];
    let mut filter = String::from(
        "i.state = 'published' AND i.published_at <= :now \
         AND (i.expires_on IS NULL OR i.expires_on >= :today)",
    );
    if ranked {
        let expr: Vec<String> = long.iter().map(|t| phrase(t)).collect();
        filter.push_str(" AND items_fts MATCH :match");
        values.push((":match".into(), Box::new(expr.join(" AND "))));
    }
    if !short.is_empty() {
        // One or two characters: a substring of the items' short text, found in memory.
        let ids = briefs.matching(conn, &short)?;
        if ids.is_empty() {
            return Ok(empty);
        }
        // Few matches are looked up one by one. Many are better tested while walking the items
        // newest first, which stops as soon as the page (or the count) is full; the unary `+`
        // keeps SQLite from choosing the look-ups. With a long term, the index's order leads.
        let id = if ids.len() > LOOK_UP_MAX || ranked { "+i.id" } else { "i.id" };
        filter.push_str(&format!(" AND {id} IN rarray(:short)"));
        values.push((":short".into(), Box::new(Rc::new(ids))));
    }
    if let Some(area) = q.area {
        filter.push_str(" AND i.category >= :a0 AND i.category < :a1");
        values.push((":a0".into(), Box::new(format!("{area}/"))));
        values.push((":a1".into(), Box::new(format!("{area}0"))));
    }
    if let Some((start, end)) = q.fiscal_year.and_then(crate::thai::fiscal_year_bounds) {
        filter.push_str(" AND i.published_at >= :fy0 AND i.published_at < :fy1");
        values.push((":fy0".into(), Box::new(start)));
        values.push((":fy1".into(), Box::new(end)));
    }
    let limit = i64::from(q.per_page);
    let offset = i64::from(page - 1) * limit;
    values.push((":limit".into(), Box::new(limit)));
    values.push((":offset".into(), Box::new(offset)));
    let params: Vec<(&str, &dyn rusqlite::ToSql)> =
        values.iter().map(|(k, v)| (k.as_str(), v.as_ref() as &dyn rusqlite::ToSql)).collect();

    let kinds = "(SELECT group_concat(kind, ',') FROM
                    (SELECT kind FROM attachments WHERE item_id = i.id ORDER BY position))";
    // `matches` holds up to COUNT_MAX + 1 items (one more tells that there are more), the
    // newest first; `shown`, the first COUNT_MAX of them in the order of the results (by score,
    // then newest first; unranked scores are all 0); the page is cut from those. Every row
    // carries the number of matches.
    let order = "score, at DESC, id DESC";
    let matches = if ranked {
        // Newest by id, so that FTS5 hands the matches over in that order and stops at the
        // limit; only those are scored with bm25. The index items_visible answers the time
        // rules and filters without reading the items' rows.
        format!(
            "SELECT i.id AS id, i.published_at AS at, {RANK} AS score
                 FROM items_fts f JOIN items i INDEXED BY items_visible ON i.id = f.rowid
                 WHERE {filter} ORDER BY f.rowid DESC LIMIT {}",
            COUNT_MAX + 1
        )
    } else {
        format!(
            "SELECT i.id AS id, i.published_at AS at, 0 AS score FROM items i
                 WHERE {filter} ORDER BY i.published_at DESC, i.id DESC LIMIT {}",
            COUNT_MAX + 1
        )
    };
    let sql = format!(
        "WITH matches AS MATERIALIZED ({matches}),
              shown AS (SELECT * FROM matches ORDER BY {order} LIMIT {COUNT_MAX}),
              page AS (SELECT * FROM shown ORDER BY {order} LIMIT :limit OFFSET :offset)
         SELECT i.id, i.category, i.title, i.summary, i.published_at, i.body, {kinds},
                (SELECT count(*) FROM matches)
         FROM page JOIN items i ON i.id = page.id
         ORDER BY page.score, page.at DESC, page.id DESC"
    );
    let mut found: Option<u64> = None;
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params.as_slice(), |r| {
            Ok((super::items::summary_of(r, 6)?, r.get::<_, String>(5)?, r.get::<_, i64>(7)?))
        })?
        .map(|row| {
            row.map(|(item, body, n)| {
                found = Some(n as u64);
                Hit { excerpt: excerpt(&body, &terms), item }
            })
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let found = match found {
        Some(n) => n,
        // A page past the end: count for the pager.
        None if page > 1 => {
            conn.prepare_cached(&format!("SELECT count(*) FROM ({matches})"))?
                .query_row(&params[..params.len() - 2], |r| r.get::<_, i64>(0))? as u64
        }
        None => 0,
    };
    Ok(Found {
        page: Page { rows, total: found.min(COUNT_MAX), page, per_page: q.per_page },
        more: found > COUNT_MAX,
    })
}

/// Characters of context kept before and after the first match in an excerpt.
const BEFORE: usize = 60;
const AFTER: usize = 140;

/// The part of `body` around the first occurrence of any term, with `…` where it was cut;
/// the start of the body when no term occurs in it.
pub fn excerpt(body: &str, terms: &[String]) -> String {
    let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = body.to_ascii_lowercase();
    let first = terms.iter().filter_map(|t| lower.find(t.as_str())).min();
    let start_char = first.map_or(0, |byte| body[..byte].chars().count().saturating_sub(BEFORE));
    let total = body.chars().count();
    let end_char = (start_char + BEFORE + AFTER).min(total);
    // Never start on a Thai vowel or tone mark: it would be drawn on a dotted circle.
    let start_char = start_char
        + body.chars().skip(start_char).take_while(|c| is_thai_mark(*c)).count().min(end_char - start_char);
    let mut out: String = body.chars().skip(start_char).take(end_char - start_char).collect();
    if start_char > 0 {
        out.insert(0, '…');
    }
    if end_char < total {
        out.push('…');
    }
    out
}

/// Thai combining marks (vowels above and below, tone marks), which cannot start a text.
fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// Splits `text` into pieces, each marked whether it is an occurrence of one of the terms
/// (matched like the search: ASCII case ignored). The pieces joined give `text` back.
pub fn highlight<'t>(text: &'t str, terms: &[String]) -> Vec<(&'t str, bool)> {
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` cut `text`.
    let lower = text.to_ascii_lowercase();
    let mut marked = vec![false; text.len()];
    for term in terms.iter().filter(|t| !t.is_empty()) {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(term.as_str()) {
            let at = from + pos;
            marked[at..at + term.len()].iter_mut().for_each(|m| *m = true);
            from = at + term.len();
        }
    }
    let mut out = Vec::new();
    if text.is_empty() {
        return out;
    }
    let mut start = 0;
    for (i, _) in text.char_indices().skip(1).chain(std::iter::once((text.len(), ' '))) {
        if i == text.len() || marked[i] != marked[start] {
            out.push((&text[start..i], marked[start]));
            start = i;
        }
    }
    out
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

    #[test]
    fn terms_are_split_lowered_and_unique() {
        assert_eq!(terms("  จัดซื้อ  PDF จัดซื้อ pdf "), vec!["จัดซื้อ", "pdf"]);
        assert!(terms("   ").is_empty());
        assert_eq!(terms("a b c d e f g h i j").len(), MAX_TERMS);
    }

    #[test]
    fn phrases_cannot_inject_syntax() {
        assert_eq!(phrase(r#"ab" OR "c"#), r#""ab"" OR ""c""#);
    }

    #[test]
    fn highlight_marks_every_occurrence_and_keeps_text() {
        let text = "ประกาศแผนจัดซื้อจัดจ้าง PDF และ pdf";
        let parts = highlight(text, &terms("จัดซื้อ pdf"));
        assert_eq!(parts.iter().map(|(s, _)| *s).collect::<String>(), text);
        let marked: Vec<&str> = parts.iter().filter(|(_, m)| *m).map(|(s, _)| *s).collect();
        assert_eq!(marked, vec!["จัดซื้อ", "PDF", "pdf"]);
        assert_eq!(highlight("", &terms("x")), vec![]);
    }

    #[test]
    fn excerpt_centres_on_the_first_match() {
        let body = format!("{}จัดซื้อ{}", "ก".repeat(500), "ข".repeat(500));
        let e = excerpt(&body, &terms("จัดซื้อ"));
        assert!(e.starts_with('…') && e.ends_with('…'));
        assert!(e.contains("จัดซื้อ"));
        assert!(e.chars().count() <= BEFORE + AFTER + 2);
        assert_eq!(excerpt("สั้น", &terms("x")), "สั้น");
        // A cut that would fall on a vowel mark moves past it.
        let body = format!("ขี{}จัดซื้อ", "ก".repeat(BEFORE - 1));
        let e = excerpt(&body, &terms("จัดซื้อ"));
        assert_eq!(e.chars().nth(1), Some('ก'), "{e}");
    }

    fn store_with_items() -> (tempfile::TempDir, crate::store::Store, Vec<i64>) {
        use crate::store::items::{NewAttachment, NewItem, insert};
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
                        &new("news/general", "ข่าวรณรงค์ไข้เลือดออก", "ชุมชนร่วมใจ จัดซื้อ", "2025-09-01T03:00:00Z"),
                    )?,
                    insert(c, &new("law/announcements", "คำสั่งแต่งตั้ง", "เรื่องอื่น", "2026-04-01T03:00:00Z"))?,
                ])
            })
            .unwrap();
        (dir, store, ids)
    }

    #[test]
    fn many_short_matches_are_walked_newest_first_with_the_time_rules() {
        use crate::store::items::{NewItem, insert_in};
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        // More than a search shows, and more than are looked up one by one.
        let n = COUNT_MAX as i64 + 20;
        assert!(n as usize > LOOK_UP_MAX);
        let day = |d: i64| jiff::Timestamp::from_second(1_767_225_600 + d * 86_400).unwrap();
        store
            .run_sync(|c| {
                let tx = c.transaction()?;
                for d in 0..n {
                    let category = if d % 2 == 0 { "news/general" } else { "law/announcements" };
                    let item = NewItem {
                        // The newest has ended; it must not be shown.
                        expires_on: (d == n - 1).then(|| "2026-01-02".parse().unwrap()),
                        ..NewItem::sample(category, &format!("แจกยาฟรีครั้งที่{d:04}"), &day(d).to_string())
                    };
                    insert_in(&tx, &item)?;
                }
                tx.commit()?;
                Ok(())
            })
            .unwrap();
        let b = store.briefs().clone();
        let at = At::from(day(n + 10));
        store
            .run_sync(|c| {
                let title = |d: i64| format!("แจกยาฟรีครั้งที่{d:04}");
                let newest = n - 2;
                for text in ["ยา", "ยาฟรี"] {
                    // Short (walked by date) and long (ranked; equal scores, so newest first).
                    let q = Query { text: text.into(), page: 1, per_page: 5, ..Query::default() };
                    let found = search(c, &b, &q, at)?;
                    assert!(found.more, "{text}");
                    assert_eq!(found.page.total, COUNT_MAX);
                    let titles: Vec<&str> = found.page.rows.iter().map(|h| h.item.title.as_str()).collect();
                    assert_eq!(titles[0], title(newest), "{text}");
                    assert_eq!(titles[4], title(newest - 4), "{text}");
                    // The last page ends with the oldest shown; past it, nothing but the count.
                    let last = Query { page: (COUNT_MAX / 5) as u32, ..q.clone() };
                    let rows = search(c, &b, &last, at)?.page.rows;
                    assert_eq!(
                        rows.last().unwrap().item.title,
                        title(newest - COUNT_MAX as i64 + 1),
                        "{text}"
                    );
                    let past = search(c, &b, &Query { page: last.page + 1, ..q.clone() }, at)?;
                    assert!(past.page.rows.is_empty() && past.more && past.page.total == COUNT_MAX);
                    let q = Query { area: Some("news"), ..q };
                    let found = search(c, &b, &q, at)?;
                    assert!(!found.more);
                    assert_eq!(found.page.total, (n / 2) as u64, "{text}");
                    assert!(found.page.rows.iter().all(|h| h.item.category.starts_with("news/")));
                }
                Ok(())
            })
            .unwrap();
    }

    fn found(c: &Connection, b: &Briefs, text: &str) -> Vec<i64> {
        let at = At::from("2026-06-01T05:00:00Z".parse::<jiff::Timestamp>().unwrap());
        let q = Query { text: text.into(), page: 1, per_page: 20, ..Query::default() };
        search(c, b, &q, at).unwrap().page.rows.iter().map(|h| h.item.id).collect()
    }

    #[test]
    fn thai_queries_of_every_length_are_found_ranked_and_kept_in_step() {
        let (_dir, store, ids) = store_with_items();
        let b = store.briefs().clone();
        store
            .run_sync(|c| {
                // 1 and 2 characters: the fallback; 3 and more: the trigram index.
                assert_eq!(found(c, &b, "ข"), vec![ids[1]]);
                assert_eq!(found(c, &b, "คำ"), vec![ids[2]]);
                assert_eq!(found(c, &b, "แผ"), vec![ids[0]]);
                assert_eq!(found(c, &b, "ข่ ไข"), vec![ids[1]], "every short term must occur");
                assert!(found(c, &b, "ข่ คำ").is_empty());
                assert!(found(c, &b, "ชุ").is_empty(), "short terms are not looked for in bodies");
                assert_eq!(found(c, &b, "ซื้"), vec![ids[0], ids[1]]);
                // A title hit ranks above a body hit even though the body hit is older.
                assert_eq!(found(c, &b, "จัดซื้อ"), vec![ids[0], ids[1]]);
                assert_eq!(found(c, &b, "จัดซื้อ ชุมชน"), vec![ids[1]]);
                assert_eq!(found(c, &b, "จัดซื้อ ข่"), vec![ids[1]], "long and short terms together");
                assert_eq!(found(c, &b, "ราคากลาง"), vec![ids[0]], "attachment names are searched");
                assert_eq!(found(c, &b, "PDF"), vec![ids[0]], "case is ignored");
                assert!(found(c, &b, "\"\" OR *").is_empty(), "syntax is never parsed");
                // Area and fiscal-year filters.
                let at = At::from("2026-06-01T05:00:00Z".parse::<jiff::Timestamp>().unwrap());
                let q = Query {
                    text: "จัดซื้อ".into(),
                    area: Some("news"),
                    fiscal_year: Some(2568),
                    page: 1,
                    per_page: 20,
                };
                let hits = search(c, &b, &q, at)?.page;
                assert_eq!(hits.rows.iter().map(|h| h.item.id).collect::<Vec<_>>(), vec![ids[1]]);
                // Withdrawn and expired items leave the index.
                crate::store::items::take_down(c, ids[0], crate::store::items::Gone::Withdrawn)?;
                assert_eq!(found(c, &b, "จัดซื้อ"), vec![ids[1]]);
                assert!(found(c, &b, "ราคากลาง").is_empty());
                assert!(found(c, &b, "แผ").is_empty(), "the copy in memory follows the database");
                c.execute("UPDATE items SET expires_on = '2026-01-01' WHERE id = ?1", [ids[1]])?;
                assert!(found(c, &b, "จัดซื้อ").is_empty(), "past its end date");
                Ok(())
            })
            .unwrap();
    }
}
