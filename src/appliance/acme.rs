//! Certificates from Let's Encrypt (or any ACME server) with the HTTP-01 challenge, answered on
//! the plain-HTTP port. Renewal starts when a third of the lifetime is left; a failure is
//! retried with growing pauses while the cached certificate (or the self-signed one) keeps
//! being served. Start-up never waits for this.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, bail};
use axum::http::{Request, Response};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use instant_acme::{
    Account, AccountCredentials, AuthorizationStatus, BodyWrapper, BytesResponse, ChallengeType, HttpClient,
    Identifier, LetsEncrypt, NewAccount, NewOrder, OrderStatus, RetryPolicy,
};

use super::tls::{CertStore, Pem};
use crate::config::Tls;

/// Pending HTTP-01 challenges: token → key authorization, read by the HTTP listener.
pub type Challenges = Arc<Mutex<HashMap<String, String>>>;

fn files(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    (dir.join("acme.pem"), dir.join("acme.key"), dir.join("acme-account.json"))
}

/// The cached ACME certificate, if there is one that has not expired.
pub fn cached(dir: &Path) -> Option<Pem> {
    let (cert, key, _) = files(dir);
    let pem = Pem::read(&cert, &key).ok()?;
    let facts = pem.facts().ok()?;
    (facts.not_after > jiff::Timestamp::now().as_second()).then_some(pem)
}

/// When the certificate should be renewed: with a third of its lifetime left.
pub fn renew_at(pem: &Pem) -> i64 {
    match pem.facts() {
        Ok(f) => f.not_after - (f.not_after - f.not_before) / 3,
        Err(_) => 0,
    }
}

/// The largest ACME response read (directories, orders and certificate chains are a few kB).
const RESPONSE_LIMIT: u64 = 1 << 20;

/// ACME's HTTP client: the ureq agent (rustls, ring) that self-update already carries, so the
/// binary holds one HTTP client rather than a second (hyper's) for ACME alone. Requests run on
/// the blocking pool; there are a handful per certificate.
struct Http(ureq::Agent);

impl Http {
    /// An agent trusting the web PKI, or only the certificates in `ca_file` (a test CA such as
    /// pebble's) when it is named.
    fn new(ca_file: &str) -> anyhow::Result<Self> {
        use ureq::tls::{PemItem, RootCerts, TlsConfig};
        let roots = if ca_file.is_empty() {
            RootCerts::WebPki
        } else {
            let pem = std::fs::read(ca_file).with_context(|| format!("ACME CA file {ca_file}"))?;
            let certs: Vec<_> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(cert)) => Some(cert),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                bail!("ACME CA file {ca_file} holds no certificate");
            }
            RootCerts::Specific(Arc::new(certs))
        };
        let agent = ureq::Agent::config_builder()
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            // ACME errors are JSON problem documents that instant-acme reads itself.
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        Ok(Self(agent))
    }

    fn send(agent: &ureq::Agent, request: Request<Bytes>) -> Result<Response<Full<Bytes>>, ureq::Error> {
        let (parts, body) = request.into_parts();
        let mut response = if body.is_empty() {
            agent.run(Request::from_parts(parts, ()))?
        } else {
            agent.run(Request::from_parts(parts, body.to_vec()))?
        };
        let bytes = response.body_mut().with_config().limit(RESPONSE_LIMIT).read_to_vec()?;
        let (parts, _) = response.into_parts();
        Ok(Response::from_parts(parts, Full::new(Bytes::from(bytes))))
    }
}

impl HttpClient for Http {
    fn request(
        &self,
        request: Request<BodyWrapper<Bytes>>,
    ) -> Pin<Box<dyn Future<Output = Result<BytesResponse, instant_acme::Error>> + Send>> {
        let agent = self.0.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = match body.collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(never) => match never {},
            };
            let request = Request::from_parts(parts, body);
            let response = tokio::task::spawn_blocking(move || Http::send(&agent, request))
                .await
                .map_err(|e| instant_acme::Error::Other(Box::new(e)))?
                .map_err(|e| instant_acme::Error::Other(Box::new(e)))?;
            Ok(BytesResponse::from(response))
        })
    }
}

async fn account(tls: &Tls, dir: &Path) -> anyhow::Result<Account> {
    let (_, _, account_file) = files(dir);
    let builder = Account::builder_with_http(Box::new(Http::new(&tls.acme_ca_file)?));
    if let Ok(text) = std::fs::read_to_string(&account_file) {
        let credentials: AccountCredentials = serde_json::from_str(&text).context("bad ACME account file")?;
        return Ok(builder.from_credentials(credentials).await?);
    }
    let directory = if tls.acme_directory.is_empty() {
        LetsEncrypt::Production.url().to_owned()
    } else {
        tls.acme_directory.clone()
    };
    let contact = format!("mailto:{}", tls.acme_email);
    let contacts: Vec<&str> = if tls.acme_email.is_empty() { vec![] } else { vec![contact.as_str()] };
    let (account, credentials) = builder
        .create(
            &NewAccount { contact: &contacts, terms_of_service_agreed: true, only_return_existing: false },
            directory,
            None,
        )
        .await?;
    std::fs::write(&account_file, serde_json::to_string_pretty(&credentials)?)?;
    Ok(account)
}

/// Obtains a certificate for `tls.domain`, answering the challenge through `challenges`.
pub async fn obtain(tls: &Tls, dir: &Path, challenges: &Challenges) -> anyhow::Result<Pem> {
    let account = account(tls, dir).await?;
    let identifiers = [Identifier::Dns(tls.domain.clone())];
    let mut order = account.new_order(&NewOrder::new(&identifiers)).await?;
    let mut tokens = Vec::new();
    let mut authorizations = order.authorizations();
    while let Some(authz) = authorizations.next().await {
        let mut authz = authz?;
        match authz.status {
            AuthorizationStatus::Pending => {}
            AuthorizationStatus::Valid => continue,
            other => bail!("ACME authorization is {other:?}"),
        }
        let mut challenge = authz.challenge(ChallengeType::Http01).context("no HTTP-01 challenge offered")?;
        let token = challenge.token.clone();
        challenges
            .lock()
            .expect("challenges")
            .insert(token.clone(), challenge.key_authorization().as_str().to_owned());
        tokens.push(token);
        challenge.set_ready().await?;
    }
    let result = async {
        let status = order.poll_ready(&RetryPolicy::default()).await?;
        if status != OrderStatus::Ready {
            bail!("ACME order is {status:?}");
        }
        let key = order.finalize().await?;
        let chain = order.poll_certificate(&RetryPolicy::default()).await?;
        Ok(Pem { chain, key })
    }
    .await;
    let mut pending = challenges.lock().expect("challenges");
    for token in tokens {
        pending.remove(&token);
    }
    drop(pending);
    let pem = result?;
    let (cert_file, key_file, _) = files(dir);
    pem.write(&cert_file, &key_file)?;
    Ok(pem)
}

/// Keeps an ACME certificate in `store` as a scheduler job: obtains one if there is none,
/// renews it when due, and after a failure waits longer each time (1 min, doubling, at most 6 h).
pub fn renewal_job(
    store: Arc<CertStore>,
    tls: Tls,
    dir: PathBuf,
    challenges: Challenges,
) -> super::scheduler::Job {
    use super::scheduler::{Job, Schedule};
    // (failures so far, Unix second before which nothing is tried)
    let backoff = Arc::new(std::sync::Mutex::new((0u32, 0i64)));
    Job::asynchronous(
        "tls.acme",
        "ขอและต่ออายุใบรับรอง HTTPS (ACME)",
        Schedule::Every(Duration::from_secs(15)),
        move || {
            let (store, tls, dir, challenges, backoff) =
                (store.clone(), tls.clone(), dir.clone(), challenges.clone(), backoff.clone());
            async move {
                let now = jiff::Timestamp::now().as_second();
                let due = cached(&dir).map_or(0, |pem| renew_at(&pem));
                let not_before = backoff.lock().expect("backoff").1;
                if due > now || not_before > now {
                    return Ok("ใบรับรองยังไม่ถึงกำหนดต่ออายุ".into());
                }
                match obtain(&tls, &dir, &challenges).await {
                    Ok(pem) => {
                        *backoff.lock().expect("backoff") = (0, 0);
                        store
                            .replace(&pem, "acme", true)
                            .inspect_err(|e| store.set_error(Some(format!("{e:#}"))))?;
                        tracing::info!(domain = %tls.domain, "ACME certificate installed");
                        Ok(format!("ได้รับใบรับรองสำหรับ {}", tls.domain))
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "ACME certificate not obtained; the current certificate stays");
                        store.set_error(Some(format!("{e:#}")));
                        // A cached certificate that has expired gives way to the self-signed one.
                        if cached(&dir).is_none()
                            && store.status().source == "acme"
                            && let Ok(pem) = super::tls::self_signed(&dir)
                        {
                            let _ = store.replace(&pem, "self-signed (ACME failed)", false);
                            store.set_error(Some(format!("{e:#}")));
                        }
                        let mut b = backoff.lock().expect("backoff");
                        b.0 += 1;
                        let pause = 60i64.saturating_mul(1 << (b.0 - 1).min(9)).min(6 * 3600);
                        b.1 = now + pause;
                        Err(e)
                    }
                }
            }
        },
    )
}
