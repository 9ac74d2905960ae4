//! `prakat backup …` and `prakat restore`.

use std::path::PathBuf;

use crate::appliance::backup;
use crate::thai;

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
            let path = backup::create(data, &dest)?;
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
            let manifest = backup::verify(&file)?;
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
    match backup::restore(file, data)? {
        Some(aside) => println!(
            "กู้คืนแล้ว (restored) ไปที่ {}; ข้อมูลเดิมเก็บไว้ที่ {} (the previous data is kept there)",
            data.display(),
            aside.display()
        ),
        None => println!("กู้คืนแล้ว (restored) ไปที่ {}", data.display()),
    }
    Ok(())
}
