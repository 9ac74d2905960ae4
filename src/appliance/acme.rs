//! Certificates from Let's Encrypt (or any ACME server) with the HTTP-01 challenge, answered on
//! the plain-HTTP port. Renewal starts when a third of the lifetime is left; a failure is
//! retried with growing pauses while the cached certificate (or the self-signed one) keeps
//! being served. Start-up never waits for this.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, bail};
use instant_acme::{
    Account, AccountCredentials, AuthorizationStatus, ChallengeType, Identifier, LetsEncrypt, NewAccount,
    NewOrder, OrderStatus, RetryPolicy,
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

async fn account(tls: &Tls, dir: &Path) -> anyhow::Result<Account> {
    let (_, _, account_file) = files(dir);
    let builder = if tls.acme_ca_file.is_empty() {
        Account::builder()?
    } else {
        Account::builder_with_root(&tls.acme_ca_file)?
    };
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

/// Keeps an ACME certificate in `store`: obtains one if there is none, renews it when due,
/// retries failures with growing pauses (1 min, doubling, at most 6 h).
pub async fn run(store: Arc<CertStore>, tls: Tls, dir: PathBuf, challenges: Challenges) {
    let mut failures = 0u32;
    loop {
        let due = cached(&dir).map_or(0, |pem| renew_at(&pem));
        let now = jiff::Timestamp::now().as_second();
        if due > now {
            // Check again at the due time, at least every 12 hours.
            let wait = Duration::from_secs((due - now).clamp(1, 12 * 3600) as u64);
            tokio::time::sleep(wait).await;
            continue;
        }
        match obtain(&tls, &dir, &challenges).await {
            Ok(pem) => {
                failures = 0;
                match store.replace(&pem, "acme", true) {
                    Ok(()) => tracing::info!(domain = %tls.domain, "ACME certificate installed"),
                    Err(e) => store.set_error(Some(format!("{e:#}"))),
                }
            }
            Err(e) => {
                failures += 1;
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
                let pause = Duration::from_secs(60)
                    .saturating_mul(1 << (failures - 1).min(9))
                    .min(Duration::from_secs(6 * 3600));
                tokio::time::sleep(pause).await;
            }
        }
    }
}
