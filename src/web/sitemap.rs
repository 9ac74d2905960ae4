//! The two sitemaps: `/sitemap` for people (every area, sub-area, service and policy as links)
//! and `/sitemap.xml` for search engines (the same pages and every visible item, each with its
//! `lastmod`).

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};

use super::{Shared, WebError};
use crate::categories::{self, Place};
use crate::paths;
use crate::store::items::{self, At, Scope};
use crate::views;

/// `GET /sitemap`: the human sitemap.
pub async fn page(State(app): State<Shared>) -> Result<Response, WebError> {
    let chrome = app.chrome(None).await?;
    Ok(Html(views::sitemap::page(&chrome).into_string()).into_response())
}

/// `GET /sitemap.xml`: the home page, every area and sub-category, the fixed public pages (the
/// ITA/MOIT index among them), the policies and every visible item, each with a `lastmod`.
///
/// An item's `lastmod` is its publication time; an area's or sub-area's the newest of its
/// items; a fixed page's the newest change of public content; a policy's its last edit (or, never
/// edited, the newest change of public content).
///
/// Sitemaps need absolute URLs; the host is the one the visitor used, so the same file is right
/// on the LAN address and on the public name.
pub async fn xml(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, WebError> {
    let origin = super::public::origin(&headers);
    let (rows, policies) = app
        .store
        .run(|c| {
            let rows = items::latest(c, Scope::All, 50_000, At::now())?;
            let mut policies = HashMap::new();
            for p in views::policies::PAGES {
                if let Some((_, at)) = crate::store::pages::get(c, p.slug)? {
                    policies.insert(p.slug, at);
                }
            }
            Ok((rows, policies))
        })
        .await?;
    // The newest publication per `area/sub` key and per area.
    let mut newest: HashMap<&str, i64> = HashMap::new();
    for row in &rows {
        let area = row.category.split('/').next().unwrap_or_default();
        for key in [row.category.as_str(), area] {
            let at = newest.entry(key).or_insert(row.published_at);
            *at = (*at).max(row.published_at);
        }
    }
    let site = rows.iter().map(|r| r.published_at).max().unwrap_or_else(|| crate::thai::now().as_second());
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut push = |path: &str, at: i64| {
        let lastmod = jiff::Timestamp::from_second(at).map(crate::thai::rfc3339_bangkok).unwrap_or_default();
        xml.push_str(&format!("<url><loc>{origin}{path}</loc><lastmod>{lastmod}</lastmod></url>\n"));
    };
    for path in paths::FIXED_PUBLIC_PAGES {
        push(path, site);
    }
    push(paths::SITEMAP_PAGE, site);
    for area in categories::AREAS {
        push(&paths::area(area), newest.get(area.slug).copied().unwrap_or(site));
        for sub in area.subs {
            let place = Place { area, sub };
            push(&paths::place(place), newest.get(place.key().as_str()).copied().unwrap_or(site));
        }
    }
    for policy in views::policies::PAGES {
        push(&paths::policy(policy.slug), policies.get(policy.slug).copied().unwrap_or(site));
    }
    for row in &rows {
        push(&paths::item(row.id), row.published_at);
    }
    xml.push_str("</urlset>\n");
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response())
}
