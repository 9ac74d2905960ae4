//! Reading the request form: text fields and attachments streamed to disk.
//!
//! Text fields are read with a limit each ([`text_limit`], e.g. 64 KB for the details) while
//! streaming: a longer one is refused in Thai naming the field, without ever being held
//! whole in memory, and every text field goes through [`super::hygiene::clean`].
//!
//! Each file is written to a temporary file in the store as it arrives, hashed and checked on
//! the way (extension, size limit while streaming, magic number, inner parts); nothing is kept
//! unless the whole form is accepted, so a refused upload leaves no file behind.

use std::io::Write as _;

use axum::extract::Multipart;
use sha2::{Digest as _, Sha256};
use tempfile::NamedTempFile;

use crate::store::BlobStore;
use crate::store::items::NewAttachment;
use crate::views::forms::Problem;
use crate::workflow::files::{self, FileRefusal, Sniffer};
use crate::workflow::request::{self, RequestInput};

/// A file that passed every check, still in a temporary file.
pub struct Checked {
    tmp: NamedTempFile,
    name: String,
    kind: &'static str,
    sha256: String,
    size: u64,
}

/// What the form carried.
#[derive(Default)]
pub struct Upload {
    /// The text fields.
    pub input: RequestInput,
    /// The submit button pressed: `submit` or `draft`.
    pub intent: String,
    /// The CSRF field.
    pub csrf: String,
    /// Ids of already attached files to remove (when editing).
    pub remove_files: Vec<i64>,
    /// Files that passed, not yet stored.
    pub files: Vec<Checked>,
    /// Problems found with the files, in Thai, naming each file.
    pub problems: Vec<Problem>,
}

impl Upload {
    /// Moves the accepted files into the store.
    pub fn store(self, blobs: &BlobStore) -> std::io::Result<Vec<NewAttachment>> {
        self.files
            .into_iter()
            .map(|f| {
                let blob = blobs.adopt(f.tmp, &f.sha256, f.size)?;
                Ok(NewAttachment { file_name: f.name, kind: f.kind.to_owned(), blob, alt: String::new() })
            })
            .collect()
    }
}

/// Reads the whole multipart form. `already` is the number of files the request has.
pub async fn read(mut multipart: Multipart, blobs: &BlobStore, max_bytes: u64, already: usize) -> Upload {
    let mut up = Upload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                up.problems.push(Problem::new("files", next_field_problem(&e)));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "files" {
            let raw_name = field.file_name().unwrap_or_default().to_owned();
            if raw_name.is_empty() {
                continue; // The file input was left empty.
            }
            match receive(field, &raw_name, blobs, max_bytes, already + up.files.len()).await {
                Ok(checked) => up.files.push(checked),
                Err(refusal) => up.problems.push(Problem::new("files", refusal)),
            }
            continue;
        }
        let limit = text_limit(&name);
        let value = match read_text(field, limit).await {
            Ok(value) => value,
            Err((kept, TextProblem::TooLong)) => {
                up.problems.push(Problem::new(
                    &name,
                    format!(
                        "{}: ข้อความยาวเกิน {} กิโลไบต์ ส่วนที่เกินไม่ได้รับ กรุณาย่อให้สั้นลง (too long)",
                        label_of(&name),
                        limit / 1024
                    ),
                ));
                kept
            }
            Err((kept, TextProblem::Broken(why))) => {
                up.problems
                    .push(Problem::new(&name, format!("{}: อ่านข้อความที่ส่งมาไม่สำเร็จ ({why})", label_of(&name))));
                kept
            }
        };
        let value = crate::web::hygiene::clean(&value).into_owned();
        let f = &mut up.input;
        match name.as_str() {
            "csrf" => up.csrf = value,
            "intent" => up.intent = value,
            "remove_file" => up.remove_files.extend(value.parse::<i64>().ok()),
            "unit" => f.unit = value,
            "request_date" => f.request_date = value,
            "topic" => f.topic = value,
            "details" => f.details = value,
            "link" => f.link = value,
            "remarks" => f.remarks = value,
            "requester_name" => f.requester_name = value,
            "requester_position" => f.requester_position = value,
            "requester_contact" => f.requester_contact = value,
            "category" => f.category = value,
            "period_from" => f.period_from = value,
            "period_to" => f.period_to = value,
            "end_date" => f.end_date = value,
            "no_end" => f.no_end = !value.is_empty(),
            _ => {}
        }
    }
    up
}

/// What to tell the person when the form's next part cannot be read: a size limit is named
/// only when it is the cause; a malformed part (such as a file name with a NUL or another
/// control character, which the multipart parser refuses) is named as that.
fn next_field_problem(e: &axum::extract::multipart::MultipartError) -> String {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        "อ่านข้อมูลที่ส่งมาไม่ครบ: ไฟล์หรือข้อมูลรวมกันใหญ่เกินกำหนด กรุณาลดขนาดไฟล์แล้วส่งใหม่ (too large)".to_owned()
    } else {
        format!(
            "อ่านข้อมูลที่ส่งมาไม่สำเร็จ: ชื่อไฟล์หรือหัวของข้อมูลผิดรูปแบบ (เช่น มีอักขระควบคุมในชื่อไฟล์) \
             กรุณาเปลี่ยนชื่อไฟล์ให้มีแต่ตัวอักษรธรรมดาแล้วแนบใหม่ ({})",
            e.body_text()
        )
    }
}

/// Bytes a text field of the request form may take, read while streaming: room for its
/// character limit in Thai (3 bytes a character) with line breaks sent as CR LF.
pub fn text_limit(field: &str) -> usize {
    if field == "details" {
        return 64 * 1024;
    }
    let chars = match field {
        "remarks" => request::MAX_REMARKS,
        "link" => request::MAX_LINK,
        "topic" => request::MAX_TOPIC,
        "unit" | "requester_name" | "requester_position" | "requester_contact" => request::MAX_NAME,
        // Tokens, dates, categories, buttons.
        _ => 256,
    };
    (chars * 4 + 1024).max(4 * 1024).next_multiple_of(1024)
}

/// The field's Thai label, or its name when it has none.
fn label_of(name: &str) -> &str {
    match request::label_th(name) {
        "" => name,
        label => label,
    }
}

/// Why a text field was not read whole.
enum TextProblem {
    TooLong,
    Broken(String),
}

/// Reads a text field, keeping at most `limit` bytes; the rest is read and dropped, so a
/// 40 MB field costs no memory. On a problem, what was kept comes back with it.
async fn read_text(
    mut field: axum::extract::multipart::Field<'_>,
    limit: usize,
) -> Result<String, (String, TextProblem)> {
    let mut bytes = Vec::new();
    let mut too_long = false;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if too_long {
                    continue;
                }
                let room = limit - bytes.len();
                if chunk.len() > room {
                    bytes.extend_from_slice(&chunk[..room]);
                    too_long = true;
                } else {
                    bytes.extend_from_slice(&chunk);
                }
            }
            Ok(None) => break,
            Err(e) => return Err((lossy(bytes), TextProblem::Broken(e.body_text()))),
        }
    }
    if too_long { Err((lossy(bytes), TextProblem::TooLong)) } else { Ok(lossy(bytes)) }
}

/// Text from bytes; a character cut at the limit (or invalid UTF-8) becomes U+FFFD rather
/// than losing the field.
fn lossy(mut bytes: Vec<u8>) -> String {
    // Drop a trailing partial character left by the cut.
    let valid = match std::str::from_utf8(&bytes) {
        Ok(_) => bytes.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => bytes.len(),
    };
    bytes.truncate(valid);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Streams one file to a temporary file, checking it on the way. The refusal is a Thai
/// message naming the file and the rule.
async fn receive(
    mut field: axum::extract::multipart::Field<'_>,
    raw_name: &str,
    blobs: &BlobStore,
    max_bytes: u64,
    already: usize,
) -> Result<Checked, String> {
    let name = files::safe_display_name(raw_name);
    let refused = |r: FileRefusal| r.to_string();
    files::may_add(already, &name).map_err(refused)?;
    let kind = files::kind_of(&name).map_err(refused)?;
    let mut sniffer = Sniffer::new(&name, kind, max_bytes);
    let mut tmp = blobs.temp_file().map_err(|e| format!("ไฟล์ {name}: บันทึกไม่สำเร็จ ({e})"))?;
    let mut hasher = Sha256::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                // Refuses as soon as the size limit is crossed: the rest is never written.
                sniffer.feed(&chunk).map_err(refused)?;
                hasher.update(&chunk);
                tmp.write_all(&chunk).map_err(|e| format!("ไฟล์ {name}: บันทึกไม่สำเร็จ ({e})"))?;
            }
            Ok(None) => break,
            Err(e) => return Err(format!("ไฟล์ {name}: รับไฟล์ไม่ครบ ({})", e.body_text())),
        }
    }
    tmp.flush().map_err(|e| format!("ไฟล์ {name}: บันทึกไม่สำเร็จ ({e})"))?;
    let size = sniffer.bytes_seen();
    sniffer.finish(tmp.path()).map_err(refused)?;
    Ok(Checked { tmp, name, kind: kind.ext(), sha256: hex::encode(hasher.finalize()), size })
}
