//! Reading the request form: text fields and attachments streamed to disk.
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
use crate::workflow::request::RequestInput;

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
    /// The proposed summary (amendment form).
    pub summary: String,
    /// What changed and why (amendment form).
    pub note: String,
}

impl Checked {
    /// The file's name as it will be shown.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The hash of its bytes.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
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
                up.problems.push(Problem::new(
                    "files",
                    format!("อ่านข้อมูลที่ส่งมาไม่สำเร็จ ({}) — ไฟล์อาจใหญ่เกินกำหนด", e.body_text()),
                ));
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
        let value = field.text().await.unwrap_or_default();
        let f = &mut up.input;
        match name.as_str() {
            "csrf" => up.csrf = value,
            "summary" => up.summary = value,
            "note" => up.note = value,
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
