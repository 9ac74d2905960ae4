//! Where a request comes from, and the LAN-only rule for staff pages.
//!
//! The client's address is the TCP peer. Only when the peer is a configured trusted proxy is
//! `X-Forwarded-For` read, from the right, skipping further trusted proxies: the first address
//! that is not a trusted proxy is the client. A forwarded header from anyone else is ignored.
//! IPv4-mapped IPv6 addresses (`::ffff:192.168.1.20`, how a dual-stack listener sees IPv4
//! clients) are the IPv4 addresses they carry.
//!
//! The office LAN is `[access] staff_networks`. While that list is the default (private and
//! link-local ranges), the networks the machine itself is on count as LAN too, read from its
//! interfaces: an office whose ISP gives the LAN global IPv6 addresses (common in Thailand)
//! or public IPv4 addresses is then still recognised. A list set by hand is used exactly.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ipnet::IpNet;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{Shared, WebError};
use crate::config::Access;

/// The client's address as decided by [`client_ip`], stored in each request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// The client's address for a request that arrived from `peer`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, access: &Access) -> IpAddr {
    let peer = peer.to_canonical();
    let trusted = |ip: &IpAddr| access.trusted_proxies.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return peer;
    }
    headers
        .get_all(X_FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
        .rev()
        .find(|ip| !trusted(ip))
        .unwrap_or(peer)
}

/// `X-Forwarded-For`, named once (a name given as text is parsed and checked at each use).
pub const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// How long the machine's own networks are remembered before the interfaces are read again
/// (an ISP may change the IPv6 prefix at any time).
const ON_LINK_TTL: Duration = Duration::from_secs(30);

/// The machine's own on-link networks, as last read.
static ON_LINK: Mutex<Option<(Instant, Arc<Vec<IpNet>>)>> = Mutex::new(None);

/// The networks of the machine's own interfaces (loopback aside): the LAN it sits on, global
/// IPv6 prefixes included. Networks wider than an IPv4 /16 or an IPv6 /48 are left out: no
/// office LAN is that big, and a misconfigured mask must not open the staff pages to all.
pub fn on_link_networks() -> Arc<Vec<IpNet>> {
    let mut cached = ON_LINK.lock().expect("on-link lock");
    if let Some((at, nets)) = &*cached
        && at.elapsed() < ON_LINK_TTL
    {
        return nets.clone();
    }
    let nets: Vec<IpNet> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|iface| !iface.is_loopback())
        .filter_map(|iface| match iface.addr {
            if_addrs::IfAddr::V4(a) if a.prefixlen >= 16 => IpNet::new(a.ip.into(), a.prefixlen).ok(),
            if_addrs::IfAddr::V6(a) if a.prefixlen >= 48 => IpNet::new(a.ip.into(), a.prefixlen).ok(),
            _ => None,
        })
        .map(|net| net.trunc())
        .collect();
    let nets = Arc::new(nets);
    *cached = Some((Instant::now(), nets.clone()));
    nets
}

/// Whether `ip` is on the office LAN under `access` (see the module documentation).
pub fn is_lan(ip: IpAddr, access: &Access) -> bool {
    let ip = ip.to_canonical();
    if access.staff_networks.iter().any(|net| net.contains(&ip)) {
        return true;
    }
    access.staff_networks == Access::default().staff_networks
        && on_link_networks().iter().any(|net| net.contains(&ip))
}

/// The connection's address (`peer`) and the client's, decided by [`client_ip`]; the frame
/// records the client's as [`ClientIp`].
pub fn addresses_of(request: &Request, access: &Access) -> (IpAddr, IpAddr) {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |ConnectInfo(a)| a.ip());
    (peer, client_ip(peer, request.headers(), access))
}

/// Middleware: refuses staff pages from outside the allowed networks with a Thai 403 page.
pub async fn check(State(app): State<Shared>, mut request: Request, next: Next) -> Response {
    let access = &app.settings().access;
    let ip = match request.extensions().get::<ClientIp>() {
        Some(&ClientIp(ip)) => ip,
        None => {
            // Only when the routes are served without the frame (it records the address).
            let (_, ip) = addresses_of(&request, access);
            request.extensions_mut().insert(ClientIp(ip));
            ip
        }
    };
    if crate::paths::is_private(request.uri().path()) && !is_lan(ip, access) {
        return WebError::Forbidden(
            "หน้าสำหรับเจ้าหน้าที่ใช้ได้เฉพาะจากเครือข่ายภายในสำนักงาน (office LAN only)".into(),
        )
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(proxies: &[&str]) -> Access {
        Access { trusted_proxies: proxies.iter().map(|p| p.parse().unwrap()).collect(), ..Access::default() }
    }

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let peer: IpAddr = "203.0.113.7".parse().unwrap();
        let lan: IpAddr = "192.168.1.20".parse().unwrap();
        // Without a trusted proxy the header is ignored: anyone could send it.
        assert_eq!(client_ip(peer, &headers("192.168.1.20"), &access(&[])), peer);
        // From the trusted proxy, the right-most untrusted address is the client.
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let a = access(&["10.0.0.2/32"]);
        assert_eq!(client_ip(proxy, &headers("1.2.3.4, 192.168.1.20"), &a), lan);
        assert_eq!(client_ip(proxy, &headers("192.168.1.20, 10.0.0.2"), &a), lan);
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &a), proxy);
    }

    #[test]
    fn mapped_addresses_are_ipv4_and_own_networks_are_lan() {
        let mapped: IpAddr = "::ffff:192.168.1.20".parse().unwrap();
        assert_eq!(
            client_ip(mapped, &HeaderMap::new(), &access(&[])),
            "192.168.1.20".parse::<IpAddr>().unwrap()
        );
        let defaults = Access::default();
        assert!(is_lan(mapped, &defaults));
        assert!(!is_lan("8.8.8.8".parse().unwrap(), &defaults));
        assert!(!is_lan("2001:4860:4860::8888".parse().unwrap(), &defaults));
        // Each network of this machine's own interfaces counts as LAN, with the default list.
        for net in on_link_networks().iter() {
            assert!(is_lan(net.network(), &defaults), "{net}");
        }
        // A list set by hand is used exactly.
        let strict = Access { staff_networks: vec!["192.168.7.0/24".parse().unwrap()], ..Access::default() };
        assert!(!is_lan("127.0.0.1".parse().unwrap(), &strict));
        assert!(is_lan("::ffff:192.168.7.9".parse().unwrap(), &strict));
    }
}
