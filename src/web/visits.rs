//! Cookieless visit counting (seed 1.10).
//!
//! A visitor is the SHA-256 of address, browser (User-Agent) and a random salt that lives in
//! memory for one Bangkok day and is then replaced: the same person is one visitor for the
//! day, and nothing can link them across days or be recomputed from stored data. The hashes
//! stay in memory only; counts are written every [`FLUSH_EVERY`] in one transaction. A
//! [`Visit`] is taken and counted by the [frame](super::frame) around every request, outside
//! the page cache, so cached pages are counted too; it only adds a few hash-map updates to a
//! request. Clients that say they are bots are not counted.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use sha2::{Digest as _, Sha256};

use crate::store::visits::Batch;

/// How often counts are written to the database.
pub const FLUSH_EVERY: Duration = Duration::from_secs(30);

/// What a request counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// A public page.
    Page,
    /// A public item page (also a page view).
    Item(i64),
    /// An attachment download.
    Download(i64),
}

/// What a successful GET of `path` counts as, if anything: public pages, items and downloads;
/// never assets, staff or admin pages, feeds or machine files.
pub fn classify(path: &str) -> Option<Hit> {
    if let Some(rest) = path.strip_prefix("/items/") {
        // A photo's own page (`/items/N/photos/K`) is a page view.
        return rest.parse().ok().map(Hit::Item).or_else(|| rest.contains("/photos/").then_some(Hit::Page));
    }
    if let Some(rest) = path.strip_prefix("/files/") {
        // `/files/N/WIDTH/name.jpg` is a photo's copy shown inside a page, not a download.
        if rest.split('/').count() > 2 {
            return None;
        }
        return rest.split('/').next().and_then(|id| id.parse().ok()).map(Hit::Download);
    }
    let excluded = ["/assets/", "/healthz", "/feeds/"];
    if crate::paths::is_private(path)
        || excluded.iter().any(|p| path.starts_with(p))
        || path == "/logo"
        || path.ends_with(".xml")
        || path.ends_with(".csv")
    {
        return None;
    }
    Some(Hit::Page)
}

/// Whether a User-Agent says it is a robot (or says nothing at all).
pub fn is_bot(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    ua.trim().is_empty()
        || [
            "bot",
            "crawl",
            "spider",
            "slurp",
            "curl",
            "wget",
            "python-",
            "go-http",
            "java/",
            "httpclient",
            "facebookexternalhit",
            "preview",
            "monitor",
            "headless",
            "lighthouse",
            "axios",
            "ureq",
        ]
        .iter()
        .any(|word| ua.contains(word))
}

/// Views today, this month and in all.
type Totals = (u64, u64, u64);

struct Today {
    day: String,
    salt: [u8; 32],
    seen: HashSet<[u8; 16]>,
}

/// Counts since the last flush, and today's visitors.
pub struct Visits {
    today: Mutex<Today>,
    pending: Mutex<Batch>,
    /// Stored totals (today, month, all) read at the last flush, for the footer counter.
    stored: Mutex<Option<(String, Totals)>>,
}

impl Default for Visits {
    fn default() -> Self {
        Visits {
            today: Mutex::new(Today { day: String::new(), salt: rand::random(), seen: HashSet::new() }),
            pending: Mutex::new(Batch::default()),
            stored: Mutex::new(None),
        }
    }
}

impl Visits {
    /// Counts one hit on Bangkok `day` from the visitor identified by `address` and
    /// `user_agent`.
    pub fn count(&self, day: &str, address: &str, user_agent: &str, hit: Hit) {
        let new_visitor = {
            let mut today = self.today.lock().expect("lock poisoned");
            if today.day != day {
                // A new day: a new salt, and yesterday's visitors forgotten.
                *today = Today { day: day.to_owned(), salt: rand::random(), seen: HashSet::new() };
            }
            let mut h = Sha256::new();
            h.update(today.salt);
            h.update(address.as_bytes());
            h.update([0]);
            h.update(user_agent.as_bytes());
            let digest: [u8; 16] = h.finalize()[..16].try_into().expect("16 bytes");
            today.seen.insert(digest)
        };
        let mut pending = self.pending.lock().expect("lock poisoned");
        match hit {
            Hit::Download(id) => *pending.downloads.entry(id).or_default() += 1,
            Hit::Page | Hit::Item(_) => {
                let entry = pending.days.entry(day.to_owned()).or_default();
                entry.0 += 1;
                entry.1 += u64::from(new_visitor);
                if let Hit::Item(id) = hit {
                    *pending.reads.entry(id).or_default() += 1;
                }
            }
        }
    }

    /// Takes what was counted since the last flush.
    pub fn take(&self) -> Batch {
        std::mem::take(&mut *self.pending.lock().expect("lock poisoned"))
    }

    /// Puts a batch back after a failed write, so nothing is lost.
    pub fn put_back(&self, batch: Batch) {
        let mut pending = self.pending.lock().expect("lock poisoned");
        for (d, (v, u)) in batch.days {
            let e = pending.days.entry(d).or_default();
            e.0 += v;
            e.1 += u;
        }
        for (id, n) in batch.reads {
            *pending.reads.entry(id).or_default() += n;
        }
        for (id, n) in batch.downloads {
            *pending.downloads.entry(id).or_default() += n;
        }
    }

    /// The footer counter for `today`: views today, this month and in all, stored plus
    /// pending.
    pub fn counter(&self, today: &str) -> Option<(u64, u64, u64)> {
        let stored = self.stored.lock().expect("lock poisoned").clone();
        let (day, (d, m, t)) = stored?;
        let (d, m) = if day == today {
            (d, m)
        } else if day[..7] == today[..7] {
            (0, m)
        } else {
            (0, 0)
        };
        let pending = self.pending.lock().expect("lock poisoned");
        let (mut pd, mut pm, mut pt) = (d, m, t);
        for (day, (views, _)) in &pending.days {
            pt += views;
            if day == today {
                pd += views;
            }
            if day.get(..7) == today.get(..7) {
                pm += views;
            }
        }
        Some((pd, pm, pt))
    }

    /// Writes pending counts in one transaction and refreshes the stored totals.
    pub async fn flush(&self, store: &crate::store::Store) {
        let batch = self.take();
        let today = crate::thai::today().to_string();
        let write = batch.clone();
        let day = today.clone();
        let result = store
            .run(move |c| {
                if !write.is_empty() {
                    crate::store::visits::flush(c, &write)?;
                }
                crate::store::visits::totals(c, &day)
            })
            .await;
        match result {
            Ok(totals) => *self.stored.lock().expect("lock poisoned") = Some((today, totals)),
            Err(e) => {
                tracing::error!(error = %e, "writing visit counts failed");
                self.put_back(batch);
            }
        }
    }
}

/// A request that may count as a visit, taken before it is served (see [`Visit::end`]).
pub struct Visit {
    hit: Hit,
    address: IpAddr,
    user_agent: String,
}

impl Visit {
    /// A GET of a public page or a download from `client` (decided by the access rules, as
    /// the access check does) by a browser that does not say it is a robot.
    pub fn begin(request: &Request, client: IpAddr) -> Option<Visit> {
        if request.method() != Method::GET {
            return None;
        }
        let hit = classify(request.uri().path())?;
        let user_agent =
            request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
        if is_bot(user_agent) {
            return None;
        }
        Some(Visit { hit, address: client, user_agent: user_agent.to_owned() })
    }

    /// Counts it if it was answered with `status`: a page the browser already had (304 to its
    /// If-None-Match) is still a view; a download only when the file is sent. Cached answers
    /// count too.
    pub fn end(self, visits: &Visits, status: StatusCode) {
        let viewed = status == StatusCode::OK
            || (status == StatusCode::NOT_MODIFIED && !matches!(self.hit, Hit::Download(_)));
        if viewed {
            visits.count(
                &crate::thai::today().to_string(),
                &self.address.to_string(),
                &self.user_agent,
                self.hit,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    #[test]
    fn pages_items_and_downloads_are_told_apart() {
        assert_eq!(classify("/"), Some(Hit::Page));
        assert_eq!(classify("/items/42"), Some(Hit::Item(42)));
        assert_eq!(classify("/files/7/a.pdf"), Some(Hit::Download(7)));
        assert_eq!(classify("/files/7/320/a.jpg"), None);
        assert_eq!(classify("/items/7/photos/2"), Some(Hit::Page));
        for path in
            ["/assets/style.css", "/logo", "/staff", "/admin/stats", "/sitemap.xml", "/items/x", "/healthz"]
        {
            assert_eq!(classify(path), None, "{path}");
        }
    }

    #[test]
    fn bots_that_say_so_are_not_visitors() {
        assert!(is_bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
        assert!(is_bot("curl/8.5.0"));
        assert!(is_bot(""));
        assert!(!is_bot(FIREFOX));
    }

    #[test]
    fn visitors_are_unique_per_day_and_views_add_up() {
        let v = Visits::default();
        v.count("2026-06-01", "203.0.113.5", FIREFOX, Hit::Page);
        v.count("2026-06-01", "203.0.113.5", FIREFOX, Hit::Item(3));
        v.count("2026-06-01", "203.0.113.6", FIREFOX, Hit::Page);
        v.count("2026-06-01", "203.0.113.6", FIREFOX, Hit::Download(9));
        v.count("2026-06-02", "203.0.113.5", FIREFOX, Hit::Page);
        let batch = v.take();
        assert_eq!(batch.days["2026-06-01"], (3, 2));
        assert_eq!(batch.days["2026-06-02"], (1, 1), "a new day, a new salt: counted again");
        assert_eq!(batch.reads[&3], 1);
        assert_eq!(batch.downloads[&9], 1);
        assert!(v.take().is_empty());
        v.put_back(batch.clone());
        assert_eq!(v.take(), batch);
    }
}
