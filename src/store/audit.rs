//! The audit trail: every login, transition and settings change, appended and never changed
//! (the database refuses updates and deletions with triggers).

use rusqlite::{Connection, named_params};

use super::{StoreResult, now_unix};
pub use crate::workflow::audit::AuditAction;

/// Who did something, from where.
#[derive(Debug, Clone, Default)]
pub struct Who {
    /// The account, if logged in.
    pub user_id: Option<i64>,
    /// The client's address, or where the action came from (`scheduler`, `console`).
    pub address: String,
}

impl Who {
    /// The in-process scheduler (expiry, purges, backups).
    pub fn scheduler() -> Who {
        Who { user_id: None, address: "scheduler".into() }
    }

    /// A command typed at the server's console.
    pub fn console() -> Who {
        Who { user_id: None, address: "console".into() }
    }
}

/// One line of the trail.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Row id, increasing.
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// The account, if any.
    pub user_id: Option<i64>,
    /// Display name of the account, if any.
    pub user_name: Option<String>,
    /// Client address.
    pub address: String,
    /// What happened.
    pub action: AuditAction,
    /// What it happened to, e.g. `request/12`.
    pub object: String,
    /// Free text: a reason, a user name tried.
    pub detail: String,
}

/// Appends an entry.
pub fn append(
    conn: &Connection,
    who: &Who,
    action: AuditAction,
    object: &str,
    detail: &str,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO audit (at, user_id, address, action, object, detail)
         VALUES (:at, :user, :address, :action, :object, :detail)",
    )?
    .execute(named_params! {
        ":at": now_unix(),
        ":user": who.user_id,
        ":address": who.address,
        ":action": action.as_str(),
        ":object": object,
        ":detail": detail,
    })?;
    Ok(())
}

/// Filter for [`list`].
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only entries about this object (`request/12`).
    pub object: Option<String>,
    /// Only entries whose action starts with this (`login`, `request.`).
    pub action_prefix: Option<String>,
    /// At most this many, newest first (`None`: all, oldest first).
    pub limit: Option<u32>,
}

/// Entries matching `filter`: the newest `limit` (newest first), or all of them (oldest first).
pub fn list(conn: &Connection, filter: &Filter) -> StoreResult<Vec<Entry>> {
    let order = if filter.limit.is_some() { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT a.id, a.at, a.user_id, u.name, a.address, a.action, a.object, a.detail
         FROM audit a LEFT JOIN users u ON u.id = a.user_id
         WHERE (:object IS NULL OR a.object = :object)
           AND (:prefix IS NULL OR substr(a.action, 1, length(:prefix)) = :prefix)
         ORDER BY a.id {order} LIMIT :limit"
    );
    let limit = filter.limit.map_or(-1, i64::from);
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(
            named_params! {":object": filter.object, ":prefix": filter.action_prefix, ":limit": limit},
            |r| {
                Ok(Entry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    user_id: r.get(2)?,
                    user_name: r.get(3)?,
                    address: r.get(4)?,
                    action: {
                        let text: String = r.get(5)?;
                        AuditAction::parse(&text).ok_or_else(|| {
                            let id: i64 = r.get(0).unwrap_or_default();
                            rusqlite::Error::FromSqlConversionFailure(
                                5,
                                rusqlite::types::Type::Text,
                                format!("audit row {id}: unknown action {text:?}").into(),
                            )
                        })?
                    },
                    object: r.get(6)?,
                    detail: r.get(7)?,
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn the_trail_can_only_grow() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .run_sync(|c| {
                let who = Who { user_id: None, address: "192.168.1.20".into() };
                append(c, &who, AuditAction::LoginFailed, "user/somchai", "รหัสผ่านไม่ถูกต้อง")?;
                append(c, &who, AuditAction::RequestSubmit, "request/1", "")?;
                assert!(c.execute("UPDATE audit SET detail = 'x'", []).is_err());
                assert!(c.execute("DELETE FROM audit", []).is_err());
                let all = list(c, &Filter::default())?;
                assert_eq!(all.len(), 2);
                assert_eq!(all[0].action, AuditAction::LoginFailed);
                let logins = list(c, &Filter { action_prefix: Some("login".into()), ..Filter::default() })?;
                assert_eq!(logins.len(), 1);
                let of_request = list(c, &Filter { object: Some("request/1".into()), ..Filter::default() })?;
                assert_eq!(of_request[0].action, AuditAction::RequestSubmit);
                Ok(())
            })
            .unwrap();
    }
}
