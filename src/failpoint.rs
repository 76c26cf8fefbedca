//! Failure points for crash tests: `BRANDGUARD_FAILPOINT=NAME` (or `NAME:N`, the
//! N-th time it is reached) makes a debug build abort right there, as a power cut
//! or `kill -9` would, so each window between two writes can be hit on purpose.
//! Release builds compile every point to nothing.

/// Aborts the process if `BRANDGUARD_FAILPOINT` names this point (debug builds).
#[inline]
pub fn hit(name: &str) {
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicU64, Ordering};
        static HITS: AtomicU64 = AtomicU64::new(0);
        let Ok(want) = std::env::var("BRANDGUARD_FAILPOINT") else {
            return;
        };
        let (point, nth) = match want.split_once(':') {
            Some((p, n)) => (p.to_string(), n.parse().unwrap_or(1)),
            None => (want, 1),
        };
        if point == name && HITS.fetch_add(1, Ordering::SeqCst) + 1 == nth {
            eprintln!("failpoint {name} reached: aborting");
            std::process::abort();
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}
