//! A plain CSV import for offices whose old site is not WordPress.
//!
//! Columns (a header row, in any order; UTF-8, with or without BOM):
//! `title, date, area, summary, body, source, files`. `date` is `YYYY-MM-DD` (Christian or
//! Buddhist year, e.g. 2567-03-01) with an optional `HH:MM`; `area` is a sub-category key
//! (`news/procurement`) or its Thai name; `files` are file names in the `--files` folder,
//! separated by `;`. A row whose area is empty or unknown is held until staff choose one.

use std::collections::HashMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::uploads::Uploads;
use super::{Options, Problem, Report, bring_file};
use crate::categories::{AREAS, Place};
use crate::store::Store;
use crate::store::audit::{self, AuditAction};
use crate::store::imports::{self, ImportedFile, ImportedItem};
use crate::workflow::files;

/// The columns, in the order the README shows them.
pub const COLUMNS: [&str; 7] = ["title", "date", "area", "summary", "body", "source", "files"];

fn parse_date(s: &str) -> Option<jiff::Timestamp> {
    let s = s.trim();
    let (date, time) = s.split_once([' ', 'T']).unwrap_or((s, "09:00"));
    let mut parts = date.split(['-', '/']);
    let (y, m, d): (i16, i8, i8) =
        (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    let y = if y > 2400 { y - 543 } else { y };
    let (hh, mm) = time.split_once(':').unwrap_or((time, "0"));
    let day = jiff::civil::Date::new(y, m, d).ok()?;
    let dt = jiff::civil::DateTime::from_parts(
        day,
        jiff::civil::Time::new(hh.parse().ok()?, mm.get(..2).unwrap_or(mm).parse().ok()?, 0, 0).ok()?,
    );
    dt.to_zoned_datetime(crate::thai::bangkok()).ok().map(|z| z.timestamp())
}

fn place_of(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(p) = Place::parse(s) {
        return Some(p.key());
    }
    AREAS.iter().find_map(|a| {
        a.subs.iter().find(|sub| sub.name_th == s).map(|sub| format!("{}/{}", a.slug, sub.slug))
    })
}

/// Imports a CSV file; files are looked up in `files_dir`.
pub fn import(
    store: &Store,
    csv_path: &Path,
    files_dir: Option<&Path>,
    opts: &Options,
) -> anyhow::Result<Report> {
    let mut report = Report { dry_run: opts.dry_run, file: opts.file_label.clone(), ..Report::default() };
    let mut uploads = match files_dir {
        Some(dir) => match Uploads::open(dir) {
            Ok(u) => u,
            Err(e) => {
                report.problems.push(Problem {
                    post: "โฟลเดอร์ไฟล์แนบ".into(), reason: e
                });
                Uploads::None
            }
        },
        None => Uploads::None,
    };
    let mut reader = match ::csv::ReaderBuilder::new().flexible(true).from_path(csv_path) {
        Ok(r) => r,
        Err(e) => {
            report.fatal = Some(format!("เปิดไฟล์ CSV ไม่ได้: {e}"));
            return Ok(report);
        }
    };
    let headers: HashMap<String, usize> = match reader.headers() {
        Ok(h) => h
            .iter()
            .enumerate()
            .map(|(i, name)| (name.trim().trim_start_matches('\u{feff}').to_lowercase(), i))
            .collect(),
        Err(e) => {
            report.fatal = Some(format!("อ่านหัวตาราง CSV ไม่ได้ (ต้องเป็น UTF-8): {e}"));
            return Ok(report);
        }
    };
    for required in ["title", "date"] {
        if !headers.contains_key(required) {
            report.fatal = Some(format!("ไฟล์ CSV ไม่มีคอลัมน์ {required} (คอลัมน์ที่ใช้: {})", COLUMNS.join(", ")));
            return Ok(report);
        }
    }
    let run_id = if opts.dry_run {
        None
    } else {
        Some(store.run_sync(|c| imports::start_run(c, "csv", &opts.file_label, &opts.who))?)
    };
    report.run_id = run_id;
    for (n, row) in reader.records().enumerate() {
        let line = n + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                report
                    .problems
                    .push(Problem {
                        post: format!("แถวที่ {line}"), reason: format!("อ่านไม่ได้: {e}")
                    });
                continue;
            }
        };
        let col = |name: &str| headers.get(name).and_then(|&i| row.get(i)).unwrap_or("").trim().to_owned();
        let title = col("title");
        let label = format!("แถวที่ {line} \"{title}\"");
        if title.is_empty() {
            report
                .problems
                .push(Problem {
                    post: format!("แถวที่ {line}"), reason: "ไม่มีชื่อเรื่อง (title) จึงไม่นำเข้า".into()
                });
            continue;
        }
        report.posts += 1;
        let Some(at) = parse_date(&col("date")) else {
            report.problems.push(Problem {
                post: label,
                reason: format!("วันที่ \"{}\" อ่านไม่ได้ (ใช้ YYYY-MM-DD เช่น 2567-03-01) จึงไม่นำเข้า", col("date")),
            });
            continue;
        };
        let guid = format!(
            "csv:{}",
            hex::encode(Sha256::digest(format!("{title}\n{}\n{}", col("date"), col("area"))))
        );
        if store.run_sync(|c| imports::is_known(c, &guid))? {
            report.already += 1;
            continue;
        }
        let area = col("area");
        let place = place_of(&area);
        if place.is_none() && !area.is_empty() {
            report.problems.push(Problem {
                post: label.clone(),
                reason: format!("ไม่มีหมวดหมู่ \"{area}\" ในระบบ จึงรอจัดหมวด"),
            });
        }
        let mut out_files = Vec::new();
        for name in col("files").split([';', '|']).map(str::trim).filter(|s| !s.is_empty()) {
            match bring_file(store, opts, run_id, &mut uploads, name, name) {
                Ok((kind, sha256, size)) => out_files.push(ImportedFile {
                    file_name: files::safe_display_name(name),
                    kind,
                    sha256,
                    size,
                    alt: String::new(),
                    urls: Vec::new(),
                }),
                Err(reason) => report.problems.push(Problem {
                    post: label.clone(),
                    reason: format!("{reason} — นำเข้าเรื่องนี้โดยไม่มีไฟล์นี้"),
                }),
            }
        }
        let source = col("source");
        let item = ImportedItem {
            guid,
            title,
            summary: col("summary"),
            body: col("body"),
            source: if source.is_empty() {
                super::PROVENANCE.to_owned()
            } else {
                format!("{source} ({})", super::PROVENANCE)
            },
            published_at: at.as_second(),
            files: out_files,
            urls: Vec::new(),
        };
        report.files += item.files.len() as u64;
        report.file_bytes += item.files.iter().map(|f| f.size).sum::<u64>();
        match (&place, run_id) {
            (Some(p), Some(run)) => {
                store.run_sync(|c| imports::add_item(c, run, p, &item))?;
            }
            (None, Some(run)) => {
                store.run_sync(|c| imports::add_held(c, run, &area, &item))?;
            }
            _ => {}
        }
        if place.is_some() {
            report.imported += 1;
        } else {
            report.held += 1;
        }
    }
    if let Some(run) = run_id {
        let summary = report.summary();
        let detail = format!("ไฟล์ {}: {summary}", opts.file_label);
        store.run_sync(|c| {
            imports::finish_run(c, run, &summary)?;
            audit::append(c, &opts.who, AuditAction::ImportRun, &format!("import/{run}"), &detail)
        })?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_either_era_and_areas_by_key_or_thai_name() {
        assert_eq!(parse_date("2567-03-01"), parse_date("2024-03-01 09:00"));
        assert!(parse_date("2024-02-30").is_none());
        assert!(parse_date("yesterday").is_none());
        assert_eq!(place_of("news/procurement").as_deref(), Some("news/procurement"));
        assert_eq!(place_of("ประกาศจัดซื้อจัดจ้าง").as_deref(), Some("news/procurement"));
        assert_eq!(place_of("nowhere"), None);
    }
}
