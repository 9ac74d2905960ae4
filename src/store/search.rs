//! Full-text search over visible items.
//!
//! Thai is written without spaces between words, so the index (`items_fts`, FTS5 with the
//! trigram tokenizer) finds any run of three or more characters anywhere in a title, summary,
//! body, source or attachment name. Triggers keep it to the published items; the time rules
//! (publication start, end date) are applied here, as in every public query. Terms shorter
//! than three characters cannot use a trigram index and are matched with `instr` on the
//! titles, summaries, sources and file names, not the bodies: one or two Thai letters occur in
//! nearly every body, and scanning every body made such searches slow. Results with at least one indexed term are ranked by bm25 (a hit in the title
//! counts most), others newest first.

use rusqlite::Connection;

use super::StoreResult;
use super::items::{At, ItemSummary, Page};

/// At most this many terms of a query are used.
const MAX_TERMS: usize = 8;
/// Results are counted up to this many; more is shown as "more than".
pub const COUNT_MAX: u64 = 1000;
/// The shortest term the trigram index can serve, in characters (Unicode code points).
pub const TRIGRAM: usize = 3;

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

/// Searches the visible items. An empty query finds nothing.
pub fn search(conn: &Connection, q: &Query, at: At) -> StoreResult<Page<Hit>> {
    let page = q.page.max(1);
    let empty = Page { rows: Vec::new(), total: 0, page, per_page: q.per_page };
    let terms = terms(&q.text);
    if terms.is_empty() {
        return Ok(empty);
    }
    let (long, short): (Vec<&String>, Vec<&String>) =
        terms.iter().partition(|t| t.chars().count() >= TRIGRAM);

    let mut values: Vec<(String, Box<dyn rusqlite::ToSql>)> =
        vec![(":now".into(), Box::new(at.unix)), (":today".into(), Box::new(at.today.to_string()))];
    let mut from = String::from("items i");
    if !long.is_empty() {
        let expr: Vec<String> = long.iter().map(|t| phrase(t)).collect();
        from = "items_fts f JOIN items i ON i.id = f.rowid".into();
        values.push((":match".into(), Box::new(expr.join(" AND "))));
    }
    let mut filter = String::from(
        "i.state = 'published' AND i.published_at <= :now \
         AND (i.expires_on IS NULL OR i.expires_on >= :today)",
    );
    if !long.is_empty() {
        filter.push_str(" AND items_fts MATCH :match");
    }
    for (n, term) in short.iter().enumerate() {
        let name = format!(":s{n}");
        // One or two characters: a substring of the items' short text (see migration 9).
        filter.push_str(&format!(" AND i.id IN (SELECT id FROM items_brief WHERE instr(text, {name}))"));
        values.push((name, Box::new((*term).clone())));
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
    let mut params: Vec<(&str, &dyn rusqlite::ToSql)> =
        values.iter().map(|(k, v)| (k.as_str(), v.as_ref() as &dyn rusqlite::ToSql)).collect();

    let limit = i64::from(q.per_page);
    let offset = i64::from(page - 1) * limit;
    // Ranked (full-text) searches visit every match to sort them anyway, so the page carries
    // the total as a window count instead of a second pass over the index.
    let mut total: Option<i64> = None;
    if long.is_empty() {
        // Counting stops at COUNT_MAX: beyond that the exact number helps nobody and costs time.
        let n: i64 = conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM (SELECT 1 FROM {from} WHERE {filter} LIMIT {COUNT_MAX})"
            ))?
            .query_row(params.as_slice(), |r| r.get(0))?;
        if n == 0 {
            return Ok(empty);
        }
        total = Some(n);
    }
    params.push((":limit", &limit));
    params.push((":offset", &offset));
    let kinds = "(SELECT group_concat(kind, ',') FROM
                    (SELECT kind FROM attachments WHERE item_id = i.id ORDER BY position))";
    let sql = if long.is_empty() {
        format!(
            "SELECT i.id, i.category, i.title, i.summary, i.published_at, i.body, {kinds}
             FROM {from} WHERE {filter}
             ORDER BY i.published_at DESC, i.id DESC LIMIT :limit OFFSET :offset"
        )
    } else {
        // bm25() may not share a query with a window function: rank in one step, count and
        // cut the page in the next, and read the page's rows last.
        format!(
            "WITH hits AS (SELECT i.id AS id, i.published_at AS at, {RANK} AS score
                           FROM {from} WHERE {filter}),
                  page AS (SELECT id, at, score, count(*) OVER () AS total FROM hits
                           ORDER BY score, at DESC, id DESC LIMIT :limit OFFSET :offset)
             SELECT i.id, i.category, i.title, i.summary, i.published_at, i.body, {kinds}, page.total
             FROM page JOIN items i ON i.id = page.id
             ORDER BY page.score, page.at DESC, page.id DESC"
        )
    };
    let ranked = !long.is_empty();
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params.as_slice(), |r| {
            let counted: Option<i64> = if ranked { Some(r.get(7)?) } else { None };
            Ok((super::items::summary_of(r, 6)?, r.get::<_, String>(5)?, counted))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = match (total, rows.first()) {
        (Some(n), _) => n,
        (None, Some((_, _, Some(n)))) => *n,
        // A page past the end of a ranked search: count for the pager.
        (None, _) if page > 1 => {
            params.truncate(params.len() - 2);
            conn.prepare_cached(&format!(
                "SELECT count(*) FROM (SELECT 1 FROM {from} WHERE {filter} LIMIT {COUNT_MAX})"
            ))?
            .query_row(params.as_slice(), |r| r.get(0))?
        }
        (None, _) => 0,
    };
    let total = total.min(COUNT_MAX as i64);
    let rows =
        rows.into_iter().map(|(item, body, _)| Hit { excerpt: excerpt(&body, &terms), item }).collect();
    Ok(Page { rows, total: total as u64, page, per_page: q.per_page })
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
            category: category.into(),
            title: title.into(),
            summary: String::new(),
            body: body.into(),
            source: "กลุ่มงานบริหารทั่วไป".into(),
            link: None,
            period_from: None,
            period_to: None,
            published_at: published.parse().unwrap(),
            expires_on: None,
            attachments: vec![],
            request_id: None,
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

    fn found(c: &Connection, text: &str) -> Vec<i64> {
        let at = At::from("2026-06-01T05:00:00Z".parse::<jiff::Timestamp>().unwrap());
        let q = Query { text: text.into(), page: 1, per_page: 20, ..Query::default() };
        search(c, &q, at).unwrap().rows.iter().map(|h| h.item.id).collect()
    }

    #[test]
    fn thai_queries_of_every_length_are_found_ranked_and_kept_in_step() {
        let (_dir, store, ids) = store_with_items();
        store
            .run_sync(|c| {
                // 1 and 2 characters: the fallback; 3 and more: the trigram index.
                assert_eq!(found(c, "ข"), vec![ids[1]]);
                assert_eq!(found(c, "คำ"), vec![ids[2]]);
                assert!(found(c, "ชุ").is_empty(), "short terms are not looked for in bodies");
                assert_eq!(found(c, "ซื้"), vec![ids[0], ids[1]]);
                // A title hit ranks above a body hit even though the body hit is older.
                assert_eq!(found(c, "จัดซื้อ"), vec![ids[0], ids[1]]);
                assert_eq!(found(c, "จัดซื้อ ชุมชน"), vec![ids[1]]);
                assert_eq!(found(c, "จัดซื้อ ข่"), vec![ids[1]], "long and short terms together");
                assert_eq!(found(c, "ราคากลาง"), vec![ids[0]], "attachment names are searched");
                assert_eq!(found(c, "PDF"), vec![ids[0]], "case is ignored");
                assert!(found(c, "\"\" OR *").is_empty(), "syntax is never parsed");
                // Area and fiscal-year filters.
                let at = At::from("2026-06-01T05:00:00Z".parse::<jiff::Timestamp>().unwrap());
                let q = Query {
                    text: "จัดซื้อ".into(),
                    area: Some("news"),
                    fiscal_year: Some(2568),
                    page: 1,
                    per_page: 20,
                };
                let hits = search(c, &q, at)?;
                assert_eq!(hits.rows.iter().map(|h| h.item.id).collect::<Vec<_>>(), vec![ids[1]]);
                // Withdrawn and expired items leave the index.
                crate::store::items::withdraw(c, ids[0])?;
                assert_eq!(found(c, "จัดซื้อ"), vec![ids[1]]);
                assert!(found(c, "ราคากลาง").is_empty());
                c.execute("UPDATE items SET expires_on = '2026-01-01' WHERE id = ?1", [ids[1]])?;
                assert!(found(c, "จัดซื้อ").is_empty(), "past its end date");
                Ok(())
            })
            .unwrap();
    }
}
