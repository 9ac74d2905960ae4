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

/// How a browser should treat a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Shown in the browser (images, PDFs).
    Inline,
    /// Saved as a file.
    Attachment,
}

impl Disposition {
    /// Images and PDFs open in the browser, other kinds download; `?download=1` always
    /// downloads.
    pub fn of(kind: &str, request: &Request) -> Disposition {
        let asked = request.uri().query().is_some_and(|q| q.split('&').any(|p| p == "download=1"));
        if asked {
            return Disposition::Attachment;
        }
        match kind {
            "pdf" | "jpg" | "jpeg" | "png" | "gif" => Disposition::Inline,
            _ => Disposition::Attachment,
        }
    }
}

/// One stored file about to be sent.
pub struct Sending<'a> {
    /// Where its bytes are.
    pub path: std::path::PathBuf,
    /// Its strong ETag (without quotes): the SHA-256 of the bytes or a name derived from it.
    pub tag: String,
    /// Its media type.
    pub mime: mime::Mime,
    /// The name a browser saves it under.
    pub file_name: &'a str,
    /// Shown or saved.
    pub disposition: Disposition,
}

/// Streams `file` from the blob store with its type (see [`send`]); images and PDFs inline
/// unless `?download=1` asks for a download.
pub async fn serve(
    app: &Shared,
    file: &Attachment,
    request: Request,
    caching: Caching,
) -> Result<Response, WebError> {
    let path = app.store.blobs().path(&file.sha256).ok_or(WebError::NotFound)?;
    let sending = Sending {
        path,
        tag: file.sha256.clone(),
        mime: kind_mime(&file.kind).parse().expect("valid mime"),
        file_name: &file.file_name,
        disposition: Disposition::of(&file.kind, &request),
    };
    send(app, sending, request, caching).await
}

/// Streams a stored file with its type and a name that survives Thai characters (RFC 6266
/// `filename*`). Byte ranges (206, 416 for an unsatisfiable one) and
/// `If-Modified-Since` come from `ServeFile`; the strong ETag is the file's SHA-256, which
/// also answers `If-None-Match` (304) and `If-Range` (a resumed download of a file that has
/// since changed gets the whole new file). Files are never compressed: most kinds already are,
/// and ranges must address the stored bytes. A PDF shown in the browser is sandboxed
/// (`Content-Security-Policy: sandbox`: no scripts, no forms, no same-origin access).
pub async fn send(
    app: &Shared,
    file: Sending<'_>,
    mut request: Request,
    caching: Caching,
) -> Result<Response, WebError> {
    let path = file.path;
    let mime = file.mime;
    let etag = HeaderValue::from_str(&format!("\"{}\"", file.tag)).map_err(|_| WebError::NotFound)?;
    let cache = match caching {
        // Not immutable: a withdrawn item's files must leave shared caches like its page does.
        Caching::Public => cache_policy::public_value(app.settings().cache.public_max_age_secs),
        Caching::Private => HeaderValue::from_static(cache_policy::PRIVATE_NO_STORE),
    };
    if compress::none_match_hits(request.headers(), &file.tag) {
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
    let Ok(response) = ServeFile::new_with_mime(&path, &mime).oneshot(request).await;
    let mut response = response.map(axum::body::Body::new);
    if response.status() == StatusCode::NOT_FOUND {
        tracing::error!(tag = %file.tag, "stored file missing");
        return Err(WebError::NotFound);
    }
    let disposition = match file.disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    let ascii_name: String = file
        .file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' })
        .collect();
    let value = format!(
        "{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
        paths::percent_encode_segment(file.file_name)
    );
    let status = response.status();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if mime.essence_str() == "application/pdf" {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
    }
    headers.insert(header::CACHE_CONTROL, cache);
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        headers.insert(header::ETAG, etag);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(uri: &str) -> Request {
        Request::builder().uri(uri).body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn images_and_pdfs_open_other_files_download() {
        for kind in ["pdf", "jpg", "jpeg", "png"] {
            assert_eq!(Disposition::of(kind, &get("/files/1/a")), Disposition::Inline, "{kind}");
            assert_eq!(Disposition::of(kind, &get("/files/1/a?download=1")), Disposition::Attachment);
        }
        for kind in ["xlsx", "docx", "doc", "zip", "rar", "svg", "html"] {
            assert_eq!(Disposition::of(kind, &get("/files/1/a")), Disposition::Attachment, "{kind}");
        }
        assert_eq!(Disposition::of("pdf", &get("/files/1/a?x=1&download=1")), Disposition::Attachment);
        assert_eq!(Disposition::of("pdf", &get("/files/1/a?download=0")), Disposition::Inline);
    }
}
