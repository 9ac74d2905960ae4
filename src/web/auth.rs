//! Logging in and out, and creating the first admin through the one-time setup link.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use super::session::{self, ClientAddr, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Staff};
use super::{Shared, WebError};
use crate::crypto;
use crate::store::audit::{self, Who};
use crate::store::users::{self, NewUser};
use crate::store::{now_unix, totp};
use crate::views::admin::NewAccount;
use crate::views::{self, forms::Problem};
use crate::workflow::account;
use crate::workflow::audit::AuditAction;
use crate::workflow::state::Role;

/// Where to go after logging in: only local paths, never another site.
fn safe_next(next: Option<&String>) -> String {
    super::safe_redirect::local_or(next.map(String::as_str), "/staff")
}

/// The login form's data.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

pub(super) fn login_page(
    app: &Shared,
    jar: CookieJar,
    username: &str,
    next: &str,
    problem: Option<String>,
) -> Response {
    // Before there is a session, the login form's CSRF token is a random value that must come
    // back both as a cookie and as a form field (double submit).
    let token = crypto::random_token();
    let cookie = session::login_form_cookie(token.clone(), app.https);
    let chrome = app.plain_chrome();
    let page = views::staff::login(&chrome, username, next, &token, problem.as_deref());
    (jar.add(cookie), Html(page.into_string())).into_response()
}

/// `GET /login`
pub async fn login_form(
    State(app): State<Shared>,
    jar: CookieJar,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    login_page(&app, jar, "", &safe_next(params.get("next")), None)
}

/// `POST /login`
pub async fn login(
    State(app): State<Shared>,
    jar: CookieJar,
    ClientAddr(address): ClientAddr,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    if let Ok(ip) = address.parse() {
        app.limits.check(super::limits::Kind::Login, ip)?;
    }
    let next = safe_next(Some(&form.next));
    let expected = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if expected.is_empty() || !crypto::constant_time_eq(&expected, &form.csrf) {
        let msg = "แบบฟอร์มหมดอายุ กรุณาเข้าสู่ระบบอีกครั้ง (form expired)".to_string();
        return Ok(login_page(&app, jar, &form.username, &next, Some(msg)));
    }
    let username = form.username.trim().to_owned();
    let account_key = [username.to_lowercase()];
    let address_key = [address.clone()];
    let who = Who { user_id: None, address: address.clone() };
    let waiting = app.account_throttle.wait(&account_key).max(app.address_throttle.wait(&address_key));
    if let Some(wait) = waiting {
        let (who2, name) = (who.clone(), username.clone());
        app.store
            .run(move |c| {
                audit::append(c, &who2, AuditAction::LoginRefused, &format!("user/{name}"), "throttled")
            })
            .await?;
        let msg = format!(
            "เข้าสู่ระบบผิดหลายครั้ง กรุณารอ {} วินาทีแล้วลองใหม่ (too many failed attempts)",
            wait.as_secs().max(1)
        );
        return Ok(login_page(&app, jar, &username, &next, Some(msg)));
    }
    let (name, password) = (username.clone(), form.password.clone());
    // Argon2 takes tens of milliseconds: keep it off the async workers. Unknown names spend
    // the same time on a dummy hash so that timing does not reveal which names exist.
    let found = app
        .store
        .run(move |c| {
            let found = users::for_login(c, &name)?;
            let hash = found.as_ref().map_or(crypto::dummy_hash(), |(_, h)| h.as_str());
            let ok = crypto::verify_password(&password, hash);
            Ok(found.filter(|(u, _)| ok && u.active).map(|(u, _)| u))
        })
        .await?;
    let Some(user) = found else {
        let lockout = app.account_throttle.fail(&account_key).max(app.address_throttle.fail(&address_key));
        let name = username.clone();
        app.store
            .run(move |c| {
                audit::append(c, &who, AuditAction::LoginFailed, &format!("user/{name}"), "")?;
                if let Some(wait) = lockout {
                    audit::append(
                        c,
                        &who,
                        AuditAction::LoginLockout,
                        &format!("user/{name}"),
                        &format!("{} s", wait.as_secs()),
                    )?;
                }
                Ok(())
            })
            .await?;
        let msg = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง (wrong user name or password)".to_string();
        return Ok(login_page(&app, jar, &username, &next, Some(msg)));
    };
    let user_id = user.id;
    let pending_next = next.clone();
    let started = app
        .store
        .run(move |c| {
            // With two-step login on, the password only opens the code step.
            if totp::is_enabled(c, user_id)? {
                return Ok(Started::CodeNeeded(totp::start_pending_login(
                    c,
                    user_id,
                    &pending_next,
                    now_unix(),
                )?));
            }
            let token = users::start_session(c, user_id)?;
            audit::append(
                c,
                &Who { user_id: Some(user_id), address },
                AuditAction::LoginOk,
                &format!("user/{user_id}"),
                "",
            )?;
            Ok(Started::Session(token))
        })
        .await?;
    match started {
        // The failure counts are only forgiven once the code is right too: a known password
        // must not reset the count of wrong codes.
        Started::CodeNeeded(pending) => {
            let jar = jar.add(super::totp::pending_cookie(pending, app.https));
            Ok((jar, Redirect::to("/login/totp")).into_response())
        }
        Started::Session(token) => {
            app.account_throttle.succeed(&account_key);
            app.address_throttle.succeed(&address_key);
            let roles = user.roles;
            let next = if super::totp::required_for(roles, &app.settings().security.totp_required_roles) {
                "/staff/totp".to_owned()
            } else {
                next
            };
            let jar =
                jar.remove(session::login_form_removal()).add(session::session_cookie(token, app.https));
            Ok((jar, Redirect::to(&next)).into_response())
        }
    }
}

/// What a right password leads to.
enum Started {
    /// A session (cookie token).
    Session(String),
    /// The code step first (pending-login cookie token).
    CodeNeeded(String),
}

/// The logout form's data.
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    /// The session's CSRF token.
    #[serde(default)]
    pub csrf: String,
}

/// `POST /logout`
pub async fn logout(
    State(app): State<Shared>,
    staff: Staff,
    jar: CookieJar,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    let who = staff.who();
    app.store
        .run(move |c| {
            users::end_session(c, &token)?;
            audit::append(
                c,
                &who,
                AuditAction::Logout,
                &format!("user/{}", who.user_id.unwrap_or_default()),
                "",
            )
        })
        .await?;
    Ok((jar.remove(session::removal(SESSION_COOKIE)), Redirect::to("/")).into_response())
}

/// `GET /setup/{token}`
pub async fn setup_form(State(app): State<Shared>, Path(token): Path<String>) -> Result<Response, WebError> {
    let valid = app.store.run(move |c| users::setup_token_valid(c, &token)).await?;
    if !valid {
        return Err(WebError::Forbidden(
            "ลิงก์ตั้งค่าผู้ดูแลระบบนี้ใช้ไม่ได้แล้ว (ใช้ไปแล้วหรือหมดอายุ) สั่ง prakat serve ใหม่เพื่อรับลิงก์ใหม่".into(),
        ));
    }
    let chrome = app.plain_chrome();
    Ok(Html(views::staff::setup(&chrome, &NewAccount::default(), &[]).into_string()).into_response())
}

/// `POST /setup/{token}`: creates the first admin, once.
pub async fn setup(
    State(app): State<Shared>,
    Path(token): Path<String>,
    ClientAddr(address): ClientAddr,
    axum_extra::extract::Form(form): axum_extra::extract::Form<NewAccount>,
) -> Result<Response, WebError> {
    let problems: Vec<Problem> = account::check(&form.username, &form.name, &form.password, &form.password2)
        .into_iter()
        .map(Problem::from)
        .collect();
    if !problems.is_empty() {
        let chrome = app.plain_chrome();
        return Ok(Html(views::staff::setup(&chrome, &form, &problems).into_string()).into_response());
    }
    let hash = crypto::hash_password(&form.password);
    let new = NewUser {
        username: form.username.trim().into(),
        name: form.name.trim().into(),
        position: form.position.trim().into(),
        unit: form.unit.trim().into(),
        email: form.email.trim().into(),
        roles: [Role::Admin, Role::WebMaster, Role::Staff].into_iter().collect(),
        ..NewUser::default()
    };
    let created = app
        .store
        .run(move |c| {
            let tx = c.transaction()?;
            if !users::use_setup_token(&tx, &token)? {
                return Ok(None);
            }
            let Some(id) = users::insert(&tx, &new, &hash)? else {
                return Ok(Some(None));
            };
            audit::append(
                &tx,
                &Who { user_id: Some(id), address },
                AuditAction::UserSetup,
                &format!("user/{id}"),
                &new.username,
            )?;
            tx.commit()?;
            Ok(Some(Some(id)))
        })
        .await?;
    match created {
        None => Err(WebError::Forbidden("ลิงก์ตั้งค่าผู้ดูแลระบบนี้ใช้ไม่ได้แล้ว (ใช้ไปแล้วหรือหมดอายุ)".into())),
        Some(None) => {
            let chrome = app.plain_chrome();
            let problems = [Problem::new("username", "ชื่อผู้ใช้: มีผู้ใช้ชื่อนี้แล้ว")];
            Ok(Html(views::staff::setup(&chrome, &form, &problems).into_string()).into_response())
        }
        Some(Some(_)) => Ok(Redirect::to("/login?next=/staff").into_response()),
    }
}
