//! Captures, observations, each listing's latest observation, findings, cases'
//! bytes and the validators cache: what a scan writes per page and what readers
//! look up.

#[allow(unused_imports)]
use std::collections::BTreeMap;

use super::*;

impl Store {
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
            page: page.without_body(),
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
                (
                    StateTree::History,
                    super::history_key(&obs.listing.marketplace, &obs.listing.listing_id, &key),
                    Vec::new(),
                ),
            ];
            let mut vouched = std::collections::BTreeMap::new();
            for f in findings {
                let fkey = finding_key(f);
                let stored = self.read(chain, Slot::State(StateTree::Findings), fkey.as_bytes())?;
                let (mut record, status) = finding_seen(&fkey, stored.as_deref(), f, &obs)?;
                record.written_by = Some(log_seq);
                let key = fkey.replace('\0', "/");
                match status {
                    FindingStatus::New => entries.push((
                        "finding".to_string(),
                        serde_json::json!({"key": key, "finding": f, "observation_log_seq": log_seq}),
                    )),
                    FindingStatus::Relapsed => entries.push((
                        "finding_relapsed".to_string(),
                        serde_json::json!({"key": key, "resolved_before": relapsed_from(stored.as_deref()), "observation_log_seq": log_seq}),
                    )),
                    _ => {}
                }
                let bytes = json(&record);
                vouched.insert(key, sha256_hex(&bytes));
                writes.push((StateTree::Findings, fkey.into_bytes(), bytes));
                statuses.push(status);
            }
            // The observation's record vouches for the finding records it wrote.
            entries[0].1["finding_sha256"] = serde_json::json!(vouched);
            Ok((entries, writes))
        })?;
        Ok(statuses)
    }

    /// Remembers `url`'s validators (ETag, Last-Modified) from capture
    /// `capture_seq`, for the next scan's conditional request. Written as a commit
    /// (no log record): it lands in sled in the same group as the capture it
    /// points at or a later one, never before it. Written straight to sled, a
    /// crash could keep this while losing the capture, and the sequence number,
    /// reused by another page's capture, made the next 304 read that page's bytes.
    pub fn remember_validators(
        &self,
        url: &url::Url,
        validators: &crate::crawl::Validators,
        capture_seq: u64,
    ) -> Result<(), EvidenceError> {
        let v = serde_json::json!({"validators": validators, "capture_log_seq": capture_seq});
        let key = url.as_str().as_bytes().to_vec();
        self.commit(|_, _| Ok((Vec::new(), vec![(StateTree::Validators, key, json(&v))])))?;
        Ok(())
    }

    /// The validators of `url`'s last 200 answer and that answer's capture; `None`
    /// if there are none, or if the capture they name is not a capture of `url`
    /// (a store written before validators were committed with their capture).
    pub fn validators_of(
        &self,
        url: &url::Url,
    ) -> Result<Option<(crate::crawl::Validators, Capture)>, EvidenceError> {
        let key = url.as_str().as_bytes();
        let Some(raw) = self.get(Slot::State(StateTree::Validators), key)? else {
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
        let is_capture = rec.kind == "capture";
        let capture = match serde_json::from_value::<Capture>(rec.payload) {
            Ok(c) if is_capture && c.page.url == *url && c.page.status == 200 => c,
            _ => {
                tracing::warn!(%url, capture_log_seq = seq, "validators name a capture of another page; fetching unconditionally");
                return Ok(None);
            }
        };
        let validators = serde_json::from_value(v["validators"].clone()).unwrap_or_default();
        Ok(Some((validators, capture)))
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

    /// [`Store::finding`], checked against the log record that wrote it (one
    /// lookup): what packets and reports put in front of people is refused, with
    /// verify's message, if its bytes are not the ones that record vouches for.
    /// Records written by older versions name no record and are returned as they are.
    pub fn vouched_finding(&self, key: &str) -> Result<Option<FindingRecord>, EvidenceError> {
        let Some(bytes) = self.get(Slot::State(StateTree::Findings), key.as_bytes())? else {
            return Ok(None);
        };
        let record: FindingRecord = parse("findings", key.as_bytes(), &bytes)?;
        if let Some(seq) = record.written_by {
            let printable = key.replace('\0', "/");
            let pointer = format!(
                "/finding_sha256/{}",
                printable.replace('~', "~0").replace('/', "~1")
            );
            self.check_vouched(
                ("findings", &printable),
                &bytes,
                seq,
                &[
                    ("observation", pointer.as_str()),
                    ("finding_resolved", "/finding_sha256"),
                ],
            )?;
        }
        Ok(Some(record))
    }

    /// Checks `bytes` (stored under `tree`/`key`) against log record `seq`, which
    /// must be intact (its payload and own hash recomputed), of one of the kinds in
    /// `vouchers`, and hold their SHA-256 at that kind's JSON pointer.
    pub(crate) fn check_vouched(
        &self,
        (tree, key): (&'static str, &str),
        bytes: &[u8],
        seq: u64,
        vouchers: &[(&str, &str)],
    ) -> Result<(), EvidenceError> {
        let corrupt = |message: String| EvidenceError::Corrupt {
            tree,
            key: key.to_string(),
            message: format!("{message}: run `brandguard evidence verify`"),
        };
        let rec = self
            .log_record(seq)?
            .ok_or_else(|| corrupt(format!("log record {seq}, which wrote it, is missing")))?;
        let intact = sha256_hex(&json(&rec.payload)) == rec.payload_sha256
            && chain_hash(&rec.prev, rec.seq, &rec.kind, &rec.payload_sha256) == rec.hash;
        let vouched = vouchers
            .iter()
            .find(|(kind, _)| *kind == rec.kind)
            .and_then(|(_, pointer)| rec.payload.pointer(pointer))
            .and_then(|v| v.as_str());
        let got = sha256_hex(bytes);
        match vouched {
            Some(expected) if intact && expected == got => Ok(()),
            Some(expected) if intact => Err(corrupt(format!(
                "hashes to {got}, expected {expected} (log record {seq})"
            ))),
            _ => Err(corrupt(format!(
                "log record {seq} is not an intact record that wrote it"
            ))),
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

    /// The latest observation of every listing, in key order (marketplace, id).
    pub fn latest_observations(
        &self,
    ) -> impl Iterator<Item = Result<Observation, EvidenceError>> + '_ {
        // Renders and history entries share the tree, after the latest ones.
        self.settled_first()
            .chain(Walk::latest(&self.listings).filter_map(|r| match r {
                Ok((k, v)) => self.listing_entry(&k, &v).transpose(),
                Err(e) => Some(Err(e.into())),
            }))
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
    pub(super) fn listing_entry(
        &self,
        key: &[u8],
        v: &[u8],
    ) -> Result<Option<Observation>, EvidenceError> {
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

    /// Every observation of one listing (by marketplace and listing id), oldest first.
    pub fn history(
        &self,
        marketplace: &str,
        listing_id: &str,
    ) -> Result<Vec<Observation>, EvidenceError> {
        let wanted =
            std::collections::BTreeSet::from([(marketplace.to_string(), listing_id.to_string())]);
        Ok(self
            .histories(&wanted)?
            .into_values()
            .next()
            .unwrap_or_default())
    }

    /// [`Store::history`] of several listings: each one's observation keys from
    /// the `history` tree, then each observation by key.
    pub fn histories(
        &self,
        wanted: &std::collections::BTreeSet<(String, String)>,
    ) -> Result<BTreeMap<(String, String), Vec<Observation>>, EvidenceError> {
        self.settle()?;
        let mut out: BTreeMap<(String, String), Vec<Observation>> = BTreeMap::new();
        for (marketplace, listing_id) in wanted {
            let prefix = super::history_prefix(marketplace, listing_id);
            let mut seen = Vec::new();
            for r in self.listings.scan_prefix(&prefix) {
                let (k, _) = r?;
                let key = &k[prefix.len()..];
                // An observation an `evidence_lost` record names is gone; verify
                // says so, and the history shows what is left.
                if let Some(v) = self.observations.get(key)? {
                    seen.push(parse("observations", key, &v)?);
                }
            }
            if !seen.is_empty() {
                out.insert((marketplace.clone(), listing_id.clone()), seen);
            }
        }
        Ok(out)
    }

    /// Listings whose URL or id is `needle`: `(marketplace, listing id)`.
    pub fn find_listing(&self, needle: &str) -> Result<Vec<(String, String)>, EvidenceError> {
        self.settle()?;
        let mut out = Vec::new();
        for r in Walk::latest(&self.listings) {
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

/// A finding's record after observation `obs` showed it again (or for the first
/// time): seen count, last seen, the finding's latest words and page; a resolved
/// finding seen again relapses.
fn finding_seen(
    fkey: &str,
    stored: Option<&[u8]>,
    f: &Finding,
    obs: &Observation,
) -> Result<(FindingRecord, FindingStatus), EvidenceError> {
    let now = obs.at();
    let Some(old) = stored else {
        let record = FindingRecord {
            finding: f.clone(),
            first_seen: now,
            last_seen: now,
            first_scan: obs.scan_id,
            last_scan: obs.scan_id,
            times_seen: 1,
            snapshot_sha256: obs.snapshot.sha256.clone(),
            resolved: None,
            relapses: 0,
            written_by: None,
        };
        return Ok((record, FindingStatus::New));
    };
    let mut r: FindingRecord = parse("findings", fkey.as_bytes(), old)?;
    let again = r.last_scan == obs.scan_id;
    if !again {
        r.times_seen += 1;
    }
    r.last_seen = now;
    r.last_scan = obs.scan_id;
    r.finding = f.clone();
    r.snapshot_sha256 = obs.snapshot.sha256.clone();
    let status = match r.resolved.take() {
        Some(_) => {
            r.relapses += 1;
            FindingStatus::Relapsed
        }
        None if again => FindingStatus::Again,
        None => FindingStatus::Ongoing,
    };
    Ok((r, status))
}

/// The resolution a relapsed finding's stored record held.
fn relapsed_from(stored: Option<&[u8]>) -> Option<Resolution> {
    stored
        .and_then(|b| serde_json::from_slice::<FindingRecord>(b).ok())
        .and_then(|r| r.resolved)
}
