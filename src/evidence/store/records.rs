//! What the store holds: the records of captures, observations, findings and
//! scans, and the keys they are stored under (see the table in `evidence`).

#[allow(unused_imports)]
use super::*;

/// A reference to stored page bytes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SnapshotRef {
    /// Hex SHA-256 of the exact bytes as received.
    pub sha256: String,
    pub size: u64,
    /// Bytes the zstd-compressed copy takes in the store (0 when deduplicated).
    pub stored_size: u64,
    /// The bytes were already in the store (seen before).
    pub deduplicated: bool,
}

/// Everything known about one fetch, as written into the log (a `capture` record).
/// The body is in the `snapshots` tree under `snapshot.sha256`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Capture {
    pub scan_id: u64,
    pub page: Page,
    pub snapshot: SnapshotRef,
    /// The tool that captured it, name/version.
    pub tool: String,
}

/// One fetch of one listing page, with what was read and concluded from it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Observation {
    pub scan_id: u64,
    pub seq: u64,
    pub page: Page,
    pub snapshot: SnapshotRef,
    pub listing: Listing,
    pub sku_match: SkuMatch,
    pub findings: Vec<FindingKind>,
    /// The words of each finding, as this scan wrote them (filled in by
    /// [`Store::record_observation`] from the findings it records).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub finding_details: std::collections::BTreeMap<FindingKind, String>,
    pub notes: Vec<String>,
    /// Position of this observation's record in the hash-chained log.
    pub log_seq: u64,
    /// Position of the `capture` record of the fetch it was read from.
    pub capture_log_seq: u64,
    pub tool: String,
    /// The scan's date (see [`ScanRecord::as_of`]); `None` in stores written before
    /// scans had one, where the fetch time stands in.
    #[serde(default)]
    pub observed_at: Option<DateTime<Utc>>,
    /// The promotion whose price the listing carried (see `judge::Verdict::promotion`).
    #[serde(default)]
    pub promotion: Option<String>,
    /// The brand's distributor the seller was recognised as, when the scan judged it:
    /// reports and cases read it here instead of judging again (with a brand file
    /// that may have changed since).
    #[serde(default)]
    pub authorized_seller: Option<String>,
}

impl Observation {
    /// When the listing was seen, by the scan's date.
    pub fn at(&self) -> DateTime<Utc> {
        self.observed_at.unwrap_or(self.page.received_at)
    }
}

/// A finding as tracked across scans.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingRecord {
    pub finding: Finding,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub first_scan: u64,
    pub last_scan: u64,
    pub times_seen: u64,
    /// The snapshot of the latest observation that showed it.
    pub snapshot_sha256: String,
    /// Set when the listing was removed or brought into line; cleared if it relapses.
    #[serde(default)]
    pub resolved: Option<Resolution>,
    /// Times the finding came back after being resolved.
    #[serde(default)]
    pub relapses: u32,
    /// Sequence number of the log record that wrote this version of the record
    /// and holds its SHA-256 (the observation, or the `finding_resolved`), so a
    /// reader can check it with one lookup. `None` for records written by older
    /// versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_by: Option<u64>,
}

impl FindingRecord {
    /// Whether the finding is confirmed: seen in at least `captures` ok captures
    /// whose first and last are at least `min_span` apart (`[confirm]` of
    /// brand.toml; one capture has no span). Until then it is suspected: nothing
    /// is filed on it.
    pub fn confirmed(&self, captures: u32, min_span: chrono::Duration) -> bool {
        self.times_seen >= u64::from(captures)
            && (captures <= 1 || self.last_seen - self.first_seen >= min_span)
    }

    /// The key of the finding in the `findings` tree, printable (`market/listing/kind`).
    pub fn key(&self) -> String {
        finding_key(&self.finding).replace('\0', "/")
    }
}

/// The `findings` tree key of a finding.
pub fn finding_key(f: &Finding) -> String {
    finding_key_of(&f.marketplace, &f.listing_id, f.kind)
}

/// The `findings` tree key of `kind` on a listing.
pub fn finding_key_of(marketplace: &str, listing_id: &str, kind: FindingKind) -> String {
    format!("{marketplace}\0{listing_id}\0{}", kind.as_str())
}

/// The `findings` tree key of a printable key (`market/listing/kind`, as cases hold
/// them). The marketplace is up to the first `/` and the kind after the last, so a
/// listing id holding `/` still maps back.
pub fn finding_key_of_printable(printable: &str) -> String {
    match (printable.split_once('/'), printable.rsplit_once('/')) {
        (Some((market, _)), Some((rest, kind))) if rest.len() > market.len() => {
            format!("{market}\0{}\0{kind}", &rest[market.len() + 1..])
        }
        _ => printable.replace('/', "\0"),
    }
}

/// Why and when a finding stopped.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resolution {
    pub at: DateTime<Utc>,
    pub scan_id: u64,
    pub reason: String,
    /// The capture that shows it (a 404/410 answer, the listing in line), if any.
    #[serde(default)]
    pub capture_log_seq: Option<u64>,
}

/// Whether a finding was already known before this observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingStatus {
    New,
    Ongoing,
    /// Known, resolved, and now back.
    Relapsed,
    /// Already observed earlier in the same scan (the listing was reached twice).
    Again,
}

/// A scan as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanRecord {
    pub scan_id: u64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub targets: String,
    pub tool: String,
    /// The run summary, once finished.
    pub summary: Option<serde_json::Value>,
    /// Hash of the last log record when the scan finished.
    pub log_head: Option<String>,
    /// The date the scan stands for: its start, or the night a simulated demo night
    /// is stamped with. Reports group observations by it; captures keep the real
    /// clock time of each fetch.
    #[serde(default)]
    pub as_of: Option<DateTime<Utc>>,
    /// How many report rows (see [`super::rows`]) the scan wrote when it finished;
    /// `None` for scans finished before rows existed, which reports read from the
    /// full observations.
    #[serde(default)]
    pub report_rows: Option<u64>,
    /// Sequence number of the scan's `scan_finished` log record, which vouches for
    /// its report rows: readers check the rows against it before use. `None` for
    /// scans finished by older versions.
    #[serde(default)]
    pub finished_log_seq: Option<u64>,
}

impl ScanRecord {
    pub fn date(&self) -> DateTime<Utc> {
        self.as_of.unwrap_or(self.started_at)
    }
}
