//! A streaming reader of WordPress eXtended RSS (WXR 1.0–1.2), the file WordPress writes at
//! Tools → Export. It yields one author, category or `<item>` at a time, so memory stays
//! bounded by the largest single post, whatever the size of the file.
//!
//! The XML declaration's encoding is honoured (old Thai sites may export TIS-620 /
//! windows-874); the text handed out is always UTF-8.

use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::events::Event;

/// Longest text kept for one field (a post body); longer text is cut, and the post is
/// reported, rather than letting one huge post use unbounded memory.
pub const MAX_FIELD_BYTES: usize = 16 << 20;

/// A WordPress author.
#[derive(Debug, Clone, Default)]
pub struct Author {
    /// Login name, as in each post's `dc:creator`.
    pub login: String,
    /// Name shown on the old site.
    pub display_name: String,
}

/// A WordPress category.
#[derive(Debug, Clone, Default)]
pub struct Category {
    /// Term id (the old `/?cat=ID` links).
    pub term_id: i64,
    /// URL slug as WordPress stores it (Thai is percent-encoded, lower-case).
    pub nicename: String,
    /// The parent category's slug, empty for a top-level one.
    pub parent: String,
    /// Display name.
    pub name: String,
}

/// One `<item>`: a post, page, attachment, menu entry or any other post type.
#[derive(Debug, Clone, Default)]
pub struct Post {
    /// Title.
    pub title: String,
    /// The permalink at export time.
    pub link: String,
    /// The globally unique id WordPress gave it (stable across exports).
    pub guid: String,
    /// Author login.
    pub creator: String,
    /// Body HTML.
    pub content: String,
    /// Hand-written excerpt.
    pub excerpt: String,
    /// Post id (`/?p=ID`).
    pub post_id: i64,
    /// Local publication time, `YYYY-MM-DD HH:MM:SS`.
    pub post_date: String,
    /// The same in UTC, or all zeros for a draft.
    pub post_date_gmt: String,
    /// Last change in UTC.
    pub post_modified_gmt: String,
    /// URL slug (percent-encoded).
    pub post_name: String,
    /// `publish`, `future`, `draft`, `private`, `pending`, `trash`, `inherit`…
    pub status: String,
    /// Parent post id (the post an attachment belongs to).
    pub post_parent: i64,
    /// `post`, `page`, `attachment`, `nav_menu_item`, `revision`…
    pub post_type: String,
    /// Non-empty when the post is password-protected.
    pub post_password: String,
    /// Where an attachment's file was served.
    pub attachment_url: String,
    /// An attachment's path under `wp-content/uploads` (`_wp_attached_file`).
    pub attached_file: String,
    /// Categories as (slug, name), in the file's order; tags are left out.
    pub categories: Vec<(String, String)>,
    /// Number of comments that came with it (skipped, only counted).
    pub comments: u32,
    /// A field was longer than [`MAX_FIELD_BYTES`] and was cut.
    pub cut: bool,
}

/// What the reader yields.
#[derive(Debug, Clone)]
pub enum Entry {
    /// The site's address at export (`wp:base_site_url`).
    Site(String),
    /// An author.
    Author(Author),
    /// A category.
    Category(Category),
    /// An item.
    Item(Box<Post>),
}

/// Why the file could not be read (the Display text is Thai and shown as is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WxrError {
    /// Not a WordPress export at all.
    #[error("ไฟล์นี้ไม่ใช่ไฟล์ส่งออกของ WordPress (WXR): {0} กรุณาส่งออกจากเมนู เครื่องมือ → ส่งออก → เนื้อหาทั้งหมด")]
    NotWxr(String),
    /// The XML breaks off before its end (an interrupted download or copy).
    #[error("ไฟล์ XML สิ้นสุดกลางคัน (ไฟล์ไม่ครบ) หลังรายการที่อ่านได้ {items} รายการ: นำเข้าเฉพาะรายการที่ครบถ้วน")]
    Truncated {
        /// Complete items read before the end.
        items: u64,
    },
    /// Broken XML.
    #[error("ไฟล์ XML ผิดรูปแบบที่ตำแหน่งไบต์ {position}: {message}")]
    Malformed {
        /// Byte offset.
        position: u64,
        /// The parser's message.
        message: String,
    },
}

/// Reads entries one at a time; see the module doc.
pub struct WxrReader<R: BufRead> {
    reader: Reader<R>,
    buf: Vec<u8>,
    path: Vec<String>,
    text: String,
    version_seen: bool,
    author: Author,
    category: Category,
    post: Post,
    meta_key: String,
    meta_value: String,
    item_category: Option<(String, String)>,
    items: u64,
    done: bool,
}

impl<R: BufRead> WxrReader<R> {
    /// Starts reading `input`.
    pub fn new(input: R) -> WxrReader<R> {
        let mut reader = Reader::from_reader(input);
        reader.config_mut().trim_text(false);
        reader.config_mut().check_end_names = true;
        WxrReader {
            reader,
            buf: Vec::with_capacity(64 * 1024),
            path: Vec::new(),
            text: String::new(),
            version_seen: false,
            author: Author::default(),
            category: Category::default(),
            post: Post::default(),
            meta_key: String::new(),
            meta_value: String::new(),
            item_category: None,
            items: 0,
            done: false,
        }
    }

    /// Bytes of input read so far (for a progress bar).
    pub fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    fn push_text(&mut self, s: &str) {
        if self.text.len() + s.len() > MAX_FIELD_BYTES {
            self.post.cut = true;
            return;
        }
        self.text.push_str(s);
    }

    /// Handles the end of the element on top of the path; returns an entry when one is complete.
    fn end_element(&mut self) -> Option<Entry> {
        let text = std::mem::take(&mut self.text);
        let depth = self.path.len();
        let name = self.path.last().cloned().unwrap_or_default();
        let parent = if depth >= 2 { self.path[depth - 2].as_str() } else { "" };
        let mut out = None;
        if depth == 3 && self.path[1] == "channel" {
            match name.as_str() {
                "wp:wxr_version" => self.version_seen = true,
                "wp:base_site_url" => out = Some(Entry::Site(text.trim().to_owned())),
                "wp:author" => out = Some(Entry::Author(std::mem::take(&mut self.author))),
                "wp:category" => out = Some(Entry::Category(std::mem::take(&mut self.category))),
                "item" => {
                    self.items += 1;
                    out = Some(Entry::Item(Box::new(std::mem::take(&mut self.post))));
                }
                _ => {}
            }
        } else if depth == 4 && parent == "wp:author" {
            match name.as_str() {
                "wp:author_login" => self.author.login = text,
                "wp:author_display_name" => self.author.display_name = text,
                _ => {}
            }
        } else if depth == 4 && parent == "wp:category" {
            match name.as_str() {
                "wp:term_id" => self.category.term_id = text.trim().parse().unwrap_or(0),
                "wp:category_nicename" => self.category.nicename = text.trim().to_owned(),
                "wp:category_parent" => self.category.parent = text.trim().to_owned(),
                "wp:cat_name" => self.category.name = text.trim().to_owned(),
                _ => {}
            }
        } else if depth == 4 && parent == "item" {
            let p = &mut self.post;
            match name.as_str() {
                "title" => p.title = text.trim().to_owned(),
                "link" => p.link = text.trim().to_owned(),
                "guid" => p.guid = text.trim().to_owned(),
                "dc:creator" => p.creator = text.trim().to_owned(),
                "content:encoded" => p.content = text,
                "excerpt:encoded" => p.excerpt = text,
                "wp:post_id" => p.post_id = text.trim().parse().unwrap_or(0),
                "wp:post_date" => p.post_date = text.trim().to_owned(),
                "wp:post_date_gmt" => p.post_date_gmt = text.trim().to_owned(),
                "wp:post_modified_gmt" => p.post_modified_gmt = text.trim().to_owned(),
                "wp:post_name" => p.post_name = text.trim().to_owned(),
                "wp:status" => p.status = text.trim().to_owned(),
                "wp:post_parent" => p.post_parent = text.trim().parse().unwrap_or(0),
                "wp:post_type" => p.post_type = text.trim().to_owned(),
                "wp:post_password" => p.post_password = text,
                "wp:attachment_url" => p.attachment_url = text.trim().to_owned(),
                "wp:comment" => p.comments += 1,
                "category" => {
                    if let Some((domain, slug)) = self.item_category.take()
                        && domain == "category"
                    {
                        p.categories.push((slug, text.trim().to_owned()));
                    }
                }
                "wp:postmeta" => {
                    if self.meta_key == "_wp_attached_file" {
                        p.attached_file = self.meta_value.trim().to_owned();
                    }
                    self.meta_key.clear();
                    self.meta_value.clear();
                }
                _ => {}
            }
        } else if depth == 5 && parent == "wp:postmeta" {
            match name.as_str() {
                "wp:meta_key" => self.meta_key = text,
                // Only the attached file's path is wanted; other values may be large.
                "wp:meta_value" if self.meta_key == "_wp_attached_file" => self.meta_value = text,
                _ => {}
            }
        }
        self.path.pop();
        out
    }

    fn next_entry(&mut self) -> Result<Option<Entry>, WxrError> {
        loop {
            if self.done {
                return Ok(None);
            }
            self.buf.clear();
            let event = self.reader.read_event_into(&mut self.buf).map_err(|e| {
                let position = self.reader.error_position();
                match e {
                    quick_xml::Error::Syntax(_) | quick_xml::Error::IllFormed(_) if self.path.is_empty() => {
                        WxrError::NotWxr("ไม่ใช่ไฟล์ XML".into())
                    }
                    quick_xml::Error::Syntax(_) => WxrError::Truncated { items: self.items },
                    other => WxrError::Malformed { position, message: other.to_string() },
                }
            });
            let event = match event {
                Ok(e) => e,
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            };
            match event {
                Event::Start(e) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    if self.path.is_empty() && name != "rss" {
                        self.done = true;
                        return Err(WxrError::NotWxr(format!("ไฟล์ XML ขึ้นต้นด้วย <{name}> แทน <rss>")));
                    }
                    if name == "item" && self.path.len() == 2 && !self.version_seen {
                        self.done = true;
                        return Err(WxrError::NotWxr("ไม่พบ wp:wxr_version ในไฟล์ (เป็นฟีด RSS ทั่วไป)".into()));
                    }
                    if name == "category" && self.path.last().is_some_and(|p| p == "item") {
                        let decoder = self.reader.decoder();
                        let attr = |key: &str| {
                            e.try_get_attribute(key)
                                .ok()
                                .flatten()
                                .and_then(|a| {
                                    a.decoded_and_normalized_value(
                                        quick_xml::XmlVersion::Implicit1_0,
                                        decoder,
                                    )
                                    .ok()
                                    .map(|v| v.into_owned())
                                })
                                .unwrap_or_default()
                        };
                        self.item_category = Some((attr("domain"), attr("nicename")));
                    }
                    self.text.clear();
                    self.path.push(name);
                }
                Event::Empty(e) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    if self.path.is_empty() {
                        self.done = true;
                        return Err(WxrError::NotWxr(format!("ไฟล์ XML มีเพียง <{name}/>")));
                    }
                    self.text.clear();
                    self.path.push(name);
                    if let Some(entry) = self.end_element() {
                        return Ok(Some(entry));
                    }
                }
                Event::End(_) => {
                    if let Some(entry) = self.end_element() {
                        return Ok(Some(entry));
                    }
                }
                Event::Text(t) if self.path.len() >= 3 => {
                    let s = t.decode().map_err(|e| WxrError::Malformed {
                        position: self.reader.buffer_position(),
                        message: e.to_string(),
                    })?;
                    let s = s.into_owned();
                    self.push_text(&s);
                }
                Event::CData(t) if self.path.len() >= 3 => {
                    let s = t.decode().map_err(|e| WxrError::Malformed {
                        position: self.reader.buffer_position(),
                        message: e.to_string(),
                    })?;
                    let s = s.into_owned();
                    self.push_text(&s);
                }
                Event::GeneralRef(r) if self.path.len() >= 3 => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            let name = r.decode().map(|n| n.into_owned()).unwrap_or_default();
                            quick_xml::escape::resolve_predefined_entity(&name)
                                .map(str::to_owned)
                                .unwrap_or_else(|| format!("&{name};"))
                        }
                    };
                    self.push_text(&resolved);
                }
                Event::Eof => {
                    self.done = true;
                    if !self.path.is_empty() {
                        return Err(if self.version_seen {
                            WxrError::Truncated { items: self.items }
                        } else {
                            WxrError::NotWxr("ไม่พบ wp:wxr_version ในไฟล์".into())
                        });
                    }
                    if !self.version_seen {
                        return Err(WxrError::NotWxr("ไม่พบ wp:wxr_version ในไฟล์".into()));
                    }
                    return Ok(None);
                }
                _ => {}
            }
        }
    }
}

impl<R: BufRead> Iterator for WxrReader<R> {
    type Item = Result<Entry, WxrError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_entry().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> (Vec<Entry>, Option<WxrError>) {
        let mut entries = Vec::new();
        for e in WxrReader::new(xml.as_bytes()) {
            match e {
                Ok(e) => entries.push(e),
                Err(e) => return (entries, Some(e)),
            }
        }
        (entries, None)
    }

    const SMALL: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://old.go.th</wp:base_site_url>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[%e0%b8%82]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[ข่าว]]></wp:cat_name></wp:category>
<item><title>ข่าว &amp; กิจกรรม &#3585;</title><wp:post_id>12</wp:post_id><content:encoded><![CDATA[<p>เนื้อหา</p>]]></content:encoded>
<category domain="post_tag" nicename="t"><![CDATA[แท็ก]]></category><category domain="category" nicename="%e0%b8%82"><![CDATA[ข่าว]]></category>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2024/01/a.pdf</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>1</wp:comment_id></wp:comment></item>
</channel></rss>"#;

    #[test]
    fn reads_categories_and_items_with_entities_and_cdata() {
        let (entries, err) = read(SMALL);
        assert!(err.is_none(), "{err:?}");
        let Entry::Category(c) = &entries[1] else { panic!("{entries:?}") };
        assert_eq!((c.term_id, c.name.as_str()), (3, "ข่าว"));
        let Entry::Item(p) = &entries[2] else { panic!() };
        assert_eq!(p.title, "ข่าว & กิจกรรม ก");
        assert_eq!(p.post_id, 12);
        assert_eq!(p.content, "<p>เนื้อหา</p>");
        assert_eq!(p.categories, vec![("%e0%b8%82".to_owned(), "ข่าว".to_owned())]);
        assert_eq!(p.attached_file, "2024/01/a.pdf");
        assert_eq!(p.comments, 1);
    }

    #[test]
    fn refuses_what_is_not_wxr_and_notices_truncation() {
        assert!(matches!(read("<html><body>hi</body></html>").1, Some(WxrError::NotWxr(_))));
        assert!(matches!(read("hello, not xml at all").1, Some(WxrError::NotWxr(_))));
        assert!(matches!(read("").1, Some(WxrError::NotWxr(_))));
        let rss = r#"<rss><channel><item><title>x</title></item></channel></rss>"#;
        assert!(matches!(read(rss).1, Some(WxrError::NotWxr(_))));
        let cut = &SMALL[..SMALL.find("</item>").unwrap() + 7];
        let (entries, err) = read(cut);
        assert_eq!(err, Some(WxrError::Truncated { items: 1 }));
        assert_eq!(entries.len(), 3);
        let cut_mid = &SMALL[..SMALL.find("<wp:postmeta>").unwrap() + 4];
        assert!(matches!(read(cut_mid).1, Some(WxrError::Truncated { items: 0 })));
    }

    #[test]
    fn decodes_a_tis620_export() {
        // TIS-620 puts U+0E01..U+0E5B at 0xA1..0xFB.
        let bytes: Vec<u8> = "ข่าว".chars().map(|c| (c as u32 - 0x0E00 + 0xA0) as u8).collect();
        let mut xml = b"<?xml version=\"1.0\" encoding=\"TIS-620\"?><rss><channel><wp:wxr_version>1.2</wp:wxr_version><item><title>".to_vec();
        xml.extend_from_slice(&bytes);
        xml.extend_from_slice(b"</title></item></channel></rss>");
        let entries: Vec<_> = WxrReader::new(&xml[..]).collect::<Result<_, _>>().unwrap();
        let Entry::Item(p) = &entries[0] else { panic!() };
        assert_eq!(p.title, "ข่าว");
    }
}
