//! Where a request comes from, and the LAN-only rule for staff pages.
//!
//! The client's address is the TCP peer. Only when the peer is a configured trusted proxy is
//! `X-Forwarded-For` read, from the right, skipping further trusted proxies: the first address
//! that is not a trusted proxy is the client. A forwarded header from anyone else is ignored.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{Shared, WebError};
use crate::config::Access;

/// The client's address as decided by [`client_ip`], stored in each request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// The client's address for a request that arrived from `peer`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, access: &Access) -> IpAddr {
    let trusted = |ip: &IpAddr| access.trusted_proxies.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    forwarded.into_iter().rev().find(|ip| !trusted(ip)).unwrap_or(peer)
}

/// Middleware: records the client's address and refuses staff pages from outside the allowed
/// networks with a Thai 403 page.
pub async fn check(State(app): State<Shared>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |ConnectInfo(a)| a.ip());
    let access = &app.config.settings.access;
    let ip = client_ip(peer, request.headers(), access);
    request.extensions_mut().insert(ClientIp(ip));
    if crate::paths::is_private(request.uri().path())
        && !access.staff_networks.iter().any(|net| net.contains(&ip))
    {
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
}
