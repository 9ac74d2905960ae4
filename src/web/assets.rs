//! Static assets (CSS, fonts, logo) embedded in the binary.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use super::WebError;

/// Everything under `assets/` except the demo content, which is embedded by [`crate::demo`].
#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = "demo/*"]
struct Assets;

/// Serves one embedded asset with a validator and a week of caching (the URL carries the
/// version, so a new release is fetched anew).
pub async fn serve(Path(path): Path<String>, headers: HeaderMap) -> Result<Response, WebError> {
    let file = Assets::get(&path).ok_or(WebError::NotFound)?;
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..12]));
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=604800"));
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)], [cache]).into_response());
    }
    let mime = file.metadata.mimetype().to_owned();
    Ok(([(header::CONTENT_TYPE, mime), (header::ETAG, etag)], [cache], file.data).into_response())
}
