//! Build script: rebuild when anything under `assets/` changes, since those files are embedded
//! in the binary and a new file would otherwise go unnoticed.
//!
//! It also compresses the text assets (CSS, SVG, text) with brotli and gzip once, here, so the
//! binary ships the compressed bytes and needs no brotli encoder at run time (the `brotli`
//! encoder adds about 1 MB to the static binary; see `web::compress`). And it fingerprints the
//! assets: `PRAKAT_ASSETS_HASH` changes with their content, so asset URLs can be cached forever.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Extensions of assets worth compressing (fonts and images are compressed already).
const TEXT: &[&str] = &["css", "svg", "txt", "js", "toml", "json", "xml", "html"];

/// Folders under `assets/` that other modules embed themselves (see `web::assets`).
const SERVED_ELSEWHERE: &[&str] = &["demo/", "checklists/", "search/"];
/// Folders of data files embedded gzipped for `crate::embedded`.
const DATA: &[&str] = &["demo/", "checklists/"];

fn main() {
    println!("cargo:rerun-if-changed=assets");
    // A release build may trust one more signing key (see `appliance::update::trusted_keys`).
    println!("cargo:rerun-if-env-changed=PRAKAT_EXTRA_RELEASE_KEY");

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let mut files = Vec::new();
    walk(Path::new("assets"), &mut files);
    files.sort();
    let mut assets = Vec::new();
    let mut data_files = String::from("&[\n");
    let mut fingerprint = Fnv::default();
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path.strip_prefix("assets").expect("under assets").to_string_lossy().replace('\\', "/");
        if DATA.iter().any(|dir| rel.starts_with(dir)) {
            let data = std::fs::read(&path).expect("read data file");
            let gz = gzip(&data);
            let (gzipped, bytes) = if gz.len() * 10 <= data.len() * 9 { (true, gz) } else { (false, data) };
            let file = out.join(format!("data-{}.bin", rel.replace('/', "_")));
            std::fs::write(&file, bytes).expect("write data copy");
            writeln!(
                data_files,
                "    ({rel:?}, {gzipped}, include_bytes!({:?})),",
                file.display().to_string()
            )
            .expect("to a string");
        }
        // Not served over HTTP: the demo, the checklists and the search data are embedded by
        // their own modules, and a second copy here would only grow the binary.
        if SERVED_ELSEWHERE.iter().any(|dir| rel.starts_with(dir)) {
            continue;
        }
        let data = std::fs::read(&path).expect("read asset");
        fingerprint.add(rel.as_bytes());
        fingerprint.add(&data);
        assets.push((rel, data));
    }
    let fingerprint = format!("{:012x}", fingerprint.0 & 0xffff_ffff_ffff);
    let mut table = String::from("&[\n");
    for (n, (rel, data)) in assets.iter().enumerate() {
        let ext = rel.rsplit('.').next().unwrap_or("");
        if !TEXT.contains(&ext) || data.len() < 256 {
            continue;
        }
        // Fonts and images a stylesheet names get the fingerprint too, so that they can be
        // cached as long as the stylesheet (and match the font preloaded by the pages).
        let data = if ext == "css" { fingerprint_urls(data, &fingerprint) } else { data.clone() };
        let mut hash = Fnv::default();
        hash.add(&data);
        let (br, gz) = (brotli(&data), gzip(&data));
        // A compressed copy only when it saves at least a tenth.
        let worth = |c: &Vec<u8>| c.len() * 10 <= data.len() * 9;
        let (br, gz) = (if worth(&br) { br } else { Vec::new() }, if worth(&gz) { gz } else { Vec::new() });
        if br.is_empty() && gz.is_empty() && ext != "css" {
            continue;
        }
        let mut entry = format!("    ({rel:?}, \"{:016x}\"", hash.0);
        for (suffix, bytes) in [("plain", &data), ("br", &br), ("gz", &gz)] {
            let file = out.join(format!("asset-{n}.{suffix}"));
            std::fs::write(&file, bytes).expect("write asset copy");
            write!(entry, ", include_bytes!({:?})", file.display().to_string()).expect("to a string");
        }
        writeln!(table, "{entry}),").expect("to a string");
    }
    table.push(']');
    std::fs::write(out.join("precompressed.rs"), table).expect("write table");
    data_files.push(']');
    std::fs::write(out.join("embedded.rs"), data_files).expect("write data table");
    println!("cargo:rustc-env=PRAKAT_ASSETS_HASH={fingerprint}");
}

/// FNV-1a, 64 bits: enough to notice that an asset changed.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// `url("relative/path")` in a stylesheet becomes `url("relative/path?v=FINGERPRINT")`.
fn fingerprint_urls(css: &[u8], fingerprint: &str) -> Vec<u8> {
    let text = String::from_utf8(css.to_vec()).expect("stylesheets are UTF-8");
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text.as_str();
    while let Some(at) = rest.find("url(\"") {
        let (before, after) = rest.split_at(at + 5);
        out.push_str(before);
        let end = after.find('"').expect("a closed url(\"…\")");
        let url = &after[..end];
        out.push_str(url);
        if !url.contains(':') && !url.contains('?') && !url.starts_with('#') {
            out.push_str("?v=");
            out.push_str(fingerprint);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out.into_bytes()
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read assets").flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).expect("brotli");
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(data).expect("gzip");
    gz.finish().expect("gzip")
}
