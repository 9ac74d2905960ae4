//! Photos over HTTP with the real binary (issue 22): a phone photo with EXIF GPS and
//! orientation 6 goes through the workflow; the public copies carry no metadata, are upright
//! and are offered with `srcset` at their true sizes; the original is for staff only; the
//! activity album grid and the full-size photo pages; images and PDFs open in the browser,
//! other files download; web masters pin highlights to the home page (refusals in Thai, with
//! what was typed kept).

mod common;

use common::{Client, Reply, Server, csrf_of, get_with};

const TITLE: &str = "ออกหน่วยตรวจคัดกรองเบาหวานเชิงรุก ตำบลนาโป่ง";

/// A `width` × `height` JPEG whose left half is red and right half blue, with an EXIF block
/// (orientation `orientation`, and a GPS position) as a phone writes it.
fn phone_photo(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 { image::Rgb([220, 20, 20]) } else { image::Rgb([20, 20, 220]) }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&img).unwrap();
    with_exif(&jpeg, orientation)
}

/// `jpeg` with an EXIF APP1 segment after SOI: IFD0 with Orientation and a GPS IFD pointer;
/// the GPS IFD holds latitude 17.4860° N, longitude 101.7223° E (Loei).
fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32) {
        out.extend(tag.to_be_bytes());
        out.extend(kind.to_be_bytes());
        out.extend(count.to_be_bytes());
        out.extend(value.to_be_bytes());
    }
    // Big-endian TIFF. IFD0 at 8: 2 entries (2 + 24 + 4 = 30 bytes), GPS IFD at 38: 4 entries
    // (2 + 48 + 4 = 54 bytes), then the rationals at 92 (latitude) and 116 (longitude).
    let mut t = b"MM\0*".to_vec();
    t.extend(8u32.to_be_bytes());
    t.extend(2u16.to_be_bytes());
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation) << 16);
    entry(&mut t, 0x8825, 4, 1, 38);
    t.extend(0u32.to_be_bytes());
    assert_eq!(t.len(), 38);
    t.extend(4u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_be_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, 92);
    entry(&mut t, 0x0003, 2, 2, u32::from_be_bytes(*b"E\0\0\0"));
    entry(&mut t, 0x0004, 5, 3, 116);
    t.extend(0u32.to_be_bytes());
    assert_eq!(t.len(), 92);
    for (num, den) in [(17, 1), (29, 1), (96, 10), (101, 1), (43, 1), (203, 10)] {
        t.extend((num as u32).to_be_bytes());
        t.extend((den as u32).to_be_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(t);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// Whether `bytes` (a JPEG) has an APP1 segment or any EXIF/GPS trace.
fn has_metadata(bytes: &[u8]) -> bool {
    let mut at = 2;
    while at + 4 <= bytes.len() && bytes[at] == 0xFF {
        let marker = bytes[at + 1];
        if marker == 0xDA {
            break;
        }
        if marker == 0xE1 {
            return true;
        }
        at += 2 + usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
    }
    bytes.windows(4).any(|w| w == b"Exif" || w == b"MM\0*" || w == b"II*\0")
}

/// The main part of a page, for failure messages.
fn short(html: &str) -> &str {
    let start = html.find("<main").unwrap_or(0);
    let end = html.find("</main>").unwrap_or(html.len());
    &html[start..end.min(start + 4000).max(start)]
}

fn location(reply: &Reply) -> String {
    reply
        .header("location")
        .unwrap_or_else(|| panic!("no redirect: {} {}", reply.status, reply.text()))
        .into()
}

/// Every value of `attr="…"` in `html`, `&amp;` decoded.
fn attrs(html: &str, attr: &str) -> Vec<String> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .map(|(at, _)| html[at + pat.len()..].split('"').next().unwrap().replace("&amp;", "&"))
        .collect()
}

/// The `<img …>` tags of `html`.
fn imgs(html: &str) -> Vec<String> {
    html.match_indices("<img ").map(|(at, _)| html[at..].split('>').next().unwrap().to_string()).collect()
}

/// A staff request in 1.8 activity photos with `files`, approved and published today; returns
/// the item's address.
fn publish_album(server: &Server, files: &[(&str, &str, &[u8])]) -> String {
    let (staff, head, webmaster) = (
        Client::logged_in(server, "staff"),
        Client::logged_in(server, "head"),
        Client::logged_in(server, "webmaster"),
    );
    let token = csrf_of(&staff.get("/staff/requests/new").text());
    let fields = [
        ("csrf", token.as_str()),
        ("unit", "กลุ่มงานควบคุมโรค"),
        ("request_date", "2026-11-20"),
        ("topic", TITLE),
        ("details", "ภาพกิจกรรมออกหน่วยตรวจคัดกรองเบาหวานและความดันโลหิตสูง"),
        ("link", ""),
        ("remarks", ""),
        ("requester_name", "นายสมชาย ใจดี"),
        ("requester_position", "นักวิชาการสาธารณสุข"),
        ("requester_contact", "042 812665"),
        ("category", "news/activities"),
        ("period_from", ""),
        ("period_to", ""),
        ("end_date", ""),
        ("no_end", "on"),
        ("intent", "submit"),
    ];
    let created = staff.post_multipart("/staff/requests", &fields, files);
    assert_eq!(created.status, 303, "{}", short(&created.text()));
    let request = location(&created);
    let token = csrf_of(&head.get(&request).text());
    assert_eq!(head.post(&format!("{request}/approve"), &[("csrf", &token)]).status, 303);
    let form = webmaster.get(&format!("{request}/publish"));
    let token = csrf_of(&form.text());
    let today = prakat::thai::today().to_string();
    let alts: Vec<String> =
        (1..=files.len()).map(|n| format!("อสม. ตรวจวัดความดันให้ผู้สูงอายุ ภาพที่ {n}")).collect();
    let mut fields: Vec<(&str, &str)> = alts.iter().map(|a| ("alt", a.as_str())).collect();
    fields.extend([
        ("csrf", token.as_str()),
        ("category", "news/activities"),
        ("title", TITLE),
        ("summary", "ภาพกิจกรรมออกหน่วยตรวจคัดกรอง"),
        ("source", "กลุ่มงานควบคุมโรค"),
        ("period_from", ""),
        ("period_to", ""),
        ("timeless", "1"),
        ("publish_on", today.as_str()),
        ("end_date", ""),
    ]);
    let published = webmaster.post(&format!("{request}/publish"), &fields);
    assert_eq!(published.status, 303, "{}", short(&published.text()));
    let page = staff.get(&request).text();
    let at = page.find("href=\"/items/").expect("item link on the request");
    page[at + 6..].split('"').next().unwrap().to_string()
}

#[test]
fn a_phone_photo_is_published_upright_without_its_gps_and_the_original_stays_with_staff() {
    let server = Server::demo();
    // Stored sideways: 1800 × 1200 pixels, orientation 6 (turn 90° clockwise to view).
    let sideways = phone_photo(1800, 1200, 6);
    let second = phone_photo(640, 480, 1);
    assert!(has_metadata(&sideways));
    let item = publish_album(
        &server,
        &[("files", "คัดกรอง-1.jpg", sideways.as_slice()), ("files", "คัดกรอง-2.jpg", second.as_slice())],
    );
    let html = server.get(&item).text();

    // The gallery: srcset over the copies, true width/height, first eager, the rest lazy.
    let tags: Vec<String> = imgs(&html).into_iter().filter(|t| t.contains("srcset")).collect();
    assert_eq!(tags.len(), 2, "{}", short(&html));
    assert!(
        tags[0].contains("loading=\"eager\"") && tags[0].contains("fetchpriority=\"high\""),
        "{}",
        tags[0]
    );
    assert!(tags[1].contains("loading=\"lazy\""), "{}", tags[1]);
    assert!(tags[0].contains("sizes=\""));
    let srcset = &attrs(&tags[0], "srcset")[0];
    let copies: Vec<(String, u32)> = srcset
        .split(", ")
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').unwrap();
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect();
    assert_eq!(copies.iter().map(|c| c.1).collect::<Vec<_>>(), vec![320, 800, 1200], "{srcset}");
    for (url, w) in &copies {
        let reply = server.get(url);
        assert_eq!(reply.status, 200, "{url}");
        assert_eq!(reply.header("content-type"), Some("image/jpeg"));
        assert!(reply.header("content-disposition").unwrap().starts_with("inline"));
        assert!(!has_metadata(&reply.body), "{url} carries metadata");
        let img = image::load_from_memory(&reply.body).unwrap().to_rgb8();
        // Upright: 1200 × 1800 turned, so as tall as 1.5 × its width; the red half on top.
        assert_eq!((img.width(), img.height()), (*w, w * 3 / 2), "{url}");
        let top = img.get_pixel(img.width() / 2, img.height() / 4);
        let bottom = img.get_pixel(img.width() / 2, img.height() * 3 / 4);
        assert!(top[0] > 150 && top[2] < 100, "top is red: {top:?}");
        assert!(bottom[2] > 150 && bottom[0] < 100, "bottom is blue: {bottom:?}");
    }
    // The src's width/height are those of that copy.
    let src = &attrs(&tags[0], "src")[0];
    let (w, h): (u32, u32) =
        (attrs(&tags[0], "width")[0].parse().unwrap(), attrs(&tags[0], "height")[0].parse().unwrap());
    let img = image::load_from_memory(&server.get(src).body).unwrap();
    assert_eq!((img.width(), img.height()), (w, h));

    // The file link and the download link give a copy, not the original.
    let file_link =
        attrs(&html, "href").into_iter().find(|h| h.starts_with("/files/") && h.contains("%E0")).unwrap();
    let shown = server.get(&file_link);
    assert_eq!(shown.status, 200);
    assert!(!has_metadata(&shown.body));
    assert!(shown.header("content-disposition").unwrap().starts_with("inline"));
    let download = server.get(&format!("{file_link}?download=1"));
    assert!(download.header("content-disposition").unwrap().starts_with("attachment"));
    assert!(html.contains("ดาวน์โหลด"));
    // ETag and byte ranges still work on a copy.
    let etag = shown.header("etag").unwrap().to_string();
    assert_eq!(get_with(&server.url(&file_link), &[("If-None-Match", &etag)]).status, 304);
    let part = get_with(&server.url(&file_link), &[("Range", "bytes=0-9")]);
    assert_eq!((part.status, part.body.len()), (206, 10));

    // The original: 403 to the public, 200 (byte for byte) to staff.
    let id = file_link.trim_start_matches("/files/").split('/').next().unwrap();
    let original = format!("/files/{id}/original/x.jpg");
    let refused = server.get(&original);
    assert_eq!(refused.status, 403);
    assert!(refused.text().contains("เจ้าหน้าที่"));
    let staff = Client::logged_in(&server, "webmaster");
    let given = staff.get(&original);
    assert_eq!(given.status, 200);
    assert_eq!(given.body, sideways, "staff get the file as uploaded");
    assert!(given.header("cache-control").unwrap().contains("no-store"));
    assert!(!html.contains("/original/"), "the public page never links the original");

    // Nonsense widths and photos past the last: 404.
    assert_eq!(server.get(&format!("/files/{id}/1600/x.jpg")).status, 404);
    assert_eq!(server.get(&format!("/files/{id}/abc/x.jpg")).status, 404);

    // Full-size pages with previous/next, and the album grid of 1.8.
    let item_id = item.trim_start_matches("/items/");
    let first = server.get(&format!("{item}/photos/1"));
    assert_eq!(first.status, 200);
    let first = first.text();
    assert!(first.contains(&format!("rel=\"next\" href=\"/items/{item_id}/photos/2\"")), "{first}");
    assert!(!first.contains("rel=\"prev\""));
    assert!(first.contains("ภาพที่ 1 จาก 2") || first.contains("ภาพที่ ๑ จาก ๒"), "{first}");
    let second_page = server.get(&format!("{item}/photos/2")).text();
    assert!(second_page.contains(&format!("rel=\"prev\" href=\"/items/{item_id}/photos/1\"")));
    assert!(!second_page.contains("rel=\"next\""));
    assert!(second_page.contains("?download=1"), "a download link on the photo page");
    assert_eq!(server.get(&format!("{item}/photos/3")).status, 404);
    assert_eq!(server.get(&format!("{item}/photos/0")).status, 404);
    let album = server.get("/c/news/activities");
    assert_eq!(album.status, 200);
    let album = album.text();
    assert!(album.contains("class=\"albums\""));
    assert!(album.contains(&format!("href=\"{item}\"")));
    assert!(album.contains(TITLE));
    let home = server.get("/").text();
    assert!(home.contains("ภาพข่าวกิจกรรมล่าสุด") && home.contains(&format!("href=\"{item}\"")));

    // The copies are on disk under photos/, outside files/ (which backups and the sweep see).
    let copies_on_disk = walk(&server.data.join("photos"));
    assert!(copies_on_disk.iter().any(|p| p.ends_with("-1200.jpg")), "{copies_on_disk:?}");
    // Backups leave them out (the originals are in).
    let made = std::process::Command::new(common::binary())
        .args(["backup", "now", "--data"])
        .arg(&server.data)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let zip = walk(&server.data.join("backups")).into_iter().find(|p| p.ends_with(".zip")).unwrap();
    let archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(names.iter().any(|n| n.starts_with("files/")) && !names.iter().any(|n| n.starts_with("photos/")));
    // Once gone (a restore), they are made again when asked for.
    for p in &copies_on_disk {
        std::fs::remove_file(p).unwrap();
    }
    for (url, w) in &copies {
        let again = server.get(url);
        assert_eq!(again.status, 200, "{url} made again");
        let img = image::load_from_memory(&again.body).unwrap();
        assert_eq!((img.width(), img.height()), (*w, w * 3 / 2));
        assert!(!has_metadata(&again.body));
    }
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path().display().to_string());
        }
    }
    out
}

#[test]
fn pdfs_open_sandboxed_other_files_download_and_a_broken_photo_stays_a_download() {
    let server = Server::demo();
    let mut seen_pdf = false;
    let mut seen_other = false;
    for id in 1..40 {
        let reply = server.get(&format!("/files/{id}/x"));
        if reply.status != 200 {
            continue;
        }
        let disposition = reply.header("content-disposition").unwrap().to_string();
        match reply.header("content-type").unwrap() {
            "application/pdf" => {
                seen_pdf = true;
                assert!(disposition.starts_with("inline"), "{disposition}");
                assert_eq!(reply.header("content-security-policy"), Some("sandbox"));
                let asked = server.get(&format!("/files/{id}/x?download=1"));
                assert!(asked.header("content-disposition").unwrap().starts_with("attachment"));
            }
            "image/jpeg" => assert!(disposition.starts_with("inline")),
            _ => {
                seen_other = true;
                assert!(disposition.starts_with("attachment"), "{disposition}");
            }
        }
    }
    assert!(seen_pdf && seen_other);

    // A file named .jpg whose pixels cannot be read: published all the same, offered as a
    // download (no gallery image), and the site goes on.
    let mut broken = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00".to_vec();
    broken.extend(std::iter::repeat_n(0x42u8, 2000));
    let item = publish_album(&server, &[("files", "เสีย.jpg", broken.as_slice())]);
    let html = server.get(&item);
    assert_eq!(html.status, 200);
    let html = html.text();
    assert!(!html.contains("srcset"), "no gallery for an unreadable photo");
    let link = attrs(&html, "href").into_iter().find(|h| h.starts_with("/files/")).unwrap();
    let got = server.get(&link);
    assert_eq!(got.status, 200);
    assert!(got.header("content-disposition").unwrap().starts_with("attachment"));
    assert_eq!(got.body, broken);
    assert_eq!(server.get("/").status, 200);
    assert_eq!(server.get("/c/news/activities").status, 200);
}

/// The form fields of the pin form.
fn pin(client: &Client, item: &str, until: &str) -> Reply {
    let token = csrf_of(&client.get("/staff/highlights").text());
    client.post("/staff/highlights", &[("csrf", &token), ("item", item), ("until", until)])
}

#[test]
fn web_masters_pin_up_to_three_highlights_with_thai_refusals_that_keep_what_was_typed() {
    let server = Server::demo();
    let webmaster = Client::logged_in(&server, "webmaster");
    let page = webmaster.get("/staff/highlights");
    assert_eq!(page.status, 200);
    // The demo pins two activity albums.
    let home = server.get("/").text();
    assert!(home.contains("class=\"highlights\""), "{home}");
    let pinned_now = attrs(&page.text(), "action").into_iter().filter(|a| a.ends_with("/unpin")).count();
    assert_eq!(pinned_now, 2);
    // Items with a photo, from the album grid; one not pinned yet.
    let albums = server.get("/c/news/activities").text();
    let with_photo: Vec<String> = attrs(&albums, "href")
        .into_iter()
        .filter(|h| h.starts_with("/items/") && !h.contains("/photos/"))
        .collect();
    let pinned_page = page.text();
    let free = with_photo
        .iter()
        .find(|h| !pinned_page.contains(&format!("href=\"{h}\"")))
        .expect("an album not pinned")
        .clone();

    // A past end date: refused in Thai, the typed values kept.
    let past = pin(&webmaster, &free, "2020-01-31");
    assert_eq!(past.status, 422);
    let text = past.text();
    assert!(text.contains("วันสิ้นสุดการปักหมุด") && text.contains("ผ่านมาแล้ว"), "{text}");
    assert!(text.contains("value=\"2020-01-31\"") && text.contains(&format!("value=\"{free}\"")));
    // Nonsense: refused, named.
    let junk = pin(&webmaster, "ไม่ใช่เลข", "");
    assert_eq!(junk.status, 422);
    assert!(junk.text().contains("value=\"ไม่ใช่เลข\""));
    // An item without a photo: refused.
    let plain = server.get("/c/law").text();
    let no_photo = attrs(&plain, "href").into_iter().find(|h| h.starts_with("/items/")).unwrap();
    let refused = pin(&webmaster, &no_photo, "");
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("ไม่มีภาพประกอบ"), "{}", refused.text());

    // The third pin, by its full address, with a Buddhist-Era end date.
    let until = prakat::thai::today().checked_add(jiff::Span::new().days(30)).unwrap();
    let be = format!("{}/{}/{}", until.day(), until.month(), i32::from(until.year()) + 543);
    let ok = pin(&webmaster, &format!("https://example.go.th{free}"), &be);
    assert_eq!(ok.status, 303, "{}", ok.text());
    let home = server.get("/").text();
    let band = &home[home.find("class=\"highlights\"").unwrap()..];
    let band = &band[..band.find("</section>").unwrap()];
    assert!(band.contains(&format!("href=\"{free}\"")), "the home page shows the new pin at once");

    // A fourth: refused with the rule, what was typed kept.
    let fourth_item = "/items/1";
    let fourth = pin(&webmaster, fourth_item, "");
    assert_eq!(fourth.status, 422);
    let text = fourth.text();
    assert!(text.contains("ไม่เกิน ๓ รายการ"), "{text}");
    assert!(text.contains(&format!("value=\"{fourth_item}\"")));

    // Unpin: gone from the home page at once; both are in the audit trail.
    let page = webmaster.get("/staff/highlights").text();
    let token = csrf_of(&page);
    let id = free.trim_start_matches("/items/");
    let out = webmaster.post(&format!("/staff/highlights/{id}/unpin"), &[("csrf", &token)]);
    assert_eq!(out.status, 303);
    let home = server.get("/").text();
    let band = &home[home.find("class=\"highlights\"").unwrap()..];
    let band = &band[..band.find("</section>").unwrap()];
    assert!(!band.contains(&format!("href=\"{free}\"")));
    let admin = Client::logged_in(&server, "admin");
    let audit = admin.get("/admin/audit").text();
    assert!(audit.contains("ปักหมุดรายการไว้ที่หน้าแรก") && audit.contains("เลิกปักหมุดรายการจากหน้าแรก"));

    // Only web masters (and admins); a missing CSRF token is refused.
    let staff = Client::logged_in(&server, "staff");
    assert_eq!(staff.get("/staff/highlights").status, 403);
    assert_eq!(webmaster.post("/staff/highlights", &[("item", &free)]).status, 403);
}
