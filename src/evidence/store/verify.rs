//! `evidence verify`: every snapshot, log record, state record and report-rows
//! file recomputed against what vouches for it.

#[allow(unused_imports)]
use super::*;

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
    /// Finding records, each as the newest log record that wrote it says.
    pub findings: u64,
    /// Findings last written by an older version, whose records hold no hash of
    /// them: present, but not vouched for byte by byte.
    pub findings_unvouched: u64,
    /// Listings, each pointing at its newest observation.
    pub listings: u64,
    /// Scan records, each consistent with its scan's log records.
    pub scans: u64,
    /// Validators, each naming a 200 capture of its URL that carried them.
    pub validators: u64,
    /// RFC 3161 time-stamp tokens, each covering exactly the head it names (its
    /// signer's chain to a root is checked by `evidence verify --tsa-roots`).
    #[serde(default)]
    pub anchors: u64,
    /// Seller identities, each naming the capture of the profile page it was read from.
    #[serde(default)]
    pub identities: u64,
    /// Rendered captures (DOM and screenshot of a listing), each naming the
    /// capture it renders again.
    #[serde(default)]
    pub renders: u64,
    /// Observations a rebuild could not keep, named by an `evidence_lost` record
    /// of the log (absent, as that record says).
    #[serde(default)]
    pub observations_lost: u64,
    /// Snapshots an `evidence_lost` record names (absent, as it says).
    #[serde(default)]
    pub snapshots_lost: u64,
    /// What the pack files hold beyond the records snapshots name (a record
    /// a killed process cut short, records never named, foreign bytes): none of it
    /// is evidence, all of it is said.
    #[serde(default)]
    pub packs: super::PackAudit,
    /// Hash of the last log record.
    pub head: String,
}

impl Store {
    /// Checks every snapshot against its hash, the whole log chain, every
    /// observation against the hash its log record holds, and that every capture's
    /// snapshot is there. Returns what was checked, or the first bad record.
    pub fn verify(&self) -> Result<Verified, EvidenceError> {
        Self::undamaged(&self.path, || self.verify_all())
    }

    fn verify_all(&self) -> Result<Verified, EvidenceError> {
        self.settle()?;
        let (snapshots, packs) = self.verify_snapshots()?;
        let mut v = Verified {
            snapshots,
            packs,
            ..Verified::default()
        };
        let mut log = LogCheck {
            prev: ZERO_HASH.to_string(),
            lost: self.lost_evidence()?,
            ..LogCheck::default()
        };
        for r in Walk::all(&self.log) {
            let (k, raw) = r?;
            let rec: LogRecord = parse("log", &k, &raw)?;
            log.link(&k, &rec)?;
            self.verify_record(&rec, &mut log, &mut v)?;
            log.prev = rec.hash;
            v.log_records += 1;
        }
        v.snapshots_lost = log
            .lost
            .1
            .iter()
            .filter(|sha| {
                hex::decode(sha).is_ok_and(|k| !self.snapshots.contains_key(k).unwrap_or(true))
            })
            .count() as u64;
        self.verify_observations_vouched(&log.vouched)?;
        self.verify_report_rows(&log.rows_vouched, &mut v)?;
        v.cases = self.verify_cases(&log.last_case_event)?;
        (v.findings, v.findings_unvouched) = self.verify_findings(&log.findings)?;
        v.listings = self.verify_listings(&log.listings)?;
        v.scans = self.verify_scans(&log.scans)?;
        v.validators = self.verify_validators()?;
        self.verify_identities_index(&log.identities)?;
        self.verify_history(&log.history)?;
        v.head = log.prev;
        Ok(v)
    }

    /// Every snapshot decompresses to bytes that hash to its key.
    /// Every snapshot decompresses to bytes of its SHA-256; then the packs are
    /// walked for bytes no snapshot names.
    fn verify_snapshots(&self) -> Result<(u64, super::PackAudit), EvidenceError> {
        let mut n = 0;
        let mut named = std::collections::HashSet::new();
        for r in Walk::all(&self.snapshots) {
            let (k, value) = r?;
            if let super::packs::Stored::InPack(p) = super::packs::Stored::of(value.clone()) {
                named.insert(p.place());
            }
            let z = self.resolve_stored(&k, value)?;
            super::snapshots::decompress_checked(&k, &z)?;
            n += 1;
        }
        Ok((n, self.packs.audit(&named)?))
    }

    /// What one log record vouches for is there and as it says.
    fn verify_record(
        &self,
        rec: &LogRecord,
        log: &mut LogCheck,
        v: &mut Verified,
    ) -> Result<(), EvidenceError> {
        let field = |name: &str| {
            rec.payload
                .get(name)
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_string()
        };
        match rec.kind.as_str() {
            "observation" => self.verify_observation_record(rec, log, v)?,
            "finding_resolved" => {
                let sha = rec.payload.get("finding_sha256").and_then(|x| x.as_str());
                log.findings.insert(field("key"), sha.map(str::to_string));
            }
            "scan_started" | "scan_resumed" => {
                let scan = rec.payload.get("scan_id").and_then(|x| x.as_u64());
                log.scans.entry(scan.unwrap_or(0)).or_default();
            }
            "capture" => {
                self.verify_capture(rec, &log.lost.1)?;
                v.captures += 1;
            }
            super::IDENTITY_KIND => {
                self.verify_names_capture(rec, &log.lost.1)?;
                log.identities
                    .insert(super::identities::identity_key_of(rec), rec.seq);
                v.identities += 1;
            }
            super::RENDER_KIND => {
                self.verify_render(rec, &log.lost.1)?;
                self.verify_render_entry(rec, log)?;
                v.renders += 1;
            }
            crate::evidence::anchor::KIND => {
                self.verify_anchor(rec)?;
                v.anchors += 1;
            }
            "case_event" => {
                // The newest event of a case vouches for the case's stored bytes.
                log.last_case_event
                    .insert(field("case_id"), (rec.seq, field("case_sha256")));
            }
            "scan_finished" => note_scan_finished(rec, log)?,
            _ => {}
        }
        Ok(())
    }

    /// An `observation` record: its observation stored as it says (or stated lost
    /// by an `evidence_lost` record) and filed in its listing's history.
    fn verify_observation_record(
        &self,
        rec: &LogRecord,
        log: &mut LogCheck,
        v: &mut Verified,
    ) -> Result<(), EvidenceError> {
        let field = |name: &str| rec.payload.get(name).and_then(|x| x.as_str()).unwrap_or("");
        if self.stated_lost(rec, log)? {
            log.observed(rec, field("observation_key"));
            v.observations_lost += 1;
            return Ok(());
        }
        let key =
            self.verify_observation(rec, field("observation_key"), field("observation_sha256"))?;
        self.verify_in_history(rec, &key)?;
        log.vouched.insert(key);
        log.observed(rec, field("observation_key"));
        v.observations += 1;
        Ok(())
    }

    /// The observation an `observation` record names is stored and hashes as it
    /// says; returns its key.
    fn verify_observation(
        &self,
        rec: &LogRecord,
        key_hex: &str,
        expected: &str,
    ) -> Result<Vec<u8>, EvidenceError> {
        let key =
            hex::decode(key_hex).map_err(|_| corrupt_log(rec, "observation_key is not hex"))?;
        let corrupt = |message: String| EvidenceError::Corrupt {
            tree: "observations",
            key: key_hex.to_string(),
            message,
        };
        let Some(stored) = self.observations.get(&key)? else {
            return Err(corrupt(format!(
                "missing, but log record {} vouches for it",
                rec.seq
            )));
        };
        let got = sha256_hex(&stored);
        if got != expected {
            return Err(corrupt(format!(
                "hashes to {got}, expected {expected} (log record {})",
                rec.seq
            )));
        }
        Ok(key)
    }

    /// The snapshot a `capture` record names is stored.
    fn verify_capture(
        &self,
        rec: &LogRecord,
        lost: &std::collections::HashSet<String>,
    ) -> Result<(), EvidenceError> {
        let sha = rec
            .payload
            .pointer("/snapshot/sha256")
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string();
        let key = hex::decode(&sha).map_err(|_| corrupt_log(rec, "snapshot sha256 is not hex"))?;
        if !self.snapshots.contains_key(key)? && !lost.contains(&sha) {
            return Err(EvidenceError::Corrupt {
                tree: "snapshots",
                key: sha,
                message: format!("missing, but capture record {} refers to it", rec.seq),
            });
        }
        Ok(())
    }

    /// Observation keys an `evidence_lost` record names (a rebuild's statement of
    /// what it could not keep).
    #[allow(clippy::type_complexity)]
    fn lost_evidence(
        &self,
    ) -> Result<
        (
            std::collections::HashSet<String>,
            std::collections::HashSet<String>,
        ),
        EvidenceError,
    > {
        let mut lost = std::collections::HashSet::new();
        let mut snapshots = std::collections::HashSet::new();
        for rec in self.log_of_kind(super::rebuild::LOST_KIND) {
            let rec = rec?;
            let listed = rec.payload.get("observations").and_then(|x| x.as_array());
            for o in listed.into_iter().flatten() {
                if let Some(key) = o.get("observation_key").and_then(|x| x.as_str()) {
                    lost.insert(key.to_string());
                }
            }
            let listed = rec.payload.get("snapshots").and_then(|x| x.as_array());
            for sha in listed.into_iter().flatten().filter_map(|x| x.as_str()) {
                snapshots.insert(sha.to_string());
            }
        }
        Ok((lost, snapshots))
    }

    /// Whether this observation record names one a rebuild stated lost and the
    /// store indeed does not hold (one that is there is checked as any other).
    fn stated_lost(&self, rec: &LogRecord, log: &LogCheck) -> Result<bool, EvidenceError> {
        let key_hex = rec
            .payload
            .get("observation_key")
            .and_then(|x| x.as_str())
            .unwrap_or("");
        if !log.lost.0.contains(key_hex) {
            return Ok(false);
        }
        let key =
            hex::decode(key_hex).map_err(|_| corrupt_log(rec, "observation_key is not hex"))?;
        Ok(self.observations.get(key)?.is_none())
    }

    /// A record read from a capture (a `seller_identity`, a `rendered_capture`)
    /// names an earlier capture record of the page, with the same snapshot.
    fn verify_names_capture(
        &self,
        rec: &LogRecord,
        lost: &std::collections::HashSet<String>,
    ) -> Result<(), EvidenceError> {
        let kind = rec.kind.as_str();
        let seq = rec.payload.get("capture_log_seq").and_then(|x| x.as_u64());
        let sha = rec.payload.get("snapshot_sha256").and_then(|x| x.as_str());
        let (Some(seq), Some(sha)) = (seq, sha) else {
            return Err(corrupt_log(
                rec,
                &format!("{kind} without capture_log_seq or snapshot_sha256"),
            ));
        };
        let capture = match self.log_record(seq)? {
            Some(c) if seq < rec.seq && c.kind == "capture" => c,
            _ => {
                return Err(corrupt_log(
                    rec,
                    &format!("{kind} names log record {seq}, which is no earlier capture"),
                ));
            }
        };
        // A 304 confirms the bytes of an earlier capture: the record was read from those.
        let not_modified = capture
            .payload
            .pointer("/page/status")
            .and_then(|x| x.as_u64())
            == Some(304);
        let same = capture
            .payload
            .pointer("/snapshot/sha256")
            .and_then(|x| x.as_str())
            == Some(sha);
        if !(same || not_modified) || !self.snapshot_kept(sha, lost)? {
            return Err(corrupt_log(
                rec,
                &format!(
                    "{kind}'s snapshot {sha} is not stored or not the one capture {seq} stored"
                ),
            ));
        }
        Ok(())
    }

    /// Whether the snapshot `sha` is stored (or an `evidence_lost` record says it
    /// was lost).
    fn snapshot_kept(
        &self,
        sha: &str,
        lost: &std::collections::HashSet<String>,
    ) -> Result<bool, EvidenceError> {
        let stored = hex::decode(sha)
            .ok()
            .map(|k| self.snapshots.contains_key(k))
            .transpose()?;
        Ok(stored == Some(true) || lost.contains(sha))
    }

    /// A rendered capture names the capture it renders again, and its DOM and PNG
    /// are stored (the snapshots walk re-hashes their bytes).
    fn verify_render(
        &self,
        rec: &LogRecord,
        lost: &std::collections::HashSet<String>,
    ) -> Result<(), EvidenceError> {
        self.verify_names_capture(rec, lost)?;
        for part in ["dom", "png"] {
            let sha = rec
                .payload
                .pointer(&format!("/{part}/sha256"))
                .and_then(|x| x.as_str())
                .unwrap_or("");
            if !self.snapshot_kept(sha, lost)? {
                return Err(corrupt_log(
                    rec,
                    &format!("rendered_capture's {part} {sha:?} is not stored"),
                ));
            }
        }
        Ok(())
    }

    /// A `rendered_capture` record has its render entry (readers find renders by
    /// them); noted for [`Store::verify_history`].
    fn verify_render_entry(
        &self,
        rec: &LogRecord,
        log: &mut LogCheck,
    ) -> Result<(), EvidenceError> {
        let field = |name: &str| rec.payload.get(name).and_then(|x| x.as_str()).unwrap_or("");
        let entry = super::render_key(field("marketplace"), field("listing_id"), rec.seq);
        log.history.insert(history_hash(&entry));
        if self.listings.contains_key(&entry)? {
            return Ok(());
        }
        Err(EvidenceError::Corrupt {
            tree: "listings",
            key: format!("renders/{}/{}", field("marketplace"), field("listing_id")),
            message: format!(
                "rendered capture (log record {}) is missing from the listing's renders: packets and pages would not show its screenshot (`brandguard evidence rebuild` writes the index again)",
                rec.seq
            ),
        })
    }

    /// Observation `key`, which record `rec` wrote, has its history entry.
    fn verify_in_history(&self, rec: &LogRecord, key: &[u8]) -> Result<(), EvidenceError> {
        let field = |name: &str| rec.payload.get(name).and_then(|x| x.as_str()).unwrap_or("");
        let indexed = super::history_key(field("marketplace"), field("listing_id"), key);
        if self.listings.contains_key(&indexed)? {
            return Ok(());
        }
        Err(EvidenceError::Corrupt {
            tree: "listings",
            key: format!(
                "history/{}",
                String::from_utf8_lossy(&indexed[1..indexed.len() - key.len()]).replace('\0', "/")
            ),
            message: format!(
                "observation {} (log record {}) is missing from the listing's history: its case pages would not show it (`brandguard evidence rebuild` writes the index again)",
                hex::encode(key),
                rec.seq
            ),
        })
    }

    /// No observation is stored that no log record vouches for.
    fn verify_observations_vouched(
        &self,
        vouched: &std::collections::HashSet<Vec<u8>>,
    ) -> Result<(), EvidenceError> {
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
        Ok(())
    }

    /// Every finding record hashes as the newest log record that wrote it says;
    /// returns (vouched, written by older versions without a hash).
    fn verify_findings(
        &self,
        written: &std::collections::HashMap<String, Option<String>>,
    ) -> Result<(u64, u64), EvidenceError> {
        let (mut vouched, mut legacy) = (0, 0);
        for r in Walk::all(&self.findings) {
            let (k, bytes) = r?;
            let key = String::from_utf8_lossy(&k).replace('\0', "/");
            let got = sha256_hex(&bytes);
            let message = match written.get(&key) {
                Some(Some(expected)) if *expected == got => {
                    vouched += 1;
                    continue;
                }
                Some(None) => {
                    legacy += 1;
                    continue;
                }
                Some(Some(expected)) => format!(
                    "hashes to {got}, expected {expected} (the newest log record that wrote it)"
                ),
                None => "no log record wrote this finding (inserted outside the chain)".into(),
            };
            return Err(EvidenceError::Corrupt {
                tree: "findings",
                key,
                message,
            });
        }
        Ok((vouched, legacy))
    }

    /// Every listing points at its newest observation, as the log orders them.
    fn verify_listings(
        &self,
        newest: &std::collections::HashMap<Vec<u8>, String>,
    ) -> Result<u64, EvidenceError> {
        let mut n = 0;
        for r in Walk::latest(&self.listings) {
            let (k, v) = r?;
            let got = hex::encode(&v);
            let message = match newest.get(k.as_ref()) {
                Some(expected) if *expected == got => {
                    n += 1;
                    continue;
                }
                Some(expected) => format!(
                    "points at observation {got}, but the newest observation of the listing is {expected}"
                ),
                None => {
                    "no observation record names this listing (inserted outside the chain)".into()
                }
            };
            return Err(EvidenceError::Corrupt {
                tree: "listings",
                key: String::from_utf8_lossy(&k).replace('\0', "/"),
                message,
            });
        }
        Ok(n)
    }

    /// Every scan record was started in the log, and says it finished exactly
    /// when a `scan_finished` record says so, with that record's hash.
    fn verify_scans(
        &self,
        seen: &std::collections::BTreeMap<u64, ScanSeen>,
    ) -> Result<u64, EvidenceError> {
        let mut n = 0;
        for r in Walk::all(&self.scans) {
            let (k, v) = r?;
            let rec: ScanRecord = parse("scans", &k, &v)?;
            let corrupt = |message: String| EvidenceError::Corrupt {
                tree: "scans",
                key: rec.scan_id.to_string(),
                message,
            };
            let Some(log) = seen.get(&rec.scan_id) else {
                return Err(corrupt(
                    "no log record started this scan (inserted outside the chain)".into(),
                ));
            };
            match (&rec.finished_at, &log.finished) {
                (None, None) => {}
                (Some(_), Some((seq, hash))) => {
                    if rec.log_head.as_deref() != Some(hash.as_str())
                        || rec.finished_log_seq.is_some_and(|s| s != *seq)
                    {
                        return Err(corrupt(format!(
                            "does not name its scan_finished record {seq} ({hash})"
                        )));
                    }
                }
                (Some(_), None) => {
                    return Err(corrupt(
                        "says finished, but no scan_finished record says so".into(),
                    ));
                }
                (None, Some((seq, _))) => {
                    return Err(corrupt(format!(
                        "says unfinished, but log record {seq} finished it"
                    )));
                }
            }
            n += 1;
        }
        Ok(n)
    }

    /// Every validators entry (what the next scan's conditional request sends, and
    /// whose capture's bytes a 304 stands for) names a 200 capture of the same URL
    /// whose headers carried exactly these validators.
    /// The `identities` tree points every seller account at its newest
    /// `seller_identity` record, and holds nothing else.
    fn verify_identities_index(
        &self,
        newest: &std::collections::BTreeMap<Vec<u8>, u64>,
    ) -> Result<(), EvidenceError> {
        let mut seen = 0;
        for r in Walk::all(&self.identities) {
            let (k, v) = r?;
            let got = v.as_ref().try_into().ok().map(u64::from_be_bytes);
            let expected = newest.get(k.as_ref()).copied();
            if got.is_none() || got != expected {
                return Err(EvidenceError::Corrupt {
                    tree: "identities",
                    key: String::from_utf8_lossy(&k).replace('\0', "/"),
                    message: match expected {
                        Some(e) => format!("points at {got:?}, but the newest seller_identity record of this seller is {e}"),
                        None => "no seller_identity record names this seller (inserted outside the chain)".into(),
                    },
                });
            }
            seen += 1;
        }
        if seen != newest.len() {
            let missing = newest
                .keys()
                .find(|k| !self.identities.contains_key(k).unwrap_or(false))
                .map(|k| String::from_utf8_lossy(k).replace('\0', "/"))
                .unwrap_or_default();
            return Err(EvidenceError::Corrupt {
                tree: "identities",
                key: missing,
                message: "missing, but a seller_identity record names this seller".into(),
            });
        }
        Ok(())
    }

    /// Every render entry names a rendered capture of its listing (one moved would
    /// put a listing's screenshot on another's packet), and every history entry
    /// (see [`super::StateTree::History`]) an observation of the listing it files it
    /// under (one moved would show a listing's page on another's case). That each
    /// record has its entry is checked as the log is walked.
    fn verify_history(&self, named: &std::collections::HashSet<u64>) -> Result<(), EvidenceError> {
        for r in Walk::prefix(&self.listings, [super::RENDERS]) {
            let (k, _) = r?;
            if !named.contains(&history_hash(&k)) {
                return Err(EvidenceError::Corrupt {
                    tree: "listings",
                    key: format!(
                        "renders/{}",
                        String::from_utf8_lossy(&k[1..k.len().saturating_sub(8).max(1)])
                            .replace('\0', "/")
                    ),
                    message: "names a log record that is no rendered capture of this listing"
                        .into(),
                });
            }
        }
        for r in Walk::prefix(&self.listings, [super::HISTORY]) {
            let (k, _) = r?;
            if !named.contains(&history_hash(&k)) {
                let (listing, key) = k[1..].split_at(k.len().saturating_sub(17));
                return Err(EvidenceError::Corrupt {
                    tree: "listings",
                    key: format!(
                        "history/{}",
                        String::from_utf8_lossy(listing).replace('\0', "/")
                    ),
                    message: format!(
                        "files observation {} under this listing, but no observation record of the listing has that key",
                        hex::encode(key)
                    ),
                });
            }
        }
        Ok(())
    }

    fn verify_validators(&self) -> Result<u64, EvidenceError> {
        let mut n = 0;
        for r in Walk::all(&self.validators) {
            let (k, v) = r?;
            let url = String::from_utf8_lossy(&k).into_owned();
            let corrupt = |message: String| EvidenceError::Corrupt {
                tree: "validators",
                key: url.clone(),
                message,
            };
            let entry: serde_json::Value = parse("validators", &k, &v)?;
            let seq = entry.get("capture_log_seq").and_then(|s| s.as_u64());
            let stored: Option<crate::crawl::Validators> =
                serde_json::from_value(entry["validators"].clone()).ok();
            let capture = match seq {
                Some(seq) => self.log_record(seq)?.filter(|r| r.kind == "capture"),
                None => None,
            };
            let capture: Option<Capture> =
                capture.and_then(|r| serde_json::from_value(r.payload).ok());
            let ok = capture.is_some_and(|c| {
                c.page.url.as_str() == url
                    && c.page.status == 200
                    && crate::crawl::Validators::of(&c.page) == stored
            });
            if !ok {
                // `seq` printed as `Some(12)` / `None` in what verify tells a court.
                let named = seq.map_or_else(
                    || "no capture".to_string(),
                    |s| format!("capture {s} of the log"),
                );
                return Err(corrupt(format!(
                    "names {named}, which is not a 200 capture of this URL carrying these validators"
                )));
            }
            n += 1;
        }
        Ok(n)
    }

    /// Every stored case hashes as its newest `case_event` record says.
    fn verify_cases(
        &self,
        last_case_event: &std::collections::HashMap<String, (u64, String)>,
    ) -> Result<u64, EvidenceError> {
        let mut n = 0;
        for r in Walk::all(&self.cases) {
            let (k, bytes) = r?;
            let id = String::from_utf8_lossy(&k).into_owned();
            let got = sha256_hex(&bytes);
            let message = match last_case_event.get(&id) {
                Some((_, expected)) if *expected == got => {
                    n += 1;
                    continue;
                }
                Some((seq, expected)) => {
                    format!("hashes to {got}, expected {expected} (log record {seq})")
                }
                None => "no log record vouches for this case (inserted outside the chain)".into(),
            };
            return Err(EvidenceError::Corrupt {
                tree: "cases",
                key: id,
                message,
            });
        }
        Ok(n)
    }

    /// Checks every scan's row file against the count and SHA-256 its
    /// `scan_finished` record holds; a row file no record vouches for is an error,
    /// unless its scan is unfinished (a finish killed between writing the rows
    /// and committing the record).
    pub(super) fn verify_report_rows(
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
                // Written by a finish killed before its `scan_finished` record was
                // committed: the scan is still unfinished, nothing reads its rows,
                // and its resumed finish writes them again.
                Some(scan) if self.scan(scan)?.is_some_and(|r| r.finished_at.is_none()) => {}
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
}

/// What the walk over the log has met so far.
#[derive(Default)]
pub(super) struct LogCheck {
    /// Hash of the previous record.
    pub(super) prev: String,
    /// Keys of the observations records vouch for.
    vouched: std::collections::HashSet<Vec<u8>>,
    /// Case id → (seq, case SHA-256) of its newest `case_event`.
    last_case_event: std::collections::HashMap<String, (u64, String)>,
    /// Scan id → (log record, rows, digest) its `scan_finished` record vouches for.
    rows_vouched: std::collections::BTreeMap<u64, (u64, u64, String)>,
    /// Records met.
    count: u64,
    /// Finding (printable key) → SHA-256 of its bytes as the newest record that
    /// wrote it says (`None`: written by a version that did not record it).
    findings: std::collections::HashMap<String, Option<String>>,
    /// Listing (`marketplace\0id`) → key (hex) of its newest observation.
    listings: std::collections::HashMap<Vec<u8>, String>,
    /// [`history_hash`] of the history and render entry of every observation and
    /// rendered capture the log names (a 64-bit hash, not the key: 8 bytes a record
    /// on a store of millions).
    history: std::collections::HashSet<u64>,
    /// Scan id → what the log says of it.
    scans: std::collections::BTreeMap<u64, ScanSeen>,
    /// Seller account key → its newest `seller_identity` record.
    identities: std::collections::BTreeMap<Vec<u8>, u64>,
    /// Observation keys (hex) and snapshots an `evidence_lost` record names.
    lost: (
        std::collections::HashSet<String>,
        std::collections::HashSet<String>,
    ),
}

/// A scan as its log records tell it.
#[derive(Default)]
struct ScanSeen {
    /// (seq, hash) of its `scan_finished` record.
    finished: Option<(u64, String)>,
}

impl LogCheck {
    /// A walk from the first record.
    pub(super) fn starting() -> Self {
        LogCheck {
            prev: ZERO_HASH.to_string(),
            ..LogCheck::default()
        }
    }

    /// Notes what an `observation` record vouches for besides the observation: its
    /// listing's latest observation and the finding records it wrote.
    fn observed(&mut self, rec: &LogRecord, key_hex: &str) {
        let field = |name: &str| rec.payload.get(name).and_then(|x| x.as_str()).unwrap_or("");
        let key = hex::decode(key_hex).unwrap_or_default();
        self.history.insert(history_hash(&super::history_key(
            field("marketplace"),
            field("listing_id"),
            &key,
        )));
        let listing = format!("{}\0{}", field("marketplace"), field("listing_id"));
        self.listings
            .insert(listing.into_bytes(), key_hex.to_string());
        match rec
            .payload
            .get("finding_sha256")
            .and_then(|x| x.as_object())
        {
            Some(vouched) => {
                for (k, sha) in vouched {
                    self.findings
                        .insert(k.clone(), sha.as_str().map(str::to_string));
                }
            }
            None => {
                let kinds = rec.payload.get("findings").and_then(|x| x.as_array());
                for kind in kinds.into_iter().flatten().filter_map(|k| k.as_str()) {
                    let key = format!("{}/{}/{kind}", field("marketplace"), field("listing_id"));
                    self.findings.insert(key, None);
                }
            }
        }
    }

    /// The record is the next link of the chain: its key and sequence number,
    /// the previous record's hash, its payload's hash and its own.
    pub(super) fn link(&mut self, key: &[u8], rec: &LogRecord) -> Result<(), EvidenceError> {
        let n = self.count;
        if key != rec.seq.to_be_bytes() || rec.seq != n {
            return Err(corrupt_log(rec, &format!("expected sequence number {n}")));
        }
        if rec.prev != self.prev {
            return Err(corrupt_log(
                rec,
                &format!(
                    "prev is {}, expected {} (the hash of record {})",
                    rec.prev,
                    self.prev,
                    n.saturating_sub(1)
                ),
            ));
        }
        let payload_sha = sha256_hex(&json(&rec.payload));
        if payload_sha != rec.payload_sha256 {
            return Err(corrupt_log(
                rec,
                &format!(
                    "payload hashes to {payload_sha}, expected {}",
                    rec.payload_sha256
                ),
            ));
        }
        let h = chain_hash(&rec.prev, rec.seq, &rec.kind, &rec.payload_sha256);
        if h != rec.hash {
            return Err(corrupt_log(
                rec,
                &format!("record hashes to {h}, expected {}", rec.hash),
            ));
        }
        self.count += 1;
        Ok(())
    }
}

impl Store {
    /// A `timestamp_anchor` record: the record it names is earlier in the chain and
    /// hashes to the head it names, and the TSA's token covers exactly that hash
    /// with a signature and digest that hold. A record changed before an anchored
    /// head changes that head, so it is named here even if the chain were rewritten.
    fn verify_anchor(&self, rec: &LogRecord) -> Result<(), EvidenceError> {
        let a = crate::evidence::anchor::anchor_of(rec)?;
        if a.head_seq >= rec.seq {
            return Err(corrupt_log(rec, "timestamp anchor names a later record"));
        }
        let anchored = self
            .log_record(a.head_seq)?
            .ok_or_else(|| corrupt_log(rec, "timestamp anchor names a missing record"))?;
        if anchored.hash != a.head {
            return Err(corrupt_log(
                rec,
                &format!(
                    "record {} hashes to {}, but the TSA time-stamped {} at {}: the log before it was changed",
                    a.head_seq, anchored.hash, a.head, a.gen_time
                ),
            ));
        }
        let head = hex::decode(&a.head).unwrap_or_default();
        crate::evidence::anchor::check(&a.response_bytes(), &head, None, None).map_err(|m| {
            corrupt_log(
                rec,
                &format!("time-stamp token of record {}: {m}", a.head_seq),
            )
        })?;
        Ok(())
    }
}

fn corrupt_log(rec: &LogRecord, message: &str) -> EvidenceError {
    EvidenceError::Corrupt {
        tree: "log",
        key: rec.seq.to_string(),
        message: message.to_string(),
    }
}

impl Store {
    /// Writes a consistent copy of the store to `to` (which must not exist yet):
    /// everything settled and flushed, every file copied into `to.partial` and
    /// synced, renamed to `to`, then opened and verified. The store is held open
    /// (locked) meanwhile, so no scan writes it; while a scan runs, the store is
    /// locked and a backup is refused: take it after the scan, or snapshot the
    /// filesystem (LVM, ZFS, btrfs) holding the store.
    pub fn backup(&self, to: &Path) -> Result<Verified, EvidenceError> {
        let partial = partial_for(to)?;
        self.flush_now()?;
        copy_synced(&self.path, &partial)?;
        put_in_place(&partial, to)?;
        Store::open(to)?.verify()
    }
}

/// The folder a new store `to` (which must not exist) is written into before it
/// is renamed into place: `<to>.partial`, emptied of what an interrupted run left.
pub(super) fn partial_for(to: &Path) -> Result<PathBuf, EvidenceError> {
    if to.exists() {
        return Err(EvidenceError::BackupExists(to.to_path_buf()));
    }
    let mut name = to.as_os_str().to_owned();
    name.push(".partial");
    let partial = PathBuf::from(name);
    if partial.exists() {
        std::fs::remove_dir_all(&partial)?;
    }
    Ok(partial)
}

/// Renames a complete `partial` folder to `to` and syncs the folder holding it.
pub(super) fn put_in_place(partial: &Path, to: &Path) -> Result<(), EvidenceError> {
    std::fs::rename(partial, to)?;
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::File::open(parent).and_then(|d| d.sync_all())?;
    }
    Ok(())
}

/// Copies folder `from` into `to`, syncing each file and folder.
fn copy_synced(from: &Path, to: &Path) -> Result<(), EvidenceError> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copy_synced(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst)?;
            std::fs::File::open(&dst)?.sync_all()?;
        }
    }
    std::fs::File::open(to)?.sync_all()?;
    Ok(())
}

/// A 64-bit hash of a `history` key, for [`Store::verify_history`]'s set.
fn history_hash(key: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// A `scan_finished` record: the report-rows file it vouches for, and that its
/// scan finished (with this record's hash).
fn note_scan_finished(rec: &LogRecord, log: &mut LogCheck) -> Result<(), EvidenceError> {
    let scan = rec.payload.get("scan_id").and_then(|x| x.as_u64());
    if let Some(rows) = rec.payload.get("report_rows") {
        let count = rows.get("count").and_then(|x| x.as_u64());
        let sha = rows.get("sha256").and_then(|x| x.as_str());
        let (Some(scan), Some(count), Some(sha)) = (scan, count, sha) else {
            return Err(corrupt_log(
                rec,
                "report_rows without scan_id, count or sha256",
            ));
        };
        log.rows_vouched
            .insert(scan, (rec.seq, count, sha.to_string()));
    }
    log.scans.entry(scan.unwrap_or(0)).or_default().finished = Some((rec.seq, rec.hash.clone()));
    Ok(())
}
