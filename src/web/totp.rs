//! Two-step login (TOTP): the code step after the password, enrolment with a QR code and
//! recovery codes, turning it off, and an admin's reset of another account.
//!
//! Where it is enforced: an account whose roles are in `security.totp_required_roles` and that
//! has not enrolled yet gets a session after its password, but the [`Staff`] extractor sends
//! every staff and admin page to `/staff/totp` until enrolment is done (only that page and
//! logging out are let through). The extractor is the one place every `/staff` and `/admin`
//! handler passes, so no page can forget the check.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use super::auth::login_page;
use super::session::{self, ClientAddr, LOGIN_CSRF_COOKIE, Staff};
use super::{Shared, WebError};
use crate::crypto;
use crate::store::audit::{self, Who};
use crate::store::{now_unix, totp, users};
use crate::views::forms::Problem;
use crate::views::staff::Bar;
use crate::views::totp::{self as view, Enrolment};
use crate::workflow::audit::AuditAction;
use crate::workflow::state::{Role, Roles};

/// Cookie that carries a login waiting for its code (path `/login`, five minutes server-side).
pub const PENDING_COOKIE: &str = "prakat_pending";

/// Paths an account that must enrol may still reach.
pub const ENROLMENT_PATHS: [&str; 2] = ["/staff/totp", "/logout"];

/// Whether an account with `roles` must use two-step login, given the setting's roles.
pub fn required_for(roles: Roles, required: &[Role]) -> bool {
    required.iter().any(|r| roles.contains(*r))
}

/// The cookie for a pending login: HttpOnly, SameSite=Strict, only sent to `/login…`.
pub fn pending_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((PENDING_COOKIE, token))
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
}

fn pending_removal() -> Cookie<'static> {
    Cookie::build((PENDING_COOKIE, "")).path("/login").build()
}

/// A form with one code and the CSRF token.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    /// The code typed.
    #[serde(default)]
    code: String,
    /// CSRF token (the session's, or on the login step the double-submit cookie's).
    #[serde(default)]
    csrf: String,
}

fn login_code_page(app: &Shared, jar: CookieJar, problems: &[Problem]) -> Response {
    let token = crypto::random_token();
    let cookie = session::login_form_cookie(token.clone(), app.https);
    let chrome = app.plain_chrome();
    (jar.add(cookie), Html(view::login_code(&chrome, &token, problems).into_string())).into_response()
}

fn start_again(app: &Shared, jar: CookieJar) -> Response {
    let msg = "หมดเวลายืนยันตัวตน กรุณาเข้าสู่ระบบอีกครั้ง (the login timed out, please start again)";
    login_page(app, jar.remove(pending_removal()), "", "/staff", Some(msg.into()))
}

/// `GET /login/totp`
pub async fn login_code_form(State(app): State<Shared>, jar: CookieJar) -> Result<Response, WebError> {
    let Some(token) = jar.get(PENDING_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let now = now_unix();
    if app.store.run(move |c| totp::pending_login(c, &token, now)).await?.is_none() {
        return Ok(start_again(&app, jar));
    }
    Ok(login_code_page(&app, jar, &[]))
}

/// How the second step was passed.
enum Passed {
    Code,
    Recovery(usize),
}

/// `POST /login/totp`: wrong codes count towards the same throttles as wrong passwords.
pub async fn login_code(
    State(app): State<Shared>,
    jar: CookieJar,
    ClientAddr(address): ClientAddr,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    if let Ok(ip) = address.parse() {
        app.limits.check(super::limits::Kind::Login, ip)?;
    }
    let Some(token) = jar.get(PENDING_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let expected = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if expected.is_empty() || !crypto::constant_time_eq(&expected, &form.csrf) {
        let problem = Problem::new("", "แบบฟอร์มหมดอายุ กรุณากรอกรหัสอีกครั้ง (form expired)");
        return Ok(login_code_page(&app, jar, &[problem]));
    }
    let now = now_unix();
    let t = token.clone();
    let pending = app
        .store
        .run(move |c| {
            let Some(p) = totp::pending_login(c, &t, now)? else { return Ok(None) };
            Ok(users::by_id(c, p.user_id)?.filter(|u| u.active).map(|u| (p, u)))
        })
        .await?;
    let Some((pending, user)) = pending else {
        return Ok(start_again(&app, jar));
    };
    let account_key = [user.username.to_lowercase()];
    let address_key = [address.clone()];
    let anonymous = Who { user_id: None, address: address.clone() };
    let object = format!("user/{}", user.username);
    if let Some(wait) = app.account_throttle.wait(&account_key).max(app.address_throttle.wait(&address_key)) {
        let (who, object) = (anonymous.clone(), object.clone());
        app.store
            .run(move |c| audit::append(c, &who, AuditAction::LoginRefused, &object, "throttled"))
            .await?;
        let problem = Problem::new(
            "code",
            format!(
                "เข้าสู่ระบบผิดหลายครั้ง กรุณารอ {} วินาทีแล้วลองใหม่ (too many failed attempts)",
                wait.as_secs().max(1)
            ),
        );
        return Ok(login_code_page(&app, jar, &[problem]));
    }
    let (user_id, code) = (user.id, form.code.clone());
    let passed = app
        .store
        .run(move |c| {
            let code = totp::normalize(&code);
            if totp::is_six_digits(&code) {
                Ok(totp::check_code(c, user_id, &code, now)?.then_some(Passed::Code))
            } else {
                Ok(totp::use_recovery_code(c, user_id, &code, now)?.map(Passed::Recovery))
            }
        })
        .await?;
    let Some(passed) = passed else {
        let lockout = app.account_throttle.fail(&account_key).max(app.address_throttle.fail(&address_key));
        let kind = if totp::is_six_digits(&totp::normalize(&form.code)) { "code" } else { "recovery code" };
        app.store
            .run(move |c| {
                audit::append(c, &anonymous, AuditAction::LoginTotpFailed, &object, kind)?;
                if let Some(wait) = lockout {
                    audit::append(
                        c,
                        &anonymous,
                        AuditAction::LoginLockout,
                        &object,
                        &format!("{} s", wait.as_secs()),
                    )?;
                }
                Ok(())
            })
            .await?;
        let message = if form.code.trim().is_empty() {
            "รหัสยืนยัน: ต้องกรอกรหัส 6 หลักจากแอป หรือรหัสสำรอง (required)"
        } else {
            "รหัสยืนยัน: ไม่ถูกต้องหรือใช้ไปแล้ว กรุณากรอกรหัสที่แอปแสดงอยู่ขณะนี้ (wrong or already used code)"
        };
        return Ok(login_code_page(&app, jar, &[Problem::new("code", message)]));
    };
    app.account_throttle.succeed(&account_key);
    app.address_throttle.succeed(&address_key);
    let who = Who { user_id: Some(user_id), address };
    let recovery_left = match passed {
        Passed::Code => None,
        Passed::Recovery(left) => Some(left),
    };
    let session_token = app
        .store
        .run(move |c| {
            totp::end_pending_login(c, &token)?;
            let session = users::start_session(c, user_id)?;
            let object = format!("user/{user_id}");
            if let Some(left) = recovery_left {
                audit::append(
                    c,
                    &who,
                    AuditAction::LoginRecoveryUsed,
                    &object,
                    &format!("เหลือ {left} รหัส ({left} left)"),
                )?;
            }
            audit::append(
                c,
                &who,
                AuditAction::LoginOk,
                &object,
                if recovery_left.is_some() { "recovery code" } else { "totp" },
            )?;
            Ok(session)
        })
        .await?;
    // After a recovery code, show what is left (and the way to make new ones).
    let next = if recovery_left.is_some() { "/staff/totp".to_owned() } else { pending.next };
    let jar = jar
        .remove(pending_removal())
        .remove(session::login_form_removal())
        .add(session::session_cookie(session_token, app.https));
    Ok((jar, super::safe_redirect::to(Some(&next), "/staff")).into_response())
}

async fn bar<'a>(app: &Shared, staff: &'a Staff) -> Result<Bar<'a>, WebError> {
    super::staff::bar(app, staff).await
}

/// The office's name as the authenticator app shows it.
fn issuer(app: &Shared) -> String {
    app.settings().office.name_th.clone()
}

/// The QR code of `url` as an `<svg>` element to put inside the page.
fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::L).ok()?;
    let svg = code.render::<qrcode::render::svg::Color>().module_dimensions(4, 4).quiet_zone(true).build();
    // Drop the XML declaration: the element goes inside an HTML page.
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen(
        "<svg ",
        "<svg class=\"qr\" role=\"img\" aria-label=\"QR code สำหรับแอปยืนยันตัวตน (for the authenticator app)\" ",
        1,
    ))
}

/// The two-step login page of `staff`: enrolment while it is off, its settings while it is on.
async fn show(app: &Shared, staff: &Staff, problems: &[Problem]) -> Result<Response, WebError> {
    let (user_id, now) = (staff.user.id, now_unix());
    let (status, secret) = app
        .store
        .run(move |c| {
            let status = totp::status(c, user_id)?;
            let secret =
                if status.enabled_at.is_none() { totp::enrolment_secret(c, user_id, now)? } else { None };
            Ok((status, secret))
        })
        .await?;
    let required = required_for(staff.roles, &app.settings().security.totp_required_roles);
    let bar = bar(app, staff).await?;
    let chrome = app.plain_chrome();
    let code = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = match secret {
        Some(secret) => {
            let issuer = issuer(app);
            let url =
                totp::authenticator(&secret, &issuer, &staff.user.username).and_then(|t| t.to_url().ok());
            let qr = url.as_deref().and_then(qr_svg).unwrap_or_default();
            let enrolment = Enrolment {
                secret: &secret,
                qr_svg: &qr,
                issuer: &issuer,
                account: &staff.user.username,
                required,
            };
            view::enrol(&chrome, &bar, &enrolment, problems)
        }
        None => view::settings(&chrome, &bar, status, required, problems),
    };
    Ok((code, Html(page.into_string())).into_response())
}

/// `GET /staff/totp`
pub async fn page(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    show(&app, &staff, &[]).await
}

fn code_problem(field: &str, typed: &str) -> Problem {
    if typed.trim().is_empty() {
        Problem::new(field, "รหัสยืนยัน: ต้องกรอกรหัส 6 หลักที่แอปแสดง (required)")
    } else {
        Problem::new(
            field,
            "รหัสยืนยัน: ไม่ถูกต้องหรือใช้ไปแล้ว ตรวจสอบว่าเวลาในโทรศัพท์ตรงกับเวลาจริง \
             แล้วกรอกรหัสที่แสดงอยู่ขณะนี้ (wrong or already used code)",
        )
    }
}

/// `POST /staff/totp`: confirms enrolment with a first code and shows the recovery codes once.
pub async fn confirm(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let (user_id, code, who) = (staff.user.id, form.code.clone(), staff.who());
    let outcome = app
        .store
        .run(move |c| {
            if totp::is_enabled(c, user_id)? {
                return Ok(Err(true));
            }
            let codes = totp::confirm(c, user_id, &code, now_unix())?;
            if codes.is_some() {
                audit::append(c, &who, AuditAction::UserTotpEnable, &format!("user/{user_id}"), "")?;
            }
            Ok(codes.ok_or(false))
        })
        .await?;
    match outcome {
        Ok(codes) => {
            let bar = bar(&app, &staff).await?;
            let chrome = app.plain_chrome();
            Ok(Html(view::recovery_codes(&chrome, &bar, &codes).into_string()).into_response())
        }
        // Already on (the form was sent twice): show the settings.
        Err(true) => Ok(Redirect::to("/staff/totp").into_response()),
        Err(false) => show(&app, &staff, &[code_problem("code", &form.code)]).await,
    }
}

/// Checks a code of the logged-in account (app code, or recovery code when `recovery_ok`).
/// Wrong codes count towards the account's login throttle, so that a stolen session cannot
/// try every code to turn two-step login off; `Err` carries the problem to show.
async fn verify(
    app: &Shared,
    staff: &Staff,
    code: &str,
    recovery_ok: bool,
    field: &str,
) -> Result<Result<(), Problem>, WebError> {
    let account_key = [staff.user.username.to_lowercase()];
    if let Some(wait) = app.account_throttle.wait(&account_key) {
        let message = format!(
            "รหัสยืนยัน: ผิดหลายครั้ง กรุณารอ {} วินาทีแล้วลองใหม่ (too many wrong codes)",
            wait.as_secs().max(1)
        );
        return Ok(Err(Problem::new(field, message)));
    }
    let (user_id, normalized, now) = (staff.user.id, totp::normalize(code), now_unix());
    let right = app
        .store
        .run(move |c| {
            if totp::is_six_digits(&normalized) {
                totp::check_code(c, user_id, &normalized, now)
            } else if recovery_ok {
                Ok(totp::use_recovery_code(c, user_id, &normalized, now)?.is_some())
            } else {
                Ok(false)
            }
        })
        .await?;
    if right {
        return Ok(Ok(()));
    }
    let lockout = app.account_throttle.fail(&account_key);
    let (who, object) = (staff.who(), format!("user/{}", staff.user.username));
    app.store
        .run(move |c| {
            audit::append(c, &who, AuditAction::UserTotpFailed, &object, "")?;
            if let Some(wait) = lockout {
                audit::append(c, &who, AuditAction::LoginLockout, &object, &format!("{} s", wait.as_secs()))?;
            }
            Ok(())
        })
        .await?;
    Ok(Err(code_problem(field, code)))
}

/// `POST /staff/totp/recovery`: new recovery codes (the old ones stop working), with a code.
pub async fn new_recovery_codes(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    if let Err(problem) = verify(&app, &staff, &form.code, false, "recovery-code").await? {
        return show(&app, &staff, &[problem]).await;
    }
    let (user_id, who) = (staff.user.id, staff.who());
    let codes = app
        .store
        .run(move |c| {
            let codes = totp::new_recovery_codes(c, user_id, now_unix())?;
            if codes.is_some() {
                audit::append(c, &who, AuditAction::UserTotpRecoveryNew, &format!("user/{user_id}"), "")?;
            }
            Ok(codes)
        })
        .await?;
    let Some(codes) = codes else { return Ok(Redirect::to("/staff/totp").into_response()) };
    let bar = bar(&app, &staff).await?;
    let chrome = app.plain_chrome();
    Ok(Html(view::recovery_codes(&chrome, &bar, &codes).into_string()).into_response())
}

/// `POST /staff/totp/off`: turns two-step login off, with a code, where the roles allow it.
pub async fn turn_off(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    if required_for(staff.roles, &app.settings().security.totp_required_roles) {
        return Err(WebError::Forbidden(
            "บทบาทของท่านต้องใช้การยืนยันตัวตนสองขั้นตอน ปิดเองไม่ได้ (required for your role)".into(),
        ));
    }
    if let Err(problem) = verify(&app, &staff, &form.code, true, "off-code").await? {
        return show(&app, &staff, &[problem]).await;
    }
    let (user_id, who) = (staff.user.id, staff.who());
    app.store
        .run(move |c| {
            if totp::disable(c, user_id)? {
                audit::append(c, &who, AuditAction::UserTotpDisable, &format!("user/{user_id}"), "")?;
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/staff").into_response())
}

/// The admin's reset form's data.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/users/{id}/totp`: an admin turns off another account's two-step login (a lost
/// phone); if its roles require it, the account enrols again at its next login.
pub async fn admin_reset(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ResetForm>,
) -> Result<Response, WebError> {
    staff.require(Role::Admin)?;
    staff.check_csrf(&form.csrf)?;
    let who = staff.who();
    let found = app
        .store
        .run(move |c| {
            let Some(user) = users::by_id(c, id)? else { return Ok(false) };
            if totp::disable(c, id)? {
                audit::append(c, &who, AuditAction::UserTotpReset, &format!("user/{id}"), &user.username)?;
            }
            Ok(true)
        })
        .await?;
    if !found {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to("/admin/users").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_in_the_setting_require_two_step_login() {
        let required = [Role::Admin, Role::WebMaster];
        let roles = |list: &str| Roles::parse_list(list).unwrap();
        assert!(required_for(roles("admin,staff"), &required));
        assert!(required_for(roles("webmaster"), &required));
        assert!(!required_for(roles("staff,approver"), &required));
        assert!(!required_for(roles("admin"), &[]), "an empty setting requires it of nobody");
    }

    #[test]
    fn the_qr_code_is_an_inline_svg_element() {
        let url = "otpauth://totp/x:y?secret=JBSWY3DPEHPK3PXP&issuer=x";
        let svg = qr_svg(url).unwrap();
        assert!(svg.starts_with("<svg class=\"qr\" role=\"img\""), "{}", &svg[..80]);
        assert!(!svg.contains("<?xml") && svg.ends_with("</svg>"));
    }
}
