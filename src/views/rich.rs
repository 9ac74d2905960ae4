//! Item bodies in CommonMark with tables, drawn safely.
//!
//! pulldown-cmark parses (without its HTML writer); this module writes the HTML itself from a
//! short list of allowed elements, so nothing else can reach the page:
//!
//! - raw HTML in the text (blocks and inline) is shown as text, escaped — never interpreted;
//! - links keep their `<a>` only for `http:`, `https:`, `mailto:` and paths on this site
//!   (`/…`, not `//host`); any other link (`javascript:`, `data:`, …) shows its text only;
//! - images are shown only when they are this site's own files (`/files/…`, an item's
//!   attachment, as imported bodies point at them); any other image shows its description
//!   only, so nothing is loaded from another site;
//! - headings start at `<h2>` (the page's `<h1>` is the title); tables scroll sideways on a
//!   phone instead of widening the page.
//!
//! A single line break is kept as a line break, as the plain bodies written before this
//! (paragraphs separated by a blank line, lines starting with "- " as lists) always showed.

use std::fmt::Write as _;

use maud::{Markup, PreEscaped};
use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Escapes text for HTML content and attribute values.
fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Whether a link target may be followed: web, mail, or a path on this site.
pub fn safe_link(url: &str) -> bool {
    let url = url.trim();
    if url.starts_with('/') {
        // `//host` and `/\host` leave the site in browsers.
        return !url.starts_with("//") && !url.starts_with("/\\");
    }
    let Some((scheme, _)) = url.split_once(':') else { return false };
    matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https" | "mailto")
}

/// Whether an image address is one of this site's own files (`/files/ID/name`).
fn own_file(url: &str) -> bool {
    let url = url.trim();
    url.starts_with("/files/") && safe_link(url) && !url.contains("..")
}

/// The attachments `text` shows inline as images (`![…](/files/ID/name)`, as imported bodies
/// do), by id, in order of appearance: the item's gallery leaves them out so they are not shown
/// twice (the file list still offers them for download).
pub fn inline_files(text: &str) -> Vec<i64> {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut ids = Vec::new();
    for event in Parser::new_ext(text, options) {
        if let Event::Start(Tag::Image { dest_url, .. }) = event
            && own_file(&dest_url)
            && let Some(id) = dest_url.trim()["/files/".len()..].split(['/', '?', '#']).next()
            && let Ok(id) = id.parse::<i64>()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

fn heading(level: HeadingLevel) -> u8 {
    // The page title is the h1; the text's own levels move one down.
    (level as u8 + 1).min(6)
}

/// `text` (CommonMark with tables) as safe HTML.
pub fn render(text: &str) -> Markup {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = String::with_capacity(text.len() * 3 / 2);
    // For each open link: whether an <a> was written (so its end writes </a>).
    let mut links: Vec<bool> = Vec::new();
    let mut aligns: Vec<Alignment> = Vec::new();
    let mut cell = 0usize;
    let mut in_head = false;
    // An image being drawn: its address, and its description as it comes.
    let mut image: Option<(String, String)> = None;
    for event in Parser::new_ext(text, options) {
        if let Some((_, alt)) = &mut image {
            match &event {
                Event::Text(t) | Event::Code(t) => {
                    alt.push_str(t);
                    continue;
                }
                Event::End(TagEnd::Image) => {}
                _ => continue,
            }
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => out.push_str("<p>"),
                Tag::Heading { level, .. } => {
                    let _ = write!(out, "<h{}>", heading(level));
                }
                Tag::BlockQuote(_) => out.push_str("<blockquote>"),
                Tag::CodeBlock(_) => out.push_str("<pre><code>"),
                Tag::List(Some(1)) => out.push_str("<ol>"),
                Tag::List(Some(start)) => {
                    let _ = write!(out, "<ol start=\"{start}\">");
                }
                Tag::List(None) => out.push_str("<ul>"),
                Tag::Item => out.push_str("<li>"),
                Tag::Table(a) => {
                    aligns = a;
                    out.push_str("<div class=\"table-scroll\"><table>");
                }
                Tag::TableHead => {
                    in_head = true;
                    cell = 0;
                    out.push_str("<thead><tr>");
                }
                Tag::TableRow => {
                    cell = 0;
                    out.push_str("<tr>");
                }
                Tag::TableCell => {
                    let name = if in_head { "th" } else { "td" };
                    let class = match aligns.get(cell) {
                        Some(Alignment::Right) => " class=\"num\"",
                        Some(Alignment::Center) => " class=\"center\"",
                        _ => "",
                    };
                    let scope = if in_head { " scope=\"col\"" } else { "" };
                    let _ = write!(out, "<{name}{scope}{class}>");
                }
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Strikethrough => out.push_str("<del>"),
                Tag::Link { dest_url, .. } => {
                    let ok = safe_link(&dest_url);
                    if ok {
                        out.push_str("<a href=\"");
                        escape(&mut out, dest_url.trim());
                        out.push_str("\" rel=\"noopener\">");
                    }
                    links.push(ok);
                }
                Tag::Image { dest_url, .. } if own_file(&dest_url) => {
                    image = Some((dest_url.trim().to_owned(), String::new()));
                }
                // Any other image: its description comes as text, shown in its place.
                Tag::Image { .. } => {}
                // Raw HTML blocks: their text comes as `Html` events, escaped below.
                Tag::HtmlBlock => out.push_str("<p>"),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => out.push_str("</p>"),
                TagEnd::Heading(level) => {
                    let _ = write!(out, "</h{}>", heading(level));
                }
                TagEnd::BlockQuote(_) => out.push_str("</blockquote>"),
                TagEnd::CodeBlock => out.push_str("</code></pre>"),
                TagEnd::List(true) => out.push_str("</ol>"),
                TagEnd::List(false) => out.push_str("</ul>"),
                TagEnd::Item => out.push_str("</li>"),
                TagEnd::Table => out.push_str("</tbody></table></div>"),
                TagEnd::TableHead => {
                    in_head = false;
                    out.push_str("</tr></thead><tbody>");
                }
                TagEnd::TableRow => out.push_str("</tr>"),
                TagEnd::TableCell => {
                    out.push_str(if in_head { "</th>" } else { "</td>" });
                    cell += 1;
                }
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Strikethrough => out.push_str("</del>"),
                // A refused link wrote no <a>, so it closes none.
                TagEnd::Link if links.pop() == Some(true) => out.push_str("</a>"),
                TagEnd::HtmlBlock => out.push_str("</p>"),
                TagEnd::Image => {
                    if let Some((src, alt)) = image.take() {
                        out.push_str("<img src=\"");
                        escape(&mut out, &src);
                        out.push_str("\" alt=\"");
                        escape(&mut out, &alt);
                        out.push_str("\" loading=\"lazy\">");
                    }
                }
                _ => {}
            },
            Event::Text(t) => escape(&mut out, &t),
            Event::Code(t) => {
                out.push_str("<code>");
                escape(&mut out, &t);
                out.push_str("</code>");
            }
            // Raw HTML is shown as the text it is.
            Event::Html(t) | Event::InlineHtml(t) => escape(&mut out, &t),
            Event::SoftBreak | Event::HardBreak => out.push_str("<br>"),
            Event::Rule => out.push_str("<hr>"),
            Event::TaskListMarker(done) => out.push_str(if done { "☑ " } else { "☐ " }),
            Event::FootnoteReference(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                escape(&mut out, &t)
            }
        }
    }
    PreEscaped(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> String {
        render(text).into_string()
    }

    #[test]
    fn inline_files_are_the_sites_own_images_in_the_text() {
        let text = "![ภาพ](/files/12/a.jpg)\n\n[ลิงก์](/files/13/b.pdf) ![x](https://evil.example/1.jpg)\n\n\
                    | ก |\n|---|\n| ![ข](/files/14/%E0%B8%81.png) |\n\n![again](/files/12/a.jpg) ![bad](/files/x/y.jpg)\n\n\
                    `![code](/files/15/c.jpg)`";
        assert_eq!(inline_files(text), [12, 14]);
        assert!(inline_files("ข้อความธรรมดา").is_empty());
    }

    #[test]
    fn tables_headings_and_lists() {
        let out =
            html("## ราคากลาง\n\n| รายการ | จำนวนเงิน |\n|---|---:|\n| ครุภัณฑ์ | 25,000 |\n\n- หนึ่ง\n- สอง");
        assert!(out.contains("<h3>ราคากลาง</h3>"), "{out}");
        assert!(
            out.contains("<div class=\"table-scroll\"><table><thead><tr><th scope=\"col\">รายการ</th>"),
            "{out}"
        );
        assert!(out.contains("<td class=\"num\">25,000</td>"), "{out}");
        assert!(out.contains("<ul><li>หนึ่ง</li><li>สอง</li></ul>"), "{out}");
        assert_eq!(html("# หัวข้อ"), "<h2>หัวข้อ</h2>");
    }

    #[test]
    fn plain_bodies_render_as_before() {
        // Paragraphs, line breaks inside a paragraph, and "- " lists.
        assert_eq!(html("ย่อหน้าแรก\nบรรทัดที่สอง\n\nย่อหน้าที่สอง"), "<p>ย่อหน้าแรก<br>บรรทัดที่สอง</p><p>ย่อหน้าที่สอง</p>");
        assert_eq!(html("- ข้อหนึ่ง\n- ข้อสอง"), "<ul><li>ข้อหนึ่ง</li><li>ข้อสอง</li></ul>");
        assert_eq!(html(""), "");
    }

    #[test]
    fn links_only_web_mail_and_this_site() {
        let out = html(
            "[กรม](https://ddc.moph.go.th/) [อีเมล](mailto:saraban@example.go.th) [หน้า](/c/news) [x](http://a.b)",
        );
        assert_eq!(out.matches("<a href=").count(), 4, "{out}");
        for bad in [
            "[คลิก](javascript:alert(1))",
            "[คลิก](JavaScript:alert(1))",
            "[คลิก]( javascript:alert(1))",
            "[คลิก](data:text/html;base64,PHNjcmlwdD4=)",
            "[คลิก](vbscript:msgbox)",
            "[คลิก](//evil.example/x)",
            "[คลิก](/\\evil.example)",
            "<javascript:alert(1)>",
        ] {
            let out = html(bad);
            assert!(!out.contains("<a"), "{bad} → {out}");
            assert!(!out.contains("href"), "{bad} → {out}");
        }
        // The text of a refused link stays.
        assert_eq!(html("[คลิก](javascript:alert(1))"), "<p>คลิก</p>");
        // Quotes in a URL cannot break out of the attribute.
        let out = html("[x](https://a.b/\"onmouseover=\"alert(1))");
        assert!(!out.contains("\" onmouseover") && !out.contains("\"onmouseover=\""), "{out}");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        for payload in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<svg onload=alert(1)>",
            "<iframe src=\"javascript:alert(1)\"></iframe>",
            "ข้อความ <b onclick=alert(1)>ตัวหนา</b>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<style>body{display:none}</style>",
        ] {
            let out = html(payload);
            assert!(
                !out.contains("<script") && !out.contains("<img") && !out.contains("<svg"),
                "{payload} → {out}"
            );
            assert!(
                !out.contains("<iframe")
                    && !out.contains("<b ")
                    && !out.contains("<a ")
                    && !out.contains("<style"),
                "{payload} → {out}"
            );
            assert!(out.contains("&lt;"), "{payload} is shown, escaped: {out}");
        }
        // Images from elsewhere are not loaded; their description is shown.
        let out = html("![แผนที่](https://tracker.example/p.gif) ![x](javascript:alert(1)) ![y](//evil/x.png)");
        assert!(!out.contains("<img") && out.contains("แผนที่"), "{out}");
        // The site's own files are shown inline, with their description as alternative.
        let out = html("![ภาพ *กิจกรรม* \"วันเด็ก\"](/files/12/%E0%B8%81.jpg \"t\") ข้อความ");
        assert_eq!(
            out,
            "<p><img src=\"/files/12/%E0%B8%81.jpg\" alt=\"ภาพ กิจกรรม &quot;วันเด็ก&quot;\" loading=\"lazy\"> ข้อความ</p>"
        );
        assert!(!html("![x](/files/1/../../admin)").contains("<img"));
        // Attribute-looking text in code stays text.
        assert_eq!(html("`<b>`"), "<p><code>&lt;b&gt;</code></p>");
    }

    #[test]
    fn long_lines_and_thai_without_spaces() {
        let long = "ก".repeat(20_000);
        let out = html(&long);
        assert_eq!(out, format!("<p>{long}</p>"));
        let thai = "ประกาศสำนักงานสาธารณสุขอำเภอเรื่องการรับสมัครบุคคลเพื่อเลือกสรรเป็นพนักงานราชการทั่วไป";
        assert_eq!(html(thai), format!("<p>{thai}</p>"));
        let url = format!("https://example.go.th/{}", "a".repeat(5000));
        assert!(html(&format!("[ลิงก์ยาว]({url})")).contains(&url));
        // Deep nesting is not a problem (no recursion in the writer).
        let deep = "> ".repeat(500) + "ลึก";
        assert!(html(&deep).contains("ลึก"));
    }
}
