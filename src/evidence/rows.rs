//! Report rows: the few fields of each observation the compliance report reads,
//! written once per scan, when it finishes, to a zstd-compressed JSON-lines file
//! beside sled's (`<store>/report_rows/<scan id>.jsonl.zst`).
//!
//! Why: a month of a large market is a million observations, 1.7 GB of full records
//! that sled's log spreads over the whole store file, between the captures, the
//! snapshots and the findings rewritten every night. Read from disk rather than the
//! page cache, the report read nearly all of a 4.7 GB file (44 s). Rows kept in a
//! sled tree of their own were no better (sled scattered them as well: 2.7 GB read
//! for 0.4 GB of rows). A file written in one go lies together on disk and
//! compresses tenfold: a month of rows is ~50 MB read in order.
//!
//! The rows are derived data, and the chain vouches for them: the scan's
//! `scan_finished` record holds their number and the SHA-256 of the file, which
//! `verify` checks. A scan finished before rows existed has none and is read from its
//! observations; so is one whose file has gone missing (with a warning: `verify`
//! names it), since the rows are only ever a projection of the observations.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::EvidenceError;
use crate::extract::Seller;
use crate::judge::FindingKind;
use crate::money::Money;

/// What the compliance report reads of one observation, in the observation's own
/// JSON shape: the same type parses a stored [`super::Observation`] (serde skips
/// the fields it does not name: page headers, extraction sources, notes…) and a
/// row, so a report from rows and one from observations cannot differ.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportRow {
    pub listing: RowListing,
    pub sku_match: RowSku,
    #[serde(default)]
    pub findings: Vec<FindingKind>,
    /// The words of each finding as the scan wrote them (empty in observations
    /// recorded before they were kept).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub finding_details: std::collections::BTreeMap<FindingKind, String>,
    #[serde(default)]
    pub authorized_seller: Option<String>,
    #[serde(default)]
    pub promotion: Option<String>,
    pub snapshot: RowSnapshot,
    pub capture_log_seq: u64,
}

/// See [`ReportRow`]: the listing's identity, seller and advertised price.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RowListing {
    pub marketplace: String,
    pub url: String,
    pub listing_id: String,
    pub seller: Seller,
    pub price: Option<Money>,
    /// What a dismissed false positive is matched on with the price and seller
    /// (absent from rows written before dismissals existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// When `price` is the lowest of several its page shows: what it was chosen
    /// from (absent from rows written before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_choice: Option<String>,
    /// The item's stated condition: a used item's price is not held to a floor
    /// (absent from rows written before it was read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The words saying the listing sells by auction: its lowest price is then a
    /// bid, no variant's (absent from rows written before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auction: Option<String>,
}

/// See [`ReportRow`]: the SKU the listing was matched to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RowSku {
    pub sku: Option<String>,
    /// The multipack the title or the price box's multi-buy sells (absent from rows
    /// written before packs were read: those were judged as one item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<crate::judge::Pack>,
}

impl RowSku {
    /// How many of the SKU the price is for ([`crate::judge::SkuMatch::units`]).
    pub fn units(&self) -> rust_decimal::Decimal {
        crate::judge::pack_units(self.pack.as_ref())
    }
}

/// See [`ReportRow`]: the page the observation was read from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RowSnapshot {
    pub sha256: String,
}

/// The folder of the row files in a store.
pub fn rows_dir(store: &Path) -> PathBuf {
    store.join("report_rows")
}

/// The row file of scan `scan_id` (zero-padded, so names sort as scans do).
pub fn rows_file(store: &Path, scan_id: u64) -> PathBuf {
    rows_dir(store).join(format!("{scan_id:020}.jsonl.zst"))
}

/// The scan a file in [`rows_dir`] belongs to, if its name is a row file's.
pub fn scan_of_rows_file(name: &str) -> Option<u64> {
    let id = name.strip_suffix(".jsonl.zst")?;
    (id.len() == 20).then_some(())?;
    id.parse().ok()
}

/// An error about a file of [`rows_dir`], naming it.
pub(super) fn file_error(path: &Path, message: impl std::fmt::Display) -> EvidenceError {
    EvidenceError::Corrupt {
        tree: "report_rows",
        key: path.display().to_string(),
        message: message.to_string(),
    }
}

/// Passes reads or writes through, hashing what goes by.
struct Hashing<T> {
    inner: T,
    hash: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the row file of a scan: into a temporary file, synced, then renamed over
/// the final name, so a crash leaves the old file or the whole new one. Returns the
/// number of rows and the SHA-256 of the file.
pub fn write_rows(
    store: &Path,
    scan_id: u64,
    rows: impl Iterator<Item = Result<ReportRow, EvidenceError>>,
) -> Result<(u64, String), EvidenceError> {
    let path = rows_file(store, scan_id);
    let dir = rows_dir(store);
    std::fs::create_dir_all(&dir).map_err(|e| file_error(&dir, e))?;
    let tmp = path.with_extension("tmp");
    let io = |e: std::io::Error| file_error(&tmp, e);
    let file = std::fs::File::create(&tmp).map_err(io)?;
    let hashing = Hashing {
        inner: std::io::BufWriter::new(file),
        hash: Sha256::new(),
    };
    // Buffered: the encoder costs per call, and serde_json writes a row in dozens of
    // small pieces (unbuffered, the compressor's calls were half of a finish). Level
    // 1: these rows come out as small as at level 3 (6.16 vs 6.23 MB for 100,000),
    // and a 100k scan's finish takes 1.2 s instead of 1.6 s.
    let mut z = std::io::BufWriter::with_capacity(
        1 << 17,
        zstd::stream::Encoder::new(hashing, 1).map_err(io)?,
    );
    let mut count = 0u64;
    for row in rows {
        serde_json::to_writer(&mut z, &row?).map_err(|e| file_error(&tmp, e))?;
        z.write_all(b"\n").map_err(io)?;
        count += 1;
    }
    let z = z.into_inner().map_err(|e| io(e.into_error()))?;
    let Hashing { inner, hash } = z.finish().map_err(io)?;
    let file = inner.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    drop(file);
    std::fs::rename(&tmp, &path).map_err(io)?;
    // The rename itself is durable once the folder is synced.
    std::fs::File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| file_error(&dir, e))?;
    Ok((count, hex::encode(hash.finalize())))
}

/// The rows of a row file, one JSON document each, in the scan's order.
pub fn read_rows(
    path: &Path,
) -> Result<impl Iterator<Item = Result<Vec<u8>, EvidenceError>> + use<>, EvidenceError> {
    let file = std::fs::File::open(path).map_err(|e| file_error(path, e))?;
    let z = zstd::stream::Decoder::new(file).map_err(|e| file_error(path, e))?;
    let path = path.to_path_buf();
    Ok(BufReader::with_capacity(1 << 16, z)
        .split(b'\n')
        .map(move |line| line.map_err(|e| file_error(&path, e))))
}

/// Number of rows and SHA-256 of a row file as it is on disk, in one read.
pub fn check_rows(path: &Path) -> Result<(u64, String), EvidenceError> {
    let io = |e: std::io::Error| file_error(path, e);
    let mut file = Hashing {
        inner: std::fs::File::open(path).map_err(io)?,
        hash: Sha256::new(),
    };
    let mut count = 0;
    {
        let z = zstd::stream::Decoder::new(&mut file).map_err(io)?;
        for line in BufReader::with_capacity(1 << 16, z).split(b'\n') {
            line.map_err(io)?;
            count += 1;
        }
    }
    // Whatever follows the compressed rows counts too.
    std::io::copy(&mut file, &mut std::io::sink()).map_err(io)?;
    Ok((count, hex::encode(file.hash.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(listing_id: &str) -> ReportRow {
        let observation = serde_json::json!({
            "scan_id": 3, "seq": 9,
            "page": {"url": "http://x/1", "headers": {"a": "b"}},
            "listing": {"marketplace": "m", "url": "http://x/1", "listing_id": listing_id,
                "title": "t", "seller": {"name": "<script>", "id": null},
                "price": {"amount": "12.50", "currency": "EUR"}, "gtin": []},
            "sku_match": {"sku": "S1", "method": "gtin"},
            "findings": ["below_floor"],
            "finding_details": {"below_floor": "12.50 EUR is under the floor"},
            "notes": ["n"],
            "snapshot": {"sha256": "ab", "size": 3},
            "capture_log_seq": 7,
            "promotion": null,
            "authorized_seller": "d1"
        });
        serde_json::from_value(observation).unwrap()
    }

    #[test]
    fn a_row_is_parsed_from_a_full_observation_and_from_its_own_bytes_alike() {
        let bytes = serde_json::to_vec(&row("1")).unwrap();
        let again: ReportRow = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(serde_json::to_vec(&again).unwrap(), bytes);
        assert_eq!(again.listing.seller.name.as_deref(), Some("<script>"));
        assert_eq!(again.listing.price.unwrap().to_string(), "12.50 EUR");
        assert_eq!(again.findings, vec![FindingKind::BelowFloor]);
        assert_eq!(
            again.finding_details[&FindingKind::BelowFloor],
            "12.50 EUR is under the floor"
        );
        assert_eq!(again.capture_log_seq, 7);
        assert!(!String::from_utf8(bytes).unwrap().contains("headers"));
    }

    #[test]
    fn a_row_file_reads_back_in_order_and_its_digest_is_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let rows = (0..1000).map(|i| Ok(row(&format!("L{i}"))));
        let (count, sha) = write_rows(dir.path(), 42, rows).unwrap();
        let path = rows_file(dir.path(), 42);
        assert_eq!(count, 1000);
        assert_eq!(check_rows(&path).unwrap(), (count, sha.clone()));
        let ids: Vec<String> = read_rows(&path)
            .unwrap()
            .map(|l| serde_json::from_slice::<ReportRow>(&l.unwrap()).unwrap())
            .map(|r| r.listing.listing_id)
            .collect();
        assert_eq!(ids.len(), 1000);
        assert_eq!(ids[0], "L0");
        assert_eq!(ids[999], "L999");
        assert_eq!(
            scan_of_rows_file(path.file_name().unwrap().to_str().unwrap()),
            Some(42)
        );
        assert_eq!(scan_of_rows_file("42.jsonl.zst"), None);
        assert!(!path.with_extension("tmp").exists());

        // Written again (a finish that was interrupted): the same rows, the same file.
        let rows = (0..1000).map(|i| Ok(row(&format!("L{i}"))));
        assert_eq!(write_rows(dir.path(), 42, rows).unwrap(), (count, sha));
    }

    #[test]
    fn a_damaged_row_file_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let rows = (0..100).map(|i| Ok(row(&format!("L{i}"))));
        write_rows(dir.path(), 1, rows).unwrap();
        let path = rows_file(dir.path(), 1);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() / 2);
        std::fs::write(&path, bytes).unwrap();
        let err = check_rows(&path).unwrap_err().to_string();
        assert!(
            err.contains("report_rows/") && err.contains(".jsonl.zst"),
            "{err}"
        );
    }

    #[test]
    fn bytes_appended_to_a_row_file_change_its_digest() {
        let dir = tempfile::tempdir().unwrap();
        let rows = (0..10).map(|i| Ok(row(&format!("L{i}"))));
        let written = write_rows(dir.path(), 1, rows).unwrap();
        let path = rows_file(dir.path(), 1);
        let mut bytes = std::fs::read(&path).unwrap();
        assert_eq!(written.1, hex::encode(Sha256::digest(&bytes)));
        bytes.extend_from_slice(&[0; 7]);
        std::fs::write(&path, &bytes).unwrap();
        match check_rows(&path) {
            Ok((count, sha)) => {
                assert_eq!(count, 10);
                assert_eq!(sha, hex::encode(Sha256::digest(&bytes)));
                assert_ne!(sha, written.1);
            }
            Err(e) => assert!(e.to_string().contains("report_rows/"), "{e}"),
        }
    }
}
