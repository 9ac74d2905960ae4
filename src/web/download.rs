//! Serving a stored file: the public attachments and the files of requests share this.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use tower::ServiceExt as _;
use tower_http::services::ServeFile;

use super::{Shared, WebError};
use crate::paths;
use crate::store::items::Attachment;
use crate::views::text::kind_mime;

/// Who may keep a copy of the response on the way.
#[derive(Debug, Clone, Copy)]
pub enum Caching {
    /// A published attachment: anyone may cache it for an hour.
    Public,
    /// A request's file: only the browser of the person who asked.
    Private,
}

/// Streams `file` from the blob store with its type and a download name that survives Thai
/// characters (RFC 6266 `filename*`). Ranges and conditional requests come from `ServeFile`.
pub async fn serve(
    app: &Shared,
    file: &Attachment,
    request: Request,
    caching: Caching,
) -> Result<Response, WebError> {
    let path = app.store.blobs().path(&file.sha256).ok_or(WebError::NotFound)?;
    let mime: mime::Mime = kind_mime(&file.kind).parse().expect("valid mime");
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
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    let cache = match caching {
        Caching::Public => "public, max-age=3600",
        Caching::Private => "private, no-store",
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}
