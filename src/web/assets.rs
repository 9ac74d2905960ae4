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

/// Everything under `assets/` that the site serves: not the demo content ([`crate::demo`]), the
/// compliance checklists ([`crate::compliance::checklist`]) or the search data
/// ([`crate::search`]), which their modules embed themselves (the same list as `src/build.rs`).
#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = "demo/*"]
#[exclude = "checklists/*"]
#[exclude = "search/*"]
struct Assets;

/// Changes whenever any asset does (computed by `src/build.rs`).
pub const FINGERPRINT: &str = env!("PRAKAT_ASSETS_HASH");

/// Text assets as served, prepared at build time: path, hash for the ETag, the bytes (for
/// stylesheets, with fingerprinted `url()`s), brotli and gzip (empty when not worth it).
type Prepared = (&'static str, &'static str, &'static [u8], &'static [u8], &'static [u8]);
static PRECOMPRESSED: &[Prepared] = include!(concat!(env!("OUT_DIR"), "/precompressed.rs"));

/// A year: the longest `max-age` caches honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The bytes of embedded asset `name` (for the built-in logo).
pub(super) fn embedded(name: &str) -> Option<Vec<u8>> {
    Assets::get(name).map(|f| f.data.into_owned())
}

/// Serves one embedded asset with its validators, a caching policy by fingerprint, and a
/// precompressed body when the client takes one.
pub async fn serve(
    State(app): State<Shared>,
    Path(path): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let file = Assets::get(&path).ok_or(WebError::NotFound)?;
    let prepared = PRECOMPRESSED.iter().find(|p| p.0 == path);
    let hash = match prepared {
        Some(p) => p.1.to_owned(),
        None => hex::encode(&file.metadata.sha256_hash()[..12]),
    };
    let coding = match prepared {
        Some(&(_, _, _, br, gz)) => match compress::negotiate(&headers, !br.is_empty()) {
            Coding::Gzip if gz.is_empty() => Coding::Identity,
            coding => coding,
        },
        None => Coding::Identity,
    };
    let mut out = HeaderMap::new();
    let cache = if query.get("v").is_some_and(|v| v == FINGERPRINT) {
        HeaderValue::from_static(IMMUTABLE)
    } else {
        super::cache_policy::public_value(app.settings().cache.public_max_age_secs)
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
    if prepared.is_some() {
        out.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if compress::none_match_hits(&headers, &hash) {
        return Ok(compress::not_modified(&out));
    }
    let mime = HeaderValue::from_str(file.metadata.mimetype()).expect("a valid mime type");
    out.insert(header::CONTENT_TYPE, mime);
    let body = match (coding, prepared) {
        (Coding::Brotli, Some(&(_, _, _, br, _))) => axum::body::Bytes::from_static(br),
        (Coding::Gzip, Some(&(_, _, _, _, gz))) => axum::body::Bytes::from_static(gz),
        (_, Some(&(_, _, plain, _, _))) => axum::body::Bytes::from_static(plain),
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
        let names: Vec<&str> = PRECOMPRESSED.iter().map(|p| p.0).collect();
        assert!(names.contains(&"style.css"), "{names:?}");
        assert!(!names.iter().any(|n| n.ends_with(".woff2")), "{names:?}");
        for &(name, _, plain, br, gz) in PRECOMPRESSED {
            assert!(Assets::get(name).is_some(), "{name}");
            assert!(br.len() < plain.len() && gz.len() < plain.len(), "{name}");
            let mut unpacked = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz), &mut unpacked).unwrap();
            assert_eq!(unpacked, plain, "{name}");
        }
    }

    #[test]
    fn stylesheets_name_fonts_with_the_fingerprint() {
        let css = PRECOMPRESSED.iter().find(|p| p.0 == "style.css").unwrap().2;
        let css = std::str::from_utf8(css).unwrap();
        let fonts = css.matches("url(\"fonts/").count();
        assert!(fonts >= 4, "{fonts} fonts");
        assert_eq!(css.matches(&format!(".woff2?v={FINGERPRINT}\"")).count(), fonts);
        // And the page preloads exactly that URL.
        assert!(crate::paths::asset("fonts/sarabun-thai-400.woff2").ends_with(&format!("?v={FINGERPRINT}")));
    }
}
