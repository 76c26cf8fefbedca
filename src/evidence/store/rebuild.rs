//! `evidence rebuild`: a fresh store holding what the log of a damaged or tampered
//! store still proves. The log is copied record by record, byte for byte, while its
//! chain holds; every state record is copied only if a log record vouches for its
//! bytes, or derived from the log (listings, scans, validators, merge marks). What
//! cannot be proven is left out and named.

use super::packs::Packs;
#[allow(unused_imports)]
use super::*;

/// What a rebuild copied, derived and left out.
#[derive(Debug, Default, Serialize)]
pub struct Rebuilt {
    pub log_records: u64,
    pub snapshots: u64,
    pub observations: u64,
    pub findings: u64,
    /// Findings last written by an older version (no hash in their record):
    /// copied as they were.
    pub findings_unvouched: u64,
    pub cases: u64,
    pub listings: u64,
    pub scans: u64,
    pub report_rows_files: u64,
    /// Where the chain broke, if it did: the records from there on cannot be
    /// proven and were left out, with everything only they vouch for.
    pub chain_broken_at: Option<String>,
    /// What the old store held that no record vouches for, or that was missing.
    pub left_out: Vec<String>,
    /// Observations the log vouches for but the old store no longer held intact:
    /// `(observation key, log record)`. The rebuilt store records their loss (an
    /// `evidence_lost` record at the end of its log), so it verifies and says so.
    #[serde(skip)]
    pub lost_observations: Vec<(String, u64)>,
    /// Snapshots (SHA-256) capture records name that the old store no longer held
    /// intact; recorded with the observations in the `evidence_lost` record.
    #[serde(skip)]
    pub lost_snapshots: std::collections::BTreeSet<String>,
}

/// The log record kind a rebuild appends to name the evidence it could not keep.
pub const LOST_KIND: &str = "evidence_lost";

/// What the walk over the old log gathered.
#[derive(Default)]
struct Gathered {
    /// Finding (stored key) → SHA-256 its newest writer holds (`None`: older version).
    findings: HashMap<Vec<u8>, Option<String>>,
    /// Listing key → its newest observation's key (copied observations only).
    listings: HashMap<Vec<u8>, Vec<u8>>,
    cases: HashMap<String, String>,
    scans: std::collections::BTreeMap<u64, ScanRecord>,
    validators: HashMap<String, (u64, crate::crawl::Validators)>,
    merged: Vec<(String, u64)>,
    /// Scan → (count, SHA-256) of its report-rows file.
    rows: Vec<(u64, u64, String)>,
    /// Every observation key an intact log record names, copied or not (an
    /// altered one is named once, as altered, not again as unvouched).
    observation_keys: std::collections::HashSet<Vec<u8>>,
    /// Seller account key → its newest `seller_identity` record.
    identities: std::collections::BTreeMap<Vec<u8>, u64>,
}

use std::collections::HashMap;

impl Store {
    /// Rebuilds this store into `to` (a new folder), then verifies the result.
    pub fn rebuild_into(&self, to: &Path) -> Result<(Rebuilt, Verified), EvidenceError> {
        let partial = super::verify::partial_for(to)?;
        self.settle()?;
        let mut out = Rebuilt::default();
        {
            let db = open_sled(&partial)?;
            db.open_tree("meta")?
                .insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
            let gathered = self.copy_log(&db, &partial, &mut out)?;
            self.copy_state(&db, &partial, gathered, &mut out)?;
            db.flush()?;
        }
        super::verify::put_in_place(&partial, to)?;
        let rebuilt = Store::open(to)?;
        if !out.lost_observations.is_empty() || !out.lost_snapshots.is_empty() {
            // Corrections are new records: the loss is stated in the chain, where
            // `verify` finds it (and says so), never silently absorbed.
            let lost: Vec<serde_json::Value> = out
                .lost_observations
                .iter()
                .map(|(k, seq)| serde_json::json!({"observation_key": k, "log_seq": seq}))
                .collect();
            rebuilt.append_log(
                LOST_KIND,
                serde_json::json!({
                    "rebuilt_from": self.path.display().to_string(),
                    "observations": lost,
                    "snapshots": out.lost_snapshots,
                    "left_out": out.left_out,
                }),
            )?;
            rebuilt.flush_now()?;
        }
        let verified = rebuilt.verify()?;
        Ok((out, verified))
    }

    /// Copies the log while its chain holds, with the snapshots and observations
    /// its records vouch for; gathers what the state trees are derived from.
    fn copy_log(
        &self,
        db: &sled::Db,
        folder: &Path,
        out: &mut Rebuilt,
    ) -> Result<Gathered, EvidenceError> {
        let (log, observations) = (db.open_tree("log")?, db.open_tree("observations")?);
        let snapshots = Packs::new(folder);
        let mut check = super::verify::LogCheck::starting();
        let mut g = Gathered::default();
        for r in Walk::all(&self.log) {
            let (k, raw) = r?;
            let linked = parse::<LogRecord>("log", &k, &raw)
                .and_then(|rec| check.link(&k, &rec).map(|()| rec));
            let rec = match linked {
                Ok(rec) => rec,
                Err(e) => {
                    out.chain_broken_at = Some(e.to_string());
                    break;
                }
            };
            log.insert(&k, &raw)?;
            out.log_records += 1;
            self.gather(&rec, &snapshots, &observations, &mut g, out)?;
            check.prev = rec.hash;
        }
        snapshots.publish(&db.open_tree("snapshots")?)?;
        Ok(g)
    }

    /// What one intact log record contributes to the rebuilt store.
    fn gather(
        &self,
        rec: &LogRecord,
        snapshots: &Packs,
        observations: &sled::Tree,
        g: &mut Gathered,
        out: &mut Rebuilt,
    ) -> Result<(), EvidenceError> {
        let field = |name: &str| rec.payload.get(name).and_then(|x| x.as_str()).unwrap_or("");
        let number = |name: &str| rec.payload.get(name).and_then(|x| x.as_u64());
        match rec.kind.as_str() {
            "capture" => self.gather_capture(rec, snapshots, g, out)?,
            "observation" => self.gather_observation(rec, observations, g, out)?,
            "finding_resolved" => {
                let sha = rec.payload.get("finding_sha256").and_then(|x| x.as_str());
                g.findings.insert(
                    field("key").replace('/', "\0").into_bytes(),
                    sha.map(str::to_string),
                );
            }
            "case_event" => {
                g.cases.insert(
                    field("case_id").to_string(),
                    field("case_sha256").to_string(),
                );
            }
            "scan_started" => {
                if let Ok(s) = serde_json::from_value::<ScanRecord>(rec.payload.clone()) {
                    g.scans.insert(s.scan_id, s);
                }
            }
            "scan_finished" => {
                let scan = number("scan_id").unwrap_or(0);
                let rows = rec.payload.get("report_rows");
                let count = rows.and_then(|r| r.get("count")).and_then(|x| x.as_u64());
                let sha = rows.and_then(|r| r.get("sha256")).and_then(|x| x.as_str());
                if let (Some(count), Some(sha)) = (count, sha) {
                    g.rows.push((scan, count, sha.to_string()));
                }
                if let Some(s) = g.scans.get_mut(&scan) {
                    s.finished_at = Some(rec.at);
                    s.summary = rec.payload.get("summary").cloned();
                    s.log_head = Some(rec.hash.clone());
                    s.report_rows = count;
                    s.finished_log_seq = Some(rec.seq);
                }
            }
            super::RENDER_KIND => {
                // The DOM and the PNG; the page it renders is its capture's.
                for part in ["dom", "png"] {
                    let sha = rec.payload.pointer(&format!("/{part}/sha256"));
                    let sha = sha.and_then(|x| x.as_str()).unwrap_or("");
                    self.copy_snapshot(sha, "rendered_capture", rec.seq, snapshots, out)?;
                }
            }
            super::IDENTITY_KIND => {
                g.identities
                    .insert(super::identities::identity_key_of(rec), rec.seq);
            }
            "shard_merged" => {
                let key = format!(
                    "{}/{}",
                    field("source_first_hash"),
                    number("source_scan_id").unwrap_or(0)
                );
                g.merged.push((key, number("scan_id").unwrap_or(0)));
            }
            _ => {}
        }
        Ok(())
    }

    /// Copies snapshot `sha` if its bytes still hash to it; else names it lost
    /// (`what` record `seq` needed it).
    fn copy_snapshot(
        &self,
        sha: &str,
        what: &str,
        seq: u64,
        snapshots: &Packs,
        out: &mut Rebuilt,
    ) -> Result<(), EvidenceError> {
        let key = hex::decode(sha).unwrap_or_default();
        // Unreadable (a pack cut or altered) counts as lost, like bytes that no
        // longer hash to their key.
        let intact = self
            .stored_compressed(&key)
            .ok()
            .flatten()
            .filter(|z| super::snapshots::decompress_checked(&key, z).is_ok());
        match intact {
            Some(z) => {
                if snapshots.append(&key, &z, || Ok(false))? {
                    out.snapshots += 1;
                }
            }
            _ => {
                out.left_out.push(format!(
                    "snapshot {sha} of {what} {seq}: missing or altered"
                ));
                out.lost_snapshots.insert(sha.to_string());
            }
        }
        Ok(())
    }

    /// A capture: its snapshot copied if intact; its validators noted.
    fn gather_capture(
        &self,
        rec: &LogRecord,
        snapshots: &Packs,
        g: &mut Gathered,
        out: &mut Rebuilt,
    ) -> Result<(), EvidenceError> {
        let Ok(c) = serde_json::from_value::<Capture>(rec.payload.clone()) else {
            return Ok(());
        };
        self.copy_snapshot(&c.snapshot.sha256, "capture", rec.seq, snapshots, out)?;
        if c.page.status == 200
            && let Some(v) = crate::crawl::Validators::of(&c.page)
        {
            g.validators.insert(c.page.url.to_string(), (rec.seq, v));
        }
        Ok(())
    }

    /// An observation: copied if it hashes as its record says; the findings its
    /// record vouches for noted.
    fn gather_observation(
        &self,
        rec: &LogRecord,
        observations: &sled::Tree,
        g: &mut Gathered,
        out: &mut Rebuilt,
    ) -> Result<(), EvidenceError> {
        let field = |name: &str| rec.payload.get(name).and_then(|x| x.as_str()).unwrap_or("");
        let key = hex::decode(field("observation_key")).unwrap_or_default();
        g.observation_keys.insert(key.clone());
        match self.observations.get(&key)? {
            Some(b) if sha256_hex(&b) == field("observation_sha256") => {
                observations.insert(&key, b)?;
                out.observations += 1;
                let listing = format!("{}\0{}", field("marketplace"), field("listing_id"));
                g.listings.insert(listing.into_bytes(), key);
            }
            _ => {
                // The listing's newest observation is lost: it gets no
                // "latest" rather than an older one passed off as it.
                let listing = format!("{}\0{}", field("marketplace"), field("listing_id"));
                g.listings.remove(listing.as_bytes());
                out.left_out.push(format!(
                    "observation {} (log record {}): missing or altered",
                    field("observation_key"),
                    rec.seq
                ));
                out.lost_observations
                    .push((field("observation_key").to_string(), rec.seq));
            }
        }
        match rec
            .payload
            .get("finding_sha256")
            .and_then(|x| x.as_object())
        {
            Some(vouched) => {
                for (k, sha) in vouched {
                    g.findings.insert(
                        k.replace('/', "\0").into_bytes(),
                        sha.as_str().map(str::to_string),
                    );
                }
            }
            None => {
                let kinds = rec.payload.get("findings").and_then(|x| x.as_array());
                for kind in kinds.into_iter().flatten().filter_map(|k| k.as_str()) {
                    let key = format!("{}\0{}\0{kind}", field("marketplace"), field("listing_id"));
                    g.findings.insert(key.into_bytes(), None);
                }
            }
        }
        Ok(())
    }

    /// Writes the state trees from what the log vouches for, and copies the
    /// report-rows files whose records vouch for them.
    fn copy_state(
        &self,
        db: &sled::Db,
        to: &Path,
        g: Gathered,
        out: &mut Rebuilt,
    ) -> Result<(), EvidenceError> {
        let vouched_rows: std::collections::BTreeSet<u64> = g.rows.iter().map(|r| r.0).collect();
        self.name_unvouched(&g, &vouched_rows, out)?;
        let findings = db.open_tree("findings")?;
        for (key, sha) in g.findings {
            let printable = String::from_utf8_lossy(&key).replace('\0', "/");
            match (self.findings.get(&key)?, sha) {
                (Some(b), Some(sha)) if sha256_hex(&b) == sha => {
                    findings.insert(&key, b)?;
                    out.findings += 1;
                }
                (Some(b), None) => {
                    findings.insert(&key, b)?;
                    out.findings_unvouched += 1;
                }
                _ => out
                    .left_out
                    .push(format!("finding {printable}: missing or altered")),
            }
        }
        let cases = db.open_tree("cases")?;
        for (id, sha) in g.cases {
            match self.cases.get(id.as_bytes())? {
                Some(b) if sha256_hex(&b) == sha => {
                    cases.insert(id.as_bytes(), b)?;
                    out.cases += 1;
                }
                _ => out.left_out.push(format!("case {id}: missing or altered")),
            }
        }
        let listings = db.open_tree("listings")?;
        for (listing, key) in g.listings {
            listings.insert(listing, key)?;
            out.listings += 1;
        }
        let scans = db.open_tree("scans")?;
        for (id, s) in &g.scans {
            scans.insert(id.to_be_bytes(), json(s))?;
            out.scans += 1;
        }
        let validators = db.open_tree("validators")?;
        for (url, (seq, v)) in g.validators {
            let entry = serde_json::json!({"validators": v, "capture_log_seq": seq});
            validators.insert(url.as_bytes(), json(&entry))?;
        }
        let identities = db.open_tree("identities")?;
        for (key, seq) in &g.identities {
            identities.insert(key.as_slice(), &seq.to_be_bytes())?;
        }
        let merged = db.open_tree("merged")?;
        for (key, scan) in g.merged {
            merged.insert(key.as_bytes(), &scan.to_be_bytes())?;
        }
        for (scan, count, sha) in g.rows {
            let file = rows::rows_file(&self.path, scan);
            match rows::check_rows(&file) {
                Ok((c, s)) if c == count && s == sha => {
                    std::fs::create_dir_all(rows::rows_dir(to))?;
                    std::fs::copy(&file, rows::rows_file(to, scan))?;
                    out.report_rows_files += 1;
                }
                _ => out.left_out.push(format!(
                    "{}: missing or altered (reports read scan {scan}'s observations instead)",
                    file.display()
                )),
            }
        }
        Ok(())
    }

    /// Names what the old store holds that no intact log record vouches for: state
    /// entries beyond those the log accounts for, and report-rows files of scans
    /// the log does not finish. A store whose log sled lost (a cut `db` file can
    /// open as an almost empty store) must not rebuild as a clean, empty success.
    fn name_unvouched(
        &self,
        g: &Gathered,
        vouched_rows: &std::collections::BTreeSet<u64>,
        out: &mut Rebuilt,
    ) -> Result<(), EvidenceError> {
        let path = self.path.display().to_string();
        let mut unvouched = |name: &str, n: usize| {
            if n > 0 {
                out.left_out.push(format!(
                    "{n} {name} in {path} that no intact log record vouches for"
                ));
            }
        };
        // Entries of a tree whose key no intact log record names.
        let unnamed = |tree: &sled::Tree, named: &dyn Fn(&[u8]) -> bool| {
            Walk::all(tree)
                .filter(|r| r.as_ref().is_ok_and(|(k, _)| !named(k)))
                .count()
        };
        unvouched(
            "observations",
            unnamed(&self.observations, &|k| g.observation_keys.contains(k)),
        );
        unvouched(
            "findings",
            unnamed(&self.findings, &|k| g.findings.contains_key(k)),
        );
        unvouched(
            "cases",
            unnamed(&self.cases, &|k| {
                g.cases.contains_key(String::from_utf8_lossy(k).as_ref())
            }),
        );
        if let Ok(dir) = std::fs::read_dir(rows::rows_dir(&self.path)) {
            for e in dir.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let scan = name
                    .strip_suffix(".jsonl.zst")
                    .and_then(|n| n.parse::<u64>().ok());
                if scan.is_none_or(|s| !vouched_rows.contains(&s)) {
                    out.left_out.push(format!(
                        "{}: no scan_finished record vouches for it",
                        e.path().display()
                    ));
                }
            }
        }
        Ok(())
    }
}
