//! Rendered captures: what a browser showed for a listing (its DOM after scripts
//! ran and a full-page PNG, both stored as content-addressed snapshots) and how it
//! was taken, as `rendered_capture` log records. Each names the HTTP capture whose
//! page it renders again, so a packet puts the screenshot beside the exact bytes
//! the finding was read from.

#[allow(unused_imports)]
use super::*;
use crate::render::{RenderMeta, Rendered};

/// The log record kind of a rendered capture.
pub const RENDER_KIND: &str = "rendered_capture";

/// A rendered capture as the log holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderRecord {
    pub scan_id: u64,
    pub marketplace: String,
    pub listing_id: String,
    /// The `capture` record of the fetch whose page this renders again, and its
    /// bytes (the page the findings were read from).
    pub capture_log_seq: u64,
    pub snapshot_sha256: String,
    /// The post-render DOM (HTML, UTF-8) and the PNG, in the `snapshots` tree.
    pub dom: SnapshotRef,
    pub png: SnapshotRef,
    pub meta: RenderMeta,
    /// How the rendered page shows otherwise than the page it renders again (its
    /// price, its seller: [`crate::extract::Offer::shown_otherwise`]); empty when
    /// it shows the same, and in records written before it was compared. A render
    /// that shows otherwise is kept (what a buyer saw is evidence either way) but
    /// stands beside no finding as what a buyer saw of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shows_otherwise: Vec<String>,
    /// This record's own sequence number (not part of the payload).
    #[serde(skip)]
    pub log_seq: u64,
}

impl RenderRecord {
    /// `(marketplace, listing id, page SHA-256)`: a listing's page is rendered
    /// once per content.
    pub fn page_key(&self) -> (String, String, String) {
        (
            self.marketplace.clone(),
            self.listing_id.clone(),
            self.snapshot_sha256.clone(),
        )
    }
}

/// A listing's page that has no rendered capture yet, as one HTTP capture fetched
/// it: what a packet asks to be rendered before it is built.
#[derive(Debug, Clone)]
pub struct PageToRender {
    pub marketplace: String,
    pub listing_id: String,
    /// The address the page was fetched from (the browser loads it again).
    pub url: url::Url,
    pub capture_log_seq: u64,
    pub snapshot_sha256: String,
    /// The price and seller read from that capture, which the render must show.
    pub offer: crate::extract::Offer,
}

impl PageToRender {
    /// What its rendered capture will be of; `scan_id` 0 when it is taken outside
    /// a scan (before a packet is built).
    pub fn of<'a>(&'a self, scan_id: u64, shows_otherwise: &'a [String]) -> RenderOf<'a> {
        RenderOf {
            scan_id,
            marketplace: &self.marketplace,
            listing_id: &self.listing_id,
            capture_log_seq: self.capture_log_seq,
            snapshot_sha256: &self.snapshot_sha256,
            shows_otherwise,
        }
    }
}

/// What a rendered capture is of: a listing's page as one HTTP capture fetched it.
pub struct RenderOf<'a> {
    pub scan_id: u64,
    pub marketplace: &'a str,
    pub listing_id: &'a str,
    pub capture_log_seq: u64,
    pub snapshot_sha256: &'a str,
    /// How the rendered page shows otherwise than that capture (see
    /// [`RenderRecord::shows_otherwise`]).
    pub shows_otherwise: &'a [String],
}

impl Store {
    /// Stores a rendered capture's DOM and PNG and records it; returns the record.
    pub fn record_render(
        &self,
        of: RenderOf<'_>,
        rendered: Rendered,
    ) -> Result<RenderRecord, EvidenceError> {
        let dom = self.put_snapshot(&rendered.dom)?;
        let png = self.put_snapshot(&rendered.png)?;
        let mut rec = RenderRecord {
            scan_id: of.scan_id,
            marketplace: of.marketplace.to_string(),
            listing_id: of.listing_id.to_string(),
            capture_log_seq: of.capture_log_seq,
            snapshot_sha256: of.snapshot_sha256.to_string(),
            dom,
            png,
            meta: rendered.meta,
            shows_otherwise: of.shows_otherwise.to_vec(),
            log_seq: 0,
        };
        let value = serde_json::to_value(&rec).unwrap_or_default();
        let recs = self.commit(|_, seq| {
            let entry = render_key(&rec.marketplace, &rec.listing_id, seq);
            Ok((
                vec![(RENDER_KIND.to_string(), value)],
                vec![(StateTree::Renders, entry, Vec::new())],
            ))
        })?;
        rec.log_seq = recs.first().map_or(0, |r| r.seq);
        Ok(rec)
    }

    /// Every rendered capture, oldest first: the render entries, then each record
    /// by its sequence number.
    pub fn renders(&self) -> Result<Vec<RenderRecord>, EvidenceError> {
        self.settle()?;
        let mut seqs = Vec::new();
        for r in Walk::prefix(&self.listings, [RENDERS]) {
            let (k, _) = r?;
            seqs.push(render_seq(&k)?);
        }
        seqs.sort_unstable();
        seqs.into_iter()
            .map(|seq| self.render_record(seq))
            .collect()
    }

    /// The `rendered_capture` record `seq`.
    fn render_record(&self, seq: u64) -> Result<RenderRecord, EvidenceError> {
        let corrupt = |message: String| EvidenceError::Corrupt {
            tree: "log",
            key: seq.to_string(),
            message,
        };
        let raw = self
            .get(Slot::Log, &seq.to_be_bytes())?
            .ok_or_else(|| corrupt("a render entry names this record, which is missing".into()))?;
        let rec: LogRecord = parse("log", &seq.to_be_bytes(), &raw)?;
        if rec.kind != RENDER_KIND {
            return Err(corrupt(format!(
                "a render entry names this {} record",
                rec.kind
            )));
        }
        let mut render: RenderRecord = serde_json::from_value(rec.payload)
            .map_err(|e| corrupt(format!("rendered_capture record unreadable: {e}")))?;
        render.log_seq = rec.seq;
        Ok(render)
    }

    /// The newest rendered capture of a listing, if any.
    pub fn latest_render(
        &self,
        marketplace: &str,
        listing_id: &str,
    ) -> Result<Option<RenderRecord>, EvidenceError> {
        self.settle()?;
        let prefix = &render_key(marketplace, listing_id, 0)[..];
        let prefix = &prefix[..prefix.len() - 8];
        match self.listings.scan_prefix(prefix).next_back() {
            Some(r) => Ok(Some(self.render_record(render_seq(&r?.0)?)?)),
            None => Ok(None),
        }
    }
}

/// The record sequence number a render entry ends with.
fn render_seq(key: &[u8]) -> Result<u64, EvidenceError> {
    key.len()
        .checked_sub(8)
        .and_then(|at| key[at..].try_into().ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| EvidenceError::Corrupt {
            tree: "listings",
            key: String::from_utf8_lossy(key).replace('\0', "/"),
            message: "a render entry too short to name its record".into(),
        })
}
