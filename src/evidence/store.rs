use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::rows::{self, ReportRow};
use crate::crawl::Page;
use crate::extract::Listing;
use crate::judge::{Finding, FindingKind, SkuMatch};

/// The layout version this build writes. Opening a store with a higher one fails.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error(
        "the evidence store {path} is in use by another brandguard process (only one scan may write a store at a time); wait for it to finish or use another --store"
    )]
    Locked { path: PathBuf },
    #[error("cannot open the evidence store {path}: {source}")]
    Open { path: PathBuf, source: sled::Error },
    #[error(
        "the evidence store {path} was written by a newer brandguard (schema {found}, this build reads up to {SCHEMA_VERSION}); upgrade brandguard, nothing was changed"
    )]
    NewerSchema { path: PathBuf, found: u32 },
    #[error("evidence store: {0}")]
    Db(#[from] sled::Error),
    #[error("evidence store record {tree}/{key}: {message}")]
    Corrupt {
        tree: &'static str,
        key: String,
        message: String,
    },
    #[error("evidence store: {0}")]
    Io(#[from] std::io::Error),
}

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
}

impl FindingRecord {
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
}

impl ScanRecord {
    pub fn date(&self) -> DateTime<Utc> {
        self.as_of.unwrap_or(self.started_at)
    }
}

/// One link of the hash chain.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogRecord {
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// `scan_started`, `observation`, `finding`, `scan_finished`.
    pub kind: String,
    /// Hex SHA-256 of the record before (all zeros for the first).
    pub prev: String,
    /// Hex SHA-256 of the payload JSON.
    pub payload_sha256: String,
    pub payload: serde_json::Value,
    /// Hex SHA-256 over `prev`, `seq`, `kind` and `payload_sha256`.
    pub hash: String,
}

fn chain_hash(prev: &str, seq: u64, kind: &str, payload_sha256: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(seq.to_be_bytes());
    h.update(kind.as_bytes());
    h.update(payload_sha256.as_bytes());
    hex::encode(h.finalize())
}

/// zstd level 3, with one compression context per thread: creating a context per
/// page showed up in the scan's profile.
fn compress(body: &[u8]) -> std::io::Result<Vec<u8>> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = Some(zstd::bulk::Compressor::new(3)?);
        }
        match c.as_mut() {
            Some(z) => z.compress(body),
            None => zstd::encode_all(body, 3),
        }
    })
}

/// Page bytes hashed and compressed for [`Store::put_prepared`].
pub struct PreparedSnapshot {
    digest: [u8; 32],
    size: usize,
    compressed: Vec<u8>,
}

impl PreparedSnapshot {
    /// Hashes and compresses `body` (CPU work: run it off the scan's loop).
    pub fn new(body: &[u8]) -> std::io::Result<PreparedSnapshot> {
        Ok(PreparedSnapshot {
            digest: Sha256::digest(body).into(),
            size: body.len(),
            compressed: compress(body)?,
        })
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The evidence store of one brand.
pub struct Store {
    path: PathBuf,
    db: sled::Db,
    snapshots: sled::Tree,
    observations: sled::Tree,
    listings: sled::Tree,
    findings: sled::Tree,
    /// URL → the validators and capture of its last 200 answer (a cache for
    /// conditional requests; rewritten freely, it is not evidence).
    validators: sled::Tree,
    /// Enforcement cases, by case id; every change is also a `case_event` log record
    /// holding the SHA-256 of the case's new bytes.
    cases: sled::Tree,
    scans: sled::Tree,
    /// `evidence merge`: `<source store's first log hash>/<its scan id>` → the scan of
    /// this store it was merged into, so nothing is merged twice.
    merged: sled::Tree,
    log: sled::Tree,
    /// The chain's head and the records and state writes not yet in sled; appends
    /// are serialised through it.
    chain: Mutex<Chain>,
}

/// Where a pending write goes: the log or one of the state trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Slot {
    Log,
    State(StateTree),
}

/// The hash chain's head, and group commit: commits are accepted into `pending` and
/// written to sled together, in one transaction, by [`Store::settle`].
///
/// Why: every sled transaction rolls the log buffer twice, and each roll is a
/// `pwrite` and a `sync_file_range` on a thread of sled's pool. One transaction per
/// capture and per observation made that four disk syncs per page, most of a fast
/// scan's CPU (see the README's Performance section). Grouping loses nothing that
/// was durable before: sled only made writes durable at a flush, and every flush
/// settles first; a group is one transaction, so a crash leaves whole commits and a
/// log that is a prefix of what was appended.
struct Chain {
    /// Sequence number of the next record, and hash of the newest (pending included).
    next: u64,
    head: String,
    /// `next` and `head` as sled holds them: restored if a group fails to commit.
    settled: (u64, String),
    /// The newest value of every key written since the last settle.
    pending: std::collections::HashMap<(Slot, Vec<u8>), Vec<u8>>,
    pending_bytes: usize,
}

fn json<T: Serialize>(v: &T) -> Vec<u8> {
    // Serialising our own plain structs to JSON cannot fail.
    serde_json::to_vec(v).expect("record serialises")
}

fn parse<T: for<'de> Deserialize<'de>>(
    tree: &'static str,
    key: &[u8],
    bytes: &[u8],
) -> Result<T, EvidenceError> {
    serde_json::from_slice(bytes).map_err(|e| EvidenceError::Corrupt {
        tree,
        key: String::from_utf8_lossy(key).into_owned(),
        message: e.to_string(),
    })
}

/// The state trees a commit may write beside the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateTree {
    Observations,
    Listings,
    Findings,
    Cases,
    Merged,
}

/// A log record to append: `(kind, payload)`.
pub type Event = (String, serde_json::Value);
/// A state write: `(tree, key, value)`.
pub type Write = (StateTree, Vec<u8>, Vec<u8>);

/// What a commit writes: log records and state.
type Built = (Vec<Event>, Vec<Write>);

/// sled page cache size, counted in the pages' on-disk bytes (they take ~1.5x that in
/// memory). Once walks let sled evict (see [`Walk`]) the cache fills to this at 100,000
/// listings; 8 MiB instead of 16 took that scan's peak from 189-199 to 179-184 MiB at
/// the same CPU time (two runs each), as the scan's reads mostly follow its writes.
const CACHE_BYTES: u64 = 8 * 1024 * 1024;

/// Pending bytes at which a group is committed without waiting for a flush.
const GROUP_BYTES: usize = 1 << 20;

/// How long `open` waits for a store another handle has just released.
///
/// sled 0.34 drops its file lock from a background thread some time after the last
/// handle is gone (spacejam/sled#1289), so a store reopened right after it was closed (a
/// merge reading shards it just wrote, a tool run straight after a scan) can find its own
/// lock still held for a few milliseconds. A lock another process really holds is still
/// reported as [`EvidenceError::Locked`], after this wait.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// sled reports a held lock as an `Other` I/O error whose text names the lock.
fn is_locked(e: &sled::Error) -> bool {
    matches!(e, sled::Error::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock)
        || e.to_string().contains("could not acquire lock")
}

/// Opens the sled database under a store in `path`, waiting up to [`LOCK_WAIT`] for its
/// lock, without any of [`Store::open`]'s checks: for inspecting or repairing the raw
/// trees (the test suite uses it to alter stored bytes and check `verify` finds it).
pub fn open_sled(path: &Path) -> Result<sled::Db, EvidenceError> {
    use backon::{BlockingRetryable, ExponentialBuilder};
    // sled's page cache defaults to 1 GiB and fills as the store grows; bounded, so a
    // scan's memory does not grow with the size of the market.
    let open = || {
        sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()
    };
    let wait = ExponentialBuilder::default()
        .with_min_delay(std::time::Duration::from_millis(5))
        .with_max_delay(std::time::Duration::from_millis(250))
        .with_jitter()
        .without_max_times()
        .with_total_delay(Some(LOCK_WAIT));
    open.retry(wait)
        .sleep(std::thread::sleep)
        .when(is_locked)
        .call()
        .map_err(|source| {
            if is_locked(&source) {
                EvidenceError::Locked {
                    path: path.to_path_buf(),
                }
            } else {
                EvidenceError::Open {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })
}

const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A walk over a sled tree (or one key prefix of it) whose reads sled's cache can count,
/// so that what the walk has passed gets evicted.
///
/// Why: sled 0.34 hands a page access to its LRU only once one of its 256 shards has
/// queued 64 of them, and its iterator reads each leaf (at most 16 items) once. A walk
/// over fewer than ~16,000 leaves therefore evicts nothing, whatever `cache_capacity`
/// says: walking the 117,393 findings of a 100,000-listing store left ~70 MB of nodes
/// resident. Looking each key up once more (`contains_key`, root to leaf) gives the LRU
/// accesses to count; measured on that store: 118 -> 57 MB RSS after the walk, in the
/// same 0.6 s.
struct Walk {
    tree: sled::Tree,
    iter: sled::Iter,
}

impl Walk {
    fn all(tree: &sled::Tree) -> Walk {
        Walk {
            tree: tree.clone(),
            iter: tree.iter(),
        }
    }

    fn prefix(tree: &sled::Tree, prefix: impl AsRef<[u8]>) -> Walk {
        Walk {
            tree: tree.clone(),
            iter: tree.scan_prefix(prefix),
        }
    }
}

impl Iterator for Walk {
    type Item = sled::Result<(sled::IVec, sled::IVec)>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.iter.next()?;
        if let Ok((k, _)) = &item
            && let Err(e) = self.tree.contains_key(k)
        {
            return Some(Err(e));
        }
        Some(item)
    }
}

impl Store {
    /// Opens (or creates) the store in folder `path`.
    pub fn open(path: &Path) -> Result<Store, EvidenceError> {
        std::fs::create_dir_all(path)?;
        let db = open_sled(path)?;
        let meta = db.open_tree("meta")?;
        match meta.get("schema_version")? {
            Some(v) => {
                let found = u32::from_be_bytes(v.as_ref().try_into().unwrap_or([0xff; 4]));
                if found > SCHEMA_VERSION {
                    return Err(EvidenceError::NewerSchema {
                        path: path.to_path_buf(),
                        found,
                    });
                }
            }
            None => {
                meta.insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
            }
        }
        let log = db.open_tree("log")?;
        let (next, head) = match log.last()? {
            Some((k, v)) => {
                let rec: LogRecord = parse("log", &k, &v)?;
                (rec.seq + 1, rec.hash)
            }
            None => (0, ZERO_HASH.to_string()),
        };
        Ok(Store {
            path: path.to_path_buf(),
            snapshots: db.open_tree("snapshots")?,
            observations: db.open_tree("observations")?,
            listings: db.open_tree("listings")?,
            findings: db.open_tree("findings")?,
            cases: db.open_tree("cases")?,
            validators: db.open_tree("validators")?,
            scans: db.open_tree("scans")?,
            merged: db.open_tree("merged")?,
            log,
            chain: Mutex::new(Chain {
                settled: (next, head.clone()),
                next,
                head,
                pending: Default::default(),
                pending_bytes: 0,
            }),
            db,
        })
    }

    fn chain(&self) -> std::sync::MutexGuard<'_, Chain> {
        match self.chain.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        }
    }

    fn tree(&self, slot: Slot) -> &sled::Tree {
        match slot {
            Slot::Log => &self.log,
            Slot::State(StateTree::Observations) => &self.observations,
            Slot::State(StateTree::Listings) => &self.listings,
            Slot::State(StateTree::Findings) => &self.findings,
            Slot::State(StateTree::Cases) => &self.cases,
            Slot::State(StateTree::Merged) => &self.merged,
        }
    }

    /// The value under `key`, pending writes first.
    fn read(
        &self,
        chain: &Chain,
        slot: Slot,
        key: &[u8],
    ) -> Result<Option<sled::IVec>, EvidenceError> {
        if let Some(v) = chain.pending.get(&(slot, key.to_vec())) {
            return Ok(Some(sled::IVec::from(v.as_slice())));
        }
        Ok(self.tree(slot).get(key)?)
    }

    /// [`Store::read`] under the chain's lock.
    fn get(&self, slot: Slot, key: &[u8]) -> Result<Option<sled::IVec>, EvidenceError> {
        let chain = self.chain();
        self.read(&chain, slot, key)
    }

    /// Writes every pending commit to sled in one transaction (see [`Chain`]).
    /// Readers that walk a tree call it first, so they see everything appended.
    pub fn settle(&self) -> Result<(), EvidenceError> {
        let mut chain = self.chain();
        self.settle_locked(&mut chain)
    }

    /// Settles pending commits before a walk over a tree: yields the error, if any,
    /// as the walk's first item.
    fn settled_first<T>(&self) -> impl Iterator<Item = Result<T, EvidenceError>> + use<T> {
        self.settle().err().map(Err).into_iter()
    }

    fn settle_locked(&self, chain: &mut Chain) -> Result<(), EvidenceError> {
        use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};
        if chain.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut chain.pending);
        chain.pending_bytes = 0;
        let result = (
            &self.log,
            &self.observations,
            &self.listings,
            &self.findings,
            &self.cases,
            &self.merged,
        )
            .transaction(|(log, observations, listings, findings, cases, merged)| {
                for ((slot, key), value) in &pending {
                    let t = match slot {
                        Slot::Log => {
                            // A log record is never overwritten.
                            if log.get(key)?.is_some() {
                                return Err(ConflictableTransactionError::Abort(key.clone()));
                            }
                            log
                        }
                        Slot::State(StateTree::Observations) => observations,
                        Slot::State(StateTree::Listings) => listings,
                        Slot::State(StateTree::Findings) => findings,
                        Slot::State(StateTree::Cases) => cases,
                        Slot::State(StateTree::Merged) => merged,
                    };
                    t.insert(key.as_slice(), value.as_slice())?;
                }
                Ok(())
            });
        let failed = match result {
            Ok(()) => {
                chain.settled = (chain.next, chain.head.clone());
                return Ok(());
            }
            Err(TransactionError::Abort(key)) => EvidenceError::Corrupt {
                tree: "log",
                key: u64::from_be_bytes(key.as_slice().try_into().unwrap_or([0; 8])).to_string(),
                message: "a log record with this sequence number already exists".into(),
            },
            Err(TransactionError::Storage(e)) => e.into(),
        };
        // Nothing of the group landed: the chain goes back to what sled holds.
        (chain.next, chain.head) = chain.settled.clone();
        Err(failed)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends a record to the hash chain.
    fn append_log(
        &self,
        kind: &str,
        payload: serde_json::Value,
    ) -> Result<LogRecord, EvidenceError> {
        let mut recs = self.commit(|_, _| Ok((vec![(kind.to_string(), payload)], Vec::new())))?;
        Ok(recs.remove(0))
    }

    /// Appends log records and writes to the state trees as one commit: it lands in
    /// sled whole, inside the transaction of its group (see [`Chain`]), so a crash
    /// (even `kill -9`) leaves all of it or none and `verify` still passes. `build`
    /// gets the pending writes (to read through) and the sequence number the first
    /// record will have, so records and state can point at each other; it runs
    /// under the chain's lock.
    fn commit(
        &self,
        build: impl FnOnce(&Chain, u64) -> Result<Built, EvidenceError>,
    ) -> Result<Vec<LogRecord>, EvidenceError> {
        let mut chain = self.chain();
        let (first, mut prev) = (chain.next, chain.head.clone());
        let (entries, writes) = build(&chain, first)?;
        let mut recs = Vec::with_capacity(entries.len());
        for (i, (kind, payload)) in entries.into_iter().enumerate() {
            let seq = first + i as u64;
            let payload_sha256 = sha256_hex(&json(&payload));
            let hash = chain_hash(&prev, seq, &kind, &payload_sha256);
            recs.push(LogRecord {
                seq,
                at: Utc::now(),
                kind,
                prev: std::mem::replace(&mut prev, hash.clone()),
                payload_sha256,
                payload,
                hash,
            });
        }
        for r in &recs {
            let bytes = json(r);
            chain.pending_bytes += bytes.len();
            chain
                .pending
                .insert((Slot::Log, r.seq.to_be_bytes().to_vec()), bytes);
        }
        for (tree, k, v) in writes {
            chain.pending_bytes += k.len() + v.len();
            chain.pending.insert((Slot::State(tree), k), v);
        }
        if let Some(last) = recs.last() {
            chain.next = last.seq + 1;
            chain.head = last.hash.clone();
        }
        if chain.pending_bytes >= GROUP_BYTES {
            self.settle_locked(&mut chain)?;
        }
        Ok(recs)
    }

    /// Makes everything written so far durable.
    pub async fn flush(&self) -> Result<(), EvidenceError> {
        self.settle()?;
        self.db.flush_async().await?;
        Ok(())
    }

    /// Number of records in the log (the next sequence number).
    pub fn log_len(&self) -> u64 {
        self.chain().next
    }

    /// Hash of the newest log record.
    pub fn log_head(&self) -> String {
        self.chain().head.clone()
    }

    /// Starts a scan and returns its id (strictly increasing).
    pub fn begin_scan(
        &self,
        targets: &str,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<u64, EvidenceError> {
        let last = self
            .scans
            .last()?
            .map(|(k, _)| u64::from_be_bytes(k.as_ref().try_into().unwrap_or([0; 8])))
            .unwrap_or(0);
        let scan_id = last + 1;
        let rec = ScanRecord {
            scan_id,
            started_at: Utc::now(),
            finished_at: None,
            targets: targets.to_string(),
            tool: crate::TOOL.to_string(),
            summary: None,
            log_head: None,
            as_of,
            report_rows: None,
        };
        self.scans.insert(scan_id.to_be_bytes(), json(&rec))?;
        self.append_log(
            "scan_started",
            serde_json::to_value(&rec).unwrap_or_default(),
        )?;
        Ok(scan_id)
    }

    /// The scan of `targets` that started but never finished (killed, crashed), if
    /// it is the newest scan of the store: the one to resume.
    pub fn unfinished_scan(&self, targets: &str) -> Result<Option<u64>, EvidenceError> {
        let Some((k, v)) = self.scans.last()? else {
            return Ok(None);
        };
        let rec: ScanRecord = parse("scans", &k, &v)?;
        Ok((rec.finished_at.is_none() && rec.targets == targets).then_some(rec.scan_id))
    }

    /// Notes in the log that scan `scan_id` goes on after an interruption.
    pub fn resume_scan(&self, scan_id: u64) -> Result<(), EvidenceError> {
        self.append_log("scan_resumed", serde_json::json!({"scan_id": scan_id}))?;
        Ok(())
    }

    /// Every capture of scan `scan_id` with its log sequence number, in order.
    pub fn captures(&self, scan_id: u64) -> Result<Vec<(u64, Capture)>, EvidenceError> {
        let mut out = Vec::new();
        for rec in self.log() {
            let rec = rec?;
            if rec.kind != "capture"
                || rec.payload.get("scan_id").and_then(|v| v.as_u64()) != Some(scan_id)
            {
                continue;
            }
            let c: Capture =
                serde_json::from_value(rec.payload).map_err(|e| EvidenceError::Corrupt {
                    tree: "log",
                    key: rec.seq.to_string(),
                    message: format!("capture record unreadable: {e}"),
                })?;
            out.push((rec.seq, c));
        }
        Ok(out)
    }

    /// Remembers how to ask whether `url` changed since this capture.
    pub fn remember_validators(
        &self,
        url: &url::Url,
        validators: &crate::crawl::Validators,
        capture_seq: u64,
    ) -> Result<(), EvidenceError> {
        let v = serde_json::json!({"validators": validators, "capture_log_seq": capture_seq});
        self.validators.insert(url.as_str().as_bytes(), json(&v))?;
        Ok(())
    }

    /// The validators of `url`'s last 200 answer and that answer's capture.
    pub fn validators_of(
        &self,
        url: &url::Url,
    ) -> Result<Option<(crate::crawl::Validators, Capture)>, EvidenceError> {
        let Some(raw) = self.validators.get(url.as_str().as_bytes())? else {
            return Ok(None);
        };
        let v: serde_json::Value = parse("validators", url.as_str().as_bytes(), &raw)?;
        let Some(seq) = v.get("capture_log_seq").and_then(|s| s.as_u64()) else {
            return Ok(None);
        };
        let Some(rec) = self.get(Slot::Log, &seq.to_be_bytes())? else {
            return Ok(None);
        };
        let rec: LogRecord = parse("log", &seq.to_be_bytes(), &rec)?;
        let capture: Capture = match serde_json::from_value(rec.payload) {
            Ok(c) => c,
            Err(_) => return Ok(None),
        };
        let validators = serde_json::from_value(v["validators"].clone()).unwrap_or_default();
        Ok(Some((validators, capture)))
    }

    /// Stores page bytes under their SHA-256, compressed; identical bytes are stored once.
    pub fn put_snapshot(&self, body: &[u8]) -> Result<SnapshotRef, EvidenceError> {
        let digest = Sha256::digest(body);
        if self.snapshots.contains_key(digest.as_slice())? {
            return Ok(SnapshotRef {
                sha256: hex::encode(digest),
                size: body.len() as u64,
                stored_size: 0,
                deduplicated: true,
            });
        }
        let compressed = compress(body)?;
        self.put_compressed(digest.as_slice(), body.len(), compressed)
    }

    /// Stores a snapshot hashed and compressed beforehand ([`PreparedSnapshot`], made
    /// on another thread: a large page's hashing and compression should not hold up
    /// the scan's other requests).
    pub fn put_prepared(&self, p: PreparedSnapshot) -> Result<SnapshotRef, EvidenceError> {
        if self.snapshots.contains_key(p.digest.as_slice())? {
            return Ok(SnapshotRef {
                sha256: hex::encode(p.digest),
                size: p.size as u64,
                stored_size: 0,
                deduplicated: true,
            });
        }
        self.put_compressed(&p.digest, p.size, p.compressed)
    }

    fn put_compressed(
        &self,
        digest: &[u8],
        size: usize,
        compressed: Vec<u8>,
    ) -> Result<SnapshotRef, EvidenceError> {
        let sha256 = hex::encode(digest);
        let stored_size = compressed.len() as u64;
        let body_len = size;
        // compare_and_swap against "absent": stored bytes are never overwritten, even
        // when another task stores the same bytes in between.
        let prior =
            self.snapshots
                .compare_and_swap(digest, None as Option<&[u8]>, Some(compressed))?;
        Ok(SnapshotRef {
            sha256,
            size: body_len as u64,
            stored_size: if prior.is_ok() { stored_size } else { 0 },
            deduplicated: prior.is_err(),
        })
    }

    /// The exact bytes of a snapshot.
    pub fn snapshot(&self, sha256_hex: &str) -> Result<Option<Vec<u8>>, EvidenceError> {
        let key = hex::decode(sha256_hex).map_err(|e| EvidenceError::Corrupt {
            tree: "snapshots",
            key: sha256_hex.to_string(),
            message: format!("not a hex SHA-256: {e}"),
        })?;
        match self.snapshots.get(key)? {
            Some(z) => Ok(Some(zstd::decode_all(z.as_ref())?)),
            None => Ok(None),
        }
    }

    /// Records one fetch in the log (page metadata and snapshot hash); returns its
    /// log sequence number.
    pub fn record_capture(
        &self,
        scan_id: u64,
        page: &Page,
        snapshot: &SnapshotRef,
    ) -> Result<u64, EvidenceError> {
        let capture = Capture {
            scan_id,
            page: page.clone(),
            snapshot: snapshot.clone(),
            tool: crate::TOOL.to_string(),
        };
        let value = serde_json::to_value(&capture).unwrap_or_default();
        Ok(self.append_log("capture", value)?.seq)
    }

    /// Records an observation (and its findings) in the chain and the trees; returns
    /// each finding's status.
    ///
    /// The log record holds the SHA-256 of the observation's stored bytes, so `verify`
    /// finds any change to them.
    pub fn record_observation(
        &self,
        mut obs: Observation,
        findings: &[Finding],
    ) -> Result<Vec<FindingStatus>, EvidenceError> {
        obs.seq = self.db.generate_id()?;
        obs.tool = crate::TOOL.to_string();
        // Words the observation already carries (copied by a merge) stay as written.
        for f in findings {
            obs.finding_details
                .entry(f.kind)
                .or_insert_with(|| f.detail.clone());
        }
        obs.finding_details.retain(|k, _| obs.findings.contains(k));
        let mut key = obs.scan_id.to_be_bytes().to_vec();
        key.extend_from_slice(&obs.seq.to_be_bytes());
        let lkey = format!("{}\0{}", obs.listing.marketplace, obs.listing.listing_id);
        let mut statuses = Vec::new();
        self.commit(|chain, log_seq| {
            obs.log_seq = log_seq;
            let bytes = json(&obs);
            let mut entries = vec![(
                "observation".to_string(),
                serde_json::json!({
                    "scan_id": obs.scan_id,
                    "observation_key": hex::encode(&key),
                    "observation_sha256": sha256_hex(&bytes),
                    "capture_log_seq": obs.capture_log_seq,
                    "url": obs.page.final_url,
                    "marketplace": obs.listing.marketplace,
                    "listing_id": obs.listing.listing_id,
                    "snapshot_sha256": obs.snapshot.sha256,
                    "price": obs.listing.price,
                    "seller": obs.listing.seller,
                    "findings": obs.findings,
                }),
            )];
            let mut writes = vec![
                (StateTree::Observations, key.clone(), bytes),
                // The listing's latest observation, by key: the bytes are stored once.
                (StateTree::Listings, lkey.as_bytes().to_vec(), key.clone()),
            ];
            let now = obs.at();
            for f in findings {
                let fkey = finding_key(f);
                let (record, status) = match self.read(
                    chain,
                    Slot::State(StateTree::Findings),
                    fkey.as_bytes(),
                )? {
                    Some(old) => {
                        let mut r: FindingRecord = parse("findings", fkey.as_bytes(), &old)?;
                        let again = r.last_scan == obs.scan_id;
                        if !again {
                            r.times_seen += 1;
                        }
                        r.last_seen = now;
                        r.last_scan = obs.scan_id;
                        r.finding = f.clone();
                        r.snapshot_sha256 = obs.snapshot.sha256.clone();
                        let status = match r.resolved.take() {
                            Some(was) => {
                                r.relapses += 1;
                                entries.push((
                                    "finding_relapsed".to_string(),
                                    serde_json::json!({"key": fkey.replace('\0', "/"), "resolved_before": was, "observation_log_seq": log_seq}),
                                ));
                                FindingStatus::Relapsed
                            }
                            None if again => FindingStatus::Again,
                            None => FindingStatus::Ongoing,
                        };
                        (r, status)
                    }
                    None => (
                        FindingRecord {
                            finding: f.clone(),
                            first_seen: now,
                            last_seen: now,
                            first_scan: obs.scan_id,
                            last_scan: obs.scan_id,
                            times_seen: 1,
                            snapshot_sha256: obs.snapshot.sha256.clone(),
                            resolved: None,
                            relapses: 0,
                        },
                        FindingStatus::New,
                    ),
                };
                if status == FindingStatus::New {
                    entries.push((
                        "finding".to_string(),
                        serde_json::json!({"key": fkey.replace('\0', "/"), "finding": f, "observation_log_seq": log_seq}),
                    ));
                }
                writes.push((StateTree::Findings, fkey.into_bytes(), json(&record)));
                statuses.push(status);
            }
            Ok((entries, writes))
        })?;
        Ok(statuses)
    }

    /// Marks a scan finished with its summary, and makes everything durable.
    pub fn finish_scan(
        &self,
        scan_id: u64,
        summary: serde_json::Value,
    ) -> Result<String, EvidenceError> {
        let key = scan_id.to_be_bytes();
        let mut rec: ScanRecord = match self.scans.get(key)? {
            Some(v) => parse("scans", &key, &v)?,
            None => {
                return Err(EvidenceError::Corrupt {
                    tree: "scans",
                    key: scan_id.to_string(),
                    message: "scan was never started".into(),
                });
            }
        };
        let (rows, rows_sha256) = self.write_report_rows(scan_id)?;
        let finished = self.append_log(
            "scan_finished",
            serde_json::json!({
                "scan_id": scan_id,
                "summary": summary,
                "report_rows": {"count": rows, "sha256": rows_sha256},
            }),
        )?;
        rec.report_rows = Some(rows);
        rec.finished_at = Some(Utc::now());
        rec.summary = Some(summary);
        rec.log_head = Some(finished.hash.clone());
        self.settle()?;
        self.scans.insert(key, json(&rec))?;
        // The scan is acknowledged as stored only once this flush returns.
        self.db.flush()?;
        Ok(finished.hash)
    }

    /// Writes the report rows of every observation of a scan (see [`super::rows`])
    /// and returns their number and the file's SHA-256. A file already there (a
    /// finish that was interrupted) is replaced whole.
    fn write_report_rows(&self, scan_id: u64) -> Result<(u64, String), EvidenceError> {
        self.settle()?;
        let rows = Walk::prefix(&self.observations, scan_id.to_be_bytes()).map(|r| {
            let (k, v) = r?;
            parse::<ReportRow>("observations", &k, &v)
        });
        rows::write_rows(&self.path, scan_id, rows)
    }

    /// What the compliance report reads of every observation of `scan`, in order,
    /// as JSON that parses as a [`ReportRow`]: its row file, or its full
    /// observations for a scan finished before rows were written (or whose file is
    /// missing: the report stays right, and `verify` names the file).
    pub fn report_rows(
        &self,
        scan: &ScanRecord,
    ) -> Box<dyn Iterator<Item = Result<Vec<u8>, EvidenceError>> + '_> {
        let file = rows::rows_file(&self.path, scan.scan_id);
        if scan.report_rows.is_some() {
            if file.exists() {
                return match rows::read_rows(&file) {
                    Ok(lines) => Box::new(lines),
                    Err(e) => Box::new(std::iter::once(Err(e))),
                };
            }
            tracing::warn!(file = %file.display(), scan = scan.scan_id,
                "report rows missing; reading the scan's observations instead (run `brandguard evidence verify`)");
        }
        Box::new(self.settled_first().chain(
            Walk::prefix(&self.observations, scan.scan_id.to_be_bytes()).map(|r| Ok(r?.1.to_vec())),
        ))
    }

    /// Every finding record, in key order (marketplace, listing, kind).
    pub fn findings(&self) -> impl Iterator<Item = Result<FindingRecord, EvidenceError>> + '_ {
        self.settled_first()
            .chain(Walk::all(&self.findings).map(|r| {
                let (k, v) = r?;
                parse("findings", &k, &v)
            }))
    }

    /// Every observation of one scan, in order.
    pub fn observations(
        &self,
        scan_id: u64,
    ) -> impl Iterator<Item = Result<Observation, EvidenceError>> + '_ {
        self.settled_first()
            .chain(
                Walk::prefix(&self.observations, scan_id.to_be_bytes()).map(|r| {
                    let (k, v) = r?;
                    parse("observations", &k, &v)
                }),
            )
    }

    /// Every scan, oldest first.
    pub fn scans(&self) -> impl Iterator<Item = Result<ScanRecord, EvidenceError>> + '_ {
        Walk::all(&self.scans).map(|r| {
            let (k, v) = r?;
            parse("scans", &k, &v)
        })
    }

    /// Appends log records and writes state in one transaction (see `commit`): the
    /// one way case and finding changes are recorded.
    pub fn record(
        &self,
        events: Vec<Event>,
        writes: Vec<Write>,
    ) -> Result<Vec<LogRecord>, EvidenceError> {
        self.commit(|_, _| Ok((events, writes)))
    }

    /// The scan record of `scan_id`.
    pub fn scan(&self, scan_id: u64) -> Result<Option<ScanRecord>, EvidenceError> {
        let key = scan_id.to_be_bytes();
        match self.scans.get(key)? {
            Some(v) => Ok(Some(parse("scans", &key, &v)?)),
            None => Ok(None),
        }
    }

    /// The finding record under `key` (see [`finding_key`]).
    pub fn finding(&self, key: &str) -> Result<Option<FindingRecord>, EvidenceError> {
        match self.get(Slot::State(StateTree::Findings), key.as_bytes())? {
            Some(v) => Ok(Some(parse("findings", key.as_bytes(), &v)?)),
            None => Ok(None),
        }
    }

    /// One observation by its key (hex, as in the `observation` log record).
    pub fn observation(&self, key_hex: &str) -> Result<Option<Observation>, EvidenceError> {
        let key = hex::decode(key_hex).map_err(|e| EvidenceError::Corrupt {
            tree: "observations",
            key: key_hex.to_string(),
            message: format!("not a hex key: {e}"),
        })?;
        match self.get(Slot::State(StateTree::Observations), &key)? {
            Some(v) => Ok(Some(parse("observations", &key, &v)?)),
            None => Ok(None),
        }
    }

    /// The stored (zstd) bytes of a snapshot, for copying between stores.
    pub fn snapshot_stored(&self, sha256_hex: &str) -> Result<Option<Vec<u8>>, EvidenceError> {
        let key = hex::decode(sha256_hex).map_err(|e| EvidenceError::Corrupt {
            tree: "snapshots",
            key: sha256_hex.to_string(),
            message: format!("not a hex SHA-256: {e}"),
        })?;
        Ok(self.snapshots.get(key)?.map(|v| v.to_vec()))
    }

    /// The scan of this store that `source_scan` of the store whose first log record
    /// hashes to `source` was merged into (`evidence merge`), if it was.
    pub fn merged_into(
        &self,
        source: &str,
        source_scan: u64,
    ) -> Result<Option<u64>, EvidenceError> {
        Ok(self
            .get(
                Slot::State(StateTree::Merged),
                format!("{source}/{source_scan}").as_bytes(),
            )?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes)))
    }

    /// The `merged` tree write that marks `source_scan` of `source` as merged into
    /// `scan_id`; committed with the `shard_merged` record, so both or neither land.
    pub fn merged_write(source: &str, source_scan: u64, scan_id: u64) -> Write {
        (
            StateTree::Merged,
            format!("{source}/{source_scan}").into_bytes(),
            scan_id.to_be_bytes().to_vec(),
        )
    }

    /// The latest observation of a listing.
    pub fn latest(
        &self,
        marketplace: &str,
        listing_id: &str,
    ) -> Result<Option<Observation>, EvidenceError> {
        let key = format!("{marketplace}\0{listing_id}");
        match self.get(Slot::State(StateTree::Listings), key.as_bytes())? {
            Some(v) => self.listing_entry(key.as_bytes(), &v),
            None => Ok(None),
        }
    }

    /// A `listings` tree entry: the key of the listing's latest observation (16
    /// bytes: scan id, sequence), or in stores written before version 0.2 of the
    /// format, the observation itself.
    fn listing_entry(&self, key: &[u8], v: &[u8]) -> Result<Option<Observation>, EvidenceError> {
        if v.len() == 16 {
            return match self.get(Slot::State(StateTree::Observations), v)? {
                Some(o) => Ok(Some(parse("observations", v, &o)?)),
                None => Err(EvidenceError::Corrupt {
                    tree: "listings",
                    key: String::from_utf8_lossy(key).replace('\0', "/"),
                    message: format!("points at observation {} which is missing", hex::encode(v)),
                }),
            };
        }
        Ok(Some(parse("listings", key, v)?))
    }

    /// The stored bytes of a case (JSON), by id.
    pub fn case_bytes(&self, id: &str) -> Result<Option<Vec<u8>>, EvidenceError> {
        Ok(self
            .get(Slot::State(StateTree::Cases), id.as_bytes())?
            .map(|v| v.to_vec()))
    }

    /// Every case's stored bytes, by id order.
    pub fn cases_bytes(
        &self,
    ) -> impl Iterator<Item = Result<(String, Vec<u8>), EvidenceError>> + '_ {
        self.settled_first().chain(Walk::all(&self.cases).map(|r| {
            let (k, v) = r?;
            Ok((String::from_utf8_lossy(&k).into_owned(), v.to_vec()))
        }))
    }

    /// The log record at `seq`.
    pub fn log_record(&self, seq: u64) -> Result<Option<LogRecord>, EvidenceError> {
        match self.get(Slot::Log, &seq.to_be_bytes())? {
            Some(v) => Ok(Some(parse("log", &seq.to_be_bytes(), &v)?)),
            None => Ok(None),
        }
    }

    /// Checks every snapshot against its hash, the whole log chain, every
    /// observation against the hash its log record holds, and that every capture's
    /// snapshot is there. Returns what was checked, or the first bad record.
    pub fn verify(&self) -> Result<Verified, EvidenceError> {
        self.settle()?;
        let mut v = Verified::default();
        for r in Walk::all(&self.snapshots) {
            let (k, z) = r?;
            let bytes = zstd::decode_all(z.as_ref()).map_err(|e| EvidenceError::Corrupt {
                tree: "snapshots",
                key: hex::encode(&k),
                message: format!("does not decompress: {e}"),
            })?;
            let got = Sha256::digest(&bytes);
            if got.as_slice() != k.as_ref() {
                return Err(EvidenceError::Corrupt {
                    tree: "snapshots",
                    key: hex::encode(&k),
                    message: format!("content hashes to {}, expected the key", hex::encode(got)),
                });
            }
            v.snapshots += 1;
        }
        let mut prev = ZERO_HASH.to_string();
        let mut vouched = std::collections::HashSet::new();
        let mut last_case_event: std::collections::HashMap<String, (u64, String)> =
            std::collections::HashMap::new();
        // Scan id → (log record, rows, digest) its `scan_finished` record vouches for.
        let mut rows_vouched: std::collections::BTreeMap<u64, (u64, u64, String)> =
            Default::default();
        for r in Walk::all(&self.log) {
            let (k, raw) = r?;
            let n = v.log_records;
            let rec: LogRecord = parse("log", &k, &raw)?;
            let bad = |message: String| EvidenceError::Corrupt {
                tree: "log",
                key: rec.seq.to_string(),
                message,
            };
            if k.as_ref() != rec.seq.to_be_bytes() || rec.seq != n {
                return Err(bad(format!("expected sequence number {n}")));
            }
            if rec.prev != prev {
                return Err(bad(format!(
                    "prev is {}, expected {prev} (the hash of record {})",
                    rec.prev,
                    n.saturating_sub(1)
                )));
            }
            let payload_sha = sha256_hex(&json(&rec.payload));
            if payload_sha != rec.payload_sha256 {
                return Err(bad(format!(
                    "payload hashes to {payload_sha}, expected {}",
                    rec.payload_sha256
                )));
            }
            let h = chain_hash(&rec.prev, rec.seq, &rec.kind, &rec.payload_sha256);
            if h != rec.hash {
                return Err(bad(format!("record hashes to {h}, expected {}", rec.hash)));
            }
            let field = |name: &str| {
                rec.payload
                    .get(name)
                    .and_then(|x| x.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            match rec.kind.as_str() {
                "observation" => {
                    let key_hex = field("observation_key");
                    let key = hex::decode(&key_hex)
                        .map_err(|_| bad("observation_key is not hex".into()))?;
                    let Some(stored) = self.observations.get(&key)? else {
                        return Err(EvidenceError::Corrupt {
                            tree: "observations",
                            key: key_hex,
                            message: format!("missing, but log record {} vouches for it", rec.seq),
                        });
                    };
                    let got = sha256_hex(&stored);
                    let expected = field("observation_sha256");
                    if got != expected {
                        return Err(EvidenceError::Corrupt {
                            tree: "observations",
                            key: key_hex,
                            message: format!(
                                "hashes to {got}, expected {expected} (log record {})",
                                rec.seq
                            ),
                        });
                    }
                    vouched.insert(key);
                    v.observations += 1;
                }
                "capture" => {
                    let sha = rec
                        .payload
                        .pointer("/snapshot/sha256")
                        .and_then(|x| x.as_str())
                        .unwrap_or("")
                        .to_string();
                    let key =
                        hex::decode(&sha).map_err(|_| bad("snapshot sha256 is not hex".into()))?;
                    if !self.snapshots.contains_key(key)? {
                        return Err(EvidenceError::Corrupt {
                            tree: "snapshots",
                            key: sha,
                            message: format!(
                                "missing, but capture record {} refers to it",
                                rec.seq
                            ),
                        });
                    }
                    v.captures += 1;
                }
                "case_event" => {
                    // The newest event of a case vouches for the case's stored bytes.
                    last_case_event.insert(field("case_id"), (rec.seq, field("case_sha256")));
                }
                "scan_finished" => {
                    if let Some(rows) = rec.payload.get("report_rows") {
                        let scan = rec.payload.get("scan_id").and_then(|x| x.as_u64());
                        let count = rows.get("count").and_then(|x| x.as_u64());
                        let sha = rows.get("sha256").and_then(|x| x.as_str());
                        let (Some(scan), Some(count), Some(sha)) = (scan, count, sha) else {
                            return Err(bad("report_rows without scan_id, count or sha256".into()));
                        };
                        rows_vouched.insert(scan, (rec.seq, count, sha.to_string()));
                    }
                }
                _ => {}
            }
            prev = rec.hash;
            v.log_records += 1;
        }
        for r in Walk::all(&self.observations) {
            let (k, _) = r?;
            if !vouched.contains(k.as_ref()) {
                return Err(EvidenceError::Corrupt {
                    tree: "observations",
                    key: hex::encode(&k),
                    message:
                        "no log record vouches for this observation (inserted outside the chain)"
                            .into(),
                });
            }
        }
        self.verify_report_rows(&rows_vouched, &mut v)?;
        for r in Walk::all(&self.cases) {
            let (k, bytes) = r?;
            let id = String::from_utf8_lossy(&k).into_owned();
            let got = sha256_hex(&bytes);
            match last_case_event.get(&id) {
                Some((_, expected)) if *expected == got => v.cases += 1,
                Some((seq, expected)) => {
                    return Err(EvidenceError::Corrupt {
                        tree: "cases",
                        key: id,
                        message: format!("hashes to {got}, expected {expected} (log record {seq})"),
                    });
                }
                None => {
                    return Err(EvidenceError::Corrupt {
                        tree: "cases",
                        key: id,
                        message: "no log record vouches for this case (inserted outside the chain)"
                            .into(),
                    });
                }
            }
        }
        v.head = prev;
        Ok(v)
    }

    /// Checks every scan's row file against the count and SHA-256 its
    /// `scan_finished` record holds; a row file no record vouches for is an error.
    fn verify_report_rows(
        &self,
        vouched: &std::collections::BTreeMap<u64, (u64, u64, String)>,
        v: &mut Verified,
    ) -> Result<(), EvidenceError> {
        for (scan, (seq, count, sha)) in vouched {
            let file = rows::rows_file(&self.path, *scan);
            let (got_count, got_sha) = rows::check_rows(&file)?;
            if (got_count, &got_sha) != (*count, sha) {
                return Err(EvidenceError::Corrupt {
                    tree: "report_rows",
                    key: file.display().to_string(),
                    message: format!(
                        "{got_count} rows hashing to {got_sha}, expected {count} hashing to {sha} (log record {seq}, scan {scan})"
                    ),
                });
            }
            v.report_rows += count;
        }
        let dir = rows::rows_dir(&self.path);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(rows::file_error(&dir, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| rows::file_error(&dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            match rows::scan_of_rows_file(&name) {
                Some(scan) if vouched.contains_key(&scan) => {}
                // Left by a finish that was interrupted: harmless, written again.
                None if name.ends_with(".tmp") => {}
                _ => {
                    return Err(EvidenceError::Corrupt {
                        tree: "report_rows",
                        key: dir.join(&name).display().to_string(),
                        message: "no scan_finished record vouches for this file (written outside the chain)".into(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Every record of the log, in order.
    pub fn log(&self) -> impl Iterator<Item = Result<LogRecord, EvidenceError>> + '_ {
        self.settled_first().chain(Walk::all(&self.log).map(|r| {
            let (k, v) = r?;
            parse("log", &k, &v)
        }))
    }

    /// Every observation of one listing (by marketplace and listing id), oldest first.
    pub fn history(
        &self,
        marketplace: &str,
        listing_id: &str,
    ) -> Result<Vec<Observation>, EvidenceError> {
        self.settle()?;
        let mut out = Vec::new();
        for r in Walk::all(&self.observations) {
            let (k, v) = r?;
            let o: Observation = parse("observations", &k, &v)?;
            if o.listing.marketplace == marketplace && o.listing.listing_id == listing_id {
                out.push(o);
            }
        }
        Ok(out)
    }

    /// Listings whose URL or id is `needle`: `(marketplace, listing id)`.
    pub fn find_listing(&self, needle: &str) -> Result<Vec<(String, String)>, EvidenceError> {
        self.settle()?;
        let mut out = Vec::new();
        for r in Walk::all(&self.listings) {
            let (k, v) = r?;
            let Some(o) = self.listing_entry(&k, &v)? else {
                continue;
            };
            let l = &o.listing;
            let full = format!("{}/{}", l.marketplace, l.listing_id);
            if l.url == needle
                || l.listing_id == needle
                || full == needle
                || o.page.url.as_str() == needle
            {
                out.push((l.marketplace.clone(), l.listing_id.clone()));
            }
        }
        Ok(out)
    }
}

impl Drop for Store {
    /// Commits what is pending, so a command that ends without a flush loses nothing.
    fn drop(&mut self) {
        if let Err(e) = self.settle() {
            tracing::error!(store = %self.path.display(), error = %e, "evidence not written");
        }
    }
}

/// What [`Store::verify`] checked.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Verified {
    pub snapshots: u64,
    pub log_records: u64,
    pub observations: u64,
    /// Report rows, all vouched for by their scan's `scan_finished` record.
    pub report_rows: u64,
    pub captures: u64,
    pub cases: u64,
    /// Hash of the last log record.
    pub head: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: u64) -> Event {
        ("test".to_string(), serde_json::json!({ "n": n }))
    }

    #[test]
    fn a_store_reopens_straight_after_it_was_closed_and_a_held_one_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        // sled releases its lock from a background thread after the drop; open waits.
        for n in 0..20 {
            let store = Store::open(dir.path()).expect("reopen right after close");
            store.record(vec![event(n)], vec![]).expect("record");
        }
        let held = Store::open(dir.path()).expect("open");
        match Store::open(dir.path()) {
            Err(EvidenceError::Locked { path }) => assert_eq!(path, dir.path()),
            Err(e) => panic!("expected Locked, got {e}"),
            Ok(_) => panic!("a held store must be refused"),
        }
        drop(held);
    }

    #[test]
    fn walks_yield_every_item_of_the_tree_or_prefix_in_key_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = sled::open(dir.path().join("db")).expect("open");
        let t = db.open_tree("t").expect("tree");
        // Enough items for many leaves (sled splits a leaf past 16 items).
        for i in 0u32..1000 {
            t.insert(
                [(i % 3) as u8]
                    .iter()
                    .chain(&i.to_be_bytes())
                    .copied()
                    .collect::<Vec<u8>>(),
                &i.to_be_bytes(),
            )
            .expect("insert");
        }
        let all: Vec<_> = Walk::all(&t).map(|r| r.expect("item").0.to_vec()).collect();
        let plain: Vec<_> = t.iter().map(|r| r.expect("item").0.to_vec()).collect();
        assert_eq!(all.len(), 1000);
        assert_eq!(all, plain);
        let ones: Vec<u32> = Walk::prefix(&t, [1u8])
            .map(|r| u32::from_be_bytes(r.expect("item").1.as_ref().try_into().expect("u32")))
            .collect();
        assert_eq!(ones, (0..1000).filter(|i| i % 3 == 1).collect::<Vec<_>>());
    }

    #[test]
    fn pending_commits_are_read_back_before_they_settle() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let recs = store
            .record(
                vec![event(1)],
                vec![(StateTree::Cases, b"C-1".to_vec(), b"{}".to_vec())],
            )
            .expect("record");
        assert!(
            !store.chain().pending.is_empty(),
            "small commits wait for a group"
        );
        assert!(
            store
                .log
                .get(recs[0].seq.to_be_bytes())
                .expect("get")
                .is_none()
        );
        // Point reads see the pending commit …
        assert_eq!(store.case_bytes("C-1").expect("case"), Some(b"{}".to_vec()));
        let rec = store
            .log_record(recs[0].seq)
            .expect("log")
            .expect("present");
        assert_eq!(rec.hash, recs[0].hash);
        // … and a walk settles it first.
        assert_eq!(store.log().count(), 1);
        assert!(store.chain().pending.is_empty());
        assert!(
            store
                .log
                .get(recs[0].seq.to_be_bytes())
                .expect("get")
                .is_some()
        );
    }

    #[test]
    fn a_store_dropped_without_a_flush_keeps_its_commits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let head = {
            let store = Store::open(dir.path()).expect("open");
            store
                .record(vec![event(1), event(2)], Vec::new())
                .expect("record");
            store.log_head()
        };
        let store = Store::open(dir.path()).expect("reopen");
        assert_eq!(store.log_len(), 2);
        assert_eq!(store.log_head(), head);
        assert_eq!(store.verify().expect("verify").log_records, 2);
    }

    #[test]
    fn a_group_that_cannot_land_leaves_the_chain_as_sled_holds_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        store.record(vec![event(1)], Vec::new()).expect("record");
        store.settle().expect("settle");
        let (len, head) = (store.log_len(), store.log_head());
        // Something wrote the next sequence number behind the chain's back.
        store
            .log
            .insert(len.to_be_bytes(), b"{}".as_slice())
            .expect("insert");
        store
            .record(vec![event(2)], Vec::new())
            .expect("accepted into the group");
        let err = store.settle().expect_err("the group must not land");
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!((store.log_len(), store.log_head()), (len, head));
        assert!(store.chain().pending.is_empty());
    }

    #[test]
    fn large_groups_commit_without_waiting_for_a_flush() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let big = "x".repeat(64 * 1024);
        for n in 0..20 {
            store
                .record(
                    vec![event(n)],
                    vec![(
                        StateTree::Cases,
                        format!("C-{n}").into_bytes(),
                        big.clone().into_bytes(),
                    )],
                )
                .expect("record");
        }
        // 20 × 64 KiB passed GROUP_BYTES (1 MiB) once: that group is in sled.
        assert!(store.log.len() >= 16, "{}", store.log.len());
        assert!(store.chain().pending_bytes < GROUP_BYTES);
    }
}
