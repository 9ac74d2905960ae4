//! Photos on public pages: responsive `<img>` over the public copies, an item's gallery, the
//! full-size view of one photo, album covers, and the web masters' highlight pins.

use maud::{Markup, html};

use super::forms::{self, Input, Problem};
use super::layout::page;
use super::prefs::t;
use super::staff::{Bar, staff_page};
use super::{Chrome, Crumb, text};
use crate::categories::Place;
use crate::paths;
use crate::store::highlights::Pin;
use crate::store::items::{Attachment, Item, ItemSummary};
use crate::store::photos::Photo;
use crate::thai;
use crate::workflow::highlight::PinInput;

/// A photo attachment with the upright size of its original.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The attachment.
    pub file: Attachment,
    /// Its size.
    pub photo: Photo,
}

/// An item shown as an album cover.
#[derive(Debug, Clone)]
pub struct Album {
    /// The item.
    pub item: ItemSummary,
    /// Its first photo.
    pub cover: Shown,
    /// Its photos in all.
    pub count: usize,
}

/// The text alternative of photo `n` of an item: what the web master typed, or the item's
/// title and the photo's number.
pub fn alt(file: &Attachment, title: &str, n: usize, digits: thai::Digits) -> String {
    if file.alt.trim().is_empty() {
        format!("{title} {}{}", t("ภาพที่ ", "photo "), digits.apply(&n.to_string()))
    } else {
        file.alt.clone()
    }
}

/// Sizes of a thumbnail in a grid: about a quarter of the page on a wide screen, half a phone.
pub const THUMB_SIZES: &str = "(min-width: 60rem) 17rem, (min-width: 36rem) 30vw, 46vw";
/// Sizes of the smaller highlights beside the first: a third of the column on a wide screen,
/// the whole width of a phone.
pub const SIDE_SIZES: &str = "(min-width: 60rem) 24rem, (min-width: 40rem) 34vw, 100vw";
/// Sizes of the first highlight: two thirds of the column on a wide screen.
pub const WIDE_SIZES: &str = "(min-width: 60rem) 46rem, calc(100vw - 2rem)";

/// `sizes` for a photo as wide as `slot` (a CSS length) but never wider than its widest copy,
/// so that a small photo is not blown up.
fn capped(photo: &Photo, wide: &str) -> String {
    let m = photo.largest();
    format!("(min-width: 60rem) min({wide}, {m}px), min(calc(100vw - 2rem), {m}px)")
}

/// An `<img>` of `shown` offering every public copy (`srcset`), with the true `width` and
/// `height` of the copy in `src` (the narrowest at least `want` wide). The first image of a
/// page is `eager` with a high fetch priority; the others load lazily.
pub fn img(shown: &Shown, want: u32, sizes: &str, eager: bool, alt: &str) -> Markup {
    let (file, photo) = (&shown.file, &shown.photo);
    let src_w = photo.at_least(want);
    let (w, h) = photo.size_at(src_w);
    let srcset = photo
        .widths()
        .into_iter()
        .map(|w| format!("{} {w}w", paths::photo_copy(file.id, w, &file.file_name)))
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        img src=(paths::photo_copy(file.id, src_w, &file.file_name)) srcset=(srcset) sizes=(sizes)
            width=(w) height=(h) alt=(alt) decoding="async"
            loading=(if eager { "eager" } else { "lazy" }) fetchpriority=[eager.then_some("high")];
    }
}

/// An item's photos: the first across the column, the rest as thumbnails; each opens its own
/// full-size page.
pub fn gallery(item: &Item, photos: &[Shown], digits: thai::Digits) -> Markup {
    html! {
        @if !photos.is_empty() {
            section.gallery aria-labelledby="photos-h" {
                h2 #photos-h {
                    (t("ภาพประกอบ", "Photos"))
                    @if photos.len() > 1 { " (" (digits.apply(&photos.len().to_string())) (t(" ภาพ", " photos")) ")" }
                }
                ul.photos {
                    @for (i, shown) in photos.iter().enumerate() {
                        @let n = i + 1;
                        @let label = alt(&shown.file, &item.title, n, digits);
                        li class=[(i == 0).then_some("lead")] {
                            a href=(paths::photo_page(item.id, n)) {
                                @if i == 0 { (img(shown, 800, &capped(&shown.photo, "56rem"), true, &label)) }
                                @else { (img(shown, 320, THUMB_SIZES, false, &label)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The full-size view of photo `n` (from 1) of an item, with links to the previous and next
/// photos and back to the item, and a download link. Plain links: keyboard and screen-reader
/// friendly, no JavaScript.
pub fn photo_page(chrome: &Chrome, item: &Item, place: Option<Place>, photos: &[Shown], n: usize) -> Markup {
    let digits = chrome.digits;
    let shown = &photos[n - 1];
    let label = alt(&shown.file, &item.title, n, digits);
    let of = format!(
        "{}{}{}{}",
        t("ภาพที่ ", "Photo "),
        digits.apply(&n.to_string()),
        t(" จาก ", " of "),
        digits.apply(&photos.len().to_string())
    );
    let mut crumbs = Vec::new();
    if let Some(p) = place {
        crumbs.push(Crumb::link(p.area.name_th, paths::area(p.area)));
        crumbs.push(Crumb::link(p.sub.name_th, paths::place(p)));
    }
    crumbs.push(Crumb::link(item.title.clone(), paths::item(item.id)));
    crumbs.push(Crumb::here(of.clone()));
    let title = format!("{} — {of}", item.title);
    let (w, h) = shown.photo.size_at(shown.photo.largest());
    page(
        chrome,
        &title,
        &crumbs,
        html! {
            article.photo-view {
                h1 { (item.title) }
                p.count { (of) }
                figure {
                    (img(shown, 1600, &capped(&shown.photo, "70rem"), true, &label))
                    @if !shown.file.alt.trim().is_empty() { figcaption { (shown.file.alt) } }
                }
                nav.photo-nav aria-label=(t("เลื่อนดูภาพ", "Browse photos")) {
                    @if n > 1 {
                        a.prev rel="prev" href=(paths::photo_page(item.id, n - 1)) { (t("‹ ภาพก่อนหน้า", "‹ Previous photo")) }
                    }
                    a.back href=(paths::item(item.id)) { (t("กลับไปที่รายการ", "Back to the item")) }
                    @if n < photos.len() {
                        a.next rel="next" href=(paths::photo_page(item.id, n + 1)) { (t("ภาพถัดไป ›", "Next photo ›")) }
                    }
                }
                p.download {
                    a href=(paths::download(shown.file.id, &shown.file.file_name)) {
                        (t("ดาวน์โหลด", "Download")) span.visually-hidden { " " (label) }
                    }
                    " (JPG " (digits.apply(&w.to_string())) " × " (digits.apply(&h.to_string())) (t(" พิกเซล)", " px)"))
                }
                @if photos.len() > 1 {
                    ul.photos.strip aria-label=(t("ภาพทั้งหมดในรายการนี้", "All photos of this item")) {
                        @for (i, other) in photos.iter().enumerate() {
                            li {
                                a href=(paths::photo_page(item.id, i + 1)) aria-current=[(i + 1 == n).then_some("page")] {
                                    (img(other, 320, "8rem", false, &alt(&other.file, &item.title, i + 1, digits)))
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Album covers: each item's first photo with its title, Buddhist-Era date and number of
/// photos. `eager_first` for the first image of a page.
pub fn albums(albums: &[Album], digits: thai::Digits, eager_first: bool) -> Markup {
    html! {
        ul.albums {
            @for (i, a) in albums.iter().enumerate() {
                li {
                    a href=(paths::item(a.item.id)) {
                        (img(&a.cover, 320, THUMB_SIZES, eager_first && i == 0, ""))
                        span.title { (a.item.title) }
                        span.info {
                            (text::date_of_unix(a.item.published_at, digits))
                            @if a.count > 1 { " · " (digits.apply(&a.count.to_string())) (t(" ภาพ", " photos")) }
                        }
                    }
                }
            }
        }
    }
}

/// The home page's highlight band: the pinned items, each with its first photo.
pub fn highlights(pinned: &[Album]) -> Markup {
    html! {
        @if !pinned.is_empty() {
            section.highlights aria-labelledby="hl-h" {
                h2 #hl-h.visually-hidden { (t("ข่าวเด่น", "Highlights")) }
                ul {
                    @for (i, a) in pinned.iter().enumerate() {
                        li class=[(i == 0).then_some("first")] {
                            a href=(paths::item(a.item.id)) {
                                @if i == 0 { (img(&a.cover, 800, WIDE_SIZES, true, "")) }
                                @else { (img(&a.cover, 800, SIDE_SIZES, false, "")) }
                                span.title { (a.item.title) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/staff/highlights`: the pins, each with an unpin button, and the form to add one.
pub fn admin(
    chrome: &Chrome,
    bar: &Bar,
    pins: &[Pin],
    input: &PinInput,
    problems: &[Problem],
    notice: Option<&str>,
) -> Markup {
    let digits = chrome.digits;
    staff_page(
        chrome,
        bar,
        "ข่าวเด่นหน้าแรก",
        &[Crumb::here("ข่าวเด่นหน้าแรก")],
        html! {
            h1 { "ข่าวเด่นหน้าแรก" }
            p { "ปักหมุดรายการที่เผยแพร่อยู่และมีภาพประกอบ ไม่เกิน " (digits.apply("3")) " รายการ ให้แสดงเป็นแถบภาพด้านบนของหน้าแรก "
                "กำหนดวันสิ้นสุดได้ (เลยวันนั้นแล้วจะไม่แสดงเอง) หรือเว้นว่างไว้เพื่อแสดงจนกว่าจะเลิกปักหมุด" }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            h2 { "รายการที่ปักหมุด" }
            @if pins.is_empty() {
                p.empty { "ยังไม่มีรายการที่ปักหมุด" }
            } @else {
                table {
                    thead { tr { th scope="col" { "รายการ" } th scope="col" { "แสดงถึง" } th scope="col" { "สถานะ" } th scope="col" { span.visually-hidden { "เลิกปักหมุด" } } } }
                    tbody {
                        @for p in pins {
                            tr {
                                td { a href=(paths::item(p.item_id)) { (p.title) } }
                                td { @match p.until { Some(d) => (text::date(d, digits)), None => "ไม่กำหนด" } }
                                td { @if p.showing { "แสดงอยู่" } @else { "ไม่แสดง (ครบกำหนดหรือนำลงแล้ว)" } }
                                td {
                                    form.inline method="post" action=(format!("{}/{}/unpin", paths::HIGHLIGHTS, p.item_id)) {
                                        (forms::csrf(bar.csrf))
                                        button.link type="submit" { "เลิกปักหมุด" span.visually-hidden { " " (p.title) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "ปักหมุดรายการ" }
            (forms::summary(problems, chrome.digits))
            form method="post" action=(paths::HIGHLIGHTS) {
                (forms::csrf(bar.csrf))
                (forms::field("item", "รายการที่จะปักหมุด (เลขที่รายการ หรือลิงก์ที่คัดลอกจากหน้ารายการ)", &input.item, Input::Text, true, problems))
                (forms::field("until", "แสดงถึงวันที่ (ไม่บังคับ)", &input.until, Input::Date, false, problems))
                button type="submit" { "ปักหมุด" }
            }
        },
    )
}
