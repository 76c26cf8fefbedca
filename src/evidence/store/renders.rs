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
}

impl PageToRender {
    /// What its rendered capture will be of; `scan_id` 0 when it is taken outside
    /// a scan (before a packet is built).
    pub fn of(&self, scan_id: u64) -> RenderOf<'_> {
        RenderOf {
            scan_id,
            marketplace: &self.marketplace,
            listing_id: &self.listing_id,
            capture_log_seq: self.capture_log_seq,
            snapshot_sha256: &self.snapshot_sha256,
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
            log_seq: 0,
        };
        let value = serde_json::to_value(&rec).unwrap_or_default();
        let recs = self.commit(|_, _| Ok((vec![(RENDER_KIND.to_string(), value)], vec![])))?;
        rec.log_seq = recs.first().map_or(0, |r| r.seq);
        Ok(rec)
    }

    /// Every rendered capture, oldest first (a walk of the log for one kind).
    pub fn renders(&self) -> Result<Vec<RenderRecord>, EvidenceError> {
        let mut out = Vec::new();
        for r in self.log_of_kind(RENDER_KIND) {
            let rec = r?;
            let mut render: RenderRecord =
                serde_json::from_value(rec.payload).map_err(|e| EvidenceError::Corrupt {
                    tree: "log",
                    key: rec.seq.to_string(),
                    message: format!("rendered_capture record unreadable: {e}"),
                })?;
            render.log_seq = rec.seq;
            out.push(render);
        }
        Ok(out)
    }

    /// The newest rendered capture of a listing, if any.
    pub fn latest_render(
        &self,
        marketplace: &str,
        listing_id: &str,
    ) -> Result<Option<RenderRecord>, EvidenceError> {
        Ok(self
            .renders()?
            .into_iter()
            .rev()
            .find(|r| r.marketplace == marketplace && r.listing_id == listing_id))
    }
}
