//! The command line. It parses arguments and wires the parts together; the work is done
//! elsewhere.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::store::Store;
use crate::{appliance, demo, web};

mod backup;
mod checklist;
mod doctor;
mod import;
mod logs;
mod update;
mod user;

/// Prakat (ประกาศ): the website and publication workflow of a Thai district office, in one
/// program.
#[derive(Debug, Parser)]
#[command(name = "prakat", version, about, long_about = None)]
pub struct Cli {
    /// Data directory: database, uploaded files, certificates, logs and backups. Nothing is
    /// written anywhere else.
    #[arg(long, global = true, env = "PRAKAT_DATA", default_value = "./prakat-data", value_name = "DIR")]
    pub data: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the appliance: the public website and the staff workflow.
    Serve(ServeArgs),
    /// Manage staff accounts and their roles.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Check and export the traffic logs (Computer-related Crime Act s.26).
    #[command(subcommand)]
    Logs(logs::LogsCommand),
    /// Make, list and check backup zips.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// Restore a backup into the data directory (the current data is moved aside, not deleted;
    /// refused while a server uses the directory).
    Restore {
        /// The backup zip.
        file: PathBuf,
    },
    /// Check the appliance's health: certificate, backups, disk, logs, update, web masters,
    /// overdue items and the clock (exit code 1 when something needs fixing now).
    Doctor,
    /// Check for, install or roll back a signed release (a backup is made first).
    Update(update::UpdateArgs),
    /// Compliance checklists (MOIT, ITA, OIA, GWS): list them, import a newer file.
    #[command(subcommand)]
    Checklist(checklist::ChecklistCommand),
    /// The host firewall (nftables table `inet prakat`) that install.sh sets up.
    #[command(subcommand)]
    Firewall(FirewallCommand),
    /// Make the search index again from the items (a server may keep running; searches wait
    /// for it to finish).
    Reindex,
    /// Bring the office's old website over: a WordPress export or a CSV file; list or undo runs.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Fill the data directory with demo content and N generated items (for benchmarks).
    #[command(hide = true)]
    Demo {
        /// Total number of items wanted.
        #[arg(long, default_value_t = 0)]
        items: usize,
    },
}

#[derive(Debug, Subcommand)]
enum FirewallCommand {
    /// Print the nftables ruleset for the office LAN in the settings (`access.staff_networks`):
    /// TCP 80 and 443 open to all, everything else only from the LAN.
    Print,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Addresses for plain HTTP, repeated or comma-separated. The default, `[::]:8080`,
    /// listens on every interface for IPv6 and IPv4 alike (dual stack) so that office staff
    /// can reach it over the LAN; without IPv6 on the machine it falls back to IPv4.
    #[arg(long, default_value = "[::]:8080", value_name = "ADDR", value_delimiter = ',')]
    http: Vec<SocketAddr>,

    /// Also serve HTTPS on these addresses (e.g. `[::]:443`), repeated or comma-separated;
    /// plain HTTP then only redirects to it (and answers certificate challenges).
    #[arg(long, value_name = "ADDR", value_delimiter = ',')]
    https: Vec<SocketAddr>,

    /// The public name for a Let's Encrypt certificate (turns on ACME mode).
    #[arg(long, value_name = "NAME")]
    domain: Option<String>,

    /// Contact e-mail for Let's Encrypt.
    #[arg(long, value_name = "EMAIL")]
    acme_email: Option<String>,

    /// On an empty data directory, add realistic Thai sample content first.
    #[arg(long)]
    demo: bool,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    // One crypto provider for every TLS use (HTTPS, ACME, SMTP): ring. Installing it here keeps
    // rustls from guessing when another crate enables a second provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("prakat: ผิดพลาด (error): {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr at the level `PRAKAT_LOG` names: a level ("warn") and/or targets with levels
/// ("info,prakat::web=debug"). A value that does not parse is said once and `info` is used.
fn init_logging() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;

    let default = || Targets::new().with_default(tracing::Level::INFO);
    let (filter, refused) = match std::env::var("PRAKAT_LOG") {
        Ok(value) => match value.parse::<Targets>() {
            Ok(filter) => (filter, None),
            Err(e) => (default(), Some(format!("PRAKAT_LOG={value:?} ignored: {e}"))),
        },
        Err(_) => (default(), None),
    };
    // Colours only for a person at a terminal: journald and log files would keep the escapes.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(ansi);
    tracing_subscriber::registry().with(layer.with_filter(filter)).init();
    if let Some(refused) = refused {
        tracing::warn!("{refused}");
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(cli.data, args),
        Command::User(command) => user::run(&Store::open(&cli.data)?, command),
        Command::Logs(command) => logs::run(&Store::open(&cli.data)?, &cli.data, command),
        Command::Backup(command) => backup::run(&cli.data, command),
        Command::Restore { file } => backup::restore(&cli.data, &file),
        Command::Update(args) => update::run(&cli.data, args),
        Command::Doctor => doctor::run(&cli.data),
        Command::Firewall(FirewallCommand::Print) => {
            let settings = crate::config::Settings::load(&cli.data)?;
            print!("{}", appliance::firewall::ruleset(&settings.access));
            Ok(())
        }
        Command::Checklist(command) => checklist::run(&Store::open(&cli.data)?, command),
        Command::Reindex => {
            let store = Store::open(&cli.data)?;
            let started = std::time::Instant::now();
            let n = store.run_sync(crate::store::search::reindex)?;
            println!(
                "สร้างดัชนีค้นหาใหม่ {n} รายการ ใน {:.1} วินาที (re-indexed {n} items in {:.1} s)",
                started.elapsed().as_secs_f64(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import(command) => import::run(&cli.data, command),
        Command::Demo { items } => {
            let store = Store::open(&cli.data)?;
            demo::fill_if_empty(&store, &cli.data)?;
            let added = demo::generate(&store, items)?;
            println!(
                "เพิ่มรายการตัวอย่าง {added} รายการ (added {added} generated items) ใน {}",
                cli.data.display()
            );
            Ok(())
        }
    }
}

fn serve(data: PathBuf, args: ServeArgs) -> anyhow::Result<()> {
    // First of all: a new binary's trial start, or the rollback after a failed one.
    let start = appliance::update::on_start(&data)
        .with_context(|| format!("ตรวจการอัปเดตตอนเริ่มไม่ได้ (data: {})", data.display()))?;
    if start == appliance::update::Start::Restart {
        appliance::update::restart()?;
    }
    // Held while serving, so that a restore cannot swap the directory underneath.
    let _lock = appliance::backup::lock(&data)?;
    crate::thai::use_test_clock(&data);
    let store = Store::open(&data).with_context(|| format!("เปิดข้อมูลใน {} ไม่ได้", data.display()))?;
    if args.demo && demo::fill_if_empty(&store, &data)? {
        println!("เติมข้อมูลตัวอย่างแล้ว (demo content added) ใน {}", data.display());
    }
    let mut config = Config::load(data)?;
    if let Some(domain) = args.domain {
        config.settings.tls.mode = crate::config::TlsMode::Acme;
        config.settings.tls.domain = domain;
    }
    if let Some(email) = args.acme_email {
        config.settings.tls.acme_email = email;
    }
    // Before any thread starts: fewer malloc arenas, less memory kept after a burst.
    web::memory::limit_arenas(web::memory::ARENAS);
    // Blocking threads run SQLite queries; a bound keeps memory small under load.
    let runtime =
        tokio::runtime::Builder::new_multi_thread().max_blocking_threads(16).enable_all().build()?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let traffic = appliance::traffic::start(store.clone(), config.data_dir.clone()).with_context(|| {
        format!("เริ่มบันทึกการจราจรใน {} ไม่ได้", appliance::traffic::dir(&config.data_dir).display())
    })?;
    let writer = traffic.writer();
    runtime.block_on(async move {
        let bind = |addrs: &[SocketAddr]| {
            let list = addrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            web::listener::bind(addrs)
                .with_context(|| format!("เปิดพอร์ต {list} ไม่ได้ (cannot listen on {list})"))
        };
        let http = bind(&args.http)?;
        let https = if args.https.is_empty() { None } else { Some(bind(&args.https)?) };
        let tls = match &https {
            Some(_) => Some(appliance::tls::initial_store(&config).with_context(|| {
                format!(
                    "เตรียมใบรับรอง HTTPS ใน {} ไม่ได้",
                    appliance::tls::certs_dir(&config.data_dir).display()
                )
            })?),
            None => None,
        };
        let http_addrs = http.iter().map(|l| l.local_addr()).collect::<std::io::Result<Vec<_>>>()?;
        let https_addrs = match &https {
            Some(listeners) => {
                listeners.iter().map(|l| l.local_addr()).collect::<std::io::Result<Vec<_>>>()?
            }
            None => Vec::new(),
        };
        print_urls(&http_addrs, &https_addrs, &config);
        let first = https_addrs.first().or(http_addrs.first()).copied().context("no address to listen on")?;
        print_login_help(&store, first, !https_addrs.is_empty(), args.demo)?;

        let challenges = appliance::acme::Challenges::default();
        let app = web::App::new(config, store.clone(), tls.clone(), Some(traffic), stop_tx.clone());
        let (pages, config, restart_tx) = (app.clone(), app.config.clone(), stop_tx.clone());
        let hooks = appliance::scheduler::Hooks {
            settings: app.live.clone(),
            content_changed: std::sync::Arc::new(move || pages.pages.invalidate()),
            restart: std::sync::Arc::new(move || {
                appliance::update::request_restart();
                let _ = restart_tx.send(true);
            }),
        };
        let mut jobs = appliance::scheduler::duties(&store, &config, &hooks);
        if let Some(certs) = &tls {
            let dir = appliance::tls::certs_dir(&config.data_dir);
            match config.settings.tls.mode {
                crate::config::TlsMode::Acme => jobs.push(appliance::acme::renewal_job(
                    certs.clone(),
                    config.settings.tls.clone(),
                    dir,
                    challenges.clone(),
                )),
                crate::config::TlsMode::SelfSigned => {
                    jobs.push(appliance::tls::renewal_job(certs.clone(), dir))
                }
                crate::config::TlsMode::Manual => {}
            }
        }
        appliance::scheduler::start(store.clone(), jobs).await;
        appliance::update::on_ready(&store)?;

        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop_tx.send(true);
        });
        match (https, tls) {
            (Some(https), Some(store)) => {
                let acceptor = tokio_rustls::TlsAcceptor::from(appliance::tls::server_config(store)?);
                let port = https_addrs.first().map_or(443, |a| a.port());
                let redirect = web::listener::serve(
                    http,
                    tower::util::Either::Right(web::redirect::router(port, challenges)),
                    None,
                    web::listener::Limits::default(),
                    stopped(stop_rx.clone()),
                );
                let secure = web::serve(app, https, Some(acceptor), stopped(stop_rx));
                let (a, b) = tokio::join!(redirect, secure);
                a?;
                b?;
            }
            _ => web::serve(app, http, None, stopped(stop_rx)).await?,
        }
        println!("หยุดให้บริการแล้ว (stopped)");
        anyhow::Ok(())
    })?;
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    writer.wait(std::time::Duration::from_secs(5));
    if appliance::update::restart_requested() {
        drop(_lock);
        appliance::update::restart()?;
    }
    Ok(())
}

/// Prints how to log in: the demo accounts, or the one-time link that creates the first admin.
fn print_login_help(store: &Store, bound: SocketAddr, https: bool, demo: bool) -> anyhow::Result<()> {
    let host = if bound.ip().is_unspecified() { IpAddr::from([127, 0, 0, 1]) } else { bound.ip() };
    let scheme = if https { "https" } else { "http" };
    let base = match host {
        IpAddr::V4(v4) => format!("{scheme}://{v4}:{}", bound.port()),
        IpAddr::V6(v6) => format!("{scheme}://[{v6}]:{}", bound.port()),
    };
    if demo && store.run_sync(|c| crate::store::users::for_login(c, demo::DEMO_ADMIN))?.is_some() {
        println!("บัญชีทดลอง (demo accounts) เข้าสู่ระบบที่ {base}/login รหัสผ่านทุกบัญชี: {}", demo::DEMO_PASSWORD);
        for (username, role) in demo::DEMO_ACCOUNTS {
            println!("  {username:<12} {role}");
        }
    }
    if !store.run_sync(|c| crate::store::users::has_admin(c))? {
        let token = store.run_sync(|c| crate::store::users::new_setup_token(c, 3600))?;
        println!("ยังไม่มีผู้ดูแลระบบ: เปิดลิงก์นี้เพื่อสร้างบัญชีผู้ดูแลระบบคนแรก (ใช้ได้ครั้งเดียว ภายใน 1 ชั่วโมง)");
        println!("No admin yet: open this one-time link within an hour to create the first admin:");
        println!("setup link: {base}/setup/{token}");
    }
    Ok(())
}

/// Prints where the site can be reached: loopback first, then each LAN address.
fn print_urls(http: &[SocketAddr], https: &[SocketAddr], config: &Config) {
    println!("Prakat {} — ข้อมูลอยู่ที่ (data): {}", env!("CARGO_PKG_VERSION"), config.data_dir.display());
    for addr in http {
        println!("listening on http://{addr}");
    }
    for addr in https {
        println!("listening on https://{addr}");
    }
    println!("เปิดเว็บไซต์ได้ที่ (open the site at):");
    let (scheme, bound) = if https.is_empty() { ("http", http) } else { ("https", https) };
    let url = |ip: IpAddr, port: u16| match ip {
        IpAddr::V4(v4) => format!("{scheme}://{v4}:{port}/"),
        IpAddr::V6(v6) => format!("{scheme}://[{v6}]:{port}/"),
    };
    for addr in bound {
        let port = addr.port();
        if addr.ip().is_unspecified() {
            // `[::]` is dual stack: IPv4 and IPv6 addresses both reach it.
            println!("  {}", url(IpAddr::from([127, 0, 0, 1]), port));
            for iface in if_addrs::get_if_addrs().unwrap_or_default() {
                let ip = iface.ip();
                let reachable = addr.is_ipv6() || ip.is_ipv4();
                let link_local = matches!(ip, IpAddr::V6(v6) if v6.is_unicast_link_local());
                if !ip.is_loopback() && reachable && !link_local {
                    println!("  {}   ({})", url(ip, port), iface.name);
                }
            }
        } else {
            println!("  {}", url(addr.ip(), port));
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn data_is_accepted_before_and_after_the_command() {
        Cli::command().debug_assert();
        let before = Cli::try_parse_from(["prakat", "--data", "/x", "serve"]).unwrap();
        let after = Cli::try_parse_from(["prakat", "serve", "--data", "/x"]).unwrap();
        assert_eq!(before.data, PathBuf::from("/x"));
        assert_eq!(after.data, PathBuf::from("/x"));
    }
}
