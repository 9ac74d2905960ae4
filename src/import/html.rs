//! WordPress post HTML to Prakat's plain body text (paragraphs separated by blank lines).
//!
//! Prakat stores bodies as text and escapes them when drawing, so nothing from the old site —
//! `<script>`, `on*=` handlers, `javascript:` links, inline styles — can reach a visitor: tags
//! are dropped, their text kept. Links to outside pages keep their address in brackets (only
//! `http`, `https` and `mailto`); images and files under `wp-content/uploads` are returned so
//! the import can bring them over as the item's files.

/// What a body became.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    /// Plain text, paragraphs separated by one blank line.
    pub text: String,
    /// Images in the body, as (src, alt), in order.
    pub images: Vec<(String, String)>,
    /// Link targets in the body, in order.
    pub links: Vec<String>,
}

/// Elements whose content is never text for a reader.
const DROPPED: &[&str] = &["script", "style", "noscript", "iframe", "object", "template", "svg", "head"];
/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "blockquote",
    "figure",
    "pre",
    "section",
    "article",
    "hr",
    "tr",
    "figcaption",
    "dl",
];

/// Converts `html` (WordPress `post_content`, where a blank line also separates paragraphs).
pub fn to_text(html: &str) -> Converted {
    let mut out = Converted::default();
    let mut text = String::with_capacity(html.len());
    let mut link_stack: Vec<Option<String>> = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&decode(&rest[..lt]));
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let Some(end) = tag_end(rest) else {
            // A lone `<` (e.g. "a < b"): keep it as text.
            text.push('<');
            rest = &rest[1..];
            continue;
        };
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/');
        let name: String =
            body.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if !closing && DROPPED.contains(&name.as_str()) {
            // Skip to the matching close tag, whatever is inside.
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(i) => rest[i..].find('>').map_or("", |e| &rest[i + e + 1..]),
                None => "",
            };
            continue;
        }
        match name.as_str() {
            "br" => text.push('\n'),
            "li" if !closing => text.push_str("\n- "),
            "td" | "th" if !closing => text.push_str(" | "),
            "img" if !closing => {
                if let Some(src) = attr(body, "src") {
                    out.images.push((src, attr(body, "alt").unwrap_or_default()));
                }
            }
            "a" if !closing => {
                let href = attr(body, "href");
                if let Some(h) = &href {
                    out.links.push(h.clone());
                }
                link_stack.push(href);
            }
            "a" => {
                if let Some(Some(href)) = link_stack.pop() {
                    let lower = href.to_ascii_lowercase();
                    let shown = (lower.starts_with("http://")
                        || lower.starts_with("https://")
                        || lower.starts_with("mailto:"))
                        && !lower.contains("/wp-content/uploads/");
                    if shown && !text.ends_with(href.as_str()) {
                        text.push_str(" (");
                        text.push_str(&href);
                        text.push(')');
                    }
                }
            }
            n if BLOCKS.contains(&n) => text.push_str("\n\n"),
            _ => {}
        }
    }
    text.push_str(&decode(rest));
    out.text = tidy(&text);
    out
}

/// Where the tag starting at `s[0] == '<'` ends (its `>`), minding quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if !bytes.get(1).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/' || *b == b'!') {
        return None;
    }
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` in a tag's inside (`img src="…" alt='…'`), entities decoded.
fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let value = tag[value_start..].trim_start();
        let v = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split(|c: char| c.is_whitespace() || c == '>' || c == '/').next().unwrap_or(""),
        };
        return Some(decode(v).trim().to_owned());
    }
    None
}

/// Decodes HTML character references (`&amp;`, `&nbsp;`, `&#3585;`); unknown ones stay as written.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map(|e| e + 1);
        let resolved = match end {
            Some(e) if rest.as_bytes()[e] == b';' => {
                let name = &rest[1..e];
                let value = if let Some(num) = name.strip_prefix('#') {
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    n.and_then(char::from_u32).filter(|c| *c != '\0').map(|c| c.to_string())
                } else {
                    quick_xml::escape::resolve_html5_entity(name).map(str::to_owned)
                };
                value.map(|v| (v, e + 1))
            }
            _ => None,
        };
        match resolved {
            Some((v, len)) => {
                out.push_str(&v.replace('\u{a0}', " "));
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Trims each line, drops control characters, and leaves at most one blank line between
/// paragraphs.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    let mut in_list = false;
    for line in text.lines() {
        let line: String = line.chars().filter(|c| !c.is_control() || *c == '\t').collect();
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() || line == "-" {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            let list_goes_on = in_list && line.starts_with("- ");
            out.push_str(if blank > 0 && !list_goes_on { "\n\n" } else { "\n" });
        }
        in_list = line.starts_with("- ");
        out.push_str(&line);
        blank = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_entities() {
        let c = to_text(
            "<!-- wp:paragraph -->\n<p>ข่าว <strong>สำคัญ</strong> &amp; ด่วน&nbsp;มาก &#3585;</p>\n<!-- /wp:paragraph -->\n\n<ul><li>หนึ่ง</li><li>สอง</li></ul>\nบรรทัดท้าย",
        );
        assert_eq!(c.text, "ข่าว สำคัญ & ด่วน มาก ก\n\n- หนึ่ง\n- สอง\n\nบรรทัดท้าย");
    }

    #[test]
    fn scripts_handlers_and_javascript_links_never_survive() {
        let c = to_text(
            "<p onclick=\"alert(1)\">ก<script>alert('x')</script></p><a href=\"javascript:alert(1)\">ลิงก์</a>\
             <style>p{}</style><SCRIPT src=x></SCRIPT><iframe src=\"https://evil\"></iframe><img src=x onerror=alert(1)>",
        );
        assert_eq!(c.text, "ก\n\nลิงก์");
        assert!(!c.text.contains("alert") && !c.text.contains("javascript"));
    }

    #[test]
    fn links_and_images_are_collected() {
        let c = to_text(
            "<p>ดู <a href=\"https://www.dopa.go.th/\">กรมการปกครอง</a> และ <a href='http://old.go.th/wp-content/uploads/2024/01/a.pdf'>ไฟล์</a></p>\
             <figure><img src=\"http://old.go.th/wp-content/uploads/2024/01/p.jpg\" alt=\"ภาพ &quot;หนึ่ง&quot;\"/></figure> 3 < 4",
        );
        assert_eq!(c.text, "ดู กรมการปกครอง (https://www.dopa.go.th/) และ ไฟล์\n\n3 < 4");
        assert_eq!(
            c.images,
            vec![("http://old.go.th/wp-content/uploads/2024/01/p.jpg".into(), "ภาพ \"หนึ่ง\"".into())]
        );
        assert_eq!(c.links.len(), 2);
    }
}
