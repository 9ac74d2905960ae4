//! WordPress post HTML to Prakat's body text: CommonMark with tables, as `views::rich` draws it.
//!
//! The HTML is read with a small tokenizer (tags, attributes, entities) and written out again
//! from a short list of elements — paragraphs, line breaks, headings, lists, links, bold and
//! italic, tables (as GFM tables), images, figures and captions. Everything else is dropped,
//! its text kept; `<script>`, `<style>` and the like are dropped with their content; no
//! attribute survives but `href`, `src` and `alt`, so `on*=` handlers and inline styles never
//! come over. Text is escaped for CommonMark, so text that merely looks like markup (`*`,
//! `[x](javascript:…)`, `<b>`) stays text. Links keep only `http`, `https`, `mailto` and paths
//! on the site; `javascript:` and the like keep their text only. Images and files under
//! `wp-content/uploads` are returned so the import can bring them over as the item's files, and
//! the caller's `resolve` turns their addresses into the files' new ones; an image that does
//! not resolve to a file of the item shows its description only (nothing is loaded from the
//! old or any other site).
/// What a body became.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    /// CommonMark text, blocks separated by one blank line.
    pub text: String,
    /// Images in the body, as (src, alt), in order.
    pub images: Vec<(String, String)>,
    /// Link targets in the body, in order.
    pub links: Vec<String>,
}

/// Elements whose content is never text for a reader.
const DROPPED: &[&str] =
    &["script", "style", "noscript", "iframe", "object", "template", "svg", "head", "textarea", "select"];
/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "blockquote",
    "figure",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "dl",
    "dt",
    "dd",
    "address",
    "center",
];

/// Converts `html` (WordPress `post_content`, where a blank line also separates paragraphs)
/// without rewriting any address: images under uploads show their description only.
pub fn to_text(html: &str) -> Converted {
    to_markdown(html, &|_| None)
}

/// Converts `html` to CommonMark. `resolve` gives the new address of an image or link (the
/// imported file's), or `None` to keep a link as it is (when safe) and to show an image's
/// description only.
pub fn to_markdown(html: &str, resolve: &Resolve) -> Converted {
    let mut w = Writer { resolve: Some(resolve), ..Writer::default() };
    let html = strip_caption_shortcodes(html);
    let mut rest = html.as_str();
    while let Some(lt) = rest.find('<') {
        w.text(&decode(&rest[..lt]));
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let Some(end) = tag_end(rest) else {
            // A lone `<` (e.g. "a < b"): keep it as text.
            w.text("<");
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
        w.tag(&name, closing, body);
    }
    w.text(&decode(rest));
    w.flush();
    w.out.text = w.done.trim_end().to_owned();
    w.out
}

/// Removes WordPress `[caption …]` and `[/caption]` shortcodes (their content, an image and
/// its caption, stays).
fn strip_caption_shortcodes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let lower: String = tail.chars().take(9).collect::<String>().to_ascii_lowercase();
        if (lower.starts_with("[caption") || lower.starts_with("[/caption"))
            && let Some(e) = tail.find(']')
        {
            rest = &tail[e + 1..];
            continue;
        }
        out.push('[');
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// Gives the images of a gallery (attachment ids, or none for all of the post's) as (src, alt).
pub type GalleryImages<'a> = dyn Fn(&[i64]) -> Vec<(String, String)> + 'a;

/// Gives the new address of an old one (see [`to_markdown`]).
pub type Resolve<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// `[gallery ids="1,2,3" …]` shortcodes in `html`, each replaced by `images(ids)` (the
/// attachment ids listed, or empty for "every image of the post"), written as `<img>` tags.
pub fn expand_galleries(html: &str, images: &GalleryImages) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("[gallery") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(e) = tail.find(']') else {
            out.push_str(tail);
            return out;
        };
        let inside = &tail[1..e];
        let ids: Vec<i64> = attr(&format!(" {inside}"), "ids")
            .unwrap_or_default()
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        out.push_str("<figure class=\"gallery\">");
        for (src, alt) in images(&ids) {
            let q = |s: &str| s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
            out.push_str(&format!("<img src=\"{}\" alt=\"{}\">", q(&src), q(&alt)));
        }
        out.push_str("</figure>");
        rest = &tail[e + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether a link target is kept: web, mail, or a path on the site.
fn safe_href(url: &str) -> bool {
    crate::views::rich::safe_link(url)
}

/// An address written inside `(…)` of a CommonMark link or image: characters that would end
/// or confuse it are percent-encoded.
fn dest(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes text so CommonMark shows it as written.
fn escape_inline(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' | '~' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Escapes what would start a block at the beginning of a line (`- `, `+ `, `= `, `# `, `> `,
/// `1. `).
fn escape_line_start(line: &str) -> String {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let after = line[digits..].chars().next();
    if digits > 0 && matches!(after, Some('.' | ')')) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    if line.starts_with(['-', '+', '=', '#', '>']) {
        return format!("\\{line}");
    }
    line.to_owned()
}

/// An open inline element: where its content starts in the inline buffer.
#[derive(Debug)]
enum Open {
    Strong(usize),
    Em(usize),
    Link(usize, Option<String>),
}

/// A list being written: ordered, and its next number.
#[derive(Debug)]
struct List {
    ordered: bool,
    next: u32,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Option<Vec<String>>,
    /// Whether the first row was made of `<th>` cells.
    head: bool,
}

#[derive(Default)]
struct Writer<'a> {
    resolve: Option<&'a Resolve<'a>>,
    out: Converted,
    /// Blocks written so far.
    done: String,
    /// The inline content of the block being written.
    inline: String,
    open: Vec<Open>,
    lists: Vec<List>,
    /// Whether the current list item already wrote its marker line.
    item_started: bool,
    in_item: bool,
    heading: Option<u8>,
    quote: usize,
    tables: Vec<Table>,
    /// The cell being written (inline content goes here while in a table).
    cell: Option<String>,
    /// Open explicit blocks (`<p>`, `<div>`…): inside them a blank line in the source is only
    /// white space; outside, it separates paragraphs (WordPress's classic editor).
    blocks: usize,
    /// The last block written was a list item (the next one follows on the next line).
    last_was_item: bool,
}

impl Writer<'_> {
    fn buf(&mut self) -> &mut String {
        match &mut self.cell {
            Some(c) => c,
            None => &mut self.inline,
        }
    }

    fn text(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        let t = t.replace("\r\n", "\n");
        if self.blocks == 0 && self.cell.is_none() && !self.in_item && self.heading.is_none() {
            // Classic editor: a blank line is a new paragraph, a single line end a line break.
            let mut paras = t.split("\n\n").peekable();
            while let Some(p) = paras.next() {
                let lines: Vec<&str> = p.split('\n').collect();
                for (n, line) in lines.iter().enumerate() {
                    if n > 0 && !line.trim().is_empty() && !self.inline.trim().is_empty() {
                        self.inline.push('\n');
                    }
                    self.words(line);
                }
                if paras.peek().is_some() {
                    self.flush();
                }
            }
        } else {
            self.words(&t);
        }
    }

    /// Adds text with HTML's white-space collapsing.
    fn words(&mut self, t: &str) {
        let mut first = true;
        for word in t.split(|c: char| c.is_whitespace() && c != '\u{a0}') {
            if !first {
                let b = self.buf();
                if !b.is_empty() && !b.ends_with([' ', '\n']) {
                    b.push(' ');
                }
            }
            first = false;
            if !word.is_empty() {
                let word: String = word
                    .chars()
                    .filter(|c| !c.is_control())
                    .map(|c| if c == '\u{a0}' { ' ' } else { c })
                    .collect();
                let mut escaped = String::with_capacity(word.len());
                escape_inline(&word, &mut escaped);
                self.buf().push_str(&escaped);
            }
        }
    }

    fn line_break(&mut self) {
        if self.cell.is_some() {
            let c = self.buf();
            if !c.ends_with(' ') {
                c.push(' ');
            }
        } else if !self.inline.trim().is_empty() {
            while self.inline.ends_with(' ') {
                self.inline.pop();
            }
            self.inline.push('\n');
        }
    }

    /// Writes the inline buffer as a block (paragraph, heading or list item).
    fn flush(&mut self) {
        // Inline elements still open end with the block.
        if self.cell.is_none() {
            self.close_inline(|_| true);
        }
        let text = std::mem::take(&mut self.inline);
        let lines: Vec<String> = text
            .split('\n')
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .map(|l| escape_line_start(&l))
            .collect();
        if lines.is_empty() {
            return;
        }
        let quote = "> ".repeat(self.quote);
        if let Some(level) = self.heading {
            self.block(&format!("{quote}{} {}", "#".repeat(level as usize), lines.join(" ")), false);
            return;
        }
        if self.in_item && !self.lists.is_empty() {
            let depth = self.lists.len();
            let indent: usize = self.lists[..depth - 1].iter().map(|l| if l.ordered { 4 } else { 2 }).sum();
            let pad = " ".repeat(indent);
            let list = self.lists.last_mut().expect("a list is open");
            let (marker, width) = if self.item_started {
                (String::new(), if list.ordered { 4 } else { 2 })
            } else if list.ordered {
                let m = format!("{}. ", list.next);
                list.next += 1;
                let w = m.len().max(4);
                (format!("{m:<4}"), w)
            } else {
                ("- ".to_owned(), 2)
            };
            let cont = " ".repeat(indent + width);
            let mut item = String::new();
            for (n, line) in lines.iter().enumerate() {
                if n == 0 {
                    item.push_str(&format!(
                        "{quote}{pad}{}",
                        if marker.is_empty() { cont[indent..].to_owned() } else { marker.clone() }
                    ));
                } else {
                    item.push_str(&format!("\n{quote}{cont}"));
                }
                item.push_str(line);
            }
            self.item_started = true;
            self.block(&item, true);
            return;
        }
        let para = lines.iter().map(|l| format!("{quote}{l}")).collect::<Vec<_>>().join("\n");
        self.block(&para, false);
    }

    fn block(&mut self, text: &str, item: bool) {
        if !self.done.is_empty() {
            self.done.push_str(if item && self.last_was_item { "\n" } else { "\n\n" });
        }
        self.done.push_str(text);
        self.last_was_item = item;
    }

    fn close_inline(&mut self, want: fn(&Open) -> bool) {
        let Some(at) = self.open.iter().rposition(want) else { return };
        // Close what was opened inside it first.
        while self.open.len() > at {
            let o = self.open.pop().expect("checked");
            let buf = match &mut self.cell {
                Some(cell) => cell,
                None => &mut self.inline,
            };
            match o {
                // A position from another buffer (broken nesting across a table cell) is
                // dropped: its text stays, without markers.
                Open::Strong(pos) | Open::Em(pos) | Open::Link(pos, _) if !buf.is_char_boundary(pos) => {}
                Open::Strong(pos) | Open::Em(pos) => {
                    let marker = if matches!(o, Open::Strong(_)) { "**" } else { "*" };
                    let pos = pos.min(buf.len());
                    let inner = buf.split_off(pos);
                    let trimmed = inner.trim();
                    if trimmed.is_empty() {
                        buf.push_str(&inner);
                        continue;
                    }
                    let lead = &inner[..inner.len() - inner.trim_start().len()];
                    let trail = &inner[inner.trim_end().len()..];
                    buf.push_str(lead);
                    buf.push_str(marker);
                    buf.push_str(trimmed);
                    buf.push_str(marker);
                    buf.push_str(trail);
                }
                Open::Link(pos, href) => {
                    let pos = pos.min(buf.len());
                    let inner = buf.split_off(pos);
                    match href {
                        Some(h) if !inner.trim().is_empty() => {
                            buf.push('[');
                            buf.push_str(inner.trim());
                            buf.push_str("](");
                            buf.push_str(&dest(&h));
                            buf.push(')');
                        }
                        _ => buf.push_str(&inner),
                    }
                }
            }
        }
    }

    fn tag(&mut self, name: &str, closing: bool, body: &str) {
        match name {
            "br" => self.line_break(),
            "strong" | "b" if !closing => {
                let pos = self.buf().len();
                self.open.push(Open::Strong(pos));
            }
            "strong" | "b" => self.close_inline(|o| matches!(o, Open::Strong(_))),
            "em" | "i" if !closing => {
                let pos = self.buf().len();
                self.open.push(Open::Em(pos));
            }
            "em" | "i" => self.close_inline(|o| matches!(o, Open::Em(_))),
            "a" if !closing => {
                let href = attr(body, "href");
                if let Some(h) = &href {
                    self.out.links.push(h.clone());
                }
                let target = href.and_then(|h| match self.resolve.and_then(|r| r(&h)) {
                    Some(new) => Some(new),
                    None => safe_href(&h).then_some(h),
                });
                let pos = self.buf().len();
                self.open.push(Open::Link(pos, target));
            }
            "a" => self.close_inline(|o| matches!(o, Open::Link(..))),
            "img" if !closing => {
                let Some(src) = attr(body, "src") else { return };
                let alt = attr(body, "alt").unwrap_or_default();
                self.out.images.push((src.clone(), alt.clone()));
                let mut text = String::new();
                escape_inline(alt.split_whitespace().collect::<Vec<_>>().join(" ").as_str(), &mut text);
                match self.resolve.and_then(|r| r(&src)) {
                    Some(new) => {
                        let b = self.buf();
                        if !b.is_empty() && !b.ends_with([' ', '\n', '[']) {
                            b.push(' ');
                        }
                        b.push_str(&format!("![{text}]({})", dest(&new)));
                    }
                    None if !text.is_empty() => {
                        let b = self.buf();
                        if !b.is_empty() && !b.ends_with([' ', '\n', '[']) {
                            b.push(' ');
                        }
                        b.push_str(&text);
                    }
                    None => {}
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" if self.cell.is_none() => {
                self.flush();
                self.heading = if closing { None } else { name[1..].parse().ok() };
            }
            "ul" | "ol" if self.cell.is_none() => {
                self.flush();
                if closing {
                    self.lists.pop();
                    self.in_item = false;
                    self.item_started = false;
                    if self.lists.is_empty() {
                        self.last_was_item = false;
                    } else {
                        // Back in the outer item, whose marker line is written.
                        self.in_item = true;
                        self.item_started = true;
                    }
                } else {
                    let start = attr(body, "start").and_then(|s| s.parse().ok()).unwrap_or(1);
                    self.lists.push(List { ordered: name == "ol", next: start });
                    self.in_item = false;
                }
            }
            "li" if self.cell.is_none() => {
                self.flush();
                self.in_item = !closing && !self.lists.is_empty();
                self.item_started = false;
                if closing && !self.lists.is_empty() {
                    // Between items (and after the last one) text is not part of an item.
                    self.in_item = false;
                }
            }
            "table" if !closing => {
                if self.tables.is_empty() {
                    self.flush();
                    self.tables.push(Table::default());
                } else {
                    // A table inside a cell: its cells become words of the outer cell.
                    self.tables.push(Table::default());
                }
            }
            "table" => {
                if let Some(t) = self.tables.pop()
                    && self.tables.is_empty()
                {
                    self.cell = None;
                    self.write_table(t);
                }
            }
            "tr" if self.tables.len() == 1 => {
                self.end_cell();
                let t = self.tables.last_mut().expect("checked");
                if let Some(row) = t.row.take()
                    && !row.is_empty()
                {
                    t.rows.push(row);
                }
                if !closing {
                    t.row = Some(Vec::new());
                }
            }
            "td" | "th" if self.tables.len() == 1 => {
                self.end_cell();
                if !closing {
                    let t = self.tables.last_mut().expect("checked");
                    if t.rows.is_empty() && t.row.as_ref().is_none_or(Vec::is_empty) {
                        t.head = name == "th";
                    }
                    if t.row.is_none() {
                        t.row = Some(Vec::new());
                    }
                    self.cell = Some(String::new());
                }
            }
            "td" | "th" | "tr" | "p" | "div" | "li" if self.cell.is_some() => {
                let c = self.buf();
                if !c.ends_with(' ') && !c.is_empty() {
                    c.push(' ');
                }
            }
            "blockquote" if self.cell.is_none() => {
                self.flush();
                if closing {
                    self.quote = self.quote.saturating_sub(1);
                    self.blocks = self.blocks.saturating_sub(1);
                } else {
                    self.quote += 1;
                    self.blocks += 1;
                }
            }
            "hr" if self.cell.is_none() => {
                self.flush();
                self.block("* * *", false);
            }
            "figcaption" if self.cell.is_none() => self.flush(),
            n if BLOCKS.contains(&n) && self.cell.is_none() => {
                if self.in_item {
                    // A paragraph inside a list item: a line break in the item.
                    self.line_break();
                } else {
                    self.flush();
                }
                if closing {
                    self.blocks = self.blocks.saturating_sub(1);
                } else {
                    self.blocks += 1;
                }
            }
            _ => {}
        }
    }

    fn end_cell(&mut self) {
        self.close_inline(|_| true);
        if let Some(c) = self.cell.take()
            && let Some(t) = self.tables.last_mut()
        {
            let text = c.split_whitespace().collect::<Vec<_>>().join(" ");
            t.row.get_or_insert_with(Vec::new).push(text);
        }
    }

    fn write_table(&mut self, mut t: Table) {
        if let Some(row) = t.row.take()
            && !row.is_empty()
        {
            t.rows.push(row);
        }
        let width = t.rows.iter().map(Vec::len).max().unwrap_or(0);
        if width == 0 || t.rows.iter().all(|r| r.iter().all(String::is_empty)) {
            return;
        }
        let quote = "> ".repeat(self.quote);
        let line = |cells: &[String]| {
            let mut l = format!("{quote}|");
            for i in 0..width {
                let c = cells.get(i).map(String::as_str).unwrap_or("");
                l.push(' ');
                l.push_str(if c.is_empty() { " " } else { c });
                l.push_str(" |");
            }
            l
        };
        let mut out = Vec::new();
        let mut rows = t.rows.iter();
        // GFM needs a header row: the table's own (`<th>`), or an empty one.
        if t.head {
            out.push(line(rows.next().expect("not empty")));
        } else {
            out.push(line(&[]));
        }
        out.push(format!("{quote}|{}", " --- |".repeat(width)));
        for r in rows {
            out.push(line(r));
        }
        self.block(&out.join("\n"), false);
    }
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

/// The text of an HTML5 named character reference (`hellip` → "…"), or `None` for an unknown
/// name. Resolved through the CommonMark parser, which carries the whole HTML5 table (CommonMark
/// requires it), so the binary holds one copy of it. `name` is ASCII letters and digits only,
/// so nothing in it is Markdown syntax.
fn named_entity(name: &str) -> Option<String> {
    let written = format!("&{name};");
    let mut text = String::new();
    for event in pulldown_cmark::Parser::new(&written) {
        if let pulldown_cmark::Event::Text(t) = event {
            text.push_str(&t);
        }
    }
    (!text.is_empty() && text != written).then_some(text)
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
                    named_entity(name)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        to_text(html).text
    }

    /// The converted text as the public page draws it.
    fn page(html: &str) -> String {
        crate::views::rich::render(&md(html)).into_string()
    }

    #[test]
    fn character_references_named_and_numeric() {
        assert_eq!(decode("ก&hellip;ข &ndash; &amp;&lt;&gt;&quot; &#3585;&#x0E01;"), "ก…ข – &<>\" กก");
        assert_eq!(decode("a&nbsp;b"), "a b");
        assert_eq!(decode("&rsquo;&ldquo;&rdquo;&copy;&times;&frac12;"), "\u{2019}\u{201c}\u{201d}©×½");
        // Unknown, unterminated or empty references stay as written.
        assert_eq!(decode("&nosuch; &amp &; && &#xZZ;"), "&nosuch; &amp &; && &#xZZ;");
        assert_eq!(named_entity("hellip").as_deref(), Some("…"));
        assert_eq!(named_entity("notanentity"), None);
    }

    #[test]
    fn block_editor_paragraphs_headings_and_lists() {
        let body = "<!-- wp:heading -->\n<h2 class=\"wp-block-heading\">ประกาศ <strong>สำคัญ</strong></h2>\n<!-- /wp:heading -->\n\n\
            <!-- wp:paragraph -->\n<p>ข่าว <strong>สำคัญ</strong> &amp; ด่วน&nbsp;มาก &#3585; <em>โปรดทราบ</em></p>\n<!-- /wp:paragraph -->\n\n\
            <!-- wp:list -->\n<ul class=\"wp-block-list\"><!-- wp:list-item -->\n<li>หนึ่ง</li>\n<!-- /wp:list-item -->\n<li>สอง<ul><li>สองจุดหนึ่ง</li></ul></li></ul>\n<!-- /wp:list -->\n\
            <ol start=\"3\"><li><p>ข้อสาม</p></li><li>ข้อสี่</li></ol>บรรทัดท้าย";
        assert_eq!(
            md(body),
            "## ประกาศ **สำคัญ**\n\nข่าว **สำคัญ** \\& ด่วน มาก ก *โปรดทราบ*\n\n- หนึ่ง\n- สอง\n  - สองจุดหนึ่ง\n\n3.  ข้อสาม\n4.  ข้อสี่\n\nบรรทัดท้าย"
        );
        let html = page(body);
        assert!(html.contains("<h3>ประกาศ <strong>สำคัญ</strong></h3>"), "{html}");
        assert!(html.contains("<strong>สำคัญ</strong> &amp; ด่วน"), "{html}");
        assert!(html.contains("<em>โปรดทราบ</em>"), "{html}");
        assert!(html.contains("<ul><li>หนึ่ง</li><li>สอง<ul><li>สองจุดหนึ่ง</li></ul></li></ul>"), "{html}");
        assert!(html.contains("<ol start=\"3\"><li>ข้อสาม</li><li>ข้อสี่</li></ol>"), "{html}");
    }

    #[test]
    fn classic_editor_blank_lines_and_line_breaks() {
        let body = "เรียน ผู้ประกอบการทุกท่าน\r\nสำนักงานขอประกาศ\r\n\r\n<strong>กำหนดการ</strong>\nวันที่ 1 ตุลาคม 2568<br />\nณ ห้องประชุม\n\n[caption id=\"attachment_12\" align=\"aligncenter\" width=\"300\"]<img src=\"https://external.example/x.jpg\" alt=\"ภาพบรรยากาศ\" /> ภาพบรรยากาศการประชุม[/caption]";
        assert_eq!(
            md(body),
            "เรียน ผู้ประกอบการทุกท่าน\nสำนักงานขอประกาศ\n\n**กำหนดการ**\nวันที่ 1 ตุลาคม 2568\nณ ห้องประชุม\n\nภาพบรรยากาศ ภาพบรรยากาศการประชุม"
        );
        assert!(page(body).contains("<p>เรียน ผู้ประกอบการทุกท่าน<br>สำนักงานขอประกาศ</p>"));
    }

    #[test]
    fn tables_become_gfm_tables_with_pipes_escaped() {
        let body = "<!-- wp:table --><figure class=\"wp-block-table\"><table><thead><tr><th>รายการ</th><th>ราคากลาง (บาท)</th></tr></thead>\
            <tbody><tr><td>เครื่องวัดความดัน | รุ่น A</td><td style=\"text-align:right\">25,000</td></tr>\
            <tr><td>เตียง<br>ผู้ป่วย</td><td><strong>90,000</strong></td></tr></tbody></table><figcaption>ตารางราคากลาง</figcaption></figure><!-- /wp:table -->";
        assert_eq!(
            md(body),
            "| รายการ | ราคากลาง (บาท) |\n| --- | --- |\n| เครื่องวัดความดัน \\| รุ่น A | 25,000 |\n| เตียง ผู้ป่วย | **90,000** |\n\nตารางราคากลาง"
        );
        let html = page(body);
        assert!(html.contains("<th scope=\"col\">รายการ</th>"), "{html}");
        assert!(html.contains("<td>เครื่องวัดความดัน | รุ่น A</td>"), "{html}");
        assert!(html.contains("<td><strong>90,000</strong></td>"), "{html}");
        // No header row in the HTML: an empty one, and every row stays a row.
        let plain = md("<table><tr><td>ก</td><td>ข</td></tr><tr><td>ค</td></tr></table>");
        assert_eq!(plain, "|   |   |\n| --- | --- |\n| ก | ข |\n| ค |   |");
    }

    #[test]
    fn links_keep_only_safe_targets() {
        let c = to_markdown(
            "<p>ดู <a href=\"https://www.dopa.go.th/\">กรมการปกครอง</a> <a href=\"mailto:saraban@example.go.th\">อีเมล</a> \
             <a href=\"/2024/01/ข่าว/\">ข่าวเดิม</a> <a href=\"javascript:alert(1)\">คลิก</a> <a href=\"//evil.example\">x</a> \
             <a href='http://old.go.th/wp-content/uploads/2024/01/a.pdf'>ไฟล์ (PDF)</a></p>",
            &|u| u.ends_with("a.pdf").then(|| "prakat-import-file:0".to_owned()),
        );
        assert_eq!(
            c.text,
            "ดู [กรมการปกครอง](https://www.dopa.go.th/) [อีเมล](mailto:saraban@example.go.th) [ข่าวเดิม](/2024/01/ข่าว/) คลิก x [ไฟล์ (PDF)](prakat-import-file:0)"
        );
        assert_eq!(c.links.len(), 6);
    }

    #[test]
    fn images_inline_only_for_the_items_own_files() {
        let body = "<figure class=\"wp-block-image size-large\"><img src=\"http://old.go.th/wp-content/uploads/2024/01/p.jpg\" alt=\"ภาพ &quot;หนึ่ง&quot;\" onerror=\"alert(1)\"/><figcaption>กิจกรรมวันเด็ก</figcaption></figure>\
            <p><img src=\"https://tracker.example/pixel.gif\" alt=\"\"><img src=\"https://cdn.example/map.png\" alt=\"แผนที่\"> 3 < 4</p>\
            <figure class=\"wp-block-gallery has-nested-images\"><figure class=\"wp-block-image\"><img src=\"/wp-content/uploads/2024/01/g1.png\" alt=\"ก\"></figure>\
            <figure class=\"wp-block-image\"><img src=\"/wp-content/uploads/2024/01/g2.gif\" alt=\"ข\"></figure></figure>";
        let c = to_markdown(body, &|u| {
            crate::import::uploads::rel_of_url(u, "old.go.th").map(|rel| format!("/files/9/{rel}"))
        });
        assert_eq!(
            c.text,
            "![ภาพ \"หนึ่ง\"](/files/9/2024/01/p.jpg)\n\nกิจกรรมวันเด็ก\n\nแผนที่ 3 \\< 4\n\n![ก](/files/9/2024/01/g1.png)\n\n![ข](/files/9/2024/01/g2.gif)"
        );
        assert_eq!(c.images.len(), 5);
        let html = crate::views::rich::render(&c.text).into_string();
        assert!(html.contains("<img src=\"/files/9/2024/01/p.jpg\" alt=\"ภาพ &quot;หนึ่ง&quot;\""), "{html}");
        assert!(!html.contains("tracker.example") && !html.contains("cdn.example"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }

    #[test]
    fn gallery_shortcodes_become_images() {
        let out = expand_galleries(
            "ก่อน [gallery ids=\"5,7\" columns=\"2\"] หลัง [gallery]",
            &|ids| {
                if ids.is_empty() {
                    vec![("/wp-content/uploads/all.jpg".into(), "ทั้งหมด".into())]
                } else {
                    ids.iter()
                        .map(|i| (format!("/wp-content/uploads/{i}.jpg"), format!("ภาพ \"{i}\"")))
                        .collect()
                }
            },
        );
        assert_eq!(
            out,
            "ก่อน <figure class=\"gallery\"><img src=\"/wp-content/uploads/5.jpg\" alt=\"ภาพ &quot;5&quot;\"><img src=\"/wp-content/uploads/7.jpg\" alt=\"ภาพ &quot;7&quot;\"></figure> หลัง <figure class=\"gallery\"><img src=\"/wp-content/uploads/all.jpg\" alt=\"ทั้งหมด\"></figure>"
        );
        let c = to_markdown(&out, &|u| Some(u.replace("/wp-content/uploads", "/files/1")));
        assert_eq!(
            c.text,
            "ก่อน\n\n![ภาพ \"5\"](/files/1/5.jpg) ![ภาพ \"7\"](/files/1/7.jpg)\n\nหลัง\n\n![ทั้งหมด](/files/1/all.jpg)"
        );
    }

    #[test]
    fn text_that_looks_like_markup_stays_text() {
        let body = "<p>1. ไม่ใช่รายการ *ไม่ใช่ตัวเอียง* [x](javascript:alert(1)) # ไม่ใช่หัวข้อ</p><p>- ไม่ใช่รายการ</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>";
        let html = page(body);
        assert_eq!(
            html,
            "<p>1. ไม่ใช่รายการ *ไม่ใช่ตัวเอียง* [x](javascript:alert(1)) # ไม่ใช่หัวข้อ</p><p>- ไม่ใช่รายการ</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        );
    }

    #[test]
    fn scripts_handlers_and_classic_xss_payloads_never_survive() {
        for payload in [
            "<script>alert(1)</script>",
            "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
            "<IMG SRC=\"javascript:alert('XSS');\">",
            "<IMG SRC=javascript:alert(&quot;XSS&quot;)>",
            "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
            "<img src=x onerror=alert(1)>",
            "<svg/onload=alert(1)>",
            "<BODY ONLOAD=alert('XSS')>",
            "<iframe src=\"javascript:alert(1)\"></iframe>",
            "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
            "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
            "<a href=\" javascript:alert(1)\">x</a>",
            "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
            "<div style=\"background:url(javascript:alert(1))\">ข้อความ</div>",
            "<style>@import 'http://xss.example/x.css';</style>",
            "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<p onmouseover=\"alert(1)\">ก</p>",
            "<<script>alert(1);//<</script>",
        ] {
            let text = md(payload);
            let html = crate::views::rich::render(&text).into_string();
            for bad in ["<script", "<img", "<svg", "<iframe", "<object", "<embed", "<style", "<body", "<a "] {
                assert!(!html.to_ascii_lowercase().contains(bad), "{payload} → {text} → {html}");
            }
            for bad in ["javascript:", "onerror", "onload", "onmouseover", "data:text"] {
                assert!(!html.contains(bad) || html.contains("&lt;"), "{payload} → {html}");
                assert!(!html.contains(&format!("href=\"{bad}")), "{payload} → {html}");
            }
        }
    }

    #[test]
    fn every_body_of_the_real_export_converts_even_cut_short() {
        let export = include_str!("../../tests/fixtures/wordpress/export.xml");
        let mut bodies = 0;
        for part in export.split("<content:encoded><![CDATA[").skip(1) {
            let body = part.split("]]></content:encoded>").next().unwrap_or("");
            bodies += 1;
            let html = crate::views::rich::render(&md(body)).into_string();
            assert!(!html.contains("<script") && !html.contains("javascript:"), "{html}");
            // Truncated anywhere (a cut export, broken nesting), it never panics.
            for (n, (i, _)) in body.char_indices().enumerate() {
                if n % 7 == 0 {
                    let _ = md(&body[..i]);
                    let _ = md(&body[i..]);
                }
            }
        }
        assert!(bodies >= 60, "{bodies}");
        // Broken nesting across table cells, headings and lists.
        for broken in [
            "<strong>ก<table><tr><td>ข</strong>ค</td></tr></table>ง</em>",
            "<td><em>ก</td><td>ข</em></td></table></tr>",
            "<li><a href=\"https://a.b\">ก<ul><li>ข</a></li></ol></ul>",
            "<h2><strong>หัว</h2>ข้อ</strong>",
            "<table><table><tr><td>ใน</td></tr></table></table><tr><td>x",
        ] {
            let _ = crate::views::rich::render(&md(broken));
        }
    }

    #[test]
    fn links_and_images_are_collected() {
        let c = to_text(
            "<p>ดู <a href=\"https://www.dopa.go.th/\">กรมการปกครอง</a> และ <a href='http://old.go.th/wp-content/uploads/2024/01/a.pdf'>ไฟล์</a></p>\
             <figure><img src=\"http://old.go.th/wp-content/uploads/2024/01/p.jpg\" alt=\"ภาพ &quot;หนึ่ง&quot;\"/></figure> 3 < 4",
        );
        assert_eq!(
            c.images,
            vec![("http://old.go.th/wp-content/uploads/2024/01/p.jpg".into(), "ภาพ \"หนึ่ง\"".into())]
        );
        assert_eq!(c.links.len(), 2);
    }
}
