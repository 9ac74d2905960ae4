//! `prakat logs …`: checking and exporting the traffic logs.

use std::io::Write as _;

use anyhow::bail;
use jiff::civil::Date;

use crate::appliance::traffic;
use crate::store::Store;

/// The `logs` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum LogsCommand {
    /// Check every line's hash, the chain and the daily seals; exits non-zero on any problem.
    Verify {
        /// First day (YYYY-MM-DD, C.E.); default: the earliest kept.
        #[arg(long)]
        from: Option<Date>,
        /// Last day; default: today.
        #[arg(long)]
        to: Option<Date>,
    },
    /// Write the records of a period to standard output, for the authorities.
    Export {
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: Date,
        /// Last day (YYYY-MM-DD).
        #[arg(long)]
        to: Date,
        /// `jsonl` (one JSON object a line) or `csv`.
        #[arg(long, default_value = "jsonl")]
        format: String,
    },
}

/// Runs one `logs` subcommand.
pub fn run(store: &Store, data_dir: &std::path::Path, command: LogsCommand) -> anyhow::Result<()> {
    match command {
        LogsCommand::Verify { from, to } => {
            let from = from.unwrap_or(jiff::civil::date(2000, 1, 1));
            let to = to.unwrap_or_else(crate::thai::today);
            let (lines, findings) = traffic::verify(store, data_dir, from, to)?;
            for f in &findings {
                match f.line {
                    Some(n) => println!("{} บรรทัด {n}: {}", f.day, f.what),
                    None => println!("{}: {}", f.day, f.what),
                }
            }
            if !findings.is_empty() {
                bail!(
                    "พบปัญหา {} รายการในบันทึกการจราจร ({lines} บรรทัด) (traffic log problems found)",
                    findings.len()
                );
            }
            println!("ตรวจแล้ว {lines} บรรทัด ไม่พบการแก้ไข (verified {lines} lines, no tampering)");
        }
        LogsCommand::Export { from, to, format } => {
            let records = traffic::records(data_dir, from, to)?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            match format.as_str() {
                "jsonl" => {
                    for r in &records {
                        serde_json::to_writer(&mut out, r)?;
                        out.write_all(b"\n")?;
                    }
                }
                "csv" => {
                    // Paths and user agents come from anyone on the internet: the shared
                    // writer keeps them from being run as spreadsheet formulas.
                    let mut w = crate::views::csv::CsvWriter::to_writer(out)?;
                    w.row([
                        "time",
                        "client",
                        "forwarded",
                        "method",
                        "path",
                        "status",
                        "bytes",
                        "agent",
                        "account",
                        "tls",
                    ])?;
                    for r in &records {
                        w.row([
                            r.time.clone(),
                            r.client.clone(),
                            r.forwarded.clone().unwrap_or_default(),
                            r.method.clone(),
                            r.path.clone(),
                            r.status.to_string(),
                            r.bytes.map(|b| b.to_string()).unwrap_or_default(),
                            r.agent.clone().unwrap_or_default(),
                            r.account.map(|a| a.to_string()).unwrap_or_default(),
                            r.tls.to_string(),
                        ])?;
                    }
                    w.finish()?.flush()?;
                }
                other => bail!("--format ต้องเป็น csv หรือ jsonl (got {other})"),
            }
        }
    }
    Ok(())
}
