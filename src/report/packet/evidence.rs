//! A packet's evidence: for each listing of the case, the findings, every capture
//! that shows them (page bytes, what was read from it, how it was fetched) and
//! the lines of the cover's evidence table and listings.csv.

use std::collections::BTreeMap;

use chrono::Utc;

use super::{MAX_TEXT, ManifestCapture, PacketError};
use crate::case::{Case, PacketRevision};
use crate::evidence::{FindingRecord, Observation, Store};
use crate::judge::FindingKind;
use crate::report::ReportError;
use crate::sanitize::{file_name, terminal};

/// The listings of a case and the observations that show its findings.
pub(super) struct Evidence {
    pub listing: String,
    pub records: Vec<FindingRecord>,
    pub observations: Vec<Observation>,
    /// The prices the listing showed its findings at, oldest first ([`price_runs`]).
    pub prices: Vec<PriceRun>,
    /// Test buys and reviewers' findings recorded for this listing.
    pub grounds: Vec<crate::case::Grounds>,
}

/// The case's findings grouped by listing, each with the observations that
/// showed one of them; with `confirm`, only confirmed findings, the suspected
/// ones returned apart (named on the cover, never claimed).
pub(super) fn gather(
    store: &Store,
    cases: &[&Case],
    confirm: Option<&crate::config::Confirm>,
) -> Result<(Vec<Evidence>, Vec<FindingRecord>), PacketError> {
    let mut suspected = Vec::new();
    // Open findings are what a filing is about; a case with none (resolved) still
    // documents all of them.
    let keys = cases.iter().flat_map(|c| {
        if c.open_findings.is_empty() {
            &c.findings
        } else {
            &c.open_findings
        }
    });
    let mut by_listing: BTreeMap<String, Vec<FindingRecord>> = BTreeMap::new();
    for k in keys {
        if let Some(f) = store
            .vouched_finding(&crate::evidence::finding_key_of_printable(k))
            .map_err(ReportError::from)?
        {
            if let Some(rule) = confirm
                && !f.confirmed(rule.captures, rule.min_span())
            {
                suspected.push(f);
                continue;
            }
            by_listing
                .entry(format!(
                    "{}/{}",
                    f.finding.marketplace, f.finding.listing_id
                ))
                .or_default()
                .push(f);
        }
    }
    let mut out = Vec::new();
    for (listing, records) in by_listing {
        let first = &records[0].finding;
        let kinds: Vec<FindingKind> = records.iter().map(|r| r.finding.kind).collect();
        let history = store
            .history(&first.marketplace, &first.listing_id)
            .map_err(ReportError::from)?;
        let shows = |o: &Observation| o.findings.iter().any(|k| kinds.contains(k));
        let prices = price_runs(&history, shows);
        let observations = history.into_iter().filter(shows).collect();
        let grounds = cases
            .iter()
            .flat_map(|c| &c.grounds)
            .filter(|g| g.listing == listing)
            .cloned()
            .collect();
        out.push(Evidence {
            listing,
            records,
            observations,
            prices,
            grounds,
        });
    }
    Ok((out, suspected))
}

/// One price a listing showed its findings at, from its first to its last
/// sighting in a row at that price.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PriceRun {
    pub price: Option<crate::money::Money>,
    pub from: chrono::DateTime<Utc>,
    pub to: chrono::DateTime<Utc>,
}

impl PriceRun {
    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "price": self.price.as_ref().map(|p| p.to_string()),
            "from": self.from.format("%Y-%m-%d").to_string(),
            "to": self.to.format("%Y-%m-%d").to_string(),
        })
    }

    /// `70.99 USD 2026-11-01..2026-11-03`, for listings.csv.
    fn line(&self) -> String {
        let price = self
            .price
            .as_ref()
            .map_or("no price".into(), |p| p.to_string());
        format!(
            "{price} {}..{}",
            self.from.format("%Y-%m-%d"),
            self.to.format("%Y-%m-%d")
        )
    }
}

/// The prices of `history` (a listing's observations, oldest first) at the
/// sightings that `shows` its findings: consecutive such sightings at one price
/// are one run; a sighting at another price, or one without the findings, ends
/// it. So "PRICE (seen FROM to TO)" is true of every sighting from FROM to TO,
/// which one price and the finding's first and last day are not when the price
/// moved or the finding lapsed between them.
pub(super) fn price_runs(
    history: &[Observation],
    shows: impl Fn(&Observation) -> bool,
) -> Vec<PriceRun> {
    let mut runs: Vec<PriceRun> = Vec::new();
    let mut open = false;
    for o in history {
        if !shows(o) {
            open = false;
            continue;
        }
        let (price, at) = (&o.listing.price, o.at());
        match runs.last_mut() {
            Some(r) if open && &r.price == price => r.to = r.to.max(at),
            _ => runs.push(PriceRun {
                price: price.clone(),
                from: at,
                to: at,
            }),
        }
        open = true;
    }
    runs
}

/// The evidence's files and the rows that describe them.
#[derive(Default)]
pub(super) struct EvidenceFiles {
    /// Path inside the packet → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    pub captures: Vec<ManifestCapture>,
    /// One object per listing for the cover's template.
    pub listings: Vec<serde_json::Value>,
    /// One row per listing for listings.csv.
    pub csv_rows: Vec<Vec<String>>,
    /// Listings whose screenshot shows another price or seller than the page
    /// their findings were read from: why each is not fit to file.
    pub shown_otherwise: Vec<String>,
}

/// Every listing's captures as files, with the cover's and the CSV's lines.
/// `previous` marks which captures are new since the last revision.
pub(super) fn files(
    store: &Store,
    evidence: &[Evidence],
    previous: Option<&PacketRevision>,
    seller_name: &str,
) -> Result<EvidenceFiles, PacketError> {
    let mut out = EvidenceFiles::default();
    let renders = store.renders().map_err(ReportError::from)?;
    for e in evidence {
        grounds_files(store, e, &mut out)?;
        let caps = captures(store, e, previous, &mut out)?;
        let shot = screenshot(store, e, &renders, &mut out)?;
        if let Some(otherwise) = shot
            .as_ref()
            .and_then(|s| s["shows_otherwise"].as_array())
            .filter(|o| !o.is_empty())
        {
            let said: Vec<&str> = otherwise.iter().filter_map(|o| o.as_str()).collect();
            out.shown_otherwise.push(format!(
                "the screenshot of {} shows otherwise than the page its findings were read from ({}): scan again, so that the listing's next capture is rendered",
                e.listing,
                said.join("; ")
            ));
        }
        let (mut listing, row) = describe(e, caps, seller_name);
        listing["screenshot"] = shot.unwrap_or(serde_json::Value::Null);
        out.listings.push(listing);
        out.csv_rows.push(row);
    }
    Ok(out)
}

/// The newest rendered capture of a page this listing's findings were read from:
/// the screenshot (`screenshot-N.png`), the DOM after scripts ran (`dom-N.html`)
/// and how they were taken (`render-N.json`, with the log record's hash), N being
/// the `rendered_capture` record's sequence number. Returns the cover's line.
fn screenshot(
    store: &Store,
    e: &Evidence,
    renders: &[crate::evidence::RenderRecord],
    out: &mut EvidenceFiles,
) -> Result<Option<serde_json::Value>, PacketError> {
    let Some(r) = newest_render(e, renders) else {
        return Ok(None);
    };
    let (Some(png), Some(dom)) = (
        store.snapshot(&r.png.sha256).map_err(ReportError::from)?,
        store.snapshot(&r.dom.sha256).map_err(ReportError::from)?,
    ) else {
        // Stated lost by a rebuild: no screenshot rather than a broken one.
        return Ok(None);
    };
    let folder = folder_of(e);
    let n = r.log_seq;
    let file = format!("{folder}/screenshot-{n}.png");
    out.files.insert(file.clone(), png);
    out.files.insert(format!("{folder}/dom-{n}.html"), dom);
    let record_hash = store
        .log_record(n)
        .map_err(ReportError::from)?
        .map(|rec| rec.hash)
        .unwrap_or_default();
    out.files.insert(
        format!("{folder}/render-{n}.json"),
        super::json_bytes(&serde_json::json!({
            "rendered_capture_log_seq": n, "record_hash": record_hash,
            "renders_capture_log_seq": r.capture_log_seq,
            "page_sha256": r.snapshot_sha256, "png_sha256": r.png.sha256,
            "dom_sha256": r.dom.sha256, "meta": r.meta,
        })),
    );
    let fetched_at = e
        .observations
        .iter()
        .find(|o| o.capture_log_seq == r.capture_log_seq)
        .map(|o| o.page.received_at);
    Ok(Some(serde_json::json!({
        "file": file,
        "sha256": r.png.sha256,
        "url": terminal(&r.meta.final_url, 300),
        "at": r.meta.finished_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        "fetched_at": fetched_at.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
        "after": fetched_at.map(|t| later_by(r.meta.finished_at - t)),
        "shows_otherwise": r.shows_otherwise.iter().map(|s| terminal(s, 600)).collect::<Vec<_>>(),
        "browser": terminal(&r.meta.browser, 80),
        "width": r.meta.viewport_width,
        "height": r.meta.captured_height,
        "page_height": r.meta.page_height,
        "capped": r.meta.height_capped(),
        "page_sha256": r.snapshot_sha256,
    })))
}

/// How long after the fetch a render was made, in the largest whole unit
/// (`4 s`, `12 min`, `3 h`, `9 days`): the cover says it, since a render made days
/// later (before a packet) shows the listing as it was then.
fn later_by(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..120 => format!("{s} s"),
        120..7_200 => format!("{} min", s / 60),
        7_200..172_800 => format!("{} h", s / 3_600),
        _ => format!("{} days", s / 86_400),
    }
}

/// The newest rendered capture of a page this listing's findings were read from.
fn newest_render<'r>(
    e: &Evidence,
    renders: &'r [crate::evidence::RenderRecord],
) -> Option<&'r crate::evidence::RenderRecord> {
    let first = &e.records[0].finding;
    let pages: std::collections::HashSet<&str> = e
        .observations
        .iter()
        .map(|o| o.snapshot.sha256.as_str())
        .collect();
    renders.iter().rev().find(|r| {
        r.marketplace == first.marketplace
            && r.listing_id == first.listing_id
            && pages.contains(r.snapshot_sha256.as_str())
    })
}

/// The listings of `evidence` with no rendered capture of any page their findings
/// were read from: each one's newest such page, to render before the packet is
/// built (`render = "findings"`).
pub(super) fn unrendered(
    store: &Store,
    evidence: &[Evidence],
) -> Result<Vec<crate::evidence::PageToRender>, PacketError> {
    let renders = store.renders().map_err(ReportError::from)?;
    let mut out = Vec::new();
    for e in evidence {
        let Some(o) = e.observations.iter().max_by_key(|o| o.log_seq) else {
            continue;
        };
        // A render that shows what its capture showed stands; one that shows
        // otherwise is made again only of a newer capture (the same capture
        // rendered again would be the same page changed since).
        if newest_render(e, &renders)
            .is_some_and(|r| r.shows_otherwise.is_empty() || r.capture_log_seq >= o.capture_log_seq)
        {
            continue;
        }
        let first = &e.records[0].finding;
        out.push(crate::evidence::PageToRender {
            marketplace: first.marketplace.clone(),
            listing_id: first.listing_id.clone(),
            url: o.page.url.clone(),
            capture_log_seq: o.capture_log_seq,
            snapshot_sha256: o.snapshot.sha256.clone(),
            offer: o.listing.offer(),
        });
    }
    Ok(out)
}

/// The floor the listing's findings name: the first finding's, else any.
fn floor_of(e: &Evidence) -> String {
    e.records
        .iter()
        .find_map(|r| r.finding.floor.as_ref().map(|p| p.to_string()))
        .unwrap_or_default()
}

/// The first and last time any of the listing's findings was seen.
fn seen_span(e: &Evidence) -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
    let first = e.records.iter().map(|r| r.first_seen).min();
    let last = e.records.iter().map(|r| r.last_seen).max();
    (
        first.unwrap_or_else(Utc::now),
        last.unwrap_or_else(Utc::now),
    )
}

/// The days the listing's pages were fetched, where a scan that saw it was
/// stamped with another date than the day it ran (`brandguard demo` stamps its
/// simulated nights 2026-11-01, …): the "seen" days are then the scans' dates, and
/// the cover says so rather than let them pass for the days the pages were fetched.
/// A day's grace: a night's scan runs past midnight.
fn fetched_otherwise(e: &Evidence) -> Option<serde_json::Value> {
    let stamped = |o: &&Observation| {
        o.observed_at
            .is_some_and(|at| (at - o.page.received_at).num_hours().abs() > 24)
    };
    if !e.observations.iter().any(|o| stamped(&o)) {
        return None;
    }
    let days = e.observations.iter().map(|o| o.page.received_at);
    let (from, to) = (days.clone().min()?, days.max()?);
    Some(serde_json::json!({
        "from": from.format("%Y-%m-%d").to_string(),
        "to": to.format("%Y-%m-%d").to_string(),
    }))
}

/// The listing's folder inside the packet: `evidence/MARKETPLACE-ID`.
fn folder_of(e: &Evidence) -> String {
    let first = &e.records[0].finding;
    format!(
        "evidence/{}",
        file_name(&format!("{}-{}", first.marketplace, first.listing_id), 80)
    )
}

/// The listing's test buys and reviewers' findings (`grounds-N.json`), each with
/// its photo or receipt as stored (`grounds-N-NAME`, hashed in the manifest).
fn grounds_files(store: &Store, e: &Evidence, out: &mut EvidenceFiles) -> Result<(), PacketError> {
    let folder = folder_of(e);
    for (i, g) in e.grounds.iter().enumerate() {
        let n = i + 1;
        out.files
            .insert(format!("{folder}/grounds-{n}.json"), super::json_bytes(g));
        if let (Some(sha), Some(name)) = (&g.file_sha256, &g.file_name) {
            let bytes = store
                .snapshot(sha)
                .map_err(ReportError::from)?
                .ok_or_else(|| {
                    ReportError::from(crate::evidence::EvidenceError::Corrupt {
                        tree: "snapshots",
                        key: sha.clone(),
                        message: format!("the file of {}'s {} is missing", e.listing, g.kind),
                    })
                })?;
            out.files.insert(
                format!("{folder}/grounds-{n}-{}", file_name(name, 80)),
                bytes,
            );
        }
    }
    Ok(())
}

/// Writes each observation's page, fields and capture metadata into `out` and
/// pins it in the manifest; returns the cover's lines for them.
fn captures(
    store: &Store,
    e: &Evidence,
    previous: Option<&PacketRevision>,
    out: &mut EvidenceFiles,
) -> Result<Vec<serde_json::Value>, PacketError> {
    let folder = folder_of(e);
    let mut caps = Vec::new();
    for o in &e.observations {
        let Some(body) = store
            .snapshot(&o.snapshot.sha256)
            .map_err(ReportError::from)?
        else {
            // Stated lost by a rebuild (verify refuses a store missing it otherwise):
            // the cover says so rather than leaving the capture out unseen.
            caps.push(serde_json::json!({
                "at": o.page.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                "status": "page bytes lost (see the store's evidence_lost record)",
                "price": o.listing.price.as_ref().map(|p| p.to_string()).unwrap_or_default(),
                "file": "—",
                "sha256": o.snapshot.sha256,
                "new": false,
            }));
            continue;
        };
        let page_file = format!("{folder}/page-{}.html", o.log_seq);
        out.files.insert(page_file.clone(), body);
        out.files.insert(
            format!("{folder}/fields-{}.json", o.log_seq),
            super::json_bytes(&serde_json::json!({
                "listing": o.listing, "sku_match": o.sku_match, "findings": o.findings,
                "notes": o.notes, "promotion": o.promotion, "observed_at": o.at(),
            })),
        );
        let (pinned, captured) = pin(store, &e.listing, o, page_file.clone())?;
        let status = pinned.capture_status;
        out.captures.push(pinned);
        // The capture as it happened: a 304 with its own time and headers, saying
        // which earlier capture's bytes it confirmed (those are page-N.html).
        let shown = captured.as_ref().unwrap_or(&o.page);
        let record = capture_record(o, shown);
        out.files.insert(
            format!("{folder}/capture-{}.json", o.log_seq),
            super::json_bytes(&record),
        );
        caps.push(serde_json::json!({
            "at": shown.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            "status": status,
            "price": o.listing.price.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            "file": page_file,
            "sha256": o.snapshot.sha256,
            "new": previous.is_some_and(|p| o.log_seq >= p.log_len),
        }));
    }
    Ok(caps)
}

/// `capture-N.json`: the capture as it happened (`shown`: a 304 with its own time
/// and headers, pointing at the capture whose bytes it confirmed), its redirects,
/// and where it sits in the log.
fn capture_record(o: &Observation, shown: &crate::crawl::Page) -> serde_json::Value {
    let mut record = serde_json::json!({
        "url": shown.url, "final_url": shown.final_url, "status": shown.status,
        "headers": shown.headers, "sent_at": shown.sent_at, "received_at": shown.received_at,
        "remote_addr": shown.remote_addr, "user_agent": shown.user_agent,
        "snapshot_sha256": o.snapshot.sha256, "capture_log_seq": o.capture_log_seq,
        "observation_log_seq": o.log_seq, "scan_id": o.scan_id,
    });
    if !shown.redirects.is_empty() {
        // The hops on the way, as answered: the WARC export holds them whole.
        record["redirects"] = shown
            .redirects
            .iter()
            .map(|h| {
                let location = h
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("location"))
                    .map(|(_, v)| v.clone());
                serde_json::json!({
                    "url": h.url, "status": h.status, "location": location,
                    "sent_at": h.sent_at, "received_at": h.received_at,
                })
            })
            .collect();
    }
    if shown.status == 304 {
        record["not_modified_since"] = serde_json::json!({
            "status": o.page.status, "received_at": o.page.received_at,
            "headers": o.page.headers, "snapshot_sha256": o.snapshot.sha256,
            "meaning": "the server answered 304 Not Modified to a conditional request \
                        made with this earlier capture's validators: the page was \
                        unchanged, and page-N.html holds that capture's bytes",
        });
    }
    record
}

/// The cover's lines for the listing's test buys and reviews.
fn grounds_rows(e: &Evidence) -> Vec<serde_json::Value> {
    e.grounds
        .iter()
        .map(|g| {
            let what = match (g.kind.as_str(), g.counterfeit) {
                ("test_buy", true) => "test buy: counterfeit",
                ("test_buy", false) => "test buy: genuine",
                _ => "reviewer: counterfeit",
            };
            serde_json::json!({
                "what": what,
                "order": g.order_id.as_deref().map(|o| terminal(o, 80)),
                "date": g.order_date.map(|d| d.to_string()).unwrap_or_else(|| g.at.format("%Y-%m-%d").to_string()),
                "by": terminal(&g.by, 80),
                "text": terminal(&g.text, MAX_TEXT),
                "file": g.file_name.as_deref().map(|n| terminal(n, 80)),
            })
        })
        .collect()
}

/// A capture pinned to its capture and observation records in the log, and the
/// page as that capture record holds it (a 304's own status, time and headers).
fn pin(
    store: &Store,
    listing: &str,
    o: &Observation,
    file: String,
) -> Result<(ManifestCapture, Option<crate::crawl::Page>), PacketError> {
    let capture = store
        .log_record(o.capture_log_seq)
        .map_err(ReportError::from)?;
    let capture_status = capture
        .as_ref()
        .and_then(|r| r.payload.pointer("/page/status").and_then(|v| v.as_u64()))
        .unwrap_or(0) as u16;
    let captured = capture
        .as_ref()
        .and_then(|r| r.payload.get("page"))
        .and_then(|p| serde_json::from_value::<crate::crawl::Page>(p.clone()).ok());
    let observation = store.log_record(o.log_seq).map_err(ReportError::from)?;
    let pinned = ManifestCapture {
        listing: listing.to_string(),
        file,
        snapshot_sha256: o.snapshot.sha256.clone(),
        capture_log_seq: o.capture_log_seq,
        capture_record_hash: capture.map(|r| r.hash).unwrap_or_default(),
        observation_log_seq: o.log_seq,
        observation_record_hash: observation.map(|r| r.hash).unwrap_or_default(),
        capture_status,
    };
    Ok((pinned, captured))
}

/// A listing's line on the cover (with its captures) and its listings.csv row.
fn describe(
    e: &Evidence,
    caps: Vec<serde_json::Value>,
    seller_name: &str,
) -> (serde_json::Value, Vec<String>) {
    let first = &e.records[0].finding;
    let title = e
        .observations
        .last()
        .and_then(|o| o.listing.title.clone())
        .unwrap_or_default();
    let price = first
        .observed
        .as_ref()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let floor = floor_of(e);
    let (first_seen, last_seen) = seen_span(e);
    let kinds: Vec<&str> = e.records.iter().map(|r| r.finding.kind.as_str()).collect();
    let listing = serde_json::json!({
        "marketplace": first.marketplace,
        "listing_id": terminal(&first.listing_id, 80),
        "url": first.url,
        "title": terminal(&title, MAX_TEXT),
        "sku": first.sku,
        "price": price,
        "prices": e.prices.iter().map(PriceRun::json).collect::<Vec<_>>(),
        "floor": floor,
        "first_seen": first_seen.format("%Y-%m-%d").to_string(),
        "last_seen": last_seen.format("%Y-%m-%d").to_string(),
        "fetched_otherwise": fetched_otherwise(e),
        "kinds": kinds,
        "details": e.records.iter().map(|r| terminal(&r.finding.detail, MAX_TEXT)).collect::<Vec<_>>(),
        "captures": caps,
        "grounds": grounds_rows(e),
    });
    let row = vec![
        first.marketplace.clone(),
        first.listing_id.clone(),
        first.url.clone(),
        terminal(&title, MAX_TEXT),
        // A filing covering linked accounts holds their listings too: each row
        // names its own seller.
        terminal(
            first.seller_name.as_deref().unwrap_or(seller_name),
            MAX_TEXT,
        ),
        first.seller_id.clone().unwrap_or_default(),
        first.sku.clone(),
        price,
        floor,
        kinds.join(" "),
        first_seen.to_rfc3339(),
        last_seen.to_rfc3339(),
        // Every price the findings were seen at, with its days.
        e.prices
            .iter()
            .map(PriceRun::line)
            .collect::<Vec<_>>()
            .join("; "),
    ];
    (listing, row)
}
