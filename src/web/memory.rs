//! Handing memory back to the system after a burst of requests.
//!
//! glibc's allocator keeps freed memory in its arenas (one per thread that allocated, up to
//! eight per core) and returns it only from the top of the main heap. After a load burst the
//! process stays at its peak size although nothing uses it. Every [`TRIM_EVERY`] the stale
//! cached pages are dropped and `malloc_trim` returns the free pages of every arena; fewer
//! arenas (see [`limit_arenas`]) leave less to fragment in the first place.

use std::time::Duration;

/// malloc arenas for the whole process (glibc's default is eight per core).
pub const ARENAS: i32 = 2;

/// How often unused memory is handed back.
pub const TRIM_EVERY: Duration = Duration::from_secs(15);

/// Returns free heap memory to the system (glibc `malloc_trim`); a no-op elsewhere.
pub async fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // It walks every arena under its lock: a few milliseconds, off the async threads.
        // SAFETY: malloc_trim only reorganises the allocator's free lists.
        let _ = tokio::task::spawn_blocking(|| unsafe { libc::malloc_trim(0) }).await;
    }
}

/// At most `n` malloc arenas (glibc `M_ARENA_MAX`); call before the runtime starts its threads.
/// `MALLOC_ARENA_MAX` in the environment, when set, wins.
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
