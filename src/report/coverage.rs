//! What each night looked at, per marketplace: the compliance report's coverage
//! table (`coverage.csv` and a section of report.html). A night a marketplace
//! blocked the crawler or could not be reached shows as such, so a quiet night is
//! never taken for a clean one.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use super::ReportError;
use crate::evidence::ScanRecord;
use crate::summary::MarketplaceStats;

/// One marketplace on one night.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub night: NaiveDate,
    pub scan_id: u64,
    pub marketplace: String,
    pub searches_ok: u64,
    pub searches_failed: u64,
    pub listings_expected: u64,
    pub listings_read: u64,
    pub blocked: u64,
    /// Failed for other reasons (network, HTTP errors, shells, soft 404s).
    pub failed: u64,
    pub not_reached: u64,
    /// Listing pages read of those asked for, in whole percent. Pages robots.txt
    /// disallows are not asked for: see `disallowed`.
    pub coverage_percent: u32,
    /// Search results robots.txt disallows (not fetched). Where they are most of the
    /// results the marketplace was not looked at, whatever `coverage_percent` says
    /// of the pages it allowed (100% of none read before this column was shown).
    pub disallowed: u64,
    /// Looked at in full: something absent from it could be concluded that night.
    pub looked: bool,
    /// The night failed this marketplace (unreachable, refused, below threshold).
    pub degraded: bool,
    pub paused: bool,
    /// What its pages no longer gave its adapter that night (`adapter_unmatched`
    /// of the scan's summary), `; `-separated; empty when they matched.
    pub adapter_unmatched: String,
}

/// The coverage rows of `scans`, night by night, from each scan's recorded
/// summary. A scan finished by a version that kept no per-marketplace counts has
/// no rows.
pub fn of_scans(scans: &[(ScanRecord, NaiveDate)]) -> Vec<Coverage> {
    let mut rows = Vec::new();
    for (scan, night) in scans {
        let Some(summary) = &scan.summary else {
            continue;
        };
        let listed = |key: &str, name: &str| {
            summary[key]
                .as_array()
                .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(name)))
        };
        let Some(markets) = summary["marketplaces"].as_object() else {
            continue;
        };
        for (name, stats) in markets {
            let m: MarketplaceStats = serde_json::from_value(stats.clone()).unwrap_or_default();
            rows.push(Coverage {
                night: *night,
                scan_id: scan.scan_id,
                marketplace: name.clone(),
                searches_ok: m.search_pages,
                searches_failed: m.search_failures,
                listings_expected: m.listings_expected,
                listings_read: m.listing_pages,
                blocked: m.blocked,
                failed: m.failures.saturating_sub(m.blocked + m.not_reached),
                not_reached: m.not_reached,
                coverage_percent: (m.coverage() * 100.0).floor() as u32,
                disallowed: m.listings_disallowed,
                looked: !listed("not_looked", name),
                degraded: listed("degraded", name),
                paused: listed("paused", name),
                adapter_unmatched: summary["adapter_unmatched"][name]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|u| u.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            });
        }
    }
    rows.sort_by(|a, b| {
        (a.night, a.scan_id, &a.marketplace).cmp(&(b.night, b.scan_id, &b.marketplace))
    });
    rows
}

/// `coverage.csv`.
pub fn csv(path: &Path, rows: &[Coverage]) -> Result<Vec<u8>, ReportError> {
    let header = [
        "night",
        "scan_id",
        "marketplace",
        "searches_ok",
        "searches_failed",
        "listings_expected",
        "listings_read",
        "blocked",
        "failed",
        "not_reached",
        "coverage_percent",
        "looked_at",
        "degraded",
        "paused",
        "adapter_unmatched",
        "disallowed_by_robots_txt",
    ];
    let rows = rows.iter().map(|c| {
        vec![
            c.night.to_string(),
            c.scan_id.to_string(),
            c.marketplace.clone(),
            c.searches_ok.to_string(),
            c.searches_failed.to_string(),
            c.listings_expected.to_string(),
            c.listings_read.to_string(),
            c.blocked.to_string(),
            c.failed.to_string(),
            c.not_reached.to_string(),
            c.coverage_percent.to_string(),
            c.looked.to_string(),
            c.degraded.to_string(),
            c.paused.to_string(),
            c.adapter_unmatched.clone(),
            c.disallowed.to_string(),
        ]
    });
    super::csv_bytes(path, &header, rows)
}
