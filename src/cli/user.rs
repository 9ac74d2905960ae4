//! `prakat user …`: accounts from the console, for the first admin and for when no browser is
//! at hand.

use std::io::BufRead as _;

use anyhow::{Context as _, bail};

use crate::crypto;
use crate::store::Store;
use crate::store::audit::{self, Who};
use crate::store::users::{self, Blocked, Changes, NewUser};
use crate::workflow::account;
use crate::workflow::audit::AuditAction;
use crate::workflow::state::{Role, Roles};

/// The `user` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create an account (the password is asked for, or read from standard input).
    Add {
        /// Login name (English letters, digits, . _ -).
        #[arg(long)]
        username: String,
        /// Thai display name, as it appears on the request form.
        #[arg(long)]
        name: String,
        /// Position (ตำแหน่ง).
        #[arg(long, default_value = "")]
        position: String,
        /// Unit (กลุ่มงาน).
        #[arg(long, default_value = "")]
        unit: String,
        /// Telephone.
        #[arg(long, default_value = "")]
        phone: String,
        /// E-mail, for notifications.
        #[arg(long, default_value = "")]
        email: String,
        /// Roles, comma separated: staff, approver, webmaster, admin, director.
        #[arg(long, default_value = "staff")]
        role: String,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (ends the account's sessions).
    Passwd {
        /// Login name.
        username: String,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change an account: only the options given change; every change is audited with
    /// before → after. The last active admin cannot lose the role or be disabled.
    Edit {
        /// Login name.
        username: String,
        /// Thai display name.
        #[arg(long)]
        name: Option<String>,
        /// Position (ตำแหน่ง), as printed on the request form.
        #[arg(long)]
        position: Option<String>,
        /// Unit (กลุ่มงาน) by name; a new name adds the unit; "" for none.
        #[arg(long)]
        unit: Option<String>,
        /// Telephone.
        #[arg(long)]
        phone: Option<String>,
        /// E-mail, for notifications.
        #[arg(long)]
        email: Option<String>,
        /// Roles, comma separated, replacing the current ones: staff, approver, webmaster,
        /// admin, director.
        #[arg(long)]
        roles: Option<String>,
    },
    /// List accounts with their roles.
    List,
    /// Stop an account from logging in (ends its sessions; its history is kept).
    Disable {
        /// Login name.
        username: String,
    },
    /// Let a disabled account log in again.
    Enable {
        /// Login name.
        username: String,
    },
    /// Turn off two-step login (TOTP) of an account whose phone was lost; if its role requires
    /// it, it enrols again at the next login.
    TotpReset {
        /// Login name.
        username: String,
    },
}

fn read_password(username: &str, from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let password = line.trim_end_matches(['\n', '\r']).to_owned();
        if let Some(e) = account::check_password(username, &password, &password) {
            bail!("{}", e.message);
        }
        return Ok(password);
    }
    let first = rpassword::prompt_password("รหัสผ่าน (password): ")?;
    let second = rpassword::prompt_password("ยืนยันรหัสผ่าน (again): ")?;
    match account::check_password(username, &first, &second) {
        Some(e) => bail!("{}", e.message),
        None => Ok(first),
    }
}

fn console() -> Who {
    Who::console()
}

/// Runs one `user` subcommand against the data directory's store.
pub fn run(store: &Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { username, name, position, unit, phone, email, role, password_stdin } => {
            let roles = Roles::parse_list(&role).map_err(anyhow::Error::msg)?;
            if let Some(p) = account::check_identity(&username, &name).first() {
                bail!("{}", p.message);
            }
            let password = read_password(&username, password_stdin)?;
            let user = NewUser {
                username: username.trim().into(),
                name: name.trim().into(),
                position,
                unit,
                phone,
                email,
                roles,
            };
            let hash = crypto::hash_password(&password);
            let id = store.run_sync(|c| {
                let id = users::insert(c, &user, &hash)?;
                if let Some(id) = id {
                    audit::append(
                        c,
                        &console(),
                        AuditAction::UserAdd,
                        &format!("user/{id}"),
                        &user.roles.to_list(),
                    )?;
                }
                Ok(id)
            })?;
            id.with_context(|| format!("มีผู้ใช้ชื่อ {username} แล้ว (user name taken)"))?;
            println!("สร้างผู้ใช้ {username} แล้ว ({})", roles.to_list());
        }
        UserCommand::Passwd { username, password_stdin } => {
            let (user, _) = find(store, &username)?;
            let password = read_password(&username, password_stdin)?;
            let hash = crypto::hash_password(&password);
            store.run_sync(|c| {
                users::set_password(c, user.id, &hash)?;
                audit::append(c, &console(), AuditAction::UserPasswd, &format!("user/{}", user.id), "")
            })?;
            println!("เปลี่ยนรหัสผ่านของ {username} แล้ว");
        }
        UserCommand::Edit { username, name, position, unit, phone, email, roles } => {
            edit(store, &username, name, position, unit, phone, email, roles)?;
        }
        UserCommand::List => {
            let all = store.run_sync(|c| users::all(c))?;
            println!("{:<16} {:<8} {:<30} {:<40} ชื่อ (name)", "username", "active", "roles", "unit");
            for u in all {
                println!(
                    "{:<16} {:<8} {:<30} {:<40} {}",
                    u.username,
                    if u.active { "yes" } else { "no" },
                    u.roles.to_list(),
                    u.unit,
                    u.name
                );
            }
        }
        UserCommand::Disable { username } => set_active(store, &username, false)?,
        UserCommand::Enable { username } => set_active(store, &username, true)?,
        UserCommand::TotpReset { username } => {
            let (user, _) = find(store, &username)?;
            store.run_sync(|c| {
                crate::store::totp::disable(c, user.id)?;
                audit::append(c, &console(), AuditAction::UserTotpReset, &format!("user/{}", user.id), "")
            })?;
            println!("ปิดการยืนยันตัวตนสองขั้นตอนของ {username} แล้ว (two-step login reset)");
        }
    }
    Ok(())
}

fn find(store: &Store, username: &str) -> anyhow::Result<(users::User, String)> {
    let name = username.to_owned();
    store
        .run_sync(|c| users::for_login(c, &name))?
        .with_context(|| format!("ไม่พบผู้ใช้ {username} (no such user)"))
}

/// Applies `changes` to `user` in one transaction with its audit line; refuses (naming why)
/// what would leave the office without an active administrator.
fn apply(
    store: &Store,
    user: &users::User,
    changes: &Changes,
    action: AuditAction,
) -> anyhow::Result<Vec<String>> {
    let id = user.id;
    let outcome = store.run_sync(|c| {
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let outcome = users::update(&tx, id, changes)?;
        let mut diff = Vec::new();
        if let Ok((before, after)) = &outcome {
            diff = users::describe_changes(before, after);
            if !diff.is_empty() {
                let detail = match action {
                    AuditAction::UserEdit => format!("{}: {}", after.username, diff.join("; ")),
                    _ => String::new(),
                };
                audit::append(&tx, &console(), action, &format!("user/{id}"), &detail)?;
            }
        }
        tx.commit()?;
        Ok(outcome.map(|_| diff))
    })?;
    match outcome {
        Ok(diff) => Ok(diff),
        Err(Blocked::LastAdmin) => bail!(
            "{} เป็นผู้ดูแลระบบที่ใช้งานได้คนสุดท้าย ถอดบทบาทผู้ดูแลระบบหรือระงับไม่ได้ \
             (the last active admin cannot lose the role or be disabled; make another admin first)",
            user.username
        ),
        Err(Blocked::NoUnit) => bail!("ไม่พบกลุ่มงาน (no such unit)"),
        Err(Blocked::NoAccount) => bail!("ไม่พบผู้ใช้ {} (no such user)", user.username),
    }
}

/// Warns when fewer than two web masters remain active (seed 4.1); allowed, but said.
fn warn_webmasters(store: &Store) -> anyhow::Result<()> {
    let n = store.run_sync(|c| users::count_with_role(c, Role::WebMaster))?;
    if n < 2 {
        eprintln!(
            "คำเตือน: มีผู้ดูแลเว็บไซต์ที่ใช้งานได้ {n} คน ควรมีอย่างน้อย 2 คน \
             (warning: {n} active web master(s); seed 4.1 asks for two)"
        );
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn edit(
    store: &Store,
    username: &str,
    name: Option<String>,
    position: Option<String>,
    unit: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    roles: Option<String>,
) -> anyhow::Result<()> {
    let (user, _) = find(store, username)?;
    let mut changes = Changes::of(&user);
    let (errors, new_roles) = account::check_changes(
        name.as_deref().unwrap_or(&user.name),
        email.as_deref().unwrap_or(&user.email),
        &roles.clone().unwrap_or_else(|| user.roles.to_list()),
    );
    if let Some(e) = errors.first() {
        bail!("{}", e.message);
    }
    changes.roles = new_roles;
    if let Some(v) = name {
        changes.name = v.trim().into();
    }
    if let Some(v) = position {
        changes.position = v.trim().into();
    }
    if let Some(v) = phone {
        changes.phone = v.trim().into();
    }
    if let Some(v) = email {
        changes.email = v.trim().into();
    }
    if let Some(v) = unit {
        let v = v.trim().to_owned();
        changes.unit_id =
            if v.is_empty() { None } else { Some(store.run_sync(|c| crate::store::units::ensure(c, &v))?) };
    }
    let diff = apply(store, &user, &changes, AuditAction::UserEdit)?;
    if diff.is_empty() {
        println!("ไม่มีการเปลี่ยนแปลง (nothing changed)");
    } else {
        println!("แก้ไขผู้ใช้ {username} แล้ว:");
        for line in diff {
            println!("  {line}");
        }
    }
    warn_webmasters(store)
}

fn set_active(store: &Store, username: &str, active: bool) -> anyhow::Result<()> {
    let (user, _) = find(store, username)?;
    let changes = Changes { active, ..Changes::of(&user) };
    let action = if active { AuditAction::UserEnable } else { AuditAction::UserDisable };
    apply(store, &user, &changes, action)?;
    warn_webmasters(store)?;
    println!("{} {username} แล้ว", if active { "เปิดใช้งาน" } else { "ระงับการใช้งาน" });
    Ok(())
}
