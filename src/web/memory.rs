//! Handing memory back to the system after a burst of requests.
//!
//! glibc's allocator keeps freed memory in its arenas (one per thread that allocated, up to
//! eight per core) and returns it only from the top of the main heap. After a load burst the
//! process stays at its peak size although nothing uses it. Every [`TRIM_EVERY`] the stale
//! cached pages are dropped; when few requests came in that time, SQLite's idle connection shrinks its page cache and
//! `malloc_trim` returns the free pages of every arena. Fewer arenas
//! (see [`limit_arenas`]) leave less to fragment in the first place, and the connection pool
//! closes the connections a burst opened (see `store::Store::open`).
//!
//! Measured with the static release binary, 10 000 items, four 8 s wrk bursts of 50
//! connections: see the report in `tests/bench.sh` ("RSS after the load").

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Requests seen so far, to tell a quiet moment from a busy one.
static REQUESTS: AtomicU64 = AtomicU64::new(0);

/// Counts a request (called by a middleware; a relaxed increment).
pub fn note_request() {
    REQUESTS.fetch_add(1, Ordering::Relaxed);
}

/// Fewer requests than this in [`TRIM_EVERY`] (two a second) is a quiet moment: a site
/// visited now and then, or by a crawler, still gives its memory back.
const QUIET_REQUESTS: u64 = 10;

/// Tells a quiet moment from a busy one.
#[derive(Default)]
pub struct Quiet {
    last: u64,
}

impl Quiet {
    /// True when fewer than [`QUIET_REQUESTS`] arrived since the previous call.
    pub fn now(&mut self) -> bool {
        let seen = REQUESTS.load(Ordering::Relaxed);
        let quiet = seen.saturating_sub(self.last) < QUIET_REQUESTS;
        self.last = seen;
        quiet
    }
}

/// malloc arenas for the whole process (glibc's default is eight per core).
pub const ARENAS: i32 = 2;

/// How often unused memory is handed back: as often as the scheduler's tick
/// ([`crate::appliance::scheduler::TICK`]), so that what its jobs bring back in (code pages,
/// heap) is handed back before the next tick instead of piling up over three.
pub const TRIM_EVERY: Duration = Duration::from_secs(5);

/// Returns free heap memory to the system (glibc `malloc_trim`) and lets go of the program's
/// code pages (see [`release_code_pages`]); for quiet moments.
pub async fn give_back() {
    // Both walk memory under locks: a few milliseconds, off the async threads. The heap is
    // trimmed last, so that nothing allocated on the way stays behind.
    let _ = tokio::task::spawn_blocking(|| {
        release_code_pages();
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only reorganises the allocator's free lists.
        unsafe {
            libc::malloc_trim(0);
        }
    })
    .await;
}

/// Unmaps the pages of the program's own code and read-only data from this process.
///
/// The static binary is 14 MB, and after start and every burst most of its code is mapped
/// (the kernel maps neighbouring pages of each one touched): about 8 of the 15 MB of RSS of an
/// idle server. Those pages are clean copies of the file, so dropping the mapping
/// (`MADV_DONTNEED`) loses nothing: they stay in the page cache, and the next request maps
/// the few it needs again (minor faults, no disk read unless the system reclaimed them). Only
/// mappings of the executable that are not writable and hold no private (written) page are
/// touched: a relocated read-only segment of a dynamically linked build keeps its pages.
///
/// The mappings are found once, in `/proc/self/smaps` (a few hundred kB of text: reading it
/// each time would grow the heap that is being handed back); the program's own mappings do not
/// change while it runs, and code is never written to.
pub fn release_code_pages() {
    #[cfg(target_os = "linux")]
    {
        static MAPPINGS: std::sync::OnceLock<Vec<(usize, usize)>> = std::sync::OnceLock::new();
        let mappings = MAPPINGS.get_or_init(|| {
            match (std::fs::read_link("/proc/self/exe"), std::fs::read_to_string("/proc/self/smaps")) {
                (Ok(exe), Ok(smaps)) => clean_read_only_mappings(&smaps, &exe.to_string_lossy()),
                _ => Vec::new(),
            }
        });
        for &(start, end) in mappings {
            // SAFETY: the range is a whole mapping of the executable's file that is not writable
            // and has no private page: its contents are the file's, and come back on access.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
            }
        }
    }
}

/// The address ranges in `/proc/self/smaps` text of `exe` mapped read-only (r-xp, r--p) with no
/// anonymous (copied-on-write) page.
fn clean_read_only_mappings(smaps: &str, exe: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    for line in smaps.lines() {
        let mut fields = line.splitn(6, ' ');
        let first = fields.next().unwrap_or("");
        if let Some((start, end)) = first.split_once('-')
            && let (Ok(start), Ok(end)) = (usize::from_str_radix(start, 16), usize::from_str_radix(end, 16))
        {
            let perms = fields.next().unwrap_or("");
            let path = fields.nth(3).unwrap_or("").trim();
            let read_only = matches!(perms, "r-xp" | "r--p");
            current = (read_only && path == exe).then_some((start, end));
        } else if let Some(range) = current
            && let Some(kb) = line.strip_prefix("Anonymous:")
        {
            if kb.trim() == "0 kB" {
                found.push(range);
            }
            current = None;
        }
    }
    found
}

/// At most `n` malloc arenas (glibc `M_ARENA_MAX`); call before the runtime starts its threads.
/// `MALLOC_ARENA_MAX` in the environment, when set, wins. (A fixed mmap threshold was tried as
/// well: memory after a burst was the same in `tests/bench.sh`, so it is not set.)
pub fn limit_arenas(n: i32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, n);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = n;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_clean_read_only_mappings_of_the_program() {
        let smaps = "\
00200000-00716000 r--p 00000000 08:01 42                         /opt/prakat/prakat
Rss:                1920 kB
Anonymous:             0 kB
00716000-00f6f000 r-xp 00515000 08:01 42                         /opt/prakat/prakat
Anonymous:             0 kB
00f6f000-00f76000 r--p 00d6d000 08:01 42                         /opt/prakat/prakat
Anonymous:             8 kB
00f76000-00f86000 rw-p 00d73000 08:01 42                         /opt/prakat/prakat
Anonymous:             0 kB
7fea98000000-7fea98231000 rw-p 00000000 00:00 0 
Anonymous:          2244 kB
7feaa0000000-7feaa0010000 r-xp 00000000 08:01 77                         /usr/lib/libc.so.6
Anonymous:             0 kB
";
        assert_eq!(
            clean_read_only_mappings(smaps, "/opt/prakat/prakat"),
            [(0x200000, 0x716000), (0x716000, 0xf6f000)]
        );
    }

    #[test]
    fn releasing_code_pages_keeps_the_program_running() {
        release_code_pages();
        // Code and constants come back on use.
        assert_eq!(format!("{}", 6 * 7), "42");
        assert!(clean_read_only_mappings("", "/x").is_empty());
    }
}
