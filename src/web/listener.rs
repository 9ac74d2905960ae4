//! Accepting connections for a box on the open internet: a cap on connections per source
//! address and overall, a deadline for the TLS handshake and for each request's headers (which
//! also closes idle keep-alive connections), and graceful shutdown.
//!
//! A slowloris client that opens many connections and trickles bytes holds at most
//! [`Limits::per_address`] of them, each for at most [`Limits::header_timeout`]; everyone else
//! is still served.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

/// Connection limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Open connections allowed from one address.
    pub per_address: usize,
    /// Open connections allowed in all (kept under the usual 1024 open-file limit).
    pub total: usize,
    /// Time allowed for a request's headers, and for an idle keep-alive connection.
    pub header_timeout: Duration,
    /// Time allowed for a TLS handshake.
    pub handshake_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_address: 64,
            total: 768,
            header_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// Counts open connections; a [`Slot`] is handed out per accepted connection.
#[derive(Clone, Default)]
struct Tracker {
    open: Arc<Mutex<(usize, HashMap<IpAddr, usize>)>>,
}

/// One counted connection; dropping it frees the place.
struct Slot {
    tracker: Tracker,
    ip: IpAddr,
}

impl Tracker {
    fn acquire(&self, ip: IpAddr, limits: &Limits) -> Option<Slot> {
        let mut open = self.open.lock().expect("tracker lock");
        let (total, by_ip) = &mut *open;
        let mine = by_ip.get(&ip).copied().unwrap_or(0);
        if *total >= limits.total || mine >= limits.per_address {
            return None;
        }
        *total += 1;
        by_ip.insert(ip, mine + 1);
        Some(Slot { tracker: self.clone(), ip })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.tracker.open.lock().expect("tracker lock");
        let (total, by_ip) = &mut *open;
        *total -= 1;
        if let Some(n) = by_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                by_ip.remove(&self.ip);
            }
        }
    }
}

/// Serves `router` on `listener` (over TLS when `tls` is given) until `shutdown` completes,
/// then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let tracker = Tracker::default();
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(Duration::from_secs(30)));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of file descriptors and the like: wait a moment instead of spinning.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = tracker.acquire(peer.ip(), &limits) else {
            drop(stream); // Over the cap: closed at once, costing nothing further.
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            request.map(axum::body::Body::new)
        });
        let service = TowerToHyperService::new(service);
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let result = match tls {
                Some(acceptor) => {
                    match tokio::time::timeout(limits.handshake_timeout, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => {
                            let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                            watcher.watch(conn.into_owned()).await
                        }
                        // Failed or too slow handshakes (old TLS versions, scanners) just end.
                        _ => return,
                    }
                }
                None => {
                    let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                    watcher.watch(conn.into_owned()).await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    // Give open requests a little time to finish.
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(Duration::from_secs(10)) => {},
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_per_address_and_overall() {
        let limits = Limits { per_address: 2, total: 3, ..Limits::default() };
        let tracker = Tracker::default();
        let a: IpAddr = "192.168.1.5".parse().unwrap();
        let b: IpAddr = "192.168.1.6".parse().unwrap();
        let a1 = tracker.acquire(a, &limits).unwrap();
        let _a2 = tracker.acquire(a, &limits).unwrap();
        assert!(tracker.acquire(a, &limits).is_none(), "third from one address");
        let _b1 = tracker.acquire(b, &limits).unwrap();
        assert!(tracker.acquire(b, &limits).is_none(), "over the total");
        drop(a1);
        assert!(tracker.acquire(b, &limits).is_some(), "a closed connection frees its place");
    }
}
