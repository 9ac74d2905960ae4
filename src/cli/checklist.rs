//! `prakat checklist …`: list the checklists in force and import a newer file from the
//! console, with the same checks as the admin page.

use std::path::PathBuf;

use anyhow::{Context as _, bail};

use crate::compliance::checklist::{Library, Origin};
use crate::store::Store;
use crate::store::audit::Who;
use crate::store::compliance as tags;

/// The `checklist` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ChecklistCommand {
    /// Check a checklist file (TOML) and, if it is valid, use it for its scheme and fiscal year
    /// instead of the one shipped with the program.
    Import {
        /// The TOML file.
        file: PathBuf,
    },
    /// List the checklists in force: scheme, fiscal year, number of items, origin.
    List,
}

/// Runs a `checklist` subcommand.
pub fn run(store: &Store, command: ChecklistCommand) -> anyhow::Result<()> {
    match command {
        ChecklistCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("อ่านไฟล์ {} ไม่ได้ (cannot read the file)", file.display()))?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let who = Who { user_id: None, address: "console".into() };
            match store.run_sync(|c| tags::import(c, &name, &text, &who))? {
                Ok(list) => {
                    println!(
                        "นำเข้าแล้ว (imported): {} {} — {} ข้อ (items)",
                        list.scheme,
                        list.year,
                        list.leaves().count()
                    );
                    Ok(())
                }
                Err(invalid) => bail!("ไฟล์ไม่ถูกต้อง ไม่ได้นำเข้า (invalid, not imported):\n{invalid}"),
            }
        }
        ChecklistCommand::List => {
            let imported = store.run_sync(|c| tags::imported(c))?;
            let lists = imported
                .iter()
                .filter_map(|f| crate::compliance::checklist::parse(&f.file_name, &f.source).ok())
                .collect();
            for (list, origin) in Library::new(lists).all() {
                let origin = match origin {
                    Origin::Embedded => "embedded",
                    Origin::Imported => "imported",
                };
                println!(
                    "{:<6} {}  {:>3} items  {:<8}  {}",
                    list.scheme,
                    list.year,
                    list.leaves().count(),
                    origin,
                    list.title_th
                );
            }
            Ok(())
        }
    }
}
