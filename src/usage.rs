//! What a run cost the machine: CPU seconds and peak resident memory, read from the
//! kernel (`getrusage`), so run summaries and benchmarks quote the same figures
//! without an external `time` command.

use serde::Serialize;

/// CPU time and peak memory of this process so far.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Usage {
    /// User plus system CPU seconds, over all threads.
    pub cpu_secs: f64,
    /// Peak resident set size, in MiB.
    pub peak_rss_mib: f64,
    /// CPU seconds of the child processes that have ended and been waited for:
    /// the browser of rendered captures and every process it started (not in
    /// `cpu_secs`; a scan's summary is taken after its browser is closed).
    #[serde(default)]
    pub children_cpu_secs: f64,
    /// The largest peak resident set of one such child process, in MiB (0 when
    /// unknown: no larger than one the process inherited, see [`mark_start`]).
    #[serde(default)]
    pub children_peak_rss_mib: f64,
}

/// The finished children's counters this process started with (see [`mark_start`]).
static INHERITED: std::sync::OnceLock<(f64, f64)> = std::sync::OnceLock::new();

/// Notes the finished children's CPU and peak memory this process inherited, to be
/// left out of [`Usage::children_cpu_secs`]: a process started by `execve` from
/// another (as `cargo run` starts brandguard) keeps that process's counters, so
/// the compiler's processes would be reported as the browser's (378 CPU s and a
/// 1,577 MiB "browser" after a build). Called first thing by the binary.
pub fn mark_start() {
    let _ = INHERITED.set(rusage(libc::RUSAGE_CHILDREN).unwrap_or_default());
}

/// Children's CPU and largest peak since `inherited`: the CPU is the difference;
/// the kernel keeps only the largest peak of all children ever, so a peak no larger
/// than the inherited one says nothing of ours (0: unknown).
fn since(inherited: (f64, f64), now: (f64, f64)) -> (f64, f64) {
    let cpu = (now.0 - inherited.0).max(0.0);
    let peak = if now.1 > inherited.1 { now.1 } else { 0.0 };
    (cpu, peak)
}

impl Usage {
    /// This process's usage so far (zeros where the platform cannot tell).
    pub fn now() -> Usage {
        let Some((cpu_secs, peak_rss_mib)) = rusage(libc::RUSAGE_SELF) else {
            return Usage::default();
        };
        let (children_cpu_secs, children_peak_rss_mib) = since(
            INHERITED.get().copied().unwrap_or_default(),
            rusage(libc::RUSAGE_CHILDREN).unwrap_or_default(),
        );
        Usage {
            cpu_secs,
            peak_rss_mib,
            children_cpu_secs,
            children_peak_rss_mib,
        }
    }
}

/// CPU seconds (user plus system) and peak resident MiB of `who`.
fn rusage(who: libc::c_int) -> Option<(f64, f64)> {
    // SAFETY: getrusage only writes into the struct we pass; a zeroed rusage is a
    // valid value of that plain C struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut ru) } != 0 {
        return None;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    // Linux reports ru_maxrss in KiB, macOS in bytes.
    let rss_bytes = if cfg!(target_os = "macos") {
        ru.ru_maxrss as f64
    } else {
        ru.ru_maxrss as f64 * 1024.0
    };
    Some((
        secs(ru.ru_utime) + secs(ru.ru_stime),
        rss_bytes / (1024.0 * 1024.0),
    ))
}

#[cfg(test)]
mod tests {
    use super::{Usage, since};

    #[test]
    fn inherited_children_are_left_out() {
        // A build's 378 CPU s and 1,577 MiB inherited; a browser of 10 s and 219 MiB.
        assert_eq!(since((378.0, 1577.0), (388.0, 1577.0)), (10.0, 0.0));
        // A browser larger than anything inherited is its own peak.
        assert_eq!(since((378.0, 100.0), (388.0, 219.0)), (10.0, 219.0));
        // Nothing inherited (the binary run directly).
        assert_eq!(since((0.0, 0.0), (9.7, 219.0)), (9.7, 219.0));
    }

    #[test]
    fn reports_some_cpu_and_memory() {
        // Burn a little CPU and hold some memory, then both figures are positive.
        let v: Vec<u64> = (0..2_000_000).collect();
        let sum: u64 = v.iter().sum();
        assert!(sum > 0);
        let u = Usage::now();
        assert!(u.cpu_secs > 0.0, "{u:?}");
        assert!(u.peak_rss_mib > 1.0, "{u:?}");
    }
}
