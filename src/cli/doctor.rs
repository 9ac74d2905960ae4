//! `prakat doctor`: the health report in the terminal. It always prints a report: first the
//! data directory (missing, read-only, not writable) and `PRAGMA quick_check`, then every other
//! check it can make, even when the settings or the database cannot be opened.

use std::path::Path;

use crate::appliance::health::{self, Check, Inputs, Level};
use crate::config::Config;
use crate::store::Store;

fn print(c: &Check) {
    let mark = match c.level {
        Level::Green => "[ ok ]",
        Level::Amber => "[warn]",
        Level::Red => "[FAIL]",
    };
    println!("{mark} {} — {}: {}", c.level.label(), c.topic, c.detail);
}

/// Prints every check; fails (exit code 1) when any is red.
pub fn run(data: &Path) -> anyhow::Result<()> {
    let mut checks = vec![health::data_dir_check(data), health::quick_check(data)];
    // Nothing is created here: a missing data directory is reported, not made.
    if data.is_dir() {
        let config = match Config::load(data.to_path_buf()) {
            Ok(config) => config,
            Err(e) => {
                checks.push(Check {
                    topic: "ไฟล์ตั้งค่า (settings)",
                    level: Level::Red,
                    detail: format!("{e:#} — ตรวจเรื่องอื่นต่อด้วยค่าตั้งต้น (the rest uses the defaults)"),
                });
                Config { data_dir: data.to_path_buf(), settings: crate::config::Settings::default() }
            }
        };
        {
            let certificate = health::certificate_on_disk(&config);
            let inputs = Inputs { config: &config, certificate };
            match data.join(crate::store::DB_FILE).exists().then(|| Store::open(data)) {
                Some(Ok(store)) => checks.extend(health::report(&store, &inputs)),
                Some(Err(e)) => {
                    checks.push(Check {
                        topic: "ฐานข้อมูล (database)",
                        level: Level::Red,
                        detail: format!("เปิดไม่ได้ (cannot open): {e:#}"),
                    });
                    checks.extend(health::report_without_database(&inputs));
                }
                None => checks.extend(health::report_without_database(&inputs)),
            }
        }
    }
    for c in &checks {
        print(c);
    }
    let red = checks.iter().filter(|c| c.level == Level::Red).count();
    anyhow::ensure!(red == 0, "{red} เรื่องต้องแก้ไข ({red} checks failed)");
    Ok(())
}
