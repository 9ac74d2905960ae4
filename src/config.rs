//! Settings: embedded defaults, overridden by `prakat.toml` in the data directory, overridden by
//! command-line flags and environment variables (those are parsed in [`crate::cli`]).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::thai::Digits;
use crate::workflow::state::{Role, Roles};

/// Name of the settings file inside the data directory.
pub const SETTINGS_FILE: &str = crate::paths::data::SETTINGS;

/// Everything the running appliance needs to know, in one place.
#[derive(Debug, Clone)]
pub struct Config {
    /// The data directory: database, files, certificates, logs, backups. Nothing is written
    /// anywhere else.
    pub data_dir: PathBuf,
    /// Settings from the settings file (or defaults).
    pub settings: Settings,
}

/// The settings the running server uses now. `/admin/settings` replaces them whole after the
/// file was written, so pages, the access check, caching, e-mail and backups follow at once;
/// what is read only at start (listen addresses, TLS, the data directory, upload limits) keeps
/// its start value until a restart. Readers take a cheap snapshot ([`Live::get`]) and never
/// hold the lock.
#[derive(Debug, Clone)]
pub struct Live(std::sync::Arc<std::sync::RwLock<std::sync::Arc<Settings>>>);

impl Live {
    /// Starts with `settings`.
    pub fn new(settings: Settings) -> Live {
        Live(std::sync::Arc::new(std::sync::RwLock::new(std::sync::Arc::new(settings))))
    }

    /// The settings in force now.
    pub fn get(&self) -> std::sync::Arc<Settings> {
        // A panic while holding the lock cannot leave a half-written value (the swap is one
        // assignment), so a poisoned lock still holds good settings.
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Puts `settings` in force.
    pub fn set(&self, settings: Settings) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = std::sync::Arc::new(settings);
    }
}

/// The settings an office may change, as stored in `prakat.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The office the site belongs to.
    pub office: Office,
    /// How things are shown.
    pub display: Display,
    /// Limits on attached files.
    pub uploads: Uploads,
    /// Outgoing e-mail for notifications; off while `host` is empty.
    pub smtp: Smtp,
    /// Who may reach the staff and admin pages, and which proxies to believe.
    pub access: Access,
    /// Login security.
    pub security: Security,
    /// HTTPS certificates (used when `serve --https` is given).
    pub tls: Tls,
    /// Traffic-log retention.
    pub logs: Logs,
    /// Scheduled backups.
    pub backups: Backups,
    /// Where new releases come from and whether they install themselves.
    pub update: Update,
    /// What the health page checks against.
    pub health: Health,
    /// Public e-Services (complaints, Q&A, information requests).
    pub eservices: Eservices,
    /// Which public features are switched on (their checklist items count only while they are).
    pub features: crate::compliance::builtin::Features,
    /// How long browsers and shared caches (a proxy, a CDN) may keep public pages.
    pub cache: Cache,
}

/// HTTP caching of public pages (see `web::cache_policy`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Cache {
    /// `max-age` (and `stale-while-revalidate`) of public pages and attachments, in seconds:
    /// a withdrawn item may still be shown by a cache in front of Prakat for about this long.
    pub public_max_age_secs: u32,
}

impl Default for Cache {
    fn default() -> Self {
        Cache { public_max_age_secs: 60 }
    }
}

/// Self-update: the release feed and what to do when a new release appears.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Update {
    /// The release feed: a GitHub repository (`https://github.com/OWNER/REPO`) or the address
    /// of a `manifest.json` on any HTTPS host (e.g. a provincial mirror); empty turns checks off.
    pub feed: String,
    /// A CA certificate (PEM file) trusted for the feed instead of the public ones, for a
    /// mirror with a private certificate; empty for the public ones.
    pub ca_file: String,
    /// `notify` (default): show "update available" to admins; `install`: also install signed
    /// updates at night (`install_at`); `off`: never ask the feed.
    pub mode: UpdateMode,
    /// Bangkok time, `HH:MM`, from when a night-time install may run (for two hours).
    pub install_at: String,
}

/// What the server does about new releases.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum UpdateMode {
    /// Check daily and tell the admins.
    #[default]
    Notify,
    /// Check daily and install at night.
    Install,
    /// Never check.
    Off,
}

impl Default for Update {
    fn default() -> Self {
        Update {
            feed: "https://github.com/prakat-th/prakat".into(),
            ca_file: String::new(),
            mode: UpdateMode::Notify,
            install_at: "03:00".into(),
        }
    }
}

impl Update {
    /// The night-time install time.
    pub fn install_time(&self) -> Option<jiff::civil::Time> {
        jiff::civil::Time::strptime("%H:%M", self.install_at.trim()).ok()
    }
}

/// References for the health page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Health {
    /// NTP server (`host` or `host:port`) the clock is compared with; empty skips the check.
    /// The default is the Royal Thai Navy's time service, Thailand's standard time.
    pub ntp_server: String,
}

impl Default for Health {
    fn default() -> Self {
        Health { ntp_server: "time.navy.mi.th".into() }
    }
}

/// e-Services settings (issue #7).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Eservices {
    /// Days after a case is closed before the sender's name and contact are erased (PDPA
    /// s.23/s.33); the case itself stays for statistics.
    pub retention_days: u32,
}

impl Default for Eservices {
    fn default() -> Self {
        Eservices { retention_days: 365 }
    }
}

/// When backups are made and how many are kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Backups {
    /// Daily time, Bangkok, `HH:MM`; empty turns scheduled backups off.
    pub daily_at: String,
    /// Backups kept in the data directory's `backups` folder.
    pub keep: usize,
    /// A second folder (e.g. a USB disk) that gets a copy of each backup; empty for none.
    pub second_dir: String,
    /// Backups kept in the second folder.
    pub second_keep: usize,
}

impl Default for Backups {
    fn default() -> Self {
        Backups { daily_at: "02:00".into(), keep: 14, second_dir: String::new(), second_keep: 14 }
    }
}

impl Backups {
    /// The daily time, if scheduled backups are on.
    pub fn time(&self) -> Option<jiff::civil::Time> {
        if self.daily_at.trim().is_empty() {
            return None;
        }
        jiff::civil::Time::strptime("%H:%M", self.daily_at.trim()).ok()
    }
}

/// How long traffic logs are kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Logs {
    /// Days kept; the law asks for at least 90 (Computer-related Crime Act s.26).
    pub retention_days: u32,
    /// A folder (e.g. a USB disk or a network share) that gets a copy of each sealed day;
    /// empty for none. Logs are not in the backup zips, which they would bloat.
    pub copy_dir: String,
}

impl Default for Logs {
    fn default() -> Self {
        Logs { retention_days: 90, copy_dir: String::new() }
    }
}

/// Where the HTTPS certificate comes from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// Made here and re-made before it expires; browsers warn until it is trusted on each PC.
    #[default]
    SelfSigned,
    /// Certificate and key files provided by the province's IT.
    Manual,
    /// Obtained and renewed from Let's Encrypt (or another ACME server) for `domain`.
    Acme,
}

/// HTTPS settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Tls {
    /// Certificate source.
    pub mode: TlsMode,
    /// Manual mode: the certificate chain (PEM).
    pub cert_file: String,
    /// Manual mode: the private key (PEM).
    pub key_file: String,
    /// ACME mode: the public name, e.g. `www.example.go.th`.
    pub domain: String,
    /// ACME mode: contact e-mail for the certificate authority.
    pub acme_email: String,
    /// ACME mode: directory URL; empty means Let's Encrypt.
    pub acme_directory: String,
    /// ACME mode: a CA certificate (PEM) to trust for the ACME server itself, for a private
    /// ACME server; empty uses the system's roots.
    pub acme_ca_file: String,
}

/// Login security settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Security {
    /// Roles that must use a second factor (TOTP) to log in; others may choose to. An unknown
    /// name is refused at load, so a typo cannot turn mandatory two-step login off.
    pub totp_required_roles: Vec<Role>,
}

impl Default for Security {
    fn default() -> Self {
        Security { totp_required_roles: vec![Role::Admin, Role::WebMaster] }
    }
}

impl Security {
    /// The roles that must use two-step login, as a set.
    pub fn required_roles(&self) -> Roles {
        self.totp_required_roles.iter().copied().collect()
    }
}

/// Network rules. The staff workflow and administration are for the office LAN; the public
/// site is for everyone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Access {
    /// Networks allowed to reach `/login`, `/staff/…` and `/admin/…`.
    pub staff_networks: Vec<ipnet::IpNet>,
    /// Reverse proxies whose `X-Forwarded-For` header is believed; empty means the header is
    /// never trusted.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for Access {
    fn default() -> Self {
        let nets = [
            "127.0.0.0/8",
            "::1/128",
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "169.254.0.0/16",
            "fc00::/7",
            "fe80::/10",
        ];
        Access {
            staff_networks: nets.iter().map(|n| n.parse().expect("valid network")).collect(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// The mail server notifications are sent through.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    /// Server name; empty turns e-mail off.
    pub host: String,
    /// Port: 587 for STARTTLS, 465 for TLS, 25 for a plain relay.
    pub port: u16,
    /// `starttls`, `tls`, or `none` (only for a relay on the office LAN or this machine).
    pub security: SmtpSecurity,
    /// Login name, if the server needs one.
    pub username: String,
    /// Password, if the server needs one. Never logged.
    pub password: String,
    /// Sender, e.g. `เว็บไซต์ สสอ. <web@example.go.th>`.
    pub from: String,
    /// The site's address as people outside reach it, for links in mails
    /// (e.g. `https://www.example.go.th`); empty sends paths only.
    pub site_url: String,
}

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required).
    Starttls,
    /// TLS from the first byte.
    Tls,
    /// No encryption.
    None,
}

impl Default for Smtp {
    fn default() -> Self {
        Smtp {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: String::new(),
            password: String::new(),
            from: String::new(),
            site_url: String::new(),
        }
    }
}

/// Limits on files attached to publication requests (seed 2.7).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Uploads {
    /// Largest file accepted, in bytes (the seed says 4 MB).
    pub max_file_bytes: u64,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads { max_file_bytes: crate::workflow::files::DEFAULT_MAX_BYTES }
    }
}

/// The office's identity and contact details, shown in the header and footer of every page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Office {
    /// Thai name, e.g. สำนักงานสาธารณสุขอำเภอเมืองเลย.
    pub name_th: String,
    /// English name.
    pub name_en: String,
    /// Postal address.
    pub address: String,
    /// Telephone number(s).
    pub phone: String,
    /// Fax number.
    pub fax: String,
    /// Contact e-mail.
    pub email: String,
    /// A map of the office (e.g. a Google Maps or OpenStreetMap link); empty for none.
    pub map_url: String,
    /// The office's pages elsewhere (Facebook, LINE, YouTube …), shown in the footer.
    pub links: Vec<OfficeLink>,
    /// The uploaded logo's file name in the data directory's `office` folder
    /// (`logo-<hash>.png|jpg|svg`, set by `/admin/settings`); empty for the built-in emblem.
    pub logo: String,
    /// The uploaded map image's file name in the `office` folder (`map-<hash>-<w>x<h>.png|jpg`,
    /// set by `/admin/settings`), shown beside the map link; empty for none.
    pub map_image: String,
    /// The colour theme, one of a few presets whose contrast is checked.
    pub theme: Theme,
}

/// The site's colour presets (each keeps text at a contrast of at least 4.5:1; see
/// `views::theme`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Public-health green (the default).
    #[default]
    Green,
    /// Government blue.
    Blue,
    /// Deep red.
    Maroon,
    /// Royal purple.
    Purple,
}

impl Theme {
    /// Every preset, in the order offered.
    pub const ALL: [Theme; 4] = [Theme::Green, Theme::Blue, Theme::Maroon, Theme::Purple];

    /// The name stored in prakat.toml and used in the form.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Green => "green",
            Theme::Blue => "blue",
            Theme::Maroon => "maroon",
            Theme::Purple => "purple",
        }
    }

    /// The preset named `name`.
    pub fn parse(name: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Its name for people.
    pub fn label_th(self) -> &'static str {
        match self {
            Theme::Green => "เขียวสาธารณสุข (ค่าเริ่มต้น)",
            Theme::Blue => "น้ำเงินราชการ",
            Theme::Maroon => "แดงเลือดหมู",
            Theme::Purple => "ม่วง",
        }
    }
}

/// A link to one of the office's pages elsewhere.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OfficeLink {
    /// What it is, e.g. `Facebook`.
    pub name: String,
    /// Its address (`https://…`).
    pub url: String,
}

impl Default for Office {
    fn default() -> Self {
        Office {
            name_th: "สำนักงานสาธารณสุขอำเภอ".into(),
            name_en: "District Public Health Office".into(),
            address: "กรุณาตั้งค่าที่อยู่ในไฟล์ prakat.toml".into(),
            phone: String::new(),
            fax: String::new(),
            email: String::new(),
            map_url: String::new(),
            links: Vec::new(),
            logo: String::new(),
            map_image: String::new(),
            theme: Theme::Green,
        }
    }
}

/// Display preferences.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Display {
    /// Arabic (0–9) or Thai (๐–๙) digits in dates and numbers.
    pub digits: Digits,
    /// Items per page in listings.
    pub per_page: u32,
}

impl Default for Display {
    fn default() -> Self {
        Display { digits: Digits::Arabic, per_page: 20 }
    }
}

impl Settings {
    /// Reads the settings file in `data_dir`, or the defaults when there is none.
    pub fn load(data_dir: &Path) -> anyhow::Result<Settings> {
        let path = data_dir.join(SETTINGS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let s = Settings::parse(&text)
                    .with_context(|| format!("ไฟล์ตั้งค่า {} ไม่ถูกต้อง (invalid settings file)", path.display()))?;
                s.validate().with_context(|| format!("ไฟล์ตั้งค่า {}", path.display()))?;
                Ok(s)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Parses the text of a settings file. An error names the key (`security.totp_required_roles[0]`)
    /// and the value it refused.
    pub fn parse(text: &str) -> anyhow::Result<Settings> {
        let de = toml::de::Deserializer::parse(text)?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let inner = inner.message().trim().to_owned();
            if path.is_empty() || path == "." {
                anyhow::anyhow!("{inner}")
            } else {
                anyhow::anyhow!("{path}: {inner}")
            }
        })
    }

    /// Writes the settings file atomically.
    pub fn save(&self, data_dir: &Path) -> anyhow::Result<()> {
        self.validate()?;
        let text = toml::to_string_pretty(self)?;
        let mut tmp = tempfile::NamedTempFile::new_in(data_dir)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(data_dir.join(SETTINGS_FILE)).map_err(|e| e.error)?;
        Ok(())
    }

    fn validate(&self) -> anyhow::Result<()> {
        if !self.smtp.host.is_empty() {
            self.smtp.from.parse::<lettre::message::Mailbox>().map_err(|e| {
                anyhow::anyhow!("smtp.from ต้องเป็นที่อยู่อีเมล เช่น \"เว็บไซต์ <web@example.go.th>\" ({e})")
            })?;
        }
        anyhow::ensure!(
            self.backups.daily_at.trim().is_empty() || self.backups.time().is_some(),
            "backups.daily_at ต้องเป็นเวลาแบบ HH:MM เช่น \"02:00\" (or empty to turn it off), ได้ {:?}",
            self.backups.daily_at
        );
        anyhow::ensure!(self.backups.keep >= 1, "backups.keep ต้องอย่างน้อย 1");
        anyhow::ensure!(
            self.cache.public_max_age_secs <= 86_400,
            "cache.public_max_age_secs ต้องไม่เกิน 86400 วินาที (at most one day), ได้ {}",
            self.cache.public_max_age_secs
        );
        anyhow::ensure!(
            (1..=3650).contains(&self.eservices.retention_days),
            "eservices.retention_days ต้องอยู่ระหว่าง 1 ถึง 3650 วัน (must be 1–3650), ได้ {}",
            self.eservices.retention_days
        );
        anyhow::ensure!(
            self.logs.retention_days >= 90,
            "logs.retention_days ต้องไม่น้อยกว่า 90 วัน ตาม พ.ร.บ.คอมพิวเตอร์ฯ มาตรา 26 \
             (the law requires at least 90 days), ได้ {}",
            self.logs.retention_days
        );
        crate::appliance::update::Feed::parse(&self.update.feed).map_err(anyhow::Error::msg)?;
        anyhow::ensure!(
            self.update.install_time().is_some(),
            "update.install_at ต้องเป็นเวลาแบบ HH:MM เช่น \"03:00\", ได้ {:?}",
            self.update.install_at
        );
        anyhow::ensure!(
            (1..=200).contains(&self.display.per_page),
            "display.per_page ต้องอยู่ระหว่าง 1 ถึง 200 (must be 1–200), ได้ {}",
            self.display.per_page
        );
        for url in std::iter::once(&self.office.map_url).chain(self.office.links.iter().map(|l| &l.url)) {
            anyhow::ensure!(
                url.is_empty() || url.starts_with("https://") || url.starts_with("http://"),
                "office: ลิงก์ต้องขึ้นต้นด้วย https:// (links must be web addresses), ได้ {url:?}"
            );
        }
        anyhow::ensure!(
            !self.office.name_th.trim().is_empty(),
            "office.name_th ต้องไม่ว่าง (must not be empty)"
        );
        anyhow::ensure!(
            self.office.logo.is_empty() || is_logo_name(&self.office.logo),
            "office.logo ต้องเป็นชื่อไฟล์ที่อัปโหลดผ่านหน้าตั้งค่า (logo-….png/.jpg/.svg), ได้ {:?}",
            self.office.logo
        );
        anyhow::ensure!(
            self.office.map_image.is_empty() || is_map_image_name(&self.office.map_image),
            "office.map_image ต้องเป็นชื่อไฟล์ที่อัปโหลดผ่านหน้าตั้งค่า (map-….png/.jpg), ได้ {:?}",
            self.office.map_image
        );
        self.tls.validate()
    }
}

/// Whether `name` is a map image file name as `/admin/settings` makes them
/// (`map-<hash>-<w>x<h>.png|jpg`, no path).
pub fn is_map_image_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("map-") else { return false };
    let Some((stem, ext)) = rest.split_once('.') else { return false };
    let Some((hash, size)) = stem.split_once('-') else { return false };
    let Some((w, h)) = size.split_once('x') else { return false };
    let digits = |s: &str| !s.is_empty() && s.len() <= 5 && s.chars().all(|c| c.is_ascii_digit());
    !hash.is_empty()
        && hash.chars().all(|c| c.is_ascii_hexdigit())
        && digits(w)
        && digits(h)
        && matches!(ext, "png" | "jpg")
}

/// The width and height a map image's file name (`map-<hash>-<w>x<h>.<ext>`) carries.
pub fn map_image_size(name: &str) -> Option<(u32, u32)> {
    if !is_map_image_name(name) {
        return None;
    }
    let stem = name.rsplit_once('.')?.0;
    let (w, h) = stem.rsplit_once('-')?.1.split_once('x')?;
    Some((w.parse().ok()?, h.parse().ok()?))
}

/// Whether `name` is a logo file name as `/admin/settings` makes them (no path, known type).
pub fn is_logo_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("logo-") else { return false };
    let Some((hash, ext)) = rest.split_once('.') else { return false };
    !hash.is_empty() && hash.chars().all(|c| c.is_ascii_hexdigit()) && matches!(ext, "png" | "jpg" | "svg")
}

impl Tls {
    /// The certificate source's own settings: ACME needs a public domain name (and an e-mail
    /// address, if one is given, that is one); manual needs both files named.
    fn validate(&self) -> anyhow::Result<()> {
        match self.mode {
            TlsMode::SelfSigned => {}
            TlsMode::Manual => anyhow::ensure!(
                !self.cert_file.trim().is_empty() && !self.key_file.trim().is_empty(),
                "tls.mode = \"manual\" ต้องระบุ tls.cert_file และ tls.key_file (both files are needed)"
            ),
            TlsMode::Acme => {
                anyhow::ensure!(
                    is_domain(&self.domain),
                    "tls.domain ต้องเป็นชื่อโดเมนสาธารณะ เช่น www.example.go.th (a public DNS name) \
                     สำหรับ tls.mode = \"acme\", ได้ {:?}",
                    self.domain
                );
                anyhow::ensure!(
                    self.acme_email.is_empty() || self.acme_email.parse::<lettre::Address>().is_ok(),
                    "tls.acme_email ต้องเป็นที่อยู่อีเมล เช่น it@example.go.th, ได้ {:?}",
                    self.acme_email
                );
            }
        }
        Ok(())
    }
}

/// Whether `name` is a DNS name a public certificate can be issued for: labels of letters,
/// digits and hyphens, at least two of them, not an IP address.
pub fn is_domain(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && name.parse::<std::net::IpAddr>().is_err()
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()))
}

impl Settings {
    /// Whether a change from `self` to `next` takes effect only after a restart: the listen
    /// addresses and the data directory are command-line options, and the certificate, the
    /// upload limits and the traffic-log folder are set up once at start.
    pub fn needs_restart(&self, next: &Settings) -> bool {
        self.tls != next.tls || self.uploads != next.uploads || self.logs != next.logs
    }

    /// `save`'s checks alone (nothing written).
    pub fn check(&self) -> anyhow::Result<()> {
        self.validate()
    }
}

impl Config {
    /// Loads the configuration for `data_dir`.
    pub fn load(data_dir: PathBuf) -> anyhow::Result<Config> {
        let settings = Settings::load(&data_dir)?;
        Ok(Config { data_dir, settings })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_then_file_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), Settings::default());
        let mut s = Settings::default();
        s.office.name_th = "สำนักงานสาธารณสุขอำเภอเมืองเลย".into();
        s.display.digits = Digits::Thai;
        s.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), s);
    }

    #[test]
    fn log_retention_under_ninety_days_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SETTINGS_FILE), "[logs]\nretention_days = 30\n").unwrap();
        let err = format!("{:#}", Settings::load(dir.path()).unwrap_err());
        assert!(err.contains("retention_days") && err.contains("90"), "{err}");
    }

    #[test]
    fn unknown_names_are_refused_naming_key_and_value() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "[security]\ntotp_required_roles = [\"admin\", \"admn\"]\n",
        )
        .unwrap();
        let err = format!("{:#}", Settings::load(dir.path()).unwrap_err());
        assert!(
            err.contains("prakat.toml")
                && err.contains("security.totp_required_roles")
                && err.contains("admn"),
            "{err}"
        );
        std::fs::write(dir.path().join(SETTINGS_FILE), "[access]\nstaff_networks = [\"192.168.1.0/33\"]\n")
            .unwrap();
        let err = format!("{:#}", Settings::load(dir.path()).unwrap_err());
        assert!(err.contains("access.staff_networks"), "{err}");
        std::fs::write(dir.path().join(SETTINGS_FILE), "[tls]\nmode = \"acmee\"\n").unwrap();
        let err = format!("{:#}", Settings::load(dir.path()).unwrap_err());
        assert!(err.contains("tls.mode") && err.contains("acmee"), "{err}");
        std::fs::write(dir.path().join(SETTINGS_FILE), "[security]\ntotp_required_roles = [\"WebMaster\"]\n")
            .unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap().security.required_roles().to_list(), "webmaster");
    }

    #[test]
    fn acme_needs_a_public_domain_name_checked_at_load() {
        for ok in ["www.example.go.th", "prakat.test", "a-b.example.com"] {
            assert!(is_domain(ok), "{ok}");
        }
        for bad in
            ["", "localhost", "192.168.1.10", "-x.example.com", "www..example.com", "ตัวอย่าง.ไทย", "a.123"]
        {
            assert!(!is_domain(bad), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SETTINGS_FILE), "[tls]\nmode = \"acme\"\ndomain = \"10.0.0.5\"\n")
            .unwrap();
        let err = format!("{:#}", Settings::load(dir.path()).unwrap_err());
        assert!(err.contains("tls.domain") && err.contains("10.0.0.5"), "{err}");
        std::fs::write(dir.path().join(SETTINGS_FILE), "[tls]\nmode = \"manual\"\n").unwrap();
        assert!(format!("{:#}", Settings::load(dir.path()).unwrap_err()).contains("tls.cert_file"));
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "[office]\nlogo = \"../prakat.db\"\ntheme = \"blue\"\n",
        )
        .unwrap();
        assert!(format!("{:#}", Settings::load(dir.path()).unwrap_err()).contains("office.logo"));
        std::fs::write(dir.path().join(SETTINGS_FILE), "[office]\ntheme = \"pink\"\n").unwrap();
        assert!(format!("{:#}", Settings::load(dir.path()).unwrap_err()).contains("office.theme"));
    }

    #[test]
    fn a_bad_file_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SETTINGS_FILE), "[display]\nper_page = 0\n").unwrap();
        let err = format!("{:#}", Settings::load(dir.path()).unwrap_err());
        assert!(err.contains("prakat.toml") && err.contains("per_page"), "{err}");
        std::fs::write(dir.path().join(SETTINGS_FILE), "[display]\ncolour = 1\n").unwrap();
        assert!(Settings::load(dir.path()).is_err(), "unknown keys are refused");
    }
}
