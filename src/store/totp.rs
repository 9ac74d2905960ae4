//! Two-step login with time-based one-time codes (TOTP, RFC 6238): each account's secret, its
//! single-use recovery codes, and logins that have passed the password and wait for the code.
//!
//! The secret is kept in clear (base32) because checking a code needs it; it is not encrypted
//! at rest, so a copy of the database holds it like it holds everything else. Recovery codes
//! are stored only as sha256 digests (salted with the account id). The time step of each
//! accepted code is remembered and no code of that step or an earlier one is accepted again,
//! so a code seen over a shoulder or in a log cannot be replayed.

use rusqlite::{Connection, OptionalExtension as _};
use totp_rs::{Builder, Secret, Totp};

use super::StoreResult;
use crate::crypto;

/// How many recovery codes an account gets.
pub const RECOVERY_CODES: usize = 10;
/// How long a login may wait between the password and the code, in seconds.
pub const PENDING_LOGIN_SECS: i64 = 300;
/// Letters and digits of recovery codes: no 0/O or 1/I, which are easily mistaken.
const RECOVERY_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Characters in a recovery code (5 bits each), shown as two groups of five.
const RECOVERY_LEN: usize = 10;

/// An authenticator for a base32 `secret` with the standard settings every app understands
/// (SHA-1, 6 digits, 30-second steps, one step of clock difference allowed either way),
/// labelled with `issuer` and `account` for the QR code. `None` if the secret is invalid.
pub fn authenticator(secret: &str, issuer: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    // The otpauth label uses ':' as its separator; neither part may contain one.
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(issuer.replace(':', " ").trim().to_owned()))
        .with_account_name(account.replace(':', " "))
        .build()
        .ok()
}

/// What a person typed as a code, cleaned: Thai digits become ASCII digits, spaces and dashes
/// are dropped and letters are upper-cased.
pub fn normalize(input: &str) -> String {
    input
        .chars()
        .filter_map(|c| match c {
            '๐'..='๙' => char::from_digit(c as u32 - '๐' as u32, 10),
            '-' => None,
            c if c.is_whitespace() => None,
            c => Some(c.to_ascii_uppercase()),
        })
        .collect()
}

/// Whether a [`normalize`]d code is an authenticator's six digits (anything else is taken for
/// a recovery code).
pub fn is_six_digits(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The time step at which `code` is right for `secret` at `now` (Unix seconds), if it is.
fn matching_step(secret: &str, code: &str, now: i64) -> Option<i64> {
    if !is_six_digits(code) {
        return None;
    }
    let totp = authenticator(secret, "", "")?;
    let step = totp.check(code, u64::try_from(now).ok()?)?;
    i64::try_from(step).ok()
}

/// An account's two-step login state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Status {
    /// When it was turned on (Unix seconds); `None` while off.
    pub enabled_at: Option<i64>,
    /// Recovery codes not used yet.
    pub recovery_left: usize,
}

/// The two-step login state of `user_id`.
pub fn status(conn: &Connection, user_id: i64) -> StoreResult<Status> {
    let enabled_at: Option<i64> = conn
        .prepare_cached("SELECT enabled_at FROM totp WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
        .optional()?
        .flatten();
    let left: i64 = conn
        .prepare_cached("SELECT count(*) FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL")?
        .query_row([user_id], |r| r.get(0))?;
    Ok(Status { enabled_at, recovery_left: usize::try_from(left).unwrap_or(0) })
}

/// Whether `user_id` has two-step login turned on.
pub fn is_enabled(conn: &Connection, user_id: i64) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM totp WHERE user_id = ?1 AND enabled_at IS NOT NULL")?
        .exists([user_id])?)
}

/// Ids of every account with two-step login turned on.
pub fn enabled_users(conn: &Connection) -> StoreResult<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT user_id FROM totp WHERE enabled_at IS NOT NULL ORDER BY user_id")?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// The base32 secret to enrol `user_id` with: the one already waiting for its first code (so
/// that reloading the page does not invalidate a scanned QR code), or a new random 160-bit
/// one. `None` when two-step login is already on.
pub fn enrolment_secret(conn: &Connection, user_id: i64, now: i64) -> StoreResult<Option<String>> {
    conn.prepare_cached(
        "INSERT INTO totp (user_id, secret, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (user_id) DO NOTHING",
    )?
    .execute((user_id, Secret::generate().to_base32(), now))?;
    let (secret, enabled_at): (String, Option<i64>) = conn
        .prepare_cached("SELECT secret, enabled_at FROM totp WHERE user_id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(enabled_at.is_none().then_some(secret))
}

/// Turns two-step login on for `user_id` if `code` is right for the secret waiting for
/// confirmation; returns the new recovery codes, to be shown once. `None` if the code is wrong
/// or no enrolment is waiting (it is already on, or was never started).
pub fn confirm(
    conn: &mut Connection,
    user_id: i64,
    code: &str,
    now: i64,
) -> StoreResult<Option<Vec<String>>> {
    let tx = conn.transaction()?;
    let secret: Option<String> = tx
        .prepare_cached("SELECT secret FROM totp WHERE user_id = ?1 AND enabled_at IS NULL")?
        .query_row([user_id], |r| r.get(0))
        .optional()?;
    let Some(step) = secret.and_then(|s| matching_step(&s, &normalize(code), now)) else {
        return Ok(None);
    };
    tx.execute("UPDATE totp SET enabled_at = ?2, last_step = ?3 WHERE user_id = ?1", (user_id, now, step))?;
    let codes = replace_recovery_codes(&tx, user_id, now)?;
    tx.commit()?;
    Ok(Some(codes))
}

/// Accepts an authenticator code of `user_id` at most once: the code must be right at `now`
/// (one step of clock difference allowed) and of a newer time step than any code accepted
/// before. `false` if it is wrong, replayed, or two-step login is off.
pub fn check_code(conn: &Connection, user_id: i64, code: &str, now: i64) -> StoreResult<bool> {
    let secret: Option<String> = conn
        .prepare_cached("SELECT secret FROM totp WHERE user_id = ?1 AND enabled_at IS NOT NULL")?
        .query_row([user_id], |r| r.get(0))
        .optional()?;
    let Some(step) = secret.and_then(|s| matching_step(&s, &normalize(code), now)) else {
        return Ok(false);
    };
    // One statement, so that two requests racing with the same code cannot both win.
    let n = conn.execute(
        "UPDATE totp SET last_step = ?2 WHERE user_id = ?1 AND enabled_at IS NOT NULL AND last_step < ?2",
        (user_id, step),
    )?;
    Ok(n == 1)
}

/// Uses up one recovery code of `user_id`; returns how many are left, or `None` if the code is
/// wrong or was used already.
pub fn use_recovery_code(
    conn: &Connection,
    user_id: i64,
    code: &str,
    now: i64,
) -> StoreResult<Option<usize>> {
    let code = normalize(code);
    if code.len() != RECOVERY_LEN || !code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
        return Ok(None);
    }
    let n = conn.execute(
        "UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
        (user_id, recovery_digest(user_id, &code), now),
    )?;
    if n != 1 {
        return Ok(None);
    }
    Ok(Some(status(conn, user_id)?.recovery_left))
}

/// Replaces the recovery codes of `user_id` (with two-step login on) with new ones and returns
/// them, to be shown once; `None` while two-step login is off.
pub fn new_recovery_codes(conn: &mut Connection, user_id: i64, now: i64) -> StoreResult<Option<Vec<String>>> {
    let tx = conn.transaction()?;
    if !is_enabled(&tx, user_id)? {
        return Ok(None);
    }
    let codes = replace_recovery_codes(&tx, user_id, now)?;
    tx.commit()?;
    Ok(Some(codes))
}

/// Turns two-step login off for `user_id` (or abandons an enrolment): forgets the secret, the
/// recovery codes and logins waiting for a code. Returns whether it was on.
pub fn disable(conn: &mut Connection, user_id: i64) -> StoreResult<bool> {
    let tx = conn.transaction()?;
    let was_on = is_enabled(&tx, user_id)?;
    tx.execute("DELETE FROM totp WHERE user_id = ?1", [user_id])?;
    tx.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [user_id])?;
    tx.execute("DELETE FROM pending_logins WHERE user_id = ?1", [user_id])?;
    tx.commit()?;
    Ok(was_on)
}

fn recovery_digest(user_id: i64, normalized: &str) -> String {
    crypto::token_digest(&format!("{user_id}:{normalized}"))
}

/// A random recovery code, `ABCDE-FGH23`: 50 bits.
fn random_recovery_code() -> String {
    let bytes: [u8; RECOVERY_LEN] = rand::random();
    // 256 is a multiple of 32, so every character is equally likely.
    let chars: String = bytes.iter().map(|b| char::from(RECOVERY_ALPHABET[usize::from(b % 32)])).collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

fn replace_recovery_codes(conn: &Connection, user_id: i64, now: i64) -> StoreResult<Vec<String>> {
    conn.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [user_id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (code_hash) DO NOTHING",
    )?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    while codes.len() < RECOVERY_CODES {
        let code = random_recovery_code();
        if insert.execute((user_id, recovery_digest(user_id, &normalize(&code)), now))? == 1 {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// A login whose password was right, waiting for the second step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    /// The account.
    pub user_id: i64,
    /// Where to go once the code is right.
    pub next: String,
}

/// Records that `user_id` gave the right password and must now give a code, for
/// [`PENDING_LOGIN_SECS`]; returns the cookie token (only its digest is stored). Expired
/// pending logins are removed on the way.
pub fn start_pending_login(conn: &Connection, user_id: i64, next: &str, now: i64) -> StoreResult<String> {
    conn.execute("DELETE FROM pending_logins WHERE expires_at <= ?1", [now])?;
    let token = crypto::random_token();
    conn.execute(
        "INSERT INTO pending_logins (token_hash, user_id, next, expires_at) VALUES (?1, ?2, ?3, ?4)",
        (crypto::token_digest(&token), user_id, next, now + PENDING_LOGIN_SECS),
    )?;
    Ok(token)
}

/// The pending login for a cookie token, if it has not expired.
pub fn pending_login(conn: &Connection, token: &str, now: i64) -> StoreResult<Option<PendingLogin>> {
    Ok(conn
        .prepare_cached("SELECT user_id, next FROM pending_logins WHERE token_hash = ?1 AND expires_at > ?2")?
        .query_row((crypto::token_digest(token), now), |r| {
            Ok(PendingLogin { user_id: r.get(0)?, next: r.get(1)? })
        })
        .optional()?)
}

/// Ends a pending login (it succeeded, or was abandoned).
pub fn end_pending_login(conn: &Connection, token: &str) -> StoreResult<()> {
    conn.execute("DELETE FROM pending_logins WHERE token_hash = ?1", [crypto::token_digest(token)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::users::{self, NewUser};

    /// A fixed instant in the middle of a 30-second step.
    const T: i64 = 1_790_000_015;

    fn code_at(secret: &str, time: i64) -> String {
        authenticator(secret, "", "").unwrap().generate(time as u64).to_string()
    }

    fn with_user(f: impl FnOnce(&mut Connection, i64) -> StoreResult<()>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .run_sync(|c| {
                let user = NewUser {
                    username: "somchai".into(),
                    name: "นายสมชาย".into(),
                    roles: crate::workflow::state::Roles::parse_list("admin").unwrap(),
                    ..NewUser::default()
                };
                let id = users::insert(c, &user, "hash")?.unwrap();
                f(c, id)
            })
            .unwrap();
    }

    #[test]
    fn codes_are_cleaned_and_recognised() {
        assert_eq!(normalize(" 123 456 "), "123456");
        assert_eq!(normalize("๑๒๓๔๕๖"), "123456");
        assert_eq!(normalize("abcde-fgh23"), "ABCDEFGH23");
        assert!(is_six_digits("012345"));
        assert!(!is_six_digits("12345") && !is_six_digits("12345a") && !is_six_digits("ABCDEFGH23"));
        let code = random_recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert!(normalize(&code).bytes().all(|b| RECOVERY_ALPHABET.contains(&b)));
        assert_ne!(random_recovery_code(), random_recovery_code());
    }

    #[test]
    fn the_authenticator_url_names_the_office_and_the_account() {
        let secret = Secret::generate().to_base32();
        let totp = authenticator(&secret, "สสอ.เมืองเลย: เว็บไซต์", "somchai").unwrap();
        let url = totp.to_url().unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&format!("secret={secret}")) && url.contains("somchai"), "{url}");
        assert!(authenticator("not base32!", "x", "y").is_none());
    }

    #[test]
    fn enrolment_needs_a_right_code_and_gives_ten_recovery_codes() {
        with_user(|c, id| {
            assert_eq!(status(c, id)?, Status::default());
            let secret = enrolment_secret(c, id, T)?.unwrap();
            assert_eq!(
                enrolment_secret(c, id, T)?.as_deref(),
                Some(secret.as_str()),
                "same secret on reload"
            );
            assert!(!is_enabled(c, id)?);
            assert!(!check_code(c, id, &code_at(&secret, T), T)?, "not on before confirmation");

            let right: u32 = code_at(&secret, T).parse().unwrap();
            assert!(confirm(c, id, &format!("{:06}", (right + 1) % 1_000_000), T)?.is_none(), "a wrong code");
            assert!(confirm(c, id, &code_at(&secret, T - 300), T)?.is_none(), "an old code");
            let codes = confirm(c, id, &code_at(&secret, T), T)?.unwrap();
            assert_eq!(codes.len(), RECOVERY_CODES);
            assert!(is_enabled(c, id)?);
            assert_eq!(enabled_users(c)?, vec![id]);
            assert_eq!(status(c, id)?, Status { enabled_at: Some(T), recovery_left: 10 });
            assert!(enrolment_secret(c, id, T)?.is_none(), "already on");
            assert!(confirm(c, id, &code_at(&secret, T + 30), T + 30)?.is_none(), "confirmed once");

            // Only digests are stored.
            let stored: Vec<String> = c
                .prepare("SELECT code_hash FROM recovery_codes")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            assert!(codes.iter().all(|code| !stored.iter().any(|h| h.contains(&normalize(code)))));
            Ok(())
        });
    }

    #[test]
    fn a_code_is_accepted_once_and_only_in_its_time() {
        with_user(|c, id| {
            let secret = enrolment_secret(c, id, T)?.unwrap();
            confirm(c, id, &code_at(&secret, T), T)?.unwrap();
            assert!(!check_code(c, id, &code_at(&secret, T), T)?, "the confirmation code is used up");
            // One step of clock difference either way is allowed.
            assert!(check_code(c, id, &code_at(&secret, T + 30), T)?);
            assert!(!check_code(c, id, &code_at(&secret, T + 30), T + 30)?, "replay refused");
            assert!(!check_code(c, id, &code_at(&secret, T), T + 30)?, "an older step is refused too");
            assert!(!check_code(c, id, &code_at(&secret, T + 120), T + 30)?, "too far ahead");
            assert!(
                check_code(c, id, &format!(" {} ", code_at(&secret, T + 60)), T + 60)?,
                "spaces are fine"
            );
            assert!(!check_code(c, id, "ABCDE-FGH23", T + 90)?);
            Ok(())
        });
    }

    #[test]
    fn recovery_codes_work_once_and_can_be_replaced() {
        with_user(|c, id| {
            assert!(new_recovery_codes(c, id, T)?.is_none(), "off: no codes");
            let secret = enrolment_secret(c, id, T)?.unwrap();
            let codes = confirm(c, id, &code_at(&secret, T), T)?.unwrap();
            assert_eq!(use_recovery_code(c, id, &codes[0], T)?, Some(9));
            assert_eq!(use_recovery_code(c, id, &codes[0], T)?, None, "used once only");
            assert_eq!(use_recovery_code(c, id, &codes[1].to_lowercase().replace('-', " "), T)?, Some(8));
            assert_eq!(use_recovery_code(c, id, "AAAAA-AAAAA", T)?, None);
            assert_eq!(use_recovery_code(c, id, "123456", T)?, None);

            let fresh = new_recovery_codes(c, id, T)?.unwrap();
            assert_eq!(status(c, id)?.recovery_left, 10);
            assert_eq!(use_recovery_code(c, id, &codes[2], T)?, None, "the old set is gone");
            assert_eq!(use_recovery_code(c, id, &fresh[9], T)?, Some(9));

            // Another account cannot use them.
            let other =
                users::insert(c, &NewUser { username: "other".into(), ..NewUser::default() }, "h")?.unwrap();
            assert_eq!(use_recovery_code(c, other, &fresh[0], T)?, None);
            Ok(())
        });
    }

    #[test]
    fn turning_off_forgets_everything() {
        with_user(|c, id| {
            let secret = enrolment_secret(c, id, T)?.unwrap();
            let codes = confirm(c, id, &code_at(&secret, T), T)?.unwrap();
            let pending = start_pending_login(c, id, "/staff", T)?;
            assert!(disable(c, id)?);
            assert!(!disable(c, id)?, "already off");
            assert_eq!(status(c, id)?, Status::default());
            assert_eq!(use_recovery_code(c, id, &codes[0], T)?, None);
            assert!(pending_login(c, &pending, T)?.is_none(), "waiting logins end");
            let again = enrolment_secret(c, id, T)?.unwrap();
            assert_ne!(again, secret, "a new enrolment has a new secret");
            Ok(())
        });
    }

    #[test]
    fn pending_logins_expire_and_end() {
        with_user(|c, id| {
            let token = start_pending_login(c, id, "/staff/requests/new", T)?;
            let stored: String = c.query_row("SELECT token_hash FROM pending_logins", [], |r| r.get(0))?;
            assert_ne!(stored, token, "only the digest is stored");
            let found = pending_login(c, &token, T + PENDING_LOGIN_SECS - 1)?.unwrap();
            assert_eq!(found, PendingLogin { user_id: id, next: "/staff/requests/new".into() });
            assert!(pending_login(c, &token, T + PENDING_LOGIN_SECS)?.is_none(), "expired");
            assert!(pending_login(c, "forged", T)?.is_none());
            let _ = start_pending_login(c, id, "/staff", T + PENDING_LOGIN_SECS)?;
            let left: i64 = c.query_row("SELECT count(*) FROM pending_logins", [], |r| r.get(0))?;
            assert_eq!(left, 1, "expired rows are cleared");
            let token = start_pending_login(c, id, "/staff", T)?;
            end_pending_login(c, &token)?;
            assert!(pending_login(c, &token, T)?.is_none());
            Ok(())
        });
    }
}
