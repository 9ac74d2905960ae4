//! Static assets (CSS, fonts, logo) embedded in the binary.
//!
//! Text assets also ship brotli and gzip copies made at build time (`src/build.rs`), chosen by
//! `Accept-Encoding`. Asset URLs carry a fingerprint of all assets (`?v=`, see
//! [`crate::paths::asset`]): requested with the current one, an asset may be kept for a year
//! (`immutable`); without it (or with an old one), only as long as a public page.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use super::compress::{self, Coding};
use super::{Shared, WebError};

/// Everything under `assets/` except the demo content, which is embedded by [`crate::demo`].
#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = "demo/*"]
struct Assets;

/// Changes whenever any asset does (computed by `src/build.rs`).
pub const FINGERPRINT: &str = env!("PRAKAT_ASSETS_HASH");

/// Text assets compressed at build time: path, brotli bytes, gzip bytes.
static PRECOMPRESSED: &[(&str, &[u8], &[u8])] = include!(concat!(env!("OUT_DIR"), "/precompressed.rs"));

/// A year: the longest `max-age` caches honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Serves one embedded asset with its validators, a caching policy by fingerprint, and a
/// precompressed body when the client takes one.
pub async fn serve(
    State(app): State<Shared>,
    Path(path): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let file = Assets::get(&path).ok_or(WebError::NotFound)?;
    let hash = hex::encode(&file.metadata.sha256_hash()[..12]);
    let packed = PRECOMPRESSED.iter().find(|(name, _, _)| *name == path);
    let coding = match packed {
        Some(_) => compress::negotiate(&headers, true),
        None => Coding::Identity,
    };
    let mut out = HeaderMap::new();
    let cache = if query.get("v").is_some_and(|v| v == FINGERPRINT) {
        HeaderValue::from_static(IMMUTABLE)
    } else {
        HeaderValue::from_str(&super::cache_policy::public(app.config.settings.cache.public_max_age_secs))
            .expect("a valid header")
    };
    out.insert(header::CACHE_CONTROL, cache);
    out.insert(header::ETAG, compress::etag(&hash, coding));
    if let Some(secs) = file.metadata.last_modified() {
        let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        out.insert(header::LAST_MODIFIED, compress::http_date(time));
        if compress::not_modified_since(&headers, time) {
            return Ok(compress::not_modified(&out));
        }
    }
    if packed.is_some() {
        out.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if compress::none_match_hits(&headers, &hash) {
        return Ok(compress::not_modified(&out));
    }
    let mime = HeaderValue::from_str(file.metadata.mimetype()).expect("a valid mime type");
    out.insert(header::CONTENT_TYPE, mime);
    let body = match (coding, packed) {
        (Coding::Brotli, Some((_, br, _))) => axum::body::Bytes::from_static(br),
        (Coding::Gzip, Some((_, _, gz))) => axum::body::Bytes::from_static(gz),
        _ => axum::body::Bytes::from(file.data.into_owned()),
    };
    if let Some(value) = coding.header() {
        out.insert(header::CONTENT_ENCODING, value);
    }
    Ok((out, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_assets_are_precompressed_and_fonts_are_not() {
        let names: Vec<&str> = PRECOMPRESSED.iter().map(|(n, _, _)| *n).collect();
        assert!(names.contains(&"style.css"), "{names:?}");
        assert!(!names.iter().any(|n| n.ends_with(".woff2")), "{names:?}");
        for (name, br, gz) in PRECOMPRESSED {
            let plain = Assets::get(name).unwrap().data;
            assert!(br.len() < plain.len() && gz.len() < plain.len(), "{name}");
        }
    }
}
