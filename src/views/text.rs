//! Small formatting pieces shared by pages: body text, dates, file types.

use jiff::Timestamp;
use jiff::civil::Date;
use maud::{Markup, html};

use crate::thai::{self, Digits};

/// Renders plain body text: blank lines separate paragraphs, lines starting with `- ` form a
/// bulleted list. Everything is escaped; no markup from the text is trusted.
pub fn body(text: &str) -> Markup {
    let blocks: Vec<&str> = text.split("\n\n").map(str::trim).filter(|b| !b.is_empty()).collect();
    html! {
        @for block in blocks {
            @let lines: Vec<&str> = block.lines().map(str::trim).collect();
            @if lines.iter().all(|l| l.starts_with("- ")) {
                ul { @for l in &lines { li { (l.trim_start_matches("- ")) } } }
            } @else {
                p {
                    @for (n, l) in lines.iter().enumerate() {
                        @if n > 0 { br; }
                        @if let Some(rest) = l.strip_prefix("- ") { "• " (rest) } @else { (l) }
                    }
                }
            }
        }
    }
}

/// A publication time as a Buddhist-Era date and Bangkok time (`6 ธันวาคม 2569 เวลา 14.30 น.`),
/// in a `<time>` element for machines.
pub fn datetime_of_unix(unix: i64, digits: Digits) -> Markup {
    match Timestamp::from_second(unix) {
        Ok(ts) => html! { time datetime=(thai::rfc3339_bangkok(ts)) { (thai::datetime_long(ts, digits)) } },
        Err(_) => html! { "-" },
    }
}

/// A Unix time as its Bangkok date, long form, in a `<time>` element.
pub fn date_of_unix(unix: i64, digits: Digits) -> Markup {
    match Timestamp::from_second(unix) {
        Ok(ts) => {
            let d = thai::date_of(ts);
            html! { time datetime=(d.to_string()) { (thai::date_long(d, digits)) } }
        }
        Err(_) => html! { "-" },
    }
}

/// A calendar date as a Buddhist-Era date in a `<time>` element.
pub fn date(d: Date, digits: Digits) -> Markup {
    html! { time datetime=(d.to_string()) { (thai::date_long(d, digits)) } }
}

/// Thai label for a file type.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "pdf" => "เอกสาร PDF",
        "xlsx" => "ตารางคำนวณ Excel",
        "doc" | "docx" => "เอกสาร Word",
        "jpg" | "jpeg" => "รูปภาพ JPEG",
        "png" => "รูปภาพ PNG",
        "gif" => "รูปภาพ GIF",
        "zip" | "rar" => "ไฟล์บีบอัด",
        _ => "ไฟล์",
    }
}

/// The MIME type served for a stored file type (the workflow's list of accepted kinds).
pub fn kind_mime(kind: &str) -> &'static str {
    crate::workflow::files::Kind::parse(kind).map_or("application/octet-stream", |k| k.mime())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_makes_paragraphs_and_lists_and_escapes() {
        let html = body("ย่อหน้าแรก\nบรรทัดสอง\n\n- หนึ่ง\n- สอง\n\n<script>x</script>").into_string();
        assert_eq!(
            html,
            "<p>ย่อหน้าแรก<br>บรรทัดสอง</p><ul><li>หนึ่ง</li><li>สอง</li></ul>\
             <p>&lt;script&gt;x&lt;/script&gt;</p>"
        );
    }

    #[test]
    fn dates_are_buddhist_era() {
        let html = date_of_unix(1_669_939_200, Digits::Thai).into_string(); // 2022-12-02T00:00Z
        assert!(html.contains("๒ ธันวาคม ๒๕๖๕"), "{html}");
    }
}
