//! Who is acting, for every record that names a person: cases, exports, anchors.
//! Its own module because both the evidence store (what it exports names the
//! operator) and the cases (who filed) need it, and neither may import the other.

/// Who is acting: `--by`, else `BRANDGUARD_ACTOR`, else the login name (`USER`,
/// `LOGNAME`), else the account the process runs as (cron, systemd and containers
/// set no `USER`), else the systemd unit; never "unknown": a record of who filed a
/// complaint must name someone.
pub fn actor(by: Option<&str>) -> String {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    by.map(str::to_string)
        .filter(|b| !b.trim().is_empty())
        .or_else(|| env("BRANDGUARD_ACTOR"))
        .or_else(|| env("USER"))
        .or_else(|| env("LOGNAME"))
        .or_else(account_name)
        .or_else(|| env("INVOCATION_ID").map(|_| "systemd service".to_string()))
        .unwrap_or_else(|| {
            // SAFETY: getuid has no preconditions and cannot fail.
            format!("uid {}", unsafe { libc::getuid() })
        })
}

/// The name of the account this process runs as, from the password database.
fn account_name() -> Option<String> {
    // SAFETY: getpwuid returns a pointer into static storage or null; it is read
    // at once, before any other call could overwrite it, and copied out.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr((*pw).pw_name)
            .to_str()
            .ok()
            .map(str::to_string)
            .filter(|n| !n.is_empty())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_actor_is_always_someone() {
        assert_eq!(super::actor(Some("j.doe")), "j.doe");
        // Whatever the environment, never "unknown": the account name at worst.
        let a = super::actor(None);
        assert!(!a.is_empty() && a != "unknown", "{a}");
        assert!(super::account_name().is_some());
    }
}
