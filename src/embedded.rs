//! Data files the program carries but does not serve as they are: the demo content and the
//! compliance checklists (`assets/demo/`, `assets/checklists/`).
//!
//! `src/build.rs` gzips each file once, at build time, and keeps the compressed bytes when they
//! save at least a tenth (the demo's PDFs and text do; its photos do not). The binary must stay
//! within its size budget, and these files are read rarely (filling a demo, parsing the
//! checklists once), so they are inflated on each read with the zlib-rs decoder the program
//! already has.

use std::borrow::Cow;
use std::io::Read as _;

/// One embedded file: its path under `assets/`, whether the bytes are gzipped, the bytes.
type Entry = (&'static str, bool, &'static [u8]);

/// Every embedded data file, sorted by path (made by `src/build.rs`).
static FILES: &[Entry] = include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The contents of the file at `path` (relative to `assets/`, e.g. `demo/content.toml`).
pub fn get(path: &str) -> Option<Cow<'static, [u8]>> {
    let (_, gzipped, bytes) = FILES.iter().find(|(name, _, _)| *name == path)?;
    if !gzipped {
        return Some(Cow::Borrowed(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len() * 3);
    // The bytes were compressed by the build script from the file itself: a failure here is a
    // build defect, reported as a missing file rather than a panic.
    flate2::read::GzDecoder::new(*bytes).read_to_end(&mut out).ok()?;
    Some(Cow::Owned(out))
}

/// The paths of the files under `folder` (e.g. `checklists/`), in sorted order.
pub fn names(folder: &str) -> impl Iterator<Item = &'static str> + '_ {
    FILES.iter().map(|(name, _, _)| *name).filter(move |name| name.starts_with(folder))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_reads_back_as_on_disk() {
        let mut count = 0;
        for (name, _, _) in FILES {
            let on_disk = std::fs::read(format!("assets/{name}")).expect("the file is in assets/");
            assert_eq!(get(name).as_deref(), Some(on_disk.as_slice()), "{name}");
            count += 1;
        }
        assert!(count > 10, "only {count} files embedded");
        assert!(FILES.iter().any(|(_, gzipped, _)| *gzipped), "nothing was worth compressing");
        assert!(get("demo/no-such-file").is_none());
    }

    #[test]
    fn names_lists_one_folder() {
        let lists: Vec<_> = names("checklists/").collect();
        assert!(lists.iter().all(|n| n.starts_with("checklists/") && n.ends_with(".toml")), "{lists:?}");
        assert!(lists.len() >= 3);
    }
}
