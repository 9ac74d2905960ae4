//! Versioned schema migrations, embedded in the binary and tracked with `PRAGMA user_version`.
//!
//! Append new migrations at the end; never edit one that has been released.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

const MIGRATIONS: &[M<'static>] = &[
    // 1: published items, their attachments and the content-addressed files behind them.
    M::up(
        "CREATE TABLE blobs (
            sha256      TEXT PRIMARY KEY,
            size        INTEGER NOT NULL,
            created_at  INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE items (
            id            INTEGER PRIMARY KEY,
            category      TEXT NOT NULL,
            title         TEXT NOT NULL,
            summary       TEXT NOT NULL DEFAULT '',
            body          TEXT NOT NULL DEFAULT '',
            source        TEXT NOT NULL,
            link          TEXT,
            period_from   TEXT,
            period_to     TEXT,
            published_at  INTEGER NOT NULL,
            expires_on    TEXT,
            state         TEXT NOT NULL DEFAULT 'published'
                          CHECK (state IN ('published', 'expired', 'withdrawn')),
            created_at    INTEGER NOT NULL,
            updated_at    INTEGER NOT NULL
        ) STRICT;
        -- Covering indexes: listings and counts judge visibility from the index alone, without
        -- walking past long bodies in the table rows.
        CREATE INDEX items_by_category
            ON items (category, published_at DESC, id DESC, state, expires_on);
        CREATE INDEX items_by_date
            ON items (published_at DESC, id DESC, state, expires_on, category, updated_at);

        CREATE TABLE attachments (
            id         INTEGER PRIMARY KEY,
            item_id    INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            position   INTEGER NOT NULL,
            file_name  TEXT NOT NULL,
            kind       TEXT NOT NULL,
            sha256     TEXT NOT NULL REFERENCES blobs (sha256),
            size       INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX attachments_by_item ON attachments (item_id, position);",
    ),
];

/// Brings the database schema up to the newest version.
pub fn apply(conn: &mut Connection) -> rusqlite_migration::Result<()> {
    Migrations::from_slice(MIGRATIONS).to_latest(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        Migrations::from_slice(MIGRATIONS).validate().unwrap();
    }
}
