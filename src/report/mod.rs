//! Files for people: `findings.csv`, complaint packets ([`packet`]) and compliance
//! reports, on the same helpers (CSV cells, page text, file names).

pub mod compliance;
pub mod coverage;
pub mod networks;
pub mod packet;
pub(crate) mod templates;

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
    #[error(transparent)]
    Case(#[from] Box<crate::case::CaseError>),
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("{0}")]
    Targets(String),
}

/// Writes `bytes` to `path` all or nothing: into a temporary file in the same
/// folder, synced, then renamed over `path`. A crash or a full disk leaves the
/// previous file (if any) as it was, never a cut one under the final name.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_file_with(path, |w| std::io::Write::write_all(w, bytes))
}

/// `write_file` for output streamed by `write` (an export of a whole store).
pub fn write_file_with<T>(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<T>,
) -> Result<T, ReportError> {
    let err = |source| ReportError::Write {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // The mode any other program gives a new file (0666 less the umask), not
    // tempfile's private 0600: the summary, findings.csv, reports and packets are
    // read by the operator's monitoring, web server or colleagues as the rest of
    // the store's files are.
    let tmp = tempfile::Builder::new()
        .prefix(".brandguard-")
        .suffix(".partial")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(err)?;
    let (file, tmp_path) = tmp.into_parts();
    let mut w = std::io::BufWriter::new(file);
    let out = write(&mut w).map_err(err)?;
    let file = w.into_inner().map_err(|e| err(e.into_error()))?;
    crate::failpoint::hit("report-file-written");
    file.sync_all().map_err(err)?;
    tmp_path.persist(path).map_err(|e| err(e.error))?;
    Ok(out)
}

/// CSV text: the header, then each row with every cell made safe for spreadsheets
/// ([`csv_cell`]). `path` only names the file in an error.
pub(crate) fn csv_bytes<R: AsRef<[String]>>(
    path: &Path,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> Result<Vec<u8>, ReportError> {
    let csv_err = |source| ReportError::Csv {
        path: path.display().to_string(),
        source,
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(csv_err)?;
    for row in rows {
        w.write_record(row.as_ref().iter().map(|c| csv_cell(c)))
            .map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| csv_err(csv::Error::from(e.into_error())))
}

/// Writes one row per finding in the store to `path`; returns the row count.
pub fn write_findings_csv(store: &Store, path: &Path) -> Result<usize, ReportError> {
    let header = [
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
    ];
    let mut rows = Vec::new();
    for rec in store.findings() {
        rows.push(finding_row(&rec?));
    }
    write_file(path, &csv_bytes(path, &header, &rows)?)?;
    Ok(rows.len())
}

/// A finding as a findings.csv row.
fn finding_row(rec: &crate::evidence::FindingRecord) -> Vec<String> {
    let f = &rec.finding;
    vec![
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
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_file_replaces_whole_or_leaves_the_old_file_and_no_debris() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("violations.csv");
        write_file(&path, b"old\n").unwrap();
        write_file(&path, b"new,complete\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new,complete\n");
        // A write that cannot finish (here: the name is a non-empty folder) is an
        // error naming the file, and leaves nothing half-written behind.
        let blocked = dir.path().join("report.html");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("keep"), b"x").unwrap();
        let err = write_file(&blocked, b"<html>").unwrap_err().to_string();
        assert!(err.contains("report.html"), "{err}");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".partial")), "{names:?}");
        assert_eq!(std::fs::read(&path).unwrap(), b"new,complete\n");
    }
}
