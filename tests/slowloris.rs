//! Slowloris: a thousand idle or trickling connections from one address (127.0.0.2) must not
//! stop a normal visitor (127.0.0.1) from being served, and are cut off by the header
//! deadline; and about 5 000 trickling, reconnecting sockets from 253 addresses of the
//! visitor's own /24 (64 addresses with 64 each, 189 with 5) for 30 s leave the visitor at
//! least 99 % of its requests, with the server under 120 MB.

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

/// One attacking socket: where it comes from, and when it last sent a header line.
struct Slow {
    source: String,
    stream: Option<TcpStream>,
    last: Instant,
}

#[test]
fn slowloris_from_many_addresses_does_not_stop_a_normal_visitor() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    let server = Server::demo();
    let target: SocketAddr = server.base.trim_start_matches("http://").parse().unwrap();
    // 64 addresses with 64 sockets each, and 189 more addresses with 5 each (about 5 000
    // sockets, all in 127.0.0.0/24 with the normal visitor): each sends a header line every
    // 2 s and reconnects as soon as it is closed, for 30 s.
    let attack = Duration::from_secs(30);
    let mut slots: Vec<Slow> = Vec::new();
    for host in 2..=65 {
        slots.extend((0..64).map(|_| Slow {
            source: format!("127.0.0.{host}"),
            stream: None,
            last: Instant::now(),
        }));
    }
    for host in 66..=254 {
        slots.extend((0..5).map(|_| Slow {
            source: format!("127.0.0.{host}"),
            stream: None,
            last: Instant::now(),
        }));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let connects = Arc::new(AtomicU64::new(0));
    let threads = 6;
    let mut groups: Vec<Vec<Slow>> = (0..threads).map(|_| Vec::new()).collect();
    for (n, slot) in slots.into_iter().enumerate() {
        groups[n % threads].push(slot);
    }
    let attackers: Vec<_> = groups
        .into_iter()
        .map(|mut group| {
            let (stop, connects) = (stop.clone(), connects.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    for slot in &mut group {
                        match &mut slot.stream {
                            None => {
                                if let Some(mut s) = connect_from(&slot.source, target) {
                                    let _ = s.set_write_timeout(Some(Duration::from_millis(50)));
                                    if s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n").is_ok() {
                                        connects.fetch_add(1, Ordering::Relaxed);
                                        slot.stream = Some(s);
                                        slot.last = Instant::now();
                                    }
                                }
                            }
                            Some(s) if slot.last.elapsed() >= Duration::from_secs(2) => {
                                slot.last = Instant::now();
                                if s.write_all(b"X-Slow: a\r\n").is_err() {
                                    slot.stream = None;
                                }
                            }
                            Some(_) => {}
                        }
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        })
        .collect();

    // A normal visitor (127.0.0.1) asks for pages all the while, each on a new connection.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(3)); // Let the attack fill up first.
    let (mut ok, mut tried, mut slowest) = (0u32, 0u32, Duration::ZERO);
    let mut peak_kb = 0;
    while started.elapsed() < attack {
        let path = ["/", "/c/news", "/search?q=ภาษี", "/healthz"][tried as usize % 4];
        let t = Instant::now();
        tried += 1;
        match agent.get(&format!("{}{path}", server.base)).call() {
            Ok(reply) if reply.status() == 200 => {
                ok += 1;
                slowest = slowest.max(t.elapsed());
                if t.elapsed() > Duration::from_secs(1) {
                    eprintln!("{path}: slow, {:?}", t.elapsed());
                }
            }
            Ok(reply) => eprintln!("{path}: status {}", reply.status()),
            Err(e) => eprintln!("{path}: {e}"),
        }
        if let Some((_, hwm)) = server.memory_kb() {
            peak_kb = peak_kb.max(hwm);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, Ordering::Relaxed);
    for t in attackers {
        t.join().unwrap();
    }
    let rate = f64::from(ok) * 100.0 / f64::from(tried);
    println!(
        "normal client: {ok} of {tried} requests served ({rate:.1} %), slowest {slowest:?}; \
         attacker connections made: {}; server peak RSS {} MB",
        connects.load(Ordering::Relaxed),
        peak_kb / 1024
    );
    assert!(rate >= 99.0, "normal client success {rate:.1} %");
    assert!(peak_kb < 120 * 1024, "server peak RSS {} MB", peak_kb / 1024);
    assert_eq!(server.get("/healthz").status, 200);
}
