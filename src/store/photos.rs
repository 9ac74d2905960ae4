//! Public copies of photos ("derivatives").
//!
//! A JPEG or PNG attachment is never shown to the public as uploaded: a phone photo carries its
//! EXIF block (GPS position, camera, owner) and is often stored sideways with an orientation
//! tag. Each photo gets JPEG copies [`WIDTHS`] wide (never wider than the original), turned
//! upright and re-encoded from the pixels, so nothing of the original's metadata survives.
//! The original stays in the blob store for staff.
//!
//! The copies live in `photos/ab/<sha256>-<width>.jpg` beside `files/` (named by the
//! original's hash, so identical photos share them). They are not backed up and the orphan
//! sweep does not look at them: they can always be made again from `files/`. The `photos`
//! table records the upright size of each original (what pages need for `width`/`height`), or
//! why it could not be read; such a file stays a plain download. Making is idempotent: a copy
//! that is missing (after a restore, say) is made again when first needed.

use std::collections::HashMap;
use std::io::{Cursor, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use image::{DynamicImage, ImageDecoder as _, ImageReader, Limits};
use rusqlite::{Connection, OptionalExtension as _};
use sha2::{Digest as _, Sha256};

use super::{BlobStore, Store, StoreResult};

/// Widths of the public copies, in pixels; a photo narrower than one gets a copy at its own
/// width instead of the wider ones.
pub const WIDTHS: [u32; 3] = [320, 800, 1600];
/// JPEG quality of the public copies.
pub const QUALITY: u8 = 80;
/// Largest original side accepted (pixels); anything larger stays a download.
const MAX_SIDE: u32 = 12_000;
/// Memory the decoder may use for one original.
const MAX_DECODE_BYTES: u64 = 400 << 20;

/// Whether an attachment of this kind (lower-case extension) is a photo.
pub fn is_photo_kind(kind: &str) -> bool {
    matches!(kind, "jpg" | "jpeg" | "png")
}

/// A photo whose public copies can be made: its upright size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Photo {
    /// Upright width of the original, pixels.
    pub width: u32,
    /// Upright height of the original, pixels.
    pub height: u32,
}

impl Photo {
    /// The widths of its public copies, narrowest first: those of [`WIDTHS`] narrower than
    /// the original, and then the original's width if it is narrower than the widest.
    pub fn widths(&self) -> Vec<u32> {
        let top = *WIDTHS.last().expect("widths");
        let mut out: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < self.width.min(top)).collect();
        out.push(self.width.min(top));
        out
    }

    /// The size of its copy `width` wide (the height keeps the proportions, at least 1).
    pub fn size_at(&self, width: u32) -> (u32, u32) {
        let h =
            (u64::from(self.height) * u64::from(width) + u64::from(self.width) / 2) / u64::from(self.width);
        (width, u32::try_from(h).unwrap_or(u32::MAX).max(1))
    }

    /// The widest copy.
    pub fn largest(&self) -> u32 {
        self.width.min(*WIDTHS.last().expect("widths"))
    }

    /// The copy closest to `want` wide without being narrower (or the widest).
    pub fn at_least(&self, want: u32) -> u32 {
        self.widths().into_iter().find(|&w| w >= want).unwrap_or_else(|| self.largest())
    }
}

/// Where the public copies are kept.
#[derive(Clone, Debug)]
pub struct Derivatives {
    root: PathBuf,
}

impl Derivatives {
    /// Opens the folder at `root`, creating it (and its `tmp/`) if needed.
    pub fn open(root: PathBuf) -> std::io::Result<Derivatives> {
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(Derivatives { root })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the copy `width` wide of the original with this hash lives, or `None` for a
    /// malformed hash.
    pub fn path(&self, sha256: &str, width: u32) -> Option<PathBuf> {
        let well_formed =
            sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| self.root.join(&sha256[..2]).join(format!("{sha256}-{width}.jpg")))
    }

    /// Whether every copy of `photo` is there.
    fn complete(&self, sha256: &str, photo: &Photo) -> bool {
        photo.widths().into_iter().all(|w| self.path(sha256, w).is_some_and(|p| p.is_file()))
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let dir = path.parent().expect("a parent");
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(self.root.join("tmp"))?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// What the table says about one original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Copies can be made; its upright size.
    Photo(Photo),
    /// It could not be read as an image: it stays a download.
    Unreadable,
}

/// What the table says about each of `hashes` (those it does not know are left out).
pub fn known(conn: &Connection, hashes: &[String]) -> StoreResult<HashMap<String, Known>> {
    let mut out = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT width, height FROM photos WHERE sha256 = ?1")?;
    for sha in hashes {
        if out.contains_key(sha) {
            continue;
        }
        let row: Option<(Option<u32>, Option<u32>)> =
            stmt.query_row([sha], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        match row {
            Some((Some(width), Some(height))) if width > 0 && height > 0 => {
                out.insert(sha.clone(), Known::Photo(Photo { width, height }));
            }
            Some(_) => {
                out.insert(sha.clone(), Known::Unreadable);
            }
            None => {}
        }
    }
    Ok(out)
}

/// The copies of one photo as made: its size and the SHA-256 of each copy by width.
type Made = Result<(Photo, Vec<(u32, String)>), String>;

fn remember(conn: &Connection, sha256: &str, made: &Made) -> StoreResult<()> {
    let (w, h, copies, error) = match made {
        Ok((p, hashes)) => {
            let copies: Vec<String> = hashes.iter().map(|(w, h)| format!("{w}:{h}")).collect();
            (Some(p.width), Some(p.height), Some(copies.join(",")), None)
        }
        Err(e) => (None, None, None, Some(e.as_str())),
    };
    conn.execute(
        "INSERT INTO photos (sha256, width, height, copies, error, made_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (sha256) DO UPDATE SET width = ?2, height = ?3, copies = ?4, error = ?5, made_at = ?6",
        (sha256, w, h, copies, error, super::now_unix()),
    )?;
    Ok(())
}

/// The SHA-256 of the copy `width` wide of the original with this hash (its strong ETag), if
/// it was made.
pub fn copy_hash(conn: &Connection, sha256: &str, width: u32) -> StoreResult<Option<String>> {
    let copies: Option<Option<String>> = conn
        .prepare_cached("SELECT copies FROM photos WHERE sha256 = ?1")?
        .query_row([sha256], |r| r.get(0))
        .optional()?;
    let want = width.to_string();
    Ok(copies.flatten().and_then(|c| {
        c.split(',')
            .find_map(|pair| pair.split_once(':').filter(|(w, _)| *w == want).map(|(_, h)| h.to_owned()))
    }))
}

/// Photos of published (or scheduled) items that have no row yet: what [`make_pending`] makes.
pub fn pending(conn: &Connection, limit: u32) -> StoreResult<Vec<String>> {
    let rows = conn
        .prepare_cached(
            "SELECT DISTINCT a.sha256 FROM attachments a JOIN items i ON i.id = a.item_id
             WHERE i.state = 'published' AND a.kind IN ('jpg', 'jpeg', 'png')
               AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = a.sha256)
             ORDER BY i.published_at DESC LIMIT ?1",
        )?
        .query_map([limit], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

/// One photo decoded at a time: a 12-megapixel original takes about 36 MB while it is worked
/// on, and a Raspberry Pi should not hold several.
static MAKING: Mutex<()> = Mutex::new(());

/// The original with this hash, decoded and turned upright by its EXIF orientation.
fn upright(bytes: &[u8]) -> image::ImageResult<DynamicImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// `img` as a baseline JPEG at [`QUALITY`], with no metadata at all: the encoder writes only
/// the pixels (and a JFIF header). Transparency is laid on white.
fn jpeg(img: &DynamicImage) -> image::ImageResult<Vec<u8>> {
    let rgb = if img.color().has_alpha() {
        let rgba = img.to_rgba8();
        let mut out = image::RgbImage::new(rgba.width(), rgba.height());
        for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
            let a = u16::from(p[3]);
            for c in 0..3 {
                o[c] = ((u16::from(p[c]) * a + 255 * (255 - a)) / 255) as u8;
            }
        }
        out
    } else {
        img.to_rgb8()
    };
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY).encode_image(&rgb)?;
    Ok(out)
}

/// Makes the missing copies of the original with this hash, with the SHA-256 of each; `Err`
/// says why it cannot be read as an image (a missing original is an I/O error, not that).
fn make(blobs: &BlobStore, copies: &Derivatives, sha256: &str) -> std::io::Result<Made> {
    let bytes = blobs.read(sha256)?;
    let img = match upright(&bytes) {
        Ok(img) => img,
        Err(e) => return Ok(Err(e.to_string())),
    };
    drop(bytes);
    let photo = Photo { width: img.width(), height: img.height() };
    if photo.width == 0 || photo.height == 0 {
        return Ok(Err("empty image".into()));
    }
    // Widest first, each from the one before: quicker than from the original every time.
    let mut from = img;
    let mut hashes = Vec::new();
    for width in photo.widths().into_iter().rev() {
        let (w, h) = photo.size_at(width);
        if from.width() != w {
            from = from.thumbnail_exact(w, h);
        }
        let path = copies.path(sha256, width).expect("a checked hash");
        let out = match std::fs::read(&path) {
            Ok(there) => there,
            Err(_) => match jpeg(&from) {
                Ok(out) => {
                    copies.write(&path, &out)?;
                    out
                }
                Err(e) => return Ok(Err(e.to_string())),
            },
        };
        hashes.push((width, hex::encode(Sha256::digest(&out))));
    }
    hashes.reverse();
    Ok(Ok((photo, hashes)))
}

/// The photo with this hash, its copies made if any is missing (blocking: call it on a
/// blocking thread). `None` when it cannot be read as an image (recorded and logged once) or
/// its original is missing.
pub fn ensure(store: &Store, sha256: &str) -> StoreResult<Option<Photo>> {
    let copies = store.photos();
    if copies.path(sha256, 0).is_none() {
        return Ok(None);
    }
    let key = [sha256.to_owned()];
    match store.run_sync(|c| known(c, &key))?.get(sha256) {
        Some(Known::Unreadable) => return Ok(None),
        Some(Known::Photo(p)) if copies.complete(sha256, p) => return Ok(Some(*p)),
        _ => {}
    }
    let _one = MAKING.lock().unwrap_or_else(|e| e.into_inner());
    // Another thread may have made them while this one waited.
    match store.run_sync(|c| known(c, &key))?.get(sha256) {
        Some(Known::Unreadable) => return Ok(None),
        Some(Known::Photo(p)) if copies.complete(sha256, p) => return Ok(Some(*p)),
        _ => {}
    }
    let made = match make(store.blobs(), copies, sha256) {
        Ok(made) => made,
        Err(e) => {
            tracing::error!(sha256, error = %e, "photo: cannot make the public copies");
            return Ok(None);
        }
    };
    if let Err(why) = &made {
        tracing::warn!(sha256, error = %why, "photo cannot be read as an image; it stays a download");
    }
    store.run_sync(|c| remember(c, sha256, &made))?;
    Ok(made.ok().map(|(photo, _)| photo))
}

/// What is known about `hashes` (blocking), making the copies of at most `make` of those never
/// seen; the second value says whether some were left unknown (for the background maker).
/// Photos that cannot be read are left out. A page waits for a few photos at most: a listing
/// of twenty new 12-megapixel photos would take tens of seconds on a Raspberry Pi.
pub fn sizes(store: &Store, hashes: &[String], make: usize) -> StoreResult<(HashMap<String, Photo>, bool)> {
    let known = store.run_sync(|c| known(c, hashes))?;
    let mut out = HashMap::new();
    let (mut made, mut left) = (0, false);
    for sha in hashes {
        match known.get(sha) {
            Some(Known::Photo(p)) => {
                out.insert(sha.clone(), *p);
            }
            Some(Known::Unreadable) => {}
            None if made < make => {
                made += 1;
                if let Some(p) = ensure(store, sha)? {
                    out.insert(sha.clone(), p);
                }
            }
            None => left = true,
        }
    }
    Ok((out, left))
}

/// Makes the copies of up to `limit` published photos that have none yet (blocking); returns
/// how many were looked at. The scheduler's `photos` job and every publication call this.
pub fn make_pending(store: &Store, limit: u32) -> StoreResult<usize> {
    let todo = store.run_sync(|c| pending(c, limit))?;
    for sha in &todo {
        ensure(store, sha)?;
    }
    Ok(todo.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale() {
        let big = Photo { width: 4000, height: 3000 };
        assert_eq!(big.widths(), vec![320, 800, 1600]);
        assert_eq!(big.size_at(320), (320, 240));
        let mid = Photo { width: 1000, height: 667 };
        assert_eq!(mid.widths(), vec![320, 800, 1000]);
        assert_eq!(mid.size_at(1000), (1000, 667));
        let small = Photo { width: 200, height: 100 };
        assert_eq!(small.widths(), vec![200]);
        assert_eq!(small.at_least(800), 200);
        let demo = Photo { width: 800, height: 533 };
        assert_eq!(demo.widths(), vec![320, 800]);
        assert_eq!(demo.size_at(320), (320, 213));
        assert_eq!(demo.at_least(400), 800);
    }

    #[test]
    fn copies_are_upright_and_carry_no_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        // 40 x 20 red/blue halves, stored sideways with orientation 6 and a GPS block.
        let mut img = image::RgbImage::new(40, 20);
        for (x, _, p) in img.enumerate_pixels_mut() {
            *p = if x < 20 { image::Rgb([255, 0, 0]) } else { image::Rgb([0, 0, 255]) };
        }
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&img).unwrap();
        let with_exif = exif_jpeg(&plain, 6);
        let blob = store.blobs().put(&with_exif).unwrap();
        let photo = ensure(&store, &blob.sha256).unwrap().unwrap();
        assert_eq!((photo.width, photo.height), (20, 40), "turned upright");
        let copy = std::fs::read(store.photos().path(&blob.sha256, 20).unwrap()).unwrap();
        assert!(!copy.windows(4).any(|w| w == b"Exif"), "no EXIF in the copy");
        let decoded = image::load_from_memory(&copy).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (20, 40));
        let tag = store.run_sync(|c| copy_hash(c, &blob.sha256, 20)).unwrap().unwrap();
        assert_eq!(tag, hex::encode(Sha256::digest(&copy)), "the copy's ETag is its SHA-256");
        // Idempotent, and a file that is not an image is remembered as such.
        assert_eq!(ensure(&store, &blob.sha256).unwrap(), Some(photo));
        let junk = store.blobs().put(b"\xFF\xD8\xFF\xE0 not really a jpeg").unwrap();
        assert_eq!(ensure(&store, &junk.sha256).unwrap(), None);
        let known = store.run_sync(|c| known(c, std::slice::from_ref(&junk.sha256))).unwrap();
        assert_eq!(known.get(&junk.sha256), Some(&Known::Unreadable));
    }

    /// `jpeg` with an EXIF APP1 segment (orientation, and a GPS IFD) inserted after SOI.
    pub(crate) fn exif_jpeg(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        // Little-endian TIFF: IFD0 with Orientation (0x0112) and GPSInfo (0x8825) pointers.
        let mut tiff: Vec<u8> = b"II*\0".to_vec();
        tiff.extend(8u32.to_le_bytes());
        tiff.extend(2u16.to_le_bytes());
        tiff.extend(0x0112u16.to_le_bytes());
        tiff.extend(3u16.to_le_bytes());
        tiff.extend(1u32.to_le_bytes());
        tiff.extend(u32::from(orientation).to_le_bytes());
        let gps_at = 8 + 2 + 2 * 12 + 4;
        tiff.extend(0x8825u16.to_le_bytes());
        tiff.extend(4u16.to_le_bytes());
        tiff.extend(1u32.to_le_bytes());
        tiff.extend((gps_at as u32).to_le_bytes());
        tiff.extend(0u32.to_le_bytes());
        // GPS IFD: GPSLatitudeRef 'N'.
        tiff.extend(1u16.to_le_bytes());
        tiff.extend(1u16.to_le_bytes());
        tiff.extend(2u16.to_le_bytes());
        tiff.extend(2u32.to_le_bytes());
        tiff.extend(b"N\0\0\0");
        tiff.extend(0u32.to_le_bytes());
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(((app1.len() + 2) as u16).to_be_bytes());
        out.extend(app1);
        out.extend(&jpeg[2..]);
        out
    }
}
