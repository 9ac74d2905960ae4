//! A thousand idle or trickling connections from one address (127.0.0.2) must not stop a
//! normal visitor (127.0.0.1) from being served, and are cut off by the header deadline.

mod common;

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::Server;

/// Opens a TCP connection from `source` (a loopback address) to `target`.
fn connect_from(source: &str, target: SocketAddr) -> Option<TcpStream> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).ok()?;
    socket.bind(&format!("{source}:0").parse::<SocketAddr>().ok()?.into()).ok()?;
    socket.connect_timeout(&target.into(), Duration::from_secs(2)).ok()?;
    Some(socket.into())
}

#[test]
fn slowloris_from_one_address_does_not_starve_others() {
    let server = Server::demo();
    let target: SocketAddr = server.base.trim_start_matches("http://").parse().unwrap();

    // 1 000 connections from 127.0.0.2: half send nothing, half start a request and trickle.
    let mut attackers = Vec::new();
    for n in 0..1000 {
        if let Some(mut s) = connect_from("127.0.0.2", target) {
            if n % 2 == 0 {
                let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            }
            attackers.push(s);
        }
    }
    assert!(attackers.len() > 900, "could only open {} connections", attackers.len());

    // Keep trickling one byte per connection while a normal visitor asks for pages.
    let started = Instant::now();
    for round in 0..5 {
        for s in attackers.iter_mut().step_by(2) {
            let _ = s.write_all(b"a");
        }
        let t = Instant::now();
        let reply = server.get(if round % 2 == 0 { "/" } else { "/c/news" });
        assert_eq!(reply.status, 200);
        assert!(t.elapsed() < Duration::from_secs(2), "normal visitor waited {:?}", t.elapsed());
        std::thread::sleep(Duration::from_millis(300));
    }

    // Most attacking connections were closed at once (over the per-address cap), and the rest
    // are closed by the header deadline (10 s) even though they keep trickling.
    let deadline = started + Duration::from_secs(20);
    let mut open = attackers.len();
    while Instant::now() < deadline && open > 0 {
        open = 0;
        for s in &mut attackers {
            let _ = s.set_read_timeout(Some(Duration::from_millis(1)));
            let _ = s.write_all(b"a");
            let mut buf = [0u8; 256];
            // End of stream or a reset: closed. Data or nothing yet: still open.
            match s.read(&mut buf) {
                Ok(0) => {}
                Ok(_) => open += 1,
                Err(e)
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    open += 1
                }
                Err(_) => {}
            }
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(open, 0, "{open} slow connections still open after 20 s");
    assert_eq!(server.get("/healthz").status, 200);
}
