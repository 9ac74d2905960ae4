//! Versioned schema migrations, embedded in the binary and tracked with `PRAGMA user_version`.
//!
//! Append new migrations at the end; never edit one that has been released.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

// Schema text used by more than one migration, written once here.

/// The index of words of migration 13 (rowid = item id): its triggers.
macro_rules! words_triggers_v13 {
    () => {
        "CREATE TRIGGER items_words_insert AFTER INSERT ON items WHEN new.state = 'published' BEGIN
            INSERT INTO items_words (rowid, title, summary, body, source, files)
            VALUES (new.id, prakat_words(new.title), prakat_words(new.summary), prakat_words(new.body),
                    prakat_words(new.source), '');
            UPDATE search_state SET changes = changes + 1;
        END;
        CREATE TRIGGER items_words_update AFTER UPDATE OF title, summary, body, source, state ON items BEGIN
            DELETE FROM items_words WHERE rowid = old.id;
            INSERT INTO items_words (rowid, title, summary, body, source, files)
            SELECT new.id, prakat_words(new.title), prakat_words(new.summary), prakat_words(new.body),
                   prakat_words(new.source),
                   prakat_words(coalesce((SELECT group_concat(file_name, ' ') FROM attachments WHERE item_id = new.id), ''))
            WHERE new.state = 'published';
            UPDATE search_state SET changes = changes + 1;
        END;
        CREATE TRIGGER items_words_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_words WHERE rowid = old.id;
            UPDATE search_state SET changes = changes + 1;
        END;
        CREATE TRIGGER items_words_files AFTER INSERT ON attachments BEGIN
            UPDATE items_words SET files = trim(files || ' ' || prakat_words(new.file_name))
            WHERE rowid = new.item_id;
            UPDATE search_state SET changes = changes + 1;
        END;"
    };
}

/// The index of words and its vocabulary (migrations 13 and 22).
macro_rules! words_tables {
    () => {
        "CREATE VIRTUAL TABLE items_words USING fts5(
            title, summary, source, files, body, tokenize = 'ascii'
        );
        CREATE VIRTUAL TABLE items_words_vocab USING fts5vocab(items_words, 'row');"
    };
}

/// Drops the index of words, its vocabulary and its triggers.
macro_rules! words_index_drop {
    () => {
        "DROP TRIGGER items_words_insert;
        DROP TRIGGER items_words_update;
        DROP TRIGGER items_words_delete;
        DROP TRIGGER items_words_files;
        DROP TABLE items_words_vocab;
        DROP TABLE items_words;"
    };
}

const MIGRATIONS: &[M<'static>] = &[
    // 1: published items, their attachments and the content-addressed files behind them.
    M::up(concat!(
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
        ) STRICT;",
        // Covering indexes: listings and counts judge visibility from the index alone, without
        // walking past long bodies in the table rows.
        "
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
    )),
    // 2: accounts, sessions, the audit trail, publication requests and notifications.
    M::up(concat!(
        "CREATE TABLE users (
            id             INTEGER PRIMARY KEY,
            username       TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name           TEXT NOT NULL,
            position       TEXT NOT NULL DEFAULT '',
            unit           TEXT NOT NULL DEFAULT '',
            phone          TEXT NOT NULL DEFAULT '',
            email          TEXT NOT NULL DEFAULT '',
            roles          TEXT NOT NULL,
            password_hash  TEXT NOT NULL,
            active         INTEGER NOT NULL DEFAULT 1,
            created_at     INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE sessions (
            token_hash  TEXT PRIMARY KEY,
            user_id     INTEGER NOT NULL REFERENCES users (id),
            csrf        TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            seen_at     INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX sessions_by_user ON sessions (user_id);

        CREATE TABLE setup_tokens (
            token_hash  TEXT PRIMARY KEY,
            expires_at  INTEGER NOT NULL,
            used_at     INTEGER
        ) STRICT;",
        // Append-only: the triggers refuse every change and every deletion.
        "
        CREATE TABLE audit (
            id       INTEGER PRIMARY KEY,
            at       INTEGER NOT NULL,
            user_id  INTEGER REFERENCES users (id),
            address  TEXT NOT NULL DEFAULT '',
            action   TEXT NOT NULL,
            object   TEXT NOT NULL DEFAULT '',
            detail   TEXT NOT NULL DEFAULT ''
        ) STRICT;
        CREATE INDEX audit_by_object ON audit (object, id);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

        CREATE TABLE requests (
            id                  INTEGER PRIMARY KEY,
            fiscal_year         INTEGER NOT NULL,
            seq                 INTEGER NOT NULL,
            state               TEXT NOT NULL,
            requester_id        INTEGER NOT NULL REFERENCES users (id),
            unit                TEXT NOT NULL,
            request_date        TEXT NOT NULL,
            topic               TEXT NOT NULL,
            details             TEXT NOT NULL,
            link                TEXT,
            remarks             TEXT,
            requester_name      TEXT NOT NULL,
            requester_position  TEXT NOT NULL,
            requester_contact   TEXT NOT NULL,
            category            TEXT NOT NULL,
            period_from         TEXT,
            period_to           TEXT,
            end_date            TEXT,
            verbal_pending      INTEGER NOT NULL DEFAULT 0,
            verbal_by           TEXT,
            verbal_on           TEXT,
            item_id             INTEGER REFERENCES items (id),
            created_at          INTEGER NOT NULL,
            updated_at          INTEGER NOT NULL,
            UNIQUE (fiscal_year, seq)
        ) STRICT;
        CREATE INDEX requests_by_state ON requests (state, updated_at);
        CREATE INDEX requests_by_requester ON requests (requester_id, updated_at);

        CREATE TABLE request_files (
            id          INTEGER PRIMARY KEY,
            request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
            position    INTEGER NOT NULL,
            file_name   TEXT NOT NULL,
            kind        TEXT NOT NULL,
            sha256      TEXT NOT NULL REFERENCES blobs (sha256),
            size        INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX request_files_by_request ON request_files (request_id, position);

        CREATE TABLE notifications (
            id       INTEGER PRIMARY KEY,
            user_id  INTEGER NOT NULL REFERENCES users (id),
            at       INTEGER NOT NULL,
            text     TEXT NOT NULL,
            link     TEXT NOT NULL DEFAULT '',
            read_at  INTEGER
        ) STRICT;
        CREATE INDEX notifications_by_user ON notifications (user_id, read_at, id);

        ALTER TABLE items ADD COLUMN request_id INTEGER REFERENCES requests (id);",
    )),
    // 3: the e-mail outbox: notifications remember whether they were mailed.
    M::up(
        "ALTER TABLE notifications ADD COLUMN emailed_at INTEGER;
        ALTER TABLE notifications ADD COLUMN email_attempts INTEGER NOT NULL DEFAULT 0;",
    ),
    // 4: two-step login (TOTP): each account's secret, its single-use recovery codes (sha256
    // digests only), and logins waiting for their second step.
    M::up(
        "CREATE TABLE totp (
            user_id     INTEGER PRIMARY KEY REFERENCES users (id),
            -- base32; needed in clear to verify codes (not encrypted at rest)
            secret      TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            -- NULL while enrolment waits for its first code
            enabled_at  INTEGER,
            -- the newest time step accepted, so that no code is accepted twice
            last_step   INTEGER NOT NULL DEFAULT -1
        ) STRICT;

        CREATE TABLE recovery_codes (
            id         INTEGER PRIMARY KEY,
            user_id    INTEGER NOT NULL REFERENCES users (id),
            code_hash  TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            used_at    INTEGER
        ) STRICT;
        CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

        CREATE TABLE pending_logins (
            token_hash  TEXT PRIMARY KEY,
            user_id     INTEGER NOT NULL REFERENCES users (id),
            next        TEXT NOT NULL,
            expires_at  INTEGER NOT NULL
        ) STRICT;",
    ),
    // 5: the traffic-log day book (chain start, seal) and verification results.
    M::up(
        "CREATE TABLE log_days (
            day         TEXT PRIMARY KEY,
            first_prev  TEXT NOT NULL,
            final_hash  TEXT,
            lines       INTEGER,
            sealed_at   INTEGER,
            purged_at   INTEGER
        ) STRICT;
        CREATE TABLE log_verifications (
            id       INTEGER PRIMARY KEY,
            at       INTEGER NOT NULL,
            summary  TEXT NOT NULL
        ) STRICT;",
    ),
    // 6: the outcome of every backup run, for the schedule and the admin pages.
    M::up(
        "CREATE TABLE backup_runs (
            id       INTEGER PRIMARY KEY,
            at       INTEGER NOT NULL,
            ok       INTEGER NOT NULL,
            path     TEXT NOT NULL DEFAULT '',
            message  TEXT NOT NULL DEFAULT ''
        ) STRICT;",
    ),
    // 7: compliance checking: checklist files imported by an admin (they take precedence over
    // the embedded ones for their scheme and year) and the checklist items each published item
    // is evidence for, with the fiscal year and period it covers.
    M::up(
        "CREATE TABLE checklists (
            scheme       TEXT NOT NULL,
            year         INTEGER NOT NULL,
            file_name    TEXT NOT NULL,
            source       TEXT NOT NULL,
            imported_at  INTEGER NOT NULL,
            imported_by  INTEGER REFERENCES users (id),
            PRIMARY KEY (scheme, year)
        ) STRICT;
        CREATE TABLE compliance_tags (
            id           INTEGER PRIMARY KEY,
            item_id      INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            scheme       TEXT NOT NULL,
            code         TEXT NOT NULL,
            fiscal_year  INTEGER NOT NULL,
            -- '' whole year, H1, Q1-Q4, M01-M12 (see compliance::period)
            period       TEXT NOT NULL DEFAULT '',
            created_at   INTEGER NOT NULL,
            UNIQUE (item_id, scheme, code, fiscal_year, period)
        ) STRICT;
        CREATE INDEX compliance_tags_by_scheme ON compliance_tags (scheme, fiscal_year, code);",
    ),
    // 8: public services. Full-text search over published items (trigram, so Thai
    // words are found without spaces; kept in step by triggers), e-Service cases, the
    // satisfaction survey, visit counters, and admin-editable policy pages.
    M::up(concat!(
        "CREATE VIRTUAL TABLE items_fts USING fts5(
            title, summary, body, source, files, tokenize = 'trigram'
        );",
        // Only published items are indexed; the time rules (publication start, end date) are
        // applied by the query, so an item still drops out on time without a write.
        "
        CREATE TRIGGER items_fts_insert AFTER INSERT ON items WHEN new.state = 'published' BEGIN
            INSERT INTO items_fts (rowid, title, summary, body, source, files)
            VALUES (new.id, new.title, new.summary, new.body, new.source, '');
        END;
        CREATE TRIGGER items_fts_update AFTER UPDATE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = old.id;
            INSERT INTO items_fts (rowid, title, summary, body, source, files)
            SELECT new.id, new.title, new.summary, new.body, new.source,
                   coalesce((SELECT group_concat(file_name, ' ') FROM attachments WHERE item_id = new.id), '')
            WHERE new.state = 'published';
        END;
        CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = old.id;
        END;
        CREATE TRIGGER items_fts_files AFTER INSERT ON attachments BEGIN
            UPDATE items_fts SET files = trim(files || ' ' || new.file_name) WHERE rowid = new.item_id;
        END;
        INSERT INTO items_fts (rowid, title, summary, body, source, files)
        SELECT i.id, i.title, i.summary, i.body, i.source,
               coalesce((SELECT group_concat(file_name, ' ') FROM attachments WHERE item_id = i.id), '')
        FROM items i WHERE i.state = 'published';",
        // Complaints, questions and information requests from the public.
        "
        CREATE TABLE cases (
            id           INTEGER PRIMARY KEY,
            kind         TEXT NOT NULL CHECK (kind IN ('complaint', 'question', 'info')),
            code         TEXT NOT NULL UNIQUE,
            category     TEXT NOT NULL DEFAULT '',
            subject      TEXT NOT NULL,
            details      TEXT NOT NULL,
            name         TEXT NOT NULL DEFAULT '',
            contact      TEXT NOT NULL DEFAULT '',
            status       TEXT NOT NULL DEFAULT 'received'
                         CHECK (status IN ('received', 'in_progress', 'closed')),
            answer       TEXT NOT NULL DEFAULT '',
            public       INTEGER NOT NULL DEFAULT 0,
            created_at   INTEGER NOT NULL,
            updated_at   INTEGER NOT NULL,
            closed_at    INTEGER,
            purged_at    INTEGER
        ) STRICT;
        CREATE INDEX cases_by_kind ON cases (kind, created_at DESC);",
        // Form tokens already used (double-submission guard for anonymous forms).
        "
        CREATE TABLE used_form_tokens (
            token    TEXT PRIMARY KEY,
            used_at  INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE survey_answers (
            id          INTEGER PRIMARY KEY,
            at          INTEGER NOT NULL,
            fiscal_year INTEGER NOT NULL,
            content     INTEGER NOT NULL CHECK (content BETWEEN 1 AND 5),
            ease        INTEGER NOT NULL CHECK (ease BETWEEN 1 AND 5),
            design      INTEGER NOT NULL CHECK (design BETWEEN 1 AND 5),
            speed       INTEGER NOT NULL CHECK (speed BETWEEN 1 AND 5),
            overall     INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
            comment     TEXT NOT NULL DEFAULT ''
        ) STRICT;
        CREATE INDEX survey_by_year ON survey_answers (fiscal_year);",
        // Visit counters per Bangkok day; visitors are counted, never stored.
        "
        CREATE TABLE visit_days (
            day       TEXT PRIMARY KEY,
            views     INTEGER NOT NULL DEFAULT 0,
            visitors  INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE TABLE item_reads (
            item_id  INTEGER PRIMARY KEY,
            reads    INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE TABLE file_downloads (
            attachment_id  INTEGER PRIMARY KEY,
            downloads      INTEGER NOT NULL DEFAULT 0
        ) STRICT;",
        // Text alternatives of published images, required at publication (WCAG 1.1.1).
        "
        ALTER TABLE attachments ADD COLUMN alt TEXT NOT NULL DEFAULT '';",
        // Policy pages edited by admins; a missing row shows the built-in Thai default.
        "
        CREATE TABLE pages (
            slug        TEXT PRIMARY KEY,
            body        TEXT NOT NULL,
            updated_at  INTEGER NOT NULL,
            updated_by  TEXT NOT NULL
        ) STRICT;",
    )),
    // 9: the short text of each published item (title, summary, source, file names, lower-case
    // Latin), for searches of one or two characters, which the trigram index cannot answer:
    // scanning this narrow table reads a few bytes per item instead of its whole row and body.
    M::up(
        "CREATE TABLE items_brief (
            id    INTEGER PRIMARY KEY,
            text  TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER items_brief_insert AFTER INSERT ON items WHEN new.state = 'published' BEGIN
            INSERT INTO items_brief (id, text)
            VALUES (new.id, lower(new.title || ' ' || new.summary || ' ' || new.source));
        END;
        CREATE TRIGGER items_brief_update AFTER UPDATE ON items BEGIN
            DELETE FROM items_brief WHERE id = old.id;
            INSERT INTO items_brief (id, text)
            SELECT new.id, lower(new.title || ' ' || new.summary || ' ' || new.source || ' ' ||
                   coalesce((SELECT group_concat(file_name, ' ') FROM attachments WHERE item_id = new.id), ''))
            WHERE new.state = 'published';
        END;
        CREATE TRIGGER items_brief_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_brief WHERE id = old.id;
        END;
        CREATE TRIGGER items_brief_files AFTER INSERT ON attachments BEGIN
            UPDATE items_brief SET text = text || ' ' || lower(new.file_name) WHERE id = new.item_id;
        END;
        INSERT INTO items_brief (id, text)
        SELECT i.id, lower(i.title || ' ' || i.summary || ' ' || i.source || ' ' ||
               coalesce((SELECT group_concat(file_name, ' ') FROM attachments WHERE item_id = i.id), ''))
        FROM items i WHERE i.state = 'published';",
    )
    // Derived data only: undone without loss (going back to a release before it).
    .down(
        "DROP TRIGGER items_brief_insert;
        DROP TRIGGER items_brief_update;
        DROP TRIGGER items_brief_delete;
        DROP TRIGGER items_brief_files;
        DROP TABLE items_brief;",
    ),
    // 10: a counter of changes to items_brief, so the copy searches keep in memory
    // (search::Briefs) knows when to read it again; and an index that answers "is this item
    // visible, and where" for search hits without reading the item's row and body.
    M::up(
        "CREATE INDEX items_visible ON items (id, state, published_at, expires_on, category);
        CREATE TABLE items_brief_version (n INTEGER NOT NULL) STRICT;
        INSERT INTO items_brief_version (n) VALUES (0);
        CREATE TRIGGER items_brief_version_insert AFTER INSERT ON items_brief BEGIN
            UPDATE items_brief_version SET n = n + 1;
        END;
        CREATE TRIGGER items_brief_version_update AFTER UPDATE ON items_brief BEGIN
            UPDATE items_brief_version SET n = n + 1;
        END;
        CREATE TRIGGER items_brief_version_delete AFTER DELETE ON items_brief BEGIN
            UPDATE items_brief_version SET n = n + 1;
        END;",
    )
    .down(
        "DROP TRIGGER items_brief_version_insert;
        DROP TRIGGER items_brief_version_update;
        DROP TRIGGER items_brief_version_delete;
        DROP TABLE items_brief_version;
        DROP INDEX items_visible;",
    ),
    // 11: the scheduler's jobs: when each last ran and how it ended, for catch-up after the
    // machine was off and for the health page.
    M::up(
        "CREATE TABLE jobs (
            name         TEXT PRIMARY KEY,
            label        TEXT NOT NULL DEFAULT '',
            schedule     TEXT NOT NULL DEFAULT '',
            started_at   INTEGER NOT NULL,
            finished_at  INTEGER,
            ok           INTEGER,
            message      TEXT NOT NULL DEFAULT '',
            last_error   TEXT NOT NULL DEFAULT '',
            last_error_at INTEGER,
            runs         INTEGER NOT NULL DEFAULT 0
        ) STRICT;",
    )
    .down("DROP TABLE jobs;"),
    // 12: items that cover no period of time (laws, manuals), said so publicly instead of
    // "not stated" (seed 2.1.3, 3.2: the period is part of the metadata). Going back loses only
    // this flag: such items then read "ไม่ระบุ" again.
    M::up("ALTER TABLE items ADD COLUMN timeless INTEGER NOT NULL DEFAULT 0;")
        .down("ALTER TABLE items DROP COLUMN timeless;"),
    // 13: the index of words (search::index_words: normalised, Thai split by dictionary) in
    // place of the trigram index and the short texts. Filled by store::search::keep_current
    // (its lexicon version starts empty), kept in step by triggers calling the SQL function
    // prakat_words, which every connection registers. Admin additions to the synonyms.
    M::up(
        concat!(
        "DROP TRIGGER items_fts_insert;
        DROP TRIGGER items_fts_update;
        DROP TRIGGER items_fts_delete;
        DROP TRIGGER items_fts_files;
        DROP TABLE items_fts;
        DROP TRIGGER items_brief_version_insert;
        DROP TRIGGER items_brief_version_update;
        DROP TRIGGER items_brief_version_delete;
        DROP TABLE items_brief_version;
        DROP TRIGGER items_brief_insert;
        DROP TRIGGER items_brief_update;
        DROP TRIGGER items_brief_delete;
        DROP TRIGGER items_brief_files;
        DROP TABLE items_brief;",
        // The body last: ranking reads the short columns of hundreds of matches, and a column
        // after a long body would be reached only through the body's overflow pages.
        "
        ",
        words_tables!(),
        // lexicon: the version of the lexicon the index was made with; changes and synonyms
        // count the changes to the index and to the synonyms, so that the copies in memory
        // know when to reload.
        "
        CREATE TABLE search_state (
            lexicon   TEXT NOT NULL,
            changes   INTEGER NOT NULL,
            synonyms  INTEGER NOT NULL
        ) STRICT;
        INSERT INTO search_state (lexicon, changes, synonyms) VALUES ('', 0, 0);
        CREATE TABLE search_synonyms (
            id        INTEGER PRIMARY KEY,
            terms     TEXT NOT NULL,
            added_by  TEXT NOT NULL,
            added_at  INTEGER NOT NULL
        ) STRICT;
        ",
        words_triggers_v13!()
    ),
    )
    // Derived data only: the trigram index and the short texts are made again.
    .down(
        concat!(
        words_index_drop!(),
        "
        DROP TABLE search_state;
        DROP TABLE search_synonyms;

        CREATE VIRTUAL TABLE items_fts USING fts5(
            title, summary, body, source, files, tokenize = 'trigram'
        );
        CREATE TRIGGER items_fts_insert AFTER INSERT ON items WHEN new.state = 'published' BEGIN
            INSERT INTO items_fts (rowid, title, summary, body, source, files)
            VALUES (new.id, new.title, new.summary, new.body, new.source, '');
        END;
        CREATE TRIGGER items_fts_update AFTER UPDATE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = old.id;
            INSERT INTO items_fts (rowid, title, summary, body, source, files)
            SELECT new.id, new.title, new.summary, new.body, new.source,
                   coalesce((SELECT group_concat(file_name, ' ') FROM attachments WHERE item_id = new.id), '')
            WHERE new.state = 'published';
        END;
        CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = old.id;
        END;
        CREATE TRIGGER items_fts_files AFTER INSERT ON attachments BEGIN
            UPDATE items_fts SET files = trim(files || ' ' || new.file_name) WHERE rowid = new.item_id;
        END;
        INSERT INTO items_fts (rowid, title, summary, body, source, files)
        SELECT i.id, i.title, i.summary, i.body, i.source,
               coalesce((SELECT group_concat(file_name, ' ') FROM attachments WHERE item_id = i.id), '')
        FROM items i WHERE i.state = 'published';

        CREATE TABLE items_brief (
            id    INTEGER PRIMARY KEY,
            text  TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER items_brief_insert AFTER INSERT ON items WHEN new.state = 'published' BEGIN
            INSERT INTO items_brief (id, text)
            VALUES (new.id, lower(new.title || ' ' || new.summary || ' ' || new.source));
        END;
        CREATE TRIGGER items_brief_update AFTER UPDATE ON items BEGIN
            DELETE FROM items_brief WHERE id = old.id;
            INSERT INTO items_brief (id, text)
            SELECT new.id, lower(new.title || ' ' || new.summary || ' ' || new.source || ' ' ||
                   coalesce((SELECT group_concat(file_name, ' ') FROM attachments WHERE item_id = new.id), ''))
            WHERE new.state = 'published';
        END;
        CREATE TRIGGER items_brief_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_brief WHERE id = old.id;
        END;
        CREATE TRIGGER items_brief_files AFTER INSERT ON attachments BEGIN
            UPDATE items_brief SET text = text || ' ' || lower(new.file_name) WHERE id = new.item_id;
        END;
        INSERT INTO items_brief (id, text)
        SELECT i.id, lower(i.title || ' ' || i.summary || ' ' || i.source || ' ' ||
               coalesce((SELECT group_concat(file_name, ' ') FROM attachments WHERE item_id = i.id), ''))
        FROM items i WHERE i.state = 'published';
        CREATE TABLE items_brief_version (n INTEGER NOT NULL) STRICT;
        INSERT INTO items_brief_version (n) VALUES (0);
        CREATE TRIGGER items_brief_version_insert AFTER INSERT ON items_brief BEGIN
            UPDATE items_brief_version SET n = n + 1;
        END;
        CREATE TRIGGER items_brief_version_update AFTER UPDATE ON items_brief BEGIN
            UPDATE items_brief_version SET n = n + 1;
        END;
        CREATE TRIGGER items_brief_version_delete AFTER DELETE ON items_brief BEGIN
            UPDATE items_brief_version SET n = n + 1;
        END;"
    ),
    ),
    // 14: compliance that tells the truth. Each tag remembers who ticked it and, when the
    // dashboard asks for a second look (too many tags on one item, an unrelated kind, a year
    // that does not fit), which other web master confirmed it and when; tags from before this
    // migration have no tagger and count only once someone confirms them. And the quarters
    // whose complaint statistics a web master has checked and published (ITA O18, MOIT 10).
    M::up(
        "ALTER TABLE compliance_tags ADD COLUMN tagged_by INTEGER;
        ALTER TABLE compliance_tags ADD COLUMN confirmed_by INTEGER;
        ALTER TABLE compliance_tags ADD COLUMN confirmed_at INTEGER;
        CREATE TABLE complaint_stats_published (
            fiscal_year   INTEGER NOT NULL,
            quarter       INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
            published_at  INTEGER NOT NULL,
            published_by  INTEGER,
            PRIMARY KEY (fiscal_year, quarter)
        ) STRICT;",
    )
    // The tags themselves stay; only who ticked and confirmed them, and which quarters were
    // published, go (a release before this one has nowhere to keep them).
    .down(
        "DROP TABLE complaint_stats_published;
        ALTER TABLE compliance_tags DROP COLUMN confirmed_at;
        ALTER TABLE compliance_tags DROP COLUMN confirmed_by;
        ALTER TABLE compliance_tags DROP COLUMN tagged_by;",
    ),
    // 15: nothing lost, round two: the open traffic-log day's chain head, checkpointed every
    // minute (so that cutting or re-hashing today's file is found before midnight), and the
    // outcome of each restore drill (the newest backup restored into a scratch folder).
    M::up(
        "ALTER TABLE log_days ADD COLUMN head_hash TEXT;
        ALTER TABLE log_days ADD COLUMN head_lines INTEGER;
        ALTER TABLE log_days ADD COLUMN head_at INTEGER;
        CREATE TABLE restore_drills (
            id      INTEGER PRIMARY KEY,
            at      INTEGER NOT NULL,
            ok      INTEGER NOT NULL,
            backup  TEXT NOT NULL DEFAULT '',
            detail  TEXT NOT NULL DEFAULT ''
        ) STRICT;",
    )
    .down(
        "DROP TABLE restore_drills;
        ALTER TABLE log_days DROP COLUMN head_at;
        ALTER TABLE log_days DROP COLUMN head_lines;
        ALTER TABLE log_days DROP COLUMN head_hash;",
    ),
    // 16: imports from the office's old website (WordPress, CSV): the runs, what each created
    // (for idempotence by GUID and for undo), posts held until staff choose their category, and
    // the old URLs answered with 301.
    M::up(
        "CREATE TABLE import_runs (
            id           INTEGER PRIMARY KEY,
            kind         TEXT NOT NULL,
            file_name    TEXT NOT NULL,
            user_id      INTEGER REFERENCES users (id),
            address      TEXT NOT NULL DEFAULT '',
            started_at   INTEGER NOT NULL,
            finished_at  INTEGER,
            summary      TEXT NOT NULL DEFAULT '',
            undone_at    INTEGER
        ) STRICT;
        CREATE TABLE import_items (
            guid     TEXT PRIMARY KEY,
            run_id   INTEGER NOT NULL REFERENCES import_runs (id),
            item_id  INTEGER NOT NULL UNIQUE REFERENCES items (id) ON DELETE CASCADE
        ) STRICT;
        CREATE INDEX import_items_by_run ON import_items (run_id);
        CREATE TABLE import_held (
            id             INTEGER PRIMARY KEY,
            run_id         INTEGER NOT NULL REFERENCES import_runs (id),
            guid           TEXT NOT NULL UNIQUE,
            title          TEXT NOT NULL,
            wp_categories  TEXT NOT NULL DEFAULT '',
            payload        TEXT NOT NULL,
            created_at     INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX import_held_by_run ON import_held (run_id);
        CREATE TABLE import_blobs (
            run_id  INTEGER NOT NULL REFERENCES import_runs (id),
            sha256  TEXT NOT NULL,
            PRIMARY KEY (run_id, sha256)
        ) STRICT;
        CREATE TABLE legacy_urls (
            path           TEXT PRIMARY KEY,
            run_id         INTEGER NOT NULL REFERENCES import_runs (id),
            item_id        INTEGER REFERENCES items (id) ON DELETE CASCADE,
            attachment_id  INTEGER REFERENCES attachments (id) ON DELETE CASCADE,
            place          TEXT
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX legacy_urls_by_run ON legacy_urls (run_id);",
    )
    // Refused (changing nothing) while imported content or old links exist: dropping them
    // would break the office's old URLs.
    .down(
        "CREATE TEMP TABLE import_guard (n INTEGER CHECK (n = 0));
        INSERT INTO import_guard
            SELECT (SELECT count(*) FROM legacy_urls) + (SELECT count(*) FROM import_items)
                 + (SELECT count(*) FROM import_held);
        DROP TABLE import_guard;
        DROP TABLE legacy_urls;
        DROP TABLE import_blobs;
        DROP TABLE import_held;
        DROP TABLE import_items;
        DROP TABLE import_runs;",
    ),
    // 17: content that lives. Amendments (a request that changes a published or withdrawn
    // item), and every published version of an item with its files. The `down` keeps these
    // tables (an older release ignores them) and only folds the new request state
    // `superseded` back to `published`, which an older release understands; going up again
    // restores it from the revisions. So nothing is lost either way.
    M::up(concat!(
        "CREATE TABLE IF NOT EXISTS amendments (
            request_id    INTEGER PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
            amended_item  INTEGER NOT NULL REFERENCES items (id),
            summary       TEXT NOT NULL DEFAULT '',
            note          TEXT NOT NULL
        ) STRICT;
        CREATE INDEX IF NOT EXISTS amendments_by_item ON amendments (amended_item);

        CREATE TABLE IF NOT EXISTS item_revisions (
            id            INTEGER PRIMARY KEY,
            item_id       INTEGER NOT NULL REFERENCES items (id),
            number        INTEGER NOT NULL,
            category      TEXT NOT NULL,
            title         TEXT NOT NULL,
            summary       TEXT NOT NULL,
            body          TEXT NOT NULL,
            source        TEXT NOT NULL,
            link          TEXT,
            period_from   TEXT,
            period_to     TEXT,
            published_at  INTEGER NOT NULL,
            expires_on    TEXT,
            request_id    INTEGER REFERENCES requests (id),
            note          TEXT NOT NULL DEFAULT '',
            requested_by  TEXT NOT NULL DEFAULT '',
            approved_by   TEXT NOT NULL DEFAULT '',
            published_by  TEXT NOT NULL DEFAULT '',
            created_at    INTEGER NOT NULL,
            UNIQUE (item_id, number)
        ) STRICT;

        CREATE TABLE IF NOT EXISTS item_revision_files (
            id           INTEGER PRIMARY KEY,
            revision_id  INTEGER NOT NULL REFERENCES item_revisions (id) ON DELETE CASCADE,
            position     INTEGER NOT NULL,
            file_name    TEXT NOT NULL,
            kind         TEXT NOT NULL,
            sha256       TEXT NOT NULL REFERENCES blobs (sha256),
            size         INTEGER NOT NULL,
            alt          TEXT NOT NULL DEFAULT ''
        ) STRICT;
        CREATE INDEX IF NOT EXISTS item_revision_files_by_revision
            ON item_revision_files (revision_id, position);",
        // Revision 1 of every item that has none yet: its content as it stands.
        "
        CREATE TEMP TABLE revision_todo AS
            SELECT i.id FROM items i WHERE NOT EXISTS (SELECT 1 FROM item_revisions r WHERE r.item_id = i.id);
        INSERT INTO item_revisions (item_id, number, category, title, summary, body, source, link,
                                    period_from, period_to, published_at, expires_on, request_id,
                                    requested_by, created_at)
        SELECT i.id, 1, i.category, i.title, i.summary, i.body, i.source, i.link, i.period_from,
               i.period_to, i.published_at, i.expires_on, i.request_id,
               coalesce((SELECT requester_name FROM requests WHERE id = i.request_id), ''),
               i.published_at
        FROM items i WHERE i.id IN (SELECT id FROM revision_todo);
        INSERT INTO item_revision_files (revision_id, position, file_name, kind, sha256, size, alt)
        SELECT r.id, a.position, a.file_name, a.kind, a.sha256, a.size, a.alt
        FROM attachments a JOIN item_revisions r ON r.item_id = a.item_id AND r.number = 1
        WHERE a.item_id IN (SELECT id FROM revision_todo);
        DROP TABLE revision_todo;",
        // After a round trip through an older release: requests whose content is a past
        // revision of their item are superseded again.
        "
        UPDATE requests SET state = 'superseded'
        WHERE state IN ('published', 'withdrawn') AND EXISTS (
            SELECT 1 FROM item_revisions r
            WHERE r.request_id = requests.id
              AND r.number < (SELECT max(number) FROM item_revisions WHERE item_id = r.item_id)
              AND requests.id <> coalesce((SELECT request_id FROM item_revisions
                                           WHERE item_id = r.item_id ORDER BY number DESC LIMIT 1), 0));",
    ))
    .down("UPDATE requests SET state = 'published' WHERE state = 'superseded';"),
    // 18: the office's units (กลุ่มงาน), acting approvers (ปฏิบัติราชการแทน) and the officers
    // named for corruption cases. Every account's unit becomes a row, matched by the name it
    // already carries; `users.unit` keeps the name, so going back loses only short names, unit
    // ids, delegations and the named officers.
    M::up(concat!(
        "CREATE TABLE units (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            short_name  TEXT NOT NULL DEFAULT '',
            created_at  INTEGER NOT NULL
        ) STRICT;
        INSERT INTO units (name, created_at)
            SELECT DISTINCT trim(unit), unixepoch() FROM users WHERE trim(unit) <> '';",
        // No REFERENCES clause: SQLite cannot drop a column that has one, and `down` must.
        "
        ALTER TABLE users ADD COLUMN unit_id INTEGER;
        UPDATE users SET unit_id = (SELECT id FROM units WHERE units.name = trim(users.unit));

        CREATE TABLE delegations (
            id          INTEGER PRIMARY KEY,
            from_user   INTEGER NOT NULL REFERENCES users (id),
            to_user     INTEGER NOT NULL REFERENCES users (id),
            starts_on   TEXT NOT NULL,
            ends_on     TEXT NOT NULL,
            created_by  INTEGER,
            created_at  INTEGER NOT NULL,
            ended_at    INTEGER,
            CHECK (from_user <> to_user),
            CHECK (starts_on <= ends_on)
        ) STRICT;
        CREATE INDEX delegations_by_from ON delegations (from_user, starts_on);",
        // Complaints officers the director has named for corruption and misconduct cases.
        "
        CREATE TABLE corruption_officers (
            user_id   INTEGER PRIMARY KEY REFERENCES users (id),
            named_by  INTEGER,
            named_at  INTEGER NOT NULL
        ) STRICT;",
    ))
    .down(
        "DROP TABLE corruption_officers;
        DROP TABLE delegations;
        ALTER TABLE users DROP COLUMN unit_id;
        DROP TABLE units;",
    ),
    // 19: a request keeps the unit it was made in, so moving its requester to another
    // unit does not re-route it. Back-filled from each requester's unit of today.
    M::up(
        "-- No REFERENCES clause: SQLite cannot drop a column that has one, and `down` must.
        ALTER TABLE requests ADD COLUMN unit_id INTEGER;
        UPDATE requests SET unit_id = (SELECT unit_id FROM users WHERE users.id = requests.requester_id);",
    )
    .down("ALTER TABLE requests DROP COLUMN unit_id;"),
    // 20: revisions keep the "covers no period" flag, and an amendment published with a later
    // date waits as a pending revision (with the compliance tags it brings) until a scheduler
    // job puts it online. Going back: pending amendments return to "approved" (to be published
    // again), nothing else is lost but the flag's history.
    M::up(concat!(
        "ALTER TABLE item_revisions ADD COLUMN timeless INTEGER NOT NULL DEFAULT 0;
        UPDATE item_revisions SET timeless = (SELECT timeless FROM items WHERE items.id = item_revisions.item_id)
        WHERE number = (SELECT max(number) FROM item_revisions r WHERE r.item_id = item_revisions.item_id);
        ALTER TABLE item_revisions ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;",
        // Pending only: the fiscal year whose tags the revision replaces, and the tags.
        "
        ALTER TABLE item_revisions ADD COLUMN tag_year INTEGER;
        ALTER TABLE item_revisions ADD COLUMN tags TEXT NOT NULL DEFAULT '';
        CREATE INDEX item_revisions_pending ON item_revisions (published_at) WHERE pending = 1;",
    ))
    .down(
        "UPDATE requests SET state = 'approved'
        WHERE id IN (SELECT request_id FROM item_revisions WHERE pending = 1);
        DELETE FROM item_revisions WHERE pending = 1;
        DROP INDEX item_revisions_pending;
        ALTER TABLE item_revisions DROP COLUMN tags;
        ALTER TABLE item_revisions DROP COLUMN tag_year;
        ALTER TABLE item_revisions DROP COLUMN pending;
        ALTER TABLE item_revisions DROP COLUMN timeless;",
    ),
    // 21: photos (issue 22): the upright size of each JPEG/PNG original whose public copies
    // (`photos/` in the data directory) were made with the SHA-256 of each copy (`320:hex,…`,
    // their ETags), or why it could not be read; and the items
    // web masters pin to the home page. Going back loses only these two tables, which are
    // made again (photos) or pinned again (highlights).
    M::up(
        "CREATE TABLE photos (
            sha256   TEXT PRIMARY KEY,
            width    INTEGER,
            height   INTEGER,
            copies   TEXT,
            error    TEXT,
            made_at  INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE highlights (
            item_id    INTEGER PRIMARY KEY REFERENCES items (id),
            until      TEXT,
            pinned_by  INTEGER,
            pinned_at  INTEGER NOT NULL
        ) STRICT;",
    )
    .down(
        "DROP TABLE highlights;
        DROP TABLE photos;",
    ),
    // 22: search at 100 000 items. The index's rowid is the item's id negated, so that FTS5
    // hands matches over newest first reading forward (reading in reverse made it walk every
    // matched word's whole list first), and the short texts that ranking reads of up to 500
    // matches live in their own small table (a few dozen rows a page instead of one). Both
    // are made again by store::search::keep_current (the lexicon mark is cleared).
    M::up(
        concat!(
        words_index_drop!(),
        "
        ",
        words_tables!(),
        "
        CREATE TABLE items_words_short (
            id       INTEGER PRIMARY KEY,
            title    TEXT NOT NULL,
            summary  TEXT NOT NULL,
            source   TEXT NOT NULL,
            files    TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER items_words_insert AFTER INSERT ON items WHEN new.state = 'published' BEGIN
            INSERT INTO items_words_short (id, title, summary, source, files)
            VALUES (new.id, prakat_words(new.title), prakat_words(new.summary), prakat_words(new.source), '');
            INSERT INTO items_words (rowid, title, summary, source, files, body)
            SELECT -id, title, summary, source, files, prakat_words(new.body)
            FROM items_words_short WHERE id = new.id;
            UPDATE search_state SET changes = changes + 1;
        END;
        CREATE TRIGGER items_words_update AFTER UPDATE OF title, summary, body, source, state ON items BEGIN
            DELETE FROM items_words WHERE rowid = -old.id;
            DELETE FROM items_words_short WHERE id = old.id;
            INSERT INTO items_words_short (id, title, summary, source, files)
            SELECT new.id, prakat_words(new.title), prakat_words(new.summary), prakat_words(new.source),
                   prakat_words(coalesce((SELECT group_concat(file_name, ' ') FROM attachments WHERE item_id = new.id), ''))
            WHERE new.state = 'published';
            INSERT INTO items_words (rowid, title, summary, source, files, body)
            SELECT -id, title, summary, source, files, prakat_words(new.body)
            FROM items_words_short WHERE id = new.id;
            UPDATE search_state SET changes = changes + 1;
        END;
        CREATE TRIGGER items_words_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_words WHERE rowid = -old.id;
            DELETE FROM items_words_short WHERE id = old.id;
            UPDATE search_state SET changes = changes + 1;
        END;
        CREATE TRIGGER items_words_files AFTER INSERT ON attachments BEGIN
            UPDATE items_words_short SET files = trim(files || ' ' || prakat_words(new.file_name))
            WHERE id = new.item_id;
            UPDATE items_words SET files = (SELECT files FROM items_words_short WHERE id = new.item_id)
            WHERE rowid = -new.item_id;
            UPDATE search_state SET changes = changes + 1;
        END;
        UPDATE search_state SET lexicon = '';"
    ),
    )
    // Derived data only: the index of migration 13 is made again.
    .down(
        concat!(
        words_index_drop!(),
        "
        DROP TABLE items_words_short;
        ",
        words_tables!(),
        "
        ",
        words_triggers_v13!(),
        "
        UPDATE search_state SET lexicon = '';"
    ),
    ),
];

/// Brings the database schema up to the newest version.
pub fn apply(conn: &mut Connection) -> rusqlite_migration::Result<()> {
    Migrations::from_slice(MIGRATIONS).to_latest(conn)
}

/// The schema version this build brings a database to: the number of its migrations.
pub const LATEST: usize = MIGRATIONS.len();

/// Undoes the migrations after `version`, newest first, in one transaction; nothing changes
/// when one of them has no way back. Every migration from 9 on must carry a `down` that loses
/// nothing, so that an update can be rolled back (see appliance::update).
pub fn downgrade(conn: &mut Connection, version: usize) -> rusqlite_migration::Result<()> {
    Migrations::from_slice(MIGRATIONS).to_version(conn, version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        Migrations::from_slice(MIGRATIONS).validate().unwrap();
    }

    #[test]
    fn newer_migrations_can_be_undone_and_done_again() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        let version =
            |c: &Connection| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap() as usize;
        assert_eq!(version(&conn), LATEST);
        // Back to what release 0.1.2 knew (8), then forward again.
        downgrade(&mut conn, 8).unwrap();
        assert_eq!(version(&conn), 8);
        let brief: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name LIKE 'items_brief%'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(brief, 0);
        apply(&mut conn).unwrap();
        assert_eq!(version(&conn), LATEST);
        // Migration 8 has no way back: refused, and nothing changes.
        assert!(downgrade(&mut conn, 7).is_err());
        assert_eq!(version(&conn), LATEST);
    }
}
