//! Login throttling: after a number of failures an account, and separately a source address,
//! must wait before trying again, and the wait doubles with each further failure. Addresses get
//! more tries than accounts, since several people may share one address behind a router.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures of one account allowed before it must wait.
pub const ACCOUNT_FREE_FAILURES: u32 = 5;
/// Failures from one address allowed before it must wait.
pub const ADDRESS_FREE_FAILURES: u32 = 20;
/// The first wait; each further failure doubles it.
const FIRST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait.
const MAX_WAIT: Duration = Duration::from_secs(3600);
/// Entries untouched this long are forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    until: Option<Instant>,
    last: Instant,
}

/// Failure counts by key (a user name, or an address).
#[derive(Debug)]
pub struct Throttle {
    free_failures: u32,
    records: Mutex<HashMap<String, Record>>,
}

impl Throttle {
    /// A throttle that lets `free_failures` failures pass before waits start.
    pub fn new(free_failures: u32) -> Throttle {
        Throttle { free_failures, records: Mutex::default() }
    }

    /// How long any of `keys` must still wait, if at all.
    pub fn wait(&self, keys: &[String]) -> Option<Duration> {
        let records = self.records.lock().expect("throttle lock");
        let now = Instant::now();
        keys.iter()
            .filter_map(|k| records.get(k)?.until)
            .filter_map(|until| until.checked_duration_since(now))
            .max()
    }

    /// Records a failure for each key; returns the wait imposed now, if this failure started
    /// or lengthened one (a lockout, for the audit trail).
    pub fn fail(&self, keys: &[String]) -> Option<Duration> {
        let mut records = self.records.lock().expect("throttle lock");
        let now = Instant::now();
        records.retain(|_, r| now.duration_since(r.last) < FORGET_AFTER);
        let mut imposed = None;
        for key in keys {
            let r = records.entry(key.clone()).or_insert(Record { failures: 0, until: None, last: now });
            r.failures += 1;
            r.last = now;
            if r.failures >= self.free_failures {
                let doublings = (r.failures - self.free_failures).min(16);
                let wait = FIRST_WAIT.saturating_mul(1 << doublings).min(MAX_WAIT);
                r.until = Some(now + wait);
                imposed = imposed.max(Some(wait));
            }
        }
        imposed
    }

    /// Forgets the failures of `keys` after a successful login.
    pub fn succeed(&self, keys: &[String]) {
        let mut records = self.records.lock().expect("throttle lock");
        for key in keys {
            records.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_the_free_failures_and_grow() {
        let t = Throttle::new(ACCOUNT_FREE_FAILURES);
        let keys = vec!["somchai".to_string()];
        for _ in 0..ACCOUNT_FREE_FAILURES - 1 {
            assert_eq!(t.fail(&keys), None);
        }
        assert!(t.wait(&keys).is_none());
        assert_eq!(t.fail(&keys), Some(Duration::from_secs(30)));
        assert!(t.wait(&keys).is_some());
        assert_eq!(t.fail(&keys), Some(Duration::from_secs(60)));
        assert!(t.wait(&["other".into()]).is_none(), "other accounts are not affected");
        t.succeed(&keys);
        assert!(t.wait(&keys).is_none());

        // An address gets more tries, then waits whatever account it tries.
        let addresses = Throttle::new(ADDRESS_FREE_FAILURES);
        let addr = vec!["192.168.1.9".to_string()];
        for _ in 0..ADDRESS_FREE_FAILURES {
            addresses.fail(&addr);
        }
        assert!(addresses.wait(&addr).is_some());
    }
}
