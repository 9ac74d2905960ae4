//! Attachment rules (seed 2.7): only .pdf .xlsx .doc .docx .jpg .zip .rar (and .png .gif
//! images, which old websites and scanned notices carry), at most 4 MB each
//! (a setting), at most [`MAX_FILES`] per request, and the content must match the extension.
//!
//! Uploads are checked while they stream in: [`Sniffer::feed`] stops an oversize or disguised
//! file at the first chunk that gives it away, so nothing large is ever written or buffered,
//! and [`Sniffer::finish`] looks inside Office files once the whole file is on disk.

use std::path::Path;

/// Default largest attachment: 4 MiB (seed 2.7).
pub const DEFAULT_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// Most attachments one request may carry.
pub const MAX_FILES: usize = 10;

/// Longest display name kept by [`safe_display_name`], in characters.
pub const MAX_NAME_CHARS: usize = 150;

const ALLOWED_LIST: &str = ".pdf .xlsx .doc .docx .jpg .png .gif .zip .rar";

/// An accepted file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// PDF document.
    Pdf,
    /// Excel workbook (Office Open XML).
    Xlsx,
    /// Word 97–2003 document (OLE2 compound file).
    Doc,
    /// Word document (Office Open XML).
    Docx,
    /// JPEG photograph (`.jpg` or `.jpeg`).
    Jpg,
    /// PNG image (screenshots, scanned notices, charts).
    Png,
    /// GIF image (old websites' banners and charts).
    Gif,
    /// ZIP archive.
    Zip,
    /// RAR archive.
    Rar,
}

impl Kind {
    /// Every accepted kind.
    pub const ALL: [Kind; 9] =
        [Kind::Pdf, Kind::Xlsx, Kind::Doc, Kind::Docx, Kind::Jpg, Kind::Png, Kind::Gif, Kind::Zip, Kind::Rar];

    /// The canonical lower-case extension without the dot (`.jpeg` files give `jpg`).
    pub fn ext(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Xlsx => "xlsx",
            Kind::Doc => "doc",
            Kind::Docx => "docx",
            Kind::Jpg => "jpg",
            Kind::Png => "png",
            Kind::Gif => "gif",
            Kind::Zip => "zip",
            Kind::Rar => "rar",
        }
    }

    /// The media type to serve the file with.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Doc => "application/msword",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Jpg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Gif => "image/gif",
            Kind::Zip => "application/zip",
            Kind::Rar => "application/vnd.rar",
        }
    }

    /// Whether files of this kind are pictures shown inline (with alternative text).
    pub fn is_image(self) -> bool {
        matches!(self, Kind::Jpg | Kind::Png | Kind::Gif)
    }

    /// The kind with this stored extension (as given by [`Kind::ext`]).
    pub fn parse(ext: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.ext() == ext)
    }

    /// The bytes every file of this kind starts with.
    fn magic(self) -> &'static [u8] {
        match self {
            Kind::Pdf => b"%PDF-",
            Kind::Xlsx | Kind::Docx | Kind::Zip => ZIP_MAGIC,
            Kind::Doc => OLE2_MAGIC,
            Kind::Jpg => b"\xFF\xD8\xFF",
            Kind::Png => PNG_MAGIC,
            // GIF87a and GIF89a.
            Kind::Gif => b"GIF8",
            // RAR 4 and RAR 5 share this prefix.
            Kind::Rar => b"Rar!\x1A\x07",
        }
    }

    /// The part an Office Open XML file must contain.
    fn inner_part(self) -> Option<&'static str> {
        match self {
            Kind::Xlsx => Some("xl/workbook.xml"),
            Kind::Docx => Some("word/document.xml"),
            _ => None,
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1A\n";
const OLE2_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Enough bytes to recognise every magic number above and in [`what_it_is`].
const HEAD_LEN: usize = 12;

/// Why a file was refused. The Display text is Thai, names the file and the rule, and is shown
/// to the person as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRefusal {
    /// The extension is missing or not on the list.
    #[error("ไฟล์ {name}: {}", ext_rule(.ext))]
    Extension {
        /// Display name of the file.
        name: String,
        /// The extension found, lower-case without the dot; empty if none.
        ext: String,
    },
    /// Larger than the limit.
    #[error("ไฟล์ {name}: ขนาดเกิน {}", size_limit(.max_bytes))]
    TooLarge {
        /// Display name of the file.
        name: String,
        /// The limit in bytes.
        max_bytes: u64,
    },
    /// The content is not what the extension says.
    #[error("ไฟล์ {name}: เนื้อไฟล์ไม่ตรงกับนามสกุล .{ext}{}", actual_note(.actual))]
    Mismatch {
        /// Display name of the file.
        name: String,
        /// The claimed extension.
        ext: &'static str,
        /// What the content looks like, when recognised.
        actual: Option<&'static str>,
    },
    /// A password-protected Office file, which visitors could not open.
    #[error("ไฟล์ {name}: ไฟล์ถูกตั้งรหัสผ่านไว้ ประชาชนจะเปิดอ่านไม่ได้ กรุณายกเลิกรหัสผ่านแล้วแนบใหม่")]
    Encrypted {
        /// Display name of the file.
        name: String,
    },
    /// Zero bytes.
    #[error("ไฟล์ {name}: ไฟล์ว่างเปล่า")]
    Empty {
        /// Display name of the file.
        name: String,
    },
    /// One file more than [`MAX_FILES`].
    #[error("ไฟล์ {name}: แนบได้ไม่เกิน {max} ไฟล์ต่อคำขอ")]
    TooMany {
        /// Display name of the file.
        name: String,
        /// The limit.
        max: usize,
    },
    /// The uploaded copy could not be read back (a server-side problem, not the person's).
    #[error("ไฟล์ {name}: อ่านไฟล์ที่อัปโหลดไม่ได้ ({detail})")]
    Unreadable {
        /// Display name of the file.
        name: String,
        /// The I/O error.
        detail: String,
    },
}

fn ext_rule(ext: &str) -> String {
    if ext.is_empty() {
        format!("ไม่มีนามสกุลไฟล์ (อนุญาตเฉพาะ {ALLOWED_LIST})")
    } else {
        format!("ไม่อนุญาตนามสกุล .{ext} (อนุญาตเฉพาะ {ALLOWED_LIST})")
    }
}

fn actual_note(actual: &Option<&str>) -> String {
    actual.map(|a| format!(" (เนื้อไฟล์เป็น {a})")).unwrap_or_default()
}

fn size_limit(max_bytes: &u64) -> String {
    let max_bytes = *max_bytes;
    const MIB: u64 = 1024 * 1024;
    if max_bytes.is_multiple_of(MIB) {
        format!("{} MB", max_bytes / MIB)
    } else {
        crate::thai::file_size(max_bytes, crate::thai::Digits::Arabic)
    }
}

impl FileRefusal {
    /// The display name of the refused file.
    pub fn file_name(&self) -> &str {
        match self {
            FileRefusal::Extension { name, .. }
            | FileRefusal::TooLarge { name, .. }
            | FileRefusal::Mismatch { name, .. }
            | FileRefusal::Encrypted { name }
            | FileRefusal::Empty { name }
            | FileRefusal::TooMany { name, .. }
            | FileRefusal::Unreadable { name, .. } => name,
        }
    }
}

/// The accepted kind of a file, from its extension (case ignored); `file_name` is also the name
/// used in the refusal, so pass the [`safe_display_name`].
pub fn kind_of(file_name: &str) -> Result<Kind, FileRefusal> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let ext = match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.trim().to_lowercase(),
        _ => String::new(),
    };
    let kind = match ext.as_str() {
        "pdf" => Kind::Pdf,
        "xlsx" => Kind::Xlsx,
        "doc" => Kind::Doc,
        "docx" => Kind::Docx,
        "jpg" | "jpeg" => Kind::Jpg,
        "png" => Kind::Png,
        "gif" => Kind::Gif,
        "zip" => Kind::Zip,
        "rar" => Kind::Rar,
        _ => {
            return Err(FileRefusal::Extension { name: file_name.to_string(), ext });
        }
    };
    Ok(kind)
}

/// Refuses the file that would be attachment number `already + 1` if that exceeds [`MAX_FILES`].
pub fn may_add(already: usize, file_name: &str) -> Result<(), FileRefusal> {
    if already >= MAX_FILES {
        return Err(FileRefusal::TooMany { name: file_name.to_string(), max: MAX_FILES });
    }
    Ok(())
}

/// Checks one upload as its chunks arrive, then once it is complete.
///
/// After any `Err` the caller stops streaming and discards what was written.
#[derive(Debug)]
pub struct Sniffer {
    name: String,
    kind: Kind,
    max_bytes: u64,
    seen: u64,
    head: Vec<u8>,
    magic_ok: Option<bool>,
}

impl Sniffer {
    /// Starts checking a file of `kind` (see [`kind_of`]) named `name`, at most `max_bytes` long.
    pub fn new(name: &str, kind: Kind, max_bytes: u64) -> Sniffer {
        Sniffer {
            name: name.to_string(),
            kind,
            max_bytes,
            seen: 0,
            head: Vec::with_capacity(HEAD_LEN),
            magic_ok: None,
        }
    }

    /// The kind being checked.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Bytes fed so far: the file's size once it is complete.
    pub fn bytes_seen(&self) -> u64 {
        self.seen
    }

    /// Takes the next chunk. Refuses as soon as the total passes the limit, and as soon as the
    /// first 12 bytes show the content is not of the claimed kind.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), FileRefusal> {
        self.seen = self.seen.saturating_add(chunk.len() as u64);
        if self.seen > self.max_bytes {
            return Err(FileRefusal::TooLarge { name: self.name.clone(), max_bytes: self.max_bytes });
        }
        if self.head.len() < HEAD_LEN {
            let take = (HEAD_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        // Judge once the whole head is in, so a refusal can also say what the file really is.
        if self.magic_ok.is_none() && self.head.len() == HEAD_LEN {
            self.magic_ok = Some(self.head.starts_with(self.kind.magic()));
        }
        match self.magic_ok {
            Some(false) => Err(self.mismatch()),
            _ => Ok(()),
        }
    }

    /// Final checks once the whole file has been written to `path`: not empty, long enough to
    /// carry its magic number, and for ZIP-based kinds a readable archive — with the workbook
    /// or document part inside for .xlsx and .docx.
    pub fn finish(self, path: &Path) -> Result<(), FileRefusal> {
        if self.seen == 0 {
            return Err(FileRefusal::Empty { name: self.name });
        }
        // Files shorter than the head are judged here, on what there is.
        let magic_ok = self.magic_ok.unwrap_or_else(|| self.head.starts_with(self.kind.magic()));
        if !magic_ok {
            return Err(self.mismatch());
        }
        if self.kind.magic() != ZIP_MAGIC {
            return Ok(());
        }
        let file = std::fs::File::open(path)
            .map_err(|e| FileRefusal::Unreadable { name: self.name.clone(), detail: e.to_string() })?;
        let archive = match zip::ZipArchive::new(std::io::BufReader::new(file)) {
            Ok(a) => a,
            Err(zip::result::ZipError::Io(e)) => {
                return Err(FileRefusal::Unreadable { name: self.name, detail: e.to_string() });
            }
            // A truncated or corrupt archive is not what its name promises.
            Err(_) => return Err(self.mismatch()),
        };
        match self.kind.inner_part() {
            Some(part) if archive.index_for_name(part).is_none() => Err(self.mismatch()),
            _ => Ok(()),
        }
    }

    fn mismatch(&self) -> FileRefusal {
        let actual = what_it_is(&self.head);
        // A password-protected .xlsx/.docx is an OLE2 container, not a zip: say so plainly.
        if matches!(self.kind, Kind::Xlsx | Kind::Docx) && self.head.starts_with(OLE2_MAGIC) {
            return FileRefusal::Encrypted { name: self.name.clone() };
        }
        FileRefusal::Mismatch { name: self.name.clone(), ext: self.kind.ext(), actual }
    }
}

/// What the first bytes of a file look like, for a more helpful refusal.
fn what_it_is(head: &[u8]) -> Option<&'static str> {
    const KNOWN: &[(&[u8], &str)] = &[
        (b"%PDF-", "PDF"),
        (ZIP_MAGIC, "ZIP"),
        (OLE2_MAGIC, "เอกสาร Office รุ่นเก่า (.doc .xls .ppt)"),
        (b"\xFF\xD8\xFF", "JPEG"),
        (b"Rar!\x1A\x07", "RAR"),
        (b"\x89PNG\r\n\x1A\n", "PNG"),
        (b"GIF8", "GIF"),
        (b"MZ", "โปรแกรม (.exe)"),
        (b"\x7FELF", "โปรแกรม (ELF)"),
        (b"7z\xBC\xAF\x27\x1C", "7-Zip"),
        (b"{\\rtf", "RTF"),
    ];
    if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        return Some("WebP");
    }
    KNOWN.iter().find(|(magic, _)| head.starts_with(magic)).map(|(_, what)| *what)
}

/// A file name fit to show and store: no folders (browsers may send `C:\fakepath\x.pdf`), no
/// control or text-direction characters (which can disguise `fdp.exe` as `exe.pdf`), trimmed,
/// and at most [`MAX_NAME_CHARS`] characters with the extension kept.
pub fn safe_display_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base.chars().filter(|c| !c.is_control() && !is_bidi_control(*c)).collect();
    let name = cleaned.trim().trim_start_matches('.').trim();
    if name.is_empty() {
        return "ไฟล์แนบ".to_string();
    }
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.to_string();
    }
    // Keep a short extension whole; a "stem" made of one long extension is just cut.
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 10 => (stem, ext),
        _ => (name, ""),
    };
    let keep = MAX_NAME_CHARS - if ext.is_empty() { 0 } else { ext.chars().count() + 1 };
    let stem: String = stem.chars().take(keep).collect();
    let stem = stem.trim_end();
    if ext.is_empty() { stem.to_string() } else { format!("{stem}.{ext}") }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    /// Streams `bytes` through a sniffer in `chunk`-sized pieces, writes them to a temporary
    /// file, and finishes, the way an upload handler would.
    fn upload(name: &str, bytes: &[u8], max: u64, chunk: usize) -> Result<u64, FileRefusal> {
        let kind = kind_of(name)?;
        let mut s = Sniffer::new(name, kind, max);
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        for c in bytes.chunks(chunk.max(1)) {
            s.feed(c)?;
            tmp.write_all(c).unwrap();
        }
        tmp.flush().unwrap();
        let size = s.bytes_seen();
        s.finish(tmp.path())?;
        Ok(size)
    }

    fn zip_with(parts: &[&str]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for p in parts {
            w.start_file(*p, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(b"<?xml version=\"1.0\"?><x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    const PNG: &[u8] = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0This program cannot be run in DOS mode";

    #[test]
    fn extensions() {
        assert_eq!(kind_of("แผน.PDF"), Ok(Kind::Pdf));
        assert_eq!(kind_of("ภาพกิจกรรม.JPEG").unwrap().ext(), "jpg");
        assert_eq!(kind_of("งบ.xlsx"), Ok(Kind::Xlsx));
        assert_eq!(kind_of("a.b.docx"), Ok(Kind::Docx));
        for k in Kind::ALL {
            assert_eq!(kind_of(&format!("x.{}", k.ext())), Ok(k));
            assert_eq!(Kind::parse(k.ext()), Some(k));
        }
        assert_eq!(kind_of("แผนผัง.PNG"), Ok(Kind::Png));
        assert_eq!(kind_of("ป้าย.gif"), Ok(Kind::Gif));
        let err = kind_of("ภาพ.webp").unwrap_err();
        assert_eq!(
            err.to_string(),
            "ไฟล์ ภาพ.webp: ไม่อนุญาตนามสกุล .webp (อนุญาตเฉพาะ .pdf .xlsx .doc .docx .jpg .png .gif .zip .rar)"
        );
        assert_eq!(err.file_name(), "ภาพ.webp");
        let err = kind_of(".pdf").unwrap_err();
        assert!(err.to_string().contains("ไม่มีนามสกุลไฟล์"), "{err}");
        assert!(kind_of("README").is_err());
        assert!(kind_of("virus.pdf.exe").is_err());
    }

    #[test]
    fn png_and_gif_pass_by_content_and_disguises_are_refused() {
        const GIF: &[u8] = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xFF\xFF\xFF!\xF9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";
        for chunk in [1, 5, 4096] {
            assert_eq!(upload("แผนผังอาคาร.png", PNG, DEFAULT_MAX_BYTES, chunk), Ok(PNG.len() as u64));
            assert_eq!(upload("ป้ายประชาสัมพันธ์.GIF", GIF, DEFAULT_MAX_BYTES, chunk), Ok(GIF.len() as u64));
        }
        let err = upload("ภาพ.png", GIF, DEFAULT_MAX_BYTES, 7).unwrap_err();
        assert_eq!(err.to_string(), "ไฟล์ ภาพ.png: เนื้อไฟล์ไม่ตรงกับนามสกุล .png (เนื้อไฟล์เป็น GIF)");
        let err = upload("ภาพ.gif", EXE, DEFAULT_MAX_BYTES, 7).unwrap_err();
        assert!(err.to_string().contains("โปรแกรม (.exe)"), "{err}");
        assert!(upload("ภาพ.png", PDF, DEFAULT_MAX_BYTES, 7).is_err());
        assert!(
            Kind::Png.is_image() && Kind::Gif.is_image() && Kind::Jpg.is_image() && !Kind::Pdf.is_image()
        );
        assert_eq!(Kind::Png.mime(), "image/png");
        assert_eq!(Kind::Gif.mime(), "image/gif");
    }

    #[test]
    fn a_real_pdf_passes_in_any_chunking() {
        for chunk in [1, 2, 3, 7, 4096] {
            assert_eq!(upload("แผนปฏิบัติการ.pdf", PDF, DEFAULT_MAX_BYTES, chunk), Ok(PDF.len() as u64));
        }
    }

    #[test]
    fn office_files_need_their_inner_part() {
        let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert!(upload("งบประมาณ.xlsx", &xlsx, DEFAULT_MAX_BYTES, 512).is_ok());
        // A zip is a zip, whatever it holds.
        assert!(upload("เอกสาร.zip", &xlsx, DEFAULT_MAX_BYTES, 512).is_ok());
        let err = upload("งบ.docx", &xlsx, DEFAULT_MAX_BYTES, 512).unwrap_err();
        assert_eq!(err.to_string(), "ไฟล์ งบ.docx: เนื้อไฟล์ไม่ตรงกับนามสกุล .docx (เนื้อไฟล์เป็น ZIP)");
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert!(upload("คำสั่ง.docx", &docx, DEFAULT_MAX_BYTES, 512).is_ok());
        let plain = zip_with(&["readme.txt"]);
        let err = upload("งบ.xlsx", &plain, DEFAULT_MAX_BYTES, 512).unwrap_err();
        assert!(err.to_string().starts_with("ไฟล์ งบ.xlsx: เนื้อไฟล์ไม่ตรงกับนามสกุล .xlsx"), "{err}");
        // A truncated archive keeps its magic number but is not a readable zip.
        let cut = &docx[..docx.len() / 2];
        assert!(matches!(
            upload("คำสั่ง.docx", cut, DEFAULT_MAX_BYTES, 512),
            Err(FileRefusal::Mismatch { .. })
        ));
    }

    #[test]
    fn disguised_files_are_refused_at_the_first_chunk() {
        let mut s = Sniffer::new("ภาพกิจกรรม.jpg", Kind::Jpg, DEFAULT_MAX_BYTES);
        let err = s.feed(&PNG[..16]).unwrap_err();
        assert_eq!(err.to_string(), "ไฟล์ ภาพกิจกรรม.jpg: เนื้อไฟล์ไม่ตรงกับนามสกุล .jpg (เนื้อไฟล์เป็น PNG)");
        let err = upload("ประกาศ.pdf", EXE, DEFAULT_MAX_BYTES, 4096).unwrap_err();
        assert_eq!(
            err,
            FileRefusal::Mismatch {
                name: "ประกาศ.pdf".into(), ext: "pdf", actual: Some("โปรแกรม (.exe)")
            }
        );
        // A .doc is OLE2; a real .docx is not, and one that is has a password on it.
        let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0";
        assert!(upload("หนังสือ.doc", ole, DEFAULT_MAX_BYTES, 3).is_ok());
        assert!(matches!(
            upload("หนังสือ.docx", ole, DEFAULT_MAX_BYTES, 3),
            Err(FileRefusal::Encrypted { .. })
        ));
        assert!(upload("สำเนา.rar", b"Rar!\x1A\x07\x01\0rest", 100, 2).is_ok());
        assert!(upload("ภาพ.jpg", b"\xFF\xD8\xFF\xE0\0\x10JFIF", 100, 1).is_ok());
    }

    #[test]
    fn too_short_or_empty() {
        let err = upload("ว่าง.pdf", b"", DEFAULT_MAX_BYTES, 1).unwrap_err();
        assert_eq!(err.to_string(), "ไฟล์ ว่าง.pdf: ไฟล์ว่างเปล่า");
        // Shorter than its magic number: undecided while streaming, refused at the end.
        let mut s = Sniffer::new("สั้น.pdf", Kind::Pdf, DEFAULT_MAX_BYTES);
        s.feed(b"%PD").unwrap();
        let tmp = tempfile::NamedTempFile::new().unwrap();
        assert!(matches!(s.finish(tmp.path()), Err(FileRefusal::Mismatch { .. })));
    }

    #[test]
    fn oversize_is_refused_at_the_chunk_that_crosses_the_limit() {
        let max = 10_000;
        let mut s = Sniffer::new("แผน.pdf", Kind::Pdf, max);
        let chunk = [b'%'; 1000];
        s.feed(b"%PDF-").unwrap();
        let mut fed = 5;
        let mut refused_at = None;
        for i in 0..20 {
            match s.feed(&chunk) {
                Ok(()) => fed += 1000,
                Err(e) => {
                    refused_at = Some((i, e));
                    break;
                }
            }
        }
        let (i, err) = refused_at.expect("refused");
        assert_eq!(i, 9, "5 + 9×1000 fits, the 10th chunk crosses 10 000");
        assert_eq!(fed, 9005);
        assert_eq!(err.to_string(), "ไฟล์ แผน.pdf: ขนาดเกิน 9.8 KB");
        // Exactly at the limit is fine.
        let exact = [PDF, &vec![b' '; 4 * 1024 * 1024 - PDF.len()]].concat();
        assert!(upload("แผน.pdf", &exact, DEFAULT_MAX_BYTES, 65536).is_ok());
        let over = [exact.as_slice(), b"x"].concat();
        let err = upload("แผน.pdf", &over, DEFAULT_MAX_BYTES, 65536).unwrap_err();
        assert_eq!(err.to_string(), "ไฟล์ แผน.pdf: ขนาดเกิน 4 MB");
    }

    #[test]
    fn at_most_ten_files() {
        assert!(may_add(9, "ไฟล์ที่10.pdf").is_ok());
        assert_eq!(
            may_add(10, "ไฟล์ที่11.pdf").unwrap_err().to_string(),
            "ไฟล์ ไฟล์ที่11.pdf: แนบได้ไม่เกิน 10 ไฟล์ต่อคำขอ"
        );
    }

    #[test]
    fn display_names() {
        assert_eq!(safe_display_name("C:\\fakepath\\แผนงบประมาณ.pdf"), "แผนงบประมาณ.pdf");
        assert_eq!(safe_display_name("/home/somchai/งาน/ภาพ.jpg"), "ภาพ.jpg");
        assert_eq!(safe_display_name("a\u{0}b\r\n.pdf"), "ab.pdf");
        // Right-to-left override would show "ประกาศ\u{202E}fdp.exe" as "ประกาศexe.pdf".
        assert_eq!(safe_display_name("ประกาศ\u{202E}fdp.exe"), "ประกาศfdp.exe");
        assert_eq!(safe_display_name("  ..hidden.pdf "), "hidden.pdf");
        assert_eq!(safe_display_name("C:\\"), "ไฟล์แนบ");
        assert_eq!(safe_display_name(""), "ไฟล์แนบ");

        let long = format!("{}.docx", "รายงาน".repeat(40));
        let short = safe_display_name(&long);
        assert_eq!(short.chars().count(), MAX_NAME_CHARS);
        assert!(short.ends_with(".docx") && short.starts_with("รายงาน"));
        let no_ext = "ก".repeat(200);
        assert_eq!(safe_display_name(&no_ext).chars().count(), MAX_NAME_CHARS);
    }
}
