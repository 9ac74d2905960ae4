//! Password policy for staff accounts: long enough, not the user name, not a well-known
//! password, not one character repeated.
//!
//! Thai staff often type with the keyboard still in Thai mode, so a password is also checked as
//! the Latin letters the same keys would give ("ยฟหหไนพก" is "password" on a Kedmanee keyboard).

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 10;

/// Most characters a password may have; far beyond any real passphrase.
pub const MAX_CHARS: usize = 256;

/// Refused passwords, one a line; `#` starts a comment line.
const COMMON: &str = include_str!("common-passwords.txt");

/// Checks `password` for the account `username`; the error is a Thai sentence to show as is.
pub fn check(password: &str, username: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(format!("รหัสผ่านต้องยาวอย่างน้อย {MIN_CHARS} ตัวอักษร (ขณะนี้ {n} ตัวอักษร)"));
    }
    if n > MAX_CHARS {
        return Err(format!("รหัสผ่านยาวได้ไม่เกิน {MAX_CHARS} ตัวอักษร"));
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err("รหัสผ่านต้องไม่เป็นตัวอักษรเดียวกันซ้ำทั้งหมด".into());
    }
    let lower = password.to_lowercase();
    let latin = kedmanee_to_qwerty(&lower);
    let user = username.trim().to_lowercase();
    // Very short names would forbid too much; for those only an exact match is refused.
    let has_user =
        |p: &str| !user.is_empty() && (p == user || (user.chars().count() >= 3 && p.contains(&user)));
    if has_user(&lower) || has_user(&latin) {
        return Err("รหัสผ่านต้องไม่มีชื่อผู้ใช้อยู่ในรหัสผ่าน".into());
    }
    if is_common(&lower) || is_common(&latin) {
        return Err("รหัสผ่านนี้เป็นรหัสผ่านที่ใช้กันแพร่หลายและเดาได้ง่าย กรุณาตั้งรหัสผ่านอื่น".into());
    }
    Ok(())
}

/// Whether a lower-case password is on the list, as is or as a listed word with only digits
/// and symbols added at the end ("iloveyou2567!" is still "iloveyou").
fn is_common(lower: &str) -> bool {
    let listed = |p: &str| {
        COMMON
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .any(|l| l.eq_ignore_ascii_case(p))
    };
    let base = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    listed(lower) || (base.chars().count() >= 4 && listed(base))
}

/// The Latin characters the same keys give on a US keyboard, for text typed on the Thai
/// Kedmanee layout (unshifted keys only, which is how such passwords are typed). Text without
/// Thai letters is returned as is, so a Latin password's `-` and `/` stay what they are.
fn kedmanee_to_qwerty(s: &str) -> String {
    if !s.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c)) {
        return s.to_string();
    }
    const THAI: &str = "ๅ/-ภถุึคตจขชๆไำพะัีรนยบลฃฟหกดเ้่าสวงผปแอิืทมใฝ";
    const US: &str = "1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./";
    s.chars()
        .map(|c| THAI.chars().position(|t| t == c).and_then(|i| US.chars().nth(i)).unwrap_or(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_passwords_pass() {
        for p in
            ["ม้าลายกินหญ้าริมโขง", "correct horse battery staple", "Kut-Pong-2569-clinic", "ดอกคูนบานหน้าสสอ."]
        {
            assert_eq!(check(p, "somchai"), Ok(()), "{p}");
        }
    }

    #[test]
    fn length_counts_characters() {
        // Nine Thai characters are 27 bytes but still too short.
        let err = check("สวัสดีครับ"[..27].trim(), "x").unwrap_err();
        assert_eq!(err, "รหัสผ่านต้องยาวอย่างน้อย 10 ตัวอักษร (ขณะนี้ 9 ตัวอักษร)");
        assert!(check("สวัสดีครับผม", "x").is_ok());
        assert!(check(&"ab".repeat(129), "x").is_err());
    }

    #[test]
    fn user_name_is_refused() {
        for p in ["somchai.k1", "MySomchai.K-2569", "SOMCHAI.K!!"] {
            let err = check(p, "Somchai.K").unwrap_err();
            assert!(err.contains("ชื่อผู้ใช้"), "{p}: {err}");
        }
        // Typed with the keyboard in Thai mode: "somchai" is "หนทแ้ฟร".
        assert!(check("หนทแ้ฟริ๊กๆ!", "somchai").is_err());
        // A two-letter name forbids only itself.
        assert!(check("kp-ห้องประชุมใหญ่", "kp").is_ok());
    }

    #[test]
    fn common_passwords_are_refused() {
        for p in [
            "1234567890",
            "QwertyUiop",
            "Password123",
            "iloveyou2569!",
            "Thailand1234",
            // "password1234" typed with the keyboard in Thai mode.
            "ยฟหหไนพกๅ/-ภ",
            // "1234567890" in Thai mode.
            "ๅ/-ภถุึคตจ",
        ] {
            let err = check(p, "somchai").unwrap_err();
            assert!(err.contains("เดาได้ง่าย"), "{p}: {err}");
        }
        // The list is well formed: no stray spaces or upper case to defeat the comparison.
        let mut n = 0;
        for l in COMMON.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
            assert_eq!(l, l.trim().to_lowercase(), "{l:?}");
            n += 1;
        }
        assert!(n >= 200, "{n}");
    }

    #[test]
    fn one_repeated_character_is_refused() {
        for p in ["aaaaaaaaaaaa", "กกกกกกกกกกกก", "............"] {
            let err = check(p, "somchai").unwrap_err();
            assert!(err.contains("ซ้ำ"), "{p}: {err}");
        }
    }

    #[test]
    fn layouts_line_up() {
        assert_eq!(kedmanee_to_qwerty("ยฟหหไนพก"), "password");
        assert_eq!(kedmanee_to_qwerty("ๅ/-ภถุึคตจ"), "1234567890");
        assert_eq!(kedmanee_to_qwerty("ผปแอิืทมใฝ"), "zxcvbnm,./");
        assert_eq!(kedmanee_to_qwerty("a-b/c"), "a-b/c");
    }
}
