//! The office's logo: an uploaded PNG, JPEG or SVG, checked by its content (not its name),
//! resized, and kept in the data directory's `office` folder under a name that carries its
//! hash (`logo-<hash>.png`), so its URL changes when it does and browsers may keep it long.
//!
//! A raster image is decoded (with size limits, so a decompression bomb is refused), made no
//! larger than [`MAX_SIDE`] pixels and encoded again, which also drops its metadata. An SVG is
//! read as XML and refused when it could run or fetch anything: scripts, `foreignObject`,
//! event attributes (`on…=`), links or styles pointing outside the file, DTDs.
//!
//! The office's map image (ภาพแผนที่, shown in the footer beside the map link) goes the same
//! way as a [`Kind::Map`]: PNG or JPEG only, larger, and named `map-<hash>-<w>x<h>.<ext>` so
//! pages can give its true size.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use sha2::Digest as _;

/// Largest upload accepted, in bytes.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// Largest width or height kept, in pixels (the header shows 48 px, the print form 80 px;
/// this leaves room for sharp high-density screens).
pub const MAX_SIDE: u32 = 512;
/// Largest SVG accepted, in bytes.
const MAX_SVG_BYTES: usize = 256 * 1024;
/// Largest raster image decoded, in pixels per side.
const MAX_DECODED_SIDE: u32 = 8000;

/// Which of the office's pictures an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The logo (PNG, JPEG or SVG), at most [`MAX_SIDE`] pixels.
    Logo,
    /// The map image (PNG or JPEG), at most [`MAX_MAP_SIDE`] pixels.
    Map,
}

/// Largest width or height of a map image kept, in pixels (readable on a wide screen).
pub const MAX_MAP_SIDE: u32 = 1600;
/// Largest map image upload accepted, in bytes (a screenshot of a map is often a large PNG).
pub const MAX_MAP_BYTES: usize = 8 * 1024 * 1024;

impl Kind {
    /// The start of its file names.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Logo => "logo",
            Kind::Map => "map",
        }
    }

    /// Whether `name` is one of its file names (no path, known type).
    pub fn owns(self, name: &str) -> bool {
        match self {
            Kind::Logo => crate::config::is_logo_name(name),
            Kind::Map => crate::config::is_map_image_name(name),
        }
    }

    /// Largest upload accepted, in bytes.
    pub fn max_bytes(self) -> usize {
        match self {
            Kind::Logo => MAX_BYTES,
            Kind::Map => MAX_MAP_BYTES,
        }
    }

    fn max_side(self) -> u32 {
        match self {
            Kind::Logo => MAX_SIDE,
            Kind::Map => MAX_MAP_SIDE,
        }
    }
}

/// A checked logo (or map image), ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// What it is.
    pub kind: Kind,
    /// `png`, `jpg` or `svg`.
    pub ext: &'static str,
    /// The bytes to store (re-encoded for raster images).
    pub bytes: Vec<u8>,
    /// Its width and height in pixels (raster images).
    pub size: Option<(u32, u32)>,
}

impl Logo {
    /// The file name it is stored under: `logo-<first 12 hex digits of its sha256>.<ext>`, or
    /// for a map image `map-<hash>-<width>x<height>.<ext>`.
    pub fn file_name(&self) -> String {
        let hash = hex::encode(sha2::Sha256::digest(&self.bytes));
        match (self.kind, self.size) {
            (Kind::Map, Some((w, h))) => format!("map-{}-{w}x{h}.{}", &hash[..12], self.ext),
            _ => format!("{}-{}.{}", self.kind.prefix(), &hash[..12], self.ext),
        }
    }
}

/// The width and height a map image's file name carries (see
/// [`crate::config::map_image_size`]).
pub fn map_size(name: &str) -> Option<(u32, u32)> {
    crate::config::map_image_size(name)
}

/// Checks the logo upload `name` (for the messages) with content `bytes`. The error is a Thai
/// sentence naming the file and what is wrong.
pub fn check(name: &str, bytes: &[u8]) -> Result<Logo, String> {
    check_as(Kind::Logo, name, bytes)
}

/// Checks an upload of `kind`, as [`check`] does for the logo; a map image must be a PNG or a
/// JPEG.
pub fn check_as(kind: Kind, name: &str, bytes: &[u8]) -> Result<Logo, String> {
    let refuse = |why: &str| format!("ไฟล์ \"{name}\": {why}");
    if bytes.is_empty() {
        return Err(refuse("ไฟล์ว่าง กรุณาเลือกไฟล์รูปภาพ"));
    }
    if bytes.len() > kind.max_bytes() {
        return Err(refuse(&format!("ใหญ่เกิน {} MB", kind.max_bytes() / (1024 * 1024))));
    }
    let only_raster = "ไม่ใช่รูปภาพ PNG หรือ JPG (ตรวจจากเนื้อไฟล์ ไม่ใช่จากชื่อไฟล์)";
    match image::guess_format(bytes) {
        Ok(format @ (image::ImageFormat::Png | image::ImageFormat::Jpeg)) => {
            raster(kind, bytes, format).map_err(|e| refuse(&format!("อ่านเป็นรูปภาพไม่ได้ ไฟล์อาจเสียหาย ({e})")))
        }
        _ if kind == Kind::Map => Err(refuse(only_raster)),
        Ok(_) => Err(refuse("รับเฉพาะรูปภาพ PNG, JPG หรือ SVG")),
        Err(_) if looks_like_svg(bytes) => {
            if bytes.len() > MAX_SVG_BYTES {
                return Err(refuse(&format!("ไฟล์ SVG ใหญ่เกิน {} KB", MAX_SVG_BYTES / 1024)));
            }
            svg(bytes).map_err(|why| refuse(&why))?;
            Ok(Logo { kind, ext: "svg", bytes: bytes.to_vec(), size: None })
        }
        Err(_) => Err(refuse("ไม่ใช่รูปภาพ PNG, JPG หรือ SVG (ตรวจจากเนื้อไฟล์ ไม่ใช่จากชื่อไฟล์)")),
    }
}

/// Decodes, shrinks to the kind's largest side and re-encodes a PNG (kept PNG, with its
/// transparency) or a JPEG (kept JPEG).
fn raster(kind: Kind, bytes: &[u8], format: image::ImageFormat) -> image::ImageResult<Logo> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let mut img = reader.decode()?;
    let side = kind.max_side();
    if img.width() > side || img.height() > side {
        img = img.resize(side, side, image::imageops::FilterType::Lanczos3);
    }
    let mut out = Vec::new();
    let ext = if format == image::ImageFormat::Png {
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)?;
        "png"
    } else {
        let rgb = image::DynamicImage::ImageRgb8(img.to_rgb8());
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88).encode_image(&rgb)?;
        "jpg"
    };
    Ok(Logo { kind, ext, bytes: out, size: Some((img.width(), img.height())) })
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    head.contains("<svg")
}

/// Elements that run code, embed other documents or change links while shown.
const FORBIDDEN_ELEMENTS: [&str; 9] =
    ["script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "set", "animate"];

/// Checks an SVG: well-formed XML whose root is `svg`, with nothing that could run or fetch.
fn svg(bytes: &[u8]) -> Result<(), String> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(bytes).map_err(|_| "ไฟล์ SVG ต้องเป็นข้อความ UTF-8".to_string())?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut in_style = false;
    loop {
        let event = reader.read_event().map_err(|e| format!("ไม่ใช่ SVG ที่ถูกต้อง (XML ผิดรูปแบบ: {e})"))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                if depth == 0 {
                    if root_seen || local != "svg" {
                        return Err("ต้องเป็นไฟล์ SVG (ราก <svg>)".into());
                    }
                    root_seen = true;
                }
                if FORBIDDEN_ELEMENTS.iter().any(|f| local == *f || local.starts_with("animate")) {
                    return Err(format!("มีองค์ประกอบ <{local}> ที่อาจรันโค้ดหรือโหลดข้อมูลภายนอก ซึ่งไม่อนุญาต"));
                }
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| format!("ไม่ใช่ SVG ที่ถูกต้อง ({e})"))?;
                    let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).to_ascii_lowercase();
                    let value = String::from_utf8_lossy(&attr.value).to_ascii_lowercase();
                    if key.starts_with("on") {
                        return Err(format!("มีแอตทริบิวต์ {key}= ที่รันโค้ดได้ ซึ่งไม่อนุญาต"));
                    }
                    let inline = value.trim_start().starts_with('#')
                        || value.starts_with("data:image/png")
                        || value.starts_with("data:image/jpeg");
                    if key == "href" && !inline {
                        return Err("มีลิงก์ไปยังไฟล์หรือเว็บไซต์ภายนอก (href) ซึ่งไม่อนุญาต".into());
                    }
                    if key == "style" {
                        style(&value)?;
                    }
                }
                in_style = local == "style" && matches!(event, Event::Start(_));
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                in_style = false;
            }
            Event::Text(ref t) if in_style => style(&String::from_utf8_lossy(t).to_ascii_lowercase())?,
            Event::CData(ref t) if in_style => style(&String::from_utf8_lossy(t).to_ascii_lowercase())?,
            Event::DocType(_) => return Err("มี DOCTYPE/ENTITY ซึ่งไม่อนุญาตในโลโก้".into()),
            Event::PI(_) => return Err("มีคำสั่งประมวลผล XML (<?…?>) ซึ่งไม่อนุญาต".into()),
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err("ต้องเป็นไฟล์ SVG (ราก <svg>)".into());
    }
    Ok(())
}

/// Refuses CSS that fetches or runs anything (`url(` other than `url(#…)`, `@import`,
/// `expression`, `javascript:`).
fn style(css: &str) -> Result<(), String> {
    let compact: String = css.chars().filter(|c| !c.is_whitespace()).collect();
    let outside = compact.match_indices("url(").any(|(i, _)| {
        let rest = compact[i + 4..].trim_start_matches(['"', '\'']);
        !rest.starts_with('#')
    });
    if outside
        || compact.contains("@import")
        || compact.contains("expression(")
        || compact.contains("javascript:")
    {
        return Err("มีสไตล์ที่โหลดข้อมูลภายนอก (url/@import) ซึ่งไม่อนุญาต".into());
    }
    Ok(())
}

/// The folder logos are kept in.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join(crate::paths::data::OFFICE)
}

/// Stores `logo` (temporary file, synced, renamed) and returns its file name. Other files of
/// its kind are left for [`remove_others`], once the settings name the new one.
pub fn store(data_dir: &Path, logo: &Logo) -> std::io::Result<String> {
    let dir = dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let name = logo.file_name();
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
    std::io::Write::write_all(&mut tmp, &logo.bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(dir.join(&name)).map_err(|e| e.error)?;
    Ok(name)
}

/// Deletes every logo file but `keep` (empty: all of them).
pub fn remove_others(data_dir: &Path, keep: &str) {
    remove_others_of(Kind::Logo, data_dir, keep);
}

/// Deletes every file of `kind` but `keep` (empty: all of them).
pub fn remove_others_of(kind: Kind, data_dir: &Path, keep: &str) {
    for entry in std::fs::read_dir(dir(data_dir)).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != keep && kind.owns(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The stored logo (or map image) named in the settings and its content type, if it is there.
pub fn read(data_dir: &Path, name: &str) -> Option<(Vec<u8>, &'static str)> {
    if !Kind::Logo.owns(name) && !Kind::Map.owns(name) {
        return None;
    }
    let mime = match name.rsplit('.').next() {
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        _ => "image/svg+xml",
    };
    std::fs::read(dir(data_dir).join(name)).ok().map(|b| (b, mime))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([11, 110, 79, 255]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn raster_logos_are_checked_by_content_and_shrunk() {
        let big = check("ตรา.png", &png(1200, 600)).unwrap();
        assert_eq!(big.ext, "png");
        let img = image::load_from_memory(&big.bytes).unwrap();
        assert_eq!((img.width(), img.height()), (512, 256));
        assert!(big.file_name().starts_with("logo-") && big.file_name().ends_with(".png"));
        assert!(crate::config::is_logo_name(&big.file_name()));
        // A small one keeps its size; a JPEG stays a JPEG.
        let small = check("a.png", &png(40, 40)).unwrap();
        assert_eq!(image::load_from_memory(&small.bytes).unwrap().width(), 40);
        let mut jpeg = Vec::new();
        image::DynamicImage::ImageRgb8(image::RgbImage::new(30, 20))
            .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .unwrap();
        assert_eq!(check("a.jpg", &jpeg).unwrap().ext, "jpg");
        // Not an image, renamed .png: refused naming the file.
        let err = check("รายงาน.png", b"%PDF-1.7 not an image").unwrap_err();
        assert!(err.contains("\"รายงาน.png\"") && err.contains("ไม่ใช่รูปภาพ"), "{err}");
        // A PNG header on a broken body.
        let mut broken = png(10, 10);
        broken.truncate(40);
        assert!(check("b.png", &broken).unwrap_err().contains("อ่านเป็นรูปภาพไม่ได้"));
        assert!(check("e.png", b"").is_err());
    }

    #[test]
    fn map_images_are_png_or_jpeg_named_with_their_size() {
        let map = check_as(Kind::Map, "แผนที่.png", &png(3200, 1000)).unwrap();
        assert_eq!(map.size, Some((1600, 500)));
        let name = map.file_name();
        assert!(name.starts_with("map-") && name.ends_with("-1600x500.png"), "{name}");
        assert!(Kind::Map.owns(&name) && !Kind::Logo.owns(&name));
        assert_eq!(map_size(&name), Some((1600, 500)));
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#;
        let err = check_as(Kind::Map, "map.svg", svg.as_bytes()).unwrap_err();
        assert!(err.contains("\"map.svg\"") && err.contains("PNG หรือ JPG"), "{err}");
        let err = check_as(Kind::Map, "แผนที่.jpg", b"not an image").unwrap_err();
        assert!(err.contains("\"แผนที่.jpg\""), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let logo = store(dir.path(), &check("a.png", &png(20, 20)).unwrap()).unwrap();
        let stored = store(dir.path(), &map).unwrap();
        assert_eq!(read(dir.path(), &stored).unwrap().1, "image/png");
        remove_others_of(Kind::Map, dir.path(), "");
        assert!(read(dir.path(), &stored).is_none() && read(dir.path(), &logo).is_some(), "the logo stays");
    }

    #[test]
    fn svg_logos_may_not_run_or_fetch_anything() {
        let ok = r##"<?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
            <defs><circle id="c" r="4"/></defs><use xlink:href="#c"/><style>circle{fill:url(#g)}</style></svg>"##;
        assert_eq!(check("ok.svg", ok.as_bytes()).unwrap().ext, "svg");
        let bad = [
            (r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#, "script"),
            (r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#, "onload"),
            (r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>"#, "foreignobject"),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.example/a.png"/></svg>"#,
                "href",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><a xlink:href="javascript:alert(1)"/></svg>"#,
                "href",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://x/a.css);</style></svg>"#,
                "url",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url( 'http://x/y')"/></svg>"#,
                "url",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:x"/></svg>"#,
                "set",
            ),
            (r#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>"#, "DOCTYPE"),
            (r#"<html><svg/></html>"#, "<svg>"),
            (r#"<svg xmlns="http://www.w3.org/2000/svg"><g></svg>"#, "XML"),
        ];
        for (text, why) in bad {
            let err = check("logo.svg", text.as_bytes()).unwrap_err();
            assert!(err.contains("\"logo.svg\"") && err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn stored_under_their_hash_and_older_ones_removed() {
        let dir = tempfile::tempdir().unwrap();
        let a = check("a.png", &png(20, 20)).unwrap();
        let b = check("b.png", &png(30, 30)).unwrap();
        let (na, nb) = (store(dir.path(), &a).unwrap(), store(dir.path(), &b).unwrap());
        assert_ne!(na, nb);
        remove_others(dir.path(), &nb);
        assert!(read(dir.path(), &na).is_none());
        assert_eq!(read(dir.path(), &nb).unwrap(), (b.bytes, "image/png"));
        assert!(read(dir.path(), "../prakat.toml").is_none());
    }
}
