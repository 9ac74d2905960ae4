//! Signed self-update (the design card's "self-updating releases").
//!
//! A release is a zip holding the `prakat` binary, signed with ed25519 by zipsign (the signing
//! context is the archive's file name, as self_update expects), found through a feed: a GitHub
//! repository's releases or a `manifest.json` on any HTTPS host. Only archives signed by a key
//! compiled into this binary are installed.
//!
//! Installing keeps the running binary beside the new one (`prakat.previous`) and leaves a
//! marker (`prakat.update.json`). The first start of the new binary is a trial: it must reach
//! ready within [`READY_WITHIN`]; if it does not (it hangs, or exits), the next start puts the
//! previous binary back and restarts into it. Under systemd a restart is an exit with
//! [`RESTART_EXIT_CODE`] (the unit restarts the service); otherwise the process replaces itself.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::config::{self, Settings};
use crate::store::Store;
use crate::store::audit::{self, Who};
use crate::workflow::audit::AuditAction;

/// Exit code that asks the service manager for a restart on the new binary (`EX_TEMPFAIL`);
/// the systemd unit lists it in `RestartForceExitStatus=`.
pub const RESTART_EXIT_CODE: u8 = 75;

/// How long the first start of a new binary has to reach ready.
pub const READY_WITHIN: Duration = Duration::from_secs(60);

/// The release signing keys (hex, one per line), compiled in.
const RELEASE_KEYS: &str = include_str!("../../assets/release-keys.txt");

/// The public half of the throwaway key the tests sign with (seed `[7; 32]`). Only debug builds
/// trust it; release builds trust [`RELEASE_KEYS`] alone.
#[cfg(debug_assertions)]
const TEST_KEY: &str = "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c";

/// The keys a release must be signed with (at least one; never empty, since an empty set would
/// turn verification off). A build may add one more with the `PRAKAT_EXTRA_RELEASE_KEY`
/// environment variable at compile time (used by `packaging/release.sh` for its own test key).
pub fn trusted_keys() -> Vec<[u8; 32]> {
    let mut hexes: Vec<&str> =
        RELEASE_KEYS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    if let Some(extra) = option_env!("PRAKAT_EXTRA_RELEASE_KEY") {
        hexes.push(extra.trim());
    }
    #[cfg(debug_assertions)]
    hexes.push(TEST_KEY);
    let keys: Vec<[u8; 32]> = hexes
        .iter()
        .map(|h| {
            let mut key = [0u8; 32];
            hex::decode_to_slice(h, &mut key).expect("release keys are 64 hex digits");
            key
        })
        .collect();
    assert!(!keys.is_empty(), "at least one release key is compiled in");
    keys
}

/// Where releases are looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feed {
    /// GitHub releases of `owner/repo`.
    GitHub {
        /// Account or organisation.
        owner: String,
        /// Repository.
        repo: String,
    },
    /// A `manifest.json` on any HTTPS host (self_update's manifest schema 1).
    Manifest(String),
}

impl Feed {
    /// Reads the `update.feed` setting; `None` when update checks are off.
    pub fn parse(setting: &str) -> Result<Option<Feed>, String> {
        let s = setting.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if let Some(path) = s.strip_prefix("https://github.com/") {
            let mut parts = path.trim_end_matches('/').split('/');
            return match (parts.next(), parts.next(), parts.next()) {
                (Some(owner), Some(repo), None) if !owner.is_empty() && !repo.is_empty() => {
                    Ok(Some(Feed::GitHub { owner: owner.into(), repo: repo.into() }))
                }
                _ => Err(format!("update.feed: ที่อยู่ GitHub ต้องเป็นรูป https://github.com/OWNER/REPO (got {s})")),
            };
        }
        if !s.starts_with("https://") {
            return Err(format!("update.feed ต้องขึ้นต้นด้วย https:// (must be an HTTPS address; got {s})"));
        }
        Ok(Some(Feed::Manifest(s.into())))
    }
}

/// A release newer than the running one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Available {
    /// Its version, e.g. `0.2.0`.
    pub version: String,
    /// Its date as the feed gives it.
    pub date: String,
}

/// What the server last learnt about updates, kept in `DATA/update-status.json` for the admin
/// pages and `prakat doctor`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// When the feed was last asked (Unix seconds).
    pub checked_at: Option<i64>,
    /// The newer release found then, if any.
    pub available: Option<Available>,
    /// Why the last check or install failed, if it did.
    pub error: Option<String>,
    /// When an automatic install was last tried (Unix seconds), so a night tries once.
    pub auto_tried_at: Option<i64>,
}

impl Status {
    fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(crate::paths::data::UPDATE_STATUS)
    }

    /// Reads the status; the default when there is none yet.
    pub fn load(data_dir: &Path) -> Status {
        std::fs::read(Self::path(data_dir))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes the status atomically.
    pub fn save(&self, data_dir: &Path) -> anyhow::Result<()> {
        write_atomically(&Self::path(data_dir), &serde_json::to_vec_pretty(self)?)
    }
}

/// The marker beside the binary that carries an update across the restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Marker {
    /// A new binary was put in place and has not yet proven itself.
    Installed {
        /// Version replaced.
        from: String,
        /// Version installed.
        to: String,
        /// sha256 of the installed binary, to recognise it at start.
        sha256: String,
        /// When (Unix seconds).
        at: i64,
        /// When its trial start began, once it did.
        trial_started_at: Option<i64>,
        /// The database schema version the replaced binary used, which a rollback goes back
        /// to. Written at install (markers of releases before 0.1.4 lack it: then by the trial
        /// start, before it migrates).
        #[serde(default)]
        schema_before: Option<usize>,
    },
    /// The new binary reached ready.
    Completed {
        /// Version replaced.
        from: String,
        /// Version now running.
        to: String,
        /// The replaced binary's database schema version (see `Installed`).
        #[serde(default)]
        schema_before: Option<usize>,
        /// When (Unix seconds).
        at: i64,
        /// Whether the audit trail has it yet.
        recorded: bool,
    },
    /// The new binary failed its trial and the previous one was put back.
    RolledBack {
        /// The version that failed (kept as `prakat.failed`).
        failed: String,
        /// The version running again.
        back_to: String,
        /// Why.
        reason: String,
        /// When (Unix seconds).
        at: i64,
        /// Whether the audit trail has it yet.
        recorded: bool,
    },
}

/// What a start does about a pending update; see [`decide_at_start`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtStart {
    /// Nothing pending: start normally.
    Normal,
    /// The first start of a new binary: start, and prove ready within [`READY_WITHIN`].
    BeginTrial,
    /// The trial start before this one never reached ready: put the previous binary back.
    RollBack,
    /// The marker names another binary (replaced by hand): forget it.
    Forget,
}

/// The decision at start, from the marker and the sha256 of the binary that is starting.
pub fn decide_at_start(marker: Option<&Marker>, running_sha256: &str) -> AtStart {
    match marker {
        Some(Marker::Installed { sha256, trial_started_at, .. }) => {
            if sha256 != running_sha256 {
                AtStart::Forget
            } else if trial_started_at.is_some() {
                AtStart::RollBack
            } else {
                AtStart::BeginTrial
            }
        }
        _ => AtStart::Normal,
    }
}

/// The files kept beside the binary.
#[derive(Debug, Clone)]
pub struct Install {
    /// The binary itself.
    pub exe: PathBuf,
}

impl Install {
    /// The running binary's place.
    pub fn current() -> anyhow::Result<Install> {
        let exe = std::env::current_exe().context("no path to the running binary (/proc missing?)")?;
        Ok(Install { exe: exe.canonicalize().unwrap_or(exe) })
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let name = self.exe.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.exe.with_file_name(format!("{name}.{suffix}"))
    }

    /// The binary that ran before the last update.
    pub fn previous(&self) -> PathBuf {
        self.sibling("previous")
    }

    /// A binary that failed its trial start, kept for diagnosis.
    pub fn failed(&self) -> PathBuf {
        self.sibling("failed")
    }

    fn marker_path(&self) -> PathBuf {
        self.sibling("update.json")
    }

    /// The marker, if any.
    pub fn marker(&self) -> Option<Marker> {
        std::fs::read(self.marker_path()).ok().and_then(|b| serde_json::from_slice(&b).ok())
    }

    fn set_marker(&self, marker: Option<&Marker>) -> anyhow::Result<()> {
        match marker {
            Some(m) => write_atomically(&self.marker_path(), &serde_json::to_vec_pretty(m)?),
            None => match std::fs::remove_file(self.marker_path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            },
        }
    }

    /// Puts the previous binary back (keeping the current one as `.failed`) and records why.
    /// First the database in `data_dir` goes back to the schema the previous binary used, if
    /// this one has moved it on; when that cannot be done, nothing changes and the error says
    /// to restore the backup made before the update instead.
    pub fn roll_back(&self, reason: &str, data_dir: &Path) -> anyhow::Result<String> {
        let previous = self.previous();
        if !previous.exists() {
            bail!("ไม่มีโปรแกรมรุ่นก่อนหน้าให้ย้อนกลับ (no previous binary at {})", previous.display());
        }
        let (failed_version, schema_before) = match self.marker() {
            Some(
                Marker::Installed { to, schema_before, .. } | Marker::Completed { to, schema_before, .. },
            ) => (to, schema_before),
            _ => (env!("CARGO_PKG_VERSION").to_string(), None),
        };
        let back_to = version_of(&previous).unwrap_or_else(|_| "?".into());
        if let (Some(before), Some(now)) = (schema_before, crate::store::schema_version(data_dir)?)
            && now > before
        {
            crate::store::downgrade_schema(data_dir, before).map_err(|e| {
                anyhow::anyhow!(
                    "ย้อนกลับเป็นรุ่น {back_to} ไม่ได้ เพราะฐานข้อมูลถูกปรับเป็นแบบใหม่ (schema {now}) ที่ย้อนเป็นแบบเดิม \
                     (schema {before}) ไม่ได้ ให้กู้คืนไฟล์สำรองที่ทำไว้ก่อนอัปเดตแทน \
                     (cannot go back to {back_to}: the database cannot return from schema {now} to {before}; \
                     restore the backup made before the update): {e}"
                )
            })?;
        }
        copy_atomically(&self.exe, &self.failed())?;
        // One rename: the binary's path names a whole program at every moment.
        std::fs::rename(&previous, &self.exe)
            .with_context(|| format!("ย้อนกลับไม่สำเร็จ (cannot put {} back)", previous.display()))?;
        self.set_marker(Some(&Marker::RolledBack {
            failed: failed_version,
            back_to: back_to.clone(),
            reason: reason.into(),
            at: jiff::Timestamp::now().as_second(),
            recorded: false,
        }))?;
        Ok(back_to)
    }
}

/// Set once the server is ready (store open, ports bound).
static READY: AtomicBool = AtomicBool::new(false);
/// Set when the server should restart (on a new or rolled-back binary) after stopping.
static RESTART: AtomicBool = AtomicBool::new(false);

/// What [`on_start`] decided.
#[derive(Debug, PartialEq, Eq)]
pub enum Start {
    /// Go on starting.
    Continue,
    /// The previous binary is back in place: restart into it now.
    Restart,
}

/// First thing `serve` does: begins a new binary's trial (with a watchdog that ends the process
/// if it is not ready in time), or rolls back after a failed one.
pub fn on_start(data_dir: &Path) -> anyhow::Result<Start> {
    let Ok(install) = Install::current() else { return Ok(Start::Continue) };
    let marker = install.marker();
    if !matches!(marker, Some(Marker::Installed { .. })) {
        return Ok(Start::Continue);
    }
    let running = sha256_of(&install.exe)?;
    match decide_at_start(marker.as_ref(), &running) {
        AtStart::Normal => Ok(Start::Continue),
        AtStart::Forget => {
            install.set_marker(None)?;
            Ok(Start::Continue)
        }
        AtStart::BeginTrial => {
            if let Some(Marker::Installed { from, to, sha256, at, schema_before, .. }) = marker {
                let trial_started_at = Some(jiff::Timestamp::now().as_second());
                // Before this binary migrates anything: the schema its predecessor left.
                let schema_before = match schema_before {
                    Some(v) => Some(v),
                    None => crate::store::schema_version(data_dir)?,
                };
                install.set_marker(Some(&Marker::Installed {
                    from,
                    to,
                    sha256,
                    at,
                    trial_started_at,
                    schema_before,
                }))?;
            }
            std::thread::Builder::new().name("update-watchdog".into()).spawn(|| {
                std::thread::sleep(READY_WITHIN);
                if !READY.load(Ordering::SeqCst) {
                    eprintln!("prakat: โปรแกรมรุ่นใหม่ไม่พร้อมภายใน 60 วินาที จะย้อนกลับเมื่อเริ่มครั้งถัดไป (new version not ready in 60 s; the next start rolls back)");
                    std::process::exit(1);
                }
            })?;
            Ok(Start::Continue)
        }
        AtStart::RollBack => {
            let back_to =
                install.roll_back("ไม่พร้อมใช้งานภายใน 60 วินาทีหลังเริ่มระบบ (did not reach ready)", data_dir)?;
            eprintln!("prakat: โปรแกรมรุ่นใหม่เริ่มไม่สำเร็จ ย้อนกลับเป็นรุ่น {back_to} แล้ว (rolled back to {back_to})");
            Ok(Start::Restart)
        }
    }
}

/// Called when the server is ready: a trial start becomes a completed update, and what happened
/// since the last start is written to the audit trail.
pub fn on_ready(store: &Store) -> anyhow::Result<()> {
    READY.store(true, Ordering::SeqCst);
    let Ok(install) = Install::current() else { return Ok(()) };
    let now = jiff::Timestamp::now().as_second();
    let who = Who { user_id: None, address: "update".into() };
    let next = match install.marker() {
        Some(Marker::Installed { from, to, trial_started_at: Some(_), schema_before, .. }) => {
            Some(Marker::Completed { from, to, schema_before, at: now, recorded: false })
        }
        other => other,
    };
    let recorded = match next {
        Some(Marker::Completed { from, to, schema_before, at, recorded: false }) => {
            store.run_sync(|c| {
                audit::append(c, &who, AuditAction::UpdateCompleted, "binary", &format!("{from} → {to}"))
            })?;
            Some(Marker::Completed { from, to, schema_before, at, recorded: true })
        }
        Some(Marker::RolledBack { failed, back_to, reason, at, recorded: false }) => {
            let detail = format!("{failed} → {back_to}: {reason}");
            store.run_sync(|c| audit::append(c, &who, AuditAction::UpdateRolledBack, "binary", &detail))?;
            Some(Marker::RolledBack { failed, back_to, reason, at, recorded: true })
        }
        _ => None,
    };
    if let Some(m) = recorded {
        install.set_marker(Some(&m))?;
    }
    Ok(())
}

/// Asks for a restart once the server has stopped (see [`restart_requested`]).
pub fn request_restart() {
    RESTART.store(true, Ordering::SeqCst);
}

/// Whether a restart was asked for.
pub fn restart_requested() -> bool {
    RESTART.load(Ordering::SeqCst)
}

/// Restarts on the binary now at the running binary's path: under systemd by exiting with
/// [`RESTART_EXIT_CODE`], otherwise by replacing this process with it (same arguments).
pub fn restart() -> anyhow::Result<std::convert::Infallible> {
    if std::env::var_os("INVOCATION_ID").is_some() {
        println!("เริ่มระบบใหม่ด้วยโปรแกรมรุ่นใหม่ (restarting through systemd)");
        std::process::exit(i32::from(RESTART_EXIT_CODE));
    }
    println!("เริ่มระบบใหม่ (restarting)");
    Ok(self_update::restart::restart()?)
}

/// Runs once a downloaded archive's signature has been verified, before anything is installed.
type BeforeInstall = Box<dyn Fn() -> anyhow::Result<()> + Send + Sync>;

/// Builds the updater for `settings`, replacing the binary at `exe`; `before_install` runs
/// after the archive is verified and before it is extracted.
fn updater(
    settings: &config::Update,
    exe: &Path,
    version: Option<&str>,
    progress: bool,
    before_install: Option<BeforeInstall>,
) -> anyhow::Result<Box<dyn self_update::update::ReleaseUpdate>> {
    let feed = Feed::parse(&settings.feed)
        .map_err(anyhow::Error::msg)?
        .context("ไม่ได้ตั้งแหล่งอัปเดต (update.feed is empty: update checks are off)")?;
    let ca = match settings.ca_file.trim() {
        "" => None,
        path => Some(self_update::Certificate::from_pem(
            std::fs::read(path).with_context(|| format!("update.ca_file: อ่าน {path} ไม่ได้"))?,
        )),
    };
    let keys = trusted_keys();
    macro_rules! configure {
        ($builder:expr) => {{
            let b = $builder;
            b.bin_name("prakat")
                .current_version(env!("CARGO_PKG_VERSION"))
                .bin_install_path(exe)
                .verifying_keys(keys)
                .verify_binary(preflight)
                .show_output(progress)
                .show_download_progress(progress)
                .no_confirm(true)
                .timeout(Duration::from_secs(300));
            if let Some(ca) = ca {
                b.add_root_certificate(ca);
            }
            if let Some(v) = version {
                b.release_tag(v);
            }
            if let Some(hook) = before_install {
                b.verify_archive(move |_archive| {
                    hook().map_err(|e| {
                        self_update::errors::Error::archive_verification_rejected(format!("{e:#}"))
                    })
                });
            }
            b
        }};
    }
    Ok(match feed {
        Feed::GitHub { owner, repo } => {
            let mut b = self_update::backends::github::Update::configure();
            b.repo_owner(owner).repo_name(repo);
            Box::new(configure!(&mut b).build()?)
        }
        Feed::Manifest(url) => {
            let mut b = self_update::backends::manifest::Update::configure();
            b.manifest_url(url);
            Box::new(configure!(&mut b).build()?)
        }
    })
}

/// Runs before the new binary replaces the old one: it must run and say it is Prakat. Then the
/// running binary is kept as `.previous`.
fn preflight(new_exe: &Path) -> self_update::errors::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let reject = |why: String| self_update::errors::Error::verification_rejected(why);
    std::fs::set_permissions(new_exe, std::fs::Permissions::from_mode(0o755))?;
    let version = version_of(new_exe).map_err(|e| reject(format!("{e:#}")))?;
    tracing::info!(%version, "new binary passed its preflight");
    let install = Install::current().map_err(|e| reject(format!("{e:#}")))?;
    copy_atomically(&install.exe, &install.previous()).map_err(|e| reject(format!("{e:#}")))?;
    Ok(())
}

/// What `prakat --version` of the binary at `exe` says its version is.
pub fn version_of(exe: &Path) -> anyhow::Result<String> {
    let mut child = std::process::Command::new(exe)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("เรียกใช้ {} ไม่ได้ (cannot run the new binary)", exe.display()))?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            bail!("{}: ไม่ตอบภายใน 10 วินาที (did not answer --version)", exe.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().context("stdout")?, &mut out)?;
    match out.trim().strip_prefix("prakat ") {
        Some(v) if status.success() => Ok(v.to_string()),
        _ => bail!("{}: ไม่ใช่โปรแกรม Prakat ที่ใช้งานได้ (not a working prakat binary: {status})", exe.display()),
    }
}

/// The newer release the feed offers, if any (blocking; network).
pub fn check(settings: &config::Update) -> anyhow::Result<Option<Available>> {
    let install = Install::current()?;
    let updater = updater(settings, &install.exe, None, false, None)?;
    let newer = updater.get_newer_releases().context("อ่านรายการรุ่นจากแหล่งอัปเดตไม่ได้ (cannot read the feed)")?;
    Ok(newer
        .into_vec()
        .into_iter()
        .next()
        .map(|r| Available { version: r.version().to_string(), date: r.date().to_string() }))
}

/// Checks the feed and records the result in the status file.
pub fn check_and_record(settings: &config::Update, data_dir: &Path) -> anyhow::Result<Option<Available>> {
    let result = check(settings);
    let mut status = Status::load(data_dir);
    status.checked_at = Some(jiff::Timestamp::now().as_second());
    match &result {
        Ok(available) => {
            status.available = available.clone();
            status.error = None;
        }
        Err(e) => status.error = Some(format!("{e:#}")),
    }
    status.save(data_dir)?;
    result
}

/// Installs the newest signed release: takes a backup first, replaces the binary (keeping the
/// previous one), leaves the trial marker, and records it all in the audit trail. Returns the
/// version installed, or `None` when already up to date. The running server keeps running the
/// old binary until it restarts.
pub fn install(
    settings: &Settings,
    data_dir: &Path,
    store: &Store,
    who: &Who,
    progress: bool,
) -> anyhow::Result<Option<String>> {
    let install = Install::current()?;
    let result = (|| {
        let Some(available) = check(&settings.update)? else { return Ok(None) };
        // The backup is made once the archive has proven genuine, right before installing.
        let (store, data, backups, who) =
            (store.clone(), data_dir.to_path_buf(), settings.backups.clone(), who.clone());
        let backup: BeforeInstall = Box::new(move || {
            let zip = super::backup::run_once(&store, &data, &backups, &who)
                .context("สำรองข้อมูลก่อนอัปเดตไม่สำเร็จ จึงไม่อัปเดต (the backup before updating failed)")?;
            if progress {
                println!("สำรองข้อมูลแล้ว (backup made): {}", zip.display());
            }
            Ok(())
        });
        let updater =
            updater(&settings.update, &install.exe, Some(&available.version), progress, Some(backup))?;
        updater.update().map_err(describe)?;
        install.set_marker(Some(&Marker::Installed {
            from: env!("CARGO_PKG_VERSION").into(),
            to: available.version.clone(),
            sha256: sha256_of(&install.exe)?,
            at: jiff::Timestamp::now().as_second(),
            trial_started_at: None,
            schema_before: Some(crate::store::SCHEMA_LATEST),
        }))?;
        Ok(Some(available.version))
    })();
    let mut status = Status::load(data_dir);
    match &result {
        Ok(Some(version)) => {
            let detail = format!("{} → {version}", env!("CARGO_PKG_VERSION"));
            store.run_sync(|c| audit::append(c, who, AuditAction::UpdateInstalled, "binary", &detail))?;
            status.available = None;
            status.error = None;
        }
        Ok(None) => status.available = None,
        Err(e) => {
            let message = format!("{e:#}");
            store.run_sync(|c| audit::append(c, who, AuditAction::UpdateFailed, "binary", &message))?;
            status.error = Some(message);
        }
    }
    status.save(data_dir)?;
    result
}

/// Turns self_update's errors into a sentence an office's IT person can act on.
fn describe(e: self_update::errors::Error) -> anyhow::Error {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("signature") || lower.contains("verifyzip") || lower.contains("nomatch") {
        anyhow::anyhow!(
            "ไฟล์รุ่นใหม่ไม่มีลายมือชื่อดิจิทัลที่เชื่อถือได้ จึงไม่ติดตั้ง (the release archive is unsigned or signed by an unknown key; refused): {text}"
        )
    } else {
        anyhow::anyhow!("อัปเดตไม่สำเร็จ (update failed): {text}")
    }
}

/// Whether the daily feed check is due: never checked, or last checked a day ago.
pub fn check_due(status: &Status, now: i64) -> bool {
    status.checked_at.is_none_or(|at| now - at >= 24 * 3600)
}

/// Whether an automatic install is due now: `mode = "install"`, a release is waiting, the
/// night-time window (two hours from `install_at`) is open, and tonight has not tried yet.
pub fn auto_install_due(settings: &config::Update, status: &Status, now: jiff::ZonedDateTime) -> bool {
    if settings.mode != config::UpdateMode::Install || status.available.is_none() {
        return false;
    }
    let Some(at) = settings.install_time() else { return false };
    let Ok(start) = now.date().to_datetime(at).to_zoned_datetime(crate::thai::bangkok()) else {
        return false;
    };
    let window = now.timestamp() >= start.timestamp()
        && now.timestamp().as_second() < start.timestamp().as_second() + 2 * 3600;
    window && status.auto_tried_at.is_none_or(|t| t < start.timestamp().as_second())
}

/// sha256 of a file, hex.
pub fn sha256_of(path: &Path) -> anyhow::Result<String> {
    let mut hasher = Sha256::new();
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = std::io::Read::read(&mut file, &mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("a file in a folder")?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Copies `from` to `to` (keeping its permissions) through a temporary file and a rename.
fn copy_atomically(from: &Path, to: &Path) -> anyhow::Result<()> {
    let dir = to.parent().context("a file in a folder")?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("เขียนในโฟลเดอร์ {} ไม่ได้ (folder not writable)", dir.display()))?;
    std::io::copy(&mut std::fs::File::open(from)?, tmp.as_file_mut())?;
    tmp.as_file().set_permissions(std::fs::metadata(from)?.permissions())?;
    tmp.as_file().sync_all()?;
    tmp.persist(to).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_keys_are_valid_points_and_never_empty() {
        let keys = trusted_keys();
        assert!(!keys.is_empty());
        for key in &keys {
            zipsign_api::VerifyingKey::from_bytes(key).expect("a valid ed25519 public key");
        }
        let test = zipsign_api::SigningKey::from_bytes(&[7; 32]);
        assert_eq!(hex::encode(test.verifying_key().to_bytes()), TEST_KEY);
    }

    #[test]
    fn feeds_are_read_or_refused_with_a_reason() {
        assert_eq!(Feed::parse(" ").unwrap(), None);
        assert_eq!(
            Feed::parse("https://github.com/prakat-th/prakat/").unwrap(),
            Some(Feed::GitHub { owner: "prakat-th".into(), repo: "prakat".into() })
        );
        assert_eq!(
            Feed::parse("https://mirror.example.go.th/prakat/manifest.json").unwrap(),
            Some(Feed::Manifest("https://mirror.example.go.th/prakat/manifest.json".into()))
        );
        assert!(Feed::parse("http://mirror.example.go.th/manifest.json").unwrap_err().contains("https://"));
        assert!(Feed::parse("https://github.com/prakat-th").unwrap_err().contains("OWNER/REPO"));
    }

    #[test]
    fn a_start_begins_a_trial_once_and_rolls_back_after_a_failed_one() {
        let installed = |trial| Marker::Installed {
            from: "0.1.0".into(),
            to: "0.2.0".into(),
            sha256: "new".into(),
            at: 1,
            trial_started_at: trial,
            schema_before: Some(8),
        };
        assert_eq!(decide_at_start(None, "new"), AtStart::Normal);
        assert_eq!(decide_at_start(Some(&installed(None)), "new"), AtStart::BeginTrial);
        assert_eq!(decide_at_start(Some(&installed(Some(2))), "new"), AtStart::RollBack);
        assert_eq!(decide_at_start(Some(&installed(None)), "other"), AtStart::Forget);
        let done = Marker::Completed {
            from: "0.1.0".into(),
            to: "0.2.0".into(),
            schema_before: None,
            at: 3,
            recorded: true,
        };
        assert_eq!(decide_at_start(Some(&done), "new"), AtStart::Normal);
        // A marker written by a release before 0.1.4 has no schema version.
        let old: Marker = serde_json::from_str(
            r#"{"state":"installed","from":"0.1.1","to":"0.1.2","sha256":"x","at":1,"trial_started_at":null}"#,
        )
        .unwrap();
        assert!(matches!(old, Marker::Installed { schema_before: None, .. }));
    }

    /// An installation in a temporary folder: the binary (a copy of `sh` standing in), the
    /// previous one (a script answering `--version` as release 0.1.2 would), a marker, and a
    /// data directory whose database is at the newest schema.
    fn installed_over(schema_before: usize) -> (tempfile::TempDir, Install, std::path::PathBuf) {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let install = Install { exe: dir.path().join("prakat") };
        std::fs::write(&install.exe, b"the new program").unwrap();
        std::fs::write(install.previous(), "#!/bin/sh\necho prakat 0.1.2\n").unwrap();
        std::fs::set_permissions(install.previous(), std::fs::Permissions::from_mode(0o755)).unwrap();
        install
            .set_marker(Some(&Marker::Completed {
                from: "0.1.2".into(),
                to: "0.1.4".into(),
                schema_before: Some(schema_before),
                at: 1,
                recorded: true,
            }))
            .unwrap();
        let data = dir.path().join("data");
        drop(Store::open(&data).unwrap());
        (dir, install, data)
    }

    #[test]
    fn a_rollback_takes_the_schema_back_first_or_changes_nothing() {
        let (_dir, install, data) = installed_over(8);
        assert_eq!(crate::store::schema_version(&data).unwrap(), Some(crate::store::SCHEMA_LATEST));
        assert_eq!(install.roll_back("test", &data).unwrap(), "0.1.2");
        assert_eq!(crate::store::schema_version(&data).unwrap(), Some(8));
        assert_eq!(std::fs::read(install.failed()).unwrap(), b"the new program");
        assert!(std::fs::read_to_string(&install.exe).unwrap().contains("prakat 0.1.2"));
        assert!(matches!(install.marker(), Some(Marker::RolledBack { back_to, .. }) if back_to == "0.1.2"));

        // Schema 7 would need migration 8 undone, which cannot be: refused, nothing changed.
        let (_dir, install, data) = installed_over(7);
        let e = install.roll_back("test", &data).unwrap_err().to_string();
        assert!(e.contains("กู้คืนไฟล์สำรอง") && e.contains("restore the backup"), "{e}");
        assert_eq!(crate::store::schema_version(&data).unwrap(), Some(crate::store::SCHEMA_LATEST));
        assert_eq!(std::fs::read(&install.exe).unwrap(), b"the new program");
        assert!(install.previous().exists() && !install.failed().exists());
        assert!(matches!(install.marker(), Some(Marker::Completed { .. })));
    }

    #[test]
    fn checks_are_daily_and_automatic_installs_nightly_and_once() {
        assert!(check_due(&Status::default(), 100));
        let checked = Status { checked_at: Some(100), ..Status::default() };
        assert!(!check_due(&checked, 100 + 3600));
        assert!(check_due(&checked, 100 + 24 * 3600));

        let settings = config::Update { mode: config::UpdateMode::Install, ..config::Update::default() };
        let waiting = Status {
            available: Some(Available { version: "0.2.0".into(), date: String::new() }),
            ..Status::default()
        };
        let at = |s: &str| {
            s.parse::<jiff::civil::DateTime>().unwrap().to_zoned_datetime(crate::thai::bangkok()).unwrap()
        };
        assert!(auto_install_due(&settings, &waiting, at("2026-11-26T03:10")));
        assert!(!auto_install_due(&settings, &waiting, at("2026-11-26T14:00")), "daytime");
        assert!(!auto_install_due(&settings, &Status::default(), at("2026-11-26T03:10")), "nothing new");
        let tried =
            Status { auto_tried_at: Some(at("2026-11-26T03:05").timestamp().as_second()), ..waiting.clone() };
        assert!(!auto_install_due(&settings, &tried, at("2026-11-26T03:10")), "once a night");
        let notify = config::Update::default();
        assert!(!auto_install_due(&notify, &waiting, at("2026-11-26T03:10")), "notify only by default");
    }
}
