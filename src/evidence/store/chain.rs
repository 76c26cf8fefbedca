//! The hash-chained log: records appended under one lock, each holding the hash
//! of the one before, and group commit (pending records and state writes land in
//! sled together, in one transaction, at a settle).

#[allow(unused_imports)]
use super::*;

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

pub(super) fn chain_hash(prev: &str, seq: u64, kind: &str, payload_sha256: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(seq.to_be_bytes());
    h.update(kind.as_bytes());
    h.update(payload_sha256.as_bytes());
    hex::encode(h.finalize())
}

pub(super) const ZERO_HASH: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

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
pub(super) struct Chain {
    /// Sequence number of the next record, and hash of the newest (pending included).
    pub(super) next: u64,
    pub(super) head: String,
    /// `next` and `head` as sled holds them: restored if a group fails to commit.
    pub(super) settled: (u64, String),
    /// The newest value of every key written since the last settle.
    pub(super) pending: std::collections::HashMap<(Slot, Vec<u8>), Vec<u8>>,
    pub(super) pending_bytes: usize,
}

/// Pending bytes at which a group is committed without waiting for a flush.
pub(super) const GROUP_BYTES: usize = 1 << 20;

impl Store {
    pub(super) fn chain(&self) -> std::sync::MutexGuard<'_, Chain> {
        match self.chain.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        }
    }

    /// Writes every pending commit to sled in one transaction (see `Chain`).
    /// Readers that walk a tree call it first, so they see everything appended.
    pub fn settle(&self) -> Result<(), EvidenceError> {
        let mut chain = self.chain();
        self.settle_locked(&mut chain)
    }

    /// Settles pending commits before a walk over a tree: yields the error, if any,
    /// as the walk's first item.
    pub(super) fn settled_first<T>(
        &self,
    ) -> impl Iterator<Item = Result<T, EvidenceError>> + use<T> {
        self.settle().err().map(Err).into_iter()
    }

    pub(super) fn settle_locked(&self, chain: &mut Chain) -> Result<(), EvidenceError> {
        use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};
        // Snapshots first, synced: no record naming one lands in sled before its bytes
        // are on disk (see `packs`).
        self.packs.publish(&self.snapshots)?;
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
            &self.validators,
            &self.scans,
            &self.identities,
        )
            .transaction(
                |(
                    log,
                    observations,
                    listings,
                    findings,
                    cases,
                    merged,
                    validators,
                    scans,
                    identities,
                )| {
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
                            Slot::State(StateTree::Validators) => validators,
                            Slot::State(StateTree::Scans) => scans,
                            Slot::State(StateTree::Identities) => identities,
                            Slot::State(StateTree::History | StateTree::Renders) => listings,
                        };
                        t.insert(key.as_slice(), value.as_slice())?;
                    }
                    Ok(())
                },
            );
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

    /// Appends a record to the hash chain.
    pub(super) fn append_log(
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
    pub(super) fn commit(
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

    /// [`Store::flush`] for callers outside an async runtime (merge, packets).
    pub fn flush_now(&self) -> Result<(), EvidenceError> {
        self.settle()?;
        self.db.flush()?;
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

    /// The log record at `seq`.
    pub fn log_record(&self, seq: u64) -> Result<Option<LogRecord>, EvidenceError> {
        match self.get(Slot::Log, &seq.to_be_bytes())? {
            Some(v) => Ok(Some(parse("log", &seq.to_be_bytes(), &v)?)),
            None => Ok(None),
        }
    }

    /// Every record of the log, in order.
    pub fn log(&self) -> impl Iterator<Item = Result<LogRecord, EvidenceError>> + '_ {
        self.settled_first().chain(Walk::all(&self.log).map(|r| {
            let (k, v) = r?;
            parse("log", &k, &v)
        }))
    }

    /// The records of one kind, in order. A record's raw bytes are searched for its
    /// kind before they are parsed, so a walk for a rare kind costs little more
    /// than reading the log.
    pub fn log_of_kind<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = Result<LogRecord, EvidenceError>> + 'a {
        let needle = format!("\"kind\":{}", serde_json::Value::from(kind));
        let finder = memchr::memmem::Finder::new(needle.as_bytes()).into_owned();
        self.settled_first()
            .chain(Walk::all(&self.log).filter_map(move |r| {
                let (k, v) = match r {
                    Ok(kv) => kv,
                    Err(e) => return Some(Err(e.into())),
                };
                finder.find(&v)?;
                match parse::<LogRecord>("log", &k, &v) {
                    Ok(rec) if rec.kind == kind => Some(Ok(rec)),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                }
            }))
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

    /// [`Store::record`] for writes that name the sequence number their first
    /// record gets (`build` is given it, under the chain's lock).
    pub fn record_with(
        &self,
        build: impl FnOnce(u64) -> Result<(Vec<Event>, Vec<Write>), EvidenceError>,
    ) -> Result<Vec<LogRecord>, EvidenceError> {
        self.commit(|_, first| build(first))
    }
}
