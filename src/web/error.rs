//! Errors from handlers, and the middleware that turns them into Thai pages.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Shared;
use crate::store::StoreError;
use crate::views;

/// What can go wrong in a handler.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The page or item does not exist or is not public.
    #[error("not found")]
    NotFound,
    /// The item existed but was taken down (expired or withdrawn): 410.
    #[error("gone")]
    Gone,
    /// Not allowed; the Thai message says why.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Too many requests from this address; try again after the duration.
    #[error("too many requests")]
    TooManyRequests(std::time::Duration),
    /// Storage failed; the cause is logged, never shown.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Marks a response whose body the error middleware should replace with a Thai page, with the
/// message to show.
#[derive(Clone, Debug)]
struct ErrorPage(Option<String>);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, None),
            WebError::Gone => (StatusCode::GONE, None),
            WebError::Forbidden(why) => (StatusCode::FORBIDDEN, Some(why)),
            WebError::TooManyRequests(wait) => {
                let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
                let secs = wait.as_secs().max(1);
                response.headers_mut().insert(header::RETRY_AFTER, secs.into());
                response.extensions_mut().insert(ErrorPage(Some(format!(
                    "มีการเรียกใช้จากเครื่องของท่านถี่เกินไป กรุณารอประมาณ {secs} วินาทีแล้วลองใหม่"
                ))));
                return response;
            }
            WebError::Store(e) => {
                tracing::error!(error = %e, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage(message));
        response
    }
}

/// Replaces the body of error responses made by [`WebError`] with the site's Thai error pages,
/// which need the office's name and navigation from the shared state.
pub async fn render_error_pages(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let Some(ErrorPage(message)) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    let status = response.status();
    // If even the footer data cannot be read, fall back to a chrome without it.
    let chrome = match app.chrome(None).await {
        Ok(c) => c,
        Err(_) => app.plain_chrome(),
    };
    let page = match status {
        StatusCode::NOT_FOUND => views::public::not_found(&chrome),
        StatusCode::GONE => views::public::gone(&chrome),
        StatusCode::FORBIDDEN => views::public::forbidden(&chrome, message.as_deref().unwrap_or("")),
        StatusCode::TOO_MANY_REQUESTS => views::public::too_many(&chrome, message.as_deref().unwrap_or("")),
        _ => views::public::server_error(&chrome),
    };
    // Keep the status and headers (such as Retry-After); replace the body.
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Response::from_parts(parts, Body::from(page.into_string()))
}
