//! Files for people: `findings.csv`, complaint packets ([`packet`]) and compliance
//! reports, on the same helpers (CSV cells, page text, file names).

pub mod compliance;
pub mod packet;
mod templates;

use std::path::Path;

use crate::evidence::{EvidenceError, Store};
use crate::sanitize::csv_cell;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Csv { path: String, source: csv::Error },
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
}

/// Writes one row per finding in the store to `path`; returns the row count.
pub fn write_findings_csv(store: &Store, path: &Path) -> Result<usize, ReportError> {
    let shown = path.display().to_string();
    let mut w = csv::Writer::from_path(path).map_err(|source| ReportError::Csv {
        path: shown.clone(),
        source,
    })?;
    let csv_err = |source| ReportError::Csv {
        path: shown.clone(),
        source,
    };
    w.write_record([
        "marketplace",
        "listing_url",
        "listing_id",
        "seller",
        "seller_id",
        "sku",
        "observed_price",
        "currency",
        "price_basis",
        "floor",
        "kind",
        "detail",
        "first_seen",
        "last_seen",
        "evidence_sha256",
        "resolved_at",
        "resolution",
    ])
    .map_err(csv_err)?;
    let mut n = 0;
    for rec in store.findings() {
        let rec = rec?;
        let f = &rec.finding;
        let row = [
            f.marketplace.clone(),
            f.url.clone(),
            f.listing_id.clone(),
            f.seller_name.clone().unwrap_or_default(),
            f.seller_id.clone().unwrap_or_default(),
            f.sku.clone(),
            f.observed
                .as_ref()
                .map(|m| m.amount.to_string())
                .unwrap_or_default(),
            f.observed
                .as_ref()
                .map(|m| m.currency.to_string())
                .unwrap_or_default(),
            serde_json::to_value(f.price_basis)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            f.floor
                .as_ref()
                .map(|m| m.amount.to_string())
                .unwrap_or_default(),
            f.kind.as_str().to_string(),
            f.detail.clone(),
            rec.first_seen.to_rfc3339(),
            rec.last_seen.to_rfc3339(),
            rec.snapshot_sha256.clone(),
            rec.resolved
                .as_ref()
                .map(|r| r.at.to_rfc3339())
                .unwrap_or_default(),
            rec.resolved
                .as_ref()
                .map(|r| r.reason.clone())
                .unwrap_or_default(),
        ];
        w.write_record(row.iter().map(|c| csv_cell(c)))
            .map_err(csv_err)?;
        n += 1;
    }
    w.flush().map_err(|source| ReportError::Write {
        path: shown.clone(),
        source,
    })?;
    Ok(n)
}
