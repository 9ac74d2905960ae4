//! Records every request in the traffic log (see [`crate::appliance::traffic`]), after the
//! response is made, without waiting for the disk.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use super::Shared;
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

/// Middleware: one record per request.
pub async fn record(State(app): State<Shared>, mut request: Request, next: Next) -> Response {
    let Some(recorder) = app.traffic.clone() else { return next.run(request).await };
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |ConnectInfo(a)| a.ip());
    let access = &app.settings().access;
    let client = super::access::client_ip(peer, request.headers(), access);
    let forwarded = (client != peer)
        .then(|| request.headers().get("x-forwarded-for").map(|v| escape_header(v.as_bytes())))
        .flatten();
    let method = request.method().to_string();
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
    // Every byte kept (non-ASCII escaped): a client cannot keep itself out of the legal log.
    let agent = request.headers().get(header::USER_AGENT).map(|v| escape_header(v.as_bytes()));
    let slot = AccountSlot::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    let bytes = axum::body::HttpBody::size_hint(response.body()).exact();
    let account = slot.0.load(Ordering::Relaxed);
    recorder.record(Record {
        time: jiff::Timestamp::now()
            .to_zoned_datetime(crate::thai::bangkok())
            .strftime("%Y-%m-%dT%H:%M:%S%.3f%:z")
            .to_string(),
        client: client.to_string(),
        forwarded,
        method,
        path,
        status: response.status().as_u16(),
        bytes,
        agent,
        account: (account > 0).then_some(account),
        tls: app.https,
    });
    response
}
