//! SQLite storage. Nothing outside this module writes SQL.
//!
//! One database file in the data directory, opened in WAL mode with foreign keys on. Migrations
//! are embedded and applied at start. Connections come from a small pool and are only used on
//! blocking threads ([`Store::run`]), never on the async workers.

pub mod audit;
pub mod backups;
pub mod blobs;
pub mod cases;
pub mod compliance;
pub mod highlights;
pub mod imports;
pub mod items;
pub mod jobs;
pub mod logs;
mod migrations;
pub mod notifications;
pub mod pages;
pub mod photos;
pub mod reports;
pub mod requests;
pub mod revisions;
pub mod search;
pub mod survey;
pub mod totp;
pub mod units;
pub mod upkeep;
pub mod users;
pub mod visits;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;

pub use blobs::BlobStore;

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = crate::paths::data::DB;

/// Handle to the database and the file store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: r2d2::Pool<SqliteConnectionManager>,
    blobs: BlobStore,
    photos: photos::Derivatives,
    search: search::Cache,
}

/// Errors from the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused or failed.
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// No connection could be had from the pool in time.
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    /// Reading or writing a stored file failed.
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
    /// A blocking task panicked or was cancelled.
    #[error("background task: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// Result of a storage operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Settings applied to every connection as it is opened. `synchronous = FULL`: in WAL mode
/// NORMAL may lose the last commits on a power cut (durable only at the next checkpoint), and
/// a submission, approval or publication that was acknowledged must survive one; FULL syncs
/// the WAL at every commit (one fsync, no extra bytes written).
fn configure(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // `rarray(?)`: a list of ids from memory as a table (see search::search).
    rusqlite::vtab::array::load_module(conn)?;
    // `prakat_words(text)`, which the search index's triggers call.
    search::register(conn)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )
}

impl Store {
    /// Opens (creating if needed) the database under `data_dir` and brings its schema up to
    /// date.
    pub fn open(data_dir: &Path) -> anyhow::Result<Store> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        let path = data_dir.join(DB_FILE);
        {
            let mut conn = Connection::open(&path)
                .with_context(|| format!("cannot open database {}", path.display()))?;
            configure(&mut conn).with_context(|| format!("cannot set up database {}", path.display()))?;
            migrations::apply(&mut conn)
                .with_context(|| format!("cannot update database {}", path.display()))?;
            search::keep_current(&mut conn)?;
        }
        let manager = SqliteConnectionManager::file(&path).with_init(configure);
        let pool = r2d2::Pool::builder()
            .max_size(8)
            // None kept open in advance: with one, taking it made the pool open another at
            // once, which then sat unused until closed (a connection opened and closed about
            // every 30 s of an idle server, each parsing the schema: 2 MB back in RSS).
            .min_idle(Some(0))
            // Each connection keeps its own page cache (up to 2 MB): the ones a burst opened
            // are closed once quiet (checked every 30 s), so memory goes back to idle.
            .idle_timeout(Some(Duration::from_secs(15)))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .with_context(|| format!("cannot open database {}", path.display()))?;
        let files = data_dir.join(crate::paths::data::FILES);
        let blobs = BlobStore::open(files.clone())
            .with_context(|| format!("cannot create the file store {}", files.join("tmp").display()))?;
        let copies = data_dir.join(crate::paths::data::PHOTOS);
        let photos = photos::Derivatives::open(copies.clone())
            .with_context(|| format!("cannot create the photo folder {}", copies.display()))?;
        Ok(Store { pool, blobs, photos, search: search::Cache::default() })
    }

    /// The content-addressed file store beside the database.
    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// The public copies of photos beside the file store.
    pub fn photos(&self) -> &photos::Derivatives {
        &self.photos
    }

    /// The search index's vocabulary and the synonyms, in memory.
    pub fn search_cache(&self) -> &search::Cache {
        &self.search
    }

    /// Runs `f` with a pooled connection on a blocking thread.
    pub async fn run<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Hands the page cache of an idle connection back (`PRAGMA shrink_memory`); for quiet
    /// moments (the connections a burst opened are closed by the pool's idle timeout).
    pub async fn shrink_memory(&self) -> StoreResult<()> {
        self.run(|c| Ok(c.execute_batch("PRAGMA shrink_memory")?)).await
    }

    /// Runs `f` with a pooled connection on the current thread (command-line tools, tests).
    pub fn run_sync<T>(&self, f: impl FnOnce(&mut Connection) -> StoreResult<T>) -> StoreResult<T> {
        let mut conn = self.pool.get()?;
        f(&mut conn)
    }

    /// Path of the directory holding stored files.
    pub fn files_dir(&self) -> PathBuf {
        self.blobs.root().to_path_buf()
    }
}

/// The schema version of the database in `data_dir`, read without changing anything; `None`
/// when there is no database yet.
pub fn schema_version(data_dir: &Path) -> anyhow::Result<Option<usize>> {
    let path = data_dir.join(DB_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open database {}", path.display()))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(Some(usize::try_from(version).unwrap_or(0)))
}

/// The schema version this build brings a database to.
pub const SCHEMA_LATEST: usize = migrations::LATEST;

/// Takes the database in `data_dir` back to schema `version`, for an older release: undoes the
/// newer migrations in one transaction, or refuses (changing nothing) when one cannot be undone.
pub fn downgrade_schema(data_dir: &Path, version: usize) -> anyhow::Result<()> {
    let path = data_dir.join(DB_FILE);
    let mut conn =
        Connection::open(&path).with_context(|| format!("cannot open database {}", path.display()))?;
    configure(&mut conn)?;
    migrations::downgrade(&mut conn, version)?;
    Ok(())
}

/// Checks that the database answers.
pub fn ping(conn: &mut Connection) -> StoreResult<()> {
    conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
    Ok(())
}

/// Seconds since the Unix epoch, the form every instant is stored in.
pub fn now_unix() -> i64 {
    jiff::Timestamp::now().as_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_twice_keeps_schema_and_uses_wal() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mode: String =
            store.run_sync(|c| Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?)).unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = store.run_sync(|c| Ok(c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?)).unwrap();
        assert_eq!(fk, 1);
        drop(store);
        let again = Store::open(dir.path()).unwrap();
        let version: i64 =
            again.run_sync(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?)).unwrap();
        assert!(version >= 1);
    }
}
