//! Compression and validators for responses, chosen by `Accept-Encoding`.
//!
//! An office's upstream line is usually the bottleneck for citizens reaching the site from
//! outside, so text goes out compressed. What is compressed where:
//! - cached public pages are gzipped once when they enter the page cache (`page_cache`);
//! - embedded text assets are compressed with brotli and gzip at build time (`src/build.rs`);
//! - other text responses above [`MIN_BYTES`] are gzipped on the fly here.
//!
//! Brotli is not done at run time: the `brotli` crate's encoder adds about 1 MB to the static
//! binary (measured: 0.37 MB → 1.41 MB for a program that gzips and brotlis, opt-level "z"),
//! which the 15 MB limit does not allow. gzip comes from zlib-rs, already there for zip files.
//!
//! Files that are already compressed (PDF, images, Office documents, zip archives) and every
//! stored file (which must keep byte ranges) are never compressed.
//!
//! Strong ETags differ by content coding (`"hash"`, `"hash-gz"`, `"hash-br"`), as RFC 9110
//! asks; `If-None-Match` is compared on the hash, since a client holding any coding of the
//! same body may reuse it.

use std::io::Write as _;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest as _, Sha256};

/// Smaller bodies are sent as they are: the gzip header and a packet would gain nothing.
pub const MIN_BYTES: usize = 1024;
/// Larger bodies are not buffered to be compressed on the fly (they stream as they are).
const MAX_BUFFERED_BYTES: usize = 8 << 20;
/// gzip level on the fly: most of level 9's gain at a fraction of its time.
const ON_THE_FLY_LEVEL: u32 = 6;

/// A content coding Prakat can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// The body as it is.
    Identity,
    /// gzip (RFC 1952).
    Gzip,
    /// Brotli (RFC 7932); only for bytes compressed at build time.
    Brotli,
}

impl Coding {
    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<HeaderValue> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some(HeaderValue::from_static("gzip")),
            Coding::Brotli => Some(HeaderValue::from_static("br")),
        }
    }

    /// What the coding adds to a strong ETag.
    pub fn etag_suffix(self) -> &'static str {
        match self {
            Coding::Identity => "",
            Coding::Gzip => "-gz",
            Coding::Brotli => "-br",
        }
    }
}

/// The best coding `headers` accept: brotli (when `brotli` bytes exist) over gzip over
/// identity, honouring `q=0` and `*`.
pub fn negotiate(headers: &HeaderMap, brotli: bool) -> Coding {
    let (mut br, mut gzip, mut star) = (None, None, None);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let name = pieces.next().unwrap_or("").trim();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let is = |coding: &str| name.eq_ignore_ascii_case(coding);
            if is("br") {
                br = Some(q);
            } else if is("gzip") || is("x-gzip") {
                gzip = Some(q);
            } else if name == "*" {
                star = Some(q);
            }
        }
    }
    let br = br.or(star).unwrap_or(0.0);
    let gzip = gzip.or(star).unwrap_or(0.0);
    if brotli && br > 0.0 && br >= gzip {
        Coding::Brotli
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// gzip of `data` at `level` (0–9).
pub fn gzip(data: &[u8], level: u32) -> Bytes {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), flate2::Compression::new(level));
    encoder.write_all(data).expect("writing to a Vec");
    encoder.finish().expect("writing to a Vec").into()
}

/// The hash part of a strong ETag for `body` (96 bits of its SHA-256, in hex).
pub fn body_hash(body: &[u8]) -> String {
    hex::encode(&Sha256::digest(body)[..12])
}

/// A strong ETag header value from a hash and a coding.
pub fn etag(hash: &str, coding: Coding) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{hash}{}\"", coding.etag_suffix())).expect("hex is a valid header")
}

/// Whether `If-None-Match` in `headers` names `hash` (in any coding) or is `*`.
pub fn none_match_hits(headers: &HeaderMap, hash: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).any(|value| {
        value.split(',').map(str::trim).any(|tag| {
            if tag == "*" {
                return true;
            }
            let tag = tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"');
            let base = tag.strip_suffix("-gz").or_else(|| tag.strip_suffix("-br")).unwrap_or(tag);
            base == hash
        })
    })
}

/// Whether `If-Modified-Since` in `headers` is at or after `modified` (and there is no
/// `If-None-Match`, which takes precedence).
pub fn not_modified_since(headers: &HeaderMap, modified: std::time::SystemTime) -> bool {
    if headers.contains_key(header::IF_NONE_MATCH) {
        return false;
    }
    let Some(since) = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
    else {
        return false;
    };
    // HTTP dates have whole seconds.
    let modified = modified.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let since = since.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    since >= modified
}

/// An HTTP date header value.
pub fn http_date(time: std::time::SystemTime) -> HeaderValue {
    HeaderValue::from_str(&httpdate::fmt_http_date(time)).expect("an HTTP date is a valid header")
}

/// Adds `token` to the response's `Vary` unless it is there already, as one header line:
/// nginx's cache reads only one `Vary` line.
pub fn add_vary(headers: &mut HeaderMap, token: &'static str) {
    // What every cached public page gets, without joining strings for each one.
    const ENCODING_AND_COOKIE: HeaderValue = HeaderValue::from_static("Accept-Encoding, Cookie");
    let mut current = headers.get_all(header::VARY).iter();
    match (current.next(), current.next()) {
        (None, _) => {
            headers.insert(header::VARY, HeaderValue::from_static(token));
            return;
        }
        (Some(only), None) if only == "Accept-Encoding" && token == "Cookie" => {
            headers.insert(header::VARY, ENCODING_AND_COOKIE);
            return;
        }
        _ => {}
    }
    let tokens = || {
        headers
            .get_all(header::VARY)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    if tokens().any(|t| t.eq_ignore_ascii_case(token) || t == "*") {
        return;
    }
    let joined = tokens().chain([token]).collect::<Vec<_>>().join(", ");
    if let Ok(value) = HeaderValue::from_str(&joined) {
        headers.insert(header::VARY, value);
    }
}

/// Whether a `Content-Type` is text that compresses well.
pub fn compressible(content_type: Option<&HeaderValue>) -> bool {
    let Some(ct) = content_type.and_then(|v| v.to_str().ok()) else { return false };
    let essence = ct.split(';').next().unwrap_or("").trim();
    let is = |t: &str| essence.eq_ignore_ascii_case(t);
    essence.get(..5).is_some_and(|head| head.eq_ignore_ascii_case("text/"))
        || [
            "application/xml",
            "application/json",
            "application/javascript",
            "application/rss+xml",
            "application/atom+xml",
            "application/manifest+json",
            "image/svg+xml",
        ]
        .into_iter()
        .any(is)
}

/// A `304 Not Modified` with the validators and caching headers of the full response.
pub fn not_modified(headers: &HeaderMap) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    for name in
        [header::ETAG, header::LAST_MODIFIED, header::CACHE_CONTROL, header::VARY, header::CONTENT_LOCATION]
    {
        for value in headers.get_all(&name) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response
}

/// What compression needs of a request, taken before it is served (see [`OnTheFly::end`]).
pub struct OnTheFly {
    coding: Coding,
    is_get: bool,
    /// The request's `If-None-Match`, when it has one (most have none).
    conditions: Option<HeaderMap>,
}

impl OnTheFly {
    /// The coding `request` accepts and its conditions.
    pub fn begin(request: &Request) -> OnTheFly {
        let conditions = request.headers().contains_key(header::IF_NONE_MATCH).then(|| {
            let mut only = HeaderMap::new();
            for value in request.headers().get_all(header::IF_NONE_MATCH) {
                only.append(header::IF_NONE_MATCH, value.clone());
            }
            only
        });
        OnTheFly {
            coding: negotiate(request.headers(), false),
            is_get: matches!(*request.method(), Method::GET | Method::HEAD),
            conditions,
        }
    }

    /// Gzips a text response on the fly, and gives a whole-body GET response that may be
    /// stored a strong ETag (answering `If-None-Match` with 304). Responses that are already
    /// encoded, stream without a known length, carry byte ranges or are downloads pass as
    /// they are. Part of the [frame](super::frame).
    pub async fn end(self, response: Response) -> Response {
        let headers = response.headers();
        if headers.contains_key(header::CONTENT_ENCODING)
            || !compressible(headers.get(header::CONTENT_TYPE))
            || headers.contains_key(header::CONTENT_RANGE)
            || headers.contains_key(header::ACCEPT_RANGES)
            || headers.contains_key(header::CONTENT_DISPOSITION)
        {
            return response;
        }
        let Some(size) = axum::body::HttpBody::size_hint(response.body()).exact() else { return response };
        let storable = !headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store"));
        let wants_etag = self.is_get
            && response.status() == StatusCode::OK
            && storable
            && !headers.contains_key(header::ETAG);
        let wants_gzip = self.coding == Coding::Gzip && size as usize >= MIN_BYTES;
        if size as usize > MAX_BUFFERED_BYTES || !(wants_etag || wants_gzip) {
            let mut response = response;
            add_vary(response.headers_mut(), "Accept-Encoding");
            return response;
        }
        let (mut parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_BUFFERED_BYTES).await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        add_vary(&mut parts.headers, "Accept-Encoding");
        let used = if wants_gzip { Coding::Gzip } else { Coding::Identity };
        if wants_etag {
            let hash = body_hash(&bytes);
            parts.headers.insert(header::ETAG, etag(&hash, used));
            if self.conditions.as_ref().is_some_and(|c| none_match_hits(c, &hash)) {
                return not_modified(&parts.headers);
            }
        }
        let body = if wants_gzip {
            parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            parts.headers.remove(header::CONTENT_LENGTH);
            gzip(&bytes, ON_THE_FLY_LEVEL)
        } else {
            bytes
        };
        Response::from_parts(parts, Body::from(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn codings_are_negotiated_with_q_values() {
        assert_eq!(negotiate(&accept("gzip, deflate, br"), true), Coding::Brotli);
        assert_eq!(negotiate(&accept("gzip, deflate, br"), false), Coding::Gzip);
        assert_eq!(negotiate(&accept("br;q=0, gzip"), true), Coding::Gzip);
        assert_eq!(negotiate(&accept("gzip;q=0"), true), Coding::Identity);
        assert_eq!(negotiate(&accept("*"), true), Coding::Brotli);
        assert_eq!(negotiate(&accept("gzip;q=1.0, br;q=0.5"), true), Coding::Gzip);
        assert_eq!(negotiate(&accept("identity"), true), Coding::Identity);
        assert_eq!(negotiate(&HeaderMap::new(), true), Coding::Identity);
    }

    #[test]
    fn if_none_match_compares_the_hash_in_any_coding() {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\", W/\"abc-gz\""));
        assert!(none_match_hits(&h, "abc"));
        assert!(!none_match_hits(&h, "abd"));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(none_match_hits(&h, "anything"));
    }

    #[test]
    fn only_text_is_compressible() {
        let ct = |s: &'static str| Some(HeaderValue::from_static(s));
        assert!(compressible(ct("text/html; charset=utf-8").as_ref()));
        assert!(compressible(ct("image/svg+xml").as_ref()));
        assert!(compressible(ct("application/xml; charset=utf-8").as_ref()));
        for already in [
            "application/pdf",
            "image/jpeg",
            "application/zip",
            "font/woff2",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ] {
            assert!(!compressible(ct(already).as_ref()), "{already}");
        }
        assert!(!compressible(None));
    }

    #[test]
    fn gzip_round_trips() {
        use std::io::Read as _;
        let text = "ประกาศ สำนักงานสาธารณสุขอำเภอ ".repeat(100);
        let packed = gzip(text.as_bytes(), 9);
        assert!(packed.len() < text.len() / 5);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&packed[..]).read_to_string(&mut out).unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn vary_is_added_once() {
        let mut h = HeaderMap::new();
        add_vary(&mut h, "Accept-Encoding");
        add_vary(&mut h, "Accept-Encoding");
        add_vary(&mut h, "Cookie");
        assert_eq!(h.get_all(header::VARY).iter().collect::<Vec<_>>(), ["Accept-Encoding, Cookie"]);
        add_vary(&mut h, "Cookie");
        add_vary(&mut h, "accept-encoding");
        assert_eq!(h.get_all(header::VARY).iter().collect::<Vec<_>>(), ["Accept-Encoding, Cookie"]);
        // A handler's own list is kept and added to.
        let mut h = HeaderMap::new();
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
        add_vary(&mut h, "Cookie");
        assert_eq!(h.get_all(header::VARY).iter().collect::<Vec<_>>(), ["Origin, Cookie"]);
    }
}
