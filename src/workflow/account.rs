//! What a valid account holds: shared by the first-admin page, the admin page and the
//! `prakat user` command.

use super::password;
use super::request::FieldError;

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
    fn every_problem_is_named() {
        let p = check("สมชาย", "", "short", "short");
        let fields: Vec<&str> = p.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["username", "name", "password"]);
        assert!(check("somchai", "นายสมชาย ใจดี", "ภูกระดึงเมืองเลย2569", "ภูกระดึงเมืองเลย2569").is_empty());
        let mismatch = check("somchai", "นายสมชาย", "ภูกระดึงเมืองเลย2569", "อื่น");
        assert_eq!(mismatch[0].field, "password2");
    }
}
