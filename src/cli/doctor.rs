//! `prakat doctor`: the health report in the terminal.

use std::path::Path;

use crate::appliance::health::{self, Inputs, Level};
use crate::config::Config;
use crate::store::Store;

/// Prints every check; fails (exit code 1) when any is red.
pub fn run(data: &Path) -> anyhow::Result<()> {
    let config = Config::load(data.to_path_buf())?;
    let store = Store::open(data)?;
    let certificate = health::certificate_on_disk(&config);
    let checks = health::report(&store, &Inputs { config: &config, certificate });
    for c in &checks {
        let mark = match c.level {
            Level::Green => "[ ok ]",
            Level::Amber => "[warn]",
            Level::Red => "[FAIL]",
        };
        println!("{mark} {} — {}: {}", c.level.label(), c.topic, c.detail);
    }
    let red = checks.iter().filter(|c| c.level == Level::Red).count();
    anyhow::ensure!(red == 0, "{red} เรื่องต้องแก้ไข ({red} checks failed)");
    Ok(())
}
