//! Accounts, sessions and one-time setup tokens.
//!
//! Passwords are stored as argon2id PHC strings; session and setup tokens only as sha256
//! digests, so a copy of the database lets nobody log in.

use rusqlite::{Connection, OptionalExtension as _, Row, named_params};

use super::{StoreResult, now_unix};
use crate::crypto;
use crate::workflow::state::{Role, Roles};

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Login name (case-insensitive, unique).
    pub username: String,
    /// Thai display name.
    pub name: String,
    /// Position (ตำแหน่ง).
    pub position: String,
    /// Unit (กลุ่มงาน), by name (kept in step with [`User::unit_id`]).
    pub unit: String,
    /// Telephone.
    pub phone: String,
    /// E-mail, for notifications.
    pub email: String,
    /// The account's roles.
    pub roles: Roles,
    /// Whether the account may log in.
    pub active: bool,
    /// The unit's row id (`store::units`), which routes the account's requests.
    pub unit_id: Option<i64>,
}

/// A new account's details.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Thai display name.
    pub name: String,
    /// Position.
    pub position: String,
    /// Unit, by name: an existing unit of that name, or a new one (blank: none).
    pub unit: String,
    /// Telephone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// The account's roles.
    pub roles: Roles,
}

const COLUMNS: &str = "id, username, name, position, unit, phone, email, roles, active, unit_id";

fn user_from_row(r: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        name: r.get(2)?,
        position: r.get(3)?,
        unit: r.get(4)?,
        phone: r.get(5)?,
        email: r.get(6)?,
        roles: {
            let text: String = r.get(7)?;
            Roles::parse_list(&text).map_err(|why| {
                let id: i64 = r.get(0).unwrap_or_default();
                rusqlite::Error::FromSqlConversionFailure(
                    7,
                    rusqlite::types::Type::Text,
                    format!("users row {id}: roles {text:?}: {why}").into(),
                )
            })?
        },
        active: r.get(8)?,
        unit_id: r.get(9)?,
    })
}

/// Creates an account with an already hashed password; `None` if the name is taken.
/// The unit is found by name, or created when no unit has that name yet.
pub fn insert(conn: &Connection, user: &NewUser, password_hash: &str) -> StoreResult<Option<i64>> {
    let unit = user.unit.trim();
    let unit_id = if unit.is_empty() { None } else { Some(super::units::ensure(conn, unit)?) };
    let inserted = conn.execute(
        "INSERT INTO users (username, name, position, unit, unit_id, phone, email, roles, password_hash,
                            created_at)
         VALUES (:username, :name, :position, :unit, :unit_id, :phone, :email, :roles, :hash, :now)
         ON CONFLICT (username) DO NOTHING",
        named_params! {
            ":username": user.username,
            ":name": user.name,
            ":position": user.position,
            ":unit": unit,
            ":unit_id": unit_id,
            ":phone": user.phone,
            ":email": user.email,
            ":roles": user.roles.to_list(),
            ":hash": password_hash,
            ":now": now_unix(),
        },
    )?;
    Ok((inserted == 1).then(|| conn.last_insert_rowid()))
}

/// Every account, by user name.
pub fn all(conn: &Connection) -> StoreResult<Vec<User>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))?;
    let rows = stmt.query_map([], user_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The account with this id.
pub fn by_id(conn: &Connection, id: i64) -> StoreResult<Option<User>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id], user_from_row)
        .optional()?)
}

/// The account with this user name, with its password hash.
pub fn for_login(conn: &Connection, username: &str) -> StoreResult<Option<(User, String)>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS}, password_hash FROM users WHERE username = ?1"))?
        .query_row([username], |r| Ok((user_from_row(r)?, r.get(10)?)))
        .optional()?)
}

/// Active accounts holding `role`.
pub fn with_role(conn: &Connection, role: Role) -> StoreResult<Vec<User>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE active = 1
         AND (',' || roles || ',') LIKE ('%,' || ?1 || ',%') ORDER BY name"
    ))?;
    let rows = stmt.query_map([role.as_str()], user_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Replaces an account's password hash and ends its sessions.
pub fn set_password(conn: &mut Connection, id: i64, password_hash: &str) -> StoreResult<bool> {
    let tx = conn.transaction()?;
    let n = tx.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", (id, password_hash))?;
    tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
    tx.commit()?;
    Ok(n == 1)
}

/// Enables or disables an account; disabling ends its sessions.
pub fn set_active(conn: &mut Connection, id: i64, active: bool) -> StoreResult<bool> {
    let tx = conn.transaction()?;
    let n = tx.execute("UPDATE users SET active = ?2 WHERE id = ?1", (id, active))?;
    if !active {
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
    }
    tx.commit()?;
    Ok(n == 1)
}

/// What an administrator may change about an account (everything but the user name and the
/// password, which have their own paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Thai display name.
    pub name: String,
    /// Position.
    pub position: String,
    /// Unit's row id; `None` for no unit.
    pub unit_id: Option<i64>,
    /// Telephone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Roles.
    pub roles: Roles,
    /// May log in.
    pub active: bool,
}

impl Changes {
    /// The account's current values, as a starting point.
    pub fn of(user: &User) -> Changes {
        Changes {
            name: user.name.clone(),
            position: user.position.clone(),
            unit_id: user.unit_id,
            phone: user.phone.clone(),
            email: user.email.clone(),
            roles: user.roles,
            active: user.active,
        }
    }
}

/// Why [`update`] refused a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    /// No such account.
    NoAccount,
    /// No such unit.
    NoUnit,
    /// It would leave the office without an active administrator.
    LastAdmin,
}

/// Applies `changes` to account `id` (the unit's name is copied to `users.unit`). Removing or
/// disabling the last active administrator is refused; a change that removes rights or disables
/// the account ends its sessions, so nobody keeps a right they lost. Returns the account
/// before and after. Call inside a transaction (the check and the write belong together).
pub fn update(conn: &Connection, id: i64, changes: &Changes) -> StoreResult<Result<(User, User), Blocked>> {
    let Some(before) = by_id(conn, id)? else {
        return Ok(Err(Blocked::NoAccount));
    };
    let unit_name = match changes.unit_id {
        Some(unit) => match super::units::by_id(conn, unit)? {
            Some(u) => u.name,
            None => return Ok(Err(Blocked::NoUnit)),
        },
        None => String::new(),
    };
    let admin_before = before.active && before.roles.contains(Role::Admin);
    let admin_after = changes.active && changes.roles.contains(Role::Admin);
    if admin_before && !admin_after && count_with_role(conn, Role::Admin)? <= 1 {
        return Ok(Err(Blocked::LastAdmin));
    }
    conn.execute(
        "UPDATE users SET name = :name, position = :position, unit = :unit, unit_id = :unit_id,
                phone = :phone, email = :email, roles = :roles, active = :active
         WHERE id = :id",
        named_params! {
            ":id": id,
            ":name": changes.name,
            ":position": changes.position,
            ":unit": unit_name,
            ":unit_id": changes.unit_id,
            ":phone": changes.phone,
            ":email": changes.email,
            ":roles": changes.roles.to_list(),
            ":active": changes.active,
        },
    )?;
    let lost_role = before.roles.iter().any(|r| !changes.roles.contains(r));
    if !changes.active || lost_role {
        conn.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
    }
    let after = by_id(conn, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    Ok(Ok((before, after)))
}

/// The differences between two versions of an account, one `field: before → after` per
/// change (unit names and role labels in Thai), for the audit trail.
pub fn describe_changes(before: &User, after: &User) -> Vec<String> {
    let roles = |r: Roles| r.iter().map(Role::as_str).collect::<Vec<_>>().join(",");
    let active = |a: bool| if a { "ใช้งาน" } else { "ระงับ" };
    let mut out = Vec::new();
    let mut diff = |label: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{label}: {a} → {b}"));
        }
    };
    diff("ชื่อ", before.name.clone(), after.name.clone());
    diff("ตำแหน่ง", before.position.clone(), after.position.clone());
    diff("กลุ่มงาน", before.unit.clone(), after.unit.clone());
    diff("โทรศัพท์", before.phone.clone(), after.phone.clone());
    diff("อีเมล", before.email.clone(), after.email.clone());
    diff("บทบาท", roles(before.roles), roles(after.roles));
    diff("สถานะ", active(before.active).into(), active(after.active).into());
    out
}

/// Number of active accounts holding `role`.
pub fn count_with_role(conn: &Connection, role: Role) -> StoreResult<usize> {
    Ok(with_role(conn, role)?.len())
}

/// A live session: the account and its CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    /// The logged-in account.
    pub user: User,
    /// The token every state-changing form must carry.
    pub csrf: String,
}

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// Seconds without a request after which a session ends.
    pub idle_secs: i64,
    /// Seconds after login after which a session ends regardless.
    pub absolute_secs: i64,
}

/// Starts a session for `user_id`; returns the cookie token (only its digest is stored).
pub fn start_session(conn: &Connection, user_id: i64) -> StoreResult<String> {
    let token = crypto::random_token();
    let now = now_unix();
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        (crypto::token_digest(&token), user_id, crypto::random_token(), now),
    )?;
    Ok(token)
}

/// The session for a cookie token, if it is live; touches it so the idle timeout restarts.
/// Expired sessions and sessions of disabled accounts are removed.
pub fn session(conn: &Connection, token: &str, limits: SessionLimits) -> StoreResult<Option<Session>> {
    let digest = crypto::token_digest(token);
    let now = now_unix();
    let found = conn
        .prepare_cached(&format!(
            "SELECT {}, s.csrf, s.created_at, s.seen_at FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1",
            COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        ))?
        .query_row([&digest], |r| {
            Ok((user_from_row(r)?, r.get::<_, String>(10)?, r.get::<_, i64>(11)?, r.get::<_, i64>(12)?))
        })
        .optional()?;
    let Some((user, csrf, created, seen)) = found else {
        return Ok(None);
    };
    if !user.active || now - seen > limits.idle_secs || now - created > limits.absolute_secs {
        conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [&digest])?;
        return Ok(None);
    }
    // Touch at most once a minute: a page view should not always be a write.
    if now - seen >= 60 {
        conn.execute("UPDATE sessions SET seen_at = ?2 WHERE token_hash = ?1", (&digest, now))?;
    }
    Ok(Some(Session { user, csrf }))
}

/// Ends the session with this cookie token.
pub fn end_session(conn: &Connection, token: &str) -> StoreResult<()> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [crypto::token_digest(token)])?;
    Ok(())
}

/// Whether any account, active or not, holds the admin role. Disabled admins count: an office
/// whose only admin was disabled must not be offered a new first-admin link.
pub fn has_admin(conn: &Connection) -> StoreResult<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM users WHERE (',' || roles || ',') LIKE '%,admin,%'")?.exists([])?)
}

/// Stores a one-time setup token valid for `valid_secs`; returns the token.
pub fn new_setup_token(conn: &Connection, valid_secs: i64) -> StoreResult<String> {
    let token = crypto::random_token();
    conn.execute(
        "INSERT INTO setup_tokens (token_hash, expires_at) VALUES (?1, ?2)",
        (crypto::token_digest(&token), now_unix() + valid_secs),
    )?;
    Ok(token)
}

/// Whether a setup token is unused and unexpired.
pub fn setup_token_valid(conn: &Connection, token: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM setup_tokens WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        )?
        .exists((crypto::token_digest(token), now_unix()))?)
}

/// Marks a setup token used; `false` if it was not valid (already used or expired).
pub fn use_setup_token(conn: &Connection, token: &str) -> StoreResult<bool> {
    let now = now_unix();
    let n = conn.execute(
        "UPDATE setup_tokens SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        (crypto::token_digest(token), now),
    )?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn somchai() -> NewUser {
        NewUser {
            username: "somchai".into(),
            name: "นายสมชาย ใจดี".into(),
            position: "นักวิชาการสาธารณสุข".into(),
            unit: "กลุ่มงานส่งเสริมสุขภาพ".into(),
            roles: Roles::parse_list("staff,approver").unwrap(),
            ..NewUser::default()
        }
    }

    #[test]
    fn accounts_sessions_and_setup_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .run_sync(|c| {
                let id = insert(c, &somchai(), "hash")?.unwrap();
                assert!(insert(c, &somchai(), "hash")?.is_none(), "duplicate user name");
                assert_eq!(with_role(c, Role::Approver)?.len(), 1);
                assert_eq!(with_role(c, Role::WebMaster)?.len(), 0);
                c.execute("UPDATE users SET roles = 'staff,boss' WHERE id = ?1", [id])?;
                let err = by_id(c, id).unwrap_err().to_string();
                assert!(err.contains(&format!("users row {id}")) && err.contains("boss"), "{err}");
                c.execute("UPDATE users SET roles = 'staff,approver' WHERE id = ?1", [id])?;
                let (user, hash) = for_login(c, "SOMCHAI")?.unwrap();
                assert_eq!((user.id, hash.as_str()), (id, "hash"));

                let limits = SessionLimits { idle_secs: 1800, absolute_secs: 43200 };
                let token = start_session(c, id)?;
                let s = session(c, &token, limits)?.unwrap();
                assert_eq!(s.user.name, "นายสมชาย ใจดี");
                assert_eq!(s.csrf.len(), 64);
                let stored: String = c.query_row("SELECT token_hash FROM sessions", [], |r| r.get(0))?;
                assert_ne!(stored, token, "only the digest is stored");
                let expired = SessionLimits { idle_secs: -1, absolute_secs: 43200 };
                assert!(session(c, &token, expired)?.is_none());
                assert!(session(c, &token, limits)?.is_none(), "an expired session is gone");

                let token = start_session(c, id)?;
                set_active(c, id, false)?;
                assert!(session(c, &token, limits)?.is_none(), "disabling ends sessions");

                assert!(!has_admin(c)?);
                let setup = new_setup_token(c, 3600)?;
                assert!(setup_token_valid(c, &setup)?);
                assert!(use_setup_token(c, &setup)?);
                assert!(!use_setup_token(c, &setup)?, "works once");
                let old = new_setup_token(c, -1)?;
                assert!(!setup_token_valid(c, &old)?, "expired");
                Ok(())
            })
            .unwrap();
    }
}
