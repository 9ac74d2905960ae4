//! The plain-HTTP side when HTTPS is on: it answers ACME HTTP-01 challenges and `/healthz`,
//! and sends everything else to HTTPS with a permanent redirect (308).

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::uri::Authority;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::appliance::acme::Challenges;

#[derive(Clone)]
struct Redirecting {
    https_port: u16,
    challenges: Challenges,
}

/// The router for the HTTP port while HTTPS listens on `https_port`.
pub fn router(https_port: u16, challenges: Challenges) -> Router {
    Router::new()
        .route("/.well-known/acme-challenge/{token}", get(challenge))
        .route("/healthz", get(|| async { format!("ok prakat {}\n", env!("CARGO_PKG_VERSION")) }))
        .fallback(to_https)
        .with_state(Redirecting { https_port, challenges })
}

async fn challenge(State(r): State<Redirecting>, Path(token): Path<String>) -> Response {
    match r.challenges.lock().expect("challenges").get(&token) {
        Some(key_authorization) => key_authorization.clone().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The HTTPS address of the same page.
fn https_url(host: Option<&str>, https_port: u16, path_and_query: &str) -> String {
    let host = host
        .and_then(|h| h.parse::<Authority>().ok())
        .map_or("localhost".to_string(), |a| a.host().to_owned());
    if https_port == 443 {
        format!("https://{host}{path_and_query}")
    } else {
        format!("https://{host}:{https_port}{path_and_query}")
    }
}

async fn to_https(State(r): State<Redirecting>, request: Request) -> Redirect {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    Redirect::permanent(&https_url(host, r.https_port, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_host_and_path_on_the_https_port() {
        assert_eq!(
            https_url(Some("192.168.1.10:8080"), 8443, "/c/news?page=2"),
            "https://192.168.1.10:8443/c/news?page=2"
        );
        assert_eq!(https_url(Some("www.example.go.th"), 443, "/"), "https://www.example.go.th/");
        assert_eq!(https_url(Some("[::1]:80"), 443, "/x"), "https://[::1]/x");
        assert_eq!(https_url(None, 443, "/"), "https://localhost/");
    }
}
