//! Imports from the office's old website: import runs, the items each created (keyed by the
//! old site's GUID, so importing the same export again adds nothing), posts held until staff
//! choose their category, and the old URLs that are answered with a permanent redirect.

use rusqlite::{Connection, OptionalExtension as _, params};

use super::audit::Who;
use super::blobs::StoredBlob;
use super::items::{NewAttachment, NewItem};
use super::{StoreResult, now_unix};

/// A post ready to become an item (or to be held), with its files already in the blob store.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ImportedItem {
    /// The old site's unique id for it.
    pub guid: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Body text (CommonMark); images and links to its own files are written with
    /// [`file_placeholder`] addresses, replaced by the files' public addresses when stored.
    pub body: String,
    /// Source / owner shown on the item.
    pub source: String,
    /// Publication time, Unix seconds (kept from the old site).
    pub published_at: i64,
    /// Files, in order.
    pub files: Vec<ImportedFile>,
    /// The old URL keys of the post itself (see [`url_key`]).
    pub urls: Vec<String>,
}

/// One file of an [`ImportedItem`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ImportedFile {
    /// Name shown and offered on download.
    pub file_name: String,
    /// Lower-case extension.
    pub kind: String,
    /// Hash of the stored bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Text alternative of an image.
    pub alt: String,
    /// The old URL keys of the file.
    pub urls: Vec<String>,
}

/// Where an old URL now points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An item's page.
    Item(i64),
    /// A file: attachment id and name.
    File(i64, String),
    /// A sub-category's listing (`area/sub`).
    Place(String),
}

/// One import run, for the list on `/admin/import`.
#[derive(Debug, Clone)]
pub struct Run {
    /// Row id.
    pub id: i64,
    /// `wordpress` or `csv`.
    pub kind: String,
    /// The file imported.
    pub file_name: String,
    /// Who ran it (display name), if from a web account.
    pub user_name: Option<String>,
    /// When it started (Unix seconds).
    pub started_at: i64,
    /// The counts, as written at the end.
    pub summary: String,
    /// When it was undone, if it was.
    pub undone_at: Option<i64>,
    /// Items that are still there from it.
    pub items: i64,
    /// Posts from it still waiting for a category.
    pub held: i64,
}

/// A post waiting for staff to choose its category.
#[derive(Debug, Clone)]
pub struct Held {
    /// Row id.
    pub id: i64,
    /// The run that brought it.
    pub run_id: i64,
    /// Title.
    pub title: String,
    /// The old site's categories, comma-separated.
    pub wp_categories: String,
}

/// What an undo removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Undone {
    /// Items deleted.
    pub items: u64,
    /// Held posts deleted.
    pub held: u64,
    /// Old URLs forgotten.
    pub urls: u64,
    /// Stored files no longer used by anything, to delete from disk after the commit.
    pub files: Vec<String>,
}

/// The normal form of an old URL used as the key: the path percent-decoded, without
/// `index.php/` and without a trailing slash (`/2024/01/ข่าว`), or one recognised query
/// (`?p=12`, `?page_id=3`, `?cat=5`, `?attachment_id=9`). `None` for anything else.
pub fn url_key(path: &str, query: Option<&str>) -> Option<String> {
    if let Some(q) = query {
        for pair in q.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if matches!(k, "p" | "page_id" | "cat" | "attachment_id")
                && !v.is_empty()
                && v.bytes().all(|b| b.is_ascii_digit())
            {
                return Some(format!("?{k}={}", v.trim_start_matches('0')));
            }
        }
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut p = decoded.trim();
    if let Some(rest) = p.strip_prefix("/index.php") {
        p = rest;
    }
    let p = p.trim_end_matches('/');
    if p.is_empty() || p.contains("..") {
        return None;
    }
    let p = if p.starts_with('/') { p.to_owned() } else { format!("/{p}") };
    Some(p.to_lowercase())
}

/// Starts a run and returns its id.
pub fn start_run(conn: &Connection, kind: &str, file_name: &str, who: &Who) -> StoreResult<i64> {
    conn.execute(
        "INSERT INTO import_runs (kind, file_name, user_id, address, started_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind, file_name, who.user_id, who.address, now_unix()],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Writes a run's counts at its end.
pub fn finish_run(conn: &Connection, run_id: i64, summary: &str) -> StoreResult<()> {
    conn.execute(
        "UPDATE import_runs SET finished_at = ?2, summary = ?3 WHERE id = ?1",
        params![run_id, now_unix(), summary],
    )?;
    Ok(())
}

/// Whether a post with this GUID was already imported (as an item, or held).
pub fn is_known(conn: &Connection, guid: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM import_items WHERE guid = ?1 UNION ALL SELECT 1 FROM import_held WHERE guid = ?1",
        )?
        .exists([guid])?)
}

/// Records that `run_id` put this file into the blob store (it did not exist before), so that
/// an undo can remove it again.
pub fn note_new_blob(conn: &Connection, run_id: i64, sha256: &str) -> StoreResult<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO import_blobs (run_id, sha256) VALUES (?1, ?2)")?
        .execute(params![run_id, sha256])?;
    Ok(())
}

const PLACEHOLDER: &str = "prakat-import-file:";

/// The address an imported body uses for its file number `index` (in [`ImportedItem::files`])
/// until the file is stored and has its public address.
pub fn file_placeholder(index: usize) -> String {
    format!("{PLACEHOLDER}{index}")
}

/// Stores an imported post as a published item in `category`, with its files and old URLs,
/// in one transaction. Returns the item id and the old URLs that another post already had
/// (the first one keeps them).
pub fn add_item(
    conn: &mut Connection,
    run_id: i64,
    category: &str,
    post: &ImportedItem,
) -> StoreResult<(i64, Vec<String>)> {
    let tx = conn.transaction()?;
    let out = add_item_in(&tx, run_id, category, post)?;
    tx.commit()?;
    Ok(out)
}

fn add_item_in(
    tx: &Connection,
    run_id: i64,
    category: &str,
    post: &ImportedItem,
) -> StoreResult<(i64, Vec<String>)> {
    let item = NewItem {
        category: category.to_owned(),
        title: post.title.clone(),
        summary: post.summary.clone(),
        body: post.body.clone(),
        source: post.source.clone(),
        link: None,
        period_from: None,
        period_to: None,
        timeless: false,
        published_at: jiff::Timestamp::from_second(post.published_at).unwrap_or(jiff::Timestamp::UNIX_EPOCH),
        expires_on: None,
        attachments: post
            .files
            .iter()
            .map(|f| NewAttachment {
                file_name: f.file_name.clone(),
                kind: f.kind.clone(),
                blob: StoredBlob { sha256: f.sha256.clone(), size: f.size },
                alt: f.alt.clone(),
            })
            .collect(),
        request_id: None,
    };
    let item_id = super::items::insert_in(tx, &item)?;
    tx.execute(
        "INSERT INTO import_items (guid, run_id, item_id) VALUES (?1, ?2, ?3)",
        params![post.guid, run_id, item_id],
    )?;
    let mut clashes = Vec::new();
    let mut add = tx.prepare_cached(
        "INSERT OR IGNORE INTO legacy_urls (path, run_id, item_id, attachment_id, place)
         VALUES (?1, ?2, ?3, ?4, NULL)",
    )?;
    for url in &post.urls {
        if add.execute(params![url, run_id, item_id, None::<i64>])? == 0 {
            clashes.push(url.clone());
        }
    }
    let attachment_ids: Vec<i64> = tx
        .prepare_cached("SELECT id FROM attachments WHERE item_id = ?1 ORDER BY position")?
        .query_map([item_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if post.body.contains(PLACEHOLDER) {
        let mut body = post.body.clone();
        for (i, (file, attachment_id)) in post.files.iter().zip(&attachment_ids).enumerate() {
            let public = crate::paths::file(*attachment_id, &file.file_name);
            body = body.replace(&format!("]({})", file_placeholder(i)), &format!("]({public})"));
        }
        tx.execute("UPDATE items SET body = ?2 WHERE id = ?1", params![item_id, body])?;
    }
    for (file, attachment_id) in post.files.iter().zip(attachment_ids) {
        for url in &file.urls {
            if add.execute(params![url, run_id, None::<i64>, attachment_id])? == 0 {
                clashes.push(url.clone());
            }
        }
    }
    Ok((item_id, clashes))
}

/// Keeps a post whose category is not known yet; it is not public until released.
pub fn add_held(
    conn: &Connection,
    run_id: i64,
    wp_categories: &str,
    post: &ImportedItem,
) -> StoreResult<i64> {
    let payload = serde_json::to_string(post).expect("an imported item serialises");
    conn.execute(
        "INSERT INTO import_held (run_id, guid, title, wp_categories, payload, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![run_id, post.guid, post.title, wp_categories, payload, now_unix()],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Publishes a held post in `category` (one transaction). `None` when there is no such held
/// post (already released or undone).
pub fn release_held(conn: &mut Connection, held_id: i64, category: &str) -> StoreResult<Option<i64>> {
    let tx = conn.transaction()?;
    let row: Option<(i64, String)> = tx
        .query_row("SELECT run_id, payload FROM import_held WHERE id = ?1", [held_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((run_id, payload)) = row else { return Ok(None) };
    let post: ImportedItem = serde_json::from_str(&payload).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?;
    tx.execute("DELETE FROM import_held WHERE id = ?1", [held_id])?;
    let (item_id, _) = add_item_in(&tx, run_id, category, &post)?;
    tx.commit()?;
    Ok(Some(item_id))
}

/// Posts waiting for a category, oldest first.
pub fn held(conn: &Connection) -> StoreResult<Vec<Held>> {
    let rows = conn
        .prepare("SELECT id, run_id, title, wp_categories FROM import_held ORDER BY id")?
        .query_map([], |r| {
            Ok(Held { id: r.get(0)?, run_id: r.get(1)?, title: r.get(2)?, wp_categories: r.get(3)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Records the old URLs of a category, pointing at `place` (`area/sub`); existing ones are
/// kept. Returns how many were new.
pub fn add_place_urls(conn: &Connection, run_id: i64, place: &str, urls: &[String]) -> StoreResult<u64> {
    let mut add = conn.prepare_cached(
        "INSERT OR IGNORE INTO legacy_urls (path, run_id, item_id, attachment_id, place)
         VALUES (?1, ?2, NULL, NULL, ?3)",
    )?;
    let mut added = 0;
    for url in urls {
        added += add.execute(params![url, run_id, place])? as u64;
    }
    Ok(added)
}

/// Where an old URL key now points, if it was recorded.
pub fn resolve(conn: &Connection, key: &str) -> StoreResult<Option<Target>> {
    type Row = (Option<i64>, Option<i64>, Option<String>, Option<String>);
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT u.item_id, u.attachment_id, a.file_name, u.place FROM legacy_urls u
             LEFT JOIN attachments a ON a.id = u.attachment_id WHERE u.path = ?1",
        )?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    Ok(row.and_then(|(item, attachment, name, place)| match (item, attachment, place) {
        (Some(id), _, _) => Some(Target::Item(id)),
        (_, Some(id), _) => Some(Target::File(id, name.unwrap_or_default())),
        (_, _, Some(place)) => Some(Target::Place(place)),
        _ => None,
    }))
}

/// Number of old URLs recorded.
pub fn count_urls(conn: &Connection) -> StoreResult<u64> {
    Ok(conn.query_row("SELECT count(*) FROM legacy_urls", [], |r| r.get::<_, i64>(0))? as u64)
}

/// Import runs, newest first, with what is left of each.
pub fn runs(conn: &Connection) -> StoreResult<Vec<Run>> {
    let rows = conn
        .prepare(
            "SELECT r.id, r.kind, r.file_name, u.name, r.started_at, r.summary, r.undone_at,
                    (SELECT count(*) FROM import_items i WHERE i.run_id = r.id),
                    (SELECT count(*) FROM import_held h WHERE h.run_id = r.id)
             FROM import_runs r LEFT JOIN users u ON u.id = r.user_id ORDER BY r.id DESC",
        )?
        .query_map([], |r| {
            Ok(Run {
                id: r.get(0)?,
                kind: r.get(1)?,
                file_name: r.get(2)?,
                user_name: r.get(3)?,
                started_at: r.get(4)?,
                summary: r.get(5)?,
                undone_at: r.get(6)?,
                items: r.get(7)?,
                held: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Removes everything run `run_id` created — its items (with their files, tags and search
/// entries), held posts and old URLs — and marks it undone, in one transaction. The caller
/// deletes [`Undone::files`] from disk after this returns. `None` if there is no such run or it
/// was already undone.
pub fn undo(conn: &mut Connection, run_id: i64) -> StoreResult<Option<Undone>> {
    let tx = conn.transaction()?;
    let open: Option<Option<i64>> =
        tx.query_row("SELECT undone_at FROM import_runs WHERE id = ?1", [run_id], |r| r.get(0)).optional()?;
    if !matches!(open, Some(None)) {
        return Ok(None);
    }
    let mut undone = Undone {
        urls: tx.execute("DELETE FROM legacy_urls WHERE run_id = ?1", [run_id])? as u64,
        ..Undone::default()
    };
    undone.items = tx.execute(
        "DELETE FROM items WHERE id IN (SELECT item_id FROM import_items WHERE run_id = ?1)",
        [run_id],
    )? as u64;
    undone.held = tx.execute("DELETE FROM import_held WHERE run_id = ?1", [run_id])? as u64;
    // Files this run brought that nothing uses any more (another run, item or request may
    // share the same bytes).
    undone.files = tx
        .prepare(
            "SELECT b.sha256 FROM import_blobs b WHERE b.run_id = ?1
               AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256)
               AND NOT EXISTS (SELECT 1 FROM request_files f WHERE f.sha256 = b.sha256)
               AND NOT EXISTS (SELECT 1 FROM import_held h WHERE h.payload LIKE '%' || b.sha256 || '%')",
        )?
        .query_map([run_id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    for sha in &undone.files {
        tx.execute("DELETE FROM blobs WHERE sha256 = ?1", [sha])?;
    }
    tx.execute("DELETE FROM import_blobs WHERE run_id = ?1", [run_id])?;
    tx.execute("UPDATE import_runs SET undone_at = ?2 WHERE id = ?1", params![run_id, now_unix()])?;
    tx.commit()?;
    Ok(Some(undone))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_keys() {
        assert_eq!(url_key("/", Some("p=12")).as_deref(), Some("?p=12"));
        assert_eq!(url_key("/index.php", Some("page_id=3&x=1")).as_deref(), Some("?page_id=3"));
        assert_eq!(url_key("/", Some("utm=1&cat=05")).as_deref(), Some("?cat=5"));
        assert_eq!(url_key("/", Some("p=abc")), None);
        assert_eq!(url_key("/", None), None);
        assert_eq!(
            url_key("/2024/01/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7/", None).as_deref(),
            Some("/2024/01/ข่าว")
        );
        assert_eq!(url_key("/index.php/2024/01/news-1", None).as_deref(), Some("/2024/01/news-1"));
        assert_eq!(url_key("/Category/ITA/", None).as_deref(), Some("/category/ita"));
        assert_eq!(url_key("/wp-content/../etc/passwd", None), None);
    }

    fn post(guid: &str, urls: &[&str]) -> ImportedItem {
        ImportedItem {
            guid: guid.into(),
            title: format!("เรื่อง {guid}"),
            summary: String::new(),
            body: "เนื้อหา".into(),
            source: "งานประชาสัมพันธ์ (นำเข้าจากเว็บไซต์เดิม)".into(),
            published_at: 1_700_000_000,
            files: vec![],
            urls: urls.iter().map(|u| u.to_string()).collect(),
        }
    }

    #[test]
    fn a_duplicate_old_url_stays_with_the_first_post_and_undo_removes_exactly_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        store
            .run_sync(|c| {
                let run = start_run(c, "wordpress", "a.xml", &Who::console())?;
                let (first, clashes) = add_item(c, run, "news/general", &post("g1", &["?p=1", "/ข่าว"]))?;
                assert!(clashes.is_empty());
                let (_, clashes) = add_item(c, run, "news/general", &post("g2", &["?p=2", "/ข่าว"]))?;
                assert_eq!(clashes, vec!["/ข่าว".to_string()]);
                assert_eq!(resolve(c, "/ข่าว")?, Some(Target::Item(first)));
                assert!(is_known(c, "g1")?);
                add_held(c, run, "เรื่องทั่วไป", &post("g3", &["?p=3"]))?;
                assert!(is_known(c, "g3")?);
                assert_eq!(resolve(c, "?p=3")?, None, "a held post has no redirect yet");
                // Another run's item is untouched by this run's undo.
                let other = start_run(c, "csv", "b.csv", &Who::console())?;
                add_item(c, other, "news/jobs", &post("g4", &["?p=4"]))?;
                let undone = undo(c, run)?.unwrap();
                assert_eq!((undone.items, undone.held, undone.urls), (2, 1, 3));
                assert!(!is_known(c, "g1")? && !is_known(c, "g3")? && is_known(c, "g4")?);
                assert!(resolve(c, "?p=4")?.is_some());
                assert!(undo(c, run)?.is_none(), "undone once only");
                Ok(())
            })
            .unwrap();
    }
}
