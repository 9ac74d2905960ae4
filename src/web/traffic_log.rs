//! Records every request in the traffic log (see [`crate::appliance::traffic`]), after the
//! response is made, without waiting for the disk. Part of the [frame](super::frame).

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::extract::Request;
use axum::http::header;
use axum::response::Response;

use super::{App, access};
use crate::appliance::traffic::{Record, escape_header};

/// Where the session layer leaves the logged-in account's id for the log (0: none).
#[derive(Clone, Default)]
pub struct AccountSlot(pub Arc<AtomicI64>);

impl AccountSlot {
    /// Notes the logged-in account.
    pub fn set(&self, id: i64) {
        self.0.store(id, Ordering::Relaxed);
    }
}

/// What the log keeps of a request, taken before it is served.
pub struct Entry {
    client: IpAddr,
    forwarded: Option<String>,
    method: String,
    path: String,
    agent: Option<String>,
    slot: Option<AccountSlot>,
    tls: bool,
}

impl Entry {
    /// Takes what the log needs of `request` (whose client is `client`, decided by the access
    /// rules from `peer`), and leaves an [`AccountSlot`] in it for the session layer when it
    /// has a `cookie`; `None` when no log is kept.
    pub fn begin(
        app: &App,
        request: &mut Request,
        peer: IpAddr,
        client: IpAddr,
        cookie: bool,
    ) -> Option<Entry> {
        app.traffic.as_ref()?;
        let forwarded = (client != peer)
            .then(|| request.headers().get(access::X_FORWARDED_FOR).map(|v| escape_header(v.as_bytes())))
            .flatten();
        // Every byte kept (non-ASCII escaped): a client cannot keep itself out of the legal log.
        let agent = request.headers().get(header::USER_AGENT).map(|v| escape_header(v.as_bytes()));
        // Only a request with a cookie can carry a staff session.
        let slot = cookie.then(|| {
            let slot = AccountSlot::default();
            request.extensions_mut().insert(slot.clone());
            slot
        });
        Some(Entry {
            client,
            forwarded,
            method: request.method().as_str().to_owned(),
            path: request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned(),
            agent,
            slot,
            tls: app.https,
        })
    }

    /// Logs the request with what was answered.
    pub fn end(self, app: &App, response: &Response) {
        let Some(recorder) = &app.traffic else { return };
        let account = self.slot.map_or(0, |slot| slot.0.load(Ordering::Relaxed));
        recorder.record(Record {
            time: crate::appliance::traffic::now_text(),
            client: client_text(self.client),
            forwarded: self.forwarded,
            method: self.method,
            path: self.path,
            status: response.status().as_u16(),
            bytes: axum::body::HttpBody::size_hint(response.body()).exact(),
            agent: self.agent,
            account: (account > 0).then_some(account),
            tls: self.tls,
        });
    }
}

/// `client` as text; the last one made on this thread is kept, since a connection's requests
/// (all of them, under load) come from one address.
fn client_text(client: IpAddr) -> String {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(IpAddr, String)>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with_borrow_mut(|last| match last {
        Some((ip, text)) if *ip == client => text.clone(),
        _ => last.insert((client, client.to_string())).1.clone(),
    })
}
