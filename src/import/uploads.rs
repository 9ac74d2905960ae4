//! Where the old site's files come from: its `wp-content/uploads` folder (or the folder
//! above it), or a zip of it.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The old site's uploaded files.
pub enum Uploads {
    /// No files were given: every attachment is reported missing.
    None,
    /// A folder.
    Dir(PathBuf),
    /// A zip, with its entries indexed by their path under `uploads/` (lower-case).
    Zip {
        /// The archive.
        archive: Box<zip::ZipArchive<File>>,
        /// Entry index by lower-case relative path.
        index: HashMap<String, usize>,
    },
}

impl Uploads {
    /// Opens a folder or a `.zip`; the error is Thai and names the path.
    pub fn open(path: &Path) -> Result<Uploads, String> {
        let meta = std::fs::metadata(path).map_err(|_| {
            format!("ไม่พบโฟลเดอร์หรือไฟล์ zip ของ uploads ที่ {} (ระบุด้วย --uploads)", path.display())
        })?;
        if meta.is_dir() {
            return Ok(Uploads::Dir(path.to_owned()));
        }
        let file = File::open(path).map_err(|e| format!("เปิดไฟล์ {} ไม่ได้: {e}", path.display()))?;
        let mut archive = zip::ZipArchive::new(file)
            .map_err(|e| format!("ไฟล์ {} ไม่ใช่ไฟล์ zip ที่อ่านได้: {e}", path.display()))?;
        let mut index = HashMap::new();
        for i in 0..archive.len() {
            if let Ok(entry) = archive.by_index_raw(i)
                && entry.is_file()
            {
                index.insert(relative_key(&entry.name().unwrap_or_default()), i);
            }
        }
        Ok(Uploads::Zip { archive: Box::new(archive), index })
    }

    /// The file at `rel` (a path under `uploads/`, e.g. `2024/01/a.pdf`), or `None`.
    pub fn open_file(&mut self, rel: &str) -> Option<Box<dyn Read + '_>> {
        if rel.is_empty()
            || rel.split('/').any(|s| s == ".." || s == ".")
            || rel.starts_with('/')
            || rel.contains('\\')
        {
            return None;
        }
        match self {
            Uploads::None => None,
            Uploads::Dir(root) => {
                let candidates = [
                    root.join(rel),
                    root.join("uploads").join(rel),
                    root.join("wp-content/uploads").join(rel),
                ];
                candidates
                    .iter()
                    .find(|p| p.is_file())
                    .and_then(|p| File::open(p).ok())
                    .map(|f| Box::new(std::io::BufReader::with_capacity(256 * 1024, f)) as Box<dyn Read>)
            }
            Uploads::Zip { archive, index } => {
                let i = *index.get(&relative_key(rel))?;
                archive.by_index(i).ok().map(|f| Box::new(f) as Box<dyn Read>)
            }
        }
    }
}

/// A zip entry's path relative to `uploads/` (or as is), lower-case.
fn relative_key(name: &str) -> String {
    let name = name.trim_start_matches("./");
    let rel = match name.rfind("uploads/") {
        Some(i) => &name[i + "uploads/".len()..],
        None => name,
    };
    rel.to_lowercase()
}

/// The path under `uploads/` of a URL on the old site (`http://old/wp-content/uploads/2024/01/a.pdf`
/// or `/wp-content/uploads/…`), percent-decoded; `None` for other URLs, including other sites'.
pub fn rel_of_url(url: &str, site_host: &str) -> Option<String> {
    let url = url.trim();
    let marker = "/wp-content/uploads/";
    let at = url.find(marker)?;
    let before = &url[..at];
    if !before.is_empty() {
        let host = before.split("://").nth(1).unwrap_or(before).trim_start_matches("//");
        if !same_host(host, site_host) {
            return None;
        }
    }
    let rest = &url[at + marker.len()..];
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(rest).decode_utf8_lossy().into_owned();
    (!decoded.is_empty()).then_some(decoded)
}

/// Hosts compared without `www.`, port or case.
pub fn same_host(a: &str, b: &str) -> bool {
    let norm = |h: &str| {
        let h = h.split(['/', ':']).next().unwrap_or("").to_lowercase();
        h.strip_prefix("www.").map(str::to_owned).unwrap_or(h)
    };
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_urls_of_the_old_site_only() {
        let host = "www.old.go.th";
        assert_eq!(
            rel_of_url("https://old.go.th/wp-content/uploads/2024/01/%E0%B8%81.pdf?x=1", host).as_deref(),
            Some("2024/01/ก.pdf")
        );
        assert_eq!(rel_of_url("/wp-content/uploads/a.jpg", host).as_deref(), Some("a.jpg"));
        assert_eq!(rel_of_url("https://other.go.th/wp-content/uploads/a.jpg", host), None);
        assert_eq!(rel_of_url("https://www.dopa.go.th/", host), None);
    }

    #[test]
    fn no_escape_from_the_uploads_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secret"), "x").unwrap();
        std::fs::create_dir_all(dir.path().join("up/2024")).unwrap();
        std::fs::write(dir.path().join("up/2024/a.pdf"), "x").unwrap();
        let mut u = Uploads::open(&dir.path().join("up")).unwrap();
        assert!(u.open_file("2024/a.pdf").is_some());
        assert!(u.open_file("../secret").is_none());
        assert!(u.open_file("/etc/passwd").is_none());
        assert!(Uploads::open(&dir.path().join("missing")).is_err());
    }
}
