//! What the nightly job does after a scan, whoever started it (`brandguard scan`,
//! `evidence merge --announce`, the review desk): time-stamp the evidence log,
//! write findings.csv and announce what is new. None of these ever fails the
//! night: a failure is logged and recorded in the summary.

use std::path::Path;

use crate::config::Config;
use crate::evidence::Store;
use crate::summary::{ScanSummary, TimestampOutcome};

/// Time-stamps the store's log head at `tsa` (see `evidence anchor`).
pub async fn timestamp(store: &Store, tsa: &str) -> TimestampOutcome {
    let mut out = TimestampOutcome {
        tsa: tsa.to_string(),
        anchored_through: None,
        gen_time: None,
        error: None,
    };
    let client = match reqwest::Client::builder().user_agent(crate::TOOL).build() {
        Ok(c) => c,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    match store.anchor(&client, tsa).await {
        Ok(Some(a)) => {
            tracing::info!(head_seq = a.head_seq, gen_time = %a.gen_time, tsa, "evidence log time-stamped");
            out.anchored_through = Some(a.head_seq);
            out.gen_time = Some(a.gen_time);
        }
        Ok(None) => {}
        Err(e) => {
            tracing::warn!(tsa, error = %e, "no time-stamp tonight");
            out.error = Some(e.to_string());
        }
    }
    out
}

/// Writes every finding to `findings_csv` (what the announcement points at) and
/// announces what scan `s` found new; the deliveries are kept in `s`. Returns the
/// file written, if it was.
pub async fn announce(
    config: &Config,
    store: &Store,
    s: &mut ScanSummary,
    findings_csv: &Path,
) -> Option<String> {
    let findings_file = match crate::report::write_findings_csv(store, findings_csv) {
        Ok(_) => Some(findings_csv.display().to_string()),
        Err(e) => {
            tracing::error!(error = %e, path = %findings_csv.display(), "cannot write findings.csv");
            None
        }
    };
    match crate::notify::Announcement::of(&config.brand.name, store, s) {
        Ok(mut a) => {
            a.findings_file = findings_file.clone();
            s.notifications = crate::notify::announce(&config.brand.notify, &a).await;
        }
        Err(e) => tracing::error!(error = %e, "cannot build the announcement"),
    }
    findings_file
}
