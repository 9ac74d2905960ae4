//! Accepting connections for a box on the open internet, built to hold against a slowloris
//! attack from many addresses at once:
//!
//! - **Caps** per source address (64), per network (256 in an IPv4 /24 or an IPv6 /64: one
//!   IPv6 host owns a whole /64) and overall. IPv4-mapped IPv6 peers (`::ffff:a.b.c.d`, what a
//!   dual-stack `[::]` listener reports for IPv4 clients) count as the IPv4 address they are.
//! - **A large overall capacity** (10 000, fitted to the open-file limit, which is raised to
//!   its hard limit at start), cheap while waiting: a connection costs a small task until its
//!   client has sent a whole request head (plain HTTP: the head waits in the kernel's socket
//!   buffer, peeked at, not read, like FreeBSD's `accf_http`) or its first byte (TLS). Only
//!   then does it take one of [`Limits::active`] places that carry TLS and HTTP buffers.
//! - **A minimum data rate** (like Apache's mod_reqtimeout): a connection waiting on its client
//!   (for request headers, or idle between requests) must make progress at a minimum rate
//!   after a grace time, and a request body must arrive at a minimum rate. Both tighten as the
//!   server, its network or its active places fill up ([`Limits::pace`]).
//! - **Fair shedding**: when a network, the server or the active places are full, a newcomer
//!   is not turned away while someone holds more than it: the address (or network) holding
//!   the most gives up its connection furthest behind the minimum rate. So an attacker's
//!   trickling sockets make way for real visitors instead of locking them out. Connections
//!   with a request being answered are never shed.
//! - A deadline for the TLS handshake and request headers, and graceful shutdown.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

/// Connection limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Open connections allowed from one address.
    pub per_address: usize,
    /// Open connections allowed from one network: an IPv4 /24 or an IPv6 /64.
    pub per_network: usize,
    /// Open connections allowed in all (lowered at start to fit the open-file limit).
    pub total: usize,
    /// Connections allowed past the waiting stage at once (TLS and HTTP buffers, some tens of
    /// kilobytes each: this bounds the memory an attack can take).
    pub active: usize,
    /// Time allowed for a request's headers, and for an idle keep-alive connection, when the
    /// server is quiet; shorter under load (see [`Limits::pace`]).
    pub header_timeout: Duration,
    /// Time allowed for a TLS handshake.
    pub handshake_timeout: Duration,
    /// Minimum rate, in bytes per second, a client must keep up when the server is full.
    pub min_rate: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_address: 64,
            per_network: 256,
            total: 10_000,
            active: 1536,
            header_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(10),
            min_rate: 500,
        }
    }
}

/// The grace time and minimum rate in force at a load (0.0 empty, 1.0 full).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    /// Time a waiting connection may send nothing.
    pub grace: Duration,
    /// Bytes per second it must send after that.
    pub rate: u64,
}

impl Limits {
    /// Rules for a connection at `load` (the fullest of the server, its network and the
    /// active places): lenient when quiet, strict when nearly full, in three steps.
    pub fn pace(&self, load: f64) -> Pace {
        if load < 0.5 {
            Pace { grace: self.header_timeout, rate: (self.min_rate / 5).max(1) }
        } else if load < 0.8 {
            Pace { grace: self.header_timeout / 2, rate: (self.min_rate / 2).max(1) }
        } else {
            Pace { grace: (self.header_timeout / 5).max(Duration::from_secs(1)), rate: self.min_rate.max(1) }
        }
    }
}

/// Milliseconds a connection that just started waiting is safe from shedding.
const FRESH_MS: u64 = 250;

/// The network an address belongs to for the per-network cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Network {
    V4(u32),
    V6(u64),
}

/// The address as the rest of Prakat should see it: IPv4-mapped IPv6 becomes IPv4.
pub fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

fn network_of(ip: IpAddr) -> Network {
    match canonical(ip) {
        IpAddr::V4(v4) => Network::V4(u32::from(v4) & 0xffff_ff00),
        IpAddr::V6(v6) => Network::V6((u128::from(v6) >> 64) as u64),
    }
}

/// One open connection, as the tracker sees it.
struct Conn {
    ip: IpAddr,
    network: Network,
    /// Bytes received from (or seen waiting from) and written to the client so far.
    progress: AtomicU64,
    /// `progress` when the connection last began waiting on its client.
    mark_progress: AtomicU64,
    /// When that was, in milliseconds since the tracker's epoch.
    mark_ms: AtomicU64,
    /// Requests being answered on it now.
    busy: AtomicUsize,
    /// Whether it holds an active place.
    active: AtomicBool,
    /// Set once it no longer counts (shed, or closed).
    gone: AtomicBool,
    /// Wakes the connection's task to close it.
    shed: Notify,
}

/// Connections counted for an address or a network: all, and those holding active places.
#[derive(Default)]
struct Held {
    all: HashSet<u64>,
    active: HashSet<u64>,
}

#[derive(Default)]
struct Counts {
    active: usize,
    by_ip: HashMap<IpAddr, Held>,
    by_network: HashMap<Network, Held>,
    conns: HashMap<u64, Arc<Conn>>,
    next_id: u64,
}

impl Counts {
    fn ip(&self, ip: &IpAddr) -> (usize, usize) {
        self.by_ip.get(ip).map_or((0, 0), |h| (h.all.len(), h.active.len()))
    }

    fn network(&self, network: &Network) -> (usize, usize) {
        self.by_network.get(network).map_or((0, 0), |h| (h.all.len(), h.active.len()))
    }
}

/// Where room is being made.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scope {
    /// The newcomer's network is full.
    Network,
    /// The server is full.
    Server,
    /// The active places are full.
    Active,
}

/// Counts open connections and decides which to admit and which to shed.
#[derive(Clone)]
struct Tracker {
    counts: Arc<Mutex<Counts>>,
    /// Woken when an active place is freed.
    freed: Arc<Notify>,
    epoch: Instant,
    limits: Limits,
}

/// One counted connection; dropping it frees the place.
struct Slot {
    tracker: Tracker,
    id: u64,
    conn: Arc<Conn>,
}

/// Marks a connection busy (a request is being answered) while alive.
struct Busy<'a> {
    tracker: &'a Tracker,
    conn: &'a Conn,
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        if self.conn.busy.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.tracker.mark(self.conn);
        }
    }
}

impl Tracker {
    fn new(limits: Limits) -> Tracker {
        Tracker { counts: Arc::default(), freed: Arc::default(), epoch: Instant::now(), limits }
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// The connection starts waiting on its client now.
    fn mark(&self, conn: &Conn) {
        conn.mark_progress.store(conn.progress.load(Ordering::Acquire), Ordering::Release);
        conn.mark_ms.store(self.now_ms(), Ordering::Release);
    }

    /// The load a connection on `network` is under: the fullest of the server, the network
    /// and the active places.
    fn load(&self, counts: &Counts, network: Network) -> f64 {
        let share = |n: usize, of: usize| n as f64 / of.max(1) as f64;
        share(counts.conns.len(), self.limits.total)
            .max(share(counts.network(&network).0, self.limits.per_network))
            .max(share(counts.active, self.limits.active))
    }

    /// How far `conn` is behind the minimum rate (positive: behind), in bytes, at `pace`.
    /// A connection that began waiting less than [`FRESH_MS`] ago is never behind: its first
    /// bytes may simply not have been read yet.
    fn deficit(&self, conn: &Conn, pace: Pace, now_ms: u64) -> i64 {
        let waited_ms = now_ms.saturating_sub(conn.mark_ms.load(Ordering::Acquire));
        if waited_ms < FRESH_MS {
            return 0;
        }
        let sent =
            conn.progress.load(Ordering::Acquire).saturating_sub(conn.mark_progress.load(Ordering::Acquire));
        (pace.rate * waited_ms / 1000) as i64 - sent as i64
    }

    /// Whether `conn` has waited on its client past what `pace` allows.
    fn too_slow(&self, conn: &Conn, pace: Pace, now_ms: u64) -> bool {
        let waited_ms = now_ms.saturating_sub(conn.mark_ms.load(Ordering::Acquire));
        let sent =
            conn.progress.load(Ordering::Acquire).saturating_sub(conn.mark_progress.load(Ordering::Acquire));
        let allowed_ms = pace.grace.as_millis() as u64 + sent * 1000 / pace.rate;
        waited_ms > allowed_ms
    }

    /// Removes `id` from the counts (once), freeing its active place if it held one.
    fn forget(&self, counts: &mut Counts, id: u64) -> Option<Arc<Conn>> {
        let conn = counts.conns.remove(&id)?;
        conn.gone.store(true, Ordering::Release);
        let was_active = conn.active.swap(false, Ordering::AcqRel);
        if was_active {
            counts.active -= 1;
        }
        if let Some(held) = counts.by_ip.get_mut(&conn.ip) {
            held.all.remove(&id);
            held.active.remove(&id);
            if held.all.is_empty() {
                counts.by_ip.remove(&conn.ip);
            }
        }
        if let Some(held) = counts.by_network.get_mut(&conn.network) {
            held.all.remove(&id);
            held.active.remove(&id);
            if held.all.is_empty() {
                counts.by_network.remove(&conn.network);
            }
        }
        if was_active {
            self.freed.notify_one();
        }
        Some(conn)
    }

    /// The connection among `candidates` to give up for a newcomer whose own holding is
    /// `mine`: its holder (by `holding`) must hold at least two more, or one more if the
    /// connection is behind the minimum rate; the heaviest holder's connection furthest
    /// behind is chosen. Busy connections are never chosen.
    fn pick(
        &self,
        counts: &Counts,
        candidates: impl Iterator<Item = u64>,
        mine: usize,
        holding: impl Fn(&Conn) -> (usize, usize),
    ) -> Option<u64> {
        let now_ms = self.now_ms();
        candidates
            .filter_map(|id| {
                let c = counts.conns.get(&id)?;
                if c.busy.load(Ordering::Acquire) > 0 {
                    return None;
                }
                let (holder, within) = holding(c);
                let deficit = self.deficit(c, self.limits.pace(self.load(counts, c.network)), now_ms);
                let eligible = holder >= mine + 2 || (holder > mine && deficit > 0);
                eligible.then_some((id, (holder, within, deficit)))
            })
            .max_by_key(|(_, rank)| *rank)
            .map(|(id, _)| id)
    }

    /// Makes room in `scope` for a newcomer from `ip` by closing another connection, fairly
    /// (see [`Tracker::pick`]): in a full network, between its addresses; in a full server,
    /// between networks; for active places, between networks and then between the addresses
    /// of the newcomer's own network. Returns whether one was shed.
    fn make_room(&self, counts: &mut Counts, ip: IpAddr, scope: Scope) -> bool {
        let network = network_of(ip);
        let victim = match scope {
            Scope::Network => {
                let ids = counts.by_network.get(&network).map(|h| h.all.clone()).unwrap_or_default();
                self.pick(counts, ids.into_iter(), counts.ip(&ip).0, |c| (counts.ip(&c.ip).0, 0))
            }
            Scope::Server => {
                let mine = counts.network(&network).0;
                let ids = heaviest(counts, mine, |h| &h.all);
                self.pick(counts, ids.into_iter(), mine, |c| {
                    (counts.network(&c.network).0, counts.ip(&c.ip).0)
                })
            }
            Scope::Active => {
                let mine = counts.network(&network).1;
                let ids = heaviest(counts, mine, |h| &h.active);
                self.pick(counts, ids.into_iter(), mine, |c| {
                    (counts.network(&c.network).1, counts.ip(&c.ip).1)
                })
                .or_else(|| {
                    let ids = counts.by_network.get(&network).map(|h| h.active.clone()).unwrap_or_default();
                    self.pick(counts, ids.into_iter(), counts.ip(&ip).1, |c| (counts.ip(&c.ip).1, 0))
                })
            }
        };
        match victim.and_then(|id| self.forget(counts, id)) {
            Some(conn) => {
                conn.shed.notify_one();
                true
            }
            None => false,
        }
    }

    /// Admits a connection from `ip`, shedding another if its network or the server is full
    /// (see [`Tracker::make_room`]); `None` when it must be refused.
    fn acquire(&self, ip: IpAddr) -> Option<Slot> {
        let ip = canonical(ip);
        let network = network_of(ip);
        let mut counts = self.counts.lock().expect("tracker lock");
        if counts.ip(&ip).0 >= self.limits.per_address {
            return None;
        }
        if counts.network(&network).0 >= self.limits.per_network
            && !self.make_room(&mut counts, ip, Scope::Network)
        {
            return None;
        }
        if counts.conns.len() >= self.limits.total && !self.make_room(&mut counts, ip, Scope::Server) {
            return None;
        }
        let id = counts.next_id;
        counts.next_id += 1;
        let conn = Arc::new(Conn {
            ip,
            network,
            progress: AtomicU64::new(0),
            mark_progress: AtomicU64::new(0),
            mark_ms: AtomicU64::new(self.now_ms()),
            busy: AtomicUsize::new(0),
            active: AtomicBool::new(false),
            gone: AtomicBool::new(false),
            shed: Notify::new(),
        });
        counts.by_ip.entry(ip).or_default().all.insert(id);
        counts.by_network.entry(network).or_default().all.insert(id);
        counts.conns.insert(id, conn.clone());
        Some(Slot { tracker: self.clone(), id, conn })
    }

    /// Gives the connection an active place (making room fairly if they are all taken);
    /// `false` when it must wait for one.
    fn activate(&self, slot: &Slot) -> bool {
        let mut counts = self.counts.lock().expect("tracker lock");
        let conn = &slot.conn;
        if conn.gone.load(Ordering::Acquire) {
            return false;
        }
        if conn.active.load(Ordering::Acquire) {
            return true;
        }
        if counts.active >= self.limits.active && !self.make_room(&mut counts, conn.ip, Scope::Active) {
            return false;
        }
        conn.active.store(true, Ordering::Release);
        counts.active += 1;
        counts.by_ip.entry(conn.ip).or_default().active.insert(slot.id);
        counts.by_network.entry(conn.network).or_default().active.insert(slot.id);
        true
    }

    /// Closes every idle connection that has waited on its client past what the current
    /// load allows. Returns how many.
    fn sweep(&self) -> usize {
        let mut counts = self.counts.lock().expect("tracker lock");
        let now_ms = self.now_ms();
        let slow: Vec<u64> = counts
            .conns
            .iter()
            .filter(|(_, c)| c.busy.load(Ordering::Acquire) == 0)
            .filter(|(_, c)| self.too_slow(c, self.limits.pace(self.load(&counts, c.network)), now_ms))
            .map(|(id, _)| *id)
            .collect();
        for id in &slow {
            if let Some(conn) = self.forget(&mut counts, *id) {
                conn.shed.notify_one();
            }
        }
        // A waiter whose turn was lost (it was shed meanwhile) must not leave a place unused.
        if counts.active < self.limits.active {
            self.freed.notify_one();
        }
        slow.len()
    }

    /// The pace for a connection now.
    fn pace_for(&self, conn: &Conn) -> Pace {
        let counts = self.counts.lock().expect("tracker lock");
        self.limits.pace(self.load(&counts, conn.network))
    }
}

/// The connections of the networks holding the most (by `which`), if that is more than
/// `mine`; at most eight networks are looked at.
fn heaviest(counts: &Counts, mine: usize, which: impl Fn(&Held) -> &HashSet<u64>) -> Vec<u64> {
    let most = counts.by_network.values().map(|h| which(h).len()).max().unwrap_or(0);
    if most <= mine {
        return Vec::new();
    }
    counts
        .by_network
        .values()
        .filter(|h| which(h).len() == most)
        .take(8)
        .flat_map(|h| which(h).iter().copied())
        .collect()
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !self.conn.gone.load(Ordering::Acquire) {
            let mut counts = self.tracker.counts.lock().expect("tracker lock");
            self.tracker.forget(&mut counts, self.id);
        }
    }
}

/// How much of a request head is looked at while waiting for it; a longer head is handed on
/// to HTTP (which refuses heads over its own limit).
const PEEK_BYTES: usize = 8 * 1024;

/// Whether the bytes hold a whole request head (they end with an empty line).
fn has_whole_head(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"\r\n\r\n").is_some() || memchr::memmem::find(bytes, b"\n\n").is_some()
}

/// Looks at what waits in the socket without taking it: how many bytes, and whether they are
/// enough (a whole request head with `whole_head`, else any byte). `Ok(0)` at the end of
/// the stream.
fn peek_head(stream: &TcpStream, whole_head: bool) -> std::io::Result<(usize, bool)> {
    let mut buf = [0u8; PEEK_BYTES];
    let (n, _) = rustix::net::recv(stream, &mut buf[..], rustix::net::RecvFlags::PEEK)?;
    let enough = if whole_head { n >= PEEK_BYTES || has_whole_head(&buf[..n]) } else { n > 0 };
    Ok((n, enough))
}

/// Waits, cheaply, until the client has sent something worth serving: its first byte or,
/// with `whole_head`, a whole request head (which stays in the kernel's buffer meanwhile).
/// Bytes seen count as progress. `false` when the client closed or the socket failed.
async fn wait_for_request(stream: &TcpStream, conn: &Conn, whole_head: bool) -> bool {
    use std::io::ErrorKind::WouldBlock;
    let mut seen = 0;
    let mut idle_rounds = 0u32;
    loop {
        let Ok(ready) = stream.ready(tokio::io::Interest::READABLE).await else { return false };
        // Peeking leaves the socket readable: when there is nothing new, report WouldBlock so
        // that tokio clears the readiness and the next wait is for new bytes (no busy loop).
        let looked = stream.try_io(tokio::io::Interest::READABLE, || match peek_head(stream, whole_head) {
            Ok((n, enough)) if n == 0 || enough || n > seen => Ok((n, enough)),
            Ok(_) => Err(WouldBlock.into()),
            Err(e) => Err(e),
        });
        let looked = match looked {
            Err(e) if e.kind() == WouldBlock => {
                // Bytes may have come between that look and the clearing: look once more.
                match peek_head(stream, whole_head) {
                    // Nothing there yet (the readiness was stale): wait again.
                    Err(e) if e.kind() == WouldBlock => {
                        idle_rounds += 1;
                        if idle_rounds > 2 {
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                        continue;
                    }
                    other => other,
                }
            }
            other => other,
        };
        match looked {
            Ok((0, _)) | Err(_) => return false,
            Ok((_, true)) => return true,
            Ok((n, false)) => {
                // The client stopped sending (half-closed) before a whole head: nothing to serve.
                if ready.is_read_closed() {
                    return false;
                }
                if n > seen {
                    seen = n;
                    idle_rounds = 0;
                    conn.progress.fetch_max(seen as u64, Ordering::AcqRel);
                } else {
                    idle_rounds += 1;
                }
            }
        }
        // A safety net should the socket keep reporting readiness without new bytes.
        if idle_rounds > 2 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A TCP stream that counts the bytes it carries into its connection's progress.
struct Metered {
    stream: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Metered {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.stream).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        this.conn.progress.fetch_add(read as u64, Ordering::AcqRel);
        result
    }
}

impl AsyncWrite for Metered {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write(cx, data);
        if let Poll::Ready(Ok(n)) = result {
            this.conn.progress.fetch_add(n as u64, Ordering::AcqRel);
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = result {
            this.conn.progress.fetch_add(n as u64, Ordering::AcqRel);
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// A request body that must arrive at a minimum rate: after `grace`, `rate` bytes a second.
struct MinRateBody {
    inner: Incoming,
    /// The rate kept, when there is a body to pace.
    paced: Option<Paced>,
}

struct Paced {
    started: tokio::time::Instant,
    received: u64,
    pace: Pace,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl MinRateBody {
    /// `inner` at `pace`, or as it comes when `pace` is `None`.
    fn new(inner: Incoming, pace: Option<Pace>) -> MinRateBody {
        let paced = pace.map(|pace| Paced {
            started: tokio::time::Instant::now(),
            received: 0,
            pace,
            deadline: Box::pin(tokio::time::sleep(pace.grace)),
        });
        MinRateBody { inner, paced }
    }
}

impl http_body::Body for MinRateBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        match (Pin::new(&mut this.inner).poll_frame(cx), &mut this.paced) {
            (Poll::Ready(Some(Ok(frame))), paced) => {
                if let (Some(data), Some(p)) = (frame.data_ref(), paced) {
                    p.received += data.len() as u64;
                    let allowed = p.pace.grace + Duration::from_millis(p.received * 1000 / p.pace.rate);
                    p.deadline.as_mut().reset(p.started + allowed);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            (Poll::Ready(other), _) => Poll::Ready(other.map(|r| r.map_err(Into::into))),
            (Poll::Pending, None) => Poll::Pending,
            (Poll::Pending, Some(p)) => match p.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err("request body arrived too slowly".into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Raises the open-file limit to its hard maximum and returns the connection capacity that
/// fits in it (keeping room for the database, logs, uploads and listeners).
fn fit_to_file_limit(wanted: usize) -> usize {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if let (Some(current), Some(maximum)) = (limit.current, limit.maximum)
        && current < maximum
    {
        let _ = setrlimit(
            Resource::Nofile,
            rustix::process::Rlimit { current: Some(maximum), maximum: Some(maximum) },
        );
    }
    let available = getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX);
    let room = available.saturating_sub(256).max(64);
    wanted.min(usize::try_from(room).unwrap_or(usize::MAX))
}

/// Opens listening sockets on `addrs`. An unspecified IPv6 address (`[::]`) is dual-stack,
/// taking IPv4 clients too, unless an IPv4 address on the same port is also listed; on a
/// machine without IPv6 it falls back to `0.0.0.0`. Must be called inside the runtime.
pub fn bind(addrs: &[SocketAddr]) -> std::io::Result<Vec<TcpListener>> {
    let mut listeners = Vec::new();
    for &addr in addrs {
        let v4_too = addrs.iter().any(|a| a.is_ipv4() && a.port() == addr.port());
        let std_listener = match bind_one(addr, v4_too) {
            Err(e) if addr.ip().is_unspecified() && addr.is_ipv6() && !v4_too => {
                tracing::warn!(error = %e, "no IPv6 here: listening on IPv4 only");
                bind_one(SocketAddr::from(([0, 0, 0, 0], addr.port())), false)?
            }
            other => other?,
        };
        listeners.push(TcpListener::from_std(std_listener)?);
    }
    Ok(listeners)
}

fn bind_one(addr: SocketAddr, v6_only: bool) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(v6_only)?;
    }
    // As tokio does: a restarted server can listen again at once.
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(4096)?;
    Ok(socket.into())
}

/// What a listener serves: the site ([`Site`](super::frame::Site)) or the HTTP-to-HTTPS
/// redirect's router. One type, so that the connection code exists once in the binary.
pub type Served = tower::util::Either<super::frame::Site, axum::Router>;

/// A connection's share of the server: what it serves, the tracker and its own place.
struct Here {
    served: Served,
    tracker: Tracker,
    conn: Arc<Conn>,
}

/// The answer of `served` to `request`.
async fn answer(served: &Served, request: axum::extract::Request) -> axum::response::Response {
    match served {
        tower::util::Either::Left(site) => site.answer(request).await,
        tower::util::Either::Right(router) => {
            router.clone().oneshot(request).await.unwrap_or_else(|never| match never {})
        }
    }
}

/// Serves `served` on every listener (over TLS when `tls` is given) until `shutdown` completes,
/// then lets open requests finish.
pub async fn serve(
    listeners: Vec<TcpListener>,
    served: Served,
    tls: Option<TlsAcceptor>,
    mut limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    limits.total = fit_to_file_limit(limits.total);
    let tracker = Tracker::new(limits);
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(64 * 1024)
        // A request is not abandoned when the client shuts its sending side. The default
        // looks for that end while each request is served, and its read grows a fresh 8 kB
        // buffer per request (the request still holds the last one): measured 4 % of a cached
        // page's CPU. A client that goes away is still found when its answer is written.
        .half_close(true)
        .keep_alive(true);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(Duration::from_secs(30)));

    // Every listener feeds one queue, so that one loop admits from all of them.
    let (accepted_tx, mut accepted) = tokio::sync::mpsc::channel::<(TcpStream, SocketAddr)>(64);
    let mut accepting = Vec::new();
    for listener in listeners {
        let tx = accepted_tx.clone();
        accepting.push(tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok(pair) => {
                        if tx.send(pair).await.is_err() {
                            break;
                        }
                    }
                    // Out of file descriptors and the like: wait a moment instead of spinning.
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
        }));
    }
    drop(accepted_tx);
    let sweeping = tracker.clone();
    let sweeper = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tick.tick().await;
            let closed = sweeping.sweep();
            if closed > 0 {
                tracing::debug!(closed, "closed connections below the minimum rate");
            }
        }
    });

    // Connections still waiting (not yet served by HTTP) are closed at once on shutdown.
    let (stopping_tx, stopping) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            next = accepted.recv() => match next {
                Some(pair) => pair,
                None => break,
            },
            () = &mut shutdown => break,
        };
        let peer = SocketAddr::new(canonical(peer.ip()), peer.port());
        let Some(slot) = tracker.acquire(peer.ip()) else {
            drop(stream); // Over a cap with nobody slower to shed: closed at once.
            continue;
        };
        let _ = stream.set_nodelay(true);
        let conn = slot.conn.clone();
        // What each request needs, shared once per connection: a request clones only this
        // pointer, which no other connection touches (the server-wide ones are each an atomic
        // count all cores write to).
        let here = Arc::new(Here { served: served.clone(), tracker: tracker.clone(), conn: conn.clone() });
        let service = tower::service_fn(move |request: hyper::Request<Incoming>| {
            let here = here.clone();
            async move {
                // Busy (never shed, not waiting on the client) until the response head is ready.
                here.conn.busy.fetch_add(1, Ordering::AcqRel);
                let _busy = Busy { tracker: &here.tracker, conn: &here.conn };
                // No body (a GET): nothing to pace, so no tracker lock and no timer.
                let body_pace = (!http_body::Body::is_end_stream(request.body())).then(|| {
                    let pace = here.tracker.pace_for(&here.conn);
                    Pace { grace: pace.grace * 2, rate: pace.rate }
                });
                let mut request =
                    request.map(|body| axum::body::Body::new(MinRateBody::new(body, body_pace)));
                request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                Ok::<_, std::convert::Infallible>(answer(&here.served, request).await)
            }
        });
        let service = TowerToHyperService::new(service);
        let watcher = graceful.watcher();
        let (tls, builder, tracker) = (tls.clone(), builder.clone(), tracker.clone());
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let shed = conn.shed.notified();
            tokio::pin!(shed);
            // Waiting costs only this task: nothing for HTTP or TLS yet.
            tokio::select! {
                biased;
                () = &mut shed => return,
                _ = stopping.wait_for(|stop| *stop) => return,
                ready = wait_for_request(&stream, &conn, tls.is_none()) => if !ready { return },
            }
            loop {
                let freed = tracker.freed.notified();
                tokio::pin!(freed);
                freed.as_mut().enable();
                if tracker.activate(&slot) {
                    break;
                }
                tokio::select! {
                    biased;
                    () = &mut shed => return,
                    _ = stopping.wait_for(|stop| *stop) => return,
                    () = freed => {}
                }
            }
            // Under load, the headers get less time too.
            let mut builder = builder;
            builder.http1().header_read_timeout(tracker.pace_for(&conn).grace);
            let metered = conn.clone();
            let serving = Box::pin(async move {
                let io = Metered { stream, conn: metered };
                let result = match tls {
                    Some(acceptor) => {
                        match tokio::time::timeout(limits.handshake_timeout, acceptor.accept(io)).await {
                            Ok(Ok(stream)) => {
                                let conn = builder.serve_connection(TokioIo::new(stream), service);
                                watcher.watch(conn.into_owned()).await
                            }
                            // Failed or too slow handshakes (old TLS versions, scanners) just end.
                            _ => return,
                        }
                    }
                    None => {
                        let conn = builder.serve_connection(TokioIo::new(io), service);
                        watcher.watch(conn.into_owned()).await
                    }
                };
                if let Err(e) = result {
                    tracing::debug!(error = %e, %peer, "connection ended with an error");
                }
            });
            tokio::select! {
                biased;
                () = &mut shed => {}
                () = serving => {}
            }
            drop(slot);
        });
    }
    for task in accepting {
        task.abort();
    }
    sweeper.abort();
    let _ = stopping_tx.send(true);
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

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn caps_per_address_and_overall() {
        let limits = Limits { per_address: 2, per_network: 100, total: 3, ..Limits::default() };
        let tracker = Tracker::new(limits);
        let (a, b) = (ip("192.168.1.5"), ip("192.168.2.6"));
        let a1 = tracker.acquire(a).unwrap();
        let _a2 = tracker.acquire(a).unwrap();
        assert!(tracker.acquire(a).is_none(), "third from one address");
        let _b1 = tracker.acquire(b).unwrap();
        // Full, and nobody has waited long enough to be behind the minimum rate.
        assert!(tracker.acquire(b).is_none(), "over the total");
        drop(a1);
        assert!(tracker.acquire(b).is_some(), "a closed connection frees its place");
    }

    #[test]
    fn networks_are_capped_and_mapped_addresses_are_ipv4() {
        let limits = Limits { per_address: 10, per_network: 3, ..Limits::default() };
        let tracker = Tracker::new(limits);
        let _held: Vec<Slot> = ["203.0.113.1", "203.0.113.2", "::ffff:203.0.113.3"]
            .iter()
            .map(|a| tracker.acquire(ip(a)).unwrap())
            .collect();
        assert!(tracker.acquire(ip("203.0.113.4")).is_none(), "a fourth from the /24");
        assert!(tracker.acquire(ip("203.0.114.4")).is_some(), "the next /24 is apart");
        let _v6: Vec<Slot> =
            (1..=3).map(|n| tracker.acquire(ip(&format!("2001:db8:1:2::{n}"))).unwrap()).collect();
        assert!(tracker.acquire(ip("2001:db8:1:2:ffff::9")).is_none(), "a fourth from the /64");
        assert!(tracker.acquire(ip("2001:db8:1:3::1")).is_some());
        assert_eq!(canonical(ip("::ffff:192.168.1.9")), ip("192.168.1.9"));
    }

    #[test]
    fn when_full_the_slowest_idle_connection_makes_room() {
        let limits = Limits { per_address: 10, per_network: 2, ..Limits::default() };
        let tracker = Tracker::new(limits);
        let slow = tracker.acquire(ip("198.51.100.1")).unwrap();
        let busy = tracker.acquire(ip("198.51.100.2")).unwrap();
        busy.conn.busy.store(1, Ordering::Release);
        // The slow one has sent nothing for 5 s.
        slow.conn.mark_ms.store(0, Ordering::Release);
        let later = Tracker { epoch: tracker.epoch - Duration::from_secs(5), ..tracker.clone() };
        let newcomer = later.acquire(ip("198.51.100.3")).expect("room made");
        assert!(slow.conn.gone.load(Ordering::Acquire), "the slow one was shed");
        assert!(!busy.conn.gone.load(Ordering::Acquire), "a busy one never is");
        drop(slow); // Its task ending must not count it twice.
        assert!(later.acquire(ip("198.51.100.4")).is_none(), "still two: busy and newcomer");
        drop(newcomer);
    }

    #[test]
    fn a_full_network_makes_room_for_a_new_address_not_for_a_greedy_one() {
        let limits = Limits { per_address: 64, per_network: 6, ..Limits::default() };
        let tracker = Tracker::new(limits);
        let greedy: Vec<Slot> = (0..5).map(|_| tracker.acquire(ip("192.0.2.66")).unwrap()).collect();
        let _other = tracker.acquire(ip("192.0.2.7")).unwrap();
        assert!(tracker.acquire(ip("192.0.2.66")).is_none(), "the greedy address gets no more");
        let visitor = tracker.acquire(ip("192.0.2.10")).expect("a new address gets in");
        assert_eq!(greedy.iter().filter(|s| s.conn.gone.load(Ordering::Acquire)).count(), 1);
        assert!(!visitor.conn.gone.load(Ordering::Acquire));
        // Nobody may now take the visitor's or the other address's only connection.
        assert!(tracker.acquire(ip("192.0.2.11")).is_some(), "the greedy one still holds four");
        assert!(!visitor.conn.gone.load(Ordering::Acquire) && !_other.conn.gone.load(Ordering::Acquire));
    }

    #[test]
    fn a_full_server_makes_room_from_the_heaviest_network() {
        let limits = Limits { per_address: 64, per_network: 64, total: 5, ..Limits::default() };
        let tracker = Tracker::new(limits);
        let heavy: Vec<Slot> =
            (1..=3).map(|n| tracker.acquire(ip(&format!("198.51.100.{n}"))).unwrap()).collect();
        let light: Vec<Slot> =
            (1..=2).map(|n| tracker.acquire(ip(&format!("203.0.113.{n}"))).unwrap()).collect();
        let newcomer = tracker.acquire(ip("192.0.2.1")).expect("room made");
        assert_eq!(heavy.iter().filter(|s| s.conn.gone.load(Ordering::Acquire)).count(), 1);
        assert!(light.iter().all(|s| !s.conn.gone.load(Ordering::Acquire)));
        // Now 2, 2 and 1: a second newcomer from 192.0.2.0/24 (1) may not take from a network of 2.
        assert!(tracker.acquire(ip("192.0.2.2")).is_none());
        drop(newcomer);
    }

    #[test]
    fn active_places_go_to_light_networks_and_addresses_first() {
        let limits = Limits { active: 4, ..Limits::default() };
        let tracker = Tracker::new(limits);
        let heavy: Vec<Slot> =
            (1..=4).map(|n| tracker.acquire(ip(&format!("198.51.100.{n}"))).unwrap()).collect();
        assert!(heavy.iter().all(|s| tracker.activate(s)));
        // A second address of the same network waits: nobody there holds two more than it.
        let same = tracker.acquire(ip("198.51.100.9")).unwrap();
        assert!(!tracker.activate(&same));
        // Another network holds none: the heavy one gives a place up.
        let visitor = tracker.acquire(ip("203.0.113.5")).unwrap();
        assert!(tracker.activate(&visitor));
        assert_eq!(heavy.iter().filter(|s| s.conn.gone.load(Ordering::Acquire)).count(), 1);
        // Within one network, an address holding many gives way to one holding none.
        let tracker = Tracker::new(limits);
        let greedy: Vec<Slot> = (0..4).map(|_| tracker.acquire(ip("192.0.2.66")).unwrap()).collect();
        assert!(greedy.iter().all(|s| tracker.activate(s)));
        let neighbour = tracker.acquire(ip("192.0.2.7")).unwrap();
        assert!(tracker.activate(&neighbour));
        // Closing an active connection frees its place.
        drop(neighbour);
        let next = tracker.acquire(ip("192.0.2.8")).unwrap();
        assert!(tracker.activate(&next));
    }

    #[test]
    fn a_request_head_is_whole_at_its_empty_line() {
        assert!(has_whole_head(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assert!(has_whole_head(b"GET / HTTP/1.0\n\n"));
        assert!(!has_whole_head(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a\r\n"));
    }

    #[tokio::test]
    async fn waiting_for_a_head_leaves_it_in_the_socket() {
        use std::io::Write as _;
        use tokio::io::AsyncReadExt as _;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut stream, _) = listener.accept().await.unwrap();
        let tracker = Tracker::new(Limits::default());
        let slot = tracker.acquire(ip("127.0.0.1")).unwrap();
        client.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
        let waiting =
            tokio::time::timeout(Duration::from_millis(300), wait_for_request(&stream, &slot.conn, true));
        assert!(waiting.await.is_err(), "a partial head is not a request yet");
        assert_eq!(slot.conn.progress.load(Ordering::Acquire), 25, "the bytes seen count as progress");
        client.write_all(b"\r\n").unwrap();
        let ready = tokio::time::timeout(Duration::from_secs(2), wait_for_request(&stream, &slot.conn, true));
        assert_eq!(ready.await, Ok(true));
        let mut head = vec![0; 27];
        stream.read_exact(&mut head).await.unwrap();
        assert_eq!(&head[..], b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "nothing was taken out");
        drop(client);
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).await.unwrap();
        assert!(!wait_for_request(&stream, &slot.conn, true).await, "end of stream");

        // A partial head and then the end of the stream: given up at once, without spinning.
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (stream, _) = listener.accept().await.unwrap();
        client.write_all(b"GET / HTTP/1.1\r\nHost:").unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let gave_up =
            tokio::time::timeout(Duration::from_secs(2), wait_for_request(&stream, &slot.conn, true));
        assert_eq!(gave_up.await, Ok(false));
    }

    #[test]
    fn the_pace_tightens_with_load() {
        let limits = Limits::default();
        let (quiet, busy, full) = (limits.pace(0.1), limits.pace(0.6), limits.pace(0.95));
        assert!(quiet.grace > busy.grace && busy.grace > full.grace);
        assert!(quiet.rate < busy.rate && busy.rate < full.rate);
    }

    #[test]
    fn the_sweep_closes_connections_below_the_rate() {
        let limits = Limits { per_network: 2, ..Limits::default() };
        let tracker = Tracker::new(limits);
        let a = tracker.acquire(ip("198.51.100.1")).unwrap();
        let b = tracker.acquire(ip("198.51.100.2")).unwrap();
        assert_eq!(tracker.sweep(), 0, "nobody has waited yet");
        // Full network (strict pace: 2 s grace): `a` sent 100 bytes in 3 s, `b` 5 000.
        let later = Tracker { epoch: tracker.epoch - Duration::from_secs(3), ..tracker.clone() };
        a.conn.progress.store(100, Ordering::Release);
        b.conn.progress.store(5000, Ordering::Release);
        assert_eq!(later.sweep(), 1);
        assert!(a.conn.gone.load(Ordering::Acquire) && !b.conn.gone.load(Ordering::Acquire));
    }
}
