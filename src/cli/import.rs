//! `prakat import …`: bring the office's old website over (WordPress export or CSV), list the
//! runs, undo one. The same work as `/admin/import`.

use std::path::{Path, PathBuf};

use anyhow::bail;

use crate::config::Config;
use crate::import::{self, Options, mapping::CategoryMap, uploads::Uploads};
use crate::store::Store;
use crate::store::audit::Who;
use crate::store::imports;

/// The `import` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Import a WordPress export (Tools → Export → All content, WXR) with its uploads.
    Wordpress {
        /// The exported XML file.
        file: PathBuf,
        /// The old site's wp-content/uploads folder, or a zip of it.
        #[arg(long, value_name = "DIR|ZIP")]
        uploads: Option<PathBuf>,
        /// Category map (TOML): which Prakat sub-category each WordPress category goes to.
        #[arg(long, value_name = "MAP.toml")]
        map: Option<PathBuf>,
        /// Read and check everything and print the report, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Accept files over the upload size limit (types are still checked).
        #[arg(long)]
        allow_oversize: bool,
    },
    /// Import a CSV file (columns: title, date, area, summary, body, source, files).
    Csv {
        /// The CSV file (UTF-8).
        file: PathBuf,
        /// Folder holding the files named in the `files` column.
        #[arg(long, value_name = "DIR")]
        files: Option<PathBuf>,
        /// Read and check everything and print the report, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Accept files over the upload size limit (types are still checked).
        #[arg(long)]
        allow_oversize: bool,
    },
    /// List the import runs.
    List,
    /// Undo an import run as a whole: remove every item, file and old link it created.
    Undo {
        /// The run number (from `prakat import list` or the report).
        run: i64,
    },
}

fn label(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

fn options(data: &Path, file: &Path, dry_run: bool, allow_oversize: bool) -> anyhow::Result<Options> {
    let settings = Config::load(data.to_path_buf())?.settings;
    Ok(Options {
        dry_run,
        max_file_bytes: settings.uploads.max_file_bytes,
        allow_oversize,
        who: Who::console(),
        file_label: label(file),
    })
}

/// A console progress bar, drawn only for a person at a terminal.
fn bar() -> indicatif::ProgressBar {
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} เรื่อง ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    }
}

/// Runs an `import` subcommand.
pub fn run(data: &Path, command: ImportCommand) -> anyhow::Result<()> {
    let store = Store::open(data)?;
    match command {
        ImportCommand::Wordpress { file, uploads, map, dry_run, allow_oversize } => {
            let opts = options(data, &file, dry_run, allow_oversize)?;
            let (map, map_problems) = match map {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| anyhow::anyhow!("อ่านไฟล์จับคู่หมวดหมู่ {} ไม่ได้: {e}", path.display()))?;
                    CategoryMap::parse(&text).map_err(anyhow::Error::msg)?
                }
                None => (CategoryMap::default(), Vec::new()),
            };
            let mut problems = map_problems;
            let mut source = match uploads {
                Some(path) => Uploads::open(&path).unwrap_or_else(|e| {
                    problems.push(e);
                    Uploads::None
                }),
                None => {
                    problems.push("ไม่ได้ระบุ --uploads: ไฟล์แนบทุกไฟล์จะถูกรายงานว่าไม่พบ".into());
                    Uploads::None
                }
            };
            let bar = bar();
            let report =
                import::wordpress(&store, &file, &mut source, &map, &problems, &opts, &mut |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })?;
            bar.finish_and_clear();
            print!("{}", report.to_text());
            if report.fatal.is_some() {
                bail!("นำเข้าไม่ได้ (nothing imported)");
            }
            Ok(())
        }
        ImportCommand::Csv { file, files, dry_run, allow_oversize } => {
            let opts = options(data, &file, dry_run, allow_oversize)?;
            let report = import::csv::import(&store, &file, files.as_deref(), &opts)?;
            print!("{}", report.to_text());
            if report.fatal.is_some() {
                bail!("นำเข้าไม่ได้ (nothing imported)");
            }
            Ok(())
        }
        ImportCommand::List => {
            let runs = store.run_sync(|c| imports::runs(c))?;
            if runs.is_empty() {
                println!("ยังไม่มีการนำเข้า (no import runs)");
            }
            for r in runs {
                let state = match r.undone_at {
                    Some(_) => "ยกเลิกแล้ว (undone)".to_owned(),
                    None => format!("อยู่ {} รายการ, รอจัดหมวด {}", r.items, r.held),
                };
                println!("{}\t{}\t{}\t{}\t{}", r.id, r.kind, r.file_name, state, r.summary);
            }
            Ok(())
        }
        ImportCommand::Undo { run } => match import::undo(&store, run, &Who::console())? {
            Some(u) => {
                println!(
                    "ยกเลิกการนำเข้ารอบที่ {run} แล้ว: ลบรายการ {} รอจัดหมวด {} ลิงก์เดิม {} ไฟล์ {}",
                    u.items,
                    u.held,
                    u.urls,
                    u.files.len()
                );
                Ok(())
            }
            None => bail!("ไม่มีการนำเข้ารอบที่ {run} หรือยกเลิกไปแล้ว (no such run, or already undone)"),
        },
    }
}
