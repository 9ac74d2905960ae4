//! Content-addressed file store: every uploaded file lives under `files/ab/abcdef…`, named by
//! the sha256 of its bytes, never by a name a user typed. Identical files are stored once.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// A directory of files named by their sha256.
#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
}

/// What [`BlobStore::put`] stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// Lower-case hex sha256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

impl BlobStore {
    /// Opens the store at `root`, creating it if needed.
    pub fn open(root: PathBuf) -> std::io::Result<BlobStore> {
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(BlobStore { root })
    }

    /// The directory holding the files.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file with this hash lives, or `None` if `sha256` is not a well-formed hash.
    pub fn path(&self, sha256: &str) -> Option<PathBuf> {
        let well_formed =
            sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| self.root.join(&sha256[..2]).join(sha256))
    }

    /// Stores `bytes`, returning their hash. Writing goes to a temporary file that is synced and
    /// then renamed (and the folder synced), so a crash never leaves a half-written file under a
    /// real name.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<StoredBlob> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let size = bytes.len() as u64;
        let path = self.path(&sha256).expect("hex digest is well formed");
        if path.exists() {
            return Ok(StoredBlob { sha256, size });
        }
        let mut tmp = tempfile::NamedTempFile::new_in(self.root.join("tmp"))?;
        tmp.write_all(bytes)?;
        self.place(tmp, &path)?;
        Ok(StoredBlob { sha256, size })
    }

    /// A temporary file in the store's own directory (same file system, so it can be renamed
    /// into place). It is deleted if dropped without being adopted.
    pub fn temp_file(&self) -> std::io::Result<tempfile::NamedTempFile> {
        tempfile::NamedTempFile::new_in(self.root.join("tmp"))
    }

    /// Moves a fully written temporary file, whose content hashes to `sha256`, into the store.
    pub fn adopt(
        &self,
        tmp: tempfile::NamedTempFile,
        sha256: &str,
        size: u64,
    ) -> std::io::Result<StoredBlob> {
        let path = self
            .path(sha256)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad hash"))?;
        if !path.exists() {
            self.place(tmp, &path)?;
        }
        Ok(StoredBlob { sha256: sha256.to_owned(), size })
    }

    /// Power-safe placing: the content is synced, renamed to its real name, and the folder
    /// holding the new name is synced too (and the store's folder when that folder is new),
    /// all before the caller commits the row that refers to the file. After a power cut, a
    /// committed row never names a file that is not there.
    fn place(&self, tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
        let dir = path.parent().expect("blob path has a parent");
        let new_dir = !dir.exists();
        std::fs::create_dir_all(dir)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        std::fs::File::open(dir)?.sync_all()?;
        if new_dir {
            std::fs::File::open(&self.root)?.sync_all()?;
        }
        Ok(())
    }

    /// Reads a stored file whole.
    pub fn read(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        let path = self
            .path(sha256)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad hash"))?;
        std::fs::read(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_same_file_and_names_never_come_from_users() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path().join("files")).unwrap();
        let a = store.put("ประกาศ".as_bytes()).unwrap();
        let b = store.put("ประกาศ".as_bytes()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.size, 18);
        assert_eq!(store.read(&a.sha256).unwrap(), "ประกาศ".as_bytes());
        assert!(store.path("../../etc/passwd").is_none());
        assert!(store.path(&"A".repeat(64)).is_none());
        // Nothing is left behind in the temporary directory.
        assert_eq!(std::fs::read_dir(dir.path().join("files/tmp")).unwrap().count(), 0);
    }
}
