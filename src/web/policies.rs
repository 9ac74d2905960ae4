//! Policy pages (public) and their editing by admins; Atom feeds of the newest items.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::session::Staff;
use super::{Shared, WebError};
use crate::categories;
use crate::paths;
use crate::store::items::{self, At, Scope};
use crate::store::pages;
use crate::views::forms::Problem;
use crate::views::policies::{self as view, Policy};
use crate::workflow::audit::AuditAction;
use crate::workflow::state::Role;

fn html(m: maud::Markup) -> Response {
    Html(m.into_string()).into_response()
}

fn policy(slug: &str) -> Result<&'static Policy, WebError> {
    view::find(slug).ok_or(WebError::NotFound)
}

/// `GET /policy/{slug}`
pub async fn show(State(app): State<Shared>, Path(slug): Path<String>) -> Result<Response, WebError> {
    let policy = policy(&slug)?;
    let stored = app.store.run(move |c| pages::get(c, policy.slug)).await?;
    let (body, updated) = match stored {
        Some((body, at)) => (body, Some(at)),
        None => (view::default_text(policy, &app.settings().office.name_th), None),
    };
    Ok(html(view::show(&app.chrome(None).await?, policy, &body, updated)))
}

fn admin_only(staff: &Staff) -> Result<(), WebError> {
    staff.require(Role::Admin)
}

/// `GET /admin/pages` and `/admin/pages/{slug}`
pub async fn edit_form(
    State(app): State<Shared>,
    staff: Staff,
    slug: Option<Path<String>>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    admin_only(&staff)?;
    let policy = policy(slug.as_ref().map_or("website", |p| p.0.as_str()))?;
    let stored = app.store.run(move |c| pages::get(c, policy.slug)).await?;
    let body = stored.map_or_else(|| view::default_text(policy, &app.settings().office.name_th), |(b, _)| b);
    let bar = super::staff::bar(&app, &staff).await?;
    let saved = params.contains_key("saved");
    Ok(html(view::edit(&app.plain_chrome(), &bar, policy, &body, &[], saved)))
}

/// Longest policy text, in characters.
const BODY_MAX: usize = 20_000;

/// `POST /admin/pages/{slug}`
pub async fn save(
    State(app): State<Shared>,
    staff: Staff,
    Path(slug): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    admin_only(&staff)?;
    staff.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let policy = policy(&slug)?;
    let body = fields.get("body").map(|b| b.trim().replace("\r\n", "\n")).unwrap_or_default();
    if body.chars().count() > BODY_MAX {
        let bar = super::staff::bar(&app, &staff).await?;
        let problems = [Problem::new("body", format!("ข้อความ: ยาวได้ไม่เกิน {BODY_MAX} ตัวอักษร"))];
        let page = view::edit(&app.plain_chrome(), &bar, policy, &body, &problems, false);
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html(page)).into_response());
    }
    let who = staff.who();
    let by = staff.user.username.clone();
    app.store
        .run(move |c| {
            let tx = c.transaction()?;
            pages::set(&tx, policy.slug, &body, &by)?;
            crate::store::audit::append(
                &tx,
                &who,
                AuditAction::PageEdit,
                &format!("page/{}", policy.slug),
                "",
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    app.pages.invalidate();
    Ok(Redirect::to(&format!("/admin/pages/{}?saved=1", policy.slug)).into_response())
}

/// Items in a feed.
const FEED_ITEMS: u32 = 30;

/// Text for an XML element or attribute: markup characters escaped, and characters XML 1.0
/// does not allow at all (NUL and the other C0 controls but tab and newlines, U+FFFE, U+FFFF)
/// left out, so that text stored before the input filter, or from anywhere, can never make
/// the feed invalid. A vertical tab (Word's Shift+Enter) or form feed becomes a line break.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\u{b}' | '\u{c}' => out.push('\n'),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn rfc3339(unix: i64) -> String {
    jiff::Timestamp::from_second(unix).map(crate::thai::rfc3339_bangkok).unwrap_or_default()
}

/// `GET /feeds/{area}.xml` (or `all.xml`): an Atom feed of the newest visible items.
pub async fn feed(
    State(app): State<Shared>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let slug = file.strip_suffix(".xml").ok_or(WebError::NotFound)?;
    let area = if slug == "all" { None } else { Some(categories::area(slug).ok_or(WebError::NotFound)?) };
    let rows = app
        .store
        .run(move |c| {
            let scope = area.map_or(Scope::All, |a| Scope::Area(a.slug));
            items::latest(c, scope, FEED_ITEMS, At::now())
        })
        .await?;
    let origin = super::public::origin(&headers);
    let office = &app.settings().office;
    let title = match area {
        Some(a) => format!("{} — {}", a.name_th, office.name_th),
        None => office.name_th.clone(),
    };
    let updated = rows.iter().map(|r| r.published_at).max().unwrap_or(0);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"th\">\n\
         <title>{}</title>\n<id>{origin}/feeds/{slug}.xml</id>\n<link rel=\"self\" href=\"{origin}/feeds/{slug}.xml\"/>\n\
         <link href=\"{origin}{}\"/>\n<updated>{}</updated>\n<author><name>{}</name></author>\n",
        xml_escape(&title),
        area.map_or("/".to_owned(), paths::area),
        rfc3339(updated),
        xml_escape(&office.name_th),
    );
    for r in &rows {
        let url = format!("{origin}{}", paths::item(r.id));
        xml.push_str(&format!(
            "<entry><title>{}</title><id>{url}</id><link href=\"{url}\"/><published>{published}</published>\
             <updated>{published}</updated><summary>{} ({})</summary></entry>\n",
            xml_escape(&r.title),
            xml_escape(&r.summary),
            jiff::Timestamp::from_second(r.published_at)
                .map(|t| format!("เผยแพร่ {}", crate::thai::datetime_long(t, app.settings().display.digits)))
                .unwrap_or_default(),
            published = rfc3339(r.published_at),
        ));
    }
    xml.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_text_is_always_valid_xml() {
        assert_eq!(xml_escape("a\u{0}b\u{b}c\u{1f}<&>\"'\u{ffff}"), "ab\nc&lt;&amp;&gt;&quot;&apos;");
        assert_eq!(xml_escape("ประกาศ\tวันที่"), "ประกาศ\tวันที่");
    }
}
