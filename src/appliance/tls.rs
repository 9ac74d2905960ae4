//! HTTPS certificates: self-signed (made here), manual (files from the province's IT), or ACME
//! (Let's Encrypt, see [`super::acme`]). Whatever the source, the running server reads the
//! certificate through a [`CertStore`], so a renewed certificate takes effect at once, without
//! a restart. Only TLS 1.2 and 1.3 are offered, with the ring provider.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::Context as _;
use rustls::ServerConfig;
use rustls::crypto::ring;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use sha2::{Digest as _, Sha256};

use crate::config::{Config, TlsMode};

/// What the admin page shows about the certificate in use.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// `self-signed`, `manual` or `acme`.
    pub source: String,
    /// Names and addresses the certificate is for.
    pub names: Vec<String>,
    /// SHA-256 fingerprint of the certificate, as colon-separated hex (to compare when
    /// trusting a self-signed certificate).
    pub fingerprint: String,
    /// Expiry, Unix seconds.
    pub not_after: i64,
    /// Whether browsers trust it without help (ACME or manual).
    pub publicly_trusted: bool,
    /// The last renewal problem, if the last attempt failed.
    pub last_error: Option<String>,
}

/// The certificate being served, swappable while the server runs.
#[derive(Debug)]
pub struct CertStore {
    current: RwLock<Arc<CertifiedKey>>,
    status: RwLock<Status>,
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.read().expect("cert lock").clone())
    }
}

impl CertStore {
    /// A store serving `pem` (chain and key) from `source`.
    pub fn new(pem: &Pem, source: &str, publicly_trusted: bool) -> anyhow::Result<Arc<CertStore>> {
        let (key, status) = pem.load(source, publicly_trusted)?;
        Ok(Arc::new(CertStore { current: RwLock::new(Arc::new(key)), status: RwLock::new(status) }))
    }

    /// Starts serving `pem` from now on.
    pub fn replace(&self, pem: &Pem, source: &str, publicly_trusted: bool) -> anyhow::Result<()> {
        let (key, status) = pem.load(source, publicly_trusted)?;
        *self.current.write().expect("cert lock") = Arc::new(key);
        *self.status.write().expect("cert lock") = status;
        Ok(())
    }

    /// What is being served.
    pub fn status(&self) -> Status {
        self.status.read().expect("cert lock").clone()
    }

    /// Records (or clears) the last renewal problem.
    pub fn set_error(&self, error: Option<String>) {
        self.status.write().expect("cert lock").last_error = error;
    }
}

/// A certificate chain and its private key, PEM encoded.
#[derive(Debug, Clone)]
pub struct Pem {
    /// Leaf first, then intermediates.
    pub chain: String,
    /// The private key.
    pub key: String,
}

/// Facts read from a certificate.
#[derive(Debug, Clone)]
pub struct CertFacts {
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds.
    pub not_after: i64,
    /// Subject alternative names.
    pub names: Vec<String>,
}

/// Reads validity and names from a DER certificate (RFC 5280 §4.1), with yasna, the DER reader
/// rcgen already brings: only the validity and the subject alternative names are read, every
/// other field is stepped over whole.
pub fn facts(der: &[u8]) -> anyhow::Result<CertFacts> {
    use yasna::{ASN1Result, BERReader, Tag};

    fn time(r: BERReader<'_, '_>) -> ASN1Result<i64> {
        if r.lookahead_tag()? == yasna::tags::TAG_UTCTIME {
            Ok(r.read_utctime()?.datetime().unix_timestamp())
        } else {
            Ok(r.read_generalized_time()?.datetime().unix_timestamp())
        }
    }

    let (not_before, not_after, extensions) = yasna::parse_der(der, |r| {
        r.read_sequence(|r| {
            let tbs = r.next().read_sequence(|r| {
                r.read_optional(|r| r.read_tagged(Tag::context(0), |r| r.read_der()))?; // version
                for _serial_signature_issuer in 0..3 {
                    r.next().read_der()?;
                }
                let (not_before, not_after) =
                    r.next().read_sequence(|r| Ok((time(r.next())?, time(r.next())?)))?;
                r.next().read_der()?; // subject
                r.next().read_der()?; // subject public key info
                // Then the optional unique identifiers [1], [2] and the extensions [3].
                let mut extensions = None;
                while let Some(field) = r.read_optional(|r| r.read_tagged_der())? {
                    if field.tag() == Tag::context(3) {
                        extensions = Some(field.value().to_vec());
                    }
                }
                Ok((not_before, not_after, extensions))
            })?;
            r.next().read_der()?; // signature algorithm
            r.next().read_der()?; // signature
            Ok(tbs)
        })
    })
    .map_err(|e| anyhow::anyhow!("bad certificate: {e}"))?;
    let names = extensions.as_deref().map(alternative_names).transpose()?.unwrap_or_default();
    Ok(CertFacts { not_before, not_after, names })
}

/// The DNS names and IP addresses of the subject-alternative-name extension, as people write
/// them, from the DER of a certificate's `Extensions`.
fn alternative_names(extensions: &[u8]) -> anyhow::Result<Vec<String>> {
    use yasna::Tag;
    /// id-ce-subjectAltName, 2.5.29.17.
    const SAN: &[u64] = &[2, 5, 29, 17];
    let mut names = Vec::new();
    yasna::parse_der(extensions, |r| {
        r.read_sequence_of(|r| {
            r.read_sequence(|r| {
                let id = r.next().read_oid()?;
                r.read_optional(|r| r.read_bool())?; // critical
                let value = r.next().read_bytes()?;
                if id.components().as_slice() == SAN {
                    yasna::parse_der(&value, |r| {
                        r.read_sequence_of(|r| {
                            let name = r.read_tagged_der()?;
                            let bytes = name.value();
                            if name.tag() == Tag::context(2) {
                                names.push(String::from_utf8_lossy(bytes).into_owned());
                            } else if name.tag() == Tag::context(7) {
                                match bytes.len() {
                                    4 => names.extend(
                                        <[u8; 4]>::try_from(bytes).map(|b| IpAddr::from(b).to_string()),
                                    ),
                                    16 => names.extend(
                                        <[u8; 16]>::try_from(bytes).map(|b| IpAddr::from(b).to_string()),
                                    ),
                                    _ => {}
                                }
                            }
                            Ok(())
                        })
                    })?;
                }
                Ok(())
            })
        })
    })
    .map_err(|e| anyhow::anyhow!("bad certificate extensions: {e}"))?;
    Ok(names)
}

impl Pem {
    /// Reads a chain and key from two files.
    pub fn read(cert_file: &Path, key_file: &Path) -> anyhow::Result<Pem> {
        Ok(Pem {
            chain: std::fs::read_to_string(cert_file)
                .with_context(|| format!("อ่านไฟล์ใบรับรอง {} ไม่ได้", cert_file.display()))?,
            key: std::fs::read_to_string(key_file)
                .with_context(|| format!("อ่านไฟล์กุญแจ {} ไม่ได้", key_file.display()))?,
        })
    }

    /// Writes the chain and key next to each other (the key readable by the owner only).
    pub fn write(&self, cert_file: &Path, key_file: &Path) -> anyhow::Result<()> {
        if let Some(dir) = cert_file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_private(key_file, self.key.as_bytes())?;
        std::fs::write(cert_file, &self.chain)?;
        Ok(())
    }

    /// The leaf certificate's facts.
    pub fn facts(&self) -> anyhow::Result<CertFacts> {
        let leaf = CertificateDer::pem_slice_iter(self.chain.as_bytes())
            .next()
            .context("no certificate in the PEM")??;
        facts(&leaf)
    }

    fn load(&self, source: &str, publicly_trusted: bool) -> anyhow::Result<(CertifiedKey, Status)> {
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(self.chain.as_bytes()).collect::<Result<_, _>>()?;
        anyhow::ensure!(!chain.is_empty(), "ไม่พบใบรับรองในไฟล์ (no certificate found)");
        let key =
            PrivateKeyDer::from_pem_slice(self.key.as_bytes()).context("ไม่พบกุญแจส่วนตัว (no private key)")?;
        let signing = ring::default_provider().key_provider.load_private_key(key)?;
        let facts = facts(&chain[0])?;
        let fingerprint =
            Sha256::digest(&chain[0]).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
        let status = Status {
            source: source.to_owned(),
            names: facts.names,
            fingerprint,
            not_after: facts.not_after,
            publicly_trusted,
            last_error: None,
        };
        Ok((CertifiedKey::new(chain, signing), status))
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// The rustls server configuration: TLS 1.2 and 1.3 only, HTTP/2 and HTTP/1.1.
pub fn server_config(store: Arc<CertStore>) -> anyhow::Result<Arc<ServerConfig>> {
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_no_client_auth()
        .with_cert_resolver(store);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Where certificates are kept.
pub fn certs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(crate::paths::data::CERTS)
}

/// Days before expiry at which the self-signed certificate is made anew.
const SELF_SIGNED_RENEW_DAYS: i64 = 30;
/// Lifetime of a self-signed certificate.
const SELF_SIGNED_DAYS: i64 = 365;

/// The names a self-signed certificate covers: this machine's name, `localhost`, and every
/// address of the machine, so that staff can use whichever they type.
fn self_signed_names() -> Vec<String> {
    let mut names = vec!["localhost".to_string()];
    if let Ok(host) = hostname::get()
        && let Some(host) = host.to_str()
        && !host.is_empty()
        && host != "localhost"
    {
        names.push(host.to_lowercase());
    }
    let mut ips: Vec<IpAddr> = vec![IpAddr::from([127, 0, 0, 1]), "::1".parse().expect("ip")];
    for iface in if_addrs::get_if_addrs().unwrap_or_default() {
        if !ips.contains(&iface.ip()) {
            ips.push(iface.ip());
        }
    }
    names.extend(ips.into_iter().map(|ip| ip.to_string()));
    names
}

/// The self-signed certificate in `dir`, made (or made anew) when missing, expiring within
/// [`SELF_SIGNED_RENEW_DAYS`], or not covering this machine's current names and addresses.
pub fn self_signed(dir: &Path) -> anyhow::Result<Pem> {
    let (cert_file, key_file) = (dir.join("self-signed.pem"), dir.join("self-signed.key"));
    let names = self_signed_names();
    let now = jiff::Timestamp::now().as_second();
    if let Ok(pem) = Pem::read(&cert_file, &key_file)
        && let Ok(facts) = pem.facts()
        && facts.not_after - now > SELF_SIGNED_RENEW_DAYS * 86_400
        && names.iter().all(|n| facts.names.contains(n))
    {
        return Ok(pem);
    }
    let mut params = rcgen::CertificateParams::new(names)?;
    let start = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    let end = start.checked_add(jiff::Span::new().days(SELF_SIGNED_DAYS))?;
    params.not_before = rcgen::date_time_ymd(i32::from(start.year()), start.month() as u8, start.day() as u8);
    params.not_after = rcgen::date_time_ymd(i32::from(end.year()), end.month() as u8, end.day() as u8);
    params.distinguished_name.push(rcgen::DnType::CommonName, "Prakat (self-signed)");
    let key = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    let pem = Pem { chain: cert.pem(), key: key.serialize_pem() };
    pem.write(&cert_file, &key_file)?;
    Ok(pem)
}

/// Keeps the self-signed certificate fresh while the server runs for months, as a scheduler
/// job: twice a day it is checked and, when due (or when the machine's addresses changed), made
/// anew and swapped in.
pub fn renewal_job(store: Arc<CertStore>, dir: PathBuf) -> super::scheduler::Job {
    use super::scheduler::{Job, Schedule};
    Job::blocking(
        "tls.self-signed",
        "ต่ออายุใบรับรอง HTTPS ที่สร้างเอง",
        Schedule::Every(std::time::Duration::from_secs(12 * 3600)),
        move || match self_signed(&dir).and_then(|pem| store.replace(&pem, "self-signed", false)) {
            Ok(()) => Ok("ใบรับรองพร้อมใช้".into()),
            Err(e) => {
                store.set_error(Some(format!("{e:#}")));
                Err(e)
            }
        },
    )
}

/// The certificate store to serve HTTPS with, according to the settings. Never waits for an
/// ACME server: in ACME mode it starts with the cached certificate, or the self-signed one,
/// and [`super::acme::run`] replaces it when a certificate arrives.
pub fn initial_store(config: &Config) -> anyhow::Result<Arc<CertStore>> {
    let dir = certs_dir(&config.data_dir);
    std::fs::create_dir_all(&dir)?;
    let tls = &config.settings.tls;
    match tls.mode {
        TlsMode::SelfSigned => CertStore::new(&self_signed(&dir)?, "self-signed", false),
        TlsMode::Manual => {
            anyhow::ensure!(
                !tls.cert_file.is_empty() && !tls.key_file.is_empty(),
                "tls.mode = \"manual\" ต้องระบุ tls.cert_file และ tls.key_file"
            );
            let pem = Pem::read(Path::new(&tls.cert_file), Path::new(&tls.key_file))?;
            CertStore::new(&pem, "manual", true)
        }
        TlsMode::Acme => match super::acme::cached(&dir) {
            Some(pem) => CertStore::new(&pem, "acme", true),
            None => CertStore::new(&self_signed(&dir)?, "self-signed (ACME pending)", false),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_signed_is_made_once_and_covers_this_machine() {
        let dir = tempfile::tempdir().unwrap();
        let first = self_signed(dir.path()).unwrap();
        let facts = first.facts().unwrap();
        assert!(facts.names.contains(&"localhost".to_string()));
        assert!(facts.names.contains(&"127.0.0.1".to_string()), "{:?}", facts.names);
        let days = (facts.not_after - facts.not_before) / 86_400;
        assert!((364..=366).contains(&days), "{days} days");
        let again = self_signed(dir.path()).unwrap();
        assert_eq!(first.chain, again.chain, "kept while valid");
        let store = CertStore::new(&again, "self-signed", false).unwrap();
        assert_eq!(store.status().fingerprint.len(), 32 * 3 - 1);
        let key_mode = std::fs::metadata(dir.path().join("self-signed.key")).unwrap();
        #[cfg(unix)]
        assert_eq!(std::os::unix::fs::PermissionsExt::mode(&key_mode.permissions()) & 0o777, 0o600);
    }

    #[test]
    fn facts_agree_with_an_independent_parser() {
        let mut params =
            rcgen::CertificateParams::new(vec!["prakat.example".into(), "www.prakat.example".into()])
                .unwrap();
        params.subject_alt_names.push(rcgen::SanType::IpAddress("192.0.2.7".parse().unwrap()));
        params.subject_alt_names.push(rcgen::SanType::IpAddress("2001:db8::1".parse().unwrap()));
        params.subject_alt_names.push(rcgen::SanType::Rfc822Name("web@prakat.example".try_into().unwrap()));
        // 2049 and later are GeneralizedTime, earlier UTCTime: one of each.
        params.not_before = rcgen::date_time_ymd(2026, 12, 6);
        params.not_after = rcgen::date_time_ymd(2051, 1, 31);
        let cert = params.self_signed(&rcgen::KeyPair::generate().unwrap()).unwrap();
        let ours = facts(cert.der()).unwrap();
        let (_, theirs) = x509_parser::parse_x509_certificate(cert.der()).unwrap();
        assert_eq!(ours.not_before, theirs.validity().not_before.timestamp());
        assert_eq!(ours.not_after, theirs.validity().not_after.timestamp());
        assert_eq!(ours.names, ["prakat.example", "www.prakat.example", "192.0.2.7", "2001:db8::1"]);
        assert!(facts(b"not a certificate").is_err());
        assert!(facts(&cert.der()[..cert.der().len() / 2]).is_err());
    }
}
