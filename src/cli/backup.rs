//! `prakat backup …` and `prakat restore`.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::appliance::backup::{self, ProgressBar};
use crate::thai;

/// A byte-counting progress bar on the terminal (hidden when output is not a terminal).
fn bar(message: &'static str) -> ProgressBar {
    let style = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {eta}")
        .expect("a valid template")
        .progress_chars("=> ");
    ProgressBar::new(0).with_style(style).with_message(message)
}

/// The `backup` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum BackupCommand {
    /// Make a backup zip now (safe while the server runs).
    Now {
        /// Where to put it; default: the data directory's `backups` folder.
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
    /// List the backups, newest first.
    List {
        /// Folder to look in; default: the data directory's `backups` folder.
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
    /// Check a backup: every file's sha256 and the database's integrity.
    Verify {
        /// The backup zip.
        file: PathBuf,
    },
}

/// Runs one `backup` subcommand.
pub fn run(data: &std::path::Path, command: BackupCommand) -> anyhow::Result<()> {
    match command {
        BackupCommand::Now { to } => {
            let dest = to.unwrap_or_else(|| backup::default_dir(data));
            let progress = bar("สำรองข้อมูล (backup)");
            let made = backup::create(data, &dest, &progress);
            progress.finish_and_clear();
            // Recorded like a scheduled backup, success or failure (doctor, the admin banner).
            if let Err(e) = backup::record_console(data, &made) {
                eprintln!("prakat: บันทึกประวัติการสำรองไม่ได้ (backup not recorded): {e:#}");
            }
            let path = made?;
            let size = std::fs::metadata(&path)?.len();
            println!(
                "สำรองข้อมูลแล้ว (backup made): {} ({})",
                path.display(),
                thai::file_size(size, thai::Digits::Arabic)
            );
        }
        BackupCommand::List { from } => {
            for (path, size) in backup::list(&from.unwrap_or_else(|| backup::default_dir(data)))? {
                println!("{}  {}", path.display(), thai::file_size(size, thai::Digits::Arabic));
            }
        }
        BackupCommand::Verify { file } => {
            let progress = bar("ตรวจไฟล์สำรอง (verify)");
            let manifest = backup::verify(&file, &progress)?;
            progress.finish_and_clear();
            println!(
                "ไฟล์สำรองสมบูรณ์ (backup verified): {} รายการ, Prakat {}, schema {}, {}",
                manifest.entries.len(),
                manifest.prakat_version,
                manifest.schema_version,
                manifest.created_at
            );
        }
    }
    Ok(())
}

/// `prakat restore FILE`.
pub fn restore(data: &std::path::Path, file: &std::path::Path) -> anyhow::Result<()> {
    let progress = bar("ตรวจแล้วกู้คืน (verify, restore)");
    let restored = backup::restore(file, data, &progress)
        .with_context(|| format!("กู้คืน {} ไปที่ {} ไม่สำเร็จ (restore failed)", file.display(), data.display()))?;
    progress.finish_and_clear();
    match &restored.aside {
        Some(aside) => println!(
            "กู้คืนแล้ว (restored) ไปที่ {}; ข้อมูลเดิมเก็บไว้ที่ {} (the previous data is kept there)",
            data.display(),
            aside.display()
        ),
        None => println!("กู้คืนแล้ว (restored) ไปที่ {}", data.display()),
    }
    println!(
        "คงไว้จากข้อมูลปัจจุบัน (kept from the live data): บันทึกการจราจร {} ไฟล์ ({} วันในสมุดบันทึก), ไฟล์สำรอง {} ไฟล์, ใบรับรองล่าสุด",
        restored.log_files, restored.log_days, restored.backups
    );
    if let Some(warning) = &restored.warning {
        eprintln!("prakat: คำเตือน (warning): {warning}");
    }
    Ok(())
}
