//! Scan records: begin, resume and finish a scan (with its report rows), and the
//! record of which shard scans were merged.

#[allow(unused_imports)]
use super::*;

impl Store {
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
            finished_log_seq: None,
        };
        // The scan record and its scan_started record land together (one commit,
        // settled at once): a scan record never exists without the record that
        // started it, whatever moment a crash picks.
        let started = serde_json::to_value(&rec).unwrap_or_default();
        self.commit(|_, _| {
            Ok((
                vec![("scan_started".to_string(), started)],
                vec![(StateTree::Scans, scan_id.to_be_bytes().to_vec(), json(&rec))],
            ))
        })?;
        self.settle()?;
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
        // The rows file is in place, the record vouching for it not yet: verify
        // passes (the scan is unfinished) and a resumed scan writes it again.
        crate::failpoint::hit("scan-rows-written");
        let payload = serde_json::json!({
            "scan_id": scan_id,
            "summary": summary,
            "report_rows": {"count": rows, "sha256": rows_sha256},
        });
        // The scan record names its scan_finished record (seq and hash), and both
        // land in one commit.
        let finished = self.commit(|chain, seq| {
            let payload_sha256 = sha256_hex(&json(&payload));
            let hash = chain_hash(&chain.head, seq, "scan_finished", &payload_sha256);
            rec.report_rows = Some(rows);
            rec.finished_log_seq = Some(seq);
            rec.finished_at = Some(Utc::now());
            rec.summary = Some(summary.clone());
            rec.log_head = Some(hash);
            Ok((
                vec![("scan_finished".to_string(), payload.clone())],
                vec![(StateTree::Scans, key.to_vec(), json(&rec))],
            ))
        })?;
        let finished = finished
            .into_iter()
            .next()
            .ok_or_else(|| EvidenceError::Corrupt {
                tree: "log",
                key: scan_id.to_string(),
                message: "scan_finished record not appended".into(),
            })?;
        self.settle()?;
        // The scan is acknowledged as stored only once this flush returns.
        self.db.flush()?;
        Ok(finished.hash)
    }

    /// Writes the report rows of every observation of a scan (see [`super::rows`])
    /// and returns their number and the file's SHA-256. A file already there (a
    /// finish that was interrupted) is replaced whole.
    pub(super) fn write_report_rows(&self, scan_id: u64) -> Result<(u64, String), EvidenceError> {
        self.settle()?;
        // Durable first: a rows file never names a record a crash could still take
        // back, so one naming a record the log lacks proves sled lost part of the
        // log (see `Store::lost_log`).
        self.db.flush()?;
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
                if let Err(e) = self.check_report_rows(scan, &file) {
                    return Box::new(std::iter::once(Err(e)));
                }
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

    /// Every scan, oldest first.
    pub fn scans(&self) -> impl Iterator<Item = Result<ScanRecord, EvidenceError>> + '_ {
        Walk::all(&self.scans).map(|r| {
            let (k, v) = r?;
            parse("scans", &k, &v)
        })
    }

    /// The scan record of `scan_id`.
    pub fn scan(&self, scan_id: u64) -> Result<Option<ScanRecord>, EvidenceError> {
        let key = scan_id.to_be_bytes();
        match self.scans.get(key)? {
            Some(v) => Ok(Some(parse("scans", &key, &v)?)),
            None => Ok(None),
        }
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

    /// A scan's report-rows file against the `scan_finished` record that vouches
    /// for it (row count and SHA-256 of the file), before a reader uses it: the
    /// same check, and the same message, as `evidence verify`. Scans finished by
    /// older versions do not name their record and are only checked by verify.
    fn check_report_rows(&self, scan: &ScanRecord, file: &Path) -> Result<(), EvidenceError> {
        let Some(seq) = scan.finished_log_seq else {
            return Ok(());
        };
        let corrupt = |message: String| EvidenceError::Corrupt {
            tree: "report_rows",
            key: file.display().to_string(),
            message,
        };
        let rec = self.log_record(seq)?.ok_or_else(|| {
            corrupt(format!("log record {seq}, which vouches for it, is missing: run `brandguard evidence verify`"))
        })?;
        let rows = rec.payload.get("report_rows");
        let count = rows.and_then(|r| r.get("count")).and_then(|x| x.as_u64());
        let sha = rows.and_then(|r| r.get("sha256")).and_then(|x| x.as_str());
        let intact = rec.kind == "scan_finished"
            && rec.payload.get("scan_id").and_then(|x| x.as_u64()) == Some(scan.scan_id)
            && sha256_hex(&json(&rec.payload)) == rec.payload_sha256
            && chain_hash(&rec.prev, rec.seq, &rec.kind, &rec.payload_sha256) == rec.hash;
        let (true, Some(count), Some(sha)) = (intact, count, sha) else {
            return Err(corrupt(format!(
                "log record {seq} is not the intact scan_finished record of scan {}: run `brandguard evidence verify`",
                scan.scan_id
            )));
        };
        let (got_count, got_sha) = rows::check_rows(file)?;
        if (got_count, got_sha.as_str()) != (count, sha) {
            return Err(corrupt(format!(
                "{got_count} rows hashing to {got_sha}, expected {count} hashing to {sha} (log record {seq}, scan {}): run `brandguard evidence verify`",
                scan.scan_id
            )));
        }
        Ok(())
    }
}
