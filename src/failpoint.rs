//! Failure points for crash tests: `BRANDGUARD_FAILPOINT=NAME` (or `NAME:N`, the
//! N-th time it is reached) makes a debug build abort right there, as a power cut
//! or `kill -9` would, so each window between two writes can be hit on purpose; a
//! [`disk_full`] point instead fails its write as a full disk does.
//! Release builds compile every point to nothing.

/// Aborts the process if `BRANDGUARD_FAILPOINT` names this point (debug builds).
#[inline]
pub fn hit(name: &str) {
    if reached(name) {
        eprintln!("failpoint {name} reached: aborting");
        std::process::abort();
    }
}

/// "No space left on device" if `BRANDGUARD_FAILPOINT` names this point (debug
/// builds): the disk filling up right at this write. The write that was cut
/// short is the caller's to imitate (a part of its bytes written).
#[inline]
pub fn disk_full(name: &str) -> Option<std::io::Error> {
    reached(name).then(|| std::io::Error::from_raw_os_error(libc::ENOSPC))
}

/// Whether `BRANDGUARD_FAILPOINT` names this point and this is its N-th time.
#[inline]
fn reached(name: &str) -> bool {
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicU64, Ordering};
        static HITS: AtomicU64 = AtomicU64::new(0);
        let Ok(want) = std::env::var("BRANDGUARD_FAILPOINT") else {
            return false;
        };
        let (point, nth) = match want.split_once(':') {
            Some((p, n)) => (p.to_string(), n.parse().unwrap_or(1)),
            None => (want, 1),
        };
        point == name && HITS.fetch_add(1, Ordering::SeqCst) + 1 == nth
    }
    #[cfg(not(debug_assertions))]
    {
        let _ = name;
        false
    }
}
