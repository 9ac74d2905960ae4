//! Texts of the policy pages edited by admins (a page without a row shows its default).

use rusqlite::{Connection, OptionalExtension as _};

use super::StoreResult;

/// The edited text of a page and when it was saved, if it was edited.
pub fn get(conn: &Connection, slug: &str) -> StoreResult<Option<(String, i64)>> {
    Ok(conn
        .prepare_cached("SELECT body, updated_at FROM pages WHERE slug = ?1")?
        .query_row([slug], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Saves the text of a page; an empty text goes back to the default.
pub fn set(conn: &Connection, slug: &str, body: &str, by: &str) -> StoreResult<()> {
    if body.trim().is_empty() {
        conn.execute("DELETE FROM pages WHERE slug = ?1", [slug])?;
    } else {
        conn.execute(
            "INSERT INTO pages (slug, body, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (slug) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
                                              updated_by = excluded.updated_by",
            (slug, body, super::now_unix(), by),
        )?;
    }
    Ok(())
}
