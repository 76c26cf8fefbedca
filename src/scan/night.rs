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

/// Writes the night's summary `s` to `path` (`last-scan.json`) all or nothing:
/// a full disk never leaves it cut. If it cannot be written, the summary there
/// before (last night's) is removed, so that nobody reads it as this night's.
pub fn write_summary(path: &Path, s: &impl serde::Serialize) -> Result<(), SummaryNotWritten> {
    let written = serde_json::to_string_pretty(s)
        .map_err(std::io::Error::other)
        .map_err(|source| crate::report::ReportError::Write {
            path: path.display().to_string(),
            source,
        })
        .and_then(|text| {
            crate::report::write_file_with(path, |w| {
                std::io::Write::write_all(w, (text + "\n").as_bytes())
            })
        });
    written.map_err(|error| {
        let removed_old = std::fs::remove_file(path).is_ok();
        tracing::error!(path = %path.display(), %error, removed_old, "cannot write a summary file");
        SummaryNotWritten { error, removed_old }
    })
}

/// Why a night's summary was not written, and whether the one there before was
/// removed.
#[derive(Debug, thiserror::Error)]
#[error("{}{error}", if *.removed_old { "the night's summary is not written, and the one there before was removed so that it is not read as this night's: " } else { "" })]
pub struct SummaryNotWritten {
    #[source]
    pub error: crate::report::ReportError,
    pub removed_old: bool,
}

/// The error and its causes on one line, each said once: a wrapper whose own text
/// already ends with its cause's (`evidence store: {0}` over an I/O error, as
/// `thiserror`'s `#[from]` makes them) does not get the cause again.
pub fn error_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = String::new();
    let mut next = Some(e);
    while let Some(cause) = next {
        let part = cause.to_string();
        if !out.ends_with(&part) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&part);
        }
        next = cause.source();
    }
    out
}

/// How the summary of a scan that stopped was kept.
#[derive(Debug)]
pub struct StoppedSummary {
    /// What the scan had done, `stopped` saying why; the announcement's
    /// deliveries in `notifications`.
    pub summary: ScanSummary,
    /// The error the scan stopped on (for the caller to report with its advice).
    pub cause: super::ScanError,
    /// Why the summary could not be written.
    pub not_written: Option<SummaryNotWritten>,
}

/// A scan that stopped before it finished (or before it began, `e` then being
/// why it did not): its summary, with what it had done and why it stopped,
/// written to `path` where the night's goes, so that neither a person nor a
/// scheduler reads the last night's as tonight's, and announced on the night's
/// channels (a shard's is not: the merge that ends the night announces, naming
/// a missing share). `started` and `shard` describe the scan for a summary made
/// here.
pub async fn stopped(
    config: &Config,
    store: &Store,
    started: chrono::DateTime<chrono::Utc>,
    shard: Option<crate::shard::ShardPlan>,
    e: super::ScanError,
    path: &Path,
) -> StoppedSummary {
    let (mut partial, cause) = match e {
        super::ScanError::Stopped { partial, source } => (*partial, *source),
        e => (
            ScanSummary {
                tool: crate::TOOL.to_string(),
                targets: config.dir.display().to_string(),
                store: store.path().display().to_string(),
                started_at: Some(started),
                finished_at: Some(chrono::Utc::now()),
                not_looked: config.marketplaces.iter().map(|m| m.name.clone()).collect(),
                usage: crate::usage::Usage::now(),
                shard,
                ..ScanSummary::default()
            },
            e,
        ),
    };
    partial.stopped = Some(error_text(&cause));
    // Written before the announcement, which may wait on a slow webhook (and the
    // process may be ended meanwhile), then again with its deliveries.
    let not_written = write_summary(path, &partial).err();
    if partial.shard.is_none() {
        let notice = crate::notify::Announcement::stopped(&config.brand.name, &partial);
        partial.notifications = crate::notify::announce(&config.brand.notify, &notice).await;
        if not_written.is_none()
            && let Err(e) = write_summary(path, &partial)
        {
            tracing::warn!(path = %path.display(), error = %e, "the stopped scan's summary was written without its announcement's deliveries");
        }
    }
    StoppedSummary {
        summary: partial,
        cause,
        not_written,
    }
}
