//! `prakat update`: check for, install or roll back a signed release.

use std::path::Path;

use crate::appliance::update::{self, Install};
use crate::config::Settings;
use crate::store::Store;
use crate::store::audit::Who;

/// `prakat update [--check | --rollback]`.
#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// Only say whether a newer release is available.
    #[arg(long, conflicts_with = "rollback")]
    check: bool,
    /// Put back the binary that ran before the last update.
    #[arg(long)]
    rollback: bool,
}

/// Runs `prakat update`.
pub fn run(data: &Path, args: UpdateArgs) -> anyhow::Result<()> {
    let settings = Settings::load(data)?;
    let install = Install::current()?;
    if args.rollback {
        let back_to = install.roll_back("ผู้ดูแลสั่งย้อนกลับ (rolled back by hand)", data)?;
        println!(
            "ย้อนกลับเป็นรุ่น {back_to} แล้ว (rolled back); เริ่มบริการใหม่เพื่อใช้งาน: sudo systemctl restart prakat"
        );
        return Ok(());
    }
    println!("รุ่นที่ใช้อยู่ (running): {} ที่ {}", env!("CARGO_PKG_VERSION"), install.exe.display());
    if args.check {
        match update::check_and_record(&settings.update, data)? {
            Some(a) => println!("มีรุ่นใหม่ (update available): {} {}", a.version, a.date),
            None => println!("เป็นรุ่นล่าสุดแล้ว (up to date)"),
        }
        return Ok(());
    }
    let store = Store::open(data)?;
    let who = Who { user_id: None, address: "command line".into() };
    match update::install(&settings, data, &store, &who, true)? {
        Some(version) => {
            println!("ติดตั้งรุ่น {version} แล้ว; รุ่นเดิมเก็บไว้ที่ {}", install.previous().display());
            println!("Installed {version}. Restart the service to run it: sudo systemctl restart prakat");
            println!(
                "(ถ้ารุ่นใหม่เริ่มไม่สำเร็จภายใน 60 วินาที ระบบจะย้อนกลับเองเมื่อเริ่มครั้งถัดไป; ย้อนกลับเองได้ด้วย prakat update --rollback)"
            );
        }
        None => println!("เป็นรุ่นล่าสุดแล้ว (up to date)"),
    }
    Ok(())
}
