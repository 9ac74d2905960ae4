//! Who is asking: the client's address, the logged-in account, and the CSRF check.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use super::{Shared, WebError};
use crate::store::audit::Who;
use crate::store::users::{self, SessionLimits, User};
use crate::workflow::state::{Actor, Role, Roles};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "prakat_session";
/// Name of the cookie that carries the login form's CSRF token before there is a session.
pub const LOGIN_CSRF_COOKIE: &str = "prakat_login";

/// Session lifetimes: 30 minutes idle, 12 hours in all.
pub const LIMITS: SessionLimits = SessionLimits { idle_secs: 30 * 60, absolute_secs: 12 * 3600 };

/// The client's address (see [`super::access`]: the TCP peer, or what a trusted proxy says).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Set by the access middleware for every request (proxy-aware); the TCP peer otherwise.
        let addr = match parts.extensions.get::<super::access::ClientIp>() {
            Some(ip) => ip.0.to_string(),
            None => parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(a)| a.ip().to_string())
                .unwrap_or_default(),
        };
        Ok(ClientAddr(addr))
    }
}

/// A logged-in account. Pages that take this redirect anonymous visitors to the login page,
/// and accounts that must enrol in two-step login to `/staff/totp` (see [`super::totp`]).
#[derive(Debug, Clone)]
pub struct Staff {
    /// The account.
    pub user: User,
    /// Its roles, parsed.
    pub roles: Roles,
    /// The session's CSRF token, to put in forms.
    pub csrf: String,
    /// Where the request came from.
    pub address: String,
}

impl Staff {
    /// The account as an actor of the workflow.
    pub fn actor(&self) -> Actor {
        Actor { user_id: self.user.id, roles: self.roles }
    }

    /// For the audit trail.
    pub fn who(&self) -> Who {
        Who { user_id: Some(self.user.id), address: self.address.clone() }
    }

    /// Refuses unless the account holds `role`.
    pub fn require(&self, role: Role) -> Result<(), WebError> {
        if self.roles.contains(role) {
            Ok(())
        } else {
            Err(WebError::Forbidden(format!("หน้านี้สำหรับ{}เท่านั้น", role.label_th())))
        }
    }

    /// Refuses unless the account holds at least one of `roles`; `why` says in Thai who may.
    pub fn require_any(&self, roles: &[Role], why: &str) -> Result<(), WebError> {
        if roles.iter().any(|r| self.roles.contains(*r)) {
            Ok(())
        } else {
            Err(WebError::Forbidden(why.into()))
        }
    }

    /// Refuses a state-changing request whose form does not carry this session's token.
    pub fn check_csrf(&self, token: &str) -> Result<(), WebError> {
        if crate::crypto::constant_time_eq(token, &self.csrf) {
            Ok(())
        } else {
            Err(WebError::Forbidden("แบบฟอร์มหมดอายุหรือไม่ได้ส่งมาจากหน้านี้ (CSRF) กรุณาเปิดหน้าใหม่แล้วลองอีกครั้ง".into()))
        }
    }
}

impl FromRequestParts<Shared> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Ok(ClientAddr(address)) = ClientAddr::from_request_parts(parts, app).await;
        let to_login = || {
            let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/staff");
            Redirect::to(&format!("/login?next={}", crate::paths::percent_encode_segment(next)))
                .into_response()
        };
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Err(to_login());
        };
        let required = app.settings().security.totp_required_roles.clone();
        let found = app
            .store
            .run(move |c| {
                let Some(session) = users::session(c, &token, LIMITS)? else { return Ok(None) };
                let roles = session.user.roles;
                // Accounts whose roles require two-step login and that have not enrolled yet.
                let must_enrol = super::totp::required_for(roles, &required)
                    && !crate::store::totp::is_enabled(c, session.user.id)?;
                Ok(Some((session, roles, must_enrol)))
            })
            .await
            .map_err(|e| WebError::from(e).into_response())?;
        let Some((session, roles, must_enrol)) = found else {
            return Err(to_login());
        };
        if let Some(slot) = parts.extensions.get::<super::traffic_log::AccountSlot>() {
            slot.set(session.user.id);
        }
        if must_enrol && !super::totp::ENROLMENT_PATHS.contains(&parts.uri.path()) {
            return Err(Redirect::to("/staff/totp").into_response());
        }
        Ok(Staff { user: session.user, roles, csrf: session.csrf, address })
    }
}

/// The session cookie: HttpOnly, SameSite=Strict, Secure when served over HTTPS.
pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
}

/// The login form's double-submit CSRF cookie: HttpOnly, SameSite=Strict, Secure when served
/// over HTTPS, and only sent to `/login…`.
pub fn login_form_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((LOGIN_CSRF_COOKIE, token))
        .path(LOGIN_FORM_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
}

/// Clears the login form's cookie: a removal only takes effect with the path it was set with.
pub fn login_form_removal() -> Cookie<'static> {
    Cookie::build((LOGIN_CSRF_COOKIE, "")).path(LOGIN_FORM_PATH).build()
}

/// Where the login form's cookie lives.
const LOGIN_FORM_PATH: &str = "/login";

/// A cookie that clears `name`.
pub fn removal(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, "")).path("/").build()
}
