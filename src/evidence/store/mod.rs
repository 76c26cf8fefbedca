//! The evidence store's one way in, [`Store`], split by job:
//!
//! - [`records`]: the record types and their keys;
//! - `chain`: the hash-chained log and group commit (everything written goes
//!   through [`Store::commit`]-style appends under one lock);
//! - `snapshots`: content-addressed, compressed page bytes (kept in `packs`:
//!   append-only files beside sled, which holds where each one is);
//! - `listings`: captures, observations, findings, cases' bytes, validators;
//! - `scans`: scan records and report rows;
//! - `identities`: seller identities read from profile pages (log records only);
//! - `renders`: rendered captures (DOM and screenshot of a listing; log records
//!   and snapshots);
//! - `verify`: recomputing everything against what vouches for it.
//!
//! This file opens the store (schema version, sled's lock) and holds the layout:
//! the trees, [`StateTree`] and the walks over them.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::rows::{self, ReportRow};

mod chain;
mod identities;
mod listings;
mod packs;
mod rebuild;
pub mod records;
mod renders;
mod scans;
mod snapshots;
mod verify;

use crate::crawl::Page;
use crate::extract::Listing;
use crate::judge::{Finding, FindingKind, SkuMatch};
pub use chain::LogRecord;
use chain::{Chain, ZERO_HASH, chain_hash};
pub use identities::{IDENTITY_KIND, IdentityRecord};
pub use packs::PackAudit;
pub use rebuild::Rebuilt;
pub use records::*;
pub use renders::{PageToRender, RENDER_KIND, RenderOf, RenderRecord};
pub use snapshots::{PreparedSnapshot, sha256_hex};
pub use verify::Verified;

thread_local! {
    /// Set while [`Store::undamaged`] runs sled on this thread.
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs, once, a panic hook that stays silent on a thread inside
/// [`Store::undamaged`] and hands every other panic to the hook it replaced.
fn quiet_panics_install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
}

/// The layout version this build writes. Opening a store with a higher one fails.
/// 2: snapshots in pack files (sled holds pointers an older build cannot read);
/// a version-1 store opened by this build becomes version 2.
pub const SCHEMA_VERSION: u32 = 2;

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
    #[error(
        "the time-stamp authority {tsa} gave no token: {message}. Nothing was changed; the head is anchored by the next successful `evidence anchor`"
    )]
    Tsa { tsa: String, message: String },
    #[error("cannot write the WACZ bundle: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error(
        "the evidence store {path} is damaged: sled cannot read its files ({message}). Nothing was changed; restore the store from a backup (`brandguard evidence backup` makes one) and run `brandguard evidence verify` on it"
    )]
    Damaged { path: PathBuf, message: String },
    #[error("{0} already exists: back up into a new folder")]
    BackupExists(PathBuf),
    #[error(
        "there is no brandguard evidence store at {path} ({why}); check --store (the demo writes its store to <out>/store, a scan to the --store it is given); only `scan` and `demo` create a store"
    )]
    NotAStore { path: PathBuf, why: &'static str },
}

/// The evidence store of one brand.
pub struct Store {
    path: PathBuf,
    db: sled::Db,
    /// SHA-256 → where its compressed bytes are in [`Store::packs`] (older stores:
    /// the bytes themselves).
    snapshots: sled::Tree,
    packs: packs::Packs,
    observations: sled::Tree,
    listings: sled::Tree,
    findings: sled::Tree,
    /// URL → the validators and capture of its last 200 answer (for conditional
    /// requests): committed with its capture (see [`StateTree::Validators`]).
    validators: sled::Tree,
    /// `marketplace\0seller id` → sequence number (u64 big-endian) of the newest
    /// `seller_identity` log record of that seller (see [`StateTree::Identities`]).
    identities: sled::Tree,
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

fn json<T: Serialize>(v: &T) -> Vec<u8> {
    // Serialising our own plain structs and `serde_json::Value`s (string keys only)
    // to JSON cannot fail: nothing here comes from outside as a map with other keys.
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
    /// URL → validators of its last 200 answer and that capture: written in the
    /// same group as the capture it points at, so it never outlives it in a crash.
    Validators,
    /// Scan id → its `ScanRecord`, committed with its scan_started and
    /// scan_finished records.
    Scans,
    /// Seller account → its newest `seller_identity` record, committed with it:
    /// readers find a seller's identity without walking the log.
    Identities,
    /// `0xFF marketplace\0listing id\0` + observation key → nothing: every
    /// observation of a listing, committed with it, so a case page reads its
    /// listings' histories as point reads (a walk of every observation took seconds
    /// on a large store). Kept in the `listings` tree after the latest-observation
    /// entries (0xFF begins no UTF-8 text): a tree of its own in every commit's
    /// transaction cost 4% of a light-page scan's CPU, these entries nothing measurable.
    History,
    /// `0xFE marketplace\0listing id\0` + the `rendered_capture` record's seq (u64
    /// big-endian) → nothing: every rendered capture of a listing, committed with
    /// its record, so readers find renders without walking the log (which grows by
    /// every page of every night). In the `listings` tree, before the history.
    Renders,
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

/// Removes the snapshot files sled left unfinished in `path` (`snap.*.generating`);
/// whether there were any.
///
/// sled 0.34 writes its snapshot (its page table, rebuilt from its log at every
/// open) to `snap.N.generating`, then renames it `snap.N`; but when it looks for
/// its snapshot it takes the highest-named file, `.generating` ones included. One
/// left unfinished (the disk filled up while sled wrote it, or the process died
/// then) is taken for a corrupt snapshot and sled refuses to open the store ever
/// after (spacejam/sled#1527, open). Tried here: a store whose disk filled up was
/// opened again (`evidence verify`) before space was freed, and never opened
/// again. The file is sled's scratch, no evidence: without it sled reads its last
/// finished snapshot and its log, which hold everything it acknowledged.
fn unfinished_snapshots_removed(path: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(path) else {
        return false;
    };
    let mut removed = false;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => {
                    tracing::warn!(file = %entry.path().display(), "removed a snapshot file sled left unfinished (a full disk or a crash while it wrote it); sled rebuilds it from its log");
                    removed = true;
                }
                Err(e) => {
                    tracing::error!(file = %entry.path().display(), error = %e, "cannot remove a snapshot file sled left unfinished: remove it by hand");
                }
            }
        }
    }
    removed
}

/// Opens the sled database under a store in `path`, waiting up to `LOCK_WAIT` for its
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
    let opened = || {
        open.retry(wait)
            .sleep(std::thread::sleep)
            .when(is_locked)
            .call()
    };
    opened()
        .or_else(|e| match e {
            // Only after sled held the lock and refused what it read: no other
            // process is writing a snapshot right now.
            sled::Error::Corruption { at: None, .. } if unfinished_snapshots_removed(path) => {
                opened()
            }
            e => Err(e),
        })
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

/// The history entries (see [`StateTree::History`]), built from the observations
/// once for a store written before they existed (or rebuilt without them); meta's
/// `history_index` says they are complete. Idempotent: a build cut short by a crash
/// is done again at the next open.
fn index_history(db: &sled::Db, meta: &sled::Tree) -> Result<(), EvidenceError> {
    if meta.get("history_index")?.is_some() {
        return Ok(());
    }
    #[derive(Deserialize)]
    struct Of {
        listing: ListingOf,
    }
    #[derive(Deserialize)]
    struct ListingOf {
        marketplace: String,
        listing_id: String,
    }
    let (observations, listings) = (db.open_tree("observations")?, db.open_tree("listings")?);
    let mut built = 0u64;
    for r in Walk::all(&observations) {
        let (k, v) = r?;
        // An unreadable observation is left for `verify` to name: failing here
        // would keep the store from opening, `evidence rebuild` included.
        let Ok(of) = serde_json::from_slice::<Of>(&v) else {
            continue;
        };
        listings.insert(
            history_key(&of.listing.marketplace, &of.listing.listing_id, &k),
            &[],
        )?;
        built += 1;
    }
    meta.insert("history_index", &[1u8])?;
    db.flush()?;
    if built > 0 {
        tracing::info!(observations = built, "indexed every listing's observations");
    }
    Ok(())
}

/// The render entries (see [`StateTree::Renders`]), built from the log once for a
/// store written before they existed (or rebuilt); meta's `render_index` says they
/// are complete.
fn index_renders(db: &sled::Db, meta: &sled::Tree) -> Result<(), EvidenceError> {
    if meta.get("render_index")?.is_some() {
        return Ok(());
    }
    let (log, listings) = (db.open_tree("log")?, db.open_tree("listings")?);
    let needle = format!("\"kind\":{}", serde_json::Value::from(RENDER_KIND));
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    for r in Walk::all(&log) {
        let (_, v) = r?;
        if finder.find(&v).is_none() {
            continue;
        }
        // An unreadable record is left for `verify` (see `index_history`).
        let Ok(rec) = serde_json::from_slice::<LogRecord>(&v) else {
            continue;
        };
        if rec.kind != RENDER_KIND {
            continue;
        }
        let field = |name: &str| rec.payload.get(name).and_then(|x| x.as_str()).unwrap_or("");
        listings.insert(
            render_key(field("marketplace"), field("listing_id"), rec.seq),
            &[],
        )?;
    }
    meta.insert("render_index", &[1u8])?;
    db.flush()?;
    Ok(())
}

/// The first byte of every render entry in the `listings` tree.
pub(super) const RENDERS: u8 = 0xFE;

/// A render entry's key: `0xFE marketplace\0listing id\0` and the record's seq.
pub(super) fn render_key(marketplace: &str, listing_id: &str, seq: u64) -> Vec<u8> {
    let mut k = vec![RENDERS];
    k.extend_from_slice(format!("{marketplace}\0{listing_id}\0").as_bytes());
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// The first byte of every history entry in the `listings` tree.
pub(super) const HISTORY: u8 = 0xFF;

/// A listing's history entries' prefix: `0xFF marketplace\0listing id\0`.
pub(super) fn history_prefix(marketplace: &str, listing_id: &str) -> Vec<u8> {
    let mut k = vec![HISTORY];
    k.extend_from_slice(format!("{marketplace}\0{listing_id}\0").as_bytes());
    k
}

/// A history entry's key: the listing's prefix and the observation's key (16 bytes).
pub(super) fn history_key(marketplace: &str, listing_id: &str, observation_key: &[u8]) -> Vec<u8> {
    let mut k = history_prefix(marketplace, listing_id);
    k.extend_from_slice(observation_key);
    k
}

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

    /// The `listings` tree's latest-observation entries, without the render and
    /// history entries after them (see [`StateTree::Renders`], [`StateTree::History`]).
    fn latest(listings: &sled::Tree) -> Walk {
        Walk {
            tree: listings.clone(),
            iter: listings.range(..[RENDERS].as_slice()),
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
    /// Opens the store in folder `path`, which must already hold one: every command
    /// but `scan` and `demo` reads a store, and a mistyped `--store` must be an
    /// error, never a new empty store whose empty reports look like a clean month.
    pub fn open_existing(path: &Path) -> Result<Store, EvidenceError> {
        let store = Self::open_to_rebuild(path)?;
        match store.lost_log() {
            Some(message) => Err(EvidenceError::Damaged {
                path: path.to_path_buf(),
                message,
            }),
            None => Ok(store),
        }
    }

    /// [`Store::open_existing`] for `evidence rebuild`, which must open a store whose
    /// log sled lost to name what is left of it; readers refuse such a store.
    pub fn open_to_rebuild(path: &Path) -> Result<Store, EvidenceError> {
        let not = |why| EvidenceError::NotAStore {
            path: path.to_path_buf(),
            why,
        };
        if !path.exists() {
            return Err(not("no such folder"));
        }
        if !path.is_dir() {
            return Err(not("it is a file, not a folder"));
        }
        // sled writes `conf` and `db` when it creates a database. Neither: not a
        // store. One without the other: a damaged store (never recreated empty).
        match (path.join("conf").is_file(), path.join("db").is_file()) {
            (false, false) => Err(not("the folder holds no sled database (`conf` and `db`)")),
            (true, false) | (false, true) => Err(EvidenceError::Damaged {
                path: path.to_path_buf(),
                message: format!(
                    "`{}` is missing",
                    if path.join("db").is_file() {
                        "conf"
                    } else {
                        "db"
                    }
                ),
            }),
            (true, true) => Self::open(path),
        }
    }

    /// Why the store's log is gone while its files show scans were written: a `db`
    /// cut short whose snapshot file is also gone can open in sled as an empty (or
    /// shorter) store, and readers would report no cases and no findings as if that
    /// were true. A report-rows file of a scan the store has no record of cannot
    /// come from a crash (rows are written at the end of a scan that began in the
    /// log), only from a log sled lost. (A file of a scan begun but not finished is
    /// what a crash leaves: the scan's resume rewrites it.)
    fn lost_log(&self) -> Option<String> {
        let files = std::fs::read_dir(rows::rows_dir(&self.path)).ok()?;
        let mut unknown = Vec::new();
        for e in files.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let Some(scan) = name
                .strip_suffix(".jsonl.zst")
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            match self.scan(scan) {
                Ok(None) => unknown.push(name),
                Ok(Some(r)) if r.finished_at.is_none() => {
                    if let Some(lost) = self.rows_beyond_log(&e.path()) {
                        return Some(format!(
                            "{name} (written from durable records only) names capture log record {lost}, but the log ends at {}: sled lost part of the log (`brandguard evidence rebuild` names what is left; or restore a backup)",
                            self.log_len()
                        ));
                    }
                }
                _ => {}
            }
        }
        (!unknown.is_empty()).then(|| {
            format!(
                "report-rows files of scans its log has no record of ({}): sled lost the log (`brandguard evidence rebuild` names what is left)",
                unknown.join(", ")
            )
        })
    }

    /// The highest capture log record a rows file names, if the log does not hold
    /// it. Rows files are written from flushed records only: a crash never leaves
    /// one naming a record the log lacks (a file of a scan begun but not finished,
    /// which a crash in `finish_scan` leaves, names only records it holds).
    fn rows_beyond_log(&self, file: &Path) -> Option<u64> {
        #[derive(Deserialize)]
        struct Seq {
            capture_log_seq: u64,
        }
        let len = self.log_len();
        rows::read_rows(file)
            .ok()?
            .filter_map(|line| serde_json::from_slice::<Seq>(&line.ok()?).ok())
            .map(|s| s.capture_log_seq)
            .filter(|&s| s >= len)
            .max()
    }

    /// Opens (or creates) the store in folder `path`: for `scan`, `demo`, and the
    /// targets of `evidence merge`, `rebuild` and `backup`.
    pub fn open(path: &Path) -> Result<Store, EvidenceError> {
        std::fs::create_dir_all(path)?;
        let db = Self::undamaged(path, || open_sled(path))?;
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
                if found < SCHEMA_VERSION {
                    meta.insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
                }
            }
            None => {
                meta.insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
            }
        }
        index_history(&db, &meta)?;
        index_renders(&db, &meta)?;
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
            packs: packs::Packs::new(path),
            observations: db.open_tree("observations")?,
            listings: db.open_tree("listings")?,
            findings: db.open_tree("findings")?,
            cases: db.open_tree("cases")?,
            validators: db.open_tree("validators")?,
            identities: db.open_tree("identities")?,
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

    /// Runs `f`, which reads sled's files, turning a panic inside sled into
    /// [`EvidenceError::Damaged`]: sled 0.34 panics on some damaged files (a zeroed
    /// page: "tried to serialize Uninitialized") instead of returning an error, and
    /// a damaged store must be a clear message, never a crash.
    pub(crate) fn undamaged<T>(
        path: &Path,
        f: impl FnOnce() -> Result<T, EvidenceError>,
    ) -> Result<T, EvidenceError> {
        // Quiet while sled is tried on this thread: its panic becomes the error
        // below, not a backtrace on the user's terminal. Only this thread is quiet:
        // swapping the process's panic hook for the time would silence a panic of
        // any other thread meanwhile (it hid a failing test's message).
        quiet_panics_install();
        QUIET_PANICS.with(|q| q.set(true));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        QUIET_PANICS.with(|q| q.set(false));
        result.unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "sled panicked".into());
            Err(EvidenceError::Damaged {
                path: path.to_path_buf(),
                message,
            })
        })
    }

    fn tree(&self, slot: Slot) -> &sled::Tree {
        match slot {
            Slot::Log => &self.log,
            Slot::State(StateTree::Observations) => &self.observations,
            Slot::State(StateTree::Listings) => &self.listings,
            Slot::State(StateTree::Findings) => &self.findings,
            Slot::State(StateTree::Cases) => &self.cases,
            Slot::State(StateTree::Merged) => &self.merged,
            Slot::State(StateTree::Validators) => &self.validators,
            Slot::State(StateTree::Identities) => &self.identities,
            Slot::State(StateTree::Scans) => &self.scans,
            Slot::State(StateTree::History) | Slot::State(StateTree::Renders) => &self.listings,
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

    pub fn path(&self) -> &Path {
        &self.path
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

#[cfg(test)]
mod tests {
    use super::chain::GROUP_BYTES;
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

    /// A snapshot sled left unfinished (here as a full disk leaves one: its first
    /// 4 KiB) made sled 0.34 refuse the store for good (spacejam/sled#1527).
    #[test]
    fn a_snapshot_sled_left_unfinished_does_not_lock_the_store_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        let head = {
            let store = Store::open(dir.path()).expect("open");
            for n in 0..50 {
                store.record(vec![event(n)], vec![]).expect("record");
            }
            store.flush_now().expect("flush");
            store.verify().expect("verify")
        };
        // Named after every finished one, so sled takes it for the latest.
        let unfinished = dir.path().join("snap.FFFFFFFFFFFFFFFF.generating");
        std::fs::write(&unfinished, vec![0x5a; 4096]).expect("write");
        let store = Store::open(dir.path()).expect("the store opens");
        assert!(!unfinished.exists());
        let verified = store.verify().expect("verify");
        assert_eq!(verified.head, head.head, "everything acknowledged is there");
        assert_eq!(verified.log_records, head.log_records);
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
