//! Text hygiene at the boundary: one filter, [`clean`], for every text field that reaches
//! Prakat, applied to every URL-encoded form by [`clean_forms`] before any handler sees it and
//! to the request form's multipart text fields by [`super::upload`].
//!
//! What it removes is what broke pages, feeds and exports: NUL and the other C0/C1 control
//! characters (a vertical tab, Word's Shift+Enter, becomes a line break; CR LF becomes LF),
//! bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069: a U+202E reverses the
//! rest of a field), runs of more than [`MAX_MARKS`] combining marks on one base character
//! (120 stacked Thai tone marks drew over the page header), and the non-characters U+FFFE and
//! U+FFFF. The result is in Unicode normalisation form C.

use std::borrow::Cow;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

/// Combining marks kept on one base character (Thai needs at most three: a vowel, a tone
/// mark and a sign).
pub const MAX_MARKS: usize = 3;

/// The cleaned text (see the module documentation). Tab and line feed are kept.
pub fn clean(text: &str) -> Cow<'_, str> {
    // Plain ASCII text (most fields, every token) has nothing to clean.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\t' || b == b'\n') {
        return Cow::Borrowed(text);
    }
    let mut filtered = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\u{b}' | '\u{c}' => filtered.push('\n'),
            '\t' | '\n' => filtered.push(c),
            c if c.is_control() => {}
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{fffe}' | '\u{ffff}' => {}
            c => filtered.push(c),
        }
    }
    let mut out = String::with_capacity(filtered.len());
    let mut marks = 0;
    for c in filtered.nfc() {
        if is_combining_mark(c) {
            marks += 1;
            if marks > MAX_MARKS {
                continue;
            }
        } else {
            marks = 0;
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// Whether a field is a password, kept exactly as typed: changing it would change which
/// passwords match.
fn is_password(name: &str) -> bool {
    name.contains("password")
}

/// Cleans every value of a URL-encoded form body; `None` when nothing changed.
pub fn clean_form_body(body: &[u8]) -> Option<String> {
    let mut changed = false;
    let mut out = form_urlencoded::Serializer::new(String::with_capacity(body.len()));
    for (name, value) in form_urlencoded::parse(body) {
        let name_clean = clean(&name);
        let value_clean = if is_password(&name) { Cow::Borrowed(value.as_ref()) } else { clean(&value) };
        changed |= matches!(name_clean, Cow::Owned(_)) || matches!(value_clean, Cow::Owned(_));
        out.append_pair(&name_clean, &value_clean);
    }
    changed.then(|| out.finish())
}

/// Middleware: the body of every URL-encoded form is cleaned before the handler reads it.
/// Bodies over `limit` bytes are refused here (the extractors would refuse them too).
pub async fn clean_forms(request: Request, next: Next) -> Response {
    let is_form = request.method() == Method::POST
        && request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, super::FORM_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            let why = "ข้อมูลในแบบฟอร์มยาวเกินกำหนดหรือส่งมาไม่ครบ กรุณาย่อข้อความแล้วส่งใหม่ (form too large)";
            return (StatusCode::PAYLOAD_TOO_LARGE, Html(why)).into_response();
        }
    };
    let body = match clean_form_body(&bytes) {
        Some(cleaned) => {
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(cleaned.len()));
            Body::from(cleaned)
        }
        None => Body::from(bytes),
    };
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_go_and_lines_stay() {
        assert_eq!(clean("a\u{0}b\u{7}c\u{7f}d\u{85}e\u{9f}"), "abcde");
        assert_eq!(clean("หนึ่ง\u{b}สอง\r\nสาม\rสี่\tห้า"), "หนึ่ง\nสอง\nสาม\nสี่\tห้า");
        assert_eq!(clean("abc\u{202e}fdp.exe\u{202c} \u{2066}x\u{2069}"), "abcfdp.exe x");
        assert_eq!(clean("plain ASCII, kept as is"), Cow::Borrowed("plain ASCII, kept as is"));
        assert_eq!(clean("\u{fffe}ok\u{ffff}"), "ok");
    }

    #[test]
    fn combining_marks_are_capped_and_text_is_nfc() {
        let tower = format!("ก{}", "\u{e48}".repeat(120));
        assert_eq!(clean(&tower).chars().count(), 1 + MAX_MARKS);
        // Ordinary Thai is untouched: consonant, vowel, tone mark.
        for word in ["กิ๊ก", "น้ำ", "จันทร์", "ผู้ใหญ่บ้าน", "ที่ว่าการอำเภอ"]
        {
            assert_eq!(clean(word), word);
        }
        assert_eq!(clean("e\u{301}"), "\u{e9}");
        let zalgo = format!("a{}b", "\u{300}\u{301}\u{302}\u{303}\u{304}".repeat(10));
        assert_eq!(clean(&zalgo).chars().filter(|c| is_combining_mark(*c)).count(), MAX_MARKS);
    }

    #[test]
    fn forms_are_cleaned_but_passwords_kept() {
        let body = "topic=a%00b%E2%80%AEc&password=p%00w&csrf=abc&topic=x";
        let cleaned = clean_form_body(body.as_bytes()).unwrap();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(cleaned.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(pairs[0], ("topic".into(), "abc".into()));
        assert_eq!(pairs[1], ("password".into(), "p\u{0}w".into()));
        assert_eq!(pairs[3], ("topic".into(), "x".into()));
        assert_eq!(clean_form_body(b"a=1&b=hello+world"), None);
    }
}
