//! Serving a stored file: the public attachments and the files of requests share this.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use tower::ServiceExt as _;
use tower_http::services::ServeFile;

use super::{Shared, WebError, cache_policy, compress};
use crate::paths;
use crate::store::items::Attachment;
use crate::views::text::kind_mime;

/// Who may keep a copy of the response on the way.
#[derive(Debug, Clone, Copy)]
pub enum Caching {
    /// A published attachment: anyone may cache it as long as a public page.
    Public,
    /// A request's file: only the browser of the person who asked.
    Private,
}

/// Streams `file` from the blob store with its type and a download name that survives Thai
/// characters (RFC 6266 `filename*`). Byte ranges (206, 416 for an unsatisfiable one) and
/// `If-Modified-Since` come from `ServeFile`; the strong ETag is the file's SHA-256, which
/// also answers `If-None-Match` (304) and `If-Range` (a resumed download of a file that has
/// since changed gets the whole new file). Files are never compressed: most kinds already are,
/// and ranges must address the stored bytes.
pub async fn serve(
    app: &Shared,
    file: &Attachment,
    mut request: Request,
    caching: Caching,
) -> Result<Response, WebError> {
    let path = app.store.blobs().path(&file.sha256).ok_or(WebError::NotFound)?;
    let mime: mime::Mime = kind_mime(&file.kind).parse().expect("valid mime");
    let etag = HeaderValue::from_str(&format!("\"{}\"", file.sha256)).map_err(|_| WebError::NotFound)?;
    let cache = match caching {
        // Not immutable: a withdrawn item's files must leave shared caches like its page does.
        Caching::Public => cache_policy::public(app.settings().cache.public_max_age_secs),
        Caching::Private => cache_policy::PRIVATE_NO_STORE.to_owned(),
    };
    let cache = HeaderValue::from_str(&cache).expect("a valid header");
    if compress::none_match_hits(request.headers(), &file.sha256) {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(header::ETAG, etag);
        headers.insert(header::CACHE_CONTROL, cache);
        return Ok(compress::not_modified(&headers));
    }
    // `If-Range`: the range only if the file is still this one. `ServeFile` ignores the header,
    // and anything but this file's ETag (an old tag, a date) gets the whole file, which is
    // always correct.
    let stale_range = request.headers().get(header::IF_RANGE).is_some_and(|v| v != etag);
    if stale_range {
        request.headers_mut().remove(header::RANGE);
        request.headers_mut().remove(header::IF_RANGE);
    }
    let Ok(response) = ServeFile::new_with_mime(path, &mime).oneshot(request).await;
    let mut response = response.map(axum::body::Body::new);
    if response.status() == StatusCode::NOT_FOUND {
        tracing::error!(sha256 = %file.sha256, "stored file missing");
        return Err(WebError::NotFound);
    }
    // Always a download: uploaded files are never rendered as part of the site.
    let disposition = "attachment";
    let ascii_name: String = file
        .file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' })
        .collect();
    let value = format!(
        "{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
        paths::percent_encode_segment(&file.file_name)
    );
    let status = response.status();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, cache);
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        headers.insert(header::ETAG, etag);
    }
    Ok(response)
}
