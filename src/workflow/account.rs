//! What a valid account holds: shared by the first-admin page, the admin page and the
//! `prakat user` command.

use super::password;
use super::request::FieldError;
use super::state::Roles;

/// Checks a new account's user name, display name and password (typed twice).
pub fn check(username: &str, name: &str, password: &str, password2: &str) -> Vec<FieldError> {
    let mut problems = check_identity(username, name);
    problems.extend(check_password(username.trim(), password, password2));
    problems
}

/// Checks a new account's user name and display name.
pub fn check_identity(username: &str, name: &str) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let username = username.trim();
    if username.is_empty()
        || username.len() > 64
        || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        problems.push(FieldError {
            field: "username".into(),
            message: "ชื่อผู้ใช้: ใช้ตัวอักษรภาษาอังกฤษ ตัวเลข จุด ขีด หรือขีดล่าง 1–64 ตัว".into(),
        });
    }
    if name.trim().is_empty() {
        problems.push(FieldError {
            field: "name".into(), message: "ชื่อ-นามสกุล: ต้องกรอก".into()
        });
    }
    problems
}

/// Checks an account's changed details: a name, a plausible e-mail when one is given, at least
/// one role. Every message names the field.
pub fn check_changes(name: &str, email: &str, roles: &str) -> (Vec<FieldError>, Roles) {
    let mut problems = Vec::new();
    if name.trim().is_empty() {
        problems.push(FieldError {
            field: "name".into(), message: "ชื่อ-นามสกุล: ต้องกรอก".into()
        });
    }
    let email = email.trim();
    let plausible = |e: &str| {
        let mut parts = e.split('@');
        matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(d), None)
            if !a.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
            && !e.chars().any(char::is_whitespace)
    };
    if !email.is_empty() && !plausible(email) {
        problems.push(FieldError {
            field: "email".into(),
            message: format!("อีเมล: \"{email}\" ไม่ใช่รูปแบบอีเมล (เช่น somchai@example.go.th)"),
        });
    }
    let roles = match Roles::parse_list(roles) {
        Ok(r) if r.is_empty() => {
            problems
                .push(FieldError {
                    field: "roles".into(), message: "บทบาท: ต้องเลือกอย่างน้อย 1 บทบาท".into()
                });
            r
        }
        Ok(r) => r,
        Err(e) => {
            problems.push(FieldError { field: "roles".into(), message: format!("บทบาท: {e}") });
            Roles::EMPTY
        }
    };
    (problems, roles)
}

/// Checks a new password, typed twice.
pub fn check_password(username: &str, password: &str, password2: &str) -> Option<FieldError> {
    if let Err(why) = password::check(password, username) {
        Some(FieldError { field: "password".into(), message: format!("รหัสผ่าน: {why}") })
    } else if password != password2 {
        Some(FieldError {
            field: "password2".into(), message: "ยืนยันรหัสผ่าน: ไม่ตรงกับรหัสผ่าน".into()
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_checked_field_by_field() {
        let (p, _) = check_changes(" ", "somchai@", "staff,boss");
        let fields: Vec<&str> = p.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["name", "email", "roles"]);
        assert!(p[2].message.contains("boss"));
        let (p, roles) = check_changes("นายสมชาย", "somchai@ssomueangloei.go.th", "approver,director");
        assert!(p.is_empty());
        assert_eq!(roles.to_list(), "approver,director");
        assert_eq!(check_changes("นายสมชาย", "", "").0[0].field, "roles");
    }

    #[test]
    fn every_problem_is_named() {
        let p = check("สมชาย", "", "short", "short");
        let fields: Vec<&str> = p.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["username", "name", "password"]);
        assert!(check("somchai", "นายสมชาย ใจดี", "ภูกระดึงเมืองเลย2569", "ภูกระดึงเมืองเลย2569").is_empty());
        let mismatch = check("somchai", "นายสมชาย", "ภูกระดึงเมืองเลย2569", "อื่น");
        assert_eq!(mismatch[0].field, "password2");
    }
}
