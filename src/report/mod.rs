//! Files for people: `findings.csv`, complaint packets ([`packet`]) and compliance
//! reports, on the same helpers (CSV cells, page text, file names).

pub mod compliance;
pub mod packet;
mod templates;

use std::path::Path;

use crate::evidence::{EvidenceError, Store};

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

/// Makes a cell safe to open in a spreadsheet: text a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading `'`.
pub fn csv_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// Page text made safe to print on a terminal or in a document line: control
/// characters (escape sequences among them) become spaces, and text beyond `max`
/// characters is cut with a note saying how long it was.
pub fn display_text(s: &str, max: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let n = clean.chars().count();
    if n <= max {
        clean
    } else {
        let cut: String = clean.chars().take(max).collect();
        format!("{cut}… [truncated from {n} characters]")
    }
}

/// A file or folder name made from page text (a seller name, a listing id): no path
/// separators or `..`, no characters or names Windows refuses (`CON`, `aux.txt`), no
/// leading dot, at most `max` bytes; never empty.
pub fn safe_file_name(s: &str, max: usize) -> String {
    let opts = || sanitize_filename::Options {
        truncate: true,
        windows: true,
        replacement: "_",
    };
    let mut name: String = sanitize_filename::sanitize_with_options(s, opts())
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect();
    // `..` is harmless inside one name, but looks like a path escape to people.
    while name.contains("..") {
        name = name.replace("..", "_");
    }
    name = name.trim_start_matches(['.', '_', ' ']).to_string();
    if name.len() > max {
        let mut end = max;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    // After truncation a reserved name (`con`) may appear again: sanitise once more.
    let name = sanitize_filename::sanitize_with_options(&name, opts());
    if name.is_empty() || name.chars().all(|c| c == '.' || c == '_') {
        "unnamed".into()
    } else {
        name
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("Northwind"), "Northwind");
    }
}
