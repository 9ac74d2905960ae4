//! Request-rate limits per client address, for what costs the server most or invites abuse:
//! search and login attempts (public forms join them as they arrive). Over the limit the
//! answer is 429 with a Thai page and `Retry-After`.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::WebError;

/// What is limited.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `/search`.
    Search,
    /// Login form posts.
    Login,
    /// Posts of the anonymous public forms (e-Services, survey).
    Form,
}

/// One keyed limiter per kind.
pub struct Limits {
    search: DefaultKeyedRateLimiter<IpAddr>,
    login: DefaultKeyedRateLimiter<IpAddr>,
    form: DefaultKeyedRateLimiter<IpAddr>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).expect("non-zero quota"))
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            search: RateLimiter::keyed(per_minute(30)),
            login: RateLimiter::keyed(per_minute(20)),
            // A person fills a form in minutes; ten a minute stops floods, not people.
            form: RateLimiter::keyed(per_minute(10)),
        }
    }
}

impl Limits {
    /// Counts one request of `kind` from `ip`, or refuses it with how long to wait.
    pub fn check(&self, kind: Kind, ip: IpAddr) -> Result<(), WebError> {
        let limiter = match kind {
            Kind::Search => &self.search,
            Kind::Login => &self.login,
            Kind::Form => &self.form,
        };
        limiter.check_key(&ip).map_err(|not_until| {
            let wait: Duration = not_until.wait_time_from(DefaultClock::default().now());
            WebError::TooManyRequests(wait.max(Duration::from_secs(1)))
        })
    }

    /// Forgets addresses that have been quiet long enough to have a full allowance again.
    pub fn forget_quiet(&self) {
        self.search.retain_recent();
        self.login.retain_recent();
        self.form.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_allowance() {
        let limits = Limits::default();
        let a: IpAddr = "192.168.1.10".parse().unwrap();
        let b: IpAddr = "192.168.1.11".parse().unwrap();
        for _ in 0..30 {
            limits.check(Kind::Search, a).unwrap();
        }
        assert!(matches!(limits.check(Kind::Search, a), Err(WebError::TooManyRequests(_))));
        assert!(limits.check(Kind::Search, b).is_ok());
        assert!(limits.check(Kind::Login, a).is_ok(), "kinds are counted apart");
    }
}
