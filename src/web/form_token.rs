//! Tokens for anonymous public forms (complaints, questions, information requests, survey).
//!
//! Visitors have no session, and public pages set no cookie, so the token is self-contained:
//! the time it was issued and a random nonce, signed with HMAC-SHA256 under a key made at
//! start. A forged cross-site post has no valid token (it cannot read the form), an old form
//! is refused after [`MAX_AGE_SECS`], and the nonce is stored when the form is accepted, so
//! the same form sent twice (double click, reload) is stored once.

use hmac::{KeyInit as _, Mac as _};
use sha2::Sha256;

type Hmac = hmac::Hmac<Sha256>;

/// How long a form may stay open before it must be loaded again.
pub const MAX_AGE_SECS: i64 = 4 * 3600;

/// Signs and checks form tokens with a key that lives as long as the process.
pub struct FormTokens {
    key: [u8; 32],
}

impl Default for FormTokens {
    fn default() -> Self {
        FormTokens { key: rand::random() }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Missing, malformed or not signed by this server (or from before a restart).
    Invalid,
    /// Too old.
    Expired,
}

impl Refused {
    /// Thai message for the form.
    pub fn message(self) -> &'static str {
        match self {
            Refused::Invalid => "แบบฟอร์มไม่สมบูรณ์หรือหมดอายุ กรุณาตรวจข้อมูลแล้วกดส่งอีกครั้ง",
            Refused::Expired => "แบบฟอร์มเปิดค้างไว้นานเกินไป กรุณาตรวจข้อมูลแล้วกดส่งอีกครั้ง",
        }
    }
}

impl FormTokens {
    fn mac(&self, form: &str, issued: i64, nonce: &str) -> String {
        let mut mac = Hmac::new_from_slice(&self.key).expect("any key length");
        mac.update(format!("{form}|{issued}|{nonce}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A new token for the form named `form`, issued at `now` (Unix seconds).
    pub fn issue(&self, form: &str, now: i64) -> String {
        let nonce = hex::encode(rand::random::<[u8; 12]>());
        format!("{now}.{nonce}.{}", self.mac(form, now, &nonce))
    }

    /// Checks a token for `form` at `now`; on success returns the nonce to record as used.
    pub fn check(&self, form: &str, token: &str, now: i64) -> Result<String, Refused> {
        let mut parts = token.splitn(3, '.');
        let (Some(issued), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Refused::Invalid);
        };
        let issued: i64 = issued.parse().map_err(|_| Refused::Invalid)?;
        if !crate::crypto::constant_time_eq(mac, &self.mac(form, issued, nonce)) {
            return Err(Refused::Invalid);
        }
        if now - issued > MAX_AGE_SECS || issued > now + 60 {
            return Err(Refused::Expired);
        }
        Ok(format!("{form}:{nonce}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bound_to_form_key_and_time() {
        let tokens = FormTokens::default();
        let t = tokens.issue("complaint", 1000);
        let nonce = tokens.check("complaint", &t, 1010).unwrap();
        assert!(nonce.starts_with("complaint:"));
        assert_eq!(tokens.check("survey", &t, 1010), Err(Refused::Invalid), "other form");
        assert_eq!(FormTokens::default().check("complaint", &t, 1010), Err(Refused::Invalid), "other key");
        assert_eq!(tokens.check("complaint", &t, 1000 + MAX_AGE_SECS + 1), Err(Refused::Expired));
        assert_eq!(tokens.check("complaint", "", 1000), Err(Refused::Invalid));
        let forged = t.replacen("1000", "1001", 1);
        assert_eq!(tokens.check("complaint", &forged, 1010), Err(Refused::Invalid));
    }
}
