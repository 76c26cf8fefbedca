//! What a failed command prints, and the exit code it ends with.
//!
//! The operator reading this is usually a scheduler's log the morning after, so
//! every cause is said once, and a cause the operator can mend (a full disk, a
//! store held by the desk) comes with what to do.

use brandguard::evidence::EvidenceError;

use super::exit;

/// Prints `e` (and advice, where there is some) to stderr; the exit code.
pub fn report(e: &anyhow::Error) -> u8 {
    eprintln!("error: {}", text(e));
    if let Some(advice) = advice(e) {
        eprintln!("{advice}");
    }
    match e.downcast_ref::<EvidenceError>() {
        Some(EvidenceError::NotAStore { .. }) => exit::NO_STORE,
        _ => exit::ERROR,
    }
}

/// The error and its causes on one line, each said once: a wrapper whose own
/// text already ends with its cause's (`evidence store: {0}` over an I/O error,
/// as `thiserror`'s `#[from]` makes them) does not get the cause again.
pub(super) fn text(e: &anyhow::Error) -> String {
    brandguard::scan::night::error_text(e.as_ref())
}

/// What the operator can do about `e`, if it is a cause they can mend.
fn advice(e: &anyhow::Error) -> Option<String> {
    // A review desk holds the store: say where the same work is done.
    if let Some(EvidenceError::Locked { path }) = e.downcast_ref::<EvidenceError>()
        && let Some(desk) = brandguard::desk::Advert::read(path)
    {
        return Some(format!(
            "the review desk at {} (pid {}) holds it: do this there (its Cases, Scans and Distributors pages), or stop the desk",
            desk.url, desk.pid
        ));
    }
    if disk_full(e) {
        // Checked by filling a 12 MB tmpfs mid-scan: verify OK (a torn record at the
        // pack's end noted), and the next scan resumed and finished.
        return Some(
            "the disk is full: free space and run the command again. What the evidence store acknowledged is kept (`brandguard evidence verify` checks it), and a scan resumes where this one stopped"
                .to_string(),
        );
    }
    None
}

/// Whether any cause is "no space left" (ENOSPC, or a disk quota). The store's
/// errors give their I/O or sled error as their source, so the chain holds it;
/// sled gives none for the I/O error it wraps, so that one is looked into.
fn disk_full(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().or_else(|| {
            match cause.downcast_ref::<sled::Error>() {
                Some(sled::Error::Io(io)) => Some(io),
                _ => None,
            }
        });
        io.is_some_and(|io| {
            matches!(
                io.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_space() -> std::io::Error {
        std::io::Error::from_raw_os_error(28)
    }

    #[test]
    fn a_cause_is_said_once() {
        let e = anyhow::Error::from(EvidenceError::Io(no_space()));
        assert_eq!(
            text(&e),
            "evidence store: No space left on device (os error 28)"
        );
        let e = e.context("scan");
        assert_eq!(
            text(&e),
            "scan: evidence store: No space left on device (os error 28)"
        );
    }

    #[test]
    fn a_full_disk_is_named_with_what_to_do_wherever_it_is_wrapped() {
        for e in [
            anyhow::Error::from(EvidenceError::Io(no_space())),
            anyhow::Error::from(EvidenceError::Db(sled::Error::Io(no_space()))),
            anyhow::Error::from(no_space()).context("writing the summary"),
        ] {
            let advice = advice(&e).unwrap_or_default();
            assert!(advice.starts_with("the disk is full"), "{e:#}: {advice}");
        }
        let other = anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert_eq!(advice(&other), None);
        assert_eq!(report(&other), exit::ERROR);
    }
}
