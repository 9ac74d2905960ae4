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

fn main() {
    println!("cargo:rerun-if-changed=assets");
    // A release build may trust one more signing key (see `appliance::update::trusted_keys`).
    println!("cargo:rerun-if-env-changed=PRAKAT_EXTRA_RELEASE_KEY");

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let mut files = Vec::new();
    walk(Path::new("assets"), &mut files);
    files.sort();
    let mut table = String::from("&[\n");
    let mut fingerprint: u64 = 0xcbf2_9ce4_8422_2325;
    for (n, path) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path.strip_prefix("assets").expect("under assets").to_string_lossy().replace('\\', "/");
        if rel.starts_with("demo/") {
            continue;
        }
        let data = std::fs::read(path).expect("read asset");
        // FNV-1a over names and contents: only needs to change when an asset does.
        for b in rel.bytes().chain(data.iter().copied()) {
            fingerprint = (fingerprint ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !TEXT.contains(&ext) || data.len() < 256 {
            continue;
        }
        let br = brotli(&data);
        let gz = gzip(&data);
        if br.len() * 10 > data.len() * 9 || gz.len() * 10 > data.len() * 9 {
            continue;
        }
        let (br_file, gz_file) = (out.join(format!("asset-{n}.br")), out.join(format!("asset-{n}.gz")));
        std::fs::write(&br_file, &br).expect("write br");
        std::fs::write(&gz_file, &gz).expect("write gz");
        writeln!(
            table,
            "    ({rel:?}, include_bytes!({:?}), include_bytes!({:?})),",
            br_file.display().to_string(),
            gz_file.display().to_string()
        )
        .expect("write to string");
    }
    table.push(']');
    std::fs::write(out.join("precompressed.rs"), table).expect("write table");
    println!("cargo:rustc-env=PRAKAT_ASSETS_HASH={:012x}", fingerprint & 0xffff_ffff_ffff);
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
